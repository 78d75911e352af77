/* explain.c — what a result says to people beyond its conditions' sentences (label.c): in the
 * JSON, each record's label, the missing fields' labels, whether the amount uses illustrative
 * parameters, the title of the policy that superseded it, a pooled claim's pool and the
 * computation in words; for the table, the pool's and the enterprise cap's lines. Honest
 * amounts: a single estimate of a pooled policy is a claim, allocated in batch. */
#include "explain.h"
#include "calendar.h"

#include <string.h>

#define LIT(b, s) sb_putn((b), (s), sizeof(s) - 1)

void json_decl_names(sbuf *b, const decl *d, size_t nd, uint64_t m)
{
    sb_puts(b, "[");
    for (size_t i = 0, w = 0; i < nd && i < 64; i++)
        if (m >> i & 1) {
            if (w++)
                sb_puts(b, ", ");
            sb_json_str(b, d[i].name);
        }
    sb_puts(b, "]");
}

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

/* The cap's limit in words when it is an expression (book 2 §1.8): what it is made of. */
static void cap_limit_words(sbuf *b, const calc_engine *e, const decl *x, const cap_step *st,
                            int lang)
{
    if (!x->limit_expr && st->granted > 0) { /* --ledger: earlier rounds of the claim year */
        sb_puts(b, lang ? " (the limit less " : "（上限已扣除台账记录的成员本申报年度已授予 ");
        label_money(b, st->granted);
        sb_puts(b, lang ? " granted to its members for the claim year, as the ledger records)"
                        : "）");
    }
    if (!x->limit_expr)
        return;
    sbuf f = {0};
    const char *year = x->less_claim_year ? (lang ? " for the claim year" : "申报年度")
                                          : (lang ? " in any year" : "历年");
    if (x->limit_field) {
        path_label(&f, e->ps.schema.root, x->limit_field, lang);
        sb_printf(b, lang ? " (the limit: %s less the awards already paid to its members%s)"
                          : "（上限 = %s − 成员%s已获奖励）",
                  f.p ? f.p : x->limit_field, year);
    } else if (x->nless) {
        calc_money paid = x->limit - st->limit;
        sb_puts(b, lang ? " (the limit: " : "（上限 = ");
        label_money(b, x->limit);
        sb_printf(b, lang ? " less the awards already paid to its members%s, " : " − 成员%s已获奖励 ",
                  year);
        label_money(b, st->limit > 0 ? paid : x->limit);
        if (st->limit <= 0)
            sb_puts(b, lang ? " or more" : " 或以上");
        sb_puts(b, lang ? ")" : "）");
    }
    sb_free(&f);
}

/* One cap step in words: the sum, the limit, and the member's share floored to the fen. */
static void cap_step_words(sbuf *b, const calc_engine *e, const cap_step *st, int lang)
{
    const decl *x = NULL;
    for (size_t c = 0; c < e->ps.ncap; c++)
        if (strcmp(e->ps.cap[c].name, st->cap) == 0)
            x = &e->ps.cap[c];
    const char *title = x ? (lang ? x->en : x->zh) : st->cap;
    sb_printf(b, lang ? "Enterprise cap “%s”: the members' sum " : "企业上限「%s」：各项合计 ", title);
    label_money(b, st->sum);
    if (st->limit <= 0) {
        sb_puts(b, lang ? ", the limit is " : "，上限为 ");
        label_money(b, 0);
        if (x)
            cap_limit_words(b, e, x, st, lang);
        sb_puts(b, lang ? ", nothing left: " : "，已无余额：本项 ");
        label_money(b, st->before);
        sb_puts(b, lang ? " becomes " : " 降为 ");
        label_money(b, st->after);
        return;
    }
    sb_puts(b, lang ? " exceeds the limit " : " 超过上限 ");
    label_money(b, st->limit);
    if (x)
        cap_limit_words(b, e, x, st, lang);
    sb_puts(b, lang ? "; " : "，本项 ");
    label_money(b, st->before);
    sb_puts(b, " × ");
    label_money(b, st->limit);
    sb_puts(b, " / ");
    label_money(b, st->sum);
    sb_puts(b, lang ? ", rounded down to the fen = " : "，向下取整到分 = ");
    label_money(b, st->after);
}

/* The caps that bound the result, one line each in the set's order (several caps: each
 * step on the amount the previous one left); `k` picks the line. */
void cap_step_line(sbuf *b, const calc_engine *e, const policy *p, const pres *r, size_t k,
                   int lang)
{
    if (k < r->ncap_steps) {
        cap_step_words(b, e, &r->cap_steps[k], lang);
        return;
    }
    /* no step recorded: the one cap and its factor */
    cap_step st = {r->cap_name ? r->cap_name : e->ps.cap[p->cap].name, r->amount_before_cap,
                   r->amount, r->cap_limit, r->cap_sum, 0};
    cap_step_words(b, e, &st, lang);
}

