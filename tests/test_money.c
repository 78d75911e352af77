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

/* 92233720368547758.07 yuan: the largest amount an int64 of fen holds. */
#define FEN_MAX INT64_MAX

static int parse(calc_money *out, const char *s, const char **why)
{
    return calc_money_parse(out, s, strlen(s), why);
}

/* Asserts that s is rejected with CALC_ESCHEMA and the reason why_expected; out untouched. */
static void reject(const char *s, const char *why_expected)
{
    calc_money v = 4242;
    const char *why = NULL;
    assert_int_equal(parse(&v, s, &why), CALC_ESCHEMA);
    assert_non_null(why);
    assert_string_equal(why, why_expected);
    assert_int_equal(v, 4242);
}

static calc_date day(const char *s)
{
    calc_date d = -999999;
    assert_int_equal(calc_date_parse(&d, s, strlen(s)), 0);
    return d;
}

/* ---- calc_money_parse ---- */

/* Ensure whole yuan, one decimal and two decimals become exact fen. */
static void test_parse_integer_and_decimals(void **state)
{
    (void)state;
    calc_money v = -1;
    assert_int_equal(parse(&v, "0", NULL), 0);
    assert_int_equal(v, 0);
    assert_int_equal(parse(&v, "8000000", NULL), 0);
    assert_int_equal(v, 800000000);
    assert_int_equal(parse(&v, "8000000.5", NULL), 0);
    assert_int_equal(v, 800000050);
    assert_int_equal(parse(&v, "8000000.50", NULL), 0);
    assert_int_equal(v, 800000050);
    assert_int_equal(parse(&v, "0.05", NULL), 0);
    assert_int_equal(v, 5);
    assert_int_equal(parse(&v, "0.1", NULL), 0);
    assert_int_equal(v, 10);
    assert_int_equal(parse(&v, "999999.99", NULL), 0);
    assert_int_equal(v, 99999999);
    assert_int_equal(parse(&v, "007", NULL), 0);
    assert_int_equal(v, 700);
}

/* Ensure only len bytes are read: the text need not be NUL-terminated where it ends. */
static void test_parse_respects_len(void **state)
{
    (void)state;
    calc_money v = -1;
    assert_int_equal(calc_money_parse(&v, "12.345", 5, NULL), 0); /* "12.34" */
    assert_int_equal(v, 1234);
    assert_int_equal(calc_money_parse(&v, "500abc", 3, NULL), 0);
    assert_int_equal(v, 50000);
}

/* Ensure more than 2 decimals are refused, never rounded. */
static void test_parse_too_many_decimals(void **state)
{
    (void)state;
    reject("100.123", "more than 2 decimals");
    reject("0.001", "more than 2 decimals");
    reject("1.500", "more than 2 decimals");
}

/* Ensure signs, exponents, separators, empty text and bare points are refused with a reason. */
static void test_parse_rejects_malformed(void **state)
{
    (void)state;
    reject("-5", "negative amounts are not allowed");
    reject("-0.01", "negative amounts are not allowed");
    reject("+5", "write the amount without a sign");
    reject("1e5", "exponents are not allowed");
    reject("1E5", "exponents are not allowed");
    reject("1,000", "thousands separators are not allowed");
    reject("", "empty");
    reject(".5", "not a number");
    reject("5.", "a decimal point must be followed by digits");
    reject("1.2.3", "not a number");
    reject("1.5万", "not a number");
    reject(" 5", "not a number");
    reject("5 ", "not a number");
    reject("abc", "not a number");
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
    calc_money v = 0;
    assert_int_equal(parse(&v, "92233720368547758.07", NULL), 0);
    assert_int_equal(v, FEN_MAX);
    assert_int_equal(parse(&v, "92233720368547758", NULL), 0);
    assert_int_equal(v, INT64_C(9223372036854775800));
    assert_int_equal(parse(&v, "92233720368547758.0", NULL), 0);
    assert_int_equal(v, INT64_C(9223372036854775800));
    reject("92233720368547758.08", "too large");
    reject("92233720368547758.1", "too large");
    reject("92233720368547759", "too large");
    reject("922337203685477580", "too large");
    reject("99999999999999999999999999", "too large");
}

