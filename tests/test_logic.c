/* test_logic.c — three-valued conditions, `missing`, statuses, exclusive groups and enterprise
 * caps (policy book §1 "Statuses", "Unknowns", groups and caps), on the small policies of
 * tests/data/logic/ over the real profile schema. Results are read from the internal structs;
 * `missing` is compared as a set (the book gives no order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define SET "tests/data/logic"

static calc_engine *eng;

static int group_setup(void **state)
{
    (void)state;
    calc_error err = {0};
    eng = calc_engine_new(SET, &err);
    if (!eng)
        fprintf(stderr, "%s: %s\n", SET, err.msg);
    return eng ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    calc_engine_free(eng);
    return 0;
}

/* Evaluates the profile text on as_of; the profile is freed before the result is read. */
static calc_result *eval_on(const char *yaml, const char *as_of)
{
    calc_diags d = {0};
    calc_profile *p = calc_profile_parse(eng, "profile", yaml, strlen(yaml), &d);
    if (!p) {
        calc_diags_print(stderr, &d);
        calc_diags_free(&d);
        fail_msg("profile does not load:\n%s", yaml);
    }
    calc_diags_free(&d);
    calc_date day = 0;
    assert_int_equal(calc_date_parse(&day, as_of, strlen(as_of)), 0);
    calc_result *r = calc_eval(eng, p, day);
    calc_profile_free(p);
    assert_non_null(r);
    return r;
}

static calc_result *eval(const char *yaml) { return eval_on(yaml, "2025-06-30"); }

