/* dslx.c — the helpers of policy book 2 that a policy's amount function calls while it is
 * evaluated: the claim year, as_of and the policy's windows; the calendar of §1.3 (year, month
 * index, add_months, lease months and years, months counted); the money helpers of §1.4
 * (ratio, pct_product, brackets, split, a checked sub), each with its step and its words; the
 * award ledger of §1.7 (awards_count, awards_sum, installment); and optional(), a read that
 * lists an absent field in `missing` without making the amount "needs data".
 * Values: money in integer fen, dates in days since 1970-01-01, rates in hundredths of a
 * percent (percent "30" is 3000). Every product and sum is exact (__int128) and range-checked:
 * a result that does not fit is the error "…: result out of range", never a wrap. */
#include "calendar.h"
#include "dsl.h"

#include <string.h>

/* Dates the calendar handles: 0000-01-01 … 9999-12-31. */
#define DAY_MIN (-719528)
#define DAY_MAX 2932896

static evalctx *need_ctx(lua_State *L, const char *what)
{
    evalctx *c = ctx_of(L);
    if (!c || !c->cur || !c->prof || !c->ps)
        luaL_error(L, "%s: only while evaluating a profile", what);
    return c;
}

/* A date argument: a day number, or a value `date "YYYY-MM-DD"` made outside an amount. */
static calc_date checkday(lua_State *L, int i, const char *what)
{
    if (lua_istable(L, i)) {
        bool d = lua_getfield(L, i, "unit") == LUA_TSTRING &&
                 strcmp(lua_tostring(L, -1), "date") == 0;
        lua_pop(L, 1);
        if (d) {
            lua_getfield(L, i, "value");
            lua_replace(L, i);
        }
    }
    if (!lua_isinteger(L, i))
        luaL_error(L, "%s: expected a date (days since 1970-01-01, as date(\"YYYY-MM-DD\") "
                   "gives), got %s", what, luaL_typename(L, i));
    lua_Integer d = lua_tointeger(L, i);
    if (d < DAY_MIN || d > DAY_MAX)
        luaL_error(L, "%s: the date %I is outside the years 0 to 9999", what, d);
    return (calc_date)d;
}

static lua_Integer checkwhole(lua_State *L, int i, const char *what)
{
    if (!lua_isinteger(L, i))
        luaL_error(L, "%s must be a whole number, got %s", what, luaL_typename(L, i));
    return lua_tointeger(L, i);
}

static int out_of_range(lua_State *L, const char *what)
{
    return luaL_error(L, "%s: result out of range", what);
}

/* half_up(num / den) = ⌊num / den + ½⌋ for den > 0, exactly. */
static __int128 div_half_up(__int128 num, __int128 den)
{
    __int128 q = num / den, r = num % den;
    if (r < 0) {
        q -= 1;
        r += den;
    }
    return 2 * r >= den ? q + 1 : q;
}

static __int128 div_floor(__int128 num, __int128 den)
{
    __int128 q = num / den;
    return num % den < 0 ? q - 1 : q;
}

