/* output.c — writes results for people: the aligned table (CJK counted double width) with
 * --explain's conditions, steps and sources, and scenarios side by side (the JSON is
 * resultjson.c's).
 * It formats; it never decides a status or an amount. */
#include "explain.h"
#include "msgs.h"
#include "polkey.h"

#include <string.h>

static const char *const status_en[] = {"eligible", "ineligible", "needs_data",
                                        "not_in_force", "superseded", "error"};
static const char *const status_zh[] = {"符合", "不符合", "需补充资料", "不在有效期",
                                        "就高未选", "错误"};
/* the English table's words for a status (the JSON keeps the codes above) */
static const char *const status_words_en[] = {"eligible", "ineligible", "needs data",
                                              "not in force", "superseded", "error"};

const char *calc_status_name(int st) { return status_en[st]; }

/* A status in words, for a person: the table's Chinese, or English without the codes' '_'. */
const char *calc_status_label(int st, int lang)
{
    static const char *const words_en[] = {"eligible",     "ineligible", "needs data",
                                           "not in force", "superseded", "error"};
    return lang ? words_en[st] : status_zh[st];
}

#define LIT(b, s) sb_putn((b), (s), sizeof(s) - 1)


/* Display width: East Asian wide characters count two columns. */
size_t calc_text_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (len == 3 && p[1] && p[2])
            c = ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        w += (c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) ||
                              (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                              (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                              (c >= 0xFFE0 && c <= 0xFFE6)))
                 ? 2
                 : 1;
        for (int i = 0; i < len && *p; i++)
            p++;
    }
    return w;
}

static void pad(sbuf *b, const char *s, size_t width)
{
    sb_puts(b, s);
    for (size_t w = calc_text_width(s); w < width; w++)
        sb_puts(b, " ");
}

static void amount_text(char *out, size_t cap, const policy *p, const pres *r, int lang)
{
    char m[40];
    calc_money_format_grouped(m, r->amount);
    if (p->kind == K_MATCH)
        snprintf(out, cap, "%s", r->status == ST_ELIGIBLE ? (lang ? "matched" : "匹配") : "-");
    else if (p->kind == K_IN_KIND) {
        const char *u = strcmp(p->unit, "m2") == 0 ? "m²" : lang ? "units" : "套";
        snprintf(out, cap, "%lld %s (¥%s)", (long long)r->quantity, u, m);
    } else
        snprintf(out, cap, "¥%s", m);
}

/* Lines after a first one that begins with `head`, indented under its text. */
static void block_lines(sbuf *b, const char *head, char *const *lines, size_t n, size_t stride)
{
    size_t w = 4 + calc_text_width(head);
    for (size_t k = 0; k < n; k++) {
        if (k)
            sb_printf(b, "%*s", (int)w, "");
        else
            sb_printf(b, "    %s", head);
        sb_puts(b, lines[k * stride]);
        sb_puts(b, "\n");
    }
}

/* A policy's error, on its line: "error: x.lua:8: …", "政策脚本错误：x.lua:8: 试图…". */
static void error_line(sbuf *b, const pres *r, int lang)
{
    char zh[1024];
    const char *t = msg_policy_error(zh, sizeof zh, r->error, lang ? CALC_LANG_EN : CALC_LANG_ZH);
    sb_printf(b, lang ? "    error: %s\n" : "    %s\n", t);
}

