/* popmap.h — a population read once and its records validated and handled by worker threads,
 * as `calc batch` does (batch.c): the calling thread reads the inputs in chunks of records,
 * each worker validates a chunk's records and hands every valid profile to the command with
 * that worker's engines, and the calling thread takes the finished chunks back in input order.
 * What whatif, --solve and near share; the results never depend on the number of workers.
 * Private to the library. */
#ifndef CALC_POPMAP_H
#define CALC_POPMAP_H

#include "batch.h"

#include <pthread.h>

#define PM_CHUNK 256

typedef struct pm_chunk {
    arena a;           /* the records' text (and what the command keeps of them) */
    size_t first, n;   /* the number of its first record over every input, and its records */
    const char *file;  /* the input's path, as population.c names it */
    rec_in in[PM_CHUNK];
    calc_diags diag[PM_CHUNK]; /* each record's problems: the reader's and validation's */
    bool valid[PM_CHUNK];
    void *user;        /* the command's, kept with the chunk from one use to the next */
    int state;         /* 0 waiting, 1 taken, 2 done */
    struct pm_chunk *next;
} pm_chunk;

typedef struct popmap {
    const calc_batch_opts *o;
    calc_engine **eng; /* one a worker: the schema each validates with */
    int jobs;
    unsigned how;      /* record_profile's RP_* */
    bool stop_at_open_error; /* an input that cannot be opened ends the run (--solve) */
    /* a worker, before a chunk's records (its user state made or emptied) */
    void (*begin)(void *ud, int worker, pm_chunk *c);
    /* a worker: record i of c, valid as p (the profile's memory is reused after the call) */
    void (*record)(void *ud, int worker, pm_chunk *c, size_t i, calc_profile *p);
    /* the calling thread, in input order */
    void (*done)(void *ud, pm_chunk *c);
    /* the calling thread, at the end: a chunk's user state */
    void (*free_user)(void *ud, void *user);
    void *ud;
    /* what the run found */
    int open_failed;   /* inputs that could not be opened (their reasons in the diagnostics) */
    int read_failed;   /* inputs that could not be read to their end */
    /* the run's state */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    pm_chunk *head, *tail, *spare;
    size_t inflight;
    bool closing;
} popmap;

/* Reads every input of m->o, one chunk at a time, until all are handled; the problems of
 * opening an input go into d. */
void popmap_run(popmap *m, calc_diags *d);

/* The engines of jobs workers: e itself, and twins of e (engine_twin) for the others; 0, or
 * CALC_EUSAGE with the reason in d (the twins made so far are in eng, the rest NULL). */
int popmap_engines(calc_engine **eng, int jobs, calc_engine *e, calc_diags *d);
/* The problems of the records that are not valid are shown up to POPMAP_SHOWN messages. */
#define POPMAP_SHOWN 20
/* Record rd's problems into d while it holds fewer than POPMAP_SHOWN (the calling thread, in
 * input order); *unshown counts the records none of whose problems fit. */
void popmap_reject(calc_diags *d, const calc_diags *rd, size_t *unshown);
/* At the end: how many records not valid were not shown, and how many in all, into d. */
void popmap_unshown(calc_diags *d, size_t unshown, size_t rejected);

/* A new engine with e's rules and e's what-if changes (parameters, policies off, windows,
 * pool sizes), for another thread; NULL with err set when the rules do not load again. */
calc_engine *engine_twin(const calc_engine *e, calc_error *err);

#endif
