-- An endless loop: the instruction budget stops it.
return lib.t.cash("loop", function(e, p)
  local n = 0
  while true do n = n + 1 end
end)
