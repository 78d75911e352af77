/* csvout.c — results as CSV rows: one row per record × policy, for spreadsheets; an invalid
 * record is one row with status "invalid" and its error. Rows are made from an evaluated result
 * (batch) or from a result line's JSON tree (allocate, which reads its lines back), the same
 * bytes either way: both fill the same cells. It formats; it never reads or writes a file. */
#include "batch.h"

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

/* The columns, and which of them are numbers. */
enum { COL_PROFILE, COL_AS_OF, COL_POLICY, COL_STATUS, COL_KIND, COL_AMOUNT, COL_QUANTITY,
       COL_UNIT, COL_MISSING, COL_REASONS, COL_DETAIL, COL_SUPERSEDED_BY, COL_BEFORE_CAP,
       COL_ERROR, NCOL };
static const char *const cols[NCOL] = {"profile", "as_of", "policy", "status", "kind", "amount",
                                       "quantity", "unit", "missing", "reasons", "detail",
                                       "superseded_by", "amount_before_cap", "error"};

/* One row from its cells (NULL: empty). */
static void row(sbuf *out, const char *const cell_text[NCOL])
{
    for (int i = 0; i < NCOL; i++) {
        const char *s = cell_text[i] ? cell_text[i] : "";
        bool last = i + 1 == NCOL;
        if (i == COL_AMOUNT || i == COL_QUANTITY || i == COL_BEFORE_CAP)
            number(out, s, last);
        else
            cell(out, s, last);
    }
}

/* A failed condition in the reasons cell: its name, and [field=actual] when it has a field. */
static void reason(sbuf *out, const char *name, const char *field, const char *actual)
{
    sb_puts(out, name);
    if (field[0])
        sb_printf(out, " [%s=%s]", field, actual);
}

void csv_error_row(sbuf *out, size_t record, unsigned line, const char *msg)
{
    char rec[64];
    snprintf(rec, sizeof rec, "record %zu line %u", record, line);
    const char *c[NCOL] = {[COL_PROFILE] = rec, [COL_STATUS] = "invalid", [COL_ERROR] = msg};
    row(out, c);
}

/* ---- from an evaluated result ---- */

static const char *const kind_names[] = {"cash", "in_kind", "match"};

/* Empties b for the next cell, keeping its memory. */
static void clear(sbuf *b)
{
    b->n = 0;
    if (b->p)
        b->p[0] = 0;
}

void csv_result_rows(sbuf *out, const calc_engine *e, const calc_result *res)
{
    char date[16], amount[40], quantity[32], before_cap[40];
    calc_date_format(date, res->as_of);
    sbuf m = {0}, rs = {0}, dt = {0}, f = {0}, a = {0};
    for (size_t i = 0; i < res->n; i++) {
        const pres *r = &res->r[i];
        const policy *p = &e->ps.pol[r->policy];
        clear(&m);
        clear(&rs);
        clear(&dt);
        for (size_t k = 0; k < r->nmissing; k++) {
            if (k)
                sb_puts(&m, ";");
            sb_puts(&m, r->missing[k]);
        }
        for (size_t k = 0; k < r->nreason; k++) {
            const crec *c = &r->reason[k];
            clear(&f);
            clear(&a);
            if (c->field || (c->c && c->c->field))
                crec_field(&f, c);
            crec_actual(&a, c);
            if (k)
                sb_puts(&rs, "; ");
            reason(&rs, c->name ? c->name : "", f.p ? f.p : "", a.p ? a.p : "");
        }
        for (size_t k = 0; p->kind == K_MATCH && k < r->ndetail; k++) {
            if (k)
                sb_puts(&dt, ";");
            sb_puts(&dt, r->detail[k]);
        }
        snprintf(quantity, sizeof quantity, "%lld", (long long)r->quantity);
        const char *c[NCOL] = {
            [COL_PROFILE] = res->profile_id,
            [COL_AS_OF] = date,
            [COL_POLICY] = p->id,
            [COL_STATUS] = calc_status_name(r->status),
            [COL_KIND] = kind_names[p->kind],
            [COL_AMOUNT] = calc_money_format(amount, r->amount),
            [COL_QUANTITY] = p->kind == K_IN_KIND ? quantity : NULL,
            [COL_UNIT] = p->kind == K_IN_KIND ? p->unit : NULL,
            [COL_MISSING] = m.p,
            [COL_REASONS] = rs.p,
            [COL_DETAIL] = dt.p,
            [COL_SUPERSEDED_BY] = r->status == ST_SUPERSEDED ? r->superseded_by : NULL,
            [COL_BEFORE_CAP] = r->capped ? calc_money_format(before_cap, r->amount_before_cap)
                                         : NULL,
            [COL_ERROR] = r->status == ST_ERROR ? (r->error ? r->error : "error") : NULL,
        };
        row(out, c);
    }
    sb_free(&m);
    sb_free(&rs);
    sb_free(&dt);
    sb_free(&f);
    sb_free(&a);
}

/* ---- from a result line's tree ---- */

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
        else if (key)
            reason(out, text(it, key), text(it, "field"), text(it, "actual"));
    }
}

void csv_rows(sbuf *out, const value *line, bool header)
{
    if (header) {
        row(out, cols);
        return;
    }
    if (map_get(line, "error")) {
        char rec[64];
        snprintf(rec, sizeof rec, "record %s line %s", text(line, "record"), text(line, "line"));
        const char *c[NCOL] = {[COL_PROFILE] = rec, [COL_STATUS] = "invalid",
                               [COL_ERROR] = text(line, "error")};
        row(out, c);
        return;
    }
    const value *results = map_get(line, "results");
    for (size_t r = 0; results && results->type == V_SEQ && r < results->n; r++) {
        const value *x = results->items[r];
        sbuf m = {0}, rs = {0}, dt = {0};
        joined(&m, map_get(x, "missing"), NULL, ";");
        joined(&rs, map_get(x, "reasons"), "name", "; ");
        joined(&dt, map_get(x, "detail"), NULL, ";");
        const char *c[NCOL] = {
            [COL_PROFILE] = text(line, "profile"),
            [COL_AS_OF] = text(line, "as_of"),
            [COL_POLICY] = text(x, "policy"),
            [COL_STATUS] = text(x, "status"),
            [COL_KIND] = text(x, "kind"),
            [COL_AMOUNT] = text(x, "amount"),
            [COL_QUANTITY] = text(x, "quantity"),
            [COL_UNIT] = text(x, "unit"),
            [COL_MISSING] = m.p,
            [COL_REASONS] = rs.p,
            [COL_DETAIL] = dt.p,
            [COL_SUPERSEDED_BY] = text(x, "superseded_by"),
            [COL_BEFORE_CAP] = text(x, "amount_before_cap"),
            [COL_ERROR] = text(x, "error"),
        };
        row(out, c);
        sb_free(&m);
        sb_free(&rs);
        sb_free(&dt);
    }
}
