/* ledger_scan.c — the quick reading of a result line for `calc grant`: a batch of 10^5
 * profiles writes about a gigabyte of result lines, nearly all of it results that are not
 * eligible, and building the document tree of every line (json.c) would take longer than the
 * batch itself. This scanner checks the line's JSON as it goes but keeps only what a row needs —
 * the record's profile, as_of, fingerprints and ledger head, and each result's policy, status,
 * amounts, pool, claim year and keys — pointing into the line's own bytes, and gives up on
 * anything out of the ordinary (an escape in a kept string, a key twice, a value of another
 * type, deep nesting, a character that is not UTF-8): then the line is read again the careful
 * way (ledger_grant.c, through json.c), which also says what is wrong with it. */
#include "ledger_scan.h"

#include <stddef.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct scan {
    const char *p, *end;
    int depth;
} scan;

static void ws(scan *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* The bytes of one UTF-8 character starting at p (of at most n), or 0 when it is not one. */
static int utf8_len(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    int k = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2
                                                                                            : 0;
    if (!k || (size_t)k > n)
        return 0;
    for (int i = 1; i < k; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((k == 3 && p[0] == 0xE0 && p[1] < 0xA0) || (k == 3 && p[0] == 0xED && p[1] >= 0xA0) ||
        (k == 4 && p[0] == 0xF0 && p[1] < 0x90) || (k == 4 && p[0] == 0xF4 && p[1] >= 0x90))
        return 0; /* overlong, a surrogate, beyond U+10FFFF */
    return k;
}

/* A string at c->p ('"'); its raw bytes in *s, *n. With plain, an escape gives up (a kept
 * string must be its bytes). 0, or -1. */
static int string(scan *c, const char **s, size_t *n, bool plain)
{
    if (c->p >= c->end || *c->p != '"')
        return -1;
    const char *q = ++c->p;
    while (q < c->end && *q != '"') {
        unsigned char ch = (unsigned char)*q;
        if (ch >= 0x20 && ch < 0x80 && ch != '\\') { /* the common case first */
            q++;
            continue;
        }
        if (ch < 0x20)
            return -1;
        if (ch == '\\') {
            if (plain || q + 1 >= c->end)
                return -1;
            char e = q[1];
            if (e == 'u') {
                if (q + 5 >= c->end || !hex(q[2]) || !hex(q[3]) || !hex(q[4]) || !hex(q[5]))
                    return -1;
                q += 6;
            } else if (strchr("\"\\/bfnrt", e) && e) {
                q += 2;
            } else {
                return -1;
            }
            continue;
        }
        int k = utf8_len((const unsigned char *)q, (size_t)(c->end - q));
        if (!k)
            return -1;
        q += k;
    }
    if (q >= c->end)
        return -1;
    *s = c->p;
    *n = (size_t)(q - c->p);
    c->p = q + 1;
    return 0;
}

/* A JSON number's text (the grammar's, exactly). */
static int number(scan *c, const char **s, size_t *n)
{
    const char *q = c->p;
    if (q < c->end && *q == '-')
        q++;
    if (q >= c->end || *q < '0' || *q > '9')
        return -1;
    if (*q == '0')
        q++;
    else
        while (q < c->end && *q >= '0' && *q <= '9')
            q++;
    if (q < c->end && *q == '.') {
        q++;
        if (q >= c->end || *q < '0' || *q > '9')
            return -1;
        while (q < c->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < c->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < c->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= c->end || *q < '0' || *q > '9')
            return -1;
        while (q < c->end && *q >= '0' && *q <= '9')
            q++;
    }
    *s = c->p;
    *n = (size_t)(q - c->p);
    c->p = q;
    return 0;
}

static int word(scan *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n))
        return -1;
    c->p += n;
    return 0;
}

static int skip_value(scan *c);

/* The members of an object or the items of an array, each given to fn (NULL: skipped). */
typedef int (*member_fn)(scan *c, void *ctx, const char *key, size_t klen);

static int object(scan *c, member_fn fn, void *ctx)
{
    if (c->p >= c->end || *c->p != '{' || ++c->depth > MAX_DEPTH)
        return -1;
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        c->depth--;
        return 0;
    }
    for (;;) {
        const char *k;
        size_t kn;
        ws(c);
        if (string(c, &k, &kn, false))
            return -1;
        ws(c);
        if (c->p >= c->end || *c->p != ':')
            return -1;
        c->p++;
        ws(c);
        if (fn ? fn(c, ctx, k, kn) : skip_value(c))
            return -1;
        ws(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '}') {
            c->p++;
            c->depth--;
            return 0;
        }
        return -1;
    }
}

static int array(scan *c, member_fn fn, void *ctx)
{
    if (c->p >= c->end || *c->p != '[' || ++c->depth > MAX_DEPTH)
        return -1;
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
        c->depth--;
        return 0;
    }
    for (;;) {
        ws(c);
        if (fn ? fn(c, ctx, NULL, 0) : skip_value(c))
            return -1;
        ws(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == ']') {
            c->p++;
            c->depth--;
            return 0;
        }
        return -1;
    }
}

static int skip_value(scan *c)
{
    const char *s;
    size_t n;
    if (c->p >= c->end)
        return -1;
    switch (*c->p) {
    case '{': return object(c, NULL, NULL);
    case '[': return array(c, NULL, NULL);
    case '"': return string(c, &s, &n, false);
    case 't': return word(c, "true");
    case 'f': return word(c, "false");
    case 'n': return word(c, "null");
    default: return number(c, &s, &n);
    }
}

/* ---- what is kept ---- */

#define IS(k, kn, lit) ((kn) == sizeof(lit) - 1 && memcmp((k), (lit), sizeof(lit) - 1) == 0)

