/* test_schema.c — profile validation against policies/schema.yaml (calc/lib/schema.c, calc/lib/load.c)
 * through calc_profile_parse: typed values and defaults of a valid profile, and for invalid
 * input every diagnostic's code, line:col, field path, message and hint.
 * Tests named test_* assert the correct behaviour of a known defect and fail until fixed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

static calc_engine *engine;

static int setup(void **state)
{
    (void)state;
    calc_error err = {0};
    engine = calc_engine_new("policies", &err);
    if (!engine)
        fprintf(stderr, "cannot load policies: %s\n", err.msg);
    return engine ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    calc_engine_free(engine);
    engine = NULL;
    return 0;
}

static calc_profile *parse(const char *text, calc_diags *d)
{
    memset(d, 0, sizeof *d);
    return calc_profile_parse(engine, "test.yaml", text, strlen(text), d);
}

/* Parses text, which must load with no diagnostic. */
static calc_profile *parse_ok(const char *text)
{
    calc_diags d;
    calc_profile *p = parse(text, &d);
    if (d.n)
        fail_msg("%u:%u: %s: %s", d.v[0].line, d.v[0].col, d.v[0].path, d.v[0].msg);
    assert_non_null(p);
    calc_diags_free(&d);
    return p;
}

/* One expected diagnostic: severity error, the code, line:col (in test.yaml when positioned),
 * the field path (NULL: not checked), the message and the hint. */
typedef struct {
    int code;
    unsigned line, col;
    const char *path, *msg, *hint;
} diag;

/* 0 when x is the diagnostic w; else prints what differs and returns 1. */
static int diag_soft(const calc_error *x, const diag *w)
{
    int bad = x->code != w->code || x->severity != 0 || x->line != w->line || x->col != w->col ||
              (w->line && strcmp(x->file, "test.yaml") != 0) ||
              (w->path && strcmp(x->path, w->path) != 0) ||
              strcmp(x->msg, w->msg) != 0 || strcmp(x->hint, w->hint) != 0;
    if (bad)
        print_error("expected code %d %u:%u path '%s' msg '%s' hint '%s', got code %d severity %d "
                    "%s:%u:%u path '%s' msg '%s' hint '%s'\n",
                    w->code, w->line, w->col, w->path ? w->path : "(any)", w->msg, w->hint,
                    x->code, x->severity, x->file, x->line, x->col, x->path, x->msg, x->hint);
    return bad;
}

/* Parses text, which must fail with exactly the n diagnostics w, in that order; returns the
 * number of mismatches (printed). */
static int diags_soft(const char *text, const diag *w, size_t n)
{
    calc_diags d;
    calc_profile *p = parse(text, &d);
    int bad = 0;
    if (p) {
        print_error("the profile loads\n");
        calc_profile_free(p);
        bad++;
    } else if (d.n != n || calc_diags_errors(&d) != (int)n) {
        print_error("%zu diagnostics (%d errors), expected %zu\n", d.n, calc_diags_errors(&d), n);
        bad++;
    }
    for (size_t i = 0; i < n && i < d.n; i++)
        bad += diag_soft(&d.v[i], &w[i]);
    if (bad)
        print_error("  (profile:\n%s)\n", text);
    calc_diags_free(&d);
    return bad;
}

/* Parses text, which must fail with exactly the diagnostics of the array w. */
#define EXPECT_DIAGS(text, w) assert_int_equal(diags_soft(text, w, sizeof w / sizeof w[0]), 0)

/* A profile text that must fail with exactly one diagnostic. */
typedef struct {
    const char *text;
    diag d;
} one;

/* Checks every row; fails when any did not match. */
static void expect_ones(const one *rows, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += diags_soft(rows[i].text, &rows[i].d, 1);
    assert_int_equal(bad, 0);
}
#define EXPECT_ONES(rows) expect_ones(rows, sizeof rows / sizeof rows[0])

/* Parses text, which must fail with exactly one diagnostic, and checks it. */
static void expect_one(const char *text, int code, unsigned line, unsigned col, const char *path,
                       const char *msg, const char *hint)
{
    const one row = {text, {code, line, col, path, msg, hint}};
    expect_ones(&row, 1);
}

/* The typed value at a path like "hq.office.mode" or "stores[1].area_m2". */
static const pval *get(const calc_profile *p, const char *path)
{
    assert_true(p->root.set);
    const pobj *o = p->root.u.o;
    const pval *v = NULL;
    while (*path) {
        size_t len = strcspn(path, ".[");
        const snode *ch = schema_child(o->sn, path, len);
        assert_non_null(ch);
        v = &o->slot[ch->index];
        path += len;
        if (*path == '[') {
            char *end;
            size_t i = strtoul(path + 1, &end, 10);
            assert_true(v->set);
            assert_int_equal(v->type, T_LIST);
            assert_true(i < v->u.l->n);
            v = &v->u.l->item[i];
            path = end + 1;
        }
        if (*path == '.') {
            path++;
            assert_true(v->set);
            assert_int_equal(v->type, T_OBJECT);
            o = v->u.o;
        }
    }
    return v;
}

static calc_date day(const char *s)
{
    calc_date d = 0;
    assert_int_equal(calc_date_parse(&d, s, strlen(s)), 0);
    return d;
}


/* One typed value of a profile: at path, a whole number (V_INT: also bools, amounts in fen),
 * a date (V_DATE, s YYYY-MM-DD), a string (V_STR), an enum code (V_ENUM), a list of n items
 * (V_LEN) or absent (V_UNSET). */
enum { V_INT, V_DATE, V_STR, V_ENUM, V_LEN, V_UNSET };
typedef struct {
    const char *path;
    int kind;
    int64_t i;
    const char *s;
} field;

