/* whatifout.c — the report of `calc whatif` (whatif.c): per policy beneficiaries, granted,
 * the change and who gains, loses or stays; the cash and in-kind totals; the pools in both
 * runs — as a table laid out by display width, as JSON or as CSV, in Chinese or English. */
#include "whatif.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_code[] = {"cash", "in_kind", "match"};

/* The words of the report, Chinese and English. */
typedef struct words {
    const char *policy, *ben_b, *ben_s,
        *granted_b, *granted_s, *change, *gain, *lose, *same, *cash, *in_kind, *pool, *run,
        *base, *scen, *size, *claimed, *granted, *unmet, *how, *in_full, *no_claims, *pro_rata,
        *ran_out, *units, *absent, *overflow;
} words;
static const words zh = {
    "政策", "基准受益户", "情景受益户",
    "基准金额（元）", "情景金额（元）", "变化（元）", "增加", "减少", "不变", "现金合计",
    "实物合计（价值）", "资金池", "方案", "基准", "情景", "规模", "申请", "发放", "未满足",
    "分配", "足额发放", "无申请", "按比例：发放为申请的 %s%%", "先到先得：至 %s 用完", "套",
    "（未填写）", "注意：有合计超出可表示的最大金额，显示为该最大值"};
static const words en = {
    "policy", "base benef.",
    "scen. benef.", "base granted", "scen. granted", "change", "gain", "lose", "same",
    "cash total", "in-kind total (value)", "pool", "run", "base", "scen.", "size", "claimed",
    "granted", "unmet", "allocation", "paid in full", "no claims", "pro rata: %s%% of claims",
    "first come: ran out at %s", "units", "(absent)",
    "warning: a sum exceeds the largest representable amount and is shown as that amount"};

/* A signed change "+1,234.50", "-0.01" or "0.00". */
static char *signed_grouped(char *buf, int64_t v)
{
    char m[40];
    calc_money_format_grouped(m, v < 0 ? -v : v);
    snprintf(buf, 48, "%s%s", v > 0 ? "+" : v < 0 ? "-" : "", m);
    return buf;
}

/* A pool's size, claims or grant in its unit: money grouped, units and m² as whole numbers. */
static char *pool_amount(char *buf, size_t cap, const decl *p, int64_t v, int lang, bool unit)
{
    if (p->unit == U_YUAN)
        return calc_money_format_grouped(buf, v), buf;
    char g[48];
    calc_money_format_grouped(g, v > INT64_MAX / 100 ? INT64_MAX : v * 100);
    g[strlen(g) - 3] = 0; /* whole units: "2,000" */
    snprintf(buf, cap, "%s%s%s", g, unit ? " " : "",
             !unit ? "" : p->unit == U_M2 ? "m²" : lang ? en.units : zh.units);
    return buf;
}

/* granted / claimed as a percentage, two decimals, rounded down: "96.92" */
static void share_text(char *buf, size_t cap, int64_t granted, int64_t claimed)
{
    int64_t bp = claimed > 0 ? (int64_t)((__int128)granted * 10000 / claimed) : 10000;
    snprintf(buf, cap, "%lld.%02lld", (long long)(bp / 100), (long long)(bp % 100));
}

/* How the pool allocated in one run: in full, pro rata (the share), or first come (where it
 * ran out). */
static void pool_how(char *buf, size_t cap, const decl *p, const pool_stat *st, const words *t)
{
    char x[64];
    if (!st->nclaims)
        snprintf(buf, cap, "%s", t->no_claims);
    else if (st->claimed <= p->size)
        snprintf(buf, cap, "%s", t->in_full);
    else if (p->mode == 0) {
        share_text(x, sizeof x, st->granted, st->claimed);
        snprintf(buf, cap, t->pro_rata, x);
    } else
        snprintf(buf, cap, t->ran_out, st->ran_out_id ? st->ran_out_id : "?");
}

