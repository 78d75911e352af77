/* csvrow.c — one CSV row into the value tree of its record, by the header's shape (csvin.c
 * builds it once): an empty cell is an absent field, a list of scalars is one cell split on
 * ';', list items exist only with a cell; and every problem with its cell named as a
 * spreadsheet names it — the row (the header is row 1), the column's letter and its header.
 * The reader does it (csvin.c), or a worker thread for a row the reader cut (csvin_row: the
 * row's text read with libcsv). It builds trees only: validation is schema.c's. */
#include "input.h"

#include <stdlib.h>
#include <string.h>

#define NUL_HINT "remove it: text cannot contain a NUL character (\\0, \\u0000 or a zero byte)"

/* ---- cells as a spreadsheet names them ---- */

/* Column i's letters (from 0: A … Z, AA …). */
void csv_col_letter(char out[8], size_t i)
{
    char t[8];
    size_t n = 0;
    for (size_t k = i + 1; k && n < 7; k = (k - 1) / 26)
        t[n++] = (char)('A' + (k - 1) % 26);
    for (size_t j = 0; j < n; j++)
        out[j] = t[n - 1 - j];
    out[n] = 0;
}

/* The cell of column c on a row: its letter, the row when it is not the line, and the header
 * unless it is the path — in brackets of the header's script: C（研发投入）, C (R&D expense). */
static void cell_name(char *out, size_t cap, const csvcol *c, unsigned row, unsigned line)
{
    size_t n = (size_t)snprintf(out, cap, "%s", c->letter);
    if (row && row != line && n < cap)
        n += (size_t)snprintf(out + n, cap - n, "%u", row);
    if (!c->head || !c->head[0] || (c->path && strcmp(c->head, c->path) == 0) || n + 8 > cap)
        return;
    bool wide = false;
    for (const char *h = c->head; *h && !wide; h++)
        wide = (unsigned char)*h >= 0x80;
    char head[112];
    calc_utf8_clean(head, sizeof head, c->head, strlen(c->head));
    snprintf(out + n, cap - n, wide ? "（%s）" : " (%s)", head);
}

void csv_name_cell(calc_diags *d, size_t from, const csvshape *s, size_t i, unsigned row,
                   unsigned line)
{
    csvcol c = {{0}, NULL, NULL};
    if (s->cols && i < s->headn)
        c = s->cols[i];
    else
        csv_col_letter(c.letter, i);
    for (size_t k = from; k < d->n; k++) {
        d->v[k].col = (unsigned)i + 1;
        cell_name(d->v[k].cell, sizeof d->v[k].cell, &c, row, line);
    }
}

void csvin_name_cells(calc_diags *d, size_t from, const rec_in *r)
{
    const char *at = r->doc ? r->doc->loc.file : NULL; /* --set's values are elsewhere */
    for (size_t k = from; at && k < d->n; k++) {
        calc_error *x = &d->v[k];
        if (!x->cell[0] && x->line == r->line && x->col >= 1 && x->col <= r->ncols &&
            strcmp(x->file, at) == 0)
            cell_name(x->cell, sizeof x->cell, &r->cols[x->col - 1], r->row, r->line);
    }
}

/* The first bytes of s (n of them) that are not UTF-8, as "0xE9 0x2C" into out (at most 4). */
static void bad_bytes(char *out, size_t cap, const unsigned char *s, size_t n)
{
    bool cut;
    size_t k = 1;
    while (k < n && k < 4 && utf8_valid(s + k, n - k, &cut) == 0)
        k++; /* the bytes up to the next one that begins a character */
    size_t m = 0;
    out[0] = 0;
    for (size_t i = 0; i < k && m + 6 < cap; i++)
        m += (size_t)snprintf(out + m, cap - m, "%s0x%02X", i ? " " : "", s[i]);
}

/* A cell's (or header's) text of len bytes at q with bytes that are not UTF-8 after decoding:
 * reported, in the words of the encoding it was read in. */
