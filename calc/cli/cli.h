/* cli.h — the calc program's shared declarations: what a command line says (cli_opts), the
 * option and command tables that say which command takes what (cli_opt, cli_cmd; the tables
 * themselves are in main.c), the parser (opt.c), the help (usage.c), and the helpers every
 * command uses for engines (rules.c), output and exit statuses (out.c). */
#ifndef CALC_CLI_H
#define CALC_CLI_H

#include "calc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Values of a repeatable option, or the positional arguments, in command-line order. v is never
 * NULL (an empty list points at an empty array). */
typedef struct cli_list {
    const char **v;
    int n, cap;
} cli_list;

/* What a command line says. Every command reads the fields of its own options; the others keep
 * the values cli_parse starts from (0, NULL, an empty list, or -1 where noted). */
typedef struct cli_opts {
    cli_list args; /* positional arguments */
    /* common */
    const char *policies;
    int help; /* -h, --help (answered before parsing) */
    /* choices: the value of the chosen name, -1 when not given */
    int format, input_format;
    int encoding; /* CALC_ENC_*; 0 when not given (found from the bytes) */
    int lang; /* 0 zh (the default), 1 en */
    /* --as-of */
    const char *as_of_text; /* NULL: today */
    calc_date as_of;
    /* flags */
    int explain, strict, as_recorded, embed, cases, canonical;
    int progress, no_pools, no_eval, excel, quiet;
    /* values */
    int jobs; /* 0: not given */
    const char *out, *summary, *vary, *by, *solve, *budget, *pool, *against, *within, *bind;
    const char *sign, *key; /* record --sign KEY.pem; replay --verify, verify --key PUB.pem */
    int port, threads; /* 0: the server's default */
    const char *manifest, *rules; /* batch, allocate, replay-batch */
    const char *ledger; /* --ledger FILE|postgresql://… (cli_ledger_target adds $CALC_LEDGER) */
    int history; /* the command evaluates with the ledger's history (cli_engine reads it) */
    /* the ledger's commands: grant --round/--at, verify --head, pay --amount, revoke --reason,
     * the query's filters */
    const char *round, *at, *head, *amount, *reason, *enterprise, *policy, *year;
    int recover; /* revoke --recover: a paid grant too */
    int all_signed; /* ledger verify --all-signed: every round has a signed head */
    /* repeatable */
    cli_list sets, params, scenarios, only;
    /* calc serve's limits, -1 when not given (then CALC_SERVE_* or the server's default) */
    double max_seconds, drain_seconds;
    long wall_ms;
    int max_active;
} cli_opts;

/* How an option is given: alone (a flag), with one value (given again, it must be the same
 * value), or with a value each time it is given (repeatable). */
typedef enum { CLI_FLAG, CLI_VALUE, CLI_LIST } cli_kind;

/* One valid value of an option with choices; an alias is accepted but not listed. */
typedef struct cli_choice {
    const char *name;
    int value;
    bool alias;
} cli_choice;

struct cli_opt;
/* Converts and stores a value; 0, or nonzero after a usage message. */
typedef int (*cli_conv)(const struct cli_opt *d, const char *flag, const char *val,
                        cli_opts *o);

/* One option of a command. Its target, at offset field of cli_opts, is an int for a flag or an
 * option with choices, a cli_list for a repeatable option, whatever conv stores when it has
 * one, and else the value's text (const char *). */
typedef struct cli_opt {
    const char *flag;  /* "--format" */
    const char *other; /* the other spelling ("--output" beside "-o"), or NULL */
    cli_kind kind;
    size_t field;
    const char *arg;            /* the value's name in the help ("DATE"); NULL with choices */
    const cli_choice *choices;  /* ended by {NULL}; NULL: any value */
    cli_conv conv;              /* NULL: the text, or the choice */
    double min, max;            /* conv's range */
    const char *expect;         /* conv's message: "FLAG: expected EXPECT, got 'VALUE'" */
    int most;                   /* repeatable: at most this many (0: no limit) */
    const char *most_hint;      /* said when more are given */
    bool required;              /* the command needs it (its synopsis shows it so) */
    const char *help;           /* one line */
} cli_opt;

