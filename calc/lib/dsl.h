/* dsl.h — the DSL's C side and the evaluation context it records into (dsl.c, policy.c). */
#ifndef CALC_DSL_H
#define CALC_DSL_H

#include "ledger.h"
#include "policy.h"
#include "sandbox.h"

#include <stdarg.h>

#define CTX_READS_MAX 200

#define XRES_MISS 16

/* What a computed condition found: the record's parts, its words (when want_words) and the
 * absent paths that leave it unknown (with the item prefix). */
typedef struct xres {
    char field[224];
    char actual[256];
    char required[256];
    bool want_words;
    bool text;      /* make the record's texts (else only the result) */
    bool want_miss; /* list the absent paths that leave it unknown */
    sbuf words[2];
    int nmiss;
    char miss[XRES_MISS][224];
} xres;

/* A book condition's outcome for one profile (eval.c): its truth value and, when it failed
 * with its record wanted, that record. */
#define BOOK_MEMO 8
#define PROXY_CACHE 32
struct book_memo {
    unsigned long stamp;
    int tv;
    bool rec, has_rec; /* evaluated with records wanted; it left one */
    crec r;
};

typedef struct evalctx {
    const polset *ps;
    const calc_profile *prof;
    calc_date as_of;
    arena *a;
    bool explain;
    bool all_records;
    bool no_words; /* records without their sentences for people */
    bool status_only; /* claims: status and amount only, no records, first failure decides */
    const policy *cur;
    /* absent fields read by the Lua call under way */
    char **absent;
    size_t nabsent, capabsent;
    /* explanation steps of the policy under way */
    char **steps;
    size_t nsteps, capsteps;
    /* the same in words, for people (explain): line i in zh words[2i], en words[2i+1], in the
     * result's arena; unnamed when a step had an operand it could not name (the policy's
     * amount rule then comes first); last: the last line's result */
    char **words;
    size_t nwords, capwords;
    bool unnamed;
    int64_t last;
    /* the lines of a list item's amount (in_item): joined here into the item's one line, so
     * that thousands of items keep one line each, not their parts */
    bool in_item;
    unsigned item_lines;
    size_t item_len[2];
    char item_text[2][640];
    /* what can name a step's operand (explain): the values the call under way read from the
     * profile, names given by the engine (the items' sum) and earlier results, newest last */
    label_name named[16];
    unsigned nnamed; /* how many were noted: the newest is named[(nnamed - 1) % 16] */
    /* the scalar fields the policy's Lua functions read (explain), in the result's arena: what
     * the report lists as the amount's inputs */
    field_read *reads;
    size_t nreads, capreads;
    bool reads_cut; /* more were read than CTX_READS_MAX */
    sbuf scratch; /* values rendered into records */
    /* the records of the policy under way, copied into the result's arena when it is done */
    crec *recbuf;
    size_t reccap;
    xres xres; /* a computed condition's findings (evalx.c), reused */
    ledger_index lidx;    /* the ledger of the policy under way, by key (evalx.c) */
    unsigned long evals;  /* counts policy evaluations: which one lidx belongs to */
    /* absent fields the call under way read with optional() (dslx.c): listed in missing
     * without making the call "absent data"; in the result's arena, reset by each call */
    char **soft;
    size_t nsoft, capsoft;
    bool soft_any;  /* a call of the policy under way noted such a field (amount.c) */
    bool in_amount; /* an amount function is running (amount.c): date("…") is a day number */
    /* the outcomes of the book conditions for the profile under way (eval.c): a book's leaf
     * condition, the same in each of its policies, is evaluated once per profile. An entry is
     * current while its stamp is rec_stamp, which each evaluation of a profile advances. */
    unsigned long rec_stamp;
    /* the profile's root proxy (amount.c): made once per profile, kept in the registry under
     * root_ref (0 until first made) while root_stamp is rec_stamp */
    int root_ref;
    unsigned long root_stamp;
    /* the proxies of the profile's objects and lists the amount functions read (dsl.c), by the
     * value's address: each made once per profile (an entry is current while its stamp is
     * rec_stamp), kept in the registry under its ref (0 until first used) */
    struct proxy_slot {
        const void *v;
        unsigned long stamp;
        int ref;
    } proxies[PROXY_CACHE];
    struct book_memo *bmemo; /* nbmemo books × BOOK_MEMO conditions */
    size_t nbmemo;
    /* the award ledger's place in the schema ledger_of (dslx.c, found when first asked) */
    const snode *ledger_of;
    ledger_schema ledger;
} evalctx;

