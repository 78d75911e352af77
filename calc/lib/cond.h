/* cond.h — compiled conditions: the DSL's condition objects as C structs (policy.c compiles them,
 * eval.c evaluates them three-valued), with the values they require. */
#ifndef CALC_COND_H
#define CALC_COND_H

#include "schema.h"

/* ---- conditions (policy.c compiles, eval.c evaluates) ---- */
enum {
    C_EQUALS, C_ONE_OF, C_AT_LEAST, C_AT_MOST, C_GREATER, C_LESS, C_BETWEEN, C_HAS_TAG, C_IS_SET,
    C_IS_TRUE, C_ON_OR_AFTER, C_ON_OR_BEFORE, C_ANY_ITEM, C_ALL, C_ANY, C_NOT
};
enum { TV_FALSE = 0, TV_TRUE = 1, TV_UNKNOWN = 2 };

/* A required value: a literal, a parameter, or a date relative to as_of. */
typedef struct reqval {
    int kind; /* RV_LIT, RV_PARAM, RV_YEARS_BEFORE_AS_OF */
    int type; /* T_* of the value */
    int64_t i;
    const char *s;
    int param; /* parameter index (RV_PARAM / the years of RV_YEARS_BEFORE_AS_OF) */
    size_t n;  /* one_of */
    struct reqval *list;
} reqval;
enum { RV_LIT, RV_PARAM, RV_YEARS_BEFORE_AS_OF, RV_IN_FORCE_FROM, RV_IN_FORCE_TO };

/* The JSON text of a condition's record that does not depend on the profile, made when first
 * written (output.c): its name and field, and its requirement for one as_of and one version
 * of the policy's parameters and dates. Empty when not made (or too long to keep). */
typedef struct cond_json {
    char head[192]; /* {"name": "…", "field": "…", "actual": */
    char req[320];  /* , "required": "…", "result": " */
    unsigned short head_len, req_len;
    calc_date as_of;
    unsigned gen;
    int64_t from, to;
} cond_json;

typedef struct cond cond;
struct cond {
    int op;
    const char *name;  /* author's name or a generated one */
    const char *zh;    /* author's Chinese wording, or NULL */
    const char *en;    /* author's English wording, or NULL */
    const char *field; /* dotted path relative to the base (root or list item) */
    const snode *sn;
    int pidx[8]; /* slot indexes from the base object to the field */
    int plen;
    reqval req[2];
    size_t n;
    cond *sub; /* all/any/not/any_item */
    unsigned line;
    cond_json *js;
};

/* The slot of condition c's field in object base, following its path; NULL when an object on
 * the way is absent (eval.c). */
pval *cond_slot(const pobj *base, const cond *c);

#endif
