/* ledger_list.c — the ledger for people and auditors (calc.h: calc_ledger_list,
 * calc_ledger_export). The query lists grants — each with its payment and its revocation —
 * in byte order of enterprise, policy, claim year and key, with totals that add up (granted =
 * standing + revoked); the export writes every row as stored, hashes included, then the
 * rounds and the signed heads. Both read in one read transaction, and neither prints anything
 * of the engine (not even the ledger's name), so SQLite and PostgreSQL give the same bytes. */
#include "ledger_db.h"
#include "result.h"
#include "table.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char list_sql[] =
    "SELECT g.seq, g.round_name, g.enterprise, g.policy, g.claim_year, g.grant_key, g.pool, "
    "g.amount, g.quantity, p.amount, p.seq, r.seq, r.reason FROM ledger_rows g "
    "LEFT JOIN ledger_rows p ON p.ref = g.seq AND p.kind = 'payment' "
    "LEFT JOIN ledger_rows r ON r.ref = g.seq AND r.kind = 'revocation' "
    "WHERE g.kind = 'grant' "
    "AND (CAST($1 AS TEXT) IS NULL OR g.enterprise = $1) "
    "AND (CAST($2 AS TEXT) IS NULL OR g.policy = $2) "
    "AND (CAST($3 AS TEXT) IS NULL OR g.round_name = $3) "
    "AND (CAST($4 AS TEXT) IS NULL OR g.pool = $4) "
    "AND (CAST($5 AS INTEGER) IS NULL OR g.claim_year = CAST($5 AS INTEGER)) "
    "ORDER BY g.enterprise, g.policy, g.claim_year, g.grant_key, g.seq";

enum { C_SEQ, C_ROUND, C_ENT, C_POL, C_YEAR, C_KEY, C_POOL, C_AMOUNT, C_QTY, C_PAID, C_PSEQ,
       C_RSEQ, C_REASON, C_N };

typedef struct totals {
    size_t n, revoked, paid;
    calc_money granted, revoked_amount, paid_amount;
    int64_t qty, revoked_qty;
    bool in_kind;
    bool overflow; /* a sum does not fit in 64 bits: the totals are refused, never wrapped */
} totals;

/* *t += v, or overflow set. */
static void add(int64_t *t, int64_t v, bool *overflow)
{
    if (__builtin_add_overflow(*t, v, t))
        *overflow = true;
}

typedef struct lister {
    const calc_ledger_query *q;
    sbuf b;
    tbl t;
    totals s;
    int rc;
} lister;

static int64_t num(const char *s)
{
    int64_t v = 0;
    ldb_atoi(s, &v);
    return v;
}

static const char *status_word(const char *const *v, int lang)
{
    if (v[C_RSEQ])
        return lang ? "revoked" : "已撤销";
    return v[C_PSEQ] ? (lang ? "paid" : "已支付") : (lang ? "granted" : "已授予");
}

static void json_money(sbuf *b, const char *fen)
{
    char m[32];
    sb_printf(b, "\"%s\"", calc_money_format(m, num(fen)));
}

static void json_opt(sbuf *b, const char *s, bool number)
{
    if (!s)
        SB_LIT(b, "null");
    else if (number)
        sb_puts(b, s);
    else
        sb_json_str(b, s);
}

