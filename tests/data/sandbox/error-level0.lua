-- error() without a position: the message must still name the file.
return lib.t.cash("error-level0", function(e, p)
  error("no position", 0)
end)
