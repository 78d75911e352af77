/* evalx.c — the computed conditions of policy book 2 (§1.3 time, §1.5 ratios, month aggregates
 * and coalesce, §1.7 the award ledger), evaluated three-valued in C. Each reads more than one
 * field, so each states its own record: the field a reason names (the one that supplied a
 * coalesced date, the month's item, the ledger entry), what the profile holds, what is required,
 * its sentence in Chinese and English, and the absent paths that leave it unknown. */
#include "evalp.h"
#include "calendar.h"
#include "evalx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int64_t claim_year(const E *e) { return calc_date_year(e->c->as_of) - 1; }

/* A computed condition's number k1 / k2, or the parameter's current value it names. */
static int64_t kval(const E *e, const cond *c, int which)
{
    int k = c->kparam[which];
    return k >= 0 ? e->p->params[k].value : which ? c->k2 : c->k1;
}

static const pval *slot_at(const pobj *base, const int *pidx, int plen)
{
    const pobj *o = base;
    const pval *v = NULL;
    for (int i = 0; i < plen; i++) {
        v = &o->slot[pidx[i]];
        if (i + 1 < plen) {
            if (!v->set || v->type != T_OBJECT)
                return NULL;
            o = v->u.o;
        }
    }
    return v && v->set ? v : NULL;
}

static void xprintf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void xprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    calc_vfmt(buf, cap, fmt, ap);
    va_end(ap);
}

/* Text for people and the record: made only when the condition's record is wanted (x->text);
 * the status alone needs none of it. */
#define XP(...)                                                                              \
    do {                                                                                     \
        if (x->text)                                                                         \
            xprintf(__VA_ARGS__);                                                            \
    } while (0)
/* The words for people alone (x->want_words): a reader of the record's parts needs none. */
#define XW(...)                                                                              \
    do {                                                                                     \
        if (x->want_words)                                                                   \
            xprintf(__VA_ARGS__);                                                            \
    } while (0)

static void miss(xres *x, const char *prefix, const char *path)
{
    if (x->want_miss && x->nmiss < XRES_MISS)
        xprintf(x->miss[x->nmiss++], sizeof x->miss[0], "%s%s", prefix, path);
}

/* The words of the record: "<label>：<actual>；本政策要求：<own or required>" in each language. */
static void say(xres *x, const cond *c, const snode *sn, const char *act_zh, const char *act_en,
                const char *req_zh, const char *req_en)
{
    if (!x->want_words)
        return;
    const char *act[2] = {act_zh, act_en}, *req[2] = {req_zh, req_en};
    const char *own[2] = {c->zh, c->en};
    for (int l = 0; l < 2; l++) {
        sbuf *b = &x->words[l];
        b->n = 0;
        if (sn) {
            sb_puts(b, snode_label(sn, l));
            sb_puts(b, l ? ": " : "：");
        }
        sb_puts(b, act[l]);
        sb_puts(b, l ? "; this policy requires: " : "；本政策要求：");
        if (own[l]) {
            sb_puts(b, own[l]);
            if (req[l] && req[l][0])
                sb_printf(b, l ? ", i.e. %s" : "，即%s", req[l]);
        } else
            sb_puts(b, req[l]);
    }
}

/* A value of field sn in words, in each language. */
static void value_words(char out[2][160], const snode *sn, const pval *v)
{
    for (int l = 0; l < 2; l++) {
        sbuf b = {0};
        label_value(&b, sn, v, l);
        xprintf(out[l], sizeof out[l], "%s", b.p ? b.p : "");
        sb_free(&b);
    }
}

/* A date field, or the first present of coalesce(a, b): the value and which supplied it. */
static const pval *date_of(const cond *c, const pobj *base, const snode **sn,
                           const char **field)
{
    const pval *v = slot_at(base, c->pidx, c->plen);
    *sn = c->sn;
    *field = c->field;
    if (!v && c->coalesce) {
        v = slot_at(base, c->pidx2, c->plen2);
        *sn = c->sn2;
        *field = c->field2;
    }
    return v;
}

static void date_miss(xres *x, const cond *c, const char *prefix)
{
    miss(x, prefix, c->field);
    if (c->coalesce)
        miss(x, prefix, c->field2);
}

static int64_t reqv(const E *e, const reqval *r) { return req_value(e->p, e->c->as_of, r); }

