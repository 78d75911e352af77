/* policyld.h — the policy loader's state and helpers, shared by policy.c (policies) and
 * policyx.c (computed conditions, windows and books). Private to the library. */
#ifndef CALC_POLICYLD_H
#define CALC_POLICYLD_H

#include "dsl.h"

typedef struct loader {
    polset *ps;
    lua_State *L;
    policy *p;
    char err[512];
    int kparam; /* the parameter the last number came from (policyx.c), or -1 */
} loader;

static inline const char *dup_field(loader *ld, int t, const char *key)
{
    lua_getfield(ld->L, t, key);
    size_t len = 0;
    const char *s = lua_type(ld->L, -1) == LUA_TSTRING ? lua_tolstring(ld->L, -1, &len) : NULL;
    const char *r = s ? arena_utf8_clean(&ld->ps->a, s, len, 0) : NULL;
    lua_pop(ld->L, 1);
    return r;
}

static inline unsigned line_of(lua_State *L, int t)
{
    lua_getfield(L, t, "line");
    unsigned l = (unsigned)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return l;
}

#define FAIL(ld, line, ...)                                                                  \
    do {                                                                                     \
        int n_ = snprintf((ld)->err, sizeof (ld)->err, "%s:%u: ", (ld)->p->file, (line));    \
        snprintf((ld)->err + n_, sizeof (ld)->err - (size_t)n_, __VA_ARGS__);                \
        return -1;                                                                           \
    } while (0)

/* Resolves the field at the top of the stack (a dotted path, or coalesce(a, b) when allow_co)
 * from base into c's first (second: which = 1) field. */
int compile_field(loader *ld, const snode *base, cond *c, int which, bool allow_co);
/* Compiles computed condition c (op already set, its table at ci) from base (policyx.c). */
int compile_computed(loader *ld, int ci, const snode *base, cond *c);
/* Reads the policy's event and application windows (table at t) into ld->p. */
int compile_windows(loader *ld, int t);
/* Compiles the conditions of the policy's book, if any, into *out (policyx.c). */
int compile_book_conds(loader *ld, cond **out, size_t *nout);
/* Compiles a list of conditions (the table at t) from base (policy.c). */
int compile_conds(loader *ld, int t, const snode *base, cond **out, size_t *nout, int depth);
int compile_req(loader *ld, int vi, const snode *sn, reqval *r, unsigned line);
/* Reads the policy's ledger key (`key = …`, the table at t) into ld->p->key (policyx.c). */
int compile_key(loader *ld, int t);
/* Reads the policy's rounding and zero_amount declarations (table at t) into ld->p
 * (policyx.c). */
int compile_rounding(loader *ld, int t, unsigned line);
/* The line of the first line of text that begins (after blanks) with word, or dflt (policyx.c). */
unsigned source_line_of(const char *text, size_t len, const char *word, unsigned dflt);
/* The index of the policy's parameter `name`, or -1 (policy.c). */
int param_index(const policy *p, const char *name);

#endif