void csv_report_bytes(const csvshape *s, calc_diags *d, const calc_loc *l, const char *path,
                      const unsigned char *q, size_t len)
{
    char bytes[40];
    bad_bytes(bytes, sizeof bytes, q, len);
    const char *save = "save the file as UTF-8 (in Excel: CSV UTF-8)";
    if (s->neither)
        diag_at(d, CALC_ESCHEMA, l, path,
                "save the file as UTF-8 (in Excel: CSV UTF-8), or give --encoding utf-8, "
                "gbk or gb18030 to read its other rows",
                "the bytes %s are neither UTF-8 nor GB18030: the file cannot be read as either",
                bytes);
    else if (s->enc == CALC_ENC_UTF8)
        diag_at(d, CALC_ESCHEMA, l, path,
                s->asked ? save : "save the file as UTF-8 (in Excel: CSV UTF-8), or give "
                                  "--encoding gb18030 if it is GB18030",
                "the bytes %s are not UTF-8", bytes);
    else
        diag_at(d, CALC_ESCHEMA, l, path, save, "the bytes %s are not %s", bytes,
                textdec_name(s->enc));
}

/* ---- the tree ---- */

static value *vnode(arena *a, int type, calc_loc loc)
{
    value *v = arena_alloc(a, sizeof *v);
    v->type = type;
    v->loc = loc;
    return v;
}

static value *vscalar(arena *a, const char *s, size_t len, calc_loc loc)
{
    value *v = vnode(a, V_SCALAR, loc);
    v->str = arena_strndup(a, s, len);
    v->len = len;
    return v;
}

/* The value of header node h in row r, or NULL when none of its cells has text: an empty cell
 * is an absent field, and only list items with a cell exist. O(nodes under h). */
static value *csv_build(const csvshape *s, arena *a, const hnode *h, const csvrow *r)
{
    if (h->col >= 0) { /* a column */
        size_t i = (size_t)h->col;
        if (i >= r->n || !r->len[i] || !s->headsn[i])
            return NULL;
        const char *cell = r->cell[i];
        calc_loc cl = {s->path, r->line, (unsigned)i + 1};
        if (s->headsn[i]->type != T_LIST) {
            /* the spaces around a quoted cell's text are no more its value than an unquoted
             * one's, which libcsv drops ("1,200,000.00 " as Excel quotes it); spaces alone
             * are an empty cell */
            size_t b = 0, n = r->len[i];
            while (b < n && (cell[b] == ' ' || cell[b] == '\t'))
                b++;
            while (n > b && (cell[n - 1] == ' ' || cell[n - 1] == '\t'))
                n--;
            return n > b ? vscalar(a, cell + b, n - b, cl) : NULL;
        }
        value *l = vnode(a, V_SEQ, cl); /* a list of scalars: one cell, split on ';' */
        size_t n = 1;
        for (const char *c = cell; *c; c++)
            n += *c == ';';
        l->items = arena_alloc(a, n * sizeof *l->items);
        for (const char *c = cell; *c;) {
            size_t k = strcspn(c, ";");
            const char *b = c, *e = c + k;
            while (b < e && *b == ' ')
                b++;
            while (e > b && e[-1] == ' ')
                e--;
            if (e > b)
                l->items[l->n++] = vscalar(a, b, (size_t)(e - b), cl);
            c += k + (c[k] == ';');
        }
        return l;
    }
    if (!h->n)
        return NULL;
    value **got = arena_alloc_raw(a, h->n * sizeof *got);
    size_t n = 0;
    calc_loc loc = {s->path, r->line, 0};
    for (size_t k = 0; k < h->n; k++) {
        got[k] = csv_build(s, a, h->child[k], r);
        if (got[k] && (!n++ || got[k]->loc.col < loc.col))
            loc = got[k]->loc; /* a node is where its first cell is */
    }
    if (!n)
        return NULL;
    value *v = vnode(a, h->kind == H_LIST ? V_SEQ : V_MAP, loc);
    v->items = arena_alloc(a, n * sizeof *v->items);
    if (v->type == V_MAP)
        v->keys = arena_alloc(a, n * sizeof *v->keys);
    for (size_t k = 0; k < h->n; k++) {
        if (!got[k])
            continue;
        if (v->type == V_MAP)
            v->keys[v->n] = vscalar(a, h->child[k]->name, h->child[k]->len, got[k]->loc);
        v->items[v->n++] = got[k];
    }
    return v;
}

