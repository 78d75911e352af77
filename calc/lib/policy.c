/* policy.c — loads policy files into the sandbox (in protected mode, frozen, with what they
 * keep alive bounded), reads what each returns — title, source, window, parameters, amount
 * functions — and compiles its declarative conditions into C structures (cond.h). Evaluating
 * a policy is eval.c's and amount.c's; cross-policy rules (groups, caps, pools) engine.c's. */
#include "dsl.h"
#include "engine.h"
#include "policyld.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* ---- evaluation context helpers (called from dsl.c) ---- */

void ctx_absent(evalctx *c, const char *path)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nabsent; i++)
        if (strcmp(c->absent[i], path) == 0)
            return;
    if (c->nabsent == c->capabsent) {
        size_t cap = c->capabsent ? c->capabsent * 2 : 16;
        char **v = realloc(c->absent, cap * sizeof *v);
        if (!v)
            return;
        c->absent = v;
        c->capabsent = cap;
    }
    c->absent[c->nabsent++] = arena_strndup(c->a, path, strlen(path));
}

void ctx_add_step(evalctx *c, const char *text)
{
    if (!c->a) /* outside an evaluation (a pool's value of a partial grant): nothing to keep */
        return;
    if (c->nsteps == c->capsteps) {
        size_t cap = c->capsteps ? c->capsteps * 2 : 16;
        char **v = realloc(c->steps, cap * sizeof *v);
        if (!v)
            return;
        c->steps = v;
        c->capsteps = cap;
    }
    c->steps[c->nsteps++] = arena_utf8_clean(c->a, text, strlen(text), 0);
}

/* ---- loading ---- */

static const char *const unit_names[] = {"yuan", "percent", "count", "m2", "date", "years",
                                         "units", NULL};

int param_index(const policy *p, const char *name)
{
    for (size_t i = 0; i < p->nparam; i++)
        if (strcmp(p->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int cmp_param(const void *a, const void *b)
{
    return strcmp(((const param *)a)->name, ((const param *)b)->name);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const param_entry *)a)->key, ((const param_entry *)b)->key);
}

static int load_params(loader *ld, int t)
{
    lua_State *L = ld->L;
    policy *p = ld->p;
    lua_getfield(L, t, "params");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    int pt = lua_gettop(L);
    if (!lua_istable(L, pt))
        FAIL(ld, line_of(L, t), "'params' must be a table of named values");
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, pt)) {
        n++;
        lua_pop(L, 1);
    }
    p->params = arena_alloc(&ld->ps->a, (n ? n : 1) * sizeof *p->params);
    lua_pushnil(L);
    while (lua_next(L, pt)) {
        param *q = &p->params[p->nparam++];
        if (lua_type(L, -2) != LUA_TSTRING)
            FAIL(ld, line_of(L, t), "parameter names must be strings");
        size_t nl;
        const char *nm = lua_tolstring(L, -2, &nl);
        q->name = arena_utf8_clean(&ld->ps->a, nm, nl, 0);
        if (!lua_istable(L, -1))
            FAIL(ld, line_of(L, t), "parameter '%s' needs a unit, e.g. yuan \"100\"", q->name);
        int v = lua_gettop(L);
        q->line = line_of(L, v);
        const char *unit = dup_field(ld, v, "unit");
        q->unit = -1;
        for (int u = 0; unit && unit_names[u]; u++)
            if (strcmp(unit, unit_names[u]) == 0)
                q->unit = u;
        if (q->unit < 0)
            FAIL(ld, q->line, "parameter '%s' needs a unit, e.g. yuan \"100\"", q->name);
        const char *mark = dup_field(ld, v, "mark");
        q->mark = !mark ? 0 : strcmp(mark, "seed") == 0 ? 1 : strcmp(mark, "source") == 0 ? 3 : 2;
        q->note = dup_field(ld, v, "note");
        lua_getfield(L, v, "table");
        if (lua_istable(L, -1)) {
            size_t m = 0;
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                m++;
                lua_pop(L, 1);
            }
            q->e = arena_alloc(&ld->ps->a, (m ? m : 1) * sizeof *q->e);
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                param_entry *e = &q->e[q->n++];
                lua_pushvalue(L, -2);
                const char *k = lua_tostring(L, -1);
                e->key = arena_strndup(&ld->ps->a, k, strlen(k));
                lua_pop(L, 1);
                e->value = lua_tointeger(L, -1);
                lua_pop(L, 1);
            }
            qsort(q->e, q->n, sizeof *q->e, cmp_entry);
        } else {
            lua_getfield(L, v, "value");
            q->value = lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    qsort(p->params, p->nparam, sizeof *p->params, cmp_param);
    return 0;
}

