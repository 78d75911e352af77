/* explain.c — what a result says to people beyond its conditions' sentences (label.c): in the
 * JSON, each record's label, the missing fields' labels, whether the amount uses illustrative
 * parameters, the title of the policy that superseded it, a pooled claim's pool and the
 * computation in words; for the table, the pool's and the enterprise cap's lines. Honest
 * amounts: a single estimate of a pooled policy is a claim, allocated in batch. */
#include "explain.h"

#include <string.h>

#define LIT(b, s) sb_putn((b), (s), sizeof(s) - 1)

void json_zh_en(sbuf *b, const char *zh, const char *en)
{
    LIT(b, "{\"zh\": ");
    sb_json_str(b, zh ? zh : "");
    LIT(b, ", \"en\": ");
    sb_json_str(b, en ? en : "");
    LIT(b, "}");
}

void json_rec_label(sbuf *b, sbuf *t, const crec *c)
{
    LIT(b, ", \"label\": {\"zh\": ");
    t->n = 0;
    crec_label(t, c, 0);
    sb_json_str(b, t->p ? t->p : "");
    LIT(b, ", \"en\": ");
    t->n = 0;
    crec_label(t, c, 1);
    sb_json_str(b, t->p ? t->p : "");
    LIT(b, "}");
}

/* n with thousands grouped: 126,000,000 */
static void sb_grouped(sbuf *b, int64_t n)
{
    char d[24];
    int len = snprintf(d, sizeof d, "%lld", (long long)n);
    for (int i = 0; i < len; i++) {
        if (i && d[i - 1] != '-' && (len - i) % 3 == 0)
            sb_puts(b, ",");
        sb_putn(b, d + i, 1);
    }
}

/* A pool's size in words: ¥126,000,000.00, 2,000套, 50,000 m². */
static void pool_size(sbuf *b, const decl *x, int lang)
{
    if (x->unit == U_YUAN) {
        label_money(b, x->size);
        return;
    }
    sb_grouped(b, x->size);
    sb_puts(b, x->unit == U_M2 ? " m²" : lang ? " units" : "套");
}

static const char *pool_mode(const decl *x, int lang)
{
    if (x->mode)
        return lang ? "first come, first served by application date" : "按申报先后分配";
    return lang ? "pro rata" : "按比例分配";
}

/* What a single estimate of a pooled policy is: a claim, allocated in batch. */
static void pool_note(sbuf *b, const decl *x, int lang)
{
    const char *what = x->unit == U_YUAN ? (lang ? "amount" : "金额") : (lang ? "quantity" : "数量");
    sb_printf(b, lang ? "This is a claim on “%s” (" : "本项为对「%s」（", lang ? x->en : x->zh);
    pool_size(b, x, lang);
    sb_printf(b, lang ? "); the actual %s is allocated %s in batch evaluation"
                      : "）的申请，实际%s在批量测算中%s",
              what, pool_mode(x, lang));
}

/* , "pool_claim": {"pool", "title", "size", "unit", "mode", "note"} */
static void json_pool_claim(sbuf *b, const decl *x)
{
    static const char *const unit[] = {[U_YUAN] = "yuan", [U_UNITS] = "units", [U_M2] = "m2"};
    char v[40];
    LIT(b, ", \"pool_claim\": {\"pool\": ");
    sb_json_str(b, x->name);
    LIT(b, ", \"title\": ");
    json_zh_en(b, x->zh, x->en);
    if (x->unit == U_YUAN)
        calc_money_format(v, x->size);
    else
        snprintf(v, sizeof v, "%lld", (long long)x->size);
    sb_printf(b, ", \"size\": \"%s\", \"unit\": \"%s\", \"mode\": \"%s\", \"note\": ", v,
              x->unit == U_YUAN || x->unit == U_UNITS || x->unit == U_M2 ? unit[x->unit] : "",
              x->mode ? "first_come" : "pro_rata");
    sbuf zh = {0}, en = {0};
    pool_note(&zh, x, 0);
    pool_note(&en, x, 1);
    json_zh_en(b, zh.p, en.p);
    sb_free(&zh);
    sb_free(&en);
    LIT(b, "}");
}

bool amount_computed(const pres *r)
{
    return r->status == ST_ELIGIBLE || r->status == ST_SUPERSEDED;
}

