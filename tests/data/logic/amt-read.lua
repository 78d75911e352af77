-- One condition; the amount reads finance.revenue, which no condition reads: 1% of it.
return lib.t.cash("amt-read", {
  equals("district", "上城区"),
}, function(e, p)
  return pct(e.finance.revenue, p.rate)
end, { params = { rate = percent "1" } })
