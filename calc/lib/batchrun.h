/* batchrun.h — the parts of `calc batch` and `calc allocate`, private to them: the run and its
 * passes (batch.c: the reader, the worker threads and the one loop that writes finished chunks
 * in input order), the record step (batchrec.c: one record validated, evaluated and rendered),
 * the spill and the duplicate-id set (spill.c), the output files and the summary (batchout.c),
 * the reduce step (allocate.c), the manifest (batchmanifest.c) and batch replay
 * (batchreplay.c). Nothing outside those files includes it. */
#ifndef CALC_BATCHRUN_H
#define CALC_BATCHRUN_H

#include "batch.h"

#include <pthread.h>

#define CHUNK 128

/* What a pass over the inputs does. Without pools there is one pass; with pools every claim
 * must be known before any grant is final, so a first pass gathers the claims and keeps each
 * valid profile in the spill, the pools are allocated, and a final pass writes the results. */
typedef enum pass_kind {
    PASS_ONLY,   /* no pools: each record validated, evaluated and written */
    PASS_CLAIMS, /* pools, first: claims only, each profile spilled; nothing written or reported */
    PASS_FINAL,  /* pools, second: the spilled profiles evaluated with their grants, written */
} pass_kind;

/* A pass writes results and reports problems, except the claims pass. */
static inline bool pass_writes(pass_kind k) { return k != PASS_CLAIMS; }

/* What the record step left for the writer about one record. */
typedef struct rec_out {
    size_t off, len; /* its text in the chunk's buffer: a result line or CSV rows */
    unsigned char hash[16];
    bool has_hash;
    bool rejected;
    size_t err_off, err_len; /* its diagnostics in the chunk's err */
} rec_out;

/* Up to CHUNK records, read by the main thread, processed by one worker, written in order. */
typedef struct chunk {
    arena a;
    size_t first; /* global index of the first record */
    size_t n;
    const char *file;
    rec_in in[CHUNK];
    rec_out out[CHUNK];
    uint8_t *st;         /* n × npol statuses */
    int64_t *amt, *qty;  /* n × npol */
    char *id[CHUNK];
    sbuf buf, err;
    sbuf rerr; /* what reading its records reported (the reader's, or a worker's for the CSV
                * rows and YAML documents the reader cut), each record's written before its
                * other problems, in input order */
    size_t rd_off[CHUNK], rd_len[CHUNK]; /* each record's part of rerr, from the reader */
    size_t wk_off[CHUNK], wk_len[CHUNK]; /* and from the worker that read its cut text */
    sbuf spill;            /* packed profiles: written in pass 1, read back in pass 2 */
    size_t spill_off[CHUNK], spill_len[CHUNK]; /* pass 2: each record's packing, or 0 */
    unsigned char spill_hash[CHUNK][16];       /* pass 2: the digest of each record's id */
    claims cl;
    int worst;
    int state; /* 0 waiting, 1 taken, 2 done */
    struct chunk *next;
} chunk;

/* Ids seen: the first 128 bits of each id's SHA-256, in an open-addressing table. */
typedef struct idslot {
    unsigned char key[16];
    size_t rec; /* (size_t)-1: empty */
} idslot;

typedef struct idset {
    idslot *v;
    size_t n, cap;
} idset;

/* A record whose id an earlier record had: found by the claims pass, reported by the final. */
typedef struct dup_id {
    size_t record, first;
} dup_id;

/* The claims pass's id digests, logged in 256 buckets and checked for repeats at its end
 * (idlog.c). */
struct idlog_block;
typedef struct idlog {
    struct idlog_block *head[256], *tail[256];
} idlog;
void idlog_add(idlog *l, const unsigned char k[16], size_t rec);
/* The repeated ids (by record, each with the first record of its id); empties the log. */
void idlog_dups(idlog *l, dup_id **out, size_t *nout);
void idlog_free(idlog *l);

/* Strings kept byte by byte in blocks and freed together (idlog.c): the claims' ids. */
struct strpool_block;
typedef struct strpool {
    struct strpool_block *head;
} strpool;
char *strpool_dup(strpool *p, const char *s);
void strpool_free(strpool *p);

typedef struct batch {
    const calc_batch_opts *o;
    calc_engine **eng; /* one per worker */
    int jobs;
    size_t npol;
    int applied_slot, name_slot;
    calc_date as_of;  /* the summary's date: the run's, or allocate's results' */
    bool as_of_known;
    pass_kind pass;
    calc_eval_opts eval;   /* how the pass evaluates (the claims pass: statuses and amounts) */
    const claims *granted; /* the final pass: every claim, by record, with what was granted */
    /* the chunks in input order, and the threads that process them */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    chunk *head, *tail;
    size_t inflight;
    bool closing;
    chunk *spare;   /* written chunks, kept for their memory (the main thread's) */
    chunk *filling; /* the chunk the reader is filling (the final pass's spill_need) */
    /* the claims pass's repeated ids, which the final pass reports */
    dup_id *dups;
    size_t ndup, capdup, dupi;
    strpool claim_ids; /* the ids of the claims gathered (claim.id points here) */
    FILE *spill;     /* the validated profiles of the claims pass, so the final need not parse */
    bool spill_lost; /* the spill did not read back as written: parse again */
    size_t *in_records; /* records read from each input (the writing pass), for the manifest */
    bool unread; /* an input could not be opened or read to its end: the run writes no file */
    sbuf notes;      /* the summary's notes: JSON objects, comma-separated (the encoding of a
                      * CSV not in UTF-8) */
} batch;

/* ---- batch.c ---- */
/* Sets b up for o with jobs engines (each with o's scenario and parameters): an exit status;
 * when it is neither 0 nor CALC_EXIT_POLICY nothing is left to free. */
