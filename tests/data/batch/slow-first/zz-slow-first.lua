-- Not a policy of the book: tests/batch.sh adds it to a copy of the default set. It burns
-- about a million Lua instructions (a few ms) on every profile whose id starts with "SLOW"
-- and grants 1.00 to everyone, so that a first chunk of such profiles finishes long after
-- the chunks behind it.
return policy {
  id = "zz-slow-first",
  kind = "cash",
  title = { zh = "测试：慢", en = "test: slow first records" },
  source = { doc = "tests/batch.sh", quote = "test fixture" },
  in_force = { "2025-01-01", "2025-12-31" },
  params = { grant = illustrative(yuan "1") },
  conditions = {},
  amount = function(e, p)
    local n = 0
    if string.sub(e.id, 1, 4) == "SLOW" then
      for i = 1, 250000 do n = n + i % 7 end
    end
    return p.grant + n - n
  end,
}
