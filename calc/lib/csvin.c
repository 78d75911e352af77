/* csvin.c — batch input in CSV: a header row naming each column's field by its dotted path
 * (`finance.rd_expense`, `stores[0].kind`) or by its label (`研发投入`, `R&D expense`; list
 * items numbered from 1: `门店1.门店类型`), built once into a tree, then each row, read with
 * libcsv one line at a time from the text as textdec.c decodes it, becomes the value tree of
 * one record (csvrow.c). A row that cannot be read is one error record and reading goes on; a
 * quote never closed gives back the lines it swallowed as rows. With input_defer_rows the rows
 * after the header are only cut here (csvcut.c) and read by the worker threads (csvin_row),
 * with the header's shape (input_records_in copies it with the records). It builds trees
 * only: validation is schema.c's. */
#include "input.h"

#include <stdlib.h>
#include <string.h>

#define NUL_HINT "remove it: text cannot contain a NUL character (\\0, \\u0000 or a zero byte)"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort(); /* as arena_alloc does when memory runs out */
    return q;
}

static void cb_field(void *s, size_t len, void *data)
{
    calc_input *in = data;
    csvrow *r = &in->cur;
    if (r->n == 0)
        r->line = in->row_line;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->cell = xrealloc(r->cell, r->cap * sizeof *r->cell);
        r->len = xrealloc(r->len, r->cap * sizeof *r->len);
    }
    char *c = xrealloc(NULL, len + 1);
    memcpy(c, s, len);
    c[len] = 0;
    r->len[r->n] = len;
    r->cell[r->n++] = c;
}

static void push_row(calc_input *in, csvrow *r)
{
    if (in->nrows == in->caprows) {
        in->caprows = in->caprows ? in->caprows * 2 : 8;
        in->rows = xrealloc(in->rows, in->caprows * sizeof *in->rows);
    }
    in->rows[in->nrows++] = *r;
    memset(r, 0, sizeof *r);
}

/* Row r ends on the line being read: its number in a spreadsheet, and the lines it took
 * beyond its first, which the rows after it do not count. */
static void row_ends(calc_input *in, csvrow *r, unsigned end_line)
{
    r->row = r->line - in->spanned;
    if (end_line > r->line)
        in->spanned += end_line - r->line;
}

unsigned csvin_row_ends(calc_input *in, unsigned end_line)
{
    unsigned row = in->row_line - in->spanned;
    if (end_line > in->row_line)
        in->spanned += end_line - in->row_line;
    return row;
}

static void cb_row(int ch, void *data)
{
    (void)ch;
    calc_input *in = data;
    if (in->cur.n == 0)
        in->cur.line = in->row_line;
    row_ends(in, &in->cur, in->line);
    push_row(in, &in->cur);
    in->row_line = in->line; /* a row after it on the same line (cut by a CR) */
    in->rowtext.n = 0;       /* and the lines after that one are its own */
    in->rowtext_lost = false;
}

static void row_free(csvrow *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->cell[i]);
    free(r->cell);
    free(r->len);
    memset(r, 0, sizeof *r);
}

void csvin_start(calc_input *in)
{
    csv_init(&in->csv, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
    /* grow a cell's buffer by 64 KiB, not 128 bytes: big cells stay linear */
    csv_set_blk_size(&in->csv, 64 * 1024);
}

static void hnode_free(hnode *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        hnode_free(h->child[i]);
    free(h->child);
    free(h);
}

void csvin_close(calc_input *in)
{
    csv_free(&in->csv);
    row_free(&in->cur);
    for (size_t i = in->rowhead; i < in->nrows; i++)
        row_free(&in->rows[i]);
    free(in->rows);
    for (size_t i = 0; i < in->headn; i++) {
        if (in->colpath && in->colpath[i] != in->head[i])
            free(in->colpath[i]);
        free(in->head[i]);
    }
    free(in->head);
    free(in->colpath);
    free(in->cols);
    free(in->headsn);
    hnode_free(in->tree);
    sb_free(&in->rowtext);
    sb_free(&in->replay);
    sb_free(&in->ctext);
}

/* ---- the header's tree: children found through one hash table while it is built ---- */
typedef struct htab {
    hnode **parent, **node;
    size_t cap, n;
} htab;

static size_t h_hash(const hnode *parent, const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)parent;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 29));
}

/* The child of parent called name (len bytes), made with kind when there is none; *made tells
 * which. */
