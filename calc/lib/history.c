/* history.c — an enterprise's history from the grants ledger (issue #17): the live grants read
 * from the ledger, kept sorted by enterprise, and given to every profile validated with them —
 * book 2's awards[] (§1.7: one entry per grant, its claim year, amount and key), book 1's
 * hq.star_rewarded_before (the highest star of its sc25-hq-star grants) and
 * listing.stages_paid (the stages of its gs17-listing grants). The profile never states them
 * itself then: history comes from the records, not from the applicant. */
#include "engine.h"
#include "calendar.h"
#include "polkey.h"

#include <stdlib.h>
#include <string.h>

struct calc_history {
    arena a;
    calc_award *v; /* by enterprise as a person sees it, policy, year, key (byte order) */
    const char **ek; /* v[i]'s enterprise as a person sees it (key_seen) */
    size_t n;
    char head[65];
    int64_t seq;
};

static int cmp_str(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : ""); }
static const char *key_seen(const char *s, char *buf, size_t cap);

/* An award and its enterprise as a person sees it, while they are sorted. */
typedef struct hrow {
    calc_award a;
    const char *ek;
} hrow;

static int cmp_award(const void *x, const void *y)
{
    const calc_award *a = &((const hrow *)x)->a, *b = &((const hrow *)y)->a;
    int c = cmp_str(((const hrow *)x)->ek, ((const hrow *)y)->ek);
    if (!c)
        c = cmp_str(a->enterprise, b->enterprise);
    if (!c)
        c = cmp_str(a->policy, b->policy);
    if (!c && a->year != b->year)
        c = a->year < b->year ? -1 : 1;
    if (!c)
        c = cmp_str(a->key, b->key);
    if (!c && a->seq != b->seq)
        c = a->seq < b->seq ? -1 : 1;
    return c;
}

static const char *dup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

calc_history *calc_history_new(const calc_award *v, size_t n, const char *head, int64_t seq)
{
    calc_history *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->v = n ? malloc(n * sizeof *h->v) : NULL;
    h->ek = n ? malloc(n * sizeof *h->ek) : NULL;
    hrow *t = n ? malloc(n * sizeof *t) : NULL;
    if (n && (!h->v || !h->ek || !t)) {
        free(h->v);
        free(h->ek);
        free(t);
        free(h);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        calc_award *a = &t[i].a;
        *a = v[i];
        a->enterprise = dup(&h->a, v[i].enterprise);
        a->policy = dup(&h->a, v[i].policy);
        a->key = dup(&h->a, v[i].key);
        a->pool = dup(&h->a, v[i].pool);
        /* the enterprise as a person sees it: "FS1 " and "FS1\u200b" are FS1 */
        char buf[512];
        t[i].ek = dup(&h->a, key_seen(a->enterprise ? a->enterprise : "", buf, sizeof buf));
    }
    h->n = n;
    if (n > 1)
        qsort(t, n, sizeof *t, cmp_award);
    for (size_t i = 0; i < n; i++) {
        h->v[i] = t[i].a;
        h->ek[i] = t[i].ek;
    }
    free(t);
    snprintf(h->head, sizeof h->head, "%s", head ? head : "");
    h->seq = seq;
    return h;
}

void calc_history_free(calc_history *h)
{
    if (!h)
        return;
    free(h->v);
    free(h->ek);
    arena_free(&h->a);
    free(h);
}

const char *calc_history_head(const calc_history *h, int64_t *seq)
{
    if (seq)
        *seq = h ? h->seq : 0;
    return h ? h->head : "";
}

const calc_award *calc_history_of(const calc_history *h, const char *enterprise, size_t *n)
{
    *n = 0;
    if (!h || !h->n || !enterprise)
        return NULL;
    char buf[512];
    const char *ek = key_seen(enterprise, buf, sizeof buf);
    size_t lo = 0, hi = h->n; /* the first entry not before the enterprise */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_str(h->ek[mid], ek) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < h->n && cmp_str(h->ek[end], ek) == 0)
        end++;
    *n = end - lo;
    return *n ? &h->v[lo] : NULL;
}

