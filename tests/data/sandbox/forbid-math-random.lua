-- 'math.random' is not reachable from a policy: using it in the amount function is an error.
return lib.t.cash("forbid-math-random", function(e, p)
  return math.random(100)
end)