/* ---- calc_money_format ---- */

/* Ensure amounts print with exactly two decimals, signs and the int64 extremes. */
static void test_format(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(calc_money_format(buf, 0), "0.00");
    assert_string_equal(calc_money_format(buf, 5), "0.05");
    assert_string_equal(calc_money_format(buf, 50), "0.50");
    assert_string_equal(calc_money_format(buf, 100), "1.00");
    assert_string_equal(calc_money_format(buf, 123450), "1234.50");
    assert_string_equal(calc_money_format(buf, 50000000), "500000.00");
    assert_string_equal(calc_money_format(buf, -5), "-0.05");
    assert_string_equal(calc_money_format(buf, -123450), "-1234.50");
    assert_string_equal(calc_money_format(buf, FEN_MAX), "92233720368547758.07");
    assert_string_equal(calc_money_format(buf, INT64_MIN), "-92233720368547758.08");
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
    char buf[40];
    assert_string_equal(calc_money_format_grouped(buf, 0), "0.00");
    assert_string_equal(calc_money_format_grouped(buf, 99999), "999.99");
    assert_string_equal(calc_money_format_grouped(buf, 100000), "1,000.00");
    assert_string_equal(calc_money_format_grouped(buf, 123450), "1,234.50");
    assert_string_equal(calc_money_format_grouped(buf, 12345678), "123,456.78");
    assert_string_equal(calc_money_format_grouped(buf, 100000000), "1,000,000.00");
    assert_string_equal(calc_money_format_grouped(buf, -123456789), "-1,234,567.89");
    assert_string_equal(calc_money_format_grouped(buf, -99999), "-999.99");
    assert_string_equal(calc_money_format_grouped(buf, FEN_MAX), "92,233,720,368,547,758.07");
    assert_string_equal(calc_money_format_grouped(buf, INT64_MIN),
                        "-92,233,720,368,547,758.08");
}

/* ---- calc_money_pct ---- */

/* Ensure the book's example: 12.5% of 0.05 is 0.625 fen, which rounds to 0.01. */
static void test_pct_book_example(void **state)
{
    (void)state;
    calc_money v = -1;
    assert_int_equal(calc_money_pct(&v, 5, 1250), 0);
    assert_int_equal(v, 1);
}

/* Ensure an exact half fen rounds up and anything below it rounds down. */
static void test_pct_half_up(void **state)
{
    (void)state;
    calc_money v = -1;
    assert_int_equal(calc_money_pct(&v, 5, 1000), 0); /* 10% of 0.05 = 0.5 fen */
    assert_int_equal(v, 1);
    assert_int_equal(calc_money_pct(&v, 100000005, 1000), 0); /* 100000.005 */
    assert_int_equal(v, 10000001);
    assert_int_equal(calc_money_pct(&v, 100000004, 1000), 0); /* 100000.004 */
    assert_int_equal(v, 10000000);
    assert_int_equal(calc_money_pct(&v, 4, 1000), 0); /* 0.4 fen */
    assert_int_equal(v, 0);
    assert_int_equal(calc_money_pct(&v, 1, 4999), 0); /* 0.4999 fen */
    assert_int_equal(v, 0);
    assert_int_equal(calc_money_pct(&v, 1, 5000), 0); /* 0.5 fen */
    assert_int_equal(v, 1);
}

/* Ensure whole percentages and the trivial cases are exact. */
static void test_pct_exact(void **state)
{
    (void)state;
    calc_money v = -1;
    assert_int_equal(calc_money_pct(&v, 300000000, 5000), 0); /* 50% of 3,000,000 */
    assert_int_equal(v, 150000000);
    assert_int_equal(calc_money_pct(&v, 123456, 10000), 0); /* 100% */
    assert_int_equal(v, 123456);
    assert_int_equal(calc_money_pct(&v, 123456, 0), 0);
    assert_int_equal(v, 0);
    assert_int_equal(calc_money_pct(&v, 0, 1250), 0);
    assert_int_equal(v, 0);
    /* 12.5% of 1,000,000.05 = 125,000.00625 */
    assert_int_equal(calc_money_pct(&v, 100000005, 1250), 0);
    assert_int_equal(v, 12500001);
}

