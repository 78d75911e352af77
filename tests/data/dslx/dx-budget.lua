-- A schedule over 100 years: t.which = 11 takes the 1200 monthly dates add_months(2024-01-31, i)
-- and also walks them one month at a time (within the budget; the walk drifts, since the rule
-- is not month-end sticky: 01-31 → 02-29 → 03-29 … → 2025-02-28 → 03-28 … 2124-01-28),
-- t.which = 12 never ends (the budget stops it: this policy's error), t.which = 13 walks off the
-- calendar (add_months past 9999: out of range), t.which = 14 asks the ledger 10^5 times (each
-- question is charged by the ledger's size: a large ledger ends in the budget's error, a small
-- one pays 3.00). Otherwise 1.00.
return lib.t.cash("dx-budget", { equals("district", "钱塘区") }, function(e, p)
  local w = optional(e.t, "which") or 0
  local d = date "2024-01-31"
  if w == 11 then
    local start, last = d, nil
    for i = 1, 1200 do
      last = add_months(start, i)
      d = add_months(d, 1)
    end
    if last ~= date "2124-01-31" then
      return 0, "add_months(2024-01-31, 1200) is not 2124-01-31: " .. date_key(last)
    end
    if d ~= date "2124-01-28" then
      return 0, "the walk of 1200 months from 2024-01-31 is not 2124-01-28: " .. date_key(d)
    end
    return 200
  elseif w == 12 then
    while true do
      d = add_months(add_months(d, 1), -1)
    end
  elseif w == 13 then
    while true do
      d = add_months(d, 12)
    end
  elseif w == 14 then
    for i = 1, 100000 do
      awards_count {}
    end
    return 300
  end
  return 100
end)
