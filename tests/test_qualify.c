/* test_qualify.c — "how to qualify" and `calc near`: every suggestion calc makes for every
 * profile the repository holds (cases/, cases/profiles/, tests/data/), on the first and last
 * day of every policy's window, is checked against the schema's rule for the field it changes
 * (policies/schema.yaml `change:` — facts and history never, numbers upward only, finance
 * figures as next-year targets, districts as a move) and re-proven independently: its changes
 * applied to the profile (as --set would) make the policy eligible with the amount it promised.
 * Hand-made profiles get the exact suggestions, in words, and the old bad advice is gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "batch.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static calc_engine *eng;
static int checked, possible, walked, near_rows;
static int violations; /* suggestions against the schema's rule, each printed */

/* ---- the rule, checked ---- */

/* Whether text shows a field path or a code to a person: a letter or digit, then '.', '_' or
 * '[', then a letter ("finance.rd_expense", "tech_enterprise", "stores[0]"). */
static bool has_code(const char *t)
{
    for (const char *p = t; p[0] && p[1] && p[2]; p++) {
        bool before = (p[0] >= 'a' && p[0] <= 'z') || (p[0] >= '0' && p[0] <= '9') ||
                      (p[0] >= 'A' && p[0] <= 'Z');
        bool after = (p[2] >= 'a' && p[2] <= 'z') || p[2] == ']';
        if (before && (p[1] == '.' || p[1] == '_' || p[1] == '[') && after)
            return true;
    }
    return false;
}

static void violation(const char *where, const char *what, const char *detail)
{
    print_error("%s: %s (%s)\n", where, what, detail ? detail : "");
    violations++;
}

/* Words shown to a person: not empty, no path, no code (a one-word path such as "industry"
 * is also a word). */
static void check_words(const char *where, const char *field, const sbuf *w)
{
    if (!w->n)
        violation(where, "no words", field);
    else if (has_code(w->p))
        violation(where, "a path or code in the words", w->p);
}

static bool number_of(const char *text, calc_money *v)
{
    return text && calc_money_parse(v, text, strlen(text), NULL) == 0;
}

/* One change against its field's `change:` in the schema. */
static void check_change(const char *where, const qchange *c)
{
    char norm[200];
    schema_item_path(norm, sizeof norm, c->field);
    const snode *sn = schema_resolve(eng->ps.schema.root, norm);
    calc_money now, to;
    if (!sn || sn != c->sn) {
        violation(where, "the change's field is not its schema node", c->field);
        return;
    }
    if (strcmp(c->action, "provide") == 0 || strcmp(c->kind, "provide") == 0) {
        /* giving an absent value: any field, and only an absent one */
        if (strcmp(c->action, c->kind) != 0 || c->now)
            violation(where, "provide of a present value", c->field);
        return;
    }
    switch (sn->change) {
    case CH_FACT:
    case CH_HISTORY: violation(where, "suggests changing a fact or history", c->field); break;
    case CH_RAISE:
    case CH_NEXT_YEAR:
        if (strcmp(c->action, "raise") != 0 ||
            strcmp(c->kind, sn->change == CH_RAISE ? "raise" : "next_year_target") != 0)
            violation(where, "a number changed other than upward", c->kind);
        else if (!number_of(c->now, &now) || !number_of(c->to, &to) || to <= now)
            violation(where, "a raise that does not go up", c->field);
        break;
    case CH_RELOCATE:
        if (strcmp(c->action, "set") != 0 || strcmp(c->kind, "relocate") != 0 ||
            sn->type != T_ENUM || (c->now && strcmp(c->now, c->to) == 0))
            violation(where, "a district changed other than by a move", c->field);
        break;
    case CH_OBTAIN:
        if (strcmp(c->kind, "obtain") != 0 ||
            !(strcmp(c->action, "add") == 0 ||
              (strcmp(c->action, "set") == 0 && sn->type == T_BOOL && strcmp(c->to, "true") == 0)))
            violation(where, "a qualification given up or set", c->field);
        break;
    case CH_CHOOSE:
        if (strcmp(c->action, "set") != 0 || strcmp(c->kind, "choose") != 0)
            violation(where, "a choice changed other than by setting it", c->field);
        break;
    default: violation(where, "unknown change", c->field);
    }
}

/* A policy's to_qualify: every change by the rule, every word free of paths and codes, an
 * amount that depends on a value still to give not shown. */
static void check_suggestion(const char *where, const policy *p, const qualify *q)
{
    sbuf w = {0};
    for (size_t k = 0; k < q->n; k++) {
        check_change(where, &q->change[k]);
        for (int lang = 0; lang < 2; lang++) {
            w.n = 0;
            qualify_change_words(&w, &eng->ps.schema, &q->change[k], lang);
            check_words(where, q->change[k].field, &w);
        }
    }
    if (q->example != (q->ndepends > 0) || (q->example && (q->amount || q->quantity)))
        violation(where, "an amount from values still to give", p->id);
    for (size_t k = 0; k < q->ndepends; k++) {
        bool changed = false;
        for (size_t j = 0; j < q->n; j++)
            changed |= strcmp(q->change[j].field, q->depends[k]) == 0;
        if (!changed)
            violation(where, "depends on a field it does not change", q->depends[k]);
    }
    for (int lang = 0; lang < 2; lang++) {
        w.n = 0;
        qualify_words(&w, eng, p, q, lang);
        if (q->possible || q->nfixed)
            check_words(where, NULL, &w);
        else if (w.n)
            violation(where, "words for nothing proven", w.p);
    }
    sb_free(&w);
}

