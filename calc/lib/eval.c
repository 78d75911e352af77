/* eval.c — one policy for one profile: conditions evaluated three-valued in C with a record
 * each, `missing` collected from the unknowns that decide, then the amount (or quantity and
 * value, or detail) computed by the policy's Lua functions under the sandbox's budgets.
 * Groups, caps and pools are applied afterwards by engine.c. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

/* The paths of the absent data, each once, in the order first met; a hash of their places
 * keeps a list of thousands of items linear. */
typedef struct strlist {
    char **v;
    size_t n, cap;
    size_t *slot; /* index + 1 of the path hashed there, 0 for none */
    size_t nslot; /* a power of two, at least twice n */
} strlist;

static size_t sl_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void sl_add(strlist *l, arena *a, const char *s)
{
    if (2 * (l->n + 1) > l->nslot) {
        size_t ns = l->nslot ? l->nslot * 2 : 32;
        l->slot = arena_alloc(a, ns * sizeof *l->slot);
        l->nslot = ns;
        for (size_t i = 0; i < l->n; i++) {
            size_t k = sl_hash(l->v[i]) & (ns - 1);
            while (l->slot[k])
                k = (k + 1) & (ns - 1);
            l->slot[k] = i + 1;
        }
    }
    size_t k = sl_hash(s) & (l->nslot - 1);
    for (; l->slot[k]; k = (k + 1) & (l->nslot - 1))
        if (strcmp(l->v[l->slot[k] - 1], s) == 0)
            return;
    l->v = arena_grow(a, l->v, l->n, &l->cap, sizeof *l->v, 8);
    l->v[l->n] = arena_strndup(a, s, strlen(s));
    l->slot[k] = ++l->n;
}

typedef struct recs {
    crec *v;
    size_t n, cap;
} recs;

typedef struct E {
    evalctx *c;
    sbx *s;
    const policy *p;
    recs r;
    strlist missing;
    const char *prefix; /* the last item prefix copied into the result */
} E;

static const pval *field_of(const pobj *base, const cond *c)
{
    const pobj *o = base;
    const pval *v = NULL;
    for (int i = 0; i < c->plen; i++) {
        v = &o->slot[c->pidx[i]];
        if (i + 1 < c->plen) {
            if (!v->set || v->type != T_OBJECT)
                return NULL;
            o = v->u.o;
        }
    }
    return v;
}

int64_t req_value(const policy *p, calc_date as_of, const reqval *r)
{
    switch (r->kind) {
    case RV_PARAM: return p->params[r->param].value;
    case RV_YEARS_BEFORE_AS_OF: {
        int64_t y = r->param >= 0 ? p->params[r->param].value : r->i;
        return calc_date_years_before(as_of, (int)y);
    }
    case RV_IN_FORCE_FROM: return p->from;
    case RV_IN_FORCE_TO: return p->to;
    default: return r->i;
    }
}

static int64_t req_int(const E *e, const reqval *r) { return req_value(e->p, e->c->as_of, r); }

static void render_req(sbuf *b, const policy *p, calc_date as_of, const reqval *r)
{
    char buf[40];
    int64_t v = req_value(p, as_of, r);
    switch (r->type) {
    case T_MONEY: sb_puts(b, calc_money_format(buf, v)); break;
    case T_DATE: sb_puts(b, calc_date_format(buf, (calc_date)v)); break;
    case T_BOOL: sb_puts(b, v ? "true" : "false"); break;
    case T_ENUM: sb_puts(b, r->s); break;
    case T_STRING: sb_puts(b, r->s); break;
    default: sb_int(b, (long long)v);
    }
}

