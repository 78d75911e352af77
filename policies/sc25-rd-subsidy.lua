-- 研发投入补助 — policy book §3, sc25-rd-subsidy.
local tech = { "ai", "metaverse", "humanoid_robotics", "embodied_ai", "machine_vision",
               "digital_content", "digital_manufacturing", "it", "software" }

return policy {
  id = "sc25-rd-subsidy",
  kind = "cash",
  title = { zh = "研发投入补助", en = "R&D investment subsidy" },
  source = {
    doc = "上城区：奋力打造都市经济高质量发展标杆区", publisher = "浙江日报", date = "2025-03-21",
    quote = "研发投入最高补助3000万元", file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- yearly: the claim year Y = year(as_of) − 1
  params = {
    cap = seed(yuan "30000000", "研发投入最高补助3000万元"),
    rate = illustrative(percent "10"),
    major_rate = illustrative(percent "20", "重大技术创新与产业升级项目：提供匹配其价值的支持"),
    min_rd = illustrative(yuan "1000000"),
    fiscal_year = illustrative(count "2024"),
  },
  conditions = {
    equals("district", "上城区"),
    equals("tax_district", "上城区", { zh = "在上城区属地纳税", en = "taxes paid in Shangcheng" }),
    one_of("industry", tech, { zh = "属于科技产业（人工智能、元宇宙、人形机器人等）",
                              en = "a technology industry (AI, the metaverse, humanoid robotics …)" }),
    equals("finance.year", param "fiscal_year"),
    at_least("finance.rd_expense", param "min_rd"),
  },
  amount = function(e, p)
    local rate = e.rd.major_project and p.major_rate or p.rate
    return cap(pct(e.finance.rd_expense, rate), p.cap)
  end,
  limit = "cap",
  amount_rule = {
    zh = "研发投入×10%（重大项目20%），不超过3000万元",
    en = "10% of R&D expense (20% for a major project), capped at 30,000,000",
  },
}
