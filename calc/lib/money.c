/* money.c — exact money in integer fen and calendar dates as day numbers.
 * No floating point: every rounding is integer arithmetic (half up, or floor). */
#include "internal.h"
#include "msgs.h"
#include "calendar.h"

#include <string.h>
#include <time.h>

/* Strips the UTF-8 text t (n bytes) from the start (at_end false) or end of [*s, *s + *len). */
static bool strip(const char **s, size_t *len, const char *t, bool at_end)
{
    size_t n = strlen(t);
    if (*len < n || memcmp(at_end ? *s + *len - n : *s, t, n) != 0)
        return false;
    if (!at_end)
        *s += n;
    *len -= n;
    return true;
}

/* Yuan as people write them: 15000, 15000.50, 1,200,000 (thousands grouped by 3), 1.5万 (10^4),
 * 2.3亿 (10^8), with ¥ or ￥ before and 元 after; exact to the fen after scaling. */
int calc_money_parse(calc_money *out, const char *s, size_t len, const char **why)
{
    uint64_t v = 0;
    int digits = 0, decimals = -1, scale = 0;
    int group = -1; /* digits since the last thousands separator (-1: none seen) */
    const char *dummy;
    if (!why)
        why = &dummy;
    if (len == 0) {
        *why = "empty";
        return CALC_ESCHEMA;
    }
    if (!strip(&s, &len, "\xC2\xA5", false)) /* ¥ */
        strip(&s, &len, "\xEF\xBF\xA5", false); /* ￥ */
    strip(&s, &len, "\xE5\x85\x83", true);       /* 元 */
    if (strip(&s, &len, "\xE4\xB8\x87", true))   /* 万 */
        scale = 4;
    else if (strip(&s, &len, "\xE4\xBA\xBF", true)) /* 亿 */
        scale = 8;
    if (len == 0) {
        *why = "not a number";
        return CALC_ESCHEMA;
    }
    if (s[0] == '-') {
        *why = "negative amounts are not allowed";
        return CALC_ESCHEMA;
    }
    if (s[0] == '+') {
        *why = "write the amount without a sign";
        return CALC_ESCHEMA;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (decimals >= 0 || digits == 0 || (group >= 0 && group != 3)) {
                *why = decimals < 0 && group >= 0 ? "misplaced thousands separator (write "
                                                    "1,200,000 or 1200000)"
                                                  : "not a number";
                return CALC_ESCHEMA;
            }
            decimals = 0;
            continue;
        }
        if (c == 'e' || c == 'E') {
            *why = "exponents are not allowed";
            return CALC_ESCHEMA;
        }
        if (c == ',') {
            /* 1,200,000: 1 to 3 digits first, then groups of exactly 3, never in decimals */
            if (decimals >= 0 || digits == 0 || (group < 0 && digits > 3) ||
                (group >= 0 && group != 3)) {
                *why = "misplaced thousands separator (write 1,200,000 or 1200000)";
                return CALC_ESCHEMA;
            }
            group = 0;
            continue;
        }
        if (c < '0' || c > '9') {
            *why = "not a number";
            return CALC_ESCHEMA;
        }
        if (decimals >= 0 && ++decimals > 2 + scale) {
            *why = scale ? "more than 2 decimals of yuan (amounts are exact to the fen)"
                         : "more than 2 decimals";
            return CALC_ESCHEMA;
        }
        if (group >= 0 && decimals < 0)
            group++;
        if (v > (uint64_t)INT64_MAX / 10) {
            *why = "too large";
            return CALC_ESCHEMA;
        }
        v = v * 10 + (uint64_t)(c - '0');
        digits++;
    }
    if (decimals == 0) {
        *why = "a decimal point must be followed by digits";
        return CALC_ESCHEMA;
    }
    if (decimals < 0 && group >= 0 && group != 3) {
        *why = "misplaced thousands separator (write 1,200,000 or 1200000)";
        return CALC_ESCHEMA;
    }
    int shift = 2 + scale - (decimals < 0 ? 0 : decimals);
    for (int k = 0; k < shift; k++) {
        if (v > (uint64_t)INT64_MAX / 10) {
            *why = "too large";
            return CALC_ESCHEMA;
        }
        v *= 10;
    }
    if (v > (uint64_t)INT64_MAX) {
        *why = "too large";
        return CALC_ESCHEMA;
    }
    *out = (calc_money)v;
    return 0;
}

