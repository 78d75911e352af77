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

/* Asserts every field of one diagnostic (severity error, file test.yaml when positioned). */
static void expect_diag(const calc_error *x, int code, unsigned line, unsigned col,
                        const char *path, const char *msg, const char *hint)
{
    assert_int_equal(x->code, code);
    assert_int_equal(x->severity, 0);
    assert_int_equal(x->line, line);
    assert_int_equal(x->col, col);
    if (line)
        assert_string_equal(x->file, "test.yaml");
    if (path) /* NULL: not checked */
        assert_string_equal(x->path, path);
    assert_string_equal(x->msg, msg);
    assert_string_equal(x->hint, hint);
}

/* Parses text, which must fail with exactly one diagnostic, and checks it. */
static void expect_one(const char *text, int code, unsigned line, unsigned col, const char *path,
                       const char *msg, const char *hint)
{
    calc_diags d;
    calc_profile *p = parse(text, &d);
    assert_null(p);
    assert_int_equal(d.n, 1);
    expect_diag(&d.v[0], code, line, col, path, msg, hint);
    calc_diags_free(&d);
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

static int64_t get_i(const calc_profile *p, const char *path)
{
    const pval *v = get(p, path);
    assert_true(v->set);
    return v->u.i;
}

static calc_date day(const char *s)
{
    calc_date d = 0;
    assert_int_equal(calc_date_parse(&d, s, strlen(s)), 0);
    return d;
}

static const char *const money_hint = "write 15000 for ¥15,000 (at most 2 decimals: 15000.50)";

/* Ensure a valid profile loads with no diagnostic and every value typed exactly as written. */
static void test_valid_profile(void **state)
{
    (void)state;
    calc_diags d = {0};
    calc_profile *p = calc_profile_load(engine, "tests/data/schema/valid.yaml", &d);
    assert_int_equal(d.n, 0);
    assert_non_null(p);
    assert_string_equal(calc_profile_id(p), "91330102MA27XYZ12A");
    assert_string_equal(get(p, "name")->u.s, "杭州示例科技有限公司");
    assert_string_equal(get(p, "district")->s, "上城区");
    assert_string_equal(get(p, "tax_district")->s, "拱墅区");
    assert_int_equal(get_i(p, "founded"), day("2019-03-15"));
    assert_string_equal(get(p, "industry")->s, "software");
    assert_int_equal(get(p, "tags")->u.l->n, 2);
    assert_string_equal(get(p, "tags[0]")->s, "high_tech");
    assert_string_equal(get(p, "tags[1]")->s, "tech_enterprise");
    assert_int_equal(get_i(p, "employees"), 120);
    assert_int_equal(get_i(p, "finance.year"), 2024);
    assert_int_equal(get_i(p, "finance.revenue"), 800000050);
    assert_int_equal(get_i(p, "finance.rd_expense"), 150000000);
    assert_int_equal(get_i(p, "finance.local_contribution"), 5);
    assert_false(get(p, "finance.tax_paid")->set);
    assert_int_equal(get_i(p, "rd.major_project"), 1);
    assert_int_equal(get(p, "stores")->u.l->n, 1);
    assert_string_equal(get(p, "stores[0].kind")->s, "flagship");
    assert_string_equal(get(p, "stores[0].brand")->u.s, "示例");
    assert_int_equal(get_i(p, "stores[0].brand_recognized"), 1);
    assert_int_equal(get_i(p, "stores[0].opened"), day("2025-02-28"));
    assert_string_equal(get(p, "stores[0].district")->s, "西湖区");
    assert_int_equal(get_i(p, "stores[0].area_m2"), 300);
    assert_int_equal(get_i(p, "stores[0].fitout_investment"), 200000050);
    assert_false(get(p, "stores[0].street")->set);
    assert_int_equal(get_i(p, "hq.star"), 5);
    assert_string_equal(get(p, "hq.office.mode")->s, "rent");
    assert_int_equal(get_i(p, "hq.office.annual_rent"), 36000000);
    assert_string_equal(get(p, "listing.stage")->s, "filed");
    assert_string_equal(get(p, "listing.stages_paid[0]")->s, "restructured");
    calc_profile_free(p);
    calc_diags_free(&d);
    /* a string keeps the scalar exactly as written: an all-digit id stays "0123" */
    p = parse_ok("id: 0123\nname: 123.50\n");
    assert_string_equal(calc_profile_id(p), "0123");
    assert_string_equal(get(p, "name")->u.s, "123.50");
    calc_profile_free(p);
}

/* Ensure an unknown field is an error at its key with a "did you mean" hint. */
static void test_unknown_field_hint(void **state)
{
    (void)state;
    expect_one("id: a\nname: A\nfinance: {rd_expnse: 1}\n", CALC_ESCHEMA, 3, 11,
               "finance.rd_expnse", "unknown field", "did you mean 'rd_expense'?");
    expect_one("id: a\nname: A\nemploees: 3\n", CALC_ESCHEMA, 3, 1, "emploees", "unknown field",
               "did you mean 'employees'?");
    expect_one("id: a\nname: A\nfoo: 1\n", CALC_ESCHEMA, 3, 1, "foo", "unknown field",
               "run 'calc schema' to list the fields");
}

/* Ensure an unknown enum value names the enum and suggests the closest value or label. */
static void test_unknown_enum_hint(void **state)
{
    (void)state;
    expect_one("id: a\nname: A\nindustry: softwar\n", CALC_ESCHEMA, 3, 11, "industry",
               "unknown industry 'softwar'", "did you mean 'software'?");
    /* the Chinese label is a hint, never silently accepted */
    expect_one("id: a\nname: A\nindustry: 软件\n", CALC_ESCHEMA, 3, 11, "industry",
               "unknown industry '软件'", "did you mean 'software'?");
    expect_one("id: a\nname: A\ntags: [high_tek]\n", CALC_ESCHEMA, 3, 8, "tags[0]",
               "unknown tag 'high_tek'", "did you mean 'high_tech'?");
    expect_one("id: a\nname: A\ndistrict: 上城\n", CALC_ESCHEMA, 3, 11, "district",
               "unknown district '上城'", "did you mean '上城区'?");
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
    calc_profile *p = parse_ok("id: a\nname: A\ndistrict: 钱塘区\n"
                               "hq: {office: {district: 建德市}}\nstores: [{district: 淳安县}]\n");
    assert_string_equal(get(p, "district")->s, "钱塘区");
    assert_string_equal(get(p, "hq.office.district")->s, "建德市");
    assert_string_equal(get(p, "stores[0].district")->s, "淳安县");
    calc_profile_free(p);
}

/* Ensure every error of a file is reported, each at its own line:col, in file order. */
static void test_every_error_reported(void **state)
{
    (void)state;
    calc_diags d;
    calc_profile *p = parse("id: a\nname: A\nemployees: x\nfounded: 2025-02-30\nhq:\n  star: 6\n",
                            &d);
    assert_null(p);
    assert_int_equal(d.n, 3);
    assert_int_equal(calc_diags_errors(&d), 3);
    expect_diag(&d.v[0], CALC_ESCHEMA, 3, 12, "employees", "expected a whole number, got 'x'",
                "write a whole number, e.g. 12");
    expect_diag(&d.v[1], CALC_ESCHEMA, 4, 10, "founded",
                "expected a date YYYY-MM-DD, got '2025-02-30'",
                "write a real date as YYYY-MM-DD, e.g. 2025-03-01");
    expect_diag(&d.v[2], CALC_ESCHEMA, 6, 9, "hq.star",
                "expected a whole number from 0 to 5, got '6'", "");
    calc_diags_free(&d);
}

/* Ensure a duplicate key is reported at the second key, the hint pointing at the first. */
static void test_duplicate_key(void **state)
{
    (void)state;
    expect_one("id: a\nname: A\nid: b\n", CALC_ESCHEMA, 3, 1, NULL, "duplicate key 'id'",
               "first given at line 1, column 1");
    expect_one("id: a\nname: A\nfinance:\n  revenue: 1\n  revenue: 2\n", CALC_ESCHEMA, 5, 3,
               NULL, "duplicate key 'revenue'", "first given at line 4, column 3");
}

/* BUG: Ensure a duplicate key does not hide the file's other errors (every error reported). */
static void test_duplicate_key_hides_other_errors(void **state)
{
    (void)state;
    calc_diags d;
    assert_null(parse("id: a\nname: A\nfinance:\n  revenue: 1\n  revenue: 2\nemployees: x\n", &d));
    assert_int_equal(d.n, 2);
    assert_string_equal(d.v[0].msg, "duplicate key 'revenue'");
    expect_diag(&d.v[1], CALC_ESCHEMA, 6, 12, "employees", "expected a whole number, got 'x'",
                "write a whole number, e.g. 12");
    calc_diags_free(&d);
}

/* Ensure missing required fields are reported at the mapping, one diagnostic each. */
static void test_required_missing(void **state)
{
    (void)state;
    expect_one("name: A\n", CALC_ESCHEMA, 1, 1, "id", "required field is missing",
               "add it to the profile");
    expect_one("id: a\n", CALC_ESCHEMA, 1, 1, "name", "required field is missing",
               "add it to the profile");
    /* an explicit null is absent */
    expect_one("id: ~\nname: A\n", CALC_ESCHEMA, 1, 1, "id", "required field is missing",
               "add it to the profile");
    calc_diags d;
    assert_null(parse("{}\n", &d));
    assert_int_equal(d.n, 2);
    expect_diag(&d.v[0], CALC_ESCHEMA, 1, 1, "id", "required field is missing",
                "add it to the profile");
    expect_diag(&d.v[1], CALC_ESCHEMA, 1, 1, "name", "required field is missing",
                "add it to the profile");
    calc_diags_free(&d);
}

/* BUG: Ensure a required field that is present but invalid is not also called missing. */
static void test_required_invalid_not_missing(void **state)
{
    (void)state;
    expect_one("id: [1]\nname: A\n", CALC_ESCHEMA, 1, 5, "id",
               "expected a single value, got a list", "");
}

/* Ensure bad amounts are refused with the reason and the money hint. */
static void test_bad_money(void **state)
{
    (void)state;
    calc_diags d;
    assert_null(parse("id: a\nname: A\nfinance:\n  rd_expense: 1.5万\n  revenue: 100.123\n"
                      "  tax_paid: -5\n  local_contribution: 1e5\n  loan_interest_paid: 1,000\n",
                      &d));
    assert_int_equal(d.n, 5);
    expect_diag(&d.v[0], CALC_ESCHEMA, 4, 15, "finance.rd_expense",
                "expected an amount in yuan (not a number), got '1.5万'", money_hint);
    expect_diag(&d.v[1], CALC_ESCHEMA, 5, 12, "finance.revenue",
                "expected an amount in yuan (more than 2 decimals), got '100.123'", money_hint);
    expect_diag(&d.v[2], CALC_ESCHEMA, 6, 13, "finance.tax_paid",
                "expected an amount in yuan (negative amounts are not allowed), got '-5'",
                money_hint);
    expect_diag(&d.v[3], CALC_ESCHEMA, 7, 23, "finance.local_contribution",
                "expected an amount in yuan (exponents are not allowed), got '1e5'", money_hint);
    expect_diag(&d.v[4], CALC_ESCHEMA, 8, 23, "finance.loan_interest_paid",
                "expected an amount in yuan (thousands separators are not allowed), got '1,000'",
                money_hint);
    calc_diags_free(&d);
}

/* Ensure an impossible or misshapen date is refused with the date hint. */
static void test_bad_date(void **state)
{
    (void)state;
    const char *hint = "write a real date as YYYY-MM-DD, e.g. 2025-03-01";
    expect_one("id: a\nname: A\nfounded: 2025-02-30\n", CALC_ESCHEMA, 3, 10, "founded",
               "expected a date YYYY-MM-DD, got '2025-02-30'", hint);
    expect_one("id: a\nname: A\nstores: [{opened: 2025-1-1}]\n", CALC_ESCHEMA, 3, 19,
               "stores[0].opened", "expected a date YYYY-MM-DD, got '2025-1-1'", hint);
}

/* Ensure a bool is only plain true/false: yes and a quoted "true" are refused. */
static void test_bad_bool(void **state)
{
    (void)state;
    expect_one("id: a\nname: A\nrd:\n  major_project: yes\n", CALC_ESCHEMA, 4, 18,
               "rd.major_project", "expected true or false, got 'yes'", "write true or false");
    expect_one("id: a\nname: A\nrd: {major_project: \"true\"}\n", CALC_ESCHEMA, 3, 21,
               "rd.major_project", "expected true or false, got 'true'", "write true or false");
}

/* Ensure int bounds are inclusive: 5 and 0 pass, 6 and -1 are refused with the range. */
static void test_int_range(void **state)
{
    (void)state;
    expect_one("id: a\nname: A\nhq: {star: 6}\n", CALC_ESCHEMA, 3, 12, "hq.star",
               "expected a whole number from 0 to 5, got '6'", "");
    expect_one("id: a\nname: A\nhq: {star: -1}\n", CALC_ESCHEMA, 3, 12, "hq.star",
               "expected a whole number from 0 to 5, got '-1'", "");
    expect_one("id: a\nname: A\nemployees: -1\n", CALC_ESCHEMA, 3, 12, "employees",
               "expected a whole number >= 0, got '-1'", "");
    expect_one("id: a\nname: A\nfinance: {year: 1899}\n", CALC_ESCHEMA, 3, 17, "finance.year",
               "expected a whole number from 1900 to 2999, got '1899'", "");
    expect_one("id: a\nname: A\nemployees: 12.5\n", CALC_ESCHEMA, 3, 12, "employees",
               "expected a whole number, got '12.5'", "write a whole number, e.g. 12");
    calc_profile *p = parse_ok("id: a\nname: A\nemployees: 0\nhq: {star: 5}\n"
                               "finance: {year: 2999}\n");
    assert_int_equal(get_i(p, "employees"), 0);
    assert_int_equal(get_i(p, "hq.star"), 5);
    assert_int_equal(get_i(p, "finance.year"), 2999);
    calc_profile_free(p);
}

/* BUG: Ensure the largest int64 is a whole number (employees has no upper bound). */
static void test_int64_max_is_whole_number(void **state)
{
    (void)state;
    calc_profile *p = parse_ok("id: a\nname: A\nemployees: 9223372036854775807\n");
    assert_int_equal(get_i(p, "employees"), INT64_MAX);
    calc_profile_free(p);
}

/* Ensure values of the wrong shape say what was expected. */
static void test_wrong_shape(void **state)
{
    (void)state;
    expect_one("id: a\nname: A\ntags: high_tech\n", CALC_ESCHEMA, 3, 7, "tags",
               "expected a list, got 'high_tech'", "write a list: [a, b]");
    expect_one("id: a\nname: A\nfinance: 5\n", CALC_ESCHEMA, 3, 10, "finance",
               "expected a mapping of fields, got 5", "");
    expect_one("id: a\nname: A\nemployees: [1]\n", CALC_ESCHEMA, 3, 12, "employees",
               "expected a single value, got a list", "");
    expect_one("id: a\nname: A\nstores: [null]\n", CALC_ESCHEMA, 3, 10, "stores[0]",
               "expected a list item, got null", "");
}

/* Ensure an explicit null is the same as an absent field (and defaults still apply). */
static void test_null_is_absent(void **state)
{
    (void)state;
    calc_profile *p = parse_ok("id: a\nname: A\nemployees: ~\nfounded: null\nfinance: null\n"
                               "rd: {major_project: ~}\ntags: ~\nhq: {office: {mode: null}}\n");
    assert_false(get(p, "employees")->set);
    assert_false(get(p, "founded")->set);
    assert_false(get(p, "finance.revenue")->set);
    assert_false(get(p, "finance.year")->set);
    assert_true(get(p, "rd.major_project")->set);
    assert_int_equal(get_i(p, "rd.major_project"), 0);
    assert_true(get(p, "tags")->set);
    assert_int_equal(get(p, "tags")->u.l->n, 0);
    assert_string_equal(get(p, "hq.office.mode")->s, "none");
    calc_profile_free(p);
}

/* Ensure schema defaults apply to absent fields, and fields without a default stay absent. */
static void test_defaults_applied(void **state)
{
    (void)state;
    calc_profile *p = parse_ok("id: a\nname: A\nstores: [{kind: flagship}]\n");
    assert_true(get(p, "rd.major_project")->set);
    assert_int_equal(get_i(p, "rd.major_project"), 0);
    assert_true(get(p, "tags")->set);
    assert_int_equal(get(p, "tags")->u.l->n, 0);
    assert_true(get(p, "hq.office.mode")->set);
    assert_string_equal(get(p, "hq.office.mode")->s, "none");
    assert_int_equal(get_i(p, "hq.star"), 0);
    assert_int_equal(get_i(p, "hq.star_rewarded_before"), 0);
    assert_string_equal(get(p, "listing.stage")->s, "none");
    assert_int_equal(get(p, "listing.stages_paid")->u.l->n, 0);
    assert_true(get(p, "stores[0].brand_recognized")->set);
    assert_int_equal(get_i(p, "stores[0].brand_recognized"), 0);
    assert_false(get(p, "stores[0].opened")->set);
    assert_false(get(p, "employees")->set);
    assert_false(get(p, "industry")->set);
    assert_false(get(p, "hq.office.annual_rent")->set);
    assert_false(get(p, "finance.local_contribution")->set);
    calc_profile_free(p);
    p = parse_ok("id: a\nname: A\n");
    assert_true(get(p, "stores")->set);
    assert_int_equal(get(p, "stores")->u.l->n, 0);
    calc_profile_free(p);
}

/* Ensure a YAML syntax error gives libyaml's problem at its 1-based position. */
static void test_yaml_syntax_error(void **state)
{
    (void)state;
    expect_one("id: a\n  name: b\n", CALC_ESYNTAX, 2, 7, "",
               "YAML syntax: mapping values are not allowed in this context", "");
    expect_one("id: a\nname: \"abc\n", CALC_ESYNTAX, 3, 1, "",
               "YAML syntax: found unexpected end of stream",
               "while scanning a quoted scalar (line 2, column 7)");
}

/* Ensure a UTF-8 BOM and CRLF line endings are accepted and positions stay right. */
static void test_bom_crlf(void **state)
{
    (void)state;
    calc_profile *p = parse_ok("\xef\xbb\xbfid: a\r\nname: A\r\nfinance:\r\n  revenue: 12.5\r\n");
    assert_string_equal(calc_profile_id(p), "a");
    assert_string_equal(get(p, "name")->u.s, "A");
    assert_int_equal(get_i(p, "finance.revenue"), 1250);
    calc_profile_free(p);
    calc_diags d;
    assert_null(parse("\xef\xbb\xbfid: a\r\nname: A\r\nfounded: [1]\r\nemployees: x\r\n", &d));
    assert_int_equal(d.n, 2);
    expect_diag(&d.v[0], CALC_ESCHEMA, 3, 10, "founded", "expected a single value, got a list",
                "");
    expect_diag(&d.v[1], CALC_ESCHEMA, 4, 12, "employees", "expected a whole number, got 'x'",
                "write a whole number, e.g. 12");
    calc_diags_free(&d);
    /* the BOM is not a column */
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
    expect_one("- a\n", CALC_ESCHEMA, 1, 1, "", "expected a profile (a mapping of fields)",
               "a profile is a mapping of fields, see 'calc init'");
    expect_one("just text\n", CALC_ESCHEMA, 1, 1, "", "expected a profile (a mapping of fields)",
               "a profile is a mapping of fields, see 'calc init'");
}

/* Ensure YAML aliases are refused at the alias, for scalars and for mappings. */
static void test_alias_rejected(void **state)
{
    (void)state;
    expect_one("id: &x a\nname: *x\n", CALC_ESYNTAX, 2, 7, "",
               "YAML aliases (*x) are not accepted", "write the value out in full");
    expect_one("id: a\nname: A\nhq: &m {star: 1}\nlisting: *m\n", CALC_ESYNTAX, 4, 10, "",
               "YAML aliases (*m) are not accepted", "write the value out in full");
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

/* Ensure 64 levels of nesting parse and the 65th level is refused with CALC_ELIMIT. */
static void test_nesting_limit(void **state)
{
    (void)state;
    char *s = nested(63); /* 64 levels: reaches validation */
    expect_one(s, CALC_ESCHEMA, 3, 1, "x", "unknown field",
               "run 'calc schema' to list the fields");
    free(s);
    s = nested(64); /* 65 levels: the 64th '[' opens level 65, at column 4 + 63 */
    expect_one(s, CALC_ELIMIT, 3, 67, "", "nesting deeper than 64 levels (--max-depth)", "");
    free(s);
    s = nested(5000);
    expect_one(s, CALC_ELIMIT, 3, 67, "", "nesting deeper than 64 levels (--max-depth)", "");
    free(s);
}

/* Ensure an error in a list item is reported with the item's 0-based index in the path. */
static void test_store_item_path(void **state)
{
    (void)state;
    const char *text = "id: a\nname: A\nstores:\n  - kind: flagship\n    area_m2: 100\n"
                       "  - kind: flagship\n    area_m2: big\n";
    expect_one(text, CALC_ESCHEMA, 7, 14, "stores[1].area_m2", "expected a whole number, got 'big'",
               "write a whole number, e.g. 12");
    text = "id: a\nname: A\nstores:\n  - kind: flagship\n    area_m2: 100\n"
           "  - kind: flagshop\n    area_m2: -1\n";
    calc_diags d;
    assert_null(parse(text, &d));
    assert_int_equal(d.n, 2);
    expect_diag(&d.v[0], CALC_ESCHEMA, 6, 11, "stores[1].kind", "unknown store_kind 'flagshop'",
                "did you mean 'flagship'?");
    expect_diag(&d.v[1], CALC_ESCHEMA, 7, 14, "stores[1].area_m2",
                "expected a whole number >= 0, got '-1'", "");
    calc_diags_free(&d);
    /* columns count code points, not bytes, after Chinese text */
    expect_one("id: a\nname: A\nstores: [{street: 湖滨步行街, area_m2: x}]\n", CALC_ESCHEMA,
               3, 35, "stores[0].area_m2", "expected a whole number, got 'x'",
               "write a whole number, e.g. 12");
}

/* Ensure a packed profile unpacks to the same profile: the same canonical form (so the same
 * fingerprint), absent fields absent, and that truncated or corrupt packings are refused. */
static void test_pack_round_trip(void **state)
{
    (void)state;
    const char *files[] = {"tests/data/schema/valid.yaml", "cases/profiles/example.yaml"};
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
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(both_ways(bad[i], strlen(bad[i])));
    const char *good[] = {
        "{\"id\": \"A\", \"name\": \"n\", \"employees\": null, \"tags\": [], \"stores\": []}",
        "{\"id\": 12, \"name\": \"\\u4f01\\u4e1a\\\"x\\\"\", \"employees\": \"7\"}",
        "{\"id\": \"A\", \"name\": \"n\", \"finance\": {\"revenue\": 1500.5, \"year\": 2024}}",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_true(both_ways(good[i], strlen(good[i])));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        cmocka_unit_test(test_pack_round_trip),
        cmocka_unit_test(test_json_short_way),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
