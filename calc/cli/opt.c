/* opt.c — parsing a command's arguments by its option table (main.c): every option is looked
 * up in the command's own options and its groups; an option that belongs to another command, a
 * value that is not one of the choices, a number out of range or a repeatable option given too
 * often is a usage error here, in one place. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *no_items[1];

static void list_init(cli_list *l)
{
    l->v = no_items;
    l->n = l->cap = 0;
}

static int list_add(cli_list *l, const char *s)
{
    if (l->n == l->cap) {
        if (l->cap > INT_MAX / 2 - 1)
            return -1;
        int cap = l->cap ? 2 * l->cap : 8;
        const char **v = l->cap ? realloc(l->v, (size_t)(cap + 1) * sizeof *v)
                                : malloc((size_t)(cap + 1) * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    l->v[l->n] = NULL;
    return 0;
}

static int no_memory(void)
{
    cli_error("out of memory");
    return CALC_EXIT_USAGE;
}

static void list_free(cli_list *l)
{
    if (l->cap)
        free(l->v);
    list_init(l);
}

void cli_opts_free(cli_opts *o)
{
    list_free(&o->args);
    list_free(&o->sets);
    list_free(&o->params);
    list_free(&o->scenarios);
    list_free(&o->only);
}

static void opts_init(cli_opts *o)
{
    memset(o, 0, sizeof *o);
    list_init(&o->args);
    list_init(&o->sets);
    list_init(&o->params);
    list_init(&o->scenarios);
    list_init(&o->only);
    o->as_of = calc_date_today();
    o->format = o->input_format = -1;
    o->max_seconds = o->drain_seconds = -1;
    o->wall_ms = -1;
    o->max_active = -1;
}

/* "--flag" or "--flag=VALUE" spelt s: 1 exactly, 2 with a value after '=', 0 otherwise. */
static int spelt(const char *s, const char *flag)
{
    if (!flag)
        return 0;
    size_t n = strlen(flag);
    if (strncmp(s, flag, n) != 0)
        return 0;
    return s[n] == 0 ? 1 : s[n] == '=' ? 2 : 0;
}

/* "-jVALUE" spelt s for the one-letter flag "-j": 3, as getopt takes it; 0 otherwise. */
static int attached(const char *s, const char *flag)
{
    return flag && flag[0] == '-' && flag[1] && flag[1] != '-' && !flag[2] && s[0] == '-' &&
           s[1] == flag[1] && s[2] ? 3 : 0;
}

static int opt_spelt(const cli_opt *d, const char *s)
{
    int m = spelt(s, d->flag);
    if (!m)
        m = spelt(s, d->other);
    if (!m && d->kind != CLI_FLAG && !(m = attached(s, d->flag)))
        m = attached(s, d->other);
    return m;
}

/* The i-th option of c: its own, then its groups'; NULL past the last. */
static const cli_opt *nth(const cli_cmd *c, int i)
{
    for (const cli_opt *const *p = c->opts; p && *p; p++)
        if (i-- == 0)
            return *p;
    for (const cli_group *const *g = c->groups; g && *g; g++)
        for (const cli_opt *const *p = (*g)->opts; *p; p++)
            if (i-- == 0)
                return *p;
    return NULL;
}

/* The option of c that s spells (with *how from spelt), or NULL. */
static const cli_opt *lookup(const cli_cmd *c, const char *s, int *how)
{
    const cli_opt *d;
    for (int i = 0; (d = nth(c, i)); i++)
        if ((*how = opt_spelt(d, s)))
            return d;
    return NULL;
}

/* "--a, --b, -o, …": the options of c, as they are spelt first. */
static void flag_list(char *buf, size_t size, const cli_cmd *c)
{
    size_t n = 0;
    const cli_opt *d;
    buf[0] = 0;
    for (int i = 0; (d = nth(c, i)); i++) {
        int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", d->flag);
        if (w < 0 || (size_t)w >= size - n)
            break;
        n += (size_t)w;
    }
}

/* An option no command takes, or one of another command's. */
static int not_ours(const cli_cmd *c, const char *a)
{
    size_t n = strcspn(a, "=");
    char flag[64];
    snprintf(flag, sizeof flag, "%.*s", (int)(n < 63 ? n : 63), a);
    for (const cli_cmd *k = cli_cmds; k->name; k++) {
        int how;
        if (k != c && lookup(k, flag, &how)) {
            if (how == 3)
                flag[2] = 0; /* "-j2": the option is -j */
            char list[1024];
            flag_list(list, sizeof list, c);
            if (!*list)
                return cli_usage_error("%s does not take %s (it takes no options)", c->name,
                                       flag);
            return cli_usage_error("%s does not take %s (its options: %s)", c->name, flag,
                                   list);
        }
    }
    return cli_usage_error("unknown option '%s'", a);
}

