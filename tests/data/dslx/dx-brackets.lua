-- Marginal brackets (book 2 §3 qt25-rent-marginal's shape): the area cut into 1000 / 4000 / the
-- rest at 90 / 50 / 30 %, each part × price × months counted, rounded on its own; the price is
-- min(rent, 130 % of the guide rent); the ceiling 5,000,000 prorated by ratio(·, n, 12).
return lib.t.cash("dx-brackets", { equals("district", "钱塘区") }, function(e, p)
  local n = months_in_lease(e.lease.start, e.lease["end"], claim_year())
  if n < 1 then
    return 0, "no month of the claim year in the lease"
  end
  local price = min(e.lease.rent_per_m2_month, pct(e.lease.guide_rent_per_m2_month, p.guide))
  local sum = brackets(e.lease.m2, { { 1000, p.r1 }, { 4000, p.r2 }, { "rest", p.r3 } }, price, n)
  return min(sum, ratio(p.ceiling, n, 12))
end, { params = {
  r1 = illustrative(percent "90"), r2 = illustrative(percent "50"), r3 = illustrative(percent "30"),
  guide = illustrative(percent "130"),
  ceiling = illustrative(yuan "5000000"),
} })
