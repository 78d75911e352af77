-- A store-list policy: per qualifying store 50% of its fit-out (half up); the sum is the amount.
return lib.t.cash("stores", {
  any_item("stores", {
    is_true("brand_recognized"),
    on_or_after("opened", "2025-01-01"),
    at_least("area_m2", 100),
  }, { name = "qualifying_store" }),
}, function(e, p, stores)
  return stores
end, {
  params = { rate = percent "50" },
  item_amount = function(s, p)
    return pct(s.fitout_investment, p.rate)
  end,
})