/* between() over coalesce(a, b) (book 2 §1.5: the registration or arrival date). */
static int x_between(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    const snode *sn;
    const char *f;
    const pval *v = date_of(c, base, &sn, &f);
    char a[16], b[16], d[16];
    if (x->text || x->want_words) {
        calc_date_format(a, (calc_date)reqv(e, &c->req[0]));
        calc_date_format(b, (calc_date)reqv(e, &c->req[1]));
    }
    XP(x->required, sizeof x->required, "between %s and %s", a, b);
    char rz[80], re[80];
    XW(rz, sizeof rz, "%s至%s期间", a, b);
    XW(re, sizeof re, "from %s to %s", a, b);
    XP(x->field, sizeof x->field, "%s%s", prefix, f);
    if (!v) {
        date_miss(x, c, prefix);
        say(x, c, c->sn, "未填写", "not provided", rz, re);
        return TV_UNKNOWN;
    }
    if (x->text || x->want_words)
        calc_date_format(d, (calc_date)v->u.i);
    XP(x->actual, sizeof x->actual, "%s", d);
    say(x, c, sn, d, d, rz, re);
    return v->u.i >= reqv(e, &c->req[0]) && v->u.i <= reqv(e, &c->req[1]) ? TV_TRUE : TV_FALSE;
}

/* i = Y − year(d) + 1 against a bound (book 2 §1.3, year index). */
static int x_year_index(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    const snode *sn;
    const char *f;
    const pval *v = date_of(c, base, &sn, &f);
    int64_t y = claim_year(e);
    bool min = c->op == C_YEAR_INDEX_MIN;
    /* i >= k ⇔ year(d) <= Y − k + 1;  i <= k ⇔ year(d) >= Y − k + 1 */
    int64_t edge = y - kval(e, c, 0) + 1;
    XP(x->required, sizeof x->required, "year index %s %lld (claim year %lld: year %s %lld)",
            min ? ">=" : "<=", (long long)kval(e, c, 0), (long long)y, min ? "<=" : ">=",
            (long long)edge);
    char rz[120], re[160];
    if (min && kval(e, c, 0) == 1) {
        XW(rz, sizeof rz, "不晚于申报年度（%lld年）", (long long)y);
        XW(re, sizeof re, "in or before the claim year (%lld)", (long long)y);
    } else {
        XW(rz, sizeof rz, "%s第%lld年（%lld年%s）", min ? "已到" : "不超过", (long long)kval(e, c, 0),
                (long long)edge, min ? "或之前" : "或之后");
        XW(re, sizeof re, "year %lld of the schedule %s (%s %lld)", (long long)kval(e, c, 0),
                min ? "reached" : "at most", min ? "in or before" : "in or after",
                (long long)edge);
    }
    XP(x->field, sizeof x->field, "%s%s", prefix, f);
    if (!v) {
        date_miss(x, c, prefix);
        say(x, c, c->sn, "未填写", "not provided", rz, re);
        return TV_UNKNOWN;
    }
    int64_t i = y - calc_date_year((calc_date)v->u.i) + 1;
    char d[16], az[80], ae[80];
    if (x->text || x->want_words)
        calc_date_format(d, (calc_date)v->u.i);
    XP(x->actual, sizeof x->actual, "%s (year index %lld)", d, (long long)i);
    XW(az, sizeof az, "%s（申报年度为第%lld年）", d, (long long)i);
    XW(ae, sizeof ae, "%s (the claim year is year %lld)", d, (long long)i);
    say(x, c, sn, az, ae, rz, re);
    return (min ? i >= kval(e, c, 0) : i <= kval(e, c, 0)) ? TV_TRUE : TV_FALSE;
}

