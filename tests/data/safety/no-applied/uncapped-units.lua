-- An in-kind policy whose quantity is whatever is requested (no cap): claims of 2^62 units.
return policy {
  id = "uncapped-units",
  kind = "in_kind",
  unit = "units",
  title = { zh = "不设上限的公寓", en = "uncapped apartments" },
  source = { doc = "tests/data/safety", quote = "fixture" },
  in_force = { "2025-01-01", "2025-12-31" },
  conditions = { at_least("talent.requested_units", 1) },
  quantity = function(e, p) return e.talent.requested_units end,
  value = function(units, p) return mul(units, 1) end,
}
