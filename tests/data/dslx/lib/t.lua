-- Helper of the dslx fixtures: a cash policy in force for 2025 (claim year 2024) with the given
-- conditions and amount function; `extra` adds or overrides fields (params, …).
local t = {}

function t.cash(id, conditions, amount, extra)
  local p = {
    id = id,
    kind = "cash",
    title = { zh = id, en = id },
    source = { doc = "tests/data/dslx", quote = "dslx fixture" },
    in_force = { "2025-01-01", "2025-12-31" },
    conditions = conditions,
    amount = amount,
  }
  for k, v in pairs(extra or {}) do
    p[k] = v
  end
  return policy(p)
end

return t
