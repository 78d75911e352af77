/* info.c — describing the set to people: `calc schema`, `calc init`, `calc policies`
 * (list, show) and the policy linter `calc policies check`. */
#include "engine.h"
#include "polkey.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>


static void pad(FILE *out, const char *s, size_t w)
{
    fputs(s, out);
    for (size_t x = calc_text_width(s); x < w; x++)
        fputc(' ', out);
}

static const char *const type_zh[T_NTYPES] = {"对象", "列表", "文本",  "整数", "金额(元)",
                                              "日期", "是/否", "枚举", "月份"};
static const char *const type_en[T_NTYPES] = {"object", "list", "string", "int", "money",
                                              "date",   "bool", "enum",   "month"};

static void schema_node(tbl *t, const snode *n, int lang)
{
    for (size_t i = 0; i < n->nchild; i++) {
        const snode *c = n->child[i];
        if (c->type == T_OBJECT) {
            schema_node(t, c, lang);
            continue;
        }
        char type[64];
        if (c->type == T_ENUM)
            snprintf(type, sizeof type, "enum %s", c->en->name);
        else if (c->type == T_LIST && c->item && c->item->type == T_ENUM)
            snprintf(type, sizeof type, "list of %s", c->item->en->name);
        else
            snprintf(type, sizeof type, "%s", lang ? type_en[c->type] : type_zh[c->type]);
        tbl_add(t, c->path);
        tbl_add(t, snode_label(c, lang));
        tbl_add(t, type);
        /* book 2 §1.6: whether it is required, unique per item, none when absent, or from the
         * district's records */
        tbl_addf(t, "%s%s%s%s%s", lang ? (c->en_text ? c->en_text : "") : (c->zh ? c->zh : ""),
                 c->required ? (lang ? " (required)" : "（必填）") : "",
                 c->is_key ? (lang ? " (unique per item)" : "（各项不得重复）") : "",
                 c->absent_none ? (lang ? " (absent: none)" : "（未填写表示无）") : "",
                 c->from_records && !(c->parent && c->parent->parent &&
                                      c->parent->parent->from_records)
                     ? (lang ? " (from the district's records, not the applicant)"
                             : "（来自区里的兑付记录，不由申请人填写）")
                     : "");
        if (c->type == T_LIST && c->item && c->item->type == T_OBJECT)
            schema_node(t, c->item, lang);
    }
}

int calc_schema_write(FILE *out, const calc_engine *e, int lang)
{
    const calc_schema *s = &e->ps.schema;
    tbl t;
    tbl_init(&t, "llll");
    tbl_add(&t, lang ? "field" : "字段");
    tbl_add(&t, lang ? "label" : "名称");
    tbl_add(&t, lang ? "type" : "类型");
    tbl_add(&t, lang ? "meaning" : "含义");
    schema_node(&t, s->root, lang);
    sbuf b = {0};
    tbl_write(&b, &t, 0);
    tbl_free(&t);
    fwrite(b.p, 1, b.n, out);
    sb_free(&b);
    fprintf(out, "\n");
    for (size_t i = 0; i < s->nenum; i++) {
        fprintf(out, "%s:", s->enums[i].name);
        for (size_t k = 0; k < s->enums[i].n; k++) {
            const char *l = enum_label_lang(&s->enums[i], (int)k, lang);
            if (strcmp(s->enums[i].values[k], l) == 0)
                fprintf(out, " %s", s->enums[i].values[k]);
            else
                fprintf(out, " %s(%s)", s->enums[i].values[k], l);
        }
        fprintf(out, "\n");
    }
    return 0;
}

/* ---- calc init: the profile template ---- */

enum { TEMPLATE_WIDTH = 100 };

/* An enum's values as "# 可选：" comment lines wrapped at TEMPLATE_WIDTH columns: each code with
 * its Chinese label ("ai（人工智能）"), or the code alone when it is its own label (上城区). */
static void template_choices(FILE *out, const enum_def *en, int indent, const char *lead)
{
    const char *head = "可选：";
    size_t col = (size_t)indent + calc_text_width(lead) + calc_text_width(head);
    fprintf(out, "%*s%s%s", indent, "", lead, head);
    for (size_t k = 0; k < en->n; k++) {
        char tok[256];
        const char *zh = enum_label_lang(en, (int)k, 0);
        if (strcmp(zh, en->values[k]) == 0)
            snprintf(tok, sizeof tok, "%s", en->values[k]);
        else
            snprintf(tok, sizeof tok, "%s（%s）", en->values[k], zh);
        size_t w = calc_text_width(tok);
        if (k && col + 1 + w > TEMPLATE_WIDTH) {
            fprintf(out, "\n%*s%s%*s", indent, "", lead, (int)calc_text_width(head), "");
            col = (size_t)indent + calc_text_width(lead) + calc_text_width(head);
        } else if (k) {
            fputc(' ', out);
            col++;
        }
        fputs(tok, out);
        col += w;
    }
    fputc('\n', out);
}