void crec_required(sbuf *b, const crec *rec)
{
    const cond *c = rec->c;
    const policy *p = rec->pol;
    calc_date as_of = rec->as_of;
    if (rec->required || !c) {
        sb_puts(b, rec->required ? rec->required : "");
        return;
    }
    switch (c->op) {
    case C_EQUALS: sb_puts(b, "= "); render_req(b, p, as_of, &c->req[0]); break;
    case C_ONE_OF:
        sb_puts(b, "one of ");
        for (size_t i = 0; i < c->req[0].n; i++) {
            if (i)
                sb_puts(b, ", ");
            render_req(b, p, as_of, &c->req[0].list[i]);
        }
        break;
    case C_AT_LEAST:
    case C_ON_OR_AFTER: sb_puts(b, ">= "); render_req(b, p, as_of, &c->req[0]); break;
    case C_AT_MOST:
    case C_ON_OR_BEFORE: sb_puts(b, "<= "); render_req(b, p, as_of, &c->req[0]); break;
    case C_GREATER: sb_puts(b, "> "); render_req(b, p, as_of, &c->req[0]); break;
    case C_LESS: sb_puts(b, "< "); render_req(b, p, as_of, &c->req[0]); break;
    case C_BETWEEN:
        sb_puts(b, "between ");
        render_req(b, p, as_of, &c->req[0]);
        sb_puts(b, " and ");
        render_req(b, p, as_of, &c->req[1]);
        break;
    case C_HAS_TAG: sb_puts(b, "has "); render_req(b, p, as_of, &c->req[0]); break;
    case C_IS_SET: sb_puts(b, "present"); break;
    case C_IS_TRUE: sb_puts(b, "true"); break;
    case C_ANY_ITEM: sb_puts(b, "at least one item meeting every item condition"); break;
    case C_ALL: sb_puts(b, "all of the following"); break;
    case C_ANY: sb_puts(b, "at least one of the following"); break;
    case C_NOT: sb_puts(b, "not the following"); break;
    }
}

void crec_field(sbuf *b, const crec *r)
{
    if (r->field) {
        sb_puts(b, r->field);
        return;
    }
    if (r->prefix)
        sb_puts(b, r->prefix);
    if (r->c && r->c->field)
        sb_puts(b, r->c->field);
}

bool crec_actual(sbuf *b, const crec *r)
{
    if (r->actual) {
        sb_puts(b, r->actual);
        return true;
    }
    if (!r->c || !r->c->field)
        return false;
    if (r->c->op == C_ANY_ITEM) {
        size_t n = r->v.set ? (size_t)r->v.u.i : 0; /* the item count */
        sb_int(b, (long long)n);
        sb_puts(b, n == 1 ? " item" : " items");
        return true;
    }
    if (!r->v.set)
        return false;
    pval_render(b, &r->v);
    return true;
}

/* A new, cleared record at the end of the policy's records. */
static crec *rec_new(E *e)
{
    evalctx *c = e->c;
    if (e->r.n == c->reccap) { /* one buffer for every policy: no copies left behind */
        size_t cap = c->reccap ? c->reccap * 2 : 64;
        c->recbuf = arena_solo(c->recbuf, cap * sizeof *c->recbuf);
        c->reccap = cap;
    }
    e->r.v = c->recbuf;
    crec *r = &e->r.v[e->r.n];
    memset(r, 0, sizeof *r); /* a record taken back (e->r.n lowered) is cleared again */
    return r;
}

static size_t add_rec(E *e, const cond *c, const char *prefix, const pval *v, int tv, int depth)
{
    crec *r = rec_new(e);
    r->c = c;
    r->name = c->name;
    if (!prefix[0])
        r->prefix = "";
    else if (e->prefix && strcmp(e->prefix, prefix) == 0)
        r->prefix = e->prefix; /* the item's records share one copy */
    else
        r->prefix = e->prefix = arena_strndup(e->c->a, prefix, strlen(prefix));
    /* the record outlives the profile: keep a copy of the value, not a pointer into it */
    if (v && v->set) {
        r->v = *v;
        if (c->op == C_ANY_ITEM) {
            r->v.u.i = (int64_t)v->u.l->n;
        } else if (v->type == T_STRING) {
            r->v.u.s = arena_strndup(e->c->a, v->u.s, strlen(v->u.s));
        } else if (v->type == T_LIST || v->type == T_OBJECT) {
            sbuf *t = &e->c->scratch;
            t->n = 0;
            pval_render(t, v);
            r->actual = arena_strndup(e->c->a, t->p ? t->p : "", t->n);
        }
    }
    r->result = tv;
    r->depth = depth;
    r->pol = e->p;
    r->as_of = e->c->as_of;
    return e->r.n++;
}