/* Checks every row against p, printing each mismatch; fails when any did not match. */
static void check_fields(const calc_profile *p, const field *rows, size_t n)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++) {
        const field *w = &rows[k];
        const pval *v = get(p, w->path);
        char got[200] = "", want[200] = "";
        int ok;
        switch (w->kind) {
        case V_UNSET:
            ok = !v->set;
            snprintf(want, sizeof want, "absent");
            snprintf(got, sizeof got, "%s", v->set ? "set" : "absent");
            break;
        case V_LEN:
            ok = v->set && v->type == T_LIST && v->u.l->n == (size_t)w->i;
            snprintf(want, sizeof want, "a list of %lld", (long long)w->i);
            if (v->set && v->type == T_LIST)
                snprintf(got, sizeof got, "a list of %zu", v->u.l->n);
            else
                snprintf(got, sizeof got, "not a list");
            break;
        case V_STR:
        case V_ENUM: {
            const char *s = w->kind == V_STR ? v->u.s : v->s;
            ok = v->set && s && strcmp(s, w->s) == 0;
            snprintf(want, sizeof want, "'%s'", w->s);
            snprintf(got, sizeof got, "'%s'", v->set && s ? s : "(absent)");
            break;
        }
        default: {
            int64_t i = w->kind == V_DATE ? day(w->s) : w->i;
            ok = v->set && v->u.i == i;
            snprintf(want, sizeof want, "%lld", (long long)i);
            if (v->set)
                snprintf(got, sizeof got, "%lld", (long long)v->u.i);
            else
                snprintf(got, sizeof got, "(absent)");
        }
        }
        if (!ok) {
            print_error("%s: expected %s, got %s\n", w->path, want, got);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}
#define CHECK_FIELDS(p, rows) check_fields(p, rows, sizeof rows / sizeof rows[0])

static const char *const money_hint = "write 15000, 15000.50, 1.5万 or 1,200,000";
static const char *const number_hint = "write a whole number, e.g. 12";
static const char *const date_hint = "write a real date as YYYY-MM-DD, e.g. 2025-03-01";
static const char *const add_hint = "add it to the profile";

/* Ensure a valid profile loads with no diagnostic and every value typed exactly as written. */
/* Every field (objects implied by dotted paths aside) and every enum value of the shipped schema has a Chinese and an English label:
 * the table, the page and the JSON never fall back to a path or a code. */
static void walk_labels(const snode *n, int *bad)
{
    if (n->path[0] && n->type != T_OBJECT && (!n->label || !n->label_en)) {
        print_error("field %s lacks %s\n", n->path, n->label ? "label_en" : "label");
        ++*bad;
    }
    for (size_t i = 0; i < n->nchild; i++)
        walk_labels(n->child[i], bad);
    if (n->item)
        walk_labels(n->item, bad);
}

static void test_every_label_in_both_languages(void **state)
{
    (void)state;
    const calc_schema *s = &engine->ps.schema;
    int bad = 0;
    walk_labels(s->root, &bad);
    for (size_t i = 0; i < s->nenum; i++)
        for (size_t k = 0; k < s->enums[i].n; k++) {
            const enum_def *e = &s->enums[i];
            /* districts are written in Chinese: their code is their Chinese label */
            if (e->zh[k] == e->values[k] && strcmp(e->name, "district") != 0)
                print_error("enum %s value %s lacks zh\n", e->name, e->values[k]), bad++;
            if (e->en[k] == e->values[k])
                print_error("enum %s value %s lacks en\n", e->name, e->values[k]), bad++;
        }
    assert_int_equal(bad, 0);
    const snode *rd = schema_resolve(s->root, "finance.rd_expense");
    assert_string_equal(snode_label(rd, 0), "研发投入");
    assert_string_equal(snode_label(rd, 1), "R&D expense");
    const enum_def *ind = schema_enum(s, "industry");
    int ai = enum_index(ind, "ai");
    assert_string_equal(enum_label_lang(ind, ai, 0), "人工智能");
    assert_string_equal(enum_label_lang(ind, ai, 1), "artificial intelligence");
}

static void test_valid_profile(void **state)
{
    (void)state;
    static const field valid[] = {
        {"name", V_STR, 0, "杭州示例科技有限公司"},
        {"district", V_ENUM, 0, "上城区"},
        {"tax_district", V_ENUM, 0, "拱墅区"},
        {"founded", V_DATE, 0, "2019-03-15"},
        {"industry", V_ENUM, 0, "software"},
        {"tags", V_LEN, 2, NULL},
        {"tags[0]", V_ENUM, 0, "high_tech"},
        {"tags[1]", V_ENUM, 0, "tech_enterprise"},
        {"employees", V_INT, 120, NULL},
        {"finance.year", V_INT, 2024, NULL},
        {"finance.revenue", V_INT, 800000050, NULL},
        {"finance.rd_expense", V_INT, 150000000, NULL},
        {"finance.local_contribution", V_INT, 5, NULL},
        {"finance.tax_paid", V_UNSET, 0, NULL},
        {"rd.major_project", V_INT, 1, NULL},
        {"stores", V_LEN, 1, NULL},
        {"stores[0].kind", V_ENUM, 0, "flagship"},
        {"stores[0].brand", V_STR, 0, "示例"},
        {"stores[0].brand_recognized", V_INT, 1, NULL},
        {"stores[0].opened", V_DATE, 0, "2025-02-28"},
        {"stores[0].district", V_ENUM, 0, "西湖区"},
        {"stores[0].area_m2", V_INT, 300, NULL},
        {"stores[0].fitout_investment", V_INT, 200000050, NULL},
        {"stores[0].street", V_UNSET, 0, NULL},
        {"hq.star", V_INT, 5, NULL},
        {"hq.office.mode", V_ENUM, 0, "rent"},
        {"hq.office.annual_rent", V_INT, 36000000, NULL},
        {"listing.stage", V_ENUM, 0, "filed"},
        {"listing.stages_paid[0]", V_ENUM, 0, "restructured"},
    };
    calc_diags d = {0};
    calc_profile *p = calc_profile_load(engine, "tests/data/schema/valid.yaml", &d);
    assert_int_equal(d.n, 0);
    assert_non_null(p);
    assert_string_equal(calc_profile_id(p), "91330102MA27XYZ12A");
    CHECK_FIELDS(p, valid);
    calc_profile_free(p);
    calc_diags_free(&d);
    /* a string keeps the scalar exactly as written: an all-digit id stays "0123" */
    static const field digits[] = {{"name", V_STR, 0, "123.50"}};
    p = parse_ok("id: 0123\nname: 123.50\n");
    assert_string_equal(calc_profile_id(p), "0123");
    CHECK_FIELDS(p, digits);
    calc_profile_free(p);
}

/* Ensure an unknown field is an error at its key with a "did you mean" hint. */
static void test_unknown_field_hint(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\nname: A\nfinance: {rd_expnse: 1}\n",
         {CALC_ESCHEMA, 3, 11, "finance.rd_expnse", "unknown field", "did you mean 'rd_expense'?"}},
        {"id: a\nname: A\nemploees: 3\n",
         {CALC_ESCHEMA, 3, 1, "emploees", "unknown field", "did you mean 'employees'?"}},
        {"id: a\nname: A\nfoo: 1\n",
         {CALC_ESCHEMA, 3, 1, "foo", "unknown field", "run 'calc schema' to list the fields"}},
    };
    EXPECT_ONES(rows);
}

