-- An in-kind policy: the units requested, each worth 30.00, plus 1.00 for the paperwork of any
-- grant (so that a grant of 0 units is worth 1.00 by this function, and an exhausted claim
-- shows whether the pool asked it).
return lib.fixture.policy {
  id = "units",
  kind = "in_kind",
  unit = "units",
  conditions = { at_least("talent.requested_units", 1) },
  quantity = function(e, p) return e.talent.requested_units end,
  value = function(units, p) return mul(units, 3000) + 100 end,
}
