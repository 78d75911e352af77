/* test_money.c — exact money in fen and calendar dates (calc/lib/money.c) through calc.h:
 * parsing and formatting yuan, percent rounded half up, floor(x * num / den), ISO dates and
 * "N years before". Pure functions: no engine, no files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "calc.h"
#include "mem.h"

#include <limits.h>
#include <stdio.h>

/* 92233720368547758.07 yuan: the largest amount an int64 of fen holds. */
#define FEN_MAX INT64_MAX

static int parse(calc_money *out, const char *s, const char **why)
{
    return calc_money_parse(out, s, strlen(s), why);
}

static calc_date day(const char *s)
{
    calc_date d = -999999;
    assert_int_equal(calc_date_parse(&d, s, strlen(s)), 0);
    return d;
}

/* ---- calc_money_parse ---- */

/* Text (its first len bytes; 0: all of it) that parses to fen. */
typedef struct {
    const char *text;
    size_t len;
    calc_money fen;
} parses;

/* Checks every row, printing each mismatch; fails when any did not match. */
static void check_parses(const parses *rows, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        calc_money v = -1;
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].text);
        int rc = calc_money_parse(&v, rows[i].text, len, NULL);
        if (rc != 0 || v != rows[i].fen) {
            print_error("'%.*s': expected %lld fen, got status %d and %lld\n", (int)len,
                        rows[i].text, (long long)rows[i].fen, rc, (long long)v);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}
#define CHECK_PARSES(rows) check_parses(rows, sizeof rows / sizeof rows[0])

/* Text rejected with CALC_ESCHEMA and the reason why; the output is left untouched. */
typedef struct {
    const char *text, *why;
} rejects;