/* The months of Y in the lease (book 2 §1.3, lease months). */
static int x_lease(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    const pval *s = slot_at(base, c->pidx, c->plen), *end = slot_at(base, c->pidx2, c->plen2);
    int64_t y = claim_year(e);
    char rz[160], re[200];
    if (kval(e, c, 1))
        XW(rz, sizeof rz, "%lld年至少%lld个月在租期内且在租期前%lld个月内", (long long)y,
                (long long)kval(e, c, 0), (long long)kval(e, c, 1));
    else
        XW(rz, sizeof rz, "%lld年至少%lld个月在租期内", (long long)y, (long long)kval(e, c, 0));
    if (kval(e, c, 1))
        XW(re, sizeof re, "at least %lld %s of %lld in the lease, within its first "
                "%lld months", (long long)kval(e, c, 0), kval(e, c, 0) == 1 ? "month" : "months",
                (long long)y, (long long)kval(e, c, 1));
    else
        XW(re, sizeof re, "at least %lld %s of %lld in the lease", (long long)kval(e, c, 0),
                kval(e, c, 0) == 1 ? "month" : "months",
                (long long)y);
    XP(x->required, sizeof x->required, ">= %lld months of %lld in the lease%s",
            (long long)kval(e, c, 0), (long long)y, kval(e, c, 1) ? " (within its first months)" : "");
    XP(x->field, sizeof x->field, "%s%s", prefix, c->field);
    if (!s) {
        miss(x, prefix, c->field);
        say(x, c, c->sn, "未填写", "not provided", rz, re);
        return TV_UNKNOWN;
    }
    int n = calc_lease_months_in_year((calc_date)s->u.i, end != NULL,
                                      end ? (calc_date)end->u.i : 0, (int)y, (int)kval(e, c, 1));
    /* the lease months of Y that are in the lease: from the first (at least 1) to the last
     * (at most the end's) */
    int64_t j1 = 12 * y - calc_month_index((calc_date)s->u.i) + 1, lo = j1 < 1 ? 1 : j1,
            hi = j1 + 11;
    if (end && calc_month_index((calc_date)end->u.i) - calc_month_index((calc_date)s->u.i) + 1 < hi)
        hi = calc_month_index((calc_date)end->u.i) - calc_month_index((calc_date)s->u.i) + 1;
    char d[16], az[160], ae[200];
    calc_date_format(d, (calc_date)s->u.i);
    if (lo > hi) {
        XP(x->actual, sizeof x->actual, "%s: no month of %lld in the lease", d, (long long)y);
        XW(az, sizeof az, "%s（%lld年不在租期内）", d, (long long)y);
        XW(ae, sizeof ae, "%s (no month of %lld in the lease)", d, (long long)y);
    } else {
        XP(x->actual, sizeof x->actual, "%s: %d months of %lld counted (lease months "
                "%lld-%lld)", d, n, (long long)y, (long long)lo, (long long)hi);
        XW(az, sizeof az, "%s（%lld年为租期第%lld至%lld个月，计入%d个月）", d, (long long)y,
                (long long)lo, (long long)hi, n);
        XW(ae, sizeof ae, "%s (%lld is lease months %lld to %lld; %d months counted)", d,
                (long long)y, (long long)lo, (long long)hi, n);
    }
    say(x, c, c->sn, az, ae, rz, re);
    if (n < kval(e, c, 0) && end &&
        calc_lease_months_in_year((calc_date)s->u.i, false, 0, (int)y, (int)kval(e, c, 1)) >= kval(e, c, 0)) {
        /* the end date alone leaves too few months: it is the field the reason names */
        XP(x->field, sizeof x->field, "%s%s", prefix, c->field2);
        calc_date_format(d, (calc_date)end->u.i);
        XP(x->actual, sizeof x->actual, "%s: %d months of %lld counted", d, n, (long long)y);
        XW(az, sizeof az, "%s（%lld年计入%d个月）", d, (long long)y, n);
        XW(ae, sizeof ae, "%s (%d months of %lld counted)", d, n, (long long)y);
        say(x, c, c->sn2, az, ae, rz, re);
    }
    return n >= kval(e, c, 0) ? TV_TRUE : TV_FALSE;
}

/* base <= d <= add_months(base, N) (book 2 §1.3, within N months after a date). */
static int x_within(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    (void)e;
    const pval *d = slot_at(base, c->pidx, c->plen), *b = slot_at(base, c->pidx2, c->plen2);
    XP(x->field, sizeof x->field, "%s%s", prefix, c->field);
    char rz[200], re[240];
    XW(rz, sizeof rz, "%s起%lld个月内", snode_label(c->sn2, 0), (long long)kval(e, c, 0));
    XW(re, sizeof re, "within %lld months after the %s", (long long)kval(e, c, 0),
            snode_label(c->sn2, 1));
    XP(x->required, sizeof x->required, "within %lld months after %s", (long long)kval(e, c, 0),
            c->field2);
    if (!d || !b) {
        if (!d)
            miss(x, prefix, c->field);
        if (!b)
            miss(x, prefix, c->field2);
        say(x, c, c->sn, d ? "" : "未填写", d ? "" : "not provided", rz, re);
        if (d && x->want_words) { /* the date is there, its base is not */
            char v[16];
            calc_date_format(v, (calc_date)d->u.i);
            say(x, c, c->sn, v, v, rz, re);
        }
        return TV_UNKNOWN;
    }
    calc_date last;
    if (calc_add_months((calc_date)b->u.i, kval(e, c, 0), &last))
        last = (calc_date)b->u.i;
    char v[16], f[16], t[16];
    calc_date_format(v, (calc_date)d->u.i);
    calc_date_format(f, (calc_date)b->u.i);
    calc_date_format(t, last);
    XP(x->actual, sizeof x->actual, "%s", v);
    XP(x->required, sizeof x->required, "between %s and %s (%lld months after %s)", f, t,
            (long long)kval(e, c, 0), c->field2);
    XW(rz + strlen(rz), sizeof rz - strlen(rz), "，即%s至%s期间", f, t);
    XW(re + strlen(re), sizeof re - strlen(re), ", i.e. from %s to %s", f, t);
    say(x, c, c->sn, v, v, rz, re);
    return d->u.i >= b->u.i && d->u.i <= last ? TV_TRUE : TV_FALSE;
}

