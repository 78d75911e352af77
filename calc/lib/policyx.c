/* policyx.c — the parts of a policy that book 2 added (policy book 2 §1.2–§1.7): fields given
 * as coalesce(a, b), the computed conditions (year indexes, lease months, months after a date,
 * ratios, month aggregates, the award ledger, the current stage's date) compiled to C, the
 * event and application windows as data, and books — conditions declared once for every policy
 * whose id has the book's prefix (policies/books/). Evaluating them is evalx.c's. */
#include "policyld.h"
#include "sandbox.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>


/* The string at the top of the stack, kept in the set's arena. */
static const char *dup_field_top(loader *ld)
{
    size_t len = 0;
    const char *s = lua_tolstring(ld->L, -1, &len);
    return arena_utf8_clean(&ld->ps->a, s, len, 0);
}

/* The slot path of sn from base into pidx/plen. */
static int slot_path(const snode *sn, const snode *base, int *pidx, int *plen)
{
    const snode *chain[8];
    int k = 0;
    for (const snode *s = sn; s && s != base && k < 8; s = s->parent)
        chain[k++] = s;
    *plen = k;
    for (int i = 0; i < k; i++)
        pidx[i] = chain[k - 1 - i]->index;
    return 0;
}

static int resolve_one(loader *ld, const snode *base, const char *path, const snode **sn,
                       unsigned line)
{
    *sn = schema_resolve(base, path);
    if (*sn)
        return 0;
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < base->nchild && n < 64; i++)
        names[n++] = base->child[i]->name;
    const char *best = closest_name(path, names, n);
    if (best)
        FAIL(ld, line, "unknown field '%s' (did you mean '%s'?)", path, best);
    FAIL(ld, line, "unknown field '%s'", path);
}

int compile_field(loader *ld, const snode *base, cond *c, int which, bool allow_co)
{
    lua_State *L = ld->L;
    int t = lua_gettop(L);
    const char *a = NULL, *b = NULL;
    if (lua_istable(L, t)) {
        a = dup_field(ld, t, "coalesce");
        b = dup_field(ld, t, "coalesce2");
        if (!a || !b)
            FAIL(ld, c->line, "expected a field name or coalesce(\"a\", \"b\")");
        if (!allow_co || which)
            FAIL(ld, c->line, "coalesce() is not allowed here");
    } else {
        a = lua_type(L, t) == LUA_TSTRING ? dup_field_top(ld) : NULL;
        if (!a)
            FAIL(ld, c->line, "expected a field name, got %s", luaL_typename(L, t));
    }
    if (which) {
        c->field2 = a;
        if (resolve_one(ld, base, a, &c->sn2, c->line))
            return -1;
        return slot_path(c->sn2, base, c->pidx2, &c->plen2);
    }
    c->field = a;
    if (resolve_one(ld, base, a, &c->sn, c->line))
        return -1;
    slot_path(c->sn, base, c->pidx, &c->plen);
    if (b) {
        c->coalesce = true;
        c->field2 = b;
        if (resolve_one(ld, base, b, &c->sn2, c->line))
            return -1;
        slot_path(c->sn2, base, c->pidx2, &c->plen2);
        if (c->sn->type != c->sn2->type)
            FAIL(ld, c->line, "coalesce('%s', '%s'): the fields are of different types", a, b);
        if (c->sn->parent != c->sn2->parent && (c->sn->parent != base || c->sn2->parent != base))
            FAIL(ld, c->line, "coalesce('%s', '%s'): both fields must be in the same object", a,
                 b);
    }
    return 0;
}

/* Field `key` of the condition's table (a path or coalesce) into c's field (which 0/1). */
static int field_arg(loader *ld, int ci, const char *key, const snode *base, cond *c, int which,
                     bool allow_co)
{
    lua_getfield(ld->L, ci, key);
    int rc = compile_field(ld, base, c, which, allow_co);
    lua_pop(ld->L, 1);
    return rc;
}

