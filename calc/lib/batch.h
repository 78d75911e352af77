/* batch.h — population evaluation, for the library's modules: inputs read one record at a
 * time (input.c, csvin.c), records validated into profiles (population.c), claims on budget
 * pools and their allocation (pools.c), the summary's counters, and CSV rows made from results
 * (csvout.c). `calc batch` and `calc allocate` themselves are batch.c and its parts (batchrun.h);
 * `calc whatif`, `--solve` and `calc near` are whatif.c and near.c. */
#ifndef CALC_BATCH_H
#define CALC_BATCH_H

#include "engine.h"

/* ---- inputs (input.c) ---- */

enum { IN_JSONL, IN_YAML, IN_CSV };

/* A CSV column as diagnostics name it (csvin.c): its letter, the header's text and the field
 * path it names ("stores[0].area_m2" for 门店1.面积). */
typedef struct csvcol {
    char letter[8];
    const char *head, *path;
} csvcol;

typedef struct rec_in {
    unsigned line;
    const char *text; /* JSON Lines: the raw line, parsed by a worker */
    size_t len;
    value *doc;       /* YAML and CSV: the tree built by the reader */
    int err_code;     /* the reader already found a problem (diagnostics attached) */
    char *err_text, *err_text_zh; /* its message as one line, in English and Chinese */
    /* CSV: the row as a spreadsheet numbers it (the header is row 1) and the columns, which
     * live as long as the record (see input_records_in) */
    unsigned row;
    const csvcol *cols;
    size_t ncols;
    /* read with input_defer_rows, a record's text as the reader cut it, to be read on a
     * worker (input_read_deferred): a CSV row (its lines, from its first cell; csvin_row, with
     * the header's shape; hint: the lines its unclosed quote swallowed are read again as rows)
     * or a YAML document (yaml: its lines from the first, rec->line, of the file named
     * yaml_file) */
    const char *row_text;
    size_t row_len;
    const struct csvshape *shape;
    bool row_hint, yaml;
    const char *yaml_file;
} rec_in;

typedef struct calc_input calc_input;
int input_format_of(const char *path);
/* Opens an input of format (IN_*); a CSV's text is read in encoding (CALC_ENC_*, 0: found
 * from its bytes), and any other format refuses an encoding but UTF-8's (CALC_EUSAGE). */
calc_input *input_open(const char *path, int format, int encoding, const calc_schema *s,
                       calc_error *err);
/* Reads from an open stream the caller keeps (and closes); a problem with the encoding is the
 * first record's (input_next stops). */
calc_input *input_open_stream(FILE *f, const char *name, int format, int encoding,
                              const calc_schema *s);
/* The records read from now on live in arena a (a batch chunk's) and may outlive the input:
 * what they share with it, a CSV's columns, is copied into a once. */
void input_records_in(calc_input *in, arena *a);
/* A CSV read in an encoding other than UTF-8: the note that says so ("按 GB18030 编码读取
 * x.csv", lang 1 "read x.csv as GB18030") into b, and its JSON object for a summary's notes
 * into json (either may be NULL); false (nothing written) for UTF-8 and other formats. */
bool input_encoding_note(const calc_input *in, int lang, sbuf *b, sbuf *json);
/* Names the cells of CSV record r in the diagnostics d->v[from..] about them (validation's,
 * which give a cell's position only). */
void csvin_name_cells(calc_diags *d, size_t from, const rec_in *r);
/* The records of in — a CSV's rows, a YAML stream's documents — come back from now on as
 * their text (rec->row_text) for input_read_deferred to read, so that a worker parses them
 * rather than the reader. The records must be kept in an arena (input_records_in). */
void input_defer_rows(calc_input *in);
/* Reads the record r holds as text (input_defer_rows) into its value tree (r->doc) — a CSV
 * row with libcsv (csvin_row), a YAML document with libyaml: what input_next would have given
 * for it, with the same diagnostics in d. */
void input_read_deferred(rec_in *r, arena *a, calc_diags *d);
void csvin_row(rec_in *r, arena *a, calc_diags *d);
/* 1 with a record, 0 at the end, a negative CALC_E* when the input cannot go on. */
int input_next(calc_input *in, arena *a, rec_in *rec, calc_diags *d);
long long input_size(const calc_input *in);
/* need is asked once a record is found, before it is copied or parsed; when it says no, the
 * record comes back with its line only (batch's second pass, which kept the profile). */
