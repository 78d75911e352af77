/* near.c — `calc near`, the outreach list: the enterprises of a population that are
 * ineligible for a policy only by numeric thresholds within a given distance of the value
 * needed, with the changes that make them eligible (proven by calc_qualify) and what the
 * policy would then bring. Only what the schema lets an enterprise raise counts (calc_qualify
 * suggests nothing else): a limit such as 员工人数不超过50 is never a near miss. It reads the
 * population (population.c) and writes the list to `out` once every input was read; it
 * changes no rules and no profile. The table names each enterprise and says each change in
 * words, in columns aligned by display width (CJK counts two). */
#include "popmap.h"
#include "xlsxout.h"

#include <stdlib.h>
#include <string.h>

/* The distance of a numeric change as a fraction of the value needed, in hundredths of a
 * percent; -1 when the change is not a numeric threshold. */
static int64_t distance(const qchange *c)
{
    if (strcmp(c->action, "raise"))
        return -1;
    calc_money now, to;
    if (!c->now || calc_money_parse(&now, c->now, strlen(c->now), NULL) ||
        calc_money_parse(&to, c->to, strlen(c->to), NULL))
        return -1; /* whole numbers parse as money too; anything else is not numeric */
    int64_t gap = to > now ? to - now : now - to;
    if (to == 0)
        return gap ? INT64_MAX : 0;
    return (int64_t)((__int128)gap * 10000 / (to < 0 ? -to : to));
}

/* A change such as "+10,000.00" or "-9" as a CSV number (10000.00, -9): no group separators or
 * plus sign, which a spreadsheet would split on or read as a formula; other text as text. */
static void csv_change(sbuf *b, const char *by)
{
    char num[64];
    size_t n = 0;
    bool ok = *by != 0;
    for (const char *q = by; *q && ok; q++) {
        if (*q == ',' || (*q == '+' && q == by))
            continue;
        ok = n < sizeof num - 1 && ((*q >= '0' && *q <= '9') || *q == '.' || (*q == '-' && q == by));
        num[n++] = *q;
    }
    num[n] = 0;
    if (ok && n)
        sb_puts(b, num);
    else
        csv_text(b, by);
}

/* The table's rows, kept until every width is known. */
enum { NEAR_COLS = 8 };
typedef struct near_rows {
    char **cell; /* NEAR_COLS a row, malloc'd */
    size_t n, cap;
} near_rows;

static void row_add(near_rows *t, const char *const *v)
{
    if (t->n + NEAR_COLS > t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64 * NEAR_COLS;
        t->cell = realloc(t->cell, t->cap * sizeof *t->cell);
        if (!t->cell)
            abort(); /* out of memory: nothing sensible to continue with */
    }
    for (size_t k = 0; k < NEAR_COLS; k++) {
        t->cell[t->n + k] = strdup(v[k] ? v[k] : "");
        if (!t->cell[t->n + k])
            abort();
    }
    t->n += NEAR_COLS;
}

/* The rows, each column as wide as its widest cell; numbers (the last four) to the right. */
static void rows_write(sbuf *b, near_rows *t)
{
    size_t w[NEAR_COLS] = {0};
    for (size_t i = 0; i < t->n; i++) {
        size_t x = calc_text_width(t->cell[i]);
        if (x > w[i % NEAR_COLS])
            w[i % NEAR_COLS] = x;
    }
    for (size_t i = 0; i < t->n; i++) {
        size_t c = i % NEAR_COLS, pad = w[c] - calc_text_width(t->cell[i]);
        if (c >= NEAR_COLS - 4)
            sb_printf(b, "%*s", (int)pad, "");
        sb_puts(b, t->cell[i]);
        if (c == NEAR_COLS - 1)
            sb_puts(b, "\n");
        else
            sb_printf(b, "%*s", (int)(c < NEAR_COLS - 4 ? pad + 2 : 2), "");
        free(t->cell[i]);
    }
    free(t->cell);
}

/* A value of a change for the table: money as ¥1,000,000.00, counts as they are. */
static void value_cell(char *out, size_t cap, const qchange *c, const char *text)
{
    calc_money m;
    char g[40];
    if (text && c->sn->type == T_MONEY && !calc_money_parse(&m, text, strlen(text), NULL))
        snprintf(out, cap, "¥%s", calc_money_format_grouped(g, m));
    else
        snprintf(out, cap, "%s", text ? text : "-");
}

