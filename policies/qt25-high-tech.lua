-- 高新技术企业认定奖励 — policy book 2 §3, qt25-high-tech.
local src = "http://xiangsudao.cn/news_856.html"

return policy {
  id = "qt25-high-tech",
  kind = "cash",
  title = { zh = "高新技术企业认定奖励", en = "High-tech enterprise certification reward" },
  source = {
    doc = "高新技术企业认定奖励", publisher = "公开政策文本", date = "2024", url = src,
    quote = "对首次认定和通过复审的高新技术企业，分别给予最高20万元、10万元奖励",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = "tech.high_tech_certified", -- book 2 §3: Key: tech.high_tech_certified
  event = { field = "tech.high_tech_certified", from = "2024-01-01", to = "2024-12-31" },
  application = { field = "applied", after = "tech.high_tech_certified", months = 12 }, -- [illustrative]
  params = {
    first = source(yuan "200000", src),
    renewal = source(yuan "100000", src),
  },
  conditions = {
    has_tag("tags", "high_tech"),
    between("tech.high_tech_certified", EVENT_FROM, EVENT_TO),
    within_months_after("applied", "tech.high_tech_certified", 12,
                        { zh = "认定之日起12个月内申请", en = "applied within 12 months after the certificate" }),
    no_award { key = "tech.high_tech_certified", zh = "同一证书尚未获得奖励",
               en = "no reward for this certificate yet" },
  },
  amount = function(e, p)
    return e.tech.high_tech_renewal and p.renewal or p.first
  end,
  amount_rule = {
    zh = "首次认定20万元，通过复审10万元",
    en = "200,000 for a first certification, 100,000 for a renewal",
  },
}
