-- A chunk-level table nested 120 deep, changed by the amount function: freezing reaches the
-- bottom, so the write is an error and no state carries over (A, A, A give the same result).
local t = { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { { n = 0 } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } } }
return lib.t.cash("deep-state", function(e, p)
  local x = t
  while x[1] do x = x[1] end
  x.n = (x.n or 0) + 1
  return x.n
end)
