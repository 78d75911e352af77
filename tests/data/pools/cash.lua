-- A cash policy whose claim is the revenue (tests/test_pools.c builds its claims by hand).
return policy {
  id = "cash",
  kind = "cash",
  title = { zh = "现金", en = "cash" },
  source = { doc = "tests/data/pools", quote = "fixture" },
  in_force = { "2025-01-01", "2025-12-31" },
  conditions = { at_least("finance.revenue", 1) },
  amount = function(e, p) return e.finance.revenue end,
}
