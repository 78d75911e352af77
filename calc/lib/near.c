/* near.c — `calc near`, the outreach list: the enterprises of a population that are
 * ineligible for a policy only by numeric thresholds within a given distance of the value
 * needed, with the changes that make them eligible (proven by calc_qualify) and what the
 * policy would then bring. It reads the population (population.c) and writes the list to
 * `out` once every input was read; it changes no rules and no profile. */
#include "batch.h"
#include "xlsxout.h"

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

/* ---- the workbook ---- */

/* What the summary sheet counts: per policy the near misses and what they would bring. */
typedef struct near_sum {
    size_t *n;
    int64_t *amount, *quantity;
    size_t records;
} near_sum;

static void xlsx_near_sheet(xlsx *x, int lang)
{
    static const char *const zh[] = {"企业标识", "企业名称", "政策编号", "政策名称", "状态",
                                     "可获金额", "数量", "单位", "字段", "现值", "需达到",
                                     "差距", "距离", "原因"};
    static const char *const en[] = {"id", "name", "policy", "title", "status",
                                     "would bring", "quantity", "unit", "field", "now",
                                     "needed", "change", "distance", "reasons"};
    xlsx_sheet(x, lang ? "Results" : "结果", lang ? en : zh, 14, 2, true);
}

/* A value of field sn as a cell: money as money, whole numbers as numbers, else text. */
static void value_cell(xlsx *x, const snode *sn, const char *v)
{
    calc_money m;
    bool money = sn && sn->type == T_MONEY, whole = sn && sn->type == T_INT;
    if (v && (money || whole) && calc_money_parse(&m, v, strlen(v), NULL) == 0) {
        if (money)
            xlsx_money(x, m);
        else
            xlsx_int(x, (long long)(m / 100));
    } else
        xlsx_text(x, v);
}

/* A change ("+10,000.00", "-9") as a number of the field's kind. */
static void change_cell(xlsx *x, const snode *sn, const char *by)
{
    char num[64];
    size_t n = 0;
    for (const char *q = by ? by : ""; *q && n < sizeof num - 1; q++)
        if (*q != ',' && *q != '+')
            num[n++] = *q;
    num[n] = 0;
    value_cell(x, sn, n ? num : by);
}

static void xlsx_near_row(xlsx *x, const calc_engine *e, const char *id, const char *name,
                          const policy *pol, const qualify *q, const qchange *c, int64_t dist,
                          const char *why, int lang)
{
    char path[256];
    schema_item_path(path, sizeof path, c->field);
    const snode *sn = schema_resolve(e->ps.schema.root, path);
    xlsx_text(x, id);
    xlsx_text(x, name);
    xlsx_text(x, pol->id);
    xlsx_text(x, lang ? pol->title_en : pol->title_zh);
    xlsx_text(x, calc_status_label(ST_INELIGIBLE, lang));
    xlsx_money(x, q->amount);
    if (pol->kind == K_IN_KIND) {
        xlsx_int(x, (long long)q->quantity);
        xlsx_text(x, strcmp(pol->unit, "m2") == 0 ? "m²" : lang ? "units" : "套");
    } else {
        xlsx_text(x, NULL);
        xlsx_text(x, NULL);
    }
    xlsx_text(x, sn ? snode_label(sn, lang) : c->field);
    value_cell(x, sn, c->now);
    value_cell(x, sn, c->to);
    change_cell(x, sn, c->by);
    xlsx_pct(x, dist);
    xlsx_text(x, why);
    xlsx_row_end(x);
}

/* Per policy the near misses and what they would bring; per pool what their claims on it
 * would be (near evaluates one enterprise at a time: nothing is allocated). */
