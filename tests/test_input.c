/* test_input.c — the batch record readers (calc/lib/input.c, batch.h) over in-memory inputs:
 * JSON Lines (one raw line a record, blank lines skipped), YAML streams (one value tree a
 * document, cut at its markers) and CSV (a header of dotted field paths, one value tree a row):
 * each record's line, its tree or text, the error records and their diagnostics, a byte order
 * mark and CRLF line ends, and reading going on after a bad record. Every case reads its input
 * to the end and compares a rendering of what came back with the one written below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"

#include <pthread.h>

static calc_engine *eng; /* for the default set's schema: the CSV header names its paths */

static int setup(void **state)
{
    (void)state;
    calc_error err = {0};
    eng = calc_engine_new("policies", &err);
    if (!eng)
        fprintf(stderr, "policies: %s\n", err.msg);
    return eng ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    calc_engine_free(eng);
    return 0;
}

/* ---- rendering what the reader gives ---- */

/* Text with its bytes below 0x20 and 0x7F as \xNN (a NUL stays visible). */
static void put_text(sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            sb_printf(b, "\\x%02X", c);
        else
            sb_putn(b, s + i, 1);
    }
}

/* A value tree in flow style: {key: value, …}, [item, …], scalars as they are. */
static void put_value(sbuf *b, const value *v)
{
    if (!v) {
        sb_puts(b, "(none)");
        return;
    }
    switch (v->type) {
    case V_SCALAR:
        put_text(b, v->str, v->len);
        break;
    case V_MAP:
        sb_puts(b, "{");
        for (size_t i = 0; i < v->n; i++) {
            sb_puts(b, i ? ", " : "");
            put_value(b, v->keys[i]);
            sb_puts(b, ": ");
            put_value(b, v->items[i]);
        }
        sb_puts(b, "}");
        break;
    case V_SEQ:
        sb_puts(b, "[");
        for (size_t i = 0; i < v->n; i++) {
            sb_puts(b, i ? ", " : "");
            put_value(b, v->items[i]);
        }
        sb_puts(b, "]");
        break;
    default:
        sb_puts(b, "null");
    }
}

/* The diagnostics d->v[from..] as "  L:C path: message (hint)" lines (L:CELL for a CSV's
 * cell). */
static void put_diags(sbuf *b, const calc_diags *d, size_t from)
{
    for (size_t i = from; i < d->n; i++) {
        const calc_error *e = &d->v[i];
        if (e->cell[0])
            sb_printf(b, "  %u:%s", e->line, e->cell);
        else
            sb_printf(b, "  %u:%u", e->line, e->col);
        sb_printf(b, " %s%s%s", e->path, *e->path ? ": " : "", e->msg);
        if (*e->hint)
            sb_printf(b, " (%s)", e->hint);
        sb_puts(b, "\n");
    }
}

static const char *code_name(int code)
{
    switch (code) {
    case CALC_ESYNTAX:
        return "syntax";
    case CALC_ESCHEMA:
        return "schema";
    case CALC_ELIMIT:
        return "limit";
    case CALC_EIO:
        return "io";
    default:
        return code ? "other" : "ok";
    }
}

/* Reads every record of an open input into a rendering, one line a record:
 *   "L: TEXT" (JSON Lines), "L: TREE" (YAML, CSV), "L: error CODE TREE" and below it the
 *   record's diagnostics, "L: -" for a record not asked for (need said no),
 * then "end" or "stop CODE" (input_next's negative status) with its diagnostics. */
static bool defer_rows; /* CSV rows, YAML documents cut by the reader, read as a worker does */
static size_t rows_cut;  /* ... how many were */

static char *read_all(calc_input *in)
{
    sbuf b = {0};
    calc_diags d = {0};
    arena a = {0};
    if (defer_rows) {
        input_defer_rows(in);
        input_records_in(in, &a);
    }
    for (int k = 0; k < 1000; k++) {
        size_t from = d.n;
        rec_in rec;
        int rc = input_next(in, &a, &rec, &d);
        if (rc == 1 && rec.row_text) {
            input_read_deferred(&rec, &a, &d);
            rows_cut++;
        }
        if (rc <= 0) {
            if (rc)
                sb_printf(&b, "stop %s\n", code_name(rc));
            else
                sb_puts(&b, "end\n");
            put_diags(&b, &d, from);
            break;
        }
        sb_printf(&b, "%u: ", rec.line);
        if (rec.err_code)
            sb_printf(&b, "error %s ", code_name(rec.err_code));
        if (rec.text)
            put_text(&b, rec.text, rec.len);
        else if (rec.doc)
            put_value(&b, rec.doc);
        else
            sb_puts(&b, rec.err_code ? "(none)" : "-");
        sb_puts(&b, "\n");
        put_diags(&b, &d, from);
    }
    calc_diags_free(&d);
    arena_free(&a);
    return b.p ? b.p : strdup("");
}

/* Reads text (n bytes; 0: up to its NUL) as an input of the format named name, a CSV in
 * encoding (CALC_ENC_*). */
static char *read_text(int format, int encoding, const char *name, const char *text, size_t n)
{
    if (!n)
        n = strlen(text);
    FILE *f = fmemopen((void *)text, n, "rb");
    assert_non_null(f);
    calc_input *in = input_open_stream(f, name, format, encoding, &eng->ps.schema);
    assert_non_null(in);
    char *got = read_all(in);
    input_close(in);
    fclose(f);
    return got;
}

