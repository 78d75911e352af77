/* whatif.c — `calc whatif`: a population evaluated under the baseline rules and under a
 * scenario, budget pools allocated in both, and per policy and pool: beneficiaries, total
 * granted, the change, and how many enterprises gain, lose or stay unchanged — overall and by
 * the value of one field. Also `--solve`: the parameter value that spends a budget. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

typedef struct wrec { /* one evaluated record: small, so a whole district fits in memory */
    char *id;
    int group; /* index of its --by value */
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

static void push_claim(claims *c, const claim *x)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = *x;
}

/* Reads and evaluates every record under both rule sets (n_runs engines). */
/* Input f of a population (- is JSON Lines on stdin), or NULL with the reason added to d. */
static calc_input *population_open(const calc_batch_opts *o, int f, const calc_schema *s,
                                   calc_diags *d)
{
    calc_error err = {0};
    int fmt = o->input_format >= 0 ? o->input_format
              : strcmp(o->inputs[f], "-") == 0 ? IN_JSONL : input_format_of(o->inputs[f]);
    calc_input *in = fmt < 0 ? NULL : input_open(o->inputs[f], fmt, s, &err);
    if (!in) {
        if (fmt < 0)
            calc_error_set(&err, CALC_EUSAGE, NULL, 0, 0,
                           "%s: cannot tell the input format (name it .jsonl, .yaml or .csv)",
                           o->inputs[f]);
        calc_error *x = calc_diags_add(d);
        if (x)
            *x = err;
    }
    return in;
}