/* Ensure amounts near the int64 range use a wide intermediate and still round half up. */
static void test_pct_large(void **state)
{
    (void)state;
    calc_money v = -1;
    assert_int_equal(calc_money_pct(&v, FEN_MAX, 10000), 0);
    assert_int_equal(v, FEN_MAX);
    /* 50% of INT64_MAX = 4611686018427387903.5 fen */
    assert_int_equal(calc_money_pct(&v, FEN_MAX, 5000), 0);
    assert_int_equal(v, INT64_C(4611686018427387904));
    /* 99.99% of 9223372036854775000: remainder exactly 5000 */
    assert_int_equal(calc_money_pct(&v, INT64_C(9223372036854775000), 9999), 0);
    assert_int_equal(v, INT64_C(9222449699651089523));
    /* 100.01% of x where x * 10001 = (INT64_MAX - 1) * 10000 + 8248: rounds up to INT64_MAX */
    assert_int_equal(calc_money_pct(&v, INT64_C(9222449791875588248), 10001), 0);
    assert_int_equal(v, FEN_MAX);
}

/* Ensure a result beyond int64 is CALC_ELIMIT, including one pushed over by the rounding. */
static void test_pct_overflow(void **state)
{
    (void)state;
    calc_money v = 77;
    assert_int_equal(calc_money_pct(&v, FEN_MAX, 10001), CALC_ELIMIT);
    assert_int_equal(calc_money_pct(&v, FEN_MAX, 20000), CALC_ELIMIT);
    assert_int_equal(calc_money_pct(&v, INT64_C(5000000000000000000), 1000000), CALC_ELIMIT);
    /* x * 10001 = INT64_MAX * 10000 + 8249: the floor fits, the rounded value does not */
    assert_int_equal(calc_money_pct(&v, INT64_C(9222449791875588249), 10001), CALC_ELIMIT);
    assert_int_equal(v, 77);
}

/* ---- calc_money_muldiv_floor ---- */

/* Ensure the quotient is floored (the cap rule: the sum never exceeds the limit). */
static void test_muldiv_floors(void **state)
{
    (void)state;
    assert_int_equal(calc_money_muldiv_floor(10, 1, 3), 3);
    assert_int_equal(calc_money_muldiv_floor(20, 1, 3), 6);
    assert_int_equal(calc_money_muldiv_floor(99999999, 2, 3), 66666666);
    assert_int_equal(calc_money_muldiv_floor(1, 1, 2), 0);
    /* a cap: 6,000,000 of a 10,000,000 sum limited to 8,000,000 -> 4,800,000.00 */
    assert_int_equal(calc_money_muldiv_floor(600000000, 800000000, 1000000000), 480000000);
    /* 5,000,000 and 6,000,000 capped to 8,000,000: 3,636,363.6363... and 4,363,636.3636...
     * floor to 3,636,363.63 and 4,363,636.36 (half up would give .64 for the first) */
    assert_int_equal(calc_money_muldiv_floor(500000000, 800000000, 1100000000), 363636363);
    assert_int_equal(calc_money_muldiv_floor(600000000, 800000000, 1100000000), 436363636);
    /* 1,000,000.01 x 8,000,000 / 9,000,000.03 = 888,888.89 and a remainder */
    assert_int_equal(calc_money_muldiv_floor(100000001, 800000000, 900000003), 88888889);
}

/* Ensure exact quotients are kept and zero operands give zero. */
static void test_muldiv_exact(void **state)
{
    (void)state;
    assert_int_equal(calc_money_muldiv_floor(100, 3, 4), 75);
    assert_int_equal(calc_money_muldiv_floor(123456, 7, 7), 123456);
    assert_int_equal(calc_money_muldiv_floor(0, 5, 3), 0);
    assert_int_equal(calc_money_muldiv_floor(5, 0, 3), 0);
}