/* Ensure an unknown enum value names the enum and suggests the closest code or label (a
 * Chinese label itself is the value: test_enum_label_is_the_value). */
static void test_unknown_enum_hint(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\nname: A\nindustry: softwar\n",
         {CALC_ESCHEMA, 3, 11, "industry", "unknown industry 'softwar'",
          "did you mean 'software'?"}},
        {"id: a\nname: A\nindustry: 人工智慧\n",
         {CALC_ESCHEMA, 3, 11, "industry", "unknown industry '人工智慧'",
          "did you mean '人工智能'?"}},
        /* the English label is no value (only the code and the Chinese label are) */
        {"id: a\nname: A\nindustry: artificial intelligence\n",
         {CALC_ESCHEMA, 3, 11, "industry", "unknown industry 'artificial intelligence'",
          "one of: ai metaverse humanoid_robotics embodied_ai machine_vision digital_content "
          "digital_manufacturing it software iot ecommerce advertising mobile_internet "
          "auto_internet finance digital_services culture professional_services commerce "
          "tourism health industrial_design smart_manufacturing new_energy new_equipment "
          "new_materials other"}},
        {"id: a\nname: A\ntags: [high_tek]\n",
         {CALC_ESCHEMA, 3, 8, "tags[0]", "unknown tag 'high_tek'", "did you mean 'high_tech'?"}},
        {"id: a\nname: A\ndistrict: 上城\n",
         {CALC_ESCHEMA, 3, 11, "district", "unknown district '上城'", "did you mean '上城区'?"}},
    };
    EXPECT_ONES(rows);
}
/* Ensure an enum value given by its Chinese label, exactly, is that value — in a field, a list
 * of tags and a list item's field, in YAML and in the API's JSON — and that the profile is the
 * one given by the codes: the same typed values, canonical form and fingerprint. */
static void test_enum_label_is_the_value(void **state)
{
    (void)state;
    static const field rows[] = {
        {"industry", V_ENUM, 0, "ai"},
        {"tags[0]", V_ENUM, 0, "tech_enterprise"},
        {"tags[1]", V_ENUM, 0, "high_tech"},
        {"stores[0].kind", V_ENUM, 0, "hangzhou_first"},
        {"hq.office.mode", V_ENUM, 0, "rent"},
        {"listing.stage", V_ENUM, 0, "restructured"},
    };
    calc_profile *zh = parse_ok("id: a\nname: A\nindustry: 人工智能\ntags: [科技型企业, 高新技术企业]\n"
                                "stores: [{kind: 杭州首店}]\nhq: {office: {mode: 租赁}}\n"
                                "listing: {stage: 完成股改}\n");
    calc_profile *code = parse_ok("id: a\nname: A\nindustry: ai\ntags: [tech_enterprise, "
                                  "high_tech]\nstores: [{kind: hangzhou_first}]\n"
                                  "hq: {office: {mode: rent}}\nlisting: {stage: restructured}\n");
    CHECK_FIELDS(zh, rows);
    char fz[65], fc[65];
    calc_profile_fingerprint(zh, fz);
    calc_profile_fingerprint(code, fc);
    assert_string_equal(fz, fc);
    char *cz = NULL, *cc = NULL;
    size_t nz = 0, nc = 0;
    FILE *f = open_memstream(&cz, &nz);
    calc_profile_canonical_write(f, zh);
    fclose(f);
    f = open_memstream(&cc, &nc);
    calc_profile_canonical_write(f, code);
    fclose(f);
    assert_string_equal(cz, cc);
    assert_non_null(strstr(cz, "\"industry\":\"ai\""));
    free(cz);
    free(cc);
    /* the API's JSON: the same profile */
    static const char json[] = "{\"id\": \"a\", \"name\": \"A\", \"industry\": \"人工智能\", "
                               "\"tags\": [\"科技型企业\", \"高新技术企业\"], \"stores\": [{\"kind\": "
                               "\"杭州首店\"}], \"hq\": {\"office\": {\"mode\": \"租赁\"}}, "
                               "\"listing\": {\"stage\": \"完成股改\"}}";
    calc_diags d = {0};
    calc_profile *api = calc_profile_parse_json(engine, "api", json, sizeof json - 1, &d);
    assert_non_null(api);
    assert_int_equal(d.n, 0);
    char fa[65];
    calc_profile_fingerprint(api, fa);
    assert_string_equal(fa, fc);
    calc_profile_free(api);
    calc_profile_free(zh);
    calc_profile_free(code);
    /* exactly the label: with a space after it, or a part of it, it is no value */
    static const one near[] = {
        {"id: a\nname: A\nindustry: \"人工智能 \"\n",
         {CALC_ESCHEMA, 3, 11, "industry", "unknown industry '人工智能 '", "did you mean '人工智能'?"}},
        {"id: a\nname: A\nstores: [{kind: 首店}]\n",
         {CALC_ESCHEMA, 3, 17, "stores[0].kind", "unknown store_kind '首店'",
          "one of: global_first asia_first china_first zhejiang_first hangzhou_first flagship"}},
    };
    EXPECT_ONES(near);
}

/* Writes text to a fresh schema file and loads it: the code, every diagnostic in d. */
static int load_schema_text(const char *text, calc_diags *d)
{
    char path[] = "/tmp/calc-test-schema-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    calc_schema s;
    memset(d, 0, sizeof *d);
    int rc = calc_schema_load(&s, path, d);
    calc_schema_free(&s);
    unlink(path);
    return rc;
}

/* Ensure a schema in which a label names two things is refused, since a value or a column may
 * be given by its label: two values of an enum with one label, a value's label that is another
 * value's code, two fields of the profile (or of one list's item) with one label; and that one
 * label in two scopes (a profile's field and a list item's) is fine. */