/* A whole number at `key` of the table at ci, within [lo, hi]. */
static int int_arg(loader *ld, int ci, const char *key, int64_t lo, int64_t hi, int64_t *out,
                   const char *what)
{
    lua_State *L = ld->L;
    lua_getfield(L, ci, key);
    int ok = lua_isinteger(L, -1);
    int64_t v = ok ? lua_tointeger(L, -1) : 0;
    const char *pn = lua_istable(L, -1) ? dup_field(ld, lua_gettop(L), "param") : NULL;
    lua_pop(L, 1);
    if (pn) { /* param "name": a count parameter, read when evaluating (what-if may change it) */
        int k = param_index(ld->p, pn);
        if (k < 0)
            FAIL(ld, 0, "unknown parameter '%s' (declare it in params)", pn);
        param *q = &ld->p->params[k];
        if (q->n || q->unit != U_COUNT)
            FAIL(ld, 0, "parameter '%s' must be a count, e.g. count \"50\"", pn);
        q->used = true;
        ld->kparam = k;
        v = q->value;
        ok = 1;
    }
    if (!ok || v < lo || v > hi)
        FAIL(ld, 0, "%s must be a whole number from %lld to %lld", what,
             (long long)lo, (long long)hi);
    *out = v;
    return 0;
}

static bool is_type(const snode *sn, int t1, int t2)
{
    return sn && (sn->type == t1 || sn->type == t2);
}

/* The key of a ledger condition: KEY_ANY (nil), the claim year (CLAIM_YEAR), a field of the
 * base (its value is the key) or threshold(field, { yuan… }). */
static int ledger_key(loader *ld, int ci, const snode *base, cond *c)
{
    lua_State *L = ld->L;
    lua_getfield(L, ci, "key");
    int t = lua_gettop(L);
    int rc = 0;
    if (lua_isnil(L, t)) {
        c->key = KEY_ANY;
    } else if (lua_type(L, t) == LUA_TSTRING) {
        c->key = KEY_FIELD;
        rc = compile_field(ld, base, c, 0, false);
        if (!rc && !(c->sn->type == T_STRING || c->sn->type == T_DATE ||
                     c->sn->type == T_ENUM || c->sn->type == T_INT))
            FAIL(ld, c->line, "a ledger key is a text, date, enum or whole-number field; '%s' "
                 "is not one", c->field);
    } else if (lua_istable(L, t)) {
        const char *rel = dup_field(ld, t, "rel");
        const char *th = dup_field(ld, t, "threshold");
        if (rel && strcmp(rel, "claim_year") == 0) {
            c->key = KEY_CLAIM_YEAR;
        } else if (th) {
            c->key = KEY_THRESHOLD;
            lua_getfield(L, t, "threshold");
            rc = compile_field(ld, base, c, 0, false);
            lua_pop(L, 1);
            if (!rc && c->sn->type != T_MONEY)
                FAIL(ld, c->line, "threshold() needs a money field, '%s' is not one", c->field);
            lua_getfield(L, t, "steps");
            size_t n = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
            if (!n)
                FAIL(ld, c->line, "threshold(field, { \"10000000\", … }) needs the amounts");
            c->thresholds = arena_alloc(&ld->ps->a, n * sizeof *c->thresholds);
            for (size_t i = 0; i < n; i++) {
                lua_rawgeti(L, -1, (lua_Integer)i + 1);
                size_t len = 0;
                const char *s = lua_tolstring(L, -1, &len);
                calc_money v;
                if (!s || calc_money_parse(&v, s, len, NULL) || v % 100 ||
                    (i && v <= c->thresholds[i - 1]))
                    FAIL(ld, c->line, "threshold amounts are whole yuan, ascending (\"10000000\")");
                c->thresholds[i] = v;
                lua_pop(L, 1);
            }
            c->nthreshold = n;
            lua_pop(L, 1);
        } else
            FAIL(ld, c->line, "key = CLAIM_YEAR, a field name or threshold(field, {…})");
    } else
        FAIL(ld, c->line, "key = CLAIM_YEAR, a field name or threshold(field, {…})");
    lua_settop(L, t - 1);
    return rc;
}

