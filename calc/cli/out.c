/* out.c — what every command ends with: usage messages, the flush of its output, and exit
 * statuses from library return codes. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

/* Whether a and b name one regular file that exists (a device such as /dev/null is written in
 * place and read as empty, so it is no one's data). */
static bool same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && S_ISREG(x.st_mode) && x.st_dev == y.st_dev &&
           x.st_ino == y.st_ino;
}

/* Whether path exists and is no regular file (a device, a pipe: written in place). */
static bool is_device(const char *path)
{
    struct stat x;
    return stat(path, &x) == 0 && !S_ISREG(x.st_mode);
}

int cli_outputs_apart(const cli_opts *o)
{
    const char *out[3] = {o->out, o->summary, o->manifest};
    const char *flag[3] = {"-o", "--summary", "--manifest"};
    for (int i = 0; i < 3; i++) {
        if (!out[i] || strcmp(out[i], "-") == 0)
            continue;
        const cli_list *in[2] = {&o->args, &o->scenarios};
        for (int l = 0; l < 2; l++)
            for (int k = 0; k < in[l]->n; k++)
                if (same_file(out[i], in[l]->v[k]))
                    return cli_usage_error("%s %s is also an input: writing it would destroy "
                                           "what is read (write to another file)", flag[i],
                                           out[i]);
        if (o->ledger && same_file(out[i], o->ledger))
            return cli_usage_error("%s %s is the ledger: writing it would destroy the ledger "
                                   "(write to another file)", flag[i], out[i]);
        for (int j = 0; j < i; j++)
            if (out[j] && (same_file(out[i], out[j]) ||
                           (strcmp(out[i], out[j]) == 0 && !is_device(out[i]))))
                return cli_usage_error("%s and %s name the same file %s: one would overwrite "
                                       "the other (give each its own)", flag[j], flag[i],
                                       out[i]);
    }
    return 0;
}

int cli_output_format(cli_opts *o, const cli_ext *exts, size_t nexts, const char *const *names,
                      int dflt)
{
    int by_name = -1;
    size_t n = o->out && strcmp(o->out, "-") ? strlen(o->out) : 0;
    for (size_t k = 0; k < nexts && by_name < 0; k++) {
        size_t e = strlen(exts[k].ext);
        if (n > e && strcasecmp(o->out + n - e, exts[k].ext) == 0)
            by_name = exts[k].format;
    }
    if (o->format < 0) {
        o->format = by_name >= 0 ? by_name : dflt;
        return 0;
    }
    if (by_name >= 0 && by_name != o->format)
        return cli_usage_error("--format %s, but -o %s is named for %s: name it for its "
                               "format, or give --format %s", names[o->format], o->out,
                               names[by_name], names[by_name]);
    return 0;
}
