/* dsl.c — the policy DSL as seen from Lua: value constructors (yuan, percent, …), marks
 * (seed, illustrative), condition constructors (equals, at_least, any_item, …), money
 * helpers (pct, cap, …) and the read-only profile proxy that records absent reads.
 * Constructors only build tables; policy.c compiles them. */
#include "dsl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

unsigned caller_line(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) && ar.currentline > 0)
        return (unsigned)ar.currentline;
    return 0;
}

/* ---- values with units ---- */

static const char *const unit_names[] = {"yuan", "percent", "count", "m2", "date", "years",
                                         "units", NULL};

/* Parses a decimal with at most 2 decimals into hundredths. */
static int parse_hundredths(const char *s, size_t len, int64_t *out)
{
    return calc_money_parse(out, s, len, NULL);
}

static int64_t unit_value(lua_State *L, int unit, int arg)
{
    size_t len;
    const char *s;
    int64_t v = 0;
    if (lua_type(L, arg) == LUA_TNUMBER && lua_isinteger(L, arg) && unit != U_DATE) {
        lua_pushfstring(L, "%I", lua_tointeger(L, arg));
    } else if (lua_type(L, arg) != LUA_TSTRING) {
        luaL_error(L, "%s value must be written as a string, e.g. %s \"100\"",
                   unit_names[unit], unit_names[unit]);
        return 0;
    } else
        lua_pushvalue(L, arg);
    s = lua_tolstring(L, -1, &len);
    switch (unit) {
    case U_YUAN:
    case U_PERCENT:
        if (parse_hundredths(s, len, &v))
            luaL_error(L, "bad %s value '%s' (at most 2 decimals, no sign)", unit_names[unit],
                       s);
        break;
    case U_DATE: {
        calc_date d;
        if (calc_date_parse(&d, s, len))
            luaL_error(L, "bad date '%s' (expected YYYY-MM-DD)", s);
        v = d;
        break;
    }
    default: {
        char *end;
        long long x = strtoll(s, &end, 10);
        if (*end || end == s || x < 0)
            luaL_error(L, "bad %s value '%s' (expected a whole number)", unit_names[unit], s);
        v = x;
    }
    }
    lua_pop(L, 1);
    return v;
}

static int l_unit(lua_State *L)
{
    int unit = (int)lua_tointeger(L, lua_upvalueindex(1));
    lua_createtable(L, 0, 4);
    lua_pushstring(L, unit_names[unit]);
    lua_setfield(L, -2, "unit");
    if (lua_type(L, 1) == LUA_TTABLE) { /* a table of values by key */
        lua_newtable(L);
        lua_pushnil(L);
        while (lua_next(L, 1)) {
            int64_t v = unit_value(L, unit, lua_gettop(L));
            lua_pushvalue(L, -2);
            lua_pushinteger(L, v);
            lua_settable(L, -5);
            lua_pop(L, 1);
        }
        lua_setfield(L, -2, "table");
    } else {
        lua_pushinteger(L, unit_value(L, unit, 1));
        lua_setfield(L, -2, "value");
        lua_pushvalue(L, 1);
        lua_setfield(L, -2, "text");
    }
    lua_pushinteger(L, caller_line(L));
    lua_setfield(L, -2, "line");
    return 1;
}

static int l_mark(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "unit");
    if (lua_isnil(L, -1))
        return luaL_argerror(L, 1, "expected a value with a unit, e.g. yuan \"100\"");
    lua_pop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setfield(L, 1, "mark");
    if (!lua_isnoneornil(L, 2)) {
        luaL_checkstring(L, 2);
        lua_pushvalue(L, 2);
        lua_setfield(L, 1, "note");
    }
    lua_pushvalue(L, 1);
    return 1;
}

static int l_param(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "param");
    lua_pushinteger(L, caller_line(L));
    lua_setfield(L, -2, "line");
    return 1;
}

static int l_years_before(lua_State *L)
{
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "years_before_as_of");
    lua_setfield(L, -2, "rel");
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "years");
    return 1;
}

