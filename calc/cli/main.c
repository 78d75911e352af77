/* main.c — the calc command line: options, exit statuses and printing. The only file that
 * exits; everything it computes comes from libcalc through calc.h. */
#include "calc.h"
#include "serve.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: calc <command> [options]\n"
    "\n"
    "commands:\n"
    "  eval PROFILE.yaml [--as-of DATE] [--format table|json] [--explain] [--lang zh|en]\n"
    "       [--set PATH=VALUE]… [--scenario S.yaml]… [--param POLICY.PARAM=VALUE]…\n"
    "                     evaluate one enterprise profile against every policy; with\n"
    "                     scenarios, baseline and each scenario side by side\n"
    "  replay CASE.yaml…|DIR [--strict] [--as-recorded]\n"
    "                     replay case files and compare with their expected outcome; a\n"
    "                     recorded case also says whether the rules changed since, and\n"
    "                     attributes each changed result to what changed (old → new)\n"
    "  record PROFILE.yaml --as-of DATE [-o CASE.yaml] [--embed-policies]\n"
    "                     write a case file: the profile, the full outcome, fingerprints\n"
    "  record --cases CASE.yaml [-o NEW.yaml]      record each case of a case file again\n"
    "  whatif POPULATION… --scenario S.yaml [--param P.X=V]… [--by FIELD]\n"
    "        [--format table|json|csv]\n"
    "                     the population under the baseline and the scenario (pools in\n"
    "                     both): per policy and pool, beneficiaries, granted, change, how\n"
    "                     many gain, lose or stay; by the value of FIELD\n"
    "  whatif POPULATION… --solve POLICY.PARAM --budget AMOUNT [--pool NAME]\n"
    "                     the value of a cap or rate (largest) or threshold (smallest) that\n"
    "                     keeps the cost, or the claims on a pool, within the budget\n"
    "  near POPULATION… [--within 20%] [--format table|json|csv]\n"
    "                     enterprises ineligible only by numeric thresholds within the\n"
    "                     distance, with what they need: an outreach list\n"
    "  sweep PROFILE.yaml --vary PATH=FROM:TO:STEP [--policy ID]… [--format table|csv|svg]\n"
    "        [-o FILE]    each policy's amount across a range of one field's values\n"
    "  report CASE.yaml… [-o report.html|report.md] [--lang zh|en]\n"
    "                     a printable decision report per case, for the audit file\n"
    "  fingerprint [PROFILE.yaml…] [--canonical]\n"
    "                     the policy set's, each policy's and each file's SHA-256; with\n"
    "                     profiles, each profile's (of its canonical form, --canonical)\n"
    "  policies [--as-of DATE] [--lang zh|en]      list the policies\n"
    "  policies show ID [--lang zh|en]             one policy as the book states it\n"
    "  policies check [DIR]                        load and lint a policy set\n"
    "  schema [--lang zh|en]                       the profile fields\n"
    "  init [-o FILE]                              write a blank profile template\n"
    "  batch INPUT… [-o OUT] [--summary FILE] [-j N] [--format jsonl|csv] [--excel]\n"
    "        [--input-format jsonl|yaml|csv] [--no-pools] [--explain] [--progress] [-q]\n"
    "        [--no-eval]\n"
    "                     evaluate a population: JSON Lines, YAML streams or CSV (header =\n"
    "                     dotted field paths); one result line per record, in input order;\n"
    "                     budget pools applied unless --no-pools; '-' reads stdin;\n"
    "                     --no-eval reads and validates only (lines without results)\n"
    "  allocate RESULTS… [-o OUT] [--summary FILE] [--format jsonl|csv]\n"
    "                     the reduce step of a sharded run: allocate the pools over the\n"
    "                     result lines of 'batch --no-pools' runs\n"
    "  serve [--bind 127.0.0.1] [--port 8080] [--threads N]\n"
    "                     the web calculator (/) and the JSON API (/api/v1/…, OpenAPI at\n"
    "                     /api/v1/openapi.json); SIGINT/SIGTERM drain and exit 0\n"
    "  version                                     print the version\n"
    "\n"
    "common options:\n"
    "  --policies DIR     the policy set (default: $CALC_POLICIES, ./policies, or the\n"
    "                     installed set)\n"
    "  --as-of DATE       evaluation date YYYY-MM-DD (default: today)\n"
    "  --max-instructions N   Lua instructions per policy call (default 2000000)\n"
    "  --max-memory MIB   memory of one engine's Lua state (default 64)\n"
    "  --max-input MIB    bytes of one input file (default 16); one value: 1/16 of it\n"
    "  --max-depth N      nesting levels of a document (default 64, 8 to 256)\n"
    "  -h, --help         this help\n"
    "\n"
    "exit status:\n"
    "  0  evaluated / passed\n"
    "  1  a check failed (replay mismatch, lint problem)\n"
    "  2  usage or system error (bad flag, unreadable file, failed write)\n"
    "  3  invalid input (profile, case file, or the policy set's structure)\n"
    "  4  a policy failed to load or to evaluate\n"
    "  When several apply, the largest wins.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("calc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'calc --help'.\n", stderr);
    return CALC_EXIT_USAGE;
}