/* What to write for a field of type t, after its meaning. */
static const char *template_type(const snode *c)
{
    switch (c->type) {
    case T_MONEY: return "金额，如 150000、15万、1,200,000.50";
    case T_DATE: return "日期，如 2024-03-15";
    case T_MONTH: return "月份，如 2024-03";
    case T_BOOL: return "true 或 false（是/否）";
    case T_INT: return "整数";
    case T_LIST: return c->item && c->item->type == T_ENUM ? "列表，如 [a, b]" : "列表";
    default: return "";
    }
}

/* "# 员工人数：在职员工人数；整数【必填】" — the label and the meaning (the meaning alone when it
 * begins with the label: "研发投入（元）"), what to write and whether it is required. */
static void template_comment(FILE *out, const snode *c, int indent, const char *lead)
{
    const char *label = c->label ? c->label : c->name;
    const char *typ = template_type(c);
    char list[160] = "";
    if (c->type == T_LIST && c->item && c->item->type == T_ENUM && c->item->en->n >= 2) {
        snprintf(list, sizeof list, "列表，如 [%s, %s]", c->item->en->values[0],
                 c->item->en->values[1]);
        typ = list;
    }
    if (c->zh && strncmp(c->zh, label, strlen(label)) == 0) /* the meaning says it all */
        fprintf(out, "%*s%s%s", indent, "", lead, c->zh);
    else if (c->zh)
        fprintf(out, "%*s%s%s：%s", indent, "", lead, label, c->zh);
    else
        fprintf(out, "%*s%s%s", indent, "", lead, label);
    fprintf(out, "%s%s%s%s%s\n", *typ ? "；" : "", typ, c->absent_none ? "；留空表示无" : "",
            c->required ? "【必填】" : "", c->is_key ? "（各项不得重复）" : "");
}

static void template_node(FILE *out, const snode *n, int indent)
{
    for (size_t i = 0; i < n->nchild; i++) {
        const snode *c = n->child[i];
        if (c->from_records) { /* the award ledger: the district's, never asked (book 2 §1.7) */
            fprintf(out, "%*s# %s（%s）：来自区里的兑付记录，不由申请人填写\n", indent, "",
                    c->label ? c->label : c->name, c->name);
            continue;
        }
        if (c->type == T_OBJECT) {
            fprintf(out, "%*s%s:\n", indent, "", c->name);
            template_node(out, c, indent + 2);
            continue;
        }
        template_comment(out, c, indent, "# ");
        if (c->type == T_ENUM)
            template_choices(out, c->en, indent, "# ");
        else if (c->type == T_LIST && c->item && c->item->type == T_ENUM)
            template_choices(out, c->item->en, indent, "# ");
        if (c->type == T_LIST && c->item && c->item->type == T_OBJECT) {
            /* a list of objects: one commented item to copy, each field explained */
            fprintf(out, "%*s%s:\n", indent, "", c->name);
            fprintf(out, "%*s#  - 每项一个，写法如下（去掉 # 号）：\n", indent, "");
            for (size_t k = 0; k < c->item->nchild; k++) {
                const snode *f = c->item->child[k];
                fprintf(out, "%*s#  %s %s:\n", indent, "", k ? " " : "-", f->name);
                template_comment(out, f, indent, "#      # ");
                if (f->type == T_ENUM)
                    template_choices(out, f->en, indent, "#      # ");
            }
        } else if (c->type == T_LIST) {
            fprintf(out, "%*s%s: []\n", indent, "", c->name);
        } else if (c->required) {
            fprintf(out, "%*s%s: \"\"\n", indent, "", c->name);
        } else {
            fprintf(out, "%*s%s:\n", indent, "", c->name);
        }
    }
}

int calc_template_write(FILE *out, const calc_engine *e)
{
    fprintf(out, "# 企业画像模板（calc init）。填写已知字段，未知的留空即可：calc 会告诉你还缺什么。\n"
                 "# Enterprise profile template. Leave unknown fields empty.\n"
                 "# 【必填】的字段须填写，留空是错误；可选值写代码，括号内是它的中文名称。\n"
                 "# Fields marked 【必填】 are required (an empty one is an error); a choice is\n"
                 "# written as its code, its Chinese label in brackets.\n");
    template_node(out, e->ps.schema.root, 0);
    return 0;
}

