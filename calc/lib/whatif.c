/* whatif.c — `calc whatif`: a population evaluated under the baseline rules and under a
 * scenario, budget pools allocated in both, and per policy and pool: beneficiaries, total
 * granted, the change, and how many enterprises gain, lose or stay unchanged — overall and by
 * the value of one field. Also `--solve`: the parameter value that spends a budget. Records are
 * read and validated by population.c and claims made and allocated by pools.c; the outreach
 * list (`calc near`) is near.c. Nothing here writes a file but the report to `out`. */
#include "batch.h"
#include "xlsxout.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

typedef struct wrec { /* one evaluated record: small, so a whole district fits in memory */
    char *id;
    char *name; /* the enterprise's, for the workbook's rows; NULL when absent */
    int group;  /* index of its --by value */
} wrec;

typedef struct run {
    calc_engine *e;
    size_t n;        /* records */
    uint8_t *st;     /* n × npol */
    int64_t *amt;    /* n × npol */
    claims cl;
    pool_stat *pools;
} run;

typedef struct wi {
    size_t npol, n, cap, read, rejected;
    wrec *rec;
    char **groups;
    size_t ngroup;
    const snode *by;
    const char *by_path;
    run runs[2];
} wi;

static int group_of(wi *w, const char *v)
{
    for (size_t i = 0; i < w->ngroup; i++)
        if (strcmp(w->groups[i], v) == 0)
            return (int)i;
    w->groups = realloc(w->groups, (w->ngroup + 1) * sizeof *w->groups);
    w->groups[w->ngroup] = strdup(v);
    return (int)w->ngroup++;
}

static const pval *field(const calc_profile *p, const snode *sn)
{
    const snode *chain[8];
    int k = 0;
    for (const snode *s = sn; s && s->parent && k < 8; s = s->parent)
        chain[k++] = s;
    const pobj *o = p->root.u.o;
    const pval *v = NULL;
    for (int i = k - 1; i >= 0; i--) {
        v = &o->slot[chain[i]->index];
        if (i > 0) {
            if (!v->set || v->type != T_OBJECT)
                return NULL;
            o = v->u.o;
        }
    }
    return v;
}

static void grow(wi *w)
{
    if (w->n < w->cap)
        return;
    w->cap = w->cap ? w->cap * 2 : 1024;
    w->rec = realloc(w->rec, w->cap * sizeof *w->rec);
    for (int r = 0; r < 2; r++) {
        w->runs[r].st = realloc(w->runs[r].st, w->cap * w->npol);
        w->runs[r].amt = realloc(w->runs[r].amt, w->cap * w->npol * sizeof(int64_t));
    }
}

