/* test_labels.c — the words people read, for every profile of cases/ (each case's profile at its
 * as_of, and cases/profiles/ at a date in every policy's window): every condition and reason
 * record of the JSON has a label in Chinese and in English, as do the missing fields, the
 * computation, the superseding policy and the pool claim, and none of them — nor the table in
 * either language — shows a DSL name, a field path or a code. The checker is shown to reject
 * the wording calc used before (one_of(industry) … [industry]). Exact sentences: labels.sh. */
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
static int nlabels, nprofiles, ncomputation, nclaims, nsuperseded, nmissing;

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether w occurs in s as a whole word (no letter, digit or _ on either side). */
static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = s; (p = strstr(p, w)); p++)
        if ((p == s || !word_char(p[-1])) && !word_char(p[n]))
            return true;
    return false;
}

/* Whether w is a word of the schema's English (a field's or a value's label): such a word in an
 * English sentence came from a label, not from a code. */
static bool english_word(const calc_schema *s, const snode *n, const char *w)
{
    if (n->label_en && has_word(n->label_en, w))
        return true;
    for (size_t i = 0; i < n->nchild; i++)
        if (english_word(s, n->child[i], w))
            return true;
    if (n->item && english_word(s, n->item, w))
        return true;
    if (n == s->root)
        for (size_t i = 0; i < s->nenum; i++)
            for (size_t k = 0; k < s->enums[i].n; k++)
                if (has_word(s->enums[i].en[k], w))
                    return true;
    return false;
}

/* The first field name or path of the schema that text shows (names with _ or dotted paths;
 * plain words such as "district" can be English), or NULL. */
static const char *path_in(const snode *n, const char *text)
{
    for (size_t i = 0; i < n->nchild; i++) {
        const snode *c = n->child[i];
        if ((strchr(c->name, '_') && strstr(text, c->name)) ||
            (strchr(c->path, '.') && strstr(text, c->path)))
            return c->path;
        const char *r = path_in(c, text);
        if (!r && c->item)
            r = path_in(c->item, text);
        if (r)
            return r;
    }
    return NULL;
}

static char why[256];

/* What a person should not see in text (lang 0 zh, 1 en): a DSL name, a field path, a code —
 * NULL when it shows none of them. */
static const char *not_for_people(const char *text, int lang)
{
    static const char *const dsl[] = {"one_of", "at_least", "at_most", "greater_than",
                                      "less_than", "has_tag", "is_set", "is_true", "on_or_after",
                                      "on_or_before", "any_item", "not_(", "qualifying_store",
                                      "IN_FORCE", "years_before", NULL};
    const calc_schema *s = &eng->ps.schema;
    if (!text || !text[0])
        return "empty";
    for (int i = 0; dsl[i]; i++)
        if (strstr(text, dsl[i])) {
            snprintf(why, sizeof why, "DSL name %s", dsl[i]);
            return why;
        }
    for (const char *p = strchr(text, '('); p; p = strchr(p + 1, '('))
        if (p > text && ((p[-1] >= 'a' && p[-1] <= 'z') || p[-1] == '_'))
            return "a function call f(…)";
    if (strchr(text, '['))
        return "a bracket: a list index or a [field]";
    const char *path = path_in(s->root, text);
    if (path) {
        snprintf(why, sizeof why, "field path %s", path);
        return why;
    }
    for (size_t i = 0; i < s->nenum; i++)
        for (size_t k = 0; k < s->enums[i].n; k++) {
            const char *code = s->enums[i].values[k];
            if ((unsigned char)code[0] >= 0x80)
                continue; /* a Chinese code is its own label (上城区) */
            bool bad = strchr(code, '_') ? strstr(text, code) != NULL
                                         : has_word(text, code) &&
                                               (lang == 0 || !english_word(s, s->root, code));
            if (bad) {
                snprintf(why, sizeof why, "code %s", code);
                return why;
            }
        }
    return NULL;
}

