-- Hostile on purpose (tests/determinism.sh adds it to a copy of the default set): it is
-- ineligible with a reason that lists string keys in the order pairs() visits them, and the
-- first key next() gives — an order plain Lua draws from a per-process hash seed.
return policy {
  id = "zz-order-concat",
  kind = "cash",
  title = { zh = "测试：遍历顺序（文字）", en = "test: pairs order, as text" },
  source = { doc = "tests/determinism.sh", quote = "test fixture" },
  in_force = { "2025-01-01", "2025-12-31" },
  conditions = {},
  amount = function(e, p)
    local t = { [e.id] = 0, north = 1, south = 2, east = 3, west = 4, up = 5, down = 6,
                left = 7, right = 8, front = 9, back = 10 }
    local s = ""
    for k in pairs(t) do
      s = s .. k .. " "
    end
    return 0, "first " .. next(t) .. ": " .. s
  end,
}
