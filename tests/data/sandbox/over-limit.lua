-- Returns one fen more than its declared limit.
return lib.t.cash("over-limit", function(e, p)
  return p.cap + 1
end, { params = { cap = seed(yuan "1000", "fixture cap") }, limit = "cap" })
