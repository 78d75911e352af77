-- Returns a string that looks like a number.
return lib.t.cash("ret-string", function(e, p)
  return "100"
end)
