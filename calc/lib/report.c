/* report.c — estimate reports: for each case, a printable, self-contained document (HTML for
 * A4, or Markdown with the same content) to attach to an audit file, from which a person can
 * check every figure by hand: the enterprise, the date, the recording metadata, fingerprints and
 * signature status; every policy's result; and per policy the fields it read, its conditions'
 * sentences (label.c), the computation lines of the JSON (explain.c), missing data, its
 * parameters with their marks and its source. An estimate, never a decision: the words say 测算.
 * The signature is shown, never checked here: calc verify checks it. */
#include "explain.h"
#include "integrity.h"
#include "msgs.h"
#include "polkey.h"

#include <stdlib.h>
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
        } else if (!html && (*s == '\n' || *s == '\r')) {
            sb_putn(b, " ", 1); /* a line end would end the table row or list item */
        } else
            sb_putn(b, s, 1);
    }
}

typedef struct report {
    sbuf b;
    bool html;
    int lang;
    int n;
    size_t nawards;   /* the award ledger's entries of the case being written */
    calc_date as_of;  /* its evaluation date */
} report;

#define EN(r, zh, en) ((r)->lang ? (en) : (zh))

static const char *profile_name(const calc_profile *p)
{
    const snode *sn = schema_child(p->root.u.o->sn, "name", 4);
    const pval *v = sn ? &p->root.u.o->slot[sn->index] : NULL;
    return v && v->set ? v->u.s : "";
}

/* A scalar of the case file under m.key, or NULL. */
static const char *scalar(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? v->str : NULL;
}

/* ---- the two formats' pieces: HTML, or Markdown with the same words ---- */

static void text(report *r, const char *s) { esc(&r->b, s, r->html); }

static void heading(report *r, int level, const char *s)
{
    if (r->html) {
        sb_printf(&r->b, "<h%d>", level);
        text(r, s);
        sb_printf(&r->b, "</h%d>\n", level);
    } else {
        sb_printf(&r->b, "%.*s ", level, "####");
        text(r, s);
        sb_puts(&r->b, "\n\n");
    }
}

/* A table's start with its header cells (n of them); cls: its HTML class. head NULL: none
 * (HTML; Markdown has a table only with a header, and gets empty cells). */
static void table_open(report *r, const char *cls, const char *const *head, int n)
{
    sbuf *b = &r->b;
    if (r->html && !head) {
        sb_printf(b, "<table class=\"%s\">\n<tbody>\n", cls);
        return;
    }
    if (r->html) {
        sb_printf(b, "<table class=\"%s\">\n<thead><tr>", cls);
        for (int i = 0; i < n; i++) {
            sb_puts(b, "<th>");
            text(r, head[i]);
            sb_puts(b, "</th>");
        }
        sb_puts(b, "</tr></thead>\n<tbody>\n");
        return;
    }
    for (int i = 0; i < n; i++) {
        sb_puts(b, "| ");
        text(r, head ? head[i] : "");
        sb_puts(b, " ");
    }
    sb_puts(b, "|\n");
    for (int i = 0; i < n; i++)
        sb_puts(b, "|---");
    sb_puts(b, "|\n");
}

static void table_close(report *r) { sb_puts(&r->b, r->html ? "</tbody></table>\n" : "\n"); }

/* A row of n cells; mono: the cells from mono on in a fixed-width font (fingerprints). */
static void row(report *r, const char *cls, const char *const *cell, int n, int mono)
{
    sbuf *b = &r->b;
    if (r->html)
        sb_printf(b, cls ? "<tr class=\"%s\">" : "<tr>", cls);
    for (int i = 0; i < n; i++) {
        const char *v = cell[i] ? cell[i] : "";
        /* Markdown code takes no escapes: a value it cannot hold is written as text */
        bool code = i >= mono && !r->html && !strpbrk(v, "`|\n\r");
        if (r->html)
            sb_puts(b, i >= mono ? "<td class=\"fp\">" : i == 0 && !cls ? "<th>" : "<td>");
        else
            sb_puts(b, code ? "| `" : "| ");
        if (code)
            sb_puts(b, v);
        else
            text(r, v);
        if (r->html)
            sb_puts(b, i >= mono ? "</td>" : i == 0 && !cls ? "</th>" : "</td>");
        else
            sb_puts(b, code ? "` " : " ");
    }
    sb_puts(b, r->html ? "</tr>\n" : "|\n");
}

