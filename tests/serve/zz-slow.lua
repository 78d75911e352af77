-- For tests/serve.sh: a policy that computes until the instruction budget or the server's
-- wall-clock limit stops it (added to a copy of policies/).
return policy {
  id = "zz-slow",
  kind = "cash",
  title = { zh = "慢", en = "slow" },
  source = { doc = "tests/serve.sh", quote = "slow" },
  in_force = { "2000-01-01", "2099-12-31" },
  params = {},
  conditions = {},
  amount = function(e, p)
    local n = 0
    while true do n = n + 1 end
  end,
}
