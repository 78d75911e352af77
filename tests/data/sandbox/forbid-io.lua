-- 'io' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-io", function(e, p)
  return io.write("x")
end)