/* An exact amount of hundredths of a fen, "747500000.00" (more decimals only when needed). */
static void exact_yuan(char *out, size_t cap, __int128 h, bool money)
{
    /* h = fen × 100 for money, units × 100 for counts */
    __int128 whole = h / (money ? 10000 : 100), frac = h % (money ? 10000 : 100);
    char digits[48];
    int n = 0;
    __int128 w = whole;
    do
        digits[n++] = (char)('0' + (int)(w % 10));
    while ((w /= 10) && n < 40);
    char s[64];
    int k = 0;
    while (n)
        s[k++] = digits[--n];
    s[k] = 0;
    if (money) {
        if (frac % 100)
            xprintf(out, cap, "%s.%04d", s, (int)frac);
        else
            xprintf(out, cap, "%s.%02d", s, (int)(frac / 100));
    } else if (frac)
        xprintf(out, cap, "%s.%02d", s, (int)frac);
    else
        xprintf(out, cap, "%s", s);
}

/* a × 100 >= b × p exactly (book 2 §1.5, ratio comparison). */
static int x_ratio(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    (void)e;
    const pval *a = slot_at(base, c->pidx, c->plen), *b = slot_at(base, c->pidx2, c->plen2);
    bool money = c->sn->type == T_MONEY;
    XP(x->field, sizeof x->field, "%s%s", prefix, c->field);
    char rz[240], re[240];
    XW(rz, sizeof rz, "不少于%s的%lld%%", snode_label(c->sn2, 0), (long long)kval(e, c, 0));
    XW(re, sizeof re, "at least %lld%% of the %s", (long long)kval(e, c, 0), snode_label(c->sn2, 1));
    XP(x->required, sizeof x->required, ">= %lld%% of %s", (long long)kval(e, c, 0), c->field2);
    if (!a || !b) {
        if (!a)
            miss(x, prefix, c->field);
        if (!b)
            miss(x, prefix, c->field2);
        char vz[160] = "未填写", ve[160] = "not provided";
        if (a && x->want_words) {
            char w[2][160];
            value_words(w, c->sn, a);
            XW(vz, sizeof vz, "%s", w[0]);
            XW(ve, sizeof ve, "%s", w[1]);
        }
        say(x, c, c->sn, vz, ve, rz, re);
        return TV_UNKNOWN;
    }
    __int128 lhs = (__int128)a->u.i * 100, rhs = (__int128)b->u.i * kval(e, c, 0);
    char bound[64];
    exact_yuan(bound, sizeof bound, rhs, money);
    char av[40];
    if (money)
        calc_money_format(av, a->u.i);
    else
        XP(av, sizeof av, "%lld", (long long)a->u.i);
    XP(x->actual, sizeof x->actual, "%s", av);
    XP(x->required, sizeof x->required, ">= %s (%lld%% of %s)", bound, (long long)kval(e, c, 0),
            c->field2);
    if (!x->want_words)
        return lhs >= rhs ? TV_TRUE : TV_FALSE;
    char w[2][160];
    value_words(w, c->sn, a);
    char shown[64]; /* grouped for people: ¥747,500,000.00 */
    if (money && rhs % 100 == 0 && rhs / 100 <= INT64_MAX) {
        calc_money_format_grouped(shown, (calc_money)(rhs / 100));
    } else
        XW(shown, sizeof shown, "%s", bound);
    XW(rz + strlen(rz), sizeof rz - strlen(rz), "，即%s%s", money ? "¥" : "", shown);
    XW(re + strlen(re), sizeof re - strlen(re), ", i.e. %s%s", money ? "¥" : "", shown);
    say(x, c, c->sn, w[0], w[1], rz, re);
    return lhs >= rhs ? TV_TRUE : TV_FALSE;
}