static void check_text(const char *what, const char *id, const char *text, int lang)
{
    const char *bad = not_for_people(text, lang);
    if (bad)
        fail_msg("%s: %s (%s): %s in \"%s\"", id, what, lang ? "en" : "zh", bad,
                 text ? text : "");
}

/* A {"zh": …, "en": …} object: both present, both for people. */
static void check_pair(const char *what, const char *id, const value *v)
{
    if (!v || v->type != V_MAP)
        fail_msg("%s: %s has no {zh, en}", id, what);
    const value *zh = map_get(v, "zh"), *en = map_get(v, "en");
    if (!zh || !en || zh->type != V_SCALAR || en->type != V_SCALAR)
        fail_msg("%s: %s lacks zh or en", id, what);
    check_text(what, id, zh->str, 0);
    check_text(what, id, en->str, 1);
    nlabels++;
}

static void check_records(const char *id, const value *list)
{
    for (size_t k = 0; list && list->type == V_SEQ && k < list->n; k++)
        check_pair("label", id, map_get(list->items[k], "label"));
}

static void check_result_json(const calc_result *res)
{
    sbuf b = {0};
    result_json(&b, eng, res, true, true);
    arena a = {0};
    value *doc;
    calc_diags d = {0};
    assert_int_equal(calc_json_parse(&a, "result", 1, b.p, b.n, &doc, &d), 0);
    const value *results = map_get(doc, "results");
    assert_non_null(results);
    for (size_t i = 0; i < results->n; i++) {
        const value *r = results->items[i];
        char id[200];
        snprintf(id, sizeof id, "%s %s", res->profile_id, map_get(r, "policy")->str);
        const char *status = map_get(r, "status")->str;
        check_records(id, map_get(r, "conditions"));
        check_records(id, map_get(r, "reasons"));
        const value *m = map_get(r, "missing"), *ml = map_get(r, "missing_labels");
        assert_non_null(ml);
        assert_int_equal(ml->n, m->n);
        for (size_t k = 0; k < ml->n; k++, nmissing++)
            check_pair("missing_labels", id, ml->items[k]);
        const value *c = map_get(r, "computation");
        assert_non_null(c);
        for (int l = 0; l < 2; l++) {
            const value *lines = map_get(c, l ? "en" : "zh");
            assert_non_null(lines);
            if (strcmp(status, "eligible") == 0 && strcmp(map_get(r, "kind")->str, "match"))
                assert_true(lines->n > 0); /* an eligible amount shows its computation */
            for (size_t k = 0; k < lines->n; k++, ncomputation++)
                check_text("computation", id, lines->items[k]->str, l);
        }
        if (strcmp(status, "superseded") == 0) {
            check_pair("superseded_by_title", id, map_get(r, "superseded_by_title"));
            nsuperseded++;
        }
        const value *pc = map_get(r, "pool_claim");
        if (map_get(r, "pool") && strcmp(status, "eligible") == 0) {
            assert_non_null(pc);
            check_pair("pool_claim.title", id, map_get(pc, "title"));
            check_pair("pool_claim.note", id, map_get(pc, "note"));
            nclaims++;
        }
    }
    calc_diags_free(&d);
    arena_free(&a);
    sb_free(&b);
}

/* The table with every condition, in both languages, line by line. */
static void check_table(const calc_result *res)
{
    for (int lang = 0; lang < 2; lang++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        calc_output_opts o = {CALC_FMT_TABLE, 1, lang};
        assert_int_equal(calc_result_write(f, eng, res, &o), 0);
        fclose(f);
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
            if (strstr(line, "sha256:") || strncmp(line, "政策指纹", 12) == 0 ||
                strncmp(line, "policies  ", 10) == 0 || strncmp(line, "          ", 10) == 0 ||
                strncmp(line, "政策  ", 8) == 0 || strncmp(line, "policy  ", 8) == 0 ||
                (line[0] >= 'a' && line[0] <= 'z' && strchr(line, '-') &&
                 strchr(line, '-') < strchr(line, ' ')))
                continue; /* fingerprints and the policy-id column: ids are how staff refer */
            if (strstr(line, "依据：") || strstr(line, "source:"))
                continue; /* the source's quotation, as published */
            char id[120];
            snprintf(id, sizeof id, "%s table", res->profile_id);
            check_text("table line", id, line, lang);
        }
        free(buf);
    }
}

