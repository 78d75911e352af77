-- A chunk-level counter changed by the amount function (only for more than 100 employees).
local n = 0

return lib.t.cash("counter", function(e, p)
  if e.employees > 100 then n = n + 1 end
  return 1000 + n
end)
