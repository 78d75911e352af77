/* ledger_grant.c — recording a round (calc.h: calc_ledger_round_*, calc_ledger_grant_file):
 * the final result lines of a batch read one at a time into the rows they make (one per key of
 * each eligible result), then, under the head lock, checked against the ledger as it is at that
 * moment and written in one transaction, or refused whole with every conflict named.
 *
 * Reading holds no lock, so a batch that records as it evaluates (calc batch --grant) does not
 * stop other writers; the price is that the head the results were computed against is checked
 * only at commit, which is when it matters: a round computed before another was recorded is
 * refused there ("the ledger moved since"). */
#include "ledger_grant.h"
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

/* One eligible result: its keys into rows, their amounts checked to add up. */
static int result_rows(calc_round *r, const value *res, const pend_line *pl, calc_diags *d)
{
    const char *policy = mstr(res, "policy");
    const value *keys = mget(res, "keys");
    int64_t year, qty = 0;
    calc_money amount, before = 0;
    bool has_before = mget(res, "amount_before_pool") != NULL;
    bool in_kind = mget(res, "quantity") && !value_is_null(mget(res, "quantity"));
    if (!policy || vint(mget(res, "claim_year"), &year) || !keys || keys->type != V_SEQ ||
        vmoney(mget(res, "amount"), &amount) ||
        (in_kind && vint(mget(res, "quantity"), &qty)) ||
        (has_before && vmoney(mget(res, "amount_before_pool"), &before))) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &res->loc,
                     "record %s: an eligible result of %s without its claim_year, keys, amount "
                     "or quantity",
                     pl->enterprise, policy ? policy : "?");
        calc_error_hint(d->n ? &d->v[d->n - 1] : NULL,
                        "grant reads the results of calc batch --ledger (they carry claim_year "
                        "and keys)");
        return 0;
    }
    if (keys->n == 0) {
        LINE_PROBLEM(r, d, &res->loc, "record %s: %s is eligible but has no key", pl->enterprise,
                     policy);
        return 0;
    }
    calc_money sum = 0;
    int64_t qsum = 0;
    calc_money before_left = before;
    for (size_t i = 0; i < keys->n; i++) {
        const value *k = keys->items[i];
        const char *key = mstr(k, "key");
        calc_money ka;
        int64_t kq = 0;
        bool kq_null = !mget(k, "quantity") || value_is_null(mget(k, "quantity"));
        if (!key || vmoney(mget(k, "amount"), &ka) || (!kq_null && vint(mget(k, "quantity"), &kq)) ||
            kq_null == in_kind) {
            LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &k->loc,
                         "record %s: key %zu of %s needs key, amount and quantity (null for "
                         "cash)",
                         pl->enterprise, i + 1, policy);
            return 0;
        }
        /* book 1: a first store is keyed BRAND@OPENED; without a brand there is no key that
         * tells one store from the next, so it cannot be recorded */
        if (!*key || key[0] == '@') {
            LINE_PROBLEM(r, d, &k->loc,
                         "record %s: %s: a store without a brand cannot be recorded (key '%s')",
                         pl->enterprise, policy, key);
            calc_error_hint(d->n ? &d->v[d->n - 1] : NULL,
                            "fill in the store's brand in the profile and evaluate again");
            return 0;
        }
        if (__builtin_add_overflow(sum, ka, &sum) || __builtin_add_overflow(qsum, kq, &qsum)) {
            LINE_PROBLEM(r, d, &k->loc, "record %s: the amounts of %s's keys overflow",
                         pl->enterprise, policy);
            return 0;
        }
        pend_row *p = new_row(r);
        if (!p)
            return CALC_ENOMEM;
        p->line = pl;
        p->policy = dup(r, policy);
        p->key = dup(r, key);
        p->pool = dup(r, mstr(res, "pool"));
        p->year = year;
        p->amount = ka;
        p->quantity = kq;
        p->in_kind = in_kind;
        p->loc = k->loc;
        /* the amount before the pool, shared among the keys as their amounts are (the last
         * takes the rest, so that they add up) */
        p->has_before = has_before;
        if (has_before) {
            calc_money share = i + 1 == keys->n || amount <= 0
                                   ? before_left
                                   : calc_money_muldiv_floor(before, ka, amount);
            p->before = share;
            before_left -= share;
        }
        r->cash += ka;
        r->quantity += kq;
    }
    if (sum != amount || (in_kind && qsum != qty)) {
        char a[32], b[32];
        LINE_PROBLEM(r, d, &res->loc,
                     "record %s: the keys of %s add up to %s (quantity %lld), the result says %s "
                     "(quantity %lld)",
                     pl->enterprise, policy, calc_money_format(a, sum), (long long)qsum,
                     calc_money_format(b, amount), (long long)qty);
        return 0;
    }
    r->results++;
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
    value *t = NULL;
    arena_reset(&r->scratch);
    int rc = calc_json_parse(&r->scratch, file, line, text, len, &t, d);
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
    if (!ent || !results || results->type != V_SEQ) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &at, "not a result line of calc batch (no profile or results)");
        return CALC_ESCHEMA;
    }
    if (!head || vint(mget(lg, "seq"), &seq)) {
        LINE_PROBLEM_CODE(r, d, CALC_ESCHEMA, &at, "record %s was not evaluated with a ledger (no \"ledger\": "
                                "{\"head\", \"seq\"})", ent);
        calc_error_hint(d->n ? &d->v[d->n - 1] : NULL,
                        "evaluate with calc batch --ledger, so that its history is the ledger's");
        return CALC_ESCHEMA;
    }
    pend_line *pl = arena_alloc(&r->a, sizeof *pl);
    const value *fp = mget(t, "fingerprint");
    pl->file = dup(r, file);
    pl->line = line;
    pl->enterprise = dup(r, ent);
    pl->as_of = dup(r, mstr(t, "as_of"));
    pl->policy_set = dup(r, mstr(fp, "policy_set"));
    pl->profile = dup(r, mstr(fp, "profile"));
    pl->head = dup(r, head);
    pl->head_seq = seq;
    if (!r->first_line)
        r->first_line = pl;
    size_t before = r->nrows;
    for (size_t i = 0; i < results->n; i++) {
        const value *res = results->items[i];
        const char *st = mstr(res, "status"), *kind = mstr(res, "kind");
        if (kind && strcmp(kind, "match") == 0)
            continue; /* a match recommends: it grants nothing, so nothing is recorded */
        if (st && strcmp(st, "eligible") == 0 && (rc = result_rows(r, res, pl, d)))
            return rc;
    }
    if (r->nrows > before)
        r->records++;
    /* the head each line was computed against; a line of another head than the first is named
     * at commit with the rows recorded since */
    if (!r->head_line || strcmp(r->head_line->head, head) || r->head_line->head_seq != seq) {
        if (!r->head_line)
            r->head_line = pl;
        else if (!r->other_head)
            r->other_head = pl;
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
