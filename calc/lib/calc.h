/* calc.h — the public API of libcalc: load a policy set, load enterprise profiles, evaluate,
 * and write results. Every other header in calc/ is private to the library.
 * Money is int64_t fen; dates are days since 1970-01-01; nothing here uses floating point. */
#ifndef CALC_H
#define CALC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

/* Error codes: 0 is success, failures are negative. */
enum {
    CALC_OK = 0,
    CALC_EUSAGE = -1,   /* bad flag or argument (exit 2) */
    CALC_EIO = -2,      /* unreadable file, failed write (exit 2) */
    CALC_ESYNTAX = -3,  /* YAML syntax (exit 3) */
    CALC_ESCHEMA = -4,  /* input does not match the schema or the set is malformed (exit 3) */
    CALC_EPOLICY = -5,  /* a policy failed to load or to evaluate (exit 4) */
    CALC_ELIMIT = -6,   /* a size, depth, instruction or memory limit was hit */
    CALC_ENOMEM = -7,   /* out of memory (exit 2) */
    CALC_ECHECK = -8    /* a check failed: replay mismatch, lint problem (exit 1) */
};

/* Exit statuses of the CLI. When several apply, the largest wins. */
enum { CALC_EXIT_OK = 0, CALC_EXIT_CHECK = 1, CALC_EXIT_USAGE = 2, CALC_EXIT_INPUT = 3,
       CALC_EXIT_POLICY = 4 };

/* The languages of calc's text: Chinese (the default) and English. */
enum { CALC_LANG_ZH = 0, CALC_LANG_EN = 1 };

/* One diagnostic: fixed-size buffers, so reporting needs no heap. line/col are 1-based, 0 when
 * unknown. severity: 0 error, 1 warning, 2 note. Every message is in both languages: msg and
 * hint in English (what programs that read them have always read), msg_zh and hint_zh in
 * Chinese (the English text where calc's message catalogue has no Chinese form). */
typedef struct calc_error {
    int code;
    int severity;
    char file[256];
    unsigned line, col;
    char path[128]; /* field path the message is about, or "" */
    char msg[512];
    char hint[768];
    /* a CSV cell, printed in place of the column: its letter, its row when that is not the
     * file's line (a cell above spans lines) and its header unless the header is the path —
     * "C（研发投入）", "C5", "C (R&D expense)"; or "" */
    char cell[160];
    char msg_zh[768];
    char hint_zh[1024];
} calc_error;

/* A growable list of diagnostics (validation reports every error in a file). */
typedef struct calc_diags {
    calc_error *v;
    size_t n, cap;
    size_t max; /* stop recording after this many (0: 100) */
    size_t dropped; /* problems past max, not recorded: said, never silently */
} calc_diags;

typedef struct calc_engine calc_engine;
typedef struct calc_profile calc_profile;
typedef struct calc_result calc_result;

typedef int64_t calc_money; /* fen */
typedef int32_t calc_date;  /* days since 1970-01-01 */

/* ---- errors ---- */
/* fmt is an English format of calc's message catalogue: the message is made in English and,
 * with the same arguments, in Chinese (arguments made by calc_msg_arg in their Chinese form).
 * Returns code. */
