-- R3 of the peer benchmark (README.md): a reward by headquarters star level.
return policy {
  id = "peer-r3",
  kind = "cash",
  title = { zh = "总部星级奖励（对标规则R3）", en = "Headquarters star reward (peer rule R3)" },
  source = {
    doc = "calc issue #18, item 2: the peer benchmark's workload", publisher = "calc",
    quote = "R3: hq_star ≥ 3 → 3: 1,000,000, 4: 3,000,000, 5: 5,000,000",
  },
  in_force = { "2025-01-01", "2030-12-31" },
  params = {
    min_star = illustrative(count "3"),
    tiers = illustrative(yuan { [3] = "1000000", [4] = "3000000", [5] = "5000000" }),
  },
  conditions = {
    at_least("hq_star", param "min_star"),
  },
  amount = function(e, p)
    return p.tiers[e.hq_star]
  end,
  amount_rule = {
    zh = "三星100万元，四星300万元，五星500万元",
    en = "three stars 1,000,000, four 3,000,000, five 5,000,000",
  },
}
