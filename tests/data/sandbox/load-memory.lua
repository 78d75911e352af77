-- A chunk that keeps about 61 MiB alive at load, under the 64 MiB limit: it must end as this
-- policy's load error (it may not keep the state's memory from the others), not as an abort.
local big = "x"
for i = 1, 11 do big = big .. big end
local keep = {}
for i = 1, 14800 do keep[i] = big .. i end
return lib.t.cash("load-memory", function(e, p)
  return #keep
end)
