/* cmd_eval.c — calc eval: one profile against every policy, or beside any number of scenarios
 * (each a file, or the --param overrides alone). */
#include "cli.h"

#include <stdlib.h>

/* The baseline and each scenario side by side. */
static int eval_scenarios(const cli_opts *o, calc_engine *base, calc_profile *p, int json)
{
    int status = 0, n = o->scenarios.n ? o->scenarios.n : 1;
    calc_engine **eng = calloc((size_t)n + 1, sizeof *eng);
    calc_result **res = calloc((size_t)n + 1, sizeof *res);
    if (!eng || !res) {
        free(eng);
        free(res);
        cli_error("out of memory");
        return CALC_EXIT_USAGE;
    }
    eng[0] = base;
    for (int i = 0; i < n; i++) {
        eng[i + 1] = cli_scenario_engine(o, o->scenarios.n ? o->scenarios.v[i] : NULL, &status);
        if (!eng[i + 1]) {
            for (int k = 1; k <= i; k++)
                calc_engine_free(eng[k]);
            free(eng);
            free(res);
            return status;
        }
    }
    for (int i = 0; i <= n; i++)
        res[i] = calc_eval(eng[i], p, o->as_of);
    calc_compare_write(stdout, (const calc_engine *const *)eng, (const calc_result *const *)res,
                       n + 1, json, o->lang);
    for (int i = 0; i <= n; i++) {
        status = cli_worst(status, calc_result_exit(res[i]));
        calc_result_free(res[i]);
        if (i)
            calc_engine_free(eng[i]);
    }
    free(eng);
    free(res);
    return status;
}

int cli_eval(cli_opts *o)
{
    int format = o->format < 0 ? CALC_FMT_TABLE : o->format;
    if (o->args.n != 1)
        return cli_usage_error(o->args.n ? "eval takes one profile" : "eval needs a profile");
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    calc_diags d = {0};
    calc_profile *p = calc_profile_load_set(e, o->args.v[0], o->sets.v, o->sets.n, &d);
    if (!p) {
        int code = d.n ? d.v[0].code : CALC_EIO;
        cli_diags_done(&d);
        calc_engine_free(e);
        return calc_exit_status(code);
    }
    if (o->scenarios.n || o->params.n) {
        int s = eval_scenarios(o, e, p, format == CALC_FMT_JSON);
        calc_profile_free(p);
        calc_diags_free(&d);
        calc_engine_free(e);
        return cli_finish(stdout, cli_worst(s, status));
    }
    const calc_eval_opts eo = {.explain = o->explain != 0};
    calc_result *r = calc_eval_with(e, p, o->as_of, &eo);
    if (format == CALC_FMT_JSON || o->explain)
        calc_qualify(e, p, r);
    calc_output_opts oo = {format, o->explain, o->lang};
    calc_result_write(stdout, e, r, &oo);
    status = cli_worst(status, calc_result_exit(r));
    calc_result_free(r);
    calc_profile_free(p);
    calc_diags_free(&d);
    calc_engine_free(e);
    return cli_finish(stdout, status);
}