const char *money_reason_hint(const char *why)
{
    static const char *const h[][2] = {
        {"empty", N_("write an amount, e.g. 15000, or leave the field out")},
        {"negative amounts are not allowed", N_("write 0 when there is none")},
        {"exponents are not allowed", N_("write the digits out, e.g. 1500000 or 150万")},
        {"more than 2 decimals of yuan (amounts are exact to the fen)",
         N_("round to the fen, e.g. 1.234567万 (¥12,345.67)")},
        {"more than 2 decimals", N_("round to the fen, e.g. 15000.50")},
        {"too large", N_("the largest amount is 92,233,720,368,547,758.07 yuan")},
        {"a decimal point must be followed by digits", N_("write 15000 or 15000.50")},
        {"write the amount without a sign", NULL},
        {"misplaced thousands separator (write 1,200,000 or 1200000)", NULL}};
    for (size_t i = 0; why && i < sizeof h / sizeof h[0]; i++)
        if (strcmp(why, h[i][0]) == 0)
            return h[i][1];
    return N_("write 15000, 15000.50, 1.5万 or 1,200,000");
}

char *calc_money_format(char *buf, calc_money v)
{
    if (v == 0) /* most amounts written */
        return memcpy(buf, "0.00", 5);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char tmp[32];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u || n < 3);
    char *p = buf;
    if (v < 0)
        *p++ = '-';
    while (n > 2)
        *p++ = tmp[--n];
    *p++ = '.';
    *p++ = tmp[1];
    *p++ = tmp[0];
    *p = 0;
    return buf;
}

char *calc_money_format_grouped(char *buf, calc_money v)
{
    char plain[32];
    calc_money_format(plain, v);
    const char *s = plain;
    char *p = buf;
    if (*s == '-')
        *p++ = *s++;
    size_t intlen = strcspn(s, ".");
    for (size_t i = 0; i < intlen; i++) {
        if (i && (intlen - i) % 3 == 0)
            *p++ = ',';
        *p++ = s[i];
    }
    strcpy(p, s + intlen);
    return buf;
}

int calc_money_pct(calc_money *out, calc_money x, int64_t p)
{
    __int128 t = (__int128)x * p; /* fen x hundredths of a percent */
    __int128 q = t / 10000, r = t % 10000;
    if (r < 0) { /* floor division for negatives, then half up */
        q -= 1;
        r += 10000;
    }
    if (r * 2 >= 10000)
        q += 1;
    if (q > INT64_MAX || q < INT64_MIN)
        return CALC_ELIMIT;
    *out = (calc_money)q;
    return 0;
}

calc_money calc_money_muldiv_floor(calc_money x, calc_money num, calc_money den)
{
    __int128 t = (__int128)x * num;
    __int128 q = t / den;
    if (t % den != 0 && ((t < 0) != (den < 0)))
        q -= 1;
    if (q > INT64_MAX)
        return INT64_MAX;
    if (q < INT64_MIN)
        return INT64_MIN;
    return (calc_money)q;
}

/* Days from civil (Howard Hinnant's algorithm), proleptic Gregorian. */
static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

static void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned mdays(int y, unsigned m)
{
    static const unsigned md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : md[m - 1];
}