/* Applies a suggestion's changes to the profile's canonical form and evaluates it again: the
 * policy is eligible, with the amount promised when one is. */
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
    if (!q->example)
        assert_int_equal(r->r[pi].amount, q->amount);
    calc_result_free(r);
    arena_free(&np.a);
    arena_free(&a);
    calc_diags_free(&d);
    sb_free(&canon);
    checked++;
}

/* Evaluates p on as_of with how to qualify, checks and re-proves every suggestion, and that p
 * was not touched. */
static void check_profile(calc_profile *p, calc_date as_of)
{
    calc_result *r = calc_eval(eng, p, as_of);
    char before[65], after[65], date[16], where[300];
    calc_profile_fingerprint(p, before);
    calc_qualify(eng, p, r);
    calc_profile_fingerprint(p, after);
    assert_string_equal(before, after); /* the profile is restored */
    for (size_t i = 0; i < r->n; i++) {
        const qualify *q = r->r[i].to_qualify;
        if (!q)
            continue;
        snprintf(where, sizeof where, "%s on %s, %s", p->id, calc_date_format(date, as_of),
                 eng->ps.pol[i].id);
        check_suggestion(where, &eng->ps.pol[i], q);
        if (q->possible) {
            possible++;
            recheck(eng, p, as_of, i, q);
        }
    }
    calc_result_free(r);
    walked++;
}

/* The dates to check at: the first and last day of every policy's window. */
static size_t window_dates(calc_date *v, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < eng->ps.n; i++) {
        calc_date d[2] = {eng->ps.pol[i].from, eng->ps.pol[i].to};
        for (int k = 0; k < 2; k++) {
            bool seen = false;
            for (size_t j = 0; j < n; j++)
                seen |= v[j] == d[k];
            if (!seen && n < cap)
                v[n++] = d[k];
        }
    }
    return n;
}

/* Checks a case's profile on its date and every window's, and appends it to the population
 * (a JSON Lines file, ud) that near is checked on. */
static int each_case(void *ud, calc_engine *e, const value *c, calc_profile *p, calc_date as_of)
{
    (void)c;
    (void)e;
    calc_date dates[64];
    size_t nd = window_dates(dates, 64);
    check_profile(p, as_of);
    for (size_t k = 0; k < nd; k++)
        check_profile(p, dates[k]);
    sbuf canon = {0};
    calc_profile_canonical(&canon, p);
    fprintf(ud, "%s\n", canon.p);
    sb_free(&canon);
    return 0;
}

/* Every .yaml, .jsonl and .csv file under dir (recursively) into paths. */
static void find_inputs(const char *dir, char ***paths, size_t *n)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) || S_ISLNK(st.st_mode))
            continue;
        if (S_ISDIR(st.st_mode)) {
            find_inputs(path, paths, n);
            continue;
        }
        size_t l = strlen(path);
        bool input = (l > 5 && strcmp(path + l - 5, ".yaml") == 0) ||
                     (l > 6 && strcmp(path + l - 6, ".jsonl") == 0) ||
                     (l > 4 && strcmp(path + l - 4, ".csv") == 0);
        if (!input)
            continue;
        *paths = realloc(*paths, (*n + 1) * sizeof **paths);
        assert_non_null(*paths);
        (*paths)[(*n)++] = strdup(path);
    }
    closedir(d);
}

/* Every near row of a population file on as_of (JSON Lines), checked against the rule: only
 * raises of what the schema lets an enterprise raise, named, in words without codes. */
static void check_near(const char *path, calc_date as_of)
{
    const char *inputs[] = {path};
    calc_batch_opts o = {.inputs = inputs, .ninputs = 1, .input_format = -1, .as_of = as_of};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    calc_diags d = {0};
    calc_near(f, eng, &o, "100000000%", 1, 0, &d);
    fclose(f);
    calc_diags_free(&d);
    arena a = {0};
    value **docs;
    size_t nd;
    for (char *line = buf, *end; line && *line; line = end ? end + 1 : NULL) {
        end = strchr(line, '\n');
        size_t ll = end ? (size_t)(end - line) : strlen(line);
        calc_diags pd = {0};
        assert_int_equal(calc_yaml_parse(&a, "near", line, ll, &docs, &nd, &pd), 0);
        calc_diags_free(&pd);
        const value *row = docs[0];
        const value *field = map_get(row, "field"), *kind = map_get(row, "kind"),
                    *name = map_get(row, "name"), *label = map_get(row, "label"),
                    *now = map_get(row, "now"), *needed = map_get(row, "needed");
        char where[700];
        snprintf(where, sizeof where, "near %s: %.*s", path, (int)(ll > 200 ? 200 : ll), line);
        assert_non_null(field);
        assert_non_null(kind);
        assert_non_null(name);
        assert_non_null(label);
        char norm[200];
        schema_item_path(norm, sizeof norm, field->str);
        const snode *sn = schema_resolve(eng->ps.schema.root, norm);
        calc_money a0, a1;
        if (!sn || (sn->change != CH_RAISE && sn->change != CH_NEXT_YEAR) ||
            strcmp(kind->str, sn->change == CH_RAISE ? "raise" : "next_year_target") != 0)
            violation(where, "a near miss on a field the schema does not let rise", kind->str);
        else if (!number_of(now->str, &a0) || !number_of(needed->str, &a1) || a1 <= a0)
            violation(where, "a near miss that does not go up", field->str);
        for (int lang = 0; lang < 2; lang++) {
            const value *w = map_get(label, lang ? "en" : "zh");
            sbuf t = {0};
            sb_puts(&t, w && w->type == V_SCALAR ? w->str : "");
            check_words(where, field->str, &t);
            sb_free(&t);
        }
        near_rows++;
    }
    arena_free(&a);
    free(buf);
}

