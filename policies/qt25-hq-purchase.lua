-- 总部购置办公用房扶持（分三年发放） — policy book 2 §3, qt25-hq-purchase.
local src = "http://men.022net.com/kuaixun/2023/0826/128941.html"

return policy {
  id = "qt25-hq-purchase",
  kind = "cash",
  title = { zh = "总部购置办公用房扶持（分三年发放）", en = "Support for headquarters buying their offices (three yearly installments)" },
  source = {
    doc = "总部企业购置自用办公用房扶持政策", publisher = "公开政策文本", date = "2023-08-26", url = src,
    quote = "按3000元/平方米的标准给予扶持，最高不超过3000万元，扶持资金分三年平均发放",
  },
  in_force = { "2025-01-01", "2028-12-31" },
  key = "purchase.date", -- book 2 §3: Key: purchase.date
  event = { field = "purchase.date", from = "2024-01-01", to = "2025-12-31" }, -- [illustrative]
  params = {
    per_m2 = source(yuan "3000", src),
    ceiling = source(yuan "30000000", src),
    installments = source(count "3", src),
  },
  conditions = {
    has_tag("tags", "hq"),
    between("purchase.date", EVENT_FROM, EVENT_TO),
    year_index_at_least("purchase.date", 1, { zh = "购置日期不晚于申报年度", en = "purchased by the end of the claim year" }),
    at_least("purchase.m2", 1),
    installment_due { key = "purchase.date", n = 3, zh = "三期扶持尚未发放完毕", en = "an installment of the three still due" },
    no_award { key = "purchase.date", year = CLAIM_YEAR, zh = "本申报年度尚未发放本期扶持",
               en = "no installment paid for the claim year yet" },
  },
  -- T = min(m² × 3,000, 30,000,000), paid as split(T, 3, k), k = 1 + the installments paid
  amount = function(e, p)
    local total = min(mul_or_more(e.purchase.m2, p.per_m2), p.ceiling)
    local k = installment(date_key(e.purchase.date))
    return split(total, p.installments, k)
  end,
  amount_rule = {
    zh = "购置面积×3000元/m²，不超过3000万元，分三年发放：前两期各为总额三分之一（向下取整到分），第三期为余额",
    en = "purchased m² × 3,000, at most 30,000,000, in three installments: a third each (rounded down to the fen), the last the remainder",
  },
}
