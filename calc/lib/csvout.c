/* csvout.c — result lines (JSON trees) as CSV rows: one row per record × policy, for
 * spreadsheets; an invalid record is one row with status "invalid" and its error. */
#include "internal.h"

#include <stdbool.h>
#include <string.h>

/* A text cell. Quoted when it holds a separator (',', or ';' for spreadsheets that split on
 * it), a quote, a tab or a line break. Text that begins with '=', '+', '-', '@', a tab or a CR
 * is a formula to a spreadsheet (CSV injection: =HYPERLINK(…), =cmd|…): it is quoted with a
 * single quote in front, as OWASP advises, so that it shows as the text it is. */
void csv_text(sbuf *b, const char *s)
{
    bool formula = strchr("=+-@\t\r", s[0]) && s[0];
    if (!formula && !s[strcspn(s, ",;\"\t\r\n")]) {
        sb_puts(b, s);
        return;
    }
    sb_puts(b, formula ? "\"'" : "\"");
    for (const char *q = s;;) {
        size_t n = strcspn(q, "\"");
        sb_putn(b, q, n);
        if (!q[n])
            break;
        sb_puts(b, "\"\"");
        q += n + 1;
    }
    sb_puts(b, "\"");
}

/* A cell of text, or of a number (an amount such as -1200.00, a count), which is written as
 * it is so that a spreadsheet reads a number. */
static void cell(sbuf *b, const char *s, bool last)
{
    if (s)
        csv_text(b, s);
    sb_puts(b, last ? "\r\n" : ",");
}

/* -?D+(.D+)?: what calc writes for amounts and counts. */
static bool is_number(const char *s)
{
    s += *s == '-';
    size_t n = strspn(s, "0123456789");
    if (!n)
        return false;
    s += n;
    if (*s == '.') {
        n = strspn(++s, "0123456789");
        if (!n)
            return false;
        s += n;
    }
    return !*s;
}

static void number(sbuf *b, const char *s, bool last)
{
    if (s && !is_number(s)) /* not a number after all: as text */
        csv_text(b, s);
    else if (s)
        sb_puts(b, s);
    sb_puts(b, last ? "\r\n" : ",");
}

static const char *text(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? v->str : "";
}

/* Joins a list of strings, or of records' "name"s, with sep. */
static void joined(sbuf *out, const value *l, const char *key, const char *sep)
{
    for (size_t i = 0; l && l->type == V_SEQ && i < l->n; i++) {
        const value *it = l->items[i];
        if (i)
            sb_puts(out, sep);
        if (it->type == V_SCALAR)
            sb_puts(out, it->str);
        else if (key) {
            sb_puts(out, text(it, key));
            const char *f = text(it, "field");
            if (f[0])
                sb_printf(out, " [%s=%s]", f, text(it, "actual"));
        }
    }
}

void csv_rows(sbuf *out, const value *line, bool header)
{
    static const char *const cols[] = {"profile", "as_of", "policy", "status", "kind", "amount",
                                       "quantity", "unit", "missing", "reasons", "detail",
                                       "superseded_by", "amount_before_cap", "error"};
    const size_t ncol = sizeof cols / sizeof *cols;
    if (header) {
        for (size_t i = 0; i < ncol; i++)
            cell(out, cols[i], i + 1 == ncol);
        return;
    }
    if (map_get(line, "error")) {
        char rec[64];
        snprintf(rec, sizeof rec, "record %s line %s", text(line, "record"), text(line, "line"));
        for (size_t i = 0; i < ncol; i++)
            cell(out, i == 0 ? rec : i == 3 ? "invalid" : i == 13 ? text(line, "error") : "",
                 i + 1 == ncol);
        return;
    }
    const value *results = map_get(line, "results");
    for (size_t r = 0; results && results->type == V_SEQ && r < results->n; r++) {
        const value *x = results->items[r];
        sbuf m = {0}, rs = {0}, dt = {0};
        joined(&m, map_get(x, "missing"), NULL, ";");
        joined(&rs, map_get(x, "reasons"), "name", "; ");
        joined(&dt, map_get(x, "detail"), NULL, ";");
        const char *q = text(x, "quantity");
        cell(out, text(line, "profile"), false);
        cell(out, text(line, "as_of"), false);
        cell(out, text(x, "policy"), false);
        cell(out, text(x, "status"), false);
        cell(out, text(x, "kind"), false);
        number(out, text(x, "amount"), false);
        number(out, q, false);
        cell(out, text(x, "unit"), false);
        cell(out, m.p ? m.p : "", false);
        cell(out, rs.p ? rs.p : "", false);
        cell(out, dt.p ? dt.p : "", false);
        cell(out, text(x, "superseded_by"), false);
        number(out, text(x, "amount_before_cap"), false);
        cell(out, text(x, "error"), true);
        sb_free(&m);
        sb_free(&rs);
        sb_free(&dt);
    }
}
