/* sandbox.h — the Lua sandbox shared by sandbox.c and policy.c (the only files that see Lua). */
#ifndef CALC_SANDBOX_H
#define CALC_SANDBOX_H

#include "internal.h"

#include <lauxlib.h>
#include <lua.h>

typedef struct sbx {
    lua_State *L;
    size_t used, limit;   /* bytes allocated by the state, and the cap */
    long fail_after;      /* tests: fail the n-th allocation from now (-1: never) */
    long budget;          /* instructions left in the current call */
    bool exhausted;
    void *ctx;            /* evaluation context (policy.c) */
    const char *where;    /* the file being run, for errors that carry no position */
} sbx;

#define SBX_HOOK_STEP 1000

/* Creates a state with only the safe libraries; the allowlist table ("calc.G") is left in
 * the registry, unfrozen, for the DSL to be added. Returns 0 or CALC_ENOMEM. */
int sbx_open(sbx *s, size_t memory_limit);
void sbx_close(sbx *s);
/* Pushes a new environment for one chunk: reads fall through to calc.G, writes are errors. */
void sbx_push_env(lua_State *L);
/* Freezes the table at idx in place, and every table reachable from it (values, upvalues of
 * its functions): reads work as before, writes raise an error. Non-table upvalues of the
 * functions reached are recorded by calling rec(L, fn_idx, upvalue, ud) with the function at
 * fn_idx. */
typedef void (*sbx_upval_fn)(lua_State *L, int fn, int up, void *ud);
void sbx_freeze(lua_State *L, int idx, sbx_upval_fn rec, void *ud);
/* Loads text (never bytecode) as chunk "@name". 0 or an error message on the stack. */
int sbx_load(lua_State *L, const char *name, const char *text, size_t len);
/* Calls the function below nargs arguments with an instruction budget. On error returns
 * non-zero and writes "file:line: message" into msg. */
int sbx_call(sbx *s, int nargs, int nres, long budget, char *msg, size_t msgsize);
/* Freezes the allowlist (with the libraries in it); plain upvalues of library functions are
 * passed to rec, as sbx_freeze does. */
void sbx_seal_globals(lua_State *L, sbx_upval_fn rec, void *ud);

#endif