/* What the change brings, for the table: the amount (in-kind: the quantity and its value), or
 * that it depends on the figure the enterprise reaches. */
static void amount_cell(char *out, size_t cap, const policy *p, const qualify *q, int lang)
{
    char m[40];
    calc_money_format_grouped(m, q->amount);
    if (q->example)
        snprintf(out, cap, "%s", lang ? "depends on the actual figure" : "取决于实际数额");
    else if (p->kind == K_IN_KIND)
        snprintf(out, cap, "%lld %s (¥%s)", (long long)q->quantity,
                 strcmp(p->unit, "m2") == 0 ? "m²" : lang ? "units" : "套", m);
    else
        snprintf(out, cap, "¥%s", m);
}

/* {"zh": …, "en": …} of a change's field, or of the change in words. */
static void json_words(sbuf *b, const calc_schema *s, const qchange *c, bool change)
{
    sbuf t = {0};
    for (int lang = 0; lang < 2; lang++) {
        t.n = 0;
        if (change)
            qualify_change_words(&t, s, c, lang);
        else
            qualify_field_words(&t, s, c->field, lang);
        sb_puts(b, lang ? ", \"en\": " : "{\"zh\": ");
        sb_json_str(b, t.p ? t.p : "");
    }
    sb_puts(b, "}");
    sb_free(&t);
}

/* ---- the workbook ---- */

/* What the summary sheet counts: per policy the near misses and what they would bring. */
typedef struct near_sum {
    size_t *n;
    int64_t *amount, *quantity;
    size_t records;
} near_sum;

static void xlsx_near_sheet(xlsx *x, int lang)
{
    static const char *const zh[] = {"企业标识", "企业名称", "政策编号", "政策名称", "状态",
                                     "可获金额", "数量", "单位", "字段", "现值", "需达到",
                                     "差距", "距离", "原因"};
    static const char *const en[] = {"id", "name", "policy", "title", "status",
                                     "would bring", "quantity", "unit", "field", "now",
                                     "needed", "change", "distance", "reasons"};
    xlsx_sheet(x, lang ? "Results" : "结果", lang ? en : zh, 14, 2, true);
}

/* A value of field sn as a cell: money as money, whole numbers as numbers, else text. */
static void xlsx_value_cell(xlsx *x, const snode *sn, const char *v)
{
    calc_money m;
    bool money = sn && sn->type == T_MONEY, whole = sn && sn->type == T_INT;
    if (v && (money || whole) && calc_money_parse(&m, v, strlen(v), NULL) == 0) {
        if (money)
            xlsx_money(x, m);
        else
            xlsx_int(x, (long long)(m / 100));
    } else
        xlsx_text(x, v);
}

/* A change ("+10,000.00", "-9") as a number of the field's kind. */
static void change_cell(xlsx *x, const snode *sn, const char *by)
{
    char num[64];
    size_t n = 0;
    for (const char *q = by ? by : ""; *q && n < sizeof num - 1; q++)
        if (*q != ',' && *q != '+')
            num[n++] = *q;
    num[n] = 0;
    xlsx_value_cell(x, sn, n ? num : by);
}

static void xlsx_near_row(xlsx *x, const calc_engine *e, const char *id, const char *name,
                          const policy *pol, const qualify *q, const qchange *c, int64_t dist,
                          const char *why, int lang)
{
    char path[256];
    schema_item_path(path, sizeof path, c->field);
    const snode *sn = schema_resolve(e->ps.schema.root, path);
    xlsx_text(x, id);
    xlsx_text(x, name);
    xlsx_text(x, pol->id);
    xlsx_text(x, lang ? pol->title_en : pol->title_zh);
    xlsx_text(x, calc_status_label(ST_INELIGIBLE, lang));
    if (q->example) /* the amount depends on a figure the enterprise must still give */
        xlsx_text(x, NULL);
    else
        xlsx_money(x, q->amount);
    if (pol->kind == K_IN_KIND) {
        xlsx_int(x, (long long)q->quantity);
        xlsx_text(x, strcmp(pol->unit, "m2") == 0 ? "m²" : lang ? "units" : "套");
    } else {
        xlsx_text(x, NULL);
        xlsx_text(x, NULL);
    }
    xlsx_text(x, sn ? snode_label(sn, lang) : c->field);
    xlsx_value_cell(x, sn, c->now);
    xlsx_value_cell(x, sn, c->to);
    change_cell(x, sn, c->by);
    xlsx_pct(x, dist);
    xlsx_text(x, why);
    xlsx_row_end(x);
}