static void expect_read_in(int format, int encoding, const char *text, size_t n,
                           const char *want)
{
    const char *name = format == IN_JSONL ? "t.jsonl" : format == IN_YAML ? "t.yaml" : "t.csv";
    for (int cut = 0; cut < 1 + (format != IN_JSONL); cut++) { /* CSV and YAML both ways */
        defer_rows = cut;
        char *got = read_text(format, encoding, name, text, n);
        defer_rows = false;
        if (strcmp(got, want) != 0)
            print_error("input%s:\n%.*s\n", cut ? " (rows cut by the reader)" : "",
                        (int)(n ? n : strlen(text)), text);
        assert_string_equal(got, want);
        free(got);
    }
}

/* The same, a CSV's encoding found from its bytes. */
static void expect_read(int format, const char *text, size_t n, const char *want)
{
    expect_read_in(format, CALC_ENC_AUTO, text, n, want);
}

/* ---- the format of a file name ---- */

/* Ensure the format comes from the file name's last extension. */
static void test_format_of(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        int format;
    } rows[] = {
        {"a.jsonl", IN_JSONL}, {"a.ndjson", IN_JSONL}, {"a.json", IN_JSONL},
        {"a.yaml", IN_YAML},   {"dir.v1/a.yml", IN_YAML}, {"a.csv", IN_CSV},
        {"a.csv.txt", -1},     {"a", -1},               {"a.CSV", -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (input_format_of(rows[i].path) != rows[i].format)
            fail_msg("%s: format %d, expected %d", rows[i].path, input_format_of(rows[i].path),
                     rows[i].format);
}

/* Ensure a directory and a missing file are refused with the system's reason, and a regular
 * file's size is known. */
static void test_open_errors_and_size(void **state)
{
    (void)state;
    calc_error err = {0};
    assert_null(input_open("tests/data", IN_JSONL, 0, &eng->ps.schema, &err));
    assert_int_equal(err.code, CALC_EIO);
    assert_string_equal(err.msg, "cannot read tests/data: is a directory");
    memset(&err, 0, sizeof err);
    assert_null(input_open("tests/data/no-such.jsonl", IN_JSONL, 0, &eng->ps.schema, &err));
    assert_int_equal(err.code, CALC_EIO);
    assert_string_equal(err.msg, "cannot open tests/data/no-such.jsonl: No such file or directory");
    char path[] = "/tmp/calc-test-input-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"id\": \"A\"}\n", 12), 12); /* 12 bytes */
    close(fd);
    calc_input *in = input_open(path, IN_JSONL, 0, &eng->ps.schema, &err);
    assert_non_null(in);
    assert_int_equal(input_size(in), 12);
    assert_string_equal(input_path(in), path);
    char *got = read_all(in);
    assert_string_equal(got, "1: {\"id\": \"A\"}\nend\n");
    free(got);
    input_close(in);
    unlink(path);
}

/* ---- JSON Lines ---- */

/* Ensure each non-blank line is a record with its line number, without its line end, and
 * that blank lines (spaces, tabs, nothing) count as lines but give no record. */
static void test_jsonl_records_and_lines(void **state)
{
    (void)state;
    expect_read(IN_JSONL,
                "{\"id\": \"A\"}\n"
                "\n"
                " \t \n"
                "{\"id\": \"B\"}\n"
                "{\"id\": \"C\"}", /* no line end after the last */
                0,
                "1: {\"id\": \"A\"}\n"
                "4: {\"id\": \"B\"}\n"
                "5: {\"id\": \"C\"}\n"
                "end\n");
}

/* Ensure a byte order mark on the first line and CRLF line ends are not part of a record;
 * a BOM on a later line is the record's text (it is no BOM there). */
static void test_jsonl_bom_crlf(void **state)
{
    (void)state;
    expect_read(IN_JSONL,
                "\xEF\xBB\xBF{\"id\": \"A\"}\r\n"
                "\r\n"
                "{\"id\": \"B\"}\r\n"
                "\xEF\xBB\xBF{\"id\": \"C\"}\n",
                0,
                "1: {\"id\": \"A\"}\n"
                "3: {\"id\": \"B\"}\n"
                "4: \xEF\xBB\xBF{\"id\": \"C\"}\n"
                "end\n");
}

/* Ensure a line that begins with a NUL byte is a record (its text kept whole, the NUL in it),
 * not a blank line skipped. */
static void test_jsonl_nul_is_not_blank(void **state)
{
    (void)state;
    static const char text[] = "{\"id\": \"A\"}\n\0{\"id\": \"B\"}\n \0\n";
    expect_read(IN_JSONL, text, sizeof text - 1,
                "1: {\"id\": \"A\"}\n"
                "2: \\x00{\"id\": \"B\"}\n"
                "3:  \\x00\n"
                "end\n");
}

static bool never(void *ud)
{
    ++*(int *)ud;
    return false;
}

/* Ensure records not asked for (batch's second pass) come back with their line only, and
 * need is asked once a record. */
static void test_jsonl_not_needed(void **state)
{
    (void)state;
    static const char text[] = "{\"id\": \"A\"}\n\n{\"id\": \"B\"}\n";
    FILE *f = fmemopen((void *)text, sizeof text - 1, "rb");
    calc_input *in = input_open_stream(f, "t.jsonl", IN_JSONL, 0, &eng->ps.schema);
    int asked = 0;
    input_set_need(in, never, &asked);
    char *got = read_all(in);
    assert_string_equal(got, "1: -\n3: -\nend\n");
    assert_int_equal(asked, 2);
    free(got);
    input_close(in);
    fclose(f);
}