static hnode *h_child(htab *t, hnode *parent, const char *name, size_t len, int kind, int col,
                      bool *made)
{
    if (2 * (t->n + 1) > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        hnode **pa = calloc(cap, sizeof *pa), **no = calloc(cap, sizeof *no);
        if (!pa || !no)
            abort();
        for (size_t i = 0; i < t->cap; i++)
            if (t->node[i]) {
                size_t j = h_hash(t->parent[i], t->node[i]->name, t->node[i]->len) & (cap - 1);
                while (no[j])
                    j = (j + 1) & (cap - 1);
                pa[j] = t->parent[i];
                no[j] = t->node[i];
            }
        free(t->parent);
        free(t->node);
        t->parent = pa;
        t->node = no;
        t->cap = cap;
    }
    size_t j = h_hash(parent, name, len) & (t->cap - 1);
    for (; t->node[j]; j = (j + 1) & (t->cap - 1))
        if (t->parent[j] == parent && t->node[j]->len == len &&
            memcmp(t->node[j]->name, name, len) == 0) {
            *made = false;
            return t->node[j];
        }
    hnode *h = calloc(1, sizeof *h);
    if (!h)
        abort();
    h->kind = kind;
    h->name = name;
    h->len = len;
    h->col = -1;
    h->first = col;
    if (parent->n == parent->cap) {
        parent->cap = parent->cap ? parent->cap * 2 : 8;
        parent->child = xrealloc(parent->child, parent->cap * sizeof *parent->child);
    }
    parent->child[parent->n++] = h;
    t->parent[j] = parent;
    t->node[j] = h;
    t->n++;
    *made = true;
    return h;
}

/* Adds column i's path to the tree; the column that names the same field already, or -1.
 * Item indexes are compared as numbers (stores[01] is stores[1]). */
static int h_add(htab *t, hnode *root, const char *path, int i)
{
    hnode *cur = root;
    bool made;
    for (const char *p = path; *p;) {
        size_t seg = strcspn(p, ".[");
        if (p[seg] == '[') {
            hnode *list = h_child(t, cur, p, seg, H_LIST, i, &made);
            if (list->kind != H_LIST)
                return list->first;
            const char *ix = p + seg + 1;
            while (*ix == '0' && ix[1] >= '0' && ix[1] <= '9')
                ix++;
            size_t il = strcspn(ix, "]");
            cur = h_child(t, list, ix, il, H_ITEM, i, &made);
            p = ix + il + (ix[il] == ']');
            if (!*p) { /* the item itself: a list of scalars */
                if (!made)
                    return cur->first;
                cur->col = i;
                return -1;
            }
            if (cur->col >= 0)
                return cur->col;
            if (*p == '.')
                p++;
            continue;
        }
        bool leaf = p[seg] != '.';
        hnode *h = h_child(t, cur, p, seg, leaf ? H_LEAF : H_MAP, i, &made);
        if (!made && (leaf || h->kind != H_MAP))
            return h->first;
        if (leaf) {
            h->col = i;
            return -1;
        }
        cur = h;
        p += seg + 1;
    }
    return -1;
}

/* Two items of a list by their number (digits without leading zeros: by length, then by
 * digit). */
static int item_order(const void *pa, const void *pb)
{
    const hnode *a = *(hnode *const *)pa, *b = *(hnode *const *)pb;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(a->name, b->name, a->len);
}

/* Puts every list's items in the order of their numbers, whatever the order of the columns
 * (门店2.* before 门店1.* is still stores[0] then stores[1]). */
static void h_order(hnode *h)
{
    if (h->kind == H_LIST && h->n > 1)
        qsort(h->child, h->n, sizeof *h->child, item_order);
    for (size_t i = 0; i < h->n; i++)
        h_order(h->child[i]);
}

/* Item indexes are digits. */
static bool indexes_ok(const char *path)
{
    for (const char *p = strchr(path, '['); p; p = strchr(p, '[')) {
        size_t n = strspn(++p, "0123456789");
        if (!n || p[n] != ']')
            return false;
    }
    return true;
}

static const csvshape *shape_of(calc_input *in);

/* A copy of header node h in a. */
static hnode *hnode_copy(arena *a, const hnode *h)
{
    hnode *c = arena_alloc_raw(a, sizeof *c);
    *c = *h;
    c->name = h->name ? arena_strndup(a, h->name, h->len) : NULL; /* (the root has none) */
    c->child = h->n ? arena_alloc_raw(a, h->n * sizeof *c->child) : NULL;
    for (size_t i = 0; i < h->n; i++)
        c->child[i] = hnode_copy(a, h->child[i]);
    c->cap = h->n;
    return c;
}

