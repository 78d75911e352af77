-- 步行街首店、旗舰店补助 — policy book §4, sc20-first-store.
return policy {
  id = "sc20-first-store",
  kind = "cash",
  family = "first-store",
  title = { zh = "步行街首店、旗舰店补助", en = "Pedestrian-street first-store subsidy" },
  source = {
    doc = "上城区 湖滨、清河坊步行街首店经济", publisher = "上城区", date = "2020",
    quote = "聚焦湖滨、清河坊两大步行街，招引首店、旗舰店和国际化商业品牌总部落地",
    file = "003_0a1a6fbf70c62c66.txt",
  },
  in_force = { "2020-01-01", "2021-12-31" },
  key = { items = { "brand", "opened" } }, -- one row per store: its brand and opening date, "BRAND@YYYY-MM-DD" (issue #17)
  params = {
    cap = illustrative(yuan "300000"),
    tiers = illustrative(yuan {
      global_first = "300000", asia_first = "300000", china_first = "300000",
      zhejiang_first = "100000", hangzhou_first = "100000", flagship = "100000",
    }),
  },
  conditions = {
    lib.stores.qualifying {
      equals("district", "上城区"),
      one_of("street", { "湖滨步行街", "清河坊步行街" }, { zh = "位于湖滨或清河坊步行街",
                                                         en = "on Hubin or Qinghefang pedestrian street" }),
    },
  },
  item_amount = function(s, p)
    return lib.stores.tier(s, p.tiers)
  end,
  amount = function(e, p, stores)
    return cap(stores, p.cap)
  end,
  limit = "cap",
  amount_rule = {
    zh = "每家符合条件的门店按类型定额；合计不超过30万元",
    en = "a fixed amount per qualifying store by kind; the sum capped at 300,000",
  },
}