static void fact(report *r, const char *k, const char *v, bool mono)
{
    const char *c[2] = {k, v};
    row(r, NULL, c, 2, mono ? 1 : 2);
}

static void list_open(report *r, const char *cls)
{
    if (r->html)
        sb_printf(&r->b, "<ul class=\"%s\">\n", cls);
}

static void list_close(report *r) { sb_puts(&r->b, r->html ? "</ul>\n" : "\n"); }

/* An item: mark (✓ ✗ ?, or NULL), indented depth levels, its text. */
static void item(report *r, int depth, const char *mark, const char *s)
{
    sbuf *b = &r->b;
    if (r->html)
        sb_printf(b, depth ? "<li style=\"margin-left:%dem\">" : "<li>", depth);
    else
        sb_printf(b, "%*s- ", 2 * depth, "");
    if (mark)
        sb_printf(b, r->html ? "<span class=\"mark\">%s</span> " : "%s ", mark);
    text(r, s);
    sb_puts(b, r->html ? "</li>\n" : "\n");
}

static void para(report *r, const char *cls, const char *s)
{
    if (r->html)
        sb_printf(&r->b, "<p class=\"%s\">", cls);
    text(r, s);
    sb_puts(&r->b, r->html ? "</p>\n" : "\n\n");
}

/* ---- the case's facts: who, when, by which rules, recorded and signed how ---- */

static void case_facts(report *r, const calc_engine *e, const value *c, const calc_profile *p,
                       const calc_result *res)
{
    char d[16], t[200];
    calc_date_format(d, res->as_of);
    const value *fp = map_get(c, "fingerprint"), *rec = map_get(c, "recorded");
    const value *sig = map_get(c, "signature");
    table_open(r, "facts", NULL, 2);
    fact(r, EN(r, "企业名称", "Enterprise"), profile_name(p), false);
    fact(r, EN(r, "企业标识", "Enterprise id"), p->id, false);
    fact(r, EN(r, "测算日期（as_of）", "Evaluation date (as_of)"), d, false);
    if (scalar(c, "name"))
        fact(r, EN(r, "案例", "Case"), scalar(c, "name"), false);
    if (scalar(rec, "at"))
        fact(r, EN(r, "记录时间", "Recorded at"), scalar(rec, "at"), false);
    if (scalar(rec, "by"))
        fact(r, EN(r, "记录人", "Recorded by"), scalar(rec, "by"), false);
    const char *ver = scalar(rec, "calc_version") ? scalar(rec, "calc_version")
                                                  : scalar(fp, "calc_version");
    if (ver) {
        snprintf(t, sizeof t, "calc %s", ver);
        fact(r, EN(r, "记录时计算器版本", "Recorded with"), t, false);
    }
    snprintf(t, sizeof t, "calc %s", CALC_VERSION);
    fact(r, EN(r, "本报告计算器版本", "This report made with"), t, false);
    /* the fingerprints: this evaluation's, and the recorded ones where they differ */
    const char *rs = scalar(fp, "policy_set"), *rp = scalar(fp, "profile");
    snprintf(t, sizeof t, "sha256:%s", e->set_fp);
    fact(r, EN(r, "规则集指纹（本次测算）", "Policy set (this evaluation)"), t, true);
    if (rs && strcmp(rs, t))
        fact(r, EN(r, "规则集指纹（记录时，与本次不同）", "Policy set (recorded, differs)"), rs,
             true);
    snprintf(t, sizeof t, "sha256:%s", res->profile_fp);
    fact(r, EN(r, "企业画像指纹（本次测算）", "Profile (this evaluation)"), t, true);
    if (rp && strcmp(rp, t))
        fact(r, EN(r, "企业画像指纹（记录时，与本次不同）", "Profile (recorded, differs)"), rp, true);
    if (sig) { /* shown, not checked: calc verify checks it with the signer's key */
        const char *alg = scalar(sig, "algorithm"), *key = scalar(sig, "key");
        snprintf(t, sizeof t, "%s%s%s", EN(r, "未验证（用 calc verify 核验）",
                                           "not verified here (use calc verify)"),
                 alg ? " — " : "", alg ? alg : "");
        fact(r, EN(r, "签名", "Signature"), t, false);
        if (key)
            fact(r, EN(r, "签名密钥", "Signing key"), key, true);
    } else
        fact(r, EN(r, "签名", "Signature"), EN(r, "未签名", "unsigned"), false);
    table_close(r);
    /* the figures below are this evaluation's: say so when they may not be the recorded ones */
    snprintf(t, sizeof t, "sha256:%s", e->set_fp);
    if (rs && strcmp(rs, t))
        para(r, "warn", EN(r, "注意：规则集自记录以来已变更，本报告按当前规则测算；记录时的结果请用 "
                              "calc replay 核对。",
                           "Note: the policy set changed since the case was recorded; this report "
                           "uses the current rules (check the recorded outcome with calc replay)."));
    snprintf(t, sizeof t, "sha256:%s", res->profile_fp);
    if (rp && strcmp(rp, t))
        para(r, "warn", EN(r, "注意：企业画像的指纹与记录时不同。",
                           "Note: the profile's fingerprint differs from the recorded one."));
    /* a recorded case is checked as replay checks it (its digest covers every part, so a
     * profile fingerprint that a schema change moved is no problem here): an edit since (the
     * recorder's name, the time, a value) is said with its facts, never shown as recorded */
    if (fp) {
        sbuf bad = {0}, notes = {0};
        if (case_integrity(&bad, &notes, c, res->profile_fp, true) > 0)
            para(r, "warn", EN(r, "警告：案例文件自记录以来已被修改，以上记录信息不可信（calc verify "
                                  "可核对）。",
                               "Warning: the case file was edited since it was recorded; the "
                               "recording facts above cannot be trusted (check with calc "
                               "verify)."));
        sb_free(&bad);
        sb_free(&notes);
    }
}