/* Reads and evaluates every record under both rule sets (nruns engines). */
static int load_population(wi *w, const calc_batch_opts *o, int nruns, calc_diags *d)
{
    calc_engine *e = w->runs[0].e;
    int applied = applied_slot(&e->ps.schema), named = name_slot(&e->ps.schema);
    int worst = 0;
    /* statuses and amounts are all a comparison uses */
    const calc_eval_opts cost = {.claims_only = true, .failures_only = true};
    for (int f = 0; f < o->ninputs; f++) {
        calc_input *in = population_open(o, f, &e->ps.schema, d);
        if (!in) {
            worst = CALC_EUSAGE;
            continue;
        }
        for (;;) {
            arena a = {0};
            rec_in r;
            calc_diags rd = {0};
            int rc = input_next(in, &a, &r, &rd);
            if (rc <= 0) {
                calc_diags_free(&rd);
                arena_free(&a);
                if (rc < 0)
                    worst = worst == CALC_EUSAGE ? worst : CALC_ESCHEMA;
                break;
            }
            w->read++;
            calc_profile p;
            memset(&p, 0, sizeof p);
            /* the short way, as batch's; JSON positions stay bytes */
            int vr = record_profile(&p, &e->ps.schema, input_path(in), &r, o->sets, o->nsets,
                                    RP_QUICK, &rd);
            if (vr) {
                w->rejected++;
                worst = worst == CALC_EUSAGE ? worst : CALC_ESCHEMA;
                for (size_t i = 0; i < rd.n && d->n < 20; i++) {
                    calc_error *x = calc_diags_add(d);
                    if (x)
                        *x = rd.v[i];
                }
            } else {
                grow(w);
                wrec *wr = &w->rec[w->n];
                wr->id = strdup(p.id);
                const char *nm = profile_name(&p, named);
                wr->name = nm ? strdup(nm) : NULL;
                const pval *bv = w->by ? field(&p, w->by) : NULL;
                sbuf t = {0};
                if (bv && bv->set)
                    pval_render(&t, bv);
                wr->group = w->by ? group_of(w, t.p ? t.p : "(absent)") : 0;
                sb_free(&t);
                const pval *ap = profile_applied(&p, applied);
                for (int ri = 0; ri < nruns; ri++) {
                    run *rn = &w->runs[ri];
                    calc_result *res = calc_eval_with(rn->e, &p, o->as_of, &cost);
                    for (size_t k = 0; k < w->npol; k++) {
                        const pres *x = &res->r[k];
                        rn->st[w->n * w->npol + k] = (uint8_t)x->status;
                        rn->amt[w->n * w->npol + k] = x->kind == K_MATCH ? 0 : x->amount;
                    }
                    claims_add_result(&rn->cl, rn->e, res, w->n, wr->id, ap, -1, -1);
                    calc_result_free(res);
                }
                w->n++;
            }
            calc_diags_free(&rd);
            arena_free(&p.a);
            arena_free(&a);
        }
        input_close(in);
    }
    return worst;
}

/* Allocates the pools of one run and writes the grants back into its amounts. */
static int allocate(wi *w, run *rn)
{
    rn->pools = calloc(rn->e->ps.npool + 1, sizeof *rn->pools);
    int rc = pools_allocate(rn->e, &rn->cl, rn->pools);
    for (size_t i = 0; i < rn->cl.n; i++) {
        const claim *c = &rn->cl.v[i];
        if (!c->changed)
            continue;
        size_t at = c->record * w->npol + (size_t)c->policy;
        rn->amt[at] = c->g_amount;
        if (claim_voided(rn->e, c))
            rn->st[at] = ST_INELIGIBLE;
    }
    return rc;
}

/* ---- what is reported: per policy, the totals by kind, the pools ---- */

typedef struct agg {
    size_t ben[2];
    int64_t granted[2];
    size_t gain, lose, same;
    bool overflow; /* a sum reached the largest amount (it is that amount, flagged) */
} agg;

static void add_to(int64_t *sum, int64_t x, bool *overflow)
{
    if (__builtin_add_overflow(*sum, x, sum)) {
        *sum = INT64_MAX;
        *overflow = true;
    }
}

/* Beneficiaries, granted, gain/lose/same over the records of group (-1: all), of policy k, or
 * (k < 0) of every policy of kind `kind` summed per enterprise: the totals rows, whose
 * beneficiaries and gains count enterprises, not grants. */
