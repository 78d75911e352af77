/* usage.c — the help, made from the command and option tables: `calc --help` lists every
 * command with its synopsis, `calc COMMAND --help` that command's options with their help. */
#include "cli.h"

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