#define REPORT_INPUTS_MAX 200

/* ---- the award ledger (book 2 §1.7): what the district's records say was paid ---- */

static const pval *ledger_field(const pval *e, int i)
{
    const pval *v = e->set && e->type == T_OBJECT ? &e->u.o->slot[i] : NULL;
    return v && v->set ? v : NULL;
}

static size_t ledger_entries(const calc_engine *e, const calc_profile *p)
{
    const ledger_schema *ls = &e->ps.ledger;
    if (!ls->list)
        return 0;
    const pval *v = &p->root.u.o->slot[ls->list->index];
    return v->set && v->type == T_LIST ? v->u.l->n : 0;
}

static void ledger_table(report *r, const calc_engine *e, const calc_profile *p)
{
    const ledger_schema *ls = &e->ps.ledger;
    size_t n = ledger_entries(e, p);
    if (!n)
        return;
    const plist *l = p->root.u.o->slot[ls->list->index].u.l;
    heading(r, 2, EN(r, "已获奖励记录（区级兑付记录，非企业申报）",
                     "Awards already paid (the district's payment records, not the applicant's)"));
    table_open(r, "ledger", (const char *const[]){"#", EN(r, "政策", "Policy"),
                                                  EN(r, "奖励年度", "Claim year"),
                                                  EN(r, "实付金额", "Amount paid"),
                                                  EN(r, "奖励事项（键）", "Paid for (key)")}, 5);
    for (size_t i = 0; i < n && i < REPORT_INPUTS_MAX; i++) {
        const pval *pp = ledger_field(&l->item[i], ls->ipolicy),
                   *py = ledger_field(&l->item[i], ls->iyear),
                   *pa = ledger_field(&l->item[i], ls->iamount),
                   *pk = ledger_field(&l->item[i], ls->ikey);
        char no[24], yr[24], am[48], pol[400];
        snprintf(no, sizeof no, "%zu", i + 1);
        snprintf(yr, sizeof yr, "%lld", py ? (long long)py->u.i : 0LL);
        am[0] = 0;
        if (pa) {
            am[0] = '\xc2', am[1] = '\xa5'; /* ¥ */
            calc_money_format_grouped(am + 2, pa->u.i);
        }
        const char *id = pp ? pp->u.s : "";
        int w = policy_index(&e->ps, id);
        if (w >= 0)
            snprintf(pol, sizeof pol, "%s (%s)", r->lang ? e->ps.pol[w].title_en
                                                         : e->ps.pol[w].title_zh, id);
        else
            snprintf(pol, sizeof pol, "%s%s", id, EN(r, "（不在本规则集，不计）",
                                                     " (not in this set: ignored)"));
        const char *cell[5] = {no, pol, yr, am, pk ? pk->u.s : ""};
        row(r, "award", cell, 5, 5);
    }
    table_close(r);
    if (n > REPORT_INPUTS_MAX) {
        char t[120];
        snprintf(t, sizeof t, r->lang ? "… and %zu more entries" : "……另有%zu条记录，未列出",
                 n - REPORT_INPUTS_MAX);
        para(r, "note", t);
    }
}

