/* eval.c — one policy for one profile: conditions evaluated three-valued in C with a record
 * each, `missing` collected from the unknowns that decide; the amount is amount.c's. Groups,
 * caps and pools are applied afterwards by engine.c. */
#include "evalp.h"
#include "calendar.h"
#include "evalx.h"
#include "polkey.h"

#include <stdlib.h>
#include <string.h>

static size_t sl_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

void eval_missing_add(strlist *l, arena *a, const char *s)
{
    if (2 * (l->n + 1) > l->nslot) {
        size_t ns = l->nslot ? l->nslot * 2 : 32;
        l->slot = arena_alloc(a, ns * sizeof *l->slot);
        l->nslot = ns;
        for (size_t i = 0; i < l->n; i++) {
            size_t k = sl_hash(l->v[i]) & (ns - 1);
            while (l->slot[k])
                k = (k + 1) & (ns - 1);
            l->slot[k] = i + 1;
        }
    }
    size_t k = sl_hash(s) & (l->nslot - 1);
    for (; l->slot[k]; k = (k + 1) & (l->nslot - 1))
        if (strcmp(l->v[l->slot[k] - 1], s) == 0)
            return;
    l->v = arena_grow(a, l->v, l->n, &l->cap, sizeof *l->v, 8);
    l->v[l->n] = arena_strndup(a, s, strlen(s));
    l->slot[k] = ++l->n;
}

pval *cond_slot(const pobj *base, const cond *c)
{
    const pobj *o = base;
    pval *v = NULL;
    for (int i = 0; i < c->plen; i++) {
        v = &o->slot[c->pidx[i]];
        if (i + 1 < c->plen) {
            if (!v->set || v->type != T_OBJECT)
                return NULL;
            o = v->u.o;
        }
    }
    return v;
}

int64_t req_value(const policy *p, calc_date as_of, const reqval *r)
{
    switch (r->kind) {
    case RV_PARAM: return p->params[r->param].value;
    case RV_YEARS_BEFORE_AS_OF: {
        int64_t y = r->param >= 0 ? p->params[r->param].value : r->i;
        return calc_date_years_before(as_of, (int)y);
    }
    case RV_IN_FORCE_FROM: return p->from;
    case RV_IN_FORCE_TO: return p->to;
    case RV_CLAIM_YEAR: return calc_date_year(as_of) - 1;
    case RV_EVENT_FROM: return p->ev_from;
    case RV_EVENT_TO: return p->ev_to;
    default: return r->i;
    }
}

static int64_t req_int(const E *e, const reqval *r) { return req_value(e->p, e->c->as_of, r); }

static void render_req(sbuf *b, const policy *p, calc_date as_of, const reqval *r)
{
    char buf[40];
    int64_t v = req_value(p, as_of, r);
    switch (r->type) {
    case T_MONEY: sb_puts(b, calc_money_format(buf, v)); break;
    case T_DATE: sb_puts(b, calc_date_format(buf, (calc_date)v)); break;
    case T_BOOL: sb_puts(b, v ? "true" : "false"); break;
    case T_ENUM: sb_puts(b, r->s); break;
    case T_STRING: sb_puts(b, r->s); break;
    default: sb_int(b, (long long)v);
    }
}

