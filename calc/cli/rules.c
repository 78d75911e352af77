/* rules.c — the engines a command runs on: the policy set of --policies, with a scenario and
 * the --param overrides applied; and the population options of batch, whatif and near. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

calc_engine *cli_engine(const cli_opts *o, int *status)
{
    calc_error err = {0};
    const char *dir = o->policies ? o->policies : cli_default_policies();
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
    if (o->history) { /* --ledger: the enterprises' history from its records */
        const calc_history *h;
        int s = cli_history(o, &h);
        if (s) {
            calc_engine_free(e);
            *status = s;
            return NULL;
        }
        calc_engine_set_history(e, h);
    }
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
    b->encoding = o->encoding;
    b->lang = o->lang;
    b->as_of = o->as_of;
    b->sets = o->sets.v;
    b->nsets = o->sets.n;
    b->err = stderr;
}

/* The default policy directory: $CALC_POLICIES, ./policies, the set installed beside the
 * program (../share/calc/policies), or the one of the build's PREFIX. */
const char *cli_default_policies(void)
{
    const char *env = getenv("CALC_POLICIES");
    if (env && *env)
        return env;
    if (access("policies/schema.yaml", R_OK) == 0)
        return "policies";
    static char path[1200];
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(path, sizeof path, "%s/../share/calc/policies", exe);
            char probe[1300];
            snprintf(probe, sizeof probe, "%s/schema.yaml", path);
            if (access(probe, R_OK) == 0)
                return path;
        }
    }
    return CALC_DATADIR "/policies";
}
