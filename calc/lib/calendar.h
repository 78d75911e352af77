/* calendar.h — the calendar of policy book 2 §1.3 (money.c): the year and month of a date, the
 * month index mi(d) = 12 × year + month − 1, add_months with the month-end rule, and the lease
 * months of a calendar year. Private to the library. */
#ifndef CALC_CALENDAR_H
#define CALC_CALENDAR_H

#include "calc.h"

int calc_date_year(calc_date d);
int calc_date_month(calc_date d); /* 1–12 */
int64_t calc_month_index(calc_date d);
/* The first day of the month with index mi. */
calc_date calc_month_first(int64_t mi);
/* d moved by n calendar months, keeping the day, or the target month's last day when it has no
 * such day (2024-01-31 + 1 = 2024-02-29; 2024-02-29 + 1 = 2024-03-29). -1 outside years 0–9999. */
int calc_add_months(calc_date d, int64_t n, calc_date *out);
/* How many months m of `year` are in a lease from start (to end, when has_end; its month in full)
 * with lease month j(m) = mi(m) − mi(start) + 1 ≥ 1, and j(m) ≤ within when within > 0. */
int calc_lease_months_in_year(calc_date start, bool has_end, calc_date end, int year, int within);

#endif
