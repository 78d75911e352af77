-- contains() scans its list once per call: charged, so the loop ends at the budget.
return lib.t.cash("cwork-contains", function(e, p)
  local t = {}
  for i = 1, 50000 do t[i] = i end
  while true do contains(t, -1) end
end)
