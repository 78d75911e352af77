/* input.c — batch input: JSON Lines (one profile per line, parsed later by the workers),
 * YAML multi-document streams and CSV whose header names dotted field paths, read one record
 * at a time so that memory stays bounded. It builds value trees; validation is schema.c's. */
#include "batch.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct csvrow {
    size_t n, cap;
    char **cell;
    unsigned line;
} csvrow;

struct calc_input {
    const char *path;
    int format;
    FILE *f;
    bool own;
    unsigned line;
    char *buf;
    size_t bufcap;
    long long size;
    yaml_stream *ys;
    /* csv */
    struct csv_parser csv;
    const calc_schema *schema;
    csvrow cur;
    csvrow *rows; /* completed rows waiting */
    size_t nrows, caprows, headn;
    char **head;
    const snode **headsn;
    bool header_done, eof;
    char *pend; /* a YAML line read ahead: the marker that opens the next document */
    size_t pendn;
    unsigned pend_line;
    /* JSON Lines: read in large blocks and cut at newlines in place */
    char *rb;
    size_t rbcap, rpos, rlen;
    bool reof;
    /* asked once a record is found, before it is copied or parsed: false when the caller
     * already has it (batch's second pass), and the record comes back with its line only */
    bool (*need)(void *ud);
    void *need_ud;
};

int input_format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return -1;
    if (!strcmp(dot, ".jsonl") || !strcmp(dot, ".ndjson") || !strcmp(dot, ".json"))
        return IN_JSONL;
    if (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))
        return IN_YAML;
    if (!strcmp(dot, ".csv"))
        return IN_CSV;
    return -1;
}

static void cb_field(void *s, size_t len, void *data)
{
    calc_input *in = data;
    csvrow *r = &in->cur;
    if (r->n == 0)
        r->line = in->line;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->cell = realloc(r->cell, r->cap * sizeof *r->cell);
    }
    char *c = malloc(len + 1);
    memcpy(c, s, len);
    c[len] = 0;
    r->cell[r->n++] = c;
}

static void cb_row(int ch, void *data)
{
    (void)ch;
    calc_input *in = data;
    if (in->nrows == in->caprows) {
        in->caprows = in->caprows ? in->caprows * 2 : 8;
        in->rows = realloc(in->rows, in->caprows * sizeof *in->rows);
    }
    in->rows[in->nrows++] = in->cur;
    memset(&in->cur, 0, sizeof in->cur);
}

static void row_free(csvrow *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->cell[i]);
    free(r->cell);
    memset(r, 0, sizeof *r);
}

calc_input *input_open_stream(FILE *f, const char *name, int format, const calc_schema *schema)
{
    calc_input *in = calloc(1, sizeof *in);
    in->path = name;
    in->format = format;
    in->schema = schema;
    in->size = -1;
    in->f = f;
    if (format == IN_CSV)
        csv_init(&in->csv, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
    if (format == IN_CSV) /* grow a cell's buffer by 64 KiB, not 128 bytes: big cells stay linear */
        csv_set_blk_size(&in->csv, 64 * 1024);
    return in;
}

calc_input *input_open(const char *path, int format, const calc_schema *schema, calc_error *err)
{
    calc_input *in = calloc(1, sizeof *in);
    in->path = path;
    in->format = format;
    in->schema = schema;
    in->size = -1;
    if (strcmp(path, "-") == 0) {
        in->f = stdin;
        in->path = "<stdin>";
    } else {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot read %s: is a directory", path);
            free(in);
            return NULL;
        }
        in->f = fopen(path, "rb");
        if (!in->f) {
            calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot open %s: %s", path,
                           strerror(errno));
            free(in);
            return NULL;
        }
        in->own = true;
        if (S_ISREG(st.st_mode))
            in->size = st.st_size;
    }
    if (format == IN_CSV)
        csv_init(&in->csv, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
    if (format == IN_CSV)
        csv_set_blk_size(&in->csv, 64 * 1024);
    return in;
}

