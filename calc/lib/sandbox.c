/* sandbox.c — a lua_State that policies cannot escape: counted memory, an instruction budget,
 * only base/string/table/math/utf8 with the dangerous parts removed, text chunks only,
 * read-only library tables and frozen chunk state. It must never open io, os, package or
 * debug, nor load bytecode. */
#include "sandbox.h"

#include <lualib.h>
#include <stdlib.h>
#include <string.h>

static void *alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sbx *s = ud;
    if (!ptr) {
        /* a new object: osize is its type; a string's size is its length plus a header */
        if (osize == LUA_TSTRING && nsize > SBX_MAX_STRING + 64) {
            s->long_string = true;
            return NULL;
        }
        osize = 0;
    }
    if (nsize == 0) {
        free(ptr);
        s->used -= osize;
        return NULL;
    }
    if (s->fail_after >= 0 && s->fail_after-- == 0)
        return NULL;
    if (s->calls > 0 && nsize > osize) /* making memory is work: it is charged */
        s->budget -= (long)((nsize - osize) / SBX_ALLOC_BYTES);
    if (nsize > osize && s->used + (nsize - osize) > s->limit)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p)
        s->used = s->used - osize + nsize;
    return p;
}

static sbx *owner(lua_State *L) { return *(sbx **)lua_getextraspace(L); }

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void hook(lua_State *L, lua_Debug *ar)
{
    sbx *s = owner(L);
    s->budget -= SBX_HOOK_STEP;
    if (s->wall_ms > 0 && !s->exhausted && elapsed_ms(&s->start) > s->wall_ms) {
        /* the far backstop: a deterministic budget should always stop a policy first */
        s->exhausted = true;
        lua_sethook(L, hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
        lua_getinfo(L, "Sl", ar);
        lua_pushfstring(L, "%s:%d: time limit of %I ms exceeded (the server's backstop; the "
                        "policy does too much work)", ar->short_src, ar->currentline,
                        (lua_Integer)s->wall_ms);
        lua_error(L);
    }
    if (s->budget > 0 && !s->exhausted)
        return;
    s->exhausted = true;
    /* keep failing on every line until the call unwinds (nothing can catch it for long) */
    lua_sethook(L, hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    lua_getinfo(L, "Sl", ar);
    lua_pushfstring(L, "%s:%d: instruction budget of %I exceeded (--max-instructions)",
                    ar->short_src, ar->currentline, (lua_Integer)calc_limits_get()->instructions);
    lua_error(L);
}

static int ro_error(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    return luaL_error(L, "attempt to modify read-only table (key '%s')", k ? k : "?");
}

static int undefined_global(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    return luaL_error(L, "undefined global '%s'", k ? k : "?");
}

static int global_write(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    return luaL_error(L, "assignment to global '%s' is not allowed (use local)", k ? k : "?");
}

void sbx_charge(lua_State *L, lua_Integer units)
{
    sbx *s = owner(L);
    if (s->calls <= 0 || units <= 0)
        return;
    s->budget -= units > s->budget ? s->budget + 1 : (long)units;
    if (s->budget > 0 && !s->exhausted)
        return;
    s->exhausted = true;
    lua_sethook(L, hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    luaL_error(L, "instruction budget of %I exceeded (--max-instructions)",
               (lua_Integer)calc_limits_get()->instructions);
}

/* ---- the C functions of the libraries, each charged for its work before it runs ---- */

static lua_Integer clamp_pos(lua_Integer pos, size_t len) /* as Lua's posrelat */
{
    if (pos >= 0)
        return pos;
    if ((size_t)-pos > len)
        return 0;
    return (lua_Integer)len + pos + 1;
}

static lua_Integer count_of(lua_Integer i, lua_Integer j) /* elements in i..j, no overflow */
{
    if (j < i)
        return 0;
    lua_Unsigned n = (lua_Unsigned)j - (lua_Unsigned)i;
    return n >= (lua_Unsigned)LUA_MAXINTEGER ? LUA_MAXINTEGER : (lua_Integer)n + 1;
}

static lua_Integer slen(lua_State *L, int i)
{
    size_t l = 0;
    if (lua_type(L, i) == LUA_TSTRING)
        lua_tolstring(L, i, &l);
    return (lua_Integer)l;
}

static lua_Integer args_bytes(lua_State *L)
{
    lua_Integer b = 0;
    for (int i = 1; i <= lua_gettop(L); i++)
        b += slen(L, i);
    return b;
}

static lua_Integer c_args(lua_State *L) { return lua_gettop(L) + args_bytes(L) / SBX_SCAN_BYTES; }

static lua_Integer c_byte(lua_State *L)
{
    size_t l;
    luaL_checklstring(L, 1, &l);
    lua_Integer i = clamp_pos(luaL_optinteger(L, 2, 1), l);
    lua_Integer j = clamp_pos(luaL_optinteger(L, 3, i), l);
    return 1 + count_of(i < 1 ? 1 : i, j > (lua_Integer)l ? (lua_Integer)l : j);
}

static lua_Integer c_rep(lua_State *L)
{
    size_t l, lsep;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0)
        return 1;
    if (n > (lua_Integer)SBX_MAX_STRING ||
        (double)(l + lsep) * (double)n > (double)SBX_MAX_STRING)
        luaL_error(L, "string.rep result larger than %d KiB", (int)(SBX_MAX_STRING / 1024));
    return n + (lua_Integer)((l + lsep) * (size_t)n) / SBX_SCAN_BYTES;
}

static lua_Integer c_scan1(lua_State *L) /* work in proportion to the first string */
{
    return 1 + slen(L, 1) / SBX_SCAN_BYTES;
}

static lua_Integer c_utf8_codepoint(lua_State *L)
{
    size_t l;
    luaL_checklstring(L, 1, &l);
    lua_Integer i = clamp_pos(luaL_optinteger(L, 2, 1), l);
    lua_Integer j = clamp_pos(luaL_optinteger(L, 3, i), l);
    return 1 + count_of(i, j);
}

static lua_Integer table_len(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    return luaL_len(L, 1);
}

static lua_Integer c_concat(lua_State *L)
{
    lua_Integer n = table_len(L);
    lua_Integer i = luaL_optinteger(L, 3, 1), j = luaL_optinteger(L, 4, n);
    size_t lsep = 0;
    luaL_optlstring(L, 2, "", &lsep);
    lua_Integer k = count_of(i, j);
    return 1 + k + (k > 0 && lsep ? (lua_Integer)lsep * (k - 1) / SBX_SCAN_BYTES : 0);
}

static lua_Integer c_insert(lua_State *L)
{
    lua_Integer n = table_len(L);
    if (lua_gettop(L) >= 3)
        return 1 + count_of(luaL_checkinteger(L, 2), n);
    return 1;
}

static lua_Integer c_remove(lua_State *L)
{
    lua_Integer n = table_len(L);
    return 1 + count_of(luaL_optinteger(L, 2, n), n);
}

static lua_Integer c_unpack(lua_State *L)
{
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer j = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
    return 1 + count_of(i, j);
}

static lua_Integer c_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    luaL_checkinteger(L, 4);
    return 1 + 2 * (count_of(f, e) / 2 + count_of(f, e) % 2);
}

static lua_Integer c_sort(lua_State *L)
{
    lua_Integer n = table_len(L);
    if (n < 2)
        return 1;
    /* compares cost more with long strings: look at the longest one (that look is charged) */
    sbx_charge(L, n);
    size_t longest = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        size_t l = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            lua_tolstring(L, -1, &l);
        if (l > longest)
            longest = l;
        lua_pop(L, 1);
    }
    lua_Integer lg = 1;
    while (lg < 63 && ((lua_Integer)1 << lg) < n)
        lg++;
    double c = (double)n * (double)lg * (1.0 + (double)longest / SBX_SCAN_BYTES);
    return c > (double)LUA_MAXINTEGER / 2 ? LUA_MAXINTEGER / 2 : (lua_Integer)c;
}

