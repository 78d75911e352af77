-- Writing a global from the amount function is an error.
return lib.t.cash("global-write", function(e, p)
  total = 100
  return total
end)
