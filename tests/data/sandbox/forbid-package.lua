-- 'package' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-package", function(e, p)
  return package.loaded.os
end)