static void check_rejects(const rejects *rows, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        calc_money v = 4242;
        const char *why = NULL;
        int rc = parse(&v, rows[i].text, &why);
        if (rc != CALC_ESCHEMA || !why || strcmp(why, rows[i].why) != 0 || v != 4242) {
            print_error("'%s': expected CALC_ESCHEMA '%s', got status %d '%s', output %lld\n",
                        rows[i].text, rows[i].why, rc, why ? why : "(none)", (long long)v);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}
#define CHECK_REJECTS(rows) check_rejects(rows, sizeof rows / sizeof rows[0])

/* Ensure whole yuan, one decimal and two decimals become exact fen. */
static void test_parse_integer_and_decimals(void **state)
{
    (void)state;
    static const parses rows[] = {
        {"0", 0, 0},
        {"8000000", 0, 800000000},
        {"8000000.5", 0, 800000050},
        {"8000000.50", 0, 800000050},
        {"0.05", 0, 5},
        {"0.1", 0, 10},
        {"999999.99", 0, 99999999},
        {"007", 0, 700},
    };
    CHECK_PARSES(rows);
}

/* Ensure only len bytes are read: the text need not be NUL-terminated where it ends. */
static void test_parse_respects_len(void **state)
{
    (void)state;
    static const parses rows[] = {
        {"12.345", 5, 1234}, /* "12.34" */
        {"500abc", 3, 50000},
    };
    CHECK_PARSES(rows);
}

/* Ensure amounts written the way people write them are read exactly: thousands grouped by
 * three, 万 (10^4) and 亿 (10^8) with decimals that still land on a fen, ¥/￥ before and 元
 * after. 1.5万 = 15,000.00 = 1,500,000 fen; 2.3亿 = 230,000,000.00; 1.234567万 = 12,345.67. */
static void test_parse_as_people_write(void **state)
{
    (void)state;
    static const parses rows[] = {
        {"1,200,000", 0, 120000000},
        {"1,200,000.50", 0, 120000050},
        {"999", 0, 99900},
        {"12,345", 0, 1234500},
        {"1.5万", 0, 1500000},
        {"150万元", 0, 150000000},
        {"2.3亿", 0, INT64_C(23000000000)},
        {"1.234567万", 0, 1234567},
        {"0.0001万", 0, 100},
        {"¥1,200,000.00", 0, 120000000},
        {"￥15000", 0, 1500000},
        {"15000元", 0, 1500000},
        {"¥1.5万元", 0, 1500000},
        {"1,000万", 0, INT64_C(1000000000)},
    };
    CHECK_PARSES(rows);
}

/* Ensure more than 2 decimals are refused, never rounded. */
static void test_parse_too_many_decimals(void **state)
{
    (void)state;
    static const rejects rows[] = {
        {"100.123", "more than 2 decimals"},
        {"0.001", "more than 2 decimals"},
        {"1.500", "more than 2 decimals"},
    };
    CHECK_REJECTS(rows);
}

/* Ensure signs, exponents, separators, empty text and bare points are refused with a reason. */
static void test_parse_rejects_malformed(void **state)
{
    (void)state;
    static const rejects rows[] = {
        {"-5", "negative amounts are not allowed"},
        {"-0.01", "negative amounts are not allowed"},
        {"+5", "write the amount without a sign"},
        {"1e5", "exponents are not allowed"},
        {"1E5", "exponents are not allowed"},
        {"1,0000", "misplaced thousands separator (write 1,200,000 or 1200000)"},
        {"12,00", "misplaced thousands separator (write 1,200,000 or 1200000)"},
        {"1234,567", "misplaced thousands separator (write 1,200,000 or 1200000)"},
        {",100", "misplaced thousands separator (write 1,200,000 or 1200000)"},
        {"1,00.5", "misplaced thousands separator (write 1,200,000 or 1200000)"},
        {"1.00,5", "misplaced thousands separator (write 1,200,000 or 1200000)"},
        {"1.2345678万", "more than 2 decimals of yuan (amounts are exact to the fen)"},
        {"万", "not a number"},
        {"¥", "not a number"},
        {"1.5千", "not a number"},
        {"1.5万万", "not a number"},
        {"万1.5", "not a number"},
        {"", "empty"},
        {".5", "not a number"},
        {"5.", "a decimal point must be followed by digits"},
        {"1.2.3", "not a number"},
        {" 5", "not a number"},
        {"5 ", "not a number"},
        {"abc", "not a number"},
    };
    CHECK_REJECTS(rows);
}

/* Ensure a NULL why is allowed on failure. */
static void test_parse_null_why(void **state)
{
    (void)state;
    calc_money v = 7;
    assert_int_equal(calc_money_parse(&v, "x", 1, NULL), CALC_ESCHEMA);
    assert_int_equal(v, 7);
}

/* Ensure the largest representable amount parses exactly and one fen more overflows. */
static void test_parse_overflow_boundary(void **state)
{
    (void)state;
    static const parses fit[] = {
        {"92233720368547758.07", 0, FEN_MAX},
        {"92233720368547758", 0, INT64_C(9223372036854775800)},
        {"92233720368547758.0", 0, INT64_C(9223372036854775800)},
    };
    static const rejects over[] = {
        {"92233720368547758.08", "too large"},
        {"92233720368547758.1", "too large"},
        {"92233720368547759", "too large"},
        {"922337203685477580", "too large"},
        {"99999999999999999999999999", "too large"},
    };
    CHECK_PARSES(fit);
    CHECK_REJECTS(over);
}

/* ---- calc_money_format ---- */

/* An amount and its text. */
typedef struct {
    calc_money fen;
    const char *text;
} formats;

/* Checks fmt (calc_money_format or calc_money_format_grouped) over every row. */
static void check_formats(char *(*fmt)(char *, calc_money), const formats *rows, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char buf[40];
        const char *got = fmt(buf, rows[i].fen);
        if (strcmp(got, rows[i].text) != 0) {
            print_error("%lld fen: expected '%s', got '%s'\n", (long long)rows[i].fen,
                        rows[i].text, got);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}
#define CHECK_FORMATS(fmt, rows) check_formats(fmt, rows, sizeof rows / sizeof rows[0])

/* Ensure amounts print with exactly two decimals, signs and the int64 extremes. */
static void test_format(void **state)
{
    (void)state;
    static const formats rows[] = {
        {0, "0.00"},
        {5, "0.05"},
        {50, "0.50"},
        {100, "1.00"},
        {123450, "1234.50"},
        {50000000, "500000.00"},
        {-5, "-0.05"},
        {-123450, "-1234.50"},
        {FEN_MAX, "92233720368547758.07"},
        {INT64_MIN, "-92233720368547758.08"},
    };
    CHECK_FORMATS(calc_money_format, rows);
    char buf[32];
    assert_ptr_equal(calc_money_format(buf, 1), buf);
}

/* Ensure parse and format are inverse on two-decimal text. */
static void test_format_roundtrip(void **state)
{
    (void)state;
    static const char *const texts[] = {"0.00", "0.01", "0.99", "1.00", "8000000.50",
                                        "999999.99", "92233720368547758.07"};
    char buf[32];
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        calc_money v = -1;
        assert_int_equal(parse(&v, texts[i], NULL), 0);
        assert_string_equal(calc_money_format(buf, v), texts[i]);
    }
}

/* Ensure thousands separators go every three integer digits, never into the decimals. */
static void test_format_grouped(void **state)
{
    (void)state;
    static const formats rows[] = {
        {0, "0.00"},
        {99999, "999.99"},
        {100000, "1,000.00"},
        {123450, "1,234.50"},
        {12345678, "123,456.78"},
        {100000000, "1,000,000.00"},
        {-123456789, "-1,234,567.89"},
        {-99999, "-999.99"},
        {FEN_MAX, "92,233,720,368,547,758.07"},
        {INT64_MIN, "-92,233,720,368,547,758.08"},
    };
    CHECK_FORMATS(calc_money_format_grouped, rows);
}

/* ---- calc_money_pct ---- */

/* p hundredths of a percent of x: the status and, when it is 0, the result (else the output
 * stays as it was). */
typedef struct {
    calc_money x;
    int64_t p;
    int rc;
    calc_money want;
} pcts;

static void check_pcts(const pcts *rows, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        calc_money v = 77;
        int rc = calc_money_pct(&v, rows[i].x, rows[i].p);
        calc_money want = rows[i].rc ? 77 : rows[i].want;
        if (rc != rows[i].rc || v != want) {
            print_error("%lld.%02lld%% of %lld fen: expected status %d and %lld, got %d and "
                        "%lld\n",
                        (long long)(rows[i].p / 100), (long long)(rows[i].p % 100),
                        (long long)rows[i].x, rows[i].rc, (long long)want, rc, (long long)v);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}
#define CHECK_PCTS(rows) check_pcts(rows, sizeof rows / sizeof rows[0])

/* Ensure the book's example: 12.5% of 0.05 is 0.625 fen, which rounds to 0.01. */
static void test_pct_book_example(void **state)
{
    (void)state;
    static const pcts rows[] = {{5, 1250, 0, 1}};
    CHECK_PCTS(rows);
}

/* Ensure an exact half fen rounds up and anything below it rounds down. */
static void test_pct_half_up(void **state)
{
    (void)state;
    static const pcts rows[] = {
        {5, 1000, 0, 1},                /* 10% of 0.05 = 0.5 fen */
        {100000005, 1000, 0, 10000001}, /* 100000.005 */
        {100000004, 1000, 0, 10000000}, /* 100000.004 */
        {4, 1000, 0, 0},                /* 0.4 fen */
        {1, 4999, 0, 0},                /* 0.4999 fen */
        {1, 5000, 0, 1},                /* 0.5 fen */
    };
    CHECK_PCTS(rows);
}

/* Ensure whole percentages and the trivial cases are exact. */
static void test_pct_exact(void **state)
{
    (void)state;
    static const pcts rows[] = {
        {300000000, 5000, 0, 150000000}, /* 50% of 3,000,000 */
        {123456, 10000, 0, 123456},      /* 100% */
        {123456, 0, 0, 0},
        {0, 1250, 0, 0},
        {100000005, 1250, 0, 12500001}, /* 12.5% of 1,000,000.05 = 125,000.00625 */
    };
    CHECK_PCTS(rows);
}

/* Ensure amounts near the int64 range use a wide intermediate and still round half up. */
static void test_pct_large(void **state)
{
    (void)state;
    static const pcts rows[] = {
        {FEN_MAX, 10000, 0, FEN_MAX},
        /* 50% of INT64_MAX = 4611686018427387903.5 fen */
        {FEN_MAX, 5000, 0, INT64_C(4611686018427387904)},
        /* 99.99% of 9223372036854775000: remainder exactly 5000 */
        {INT64_C(9223372036854775000), 9999, 0, INT64_C(9222449699651089523)},
        /* 100.01% of x where x * 10001 = (INT64_MAX - 1) * 10000 + 8248: rounds up to
         * INT64_MAX */
        {INT64_C(9222449791875588248), 10001, 0, FEN_MAX},
    };
    CHECK_PCTS(rows);
}

/* Ensure a result beyond int64 is CALC_ELIMIT, including one pushed over by the rounding. */
static void test_pct_overflow(void **state)
{
    (void)state;
    static const pcts rows[] = {
        {FEN_MAX, 10001, CALC_ELIMIT, 0},
        {FEN_MAX, 20000, CALC_ELIMIT, 0},
        {INT64_C(5000000000000000000), 1000000, CALC_ELIMIT, 0},
        /* x * 10001 = INT64_MAX * 10000 + 8249: the floor fits, the rounded value does not */
        {INT64_C(9222449791875588249), 10001, CALC_ELIMIT, 0},
    };
    CHECK_PCTS(rows);
}

/* ---- calc_money_muldiv_floor ---- */

/* floor(x × num / den) = want */
typedef struct {
    calc_money x, num, den, want;
} muldivs;

static void check_muldivs(const muldivs *rows, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        calc_money got = calc_money_muldiv_floor(rows[i].x, rows[i].num, rows[i].den);
        if (got != rows[i].want) {
            print_error("floor(%lld × %lld / %lld): expected %lld, got %lld\n",
                        (long long)rows[i].x, (long long)rows[i].num, (long long)rows[i].den,
                        (long long)rows[i].want, (long long)got);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}
#define CHECK_MULDIVS(rows) check_muldivs(rows, sizeof rows / sizeof rows[0])

/* Ensure the quotient is floored (the cap rule: the sum never exceeds the limit). */
static void test_muldiv_floors(void **state)
{
    (void)state;
    static const muldivs rows[] = {
        {10, 1, 3, 3},
        {20, 1, 3, 6},
        {99999999, 2, 3, 66666666},
        {1, 1, 2, 0},
        /* a cap: 6,000,000 of a 10,000,000 sum limited to 8,000,000 -> 4,800,000.00 */
        {600000000, 800000000, 1000000000, 480000000},
        /* 5,000,000 and 6,000,000 capped to 8,000,000: 3,636,363.6363... and 4,363,636.3636...
         * floor to 3,636,363.63 and 4,363,636.36 (half up would give .64 for the first) */
        {500000000, 800000000, 1100000000, 363636363},
        {600000000, 800000000, 1100000000, 436363636},
        /* 1,000,000.01 x 8,000,000 / 9,000,000.03 = 888,888.89 and a remainder */
        {100000001, 800000000, 900000003, 88888889},
    };
    CHECK_MULDIVS(rows);
}

/* Ensure exact quotients are kept and zero operands give zero. */
static void test_muldiv_exact(void **state)
{
    (void)state;
    static const muldivs rows[] = {
        {100, 3, 4, 75},
        {123456, 7, 7, 123456},
        {0, 5, 3, 0},
        {5, 0, 3, 0},
    };
    CHECK_MULDIVS(rows);
}

/* Ensure operands whose product overflows 64 bits still give the exact floored quotient. */
static void test_muldiv_large(void **state)
{
    (void)state;
    static const muldivs rows[] = {
        {FEN_MAX, FEN_MAX, FEN_MAX, FEN_MAX},
        {FEN_MAX, FEN_MAX - 1, FEN_MAX, FEN_MAX - 1},
        {FEN_MAX, 3, 4, INT64_C(6917529027641081855)},
        {INT64_C(4000000000000000000), INT64_C(3000000000000000000),
         INT64_C(6000000000000000000), INT64_C(2000000000000000000)},
        {INT64_C(12345678901234567), 3, 7, INT64_C(5291005243386243)},
    };
    CHECK_MULDIVS(rows);
}

/* ---- dates ---- */

/* Ensure valid dates become days since 1970-01-01. */
static void test_date_parse_valid(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        calc_date days;
    } abs[] = {
        {"1970-01-01", 0},      {"1970-01-02", 1},      {"1969-12-31", -1},
        {"2025-01-01", 20089},  {"2024-02-29", 19782},  {"1900-01-01", -25567},
        {"2999-12-31", 376199},
    };
    /* text is days after other */
    static const struct {
        const char *text, *other;
        calc_date days;
    } rel[] = {
        {"2000-02-29", "2000-02-28", 1},
        {"2025-03-01", "2025-02-28", 1},
        {"2024-03-01", "2024-02-29", 1},
        {"2025-12-31", "2025-01-01", 364},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof abs / sizeof *abs; i++)
        if (day(abs[i].text) != abs[i].days) {
            print_error("%s: expected day %lld, got %lld\n", abs[i].text,
                        (long long)abs[i].days, (long long)day(abs[i].text));
            bad++;
        }
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++)
        if (day(rel[i].text) != day(rel[i].other) + rel[i].days) {
            print_error("%s: expected %lld days after %s, got %lld\n", rel[i].text,
                        (long long)rel[i].days, rel[i].other,
                        (long long)(day(rel[i].text) - day(rel[i].other)));
            bad++;
        }
    assert_int_equal(bad, 0);
}

/* Ensure impossible days and months are refused, leap years decided by the Gregorian rule. */
static void test_date_parse_invalid_day(void **state)
{
    (void)state;
    static const char *const bad[] = {"2025-02-30", "2025-02-29", "2100-02-29", "1900-02-29",
                                      "2025-13-01", "2025-00-10", "2025-04-31", "2025-01-32",
                                      "2025-01-00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        calc_date d = 12345;
        assert_int_equal(calc_date_parse(&d, bad[i], strlen(bad[i])), CALC_ESCHEMA);
        assert_int_equal(d, 12345);
    }
}

/* Ensure text that is not a date in one of the forms people write is refused; 20240229 and
 * 2024.3.15 are read. */
static void test_date_parse_bad_shape(void **state)
{
    (void)state;
    static const char *const bad[] = {"2025/01-01", "2025-01/01", "2025年1-1",  "2025011",
                                      "2025-01-01x", " 2025-01-01", "25-01-01",  "",
                                      "2025-0a-01",  "2025-01-01T00:00", "2025-001-01",
                                      "2025/2/30", "2025年13月1日", "20251301", "20250230",
                                      "202501011", "2025.01-01", "45366"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        calc_date d = 12345;
        assert_int_equal(calc_date_parse(&d, bad[i], strlen(bad[i])), CALC_ESCHEMA);
        assert_int_equal(d, 12345);
    }
    calc_date d = 0;
    /* only len bytes count */
    assert_int_equal(calc_date_parse(&d, "2025-06-30 and more", 10), 0);
    assert_int_equal(d, day("2025-06-30"));
    assert_int_equal(calc_date_parse(&d, "202506301", 8), 0);
    assert_int_equal(d, day("2025-06-30"));
    /* ISO 8601's basic form and dots, as exports and people write them */
    assert_int_equal(calc_date_parse(&d, "20240229", 8), 0);
    assert_int_equal(d, day("2024-02-29"));
    assert_int_equal(calc_date_parse(&d, "2024.3.15", 9), 0);
    assert_int_equal(d, day("2024-03-15"));
}

/* Ensure dates as people and spreadsheets write them are the same day: 2024-3-15, 2024/3/15,
 * 2024/03/15, 2024年3月15日 and 2024年3月15 (no 日) are 2024-03-15. */
static void test_date_parse_as_people_write(void **state)
{
    (void)state;
    static const char *const same[] = {"2024-3-15", "2024/3/15", "2024/03/15", "2024-03-15",
                                       "2024年3月15日", "2024年03月15日", "2024年3月15"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        calc_date d = 0;
        if (calc_date_parse(&d, same[i], strlen(same[i])) != 0 || d != day("2024-03-15"))
            fail_msg("'%s' is not 2024-03-15", same[i]);
    }
}

/* Ensure a month as people write it (2024-03, 2024-3, 2024/3, 2024年3月, 202403) is its first day
 * and is written YYYY-MM; a day, month 0 or 13, a short year, a missing 月, trailing text or a
 * dot (2024.10, which a spreadsheet makes 2024.1) is refused. */
static void test_month_parse(void **state)
{
    (void)state;
    static const char *const same[] = {"2024-03", "2024-3", "2024/3", "2024/03", "2024年3月",
                                       "2024年03月", "202403"};
    char buf[8];
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        calc_date d = 0;
        if (calc_month_parse(&d, same[i], strlen(same[i])) != 0 || d != day("2024-03-01"))
            fail_msg("'%s' is not 2024-03", same[i]);
        assert_string_equal(calc_month_format(buf, d), "2024-03");
    }
    static const char *const bad[] = {"2024-13", "2024-00", "2024-03-01", "24-3",  "2024年3",
                                      "2024/3/",  "2024.03", "2024-3月",  "1899-12", "3000-01",
                                      "2024",     "2024-",   "-2024-03",  "2024-003", "",
                                      "202413",   "20243",   "2024030"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        calc_date d = 0;
        if (calc_month_parse(&d, bad[i], strlen(bad[i])) != CALC_ESCHEMA)
            fail_msg("'%s' was read as a month", bad[i]);
    }
    calc_date d = 0;
    assert_int_equal(calc_month_parse(&d, "2999-12", 7), 0);
    assert_string_equal(calc_month_format(buf, d), "2999-12");
    assert_int_equal(calc_month_parse(&d, "1900-01", 7), 0);
    assert_int_equal(d, day("1900-01-01"));
}

