/* batch.h — population evaluation: inputs, chunks of records, claims on budget pools and
 * their allocation (input.c, batch.c, pools.c). */
#ifndef CALC_BATCH_H
#define CALC_BATCH_H

#include "engine.h"

enum { IN_JSONL, IN_YAML, IN_CSV };

typedef struct rec_in {
    unsigned line;
    const char *text; /* JSON Lines: the raw line, parsed by a worker */
    size_t len;
    value *doc;       /* YAML and CSV: the tree built by the reader */
    int err_code;     /* the reader already found a problem (diagnostics attached) */
    char *err_text;
} rec_in;

typedef struct calc_input calc_input;
int input_format_of(const char *path);
calc_input *input_open(const char *path, int format, const calc_schema *s, calc_error *err);
/* Reads from an open stream the caller keeps (and closes). */
calc_input *input_open_stream(FILE *f, const char *name, int format, const calc_schema *s);
/* 1 with a record, 0 at the end, a negative CALC_E* when the input cannot go on. */
int input_next(calc_input *in, arena *a, rec_in *rec, calc_diags *d);
long long input_size(const calc_input *in);
/* need is asked once a record is found, before it is copied or parsed; when it says no, the
 * record comes back with its line only (batch's second pass, which kept the profile). */
void input_set_need(calc_input *in, bool (*need)(void *ud), void *ud);
long long input_pos(const calc_input *in);
const char *input_path(const calc_input *in);
void input_close(calc_input *in);

/* A claim of one record on a pool, and what the pool grants it. */
typedef struct claim {
    size_t record; /* 0-based over the whole run */
    char *id;
    calc_date applied;
    bool has_applied;
    int pool, policy;
    int64_t amount, quantity;     /* claimed */
    int64_t g_amount, g_quantity; /* granted */
    bool changed, exhausted, floored;
    long long off; /* batch: where the record's result line starts in the first pass */
    size_t len;
} claim;

typedef struct claims {
    claim *v;
    size_t n, cap;
} claims;

/* Per pool, what the allocation found (for the summary). */
typedef struct pool_stat {
    int64_t claimed, granted;
    size_t nclaims;
    int64_t factor_num, factor_den; /* pro rata: granted / claimed, when it bound */
    bool ran_out;
    bool overflow;    /* the claims' sum did not fit: claimed is saturated, the run failed */
    char *ran_out_id; /* malloc'd */
    calc_date ran_out_applied;
    bool ran_out_has_applied;
} pool_stat;

/* Allocates every pool over the claims (book §1, Budget pools); fills g_* and changed. */
int pools_allocate(calc_engine *e, claims *c, pool_stat *stats);
/* Rewrites one result line (a JSON object) with its changed claims: status, amount,
 * quantity, reasons and totals. Writes the new line (with newline) to out. */
int pools_rewrite(calc_engine *e, const char *line, size_t len, const claim *cl, size_t ncl,
                  sbuf *out, calc_diags *d);

void pools_apply(calc_engine *e, calc_result *res, const claim *cl, size_t ncl);

/* Summary counters: per policy and status, with granted totals. */
typedef struct summary {
    size_t read, evaluated, rejected;
    size_t npol;
    size_t (*count)[6];
    int64_t *granted;
    int64_t *quantity;
    int64_t cash, in_kind;
    bool overflow; /* a sum reached the largest amount */
} summary;
void summary_init(summary *s, size_t npol);
void summary_add(summary *s, int pi, int status, int kind, int64_t amount, int64_t quantity,
                 int sign);
void summary_free(summary *s);

#endif
