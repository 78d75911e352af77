-- Three top-level conditions: district is 上城区, employees >= 10, founded is set.
return lib.t.cash("flat", {
  equals("district", "上城区"),
  at_least("employees", 10),
  is_set("founded"),
}, lib.t.one_yuan)
