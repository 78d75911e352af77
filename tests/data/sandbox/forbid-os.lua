-- 'os' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-os", function(e, p)
  return os.time()
end)