static void test_schema_labels_name_one_thing(void **state)
{
    (void)state;
    static const char *const head = "enums:\n  e:\n";
    static const struct {
        const char *enums, *fields, *msg;
    } rows[] = {
        {"    a: {zh: 甲, en: A}\n    b: {zh: 甲, en: B}\n", "",
         "the label '甲' of 'a' is 'b''s label too"},
        {"    a: {zh: b, en: A}\n    b: {zh: 乙, en: B}\n", "",
         "the label 'b' of 'a' is the code of 'b'"},
        {"    a: {zh: 甲, en: A}\n",
         "  x: {type: int, label: 数量, label_en: Count}\n"
         "  y.z: {type: int, label: 数量, label_en: Other}\n",
         "the label '数量' is x's too"},
        {"    a: {zh: 甲, en: A}\n",
         "  l: {type: list, label: 列表, label_en: List}\n"
         "  l[].p: {type: int, label: 数, label_en: N}\n"
         "  l[].q: {type: int, label: 量, label_en: N}\n",
         "the label 'N' is l[].p's too"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%sfields:\n  id: {type: string}\n%s", head, rows[i].enums,
                 rows[i].fields);
        calc_diags d;
        assert_int_equal(load_schema_text(text, &d), CALC_ESCHEMA);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.v[0].msg, rows[i].msg);
        calc_diags_free(&d);
    }
    calc_diags d;
    assert_int_equal(load_schema_text("enums:\n  e:\n    a: {zh: 甲, en: A}\nfields:\n"
                                      "  id: {type: string, label: 面积}\n"
                                      "  l: {type: list, label: 列表}\n"
                                      "  l[].area: {type: int, label: 面积}\n",
                                      &d),
                     0);
    assert_int_equal(d.n, 0);
}

/* BUG: Ensure a hint listing enum values never ends in a value cut in the middle. */
static void test_enum_list_hint_not_cut(void **state)
{
    (void)state;
    calc_diags d;
    assert_null(parse("id: a\nname: A\nindustry: zzzzzzzzzz\n", &d));
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].msg, "unknown industry 'zzzzzzzzzz'");
    const char *h = d.v[0].hint;
    assert_true(strncmp(h, "one of: ai metaverse ", 21) == 0);
    /* every word after "one of:" must be a real industry value (an ellipsis may end it) */
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", h + strlen("one of:"));
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
        if (strcmp(w, "…") == 0 || strcmp(w, "...") == 0)
            continue;
        char text[300];
        calc_diags d2;
        snprintf(text, sizeof text, "id: a\nname: A\nindustry: %s\n", w);
        calc_profile *p = parse(text, &d2);
        if (!p)
            fail_msg("hint '%s' lists '%s', which is not an industry", h, w);
        calc_profile_free(p);
        calc_diags_free(&d2);
    }
    calc_diags_free(&d);
}


/* Ensure Chinese district names are accepted wherever a district is expected. */
static void test_chinese_district(void **state)
{
    (void)state;
    static const field rows[] = {
        {"district", V_ENUM, 0, "钱塘区"},
        {"hq.office.district", V_ENUM, 0, "建德市"},
        {"stores[0].district", V_ENUM, 0, "淳安县"},
    };
    calc_profile *p = parse_ok("id: a\nname: A\ndistrict: 钱塘区\n"
                               "hq: {office: {district: 建德市}}\nstores: [{district: 淳安县}]\n");
    CHECK_FIELDS(p, rows);
    calc_profile_free(p);
}

/* Ensure every error of a file is reported, each at its own line:col, in file order. */
static void test_every_error_reported(void **state)
{
    (void)state;
    static const diag want[] = {
        {CALC_ESCHEMA, 3, 12, "employees", "expected a whole number, got 'x'", number_hint},
        {CALC_ESCHEMA, 4, 10, "founded", "expected a date YYYY-MM-DD, got '2025-02-30'",
         date_hint},
        {CALC_ESCHEMA, 6, 9, "hq.star", "expected a whole number from 0 to 5, got '6'", ""},
    };
    EXPECT_DIAGS("id: a\nname: A\nemployees: x\nfounded: 2025-02-30\nhq:\n  star: 6\n", want);
}

/* Ensure a duplicate key is reported at the second key, the hint pointing at the first. */
static void test_duplicate_key(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\nname: A\nid: b\n",
         {CALC_ESCHEMA, 3, 1, NULL, "duplicate key 'id'", "first given at line 1, column 1"}},
        {"id: a\nname: A\nfinance:\n  revenue: 1\n  revenue: 2\n",
         {CALC_ESCHEMA, 5, 3, NULL, "duplicate key 'revenue'", "first given at line 4, column 3"}},
    };
    EXPECT_ONES(rows);
}

/* BUG: Ensure a duplicate key does not hide the file's other errors (every error reported). */
static void test_duplicate_key_hides_other_errors(void **state)
{
    (void)state;
    static const diag want[] = {
        {CALC_ESCHEMA, 5, 3, NULL, "duplicate key 'revenue'", "first given at line 4, column 3"},
        {CALC_ESCHEMA, 6, 12, "employees", "expected a whole number, got 'x'", number_hint},
    };
    EXPECT_DIAGS("id: a\nname: A\nfinance:\n  revenue: 1\n  revenue: 2\nemployees: x\n", want);
}

/* Ensure missing required fields are reported at the mapping, one diagnostic each. */
static void test_required_missing(void **state)
{
    (void)state;
    static const one rows[] = {
        {"name: A\n", {CALC_ESCHEMA, 1, 1, "id", "required field is missing", add_hint}},
        {"id: a\n", {CALC_ESCHEMA, 1, 1, "name", "required field is missing", add_hint}},
        /* an explicit null is absent */
        {"id: ~\nname: A\n", {CALC_ESCHEMA, 1, 1, "id", "required field is missing", add_hint}},
    };
    EXPECT_ONES(rows);
    static const diag both[] = {
        {CALC_ESCHEMA, 1, 1, "id", "required field is missing", add_hint},
        {CALC_ESCHEMA, 1, 1, "name", "required field is missing", add_hint},
    };
    EXPECT_DIAGS("{}\n", both);
}

/* BUG: Ensure a required field that is present but invalid is not also called missing. */
static void test_required_invalid_not_missing(void **state)
{
    (void)state;
    expect_one("id: [1]\nname: A\n", CALC_ESCHEMA, 1, 5, "id",
               "expected a single value, got a list", "");
}

/* Ensure bad amounts are refused with the reason and a hint that fits the reason (none when
 * the reason says what to write). */
