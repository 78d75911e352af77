-- 产业用房租金资助（差额定率累进） — policy book 2 §3, qt25-rent-marginal.
local src = "http://wap.nm7bj.cn/html/news4/2020/0228/3352.html"

return policy {
  id = "qt25-rent-marginal",
  kind = "cash",
  title = { zh = "产业用房租金资助（差额定率累进）", en = "Industrial premises rent aid (marginal brackets)" },
  source = {
    doc = "产业用房租金资助办法", publisher = "公开政策文本", date = "2020-02-28", url = src,
    quote = "按照差额定率累进法…1000平方米以下部分，按实际租赁价格的90%…1000平方米（含）-5000平方米部分…50%；高于片区租赁指导价130%的部分，不予资助",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- book 2 §3: Key: Y (once per claim year)
  params = {
    guide_cap = source(percent "130", src),
    bracket1 = source(m2 "1000", src),
    bracket2 = source(m2 "4000", src),
    rate1 = source(percent "90", src),
    rate2 = source(percent "50", src),
    rate3 = illustrative(percent "30", "5000平方米以上部分"),
    ceiling = illustrative(yuan "5000000", "每年最高500万元，不足一年的按月折算"),
  },
  conditions = {
    at_least("lease.m2", 1),
    greater_than("lease.rent_per_m2_month", 0),
    lease_months_at_least("lease.start", "lease.end", 1),
    no_award { key = CLAIM_YEAR, zh = "本申报年度尚未获得本政策资助",
               en = "no aid of this policy for the claim year yet" },
  },
  -- P = min(rent, 130% of the guide rent); area brackets 90% / 50% / 30% of m² × P × months;
  -- at most 5,000,000 a year, prorated by the months counted
  amount = function(e, p)
    local n = months_in_lease(e.lease.start, e.lease["end"], claim_year())
    local rent, guide, max = e.lease.rent_per_m2_month, e.lease.guide_rent_per_m2_month, math.maxinteger
    local price
    if p.guide_cap > 0 and guide > max // p.guide_cap * 10000 and rent <= max - p.guide_cap then
      -- 130% of a guide rent this large passes the largest integer, hence every rent: the rent
      step({ zh = "片区指导价的130%超出整数范围，单价取实际租金", en = "130% of the guide rent past the largest integer: the price is the rent" },
           rent)
      price = rent
    else
      price = min(rent, pct(guide, p.guide_cap))
    end
    if type(mul_or_more(e.lease.m2, price, n)) ~= "number" and p.rate1 > 0 and p.rate2 > 0
        and p.rate3 > 0 and p.ceiling <= max // 10000 then
      -- m² × price × months past the largest integer: at a rate of at least 0.01% in every
      -- bracket the sum is more than max / 10,000, more than the prorated ceiling
      local top = ratio(p.ceiling, n, 12)
      step({ zh = "面积×单价×月数超出整数范围，按折算后的上限", en = "m² × price × months past the largest integer: the prorated ceiling" },
           top)
      return top
    end
    local sum = brackets(e.lease.m2, { { p.bracket1, p.rate1 }, { p.bracket2, p.rate2 }, { nil, p.rate3 } },
                         price, n)
    return min(sum, ratio(p.ceiling, n, 12))
  end,
  amount_rule = {
    zh = "资助单价取实际租金与片区指导价130%的较低者；面积1000 m²以下部分×90%、1000–5000 m²部分×50%、5000 m²以上部分×30%，各部分按面积×单价×计入月数计算后相加；每年不超过500万元，按计入月数折算",
    en = "price = the lower of the rent and 130% of the guide rent; m² up to 1,000 at 90%, 1,000–5,000 at 50%, above at 30%, each part m² × price × months counted; at most 5,000,000 a year, prorated by months",
  },
}