void input_records_in(calc_input *in, arena *a)
{
    in->keep = true;
    in->kept_in = a;
    in->kept = NULL;
    in->kept_sh = NULL;
    if (!in->cols || !in->headn)
        return;
    csvcol *k = arena_alloc_raw(a, in->headn * sizeof *k);
    for (size_t i = 0; i < in->headn; i++) {
        k[i] = in->cols[i];
        k[i].head = arena_strndup(a, in->cols[i].head, strlen(in->cols[i].head));
        k[i].path = in->cols[i].path
                        ? arena_strndup(a, in->cols[i].path, strlen(in->cols[i].path))
                        : NULL;
    }
    in->kept = k;
    if (!in->defer)
        return;
    /* the rows a worker reads need the header's shape: a copy that lives with them */
    csvshape *s = arena_alloc_raw(a, sizeof *s);
    *s = *shape_of(in);
    const snode **sn = arena_alloc_raw(a, in->headn * sizeof *sn);
    char **cp = arena_alloc_raw(a, in->headn * sizeof *cp);
    for (size_t i = 0; i < in->headn; i++) {
        sn[i] = in->headsn[i];
        cp[i] = (char *)k[i].path;
    }
    s->headsn = sn;
    s->colpath = cp;
    s->cols = k;
    s->tree = hnode_copy(a, in->tree);
    in->kept_sh = s;
}

/* The input's shape as it is so far (before its header: its name and encoding alone). */
static const csvshape *shape_of(calc_input *in)
{
    csvshape *s = &in->sh;
    s->path = in->path;
    s->enc = in->dec.enc;
    s->asked = in->dec.asked;
    s->neither = in->dec.neither;
    s->headn = in->headn;
    s->headsn = in->headsn;
    s->colpath = in->colpath;
    s->cols = in->cols;
    s->tree = in->tree;
    return s;
}

/* Splits "stores[0].kind" into segments; returns the schema node or NULL. */
static const snode *csv_path(const calc_schema *s, const char *path)
{
    char norm[256];
    return schema_item_path(norm, sizeof norm, path) ? schema_resolve(s->root, norm) : NULL;
}

/* Column i's field path: the header itself when it is one; else, spaces around it aside, the
 * path it is or its label names (malloc'd); or NULL with the problem reported. */
static char *column_path(calc_input *in, size_t i, size_t len, calc_diags *d)
{
    const char *h = in->head[i];
    calc_loc l = {in->path, 1, (unsigned)i + 1};
    size_t from = d->n;
    bool cut;
    size_t ok = utf8_valid((const unsigned char *)h, len, &cut);
    if (memchr(h, 0, len)) {
        diag_at(d, CALC_ESCHEMA, &l, NULL, NUL_HINT,
                "NUL character (U+0000) in the column's name is not accepted");
    } else if (ok < len) {
        csv_report_bytes(shape_of(in), d, &l, NULL, (const unsigned char *)h + ok, len - ok);
    } else {
        while (*h == ' ' || *h == '\t')
            h++;
        size_t n = strlen(h);
        while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
            n--;
        char *path = malloc(n + 1), label[300];
        if (!path)
            abort();
        memcpy(path, h, n);
        path[n] = 0;
        const snode *sn = csv_path(in->schema, path);
        if (!sn && schema_label_column(in->schema, path, label, sizeof label)) {
            free(path);
            path = strdup(label);
            sn = csv_path(in->schema, path);
        }
        if (sn && sn->type != T_OBJECT && indexes_ok(path)) {
            in->headsn[i] = sn;
            if (strcmp(path, in->head[i]) != 0)
                return path;
            free(path); /* a path as written is its own name */
            return in->head[i];
        }
        if (sn && sn->type != T_OBJECT)
            diag_at(d, CALC_ESCHEMA, &l, NULL, "write the item's number: stores[0].kind",
                    "a list item is named by its number");
        else {
            char best[300];
            bool near = schema_column_closest(in->schema, path, best, sizeof best);
            calc_error *x = diag_at(d, CALC_ESCHEMA, &l, NULL,
                                    near ? NULL
                                         : "name a column by a field's path or label: "
                                           "finance.rd_expense or 研发投入, stores[0].kind or "
                                           "门店1.门店类型 (calc init --format csv writes every "
                                           "column)",
                                    "unknown column: no field has this path or label");
            if (near)
                calc_error_hint(x, "did you mean '%s'?", best);
        }
        free(path);
    }
    csv_name_cell(d, from, shape_of(in), i, 1, 1);
    return NULL;
}

static const csvshape *shape_of(calc_input *in);

