-- Conditions and an amount over fields that all have schema defaults.
return lib.t.cash("defaults", {
  not_(is_true("rd.major_project")),
  at_most("hq.star", 0),
  equals("hq.office.mode", "none"),
  equals("listing.stage", "none"),
  not_(has_tag("tags", "high_tech")),
  is_set("stores"),
}, function(e, p)
  local extra = e.rd.major_project and 1 or 0
  return add(100, extra, e.hq.star, e.hq.star_rewarded_before, #e.stores, #e.listing.stages_paid)
end)
