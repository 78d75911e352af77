-- The amount depends on the order pairs() visits string keys: that order must be the same in
-- every process (sorted: alpha, beta, delta, gamma, then a frozen chunk-level table's).
local weights = { gamma = 3, alpha = 1, delta = 4, beta = 2 }
return lib.t.cash("order-pairs", function(e, p)
  local t = { gamma = 3, alpha = 1, delta = 4, beta = 2, [2] = 20, [1] = 10 }
  local i, sum = 0, 0
  for k, v in pairs(t) do i = i + 1; sum = sum + i * v end
  for k, v in pairs(weights) do i = i + 1; sum = sum + i * v end
  local first = next(weights)
  return sum * 100 + #first
end)
