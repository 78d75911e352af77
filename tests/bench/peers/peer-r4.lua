-- R4 of the peer benchmark (README.md): 36,000 per five talents, at most 50 times.
return policy {
  id = "peer-r4",
  kind = "cash",
  title = { zh = "人才引进奖励（对标规则R4）", en = "Talent reward (peer rule R4)" },
  source = {
    doc = "calc issue #18, item 2: the peer benchmark's workload", publisher = "calc",
    quote = "R4: talent_count ≥ 5 → min(50, floor(talent / 5)) × 36,000",
  },
  in_force = { "2025-01-01", "2030-12-31" },
  params = {
    per = illustrative(count "5"),
    most = illustrative(count "50"),
    each = illustrative(yuan "36000"),
  },
  conditions = {
    at_least("talent_count", param "per"),
  },
  amount = function(e, p)
    return mul(min(e.talent_count // p.per, p.most), p.each)
  end,
  amount_rule = {
    zh = "每5名人才36,000元，至多50份",
    en = "36,000 for every 5 talents, at most 50 times",
  },
}
