/* sandbox.h — the Lua sandbox: a state that policies cannot escape (sandbox.c) and the library
 * functions it gives them (sbxlib.c). Only the sandbox, DSL, policy and evaluation modules
 * (sandbox.c, sbxlib.c, dsl.c, policy.c, eval.c, amount.c, engine.c) include it and see Lua;
 * chunkdigest.c compiles a source, never runs it, to digest its meaning. */
#ifndef CALC_SANDBOX_H
#define CALC_SANDBOX_H

#include "internal.h"

#include <lauxlib.h>
#include <lua.h>
#include <time.h>

typedef struct sbx {
    lua_State *L;
    size_t used, limit;   /* bytes allocated by the state, and the cap */
    long fail_after;      /* tests: fail the n-th allocation from now (-1: never) */
    long budget;          /* instructions left in the current call */
    bool exhausted;
    bool long_string;     /* the last refused allocation was a string over SBX_MAX_STRING */
    int calls;            /* sbx_call frames under way: allocations are charged inside them */
    long wall_ms;         /* wall-clock backstop of the call under way (0: none) */
    struct timespec start;
    void *ctx;            /* evaluation context (policy.c) */
    const char *where;    /* the file being run, for errors that carry no position */
} sbx;

#define SBX_HOOK_STEP 1000
/* The longest string a policy can make or read (a compare or copy of it costs microseconds,
 * and a VM instruction cannot be charged for it). */
#define SBX_MAX_STRING (4u * 1024)
/* Bytes of allocation that cost one instruction of the budget. */
#define SBX_ALLOC_BYTES 64
/* Bytes of scanning or copying in a C function that cost one instruction. */
#define SBX_SCAN_BYTES 16

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
/* The frozen tables' __newindex (it raises "attempt to modify read-only table"). */
int sbx_ro_error(lua_State *L);
/* sbxlib.c: the charged and deterministic library functions, installed into the safe copy of
 * a library on the stack top (sbxlib_string: the real string library just below it). */
void sbxlib_base(lua_State *L);
void sbxlib_string(lua_State *L);
void sbxlib_table(lua_State *L);
void sbxlib_utf8(lua_State *L);
/* Charges units of work done in C to the budget of the call under way; raises the budget error
 * (as the hook does) when it runs out. Outside sbx_call it does nothing. */
void sbx_charge(lua_State *L, lua_Integer units);
/* Runs fn(L, ud) in protected mode: any Lua error (memory included) inside it becomes a
 * return value instead of a panic. Returns fn's result, or -1 with the message in msg. fn
 * sees an empty stack of its own; what it leaves there is dropped. */
int sbx_protect(sbx *s, int (*fn)(lua_State *L, void *ud), void *ud, char *msg, size_t msgsize);
/* Copies a Lua error message or text into dst as valid UTF-8 (see calc_utf8_clean). */
void sbx_text(char *dst, size_t cap, lua_State *L, int idx);

#endif
