-- window(): the event window as declared (purchase.date in 2024-01-01..2025-12-31) and the
-- application window, from purchase.date to add_months(purchase.date, 12); the amount is the
-- application window's length in days, as fen (2024-01-31 → 2025-01-31: 366; 2024-02-29 →
-- 2025-02-28: 365). An absent purchase.date is absent data (the after-field of the window).
return lib.t.cash("dx-windows", { equals("district", "钱塘区") }, function(e, p)
  local f, t = window("event")
  if f ~= date "2024-01-01" or t ~= date "2025-12-31" then
    return 0, "the event window is not 2024-01-01..2025-12-31"
  end
  local a, b = window("application")
  if a == nil then
    return 0, "no application window"
  end
  return sub(b, a)
end, {
  event = { field = "purchase.date", from = "2024-01-01", to = "2025-12-31" },
  application = { field = "applied", after = "purchase.date", months = 12 },
})