static const cli_choice *choice_of(const cli_opt *d, const char *val)
{
    for (const cli_choice *ch = d->choices; ch->name; ch++)
        if (strcmp(ch->name, val) == 0)
            return ch;
    return NULL;
}

/* "--format: expected table, json or csv, got 'x'" (in Chinese "table、json 或 csv") */
static int bad_choice(const cli_opt *d, const char *val)
{
    bool en = calc_settings_get()->lang == CALC_LANG_EN;
    char names[256];
    size_t n = 0, k = 0, total = 0;
    for (const cli_choice *ch = d->choices; ch->name; ch++)
        total += !ch->alias;
    names[0] = 0;
    for (const cli_choice *ch = d->choices; ch->name; ch++) {
        if (ch->alias)
            continue;
        k++;
        const char *sep = k == 1       ? ""
                          : k == total ? (en ? " or " : " \xE6\x88\x96 ") /* 或 */
                          : en         ? ", "
                                       : "\xE3\x80\x81"; /* 、 */
        int w = snprintf(names + n, sizeof names - n, "%s%s", sep, ch->name);
        if (w > 0 && (size_t)w < sizeof names - n)
            n += (size_t)w;
    }
    return cli_usage_error("%s: expected %s, got '%s'", d->flag, names, val);
}

static void *target(const cli_opt *d, cli_opts *o)
{
    return (char *)o + d->field;
}

static int store(const cli_opt *d, const cli_cmd *c, const char *flag, const char *val,
                 cli_opts *o)
{
    if (d->kind == CLI_FLAG) {
        *(int *)target(d, o) = 1;
        return 0;
    }
    if (d->conv)
        return d->conv(d, flag, val, o);
    if (d->choices) {
        const cli_choice *ch = choice_of(d, val);
        if (!ch)
            return bad_choice(d, val);
        *(int *)target(d, o) = ch->value;
        return 0;
    }
    if (d->kind == CLI_LIST) {
        cli_list *l = target(d, o);
        if (d->most && l->n >= d->most) {
            if (d->most == 1 && d->most_hint)
                return cli_usage_error("%s takes one %s (%s)", c->name, d->flag,
                                       calc_msg_arg(d->most_hint));
            if (d->most == 1)
                return cli_usage_error("%s takes one %s", c->name, d->flag);
            if (d->most_hint)
                return cli_usage_error("%s takes at most %d %s (%s)", c->name, d->most, d->flag,
                                       calc_msg_arg(d->most_hint));
            return cli_usage_error("%s takes at most %d %s", c->name, d->most, d->flag);
        }
        return list_add(l, val) ? no_memory() : 0;
    }
    *(const char **)target(d, o) = val;
    return 0;
}

/* An option of one value given again: the same value is the same request; another one is
 * refused (the last one silently winning hides a mistake: --as-of twice, -o a -o b). */
typedef struct given {
    const cli_opt *d;
    const char *val;
} given;

static int given_again(given *g, int *ng, int most, const cli_opt *d, const char *flag,
                       const char *val)
{
    for (int k = 0; k < *ng; k++)
        if (g[k].d == d) {
            if (strcmp(g[k].val, val) == 0)
                return 0;
            return cli_usage_error("%s is given twice ('%s', then '%s'): give it once", flag,
                                   g[k].val, val);
        }
    if (*ng < most)
        g[(*ng)++] = (given){d, val};
    return 0;
}

int cli_parse(const cli_cmd *c, int argc, char **argv, cli_opts *o)
{
    opts_init(o);
    given seen[64];
    int nseen = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                if (list_add(&o->args, argv[i]))
                    return no_memory();
            break;
        }
        if (!(a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9'))) {
            if (list_add(&o->args, a)) /* an argument ('-' is standard input) */
                return no_memory();
            continue;
        }
        int how;
        const cli_opt *d = lookup(c, a, &how);
        if (!d)
            return not_ours(c, a);
        char flag[64]; /* as spelt, without "=VALUE" or the value after "-j" */
        snprintf(flag, sizeof flag, "%.*s", how == 3 ? 2 : (int)strcspn(a, "="), a);
        const char *val = NULL;
        if (d->kind == CLI_FLAG) {
            if (how == 2)
                return cli_usage_error("option %s takes no value", flag);
        } else if (how == 2) {
            val = strchr(a, '=') + 1;
        } else if (how == 3) {
            val = a + 2;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            return cli_usage_error("option %s needs a value", flag);
        }
        if (d->kind == CLI_VALUE && given_again(seen, &nseen, 64, d, flag, val))
            return -1;
        if (store(d, c, flag, val, o))
            return -1;
    }
    return 0;
}

