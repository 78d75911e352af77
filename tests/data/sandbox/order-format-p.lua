-- string.format("%p") would print an address: refused.
return lib.t.cash("order-format-p", function(e, p)
  return 0, string.format("%p", {})
end)
