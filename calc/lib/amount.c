/* amount.c — the amount stage of one policy: its Lua functions (item amounts, the amount, or
 * quantity and value, or detail) called under the sandbox's budgets in protected mode, their
 * results checked (integer fen, not negative, within the policy's limit), state that changed
 * in a call restored and reported; and a pool's value of a partial grant. */
#include "evalp.h"

#include <stdlib.h>
#include <string.h>

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
        eval_missing_add(&e->missing, e->c->a, e->c->absent[i]);
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
    crec *r = eval_rec_new(e);
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
        const pval *v = cond_slot(root->u.o, c);
        for (size_t i = 0; v && v->set && i < v->u.l->n; i++) {
            char pre[160];
            snprintf(pre, sizeof pre, "%s[%zu].", c->field, i);
            const pval *it = &v->u.l->item[i];
            int q = eval_item_tv(e, c, it, pre, 0, false);
            if (q == TV_FALSE)
                continue;
            if (q == TV_UNKNOWN) {
                pending = true;
                for (size_t k = 0; k < c->n; k++)
                    eval_collect(e, &c->sub[k], it->u.o, pre);
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
int eval_amount(E *e, int overall, pres *r)
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
    if (sbx_call(a->e->sbx, 2, 1, 0, a->msg, a->msgsize))
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
    e->sbx->where = p->file;
    return sbx_protect(e->sbx, value_body, &a, msg, msgsize) < 0 ? -1 : 0;
}