/* ---- converters ---- */

int cli_conv_date(const cli_opt *d, const char *flag, const char *val, cli_opts *o)
{
    (void)flag;
    o->as_of_text = val;
    if (calc_date_parse(&o->as_of, val, strlen(val)))
        return cli_usage_error("%s: expected a date YYYY-MM-DD, got '%s'", d->flag, val);
    return 0;
}

/* A whole number in [min, max] (strtol's syntax, nothing after it). */
static int whole(const cli_opt *d, const char *val, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (end == val || *end || errno || v < d->min || v > d->max)
        return cli_usage_error("%s: expected %s, got '%s'", d->flag, calc_msg_arg(d->expect),
                               val);
    *out = v;
    return 0;
}

int cli_conv_int(const cli_opt *d, const char *flag, const char *val, cli_opts *o)
{
    (void)flag;
    long v = 0;
    if (whole(d, val, &v))
        return -1;
    *(int *)target(d, o) = (int)v;
    return 0;
}

int cli_conv_long(const cli_opt *d, const char *flag, const char *val, cli_opts *o)
{
    (void)flag;
    long v = 0;
    if (whole(d, val, &v))
        return -1;
    *(long *)target(d, o) = v;
    return 0;
}

/* Seconds: digits with at most one '.', in [min, max]. */
int cli_conv_seconds(const cli_opt *d, const char *flag, const char *val, cli_opts *o)
{
    (void)flag;
    size_t digits = 0, dots = 0;
    for (const char *s = val; *s; s++) {
        if (isdigit((unsigned char)*s))
            digits++;
        else if (*s == '.')
            dots++;
        else
            dots = 2;
    }
    double v = digits && dots < 2 ? strtod(val, NULL) : -1;
    if (!(v >= d->min && v <= d->max))
        return cli_usage_error("%s: expected %s, got '%s'", d->flag, calc_msg_arg(d->expect),
                               val);
    *(double *)target(d, o) = v;
    return 0;
}

/* --max-instructions, --max-memory, --max-input, --max-depth: applied at once, for every engine
 * and input of the run. */
int cli_conv_limit(const cli_opt *d, const char *flag, const char *val, cli_opts *o)
{
    (void)o;
    char *end;
    errno = 0;
    long long v = strtoll(val, &end, 10);
    bool mib = strstr(d->flag, "memory") || strstr(d->flag, "input");
    /* each limit's range, said with the value refused (calc_limits_set checks them again) */
    long long lo = strstr(d->flag, "instructions") ? 1000 : strstr(d->flag, "depth") ? 8 : 1;
    long long hi = strstr(d->flag, "instructions") ? LLONG_MAX
                   : strstr(d->flag, "depth")      ? 256
                   : strstr(d->flag, "memory")     ? 1LL << 20 /* 1 TiB */
                                                   : 1LL << 16; /* 64 GiB of input */
    if (end == val || *end || errno || v < lo || v > hi) {
        if (mib)
            return cli_usage_error("%s: expected a whole number of MiB from %lld to %lld, got "
                                   "'%s'", flag, lo, hi, val);
        if (hi == LLONG_MAX)
            return cli_usage_error("%s: expected a whole number of at least %lld, got '%s'", flag,
                                   lo, val);
        return cli_usage_error("%s: expected a whole number from %lld to %lld, got '%s'", flag,
                               lo, hi, val);
    }
    calc_limits l = *calc_limits_get();
    if (strstr(d->flag, "instructions"))
        l.instructions = v > LONG_MAX ? LONG_MAX : (long)v;
    else if (strstr(d->flag, "memory"))
        l.memory = (size_t)v << 20;
    else if (strstr(d->flag, "input")) {
        l.input = (size_t)v << 20;
        l.scalar = l.input / 16;
    } else
        l.depth = (int)v;
    calc_error err = {0};
    if (calc_limits_set(&l, &err))
        return cli_usage_error_of(&err);
    return 0;
}