void calc_engine_set_history(calc_engine *e, const calc_history *h)
{
    e->ps.schema.history = h;
    for (size_t p = 0; p < e->ps.npool; p++) { /* a stock: what earlier rounds granted */
        decl *x = &e->ps.pool[p];
        x->before = 0;
        for (size_t i = 0; h && x->period == 1 && i < h->n; i++) {
            const calc_award *a = &h->v[i];
            int64_t v = x->unit == U_YUAN ? a->amount : a->quantity;
            if (a->pool && strcmp(a->pool, x->name) == 0 && v > 0 &&
                __builtin_add_overflow(x->before, v, &x->before))
                x->before = INT64_MAX;
        }
    }
}

const calc_history *calc_engine_history(const calc_engine *e) { return e->ps.schema.history; }

/* The slot of field sn (a path of objects from the root) in the profile; NULL when the schema
 * has no such field or an object on the way is absent. */
static pval *slot_of(pval *root, const snode *sn)
{
    const snode *chain[16];
    int n = 0;
    for (const snode *x = sn; x && x->parent && n < 16; x = x->parent)
        chain[n++] = x;
    pval *v = root;
    for (int i = n - 1; i >= 0; i--) {
        if (!v->set || v->type != T_OBJECT)
            return NULL;
        v = &v->u.o->slot[chain[i]->index];
    }
    return v;
}

/* Whether the profile's input gave the field (a default has no position). */
static bool stated(const pval *v)
{
    if (!v || !v->set || !v->loc.file)
        return false;
    return v->type != T_LIST || v->u.l->n > 0 || v->loc.line > 0;
}

static void conflict(const calc_profile *p, const pval *v, const char *path, calc_diags *d)
{
    calc_loc loc = v->loc;
    if (!loc.file)
        loc.file = p->file;
    diag_at(d, CALC_ESCHEMA, &loc, path,
            "remove it: with a ledger the history comes from its grants",
            "with --ledger the history comes from the ledger's records: record '%s' may not "
            "state it",
            p->id ? p->id : "");
}

/* awards[]: one entry per grant. */
static void give_awards(const ledger_schema *ls, calc_profile *p, pval *slot,
                        const calc_award *v, size_t n)
{
    plist *l = arena_alloc(&p->a, sizeof *l);
    l->item = arena_alloc(&p->a, (n ? n : 1) * sizeof *l->item);
    const snode *isn = ls->list->item;
    for (size_t i = 0; i < n; i++) {
        pobj *o = arena_alloc(&p->a, sizeof *o);
        o->sn = isn;
        o->slot = arena_alloc(&p->a, (isn->nchild ? isn->nchild : 1) * sizeof *o->slot);
        o->slot[ls->ipolicy] =
            (pval){.set = true, .type = T_STRING, .u.s = v[i].policy ? v[i].policy : ""};
        o->slot[ls->iyear] = (pval){.set = true, .type = T_INT, .u.i = v[i].year};
        o->slot[ls->iamount] = (pval){.set = true, .type = T_MONEY, .u.i = v[i].amount};
        o->slot[ls->ikey] = (pval){.set = true, .type = T_STRING, .u.s = v[i].key ? v[i].key : ""};
        if (ls->ientitled >= 0 && v[i].entitled > v[i].amount) /* kept where it differs */
            o->slot[ls->ientitled] = (pval){.set = true, .type = T_MONEY, .u.i = v[i].entitled};
        schema_fill_defaults(&p->a, isn, o);
        l->item[i] = (pval){.set = true, .type = T_OBJECT, .u.o = o};
    }
    l->n = n;
    *slot = (pval){.set = true, .type = T_LIST, .u.l = l};
}

/* hq.star_rewarded_before: the highest star among the sc25-hq-star grants (keys "1".."5"). */
static void give_star(const snode *sn, pval *slot, const calc_award *v, size_t n)
{
    int64_t best = sn->has_default ? sn->dflt : 0;
    for (size_t i = 0; i < n; i++) {
        const char *k = v[i].key;
        if (!v[i].policy || strcmp(v[i].policy, "sc25-hq-star") || !k || !k[0] || k[1] ||
            k[0] < '0' || k[0] > '9')
            continue;
        int64_t star = k[0] - '0';
        if ((!sn->has_max || star <= sn->max) && star > best)
            best = star;
    }
    *slot = (pval){.set = true, .type = T_INT, .u.i = best};
}

