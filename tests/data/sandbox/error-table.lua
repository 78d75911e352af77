-- error() with a table: the message must still name the file.
return lib.t.cash("error-table", function(e, p)
  error({ code = 1 })
end)