void input_set_need(calc_input *in, bool (*need)(void *ud), void *ud);
long long input_pos(const calc_input *in);
const char *input_path(const calc_input *in);
/* The name in's diagnostics and notes give it (a kept standard input is "<stdin>", never its
 * temporary file); name must outlive in. */
void input_set_name(calc_input *in, const char *name);
/* x: the error of an input read to its end without a record (an empty export is no
 * population), named name. */
void input_empty_error(calc_error *x, const char *name);
void input_close(calc_input *in);

/* ---- records into profiles (population.c) ---- */

/* How record_profile validates: RP_QUICK lets a JSON Lines record without --set go straight
 * into the profile (calc_json_profile; the value tree only when it is not valid, for the
 * diagnostics); RP_CHAR_COLUMNS gives the validation errors of a JSON Lines record character
 * columns (calc batch's messages) instead of byte columns. */
enum { RP_QUICK = 1, RP_CHAR_COLUMNS = 2 };
/* Record r of file as a validated profile in p, the --set overrides applied to its document
 * before validation: 0, or the first error code with every problem in d. The record's text
 * and tree must not live in p's arena when RP_QUICK is given (a failed short way empties it). */
int record_profile(calc_profile *p, const calc_schema *s, const char *file, const rec_in *r,
                   const char *const *sets, int nsets, unsigned how, calc_diags *d);
/* The slot of a profile's `applied` date (the order of first-come pools) in schema s, or -1
 * when the schema has none; and a profile's applied date by that slot (unset when -1). */
int applied_slot(const calc_schema *s);
const pval *profile_applied(const calc_profile *p, int slot);
/* The same for the enterprise's `name` (a string): its slot or -1, and a profile's name or
 * NULL (absent, or no such field). */
int name_slot(const calc_schema *s);
const char *profile_name(const calc_profile *p, int slot);
/* Input f of o's inputs (- is JSON Lines on stdin, unless o names a format), or NULL with the
 * reason added to d. */
calc_input *population_open(const calc_batch_opts *o, int f, const calc_schema *s,
                            calc_diags *d);
/* The next valid profile of an input, with o's --set overrides applied: 1 with *out (freed
 * with calc_profile_free), 0 at the end. Invalid records are left out, as batch rejects them,
 * and counted in *rejected. */
int population_next(calc_input *in, calc_engine *e, const calc_batch_opts *o, calc_profile **out,
                    size_t *rejected);

/* ---- claims on budget pools (pools.c) ---- */

/* A claim of one record on a pool, and what the pool grants it. */
typedef struct claim { /* in this order: 64 bytes, a claim of every pooled result of a run */
    size_t record; /* 0-based over the whole run */
    char *id;
    int64_t amount, quantity;     /* claimed */
    int64_t g_amount, g_quantity; /* granted */
    calc_date applied;
    int pool, policy;
    bool has_applied;
    bool changed, exhausted, floored;
} claim;

typedef struct claims {
    claim *v;
    size_t n, cap;
} claims;

void claims_push(claims *c, const claim *x);
/* Appends the claims of one evaluated record (number record, id kept by the caller, applied
 * date in `applied` or NULL): every eligible result of a pooled policy, in policy order — only
 * those on pool `pool` when it is >= 0, and only policy pi's when that is >= 0. */
void claims_add_result(claims *c, const calc_engine *e, const calc_result *r, size_t record,
                       const char *id, const pval *applied, int pool, int pi);
/* Every claim of record rec in c (sorted by record): [*lo, return value). */
size_t claims_of_record(const claims *c, size_t rec, size_t *lo);
/* A grant that leaves nothing (no money, or no units of an in-kind claim): the result becomes
 * ineligible, with the reason that the pool ran out or floored the share. */
bool claim_voided(const calc_engine *e, const claim *x);

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

/* What a pool's allocation did to its claimants, counted from the allocated claims: served in
 * full, partly (a pro-rata share, or the first-come boundary's remainder) and turned away
 * (nothing left, or a share floored to 0.00: such a result is ineligible). */