static bool fits(__int128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

/* "30" for 3000 hundredths of a percent, "12.5" for 1250. */
static const char *rate_text(char r[40], int64_t p)
{
    calc_money_format(r, p);
    size_t rl = strlen(r);
    while (rl > 0 && r[rl - 1] == '0')
        r[--rl] = 0;
    if (rl > 0 && r[rl - 1] == '.')
        r[--rl] = 0;
    return r;
}

/* A value in a step's line: money grouped (1,234.50) or a whole number. */
static const char *num_text(char b[40], int64_t v, int type)
{
    if (type == T_MONEY)
        return calc_money_format_grouped(b, v);
    snprintf(b, 40, "%lld", (long long)v);
    return b;
}

static void words_num(sbuf *b, int64_t v, int type)
{
    if (type == T_MONEY)
        label_money(b, v);
    else
        sb_int(b, (long long)v);
}

/* ---- time: the claim year, as_of, the windows ---- */

static int l_claim_year(lua_State *L)
{
    evalctx *c = need_ctx(L, "claim_year");
    lua_pushinteger(L, calc_date_year(c->as_of) - 1);
    return 1;
}

static int l_as_of(lua_State *L)
{
    lua_pushinteger(L, need_ctx(L, "as_of")->as_of);
    return 1;
}

/* The date field at path (from the root, through objects only), or NULL when it is absent
 * (noted as absent data) or not such a field. */
static const pval *root_date(evalctx *c, const char *path)
{
    const snode *root = c->ps->schema.root, *sn = schema_resolve(root, path);
    const snode *chain[16];
    int n = 0;
    if (!sn || sn->type != T_DATE)
        return NULL;
    for (const snode *x = sn; x && x != root; x = x->parent) {
        if (n == 16 || (x->parent && x->parent->type != T_OBJECT))
            return NULL;
        chain[n++] = x;
    }
    const pval *v = &c->prof->root;
    while (n-- > 0) {
        v = v->set && v->type == T_OBJECT ? &v->u.o->slot[chain[n]->index] : NULL;
        if (!v || !v->set) {
            ctx_absent(c, sn->path);
            return NULL;
        }
    }
    return v;
}

/* window(name) → from, to: "in_force" (the payout window), "event" (the qualifying event's
 * window) or "application" (from the policy's after-field to add_months(it, months)); nil
 * when the policy has no such window, or its after-field is absent (then noted as absent). */
static int l_window(lua_State *L)
{
    evalctx *c = need_ctx(L, "window");
    const char *w = luaL_checkstring(L, 1);
    const policy *p = c->cur;
    calc_date from, to;
    if (strcmp(w, "in_force") == 0) {
        from = p->from;
        to = p->to;
    } else if (strcmp(w, "event") == 0) {
        if (!p->has_event)
            return lua_pushnil(L), 1;
        from = p->ev_from;
        to = p->ev_to;
    } else if (strcmp(w, "application") == 0) {
        const pval *a = p->has_app && p->app_after ? root_date(c, p->app_after) : NULL;
        if (!a || calc_add_months((calc_date)a->u.i, p->app_months, &to))
            return lua_pushnil(L), 1;
        from = (calc_date)a->u.i;
    } else
        return luaL_error(L, "window: expected \"in_force\", \"event\" or \"application\", "
                          "got '%s'", w);
    lua_pushinteger(L, from);
    lua_pushinteger(L, to);
    return 2;
}

/* ---- the calendar (§1.3) ---- */

static int l_year(lua_State *L)
{
    lua_pushinteger(L, calc_date_year(checkday(L, 1, "year")));
    return 1;
}

static int l_month(lua_State *L)
{
    lua_pushinteger(L, calc_date_month(checkday(L, 1, "month")));
    return 1;
}

static int l_month_index(lua_State *L)
{
    lua_pushinteger(L, calc_month_index(checkday(L, 1, "month_index")));
    return 1;
}

static int l_add_months(lua_State *L)
{
    calc_date d = checkday(L, 1, "add_months"), out;
    if (calc_add_months(d, checkwhole(L, 2, "add_months: the number of months"), &out))
        return out_of_range(L, "add_months");
    lua_pushinteger(L, out);
    return 1;
}

/* date("YYYY-MM-DD"): in an amount function the day number; elsewhere (a policy's chunk, its
 * params) the DSL's value with a unit, as before (the upvalue). */
static int l_date(lua_State *L)
{
    evalctx *c = ctx_of(L);
    if (!c || !c->in_amount) { /* the constructor, as if the policy had called it itself */
        lua_Debug ar;
        int line = lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) ? ar.currentline : 0;
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        if (lua_pcall(L, lua_gettop(L) - 1, 1, 0) != LUA_OK) {
            luaL_where(L, 1); /* its error at the policy's line, not this function's */
            lua_insert(L, -2);
            lua_concat(L, 2);
            return lua_error(L);
        }
        if (lua_istable(L, -1)) {
            lua_pushinteger(L, line > 0 ? line : 0);
            lua_setfield(L, -2, "line");
        }
        return 1;
    }
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    calc_date d;
    if (calc_date_parse(&d, s, len))
        return luaL_error(L, "bad date '%s' (expected YYYY-MM-DD)", s);
    lua_pushinteger(L, d);
    return 1;
}

