/* peerbase.c — the peer benchmark's baseline (issue #18 item 2): the five rules R1–R5 of
 * tests/bench/peers/README.md written by hand in single-threaded C over the JSON Lines of
 * pgen.c. It parses every line with a real (hand-rolled) JSON parser for a flat object —
 * any key order, whitespace, string escapes, true/false/null, a syntax error named by its line
 * — and writes the same information as `calc batch --format compact`: a header, then per
 * record its id, the total and each rule's status and amount, in calc's compact form (so both
 * outputs can be checked the same way). On stderr, the checksum: the sum of the totals, the
 * number of eligible results of each rule and the sum of each rule's amounts. Money is integer
 * fen, never double.
 * With --yajl it reads the records with yajl's callbacks instead (the parser calc uses), to
 * show how much of a gap is the parser's.
 * usage: peerbase [--yajl] [FILE] > results.txt */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#define NRULES 5

typedef struct rec {
    char id[32];
    char district[32], industry[32], store_kind[16], brand_level[16];
    int64_t capital, revenue, rd, tax, employees, hq_star, talent;
    int first;
    char founded[16];
} rec;

typedef struct out {
    char *p;
    size_t n, cap;
} out;

static void out_flush(out *o)
{
    if (o->n && fwrite(o->p, 1, o->n, stdout) != o->n) {
        perror("peerbase: write");
        exit(1);
    }
    o->n = 0;
}

static void put(out *o, const char *s, size_t n)
{
    if (o->n + n > o->cap)
        out_flush(o);
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

/* fen as yuan with two decimals: 100000050 → "1000000.50" */
static void put_money(out *o, int64_t fen)
{
    char b[32], *e = b + sizeof b, *q = e;
    uint64_t v = (uint64_t)(fen < 0 ? -fen : fen);
    *--q = (char)('0' + v % 10);
    v /= 10;
    *--q = (char)('0' + v % 10);
    v /= 10;
    *--q = '.';
    do {
        *--q = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (fen < 0)
        *--q = '-';
    put(o, q, (size_t)(e - q));
}

/* ---- the parser: one flat JSON object per line ---- */

typedef struct cur {
    const char *s, *end;
    long line;
} cur;

static void die(const cur *c, const char *what)
{
    fprintf(stderr, "peerbase: line %ld: %s\n", c->line, what);
    exit(1);
}

static void ws(cur *c)
{
    while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\r'))
        c->s++;
}

/* a string into buf (escapes decoded; \u as UTF-8), its length */
static size_t str(cur *c, char *buf, size_t cap)
{
    size_t n = 0;
    if (c->s >= c->end || *c->s != '"')
        die(c, "expected a string");
    c->s++;
    for (;;) {
        if (c->s >= c->end)
            die(c, "unterminated string");
        unsigned char ch = (unsigned char)*c->s++;
        if (ch == '"')
            break;
        if (ch < 0x20)
            die(c, "control character in a string");
        if (ch == '\\') {
            if (c->s >= c->end)
                die(c, "unterminated escape");
            char e = *c->s++;
            switch (e) {
            case '"': case '\\': case '/': ch = (unsigned char)e; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'n': ch = '\n'; break;
            case 'r': ch = '\r'; break;
            case 't': ch = '\t'; break;
            case 'u': {
                if (c->end - c->s < 4)
                    die(c, "bad \\u escape");
                unsigned u = 0;
                for (int k = 0; k < 4; k++) {
                    char h = *c->s++;
                    u = u * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0'
                                            : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                            : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 99);
                    if (u > 0xFFFF)
                        die(c, "bad \\u escape");
                }
                char t[3];
                size_t k = 0;
                if (u < 0x80)
                    t[k++] = (char)u;
                else if (u < 0x800) {
                    t[k++] = (char)(0xC0 | (u >> 6));
                    t[k++] = (char)(0x80 | (u & 0x3F));
                } else {
                    t[k++] = (char)(0xE0 | (u >> 12));
                    t[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
                    t[k++] = (char)(0x80 | (u & 0x3F));
                }
                for (size_t j = 0; j < k; j++)
                    if (n + 1 < cap)
                        buf[n++] = t[j];
                continue;
            }
            default: die(c, "bad escape");
            }
        }
        if (n + 1 < cap)
            buf[n++] = (char)ch;
        else
            die(c, "string too long");
    }
    buf[n] = 0;
    return n;
}

static int64_t integer(cur *c)
{
    int neg = 0;
    int64_t v = 0;
    if (c->s < c->end && *c->s == '-') {
        neg = 1;
        c->s++;
    }
    if (c->s >= c->end || *c->s < '0' || *c->s > '9')
        die(c, "expected a number");
    while (c->s < c->end && *c->s >= '0' && *c->s <= '9') {
        if (v > (INT64_MAX - 9) / 10)
            die(c, "number out of range");
        v = v * 10 + (*c->s++ - '0');
    }
    if (c->s < c->end && (*c->s == '.' || *c->s == 'e' || *c->s == 'E'))
        die(c, "expected a whole number");
    return neg ? -v : v;
}

static int word(cur *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->s) >= n && memcmp(c->s, w, n) == 0) {
        c->s += n;
        return 1;
    }
    return 0;
}

