-- The policies of tests/test_pools.c: in force for 2025, each given its id, kind, condition and
-- what it claims; the title and source are the fixture's.
local fixture = {}

function fixture.policy(p)
  p.title = { zh = p.id, en = p.id }
  p.source = { doc = "tests/data/pools", quote = "fixture" }
  p.in_force = { "2025-01-01", "2025-12-31" }
  return policy(p)
end

return fixture