/* ---- YAML streams ---- */

/* Ensure a stream gives one tree a document, each record at its first content line (the
 * marker's own line when the document begins on it), across "---", "..." and comments, and
 * that a document of comments only is no record. */
static void test_yaml_documents_and_lines(void **state)
{
    (void)state;
    expect_read(IN_YAML,
                "---\n"                 /* 1 */
                "id: A\n"               /* 2 */
                "name: 甲\n"            /* 3 */
                "---\n"                 /* 4 */
                "# B's comment\n"       /* 5 */
                "id: B\n"               /* 6 */
                "tags: [x, y]\n"        /* 7 */
                "...\n"                 /* 8 */
                "--- {id: C, name: 丙}\n" /* 9 */
                "---\n"                 /* 10 */
                "# only a comment\n",   /* 11 */
                0,
                "2: {id: A, name: 甲}\n"
                "5: {id: B, tags: [x, y]}\n"
                "9: {id: C, name: 丙}\n"
                "end\n");
}

/* Ensure the positions inside a document are those of the whole stream. */
static void test_yaml_positions(void **state)
{
    (void)state;
    static const char text[] = "---\nid: A\n---\nid: B\nname: b\n";
    FILE *f = fmemopen((void *)text, sizeof text - 1, "rb");
    calc_input *in = input_open_stream(f, "t.yaml", IN_YAML, 0, &eng->ps.schema);
    arena a = {0};
    calc_diags d = {0};
    rec_in rec;
    assert_int_equal(input_next(in, &a, &rec, &d), 1);
    assert_int_equal(rec.line, 2);
    assert_int_equal(map_get(rec.doc, "id")->loc.line, 2);
    assert_int_equal(input_next(in, &a, &rec, &d), 1);
    assert_int_equal(rec.line, 4);
    const value *name = map_get(rec.doc, "name");
    assert_non_null(name);
    assert_int_equal(name->loc.line, 5); /* "name: b": b at 5:7 */
    assert_int_equal(name->loc.col, 7);
    assert_string_equal(name->loc.file, "t.yaml");
    assert_int_equal(input_next(in, &a, &rec, &d), 0);
    assert_int_equal(d.n, 0);
    arena_free(&a);
    input_close(in);
    fclose(f);
}

/* Ensure comment lines before a stream's first "---" do not shift the positions inside the
 * document that follows (every position was one line too early). */
static void test_yaml_comments_before_marker(void **state)
{
    (void)state;
    static const char text[] = "# a comment\n\n---\nid: A\nname: a\n";
    FILE *f = fmemopen((void *)text, sizeof text - 1, "rb");
    calc_input *in = input_open_stream(f, "t.yaml", IN_YAML, 0, &eng->ps.schema);
    arena a = {0};
    calc_diags d = {0};
    rec_in rec;
    assert_int_equal(input_next(in, &a, &rec, &d), 1);
    assert_int_equal(rec.line, 4);
    const value *name = map_get(rec.doc, "name");
    assert_non_null(name);
    assert_int_equal(name->loc.line, 5); /* "name: a": a at 5:7 */
    assert_int_equal(name->loc.col, 7);
    assert_int_equal(input_next(in, &a, &rec, &d), 0);
    arena_free(&a);
    input_close(in);
    fclose(f);
}

/* Ensure a document that cannot be read is one error record with its position, and the
 * documents after it are read; a duplicate key is an error record that keeps its tree (both
 * keys: validation refuses it). */
static void test_yaml_bad_documents(void **state)
{
    (void)state;
    expect_read(IN_YAML,
                "---\n"             /* 1 */
                "id: Y1\n"          /* 2 */
                "---\n"             /* 3 */
                "id: Y2\n"          /* 4 */
                "name: [乙, 丙\n"   /* 5: the flow sequence is never closed */
                "---\n"             /* 6 */
                "id: Y3\n"          /* 7 */
                "name: a\n"         /* 8 */
                "name: b\n"         /* 9: a duplicate key */
                "---\n"             /* 10 */
                "id: Y4\n",         /* 11 */
                0,
                "2: {id: Y1}\n"
                "4: error syntax (none)\n"
                "  6:1 YAML syntax: did not find expected ',' or ']' "
                "(while parsing a flow sequence (line 5, column 7))\n"
                "7: error schema {id: Y3, name: a, name: b}\n"
                "  9:1 duplicate key 'name' (first given at line 8, column 1)\n"
                "11: {id: Y4}\n"
                "end\n");
}

/* Ensure a BOM and CRLF line ends change neither the trees nor the lines. */
static void test_yaml_bom_crlf(void **state)
{
    (void)state;
    expect_read(IN_YAML, "\xEF\xBB\xBFid: A\r\nname: a\r\n---\r\nid: B\r\n...\r\nid: C\r\n", 0,
                "1: {id: A, name: a}\n"
                "4: {id: B}\n"
                "6: {id: C}\n"
                "end\n");
}

/* ---- CSV ---- */

/* Ensure a row's tree follows the header's dotted paths: mappings for dotted names, a list of
 * scalars split on ';' (spaces around an item dropped), list items grouped by index and only
 * those with a cell, an empty cell absent and a row of empty cells no record; quoted cells
 * keep their commas, quotes and line ends; each record is at the line its row begins. */
