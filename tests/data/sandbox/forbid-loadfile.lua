-- 'loadfile' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-loadfile", function(e, p)
  return loadfile("policies/set.yaml")
end)
