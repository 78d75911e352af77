/* test_pools.c — budget pools over a population (calc/lib/pools.c, policy book §1 "Budget
 * pools") through pools_allocate over claims built by hand, under the two pools of
 * tests/data/pools/: `money`, 1,000.00 (100000 fen) shared pro rata by policy `cash`, and
 * `rooms`, 10 units served first come to policy `units`, whose value is 30.00 a unit plus
 * 1.00 (so that value(0 units) = 1.00, and an exhausted claim shows whether it was asked).
 * Every expected grant is computed by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"

#define SET "tests/data/pools"

static calc_engine *eng;
static int money, rooms; /* pool indexes */
static int cash, units;  /* policy indexes */

static int pool_index(const char *name)
{
    for (size_t i = 0; i < eng->ps.npool; i++)
        if (strcmp(eng->ps.pool[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int setup(void **state)
{
    (void)state;
    calc_error err = {0};
    eng = calc_engine_new(SET, &err);
    if (!eng) {
        fprintf(stderr, "%s: %s\n", SET, err.msg);
        return -1;
    }
    money = pool_index("money");
    rooms = pool_index("rooms");
    cash = policy_index(&eng->ps, "cash");
    units = policy_index(&eng->ps, "units");
    /* the fixture as the comments above describe it */
    if (eng->ps.npool != 2 || money < 0 || rooms < 0 || cash < 0 || units < 0 ||
        eng->ps.pool[money].mode != 0 || eng->ps.pool[money].size != 100000 ||
        eng->ps.pool[rooms].mode != 1 || eng->ps.pool[rooms].size != 10) {
        fprintf(stderr, "%s: not the pools test_pools.c expects\n", SET);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    calc_engine_free(eng);
    return 0;
}

/* ---- claims and what they must be granted ---- */

static claim buf[16];
static claims all;

static void reset(void)
{
    memset(buf, 0, sizeof buf);
    all = (claims){buf, 0, sizeof buf / sizeof buf[0]};
}

static calc_date day(const char *s)
{
    calc_date d = 0;
    assert_int_equal(calc_date_parse(&d, s, strlen(s)), 0);
    return d;
}

/* A claim of record `record` on the money pool: amount fen. */
static void claim_money(const char *id, int64_t fen)
{
    assert_true(all.n < all.cap);
    claim *x = &buf[all.n];
    x->record = all.n++;
    x->id = (char *)id;
    x->pool = money;
    x->policy = cash;
    x->amount = fen;
}

/* A claim on the rooms pool: q units (worth q × 30.00 + 1.00), applied on a date or NULL. */
static void claim_rooms(const char *id, const char *applied, int64_t q)
{
    assert_true(all.n < all.cap);
    claim *x = &buf[all.n];
    x->record = all.n++;
    x->id = (char *)id;
    x->pool = rooms;
    x->policy = units;
    x->quantity = q;
    x->amount = q < INT64_MAX / 3000 ? q * 3000 + 100 : 0;
    if (applied) {
        x->has_applied = true;
        x->applied = day(applied);
    }
}

/* What one claim (found by id) must come out as. */
typedef struct {
    const char *id;
    int64_t g_amount, g_quantity;
    bool changed, exhausted, floored;
} grant;

/* Compares every claim named in w, printing each difference; fails when any. */
static void expect_grants(const grant *w, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const claim *x = NULL;
        for (size_t k = 0; k < all.n; k++)
            if (strcmp(buf[k].id, w[i].id) == 0)
                x = &buf[k];
        if (!x)
            fail_msg("no claim '%s'", w[i].id);
        if (x->g_amount != w[i].g_amount || x->g_quantity != w[i].g_quantity ||
            x->changed != w[i].changed || x->exhausted != w[i].exhausted ||
            x->floored != w[i].floored) {
            print_error("%s: expected %lld fen %lld units changed %d exhausted %d floored %d, "
                        "got %lld fen %lld units changed %d exhausted %d floored %d\n",
                        w[i].id, (long long)w[i].g_amount, (long long)w[i].g_quantity,
                        w[i].changed, w[i].exhausted, w[i].floored, (long long)x->g_amount,
                        (long long)x->g_quantity, x->changed, x->exhausted, x->floored);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}
#define EXPECT_GRANTS(w) expect_grants(w, sizeof w / sizeof w[0])

/* Allocates every pool over the claims; the stats of both pools in st. */
static int allocate(pool_stat st[2])
{
    return pools_allocate(eng, &all, st);
}

static void stats_free(pool_stat st[2])
{
    free(st[0].ran_out_id);
    free(st[1].ran_out_id);
}

/* ---- pro rata ---- */

/* Ensure a binding pro-rata pool floors every claim to claim × P / C in exact fen, the fen
 * lost to the floors staying in the pool. P = 100000 fen, C = 50000 + 50000 + 33333 =
 * 133333: 50000 × 100000 / 133333 = 37500.09… → 37500 (133333 × 37500 = 4,999,987,500);
 * 33333 × 100000 / 133333 = 24999.81… → 24999 (133333 × 24999 = 3,333,191,667); granted
 * 37500 + 37500 + 24999 = 99999, one fen left. */
static void test_pro_rata_floors_exact_fen(void **state)
{
    (void)state;
    reset();
    claim_money("p1", 50000);
    claim_money("p2", 50000);
    claim_money("p3", 33333);
    pool_stat st[2];
    assert_int_equal(allocate(st), 0);
    static const grant w[] = {
        {"p1", 37500, 0, true, false, false},
        {"p2", 37500, 0, true, false, false},
        {"p3", 24999, 0, true, false, false},
    };
    EXPECT_GRANTS(w);
    assert_int_equal(st[money].nclaims, 3);
    assert_int_equal(st[money].claimed, 133333);
    assert_int_equal(st[money].granted, 99999);
    assert_int_equal(st[money].factor_num, 100000);
    assert_int_equal(st[money].factor_den, 133333);
    assert_false(st[money].overflow);
    assert_int_equal(st[rooms].nclaims, 0); /* the other pool is not touched */
    assert_int_equal(st[rooms].granted, 0);
    stats_free(st);
}

/* Ensure a claim whose share floors to 0.00 is marked floored: 1 × 100000 / 300001 = 0.33…
 * → 0; the other, 300000 × 100000 / 300001 = 99999.66… → 99999 (300001 × 99999 =
 * 29,999,799,999). */
static void test_pro_rata_share_floored_to_zero(void **state)
{
    (void)state;
    reset();
    claim_money("tiny", 1);
    claim_money("big", 300000);
    pool_stat st[2];
    assert_int_equal(allocate(st), 0);
    static const grant w[] = {
        {"tiny", 0, 0, true, false, true},
        {"big", 99999, 0, true, false, false},
    };
    EXPECT_GRANTS(w);
    assert_int_equal(st[money].granted, 99999);
    stats_free(st);
}

/* Ensure claims that fit the pool exactly are granted in full and unchanged (no factor), and
 * one fen more binds it: 40000 + 60000 = 100000 = P; then 40000 + 60001 = 100001: 40000 ×
 * 100000 / 100001 = 39999.6… → 39999, 60001 × 100000 / 100001 = 60000.4… → 60000. */
static void test_pro_rata_at_the_size_and_one_fen_over(void **state)
{
    (void)state;
    reset();
    claim_money("q1", 40000);
    claim_money("q2", 60000);
    pool_stat st[2];
    assert_int_equal(allocate(st), 0);
    static const grant fit[] = {
        {"q1", 40000, 0, false, false, false},
        {"q2", 60000, 0, false, false, false},
    };
    EXPECT_GRANTS(fit);
    assert_int_equal(st[money].claimed, 100000);
    assert_int_equal(st[money].granted, 100000);
    assert_int_equal(st[money].factor_den, 0);
    stats_free(st);
    reset();
    claim_money("q1", 40000);
    claim_money("q2", 60001);
    assert_int_equal(allocate(st), 0);
    static const grant over[] = {
        {"q1", 39999, 0, true, false, false},
        {"q2", 60000, 0, true, false, false},
    };
    EXPECT_GRANTS(over);
    assert_int_equal(st[money].claimed, 100001);
    assert_int_equal(st[money].granted, 99999);
    assert_int_equal(st[money].factor_den, 100001);
    stats_free(st);
}

/* Ensure claimed amounts whose sum does not fit in 64 bits are flagged, the claimed sum kept
 * at the largest amount, and the shares still exact: 3 claims of 2^62 fen, each
 * 2^62 × 100000 / (3 × 2^62) = 33333.3… → 33333, granted 99999. */
static void test_pro_rata_sum_overflow_flagged(void **state)
{
    (void)state;
    reset();
    claim_money("o1", INT64_C(1) << 62);
    claim_money("o2", INT64_C(1) << 62);
    claim_money("o3", INT64_C(1) << 62);
    pool_stat st[2];
    allocate(st);
    static const grant w[] = {
        {"o1", 33333, 0, true, false, false},
        {"o2", 33333, 0, true, false, false},
        {"o3", 33333, 0, true, false, false},
    };
    EXPECT_GRANTS(w);
    assert_true(st[money].overflow);
    assert_int_equal(st[money].claimed, INT64_MAX);
    assert_int_equal(st[money].granted, 99999);
    stats_free(st);
}

/* ---- first come ---- */

/* Ensure claims are served by applied date, then id in byte order, undated claims last; the
 * claim at the boundary gets what is left and the later ones nothing. Input order b, A, Z, a,
 * c; arrival: c (02-28, 5 units: 5 left), a (03-01, "a" < "b": 3, 2 left), b (03-01, wants 4:
 * gets the 2 left, worth 2 × 30.00 + 1.00 = 61.00), Z (03-02: byte order puts "Z" before
 * "a", the date after: nothing), A (no date, first in byte order: last, nothing). Claimed
 * 5 + 3 + 4 + 2 + 1 = 15, granted 10; the pool ran out at b. */
static void test_first_come_order_and_boundary(void **state)
{
    (void)state;
    reset();
    claim_rooms("b", "2025-03-01", 4);
    claim_rooms("A", NULL, 1);
    claim_rooms("Z", "2025-03-02", 2);
    claim_rooms("a", "2025-03-01", 3);
    claim_rooms("c", "2025-02-28", 5);
    pool_stat st[2];
    assert_int_equal(allocate(st), 0);
    static const grant w[] = {
        {"c", 15100, 5, false, false, false},
        {"a", 9100, 3, false, false, false},
        {"b", 6100, 2, true, false, false},
        {"Z", 0, 0, true, true, false},
        {"A", 0, 0, true, true, false},
    };
    EXPECT_GRANTS(w);
    assert_int_equal(st[rooms].nclaims, 5);
    assert_int_equal(st[rooms].claimed, 15);
    assert_int_equal(st[rooms].granted, 10);
    assert_true(st[rooms].ran_out);
    assert_string_equal(st[rooms].ran_out_id, "b");
    assert_true(st[rooms].ran_out_has_applied);
    assert_int_equal(st[rooms].ran_out_applied, day("2025-03-01"));
    assert_int_equal(st[money].nclaims, 0);
    stats_free(st);
}

/* Ensure ids of one date are compared byte by byte, not as a person would sort them: "B"
 * (0x42) < "a-10" < "a-9" ('1' < '9') < "b". 4 units each: B 4 (6 left), a-10 4 (2 left),
 * a-9 the boundary (2 units, 61.00), b nothing. */
static void test_first_come_ids_in_byte_order(void **state)
{
    (void)state;
    reset();
    claim_rooms("b", "2025-03-01", 4);
    claim_rooms("a-9", "2025-03-01", 4);
    claim_rooms("B", "2025-03-01", 4);
    claim_rooms("a-10", "2025-03-01", 4);
    pool_stat st[2];
    assert_int_equal(allocate(st), 0);
    static const grant w[] = {
        {"B", 12100, 4, false, false, false},
        {"a-10", 12100, 4, false, false, false},
        {"a-9", 6100, 2, true, false, false},
        {"b", 0, 0, true, true, false},
    };
    EXPECT_GRANTS(w);
    assert_string_equal(st[rooms].ran_out_id, "a-9");
    stats_free(st);
}

/* Ensure claims that fill the pool exactly are granted in full and the pool has not run out;
 * a claim after them is exhausted, worth 0.00 — not value(0 units) = 1.00 — and is where the
 * pool ran out (undated: ran_out_has_applied false). 6 + 4 = 10. */
static void test_first_come_exact_fill_then_exhausted(void **state)
{
    (void)state;
    reset();
    claim_rooms("f1", "2025-01-10", 6);
    claim_rooms("f2", "2025-01-11", 4);
    pool_stat st[2];
    assert_int_equal(allocate(st), 0);
    static const grant fit[] = {
        {"f1", 18100, 6, false, false, false},
        {"f2", 12100, 4, false, false, false},
    };
    EXPECT_GRANTS(fit);
    assert_false(st[rooms].ran_out);
    assert_null(st[rooms].ran_out_id);
    assert_int_equal(st[rooms].granted, 10);
    stats_free(st);
    claim_rooms("f3", NULL, 1);
    assert_int_equal(allocate(st), 0);
    static const grant after[] = {
        {"f1", 18100, 6, false, false, false},
        {"f2", 12100, 4, false, false, false},
        {"f3", 0, 0, true, true, false},
    };
    EXPECT_GRANTS(after);
    assert_true(st[rooms].ran_out);
    assert_string_equal(st[rooms].ran_out_id, "f3");
    assert_false(st[rooms].ran_out_has_applied);
    assert_int_equal(st[rooms].claimed, 11);
    assert_int_equal(st[rooms].granted, 10);
    stats_free(st);
}

/* What was written to f, from its start. */
static char *slurp(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *s = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    if (n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n)
        s[0] = 0;
    return s;
}

/* Ensure a claimed quantity that does not fit in 64 bits is an error (CALC_EPOLICY) naming
 * the pool, the record where the sum overflowed and its policy, the claimed sum kept at the
 * largest value and flagged, never wrapped: 3 claims of 2^62 units, P1, P2, P3 by date; 2^62
 * + 2^62 = 2^63 does not fit at P2. P1 is the boundary claim (the 10 units, worth 301.00), P2
 * and P3 get nothing. */
static void test_first_come_quantity_overflow(void **state)
{
    (void)state;
    reset();
    claim_rooms("P3", "2025-03-03", INT64_C(1) << 62);
    claim_rooms("P1", "2025-03-01", INT64_C(1) << 62);
    claim_rooms("P2", "2025-03-02", INT64_C(1) << 62);
    pool_stat st[2];
    FILE *err = tmpfile();
    assert_non_null(err);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(err), 2) >= 0);
    int rc = allocate(st);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char *msg = slurp(err);
    fclose(err);
    assert_int_equal(rc, CALC_EPOLICY);
    /* in the language of messages: Chinese, the library's own */
    assert_string_equal(msg, "calc: 错误：资金池“rooms”：申请数量之和在记录“P2”处超出 64 位整数范围"
                             "（政策 units）\n");
    free(msg);
    static const grant w[] = {
        {"P1", 30100, 10, true, false, false},
        {"P2", 0, 0, true, true, false},
        {"P3", 0, 0, true, true, false},
    };
    EXPECT_GRANTS(w);
    assert_true(st[rooms].overflow);
    assert_int_equal(st[rooms].claimed, INT64_MAX);
    assert_int_equal(st[rooms].granted, 10);
    assert_string_equal(st[rooms].ran_out_id, "P1");
    stats_free(st);
}

/* Ensure both pools are allocated in one call, each over its own claims only. */
static void test_pools_are_independent(void **state)
{
    (void)state;
    reset();
    claim_money("m1", 150000); /* 150000 × 100000 / 150000 = 100000: all of the pool */
    claim_rooms("r1", "2025-05-01", 12);
    pool_stat st[2];
    assert_int_equal(allocate(st), 0);
    static const grant w[] = {
        {"m1", 100000, 0, true, false, false},
        {"r1", 30100, 10, true, false, false}, /* the 10 units: 10 × 30.00 + 1.00 */
    };
    EXPECT_GRANTS(w);
    assert_int_equal(st[money].nclaims, 1);
    assert_int_equal(st[money].granted, 100000);
    assert_int_equal(st[rooms].nclaims, 1);
    assert_int_equal(st[rooms].claimed, 12);
    assert_string_equal(st[rooms].ran_out_id, "r1");
    stats_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pro_rata_floors_exact_fen),
        cmocka_unit_test(test_pro_rata_share_floored_to_zero),
        cmocka_unit_test(test_pro_rata_at_the_size_and_one_fen_over),
        cmocka_unit_test(test_pro_rata_sum_overflow_flagged),
        cmocka_unit_test(test_first_come_order_and_boundary),
        cmocka_unit_test(test_first_come_ids_in_byte_order),
        cmocka_unit_test(test_first_come_exact_fill_then_exhausted),
        cmocka_unit_test(test_first_come_quantity_overflow),
        cmocka_unit_test(test_pools_are_independent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