/* installment_due's n: a whole number, or by(field, { value = n }) for an enum field. */
static int installment_n(loader *ld, int ci, const snode *base, cond *c)
{
    lua_State *L = ld->L;
    lua_getfield(L, ci, "n");
    int t = lua_gettop(L);
    if (lua_isinteger(L, t)) {
        c->k1 = lua_tointeger(L, t);
        lua_pop(L, 1);
        if (c->k1 < 1 || c->k1 > 1000)
            FAIL(ld, c->line, "installment_due: n must be a whole number from 1 to 1000");
        return 0;
    }
    if (!lua_istable(L, t) || !dup_field(ld, t, "by"))
        FAIL(ld, c->line, "installment_due: n = a number or by(\"field\", { value = n, … })");
    lua_getfield(L, t, "by");
    int rc = compile_field(ld, base, c, 1, false);
    lua_pop(L, 1);
    if (rc)
        return -1;
    if (c->sn2->type != T_ENUM)
        FAIL(ld, c->line, "by('%s', …) needs an enum field", c->field2);
    const enum_def *en = c->sn2->en;
    c->nby = en->n;
    c->by_n = arena_alloc(&ld->ps->a, (en->n ? en->n : 1) * sizeof *c->by_n);
    lua_getfield(L, t, "values");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        int i = k ? enum_index(en, k) : -1;
        if (i < 0 || !lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
            lua_tointeger(L, -1) > 1000)
            FAIL(ld, c->line, "by('%s', …): '%s' is not a value of %s with a number from 1 to "
                 "1000", c->field2, k ? k : "?", en->name);
        c->by_n[i] = lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    lua_settop(L, t - 1);
    return 0;
}

/* int_arg into k1 (which 0) or k2 (1), remembering a parameter it came from. */
static int karg(loader *ld, int ci, const char *key, int64_t lo, int64_t hi, cond *c, int which,
                const char *what)
{
    ld->kparam = -1;
    int rc = int_arg(ld, ci, key, lo, hi, which ? &c->k2 : &c->k1, what);
    c->kparam[which] = ld->kparam;
    return rc;
}

