/* cmd_whatif.c — the what-if commands: calc whatif (a population under the baseline and one
 * scenario, or --solve for a parameter within a budget), calc near (the outreach list) and
 * calc sweep (one profile across a range of a field). */
#include "cli.h"

int cli_whatif(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("whatif needs a population (JSON Lines, YAML stream or CSV)");
    if (!o->solve && !o->scenarios.n && !o->params.n)
        return cli_usage_error("whatif needs --scenario S.yaml, --param, or --solve");
    if (o->solve && !o->budget)
        return cli_usage_error("--solve needs --budget AMOUNT");
    if (!o->solve && (o->budget || o->pool))
        return cli_usage_error("%s goes with --solve POLICY.PARAM",
                               o->budget ? "--budget" : "--pool");
    if (o->solve && o->by)
        return cli_usage_error("--by does not apply to --solve");
    if (o->solve && o->format == 2)
        return cli_usage_error("--solve writes a table or JSON (--format table or json)");
    int fmt = o->format < 0 ? 0 : o->format;
    calc_batch_opts b;
    cli_population(o, &b);
    int status = 0;
    calc_diags d = {0};
    int rc;
    if (o->solve) {
        calc_engine *e = cli_engine_one(o, &status);
        if (!e)
            return status;
        rc = calc_solve(stdout, e, &b, o->solve, o->budget, o->pool, fmt == 1, &d);
        calc_engine_free(e);
    } else {
        calc_engine *base = cli_engine(o, &status);
        if (!base)
            return status;
        calc_engine *scen =
            cli_scenario_engine(o, o->scenarios.n ? o->scenarios.v[0] : NULL, &status);
        if (!scen) {
            calc_engine_free(base);
            return status;
        }
        rc = calc_whatif(stdout, base, scen, &b, o->by, fmt, o->lang, &d);
        calc_engine_free(base);
        calc_engine_free(scen);
    }
    cli_diags_done(&d);
    return cli_finish(stdout, cli_worst(cli_status(rc), status));
}

int cli_near(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("near needs a population");
    int fmt = o->format < 0 ? 0 : o->format;
    calc_batch_opts b;
    cli_population(o, &b);
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    calc_diags d = {0};
    int rc = calc_near(stdout, e, &b, o->within, fmt, o->lang, &d);
    cli_diags_done(&d);
    calc_engine_free(e);
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