typedef lua_Integer (*cost_fn)(lua_State *L);

static int charged(lua_State *L)
{
    cost_fn cost = (cost_fn)(uintptr_t)lua_touserdata(L, lua_upvalueindex(2));
    sbx_charge(L, cost(L));
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Replaces t[name] (t on the stack top) with the same function, charged by cost first. */
static void charge_fn(lua_State *L, const char *name, cost_fn cost)
{
    lua_getfield(L, -1, name);
    lua_pushlightuserdata(L, (void *)(uintptr_t)cost);
    lua_pushcclosure(L, charged, 2);
    lua_setfield(L, -2, name);
}

/* ---- what must not depend on the process: addresses and the order of hashed keys ---- */

/* tostring without addresses: "table", "function", … for values with no __tostring. */
static int det_tostring(lua_State *L)
{
    luaL_checkany(L, 1);
    switch (lua_type(L, 1)) {
    case LUA_TNIL:
    case LUA_TBOOLEAN:
    case LUA_TNUMBER:
    case LUA_TSTRING:
        luaL_tolstring(L, 1, NULL);
        return 1;
    default:
        if (luaL_callmeta(L, 1, "__tostring")) {
            if (!lua_isstring(L, -1))
                return luaL_error(L, "'__tostring' must return a string");
            return 1;
        }
        lua_pushstring(L, luaL_typename(L, 1));
        return 1;
    }
}

/* string.format without %p, and %s of a table or function without its address. */
static int det_format(lua_State *L)
{
    size_t fl;
    const char *f = luaL_checklstring(L, 1, &fl);
    sbx_charge(L, c_args(L));
    int arg = 1;
    for (size_t i = 0; i < fl; i++) {
        if (f[i] != '%')
            continue;
        if (++i < fl && f[i] == '%')
            continue;
        while (i < fl && strchr("-+ #0123456789.", f[i]))
            i++;
        if (i >= fl)
            break;
        arg++;
        if (f[i] == 'p')
            return luaL_error(L, "string.format: '%%p' is not allowed (it prints an address)");
        if (f[i] == 's' && arg <= lua_gettop(L) && lua_type(L, arg) != LUA_TSTRING &&
            lua_type(L, arg) != LUA_TNUMBER) {
            lua_pushcfunction(L, det_tostring);
            lua_pushvalue(L, arg);
            lua_call(L, 1, 1);
            lua_replace(L, arg);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* The table whose keys pairs() and next() walk: a frozen table's contents are hidden behind
 * its metatable. */
static int ro_error(lua_State *L);
static int contents(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx))
        return idx;
    lua_getfield(L, -1, "__newindex");
    bool frozen = lua_tocfunction(L, -1) == ro_error;
    lua_pop(L, 1);
    if (frozen && lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        lua_remove(L, -2); /* the metatable */
        return lua_gettop(L);
    }
    lua_pop(L, frozen ? 2 : 1);
    return idx;
}

/* Order of keys: integers and floats by value, then strings byte by byte, then false, true.
 * Keys of other types have no order that is the same in every process: they are refused. */
static int key_rank(lua_State *L, int i)
{
    switch (lua_type(L, i)) {
    case LUA_TNUMBER: return 0;
    case LUA_TSTRING: return 1;
    case LUA_TBOOLEAN: return 2;
    default: return -1;
    }
}

static int key_cmp(lua_State *L, int a, int b)
{
    int ra = key_rank(L, a), rb = key_rank(L, b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0) {
        if (lua_isinteger(L, a) && lua_isinteger(L, b)) {
            lua_Integer x = lua_tointeger(L, a), y = lua_tointeger(L, b);
            return x < y ? -1 : x > y;
        }
        lua_Number x = lua_tonumber(L, a), y = lua_tonumber(L, b);
        return x < y ? -1 : x > y;
    }
    if (ra == 1) {
        size_t la, lb;
        const char *x = lua_tolstring(L, a, &la), *y = lua_tolstring(L, b, &lb);
        int c = memcmp(x, y, la < lb ? la : lb);
        return c ? (c < 0 ? -1 : 1) : la < lb ? -1 : la > lb;
    }
    return lua_toboolean(L, a) - lua_toboolean(L, b);
}

static void check_key(lua_State *L, int i)
{
    if (key_rank(L, i) < 0)
        luaL_error(L, "pairs/next: a key of type %s has no order that is the same in every "
                      "run (use a list, or string keys)", luaL_typename(L, i));
}

/* next(t, k) in the order above: the least key greater than k (O(n), charged). */
static int det_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    int t = contents(L, 1);
    bool first = lua_isnil(L, 2);
    if (!first)
        check_key(L, 2);
    int best = 0;
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        n++;
        int k = lua_gettop(L);
        check_key(L, k);
        if ((first || key_cmp(L, k, 2) > 0) && (!best || key_cmp(L, k, best) < 0)) {
            if (best)
                lua_remove(L, best);
            lua_pushvalue(L, -1); /* keep a copy below the running key */
            lua_insert(L, -2);
            best = lua_gettop(L) - 1;
        }
    }
    sbx_charge(L, n);
    if (!best) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushvalue(L, best);
    lua_pushvalue(L, best);
    lua_rawget(L, t);
    return 2;
}

