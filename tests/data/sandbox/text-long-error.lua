-- A long CJK error message: cut at a character boundary, never inside a character.
return lib.t.cash("text-long-error", function(e, p)
  error(string.rep("错误", 300))
end)