static void explain_policy(sbuf *b, const calc_engine *e, const pres *r, calc_date as_of, int lang)
{
    const policy *p = &e->ps.pol[r->policy];
    static const char *const mark[] = {"✗", "✓", "?"};
    if (r->status == ST_ERROR) {
        error_line(b, r, lang);
        return;
    }
    if (r->status == ST_NOT_IN_FORCE) {
        char f[16], t[16];
        sb_printf(b, "    %s %s – %s\n", lang ? "in force" : "有效期", calc_date_format(f, p->from),
                  calc_date_format(t, p->to));
        return;
    }
    sbuf t = {0};
    if (p->book >= 0 || p->has_event || p->has_app) { /* book 2: the windows and claim year */
        window_words(&t, e, p, as_of, lang);
        sb_printf(b, "    %s\n", t.p);
    }
    sbuf hd = {0};
    for (size_t k = 0, top = 0; k < r->ncond; k++) { /* each condition's sentence */
        const crec *c = &r->cond[k];
        const char *h = c->depth ? NULL : book_cond_heading(&hd, e, p, top++, lang);
        if (h)
            sb_printf(b, "    %s\n", h);
        t.n = 0;
        crec_label(&t, c, lang);
        sb_printf(b, "    %*s%s %s\n", c->depth * 2, "", mark[c->result], t.p ? t.p : "");
    }
    sb_free(&hd);
    for (size_t k = 0; k < r->nreason; k++)
        if (!r->reason[k].c) {
            t.n = 0;
            crec_label(&t, &r->reason[k], lang);
            sb_printf(b, "    ✗ %s\n", t.p ? t.p : "");
        }
    if (r->words_rule) /* the computation in words, after the rule when a number has no name */
        sb_printf(b, "    %s\n", r->words[lang]);
    if (r->nwords > r->words_rule)
        block_lines(b, lang ? "computation: " : "计算：", r->words + 2 * r->words_rule + lang,
                    r->nwords - r->words_rule, 2);
    if (r->status == ST_SUPERSEDED) {
        int w = policy_index(&e->ps, r->superseded_by);
        const char *by = w < 0 ? r->superseded_by
                               : lang ? e->ps.pol[w].title_en : e->ps.pol[w].title_zh;
        char m[40];
        sb_printf(b, lang ? "    superseded by “%s” (would be ¥%s; the higher one is granted)\n"
                          : "    就高不重复：由「%s」替代（本项原为 ¥%s）\n",
                  by, calc_money_format_grouped(m, r->amount_before));
    }
    if (r->capped && p->cap >= 0)
        for (size_t k = 0; k < cap_step_count(r); k++) { /* each cap that bound it, in order */
            t.n = 0;
            cap_step_line(&t, e, p, r, k, lang);
            sb_printf(b, "    %s\n", t.p);
        }
    if (p->pool >= 0) {
        t.n = 0;
        pool_words(&t, &e->ps.pool[p->pool], r->status == ST_ELIGIBLE, lang);
        sb_printf(b, "    %s\n", t.p);
    }
    if (r->nmissing) {
        sb_puts(b, lang ? "    provide: " : "    需补充：");
        for (size_t k = 0; k < r->nmissing; k++) {
            t.n = 0;
            path_label(&t, e->ps.schema.root, r->missing[k], lang);
            sb_printf(b, "%s%s", k ? (lang ? ", " : "、") : "", t.p);
        }
        sb_puts(b, "\n");
    }
    sb_free(&t);
    if (r->ndetail) {
        sb_puts(b, lang ? "    matched: " : "    匹配：");
        for (size_t k = 0; k < r->ndetail; k++)
            sb_printf(b, "%s%s", k ? " / " : "", r->detail[k]);
        sb_puts(b, "\n");
    }
    if (r->to_qualify) { /* its line in words, when there is something to say */
        size_t at = b->n;
        sb_puts(b, "    ");
        qualify_words(b, e, p, r->to_qualify, lang);
        if (b->n == at + 4)
            b->p[b->n = at] = 0;
        else
            sb_puts(b, "\n");
    }
    if (p->src_quote)
        sb_printf(b, "    %s《%s》%s%s：“%s”\n", lang ? "source:" : "依据：", p->src_doc,
                  p->src_publisher ? p->src_publisher : "", p->src_date ? p->src_date : "",
                  p->src_quote);
    sb_printf(b, "    %s sha256:%s\n", lang ? "policy fingerprint" : "政策指纹", p->fp);
}

