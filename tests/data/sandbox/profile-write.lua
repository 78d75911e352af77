-- Writing to the profile is an error.
return lib.t.cash("profile-write", function(e, p)
  e.finance = 1
  return 100
end)
