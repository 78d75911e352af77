/* whatif.c — `calc whatif`: a population evaluated under the baseline rules and under a
 * scenario, budget pools allocated in both, and per policy and pool: beneficiaries, total
 * granted, the change, and how many enterprises gain, lose or stay unchanged — overall and by
 * the value of one field. Also `--solve`: the parameter value that spends a budget. Records are
 * read and validated by population.c and claims made and allocated by pools.c; the outreach
 * list (`calc near`) is near.c. Nothing here writes a file but the report to `out`. */
#include "batch.h"
#include "xlsxout.h"

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

typedef struct agg {
    size_t ben[2];
    int64_t granted[2];
    size_t gain, lose, same;
} agg;

static void aggregate(const wi *w, int group, size_t k, agg *a)
{
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < w->n; i++) {
        if (group >= 0 && w->rec[i].group != group)
            continue;
        size_t at = i * w->npol + k;
        int64_t x[2];
        for (int r = 0; r < 2; r++) {
            bool el = w->runs[r].st[at] == ST_ELIGIBLE;
            x[r] = el ? w->runs[r].amt[at] : 0;
            a->ben[r] += el && x[r] > 0;
            a->granted[r] += x[r];
        }
        if (x[1] > x[0])
            a->gain++;
        else if (x[1] < x[0])
            a->lose++;
        else
            a->same++;
    }
}