static void test_bad_money(void **state)
{
    (void)state;
    static const diag want[] = {
        {CALC_ESCHEMA, 4, 15, "finance.rd_expense",
         "expected an amount in yuan (not a number), got '1.5千'", money_hint},
        {CALC_ESCHEMA, 5, 12, "finance.revenue",
         "expected an amount in yuan (more than 2 decimals), got '100.123'",
         "round to the fen, e.g. 15000.50"},
        {CALC_ESCHEMA, 6, 13, "finance.tax_paid",
         "expected an amount in yuan (negative amounts are not allowed), got '-5'",
         "write 0 when there is none"},
        {CALC_ESCHEMA, 7, 23, "finance.local_contribution",
         "expected an amount in yuan (exponents are not allowed), got '1e5'",
         "write the digits out, e.g. 1500000 or 150万"},
        {CALC_ESCHEMA, 8, 23, "finance.loan_interest_paid",
         "expected an amount in yuan (misplaced thousands separator (write 1,200,000 or "
         "1200000)), got '1,00'",
         ""},
    };
    EXPECT_DIAGS("id: a\nname: A\nfinance:\n  rd_expense: 1.5千\n  revenue: 100.123\n"
                 "  tax_paid: -5\n  local_contribution: 1e5\n  loan_interest_paid: 1,00\n",
                 want);
}

/* Ensure an impossible or misshapen date is refused with the date hint. */
static void test_bad_date(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\nname: A\nfounded: 2025-02-30\n",
         {CALC_ESCHEMA, 3, 10, "founded", "expected a date YYYY-MM-DD, got '2025-02-30'",
          date_hint}},
        {"id: a\nname: A\nstores: [{opened: 2025/1-1}]\n",
         {CALC_ESCHEMA, 3, 19, "stores[0].opened", "expected a date YYYY-MM-DD, got '2025/1-1'",
          date_hint}},
    };
    EXPECT_ONES(rows);
}

/* Ensure a bool is plain true/false (TRUE/True as spreadsheets write them, 是/否): yes and a
 * quoted "true" are refused. */
static void test_bad_bool(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\nname: A\nrd:\n  major_project: yes\n",
         {CALC_ESCHEMA, 4, 18, "rd.major_project", "expected true or false, got 'yes'",
          "write true or false (or 是/否)"}},
        {"id: a\nname: A\nrd: {major_project: \"true\"}\n",
         {CALC_ESCHEMA, 3, 21, "rd.major_project", "expected true or false, got 'true'",
          "write true or false (or 是/否)"}},
    };
    EXPECT_ONES(rows);
}

/* Ensure int bounds are inclusive: 5 and 0 pass, 6 and -1 are refused with the range. */
static void test_int_range(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\nname: A\nhq: {star: 6}\n",
         {CALC_ESCHEMA, 3, 12, "hq.star", "expected a whole number from 0 to 5, got '6'", ""}},
        {"id: a\nname: A\nhq: {star: -1}\n",
         {CALC_ESCHEMA, 3, 12, "hq.star", "expected a whole number from 0 to 5, got '-1'", ""}},
        {"id: a\nname: A\nemployees: -1\n",
         {CALC_ESCHEMA, 3, 12, "employees", "expected a whole number >= 0, got '-1'", ""}},
        {"id: a\nname: A\nfinance: {year: 1899}\n",
         {CALC_ESCHEMA, 3, 17, "finance.year",
          "expected a whole number from 1900 to 2999, got '1899'", ""}},
        {"id: a\nname: A\nemployees: 12.5\n",
         {CALC_ESCHEMA, 3, 12, "employees", "expected a whole number, got '12.5'", number_hint}},
    };
    EXPECT_ONES(rows);
    static const field bounds[] = {
        {"employees", V_INT, 0, NULL},
        {"hq.star", V_INT, 5, NULL},
        {"finance.year", V_INT, 2999, NULL},
    };
    calc_profile *p = parse_ok("id: a\nname: A\nemployees: 0\nhq: {star: 5}\n"
                               "finance: {year: 2999}\n");
    CHECK_FIELDS(p, bounds);
    calc_profile_free(p);
}

/* BUG: Ensure the largest int64 is a whole number (employees has no upper bound). */
static void test_int64_max_is_whole_number(void **state)
{
    (void)state;
    static const field rows[] = {{"employees", V_INT, INT64_MAX, NULL}};
    calc_profile *p = parse_ok("id: a\nname: A\nemployees: 9223372036854775807\n");
    CHECK_FIELDS(p, rows);
    calc_profile_free(p);
}

/* Ensure values of the wrong shape say what was expected. */
static void test_wrong_shape(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\nname: A\ntags: high_tech\n",
         {CALC_ESCHEMA, 3, 7, "tags", "expected a list, got 'high_tech'", "write a list: [a, b]"}},
        {"id: a\nname: A\nfinance: 5\n",
         {CALC_ESCHEMA, 3, 10, "finance", "expected a mapping of fields, got 5", ""}},
        {"id: a\nname: A\nemployees: [1]\n",
         {CALC_ESCHEMA, 3, 12, "employees", "expected a single value, got a list", ""}},
        {"id: a\nname: A\nstores: [null]\n",
         {CALC_ESCHEMA, 3, 10, "stores[0]", "expected a list item, got null",
          "remove the empty item, or give it a value"}},
    };
    EXPECT_ONES(rows);
}

/* Ensure an explicit null is the same as an absent field (and defaults still apply). */
static void test_null_is_absent(void **state)
{
    (void)state;
    static const field rows[] = {
        {"employees", V_UNSET, 0, NULL},
        {"founded", V_UNSET, 0, NULL},
        {"finance.revenue", V_UNSET, 0, NULL},
        {"finance.year", V_UNSET, 0, NULL},
        {"rd.major_project", V_INT, 0, NULL},
        {"tags", V_LEN, 0, NULL},
        {"hq.office.mode", V_ENUM, 0, "none"},
    };
    calc_profile *p = parse_ok("id: a\nname: A\nemployees: ~\nfounded: null\nfinance: null\n"
                               "rd: {major_project: ~}\ntags: ~\nhq: {office: {mode: null}}\n");
    CHECK_FIELDS(p, rows);
    calc_profile_free(p);
}

