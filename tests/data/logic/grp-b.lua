-- Group g-tie: a flat 10.00 yuan.
return lib.t.cash("grp-b", {}, function(e, p)
  return 1000
end)
