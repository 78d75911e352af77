-- 免费办公空间 — policy book §3, sc25-free-office.
return policy {
  id = "sc25-free-office",
  kind = "in_kind",
  unit = "m2",
  title = { zh = "免费办公空间", en = "Free office space" },
  source = {
    doc = "上城区：奋力打造都市经济高质量发展标杆区", publisher = "浙江日报", date = "2025-03-21",
    quote = "将推出5万平方米免费办公空间，支持科技企业和人才创业项目",
    file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- the claim year Y = year(as_of) − 1 of the round
  params = {
    max_age_years = illustrative(years "3"),
    m2_per_employee = illustrative(m2 "10"),
    max_m2 = illustrative(m2 "1000"),
    daily_rate = illustrative(yuan "3.00", "yuan per m² and day"),
    days = illustrative(count "365"),
  },
  conditions = {
    equals("district", "上城区"),
    any({ has_tag("tags", "tech_enterprise"), has_tag("tags", "talent_startup") },
        { zh = "科技型企业或人才创业项目", en = "a technology enterprise or a talent start-up project" }),
    on_or_after("founded", years_before_as_of(param "max_age_years"),
                { zh = "成立不满3年（测算日前3年当日或之后成立）",
                  en = "founded less than 3 years before the estimate date" }),
    at_least("office.requested_m2", 1),
  },
  -- mul_or_more: a headcount whose 10 m² would pass the largest integer is more than 1,000 m²
  quantity = function(e, p)
    return min(e.office.requested_m2, mul_or_more(p.m2_per_employee, e.employees), p.max_m2)
  end,
  -- m² × 3.00 yuan/m²/day × 365 days
  value = function(m2, p)
    return mul(mul(m2, p.daily_rate), p.days)
  end,
  amount_rule = {
    zh = "面积取申请面积、员工人数×10平方米与1000平方米中最小者；价值 = 面积 × 3.00元/平方米/天 × 365天",
    en = "area: the least of the space requested, 10 m² per employee and 1,000 m²; "
      .. "value = area × ¥3.00 per m² and day × 365 days",
  },
}