static void write_report(FILE *out, const wi *w, int format, int lang, const calc_batch_opts *o)
{
    const calc_engine *e = w->runs[0].e, *s = w->runs[1].e;
    sbuf b = {0};
    char m1[40], m2[40], m3[40], d[16];
    calc_date_format(d, o->as_of);
    const char *name = s->scenario_name ? s->scenario_name : "--param";
    int ng = w->by ? (int)w->ngroup : 0;
    if (format == CALC_FMT_JSON) {
        sb_puts(&b, "{\"scenario\": ");
        sb_json_str(&b, name);
        sb_printf(&b, ", \"as_of\": \"%s\", \"records\": {\"read\": %zu, \"evaluated\": %zu, "
                      "\"rejected\": %zu}, \"policies\": [",
                  d, w->read, w->n, w->rejected);
        for (size_t k = 0; k < w->npol; k++) {
            for (int g = -1; g < ng; g++) {
                agg a;
                aggregate(w, g, k, &a);
                if (g == -1) {
                    sb_puts(&b, k ? ", {\"policy\": " : "{\"policy\": ");
                    sb_json_str(&b, e->ps.pol[k].id);
                    sb_puts(&b, ", ");
                } else {
                    sb_puts(&b, g ? ", " : ", \"by\": {");
                    sb_json_str(&b, w->groups[g]);
                    sb_puts(&b, ": {");
                }
                sb_printf(&b, "\"baseline\": {\"beneficiaries\": %zu, \"granted\": \"%s\"}, "
                              "\"scenario\": {\"beneficiaries\": %zu, \"granted\": \"%s\"}, "
                              "\"change\": \"%s\", \"gain\": %zu, \"lose\": %zu, "
                              "\"unchanged\": %zu",
                          a.ben[0], calc_money_format(m1, a.granted[0]), a.ben[1],
                          calc_money_format(m2, a.granted[1]),
                          calc_money_format(m3, a.granted[1] - a.granted[0]), a.gain, a.lose,
                          a.same);
                if (g >= 0)
                    sb_puts(&b, "}");
            }
            sb_puts(&b, ng ? "}}" : "}");
        }
        sb_puts(&b, "], \"pools\": [");
        for (size_t p = 0; p < e->ps.npool; p++) {
            const pool_stat *x = &w->runs[0].pools[p], *y = &w->runs[1].pools[p];
            const decl *px = &e->ps.pool[p], *py = &s->ps.pool[p];
            sb_puts(&b, p ? ", {\"pool\": " : "{\"pool\": ");
            sb_json_str(&b, px->name);
            if (px->unit == U_YUAN)
                sb_printf(&b, ", \"baseline\": {\"size\": \"%s\", \"claimed\": \"%s\", ",
                          calc_money_format(m1, px->size), calc_money_format(m2, x->claimed)),
                    sb_printf(&b, "\"granted\": \"%s\"}, ", calc_money_format(m3, x->granted)),
                    sb_printf(&b, "\"scenario\": {\"size\": \"%s\", \"claimed\": \"%s\", ",
                              calc_money_format(m1, py->size), calc_money_format(m2, y->claimed)),
                    sb_printf(&b, "\"granted\": \"%s\"}}", calc_money_format(m3, y->granted));
            else
                sb_printf(&b, ", \"baseline\": {\"size\": %lld, \"claimed\": %lld, \"granted\": "
                              "%lld}, \"scenario\": {\"size\": %lld, \"claimed\": %lld, "
                              "\"granted\": %lld}}",
                          (long long)px->size, (long long)x->claimed, (long long)x->granted,
                          (long long)py->size, (long long)y->claimed, (long long)y->granted);
        }
        sb_puts(&b, "]}\n");
    } else if (format == 2) { /* CSV */
        sb_puts(&b, "group,policy,baseline_beneficiaries,scenario_beneficiaries,"
                    "baseline_granted,scenario_granted,change,gain,lose,unchanged,title\r\n");
        for (int g = -1; g < ng; g++)
            for (size_t k = 0; k < w->npol; k++) {
                agg a;
                aggregate(w, g, k, &a);
                const char *gv = g < 0 ? "" : w->groups[g];
                csv_text(&b, gv);
                sb_puts(&b, ",");
                csv_text(&b, e->ps.pol[k].id);
                sb_printf(&b, ",%zu,%zu,%s,%s,%s,%zu,%zu,%zu,", a.ben[0], a.ben[1],
                          calc_money_format(m1, a.granted[0]), calc_money_format(m2, a.granted[1]),
                          calc_money_format(m3, a.granted[1] - a.granted[0]), a.gain, a.lose,
                          a.same);
                csv_text(&b, lang ? e->ps.pol[k].title_en : e->ps.pol[k].title_zh);
                sb_puts(&b, "\r\n");
            }
    } else {
        sb_printf(&b, "%s %s    %s %s    %s %zu (%zu %s, %zu %s)\n\n", lang ? "scenario" : "情景",
                  name, lang ? "as of" : "测算日期", d, lang ? "records" : "记录", w->read, w->n,
                  lang ? "evaluated" : "已测算", w->rejected, lang ? "rejected" : "无效");
        for (int g = -1; g < ng; g++) {
            if (g >= 0)
                sb_printf(&b, "\n%s = %s\n", w->by_path, w->groups[g]);
            sb_printf(&b, "%-24s %8s %8s %18s %18s %18s %7s %7s %7s\n",
                      lang ? "policy" : "政策", lang ? "base" : "基准户", lang ? "scen." : "情景户",
                      lang ? "base granted" : "基准金额", lang ? "scenario granted" : "情景金额",
                      lang ? "change" : "变化", lang ? "gain" : "增加", lang ? "lose" : "减少",
                      lang ? "same" : "不变");
            for (size_t k = 0; k < w->npol; k++) {
                agg a;
                aggregate(w, g, k, &a);
                int64_t ch = a.granted[1] - a.granted[0];
                char cs[48];
                snprintf(cs, sizeof cs, "%s%s", ch > 0 ? "+" : ch < 0 ? "-" : "",
                         calc_money_format_grouped(m3, ch < 0 ? -ch : ch));
                sb_printf(&b, "%-24s %8zu %8zu %18s %18s %18s %7zu %7zu %7zu\n", e->ps.pol[k].id,
                          a.ben[0], a.ben[1], calc_money_format_grouped(m1, a.granted[0]),
                          calc_money_format_grouped(m2, a.granted[1]), cs, a.gain, a.lose,
                          a.same);
            }
        }
        sb_printf(&b, "\n%-24s %14s %14s %14s %14s\n", lang ? "pool" : "资金池",
                  lang ? "base size" : "基准规模", lang ? "base granted" : "基准发放",
                  lang ? "scen. size" : "情景规模", lang ? "scen. granted" : "情景发放");
        for (size_t p = 0; p < e->ps.npool; p++) {
            const decl *px = &e->ps.pool[p], *py = &s->ps.pool[p];
            const pool_stat *x = &w->runs[0].pools[p], *y = &w->runs[1].pools[p];
            if (px->unit == U_YUAN) {
                char m4[40];
                sb_printf(&b, "%-24s %14s %14s %14s %14s\n", px->name,
                          calc_money_format_grouped(m1, px->size),
                          calc_money_format_grouped(m2, x->granted),
                          calc_money_format_grouped(m3, py->size),
                          calc_money_format_grouped(m4, y->granted));
            } else
                sb_printf(&b, "%-24s %14lld %14lld %14lld %14lld\n", px->name,
                          (long long)px->size, (long long)x->granted, (long long)py->size,
                          (long long)y->granted);
        }
    }
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
            aggregate(w, g, k, &a);
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

/* ---- solve ---- */

/* The population, validated once and kept packed (schema.c: about 120 bytes a profile), each
 * profile unpacked again for an evaluation. */
typedef struct solve_pop {
    calc_eval_opts eval; /* statuses and amounts of the touched policies only */
    sbuf packed;
    size_t *off, *len;
    char **id;
    arena ids;
    size_t n, cap;
} solve_pop;

static void pop_add(solve_pop *pop, const calc_profile *pr)
{
    if (pop->n == pop->cap) {
        pop->cap = pop->cap ? pop->cap * 2 : 1024;
        pop->off = realloc(pop->off, pop->cap * sizeof *pop->off);
        pop->len = realloc(pop->len, pop->cap * sizeof *pop->len);
        pop->id = realloc(pop->id, pop->cap * sizeof *pop->id);
        if (!pop->off || !pop->len || !pop->id)
            abort(); /* out of memory */
    }
    size_t at = pop->packed.n;
    profile_pack(&pop->packed, pr);
    pop->off[pop->n] = at;
    pop->len[pop->n] = pop->packed.n - at;
    pop->id[pop->n] = arena_strndup(&pop->ids, pr->id, strlen(pr->id));
    pop->n++;
}

static void pop_free(solve_pop *pop)
{
    sb_free(&pop->packed);
    free(pop->off);
    free(pop->len);
    free(pop->id);
    arena_free(&pop->ids);
}

/* The cost of the population at the engine's current parameters: what the policy grants after
 * pools, or the claims on one pool. */
static int64_t cost_at(calc_engine *e, const solve_pop *pop, int pi, int pool, calc_date as_of,
                       size_t *beneficiaries)
{
    claims cl = {0};
    int applied = applied_slot(&e->ps.schema);
    int64_t direct = 0;
    *beneficiaries = 0;
    arena pa = {0}; /* the unpacked profile's memory, reused */
    for (size_t i = 0; i < pop->n; i++) {
        calc_profile prof;
        memset(&prof, 0, sizeof prof);
        prof.a = pa;
        prof.file = "--solve";
        if (profile_unpack(&prof, &e->ps.schema, pop->packed.p + pop->off[i], pop->len[i])) {
            fprintf(stderr, "calc: internal error: a kept profile does not unpack\n");
            abort(); /* packed by this process a moment ago: cannot happen */
        }
        calc_result *r = calc_eval_with(e, &prof, as_of, &pop->eval);
        /* the claims on the pool, or the policy's own claims; its grant when it has no pool */
        claims_add_result(&cl, e, r, i, pop->id[i], profile_applied(&prof, applied), pool,
                          pool >= 0 ? -1 : pi);
        if (pool < 0 && e->ps.pol[pi].pool < 0 && r->r[pi].status == ST_ELIGIBLE) {
            direct += r->r[pi].amount;
            (*beneficiaries)++;
        }
        calc_result_recycle(e, r);
        arena_reset(&prof.a);
        pa = prof.a;
    }
    arena_free(&pa);
    int64_t cost = direct;
    if (pool >= 0) { /* the claims on the pool, before allocation */
        for (size_t i = 0; i < cl.n; i++)
            cost += e->ps.pool[pool].unit == U_YUAN ? cl.v[i].amount : cl.v[i].quantity;
        *beneficiaries = cl.n;
    } else if (cl.n) { /* the grants after the pool */
        pool_stat *st = calloc(e->ps.npool + 1, sizeof *st);
        pools_allocate(e, &cl, st);
        for (size_t i = 0; i < cl.n; i++)
            if (cl.v[i].policy == pi && cl.v[i].g_amount > 0) {
                cost += cl.v[i].g_amount;
                (*beneficiaries)++;
            }
        pool_stats_free(e, st);
    }
    free(cl.v);
    return cost;
}

int calc_solve(FILE *out, calc_engine *e, const calc_batch_opts *o, const char *target,
               const char *budget_text, const char *pool_name, int json, calc_diags *d)
{
    calc_loc loc = {"--solve", 0, 0};
    const char *dot = strchr(target, '.');
    char id[200];
    snprintf(id, sizeof id, "%.*s", dot ? (int)(dot - target) : 0, target);
    int pi = dot ? policy_index(&e->ps, id) : -1;
    policy *p = pi >= 0 ? &e->ps.pol[pi] : NULL;
    param *q = NULL;
    for (size_t i = 0; p && i < p->nparam; i++)
        if (strcmp(p->params[i].name, dot + 1) == 0 && !p->params[i].n)
            q = &p->params[i];
    if (!q) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "e.g. --solve sc25-first-store.cap",
                "'%s' names no plain parameter of a policy", target);
        return CALC_EUSAGE;
    }
    int pool = -1;
    if (pool_name) {
        for (size_t i = 0; i < e->ps.npool; i++)
            if (strcmp(e->ps.pool[i].name, pool_name) == 0)
                pool = (int)i;
        if (pool < 0) {
            diag_at(d, CALC_EUSAGE, &loc, NULL, "see policies/set.yaml", "unknown pool '%s'",
                    pool_name);
            return CALC_EUSAGE;
        }
    }
    int64_t budget;
    bool units = pool >= 0 && e->ps.pool[pool].unit != U_YUAN;
    if (units ? (budget = strtoll(budget_text, NULL, 10)) < 0
              : calc_money_parse(&budget, budget_text, strlen(budget_text), NULL) != 0) {
        calc_loc bl = {"--budget", 0, 0};
        diag_at(d, CALC_EUSAGE, &bl, NULL, units ? "a number of units or m²" : "yuan, e.g. 126000000",
                "bad budget '%s'", budget_text);
        return CALC_EUSAGE;
    }
    /* the profiles, once; only the policies the parameter touches are evaluated again */
    bool *only = calloc(e->ps.n, sizeof *only);
    only[pi] = true;
    for (size_t i = 0; i < e->ps.n; i++) {
        const policy *x = &e->ps.pol[i];
        if ((p->group >= 0 && x->group == p->group) || (p->cap >= 0 && x->cap == p->cap) ||
            (pool >= 0 && x->pool == pool) || (p->pool >= 0 && x->pool == p->pool))
            only[i] = true;
    }
    solve_pop pop = {0};
    pop.eval.only = only;
    pop.eval.claims_only = true; /* statuses and amounts are all a cost needs */
    pop.eval.failures_only = true;
    int rc = 0;
    calc_engine *base = e;
    for (int f = 0; f < o->ninputs && !rc; f++) {
        calc_input *in = population_open(o, f, &base->ps.schema, d);
        if (!in) {
            rc = CALC_EUSAGE;
            break;
        }
        calc_profile *pr;
        size_t rejected = 0;
        while (population_next(in, base, o, &pr, &rejected)) {
            pop_add(&pop, pr);
            calc_profile_free(pr);
        }
        input_close(in);
    }
    if (rc) { /* an input that cannot be read: no answer over part of the population */
        free(only);
        pop_free(&pop);
        return rc;
    }
    int64_t original = q->value, lo = 0, hi;
    switch (q->unit) {
    case U_PERCENT: hi = 10000; break; /* 100.00% */
    case U_YUAN: hi = original * 100 > budget ? original * 100 : budget; break;
    default: hi = original * 100 + 1000;
    }
    size_t ben;