static void check_profile(calc_profile *p, calc_date as_of)
{
    calc_eval_opts o = {.explain = true};
    calc_result *r = calc_eval_with(eng, p, as_of, &o);
    check_result_json(r);
    check_table(r);
    calc_result_free(r);
    nprofiles++;
}

static int each(void *ud, calc_engine *e, const value *c, calc_profile *p, calc_date as_of)
{
    (void)ud;
    (void)e;
    (void)c;
    check_profile(p, as_of);
    return 0;
}

/* Ensure the checker rejects the wording calc showed before: DSL names, codes, field paths. */
static void test_checker_rejects_engine_words(void **state)
{
    (void)state;
    static const char *const old[] = {
        "one_of(industry) one of smart_manufacturing, new_energy — actual ai [industry]",
        "所属行业 one of smart_manufacturing, new_energy — 实际 ai [industry]",
        "at_least(finance.rd_expense) >= 1000000.00",
        "研发投入 >= 1000000.00 — 实际 850000.00 [finance.rd_expense]",
        "企业资质 has tech_enterprise — 实际 [tech_enterprise, high_tech] [tags]",
        "qualifying_store at least one item meeting every item condition",
        "= tier(star) − tier(star already rewarded) = 500,000.00",
        "第1家门店 门店类型：hangzhou_first",
        "所属行业：ai",
        "Industry: it",
        "HQ office tenure: none",
        "需补充：stores[0].kind",
    };
    for (size_t i = 0; i < sizeof old / sizeof *old; i++) {
        bool zh = strstr(old[i], "：") || strstr(old[i], "实际") || strstr(old[i], "企业");
        if (!not_for_people(old[i], zh ? 0 : 1))
            fail_msg("the checker lets through \"%s\"", old[i]);
    }
    /* and lets through what people should read */
    assert_null(not_for_people("所属行业：人工智能；本政策要求：智能制造、新能源、新装备或新材料", 0));
    assert_null(not_for_people("Industry: artificial intelligence; this policy requires: smart "
                               "manufacturing, new energy, new equipment or new materials", 1));
    assert_null(not_for_people("Annual rent ¥1,200,000.00 × 30% = ¥360,000.00", 1));
    assert_null(not_for_people("Store 1 — Store kind: flagship store; this policy requires: "
                               "provided", 1));
}

/* Ensure every profile of cases/ reads in words, in both languages, JSON and table. */
static void test_cases_in_words(void **state)
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
    /* the bundled profiles, on a date in each window of the set */
    static const char *const dates[] = {"2018-06-30", "2021-06-30", "2025-06-30"};
    dir = opendir("cases/profiles");
    assert_non_null(dir);
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
            continue;
        char path[600];
        snprintf(path, sizeof path, "cases/profiles/%s", de->d_name);
        calc_diags d = {0};
        calc_profile *p = calc_profile_load(eng, path, &d);
        assert_non_null(p);
        for (int k = 0; k < 3; k++) {
            calc_date as_of;
            assert_int_equal(calc_date_parse(&as_of, dates[k], 10), 0);
            check_profile(p, as_of);
        }
        calc_profile_free(p);
        calc_diags_free(&d);
    }
    closedir(dir);
    /* the cases hold hundreds of profiles, with every kind of record */
    assert_true(nprofiles > 300);
    assert_true(nlabels > 3000);
    assert_true(ncomputation > 100);
    assert_true(nclaims > 50);
    assert_true(nsuperseded > 5);
    assert_true(nmissing > 20);
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
        cmocka_unit_test(test_checker_rejects_engine_words),
        cmocka_unit_test(test_cases_in_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