int compile_computed(loader *ld, int ci, const snode *base, cond *c)
{
    lua_State *L = ld->L;
    c->kparam[0] = c->kparam[1] = -1;
    const char *op = dsl_cond_op_name(c->op);
    switch (c->op) {
    case C_YEAR_INDEX_MIN:
    case C_YEAR_INDEX_MAX:
        if (field_arg(ld, ci, "field", base, c, 0, true))
            return -1;
        if (c->sn->type != T_DATE)
            FAIL(ld, c->line, "%s() needs a date field, '%s' is not one", op, c->field);
        if (karg(ld, ci, "value", -1000, 1000, c, 0, "the year index"))
            goto bad;
        break;
    case C_LEASE_MONTHS:
        if (field_arg(ld, ci, "field", base, c, 0, false) ||
            field_arg(ld, ci, "field2", base, c, 1, false))
            return -1;
        if (c->sn->type != T_DATE || c->sn2->type != T_DATE)
            FAIL(ld, c->line, "lease_months_at_least(start, end, n) needs two date fields");
        if (karg(ld, ci, "value", 0, 12, c, 0, "the number of months"))
            goto bad;
        lua_getfield(L, ci, "within");
        bool within = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (within && karg(ld, ci, "within", 1, 1200, c, 1, "within (lease months)"))
            goto bad;
        break;
    case C_WITHIN_MONTHS:
        if (field_arg(ld, ci, "field", base, c, 0, false) ||
            field_arg(ld, ci, "field2", base, c, 1, false))
            return -1;
        if (c->sn->type != T_DATE || c->sn2->type != T_DATE)
            FAIL(ld, c->line, "within_months_after(field, base, months) needs two date fields");
        if (karg(ld, ci, "value", 0, 1200, c, 0, "the number of months"))
            goto bad;
        break;
    case C_RATIO:
        if (field_arg(ld, ci, "field", base, c, 0, false) ||
            field_arg(ld, ci, "field2", base, c, 1, false))
            return -1;
        if (!is_type(c->sn, T_MONEY, T_INT) || c->sn->type != c->sn2->type)
            FAIL(ld, c->line, "ratio_at_least(a, b, p) compares two amounts (or two whole "
                 "numbers)");
        if (karg(ld, ci, "value", 0, 100000, c, 0, "the percentage"))
            goto bad;
        break;
    case C_MONTHS_EVERY:
    case C_MONTHS_COUNT:
    case C_MONTHS_MIN: {
        if (field_arg(ld, ci, "field", base, c, 0, false))
            return -1;
        const snode *it = c->sn->type == T_LIST ? c->sn->item : NULL;
        if (!it || it->type != T_OBJECT)
            FAIL(ld, c->line, "%s() needs a list of objects, '%s' is not one", op, c->field);
        c->item_field = dup_field(ld, ci, "mfield");
        c->item_field2 = dup_field(ld, ci, "vfield");
        const snode *m = c->item_field ? schema_resolve(it, c->item_field) : NULL;
        const snode *v = c->item_field2 ? schema_resolve(it, c->item_field2) : NULL;
        if (!m || m->parent != it || !is_type(m, T_DATE, T_MONTH))
            FAIL(ld, c->line, "%s(): '%s' is not a month field of the items of '%s'", op,
                 c->item_field ? c->item_field : "?", c->field);
        if (!v || v->parent != it || v->type != T_INT)
            FAIL(ld, c->line, "%s(): '%s' is not a whole-number field of the items of '%s'",
                 op, c->item_field2 ? c->item_field2 : "?", c->field);
        c->sn2 = v;
        c->pidx2[0] = m->index; /* the month's slot */
        c->pidx2[1] = v->index; /* the value's slot */
        if (karg(ld, ci, "value", 0, INT32_MAX, c, 0, "the threshold"))
            goto bad;
        if (c->op == C_MONTHS_COUNT && karg(ld, ci, "value2", 0, 12, c, 1, "the count"))
            goto bad;
        break;
    }
    case C_NO_AWARD:
    case C_INSTALLMENT: {
        if (!ld->ps->ledger.list)
            FAIL(ld, c->line, "%s() reads the award ledger, but the schema has no list 'awards' "
                 "of {policy, year, amount, key}", op);
        if (ledger_key(ld, ci, base, c))
            return -1;
        lua_getfield(L, ci, "year");
        if (!lua_isnil(L, -1)) {
            const char *rel = lua_istable(L, -1) ? dup_field(ld, lua_gettop(L), "rel") : NULL;
            if (!rel || strcmp(rel, "claim_year"))
                FAIL(ld, c->line, "%s: year = CLAIM_YEAR is the only year allowed", op);
            c->in_claim_year = true;
        }
        lua_pop(L, 1);
        if (c->op == C_INSTALLMENT) {
            if (c->key == KEY_ANY || c->key == KEY_THRESHOLD)
                FAIL(ld, c->line, "installment_due needs key = CLAIM_YEAR or a field");
            if (installment_n(ld, ci, base, c))
                return -1;
        }
        if (!c->field) { /* no field: the records name the ledger */
            c->field = ld->ps->ledger.list->name;
            c->sn = ld->ps->ledger.list;
        }
        break;
    }
    case C_STAGE_DATE: {
        if (field_arg(ld, ci, "field", base, c, 0, false) ||
            field_arg(ld, ci, "field2", base, c, 1, false))
            return -1;
        if (c->sn->type != T_ENUM || c->sn2->type != T_OBJECT)
            FAIL(ld, c->line, "stage_date_between(stage, dates, from, to): an enum field and "
                 "an object of dates");
        const snode *d = NULL;
        for (size_t i = 0; i < c->sn2->nchild; i++) {
            const snode *ch = c->sn2->child[i];
            if (ch->type != T_DATE || enum_index(c->sn->en, ch->name) < 0)
                FAIL(ld, c->line, "stage_date_between: '%s' of '%s' is not a date named by a "
                     "value of %s", ch->name, c->field2, c->sn->en->name);
            d = ch;
        }
        if (!d)
            FAIL(ld, c->line, "stage_date_between: '%s' has no dates", c->field2);
        lua_getfield(L, ci, "value");
        int r1 = compile_req(ld, -1, d, &c->req[0], c->line);
        lua_pop(L, 1);
        lua_getfield(L, ci, "value2");
        int r2 = r1 ? -1 : compile_req(ld, -1, d, &c->req[1], c->line);
        lua_pop(L, 1);
        if (r1 || r2)
            return -1;
        break;
    }
    default: FAIL(ld, c->line, "unknown condition");
    }
    if (!c->name)
        c->name = arena_printf(&ld->ps->a, "%s(%s)", op, c->field ? c->field : "");
    return 0;
bad: {
    char m[400];
    snprintf(m, sizeof m, "%s", ld->err);
    const char *msg = strstr(m, ": ");
    FAIL(ld, c->line, "%s(): %s", op, msg ? msg + 2 : m);
}
}