typedef struct opts {
    const char *policies;
    const char *format_text, *input_format, *summary;
    int jobs, progress, no_pools, quiet, excel, no_eval;
    int strict, as_recorded, embed, canonical, cases;
    const char *sets[64], *params[64], *scenarios[16], *only[64], *vary;
    const char *by, *solve, *budget, *pool, *within, *bind;
    int port, threads;
    int nsets, nparams, nscenarios, nonly;
    const char *as_of_text;
    calc_date as_of;
    int format, explain, lang, verbose;
    const char *out;
    const char *args[64];
    int nargs;
} opts;

/* "--flag VALUE" or "--flag=VALUE" at argv[*i]: 1 with *val, 0 when it is another option, -1
 * (after a usage message) when the value is missing. */
static int option_value(int argc, char **argv, int *i, const char *flag, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(flag);
    if (strcmp(a, flag) == 0) {
        if (*i + 1 >= argc) {
            usage_error("option %s needs a value", flag);
            return -1;
        }
        *val = argv[++*i];
        return 1;
    }
    if (strncmp(a, flag, n) == 0 && a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    return 0;
}

static int parse_opts(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->as_of = calc_date_today();
    /* options that take a string, and those that may be repeated */
    const struct {
        const char *flag;
        const char **field;
    } plain[] = {{"--bind", &o->bind},     {"--within", &o->within}, {"--by", &o->by},
                 {"--solve", &o->solve},   {"--budget", &o->budget}, {"--pool", &o->pool},
                 {"--vary", &o->vary},     {"--input-format", &o->input_format},
                 {"--summary", &o->summary}};
    const struct {
        const char *flag;
        const char **v;
        int *n, max;
    } lists[] = {{"--set", o->sets, &o->nsets, 64},
                 {"--policy", o->only, &o->nonly, 64},
                 {"--param", o->params, &o->nparams, 64},
                 {"--scenario", o->scenarios, &o->nscenarios, 16}};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        int taken = 0;
        for (size_t k = 0; !taken && k < sizeof plain / sizeof *plain; k++)
            if ((taken = option_value(argc, argv, &i, plain[k].flag, &val)) > 0)
                *plain[k].field = val;
        for (size_t k = 0; !taken && k < sizeof lists / sizeof *lists; k++)
            if ((taken = option_value(argc, argv, &i, lists[k].flag, &val)) > 0 &&
                *lists[k].n < lists[k].max)
                lists[k].v[(*lists[k].n)++] = val;
        if (taken < 0)
            return -1;
        if (taken)
            continue;
#define TAKES(name)                                                                          \
    (strcmp(a, name) == 0 ? (i + 1 < argc ? (val = argv[++i], 1)                             \
                                          : (usage_error("option %s needs a value", name), -1)) \
     : strncmp(a, name "=", sizeof name) == 0 ? (val = a + sizeof name, 1) : 0)
        int t;
        if ((t = TAKES("--policies"))) {
            if (t < 0)
                return -1;
            o->policies = val;
        } else if ((t = TAKES("--as-of"))) {
            if (t < 0)
                return -1;
            o->as_of_text = val;
            if (calc_date_parse(&o->as_of, val, strlen(val))) {
                usage_error("--as-of: expected a date YYYY-MM-DD, got '%s'", val);
                return -1;
            }
        } else if ((t = TAKES("--format"))) {
            if (t < 0)
                return -1;
            o->format_text = val;
        } else if ((t = TAKES("--max-instructions")) || (t = TAKES("--max-memory")) ||
                   (t = TAKES("--max-input")) || (t = TAKES("--max-depth"))) {
            if (t < 0)
                return -1;
            char *end;
            long long v = strtoll(val, &end, 10);
            if (*end || v <= 0) {
                usage_error("%s: expected a positive whole number", a);
                return -1;
            }
            calc_limits l = *calc_limits_get();
            if (strstr(a, "instructions"))
                l.instructions = (long)v;
            else if (strstr(a, "memory"))
                l.memory = (size_t)v * 1024 * 1024;
            else if (strstr(a, "input")) {
                l.input = (size_t)v * 1024 * 1024;
                l.scalar = l.input / 16;
            } else
                l.depth = v > 100000 ? 100000 : (int)v;
            calc_error err = {0};
            if (calc_limits_set(&l, &err)) {
                usage_error("%s", err.msg);
                return -1;
            }
        } else if ((t = TAKES("--port")) || (t = TAKES("--threads"))) {
            if (t < 0)
                return -1;
            char *end;
            long v = strtol(val, &end, 10);
            bool port = strstr(a, "port") != NULL;
            if (*end || v < (port ? 0 : 1) || v > (port ? 65535 : 256)) {
                usage_error(port ? "--port: expected 0 to 65535, got '%s'"
                                 : "--threads: expected 1 to 256, got '%s'", val);
                return -1;
            }
            if (port)
                o->port = (int)v;
            else
                o->threads = (int)v;
        } else if ((t = TAKES("-j")) || (t = TAKES("--jobs"))) {
            if (t < 0)
                return -1;
            char *end;
            long j = strtol(val, &end, 10);
            if (*end || j < 1 || j > 256) {
                usage_error("-j: expected a number of threads from 1 to 256, got '%s'", val);
                return -1;
            }
            o->jobs = (int)j;
        } else if (strcmp(a, "--strict") == 0) {
            o->strict = 1;
        } else if (strcmp(a, "--as-recorded") == 0) {
            o->as_recorded = 1;
        } else if (strcmp(a, "--embed-policies") == 0) {
            o->embed = 1;
        } else if (strcmp(a, "--cases") == 0) {
            o->cases = 1;
        } else if (strcmp(a, "--canonical") == 0) {
            o->canonical = 1;
        } else if (strcmp(a, "--progress") == 0) {
            o->progress = 1;
        } else if (strcmp(a, "--no-pools") == 0) {
            o->no_pools = 1;
        } else if (strcmp(a, "--no-eval") == 0) {
            o->no_eval = 1;
        } else if (strcmp(a, "--excel") == 0) {
            o->excel = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if ((t = TAKES("--lang"))) {
            if (t < 0)
                return -1;
            if (strcmp(val, "zh") == 0)
                o->lang = 0;
            else if (strcmp(val, "en") == 0)
                o->lang = 1;
            else {
                usage_error("--lang: expected zh or en, got '%s'", val);
                return -1;
            }
        } else if ((t = TAKES("-o")) || (t = TAKES("--output"))) {
            if (t < 0)
                return -1;
            o->out = val;
        } else if (strcmp(a, "--explain") == 0) {
            o->explain = 1;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = 1;
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc && o->nargs < 64; i++)
                o->args[o->nargs++] = argv[i];
        } else if (a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9')) {
            usage_error("unknown option '%s'", a);
            return -1;
        } else if (o->nargs < 64) {
            o->args[o->nargs++] = a;
        }
    }
    return 0;
}