static void json_grant(lister *ls, const char *const *v)
{
    sbuf *b = &ls->b;
    sb_puts(b, ls->s.n > 1 ? ",\n  " : "\n  ");
    sb_printf(b, "{\"seq\": %s, \"round\": ", v[C_SEQ]);
    sb_json_str(b, v[C_ROUND]);
    SB_LIT(b, ", \"enterprise\": ");
    sb_json_str(b, v[C_ENT]);
    SB_LIT(b, ", \"policy\": ");
    sb_json_str(b, v[C_POL]);
    sb_printf(b, ", \"claim_year\": %s, \"key\": ", v[C_YEAR]);
    sb_json_str(b, v[C_KEY]);
    SB_LIT(b, ", \"pool\": ");
    json_opt(b, v[C_POOL], false);
    SB_LIT(b, ", \"amount\": ");
    json_money(b, v[C_AMOUNT]);
    SB_LIT(b, ", \"quantity\": ");
    json_opt(b, v[C_QTY], true);
    SB_LIT(b, ", \"status\": ");
    sb_json_str(b, status_word(v, 1));
    SB_LIT(b, ", \"paid\": ");
    if (v[C_PAID])
        json_money(b, v[C_PAID]);
    else
        SB_LIT(b, "null");
    SB_LIT(b, ", \"payment_seq\": ");
    json_opt(b, v[C_PSEQ], true);
    SB_LIT(b, ", \"revocation_seq\": ");
    json_opt(b, v[C_RSEQ], true);
    SB_LIT(b, ", \"reason\": ");
    json_opt(b, v[C_REASON], false);
    SB_LIT(b, "}");
}

static void csv_grant(lister *ls, const char *const *v, int lang)
{
    sbuf *b = &ls->b;
    char m[32];
    for (int i = 0; i < C_N; i++) {
        if (i == C_PSEQ || i == C_REASON)
            continue;
        if (i)
            SB_LIT(b, ",");
        if (i == C_AMOUNT || i == C_PAID) {
            if (v[i])
                sb_puts(b, calc_money_format(m, num(v[i])));
        } else if (i == C_RSEQ) {
            csv_text(b, status_word(v, lang));
        } else if (v[i]) {
            csv_text(b, v[i]);
        }
    }
    SB_LIT(b, "\n");
}

static void table_grant(lister *ls, const char *const *v, int lang)
{
    char m[40];
    tbl *t = &ls->t;
    for (int i = 0; i < C_N; i++) {
        if (i == C_PSEQ || i == C_REASON)
            continue;
        if (i == C_AMOUNT || i == C_PAID)
            tbl_add(t, v[i] ? calc_money_format_grouped(m, num(v[i])) : "");
        else if (i == C_RSEQ)
            tbl_add(t, status_word(v, lang));
        else
            tbl_add(t, v[i] ? v[i] : "");
    }
}

static int grant_row(void *ctx, int ncol, const char *const *v)
{
    lister *ls = ctx;
    if (ncol < C_N)
        return ls->rc = CALC_EIO;
    totals *s = &ls->s;
    s->n++;
    calc_money a = num(v[C_AMOUNT]);
    int64_t q = v[C_QTY] ? num(v[C_QTY]) : 0;
    s->in_kind |= v[C_QTY] != NULL;
    add(&s->granted, a, &s->overflow);
    add(&s->qty, q, &s->overflow);
    if (v[C_RSEQ]) {
        s->revoked++;
        add(&s->revoked_amount, a, &s->overflow);
        add(&s->revoked_qty, q, &s->overflow);
    }
    if (v[C_PAID]) {
        s->paid++;
        add(&s->paid_amount, num(v[C_PAID]), &s->overflow);
    }
    int lang = ls->q->lang;
    if (ls->q->format == 1)
        json_grant(ls, v);
    else if (ls->q->format == 2)
        csv_grant(ls, v, lang);
    else
        table_grant(ls, v, lang);
    return 0;
}

static const char *const heads_zh[] = {"序号", "轮次", "企业", "政策", "年度", "键",
                                       "资金池", "授予金额（元）", "数量", "已付金额（元）",
                                       "状态", NULL};
static const char *const heads_en[] = {"seq", "round", "enterprise", "policy", "claim year",
                                       "key", "pool", "granted (yuan)", "quantity",
                                       "paid (yuan)", "status", NULL};

static void totals_json(sbuf *b, const totals *s)
{
    char m1[32], m2[32], m3[32], m4[32];
    sb_printf(b, "\n], \"totals\": {\"grants\": %zu, \"granted\": \"%s\", \"standing\": "
                 "{\"grants\": %zu, \"amount\": \"%s\"}, \"revoked\": {\"grants\": %zu, "
                 "\"amount\": \"%s\"}, \"paid\": {\"grants\": %zu, \"amount\": \"%s\"}, "
                 "\"quantity\": {\"granted\": %lld, \"standing\": %lld, \"revoked\": %lld}}}\n",
              s->n, calc_money_format(m1, s->granted), s->n - s->revoked,
              calc_money_format(m2, s->granted - s->revoked_amount), s->revoked,
              calc_money_format(m3, s->revoked_amount), s->paid,
              calc_money_format(m4, s->paid_amount), (long long)s->qty,
              (long long)(s->qty - s->revoked_qty), (long long)s->revoked_qty);
}

