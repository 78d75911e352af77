/* ledger_write.c — what happens to a grant after its round (calc.h: calc_ledger_pay,
 * calc_ledger_revoke): a payment or a revocation is a row of its own that names the grant
 * (ref) and repeats its enterprise, policy, claim year, key, pool and round, so that every row
 * reads alone; the grant's row is never touched. Each command is one transaction under the
 * head lock, refused whole when any grant named cannot take it. */
#include "ledger_db.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct grant_ref {
    arena *a; /* the texts' room (the caller's) */
    bool found;
    char seq[24], year[24], amount[24], qty[24];
    const char *ent, *pol, *key, *pool, *round;
    bool has_qty, has_pool;
    /* what already names it */
    char paid_seq[24], paid[24], revoked_seq[24];
} grant_ref;

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static const char *text(arena *a, const char *s)
{
    return arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

static int grant_found(void *ctx, int ncol, const char *const *val)
{
    grant_ref *g = ctx;
    if (ncol < 9)
        return 0;
    g->found = true;
    COPY(g->seq, val[0]);
    g->ent = text(g->a, val[1]);
    g->pol = text(g->a, val[2]);
    COPY(g->year, val[3]);
    g->key = text(g->a, val[4]);
    COPY(g->amount, val[5]);
    COPY(g->qty, val[6]);
    g->has_qty = val[6] != NULL;
    g->pool = text(g->a, val[7]);
    g->has_pool = val[7] != NULL;
    g->round = text(g->a, val[8]);
    return 0;
}

static int ref_found(void *ctx, int ncol, const char *const *val)
{
    grant_ref *g = ctx;
    if (ncol < 3 || !val[0])
        return 0;
    if (strcmp(val[0], "payment") == 0) {
        COPY(g->paid_seq, val[1]);
        COPY(g->paid, val[2]);
    } else {
        COPY(g->revoked_seq, val[1]);
    }
    return 0;
}

#define GRANT_COLS                                                                            \
    "SELECT seq, enterprise, policy, claim_year, grant_key, amount, quantity, pool, round_name " \
    "FROM ledger_rows "
static const char grant_by_seq[] = GRANT_COLS "WHERE kind = 'grant' AND seq = $1";
/* the latest grant of the key: the standing one, if one stands */
static const char grant_by_key[] = GRANT_COLS
    "WHERE kind = 'grant' AND enterprise = $1 AND policy = $2 AND claim_year = $3 AND "
    "grant_key = $4 ORDER BY seq DESC LIMIT 1";
static const char refs_of[] = "SELECT kind, seq, amount FROM ledger_rows WHERE ref = $1 "
                              "ORDER BY seq";

/* The grant a name means: "SEQ" or "ENTERPRISE/POLICY/YEAR/KEY". 0 found, 1 not (a problem in
 * d), or a database error's code. */
static int find_grant(calc_ledger *l, const char *name, grant_ref *g, calc_diags *d,
                      calc_error *err)
{
    arena *a = g->a;
    memset(g, 0, sizeof *g);
    g->a = a;
    int rc;
    if (strspn(name, "0123456789") == strlen(name) && *name) {
        const char *p[1] = {name};
        rc = ldb_query(l, grant_by_seq, 1, p, grant_found, g, err);
    } else {
        char *e = arena_strndup(a, name, strlen(name)), *p1 = strchr(e, '/'), *p2 = p1 ? strchr(p1 + 1, '/') : NULL,
             *p3 = p2 ? strchr(p2 + 1, '/') : NULL;
        if (!p3) {
            calc_error_set(calc_diags_add(d), CALC_EUSAGE, NULL, 0, 0,
                           "'%s' names no grant: write its seq or ENTERPRISE/POLICY/YEAR/KEY",
                           name);
            return 1;
        }
        *p1 = *p2 = *p3 = 0;
        const char *p[4] = {e, p1 + 1, p2 + 1, p3 + 1};
        int64_t y;
        if (ldb_atoi(p[2], &y)) {
            calc_error_set(calc_diags_add(d), CALC_EUSAGE, NULL, 0, 0,
                           "'%s': the claim year '%s' is not a year", name, p[2]);
            return 1;
        }
        rc = ldb_query(l, grant_by_key, 4, p, grant_found, g, err);
    }
    if (rc)
        return rc;
    if (!g->found) {
        calc_error *e = calc_diags_add(d);
        calc_error_set(e, CALC_ECHECK, NULL, 0, 0, "no grant %s in the ledger", name);
        calc_error_hint(e, "calc ledger --enterprise ID lists an enterprise's grants with their "
                           "seq");
        return 1;
    }
    const char *p[1] = {g->seq};
    return ldb_query(l, refs_of, 1, p, ref_found, g, err);
}

/* Appends a payment or revocation row of g after the head (updated). */
static int add_row(calc_ledger *l, const grant_ref *g, const char *kind, const char *amount,
                   const char *reason, const calc_ledger_write_opts *o, char head[65],
                   int64_t *seq, calc_error *err)
{
    char s[24], hash[65];
    const char *cell[LR_NCOLS] = {0};
    cell[LR_SEQ] = ldb_itoa(s, *seq + 1);
    cell[LR_KIND] = kind;
    cell[LR_REF] = g->seq;
    cell[LR_ENTERPRISE] = g->ent;
    cell[LR_POLICY] = g->pol;
    cell[LR_YEAR] = g->year;
    cell[LR_KEY] = g->key;
    cell[LR_SLOT] = "0";
    cell[LR_AMOUNT] = amount;
    cell[LR_QUANTITY] = g->has_qty ? g->qty : NULL;
    cell[LR_POOL] = g->has_pool ? g->pool : NULL;
    cell[LR_ROUND] = g->round;
    cell[LR_REASON] = reason;
    cell[LR_BY] = o->by ? o->by : "";
    cell[LR_AT] = o->at;
    cell[LR_PREV] = head;
    int rc = ledger_row_insert(l, cell, hash, err);
    if (!rc) {
        strcpy(head, hash);
        ++*seq;
    }
    return rc;
}

static void report(FILE *out, int lang, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(FILE *out, int lang, const char *fmt, ...)
{
    if (!out)
        return;
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    calc_msg_vformat(line, sizeof line, lang, fmt, ap);
    va_end(ap);
    fprintf(out, "%s\n", line);
}

/* The write under the lock, then commit, or rollback on any problem. */
static int done(calc_ledger *l, int rc, int bad, calc_diags *d, calc_error *err)
{
    if (!rc && !bad && (rc = l->ops->commit(l, err)) == 0)
        return 0;
    l->ops->rollback(l);
    if (rc) {
        calc_error *e = calc_diags_add(d);
        if (e)
            *e = *err;
        return rc;
    }
    return CALC_ECHECK;
}

static int money_of(const char *s, calc_money *out)
{
    int64_t v;
    if (ldb_atoi(s, &v))
        return -1;
    *out = v;
    return 0;
}

int calc_ledger_pay(calc_ledger *l, const char *const *grants, int n,
                    const calc_ledger_write_opts *o, FILE *out, int lang, calc_diags *d)
{
    calc_error err = {0};
    calc_money paid = 0;
    const char *why = NULL;
    char hw[64];
    size_t alen = o->amount ? strlen(o->amount) : 0;
    const char *amt = o->amount ? schema_halfwidth(o->amount, &alen, hw, sizeof hw) : NULL;
    if (o->amount && (calc_money_parse(&paid, amt, alen, &why) || paid <= 0)) {
        calc_error *e = calc_diags_add(d);
        calc_error_set(e, CALC_EUSAGE, NULL, 0, 0, "--amount: expected an amount in yuan (%s), "
                       "got '%s'", calc_msg_arg(why ? why : "more than zero"), o->amount);
        return CALC_EUSAGE;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(grants[i], grants[j]) == 0) { /* a grant is paid once */
                calc_error_set(calc_diags_add(d), CALC_EUSAGE, NULL, 0, 0,
                               "grant %s is given twice: a grant is paid once", grants[i]);
                return CALC_EUSAGE;
            }
    int rc = l->ops->begin_write(l, &err);
    if (rc)
        return done(l, rc, 0, d, &err);
    char head[65];
    int64_t seq;
    rc = ledger_head_now(l, head, &seq, &err);
    int bad = 0;
    arena a = {0};
    /* what was recorded is said once the transaction commits: a later grant that cannot be
     * paid rolls the earlier ones back, and their lines with them */
    char *said = NULL;
    size_t said_n = 0;
    FILE *tell = open_memstream(&said, &said_n);
    for (int i = 0; !rc && i < n; i++) {
        grant_ref g = {.a = &a};
        int f = find_grant(l, grants[i], &g, d, &err);
        if (f < 0 || f > 1) {
            rc = f;
            break;
        }
        calc_money granted = 0, amount;
        money_of(g.amount, &granted);
        amount = o->amount ? paid : granted;
        char a1[32], a2[32];
        if (f == 1) {
            bad = 1;
        } else if (*g.revoked_seq) {
            calc_error_set(calc_diags_add(d), CALC_ECHECK, NULL, 0, 0,
                           "grant %s (%s, %s, %s, '%s') was revoked (seq %s): it cannot be paid",
                           g.seq, g.ent, g.pol, g.year, g.key, g.revoked_seq);
            bad = 1;
        } else if (*g.paid_seq) {
            calc_error_set(calc_diags_add(d), CALC_ECHECK, NULL, 0, 0,
                           "grant %s (%s, %s, %s, '%s') is already paid: seq %s, %s yuan", g.seq,
                           g.ent, g.pol, g.year, g.key, g.paid_seq,
                           calc_money_format(a1, money_of(g.paid, &amount) ? 0 : amount));
            bad = 1;
        } else if (amount > granted) {
            calc_error_set(calc_diags_add(d), CALC_ECHECK, NULL, 0, 0,
                           "grant %s was granted %s yuan: %s cannot be paid", g.seq,
                           calc_money_format(a1, granted), calc_money_format(a2, amount));
            bad = 1;
        } else if (!bad) {
            char am[24];
            rc = add_row(l, &g, "payment", ldb_itoa(am, amount), NULL, o, head, &seq, &err);
            if (!rc)
                report(tell ? tell : out, lang,
                       "seq %lld: payment of grant %s (%s, %s, %s, '%s'): %s yuan",
                       (long long)seq, g.seq, g.ent, g.pol, g.year, g.key,
                       calc_money_format(a1, amount));
        }
    }
    arena_free(&a);
    rc = done(l, rc, bad, d, &err);
    if (tell) {
        fclose(tell);
        if (!rc)
            fwrite(said, 1, said_n, out);
        free(said);
    }
    return rc;
}

static int revoke(calc_ledger *l, const char *grant, const calc_ledger_write_opts *o,
                  FILE *out, int lang, calc_diags *d, arena *a)
{
    calc_error err = {0};
    int rc = l->ops->begin_write(l, &err);
    if (rc)
        return done(l, rc, 0, d, &err);
    char head[65];
    int64_t seq;
    rc = ledger_head_now(l, head, &seq, &err);
    grant_ref g = {.a = a};
    int f = rc ? rc : find_grant(l, grant, &g, d, &err);
    if (f < 0)
        return done(l, f, 0, d, &err);
    if (f == 1)
        return done(l, 0, 1, d, &err);
    if (*g.revoked_seq) {
        calc_error_set(calc_diags_add(d), CALC_ECHECK, NULL, 0, 0,
                       "grant %s (%s, %s, %s, '%s') is already revoked: seq %s", g.seq, g.ent,
                       g.pol, g.year, g.key, g.revoked_seq);
        return done(l, 0, 1, d, &err);
    }
    /* a paid grant revoked is money to recover, and its key may be granted (and paid) again:
     * only when asked for in so many words */
    char pa[32];
    calc_money pm = 0;
    if (*g.paid_seq && money_of(g.paid, &pm))
        pm = 0;
    if (*g.paid_seq && !o->recover) {
        calc_error *x = calc_diags_add(d);
        calc_error_set(x, CALC_ECHECK, NULL, 0, 0,
                       "grant %s (%s, %s, %s, '%s') was paid %s yuan (seq %s): a paid grant is "
                       "revoked only with --recover",
                       g.seq, g.ent, g.pol, g.year, g.key, calc_money_format(pa, pm), g.paid_seq);
        calc_error_hint(x, "with --recover the revocation records that the payment is to be "
                           "recovered; its key may then be granted and paid again");
        return done(l, 0, 1, d, &err);
    }
    rc = add_row(l, &g, "revocation", g.amount, o->reason, o, head, &seq, &err);
    if ((rc = done(l, rc, 0, d, &err)) == 0) { /* said once it is committed */
        char am[32];
        calc_money m = 0;
        money_of(g.amount, &m);
        report(out, lang, "seq %lld: revocation of grant %s (%s, %s, %s, '%s', %s yuan): %s",
               (long long)seq, g.seq, g.ent, g.pol, g.year, g.key, calc_money_format(am, m),
               o->reason);
        if (*g.paid_seq)
            report(out, lang, "  it was paid %s yuan (seq %s): that payment is to be recovered",
                   calc_money_format(pa, pm), g.paid_seq);
    }
    return rc;
}

int calc_ledger_revoke(calc_ledger *l, const char *grant, const calc_ledger_write_opts *o,
                       FILE *out, int lang, calc_diags *d)
{
    if (!o->reason || !*o->reason) {
        calc_error_set(calc_diags_add(d), CALC_EUSAGE, NULL, 0, 0, "revoke needs --reason TEXT");
        return CALC_EUSAGE;
    }
    arena a = {0};
    int rc = revoke(l, grant, o, out, lang, d, &a);
    arena_free(&a);
    return rc;
}
