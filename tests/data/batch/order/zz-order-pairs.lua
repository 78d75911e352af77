-- Hostile on purpose (tests/determinism.sh adds it to a copy of the default set): its amount
-- depends on the order in which pairs() and next() visit string keys — of a table it builds on
-- every call and of a chunk-level table — an order plain Lua draws from a hash seed that
-- differs from one process to the next. Calc must give it one order in every process.
local weights = { alpha = 1, bravo = 2, charlie = 3, delta = 4, echo = 5, foxtrot = 6,
                  golf = 7, hotel = 8, india = 9, juliett = 10, kilo = 11, lima = 12 }
return policy {
  id = "zz-order-pairs",
  kind = "cash",
  title = { zh = "测试：遍历顺序", en = "test: pairs order" },
  source = { doc = "tests/determinism.sh", quote = "test fixture" },
  in_force = { "2025-01-01", "2025-12-31" },
  conditions = {},
  amount = function(e, p)
    local t = { alpha = 1, bravo = 2, charlie = 3, delta = 4, echo = 5, foxtrot = 6, golf = 7,
                hotel = 8, india = 9, juliett = 10, kilo = 11, lima = 12, [e.id] = 13 }
    local i, sum = 0, 0
    for k, v in pairs(t) do
      i = i + 1
      sum = sum + i * v
    end
    for k, v in pairs(weights) do
      i = i + 1
      sum = sum + i * v
    end
    local first = next(t)
    return sum * 1000 + #first
  end,
}
