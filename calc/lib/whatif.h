/* whatif.h — what `calc whatif` keeps of a population's two runs (whatif.c) and what its
 * reports read: the records, each run's statuses, amounts and pools, and the sums per policy
 * and per kind (whatifout.c writes the table, CSV and JSON). Private to the library. */
#ifndef CALC_WHATIF_H
#define CALC_WHATIF_H

#include "batch.h"

typedef struct wrec { /* one evaluated record: small, so a whole district fits in memory */
    char *id;
    char *name; /* the enterprise's, for the workbook's rows; NULL when absent */
    int group;  /* index of its --by value */
} wrec;

typedef struct run {
    calc_engine *e;
    size_t n;        /* records */
    uint8_t *st;     /* n × npol */
    int64_t *amt;    /* n × npol */
    claims cl;
    pool_stat *pools;
} run;

typedef struct agg agg;

typedef struct wi {
    size_t npol, n, cap, read, rejected;
    wrec *rec;
    char **groups;
    size_t ngroup;
    const snode *by;
    const char *by_path;
    run runs[2];
    agg *aggs; /* every figure of the reports (whatif.c) */
    arena text; /* the records' ids and names */
} wi;


struct agg {
    size_t ben[2];
    int64_t granted[2];
    size_t gain, lose, same;
    bool overflow; /* a sum reached the largest amount (it is that amount, flagged) */
};

/* Beneficiaries, granted, gain/lose/same over the records of group (-1: all), of policy k, or
 * (k < 0) of every policy of kind `kind` summed per enterprise: the totals rows, whose
 * beneficiaries and gains count enterprises, not grants. */
void whatif_aggregate(const wi *w, int group, int k, int kind, agg *a);
/* The report in format (table, JSON or CSV: CALC_FMT_JSON, 2) to out (whatifout.c). */
void whatif_report(FILE *out, const wi *w, int format, int lang, const calc_batch_opts *o);

#endif