static int l_policy(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushinteger(L, caller_line(L));
    lua_setfield(L, 1, "line");
    lua_settop(L, 1);
    return 1;
}

/* ---- money helpers (run while evaluating) ---- */

evalctx *ctx_of(lua_State *L) { return ((sbx *)*(void **)lua_getextraspace(L))->ctx; }

lua_Integer checkint(lua_State *L, int i, const char *what)
{
    if (!lua_isinteger(L, i)) {
        if (lua_type(L, i) == LUA_TNUMBER)
            luaL_error(L, "%s must be an integer number of fen, got a float (use // or pct)",
                       what);
        else
            luaL_error(L, "%s must be an amount, got %s", what, luaL_typename(L, i));
    }
    return lua_tointeger(L, i);
}

/* ---- the computation in words (explain): each helper's step, its operands named ---- */

/* The context when the steps are being recorded, else NULL. */
evalctx *words_ctx(lua_State *L)
{
    evalctx *c = ctx_of(L);
    return c && c->explain && c->a ? c : NULL;
}

void ctx_name(evalctx *c, int64_t v, const snode *sn, const char *zh, const char *en, int type)
{
    label_name *x = &c->named[c->nnamed++ % 16];
    x->v = v;
    x->sn = sn;
    x->zh = zh;
    x->en = en;
    x->type = type;
}

/* Appends s to an item's text (cut at a character, with "…", when it does not fit). */
static void item_append(char *buf, size_t *len, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 <= cap) {
        memcpy(buf + *len, s, n + 1);
        *len += n;
        return;
    }
    static const char more[] = "…";
    if (*len + sizeof more > cap)
        return; /* cut already */
    size_t room = cap - *len - sizeof more;
    while (room && ((unsigned char)s[room] & 0xC0) == 0x80)
        room--;
    memcpy(buf + *len, s, room);
    memcpy(buf + *len + room, more, sizeof more);
    *len += room + sizeof more - 1;
}

/* A line as valid UTF-8 in the arena, in as many bytes as it takes (a line per item of
 * thousands: arena_utf8_clean keeps room for the worst case). */
static char *words_dup(arena *a, const char *s)
{
    size_t len = strlen(s), cap = 3 * len + 1;
    char local[1024];
    char *t = cap <= sizeof local ? local : malloc(cap);
    if (!t)
        return arena_utf8_clean(a, s, len, 0);
    size_t n = calc_utf8_clean(t, cap, s, len);
    char *d = arena_strndup(a, t, n);
    if (t != local)
        free(t);
    return d;
}

void ctx_add_words(evalctx *c, const char *zh, const char *en, int64_t result)
{
    if (!c->a)
        return;
    c->last = result;
    if (c->in_item) {
        for (int l = 0; l < 2; l++) {
            if (c->item_lines)
                item_append(c->item_text[l], &c->item_len[l], sizeof c->item_text[l],
                            l ? "; " : "；");
            item_append(c->item_text[l], &c->item_len[l], sizeof c->item_text[l], l ? en : zh);
        }
        c->item_lines++;
        return;
    }
    c->words = arena_grow(c->a, c->words, 2 * c->nwords, &c->capwords, sizeof *c->words, 16);
    c->words[2 * c->nwords] = words_dup(c->a, zh);
    c->words = arena_grow(c->a, c->words, 2 * c->nwords + 1, &c->capwords, sizeof *c->words, 16);
    c->words[2 * c->nwords + 1] = words_dup(c->a, en);
    c->nwords++;
}

/* The newest note of value v: what names it (NULL: nothing does). */
const label_name *named_of(const evalctx *c, int64_t v)
{
    unsigned n = c->nnamed < 16 ? c->nnamed : 16;
    for (unsigned k = 1; k <= n; k++) {
        const label_name *x = &c->named[(c->nnamed - k) % 16];
        if (x->v == v)
            return x;
    }
    return NULL;
}

