/* solve.c — `calc whatif --solve POLICY.PARAM --budget AMOUNT`: the value of one parameter
 * that spends a budget over a population, found by bisection over the packed population
 * (population.c reads it, pools.c claims and allocates). It says which constraint binds at the
 * answer — the budget, or a pool's size (--against pool[:NAME]) — and, when the budget cannot
 * bind because the policy's pool binds first, says so instead of answering the end of the range
 * searched. Only the policies the parameter touches are evaluated again; the parameter is put
 * back before it returns. Nothing is written but the answer to `out`. */
#include "popmap.h"

#include <stdlib.h>
#include <string.h>

/* The population, validated once and kept packed (schema.c: about 120 bytes a profile), each
 * profile unpacked again for an evaluation. */
typedef struct solve_pop {
    calc_eval_opts eval; /* statuses and amounts of the touched policies only */
    sbuf packed;
    size_t *off, *len;
    char **id;
    arena ids;
    size_t n, cap;
    calc_diags *d;             /* the problems of the records that are not valid */
    size_t rejected, unshown;  /* such records, and those whose problems were not shown */
} solve_pop;

/* A profile's packing and its id. */
static void pop_add_packed(solve_pop *pop, const char *packed, size_t len, const char *id)
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
    sb_putn(&pop->packed, packed, len);
    pop->off[pop->n] = at;
    pop->len[pop->n] = len;
    pop->id[pop->n] = arena_strndup(&pop->ids, id, strlen(id));
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

/* What the search asks and what it is looking at. */
typedef struct solver {
    calc_engine *e;
    calc_engine **eng; /* e and its twins: one a worker */
    int jobs;
    size_t qi;         /* the parameter's index in the policy */
    solve_pop pop;
    calc_date as_of;
    int pi;          /* the policy */
    policy *p;
    param *q;        /* its parameter */
    int cost_pool;   /* --pool: the cost is the claims on it, or -1 (the policy's grants) */
    int watch;       /* the pool whose claims are followed: --against's, else the policy's */
    bool against;    /* the claims on `watch` must stay within its size */
    bool has_budget;
    int64_t budget;
} solver;

/* The population at the parameter's current value. */
typedef struct point {
    int64_t cost;    /* the policy's grants after the pools, or the claims on --pool */
    size_t ben;      /* grants above zero, or claims on --pool */
    int64_t claimed; /* the claims on the watched pool, in its unit */
} point;

static int64_t clamp128(__int128 v) { return v > INT64_MAX ? INT64_MAX : (int64_t)v; }

/* One worker's share of an evaluation of the population: records [lo, hi) with engine e. */
typedef struct share {
    solver *sv;
    calc_engine *e;
    size_t lo, hi;
    claims cl;
    __int128 direct;
    size_t ben;
} share;

static void *share_eval(void *arg)
{
    share *sh = arg;
    solver *sv = sh->sv;
    calc_engine *e = sh->e;
    const solve_pop *pop = &sv->pop;
    int applied = applied_slot(&e->ps.schema);
    arena pa = {0}; /* the unpacked profile's memory, reused */
    for (size_t i = sh->lo; i < sh->hi; i++) {
        calc_profile prof;
        memset(&prof, 0, sizeof prof);
        prof.a = pa;
        prof.file = "--solve";
        if (profile_unpack(&prof, &e->ps.schema, pop->packed.p + pop->off[i], pop->len[i])) {
            fprintf(stderr, "calc: internal error: a kept profile does not unpack\n");
            abort(); /* packed by this process a moment ago: cannot happen */
        }
        calc_result *r = calc_eval_with(e, &prof, sv->as_of, &pop->eval);
        /* every claim of the evaluated policies: the pools are shared by their members */
        claims_add_result(&sh->cl, e, r, i, pop->id[i], profile_applied(&prof, applied), -1, -1);
        if (sv->cost_pool < 0 && sv->p->pool < 0 && r->r[sv->pi].status == ST_ELIGIBLE) {
            sh->direct += r->r[sv->pi].amount;
            sh->ben++;
        }
        calc_result_recycle(e, r);
        arena_reset(&prof.a);
        pa = prof.a;
    }
    arena_free(&pa);
    return NULL;
}

