/* qualify.c — "how to qualify": for a policy that is ineligible or waiting for data, the field
 * changes that would make it eligible — thresholds as exact differences, enums and booleans as
 * the value needed, absent fields to provide — and the amount it would then bring (in words:
 * qualifytext.c). Every suggestion is proven by evaluating the profile with the changes
 * applied; a set of changes that does not make the policy eligible is not shown.
 * Only what the schema lets an enterprise change is suggested (schema.yaml `change:`): facts
 * (dates, industry, ratings) and history (what was already paid) never, quantities upward
 * only, finance figures as targets for the next claim year, districts as a move (迁入); a
 * failing field no suggestion may change is named instead. A proven amount that depends on a
 * value the enterprise must still give is not shown as if it were known. */
#define QUALIFY_MAX_CHANGES 64

#include "engine.h"

#include <stdlib.h>
#include <string.h>

typedef struct fix {
    pval *slot;
    pval old, nv;
    bool active;
    bool up; /* a number to provide that only a lower bound (or nothing) constrains */
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

/* The other operand b of ratio condition c (a × 100 >= b × p), present, or NULL. */
static const pval *ratio_other(calc_profile *p, const char *prefix, const cond *c)
{
    cond t = *c; /* the same walk with the second field's slots */
    memcpy(t.pidx, c->pidx2, sizeof t.pidx);
    t.plen = c->plen2;
    const pval *v = slot_for(p, prefix, &t);
    return v && v->set ? v : NULL;
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

static fix *add_fix(fixes *f, pval *slot, const pval *nv, const char *field, const snode *sn,
                    const char *action, const char *kind, arena *a)
{
    if (f->n > QUALIFY_MAX_CHANGES)
        return NULL; /* already too many to be advice: the suggestion is given up */
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].slot == slot)
            return NULL;
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
    x->ch.kind = kind;
    x->ch.sn = sn;
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
    return x;
}

static void set_active(fixes *f, size_t i, bool on)
{
    fix *x = &f->v[i];
    *x->slot = on ? x->nv : x->old;
    x->active = on;
}

/* Adds field to the failing fields no suggestion may change (once). */
static void add_fixed(qualify *q, const char *field, arena *a)
{
    if (q->nfixed >= QUALIFY_MAX_CHANGES)
        return; /* thousands of failing items: the first ones say it */
    for (size_t i = 0; i < q->nfixed; i++)
        if (strcmp(q->fixed[i], field) == 0)
            return;
    const char **v = arena_alloc(a, (q->nfixed + 1) * sizeof *v);
    if (q->nfixed)
        memcpy(v, q->fixed, q->nfixed * sizeof *v);
    v[q->nfixed++] = arena_strndup(a, field, strlen(field));
    q->fixed = v;
}

/* Whether the schema lets a suggestion change the present value cur of field sn to nv (which
 * satisfies condition c), and as what: the action (raise, set, add) and its kind. Numbers go
 * up only — a limit such as 员工人数不超过50 is respected, never advised around. */
static bool allowed(const cond *c, const snode *sn, const pval *cur, const pval *nv,
                    const char **action, const char **kind)
{
    switch (sn->change) {
    case CH_RAISE:
    case CH_NEXT_YEAR:
        if ((sn->type != T_MONEY && sn->type != T_INT) || !cur->set || nv->u.i <= cur->u.i)
            return false;
        *action = "raise";
        *kind = sn->change == CH_NEXT_YEAR ? "next_year_target" : "raise";
        return true;
    case CH_RELOCATE: /* a move into the district the policy names */
        if (sn->type != T_ENUM || (cur->set && cur->u.i == nv->u.i))
            return false;
        *action = "set";
        *kind = "relocate";
        return true;
    case CH_OBTAIN: /* a qualification: a tag added, or a recognition's flag set */
        if (c->op == C_HAS_TAG)
            *action = "add";
        else if (sn->type == T_BOOL && nv->u.i == 1)
            *action = "set";
        else
            return false;
        *kind = "obtain";
        return true;
    case CH_CHOOSE:
        if (sn->type != T_ENUM && sn->type != T_BOOL)
            return false;
        *action = "set";
        *kind = "choose";
        return true;
    default: return false; /* a fact, or history */
    }
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
        pval nv;
        const char *action, *kind;
        if (COND_COMPUTED(c->op) || c->coalesce) {
            /* book 2: a ratio's least value is exact, ⌈b × p / 100⌉; the others read dates, the
             * ledger or months, none of which a suggestion changes */
            const pval *b = c->op == C_RATIO ? ratio_other(prof, rc->prefix, c) : NULL;
            if (!b || !slot->set) {
                bool ledger = c->op == C_NO_AWARD || c->op == C_INSTALLMENT;
                (void)ledger;
                add_fixed(q, rc->field ? rc->field : field, a);
                continue;
            }
            __int128 need = ((__int128)b->u.i * c->k1 + 99) / 100;
            nv = *slot;
            nv.u.i = need > INT64_MAX ? INT64_MAX : (int64_t)need;
            if (!allowed(c, c->sn, slot, &nv, &action, &kind)) {
                add_fixed(q, field, a);
                continue;
            }
            add_fix(f, slot, &nv, field, c->sn, action, kind, a);
            continue;
        }
        if (!satisfy(a, p, as_of, c, c->sn, slot, &nv)) {
            if (c->sn->change == CH_FACT || c->sn->change == CH_HISTORY)
                add_fixed(q, field, a);
            continue;
        }
        if (!allowed(c, c->sn, slot, &nv, &action, &kind)) {
            add_fixed(q, field, a); /* what the policy needs is not the enterprise's to change */
            continue;
        }
        add_fix(f, slot, &nv, field, c->sn, action, kind, a);
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
        /* giving a value is not changing one: any field may be provided, facts too */
        fix *x = add_fix(f, slot, &nv, path, sn, "provide", "provide", a);
        if (x)
            x->up = (sn->type == T_MONEY || sn->type == T_INT) &&
                    (!c || c->op == C_AT_LEAST || c->op == C_GREATER);
    }
}