/* Per policy the near misses and what they would bring; per pool what their claims on it
 * would be (near evaluates one enterprise at a time: nothing is allocated). */
static void xlsx_near_summary(xlsx *x, const calc_engine *e, const near_sum *s, size_t found,
                              calc_date as_of, int lang)
{
    static const char *const zh[] = {"政策编号", "政策名称", "接近符合", "可获金额合计", "数量合计"};
    static const char *const en[] = {"policy", "title", "near misses", "would bring",
                                     "quantity"};
    xlsx_sheet(x, lang ? "Summary" : "汇总", lang ? en : zh, 5, 2, false);
    for (size_t i = 0; i < e->ps.n; i++) {
        const policy *p = &e->ps.pol[i];
        if (p->kind == K_MATCH)
            continue;
        xlsx_text(x, p->id);
        xlsx_text(x, lang ? p->title_en : p->title_zh);
        xlsx_int(x, (long long)s->n[i]);
        xlsx_money(x, s->amount[i]);
        if (p->kind == K_IN_KIND)
            xlsx_int(x, (long long)s->quantity[i]);
        xlsx_row_end(x);
    }
    xlsx_row_end(x);
    char d[16];
    xlsx_text(x, lang ? "as of" : "测算日期");
    xlsx_text(x, calc_date_format(d, as_of));
    xlsx_row_end(x);
    xlsx_text(x, lang ? "records evaluated" : "已测算");
    xlsx_int(x, (long long)s->records);
    xlsx_row_end(x);
    xlsx_text(x, lang ? "near misses" : "接近符合");
    xlsx_int(x, (long long)found);
    xlsx_row_end(x);
    static const char *const pzh[] = {"资金池", "说明", "分配方式", "规模", "接近符合者申请数",
                                      "接近符合者申请合计"};
    static const char *const pen[] = {"pool", "description", "mode", "size",
                                      "near misses' claims", "claimed by near misses"};
    xlsx_sheet(x, lang ? "Pools" : "资金池", lang ? pen : pzh, 6, 1, false);
    for (size_t p = 0; p < e->ps.npool; p++) {
        const decl *px = &e->ps.pool[p];
        size_t n = 0;
        int64_t sum = 0;
        for (size_t k = 0; k < px->n; k++) {
            int i = px->member[k];
            n += s->n[i];
            sum += px->unit == U_YUAN ? s->amount[i] : s->quantity[i];
        }
        xlsx_text(x, px->name);
        xlsx_text(x, px->zh);
        xlsx_text(x, px->mode == 0 ? (lang ? "pro rata" : "按比例")
                                   : (lang ? "first come" : "先到先得"));
        if (px->unit == U_YUAN) {
            xlsx_money(x, px->size);
            xlsx_int(x, (long long)n);
            xlsx_money(x, sum);
        } else {
            xlsx_int(x, (long long)px->size);
            xlsx_int(x, (long long)n);
            xlsx_int(x, (long long)sum);
        }
        xlsx_row_end(x);
    }
}

/* ---- who cannot be near: decided before any search ---- */

/* A top-level condition's truth on its field's value v, as eval.c's leaf() finds it, for the
 * plain comparisons: 0, 1, 2 for an absent value, -1 for any other condition. */