/* The population evaluated by the workers, each a contiguous share of it in record order:
 * their claims, one after the other, are in record order too. */
static point cost_at(solver *sv)
{
    calc_engine *e = sv->e;
    const solve_pop *pop = &sv->pop;
    point pt = {0, 0, 0};
    int jobs = sv->jobs;
    share *sh = calloc((size_t)jobs, sizeof *sh);
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    if (!sh || !th)
        abort(); /* out of memory */
    for (int k = 0; k < jobs; k++) {
        sh[k].sv = sv;
        sh[k].e = sv->eng[k];
        sh[k].lo = pop->n * (size_t)k / (size_t)jobs;
        sh[k].hi = pop->n * (size_t)(k + 1) / (size_t)jobs;
        if (k)
            pthread_create(&th[k], NULL, share_eval, &sh[k]);
    }
    share_eval(&sh[0]);
    claims cl = {0};
    __int128 direct = 0;
    for (int k = 0; k < jobs; k++) {
        if (k)
            pthread_join(th[k], NULL);
        for (size_t i = 0; i < sh[k].cl.n; i++)
            claims_push(&cl, &sh[k].cl.v[i]);
        free(sh[k].cl.v);
        direct += sh[k].direct;
        pt.ben += sh[k].ben;
    }
    free(sh);
    free(th);
    __int128 cost = direct, wclaimed = 0;
    for (size_t i = 0; i < cl.n; i++) {
        const claim *c = &cl.v[i];
        if (sv->watch >= 0 && c->pool == sv->watch)
            wclaimed += e->ps.pool[sv->watch].unit == U_YUAN ? c->amount : c->quantity;
        if (sv->cost_pool >= 0 && c->pool == sv->cost_pool) {
            cost += e->ps.pool[sv->cost_pool].unit == U_YUAN ? c->amount : c->quantity;
            pt.ben++;
        }
    }
    if (sv->cost_pool < 0 && sv->p->pool >= 0 && cl.n) { /* the grants after the pools */
        pool_stat *st = calloc(e->ps.npool + 1, sizeof *st);
        pools_allocate(e, &cl, st);
        for (size_t i = 0; i < cl.n; i++)
            if (cl.v[i].policy == sv->pi && cl.v[i].g_amount > 0) {
                cost += cl.v[i].g_amount;
                pt.ben++;
            }
        pool_stats_free(e, st);
    }
    free(cl.v);
    pt.cost = clamp128(cost);
    pt.claimed = clamp128(wclaimed);
    return pt;
}

/* The parameter set to v in every worker's engine. */
static void set_value(solver *sv, int64_t v)
{
    for (int k = 0; k < sv->jobs; k++) {
        policy *p = &sv->eng[k]->ps.pol[sv->pi];
        p->params[sv->qi].value = v;
        engine_rebuild_params(sv->eng[k], p);
    }
}

static point at(solver *sv, int64_t v)
{
    set_value(sv, v);
    return cost_at(sv);
}

static bool within_budget(const solver *sv, const point *pt)
{
    return !sv->has_budget || pt->cost <= sv->budget;
}

static bool within_pool(const solver *sv, const point *pt)
{
    return !sv->against || pt->claimed <= sv->e->ps.pool[sv->watch].size;
}

/* ---- the answer in words ---- */

enum { SOLVED, NO_VALUE, CANNOT_BIND, DOES_NOT_BIND };
static const char *const result_code[] = {"solved", "no_value", "budget_cannot_bind",
                                          "budget_does_not_bind"};

typedef struct answer {
    int result;
    bool rising;
    int64_t value, next; /* next: one step further, or -1 */
    point pt, npt;       /* at the value and one step further */
    bool budget_binds, pool_binds; /* one step further */
    bool range_end;      /* the value is the end of the range (nothing binds) */
} answer;

/* "¥1,234.00", "12 套", "300 m²": an amount of the cost's or a pool's unit. */
static void amount(char *buf, size_t cap, int unit, int64_t v, int lang)
{
    char m[40];
    if (unit == U_YUAN)
        snprintf(buf, cap, "¥%s", calc_money_format_grouped(m, v));
    else
        snprintf(buf, cap, "%lld %s", (long long)v,
                 unit == U_M2 ? "m²" : lang ? "units" : "套");
}