static int load_population(wi *w, const calc_batch_opts *o, int nruns, calc_diags *d)
{
    calc_engine *e = w->runs[0].e;
    int applied = schema_child(e->ps.schema.root, "applied", 7)->index;
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
            value *doc = r.doc;
            int vr = r.err_code;
            bool valid = !vr && !doc && r.text && !o->nsets && /* the short way, as batch's */
                         calc_json_profile(&p.a, &e->ps.schema, input_path(in), r.line, r.text,
                                           r.len, &p) == 0;
            if (!valid) {
                arena_free(&p.a);
                memset(&p, 0, sizeof p);
            }
            if (!vr && !doc && !valid)
                vr = calc_json_parse(&p.a, input_path(in), r.line, r.text, r.len, &doc, &rd);
            for (int k = 0; !vr && !valid && k < o->nsets; k++)
                vr = calc_apply_set(&p.a, doc, o->sets[k], &rd);
            if (!vr && !valid)
                vr = profile_from_value(&p, &e->ps.schema, doc, &rd);
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
                const pval *bv = w->by ? field(&p, w->by) : NULL;
                sbuf t = {0};
                if (bv && bv->set)
                    pval_render(&t, bv);
                wr->group = w->by ? group_of(w, t.p ? t.p : "(absent)") : 0;
                sb_free(&t);
                const pval *ap = &p.root.u.o->slot[applied];
                for (int ri = 0; ri < nruns; ri++) {
                    run *rn = &w->runs[ri];
                    calc_result *res = calc_eval_with(rn->e, &p, o->as_of, &cost);
                    for (size_t k = 0; k < w->npol; k++) {
                        const pres *x = &res->r[k];
                        rn->st[w->n * w->npol + k] = (uint8_t)x->status;
                        rn->amt[w->n * w->npol + k] = x->kind == K_MATCH ? 0 : x->amount;
                        const policy *pol = &rn->e->ps.pol[k];
                        if (pol->pool >= 0 && x->status == ST_ELIGIBLE) {
                            claim c = {0};
                            c.record = w->n;
                            c.id = wr->id;
                            c.has_applied = ap->set;
                            c.applied = ap->set ? (calc_date)ap->u.i : 0;
                            c.pool = pol->pool;
                            c.policy = (int)k;
                            c.amount = x->amount;
                            c.quantity = x->quantity;
                            push_claim(&rn->cl, &c);
                        }
                    }
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
        if (c->g_amount == 0 || (rn->e->ps.pol[c->policy].kind == K_IN_KIND && !c->g_quantity))
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
                    "baseline_granted,scenario_granted,change,gain,lose,unchanged\r\n");
        for (int g = -1; g < ng; g++)
            for (size_t k = 0; k < w->npol; k++) {
                agg a;
                aggregate(w, g, k, &a);
                const char *gv = g < 0 ? "" : w->groups[g];
                csv_text(&b, gv);
                sb_puts(&b, ",");
                csv_text(&b, e->ps.pol[k].id);
                sb_printf(&b, ",%zu,%zu,%s,%s,%s,%zu,%zu,%zu\r\n", a.ben[0], a.ben[1],
                          calc_money_format(m1, a.granted[0]), calc_money_format(m2, a.granted[1]),
                          calc_money_format(m3, a.granted[1] - a.granted[0]), a.gain, a.lose,
                          a.same);
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

static void wi_free(wi *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->rec[i].id);
    free(w->rec);
    for (size_t g = 0; g < w->ngroup; g++)
        free(w->groups[g]);
    free(w->groups);
    for (int r = 0; r < 2; r++) {
        free(w->runs[r].st);
        free(w->runs[r].amt);
        free(w->runs[r].cl.v);
        if (w->runs[r].pools)
            for (size_t p = 0; p < w->runs[r].e->ps.npool; p++)
                free(w->runs[r].pools[p].ran_out_id);
        free(w->runs[r].pools);
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
    int rc = load_population(&w, o, 2, d);
    int arc = allocate(&w, &w.runs[0]);
    int brc = allocate(&w, &w.runs[1]);
    if (rc != CALC_EUSAGE) /* an input could not be read: no report on part of the population */
        write_report(out, &w, format, lang, o);
    wi_free(&w);
    if (arc || brc)
        return CALC_EPOLICY;
    return rc;
}

/* The next valid profile of an input, with the --set overrides applied: 1 with *out, 0 at the
 * end. Invalid records are left out (as in batch) and counted in *rejected. */
static int next_profile(calc_input *in, calc_engine *e, const calc_batch_opts *o,
                        calc_profile **out, size_t *rejected)
{
    for (;;) {
        calc_profile *pr = calloc(1, sizeof *pr);
        rec_in r;
        calc_diags rd = {0};
        int got = input_next(in, &pr->a, &r, &rd);
        value *doc = r.doc;
        int vr = got == 1 ? r.err_code : 1;
        if (!vr && !doc)
            vr = calc_json_parse(&pr->a, input_path(in), r.line, r.text, r.len, &doc, &rd);
        for (int k = 0; !vr && k < o->nsets; k++)
            vr = calc_apply_set(&pr->a, doc, o->sets[k], &rd);
        if (!vr)
            vr = profile_from_value(pr, &e->ps.schema, doc, &rd);
        calc_diags_free(&rd);
        if (got == 1 && !vr) {
            *out = pr;
            return 1;
        }
        calc_profile_free(pr);
        if (got != 1)
            return 0;
        (*rejected)++;
    }
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
    int applied = schema_child(e->ps.schema.root, "applied", 7)->index;
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
        for (size_t k = 0; k < r->n; k++) {
            const pres *x = &r->r[k];
            const policy *pol = &e->ps.pol[k];
            if (x->status != ST_ELIGIBLE)
                continue;
            if (pol->pool >= 0 && (pool >= 0 ? pol->pool == pool : (int)k == pi)) {
                const pval *ap = &prof.root.u.o->slot[applied];
                claim c = {0};
                c.record = i;
                c.id = pop->id[i];
                c.has_applied = ap->set;
                c.applied = ap->set ? (calc_date)ap->u.i : 0;
                c.pool = pol->pool;
                c.policy = (int)k;
                c.amount = x->amount;
                c.quantity = x->quantity;
                push_claim(&cl, &c);
            } else if ((int)k == pi && pool < 0) {
                direct += x->amount;
                (*beneficiaries)++;
            }
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
        for (size_t p = 0; p < e->ps.npool; p++)
            free(st[p].ran_out_id);
        free(st);
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
        while (next_profile(in, base, o, &pr, &rejected)) {
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
    int policy_rebuild_params(lua_State *L, policy *pol);
    size_t ben;
#define AT(v) (q->value = (v), policy_rebuild_params(e->sbx.L, p), cost_at(e, &pop, pi, pool, o->as_of, &ben))
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
    policy_rebuild_params(e->sbx.L, p);
    free(only);
    pop_free(&pop);
    return rc;
}

/* ---- near misses ---- */

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
        while (next_profile(in, e, o, &p, &rejected)) {
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
    if (worst != CALC_EUSAGE) /* an input could not be read: no list from part of it */
        fwrite(b.p, 1, b.n, out);
    sb_free(&b);
    return worst;
}
