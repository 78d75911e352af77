-- 'string.dump' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-string-dump", function(e, p)
  return #string.dump(function() end)
end)
