-- A chunk-level table nested 300 deep: too deep to be made read-only, so a load error.
local t = {}
local x = t
for i = 1, 300 do x[1] = {}; x = x[1] end
return lib.t.cash("deep-load", function(e, p)
  return t[1] and 1 or 0
end)