void input_close(calc_input *in)
{
    if (!in)
        return;
    if (in->ys)
        yaml_stream_close(in->ys);
    if (in->format == IN_CSV) {
        csv_free(&in->csv);
        row_free(&in->cur);
        for (size_t i = 0; i < in->nrows; i++)
            row_free(&in->rows[i]);
        free(in->rows);
        for (size_t i = 0; i < in->headn; i++)
            free(in->head[i]);
        free(in->head);
        free(in->headsn);
    }
    if (in->own)
        fclose(in->f);
    free(in->buf);
    free(in->rb);
    free(in->pend);
    free(in);
}

long long input_size(const calc_input *in) { return in->size; }

void input_set_need(calc_input *in, bool (*need)(void *ud), void *ud)
{
    in->need = need;
    in->need_ud = ud;
}

static bool needed(calc_input *in) { return !in->need || in->need(in->need_ud); }

long long input_pos(const calc_input *in)
{
    long p = in->own ? ftell(in->f) : -1;
    return p < 0 ? p : p - (long long)(in->rlen - in->rpos); /* less what is read ahead */
}

const char *input_path(const calc_input *in) { return in->path; }

/* Reads one line (without the newline, CR stripped); returns its length or -1 at the end. */
/* The next line of a JSON Lines input in *out (in the read buffer, NUL-terminated, without
 * its line end or a leading byte order mark); its length, or -1 at the end. */
static ssize_t read_line(calc_input *in, char **out)
{
    for (;;) {
        char *s = in->rb + in->rpos;
        size_t avail = in->rlen - in->rpos;
        char *nl = avail ? memchr(s, '\n', avail) : NULL;
        if (nl || (in->reof && avail)) {
            size_t n = nl ? (size_t)(nl - s) + 1 : avail;
            in->rpos += n;
            in->line++;
            if (in->line == 1 && n >= 3 && (unsigned char)s[0] == 0xEF &&
                (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
                s += 3;
                n -= 3;
            }
            while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
                n--;
            s[n] = 0; /* over the newline, or the byte kept free after the data */
            *out = s;
            return (ssize_t)n;
        }
        if (in->reof)
            return -1;
        if (avail) /* keep the partial line, read more */
            memmove(in->rb, in->rb + in->rpos, avail);
        in->rpos = 0;
        in->rlen = avail;
        if (in->rbcap - in->rlen < 2) {
            size_t cap = in->rbcap ? in->rbcap * 2 : (size_t)1 << 20;
            char *rb = realloc(in->rb, cap);
            if (!rb)
                return -1;
            in->rb = rb;
            in->rbcap = cap;
        }
        size_t got = fread(in->rb + in->rlen, 1, in->rbcap - in->rlen - 1, in->f);
        in->rlen += got;
        if (got == 0)
            in->reof = true;
    }
}

/* Splits "stores[0].kind" into segments; returns the schema node or NULL. */
static const snode *csv_path(const calc_schema *s, const char *path)
{
    char norm[256];
    size_t k = 0;
    for (const char *p = path; *p && k < sizeof norm - 3; p++) {
        if (*p == '[') {
            norm[k++] = '[';
            norm[k++] = ']';
            while (*p && *p != ']')
                p++;
            if (!*p)
                return NULL;
            continue;
        }
        norm[k++] = *p;
    }
    norm[k] = 0;
    return schema_resolve(s->root, norm);
}

static int csv_header(calc_input *in, csvrow *r, calc_diags *d)
{
    in->headn = r->n;
    in->head = r->cell;
    in->headsn = calloc(r->n ? r->n : 1, sizeof *in->headsn);
    r->cell = NULL;
    r->n = 0;
    int rc = 0;
    for (size_t i = 0; i < in->headn; i++) {
        for (size_t k = 0; k < i; k++)
            if (strcmp(in->head[k], in->head[i]) == 0) {
                calc_loc l = {in->path, 1, (unsigned)i + 1};
                diag_at(d, CALC_ESCHEMA, &l, NULL, "each field has one column",
                        "duplicate column '%s' (column %zu has it too)", in->head[i], k + 1);
                rc = CALC_ESCHEMA;
            }
        in->headsn[i] = csv_path(in->schema, in->head[i]);
        if (!in->headsn[i] || in->headsn[i]->type == T_OBJECT) {
            const char *names[128];
            size_t n = 0;
            for (size_t k = 0; k < in->schema->root->nchild && n < 128; k++)
                names[n++] = in->schema->root->child[k]->name;
            const char *best = closest_name(in->head[i], names, n);
            char hint[200];
            snprintf(hint, sizeof hint, best ? "did you mean '%s'?" : "%s",
                     best ? best : "columns name dotted field paths, see 'calc schema'");
            calc_loc l = {in->path, 1, (unsigned)i + 1};
            diag_at(d, CALC_ESCHEMA, &l, in->head[i], hint, "column %zu: unknown field path",
                    i + 1);
            rc = CALC_ESCHEMA;
        }
    }
    return rc;
}

static value *vnode(arena *a, int type, calc_loc loc)
{
    value *v = arena_alloc(a, sizeof *v);
    v->type = type;
    v->loc = loc;
    return v;
}

static void vpush(arena *a, value *m, value *key, value *item)
{
    value **items = arena_alloc(a, (m->n + 1) * sizeof *items);
    if (m->n)
        memcpy(items, m->items, m->n * sizeof *items);
    m->items = items;
    if (m->type == V_MAP) {
        value **keys = arena_alloc(a, (m->n + 1) * sizeof *keys);
        if (m->n)
            memcpy(keys, m->keys, m->n * sizeof *keys);
        keys[m->n] = key;
        m->keys = keys;
    }
    m->items[m->n++] = item;
}

static value *vchild(arena *a, value *m, const char *name, size_t len, int type, calc_loc loc)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->keys[i]->len == len && memcmp(m->keys[i]->str, name, len) == 0)
            return m->items[i];
    value *k = vnode(a, V_SCALAR, loc);
    k->str = arena_strndup(a, name, len);
    k->len = len;
    value *v = vnode(a, type, loc);
    vpush(a, m, k, v);
    return v;
}

