-- any_item over stores, which defaults to the empty list.
return lib.t.cash("defaults-stores", {
  any_item("stores", { is_true("brand_recognized") }),
}, lib.t.one_yuan)
