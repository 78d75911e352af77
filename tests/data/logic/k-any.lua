-- any(A, B): A = district is 上城区, B = employees >= 10.
return lib.t.cash("k-any", {
  any({ equals("district", "上城区"), at_least("employees", 10) }),
}, lib.t.one_yuan)