static int cmp(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

static int leaf(const E *e, const cond *c, const pval *v)
{
    if (!v || !v->set)
        return TV_UNKNOWN;
    switch (c->op) {
    case C_IS_SET: return TV_TRUE;
    case C_IS_TRUE: return v->u.i ? TV_TRUE : TV_FALSE;
    case C_HAS_TAG:
        for (size_t i = 0; i < v->u.l->n; i++)
            if (v->u.l->item[i].set && v->u.l->item[i].u.i == req_int(e, &c->req[0]))
                return TV_TRUE;
        return TV_FALSE;
    case C_EQUALS:
        if (v->type == T_STRING)
            return strcmp(v->u.s, c->req[0].s) == 0;
        return v->u.i == req_int(e, &c->req[0]);
    case C_ONE_OF:
        for (size_t i = 0; i < c->req[0].n; i++)
            if (v->type == T_STRING ? strcmp(v->u.s, c->req[0].list[i].s) == 0
                                    : v->u.i == req_int(e, &c->req[0].list[i]))
                return TV_TRUE;
        return TV_FALSE;
    case C_AT_LEAST:
    case C_ON_OR_AFTER: return cmp(v->u.i, req_int(e, &c->req[0])) >= 0;
    case C_AT_MOST:
    case C_ON_OR_BEFORE: return cmp(v->u.i, req_int(e, &c->req[0])) <= 0;
    case C_GREATER: return cmp(v->u.i, req_int(e, &c->req[0])) > 0;
    case C_LESS: return cmp(v->u.i, req_int(e, &c->req[0])) < 0;
    case C_BETWEEN:
        return cmp(v->u.i, req_int(e, &c->req[0])) >= 0 &&
               cmp(v->u.i, req_int(e, &c->req[1])) <= 0;
    }
    return TV_UNKNOWN;
}

/* Kleene combination over n results. */
static int kleene(int all, int f, int u)
{
    if (all)
        return f ? TV_FALSE : u ? TV_UNKNOWN : TV_TRUE;
    return u ? TV_UNKNOWN : TV_FALSE; /* any: caller returns TRUE early */
}

static int ev(E *e, const cond *c, const pobj *base, const char *prefix, int depth, bool rec);

static int ev_list(E *e, const cond *v, size_t n, int all, const pobj *base, const char *prefix,
                   int depth, bool rec)
{
    int f = 0, u = 0, t = 0;
    for (size_t i = 0; i < n; i++) {
        int r = ev(e, &v[i], base, prefix, depth, rec);
        f += r == TV_FALSE;
        u += r == TV_UNKNOWN;
        t += r == TV_TRUE;
    }
    if (!all && t)
        return TV_TRUE;
    return kleene(all, f, u);
}

/* The qualification of item i of an any_item condition. */
static int item_tv(E *e, const cond *c, const pval *item, const char *prefix, int depth,
                   bool rec)
{
    return ev_list(e, c->sub, c->n, 1, item->u.o, prefix, depth, rec);
}

/* "prefix" "field" "[i]." into p (cut to fit), the prefix of an item's conditions. */
static void item_prefix(char *p, size_t cap, const char *prefix, const char *field, size_t i)
{
    char num[24];
    int nl = 0;
    do
        num[sizeof num - 1 - nl++] = (char)('0' + i % 10);
    while ((i /= 10) && nl < 20);
    size_t at = 0;
    const char *parts[] = {prefix, field, "[", num + sizeof num - nl, "]."};
    size_t lens[] = {strlen(prefix), strlen(field), 1, (size_t)nl, 2};
    for (int k = 0; k < 5; k++) {
        size_t n = lens[k] < cap - 1 - at ? lens[k] : cap - 1 - at;
        memcpy(p + at, parts[k], n);
        at += n;
    }
    p[at] = 0;
}

static int ev(E *e, const cond *c, const pobj *base, const char *prefix, int depth, bool rec)
{
    int tv;
    bool all = e->c->all_records;
    size_t at = 0, first = e->r.n;
    const pval *v = c->field ? field_of(base, c) : NULL;
    if (rec && all)
        at = add_rec(e, c, prefix, v, TV_UNKNOWN, depth);
    switch (c->op) {
    case C_ALL: tv = ev_list(e, c->sub, c->n, 1, base, prefix, depth + 1, rec); break;
    case C_ANY: tv = ev_list(e, c->sub, c->n, 0, base, prefix, depth + 1, rec); break;
    case C_NOT: {
        int r = ev(e, &c->sub[0], base, prefix, depth + 1, rec);
        tv = r == TV_UNKNOWN ? r : !r;
        break;
    }
    case C_ANY_ITEM: {
        int f = 0, u = 0, t = 0;
        size_t n = v && v->set ? v->u.l->n : 0;
        for (size_t i = 0; i < n; i++) {
            char p[160];
            item_prefix(p, sizeof p, prefix, c->field, i);
            int r = item_tv(e, c, &v->u.l->item[i], p, depth + 1, rec);
            f += r == TV_FALSE;
            u += r == TV_UNKNOWN;
            t += r == TV_TRUE;
        }
        tv = t ? TV_TRUE : u ? TV_UNKNOWN : TV_FALSE;
        if (!v || !v->set)
            tv = TV_UNKNOWN;
        break;
    }
    default: tv = leaf(e, c, v);
    }
    if (rec) {
        if (all) {
            e->r.v[at].result = tv;
            /* children of a composite that did not fail are not reasons */
            if (tv != TV_FALSE)
                for (size_t i = first + 1; i < e->r.n; i++)
                    e->r.v[i].quiet = true;
        } else if (tv == TV_FALSE) {
            add_rec(e, c, prefix, v, tv, depth); /* failures only: after its children */
        } else {
            e->r.n = first; /* its children's failures decided nothing */
        }
    }
    return tv;
}

/* Adds the absent fields that decide an unknown condition to missing. */
static void collect(E *e, const cond *c, const pobj *base, const char *prefix)
{
    if (ev(e, c, base, prefix, 0, false) != TV_UNKNOWN)
        return;
    char p[200];
    switch (c->op) {
    case C_ALL:
    case C_ANY:
    case C_NOT:
        for (size_t i = 0; i < c->n; i++)
            collect(e, &c->sub[i], base, prefix);
        return;
    case C_ANY_ITEM: {
        const pval *v = field_of(base, c);
        if (!v || !v->set) {
            snprintf(p, sizeof p, "%s%s", prefix, c->field);
            sl_add(&e->missing, e->c->a, p);
            return;
        }
        for (size_t i = 0; i < v->u.l->n; i++) {
            snprintf(p, sizeof p, "%s%s[%zu].", prefix, c->field, i);
            if (item_tv(e, c, &v->u.l->item[i], p, 0, false) == TV_UNKNOWN)
                for (size_t k = 0; k < c->n; k++)
                    collect(e, &c->sub[k], v->u.l->item[i].u.o, p);
        }
        return;
    }
    default:
        snprintf(p, sizeof p, "%s%s", prefix, c->field);
        sl_add(&e->missing, e->c->a, p);
    }
}

/* ---- calling the policy's Lua functions ---- */

/* Checks that no plain upvalue changed during a call; restores it if one did. */
static const char *upv_check(lua_State *L, const struct upv *v, size_t n)
{
    const char *bad = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct upv *u = &v[i];
        lua_rawgeti(L, LUA_REGISTRYINDEX, u->fn);
        lua_getupvalue(L, -1, u->up);
        lua_rawgeti(L, LUA_REGISTRYINDEX, u->val);
        if (!lua_rawequal(L, -1, -2)) {
            bad = u->name;
            lua_setupvalue(L, -3, u->up); /* restore */
            lua_pop(L, 2);
        } else
            lua_pop(L, 3);
    }
    return bad;
}

