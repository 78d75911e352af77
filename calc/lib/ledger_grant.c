/* ledger_grant.c — recording a round (calc.h: calc_ledger_round_*, calc_ledger_grant_file):
 * the final result lines of a batch read one at a time into the rows they make (one per key of
 * each eligible result), then, under the head lock, checked against the ledger as it is at that
 * moment and written in one transaction, or refused whole with every conflict named.
 *
 * Reading holds no lock, so a batch that records as it evaluates (calc batch --grant) does not
 * stop other writers; the price is that the head the results were computed against is checked
 * only at commit, which is when it matters: a round computed before another was recorded is
 * refused there ("the ledger moved since"). */
#include "calendar.h"
#include "ledger_grant.h"
#include "ledger_scan.h"
#include "value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const value *mget(const value *m, const char *k)
{
    return m && m->type == V_MAP ? map_get(m, k) : NULL;
}

static const char *mstr(const value *m, const char *k)
{
    const value *v = mget(m, k);
    return v && v->type == V_SCALAR ? v->str : NULL;
}

int calc_ledger_round_begin(calc_ledger *l, const calc_grant_opts *o, calc_round **out,
                            calc_error *err)
{
    *out = NULL;
    if (!o || !o->round || !*o->round || !o->at || !*o->at)
        return calc_error_set(err, CALC_EUSAGE, NULL, 0, 0,
                              "a round needs its name and the time it is recorded");
    calc_round *r = calloc(1, sizeof *r);
    if (!r)
        return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    r->l = l;
    r->o = *o;
    r->round = arena_strndup(&r->a, o->round, strlen(o->round));
    r->by = arena_strndup(&r->a, o->by ? o->by : "", o->by ? strlen(o->by) : 0);
    r->at = arena_strndup(&r->a, o->at, strlen(o->at));
    r->sign_key = o->sign_key ? arena_strndup(&r->a, o->sign_key, strlen(o->sign_key)) : NULL;
    *out = r;
    return 0;
}

/* Adds a problem of the line at loc; the round is then refused at commit. */
#define LINE_PROBLEM(r, d, loc, ...) LINE_PROBLEM_CODE(r, d, CALC_ECHECK, loc, __VA_ARGS__)
#define LINE_PROBLEM_CODE(r, d, code, loc, ...)                                                \
    do {                                                                                       \
        (r)->bad++;                                                                            \
        if (calc_exit_status(code) > calc_exit_status((r)->worst))                             \
            (r)->worst = (code);                                                               \
        diag_at((d), (code), (loc), NULL, NULL, __VA_ARGS__);                                  \
    } while (0)

static pend_row *new_row(calc_round *r)
{
    if (r->nrows == r->caprows) {
        size_t cap = r->caprows ? r->caprows * 2 : 256;
        pend_row *v = realloc(r->rows, cap * sizeof *v);
        if (!v)
            return NULL;
        r->rows = v;
        r->caprows = cap;
    }
    pend_row *p = &r->rows[r->nrows++];
    memset(p, 0, sizeof *p);
    return p;
}

static const char *dup(calc_round *r, const char *s)
{
    return s ? arena_strndup(&r->a, s, strlen(s)) : NULL;
}

/* An integer scalar of a result (a JSON number), or -1. */
static int vint(const value *v, int64_t *out)
{
    if (!v || v->type != V_SCALAR || v->quoted)
        return -1;
    return ldb_atoi(v->str, out);
}

static int vmoney(const value *v, calc_money *out)
{
    const char *why;
    if (!v || v->type != V_SCALAR || !v->quoted)
        return -1;
    return calc_money_parse(out, v->str, v->len, &why) ? -1 : 0;
}

/* Whether s holds nothing a person can see: empty, spaces, zero-width characters. */
static bool blank(const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u;) {
        if (*u == ' ' || *u == '\t')
            u++;
        else if (u[0] == 0xC2 && u[1] == 0xA0)
            u += 2;
        else if ((u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) ||
                 (u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x8B && u[2] <= 0x8D) ||
                 (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF))
            u += 3;
        else
            return false;
    }
    return true;
}