/* listing.stages_paid: the stages of the gs17-listing grants, in the enum's order. */
static void give_stages(arena *a, const snode *sn, pval *slot, const calc_award *v, size_t n)
{
    const enum_def *en = sn->item ? sn->item->en : NULL;
    plist *l = arena_alloc(a, sizeof *l);
    size_t cap = en ? en->n : 0;
    l->item = arena_alloc(a, (cap ? cap : 1) * sizeof *l->item);
    for (size_t k = 0; k < cap; k++) {
        bool paid = false;
        for (size_t i = 0; i < n && !paid; i++)
            paid = v[i].policy && strcmp(v[i].policy, "gs17-listing") == 0 && v[i].key &&
                   strcmp(v[i].key, en->values[k]) == 0;
        if (paid)
            l->item[l->n++] = (pval){.set = true, .type = T_ENUM, .u.i = (int64_t)k,
                                     .s = en->values[k]};
    }
    *slot = (pval){.set = true, .type = T_LIST, .u.l = l};
}

int history_apply(const calc_schema *s, calc_profile *p, calc_diags *d)
{
    const calc_history *h = s->history;
    if (!h)
        return 0;
    ledger_schema ls;
    bool has_awards = ledger_schema_find(&ls, s->root) == 0;
    const snode *star = schema_resolve(s->root, "hq.star_rewarded_before");
    const snode *stages = schema_resolve(s->root, "listing.stages_paid");
    pval *aw = has_awards ? &p->root.u.o->slot[ls.list->index] : NULL;
    pval *st = star && star->type == T_INT ? slot_of(&p->root, star) : NULL;
    pval *sp = stages && stages->type == T_LIST ? slot_of(&p->root, stages) : NULL;
    int rc = 0;
    if (stated(aw)) {
        conflict(p, aw, "awards", d);
        rc = CALC_ESCHEMA;
    }
    if (stated(st)) {
        conflict(p, st, "hq.star_rewarded_before", d);
        rc = CALC_ESCHEMA;
    }
    if (stated(sp)) {
        conflict(p, sp, "listing.stages_paid", d);
        rc = CALC_ESCHEMA;
    }
    if (rc)
        return rc;
    size_t n;
    const calc_award *v = calc_history_of(h, p->id, &n);
    if (aw)
        give_awards(&ls, p, aw, v, n);
    if (st)
        give_star(star, st, v, n);
    if (sp)
        give_stages(&p->a, stages, sp, v, n);
    return 0;
}

/* Bytes of s at i that a person cannot see in a key: a zero-width character (U+200B..U+200D,
 * U+FEFF); 0 when there is none. */
static size_t unseen(const char *s, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x8B && u[2] <= 0x8D)
        return 3;
    if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return 3;
    return 0;
}

/* Bytes of a space at s + i: ASCII space or tab, U+00A0, U+3000; 0 when none. */
static size_t space_at(const char *s, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] == ' ' || u[0] == '\t')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* s without what cannot be seen (zero-width characters anywhere, spaces at the ends of each
 * '@'-part) into buf; a store re-submitted as "示例咖啡 " or with a no-break space is the store
 * granted before. */
static const char *key_seen(const char *s, char *buf, size_t cap)
{
    size_t n = 0, len = strlen(s);
    if (len >= cap)
        return s;
    for (size_t i = 0; i < len;) {
        size_t k = unseen(s, i);
        if (k) {
            i += k;
            continue;
        }
        buf[n++] = s[i++];
    }
    buf[n] = 0;
    /* spaces around each part */
    size_t w = 0;
    for (size_t i = 0; i <= n;) {
        size_t e = i;
        while (e < n && buf[e] != '@')
            e++;
        size_t b = i, k;
        while (b < e && (k = space_at(buf, b)) && b + k <= e)
            b += k;
        size_t t = e;
        for (bool more = true; more && t > b;) {
            more = false;
            if (t - b >= 1 && (buf[t - 1] == ' ' || buf[t - 1] == '\t'))
                t--, more = true;
            else if (t - b >= 2 && (unsigned char)buf[t - 2] == 0xC2 &&
                     (unsigned char)buf[t - 1] == 0xA0)
                t -= 2, more = true;
            else if (t - b >= 3 && memcmp(buf + t - 3, "\xE3\x80\x80", 3) == 0)
                t -= 3, more = true;
        }
        memmove(buf + w, buf + b, t - b);
        w += t - b;
        if (e < n)
            buf[w++] = '@';
        i = e + 1;
    }
    buf[w] = 0;
    return buf;
}