int batch_engines(batch *b, const calc_batch_opts *o, int jobs);
void batch_free_engines(batch *b);

/* ---- batchrec.c: the record step ---- */
/* Validates, evaluates and renders every record of c (a worker, with its engine e). */
void chunk_process(batch *b, calc_engine *e, chunk *c);
/* The error line of an invalid record (with its newline): its message in English (error) and
 * in Chinese (error_zh). */
void batch_error_line(sbuf *out, size_t record, unsigned line, const char *file, const char *msg,
                      const char *msg_zh);
/* An invalid record's text in the output's format: its error line, or its CSV row (with the
 * message in the language of messages). */
void batch_reject(const batch *b, sbuf *out, size_t record, unsigned line, const char *file,
                  const char *msg, const char *msg_zh);
/* The diagnostics as printed (err) and as one line in English (msg) and Chinese (msg_zh). */
void batch_diags_text(sbuf *err, sbuf *msg, sbuf *msg_zh, const calc_diags *d);

/* ---- spill.c: the spill and the duplicate-id set ---- */
void id_digest(calc_engine *e, const char *id, unsigned char out[16]);
/* Inserts; returns the earlier record with the same id, or (size_t)-1. */
/* Asks the cache for the slot of k ahead of idset_add (a chunk's ids before they are added:
 * the probes of a large set then wait for memory together, not one after another). */
void idset_prefetch(const idset *s, const unsigned char k[16]);
size_t idset_add(idset *s, const unsigned char k[16], size_t rec);
void idset_free(idset *s);
/* The earlier record with record rec's id, or (size_t)-1: found in ids by the one pass, taken
 * by the final pass from what the claims pass found (claims_drop_repeats, batch.c). */
size_t batch_dup_check(batch *b, idset *ids, const unsigned char hash[16], size_t rec);
/* "duplicate id 'ID' (first seen in record N)". */
void batch_dup_message(char *buf, size_t cap, int lang, const char *id, size_t first);
/* The claims pass: record i's spill entry in the chunk, with its packing when p is valid. */
void spill_put(chunk *c, size_t i, const calc_profile *p, const unsigned char hash[16]);
/* The claims pass's writer: the chunk's entries to the spill file. */
void spill_write(batch *b, const chunk *c);
/* After the claims pass: the spill ready to be read from its start. */
void spill_rewind(batch *b);
/* The final pass, asked by the reader for each record it finds: reads the record's entry; the
 * record needs reading (text, tree) only when the claims pass kept no profile for it. */
bool spill_need(void *ud);
/* A temporary file in dir, gone when closed (even after a crash), or NULL. */
FILE *batch_temp_file(const char *dir);

/* ---- batchmanifest.c: the manifest ---- */
/* Writes o->manifest for a completed run of b (command "batch" or "allocate"): the rules, as_of,
 * the options that change results, each input's and the results' digests; 0 or CALC_EIO. */
int batch_manifest_write(const batch *b, const char *command);
/* Reads the manifest of a batch at path (its tree into *m, in a) into b: its date (unless
 * as_of_given), its options and, when b names none, its inputs. 0, or a CALC_E* code after a
 * message on b->err or with the problems in d (not JSON). */
int manifest_read(const char *path, arena *a, calc_batch_opts *b, bool as_of_given,
                  const value **m, calc_diags *d);
/* Where the manifest's checks are said (the replay's report, in lang), and whether one failed. */
typedef struct manifest_report {
    FILE *out;
    int lang;
    bool failed;
    const char *verify_key; /* the public key its signature must verify with, or NULL */
} manifest_report;
/* The text of m's member key (a scalar), or NULL: m no mapping, key absent or not a scalar. */
const char *json_text(const value *m, const char *key);
/* Checks manifest m (read from path) against the files: its own digest, b's scenario's and
 * inputs', the results file's digest and lines; notes another calc version. */
void manifest_check(manifest_report *r, const char *path, const value *m,
                    const calc_batch_opts *b, const char *results);

/* ---- batchout.c: the output files and the summary ---- */
/* Copies standard input to a temporary file in dir, so that it can be read twice: a file
 * without a name (removed as it is made, so that no signal leaves it behind), open at *fd and
 * opened again through the returned /dev/fd/N; close *fd when done. */
char *batch_spool_stdin(const char *dir, FILE *err, int *fd);
/* When an input was not read to its end (b->unread) and the run had files to write, says that
 * none was written; whether b->unread. */
bool batch_unread_said(const batch *b);
/* Where the results go: the output file, or for a workbook (CALC_OUT_XLSX) a temporary file of
 * result lines, made into the workbook's results sheets by batch_out_close, when the summary
 * and pools sheets that follow them are known. */
typedef struct batch_out {
    calc_outfile of;
    struct xlsx *x;
    FILE *f; /* what the results are written into: lines, or CSV rows after their header */
} batch_out;
/* Opens the output of b's options, dated as_of (a workbook's document date); 0, or CALC_EIO
 * after a message. */
int batch_out_open(batch_out *out, const batch *b, calc_date as_of);
/* Completes the output (a workbook: the results, the summary and the pools — stats and the
 * allocated claims, or NULL without pools); 0 or CALC_EIO after a message. */
int batch_out_close(batch_out *out, const batch *b, const summary *s, const pool_stat *ps,
                    const claims *cl);
/* The summary as JSON (json) and as a table (table) in the options' language, either NULL;
 * pool stats and the allocated claims, or NULL. */
void batch_summary(const batch *b, const calc_engine *e, const summary *s, const pool_stat *ps,
                   const claims *cl, FILE *json, FILE *table);
/* The progress line on stderr (in: the input being read, for an ETA). */
void batch_progress(const batch *b, size_t done, double t0, calc_input *in, bool final);
double batch_now(void);

#endif