static int cost_unit(const solver *sv)
{
    return sv->cost_pool >= 0 ? sv->e->ps.pool[sv->cost_pool].unit : U_YUAN;
}

/* "pool sc25-commerce (TITLE, ¥126,000,000.00, pro rata)" / "资金池“TITLE”（sc25-commerce，…）";
 * short: without the size and the mode. */
static void pool_words(sbuf *b, const decl *x, int lang, bool full)
{
    char size[64];
    amount(size, sizeof size, x->unit, x->size, lang);
    if (lang)
        sb_printf(b, full ? "pool %s (%s, %s, %s)" : "pool %s (%s)", x->name, x->en, size,
                  x->mode ? "first come" : "pro rata");
    else
        sb_printf(b, full ? "资金池“%s”（%s，%s，%s）" : "资金池“%s”（%s）", x->zh, x->name, size,
                  x->mode ? "先到先得" : "按比例分配");
}

/* The answer as lines of text in one language (the table, and the JSON's message). */
static void answer_text(sbuf *b, const solver *sv, const answer *an, const char *target,
                        size_t records, int lang)
{
    const param *q = sv->q;
    const decl *w = sv->watch >= 0 ? &sv->e->ps.pool[sv->watch] : NULL;
    int cu = cost_unit(sv);
    char v[64], c[64], bud[64], cl[64], sz[64], nv[64], nc[64], ncl[64];
    param_value(v, sizeof v, q->unit, an->value);
    amount(c, sizeof c, cu, an->pt.cost, lang);
    amount(bud, sizeof bud, cu, sv->budget, lang);
    if (w) {
        amount(cl, sizeof cl, w->unit, an->pt.claimed, lang);
        amount(sz, sizeof sz, w->unit, w->size, lang);
    }
    const char *alloc = w && w->mode ? (lang ? "first-come allocation" : "先到先得分配")
                                     : (lang ? "pro-rata allocation" : "按比例分配");
    switch (an->result) {
    case NO_VALUE:
        if (!within_budget(sv, &an->pt))
            sb_printf(b, lang ? "no value of %s keeps the cost within the budget: at %s the cost "
                                "is %s, more than the budget of %s\n"
                              : "%s 没有任何取值能使成本不超过预算：取 %s 时成本 %s，超过预算 %s\n",
                      target, v, c, bud);
        else
            sb_printf(b, lang ? "no value of %s keeps the claims on the pool within its size: at "
                                "%s the claims are %s, more than the pool's %s\n"
                              : "%s 没有任何取值能使资金池申请不超过其规模：取 %s 时申请 %s，超过资金池"
                                "规模 %s\n",
                      target, v, cl, sz);
        return;
    case CANNOT_BIND:
        sb_puts(b, lang ? "the budget cannot bind: " : "预算不构成约束：");
        pool_words(b, w, lang, true);
        sb_puts(b, lang ? " binds first\n" : "先于预算起约束作用\n");
        if (lang)
            sb_printf(b, "  at %s = %s (the end of the range searched) the claims are %s, more "
                         "than the pool's %s; after %s the cost is %s, within the budget of %s: "
                         "a higher value only shares the pool differently\n",
                      target, v, cl, sz, alloc, c, bud);
        else
            sb_printf(b, "  %s 取 %s（搜索范围的端点）时申请 %s，超过资金池规模 %s；%s后成本 %s，"
                         "仍在预算 %s 之内：再提高只会改变资金池的分配，不会增加成本\n",
                      target, v, cl, sz, alloc, c, bud);
        sb_printf(b, lang ? "  to solve against the pool: --against pool:%s (the largest value "
                            "the pool pays in full)\n"
                          : "  按资金池求解：--against pool:%s（资金池足额发放的最大取值）\n",
                  w->name);
        return;
    case DOES_NOT_BIND:
        if (sv->against && w) { /* the pool's size is the limit, with the budget or alone */
            if (sv->has_budget)
                sb_puts(b, lang ? "neither the budget nor " : "预算和");
            pool_words(b, w, lang, false);
            sb_puts(b, lang ? (sv->has_budget ? " binds" : " does not bind")
                            : (sv->has_budget ? "都不构成约束" : "不构成约束"));
            if (lang)
                sb_printf(b, ": at %s = %s (the end of the range searched) the claims on it are "
                             "%s, within its size of %s", target, v, cl, sz);
            else
                sb_printf(b, "：%s 取 %s（搜索范围的端点）时申请 %s，仍在资金池规模 %s 之内",
                          target, v, cl, sz);
            if (sv->has_budget)
                sb_printf(b, lang ? ", and the cost is %s, within the budget of %s"
                                  : "，成本 %s 也在预算 %s 之内", c, bud);
            sb_puts(b, "\n");
        } else if (lang)
            sb_printf(b, "the budget does not bind: at %s = %s (the end of the range searched) "
                         "the cost is %s, within the budget of %s\n",
                      target, v, c, bud);
        else
            sb_printf(b, "预算不构成约束：%s 取 %s（搜索范围的端点）时成本 %s，仍在预算 %s 之内\n",
                      target, v, c, bud);
        return;
    }
    /* solved */
    const char *what;
    if (an->range_end)
        what = lang ? "the end of the range: no constraint binds" : "取值范围的端点，没有约束起作用";
    else if (an->pool_binds && !an->budget_binds)
        what = lang ? (an->rising ? "the largest value the pool pays in full"
                                  : "the smallest value the pool pays in full")
                    : (an->rising ? "资金池足额发放的最大取值" : "资金池足额发放的最小取值");
    else
        what = lang ? (an->rising ? "the largest value within the budget"
                                  : "the smallest value within the budget")
                    : (an->rising ? "预算内的最大取值" : "预算内的最小取值");
    sb_printf(b, lang ? "%s = %s: %s" : "%s = %s：%s", target, v, what);
    if (!an->range_end) {
        sb_puts(b, lang ? " (binding: " : "（约束：");
        if (an->budget_binds)
            sb_puts(b, lang ? "the budget" : "预算");
        if (an->budget_binds && an->pool_binds)
            sb_puts(b, lang ? " and " : "和");
        if (an->pool_binds)
            pool_words(b, w, lang, false);
        sb_puts(b, lang ? ")" : "）");
    }
    sb_puts(b, "\n");
    if (sv->has_budget)
        sb_printf(b, lang ? "  cost %s of budget %s" : "  成本 %s（预算 %s）", c, bud);
    else
        sb_printf(b, lang ? "  cost %s" : "  成本 %s", c);
    if (w)
        sb_printf(b, lang ? "; claims on the pool %s of its %s" : "；资金池申请 %s，规模 %s", cl, sz);
    if (lang)
        sb_printf(b, "; %zu %s, %zu %s\n", an->pt.ben,
                  an->pt.ben == 1 ? "beneficiary" : "beneficiaries", records,
                  records == 1 ? "record" : "records");
    else
        sb_printf(b, "；受益 %zu 户，记录 %zu 条\n", an->pt.ben, records);
    if (an->next < 0)
        return;
    param_value(nv, sizeof nv, q->unit, an->next);
    amount(nc, sizeof nc, cu, an->npt.cost, lang);
    if (an->pool_binds && !an->budget_binds) {
        amount(ncl, sizeof ncl, w->unit, an->npt.claimed, lang);
        sb_printf(b, lang ? "  one step further (%s) the claims would be %s, more than the pool, "
                            "and the cost after %s %s\n"
                          : "  再进一步（%s）申请将为 %s，超过资金池规模，%s后成本 %s\n",
                  nv, ncl, alloc, nc);
    } else
        sb_printf(b, lang ? "  one step further (%s) the cost would be %s, over the budget\n"
                          : "  再进一步（%s）成本将为 %s，超出预算\n",
                  nv, nc);
}

