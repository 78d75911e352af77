/* usage.c — the help, made from the command and option tables: `calc --help` lists every
 * command with its synopsis, `calc COMMAND --help` that command's options with their help, and
 * `calc --help-man` the parts of the man page (calc/calc.1) that the tables give: its synopsis,
 * each command's options and the common options (`make man` writes them into the page). */
#include "cli.h"

#include <errno.h>
#include <string.h>

enum { WIDTH = 92, SUMMARY_COL = 21, SIDE_COL = 47, OPT_COL = 32 };

static const char exit_text[] =
    "exit status:\n"
    "  0  evaluated / passed\n"
    "  1  a check failed (replay mismatch, lint problem)\n"
    "  2  usage or system error (bad flag, unreadable file, failed write)\n"
    "  3  invalid input (profile, case file, or the policy set's structure)\n"
    "  4  a policy failed to load or to evaluate\n"
    "  When several apply, the largest wins.\n";

/* Columns of UTF-8 text (every character one column). */
static int columns(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *out, int *col, int to)
{
    if (*col > to) {
        fputc('\n', out);
        *col = 0;
    }
    fprintf(out, "%*s", to - *col, "");
    *col = to;
}

/* Writes the tokens from column *col, starting a new line at indent whenever the next one
 * would pass WIDTH; a token is never split. */
static void put_tokens(FILE *out, const char *const *tok, int n, int *col, int indent)
{
    bool fresh = true; /* nothing written on this line yet */
    for (int i = 0; i < n; i++) {
        size_t len = strlen(tok[i]);
        if (!len)
            continue;
        int w = columns(tok[i], len);
        if (!fresh && *col + 1 + w > WIDTH) {
            fputc('\n', out);
            *col = 0;
            pad(out, col, indent);
            fresh = true;
        }
        if (!fresh) {
            fputc(' ', out);
            ++*col;
        }
        fwrite(tok[i], 1, len, out);
        *col += w;
        fresh = false;
    }
}

/* Text broken into words and wrapped from column *col at indent. */
static void put_text(FILE *out, const char *text, int *col, int indent)
{
    char buf[1024];
    const char *words[256];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *s = strtok(buf, " "); s && n < 256; s = strtok(NULL, " "))
        words[n++] = s;
    put_tokens(out, words, n, col, indent);
}

static int text_columns(const char *s)
{
    return columns(s, strlen(s));
}

void cli_opt_spelling(char *buf, size_t size, const cli_opt *d, bool both)
{
    int n = snprintf(buf, size, "%s", d->flag);
    if (both && d->other)
        n += snprintf(buf + n, size - (size_t)n, ", %s", d->other);
    if (d->kind == CLI_FLAG || (size_t)n >= size)
        return;
    if (d->choices) {
        char sep = ' ';
        for (const cli_choice *ch = d->choices; ch->name && (size_t)n < size; ch++)
            if (!ch->alias) {
                n += snprintf(buf + n, size - (size_t)n, "%c%s", sep, ch->name);
                sep = '|';
            }
    } else {
        snprintf(buf + n, size - (size_t)n, " %s", d->arg ? d->arg : "VALUE");
    }
}

/* One option in a synopsis: "[--as-of DATE]", "[--set PATH=VALUE]…", "--vary PATH=…". */
static void synopsis_token(char *buf, size_t size, const cli_opt *d)
{
    char s[80];
    cli_opt_spelling(s, sizeof s, d, false);
    if (d->required)
        snprintf(buf, size, "%s", s);
    else
        snprintf(buf, size, "[%s]%s", s, d->kind == CLI_LIST && d->most != 1 ? "…" : "");
}