/* Ensure format(parse(s)) gives s back. */
static void test_date_format_roundtrip(void **state)
{
    (void)state;
    static const char *const texts[] = {"1970-01-01", "1969-12-31", "1900-01-01", "2000-02-29",
                                        "2024-02-29", "2025-06-30", "2025-12-31", "2999-12-31"};
    char buf[11];
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        assert_string_equal(calc_date_format(buf, day(texts[i])), texts[i]);
    assert_string_equal(calc_date_format(buf, 20089), "2025-01-01");
    assert_ptr_equal(calc_date_format(buf, 0), buf);
}

/* Ensure "N years before" keeps month and day, and Feb 29 falls back to Feb 28. */
static void test_date_years_before(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        int years;
        const char *to;
    } rows[] = {
        {"2025-06-30", 3, "2022-06-30"},   {"2025-01-01", 1, "2024-01-01"},
        {"2024-02-29", 1, "2023-02-28"},   {"2024-02-29", 4, "2020-02-29"},
        {"2024-02-29", 24, "2000-02-29"},  {"2024-02-29", 124, "1900-02-28"},
        {"2025-03-01", 1, "2024-03-01"},   {"2024-02-28", 1, "2023-02-28"},
        {"2025-06-30", 0, "2025-06-30"},
    };
    int bad = 0;
    char buf[11];
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        calc_date d = calc_date_years_before(day(rows[i].from), rows[i].years);
        if (strcmp(calc_date_format(buf, d), rows[i].to) != 0 || d != day(rows[i].to)) {
            print_error("%d years before %s: expected %s, got %s\n", rows[i].years, rows[i].from,
                        rows[i].to, calc_date_format(buf, d));
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* calc_vfmt gives vsnprintf's bytes and return value: every conversion of its own, truncated
 * buffers, and a format it leaves to vsnprintf. */
static int fmt_both(char *fast, char *slow, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fmt_both(char *fast, char *slow, size_t cap, const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int a = calc_vfmt(fast, cap, fmt, ap);
    int b = vsnprintf(slow, cap, fmt, aq);
    va_end(aq);
    va_end(ap);
    assert_int_equal(a, b);
    if (cap)
        assert_string_equal(fast, slow);
    return a;
}

static void test_vfmt_as_vsnprintf(void **state)
{
    (void)state;
    char f[64], s[64];
    static const size_t caps[] = {64, 12, 5, 1};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        size_t c = caps[i];
        fmt_both(f, s, c, "plain text, no conversion");
        fmt_both(f, s, c, "%s%s", "stores[1].", "kind");
        fmt_both(f, s, c, "%lld|%04lld|%02d|%d", -1234567890123LL, 7LL, 5, INT_MIN);
        fmt_both(f, s, c, "%zu items, %ld, %u, %5d, %-d", (size_t)42, -7L, 4000000000U, -42, 3);
        fmt_both(f, s, c, "%04lld-%02d (%lld%%)", 2024LL, 3, 15LL);
        fmt_both(f, s, c, "%s[%ld].%s", "social.monthly", 11L, "insured");
        fmt_both(f, s, c, "%lld", LLONG_MIN);
        fmt_both(f, s, c, "%.2f and %x", 1.5, 255U); /* vsnprintf's own */
        fmt_both(f, s, c, "%s", "中文的字段名");
    }
    assert_int_equal(fmt_both(f, s, 4, "%s", "abcdef"), 6);
    assert_string_equal(f, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_integer_and_decimals),
        cmocka_unit_test(test_parse_respects_len),
        cmocka_unit_test(test_parse_as_people_write),
        cmocka_unit_test(test_parse_too_many_decimals),
        cmocka_unit_test(test_parse_rejects_malformed),
        cmocka_unit_test(test_parse_null_why),
        cmocka_unit_test(test_parse_overflow_boundary),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_roundtrip),
        cmocka_unit_test(test_format_grouped),
        cmocka_unit_test(test_pct_book_example),
        cmocka_unit_test(test_pct_half_up),
        cmocka_unit_test(test_pct_exact),
        cmocka_unit_test(test_pct_large),
        cmocka_unit_test(test_pct_overflow),
        cmocka_unit_test(test_muldiv_floors),
        cmocka_unit_test(test_muldiv_exact),
        cmocka_unit_test(test_muldiv_large),
        cmocka_unit_test(test_date_parse_valid),
        cmocka_unit_test(test_date_parse_invalid_day),
        cmocka_unit_test(test_date_parse_bad_shape),
        cmocka_unit_test(test_date_parse_as_people_write),
        cmocka_unit_test(test_date_format_roundtrip),
        cmocka_unit_test(test_date_years_before),
        cmocka_unit_test(test_month_parse),
        cmocka_unit_test(test_vfmt_as_vsnprintf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