static void answer_json(sbuf *b, const solver *sv, const answer *an, const char *target,
                        const char *budget_text, size_t records)
{
    char v[64], m1[40];
    bool units = cost_unit(sv) != U_YUAN;
    sb_puts(b, "{\"param\": ");
    sb_json_str(b, target);
    sb_printf(b, ", \"result\": \"%s\", \"value\": ", result_code[an->result]);
    param_value(v, sizeof v, sv->q->unit, an->value);
    if (an->result == SOLVED)
        sb_json_str(b, v);
    else
        sb_puts(b, "null");
    if (units)
        sb_printf(b, ", \"cost\": \"%lld\"", (long long)an->pt.cost);
    else
        sb_printf(b, ", \"cost\": \"%s\"", calc_money_format(m1, an->pt.cost));
    sb_printf(b, ", \"beneficiaries\": %zu, \"budget\": ", an->pt.ben);
    if (!sv->has_budget)
        sb_puts(b, "null");
    else if (units)
        sb_json_str(b, budget_text);
    else
        sb_printf(b, "\"%s\"", calc_money_format(m1, sv->budget));
    sb_printf(b, ", \"records\": %zu, \"next_step_cost\": ", records);
    if (an->next < 0)
        sb_puts(b, "null");
    else if (units)
        sb_printf(b, "\"%lld\"", (long long)an->npt.cost);
    else
        sb_printf(b, "\"%s\"", calc_money_format(m1, an->npt.cost));
    sb_printf(b, ", \"direction\": \"%s\", \"binding\": ",
              an->rising ? "largest value within budget" : "smallest value within budget");
    if (an->result == SOLVED && !an->range_end)
        sb_printf(b, "\"%s\"", an->budget_binds && an->pool_binds ? "budget and pool"
                               : an->pool_binds                   ? "pool"
                                                                  : "budget");
    else if (an->result == CANNOT_BIND)
        sb_puts(b, "\"pool\"");
    else
        sb_puts(b, "null");
    if (sv->watch >= 0) {
        const decl *w = &sv->e->ps.pool[sv->watch];
        sb_puts(b, ", \"pool\": {\"pool\": ");
        sb_json_str(b, w->name);
        sb_puts(b, ", \"title\": {\"zh\": ");
        sb_json_str(b, w->zh);
        sb_puts(b, ", \"en\": ");
        sb_json_str(b, w->en);
        sb_printf(b, "}, \"mode\": \"%s\", \"against\": %s, ", w->mode ? "first_come" : "pro_rata",
                  sv->against ? "true" : "false");
        if (w->unit == U_YUAN) {
            sb_printf(b, "\"size\": \"%s\", ", calc_money_format(m1, w->size));
            sb_printf(b, "\"claimed\": \"%s\"", calc_money_format(m1, an->pt.claimed));
        } else
            sb_printf(b, "\"size\": %lld, \"claimed\": %lld", (long long)w->size,
                      (long long)an->pt.claimed);
        sb_printf(b, ", \"exceeded\": %s}", an->pt.claimed > w->size ? "true" : "false");
    }
    sb_puts(b, ", \"message\": {\"zh\": ");
    sbuf t = {0};
    answer_text(&t, sv, an, target, records, 0);
    if (t.n)
        t.p[--t.n] = 0; /* the last newline */
    sb_json_str(b, t.p ? t.p : "");
    t.n = 0;
    sb_puts(b, ", \"en\": ");
    answer_text(&t, sv, an, target, records, 1);
    if (t.n)
        t.p[--t.n] = 0;
    sb_json_str(b, t.p ? t.p : "");
    sb_free(&t);
    sb_puts(b, "}}\n");
}

