-- 科技企业融资担保费补助 — policy book 2 §3, qt25-guarantee.
return policy {
  id = "qt25-guarantee",
  kind = "cash",
  title = { zh = "科技企业融资担保费补助", en = "Guarantee-fee subsidy for technology enterprises" },
  source = {
    doc = "上城区推动总部经济发展的若干政策措施", publisher = "浙江日报", date = "2025-03-21",
    quote = "为科技企业提供贷款贴息、融资担保、股权激励等多维度支持", file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- book 2 §3: Key: Y
  params = {
    fee_cap = illustrative(percent "1", "担保费按贷款额的1%为限"),
    rate = illustrative(percent "50"),
    cap = illustrative(yuan "500000"),
  },
  conditions = {
    has_tag("tags", "tech_enterprise"),
    greater_than("guarantee.fee", 0),
    greater_than("guarantee.loan", 0),
    no_award { key = CLAIM_YEAR, zh = "本申报年度尚未获得本政策补助",
               en = "no subsidy of this policy for the claim year yet" },
  },
  -- 50% of the fee, counted at most at 1% of the loan; at most 500,000
  amount = function(e, p)
    local fee = min(e.guarantee.fee, pct(e.guarantee.loan, p.fee_cap))
    return min(pct(fee, p.rate), p.cap)
  end,
  amount_rule = {
    zh = "担保费（不超过贷款额的1%）×50%，不超过50万元",
    en = "50% of the guarantee fee (counted up to 1% of the loan), at most 500,000",
  },
}
