-- Returns a negative amount.
return lib.t.cash("ret-negative", function(e, p)
  return -100
end)
