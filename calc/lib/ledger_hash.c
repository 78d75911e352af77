/* ledger_hash.c — a ledger row's canonical form and hash, the insert, and the head.
 *
 * The canonical form of a row is the line "calc-ledger-row-v1" and then one line per column
 * but the hash, in the table's order: the column's name, "=", and "~" for NULL or the byte
 * length of the value's text, ":" and the text (integers in decimal, money in fen), so that no
 * value can be mistaken for another whatever bytes it holds. The row's hash is the SHA-256 hex
 * of that form; prev_hash, a column of it, is the previous row's hash ("" for the first row).
 * So the hash of the last row vouches for every row before it, and anyone can recompute it
 * from an export (calc ledger export) with sha256sum. */
#include "engine.h"
#include "ledger_db.h"

#include <string.h>

const char *const ledger_cols[LR_NCOLS] = {
    "seq",        "kind",       "ref",         "enterprise",    "policy",
    "claim_year", "grant_key",  "slot",        "amount",        "amount_before_pool",
    "quantity",   "pool",       "round_name",  "reason",        "as_of",
    "policy_set", "profile",    "computed_head", "recorded_by", "recorded_at",
    "prev_hash",  "hash"};

const char ledger_col_list[] =
    "seq, kind, ref, enterprise, policy, claim_year, grant_key, slot, amount, "
    "amount_before_pool, quantity, pool, round_name, reason, as_of, policy_set, profile, "
    "computed_head, recorded_by, recorded_at, prev_hash, hash";

void ledger_row_hash(const char *const *cell, char out[65])
{
    sbuf b = {0};
    SB_LIT(&b, "calc-ledger-row-v1\n");
    for (int i = 0; i < LR_HASH; i++) {
        sb_puts(&b, ledger_cols[i]);
        if (!cell[i]) {
            SB_LIT(&b, "=~\n");
            continue;
        }
        size_t n = strlen(cell[i]);
        sb_putn(&b, "=", 1);
        sb_int(&b, (long long)n);
        sb_putn(&b, ":", 1);
        sb_putn(&b, cell[i], n);
        sb_putn(&b, "\n", 1);
    }
    calc_sha256_hex(b.p, b.n, out);
    sb_free(&b);
}

static const char insert_row[] =
    "INSERT INTO ledger_rows (seq, kind, ref, enterprise, policy, claim_year, grant_key, slot, "
    "amount, amount_before_pool, quantity, pool, round_name, reason, as_of, policy_set, profile, "
    "computed_head, recorded_by, recorded_at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)";

int ledger_row_insert(calc_ledger *l, const char **cell, char hashbuf[65], calc_error *err)
{
    ledger_row_hash(cell, hashbuf);
    cell[LR_HASH] = hashbuf;
    return ldb_query(l, insert_row, LR_NCOLS, cell, NULL, NULL, err);
}

/* "INSERT … VALUES ($1, …, $22), ($23, …), …" for LEDGER_BATCH rows */
static char *batch_insert_sql(void)
{
    sbuf b = {0};
    sb_puts(&b, "INSERT INTO ledger_rows (");
    sb_puts(&b, ledger_col_list);
    sb_puts(&b, ") VALUES ");
    for (int r = 0; r < LEDGER_BATCH; r++) {
        sb_puts(&b, r ? ", (" : "(");
        for (int c = 0; c < LR_NCOLS; c++)
            sb_printf(&b, "%s$%d", c ? ", " : "", r * LR_NCOLS + c + 1);
        sb_puts(&b, ")");
    }
    return b.p;
}

int ledger_rows_insert(calc_ledger *l, const char *const *cells, int n, calc_error *err)
{
    if (l->engine == LDB_PG && n == LEDGER_BATCH) {
        if (!l->batch_sql && !(l->batch_sql = batch_insert_sql()))
            return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
        return ldb_query(l, l->batch_sql, n * LR_NCOLS, cells, NULL, NULL, err);
    }
    for (int i = 0; i < n; i++) {
        int rc = ldb_query(l, insert_row, LR_NCOLS, cells + (size_t)i * LR_NCOLS, NULL, NULL, err);
        if (rc)
            return rc;
    }
    return 0;
}

struct head {
    char *hash;
    int64_t *seq;
};

static int head_row(void *ctx, int ncol, const char *const *val)
{
    struct head *h = ctx;
    if (ncol >= 2 && val[0] && val[1] && strlen(val[1]) < 65) {
        ldb_atoi(val[0], h->seq);
        strcpy(h->hash, val[1]);
    }
    return 0;
}

static const char last_row[] = "SELECT seq, hash FROM ledger_rows ORDER BY seq DESC LIMIT 1";

int ledger_head_now(calc_ledger *l, char head[65], int64_t *seq, calc_error *err)
{
    struct head h = {head, seq};
    head[0] = 0;
    *seq = 0;
    return ldb_query(l, last_row, 0, NULL, head_row, &h, err);
}