/* An as_of as calc batch writes it: YYYY-MM-DD, a date. */
static bool iso_date(const char *s, calc_date *out)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return calc_date_parse(out, s, 10) == 0;
}

/* The rows of one eligible result: its keys checked (a brand, amounts that add up) and kept.
 * locs: each key's place in the file, or NULL (then res's line). */
static int add_result(calc_round *r, const calc_round_result *res, const pend_line *pl,
                      const calc_loc *locs, calc_diags *d)
{
    calc_loc at = {pl->file, pl->line, 1};
    /* a line calc did not write as calc batch --ledger writes it: what would be recorded
     * under no enterprise, no date, or a claim year its evaluation did not have (refused as
     * a line of another shape is: input, exit 3) */
    calc_date as_of;
    if (blank(pl->enterprise)) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &at,
                          "a result of %s without its enterprise's id (\"profile\" is empty)",
                          res->policy ? res->policy : "?");
        return 0;
    }
    if (!pl->as_of || !iso_date(pl->as_of, &as_of)) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &at,
                          "record %s: its as_of '%s' is not a date (YYYY-MM-DD)",
                          pl->enterprise, pl->as_of ? pl->as_of : "");
        return 0;
    }
    if (res->year != calc_date_year(as_of) - 1) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &at,
                          "record %s: %s has claim year %ld, but its as_of %s makes it %d",
                          pl->enterprise, res->policy ? res->policy : "?", (long)res->year,
                          pl->as_of, calc_date_year(as_of) - 1);
        calc_error_hint(d->n ? &d->v[d->n - 1] : NULL,
                        "record the lines calc batch --ledger wrote, as they were written");
        return 0;
    }
    if (!res->policy || !*res->policy || res->nkeys == 0) {
        LINE_PROBLEM(r, d, &at, "record %s: %s is eligible but has no key", pl->enterprise,
                     res->policy ? res->policy : "?");
        return 0;
    }
    if (res->year < 1900 || res->year > 9999 || res->amount < 0 || res->quantity < 0 ||
        res->amount_before_pool < 0) {
        LINE_PROBLEM(r, d, &at,
                     "record %s: %s has claim year %ld, amount or quantity out of range",
                     pl->enterprise, res->policy, (long)res->year);
        return 0;
    }
    calc_money sum = 0, before_left = res->amount_before_pool;
    int64_t qsum = 0;
    for (size_t i = 0; i < res->nkeys; i++) {
        const calc_round_key *k = &res->keys[i];
        const calc_loc *loc = locs ? &locs[i] : &at;
        /* book 1: a first store is keyed BRAND@OPENED; without a brand there is no key that
         * tells one store from the next, so it cannot be recorded */
        if (!k->key || !*k->key || k->key[0] == '@') {
            LINE_PROBLEM(r, d, loc,
                         "record %s: %s: a store without a brand cannot be recorded (key '%s')",
                         pl->enterprise, res->policy, k->key ? k->key : "");
            calc_error_hint(d->n ? &d->v[d->n - 1] : NULL,
                            "fill in the store's brand in the profile and evaluate again");
            return 0;
        }
        if (k->amount < 0 || (res->in_kind && k->quantity < 0) ||
            __builtin_add_overflow(sum, k->amount, &sum) ||
            __builtin_add_overflow(qsum, k->quantity, &qsum)) {
            LINE_PROBLEM(r, d, loc, "record %s: the amounts of %s's keys overflow",
                         pl->enterprise, res->policy);
            return 0;
        }
        pend_row *p = new_row(r);
        if (!p)
            return CALC_ENOMEM;
        p->line = pl;
        p->policy = dup(r, res->policy);
        p->key = dup(r, k->key);
        p->pool = dup(r, res->pool);
        p->year = res->year;
        p->amount = k->amount;
        p->quantity = res->in_kind ? k->quantity : 0;
        p->in_kind = res->in_kind;
        p->loc = *loc;
        /* the amount before the pool, shared among the keys as their amounts are (the last
         * takes the rest, so that they add up) */
        p->has_before = res->pooled;
        if (res->pooled) {
            calc_money share = i + 1 == res->nkeys || res->amount <= 0
                                   ? before_left
                                   : calc_money_muldiv_floor(res->amount_before_pool,
                                                             k->amount, res->amount);
            p->before = share;
            before_left -= share;
        }
        if (__builtin_add_overflow(r->cash, k->amount, &r->cash) ||
            __builtin_add_overflow(r->quantity, p->quantity, &r->quantity)) {
            LINE_PROBLEM(r, d, loc, "record %s: the round's total does not fit in an amount (the "
                         "largest is 92233720368547758.07 yuan)", pl->enterprise);
            return 0;
        }
    }
    if (sum != res->amount || (res->in_kind && qsum != res->quantity)) {
        char a[32], b[32];
        LINE_PROBLEM(r, d, &at,
                     "record %s: the keys of %s add up to %s (quantity %lld), the result says %s "
                     "(quantity %lld)",
                     pl->enterprise, res->policy, calc_money_format(a, sum), (long long)qsum,
                     calc_money_format(b, res->amount), (long long)res->quantity);
        return 0;
    }
    r->results++;
    return 0;
}

