-- Returns a float.
return lib.t.cash("ret-float", function(e, p)
  return 1.5
end)
