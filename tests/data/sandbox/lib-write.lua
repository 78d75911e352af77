-- Library tables are read-only.
return lib.t.cash("lib-write", function(e, p)
  math.pi = 3
  return 100
end)