/* ---- the summary: every policy's result and the totals ---- */

static void amount_words(char *amt, size_t cap, const policy *pol, const pres *x, int en)
{
    char m[40];
    calc_money_format_grouped(m, x->amount);
    if (pol->kind == K_IN_KIND)
        snprintf(amt, cap, "%lld %s (¥%s)", (long long)x->quantity,
                 strcmp(pol->unit ? pol->unit : "", "m2") == 0 ? "m²" : en ? "units" : "套", m);
    else if (pol->kind == K_MATCH)
        snprintf(amt, cap, "%s", x->status == ST_ELIGIBLE ? (en ? "matched" : "匹配") : "—");
    else
        snprintf(amt, cap, "¥%s", m);
}

static bool summary(report *r, const calc_engine *e, const calc_result *res)
{
    int en = r->lang;
    bool example = false;
    char m[40], m2[40], t[200];
    heading(r, 2, EN(r, "测算结果", "Results"));
    table_open(r, "results", (const char *const[]){EN(r, "政策", "Policy"), EN(r, "编号", "Id"),
                                                   EN(r, "测算结果", "Result"),
                                                   EN(r, "金额", "Amount")}, 4);
    for (size_t i = 0; i < res->n; i++) {
        const pres *x = &res->r[i];
        const policy *pol = &e->ps.pol[i];
        char amt[96];
        amount_words(amt, sizeof amt, pol, x, en);
        if (x->status == ST_ELIGIBLE && pol->kind != K_MATCH && pol->illustrative) {
            strncat(amt, " *", sizeof amt - strlen(amt) - 1); /* from example parameters */
            example = true;
        }
        const char *c[4] = {en ? pol->title_en : pol->title_zh, pol->id,
                            en ? st_en[x->status] : st_zh[x->status], amt};
        row(r, calc_status_name(x->status), c, 4, 4);
    }
    table_close(r);
    snprintf(t, sizeof t, "%s ¥%s　%s ¥%s", EN(r, "现金合计", "Total cash"),
             calc_money_format_grouped(m, res->cash), EN(r, "实物价值合计", "In-kind value"),
             calc_money_format_grouped(m2, res->in_kind));
    para(r, "totals", t);
    if (example)
        para(r, "note", EN(r, "* 含示例参数，非政策原文数值", "* includes illustrative parameters, "
                                                           "not figures from the policy text"));
    return example;
}

/* ---- one policy: inputs, conditions, computation, parameters, source ---- */


/* The profile fields the policy read — its conditions' and its amount's — with their labels
 * and values, each once. */