/* the iterator: upvalues are the sorted keys, the contents, and the position */
static int sorted_iter(lua_State *L)
{
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(3)) + 1;
    if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL)
        return 1;
    lua_pushinteger(L, i);
    lua_replace(L, lua_upvalueindex(3));
    lua_pushvalue(L, -1);
    lua_rawget(L, lua_upvalueindex(2));
    return 2;
}

/* pairs(t): the keys of t in the order above, sorted once (n log n, charged). */
static int det_pairs(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    int t = contents(L, 1);
    lua_newtable(L);
    int keys = lua_gettop(L);
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        check_key(L, -1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, keys, ++n);
    }
    lua_Integer lg = 1;
    while (lg < 63 && ((lua_Integer)1 << lg) < n)
        lg++;
    sbx_charge(L, n * lg);
    /* merge sort through a scratch table, bottom up: stable and n log n */
    lua_newtable(L);
    int tmp = lua_gettop(L);
    int src = keys, dst = tmp;
    for (lua_Integer w = 1; w < n; w *= 2) {
        for (lua_Integer lo = 1; lo <= n; lo += 2 * w) {
            lua_Integer mid = lo + w - 1 < n ? lo + w - 1 : n;
            lua_Integer hi = lo + 2 * w - 1 < n ? lo + 2 * w - 1 : n;
            lua_Integer a = lo, b = mid + 1, o = lo;
            while (a <= mid || b <= hi) {
                bool take_a;
                if (a > mid)
                    take_a = false;
                else if (b > hi)
                    take_a = true;
                else {
                    lua_rawgeti(L, src, a);
                    lua_rawgeti(L, src, b);
                    take_a = key_cmp(L, lua_absindex(L, -2), lua_absindex(L, -1)) <= 0;
                    lua_pop(L, 2);
                }
                lua_rawgeti(L, src, take_a ? a++ : b++);
                lua_rawseti(L, dst, o++);
            }
        }
        int x = src;
        src = dst;
        dst = x;
    }
    lua_pushvalue(L, src);
    lua_pushvalue(L, t);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, sorted_iter, 3);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* Copies the allowed names of library `lib` (on the stack top) into a new table. */
