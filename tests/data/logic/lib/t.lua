-- Test helper for the logic fixtures: a cash policy in force for 2025 with the given conditions
-- and amount function. `extra` adds or overrides fields (params, item_amount, …).
local t = {}

function t.cash(id, conditions, amount, extra)
  local p = {
    id = id,
    kind = "cash",
    title = { zh = id, en = id },
    source = { doc = "tests/data/logic", quote = "logic fixture" },
    in_force = { "2025-01-01", "2025-12-31" },
    conditions = conditions,
    amount = amount,
  }
  for k, v in pairs(extra or {}) do
    p[k] = v
  end
  return policy(p)
end

-- The amount of every Kleene fixture: 1.00 yuan.
function t.one_yuan(e, p)
  return 100
end

return t
