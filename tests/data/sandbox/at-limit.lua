-- Returns exactly its declared limit: allowed.
return lib.t.cash("at-limit", function(e, p)
  return p.cap
end, { params = { cap = seed(yuan "1000", "fixture cap") }, limit = "cap" })