static const char *upvalues_changed(E *e)
{
    const char *a = upv_check(e->s->L, e->p->upv, e->p->nupv);
    const char *b = upv_check(e->s->L, e->c->ps->libupv, e->c->ps->nlibupv);
    return a ? a : b;
}

/* Calls the function `ref` with the arguments already pushed above it. 0 on success (nres
 * results on the stack), 1 when absent data stopped it, -1 on error (message in r). */
static int call(E *e, int ref, int nargs, int nres, pres *r)
{
    lua_State *L = e->s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_insert(L, -nargs - 1);
    char msg[512];
    e->c->nabsent = 0;
    e->s->where = e->p->file;
    int rc = sbx_call(e->s, nargs, nres, 0, msg, sizeof msg);
    const char *changed = upvalues_changed(e);
    if (rc == LUA_OK && changed) {
        lua_pop(L, nres);
        snprintf(msg, sizeof msg, "%s: the policy changed its chunk-level variable '%s' while "
                 "evaluating (state must not carry over between profiles)",
                 e->p->file, changed);
        rc = LUA_ERRRUN;
    }
    for (size_t i = 0; i < e->c->nabsent; i++)
        sl_add(&e->missing, e->c->a, e->c->absent[i]);
    if (rc != LUA_OK) {
        if (e->c->nabsent)
            return 1; /* it failed on a placeholder for absent data */
        if (!r->error)
            r->error = arena_strndup(e->c->a, msg, strlen(msg));
        return -1;
    }
    if (e->c->nabsent) { /* it ran on placeholders: its results mean nothing */
        lua_pop(L, nres);
        return 1;
    }
    return 0;
}

