/* out.c — what every command ends with: usage messages, the flush of its output, and exit
 * statuses from library return codes. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

int cli_usage_error(const char *fmt, ...)
{
    int lang = calc_settings_get()->lang;
    char msg[1024], try[200];
    va_list ap;
    va_start(ap, fmt);
    calc_msg_vformat(msg, sizeof msg, lang, fmt, ap);
    va_end(ap);
    fprintf(stderr, "calc: %s\n%s\n", msg,
            calc_msg_format(try, sizeof try, lang, "Try 'calc --help'."));
    return CALC_EXIT_USAGE;
}

int cli_usage_error_of(const calc_error *err)
{
    int lang = calc_settings_get()->lang;
    char try[200];
    fprintf(stderr, "calc: %s\n%s\n", calc_error_text(err, lang),
            calc_msg_format(try, sizeof try, lang, "Try 'calc --help'."));
    return CALC_EXIT_USAGE;
}

void cli_error(const char *fmt, ...)
{
    calc_error e = {0};
    va_list ap;
    va_start(ap, fmt);
    calc_msg_vformat(e.msg, sizeof e.msg, CALC_LANG_EN, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    calc_msg_vformat(e.msg_zh, sizeof e.msg_zh, CALC_LANG_ZH, fmt, ap);
    va_end(ap);
    calc_error_print(stderr, &e);
}

int cli_finish(FILE *out, int status)
{
    if (fflush(out) != 0 || ferror(out)) { /* errno: this flush's, or the failed write's */
        cli_error("cannot write the output: %s", calc_msg_errno(errno ? errno : EIO));
        return status > CALC_EXIT_USAGE ? status : CALC_EXIT_USAGE;
    }
    return status;
}

int cli_status(int rc)
{
    return rc == CALC_EUSAGE ? CALC_EXIT_USAGE : calc_exit_status(rc);
}

int cli_worst(int a, int b)
{
    return a > b ? a : b;
}

int cli_diags_status(const calc_diags *d)
{
    int worst = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == 0)
            worst = cli_worst(worst, cli_status(d->v[i].code));
    return worst;
}

void cli_diags_done(calc_diags *d)
{
    calc_diags_print(stderr, d);
    calc_diags_free(d);
}