static const char *pool_title(const decl *p, int lang) { return lang ? p->en : p->zh; }
static const char *pol_title(const policy *p, int lang) { return lang ? p->title_en : p->title_zh; }

/* A --by group's value for people: an enum's label, or the value itself. */
static const char *group_label(const wi *w, int g, int lang)
{
    const char *v = w->groups[g];
    if (strcmp(v, "(absent)") == 0)
        return lang ? en.absent : zh.absent;
    if (w->by->type == T_ENUM) {
        int k = enum_index(w->by->en, v);
        if (k >= 0)
            return enum_label_lang(w->by->en, k, lang);
    }
    return v;
}

static void json_agg(sbuf *b, const agg *a)
{
    char m1[40], m2[40], m3[40];
    sb_printf(b, "\"baseline\": {\"beneficiaries\": %zu, \"granted\": \"%s\"}, "
                 "\"scenario\": {\"beneficiaries\": %zu, \"granted\": \"%s\"}, "
                 "\"change\": \"%s\", \"gain\": %zu, \"lose\": %zu, \"unchanged\": %zu",
              a->ben[0], calc_money_format(m1, a->granted[0]), a->ben[1],
              calc_money_format(m2, a->granted[1]),
              calc_money_format(m3, a->granted[1] - a->granted[0]), a->gain, a->lose, a->same);
}

static void json_title(sbuf *b, const char *zh_text, const char *en_text)
{
    sb_puts(b, "{\"zh\": ");
    sb_json_str(b, zh_text);
    sb_puts(b, ", \"en\": ");
    sb_json_str(b, en_text);
    sb_puts(b, "}");
}

/* One run's figures of pool p (batch's summary keys, and the unmet claims). */
static void json_pool_run(sbuf *b, const decl *p, const pool_stat *st)
{
    char m1[40], m2[40], m3[40], m4[40], m5[40], d[16];
    if (p->unit == U_YUAN)
        sb_printf(b, "{\"size\": \"%s\", \"claims\": %zu, \"claimed\": \"%s\", "
                     "\"granted\": \"%s\", \"remaining\": \"%s\", \"unmet\": \"%s\"",
                  calc_money_format(m1, p->size), st->nclaims, calc_money_format(m2, st->claimed),
                  calc_money_format(m3, st->granted),
                  calc_money_format(m4, pool_size_left(p) - st->granted), /* a stock: net */
                  calc_money_format(m5, st->claimed - st->granted));
    else
        sb_printf(b, "{\"size\": %lld, \"claims\": %zu, \"claimed\": %lld, \"granted\": %lld, "
                     "\"remaining\": %lld, \"unmet\": %lld",
                  (long long)p->size, st->nclaims, (long long)st->claimed, (long long)st->granted,
                  (long long)(pool_size_left(p) - st->granted), /* a stock: net of earlier rounds */
                  (long long)(st->claimed - st->granted));
    if (st->factor_den)
        sb_printf(b, ", \"factor\": \"%s/%s\"", calc_money_format(m1, st->factor_num),
                  calc_money_format(m2, st->factor_den));
    if (st->ran_out) {
        sb_puts(b, ", \"ran_out_at\": {\"applied\": ");
        if (st->ran_out_has_applied)
            sb_printf(b, "\"%s\"", calc_date_format(d, st->ran_out_applied));
        else
            sb_puts(b, "null");
        sb_puts(b, ", \"id\": ");
        sb_json_str(b, st->ran_out_id);
        sb_puts(b, "}");
    }
    if (st->overflow)
        sb_puts(b, ", \"overflow\": true");
    sb_puts(b, "}");
}

