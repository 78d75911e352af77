-- The ledger's questions, their results put into the amount so that a case can check them:
-- base − paid(dx-split, dx-ledger; any year) − paid(dx-split; claim year), plus 0.01 × the
-- count of dx-split entries of 2023, 0.10 × the count of dx-split entries with key 2024 (a
-- whole number as key) and 1.00 × the index of dx-ledger's first entry (9 when none).
return lib.t.cash("dx-ledger", { equals("district", "钱塘区") }, function(e, p)
  local paid = awards_sum { policies = { "dx-split", "dx-ledger" } }
  local paid_y = awards_sum { policies = { "dx-split" }, year = claim_year() }
  local n = awards_count { policy = "dx-split", year = 2023 }
  local m = awards_count { policy = "dx-split", key = 2024 }
  local _, first = awards_count {}
  return add(sub(p.base, paid, paid_y), n, mul(10, m), mul(100, first or 9))
end, { params = { base = illustrative(yuan "10000000") } })
