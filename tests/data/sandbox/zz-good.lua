-- A good policy evaluated after every bad one: 10% of revenue, capped at 1000.00 yuan.
return lib.t.cash("zz-good", function(e, p)
  return cap(pct(e.finance.revenue, p.rate), p.cap)
end, { params = { rate = percent "10", cap = yuan "1000" }, limit = "cap" })
