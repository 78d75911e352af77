/* sbxlib.c — the library functions a policy may call, as the sandbox gives them: each C
 * function charged to the instruction budget for the elements and bytes it will touch before
 * it runs (arguments no policy needs refused), and the functions whose results would depend on
 * the process — addresses, the order of hashed keys — replaced by ones that do not. Installed
 * by sandbox.c; never opens a library of its own. */
#include "sandbox.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
static int contents(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx))
        return idx;
    lua_getfield(L, -1, "__newindex");
    bool frozen = lua_tocfunction(L, -1) == sbx_ro_error;
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

/* ---- installing them into the allowlist's tables (sandbox.c's sbx_open) ---- */

void sbxlib_base(lua_State *L)
{
    charge_fn(L, "tonumber", c_scan1);
    charge_fn(L, "select", c_args);
    lua_pushcfunction(L, det_tostring);
    lua_setfield(L, -2, "tostring");
    lua_pushcfunction(L, det_pairs);
    lua_setfield(L, -2, "pairs");
    lua_pushcfunction(L, det_next);
    lua_setfield(L, -2, "next");
}

void sbxlib_string(lua_State *L)
{
    lua_getfield(L, -2, "rep"); /* from the real string library */
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
}

void sbxlib_table(lua_State *L)
{
    charge_fn(L, "concat", c_concat);
    charge_fn(L, "insert", c_insert);
    charge_fn(L, "remove", c_remove);
    charge_fn(L, "sort", c_sort);
    charge_fn(L, "unpack", c_unpack);
    charge_fn(L, "move", c_move);
}

void sbxlib_utf8(lua_State *L)
{
    charge_fn(L, "char", c_args);
    charge_fn(L, "codepoint", c_utf8_codepoint);
    charge_fn(L, "len", c_scan1);
    charge_fn(L, "offset", c_scan1);
}