/* Whether the value a change gives is one the enterprise has still to decide: a field to
 * provide (the proof used a value of its own), or a threshold of "some" — more than zero, at
 * least one — which the proof meets with a single fen or unit. */
static bool unknown_value(const fix *x)
{
    if (strcmp(x->ch.kind, "provide") == 0)
        return true;
    return strcmp(x->ch.action, "raise") == 0 && x->nv.u.i <= 1;
}

/* Other values of the field for the same test: larger and smaller numbers, every other value
 * of an enum, the other flag, the neighbouring days, another text. */
static size_t alternatives(const snode *sn, const pval *v, pval *alt, size_t cap)
{
    size_t n = 0;
    int64_t x = v->u.i;
    switch (sn->type) {
    case T_MONEY: /* ¥1,000,000 more, and half */
        if (x <= INT64_MAX - 100000000)
            alt[n++].u.i = x + 100000000;
        if (x / 2 != x)
            alt[n++].u.i = x / 2;
        break;
    case T_INT: {
        int64_t hi = sn->has_max && sn->max < x + 10 ? sn->max : x + 10;
        if (x <= INT64_MAX - 10 && hi > x)
            alt[n++].u.i = hi;
        if (x > (sn->has_min ? sn->min : 0))
            alt[n++].u.i = x - 1;
        break;
    }
    case T_ENUM:
        for (size_t k = 0; k < sn->en->n && n < cap; k++)
            if ((int64_t)k != x) {
                alt[n].u.i = (int64_t)k;
                alt[n++].s = sn->en->values[k];
            }
        break;
    case T_BOOL: alt[n++].u.i = !x; break;
    case T_DATE:
        alt[n++].u.i = x - 1;
        alt[n++].u.i = x + 1;
        break;
    case T_STRING: alt[n++].u.s = v->u.s && strcmp(v->u.s, "?") == 0 ? "??" : "?"; break;
    default: break;
    }
    for (size_t k = 0; k < n; k++) {
        alt[k].set = true;
        alt[k].type = sn->type;
    }
    return n;
}

/* What policy pi brings with the fixes as they are: its amount and quantity, or eligible
 * false. */
typedef struct brings {
    bool eligible;
    calc_money amount;
    int64_t quantity;
} brings;

static brings trial_brings(calc_engine *e, calc_profile *prof, calc_date as_of,
                           const calc_eval_opts *o, size_t pi)
{
    calc_result *t = calc_eval_with(e, prof, as_of, o);
    const pres *r = &t->r[pi];
    brings v = {r->status == ST_ELIGIBLE, r->amount, r->quantity};
    calc_result_free(t);
    return v;
}

/* Whether the proven amount changes with x's value (the others as they are) while the policy
 * stays eligible: then the amount is the enterprise's value's, not the proof's. */
