-- Installments (book 2 §1.7, qt25-hq-purchase's shape): the key is the purchase date; once per
-- claim year; installment k = 1 + the ledger's entries of this policy with the key; the amount
-- split(2,000,000, 3, k). A fourth installment (k = 4 > 3) is split's error, on purpose: the
-- fixture has no k <= n condition.
return lib.t.cash("dx-split", { equals("district", "钱塘区") }, function(e, p)
  local key = date_key(e.purchase.date)
  if awards_count { key = key, year = claim_year() } > 0 then
    return 0, "already paid for this claim year"
  end
  return split(p.total, 3, installment(key))
end, { params = { total = illustrative(yuan "2000000") } })
