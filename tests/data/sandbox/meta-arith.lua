-- Arithmetic on a string: the error is raised inside the string metatable's __add.
return lib.t.cash("meta-arith", function(e, p)
  return "abc" + 1
end)