void crec_required(sbuf *b, const crec *rec)
{
    const cond *c = rec->c;
    const policy *p = rec->pol;
    calc_date as_of = rec->as_of;
    if (rec->required || !c) {
        sb_puts(b, rec->required ? rec->required : "");
        return;
    }
    switch (c->op) {
    case C_EQUALS: sb_puts(b, "= "); render_req(b, p, as_of, &c->req[0]); break;
    case C_ONE_OF:
        sb_puts(b, "one of ");
        for (size_t i = 0; i < c->req[0].n; i++) {
            if (i)
                sb_puts(b, ", ");
            render_req(b, p, as_of, &c->req[0].list[i]);
        }
        break;
    case C_AT_LEAST:
    case C_ON_OR_AFTER: sb_puts(b, ">= "); render_req(b, p, as_of, &c->req[0]); break;
    case C_AT_MOST:
    case C_ON_OR_BEFORE: sb_puts(b, "<= "); render_req(b, p, as_of, &c->req[0]); break;
    case C_GREATER: sb_puts(b, "> "); render_req(b, p, as_of, &c->req[0]); break;
    case C_LESS: sb_puts(b, "< "); render_req(b, p, as_of, &c->req[0]); break;
    case C_BETWEEN:
        sb_puts(b, "between ");
        render_req(b, p, as_of, &c->req[0]);
        sb_puts(b, " and ");
        render_req(b, p, as_of, &c->req[1]);
        break;
    case C_HAS_TAG: sb_puts(b, "has "); render_req(b, p, as_of, &c->req[0]); break;
    case C_IS_SET: sb_puts(b, "present"); break;
    case C_IS_TRUE: sb_puts(b, "true"); break;
    case C_ANY_ITEM: sb_puts(b, "at least one item meeting every item condition"); break;
    case C_ALL: sb_puts(b, "all of the following"); break;
    case C_ANY: sb_puts(b, "at least one of the following"); break;
    case C_NOT: sb_puts(b, "not the following"); break;
    }
}

void crec_field(sbuf *b, const crec *r)
{
    if (r->field) {
        sb_puts(b, r->field);
        return;
    }
    if (r->prefix)
        sb_puts(b, r->prefix);
    if (r->c && r->c->field)
        sb_puts(b, r->c->field);
}

bool crec_actual(sbuf *b, const crec *r)
{
    if (r->actual) {
        sb_puts(b, r->actual);
        return true;
    }
    if (!r->c || !r->c->field)
        return false;
    if (r->c->op == C_ANY_ITEM) {
        size_t n = r->v.set ? (size_t)r->v.u.i : 0; /* the item count */
        sb_int(b, (long long)n);
        sb_puts(b, n == 1 ? " item" : " items");
        return true;
    }
    if (!r->v.set)
        return false;
    pval_render(b, &r->v);
    return true;
}

/* A new, cleared record at the end of the policy's records. */
crec *eval_rec_new(E *e)
{
    evalctx *c = e->c;
    if (e->r.n == c->reccap) { /* one buffer for every policy: no copies left behind */
        size_t cap = c->reccap ? c->reccap * 2 : 64;
        c->recbuf = arena_solo(c->recbuf, cap * sizeof *c->recbuf);
        c->reccap = cap;
    }
    e->r.v = c->recbuf;
    crec *r = &e->r.v[e->r.n];
    memset(r, 0, sizeof *r); /* a record taken back (e->r.n lowered) is cleared again */
    return r;
}

static size_t add_rec(E *e, const cond *c, const char *prefix, const pval *v, int tv, int depth)
{
    crec *r = eval_rec_new(e);
    r->c = c;
    r->name = c->name;
    if (!prefix[0])
        r->prefix = "";
    else if (e->prefix && strcmp(e->prefix, prefix) == 0)
        r->prefix = e->prefix; /* the item's records share one copy */
    else
        r->prefix = e->prefix = arena_strndup(e->c->a, prefix, strlen(prefix));
    /* the record outlives the profile: keep a copy of the value, not a pointer into it */
    if (v && v->set) {
        r->v = *v;
        if (c->op == C_ANY_ITEM) {
            r->v.u.i = (int64_t)v->u.l->n;
        } else if (v->type == T_STRING) {
            r->v.u.s = arena_strndup(e->c->a, v->u.s, strlen(v->u.s));
        } else if (v->type == T_LIST || v->type == T_OBJECT) {
            sbuf *t = &e->c->scratch;
            t->n = 0;
            pval_render(t, v);
            r->actual = arena_strndup(e->c->a, t->p ? t->p : "", t->n);
        }
    }
    r->result = tv;
    r->depth = depth;
    r->pol = e->p;
    r->as_of = e->c->as_of;
    return e->r.n++;
}