static const char *const kind_zh[] = {"现金", "实物", "匹配"};
static const char *const kind_en[] = {"cash", "in_kind", "match"};

int calc_policies_write(FILE *out, const calc_engine *e, calc_date as_of, int lang)
{
    const polset *ps = &e->ps;
    char d1[16], d2[16], d3[16];
    fprintf(out, "%s %s\n\n", lang ? "as of" : "日期", calc_date_format(d3, as_of));
    size_t wt = 0;
    for (size_t i = 0; i < ps->n; i++) {
        size_t w = calc_text_width(lang ? ps->pol[i].title_en : ps->pol[i].title_zh);
        if (w > wt)
            wt = w;
    }
    pad(out, "id", 24);
    pad(out, lang ? "title" : "名称", wt + 2);
    pad(out, lang ? "kind" : "类型", 9);
    pad(out, lang ? "in force" : "有效期", 26);
    fprintf(out, "%s\n", lang ? "group / cap / pool" : "组 / 上限 / 资金池");
    for (size_t i = 0; i < ps->n; i++) {
        const policy *p = &ps->pol[i];
        char win[64];
        if (p->error) {
            pad(out, p->id, 24);
            fprintf(out, "%s %s\n", lang ? "error:" : "错误：", p->error);
            continue;
        }
        snprintf(win, sizeof win, "%s %s–%s", as_of >= p->from && as_of <= p->to ? "*" : " ",
                 calc_date_format(d1, p->from), calc_date_format(d2, p->to));
        pad(out, p->id, 24);
        pad(out, lang ? p->title_en : p->title_zh, wt + 2);
        pad(out, lang ? kind_en[p->kind] : kind_zh[p->kind], 9);
        pad(out, win, 26);
        for (int k = 0; k < 2; k++) { /* every group, then every cap: "a+b" */
            uint64_t m = k ? p->caps : p->groups;
            const decl *d = k ? ps->cap : ps->group;
            size_t nd = k ? ps->ncap : ps->ngroup;
            int w = 0;
            for (size_t g = 0; g < nd && g < 64; g++)
                if (m >> g & 1)
                    fprintf(out, "%s%s", w++ ? "+" : "", d[g].name);
            fprintf(out, "%s / ", w ? "" : "-");
        }
        fprintf(out, "%s\n", p->pool >= 0 ? ps->pool[p->pool].name : "-");
        if (p->has_event) { /* book 2 §1.3: the windows besides the payout window */
            char e1[16], e2[16];
            fprintf(out, "%24s%s %s%s%s %s–%s", "", lang ? "event:" : "事件期间：", p->ev_field,
                    p->ev_field2 ? "|" : "", p->ev_field2 ? p->ev_field2 : "",
                    calc_date_format(e1, p->ev_from), calc_date_format(e2, p->ev_to));
            if (p->has_app && lang)
                fprintf(out, "; application: %s within %d months after %s", p->app_field,
                        p->app_months, p->app_after);
            else if (p->has_app)
                fprintf(out, "；申请期限：%s 在 %s 起%d个月内", p->app_field, p->app_after,
                        p->app_months);
            fputc('\n', out);
        }
    }
    fprintf(out, "\n%s\n", lang ? "* in force on that date" : "* 表示该日期在有效期内");
    calc_date latest;
    if (!set_in_force(ps, as_of, &latest)) {
        char w[400];
        nothing_in_force_text(w, sizeof w, as_of, latest, lang);
        fprintf(out, "%s%s\n", lang ? "warning: " : "注意：", w);
    }
    return 0;
}

static const char *const unit_word[] = {"yuan", "percent", "count", "m2", "date", "years",
                                        "units"};

void param_value(char *out, size_t cap, int unit, int64_t v)
{
    char buf[40];
    switch (unit) {
    case U_YUAN: snprintf(out, cap, "¥%s", calc_money_format_grouped(buf, v)); break;
    case U_PERCENT: {
        calc_money_format(buf, v);
        size_t l = strlen(buf);
        while (buf[l - 1] == '0')
            buf[--l] = 0;
        if (buf[l - 1] == '.')
            buf[--l] = 0;
        snprintf(out, cap, "%s%%", buf);
        break;
    }
    case U_DATE: snprintf(out, cap, "%s", calc_date_format(buf, (calc_date)v)); break;
    case U_M2: snprintf(out, cap, "%lld m²", (long long)v); break;
    case U_YEARS: snprintf(out, cap, "%lld years", (long long)v); break;
    default: snprintf(out, cap, "%lld", (long long)v);
    }
}

