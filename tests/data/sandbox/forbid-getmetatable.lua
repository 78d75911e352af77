-- 'getmetatable' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-getmetatable", function(e, p)
  return getmetatable("")
end)