static int boolean(cur *c)
{
    if (word(c, "true"))
        return 1;
    if (word(c, "false"))
        return 0;
    die(c, "expected true or false");
    return 0;
}

/* skips any scalar value (a key this program does not read) */
static void skip(cur *c)
{
    char t[256];
    if (c->s < c->end && *c->s == '"')
        str(c, t, sizeof t);
    else if (!word(c, "true") && !word(c, "false") && !word(c, "null"))
        integer(c);
}

static void parse(cur *c, rec *r)
{
    char key[64];
    memset(r, 0, sizeof *r);
    ws(c);
    if (c->s >= c->end || *c->s++ != '{')
        die(c, "expected an object");
    ws(c);
    if (c->s < c->end && *c->s == '}') {
        c->s++;
        return;
    }
    for (;;) {
        ws(c);
        size_t kl = str(c, key, sizeof key);
        ws(c);
        if (c->s >= c->end || *c->s++ != ':')
            die(c, "expected ':'");
        ws(c);
#define K(s) (kl == sizeof(s) - 1 && memcmp(key, s, sizeof(s) - 1) == 0)
        if (K("id")) {
            if (c->s < c->end && *c->s == '"')
                str(c, r->id, sizeof r->id);
            else
                snprintf(r->id, sizeof r->id, "%lld", (long long)integer(c));
        } else if (K("district"))
            str(c, r->district, sizeof r->district);
        else if (K("industry"))
            str(c, r->industry, sizeof r->industry);
        else if (K("registered_capital_yuan"))
            r->capital = integer(c);
        else if (K("revenue_yuan"))
            r->revenue = integer(c);
        else if (K("rd_expense_yuan"))
            r->rd = integer(c);
        else if (K("tax_paid_yuan"))
            r->tax = integer(c);
        else if (K("employees"))
            r->employees = integer(c);
        else if (K("store_kind"))
            str(c, r->store_kind, sizeof r->store_kind);
        else if (K("is_first_store"))
            r->first = boolean(c);
        else if (K("brand_level"))
            str(c, r->brand_level, sizeof r->brand_level);
        else if (K("hq_star"))
            r->hq_star = integer(c);
        else if (K("talent_count"))
            r->talent = integer(c);
        else if (K("founded"))
            str(c, r->founded, sizeof r->founded);
        else
            skip(c);
#undef K
        ws(c);
        if (c->s < c->end && *c->s == ',') {
            c->s++;
            continue;
        }
        if (c->s < c->end && *c->s == '}') {
            c->s++;
            break;
        }
        die(c, "expected ',' or '}'");
    }
    ws(c);
    if (c->s != c->end)
        die(c, "text after the object");
}

/* ---- the rules: each an amount in fen, or -1 for ineligible ---- */

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int64_t r1(const rec *r)
{
    if (strcmp(r->district, "上城区") || strcmp(r->brand_level, "none") == 0)
        return -1;
    int first = strcmp(r->store_kind, "first") == 0;
    if (!first && strcmp(r->store_kind, "flagship"))
        return -1;
    if (strcmp(r->brand_level, "international") == 0)
        return 100000000;
    return first ? 50000000 : 30000000;
}

