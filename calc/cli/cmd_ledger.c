/* cmd_ledger.c — the grants ledger's commands: `calc ledger` (the query, init, verify,
 * export), `calc grant`, `calc pay` and `calc revoke`, and what any command needs to open the
 * ledger it is given (--ledger, else $CALC_LEDGER) and to say when a write happens (--at, else
 * $SOURCE_DATE_EPOCH, else the clock): the library reads neither. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *cli_ledger_target(const cli_opts *o)
{
    if (o->ledger && *o->ledger)
        return o->ledger;
    const char *env = getenv("CALC_LEDGER");
    return env && *env ? env : NULL;
}

calc_ledger *cli_ledger_open(const cli_opts *o, bool create, int *status)
{
    const char *t = cli_ledger_target(o);
    if (!t) {
        *status = cli_usage_error("no ledger given: --ledger FILE or --ledger postgresql://…, "
                                  "or CALC_LEDGER");
        return NULL;
    }
    calc_ledger *l = NULL;
    calc_error err = {0};
    int rc = calc_ledger_open(&l, t, create, &err);
    if (rc) {
        calc_error_print(stderr, &err);
        *status = cli_status(rc);
        return NULL;
    }
    return l;
}

/* "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD" (its midnight, UTC) into seconds since the epoch. */
static int parse_at(const char *s, time_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    size_t len = strlen(s);
    if (len == 10) {
        if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
            return -1;
    } else if (len != 20 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se,
                                   &n) != 6 || n != 20) {
        return -1;
    }
    calc_date day;
    char ds[11];
    snprintf(ds, sizeof ds, "%.10s", s);
    if (calc_date_parse(&day, ds, 10) || h > 23 || mi > 59 || se > 59 || s[4] != '-' ||
        s[7] != '-')
        return -1;
    *out = (time_t)day * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