/* A command: its name, its arguments, what it does, its own options and the groups of options
 * it shares with other commands (NULL-terminated lists). */
typedef struct cli_group {
    const char *title; /* "population options" */
    const cli_opt *const *opts;
} cli_group;

typedef struct cli_cmd {
    const char *name;
    const char *args;    /* the positional arguments in the usage ("PROFILE.yaml") */
    const char *summary; /* what it does, in a sentence or two */
    int (*run)(cli_opts *o);
    const cli_opt *const *opts;     /* its own */
    const cli_group *const *groups; /* shared with other commands, then the common options */
} cli_cmd;

/* The command table (main.c), ended by {NULL}; the common options every command but version
 * takes are its last group. */
extern const cli_cmd cli_cmds[];
extern const cli_group cli_common;

/* ---- opt.c: parsing ---- */
/* Parses a command's arguments (after the command's name) into o, which it initialises; 0, or
 * nonzero after a usage message (an unknown option, an option of another command, a missing
 * value, a value that is not one of the choices or not in range, a repeatable option given too
 * often, no memory). */
int cli_parse(const cli_cmd *c, int argc, char **argv, cli_opts *o);
void cli_opts_free(cli_opts *o);
/* Converters for the option table. */
int cli_conv_date(const cli_opt *d, const char *flag, const char *val, cli_opts *o);
int cli_conv_int(const cli_opt *d, const char *flag, const char *val, cli_opts *o);
int cli_conv_long(const cli_opt *d, const char *flag, const char *val, cli_opts *o);
int cli_conv_seconds(const cli_opt *d, const char *flag, const char *val, cli_opts *o);
int cli_conv_limit(const cli_opt *d, const char *flag, const char *val, cli_opts *o);

/* ---- usage.c: the help, made from the tables ---- */
void cli_help(FILE *out);                       /* calc --help: every command */
void cli_cmd_help(FILE *out, const cli_cmd *c); /* calc COMMAND --help */
/* calc --help-man [PAGE]: the man page's generated parts (the synopsis, each command's options
 * and the common options, in roff) between their markers (.\" {{ NAME … .\" }}); with PAGE,
 * that page with each of its parts made again from the tables. Returns the exit status (3
 * when the page names a part there is none of, or lacks one). */
int cli_man(FILE *out, const char *page);
/* The option's spelling in a synopsis: "--format table|json", "--set PATH=VALUE". */
void cli_opt_spelling(char *buf, size_t size, const cli_opt *d, bool both);

/* ---- out.c: messages, output and exit statuses ---- */
/* "calc: MESSAGE" and "Try 'calc --help'." on stderr, in the language of messages
 * (calc_settings: --lang, else the environment); fmt is a message of the catalogue. Returns
 * CALC_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for the message of a library error. */
int cli_usage_error_of(const calc_error *err);
/* "calc: error: MESSAGE" on stderr, the same way. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Flushes out; a failed write is reported (with the system's reason) and makes the status at
 * least CALC_EXIT_USAGE. */
int cli_finish(FILE *out, int status);
/* The exit status of a library return code, with CALC_EUSAGE a usage error (2). */
int cli_status(int rc);
/* The files a command writes (-o, --summary, --manifest) apart from those it reads (its
 * arguments, --scenario, the ledger's file) and from each other; 0, or CALC_EXIT_USAGE after a
 * message. */
int cli_outputs_apart(const cli_opts *o);
/* The format -o's name says, for a command whose --format values are names[0..nnames): a file
 * name ending in one of exts (any case) means its format. Without --format the name chooses
 * (else dflt); with it, a name that says another format is refused. 0, or CALC_EXIT_USAGE
 * after a message; o->format is set. */