static int l_date_key(lua_State *L)
{
    char b[16];
    lua_pushstring(L, calc_date_format(b, checkday(L, 1, "date_key")));
    return 1;
}

/* The lease month j of month index mi for a lease from start (any day of its month). */
static lua_Integer lease_j(lua_State *L, const char *what)
{
    int64_t s = calc_month_index(checkday(L, 1, what));
    lua_Integer mi = checkwhole(L, 2, what), j;
    if (__builtin_sub_overflow(mi, s, &j) || __builtin_add_overflow(j, 1, &j))
        out_of_range(L, what);
    return j;
}

static int l_lease_month(lua_State *L)
{
    lua_pushinteger(L, lease_j(L, "lease_month"));
    return 1;
}

static int l_lease_year(lua_State *L)
{
    lua_Integer j = lease_j(L, "lease_year");
    if (j < 1)
        return lua_pushnil(L), 1;
    lua_pushinteger(L, (j - 1) / 12 + 1);
    return 1;
}

/* months_in_lease(start, end_or_nil, year[, within]): the months of year in the lease (its
 * end month in full), within its first `within` months when given. */
static int l_months_in_lease(lua_State *L)
{
    calc_date s = checkday(L, 1, "months_in_lease"), e = 0;
    bool has_end = !lua_isnoneornil(L, 2);
    if (has_end)
        e = checkday(L, 2, "months_in_lease");
    lua_Integer y = checkwhole(L, 3, "months_in_lease: the year");
    lua_Integer w = lua_isnoneornil(L, 4) ? 0 : checkwhole(L, 4, "months_in_lease: within");
    if (y < 0 || y > 9999 || w < 0 || w > 120000)
        return out_of_range(L, "months_in_lease");
    int n = calc_lease_months_in_year(s, has_end, e, (int)y, (int)w);
    evalctx *c = words_ctx(L);
    if (c) /* names the number in a later step: "计入月数 12" */
        ctx_name(c, n, NULL, "计入月数", "months counted", T_INT);
    lua_pushinteger(L, n);
    return 1;
}

/* ---- money (§1.4) ---- */

/* The kinds of the n operands v of a product: what names them says, and a value nothing names
 * is the amount when no other operand is one (an area × a price × months has one amount). */
static void product_kinds(evalctx *c, const int64_t *v, int n, int *kind,
                          const label_name **x)
{
    bool money = false;
    for (int i = 0; i < n; i++) {
        x[i] = c ? named_of(c, v[i]) : NULL;
        kind[i] = x[i] ? kind_of(x[i]) : -1;
        money |= kind[i] == T_MONEY;
    }
    for (int i = 0; i < n; i++)
        if (kind[i] < 0) {
            kind[i] = money ? T_INT : T_MONEY; /* a guess: the rule line comes first */
            if (c && !money)
                c->unnamed = true;
            money = true;
        }
}

/* ratio(x, n, d) = half_up(x × n / d), d > 0: the product exact, then one rounding. */
static int l_ratio(lua_State *L)
{
    lua_Integer x = checkint(L, 1, "ratio: the amount");
    lua_Integer n = checkwhole(L, 2, "ratio: the numerator");
    lua_Integer d = checkwhole(L, 3, "ratio: the denominator");
    if (d <= 0)
        return luaL_error(L, "%s: the divisor must be greater than 0", "ratio");
    __int128 q = div_half_up((__int128)x * n, d);
    if (!fits(q))
        return out_of_range(L, "ratio");
    evalctx *c = words_ctx(L);
    const label_name *nx = c ? named_of(c, x) : NULL;
    int type = kind_of(nx);
    char a[40], o[40];
    dsl_step(L, "%s × %lld / %lld = %s", num_text(a, x, type), (long long)n, (long long)d,
             num_text(o, (int64_t)q, type));
    if (c) {
        sbuf w[2] = {{0}, {0}};
        bool unnamed = false;
        for (int l = 0; l < 2; l++) {
            words_operand(&w[l], nx, x, type, l, &unnamed);
            sb_printf(&w[l], " × %lld / %lld = ", (long long)n, (long long)d);
            words_num(&w[l], (int64_t)q, type);
        }
        c->unnamed |= unnamed;
        add_step_words(c, w, (int64_t)q, type);
    }
    lua_pushinteger(L, (lua_Integer)q);
    return 1;
}

