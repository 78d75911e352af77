/* cmd_serve.c — calc serve: the server's options from the flags, else from the CALC_SERVE_*
 * variables (operators, tests), else the server's defaults. */
#include "cli.h"
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>

/* A number from the environment from min to 1e9, or dflt when unset; a value that is not such a
 * number is a usage error (*bad set after its message), never the default in silence. */
static double env_number(const char *name, double dflt, double min, int *bad)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    char *end;
    double v = strtod(s, &end);
    if (*end || !(v >= min) || v > 1e9) {
        char lo[32];
        snprintf(lo, sizeof lo, "%g", min);
        *bad = cli_usage_error("%s: expected a number of at least %s, got '%s'", name, lo, s);
        return dflt;
    }
    return v;
}

int cli_serve(cli_opts *o)
{
    if (o->args.n)
        return cli_usage_error("serve takes no arguments");
    calc_serve_opts so;
    calc_serve_defaults(&so);
    so.dir = o->policies ? o->policies : cli_default_policies();
    if (o->bind)
        so.bind = o->bind;
    if (o->port)
        so.port = o->port;
    if (o->threads)
        so.threads = o->threads;
    int bad = 0;
    so.max_active = (int)env_number("CALC_SERVE_MAX_ACTIVE", so.max_active, 1, &bad);
    so.max_seconds = env_number("CALC_SERVE_MAX_SECONDS", so.max_seconds, 0.1, &bad);
    so.drain_seconds = env_number("CALC_SERVE_DRAIN_SECONDS", so.drain_seconds, 0, &bad);
    so.wall_ms = (long)env_number("CALC_SERVE_WALL_MS", (double)so.wall_ms, 0, &bad);
    if (bad)
        return bad;
    so.quiet = getenv("CALC_SERVE_QUIET") != NULL;
    if (o->max_active >= 0)
        so.max_active = o->max_active;
    if (o->max_seconds >= 0)
        so.max_seconds = o->max_seconds;
    if (o->drain_seconds >= 0)
        so.drain_seconds = o->drain_seconds;
    if (o->wall_ms >= 0)
        so.wall_ms = o->wall_ms;
    if (o->quiet)
        so.quiet = true;
    return calc_serve(&so, stderr);
}
