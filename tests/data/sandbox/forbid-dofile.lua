-- 'dofile' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-dofile", function(e, p)
  return dofile("policies/set.yaml")
end)
