-- R5 of the peer benchmark (README.md): 5 % of the tax paid by a small enterprise, floored to
-- the yuan, at most 500,000 — eligible even when that is 0 (a tax paid below 20 yuan).
return policy {
  id = "peer-r5",
  kind = "cash",
  title = { zh = "小微企业纳税奖励（对标规则R5）", en = "Small-enterprise tax reward (peer rule R5)" },
  source = {
    doc = "calc issue #18, item 2: the peer benchmark's workload", publisher = "calc",
    quote = "R5: revenue < 200,000,000, employees ≤ 300, tax_paid > 0 → min(500,000, "
      .. "floor(tax × 5 / 100)), eligible even when that is 0",
  },
  in_force = { "2025-01-01", "2030-12-31" },
  params = {
    max_revenue = illustrative(yuan "200000000"),
    max_employees = illustrative(count "300"),
    rate = illustrative(percent "5"),
    cap = illustrative(yuan "500000"),
  },
  conditions = {
    less_than("revenue_yuan", param "max_revenue"),
    at_most("employees", param "max_employees"),
    greater_than("tax_paid_yuan", 0),
  },
  rounding = "floor_yuan",     -- floor(tax × 5 / 100)
  zero_amount = "eligible",    -- the rule grants 0 to a qualifying enterprise (set.yaml allows it)
  amount = function(e, p)
    return cap(pct(e.tax_paid_yuan, p.rate), p.cap)
  end,
  limit = "cap",
  amount_rule = {
    zh = "纳税额×5%，向下取整到元，不超过50万元；为0元时仍属符合",
    en = "5% of the tax paid, rounded down to the yuan, capped at 500,000; eligible even at 0",
  },
}