static int plain_leaf(const policy *pol, calc_date as_of, const cond *c, const pval *v)
{
    if (!v || !v->set)
        return 2; /* unknown: never a failure */
    int64_t r0 = c->op == C_IS_SET || c->op == C_IS_TRUE || c->op == C_ONE_OF ||
                         (c->op == C_EQUALS && v->type == T_STRING)
                     ? 0
                     : req_value(pol, as_of, &c->req[0]);
    switch (c->op) {
    case C_IS_SET: return 1;
    case C_IS_TRUE: return v->u.i != 0;
    case C_HAS_TAG:
        for (size_t i = 0; i < v->u.l->n; i++)
            if (v->u.l->item[i].set && v->u.l->item[i].u.i == r0)
                return 1;
        return 0;
    case C_EQUALS: return v->type == T_STRING ? strcmp(v->u.s, c->req[0].s) == 0 : v->u.i == r0;
    case C_ONE_OF:
        for (size_t i = 0; i < c->req[0].n; i++)
            if (v->type == T_STRING ? strcmp(v->u.s, c->req[0].list[i].s) == 0
                                    : v->u.i == req_value(pol, as_of, &c->req[0].list[i]))
                return 1;
        return 0;
    case C_AT_LEAST:
    case C_ON_OR_AFTER: return v->u.i >= r0;
    case C_AT_MOST:
    case C_ON_OR_BEFORE: return v->u.i <= r0;
    case C_GREATER: return v->u.i > r0;
    case C_LESS: return v->u.i < r0;
    case C_BETWEEN: return v->u.i >= r0 && v->u.i <= req_value(pol, as_of, &c->req[1]);
    default: return -1;
    }
}

/* What a failing plain comparison c (its field's value v) says of a suggestion: true when
 * none can meet it with a raise within limit — its field is not a number the enterprise may
 * raise (a suggestion would set, add or provide it: not a numeric threshold), or it must go
 * down (a limit), or the least value that meets it is already further than limit (a raise to
 * a value v that meets it is at the distance (v - now) / v, which grows with v when now >= 0). */
static bool blocks(const policy *pol, calc_date as_of, const cond *c, const pval *v,
                   int64_t limit)
{
    const snode *sn = c->sn;
    if ((sn->change != CH_RAISE && sn->change != CH_NEXT_YEAR) ||
        (sn->type != T_MONEY && sn->type != T_INT))
        return true;
    int64_t now = v->u.i, need, r0 = req_value(pol, as_of, &c->req[0]);
    switch (c->op) {
    case C_AT_LEAST:
    case C_ON_OR_AFTER: need = r0; break;
    case C_GREATER:
        if (r0 == INT64_MAX)
            return false;
        need = r0 + 1;
        break;
    case C_BETWEEN:
        if (now > req_value(pol, as_of, &c->req[1]))
            return true;
        need = r0;
        break;
    case C_AT_MOST:
    case C_LESS:
    case C_ON_OR_BEFORE: return true;
    default: return false; /* an exact value: searched */
    }
    return now >= 0 && need > now && (__int128)(need - now) * 10000 / need > limit;
}

enum { T_NO, T_YES, T_BLOCKED, T_OPEN }; /* fails; holds (or unknown); no suggestion; search */

/* Whether field sn is a number the enterprise may raise: a suggestion's change of any other
 * field is not a numeric threshold. */
static bool raisable(const snode *sn)
{
    return sn && (sn->change == CH_RAISE || sn->change == CH_NEXT_YEAR) &&
           (sn->type == T_MONEY || sn->type == T_INT);
}

/* A failing ratio a × 100 >= b × k (book 2's growth): met only by raising a (lowering b is no
 * raise, raising it asks more of a) to at least ⌈b × k / 100⌉. */
static int ratio_state(const policy *pol, const cond *c, const pobj *base, int64_t limit)
{
    cond t = *c;
    memcpy(t.pidx, c->pidx2, sizeof t.pidx);
    t.plen = c->plen2;
    const pval *a = cond_slot(base, c), *b = cond_slot(base, &t);
    int64_t k = c->kparam[0] >= 0 ? pol->params[c->kparam[0]].value : c->k1;
    if (!a || !a->set || !b || !b->set || k < 0 || b->u.i < 0 || a->u.i < 0)
        return T_OPEN;
    __int128 lhs = (__int128)a->u.i * 100, rhs = (__int128)b->u.i * k;
    if (lhs >= rhs)
        return T_YES;
    if (!raisable(c->sn))
        return T_BLOCKED;
    __int128 need = (rhs + 99) / 100;
    return (need - a->u.i) * 10000 / need > limit ? T_BLOCKED : T_NO;
}

static int conds_state(const policy *pol, calc_date as_of, const cond *v, size_t n,
                       const pobj *base, int64_t limit, int depth);

