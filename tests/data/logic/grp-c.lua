-- Group g-cap with cap-y: the loan interest paid, as an amount.
return lib.t.cash("grp-c", {}, function(e, p)
  return e.finance.loan_interest_paid
end)
