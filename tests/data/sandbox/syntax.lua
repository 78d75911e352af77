-- A syntax error on line 4.
return lib.t.cash("syntax", function(e, p)
  return 1 +
end)
