-- 'load' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-load", function(e, p)
  return load("return 1")()
end)