static void copy_names(lua_State *L, const char *const *names)
{
    lua_newtable(L);
    for (; *names; names++) {
        lua_getfield(L, -2, *names);
        lua_setfield(L, -2, *names);
    }
}

int sbx_open(sbx *s, size_t limit)
{
    memset(s, 0, sizeof *s);
    s->limit = limit ? limit : calc_limits_get()->memory;
    s->fail_after = -1;
    lua_State *L = lua_newstate(alloc, s);
    if (!L)
        return CALC_ENOMEM;
    s->L = L;
    *(sbx **)lua_getextraspace(L) = s;
    static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},
                                    {LUA_STRLIBNAME, luaopen_string},
                                    {LUA_TABLIBNAME, luaopen_table},
                                    {LUA_MATHLIBNAME, luaopen_math},
                                    {LUA_UTF8LIBNAME, luaopen_utf8},
                                    {NULL, NULL}};
    for (const luaL_Reg *l = libs; l->func; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    static const char *const base[] = {"assert", "error",  "ipairs",   "next", "pairs",
                                       "select", "tonumber", "tostring", "type", NULL};
    static const char *const str[] = {"byte", "char", "format", "len",  "lower",
                                      "upper", "reverse", "sub", NULL};
    static const char *const tab[] = {"concat", "insert", "remove", "sort", "unpack", "move",
                                      NULL};
    static const char *const math[] = {"abs", "ceil", "floor", "max", "min", "maxinteger",
                                       "mininteger", "tointeger", "type", "ult", "huge", "pi",
                                       "fmod", "modf", "sqrt", NULL};
    static const char *const utf8[] = {"char", "charpattern", "codepoint", "len", "offset",
                                       "codes", NULL};
    lua_pushglobaltable(L);
    copy_names(L, base); /* stack: _G, G */
    charge_fn(L, "tonumber", c_scan1);
    charge_fn(L, "select", c_args);
    lua_pushcfunction(L, det_tostring);
    lua_setfield(L, -2, "tostring");
    lua_pushcfunction(L, det_pairs);
    lua_setfield(L, -2, "pairs");
    lua_pushcfunction(L, det_next);
    lua_setfield(L, -2, "next");
    lua_getfield(L, -2, "string");
    copy_names(L, str); /* stack: _G, G, string, safe string */
    lua_getfield(L, -2, "rep");
    lua_setfield(L, -2, "rep");
    charge_fn(L, "rep", c_rep);
    charge_fn(L, "byte", c_byte);
    charge_fn(L, "char", c_args);
    charge_fn(L, "lower", c_scan1);
    charge_fn(L, "upper", c_scan1);
    charge_fn(L, "reverse", c_scan1);
    charge_fn(L, "sub", c_scan1);
    lua_getfield(L, -1, "format");
    lua_pushcclosure(L, det_format, 1);
    lua_setfield(L, -2, "format");
    /* the string metatable's __index points to the safe table and is locked */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1); /* stack: _G, G, string, safe, "", mt */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    lua_setfield(L, -3, "string");
    lua_pop(L, 1); /* stack: _G, G */
    lua_getfield(L, -2, "table");
    copy_names(L, tab);
    charge_fn(L, "concat", c_concat);
    charge_fn(L, "insert", c_insert);
    charge_fn(L, "remove", c_remove);
    charge_fn(L, "sort", c_sort);
    charge_fn(L, "unpack", c_unpack);
    charge_fn(L, "move", c_move);
    lua_setfield(L, -3, "table");
    lua_pop(L, 1);
    lua_getfield(L, -2, "math");
    copy_names(L, math);
    lua_setfield(L, -3, "math");
    lua_pop(L, 1);
    lua_getfield(L, -2, "utf8");
    copy_names(L, utf8);
    charge_fn(L, "char", c_args);
    charge_fn(L, "codepoint", c_utf8_codepoint);
    charge_fn(L, "len", c_scan1);
    charge_fn(L, "offset", c_scan1);
    lua_setfield(L, -3, "utf8");
    lua_pop(L, 1);
    lua_getfield(L, -1, "table");
    lua_getfield(L, -1, "unpack");
    lua_setfield(L, -3, "unpack");
    lua_pop(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "calc.G");
    /* the real globals stay unreachable: clear them */
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, -4);
    }
    lua_pop(L, 1);
    /* package.loaded keeps references to the real libraries: drop it */
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_newtable(L); /* set of frozen tables */
    lua_newtable(L);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "calc.frozen");
    return 0;
}