static void inputs(report *r, const calc_engine *e, const pres *x)
{
    const snode *root = e->ps.schema.root;
    sbuf path = {0}, lab = {0}, val = {0}, seen = {0}; /* seen: "\npath\npath\n" */
    sb_puts(&seen, "\n");
    bool open = false;
    size_t rows = 0, more = 0;
    for (size_t k = 0; k < x->ncond + x->nread; k++) {
        const crec *c = k < x->ncond ? &x->cond[k] : NULL;
        const field_read *f = c ? NULL : &x->read[k - x->ncond];
        path.n = 0;
        sb_puts(&path, "\n");
        if (c) {
            if (!c->c || !c->c->field || !c->c->sn || c->c->op == C_ANY_ITEM)
                continue; /* a composite: its parts have fields */
            crec_field(&path, c);
        } else
            sb_puts(&path, f->path);
        sb_puts(&path, "\n");
        if (strstr(seen.p, path.p))
            continue;
        if (rows == REPORT_INPUTS_MAX) { /* a list of thousands: the first rows, and a count */
            more++;
            continue;
        }
        rows++;
        sb_puts(&seen, path.p + 1);
        path.p[--path.n] = 0; /* the path alone */
        const char *name = path.p + 1;
        lab.n = val.n = 0;
        path_label(&lab, root, name, r->lang);
        const snode *fsn = c ? c->c->sn : f->sn;
        if (fsn && fsn->from_records && fsn->type == T_LIST) /* the ledger: its own table */
            sb_printf(&val, r->lang ? "%zu entries (see “Awards already paid”)"
                                    : "%zu条（见“已获奖励记录”）", r->nawards);
        else if (c)
            crec_actual_label(&val, c, r->lang);
        else
            label_value(&val, f->sn, &f->v, r->lang);
        if (!open) {
            table_open(r, "inputs", (const char *const[]){EN(r, "读取的数据", "Input read"),
                                                          EN(r, "值", "Value"),
                                                          EN(r, "字段", "Field")}, 3);
            open = true;
        }
        const char *cell[3] = {lab.p, val.p ? val.p : "", name};
        row(r, "input", cell, 3, 2);
    }
    if (open)
        table_close(r);
    if (more || x->read_cut) {
        lab.n = 0;
        if (more)
            sb_printf(&lab, r->lang ? "… and %zu more fields read" : "……另读取%zu个字段，未列出", more);
        else
            sb_puts(&lab, r->lang ? "… and more fields read by the amount"
                                  : "……金额计算另读取更多字段，未列出");
        para(r, "note", lab.p);
    }
    sb_free(&path);
    sb_free(&lab);
    sb_free(&val);
    sb_free(&seen);
}

/* The conditions' sentences (✓ met, ✗ not, ? unknown), then reasons made outside a
 * condition (a pool, a cap, the policy's own). */
static void conditions(report *r, const calc_engine *e, const policy *pol, const pres *x)
{
    static const char *const mark[] = {"✗", "✓", "?"};
    sbuf t = {0};
    if (!x->ncond && !x->nreason)
        return;
    list_open(r, "conds");
    for (size_t k = 0, top = 0; k < x->ncond; k++) {
        const crec *c = &x->cond[k];
        const char *h = c->depth ? NULL : book_cond_heading(&t, e, pol, top++, r->lang);
        if (h)
            item(r, 0, NULL, h);
        t.n = 0;
        crec_label(&t, c, r->lang);
        item(r, c->depth, mark[c->result], t.p ? t.p : "");
    }
    for (size_t k = 0; k < x->nreason; k++)
        if (!x->reason[k].c) {
            t.n = 0;
            crec_label(&t, &x->reason[k], r->lang);
            item(r, 0, "✗", t.p ? t.p : "");
        }
    list_close(r);
    sb_free(&t);
}

/* The computation in words and numbers: the lines of the JSON's "computation". */
static void computation(report *r, const calc_engine *e, const policy *pol, const pres *x)
{
    size_t n = computation_count(pol, x);
    if (!n)
        return;
    sbuf t = {0};
    heading(r, 4, EN(r, "计算过程", "Computation"));
    list_open(r, "calc");
    for (size_t k = 0; k < n; k++)
        item(r, 0, NULL, computation_line(&t, e, pol, x, k, r->lang));
    list_close(r);
    sb_free(&t);
}

