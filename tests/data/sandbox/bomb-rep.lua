-- string.rep asked for 2^40 bytes: refused before allocating.
return lib.t.cash("bomb-rep", function(e, p)
  return #string.rep("x", 2^40)
end)