/* The record's facts, shared by its rows: the last one's again when it is the same record. */
static const pend_line *record_of(calc_round *r, const char *file, unsigned line,
                                  const char *ent, const char *as_of, const char *set_fp,
                                  const char *prof_fp, const char *head, int64_t head_seq)
{
    const pend_line *last = r->last_line;
    if (last && last->line == line && strcmp(last->enterprise, ent) == 0 &&
        strcmp(last->head, head) == 0 && last->head_seq == head_seq &&
        strcmp(last->file ? last->file : "", file ? file : "") == 0)
        return last;
    pend_line *pl = arena_alloc(&r->a, sizeof *pl);
    pl->file = dup(r, file);
    pl->line = line;
    pl->enterprise = dup(r, ent);
    pl->as_of = dup(r, as_of);
    pl->policy_set = dup(r, set_fp);
    pl->profile = dup(r, prof_fp);
    pl->head = dup(r, head);
    pl->head_seq = head_seq;
    if (!r->first_line)
        r->first_line = pl;
    /* the head each record was computed against; one of another head than the first is named
     * at commit with the rows recorded since */
    if (!r->head_line)
        r->head_line = pl;
    else if (!r->other_head &&
             (strcmp(r->head_line->head, head) || r->head_line->head_seq != head_seq))
        r->other_head = pl;
    /* a round is one as_of (one claim year): another is named at commit */
    if (!r->other_as_of && r->first_line->as_of && pl->as_of &&
        strcmp(r->first_line->as_of, pl->as_of))
        r->other_as_of = pl;
    r->last_line = pl;
    return pl;
}

int calc_ledger_round_add(calc_round *r, const calc_round_result *res, calc_diags *d)
{
    const pend_line *pl =
        record_of(r, res->file, res->line, res->enterprise ? res->enterprise : "", res->as_of,
                  res->policy_set, res->profile, res->head ? res->head : "", res->head_seq);
    size_t before = r->nrows;
    int rc = add_result(r, res, pl, NULL, d);
    if (r->nrows > before && pl != r->counted) {
        r->records++;
        r->counted = pl;
    }
    return rc;
}

