-- 'rawset' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-rawset", function(e, p)
  return rawset({}, 1, 1)
end)