static calc_engine *open_engine(const opts *o, int *status)
{
    calc_error err = {0};
    const char *dir = o->policies ? o->policies : calc_default_policies();
    calc_engine *e = calc_engine_new(dir, &err);
    if (!e) {
        calc_error_print(stderr, &err);
        *status = calc_exit_status(err.code);
        return NULL;
    }
    const calc_diags *d = calc_engine_diags(e);
    calc_diags_print(stderr, d);
    if (d->n)
        *status = CALC_EXIT_POLICY;
    return e;
}

static int finish(FILE *out, int status)
{
    if (fflush(out) != 0 || ferror(out)) { /* errno: this flush's, or the failed write's */
        fprintf(stderr, "calc: error: cannot write the output: %s\n",
                strerror(errno ? errno : EIO));
        return status > CALC_EXIT_USAGE ? status : CALC_EXIT_USAGE;
    }
    return status;
}

static int eval_format(opts *o)
{
    if (!o->format_text || strcmp(o->format_text, "table") == 0)
        o->format = CALC_FMT_TABLE;
    else if (strcmp(o->format_text, "json") == 0)
        o->format = CALC_FMT_JSON;
    else
        return usage_error("--format: expected table or json, got '%s'", o->format_text);
    return 0;
}

static int cmd_batch(opts *o, int allocate)
{
    if (o->nargs < 1)
        return usage_error("%s", allocate ? "allocate needs result files (or - for stdin)"
                                          : "batch needs input files (or - for stdin)");
    calc_batch_opts b;
    memset(&b, 0, sizeof b);
    b.inputs = o->args;
    b.ninputs = o->nargs;
    b.input_format = -1;
    if (o->input_format) {
        const char *f = o->input_format;
        b.input_format = !strcmp(f, "jsonl") || !strcmp(f, "json") ? 0
                         : !strcmp(f, "yaml")                     ? 1
                         : !strcmp(f, "csv")                      ? 2
                                                                  : -2;
        if (b.input_format == -2)
            return usage_error("--input-format: expected jsonl, yaml or csv, got '%s'", f);
    }
    if (!o->format_text || !strcmp(o->format_text, "jsonl") || !strcmp(o->format_text, "json"))
        b.out_format = CALC_OUT_JSONL;
    else if (!strcmp(o->format_text, "csv"))
        b.out_format = CALC_OUT_CSV;
    else
        return usage_error("--format: expected jsonl or csv, got '%s'", o->format_text);
    b.output = o->out && strcmp(o->out, "-") ? o->out : NULL;
    b.summary = o->summary;
    b.policies = o->policies;
    b.as_of = o->as_of;
    b.jobs = o->jobs ? o->jobs : 1;
    b.explain = o->explain;
    b.no_pools = o->no_pools;
    b.progress = o->progress;
    b.quiet = o->quiet;
    b.excel = o->excel;
    b.no_eval = o->no_eval;
    b.err = stderr;
    b.sets = o->sets;
    b.nsets = o->nsets;
    b.params = o->params;
    b.nparams = o->nparams;
    b.scenario = o->nscenarios ? o->scenarios[0] : NULL;
    if (o->nscenarios > 1)
        return usage_error("%s", "batch takes one --scenario (use calc whatif to compare)");
    if (!o->as_of_text && !o->quiet && !allocate) {
        char d[16];
        fprintf(stderr, "calc: as of %s\n", calc_date_format(d, o->as_of));
    }
    int status = allocate ? calc_allocate(&b) : calc_batch(&b);
    return finish(stdout, status);
}

