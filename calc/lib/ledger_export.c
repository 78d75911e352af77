/* ledger_export.c — `calc ledger export`: everything an auditor needs to check the ledger
 * without calc — every row as stored, in seq order, with prev_hash and hash (the canonical form
 * of ledger_hash.c recomputes each hash from these values), then each round and each signed
 * head. JSON Lines (integers as numbers, NULL as null), or the rows alone as CSV. */
#include "ledger_db.h"
#include "result.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char export_rows[] =
    "SELECT seq, kind, ref, enterprise, policy, claim_year, grant_key, slot, amount, "
    "amount_before_pool, quantity, pool, round_name, reason, as_of, policy_set, profile, "
    "computed_head, recorded_by, recorded_at, prev_hash, hash FROM ledger_rows ORDER BY seq";
static const char export_rounds[] =
    "SELECT name, as_of, claim_year, first_seq, last_seq, grants, head_before, head, "
    "recorded_by, recorded_at FROM ledger_rounds ORDER BY first_seq, name";
static const char export_heads[] =
    "SELECT round_name, seq, hash, key_fp, signature, signed_at FROM ledger_signed_heads "
    "ORDER BY seq, round_name";

static const char *const round_cols[] = {"name",      "as_of",  "claim_year", "first_seq",
                                         "last_seq",  "grants", "head_before", "head",
                                         "recorded_by", "recorded_at", NULL};
static const char *const head_cols[] = {"round", "seq", "hash", "key_fp", "signature",
                                        "signed_at", NULL};

typedef struct exporter {
    FILE *out;
    int format;
    const char *record;        /* "row", "round", "signed_head" */
    const char *const *names;  /* the columns' names */
    const char *numeric;       /* per column: 'n' a number */
    sbuf b;
} exporter;

static int export_row(void *ctx, int ncol, const char *const *v)
{
    exporter *x = ctx;
    sbuf *b = &x->b;
    b->n = 0;
    if (x->format == 2) {
        for (int i = 0; i < ncol; i++) {
            if (i)
                SB_LIT(b, ",");
            if (v[i])
                csv_text(b, v[i]);
        }
    } else {
        SB_LIT(b, "{\"record\": ");
        sb_json_str(b, x->record);
        for (int i = 0; i < ncol && x->names[i]; i++) {
            SB_LIT(b, ", ");
            sb_json_str(b, x->names[i]);
            SB_LIT(b, ": ");
            if (!v[i])
                SB_LIT(b, "null");
            else if (x->numeric[i] == 'n')
                sb_puts(b, v[i]);
            else
                sb_json_str(b, v[i]);
        }
        SB_LIT(b, "}");
    }
    SB_LIT(b, "\n");
    return fwrite(b->p, 1, b->n, x->out) == b->n ? 0 : CALC_EIO;
}

int calc_ledger_export(calc_ledger *l, int format, FILE *out, calc_error *err)
{
    exporter x = {out, format, "row", ledger_cols, "nsnssnsnnnnsssssssssss", {0}};
    if (format == 2) {
        for (int i = 0; i < LR_NCOLS; i++)
            fprintf(out, "%s%s", i ? "," : "", ledger_cols[i]);
        fputc('\n', out);
    }
    int rc = l->ops->begin_read(l, err);
    if (!rc)
        rc = ldb_query(l, export_rows, 0, NULL, export_row, &x, err);
    if (!rc && format != 2) {
        x.record = "round";
        x.names = round_cols;
        x.numeric = "ssnnnnssss";
        rc = ldb_query(l, export_rounds, 0, NULL, export_row, &x, err);
    }
    if (!rc && format != 2) {
        x.record = "signed_head";
        x.names = head_cols;
        x.numeric = "snssss";
        rc = ldb_query(l, export_heads, 0, NULL, export_row, &x, err);
    }
    l->ops->rollback(l);
    sb_free(&x.b);
    if (rc == CALC_EIO && !err->msg[0])
        calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot write the output: %s",
                       calc_msg_errno(errno ? errno : EIO));
    return rc;
}
