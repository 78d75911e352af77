-- R2 of the peer benchmark (README.md): 10 % of R&D expense, floored to the yuan, at most
-- 30,000,000.
return policy {
  id = "peer-r2",
  kind = "cash",
  title = { zh = "研发投入补助（对标规则R2）", en = "R&D subsidy (peer rule R2)" },
  source = {
    doc = "calc issue #18, item 2: the peer benchmark's workload", publisher = "calc",
    quote = "R2: 上城区, industry in it, health, manufacturing, new-energy, new-materials, "
      .. "rd_expense ≥ 1,000,000 → min(30,000,000, floor(rd × 10 / 100))",
  },
  in_force = { "2025-01-01", "2030-12-31" },
  params = {
    min_rd = illustrative(yuan "1000000"),
    rate = illustrative(percent "10"),
    cap = illustrative(yuan "30000000"),
  },
  conditions = {
    equals("district", "上城区"),
    one_of("industry", { "it", "health", "manufacturing", "new-energy", "new-materials" },
           { zh = "属于科技与制造产业", en = "a technology or manufacturing industry" }),
    at_least("rd_expense_yuan", param "min_rd"),
  },
  rounding = "floor_yuan",                    -- floor(rd × 10 / 100): whole yuan, rounded down
  amount = function(e, p)
    return cap(pct(e.rd_expense_yuan, p.rate), p.cap)
  end,
  limit = "cap",
  amount_rule = {
    zh = "研发投入×10%，向下取整到元，不超过3000万元",
    en = "10% of R&D expense, rounded down to the yuan, capped at 30,000,000",
  },
}