/* Builds the read-only parameter table passed to policy functions as p. */
static void push_params(lua_State *L, const policy *p)
{
    lua_createtable(L, 0, (int)p->nparam);
    for (size_t i = 0; i < p->nparam; i++) {
        const param *q = &p->params[i];
        if (q->n) {
            lua_createtable(L, 0, (int)q->n);
            for (size_t k = 0; k < q->n; k++) {
                char *end;
                long long ik = strtoll(q->e[k].key, &end, 10);
                if (*end == 0 && end != q->e[k].key)
                    lua_pushinteger(L, ik);
                else
                    lua_pushstring(L, q->e[k].key);
                lua_pushinteger(L, q->e[k].value);
                lua_settable(L, -3);
            }
        } else
            lua_pushinteger(L, q->value);
        lua_setfield(L, -2, q->name);
    }
}

static int rebuild_params(lua_State *L, void *ud)
{
    policy *p = ud;
    push_params(L, p);
    sbx_freeze(L, -1, NULL, NULL);
    if (p->ref_params != LUA_NOREF && p->ref_params != 0)
        luaL_unref(L, LUA_REGISTRYINDEX, p->ref_params);
    p->ref_params = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int engine_rebuild_params(calc_engine *e, policy *p) { return policy_rebuild_params(e->sbx->L, p); }

int policy_rebuild_params(lua_State *L, policy *p)
{
    p->gen++; /* rendered requirements are stale */
    char msg[256];
    if (sbx_protect(*(sbx **)lua_getextraspace(L), rebuild_params, p, msg, sizeof msg) < 0) {
        p->ref_params = LUA_NOREF; /* the policy then fails with an error of its own */
        return -1;
    }
    return 0;
}

static int type_for_unit(int unit)
{
    switch (unit) {
    case U_YUAN: return T_MONEY;
    case U_DATE: return T_DATE;
    case U_PERCENT: return -1;
    default: return T_INT;
    }
}

/* Compiles a required value (literal, param, relative date) for a field of type `type`. */
int compile_req(loader *ld, int vi, const snode *sn, reqval *r, unsigned line)
{
    lua_State *L = ld->L;
    int type = sn->type == T_LIST && sn->item ? sn->item->type : sn->type;
    const enum_def *en = sn->type == T_LIST && sn->item ? sn->item->en : sn->en;
    r->type = type;
    r->param = -1;
    vi = lua_absindex(L, vi);
    if (lua_istable(L, vi)) {
        const char *pname = dup_field(ld, vi, "param");
        const char *rel = dup_field(ld, vi, "rel");
        if (pname) {
            int k = param_index(ld->p, pname);
            if (k < 0)
                FAIL(ld, line, "unknown parameter '%s' (declare it in params)", pname);
            param *q = &ld->p->params[k];
            q->used = true;
            if (q->n || type_for_unit(q->unit) != type)
                FAIL(ld, line, "parameter '%s' is in %s, but field '%s' is a %s", pname,
                     unit_names[q->unit], sn->path,
                     type == T_MONEY ? "money amount" : type == T_DATE ? "date" : "number");
            r->kind = RV_PARAM;
            r->param = k;
            return 0;
        }
        if (rel && strcmp(rel, "in_force_from") == 0) {
            r->kind = RV_IN_FORCE_FROM;
            return type == T_DATE ? 0 : -1;
        }
        if (rel && strcmp(rel, "in_force_to") == 0) {
            r->kind = RV_IN_FORCE_TO;
            return type == T_DATE ? 0 : -1;
        }
        if (rel && strcmp(rel, "claim_year") == 0) {
            if (type != T_INT)
                FAIL(ld, line, "CLAIM_YEAR is a year: compare it with a whole-number field, "
                     "'%s' is not one", sn->path);
            r->kind = RV_CLAIM_YEAR;
            return 0;
        }
        if (rel && (strcmp(rel, "event_from") == 0 || strcmp(rel, "event_to") == 0)) {
            if (type != T_DATE)
                FAIL(ld, line, "EVENT_FROM and EVENT_TO are dates: '%s' is not a date field",
                     sn->path);
            if (!ld->p->has_event)
                FAIL(ld, line, "EVENT_FROM/EVENT_TO need the policy's event window: "
                     "event = { field = \"…\", from = \"YYYY-MM-DD\", to = \"YYYY-MM-DD\" }");
            r->kind = rel[6] == 'f' ? RV_EVENT_FROM : RV_EVENT_TO;
            return 0;
        }
        if (rel && strcmp(rel, "years_before_as_of") == 0) {
            if (type != T_DATE)
                FAIL(ld, line, "years_before_as_of() compares with a date field");
            r->kind = RV_YEARS_BEFORE_AS_OF;
            lua_getfield(L, vi, "years");
            if (lua_istable(L, -1)) {
                const char *yp = dup_field(ld, lua_gettop(L), "param");
                int k = yp ? param_index(ld->p, yp) : -1;
                if (k < 0)
                    FAIL(ld, line, "unknown parameter '%s'", yp ? yp : "?");
                ld->p->params[k].used = true;
                r->param = k;
            } else if (lua_isinteger(L, -1))
                r->i = lua_tointeger(L, -1);
            else
                FAIL(ld, line, "years_before_as_of() needs a number of years or a param");
            lua_pop(L, 1);
            return 0;
        }
        FAIL(ld, line, "expected a value, a param \"name\" or a relative date");
    }
    r->kind = RV_LIT;
    size_t len = 0;
    const char *s = lua_type(L, vi) == LUA_TSTRING ? lua_tolstring(L, vi, &len) : NULL;
    switch (type) {
    case T_MONEY:
        if (lua_isinteger(L, vi)) {
            if (__builtin_mul_overflow(lua_tointeger(L, vi), 100, &r->i))
                FAIL(ld, line, "amount out of range");
        } else if (!s || calc_money_parse(&r->i, s, len, NULL))
            FAIL(ld, line, "field '%s' is money: write yuan as a number or \"123.45\"", sn->path);
        break;
    case T_INT:
        if (!lua_isinteger(L, vi))
            FAIL(ld, line, "field '%s' is a whole number", sn->path);
        r->i = lua_tointeger(L, vi);
        break;
    case T_DATE: {
        calc_date d;
        if (!s || calc_date_parse(&d, s, len))
            FAIL(ld, line, "field '%s' is a date: write \"YYYY-MM-DD\"", sn->path);
        r->i = d;
        break;
    }
    case T_BOOL:
        if (!lua_isboolean(L, vi))
            FAIL(ld, line, "field '%s' is true or false", sn->path);
        r->i = lua_toboolean(L, vi);
        break;
    case T_ENUM: {
        int k = s ? enum_index(en, s) : -1;
        if (k < 0) {
            const char *best = s ? closest_name(s, en->values, en->n) : NULL;
            if (best)
                FAIL(ld, line, "'%s' is not a %s (did you mean '%s'?)", s, en->name, best);
            FAIL(ld, line, "'%s' is not a %s", s ? s : "?", en->name);
        }
        r->i = k;
        r->s = en->values[k];
        break;
    }
    default:
        if (!s)
            FAIL(ld, line, "field '%s' is text: write a string", sn->path);
        r->s = arena_strndup(&ld->ps->a, s, len);
    }
    return 0;
}

static int compile_cond(loader *ld, int ci, const snode *base, cond *c, int depth)
{
    lua_State *L = ld->L;
    ci = lua_absindex(L, ci);
    if (!lua_istable(L, ci))
        FAIL(ld, 0, "a condition must be made with equals(), at_least(), … (got %s)",
             luaL_typename(L, ci));
    c->line = line_of(L, ci);
    const char *op = dup_field(ld, ci, "op");
    c->op = op ? dsl_cond_op(op) : -1;
    if (c->op < 0)
        FAIL(ld, c->line, "a condition must be made with equals(), at_least(), …");
    c->name = dup_field(ld, ci, "name");
    c->zh = dup_field(ld, ci, "zh");
    c->en = dup_field(ld, ci, "en");
    lua_getfield(L, ci, "veto");
    c->veto = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (c->op == C_ALL || c->op == C_ANY || c->op == C_NOT) {
        if (!c->name)
            c->name = arena_printf(&ld->ps->a, "%s()", op);
        lua_getfield(L, ci, "sub");
        int rc = compile_conds(ld, lua_gettop(L), base, &c->sub, &c->n, depth + 1);
        lua_pop(L, 1);
        return rc;
    }
    if (COND_COMPUTED(c->op))
        return compile_computed(ld, ci, base, c);
    lua_getfield(L, ci, "field");
    int fr = compile_field(ld, base, c, 0, c->op == C_BETWEEN);
    lua_pop(L, 1);
    if (fr)
        return -1;
    if (!c->name)
        c->name = arena_printf(&ld->ps->a, "%s(%s)", op, c->field);
    int ft = c->sn->type;
    switch (c->op) {
    case C_ANY_ITEM: {
        if (ft != T_LIST || !c->sn->item || c->sn->item->type != T_OBJECT)
            FAIL(ld, c->line, "any_item() needs a list of objects, '%s' is not", c->field);
        lua_getfield(L, ci, "sub");
        int rc = compile_conds(ld, lua_gettop(L), c->sn->item, &c->sub, &c->n, depth + 1);
        lua_pop(L, 1);
        return rc;
    }
    case C_HAS_TAG:
        if (ft != T_LIST)
            FAIL(ld, c->line, "has_tag() needs a list field, '%s' is not", c->field);
        break;
    case C_IS_TRUE:
        if (ft != T_BOOL)
            FAIL(ld, c->line, "is_true() needs a true/false field, '%s' is not", c->field);
        return 0;
    case C_IS_SET:
        return 0;
    case C_AT_LEAST:
    case C_AT_MOST:
    case C_GREATER:
    case C_LESS:
    case C_BETWEEN:
    case C_ON_OR_AFTER:
    case C_ON_OR_BEFORE:
        if (ft != T_INT && ft != T_MONEY && ft != T_DATE)
            FAIL(ld, c->line, "%s() compares numbers, amounts or dates; '%s' is not one", op,
                 c->field);
        break;
    default:
        if (ft == T_LIST || ft == T_OBJECT)
            FAIL(ld, c->line, "%s() needs a single-valued field, '%s' is not", op, c->field);
    }
    if (c->op == C_ONE_OF) {
        lua_getfield(L, ci, "value");
        int li = lua_gettop(L);
        if (!lua_istable(L, li))
            FAIL(ld, c->line, "one_of(field, {…}) needs a list of values");
        size_t n = lua_rawlen(L, li);
        c->req[0].list = arena_alloc(&ld->ps->a, (n ? n : 1) * sizeof(reqval));
        c->req[0].n = n;
        c->req[0].kind = RV_LIT;
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, li, (lua_Integer)i + 1);
            if (compile_req(ld, -1, c->sn, &c->req[0].list[i], c->line))
                return -1;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        return 0;
    }
    lua_getfield(L, ci, "value");
    if (compile_req(ld, -1, c->sn, &c->req[0], c->line)) {
        if (!ld->err[0])
            FAIL(ld, c->line, "bad value for '%s'", c->field);
        return -1;
    }
    lua_pop(L, 1);
    if (c->op == C_BETWEEN) {
        lua_getfield(L, ci, "value2");
        if (compile_req(ld, -1, c->sn, &c->req[1], c->line))
            return -1;
        lua_pop(L, 1);
    }
    return 0;
}