static const pres *result_of(const calc_result *r, const char *id)
{
    int i = policy_index(&eng->ps, id);
    if (i < 0)
        fail_msg("no policy '%s' in the set", id);
    assert_int_equal(r->r[i].policy, i);
    return &r->r[i];
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The missing paths of r, sorted and joined by spaces. */
static void missing_text(const pres *r, char *buf, size_t cap)
{
    const char *v[64];
    size_t n = r->nmissing < 64 ? r->nmissing : 64;
    for (size_t i = 0; i < n; i++)
        v[i] = r->missing[i];
    qsort(v, n, sizeof v[0], cmp_str);
    buf[0] = 0;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%s%s", i ? " " : "", v[i]);
}

/* 0 when policy id has the status, amount (fen) and missing set; else prints why and returns 1. */
static int check_soft(const calc_result *r, const char *id, int status, calc_money fen,
                      const char *missing)
{
    const pres *p = result_of(r, id);
    char m[2048];
    missing_text(p, m, sizeof m);
    if (p->status == status && p->amount == fen && strcmp(m, missing) == 0)
        return 0;
    print_error("%s: expected %s %lld fen missing [%s], got %s %lld fen missing [%s]%s%s\n", id,
                calc_status_name(status), (long long)fen, missing, calc_status_name(p->status),
                (long long)p->amount, m, p->error ? " error: " : "", p->error ? p->error : "");
    return 1;
}

static void check(const calc_result *r, const char *id, int status, calc_money fen,
                  const char *missing)
{
    if (check_soft(r, id, status, fen, missing))
        fail();
}

/* The reason of p whose field is field, or NULL. */
/* A record's rendered parts (records are rendered only when written). */
static const char *rfield(const crec *c)
{
    static sbuf b;
    b.n = 0;
    crec_field(&b, c);
    return b.p ? b.p : "";
}

static const char *ractual(const crec *c)
{
    static sbuf b;
    b.n = 0;
    return crec_actual(&b, c) ? b.p : NULL;
}

static const char *rrequired(const crec *c)
{
    static sbuf b;
    b.n = 0;
    crec_required(&b, c);
    return b.p ? b.p : "";
}

static const crec *reason_on(const pres *p, const char *field)
{
    for (size_t i = 0; i < p->nreason; i++)
        if (strcmp(rfield(&p->reason[i]), field) == 0)
            return &p->reason[i];
    return NULL;
}

/* A = district (上城区 true, 西湖区 false, absent unknown); B = employees (10, 9, absent). */
enum { T, F, U };

static void profile_ab(char *buf, size_t cap, int a, int b)
{
    static const char *const district[] = {"district: 上城区\n", "district: 西湖区\n", ""};
    static const char *const employees[] = {"employees: 10\n", "employees: 9\n", ""};
    snprintf(buf, cap, "id: K\nname: Kleene\n%s%s", district[a], employees[b]);
}

/* Ensure all() and any() follow Kleene logic over true/false/unknown, missing only deciders. */
static void test_kleene_all_any(void **state)
{
    (void)state;
    static const struct {
        int a, b;
        int all_st;
        const char *all_missing;
        int any_st;
        const char *any_missing;
    } rows[] = {
        {T, T, ST_ELIGIBLE, "", ST_ELIGIBLE, ""},
        {T, F, ST_INELIGIBLE, "", ST_ELIGIBLE, ""},
        {T, U, ST_NEEDS_DATA, "employees", ST_ELIGIBLE, ""},
        {F, T, ST_INELIGIBLE, "", ST_ELIGIBLE, ""},
        {F, F, ST_INELIGIBLE, "", ST_INELIGIBLE, ""},
        {F, U, ST_INELIGIBLE, "", ST_NEEDS_DATA, "employees"},
        {U, T, ST_NEEDS_DATA, "district", ST_ELIGIBLE, ""},
        {U, F, ST_INELIGIBLE, "", ST_NEEDS_DATA, "district"},
        {U, U, ST_NEEDS_DATA, "district employees", ST_NEEDS_DATA, "district employees"},
    };
    int bad = 0;
    char y[200];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        profile_ab(y, sizeof y, rows[i].a, rows[i].b);
        calc_result *r = eval(y);
        int row = check_soft(r, "k-all", rows[i].all_st, rows[i].all_st == ST_ELIGIBLE ? 100 : 0,
                             rows[i].all_missing);
        row += check_soft(r, "k-any", rows[i].any_st, rows[i].any_st == ST_ELIGIBLE ? 100 : 0,
                          rows[i].any_missing);
        /* a passing composite's failed member is no reason; a failing one has reasons */
        const pres *pa = result_of(r, "k-all"), *py = result_of(r, "k-any");
        row += (pa->status == ST_INELIGIBLE) != (pa->nreason > 0);
        row += (py->status == ST_INELIGIBLE) != (py->nreason > 0);
        if (row)
            print_error("row %zu (A %c, B %c): %d mismatches\n", i, "TFU"[rows[i].a],
                        "TFU"[rows[i].b], row);
        bad += row;
        calc_result_free(r);
    }
    assert_int_equal(bad, 0);
}

/* One expected result: after evaluating profile, policy id has the status, the amount (fen)
 * and the missing set. Consecutive rows of one profile share one evaluation. */
typedef struct {
    const char *profile;
    const char *id;
    int status;
    calc_money fen;
    const char *missing;
} expect;

/* Checks every row on as_of, printing each mismatch with its row; fails when any row did not
 * match. */
static void check_rows_on(const char *as_of, const expect *rows, size_t n)
{
    int bad = 0;
    calc_result *r = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!r || strcmp(rows[i].profile, rows[i - 1].profile) != 0) {
            if (r)
                calc_result_free(r);
            r = eval_on(rows[i].profile, as_of);
        }
        if (check_soft(r, rows[i].id, rows[i].status, rows[i].fen, rows[i].missing)) {
            print_error("  (row %zu, as of %s, profile:\n%s)\n", i, as_of, rows[i].profile);
            bad++;
        }
    }
    if (r)
        calc_result_free(r);
    assert_int_equal(bad, 0);
}
#define CHECK_ROWS_ON(as_of, rows) check_rows_on(as_of, rows, sizeof rows / sizeof rows[0])
#define CHECK_ROWS(rows) CHECK_ROWS_ON("2025-06-30", rows)

/* The profiles of profile_ab: A and B true, false or unknown. */
#define KLEENE "id: K\nname: Kleene\n"
#define A_T "district: 上城区\n"
#define A_F "district: 西湖区\n"
#define B_T "employees: 10\n"

