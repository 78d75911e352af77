/* test_qualify.c — "how to qualify": every suggestion calc makes for the profiles of cases/ is
 * re-checked independently: its changes applied to the profile (as --set would) make the policy
 * eligible with the amount it promised; and hand-made profiles get the exact suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static calc_engine *eng;
static int checked, possible;

/* Applies a suggestion's changes to the profile's canonical form and evaluates it again. */
static void recheck(calc_engine *e, calc_profile *p, calc_date as_of, size_t pi, const qualify *q)
{
    sbuf canon = {0};
    calc_profile_canonical(&canon, p);
    arena a = {0};
    value **docs;
    size_t nd;
    calc_diags d = {0};
    assert_int_equal(calc_yaml_parse(&a, "canonical", canon.p, canon.n, &docs, &nd, &d), 0);
    for (size_t k = 0; k < q->n; k++) {
        const qchange *c = &q->change[k];
        char arg[512];
        if (strcmp(c->action, "add") == 0) {
            const value *tags = map_get(docs[0], c->field);
            snprintf(arg, sizeof arg, "%s[%zu]=%s", c->field, tags ? tags->n : 0, c->to);
        } else
            snprintf(arg, sizeof arg, "%s=%s", c->field, c->to);
        assert_int_equal(calc_apply_set(&a, docs[0], arg, &d), 0);
    }
    calc_profile np;
    memset(&np, 0, sizeof np);
    np.file = "recheck";
    int rc = profile_from_value(&np, &e->ps.schema, docs[0], &d);
    if (rc)
        calc_diags_print(stderr, &d);
    assert_int_equal(rc, 0);
    calc_result *r = calc_eval(e, &np, as_of);
    if (r->r[pi].status != ST_ELIGIBLE)
        fail_msg("%s for %s: the suggestion does not make it eligible (%s)", p->id,
                 e->ps.pol[pi].id, calc_status_name(r->r[pi].status));
    assert_int_equal(r->r[pi].amount, q->amount);
    calc_result_free(r);
    arena_free(&np.a);
    arena_free(&a);
    calc_diags_free(&d);
    sb_free(&canon);
    checked++;
}

static int each(void *ud, calc_engine *e, const value *c, calc_profile *p, calc_date as_of)
{
    (void)ud;
    (void)c;
    calc_result *r = calc_eval(e, p, as_of);
    char before[65];
    calc_profile_fingerprint(p, before);
    calc_qualify(e, p, r);
    char after[65];
    calc_profile_fingerprint(p, after);
    assert_string_equal(before, after); /* the profile is restored */
    for (size_t i = 0; i < r->n; i++) {
        const qualify *q = r->r[i].to_qualify;
        if (q && q->possible) {
            possible++;
            recheck(e, p, as_of, i, q);
        }
    }
    calc_result_free(r);
    return 0;
}

/* Ensure every suggestion for every case profile is proven by applying it. */
static void test_cases_suggestions_recheck(void **state)
{
    (void)state;
    DIR *dir = opendir("cases");
    assert_non_null(dir);
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
            continue;
        char path[600];
        snprintf(path, sizeof path, "cases/%s", de->d_name);
        calc_diags d = {0};
        assert_int_equal(calc_cases_each(eng, path, each, NULL, &d), 0);
        calc_diags_free(&d);
    }
    closedir(dir);
    assert_true(possible > 100); /* the cases hold many near misses */
    assert_int_equal(checked, possible);
}

static calc_result *eval_text(const char *text, calc_profile **out)
{
    calc_diags d = {0};
    calc_profile *p = calc_profile_parse(eng, "t.yaml", text, strlen(text), &d);
    if (!p)
        calc_diags_print(stderr, &d);
    assert_non_null(p);
    calc_diags_free(&d);
    calc_date as_of;
    calc_date_parse(&as_of, "2025-06-30", 10);
    calc_result *r = calc_eval(eng, p, as_of);
    calc_qualify(eng, p, r);
    *out = p;
    return r;
}

static const pres *res(const calc_result *r, const char *id)
{
    return &r->r[policy_index(&eng->ps, id)];
}

/* What a policy's to_qualify must say. NULL texts and a zero amount are not checked; a change's
 * now of ABSENT must be NULL (the field is absent). Impossible suggestions check the one field
 * named as fixed. */
#define ABSENT "(absent)"
typedef struct {
    const char *field, *action, *now, *to, *by;
} change;
typedef struct {
    const char *policy;
    bool possible;
    size_t n;
    change change[2];
    calc_money amount;
    bool example; /* true: the amount must say it uses example values */
    const char *fixed;
} suggestion;

static int text_differs(const char *what, const char *got, const char *want)
{
    if (!want)
        return 0;
    if (strcmp(want, ABSENT) == 0 ? got == NULL : got && strcmp(got, want) == 0)
        return 0;
    print_error("%s: expected '%s', got '%s'\n", what, want, got ? got : ABSENT);
    return 1;
}

