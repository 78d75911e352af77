/* dslproxy.c — the profile as the policies' Lua functions see it: a read-only proxy (a full
 * userdata) for each object and list, its fields read through __index from the validated
 * profile; an absent field noted (the call then ran on placeholders) and read as a
 * placeholder; a scalar read noted for the explanation. A proxy is made once per profile and
 * taken again. */
#include "dsl.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Notes a scalar field read (explain), once per path; the first CTX_READS_MAX paths, so that a
 * policy over a list of thousands of items neither slows down nor lists them all. */
static void ctx_read(evalctx *c, const char *path, const snode *sn, const pval *v)
{
    for (size_t i = 0; i < c->nreads; i++)
        if (strcmp(c->reads[i].path, path) == 0)
            return;
    if (c->nreads == CTX_READS_MAX) {
        c->reads_cut = true;
        return;
    }
    c->reads = arena_grow(c->a, c->reads, c->nreads, &c->capreads, sizeof *c->reads, 8);
    field_read *r = &c->reads[c->nreads++];
    r->path = arena_strndup(c->a, path, strlen(path));
    r->sn = sn;
    r->v = *v;
}

/* ---- the profile proxy ---- */

typedef struct pud {
    const pval *v;
    const snode *sn;
    char path[]; /* where it is in the profile, for absent fields and errors */
} pud;

/* The proxies' metatable is kept in the registry under this address (no name to hash). */
static const char profile_mt = 0;

/* The proxy at idx: only proxies have the metatable whose metamethods call this, and the
 * metatable is protected, so the check is that it is a full userdata. */
static pud *proxy_at(lua_State *L, int idx)
{
    pud *u = lua_touserdata(L, idx);
    if (!u || lua_islightuserdata(L, idx))
        luaL_error(L, "not a profile");
    return u;
}

static void push_pval(lua_State *L, const pval *v, const snode *sn, const char *path);

static void push_placeholder(lua_State *L, const snode *sn)
{
    switch (sn->type) {
    case T_BOOL: lua_pushboolean(L, 0); break;
    case T_STRING: lua_pushliteral(L, ""); break;
    case T_ENUM: /* a value the code can dispatch on, so that it goes on to read the rest */
        if (sn->en && sn->en->n)
            lua_pushstring(L, sn->en->values[0]);
        else
            lua_pushliteral(L, "");
        break;
    default: lua_pushinteger(L, 0);
    }
}

/* base.name (or name at the top) into out, cut to fit; built only when a path is needed. */
static void child_path(char *out, size_t cap, const char *base, const char *name)
{
    size_t bl = strlen(base), nl = strlen(name), n = 0;
    if (bl) {
        n = bl < cap - 1 ? bl : cap - 1;
        memcpy(out, base, n);
        if (n < cap - 1)
            out[n++] = '.';
    }
    size_t k = nl < cap - 1 - n ? nl : cap - 1 - n;
    memcpy(out + n, name, k);
    out[n + k] = 0;
}

/* A child of a proxy: an object's or a list's proxy is made once per profile and taken again
 * (proxies are read-only and keep nothing of a call); a scalar is pushed as its value. */
static void push_child(lua_State *L, const pval *v, const snode *sn, const char *path)
{
    evalctx *c = sn->type == T_OBJECT || sn->type == T_LIST ? ctx_of(L) : NULL;
    if (!c) {
        push_pval(L, v, sn, path);
        return;
    }
    struct proxy_slot *s = &c->proxies[((uintptr_t)v / sizeof *v) % PROXY_CACHE];
    if (s->ref > 0 && s->v == v && s->stamp == c->rec_stamp) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref);
        return;
    }
    push_pval(L, v, sn, path);
    lua_pushvalue(L, -1);
    if (s->ref > 0)
        lua_rawseti(L, LUA_REGISTRYINDEX, s->ref);
    else
        s->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    s->v = v;
    s->stamp = c->rec_stamp;
}