static void aggregate(const wi *w, int group, int k, int kind, agg *a)
{
    const polset *ps = &w->runs[0].e->ps;
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < w->n; i++) {
        if (group >= 0 && w->rec[i].group != group)
            continue;
        int64_t x[2] = {0, 0};
        for (int r = 0; r < 2; r++) {
            for (size_t j = k < 0 ? 0 : (size_t)k; j < (k < 0 ? w->npol : (size_t)k + 1); j++) {
                size_t at = i * w->npol + j;
                if (k < 0 && ps->pol[j].kind != kind)
                    continue;
                if (w->runs[r].st[at] != ST_ELIGIBLE)
                    continue;
                if (ps->pol[j].kind == K_MATCH) /* matched: a beneficiary, with no amount */
                    x[r] = 1;
                else
                    add_to(&x[r], w->runs[r].amt[at], &a->overflow);
            }
            a->ben[r] += x[r] > 0;
            if (k < 0 || ps->pol[k].kind != K_MATCH)
                add_to(&a->granted[r], x[r], &a->overflow);
        }
        if (x[1] > x[0])
            a->gain++;
        else if (x[1] < x[0])
            a->lose++;
        else
            a->same++;
    }
}

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
                  calc_money_format(m3, st->granted), calc_money_format(m4, p->size - st->granted),
                  calc_money_format(m5, st->claimed - st->granted));
    else
        sb_printf(b, "{\"size\": %lld, \"claims\": %zu, \"claimed\": %lld, \"granted\": %lld, "
                     "\"remaining\": %lld, \"unmet\": %lld",
                  (long long)p->size, st->nclaims, (long long)st->claimed, (long long)st->granted,
                  (long long)(p->size - st->granted), (long long)(st->claimed - st->granted));
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
        aggregate(w, -1, (int)k, 0, &a);
        overflow |= a.overflow;
        json_agg(b, &a);
        for (int g = 0; g < ng; g++) {
            sb_puts(b, g ? ", " : ", \"by\": {");
            sb_json_str(b, w->groups[g]);
            sb_puts(b, ": {");
            aggregate(w, g, (int)k, 0, &a);
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
            aggregate(w, g, -1, kind, &a);
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
            aggregate(w, g, (int)k, 0, &a);
            csv_agg_row(b, gv, p->id, &a, "policy", pol_title(p, lang), "yuan");
        }
        for (int kind = K_CASH; kind <= K_IN_KIND; kind++) {
            aggregate(w, g, -1, kind, &a);
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
            aggregate(w, g, (int)k, 0, &a);
            overflow |= a.overflow;
            table_agg_row(&pt, pol_title(&e->ps.pol[k], lang), &a,
                          e->ps.pol[k].kind == K_MATCH);
        }
        tbl_rule(&pt);
        for (int kind = K_CASH; kind <= K_IN_KIND; kind++) {
            aggregate(w, g, -1, kind, &a);
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

static void write_report(FILE *out, const wi *w, int format, int lang, const calc_batch_opts *o)
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

/* ---- the workbook ---- */

/* Record i's claim on policy k in run rn (its claims are in record order), or NULL. */
static const claim *claim_of(const run *rn, size_t i, size_t k)
{
    size_t lo, end = claims_of_record(&rn->cl, i, &lo);
    for (; lo < end; lo++)
        if (rn->cl.v[lo].policy == (int)k)
            return &rn->cl.v[lo];
    return NULL;
}

/* One result of one run: status in words, amount, amount before the pool. */
static void xlsx_result(xlsx *x, const wi *w, int r, size_t i, size_t k, int lang)
{
    const run *rn = &w->runs[r];
    size_t at = i * w->npol + k;
    const claim *c = claim_of(rn, i, k);
    int st = rn->st[at];
    xlsx_text(x, claim_status_words(rn->e, st, c, lang));
    xlsx_money(x, st == ST_ELIGIBLE ? rn->amt[at] : 0);
    if (c && c->changed)
        xlsx_money(x, c->amount);
    else
        xlsx_text(x, NULL);
}

/* The results (every record and policy that grants something or changes under the scenario),
 * the figures of the report per policy and --by value with the totals, and the pools of both
 * runs. */
static void write_xlsx(xlsx *x, const wi *w, int lang, const calc_batch_opts *o)
{
    const calc_engine *e = w->runs[0].e, *s = w->runs[1].e;
    const char *scen = s->scenario_name ? s->scenario_name : "--param";
    static const char *const rzh[] = {"企业标识", "企业名称", "政策编号", "政策名称",
                                      "基准状态", "基准金额", "基准分配前金额", "情景状态",
                                      "情景金额", "情景分配前金额", "变化"};
    static const char *const ren[] = {"id", "name", "policy", "title", "baseline status",
                                      "baseline amount", "baseline before pool",
                                      "scenario status", "scenario amount",
                                      "scenario before pool", "change"};
    xlsx_sheet(x, lang ? "Results" : "结果", lang ? ren : rzh, 11, 2, true);
    for (size_t i = 0; i < w->n; i++)
        for (size_t k = 0; k < w->npol; k++) {
            size_t at = i * w->npol + k;
            int64_t v[2];
            for (int r = 0; r < 2; r++)
                v[r] = w->runs[r].st[at] == ST_ELIGIBLE ? w->runs[r].amt[at] : 0;
            if (w->runs[0].st[at] != ST_ELIGIBLE && w->runs[1].st[at] != ST_ELIGIBLE &&
                w->runs[0].st[at] == w->runs[1].st[at])
                continue;
            const policy *p = &e->ps.pol[k];
            xlsx_text(x, w->rec[i].id);
            xlsx_text(x, w->rec[i].name);
            xlsx_text(x, p->id);
            xlsx_text(x, lang ? p->title_en : p->title_zh);
            xlsx_result(x, w, 0, i, k, lang);
            xlsx_result(x, w, 1, i, k, lang);
            xlsx_money(x, v[1] - v[0]);
            xlsx_row_end(x);
        }
    static const char *const szh[] = {"分组", "政策编号", "政策名称", "基准受益户", "情景受益户",
                                      "基准金额", "情景金额", "变化", "增加", "减少", "不变"};
    static const char *const sen[] = {"group", "policy", "title", "baseline beneficiaries",
                                      "scenario beneficiaries", "baseline granted",
                                      "scenario granted", "change", "gain", "lose",
                                      "unchanged"};
    xlsx_sheet(x, lang ? "Summary" : "汇总", lang ? sen : szh, 11, 3, false);
    int ng = w->by ? (int)w->ngroup : 0;
    int64_t tot[2][2] = {{0, 0}, {0, 0}}; /* run × cash, in kind */
    for (int g = -1; g < ng; g++)
        for (size_t k = 0; k < w->npol; k++) {
            agg a;
            aggregate(w, g, (int)k, 0, &a);
            const policy *p = &e->ps.pol[k];
            for (int r = 0; g < 0 && p->kind != K_MATCH && r < 2; r++)
                tot[r][p->kind == K_IN_KIND] += a.granted[r];
            xlsx_text(x, g < 0 ? (lang ? "(all)" : "（全部）") : w->groups[g]);
            xlsx_text(x, p->id);
            xlsx_text(x, lang ? p->title_en : p->title_zh);
            xlsx_int(x, (long long)a.ben[0]);
            xlsx_int(x, (long long)a.ben[1]);
            xlsx_money(x, a.granted[0]);
            xlsx_money(x, a.granted[1]);
            xlsx_money(x, a.granted[1] - a.granted[0]);
            xlsx_int(x, (long long)a.gain);
            xlsx_int(x, (long long)a.lose);
            xlsx_int(x, (long long)a.same);
            xlsx_row_end(x);
        }
    xlsx_row_end(x); /* the totals and the run's figures under the table */
    for (int t = 0; t < 2; t++) {
        xlsx_text(x, NULL);
        xlsx_text(x, NULL);
        xlsx_text(x, t ? (lang ? "total in-kind value" : "实物价值合计")
                       : (lang ? "total cash" : "现金合计"));
        xlsx_text(x, NULL);
        xlsx_text(x, NULL);
        xlsx_money(x, tot[0][t]);
        xlsx_money(x, tot[1][t]);
        xlsx_money(x, tot[1][t] - tot[0][t]);
        xlsx_row_end(x);
    }
    char d[16];
    xlsx_text(x, lang ? "scenario" : "情景");
    xlsx_text(x, scen);
    xlsx_row_end(x);
    xlsx_text(x, lang ? "as of" : "测算日期");
    xlsx_text(x, calc_date_format(d, o->as_of));
    xlsx_row_end(x);
    const char *rl[3][2] = {{"记录读取", "records read"}, {"已测算", "evaluated"},
                            {"无效记录", "rejected"}};
    size_t rv[3] = {w->read, w->n, w->rejected};
    for (int k = 0; k < 3; k++) {
        xlsx_text(x, rl[k][lang]);
        xlsx_int(x, (long long)rv[k]);
        xlsx_row_end(x);
    }
    static const char *const pzh[] = {"资金池", "测算", "规模", "申请数", "申请合计", "发放",
                                      "未满足需求", "全额获配", "部分获配", "未获分配"};
    static const char *const pen[] = {"pool", "run", "size", "claims", "claimed", "granted",
                                      "unmet demand", "served in full", "partly served",
                                      "turned away"};
    xlsx_sheet(x, lang ? "Pools" : "资金池", lang ? pen : pzh, 10, 2, false);
    for (size_t p = 0; p < e->ps.npool; p++)
        for (int r = 0; r < 2; r++) {
            const run *rn = &w->runs[r];
            const decl *px = &rn->e->ps.pool[p];
            const pool_stat *st = &rn->pools[p];
            pool_outcome *po = calloc(rn->e->ps.npool + 1, sizeof *po);
            if (!po)
                abort(); /* out of memory */
            pool_outcomes(rn->e, &rn->cl, po, NULL);
            xlsx_text(x, px->name);
            xlsx_text(x, r ? scen : (lang ? "baseline" : "基准"));
            int64_t v[] = {px->size, (int64_t)st->nclaims, st->claimed, st->granted,
                           st->claimed - st->granted};
            for (int k = 0; k < 5; k++)
                if (k == 1 || px->unit != U_YUAN)
                    xlsx_int(x, (long long)v[k]);
                else
                    xlsx_money(x, v[k]);
            xlsx_int(x, (long long)po[p].served);
            xlsx_int(x, (long long)po[p].partly);
            xlsx_int(x, (long long)po[p].turned_away);
            xlsx_row_end(x);
            free(po);
        }
}

static void wi_free(wi *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->rec[i].id);
        free(w->rec[i].name);
    }
    free(w->rec);
    for (size_t g = 0; g < w->ngroup; g++)
        free(w->groups[g]);
    free(w->groups);
    for (int r = 0; r < 2; r++) {
        free(w->runs[r].st);
        free(w->runs[r].amt);
        free(w->runs[r].cl.v);
        pool_stats_free(w->runs[r].e, w->runs[r].pools);
    }
}

