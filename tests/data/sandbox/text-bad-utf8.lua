-- A reason with an invalid byte and a NUL: the output stays valid UTF-8 and keeps the rest.
return lib.t.cash("text-bad-utf8", function(e, p)
  return 0, "x\255y\0z"
end)
