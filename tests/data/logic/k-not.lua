-- not(A): A = district is 上城区.
return lib.t.cash("k-not", {
  not_(equals("district", "上城区")),
}, lib.t.one_yuan)
