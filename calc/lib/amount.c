/* amount.c — the amount stage of one policy: its Lua functions (item amounts, the amount, or
 * quantity and value, or detail) called under the sandbox's budgets in protected mode, their
 * results checked (integer fen, not negative, within the policy's limit), state that changed
 * in a call restored and reported; and a pool's value of a partial grant. */
#include "evalp.h"
#include "polkey.h"
#include "calendar.h"

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
    e->c->soft = NULL; /* in the result's arena: the call's own */
    e->c->nsoft = e->c->capsoft = 0;
    e->s->where = e->p->file;
    e->c->in_amount = true;
    int rc = sbx_call(e->s, nargs, nres, 0, msg, sizeof msg);
    e->c->in_amount = false;
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
    for (size_t i = 0; i < e->c->nsoft; i++) /* optional(): listed, the call still counts */
        eval_missing_add(&e->missing, e->c->a, e->c->soft[i]);
    e->c->soft_any |= e->c->nsoft > 0;
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

/* The profile as the amount functions see it: one proxy for every policy of the profile under
 * way (a proxy is read-only and carries nothing of a call), made when the first asks. */
static void push_root(E *e, const pval *root)
{
    lua_State *L = e->s->L;
    evalctx *c = e->c;
    if (c->root_ref > 0 && c->root_stamp == c->rec_stamp) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, c->root_ref);
        return;
    }
    dsl_push_profile(L, root, c->ps->schema.root, "");
    lua_pushvalue(L, -1);
    if (c->root_ref > 0)
        lua_rawseti(L, LUA_REGISTRYINDEX, c->root_ref);
    else
        c->root_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    c->root_stamp = c->rec_stamp;
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

/* The reason a policy gave with an amount of 0: a text, or { zh = "…", en = "…" } (why[0] zh,
 * why[1] en; NULL when it gave none). */
static void reason_text(E *e, int idx, const char *why[2])
{
    lua_State *L = e->s->L;
    why[0] = why[1] = NULL;
    if (lua_type(L, idx) == LUA_TSTRING) {
        why[0] = why[1] = lua_text(e, idx);
    } else if (lua_istable(L, idx)) {
        idx = lua_absindex(L, idx);
        static const char *const key[2] = {"zh", "en"};
        for (int l = 0; l < 2; l++) {
            if (lua_getfield(L, idx, key[l]) == LUA_TSTRING)
                why[l] = lua_text(e, -1);
            lua_pop(L, 1);
        }
        why[0] = why[0] ? why[0] : why[1];
        why[1] = why[1] ? why[1] : why[0];
    }
}

/* The record of an amount (or quantity) of 0: for machines "amount > 0: why", for people
 * "测算金额：¥0.00；本政策要求：大于¥0.00（why）". */
static void fail_reason(E *e, bool quantity, const char *actual, const char *const why[2])
{
    crec *r = eval_rec_new(e);
    e->r.n++;
    const char *name = quantity ? "quantity > 0" : "amount > 0";
    r->name = why[1] ? arena_printf(e->c->a, "%s: %s", name, why[1])
                     : arena_strndup(e->c->a, name, strlen(name));
    r->actual = arena_strndup(e->c->a, actual, strlen(actual));
    r->required = arena_strndup(e->c->a, quantity ? "> 0" : "> 0.00", quantity ? 3 : 6);
    if (policy_book_conventions(e->c->ps, e->p))
        r->field = ""; /* names no field (book 2 §6.24) */
    r->result = TV_FALSE;
    sbuf w[2] = {{0}, {0}};
    for (int l = 0; l < 2; l++) {
        sbuf *b = &w[l];
        sb_puts(b, quantity ? (l ? "Quantity: " : "测算数量：") : (l ? "Amount: " : "测算金额："));
        if (quantity)
            sb_puts(b, actual);
        else
            label_money(b, 0);
        sb_puts(b, l ? "; this policy requires: more than " : "；本政策要求：大于");
        if (quantity)
            sb_puts(b, "0");
        else
            label_money(b, 0);
        if (why[l])
            sb_printf(b, l ? " (%s)" : "（%s）", why[l]);
    }
    r->words = label_words(e->c->a, w[0].p, w[1].p);
    sb_free(&w[0]);
    sb_free(&w[1]);
}

/* The words of one item's computation: the lines of its call (joined in the context) become
 * one, "第1家门店（杭州首店）：装修投入 ¥350,000.00 × 50% = ¥175,000.00；…". */
static void item_words(E *e, const cond *c, size_t i, const pval *item, calc_money a)
{
    evalctx *x = e->c;
    sbuf *w = &x->scratch;
    const char *line[2];
    size_t at[2];
    w->n = 0;
    if (!x->item_lines)
        x->unnamed = true; /* an amount without a step: the policy's rule says how */
    for (int l = 0; l < 2; l++) {
        at[l] = w->n;
        label_item(w, c->sn, i, item, l);
        sb_puts(w, l ? ": " : "：");
        sb_putn(w, x->item_text[l], x->item_len[l]);
        if (!x->item_lines || x->last != a) {
            if (x->item_lines)
                sb_puts(w, l ? "; for this item " : "；本项计 ");
            label_money(w, a);
        }
        sb_putn(w, "", 1); /* each line NUL-terminated in the one buffer */
    }
    line[0] = w->p + at[0];
    line[1] = w->p + at[1];
    ctx_add_words(x, line[0], line[1], a);
}