/* Ensure schema defaults apply to absent fields, and fields without a default stay absent. */
static void test_defaults_applied(void **state)
{
    (void)state;
    static const field rows[] = {
        {"rd.major_project", V_INT, 0, NULL},
        {"tags", V_LEN, 0, NULL},
        {"hq.office.mode", V_ENUM, 0, "none"},
        {"hq.star", V_INT, 0, NULL},
        {"hq.star_rewarded_before", V_INT, 0, NULL},
        {"listing.stage", V_ENUM, 0, "none"},
        {"listing.stages_paid", V_LEN, 0, NULL},
        {"stores[0].brand_recognized", V_INT, 0, NULL},
        {"stores[0].opened", V_UNSET, 0, NULL},
        {"employees", V_UNSET, 0, NULL},
        {"industry", V_UNSET, 0, NULL},
        {"hq.office.annual_rent", V_UNSET, 0, NULL},
        {"finance.local_contribution", V_UNSET, 0, NULL},
    };
    calc_profile *p = parse_ok("id: a\nname: A\nstores: [{kind: flagship}]\n");
    CHECK_FIELDS(p, rows);
    calc_profile_free(p);
    static const field no_stores[] = {{"stores", V_LEN, 0, NULL}};
    p = parse_ok("id: a\nname: A\n");
    CHECK_FIELDS(p, no_stores);
    calc_profile_free(p);
}

/* Ensure a YAML syntax error gives libyaml's problem at its 1-based position. */
static void test_yaml_syntax_error(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\n  name: b\n",
         {CALC_ESYNTAX, 2, 7, "", "YAML syntax: mapping values are not allowed in this context",
          ""}},
        {"id: a\nname: \"abc\n",
         {CALC_ESYNTAX, 3, 1, "", "YAML syntax: found unexpected end of stream",
          "while scanning a quoted scalar (line 2, column 7)"}},
    };
    EXPECT_ONES(rows);
}

/* Ensure a UTF-8 BOM and CRLF line endings are accepted and positions stay right. */
static void test_bom_crlf(void **state)
{
    (void)state;
    static const field rows[] = {
        {"name", V_STR, 0, "A"},
        {"finance.revenue", V_INT, 1250, NULL},
    };
    calc_profile *p = parse_ok("\xef\xbb\xbfid: a\r\nname: A\r\nfinance:\r\n  revenue: 12.5\r\n");
    assert_string_equal(calc_profile_id(p), "a");
    CHECK_FIELDS(p, rows);
    calc_profile_free(p);
    static const diag want[] = {
        {CALC_ESCHEMA, 3, 10, "founded", "expected a single value, got a list", ""},
        {CALC_ESCHEMA, 4, 12, "employees", "expected a whole number, got 'x'", number_hint},
    };
    EXPECT_DIAGS("\xef\xbb\xbfid: a\r\nname: A\r\nfounded: [1]\r\nemployees: x\r\n", want);
    /* the BOM is not a column */
    calc_diags d;
    assert_null(parse("\xef\xbb\xbf" "employees: x\r\nid: a\r\nname: A\r\n", &d));
    assert_int_equal(d.n, 1);
    assert_int_equal(d.v[0].line, 1);
    assert_int_equal(d.v[0].col, 12);
    calc_diags_free(&d);
}

/* Ensure a stream of several documents is refused at the second one. */
static void test_multi_document(void **state)
{
    (void)state;
    expect_one("id: a\nname: A\n---\nid: b\nname: B\n", CALC_ESCHEMA, 4, 1, "",
               "expected one profile, found 2 documents",
               "use 'calc batch' for a stream of profiles");
}

/* Ensure an empty (or comment-only) file and a non-mapping document are refused. */
static void test_empty_file(void **state)
{
    (void)state;
    static const char *const empty[] = {"", "# only a comment\n", "\n\n"};
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
        calc_diags d;
        assert_null(parse(empty[i], &d));
        assert_int_equal(d.n, 1);
        assert_int_equal(d.v[0].code, CALC_ESCHEMA);
        assert_string_equal(d.v[0].msg, "test.yaml: the file is empty; expected a profile");
        assert_string_equal(d.v[0].hint, "see 'calc init' for a template");
        calc_diags_free(&d);
    }
    static const one rows[] = {
        {"- a\n",
         {CALC_ESCHEMA, 1, 1, "", "expected a profile (a mapping of fields)",
          "a profile is a mapping of fields, see 'calc init'"}},
        {"just text\n",
         {CALC_ESCHEMA, 1, 1, "", "expected a profile (a mapping of fields)",
          "a profile is a mapping of fields, see 'calc init'"}},
    };
    EXPECT_ONES(rows);
}

/* Ensure YAML aliases are refused at the alias, for scalars and for mappings. */
static void test_alias_rejected(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: &x a\nname: *x\n",
         {CALC_ESYNTAX, 2, 7, "", "YAML aliases (*x) are not accepted",
          "write the value out in full"}},
        {"id: a\nname: A\nhq: &m {star: 1}\nlisting: *m\n",
         {CALC_ESYNTAX, 4, 10, "", "YAML aliases (*m) are not accepted",
          "write the value out in full"}},
    };
    EXPECT_ONES(rows);
}
/* Builds "id: a\nname: A\nx: " + n '[' + n ']' (the root mapping is one more level). */
static char *nested(int n)
{
    char *s = malloc(17 + 2 * (size_t)n + 2);
    assert_non_null(s);
    strcpy(s, "id: a\nname: A\nx: "); /* 17 bytes */
    memset(s + 17, '[', (size_t)n);
    memset(s + 17 + n, ']', (size_t)n);
    strcpy(s + 17 + 2 * n, "\n");
    return s;
}

/* Ensure 64 levels of nesting parse and the 65th level is refused with CALC_ELIMIT, saying which
 * flag raises the limit. */
static void test_nesting_limit(void **state)
{
    (void)state;
    char *s = nested(63); /* 64 levels: reaches validation */
    expect_one(s, CALC_ESCHEMA, 3, 1, "x", "unknown field",
               "run 'calc schema' to list the fields");
    free(s);
    s = nested(64); /* 65 levels: the 64th '[' opens level 65, at column 4 + 63 */
    expect_one(s, CALC_ELIMIT, 3, 67, "", "nesting deeper than 64 levels (--max-depth)",
               "a profile is a few levels deep; if the file is right, raise --max-depth (8 to "
               "256)");
    free(s);
    s = nested(5000);
    expect_one(s, CALC_ELIMIT, 3, 67, "", "nesting deeper than 64 levels (--max-depth)",
               "a profile is a few levels deep; if the file is right, raise --max-depth (8 to "
               "256)");
    free(s);
}


