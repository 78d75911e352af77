/* cmd_whatif.c — the what-if commands: calc whatif (a population under the baseline and one
 * scenario, or --solve for a parameter within a budget), calc near (the outreach list) and
 * calc sweep (one profile across a range of a field). */
#include "cli.h"

#include <string.h>

/* A report's output: -o FILE (written complete or not at all) or standard output; a workbook
 * (--format xlsx) is written by the library to its file, which it needs. 0, or the exit
 * status of a usage or output error (its message printed). */
static int report_out(const cli_opts *o, int fmt, calc_outfile *of, calc_batch_opts *b)
{
    memset(of, 0, sizeof *of);
    if (fmt == 3) {
        if (!o->out || strcmp(o->out, "-") == 0)
            return cli_usage_error("--format xlsx writes a workbook, not text: give -o "
                                         "FILE.xlsx");
        b->output = o->out;
        of->f = stdout;
        return 0;
    }
    return calc_out_open(of, o->out, stderr) ? CALC_EXIT_USAGE : 0;
}

/* Closes a report's output, kept unless the library wrote nothing (rc: its return code). */
static int report_done(calc_outfile *of, int rc)
{
    if (of->f == stdout)
        return 0;
    return calc_out_close(of, rc != CALC_EUSAGE, stderr) ? CALC_EXIT_USAGE : 0;
}

/* -o's name and --format agree for the reports (whatif, near): results.csv a CSV, .xlsx a
 * workbook, .json JSON (cli_output_format); any other name the table. */
static int report_format(cli_opts *o)
{
    static const cli_ext ext[] = {{".json", 1}, {".jsonl", 1}, {".csv", 2}, {".xlsx", 3}};
    static const char *const names[] = {"table", "json", "csv", "xlsx"};
    return cli_output_format(o, ext, sizeof ext / sizeof ext[0], names, 0);
}

int cli_whatif(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("whatif needs a population (JSON Lines, YAML stream or CSV)");
    if (!o->solve && !o->scenarios.n && !o->params.n)
        return cli_usage_error("whatif needs --scenario S.yaml, --param, or --solve");
    if (report_format(o))
        return CALC_EXIT_USAGE;
    bool against_pool = o->against && strcmp(o->against, "budget") != 0;
    if (o->solve && !o->budget && !against_pool)
        return cli_usage_error("--solve needs --budget AMOUNT (or --against pool)");
    if (!o->solve && (o->budget || o->pool || o->against))
        return cli_usage_error("%s goes with --solve POLICY.PARAM",
                               o->budget ? "--budget" : o->pool ? "--pool" : "--against");
    if (o->solve && o->by)
        return cli_usage_error("--by does not apply to --solve");
    if (o->solve && (o->format == 2 || o->format == 3))
        return cli_usage_error("--solve writes a table or JSON (--format table or json)");
    int fmt = o->format < 0 ? 0 : o->format;
    calc_batch_opts b;
    cli_population(o, &b);
    b.lang = o->lang;
    b.jobs = o->jobs ? o->jobs : 1;
    int status = 0;
    calc_diags d = {0};
    int rc;
    calc_outfile of;
    calc_engine *base = o->solve ? cli_engine_one(o, &status) : cli_engine(o, &status);
    if (!base)
        return status;
    calc_engine *scen = o->solve ? NULL
                        : cli_scenario_engine(o, o->scenarios.n ? o->scenarios.v[0] : NULL,
                                              &status);
    int ostatus = o->solve || scen ? report_out(o, fmt, &of, &b) : 0;
    if ((!o->solve && !scen) || ostatus) {
        calc_engine_free(base);
        calc_engine_free(scen);
        return ostatus ? ostatus : status;
    }
    if (o->solve) {
        calc_solve_opts so = {o->solve, o->budget, o->pool, o->against, fmt == 1, o->lang};
        rc = calc_solve(of.f, base, &b, &so, &d);
    } else
        rc = calc_whatif(of.f, base, scen, &b, o->by, fmt, o->lang, &d);
    calc_engine_free(base);
    calc_engine_free(scen);
    status = cli_worst(status, cli_diags_status(&d));
    cli_diags_done(&d);
    status = cli_worst(status, report_done(&of, rc));
    return cli_finish(stdout, cli_worst(cli_status(rc), status));
}

int cli_near(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("near needs a population");
    if (report_format(o))
        return CALC_EXIT_USAGE;
    int fmt = o->format;
    calc_batch_opts b;
    cli_population(o, &b);
    b.lang = o->lang;
    b.jobs = o->jobs ? o->jobs : 1;
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    calc_outfile of;
    int ostatus = report_out(o, fmt, &of, &b);
    if (ostatus) {
        calc_engine_free(e);
        return ostatus;
    }
    calc_diags d = {0};
    int rc = calc_near(of.f, e, &b, o->within, fmt, o->lang, &d);
    status = cli_worst(status, cli_diags_status(&d));
    cli_diags_done(&d);
    calc_engine_free(e);
    status = cli_worst(status, report_done(&of, rc));
    return cli_finish(stdout, cli_worst(cli_status(rc), status));
}

int cli_sweep(cli_opts *o)
{
    if (o->args.n != 1 || !o->vary)
        return cli_usage_error("sweep takes one profile and --vary PATH=FROM:TO:STEP");
    int fmt = o->format < 0 ? 0 : o->format;
    int status = 0;
    calc_engine *e = cli_engine_one(o, &status);
    if (!e)
        return status;
    calc_outfile of;
    if (calc_out_open(&of, o->out, stderr)) {
        calc_engine_free(e);
        return CALC_EXIT_USAGE;
    }
    calc_diags d = {0};
    int rc = calc_sweep(of.f, e, o->args.v[0], o->sets.v, o->sets.n, o->vary, o->only.v,
                        o->only.n, o->as_of, fmt, o->lang, &d);
    cli_diags_done(&d);
    if (of.f != stdout && calc_out_close(&of, rc == 0, stderr) && !rc)
        rc = CALC_EIO;
    calc_engine_free(e);
    return cli_finish(stdout, cli_worst(cli_status(rc), status));
}