static void test_csv_rows_to_trees(void **state)
{
    (void)state;
    expect_read(IN_CSV,
                "id,name,finance.year,finance.rd_expense,tags,stores[0].kind,stores[1].kind,"
                "stores[1].area_m2\n"                                          /* 1 */
                "C1,甲,2024,1000000, tech_enterprise ; high_tech;,flagship,,\n" /* 2 */
                ",,,,,,,\n"                                                    /* 3 */
                "C2,\"乙, \"\"quoted\"\"\",,,,,china_first,120\n"               /* 4 */
                "C3,\"two\n"                                                   /* 5 */
                "lines\",,5,,,,\n",                                            /* 6 */
                0,
                "2: {id: C1, name: 甲, finance: {year: 2024, rd_expense: 1000000}, "
                "tags: [tech_enterprise, high_tech], stores: [{kind: flagship}]}\n"
                "4: {id: C2, name: 乙, \"quoted\", stores: [{kind: china_first, area_m2: 120}]}\n"
                "5: {id: C3, name: two\\x0Alines, finance: {rd_expense: 5}}\n"
                "end\n");
}

/* Ensure a cell's position is its row's line and its column's number. */
static void test_csv_positions(void **state)
{
    (void)state;
    static const char text[] = "id,name,employees\nP1,甲,5\n\nP2,乙,6\n";
    FILE *f = fmemopen((void *)text, sizeof text - 1, "rb");
    calc_input *in = input_open_stream(f, "t.csv", IN_CSV, 0, &eng->ps.schema);
    arena a = {0};
    calc_diags d = {0};
    rec_in rec;
    assert_int_equal(input_next(in, &a, &rec, &d), 1);
    assert_int_equal(input_next(in, &a, &rec, &d), 1);
    assert_int_equal(rec.line, 4);
    const value *e = map_get(rec.doc, "employees");
    assert_non_null(e);
    assert_string_equal(e->str, "6");
    assert_int_equal(e->loc.line, 4);
    assert_int_equal(e->loc.col, 3);
    assert_int_equal(rec.doc->loc.col, 0); /* the row: no cell of it */
    assert_int_equal(rec.row, 4);
    assert_int_equal(rec.ncols, 3);
    assert_string_equal(rec.cols[2].letter, "C");
    assert_string_equal(rec.cols[2].head, "employees");
    assert_int_equal(input_next(in, &a, &rec, &d), 0);
    assert_int_equal(d.n, 0);
    arena_free(&a);
    input_close(in);
    fclose(f);
}

/* Ensure a BOM before the header and CRLF line ends are not part of any cell. */
static void test_csv_bom_crlf(void **state)
{
    (void)state;
    expect_read(IN_CSV, "\xEF\xBB\xBFid,name\r\nB1,甲\r\n\r\nB2,\"a\r\nb\"\r\nB3,丙", 0,
                "2: {id: B1, name: 甲}\n"
                "4: {id: B2, name: a\\x0D\\x0Ab}\n"
                "6: {id: B3, name: 丙}\n"
                "end\n");
}

/* Ensure a malformed row — a quote inside a cell that does not begin with one, text after a
 * cell's closing quote — is one error record at its row and cell, and the good rows after it
 * are read (HOST-R3 and HOST-R5 of tests/data/hostile/malformed-rows.csv). */
static void test_csv_malformed_row_then_good_rows(void **state)
{
    (void)state;
    expect_read(IN_CSV,
                "id,name,employees\n"              /* 1 */
                "R1,甲,5\n"                        /* 2 */
                "R2,bad\"quote,6\n"                /* 3 */
                "R3,丙,7\n"                        /* 4 */
                "R4,\"x\"y,8\n"                    /* 5 */
                "R5,\"a \"\"quoted\"\" name\",9\n", /* 6 */
                0,
                "2: {id: R1, name: 甲, employees: 5}\n"
                "3: error syntax (none)\n"
                "  3:B name: CSV: a quote inside a cell that does not begin with one "
                "(quote the whole cell and double its quotes: \"bad\"\"quote\")\n"
                "4: {id: R3, name: 丙, employees: 7}\n"
                "5: error syntax (none)\n"
                "  5:B name: CSV: text after the closing quote of a cell "
                "(a quote inside a quoted cell is doubled: \"a \"\"b\"\" c\")\n"
                "6: {id: R5, name: a \"quoted\" name, employees: 9}\n"
                "end\n");
}

/* Ensure a quote never closed is an error record where it opens, and the lines it took are
 * read again as rows of their own. */
static void test_csv_unclosed_quote(void **state)
{
    (void)state;
    expect_read(IN_CSV, "id,name\nU1,甲\nU2,\"乙\nU3,丙\nU4,丁\n", 0,
                "2: {id: U1, name: 甲}\n"
                "3: error syntax (none)\n"
                "  3:B name: CSV: a quoted cell is not closed before the end of the file "
                "(close the quote: \"…\" (the lines after it were read as rows))\n"
                "4: {id: U3, name: 丙}\n"
                "5: {id: U4, name: 丁}\n"
                "end\n");
}

/* Ensure the rows a reader cuts for the workers (input_defer_rows; csvin_row reads each with
 * libcsv) are the rows, lines, sheet rows and messages of the reader that reads every row
 * itself: where libcsv ends a row (CR, LF, CRLF, a row after a CR on the same line, spaces
 * before and after a quoted cell, "" beside a line end, a quote in an unquoted cell or text
 * after a closing quote ending the row on its line), which rows are blank, a last row without
 * a line end, quotes never closed (the lines given back, and a second one among them), NULs. */
