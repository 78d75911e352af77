-- tostring() and %s of tables and functions carry no heap address; %p is refused.
return lib.t.cash("order-tostring", function(e, p)
  return 0, tostring({}) .. " " .. tostring(tostring) .. " " ..
            string.format("%s|%5.1f|%d", {}, 1.25, 7)
end)
