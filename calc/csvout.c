/* csvout.c — result lines (JSON trees) as CSV rows: one row per record × policy, for
 * spreadsheets; an invalid record is one row with status "invalid" and its error. */
#include "internal.h"

#include <string.h>

static void cell(sbuf *b, const char *s, bool last)
{
    if (s && s[strcspn(s, ",\"\r\n")]) {
        sb_puts(b, "\"");
        for (; *s; s++) {
            if (*s == '"')
                sb_puts(b, "\"");
            sb_putn(b, s, 1);
        }
        sb_puts(b, "\"");
    } else if (s)
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

void csv_rows(sbuf *out, const value *line, bool header);
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
        cell(out, text(x, "amount"), false);
        cell(out, q, false);
        cell(out, text(x, "unit"), false);
        cell(out, m.p ? m.p : "", false);
        cell(out, rs.p ? rs.p : "", false);
        cell(out, dt.p ? dt.p : "", false);
        cell(out, text(x, "superseded_by"), false);
        cell(out, text(x, "amount_before_cap"), false);
        cell(out, text(x, "error"), true);
        sb_free(&m);
        sb_free(&rs);
        sb_free(&dt);
    }
}