static int64_t r2(const rec *r)
{
    static const char *const ind[] = {"it", "health", "manufacturing", "new-energy",
                                      "new-materials"};
    if (strcmp(r->district, "上城区") || r->rd < 1000000)
        return -1;
    for (int k = 0; k < 5; k++)
        if (strcmp(r->industry, ind[k]) == 0)
            return min64(3000000000, r->rd * 10 / 100 * 100); /* floor to the yuan */
    return -1;
}

static int64_t r3(const rec *r)
{
    static const int64_t tier[] = {100000000, 300000000, 500000000};
    return r->hq_star >= 3 && r->hq_star <= 5 ? tier[r->hq_star - 3] : -1;
}

static int64_t r4(const rec *r)
{
    return r->talent >= 5 ? min64(50, r->talent / 5) * 3600000 : -1;
}

static int64_t r5(const rec *r)
{
    if (r->revenue >= 200000000 || r->employees > 300 || r->tax <= 0)
        return -1;
    return min64(50000000, r->tax * 5 / 100 * 100); /* eligible even when 0 */
}

/* ---- one record: its rules, its line, the checksum's counts ---- */

static out o;
static int64_t sum, eligible[NRULES], amounts[NRULES];

static void emit(const rec *r)
{
    static int64_t (*const rule[NRULES])(const rec *) = {r1, r2, r3, r4, r5};
    int64_t total = 0, a[NRULES];
    for (int k = 0; k < NRULES; k++)
        if ((a[k] = rule[k](r)) >= 0) {
            total += a[k];
            amounts[k] += a[k];
            eligible[k]++;
        }
    sum += total;
    put(&o, r->id, strlen(r->id));
    put(&o, " ", 1);
    put_money(&o, total);
    for (int k = 0; k < NRULES; k++) {
        if (a[k] < 0)
            put(&o, " i", 2);
        else {
            put(&o, " e", 2);
            put_money(&o, a[k]);
        }
    }
    put(&o, "\n", 1);
}

/* ---- --yajl: the same records read with yajl's callbacks instead (for comparison) ---- */

typedef struct yctx {
    rec r;
    char key[64];
    int depth;
} yctx;

static void yset_str(yctx *y, const char *s, size_t n)
{
    char *dst = NULL;
    size_t cap = 0;
    if (!strcmp(y->key, "id"))
        dst = y->r.id, cap = sizeof y->r.id;
    else if (!strcmp(y->key, "district"))
        dst = y->r.district, cap = sizeof y->r.district;
    else if (!strcmp(y->key, "industry"))
        dst = y->r.industry, cap = sizeof y->r.industry;
    else if (!strcmp(y->key, "store_kind"))
        dst = y->r.store_kind, cap = sizeof y->r.store_kind;
    else if (!strcmp(y->key, "brand_level"))
        dst = y->r.brand_level, cap = sizeof y->r.brand_level;
    else if (!strcmp(y->key, "founded"))
        dst = y->r.founded, cap = sizeof y->r.founded;
    if (dst) {
        n = n < cap - 1 ? n : cap - 1;
        memcpy(dst, s, n);
        dst[n] = 0;
    }
}

static int y_string(void *ud, const unsigned char *s, size_t n)
{
    yset_str(ud, (const char *)s, n);
    return 1;
}

static int y_integer(void *ud, long long v)
{
    yctx *y = ud;
    if (!strcmp(y->key, "id"))
        snprintf(y->r.id, sizeof y->r.id, "%lld", v);
    else if (!strcmp(y->key, "registered_capital_yuan"))
        y->r.capital = v;
    else if (!strcmp(y->key, "revenue_yuan"))
        y->r.revenue = v;
    else if (!strcmp(y->key, "rd_expense_yuan"))
        y->r.rd = v;
    else if (!strcmp(y->key, "tax_paid_yuan"))
        y->r.tax = v;
    else if (!strcmp(y->key, "employees"))
        y->r.employees = v;
    else if (!strcmp(y->key, "hq_star"))
        y->r.hq_star = v;
    else if (!strcmp(y->key, "talent_count"))
        y->r.talent = v;
    return 1;
}