static int csv_header(calc_input *in, csvrow *r, calc_diags *d)
{
    in->headn = r->n;
    in->head = r->cell;
    in->headsn = calloc(r->n ? r->n : 1, sizeof *in->headsn);
    in->colpath = calloc(r->n ? r->n : 1, sizeof *in->colpath);
    in->cols = calloc(r->n ? r->n : 1, sizeof *in->cols);
    in->tree = calloc(1, sizeof *in->tree);
    if (!in->headsn || !in->colpath || !in->cols || !in->tree)
        abort();
    in->tree->kind = H_MAP;
    in->tree->col = -1;
    size_t *len = r->len;
    r->cell = NULL;
    r->len = NULL;
    r->n = 0;
    for (size_t i = 0; i < in->headn; i++) {
        csv_col_letter(in->cols[i].letter, i);
        in->cols[i].head = in->head[i];
    }
    int rc = 0;
    htab t = {0};
    for (size_t i = 0; i < in->headn; i++) {
        size_t b = 0;
        while (b < len[i] && (in->head[i][b] == ' ' || in->head[i][b] == '\t'))
            b++;
        if (b == len[i]) /* a column without a header (Excel keeps empty columns at the end):
                          * no field; a value under it is its row's error (csv_row_record) */
            continue;
        char *path = column_path(in, i, len[i], d);
        if (!path) {
            rc = CALC_ESCHEMA;
            continue;
        }
        in->colpath[i] = path;
        int k = h_add(&t, in->tree, path, (int)i);
        if (k >= 0) {
            calc_loc l = {in->path, 1, (unsigned)i + 1};
            size_t from = d->n;
            diag_at(d, CALC_ESCHEMA, &l, NULL, "each field has one column",
                    "duplicate column: column %s names %s too", in->cols[k].letter, path);
            csv_name_cell(d, from, shape_of(in), i, 1, 1);
            in->headsn[i] = NULL;
            rc = CALC_ESCHEMA;
        }
    }
    h_order(in->tree);
    for (size_t i = 0; i < in->headn; i++)
        in->cols[i].path = in->colpath[i];
    free(t.parent);
    free(t.node);
    free(len);
    shape_of(in); /* in->sh: the shape rows cut from now on are read with */
    if (!rc && in->keep)
        input_records_in(in, in->kept_in);
    return rc;
}

/* ---- CSV: rows from libcsv, fed one line at a time ---- */

/* A row is open when libcsv is inside it (a cell read, or a quoted cell begun). */
static bool row_open(const calc_input *in)
{
    return in->cur.n || in->csv.quoted || in->csv.entry_pos;
}

/* The row being read could not be read: it becomes one bad row, the parser starts afresh and
 * reading goes on with the next line. */
static void row_bad(calc_input *in, int why, unsigned line)
{
    csvrow r;
    memset(&r, 0, sizeof r);
    r.line = in->row_line;
    r.bad = why;
    r.bad_line = line;
    r.bad_cell = (unsigned)in->cur.n + 1;
    /* reading goes on after the line of the problem; a quote never closed gives its lines
     * back, so they are not the row's */
    row_ends(in, &r, why == CSV_UNCLOSED ? r.line : line);
    row_free(&in->cur);
    push_row(in, &r);
    csv_free(&in->csv);
    csvin_start(in);
}

bool csvin_line(calc_input *in, const char **bp, size_t *np)
{
    const char *b;
    size_t n;
    if (in->rp < in->replay.n) { /* a line read again */
        b = in->replay.p + in->rp;
        const char *nl = memchr(b, '\n', in->replay.n - in->rp);
        n = nl ? (size_t)(nl - b) + 1 : in->replay.n - in->rp;
        in->rp += n;
        in->line = ++in->replay_line;
    } else {
        char *text;
        ssize_t got = in->eof ? -1 : textdec_line(in, &text);
        if (got < 0) {
            in->eof = true;
            return false;
        }
        in->line++;
        b = text;
        n = (size_t)got;
        if (in->line == 1 && n >= 3 && (unsigned char)b[0] == 0xEF &&
            (unsigned char)b[1] == 0xBB && (unsigned char)b[2] == 0xBF) {
            b += 3;
            n -= 3;
        }
    }
    *bp = b;
    *np = n;
    return true;
}

/* The line b[0..n) as the text of the row under way, kept so that a quote never closed can give
 * its lines back as rows: a line that opens a row begins it afresh (its line the row's). */
