/* pools.c — budget pools over a population (book §1): the claims evaluated records make on
 * them; pro_rata money pools floor every claim to claim × P / C when claims exceed the pool;
 * first_come pools serve claims by `applied` date then id, the boundary claim gets the
 * remainder and later claims get nothing. Also applies the grants to results and rewrites
 * result lines with them, and keeps the summary's counters. Groups and caps are never
 * revisited here, and nothing is read or written: the callers do that. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

/* The name of a pool's reason: "pool exhausted" or "pool share floored to 0.00", its field the
 * pool; under book 2's conventions the field is empty (book 2 §1.9: "cap and pool reasons,
 * which name the cap or pool and no field"), so the name carries the pool, as a cap's does. */
static const char *pool_reason_name(arena *a, const polset *ps, const policy *p,
                                    const char *pool, bool exhausted)
{
    if (!policy_book_conventions(ps, p))
        return exhausted ? "pool exhausted" : "pool share floored to 0.00";
    return arena_printf(a, exhausted ? "pool %s exhausted" : "pool %s share floored to 0.00",
                        pool);
}

/* ---- claims ---- */

void claims_push(claims *c, const claim *x)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        if (!c->v)
            abort(); /* out of memory */
    }
    c->v[c->n++] = *x;
}

void claims_add_result(claims *c, const calc_engine *e, const calc_result *r, size_t record,
                       const char *id, const pval *applied, int pool, int pi)
{
    bool dated = applied && applied->set;
    for (size_t k = 0; k < r->n; k++) {
        const pres *x = &r->r[k];
        const policy *pol = &e->ps.pol[k];
        if (pol->pool < 0 || x->status != ST_ELIGIBLE || (pool >= 0 && pol->pool != pool) ||
            (pi >= 0 && (int)k != pi))
            continue;
        claim cl = {0};
        cl.record = record;
        cl.id = (char *)id;
        cl.has_applied = dated;
        cl.applied = dated ? (calc_date)applied->u.i : 0;
        cl.pool = pol->pool;
        cl.policy = (int)k;
        cl.amount = x->amount;
        cl.quantity = x->quantity;
        claims_push(c, &cl);
    }
}

