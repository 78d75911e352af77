/* resultjson.c — the JSON of a result, the contract of `calc eval --format json`, batch's lines
 * and the API: per policy its status, amount, reasons and missing data, and with --explain its
 * conditions, steps and sources. What is the same for every profile (a policy's fixed parts, a
 * condition's name and requirement, a reason that repeats) is made once and copied.
 * It formats; it never decides a status or an amount. */
#include "explain.h"
#include "polkey.h"

#include <string.h>

static const char *const kind_en[] = {"cash", "in_kind", "match"};
/* the lengths of calc_status_name's codes: eligible, ineligible, needs_data, not_in_force,
 * superseded, error */
static const unsigned char status_len[] = {8, 10, 10, 12, 10, 5};

#define LIT(b, s) sb_putn((b), (s), sizeof(s) - 1)

static void json_money(sbuf *b, calc_money v)
{
    char buf[40];
    if (v == 0) { /* most amounts of most results */
        LIT(b, "\"0.00\"");
        return;
    }
    calc_money_format(buf, v);
    sb_putn(b, "\"", 1);
    sb_puts(b, buf);
    sb_putn(b, "\"", 1);
}

/* Writes text (JSON already) into a cache slot when it fits; false when it does not. */
static bool keep(char *slot, unsigned short *len, size_t cap, const char *text, size_t n)
{
    if (n >= cap)
        return false;
    memcpy(slot, text, n);
    slot[n] = 0;
    *len = (unsigned short)n;
    return true;
}

/* A condition record. Its name, field and requirement are the same for every profile: their
 * JSON is made once per condition (and per as_of and parameter version for the requirement)
 * and copied after that. The scratch buffer t is reused across records. With labels, its
 * sentence for people follows (made for every record: it holds the value). */
/* Whether record c's JSON is the one kept whole in its condition's cache (cond_json.whole),
 * and what keys it: a plain record of a number, date, yes/no or choice. */
static bool whole_key(const crec *c, const cond_json *js, bool plain)
{
    const pval *v = &c->v;
    return plain && js->head[0] && !c->actual && !c->required && c->pol && c->c->field &&
           c->c->op != C_ANY_ITEM && v->set &&
           (v->type == T_ENUM || v->type == T_INT || v->type == T_MONEY || v->type == T_DATE ||
            v->type == T_MONTH || v->type == T_BOOL);
}

/* The slots of k, for the values of record c's condition (cond_kept_slot). */
void cond_kept_make(cond_kept *k, const crec *c, arena *a)
{
    const snode *sn = c->c->sn;
    size_t n = sn && sn->type == T_ENUM && sn->en ? sn->en->n : 0;
    k->by_index = n > 0 && n <= 256;
    k->n = k->by_index ? n : 8;
    k->v = arena_alloc(a, k->n * sizeof *k->v);
}

static bool whole_hit(const crec *c, const struct cond_whole *w)
{
    const policy *p = c->pol;
    return w->ok && w->type == c->v.type && w->v == c->v.u.i && w->tv == c->result &&
           stamp_eq(w->st, stamp_of(p, c->as_of));
}

/* Keeps record c's JSON text (n bytes) in its slot w, its room taken from a when it has too
 * little; a record longer than 4 KiB is not kept. */
static void whole_keep(struct cond_whole *w, const crec *c, arena *a, const char *text, size_t n)
{
    const policy *p = c->pol;
    w->ok = false;
    if (n > 4096)
        return;
    if (n > w->cap) {
        size_t cap = n < 256 ? 256 : (n + 63) & ~(size_t)63;
        w->text = arena_alloc_raw(a, cap);
        w->cap = (unsigned short)cap;
    }
    memcpy(w->text, text, n);
    w->len = (unsigned short)n;
    w->ok = true;
    w->type = c->v.type;
    w->v = c->v.u.i;
    w->tv = c->result;
    w->st = stamp_of(p, c->as_of);
}

/* The end of a record's "result" for each TV_*, without and with its closing brace. */
static const char *const tv_end[] = {"fail\"", "pass\"", "unknown\""};
static const char *const tv_close[] = {"fail\"}", "pass\"}", "unknown\"}"};
static const unsigned char tv_len[] = {5, 5, 8};