/* every / count / minimum over the months of Y (book 2 §1.5, month aggregates). */
static int x_months(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    const pval *l = slot_at(base, c->pidx, c->plen);
    int64_t y = claim_year(e);
    int64_t first = 12 * y;
    long item[12];
    for (int m = 0; m < 12; m++)
        item[m] = -1;
    for (size_t i = 0; l && i < l->u.l->n; i++) {
        const pval *it = &l->u.l->item[i];
        const pval *mv = it->set ? slot_at(it->u.o, &c->pidx2[0], 1) : NULL;
        if (!mv)
            continue;
        int64_t k = calc_month_index((calc_date)mv->u.i) - first;
        if (k >= 0 && k < 12 && item[k] < 0)
            item[k] = (long)i;
    }
    int known_ok = 0, unknown = 0, fail_at = -1;
    int64_t minv = INT64_MAX;
    for (int m = 0; m < 12; m++) {
        const pval *v = item[m] >= 0 ? slot_at(l->u.l->item[item[m]].u.o, &c->pidx2[1], 1)
                                     : NULL;
        if (!v) {
            unknown++;
            if (!x->want_miss) {
                continue;
            } else if (item[m] >= 0) {
                char p[200];
                xprintf(p, sizeof p, "%s[%ld].%s", c->field, item[m], c->item_field2);
                miss(x, prefix, p);
            } else {
                char p[200];
                xprintf(p, sizeof p, "%s[%04lld-%02d]", c->field, (long long)y, m + 1);
                miss(x, prefix, p);
            }
            continue;
        }
        if (v->u.i < minv)
            minv = v->u.i;
        if (v->u.i >= kval(e, c, 0))
            known_ok++;
        else if (fail_at < 0)
            fail_at = m;
    }
    int tv;
    if (c->op == C_MONTHS_COUNT)
        tv = known_ok >= kval(e, c, 1) ? TV_TRUE : known_ok + unknown < kval(e, c, 1) ? TV_FALSE : TV_UNKNOWN;
    else
        tv = fail_at >= 0 ? TV_FALSE : unknown ? TV_UNKNOWN : TV_TRUE;
    const snode *vs = c->sn2;
    char rz[200], re[200];
    const char *uz = vs->unit ? vs->unit : "", *ue = vs->unit_en ? vs->unit_en : "";
    if (c->op == C_MONTHS_COUNT) {
        XW(rz, sizeof rz, "%lld年至少%lld个月%s不少于%lld%s", (long long)y, (long long)kval(e, c, 1),
                snode_label(vs, 0), (long long)kval(e, c, 0), uz);
        XW(re, sizeof re, "%s of at least %lld%s%s in at least %lld months of %lld",
                snode_label(vs, 1), (long long)kval(e, c, 0), ue[0] ? " " : "", ue, (long long)kval(e, c, 1),
                (long long)y);
    } else {
        XW(rz, sizeof rz, "%lld年每月%s不少于%lld%s", (long long)y, snode_label(vs, 0),
                (long long)kval(e, c, 0), uz);
        XW(re, sizeof re, "%s of at least %lld%s%s in every month of %lld",
                snode_label(vs, 1), (long long)kval(e, c, 0), ue[0] ? " " : "", ue, (long long)y);
    }
    XP(x->required, sizeof x->required, "%s >= %lld in %s months of %lld", c->item_field2,
            (long long)kval(e, c, 0), c->op == C_MONTHS_COUNT ? "enough" : "all", (long long)y);
    if (tv == TV_FALSE && fail_at >= 0) {
        const pval *v = slot_at(l->u.l->item[item[fail_at]].u.o, &c->pidx2[1], 1);
        XP(x->field, sizeof x->field, "%s%s[%ld].%s", prefix, c->field, item[fail_at],
                c->item_field2);
        XP(x->actual, sizeof x->actual, "%lld (%04lld-%02d)", (long long)v->u.i,
                (long long)y, fail_at + 1);
        char az[120], ae[120];
        XW(az, sizeof az, "%04lld-%02d %s %lld%s", (long long)y, fail_at + 1,
                snode_label(vs, 0), (long long)v->u.i, uz);
        XW(ae, sizeof ae, "%04lld-%02d %s %lld%s%s", (long long)y, fail_at + 1,
                snode_label(vs, 1), (long long)v->u.i, ue[0] ? " " : "", ue);
        say(x, c, NULL, az, ae, rz, re);
        x->nmiss = 0;
        return tv;
    }
    XP(x->field, sizeof x->field, "%s%s", prefix, c->field);
    char az[160], ae[160];
    XP(x->actual, sizeof x->actual, "%d of 12 months known, %d at least %lld", 12 - unknown,
            known_ok, (long long)kval(e, c, 0));
    XW(az, sizeof az, "已知%d个月，其中%d个月达到要求", 12 - unknown, known_ok);
    XW(ae, sizeof ae, "%d of 12 months known, %d of them at least %lld", 12 - unknown,
            known_ok, (long long)kval(e, c, 0));
    say(x, c, c->sn, az, ae, rz, re);
    if (tv != TV_UNKNOWN)
        x->nmiss = 0;
    return tv;
}

/* The ledger key a condition asks about, in key (book 2 §1.7 "Keys"): 1 with a key, 0 when
 * its field is absent (unknown), 2 when no threshold is reached (nothing to ask). */