int calc_whatif(FILE *out, calc_engine *base, calc_engine *scen, const calc_batch_opts *o,
                const char *by, int format, int lang, calc_diags *d)
{
    wi w;
    memset(&w, 0, sizeof w);
    w.npol = base->ps.n;
    w.runs[0].e = base;
    w.runs[1].e = scen;
    if (by) {
        w.by = schema_resolve(base->ps.schema.root, by);
        w.by_path = by;
        if (!w.by || w.by->type == T_OBJECT || w.by->type == T_LIST) {
            calc_loc loc = {"--by", 0, 0};
            diag_at(d, CALC_EUSAGE, &loc, NULL, "e.g. --by district, --by industry",
                    "'%s' is not a single-valued field of the schema", by);
            return CALC_EUSAGE;
        }
    }
    xlsx *x = NULL;
    if (format == 3 && !(x = xlsx_create(o->output, o->as_of, o->err ? o->err : stderr)))
        return CALC_EIO;
    int rc = load_population(&w, o, 2, d);
    int arc = allocate(&w, &w.runs[0]);
    int brc = allocate(&w, &w.runs[1]);
    if (x) { /* no workbook of part of the population when an input could not be read */
        if (rc != CALC_EUSAGE)
            write_xlsx(x, &w, lang, o);
        if (xlsx_close(x, rc != CALC_EUSAGE, o->err ? o->err : stderr) && !rc)
            rc = CALC_EIO;
    } else if (rc != CALC_EUSAGE)
        write_report(out, &w, format, lang, o);
    wi_free(&w);
    if (arc || brc)
        return CALC_EPOLICY;
    return rc;
}