/* Ensure an error in a list item is reported with the item's 0-based index in the path. */
static void test_store_item_path(void **state)
{
    (void)state;
    static const one rows[] = {
        {"id: a\nname: A\nstores:\n  - kind: flagship\n    area_m2: 100\n"
         "  - kind: flagship\n    area_m2: big\n",
         {CALC_ESCHEMA, 7, 14, "stores[1].area_m2", "expected a whole number, got 'big'",
          number_hint}},
        /* columns count code points, not bytes, after Chinese text */
        {"id: a\nname: A\nstores: [{street: 湖滨步行街, area_m2: x}]\n",
         {CALC_ESCHEMA, 3, 35, "stores[0].area_m2", "expected a whole number, got 'x'",
          number_hint}},
    };
    EXPECT_ONES(rows);
    static const diag want[] = {
        {CALC_ESCHEMA, 6, 11, "stores[1].kind", "unknown store_kind 'flagshop'",
         "did you mean 'flagship'?"},
        {CALC_ESCHEMA, 7, 14, "stores[1].area_m2", "expected a whole number >= 0, got '-1'", ""},
    };
    EXPECT_DIAGS("id: a\nname: A\nstores:\n  - kind: flagship\n    area_m2: 100\n"
                 "  - kind: flagshop\n    area_m2: -1\n",
                 want);
}

/* Ensure a packed profile unpacks to the same profile: the same canonical form (so the same
 * fingerprint), absent fields absent, and that truncated or corrupt packings are refused. */
/* Ensure the schema's rules of book 2 §1.6 reach the nodes: absence that means none, the
 * district's records, list keys (required), the month type and the enum defaults of §2. */
static void test_book2_rules(void **state)
{
    (void)state;
    const snode *root = engine->ps.schema.root;
    const snode *end = schema_resolve(root, "lease.end"), *moved = schema_resolve(root, "moved_in");
    assert_true(end->absent_none && moved->absent_none && !end->has_default);
    assert_true(schema_absent_none(end) && schema_absent_none(schema_resolve(root, "grants")));
    assert_true(schema_absent_none(schema_resolve(root, "zone")));
    assert_false(schema_absent_none(schema_resolve(root, "lease.start")));
    const snode *aw = schema_resolve(root, "awards");
    assert_true(aw->from_records && schema_from_records(schema_resolve(root, "awards[].key")));
    assert_false(schema_from_records(schema_resolve(root, "grants[].name")));
    assert_null(schema_list_key(aw));
    for (const char *const *k = (const char *const[]){"policy", "year", "amount", "key", NULL};
         *k; k++)
        assert_true(schema_child(aw->item, *k, strlen(*k))->required);
    assert_ptr_equal(schema_list_key(schema_resolve(root, "grants")),
                     schema_resolve(root, "grants[].name"));
    assert_ptr_equal(schema_list_key(schema_resolve(root, "talents")),
                     schema_resolve(root, "talents[].name"));
    const snode *m = schema_resolve(root, "social.monthly[].month");
    assert_ptr_equal(schema_list_key(schema_resolve(root, "social.monthly")), m);
    assert_true(m->is_key && m->required && m->type == T_MONTH);
    assert_null(schema_list_key(schema_resolve(root, "stores")));
    const snode *zone = schema_resolve(root, "zone"), *board = schema_resolve(root, "listing.board");
    assert_string_equal(zone->dflt_s, "other");
    assert_string_equal(board->dflt_s, "other");
    assert_string_equal(schema_resolve(root, "hq.office.mode")->dflt_s, "none");
    calc_profile *p = parse_ok("id: A\nname: n\nsocial:\n  monthly:\n    - month: 2024年3月\n");
    const pval *v = get(p, "zone");
    assert_true(v->set);
    assert_string_equal(v->s, "other");
    assert_false(get(p, "lease.end")->set);
    sbuf b = {0};
    calc_profile_canonical(&b, p);
    assert_non_null(strstr(b.p, "\"monthly\":[{\"month\":\"2024-03\"}]"));
    sb_free(&b);
    calc_profile_free(p);
}

static void test_pack_round_trip(void **state)
{
    (void)state;
    const char *files[] = {"tests/data/schema/valid.yaml", "cases/profiles/example.yaml",
                           "tests/data/schema/book2.yaml"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        calc_diags d = {0};
        calc_profile *p = calc_profile_load(engine, files[f], &d);
        assert_non_null(p);
        sbuf packed = {0}, a = {0}, b = {0};
        profile_pack(&packed, p);
        calc_profile q;
        memset(&q, 0, sizeof q);
        assert_int_equal(profile_unpack(&q, &engine->ps.schema, packed.p, packed.n), 0);
        calc_profile_canonical(&a, p);
        calc_profile_canonical(&b, &q);
        assert_string_equal(a.p, b.p);
        assert_string_equal(q.id, calc_profile_id(p));
        if (f == 0) /* valid.yaml leaves finance.tax_paid out */
            assert_false(get(&q, "finance.tax_paid")->set);
        arena_free(&q.a);
        for (size_t cut = 0; cut < packed.n; cut++) { /* every truncation is refused */
            memset(&q, 0, sizeof q);
            assert_int_equal(profile_unpack(&q, &engine->ps.schema, packed.p, cut), -1);
            arena_free(&q.a);
        }
        packed.p[0] = 7; /* not a presence tag */
        memset(&q, 0, sizeof q);
        assert_int_equal(profile_unpack(&q, &engine->ps.schema, packed.p, packed.n), -1);
        arena_free(&q.a);
        sb_free(&packed);
        sb_free(&a);
        sb_free(&b);
        calc_profile_free(p);
        calc_diags_free(&d);
    }
}

/* Validates one JSON line both ways: through the value tree (the long way, with diagnostics)
 * and straight into the profile (calc_json_profile). Returns whether the long way accepted it;
 * asserts that the short way agrees and, when valid, builds the same profile. */
static bool both_ways(const char *line, size_t len)
{
    calc_profile slow, fast;
    memset(&slow, 0, sizeof slow);
    memset(&fast, 0, sizeof fast);
    calc_diags d = {0};
    value *doc = NULL;
    bool ok = calc_json_parse(&slow.a, "t.jsonl", 1, line, len, &doc, &d) == 0 &&
              profile_from_value(&slow, &engine->ps.schema, doc, &d) == 0;
    int rc = calc_json_profile(&fast.a, &engine->ps.schema, "t.jsonl", 1, line, len, &fast);
    if (ok != (rc == 0))
        fail_msg("long way %s, short way %s: %.*s", ok ? "valid" : "invalid",
                 rc == 0 ? "valid" : "invalid", (int)len, line);
    if (ok) {
        sbuf a = {0}, b = {0};
        calc_profile_canonical(&a, &slow);
        calc_profile_canonical(&b, &fast);
        assert_string_equal(a.p, b.p);
        assert_string_equal(slow.id, fast.id);
        sb_free(&a);
        sb_free(&b);
    }
    calc_diags_free(&d);
    arena_free(&slow.a);
    arena_free(&fast.a);
    return ok;
}