/* ---- the search ---- */

static void search(solver *sv, answer *an)
{
    param *q = sv->q;
    int64_t original = q->value, lo = 0, hi;
    switch (q->unit) {
    case U_PERCENT: hi = 10000; break; /* 100.00% */
    case U_YUAN: {
        /* a hundred times the value, at least ¥1,000,000 (a value of 0 has no hundredfold) */
        hi = original > INT64_MAX / 100 ? INT64_MAX : original * 100;
        hi = hi < 100000000 ? 100000000 : hi;
        if (sv->has_budget && sv->budget > hi)
            hi = sv->budget;
        const decl *w = sv->watch >= 0 ? &sv->e->ps.pool[sv->watch] : NULL;
        if (sv->against && w->unit == U_YUAN && w->size > hi)
            hi = w->size;
        break;
    }
    default: hi = original > (INT64_MAX - 1000) / 100 ? INT64_MAX : original * 100 + 1000;
    }
    point plo = at(sv, lo), phi = at(sv, hi);
    /* the cost (or, against a pool alone, its claims) rises with a cap or rate and falls as a
     * threshold rises */
    an->rising = sv->has_budget ? phi.cost >= plo.cost : phi.claimed >= plo.claimed;
    int64_t in_end = an->rising ? lo : hi, out_end = an->rising ? hi : lo;
    point pin = an->rising ? plo : phi, pout = an->rising ? phi : plo;
    an->next = -1;
#define OK(pt) (within_budget(sv, &(pt)) && within_pool(sv, &(pt)))
    if (!OK(pin)) {
        an->result = NO_VALUE;
        an->value = in_end;
        an->pt = pin;
        return;
    }
    if (OK(pout)) {
        an->value = out_end;
        an->pt = pout;
        const decl *w = sv->watch >= 0 ? &sv->e->ps.pool[sv->watch] : NULL;
        /* the claims exceed the pool: the grants stop at it before they reach the budget
         * (of a money pool, when the budget is at least its size; a budget below it could
         * still bind past the range, on a pool shared with other policies) */
        if (!sv->against && sv->cost_pool < 0 && w && pout.claimed > w->size &&
            (w->unit != U_YUAN || sv->budget >= w->size))
            an->result = CANNOT_BIND;
        else if (!an->rising || q->unit == U_PERCENT) { /* 0 or 100 %: a real end */
            an->result = SOLVED;
            an->range_end = true;
        } else
            an->result = DOES_NOT_BIND;
        return;
    }
    while ((in_end > out_end ? in_end - out_end : out_end - in_end) > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        point pm = at(sv, mid);
        if (OK(pm))
            in_end = mid;
        else
            out_end = mid;
        lo = in_end < out_end ? in_end : out_end;
        hi = in_end < out_end ? out_end : in_end;
    }
#undef OK
    an->result = SOLVED;
    an->value = in_end;
    an->next = out_end;
    an->pt = at(sv, in_end);
    an->npt = at(sv, out_end);
    an->budget_binds = !within_budget(sv, &an->npt);
    an->pool_binds = !within_pool(sv, &an->npt);
}

