-- 'require' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-require", function(e, p)
  return require("os")
end)
