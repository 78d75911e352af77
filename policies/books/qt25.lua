-- 钱塘区2025年“领飞”惠企政策包 — policy book 2 §1.2: the book conditions B1–B4, declared once
-- and evaluated before the own conditions of every policy whose id starts with "qt25-".
-- reasons = "items": a failed list condition gives one reason per failed item condition (an
-- empty list one reason naming the list), and `missing` is listed in byte order (§1.9).
return book {
  id = "qt25",
  title = { zh = "钱塘区2025年“领飞”惠企政策包", en = "Qiantang 2025 'Lingfei' enterprise package" },
  policies = "qt25-",
  reasons = "items",
  conditions = {
    -- B1
    equals("district", "钱塘区"),
    -- B2: a profile describes one claim year Y = year(as_of) − 1
    equals("finance.year", CLAIM_YEAR, { zh = "财务数据为申报年度（测算年度的上一年）",
                                         en = "finance figures of the claim year (the year before the evaluation)" }),
    -- B3, B4: the vetoes (一票否决)
    equals("credit.dishonest", false, { veto = true, zh = "未列入严重违法失信主体名单",
                                        en = "not listed as a seriously dishonest entity" }),
    equals("credit.major_accident", false, { veto = true, zh = "近一年无较大及以上安全生产责任事故",
                                             en = "no major safety accident in the last year" }),
  },
}
