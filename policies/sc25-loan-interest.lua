-- 科技企业贷款贴息 — policy book §3, sc25-loan-interest.
return policy {
  id = "sc25-loan-interest",
  kind = "cash",
  title = { zh = "科技企业贷款贴息", en = "Loan-interest subsidy for tech enterprises" },
  source = {
    doc = "上城区：奋力打造都市经济高质量发展标杆区", publisher = "浙江日报", date = "2025-03-21",
    quote = "为科技企业提供贷款贴息、融资担保、股权激励等多维度支持",
    file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- yearly: the claim year Y = year(as_of) − 1
  params = {
    rate = illustrative(percent "50"),
    cap = illustrative(yuan "1000000"),
    fiscal_year = illustrative(count "2024"),
  },
  conditions = {
    equals("district", "上城区"),
    has_tag("tags", "tech_enterprise"),
    equals("finance.year", param "fiscal_year"),
    greater_than("finance.loan_interest_paid", 0),
  },
  amount = function(e, p)
    return cap(pct(e.finance.loan_interest_paid, p.rate), p.cap)
  end,
  limit = "cap",
  amount_rule = {
    zh = "已付贷款利息×50%，不超过100万元",
    en = "50% of loan interest paid, capped at 1,000,000",
  },
}
