/* qualify.c — "how to qualify": for a policy that is ineligible or waiting for data, the field
 * changes that would make it eligible — thresholds as exact differences, enums and booleans as
 * the value needed, absent fields to provide — and the amount it would then bring. Every
 * suggestion is proven by evaluating the profile with the changes applied; a set of changes
 * that does not make the policy eligible is not shown. Dates are facts: a failing date cannot
 * be changed, and is said to be so. */
/* The most changes a suggestion may consist of before it is minimised: each costs one
 * evaluation of the whole profile, and a list of thousands of items would make it quadratic. */
#define QUALIFY_MAX_CHANGES 64

#include "engine.h"

#include <stdlib.h>
#include <string.h>

typedef struct fix {
    pval *slot;
    pval old, nv;
    bool active;
    qchange ch;
} fix;

typedef struct fixes {
    fix *v;
    size_t n, cap;
} fixes;

/* The slot of a condition's field: in the profile, or in list item `prefix` ("stores[1]."). */
static pval *slot_for(calc_profile *p, const char *prefix, const cond *c)
{
    pobj *o = p->root.u.o;
    if (prefix && prefix[0]) {
        size_t len = strcspn(prefix, "[");
        const snode *ln = schema_child(o->sn, prefix, len);
        long idx = strtol(prefix + len + 1, NULL, 10);
        if (!ln || ln->type != T_LIST)
            return NULL;
        pval *lv = &o->slot[ln->index];
        if (!lv->set || idx < 0 || (size_t)idx >= lv->u.l->n)
            return NULL;
        o = lv->u.l->item[idx].u.o;
    }
    return cond_slot(o, c);
}

/* A leaf condition on the field path `path` (for a missing field's value). */
static const cond *cond_on(const cond *v, size_t n, const char *prefix, const char *path)
{
    for (size_t i = 0; i < n; i++) {
        const cond *c = &v[i];
        if (c->op == C_ALL || c->op == C_ANY || c->op == C_NOT) {
            const cond *x = cond_on(c->sub, c->n, prefix, path);
            if (x)
                return x;
            continue;
        }
        if (c->op == C_ANY_ITEM) {
            size_t fl = strlen(c->field);
            if (strncmp(path, c->field, fl) == 0 && path[fl] == '[') {
                const char *dot = strchr(path + fl, '.');
                if (dot) {
                    char pre[160];
                    snprintf(pre, sizeof pre, "%.*s", (int)(dot + 1 - path), path);
                    const cond *x = cond_on(c->sub, c->n, pre, path);
                    if (x)
                        return x;
                }
            }
            continue;
        }
        char full[200];
        snprintf(full, sizeof full, "%s%s", prefix, c->field ? c->field : "");
        if (strcmp(full, path) == 0 && c->op != C_NOT)
            return c;
    }
    return NULL;
}

static void text_of(arena *a, char **out, const pval *v)
{
    if (!v || !v->set) {
        *out = NULL;
        return;
    }
    sbuf b = {0};
    pval_render(&b, v);
    *out = arena_strndup(a, b.p ? b.p : "", b.n);
    sb_free(&b);
}

