/* cmd_audit.c — the audit commands: calc replay (case files against their expected outcome),
 * calc record (a case file of a profile's outcome), calc report (an estimate report per case)
 * and calc fingerprint. */
#include "cli.h"

#include <string.h>
#include <time.h>

int cli_replay(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("replay needs case files or a directory");
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    calc_replay_stats st = {0};
    calc_diags d = {0};
    int worst = 0;
    calc_engine_set_replay(e, o->strict, o->as_recorded);
    calc_engine_set_replay_key(e, o->key);
    for (int i = 0; i < o->args.n; i++) {
        int before = st.passed + st.failed + st.invalid;
        int rc = calc_replay(stdout, e, o->args.v[i], &st, &d);
        calc_diags_print(stderr, &d);
        calc_diags_free(&d);
        worst = cli_worst(worst, calc_exit_status(rc));
        if (!rc && st.passed + st.failed + st.invalid == before) { /* nothing replayed is no pass */
            calc_error x;
            calc_error_set(&x, CALC_ESCHEMA, NULL, 0, 0, "%s: no case files to replay",
                           o->args.v[i]);
            calc_error_hint(&x, "a case file is a .yaml file that calc record writes (its "
                                "profile and expected outcome); give such files or a directory "
                                "holding them");
            calc_error_print(stderr, &x);
            worst = cli_worst(worst, CALC_EXIT_INPUT);
        }
    }
    char sum[200]; /* the count, in the language of messages (tests/run.sh reads the English) */
    if (st.invalid)
        calc_msg_format(sum, sizeof sum, calc_settings_get()->lang,
                        "%d passed, %d failed, %d invalid", st.passed, st.failed, st.invalid);
    else
        calc_msg_format(sum, sizeof sum, calc_settings_get()->lang, "%d passed, %d failed",
                        st.passed, st.failed);
    printf("%s\n", sum);
    if (st.failed && worst < CALC_EXIT_CHECK)
        worst = CALC_EXIT_CHECK;
    calc_engine_free(e);
    return cli_finish(stdout, cli_worst(worst, status));
}

/* The recording's metadata: the time of recording is read here, by the command line (the
 * library reads no clock), in UTC to the second. */
static calc_record_opts record_opts_of(const cli_opts *o, char at[32])
{
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(at, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(at, 32, "unknown");
    calc_record_opts r = {.embed = o->embed, .at = at, .by = o->by, .sign_key = o->sign};
    return r;
}

/* record --cases CASE.yaml: each case of a case file recorded again */
static int record_cases(cli_opts *o)
{
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    calc_diags d = {0};
    calc_outfile of;
    int rc = calc_out_open(&of, o->out, stderr);
    if (!rc)
    {
        char at[32];
        calc_record_opts ro = record_opts_of(o, at);
        rc = calc_record_cases_with(of.f, e, o->args.v[0], &ro, &d);
    }
    cli_diags_done(&d);
    if (of.f != stdout && calc_out_close(&of, rc == 0, stderr) && !rc)
        rc = CALC_EIO;
    calc_engine_free(e);
    return cli_finish(stdout, cli_worst(calc_exit_status(rc), status));
}

int cli_record(cli_opts *o)
{
    if (o->args.n != 1)
        return cli_usage_error("record takes one profile");
    if (o->cases)
        return record_cases(o);
    if (!o->as_of_text)
        return cli_usage_error("record needs --as-of DATE: a recorded case fixes its date");
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    calc_diags d = {0};
    calc_profile *p = calc_profile_load(e, o->args.v[0], &d);
    if (!p) {
        int code = d.n ? d.v[0].code : CALC_EIO;
        cli_diags_done(&d);
        calc_engine_free(e);
        return calc_exit_status(code);
    }
    calc_outfile of;
    if (calc_out_open(&of, o->out, stderr))
        status = CALC_EXIT_USAGE;
    else {
        char at[32];
        calc_record_opts ro = record_opts_of(o, at);
        calc_error err = {0};
        int rc = calc_record_with(of.f, e, p, o->as_of, &ro, &err);
        calc_error *x = rc && err.msg[0] ? calc_diags_add(&d) : NULL;
        if (x) {
            *x = err;
            cli_diags_done(&d);
        }
        if (rc)
            status = rc == CALC_EIO ? CALC_EXIT_USAGE : calc_exit_status(rc);
        if (of.f != stdout) {
            if (calc_out_close(&of, status == 0, stderr))
                status = CALC_EXIT_USAGE;
        } else
            status = cli_finish(stdout, status);
    }
    calc_profile_free(p);
    calc_diags_free(&d);
    calc_engine_free(e);
    return status;
}

int cli_verify(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("verify needs case files");
    if (!o->key)
        return cli_usage_error("verify needs --key PUB.pem, the public key the cases were "
                               "signed with");
    int ok = 0, bad = 0, worst = 0;
    for (int i = 0; i < o->args.n; i++) {
        calc_diags d = {0};
        int rc = calc_verify_cases(stdout, o->args.v[i], o->key, &ok, &bad, &d);
        calc_diags_print(stderr, &d);
        calc_diags_free(&d);
        worst = cli_worst(worst, calc_exit_status(rc));
    }
    char line[160];
    calc_msg_format(line, sizeof line, calc_settings_get()->lang, "%d verified, %d not verified",
                    ok, bad);
    printf("%s\n", line);
    if (bad && worst < CALC_EXIT_CHECK)
        worst = CALC_EXIT_CHECK;
    return cli_finish(stdout, worst);
}

int cli_report(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("report needs case files");
    /* -o's name chooses (report.md Markdown, any other name HTML), and a contradicting
     * --format is refused (cli_output_format) */
    static const cli_ext ext[] = {{".md", 0}, {".markdown", 0}, {".html", 1}, {".htm", 1}};
    static const char *const names[] = {"md", "html"};
    if (cli_output_format(o, ext, sizeof ext / sizeof ext[0], names, 1))
        return CALC_EXIT_USAGE;
    int html = o->format;
    const char *outp = o->out && strcmp(o->out, "-") ? o->out : NULL;
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    calc_outfile of;
    if (calc_out_open(&of, outp, stderr)) {
        calc_engine_free(e);
        return CALC_EXIT_USAGE;
    }
    FILE *out = of.f;
    calc_diags d = {0};
    int rc = calc_report(out, e, o->args.v, o->args.n, html, o->lang, &d);
    cli_diags_done(&d);
    status = cli_worst(status, calc_exit_status(rc));
    if (out != stdout) {
        if (calc_out_close(&of, rc == 0, stderr) || rc)
            status = status ? status : CALC_EXIT_USAGE;
    } else
        status = cli_finish(stdout, status);
    calc_engine_free(e);
    return status;
}

int cli_fingerprint(cli_opts *o)
{
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    if (!o->canonical)
        calc_fingerprint_write(stdout, e);
    for (int i = 0; i < o->args.n; i++) {
        calc_diags d = {0};
        calc_profile *p = calc_profile_load(e, o->args.v[i], &d);
        if (!p) {
            calc_diags_print(stderr, &d);
            status = cli_worst(status, calc_exit_status(d.n ? d.v[0].code : CALC_EIO));
        } else if (o->canonical) {
            calc_profile_canonical_write(stdout, p);
        } else {
            char fp[65];
            calc_profile_fingerprint(p, fp);
            printf("profile     sha256:%s  %s (%s)\n", fp, o->args.v[i], calc_profile_id(p));
        }
        calc_profile_free(p);
        calc_diags_free(&d);
    }
    calc_engine_free(e);
    return cli_finish(stdout, status);
}