static int key_cmp(const char *a, const char *b)
{
    if (!a || !b)
        return cmp_str(a, b);
    char x[512], y[512];
    return strcmp(key_seen(a, x, sizeof x), key_seen(b, y, sizeof y));
}

bool history_has(const calc_history *h, const char *enterprise, const char *pol, int year,
                 const char *key, int64_t *seq)
{
    size_t n;
    const calc_award *v = calc_history_of(h, enterprise, &n);
    for (size_t i = 0; i < n; i++)
        if ((year == HISTORY_ANY_YEAR || v[i].year == year) && cmp_str(v[i].policy, pol) == 0 &&
            key_cmp(v[i].key, key) == 0) {
            if (seq)
                *seq = v[i].seq;
            return true;
        }
    return false;
}

/* A result whose every key the ledger already granted for the claim year: not granted twice
 * (one row per enterprise, policy, claim year and key), ineligible with the grant's row as its
 * reason. Book 2's policies say so in their own conditions; this is book 1's. */
void history_granted(const polset *ps, const calc_profile *prof, calc_result *res)
{
    const calc_history *h = ps->schema.history;
    int year = calc_date_year(res->as_of) - 1;
    for (size_t i = 0; i < res->n; i++)
        res->r[i].granted_seq = 0;
    for (size_t i = 0; h && i < res->n; i++) {
        pres *r = &res->r[i];
        const policy *p = &ps->pol[r->policy];
        if (r->status != ST_ELIGIBLE || p->key.kind == PK_NONE || p->key.kind == PK_ITEMS ||
            !r->nkeys)
            continue;
        int64_t seq = 0;
        size_t k = 0;
        while (k < r->nkeys && r->keys[k].key &&
               history_has(h, prof->id, p->id, year, r->keys[k].key, &seq))
            k++;
        if (k < r->nkeys)
            continue;
        r->granted_seq = seq ? seq : 1;
    }
}

void history_refuse(calc_result *res)
{
    int year = calc_date_year(res->as_of) - 1;
    for (size_t i = 0; i < res->n; i++) {
        pres *r = &res->r[i];
        if (!r->granted_seq || r->status != ST_ELIGIBLE)
            continue;
        int64_t seq = r->granted_seq;
        r->status = ST_INELIGIBLE;
        r->amount = r->amount_before = r->amount_before_cap = 0;
        r->quantity = 0;
        r->nmissing = 0;
        crec *v = arena_alloc(&res->a, (r->nreason + 1) * sizeof *v);
        if (r->nreason)
            memcpy(v, r->reason, r->nreason * sizeof *v);
        crec *rr = &v[r->nreason++];
        rr->name = "granted before";
        rr->field = "";
        rr->actual = arena_printf(&res->a, "granted in the ledger (row %lld)", (long long)seq);
        rr->required = arena_printf(&res->a, "not granted before for claim year %d", year);
        rr->result = TV_FALSE;
        char zh[200], en[200];
        snprintf(zh, sizeof zh, "台账已记录本申报年度（%d年）的发放（第 %lld 行），不重复发放", year,
                 (long long)seq);
        snprintf(en, sizeof en, "granted for claim year %d already (ledger row %lld): not granted "
                 "twice", year, (long long)seq);
        rr->words = label_words(&res->a, zh, en);
        r->reason = v;
    }
}

calc_money history_sum(const calc_history *h, const char *enterprise, const char *const *ids,
                       size_t nids, int year)
{
    size_t n;
    const calc_award *v = calc_history_of(h, enterprise, &n);
    __int128 s = 0;
    for (size_t i = 0; i < n; i++) {
        /* what the grant used of the limits: the whole claim, not what a pool or a part
         * payment left of it */
        calc_money a = v[i].entitled > v[i].amount ? v[i].entitled : v[i].amount;
        for (size_t k = 0; (year == HISTORY_ANY_YEAR || v[i].year == year) && a > 0 && k < nids;
             k++)
            if (cmp_str(v[i].policy, ids[k]) == 0) {
                s += a;
                break;
            }
    }
    return s > INT64_MAX ? INT64_MAX : (calc_money)s;
}