static void write_json(sbuf *b, const wi *w, const char *name, const char *date)
{
    const calc_engine *e = w->runs[0].e, *s = w->runs[1].e;
    int ng = w->by ? (int)w->ngroup : 0;
    bool overflow = false;
    agg a;
    sb_puts(b, "{\"scenario\": ");
    sb_json_str(b, name);
    sb_printf(b, ", \"as_of\": \"%s\", \"records\": {\"read\": %zu, \"evaluated\": %zu, "
                 "\"rejected\": %zu}, \"policies\": [",
              date, w->read, w->n, w->rejected);
    for (size_t k = 0; k < w->npol; k++) {
        const policy *p = &e->ps.pol[k];
        sb_puts(b, k ? ", {\"policy\": " : "{\"policy\": ");
        sb_json_str(b, p->id);
        sb_puts(b, ", \"title\": ");
        json_title(b, p->title_zh, p->title_en);
        sb_printf(b, ", \"kind\": \"%s\", ", kind_code[p->kind]);
        whatif_aggregate(w, -1, (int)k, 0, &a);
        overflow |= a.overflow;
        json_agg(b, &a);
        for (int g = 0; g < ng; g++) {
            sb_puts(b, g ? ", " : ", \"by\": {");
            sb_json_str(b, w->groups[g]);
            sb_puts(b, ": {");
            whatif_aggregate(w, g, (int)k, 0, &a);
            json_agg(b, &a);
            sb_puts(b, "}");
        }
        sb_puts(b, ng ? "}}" : "}");
    }
    sb_puts(b, "], \"totals\": {");
    for (int g = -1; g < ng; g++) {
        if (g == 0)
            sb_puts(b, ", \"by\": {");
        if (g >= 0) {
            sb_puts(b, g ? ", " : "");
            sb_json_str(b, w->groups[g]);
            sb_puts(b, ": {");
        }
        for (int kind = K_CASH; kind <= K_IN_KIND; kind++) {
            whatif_aggregate(w, g, -1, kind, &a);
            overflow |= a.overflow;
            sb_printf(b, "%s\"%s\": {", kind ? ", " : "", kind_code[kind]);
            json_agg(b, &a);
            sb_puts(b, "}");
        }
        if (g >= 0)
            sb_puts(b, "}");
    }
    sb_puts(b, ng ? "}}, \"pools\": [" : "}, \"pools\": [");
    for (size_t p = 0; p < e->ps.npool; p++) {
        const decl *px = &e->ps.pool[p], *py = &s->ps.pool[p];
        sb_puts(b, p ? ", {\"pool\": " : "{\"pool\": ");
        sb_json_str(b, px->name);
        sb_puts(b, ", \"title\": ");
        json_title(b, px->zh, px->en);
        sb_printf(b, ", \"unit\": \"%s\", \"mode\": \"%s\", \"baseline\": ",
                  px->unit == U_YUAN ? "yuan" : px->unit == U_M2 ? "m2" : "units",
                  px->mode ? "first_come" : "pro_rata");
        json_pool_run(b, px, &w->runs[0].pools[p]);
        sb_puts(b, ", \"scenario\": ");
        json_pool_run(b, py, &w->runs[1].pools[p]);
        sb_puts(b, "}");
    }
    sb_puts(b, "]");
    if (overflow)
        sb_puts(b, ", \"error\": \"a sum exceeds the largest representable amount\"");
    sb_puts(b, "}\n");
}

/* CSV: one row per policy, then the totals (policy totals.cash, totals.in_kind), overall and by
 * group, then the pools; the columns after `unchanged` say what a row is and give the pools'
 * sizes and claims. */
static void csv_agg_row(sbuf *b, const char *group, const char *id, const agg *a,
                        const char *kind, const char *title, const char *unit)
{
    char m1[40], m2[40], m3[40];
    csv_text(b, group);
    sb_puts(b, ",");
    csv_text(b, id);
    sb_printf(b, ",%zu,%zu,%s,%s,%s,%zu,%zu,%zu,%s,", a->ben[0], a->ben[1],
              calc_money_format(m1, a->granted[0]), calc_money_format(m2, a->granted[1]),
              calc_money_format(m3, a->granted[1] - a->granted[0]), a->gain, a->lose, a->same,
              kind);
    csv_text(b, title);
    sb_printf(b, ",%s,,,,\r\n", unit);
}

