-- Unbounded recursion with a large frame: the Lua stack overflows.
local function deep(n)
  local a, b, c, d, f, g, h, i, j, k, l, m, o, q, r, s
  return 1 + deep(n + 1)
end

return lib.t.cash("recursion", function(e, p)
  return deep(0)
end)
