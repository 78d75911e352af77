-- Conditions pass, the amount is 0 with a reason.
return lib.t.cash("zero", {}, function(e, p)
  return 0, "nothing due"
end)