/* Builds the value that satisfies condition c (ties to the smallest change). */
static bool satisfy(arena *a, const policy *p, calc_date as_of, const cond *c, const snode *sn,
                    const pval *cur, pval *out)
{
    memset(out, 0, sizeof *out);
    out->set = true;
    out->type = sn->type;
    int64_t r0 = c->req[0].kind == RV_LIT && !c->req[0].n ? c->req[0].i : 0;
    if (c->op != C_ONE_OF && c->op != C_IS_SET && c->op != C_IS_TRUE)
        r0 = req_value(p, as_of, &c->req[0]);
    int64_t one = sn->type == T_MONEY ? 1 : 1; /* a fen, a unit, a day */
    switch (c->op) {
    case C_AT_LEAST:
    case C_ON_OR_AFTER: out->u.i = r0; return true;
    case C_GREATER: out->u.i = r0 + one; return true;
    case C_AT_MOST:
    case C_ON_OR_BEFORE: out->u.i = r0; return true;
    case C_LESS: out->u.i = r0 - one; return true;
    case C_BETWEEN: {
        int64_t r1 = req_value(p, as_of, &c->req[1]);
        out->u.i = cur && cur->set && cur->u.i > r1 ? r1 : r0;
        return true;
    }
    case C_IS_TRUE: out->u.i = 1; return true;
    case C_EQUALS:
    case C_ONE_OF: {
        const reqval *r = c->op == C_EQUALS ? &c->req[0] : c->req[0].n ? &c->req[0].list[0] : NULL;
        if (!r)
            return false;
        if (sn->type == T_STRING)
            out->u.s = r->s;
        else if (sn->type == T_ENUM) {
            out->u.i = r->i;
            out->s = r->s;
        } else
            out->u.i = req_value(p, as_of, r);
        return true;
    }
    case C_HAS_TAG: {
        plist *l = arena_alloc(a, sizeof *l);
        size_t n = cur && cur->set ? cur->u.l->n : 0;
        l->n = n + 1;
        l->item = arena_alloc(a, (n + 1) * sizeof *l->item);
        if (n)
            memcpy(l->item, cur->u.l->item, n * sizeof *l->item);
        pval *t = &l->item[n];
        t->set = true;
        t->type = T_ENUM;
        t->u.i = c->req[0].i;
        t->s = c->req[0].s;
        out->type = T_LIST;
        out->u.l = l;
        return true;
    }
    default: return false;
    }
}

/* A neutral value for a field only the amount reads (a nominal amount, one unit). */
static void nominal(const snode *sn, pval *out)
{
    memset(out, 0, sizeof *out);
    out->set = true;
    out->type = sn->type;
    switch (sn->type) {
    case T_MONEY: out->u.i = 100; break;
    case T_INT: out->u.i = sn->has_min && sn->min > 1 ? sn->min : 1; break;
    case T_ENUM: out->u.i = 0; out->s = sn->en->values[0]; break;
    case T_STRING: out->u.s = "?"; break;
    default: out->u.i = 1;
    }
}

static void add_fix(fixes *f, pval *slot, const pval *nv, const char *field, const char *action,
                    arena *a)
{
    if (f->n > QUALIFY_MAX_CHANGES)
        return; /* already too many to be advice: the suggestion is given up */
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].slot == slot)
            return;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->v = realloc(f->v, f->cap * sizeof *f->v);
        if (!f->v)
            abort(); /* out of memory: nothing sensible to continue with */
    }
    fix *x = &f->v[f->n++];
    memset(x, 0, sizeof *x);
    x->slot = slot;
    x->old = *slot;
    x->ch.field = arena_strndup(a, field, strlen(field));
    x->ch.action = action;
    text_of(a, &x->ch.now, slot);
    if (nv->type == T_LIST) {
        const pval *t = &nv->u.l->item[nv->u.l->n - 1];
        text_of(a, &x->ch.to, t);
    } else
        text_of(a, &x->ch.to, nv);
    if (slot->set && (nv->type == T_MONEY || nv->type == T_INT)) {
        int64_t d = nv->u.i - slot->u.i;
        char buf[48];
        if (nv->type == T_MONEY) {
            char m[40];
            calc_money_format_grouped(m, d < 0 ? -d : d);
            snprintf(buf, sizeof buf, "%s%s", d < 0 ? "-" : "+", m);
        } else
            snprintf(buf, sizeof buf, "%+lld", (long long)d);
        x->ch.by = arena_strndup(a, buf, strlen(buf));
    }
    x->nv = *nv;
    *slot = *nv;
    x->active = true;
}

static void set_active(fixes *f, size_t i, bool on)
{
    fix *x = &f->v[i];
    *x->slot = on ? x->nv : x->old;
    x->active = on;
}