/* Ensure every suggestion for every profile of the repository, on every policy's first and
 * last day (and each case's own date), keeps to the schema's rule, says it in words without a
 * path or code, and is proven by applying it; and that near lists only raises so. */
static void test_every_profile_every_date(void **state)
{
    (void)state;
    calc_date dates[64];
    size_t ndates = window_dates(dates, 64);
    assert_true(ndates >= 8); /* the windows of the book's five packages */
    /* case files: their embedded and referenced profiles, and near over them all */
    char tmpdir[] = "/tmp/calc-test-cases-XXXXXX", cases_pop[64];
    assert_non_null(mkdtemp(tmpdir));
    snprintf(cases_pop, sizeof cases_pop, "%s/cases.jsonl", tmpdir);
    FILE *pop = fopen(cases_pop, "w");
    assert_non_null(pop);
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
        assert_int_equal(calc_cases_each(eng, path, each_case, pop, &d), 0);
        calc_diags_free(&d);
    }
    closedir(dir);
    fclose(pop);
    for (size_t k = 0; k < ndates; k++)
        check_near(cases_pop, dates[k]);
    unlink(cases_pop);
    rmdir(tmpdir);
    assert_true(possible > 100); /* the cases hold many near misses */
    int near_cases = near_rows;
    assert_true(near_cases > 0);
    /* single profiles and populations: every valid record of every file */
    char **paths = NULL;
    size_t np = 0;
    find_inputs("cases/profiles", &paths, &np);
    find_inputs("tests/data", &paths, &np);
    assert_true(np > 20);
    int records = 0;
    for (size_t f = 0; f < np; f++) {
        const char *inputs[] = {paths[f]};
        calc_batch_opts o = {.inputs = inputs, .ninputs = 1, .input_format = -1};
        calc_diags d = {0};
        calc_input *in = population_open(&o, 0, &eng->ps.schema, &d);
        calc_diags_free(&d);
        if (in) {
            calc_profile *p;
            size_t rejected = 0;
            while (population_next(in, eng, &o, &p, &rejected)) {
                for (size_t k = 0; k < ndates; k++)
                    check_profile(p, dates[k]);
                records++;
                calc_profile_free(p);
            }
            input_close(in);
        }
        for (size_t k = 0; k < ndates; k++)
            check_near(paths[f], dates[k]);
        free(paths[f]);
    }
    free(paths);
    print_message("%d profiles from %zu files: %d evaluations checked, %d suggestions proven, "
                  "%d near rows\n",
                  records, np, walked, checked, near_rows);
    assert_true(records > 1000); /* the batch populations are in three formats */
    assert_true(near_rows > 0);
    assert_int_equal(checked, possible);
    assert_int_equal(violations, 0);
}

/* ---- the schema's `change:` ---- */

/* Ensure every field of the shipped schema says how a suggestion may change it, and the
 * decisions the book calls for. */
static void walk_change(const snode *n, int *missing, int *fields)
{
    if (n->path[0] && (n->type != T_OBJECT || n->label)) {
        (*fields)++;
        if (!n->change_given) {
            print_error("field %s has no change:\n", n->path);
            (*missing)++;
        }
    }
    for (size_t i = 0; i < n->nchild; i++)
        walk_change(n->child[i], missing, fields);
    if (n->item)
        walk_change(n->item, missing, fields);
}