/* The product of v[0..n) × rate / 100 %, rounded once (half up, or as the policy says:
 * `rounding = …`); false when out of range. */
static bool product_pct(const int64_t *v, int n, int64_t rate, int mode, int64_t *out)
{
    __int128 p = rate;
    for (int i = 0; i < n; i++)
        if (__builtin_mul_overflow(p, (__int128)v[i], &p))
            return false;
    __int128 q = mode == RND_HALF_UP ? div_half_up(p, 10000) : dsl_round_div(p, 10000, mode);
    if (!fits(q))
        return false;
    *out = (int64_t)q;
    return true;
}

/* The step and words of a product: "a × b × r% = out" (c: recording words, or NULL). */
static void product_line(lua_State *L, evalctx *c, const char *pre_zh, const char *pre_en,
                         const int64_t *v, int n, int64_t rate, int64_t out)
{
    const label_name *x[16];
    int kind[16];
    char r[40], t[40];
    product_kinds(c, v, n, kind, x);
    if (ctx_of(L) && ctx_of(L)->explain) {
        sbuf s = {0};
        sb_puts(&s, pre_en);
        for (int i = 0; i < n; i++)
            sb_printf(&s, "%s%s", i ? " × " : "", num_text(t, v[i], kind[i]));
        sb_printf(&s, " × %s%% = %s", rate_text(r, rate), calc_money_format_grouped(t, out));
        dsl_step(L, "%s", s.p);
        sb_free(&s);
    }
    if (!c)
        return;
    sbuf w[2] = {{0}, {0}};
    bool unnamed = false;
    for (int l = 0; l < 2; l++) {
        sb_puts(&w[l], l ? pre_en : pre_zh);
        for (int i = 0; i < n; i++) {
            if (i)
                sb_puts(&w[l], " × ");
            if (i == 0 && *pre_en && x[0] && x[0]->sn) /* a bracket's part, in its unit */
                label_count(&w[l], x[0]->sn, v[0], l);
            else
                words_operand(&w[l], x[i], v[i], kind[i], l, &unnamed);
        }
        sb_printf(&w[l], " × %s%% = ", rate_text(r, rate));
        label_money(&w[l], out);
    }
    c->unnamed |= unnamed;
    add_step_words(c, w, out, T_MONEY);
}

/* pct_product(rate, a, b, …) = half_up(a × b × … × rate / 100 %), rounded once. */
static int l_pct_product(lua_State *L)
{
    int n = lua_gettop(L) - 1;
    if (n < 1 || n > 15)
        return luaL_error(L, "%s needs a rate and 1 to 15 factors", "pct_product");
    int64_t rate = checkint(L, 1, "pct_product: the rate"), v[16], out;
    for (int i = 0; i < n; i++)
        v[i] = checkint(L, i + 2, "pct_product: a factor");
    if (!product_pct(v, n, rate, dsl_rounding(L), &out))
        return out_of_range(L, "pct_product");
    product_line(L, words_ctx(L), "", "", v, n, rate, out);
    lua_pushinteger(L, out);
    return 1;
}

