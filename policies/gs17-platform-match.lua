-- 十大产业平台匹配 — policy book §5, gs17-platform-match.
local platforms = {
  { "运河财富小镇", { "finance" } },
  { "上塘电商小镇", { "ecommerce" } },
  { "北部软件园", { "it", "software", "ecommerce", "iot", "advertising", "finance" } },
  { "智慧网谷小镇", { "it", "ecommerce" } },
  { "工业设计小镇", { "industrial_design" } },
  { "康桥新能源产业园", { "new_energy" } },
  { "汽车互联网小镇", { "auto_internet", "ecommerce" } },
  { "申花产业集聚区", { "mobile_internet", "it" } },
  { "北城·智汇园", { "culture", "it", "software", "iot", "new_energy" } },
  { "康桥健康产业园", { "health" } },
}

return policy {
  id = "gs17-platform-match",
  kind = "match",
  title = { zh = "十大产业平台匹配", en = "Ten industrial platforms match" },
  source = {
    doc = "拱墅区十大产业平台三年行动计划（2017–2019）", publisher = "拱墅区", date = "2017",
    quote = "深入实施'大树'计划、上市计划、'旭日'计划、品牌计划",
    file = "002_93ced4cde6632672.txt",
  },
  in_force = { "2017-01-01", "2019-12-31" },
  key = false, -- a match recommends and grants nothing: the ledger records nothing (issue #17)
  params = {},
  conditions = {
    one_of("industry", { "finance", "ecommerce", "it", "software", "iot", "advertising",
                         "industrial_design", "new_energy", "auto_internet", "mobile_internet",
                         "culture", "health" }, { zh = "行业属于十大产业平台之一",
                                             en = "an industry of one of the ten industrial platforms" }),
  },
  detail = function(e, p)
    local out = {}
    for _, pl in ipairs(platforms) do
      if contains(pl[2], e.industry) then
        out[#out + 1] = pl[1]
      end
    end
    return out
  end,
  amount_rule = { zh = "列出所有匹配的平台，不涉及金额", en = "every matching platform; no amount" },
}
