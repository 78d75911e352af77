/* cmd_info.c — what the policy set says: calc policies (list, show, check), calc schema (the
 * profile fields), calc init (a blank profile, or a CSV template) and calc version. */
#include "cli.h"

#include <string.h>

#include "example.h" /* cases/profiles/example.yaml, compiled in (the Makefile makes it) */

static int policies_check(cli_opts *o)
{
    if (o->args.n > 1)
        o->policies = o->args.v[1];
    calc_error err = {0};
    const char *dir = o->policies ? o->policies : cli_default_policies();
    calc_engine *e = calc_engine_new(dir, &err);
    if (!e) {
        calc_error_print(stderr, &err);
        return calc_exit_status(err.code);
    }
    calc_diags d = {0};
    int rc = calc_policies_check(e, o->as_of, &d);
    calc_diags_print(stderr, &d);
    char m[1200]; /* the verdict, in the language of the messages above it */
    puts(calc_msg_format(m, sizeof m, calc_settings_get()->lang,
                         rc == 0 ? "%s: ok" : "%s: problems found", dir));
    calc_diags_free(&d);
    calc_engine_free(e);
    return cli_finish(stdout, calc_exit_status(rc));
}

int cli_policies(cli_opts *o)
{
    int status = 0;
    const char *sub = o->args.n ? o->args.v[0] : "list";
    if (strcmp(sub, "check") == 0)
        return policies_check(o);
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    if (strcmp(sub, "list") == 0) {
        calc_policies_write(stdout, e, o->as_of, o->lang);
    } else if (strcmp(sub, "show") == 0) {
        if (o->args.n != 2) {
            calc_engine_free(e);
            return cli_usage_error("policies show needs one policy id");
        }
        calc_error err = {0};
        if (calc_policy_show(stdout, e, o->args.v[1], o->lang, &err)) {
            calc_error_print(stderr, &err);
            status = CALC_EXIT_USAGE;
        }
    } else {
        calc_engine_free(e);
        return cli_usage_error("unknown policies command '%s' (list, show, check)", sub);
    }
    calc_engine_free(e);
    return cli_finish(stdout, status);
}

/* init --format csv: the template with the example profile's row (the schema's defaults when
 * the example does not fit the set's schema). */
static void template_csv(FILE *out, calc_engine *e)
{
    calc_diags d = {0};
    calc_profile *p = calc_profile_parse(e, "example.yaml", (const char *)example_yaml,
                                         example_yaml_len, &d);
    if (!p)
        fputs("calc: note: the example profile does not fit this policy set's schema: the "
              "row holds the schema's defaults\n", stderr);
    calc_diags_free(&d);
    calc_template_csv_write(out, e, p);
    calc_profile_free(p);
}

/* schema, or with init the blank profile (to -o, never over an existing file) */
static int schema_or_init(cli_opts *o, int init)
{
    int status = 0;
    calc_engine *e = cli_engine(o, &status);
    if (!e)
        return status;
    FILE *out = stdout;
    if (init && o->out) {
        out = fopen(o->out, "wx");
        if (!out) {
            cli_error("cannot create %s (it may exist already)", o->out);
            calc_engine_free(e);
            return CALC_EXIT_USAGE;
        }
    }
    if (init && o->format == 1)
        template_csv(out, e);
    else if (init)
        calc_template_write(out, e);
    else
        calc_schema_write(out, e, o->lang);
    calc_engine_free(e);
    status = cli_finish(out, status);
    if (out != stdout && fclose(out) != 0)
        status = CALC_EXIT_USAGE;
    return status;
}

int cli_schema(cli_opts *o)
{
    return schema_or_init(o, 0);
}

int cli_init(cli_opts *o)
{
    return schema_or_init(o, 1);
}

int cli_version(cli_opts *o)
{
    if (o->args.n)
        return cli_usage_error("version takes no arguments");
    printf("calc %s\n", CALC_VERSION);
    return cli_finish(stdout, 0);
}
