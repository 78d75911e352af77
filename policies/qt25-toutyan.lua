-- 头雁企业贡献扶持 — policy book 2 §3, qt25-toutyan (钱塘区's own 征求意见稿).
local src = "https://q-ing.com.cn/policy-information/2349.html"

return policy {
  id = "qt25-toutyan",
  kind = "cash",
  title = { zh = "头雁企业贡献扶持", en = "Lead-goose enterprise contribution support" },
  source = {
    doc = "钱塘区头雁企业培育政策（征求意见稿）", publisher = "钱塘区", date = "2025", url = src,
    quote = "对认定为钱塘头雁企业的，给予上年度区贡献5%和当年度新增区贡献60%的扶持…对获得区内土地资源配置的企业，新增区贡献部分按照30%执行",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = CLAIM_YEAR, -- book 2 §3: Key: Y (once per claim year)
  params = {
    base_rate = source(percent "5", src),
    growth_rate = source(percent "60", src),
    land_growth_rate = source(percent "30", src),
  },
  conditions = {
    has_tag("tags", "toutyan"),
    no_award { key = CLAIM_YEAR, zh = "本申报年度尚未获得本政策扶持",
               en = "no support of this policy for the claim year yet" },
  },
  -- 5% of last year's contribution, plus r% of the growth (r = 30 with land allocated)
  amount = function(e, p)
    local prev, cur = e.finance.prev_local_contribution, e.finance.local_contribution
    local rate = e.land.allocated and p.land_growth_rate or p.growth_rate
    local total = add(pct(prev, p.base_rate), pct(max(0, sub(cur, prev)), rate))
    if total == 0 then
      return 0, { zh = "无可奖励的贡献", en = "no contribution to reward" }
    end
    return total
  end,
  amount_rule = {
    zh = "上年度区贡献×5% + 当年度新增区贡献×60%（获得区内土地资源配置的按30%），各项四舍五入到分后相加",
    en = "5% of last year's district contribution + 60% of its growth (30% with land allocated), each rounded to the fen",
  },
}