/* A string a policy returned, as valid UTF-8 of at most 4 KiB (reasons, details). */
static char *lua_text(E *e, int idx)
{
    size_t len;
    const char *s = lua_tolstring(e->s->L, idx, &len);
    return arena_utf8_clean(e->c->a, s, len, 4096);
}

/* Reads an amount result at idx: integer fen, not negative, within the policy's limit. */
static int check_amount(E *e, int idx, calc_money *out, pres *r, const char *what)
{
    lua_State *L = e->s->L;
    char buf[64];
    if (!lua_isinteger(L, idx)) {
        if (lua_type(L, idx) == LUA_TNUMBER) {
            snprintf(buf, sizeof buf, "%.17g", (double)lua_tonumber(L, idx));
            r->error = arena_printf(e->c->a, "%s: %s must be an integer number of fen, got float "
                                    "%s (use pct() or //)", e->p->file, what, buf);
        } else
            r->error = arena_printf(e->c->a, "%s: %s must be an integer number of fen, got %s",
                                    e->p->file, what, luaL_typename(L, idx));
        return -1;
    }
    calc_money v = lua_tointeger(L, idx);
    if (v < 0) {
        r->error = arena_printf(e->c->a, "%s: %s must not be negative, got %s (return 0, "
                                "\"reason\" for no grant)", e->p->file, what,
                                calc_money_format(buf, v));
        return -1;
    }
    if (e->p->limit_param >= 0 && strcmp(what, "amount") == 0 &&
        v > e->p->params[e->p->limit_param].value) { /* the policy's amount, not an item's */
        char lim[40];
        r->error = arena_printf(e->c->a, "%s: %s %s exceeds the policy's own limit '%s' (%s)",
                                e->p->file, what, calc_money_format(buf, v),
                                e->p->params[e->p->limit_param].name,
                                calc_money_format(lim, e->p->params[e->p->limit_param].value));
        return -1;
    }
    *out = v;
    return 0;
}

