/* result.h — what an evaluation produces: per policy its status, amount, condition records, reasons,
 * missing data, steps and how to qualify; the CSV writer of result lines. */
#ifndef CALC_RESULT_H
#define CALC_RESULT_H

#include "cond.h"

/* ---- results ---- */
enum {
    ST_ELIGIBLE, ST_INELIGIBLE, ST_NEEDS_DATA, ST_NOT_IN_FORCE, ST_SUPERSEDED, ST_ERROR
};
enum { K_CASH, K_IN_KIND, K_MATCH };

typedef struct crec { /* one evaluated condition, rendered only when written */
    const char *name;
    const char *field;  /* set for records made outside a condition; else prefix + c->field */
    const char *prefix; /* "stores[1]." inside an any_item, else "" */
    pval v;             /* a copy of the actual value (unset: absent); lists are rendered into
                         * `actual` (or counted, for any_item) when the record is made */
    char *actual;       /* text overrides, for records made outside a condition */
    char *required;
    int result;         /* TV_* */
    int depth;
    bool quiet; /* inside a composite that did not fail: not a reason */
    const cond *c;
    const void *pol; /* the policy, whose parameters a required value may name */
    calc_date as_of;
} crec;
/* Renders a record's parts (eval.c). crec_actual returns false when the value is absent. */
void crec_field(sbuf *b, const crec *r);
bool crec_actual(sbuf *b, const crec *r);
void crec_required(sbuf *b, const crec *r);

typedef struct qchange { /* one field change of a to_qualify suggestion */
    const char *field;  /* "finance.rd_expense", "stores[1].area_m2" */
    const char *action; /* raise, set, add, provide */
    const char *kind;   /* what the schema lets it be: raise, next_year_target, relocate,
                         * obtain, choose, provide */
    const snode *sn;    /* the field's schema node */
    char *now;          /* current value, NULL when absent */
    char *to;           /* the value needed (provide: the value the proof used) */
    char *by;           /* the difference, for amounts and numbers */
} qchange;

typedef struct qualify {
    bool possible;       /* a proven set of changes exists */
    bool example;        /* the amount depends on values still to be given (depends): it is
                          * not known, and amount and quantity are 0 */
    size_t n;
    qchange *change;
    calc_money amount;   /* what the policy would then bring */
    int64_t quantity;
    size_t ndepends;
    const char **depends; /* fields of changes whose value the amount depends on */
    size_t nfixed;
    const char **fixed;  /* failing fields no suggestion may change (schema `change:`) */
} qualify;

typedef struct pres {
    int policy;   /* index into the engine's policies */
    int status;
    int kind;
    calc_money amount;        /* granted */
    calc_money amount_before; /* before the group (superseded) */
    calc_money amount_before_cap;
    bool capped;
    bool pooled; /* a budget pool changed the grant */
    calc_money amount_before_pool;
    int64_t quantity_before_pool;
    int64_t quantity;
    int64_t quantity_claimed;
    const char *unit;
    const char *superseded_by;
    const char *cap_name;
    calc_money cap_limit, cap_sum; /* the factor applied: limit / sum */
    size_t ndetail;
    char **detail;
    size_t nreason, ncond, nmissing, nstep;
    crec *reason; /* failed condition records (point into cond) */
    crec *cond;
    char **missing;
    char **step; /* computation steps, human text */
    char *error;   /* status error: message */
    struct qualify *to_qualify; /* how to become eligible, when asked for (qualify.c) */
    char *error_loc;
} pres;

struct calc_result {
    arena a;
    const char *profile_id;
    calc_date as_of;
    size_t n;
    pres *r;
    calc_money cash, in_kind;
    bool any_error;
    bool totals_overflow; /* a total exceeded the largest amount: shown as an error */
    char profile_fp[65];
};

/* A CSV text cell: quoted when it must be, and text a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR first) behind a single quote (csvout.c). */
void csv_text(sbuf *b, const char *s);
/* The CSV rows of one result line (a JSON tree), their words in lang (0 Chinese, 1 English)
 * from e's policies and schema, or with header the header row (e and line unused). */
void csv_rows(sbuf *out, const calc_engine *e, const value *line, bool header, int lang);

#endif
