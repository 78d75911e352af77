-- Returns NaN.
return lib.t.cash("ret-nan", function(e, p)
  return 0 / 0
end)
