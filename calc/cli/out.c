/* out.c — what every command ends with: usage messages, the flush of its output, and exit
 * statuses from library return codes. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("calc: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'calc --help'.\n", stderr);
    va_end(ap);
    return CALC_EXIT_USAGE;
}

int cli_finish(FILE *out, int status)
{
    if (fflush(out) != 0 || ferror(out)) { /* errno: this flush's, or the failed write's */
        fprintf(stderr, "calc: error: cannot write the output: %s\n",
                strerror(errno ? errno : EIO));
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

void cli_diags_done(calc_diags *d)
{
    calc_diags_print(stderr, d);
    calc_diags_free(d);
}