/* A kept value: a plain string (str), a number (num) or null; twice is giving up. */
static int keep(scan *c, scan_val *v, int kinds)
{
    if (v->set)
        return -1;
    v->set = true;
    v->at = c->p;
    if (c->p < c->end && *c->p == '"' && (kinds & SV_STR)) {
        v->kind = SV_STR;
        return string(c, &v->s, &v->n, true);
    }
    if (c->p < c->end && *c->p == 'n' && (kinds & SV_NULL)) {
        v->kind = SV_NULL;
        return word(c, "null");
    }
    if (kinds & SV_NUM) {
        v->kind = SV_NUM;
        return number(c, &v->s, &v->n);
    }
    return -1;
}

static int key_member(scan *c, void *ctx, const char *k, size_t kn)
{
    scan_key *sk = ctx;
    if (IS(k, kn, "key"))
        return keep(c, &sk->key, SV_STR);
    if (IS(k, kn, "amount"))
        return keep(c, &sk->amount, SV_STR);
    if (IS(k, kn, "quantity"))
        return keep(c, &sk->quantity, SV_NUM | SV_NULL);
    return skip_value(c);
}

static int key_item(scan *c, void *ctx, const char *k, size_t kn)
{
    (void)k;
    (void)kn;
    scan_result *r = ctx;
    if (r->nkeys == SCAN_MAX_KEYS)
        return -1;
    scan_key *sk = &r->keys[r->nkeys++];
    memset(sk, 0, sizeof *sk);
    sk->at = c->p;
    return object(c, key_member, sk);
}

static int result_member(scan *c, void *ctx, const char *k, size_t kn)
{
    scan_result *r = ctx;
    if (IS(k, kn, "policy"))
        return keep(c, &r->policy, SV_STR);
    if (IS(k, kn, "status"))
        return keep(c, &r->status, SV_STR);
    if (IS(k, kn, "kind"))
        return keep(c, &r->kind, SV_STR);
    if (IS(k, kn, "amount"))
        return keep(c, &r->amount, SV_STR);
    if (IS(k, kn, "quantity"))
        return keep(c, &r->quantity, SV_NUM | SV_NULL);
    if (IS(k, kn, "pool"))
        return keep(c, &r->pool, SV_STR);
    if (IS(k, kn, "amount_before_pool"))
        return keep(c, &r->before, SV_STR);
    if (IS(k, kn, "claim_year"))
        return keep(c, &r->year, SV_NUM);
    if (IS(k, kn, "keys")) {
        if (r->keys_set)
            return -1;
        r->keys_set = true;
        return array(c, key_item, r);
    }
    return skip_value(c);
}

static int result_item(scan *c, void *ctx, const char *k, size_t kn)
{
    (void)k;
    (void)kn;
    scan_line *sl = ctx;
    if (sl->neligible == SCAN_MAX_ELIGIBLE)
        return -1;
    /* kept in the arena's last block: given back (reused) when it is not eligible */
    scan_result *r = sl->spare ? sl->spare : arena_alloc_raw(sl->a, sizeof *r);
    sl->spare = NULL;
    memset(r, 0, offsetof(scan_result, keys));
    r->at = c->p;
    if (object(c, result_member, r))
        return -1;
    if (!r->status.set || r->status.kind != SV_STR)
        return -1; /* the careful reading says what is wrong */
    if (r->kind.set && r->kind.kind != SV_STR)
        return -1;
    /* a match recommends: it grants nothing, so nothing is recorded */
    if (!IS(r->status.s, r->status.n, "eligible") ||
        (r->kind.set && IS(r->kind.s, r->kind.n, "match"))) {
        sl->spare = r;
        return 0;
    }
    sl->eligible[sl->neligible++] = r;
    return 0;
}

static int sub_member(scan *c, void *ctx, const char *k, size_t kn)
{
    scan_line *sl = ctx;
    if (sl->in == 'f' && IS(k, kn, "policy_set"))
        return keep(c, &sl->policy_set, SV_STR);
    if (sl->in == 'f' && IS(k, kn, "profile"))
        return keep(c, &sl->profile_fp, SV_STR);
    if (sl->in == 'l' && IS(k, kn, "head"))
        return keep(c, &sl->head, SV_STR);
    if (sl->in == 'l' && IS(k, kn, "seq"))
        return keep(c, &sl->seq, SV_NUM);
    return skip_value(c);
}

static int line_member(scan *c, void *ctx, const char *k, size_t kn)
{
    scan_line *sl = ctx;
    if (IS(k, kn, "profile"))
        return keep(c, &sl->profile, SV_STR);
    if (IS(k, kn, "as_of"))
        return keep(c, &sl->as_of, SV_STR | SV_NULL);
    if (IS(k, kn, "results")) {
        if (sl->results_seen)
            return -1;
        sl->results_seen = true;
        return array(c, result_item, sl);
    }
    if (IS(k, kn, "fingerprint") || IS(k, kn, "ledger")) {
        char in = k[0];
        if ((in == 'f' && sl->fp_seen) || (in == 'l' && sl->ledger_seen))
            return -1;
        sl->fp_seen |= in == 'f';
        sl->ledger_seen |= in == 'l';
        sl->in = in;
        int rc = c->p < c->end && *c->p == '{' ? object(c, sub_member, sl) : -1;
        sl->in = 0;
        return rc;
    }
    return skip_value(c);
}

int scan_result_line(scan_line *sl, const char *text, size_t len)
{
    scan c = {text, text + len, 0};
    ws(&c);
    if (object(&c, line_member, sl))
        return -1;
    ws(&c);
    return c.p == c.end && sl->results_seen ? 0 : -1;
}