/* Tier i of brackets' tiers (at the top): its size (-1: the rest) and rate. */
static void tier_at(lua_State *L, int tiers, lua_Integer i, lua_Integer last, int64_t *size,
                    int64_t *rate)
{
    lua_geti(L, tiers, i);
    if (!lua_istable(L, -1))
        luaL_error(L, "brackets: tier %I must be { size, rate } with a whole size >= 0, or "
                   "{ \"rest\", rate } as the last", i);
    lua_geti(L, -1, 1);
    lua_geti(L, -2, 2);
    bool rest = lua_isnil(L, -2) || (lua_type(L, -2) == LUA_TSTRING &&
                                     strcmp(lua_tostring(L, -2), "rest") == 0);
    if ((rest && i != last) || (!rest && (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 0)))
        luaL_error(L, "brackets: tier %I must be { size, rate } with a whole size >= 0, or "
                   "{ \"rest\", rate } as the last", i);
    *size = rest ? -1 : lua_tointeger(L, -2);
    *rate = checkint(L, lua_gettop(L), "brackets: a tier's rate");
    lua_pop(L, 3);
}

/* brackets(q, tiers, factor…): q cut into the tiers' sizes in order (a last { "rest", rate }
 * takes what is left; without one, what is left is not paid); each part × the factors × its
 * rate rounded half up on its own, the parts summed. */
static int l_brackets(lua_State *L)
{
    lua_Integer q = checkint(L, 1, "brackets: the quantity");
    luaL_checktype(L, 2, LUA_TTABLE);
    int nf = lua_gettop(L) - 2;
    if (q < 0)
        return luaL_error(L, "%s: the quantity must not be negative", "brackets");
    if (nf > 14)
        return luaL_error(L, "%s: at most %d factors", "brackets", 14);
    lua_Integer nt = luaL_len(L, 2);
    sbx_charge(L, nt);
    evalctx *c = words_ctx(L);
    const label_name *nq = c ? named_of(c, q) : NULL;
    const snode *qsn = nq ? nq->sn : NULL; /* the quantity's field: its parts in its unit */
    int64_t v[16], sum = 0, left = q;
    for (int i = 0; i < nf; i++)
        v[i + 1] = checkint(L, i + 3, "brackets: a factor");
    for (lua_Integer i = 1; i <= nt; i++) {
        int64_t size, rate, out;
        tier_at(L, 2, i, nt, &size, &rate);
        v[0] = size < 0 || size > left ? left : size;
        left -= v[0];
        if (!v[0])
            continue;
        if (!product_pct(v, nf + 1, rate, dsl_rounding(L), &out) ||
            __builtin_add_overflow(sum, out, &sum))
            return out_of_range(L, "brackets");
        char zh[48], en[48];
        snprintf(zh, sizeof zh, "第%lld档 ", (long long)i);
        snprintf(en, sizeof en, "bracket %lld: ", (long long)i);
        if (c) /* the part is of the quantity, in its unit */
            ctx_name(c, v[0], qsn, NULL, NULL, T_INT);
        product_line(L, c, zh, en, v, nf + 1, rate, out);
    }
    char s[40];
    dsl_step(L, "brackets: sum = %s", calc_money_format_grouped(s, sum));
    if (c) {
        sbuf w[2] = {{0}, {0}};
        for (int l = 0; l < 2; l++) {
            sb_puts(&w[l], l ? "sum of the brackets = " : "各档合计 = ");
            label_money(&w[l], sum);
        }
        add_step_words(c, w, sum, T_MONEY);
    }
    lua_pushinteger(L, sum);
    return 1;
}

/* split(T, n, k): installment k of n of T — floor_to_fen(T / n) for k < n, the remainder
 * T − (n − 1) × floor_to_fen(T / n) for k = n. */