size_t claims_of_record(const claims *c, size_t rec, size_t *lo)
{
    size_t a = 0, b = c->n;
    while (a < b) {
        size_t mid = (a + b) / 2;
        if (c->v[mid].record < rec)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    while (b < c->n && c->v[b].record == rec)
        b++;
    return b;
}

bool claim_voided(const calc_engine *e, const claim *x)
{
    return x->g_amount == 0 || (e->ps.pol[x->policy].kind == K_IN_KIND && x->g_quantity == 0);
}

/* ---- allocation ---- */

static claims *sort_base;

static int by_arrival(const void *a, const void *b)
{
    const claim *x = &sort_base->v[*(const size_t *)a], *y = &sort_base->v[*(const size_t *)b];
    if (x->has_applied != y->has_applied)
        return x->has_applied ? -1 : 1; /* dated claims first */
    if (x->has_applied && x->applied != y->applied)
        return x->applied < y->applied ? -1 : 1;
    return strcmp(x->id, y->id); /* byte order */
}

int pools_allocate(calc_engine *e, claims *c, pool_stat *stats)
{
    const polset *ps = &e->ps;
    size_t *idx = malloc((c->n ? c->n : 1) * sizeof *idx);
    int rc = 0;
    for (size_t p = 0; p < ps->npool; p++) {
        const decl *pool = &ps->pool[p];
        pool_stat *st = &stats[p];
        memset(st, 0, sizeof *st);
        size_t n = 0;
        for (size_t i = 0; i < c->n; i++)
            if (c->v[i].pool == (int)p) {
                idx[n++] = i;
                c->v[i].g_amount = c->v[i].amount;
                c->v[i].g_quantity = c->v[i].quantity;
            }
        st->nclaims = n;
        if (pool->mode == 0) { /* pro rata, money */
            __int128 total = 0;
            for (size_t k = 0; k < n; k++)
                total += c->v[idx[k]].amount;
            st->claimed = total > INT64_MAX ? INT64_MAX : (int64_t)total;
            st->overflow = total > INT64_MAX;
            if (st->overflow) { /* shown as the largest amount, flagged: the run fails */
                diag_print(stderr, NULL, 0, "pool '%s': the sum of its claims does not fit in "
                           "an amount (the largest is 92233720368547758.07 yuan); each grant "
                           "is still exact", pool->name);
                rc = CALC_EPOLICY;
            }
            int64_t size = pool_size_left(pool); /* a stock: less earlier rounds' grants */
            if (total > size) {
                st->factor_num = size;
                /* no factor to show when the sum does not fit */
                st->factor_den = st->overflow ? 0 : st->claimed;
                __int128 granted = 0;
                for (size_t k = 0; k < n; k++) {
                    claim *x = &c->v[idx[k]];
                    x->g_amount = (int64_t)(((__int128)x->amount * size) / total);
                    x->changed = x->g_amount != x->amount;
                    x->floored = x->g_amount == 0;
                    granted += x->g_amount;
                }
                st->granted = (int64_t)granted;
            } else
                st->granted = st->claimed;
            continue;
        }
        /* first come, whole units or m² */
        sort_base = c;
        qsort(idx, n, sizeof *idx, by_arrival);
        int64_t left = pool_size_left(pool); /* a stock: less earlier rounds' grants */
        for (size_t k = 0; k < n; k++) {
            claim *x = &c->v[idx[k]];
            if (!st->overflow && __builtin_add_overflow(st->claimed, x->quantity, &st->claimed)) {
                /* the sum is not wrapped: it stays at the largest value, flagged, and the run
                 * fails naming where it happened */
                st->claimed = INT64_MAX;
                st->overflow = true;
                diag_print(stderr, NULL, 0, "pool '%s': the claimed quantity does not fit in 64 "
                           "bits at record '%s' (policy %s)", pool->name, x->id,
                           ps->pol[x->policy].id);
                rc = CALC_EPOLICY;
            }
            if (x->quantity <= left) {
                left -= x->quantity;
                continue;
            }
            if (!st->ran_out) {
                st->ran_out = true;
                st->ran_out_id = strdup(x->id);
                st->ran_out_applied = x->applied;
                st->ran_out_has_applied = x->has_applied;
            }
            x->g_quantity = left;
            x->exhausted = left == 0;
            left = 0;
            x->changed = true;
            char msg[512];
            if (x->exhausted)
                x->g_amount = 0; /* nothing granted is worth nothing, whatever value() says */
            else if (policy_value(e, x->policy, x->g_quantity, &x->g_amount, msg, sizeof msg)) {
                calc_error pe = {0};
                calc_error_policy(&pe, msg);
                calc_error_print(stderr, &pe);
                rc = CALC_EPOLICY;
            }
        }
        st->granted = pool_size_left(pool) - left;
        if (st->granted > st->claimed)
            st->granted = st->claimed;
    }
    free(idx);
    return rc;
}

void pool_stats_free(const calc_engine *e, pool_stat *stats)
{
    for (size_t p = 0; stats && p < e->ps.npool; p++)
        free(stats[p].ran_out_id);
    free(stats);
}

/* ---- rewriting result lines ---- */

static value *scalar(arena *a, const char *s, bool quoted)
{
    value *v = arena_alloc(a, sizeof *v);
    v->type = V_SCALAR;
    v->str = arena_strndup(a, s, strlen(s));
    v->len = strlen(s);
    v->quoted = quoted;
    return v;
}

static void set_key(arena *a, value *m, const char *key, value *v)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->keys[i]->str, key) == 0) {
            m->items[i] = v;
            return;
        }
    value **items = arena_alloc(a, (m->n + 1) * sizeof *items);
    value **keys = arena_alloc(a, (m->n + 1) * sizeof *keys);
    if (m->n) {
        memcpy(items, m->items, m->n * sizeof *items);
        memcpy(keys, m->keys, m->n * sizeof *keys);
    }
    items[m->n] = v;
    keys[m->n] = scalar(a, key, true);
    m->items = items;
    m->keys = keys;
    m->n++;
}

