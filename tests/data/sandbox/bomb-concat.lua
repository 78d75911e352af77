-- A string doubled 40 times: the memory limit stops it.
return lib.t.cash("bomb-concat", function(e, p)
  local s = "x"
  for i = 1, 40 do s = s .. s end
  return #s
end)