static int l_split(lua_State *L)
{
    lua_Integer t = checkint(L, 1, "split: the total");
    lua_Integer n = checkwhole(L, 2, "split: the number of installments");
    lua_Integer k = checkwhole(L, 3, "split: the installment");
    if (n < 1)
        return luaL_error(L, "split: the number of installments must be at least 1, got %I", n);
    if (k < 1 || k > n)
        return luaL_error(L, "split: installment %I of %I (expected 1 to %I)", k, n, n);
    __int128 each = div_floor(t, n), out = k < n ? each : (__int128)t - (__int128)(n - 1) * each;
    if (!fits(out))
        return out_of_range(L, "split");
    char a[40], o[40], e[40];
    dsl_step(L, "%s in %lld installment%s: installment %lld = %s",
             calc_money_format_grouped(a, t), (long long)n, n == 1 ? "" : "s", (long long)k,
             calc_money_format_grouped(o, (int64_t)out));
    evalctx *c = words_ctx(L);
    if (c) {
        sbuf w[2] = {{0}, {0}};
        bool unnamed = false;
        for (int l = 0; l < 2; l++) {
            words_operand(&w[l], named_of(c, t), t, T_MONEY, l, &unnamed);
            if (l)
                sb_printf(&w[l], " in %lld installment%s: installment %lld = ", (long long)n,
                          n == 1 ? "" : "s", (long long)k);
            else
                sb_printf(&w[l], " 分 %lld 期发放，第 %lld 期 = ", (long long)n, (long long)k);
            label_money(&w[l], (int64_t)out);
            if (k == n && n > 1) {
                sb_printf(&w[l], l ? " (the last: the remainder, %s − %lld × %s)"
                                   : "（末期取余额：%s − %lld × %s）",
                          calc_money_format_grouped(a, t), (long long)(n - 1),
                          calc_money_format_grouped(e, (int64_t)each));
            }
        }
        add_step_words(c, w, (int64_t)out, T_MONEY);
    }
    lua_pushinteger(L, (lua_Integer)out);
    return 1;
}

/* sub(a, b, …) = a − b − …, checked. */
static int l_sub(lua_State *L)
{
    int n = lua_gettop(L);
    if (n < 2 || n > 16)
        return luaL_error(L, "%s needs 2 to 16 values", "sub");
    lua_Integer r = checkint(L, 1, "sub");
    for (int i = 2; i <= n; i++)
        if (__builtin_sub_overflow(r, checkint(L, i, "sub"), &r))
            return out_of_range(L, "sub");
    evalctx *c = words_ctx(L);
    int type = kind_of(c ? named_of(c, lua_tointeger(L, 1)) : NULL);
    char t[40];
    if (ctx_of(L) && ctx_of(L)->explain) {
        sbuf s = {0};
        for (int i = 1; i <= n; i++)
            sb_printf(&s, "%s%s", i > 1 ? " − " : "", num_text(t, lua_tointeger(L, i), type));
        sb_printf(&s, " = %s", num_text(t, r, type));
        dsl_step(L, "%s", s.p);
        sb_free(&s);
    }
    if (c) {
        sbuf w[2] = {{0}, {0}};
        bool unnamed = false;
        for (int l = 0; l < 2; l++) {
            for (int i = 1; i <= n; i++) {
                if (i > 1)
                    sb_puts(&w[l], " − ");
                int64_t v = lua_tointeger(L, i);
                words_operand(&w[l], named_of(c, v), v, type, l, &unnamed);
            }
            sb_puts(&w[l], " = ");
            words_num(&w[l], r, type);
        }
        c->unnamed |= unnamed;
        add_step_words(c, w, r, type);
    }
    lua_pushinteger(L, r);
    return 1;
}

/* ---- the award ledger (§1.7) ---- */

static const ledger_schema *ledger_of(lua_State *L, evalctx *c, const char *what)
{
    const snode *root = c->ps->schema.root;
    if (c->ledger_of != root) {
        if (ledger_schema_find(&c->ledger, root))
            c->ledger.list = NULL;
        c->ledger_of = root;
    }
    if (!c->ledger.list)
        luaL_error(L, "%s: the profile schema has no award ledger (awards[] with policy, year, "
                   "amount and key)", what);
    const pval *v = &c->prof->root.u.o->slot[c->ledger.list->index];
    sbx_charge(L, v->set && v->type == T_LIST ? (lua_Integer)v->u.l->n : 0);
    return &c->ledger;
}

/* A key at idx as text: a string, or a whole number in digits (a claim year); NULL for nil. */
static const char *key_text(lua_State *L, int idx, const char *what)
{
    if (lua_isnoneornil(L, idx))
        return NULL;
    if (lua_type(L, idx) == LUA_TSTRING || lua_isinteger(L, idx))
        return lua_tostring(L, idx); /* an integer becomes its digits, in place */
    luaL_error(L, "%s: a key must be a string or a whole number, got %s", what,
               luaL_typename(L, idx));
    return NULL;
}