/* ---- the options ---- */

static int find_pool(const calc_engine *e, const char *name, const char *flag, calc_diags *d)
{
    for (size_t i = 0; i < e->ps.npool; i++)
        if (strcmp(e->ps.pool[i].name, name) == 0)
            return (int)i;
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < e->ps.npool && n < 64; i++)
        names[n++] = e->ps.pool[i].name;
    const char *best = closest_name(name, names, n);
    calc_loc loc = {flag, 0, 0};
    calc_error *x = diag_at(d, CALC_EUSAGE, &loc, NULL, best ? NULL : "see policies/set.yaml",
                            "unknown pool '%s'", name);
    if (best)
        calc_error_hint(x, "did you mean '%s'?", best);
    return -1;
}

/* --against: budget, pool (the policy's) or pool:NAME. 0, or CALC_EUSAGE. */
static int parse_against(solver *sv, const char *against, calc_diags *d)
{
    calc_loc loc = {"--against", 0, 0};
    sv->watch = sv->cost_pool < 0 ? sv->p->pool : -1;
    if (!against || strcmp(against, "budget") == 0)
        return 0;
    if (strcmp(against, "pool") == 0) {
        if (sv->p->pool < 0) {
            diag_at(d, CALC_EUSAGE, &loc, NULL, "name one: --against pool:NAME",
                    "%s draws on no pool", sv->p->id);
            return CALC_EUSAGE;
        }
    } else if (strncmp(against, "pool:", 5) == 0) {
        int w = find_pool(sv->e, against + 5, "--against", d);
        if (w < 0)
            return CALC_EUSAGE;
        sv->watch = w;
    } else {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "e.g. --against pool:sc25-commerce",
                "'%s': expected budget, pool or pool:NAME", against);
        return CALC_EUSAGE;
    }
    sv->against = true;
    return 0;
}