static void csv_pool_num(sbuf *b, const decl *p, int64_t v)
{
    char m[40];
    if (p->unit == U_YUAN)
        sb_printf(b, ",%s", calc_money_format(m, v));
    else
        sb_printf(b, ",%lld", (long long)v);
}

static void write_csv(sbuf *b, const wi *w, int lang)
{
    const calc_engine *e = w->runs[0].e, *s = w->runs[1].e;
    const words *t = lang ? &en : &zh;
    int ng = w->by ? (int)w->ngroup : 0;
    agg a;
    sb_puts(b, "group,policy,baseline_beneficiaries,scenario_beneficiaries,baseline_granted,"
               "scenario_granted,change,gain,lose,unchanged,kind,title,unit,baseline_size,"
               "baseline_claimed,scenario_size,scenario_claimed\r\n");
    for (int g = -1; g < ng; g++) {
        const char *gv = g < 0 ? "" : w->groups[g];
        for (size_t k = 0; k < w->npol; k++) {
            const policy *p = &e->ps.pol[k];
            whatif_aggregate(w, g, (int)k, 0, &a);
            csv_agg_row(b, gv, p->id, &a, "policy", pol_title(p, lang), "yuan");
        }
        for (int kind = K_CASH; kind <= K_IN_KIND; kind++) {
            whatif_aggregate(w, g, -1, kind, &a);
            csv_agg_row(b, gv, kind ? "totals.in_kind" : "totals.cash", &a, "total",
                        kind ? t->in_kind : t->cash, "yuan");
        }
    }
    for (size_t p = 0; p < e->ps.npool; p++) {
        const decl *px = &e->ps.pool[p], *py = &s->ps.pool[p];
        const pool_stat *x = &w->runs[0].pools[p], *y = &w->runs[1].pools[p];
        sb_puts(b, ",");
        csv_text(b, px->name);
        sb_puts(b, ",,");
        csv_pool_num(b, px, x->granted);
        csv_pool_num(b, py, y->granted);
        csv_pool_num(b, px, y->granted - x->granted);
        sb_puts(b, ",,,,pool,");
        csv_text(b, pool_title(px, lang));
        sb_printf(b, ",%s", px->unit == U_YUAN ? "yuan" : px->unit == U_M2 ? "m2" : "units");
        csv_pool_num(b, px, px->size);
        csv_pool_num(b, px, x->claimed);
        csv_pool_num(b, py, py->size);
        csv_pool_num(b, py, y->claimed);
        sb_puts(b, "\r\n");
    }
}

/* One row of the policy table; a match policy grants no amount ("-"). */
static void table_agg_row(tbl *t, const char *label, const agg *a, bool match)
{
    char m1[40], m2[40], m3[48];
    tbl_add(t, label);
    tbl_addf(t, "%zu", a->ben[0]);
    tbl_addf(t, "%zu", a->ben[1]);
    tbl_add(t, match ? "-" : calc_money_format_grouped(m1, a->granted[0]));
    tbl_add(t, match ? "-" : calc_money_format_grouped(m2, a->granted[1]));
    tbl_add(t, match ? "-" : signed_grouped(m3, a->granted[1] - a->granted[0]));
    tbl_addf(t, "%zu", a->gain);
    tbl_addf(t, "%zu", a->lose);
    tbl_addf(t, "%zu", a->same);
}

