-- optional(): listing stages (qt25-listing's shape). A stage whose date is absent is left out
-- and its date listed in `missing`; the others still count. Rewards 600,000 (restructured) and
-- 2,400,000 (filed) for stage dates in 2022-01-01..2024-12-31.
return lib.t.cash("dx-optional", { equals("district", "钱塘区") }, function(e, p)
  local from, to = date "2022-01-01", date "2024-12-31"
  local total = 0
  local d = optional(e.listing.stage_dates, "restructured")
  if d and d >= from and d <= to then
    total = add(total, p.restructured)
  end
  d = optional(e.listing.stage_dates, "filed")
  if d and d >= from and d <= to then
    total = add(total, p.filed)
  end
  if total == 0 then
    return 0, "no stage counted"
  end
  return total
end, { params = {
  restructured = illustrative(yuan "600000"), filed = illustrative(yuan "2400000"),
} })