/* An engine with one scenario (file, or NULL for the --param overrides alone) applied. */
static calc_engine *scenario_engine(opts *o, const char *file, int *status)
{
    calc_engine *e = open_engine(o, status);
    if (!e)
        return NULL;
    calc_diags d = {0};
    int rc = file ? calc_scenario_load(e, file, &d) : 0;
    for (int i = 0; !rc && i < o->nparams; i++)
        rc = calc_engine_param(e, o->params[i], &d);
    calc_diags_print(stderr, &d);
    calc_diags_free(&d);
    if (rc) {
        *status = rc == CALC_EUSAGE ? CALC_EXIT_USAGE : calc_exit_status(rc);
        calc_engine_free(e);
        return NULL;
    }
    return e;
}

static int eval_scenarios(opts *o, calc_engine *base, calc_profile *p)
{
    int status = 0, n = o->nscenarios ? o->nscenarios : 1;
    calc_engine *eng[17];
    calc_result *res[17];
    eng[0] = base;
    for (int i = 0; i < n; i++) {
        eng[i + 1] = scenario_engine(o, o->nscenarios ? o->scenarios[i] : NULL, &status);
        if (!eng[i + 1]) {
            for (int k = 1; k <= i; k++)
                calc_engine_free(eng[k]);
            return status;
        }
    }
    for (int i = 0; i <= n; i++)
        res[i] = calc_eval(eng[i], p, o->as_of);
    calc_compare_write(stdout, (const calc_engine *const *)eng, (const calc_result *const *)res,
                       n + 1, o->format == CALC_FMT_JSON, o->lang);
    for (int i = 0; i <= n; i++) {
        int s = calc_result_exit(res[i]);
        status = s > status ? s : status;
        calc_result_free(res[i]);
        if (i)
            calc_engine_free(eng[i]);
    }
    return status;
}