typedef struct pool_outcome {
    size_t served, partly, turned_away;
} pool_outcome;
/* Adds every claim of c to its pool's outcome (pools: one per pool) and to its policy's (pols:
 * one per policy, or NULL). */
void pool_outcomes(const calc_engine *e, const claims *c, pool_outcome *pools,
                   pool_outcome *pols);

/* Allocates every pool over the claims (book §1, Budget pools); fills g_* and changed. */
int pools_allocate(calc_engine *e, claims *c, pool_stat *stats);
/* The ran_out_id of each of e's pools, and stats. */
void pool_stats_free(const calc_engine *e, pool_stat *stats);
/* Rewrites one result line (a JSON object) with its changed claims: status, amount,
 * quantity, reasons and totals. Writes the new line (with newline) to out. */
int pools_rewrite(calc_engine *e, const char *line, size_t len, const claim *cl, size_t ncl,
                  sbuf *out, calc_diags *d);
/* The same changes made to an evaluated result (batch's final pass), its totals made again
 * (result_totals, engine.c). */
void pools_apply(calc_engine *e, calc_result *res, const claim *cl, size_t ncl);

/* Summary counters: per policy and status, with granted totals. */
typedef struct summary {
    size_t read, evaluated, rejected;
    size_t npol;
    size_t (*count)[6];
    /* exact sums (a grant taken back by a pool is subtracted from the exact figure); shown
     * through summary_fit, and a sum that does not fit an amount fails the run
     * (summary_check) */
    __int128 *granted;
    __int128 *quantity;
    __int128 cash, in_kind;
} summary;
void summary_init(summary *s, size_t npol);
void summary_add(summary *s, int pi, int status, int kind, int64_t amount, int64_t quantity,
                 int sign);
/* A sum as an amount: the nearest value an amount can hold. */
int64_t summary_fit(__int128 v);
/* Whether a sum does not fit an amount. */
bool summary_overflow(const summary *s);
/* Names each sum of s that does not fit an amount on err; returns CALC_EXIT_POLICY when one
 * does not, else 0. */
int summary_check(const calc_engine *e, const summary *s, FILE *err);
void summary_free(summary *s);

/* ---- rows for spreadsheets (csvout.c; the tree's and the header's are csv_rows, result.h) ----
 * Words (titles, statuses, reasons) are Chinese for lang 0, English for 1. */

/* The CSV rows of an evaluated result of the enterprise called name (or NULL): the same bytes
 * csv_rows gives for its result line. */
void csv_result_rows(sbuf *out, const calc_engine *e, const calc_result *r, const char *name,
                     int lang);
/* The row of an invalid record: the same bytes csv_rows gives for its error line. */
void csv_error_row(sbuf *out, size_t record, unsigned line, const char *msg, const char *msg_zh,
                   int lang);
/* A result's status in words, with what a pool did to its claim x (NULL: no claim). */
const char *claim_status_words(const calc_engine *e, int status, const claim *x, int lang);
/* The words of a result's reasons: its failed conditions, what it misses, what superseded it,
 * its error. */
void result_words(sbuf *w, const calc_engine *e, const pres *r, int lang);
/* ---- the compact form (compactout.c; README.md "Compact results") ---- */
/* Its header line: "# id total" and the set's policy ids, in the order of the results. */
void compact_header(sbuf *b, const calc_engine *e);
/* A record's line: its id, its total, per policy the status letter and the amount. */
void compact_result(sbuf *b, const calc_result *r);
/* The line of an invalid record: "! RECORD LINE message". */
void compact_error_line(sbuf *out, size_t record, unsigned line, const char *msg);
/* A status name's index, or -1 (batchout.c). */
int batch_status_of(const char *s);
struct xlsx;
/* Starts a workbook's results sheet (结果, going on in 结果2 …): its header. */
void xlsx_results_sheet(struct xlsx *x, int lang);
/* The rows of a result line (its tree; an error line: one row) in the results sheet, the
 * cells of its CSV rows typed: amounts as money, quantities as numbers. */
void xlsx_result_rows(struct xlsx *x, const calc_engine *e, const value *line, int lang);

#endif