/* A helper's step in words (w from label.c's words_*): a line, and its result noted so that a
 * later step can name it. */
void add_step_words(evalctx *c, sbuf w[2], int64_t result, int type)
{
    ctx_add_words(c, w[0].p, w[1].p, result);
    ctx_name(c, result, NULL, NULL, NULL, type);
    sb_free(&w[0]);
    sb_free(&w[1]);
}

/* The kind of a value a helper gets: its name's, else an amount. */
int kind_of(const label_name *x)
{
    return !x ? T_MONEY : x->sn ? (x->sn->type == T_MONEY ? T_MONEY : T_INT) : x->type;
}

/* min's or max's step: the operands named from what the call read, at most 16 of them. */
static void minmax_words(evalctx *c, lua_State *L, int n, bool want_max, int64_t best)
{
    const label_name *x[16] = {NULL};
    int64_t v[16] = {0};
    sbuf w[2] = {{0}, {0}};
    bool unnamed = false;
    if (n > 16) {
        c->unnamed = true;
        return;
    }
    for (int i = 0; i < n; i++) {
        v[i] = lua_tointeger(L, i + 1);
        x[i] = named_of(c, v[i]);
    }
    const label_name *r = named_of(c, best);
    if (!words_minmax(w, x, v, n, want_max, best, r, &unnamed)) {
        c->unnamed = true; /* no operand named: the policy's amount rule says it */
        return;
    }
    c->unnamed |= unnamed;
    int type = T_MONEY;
    for (int i = 0; i < n; i++)
        if (x[i]) {
            type = kind_of(x[i]);
            break;
        }
    add_step_words(c, w, best, type);
}

void dsl_step(lua_State *L, const char *fmt, ...)
{
    evalctx *c = ctx_of(L);
    if (!c || !c->explain)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx_add_step(c, buf);
}

/* ---- rounding (a policy's `rounding = …`, pct's third argument) ---- */

__int128 dsl_round_div(__int128 num, __int128 den, int mode)
{
    if (mode == RND_FLOOR_YUAN || mode == RND_HALF_UP_YUAN)
        den *= 100; /* whole yuan, then back to fen */
    __int128 q = num / den, r = num % den;
    if (r < 0) { /* floor division */
        q -= 1;
        r += den;
    }
    if ((mode == RND_HALF_UP || mode == RND_HALF_UP_YUAN) && 2 * r >= den)
        q += 1;
    return mode == RND_FLOOR_YUAN || mode == RND_HALF_UP_YUAN ? q * 100 : q;
}

int dsl_rounding(lua_State *L)
{
    const evalctx *c = ctx_of(L);
    return c && c->cur ? c->cur->rounding : RND_HALF_UP;
}

const char *dsl_rounding_words(int mode, int lang)
{
    static const char *const w[][2] = {{"", ""},
                                       {"（向下取整到分）", " (rounded down to the fen)"},
                                       {"（向下取整到元）", " (rounded down to the yuan)"},
                                       {"（四舍五入到元）", " (rounded half up to the yuan)"}};
    return mode >= 0 && mode < 4 ? w[mode][lang ? 1 : 0] : "";
}

/* pct's third argument: a rounding mode for this step alone, or the policy's */
static int pct_mode(lua_State *L)
{
    if (lua_isnoneornil(L, 3))
        return dsl_rounding(L);
    static const char *const modes[] = {"half_up", "floor", "floor_yuan", "half_up_yuan"};
    const char *m = lua_type(L, 3) == LUA_TSTRING ? lua_tostring(L, 3) : "";
    for (int k = 0; k < 4; k++)
        if (strcmp(m, modes[k]) == 0)
            return k;
    return luaL_error(L, "pct: the rounding must be \"half_up\", \"floor\", \"floor_yuan\" "
                      "or \"half_up_yuan\"");
}