static int cmd_eval(opts *o)
{
    if (eval_format(o))
        return CALC_EXIT_USAGE;
    if (o->nargs != 1)
        return usage_error("%s", o->nargs ? "eval takes one profile" : "eval needs a profile");
    int status = 0;
    calc_engine *e = open_engine(o, &status);
    if (!e)
        return status;
    calc_engine_set_explain(e, o->explain);
    calc_diags d = {0};
    calc_profile *p = calc_profile_load_set(e, o->args[0], o->sets, o->nsets, &d);
    if (!p) {
        calc_diags_print(stderr, &d);
        int code = d.n ? d.v[0].code : CALC_EIO;
        calc_diags_free(&d);
        calc_engine_free(e);
        return calc_exit_status(code);
    }
    if (o->nscenarios || o->nparams) {
        int s = eval_scenarios(o, e, p);
        calc_profile_free(p);
        calc_diags_free(&d);
        calc_engine_free(e);
        return finish(stdout, s > status ? s : status);
    }
    calc_result *r = calc_eval(e, p, o->as_of);
    if (o->format == CALC_FMT_JSON || o->explain)
        calc_qualify(e, p, r);
    calc_output_opts oo = {o->format, o->explain, o->lang};
    calc_result_write(stdout, e, r, &oo);
    int rs = calc_result_exit(r);
    if (rs > status)
        status = rs;
    calc_result_free(r);
    calc_profile_free(p);
    calc_diags_free(&d);
    calc_engine_free(e);
    return finish(stdout, status);
}

static int cmd_replay(opts *o)
{
    if (o->nargs < 1)
        return usage_error("%s", "replay needs case files or a directory");
    int status = 0;
    calc_engine *e = open_engine(o, &status);
    if (!e)
        return status;
    calc_replay_stats st = {0};
    calc_diags d = {0};
    int worst = 0;
    calc_engine_set_replay(e, o->strict, o->as_recorded);
    for (int i = 0; i < o->nargs; i++) {
        int rc = calc_replay(stdout, e, o->args[i], &st, &d);
        calc_diags_print(stderr, &d);
        calc_diags_free(&d);
        int s = calc_exit_status(rc);
        if (s > worst)
            worst = s;
    }
    printf("%d passed, %d failed%s", st.passed, st.failed, st.invalid ? "" : "\n");
    if (st.invalid)
        printf(", %d invalid\n", st.invalid);
    if (st.failed && worst < CALC_EXIT_CHECK)
        worst = CALC_EXIT_CHECK;
    if (worst > status)
        status = worst;
    calc_engine_free(e);
    return finish(stdout, status);
}

static int cmd_record(opts *o)
{
    if (o->nargs != 1)
        return usage_error("%s", "record takes one profile");
    if (o->cases) { /* a case file: record each of its cases again */
        int status = 0;
        calc_engine *e = open_engine(o, &status);
        if (!e)
            return status;
        calc_diags d = {0};
        calc_outfile of;
        int rc = calc_out_open(&of, o->out, stderr);
        if (!rc)
            rc = calc_record_cases(of.f, e, o->args[0], o->embed, &d);
        calc_diags_print(stderr, &d);
        calc_diags_free(&d);
        if (of.f != stdout && calc_out_close(&of, rc == 0, stderr) && !rc)
            rc = CALC_EIO;
        calc_engine_free(e);
        int s = calc_exit_status(rc);
        return finish(stdout, s > status ? s : status);
    }
    if (!o->as_of_text)
        return usage_error("%s", "record needs --as-of DATE: a recorded case fixes its date");
    int status = 0;
    calc_engine *e = open_engine(o, &status);
    if (!e)
        return status;
    calc_diags d = {0};
    calc_profile *p = calc_profile_load(e, o->args[0], &d);
    if (!p) {
        calc_diags_print(stderr, &d);
        int code = d.n ? d.v[0].code : CALC_EIO;
        calc_diags_free(&d);
        calc_engine_free(e);
        return calc_exit_status(code);
    }
    calc_outfile of;
    if (calc_out_open(&of, o->out, stderr))
        status = CALC_EXIT_USAGE;
    else {
        if (calc_record(of.f, e, p, o->as_of, o->embed, NULL))
            status = CALC_EXIT_USAGE;
        if (of.f != stdout) {
            if (calc_out_close(&of, status == 0, stderr))
                status = CALC_EXIT_USAGE;
        } else
            status = finish(stdout, status);
    }
    calc_profile_free(p);
    calc_diags_free(&d);
    calc_engine_free(e);
    return status;
}

