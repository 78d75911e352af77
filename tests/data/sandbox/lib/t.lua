-- Test helper for the sandbox fixtures: a cash policy in force for 2025, without conditions,
-- around one amount function. `extra` adds or overrides fields (params, limit, …).
local t = {}

-- A library-level counter: calling bump() from an amount function carries state between
-- evaluations unless the engine stops it.
local bumps = 0

function t.bump()
  bumps = bumps + 1
  return bumps
end

function t.cash(id, amount, extra)
  local p = {
    id = id,
    kind = "cash",
    title = { zh = id, en = id },
    source = { doc = "tests/data/sandbox", quote = "sandbox fixture" },
    in_force = { "2025-01-01", "2025-12-31" },
    conditions = {},
    amount = amount,
  }
  for k, v in pairs(extra or {}) do
    p[k] = v
  end
  return policy(p)
end

return t