static int key_of(E *e, const cond *c, const pobj *base, const char *prefix, xres *x,
                  char *key, size_t cap, int64_t *at_least, const char **text)
{
    *text = key; /* a text field's key is its value itself, of any length */
    switch (c->key) {
    case KEY_ANY: key[0] = 0; return 1;
    case KEY_CLAIM_YEAR: { /* four digits, without printf: asked of every policy */
        int64_t y = claim_year(e);
        if (y < 0 || y > 9999 || cap < 5) {
            xprintf(key, cap, "%04lld", (long long)y);
            return 1;
        }
        for (int i = 3; i >= 0; i--, y /= 10)
            key[i] = (char)('0' + y % 10);
        key[4] = 0;
        return 1;
    }
    default: break;
    }
    const pval *v = slot_at(base, c->pidx, c->plen);
    if (!v) {
        miss(x, prefix, c->field);
        return 0;
    }
    if (c->key == KEY_THRESHOLD) {
        int64_t h = -1;
        for (size_t i = 0; i < c->nthreshold; i++)
            if (c->thresholds[i] <= v->u.i)
                h = c->thresholds[i];
        if (h < 0)
            return 2;
        *at_least = h / 100;
        xprintf(key, cap, "%lld", (long long)(h / 100));
        return 1;
    }
    switch (v->type) {
    case T_DATE: calc_date_format(key, (calc_date)v->u.i); break;
    case T_ENUM: xprintf(key, cap, "%s", v->s ? v->s : ""); break; /* the key: its code */
    case T_STRING: *text = v->u.s; break;
    default: xprintf(key, cap, "%lld", (long long)v->u.i);
    }
    return 1;
}

/* The reason's words for a ledger entry: "奖励记录第2条：2023年度 ¥8,000,000.00（2023）". */
static void entry_text(const E *e, size_t i, char az[200], char ae[200], xres *x,
                       const char *const shown[2])
{
    const ledger_schema *ls = &e->c->ps->ledger;
    const pval *it = &e->c->prof->root.u.o->slot[ls->list->index].u.l->item[i];
    const pval *y = &it->u.o->slot[ls->iyear], *a = &it->u.o->slot[ls->iamount],
               *k = &it->u.o->slot[ls->ikey], *p = &it->u.o->slot[ls->ipolicy];
    char m[40];
    calc_money_format_grouped(m, a->set ? a->u.i : 0);
    const char *ks = k->set ? k->u.s : "", *ps = p->set ? p->u.s : "";
    long long yy = y->set ? (long long)y->u.i : 0;
    XP(x->field, sizeof x->field, "%s[%zu]", ls->list->name, i);
    XP(x->actual, sizeof x->actual, "%s, year %lld, key %s, amount %s", ps, yy, ks, m);
    /* the key in words when it is the one asked about (an enum's label, not its code) */
    XW(az, 200, "第%zu条：%lld年度 ¥%s（%s）", i + 1, yy, m, shown ? shown[0] : ks);
    XW(ae, 200, "entry %zu: year %lld, ¥%s (%s)", i + 1, yy, m, shown ? shown[1] : ks);
}

/* Entries of the policy under way with `key` (NULL: any) and `year`: through an index of its
 * entries when the ledger is long (built once per evaluation), else by a scan. */
static size_t lcount(E *e, const char *key, int64_t year, size_t *first)
{
    const ledger_schema *ls = &e->c->ps->ledger;
    const pobj *root = e->c->prof->root.u.o;
    const pval *l = ls->list ? &root->slot[ls->list->index] : NULL;
    if (!key || !l || !l->set || l->u.l->n < 64)
        return ledger_count(ls, root, e->p->id, key, year, first);
    ledger_index *ix = &e->c->lidx;
    if (ix->stamp != e->c->evals) {
        if (ledger_index_build(ix, ls, root, e->p->id))
            return ledger_count(ls, root, e->p->id, key, year, first);
        ix->stamp = e->c->evals;
    }
    return ledger_index_count(ix, key, year, first);
}