/* The options of the synopsis: the command's own and its shared groups' (not the common). */
static int synopsis_tokens(const cli_cmd *c, char tok[][96], int max)
{
    int n = 0;
    for (const cli_opt *const *p = c->opts; p && *p && n < max; p++)
        synopsis_token(tok[n++], 96, *p);
    for (const cli_group *const *g = c->groups; g && *g; g++) {
        if (*g == &cli_common)
            continue;
        for (const cli_opt *const *p = (*g)->opts; *p && n < max; p++) {
            bool dup = false; /* an option of the group the command also lists itself */
            for (const cli_opt *const *q = c->opts; q && *q; q++)
                dup |= *q == *p;
            if (!dup)
                synopsis_token(tok[n++], 96, *p);
        }
    }
    return n;
}

static void put_opts(FILE *out, const cli_opt *const *opts, int col_to)
{
    for (const cli_opt *const *p = opts; p && *p; p++) {
        char s[96];
        cli_opt_spelling(s, sizeof s, *p, true);
        size_t l = strlen(s);
        if ((*p)->kind == CLI_LIST && (*p)->most != 1 && l + 4 < sizeof s)
            strcat(s, "…");
        int col = 2 + text_columns(s);
        fprintf(out, "  %s", s);
        if (col + 2 > col_to) { /* too long: the help on the next line */
            fputc('\n', out);
            col = 0;
        }
        pad(out, &col, col_to);
        put_text(out, (*p)->help, &col, col_to);
        fputc('\n', out);
    }
}

void cli_help(FILE *out)
{
    fputs("usage: calc <command> [options]\n"
          "       calc <command> --help      that command's usage and options\n"
          "\n"
          "commands:\n",
          out);
    for (const cli_cmd *c = cli_cmds; c->name; c++) {
        char tok[40][96];
        const char *t[42];
        int n = 0;
        t[n++] = c->name;
        t[n++] = c->args;
        int k = synopsis_tokens(c, tok, 40);
        for (int i = 0; i < k; i++)
            t[n++] = tok[i];
        int col = 2;
        fputs("  ", out);
        put_tokens(out, t, n, &col, 2 + text_columns(c->name) + 1);
        int sum = text_columns(c->summary);
        if (col + 2 <= SIDE_COL && SIDE_COL + sum <= WIDTH) {
            pad(out, &col, SIDE_COL);
        } else {
            fputc('\n', out);
            col = 0;
            pad(out, &col, SUMMARY_COL);
        }
        put_text(out, c->summary, &col, SUMMARY_COL);
        fputc('\n', out);
    }
    fputs("\ncommon options (every command but version):\n", out);
    for (const cli_opt *const *p = cli_common.opts; *p; p++) {
        char s[96];
        cli_opt_spelling(s, sizeof s, *p, true);
        int col = 2 + text_columns(s);
        fprintf(out, "  %s", s);
        if (col + 1 > SUMMARY_COL) {
            fputs("   ", out);
            col += 3;
        } else {
            pad(out, &col, SUMMARY_COL);
        }
        put_text(out, (*p)->help, &col, SUMMARY_COL);
        fputc('\n', out);
    }
    fputc('\n', out);
    fputs(exit_text, out);
}

void cli_cmd_help(FILE *out, const cli_cmd *c)
{
    fprintf(out, "usage: calc %s%s%s%s\n\n", c->name, *c->args ? " " : "", c->args,
            c->opts || c->groups ? " [options]" : "");
    int col = 0;
    put_text(out, c->summary, &col, 0);
    fputc('\n', out);
    if (c->opts) {
        fputs("\noptions:\n", out);
        put_opts(out, c->opts, OPT_COL);
    }
    for (const cli_group *const *g = c->groups; g && *g; g++) {
        fprintf(out, "\n%s:\n", (*g)->title);
        put_opts(out, (*g)->opts, OPT_COL);
    }
}

/* ---- the man page's parts that the tables give (calc --help-man, make man) ---- */

/* Text for roff: '-' is \-, a backslash \e, "…" three dots; a line never starts with '.' or
 * '\''. */
static void roff(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '-')
            fputs("\\-", out);
        else if (*s == '\\')
            fputs("\\e", out);
        else if (strncmp(s, "…", strlen("…")) == 0) {
            fputs("...", out);
            s += strlen("…") - 1;
        } else
            fputc(*s, out);
    }
}