/* Ensure not() maps true/false/unknown to false/true/unknown, also over a composite. */
static void test_kleene_not(void **state)
{
    (void)state;
    static const expect rows[] = {
        {KLEENE A_T, "k-not", ST_INELIGIBLE, 0, ""},
        {KLEENE A_T, "k-notall", ST_NEEDS_DATA, 0, "employees"}, /* not(all(T, U)) = U */
        {KLEENE A_F, "k-not", ST_ELIGIBLE, 100, ""},
        {KLEENE A_F, "k-notall", ST_ELIGIBLE, 100, ""}, /* not(all(F, U)) = not(F) = T */
        {KLEENE B_T, "k-not", ST_NEEDS_DATA, 0, "district"},
        {KLEENE B_T, "k-notall", ST_NEEDS_DATA, 0, "district"},
    };
    CHECK_ROWS(rows);
}

/* Ensure an unknown that cannot decide (inside a false all) is not listed by an outer any. */
static void test_nested_unknown_decides(void **state)
{
    (void)state;
    static const expect rows[] = {
        /* any(all(F, U), U): only founded decides */
        {"id: K\nname: K\ndistrict: 西湖区\n", "k-nested", ST_NEEDS_DATA, 0, "founded"},
        /* any(all(T, U), U): both unknowns decide */
        {"id: K\nname: K\ndistrict: 上城区\n", "k-nested", ST_NEEDS_DATA, 0, "employees founded"},
        /* any(all(T, U), T): true, nothing missing */
        {"id: K\nname: K\ndistrict: 上城区\nfounded: 2024-02-29\n", "k-nested", ST_ELIGIBLE, 100,
         ""},
    };
    CHECK_ROWS(rows);
}

/* Ensure an ineligible result has empty missing while other condition fields are absent. */
static void test_ineligible_has_no_missing(void **state)
{
    (void)state;
    calc_result *r = eval("id: K\nname: K\ndistrict: 西湖区\n");
    check(r, "flat", ST_INELIGIBLE, 0, "");
    const pres *p = result_of(r, "flat");
    assert_int_equal(p->nreason, 1);
    assert_string_equal(rfield(&p->reason[0]), "district");
    assert_string_equal(ractual(&p->reason[0]), "西湖区");
    assert_string_equal(rrequired(&p->reason[0]), "= 上城区");
    assert_int_equal(p->reason[0].result, TV_FALSE);
    /* every condition was evaluated: the absent ones are recorded as unknown */
    assert_int_equal(p->ncond, 3);
    assert_int_equal(p->cond[1].result, TV_UNKNOWN);
    assert_null(ractual(&p->cond[1]));
    assert_int_equal(p->cond[2].result, TV_UNKNOWN);
    calc_result_free(r);
}