static void test_every_field_says_how_it_may_change(void **state)
{
    (void)state;
    int missing = 0, fields = 0;
    const calc_schema *s = &eng->ps.schema;
    walk_change(s->root, &missing, &fields);
    assert_int_equal(fields, 82); /* 39 of book 1, 43 of book 2 (awards[].entitled: the ledger's) */
    assert_int_equal(missing, 0);
    static const struct {
        const char *path;
        int change;
    } want[] = {
        {"id", CH_FACT},
        {"industry", CH_FACT},
        {"founded", CH_FACT},
        {"applied", CH_FACT},
        {"stores[].opened", CH_FACT},
        {"listing.stage_date", CH_FACT},
        {"finance.year", CH_FACT},
        {"hq.star", CH_FACT},
        {"district", CH_RELOCATE},
        {"tax_district", CH_RELOCATE},
        {"hq.office.district", CH_RELOCATE},
        {"employees", CH_RAISE},
        {"stores[].area_m2", CH_RAISE},
        {"stores[].fitout_investment", CH_RAISE},
        {"finance.rd_expense", CH_NEXT_YEAR},
        {"finance.local_contribution", CH_NEXT_YEAR},
        {"finance.loan_interest_paid", CH_NEXT_YEAR},
        {"hq.star_rewarded_before", CH_HISTORY},
        {"listing.stages_paid", CH_HISTORY},
        {"tags", CH_OBTAIN},
        {"hq.office.mode", CH_CHOOSE},
        /* book 2: the ledger is history; the figures of the years before the claim year are
         * facts (no target can change them) */
        {"awards", CH_HISTORY},
        {"awards[].policy", CH_HISTORY},
        {"awards[].year", CH_HISTORY},
        {"awards[].amount", CH_HISTORY},
        {"awards[].key", CH_HISTORY},
        {"finance.prev_local_contribution", CH_FACT},
        {"finance.prev_revenue", CH_FACT},
        {"finance.prev2_revenue", CH_FACT},
        {"moved_in", CH_FACT},
        {"social.monthly[].month", CH_FACT},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const snode *n = schema_resolve(s->root, want[i].path);
        assert_non_null(n);
        if (n->change != want[i].change)
            fail_msg("%s: change %s, expected %s", want[i].path, schema_change_name(n->change),
                     schema_change_name(want[i].change));
    }
}

/* Loads the shipped schema with one line replaced; the load's result, its first message in
 * msg. */
static int load_edited(const char *from, const char *to, char *msg, size_t cap)
{
    char *text = NULL;
    size_t len = 0;
    calc_diags d = {0};
    assert_int_equal(calc_read_file_diag("policies/schema.yaml", &text, &len, &d), 0);
    char *at = strstr(text, from);
    assert_non_null(at);
    char path[] = "/tmp/calc-test-schema-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    fclose(f);
    free(text);
    calc_schema s;
    int rc = calc_schema_load(&s, path, &d);
    snprintf(msg, cap, "%s:%u: %s | %s", d.n ? d.v[0].path : "", d.n ? d.v[0].line : 0,
             d.n ? d.v[0].msg : "", d.n ? d.v[0].hint : "");
    calc_schema_free(&s);
    calc_diags_free(&d);
    unlink(path);
    return rc;
}

/* Ensure an unknown change, or one that does not fit the field's type, is a schema error at
 * its line, and that a field without one loads as a fact. */
static void test_schema_change_refused(void **state)
{
    (void)state;
    char msg[1400];
    assert_int_equal(load_edited("    change: next_year  # a finished claim year: a target for "
                                 "the next one\n    label: 纳税额",
                                 "    change: sometimes\n    label: 纳税额", msg, sizeof msg),
                     CALC_ESCHEMA);
    assert_non_null(strstr(msg, "finance.tax_paid:"));
    assert_non_null(strstr(msg, "unknown change 'sometimes' | change: fact, history, raise, "
                                "next_year, relocate, obtain or choose"));
    assert_int_equal(load_edited("    change: fact  # a date records what happened\n    label: "
                                 "成立日期",
                                 "    change: raise\n    label: 成立日期", msg, sizeof msg),
                     CALC_ESCHEMA);
    assert_non_null(strstr(msg, "founded:"));
    assert_non_null(strstr(msg, "change 'raise' does not fit a field of type date"));
    assert_int_equal(load_edited("    change: relocate  # moving the HQ office here (迁入)\n",
                                 "", msg, sizeof msg),
                     0);
}

/* ---- exact suggestions, by hand from the book ---- */

static calc_result *eval_text_on(const char *text, const char *date, calc_profile **out)
{
    calc_diags d = {0};
    calc_profile *p = calc_profile_parse(eng, "t.yaml", text, strlen(text), &d);
    if (!p)
        calc_diags_print(stderr, &d);
    assert_non_null(p);
    calc_diags_free(&d);
    calc_date as_of;
    calc_date_parse(&as_of, date, strlen(date));
    calc_result *r = calc_eval(eng, p, as_of);
    calc_qualify(eng, p, r);
    *out = p;
    return r;
}

static calc_result *eval_text(const char *text, calc_profile **out)
{
    return eval_text_on(text, "2025-06-30", out);
}

static const pres *res(const calc_result *r, const char *id)
{
    return &r->r[policy_index(&eng->ps, id)];
}

/* What a policy's to_qualify must say. NULL texts and a zero amount are not checked; a change's
 * now of ABSENT must be NULL (the field is absent). Impossible suggestions check the one field
 * named as fixed. zh and en are the whole suggestion in words. */