static void fail_reason(E *e, const char *name, const char *actual, const char *required,
                        const char *text)
{
    crec *r = rec_new(e);
    e->r.n++;
    r->name = arena_strndup(e->c->a, name, strlen(name));
    r->actual = arena_strndup(e->c->a, actual, strlen(actual));
    r->required = arena_strndup(e->c->a, required, strlen(required));
    r->result = TV_FALSE;
    if (text)
        r->name = arena_printf(e->c->a, "%s: %s", name, text);
}

/* The amount stage: returns the status and fills r. overall is the conditions' result. */
static int amount_stage(E *e, int overall, pres *r)
{
    lua_State *L = e->s->L;
    const policy *p = e->p;
    const pval *root = &e->c->prof->root;
    bool pending = false; /* list items that could still add */
    bool unknown = overall == TV_UNKNOWN;
    calc_money items = 0;
    if (p->kind == K_CASH && p->ref_item != LUA_NOREF) {
        const cond *c = &p->conds[p->item_cond];
        const pval *v = field_of(root->u.o, c);
        for (size_t i = 0; v && v->set && i < v->u.l->n; i++) {
            char pre[160];
            snprintf(pre, sizeof pre, "%s[%zu].", c->field, i);
            const pval *it = &v->u.l->item[i];
            int q = item_tv(e, c, it, pre, 0, false);
            if (q == TV_FALSE)
                continue;
            if (q == TV_UNKNOWN) {
                pending = true;
                for (size_t k = 0; k < c->n; k++)
                    collect(e, &c->sub[k], it->u.o, pre);
            }
            pre[strlen(pre) - 1] = 0;
            dsl_push_profile(L, it, c->sn->item, pre);
            lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_params);
            size_t steps_before = e->c->nsteps;
            int rc = call(e, p->ref_item, 2, 1, r);
            if (rc < 0)
                return ST_ERROR;
            if (rc > 0) {
                pending = true;
                continue;
            }
            calc_money a;
            int bad = check_amount(e, -1, &a, r, "item_amount");
            lua_pop(L, 1);
            if (bad)
                return ST_ERROR;
            if (q == TV_TRUE) {
                if (__builtin_add_overflow(items, a, &items)) {
                    r->error = arena_printf(e->c->a, "%s: sum of item amounts overflows",
                                            p->file);
                    return ST_ERROR;
                }
                if (e->c->explain) {
                    char buf[40];
                    char *s = arena_printf(e->c->a, "%s: %s", pre,
                                           calc_money_format_grouped(buf, a));
                    ctx_add_step(e->c, s);
                }
            } else
                e->c->nsteps = steps_before; /* an unknown item's steps are not the result's */
        }
    }
    calc_money amount = 0;
    const char *why = NULL;
    int rc;
    dsl_push_profile(L, root, e->c->ps->schema.root, "");
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_params);
    if (p->kind == K_CASH) {
        lua_pushinteger(L, items);
        rc = call(e, p->ref_amount, 3, 2, r);
        if (rc < 0)
            return unknown ? ST_NEEDS_DATA : ST_ERROR;
        if (rc == 0) {
            if (lua_type(L, -1) == LUA_TSTRING)
                why = lua_text(e, -1);
            int bad = check_amount(e, -2, &amount, r, "amount");
            lua_pop(L, 2);
            if (bad)
                return ST_ERROR;
        }
    } else if (p->kind == K_IN_KIND) {
        rc = call(e, p->ref_quantity, 2, 2, r);
        if (rc < 0)
            return unknown ? ST_NEEDS_DATA : ST_ERROR;
        if (rc == 0) {
            if (lua_type(L, -1) == LUA_TSTRING)
                why = lua_text(e, -1);
            if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 0) {
                r->error = arena_printf(e->c->a, "%s: quantity must be a whole number >= 0, "
                                        "got %s", p->file, luaL_typename(L, -2));
                lua_pop(L, 2);
                return ST_ERROR;
            }
            r->quantity = lua_tointeger(L, -2);
            lua_pop(L, 2);
            lua_pushinteger(L, r->quantity);
            lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_params);
            int vr = call(e, p->ref_value, 2, 1, r);
            if (vr != 0)
                return ST_ERROR;
            int bad = check_amount(e, -1, &amount, r, "value");
            lua_pop(L, 1);
            if (bad)
                return ST_ERROR;
        }
    } else {
        rc = call(e, p->ref_detail, 2, 1, r);
        if (rc < 0)
            return unknown ? ST_NEEDS_DATA : ST_ERROR;
        if (rc == 0) {
            if (lua_istable(L, -1)) {
                size_t n = lua_rawlen(L, -1);
                r->detail = arena_alloc(e->c->a, (n ? n : 1) * sizeof *r->detail);
                for (size_t i = 0; i < n; i++) {
                    lua_rawgeti(L, -1, (lua_Integer)i + 1);
                    if (lua_isstring(L, -1))
                        r->detail[r->ndetail++] = lua_text(e, -1);
                    lua_pop(L, 1);
                }
            }
            lua_pop(L, 1);
        }
    }
    if (unknown || rc > 0) {
        r->quantity = 0;
        return ST_NEEDS_DATA;
    }
    if (p->kind == K_MATCH)
        return ST_ELIGIBLE;
    if (amount <= 0 || (p->kind == K_IN_KIND && r->quantity <= 0)) {
        if (pending) {
            r->quantity = 0;
            return ST_NEEDS_DATA;
        }
        char a[40];
        calc_money_format(a, amount);
        fail_reason(e, p->kind == K_IN_KIND ? "quantity > 0" : "amount > 0",
                    p->kind == K_IN_KIND ? arena_printf(e->c->a, "%lld", (long long)r->quantity)
                                         : a,
                    p->kind == K_IN_KIND ? "> 0" : "> 0.00", why);
        r->quantity = 0;
        return ST_INELIGIBLE;
    }
    r->amount = amount;
    return ST_ELIGIBLE;
}

