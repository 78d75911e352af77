-- Writing to the parameters is an error.
return lib.t.cash("params-write", function(e, p)
  p.cap = 1
  return 100
end, { params = { cap = yuan "1000" } })
