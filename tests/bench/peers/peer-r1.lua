-- R1 of the peer benchmark (README.md): a one-off grant to a brand's first store or flagship.
return policy {
  id = "peer-r1",
  kind = "cash",
  title = { zh = "品牌首店、旗舰店补助（对标规则R1）", en = "Brand first-store and flagship grant (peer rule R1)" },
  source = {
    doc = "calc issue #18, item 2: the peer benchmark's workload", publisher = "calc",
    quote = "R1: district 上城区, store_kind first or flagship, brand_level not none → "
      .. "international 1,000,000; domestic first 500,000; domestic flagship 300,000",
  },
  in_force = { "2025-01-01", "2030-12-31" },
  params = {
    international = illustrative(yuan "1000000"),
    domestic_first = illustrative(yuan "500000"),
    domestic_flagship = illustrative(yuan "300000"),
  },
  conditions = {
    equals("district", "上城区"),
    one_of("store_kind", { "first", "flagship" }),
    not_(equals("brand_level", "none"), { zh = "为知名品牌", en = "a known brand" }),
  },
  amount = function(e, p)
    if e.brand_level == "international" then
      return p.international
    end
    return e.store_kind == "first" and p.domestic_first or p.domestic_flagship
  end,
  amount_rule = {
    zh = "国际知名品牌100万元；国内知名品牌首店50万元、旗舰店30万元",
    en = "an international brand 1,000,000; a domestic brand's first store 500,000, its flagship 300,000",
  },
}