typedef struct cli_ext {
    const char *ext; /* ".csv" */
    int format;
} cli_ext;
int cli_output_format(cli_opts *o, const cli_ext *exts, size_t nexts, const char *const *names,
                      int dflt);
/* The worse (larger) of two exit statuses. */
int cli_worst(int a, int b);
/* Prints the diagnostics and frees them. */
void cli_diags_done(calc_diags *d);
/* The largest exit status the errors of d imply (0 when there are none): a report refused for
 * an input that could not be opened still exits 3 when records were not valid too. */
int cli_diags_status(const calc_diags *d);

/* ---- rules.c: the engines a command runs on ---- */
/* The policy set of --policies (or the default); its load diagnostics are printed and make
 * *status CALC_EXIT_POLICY. NULL (with *status set) when the set cannot be loaded. */
calc_engine *cli_engine(const cli_opts *o, int *status);
/* The policy set when --policies is not given: $CALC_POLICIES, ./policies, or the installed
 * set (rules.c). */
const char *cli_default_policies(void);
/* The same with one scenario file (or NULL) and every --param applied. */
calc_engine *cli_scenario_engine(const cli_opts *o, const char *file, int *status);
/* The engine of a command that takes one optional scenario and --param: the plain set when it
 * has neither. */
calc_engine *cli_engine_one(const cli_opts *o, int *status);
/* The batch options of a population command (inputs, input format and encoding, as_of,
 * --set, the language of notes). */
void cli_population(const cli_opts *o, calc_batch_opts *b);

/* ---- the commands ---- */
int cli_eval(cli_opts *o);                                   /* cmd_eval.c */
int cli_batch(cli_opts *o);                                  /* cmd_batch.c */
int cli_allocate(cli_opts *o);
int cli_replay_batch(cli_opts *o);                           /* cmd_batchreplay.c */
int cli_whatif(cli_opts *o);                                 /* cmd_whatif.c */
int cli_near(cli_opts *o);
int cli_sweep(cli_opts *o);
int cli_replay(cli_opts *o);                                 /* cmd_audit.c */
int cli_record(cli_opts *o);
int cli_verify(cli_opts *o);
int cli_report(cli_opts *o);
int cli_fingerprint(cli_opts *o);
int cli_policies(cli_opts *o);                               /* cmd_info.c */
int cli_schema(cli_opts *o);
int cli_init(cli_opts *o);
int cli_version(cli_opts *o);
int cli_serve(cli_opts *o);                                  /* cmd_serve.c */
int cli_ledger(cli_opts *o);                                 /* cmd_ledger.c */
int cli_grant(cli_opts *o);
int cli_pay(cli_opts *o);
int cli_revoke(cli_opts *o);

/* ---- cmd_ledger.c: the ledger for any command ---- */
/* The ledger a command names: --ledger, else $CALC_LEDGER, else NULL. */
const char *cli_ledger_target(const cli_opts *o);
/* Opens it (create: calc ledger init); NULL after a message, with *status set. */
calc_ledger *cli_ledger_open(const cli_opts *o, bool create, int *status);
/* The time a write records: --at (UTC "YYYY-MM-DDTHH:MM:SSZ", or a date for its midnight),
 * else $SOURCE_DATE_EPOCH, else the clock, as "YYYY-MM-DDTHH:MM:SSZ" into buf (32 bytes). 0,
 * or CALC_EXIT_USAGE after a message. */
int cli_ledger_time(const cli_opts *o, char buf[32]);

/* ---- cmd_history.c: evaluation with history from the ledger (issue #17) ---- */
/* The history of the ledger the command names (read once per run, shared by its engines) into
 * *out, NULL when it names none; 0, or an exit status after a message. */
int cli_history(const cli_opts *o, const calc_history **out);
/* Records the results file as round o->round (calc batch --grant): 0 or an exit status. */
int cli_grant_round(const cli_opts *o, const char *results);
int cli_new(cli_opts *o);

#endif