void sbx_close(sbx *s)
{
    if (s->L)
        lua_close(s->L);
    s->L = NULL;
}

void sbx_push_env(lua_State *L)
{
    lua_newtable(L);
    lua_newtable(L); /* stack: env, mt */
    lua_getfield(L, LUA_REGISTRYINDEX, "calc.G");
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, global_write);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

static int frozen_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

#define SBX_FREEZE_DEPTH 200

static void freeze_value(lua_State *L, int idx, sbx_upval_fn rec, void *ud, int depth);

static void freeze_function(lua_State *L, int fn, sbx_upval_fn rec, void *ud, int depth)
{
    if (lua_iscfunction(L, fn)) {
        /* C closures: their upvalues are the engine's own */
        return;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "calc.frozen");
    lua_pushvalue(L, fn);
    if (lua_rawget(L, -2) != LUA_TNIL) {
        lua_pop(L, 2);
        return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, fn);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    for (int i = 1;; i++) {
        const char *name = lua_getupvalue(L, fn, i);
        if (!name)
            break;
        int t = lua_type(L, -1);
        if (strcmp(name, "_ENV") == 0) {
            lua_pop(L, 1);
            continue;
        }
        if (t == LUA_TTABLE || t == LUA_TFUNCTION)
            freeze_value(L, lua_gettop(L), rec, ud, depth + 1);
        lua_pop(L, 1);
        if (rec)
            rec(L, fn, i, ud); /* even a table upvalue can be reassigned */
    }
}

