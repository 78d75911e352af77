-- Checked arithmetic: t.which picks an operation whose result does not fit in 64 bits (or a
-- misuse); each is this policy's error, and every other policy is still evaluated. Without
-- t.which (or 0) it pays 1.00. 15 to 22: mul_or_more, a product that only min() may compare.
local MAX = 9223372036854775807
return lib.t.cash("dx-overflow", { equals("district", "钱塘区") }, function(e, p)
  local w = optional(e.t, "which") or 0
  if w == 1 then return mul(MAX, 2) end
  if w == 2 then return add(MAX, 1) end
  if w == 3 then return sub(-MAX, 2) end
  if w == 4 then return pct_product(10000, MAX, 2) end
  if w == 5 then return ratio(MAX, 3, 2) end
  if w == 6 then return split(200000000, 3, 4) end
  if w == 7 then return brackets(MAX, { { "rest", 10000 } }, 2) end
  if w == 8 then return awards_count { polcy = "dx-split" } end
  if w == 9 then return ratio(100, 1, 0) end
  if w == 10 then return mul(MAX, 2, 0) end
  -- mul_or_more: past the largest integer, more than any bound min() compares it with
  if w == 15 then return min(250, mul_or_more(MAX, 2), 300) end
  if w == 16 then return add(min(250, mul_or_more(MAX, 2, 0)), 5) end
  if w == 17 then return mul_or_more(MAX, 2) + 1 end
  if w == 18 then return max(250, mul_or_more(MAX, 2)) end
  if w == 19 then return min(mul_or_more(MAX, 2), mul_or_more(3, MAX)) end
  if w == 20 then return min(250, mul_or_more(-1, 5)) end
  if w == 21 then return mul_or_more(MAX, 2) end
  if w == 22 then return min(250, mul_or_more(2, 100)) end
  if w == 23 then return 0, tostring(mul_or_more(MAX, 2)) .. string.format(" / %s", mul_or_more(2, MAX)) end
  return 100
end)
