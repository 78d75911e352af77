-- Calls a library function that changes the library's own chunk-level counter.
return lib.t.cash("lib-counter", function(e, p)
  return lib.t.bump()
end)