static void test_csv_rows_cut_as_read(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "id,name\rC1,a\rC2,\"b\rc\"\rC3,d",
        "id,name\r\nC1,a\r\n\r\nC2,\"b\r\nc\"\r\nC3,\"\"\"\"\r\n",
        "id,name\nC1,a\rC2,\"x\ny\"\rC3,z\n",
        "id,name\rC0,h\nC1, \"a\" ,1\nC2,\"a\" \"b\"\nC3,\"a\"\"\nb\"\"\"\nC4,b\n",
        "id,name\nC1,a\n,\n \t \n\"\",\"\"\n\" \",\nC2,b\n  C3 , c \n",
        "id,name\nC1,x\"y\"z\nC2,\"q\"r\"s\nC3,\"ok\"\nC4,\"a\nb\"c\nd\"\nC5,e\n",
        "id,name\nC1,\"a\nC2,b\nC3,\"c\nC4,d\n",
        "id,name\nC1,\"a\nC2,b\nC3,\"c\nC4,d",
        "id,name\nC1,a\nC2,\"b\nc\"\nC3,\"d",
        "id,name\nC1,a,\"\nC2,b\n",
        "id,\"na\nme\"\nC1,a\nC2,\"b\nc\"\nC3,,x\n",
        "\"id\", \"name\" \nC1,a\nC2,\"b\nc\"\nC3,,x\n",
        "id,name\nC1,\"a\0" "b\"\nC2,c\0\nC3,\"\0\"\n",
        "id,name\nC1,a\n\"\n",
        "id,name\nC1,a\n \"",
        "id,name\n\nC1,a\nC2\nC3,\"\"\"\nC4,b\n",
        "id,name\r\n\"C1\",\"a\r\n\"\"b\"\"\"\r\nC2,b\r",
    };
    static const size_t lens[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 31, 0, 0, 0, 0};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t n = lens[i] ? lens[i] : strlen(texts[i]);
        char *whole = read_text(IN_CSV, CALC_ENC_AUTO, "t.csv", texts[i], n);
        defer_rows = true;
        size_t before = rows_cut;
        char *cut = read_text(IN_CSV, CALC_ENC_AUTO, "t.csv", texts[i], n);
        defer_rows = false;
        /* (but the first, one line: rows after the header on its line are the reader's; and
         * the one whose header is refused) */
        if (i != 0 && i != 10)
            assert_true(rows_cut > before);
        if (strcmp(whole, cut) != 0)
            print_error("input %zu:\n%.*s\n", i, (int)n, texts[i]);
        assert_string_equal(cut, whole);
        free(whole);
        free(cut);
    }
    /* and one as it must read: rows after multi-line cells numbered as the sheet does */
    expect_read(IN_CSV, "id,name,employees\nC1,\"a\nb\",1\nC2,c,x\nC3,\"d\ne\nf\",y\n", 0,
                "2: {id: C1, name: a\\x0Ab, employees: 1}\n"
                "4: {id: C2, name: c, employees: x}\n"
                "5: {id: C3, name: d\\x0Ae\\x0Af, employees: y}\n"
                "end\n");
}

/* Ensure a row with the wrong number of cells, a NUL in a cell and invalid UTF-8 (in a file
 * read as UTF-8) are error records that keep what could be read, each at its cell, and the
 * rows after them are read. */
static void test_csv_bad_cells(void **state)
{
    (void)state;
    static const char text[] = "id,name\n"
                               "W1\n"                /* 2: one cell of two */
                               "W2,a,b\n"            /* 3: three */
                               "W\0003,c\n"          /* 4: a NUL */
                               "W4,caf\351\n"        /* 5: Latin-1 */
                               "W5,e\n";             /* 6 */
    expect_read_in(IN_CSV, CALC_ENC_UTF8, text, sizeof text - 1,
                   "2: error schema {id: W1}\n"
                   "  2:0 the row has 1 cells, the header has 2 (give each column a cell: an "
                   "empty one is an absent field)\n"
                   "3: error schema {id: W2, name: a}\n"
                   "  3:0 the row has 3 cells, the header has 2 (quote cells that contain "
                   "commas)\n"
                   "4: error schema {id: W\\x003, name: c}\n"
                   "  4:A id: NUL character (U+0000) in the cell is not accepted "
                   "(remove it: text cannot contain a NUL character (\\0, \\u0000 or a zero "
                   "byte))\n"
                   "5: error schema {id: W4, name: caf\351}\n"
                   "  5:B name: the bytes 0xE9 are not UTF-8 (save the file as UTF-8 (in "
                   "Excel: CSV UTF-8))\n"
                   "6: {id: W5, name: e}\n"
                   "end\n");
}

/* Ensure a header that cannot be used stops the input (no row can be read) with every
 * problem of it, each at its column's letter and header: an unknown path or label with a
 * suggestion over paths and labels, a repeated column (by path, or by path and label), an
 * item without a number. */
static void test_csv_bad_header(void **state)
{
    (void)state;
    expect_read(IN_CSV, "id,emploees,id,stores[x].kind,nmae,研发投人,门店1.面积,stores[0].area_m2\n"
                        "H1,a,b,c,d,e,f,g\n",
                0,
                "stop schema\n"
                "  1:B (emploees) unknown column: no field has this path or label "
                "(did you mean 'employees'?)\n"
                "  1:C (id) duplicate column: column A names id too (each field has one "
                "column)\n"
                "  1:D (stores[x].kind) a list item is named by its number "
                "(write the item's number: stores[0].kind)\n"
                "  1:E (nmae) unknown column: no field has this path or label (name a column "
                "by a field's path or label: finance.rd_expense or 研发投入, stores[0].kind or "
                "门店1.门店类型 (calc init --format csv writes every column))\n"
                "  1:F（研发投人） unknown column: no field has this path or label "
                "(did you mean '研发投入'?)\n"
                "  1:H (stores[0].area_m2) duplicate column: column G names stores[0].area_m2 "
                "too (each field has one column)\n");
    expect_read(IN_CSV, "id,na\"me\nH1,a\n", 0,
                "stop syntax\n"
                "  1:B CSV: a quote inside a cell that does not begin with one "
                "(quote the whole cell and double its quotes: \"bad\"\"quote\")\n");
    /* an empty input has no header and no record */
    expect_read(IN_CSV, "", 0, "end\n");
}