/* A computed condition (book 2) as a line: what it computes, from which fields. */
static void computed_words(FILE *out, const cond *c, int lang)
{
    const char *f = c->field, *g = c->field2 ? c->field2 : "";
    char alt[300] = "";
    if (c->coalesce)
        snprintf(alt, sizeof alt, lang ? " (else %s)" : "（无则%s）", g);
    switch (c->op) {
    case C_YEAR_INDEX_MIN:
    case C_YEAR_INDEX_MAX:
        fprintf(out, lang ? "year index of %s%s (claim year − year + 1) %s %lld"
                          : "%s%s的年度序号（申报年度 − 年份 + 1）%s %lld",
                f, alt, c->op == C_YEAR_INDEX_MIN ? "≥" : "≤", (long long)c->k1);
        break;
    case C_LEASE_MONTHS:
        fprintf(out, lang ? "months of the claim year in the lease %s–%s ≥ %lld"
                          : "申报年度计入租期（%s至%s）的月数 ≥ %lld", f, g, (long long)c->k1);
        if (c->k2)
            fprintf(out, lang ? ", within lease months 1–%lld" : "，且在租期第1至%lld个月内",
                    (long long)c->k2);
        break;
    case C_WITHIN_MONTHS:
        if (lang)
            fprintf(out, "%s within %lld months after %s", f, (long long)c->k1, g);
        else
            fprintf(out, "%s 在 %s 起%lld个月内", f, g, (long long)c->k1);
        break;
    case C_RATIO:
        fprintf(out, lang ? "%s × 100 ≥ %s × %lld" : "%s × 100 ≥ %s × %lld（比值精确比较）", f, g,
                (long long)c->k1);
        break;
    case C_MONTHS_EVERY:
    case C_MONTHS_MIN:
        fprintf(out, lang ? "%s of every month of the claim year in %s ≥ %lld"
                          : "申报年度每月 %s[].%s ≥ %lld（缺少的月份为未知）",
                lang ? c->item_field2 : f, lang ? f : c->item_field2, (long long)c->k1);
        break;
    case C_MONTHS_COUNT:
        fprintf(out, lang ? "at least %lld months of the claim year with %s[].%s ≥ %lld"
                          : "申报年度至少%lld个月 %s[].%s ≥ %lld", (long long)c->k2, f,
                c->item_field2, (long long)c->k1);
        break;
    case C_NO_AWARD:
    case C_INSTALLMENT: {
        const char *key = c->key == KEY_CLAIM_YEAR ? (lang ? "the claim year" : "申报年度")
                          : c->key == KEY_ANY      ? NULL
                                                   : f;
        if (c->op == C_INSTALLMENT) {
            if (c->by_n)
                fprintf(out, lang ? "installment due for %s ≤ n by %s (awards)"
                                  : "按 %s 的应发期数 ≤ 按 %s 定的分期数（奖励记录）", key, g);
            else
                fprintf(out, lang ? "installment due for %s ≤ %lld (awards)"
                                  : "按 %s 的应发期数 ≤ %lld（奖励记录）", key, (long long)c->k1);
        } else if (c->key == KEY_THRESHOLD)
            fprintf(out, lang ? "no award at the threshold %s reaches or above (awards)"
                              : "奖励记录中无 %s 所达台阶或更高台阶的奖励", f);
        else if (key)
            fprintf(out, lang ? "no award of this policy with key = %s%s (awards)"
                              : "奖励记录中无本政策以 %s 为键的奖励%s", key,
                    c->in_claim_year ? (lang ? " in the claim year" : "（申报年度内）") : "");
        else
            fprintf(out, lang ? "no award of this policy at all (awards)"
                              : "奖励记录中无本政策的任何奖励");
        break;
    }
    case C_STAGE_DATE:
        fprintf(out, lang ? "the date in %s of the stage %s, within the event window"
                          : "%s 中与 %s 对应的日期在事件期间内", g, f);
        break;
    default: fprintf(out, "%s", c->name);
    }
}

