-- 稳规成长奖 — policy book 2 §3, qt25-growth.
local src = "https://www.zhaozhengce.cn/Policy/Detail/7876"

return policy {
  id = "qt25-growth",
  kind = "cash",
  title = { zh = "稳规成长奖", en = "Steady growth award" },
  source = {
    doc = "规上企业稳规成长奖励", publisher = "公开政策文本", date = "2024", url = src,
    quote = "连续两年…营业收入均保持在15%（含）以上增速的，一次性给予10万元奖励；…25%（含）以上…20万元",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- book 2 §3: Key: Y
  params = {
    growth = source(count "115", src),     -- revenue ≥ 115% of the year before
    high_growth = source(count "125", src),
    award = source(yuan "100000", src),
    high_award = source(yuan "200000", src),
    min_insured = illustrative(count "50", "稳岗：申报年度每月参保人数不少于50人"),
  },
  conditions = {
    greater_than("finance.prev2_revenue", 0),
    ratio_at_least("finance.prev_revenue", "finance.prev2_revenue", param "growth",
                   { zh = "上年营业收入增速不低于15%", en = "growth of at least 15% in the year before" }),
    ratio_at_least("finance.revenue", "finance.prev_revenue", param "growth",
                   { zh = "申报年度营业收入增速不低于15%", en = "growth of at least 15% in the claim year" }),
    months_every("social.monthly", "month", "insured", param "min_insured"),
    no_award { zh = "此前未获得本奖励（每家企业一次）", en = "not awarded before (once per enterprise)" },
  },
  -- 200,000 when both years grew by 25% or more, else 100,000
  amount = function(e, p)
    local f = e.finance
    if pct_at_least(f.prev_revenue, f.prev2_revenue, p.high_growth)
        and pct_at_least(f.revenue, f.prev_revenue, p.high_growth) then
      return p.high_award
    end
    return p.award
  end,
  amount_rule = {
    zh = "连续两年营业收入增速均不低于25%的20万元，否则10万元",
    en = "200,000 when revenue grew by 25% or more in both years, else 100,000",
  },
}