int calc_error_set(calc_error *err, int code, const char *file, unsigned line, unsigned col,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The hint, made in both languages as calc_error_set makes the message. err may be NULL. */
void calc_error_hint(calc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message or hint of err in lang (CALC_LANG_*). */
const char *calc_error_text(const calc_error *err, int lang);
const char *calc_error_hint_text(const calc_error *err, int lang);
/* Prints "file:line:col: error: msg" and a note line for the hint, in the language of the
 * settings (calc_settings.lang: "file:line:col: 错误：msg" and "提示：" in Chinese); echoes
 * the source line with a caret when the file can be read. */
void calc_error_print(FILE *out, const calc_error *err);
calc_error *calc_diags_add(calc_diags *d);
void calc_diags_print(FILE *out, const calc_diags *d);
int calc_diags_errors(const calc_diags *d);
void calc_diags_free(calc_diags *d);
/* Exit status for a library error code. */
int calc_exit_status(int code);

/* ---- messages in two languages ----
 * calc's message catalogue pairs every English message format with its Chinese form (the same
 * conversions in the same order). The language is the caller's choice, per call: the library
 * never asks the process's locale. */
/* fmt (an English format of the catalogue) formatted into buf in lang; never cuts a UTF-8
 * character. Returns buf. */
char *calc_msg_format(char *buf, size_t size, int lang, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
char *calc_msg_vformat(char *buf, size_t size, int lang, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* A text of the catalogue as an argument of a message: the same text, marked so that the
 * Chinese form of the message shows its Chinese form ("expected an amount in yuan (%s)" with
 * calc_msg_arg("too large")). Any other text is returned as it is and shown as it is. */
const char *calc_msg_arg(const char *en);
/* A plain text of the catalogue (not a format) in lang: its Chinese form, or en itself. */
const char *calc_msg_text(const char *en, int lang);
/* The system's reason for errnum (strerror), as an argument the same way when the catalogue
 * has its Chinese form ("No such file or directory": "文件或目录不存在"). */
const char *calc_msg_errno(int errnum);

/* ---- limits ---- */
/* What one evaluation, one Lua state and one input may use. Process-wide: set them once, before
 * creating engines or reading input (the CLI's --max-* flags). */
typedef struct calc_limits {
    long instructions; /* Lua instructions per policy call (2,000,000) */
    size_t memory;     /* bytes per Lua state, i.e. per engine (64 MiB) */
    size_t input;      /* bytes of one input file (16 MiB) */
    size_t scalar;     /* bytes of one value (1 MiB) */
    int depth;         /* nesting levels of a document (64; 8 to 256) */
    long wall_ms;      /* wall-clock backstop per policy call in ms (0: none; the server's) */
} calc_limits;
void calc_limits_default(calc_limits *out);
int calc_limits_set(const calc_limits *l, calc_error *err);
const calc_limits *calc_limits_get(void);

/* ---- output files ---- */
/* An output written to a temporary file beside its name and renamed when complete, so that an
 * interrupted run never leaves a truncated result that looks complete. A path of NULL or "-"
 * is standard output; a device or pipe (/dev/null) is written in place. */
typedef struct calc_outfile {
    FILE *f;
    char *tmp;
    const char *final;
    int slot; /* its place among the temporary files calc_out_abandon removes */
} calc_outfile;
/* 0, or CALC_EIO with a message naming the file and the system's reason on err. */
int calc_out_open(calc_outfile *of, const char *path, FILE *err);
/* Closes; with keep, renames the temporary file into place, else removes it. 0 or CALC_EIO
 * ("cannot write out.jsonl: No space left on device"). */
int calc_out_close(calc_outfile *of, bool keep, FILE *err);
/* Removes every temporary output file still open. Async-signal-safe: for a program's signal
 * handler, before it ends the process. */
void calc_out_abandon(void);

/* ---- money and dates ---- */
/* Parses yuan as people write them — "8000000", "8000000.50", "1,200,000" (groups of three),
 * "1.5万" (× 10^4), "2.3亿" (× 10^8), "¥1,200,000.00", "150万元" — exactly: more than two
 * decimals of yuan after scaling is refused. 0 or CALC_ESCHEMA with a reason in *why. */
int calc_money_parse(calc_money *out, const char *s, size_t len, const char **why);
/* Writes "1234.50" (or "-1234.50") into buf (at least 32 bytes); returns buf. */
char *calc_money_format(char *buf, calc_money v);
/* "1,234.50" with thousands separators, buf at least 40 bytes. */
char *calc_money_format_grouped(char *buf, calc_money v);
/* p% of x where p is in hundredths of a percent (1000 = 10%), rounded half up to the fen. */
int calc_money_pct(calc_money *out, calc_money x, int64_t p_hundredths);
/* floor(x * num / den) for x >= 0, den > 0; no overflow for any int64 inputs. */
calc_money calc_money_muldiv_floor(calc_money x, calc_money num, calc_money den);
int calc_date_parse(calc_date *out, const char *s, size_t len);
char *calc_date_format(char *buf, calc_date d); /* buf at least 11 bytes */
/* Months as people write them: 2024-03, 2024-3, 2024/3, 2024年3月 — a four-digit year, one kind of
 * separator; the month's first day into out. 0 or CALC_ESCHEMA. */
int calc_month_parse(calc_date *out, const char *s, size_t len);
char *calc_month_format(char *buf, calc_date d); /* "2024-03", buf at least 8 bytes */
calc_date calc_date_years_before(calc_date d, int years);
calc_date calc_date_today(void);

/* ---- engine ---- */
/* Loads the policy set in dir: schema.yaml, set.yaml, the lib/ scripts and every policy file. A
 * policy that fails to load does not fail the set: it evaluates to an `error` result. Returns
 * NULL and fills err on a structural failure (schema or set declarations). */
calc_engine *calc_engine_new(const char *dir, calc_error *err);
void calc_engine_free(calc_engine *e);
/* Diagnostics gathered while loading (policy load failures, warnings). */
const calc_diags *calc_engine_diags(const calc_engine *e);

/* ---- what the program tells the library of its process ----
 * The library reads no environment variable: the program passes what it takes from there
 * ($TMPDIR, CALC_NO_SOURCE …) once, before making engines, like calc_limits. */
typedef struct calc_settings {
    const char *tmpdir; /* temporary files (a kept stdin, the spill, replayed rule sets); NULL:
                         * /tmp */
    bool no_source;     /* diagnostics do not echo their source line under the message */
    long xlsx_rows;     /* rows per sheet of a workbook, its header row included, before the
                         * rows go on in a further sheet (0: Excel's 1,048,576; tests set
                         * fewer) */
    int lang;           /* the language of diagnostics the library prints (CALC_LANG_*) */
    bool check_messages; /* a message with no Chinese form is reported on standard error
                          * ("calc: internal error: no Chinese form …"): for the tests */
} calc_settings;
void calc_settings_set(const calc_settings *s);
const calc_settings *calc_settings_get(void);
/* The directory temporary files go to (settings' tmpdir, or /tmp). */
const char *calc_tmpdir(void);

/* The policy set's fingerprint (hex SHA-256; see fingerprint.c for the canonical form). */
const char *calc_engine_fingerprint(const calc_engine *e);
/* `calc fingerprint`: the set's, each policy's and each file's fingerprints. */
int calc_fingerprint_write(FILE *out, const calc_engine *e);

/* ---- what-if ---- */
struct calc_batch_opts;
/* Applies a scenario file (YAML: name, params {POLICY.PARAM: value in its unit}, off [ids],
 * pools {name: size}, in_force {id: [from, to]}) to this engine; every problem is in diags. */
int calc_scenario_load(calc_engine *e, const char *path, calc_diags *d);
/* The same for scenario text in memory (path names it in messages). */
int calc_scenario_parse(calc_engine *e, const char *path, const char *text, size_t len,
                        calc_diags *d);
/* Applies one POLICY.PARAM=VALUE override (the --param flag). */
int calc_engine_param(calc_engine *e, const char *arg, calc_diags *d);
/* Baseline (results[0]) and scenarios side by side: a table, or JSON with the change of every
 * policy and of the totals. */
int calc_compare_write(FILE *out, const calc_engine *const *engines,
                       const calc_result *const *results, int n, int json, int lang);
/* `calc sweep`: the profile evaluated for each value FROM..TO by STEP of one field
 * (vary = "PATH=FROM:TO:STEP"); format 0 table, 1 CSV, 2 SVG chart. */
int calc_sweep(FILE *out, calc_engine *e, const char *profile, const char *const *sets,
               int nsets, const char *vary, const char *const *only, int nonly, calc_date as_of,
               int format, int lang, calc_diags *d);
/* `calc whatif`: the population of o->inputs under base and scen, pools applied in both; per
 * policy and pool, overall and by the field `by` (or NULL). format: 0 table, 1 JSON, 2 CSV,
 * 3 a workbook (.xlsx) written to o->output, which must name a file. */
int calc_whatif(FILE *out, calc_engine *base, calc_engine *scen, const struct calc_batch_opts *o,
                const char *by, int format, int lang, calc_diags *d);
/* What `calc whatif --solve` is asked. */
typedef struct calc_solve_opts {
    const char *target;  /* POLICY.PARAM */
    const char *budget;  /* --budget AMOUNT (yuan; units or m² with a pool of them), or NULL */
    const char *pool;    /* --pool NAME: the budget bounds the claims on that pool, or NULL */
    const char *against; /* --against: "budget" (NULL: the same), "pool" (the policy's pool) or
                          * "pool:NAME": the claims on that pool must also stay within its size */
    int json;            /* JSON instead of the text */
    int lang;            /* 0 zh, 1 en */
} calc_solve_opts;
/* `calc whatif --solve POLICY.PARAM --budget AMOUNT [--pool NAME] [--against pool[:NAME]]`: the
 * largest value of a cap or rate (the smallest of a threshold) whose total cost — or pool
 * claims — stays within the budget (and, against a pool, whose claims on it stay within its
 * size); money to the fen, percent to 0.01 %. Says which constraint binds; when the budget
 * cannot bind because the policy's pool binds first, says so, names the pool, gives no value
 * and returns CALC_ECHECK (as when no value is within the budget). */
int calc_solve(FILE *out, calc_engine *e, const struct calc_batch_opts *o,
               const calc_solve_opts *so, calc_diags *d);
/* `calc near`: enterprises ineligible only by numeric thresholds within `within` ("20%") of
 * the value needed, with what they need (proven) and what it would bring. format as
 * calc_whatif's. */
int calc_near(FILE *out, calc_engine *e, const struct calc_batch_opts *o, const char *within,
              int format, int lang, calc_diags *d);
/* The name of the scenario applied, or NULL. */
const char *calc_engine_scenario(const calc_engine *e);

/* ---- profiles ---- */
/* Loads and validates one profile (YAML). Returns NULL when any error was found; every error
 * is in diags. */
calc_profile *calc_profile_load(calc_engine *e, const char *path, calc_diags *diags);
calc_profile *calc_profile_parse(calc_engine *e, const char *name, const char *text, size_t len,
                                 calc_diags *diags);
/* The same, with --set overrides "PATH=VALUE" applied to the document before validation. */
calc_profile *calc_profile_load_set(calc_engine *e, const char *path, const char *const *sets,
                                    int nsets, calc_diags *diags);
calc_profile *calc_profile_parse_set(calc_engine *e, const char *name, const char *text,
                                     size_t len, const char *const *sets, int nsets,
                                     calc_diags *diags);
void calc_profile_free(calc_profile *p);
const char *calc_profile_id(const calc_profile *p);
/* The canonical form of a validated profile: compact JSON, fields in schema order, defaults
 * applied, money as "123.45" strings. Its SHA-256 is the profile's fingerprint, unchanged by
 * reformatting the YAML (key order, quoting, comments). */
int calc_profile_canonical_write(FILE *out, const calc_profile *p);
void calc_profile_fingerprint(const calc_profile *p, char out[65]);

/* ---- evaluation ---- */
/* What one evaluation records and computes. Zero (or a NULL pointer) is the full evaluation:
 * every condition recorded, no computation steps, the profile's fingerprint, every policy. */
typedef struct calc_eval_opts {
    bool explain;         /* record computation steps (--explain; it costs time in batch) */
    bool failures_only;   /* record only the failed conditions (batch without --explain) */
    bool no_fingerprint;  /* trial evaluations: the profile's fingerprint is not computed */
    bool no_words;        /* records without their sentences for people (a line for machines:
                           * batch's JSON Lines without --explain) */
    bool claims_only;     /* statuses and amounts only: no records, no fingerprint, the first
                           * failing condition decides (batch's claims pass, what-if costs) */
    const bool *only;     /* evaluate only these policies (by index), or NULL for all */
    const int *claims_comp; /* with claims_only: each policy's group/cap component, so that
                             * a pooled policy's partners are evaluated only when it claims */
} calc_eval_opts;
calc_result *calc_eval_with(calc_engine *e, const calc_profile *p, calc_date as_of,
                            const calc_eval_opts *o);
/* The full evaluation: calc_eval_with(e, p, as_of, NULL). */
calc_result *calc_eval(calc_engine *e, const calc_profile *p, calc_date as_of);
void calc_result_free(calc_result *r);
/* Adds to every ineligible or needs_data result of r the field changes that would make it
 * eligible, each set proven by evaluating a copy of p with them (p is not touched). */
void calc_qualify(calc_engine *e, const calc_profile *p, calc_result *r);
/* The worst exit status the result implies: 4 when a policy errored, else 0. */
int calc_result_exit(const calc_result *r);

enum { CALC_FMT_TABLE, CALC_FMT_JSON };
typedef struct calc_output_opts {
    int format;  /* CALC_FMT_* */
    int explain; /* add conditions, steps and sources */
    int lang;    /* 0 zh, 1 en */
} calc_output_opts;
int calc_result_write(FILE *out, const calc_engine *e, const calc_result *r,
                      const calc_output_opts *o);

/* ---- schema, template, policies ---- */
int calc_schema_write(FILE *out, const calc_engine *e, int lang);
int calc_template_write(FILE *out, const calc_engine *e);
/* `calc init --format csv`: a CSV for a spreadsheet — a header of the fields' Chinese labels
 * (lists of items as numbered columns: 门店1.门店类型 …) and one row with example's values
 * as people write them (enum labels, 是/否), or the schema's defaults when example is NULL;
 * `calc batch` reads it back to example. 0 or CALC_EIO. */
int calc_template_csv_write(FILE *out, const calc_engine *e, const calc_profile *example);
int calc_policies_write(FILE *out, const calc_engine *e, calc_date as_of, int lang);
int calc_policy_show(FILE *out, const calc_engine *e, const char *id, int lang, calc_error *err);
/* Lints the set: returns 0 when clean, CALC_ECHECK on a lint problem, CALC_EPOLICY when a policy
 * failed to load; every finding goes into diags. */
int calc_policies_check(const calc_engine *e, calc_date today, calc_diags *diags);

/* ---- cases ---- */
/* `calc record`: writes a case file (YAML) for the profile: the profile inline, the full
 * outcome, the fingerprints, each policy's parameters and conditions as they were, and with
 * embed the policy set's sources too (for `calc replay --as-recorded`). */
int calc_record(FILE *out, calc_engine *e, const calc_profile *p, calc_date as_of, int embed,
                const char *name);
/* `calc report`: an estimate report (测算报告) per case of the case files (HTML, or Markdown), in Chinese
 * (lang 0) or English (1). */
int calc_report(FILE *out, calc_engine *e, const char *const *paths, int n, int html, int lang,
                calc_diags *d);
/* Records every case of a case file again (its profile and as_of) under the current rules. */
int calc_record_cases(FILE *out, calc_engine *e, const char *path, int embed, calc_diags *d);
/* What `calc record` stores besides the outcome: the recording's metadata (signed with the
 * rest), and whether to embed the rules and sign the case's digest. Evaluation reads no clock:
 * the time of recording is the caller's. */
typedef struct calc_record_opts {
    int embed;            /* embed the policy set's sources (for --as-recorded) */
    const char *name;     /* the case's name, or NULL for "ID as of DATE" */
    const char *at;       /* recorded.at: the UTC time "2026-12-02T01:30:00Z", or NULL */
    const char *by;       /* recorded.by: who recorded it, or NULL */
    const char *sign_key; /* an Ed25519 private key (PEM): sign the digest, or NULL */
} calc_record_opts;
/* calc_record with options; a failure to sign is in err (then nothing is written). */
int calc_record_with(FILE *out, calc_engine *e, const calc_profile *p, calc_date as_of,
                     const calc_record_opts *o, calc_error *err);
int calc_record_cases_with(FILE *out, calc_engine *e, const char *path,
                           const calc_record_opts *o, calc_diags *d);
/* Replay options: strict fails a case whose rules changed since recording even when its
 * results agree; as_recorded evaluates a case with the policy set embedded in it. */
void calc_engine_set_replay(calc_engine *e, int strict, int as_recorded);
/* Replay --verify: the Ed25519 public key (PEM) every replayed case must be signed with, or
 * NULL. The path is kept, not copied. */
void calc_engine_set_replay_key(calc_engine *e, const char *pubkey_path);
typedef struct calc_replay_stats {
    int passed, failed, invalid;
} calc_replay_stats;
/* Replays every case in path (a file or a directory of *.yaml files); writes PASS/FAIL lines
 * and field-level diffs to out, problems to diags. */
int calc_replay(FILE *out, calc_engine *e, const char *path, calc_replay_stats *stats,
                calc_diags *diags);
/* The same for case-file text already in memory (path names it in messages and resolves
 * relative profile paths). */
int calc_replay_text(FILE *out, calc_engine *e, const char *path, const char *text, size_t len,
                     calc_replay_stats *stats, calc_diags *diags);

/* `calc verify`: checks every case of the case file path: its digest against its content and
 * its signature against the public key; writes VERIFIED (signer's key fingerprint, recorded at
 * and by) or NOT VERIFIED (why) per case. verified/failed count the cases. */
int calc_verify_cases(FILE *out, const char *path, const char *pubkey_path, int *verified,
                      int *failed, calc_diags *diags);

/* ---- signatures (sign.c) ----
 * Ed25519 through OpenSSL over a digest's 64 hex characters (the ASCII text is the message).
 * key_fp gets "sha256:" and the SHA-256 of the public key's DER. */
int calc_sign_digest(const char *key_path, const char digest_hex[65], char *sig_b64, size_t cap,
                     char key_fp[72], calc_error *err);
/* 0 when sig_b64 is key's signature of digest_hex; else CALC_ECHECK (a wrong signature),
 * CALC_EUSAGE (the file is no Ed25519 key) or CALC_EIO (it cannot be read), with the reason in
 * err; calc_sign_digest fails the same ways. key_fp is filled once the key is read. */
int calc_verify_digest(const char *pub_path, const char digest_hex[65], const char *sig_b64,
                       char key_fp[72], calc_error *err);

/* the history of enterprises read from the grants ledger (below) */
typedef struct calc_history calc_history;

/* ---- batch ---- */
/* CALC_OUT_XLSX: a workbook (results, summary and pools sheets) at output, which must name a
 * file; CALC_OUT_COMPACT: one short line per record, its id, total and per policy the status and
 * amount (batch only; README.md "Compact results") */
enum { CALC_OUT_JSONL, CALC_OUT_CSV, CALC_OUT_XLSX, CALC_OUT_COMPACT };
/* The text encoding of CSV input: detected (UTF-8 when the bytes are, else GB18030 when the
 * whole input is), or as given. YAML and JSON are always UTF-8. */
enum { CALC_ENC_AUTO, CALC_ENC_UTF8, CALC_ENC_GBK, CALC_ENC_GB18030 };
typedef struct calc_batch_opts {
    const char *const *inputs; /* paths, "-" for stdin */
    int ninputs;
    int input_format;          /* -1: by extension (stdin: JSON Lines) */
    const char *output;        /* NULL: stdout */
    const char *summary;       /* summary JSON file, or NULL */
    const char *policies;      /* the policy set's directory */
    calc_date as_of;
    int jobs;
    int out_format;            /* CALC_OUT_* */
    int explain, no_pools, progress, quiet, excel, no_eval;
    int lang;                  /* the words of CSV and workbook cells, of the summary table and
                                * of notes (the encoding a CSV was read in): 0 Chinese, 1 English */
    FILE *err;                 /* diagnostics and the summary table (stderr) */
    const char *const *sets;   /* --set PATH=VALUE, applied to every record */
    int nsets;
    const char *scenario;      /* a scenario file applied to the rules, or NULL */
    const char *const *params; /* --param POLICY.PARAM=VALUE */
    int nparams;
    int encoding;              /* CSV inputs: CALC_ENC_* (0: detected) */
    const char *manifest;      /* the replay manifest (JSON, batchreplay.c), written beside the
                                * results when the run completes, or NULL; needs output */
    const char *manifest_key;  /* an Ed25519 private key (PEM) that signs the manifest's digest,
                                * or NULL */
    const calc_history *history; /* --ledger: the enterprises' history, or NULL */
} calc_batch_opts;
/* Evaluates every record of the inputs; 0, or the CALC_E* code of the worst problem met (a
 * bad record CALC_ESCHEMA, a policy error CALC_EPOLICY, an unreadable input or output
 * CALC_EIO), after every good record was written. */
int calc_batch(const calc_batch_opts *o);
/* The reduce step: reads result lines written by `batch --no-pools` (shards, in order),
 * allocates the pools and writes the final grants. 0 or a CALC_E* code, as calc_batch. */
int calc_allocate(const calc_batch_opts *o);
/* `calc replay-batch`: the recorded result lines of a batch compared, record by record, with
 * a run of the same inputs under the rules of batch.policies (the same machinery: threads,
 * streaming, pools). */
typedef struct calc_replay_batch_opts {
    calc_batch_opts batch; /* the run: inputs (none: the manifest's), rules, jobs, options */
    const char *results;   /* the recorded result lines (JSON Lines of calc batch) */
    const char *manifest;  /* the batch's manifest: as_of, options and digests, or NULL */
    bool as_of_given;      /* batch.as_of was given; else the manifest's, else the results' */
    const char *verify_key; /* the Ed25519 public key (PEM) the manifest must be signed with */
    FILE *out;             /* the report, in batch.lang */
} calc_replay_batch_opts;
/* 0 when every record matches and every digest of the manifest holds, CALC_ECHECK when not
 * (every difference named on out), another CALC_E* code when the replay could not run. */
int calc_replay_batch(const calc_replay_batch_opts *o);
/* `calc new POPULATION --ledger L` (newly.c): the enterprises newly entitled — every eligible
 * result of the batch o (o->history set) whose policy, claim year and key the ledger has not
 * granted, one row per key with its share of the amount and the data still to confirm
 * (missing); format 0 a table, 1 JSON, 2 CSV, 3 a workbook at o->output. 0 or a CALC_E* code
 * as calc_batch's. */
int calc_new(FILE *out, const calc_batch_opts *o, int format, int lang);
/* The CALC_E* code of an exit status (calc_exit_status's inverse: 2 is CALC_EIO). */
int calc_status_code(int status);

/* ---- the JSON of the web API (apijson.c): what the server answers, for any program ---- */
/* the profile schema as one JSON object and a newline: "fields"
 * (path, type, enum, label, zh, en, form group, required, min, max, default, in schema order,
 * objects flattened), "enums" ({name: [{value, label}]}) and "policy_set" ("sha256:…"). 0 or
 * CALC_EIO. */
int calc_schema_write_json(FILE *out, const calc_engine *e);
/* {"policies": [{id, title {zh, en}, kind, in_force [from, to],
 * in_force_on_date, group, cap, pool, fingerprint} or {id, title, kind, error}], "policy_set"}
 * and a newline, as of as_of. 0 or CALC_EIO. */
int calc_policies_write_json(FILE *out, const calc_engine *e, calc_date as_of);
/* one policy as in the list, with its source, amount rule, conditions
 * (name, field, required value as of as_of, zh) and parameters (name, value, mark), and a
 * newline. CALC_EUSAGE with err filled (err may be NULL) and nothing written when the set has
 * no policy id; 0 or CALC_EIO otherwise. */
int calc_policy_write_json(FILE *out, const calc_engine *e, const char *id, calc_date as_of,
                       calc_error *err);
/* calc_profile_parse for a JSON object (text, len bytes; name names
 * it in messages): NULL when any error was found, every error in diags with its line and
 * character column. */
calc_profile *calc_profile_parse_json(calc_engine *e, const char *name, const char *text,
                                        size_t len, calc_diags *diags);
/* a what-if in one JSON object — {"profile": {…}, "set": {PATH: value},
 * "scenario": {"name", "params": {POLICY.PARAM: value}, "off": [id…]}} — the profile (with the
 * set's overrides) evaluated under base's rules and under the scenario's (a fresh engine loaded
 * from base's directory), written as calc_compare_write's JSON. 0 when written; otherwise
 * nothing is written, the problems are in diags (none when the scenario's engine could not be
 * loaded) and the result is CALC_ESCHEMA. */
int calc_whatif_json(FILE *out, calc_engine *base, const char *text, size_t len,
                       calc_date as_of, calc_diags *diags);

/* ---- the grants ledger (issue #17; ledger_*.c) ----
 * What the district has granted, paid and revoked, in a database: SQLite (a file, the default)
 * or PostgreSQL ("postgresql://…"), one schema, the same answers byte for byte on both. Rows
 * are never updated: a payment or a revocation is a row of its own naming its grant. Each row
 * carries the SHA-256 of its canonical form and of the previous row's hash (a chain), appends
 * hold a lock on the head, and a round's head can be signed (Ed25519, sign.c). Money in fen. */
typedef struct calc_ledger calc_ledger;
/* Opens the ledger at target: a PostgreSQL URL ("postgresql://…", "postgres://…") or a SQLite
 * file. With create, makes the file if it does not exist and applies every migration the
 * ledger lacks (`calc ledger init`); without, refuses a ledger that is missing or not at this
 * calc's schema version (saying to run calc ledger init). 0, or a CALC_E* code with err
 * filled and *out NULL. */
int calc_ledger_open(calc_ledger **out, const char *target, bool create, calc_error *err);
void calc_ledger_close(calc_ledger *l);
/* The schema version of an open ledger, and the version this calc writes. */
int calc_ledger_version(calc_ledger *l, int *version, calc_error *err);
int calc_ledger_schema_version(void);
/* What messages call the ledger: its file, or its URL without a password. */
const char *calc_ledger_name(const calc_ledger *l);
/* After calc_ledger_open(create): the append-only triggers it made again because they had been
 * dropped (their names), or NULL. */
const char *calc_ledger_restored(const calc_ledger *l);
/* the head: hash hex of the last row ("" for an empty ledger) and its seq (0) */
int calc_ledger_head(calc_ledger *l, char head[65], int64_t *seq, calc_error *err);
typedef struct calc_award { /* one live grant: not revoked */
    const char *enterprise, *policy, *key, *pool; /* pool NULL when none */
    int32_t year;           /* claim year */
    calc_money amount;      /* paid if paid, else granted */
    int64_t quantity;       /* in-kind units/m², 0 for cash */
    int64_t seq;            /* the grant's row */
    calc_money entitled;    /* what the grant counts against its policy's limits: the amount
                             * before the pool, else the amount granted (0: as amount) */
} calc_award;
/* every live grant, ordered by enterprise, policy, year, key (byte order), then seq; strings
 * owned by the ledger until close or the next call */
int calc_ledger_awards(calc_ledger *l, calc_award **v, size_t *n, calc_error *err);
/* one enterprise's, in the same order */
int calc_ledger_awards_of(calc_ledger *l, const char *enterprise, calc_award **v, size_t *n,
                          calc_error *err);
/* the head and every live grant (as calc_ledger_awards) read in one transaction: one state of
 * the ledger, however many writers append meanwhile */
int calc_ledger_history(calc_ledger *l, char head[65], int64_t *seq, calc_award **v, size_t *n,
                        calc_error *err);
/* what the ledger has granted from a pool (quantity for in-kind, fen for cash), net of
 * revocations, in rounds whose period is the given one: NULL all rounds, four digits
 * ("2024") the rounds whose results are of that claim year, any other text the round of that
 * name */
int calc_ledger_pool_granted(calc_ledger *l, const char *pool, const char *period,
                             int64_t *out, calc_error *err);

/* Recording a round: the final result lines of a batch evaluated with the ledger (JSON Lines:
 * "ledger": {"head", "seq"}, and per eligible result "claim_year" and "keys"), in one
 * transaction. Refused as a whole, every conflict in the diagnostics naming its line and the
 * rows it conflicts with (round, seq): a round already recorded, an enterprise, policy, claim
 * year and key granted before and not revoked (or twice in the lines), results computed
 * against another head than the ledger's now ("the ledger moved since: evaluate again"), a
 * first-store result whose store has no brand, a line without what a row needs. */
typedef struct calc_grant_opts {
    const char *round;    /* the round's name (required) */
    const char *by;       /* who records it (NULL: "") */
    const char *at;       /* when: UTC "2026-12-02T07:50:00Z" (required: the caller's clock,
                           * --at or SOURCE_DATE_EPOCH; the library reads no clock) */
    const char *sign_key; /* an Ed25519 private key (PEM): the round's head is signed, or
                           * NULL */
} calc_grant_opts;
typedef struct calc_grant_stats {
    size_t lines, records, results; /* lines read, records with an eligible result, results */
    size_t rows;                    /* grant rows written (one per key) */
    int64_t first_seq, last_seq;    /* the rows written (0, 0 when none) */
    calc_money cash;                /* the sum of the rows' amounts */
    int64_t quantity;               /* the sum of their quantities */
    char head[65];                  /* the ledger's head after the round */
    char key_fp[72];                /* the signing key's fingerprint, or "" */
} calc_grant_stats;
/* A round being read: lines are checked and kept as they come (no lock is held); commit takes
 * the head lock, checks against the ledger as it is then, and writes every row or none. */
typedef struct calc_round calc_round;
int calc_ledger_round_begin(calc_ledger *l, const calc_grant_opts *o, calc_round **out,
                            calc_error *err);
/* One result line (text, len bytes, without its newline) of file at line; problems into d.
 * 0, or the CALC_E* code of the problem (the round can then only be aborted or committed to
 * be refused). */
int calc_ledger_round_line(calc_round *r, const char *file, unsigned line, const char *text,
                           size_t len, calc_diags *d);
/* Records the round: 0 with st filled, CALC_ECHECK when refused (the reasons in d), another
 * CALC_E* code when the database failed. Frees r either way. */
/* The same for one eligible result as the program knows it (calc batch --grant, without
 * writing and reading its result line): the record's facts, the result's and its keys.
 * Strings are copied. */
typedef struct calc_round_key {
    const char *key;
    calc_money amount;
    int64_t quantity; /* in kind; ignored for cash */
} calc_round_key;
typedef struct calc_round_result {
    const char *file;  /* where messages place it (NULL: none), and its line */
    unsigned line;
    const char *enterprise, *as_of, *policy_set, *profile; /* the record's ("sha256:…") */
    const char *head;  /* the ledger head it was computed against ("" empty) and its seq */
    int64_t head_seq;
    const char *policy, *pool; /* pool NULL when none */
    int32_t year;              /* claim year */
    calc_money amount;         /* granted: after caps and pools */
    bool in_kind;
    int64_t quantity;          /* units or m² when in_kind */
    bool pooled;
    calc_money amount_before_pool;
    const calc_round_key *keys; /* amounts (and quantities) adding up to the result's */
    size_t nkeys;
} calc_round_result;
int calc_ledger_round_add(calc_round *r, const calc_round_result *res, calc_diags *d);
int calc_ledger_round_commit(calc_round *r, calc_grant_stats *st, calc_diags *d);
void calc_ledger_round_abort(calc_round *r);
/* The same for a whole file of result lines (path "-": in). */
int calc_ledger_grant_file(calc_ledger *l, const char *path, FILE *in, const calc_grant_opts *o,
                           calc_grant_stats *st, calc_diags *d);

/* A grant named on the command line: "SEQ", or "ENTERPRISE/POLICY/YEAR/KEY" (the live grant of
 * that key; the key is the rest, slashes and all). */
typedef struct calc_ledger_write_opts {
    const char *by, *at;   /* as calc_grant_opts */
    const char *amount;    /* pay: what was paid, in yuan (NULL: the amount granted) */
    const char *reason;    /* revoke: why (required) */
    int recover;           /* revoke: a paid grant too, its payment to be recovered (追回) */
} calc_ledger_write_opts;
/* `calc pay GRANT…`: a payment row for each grant (one transaction: all or none); refused,
 * naming the rows, for a grant already paid or revoked, or paid more than granted. The rows
 * written are reported on out (NULL: nothing) in lang. */
int calc_ledger_pay(calc_ledger *l, const char *const *grants, int n,
                    const calc_ledger_write_opts *o, FILE *out, int lang, calc_diags *d);
/* `calc revoke GRANT --reason TEXT`: a revocation row; its key may then be granted again. */
int calc_ledger_revoke(calc_ledger *l, const char *grant, const calc_ledger_write_opts *o,
                       FILE *out, int lang, calc_diags *d);

/* `calc ledger`: the grants that match every filter given (NULL: any), each with what was
 * paid and whether it stands, and totals that add up (granted = standing + revoked). */
typedef struct calc_ledger_query {
    const char *enterprise, *policy, *round, *pool;
    const char *year; /* a claim year, four digits */
    int format;       /* 0 table, 1 JSON, 2 CSV */
    int lang;
} calc_ledger_query;
int calc_ledger_list(calc_ledger *l, const calc_ledger_query *q, FILE *out, calc_error *err);
/* `calc ledger export`: every row with its hashes, then the rounds and the signed heads, as
 * JSON Lines in seq order (format 1) or the rows as CSV (2). */
int calc_ledger_export(calc_ledger *l, int format, FILE *out, calc_error *err);
/* `calc ledger verify`: the chain recomputed row by row (an edited row, a row inserted or
 * removed), every round's recorded head and every signed head found in it (rows removed at
 * the end), the signatures checked with pubkey (NULL: not checked), and head (NULL: none) —
 * a head an auditor noted — found in the chain; with all_signed, every round must have a signed
 * head (one deleted is then found). The report on out in lang; 0 when intact, CALC_ECHECK when
 * not (each problem names its row), another code when it could not run. */
int calc_ledger_verify(calc_ledger *l, const char *pubkey, const char *head, int all_signed,
                       FILE *out, int lang, calc_diags *d);


/* ---- history from the grants ledger (history.c) ----
 * With a ledger, an enterprise's history comes from the records, never from its profile: book
 * 2's awards[] (one entry per live grant: its claim year, what was paid if paid, else granted,
 * and its key), book 1's hq.star_rewarded_before (the highest star among its sc25-hq-star
 * grants) and listing.stages_paid (the stages of its gs17-listing grants). */
/* The history of v[0..n) (any order; everything copied) read at the ledger's head (hex, "" for
 * an empty ledger) and seq. NULL when out of memory. */
calc_history *calc_history_new(const calc_award *v, size_t n, const char *head, int64_t seq);
void calc_history_free(calc_history *h);
const char *calc_history_head(const calc_history *h, int64_t *seq);
/* The enterprise's live grants (sorted by policy, year, key), *n of them; NULL when none. */
const calc_award *calc_history_of(const calc_history *h, const char *enterprise, size_t *n);
/* From now on every profile e validates gets its history from h (a profile that states its own
 * is an input error naming the field), every eligible result carries its claim year and keys,
 * and result lines the ledger's head. h outlives e; NULL: calc as without a ledger. */
void calc_engine_set_history(calc_engine *e, const calc_history *h);
const calc_history *calc_engine_history(const calc_engine *e);

#endif