static void push_item(arena *a, value *s, value *v)
{
    value **items = arena_alloc(a, (s->n + 1) * sizeof *items);
    if (s->n)
        memcpy(items, s->items, s->n * sizeof *items);
    items[s->n++] = v;
    s->items = items;
}


/* The end of the JSON value starting at p (an object or array), or NULL. */
static const char *value_end(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++;
        } else if (*p == '{' || *p == '[')
            depth++;
        else if ((*p == '}' || *p == ']') && --depth == 0)
            return p + 1;
    }
    return NULL;
}

/* Finds the result object of policy id in a result line. */
static const char *find_result(const char *line, const char *end, const char *id,
                               const char **obj_end)
{
    char key[160];
    snprintf(key, sizeof key, "{\"policy\": \"%s\"", id);
    size_t kl = strlen(key);
    for (const char *p = line; p + kl <= end; p++) {
        p = memchr(p, '{', (size_t)(end - p));
        if (!p)
            return NULL;
        if ((size_t)(end - p) >= kl && memcmp(p, key, kl) == 0) {
            *obj_end = value_end(p, end);
            return *obj_end ? p : NULL;
        }
    }
    return NULL;
}

/* Rewrites one result object (text [a, b)) with its grant; appends the new text to out. */
static int rewrite_result(calc_engine *e, const claim *x, const char *a, const char *b, sbuf *out,
                          calc_diags *d)
{
    arena ar = {0};
    value *r = NULL;
    int rc = calc_json_parse(&ar, "<result>", 0, a, (size_t)(b - a), &r, d);
    if (rc || r->type != V_MAP) {
        arena_free(&ar);
        return rc ? rc : CALC_ESCHEMA;
    }
    const policy *p = &e->ps.pol[x->policy];
    const decl *pool = &e->ps.pool[x->pool];
    char buf[40], buf2[40];
    set_key(&ar, r, "amount_before_pool", scalar(&ar, calc_money_format(buf, x->amount), true));
    set_key(&ar, r, "amount", scalar(&ar, calc_money_format(buf, x->g_amount), true));
    if (p->kind == K_IN_KIND) {
        snprintf(buf, sizeof buf, "%lld", (long long)x->quantity);
        set_key(&ar, r, "quantity_before_pool", scalar(&ar, buf, false));
        snprintf(buf, sizeof buf, "%lld", (long long)x->g_quantity);
        set_key(&ar, r, "quantity", scalar(&ar, buf, false));
    }
    if (claim_voided(e, x)) {
        set_key(&ar, r, "status", scalar(&ar, "ineligible", true));
        value *miss = (value *)map_get(r, "missing"); /* ineligible: nothing is missing */
        if (miss && miss->type == V_SEQ)
            miss->n = 0;
        miss = (value *)map_get(r, "missing_labels");
        if (miss && miss->type == V_SEQ)
            miss->n = 0;
        value *reasons = (value *)map_get(r, "reasons");
        if (reasons && reasons->type == V_SEQ) {
            value *rec = arena_alloc(&ar, sizeof *rec);
            rec->type = V_MAP;
            const char *name = pool_reason_name(&ar, &e->ps, p, pool->name, x->exhausted);
            set_key(&ar, rec, "name", scalar(&ar, name, true));
            set_key(&ar, rec, "field",
                    scalar(&ar, policy_book_conventions(&e->ps, p) ? "" : pool->name, true));
            if (p->kind == K_IN_KIND)
                snprintf(buf2, sizeof buf2, "%lld", (long long)x->g_quantity);
            else
                calc_money_format(buf2, x->g_amount);
            set_key(&ar, rec, "actual", scalar(&ar, buf2, true));
            set_key(&ar, rec, "required", scalar(&ar, "> 0", true));
            set_key(&ar, rec, "result", scalar(&ar, "fail", true));
            if (map_get(r, "conditions")) { /* a line for people: the reason's sentence too */
                value *lab = arena_alloc(&ar, sizeof *lab);
                lab->type = V_MAP;
                for (int l = 0; l < 2; l++) {
                    sbuf w = {0};
                    label_pool_reason(&w, l ? pool->en : pool->zh, pool->unit == U_YUAN, x->exhausted, l);
                    set_key(&ar, lab, l ? "en" : "zh", scalar(&ar, w.p, true));
                    sb_free(&w);
                }
                set_key(&ar, rec, "label", lab);
            }
            push_item(&ar, reasons, rec);
        }
    }
    calc_json_write(out, r);
    arena_free(&ar);
    return 0;
}

