-- string.rep of the longest allowed string in a loop: five counted instructions each, but
-- 4 KiB of copying, which is charged.
return lib.t.cash("cwork-rep-loop", function(e, p)
  local n = 0
  while true do n = n + #string.rep("x", 4096) end
end)
