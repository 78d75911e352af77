-- Comparing two long strings in a loop: each compare is one VM instruction that reads at most
-- 4 KiB (the longest string a policy can have), so the budget ends it in bounded time.
return lib.t.cash("cwork-compare", function(e, p)
  local a = string.rep("c", 4096)
  local b = string.rep("c", 4096)
  local n = 0
  while true do if a < b then n = n + 1 end end
end)