/* ---- CSV as staff's spreadsheets are: labels for headers, GBK, rows numbered as Excel does ---- */

/* Ensure a header may name a column by the field's path, its Chinese label or its English
 * label, mixed; a list's items by label are numbered from 1 (门店1.面积 is stores[0].area_m2,
 * Stores 2.Floor area stores[1].area_m2), spaces around a header aside; a list of scalars by its
 * label is one cell; each column knows its letter, its header and its field. (libcsv drops the
 * spaces around an unquoted cell: a quoted header keeps them, and they are dropped too.) */
static void test_csv_label_headers(void **state)
{
    (void)state;
    static const char text[] =
        "企业标识,name,研发投入,R&D expense x,门店1.面积\n";
    /* a label that is not exactly one (R&D expense x) is refused, with the closest one */
    expect_read(IN_CSV, text, 0,
                "stop schema\n"
                "  1:D (R&D expense x) unknown column: no field has this path or label "
                "(did you mean 'R&D expense'?)\n");
    static const char ok[] =
        "企业标识,\" 企业名称 \",Revenue,finance.rd_expense,门店1.门店类型,门店1.面积,"
        "Stores 2.Floor area,stores[2].kind,企业资质,总部用房方式\n"
        "L1,甲,100,200,杭州首店,120,80,flagship,科技型企业;高新技术企业,租赁\n";
    FILE *f = fmemopen((void *)ok, sizeof ok - 1, "rb");
    calc_input *in = input_open_stream(f, "t.csv", IN_CSV, 0, &eng->ps.schema);
    arena a = {0};
    calc_diags d = {0};
    rec_in rec;
    assert_int_equal(input_next(in, &a, &rec, &d), 1);
    assert_int_equal(d.n, 0);
    sbuf b = {0};
    put_value(&b, rec.doc);
    assert_string_equal(b.p, "{id: L1, name: 甲, finance: {revenue: 100, rd_expense: 200}, "
                             "stores: [{kind: 杭州首店, area_m2: 120}, {area_m2: 80}, "
                             "{kind: flagship}], tags: [科技型企业, 高新技术企业], "
                             "hq: {office: {mode: 租赁}}}");
    sb_free(&b);
    assert_int_equal(rec.ncols, 10);
    static const char *const want[][3] = {
        {"A", "企业标识", "id"},          {"B", " 企业名称 ", "name"},
        {"C", "Revenue", "finance.revenue"}, {"D", "finance.rd_expense", "finance.rd_expense"},
        {"E", "门店1.门店类型", "stores[0].kind"}, {"F", "门店1.面积", "stores[0].area_m2"},
        {"G", "Stores 2.Floor area", "stores[1].area_m2"}, {"H", "stores[2].kind", "stores[2].kind"},
        {"I", "企业资质", "tags"},        {"J", "总部用房方式", "hq.office.mode"}};
    for (size_t i = 0; i < 10; i++) {
        assert_string_equal(rec.cols[i].letter, want[i][0]);
        assert_string_equal(rec.cols[i].head, want[i][1]);
        assert_string_equal(rec.cols[i].path, want[i][2]);
    }
    /* the profile holds the codes the labels name */
    calc_profile p;
    memset(&p, 0, sizeof p);
    assert_int_equal(record_profile(&p, &eng->ps.schema, "t.csv", &rec, NULL, 0, 0, &d), 0);
    const pobj *o = p.root.u.o;
    const pval *tags = &o->slot[schema_child(eng->ps.schema.root, "tags", 4)->index];
    assert_string_equal(tags->u.l->item[1].s, "high_tech");
    arena_free(&p.a);
    assert_int_equal(input_next(in, &a, &rec, &d), 0);
    arena_free(&a);
    calc_diags_free(&d);
    input_close(in);
    fclose(f);
}

/* Ensure a validation error in a row names its cell: the column's letter and header (not the
 * header when it is the field's path), and the row as a spreadsheet numbers it when a quoted
 * cell above took two lines (C4: row 4 of the sheet, line 5 of the file). */
static void test_csv_cells_named(void **state)
{
    (void)state;
    static const char text[] = "id,企业名称,研发投入,employees\n"      /* 1 */
                               "N1,甲,12x,1\n"                         /* 2 */
                               "N2,\"two\nlines\",1,2\n"               /* 3, 4 */
                               "N3,丙,1.5千,x\n";                      /* 5: row 4 */
    FILE *f = fmemopen((void *)text, sizeof text - 1, "rb");
    calc_input *in = input_open_stream(f, "t.csv", IN_CSV, 0, &eng->ps.schema);
    arena a = {0};
    sbuf got = {0};
    for (;;) {
        calc_diags d = {0};
        rec_in rec;
        if (input_next(in, &a, &rec, &d) != 1)
            break;
        calc_profile p;
        memset(&p, 0, sizeof p);
        sb_printf(&got, "%u/%u:", rec.line, rec.row);
        if (record_profile(&p, &eng->ps.schema, "t.csv", &rec, NULL, 0, 0, &d))
            for (size_t i = 0; i < d.n; i++)
                sb_printf(&got, " %u:%s %s;", d.v[i].line, d.v[i].cell, d.v[i].path);
        sb_puts(&got, "\n");
        arena_free(&p.a);
        calc_diags_free(&d);
    }
    assert_string_equal(got.p, "2/2: 2:C（研发投入） finance.rd_expense;\n"
                               "3/3:\n"
                               "5/4: 5:C4（研发投入） finance.rd_expense; 5:D4 employees;\n");
    sb_free(&got);
    arena_free(&a);
    input_close(in);
    fclose(f);
}

