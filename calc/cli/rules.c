/* rules.c — the engines a command runs on: the policy set of --policies, with a scenario and
 * the --param overrides applied; and the population options of batch, whatif and near. */
#include "cli.h"

#include <string.h>

calc_engine *cli_engine(const cli_opts *o, int *status)
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

calc_engine *cli_scenario_engine(const cli_opts *o, const char *file, int *status)
{
    calc_engine *e = cli_engine(o, status);
    if (!e)
        return NULL;
    calc_diags d = {0};
    int rc = file ? calc_scenario_load(e, file, &d) : 0;
    for (int i = 0; !rc && i < o->params.n; i++)
        rc = calc_engine_param(e, o->params.v[i], &d);
    cli_diags_done(&d);
    if (rc) {
        *status = cli_status(rc);
        calc_engine_free(e);
        return NULL;
    }
    return e;
}

calc_engine *cli_engine_one(const cli_opts *o, int *status)
{
    if (!o->scenarios.n && !o->params.n)
        return cli_engine(o, status);
    return cli_scenario_engine(o, o->scenarios.n ? o->scenarios.v[0] : NULL, status);
}

void cli_population(const cli_opts *o, calc_batch_opts *b)
{
    memset(b, 0, sizeof *b);
    b->inputs = o->args.v;
    b->ninputs = o->args.n;
    b->input_format = o->input_format;
    b->as_of = o->as_of;
    b->sets = o->sets.v;
    b->nsets = o->sets.n;
    b->err = stderr;
}