static void write_table(sbuf *b, const wi *w, int lang, const char *name, const char *date)
{
    const calc_engine *e = w->runs[0].e, *s = w->runs[1].e;
    const words *t = lang ? &en : &zh;
    int ng = w->by ? (int)w->ngroup : 0;
    bool overflow = false;
    agg a;
    if (lang)
        sb_printf(b, "scenario %s    as of %s    records %zu (%zu evaluated, %zu rejected)\n", name,
                  date, w->read, w->n, w->rejected);
    else
        sb_printf(b, "情景：%s    测算日期 %s    记录 %zu 条（已测算 %zu，无效 %zu）\n", name, date,
                  w->read, w->n, w->rejected);
    for (int g = -1; g < ng; g++) {
        tbl pt;
        tbl_init(&pt, "lrrrrrrrr");
        tbl_add(&pt, t->policy);
        tbl_add(&pt, t->ben_b);
        tbl_add(&pt, t->ben_s);
        tbl_add(&pt, t->granted_b);
        tbl_add(&pt, t->granted_s);
        tbl_add(&pt, t->change);
        tbl_add(&pt, t->gain);
        tbl_add(&pt, t->lose);
        tbl_add(&pt, t->same);
        for (size_t k = 0; k < w->npol; k++) {
            whatif_aggregate(w, g, (int)k, 0, &a);
            overflow |= a.overflow;
            table_agg_row(&pt, pol_title(&e->ps.pol[k], lang), &a,
                          e->ps.pol[k].kind == K_MATCH);
        }
        tbl_rule(&pt);
        for (int kind = K_CASH; kind <= K_IN_KIND; kind++) {
            whatif_aggregate(w, g, -1, kind, &a);
            overflow |= a.overflow;
            table_agg_row(&pt, kind ? t->in_kind : t->cash, &a, false);
        }
        sb_puts(b, "\n");
        if (g >= 0)
            sb_printf(b, lang ? "%s: %s\n" : "%s：%s\n", snode_label(w->by, lang),
                      group_label(w, g, lang));
        tbl_write(b, &pt, 0);
        tbl_free(&pt);
    }
    tbl pt;
    tbl_init(&pt, "llrrrrl");
    tbl_add(&pt, t->pool);
    tbl_add(&pt, t->run);
    tbl_add(&pt, t->size);
    tbl_add(&pt, t->claimed);
    tbl_add(&pt, t->granted);
    tbl_add(&pt, t->unmet);
    tbl_add(&pt, t->how);
    for (size_t p = 0; p < e->ps.npool; p++)
        for (int r = 0; r < 2; r++) {
            const decl *x = r ? &s->ps.pool[p] : &e->ps.pool[p];
            const pool_stat *st = &w->runs[r].pools[p];
            char v[64], how[200];
            tbl_add(&pt, r ? "" : pool_title(x, lang));
            tbl_add(&pt, r ? t->scen : t->base);
            tbl_add(&pt, pool_amount(v, sizeof v, x, x->size, lang, true));
            tbl_add(&pt, pool_amount(v, sizeof v, x, st->claimed, lang, true));
            tbl_add(&pt, pool_amount(v, sizeof v, x, st->granted, lang, true));
            tbl_add(&pt, pool_amount(v, sizeof v, x, st->claimed - st->granted, lang, true));
            pool_how(how, sizeof how, x, st, t);
            tbl_add(&pt, how);
        }
    sb_puts(b, "\n");
    tbl_write(b, &pt, 0);
    tbl_free(&pt);
    if (overflow)
        sb_printf(b, "\n%s\n", t->overflow);
}

void whatif_report(FILE *out, const wi *w, int format, int lang, const calc_batch_opts *o)
{
    const calc_engine *s = w->runs[1].e;
    sbuf b = {0};
    char d[16];
    calc_date_format(d, o->as_of);
    const char *name = s->scenario_name ? s->scenario_name : "--param";
    if (format == CALC_FMT_JSON)
        write_json(&b, w, name, d);
    else if (format == 2) /* CSV */
        write_csv(&b, w, lang);
    else
        write_table(&b, w, lang, name, d);
    fwrite(b.p, 1, b.n, out);
    sb_free(&b);
}