static int cmd_sweep(opts *o)
{
    if (o->nargs != 1 || !o->vary)
        return usage_error("%s", "sweep takes one profile and --vary PATH=FROM:TO:STEP");
    int fmt = !o->format_text || !strcmp(o->format_text, "table") ? 0
              : !strcmp(o->format_text, "csv")                    ? 1
              : !strcmp(o->format_text, "svg")                    ? 2
                                                                  : -1;
    if (fmt < 0)
        return usage_error("--format: expected table, csv or svg, got '%s'", o->format_text);
    int status = 0;
    calc_engine *e = o->nscenarios || o->nparams
                         ? scenario_engine(o, o->nscenarios ? o->scenarios[0] : NULL, &status)
                         : open_engine(o, &status);
    if (!e)
        return status;
    calc_outfile of;
    if (calc_out_open(&of, o->out, stderr)) {
        calc_engine_free(e);
        return CALC_EXIT_USAGE;
    }
    FILE *out = of.f;
    calc_diags d = {0};
    int rc = calc_sweep(out, e, o->args[0], o->sets, o->nsets, o->vary, o->only, o->nonly,
                        o->as_of, fmt, o->lang, &d);
    calc_diags_print(stderr, &d);
    calc_diags_free(&d);
    if (out != stdout && calc_out_close(&of, rc == 0, stderr) && !rc)
        rc = CALC_EIO;
    calc_engine_free(e);
    int s = rc == CALC_EUSAGE ? CALC_EXIT_USAGE : calc_exit_status(rc);
    return finish(stdout, s > status ? s : status);
}

static int cmd_whatif(opts *o)
{
    if (o->nargs < 1)
        return usage_error("%s", "whatif needs a population (JSON Lines, YAML stream or CSV)");
    if (!o->solve && !o->nscenarios && !o->nparams)
        return usage_error("%s", "whatif needs --scenario S.yaml, --param, or --solve");
    if (o->solve && !o->budget)
        return usage_error("%s", "--solve needs --budget AMOUNT");
    int fmt = !o->format_text || !strcmp(o->format_text, "table") ? 0
              : !strcmp(o->format_text, "json")                   ? 1
              : !strcmp(o->format_text, "csv")                    ? 2
                                                                  : -1;
    if (fmt < 0)
        return usage_error("--format: expected table, json or csv, got '%s'", o->format_text);
    calc_batch_opts b;
    memset(&b, 0, sizeof b);
    b.inputs = o->args;
    b.ninputs = o->nargs;
    b.input_format = -1;
    if (o->input_format)
        b.input_format = !strcmp(o->input_format, "yaml") ? 1 : !strcmp(o->input_format, "csv") ? 2 : 0;
    b.as_of = o->as_of;
    b.sets = o->sets;
    b.nsets = o->nsets;
    b.err = stderr;
    int status = 0;
    calc_diags d = {0};
    int rc;
    if (o->solve) {
        calc_engine *e = o->nscenarios || o->nparams
                             ? scenario_engine(o, o->nscenarios ? o->scenarios[0] : NULL, &status)
                             : open_engine(o, &status);
        if (!e)
            return status;
        rc = calc_solve(stdout, e, &b, o->solve, o->budget, o->pool, fmt == 1, &d);
        calc_engine_free(e);
    } else {
        calc_engine *base = open_engine(o, &status);
        if (!base)
            return status;
        calc_engine *scen = scenario_engine(o, o->nscenarios ? o->scenarios[0] : NULL, &status);
        if (!scen) {
            calc_engine_free(base);
            return status;
        }
        rc = calc_whatif(stdout, base, scen, &b, o->by, fmt, o->lang, &d);
        calc_engine_free(base);
        calc_engine_free(scen);
    }
    calc_diags_print(stderr, &d);
    calc_diags_free(&d);
    int s = rc == CALC_EUSAGE ? CALC_EXIT_USAGE : calc_exit_status(rc);
    return finish(stdout, s > status ? s : status);
}

/* A number from the environment of at least min, or dflt when unset or not such a number. */
static double env_number(const char *name, double dflt, double min)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    char *end;
    double v = strtod(s, &end);
    return *end || !(v >= min) || v > 1e9 ? dflt : v;
}