/* A CSV row's value tree (the root is a mapping, empty when every cell is). */
value *csv_row_tree(const csvshape *s, arena *a, const csvrow *r)
{
    value *root = csv_build(s, a, s->tree, r);
    if (!root)
        root = vnode(a, V_MAP, (calc_loc){s->path, r->line, 0});
    root->loc.col = 0; /* the row, no cell of it */
    return root;
}

/* ---- problems ---- */

/* Reports a bad row's problem; hint: the lines its unclosed quote swallowed were read again. */
void csv_row_report(const csvshape *s, const csvrow *r, bool hint, calc_diags *d)
{
    size_t i = r->bad_cell - 1, from = d->n;
    calc_loc l = {s->path, r->bad_line, r->bad_cell};
    const char *col = s->colpath && i < s->headn ? s->colpath[i] : NULL;
    if (r->bad == CSV_UNCLOSED)
        diag_at(d, CALC_ESYNTAX, &l, col,
                hint ? "close the quote: \"…\" (the lines after it were read as rows)"
                     : "close the quote: \"…\"",
                "CSV: a quoted cell is not closed before the end of the file");
    else if (r->bad == CSV_AFTER_QUOTE)
        diag_at(d, CALC_ESYNTAX, &l, col,
                "a quote inside a quoted cell is doubled: \"a \"\"b\"\" c\"",
                "CSV: text after the closing quote of a cell");
    else
        diag_at(d, CALC_ESYNTAX, &l, col,
                "quote the whole cell and double its quotes: \"bad\"\"quote\"",
                "CSV: a quote inside a cell that does not begin with one");
    csv_name_cell(d, from, s, i, r->row, r->bad_line);
}

/* Checks the cells of row r: their size, a NUL, bytes that are not UTF-8 (after decoding;
 * only those with bytes); the first problem is reported and its code returned, or 0. */
int csv_check_cells(const csvshape *s, const csvrow *r, bool bytes, calc_diags *d)
{
    for (size_t i = 0; i < r->n; i++) {
        size_t len = r->len[i], from = d->n;
        calc_loc l = {s->path, r->line, (unsigned)i + 1};
        const char *col = i < s->headn ? s->colpath[i] : NULL;
        const unsigned char *q = (const unsigned char *)r->cell[i];
        int rc = 0;
        bool cut;
        size_t ok = len > CALC_MAX_SCALAR && !bytes ? 0 : utf8_valid(q, len, &cut);
        const unsigned char *nul = bytes ? NULL : memchr(q, 0, ok);
        if (len > CALC_MAX_SCALAR && !bytes) {
            diag_at(d, CALC_ELIMIT, &l, col, NULL,
                    "a cell of %zu bytes exceeds the limit of %zu bytes (--max-input)", len,
                    CALC_MAX_SCALAR);
            rc = CALC_ELIMIT;
        } else if (nul) {
            diag_at(d, CALC_ESCHEMA, &l, col, NUL_HINT,
                    "NUL character (U+0000) in the cell is not accepted");
            rc = CALC_ESCHEMA;
        } else if (ok < len) {
            csv_report_bytes(s, d, &l, col, q + ok, len - ok);
            rc = CALC_ESCHEMA;
        }
        if (rc) {
            csv_name_cell(d, from, s, i, r->row, r->line);
            return rc;
        }
    }
    return 0;
}

