/* cmd_history.c — evaluation with history from the grants ledger (issue #17): the history the
 * evaluating commands read once from the ledger they are given (--ledger, else $CALC_LEDGER),
 * `calc new` (the newly entitled) and `calc batch --grant ROUND` (the results just written
 * recorded as a round). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static calc_history *loaded; /* read once per run: every engine of the run shares it */

static void free_loaded(void)
{
    calc_history_free(loaded);
    loaded = NULL;
}

/* The head and every live grant, read in one transaction (one state of the ledger). */
static int read_history(calc_ledger *l, calc_error *err)
{
    char head[65];
    int64_t seq;
    calc_award *v = NULL;
    size_t n = 0;
    int rc = calc_ledger_history(l, head, &seq, &v, &n, err);
    if (rc)
        return rc;
    if (!(loaded = calc_history_new(v, n, head, seq)))
        return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    return 0;
}

int cli_history(const cli_opts *o, const calc_history **out)
{
    *out = NULL;
    if (loaded) {
        *out = loaded;
        return 0;
    }
    if (!cli_ledger_target(o))
        return 0;
    int status = 0;
    calc_ledger *l = cli_ledger_open(o, false, &status);
    if (!l)
        return status;
    calc_error err = {0};
    int rc = read_history(l, &err);
    calc_ledger_close(l);
    if (rc) {
        calc_error_print(stderr, &err);
        return cli_status(rc);
    }
    atexit(free_loaded);
    *out = loaded;
    return 0;
}

int cli_grant_round(const cli_opts *o, const char *results)
{
    int status = 0;
    char at[32];
    if ((status = cli_ledger_time(o, at)))
        return status;
    calc_ledger *l = cli_ledger_open(o, false, &status);
    if (!l)
        return status;
    calc_grant_opts go = {o->round, o->by, at, NULL};
    calc_grant_stats st = {0};
    calc_diags d = {0};
    int rc = calc_ledger_grant_file(l, results, NULL, &go, &st, &d);
    calc_diags_print(stderr, &d);
    calc_diags_free(&d);
    calc_ledger_close(l);
    char m[40], msg[600];
    int lang = calc_settings_get()->lang;
    if (rc)
        fprintf(stderr, "calc: %s\n", calc_msg_format(msg, sizeof msg, lang,
                                                      "round %s not recorded: the ledger is as "
                                                      "it was", o->round));
    else if (!o->quiet)
        fprintf(stderr, "calc: %s\n",
                calc_msg_format(msg, sizeof msg, lang,
                                "round %s recorded: %zu grant rows (seq %lld to %lld) from %zu "
                                "records, %s yuan, head %s",
                                o->round, st.rows, (long long)st.first_seq,
                                (long long)st.last_seq, st.records,
                                calc_money_format(m, st.cash), st.head));
    return rc ? cli_status(rc) : 0;
}

int cli_new(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("new needs a population (or - for stdin)");
    int fmt = o->format < 0 ? 0 : o->format;
    if (fmt == 3 && (!o->out || strcmp(o->out, "-") == 0))
        return cli_usage_error("--format xlsx writes a workbook, not text: give -o FILE.xlsx");
    const calc_history *h;
    int status = cli_history(o, &h);
    if (status)
        return status;
    if (!h)
        return cli_usage_error("new compares with the grants ledger: give --ledger FILE or "
                               "--ledger postgresql://… (or set CALC_LEDGER)");
    calc_batch_opts b;
    cli_population(o, &b);
    b.policies = o->policies ? o->policies : cli_default_policies();
    b.jobs = o->jobs ? o->jobs : 1;
    b.history = h;
    b.output = fmt == 3 ? o->out : NULL;
    b.params = o->params.v;
    b.nparams = o->params.n;
    calc_outfile of = {0};
    if (fmt != 3 && calc_out_open(&of, o->out, stderr))
        return CALC_EXIT_USAGE;
    int rc = calc_new(fmt == 3 ? stdout : of.f, &b, fmt, o->lang);
    if (fmt != 3 && calc_out_close(&of, rc != CALC_EIO, stderr) && !rc)
        rc = CALC_EIO;
    return cli_finish(stdout, calc_exit_status(rc));
}
