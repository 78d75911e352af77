/* ledger_read.c — what an evaluation reads of the ledger (calc.h): its head, the live grants
 * (not revoked) as awards with what was paid, and what a pool has given out. Every answer is
 * ordered explicitly, so both engines give the same list. */
#include "ledger_db.h"

#include <stdlib.h>
#include <string.h>

int calc_ledger_head(calc_ledger *l, char head[65], int64_t *seq, calc_error *err)
{
    return ledger_head_now(l, head, seq, err);
}

/* a grant stands while no revocation names it; it counts what was paid once it is paid */
#define AWARDS_SELECT                                                                           \
    "SELECT g.enterprise, g.policy, g.claim_year, g.grant_key, g.pool, g.amount, g.quantity, " \
    "g.seq, p.amount, g.amount_before_pool FROM ledger_rows g "                                \
    "LEFT JOIN ledger_rows p ON p.ref = g.seq AND p.kind = 'payment' "                         \
    "LEFT JOIN ledger_rows r ON r.ref = g.seq AND r.kind = 'revocation' "                      \
    "WHERE g.kind = 'grant' AND r.seq IS NULL "
#define AWARDS_ORDER " ORDER BY g.enterprise, g.policy, g.claim_year, g.grant_key, g.seq"

static const char all_awards[] = AWARDS_SELECT AWARDS_ORDER;
static const char awards_of[] = AWARDS_SELECT "AND g.enterprise = $1" AWARDS_ORDER;

struct collect {
    calc_ledger *l;
    int rc;
};

static const char *keep(calc_ledger *l, const char *s)
{
    return s ? arena_strndup(&l->a, s, strlen(s)) : NULL;
}

static int award_row(void *ctx, int ncol, const char *const *val)
{
    struct collect *c = ctx;
    calc_ledger *l = c->l;
    if (ncol < 10)
        return c->rc = CALC_EIO;
    if (l->nawards == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        calc_award *v = realloc(l->awards, cap * sizeof *v);
        if (!v)
            return c->rc = CALC_ENOMEM;
        l->awards = v;
        l->cap = cap;
    }
    calc_award *a = &l->awards[l->nawards];
    int64_t year = 0, amount = 0, quantity = 0, seq = 0, granted = 0, before = 0;
    if (ldb_atoi(val[2], &year) || ldb_atoi(val[5], &granted) || ldb_atoi(val[7], &seq) ||
        (val[6] && ldb_atoi(val[6], &quantity)) || (val[8] && ldb_atoi(val[8], &amount)) ||
        (val[9] && ldb_atoi(val[9], &before)))
        return c->rc = CALC_EIO;
    if (!val[8])
        amount = granted;
    a->enterprise = keep(l, val[0]);
    a->policy = keep(l, val[1]);
    a->key = keep(l, val[3]);
    a->pool = keep(l, val[4]);
    a->year = (int32_t)year;
    a->amount = amount;
    /* a partial payment or a pool's share used the whole claim of the policy's limits: what
     * was not paid is not paid in a later round (no carry-over) */
    a->entitled = val[9] ? before : granted;
    a->quantity = quantity;
    a->seq = seq;
    l->nawards++;
    return 0;
}

static int read_awards(calc_ledger *l, const char *sql, int np, const char *const *p,
                       calc_award **v, size_t *n, calc_error *err)
{
    arena_reset(&l->a);
    l->nawards = 0;
    struct collect c = {l, 0};
    int rc = ldb_query(l, sql, np, p, award_row, &c, err);
    if (c.rc == CALC_ENOMEM)
        rc = calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    else if (c.rc)
        rc = ldb_error(l, err, CALC_EIO, "a grant row is not what calc wrote");
    *v = l->awards;
    *n = rc ? 0 : l->nawards;
    return rc;
}

int calc_ledger_awards(calc_ledger *l, calc_award **v, size_t *n, calc_error *err)
{
    return read_awards(l, all_awards, 0, NULL, v, n, err);
}

int calc_ledger_awards_of(calc_ledger *l, const char *enterprise, calc_award **v, size_t *n,
                          calc_error *err)
{
    const char *p[1] = {enterprise};
    return read_awards(l, awards_of, 1, p, v, n, err);
}

int calc_ledger_history(calc_ledger *l, char head[65], int64_t *seq, calc_award **v, size_t *n,
                        calc_error *err)
{
    *v = NULL;
    *n = 0;
    int rc = l->ops->begin_read(l, err);
    if (!rc)
        rc = ledger_head_now(l, head, seq, err);
    if (!rc)
        rc = read_awards(l, all_awards, 0, NULL, v, n, err);
    l->ops->rollback(l); /* a read: nothing to keep */
    return rc;
}

/* units or m² for an in-kind grant, fen for cash; revoked grants do not count */
#define POOL_SELECT                                                                    \
    "SELECT sum(CASE WHEN g.quantity IS NULL THEN g.amount ELSE g.quantity END) "      \
    "FROM ledger_rows g JOIN ledger_rounds o ON o.name = g.round_name "                \
    "WHERE g.kind = 'grant' AND g.pool = $1 AND NOT EXISTS (SELECT 1 FROM ledger_rows r " \
    "WHERE r.ref = g.seq AND r.kind = 'revocation')"

static const char pool_all[] = POOL_SELECT;
static const char pool_year[] = POOL_SELECT " AND o.claim_year = $2";
static const char pool_round[] = POOL_SELECT " AND o.name = $2";

static bool is_year(const char *s)
{
    if (strlen(s) != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int calc_ledger_pool_granted(calc_ledger *l, const char *pool, const char *period,
                             int64_t *out, calc_error *err)
{
    const char *p[2] = {pool, period};
    const char *sql = !period ? pool_all : is_year(period) ? pool_year : pool_round;
    return ldb_int(l, sql, period ? 2 : 1, p, out, err);
}