void ctx_absent(evalctx *c, const char *path);
void ctx_add_step(evalctx *c, const char *text);
/* Adds a line of the computation in words (explain; outside an evaluation nothing). */
void ctx_add_words(evalctx *c, const char *zh, const char *en, int64_t result);
/* Notes a value that can name a later step's operand (explain): a field read (sn), or a name
 * of its own (zh, en), or neither (an earlier result). */
void ctx_name(evalctx *c, int64_t v, const snode *sn, const char *zh, const char *en, int type);
void dsl_open(lua_State *L);
/* The profile proxies' metatable (dslproxy.c), made by dsl_open. */
void dsl_open_profile(lua_State *L);
/* The condition constructors into the table at the top (dslcond.c). */
void dslcond_open(lua_State *L);
/* The line of the policy file that called the function running now. */
unsigned caller_line(lua_State *L);
/* The helpers of book 2 that amount functions call (dslx.c): time, windows, dates, ratio,
 * brackets, split, checked sub, the ledger, optional reads; into the same globals. */
void dslx_open(lua_State *L);
/* What dslx.c shares with dsl.c: the context of the call under way (NULL outside one), it
 * when the steps are being recorded in words, an integer argument or the error that names
 * what, the newest note naming value v, a helper's step in words and the kind of a value. */
evalctx *ctx_of(lua_State *L);
evalctx *words_ctx(lua_State *L);
lua_Integer checkint(lua_State *L, int i, const char *what);
/* What mul_or_more and awards_sum give for a non-negative result past the largest integer: a
 * light userdata that min() drops as more than its other operands and anything else refuses
 * (dsl.c). */
extern const char dsl_beyond_mark;
#define DSL_BEYOND ((void *)&dsl_beyond_mark)
/* num / den (den > 0) rounded as mode (RND_*, policy.h) says: to the fen, or to the whole yuan
 * (a multiple of 100 fen), exactly; a result out of int64's range is the caller's to check. */
__int128 dsl_round_div(__int128 num, __int128 den, int mode);
/* The rounding of the money helpers now: the policy under way's (RND_HALF_UP outside one). */
int dsl_rounding(lua_State *L);
/* The words a rounding other than the default adds to a step: "（向下取整到元）". */
const char *dsl_rounding_words(int mode, int lang);
const label_name *named_of(const evalctx *c, int64_t v);
void add_step_words(evalctx *c, sbuf w[2], int64_t result, int type);
int kind_of(const label_name *x);
void dsl_step(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dsl_push_profile(lua_State *L, const pval *root, const snode *sn, const char *path);
const char *dsl_cond_op_name(int op);

/* ---- loading and evaluating policies (policy.c, eval.c) ---- */
/* Loads one policy file into p (its error, if any, in p->error: the others still load). */
int policy_load(polset *ps, sbx *s, policy *p, const char *path);
/* Loads the .lua files of policies/lib into the allowlist as lib.<name>; problems go into d. */
int policy_load_lib(polset *ps, sbx *s, const char *dir, calc_diags *d);
/* Loads the books of policies/books/ (book { … }); a broken one fails its policies only. */
int policy_load_books(polset *ps, sbx *s, const char *dir, calc_diags *d);
/* Records a plain upvalue of a library function, checked after every call (sbx_upval_fn). */
void policy_lib_upv(lua_State *L, int fn, int up, void *ud);
/* Makes the read-only parameter table of p again after a change of its parameters. */
int policy_rebuild_params(lua_State *L, policy *p);
/* Evaluates one policy for c's profile into r (conditions in C, amounts in Lua). */
void policy_eval(evalctx *c, sbx *s, const policy *p, int index, pres *r);
int dsl_cond_op(const char *name);

#endif