/* The parameters with their marks: 政策原文 [seed] (a figure of the policy text, its words in
 * the note), 示例参数 [illustrative] (a figure the book does not give). */
static void parameters(report *r, const policy *pol)
{
    if (!pol->nparam)
        return;
    heading(r, 4, EN(r, "参数", "Parameters"));
    table_open(r, "params", (const char *const[]){EN(r, "参数", "Parameter"), EN(r, "值", "Value"),
                                                  EN(r, "来源标记", "Mark"),
                                                  EN(r, "原文 / 说明", "Quote / note")}, 4);
    sbuf v = {0};
    for (size_t k = 0; k < pol->nparam; k++) {
        const param *q = &pol->params[k];
        char one[96];
        v.n = 0;
        if (q->n) /* a table: each key's value */
            for (size_t i = 0; i < q->n; i++) {
                param_value(one, sizeof one, q->unit, q->e[i].value);
                sb_printf(&v, "%s%s %s", i ? (r->html ? "\n" : "; ") : "", q->e[i].key, one);
            }
        else {
            param_value(one, sizeof one, q->unit, q->value);
            sb_puts(&v, one);
        }
        const char *mk = q->mark == 1   ? EN(r, "政策原文 [seed]", "policy text [seed]")
                         : q->mark == 2 ? EN(r, "示例参数 [illustrative]",
                                             "example [illustrative]")
                         : q->mark == 3 ? EN(r, "公开政策原文 [source]", "published text [source]")
                                        : EN(r, "未标注", "unmarked");
        const char *c[4] = {q->name, v.p, mk, q->note ? q->note : ""};
        row(r, q->mark == 2 ? "illustrative" : q->mark == 1 ? "seed" : q->mark == 3 ? "source" : "unmarked", c, 4, 4);
    }
    table_close(r);
    sb_free(&v);
}

static void source(report *r, const policy *pol)
{
    sbuf t = {0};
    sb_printf(&t, "%s《%s》%s %s", EN(r, "依据：", "Source: "), pol->src_doc ? pol->src_doc : "",
              pol->src_publisher ? pol->src_publisher : "", pol->src_date ? pol->src_date : "");
    if (pol->src_quote)
        sb_printf(&t, r->lang ? " “%s”" : "：“%s”", pol->src_quote);
    para(r, "cite", t.p);
    t.n = 0;
    sb_printf(&t, "%s%s sha256:%s", EN(r, "政策文件 ", "Policy file "), pol->file ? pol->file : "",
              pol->fp);
    para(r, "fp", t.p);
    sb_free(&t);
}

/* Everything else a result says: missing data, the group, the cap, the pool, errors, matches. */
static void notes(report *r, const calc_engine *e, const policy *pol, const pres *x)
{
    sbuf t = {0};
    char m[40];
    int w = x->superseded_by ? policy_index(&e->ps, x->superseded_by) : -1;
    bool cap = x->capped && pol->cap >= 0 && x->status != ST_ELIGIBLE; /* else in computation */
    if (!x->nmissing && w < 0 && !cap && pol->pool < 0 && x->status != ST_ERROR && !x->ndetail)
        return;
    list_open(r, "notes");
    if (x->nmissing) {
        sb_puts(&t, EN(r, "缺少资料，需补充：", "Missing data, provide: "));
        for (size_t k = 0; k < x->nmissing; k++) {
            if (k)
                sb_puts(&t, r->lang ? ", " : "、");
            path_label(&t, e->ps.schema.root, x->missing[k], r->lang);
        }
        item(r, 0, NULL, t.p);
    }
    if (w >= 0) {
        t.n = 0;
        const char *by = r->lang ? e->ps.pol[w].title_en : e->ps.pol[w].title_zh;
        sb_printf(&t, r->lang ? "Superseded by “%s” (would be ¥%s; the higher one is granted)"
                              : "就高不重复：由「%s」替代（本项原为 ¥%s）",
                  by, calc_money_format_grouped(m, x->amount_before));
        item(r, 0, NULL, t.p);
    }
    if (cap)
        for (size_t k = 0; k < cap_step_count(x); k++) { /* each cap that bound it, in order */
            t.n = 0;
            cap_step_line(&t, e, pol, x, k, r->lang);
            item(r, 0, NULL, t.p);
        }
    if (pol->pool >= 0) {
        t.n = 0;
        pool_words(&t, &e->ps.pool[pol->pool], x->status == ST_ELIGIBLE, r->lang);
        item(r, 0, NULL, t.p);
    }
    if (x->status == ST_ERROR)
    {
        char zh[1024];
        item(r, 0, NULL, msg_policy_error(zh, sizeof zh, x->error, r->lang ? CALC_LANG_EN
                                                                            : CALC_LANG_ZH));
    }
    for (size_t k = 0; k < x->ndetail; k++)
        item(r, 0, NULL, x->detail[k]);
    list_close(r);
    sb_free(&t);
}