static int l_pct(lua_State *L)
{
    lua_Integer x = checkint(L, 1, "pct: the amount");
    lua_Integer p = checkint(L, 2, "pct: the rate");
    int mode = pct_mode(L);
    calc_money out;
    if (mode == RND_HALF_UP) { /* the default: calc_money_pct, as ever */
        if (calc_money_pct(&out, x, p))
            return luaL_error(L, "pct: result out of range");
    } else {
        __int128 q = dsl_round_div((__int128)x * p, 10000, mode);
        if (q > INT64_MAX || q < INT64_MIN)
            return luaL_error(L, "pct: result out of range");
        out = (calc_money)q;
    }
    const evalctx *ec = ctx_of(L);
    if (!ec || !ec->explain) { /* no step, no words: nothing to format */
        lua_pushinteger(L, out);
        return 1;
    }
    char a[40], r[40];
    calc_money_format_grouped(a, x);
    calc_money_format(r, p);
    size_t rl = strlen(r);
    while (rl > 0 && r[rl - 1] == '0')
        r[--rl] = 0;
    if (rl > 0 && r[rl - 1] == '.')
        r[--rl] = 0;
    char o[40];
    dsl_step(L, "%s%% × %s = %s%s", r, a, calc_money_format_grouped(o, out),
             dsl_rounding_words(mode, 1));
    evalctx *c = words_ctx(L);
    if (c) {
        sbuf w[2] = {{0}, {0}};
        bool unnamed = false;
        words_pct(w, named_of(c, x), x, r, out, &unnamed);
        for (int l = 0; l < 2; l++)
            sb_puts(&w[l], dsl_rounding_words(mode, l));
        c->unnamed |= unnamed;
        add_step_words(c, w, out, T_MONEY);
    }
    lua_pushinteger(L, out);
    return 1;
}

static int l_cap(lua_State *L)
{
    lua_Integer x = checkint(L, 1, "cap: the amount");
    lua_Integer m = checkint(L, 2, "cap: the limit");
    char a[40], b[40];
    if (x > m)
        dsl_step(L, "%s capped at %s", calc_money_format_grouped(a, x),
                 calc_money_format_grouped(b, m));
    evalctx *c = words_ctx(L);
    if (c) { /* in words also where it does not bind: the reader sees the cap */
        sbuf w[2] = {{0}, {0}};
        const label_name *n = named_of(c, x);
        words_cap(w, n, x, m);
        add_step_words(c, w, x > m ? m : x, kind_of(n));
    }
    lua_pushinteger(L, x > m ? m : x);
    return 1;
}

const char dsl_beyond_mark = 0; /* DSL_BEYOND (dsl.h) */

static int l_minmax(lua_State *L)
{
    int want_max = (int)lua_tointeger(L, lua_upvalueindex(1));
    int n = lua_gettop(L);
    for (int i = n; !want_max && i >= 1; i--)
        if (lua_touserdata(L, i) == DSL_BEYOND && lua_islightuserdata(L, i)) {
            lua_remove(L, i);
            n--;
            if (n == 0)
                return luaL_error(L, "min: every value is past the largest integer");
        }
    if (n == 0)
        return luaL_error(L, "%s needs at least one value", want_max ? "max" : "min");
    lua_Integer best = checkint(L, 1, want_max ? "max" : "min");
    for (int i = 2; i <= n; i++) {
        lua_Integer v = checkint(L, i, want_max ? "max" : "min");
        if (want_max ? v > best : v < best)
            best = v;
    }
    evalctx *c = n > 1 ? words_ctx(L) : NULL;
    if (c)
        minmax_words(c, L, n, want_max, best);
    lua_pushinteger(L, best);
    return 1;
}

static int l_mul(lua_State *L)
{
    int n = lua_gettop(L) < 2 ? 2 : lua_gettop(L); /* mul(a, b, …): at least two */
    lua_Integer r = 1;
    for (int i = 1; i <= n; i++)
        if (__builtin_mul_overflow(r, checkint(L, i, "mul"), &r))
            return luaL_error(L, "mul: result out of range");
    lua_pushinteger(L, r);
    return 1;
}

/* Every light userdata's text (tostring, string.format): the mark's words, never an address
 * (which would change from run to run). */