/* Marks the policies whose results the cost depends on: the policy, the members of the pools
 * involved, and their group and cap partners, until nothing is added. */
static bool *touched(const solver *sv)
{
    const polset *ps = &sv->e->ps;
    bool *only = calloc(ps->n, sizeof *only);
    only[sv->pi] = true;
    for (size_t i = 0; i < ps->n; i++) {
        int pl = ps->pol[i].pool;
        if (pl >= 0 && (pl == sv->p->pool || pl == sv->cost_pool || pl == sv->watch))
            only[i] = true;
    }
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < ps->n; i++) {
            if (!only[i])
                continue;
            const policy *x = &ps->pol[i];
            for (size_t j = 0; j < ps->n; j++) {
                const policy *y = &ps->pol[j];
                if (!only[j] && ((x->group >= 0 && y->group == x->group) ||
                                 (x->cap >= 0 && y->cap == x->cap))) {
                    only[j] = true;
                    grew = true;
                }
            }
        }
    }
    return only;
}

/* ---- the population, validated by the workers and kept packed in input order ---- */

/* Per chunk: each valid record's packing and id, in the chunk's buffer. */
typedef struct spchunk {
    sbuf packed;
    size_t off[PM_CHUNK], len[PM_CHUNK];
    char *id[PM_CHUNK]; /* in the chunk's arena */
} spchunk;

static void sp_begin(void *ud, int worker, pm_chunk *c)
{
    (void)ud;
    (void)worker;
    if (!c->user && !(c->user = calloc(1, sizeof(spchunk))))
        abort(); /* out of memory */
    ((spchunk *)c->user)->packed.n = 0;
}

static void sp_free(void *ud, void *user)
{
    (void)ud;
    sb_free(&((spchunk *)user)->packed);
    free(user);
}

static void sp_record(void *ud, int worker, pm_chunk *c, size_t i, calc_profile *p)
{
    (void)ud;
    (void)worker;
    spchunk *sc = c->user;
    sc->off[i] = sc->packed.n;
    profile_pack(&sc->packed, p);
    sc->len[i] = sc->packed.n - sc->off[i];
    sc->id[i] = arena_strndup(&c->a, p->id, strlen(p->id));
}

static void sp_done(void *ud, pm_chunk *c)
{
    solve_pop *pop = ud;
    spchunk *sc = c->user;
    for (size_t i = 0; i < c->n; i++)
        if (c->valid[i])
            pop_add_packed(pop, sc->packed.p + sc->off[i], sc->len[i], sc->id[i]);
        else { /* the answer is over the valid records: the others are named */
            pop->rejected++;
            popmap_reject(pop->d, &c->diag[i], &pop->unshown);
        }
}

static void free_twins(solver *sv)
{
    for (int k = 1; sv->eng && k < sv->jobs; k++)
        calc_engine_free(sv->eng[k]);
    free(sv->eng);
    sv->eng = NULL;
}

/* The engines and the population: 0, or CALC_EUSAGE when an input cannot be opened (the
 * answer would be over part of the population) or the rules do not load again. */
static int load(solver *sv, const calc_batch_opts *o, calc_diags *d)
{
    sv->jobs = o->jobs > 0 ? o->jobs : 1;
    sv->eng = calloc((size_t)sv->jobs, sizeof *sv->eng);
    if (!sv->eng)
        abort(); /* out of memory */
    if (popmap_engines(sv->eng, sv->jobs, sv->e, d))
        return CALC_EUSAGE; /* the engines not made are NULL */
    popmap m = {0};
    m.o = o;
    m.eng = sv->eng;
    m.jobs = sv->jobs;
    m.how = RP_QUICK;
    m.stop_at_open_error = true;
    m.begin = sp_begin;
    m.record = sp_record;
    m.done = sp_done;
    m.free_user = sp_free;
    m.ud = &sv->pop;
    sv->pop.d = d;
    popmap_run(&m, d);
    popmap_unshown(d, sv->pop.unshown, sv->pop.rejected);
    return m.open_failed ? CALC_EUSAGE : 0;
}

