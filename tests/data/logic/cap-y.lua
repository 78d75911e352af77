-- Cap c-cap: the taxes paid, as an amount.
return lib.t.cash("cap-y", {}, function(e, p)
  return e.finance.tax_paid
end)
