-- Pattern matching is not in the sandbox: string.match is absent.
return lib.t.cash("nopattern-match", function(e, p)
  return string.match("100", "%d+")
end)