int compile_conds(loader *ld, int t, const snode *base, cond **out, size_t *nout, int depth)
{
    lua_State *L = ld->L;
    if (depth > 16)
        FAIL(ld, 0, "conditions nested deeper than 16 levels");
    if (lua_isnil(L, t)) {
        *out = NULL;
        *nout = 0;
        return 0;
    }
    if (!lua_istable(L, t))
        FAIL(ld, 0, "'conditions' must be a list of conditions");
    size_t n = lua_rawlen(L, t);
    cond *v = arena_alloc(&ld->ps->a, (n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        if (compile_cond(ld, -1, base, &v[i], depth))
            return -1;
        v[i].js = arena_alloc(&ld->ps->a, sizeof *v[i].js);
        lua_pop(L, 1);
    }
    *out = v;
    *nout = n;
    return 0;
}

static int ref_fn(loader *ld, int t, const char *key, bool required)
{
    lua_State *L = ld->L;
    lua_getfield(L, t, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        if (required)
            FAIL(ld, line_of(L, t), "policy table lacks field '%s' (a function)", key);
        return LUA_NOREF;
    }
    if (!lua_isfunction(L, -1))
        FAIL(ld, line_of(L, t), "'%s' must be a function", key);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Records a non-table upvalue of a frozen function: it is checked after every call. */
static void add_upv(lua_State *L, arena *a, struct upv **vp, size_t *np, int fn, int up)
{
    struct upv *v = arena_alloc(a, (*np + 1) * sizeof *v);
    if (*np)
        memcpy(v, *vp, *np * sizeof *v);
    *vp = v;
    const char *name = lua_getupvalue(L, fn, up); /* stack: value */
    v[*np].up = up;
    v[*np].name = arena_strndup(a, name, strlen(name));
    v[*np].val = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, fn);
    v[*np].fn = luaL_ref(L, LUA_REGISTRYINDEX);
    (*np)++;
}

static void rec_upv(lua_State *L, int fn, int up, void *ud)
{
    loader *ld = ud;
    add_upv(L, &ld->ps->a, &ld->p->upv, &ld->p->nupv, fn, up);
}

/* Records a plain upvalue of a library function (checked after every call too). */
void policy_lib_upv(lua_State *L, int fn, int up, void *ud)
{
    polset *ps = ud;
    add_upv(L, &ps->a, &ps->libupv, &ps->nlibupv, fn, up);
}

/* Whether top-level condition i of p is a book's leaf condition whose outcome and record are
 * the same in every policy of the book: a comparison of one field with literal values or the
 * claim year, nothing of the policy's own (parameters, windows). */
static bool book_leaf(const policy *p, size_t i)
{
    const cond *c = &p->conds[i];
    if (i >= p->nbook_cond || i >= BOOK_MEMO || p->book < 0 || !c->field || c->coalesce ||
        COND_COMPUTED(c->op) || c->op == C_ALL || c->op == C_ANY || c->op == C_NOT ||
        c->op == C_ANY_ITEM)
        return false;
    size_t nreq = c->op == C_BETWEEN ? 2 : 1;
    for (size_t k = 0; k < nreq; k++) {
        const reqval *r = &c->req[k];
        size_t n = c->op == C_ONE_OF ? r->n : 1;
        for (size_t j = 0; j < n; j++) {
            int kind = c->op == C_ONE_OF ? r->list[j].kind : r->kind;
            if (kind != RV_LIT && kind != RV_CLAIM_YEAR)
                return false;
        }
    }
    return true;
}

static int read_policy(loader *ld, int t)
{
    lua_State *L = ld->L;
    policy *p = ld->p;
    if (!lua_istable(L, t))
        FAIL(ld, 0, "the file must return policy { … }, got %s", luaL_typename(L, t));
    unsigned line = line_of(L, t);
    const char *id = dup_field(ld, t, "id");
    if (!id)
        FAIL(ld, line, "policy table lacks field 'id'");
    if (strcmp(id, p->id) != 0)
        FAIL(ld, line, "policy id '%s' does not match its file name (expected '%s')", id, p->id);
    const char *kind = dup_field(ld, t, "kind");
    if (!kind || (strcmp(kind, "cash") && strcmp(kind, "in_kind") && strcmp(kind, "match")))
        FAIL(ld, line, "'kind' must be \"cash\", \"in_kind\" or \"match\"");
    p->kind = kind[0] == 'c' ? K_CASH : kind[0] == 'i' ? K_IN_KIND : K_MATCH;
    lua_getfield(L, t, "title");
    if (lua_istable(L, -1)) {
        p->title_zh = dup_field(ld, lua_gettop(L), "zh");
        p->title_en = dup_field(ld, lua_gettop(L), "en");
    }
    lua_pop(L, 1);
    if (!p->title_zh || !p->title_en)
        FAIL(ld, line, "'title' needs zh and en, e.g. title = { zh = \"…\", en = \"…\" }");
    p->family = dup_field(ld, t, "family");
    p->unit = dup_field(ld, t, "unit");
    lua_getfield(L, t, "source");
    if (lua_istable(L, -1)) {
        int s = lua_gettop(L);
        p->src_doc = dup_field(ld, s, "doc");
        p->src_publisher = dup_field(ld, s, "publisher");
        p->src_date = dup_field(ld, s, "date");
        p->src_quote = dup_field(ld, s, "quote");
        p->src_file = dup_field(ld, s, "file");
        p->src_url = dup_field(ld, s, "url");
    }
    lua_pop(L, 1);
    if (!p->src_doc || !p->src_quote)
        FAIL(ld, line, "'source' needs at least doc and quote");
    lua_getfield(L, t, "in_force");
    int ok = lua_istable(L, -1);
    if (ok) {
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        size_t l1, l2;
        const char *a = lua_tolstring(L, -2, &l1), *b = lua_tolstring(L, -1, &l2);
        ok = a && b && !calc_date_parse(&p->from, a, l1) && !calc_date_parse(&p->to, b, l2);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    if (!ok)
        FAIL(ld, line, "'in_force' must be { \"YYYY-MM-DD\", \"YYYY-MM-DD\" }");
    if (p->from > p->to)
        FAIL(ld, line, "'in_force' ends before it starts");
    lua_getfield(L, t, "amount_rule");
    if (lua_istable(L, -1)) {
        p->amount_zh = dup_field(ld, lua_gettop(L), "zh");
        p->amount_en = dup_field(ld, lua_gettop(L), "en");
    }
    lua_pop(L, 1);
    if (load_params(ld, t))
        return -1;
    if (compile_windows(ld, t))
        return -1;
    cond *bc, *own;
    size_t nb, nown;
    if (compile_book_conds(ld, &bc, &nb))
        return -1;
    lua_getfield(L, t, "conditions");
    int rc = compile_conds(ld, lua_gettop(L), ld->ps->schema.root, &own, &nown, 0);
    lua_pop(L, 1);
    if (rc)
        return -1;
    p->ncond = nb + nown; /* the book's conditions first (book 2 §1.2) */
    p->nbook_cond = nb;
    p->conds = arena_alloc(&ld->ps->a, (p->ncond ? p->ncond : 1) * sizeof *p->conds);
    if (nb)
        memcpy(p->conds, bc, nb * sizeof *bc);
    if (nown)
        memcpy(p->conds + nb, own, nown * sizeof *own);
    for (size_t i = 0; i < nb; i++) /* evaluated once per profile for the whole book (eval.c) */
        p->conds[i].shared = book_leaf(p, i);
    p->item_cond = -1;
    for (size_t i = 0; i < p->ncond; i++)
        if (p->conds[i].op == C_ANY_ITEM && p->item_cond < 0)
            p->item_cond = (int)i;
    p->limit_param = -1;
    const char *limit = dup_field(ld, t, "limit");
    if (limit) {
        p->limit_param = param_index(p, limit);
        if (p->limit_param < 0)
            FAIL(ld, line, "'limit' names unknown parameter '%s'", limit);
        p->params[p->limit_param].used = true;
    }
    if (compile_rounding(ld, t, line))
        return -1;
    p->ref_amount = p->ref_item = p->ref_quantity = p->ref_value = p->ref_detail = LUA_NOREF;
    if (p->kind == K_CASH) {
        if ((p->ref_amount = ref_fn(ld, t, "amount", true)) == -1)
            return -1;
        if ((p->ref_item = ref_fn(ld, t, "item_amount", false)) == -1)
            return -1;
        if (p->ref_item != LUA_NOREF && p->item_cond < 0)
            FAIL(ld, line, "'item_amount' needs an any_item() condition to take items from");
    } else if (p->kind == K_IN_KIND) {
        if ((p->ref_quantity = ref_fn(ld, t, "quantity", true)) == -1)
            return -1;
        if ((p->ref_value = ref_fn(ld, t, "value", true)) == -1)
            return -1;
        if (!p->unit)
            FAIL(ld, line, "an in_kind policy needs 'unit' (\"units\" or \"m2\")");
    } else {
        if ((p->ref_detail = ref_fn(ld, t, "detail", true)) == -1)
            return -1;
    }
    if (compile_key(ld, t)) /* what the ledger records its grants under (issue #17) */
        return -1;
    /* freeze everything the policy can reach; remember its plain upvalues */
    sbx_freeze(L, t, rec_upv, ld);
    p->gen++;
    rebuild_params(L, p);
    return 0;
}

struct load_args {
    loader *ld;
    sbx *s;
    const char *path, *text;
    size_t len;
};

/* Runs the chunk and reads what it returned, in protected mode: 0, or -1 with p->error. */
static int load_body(lua_State *L, void *ud)
{
    struct load_args *a = ud;
    loader *ld = a->ld;
    polset *ps = ld->ps;
    policy *p = ld->p;
    lua_gc(L, LUA_GCCOLLECT);
    size_t before = a->s->used;
    int rc = sbx_load(L, a->path, a->text, a->len);
    if (rc != LUA_OK) {
        char m[512];
        sbx_text(m, sizeof m, L, -1);
        /* a binary chunk is refused without a chunk name in the message */
        p->error = strncmp(m, a->path, strlen(a->path)) == 0
                       ? arena_printf(&ps->a, "%s", m)
                       : arena_printf(&ps->a, "%s: %s", a->path, m);
        return -1;
    }
    sbx_push_env(L);
    lua_setupvalue(L, -2, 1);
    char msg[512];
    if (sbx_call(a->s, 0, 1, 0, msg, sizeof msg)) {
        p->error = arena_printf(&ps->a, "%s", msg);
        return -1;
    }
    /* what the chunk keeps stays for the engine's life: it may not crowd out the others */
    lua_gc(L, LUA_GCCOLLECT);
    size_t kept = a->s->used > before ? a->s->used - before : 0;
    if (kept > a->s->limit / 8) {
        p->error = arena_printf(&ps->a, "%s: keeps %.1f MiB alive after loading; a policy may "
                                "keep at most %.1f MiB (1/8 of --max-memory)", a->path,
                                (double)kept / 1048576.0, (double)(a->s->limit / 8) / 1048576.0);
        return -1;
    }
    if (read_policy(ld, lua_gettop(L))) {
        p->error = arena_printf(&ps->a, "%s", ld->err);
        return -1;
    }
    return 0;
}

int policy_load(polset *ps, sbx *s, policy *p, const char *path)
{
    lua_State *L = s->L;
    loader ld = {ps, L, p, "", -1};
    char *text;
    size_t len;
    calc_error err;
    p->group = p->cap = p->pool = -1;
    p->js = arena_alloc(&ps->a, sizeof *p->js);
    p->book = -1;
    p->item_cond = p->limit_param = -1;
    p->ref_params = LUA_NOREF;
    if (calc_read_file(path, &text, &len, &err)) {
        p->error = arena_printf(&ps->a, "%s: %s", path, err.msg);
        return -1;
    }
    s->where = path;
    struct load_args a = {&ld, s, path, text, len};
    char msg[512];
    int rc = sbx_protect(s, load_body, &a, msg, sizeof msg);
    if (rc == 0 && p->zero_grant) /* the lint names the declaration's own line */
        p->zero_line = source_line_of(text, len, "zero_amount", p->zero_line);
    for (size_t k = 0; rc == 0 && k < p->nparam; k++) /* an amount from an example value */
        if (p->params[k].mark == 2 && source_reads_field(text, len, p->params[k].name))
            p->illustrative = true;
    free(text);
    if (rc < 0 && !p->error) /* an error outside the chunk: memory, freezing */
        p->error = strncmp(msg, path, strlen(path)) == 0 ? arena_printf(&ps->a, "%s", msg)
                                                          : arena_printf(&ps->a, "%s: %s", path, msg);
    return rc < 0 ? -1 : 0;
}

/* Loads the scripts in policies/lib/ into calc.G as lib.<name>; each returns a table. */
int policy_load_lib(polset *ps, sbx *s, const char *dir, calc_diags *d)
{
    lua_State *L = s->L;
    char path[1024];
    snprintf(path, sizeof path, "%s/lib", dir);
    lua_getfield(L, LUA_REGISTRYINDEX, "calc.G");
    lua_newtable(L); /* stack: G, lib */
    struct dirent **names = NULL;
    DIR *dp = opendir(path);
    int rc = 0;
    if (dp) {
        closedir(dp);
        int n = scandir(path, &names, NULL, alphasort);
        for (int i = 0; i < n; i++) {
            const char *nm = names[i]->d_name;
            size_t l = strlen(nm);
            if (l > 4 && strcmp(nm + l - 4, ".lua") == 0 && nm[0] != '.') {
                char file[1100];
                snprintf(file, sizeof file, "%s/%s", path, nm);
                char *text;
                size_t len;
                calc_error err;
                char msg[512] = "";
                if (calc_read_file(file, &text, &len, &err)) {
                    snprintf(msg, sizeof msg, "%s", err.msg);
                } else {
                    s->where = file;
                    int lr = sbx_load(L, file, text, len);
                    free(text);
                    if (lr != LUA_OK) {
                        sbx_text(msg, sizeof msg, L, -1);
                        lua_pop(L, 1);
                    } else {
                        sbx_push_env(L);
                        lua_setupvalue(L, -2, 1);
                        if (!sbx_call(s, 0, 1, 0, msg, sizeof msg)) {
                            if (!lua_istable(L, -1))
                                snprintf(msg, sizeof msg, "%s: a library must return a table",
                                         file);
                            else
                                lua_setfield(L, -2, arena_strndup(&ps->a, nm, l - 4));
                        }
                    }
                }
                if (msg[0]) {
                    calc_error *e = calc_diags_add(d);
                    if (e) {
                        e->code = CALC_EPOLICY;
                        calc_error_policy(e, msg);
                        calc_error_hint(e, "policies using lib.%.*s will fail", (int)(l - 4), nm);
                    }
                    rc = CALC_EPOLICY;
                }
                lua_settop(L, 2);
            }
            free(names[i]);
        }
        free(names);
    }
    lua_setfield(L, -2, "lib");
    lua_pop(L, 1);
    return rc;
}
