-- The policy library is shared by every policy: it is read-only.
return lib.t.cash("lib-table-write", function(e, p)
  lib.t.memo = e.id
  return 100
end)
