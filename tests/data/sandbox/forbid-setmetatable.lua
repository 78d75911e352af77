-- 'setmetatable' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-setmetatable", function(e, p)
  return setmetatable({}, {})
end)