static void freeze_value(lua_State *L, int idx, sbx_upval_fn rec, void *ud, int depth)
{
    idx = lua_absindex(L, idx);
    if (depth > SBX_FREEZE_DEPTH || !lua_checkstack(L, 8))
        luaL_error(L, "tables and functions nested more than %d levels deep cannot be made "
                      "read-only (flatten the structure)", SBX_FREEZE_DEPTH);
    if (lua_type(L, idx) == LUA_TFUNCTION) {
        freeze_function(L, idx, rec, ud, depth);
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        return;
    lua_getfield(L, LUA_REGISTRYINDEX, "calc.frozen");
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) != LUA_TNIL) {
        lua_pop(L, 2);
        return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    /* move the contents into a hidden table h */
    lua_newtable(L);
    int h = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, h);
    }
    lua_pushnil(L);
    while (lua_next(L, h)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, idx);
    }
    /* a table with a metatable of its own (a DSL object) keeps its metamethods via h */
    if (lua_getmetatable(L, idx)) {
        lua_setmetatable(L, h);
    }
    lua_pushnil(L);
    while (lua_next(L, h)) {
        freeze_value(L, -1, rec, ud, depth + 1);
        lua_pop(L, 1);
    }
    lua_newtable(L); /* stack: ..., h, mt */
    lua_pushvalue(L, h);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ro_error);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, h);
    lua_pushcclosure(L, frozen_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, idx);
    lua_pop(L, 1);
}

void sbx_freeze(lua_State *L, int idx, sbx_upval_fn rec, void *ud)
{
    freeze_value(L, idx, rec, ud, 0);
}

/* The allowlist itself: unknown names raise "undefined global". */
void sbx_seal_globals(lua_State *L, sbx_upval_fn rec, void *ud)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "calc.G");
    sbx_freeze(L, -1, rec, ud);
    lua_getmetatable(L, -1);
    lua_getfield(L, -1, "__index"); /* the hidden table */
    lua_newtable(L);
    lua_pushcfunction(L, undefined_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pop(L, 3);
}

