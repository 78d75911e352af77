/* setrules.c — the rules across policies for one profile (book 1 §1, book 2 §1.8): exclusive
 * groups, possibly overlapping, resolved on the amounts before any cap; then the enterprise
 * caps in the set's order, each on the amounts the previous ones left, with limits that may be
 * expressions over the award ledger. Pools are batch-only (allocate.c). */
#include "engine.h"
#include "calendar.h"
#include "polkey.h"

#include <string.h>

/* Exclusive groups, possibly overlapping (book 2 §1.8, for the whole set; for disjoint groups
 * book 1's rule): the eligible grouped policies by amount, descending, ties by id; each is kept
 * unless it shares a group with one already kept, which then supersedes it. */
void set_resolve_groups(calc_engine *e, calc_result *res)
{
    polset *ps = &e->ps;
    if (!ps->ngroup)
        return;
    int *cand = arena_alloc(&res->a, ps->n * sizeof *cand);
    size_t n = 0;
    for (size_t i = 0; i < ps->n; i++) /* by index: the ids' byte order */
        if (ps->pol[i].groups && res->r[i].status == ST_ELIGIBLE) {
            size_t k = n++;
            calc_money a = res->r[i].amount;
            /* a member granted for the claim year (--ledger) comes first: the group's choice was
             * made when it was granted */
            bool g = res->r[i].granted_seq != 0;
            /* stable: ties keep id order */
            while (k > 0 && (g ? !res->r[cand[k - 1]].granted_seq
                               : !res->r[cand[k - 1]].granted_seq &&
                                     res->r[cand[k - 1]].amount < a)) {
                cand[k] = cand[k - 1];
                k--;
            }
            cand[k] = (int)i;
        }
    size_t nkept = 0;
    for (size_t c = 0; c < n; c++) {
        const policy *p = &ps->pol[cand[c]];
        int by = -1;
        for (size_t k = 0; k < nkept && by < 0; k++)
            if (ps->pol[cand[k]].groups & p->groups)
                by = cand[k];
        if (by < 0) {
            cand[nkept++] = cand[c]; /* the kept ones, in order, before the ones still to come */
            continue;
        }
        pres *r = &res->r[cand[c]];
        r->status = ST_SUPERSEDED;
        r->superseded_by = ps->pol[by].id;
        r->amount_before = r->amount;
        r->amount_before_cap = r->amount;
        r->quantity_claimed = r->quantity;
        r->amount = 0;
        r->quantity = 0;
    }
}

/* A cap's limit for this profile (book 2 §1.8): 0, or 1 when its field is absent. With a
 * ledger, a limit that is not an expression (book 1's) holds across the rounds of a claim year:
 * what the ledger shows its members granted for the year is taken off (*granted). */
static int cap_limit(calc_engine *e, calc_result *res, const decl *x, const calc_profile *prof,
                     calc_money *out, calc_money *granted)
{
    *granted = 0;
    calc_money limit = x->limit;
    if (x->limit_sn) {
        /* the limit is a top-level or nested money field of the profile */
        const snode *chain[8];
        int k = 0;
        for (const snode *s = x->limit_sn; s && s->parent && k < 8; s = s->parent)
            chain[k++] = s;
        const pobj *o = prof->root.u.o;
        const pval *v = NULL;
        for (int i = k - 1; i >= 0; i--) {
            v = &o->slot[chain[i]->index];
            if (i > 0) {
                if (!v->set) {
                    v = NULL;
                    break;
                }
                o = v->u.o;
            }
        }
        if (!v || !v->set)
            return 1;
        limit = v->u.i;
    }
    if (x->nless) {
        calc_money paid = 0;
        int64_t y = x->less_claim_year ? calc_date_year(res->as_of) - 1 : LEDGER_ANY_YEAR;
        if (ledger_sum(&e->ps.ledger, prof->root.u.o, x->less, x->nless, y, &paid) ||
            __builtin_sub_overflow(limit, paid, &limit))
            limit = INT64_MIN / 2; /* more paid than any limit: nothing is left */
    } else if (!x->limit_expr && e->ps.schema.history) {
        const char **ids = arena_alloc(&res->a, (x->n ? x->n : 1) * sizeof *ids);
        for (size_t m = 0; m < x->n; m++)
            ids[m] = e->ps.pol[x->member[m]].id;
        *granted = history_sum(e->ps.schema.history, prof->id, ids, x->n,
                               calc_date_year(res->as_of) - 1);
        limit = *granted >= limit ? 0 : limit - *granted;
    }
    *out = limit;
    return 0;
}

/* A result made ineligible by cap x, with the cap as its reason (book 1 §1; book 2 §1.8: a
 * limit that is an expression names no field). */
