-- 上级项目资金配套 — policy book 2 §3, qt25-grant-match.
local src = "http://xiangsudao.cn/news_856.html"

return policy {
  id = "qt25-grant-match",
  kind = "cash",
  title = { zh = "上级项目资金配套", en = "Matching of higher-level project grants" },
  source = {
    doc = "科技项目资金配套奖励", publisher = "公开政策文本", date = "2024", url = src,
    quote = "按实到省财政补助资金的50%给予奖励",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = { items = { "name" } }, -- book 2 §3: Key: the grant's name (one row per grant)
  event = { field = "grants[].received", from = "2024-01-01", to = "2024-12-31" },
  params = {
    rates = illustrative(percent { national = "100", provincial = "50" }, "省级50%见公开政策文本；国家级按1:1"),
    per_grant = illustrative(yuan "5000000"),
    per_enterprise = illustrative(yuan "10000000"),
  },
  conditions = {
    any_item("grants", {
      one_of("level", { "national", "provincial" }, { zh = "国家级或省级项目资金", en = "a national or provincial grant" }),
      between("received", EVENT_FROM, EVENT_TO),
      no_award { key = "name", zh = "该项目资金尚未获得配套", en = "this grant not matched before" },
    }, { name = "qualifying_grant", zh = "至少一项符合条件的上级项目资金", en = "at least one qualifying grant" }),
  },
  -- per grant: rate% of the amount that arrived, at most 5,000,000; summed, at most 10,000,000
  item_amount = function(g, p)
    return min(pct(g.amount, p.rates[g.level]), p.per_grant)
  end,
  amount = function(e, p, grants)
    return min(grants, p.per_enterprise)
  end,
  amount_rule = {
    zh = "每项上级资金：实到金额×比例（国家级100%、省级50%），每项不超过500万元；合计不超过1000万元",
    en = "per grant: the amount that arrived × rate (national 100%, provincial 50%), at most 5,000,000 each; at most 10,000,000 in all",
  },
}
