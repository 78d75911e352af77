/* whatif.c — `calc whatif`: a population evaluated under the baseline rules and under a
 * scenario, budget pools allocated in both, and per policy and pool: beneficiaries, total
 * granted, the change, and how many enterprises gain, lose or stay unchanged — overall and by
 * the value of one field. Also `--solve`: the parameter value that spends a budget. Records are
 * read and validated by population.c and claims made and allocated by pools.c; the outreach
 * list (`calc near`) is near.c. Nothing here writes a file but the report to `out`. */
#include "whatif.h"
#include "popmap.h"
#include "xlsxout.h"

#include <stdlib.h>
#include <string.h>


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

/* What a worker leaves in a chunk for the calling thread: per valid record its id, name and
 * --by value (in the chunk's arena), each run's statuses and amounts, and each run's claims
 * (numbered within the chunk until the calling thread numbers them over the run). */
typedef struct wchunk {
    char *id[PM_CHUNK], *name[PM_CHUNK], *group[PM_CHUNK];
    uint8_t *st[2];
    int64_t *amt[2];
    claims cl[2];
} wchunk;

typedef struct wload {
    wi *w;
    const calc_batch_opts *o;
    bool *touched; /* the policies the scenario changes, with their group and cap partners */
    bool any_touched;
    calc_engine **eng[2]; /* each run's engines, one a worker */
    int applied, named;
    int worst;
    calc_diags *d;
    size_t unshown; /* records not valid whose problems were not shown */
} wload;

static void wl_begin(void *ud, int worker, pm_chunk *c)
{
    wload *l = ud;
    (void)worker;
    wchunk *wc = c->user;
    if (!wc) {
        wc = c->user = calloc(1, sizeof *wc);
        for (int r = 0; wc && r < 2; r++) {
            wc->st[r] = malloc(PM_CHUNK * l->w->npol + 1);
            wc->amt[r] = malloc((PM_CHUNK * l->w->npol + 1) * sizeof *wc->amt[r]);
            if (!wc->st[r] || !wc->amt[r])
                abort(); /* out of memory */
        }
        if (!wc)
            abort();
    }
    wc->cl[0].n = wc->cl[1].n = 0;
}

static void wl_free(void *ud, void *user)
{
    (void)ud;
    wchunk *wc = user;
    for (int r = 0; r < 2; r++) {
        free(wc->st[r]);
        free(wc->amt[r]);
        free(wc->cl[r].v);
    }
    free(wc);
}

/* The policies whose results the scenario can change: those whose parameters, in-force window
 * or switch differ between the engines, and every policy linked to one through an exclusive
 * group or a cap (a group's choice and a cap's share depend on every member). The others give
 * the baseline's results under the scenario too, so they are evaluated once. */
static bool *scenario_touched(const calc_engine *b, const calc_engine *s, bool *any)
{
    const polset *ps = &b->ps;
    bool *t = calloc(ps->n + 1, sizeof *t);
    if (!t)
        abort(); /* out of memory */
    *any = false;
    for (size_t i = 0; i < ps->n; i++) {
        const policy *p = &ps->pol[i], *q = &s->ps.pol[i];
        bool d = p->off != q->off || p->from != q->from || p->to != q->to ||
                 p->nparam != q->nparam || strcmp(p->id, q->id) != 0;
        for (size_t k = 0; !d && k < p->nparam; k++) {
            d = p->params[k].value != q->params[k].value || p->params[k].n != q->params[k].n;
            for (size_t j = 0; !d && j < p->params[k].n; j++)
                d = p->params[k].e[j].value != q->params[k].e[j].value;
        }
        t[i] = d;
    }
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < ps->n; i++)
            for (size_t j = 0; t[i] && j < ps->n; j++)
                if (!t[j] && ((ps->pol[i].groups & ps->pol[j].groups) ||
                              (ps->pol[i].caps & ps->pol[j].caps))) {
                    t[j] = true;
                    grew = true;
                }
    }
    for (size_t i = 0; i < ps->n; i++)
        *any |= t[i];
    return t;
}

/* The claims of a record under the scenario: each pooled policy's eligible result, the
 * scenario's where it is touched, the baseline's elsewhere, in policy order (as
 * claims_add_result makes them from one result). */
static void scenario_claims(claims *c, const calc_engine *e, const calc_result *rb,
                            const calc_result *rs, const bool *touched, size_t record,
                            const pval *applied)
{
    bool dated = applied && applied->set;
    for (size_t k = 0; k < rb->n; k++) {
        const pres *x = touched[k] ? &rs->r[k] : &rb->r[k];
        const policy *pol = &e->ps.pol[k];
        if (pol->pool < 0 || x->status != ST_ELIGIBLE)
            continue;
        claim cl = {0};
        cl.record = record;
        cl.has_applied = dated;
        cl.applied = dated ? (calc_date)applied->u.i : 0;
        cl.pool = pol->pool;
        cl.policy = (int)k;
        cl.amount = x->amount;
        cl.quantity = x->quantity;
        claims_push(c, &cl);
    }
}