/* ---- windows ---- */

static int window_dates(loader *ld, int t, unsigned line, const char *what, calc_date *from,
                        calc_date *to)
{
    const char *a = dup_field(ld, t, "from"), *b = dup_field(ld, t, "to");
    if (!a || !b || calc_date_parse(from, a, strlen(a)) || calc_date_parse(to, b, strlen(b)))
        FAIL(ld, line, "'%s' needs from = \"YYYY-MM-DD\" and to = \"YYYY-MM-DD\"", what);
    if (*from > *to)
        FAIL(ld, line, "'%s' ends before it starts", what);
    return 0;
}

/* A date field of the profile, or of a list's items ("grants[].received"), or an object of
 * dates (listing.stage_dates: each stage's). */
static int window_field(loader *ld, const char *path, unsigned line, const char *what)
{
    const snode *sn = schema_resolve(ld->ps->schema.root, path);
    bool dates = sn && sn->type == T_OBJECT && sn->nchild;
    for (size_t i = 0; dates && i < sn->nchild; i++)
        dates = sn->child[i]->type == T_DATE;
    if (!sn || (sn->type != T_DATE && !dates))
        FAIL(ld, line, "'%s' names '%s', which is not a date field of the schema", what, path);
    return 0;
}

/* rounding = "floor_yuan" (or "half_up", "floor", "half_up_yuan"): how the policy's money
 * helpers round; zero_amount = "eligible": an amount of 0 is a grant of 0. Both are data,
 * checked here, so that a misspelt mode is a load error, not an amount rounded the other way. */
int compile_rounding(loader *ld, int t, unsigned line)
{
    static const char *const modes[] = {"half_up", "floor", "floor_yuan", "half_up_yuan"};
    policy *p = ld->p;
    p->rounding = RND_HALF_UP;
    lua_getfield(ld->L, t, "rounding");
    int ty = lua_type(ld->L, -1);
    const char *r = ty == LUA_TSTRING ? lua_tostring(ld->L, -1) : NULL;
    int m = -1;
    for (int k = 0; r && k < 4; k++)
        if (strcmp(r, modes[k]) == 0)
            m = k;
    lua_pop(ld->L, 1);
    if (ty != LUA_TNIL && m < 0)
        FAIL(ld, line, "'rounding' must be \"half_up\", \"floor\", \"floor_yuan\" or "
             "\"half_up_yuan\"");
    if (m >= 0)
        p->rounding = m;
    lua_getfield(ld->L, t, "zero_amount");
    ty = lua_type(ld->L, -1);
    const char *z = ty == LUA_TSTRING ? lua_tostring(ld->L, -1) : NULL;
    bool eligible = z && strcmp(z, "eligible") == 0, ineligible = z && strcmp(z, "ineligible") == 0;
    lua_pop(ld->L, 1);
    if (ty != LUA_TNIL && !eligible && !ineligible)
        FAIL(ld, line, "'zero_amount' must be \"eligible\" or \"ineligible\"");
    if (eligible && p->kind != K_CASH)
        FAIL(ld, line, "zero_amount = \"eligible\" is for cash policies");
    p->zero_grant = eligible;
    p->zero_line = line;
    return 0;
}

unsigned source_line_of(const char *text, size_t len, const char *word, unsigned dflt)
{
    size_t wl = strlen(word);
    unsigned line = 1;
    for (size_t i = 0; i < len; line++) {
        size_t j = i;
        while (j < len && (text[j] == ' ' || text[j] == '\t'))
            j++;
        if (len - j >= wl && memcmp(text + j, word, wl) == 0)
            return line;
        while (i < len && text[i] != '\n')
            i++;
        i++;
    }
    return dflt;
}