static bool depends_alone(calc_engine *e, calc_profile *prof, calc_date as_of,
                          const calc_eval_opts *o, size_t pi, const fix *x, brings base)
{
    pval alt[64];
    size_t n = alternatives(x->ch.sn, &x->nv, alt, sizeof alt / sizeof *alt);
    bool depends = false;
    for (size_t k = 0; k < n && !depends; k++) {
        *x->slot = alt[k];
        brings v = trial_brings(e, prof, as_of, o, pi);
        depends = v.eligible && (v.amount != base.amount || v.quantity != base.quantity);
    }
    *x->slot = x->nv;
    return depends;
}

/* The fields among the active fixes whose value the enterprise has still to decide and on
 * which the proven amount depends, into q->depends. Each is tried alone; then each number not
 * found so is tried again with the other such numbers raised, since an amount such as
 * min(requested, eligible) moves with neither alone. */
static void find_depends(calc_engine *e, calc_profile *prof, calc_date as_of,
                         const calc_eval_opts *o, size_t pi, fixes *f, qualify *q)
{
    brings base = trial_brings(e, prof, as_of, o, pi);
    bool *dep = calloc(f->n ? f->n : 1, sizeof *dep);
    if (!dep)
        abort();
    for (size_t k = 0; k < f->n; k++)
        dep[k] = f->v[k].active && unknown_value(&f->v[k]) &&
                 depends_alone(e, prof, as_of, o, pi, &f->v[k], base);
    for (size_t k = 0; k < f->n; k++) {
        fix *x = &f->v[k];
        bool number = x->ch.sn->type == T_MONEY || x->ch.sn->type == T_INT;
        if (dep[k] || !x->active || !unknown_value(x) || !number)
            continue;
        size_t raised = 0;
        for (size_t j = 0; j < f->n; j++) {
            fix *y = &f->v[j];
            pval alt[2];
            if (j == k || !y->active || !unknown_value(y) ||
                (y->ch.sn->type != T_MONEY && y->ch.sn->type != T_INT) ||
                alternatives(y->ch.sn, &y->nv, alt, 2) == 0 || alt[0].u.i <= y->nv.u.i)
                continue;
            *y->slot = alt[0];
            raised++;
        }
        brings b = raised ? trial_brings(e, prof, as_of, o, pi) : (brings){0};
        dep[k] = b.eligible && depends_alone(e, prof, as_of, o, pi, x, b);
        for (size_t j = 0; j < f->n; j++)
            if (j != k && f->v[j].active)
                *f->v[j].slot = f->v[j].nv;
    }
    for (size_t k = 0; k < f->n; k++)
        if (dep[k])
            q->depends[q->ndepends++] = f->v[k].ch.field;
    free(dep);
}

/* Raises the numbers to provide that only a lower bound constrains (to what alternatives()
 * gives first): a proof with a single fen of fiscal contribution can fail where the
 * enterprise's own figure would not (a cap limited by it). False when there is none. */
static bool raise_provided(fixes *f, arena *a)
{
    bool any = false;
    for (size_t k = 0; k < f->n; k++) {
        fix *x = &f->v[k];
        pval alt[2];
        if (!x->active || !x->up || alternatives(x->ch.sn, &x->nv, alt, 2) == 0 ||
            alt[0].u.i <= x->nv.u.i)
            continue;
        x->nv.u.i = alt[0].u.i;
        *x->slot = x->nv;
        text_of(a, &x->ch.to, &x->nv);
        x->up = false;
        any = true;
    }
    return any;
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
    qualify_some(e, orig, res, NULL);
}

/* Each policy's suggestion is made on the profile as it was (the fixes of one are undone
 * before the next), so leaving some out changes nothing in the others'. */
void qualify_some(calc_engine *e, const calc_profile *orig, calc_result *res, const bool *which)
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
        if ((r->status != ST_INELIGIBLE && r->status != ST_NEEDS_DATA) || (which && !which[i]))
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
        if (!ok && f.n <= QUALIFY_MAX_CHANGES && raise_provided(&f, &res->a)) {
            calc_result_free(tmp);
            tmp = calc_eval_with(e, prof, res->as_of, &trial);
            ok = tmp->r[i].status == ST_ELIGIBLE;
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
            q->depends = arena_alloc(&res->a, (q->n ? q->n : 1) * sizeof *q->depends);
            size_t m = 0;
            for (size_t k = 0; k < f.n; k++)
                if (f.v[k].active)
                    q->change[m++] = f.v[k].ch;
            if (p->kind != K_MATCH)
                find_depends(e, prof, res->as_of, &least, i, &f, q);
            q->example = q->ndepends > 0;
            if (q->example) { /* computed from a value the enterprise has not given: no amount */
                q->amount = 0;
                q->quantity = 0;
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