/* Ensure a JSON Lines record read straight into a profile is the profile the value tree gives,
 * for every record of the test populations, and that whatever the long way rejects (unknown,
 * repeated or missing fields, wrong shapes and values, nulls in lists, trailing values) the
 * short way refuses too, so that the long way reports it. */
static void test_json_short_way(void **state)
{
    (void)state;
    const char *files[] = {"tests/data/batch/population.jsonl", "tests/data/batch/bad.jsonl",
                           "tests/data/batch/long-id.jsonl", "tests/data/hostile/types.jsonl",
                           "tests/data/hostile/max-amounts.jsonl"};
    size_t valid = 0, invalid = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        FILE *in = fopen(files[f], "r");
        assert_non_null(in);
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, in)) > 0) {
            size_t len = (size_t)n - (line[n - 1] == '\n');
            if (both_ways(line, len))
                valid++;
            else
                invalid++;
        }
        free(line);
        fclose(in);
    }
    assert_true(valid >= 395);
    assert_true(invalid >= 5);
    const char *bad[] = {
        "{\"id\": \"A\", \"name\": \"n\", \"nmae\": \"x\"}",              /* unknown field */
        "{\"id\": \"A\", \"name\": \"n\", \"id\": \"B\"}",                /* repeated */
        "{\"name\": \"x\"}",                                              /* id missing */
        "{\"id\": \"A\", \"name\": null}",                                /* null: absent */
        "{\"id\": \"A\", \"name\": \"n\", \"employees\": \"12x\"}",       /* not a number */
        "{\"id\": \"A\", \"name\": \"n\", \"employees\": -1}",            /* below its minimum */
        "{\"id\": \"A\", \"name\": \"n\", \"tags\": [null]}",             /* null item */
        "{\"id\": \"A\", \"name\": \"n\", \"tags\": \"high_tech\"}",      /* not a list */
        "{\"id\": \"A\", \"name\": \"n\", \"finance\": [1]}",             /* not an object */
        "{\"id\": \"A\", \"name\": \"n\", \"rd\": {\"major_project\": \"true\"}}", /* quoted bool */
        "{\"id\": \"A\", \"name\": \"n\", \"founded\": \"2025-02-30\"}",  /* no such day */
        "{\"id\": \"A\", \"name\": \"n\", \"district\": \"Shangcheng\"}", /* unknown enum */
        "{\"id\": \"A\", \"name\": \"n\", \"finance\": {\"revenue\": \"1.234\"}}", /* 3 decimals */
        "{\"id\": \"A\", \"name\": \"n\"} {\"id\": \"B\"}",               /* two values */
        "[{\"id\": \"A\", \"name\": \"n\"}]",                             /* not an object */
        "\"A\"", "", "{\"id\": \"A\", \"name\": \"n\",}",
        /* book 2 §1.6: an item without its key, two items with one key, an award without one
         * of its four fields, a month that is no month */
        "{\"id\": \"A\", \"name\": \"n\", \"grants\": [{\"level\": \"city\"}]}",
        "{\"id\": \"A\", \"name\": \"n\", \"grants\": [{\"name\": \"x\"}, {\"name\": \"x\"}]}",
        "{\"id\": \"A\", \"name\": \"n\", \"social\": {\"monthly\": [{\"month\": \"2024-01\"}, "
        "{\"month\": \"2024/1\"}]}}",
        "{\"id\": \"A\", \"name\": \"n\", \"awards\": [{\"policy\": \"p\", \"year\": 2024, "
        "\"amount\": 1}]}",
        "{\"id\": \"A\", \"name\": \"n\", \"social\": {\"monthly\": [{\"month\": \"2024-13\"}]}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(both_ways(bad[i], strlen(bad[i])));
    const char *good[] = {
        "{\"id\": \"A\", \"name\": \"n\", \"employees\": null, \"tags\": [], \"stores\": []}",
        "{\"id\": 12, \"name\": \"\\u4f01\\u4e1a\\\"x\\\"\", \"employees\": \"7\"}",
        "{\"id\": \"A\", \"name\": \"n\", \"finance\": {\"revenue\": 1500.5, \"year\": 2024}}",
        "{\"id\": \"A\", \"name\": \"n\", \"grants\": [{\"name\": 2024}, {\"name\": \"2024 \"}], "
        "\"social\": {\"monthly\": [{\"month\": \"2024年3月\"}, {\"month\": \"2024-04\"}]}, "
        "\"awards\": [{\"policy\": \"p\", \"year\": 2024, \"amount\": 1, \"key\": 2024}, "
        "{\"policy\": \"p\", \"year\": 2024, \"amount\": 1, \"key\": \"2024\"}]}",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_true(both_ways(good[i], strlen(good[i])));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_label_in_both_languages),
        cmocka_unit_test(test_enum_label_is_the_value),
        cmocka_unit_test(test_schema_labels_name_one_thing),
        cmocka_unit_test(test_valid_profile),
        cmocka_unit_test(test_unknown_field_hint),
        cmocka_unit_test(test_unknown_enum_hint),
        cmocka_unit_test(test_enum_list_hint_not_cut),
        cmocka_unit_test(test_chinese_district),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_duplicate_key_hides_other_errors),
        cmocka_unit_test(test_required_missing),
        cmocka_unit_test(test_required_invalid_not_missing),
        cmocka_unit_test(test_bad_money),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_bad_bool),
        cmocka_unit_test(test_int_range),
        cmocka_unit_test(test_int64_max_is_whole_number),
        cmocka_unit_test(test_wrong_shape),
        cmocka_unit_test(test_null_is_absent),
        cmocka_unit_test(test_defaults_applied),
        cmocka_unit_test(test_yaml_syntax_error),
        cmocka_unit_test(test_bom_crlf),
        cmocka_unit_test(test_multi_document),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_alias_rejected),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_store_item_path),
        cmocka_unit_test(test_book2_rules),
        cmocka_unit_test(test_pack_round_trip),
        cmocka_unit_test(test_json_short_way),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