/* The state of one condition c in object base (see conds_state). */
static int cond_state(const policy *pol, calc_date as_of, const cond *c, const pobj *base,
                      int64_t limit, int depth)
{
    switch (c->op) {
    case C_ALL: return conds_state(pol, as_of, c->sub, c->n, base, limit, depth);
    case C_ANY:
    case C_ANY_ITEM: {
        /* at least one of them (of the items) must hold: blocked when every one is */
        const pval *l = NULL;
        size_t n = c->n;
        if (c->op == C_ANY_ITEM) {
            l = c->field && !c->coalesce && depth == 0 ? cond_slot(base, c) : NULL;
            if (!l || !l->set)
                return T_OPEN;
            n = l->u.l->n;
        }
        int any = T_BLOCKED;
        for (size_t i = 0; i < n && any != T_YES; i++) {
            int x;
            if (c->op == C_ANY)
                x = cond_state(pol, as_of, &c->sub[i], base, limit, depth);
            else {
                const pval *it = &l->u.l->item[i];
                x = it->set && it->type == T_OBJECT
                        ? conds_state(pol, as_of, c->sub, c->n, it->u.o, limit, depth + 1)
                        : T_OPEN;
            }
            if (x == T_YES || (x != T_BLOCKED && any == T_BLOCKED) ||
                (x == T_OPEN && any == T_NO))
                any = x;
        }
        return any;
    }
    case C_RATIO: return depth == 0 ? ratio_state(pol, c, base, limit) : T_OPEN;
    case C_NO_AWARD:
        return T_OPEN; /* its truth is the ledger's: the evaluation tells */
    default: break;
    }
    if (!c->field || c->op >= C_ANY_ITEM || c->coalesce)
        return T_OPEN;
    const pval *x = cond_slot(base, c);
    int tv = plain_leaf(pol, as_of, c, x);
    if (tv == -1)
        return T_OPEN;
    if (tv != 0)
        return T_YES;
    return blocks(pol, as_of, c, x, limit) ? T_BLOCKED : T_NO;
}

/* Conditions v[0..n) that must all hold, in object base: T_YES when every one holds or is
 * unknown (never a failure), T_BLOCKED when one fails so that no suggestion within limit can
 * meet it, T_NO when one fails but a suggestion might, T_OPEN when it cannot be told here. */
static int conds_state(const policy *pol, calc_date as_of, const cond *v, size_t n,
                       const pobj *base, int64_t limit, int depth)
{
    int st = T_YES;
    for (size_t k = 0; k < n; k++) {
        int x = cond_state(pol, as_of, &v[k], base, limit, depth);
        if (x == T_BLOCKED)
            return T_BLOCKED;
        if (x == T_OPEN || (x == T_NO && st == T_YES))
            st = x;
    }
    return st;
}

/* Whether policy pol can be on the list for profile p at all: it is ineligible only when one
 * of its top-level conditions (they must all hold) fails, and a suggestion must then meet
 * every one of them — the proof calc_qualify gives makes the policy eligible — by changes that
 * are all raises within limit. Anything not decided here is searched. */
static bool may_be_near(const policy *pol, const calc_profile *p, calc_date as_of,
                        int64_t limit)
{
    if (pol->kind == K_MATCH || pol->error || pol->off || as_of < pol->from || as_of > pol->to)
        return false; /* never ineligible, or not listed */
    int st = conds_state(pol, as_of, pol->conds, pol->ncond, p->root.u.o, limit, 0);
    return st == T_NO || st == T_OPEN;
}

/* Whether one of the failed conditions of result r (records of failures) is a top-level
 * computed condition (book 2's dates, months, leases, the ledger) or a coalesce whose every
 * field is one the enterprise cannot raise: no suggestion made of raises then changes what it
 * reads (a field of its, or the ledger's awards, which are history), so none can meet it. A
 * growth ratio, a threshold key, or a condition on a list's items is searched. */
static bool computed_blocks(const policy *pol, const pres *r)
{
    for (size_t k = 0; k < r->nreason; k++) {
        const cond *c = r->reason[k].c;
        const char *pre = r->reason[k].prefix;
        if (!c || c < pol->conds || c >= pol->conds + pol->ncond || (pre && pre[0]))
            continue; /* not a top-level condition */
        if (!COND_COMPUTED(c->op) && !c->coalesce)
            continue;
        if (c->op == C_RATIO || c->item_field || c->item_field2 || c->key == KEY_THRESHOLD ||
            c->op == C_MONTHS_EVERY || c->op == C_MONTHS_COUNT || c->op == C_MONTHS_MIN)
            continue;
        if (!raisable(c->sn) && !(c->field2 && raisable(c->sn2)))
            return true;
    }
    return false;
}

