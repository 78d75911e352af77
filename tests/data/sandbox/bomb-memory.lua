-- 4 KiB strings kept alive until the state's memory runs out: the memory limit stops it
-- before the instruction budget does.
return lib.t.cash("bomb-memory", function(e, p)
  local big = "x"
  for i = 1, 11 do big = big .. big end
  local keep = {}
  for i = 1, 40000 do keep[i] = big .. i end
  return #keep
end)
