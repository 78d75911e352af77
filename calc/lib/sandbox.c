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

int sbx_ro_error(lua_State *L)
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
    /* an evaluation's garbage (the profile's proxies, its numbers' boxes) dies young: the
     * generational collector frees it without sweeping what the policies keep */
    lua_gc(L, LUA_GCGEN, 0, 0);
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
    sbxlib_base(L);
    lua_getfield(L, -2, "string");
    copy_names(L, str); /* stack: _G, G, string, safe string */
    sbxlib_string(L);
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
    sbxlib_table(L);
    lua_setfield(L, -3, "table");
    lua_pop(L, 1);
    lua_getfield(L, -2, "math");
    copy_names(L, math);
    lua_setfield(L, -3, "math");
    lua_pop(L, 1);
    lua_getfield(L, -2, "utf8");
    copy_names(L, utf8);
    sbxlib_utf8(L);
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
    lua_pushcfunction(L, sbx_ro_error);
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

void sbx_text(char *dst, size_t cap, lua_State *L, int idx)
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