int cli_ledger_time(const cli_opts *o, char buf[32])
{
    time_t t;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (o->at) {
        if (parse_at(o->at, &t))
            return cli_usage_error("--at: expected a UTC time YYYY-MM-DDTHH:MM:SSZ or a date "
                                   "YYYY-MM-DD, got '%s'", o->at);
    } else if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (*end || errno || v < 0 || v > 253402300799LL) /* up to 9999-12-31 */
            return cli_usage_error("SOURCE_DATE_EPOCH: expected seconds since 1970-01-01, got "
                                   "'%s'", sde);
        t = (time_t)v;
    } else {
        t = time(NULL);
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

static int ledger_init(cli_opts *o)
{
    int status = 0;
    calc_ledger *l = cli_ledger_open(o, true, &status);
    if (!l)
        return status;
    char line[400];
    printf("%s\n", calc_msg_format(line, sizeof line, calc_settings_get()->lang,
                                   "ledger %s: schema version %d", calc_ledger_name(l),
                                   calc_ledger_schema_version()));
    if (calc_ledger_restored(l))
        printf("%s\n", calc_msg_format(line, sizeof line, calc_settings_get()->lang,
                                       "restored the append-only triggers it had lost: %s",
                                       calc_ledger_restored(l)));
    calc_ledger_close(l);
    return cli_finish(stdout, 0);
}

/* The output of a query or an export: -o FILE, complete or not at all. */
static int ledger_output(cli_opts *o, int (*fn)(calc_ledger *, cli_opts *, FILE *, calc_error *))
{
    int status = 0;
    calc_ledger *l = cli_ledger_open(o, false, &status);
    if (!l)
        return status;
    const char *outp = o->out && strcmp(o->out, "-") ? o->out : NULL;
    calc_outfile of;
    if (calc_out_open(&of, outp, stderr)) {
        calc_ledger_close(l);
        return CALC_EXIT_USAGE;
    }
    calc_error err = {0};
    int rc = fn(l, o, of.f, &err);
    if (rc)
        calc_error_print(stderr, &err);
    calc_ledger_close(l);
    status = cli_status(rc);
    if (calc_out_close(&of, rc == 0, stderr))
        status = cli_worst(status, CALC_EXIT_USAGE);
    return outp ? status : cli_finish(stdout, status);
}

static int do_list(calc_ledger *l, cli_opts *o, FILE *out, calc_error *err)
{
    calc_ledger_query q = {o->enterprise, o->policy, o->round, o->pool, o->year,
                           o->format < 0 ? 0 : o->format, o->lang};
    return calc_ledger_list(l, &q, out, err);
}

static int do_export(calc_ledger *l, cli_opts *o, FILE *out, calc_error *err)
{
    return calc_ledger_export(l, o->format == 2 ? 2 : 1, out, err);
}

static int ledger_verify(cli_opts *o)
{
    int status = 0;
    calc_ledger *l = cli_ledger_open(o, false, &status);
    if (!l)
        return status;
    calc_diags d = {0};
    /* the report in the language of the messages, as replay's and pay's */
    int rc = calc_ledger_verify(l, o->key, o->head, o->all_signed, stdout,
                                calc_settings_get()->lang, &d);
    cli_diags_done(&d);
    calc_ledger_close(l);
    return cli_finish(stdout, cli_status(rc));
}

int cli_ledger(cli_opts *o)
{
    const char *sub = o->args.n ? o->args.v[0] : "";
    if (o->args.n > 1)
        return cli_usage_error("ledger takes one of init, verify and export, or nothing (the "
                               "query)");
    bool query = o->enterprise || o->policy || o->year || o->round || o->pool;
    if (*sub && query)
        return cli_usage_error("ledger %s takes no filter (--enterprise, --policy, --year, "
                               "--round, --pool)", sub);
    if (strcmp(sub, "verify") && (o->key || o->head))
        return cli_usage_error("--key and --head are for calc ledger verify");
    if (o->year && (strlen(o->year) != 4 || strspn(o->year, "0123456789") != 4))
        return cli_usage_error("--year: expected a claim year of four digits, got '%s'",
                               o->year);
    if (strcmp(sub, "init") == 0)
        return ledger_init(o);
    if (strcmp(sub, "verify") == 0)
        return ledger_verify(o);
    if (strcmp(sub, "export") == 0) {
        if (o->format == 0)
            return cli_usage_error("ledger export writes JSON Lines or CSV (--format jsonl|csv)");
        return ledger_output(o, do_export);
    }
    if (*sub)
        return cli_usage_error("unknown ledger command '%s' (init, verify, export)", sub);
    return ledger_output(o, do_list);
}

int cli_grant(cli_opts *o)
{
    if (o->args.n != 1)
        return cli_usage_error("grant needs one file of result lines (calc batch --ledger … "
                               "-o RESULTS.jsonl), or '-'");
    if (!o->round || !*o->round)
        return cli_usage_error("grant needs --round NAME");
    char at[32];
    int status = cli_ledger_time(o, at);
    if (status)
        return status;
    calc_ledger *l = cli_ledger_open(o, false, &status);
    if (!l)
        return status;
    calc_grant_opts g = {o->round, o->by, at, o->sign};
    calc_grant_stats st;
    calc_diags d = {.max = 1000};
    const char *path = o->args.v[0];
    int rc = calc_ledger_grant_file(l, path, strcmp(path, "-") ? NULL : stdin, &g, &st, &d);
    cli_diags_done(&d);
    calc_ledger_close(l);
    int lang = calc_settings_get()->lang;
    char line[600];
    if (rc == 0 && !o->quiet) {
        char m[40], h[80];
        snprintf(h, sizeof h, "%s", st.head[0] ? st.head : "-");
        calc_msg_format(line, sizeof line, lang,
                        "round %s recorded: %zu grant rows (seq %lld to %lld) from %zu records, "
                        "%s yuan, head %s",
                        o->round, st.rows, (long long)st.first_seq, (long long)st.last_seq,
                        st.records, calc_money_format(m, st.cash), h);
        printf("%s\n", line);
        if (st.key_fp[0])
            printf("%s\n", calc_msg_format(line, sizeof line, lang, "head signed with %s",
                                           st.key_fp));
    } else if (rc) {
        cli_error("round %s not recorded: the ledger is as it was", o->round);
    }
    return cli_finish(stdout, cli_status(rc));
}

static int write_cmd(cli_opts *o, bool pay)
{
    if (o->args.n < 1)
        return cli_usage_error(pay ? "pay needs the grants paid: SEQ or "
                                     "ENTERPRISE/POLICY/YEAR/KEY"
                                   : "revoke needs the grant revoked: SEQ or "
                                     "ENTERPRISE/POLICY/YEAR/KEY");
    if (!pay && o->args.n > 1)
        return cli_usage_error("revoke takes one grant at a time");
    if (!pay && (!o->reason || !*o->reason))
        return cli_usage_error("revoke needs --reason TEXT");
    if (pay && o->amount && o->args.n > 1)
        return cli_usage_error("--amount is for one grant at a time");
    char at[32];
    int status = cli_ledger_time(o, at);
    if (status)
        return status;
    calc_ledger *l = cli_ledger_open(o, false, &status);
    if (!l)
        return status;
    calc_ledger_write_opts w = {o->by, at, o->amount, o->reason, o->recover};
    calc_diags d = {0};
    int lang = calc_settings_get()->lang;
    int rc = pay ? calc_ledger_pay(l, o->args.v, o->args.n, &w, stdout, lang, &d)
                 : calc_ledger_revoke(l, o->args.v[0], &w, stdout, lang, &d);
    cli_diags_done(&d);
    calc_ledger_close(l);
    return cli_finish(stdout, cli_status(rc));
}

int cli_pay(cli_opts *o) { return write_cmd(o, true); }
int cli_revoke(cli_opts *o) { return write_cmd(o, false); }
