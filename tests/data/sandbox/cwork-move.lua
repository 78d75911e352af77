-- table.move over math.maxinteger - 1 slots: one C call that never returns unless charged.
return lib.t.cash("cwork-move", function(e, p)
  table.move({}, 1, math.maxinteger - 1, 2)
  return 1
end)
