-- Cap c-cap: the revenue, as an amount.
return lib.t.cash("cap-x", {}, function(e, p)
  return e.finance.revenue
end)