/* One eligible result of a line into res (its keys in the scratch arena), or a problem. */
static int parse_result(calc_round *r, const value *v, const pend_line *pl,
                        calc_round_result *res, calc_loc **locs, calc_diags *d)
{
    const value *keys = mget(v, "keys");
    int64_t year = 0;
    res->policy = mstr(v, "policy");
    res->pool = mstr(v, "pool");
    res->pooled = mget(v, "amount_before_pool") != NULL;
    res->in_kind = mget(v, "quantity") && !value_is_null(mget(v, "quantity"));
    if (!res->policy || vint(mget(v, "claim_year"), &year) || !keys || keys->type != V_SEQ ||
        vmoney(mget(v, "amount"), &res->amount) ||
        (res->in_kind && vint(mget(v, "quantity"), &res->quantity)) ||
        (res->pooled && vmoney(mget(v, "amount_before_pool"), &res->amount_before_pool))) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &v->loc,
                          "record %s: an eligible result of %s without its claim_year, keys, "
                          "amount or quantity",
                          pl->enterprise, res->policy ? res->policy : "?");
        calc_error_hint(d->n ? &d->v[d->n - 1] : NULL,
                        "grant reads the results of calc batch --ledger (they carry claim_year "
                        "and keys)");
        return 1;
    }
    res->year = (int32_t)year;
    calc_round_key *k = arena_alloc(&r->scratch, (keys->n + 1) * sizeof *k);
    *locs = arena_alloc(&r->scratch, (keys->n + 1) * sizeof **locs);
    for (size_t i = 0; i < keys->n; i++) {
        const value *kv = keys->items[i];
        bool q_null = !mget(kv, "quantity") || value_is_null(mget(kv, "quantity"));
        /* a null key: an item whose key fields are unknown (a store without a brand), said
         * as such when the rows are made */
        const value *kk = mget(kv, "key");
        k[i].key = kk && value_is_null(kk) ? "" : mstr(kv, "key");
        (*locs)[i] = kv->loc;
        if (!k[i].key || vmoney(mget(kv, "amount"), &k[i].amount) ||
            (!q_null && vint(mget(kv, "quantity"), &k[i].quantity)) || q_null == res->in_kind) {
            LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &kv->loc,
                              "record %s: key %zu of %s needs key, amount and quantity (null "
                              "for cash)",
                              pl->enterprise, i + 1, res->policy);
            return 1;
        }
    }
    res->keys = k;
    res->nkeys = keys->n;
    return 0;
}

/* ---- the quick path (ledger_scan.c): a line as calc writes it ---- */

static const char *sv_str(calc_round *r, const scan_val *v)
{
    return v->set && v->kind == SV_STR ? arena_strndup(&r->scratch, v->s, v->n) : NULL;
}

static int sv_int(const scan_val *v, int64_t *out)
{
    char buf[24];
    if (!v->set || v->kind != SV_NUM || v->n >= sizeof buf)
        return -1;
    memcpy(buf, v->s, v->n);
    buf[v->n] = 0;
    return ldb_atoi(buf, out);
}

static int sv_money(const scan_val *v, calc_money *out)
{
    const char *why;
    if (!v->set || v->kind != SV_STR)
        return -1;
    return calc_money_parse(out, v->s, v->n, &why) ? -1 : 0;
}

/* The character column of the byte at, counting on from (*from, *col) of its line. */
static unsigned char_col(const char *at, const char **from, unsigned *col)
{
    for (const char *p = *from; p < at; p++)
        *col += ((unsigned char)*p & 0xC0) != 0x80;
    *from = at;
    return *col;
}

/* One eligible result of the scan as calc_round_result (keys and their places in the scratch
 * arena); -1 when anything is not as calc writes it. */