/* no_award / installment_due (book 2 §1.7). */
static int x_ledger(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    const ledger_schema *ls = &e->c->ps->ledger;
    const char *pol = e->p->id;
    char kbuf[128];
    const char *key = kbuf;
    int64_t at_least = 0;
    int64_t y = claim_year(e);
    int k = key_of(e, c, base, prefix, x, kbuf, sizeof kbuf, &at_least, &key);
    const snode *lsn = ls->list;
    const char *kshow[2] = {key, key}; /* the key in words: an enum's label, not its code */
    if (k == 1 && c->key == KEY_FIELD && c->sn && c->sn->type == T_ENUM) {
        const pval *kv = slot_at(base, c->pidx, c->plen);
        if (kv) {
            kshow[0] = enum_label_lang(c->sn->en, (int)kv->u.i, 0);
            kshow[1] = enum_label_lang(c->sn->en, (int)kv->u.i, 1);
        }
    }
    char rz[240], re[240];
    bool inst = c->op == C_INSTALLMENT;
    if (inst)
        XW(rz, sizeof rz, "分期未发放完毕且%lld年度尚未发放", (long long)y);
    else if (c->key == KEY_ANY)
        XW(rz, sizeof rz, "此前未获得本政策奖励");
    else if (c->key == KEY_THRESHOLD)
        XW(rz, sizeof rz, "此前未获得本台阶或更高台阶的奖励");
    else if (c->in_claim_year)
        XW(rz, sizeof rz, "%lld年度尚未就“%s”获得本政策奖励", (long long)y,
                k == 1 ? kshow[0] : "…");
    else
        XW(rz, sizeof rz, "尚未就“%s”获得本政策奖励", k == 1 ? kshow[0] : "…");
    if (inst)
        XW(re, sizeof re, "an installment still due, nothing paid for %lld", (long long)y);
    else if (c->key == KEY_ANY)
        XW(re, sizeof re, "no award of this policy before");
    else if (c->key == KEY_THRESHOLD)
        XW(re, sizeof re, "no award at this threshold or a higher one before");
    else if (c->in_claim_year)
        XW(re, sizeof re, "no award of this policy for “%s” in %lld", k == 1 ? kshow[1] : "…",
                (long long)y);
    else
        XW(re, sizeof re, "no award of this policy for “%s” before", k == 1 ? kshow[1] : "…");
    XP(x->field, sizeof x->field, "%s%s", prefix, c->field);
    if (k == 0) {
        say(x, c, c->sn, "未填写", "not provided", rz, re);
        return TV_UNKNOWN;
    }
    if (k == 2) {
        XP(x->actual, sizeof x->actual, "no threshold reached");
        XP(x->required, sizeof x->required, "no entry of %s at a threshold reached", pol);
        say(x, c, lsn, "未达到任何台阶", "no threshold reached", rz, re);
        return TV_TRUE;
    }
    size_t first, n;
    const pobj *root = e->c->prof->root.u.o;
    if (inst) {
        int64_t nn = kval(e, c, 0);
        if (c->by_n) {
            const pval *lv = slot_at(base, c->pidx2, c->plen2);
            if (!lv) {
                miss(x, prefix, c->field2);
                say(x, c, c->sn2, "未填写", "not provided", rz, re);
                return TV_UNKNOWN;
            }
            nn = (size_t)lv->u.i < c->nby ? c->by_n[lv->u.i] : 0;
            if (nn == 0) { /* no schedule for this value: nothing to count */
                XP(x->actual, sizeof x->actual, "no installments for %s", lv->s);
                XP(x->required, sizeof x->required, "installment k <= n");
                say(x, c, lsn, "无分期安排", "no installment schedule", rz, re);
                return TV_TRUE;
            }
        }
        n = lcount(e, key, LEDGER_ANY_YEAR, &first);
        XP(x->required, sizeof x->required, "installment %zu of at most %lld", n + 1,
                (long long)nn);
        if ((int64_t)n + 1 <= nn) {
            XP(x->actual, sizeof x->actual, "installment %zu of %lld due", n + 1,
                    (long long)nn);
            char az[120], ae[120];
            XW(az, sizeof az, "应发第%zu期（共%lld期）", n + 1, (long long)nn);
            XW(ae, sizeof ae, "installment %zu of %lld due", n + 1, (long long)nn);
            say(x, c, lsn, az, ae, rz, re);
            return TV_TRUE;
        }
    } else if (c->key == KEY_THRESHOLD) {
        /* the thresholds at or above H, as keys (book 2 §1.7: whole yuan in digits) */
        char kb[16][24];
        const char *keys[16];
        size_t nk = 0;
        for (size_t i = 0; i < c->nthreshold && nk < 16; i++)
            if (c->thresholds[i] / 100 >= at_least) {
                xprintf(kb[nk], sizeof kb[nk], "%lld", (long long)(c->thresholds[i] / 100));
                keys[nk] = kb[nk];
                nk++;
            }
        n = 0;
        first = SIZE_MAX;
        for (size_t i = 0; i < nk; i++) {
            size_t f, m = lcount(e, keys[i], LEDGER_ANY_YEAR, &f);
            n += m;
            if (m && f < first)
                first = f;
        }
        XP(x->required, sizeof x->required, "no entry of %s with a key >= %s", pol, key);
    } else {
        n = lcount(e, c->key == KEY_ANY ? NULL : key, c->in_claim_year ? y : LEDGER_ANY_YEAR,
                   &first);
        XP(x->required, sizeof x->required, "no entry of %s%s%s%s", pol,
                c->key == KEY_ANY ? "" : " with key ", c->key == KEY_ANY ? "" : key,
                c->in_claim_year ? " in the claim year" : "");
    }
    if (!n && !x->text && !x->want_words)
        return TV_TRUE;
    if (!n) {
        size_t any = ledger_count(ls, root, pol, NULL, LEDGER_ANY_YEAR, &first);
        XP(x->actual, sizeof x->actual, "none (%zu entries of %s)", any, pol);
        char az[120], ae[120];
        if (any) {
            XW(az, sizeof az, "本政策已有%zu条记录，均不相同", any);
            XW(ae, sizeof ae, "%zu entries of this policy, not this one", any);
        } else {
            XW(az, sizeof az, "本政策无记录");
            XW(ae, sizeof ae, "no entries of this policy");
        }
        say(x, c, lsn, az, ae, rz, re);
        return TV_TRUE;
    }
    char az[200], ae[200];
    entry_text(e, first, az, ae, x, c->key == KEY_FIELD ? kshow : NULL);
    say(x, c, lsn, az, ae, rz, re);
    return TV_FALSE;
}