/* A line of r's computation in words, at its end. */
static void add_words(arena *a, pres *r, const char *zh, const char *en)
{
    char **w = arena_alloc(a, 2 * (r->nwords + 1) * sizeof *w);
    if (r->nwords)
        memcpy(w, r->words, 2 * r->nwords * sizeof *w);
    w[2 * r->nwords] = arena_strndup(a, zh, strlen(zh));
    w[2 * r->nwords + 1] = arena_strndup(a, en, strlen(en));
    r->words = w;
    r->nwords++;
}

int history_items_year(const policy *p, int claim_year)
{
    return p->book < 0 && p->key.kind == PK_ITEMS ? HISTORY_ANY_YEAR : claim_year;
}

void history_limits(const polset *ps, const calc_profile *prof, calc_result *res, bool explain)
{
    const calc_history *h = ps->schema.history;
    int year = calc_date_year(res->as_of) - 1;
    for (size_t i = 0; h && i < res->n; i++) {
        pres *r = &res->r[i];
        const policy *p = &ps->pol[r->policy];
        if (r->status != ST_ELIGIBLE || p->kind != K_CASH || p->limit_param < 0)
            continue;
        const char *id = p->id;
        /* a store is granted once in any year (history_items_year): so is the limit on them */
        bool life = history_items_year(p, year) == HISTORY_ANY_YEAR;
        calc_money granted = history_sum(h, prof->id, &id, 1, life ? HISTORY_ANY_YEAR : year);
        calc_money limit = p->params[p->limit_param].value;
        calc_money left = granted >= limit ? 0 : limit - granted;
        if (!granted || r->amount <= left)
            continue;
        char lim[40], got[40], rest[40], was[40], yzh[32], yen[32];
        calc_money_format_grouped(lim, limit);
        calc_money_format_grouped(got, granted);
        calc_money_format_grouped(rest, left);
        calc_money_format_grouped(was, r->amount);
        snprintf(yzh, sizeof yzh, life ? "历年" : "%d 年度", year);
        snprintf(yen, sizeof yen, life ? "in all claim years" : "for %d", year);
        const char *per_zh = life ? "对每家企业" : "每个申报年度",
                   *per_en = life ? "an enterprise" : "a claim year";
        if (explain) {
            char zh[400], en[400];
            snprintf(zh, sizeof zh, "本政策%s以 ¥%s 为限；台账已记录%s授予 ¥%s，"
                     "尚余 ¥%s：本项 ¥%s 降为 ¥%s", per_zh, lim, yzh, got, rest, was, rest);
            snprintf(en, sizeof en, "The policy's limit is ¥%s %s; the ledger records "
                     "¥%s granted %s, ¥%s left: ¥%s becomes ¥%s", lim, per_en, got, yen, rest,
                     was, rest);
            add_words(&res->a, r, zh, en);
            char **st = arena_alloc(&res->a, (r->nstep + 1) * sizeof *st);
            if (r->nstep)
                memcpy(st, r->step, r->nstep * sizeof *st);
            st[r->nstep++] = arena_printf(&res->a, "limit %s less %s granted %s = %s", lim, got,
                                          yen, rest);
            r->step = st;
        }
        r->amount = r->amount_before = r->amount_before_cap = left;
        if (left)
            continue;
        r->status = ST_INELIGIBLE; /* the limit reached in earlier rounds: nothing is left */
        r->nmissing = 0;
        crec *v = arena_alloc(&res->a, (r->nreason + 1) * sizeof *v);
        if (r->nreason)
            memcpy(v, r->reason, r->nreason * sizeof *v);
        crec *rr = &v[r->nreason++];
        rr->name = arena_printf(&res->a, "limit %s", p->params[p->limit_param].name);
        rr->field = "";
        rr->actual = arena_printf(&res->a, "%s granted %s in the ledger", got, yen);
        rr->required = arena_printf(&res->a, "less than the limit %s", lim);
        rr->result = TV_FALSE;
        char zh[300], en[300];
        snprintf(zh, sizeof zh, "本政策%s以 ¥%s 为限，台账已记录%s授予 ¥%s，已无余额", per_zh, lim,
                 yzh, got);
        snprintf(en, sizeof en, "the policy's limit of ¥%s %s is reached: the ledger records "
                 "¥%s granted %s", lim, per_en, got, yen);
        rr->words = label_words(&res->a, zh, en);
        r->reason = v;
    }
}

