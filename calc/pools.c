/* pools.c — budget pools over a population (book §1): pro_rata money pools floor every claim
 * to claim × P / C when claims exceed the pool; first_come pools serve claims by `applied`
 * date then id, the boundary claim gets the remainder and later claims get nothing. Also
 * rewrites result lines with their grants. Groups and caps are never revisited here. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

int policy_value(calc_engine *e, int pi, int64_t quantity, calc_money *out, char *msg,
                 size_t msgsize);

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
            if (total > pool->size) {
                st->factor_num = pool->size;
                st->factor_den = st->claimed;
                __int128 granted = 0;
                for (size_t k = 0; k < n; k++) {
                    claim *x = &c->v[idx[k]];
                    x->g_amount = (int64_t)(((__int128)x->amount * pool->size) / total);
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
        int64_t left = pool->size;
        for (size_t k = 0; k < n; k++) {
            claim *x = &c->v[idx[k]];
            st->claimed += x->quantity;
            if (x->quantity <= left) {
                left -= x->quantity;
                continue;
            }
            if (!st->ran_out) {
                st->ran_out = true;
                snprintf(st->ran_out_id, sizeof st->ran_out_id, "%s", x->id);
                st->ran_out_applied = x->applied;
                st->ran_out_has_applied = x->has_applied;
            }
            x->g_quantity = left;
            x->exhausted = left == 0;
            left = 0;
            x->changed = true;
            char msg[512];
            if (policy_value(e, x->policy, x->g_quantity, &x->g_amount, msg, sizeof msg)) {
                fprintf(stderr, "calc: error: %s\n", msg);
                rc = CALC_EPOLICY;
            }
        }
        st->granted = pool->size - left;
        if (st->granted > st->claimed)
            st->granted = st->claimed;
    }
    free(idx);
    return rc;
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
    memcpy(items, m->items, m->n * sizeof *items);
    memcpy(keys, m->keys, m->n * sizeof *keys);
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

static const char *str_of(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? v->str : NULL;
}

int pools_rewrite(calc_engine *e, const char *line, size_t len, const claim *cl, size_t ncl,
                  sbuf *out, calc_diags *d)
{
    arena a = {0};
    value *root = NULL;
    int rc = calc_json_parse(&a, "<results>", 0, line, len, &root, d);
    value *results = rc ? NULL : (value *)map_get(root, "results");
    if (!results || results->type != V_SEQ) {
        arena_free(&a);
        return rc ? rc : CALC_ESCHEMA;
    }
    char buf[40], buf2[40];
    for (size_t k = 0; k < ncl; k++) {
        const claim *x = &cl[k];
        if (!x->changed)
            continue;
        const policy *p = &e->ps.pol[x->policy];
        const decl *pool = &e->ps.pool[x->pool];
        for (size_t i = 0; i < results->n; i++) {
            value *r = results->items[i];
            const char *id = str_of(r, "policy");
            if (!id || strcmp(id, p->id) != 0)
                continue;
            set_key(&a, r, "amount_before_pool", scalar(&a, calc_money_format(buf, x->amount),
                                                        true));
            set_key(&a, r, "amount", scalar(&a, calc_money_format(buf, x->g_amount), true));
            if (p->kind == K_IN_KIND) {
                snprintf(buf, sizeof buf, "%lld", (long long)x->quantity);
                set_key(&a, r, "quantity_before_pool", scalar(&a, buf, false));
                snprintf(buf, sizeof buf, "%lld", (long long)x->g_quantity);
                set_key(&a, r, "quantity", scalar(&a, buf, false));
            }
            if (x->g_amount == 0 || (p->kind == K_IN_KIND && x->g_quantity == 0)) {
                set_key(&a, r, "status", scalar(&a, "ineligible", true));
                value *reasons = (value *)map_get(r, "reasons");
                if (reasons && reasons->type == V_SEQ) {
                    value *rec = arena_alloc(&a, sizeof *rec);
                    rec->type = V_MAP;
                    const char *name = x->exhausted ? "pool exhausted" : "pool share floored to 0.00";
                    set_key(&a, rec, "name", scalar(&a, name, true));
                    set_key(&a, rec, "field", scalar(&a, pool->name, true));
                    if (p->kind == K_IN_KIND)
                        snprintf(buf2, sizeof buf2, "%lld", (long long)x->g_quantity);
                    else
                        calc_money_format(buf2, x->g_amount);
                    set_key(&a, rec, "actual", scalar(&a, buf2, true));
                    set_key(&a, rec, "required", scalar(&a, "> 0", true));
                    set_key(&a, rec, "result", scalar(&a, "fail", true));
                    push_item(&a, reasons, rec);
                }
            }
        }
    }
    /* totals from the final grants */
    int64_t cash = 0, in_kind = 0;
    for (size_t i = 0; i < results->n; i++) {
        const value *r = results->items[i];
        const char *st = str_of(r, "status"), *kind = str_of(r, "kind"),
                   *amt = str_of(r, "amount");
        calc_money m;
        if (!st || strcmp(st, "eligible") != 0 || !kind || !amt ||
            calc_money_parse(&m, amt, strlen(amt), NULL))
            continue;
        if (strcmp(kind, "cash") == 0)
            cash += m;
        else if (strcmp(kind, "in_kind") == 0)
            in_kind += m;
    }
    value *totals = (value *)map_get(root, "totals");
    if (totals && totals->type == V_MAP) {
        set_key(&a, totals, "cash", scalar(&a, calc_money_format(buf, cash), true));
        set_key(&a, totals, "in_kind", scalar(&a, calc_money_format(buf, in_kind), true));
    }
    calc_json_write(out, root);
    sb_puts(out, "\n");
    arena_free(&a);
    return 0;
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
    s->granted[pi] += sign * amount;
    s->quantity[pi] += sign * quantity;
    if (kind == K_CASH)
        s->cash += sign * amount;
    else if (kind == K_IN_KIND)
        s->in_kind += sign * amount;
}

void summary_free(summary *s)
{
    free(s->count);
    free(s->granted);
    free(s->quantity);
}
