-- 'collectgarbage' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-collectgarbage", function(e, p)
  return collectgarbage("count")
end)