static int cmp_ptr(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return x < y ? -1 : x > y;
}

int pools_rewrite(calc_engine *e, const char *line, size_t len, const claim *cl, size_t ncl,
                  sbuf *out, calc_diags *d)
{
    /* only the changed result objects and the totals are re-read; the rest is copied */
    const char *end = line + len;
    struct piece {
        const char *a, *b;
        const claim *x;
    } pc[16];
    size_t np = 0;
    calc_money dcash = 0, dkind = 0;
    for (size_t k = 0; k < ncl && np < 15; k++) {
        const claim *x = &cl[k];
        if (!x->changed)
            continue;
        const char *oe;
        const char *o = find_result(line, end, e->ps.pol[x->policy].id, &oe);
        if (!o)
            return CALC_ESCHEMA;
        pc[np].a = o;
        pc[np].b = oe;
        pc[np].x = x;
        np++;
        calc_money delta = x->g_amount - x->amount; /* a grant never exceeds its claim */
        if (e->ps.pol[x->policy].kind == K_CASH)
            dcash += delta;
        else if (e->ps.pol[x->policy].kind == K_IN_KIND)
            dkind += delta;
    }
    const char *t = NULL, *te = NULL;
    static const char tk[] = "\"totals\": ";
    for (const char *p = end - 1; p > line; p--)
        if (*p == '"' && (size_t)(end - p) > sizeof tk && memcmp(p, tk, sizeof tk - 1) == 0) {
            t = p + sizeof tk - 1;
            te = value_end(t, end);
            break;
        }
    if (!t || !te)
        return CALC_ESCHEMA;
    pc[np].a = t;
    pc[np].b = te;
    pc[np].x = NULL;
    np++;
    qsort(pc, np, sizeof *pc, cmp_ptr);
    const char *at = line;
    for (size_t i = 0; i < np; i++) {
        sb_putn(out, at, (size_t)(pc[i].a - at));
        if (pc[i].x) {
            int rc = rewrite_result(e, pc[i].x, pc[i].a, pc[i].b, out, d);
            if (rc)
                return rc;
        } else {
            arena ar = {0};
            value *tv = NULL;
            int rc = calc_json_parse(&ar, "<totals>", 0, pc[i].a, (size_t)(pc[i].b - pc[i].a),
                                     &tv, d);
            const value *c = rc ? NULL : map_get(tv, "cash"), *k = rc ? NULL : map_get(tv, "in_kind");
            calc_money cash, kind;
            if (!c || !k || calc_money_parse(&cash, c->str, c->len, NULL) ||
                calc_money_parse(&kind, k->str, k->len, NULL)) {
                arena_free(&ar);
                return CALC_ESCHEMA;
            }
            char m1[40], m2[40];
            calc_money nc, nk;
            if (__builtin_add_overflow(cash, dcash, &nc))
                nc = INT64_MAX;
            if (__builtin_add_overflow(kind, dkind, &nk))
                nk = INT64_MAX;
            sb_printf(out, "{\"cash\": \"%s\", \"in_kind\": \"%s\"}",
                      calc_money_format(m1, nc), calc_money_format(m2, nk));
            arena_free(&ar);
        }
        at = pc[i].b;
    }
    sb_putn(out, at, (size_t)(end - at));
    sb_puts(out, "\n");
    return 0;
}

/* Applies the grants of one record's changed claims to its result (the final pass of
 * `calc batch`): the same changes `pools_rewrite` makes to a result line. */
