/* near.c — `calc near`, the outreach list: the enterprises of a population that are
 * ineligible for a policy only by numeric thresholds within a given distance of the value
 * needed, with the changes that make them eligible (proven by calc_qualify) and what the
 * policy would then bring. Only what the schema lets an enterprise raise counts (calc_qualify
 * suggests nothing else): a limit such as 员工人数不超过50 is never a near miss. It reads the
 * population (population.c) and writes the list to `out` once every input was read; it
 * changes no rules and no profile. The table names each enterprise and says each change in
 * words, in columns aligned by display width (CJK counts two). */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

/* The distance of a numeric change as a fraction of the value needed, in hundredths of a
 * percent; -1 when the change is not a numeric threshold. */
static int64_t distance(const qchange *c)
{
    if (strcmp(c->action, "raise"))
        return -1;
    calc_money now, to;
    if (!c->now || calc_money_parse(&now, c->now, strlen(c->now), NULL) ||
        calc_money_parse(&to, c->to, strlen(c->to), NULL))
        return -1; /* whole numbers parse as money too; anything else is not numeric */
    int64_t gap = to > now ? to - now : now - to;
    if (to == 0)
        return gap ? INT64_MAX : 0;
    return (int64_t)((__int128)gap * 10000 / (to < 0 ? -to : to));
}

/* A change such as "+10,000.00" or "-9" as a CSV number (10000.00, -9): no group separators or
 * plus sign, which a spreadsheet would split on or read as a formula; other text as text. */
static void csv_change(sbuf *b, const char *by)
{
    char num[64];
    size_t n = 0;
    bool ok = *by != 0;
    for (const char *q = by; *q && ok; q++) {
        if (*q == ',' || (*q == '+' && q == by))
            continue;
        ok = n < sizeof num - 1 && ((*q >= '0' && *q <= '9') || *q == '.' || (*q == '-' && q == by));
        num[n++] = *q;
    }
    num[n] = 0;
    if (ok && n)
        sb_puts(b, num);
    else
        csv_text(b, by);
}

/* The table's rows, kept until every width is known. */
enum { NEAR_COLS = 8 };
typedef struct near_rows {
    char **cell; /* NEAR_COLS a row, malloc'd */
    size_t n, cap;
} near_rows;

static void row_add(near_rows *t, const char *const *v)
{
    if (t->n + NEAR_COLS > t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64 * NEAR_COLS;
        t->cell = realloc(t->cell, t->cap * sizeof *t->cell);
        if (!t->cell)
            abort(); /* out of memory: nothing sensible to continue with */
    }
    for (size_t k = 0; k < NEAR_COLS; k++) {
        t->cell[t->n + k] = strdup(v[k] ? v[k] : "");
        if (!t->cell[t->n + k])
            abort();
    }
    t->n += NEAR_COLS;
}

/* The rows, each column as wide as its widest cell; numbers (the last four) to the right. */
static void rows_write(sbuf *b, near_rows *t)
{
    size_t w[NEAR_COLS] = {0};
    for (size_t i = 0; i < t->n; i++) {
        size_t x = calc_text_width(t->cell[i]);
        if (x > w[i % NEAR_COLS])
            w[i % NEAR_COLS] = x;
    }
    for (size_t i = 0; i < t->n; i++) {
        size_t c = i % NEAR_COLS, pad = w[c] - calc_text_width(t->cell[i]);
        if (c >= NEAR_COLS - 4)
            sb_printf(b, "%*s", (int)pad, "");
        sb_puts(b, t->cell[i]);
        if (c == NEAR_COLS - 1)
            sb_puts(b, "\n");
        else
            sb_printf(b, "%*s", (int)(c < NEAR_COLS - 4 ? pad + 2 : 2), "");
        free(t->cell[i]);
    }
    free(t->cell);
}