/* Whether result x is on the list: ineligible only by raises within limit. */
static bool near_hit(const calc_engine *e, const pres *x, int64_t limit)
{
    const qualify *q = x->to_qualify;
    if (x->status != ST_INELIGIBLE || !q || !q->possible || !q->n ||
        e->ps.pol[x->policy].kind == K_MATCH)
        return false;
    for (size_t k = 0; k < q->n; k++) {
        int64_t dist = distance(&q->change[k]);
        if (dist < 0 || dist > limit)
            return false;
    }
    return true;
}

/* ---- the list ---- */

typedef struct near_ctx {
    FILE *out;
    const calc_engine *e;
    const calc_batch_opts *o;
    calc_engine **eng; /* one a worker */
    int64_t limit;
    int format, lang, named;
    sbuf b, words;
    near_rows rows;
    xlsx *wb;
    near_sum sum;
    size_t found, rejected, unshown;
    calc_diags *d; /* the problems of the records that are not valid */
} near_ctx;

/* Per record of a chunk: its result when it is on the list (NULL: not), id and name. */
typedef struct nchunk {
    bool *which; /* the policies searched for the record at hand */
    calc_result *res[PM_CHUNK];
    char *id[PM_CHUNK], *name[PM_CHUNK];
} nchunk;

/* The list's rows of one evaluated record. */
static void near_write(near_ctx *n, const char *id, const char *nm, calc_result *res)
{
    const calc_engine *e = n->e;
    const calc_schema *s = &e->ps.schema;
    int format = n->format, lang = n->lang;
    sbuf *bp = &n->b;
    char m[40];
    for (size_t i = 0; i < res->n; i++) {
        const pres *x = &res->r[i];
        const qualify *q = x->to_qualify;
        if (!near_hit(e, x, n->limit))
            continue;
        n->found++;
        const policy *pol = &e->ps.pol[i];
        n->words.n = 0;
        result_words(&n->words, e, x, lang);
        if (n->sum.n) {
            n->sum.n[i]++;
            n->sum.amount[i] += q->amount;
            n->sum.quantity[i] += q->quantity;
        }
        for (size_t k = 0; k < q->n; k++) {
            const qchange *c = &q->change[k];
            int64_t dist = distance(c);
            char pct[40];
            calc_money_format(pct, dist);
            calc_money_format(m, q->amount);
            if (n->wb)
                xlsx_near_row(n->wb, e, id, nm, pol, q, c, dist, n->words.p, lang);
            else if (format == 2) {
                const char *text[] = {id, nm ? nm : "", pol->id, c->field, c->now, c->to};
                for (size_t t = 0; t < sizeof text / sizeof text[0]; t++) {
                    csv_text(bp, text[t]);
                    sb_puts(bp, ",");
                }
                csv_change(bp, c->by ? c->by : "");
                sb_printf(bp, ",%s%%,%s,%s,", pct, q->example ? "" : m, c->kind);
                sbuf w = {0};
                qualify_change_words(&w, s, c, lang);
                csv_text(bp, w.p ? w.p : "");
                sb_free(&w);
                sb_puts(bp, ",");
                csv_text(bp, lang ? pol->title_en : pol->title_zh);
                sb_puts(bp, ",");
                csv_text(bp, calc_status_label(x->status, lang));
                sb_puts(bp, ",");
                csv_text(bp, n->words.p ? n->words.p : "");
                sb_puts(bp, "\r\n");
            } else if (format == 1) {
                sb_puts(bp, "{\"profile\": ");
                sb_json_str(bp, id);
                sb_puts(bp, ", \"name\": ");
                if (nm)
                    sb_json_str(bp, nm);
                else
                    sb_puts(bp, "null");
                sb_printf(bp, ", \"policy\": \"%s\", \"field\": \"%s\", \"kind\": "
                              "\"%s\", \"field_label\": ",
                          pol->id, c->field, c->kind);
                json_words(bp, s, c, false);
                sb_puts(bp, ", \"label\": ");
                json_words(bp, s, c, true);
                sb_printf(bp, ", \"now\": \"%s\", \"needed\": \"%s\", \"change\": "
                              "\"%s\", \"distance\": \"%s%%\", \"amount\": ",
                          c->now, c->to, c->by ? c->by : "", pct);
                if (q->example)
                    sb_puts(bp, "null");
                else
                    sb_printf(bp, "\"%s\"", m);
                sb_puts(bp, ", \"depends_on\": [");
                for (size_t j = 0; j < q->ndepends; j++) {
                    sb_puts(bp, j ? ", " : "");
                    sb_json_str(bp, q->depends[j]);
                }
                sb_puts(bp, "]}\n");
            } else {
                char now[64], to[64], gap[48], got[96];
                sbuf what = {0};
                if (strcmp(c->kind, "next_year_target") == 0)
                    sb_puts(&what, lang ? "next claim year: " : "下一申报年度");
                qualify_field_words(&what, s, c->field, lang);
                value_cell(now, sizeof now, c, c->now);
                value_cell(to, sizeof to, c, c->to);
                snprintf(gap, sizeof gap, "%s%%", pct);
                amount_cell(got, sizeof got, pol, q, lang);
                const char *row[NEAR_COLS] = {id, nm ? nm : "",
                                              lang ? pol->title_en : pol->title_zh,
                                              what.p, now, to, gap, got};
                row_add(&n->rows, row);
                sb_free(&what);
            }
        }
    }
}