/* A worker: record i evaluated under both rule sets (statuses and amounts are all a
 * comparison uses; under the scenario only the policies it touches). */
static void wl_record(void *ud, int worker, pm_chunk *c, size_t i, calc_profile *p)
{
    wload *l = ud;
    wi *w = l->w;
    wchunk *wc = c->user;
    static const calc_eval_opts cost = {.claims_only = true, .failures_only = true};
    wc->id[i] = arena_strndup(&c->a, p->id, strlen(p->id));
    const char *nm = profile_name(p, l->named);
    wc->name[i] = nm ? arena_strndup(&c->a, nm, strlen(nm)) : NULL;
    wc->group[i] = NULL;
    if (w->by) {
        const pval *bv = field(p, w->by);
        sbuf t = {0};
        if (bv && bv->set)
            pval_render(&t, bv);
        wc->group[i] = t.p ? arena_strndup(&c->a, t.p, t.n) : NULL;
        sb_free(&t);
    }
    const pval *ap = profile_applied(p, l->applied);
    calc_engine *eb = l->eng[0][worker], *es = l->eng[1][worker];
    calc_result *rb = calc_eval_with(eb, p, l->o->as_of, &cost), *rs = NULL;
    if (l->any_touched) {
        calc_eval_opts only = cost;
        only.only = l->touched;
        rs = calc_eval_with(es, p, l->o->as_of, &only);
    }
    size_t npol = w->npol;
    for (size_t k = 0; k < npol; k++) {
        const pres *x = &rb->r[k], *y = rs && l->touched[k] ? &rs->r[k] : x;
        wc->st[0][i * npol + k] = (uint8_t)x->status;
        wc->amt[0][i * npol + k] = x->kind == K_MATCH ? 0 : x->amount;
        wc->st[1][i * npol + k] = (uint8_t)y->status;
        wc->amt[1][i * npol + k] = y->kind == K_MATCH ? 0 : y->amount;
    }
    claims_add_result(&wc->cl[0], eb, rb, i, NULL, ap, -1, -1);
    if (rs)
        scenario_claims(&wc->cl[1], es, rb, rs, l->touched, i, ap);
    else
        claims_add_result(&wc->cl[1], es, rb, i, NULL, ap, -1, -1);
    calc_result_recycle(eb, rb);
    if (rs)
        calc_result_recycle(es, rs);
}

/* The calling thread, in input order: the chunk's records kept, its problems reported. */
static void wl_done(void *ud, pm_chunk *c)
{
    wload *l = ud;
    wi *w = l->w;
    wchunk *wc = c->user;
    size_t ci[2] = {0, 0};
    for (size_t i = 0; i < c->n; i++) {
        w->read++;
        if (!c->valid[i]) {
            w->rejected++;
            l->worst = l->worst == CALC_EUSAGE ? l->worst : CALC_ESCHEMA;
            popmap_reject(l->d, &c->diag[i], &l->unshown);
            continue;
        }
        grow(w);
        wrec *wr = &w->rec[w->n];
        wr->id = arena_strndup(&w->text, wc->id[i], strlen(wc->id[i]));
        wr->name = wc->name[i] ? arena_strndup(&w->text, wc->name[i], strlen(wc->name[i])) : NULL;
        wr->group = w->by ? group_of(w, wc->group[i] ? wc->group[i] : "(absent)") : 0;
        for (int r = 0; r < 2; r++) {
            run *rn = &w->runs[r];
            memcpy(rn->st + w->n * w->npol, wc->st[r] + i * w->npol, w->npol);
            memcpy(rn->amt + w->n * w->npol, wc->amt[r] + i * w->npol,
                   w->npol * sizeof *rn->amt);
            for (; ci[r] < wc->cl[r].n && wc->cl[r].v[ci[r]].record == i; ci[r]++) {
                claim x = wc->cl[r].v[ci[r]];
                x.record = w->n;
                x.id = wr->id;
                claims_push(&rn->cl, &x);
            }
        }
        w->n++;
    }
}