void csv_row_record(const csvshape *s, arena *a, const csvrow *r, bool hint, rec_in *rec,
                    calc_diags *d)
{
    if (r->bad) {
        csv_row_report(s, r, hint, d);
        rec->err_code = CALC_ESYNTAX;
        return;
    }
    rec->err_code = csv_check_cells(s, r, false, d);
    for (size_t i = 0; i < r->n && i < s->headn && !rec->err_code; i++) {
        size_t b = 0, from = d->n;
        while (b < r->len[i] && (r->cell[i][b] == ' ' || r->cell[i][b] == '\t'))
            b++;
        if (s->colpath[i] || b == r->len[i])
            continue;
        calc_loc l = {s->path, r->line, (unsigned)i + 1};
        diag_at(d, CALC_ESCHEMA, &l, NULL, "give the column a header (a field's path or label), "
                "or delete its values", "a value in a column without a header: '%.*s' belongs "
                "to no field", (int)(r->len[i] > 60 ? 60 : r->len[i]), r->cell[i]);
        csv_name_cell(d, from, s, i, r->row, r->line);
        rec->err_code = CALC_ESCHEMA;
    }
    if (r->n != s->headn) {
        calc_loc l = {s->path, r->line, 0};
        const char *h = r->n > s->headn ? "quote cells that contain commas"
                                        : "give each column a cell: an empty one is an absent field";
        if (r->row != r->line) /* a quoted cell above spans lines: the sheet's row too */
            diag_at(d, CALC_ESCHEMA, &l, NULL, h, "the row has %zu cells, the header has %zu (row %u)",
                    r->n, s->headn, r->row);
        else
            diag_at(d, CALC_ESCHEMA, &l, NULL, h, "the row has %zu cells, the header has %zu", r->n,
                    s->headn);
        rec->err_code = CALC_ESCHEMA;
    }
    rec->doc = csv_row_tree(s, a, r);
}

/* ---- a row the reader cut (csvcut.c), read on a worker ---- */

typedef struct rowread {
    csvrow r;
    arena *a;
    size_t rows; /* the rows libcsv ended: one, for a row cut where libcsv ends it */
    bool after;  /* a cell after the row's end: it was not */
} rowread;

static void rr_field(void *s, size_t len, void *data)
{
    rowread *x = data;
    csvrow *r = &x->r;
    x->after |= x->rows > 0;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->cell = realloc(r->cell, r->cap * sizeof *r->cell);
        r->len = realloc(r->len, r->cap * sizeof *r->len);
        if (!r->cell || !r->len)
            abort(); /* as arena_alloc does when memory runs out */
    }
    r->len[r->n] = len;
    r->cell[r->n++] = arena_strndup(x->a, s, len);
}

static void rr_row(int ch, void *data)
{
    (void)ch;
    ((rowread *)data)->rows++;
}

void csvin_row(rec_in *rec, arena *a, calc_diags *d)
{
    const csvshape *s = rec->shape;
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
    csv_set_blk_size(&p, rec->row_len + 16); /* a cell is at most the row: one buffer */
    rowread x;
    memset(&x, 0, sizeof x);
    x.a = a;
    x.r.line = rec->line;
    x.r.row = rec->row;
    const char *t = rec->row_text, *end = t + rec->row_len;
    unsigned line = rec->line;
    /* fed a line at a time, as the reader fed libcsv, to know the line of a problem */
    while (t < end) {
        const char *nl = memchr(t, '\n', (size_t)(end - t));
        size_t n = nl ? (size_t)(nl - t) + 1 : (size_t)(end - t);
        if (csv_parse(&p, t, n, rr_field, rr_row, &x) != n) {
            x.r.bad = p.quoted ? CSV_AFTER_QUOTE : CSV_QUOTE_IN_CELL;
            x.r.bad_line = line;
            t += n;
            break;
        }
        t += n;
        line += nl != NULL;
    }
    if (!x.r.bad && csv_fini(&p, rr_field, rr_row, &x) != 0) {
        x.r.bad = CSV_UNCLOSED;
        x.r.bad_line = rec->line;
    }
    csv_free(&p);
    bool empty = !x.r.bad;
    for (size_t i = 0; i < x.r.n; i++)
        empty &= x.r.len[i] == 0;
    if (x.after || t != end || x.rows != (x.r.bad ? 0u : 1u) || empty) {
        fprintf(stderr, "calc: internal error: CSV row at line %u not cut where libcsv ends it\n",
                rec->line);
        abort();
    }
    x.r.bad_cell = (unsigned)x.r.n + 1;
    csv_row_record(s, a, &x.r, rec->row_hint, rec, d);
    free(x.r.cell);
    free(x.r.len);
}
