-- 'pcall' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-pcall", function(e, p)
  return pcall(error, "x")
end)