static void cond_words(FILE *out, const policy *p, const cond *c, int depth, int lang)
{
    static const char *const op_sym[] = {"=", "∈", "≥", "≤", ">", "<", "between", "has",
                                         "present", "is true", "≥", "≤", "", "", "", ""};
    fprintf(out, "  %*s- ", depth * 2, "");
    if (c->book && depth == 0)
        fprintf(out, "%s", c->veto ? (lang ? "[book, veto] " : "[通用·一票否决] ")
                                   : (lang ? "[book] " : "[通用] "));
    if (c->zh && !lang && c->op != C_NOT) {
        fprintf(out, "%s\n", c->zh);
    } else if (c->en && lang && c->op != C_NOT && !COND_COMPUTED(c->op) && c->op != C_ANY_ITEM) {
        fprintf(out, "%s  [%s]\n", c->en, c->field ? c->field : "");
    } else if (COND_COMPUTED(c->op)) {
        if (lang && c->en)
            fprintf(out, "%s  [", c->en);
        computed_words(out, c, lang);
        fprintf(out, lang && c->en ? "]\n" : "\n");
    } else if (c->op == C_ALL || c->op == C_ANY || c->op == C_NOT) {
        const char *own = lang ? c->en : c->zh; /* a not_'s wording, then its negation */
        if (own)
            fprintf(out, lang ? "%s, i.e. " : "%s，即", own);
        fprintf(out, "%s\n", c->op == C_ALL ? (lang ? "all of:" : "同时满足：")
                             : c->op == C_ANY ? (lang ? "any of:" : "满足其一：")
                                              : (lang ? "not:" : "不满足："));
    } else if (c->op == C_ANY_ITEM) {
        fprintf(out, lang ? "at least one item of %s with:\n" : "%s 中至少一项满足：\n",
                c->field);
    } else {
        const char *label = !lang && c->sn->label ? c->sn->label : c->field;
        fprintf(out, "%s", label);
        if (c->coalesce) /* the registration or arrival date: moved_in, else founded */
            fprintf(out, lang ? " (else %s)" : "（无则%s）",
                    !lang && c->sn2->label ? c->sn2->label : c->field2);
        fprintf(out, " %s", op_sym[c->op]);
        for (int k = 0; k < (c->op == C_BETWEEN ? 2 : c->op == C_IS_SET || c->op == C_IS_TRUE
                                                          ? 0 : 1); k++) {
            const reqval *r = &c->req[k];
            if (k)
                fprintf(out, " %s", lang ? "and" : "至");
            if (c->op == C_ONE_OF) {
                fprintf(out, " {");
                for (size_t i = 0; i < r->n; i++)
                    fprintf(out, "%s%s", i ? ", " : "", r->list[i].s ? r->list[i].s : "?");
                fprintf(out, "}");
            } else if (r->kind == RV_PARAM) {
                char v[64];
                param_value(v, sizeof v, p->params[r->param].unit, p->params[r->param].value);
                fprintf(out, " %s (%s)", v, p->params[r->param].name);
            } else if (r->kind == RV_YEARS_BEFORE_AS_OF) {
                long long y = r->param >= 0 ? p->params[r->param].value : r->i;
                fprintf(out, lang ? " %lld years before as_of" : " 测算日前%lld年", y);
            } else if (r->kind == RV_EVENT_FROM || r->kind == RV_EVENT_TO) {
                char d[16];
                fprintf(out, " %s", calc_date_format(d, r->kind == RV_EVENT_FROM ? p->ev_from
                                                                                 : p->ev_to));
            } else if (r->kind == RV_CLAIM_YEAR) {
                fprintf(out, "%s", lang ? " the claim year (the year of as_of − 1)"
                                        : " 申报年度（测算年度 − 1）");
            } else if (r->type == T_BOOL) {
                fprintf(out, " %s", r->i ? (lang ? "true" : "是") : (lang ? "false" : "否"));
            } else if (r->kind == RV_IN_FORCE_FROM || r->kind == RV_IN_FORCE_TO) {
                char d[16];
                fprintf(out, " %s", calc_date_format(d, r->kind == RV_IN_FORCE_FROM ? p->from
                                                                                   : p->to));
            } else if (r->type == T_MONEY) {
                char m[40];
                fprintf(out, " ¥%s", calc_money_format_grouped(m, r->i));
            } else if (r->type == T_DATE) {
                char d[16];
                fprintf(out, " %s", calc_date_format(d, (calc_date)r->i));
            } else if (r->s) {
                fprintf(out, " %s", r->s);
            } else {
                fprintf(out, " %lld", (long long)r->i);
            }
        }
        fprintf(out, "  [%s]\n", c->field);
    }
    for (size_t i = 0; i < c->n; i++)
        cond_words(out, p, &c->sub[i], depth + 1, lang);
}

