/* evalp.h — the evaluation of one policy, shared by eval.c (conditions, records, missing data)
 * and amount.c (the policy's Lua functions). Private to those two files. */
#ifndef CALC_EVALP_H
#define CALC_EVALP_H

#include "dsl.h"
#include "engine.h"

/* The paths of the absent data, each once, in the order first met; a hash of their places
 * keeps a list of thousands of items linear. */
typedef struct strlist {
    char **v;
    size_t n, cap;
    size_t *slot; /* index + 1 of the path hashed there, 0 for none */
    size_t nslot; /* a power of two, at least twice n */
} strlist;

typedef struct recs {
    crec *v;
    size_t n, cap;
} recs;

typedef struct E {
    evalctx *c;
    sbx *s;
    const policy *p;
    recs r;
    strlist missing;
    const char *prefix; /* the last item prefix copied into the result */
} E;


/* Adds an absent field's path to missing (once). */
void eval_missing_add(strlist *l, arena *a, const char *s);
/* An item's result for an any_item condition c (its item conditions, all of them). */
int eval_item_tv(E *e, const cond *c, const pval *item, const char *prefix, int depth, bool rec);
/* Adds the absent fields that decide an unknown condition to missing. */
void eval_collect(E *e, const cond *c, const pobj *base, const char *prefix);
/* A new, cleared record at the end of the policy's records. */
crec *eval_rec_new(E *e);
/* The amount stage (amount.c): the status, with r's amount, quantity or detail filled. */
int eval_amount(E *e, int overall, pres *r);

#endif