/* Reads 1 to `most` digits at s[*i] into *v; false when there are none. */
static bool date_num(const char *s, size_t len, size_t *i, int most, int *v)
{
    int n = 0;
    *v = 0;
    while (*i < len && n < most && s[*i] >= '0' && s[*i] <= '9') {
        *v = *v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    return n > 0 && !(*i < len && s[*i] >= '0' && s[*i] <= '9');
}

/* The date of year, month and day v, when it is a real one from 1900 to 2999. */
static int date_of(calc_date *out, const int v[3])
{
    if (v[0] < 1900 || v[0] > 2999 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
        (unsigned)v[2] > mdays(v[0], (unsigned)v[1]))
        return CALC_ESCHEMA;
    *out = days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
    return 0;
}

/* Dates as people write them: 2024-03-15, 2024-3-15, 2024/3/15, 2024.3.15, 2024年3月15日 — one
 * kind of separator, a four-digit year, a real day — or 20240315. */
int calc_date_parse(calc_date *out, const char *s, size_t len)
{
    static const char nian[] = "\xE5\xB9\xB4", yue[] = "\xE6\x9C\x88", ri[] = "\xE6\x97\xA5";
    size_t i = 0;
    int v[3];
    bool digits = len == 8;
    for (size_t k = 0; k < len && digits; k++)
        digits = s[k] >= '0' && s[k] <= '9';
    if (digits) { /* 20240315: ISO 8601's basic form */
        v[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        v[1] = (s[4] - '0') * 10 + (s[5] - '0');
        v[2] = (s[6] - '0') * 10 + (s[7] - '0');
        return date_of(out, v);
    }
    if (!date_num(s, len, &i, 4, &v[0]) || i != 4)
        return CALC_ESCHEMA;
    const char *sep1, *sep2;
    if (i < len && (s[i] == '-' || s[i] == '/' || s[i] == '.')) {
        sep1 = sep2 = s[i] == '-' ? "-" : s[i] == '/' ? "/" : ".";
    } else {
        sep1 = nian;
        sep2 = yue;
    }
    size_t l1 = strlen(sep1), l2 = strlen(sep2);
    if (len - i < l1 || memcmp(s + i, sep1, l1) != 0)
        return CALC_ESCHEMA;
    i += l1;
    if (!date_num(s, len, &i, 2, &v[1]))
        return CALC_ESCHEMA;
    if (len - i < l2 || memcmp(s + i, sep2, l2) != 0)
        return CALC_ESCHEMA;
    i += l2;
    if (!date_num(s, len, &i, 2, &v[2]))
        return CALC_ESCHEMA;
    if (sep1 == nian && len - i >= 3 && memcmp(s + i, ri, 3) == 0)
        i += 3;
    if (i != len)
        return CALC_ESCHEMA;
    return date_of(out, v);
}

int calc_month_parse(calc_date *out, const char *s, size_t len)
{
    static const char nian[] = "\xE5\xB9\xB4", yue[] = "\xE6\x9C\x88";
    size_t i = 0;
    int y, m;
    if (!date_num(s, len, &i, 4, &y) || i != 4) {
        bool digits = len == 6; /* 202403, as the page reads it too */
        for (size_t k = 0; k < len && digits; k++)
            digits = s[k] >= '0' && s[k] <= '9';
        if (!digits)
            return CALC_ESCHEMA;
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[4] - '0') * 10 + (s[5] - '0');
        if (y < 1900 || y > 2999 || m < 1 || m > 12)
            return CALC_ESCHEMA;
        *out = days_from_civil(y, (unsigned)m, 1);
        return 0;
    }
    /* no dot: a spreadsheet reads 2024.10 as the number 2024.1, which would be January */
    bool cjk = !(i < len && (s[i] == '-' || s[i] == '/'));
    if (cjk) {
        if (len - i < 3 || memcmp(s + i, nian, 3) != 0)
            return CALC_ESCHEMA;
        i += 3;
    } else
        i++;
    if (!date_num(s, len, &i, 2, &m))
        return CALC_ESCHEMA;
    if (cjk) {
        if (len - i < 3 || memcmp(s + i, yue, 3) != 0)
            return CALC_ESCHEMA;
        i += 3;
    }
    if (i != len || y < 1900 || y > 2999 || m < 1 || m > 12)
        return CALC_ESCHEMA;
    *out = days_from_civil(y, (unsigned)m, 1);
    return 0;
}

char *calc_month_format(char *buf, calc_date dd)
{
    char full[16];
    calc_date_format(full, dd);
    memcpy(buf, full, 7);
    buf[7] = 0;
    return buf;
}

char *calc_date_format(char *buf, calc_date dd)
{
    int y;
    unsigned m, d;
    civil_from_days(dd, &y, &m, &d);
    unsigned yy = (unsigned)y % 10000u;
    buf[0] = (char)('0' + yy / 1000);
    buf[1] = (char)('0' + yy / 100 % 10);
    buf[2] = (char)('0' + yy / 10 % 10);
    buf[3] = (char)('0' + yy % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10 % 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10 % 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = 0;
    return buf;
}

calc_date calc_date_years_before(calc_date dd, int years)
{
    int y;
    unsigned m, d;
    civil_from_days(dd, &y, &m, &d);
    y -= years;
    if (d > mdays(y, m))
        d = mdays(y, m); /* Feb 29 -> Feb 28 */
    return days_from_civil(y, m, d);
}

calc_date calc_date_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
}

/* ---- the calendar of book 2 §1.3: years, month indexes, add_months, lease months ---- */

int calc_date_year(calc_date dd)
{
    /* asked of as_of by every condition on the claim year: the last answer is kept */
    static _Thread_local calc_date last_d = INT32_MIN;
    static _Thread_local int last_y;
    if (dd == last_d)
        return last_y;
    int y;
    unsigned m, d;
    civil_from_days(dd, &y, &m, &d);
    last_d = dd;
    last_y = y;
    return y;
}

int calc_date_month(calc_date dd)
{
    int y;
    unsigned m, d;
    civil_from_days(dd, &y, &m, &d);
    return (int)m;
}

int64_t calc_month_index(calc_date dd)
{
    int y;
    unsigned m, d;
    civil_from_days(dd, &y, &m, &d);
    return 12 * (int64_t)y + (int64_t)m - 1;
}

calc_date calc_month_first(int64_t mi)
{
    int64_t y = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
    return days_from_civil((int)y, (unsigned)(mi - 12 * y) + 1, 1);
}

int calc_add_months(calc_date dd, int64_t n, calc_date *out)
{
    int y;
    unsigned m, d;
    civil_from_days(dd, &y, &m, &d);
    int64_t mi = 12 * (int64_t)y + (int64_t)m - 1;
    if (n > 12 * 10000 || n < -12 * 10000)
        return -1;
    mi += n;
    if (mi < 0 || mi >= 12 * 10000) /* years 0..9999 only */
        return -1;
    int ny = (int)(mi / 12);
    unsigned nm = (unsigned)(mi % 12) + 1;
    if (d > mdays(ny, nm))
        d = mdays(ny, nm); /* the target month has no such day: its last day */
    *out = days_from_civil(ny, nm, d);
    return 0;
}

int calc_lease_months_in_year(calc_date start, bool has_end, calc_date end, int year, int within)
{
    /* book 2 §6.31: a lease whose end is before its start has no months, even within one
     * month (ending on the 5th of the month it starts on the 20th) */
    if (has_end && end < start)
        return 0;
    int64_t s = calc_month_index(start), e = has_end ? calc_month_index(end) : INT64_MAX;
    int n = 0;
    for (int64_t m = 12 * (int64_t)year; m < 12 * (int64_t)year + 12; m++) {
        int64_t j = m - s + 1;
        if (j >= 1 && (within <= 0 || j <= within) && m <= e)
            n++;
    }
    return n;
}