static void totals_text(sbuf *b, const totals *s, int lang)
{
    char m1[40], m2[40], m3[40], m4[40], line[800];
    calc_msg_format(line, sizeof line, lang,
                    "total: %zu grants, %s yuan; standing %zu, %s yuan; revoked %zu, %s yuan; "
                    "paid %zu, %s yuan",
                    s->n, calc_money_format_grouped(m1, s->granted), s->n - s->revoked,
                    calc_money_format_grouped(m2, s->granted - s->revoked_amount), s->revoked,
                    calc_money_format_grouped(m3, s->revoked_amount), s->paid,
                    calc_money_format_grouped(m4, s->paid_amount));
    sb_puts(b, line);
    SB_LIT(b, "\n");
    if (s->in_kind) {
        calc_msg_format(line, sizeof line, lang,
                        "in kind: %lld granted, %lld standing, %lld revoked (units or m²)",
                        (long long)s->qty, (long long)(s->qty - s->revoked_qty),
                        (long long)s->revoked_qty);
        sb_puts(b, line);
        SB_LIT(b, "\n");
    }
}

static void totals_csv(sbuf *b, const totals *s, int lang)
{
    char m1[32], m2[32];
    sb_printf(b, "%s,,,,,,,%s,%lld,%s,\n", lang ? "total" : "合计",
              calc_money_format(m1, s->granted), (long long)s->qty,
              calc_money_format(m2, s->paid_amount));
}

int calc_ledger_list(calc_ledger *l, const calc_ledger_query *q, FILE *out, calc_error *err)
{
    lister ls = {.q = q};
    const char *const *heads = q->lang ? heads_en : heads_zh;
    if (q->format == 1) {
        SB_LIT(&ls.b, "{\"grants\": [");
    } else if (q->format == 2) {
        for (int i = 0; heads[i]; i++) {
            if (i)
                SB_LIT(&ls.b, ",");
            csv_text(&ls.b, heads[i]);
        }
        SB_LIT(&ls.b, "\n");
    } else {
        tbl_init(&ls.t, "rllllllrrrl");
        for (int i = 0; heads[i]; i++)
            tbl_add(&ls.t, heads[i]);
        tbl_rule(&ls.t);
    }
    const char *p[5] = {q->enterprise, q->policy, q->round, q->pool, q->year};
    int rc = l->ops->begin_read(l, err);
    if (!rc)
        rc = ldb_query(l, list_sql, 5, p, grant_row, &ls, err);
    l->ops->rollback(l);
    if (!rc && ls.rc)
        rc = ldb_error(l, err, CALC_EIO, "a grant row is not what calc wrote");
    if (!rc && ls.s.overflow) {
        rc = calc_error_set(err, CALC_EPOLICY, NULL, 0, 0, "the grants' totals do not fit in an "
                            "amount (the largest is 92233720368547758.07 yuan)");
        calc_error_hint(err, "narrow the list with --enterprise, --policy, --year, --round or "
                             "--pool");
    }
    if (!rc) {
        if (q->format == 1) {
            totals_json(&ls.b, &ls.s);
        } else if (q->format == 2) {
            totals_csv(&ls.b, &ls.s, q->lang);
        } else {
            tbl_write(&ls.b, &ls.t, 0);
            totals_text(&ls.b, &ls.s, q->lang);
        }
        if (fwrite(ls.b.p, 1, ls.b.n, out) != ls.b.n)
            rc = calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot write the output: %s",
                                calc_msg_errno(EIO));
    }
    if (q->format != 1 && q->format != 2)
        tbl_free(&ls.t);
    sb_free(&ls.b);
    return rc;
}
