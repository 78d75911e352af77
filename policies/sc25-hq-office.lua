-- 总部办公用房补贴 — policy book §3, sc25-hq-office.
return policy {
  id = "sc25-hq-office",
  kind = "cash",
  title = { zh = "总部办公用房补贴", en = "Headquarters office subsidy" },
  source = {
    doc = "上城区推动总部经济发展的若干政策措施", publisher = "浙江日报", date = "2025-03-21",
    quote = "提供租房购房、创新发展补贴", file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- yearly: the claim year Y = year(as_of) − 1
  params = {
    rent_rate = illustrative(percent "30"),
    rent_cap = illustrative(yuan "2000000"),
    purchase_rate = illustrative(percent "5"),
    purchase_cap = illustrative(yuan "10000000"),
  },
  conditions = {
    equals("district", "上城区"),
    at_least("hq.star", 1),
    equals("hq.office.district", "上城区"),
    one_of("hq.office.mode", { "rent", "purchase" }),
    greater_than("finance.local_contribution", 0),
  },
  amount = function(e, p)
    if e.hq.office.mode == "rent" then
      return cap(pct(e.hq.office.annual_rent, p.rent_rate), p.rent_cap)
    end
    return cap(pct(e.hq.office.purchase_price, p.purchase_rate), p.purchase_cap)
  end,
  amount_rule = {
    zh = "租赁：年租金×30%，不超过200万元；购置：购房价格×5%，不超过1000万元",
    en = "rent: 30% of annual rent, capped at 2,000,000; purchase: 5% of price, capped at 10,000,000",
  },
}