/* Builds the value tree of a CSV row: an empty cell is an absent field; list items are
 * grouped by their index (only items with at least one cell exist); lists of scalars are
 * split on ';'. */
static value *csv_row_tree(calc_input *in, arena *a, csvrow *r)
{
    calc_loc loc = {in->path, r->line, 1};
    value *root = vnode(a, V_MAP, loc);
    /* item indexes seen per list: map "stores" + index -> item */
    for (size_t i = 0; i < r->n && i < in->headn; i++) {
        const char *cell = r->cell[i];
        if (!cell[0] || !in->headsn[i])
            continue;
        calc_loc cl = {in->path, r->line, (unsigned)i + 1};
        value *cur = root;
        const char *p = in->head[i];
        while (*p) {
            size_t seg = strcspn(p, ".[");
            if (p[seg] == '[') {
                value *list = vchild(a, cur, p, seg, V_SEQ, cl);
                long idx = strtol(p + seg + 1, NULL, 10);
                char key[32];
                snprintf(key, sizeof key, "%ld", idx);
                /* items are found by their original index, kept in a hidden key */
                value *item = NULL;
                for (size_t k = 0; k < list->n; k++)
                    if (list->items[k]->str && strcmp(list->items[k]->str, key) == 0)
                        item = list->items[k];
                if (!item) {
                    item = vnode(a, V_MAP, cl);
                    item->str = arena_strndup(a, key, strlen(key));
                    vpush(a, list, NULL, item);
                }
                cur = item;
                p += seg;
                p = strchr(p, ']') + 1;
                if (*p == '.')
                    p++;
                continue;
            }
            if (p[seg] == '.') {
                cur = vchild(a, cur, p, seg, V_MAP, cl);
                p += seg + 1;
                continue;
            }
            /* the leaf */
            const snode *sn = in->headsn[i];
            value *leaf;
            if (sn->type == T_LIST) {
                leaf = vnode(a, V_SEQ, cl);
                for (const char *c = cell; *c;) {
                    size_t l = strcspn(c, ";");
                    const char *b = c, *e = c + l;
                    while (b < e && *b == ' ')
                        b++;
                    while (e > b && e[-1] == ' ')
                        e--;
                    if (e > b) {
                        value *it = vnode(a, V_SCALAR, cl);
                        it->str = arena_strndup(a, b, (size_t)(e - b));
                        it->len = (size_t)(e - b);
                        vpush(a, leaf, NULL, it);
                    }
                    c += l + (c[l] == ';');
                }
            } else {
                leaf = vnode(a, V_SCALAR, cl);
                leaf->str = arena_strndup(a, cell, strlen(cell));
                leaf->len = strlen(cell);
            }
            value *k = vnode(a, V_SCALAR, cl);
            k->str = arena_strndup(a, p, seg);
            k->len = seg;
            vpush(a, cur, k, leaf);
            break;
        }
    }
    return root;
}

