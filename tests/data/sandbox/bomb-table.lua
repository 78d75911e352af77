-- Tables of half a million slots each, kept alive: the memory limit stops it.
return lib.t.cash("bomb-table", function(e, p)
  local keep = {}
  for i = 1, 64 do keep[i] = { table.unpack({}, 1, 500000) } end
  return #keep
end)