static void nc_begin(void *ud, int worker, pm_chunk *c)
{
    near_ctx *n = ud;
    (void)worker;
    nchunk *nc = c->user;
    if (!nc) {
        nc = c->user = calloc(1, sizeof *nc);
        if (!nc || !(nc->which = calloc(n->e->ps.n + 1, sizeof *nc->which)))
            abort(); /* out of memory */
    }
    memset(nc->res, 0, sizeof nc->res);
}

static void nc_free(void *ud, void *user)
{
    (void)ud;
    nchunk *nc = user;
    for (size_t i = 0; i < PM_CHUNK; i++)
        calc_result_free(nc->res[i]);
    free(nc->which);
    free(nc);
}

/* A worker: record i searched for the policies it may be near, and kept when it is. */
static void nc_record(void *ud, int worker, pm_chunk *c, size_t i, calc_profile *p)
{
    near_ctx *n = ud;
    nchunk *nc = c->user;
    calc_engine *e = n->eng[worker];
    bool *which = nc->which, any = false;
    for (size_t k = 0; k < e->ps.n; k++)
        any |= which[k] = may_be_near(&e->ps.pol[k], p, n->o->as_of, n->limit);
    if (!any)
        return; /* near nothing: not evaluated at all */
    /* a policy that is not ineligible by its own conditions is not near: its status alone
     * tells (groups and caps never make an eligible result ineligible by a condition, and a
     * suggestion only ever meets conditions) */
    calc_eval_opts cheap = {.failures_only = true, .no_words = true, .no_fingerprint = true,
                            .only = which};
    calc_result *t = calc_eval_with(e, p, n->o->as_of, &cheap);
    any = false;
    for (size_t k = 0; k < e->ps.n; k++)
        any |= which[k] = which[k] && t->r[k].status == ST_INELIGIBLE &&
                          !computed_blocks(&e->ps.pol[k], &t->r[k]);
    calc_result_recycle(e, t);
    if (!any)
        return;
    /* the full evaluation of those policies alone: what their conditions record does not
     * depend on the others (an ineligible result is no group's or cap's), and nothing shows
     * the profile's fingerprint */
    calc_eval_opts full = {.no_fingerprint = true, .only = which};
    calc_result *res = calc_eval_with(e, p, n->o->as_of, &full);
    qualify_some(e, p, res, which);
    bool hit = false;
    for (size_t k = 0; k < res->n && !hit; k++)
        hit = near_hit(e, &res->r[k], n->limit);
    if (!hit) {
        calc_result_free(res);
        return;
    }
    nc->res[i] = res;
    nc->id[i] = arena_strndup(&res->a, p->id, strlen(p->id));
    const char *nm = profile_name(p, n->named);
    nc->name[i] = nm ? arena_strndup(&res->a, nm, strlen(nm)) : NULL;
}