static int cmd_serve(opts *o)
{
    if (o->nargs)
        return usage_error("%s", "serve takes no arguments");
    calc_serve_opts so;
    calc_serve_defaults(&so);
    so.dir = o->policies ? o->policies : calc_default_policies();
    if (o->bind)
        so.bind = o->bind;
    if (o->port)
        so.port = o->port;
    if (o->threads)
        so.threads = o->threads;
    /* the server's limits from its environment (operators, tests) */
    so.max_active = (int)env_number("CALC_SERVE_MAX_ACTIVE", so.max_active, 1);
    so.max_seconds = env_number("CALC_SERVE_MAX_SECONDS", so.max_seconds, 0.1);
    so.drain_seconds = env_number("CALC_SERVE_DRAIN_SECONDS", so.drain_seconds, 0);
    so.wall_ms = (long)env_number("CALC_SERVE_WALL_MS", (double)so.wall_ms, 0);
    so.quiet = getenv("CALC_SERVE_QUIET") != NULL;
    return calc_serve(&so, stderr);
}

static int cmd_near(opts *o)
{
    if (o->nargs < 1)
        return usage_error("%s", "near needs a population");
    int fmt = !o->format_text || !strcmp(o->format_text, "table") ? 0
              : !strcmp(o->format_text, "json")                   ? 1
              : !strcmp(o->format_text, "csv")                    ? 2
                                                                  : -1;
    if (fmt < 0)
        return usage_error("--format: expected table, json or csv, got '%s'", o->format_text);
    calc_batch_opts b;
    memset(&b, 0, sizeof b);
    b.inputs = o->args;
    b.ninputs = o->nargs;
    b.input_format = -1;
    b.as_of = o->as_of;
    b.err = stderr;
    int status = 0;
    calc_engine *e = open_engine(o, &status);
    if (!e)
        return status;
    calc_diags d = {0};
    int rc = calc_near(stdout, e, &b, o->within, fmt, o->lang, &d);
    calc_diags_print(stderr, &d);
    calc_diags_free(&d);
    calc_engine_free(e);
    int s = rc == CALC_EUSAGE ? CALC_EXIT_USAGE : calc_exit_status(rc);
    return finish(stdout, s > status ? s : status);
}

static int cmd_report(opts *o)
{
    if (o->nargs < 1)
        return usage_error("%s", "report needs case files");
    const char *outp = o->out && strcmp(o->out, "-") ? o->out : NULL;
    size_t l = outp ? strlen(outp) : 0;
    int html = !(l > 3 && strcmp(outp + l - 3, ".md") == 0);
    if (o->format_text)
        html = strcmp(o->format_text, "md") != 0 && strcmp(o->format_text, "markdown") != 0;
    int status = 0;
    calc_engine *e = open_engine(o, &status);
    if (!e)
        return status;
    calc_outfile of;
    if (calc_out_open(&of, outp, stderr)) {
        calc_engine_free(e);
        return CALC_EXIT_USAGE;
    }
    FILE *out = of.f;
    calc_diags d = {0};
    int rc = calc_report(out, e, o->args, o->nargs, html, o->lang, &d);
    calc_diags_print(stderr, &d);
    calc_diags_free(&d);
    int s = calc_exit_status(rc);
    if (s > status)
        status = s;
    if (out != stdout) {
        if (calc_out_close(&of, rc == 0, stderr) || rc)
            status = status ? status : CALC_EXIT_USAGE;
    } else
        status = finish(stdout, status);
    calc_engine_free(e);
    return status;
}

static int cmd_fingerprint(opts *o)
{
    int status = 0;
    calc_engine *e = open_engine(o, &status);
    if (!e)
        return status;
    if (!o->canonical)
        calc_fingerprint_write(stdout, e);
    for (int i = 0; i < o->nargs; i++) {
        calc_diags d = {0};
        calc_profile *p = calc_profile_load(e, o->args[i], &d);
        if (!p) {
            calc_diags_print(stderr, &d);
            int s = calc_exit_status(d.n ? d.v[0].code : CALC_EIO);
            status = s > status ? s : status;
        } else if (o->canonical) {
            calc_profile_canonical_write(stdout, p);
        } else {
            char fp[65];
            calc_profile_fingerprint(p, fp);
            printf("profile     sha256:%s  %s (%s)\n", fp, o->args[i], calc_profile_id(p));
        }
        calc_profile_free(p);
        calc_diags_free(&d);
    }
    calc_engine_free(e);
    return finish(stdout, status);
}

