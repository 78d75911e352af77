-- 新落户总部五年贡献奖励 — policy book 2 §3, qt25-hq-settle.
local arrival = coalesce("moved_in", "founded") -- the registration or arrival date A (§1.5)

return policy {
  id = "qt25-hq-settle",
  kind = "cash",
  title = { zh = "新落户总部五年贡献奖励", en = "Five-year contribution reward for newly settled headquarters" },
  source = {
    doc = "钱塘区2025年“领飞”惠企政策包（示例条款）", publisher = "钱塘区", date = "2025",
    quote = "自落户年度起，前两年按区级地方财政贡献的100%、后三年按50%给予奖励；落户核心区的上浮10个百分点",
  },
  in_force = { "2021-01-01", "2030-12-31" }, -- a standing five-year scheme (§6.3)
  key = CLAIM_YEAR, -- book 2 §3: Key: Y (once per claim year)
  event = { field = arrival, from = "2021-01-01", to = "2025-12-31" },
  params = {
    early_rate = illustrative(percent "100", "前两年100%"),
    late_rate = illustrative(percent "50", "后三年50%"),
    core_bonus = illustrative(percent "10", "落户核心区的上浮10个百分点"),
    max_rate = illustrative(percent "100"),
    early_years = illustrative(count "2"),
  },
  conditions = {
    has_tag("tags", "hq"),
    between(arrival, EVENT_FROM, EVENT_TO),
    year_index_at_least(arrival, 1),
    year_index_at_most(arrival, 5, { zh = "奖励期（自落户年度起五年）未结束", en = "within the five-year schedule" }),
    greater_than("finance.local_contribution", 0),
    no_award { key = CLAIM_YEAR, zh = "本申报年度尚未获得本政策奖励",
               en = "no reward of this policy for the claim year yet" },
  },
  -- year index i = Y − year(A) + 1: years 1–2 at 100%, 3–5 at 50%; core zone +10 points, at most 100%
  amount = function(e, p)
    local a = e.moved_in or e.founded
    local i = claim_year() - year(a) + 1
    local rate = i <= p.early_years and p.early_rate or p.late_rate
    if e.zone == "core" then
      rate = min(add(rate, p.core_bonus), p.max_rate)
    end
    step({ zh = string.format("落户第%d年，奖励比例", i), en = string.format("year %d after settling, rate", i) },
         rate, "percent")
    return pct(e.finance.local_contribution, rate)
  end,
  amount_rule = {
    zh = "区级地方财政贡献×比例：落户第1、2年100%，第3至5年50%；核心区上浮10个百分点（不超过100%）",
    en = "district fiscal contribution × rate: 100% in years 1–2, 50% in years 3–5; +10 points in the core zone (at most 100%)",
  },
}
