-- Sorting long equal strings again and again: every compare reads 4 KiB; the sort is charged.
return lib.t.cash("cwork-sort", function(e, p)
  local s = string.rep("z", 4096)
  local t = {}
  for i = 1, 2000 do t[i] = s end
  while true do table.sort(t) end
end)