/* One option in the synopsis: ".RB [ \-\-as\-of" ".IR DATE ]", ".RB [ \-\-explain ]", … */
static void man_synopsis_opt(FILE *out, const cli_opt *d)
{
    const char *more = d->kind == CLI_LIST && d->most != 1 ? "..." : "";
    if (d->required) {
        fputs(".B ", out);
        roff(out, d->flag);
        fputs("\n.I ", out);
        roff(out, d->arg ? d->arg : "VALUE");
        fputc('\n', out);
        return;
    }
    fputs(".RB [ ", out);
    roff(out, d->flag);
    if (d->kind == CLI_FLAG) {
        fprintf(out, " ]%s\n", more);
    } else if (d->choices) {
        fputs(" \" ", out);
        const char *sep = "";
        for (const cli_choice *ch = d->choices; ch->name; ch++)
            if (!ch->alias) {
                fputs(sep, out);
                roff(out, ch->name);
                sep = "|";
            }
        fprintf(out, "]%s\"\n", more);
    } else {
        fputs("\n.IR ", out);
        roff(out, d->arg ? d->arg : "VALUE");
        fprintf(out, " ]%s\n", more);
    }
}

static void man_synopsis(FILE *out)
{
    fputs(".B calc\n.I command\n.RI [ options ]\n.br\n.B calc\n.I command\n.B \\-\\-help\n", out);
    for (const cli_cmd *c = cli_cmds; c->name; c++) {
        fprintf(out, ".br\n.B calc %s\n", c->name);
        if (*c->args) {
            fputs(".I \"", out);
            roff(out, c->args);
            fputs("\"\n", out);
        }
        for (const cli_opt *const *p = c->opts; p && *p; p++)
            man_synopsis_opt(out, *p);
        for (const cli_group *const *g = c->groups; g && *g; g++) {
            if (*g == &cli_common)
                continue;
            for (const cli_opt *const *p = (*g)->opts; *p; p++) {
                bool dup = false; /* listed by the command itself too */
                for (const cli_opt *const *q = c->opts; q && *q; q++)
                    dup |= *q == *p;
                if (!dup)
                    man_synopsis_opt(out, *p);
            }
        }
    }
}

/* ".TP", the option as \fB…\fR with its value, its help. */
static void man_opts(FILE *out, const cli_opt *const *opts)
{
    for (const cli_opt *const *p = opts; p && *p; p++) {
        const cli_opt *d = *p;
        fputs(".TP\n\\fB", out);
        roff(out, d->flag);
        fputs("\\fR", out);
        if (d->other) {
            fputs(", \\fB", out);
            roff(out, d->other);
            fputs("\\fR", out);
        }
        if (d->kind != CLI_FLAG && d->choices) {
            const char *sep = " ";
            for (const cli_choice *ch = d->choices; ch->name; ch++)
                if (!ch->alias) {
                    fputs(sep, out);
                    roff(out, ch->name);
                    sep = "|";
                }
        } else if (d->kind != CLI_FLAG) {
            fputs(" \\fI", out);
            roff(out, d->arg ? d->arg : "VALUE");
            fputs("\\fR", out);
        }
        if (d->kind == CLI_LIST && d->most != 1)
            fputs(" ...", out);
        fputc('\n', out);
        roff(out, d->help);
        fputc('\n', out);
    }
}

/* A command's options, then those of its shared groups but the common options. */
static void man_cmd_opts(FILE *out, const cli_cmd *c)
{
    man_opts(out, c->opts);
    for (const cli_group *const *g = c->groups; g && *g; g++) {
        if (*g == &cli_common)
            continue;
        fputs(".PP\n", out);
        char title[128];
        snprintf(title, sizeof title, "%s", (*g)->title);
        if (title[0] >= 'a' && title[0] <= 'z')
            title[0] = (char)(title[0] - 'a' + 'A');
        roff(out, title);
        fputs(":\n", out);
        man_opts(out, (*g)->opts);
    }
}

