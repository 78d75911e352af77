-- The calendar, time and exact money helpers (book 2 §1.3, §1.4) checked against values worked
-- out by hand: pays 1.00 when every check holds, else 0 with the first check that failed.
-- Evaluated on 2025-06-30 (claim year 2024); the policy has no event or application window.
local CUT = date "2024-01-31" -- made at load time: a value with a unit, which the helpers take

return lib.t.cash("dx-calendar", { equals("district", "钱塘区") }, function(e, p)
  local D = date -- in an amount function, date "…" is a day number
  local from, to = window("in_force")
  local checks = {
    { "add_months(2024-01-31, 1)", add_months(D "2024-01-31", 1), D "2024-02-29" },
    { "add_months(2024-02-29, 12)", add_months(D "2024-02-29", 12), D "2025-02-28" },
    { "add_months(2024-08-31, 6)", add_months(D "2024-08-31", 6), D "2025-02-28" },
    { "add_months(2024-02-29, 1)", add_months(D "2024-02-29", 1), D "2024-03-29" },
    { "add_months(2024-03-31, -1)", add_months(D "2024-03-31", -1), D "2024-02-29" },
    { "add_months(CUT, 1) of a load-time date", add_months(CUT, 1), D "2024-02-29" },
    { "claim_year()", claim_year(), 2024 },
    { "as_of()", as_of(), D "2025-06-30" },
    { "year(2024-02-29)", year(D "2024-02-29"), 2024 },
    { "month(2024-02-29)", month(D "2024-02-29"), 2 },
    { "month_index(2024-02-29)", month_index(D "2024-02-29"), 12 * 2024 + 1 },
    { "date_key(2024-11-08)", date_key(D "2024-11-08"), "2024-11-08" },
    { "date 2024/3/5", D "2024/3/5", D "2024-03-05" },
    { "lease_month: the start month is 1", lease_month(D "2024-07-15", month_index(D "2024-07-01")), 1 },
    { "lease_month: the month before is 0", lease_month(D "2024-07-15", month_index(D "2024-06-30")), 0 },
    { "lease_year of lease month 12", lease_year(D "2024-07-01", month_index(D "2025-06-01")), 1 },
    { "lease_year of lease month 13", lease_year(D "2024-07-01", month_index(D "2025-07-01")), 2 },
    { "lease_year of lease month 36", lease_year(D "2022-01-01", month_index(D "2024-12-01")), 3 },
    { "lease_year of lease month 37", lease_year(D "2022-01-01", month_index(D "2025-01-01")), 4 },
    { "lease_year before the lease", lease_year(D "2024-07-01", month_index(D "2024-06-01")), nil },
    { "months_in_lease: all of 2024", months_in_lease(D "2022-04-01", nil, 2024), 12 },
    { "months_in_lease: from July", months_in_lease(D "2024-07-31", nil, 2024), 6 },
    { "months_in_lease: to March (in full)", months_in_lease(D "2022-01-01", D "2024-03-01", 2024), 3 },
    { "months_in_lease: within 36", months_in_lease(D "2022-04-01", nil, 2024, 36), 12 },
    { "months_in_lease: within 24", months_in_lease(D "2022-04-01", nil, 2024, 24), 3 },
    { "months_in_lease: end before start", months_in_lease(D "2024-05-01", D "2024-03-01", 2024), 0 },
    { "months_in_lease: after the claim year", months_in_lease(D "2025-01-01", nil, 2024), 0 },
    { "window in_force from", from, D "2025-01-01" },
    { "window in_force to", to, D "2025-12-31" },
    { "window event (none)", window("event"), nil },
    { "window application (none)", window("application"), nil },
    { "ratio(5,000,000.00, 6, 12)", ratio(500000000, 6, 12), 250000000 },
    { "ratio(1.00, 7, 12) = 0.5833", ratio(100, 7, 12), 58 },
    { "ratio(1.00, 5, 12) = 0.4167", ratio(100, 5, 12), 42 },
    { "ratio(0.01, 1, 2) half up", ratio(1, 1, 2), 1 },
    { "ratio(-0.05, 1, 10) half up", ratio(-5, 1, 10), 0 },
    { "ratio: the product first", ratio(9000000000000000000, 2, 3), 6000000000000000000 },
    { "split(2,000,000.00, 3, 1)", split(200000000, 3, 1), 66666666 },
    { "split(2,000,000.00, 3, 2)", split(200000000, 3, 2), 66666666 },
    { "split(2,000,000.00, 3, 3)", split(200000000, 3, 3), 66666668 },
    { "split(8,000,000.00, 5, 5)", split(800000000, 5, 5), 160000000 },
    { "split(123.45, 1, 1)", split(12345, 1, 1), 12345 },
    { "pct_product 800 × 60.00 × 12 × 90%", pct_product(9000, 800, 6000, 12), 51840000 },
    { "pct_product 0.01 × 50% half up", pct_product(5000, 1), 1 },
    { "pct_product 0.01 × 3 × 30%", pct_product(3000, 1, 3), 1 },
    { "brackets: each part rounded", brackets(3, { { 1, 5000 }, { 1, 5000 }, { "rest", 5000 } }, 1), 3 },
    { "brackets: no rest, the excess unpaid", brackets(10, { { 4, 10000 } }, 100), 400 },
    { "brackets: nil as the rest", brackets(10, { { 4, 10000 }, { nil, 5000 } }, 100), 700 },
    { "sub(10.00, 3.00, 2.00)", sub(1000, 300, 200), 500 },
    { "mul(2, 3, 7)", mul(2, 3, 7), 42 },
    { "mul(6, 7)", mul(6, 7), 42 },
    { "add(1, 2, 3)", add(1, 2, 3), 6 },
    { "awards_count() without awards", awards_count(), 0 },
    { "installment without awards", installment("2024"), 1 },
    { "awards_sum() without awards", awards_sum(), 0 },
  }
  for i = 1, #checks do
    local c = checks[i]
    if c[2] ~= c[3] then
      return 0, "check failed: " .. c[1] .. " = " .. tostring(c[2])
    end
  end
  return 100
end)