static void json_rec(sbuf *b, sbuf *t, const crec *c, bool labels, arena *a)
{
    cond_json *js = c->c ? c->c->js : NULL;
    bool plain = js && !c->field && (!c->prefix || !c->prefix[0]) && c->name == c->c->name;
    struct cond_whole *w =
        !labels && whole_key(c, js, plain) ? cond_kept_slot(&js->whole, c, c->v.u.i, a) : NULL;
    if (w && whole_hit(c, w)) {
        sb_putn(b, w->text, w->len);
        return;
    }
    size_t start = b->n;
    if (plain && js->head[0]) {
        sb_putn(b, js->head, js->head_len);
    } else {
        size_t at = b->n;
        LIT(b, "{\"name\": ");
        sb_json_str(b, c->name ? c->name : "");
        LIT(b, ", \"field\": ");
        if (c->field || (c->c && c->c->field)) {
            t->n = 0;
            crec_field(t, c);
            sb_json_str(b, t->p);
        } else
            LIT(b, "null");
        LIT(b, ", \"actual\": ");
        if (plain)
            keep(js->head, &js->head_len, sizeof js->head, b->p + at, b->n - at);
    }
    /* the value as crec_actual renders it */
    const pval *v = &c->v;
    bool on_field = c->c && c->c->field;
    if (c->actual) {
        sb_json_str(b, c->actual);
    } else if (on_field && c->c->op == C_ANY_ITEM) { /* the item count: nothing to escape */
        size_t n = v->set ? (size_t)v->u.i : 0;
        LIT(b, "\"");
        sb_int(b, (long long)n);
        if (n == 1)
            LIT(b, " item\"");
        else
            LIT(b, " items\"");
    } else if (on_field && v->set && (v->type == T_STRING || v->type == T_ENUM)) {
        sb_json_str(b, v->type == T_STRING ? v->u.s : v->s);
    } else if (on_field && v->set && (v->type == T_INT || v->type == T_MONEY ||
                                      v->type == T_DATE || v->type == T_MONTH ||
                                      v->type == T_BOOL)) {
        LIT(b, "\""); /* digits, dots, dashes or a word: nothing to escape */
        pval_render(b, v);
        LIT(b, "\"");
    } else {
        t->n = 0;
        if (crec_actual(t, c))
            sb_json_str(b, t->p);
        else
            LIT(b, "null");
    }
    const policy *p = c->pol;
    bool fixed = js && !c->required && p;
    if (fixed && js->req[0] && stamp_eq(js->req_st, stamp_of(p, c->as_of))) {
        sb_putn(b, js->req, js->req_len);
    } else {
        size_t at = b->n;
        LIT(b, ", \"required\": ");
        t->n = 0;
        crec_required(t, c);
        sb_json_str(b, t->p ? t->p : "");
        LIT(b, ", \"result\": \"");
        if (fixed && keep(js->req, &js->req_len, sizeof js->req, b->p + at, b->n - at))
            js->req_st = stamp_of(p, c->as_of);
    }
    if (labels) {
        sb_putn(b, tv_end[c->result], tv_len[c->result]);
        json_rec_label(b, t, c);
        LIT(b, "}");
    } else
        sb_putn(b, tv_close[c->result], tv_len[c->result] + 1u);
    if (w)
        whole_keep(w, c, a, b->p + start, b->n - start);
}

/* A policy in several groups or caps (book 2 §1.8): all of them. */
static void multi_names(sbuf *b, const polset *ps, const policy *p)
{
    for (int k = 0; k < 2; k++) {
        uint64_t m = k ? p->caps : p->groups;
        if (!(m & (m - 1)))
            continue; /* one or none: "group" / "cap" says it */
        const decl *d = k ? ps->cap : ps->group;
        size_t nd = k ? ps->ncap : ps->ngroup;
        sb_puts(b, k ? ", \"caps\": " : ", \"groups\": ");
        json_decl_names(b, d, nd, m);
    }
}