static int beyond_text(lua_State *L)
{
    lua_pushstring(L, lua_touserdata(L, 1) == DSL_BEYOND ? "more than the largest integer" : "?");
    return 1;
}

/* mul_or_more(a, b, …): the product for min() to compare with a bound (min(requested,
 * mul_or_more(10, employees), 1000)): where it would pass the largest integer, it is more than
 * the bound, so min() drops it; the result is exact on any input the schema takes. */
static int l_mul_or_more(lua_State *L)
{
    int n = lua_gettop(L) < 2 ? 2 : lua_gettop(L);
    lua_Integer r = 1;
    bool zero = false, beyond = false;
    for (int i = 1; i <= n; i++) {
        lua_Integer v = checkint(L, i, "mul_or_more");
        if (v < 0)
            return luaL_error(L, "mul_or_more: the factors must not be negative, got %I", v);
        zero |= v == 0;
        beyond = beyond || __builtin_mul_overflow(r, v, &r);
    }
    if (beyond && !zero)
        lua_pushlightuserdata(L, DSL_BEYOND);
    else
        lua_pushinteger(L, zero ? 0 : r);
    return 1;
}

/* pct_at_least(a, b, p): a >= p% of b, decided exactly as a × 100 >= b × p (book 2 §1.5). */
static int l_pct_at_least(lua_State *L)
{
    lua_Integer a = checkint(L, 1, "pct_at_least"), b = checkint(L, 2, "pct_at_least"),
                p = checkint(L, 3, "pct_at_least");
    lua_pushboolean(L, (__int128)a * 100 >= (__int128)b * p);
    return 1;
}

static int l_add(lua_State *L)
{
    int n = lua_gettop(L);
    lua_Integer s = 0;
    for (int i = 1; i <= n; i++)
        if (__builtin_add_overflow(s, checkint(L, i, "add"), &s))
            return luaL_error(L, "add: result out of range");
    lua_pushinteger(L, s);
    return 1;
}

/* step(text, x): text is a string, or { zh = "…", en = "…" } for the words of each language
 * (the step's own line is the English). */
static int l_step(lua_State *L)
{
    /* step(text, value, "percent" | "count"): a value that is not money (a rate, a number of
     * months) shown as such: "奖励比例 = 60%", "计入月数 = 6" (read before the texts are pushed) */
    const char *us = lua_type(L, 3) == LUA_TSTRING ? lua_tostring(L, 3) : NULL;
    if (us && strcmp(us, "percent") && strcmp(us, "count"))
        return luaL_argerror(L, 3, "expected \"percent\" or \"count\"");
    const char *unit = !us ? NULL : us[0] == 'p' ? "percent" : "count"; /* static */
    lua_settop(L, 2);
    const char *zh, *en;
    if (lua_istable(L, 1)) {
        lua_getfield(L, 1, "zh");
        lua_getfield(L, 1, "en");
        zh = lua_tostring(L, -2);
        en = lua_tostring(L, -1);
        if (!zh && !en)
            return luaL_argerror(L, 1, "expected a text or { zh = \"…\", en = \"…\" }");
        zh = zh ? zh : en;
        en = en ? en : zh;
    } else
        zh = en = luaL_checkstring(L, 1);
    bool amount = lua_isinteger(L, 2);
    char a[40], u[40] = "";
    if (amount && unit && unit[0] == 'p') {
        calc_money_format(u, lua_tointeger(L, 2));
        size_t rl = strlen(u);
        while (rl > 0 && u[rl - 1] == '0')
            u[--rl] = 0;
        if (rl > 0 && u[rl - 1] == '.')
            u[--rl] = 0;
        snprintf(u + rl, sizeof u - rl, "%%");
    } else if (amount && unit)
        snprintf(u, sizeof u, "%lld", (long long)lua_tointeger(L, 2));
    if (amount)
        dsl_step(L, "%s = %s", en, unit ? u : calc_money_format_grouped(a, lua_tointeger(L, 2)));
    else
        dsl_step(L, "%s", en);
    evalctx *c = words_ctx(L);
    if (c) {
        sbuf w[2] = {{0}, {0}};
        for (int l = 0; l < 2; l++) {
            sb_puts(&w[l], l ? en : zh);
            if (amount) {
                sb_puts(&w[l], " = ");
                if (unit)
                    sb_puts(&w[l], u);
                else
                    label_money(&w[l], lua_tointeger(L, 2));
            }
        }
        ctx_add_words(c, w[0].p, w[1].p, amount && !unit ? lua_tointeger(L, 2) : c->last);
        if (amount && !unit)
            ctx_name(c, lua_tointeger(L, 2), NULL, NULL, NULL, T_MONEY);
        sb_free(&w[0]);
        sb_free(&w[1]);
    }
    lua_settop(L, 2);
    return 1;
}