/* Ensure needs_data lists every absent field of the undecided conditions, and only those. */
static void test_needs_data_lists_deciding_fields(void **state)
{
    (void)state;
    static const expect rows[] = {
        {"id: K\nname: K\ndistrict: 上城区\n", "flat", ST_NEEDS_DATA, 0, "employees founded"},
        {"id: K\nname: K\ndistrict: 上城区\nemployees: 10\n", "flat", ST_NEEDS_DATA, 0, "founded"},
        {"id: K\nname: K\ndistrict: 上城区\nemployees: 10\nfounded: 2020-01-01\n", "flat",
         ST_ELIGIBLE, 100, ""},
        /* one below the threshold: ineligible, and nothing missing */
        {"id: K\nname: K\ndistrict: 上城区\nemployees: 9\n", "flat", ST_INELIGIBLE, 0, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(rows[0].profile);
    assert_int_equal(result_of(r, "flat")->nreason, 0);
    calc_result_free(r);
    r = eval(rows[3].profile);
    assert_non_null(reason_on(result_of(r, "flat"), "employees"));
    assert_string_equal(rrequired(reason_on(result_of(r, "flat"), "employees")), ">= 10");
    calc_result_free(r);
}

/* Ensure a field read only by the amount function, when absent, makes needs_data list it. */
static void test_amount_reads_absent_field(void **state)
{
    (void)state;
    static const expect rows[] = {
        {"id: K\nname: K\ndistrict: 上城区\n", "amt-read", ST_NEEDS_DATA, 0, "finance.revenue"},
        /* both a condition's and the amount's absent fields, in one go */
        {"id: K\nname: K\n", "amt-read", ST_NEEDS_DATA, 0, "district finance.revenue"},
        /* a failed condition: nothing missing */
        {"id: K\nname: K\ndistrict: 西湖区\n", "amt-read", ST_INELIGIBLE, 0, ""},
        /* 1% of 1,000,000.00 = 10,000.00; with the district absent it is not granted */
        {"id: K\nname: K\ndistrict: 上城区\nfinance:\n  revenue: 1000000\n", "amt-read",
         ST_ELIGIBLE, 1000000, ""},
        {"id: K\nname: K\nfinance:\n  revenue: 1000000\n", "amt-read", ST_NEEDS_DATA, 0,
         "district"},
    };
    CHECK_ROWS(rows);
}

/* Ensure an amount function failing on an absent field's placeholder is needs_data, not error. */
static void test_amount_error_on_absent_data(void **state)
{
    (void)state;
    static const expect rows[] = {
        {"id: K\nname: K\n", "amt-lookup", ST_NEEDS_DATA, 0, "industry"},
        {"id: K\nname: K\nindustry: ai\n", "amt-lookup", ST_ELIGIBLE, 500, ""},
        /* present data the table lacks: a real error */
        {"id: K\nname: K\nindustry: other\n", "amt-lookup", ST_ERROR, 0, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(rows[0].profile);
    assert_false(r->any_error);
    calc_result_free(r);
    r = eval(rows[2].profile);
    assert_string_equal(result_of(r, "amt-lookup")->error,
                        SET "/amt-lookup.lua:6: attempt to perform arithmetic on a nil value "
                            "(field '?')");
    calc_result_free(r);
}

/* Ensure fields with schema defaults are never missing, in conditions and in the amount. */
static void test_schema_defaults_never_missing(void **state)
{
    (void)state;
    static const expect rows[] = {
        {"id: K\nname: K\n", "defaults", ST_ELIGIBLE, 100, ""},
        {"id: K\nname: K\n", "defaults-stores", ST_INELIGIBLE, 0, ""}, /* no store: false */
        {"id: K\nname: K\nrd:\n  major_project: true\nhq:\n  star: 1\n", "defaults",
         ST_INELIGIBLE, 0, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(rows[2].profile);
    assert_non_null(reason_on(result_of(r, "defaults"), "hq.star"));
    calc_result_free(r);
}

/* Seven stores: [0] qualifies (50% of 200000.01 = 100000.005 → 100000.01), [1] opened a day
 * early, [2] opened absent, [3] brand_recognized defaults to false, [4] area 99 with opened
 * absent, [5] qualifies without fit-out, [6] opened and fit-out absent. */
#define STORES_MIXED                                                                          \
    "id: S\nname: Stores\nstores:\n"                                                          \
    "  - {brand_recognized: true, opened: 2025-01-01, area_m2: 100, fitout_investment: "      \
    "200000.01}\n"                                                                            \
    "  - {brand_recognized: true, opened: 2024-12-31, area_m2: 150, fitout_investment: "      \
    "100000}\n"                                                                               \
    "  - {brand_recognized: true, area_m2: 150, fitout_investment: 100000}\n"                 \
    "  - {opened: 2025-02-01, area_m2: 150, fitout_investment: 100000}\n"                     \
    "  - {brand_recognized: true, area_m2: 99, fitout_investment: 100000}\n"                  \
    "  - {brand_recognized: true, opened: 2025-03-01, area_m2: 120}\n"                        \
    "  - {brand_recognized: true, area_m2: 130}\n"

/* Ensure any_item over true/false/unknown stores: the amount from the qualifying ones, and
 * missing lists the unknown items' absent fields and absent amount inputs. */
static void test_any_item_mixed_stores(void **state)
{
    (void)state;
    static const expect rows[] = {
        {STORES_MIXED, "stores", ST_ELIGIBLE, 10000001,
         "stores[2].opened stores[5].fitout_investment stores[6].fitout_investment "
         "stores[6].opened"},
        /* as a pure condition the true item decides: nothing is missing */
        {STORES_MIXED, "store-cond", ST_ELIGIBLE, 100, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(STORES_MIXED);
    assert_int_equal(result_of(r, "stores")->nreason, 0);
    calc_result_free(r);
}

/* Ensure a store list with only unknown items is needs_data with each item's paths. */
static void test_any_item_only_unknown(void **state)
{
    (void)state;
#define ONLY_UNKNOWN                                                                          \
    "id: S\nname: S\nstores:\n"                                                               \
    "  - {brand_recognized: true, area_m2: 150, fitout_investment: 1000}\n"                   \
    "  - {brand_recognized: true, opened: 2024-12-31, area_m2: 100}\n"                        \
    "  - {brand_recognized: true, area_m2: 130}\n"
    static const expect rows[] = {
        {ONLY_UNKNOWN, "stores", ST_NEEDS_DATA, 0,
         "stores[0].opened stores[2].fitout_investment stores[2].opened"},
        {ONLY_UNKNOWN, "store-cond", ST_NEEDS_DATA, 0, "stores[0].opened stores[2].opened"},
    };
    CHECK_ROWS(rows);
}

/* Ensure a store list with only failing items is ineligible, each store's failure a reason. */
static void test_any_item_only_failing(void **state)
{
    (void)state;
#define ONLY_FAILING                                                                          \
    "id: S\nname: S\nstores:\n"                                                               \
    "  - {brand_recognized: true, opened: 2024-12-31, area_m2: 150}\n"                        \
    "  - {brand_recognized: true, area_m2: 99}\n"
    static const expect rows[] = {
        {ONLY_FAILING, "stores", ST_INELIGIBLE, 0, ""},
        {ONLY_FAILING, "store-cond", ST_INELIGIBLE, 0, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(ONLY_FAILING);
    const pres *p = result_of(r, "stores");
    const crec *c0 = reason_on(p, "stores[0].opened"), *c1 = reason_on(p, "stores[1].area_m2");
    assert_non_null(c0);
    assert_string_equal(ractual(c0), "2024-12-31");
    assert_string_equal(rrequired(c0), ">= 2025-01-01");
    assert_non_null(c1);
    assert_string_equal(ractual(c1), "99");
    assert_string_equal(rrequired(c1), ">= 100");
    assert_null(reason_on(p, "stores[1].opened")); /* unknown, not a failure */
    calc_result_free(r);
}

/* Ensure an amount of 0 with no pending item is ineligible with the policy's reason. */
static void test_zero_amount_ineligible_with_reason(void **state)
{
    (void)state;
    calc_result *r = eval("id: K\nname: K\n");
    check(r, "zero", ST_INELIGIBLE, 0, "");
    const pres *p = result_of(r, "zero");
    assert_int_equal(p->nreason, 1);
    assert_string_equal(p->reason[0].name, "amount > 0: nothing due");
    assert_string_equal(ractual(&p->reason[0]), "0.00");
    assert_string_equal(rrequired(&p->reason[0]), "> 0.00");
    calc_result_free(r);
}

/* Ensure a zero sum over the stores is ineligible, unless an unknown store could still add. */
static void test_zero_items_pending(void **state)
{
    (void)state;
#define ZERO_STORE                                                                            \
    "id: S\nname: S\nstores:\n"                                                               \
    "  - {brand_recognized: true, opened: 2025-01-01, area_m2: 100, fitout_investment: 0}\n"
    static const expect rows[] = {
        {ZERO_STORE, "stores", ST_INELIGIBLE, 0, ""},
        {ZERO_STORE "  - {brand_recognized: true, area_m2: 100, fitout_investment: 0.01}\n",
         "stores", ST_NEEDS_DATA, 0, "stores[1].opened"},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(ZERO_STORE);
    const pres *p = result_of(r, "stores");
    assert_int_equal(p->nreason, 1);
    assert_string_equal(p->reason[0].name, "amount > 0");
    assert_string_equal(ractual(&p->reason[0]), "0.00");
    calc_result_free(r);
}

/* Ensure a tie in an exclusive group goes to the smaller id; the loser is superseded by it. */
static void test_group_tie_smaller_id_wins(void **state)
{
    (void)state;
    calc_result *r = eval("id: G\nname: G\nemployees: 10\n"); /* 10.00 each */
    check(r, "grp-a", ST_ELIGIBLE, 1000, "");
    check(r, "grp-b", ST_SUPERSEDED, 0, "");
    const pres *b = result_of(r, "grp-b");
    assert_non_null(b->superseded_by);
    assert_string_equal(b->superseded_by, "grp-a");
    assert_int_equal(b->amount_before, 1000);
    assert_null(result_of(r, "grp-a")->superseded_by);
    /* the loser adds nothing to the total: defaults 1.00 + k-any 1.00 + grp-a 10.00 */
    assert_int_equal(r->cash, 100 + 100 + 1000);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    calc_output_opts o = {CALC_FMT_JSON, 0, 1};
    assert_int_equal(calc_result_write(f, eng, r, &o), 0);
    fclose(f);
    assert_non_null(strstr(buf, "{\"policy\": \"grp-b\", \"status\": \"superseded\", \"kind\": "
                                "\"cash\", \"amount\": \"0.00\""));
    assert_non_null(strstr(buf, "\"superseded_by\": \"grp-a\", \"amount_before\": \"10.00\", "
                                "\"group\": \"g-tie\""));
    free(buf);
    calc_result_free(r);
}

/* The supersession of policy id in r: by whom, and its amount before. */
static void superseded(const calc_result *r, const char *id, const char *by, calc_money before)
{
    const pres *p = result_of(r, id);
    assert_non_null(p->superseded_by);
    assert_string_equal(p->superseded_by, by);
    if (before >= 0)
        assert_int_equal(p->amount_before, before);
}

/* Ensure the higher amount wins the group whichever id it has (one fen either side of a tie). */
static void test_group_higher_amount_wins(void **state)
{
    (void)state;
    static const expect rows[] = {
        {"id: G\nname: G\nemployees: 9\n", "grp-a", ST_SUPERSEDED, 0, ""}, /* 9.00 < 10.00 */
        {"id: G\nname: G\nemployees: 9\n", "grp-b", ST_ELIGIBLE, 1000, ""},
        {"id: G\nname: G\nemployees: 11\n", "grp-a", ST_ELIGIBLE, 1100, ""}, /* 11.00 > 10.00 */
        {"id: G\nname: G\nemployees: 11\n", "grp-b", ST_SUPERSEDED, 0, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(rows[0].profile);
    superseded(r, "grp-a", "grp-b", 900);
    calc_result_free(r);
    r = eval(rows[2].profile);
    superseded(r, "grp-b", "grp-a", -1);
    calc_result_free(r);
}

/* Ensure a group member that is not eligible does not supersede the others. */
static void test_group_ignores_needs_data_member(void **state)
{
    (void)state;
    static const expect rows[] = {
        {"id: G\nname: G\n", "grp-a", ST_NEEDS_DATA, 0, "employees"},
        {"id: G\nname: G\n", "grp-b", ST_ELIGIBLE, 1000, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(rows[0].profile);
    assert_null(result_of(r, "grp-b")->superseded_by);
    calc_result_free(r);
}

static const pres *capped(const calc_result *r, const char *id, calc_money before)
{
    const pres *p = result_of(r, id);
    assert_true(p->capped);
    assert_string_equal(p->cap_name, "c-cap");
    assert_int_equal(p->amount_before_cap, before);
    return p;
}

/* finance: revenue (cap-x), tax_paid (cap-y), then the rest of the mapping */
#define CAPPED(rest) "id: C\nname: C\nfinance:\n  revenue: 100\n  tax_paid: 200\n" rest

/* Ensure an enterprise cap scales each member to floor(amount × L / S), and totals use it. */
static void test_cap_pro_rata_floors(void **state)
{
    (void)state;
    /* S = 100.00 + 200.00, L = 100.00: floor(10000 × 10000 / 30000) = 3333, 6666 */
    static const expect rows[] = {
        {CAPPED("  local_contribution: 100\n"), "cap-x", ST_ELIGIBLE, 3333, ""},
        {CAPPED("  local_contribution: 100\n"), "cap-y", ST_ELIGIBLE, 6666, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(rows[0].profile);
    capped(r, "cap-x", 10000);
    capped(r, "cap-y", 20000);
    /* totals: defaults 1.00 + grp-b 10.00 + 33.33 + 66.66 (everything else is not granted) */
    assert_int_equal(r->cash, 100 + 1000 + 3333 + 6666);
    calc_result_free(r);
}

/* Ensure a sum exactly at the limit is not capped, and one fen above it is. */
static void test_cap_at_limit_and_one_fen_over(void **state)
{
    (void)state;
    static const expect rows[] = {
        {CAPPED("  local_contribution: 300\n"), "cap-x", ST_ELIGIBLE, 10000, ""},
        {CAPPED("  local_contribution: 300\n"), "cap-y", ST_ELIGIBLE, 20000, ""},
        /* L = 299.99: floor(10000 × 29999 / 30000) = 9999, floor(20000 × 29999 / 30000) =
         * 19999 */
        {CAPPED("  local_contribution: 299.99\n"), "cap-x", ST_ELIGIBLE, 9999, ""},
        {CAPPED("  local_contribution: 299.99\n"), "cap-y", ST_ELIGIBLE, 19999, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(rows[0].profile);
    assert_false(result_of(r, "cap-x")->capped);
    assert_false(result_of(r, "cap-y")->capped);
    calc_result_free(r);
    r = eval(rows[2].profile);
    capped(r, "cap-x", 10000);
    capped(r, "cap-y", 20000);
    calc_result_free(r);
}

/* Ensure a member floored to 0.00 by the cap is ineligible with the cap named as the reason. */
static void test_cap_floored_to_zero(void **state)
{
    (void)state;
    /* S = 0.01 + 1000.00 = 100001 fen, L = 2 fen: floor(1 × 2 / 100001) = 0, floor(200000 /
     * 100001) = 1 */
    calc_result *r = eval("id: C\nname: C\nfinance:\n  revenue: 0.01\n  tax_paid: 1000\n"
                          "  local_contribution: 0.02\n");
    check(r, "cap-y", ST_ELIGIBLE, 1, "");
    check(r, "cap-x", ST_INELIGIBLE, 0, "");
    const pres *x = capped(r, "cap-x", 1);
    size_t nreason = x->nreason;
    int named = 0;
    for (size_t i = 0; i < x->nreason; i++)
        named += (x->reason[i].name && strstr(x->reason[i].name, "c-cap")) ||
                 strstr(rrequired(&x->reason[i]), "c-cap") != NULL;
    calc_result_free(r);
    if (named == 0)
        fail_msg("cap-x floored to 0.00 has %zu reasons, none naming cap 'c-cap'", nreason);
}

/* Ensure groups are resolved on pre-cap amounts, and a superseded member counts 0 in the cap. */
static void test_group_before_cap(void **state)
{
    (void)state;
#define LOAN_300 CAPPED("  loan_interest_paid: 300\n  local_contribution: 100\n")
#define LOAN_150 CAPPED("  loan_interest_paid: 150\n  local_contribution: 100\n")
    static const expect rows[] = {
        /* g-cap: grp-c 300.00 beats cap-y 200.00; the cap then sees cap-x alone: 100.00 <=
         * 100.00 */
        {LOAN_300, "grp-c", ST_ELIGIBLE, 30000, ""},
        {LOAN_300, "cap-y", ST_SUPERSEDED, 0, ""},
        {LOAN_300, "cap-x", ST_ELIGIBLE, 10000, ""},
        /* cap-y 200.00 beats grp-c 150.00 before the cap; capped to 66.66 it still keeps the
         * win */
        {LOAN_150, "grp-c", ST_SUPERSEDED, 0, ""},
        {LOAN_150, "cap-x", ST_ELIGIBLE, 3333, ""},
        {LOAN_150, "cap-y", ST_ELIGIBLE, 6666, ""},
    };
    CHECK_ROWS(rows);
    calc_result *r = eval(LOAN_300);
    superseded(r, "cap-y", "grp-c", 20000);
    assert_false(result_of(r, "cap-x")->capped);
    calc_result_free(r);
    r = eval(LOAN_150);
    superseded(r, "grp-c", "cap-y", 15000);
    capped(r, "cap-y", 20000);
    calc_result_free(r);
}

/* Ensure members whose cap limit field is absent wait for it: needs_data listing the field. */
static void test_cap_limit_absent(void **state)
{
    (void)state;
    static const expect rows[] = {
        {CAPPED(""), "cap-x", ST_NEEDS_DATA, 0, "finance.local_contribution"},
        {CAPPED(""), "cap-y", ST_NEEDS_DATA, 0, "finance.local_contribution"},
    };
    CHECK_ROWS(rows);
}

/* Ensure the in-force window is inclusive and a policy out of it is not evaluated at all. */
static void test_not_in_force_window(void **state)
{
    (void)state;
#define WEST "id: K\nname: K\ndistrict: 西湖区\n"
    static const expect before[] = {
        {WEST, "flat", ST_NOT_IN_FORCE, 0, ""},
        {WEST, "grp-b", ST_NOT_IN_FORCE, 0, ""},
    };
    static const expect first[] = {{WEST, "flat", ST_INELIGIBLE, 0, ""}};
    static const expect last[] = {{WEST, "grp-b", ST_ELIGIBLE, 1000, ""}};
    static const expect after[] = {{WEST, "grp-b", ST_NOT_IN_FORCE, 0, ""}};
    CHECK_ROWS_ON("2024-12-31", before);
    CHECK_ROWS_ON("2025-01-01", first);
    CHECK_ROWS_ON("2025-12-31", last);
    CHECK_ROWS_ON("2026-01-01", after);
    calc_result *r = eval_on(WEST, "2024-12-31");
    assert_int_equal(result_of(r, "flat")->nreason, 0);
    calc_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kleene_all_any),
        cmocka_unit_test(test_kleene_not),
        cmocka_unit_test(test_nested_unknown_decides),
        cmocka_unit_test(test_ineligible_has_no_missing),
        cmocka_unit_test(test_needs_data_lists_deciding_fields),
        cmocka_unit_test(test_amount_reads_absent_field),
        cmocka_unit_test(test_amount_error_on_absent_data),
        cmocka_unit_test(test_schema_defaults_never_missing),
        cmocka_unit_test(test_any_item_mixed_stores),
        cmocka_unit_test(test_any_item_only_unknown),
        cmocka_unit_test(test_any_item_only_failing),
        cmocka_unit_test(test_zero_amount_ineligible_with_reason),
        cmocka_unit_test(test_zero_items_pending),
        cmocka_unit_test(test_group_tie_smaller_id_wins),
        cmocka_unit_test(test_group_higher_amount_wins),
        cmocka_unit_test(test_group_ignores_needs_data_member),
        cmocka_unit_test(test_cap_pro_rata_floors),
        cmocka_unit_test(test_cap_at_limit_and_one_fen_over),
        cmocka_unit_test(test_cap_floored_to_zero),
        cmocka_unit_test(test_group_before_cap),
        cmocka_unit_test(test_cap_limit_absent),
        cmocka_unit_test(test_not_in_force_window),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