void pools_apply(calc_engine *e, calc_result *res, const claim *cl, size_t ncl)
{
    char buf[40];
    for (size_t k = 0; k < ncl; k++) {
        const claim *x = &cl[k];
        if (!x->changed)
            continue;
        pres *r = &res->r[x->policy];
        const policy *p = &e->ps.pol[x->policy];
        r->pooled = true;
        r->amount_before_pool = x->amount;
        r->quantity_before_pool = x->quantity;
        r->amount = x->g_amount;
        if (p->kind == K_IN_KIND)
            r->quantity = x->g_quantity;
        if (claim_voided(e, x)) {
            r->status = ST_INELIGIBLE;
            crec *v = arena_alloc(&res->a, (r->nreason + 1) * sizeof *v);
            if (r->nreason)
                memcpy(v, r->reason, r->nreason * sizeof *v);
            crec *rr = &v[r->nreason++];
            rr->name = pool_reason_name(&res->a, &e->ps, p, e->ps.pool[x->pool].name,
                                        x->exhausted);
            rr->field = policy_book_conventions(&e->ps, p) ? "" : e->ps.pool[x->pool].name;
            r->nmissing = 0; /* ineligible: nothing is missing */
            if (p->kind == K_IN_KIND)
                snprintf(buf, sizeof buf, "%lld", (long long)x->g_quantity);
            else
                calc_money_format(buf, x->g_amount);
            rr->actual = arena_strndup(&res->a, buf, strlen(buf));
            rr->required = (char *)"> 0";
            rr->result = TV_FALSE;
            const decl *pool = &e->ps.pool[x->pool];
            sbuf w[2] = {{0}, {0}}; /* its sentence, for people */
            for (int l = 0; l < 2; l++)
                label_pool_reason(&w[l], l ? pool->en : pool->zh, pool->unit == U_YUAN,
                                  x->exhausted, l);
            rr->words = label_words(&res->a, w[0].p, w[1].p);
            sb_free(&w[0]);
            sb_free(&w[1]);
            r->reason = v;
        }
    }
    result_totals(res);
}

/* ---- summary ---- */

void summary_init(summary *s, size_t npol)
{
    memset(s, 0, sizeof *s);
    s->npol = npol;
    s->count = calloc(npol ? npol : 1, sizeof *s->count);
    s->granted = calloc(npol ? npol : 1, sizeof *s->granted);
    s->quantity = calloc(npol ? npol : 1, sizeof *s->quantity);
}

void summary_add(summary *s, int pi, int status, int kind, int64_t amount, int64_t quantity,
                 int sign)
{
    s->count[pi][status] += (size_t)(long)sign;
    if (status != ST_ELIGIBLE)
        return;
    /* exact: 2^64 additions of the largest amount still fit in 128 bits */
    s->granted[pi] += (__int128)sign * amount;
    s->quantity[pi] += (__int128)sign * quantity;
    if (kind == K_CASH)
        s->cash += (__int128)sign * amount;
    else if (kind == K_IN_KIND)
        s->in_kind += (__int128)sign * amount;
}

int64_t summary_fit(__int128 v)
{
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

static bool sum_fits(__int128 v) { return v == summary_fit(v); }

bool summary_overflow(const summary *s)
{
    bool ok = sum_fits(s->cash) && sum_fits(s->in_kind);
    for (size_t i = 0; i < s->npol; i++)
        ok = ok && sum_fits(s->granted[i]) && sum_fits(s->quantity[i]);
    return !ok;
}

int summary_check(const calc_engine *e, const summary *s, FILE *err)
{
    int rc = 0;
    for (size_t i = 0; i < s->npol; i++) {
        if (!sum_fits(s->granted[i]) || !sum_fits(s->quantity[i])) {
            diag_print(err, NULL, 0, "the sum granted under policy %s does not fit in an amount "
                       "(the largest is 92233720368547758.07 yuan)", e->ps.pol[i].id);
            rc = CALC_EXIT_POLICY;
        }
    }
    if (!sum_fits(s->cash) || !sum_fits(s->in_kind)) {
        if (!sum_fits(s->cash))
            diag_print(err, NULL, 0, "the run's cash total does not fit in an amount (the "
                       "largest is 92233720368547758.07 yuan)");
        else
            diag_print(err, NULL, 0, "the run's in-kind total does not fit in an amount (the "
                       "largest is 92233720368547758.07 yuan)");
        rc = CALC_EXIT_POLICY;
    }
    return rc;
}

void summary_free(summary *s)
{
    free(s->count);
    free(s->granted);
    free(s->quantity);
}