int compile_windows(loader *ld, int t)
{
    lua_State *L = ld->L;
    policy *p = ld->p;
    unsigned line = line_of(L, t);
    lua_getfield(L, t, "event");
    if (lua_istable(L, -1)) {
        int w = lua_gettop(L);
        lua_getfield(L, w, "field");
        if (lua_istable(L, -1)) { /* coalesce(a, b) */
            p->ev_field = dup_field(ld, lua_gettop(L), "coalesce");
            p->ev_field2 = dup_field(ld, lua_gettop(L), "coalesce2");
        } else
            p->ev_field = dup_field(ld, w, "field");
        lua_pop(L, 1);
        if (!p->ev_field)
            FAIL(ld, line, "'event' needs field = \"…\" (the date of the qualifying event)");
        if ((p->ev_field2 && window_field(ld, p->ev_field2, line, "event")) ||
            window_field(ld, p->ev_field, line, "event") ||
            window_dates(ld, w, line, "event", &p->ev_from, &p->ev_to))
            return -1;
        p->has_event = true;
    } else if (!lua_isnil(L, -1))
        FAIL(ld, line, "'event' must be { field = \"…\", from = \"…\", to = \"…\" }");
    lua_pop(L, 1);
    lua_getfield(L, t, "application");
    if (lua_istable(L, -1)) {
        int w = lua_gettop(L);
        p->app_field = dup_field(ld, w, "field");
        p->app_after = dup_field(ld, w, "after");
        lua_getfield(L, w, "months");
        p->app_months = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : -1;
        lua_pop(L, 1);
        if (!p->app_field || !p->app_after || p->app_months < 0 || p->app_months > 1200)
            FAIL(ld, line, "'application' must be { field = \"applied\", after = \"…\", "
                 "months = N }");
        if (window_field(ld, p->app_field, line, "application") ||
            window_field(ld, p->app_after, line, "application"))
            return -1;
        p->has_app = true;
    } else if (!lua_isnil(L, -1))
        FAIL(ld, line, "'application' must be { field = \"applied\", after = \"…\", months = N }");
    lua_pop(L, 1);
    return 0;
}

/* ---- books ---- */

int compile_book_conds(loader *ld, cond **out, size_t *nout)
{
    lua_State *L = ld->L;
    policy *p = ld->p;
    *out = NULL;
    *nout = 0;
    p->book = -1;
    for (size_t i = 0; i < ld->ps->nbook; i++) {
        const pbook *b = &ld->ps->book[i];
        if (strncmp(p->id, b->prefix, strlen(b->prefix)) == 0)
            p->book = (int)i;
    }
    if (p->book < 0)
        return 0;
    const pbook *b = &ld->ps->book[p->book];
    if (b->error) {
        snprintf(ld->err, sizeof ld->err, "%s", b->error);
        return -1;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, b->ref);
    lua_getfield(L, -1, "conditions");
    const char *own = p->file;
    p->file = b->file; /* errors in the book's conditions are the book's */
    int rc = compile_conds(ld, lua_gettop(L), ld->ps->schema.root, out, nout, 0);
    p->file = own;
    lua_pop(L, 2);
    for (size_t i = 0; rc == 0 && i < *nout; i++) {
        (*out)[i].book = true;
        (*out)[i].file = b->file;
    }
    return rc;
}

