/* report.c — estimate reports: for each case, a printable, self-contained document (HTML, or
 * Markdown) to attach to an audit file: the enterprise, the date, the fingerprints, every
 * policy's result with its reasons in words (label.c), missing data and citation, and the
 * totals. An estimate, never a decision: the words say 测算. */
#include "explain.h"

#include <string.h>

static const char *const st_zh[] = {"符合", "不符合", "需补充资料", "不在有效期", "就高未选", "错误"};
static const char *const st_en[] = {"eligible", "ineligible", "needs data", "not in force",
                                    "superseded", "error"};

static void esc(sbuf *b, const char *s, bool html)
{
    for (; s && *s; s++) {
        if (html && (*s == '<' || *s == '>' || *s == '&' || *s == '"' || *s == '\'')) {
            sb_puts(b, *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
                       : *s == '"' ? "&quot;" : "&#39;");
        } else if (!html && (*s == '|' || *s == '*' || *s == '_' || *s == '`' || *s == '<')) {
            sb_putn(b, "\\", 1);
            sb_putn(b, s, 1);
        } else
            sb_putn(b, s, 1);
    }
}

typedef struct report {
    sbuf b;
    bool html;
    int lang;
    int n;
} report;

static const char *profile_name(const calc_profile *p)
{
    const snode *sn = schema_child(p->root.u.o->sn, "name", 4);
    const pval *v = sn ? &p->root.u.o->slot[sn->index] : NULL;
    return v && v->set ? v->u.s : "";
}

