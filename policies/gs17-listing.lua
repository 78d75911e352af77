-- "上市计划" 分阶段奖励 — policy book §5, gs17-listing.
local stages = { "restructured", "filed", "listed" }
-- each stage's reward in words, for the explanation
local reward_of = {
  restructured = { zh = "股改奖励", en = "reward for the joint-stock reform" },
  filed = { zh = "申报受理奖励", en = "reward for the accepted application" },
  listed = { zh = "上市奖励", en = "reward for the listing" },
}

return policy {
  id = "gs17-listing",
  kind = "cash",
  title = { zh = "上市计划分阶段奖励", en = "Listing programme stage rewards" },
  source = {
    doc = "拱墅区十大产业平台三年行动计划（2017–2019）", publisher = "拱墅区", date = "2017",
    quote = "深入实施'大树'计划、上市计划、'旭日'计划、品牌计划",
    file = "002_93ced4cde6632672.txt",
  },
  in_force = { "2017-01-01", "2019-12-31" },
  key = { stages = "listing.stage", paid = "listing.stages_paid", share = "rewards" }, -- one row per stage covered, each its reward (股改 and 申报 paid together: two rows)
  params = {
    rewards = illustrative(yuan { restructured = "500000", filed = "1000000", listed = "1500000" }),
  },
  conditions = {
    equals("district", "拱墅区"),
    one_of("listing.stage", stages, { zh = "已启动上市进程（股改、申报受理或上市）",
                                     en = "the listing process started (joint-stock reform, application accepted or listed)" }),
    between("listing.stage_date", IN_FORCE_FROM, IN_FORCE_TO),
  },
  -- every stage up to and including the current one, less those already rewarded
  amount = function(e, p)
    local total = 0
    for _, s in ipairs(stages) do
      if not contains(e.listing.stages_paid, s) then
        total = add(total, p.rewards[s])
        step(reward_of[s], p.rewards[s])
      end
      if s == e.listing.stage then
        break
      end
    end
    if total == 0 then
      return 0, { zh = "已达到的各阶段均已奖励", en = "all reached stages already rewarded" }
    end
    step({ zh = "各阶段奖励合计", en = "total of the stage rewards" }, total)
    return total
  end,
  amount_rule = {
    zh = "已达到的各阶段奖励之和（股改50万、申报受理100万、上市150万），扣除已奖励阶段",
    en = "the rewards of every stage reached (500k, 1M, 1.5M) not yet paid",
  },
}