/* Ensure operands whose product overflows 64 bits still give the exact floored quotient. */
static void test_muldiv_large(void **state)
{
    (void)state;
    assert_int_equal(calc_money_muldiv_floor(FEN_MAX, FEN_MAX, FEN_MAX), FEN_MAX);
    assert_int_equal(calc_money_muldiv_floor(FEN_MAX, FEN_MAX - 1, FEN_MAX), FEN_MAX - 1);
    assert_int_equal(calc_money_muldiv_floor(FEN_MAX, 3, 4), INT64_C(6917529027641081855));
    assert_int_equal(calc_money_muldiv_floor(INT64_C(4000000000000000000),
                                             INT64_C(3000000000000000000),
                                             INT64_C(6000000000000000000)),
                     INT64_C(2000000000000000000));
    assert_int_equal(calc_money_muldiv_floor(INT64_C(12345678901234567), 3, 7),
                     INT64_C(5291005243386243));
}

/* ---- dates ---- */

/* Ensure valid dates become days since 1970-01-01. */
static void test_date_parse_valid(void **state)
{
    (void)state;
    assert_int_equal(day("1970-01-01"), 0);
    assert_int_equal(day("1970-01-02"), 1);
    assert_int_equal(day("1969-12-31"), -1);
    assert_int_equal(day("2025-01-01"), 20089);
    assert_int_equal(day("2024-02-29"), 19782);
    assert_int_equal(day("2000-02-29"), day("2000-02-28") + 1);
    assert_int_equal(day("2025-03-01"), day("2025-02-28") + 1);
    assert_int_equal(day("2024-03-01"), day("2024-02-29") + 1);
    assert_int_equal(day("2025-12-31"), day("2025-01-01") + 364);
    assert_int_equal(day("1900-01-01"), -25567);
    assert_int_equal(day("2999-12-31"), 376199);
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

/* Ensure text that is not exactly YYYY-MM-DD is refused. */
static void test_date_parse_bad_shape(void **state)
{
    (void)state;
    static const char *const bad[] = {"2025-1-1",    "2025-01-1",  "2025/01/01", "20250101",
                                      "2025-01-01x", " 2025-01-01", "25-01-01",  "",
                                      "2025-0a-01",  "2025-01-01T00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        calc_date d = 12345;
        assert_int_equal(calc_date_parse(&d, bad[i], strlen(bad[i])), CALC_ESCHEMA);
        assert_int_equal(d, 12345);
    }
    calc_date d = 0;
    /* only len bytes count */
    assert_int_equal(calc_date_parse(&d, "2025-06-30 and more", 10), 0);
    assert_int_equal(d, day("2025-06-30"));
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
    char buf[11];
    assert_string_equal(calc_date_format(buf, calc_date_years_before(day("2025-06-30"), 3)),
                        "2022-06-30");
    assert_string_equal(calc_date_format(buf, calc_date_years_before(day("2025-01-01"), 1)),
                        "2024-01-01");
    assert_string_equal(calc_date_format(buf, calc_date_years_before(day("2024-02-29"), 1)),
                        "2023-02-28");
    assert_string_equal(calc_date_format(buf, calc_date_years_before(day("2024-02-29"), 4)),
                        "2020-02-29");
    assert_string_equal(calc_date_format(buf, calc_date_years_before(day("2024-02-29"), 24)),
                        "2000-02-29");
    assert_string_equal(calc_date_format(buf, calc_date_years_before(day("2024-02-29"), 124)),
                        "1900-02-28");
    assert_string_equal(calc_date_format(buf, calc_date_years_before(day("2025-03-01"), 1)),
                        "2024-03-01");
    assert_string_equal(calc_date_format(buf, calc_date_years_before(day("2024-02-28"), 1)),
                        "2023-02-28");
    assert_int_equal(calc_date_years_before(day("2025-06-30"), 0), day("2025-06-30"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_integer_and_decimals),
        cmocka_unit_test(test_parse_respects_len),
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
        cmocka_unit_test(test_date_format_roundtrip),
        cmocka_unit_test(test_date_years_before),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