static int fast_result(calc_round *r, const scan_result *sr, calc_round_result *res,
                       calc_loc *locs, const char *file, unsigned line, const char **from,
                       unsigned *col)
{
    int64_t year;
    memset(res, 0, sizeof *res);
    res->policy = sv_str(r, &sr->policy);
    res->pool = sr->pool.set ? sv_str(r, &sr->pool) : NULL;
    res->pooled = sr->before.set;
    res->in_kind = sr->quantity.set && sr->quantity.kind == SV_NUM;
    if (!res->policy || (sr->pool.set && !res->pool) || sv_int(&sr->year, &year) ||
        year < INT32_MIN || year > INT32_MAX || sv_money(&sr->amount, &res->amount) ||
        (res->in_kind && sv_int(&sr->quantity, &res->quantity)) ||
        (res->pooled && sv_money(&sr->before, &res->amount_before_pool)) || !sr->keys_set)
        return -1;
    res->year = (int32_t)year;
    calc_round_key *k = arena_alloc(&r->scratch, (sr->nkeys + 1) * sizeof *k);
    for (size_t i = 0; i < sr->nkeys; i++) {
        const scan_key *sk = &sr->keys[i];
        bool q_null = !sk->quantity.set || sk->quantity.kind == SV_NULL;
        k[i].key = sv_str(r, &sk->key);
        if (!k[i].key || sv_money(&sk->amount, &k[i].amount) ||
            (!q_null && sv_int(&sk->quantity, &k[i].quantity)) || q_null == res->in_kind)
            return -1;
        locs[i] = (calc_loc){file, line, char_col(sk->at, from, col)};
    }
    res->keys = k;
    res->nkeys = sr->nkeys;
    return 0;
}

/* A line the scan read: its rows added; 1 when the careful reading must say what is wrong. */
static int fast_line(calc_round *r, const char *file, unsigned line, const char *text,
                     const scan_line *sl, calc_diags *d, int *rc)
{
    int64_t seq;
    const char *ent = sv_str(r, &sl->profile), *head = sv_str(r, &sl->head);
    if (!ent || !head || sv_int(&sl->seq, &seq) ||
        (sl->as_of.set && sl->as_of.kind != SV_STR && sl->as_of.kind != SV_NULL))
        return 1;
    calc_round_result *res = arena_alloc(&r->scratch, (sl->neligible + 1) * sizeof *res);
    calc_loc **locs = arena_alloc(&r->scratch, (sl->neligible + 1) * sizeof *locs);
    const char *from = text;
    unsigned col = 1;
    for (size_t i = 0; i < sl->neligible; i++) {
        locs[i] = arena_alloc(&r->scratch, (sl->eligible[i]->nkeys + 1) * sizeof **locs);
        if (fast_result(r, sl->eligible[i], &res[i], locs[i], file, line, &from, &col))
            return 1;
    }
    const pend_line *pl = record_of(r, file, line, ent, sv_str(r, &sl->as_of),
                                    sv_str(r, &sl->policy_set), sv_str(r, &sl->profile_fp), head,
                                    seq);
    size_t before = r->nrows;
    *rc = 0;
    for (size_t i = 0; i < sl->neligible && !*rc; i++)
        *rc = add_result(r, &res[i], pl, locs[i], d);
    if (r->nrows > before) {
        r->records++;
        r->counted = pl;
    }
    return 0;
}