#define AT(v) (q->value = (v), engine_rebuild_params(e, p), cost_at(e, &pop, pi, pool, o->as_of, &ben))
    int64_t clo = AT(lo), chi = AT(hi);
    bool rising = chi >= clo;
    /* within(v) holds on one side of the answer: [lo, x] when the cost rises with the value
     * (the largest v within the budget), [x, hi] when it falls (the smallest) */
    int64_t in_end = rising ? lo : hi, out_end = rising ? hi : lo;
    int64_t best = -1;
    if ((rising ? clo : chi) > budget)
        best = -1;
    else if ((rising ? chi : clo) <= budget)
        best = out_end;
    else {
        while ((in_end > out_end ? in_end - out_end : out_end - in_end) > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            if (AT(mid) <= budget)
                in_end = mid;
            else
                out_end = mid;
            lo = in_end < out_end ? in_end : out_end;
            hi = in_end < out_end ? out_end : in_end;
        }
        best = in_end;
    }
    char v[64], m1[40], m2[40], m3[40];
    if (best >= 0) {
        int64_t cost = AT(best);
        param_value(v, sizeof v, q->unit, best);
        int64_t next = rising ? best + 1 : best - 1;
        size_t ben_at = ben;
        int64_t cnext = next >= 0 ? AT(next) : -1;
        if (json)
            fprintf(out, "{\"param\": \"%s\", \"value\": \"%s\", \"cost\": \"%s\", "
                         "\"beneficiaries\": %zu, \"budget\": \"%s\", \"records\": %zu, "
                         "\"next_step_cost\": \"%s\", \"direction\": \"%s\"}\n",
                    target, v, units ? "" : calc_money_format(m1, cost), ben_at,
                    units ? budget_text : calc_money_format(m2, budget), pop.n,
                    cnext >= 0 ? calc_money_format(m3, cnext) : "",
                    rising ? "largest value within budget" : "smallest value within budget");
        else {
            fprintf(out, "%s = %s (%s)\n", target, v,
                    rising ? "the largest value within the budget"
                           : "the smallest value within the budget");
            if (units)
                fprintf(out, "  cost %lld of budget %lld, %zu beneficiaries, %zu records\n",
                        (long long)cost, (long long)budget, ben_at, pop.n);
            else
                fprintf(out, "  cost ¥%s of budget ¥%s, %zu beneficiaries, %zu records\n",
                        calc_money_format_grouped(m1, cost), calc_money_format_grouped(m2, budget),
                        ben_at, pop.n);
            if (cnext >= 0) {
                char v2[64];
                param_value(v2, sizeof v2, q->unit, next);
                fprintf(out, "  at %s the cost would be %s%s\n", v2, units ? "" : "¥",
                        units ? "" : calc_money_format_grouped(m1, cnext));
            }
        }
    } else {
        fprintf(out, "no value of %s keeps the cost within the budget\n", target);
        rc = rc ? rc : CALC_ECHECK;
    }
#undef AT
    q->value = original;
    engine_rebuild_params(e, p);
    free(only);
    pop_free(&pop);
    return rc;
}