/* The step each cap took ("cap_steps": its amount before and after, the limit and the sum it
 * was shared by), for a policy in several caps or in one whose limit is computed. */
static void multi_steps(sbuf *b, const polset *ps, const policy *p, const pres *r)
{
    if (!r->ncap_steps)
        return;
    bool steps = p->caps & (p->caps - 1);
    for (size_t i = 0; !steps && i < ps->ncap; i++)
        steps = ps->cap[i].limit_expr && (p->caps >> i & 1);
    if (!steps)
        return;
    sb_puts(b, ", \"cap_steps\": [");
    for (size_t i = 0; i < r->ncap_steps; i++) {
        const cap_step *c = &r->cap_steps[i];
        sb_puts(b, i ? ", {\"cap\": " : "{\"cap\": ");
        sb_json_str(b, c->cap);
        for (size_t k = 0; k < ps->ncap; k++)
            if (strcmp(ps->cap[k].name, c->cap) == 0) { /* the words a person reads */
                sb_puts(b, ", \"title\": ");
                json_zh_en(b, ps->cap[k].zh, ps->cap[k].en);
                break;
            }
        sb_puts(b, ", \"before\": ");
        json_money(b, c->before);
        sb_puts(b, ", \"after\": ");
        json_money(b, c->after);
        sb_puts(b, ", \"limit\": ");
        json_money(b, c->limit);
        sb_puts(b, ", \"sum\": ");
        json_money(b, c->sum);
        sb_puts(b, "}");
    }
    sb_puts(b, "]");
}

/* A policy's fixed parts of its result's JSON, made on first use (pol_json); false when the
 * policy has none (each result is then written in full). */
static bool pol_fixed(const polset *ps, const policy *p)
{
    pol_json *j = p->js;
    if (!j)
        return false;
    if (j->ok)
        return j->fit;
    sbuf t = {0}, unit = {0};
    bool fit = true;
    if (p->kind == K_IN_KIND) {
        LIT(&unit, ", \"unit\": \"");
        sb_puts(&unit, p->unit);
        LIT(&unit, "\", \"detail\": null, \"reasons\": [");
    } else if (p->kind == K_MATCH)
        LIT(&unit, ", \"quantity\": null, \"unit\": null, \"detail\": ");
    else
        LIT(&unit, ", \"quantity\": null, \"unit\": null, \"detail\": null, \"reasons\": [");
    fit &= keep(j->unit, &j->unit_len, sizeof j->unit, unit.p, unit.n);
    for (int st = 0; st < 6; st++) { /* after the ", " that follows an earlier result */
        t.n = 0;
        LIT(&t, ", {\"policy\": ");
        sb_json_str(&t, p->id);
        LIT(&t, ", \"status\": \"");
        sb_putn(&t, calc_status_name(st), status_len[st]);
        LIT(&t, "\", \"kind\": \"");
        sb_puts(&t, kind_en[p->kind]);
        LIT(&t, "\", \"amount\": ");
        j->lead_len[st] = (unsigned short)t.n;
        LIT(&t, "\"0.00\"");
        if (p->kind == K_IN_KIND)
            LIT(&t, ", \"quantity\": ");
        else
            sb_putn(&t, unit.p, unit.n);
        unsigned short len = 0;
        fit &= keep(j->lead[st], &len, sizeof j->lead[st], t.p, t.n);
        j->zero_len[st] = len;
    }
    t.n = 0;
    LIT(&t, "], \"missing\": []");
    if (p->group >= 0) {
        sb_puts(&t, ", \"group\": ");
        sb_json_str(&t, ps->group[p->group].name);
    }
    if (p->cap >= 0) {
        sb_puts(&t, ", \"cap\": ");
        sb_json_str(&t, ps->cap[p->cap].name);
    }
    if (p->pool >= 0) {
        sb_puts(&t, ", \"pool\": ");
        sb_json_str(&t, ps->pool[p->pool].name);
    }
    multi_names(&t, ps, p);
    LIT(&t, "}"); /* when nothing follows */
    if (keep(j->end, &j->end_len, sizeof j->end, t.p, t.n))
        j->end_len--; /* without it */
    else
        fit = false;
    sb_free(&t);
    sb_free(&unit);
    j->fit = fit;
    j->ok = true;
    return fit;
}