void json_people(sbuf *b, const polset *ps, const policy *p, const pres *r)
{
    LIT(b, ", \"missing_labels\": [");
    for (size_t k = 0; k < r->nmissing; k++) {
        sbuf zh = {0}, en = {0};
        path_label(&zh, ps->schema.root, r->missing[k], 0);
        path_label(&en, ps->schema.root, r->missing[k], 1);
        if (k)
            LIT(b, ", ");
        json_zh_en(b, zh.p, en.p);
        sb_free(&zh);
        sb_free(&en);
    }
    LIT(b, "]");
    if (p->illustrative && amount_computed(r))
        LIT(b, ", \"illustrative\": true");
    int w = r->status == ST_SUPERSEDED ? policy_index(ps, r->superseded_by) : -1;
    if (w >= 0) {
        LIT(b, ", \"superseded_by_title\": ");
        json_zh_en(b, ps->pol[w].title_zh, ps->pol[w].title_en);
    }
    if (p->pool >= 0 && (r->status == ST_ELIGIBLE || r->pooled)) /* a claim, granted or not */
        json_pool_claim(b, &ps->pool[p->pool]);
}

void cap_share_words(sbuf *b, const calc_engine *e, const policy *p, const pres *r, int lang)
{
    char m4[40], m5[40];
    /* the cap whose factor is stated: the last that bound (a policy in several caps) */
    const decl *x = &e->ps.cap[p->cap];
    for (size_t i = 0; r->cap_name && i < e->ps.ncap; i++)
        if (strcmp(e->ps.cap[i].name, r->cap_name) == 0)
            x = &e->ps.cap[i];
    sb_printf(b, lang ? "Enterprise cap “%s”: the members' sum " : "企业上限「%s」：各项合计 ",
              lang ? x->en : x->zh);
    label_money(b, r->cap_sum);
    sb_puts(b, lang ? " exceeds the limit " : " 超过上限 ");
    label_money(b, r->cap_limit);
    sb_puts(b, lang ? "; " : "，本项 ");
    /* after an earlier cap, the amount this one shared is that step's, not the one before caps */
    label_money(b, r->ncap_steps ? r->cap_steps[r->ncap_steps - 1].before : r->amount_before_cap);
    sb_printf(b, lang ? " × %s / %s, rounded down to the fen = " : " × %s / %s，向下取整到分 = ",
              calc_money_format(m4, r->cap_limit), calc_money_format(m5, r->cap_sum));
    label_money(b, r->amount);
}

size_t computation_count(const policy *p, const pres *r)
{
    return r->nwords + (r->capped && p->cap >= 0 && r->status == ST_ELIGIBLE);
}

const char *computation_line(sbuf *t, const calc_engine *e, const policy *p, const pres *r,
                             size_t k, int lang)
{
    if (k < r->nwords)
        return r->words[2 * k + lang];
    t->n = 0;
    cap_share_words(t, e, p, r, lang);
    return t->p ? t->p : "";
}

void json_computation(sbuf *b, FILE *sink, const calc_engine *e, const policy *p,
                             const pres *r)
{
    size_t n = computation_count(p, r);
    sbuf t = {0};
    LIT(b, ", \"computation\": {");
    for (int l = 0; l < 2; l++) {
        sb_puts(b, l ? "], \"en\": [" : "\"zh\": [");
        for (size_t k = 0; k < n; k++) {
            if (sink && b->n > 65536) {
                fwrite(b->p, 1, b->n, sink);
                b->n = 0;
            }
            if (k)
                LIT(b, ", ");
            sb_json_str(b, computation_line(&t, e, p, r, k, l));
        }
    }
    sb_free(&t);
    LIT(b, "]}");
}

void pool_words(sbuf *b, const decl *x, bool claim, int lang)
{
    sb_printf(b, lang ? "Pool: %s (" : x->unit == U_YUAN ? "资金池：%s（" : "资源池：%s（",
              lang ? x->en : x->zh);
    pool_size(b, x, lang);
    sb_printf(b, lang ? ", %s)" : "，%s）", pool_mode(x, lang));
    if (claim)
        sb_puts(b, x->unit == U_YUAN
                       ? (lang ? "; a single estimate is a claim: the amount granted is set by the "
                                 "batch allocation"
                               : "；单户测算为申请额，实际金额以批量分配为准")
                       : (lang ? "; a single estimate is a claim: the quantity granted is set by "
                                 "the batch allocation"
                               : "；单户测算为申请量，实际数量以批量分配为准"));
}
