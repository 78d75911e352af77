/* test_history.c — an enterprise's history from the grants ledger (calc/lib/history.c,
 * polkey.c; issue #17) given from an in-memory list of live grants, under the default policy
 * set: book 2's awards[] built from the grants, book 1's hq.star_rewarded_before and
 * listing.stages_paid derived from them, a profile that states its own history refused, the
 * keys and claim year of an eligible result and their shares, and a key granted before not
 * granted again. Every expected amount is computed by hand from the books in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "polkey.h"

static calc_engine *eng;
static calc_history *hist;

/* E1's live grants: a 3-star reward (tier 2,000,000), the 股改 stage of gs17-listing, book 2's
 * hq-settle for 2021 and book 1's rd-subsidy for claim year 2024; E2 has none. */
static const calc_award grants[] = {
    {"E1", "sc25-hq-star", "3", NULL, 2024, 200000000, 0, 3, 0},
    {"E1", "gs17-listing", "restructured", NULL, 2018, 50000000, 0, 2, 0},
    {"E1", "qt25-hq-settle", "2021", NULL, 2021, 500000000, 0, 1, 0},
    {"E1", "sc25-rd-subsidy", "2024", NULL, 2024, 10000000, 0, 4, 0},
    {"E1", "sc25-first-store", "甲品牌@2025-03-01", "sc25-commerce", 2024, 20000000, 0, 5, 0},
    {"E3", "sc25-talent-apartment", "2024", "sc25-apartments", 2024, 60000000, 20, 6, 0},
};

static int setup(void **state)
{
    (void)state;
    calc_error err = {0};
    eng = calc_engine_new("policies", &err);
    if (!eng) {
        fprintf(stderr, "policies: %s\n", err.msg);
        return -1;
    }
    hist = calc_history_new(grants, sizeof grants / sizeof grants[0], "ab12", 6);
    if (!hist)
        return -1;
    calc_engine_set_history(eng, hist);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    calc_engine_free(eng);
    calc_history_free(hist);
    return 0;
}

static calc_profile *parse(const char *yaml, calc_diags *d)
{
    return calc_profile_parse(eng, "t.yaml", yaml, strlen(yaml), d);
}

static const pval *field(const calc_profile *p, const char *path)
{
    const snode *sn = schema_resolve(eng->ps.schema.root, path);
    assert_non_null(sn);
    const snode *chain[8];
    int n = 0;
    for (const snode *x = sn; x->parent; x = x->parent)
        chain[n++] = x;
    const pval *v = &p->root;
    for (int i = n - 1; i >= 0; i--)
        v = &v->u.o->slot[chain[i]->index];
    return v;
}

static void history_in_profile(void **state)
{
    (void)state;
    calc_diags d = {0};
    calc_profile *p = parse("id: E1\nname: 甲\ndistrict: 上城区\n", &d);
    assert_non_null(p);
    const pval *aw = field(p, "awards");
    assert_true(aw->set);
    /* all five of E1's grants, by policy, year, key (byte order) */
    assert_int_equal(aw->u.l->n, 5);
    const pobj *first = aw->u.l->item[0].u.o;
    assert_string_equal(first->slot[eng->ps.ledger.ipolicy].u.s, "gs17-listing");
    assert_int_equal(first->slot[eng->ps.ledger.iyear].u.i, 2018);
    assert_int_equal(first->slot[eng->ps.ledger.iamount].u.i, 50000000);
    assert_string_equal(aw->u.l->item[1].u.o->slot[eng->ps.ledger.ipolicy].u.s,
                        "qt25-hq-settle");
    /* the highest star among sc25-hq-star's grants; the stages of gs17-listing's */
    assert_int_equal(field(p, "hq.star_rewarded_before")->u.i, 3);
    const pval *sp = field(p, "listing.stages_paid");
    assert_int_equal(sp->u.l->n, 1);
    assert_string_equal(sp->u.l->item[0].s, "restructured");
    calc_profile_free(p);
    /* E2: no grants, an empty history (and the schema's default star 0) */
    p = parse("id: E2\nname: 乙\n", &d);
    assert_non_null(p);
    assert_int_equal(field(p, "awards")->u.l->n, 0);
    assert_int_equal(field(p, "hq.star_rewarded_before")->u.i, 0);
    calc_profile_free(p);
    calc_diags_free(&d);
}

