-- Pattern matching is not in the sandbox: ("a"):find is absent.
return lib.t.cash("nopattern-find", function(e, p)
  return ("a"):find("a")
end)
