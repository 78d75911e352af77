/* ledger_pg.c — the ledger on PostgreSQL (ledger_db.h), through libpq: a connection URL
 * ("postgresql://user@/db?host=/run/postgresql"), statements prepared once per connection,
 * every value sent and received as text. A write transaction takes a transaction-scoped
 * advisory lock first (the head lock: one writer between reading the head and committing);
 * a read transaction is REPEATABLE READ, so that a report or a verification sees one state of
 * the ledger however long it takes. */
#include "ledger_db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

/* the advisory lock's key: any number no other program on the database uses ("calc" in
 * ASCII) */
#define HEAD_LOCK "SELECT pg_advisory_xact_lock(1667329123)"

/* The database's message without its trailing newline. */
static int pg_fail(calc_ledger *l, calc_error *err, const char *msg)
{
    char buf[400];
    snprintf(buf, sizeof buf, "%s", msg && *msg ? msg : PQerrorMessage(l->db));
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = 0;
    return ldb_error(l, err, CALC_EIO, buf);
}

static int pg_result_fail(calc_ledger *l, PGresult *r, calc_error *err)
{
    int rc = pg_fail(l, err, r ? PQresultErrorMessage(r) : NULL);
    PQclear(r);
    return rc;
}

/* The name of sql's prepared statement, preparing it on first use. */
static int pg_stmt(calc_ledger *l, const char *sql, int np, char name[16], calc_error *err)
{
    for (int i = 0; i < l->nstmts; i++)
        if (l->stmts[i].sql == sql) {
            snprintf(name, 16, "calc_s%d", i);
            return 0;
        }
    if (l->nstmts == (int)(sizeof l->stmts / sizeof l->stmts[0]))
        return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    snprintf(name, 16, "calc_s%d", l->nstmts);
    PGresult *r = PQprepare(l->db, name, sql, np, NULL);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
        return pg_result_fail(l, r, err);
    PQclear(r);
    l->stmts[l->nstmts++] = (ldb_stmt){sql, NULL};
    return 0;
}

static int pg_query(calc_ledger *l, const char *sql, int np, const char *const *p, ldb_row_fn fn,
                    void *ctx, calc_error *err)
{
    char name[16];
    int rc = pg_stmt(l, sql, np, name, err);
    if (rc)
        return rc;
    PGresult *r = PQexecPrepared(l->db, name, np, p, NULL, NULL, 0);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        return pg_result_fail(l, r, err);
    int nrow = PQntuples(r), ncol = PQnfields(r), stop = 0;
    const char *vals[32];
    if (ncol > 32)
        ncol = 32;
    for (int i = 0; i < nrow && !stop && fn; i++) {
        for (int c = 0; c < ncol; c++)
            vals[c] = PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
        stop = fn(ctx, ncol, vals);
    }
    PQclear(r);
    return stop;
}

static int pg_script(calc_ledger *l, const char *sql, calc_error *err)
{
    PGresult *r = PQexec(l->db, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return pg_result_fail(l, r, err);
    PQclear(r);
    return 0;
}

static int pg_begin_write(calc_ledger *l, calc_error *err)
{
    int rc = pg_script(l, "BEGIN", err);
    if (rc)
        return rc;
    l->in_tx = true;
    rc = pg_script(l, HEAD_LOCK, err);
    if (rc) {
        pg_script(l, "ROLLBACK", NULL);
        l->in_tx = false;
    }
    return rc;
}

static int pg_begin_read(calc_ledger *l, calc_error *err)
{
    int rc = pg_script(l, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", err);
    l->in_tx = rc == 0;
    return rc;
}

static int pg_commit(calc_ledger *l, calc_error *err)
{
    int rc = pg_script(l, "COMMIT", err);
    l->in_tx = false; /* a failed COMMIT has rolled back */
    return rc;
}

static void pg_rollback(calc_ledger *l)
{
    if (l->in_tx)
        pg_script(l, "ROLLBACK", NULL);
    l->in_tx = false;
}

static void pg_close(calc_ledger *l)
{
    pg_rollback(l);
    PQfinish(l->db);
    l->db = NULL;
    l->nstmts = 0;
}

static void pg_quiet(void *arg, const char *msg)
{
    (void)arg; /* notices ("relation exists, skipping") are not calc's to print */
    (void)msg;
}

static const ldb_ops pg_ops = {"PostgreSQL", pg_query,  pg_script,   pg_begin_write,
                               pg_begin_read, pg_commit, pg_rollback, pg_close};

int ldb_pg_open(calc_ledger *l, const char *url, calc_error *err)
{
    l->ops = &pg_ops;
    l->engine = LDB_PG;
    l->db = PQconnectdb(url);
    if (!l->db)
        return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    if (PQstatus(l->db) != CONNECTION_OK) {
        int rc = pg_fail(l, err, NULL);
        calc_error_hint(err, "check the URL, that the server runs and that the user may "
                             "connect (psql URL)");
        return rc;
    }
    PQsetNoticeProcessor(l->db, pg_quiet, NULL);
    /* the text of values the same whatever the server's settings */
    return pg_script(l, "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO'; "
                        "SET client_min_messages = warning",
                     err);
}