/* The part NAME ("synopsis", "common options", "options COMMAND"); false when there is none. */
static bool man_part(FILE *out, const char *name)
{
    if (strcmp(name, "synopsis") == 0) {
        man_synopsis(out);
        return true;
    }
    if (strcmp(name, "common options") == 0) {
        man_opts(out, cli_common.opts);
        return true;
    }
    if (strncmp(name, "options ", 8) == 0)
        for (const cli_cmd *c = cli_cmds; c->name; c++)
            if (strcmp(c->name, name + 8) == 0) {
                man_cmd_opts(out, c);
                return true;
            }
    return false;
}

static const char man_begin[] = ".\\\" {{ ", man_end[] = ".\\\" }}";

int cli_man(FILE *out, const char *page)
{
    if (!page) { /* every part, each between its markers */
        fprintf(out, "%ssynopsis\n", man_begin);
        man_part(out, "synopsis");
        fprintf(out, "%s\n", man_end);
        for (const cli_cmd *c = cli_cmds; c->name; c++)
            if (c->opts || c->groups) {
                fprintf(out, "%soptions %s\n", man_begin, c->name);
                man_cmd_opts(out, c);
                fprintf(out, "%s\n", man_end);
            }
        fprintf(out, "%scommon options\n", man_begin);
        man_part(out, "common options");
        fprintf(out, "%s\n", man_end);
        return cli_finish(out, 0);
    }
    FILE *in = fopen(page, "r");
    if (!in) {
        fprintf(stderr, "calc: error: cannot open %s: %s\n", page, strerror(errno));
        return CALC_EXIT_USAGE;
    }
    /* the page as it is, each generated part made again from the tables */
    char line[4096];
    unsigned n = 0, open_at = 0;
    bool seen[64] = {false}, synopsis = false, common = false;
    int status = 0;
    while (fgets(line, sizeof line, in)) {
        n++;
        bool is_end = strncmp(line, man_end, strlen(man_end)) == 0;
        if (open_at && !is_end)
            continue; /* the old text of a part */
        fputs(line, out);
        if (is_end) {
            open_at = 0;
            continue;
        }
        if (strncmp(line, man_begin, strlen(man_begin)) != 0)
            continue;
        char name[128];
        snprintf(name, sizeof name, "%s", line + strlen(man_begin));
        name[strcspn(name, ":\n")] = 0;
        if (!man_part(out, name)) {
            fprintf(stderr, "%s:%u: error: no part '%s' (synopsis, common options, options "
                            "COMMAND)\n", page, n, name);
            status = CALC_EXIT_INPUT;
        }
        synopsis |= strcmp(name, "synopsis") == 0;
        common |= strcmp(name, "common options") == 0;
        for (int i = 0; cli_cmds[i].name && i < 64; i++)
            if (strncmp(name, "options ", 8) == 0 && strcmp(name + 8, cli_cmds[i].name) == 0)
                seen[i] = true;
        open_at = n;
    }
    fclose(in);
    if (open_at) {
        fprintf(stderr, "%s:%u: error: the part is not closed by '%s'\n", page, open_at, man_end);
        status = CALC_EXIT_INPUT;
    }
    if (!synopsis || !common) {
        fprintf(stderr, "%s: error: no '%s%s' part\n", page, man_begin,
                !synopsis ? "synopsis" : "common options");
        status = CALC_EXIT_INPUT;
    }
    for (int i = 0; cli_cmds[i].name && i < 64; i++)
        if (!seen[i] && (cli_cmds[i].opts || cli_cmds[i].groups)) {
            fprintf(stderr, "%s: error: command '%s' has no '%soptions %s' part: add one to its "
                            "section\n", page, cli_cmds[i].name, man_begin, cli_cmds[i].name);
            status = CALC_EXIT_INPUT;
        }
    return cli_worst(cli_finish(out, 0), status);
}
