-- 上市分阶段奖励（含市级补助） — policy book 2 §3, qt25-listing.
local stages = { "restructured", "filed", "listed" }
local src = "http://m.seu7.cn/tonggao/6083.html"

return policy {
  id = "qt25-listing",
  kind = "cash",
  title = { zh = "上市分阶段奖励（含市级补助）", en = "Listing stage rewards (city subsidy included)" },
  source = {
    doc = "企业上市分阶段奖励", publisher = "公开政策文本", date = "2023", url = src,
    quote = "股改60万元、辅导验收并获受理240万元、上市100万元；累计补助…（包括市级补助）；科创板上市另奖励100万元",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = "listing.stage", -- book 2 §3: Key: listing.stage (the current stage)
  event = { field = "listing.stage_dates", from = "2022-01-01", to = "2024-12-31" }, -- [illustrative]
  params = {
    rewards = source(yuan { restructured = "600000", filed = "2400000", listed = "1000000" }, src),
    star_bonus = source(yuan "1000000",
      "https://shanghai.gov.cn/zh-gqwj4/20230512/4592c0d37e8f4dc1be2dacafaabac9ff.html"),
  },
  conditions = {
    one_of("listing.stage", stages, { zh = "已启动上市进程（股改、辅导验收并获受理或上市）",
                                     en = "the listing process started (joint-stock reform, application accepted or listed)" }),
    stage_date_between("listing.stage", "listing.stage_dates", EVENT_FROM, EVENT_TO),
    no_award { key = "listing.stage", zh = "当前阶段尚未获得奖励", en = "not yet awarded at this stage" },
  },
  -- E = the counted stages' rewards (+ the 科创板 bonus); less what was paid and the city's share
  amount = function(e, p)
    local from, to = window("event")
    local counted = 0
    for _, s in ipairs(stages) do
      local d = optional(e.listing.stage_dates, s)
      if d ~= nil and d >= from and d <= to then
        counted = add(counted, p.rewards[s])
        if s == "listed" and e.listing.board == "star_market" then
          counted = add(counted, p.star_bonus)
        end
      end
      if s == e.listing.stage then
        break
      end
    end
    local paid = awards_sum {} -- past the largest amount (a hand-written ledger): all paid
    local net = type(paid) == "number" and sub(sub(counted, paid), e.listing.city_paid) or 0
    if net <= 0 then
      return 0, { zh = "计入的阶段已奖励完毕", en = "counted stages already paid" }
    end
    return net
  end,
  amount_rule = {
    zh = "已达到且日期在2022-01-01至2024-12-31期间的各阶段奖励之和（股改60万元、受理240万元、上市100万元，科创板另加100万元），减去本政策已发放金额和市级补助",
    en = "the rewards of the counted stages (600k, 2.4M, 1M; +1M on the STAR market), less what this policy paid and the city's subsidy",
  },
}