int calc_policy_show(FILE *out, const calc_engine *e, const char *id, int lang, calc_error *err)
{
    const polset *ps = &e->ps;
    int pi = policy_index(ps, id);
    if (pi < 0) {
        const char *ids[256];
        size_t n = 0;
        for (size_t i = 0; i < ps->n && n < 256; i++)
            ids[n++] = ps->pol[i].id;
        const char *best = closest_name(id, ids, n);
        calc_error_set(err, CALC_EUSAGE, NULL, 0, 0, "no policy '%s'", id);
        if (best)
            calc_error_hint(err, "did you mean '%s'?", best);
        else
            calc_error_hint(err, "run 'calc policies' for the list");
        return CALC_EUSAGE;
    }
    const policy *p = &ps->pol[pi];
    if (p->error) {
        fprintf(out, "%s\n%s %s\n", p->id, lang ? "error:" : "错误：", p->error);
        return 0;
    }
    char d1[16], d2[16];
    fprintf(out, "%s — %s\n%s\n\n", p->id, p->title_zh, p->title_en);
    fprintf(out, "%s %s    %s %s – %s\n", lang ? "kind:" : "类型：", kind_en[p->kind],
            lang ? "in force:" : "有效期：", calc_date_format(d1, p->from),
            calc_date_format(d2, p->to));
    if (p->has_event) { /* book 2 §1.3: the event and application windows */
        char e1[16], e2[16], alt[200] = "";
        if (p->ev_field2)
            snprintf(alt, sizeof alt, lang ? " (else %s)" : "（无则 %s）", p->ev_field2);
        fprintf(out, "%s %s%s %s – %s\n", lang ? "event window:" : "事件期间：", p->ev_field, alt,
                calc_date_format(e1, p->ev_from), calc_date_format(e2, p->ev_to));
    }
    if (p->has_app && lang)
        fprintf(out, "application window: %s within %d months after %s\n", p->app_field,
                p->app_months, p->app_after);
    else if (p->has_app)
        fprintf(out, "申请期限：%s 在 %s 起%d个月内\n", p->app_field, p->app_after, p->app_months);
    if (p->book >= 0)
        fprintf(out, "%s %s (%s)\n", lang ? "book:" : "所属政策包：", ps->book[p->book].id,
                lang ? ps->book[p->book].en : ps->book[p->book].zh);
    if (p->key.kind != PK_NONE || p->key.declared) { /* issue #17: what the ledger records */
        sbuf k = {0};
        polkey_describe(&k, p, lang);
        fprintf(out, "%s %s\n", lang ? "ledger key:" : "台账记录键：", k.p);
        sb_free(&k);
    }
    fprintf(out, "%s《%s》%s %s\n  “%s”\n", lang ? "source:" : "依据：", p->src_doc,
            p->src_publisher ? p->src_publisher : "", p->src_date ? p->src_date : "",
            p->src_quote);
    if (p->src_file)
        fprintf(out, "  (%s)\n", p->src_file);
    if (p->src_url)
        fprintf(out, "  <%s>\n", p->src_url);
    fprintf(out, "\n%s\n", lang ? "conditions:" : "条件：");
    for (size_t i = 0; i < p->ncond; i++)
        cond_words(out, p, &p->conds[i], 0, lang);
    fprintf(out, "\n%s\n", lang ? "parameters:" : "参数：");
    for (size_t i = 0; i < p->nparam; i++) {
        const param *q = &p->params[i];
        const char *mark = q->mark == 1   ? "seed"
                           : q->mark == 2 ? "illustrative"
                           : q->mark == 3 ? "source"
                                          : "UNMARKED";
        if (q->n) {
            fprintf(out, "  %-22s [%s]", q->name, mark);
            for (size_t k = 0; k < q->n; k++) {
                char v[64];
                param_value(v, sizeof v, q->unit, q->e[k].value);
                fprintf(out, "%s %s: %s", k ? "," : "", q->e[k].key, v);
            }
            fprintf(out, "\n");
        } else {
            char v[64];
            param_value(v, sizeof v, q->unit, q->value);
            fprintf(out, "  ");
            pad(out, q->name, 23);
            pad(out, v, 19);
            fprintf(out, "[%s, %s]\n", mark, unit_word[q->unit]);
        }
        if (q->note)
            fprintf(out, "  %-22s   %s\n", "", q->note);
    }
    if (p->amount_zh || p->amount_en)
        fprintf(out, "\n%s\n  %s\n", lang ? "amount:" : "金额：",
                lang && p->amount_en ? p->amount_en : p->amount_zh ? p->amount_zh : p->amount_en);
    static const char *const rounding[][2] = {{"", ""},
                                              {"向下取整到分", "rounded down to the fen"},
                                              {"向下取整到元", "rounded down to the yuan"},
                                              {"四舍五入到元", "rounded half up to the yuan"}};
    if (p->rounding) /* only a rule of its own: half up to the fen goes without saying */
        fprintf(out, "  %s%s\n", lang ? "rounding: " : "取整：", rounding[p->rounding][lang ? 1 : 0]);
    if (p->zero_grant)
        fprintf(out, "  %s\n", lang ? "an amount of 0 is a grant of 0 (eligible)"
                                    : "金额为0元时仍属符合（给予0元）");
    if (p->groups)
        fputc('\n', out);
    for (size_t i = 0; i < ps->ngroup && i < 64; i++)
        if (p->groups >> i & 1)
            fprintf(out, "%s %s (%s)\n", lang ? "exclusive group:" : "就高不重复组：",
                    ps->group[i].name, lang ? ps->group[i].en : ps->group[i].zh);
    for (size_t i = 0; i < ps->ncap && i < 64; i++)
        if (p->caps >> i & 1)
            fprintf(out, "%s %s (%s)\n", lang ? "enterprise cap:" : "企业上限：",
                    ps->cap[i].name, lang ? ps->cap[i].en : ps->cap[i].zh);
    if (p->pool >= 0) {
        const decl *x = &ps->pool[p->pool];
        char v[64];
        param_value(v, sizeof v, x->unit, x->size);
        fprintf(out, "%s %s: %s, %s (%s)\n", lang ? "pool:" : "资金/资源池：", x->name, v,
                x->mode ? "first_come" : "pro_rata", x->zh);
    }
    return 0;
}