/* The options table at 1 (or none): its fields names[i] pushed in order; any other is an
 * error. */
static void options(lua_State *L, const char *what, const char *const *names, int n)
{
    lua_settop(L, 1);
    if (lua_isnone(L, 1) || lua_isnil(L, 1))
        lua_newtable(L), lua_replace(L, 1);
    if (!lua_istable(L, 1))
        luaL_error(L, "%s: expected a table of options, e.g. %s{ year = claim_year() }", what,
                   what);
    int known = 0, all = 0;
    for (int i = 0; i < n; i++)
        known += lua_getfield(L, 1, names[i]) != LUA_TNIL;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        all++;
        lua_pop(L, 1);
    }
    if (all > known)
        luaL_error(L, "%s: an unknown option (the options are %s)", what,
                   n == 3 ? "policy, key and year" : "policies and year");
}

/* awards_count{ policy = id, key = "…", year = n } → the number of ledger entries, and the
 * index (0-based, as awards[i]) of the first, or nil. Defaults: this policy, any key, any
 * year. */
static int l_awards_count(lua_State *L)
{
    static const char *const names[] = {"policy", "key", "year"};
    evalctx *c = need_ctx(L, "awards_count");
    options(L, "awards_count", names, 3);
    const char *pol = lua_isnil(L, 2) ? c->cur->id : key_text(L, 2, "awards_count");
    const char *key = key_text(L, 3, "awards_count");
    int64_t year = lua_isnil(L, 4) ? LEDGER_ANY_YEAR : checkwhole(L, 4, "awards_count: year");
    const ledger_schema *ls = ledger_of(L, c, "awards_count");
    size_t first, n = ledger_count(ls, c->prof->root.u.o, pol, key, year, &first);
    lua_pushinteger(L, (lua_Integer)n);
    if (n)
        lua_pushinteger(L, (lua_Integer)first);
    else
        lua_pushnil(L);
    return 2;
}

/* awards_sum{ policies = { id, … }, year = n } → the sum of the entries' amounts (default:
 * this policy, any year). */
static int l_awards_sum(lua_State *L)
{
    static const char *const names[] = {"policies", "year"};
    evalctx *c = need_ctx(L, "awards_sum");
    options(L, "awards_sum", names, 2);
    const char *ids[64];
    size_t n = 0;
    if (lua_isnil(L, 2))
        ids[n++] = c->cur->id;
    else {
        if (!lua_istable(L, 2))
            return luaL_error(L, "%s: policies must be a list of policy ids", "awards_sum");
        lua_Integer len = luaL_len(L, 2);
        if (len > 64)
            return luaL_error(L, "%s: at most 64 policies", "awards_sum");
        for (lua_Integer i = 1; i <= len; i++) {
            lua_geti(L, 2, i);
            if (lua_type(L, -1) != LUA_TSTRING)
                return luaL_error(L, "%s: policies must be a list of policy ids", "awards_sum");
            ids[n++] = lua_tostring(L, -1); /* kept alive by the table */
            lua_pop(L, 1);
        }
    }
    int64_t year = lua_isnil(L, 3) ? LEDGER_ANY_YEAR : checkwhole(L, 3, "awards_sum: year");
    calc_money s;
    if (ledger_sum(ledger_of(L, c, "awards_sum"), c->prof->root.u.o, ids, n, year, &s)) {
        /* amounts are never negative: a sum that does not fit is more than any amount */
        dsl_step(L, "paid before (awards of %s%s) = more than the largest amount",
                 ids[0] ? ids[0] : "", n > 1 ? ", …" : "");
        lua_pushlightuserdata(L, DSL_BEYOND);
        return 1;
    }
    char a[40];
    dsl_step(L, "paid before (awards of %s%s) = %s", ids[0] ? ids[0] : "", n > 1 ? ", …" : "",
             calc_money_format_grouped(a, s));
    evalctx *w = words_ctx(L);
    if (w) {
        sbuf t[2] = {{0}, {0}};
        for (int l = 0; l < 2; l++) {
            sb_puts(&t[l], l ? "paid before (award ledger, " : "已发放金额（奖励台账，");
            for (size_t i = 0; i < n; i++)
                sb_printf(&t[l], "%s%s", i ? (l ? ", " : "、") : "", ids[i]);
            if (year != LEDGER_ANY_YEAR)
                sb_printf(&t[l], l ? ", year %lld" : "，%lld年度", (long long)year);
            sb_puts(&t[l], l ? ") = " : "）= ");
            label_money(&t[l], s);
        }
        ctx_add_words(w, t[0].p, t[1].p, s);
        ctx_name(w, s, NULL, "已发放金额", "paid before", T_MONEY);
        sb_free(&t[0]);
        sb_free(&t[1]);
    }
    lua_pushinteger(L, s);
    return 1;
}

