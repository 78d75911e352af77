-- A good policy evaluated before every bad one: 12345 fen per employee.
return lib.t.cash("aa-good", function(e, p)
  return mul(e.employees, 12345)
end)