calc_history *history_of_profile(const polset *ps, const calc_profile *p, const char *head,
                                 int64_t seq)
{
    const plist *l = NULL;
    if (ps->ledger.list) {
        const pval *v = &p->root.u.o->slot[ps->ledger.list->index];
        l = v->set && v->type == T_LIST ? v->u.l : NULL;
    }
    size_t n = l ? l->n : 0;
    calc_award *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const pval *s = l->item[i].u.o->slot;
        v[i].enterprise = p->id;
        v[i].policy = s[ps->ledger.ipolicy].set ? s[ps->ledger.ipolicy].u.s : "";
        v[i].key = s[ps->ledger.ikey].set ? s[ps->ledger.ikey].u.s : "";
        v[i].year = s[ps->ledger.iyear].set ? (int32_t)s[ps->ledger.iyear].u.i : 0;
        v[i].amount = s[ps->ledger.iamount].set ? s[ps->ledger.iamount].u.i : 0;
        if (ps->ledger.ientitled >= 0 && s[ps->ledger.ientitled].set)
            v[i].entitled = s[ps->ledger.ientitled].u.i;
        v[i].seq = (int64_t)i + 1;
    }
    calc_history *h = calc_history_new(v, n, head, seq);
    free(v);
    return h;
}

/* ---- the snapshot in a batch's manifest ---- */

void history_json(sbuf *j, const calc_history *h)
{
    SB_LIT(j, "{\"head\": ");
    sb_json_str(j, h->head);
    sb_printf(j, ", \"seq\": %lld, \"history\": [", (long long)h->seq);
    for (size_t i = 0; i < h->n; i++) {
        const calc_award *a = &h->v[i];
        char m[40];
        sb_puts(j, i ? ",\n    [" : "\n    [");
        sb_json_str(j, a->enterprise ? a->enterprise : "");
        SB_LIT(j, ", ");
        sb_json_str(j, a->policy ? a->policy : "");
        sb_printf(j, ", %d, ", (int)a->year);
        sb_json_str(j, a->key ? a->key : "");
        sb_printf(j, ", \"%s\", %lld, ", calc_money_format(m, a->amount), (long long)a->quantity);
        if (a->pool)
            sb_json_str(j, a->pool);
        else
            SB_LIT(j, "null");
        sb_printf(j, ", %lld", (long long)a->seq);
        if (a->entitled > a->amount) /* kept where it differs: the others' bytes as they were */
            sb_printf(j, ", \"%s\"", calc_money_format(m, a->entitled));
        SB_LIT(j, "]");
    }
    SB_LIT(j, "]}");
}

static const char *item_text(const value *row, size_t i)
{
    const value *v = row->type == V_SEQ && i < row->n ? row->items[i] : NULL;
    return v && v->type == V_SCALAR && strcmp(v->str, "null") ? v->str : NULL;
}

calc_history *history_from_json(const value *lg)
{
    const value *hd = map_get(lg, "head"), *sq = map_get(lg, "seq"), *rows = map_get(lg, "history");
    if (!hd || hd->type != V_SCALAR || !sq || sq->type != V_SCALAR || !rows ||
        rows->type != V_SEQ)
        return NULL;
    calc_award *v = calloc(rows->n ? rows->n : 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < rows->n; i++) {
        const value *r = rows->items[i];
        const char *amt = item_text(r, 4);
        v[i].enterprise = item_text(r, 0);
        v[i].policy = item_text(r, 1);
        v[i].year = item_text(r, 2) ? (int32_t)atoi(item_text(r, 2)) : 0;
        v[i].key = item_text(r, 3);
        if (!amt || calc_money_parse(&v[i].amount, amt, strlen(amt), NULL))
            v[i].amount = 0;
        v[i].quantity = item_text(r, 5) ? strtoll(item_text(r, 5), NULL, 10) : 0;
        v[i].pool = item_text(r, 6);
        v[i].seq = item_text(r, 7) ? strtoll(item_text(r, 7), NULL, 10) : 0;
        const char *ent = item_text(r, 8);
        if (!ent || calc_money_parse(&v[i].entitled, ent, strlen(ent), NULL))
            v[i].entitled = 0;
    }
    calc_history *h = calc_history_new(v, rows->n, hd->str, strtoll(sq->str, NULL, 10));
    free(v);
    return h;
}
