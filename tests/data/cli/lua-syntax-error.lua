-- sc25-loan-interest with a Lua syntax error on line 4 ("= =").
return policy {
  id = "sc25-loan-interest",
  kind = = "cash",
  title = { zh = "科技企业贷款贴息", en = "Loan-interest subsidy for tech enterprises" },
}