/* Adds the fixes a result's failed conditions and missing fields call for. */
static void collect(calc_engine *e, calc_profile *prof, const policy *p, const pres *r,
                    calc_date as_of, fixes *f, qualify *q, arena *a)
{
    for (size_t k = 0; k < r->nreason; k++) {
        const crec *rc = &r->reason[k];
        const cond *c = rc->c;
        if (!c || c->op == C_ALL || c->op == C_ANY || c->op == C_NOT || c->op == C_ANY_ITEM)
            continue;
        pval *slot = slot_for(prof, rc->prefix, c);
        if (!slot)
            continue;
        char field[200];
        snprintf(field, sizeof field, "%s%s", rc->prefix ? rc->prefix : "", c->field);
        if (c->sn->type == T_DATE) { /* a date already past cannot change */
            bool seen = false;
            for (size_t i = 0; i < q->nfixed; i++)
                seen |= strcmp(q->fixed[i], field) == 0;
            if (!seen) {
                const char **v = arena_alloc(a, (q->nfixed + 1) * sizeof *v);
                if (q->nfixed)
                    memcpy(v, q->fixed, q->nfixed * sizeof *v);
                v[q->nfixed++] = arena_strndup(a, field, strlen(field));
                q->fixed = v;
            }
            continue;
        }
        pval nv;
        if (!satisfy(a, p, as_of, c, c->sn, slot, &nv))
            continue;
        bool threshold = c->op == C_AT_LEAST || c->op == C_AT_MOST || c->op == C_GREATER ||
                         c->op == C_LESS || c->op == C_BETWEEN;
        const char *action = c->op == C_HAS_TAG ? "add"
                             : threshold && (c->sn->type == T_MONEY || c->sn->type == T_INT)
                                 ? (slot->set && nv.u.i < slot->u.i ? "lower" : "raise")
                                 : "set";
        add_fix(f, slot, &nv, field, action, a);
    }
    for (size_t k = 0; k < r->nmissing; k++) {
        const char *path = r->missing[k];
        char norm[200];
        schema_item_path(norm, sizeof norm, path);
        const snode *sn = schema_resolve(e->ps.schema.root, norm);
        if (!sn)
            continue;
        /* the slot: through the cond on it if any, else by walking the path */
        const cond *c = cond_on(p->conds, p->ncond, "", path);
        pval *slot = NULL;
        if (c) {
            const char *br = strchr(path, ']');
            char pre[160] = "";
            if (br && br[1] == '.')
                snprintf(pre, sizeof pre, "%.*s", (int)(br + 2 - path), path);
            slot = slot_for(prof, pre, c);
        }
        if (!slot) { /* walk: a.b, list[i].c */
            pobj *o = prof->root.u.o;
            const char *s = path;
            while (o && *s) {
                size_t len = strcspn(s, ".[");
                const snode *ch = schema_child(o->sn, s, len);
                if (!ch)
                    break;
                pval *v = &o->slot[ch->index];
                s += len;
                if (*s == '[') {
                    long idx = strtol(s + 1, NULL, 10);
                    s = strchr(s, ']') + 1;
                    if (!v->set || idx < 0 || (size_t)idx >= v->u.l->n)
                        break;
                    v = &v->u.l->item[idx];
                }
                if (*s == '.') {
                    s++;
                    o = v->set && v->type == T_OBJECT ? v->u.o : NULL;
                    continue;
                }
                if (!*s)
                    slot = v;
                break;
            }
        }
        if (!slot)
            continue;
        pval nv;
        if (sn->type == T_DATE) {
            bool seen = false;
            for (size_t i = 0; i < q->nfixed; i++)
                seen |= strcmp(q->fixed[i], path) == 0;
            /* an unknown date is provided, not changed: the condition's own value proves it */
            if (!(c && satisfy(a, p, as_of, c, sn, slot, &nv)) && !seen) {
                nominal(sn, &nv);
                nv.u.i = as_of;
            }
            if (!c)
                nv.u.i = as_of;
        } else if (!(c && satisfy(a, p, as_of, c, sn, slot, &nv)))
            nominal(sn, &nv);
        add_fix(f, slot, &nv, path, "provide", a);
    }
}

