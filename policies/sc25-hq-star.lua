-- 总部企业星级奖励 — policy book §3, sc25-hq-star.
return policy {
  id = "sc25-hq-star",
  kind = "cash",
  title = { zh = "总部企业星级奖励", en = "Headquarters star-level reward" },
  source = {
    doc = "上城区推动总部经济发展的若干政策措施", publisher = "浙江日报", date = "2025-03-21",
    quote = "鼓励招大引强、做大做强、星级培育", file = "001_b94a40761bf201ba.txt",
  },
  in_force = { "2025-01-01", "2025-12-31" },
  key = "hq.star", -- one row per star level rewarded: the star (issue #17)
  params = {
    tiers = illustrative(yuan {
      [0] = "0", [1] = "500000", [2] = "1000000", [3] = "2000000", [4] = "3000000",
      [5] = "5000000",
    }, "an upgrade pays the difference"),
  },
  conditions = {
    equals("district", "上城区"),
    at_least("hq.star", 1),
    greater_than("finance.local_contribution", 0),
  },
  amount = function(e, p)
    local due = p.tiers[e.hq.star] - p.tiers[e.hq.star_rewarded_before]
    if due <= 0 then
      return 0, { zh = "该星级已获奖励", en = "already rewarded at this star level" }
    end
    step({ zh = e.hq.star .. "星档位 − 已奖励" .. e.hq.star_rewarded_before .. "星档位",
           en = "tier of star level " .. e.hq.star .. " − tier of star level "
             .. e.hq.star_rewarded_before .. " already rewarded" }, due)
    return due
  end,
  amount_rule = {
    zh = "总部星级的档位金额 − 已奖励星级的档位金额（升级补差）",
    en = "the tier of the HQ star level − the tier of the star level already rewarded: "
      .. "an upgrade pays the difference",
  },
}