size_t cap_step_count(const pres *r)
{
    return r->ncap_steps ? r->ncap_steps : 1;
}

void cap_share_words(sbuf *b, const calc_engine *e, const policy *p, const pres *r, int lang)
{
    size_t n = cap_step_count(r);
    for (size_t k = 0; k < n; k++) {
        if (k)
            sb_puts(b, "\n");
        cap_step_line(b, e, p, r, k, lang);
    }
}

size_t computation_count(const policy *p, const pres *r)
{
    return r->nwords +
           (r->capped && p->cap >= 0 && r->status == ST_ELIGIBLE ? cap_step_count(r) : 0);
}

const char *computation_line(sbuf *t, const calc_engine *e, const policy *p, const pres *r,
                             size_t k, int lang)
{
    if (k < r->nwords)
        return r->words[2 * k + lang];
    t->n = 0;
    cap_step_line(t, e, p, r, k - r->nwords, lang);
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

/* A field's label for a window line: a list item's field as "第N项…" is not wanted here, so
 * "talents[].arrived" reads as the list's label and the field's ("高层次人才 到岗日期"). */
static void window_field(sbuf *b, const calc_engine *e, const char *path, int lang)
{
    const char *br = strstr(path, "[].");
    const snode *sn = br ? NULL : schema_resolve(e->ps.schema.root, path);
    if (sn && sn->type == T_OBJECT && !(lang ? sn->label_en : sn->label) && sn->nchild) {
        /* a group of dates with no label of its own (listing.stage_dates): its fields' */
        for (size_t i = 0; i < sn->nchild; i++) {
            if (i)
                sb_puts(b, lang ? ", " : "、");
            path_label(b, e->ps.schema.root, sn->child[i]->path, lang);
        }
        return;
    }
    if (!br) {
        path_label(b, e->ps.schema.root, path, lang);
        return;
    }
    char list[128];
    size_t n = (size_t)(br - path) < sizeof list - 1 ? (size_t)(br - path) : sizeof list - 1;
    memcpy(list, path, n);
    list[n] = 0;
    char item[300];
    snprintf(item, sizeof item, "%s[0].%s", list, br + 3);
    sbuf l = {0}, f = {0};
    path_label(&l, e->ps.schema.root, list, lang);
    path_label(&f, e->ps.schema.root, item, lang);
    /* the item's label begins with the list's ("第1项…"): keep the field's own words */
    const char *own = f.p ? f.p : item, *sp;
    if (lang && (sp = strstr(own, " — ")))
        own = sp + strlen(" — ");
    else if (!lang && (sp = strrchr(own, ' ')))
        own = sp + 1;
    sb_printf(b, lang ? "%s: %s" : "%s %s", l.p ? l.p : list, own);
    sb_free(&l);
    sb_free(&f);
}

void window_words(sbuf *b, const calc_engine *e, const policy *p, calc_date as_of, int lang)
{
    char d1[16], d2[16];
    sb_printf(b, lang ? "payout window (in force) %s – %s" : "兑现期（有效期）%s – %s",
              calc_date_format(d1, p->from), calc_date_format(d2, p->to));
    if (p->book >= 0)
        sb_printf(b, lang ? "; claim year %d" : "；申报年度 %d年", calc_date_year(as_of) - 1);
    if (p->has_event) {
        sb_puts(b, lang ? "; event window: " : "；事件期间：");
        window_field(b, e, p->ev_field, lang);
        if (p->ev_field2) {
            sb_puts(b, lang ? " (else " : "（无则");
            window_field(b, e, p->ev_field2, lang);
            sb_puts(b, lang ? ")" : "）");
        }
        sb_printf(b, p->ev_field2 && !lang ? "%s – %s" : " %s – %s",
                  calc_date_format(d1, p->ev_from), calc_date_format(d2, p->ev_to));
    }
    if (p->has_app) {
        sb_puts(b, lang ? "; application window: " : "；申请期限：");
        window_field(b, e, p->app_field, lang);
        sb_printf(b, lang ? " within %d months after " : "在", p->app_months);
        window_field(b, e, p->app_after, lang);
        if (!lang)
            sb_printf(b, "起%d个月内", p->app_months);
    }
}

const char *book_cond_heading(sbuf *t, const calc_engine *e, const policy *p, size_t top, int lang)
{
    if (p->book < 0 || !p->nbook_cond || (top != 0 && top != p->nbook_cond))
        return NULL;
    const pbook *bk = &e->ps.book[p->book];
    t->n = 0;
    if (top == 0)
        sb_printf(t, lang ? "conditions of the book “%s” (for each of its policies):"
                          : "政策包「%s」统一条件（包内每项政策适用）：",
                  lang ? bk->en : bk->zh);
    else
        sb_puts(t, lang ? "this policy's own conditions:" : "本政策条件：");
    return t->p;
}