static void own_history_refused(void **state)
{
    (void)state;
    static const char *const yaml[] = {
        "id: E1\nname: 甲\nawards: []\n",
        "id: E1\nname: 甲\nhq: {star: 4, star_rewarded_before: 1}\n",
        "id: E1\nname: 甲\nlisting: {stages_paid: [filed]}\n",
    };
    static const char *const path[] = {"awards", "hq.star_rewarded_before",
                                       "listing.stages_paid"};
    for (int i = 0; i < 3; i++) {
        calc_diags d = {0};
        assert_null(parse(yaml[i], &d));
        assert_int_equal(d.n, 1);
        assert_string_equal(d.v[0].path, path[i]);
        assert_non_null(strstr(d.v[0].msg, "record 'E1' may not state it"));
        assert_non_null(strstr(d.v[0].msg_zh, "不得自行填写"));
        assert_true(d.v[0].line > 0);
        calc_diags_free(&d);
    }
}

static char *json_of(const calc_profile *p, const char *as_of)
{
    calc_date d;
    assert_int_equal(calc_date_parse(&d, as_of, strlen(as_of)), 0);
    calc_result *r = calc_eval(eng, p, d);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    calc_output_opts o = {CALC_FMT_JSON, 0, 0};
    calc_result_write(f, eng, r, &o);
    fclose(f);
    calc_result_free(r);
    return buf;
}

/* The text of policy id's result in a JSON result (up to the next policy). */
static char *result_of(char *json, const char *id)
{
    char pat[80];
    snprintf(pat, sizeof pat, "{\"policy\": \"%s\"", id);
    char *s = strstr(json, pat);
    assert_non_null(s);
    char *e = strstr(s + 1, "{\"policy\": ");
    if (e)
        *e = 0;
    return s;
}

static void keys_and_shares(void **state)
{
    (void)state;
    calc_diags d = {0};
    /* a 4-star upgrade: tier(4) 3,000,000 − tier(3) 2,000,000 = 1,000,000.00 (book 1 §3),
     * within the contribution 9,000,000 (sc25-hq-cap); key the star "4" */
    calc_profile *p = parse("id: E1\nname: 甲\ndistrict: 上城区\nhq: {star: 4}\n"
                            "finance: {local_contribution: 9000000}\n",
                            &d);
    assert_non_null(p);
    char *js = json_of(p, "2025-06-30");
    assert_non_null(strstr(js, ", \"ledger\": {\"head\": \"ab12\", \"seq\": 6}}"));
    char *r = result_of(js, "sc25-hq-star");
    assert_non_null(strstr(r, "\"amount\": \"1000000.00\""));
    assert_non_null(strstr(r, "\"claim_year\": 2024, \"keys\": [{\"key\": \"4\", \"amount\": "
                              "\"1000000.00\", \"quantity\": null}]"));
    free(js);
    calc_profile_free(p);
    /* gs17-listing on 2019-06-30 at stage listed, 股改 paid (E1's grant): filed 1,000,000 +
     * listed 1,500,000 = 2,500,000.00, two keys with their own rewards as shares */
    p = parse("id: E1\nname: 甲\ndistrict: 拱墅区\n"
              "listing: {stage: listed, stage_date: 2019-03-01}\n",
              &d);
    assert_non_null(p);
    js = json_of(p, "2019-06-30");
    r = result_of(js, "gs17-listing");
    assert_non_null(strstr(r, "\"amount\": \"2500000.00\""));
    assert_non_null(strstr(r, "\"claim_year\": 2018, \"keys\": [{\"key\": \"filed\", \"amount\": "
                              "\"1000000.00\", \"quantity\": null}, {\"key\": \"listed\", "
                              "\"amount\": \"1500000.00\", \"quantity\": null}]"));
    free(js);
    calc_profile_free(p);
    calc_diags_free(&d);
}