/* Evaluates profile (with how to qualify) on 2025-06-30 and checks each suggestion, printing
 * every mismatch; fails when any did not match. */
static void expect_suggestions(const char *profile, const suggestion *w, size_t n)
{
    calc_profile *p;
    calc_result *r = eval_text(profile, &p);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const qualify *q = res(r, w[i].policy)->to_qualify;
        char what[200];
        if (!q) {
            print_error("%s: no suggestion\n", w[i].policy);
            bad++;
            continue;
        }
        if (q->possible != w[i].possible) {
            print_error("%s: possible is %d\n", w[i].policy, q->possible);
            bad++;
            continue;
        }
        if (!q->possible) {
            if (q->nfixed != 1) {
                print_error("%s: %zu fixed fields, expected 1\n", w[i].policy, q->nfixed);
                bad++;
            } else {
                snprintf(what, sizeof what, "%s: fixed[0]", w[i].policy);
                bad += text_differs(what, q->fixed[0], w[i].fixed);
            }
            continue;
        }
        if (q->n != w[i].n) {
            print_error("%s: %zu changes, expected %zu\n", w[i].policy, q->n, w[i].n);
            bad++;
            continue;
        }
        for (size_t k = 0; k < q->n; k++) {
            const qchange *c = &q->change[k];
            const change *x = &w[i].change[k];
            snprintf(what, sizeof what, "%s: change %zu field", w[i].policy, k);
            bad += text_differs(what, c->field, x->field);
            snprintf(what, sizeof what, "%s: change %zu action", w[i].policy, k);
            bad += text_differs(what, c->action, x->action);
            snprintf(what, sizeof what, "%s: change %zu now", w[i].policy, k);
            bad += text_differs(what, c->now, x->now);
            snprintf(what, sizeof what, "%s: change %zu to", w[i].policy, k);
            bad += text_differs(what, c->to, x->to);
            snprintf(what, sizeof what, "%s: change %zu by", w[i].policy, k);
            bad += text_differs(what, c->by, x->by);
        }
        if (w[i].amount && q->amount != w[i].amount) {
            print_error("%s: amount %lld, expected %lld\n", w[i].policy, (long long)q->amount,
                        (long long)w[i].amount);
            bad++;
        }
        if (w[i].example && !q->example) {
            print_error("%s: the amount does not say it uses example values\n", w[i].policy);
            bad++;
        }
    }
    calc_result_free(r);
    calc_profile_free(p);
    assert_int_equal(bad, 0);
}
#define EXPECT_SUGGESTIONS(profile, w) expect_suggestions(profile, w, sizeof w / sizeof w[0])

/* Ensure an R&D expense one fen short asks for exactly one more fen and promises 100,000.00. */
static void test_threshold_one_fen(void **state)
{
    (void)state;
    static const suggestion w[] = {
        {.policy = "sc25-rd-subsidy", .possible = true, .n = 1,
         .change = {{"finance.rd_expense", "raise", "999999.99", "1000000.00", "+0.01"}},
         .amount = 10000000}, /* 10% × 1,000,000.00 = 100,000.00 */
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 上城区\ntax_district: 上城区\n"
                       "industry: ai\nfinance: {year: 2024, rd_expense: 999999.99}\n", w);
}

/* Ensure a tag and an enum are asked for as values, and a date past is said to be fixed. */
static void test_tag_enum_and_date(void **state)
{
    (void)state;
    static const suggestion w[] = {
        {.policy = "sc25-loan-interest", .possible = true, .n = 2,
         .change = {{.field = "district", .to = "上城区"},
                    {.field = "tags", .action = "add", .to = "tech_enterprise"}},
         .amount = 150000}, /* 50% × 3,000.00 = 1,500.00 */
        {.policy = "sc25-free-office", .possible = false, .fixed = "founded"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 西湖区\nfounded: 2010-01-01\n"
                       "employees: 5\nfinance: {year: 2024, loan_interest_paid: 3000}\n"
                       "office: {requested_m2: 20}\n", w);
}

/* Ensure a missing field is asked for, and the amount is marked as from example values. */
static void test_provide(void **state)
{
    (void)state;
    static const suggestion w[] = {
        {.policy = "sc25-talent-apartment", .possible = true, .n = 1,
         .change = {{.field = "talent.requested_units", .action = "provide", .now = ABSENT}},
         .example = true},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 上城区\ntags: [tech_enterprise]\n"
                       "talent: {eligible: 3}\n", w);
}

static int setup(void **state)
{
    (void)state;
    calc_error err = {0};
    eng = calc_engine_new("policies", &err);
    return eng ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    calc_engine_free(eng);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_suggestions_recheck),
        cmocka_unit_test(test_threshold_one_fen),
        cmocka_unit_test(test_tag_enum_and_date),
        cmocka_unit_test(test_provide),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
