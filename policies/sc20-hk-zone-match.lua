-- 杭港高端服务业示范区 "1318" 产业匹配 — policy book §4, sc20-hk-zone-match.
local tracks = {
  digital_services = "数字应用服务",
  finance = "新金融服务",
  culture = "文化交流服务",
  professional_services = "专业服务",
}

return policy {
  id = "sc20-hk-zone-match",
  kind = "match",
  title = { zh = "杭港高端服务业示范区产业匹配", en = "Hangzhou–Hong Kong services zone match" },
  source = {
    doc = "杭港高端服务业示范区", publisher = "上城区", date = "2020-05-29",
    quote = "以数字应用服务为先导，以新金融服务、文化交流服务、专业服务三大产业为支撑",
    file = "000_4347fdb496c32a65.txt",
  },
  in_force = { "2020-05-29", "2028-12-31" },
  key = false, -- a match recommends and grants nothing: the ledger records nothing (issue #17)
  params = {},
  conditions = {
    one_of("industry", { "digital_services", "finance", "culture", "professional_services" }),
  },
  detail = function(e, p)
    return { tracks[e.industry] }
  end,
  amount_rule = { zh = "产业匹配推荐，不涉及金额", en = "a recommendation; no amount" },
}
