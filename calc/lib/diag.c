/* diag.c — diagnostics: made in English and Chinese from the message catalogue (msgs.h),
 * gathered in lists, printed in the language of the settings ("file:line:col: error: …" with
 * the source line and a caret under the column), and "did you mean" suggestions. It knows no
 * YAML, Lua or schema, and never decides the language itself: the program does. */
#include "internal.h"
#include "msgs.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void copy(char *dst, size_t cap, const char *src)
{
    if (!src) {
        dst[0] = 0;
        return;
    }
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* never cut a UTF-8 sequence */
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

int calc_error_set(calc_error *err, int code, const char *file, unsigned line, unsigned col,
                   const char *fmt, ...)
{
    if (!err)
        return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    copy(err->file, sizeof err->file, file);
    err->line = line;
    err->col = col;
    va_list ap;
    va_start(ap, fmt);
    msg_vformat(err->msg, sizeof err->msg, CALC_LANG_EN, fmt, ap);
    msg_vformat(err->msg_zh, sizeof err->msg_zh, CALC_LANG_ZH, fmt, ap);
    va_end(ap);
    return code;
}

void calc_error_hint(calc_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    msg_vformat(err->hint, sizeof err->hint, CALC_LANG_EN, fmt, ap);
    msg_vformat(err->hint_zh, sizeof err->hint_zh, CALC_LANG_ZH, fmt, ap);
    va_end(ap);
}

void calc_error_texts(calc_error *err, const char *en, const char *zh)
{
    if (!err)
        return;
    copy(err->msg, sizeof err->msg, en);
    copy(err->msg_zh, sizeof err->msg_zh, zh && zh[0] ? zh : en);
}

void calc_error_hint_texts(calc_error *err, const char *en, const char *zh)
{
    if (!err)
        return;
    copy(err->hint, sizeof err->hint, en);
    copy(err->hint_zh, sizeof err->hint_zh, zh && zh[0] ? zh : en);
}

void calc_error_policy(calc_error *err, const char *text)
{
    if (!err)
        return;
    copy(err->msg, sizeof err->msg, text);
    msg_lua_zh(err->msg_zh, sizeof err->msg_zh, text);
}

void diag_print(FILE *out, const char *file, unsigned line, const char *fmt, ...)
{
    calc_error e;
    memset(&e, 0, sizeof e);
    copy(e.file, sizeof e.file, file);
    e.line = line;
    va_list ap;
    va_start(ap, fmt);
    msg_vformat(e.msg, sizeof e.msg, CALC_LANG_EN, fmt, ap);
    msg_vformat(e.msg_zh, sizeof e.msg_zh, CALC_LANG_ZH, fmt, ap);
    va_end(ap);
    calc_error_print(out, &e);
}

const char *calc_error_text(const calc_error *err, int lang)
{
    return lang == CALC_LANG_ZH && err->msg_zh[0] ? err->msg_zh : err->msg;
}

const char *calc_error_hint_text(const calc_error *err, int lang)
{
    return lang == CALC_LANG_ZH && err->hint_zh[0] ? err->hint_zh : err->hint;
}

/* Where each line of the file echoed last begins, so that a file with thousands of errors is
 * read once, not once per error (that was quadratic in a batch of bad records). */
static struct {
    pthread_mutex_t mu;
    char path[1024];
    struct stat st;
    long *start; /* start[i]: offset of line i + 1 */
    size_t n;
} lines = {PTHREAD_MUTEX_INITIALIZER, "", {0}, NULL, 0};

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtime == b->st_mtime;
}

/* File opened at the start of line `line` (lines indexed once per file); NULL when there is
 * none. */
static FILE *line_open(const char *file, unsigned line)
{
    FILE *f = fopen(file, "rb");
    struct stat st;
    if (!f)
        return NULL;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return NULL;
    }
    bool ok = false;
    pthread_mutex_lock(&lines.mu);
    if (strcmp(lines.path, file) != 0 || !same_file(&lines.st, &st)) {
        free(lines.start);
        lines.start = NULL;
        lines.n = 0;
        size_t cap_l = 0;
        long off = 0;
        int c, prev = '\n';
        while ((c = getc(f)) != EOF) {
            if (prev == '\n') {
                if (lines.n == cap_l) {
                    cap_l = cap_l ? cap_l * 2 : 1024;
                    long *v = realloc(lines.start, cap_l * sizeof *v);
                    if (!v)
                        break;
                    lines.start = v;
                }
                lines.start[lines.n++] = off;
            }
            prev = c;
            off++;
        }
        snprintf(lines.path, sizeof lines.path, "%s", file);
        lines.st = st;
    }
    if (line >= 1 && line <= lines.n && fseek(f, lines.start[line - 1], SEEK_SET) == 0)
        ok = true;
    pthread_mutex_unlock(&lines.mu);
    if (!ok) {
        fclose(f);
        return NULL;
    }
    return f;
}

/* How many columns code point cp takes: CJK and full-width forms two, a tab its own. */
static const char *cp_pad(unsigned cp, int len)
{
    return cp == '\t' ? "\t" : (len == 3 && cp >= 0x2E80) ? "  " : " ";
}

