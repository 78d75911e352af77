-- any(all(A, B), C): A = district is 上城区, B = employees >= 10, C = founded is set.
return lib.t.cash("k-nested", {
  any({ all({ equals("district", "上城区"), at_least("employees", 10) }), is_set("founded") }),
}, lib.t.one_yuan)
