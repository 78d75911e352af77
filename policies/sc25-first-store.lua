-- 首店、旗舰店一次性补助 — policy book §3, sc25-first-store.
return policy {
  id = "sc25-first-store",
  kind = "cash",
  family = "first-store",
  title = { zh = "首店、旗舰店一次性补助", en = "First-store and flagship-store one-off subsidy" },
  source = {
    doc = "上城区：奋力打造都市经济高质量发展标杆区", publisher = "浙江日报", date = "2025-03-21",
    quote = "鼓励设立国内外知名商业品牌首店、旗舰店，给予品牌主体最高100万元一次性补助",
    file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = { items = { "brand", "opened" } }, -- one row per store: its brand and opening date, "BRAND@YYYY-MM-DD" (issue #17)
  params = {
    cap = seed(yuan "1000000", "最高100万元"),
    min_area = illustrative(m2 "100"),
    fitout_rate = illustrative(percent "50"),
    tiers = illustrative(yuan {
      global_first = "1000000", asia_first = "800000", china_first = "500000",
      zhejiang_first = "300000", hangzhou_first = "200000", flagship = "200000",
    }),
  },
  conditions = {
    equals("district", "上城区"),
    lib.stores.qualifying {
      is_set("kind"),
      equals("district", "上城区"),
      at_least("area_m2", param "min_area"),
    },
  },
  -- per qualifying store: the tier of its kind, at most 50% of its fit-out investment
  item_amount = function(s, p)
    return min(lib.stores.tier(s, p.tiers), pct(s.fitout_investment, p.fitout_rate))
  end,
  amount = function(e, p, stores)
    return cap(stores, p.cap)
  end,
  limit = "cap",
  amount_rule = {
    zh = "每家符合条件的门店：按门店类型的档位金额与装修投入×50%取较小者；合计不超过100万元",
    en = "per qualifying store: the amount of its kind's tier or 50% of its fit-out investment, "
      .. "whichever is lower; the sum capped at ¥1,000,000",
  },
}