static void result_table(sbuf *b, const calc_engine *e, const calc_result *res, int lang,
                         bool explain)
{
    char date[16], m[40];
    sb_printf(b, "%s %s    %s %s\n\n", lang ? "profile" : "企业", res->profile_id,
              lang ? "as of" : "测算日期", calc_date_format(date, res->as_of));
    size_t wt = 0;
    for (size_t i = 0; i < res->n; i++) {
        const policy *p = &e->ps.pol[res->r[i].policy];
        size_t w = calc_text_width(lang ? p->title_en : p->title_zh);
        if (w > wt)
            wt = w;
    }
    wt += 2;
    size_t wi = 8;
    for (size_t i = 0; i < res->n; i++)
        if (strlen(e->ps.pol[res->r[i].policy].id) + 2 > wi)
            wi = strlen(e->ps.pol[res->r[i].policy].id) + 2;
    pad(b, lang ? "policy" : "政策", wi);
    pad(b, lang ? "title" : "名称", wt);
    pad(b, lang ? "status" : "状态", 14);
    sb_puts(b, lang ? "amount\n" : "金额/数量\n");
    bool any_example = false, any_claim = false;
    for (size_t i = 0; i < res->n; i++) {
        const pres *r = &res->r[i];
        const policy *p = &e->ps.pol[r->policy];
        char amt[96];
        amount_text(amt, sizeof amt, p, r, lang);
        pad(b, p->id, wi);
        pad(b, lang ? p->title_en : p->title_zh, wt);
        pad(b, lang ? status_words_en[r->status] : status_zh[r->status], 14);
        sb_puts(b, r->status == ST_ELIGIBLE || p->kind != K_MATCH ? amt : "-");
        /* honest amounts: one from example parameters (*), a claim on a pool (†) */
        bool example = r->status == ST_ELIGIBLE && p->kind != K_MATCH && p->illustrative;
        bool claim = r->status == ST_ELIGIBLE && p->pool >= 0 && !r->pooled;
        sb_puts(b, example && claim ? " *†" : example ? " *" : claim ? " †" : "");
        any_example |= example;
        any_claim |= claim;
        sb_puts(b, "\n");
        if (explain)
            explain_policy(b, e, r, res->as_of, lang);
        else if (r->status == ST_ERROR) /* an error is never hidden */
            error_line(b, r, lang);
    }
    sb_printf(b, "\n%s ¥%s", lang ? "total cash" : "现金合计", calc_money_format_grouped(m, res->cash));
    sb_printf(b, "    %s ¥%s\n", lang ? "in-kind value" : "实物价值合计",
              calc_money_format_grouped(m, res->in_kind));
    if (res->totals_overflow)
        sb_puts(b, lang ? "error: a total exceeds the largest representable amount (capped)\n"
                        : "错误：合计超过可表示的最大金额（已封顶）\n");
    if (any_example)
        sb_puts(b, lang ? "* includes illustrative parameters, not figures from the policy text\n"
                        : "* 含示例参数，非政策原文数值\n");
    if (any_claim)
        sb_puts(b, lang ? "† a claim on a pool: what is granted is set by the batch allocation\n"
                        : "† 资金池申请额，实际金额以批量分配为准\n");
    calc_date latest;
    if (!set_in_force(&e->ps, res->as_of, &latest)) {
        char w[400];
        nothing_in_force_text(w, sizeof w, res->as_of, latest, lang);
        sb_printf(b, "%s%s\n", lang ? "warning: " : "注意：", w);
    }
    sb_printf(b, "\n%s sha256:%s\n%s sha256:%s\n", lang ? "policy set" : "规则集指纹", e->set_fp,
              lang ? "profile   " : "企业画像指纹", res->profile_fp);
    sb_puts(b, lang ? "policies  " : "政策指纹");
    for (size_t i = 0; i < res->n; i++)
        sb_printf(b, "%s%s %.12s", i ? (i % 4 ? "  " : "\n          ") : " ",
                  e->ps.pol[res->r[i].policy].id, e->ps.pol[res->r[i].policy].fp);
    sb_printf(b, "\n%s %s    calc %s\n", lang ? "as of" : "测算日期", date, CALC_VERSION);
    polkey_ledger_text(b, &e->ps, lang); /* --ledger: where the history came from */
}

int calc_result_write(FILE *out, const calc_engine *e, const calc_result *res,
                      const calc_output_opts *o)
{
    sbuf b = {0};
    if (o->format == CALC_FMT_JSON) {
        result_json_to(&b, out, e, res, true, o->explain);
        sb_puts(&b, "\n");
    } else
        result_table(&b, e, res, o->lang, o->explain);
    size_t n = b.n ? fwrite(b.p, 1, b.n, out) : 0;
    int ok = n == b.n && !ferror(out);
    sb_free(&b);
    return ok ? 0 : CALC_EIO;
}

/* ---- baseline and scenarios side by side ---- */

static void cell_text(char *out, size_t cap, const policy *p, const pres *r, int lang)
{
    char amt[96];
    amount_text(amt, sizeof amt, p, r, lang);
    snprintf(out, cap, "%s %s", lang ? status_words_en[r->status] : status_zh[r->status],
             r->status == ST_ELIGIBLE || p->kind != K_MATCH ? amt : "");
}