/* Marks in `only` policy i and every policy its status can depend on: those linked to it
 * through exclusive groups and caps, transitively. */
static void component_of(const polset *ps, size_t i, bool *only)
{
    memset(only, 0, ps->n * sizeof *only);
    only[i] = true;
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t m = 0; m < ps->n; m++) {
            if (!only[m])
                continue;
            for (size_t j = 0; j < ps->n; j++)
                if (!only[j] &&
                    ((ps->pol[m].group >= 0 && ps->pol[j].group == ps->pol[m].group) ||
                     (ps->pol[m].cap >= 0 && ps->pol[j].cap == ps->pol[m].cap))) {
                    only[j] = true;
                    grew = true;
                }
        }
    }
}

void calc_qualify(calc_engine *e, const calc_profile *orig, calc_result *res)
{
    bool *only = malloc((res->n ? res->n : 1) * sizeof *only);
    calc_profile *prof = profile_copy(orig); /* the trials change this copy, never orig */
    if (!only || !prof)
        abort();
    /* trials record every condition (they collect from the records); their fingerprints and
     * steps are never shown */
    calc_eval_opts trial = {.no_fingerprint = true, .only = only};
    calc_eval_opts least = trial; /* minimising: only eligibility and the amount count */
    least.claims_only = true;
    for (size_t i = 0; i < res->n; i++) {
        pres *r = &res->r[i];
        if (r->status != ST_INELIGIBLE && r->status != ST_NEEDS_DATA)
            continue;
        const policy *p = &e->ps.pol[i];
        /* a trial evaluates the policy and what it depends on, not the whole set */
        component_of(&e->ps, i, only);
        qualify *q = arena_alloc(&res->a, sizeof *q);
        r->to_qualify = q;
        fixes f = {0};
        const pres *cur = r;
        calc_result *tmp = NULL;
        bool ok = false;
        for (int round = 0; round < 4 && !ok; round++) {
            size_t before = f.n;
            collect(e, prof, p, cur, res->as_of, &f, q, &res->a);
            if (f.n > QUALIFY_MAX_CHANGES)
                break; /* too many changes to be advice: no trial */
            calc_result_free(tmp); /* cur is not needed once collected */
            tmp = calc_eval_with(e, prof, res->as_of, &trial);
            cur = &tmp->r[i];
            ok = cur->status == ST_ELIGIBLE;
            if (!ok && f.n == before)
                break; /* nothing more to change */
        }
        if (ok && f.n > QUALIFY_MAX_CHANGES)
            ok = false; /* no advice of hundreds of changes (and no minimising them one by one) */
        if (ok) { /* the smallest set: drop every change the policy does not need */
            for (size_t k = 0; k < f.n; k++) {
                set_active(&f, k, false);
                calc_result *t = calc_eval_with(e, prof, res->as_of, &least);
                bool still = t->r[i].status == ST_ELIGIBLE;
                calc_result_free(t);
                if (!still)
                    set_active(&f, k, true);
            }
            calc_result *t = calc_eval_with(e, prof, res->as_of, &least); /* the proof */
            ok = t->r[i].status == ST_ELIGIBLE;
            q->amount = t->r[i].amount;
            q->quantity = t->r[i].quantity;
            calc_result_free(t);
        }
        q->possible = ok;
        if (ok) {
            for (size_t k = 0; k < f.n; k++)
                q->n += f.v[k].active;
            q->change = arena_alloc(&res->a, (q->n ? q->n : 1) * sizeof *q->change);
            size_t m = 0;
            for (size_t k = 0; k < f.n; k++)
                if (f.v[k].active) {
                    q->change[m++] = f.v[k].ch;
                    q->example |= strcmp(f.v[k].ch.action, "provide") == 0;
                }
        }
        for (size_t k = f.n; k-- > 0;) /* the copy as it was, for the next policy */
            *f.v[k].slot = f.v[k].old;
        free(f.v);
        calc_result_free(tmp);
    }
    calc_profile_free(prof);
    free(only);
}