struct amount_args {
    E *e;
    int overall, status;
    pres *r;
};

static int amount_body(lua_State *L, void *ud)
{
    (void)L;
    struct amount_args *a = ud;
    a->status = amount_stage(a->e, a->overall, a->r);
    return 0;
}

/* The amount stage in protected mode: an error outside the policy's own calls (the state's
 * memory full while its arguments are made) ends as this policy's error, not a panic. */
static int amount_protected(E *e, int overall, pres *r)
{
    struct amount_args a = {e, overall, ST_ERROR, r};
    char msg[512];
    e->s->where = e->p->file;
    if (sbx_protect(e->s, amount_body, &a, msg, sizeof msg) < 0) {
        r->error = arena_strndup(e->c->a, msg, strlen(msg));
        return ST_ERROR;
    }
    return a.status;
}

static void finish_records(E *e, pres *r)
{
    size_t nreason = 0;
    for (size_t i = 0; i < e->r.n; i++)
        if (e->r.v[i].result == TV_FALSE && !e->r.v[i].quiet)
            nreason++;
    r->reason = arena_alloc_raw(e->c->a, (nreason ? nreason : 1) * sizeof *r->reason);
    for (size_t i = 0; i < e->r.n; i++) {
        crec *c = &e->r.v[i];
        if (c->result == TV_FALSE && !c->quiet)
            r->reason[r->nreason++] = *c;
    }
    r->cond = NULL;
    evalctx *c = e->c;
    if (e->r.n > 1024) { /* thousands of items: the buffer itself becomes the result's */
        r->cond = arena_solo(c->recbuf, e->r.n * sizeof *r->cond);
        arena_adopt(c->a, r->cond);
        c->recbuf = NULL;
        c->reccap = 0;
    } else if (e->r.n) {
        r->cond = arena_alloc_raw(c->a, e->r.n * sizeof *r->cond);
        memcpy(r->cond, e->r.v, e->r.n * sizeof *r->cond);
    }
    e->r.v = NULL;
    r->ncond = e->r.n;
}

