-- 营收首次突破台阶奖励 — policy book 2 §3, qt25-milestone.
local src = "http://www.bjhold.com/art/2022/12/19/art_1529980_59040743.html"
local steps = { "10000000", "20000000", "50000000", "100000000" } -- the thresholds, whole yuan

return policy {
  id = "qt25-milestone",
  kind = "cash",
  title = { zh = "营收首次突破台阶奖励", en = "Reward for first crossing a revenue threshold" },
  source = {
    doc = "软件和信息服务业企业营收台阶奖励", publisher = "公开政策文本", date = "2022-12-19", url = src,
    quote = "年销售收入首次突破1000万元、2000万元、5000万元、1亿元的，分别给予一次性奖励10万元、20万元、50万元、100万元",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = threshold("finance.revenue", steps), -- book 2 §3: Key: H, the highest threshold reached (digits)
  params = {
    awards = source(yuan { ["10000000"] = "100000", ["20000000"] = "200000",
                           ["50000000"] = "500000", ["100000000"] = "1000000" }, src),
    min_revenue = source(yuan "10000000", src),
  },
  conditions = {
    one_of("industry", { "software", "it" }, { zh = "属于软件或信息技术服务业", en = "software or IT services" }),
    at_least("finance.revenue", param "min_revenue"),
    no_award { key = threshold("finance.revenue", steps),
               zh = "首次突破：此前未获得本台阶或更高台阶的奖励",
               en = "a first crossing: no award at this threshold or a higher one before" },
  },
  -- the award of the highest threshold reached only (thresholds skipped in one jump are not paid)
  amount = function(e, p)
    local award = 0
    for _, t in ipairs(steps) do
      if e.finance.revenue >= mul(tonumber(t), 100) then
        award = p.awards[tonumber(t)]
      end
    end
    return award
  end,
  amount_rule = {
    zh = "达到的最高台阶的奖励：1000万元10万元、2000万元20万元、5000万元50万元、1亿元100万元（一次跨越多个台阶的，只奖励最高台阶）",
    en = "the award of the highest threshold reached: 10M → 100k, 20M → 200k, 50M → 500k, 100M → 1M (skipped thresholds are not paid)",
  },
}