/* Reads one book file into b (its error in b->error). */
static void load_book(polset *ps, sbx *s, pbook *b, const char *file, const char *name)
{
    lua_State *L = s->L;
    char *text;
    size_t len;
    calc_error err;
    char msg[512] = "";
    b->file = arena_strndup(&ps->a, file, strlen(file));
    b->id = b->prefix = name;
    b->ref = LUA_NOREF;
    if (calc_read_file(file, &text, &len, &err)) {
        b->error = arena_printf(&ps->a, "%s: %s", file, err.msg);
        return;
    }
    s->where = file;
    int lr = sbx_load(L, file, text, len);
    free(text);
    if (lr != LUA_OK) {
        sbx_text(msg, sizeof msg, L, -1);
        lua_pop(L, 1);
        b->error = arena_printf(&ps->a, "%s", msg);
        return;
    }
    sbx_push_env(L);
    lua_setupvalue(L, -2, 1);
    if (sbx_call(s, 0, 1, 0, msg, sizeof msg)) {
        b->error = arena_printf(&ps->a, "%s", msg);
        return;
    }
    int t = lua_gettop(L);
    lua_getfield(L, t, "is_book");
    bool isbook = lua_toboolean(L, -1);
    lua_pop(L, 1);
    loader ld = {ps, L, NULL, "", -1};
    const char *id = isbook ? dup_field(&ld, t, "id") : NULL;
    const char *prefix = isbook ? dup_field(&ld, t, "policies") : NULL;
    const char *reasons = isbook ? dup_field(&ld, t, "reasons") : NULL;
    lua_getfield(L, t, "title");
    if (lua_istable(L, -1)) {
        b->zh = dup_field(&ld, lua_gettop(L), "zh");
        b->en = dup_field(&ld, lua_gettop(L), "en");
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "conditions");
    bool conds = lua_istable(L, -1);
    lua_pop(L, 1);
    if (!isbook || !id || !prefix || !prefix[0] || !conds || !b->zh || !b->en ||
        (reasons && strcmp(reasons, "items") && strcmp(reasons, "list"))) {
        b->error = arena_printf(&ps->a, "%s: a book file must return book { id = \"…\", title = "
                                "{ zh = \"…\", en = \"…\" }, policies = \"prefix-\", conditions "
                                "= { … } [, reasons = \"items\"] }", file);
        lua_pop(L, 1);
        return;
    }
    b->id = id;
    b->prefix = prefix;
    b->item_reasons = reasons && strcmp(reasons, "items") == 0;
    /* kept as it is (not frozen: conditions are read with raw access), in the registry only,
     * where no policy can reach it */
    b->ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

static int is_lua(const struct dirent *d)
{
    size_t l = strlen(d->d_name);
    return d->d_name[0] != '.' && l > 4 && strcmp(d->d_name + l - 4, ".lua") == 0;
}

int policy_load_books(polset *ps, sbx *s, const char *dir, calc_diags *d)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/books", dir);
    struct dirent **names = NULL;
    int n = scandir(path, &names, is_lua, alphasort);
    if (n <= 0) {
        free(names);
        return 0;
    }
    ps->book = arena_alloc(&ps->a, (size_t)n * sizeof *ps->book);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char file[1300];
        snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
        size_t l = strlen(names[i]->d_name);
        pbook *b = &ps->book[ps->nbook++];
        int top = lua_gettop(s->L);
        load_book(ps, s, b, file, arena_strndup(&ps->a, names[i]->d_name, l - 4));
        lua_settop(s->L, top);
        if (b->error) {
            calc_error *e = calc_diags_add(d);
            if (e) {
                e->code = CALC_EPOLICY;
                calc_error_policy(e, b->error);
                calc_error_hint(e, "the policies of book '%s' evaluate to an error; the others "
                                "still run", b->id);
            }
            rc = CALC_EPOLICY;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* ---- the ledger key of a policy's grants (issue #17) ---- */

/* A key field's type: text, date, enum or whole number — what a key string is made of. */
static bool key_type(const snode *sn)
{
    return sn && (sn->type == T_STRING || sn->type == T_DATE || sn->type == T_ENUM ||
                  sn->type == T_INT);
}

/* key = { items = { "f", … } }: one key per item the amount counted, its fields joined by "@". */
static int key_items(loader *ld, int t, unsigned line)
{
    policy *p = ld->p;
    lua_State *L = ld->L;
    if (p->item_cond < 0 || p->ref_item == LUA_NOREF)
        FAIL(ld, line, "key = { items = … } needs an any_item() condition and item_amount");
    const snode *base = p->conds[p->item_cond].sn->item;
    size_t n = lua_rawlen(L, t);
    if (n < 1 || n > 4)
        FAIL(ld, line, "key = { items = { \"field\", … } } names one to four fields of the item");
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            FAIL(ld, line, "key = { items = { \"field\", … } } names one to four fields of the item");
        const char *f = dup_field_top(ld);
        lua_pop(L, 1);
        if (resolve_one(ld, base, f, &p->key.isn[i], line))
            return -1;
        if (!key_type(p->key.isn[i]))
            FAIL(ld, line, "a ledger key is a text, date, enum or whole-number field; '%s' is not "
                 "one", f);
        p->key.ifield[i] = f;
    }
    p->key.nifield = n;
    p->key.kind = PK_ITEMS;
    return 0;
}

/* key = { stages = "stage", paid = "stages paid", share = "param" }: one key per stage reached
 * and not paid, each its share of the parameter table by stage. */
static int key_stages(loader *ld, int t, unsigned line)
{
    policy *p = ld->p;
    const snode *root = ld->ps->schema.root;
    const char *st = dup_field(ld, t, "stages"), *paid = dup_field(ld, t, "paid");
    const char *share = dup_field(ld, t, "share");
    if (!st || !paid || !share)
        FAIL(ld, line, "key = { stages = FIELD, paid = LIST, share = PARAM }");
    if (resolve_one(ld, root, st, &p->key.sn, line) ||
        resolve_one(ld, root, paid, &p->key.paid_sn, line))
        return -1;
    if (p->key.sn->type != T_ENUM || p->key.paid_sn->type != T_LIST || !p->key.paid_sn->item ||
        p->key.paid_sn->item->en != p->key.sn->en)
        FAIL(ld, line, "key = { stages = … }: '%s' is an enum and '%s' a list of its values", st,
             paid);
    p->key.share = param_index(p, share);
    if (p->key.share < 0 || !p->params[p->key.share].n)
        FAIL(ld, line, "key = { stages = … }: share names a table parameter by stage, not '%s'",
             share);
    p->key.field = st;
    p->key.paid = paid;
    p->key.kind = PK_STAGES;
    return 0;
}

int compile_key(loader *ld, int pt)
{
    lua_State *L = ld->L;
    policy *p = ld->p;
    unsigned line = line_of(L, pt);
    lua_getfield(L, pt, "key");
    int t = lua_gettop(L);
    int rc = 0;
    p->key.kind = PK_NONE;
    p->key.declared = !lua_isnil(L, t);
    if (lua_isnil(L, t) || (lua_isboolean(L, t) && !lua_toboolean(L, t))) {
        /* none (`key = false`): its grants are not recorded (a match policy grants nothing) */
    } else if (lua_type(L, t) == LUA_TSTRING) {
        p->key.field = dup_field_top(ld);
        rc = resolve_one(ld, ld->ps->schema.root, p->key.field, &p->key.sn, line);
        if (!rc && !key_type(p->key.sn))
            FAIL(ld, line, "a ledger key is a text, date, enum or whole-number field; '%s' is not "
                 "one", p->key.field);
        p->key.kind = PK_FIELD;
    } else if (lua_istable(L, t)) {
        const char *rel = dup_field(ld, t, "rel");
        lua_getfield(L, t, "items");
        bool items = lua_istable(L, -1);
        if (items)
            rc = key_items(ld, lua_gettop(L), line);
        lua_pop(L, 1);
        if (items) {
        } else if (rel && strcmp(rel, "claim_year") == 0) {
            p->key.kind = PK_CLAIM_YEAR;
        } else if (dup_field(ld, t, "stages")) {
            rc = key_stages(ld, t, line);
        } else if (dup_field(ld, t, "threshold")) {
            cond c = {.line = line};
            lua_getfield(L, t, "threshold");
            rc = compile_field(ld, ld->ps->schema.root, &c, 0, false);
            lua_pop(L, 1);
            if (!rc && c.sn->type != T_MONEY)
                FAIL(ld, line, "threshold() needs a money field, '%s' is not one", c.field);
            lua_getfield(L, t, "steps");
            size_t n = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
            if (!n)
                FAIL(ld, line, "threshold(field, { \"10000000\", … }) needs the amounts");
            p->key.steps = arena_alloc(&ld->ps->a, n * sizeof *p->key.steps);
            for (size_t i = 0; i < n; i++) {
                lua_rawgeti(L, -1, (lua_Integer)i + 1);
                size_t len = 0;
                const char *s = lua_tolstring(L, -1, &len);
                calc_money v;
                if (!s || calc_money_parse(&v, s, len, NULL) || v % 100 ||
                    (i && v <= p->key.steps[i - 1]))
                    FAIL(ld, line, "threshold amounts are whole yuan, ascending (\"10000000\")");
                p->key.steps[i] = v;
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            p->key.nstep = n;
            p->key.field = c.field;
            p->key.sn = c.sn;
            p->key.kind = PK_THRESHOLD;
        } else
            FAIL(ld, line, "key = CLAIM_YEAR, a field name, threshold(field, {…}), { items = "
                 "{…} }, { stages = …, paid = …, share = … } or false");
    } else
        FAIL(ld, line, "key = CLAIM_YEAR, a field name, threshold(field, {…}), { items = {…} }, "
             "{ stages = …, paid = …, share = … } or false");
    lua_settop(L, t - 1);
    return rc;
}