static int report_one(void *ud, calc_engine *e, const value *c, calc_profile *p, calc_date as_of)
{
    report *r = ud;
    sbuf *b = &r->b;
    bool h = r->html;
    int en = r->lang;
    calc_result *res = calc_eval(e, p, as_of);
    char d[16], m[40];
    calc_date_format(d, as_of);
    const value *nm = map_get(c, "name");
    if (h) {
        sb_puts(b, "<section class=\"case\">\n<h1>");
        sb_puts(b, en ? "Policy estimate report" : "惠企政策测算报告");
        sb_puts(b, "</h1>\n<table class=\"facts\">\n");
        const char *rows[][2] = {{en ? "Enterprise" : "企业名称", profile_name(p)},
                                 {en ? "Id" : "企业标识", p->id},
                                 {en ? "Evaluation date" : "测算日期", d},
                                 {en ? "Case" : "案例", nm && nm->type == V_SCALAR ? nm->str : ""}};
        for (int i = 0; i < 4; i++) {
            sb_puts(b, "<tr><th>");
            esc(b, rows[i][0], h);
            sb_puts(b, "</th><td>");
            esc(b, rows[i][1], h);
            sb_puts(b, "</td></tr>\n");
        }
        sb_printf(b, "<tr><th>%s</th><td class=\"fp\">sha256:%s</td></tr>\n",
                  en ? "Policy set" : "规则集指纹", e->set_fp);
        sb_printf(b, "<tr><th>%s</th><td class=\"fp\">sha256:%s</td></tr>\n",
                  en ? "Profile" : "企业画像指纹", res->profile_fp);
        sb_printf(b, "<tr><th>%s</th><td>calc %s</td></tr>\n</table>\n",
                  en ? "Calculator" : "计算器版本", CALC_VERSION);
        sb_printf(b, "<table class=\"results\">\n<tr><th>%s</th><th>%s</th><th>%s</th></tr>\n",
                  en ? "Policy" : "政策", en ? "Result" : "测算结果", en ? "Amount" : "金额");
    } else {
        sb_printf(b, "# %s\n\n", en ? "Policy estimate report" : "惠企政策测算报告");
        sb_printf(b, "- %s: ", en ? "Enterprise" : "企业名称");
        esc(b, profile_name(p), h);
        sb_printf(b, " (%s)\n- %s: %s\n", p->id, en ? "Evaluation date" : "测算日期", d);
        sb_printf(b, "- %s: `sha256:%s`\n- %s: `sha256:%s`\n- calc %s\n\n",
                  en ? "Policy set" : "规则集指纹", e->set_fp, en ? "Profile" : "企业画像指纹",
                  res->profile_fp, CALC_VERSION);
        sb_printf(b, "| %s | %s | %s |\n|---|---|---|\n", en ? "Policy" : "政策",
                  en ? "Result" : "测算结果", en ? "Amount" : "金额");
    }
    bool example = false;
    for (size_t i = 0; i < res->n; i++) {
        const pres *x = &res->r[i];
        const policy *pol = &e->ps.pol[i];
        char amt[96];
        calc_money_format_grouped(m, x->amount);
        if (pol->kind == K_IN_KIND)
            snprintf(amt, sizeof amt, "%lld %s (¥%s)", (long long)x->quantity,
                     strcmp(pol->unit ? pol->unit : "", "m2") == 0 ? "m²" : en ? "units" : "套", m);
        else if (pol->kind == K_MATCH)
            snprintf(amt, sizeof amt, "%s", x->status == ST_ELIGIBLE ? (en ? "matched" : "匹配") : "—");
        else
            snprintf(amt, sizeof amt, "¥%s", m);
        if (x->status == ST_ELIGIBLE && pol->kind != K_MATCH && pol->illustrative) {
            strncat(amt, " *", sizeof amt - strlen(amt) - 1); /* from example parameters */
            example = true;
        }
        const char *title = en ? pol->title_en : pol->title_zh;
        if (h) {
            sb_printf(b, "<tr class=\"%s\"><td>", calc_status_name(x->status));
            esc(b, title, h);
            sb_printf(b, "<br><small>%s</small></td><td>%s</td><td class=\"amt\">", pol->id,
                      en ? st_en[x->status] : st_zh[x->status]);
            esc(b, amt, h);
            sb_puts(b, "</td></tr>\n");
        } else {
            sb_puts(b, "| ");
            esc(b, title, h);
            sb_printf(b, " (%s) | %s | ", pol->id, en ? st_en[x->status] : st_zh[x->status]);
            esc(b, amt, h);
            sb_puts(b, " |\n");
        }
    }
    if (h)
        sb_puts(b, "</table>\n");
    sb_printf(b, h ? "<p class=\"totals\">%s ¥%s　%s " : "\n**%s ¥%s　%s ",
              en ? "Total cash" : "现金合计", calc_money_format_grouped(m, res->cash),
              en ? "In-kind value" : "实物价值合计");
    sb_printf(b, h ? "¥%s</p>\n" : "¥%s**\n\n", calc_money_format_grouped(m, res->in_kind));
    if (example) {
        sb_puts(b, h ? "<p class=\"note\">" : "");
        esc(b, en ? "* includes illustrative parameters, not figures from the policy text"
                  : "* 含示例参数，非政策原文数值", h);
        sb_puts(b, h ? "</p>\n" : "\n\n");
    }
    sb_printf(b, h ? "<h2>%s</h2>\n" : "## %s\n\n", en ? "Reasons and citations" : "依据与理由");
    for (size_t i = 0; i < res->n; i++) {
        const pres *x = &res->r[i];
        const policy *pol = &e->ps.pol[i];
        if (x->status == ST_NOT_IN_FORCE)
            continue;
        const char *title = en ? pol->title_en : pol->title_zh;
        if (h) {
            sb_puts(b, "<div class=\"policy\"><h3>");
            esc(b, title, h);
            sb_printf(b, " — %s</h3>\n<ul>\n", en ? st_en[x->status] : st_zh[x->status]);
        } else {
            sb_puts(b, "### ");
            esc(b, title, h);
            sb_printf(b, " — %s\n\n", en ? st_en[x->status] : st_zh[x->status]);
        }
        sbuf t = {0};
        for (size_t k = 0; k < x->nreason; k++) { /* each reason's sentence */
            t.n = 0;
            crec_label(&t, &x->reason[k], en);
            sb_puts(b, h ? "<li>✗ " : "- ✗ ");
            esc(b, t.p, h);
            sb_puts(b, h ? "</li>\n" : "\n");
        }
        if (x->nmissing) {
            sb_printf(b, h ? "<li>%s " : "- %s ", en ? "Provide:" : "需补充：");
            for (size_t k = 0; k < x->nmissing; k++) {
                if (k)
                    sb_puts(b, en ? ", " : "、");
                t.n = 0;
                path_label(&t, e->ps.schema.root, x->missing[k], en);
                esc(b, t.p, h);
            }
            sb_puts(b, h ? "</li>\n" : "\n");
        }
        int w = x->superseded_by ? policy_index(&e->ps, x->superseded_by) : -1;
        if (w >= 0) {
            sb_puts(b, h ? "<li>" : "- ");
            sb_puts(b, en ? "Superseded (the higher one is granted) by " : "就高不重复，由其替代：");
            esc(b, en ? e->ps.pol[w].title_en : e->ps.pol[w].title_zh, h);
            sb_puts(b, h ? "</li>\n" : "\n");
        }
        if (x->capped && pol->cap >= 0) {
            t.n = 0;
            cap_share_words(&t, e, pol, x, en);
            sb_puts(b, h ? "<li>" : "- ");
            esc(b, t.p, h);
            sb_puts(b, h ? "</li>\n" : "\n");
        }
        if (pol->pool >= 0 && x->status == ST_ELIGIBLE) { /* a claim, not a grant */
            t.n = 0;
            pool_words(&t, &e->ps.pool[pol->pool], true, en);
            sb_puts(b, h ? "<li>" : "- ");
            esc(b, t.p, h);
            sb_puts(b, h ? "</li>\n" : "\n");
        }
        sb_free(&t);
        if (x->status == ST_ERROR) {
            sb_puts(b, h ? "<li>" : "- ");
            esc(b, x->error, h);
            sb_puts(b, h ? "</li>\n" : "\n");
        }
        for (size_t k = 0; k < x->ndetail; k++) {
            sb_puts(b, h ? "<li>" : "- ");
            esc(b, x->detail[k], h);
            sb_puts(b, h ? "</li>\n" : "\n");
        }
        sb_puts(b, h ? "<li class=\"cite\">" : "- ");
        sb_puts(b, en ? "Source: " : "依据：");
        sb_puts(b, "《");
        esc(b, pol->src_doc, h);
        sb_puts(b, "》");
        esc(b, pol->src_publisher, h);
        sb_puts(b, " ");
        esc(b, pol->src_date, h);
        sb_puts(b, h ? " <q>" : " “");
        esc(b, pol->src_quote, h);
        sb_printf(b, h ? "</q> <small>sha256:%.16s…</small></li>\n</ul></div>\n"
                       : "” (`sha256:%.16s…`)\n\n",
                  pol->fp);
    }
    if (h)
        sb_puts(b, "</section>\n");
    calc_result_free(res);
    r->n++;
    return 0;
}