void policy_eval(evalctx *c, sbx *s, const policy *p, int index, pres *r)
{
    E e = {c, s, p, {0}, {0}, NULL};
    memset(r, 0, sizeof *r);
    r->policy = index;
    r->kind = p->kind;
    r->unit = p->unit;
    c->cur = p;
    c->nsteps = 0;
    if (p->error) {
        r->status = ST_ERROR;
        r->error = (char *)p->error;
        return;
    }
    if (c->as_of < p->from || c->as_of > p->to || p->off) {
        r->status = ST_NOT_IN_FORCE; /* a policy switched off by a scenario is not in force */
        return;
    }
    const pobj *root = c->prof->root.u.o;
    int top = lua_gettop(s->L); /* whatever a path leaves on the stack goes with it */
    int f = 0, u = 0;
    bool rec = !c->status_only;
    for (size_t i = 0; i < p->ncond; i++) {
        int tv = ev(&e, &p->conds[i], root, "", 0, rec);
        f += tv == TV_FALSE;
        u += tv == TV_UNKNOWN;
        if (f && !rec)
            break; /* one failure decides the status */
    }
    int overall = f ? TV_FALSE : u ? TV_UNKNOWN : TV_TRUE;
    if (overall == TV_FALSE) {
        r->status = ST_INELIGIBLE;
    } else {
        if (overall == TV_UNKNOWN && rec)
            for (size_t i = 0; i < p->ncond; i++)
                collect(&e, &p->conds[i], root, "");
        r->status = amount_protected(&e, overall, r);
        if (r->status == ST_ERROR)
            e.missing.n = 0;
    }
    if (r->status != ST_ELIGIBLE) {
        r->amount = 0;
        r->quantity = 0;
    }
    if (r->status == ST_INELIGIBLE || r->status == ST_ERROR)
        e.missing.n = 0;
    finish_records(&e, r);
    r->missing = e.missing.v;
    r->nmissing = e.missing.n;
    if (c->nsteps) {
        r->step = arena_alloc(c->a, c->nsteps * sizeof *r->step);
        memcpy(r->step, c->steps, c->nsteps * sizeof *r->step);
        r->nstep = c->nsteps;
    }
    r->amount_before = r->amount;
    r->amount_before_cap = r->amount;
    lua_settop(s->L, top);
}

/* ---- the value of `quantity` of an in-kind policy (a pool's partial grant) ---- */
struct value_args {
    calc_engine *e;
    const policy *p;
    int64_t quantity;
    calc_money *out;
    char *msg;
    size_t msgsize;
};

static int value_body(lua_State *L, void *ud)
{
    struct value_args *a = ud;
    lua_rawgeti(L, LUA_REGISTRYINDEX, a->p->ref_value);
    lua_pushinteger(L, a->quantity);
    lua_rawgeti(L, LUA_REGISTRYINDEX, a->p->ref_params);
    if (sbx_call(&a->e->sbx, 2, 1, 0, a->msg, a->msgsize))
        return -1;
    int ok = lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0;
    if (ok)
        *a->out = lua_tointeger(L, -1);
    else
        snprintf(a->msg, a->msgsize, "%s: value must be an integer number of fen", a->p->file);
    return ok ? 0 : -1;
}

int policy_value(calc_engine *e, int pi, int64_t quantity, calc_money *out, char *msg,
                 size_t msgsize)
{
    const policy *p = &e->ps.pol[pi];
    if (p->kind != K_IN_KIND || p->ref_value == LUA_NOREF) {
        snprintf(msg, msgsize, "%s: not an in-kind policy", p->id);
        return -1;
    }
    struct value_args a = {e, p, quantity, out, msg, msgsize};
    e->sbx.where = p->file;
    return sbx_protect(&e->sbx, value_body, &a, msg, msgsize) < 0 ? -1 : 0;
}