static bool yaml_marker(const char *s, ssize_t n, char c)
{
    return n >= 3 && s[0] == c && s[1] == c && s[2] == c &&
           (n == 3 || s[3] == ' ' || s[3] == '\t' || s[3] == '\r' || s[3] == '\n');
}

/* The next document of a YAML stream: the stream is cut at its document markers so that a bad
 * document is one error record and the documents after it are still read. */
static int yaml_next(calc_input *in, arena *a, rec_in *rec, calc_diags *d)
{
    sbuf doc = {0};
    unsigned first = 0;
    bool content = false;
    for (;;) {
        ssize_t n;
        char *line;
        if (in->pend) { /* the line read ahead last time */
            free(in->buf);
            in->buf = in->pend;
            in->bufcap = in->pendn + 1;
            n = (ssize_t)in->pendn;
            in->pend = NULL;
        } else {
            n = getline(&in->buf, &in->bufcap, in->f);
            if (n >= 0)
                in->line++;
        }
        line = in->buf;
        if (n >= 0) {
            if (in->line == 1 && n >= 3 && (unsigned char)line[0] == 0xEF &&
                (unsigned char)line[1] == 0xBB && (unsigned char)line[2] == 0xBF) {
                line += 3;
                n -= 3;
            }
        }
        bool end = n < 0, start = !end && yaml_marker(line, n, '-'),
             stop = !end && yaml_marker(line, n, '.');
        if ((end || start || stop) && content) {
            if (start) { /* this line opens the next document: keep it for next time */
                in->pend = malloc((size_t)n + 1);
                memcpy(in->pend, line, (size_t)n);
                in->pend[n] = 0;
                in->pendn = (size_t)n;
            }
            rec->line = first;
            if (!needed(in)) {
                sb_free(&doc);
                return 1;
            }
            value **docs;
            size_t nd;
            int rc = calc_yaml_parse_at(a, in->path, first, doc.p, doc.n, &docs, &nd, d);
            sb_free(&doc);
            if (rc && (!nd || rc != CALC_ESCHEMA)) {
                rec->err_code = rc;
                return 1;
            }
            rec->doc = nd ? docs[0] : NULL;
            if (rc)
                rec->err_code = rc;
            return 1;
        }
        if (end) {
            sb_free(&doc);
            return ferror(in->f) ? CALC_EIO : 0;
        }
        if (start || stop) { /* a marker before any content: the document begins after it */
            if (start) {
                const char *rest = line + 3;
                while (*rest == ' ' || *rest == '\t')
                    rest++;
                if (*rest && *rest != '\n' && *rest != '\r' && *rest != '#') {
                    /* "--- {…}": the content is on the marker's line */
                    if (!doc.n)
                        first = in->line;
                    sb_putn(&doc, line, (size_t)n);
                    content = true;
                }
            }
            continue;
        }
        if (!doc.n)
            first = in->line;
        sb_putn(&doc, line, (size_t)n);
        const char *t = line;
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t && *t != '#' && *t != '\n' && *t != '\r')
            content = true;
    }
}