/* Is `name` used as p.name / p["name"] in the policy's source text? */
static bool used_in_source(const char *file, const char *name)
{
    char *text;
    size_t len;
    calc_error err;
    if (calc_read_file(file, &text, &len, &err))
        return false;
    bool found = false;
    size_t nl = strlen(name);
    for (const char *s = text; !found && (s = strstr(s, name)); s += nl) {
        char before = s > text ? s[-1] : 0, after = s[nl];
        bool ident_end = !((after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
                           (after >= '0' && after <= '9') || after == '_');
        if (before == '.' && ident_end && s - text >= 2 &&
            !((s[-2] >= 'a' && s[-2] <= 'z' && s - text >= 3 &&
               ((s[-3] >= 'a' && s[-3] <= 'z') || s[-3] == '_'))))
            found = true; /* p.name or q.name */
        if ((before == '"' || before == '\'') && (after == '"' || after == '\'') && s - text >= 2 &&
            (s[-2] == '[' || s[-2] == ' ' || s[-2] == '('))
            found = true; /* p["name"], param "name", limit = "name" */
    }
    free(text);
    return found;
}

/* Conditions worded in Chinese only: their English sentence would fall back to the engine's
 * words while the Chinese has the author's. (The condition may come from lib/: no line.) */
static int lint_wording(calc_diags *d, const policy *p, const cond *c, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].zh != !c[i].en) {
            calc_loc loc = {p->file, 0, 0};
            diag_at(d, CALC_ECHECK, &loc, c[i].name, "give both: { zh = \"…\", en = \"…\" }",
                    c[i].zh ? "condition is worded in Chinese only"
                            : "condition is worded in English only");
            rc = CALC_ECHECK;
        }
        if (lint_wording(d, p, c[i].sub, c[i].n))
            rc = CALC_ECHECK;
    }
    return rc;
}

/* Whether condition c (or one below it) compares a date with the event window; the field it
 * does so on in *field (its schema path, lists as name[]) when that is not the window's. */
static int event_uses(const policy *p, const cond *v, size_t n, const char **wrong,
                      bool *app)
{
    int uses = 0;
    for (size_t i = 0; i < n; i++) {
        const cond *c = &v[i];
        if (c->n)
            uses += event_uses(p, c->sub, c->n, wrong, app);
        if (c->op == C_WITHIN_MONTHS && p->has_app && c->sn && c->sn2 &&
            strcmp(c->sn->path, p->app_field) == 0 && strcmp(c->sn2->path, p->app_after) == 0 &&
            c->k1 == p->app_months)
            *app = true;
        bool ev = (c->op == C_BETWEEN || c->op == C_STAGE_DATE) &&
                  (c->req[0].kind == RV_EVENT_FROM || c->req[1].kind == RV_EVENT_TO);
        if (!ev)
            continue;
        uses++;
        const snode *sn = c->op == C_STAGE_DATE ? c->sn2 : c->sn;
        bool same = sn && strcmp(sn->path, p->ev_field) == 0;
        if (c->coalesce)
            same = same && p->ev_field2 && c->sn2 && strcmp(c->sn2->path, p->ev_field2) == 0;
        if (!same && sn)
            *wrong = sn->path;
    }
    return uses;
}