int calc_compare_write(FILE *out, const calc_engine *const *eng, const calc_result *const *res,
                       int n, int json, int lang)
{
    sbuf b = {0};
    const calc_engine *e = eng[0];
    const calc_result *base = res[0];
    char m1[40], m2[40], m3[40], date[16];
    calc_date_format(date, base->as_of);
    if (json) {
        LIT(&b, "{\"profile\": ");
        sb_json_str(&b, base->profile_id);
        sb_printf(&b, ", \"as_of\": \"%s\", \"baseline\": ", date);
        result_json(&b, e, base, false, false);
        LIT(&b, ", \"scenarios\": [");
        for (int s = 1; s < n; s++) {
            const calc_result *r = res[s];
            if (s > 1)
                LIT(&b, ", ");
            LIT(&b, "{\"name\": ");
            sb_json_str(&b, eng[s]->scenario_name ? eng[s]->scenario_name : "--param");
            LIT(&b, ", \"result\": ");
            result_json(&b, eng[s], r, false, false);
            LIT(&b, ", \"changes\": [");
            bool first = true;
            for (size_t i = 0; i < r->n; i++) {
                const pres *x = &base->r[i], *y = &r->r[i];
                if (x->status == y->status && x->amount == y->amount && x->quantity == y->quantity)
                    continue;
                if (!first)
                    LIT(&b, ", ");
                first = false;
                LIT(&b, "{\"policy\": ");
                sb_json_str(&b, e->ps.pol[i].id);
                sb_printf(&b, ", \"baseline\": {\"status\": \"%s\", \"amount\": \"%s\"}, "
                              "\"scenario\": {\"status\": \"%s\", \"amount\": \"%s\"}, "
                              "\"delta\": \"%s\"}",
                          status_en[x->status], calc_money_format(m1, x->amount),
                          status_en[y->status], calc_money_format(m2, y->amount),
                          calc_money_format(m3, y->amount - x->amount));
            }
            sb_printf(&b, "], \"totals_delta\": {\"cash\": \"%s\", \"in_kind\": \"%s\"}}",
                      calc_money_format(m1, r->cash - base->cash),
                      calc_money_format(m2, r->in_kind - base->in_kind));
        }
        LIT(&b, "]}\n");
    } else {
        sb_printf(&b, "%s %s    %s %s\n\n", lang ? "profile" : "企业", base->profile_id,
                  lang ? "as of" : "测算日期", date);
        size_t wi = 8, wc = 0;
        char cell[160];
        for (size_t i = 0; i < base->n; i++) {
            if (strlen(e->ps.pol[i].id) + 2 > wi)
                wi = strlen(e->ps.pol[i].id) + 2;
            for (int s = 0; s < n; s++) {
                cell_text(cell, sizeof cell, &eng[s]->ps.pol[i], &res[s]->r[i], lang);
                if (calc_text_width(cell) + 2 > wc)
                    wc = calc_text_width(cell) + 2;
            }
        }
        for (int s = 1; s < n; s++) {
            const char *nm = eng[s]->scenario_name ? eng[s]->scenario_name : "--param";
            if (calc_text_width(nm) + 2 > wc)
                wc = calc_text_width(nm) + 2;
        }
        pad(&b, lang ? "policy" : "政策", wi);
        pad(&b, lang ? "baseline" : "基准", wc);
        for (int s = 1; s < n; s++) {
            char head[200];
            snprintf(head, sizeof head, "%s", eng[s]->scenario_name ? eng[s]->scenario_name
                                                                    : "--param");
            pad(&b, head, wc);
            pad(&b, lang ? "change" : "变化", 18);
        }
        sb_puts(&b, "\n");
        for (size_t i = 0; i < base->n; i++) {
            pad(&b, e->ps.pol[i].id, wi);
            cell_text(cell, sizeof cell, &e->ps.pol[i], &base->r[i], lang);
            pad(&b, cell, wc);
            for (int s = 1; s < n; s++) {
                const pres *x = &base->r[i], *y = &res[s]->r[i];
                cell_text(cell, sizeof cell, &eng[s]->ps.pol[i], y, lang);
                pad(&b, cell, wc);
                calc_money delta = y->amount - x->amount;
                char dt[60] = "";
                if (delta)
                    snprintf(dt, sizeof dt, "%s¥%s", delta > 0 ? "+" : "-",
                             calc_money_format_grouped(m1, delta > 0 ? delta : -delta));
                else if (x->status != y->status)
                    snprintf(dt, sizeof dt, "±0");
                pad(&b, dt, 18);
            }
            sb_puts(&b, "\n");
        }
        sb_puts(&b, "\n");
        for (int t = 0; t < 2; t++) { /* the totals: cash, then in-kind value */
            pad(&b, t ? (lang ? "in-kind value" : "实物价值合计") : (lang ? "total cash" : "现金合计"),
                wi);
            calc_money b0 = t ? base->in_kind : base->cash;
            snprintf(cell, sizeof cell, "¥%s", calc_money_format_grouped(m1, b0));
            pad(&b, cell, wc);
            for (int s = 1; s < n; s++) {
                calc_money v = t ? res[s]->in_kind : res[s]->cash, dv = v - b0;
                snprintf(cell, sizeof cell, "¥%s", calc_money_format_grouped(m1, v));
                pad(&b, cell, wc);
                char dt[60];
                snprintf(dt, sizeof dt, "%s¥%s", dv >= 0 ? "+" : "-",
                         calc_money_format_grouped(m2, dv >= 0 ? dv : -dv));
                pad(&b, dt, 18);
            }
            if (!t)
                sb_puts(&b, "\n");
        }
        sb_printf(&b, "\n\n%s sha256:%s\n", lang ? "policy set" : "规则集指纹", e->set_fp);
    }
    size_t w = fwrite(b.p, 1, b.n, out);
    int ok = w == b.n;
    sb_free(&b);
    return ok ? 0 : CALC_EIO;
}
