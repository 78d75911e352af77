/* chunkdigest.c — the meaning digest of a Lua source (rulediff.c): SHA-256 of its compiled
 * chunk dumped without debug information (lua_dump with strip = 1) and without the two line
 * numbers each function's header keeps even then (linedefined, lastlinedefined), so that
 * comments, whitespace, line breaks and the names of locals, function parameters and upvalues
 * do not reach it. The chunk is compiled in a Lua state of its own and never run: no policy
 * code executes here, so it needs no sandbox. */
#include "rulediff.h"

#include <lauxlib.h>
#include <lua.h>
#include <string.h>

typedef struct dump {
    const unsigned char *p;
    size_t n, at, from; /* from: the start of the bytes not yet copied */
    size_t isize;       /* sizeof(Instruction) of the dump */
    size_t nsize, lsize; /* sizeof(lua_Number), sizeof(lua_Integer) */
    sbuf *out;
} dump;

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    sb_putn(ud, p, sz);
    return 0;
}

/* Lua 5.4's sizes and counts: 7 bits a byte, most significant first, the last byte marked. */
static bool d_size(dump *d, size_t *out)
{
    size_t x = 0;
    for (int k = 0; k < 10; k++) {
        if (d->at >= d->n)
            return false;
        unsigned b = d->p[d->at++];
        x = (x << 7) | (b & 0x7f);
        if (b & 0x80) {
            *out = x;
            return true;
        }
    }
    return false;
}

static bool d_skip(dump *d, size_t n)
{
    if (n > d->n - d->at)
        return false;
    d->at += n;
    return true;
}

static bool d_string(dump *d)
{
    size_t n;
    return d_size(d, &n) && (n == 0 || d_skip(d, n - 1));
}

/* One function of a 5.4 dump (ldump.c's dumpFunction), its two line numbers left out. */
static bool d_function(dump *d, int depth)
{
    size_t n, x;
    if (depth > 200 || !d_string(d))
        return false;
    sb_putn(d->out, (const char *)d->p + d->from, d->at - d->from);
    if (!d_size(d, &x) || !d_size(d, &x)) /* linedefined, lastlinedefined */
        return false;
    d->from = d->at;
    if (!d_skip(d, 3) || !d_size(d, &n) || n > d->n / d->isize || !d_skip(d, n * d->isize))
        return false; /* numparams, is_vararg, maxstacksize; the code */
    if (!d_size(d, &n))
        return false;
    for (size_t i = 0; i < n; i++) { /* constants */
        if (!d_skip(d, 1))
            return false;
        switch (d->p[d->at - 1]) {
        case 0x00: case 0x01: case 0x11: break;                /* nil, false, true */
        case 0x03: if (!d_skip(d, d->lsize)) return false; break; /* integer */
        case 0x13: if (!d_skip(d, d->nsize)) return false; break; /* float */
        case 0x04: case 0x14: if (!d_string(d)) return false; break; /* strings */
        default: return false;
        }
    }
    if (!d_size(d, &n) || n > d->n || !d_skip(d, 3 * n)) /* upvalues */
        return false;
    if (!d_size(d, &n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!d_function(d, depth + 1))
            return false;
    /* debug information: empty when stripped, walked all the same */
    if (!d_size(d, &n) || !d_skip(d, n) || !d_size(d, &n))
        return false;
    for (size_t i = 0; i < 2 * n; i++)
        if (!d_size(d, &x))
            return false;
    if (!d_size(d, &n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!d_string(d) || !d_size(d, &x) || !d_size(d, &x))
            return false;
    if (!d_size(d, &n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!d_string(d))
            return false;
    return true;
}

bool chunk_meaning(const char *text, size_t len, char out[65])
{
    lua_State *L = luaL_newstate();
    if (!L)
        return false;
    sbuf raw = {0}, canon = {0};
    bool ok = luaL_loadbufferx(L, text, len, "=policy", "t") == LUA_OK &&
              lua_dump(L, dump_writer, &raw, 1) == 0;
    lua_close(L);
    const unsigned char *p = (const unsigned char *)raw.p;
    /* the header: "\x1bLua", version 0x54, format 0, LUAC_DATA (6), three sizes, an integer
     * and a float; then the number of the main function's upvalues */
    ok = ok && raw.n > 32 && memcmp(p, "\x1bLua\x54\x00", 6) == 0;
    if (ok) {
        dump d = {p, raw.n, 0, 0, p[12], p[14], p[13], &canon};
        ok = d.isize > 0 && d_skip(&d, 15 + d.lsize + d.nsize + 1) && d_function(&d, 0) &&
             d.at == d.n;
        if (ok) {
            sb_putn(&canon, (const char *)p + d.from, d.at - d.from);
            calc_sha256_hex(canon.p, canon.n, out);
        }
    }
    sb_free(&raw);
    sb_free(&canon);
    return ok;
}

