/* near.c — `calc near`, the outreach list: the enterprises of a population that are
 * ineligible for a policy only by numeric thresholds within a given distance of the value
 * needed, with the changes that make them eligible (proven by calc_qualify) and what the
 * policy would then bring. It reads the population (population.c) and writes the list to
 * `out` once every input was read; it changes no rules and no profile. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

/* The distance of a numeric change as a fraction of the value needed, in hundredths of a
 * percent; -1 when the change is not a numeric threshold. */
static int64_t distance(const qchange *c)
{
    if (strcmp(c->action, "raise") && strcmp(c->action, "lower"))
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
    if (format == 2)
        sb_puts(&b, "profile,name,policy,field,now,needed,change,distance,amount\r\n");
    else if (format == 0)
        sb_printf(&b, "%-22s %-24s %-26s %16s %16s %8s %16s\n", lang ? "profile" : "企业",
                  lang ? "policy" : "政策", lang ? "field" : "字段", lang ? "now" : "现值",
                  lang ? "needed" : "需达到", lang ? "gap" : "差距", lang ? "would bring" : "可获");
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
                for (size_t k = 0; k < q->n; k++) {
                    const qchange *c = &q->change[k];
                    int64_t dist = distance(c);
                    char pct[40];
                    calc_money_format(pct, dist);
                    calc_money_format(m, q->amount);
                    if (format == 2) {
                        const char *text[] = {p->id, nm->set ? nm->u.s : "", e->ps.pol[i].id,
                                              c->field, c->now, c->to};
                        for (size_t t = 0; t < sizeof text / sizeof text[0]; t++) {
                            csv_text(&b, text[t]);
                            sb_puts(&b, ",");
                        }
                        csv_change(&b, c->by ? c->by : "");
                        sb_printf(&b, ",%s%%,%s\r\n", pct, m);
                    }
                    else if (format == 1) {
                        sb_puts(&b, "{\"profile\": ");
                        sb_json_str(&b, p->id);
                        sb_puts(&b, ", \"name\": ");
                        sb_json_str(&b, nm->set ? nm->u.s : "");
                        sb_printf(&b, ", \"policy\": \"%s\", \"field\": \"%s\", \"now\": \"%s\", "
                                      "\"needed\": \"%s\", \"change\": \"%s\", \"distance\": "
                                      "\"%s%%\", \"amount\": \"%s\"}\n",
                                  e->ps.pol[i].id, c->field, c->now, c->to, c->by ? c->by : "",
                                  pct, m);
                    } else
                        sb_printf(&b, "%-22s %-24s %-26s %16s %16s %7s%% %16s\n", p->id,
                                  e->ps.pol[i].id, c->field, c->now, c->to, pct,
                                  calc_money_format_grouped(m, q->amount));
                }
            }
            calc_result_free(res);
            calc_profile_free(p);
        }
        if (rejected)
            worst = worst == CALC_EUSAGE ? worst : CALC_ESCHEMA;
        input_close(in);
    }
    if (format == 0)
        sb_printf(&b, "\n%zu %s\n", found, lang ? "near misses" : "项接近符合");
    if (worst != CALC_EUSAGE && b.n) /* an input could not be read: no list from part of it */
        fwrite(b.p, 1, b.n, out);
    sb_free(&b);
    return worst;
}