/* An in-kind quantity in words: "数量 8套", "面积 300 m²". */
static void quantity_words(evalctx *c, const policy *p, int64_t q)
{
    bool m2 = strcmp(p->unit, "m2") == 0;
    char zh[64], en[64];
    snprintf(zh, sizeof zh, "%s %lld%s", m2 ? "面积" : "数量", (long long)q, m2 ? " m²" : "套");
    snprintf(en, sizeof en, "%s %lld%s", m2 ? "Area" : "Quantity", (long long)q,
             m2 ? " m²" : q == 1 ? " unit" : " units");
    ctx_add_words(c, zh, en, q);
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
    e->c->soft_any = false;
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
            if (q == TV_UNKNOWN) /* it may still add: what it needs is missing */
                for (size_t k = 0; k < c->n; k++)
                    eval_collect(e, &c->sub[k], it->u.o, pre);
            if (q == TV_TRUE && e->c->ps->schema.history && p->key.kind == PK_ITEMS) {
                /* --ledger: an item whose key was granted (for the claim year; book 1: in any
                 * year, history_items_year) is not granted again */
                const char *k = polkey_item_key(e->c->a, p, it);
                if (k && history_has(e->c->ps->schema.history, e->c->prof->id, p->id,
                                     history_items_year(p, calc_date_year(e->c->as_of) - 1), k,
                                     NULL))
                    continue;
            }
            pre[strlen(pre) - 1] = 0;
            dsl_push_profile(L, it, c->sn->item, pre);
            lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_params);
            size_t steps_before = e->c->nsteps;
            bool unnamed_before = e->c->unnamed;
            e->c->nnamed = 0; /* an item's values name its own steps only */
            e->c->in_item = true;
            e->c->item_lines = 0;
            e->c->item_len[0] = e->c->item_len[1] = 0;
            int rc = call(e, p->ref_item, 2, 1, r);
            e->c->in_item = false;
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
            /* book 1 §1: an item whose qualification is unknown keeps a zero amount open
             * only when it could still add, i.e. its own amount, known, is above 0 */
            if (q == TV_UNKNOWN && a > 0)
                pending = true;
            if (q == TV_TRUE) {
                if (__builtin_add_overflow(items, a, &items)) {
                    r->error = arena_printf(e->c->a, "%s: sum of item amounts overflows",
                                            p->file);
                    return ST_ERROR;
                }
                if (e->c->ps->schema.history) /* --ledger: the item's key (polkey.c) */
                    polkey_item(e->c->a, p, it, a, r);
                if (e->c->explain) {
                    char buf[40];
                    char *s = arena_printf(e->c->a, "%s: %s", pre,
                                           calc_money_format_grouped(buf, a));
                    ctx_add_step(e->c, s);
                    item_words(e, c, i, it, a);
                }
            } else { /* an unknown item's steps are not the result's */
                e->c->nsteps = steps_before;
                e->c->unnamed = unnamed_before;
            }
        }
    }
    calc_money amount = 0;
    const char *why[2] = {NULL, NULL};
    int rc;
    e->c->nnamed = 0;
    if (e->c->explain && p->kind == K_CASH && p->ref_item != LUA_NOREF) {
        const snode *list = p->conds[p->item_cond].sn; /* the sum is named: "门店合计" */
        ctx_name(e->c, items, NULL, arena_printf(e->c->a, "%s合计", snode_label(list, 0)),
                 arena_printf(e->c->a, "%s total", snode_label(list, 1)), T_MONEY);
    }
    push_root(e, root);
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_params);
    if (p->kind == K_CASH) {
        lua_pushinteger(L, items);
        rc = call(e, p->ref_amount, 3, 2, r);
        if (rc < 0)
            return unknown ? ST_NEEDS_DATA : ST_ERROR;
        if (rc == 0) {
            reason_text(e, -1, why);
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
            reason_text(e, -1, why);
            if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 0) {
                r->error = arena_printf(e->c->a, "%s: quantity must be a whole number >= 0, "
                                        "got %s", p->file, luaL_typename(L, -2));
                lua_pop(L, 2);
                return ST_ERROR;
            }
            r->quantity = lua_tointeger(L, -2);
            lua_pop(L, 2);
            if (e->c->explain)
                quantity_words(e->c, p, r->quantity);
            lua_pushinteger(L, r->quantity);
            lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_params);
            e->c->nnamed = 0;
            size_t words_before = e->c->nwords;
            int vr = call(e, p->ref_value, 2, 1, r);
            if (e->c->nwords == words_before)
                e->c->unnamed = true; /* a value without a step: the policy's rule says how */
            if (vr != 0)
                return ST_ERROR;
            int bad = check_amount(e, -1, &amount, r, "value");
            lua_pop(L, 1);
            if (bad)
                return ST_ERROR;
            if (e->c->explain) {
                sbuf w[2] = {{0}, {0}};
                for (int l = 0; l < 2; l++) {
                    sb_puts(&w[l], l ? "Value " : "价值 ");
                    label_money(&w[l], amount);
                }
                ctx_add_words(e->c, w[0].p, w[1].p, amount);
                sb_free(&w[0]);
                sb_free(&w[1]);
            }
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
        if (pending || e->c->soft_any) { /* what is still missing could make it more than 0 */
            r->quantity = 0;
            return ST_NEEDS_DATA;
        }
        if (amount == 0 && p->zero_grant && e->c->ps->zero_grants && !why[0]) {
            r->amount = 0; /* zero_amount = "eligible" in a set that allows it: a grant of 0 */
            return ST_ELIGIBLE;
        }
        char a[40];
        calc_money_format(a, amount);
        fail_reason(e, p->kind == K_IN_KIND,
                    p->kind == K_IN_KIND ? arena_printf(e->c->a, "%lld", (long long)r->quantity)
                                         : a,
                    why);
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