int input_next(calc_input *in, arena *a, rec_in *rec, calc_diags *d)
{
    memset(rec, 0, sizeof *rec);
    if (in->format == IN_JSONL) {
        for (;;) {
            char *text;
            ssize_t n = read_line(in, &text);
            if (n < 0)
                return ferror(in->f) ? CALC_EIO : 0;
            const char *s = text;
            while (*s == ' ' || *s == '\t')
                s++;
            if (!*s)
                continue; /* blank lines separate nothing */
            rec->line = in->line;
            if (!needed(in))
                return 1;
            rec->text = arena_strndup(a, text, (size_t)n);
            rec->len = (size_t)n;
            return 1;
        }
    }
    if (in->format == IN_YAML)
        return yaml_next(in, a, rec, d);
    /* CSV */
    for (;;) {
        if (in->nrows) {
            csvrow r = in->rows[0];
            memmove(in->rows, in->rows + 1, (in->nrows - 1) * sizeof *in->rows);
            in->nrows--;
            if (!in->header_done) {
                in->header_done = true;
                int rc = csv_header(in, &r, d);
                row_free(&r);
                if (rc)
                    return rc;
                continue;
            }
            bool empty = true;
            for (size_t i = 0; i < r.n; i++)
                empty &= r.cell[i][0] == 0;
            if (empty) {
                row_free(&r);
                continue;
            }
            rec->line = r.line;
            if (!needed(in)) {
                row_free(&r);
                return 1;
            }
            for (size_t i = 0; i < r.n && !rec->err_code; i++) {
                size_t len = strlen(r.cell[i]);
                calc_loc l = {in->path, r.line, (unsigned)i + 1};
                if (len > CALC_MAX_SCALAR) {
                    diag_at(d, CALC_ELIMIT, &l, i < in->headn ? in->head[i] : NULL, NULL,
                            "a cell of %zu bytes exceeds the limit of %zu bytes (--max-input)",
                            len, CALC_MAX_SCALAR);
                    rec->err_code = CALC_ELIMIT;
                }
                for (const unsigned char *q = (const unsigned char *)r.cell[i]; *q && !rec->err_code;) {
                    int n = *q < 0x80 ? 1 : (*q & 0xE0) == 0xC0 ? 2 : (*q & 0xF0) == 0xE0 ? 3
                            : (*q & 0xF8) == 0xF0 ? 4 : 0;
                    for (int k = 1; k < n; k++)
                        if ((q[k] & 0xC0) != 0x80)
                            n = 0;
                    if (!n) {
                        diag_at(d, CALC_ESCHEMA, &l, i < in->headn ? in->head[i] : NULL,
                                "save the file as UTF-8", "invalid UTF-8 in the cell");
                        rec->err_code = CALC_ESCHEMA;
                    }
                    q += n ? n : 1;
                }
            }
            if (r.n != in->headn) {
                calc_loc l = {in->path, r.line, 1};
                diag_at(d, CALC_ESCHEMA, &l, NULL, "quote cells that contain commas",
                        "row has %zu cells, the header has %zu", r.n, in->headn);
                rec->err_code = CALC_ESCHEMA;
            }
            rec->doc = csv_row_tree(in, a, &r);
            row_free(&r);
            return 1;
        }
        if (in->eof)
            return 0;
        ssize_t n = getline(&in->buf, &in->bufcap, in->f);
        if (n < 0) {
            in->eof = true;
            unsigned open_line = in->cur.n ? in->cur.line : in->line;
            if (csv_fini(&in->csv, cb_field, cb_row, in) != 0) {
                calc_loc l = {in->path, open_line, 1};
                diag_at(d, CALC_ESYNTAX, &l, NULL, "close the quote: \"…\"",
                        "CSV: a quoted cell is not closed before the end of the file");
                return CALC_ESYNTAX;
            }
            continue;
        }
        in->line++;
        char *b = in->buf;
        if (in->line == 1 && n >= 3 && (unsigned char)b[0] == 0xEF &&
            (unsigned char)b[1] == 0xBB && (unsigned char)b[2] == 0xBF) {
            b += 3;
            n -= 3;
        }
        if (csv_parse(&in->csv, b, (size_t)n, cb_field, cb_row, in) != (size_t)n) {
            calc_loc l = {in->path, in->line, 1};
            diag_at(d, CALC_ESYNTAX, &l, NULL, NULL, "CSV: %s",
                    csv_strerror(csv_error(&in->csv)));
            return CALC_ESYNTAX;
        }
    }
}
