-- "一智三新" 产业定位匹配 — policy book §6, qj20-industry-match.
local names = {
  smart_manufacturing = "智能制造", new_energy = "新能源", new_equipment = "新装备",
  new_materials = "新材料",
}

return policy {
  id = "qj20-industry-match",
  kind = "match",
  title = { zh = "一智三新产业定位匹配", en = "Smart manufacturing and three new industries match" },
  source = {
    doc = "杭州钱江经济开发区", publisher = "余杭区", date = "2020-06-08",
    quote = "将智能制造作为主攻方向，大力发展新能源、新装备、新材料三大产业",
    file = "004_57f508edf2399a3b.txt",
  },
  in_force = { "2020-06-08", "2025-12-31" },
  key = false, -- a match recommends and grants nothing: the ledger records nothing (issue #17)
  params = {},
  conditions = {
    one_of("industry", { "smart_manufacturing", "new_energy", "new_equipment", "new_materials" }),
  },
  detail = function(e, p)
    return { names[e.industry] }
  end,
  amount_rule = { zh = "产业匹配推荐，不涉及金额", en = "a recommendation; no amount" },
}
