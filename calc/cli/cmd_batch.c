/* cmd_batch.c — calc batch (a population evaluated, pools allocated) and calc allocate (the
 * reduce step over the result lines of shards). */
#include "cli.h"

#include <string.h>

/* -o's name and --format agree (results.csv a CSV, results.xlsx a workbook: cli_output_format);
 * a workbook named .csv, JSON Lines named .xlsx would open as garbage. */
static int output_format(cli_opts *o)
{
    static const cli_ext ext[] = {{".jsonl", CALC_OUT_JSONL}, {".json", CALC_OUT_JSONL},
                                  {".ndjson", CALC_OUT_JSONL}, {".csv", CALC_OUT_CSV},
                                  {".xlsx", CALC_OUT_XLSX}};
    static const char *const names[] = {"jsonl", "csv", "xlsx", "compact"};
    return cli_output_format(o, ext, sizeof ext / sizeof ext[0], names, CALC_OUT_JSONL);
}

static int run_batch(cli_opts *o, int allocate)
{
    if (o->args.n < 1)
        return cli_usage_error(allocate ? "allocate needs result files (or - for stdin)"
                                        : "batch needs input files (or - for stdin)");
    if (output_format(o))
        return CALC_EXIT_USAGE;
    if (o->excel && o->format != CALC_OUT_CSV)
        return cli_usage_error("--excel needs --format csv (%s writes JSON Lines otherwise)",
                               allocate ? "allocate" : "batch");
    if (o->format == CALC_OUT_COMPACT && (allocate || o->manifest || o->explain || o->no_eval))
        return cli_usage_error("--format compact is for calc batch without --manifest, --explain "
                               "and --no-eval (they need the JSON Lines' fields)");
    if (o->sign && !o->manifest)
        return cli_usage_error("--sign signs the manifest: give --manifest FILE");
    if (o->sign) { /* the key tried first: a run is not made, and its files written, to fail
                    * at the signature */
        char none[65], sig[128], fp[72];
        memset(none, '0', 64);
        none[64] = 0;
        calc_error err = {0};
        if (calc_sign_digest(o->sign, none, sig, sizeof sig, fp, &err)) {
            calc_error_print(stderr, &err);
            return calc_exit_status(err.code);
        }
    }
    if (o->manifest && (!o->out || strcmp(o->out, "-") == 0))
        return cli_usage_error("--manifest records the results file's digest: give -o FILE");
    if (o->format == CALC_OUT_XLSX && (!o->out || strcmp(o->out, "-") == 0))
        return cli_usage_error("--format xlsx writes a workbook, not text: give -o FILE.xlsx");
    if (o->round && !cli_ledger_target(o))
        return cli_usage_error("--grant records into the ledger: give --ledger FILE|URL");
    if (o->round && (!o->out || strcmp(o->out, "-") == 0 || o->format > CALC_OUT_JSONL))
        return cli_usage_error("--grant records the result lines: give -o FILE (JSON Lines)");
    if (cli_ledger_target(o) && o->no_pools)
        return cli_usage_error("--ledger with --no-pools: the keys' shares are of the pooled "
                               "amounts; run the batch with its pools");
    const calc_history *h = NULL;
    int hs = allocate ? 0 : cli_history(o, &h);
    if (hs)
        return hs;
    calc_batch_opts b;
    cli_population(o, &b);
    b.history = h;
    b.out_format = o->format;
    b.output = o->out && strcmp(o->out, "-") ? o->out : NULL;
    b.summary = o->summary;
    b.policies = o->policies ? o->policies : cli_default_policies();
    b.jobs = o->jobs ? o->jobs : 1;
    b.explain = o->explain;
    b.no_pools = o->no_pools;
    b.progress = o->progress;
    b.quiet = o->quiet;
    b.excel = o->excel;
    b.lang = o->lang;
    b.no_eval = o->no_eval;
    b.params = o->params.v;
    b.nparams = o->params.n;
    b.scenario = o->scenarios.n ? o->scenarios.v[0] : NULL;
    b.manifest = o->manifest;
    b.manifest_key = o->sign;
    if (!o->as_of_text && !o->quiet && !allocate) {
        char d[16], m[100];
        fprintf(stderr, "calc: %s\n", calc_msg_format(m, sizeof m, calc_settings_get()->lang,
                                                      "as of %s", calc_date_format(d, o->as_of)));
    }
    int status = calc_exit_status(allocate ? calc_allocate(&b) : calc_batch(&b));
    if (o->round && !allocate) { /* --grant: the round, from the results as written */
        if (status) {
            char m[200];
            fprintf(stderr, "calc: %s\n",
                    calc_msg_format(m, sizeof m, calc_settings_get()->lang,
                                    "round %s not recorded: the batch had problems", o->round));
        } else
            status = cli_grant_round(o, o->out);
    }
    return cli_finish(stdout, status);
}

int cli_batch(cli_opts *o)
{
    return run_batch(o, 0);
}

int cli_allocate(cli_opts *o)
{
    return run_batch(o, 1);
}