void csvin_keep_line(calc_input *in, const char *b, size_t n, bool opens)
{
    if (opens) {
        in->row_line = in->line;
        in->rowtext.n = 0;
        in->rowtext_lost = false;
    } else if (!in->replayed && !in->rowtext_lost) {
        if (in->rowtext.n + n <= CALC_MAX_INPUT)
            sb_putn(&in->rowtext, b, n);
        else { /* a row longer than a record may be (a quote never closed): the input ends */
            in->long_line = in->row_line;
            in->long_len = in->rowtext.n + n;
            in->eof = true;
            sb_free(&in->rowtext);
            in->rowtext_lost = true;
        }
    }
}

bool csvin_give_back(calc_input *in)
{
    if (!in->header_done || in->replayed || in->rowtext_lost || !in->rowtext.n)
        return false;
    /* the lines it swallowed are read again, once, as rows of their own */
    sb_free(&in->replay);
    in->replay = in->rowtext;
    memset(&in->rowtext, 0, sizeof in->rowtext);
    in->rp = 0;
    in->replay_line = in->row_line;
    in->replayed = true;
    in->finished = false;
    return true;
}

/* Feeds the next line to libcsv (rows go to in->rows); false at the end of the input. */
static bool csv_feed(calc_input *in)
{
    const char *b;
    size_t n;
    if (!csvin_line(in, &b, &n)) { /* the end: a last row without a line end, or a quote
                                    * never closed */
        if (in->finished)
            return false;
        in->finished = true;
        if (in->long_line) /* a row too long ended it: no last row to finish */
            return false;
        if (csv_fini(&in->csv, cb_field, cb_row, in) == 0)
            return true;
        row_bad(in, CSV_UNCLOSED, in->row_line);
        csvin_give_back(in);
        return true;
    }
    csvin_keep_line(in, b, n, !row_open(in));
    size_t done = csv_parse(&in->csv, b, n, cb_field, cb_row, in);
    if (done != n)
        row_bad(in, in->csv.quoted ? CSV_AFTER_QUOTE : CSV_QUOTE_IN_CELL, in->line);
    return true;
}

/* Nothing more is read from the input (its header, or its encoding, cannot be). */
static void stop_input(calc_input *in)
{
    in->finished = in->eof = true;
    in->rp = in->replay.n;
    for (size_t i = in->rowhead; i < in->nrows; i++)
        row_free(&in->rows[i]);
    in->rowhead = in->nrows = 0;
}

int csvin_next(calc_input *in, arena *a, rec_in *rec, calc_diags *d)
{
    for (;;) {
        if (in->rowhead == in->nrows) {
            in->rowhead = in->nrows = 0;
            if (in->defer && !in->cutting && in->header_done && !in->finished &&
                !in->replayed && !in->dec.neither && !row_open(in))
                in->cutting = true; /* the rows after the header: cut here, read by workers */
            if (in->cutting)
                return csvcut_next(in, a, rec);
            if (csv_feed(in))
                continue;
            if (!in->dec.neither || !in->header_done || in->eof_reported)
                return 0;
            in->eof_reported = true; /* neither, and no cell shows it: the file does */
            calc_loc l = {in->path, 0, 0};
            diag_at(d, CALC_ESCHEMA, &l, NULL,
                    "save the file as UTF-8 (in Excel: CSV UTF-8), or give --encoding",
                    "the file is neither UTF-8 nor GB18030");
            return CALC_ESCHEMA;
        }
        csvrow r = in->rows[in->rowhead++];
        if (!in->header_done) {
            in->header_done = true;
            int rc;
            if (r.bad) { /* without its header no row can be read */
                csv_row_report(shape_of(in), &r, false, d);
                rc = CALC_ESYNTAX;
            } else
                rc = csv_header(in, &r, d);
            row_free(&r);
            if (rc) {
                stop_input(in);
                return rc;
            }
            continue;
        }
        bool empty = !r.bad;
        for (size_t i = 0; i < r.n; i++)
            empty &= r.len[i] == 0;
        if (empty) {
            row_free(&r);
            continue;
        }
        if (in->dec.neither) { /* no record: the first cell that shows it is the error */
            int rc = r.bad ? 0 : csv_check_cells(shape_of(in), &r, true, d);
            row_free(&r);
            if (rc) {
                stop_input(in);
                in->eof_reported = true;
                return rc;
            }
            continue;
        }
        rec->line = r.line;
        rec->row = r.row;
        rec->cols = in->keep ? in->kept : in->cols;
        rec->ncols = in->headn;
        if (!input_needed(in)) {
            row_free(&r);
            return 1;
        }
        csv_row_record(shape_of(in), a, &r,
                       in->replayed && in->replay_line == r.line && r.bad == CSV_UNCLOSED, rec,
                       d);
        row_free(&r);
        return 1;
    }
}