#define ABSENT "(absent)"
typedef struct {
    const char *field, *action, *kind, *now, *to, *by;
} change;
typedef struct {
    const char *policy;
    bool possible;
    size_t n;
    change change[5];
    calc_money amount;
    bool example; /* true: the amount depends on values still to give, and is not shown */
    const char *fixed;
    const char *zh, *en;
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

/* Evaluates profile (with how to qualify) on date and checks each suggestion, printing every
 * mismatch; fails when any did not match. */
static void expect_on(const char *profile, const char *date, const suggestion *w, size_t n)
{
    calc_profile *p;
    calc_result *r = eval_text_on(profile, date, &p);
    int bad = 0;
    sbuf words = {0};
    for (size_t i = 0; i < n; i++) {
        const pres *x = res(r, w[i].policy);
        const qualify *q = x->to_qualify;
        char what[200];
        if (!q) {
            print_error("%s: no suggestion\n", w[i].policy);
            bad++;
            continue;
        }
        check_suggestion(w[i].policy, &eng->ps.pol[x->policy], q);
        for (int lang = 0; lang < 2; lang++) {
            words.n = 0;
            qualify_words(&words, eng, &eng->ps.pol[x->policy], q, lang);
            snprintf(what, sizeof what, "%s: words (%s)", w[i].policy, lang ? "en" : "zh");
            bad += text_differs(what, words.p ? words.p : "", lang ? w[i].en : w[i].zh);
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
            const change *y = &w[i].change[k];
            snprintf(what, sizeof what, "%s: change %zu field", w[i].policy, k);
            bad += text_differs(what, c->field, y->field);
            snprintf(what, sizeof what, "%s: change %zu action", w[i].policy, k);
            bad += text_differs(what, c->action, y->action);
            snprintf(what, sizeof what, "%s: change %zu kind", w[i].policy, k);
            bad += text_differs(what, c->kind, y->kind);
            snprintf(what, sizeof what, "%s: change %zu now", w[i].policy, k);
            bad += text_differs(what, c->now, y->now);
            snprintf(what, sizeof what, "%s: change %zu to", w[i].policy, k);
            bad += text_differs(what, c->to, y->to);
            snprintf(what, sizeof what, "%s: change %zu by", w[i].policy, k);
            bad += text_differs(what, c->by, y->by);
        }
        if (w[i].amount && q->amount != w[i].amount) {
            print_error("%s: amount %lld, expected %lld\n", w[i].policy, (long long)q->amount,
                        (long long)w[i].amount);
            bad++;
        }
        if (w[i].example != q->example) {
            print_error("%s: example is %d\n", w[i].policy, q->example);
            bad++;
        }
    }
    sb_free(&words);
    calc_result_free(r);
    calc_profile_free(p);
    assert_int_equal(bad, 0);
    assert_int_equal(violations, 0);
}
#define EXPECT_SUGGESTIONS(profile, w) expect_on(profile, "2025-06-30", w, sizeof w / sizeof w[0])

/* Ensure an R&D expense one fen short asks, as a target for the next claim year, for exactly
 * one more fen and promises 10% × 1,000,000.00 = 100,000.00 (book §3 sc25-rd-subsidy). */
static void test_threshold_one_fen(void **state)
{
    (void)state;
    static const suggestion w[] = {
        {.policy = "sc25-rd-subsidy", .possible = true, .n = 1,
         .change = {{"finance.rd_expense", "raise", "next_year_target", "999999.99", "1000000.00",
                     "+0.01"}},
         .amount = 10000000,
         .zh = "如何符合：下一申报年度研发投入达到 ¥1,000,000.00（现为 ¥999,999.99，差 ¥0.01）"
               "→ 预计 ¥100,000.00",
         .en = "to qualify: R&D expense in the next claim year: at least ¥1,000,000.00 (now "
               "¥999,999.99, ¥0.01 short) → expected ¥100,000.00"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 上城区\ntax_district: 上城区\n"
                       "industry: ai\nfinance: {year: 2024, rd_expense: 999999.99}\n", w);
}

/* Ensure a district other than 上城区 is a move into it (迁入), a tag a qualification to
 * obtain, and a founding date past the window a fact named in words (book §3: loan interest
 * 50% × 3,000.00 = 1,500.00; free office: founded within 3 years). */
static void test_relocate_obtain_and_date(void **state)
{
    (void)state;
    static const suggestion w[] = {
        {.policy = "sc25-loan-interest", .possible = true, .n = 2,
         .change = {{"district", "set", "relocate", "西湖区", "上城区"},
                    {.field = "tags", .action = "add", .kind = "obtain", .to = "tech_enterprise"}},
         .amount = 150000,
         .zh = "如何符合：将注册地迁入上城区（现为西湖区）；取得科技型企业资质 → 预计 ¥1,500.00",
         .en = "to qualify: move the district of registration to Shangcheng (now Xihu); obtain "
               "the technology enterprise qualification → expected ¥1,500.00"},
        {.policy = "sc25-free-office", .possible = false, .fixed = "founded",
         .zh = "无法通过企业可改变的事项符合：成立日期不符合本政策要求",
         .en = "cannot qualify by what the enterprise can change: date founded does not meet "
               "this policy's requirement"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 西湖区\nfounded: 2010-01-01\n"
                       "employees: 5\nfinance: {year: 2024, loan_interest_paid: 3000}\n"
                       "office: {requested_m2: 20}\n", w);
}

/* Ensure a store's floor area is raised for it (book §3 sc25-first-store: min(hangzhou_first
 * 200,000, 50% × 300,000) = 150,000.00), the tax district is a move, and an HQ office a
 * choice, a move and figures to provide — on which the amount then depends. */
static void test_store_tax_district_and_office(void **state)
{
    (void)state;
    static const suggestion w[] = {
        {.policy = "sc25-first-store", .possible = true, .n = 1,
         .change = {{"stores[0].area_m2", "raise", "raise", "80", "100", "+20"}},
         .amount = 15000000,
         .zh = "如何符合：门店1的面积达到 100（现为 80，差 20）→ 预计 ¥150,000.00",
         .en = "to qualify: floor area of stores #1: at least 100 (now 80, 20 short) → expected "
               "¥150,000.00"},
        {.policy = "sc25-rd-subsidy", .possible = true, .n = 1,
         .change = {{"tax_district", "set", "relocate", "滨江区", "上城区"}},
         .amount = 20000000, /* 10% × 2,000,000.00 */
         .zh = "如何符合：将纳税地迁入上城区（现为滨江区）→ 预计 ¥200,000.00"},
        {.policy = "sc25-hq-office", .possible = true, .n = 4,
         .change = {{"hq.office.mode", "set", "choose", "none", "rent"},
                    {"hq.office.district", "provide", "provide", ABSENT},
                    {"finance.local_contribution", "provide", "provide", ABSENT},
                    {"hq.office.annual_rent", "provide", "provide", ABSENT}},
         .example = true,
         .zh = "如何符合：总部用房方式改为租赁（现为无）；补充总部用房所在区；补充区级地方财政贡献；"
               "补充年租金 → 金额取决于区级地方财政贡献、年租金，请补充后测算",
         .en = "to qualify: set the HQ office tenure to rented (now no office); provide the HQ "
               "office district; provide the district fiscal contribution; provide the annual "
               "rent → the amount depends on the district fiscal contribution and annual rent: "
               "provide them to compute it"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 上城区\ntax_district: 滨江区\nindustry: ai\n"
                       "finance: {year: 2024, rd_expense: 2000000}\nhq: {star: 1}\n"
                       "stores:\n  - {kind: hangzhou_first, brand_recognized: true, "
                       "opened: 2025-03-01, district: 上城区, area_m2: 80, "
                       "fitout_investment: 300000}\n", w);
}

/* Ensure a missing value the amount depends on gives no example amount: the talent apartments'
 * quantity is min(requested, eligible, 20), which moves with neither value alone. */
static void test_provide_no_example_amount(void **state)
{
    (void)state;
    static const suggestion w[] = {
        {.policy = "sc25-talent-apartment", .possible = true, .n = 1,
         .change = {{"talent.requested_units", "provide", "provide", ABSENT}},
         .example = true,
         .zh = "如何符合：补充申请公寓套数 → 金额取决于申请公寓套数，请补充后测算",
         .en = "to qualify: provide the apartments requested → the amount depends on the "
               "apartments requested: provide it to compute the amount"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 上城区\ntags: [tech_enterprise]\n"
                       "talent: {eligible: 3}\n", w);
    static const suggestion both[] = {
        {.policy = "sc25-talent-apartment", .possible = true, .n = 2,
         .change = {{"talent.eligible", "provide", "provide", ABSENT},
                    {"talent.requested_units", "provide", "provide", ABSENT}},
         .example = true,
         .zh = "如何符合：补充符合条件人才数；补充申请公寓套数 → "
               "金额取决于符合条件人才数、申请公寓套数，请补充后测算"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 上城区\ntags: [tech_enterprise]\n", both);
}

/* Ensure a threshold of "some" (loan interest > 0) met by a single fen promises no ¥0.01: the
 * amount is 50% of what the enterprise will pay. A value to provide that only decides a
 * condition (the tax district) leaves the amount known. */
static void test_some_is_not_one_fen(void **state)
{
    (void)state;
    static const suggestion w[] = {
        {.policy = "sc25-loan-interest", .possible = true, .n = 1,
         .change = {{"finance.loan_interest_paid", "raise", "next_year_target", "0.00", "0.01",
                     "+0.01"}},
         .example = true,
         .zh = "如何符合：下一申报年度贷款利息达到 ¥0.01（现为 ¥0.00，差 ¥0.01）"
               "→ 金额取决于下一申报年度贷款利息的实际数额"},
        {.policy = "sc25-rd-subsidy", .possible = true, .n = 1,
         .change = {{"tax_district", "provide", "provide", ABSENT}},
         .amount = 15000000, /* 10% × 1,500,000.00, whatever the district given */
         .zh = "如何符合：补充纳税地 → 补充的资料符合条件时预计 ¥150,000.00"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 上城区\nindustry: ai\ntags: [tech_enterprise]\n"
                       "finance: {year: 2024, rd_expense: 1500000, loan_interest_paid: 0}\n", w);
}

/* Ensure the old bad advice is gone: no change of industry (the example profile on 2025-06-01:
 * the industry-match policies say the industry does not meet them), no cut of employees 59 →
 * 50 (the incubator names the cap instead), no ¥0.01 from an example fiscal contribution (the
 * HQ star reward: ¥500,000 for 1★ once the contribution is given, book §3). */
static void test_old_bad_advice_gone(void **state)
{
    (void)state;
    static const suggestion example[] = {
        {.policy = "qj20-industry-match", .possible = false, .fixed = "industry",
         .zh = "无法通过企业可改变的事项符合：所属行业不符合本政策要求"},
        {.policy = "sc20-hk-zone-match", .possible = false, .fixed = "industry"},
    };
    char *text = NULL;
    size_t len = 0;
    calc_diags d = {0};
    assert_int_equal(calc_read_file_diag("cases/profiles/example.yaml", &text, &len, &d), 0);
    calc_profile *p;
    expect_on(text, "2025-06-01", example, sizeof example / sizeof example[0]);
    calc_result *r = eval_text_on(text, "2025-06-01", &p);
    for (size_t i = 0; i < r->n; i++) {
        const qualify *q = r->r[i].to_qualify;
        for (size_t k = 0; q && k < q->n; k++)
            assert_string_not_equal(q->change[k].field, "industry");
    }
    calc_result_free(r);
    calc_profile_free(p);
    static const suggestion incubator[] = {
        {.policy = "qj20-incubator", .possible = false, .fixed = "employees",
         .zh = "无法通过企业可改变的事项符合：员工人数不符合本政策要求",
         .en = "cannot qualify by what the enterprise can change: employees does not meet this "
               "policy's requirement"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\nindustry: smart_manufacturing\nfounded: 2025-01-01\n"
                       "employees: 59\noffice: {requested_m2: 100}\n", incubator);
    static const suggestion star[] = {
        {.policy = "sc25-hq-star", .possible = true, .n = 1,
         .change = {{"finance.local_contribution", "provide", "provide", ABSENT}},
         .example = true,
         .zh = "如何符合：补充区级地方财政贡献 → 金额取决于区级地方财政贡献，请补充后测算"},
    };
    EXPECT_SUGGESTIONS("id: Q\nname: Q\ndistrict: 上城区\nhq: {star: 1}\n", star);
    free(text);
    calc_diags_free(&d);
    /* the example profile's own words (the table and the JSON) */
    assert_int_equal(calc_read_file_diag("cases/profiles/example.yaml", &text, &len, &d), 0);
    r = eval_text_on(text, "2025-06-01", &p);
    char *out = NULL;
    size_t olen = 0;
    FILE *f = open_memstream(&out, &olen);
    calc_output_opts oo = {.format = CALC_FMT_TABLE, .explain = 1};
    calc_result_write(f, eng, r, &oo);
    fclose(f);
    assert_null(strstr(out, "industry →"));
    assert_null(strstr(out, "industry 改为"));
    assert_non_null(strstr(out, "    无法通过企业可改变的事项符合：所属行业不符合本政策要求；"
                                "成立日期不符合本政策要求\n"));
    free(out);
    calc_result_free(r);
    calc_profile_free(p);
    free(text);
    calc_diags_free(&d);
}

/* The JSON of one result's to_qualify (calc eval --format json --explain) as a value tree. */
static const value *result_qualify(arena *a, const char *profile, const char *pol_id)
{
    calc_profile *p;
    calc_result *r = eval_text(profile, &p);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    calc_output_opts oo = {.format = CALC_FMT_JSON, .explain = 1};
    calc_result_write(f, eng, r, &oo);
    fclose(f);
    value **docs;
    size_t nd;
    calc_diags d = {0};
    assert_int_equal(calc_yaml_parse(a, "json", out, len, &docs, &nd, &d), 0);
    free(out);
    calc_result_free(r);
    calc_profile_free(p);
    const value *results = map_get(docs[0], "results");
    for (size_t i = 0; results && i < results->n; i++) {
        const value *x = results->items[i];
        if (strcmp(map_get(x, "policy")->str, pol_id) == 0)
            return map_get(x, "to_qualify");
    }
    fail_msg("no result for %s", pol_id);
    return NULL;
}

static const char *str_at(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    if (!v)
        fail_msg("no key %s", key);
    return v->type == V_NULL ? NULL : v->str;
}

/* Ensure the JSON keeps its keys and adds each change's kind and words, the field's label, a
 * null amount with the fields it depends on, and the whole suggestion in words. */
static void test_json(void **state)
{
    (void)state;
    arena a = {0};
    const value *q = result_qualify(&a, "id: Q\nname: Q\ndistrict: 西湖区\nhq: {star: 1}\n",
                                  "sc25-hq-star");
    assert_string_equal(str_at(q, "possible"), "true");
    assert_null(str_at(q, "amount"));
    assert_string_equal(str_at(q, "amount_is_example"), "true");
    const value *ch = map_get(q, "changes");
    assert_int_equal(ch->n, 2);
    const value *c0 = ch->items[0], *c1 = ch->items[1];
    assert_string_equal(str_at(c0, "field"), "district");
    assert_string_equal(str_at(c0, "action"), "set");
    assert_string_equal(str_at(c0, "kind"), "relocate");
    assert_string_equal(str_at(c0, "now"), "西湖区");
    assert_string_equal(str_at(c0, "to"), "上城区");
    assert_string_equal(str_at(map_get(c0, "label"), "zh"), "将注册地迁入上城区（现为西湖区）");
    assert_string_equal(str_at(map_get(c0, "label"), "en"),
                        "move the district of registration to Shangcheng (now Xihu)");
    assert_string_equal(str_at(map_get(c0, "field_label"), "zh"), "注册地");
    assert_string_equal(str_at(map_get(c0, "field_label"), "en"), "District of registration");
    assert_string_equal(str_at(c1, "kind"), "provide");
    assert_null(str_at(c1, "now"));
    assert_null(str_at(c1, "to")); /* the enterprise's value, never an example */
    const value *dep = map_get(q, "depends_on"), *depl = map_get(q, "depends_on_label");
    assert_int_equal(dep->n, 1);
    assert_string_equal(dep->items[0]->str, "finance.local_contribution");
    assert_string_equal(str_at(depl->items[0], "zh"), "区级地方财政贡献");
    assert_int_equal(map_get(q, "cannot_change")->n, 0);
    assert_string_equal(str_at(map_get(q, "text"), "zh"),
                        "如何符合：将注册地迁入上城区（现为西湖区）；补充区级地方财政贡献 → "
                        "金额取决于区级地方财政贡献，请补充后测算");
    /* an amount that is known, and facts named */
    q = result_qualify(&a, "id: Q\nname: Q\ndistrict: 上城区\ntax_district: 上城区\n"
                         "industry: ai\nfinance: {year: 2024, rd_expense: 850000}\n",
                     "sc25-rd-subsidy");
    assert_string_equal(str_at(q, "amount"), "100000.00");
    assert_string_equal(str_at(q, "amount_is_example"), "false");
    assert_string_equal(str_at(map_get(q, "text"), "zh"),
                        "如何符合：下一申报年度研发投入达到 ¥1,000,000.00（现为 ¥850,000.00，差 "
                        "¥150,000.00）→ 预计 ¥100,000.00");
    q = result_qualify(&a, "id: Q\nname: Q\nindustry: ai\n", "qj20-industry-match");
    assert_string_equal(str_at(q, "possible"), "false");
    assert_null(map_get(q, "amount"));
    assert_string_equal(map_get(q, "cannot_change")->items[0]->str, "industry");
    assert_string_equal(str_at(map_get(q, "cannot_change_label")->items[0], "en"), "Industry");
    assert_string_equal(str_at(map_get(q, "text"), "en"),
                        "cannot qualify by what the enterprise can change: industry does not "
                        "meet this policy's requirement");
    arena_free(&a);
}

/* Ensure near lists an enterprise short of a raise by its name, with the change in words, and
 * never one whose only way is a cut (employees over the incubator's cap, 59 → 50). */
static void test_near_names_and_no_cuts(void **state)
{
    (void)state;
    char dir[] = "/tmp/calc-test-near-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/pop.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"id\": \"N1\", \"name\": \"研发企业\", \"district\": \"上城区\", \"tax_district\": "
          "\"上城区\", \"industry\": \"ai\", \"finance\": {\"year\": 2024, \"rd_expense\": "
          "950000}}\n"
          "{\"id\": \"N2\", \"name\": \"五十九人\", \"industry\": \"smart_manufacturing\", "
          "\"founded\": \"2025-01-01\", \"employees\": 59, \"office\": {\"requested_m2\": 100}}\n",
          f);
    fclose(f);
    const char *inputs[] = {path};
    calc_batch_opts o = {.inputs = inputs, .ninputs = 1, .input_format = -1};
    calc_date_parse(&o.as_of, "2025-06-30", 10);
    for (int fmt = 0; fmt < 3; fmt++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        calc_diags d = {0};
        assert_int_equal(calc_near(m, eng, &o, "100000%", fmt, 0, &d), 0);
        fclose(m);
        calc_diags_free(&d);
        assert_non_null(strstr(buf, "研发企业"));
        assert_null(strstr(buf, "N2"));
        assert_null(strstr(buf, "employees"));
        if (fmt == 0) /* the table: name, title, the field in words, aligned by width */
            assert_non_null(strstr(buf, "N1        研发企业  研发投入补助  下一申报年度研发投入  "
                                        "¥950,000.00  ¥1,000,000.00  5.00%  ¥100,000.00\n"));
        if (fmt == 1)
            assert_non_null(strstr(buf, "\"kind\": \"next_year_target\", \"field_label\": "
                                        "{\"zh\": \"研发投入\", \"en\": \"R&D expense\"}"));
        if (fmt == 2)
            assert_non_null(strstr(buf, ",5.00%,100000.00,next_year_target,\"下一申报年度研发投入"
                                        "达到 ¥1,000,000.00（现为 ¥950,000.00，差 ¥50,000.00）\""));
        free(buf);
    }
    unlink(path);
    rmdir(dir);
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
        cmocka_unit_test(test_every_field_says_how_it_may_change),
        cmocka_unit_test(test_schema_change_refused),
        cmocka_unit_test(test_threshold_one_fen),
        cmocka_unit_test(test_relocate_obtain_and_date),
        cmocka_unit_test(test_store_tax_district_and_office),
        cmocka_unit_test(test_provide_no_example_amount),
        cmocka_unit_test(test_some_is_not_one_fen),
        cmocka_unit_test(test_old_bad_advice_gone),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_near_names_and_no_cuts),
        cmocka_unit_test(test_every_profile_every_date),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