static const char css[] =
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',"
    "sans-serif;margin:2em;color:#111;line-height:1.5}"
    "h1{font-size:1.5em;border-bottom:2px solid #333}h2{font-size:1.2em;margin-top:1.5em}"
    "h3{font-size:1em;margin:1em 0 .3em}table{border-collapse:collapse;margin:.8em 0;width:100%}"
    "th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}"
    ".facts th{width:10em;background:#f3f3f3}.fp{font-family:monospace;font-size:.8em;"
    "word-break:break-all}.amt{text-align:right;white-space:nowrap}"
    "tr.eligible td{background:#eef8ee}tr.superseded td,tr.not_in_force td{color:#777}"
    "tr.error td{background:#fde}.totals{font-weight:bold;font-size:1.1em}"
    "ul{margin:.2em 0 .8em}.cite{color:#444}"
    "@media print{section.case{page-break-after:always}body{margin:0}}";

int calc_report(FILE *out, calc_engine *e, const char *const *paths, int n, int html, int lang,
                calc_diags *d)
{
    report r;
    memset(&r, 0, sizeof r);
    r.html = html != 0;
    r.lang = lang;
    if (r.html)
        sb_printf(&r.b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n",
                  lang ? "en" : "zh-CN", lang ? "Policy estimate report" : "惠企政策测算报告",
                  css);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++)
        rc = calc_cases_each(e, paths[i], report_one, &r, d);
    if (r.html)
        sb_puts(&r.b, "</body>\n</html>\n");
    size_t w = fwrite(r.b.p, 1, r.b.n, out);
    if (w != r.b.n && !rc)
        rc = CALC_EIO;
    sb_free(&r.b);
    return rc;
}
