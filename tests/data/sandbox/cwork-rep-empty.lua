-- An empty string repeated math.maxinteger times: Lua's C loop would never return.
return lib.t.cash("cwork-rep-empty", function(e, p)
  return #("").rep("", math.maxinteger)
end)