#define ECHO_WIDTH 100 /* code points of a line shown: a longer one around the column */
#define ECHO_BEFORE 60 /* of them, at most this many before the caret */

/* Echoes line `line` of file with a caret under column col (columns count code points). A
 * line longer than ECHO_WIDTH is shown around the column — "...", up to ECHO_BEFORE code points
 * before it, ECHO_WIDTH in all, "..." — so that the caret is under what it points at however
 * far along the line it is. */
static void echo_line(FILE *out, const char *file, unsigned line, unsigned col)
{
    FILE *f = line_open(file, line);
    if (!f)
        return;
    unsigned from = col > ECHO_BEFORE + 1 ? col - ECHO_BEFORE : 1;
    unsigned end = from + ECHO_WIDTH; /* the first code point not shown */
    char win[4 * (ECHO_WIDTH + 1) + 4];
    size_t wn = 0;
    unsigned cps[ECHO_BEFORE + 2];  /* the code points before the caret, for its padding */
    unsigned char lens[ECHO_BEFORE + 2];
    size_t ncp = 0;
    bool more = false;
    unsigned k = 1;
    int c = getc(f);
    if (line == 1 && c == 0xEF) { /* a BOM is not shown */
        int c2 = getc(f), c3 = getc(f);
        if (c2 == 0xBB && c3 == 0xBF)
            c = getc(f);
        else { /* not one: shown as it is */
            win[wn++] = (char)c;
            c = c2;
            if (c3 != EOF)
                ungetc(c3, f);
        }
    }
    for (; c != EOF && c != '\n' && c != '\r'; k++) {
        unsigned char b[4] = {(unsigned char)c, 0, 0, 0};
        int len = b[0] < 0x80 ? 1 : b[0] < 0xE0 ? 2 : b[0] < 0xF0 ? 3 : 4;
        for (int i = 1; i < len; i++) {
            int d = getc(f);
            if (d == EOF || d == '\n' || d == '\r') {
                if (d != EOF)
                    ungetc(d, f);
                len = i;
                break;
            }
            b[i] = (unsigned char)d;
        }
        if (k >= end) {
            more = true;
            break;
        }
        if (k >= from) {
            memcpy(win + wn, b, (size_t)len);
            wn += (size_t)len;
            if (k < col) {
                cps[ncp] = len == 3 ? ((b[0] & 0x0Fu) << 12) | ((b[1] & 0x3Fu) << 6) |
                                          (b[2] & 0x3Fu)
                                    : b[0];
                lens[ncp++] = (unsigned char)len;
            }
        }
        c = getc(f);
    }
    fclose(f);
    win[wn] = 0;
    fprintf(out, " %5u | %s%s%s\n       | %s", line, from > 1 ? "..." : "", win,
            more ? "..." : "", from > 1 ? "   " : "");
    for (size_t i = 0; i < ncp; i++)
        fputs(cp_pad(cps[i], lens[i]), out);
    fputs("^\n", out);
}

/* "file:line:col: " (as much of it as err knows), or "calc: " */
static void position(FILE *out, const calc_error *err)
{
    if (err->file[0] && err->line && err->cell[0]) /* a CSV's cell: C（研发投入） */
        fprintf(out, "%s:%u:%s: ", err->file, err->line, err->cell);
    else if (err->file[0] && err->line && err->col)
        fprintf(out, "%s:%u:%u: ", err->file, err->line, err->col);
    else if (err->file[0] && err->line)
        fprintf(out, "%s:%u: ", err->file, err->line);
    else if (err->file[0])
        fprintf(out, "%s: ", err->file);
    else
        fputs("calc: ", out);
}

void calc_error_print(FILE *out, const calc_error *err)
{
    /* as GCC says them in each language: "error: ", "错误：" */
    static const char *const sev[2][3] = {
        {"\xE9\x94\x99\xE8\xAF\xAF\xEF\xBC\x9A", "\xE8\xAD\xA6\xE5\x91\x8A\xEF\xBC\x9A",
         "\xE9\x99\x84\xE6\xB3\xA8\xEF\xBC\x9A"}, /* 错误：警告：附注： */
        {"error: ", "warning: ", "note: "}};
    static const char *const note[2] = {"\xE6\x8F\x90\xE7\xA4\xBA\xEF\xBC\x9A", /* 提示： */
                                        "note: "};
    int lang = calc_settings_get()->lang == CALC_LANG_EN ? CALC_LANG_EN : CALC_LANG_ZH;
    position(out, err);
    fputs(sev[lang][err->severity < 0 || err->severity > 2 ? 0 : err->severity], out);
    if (err->path[0])
        fprintf(out, lang == CALC_LANG_ZH ? "%s\xEF\xBC\x9A" : "%s: ", err->path); /* ： */
    fprintf(out, "%s\n", calc_error_text(err, lang));
    if (err->file[0] && err->line && err->col && !err->cell[0] && !calc_settings_get()->no_source)
        echo_line(out, err->file, err->line, err->col);
    if (err->hint[0]) {
        position(out, err);
        fprintf(out, "%s%s\n", note[lang], calc_error_hint_text(err, lang));
    }
}