/* The current stage's date in the window (book 2 §3, qt25-listing L2). */
static int x_stage(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    const pval *st = slot_at(base, c->pidx, c->plen);
    const pval *obj = slot_at(base, c->pidx2, c->plen2);
    char a[16], b[16];
    if (x->text || x->want_words) {
        calc_date_format(a, (calc_date)reqv(e, &c->req[0]));
        calc_date_format(b, (calc_date)reqv(e, &c->req[1]));
    }
    char rz[120], re[120];
    XW(rz, sizeof rz, "当前阶段的日期在%s至%s期间", a, b);
    XW(re, sizeof re, "the current stage's date from %s to %s", a, b);
    XP(x->required, sizeof x->required, "between %s and %s", a, b);
    XP(x->field, sizeof x->field, "%s%s", prefix, c->field);
    if (!st) {
        miss(x, prefix, c->field);
        say(x, c, c->sn, "未填写", "not provided", rz, re);
        return TV_UNKNOWN;
    }
    const snode *d = schema_child(c->sn2, st->s ? st->s : "", st->s ? strlen(st->s) : 0);
    if (!d) { /* a stage without a date (none): nothing to check */
        XP(x->actual, sizeof x->actual, "%s", st->s ? st->s : "");
        char w[2][160];
        value_words(w, c->sn, st);
        say(x, c, c->sn, w[0], w[1], rz, re);
        return TV_TRUE;
    }
    xprintf(x->field, sizeof x->field, "%s%s.%s", prefix, c->field2, d->name); /* also missing's */
    const pval *v = obj && obj->type == T_OBJECT && obj->u.o->slot[d->index].set
                        ? &obj->u.o->slot[d->index]
                        : NULL;
    if (!v) {
        miss(x, "", x->field);
        say(x, c, d, "未填写", "not provided", rz, re);
        return TV_UNKNOWN;
    }
    char dv[16];
    calc_date_format(dv, (calc_date)v->u.i);
    XP(x->actual, sizeof x->actual, "%s", dv);
    say(x, c, d, dv, dv, rz, re);
    return v->u.i >= reqv(e, &c->req[0]) && v->u.i <= reqv(e, &c->req[1]) ? TV_TRUE : TV_FALSE;
}

int evalx(E *e, const cond *c, const pobj *base, const char *prefix, xres *x)
{
    x->nmiss = 0;
    x->field[0] = x->actual[0] = x->required[0] = 0;
    switch (c->op) {
    case C_BETWEEN: return x_between(e, c, base, prefix, x);
    case C_YEAR_INDEX_MIN:
    case C_YEAR_INDEX_MAX: return x_year_index(e, c, base, prefix, x);
    case C_LEASE_MONTHS: return x_lease(e, c, base, prefix, x);
    case C_WITHIN_MONTHS: return x_within(e, c, base, prefix, x);
    case C_RATIO: return x_ratio(e, c, base, prefix, x);
    case C_MONTHS_EVERY:
    case C_MONTHS_COUNT:
    case C_MONTHS_MIN: return x_months(e, c, base, prefix, x);
    case C_NO_AWARD:
    case C_INSTALLMENT: return x_ledger(e, c, base, prefix, x);
    case C_STAGE_DATE: return x_stage(e, c, base, prefix, x);
    }
    return TV_UNKNOWN;
}