int sbx_load(lua_State *L, const char *name, const char *text, size_t len)
{
    char chunk[300];
    snprintf(chunk, sizeof chunk, "@%s", name);
    return luaL_loadbufferx(L, text, len, chunk, "t");
}

/* The message handler: every message names a file and, where Lua knows it, a line. */
static int msgh(lua_State *L)
{
    if (!lua_isstring(L, 1)) {
        if (!(luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING))
            lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        lua_replace(L, 1);
    }
    const char *m = lua_tostring(L, 1);
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline <= 0)
            continue; /* a C function: look further up */
        size_t n = strlen(ar.short_src);
        if (strncmp(m, ar.short_src, n) == 0 && m[n] == ':')
            return 1; /* it has a position already */
        lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, m);
        return 1;
    }
    sbx *s = owner(L);
    if (s->where && strncmp(m, s->where, strlen(s->where)) != 0)
        lua_pushfstring(L, "%s: %s", s->where, m);
    else
        lua_pushvalue(L, 1);
    return 1;
}

void sbx_text_(char *dst, size_t cap, lua_State *L, int idx)
{
    size_t len = 0;
    const char *m = lua_tolstring(L, idx, &len);
    if (!m) {
        m = "error";
        len = 5;
    }
    calc_utf8_clean(dst, cap, m, len);
}

static void call_error(sbx *s, int rc, char *msg, size_t msgsize)
{
    lua_State *L = s->L;
    if (rc == LUA_ERRMEM && s->long_string)
        snprintf(msg, msgsize, "%s%sa string longer than %u KiB (the sandbox's limit)",
                 s->where ? s->where : "", s->where ? ": " : "", SBX_MAX_STRING / 1024);
    else if (rc == LUA_ERRMEM)
        snprintf(msg, msgsize, "%s%smemory limit of %zu bytes exceeded (--max-memory)",
                 s->where ? s->where : "", s->where ? ": " : "", s->limit);
    else
        sbx_text(msg, msgsize, L, -1);
    lua_pop(L, 1);
    if (rc == LUA_ERRMEM) /* give the memory back before the next call */
        lua_gc(L, LUA_GCCOLLECT);
}

int sbx_call(sbx *s, int nargs, int nres, long budget, char *msg, size_t msgsize)
{
    lua_State *L = s->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msgh);
    lua_insert(L, base);
    s->budget = budget > 0 ? budget : calc_limits_get()->instructions;
    s->exhausted = false;
    s->long_string = false;
    s->wall_ms = calc_limits_get()->wall_ms;
    if (s->wall_ms > 0)
        clock_gettime(CLOCK_MONOTONIC, &s->start);
    s->calls++;
    lua_sethook(L, hook, LUA_MASKCOUNT, SBX_HOOK_STEP);
    int rc = lua_pcall(L, nargs, nres, base);
    lua_sethook(L, NULL, 0, 0);
    s->calls--;
    lua_remove(L, base);
    if (rc != LUA_OK)
        call_error(s, rc, msg, msgsize);
    return rc;
}

struct prot {
    int (*fn)(lua_State *L, void *ud);
    void *ud;
    int ret;
};

static int prot_main(lua_State *L)
{
    struct prot *p = lua_touserdata(L, 1);
    lua_settop(L, 0);
    p->ret = p->fn(L, p->ud);
    return 0;
}

int sbx_protect(sbx *s, int (*fn)(lua_State *L, void *ud), void *ud, char *msg, size_t msgsize)
{
    lua_State *L = s->L;
    struct prot p = {fn, ud, 0};
    int top = lua_gettop(L);
    lua_pushcfunction(L, msgh);
    lua_pushcfunction(L, prot_main);
    lua_pushlightuserdata(L, &p);
    s->long_string = false;
    int rc = lua_pcall(L, 1, 0, top + 1);
    if (rc != LUA_OK) {
        call_error(s, rc, msg, msgsize);
        lua_settop(L, top);
        return -1;
    }
    lua_settop(L, top);
    return p.ret;
}