/* The calling thread, in input order: the rows of the chunk's records on the list. */
static void nc_done(void *ud, pm_chunk *c)
{
    near_ctx *n = ud;
    nchunk *nc = c->user;
    for (size_t i = 0; i < c->n; i++) {
        if (!c->valid[i]) {
            n->rejected++;
            popmap_reject(n->d, &c->diag[i], &n->unshown);
            continue;
        }
        n->sum.records++;
        if (nc->res[i]) {
            near_write(n, nc->id[i], nc->name[i], nc->res[i]);
            calc_result_free(nc->res[i]);
            nc->res[i] = NULL;
        }
    }
}

int calc_near(FILE *out, calc_engine *e, const calc_batch_opts *o, const char *within,
              int format, int lang, calc_diags *d)
{
    int64_t limit = 2000; /* 20.00% */
    if (within) {
        size_t l = strlen(within);
        size_t digits = strspn(within, "0123456789.");
        if (!l || within[l - 1] != '%' || digits != l - 1 ||
            calc_money_parse(&limit, within, l - 1, NULL)) {
            calc_loc loc = {"--within", 0, 0};
            diag_at(d, CALC_EUSAGE, &loc, NULL, "e.g. --within 20%, --within 12.5%",
                    "expected a distance as a percentage of the threshold, not negative, with "
                    "at most two decimals and the %% sign; got '%s'", within);
            return CALC_EUSAGE;
        }
    }
    near_ctx n;
    memset(&n, 0, sizeof n);
    n.out = out;
    n.e = e;
    n.o = o;
    n.limit = limit;
    n.format = format;
    n.lang = lang;
    n.d = d;
    n.named = name_slot(&e->ps.schema);
    if (format == 3) {
        if (!(n.wb = xlsx_create(o->output, o->as_of, o->err ? o->err : stderr)))
            return CALC_EIO;
        xlsx_near_sheet(n.wb, lang);
        n.sum.n = calloc(e->ps.n + 1, sizeof *n.sum.n);
        n.sum.amount = calloc(e->ps.n + 1, sizeof *n.sum.amount);
        n.sum.quantity = calloc(e->ps.n + 1, sizeof *n.sum.quantity);
    }
    if (format == 2)
        sb_puts(&n.b, "profile,name,policy,field,now,needed,change,distance,amount,kind,"
                      "suggestion,title,status_text,reasons_text\r\n");
    else if (format == 0) {
        const char *head[NEAR_COLS] = {
            lang ? "id" : "企业标识",      lang ? "name" : "企业名称",
            lang ? "policy" : "政策",      lang ? "to raise" : "需提高",
            lang ? "now" : "现值",         lang ? "needed" : "需达到",
            lang ? "gap" : "差距",         lang ? "would bring" : "可获"};
        row_add(&n.rows, head);
    }
    int jobs = o->jobs > 0 ? o->jobs : 1;
    n.eng = calloc((size_t)jobs, sizeof *n.eng);
    if (!n.eng)
        abort(); /* out of memory */
    int worst = popmap_engines(n.eng, jobs, e, d);
    if (!worst) {
        popmap m = {0};
        m.o = o;
        m.eng = n.eng;
        m.jobs = jobs;
        m.how = RP_QUICK;
        m.begin = nc_begin;
        m.record = nc_record;
        m.done = nc_done;
        m.free_user = nc_free;
        m.ud = &n;
        popmap_run(&m, d);
        popmap_unshown(d, n.unshown, n.rejected);
        if (m.open_failed)
            worst = CALC_EUSAGE;
        else if (n.rejected)
            worst = CALC_ESCHEMA;
    }
    if (format == 0) {
        rows_write(&n.b, &n.rows);
        sb_printf(&n.b, "\n%zu %s\n", n.found, lang ? "near misses" : "项接近符合");
    }
    if (n.wb) { /* an input could not be read: no workbook of part of it */
        if (worst != CALC_EUSAGE)
            xlsx_near_summary(n.wb, e, &n.sum, n.found, o->as_of, lang);
        if (xlsx_close(n.wb, worst != CALC_EUSAGE, o->err ? o->err : stderr) && !worst)
            worst = CALC_EIO;
    } else if (worst != CALC_EUSAGE && n.b.n) /* no list from part of the population either */
        fwrite(n.b.p, 1, n.b.n, out);
    for (int k = 1; k < jobs; k++)
        calc_engine_free(n.eng[k]);
    free(n.eng);
    free(n.sum.n);
    free(n.sum.amount);
    free(n.sum.quantity);
    sb_free(&n.b);
    sb_free(&n.words);
    return worst;
}