/* installment(key) = 1 + the ledger entries of this policy with this key. */
static int l_installment(lua_State *L)
{
    evalctx *c = need_ctx(L, "installment");
    const char *key = key_text(L, 1, "installment");
    if (!key)
        return luaL_error(L, "%s: needs the key", "installment");
    size_t first, n = ledger_count(ledger_of(L, c, "installment"), c->prof->root.u.o,
                                   c->cur->id, key, LEDGER_ANY_YEAR, &first);
    dsl_step(L, "installment %zu (%zu earlier award(s) of key %s)", n + 1, n, key);
    lua_pushinteger(L, (lua_Integer)n + 1);
    return 1;
}

/* ---- optional reads ---- */

static void soft_add(evalctx *c, char *path)
{
    if (!c->a)
        return;
    for (size_t i = 0; i < c->nsoft; i++)
        if (strcmp(c->soft[i], path) == 0)
            return;
    c->soft = arena_grow(c->a, c->soft, c->nsoft, &c->capsoft, sizeof *c->soft, 8);
    c->soft[c->nsoft++] = path;
}

/* optional(obj, name): obj[name] of a profile object (or list), or nil when it is absent —
 * then its path goes into `missing` without making the amount "needs data". */
static int l_optional(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TUSERDATA || lua_isnoneornil(L, 2))
        return luaL_error(L, "%s: expected a profile object and a field name", "optional");
    lua_settop(L, 2);
    evalctx *c = ctx_of(L);
    size_t before = c ? c->nabsent : 0;
    lua_gettable(L, 1); /* the proxy's read: an unknown name is its error */
    if (!c || c->nabsent == before)
        return 1;
    for (size_t i = before; i < c->nabsent; i++)
        soft_add(c, c->absent[i]);
    c->nabsent = before;
    lua_pushnil(L);
    return 1;
}

void dslx_open(lua_State *L)
{
    static const luaL_Reg fns[] = {{"claim_year", l_claim_year},
                                   {"as_of", l_as_of},
                                   {"window", l_window},
                                   {"year", l_year},
                                   {"month", l_month},
                                   {"month_index", l_month_index},
                                   {"add_months", l_add_months},
                                   {"date_key", l_date_key},
                                   {"lease_month", l_lease_month},
                                   {"lease_year", l_lease_year},
                                   {"months_in_lease", l_months_in_lease},
                                   {"ratio", l_ratio},
                                   {"pct_product", l_pct_product},
                                   {"brackets", l_brackets},
                                   {"split", l_split},
                                   {"sub", l_sub},
                                   {"awards_count", l_awards_count},
                                   {"awards_sum", l_awards_sum},
                                   {"installment", l_installment},
                                   {"optional", l_optional},
                                   {NULL, NULL}};
    lua_getfield(L, LUA_REGISTRYINDEX, "calc.G");
    luaL_setfuncs(L, fns, 0);
    lua_getfield(L, -1, "date"); /* the unit's constructor (dsl.c) */
    lua_pushcclosure(L, l_date, 1);
    lua_setfield(L, -2, "date");
    lua_pop(L, 1);
}