static int cmp(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

static int leaf(const E *e, const cond *c, const pval *v)
{
    if (!v || !v->set)
        return TV_UNKNOWN;
    switch (c->op) {
    case C_IS_SET: return TV_TRUE;
    case C_IS_TRUE: return v->u.i ? TV_TRUE : TV_FALSE;
    case C_HAS_TAG:
        for (size_t i = 0; i < v->u.l->n; i++)
            if (v->u.l->item[i].set && v->u.l->item[i].u.i == req_int(e, &c->req[0]))
                return TV_TRUE;
        return TV_FALSE;
    case C_EQUALS:
        if (v->type == T_STRING)
            return strcmp(v->u.s, c->req[0].s) == 0;
        return v->u.i == req_int(e, &c->req[0]);
    case C_ONE_OF:
        for (size_t i = 0; i < c->req[0].n; i++)
            if (v->type == T_STRING ? strcmp(v->u.s, c->req[0].list[i].s) == 0
                                    : v->u.i == req_int(e, &c->req[0].list[i]))
                return TV_TRUE;
        return TV_FALSE;
    case C_AT_LEAST:
    case C_ON_OR_AFTER: return cmp(v->u.i, req_int(e, &c->req[0])) >= 0;
    case C_AT_MOST:
    case C_ON_OR_BEFORE: return cmp(v->u.i, req_int(e, &c->req[0])) <= 0;
    case C_GREATER: return cmp(v->u.i, req_int(e, &c->req[0])) > 0;
    case C_LESS: return cmp(v->u.i, req_int(e, &c->req[0])) < 0;
    case C_BETWEEN:
        return cmp(v->u.i, req_int(e, &c->req[0])) >= 0 &&
               cmp(v->u.i, req_int(e, &c->req[1])) <= 0;
    }
    return TV_UNKNOWN;
}

/* Kleene combination over n results. */
static int kleene(int all, int f, int u)
{
    if (all)
        return f ? TV_FALSE : u ? TV_UNKNOWN : TV_TRUE;
    return u ? TV_UNKNOWN : TV_FALSE; /* any: caller returns TRUE early */
}

static int ev(E *e, const cond *c, const pobj *base, const char *prefix, int depth, bool rec);

static int ev_list(E *e, const cond *v, size_t n, int all, const pobj *base, const char *prefix,
                   int depth, bool rec)
{
    int f = 0, u = 0, t = 0;
    for (size_t i = 0; i < n; i++) {
        int r = ev(e, &v[i], base, prefix, depth, rec);
        f += r == TV_FALSE;
        u += r == TV_UNKNOWN;
        t += r == TV_TRUE;
    }
    if (!all && t)
        return TV_TRUE;
    return kleene(all, f, u);
}

/* The qualification of item i of an any_item condition. */
int eval_item_tv(E *e, const cond *c, const pval *item, const char *prefix, int depth,
                   bool rec)
{
    return ev_list(e, c->sub, c->n, 1, item->u.o, prefix, depth, rec);
}

/* "prefix" "field" "[i]." into p (cut to fit), the prefix of an item's conditions. */
static void item_prefix(char *p, size_t cap, const char *prefix, const char *field, size_t i)
{
    char num[24];
    int nl = 0;
    do
        num[sizeof num - 1 - nl++] = (char)('0' + i % 10);
    while ((i /= 10) && nl < 20);
    size_t at = 0;
    const char *parts[] = {prefix, field, "[", num + sizeof num - nl, "]."};
    size_t lens[] = {strlen(prefix), strlen(field), 1, (size_t)nl, 2};
    for (int k = 0; k < 5; k++) {
        size_t n = lens[k] < cap - 1 - at ? lens[k] : cap - 1 - at;
        memcpy(p + at, parts[k], n);
        at += n;
    }
    p[at] = 0;
}

/* A computed condition's record: its parts and words as evalx found them. */
static void x_record(E *e, crec *r, xres *x)
{
    arena *a = e->c->a;
    r->field = arena_strndup(a, x->field, strlen(x->field));
    r->actual = x->actual[0] ? arena_strndup(a, x->actual, strlen(x->actual)) : NULL;
    r->required = arena_strndup(a, x->required, strlen(x->required));
    if (x->want_words && x->words[0].p && x->words[1].p)
        r->words = label_words(a, x->words[0].p, x->words[1].p);
    r->v.set = false;
}

/* any_item over list v: each item's qualification; *met gets how many items qualified. Out of
 * line, so that the item prefix's buffer is not in the frame of every condition. */
static __attribute__((noinline)) int ev_items(E *e, const cond *c, const pval *v,
                                              const char *prefix, int depth, bool rec, int *met)
{
    int f = 0, u = 0, t = 0;
    size_t n = v && v->set ? v->u.l->n : 0;
    for (size_t i = 0; i < n; i++) {
        char p[160];
        item_prefix(p, sizeof p, prefix, c->field, i);
        int r = eval_item_tv(e, c, &v->u.l->item[i], p, depth + 1, rec);
        f += r == TV_FALSE;
        u += r == TV_UNKNOWN;
        t += r == TV_TRUE;
    }
    *met = t;
    if (!v || !v->set)
        return TV_UNKNOWN;
    return t ? TV_TRUE : u ? TV_UNKNOWN : TV_FALSE;
}

static int ev(E *e, const cond *c, const pobj *base, const char *prefix, int depth, bool rec)
{
    int tv, met = 0;
    bool all = e->c->all_records;
    size_t at = 0, first = e->r.n;
    const pval *v = c->field ? cond_slot(base, c) : NULL;
    if (rec && all)
        at = add_rec(e, c, prefix, v, TV_UNKNOWN, depth);
    switch (c->op) {
    case C_ALL: tv = ev_list(e, c->sub, c->n, 1, base, prefix, depth + 1, rec); break;
    case C_ANY: tv = ev_list(e, c->sub, c->n, 0, base, prefix, depth + 1, rec); break;
    case C_NOT: {
        int r = ev(e, &c->sub[0], base, prefix, depth + 1, rec);
        tv = r == TV_UNKNOWN ? r : !r;
        break;
    }
    case C_ANY_ITEM: tv = ev_items(e, c, v, prefix, depth, rec, &met); break;
    default:
        if (COND_COMPUTED(c->op) || c->coalesce) {
            xres *x = &e->c->xres;
            x->text = x->want_words = rec && all; /* else made again below for a failure */
            x->want_miss = false;
            tv = evalx(e, c, base, prefix, x);
            if (rec && all)
                x_record(e, &e->r.v[at], x);
        } else
            tv = leaf(e, c, v);
    }
    if (rec) {
        if (all) {
            e->r.v[at].result = tv;
            e->r.v[at].met = met;
            if (tv == TV_FALSE && c->op == C_ANY_ITEM && v && v->set && v->u.l->n &&
                e->p->book >= 0 && e->c->ps->book[e->p->book].item_reasons)
                e->r.v[at].quiet = true;
            /* children of a composite that did not fail are not reasons */
            if (tv != TV_FALSE)
                for (size_t i = first + 1; i < e->r.n; i++)
                    e->r.v[i].quiet = true;
        } else if (tv == TV_FALSE) {
            size_t k = add_rec(e, c, prefix, v, tv, depth); /* failures only: after its children */
            e->r.v[k].met = met;
            if (COND_COMPUTED(c->op) || c->coalesce) { /* its texts, now that they are wanted */
                xres *x = &e->c->xres;
                x->text = true;
                x->want_words = !e->c->no_words;
                x->want_miss = false;
                evalx(e, c, base, prefix, x);
                x_record(e, &e->r.v[k], x);
            }
            /* a book that gives the items' reasons: the list's own only when it is empty */
            if (c->op == C_ANY_ITEM && v && v->set && v->u.l->n && e->p->book >= 0 &&
                e->c->ps->book[e->p->book].item_reasons)
                e->r.v[k].quiet = true;
        } else {
            e->r.n = first; /* its children's failures decided nothing */
        }
    }
    return tv;
}

/* Book condition i of the policy under way (cond.shared), evaluated once per profile for the
 * whole book: later policies of the book take its truth value and a copy of its record. */
static int book_cond(E *e, size_t i, const pobj *root, bool rec)
{
    evalctx *c = e->c;
    const polset *ps = c->ps;
    if (c->nbmemo != ps->nbook) {
        free(c->bmemo);
        c->bmemo = calloc(ps->nbook * BOOK_MEMO, sizeof *c->bmemo);
        c->nbmemo = c->bmemo ? ps->nbook : 0;
        if (!c->bmemo)
            return ev(e, &e->p->conds[i], root, "", 0, rec);
    }
    struct book_memo *m = &c->bmemo[(size_t)e->p->book * BOOK_MEMO + i];
    if (m->stamp == c->rec_stamp && m->rec == rec) {
        if (m->has_rec) {
            crec *r = eval_rec_new(e);
            *r = m->r;
            r->c = &e->p->conds[i];
            r->pol = e->p;
            e->r.n++;
        }
        return m->tv;
    }
    size_t before = e->r.n;
    int tv = ev(e, &e->p->conds[i], root, "", 0, rec);
    m->stamp = c->rec_stamp;
    m->tv = tv;
    m->rec = rec;
    m->has_rec = e->r.n == before + 1;
    if (m->has_rec)
        m->r = e->r.v[before];
    else if (e->r.n != before) /* more than one record: not kept (cannot happen for a leaf) */
        m->stamp = 0;
    return tv;
}

/* Adds the absent fields that decide an unknown condition to missing. */
void eval_collect(E *e, const cond *c, const pobj *base, const char *prefix)
{
    if (ev(e, c, base, prefix, 0, false) != TV_UNKNOWN)
        return;
    char p[200];
    switch (c->op) {
    case C_ALL:
    case C_ANY:
    case C_NOT:
        for (size_t i = 0; i < c->n; i++)
            eval_collect(e, &c->sub[i], base, prefix);
        return;
    case C_ANY_ITEM: {
        const pval *v = cond_slot(base, c);
        if (!v || !v->set) {
            snprintf(p, sizeof p, "%s%s", prefix, c->field);
            eval_missing_add(&e->missing, e->c->a, p);
            return;
        }
        for (size_t i = 0; i < v->u.l->n; i++) {
            snprintf(p, sizeof p, "%s%s[%zu].", prefix, c->field, i);
            if (eval_item_tv(e, c, &v->u.l->item[i], p, 0, false) == TV_UNKNOWN)
                for (size_t k = 0; k < c->n; k++)
                    eval_collect(e, &c->sub[k], v->u.l->item[i].u.o, p);
        }
        return;
    }
    default:
        if (COND_COMPUTED(c->op) || c->coalesce) {
            xres *x = &e->c->xres;
            x->text = x->want_words = false;
            x->want_miss = true;
            evalx(e, c, base, prefix, x);
            for (int i = 0; i < x->nmiss; i++)
                eval_missing_add(&e->missing, e->c->a, x->miss[i]);
            return;
        }
        snprintf(p, sizeof p, "%s%s", prefix, c->field);
        eval_missing_add(&e->missing, e->c->a, p);
    }
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void finish_records(E *e, pres *r)
{
    size_t nreason = 0;
    for (size_t i = 0; i < e->r.n; i++)
        if (e->r.v[i].result == TV_FALSE && !e->r.v[i].quiet)
            nreason++;
    r->reason = arena_alloc_raw(e->c->a, (nreason ? nreason : 1) * sizeof *r->reason);
    for (size_t i = 0; i < e->r.n; i++) {
        crec *c = &e->r.v[i];
        if (c->result == TV_FALSE && !c->quiet)
            r->reason[r->nreason++] = *c;
    }
    r->cond = NULL;
    evalctx *c = e->c;
    if (e->r.n > 1024) { /* thousands of items: the buffer itself becomes the result's */
        r->cond = arena_solo(c->recbuf, e->r.n * sizeof *r->cond);
        arena_adopt(c->a, r->cond);
        c->recbuf = NULL;
        c->reccap = 0;
    } else if (e->r.n) {
        r->cond = arena_alloc_raw(c->a, e->r.n * sizeof *r->cond);
        memcpy(r->cond, e->r.v, e->r.n * sizeof *r->cond);
    }
    e->r.v = NULL;
    r->ncond = e->r.n;
}

/* The computation in words of an eligible result: its lines, after the policy's amount rule
 * when a step had an operand that nothing names (or there is no line). */
static void finish_words(evalctx *c, const policy *p, pres *r)
{
    if (p->kind == K_MATCH)
        return;
    bool rule = (c->unnamed || !c->nwords) && (p->amount_zh || p->amount_en);
    size_t n = c->nwords + rule;
    r->words = arena_alloc(c->a, 2 * n * sizeof *r->words);
    if (rule) {
        const char *zh = p->amount_zh ? p->amount_zh : p->amount_en;
        const char *en = p->amount_en ? p->amount_en : p->amount_zh;
        r->words[0] = arena_printf(c->a, "计算规则：%s", zh);
        r->words[1] = arena_printf(c->a, "Rule: %s", en);
    }
    if (c->nwords)
        memcpy(r->words + 2 * rule, c->words, 2 * c->nwords * sizeof *r->words);
    r->nwords = n;
    r->words_rule = rule;
    for (size_t k = 0; k < n; k++) { /* an English line begins with a capital */
        char *en = r->words[2 * k + 1];
        if (en[0] >= 'a' && en[0] <= 'z')
            en[0] = (char)(en[0] - 'a' + 'A');
    }
}

void policy_eval(evalctx *c, sbx *s, const policy *p, int index, pres *r)
{
    E e = {c, s, p, {0}, {0}, NULL};
    memset(r, 0, sizeof *r);
    r->policy = index;
    r->kind = p->kind;
    r->unit = p->unit;
    c->cur = p;
    c->evals++; /* what was indexed for the last policy is not this one's */
    c->nsteps = 0;
    c->words = NULL; /* in the result's arena: the policy's own */
    c->nwords = c->capwords = 0;
    c->unnamed = false;
    c->nnamed = 0;
    c->reads = NULL; /* in the result's arena, as the words */
    c->nreads = c->capreads = 0;
    c->reads_cut = false;
    if (p->error) {
        r->status = ST_ERROR;
        r->error = (char *)p->error;
        return;
    }
    if (c->as_of < p->from || c->as_of > p->to || p->off) {
        r->status = ST_NOT_IN_FORCE; /* a policy switched off by a scenario is not in force */
        return;
    }
    const pobj *root = c->prof->root.u.o;
    int top = lua_gettop(s->L); /* whatever a path leaves on the stack goes with it */
    int f = 0, u = 0;
    bool rec = !c->status_only;
    for (size_t i = 0; i < p->ncond; i++) {
        int tv = !c->all_records && p->conds[i].shared ? book_cond(&e, i, root, rec)
                                                    : ev(&e, &p->conds[i], root, "", 0, rec);
        f += tv == TV_FALSE;
        u += tv == TV_UNKNOWN;
        if (f && !rec)
            break; /* one failure decides the status */
    }
    int overall = f ? TV_FALSE : u ? TV_UNKNOWN : TV_TRUE;
    if (overall == TV_FALSE) {
        r->status = ST_INELIGIBLE;
    } else {
        if (overall == TV_UNKNOWN && rec)
            for (size_t i = 0; i < p->ncond; i++)
                eval_collect(&e, &p->conds[i], root, "");
        r->status = eval_amount(&e, overall, r);
        if (r->status == ST_ERROR)
            e.missing.n = 0;
    }
    if (r->status != ST_ELIGIBLE) {
        r->amount = 0;
        r->quantity = 0;
    } else if (c->ps->schema.history && p->key.kind != PK_ITEMS) { /* --ledger: its keys */
        polkey_eval(c->a, p, &c->prof->root, c->as_of, r);
    }
    if (r->status == ST_INELIGIBLE || r->status == ST_ERROR)
        e.missing.n = 0;
    finish_records(&e, r);
    r->missing = e.missing.v;
    r->nmissing = e.missing.n;
    if (p->book >= 0 && c->ps->book[p->book].item_reasons && r->nmissing > 1)
        qsort(r->missing, r->nmissing, sizeof *r->missing, cmp_path); /* book 2 §1.9 */
    if (c->nsteps) {
        r->step = arena_alloc(c->a, c->nsteps * sizeof *r->step);
        memcpy(r->step, c->steps, c->nsteps * sizeof *r->step);
        r->nstep = c->nsteps;
    }
    if (c->explain && r->status == ST_ELIGIBLE)
        finish_words(c, p, r);
    if (c->explain) {
        r->read = c->reads;
        r->nread = c->nreads;
        r->read_cut = c->reads_cut;
    }
    r->amount_before = r->amount;
    r->amount_before_cap = r->amount;
    lua_settop(s->L, top);
}

