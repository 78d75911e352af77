-- The amount looks the industry up in a chunk-level table: 5.00 for ai, 3.00 for it. An
-- industry the table lacks makes the arithmetic fail.
local by_industry = { ai = 500, it = 300 }

return lib.t.cash("amt-lookup", {}, function(e, p)
  return by_industry[e.industry] + 0
end)
