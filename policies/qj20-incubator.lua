-- 智能制造创业创新园入驻 — policy book §6, qj20-incubator.
return policy {
  id = "qj20-incubator",
  kind = "in_kind",
  unit = "m2",
  title = { zh = "智能制造创业创新园入驻", en = "Smart-manufacturing incubator space" },
  source = {
    doc = "杭州钱江经济开发区", publisher = "余杭区", date = "2020-06-08",
    quote = "1.9万平方米的智能制造创业创新园…被认定为杭州市级科技企业孵化器",
    file = "004_57f508edf2399a3b.txt",
  },
  in_force = { "2020-06-08", "2025-12-31" },
  key = CLAIM_YEAR, -- the claim year Y = year(as_of) − 1 of the round
  params = {
    max_age_years = illustrative(years "2"),
    max_employees = illustrative(count "50"),
    max_m2 = illustrative(m2 "200"),
    daily_rate = illustrative(yuan "1.50", "yuan per m² and day"),
    days = illustrative(count "365"),
  },
  conditions = {
    one_of("industry", { "smart_manufacturing", "new_energy", "new_equipment", "new_materials" }),
    on_or_after("founded", years_before_as_of(param "max_age_years"),
                { zh = "成立不满2年（测算日前2年当日或之后成立）",
                  en = "founded less than 2 years before the estimate date" }),
    at_most("employees", param "max_employees"),
    at_least("office.requested_m2", 1),
  },
  quantity = function(e, p)
    return min(e.office.requested_m2, p.max_m2)
  end,
  -- m² × 1.50 yuan/m²/day × 365 days
  value = function(m2, p)
    return mul(mul(m2, p.daily_rate), p.days)
  end,
  amount_rule = {
    zh = "面积取申请面积，不超过200平方米；价值 = 面积 × 1.50元/平方米/天 × 365天",
    en = "area: the space requested, at most 200 m²; value = area × ¥1.50 per m² and day × 365 days",
  },
}
