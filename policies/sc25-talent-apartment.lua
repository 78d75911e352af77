-- 科创公寓五折租赁 — policy book §3, sc25-talent-apartment.
return policy {
  id = "sc25-talent-apartment",
  kind = "in_kind",
  unit = "units",
  title = { zh = "科创公寓五折租赁", en = "Talent apartments at half the market rent" },
  source = {
    doc = "上城区：奋力打造都市经济高质量发展标杆区", publisher = "浙江日报", date = "2025-03-21",
    quote = "按市场评估价的5折创新推出2000套科创公寓", file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- the claim year Y = year(as_of) − 1 of the round
  params = {
    discount = seed(percent "50", "按市场评估价的5折"),
    max_units = illustrative(count "20"),
    monthly_rent = illustrative(yuan "5000", "assessed market rent per unit and month"),
    months = illustrative(count "12"),
  },
  conditions = {
    equals("district", "上城区"),
    has_tag("tags", "tech_enterprise"),
    at_least("talent.eligible", 1),
    at_least("talent.requested_units", 1),
  },
  quantity = function(e, p)
    return min(e.talent.requested_units, e.talent.eligible, p.max_units)
  end,
  -- units × monthly rent × 12 months × 50%
  value = function(units, p)
    return pct(mul(units, mul(p.monthly_rent, p.months)), p.discount)
  end,
  amount_rule = {
    zh = "套数取申请套数、符合条件人才数与20套中最小者；价值 = 套数 × 市场租金5000元/月 × 12个月 × 50%",
    en = "units: the least of the apartments requested, the eligible talents and 20; "
      .. "value = units × market rent ¥5,000 a month × 12 months × 50%",
  },
}