int calc_ledger_round_line(calc_round *r, const char *file, unsigned line, const char *text,
                           size_t len, calc_diags *d)
{
    r->lines++;
    while (len && (text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    if (!len)
        return 0; /* blank lines, as calc batch reads them */
    arena_reset(&r->scratch);
    scan_line sl;
    memset(&sl, 0, sizeof sl);
    sl.a = &r->scratch;
    int rc = 0;
    if (scan_result_line(&sl, text, len) == 0 && fast_line(r, file, line, text, &sl, d, &rc) == 0)
        return rc;
    arena_reset(&r->scratch);
    value *t = NULL;
    rc = calc_json_parse(&r->scratch, file, line, text, len, &t, d);
    if (rc) {
        r->bad++;
        if (calc_exit_status(rc) > calc_exit_status(r->worst))
            r->worst = rc;
        return rc;
    }
    calc_loc at = {file, line, 1};
    const value *lg = mget(t, "ledger"), *results = mget(t, "results");
    const char *ent = mstr(t, "profile"), *head = mstr(lg, "head");
    int64_t seq;
    const value *pv = mget(t, "profile");
    if (pv && pv->type == V_SCALAR && !pv->quoted) { /* 5, true: not an enterprise's id */
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &at,
                          "\"profile\" is %s, not an enterprise's id (a string)", pv->str);
        return CALC_ESCHEMA;
    }
    if (!ent || !results || results->type != V_SEQ) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &at, "not a result line of calc batch (no profile or results)");
        return CALC_ESCHEMA;
    }
    if (!head || vint(mget(lg, "seq"), &seq)) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &at,
                          "record %s was not evaluated with a ledger (no \"ledger\": "
                          "{\"head\", \"seq\"})",
                          ent);
        calc_error_hint(d->n ? &d->v[d->n - 1] : NULL,
                        "evaluate with calc batch --ledger, so that its history is the ledger's");
        return CALC_ESCHEMA;
    }
    const value *fp = mget(t, "fingerprint");
    const pend_line *pl = record_of(r, file, line, ent, mstr(t, "as_of"), mstr(fp, "policy_set"),
                                    mstr(fp, "profile"), head, seq);
    size_t before = r->nrows;
    for (size_t i = 0; i < results->n; i++) {
        const value *v = results->items[i];
        const char *st = mstr(v, "status"), *kind = mstr(v, "kind");
        if (!st || strcmp(st, "eligible"))
            continue;
        if (kind && strcmp(kind, "match") == 0)
            continue; /* a match recommends: it grants nothing, so nothing is recorded */
        calc_round_result res = {0};
        calc_loc *locs = NULL;
        if (parse_result(r, v, pl, &res, &locs, d))
            continue;
        if (res.nkeys == 0)
            locs = NULL;
        if ((rc = add_result(r, &res, pl, locs, d)))
            return rc;
    }
    if (r->nrows > before) {
        r->records++;
        r->counted = pl;
    }
    return 0;
}

void calc_ledger_round_abort(calc_round *r)
{
    if (!r)
        return;
    free(r->rows);
    arena_free(&r->a);
    arena_free(&r->scratch);
    free(r);
}

/* err's problem into d as well; returns its code. */
static int to_diags(calc_diags *d, const calc_error *err)
{
    calc_error *e = calc_diags_add(d);
    if (e)
        *e = *err;
    return err->code;
}

int calc_ledger_grant_file(calc_ledger *l, const char *path, FILE *in, const calc_grant_opts *o,
                           calc_grant_stats *st, calc_diags *d)
{
    memset(st, 0, sizeof *st);
    calc_error err = {0};
    calc_round *r;
    int rc = calc_ledger_round_begin(l, o, &r, &err);
    if (rc)
        return to_diags(d, &err);
    FILE *f = in ? in : fopen(path, "rb");
    const char *name = in ? "-" : path;
    if (!f) {
        calc_ledger_round_abort(r);
        calc_error_set(&err, CALC_EIO, NULL, 0, 0, "cannot open %s: %s", path,
                       calc_msg_errno(errno));
        return to_diags(d, &err);
    }
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned line = 0;
    setvbuf(f, NULL, _IOFBF, 1 << 20); /* a gigabyte of lines: fewer reads */
    while (rc != CALC_ENOMEM && (n = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (n && buf[n - 1] == '\n')
            n--;
        if (calc_ledger_round_line(r, name, line, buf, (size_t)n, d) == CALC_ENOMEM)
            rc = CALC_ENOMEM;
    }
    bool failed = ferror(f);
    free(buf);
    if (!in)
        fclose(f);
    if (rc || failed) {
        calc_ledger_round_abort(r);
        if (rc)
            calc_error_set(&err, rc, NULL, 0, 0, "out of memory");
        else
            calc_error_set(&err, CALC_EIO, NULL, 0, 0, "cannot read %s: %s", name,
                           calc_msg_errno(EIO));
        return to_diags(d, &err);
    }
    return calc_ledger_round_commit(r, st, d);
}