/* The windows of book 2 §1.3 as data, checked against the conditions that use them. */
static int lint_windows(calc_diags *d, const policy *p)
{
    calc_loc loc = {p->file, 0, 0};
    int bad = 0;
    const char *wrong = NULL;
    bool app = false;
    int uses = event_uses(p, p->conds, p->ncond, &wrong, &app);
    char a[16], b[16];
    if (p->has_event && p->ev_to > p->to) {
        diag_at(d, CALC_ECHECK, &loc, p->id, "end the event window by the payout window's end",
                "the event window ends on %s, after the payout window (%s): an event after "
                "that can never be paid", calc_date_format(a, p->ev_to),
                calc_date_format(b, p->to));
        bad++;
    }
    if (p->has_event && p->ev_from > p->to) {
        diag_at(d, CALC_ECHECK, &loc, p->id, NULL,
                "the event window starts on %s, after the payout window ends",
                calc_date_format(a, p->ev_from));
        bad++;
    }
    if (wrong) {
        diag_at(d, CALC_ECHECK, &loc, p->id, "compare the event's own date with EVENT_FROM/TO",
                "'%s' is compared with the event window, which is on '%s'", wrong,
                p->ev_field);
        bad++;
    }
    if (p->has_event && !uses) {
        diag_at(d, CALC_ECHECK, &loc, p->id,
                "add between(FIELD, EVENT_FROM, EVENT_TO) to the conditions",
                "the event window on '%s' is declared but no condition checks it", p->ev_field);
        bad++;
    }
    if (p->has_app && !app) {
        diag_at(d, CALC_ECHECK, &loc, p->id,
                "add within_months_after(FIELD, AFTER, MONTHS) with the window's values",
                "the application window (%s within %d months after %s) is declared but no "
                "condition checks it", p->app_field, p->app_months, p->app_after);
        bad++;
    }
    return bad;
}

int calc_policies_check(const calc_engine *e, calc_date today, calc_diags *d)
{
    const polset *ps = &e->ps;
    int rc = 0;
    for (size_t i = 0; i < e->diags.n; i++) {
        calc_error *x = calc_diags_add(d);
        if (x)
            *x = e->diags.v[i];
        rc = CALC_EPOLICY;
    }
    for (size_t i = 0; i < ps->n; i++) {
        const policy *p = &ps->pol[i];
        if (p->error)
            continue;
        for (size_t k = 0; k < p->nparam; k++) {
            const param *q = &p->params[k];
            calc_loc loc = {p->file, q->line, 0};
            if (q->mark == 0) {
                diag_at(d, CALC_ECHECK, &loc, q->name,
                        "wrap it: seed(…) if a source states it, illustrative(…) otherwise",
                        "parameter is not marked seed or illustrative");
                if (!rc)
                    rc = CALC_ECHECK;
            }
            if (!q->used && !used_in_source(p->file, q->name)) {
                diag_at(d, CALC_ECHECK, &loc, q->name, "use it, or remove it",
                        "parameter is declared but never used");
                if (!rc)
                    rc = CALC_ECHECK;
            }
        }
        if (lint_wording(d, p, p->conds, p->ncond) && !rc)
            rc = CALC_ECHECK;
        if (p->zero_grant && !ps->zero_grants) { /* book 1 §1: an amount of 0 is ineligible */
            calc_loc loc = {p->file, p->zero_line, 0};
            diag_at(d, CALC_ECHECK, &loc, p->id,
                    "remove it; only a set whose rules grant 0 allows it (set.yaml: "
                    "zero_grants: allowed)",
                    "zero_amount = \"eligible\" in a set that does not allow zero grants: an "
                    "amount of 0 is ineligible here (book 1 §1)");
            if (!rc)
                rc = CALC_ECHECK;
        }
        if (lint_windows(d, p) && !rc)
            rc = CALC_ECHECK;
        if (p->to < today) {
            calc_error *x = calc_diags_add(d);
            if (x) {
                char d1[16];
                calc_error_set(x, 0, p->file, 0, 0,
                               "policy '%s' ended on %s (kept so that old cases replay)", p->id,
                               calc_date_format(d1, p->to));
                x->severity = 2;
            }
        }
        for (size_t j = i + 1; j < ps->n; j++) {
            const policy *o = &ps->pol[j];
            if (o->error || !p->family || !o->family || strcmp(p->family, o->family) != 0)
                continue;
            if (p->from <= o->to && o->from <= p->to) {
                char a[16], b[16], c2[16], d2[16];
                calc_loc loc = {o->file, 0, 0};
                diag_at(d, CALC_ECHECK, &loc, NULL, "versions of one programme must not overlap",
                        "'%s' (%s–%s) and '%s' (%s–%s) of family '%s' overlap", p->id,
                        calc_date_format(a, p->from), calc_date_format(b, p->to), o->id,
                        calc_date_format(c2, o->from), calc_date_format(d2, o->to), p->family);
                if (!rc)
                    rc = CALC_ECHECK;
            }
        }
    }
    return rc;
}
