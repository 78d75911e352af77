-- 高层次人才安家补贴（分期） — policy book 2 §3, qt25-talent-housing.
return policy {
  id = "qt25-talent-housing",
  kind = "cash",
  title = { zh = "高层次人才安家补贴（分期）", en = "High-level talent housing allowance (in installments)" },
  source = {
    doc = "上城区推动总部经济发展的若干政策措施", publisher = "浙江日报", date = "2025-03-21",
    quote = "在引进和培育顶尖人才、集聚青年人才等方面提供多重礼遇", file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2030-12-31" },
  key = { items = { "name" } }, -- book 2 §3: Key: the talent's name (one row per talent)
  event = { field = "talents[].arrived", from = "2021-01-01", to = "2025-12-31" },
  params = {
    totals = illustrative(yuan { top = "8000000", leading = "2000000" }),
    installments = illustrative(count { top = "5", leading = "3" }),
  },
  conditions = {
    any_item("talents", {
      one_of("level", { "top", "leading" }, { zh = "顶尖或领军人才", en = "a top or leading talent" }),
      is_true("insured_here"),
      between("arrived", EVENT_FROM, EVENT_TO),
      year_index_at_least("arrived", 1, { zh = "到岗日期不晚于申报年度", en = "arrived by the end of the claim year" }),
      installment_due { key = "name", n = by("level", { top = 5, leading = 3 }),
                        zh = "分期尚未发放完毕", en = "an installment still due" },
      no_award { key = "name", year = CLAIM_YEAR, zh = "本申报年度尚未发放", en = "nothing paid for the claim year yet" },
    }, { name = "qualifying_talent", zh = "至少一名符合条件的高层次人才", en = "at least one qualifying talent" }),
  },
  -- per talent: split(T(level), n(level), k), k = 1 + the installments paid for that talent
  item_amount = function(t, p)
    return split(p.totals[t.level], p.installments[t.level], installment(t.name))
  end,
  amount = function(e, p, talents)
    return talents
  end,
  amount_rule = {
    zh = "每名人才：顶尖人才800万元分5年、领军人才200万元分3年发放，前几期各为总额的n分之一（向下取整到分），最后一期为余额",
    en = "per talent: 8,000,000 over 5 years (top) or 2,000,000 over 3 years (leading); each installment a 1/n share rounded down, the last the remainder",
  },
}