/* Ensure GBK bytes are read as their characters: found from the bytes, or given as GBK or
 * GB18030; given as UTF-8 they are cells with bytes that are not UTF-8, each an error record
 * at its cell. */
static void test_csv_gbk(void **state)
{
    (void)state;
    /* 企业标识,企业名称,研发投入 / G1,甲,1 / G2,上城区,2 — in GBK */
    static const char text[] = "\xC6\xF3\xD2\xB5\xB1\xEA\xCA\xB6,\xC6\xF3\xD2\xB5\xC3\xFB\xB3"
                               "\xC6,\xD1\xD0\xB7\xA2\xCD\xB6\xC8\xEB\r\n"
                               "G1,\xBC\xD7,1\r\n"
                               "G2,\xC9\xCF\xB3\xC7\xC7\xF8,2\r\n";
    static const char *const decoded = "2: {id: G1, name: 甲, finance: {rd_expense: 1}}\n"
                                       "3: {id: G2, name: 上城区, finance: {rd_expense: 2}}\n"
                                       "end\n";
    expect_read_in(IN_CSV, CALC_ENC_AUTO, text, sizeof text - 1, decoded);
    expect_read_in(IN_CSV, CALC_ENC_GBK, text, sizeof text - 1, decoded);
    expect_read_in(IN_CSV, CALC_ENC_GB18030, text, sizeof text - 1, decoded);
    static const char utf8_header[] = "id,name\nG1,\xBC\xD7\nG2,b\n";
    expect_read_in(IN_CSV, CALC_ENC_UTF8, utf8_header, sizeof utf8_header - 1,
                   "2: error schema {id: G1, name: \xBC\xD7}\n"
                   "  2:B name: the bytes 0xBC 0xD7 are not UTF-8 (save the file as UTF-8 (in "
                   "Excel: CSV UTF-8))\n"
                   "3: {id: G2, name: b}\n"
                   "end\n");
    /* a byte that is not GBK, in a file given as GBK: that cell's record only */
    static const char bad[] = "id,name\nG1,\xBC\xD7\xFF\nG2,\xD2\xD2\n";
    expect_read_in(IN_CSV, CALC_ENC_GBK, bad, sizeof bad - 1,
                   "2: error schema {id: G1, name: 甲\xFF}\n"
                   "  2:B name: the bytes 0xFF are not GBK (save the file as UTF-8 (in Excel: "
                   "CSV UTF-8))\n"
                   "3: {id: G2, name: 乙}\n"
                   "end\n");
}

/* Ensure a file that is neither UTF-8 nor GB18030 throughout gives no record at all: the input
 * stops at the first cell that shows it, naming its row, cell and bytes (a header's cell
 * too); the NUL of an earlier row is not what stops it. */
static void test_csv_neither_utf8_nor_gb18030(void **state)
{
    (void)state;
    static const char text[] = "id,name\n"
                               "E1,\xBC\xD7\n"   /* 甲 in GBK */
                               "E\0002,b\n"      /* a NUL: no record, and not the reason */
                               "E3,\xFF\n"       /* 0xFF: in neither */
                               "E4,\xD2\xD2\n";
    expect_read(IN_CSV, text, sizeof text - 1,
                "stop schema\n"
                "  4:B name: the bytes 0xFF are neither UTF-8 nor GB18030: the file cannot be "
                "read as either (save the file as UTF-8 (in Excel: CSV UTF-8), or give "
                "--encoding utf-8, gbk or gb18030 to read its other rows)\n");
    static const char head[] = "id,\xFF\xFE\nE1,a\n";
    expect_read(IN_CSV, head, sizeof head - 1,
                "stop schema\n"
                "  1:B（\xEF\xBF\xBD\xEF\xBF\xBD） the bytes 0xFF 0xFE are neither UTF-8 nor "
                "GB18030: the file cannot be read as either (save the file as UTF-8 (in Excel: "
                "CSV UTF-8), or give --encoding utf-8, gbk or gb18030 to read its other rows)\n");
}

/* A CSV of ASCII rows with "甲乙丙" in GBK where 甲 is cut by the byte at offset at (its first
 * byte at at-1), followed by a row with the same name: n bytes in *len. */
static char *split_gbk(size_t at, size_t *len)
{
    sbuf b = {0};
    sb_puts(&b, "id,name\n");
    for (int i = 0; b.n + 40 < at; i++)
        sb_printf(&b, "S%06d,n\n", i);
    sb_puts(&b, "CUT,");
    while (b.n < at - 1)
        sb_puts(&b, "a");
    sb_puts(&b, "\xBC\xD7\xD2\xD2\xB1\xFB\nEND,\xBC\xD7\xD2\xD2\xB1\xFB\n");
    assert_true((unsigned char)b.p[at - 1] == 0xBC && (unsigned char)b.p[at] == 0xD7);
    *len = b.n;
    return b.p;
}