static void policy_detail(report *r, const calc_engine *e, const policy *pol, const pres *x)
{
    char amt[96], head[400];
    amount_words(amt, sizeof amt, pol, x, r->lang);
    bool granted = x->status == ST_ELIGIBLE && pol->kind != K_MATCH;
    snprintf(head, sizeof head, r->lang ? "%s (%s) — %s%s%s" : "%s（%s）— %s%s%s",
             r->lang ? pol->title_en : pol->title_zh, pol->id,
             r->lang ? st_en[x->status] : st_zh[x->status], granted ? " " : "",
             granted ? amt : "");
    if (r->html)
        sb_printf(&r->b, "<div class=\"policy %s\">\n", calc_status_name(x->status));
    heading(r, 3, head);
    if (pol->book >= 0 || pol->has_event || pol->has_app) { /* book 2: windows, claim year */
        sbuf w = {0};
        window_words(&w, e, pol, r->as_of, r->lang);
        para(r, "windows", w.p);
        sb_free(&w);
    }
    inputs(r, e, x);
    conditions(r, e, pol, x);
    if (amount_computed(x))
        computation(r, e, pol, x);
    notes(r, e, pol, x);
    parameters(r, pol);
    source(r, pol);
    if (r->html)
        sb_puts(&r->b, "</div>\n");
}

static int report_one(void *ud, calc_engine *e, const value *c, calc_profile *p, calc_date as_of)
{
    report *r = ud;
    calc_eval_opts o = {.explain = true};
    /* a case recorded with a ledger is evaluated with its snapshot, as replay does: the grants
     * as they were when it was recorded */
    const value *lsnap = map_get(c, "ledger");
    const calc_history *was = calc_engine_history(e);
    calc_history *snap = NULL;
    if (lsnap && lsnap->type == V_MAP) {
        const value *hd = map_get(lsnap, "head"), *sq = map_get(lsnap, "seq");
        snap = history_of_profile(&e->ps, p, hd && hd->type == V_SCALAR ? hd->str : "",
                                  sq && sq->type == V_SCALAR ? strtoll(sq->str, NULL, 10) : 0);
        calc_engine_set_history(e, snap);
    }
    calc_result *res = calc_eval_with(e, p, as_of, &o);
    if (snap) {
        calc_engine_set_history(e, was);
        calc_history_free(snap);
    }
    if (!res)
        return CALC_ENOMEM;
    if (r->html)
        sb_puts(&r->b, r->n ? "<section class=\"case next\">\n" : "<section class=\"case\">\n");
    heading(r, 1, EN(r, "惠企政策测算报告", "Policy estimate report"));
    para(r, "estimate", EN(r, "本报告为按所列数据和规则的测算，仅供参考；是否给予及金额以主管部门审核为准。",
                           "This report is an estimate from the data and rules shown; whether "
                           "anything is granted, and how much, is for the authority's review."));
    case_facts(r, e, c, p, res);
    r->nawards = ledger_entries(e, p);
    r->as_of = res->as_of;
    summary(r, e, res);
    ledger_table(r, e, p);
    heading(r, 2, EN(r, "逐项依据：数据、条件、计算、参数", "Each policy: inputs, conditions, "
                                                           "computation, parameters"));
    sbuf off = {0};
    for (size_t i = 0; i < res->n; i++) {
        const pres *x = &res->r[i];
        const policy *pol = &e->ps.pol[i];
        if (x->status == ST_NOT_IN_FORCE) { /* listed in one line below */
            char f[16], t[16];
            sb_printf(&off, "%s%s（%s，%s – %s）", off.n ? (r->lang ? "; " : "；") : "",
                      r->lang ? pol->title_en : pol->title_zh, pol->id,
                      calc_date_format(f, pol->from), calc_date_format(t, pol->to));
            continue;
        }
        policy_detail(r, e, pol, x);
    }
    if (off.n) {
        heading(r, 3, EN(r, "测算日不在有效期的政策", "Policies not in force on the date"));
        para(r, "off", off.p);
    }
    sb_free(&off);
    if (r->html)
        sb_puts(&r->b, "</section>\n");
    calc_result_free(res);
    r->n++;
    return 0;
}