static int obj_index(lua_State *L)
{
    pud *u = proxy_at(L, 1);
    size_t len = 0;
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &len) : NULL;
    if (u->sn->type == T_LIST) {
        lua_Integer i = lua_isinteger(L, 2) ? lua_tointeger(L, 2) : 0;
        const plist *l = u->v->u.l;
        if (i < 1 || (size_t)i > l->n) {
            lua_pushnil(L);
            return 1;
        }
        char p[240];
        const pval *it = &l->item[i - 1];
        const snode *isn = u->sn->item;
        if (!it->set || isn->type == T_OBJECT || isn->type == T_LIST) /* a path is needed */
            snprintf(p, sizeof p, "%s[%lld]", u->path, (long long)(i - 1));
        else
            p[0] = 0;
        if (!it->set) {
            ctx_absent(ctx_of(L), p);
            push_placeholder(L, u->sn->item);
        } else
            push_child(L, it, u->sn->item, p);
        return 1;
    }
    const snode *ch = k ? schema_child(u->sn, k, len) : NULL;
    if (!ch) {
        const char *names[64];
        size_t n = 0;
        for (size_t i = 0; i < u->sn->nchild && n < 64; i++)
            names[n++] = u->sn->child[i]->name;
        const char *best = k ? closest_name(k, names, n) : NULL;
        if (best)
            return luaL_error(L, "no field '%s%s%s' in the profile (did you mean '%s'?)",
                              u->path, u->path[0] ? "." : "", k, best);
        return luaL_error(L, "no field '%s%s%s' in the profile", u->path, u->path[0] ? "." : "",
                          k ? k : "?");
    }
    char p[240];
    const pval *v = &u->v->u.o->slot[ch->index];
    if (!v->set && ch->absent_none) { /* absence means none (lease.end, moved_in): nil */
        lua_pushnil(L);
        return 1;
    }
    if (!v->set) {
        child_path(p, sizeof p, u->path, ch->name);
        ctx_absent(ctx_of(L), p);
        push_placeholder(L, ch);
        return 1;
    }
    if (ch->type == T_OBJECT || ch->type == T_LIST) /* a proxy, which keeps its path */
        child_path(p, sizeof p, u->path, ch->name);
    else
        p[0] = 0;
    push_child(L, v, ch, p);
    evalctx *c = ch->type != T_OBJECT && ch->type != T_LIST ? words_ctx(L) : NULL;
    if (c) { /* a value read can name a step's operand, and is one of the amount's inputs */
        if (ch->type == T_INT || ch->type == T_MONEY)
            ctx_name(c, v->u.i, ch, NULL, NULL, ch->type);
        child_path(p, sizeof p, u->path, ch->name);
        ctx_read(c, p, ch, v);
    }
    return 1;
}

static int obj_len(lua_State *L)
{
    pud *u = proxy_at(L, 1);
    lua_pushinteger(L, u->sn->type == T_LIST ? (lua_Integer)u->v->u.l->n : 0);
    return 1;
}

static int obj_newindex(lua_State *L)
{
    return luaL_error(L, "the profile is read-only");
}

static void push_pval(lua_State *L, const pval *v, const snode *sn, const char *path)
{
    switch (sn->type) {
    case T_OBJECT:
    case T_LIST: {
        size_t pl = strlen(path);
        if (pl > 199)
            pl = 199;
        pud *u = lua_newuserdatauv(L, sizeof *u + pl + 1, 0);
        u->v = v;
        u->sn = sn;
        memcpy(u->path, path, pl);
        u->path[pl] = 0;
        lua_rawgetp(L, LUA_REGISTRYINDEX, &profile_mt);
        lua_setmetatable(L, -2);
        break;
    }
    case T_BOOL: lua_pushboolean(L, (int)v->u.i); break;
    case T_STRING: lua_pushstring(L, v->u.s); break;
    case T_ENUM: lua_pushstring(L, v->s); break;
    default: lua_pushinteger(L, v->u.i);
    }
}

void dsl_push_profile(lua_State *L, const pval *root, const snode *sn, const char *path)
{
    push_pval(L, root, sn, path);
}

/* The proxies' metatable, into the registry (dsl_open). */
void dsl_open_profile(lua_State *L)
{
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &profile_mt);
    lua_pushliteral(L, "calc.profile"); /* the type's name in error messages */
    lua_setfield(L, -2, "__name");
    lua_pushcfunction(L, obj_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, obj_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, obj_len);
    lua_setfield(L, -2, "__len");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}
