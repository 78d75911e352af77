-- 'debug' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-debug", function(e, p)
  return debug.getinfo(1)
end)