void result_json(sbuf *b, const calc_engine *e, const calc_result *res, bool conds, bool explain)
{
    result_json_to(b, NULL, e, res, conds, explain);
}

void result_json_to(sbuf *b, FILE *sink, const calc_engine *e, const calc_result *res,
                           bool conds, bool explain)
{
    char date[16];
    const polset *ps = &e->ps;
    sbuf scratch = {0}; /* scratch for the records */
    arena *cache = (arena *)&ps->a; /* where the records' kept JSON is made (its conditions') */
    LIT(b, "{\"profile\": ");
    sb_json_str(b, res->profile_id);
    LIT(b, ", \"as_of\": \"");
    sb_puts(b, calc_date_format(date, res->as_of));
    LIT(b, "\", \"results\": [");
    for (size_t i = 0; i < res->n; i++) {
        const pres *r = &res->r[i];
        const policy *p = &ps->pol[r->policy];
        if (sink && b->n > 65536) {
            fwrite(b->p, 1, b->n, sink);
            b->n = 0;
        }
        bool fixed = pol_fixed(ps, p);
        if (i && !fixed)
            LIT(b, ", ");
        if (fixed) {
            const pol_json *j = p->js;
            size_t from = i ? 0 : 2; /* the first result without the ", " before it */
            const char *lead = j->lead[r->status] + from;
            if (r->amount == 0) { /* most results: the amount and what follows it made */
                sb_putn(b, lead, j->zero_len[r->status] - from);
            } else {
                sb_putn(b, lead, j->lead_len[r->status] - from);
                json_money(b, r->amount);
                if (p->kind == K_IN_KIND)
                    LIT(b, ", \"quantity\": ");
                else
                    sb_putn(b, j->unit, j->unit_len);
            }
            if (p->kind == K_IN_KIND) {
                sb_int(b, (long long)r->quantity);
                sb_putn(b, j->unit, j->unit_len);
            }
        } else {
            LIT(b, "{\"policy\": ");
            sb_json_str(b, p->id);
            LIT(b, ", \"status\": \"");
            sb_puts(b, calc_status_name(r->status));
            LIT(b, "\", \"kind\": \"");
            sb_puts(b, kind_en[p->kind]);
            LIT(b, "\", \"amount\": ");
            json_money(b, r->amount);
            if (p->kind == K_IN_KIND) {
                LIT(b, ", \"quantity\": ");
                sb_int(b, (long long)r->quantity);
                LIT(b, ", \"unit\": \"");
                sb_puts(b, p->unit);
                LIT(b, "\"");
            } else
                LIT(b, ", \"quantity\": null, \"unit\": null");
            LIT(b, ", \"detail\": ");
            if (p->kind != K_MATCH)
                LIT(b, "null, \"reasons\": [");
        }
        if (p->kind == K_MATCH) {
            sb_puts(b, "[");
            for (size_t k = 0; k < r->ndetail; k++) {
                if (k)
                    sb_puts(b, ", ");
                sb_json_str(b, r->detail[k]);
            }
            LIT(b, "], \"reasons\": [");
        }
        for (size_t k = 0; k < r->nreason; k++) {
            if (k)
                sb_puts(b, ", ");
            json_rec(b, &scratch, &r->reason[k], conds, cache);
        }
        bool plain_end = fixed && !r->nmissing && r->status != ST_SUPERSEDED && !r->capped;
        /* and nothing after it: the closing brace too */
        bool closed = plain_end && !r->ncap_steps && !ps->schema.history && !conds &&
                      r->status != ST_ERROR && !explain && !r->to_qualify && !r->pooled;
        if (plain_end) { /* no missing data, superseded or capped: the end is the policy's */
            sb_putn(b, p->js->end, p->js->end_len + closed);
            if (closed)
                continue;
        } else {
            LIT(b, "], \"missing\": [");
            for (size_t k = 0; k < r->nmissing; k++) {
                if (k)
                    sb_puts(b, ", ");
                sb_json_str(b, r->missing[k]);
            }
            sb_puts(b, "]");
            if (r->status == ST_SUPERSEDED) {
                sb_puts(b, ", \"superseded_by\": ");
                sb_json_str(b, r->superseded_by);
                sb_puts(b, ", \"amount_before\": ");
                json_money(b, r->amount_before);
            }
            if (r->capped) {
                sb_puts(b, ", \"amount_before_cap\": ");
                json_money(b, r->amount_before_cap);
                sb_puts(b, ", \"cap_applied\": ");
                sb_json_str(b, r->cap_name);
            }
        }
        if (fixed) {
            if (!plain_end) /* from "group" on */
                sb_putn(b, p->js->end + 16, p->js->end_len - 16u);
        } else {
            if (p->group >= 0) {
                sb_puts(b, ", \"group\": ");
                sb_json_str(b, ps->group[p->group].name);
            }
            if (p->cap >= 0) {
                sb_puts(b, ", \"cap\": ");
                sb_json_str(b, ps->cap[p->cap].name);
            }
            if (p->pool >= 0) {
                sb_puts(b, ", \"pool\": ");
                sb_json_str(b, ps->pool[p->pool].name);
            }
            multi_names(b, ps, p);
        }
        multi_steps(b, ps, p, r);
        if (ps->schema.history) /* --ledger: what calc grant records (polkey.c) */
            polkey_json(b, p, r, res->as_of);
        if (conds)
            json_people(b, ps, p, r);
        if (r->status == ST_ERROR) {
            sb_puts(b, ", \"error\": ");
            sb_json_str(b, r->error ? r->error : "error");
        }
        if (conds) {
            sb_puts(b, ", \"conditions\": [");
            for (size_t k = 0; k < r->ncond; k++) {
                if (sink && b->n > 65536) {
                    fwrite(b->p, 1, b->n, sink);
                    b->n = 0;
                }
                if (k)
                    sb_puts(b, ", ");
                json_rec(b, &scratch, &r->cond[k], true, cache);
            }
            sb_puts(b, "]");
        }
        if (explain) {
            sb_puts(b, ", \"steps\": [");
            for (size_t k = 0; k < r->nstep; k++) {
                if (k)
                    sb_puts(b, ", ");
                sb_json_str(b, r->step[k]);
            }
            sb_puts(b, "]");
            json_computation(b, sink, e, p, r);
            sb_puts(b, ", \"title\": {\"zh\": ");
            sb_json_str(b, p->title_zh);
            sb_puts(b, ", \"en\": ");
            sb_json_str(b, p->title_en);
            sb_puts(b, "}, \"source\": {\"doc\": ");
            sb_json_str(b, p->src_doc ? p->src_doc : "");
            sb_puts(b, ", \"quote\": ");
            sb_json_str(b, p->src_quote ? p->src_quote : "");
            sb_puts(b, ", \"publisher\": ");
            sb_json_str(b, p->src_publisher ? p->src_publisher : "");
            sb_puts(b, ", \"date\": ");
            sb_json_str(b, p->src_date ? p->src_date : "");
            sb_puts(b, ", \"file\": ");
            sb_json_str(b, p->src_file ? p->src_file : "");
            sb_puts(b, "}, \"params\": [");
            for (size_t k = 0; k < p->nparam; k++) {
                const param *q = &p->params[k];
                char v[96];
                sb_puts(b, k ? ", {\"name\": " : "{\"name\": ");
                sb_json_str(b, q->name);
                sb_puts(b, ", \"value\": ");
                if (q->n) {
                    sb_puts(b, "{");
                    for (size_t t = 0; t < q->n; t++) {
                        param_value(v, sizeof v, q->unit, q->e[t].value);
                        if (t)
                            sb_puts(b, ", ");
                        sb_json_str(b, q->e[t].key);
                        sb_puts(b, ": ");
                        sb_json_str(b, v);
                    }
                    sb_puts(b, "}");
                } else {
                    param_value(v, sizeof v, q->unit, q->value);
                    sb_json_str(b, v);
                }
                sb_printf(b, ", \"mark\": \"%s\", \"note\": ",
                          q->mark == 1   ? "seed"
                          : q->mark == 2 ? "illustrative"
                          : q->mark == 3 ? "source"
                                         : "unmarked");
                sb_json_str(b, q->note ? q->note : "");
                sb_puts(b, "}");
            }
            /* the amount at each stage: computed, after the exclusive group, after the cap */
            sb_puts(b, "], \"trace\": {\"computed\": ");
            json_money(b, r->amount_before);
            sb_puts(b, ", \"after_group\": ");
            json_money(b, r->status == ST_SUPERSEDED ? 0 : r->amount_before_cap);
            sb_puts(b, ", \"after_cap\": ");
            json_money(b, r->status == ST_SUPERSEDED ? 0 : r->pooled ? r->amount_before_pool
                                                                     : r->amount);
            if (r->capped) {
                sb_puts(b, ", \"cap\": ");
                sb_json_str(b, r->cap_name);
                sb_puts(b, ", \"cap_factor\": ");
                char f1[40], f2[40];
                sb_printf(b, "\"%s/%s\"", calc_money_format(f1, r->cap_limit),
                          calc_money_format(f2, r->cap_sum));
            }
            if (r->pooled) {
                sb_puts(b, ", \"after_pool\": ");
                json_money(b, r->amount);
            }
            sb_puts(b, "}");
        }
        if (r->to_qualify)
            qualify_json(b, e, p, r->to_qualify);
        if (r->pooled) { /* last, as `calc allocate` appends them */
            LIT(b, ", \"amount_before_pool\": ");
            json_money(b, r->amount_before_pool);
            if (p->kind == K_IN_KIND) {
                LIT(b, ", \"quantity_before_pool\": ");
                sb_int(b, (long long)r->quantity_before_pool);
            }
        }
        sb_puts(b, "}");
    }
    sb_puts(b, "], \"totals\": {\"cash\": ");
    json_money(b, res->cash);
    sb_puts(b, ", \"in_kind\": ");
    json_money(b, res->in_kind);
    if (res->totals_overflow)
        sb_puts(b, ", \"error\": \"a total exceeds the largest representable amount\"");
    calc_date latest;
    if (!set_in_force(ps, res->as_of, &latest)) { /* an estimate of ¥0 must say why */
        char zh[400], en[400], d[16];
        nothing_in_force_text(zh, sizeof zh, res->as_of, latest, 0);
        nothing_in_force_text(en, sizeof en, res->as_of, latest, 1);
        LIT(b, "}, \"warnings\": [{\"code\": \"nothing_in_force\", \"zh\": ");
        sb_json_str(b, zh);
        LIT(b, ", \"en\": ");
        sb_json_str(b, en);
        LIT(b, ", \"latest_in_force\": ");
        if (latest) {
            LIT(b, "\"");
            sb_puts(b, calc_date_format(d, latest));
            LIT(b, "\"");
        } else
            LIT(b, "null");
        LIT(b, "}");
        LIT(b, "], \"fingerprint\": {\"policy_set\": \"sha256:");
    } else
        LIT(b, "}, \"fingerprint\": {\"policy_set\": \"sha256:");
    sb_puts(b, e->set_fp);
    LIT(b, "\", \"profile\": \"sha256:");
    sb_puts(b, res->profile_fp);
    LIT(b, "\", \"as_of\": \"");
    sb_puts(b, date);
    LIT(b, "\", \"calc_version\": \"" CALC_VERSION "\"");
    if (conds || explain) { /* batch lines leave the policies out: the set's fixes them */
        LIT(b, ", \"policies\": {");
        for (size_t i = 0; i < ps->n; i++) {
            if (i)
                LIT(b, ", ");
            sb_json_str(b, ps->pol[i].id);
            LIT(b, ": \"sha256:");
            sb_puts(b, ps->pol[i].fp);
            LIT(b, "\"");
        }
        LIT(b, "}");
    }
    sb_puts(b, "}");
    polkey_ledger_json(b, ps); /* --ledger: the head the history was read at */
    sb_puts(b, "}");
    sb_free(&scratch);
}