static int cmd_policies(opts *o)
{
    int status = 0;
    const char *sub = o->nargs ? o->args[0] : "list";
    if (strcmp(sub, "check") == 0) {
        if (o->nargs > 1)
            o->policies = o->args[1];
        calc_error err = {0};
        const char *dir = o->policies ? o->policies : calc_default_policies();
        calc_engine *e = calc_engine_new(dir, &err);
        if (!e) {
            calc_error_print(stderr, &err);
            return calc_exit_status(err.code);
        }
        calc_diags d = {0};
        int rc = calc_policies_check(e, o->as_of, &d);
        calc_diags_print(stderr, &d);
        int errors = calc_diags_errors(&d);
        printf("%s: %s\n", dir, rc == 0 ? "ok" : "problems found");
        (void)errors;
        calc_diags_free(&d);
        calc_engine_free(e);
        return finish(stdout, calc_exit_status(rc));
    }
    calc_engine *e = open_engine(o, &status);
    if (!e)
        return status;
    if (strcmp(sub, "list") == 0) {
        calc_policies_write(stdout, e, o->as_of, o->lang);
    } else if (strcmp(sub, "show") == 0) {
        if (o->nargs != 2) {
            calc_engine_free(e);
            return usage_error("%s", "policies show needs one policy id");
        }
        calc_error err = {0};
        if (calc_policy_show(stdout, e, o->args[1], o->lang, &err)) {
            calc_error_print(stderr, &err);
            status = CALC_EXIT_USAGE;
        }
    } else {
        calc_engine_free(e);
        return usage_error("unknown policies command '%s' (list, show, check)", sub);
    }
    calc_engine_free(e);
    return finish(stdout, status);
}

static int cmd_schema(opts *o, int init)
{
    int status = 0;
    calc_engine *e = open_engine(o, &status);
    if (!e)
        return status;
    FILE *out = stdout;
    if (init && o->out) {
        out = fopen(o->out, "wx");
        if (!out) {
            fprintf(stderr, "calc: error: cannot create %s (it may exist already)\n", o->out);
            calc_engine_free(e);
            return CALC_EXIT_USAGE;
        }
    }
    if (init)
        calc_template_write(out, e);
    else
        calc_schema_write(out, e, o->lang);
    calc_engine_free(e);
    status = finish(out, status);
    if (out != stdout && fclose(out) != 0)
        status = CALC_EXIT_USAGE;
    return status;
}

/* SIGINT, SIGTERM, SIGHUP: no temporary output file is left behind; then the signal's own
 * ending (the server installs handlers of its own, which drain instead). */
static void on_fatal_signal(int sig)
{
    calc_out_abandon();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

int main(int argc, char **argv)
{
    catch_signals();
    if (argc < 2)
        return usage_error("%s", "missing command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return finish(stdout, 0);
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("calc %s\n", CALC_VERSION);
        return finish(stdout, 0);
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return finish(stdout, 0);
        }
    opts o;
    if (parse_opts(argc - 2, argv + 2, &o))
        return CALC_EXIT_USAGE;
    if (strcmp(cmd, "eval") == 0)
        return cmd_eval(&o);
    if (strcmp(cmd, "replay") == 0)
        return cmd_replay(&o);
    if (strcmp(cmd, "record") == 0)
        return cmd_record(&o);
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(&o);
    if (strcmp(cmd, "near") == 0)
        return cmd_near(&o);
    if (strcmp(cmd, "whatif") == 0)
        return cmd_whatif(&o);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(&o);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(&o);
    if (strcmp(cmd, "fingerprint") == 0)
        return cmd_fingerprint(&o);
    if (strcmp(cmd, "batch") == 0)
        return cmd_batch(&o, 0);
    if (strcmp(cmd, "allocate") == 0)
        return cmd_batch(&o, 1);
    if (strcmp(cmd, "policies") == 0)
        return cmd_policies(&o);
    if (strcmp(cmd, "schema") == 0)
        return cmd_schema(&o, 0);
    if (strcmp(cmd, "init") == 0)
        return cmd_schema(&o, 1);
    return usage_error("unknown command '%s'", cmd);
}