static void xlsx_near_summary(xlsx *x, const calc_engine *e, const near_sum *s, size_t found,
                              calc_date as_of, int lang)
{
    static const char *const zh[] = {"政策编号", "政策名称", "接近符合", "可获金额合计", "数量合计"};
    static const char *const en[] = {"policy", "title", "near misses", "would bring",
                                     "quantity"};
    xlsx_sheet(x, lang ? "Summary" : "汇总", lang ? en : zh, 5, 2, false);
    for (size_t i = 0; i < e->ps.n; i++) {
        const policy *p = &e->ps.pol[i];
        if (p->kind == K_MATCH)
            continue;
        xlsx_text(x, p->id);
        xlsx_text(x, lang ? p->title_en : p->title_zh);
        xlsx_int(x, (long long)s->n[i]);
        xlsx_money(x, s->amount[i]);
        if (p->kind == K_IN_KIND)
            xlsx_int(x, (long long)s->quantity[i]);
        xlsx_row_end(x);
    }
    xlsx_row_end(x);
    char d[16];
    xlsx_text(x, lang ? "as of" : "测算日期");
    xlsx_text(x, calc_date_format(d, as_of));
    xlsx_row_end(x);
    xlsx_text(x, lang ? "records evaluated" : "已测算");
    xlsx_int(x, (long long)s->records);
    xlsx_row_end(x);
    xlsx_text(x, lang ? "near misses" : "接近符合");
    xlsx_int(x, (long long)found);
    xlsx_row_end(x);
    static const char *const pzh[] = {"资金池", "说明", "分配方式", "规模", "接近符合者申请数",
                                      "接近符合者申请合计"};
    static const char *const pen[] = {"pool", "description", "mode", "size",
                                      "near misses' claims", "claimed by near misses"};
    xlsx_sheet(x, lang ? "Pools" : "资金池", lang ? pen : pzh, 6, 1, false);
    for (size_t p = 0; p < e->ps.npool; p++) {
        const decl *px = &e->ps.pool[p];
        size_t n = 0;
        int64_t sum = 0;
        for (size_t k = 0; k < px->n; k++) {
            int i = px->member[k];
            n += s->n[i];
            sum += px->unit == U_YUAN ? s->amount[i] : s->quantity[i];
        }
        xlsx_text(x, px->name);
        xlsx_text(x, px->zh);
        xlsx_text(x, px->mode == 0 ? (lang ? "pro rata" : "按比例")
                                   : (lang ? "first come" : "先到先得"));
        if (px->unit == U_YUAN) {
            xlsx_money(x, px->size);
            xlsx_int(x, (long long)n);
            xlsx_money(x, sum);
        } else {
            xlsx_int(x, (long long)px->size);
            xlsx_int(x, (long long)n);
            xlsx_int(x, (long long)sum);
        }
        xlsx_row_end(x);
    }
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
    sbuf b = {0}, words = {0};
    char m[40];
    xlsx *wb = NULL;
    near_sum sum = {0};
    if (format == 3) {
        if (!(wb = xlsx_create(o->output, o->as_of, o->err ? o->err : stderr)))
            return CALC_EIO;
        xlsx_near_sheet(wb, lang);
        sum.n = calloc(e->ps.n + 1, sizeof *sum.n);
        sum.amount = calloc(e->ps.n + 1, sizeof *sum.amount);
        sum.quantity = calloc(e->ps.n + 1, sizeof *sum.quantity);
    }
    if (format == 2)
        sb_puts(&b, "profile,name,policy,field,now,needed,change,distance,amount,title,"
                    "status_text,reasons_text\r\n");
    else if (format == 0)
        sb_printf(&b, "%-22s %-24s %-26s %16s %16s %8s %16s\n", lang ? "profile" : "企业",
                  lang ? "policy" : "政策", lang ? "field" : "字段", lang ? "now" : "现值",
                  lang ? "needed" : "需达到", lang ? "gap" : "差距", lang ? "would bring" : "可获");
    size_t found = 0;
    int worst = 0;
    int named = name_slot(&e->ps.schema);
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
            const char *nm = profile_name(p, named);
            sum.records++;
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
                words.n = 0;
                result_words(&words, e, x, lang);
                if (sum.n) {
                    sum.n[i]++;
                    sum.amount[i] += q->amount;
                    sum.quantity[i] += q->quantity;
                }
                for (size_t k = 0; k < q->n; k++) {
                    const qchange *c = &q->change[k];
                    int64_t dist = distance(c);
                    char pct[40];
                    calc_money_format(pct, dist);
                    calc_money_format(m, q->amount);
                    const policy *pol = &e->ps.pol[i];
                    if (wb)
                        xlsx_near_row(wb, e, p->id, nm, pol, q, c, dist, words.p, lang);
                    else if (format == 2) {
                        const char *text[] = {p->id, nm ? nm : "", pol->id, c->field, c->now,
                                              c->to};
                        for (size_t t = 0; t < sizeof text / sizeof text[0]; t++) {
                            csv_text(&b, text[t]);
                            sb_puts(&b, ",");
                        }
                        csv_change(&b, c->by ? c->by : "");
                        sb_printf(&b, ",%s%%,%s,", pct, m);
                        csv_text(&b, lang ? pol->title_en : pol->title_zh);
                        sb_puts(&b, ",");
                        csv_text(&b, calc_status_label(x->status, lang));
                        sb_puts(&b, ",");
                        csv_text(&b, words.p ? words.p : "");
                        sb_puts(&b, "\r\n");
                    }
                    else if (format == 1) {
                        sb_puts(&b, "{\"profile\": ");
                        sb_json_str(&b, p->id);
                        sb_puts(&b, ", \"name\": ");
                        if (nm)
                            sb_json_str(&b, nm);
                        else
                            sb_puts(&b, "null");
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
    if (wb) { /* an input could not be read: no workbook of part of it */
        if (worst != CALC_EUSAGE)
            xlsx_near_summary(wb, e, &sum, found, o->as_of, lang);
        if (xlsx_close(wb, worst != CALC_EUSAGE, o->err ? o->err : stderr) && !worst)
            worst = CALC_EIO;
    } else if (worst != CALC_EUSAGE && b.n) /* no list from part of the population either */
        fwrite(b.p, 1, b.n, out);
    free(sum.n);
    free(sum.amount);
    free(sum.quantity);
    sb_free(&b);
    sb_free(&words);
    return worst;
}
