-- The same qualification as `stores`, as a condition only: a flat amount of 1.00.
return lib.t.cash("store-cond", {
  any_item("stores", {
    is_true("brand_recognized"),
    on_or_after("opened", "2025-01-01"),
    at_least("area_m2", 100),
  }),
}, lib.t.one_yuan)