/* The last two records of a CSV as "id name" lines, and how many records it had. */
static char *last_records(calc_input *in, size_t *n)
{
    arena a = {0};
    calc_diags d = {0};
    rec_in rec;
    char *last[2] = {NULL, NULL};
    *n = 0;
    while (input_next(in, &a, &rec, &d) == 1) {
        assert_int_equal(rec.err_code, 0);
        free(last[0]);
        last[0] = last[1];
        const value *id = map_get(rec.doc, "id"), *name = map_get(rec.doc, "name");
        sbuf b = {0};
        sb_printf(&b, "%s %s", id ? id->str : "-", name ? name->str : "-");
        last[1] = b.p;
        ++*n;
        arena_reset(&a);
    }
    assert_int_equal(d.n, 0);
    sbuf b = {0};
    sb_printf(&b, "%s\n%s\n", last[0] ? last[0] : "", last[1] ? last[1] : "");
    free(last[0]);
    free(last[1]);
    arena_free(&a);
    return b.p;
}

typedef struct feed {
    int fd;
    const char *p;
    size_t n;
} feed;

static void *feed_pipe(void *arg)
{
    feed *w = arg;
    for (size_t k = 0; k < w->n;) {
        ssize_t got = write(w->fd, w->p + k, w->n - k);
        if (got <= 0)
            break;
        k += (size_t)got;
    }
    close(w->fd);
    return NULL;
}

/* Ensure a character cut by the end of a read block is read whole: in a file (cut at the first
 * block's end, where the scan for the encoding and the reading both cut) and in a pipe (cut
 * where its first MiB, which decides its encoding, ends). */
static void test_csv_char_cut_by_blocks(void **state)
{
    (void)state;
    size_t len, n;
    char *text = split_gbk(TEXT_BLOCK, &len);
    FILE *f = fmemopen(text, len, "rb");
    calc_input *in = input_open_stream(f, "t.csv", IN_CSV, 0, &eng->ps.schema);
    char *got = last_records(in, &n);
    assert_non_null(strstr(got, "甲乙丙\nEND 甲乙丙\n"));
    assert_int_equal(in->dec.enc, CALC_ENC_GB18030);
    free(got);
    input_close(in);
    fclose(f);
    free(text);

    text = split_gbk(TEXT_WINDOW, &len);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    feed w = {fds[1], text, len};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, feed_pipe, &w), 0);
    f = fdopen(fds[0], "rb");
    in = input_open_stream(f, "<pipe>", IN_CSV, 0, &eng->ps.schema);
    got = last_records(in, &n);
    assert_non_null(strstr(got, "甲乙丙\nEND 甲乙丙\n"));
    assert_int_equal(in->dec.enc, CALC_ENC_GB18030);
    free(got);
    input_close(in);
    fclose(f);
    pthread_join(th, NULL);
    free(text);
}

/* Ensure an encoding but UTF-8's is refused for YAML and JSON Lines, which are UTF-8. */
static void test_encoding_is_for_csv(void **state)
{
    (void)state;
    calc_error err = {0};
    assert_null(input_open("tests/data/batch/population.yaml", IN_YAML, CALC_ENC_GBK,
                           &eng->ps.schema, &err));
    assert_int_equal(err.code, CALC_EUSAGE);
    assert_string_equal(err.msg, "tests/data/batch/population.yaml: --encoding gbk is for CSV: "
                                 "YAML and JSON Lines are always UTF-8");
    expect_read_in(IN_JSONL, CALC_ENC_GB18030, "{\"id\": \"A\"}\n", 0,
                   "stop other\n"
                   "  0:0 t.jsonl: --encoding gb18030 is for CSV: YAML and JSON Lines are "
                   "always UTF-8\n");
    calc_input *in = input_open("tests/data/batch/population.yaml", IN_YAML, CALC_ENC_UTF8,
                                &eng->ps.schema, &err);
    assert_non_null(in);
    input_close(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_of),
        cmocka_unit_test(test_open_errors_and_size),
        cmocka_unit_test(test_jsonl_records_and_lines),
        cmocka_unit_test(test_jsonl_bom_crlf),
        cmocka_unit_test(test_jsonl_nul_is_not_blank),
        cmocka_unit_test(test_jsonl_not_needed),
        cmocka_unit_test(test_yaml_documents_and_lines),
        cmocka_unit_test(test_yaml_positions),
        cmocka_unit_test(test_yaml_comments_before_marker),
        cmocka_unit_test(test_yaml_bad_documents),
        cmocka_unit_test(test_yaml_bom_crlf),
        cmocka_unit_test(test_csv_rows_to_trees),
        cmocka_unit_test(test_csv_positions),
        cmocka_unit_test(test_csv_bom_crlf),
        cmocka_unit_test(test_csv_malformed_row_then_good_rows),
        cmocka_unit_test(test_csv_unclosed_quote),
        cmocka_unit_test(test_csv_rows_cut_as_read),
        cmocka_unit_test(test_csv_bad_cells),
        cmocka_unit_test(test_csv_bad_header),
        cmocka_unit_test(test_csv_label_headers),
        cmocka_unit_test(test_csv_cells_named),
        cmocka_unit_test(test_csv_gbk),
        cmocka_unit_test(test_csv_neither_utf8_nor_gb18030),
        cmocka_unit_test(test_csv_char_cut_by_blocks),
        cmocka_unit_test(test_encoding_is_for_csv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