int calc_solve(FILE *out, calc_engine *e, const calc_batch_opts *o, const calc_solve_opts *so,
               calc_diags *d)
{
    calc_loc loc = {"--solve", 0, 0};
    const char *target = so->target;
    solver sv;
    memset(&sv, 0, sizeof sv);
    sv.e = e;
    sv.as_of = o->as_of;
    const char *dot = strchr(target, '.');
    char id[200];
    snprintf(id, sizeof id, "%.*s", dot ? (int)(dot - target) : 0, target);
    sv.pi = dot ? policy_index(&e->ps, id) : -1;
    sv.p = sv.pi >= 0 ? &e->ps.pol[sv.pi] : NULL;
    for (size_t i = 0; sv.p && i < sv.p->nparam; i++)
        if (strcmp(sv.p->params[i].name, dot + 1) == 0 && !sv.p->params[i].n) {
            sv.q = &sv.p->params[i];
            sv.qi = i;
        }
    if (!sv.q) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "e.g. --solve sc25-first-store.cap",
                "'%s' names no plain parameter of a policy", target);
        return CALC_EUSAGE;
    }
    sv.cost_pool = -1;
    if (so->pool && (sv.cost_pool = find_pool(e, so->pool, "--pool", d)) < 0)
        return CALC_EUSAGE;
    if (parse_against(&sv, so->against, d))
        return CALC_EUSAGE;
    if (sv.against && sv.cost_pool >= 0) {
        calc_loc al = {"--against", 0, 0};
        diag_at(d, CALC_EUSAGE, &al, NULL, "use one of them",
                "--pool and --against pool both bound the claims on a pool");
        return CALC_EUSAGE;
    }
    sv.has_budget = so->budget != NULL;
    bool units = sv.cost_pool >= 0 && e->ps.pool[sv.cost_pool].unit != U_YUAN;
    if (sv.has_budget) {
        const char *bt = so->budget;
        char *end = NULL;
        bool bad = units ? (sv.budget = strtoll(bt, &end, 10)) < 0 || end == bt || *end
                         : calc_money_parse(&sv.budget, bt, strlen(bt), NULL) != 0;
        if (bad) {
            calc_loc bl = {"--budget", 0, 0};
            diag_at(d, CALC_EUSAGE, &bl, NULL,
                    units ? "a number of units or m²" : "yuan, e.g. 126000000", "bad budget '%s'",
                    bt);
            return CALC_EUSAGE;
        }
    } else if (!sv.against) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "or --against pool", "--solve needs --budget AMOUNT");
        return CALC_EUSAGE;
    }
    /* the profiles, once; only the policies the parameter touches are evaluated again */
    bool *only = touched(&sv);
    sv.pop.eval.only = only;
    sv.pop.eval.claims_only = true; /* statuses and amounts are all a cost needs */
    sv.pop.eval.failures_only = true;
    int rc = load(&sv, o, d);
    if (rc) { /* an input that cannot be read: no answer over part of the population */
        free(only);
        free_twins(&sv);
        pop_free(&sv.pop);
        return rc;
    }
    int64_t original = sv.q->value;
    answer an;
    memset(&an, 0, sizeof an);
    search(&sv, &an);
    sbuf b = {0};
    if (so->json)
        answer_json(&b, &sv, &an, target, so->budget, sv.pop.n);
    else
        answer_text(&b, &sv, &an, target, sv.pop.n, so->lang);
    if (fwrite(b.p, 1, b.n, out) != b.n)
        rc = CALC_EIO;
    sb_free(&b);
    if (!rc && an.result != SOLVED)
        rc = CALC_ECHECK;
    /* as whatif: answered over the valid records, and says so; the largest status wins */
    if (sv.pop.rejected && calc_exit_status(rc) < calc_exit_status(CALC_ESCHEMA))
        rc = CALC_ESCHEMA;
    sv.q->value = original;
    engine_rebuild_params(e, sv.p);
    free(only);
    free_twins(&sv);
    pop_free(&sv.pop);
    return rc;
}
