-- A cash policy whose claim is the revenue (tests/test_pools.c builds its claims by hand).
return lib.fixture.policy {
  id = "cash",
  kind = "cash",
  conditions = { at_least("finance.revenue", 1) },
  amount = function(e, p) return e.finance.revenue end,
}