/* Reads and evaluates every record under both rule sets, with o->jobs workers. */
static int load_population(wi *w, const calc_batch_opts *o, calc_diags *d)
{
    int jobs = o->jobs > 0 ? o->jobs : 1;
    wload l = {w, o, NULL, false, {NULL, NULL}, 0, 0, 0, d, 0};
    l.applied = applied_slot(&w->runs[0].e->ps.schema);
    l.named = name_slot(&w->runs[0].e->ps.schema);
    l.touched = scenario_touched(w->runs[0].e, w->runs[1].e, &l.any_touched);
    int rc = 0;
    for (int r = 0; r < 2; r++) {
        l.eng[r] = calloc((size_t)jobs, sizeof *l.eng[r]);
        if (!l.eng[r])
            abort(); /* out of memory */
        if (!rc)
            rc = popmap_engines(l.eng[r], jobs, w->runs[r].e, d);
    }
    if (!rc) {
        popmap m = {0};
        m.o = o;
        m.eng = l.eng[0];
        m.jobs = jobs;
        m.how = RP_QUICK; /* the short way, as batch's; JSON positions stay bytes */
        m.begin = wl_begin;
        m.record = wl_record;
        m.done = wl_done;
        m.free_user = wl_free;
        m.ud = &l;
        popmap_run(&m, d);
        popmap_unshown(d, l.unshown, w->rejected);
        rc = l.worst;
        if (m.open_failed)
            rc = CALC_EUSAGE;
        else if (m.read_failed)
            rc = CALC_ESCHEMA;
    }
    for (int r = 0; r < 2; r++) {
        for (int k = 1; k < jobs; k++)
            calc_engine_free(l.eng[r][k]);
        free(l.eng[r]);
    }
    free(l.touched);
    return rc;
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

static void add_to(int64_t *sum, int64_t x, bool *overflow)
{
    if (__builtin_add_overflow(*sum, x, sum)) {
        *sum = INT64_MAX;
        *overflow = true;
    }
}

/* One record's value x (per run) of a policy or a kind into a's figures. */
static void agg_add(agg *a, const int64_t x[2], bool granted, bool overflow)
{
    a->overflow |= overflow;
    for (int r = 0; r < 2; r++) {
        a->ben[r] += x[r] > 0;
        if (granted)
            add_to(&a->granted[r], x[r], &a->overflow);
    }
    if (x[1] > x[0])
        a->gain++;
    else if (x[1] < x[0])
        a->lose++;
    else
        a->same++;
}

/* Every figure the reports ask for, in one pass over the records (in record order, so that
 * each sum is made in the order a pass of its own would make it): per --by group (slot 0: all
 * records, g + 1: group g) the npol policies, then the three kinds. */
static void aggregate_all(wi *w)
{
    const polset *ps = &w->runs[0].e->ps;
    size_t slots = w->npol + 3, ng = w->by ? w->ngroup : 0;
    w->aggs = calloc((ng + 1) * slots + 1, sizeof *w->aggs);
    if (!w->aggs)
        abort(); /* out of memory */
    for (size_t i = 0; i < w->n; i++) {
        agg *all = w->aggs, *grp = w->by ? w->aggs + (size_t)(w->rec[i].group + 1) * slots : NULL;
        int64_t kx[3][2] = {{0, 0}, {0, 0}, {0, 0}};
        bool kov[3] = {false, false, false};
        for (size_t k = 0; k < w->npol; k++) {
            int kind = ps->pol[k].kind;
            int64_t x[2] = {0, 0};
            for (int r = 0; r < 2; r++) {
                size_t at = i * w->npol + k;
                if (w->runs[r].st[at] != ST_ELIGIBLE)
                    continue;
                if (kind == K_MATCH) { /* matched: a beneficiary, with no amount */
                    x[r] = 1;
                    kx[kind][r] = 1;
                } else {
                    x[r] = w->runs[r].amt[at];
                    add_to(&kx[kind][r], x[r], &kov[kind]);
                }
            }
            agg_add(&all[k], x, kind != K_MATCH, false);
            if (grp)
                agg_add(&grp[k], x, kind != K_MATCH, false);
        }
        for (int kind = 0; kind < 3; kind++) {
            agg_add(&all[w->npol + (size_t)kind], kx[kind], true, kov[kind]);
            if (grp)
                agg_add(&grp[w->npol + (size_t)kind], kx[kind], true, kov[kind]);
        }
    }
}

/* Sums per policy and kind (whatif.h). */
void whatif_aggregate(const wi *w, int group, int k, int kind, agg *a)
{
    *a = w->aggs[(size_t)(group + 1) * (w->npol + 3) + (k < 0 ? w->npol + (size_t)kind : (size_t)k)];
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
            whatif_aggregate(w, g, (int)k, 0, &a);
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
    arena_free(&w->text);
    free(w->rec);
    for (size_t g = 0; g < w->ngroup; g++)
        free(w->groups[g]);
    free(w->groups);
    free(w->aggs);
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
    int rc = load_population(&w, o, d);
    int arc = allocate(&w, &w.runs[0]);
    int brc = allocate(&w, &w.runs[1]);
    aggregate_all(&w);
    if (x) { /* no workbook of part of the population when an input could not be read */
        if (rc != CALC_EUSAGE)
            write_xlsx(x, &w, lang, o);
        if (xlsx_close(x, rc != CALC_EUSAGE, o->err ? o->err : stderr) && !rc)
            rc = CALC_EIO;
    } else if (rc != CALC_EUSAGE)
        whatif_report(out, &w, format, lang, o);
    wi_free(&w);
    if (arc || brc)
        return CALC_EPOLICY;
    return rc;
}
