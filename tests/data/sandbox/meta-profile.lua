-- A misspelt profile field: the error is raised inside the profile's __index.
return lib.t.cash("meta-profile", function(e, p)
  return e.finanse.revenue
end)
