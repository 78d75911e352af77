-- Group g-tie: 1.00 yuan per employee.
return lib.t.cash("grp-a", {}, function(e, p)
  return mul(e.employees, 100)
end)
