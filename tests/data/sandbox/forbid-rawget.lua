-- 'rawget' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-rawget", function(e, p)
  return rawget({}, 1)
end)
