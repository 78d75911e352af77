-- 新引进企业房租补贴（逐年递减） — policy book 2 §3, qt25-rent-newcomer.
return policy {
  id = "qt25-rent-newcomer",
  kind = "cash",
  title = { zh = "新引进企业房租补贴（逐年递减）", en = "Rent subsidy for newly arrived enterprises (decreasing by lease year)" },
  source = {
    doc = "钱塘区2025年“领飞”惠企政策包（示例条款）", publisher = "钱塘区", date = "2025",
    quote = "自入驻之日起三年内，第一年按实际租金的100%、第二年50%、第三年30%给予补贴，每年最高100万元",
  },
  in_force = { "2025-01-01", "2029-12-31" },
  key = CLAIM_YEAR, -- book 2 §3: Key: Y
  event = { field = "lease.start", from = "2024-01-01", to = "2025-12-31" },
  params = {
    rates = illustrative(percent { ["1"] = "100", ["2"] = "50", ["3"] = "30" }),
    months = illustrative(count "36", "三年内"),
    ceiling = illustrative(yuan "1000000", "每年最高100万元"),
  },
  conditions = {
    between("lease.start", EVENT_FROM, EVENT_TO),
    at_least("lease.m2", 1),
    greater_than("lease.rent_per_m2_month", 0),
    lease_months_at_least("lease.start", "lease.end", 1, { within = param "months" }),
    no_award { key = CLAIM_YEAR, zh = "本申报年度尚未获得本政策补贴",
               en = "no subsidy of this policy for the claim year yet" },
  },
  -- each month of Y in the lease's first 36: m² × rent × 100 / 50 / 30% by lease year, rounded
  -- per month; summed; at most 1,000,000 per claim year
  amount = function(e, p)
    local y, start, stop = claim_year(), e.lease.start, e.lease["end"]
    -- a sum past the largest integer (an absurd but valid area or rent) is more than the
    -- ceiling: `over` then, and the ceiling is the amount (a month at a rate of 0 adds nothing)
    local monthly = mul_or_more(e.lease.m2, e.lease.rent_per_m2_month)
    local total, over = 0, false
    for ly = 1, 3 do
      local n = 0
      for mi = 12 * y, 12 * y + 11 do
        local j = lease_month(start, mi)
        if j >= 1 and j <= p.months and lease_year(start, mi) == ly
            and (stop == nil or mi <= month_index(stop)) then
          n = n + 1
        end
      end
      if n > 0 then
        step({ zh = string.format("租期第%d年计入月数", ly), en = string.format("months of lease year %d", ly) },
             n, "count")
        local part = 0
        if type(monthly) == "number" then
          part = mul_or_more(n, pct(monthly, p.rates[ly]))
        elseif p.rates[ly] > 0 then
          over = true
        end
        if type(part) ~= "number" or part > math.maxinteger - total then
          over = true
        elseif not over then
          total = add(total, part)
        end
      end
    end
    if over then
      step({ zh = "租金合计超出整数范围，按每年上限", en = "rent past the largest integer: the yearly ceiling" },
           p.ceiling)
      return p.ceiling
    end
    return min(total, p.ceiling)
  end,
  amount_rule = {
    zh = "申报年度内租期前36个月的每个月：面积×月租金×（租期第一年100%、第二年50%、第三年30%），逐月四舍五入后相加；每个申报年度不超过100万元",
    en = "each month of the claim year in the lease's first 36: m² × rent × (100% / 50% / 30% in lease years 1 / 2 / 3), rounded per month and summed; at most 1,000,000 per claim year",
  },
}