calc_error *calc_diags_add(calc_diags *d)
{
    size_t max = d->max ? d->max : 100;
    if (d->n >= max) {
        d->dropped++;
        return NULL;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        calc_error *v = realloc(d->v, cap * sizeof *v);
        if (!v)
            return NULL;
        d->v = v;
        d->cap = cap;
    }
    calc_error *e = &d->v[d->n++];
    memset(e, 0, sizeof *e);
    return e;
}

void calc_diags_print(FILE *out, const calc_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        calc_error_print(out, &d->v[i]);
    if (d->dropped) { /* more than were recorded: "stopped after", not at exactly the limit */
        char m[200];
        calc_msg_format(m, sizeof m, calc_settings_get()->lang, "stopped after %zu errors", d->n);
        fprintf(out, "calc: %s%s\n", calc_settings_get()->lang == CALC_LANG_EN ? "note: "
                : "\xE6\x8F\x90\xE7\xA4\xBA\xEF\xBC\x9A", m); /* 提示： */
    }
}

int calc_diags_errors(const calc_diags *d)
{
    int n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->v[i].severity == 0;
    return n;
}

void calc_diags_free(calc_diags *d)
{
    free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
}

int calc_exit_status(int code)
{
    switch (code) {
    case CALC_OK: return CALC_EXIT_OK;
    case CALC_ECHECK: return CALC_EXIT_CHECK;
    case CALC_ESYNTAX:
    case CALC_ESCHEMA:
    case CALC_ELIMIT: return CALC_EXIT_INPUT;
    case CALC_EPOLICY: return CALC_EXIT_POLICY;
    default: return CALC_EXIT_USAGE;
    }
}

calc_error *diag_texts(calc_diags *d, int code, const calc_loc *loc, const char *path,
                       const char *hint, const char *en, const char *zh)
{
    calc_error *e = calc_diags_add(d);
    if (!e)
        return NULL;
    e->code = code;
    if (loc) {
        copy(e->file, sizeof e->file, loc->file);
        e->line = loc->line;
        e->col = loc->col;
    }
    copy(e->path, sizeof e->path, path);
    if (hint)
        calc_error_hint_texts(e, hint, msg_text(hint, CALC_LANG_ZH));
    calc_error_texts(e, en, zh);
    return e;
}

calc_error *diag_at(calc_diags *d, int code, const calc_loc *loc, const char *path,
                    const char *hint, const char *fmt, ...)
{
    char en[sizeof d->v->msg], zh[sizeof d->v->msg_zh];
    va_list ap;
    va_start(ap, fmt);
    msg_vformat(en, sizeof en, CALC_LANG_EN, fmt, ap);
    msg_vformat(zh, sizeof zh, CALC_LANG_ZH, fmt, ap);
    va_end(ap);
    return diag_texts(d, code, loc, path, hint, en, zh);
}

/* Decodes UTF-8 into code points (invalid bytes count as themselves). */
static size_t decode(const char *s, unsigned *out, size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < max) {
        unsigned c = *p;
        int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                len = 1;
                break;
            }
            c = (c << 6) | (p[i] & 0x3F);
        }
        out[n++] = c;
        p += len;
    }
    return n;
}

size_t diag_unknown_keys(calc_diags *d, const value *m, const char *const *names, size_t n,
                         const char *what, const char *list)
{
    size_t bad = 0;
    for (size_t i = 0; i < m->n; i++) {
        bool ok = false;
        for (size_t k = 0; k < n; k++)
            ok |= strcmp(m->keys[i]->str, names[k]) == 0;
        if (ok)
            continue;
        const char *best = closest_name(m->keys[i]->str, names, n);
        calc_error *e = diag_at(d, CALC_ESCHEMA, &m->keys[i]->loc, NULL, NULL, "unknown %s '%s'",
                                calc_msg_arg(what), m->keys[i]->str);
        if (best)
            calc_error_hint(e, "did you mean '%s'?", best);
        else
            calc_error_hint(e, "keys: %s", list);
        bad++;
    }
    return bad;
}

const char *closest_name(const char *s, const char *const *names, size_t n)
{
    unsigned a[64], b[64];
    size_t la = decode(s, a, 64);
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t k = 0; k < n; k++) {
        size_t lb = decode(names[k], b, 64);
        size_t row[65];
        for (size_t j = 0; j <= lb; j++)
            row[j] = j;
        for (size_t i = 1; i <= la; i++) {
            size_t prev = row[0];
            row[0] = i;
            for (size_t j = 1; j <= lb; j++) {
                size_t cur = row[j];
                size_t sub = prev + (a[i - 1] != b[j - 1]);
                size_t del = row[j] + 1, ins = row[j - 1] + 1;
                row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
                prev = cur;
            }
        }
        if (row[lb] < bestd) {
            bestd = row[lb];
            best = names[k];
        }
    }
    size_t longer = la > 4 ? la : 4;
    if (best && bestd * 3 <= longer + 1)
        return best;
    return NULL;
}