/* Printed on A4: margins, fonts a CJK printer has, a case per page, no row cut in two, a
 * heading never left at a page's foot. */
static const char css[] =
    "table.inputs,table.params,table.results{table-layout:fixed}"
    ".inputs th:nth-child(1){width:32%}.inputs th:nth-child(2){width:33%}"
    ".params th:nth-child(1){width:18%}.params th:nth-child(2){width:24%}"
    ".params th:nth-child(3){width:20%}.params td:nth-child(2){white-space:pre-line}"
    ".results th:nth-child(1){width:36%}.results th:nth-child(2){width:26%}"
    ".results th:nth-child(3){width:14%}"
    ".policy{break-inside:avoid;page-break-inside:avoid}"
    "@page{size:A4;margin:16mm 14mm 18mm}"
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',"
    "'PingFang SC','Microsoft YaHei',sans-serif;font-size:10pt;margin:0;color:#111;"
    "line-height:1.45}"
    "h1{font-size:16pt;border-bottom:2px solid #333;margin:0 0 .3em}"
    "h2{font-size:12.5pt;margin:1.2em 0 .4em;border-bottom:1px solid #999}"
    "h3{font-size:11pt;margin:1em 0 .3em;padding:.2em .4em;background:#eee}"
    "h4{font-size:10pt;margin:.6em 0 .2em}"
    "h1,h2,h3,h4{break-after:avoid;page-break-after:avoid}"
    "table{border-collapse:collapse;margin:.4em 0;width:100%}"
    "thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}"
    "th,td{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}"
    "thead th{background:#e4e4e4}.facts th{width:14em;background:#f3f3f3;font-weight:normal}"
    ".fp{font-family:'DejaVu Sans Mono',monospace;font-size:8pt;word-break:break-all}"
    ".results td:last-child{text-align:right;white-space:nowrap}"
    "tr.eligible td{background:#eef8ee}tr.superseded td,tr.not_in_force td{color:#666}"
    "tr.error td{background:#fde}tr.illustrative td{background:#fff6e0}"
    ".params td:first-child,.inputs td:last-child{font-family:'DejaVu Sans Mono',monospace;"
    "font-size:8.5pt}"
    ".warn{font-weight:bold;color:#a00}.totals{font-weight:bold;font-size:11pt}.estimate{color:#444;margin:.2em 0 .6em}"
    "ul{margin:.2em 0 .5em;padding-left:1.4em}li{break-inside:avoid}"
    /* a wrapped line hangs under its text, not under its mark */
    "ul.calc,ul.conds{list-style:none;padding-left:.2em}"
    "ul.calc li,ul.conds li{padding-left:1.3em;text-indent:-1.3em}"
    "ul.calc{padding-left:1.2em}.mark{display:inline-block;width:1.3em;text-indent:0}"
    ".cite{color:#333;margin:.3em 0}p.fp{color:#555;margin:.1em 0 .6em}"
    ".policy{margin-bottom:1em}.facts{table-layout:fixed}.facts th{width:30%}"
    "section.case.next{break-before:page;page-break-before:always}";

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