static void cap_reason(const polset *ps, calc_result *res, pres *r, const decl *x,
                       calc_money limit, calc_money sum, calc_money granted)
{
    char lim[40], tot[40];
    r->status = ST_INELIGIBLE;
    crec *v = arena_alloc(&res->a, (r->nreason + 1) * sizeof *v);
    if (r->nreason)
        memcpy(v, r->reason, r->nreason * sizeof *v);
    crec *rr = &v[r->nreason++];
    rr->name = arena_printf(&res->a, "cap %s", x->name);
    const policy *p = &ps->pol[r->policy];
    rr->field = policy_book_conventions(ps, p) ? "" : x->limit_expr ? NULL : x->limit_field;
    r->nmissing = 0; /* ineligible: nothing is missing (book 2 §6.24) */
    rr->actual = arena_printf(&res->a, "limit %s shared by %s",
                              calc_money_format(lim, limit > 0 ? limit : 0),
                              calc_money_format(tot, sum));
    if (granted > 0) { /* --ledger: what earlier rounds of the claim year took of it */
        char g[40];
        rr->actual = arena_printf(&res->a, "%s, after %s granted to its members for the claim "
                                  "year in the ledger", rr->actual, calc_money_format(g, granted));
    }
    rr->required = arena_printf(&res->a, "a share of at least 0.01");
    rr->result = TV_FALSE;
    sbuf w[2] = {{0}, {0}}; /* its sentence, for people */
    for (int l = 0; l < 2; l++) {
        label_cap_reason(&w[l], l ? x->en : x->zh, limit > 0 ? limit : 0, sum, l);
        if (granted > 0) {
            sb_puts(&w[l], l ? " (the limit less " : "（上限已扣除台账记录的成员本申报年度已授予 ");
            label_money(&w[l], granted);
            sb_puts(&w[l], l ? " granted to its members for the claim year, as the ledger "
                               "records)" : "）");
        }
    }
    rr->words = label_words(&res->a, w[0].p, w[1].p);
    sb_free(&w[0]);
    sb_free(&w[1]);
    r->reason = v;
}

/* Adds path to r's missing: at the end, or in byte order for a book that lists it so
 * (book 2 §1.9). */
static void add_missing(const polset *ps, calc_result *res, pres *r, const char *path)
{
    for (size_t i = 0; i < r->nmissing; i++)
        if (strcmp(r->missing[i], path) == 0)
            return;
    const policy *p = &ps->pol[r->policy];
    bool sorted = p->book >= 0 && ps->book[p->book].item_reasons;
    size_t at = r->nmissing;
    while (sorted && at > 0 && strcmp(r->missing[at - 1], path) > 0)
        at--;
    char **nm = arena_alloc(&res->a, (r->nmissing + 1) * sizeof *nm);
    if (at)
        memcpy(nm, r->missing, at * sizeof *nm);
    nm[at] = (char *)path;
    if (r->nmissing > at)
        memcpy(nm + at + 1, r->missing + at, (r->nmissing - at) * sizeof *nm);
    r->nmissing++;
    r->missing = nm;
}

/* Enterprise caps in the set's order, each on the amounts the previous ones left. */
void set_apply_caps(calc_engine *e, calc_result *res, const calc_profile *prof)
{
    polset *ps = &e->ps;
    for (size_t c = 0; c < ps->ncap; c++) {
        decl *x = &ps->cap[c];
        calc_money limit, granted;
        if (cap_limit(e, res, x, prof, &limit, &granted)) {
            /* cannot apply the cap: the granted members wait for the limit */
            for (size_t m = 0; m < x->n; m++) {
                pres *r = &res->r[x->member[m]];
                if (r->status != ST_ELIGIBLE)
                    continue;
                r->status = ST_NEEDS_DATA;
                r->amount = 0;
                add_missing(ps, res, r, x->limit_field);
            }
            continue;
        }
        __int128 sum = 0;
        for (size_t m = 0; m < x->n; m++)
            if (res->r[x->member[m]].status == ST_ELIGIBLE)
                sum += res->r[x->member[m]].amount;
        if (sum == 0 || (sum <= limit && limit > 0))
            continue;
        for (size_t m = 0; m < x->n; m++) {
            pres *r = &res->r[x->member[m]];
            if (r->status != ST_ELIGIBLE)
                continue;
            calc_money before = r->amount;
            if (!r->capped)
                r->amount_before_cap = r->amount;
            r->capped = true;
            r->cap_name = x->name;
            r->cap_limit = limit > 0 ? limit : 0;
            r->cap_sum = (calc_money)sum;
            r->amount = limit > 0 ? (calc_money)(((__int128)r->amount * limit) / sum) : 0;
            cap_step *st = arena_alloc(&res->a, (r->ncap_steps + 1) * sizeof *st);
            if (r->ncap_steps)
                memcpy(st, r->cap_steps, r->ncap_steps * sizeof *st);
            st[r->ncap_steps++] = (cap_step){x->name, before, r->amount, r->cap_limit,
                                             (calc_money)sum, granted};
            r->cap_steps = st;
            if (r->amount == 0) /* floored to nothing: ineligible, with the cap as the reason */
                cap_reason(ps, res, r, x, limit, (calc_money)sum, granted);
        }
    }
}