static void granted_not_again(void **state)
{
    (void)state;
    calc_diags d = {0};
    /* rd-subsidy: 10% of 2,000,000 = 200,000.00 — but E1's claim year 2024 was granted (row 4);
     * E2 gets it. First store: 甲品牌's store (granted, row 5) is left out; 乙品牌's: min(tier
     * china_first 500,000, 50% × 600,000 = 300,000) = 300,000.00, key "乙品牌@2025-04-01". */
    const char *body = "district: 上城区\ntax_district: 上城区\nindustry: ai\n"
                       "finance: {year: 2024, rd_expense: 2000000}\n"
                       "stores:\n"
                       "  - {kind: global_first, brand: 甲品牌, brand_recognized: true, "
                       "district: 上城区, opened: 2025-03-01, area_m2: 300, "
                       "fitout_investment: 800000}\n"
                       "  - {kind: china_first, brand: 乙品牌, brand_recognized: true, "
                       "district: 上城区, opened: 2025-04-01, area_m2: 300, "
                       "fitout_investment: 600000}\n";
    char yaml[1200];
    snprintf(yaml, sizeof yaml, "id: E1\nname: 甲\n%s", body);
    calc_profile *p = parse(yaml, &d);
    assert_non_null(p);
    char *js = json_of(p, "2025-06-30");
    char *r = result_of(js, "sc25-rd-subsidy");
    assert_non_null(strstr(r, "\"status\": \"ineligible\""));
    assert_non_null(strstr(r, "granted in the ledger (row 4)"));
    free(js);
    js = json_of(p, "2025-06-30");
    r = result_of(js, "sc25-first-store");
    assert_non_null(strstr(r, "\"amount\": \"300000.00\""));
    assert_non_null(strstr(r, "\"keys\": [{\"key\": \"乙品牌@2025-04-01\", \"amount\": "
                              "\"300000.00\", \"quantity\": null}]"));
    free(js);
    calc_profile_free(p);
    /* E2 has no grants: rd-subsidy 200,000.00; first store 甲 min(1,000,000, 400,000) =
     * 400,000 + 乙 300,000 = 700,000.00, shares by the stores' amounts */
    snprintf(yaml, sizeof yaml, "id: E2\nname: 乙\n%s", body);
    p = parse(yaml, &d);
    assert_non_null(p);
    js = json_of(p, "2025-06-30");
    r = result_of(js, "sc25-rd-subsidy");
    assert_non_null(strstr(r, "\"amount\": \"200000.00\""));
    assert_non_null(strstr(r, "\"keys\": [{\"key\": \"2024\", \"amount\": \"200000.00\""));
    free(js);
    js = json_of(p, "2025-06-30");
    r = result_of(js, "sc25-first-store");
    assert_non_null(strstr(r, "\"amount\": \"700000.00\""));
    assert_non_null(strstr(r, "{\"key\": \"甲品牌@2025-03-01\", \"amount\": \"400000.00\", "
                              "\"quantity\": null}, {\"key\": \"乙品牌@2025-04-01\", \"amount\": "
                              "\"300000.00\""));
    free(js);
    calc_profile_free(p);
    calc_diags_free(&d);
}

static void stock_less_granted(void **state)
{
    (void)state;
    /* sc25-apartments, a stock given out once (period: once): 2000 units less E3's 20 */
    for (size_t i = 0; i < eng->ps.npool; i++) {
        const decl *x = &eng->ps.pool[i];
        if (strcmp(x->name, "sc25-apartments") == 0) {
            assert_int_equal(x->period, 1);
            assert_int_equal(x->before, 20);
            assert_int_equal(pool_size_left(x), 1980);
        } else if (strcmp(x->name, "sc25-commerce") == 0) { /* a budget of each round */
            assert_int_equal(x->period, 0);
            assert_int_equal(x->before, 0);
            assert_int_equal(pool_size_left(x), 12600000000);
        }
    }
}


static void snapshot_round_trip(void **state)
{
    (void)state;
    /* the manifest's form and back: the same grants, head and seq */
    sbuf j = {0};
    history_json(&j, hist);
    arena a = {0};
    value *v = NULL;
    calc_diags d = {0};
    assert_int_equal(calc_json_parse(&a, "m", 1, j.p, j.n, &v, &d), 0);
    calc_history *h = history_from_json(v);
    assert_non_null(h);
    int64_t seq;
    assert_string_equal(calc_history_head(h, &seq), "ab12");
    assert_int_equal(seq, 6);
    size_t n;
    const calc_award *e3 = calc_history_of(h, "E3", &n);
    assert_int_equal(n, 1);
    assert_string_equal(e3->pool, "sc25-apartments");
    assert_int_equal(e3->quantity, 20);
    assert_int_equal(e3->amount, 60000000);
    const calc_award *e1 = calc_history_of(h, "E1", &n);
    assert_int_equal(n, 5);
    assert_true(history_has(h, "E1", "sc25-first-store", 2024, "甲品牌@2025-03-01", &seq));
    assert_int_equal(seq, 5);
    assert_false(history_has(h, "E1", "sc25-first-store", 2025, "甲品牌@2025-03-01", NULL));
    (void)e1;
    calc_history_free(h);
    sb_free(&j);
    /* a recorded case's snapshot: the grants of its profile's awards[] */
    calc_profile *p = parse("id: E1\nname: 甲\n", &d);
    assert_non_null(p);
    h = history_of_profile(&eng->ps, p, "cd34", 9);
    assert_non_null(h);
    assert_int_equal(calc_history_of(h, "E1", &n) != NULL, 1);
    assert_int_equal(n, 5);
    assert_true(history_has(h, "E1", "sc25-rd-subsidy", 2024, "2024", NULL));
    calc_history_free(h);
    calc_profile_free(p);
    calc_diags_free(&d);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(history_in_profile),
        cmocka_unit_test(own_history_refused),
        cmocka_unit_test(keys_and_shares),
        cmocka_unit_test(granted_not_again),
        cmocka_unit_test(stock_less_granted),
        cmocka_unit_test(snapshot_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