static int y_boolean(void *ud, int v)
{
    yctx *y = ud;
    if (!strcmp(y->key, "is_first_store"))
        y->r.first = v;
    return 1;
}

static int y_start_map(void *ud)
{
    yctx *y = ud;
    if (y->depth++ == 0)
        memset(&y->r, 0, sizeof y->r);
    return 1;
}

static int y_key(void *ud, const unsigned char *s, size_t n)
{
    yctx *y = ud;
    n = n < sizeof y->key - 1 ? n : sizeof y->key - 1;
    memcpy(y->key, s, n);
    y->key[n] = 0;
    return 1;
}

static int y_end_map(void *ud)
{
    yctx *y = ud;
    if (--y->depth == 0)
        emit(&y->r);
    return 1;
}

static int run_yajl(FILE *in)
{
    static const yajl_callbacks cb = {NULL, y_boolean, y_integer, NULL, NULL, y_string,
                                      y_start_map, y_key, y_end_map, NULL, NULL};
    yctx y;
    memset(&y, 0, sizeof y);
    yajl_handle h = yajl_alloc(&cb, NULL, &y);
    yajl_config(h, yajl_allow_multiple_values, 1);
    static unsigned char buf[1 << 16];
    size_t n;
    yajl_status st = yajl_status_ok;
    while (st == yajl_status_ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        st = yajl_parse(h, buf, n);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok) {
        unsigned char *m = yajl_get_error(h, 0, NULL, 0);
        fprintf(stderr, "peerbase: %s\n", (char *)m);
        yajl_free_error(h, m);
    }
    yajl_free(h);
    return st == yajl_status_ok ? 0 : 1;
}

/* ---- the hand-rolled reader: line by line, in blocks ---- */

static int run_own(FILE *in)
{
    size_t cap = 1 << 20, have = 0;
    char *buf = malloc(cap);
    long line = 0;
    int eof = 0;
    while (!eof || have) {
        if (!eof) {
            if (have == cap && !(buf = realloc(buf, cap *= 2))) {
                fprintf(stderr, "peerbase: out of memory\n");
                return 1;
            }
            size_t n = fread(buf + have, 1, cap - have, in);
            have += n;
            eof = n == 0;
        }
        char *p = buf, *end = buf + have;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl && !eof)
                break;
            char *le = nl ? nl : end;
            line++;
            cur c = {p, le, line};
            ws(&c);
            if (c.s < le) { /* a blank line is skipped */
                rec r;
                parse(&c, &r);
                emit(&r);
            }
            p = nl ? nl + 1 : end;
            if (!nl)
                break;
        }
        memmove(buf, p, (size_t)(end - p));
        have = (size_t)(end - p);
        if (eof && have == 0)
            break;
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int use_yajl = argc > 1 && strcmp(argv[1], "--yajl") == 0;
    if (use_yajl) {
        argv++;
        argc--;
    }
    FILE *in = argc > 1 ? fopen(argv[1], "rb") : stdin;
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    static char obuf[1 << 16];
    o = (out){obuf, 0, sizeof obuf};
    static const char head[] = "# id total peer-r1 peer-r2 peer-r3 peer-r4 peer-r5\n";
    put(&o, head, sizeof head - 1);
    int rc = use_yajl ? run_yajl(in) : run_own(in);
    out_flush(&o);
    if (fflush(stdout) || ferror(in)) {
        fprintf(stderr, "peerbase: I/O error\n");
        return 1;
    }
    if (rc)
        return rc;
    out m = {obuf, 0, sizeof obuf};
    put(&m, "checksum: total ", 16);
    put_money(&m, sum);
    put(&m, " eligible", 9);
    for (int k = 0; k < NRULES; k++) {
        char t[32];
        int n = snprintf(t, sizeof t, " %lld", (long long)eligible[k]);
        put(&m, t, (size_t)n);
    }
    put(&m, " amounts", 8);
    for (int k = 0; k < NRULES; k++) {
        put(&m, " ", 1);
        put_money(&m, amounts[k]);
    }
    put(&m, "\n", 1);
    fwrite(m.p, 1, m.n, stderr);
    return 0;
}