/* contains(list, value): list is a profile list or a table. */
static int l_contains(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_type(L, 1) != LUA_TTABLE && lua_type(L, 1) != LUA_TUSERDATA)
        return luaL_error(L, "contains: the first argument must be a list, got %s",
                          luaL_typename(L, 1));
    lua_Integer n = luaL_len(L, 1);
    sbx_charge(L, n);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        if (lua_rawequal(L, -1, 2)) {
            lua_pushboolean(L, 1);
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_pushboolean(L, 0);
    return 1;
}

void dsl_open(lua_State *L)
{
    dsl_open_profile(L);

    lua_getfield(L, LUA_REGISTRYINDEX, "calc.G");
    for (int u = 0; unit_names[u]; u++) {
        lua_pushinteger(L, u);
        lua_pushcclosure(L, l_unit, 1);
        lua_setfield(L, -2, unit_names[u]);
    }
    lua_pushliteral(L, "seed");
    lua_pushcclosure(L, l_mark, 1);
    lua_setfield(L, -2, "seed");
    lua_pushliteral(L, "illustrative");
    lua_pushcclosure(L, l_mark, 1);
    lua_setfield(L, -2, "illustrative");
    lua_pushliteral(L, "source"); /* stated in a published policy text: source(v, "address") */
    lua_pushcclosure(L, l_mark, 1);
    lua_setfield(L, -2, "source");
    dslcond_open(L);
    lua_pushlightuserdata(L, DSL_BEYOND); /* the metatable of all light userdata: beyond_text */
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, beyond_text);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    static const luaL_Reg fns[] = {{"policy", l_policy},
                                   {"param", l_param},
                                   {"years_before_as_of", l_years_before},
                                   {"pct", l_pct},
                                   {"cap", l_cap},
                                   {"mul", l_mul},
                                   {"mul_or_more", l_mul_or_more},
                                   {"add", l_add},
                                   {"pct_at_least", l_pct_at_least},
                                   {"step", l_step},
                                   {"contains", l_contains},
                                   {NULL, NULL}};
    luaL_setfuncs(L, fns, 0);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, l_minmax, 1);
    lua_setfield(L, -2, "min");
    lua_pushinteger(L, 1);
    lua_pushcclosure(L, l_minmax, 1);
    lua_setfield(L, -2, "max");
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "in_force_from");
    lua_setfield(L, -2, "rel");
    lua_setfield(L, -2, "IN_FORCE_FROM");
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "in_force_to");
    lua_setfield(L, -2, "rel");
    lua_setfield(L, -2, "IN_FORCE_TO");
    static const char *const rels[][2] = {{"claim_year", "CLAIM_YEAR"},
                                          {"event_from", "EVENT_FROM"},
                                          {"event_to", "EVENT_TO"}};
    for (int k = 0; k < 3; k++) {
        lua_createtable(L, 0, 1);
        lua_pushstring(L, rels[k][0]);
        lua_setfield(L, -2, "rel");
        lua_setfield(L, -2, rels[k][1]);
    }
    lua_pop(L, 1);
    dslx_open(L); /* the helpers of book 2 (dslx.c) */
}