/* A value of a change for the table: money as ¥1,000,000.00, counts as they are. */
static void value_cell(char *out, size_t cap, const qchange *c, const char *text)
{
    calc_money m;
    char g[40];
    if (text && c->sn->type == T_MONEY && !calc_money_parse(&m, text, strlen(text), NULL))
        snprintf(out, cap, "¥%s", calc_money_format_grouped(g, m));
    else
        snprintf(out, cap, "%s", text ? text : "-");
}

/* What the change brings, for the table: the amount (in-kind: the quantity and its value), or
 * that it depends on the figure the enterprise reaches. */
static void amount_cell(char *out, size_t cap, const policy *p, const qualify *q, int lang)
{
    char m[40];
    calc_money_format_grouped(m, q->amount);
    if (q->example)
        snprintf(out, cap, "%s", lang ? "depends on the actual figure" : "取决于实际数额");
    else if (p->kind == K_IN_KIND)
        snprintf(out, cap, "%lld %s (¥%s)", (long long)q->quantity,
                 strcmp(p->unit, "m2") == 0 ? "m²" : lang ? "units" : "套", m);
    else
        snprintf(out, cap, "¥%s", m);
}

/* {"zh": …, "en": …} of a change's field, or of the change in words. */
static void json_words(sbuf *b, const calc_schema *s, const qchange *c, bool change)
{
    sbuf t = {0};
    for (int lang = 0; lang < 2; lang++) {
        t.n = 0;
        if (change)
            qualify_change_words(&t, s, c, lang);
        else
            qualify_field_words(&t, s, c->field, lang);
        sb_puts(b, lang ? ", \"en\": " : "{\"zh\": ");
        sb_json_str(b, t.p ? t.p : "");
    }
    sb_puts(b, "}");
    sb_free(&t);
}

int calc_near(FILE *out, calc_engine *e, const calc_batch_opts *o, const char *within,
              int format, int lang, calc_diags *d)
{
    int64_t limit = 2000; /* 20.00% */
    if (within) {
        size_t l = strlen(within);
        if (!l || within[l - 1] != '%' || calc_money_parse(&limit, within, l - 1, NULL)) {
            calc_loc loc = {"--within", 0, 0};
            diag_at(d, CALC_EUSAGE, &loc, NULL, "e.g. --within 20%", "expected a percentage");
            return CALC_EUSAGE;
        }
    }
    sbuf b = {0};
    char m[40];
    near_rows rows = {0};
    const calc_schema *s = &e->ps.schema;
    if (format == 2)
        sb_puts(&b, "profile,name,policy,field,now,needed,change,distance,amount,kind,"
                    "suggestion\r\n");
    else if (format == 0) {
        const char *head[NEAR_COLS] = {
            lang ? "id" : "企业标识",      lang ? "name" : "企业名称",
            lang ? "policy" : "政策",      lang ? "to raise" : "需提高",
            lang ? "now" : "现值",         lang ? "needed" : "需达到",
            lang ? "gap" : "差距",         lang ? "would bring" : "可获"};
        row_add(&rows, head);
    }
    size_t found = 0;
    int worst = 0;
    int name_slot = schema_child(e->ps.schema.root, "name", 4)->index;
    for (int f = 0; f < o->ninputs; f++) {
        calc_input *in = population_open(o, f, &e->ps.schema, d);
        if (!in) {
            worst = CALC_EUSAGE;
            continue;
        }
        calc_profile *p;
        size_t rejected = 0;
        while (population_next(in, e, o, &p, &rejected)) {
            calc_result *res = calc_eval_with(e, p, o->as_of, NULL);
            calc_qualify(e, p, res);
            const pval *nm = &p->root.u.o->slot[name_slot];
            for (size_t i = 0; i < res->n; i++) {
                const pres *x = &res->r[i];
                const qualify *q = x->to_qualify;
                if (x->status != ST_INELIGIBLE || !q || !q->possible || !q->n ||
                    e->ps.pol[i].kind == K_MATCH)
                    continue;
                bool ok = true;
                for (size_t k = 0; k < q->n && ok; k++) {
                    int64_t dist = distance(&q->change[k]);
                    ok = dist >= 0 && dist <= limit;
                }
                if (!ok)
                    continue;
                found++;
                const policy *pol = &e->ps.pol[i];
                for (size_t k = 0; k < q->n; k++) {
                    const qchange *c = &q->change[k];
                    int64_t dist = distance(c);
                    char pct[40];
                    calc_money_format(pct, dist);
                    calc_money_format(m, q->amount);
                    if (format == 2) {
                        const char *text[] = {p->id, nm->set ? nm->u.s : "", pol->id,
                                              c->field, c->now, c->to};
                        for (size_t t = 0; t < sizeof text / sizeof text[0]; t++) {
                            csv_text(&b, text[t]);
                            sb_puts(&b, ",");
                        }
                        csv_change(&b, c->by ? c->by : "");
                        sb_printf(&b, ",%s%%,%s,%s,", pct, q->example ? "" : m, c->kind);
                        sbuf w = {0};
                        qualify_change_words(&w, s, c, lang);
                        csv_text(&b, w.p ? w.p : "");
                        sb_free(&w);
                        sb_puts(&b, "\r\n");
                    } else if (format == 1) {
                        sb_puts(&b, "{\"profile\": ");
                        sb_json_str(&b, p->id);
                        sb_puts(&b, ", \"name\": ");
                        sb_json_str(&b, nm->set ? nm->u.s : "");
                        sb_printf(&b, ", \"policy\": \"%s\", \"field\": \"%s\", \"kind\": "
                                      "\"%s\", \"field_label\": ",
                                  pol->id, c->field, c->kind);
                        json_words(&b, s, c, false);
                        sb_puts(&b, ", \"label\": ");
                        json_words(&b, s, c, true);
                        sb_printf(&b, ", \"now\": \"%s\", \"needed\": \"%s\", \"change\": "
                                      "\"%s\", \"distance\": \"%s%%\", \"amount\": ",
                                  c->now, c->to, c->by ? c->by : "", pct);
                        if (q->example)
                            sb_puts(&b, "null");
                        else
                            sb_printf(&b, "\"%s\"", m);
                        sb_puts(&b, ", \"depends_on\": [");
                        for (size_t j = 0; j < q->ndepends; j++) {
                            sb_puts(&b, j ? ", " : "");
                            sb_json_str(&b, q->depends[j]);
                        }
                        sb_puts(&b, "]}\n");
                    } else {
                        char now[64], to[64], gap[48], got[96];
                        sbuf what = {0};
                        if (strcmp(c->kind, "next_year_target") == 0)
                            sb_puts(&what, lang ? "next claim year: " : "下一申报年度");
                        qualify_field_words(&what, s, c->field, lang);
                        value_cell(now, sizeof now, c, c->now);
                        value_cell(to, sizeof to, c, c->to);
                        snprintf(gap, sizeof gap, "%s%%", pct);
                        amount_cell(got, sizeof got, pol, q, lang);
                        const char *row[NEAR_COLS] = {p->id, nm->set ? nm->u.s : "",
                                                      lang ? pol->title_en : pol->title_zh,
                                                      what.p, now, to, gap, got};
                        row_add(&rows, row);
                        sb_free(&what);
                    }
                }
            }
            calc_result_free(res);
            calc_profile_free(p);
        }
        if (rejected)
            worst = worst == CALC_EUSAGE ? worst : CALC_ESCHEMA;
        input_close(in);
    }
    if (format == 0) {
        rows_write(&b, &rows);
        sb_printf(&b, "\n%zu %s\n", found, lang ? "near misses" : "项接近符合");
    }
    if (worst != CALC_EUSAGE && b.n) /* an input could not be read: no list from part of it */
        fwrite(b.p, 1, b.n, out);
    sb_free(&b);
    return worst;
}
