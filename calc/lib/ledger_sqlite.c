/* ledger_sqlite.c — the ledger on SQLite (ledger_db.h): a file, written in WAL mode so that
 * readers never wait for a writer; a write transaction is BEGIN IMMEDIATE, which takes the
 * database's write lock at once (the head lock: no two writers can both read the head and
 * append after it), waiting on a busy database up to a timeout. Statements are prepared once
 * and kept. */
#include "ledger_db.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* how long a writer waits for another one's transaction (a round of 10^5 rows takes a few
 * seconds; a waiting grant must not fail for that) */
#define BUSY_MS 120000

static int sq_fail(calc_ledger *l, calc_error *err)
{
    return ldb_error(l, err, CALC_EIO, sqlite3_errmsg(l->db));
}

/* The statement of sql, prepared on first use: $N parameters are written ?N for SQLite. */
static sqlite3_stmt *sq_stmt(calc_ledger *l, const char *sql, calc_error *err)
{
    for (int i = 0; i < l->nstmts; i++)
        if (l->stmts[i].sql == sql)
            return l->stmts[i].h;
    size_t n = strlen(sql);
    char *t = malloc(n + 1);
    if (!t) {
        calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i <= n; i++)
        t[i] = sql[i] == '$' ? '?' : sql[i];
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(l->db, t, -1, &st, NULL);
    free(t);
    if (rc != SQLITE_OK) {
        sq_fail(l, err);
        return NULL;
    }
    if (l->nstmts == (int)(sizeof l->stmts / sizeof l->stmts[0])) { /* more queries than
                                                                       * ledger_*.c has */
        sqlite3_finalize(st);
        calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    l->stmts[l->nstmts++] = (ldb_stmt){sql, st};
    return st;
}

static int sq_query(calc_ledger *l, const char *sql, int np, const char *const *p, ldb_row_fn fn,
                    void *ctx, calc_error *err)
{
    sqlite3_stmt *st = sq_stmt(l, sql, err);
    if (!st)
        return err ? err->code : CALC_EIO;
    for (int i = 0; i < np; i++) {
        int rc = p[i] ? sqlite3_bind_text(st, i + 1, p[i], -1, SQLITE_STATIC)
                      : sqlite3_bind_null(st, i + 1);
        if (rc != SQLITE_OK) {
            sqlite3_reset(st);
            return sq_fail(l, err);
        }
    }
    int ncol = sqlite3_column_count(st), stop = 0, rc;
    const char *vals[32];
    if (ncol > 32)
        ncol = 32;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncol; i++)
            vals[i] = (const char *)sqlite3_column_text(st, i);
        if (fn)
            stop = fn(ctx, ncol, vals);
    }
    int code = 0;
    if (!stop && rc != SQLITE_DONE)
        code = sq_fail(l, err);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return stop ? stop : code;
}

static int sq_script(calc_ledger *l, const char *sql, calc_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(l->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    int rc = ldb_error(l, err, CALC_EIO, msg ? msg : sqlite3_errmsg(l->db));
    sqlite3_free(msg);
    return rc;
}

static int sq_begin(calc_ledger *l, const char *sql, calc_error *err)
{
    int rc = sq_script(l, sql, err);
    l->in_tx = rc == 0;
    return rc;
}

static int sq_begin_write(calc_ledger *l, calc_error *err)
{
    if (sqlite3_db_readonly(l->db, "main") == 1) { /* opened read-only: the file is not ours */
        ldb_error(l, err, CALC_EIO, "the file is read-only here: it can be read, not written");
        calc_error_hint(err, "record grants, payments and revocations in the district's own "
                             "ledger (a file this user may write)");
        return CALC_EIO;
    }
    return sq_begin(l, "BEGIN IMMEDIATE", err);
}

static int sq_begin_read(calc_ledger *l, calc_error *err) { return sq_begin(l, "BEGIN", err); }

static int sq_commit(calc_ledger *l, calc_error *err)
{
    int rc = sq_script(l, "COMMIT", err);
    if (rc == 0)
        l->in_tx = false;
    return rc;
}

static void sq_rollback(calc_ledger *l)
{
    if (l->in_tx)
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    l->in_tx = false;
}

static void sq_close(calc_ledger *l)
{
    sq_rollback(l);
    for (int i = 0; i < l->nstmts; i++)
        sqlite3_finalize(l->stmts[i].h);
    l->nstmts = 0;
    sqlite3_close(l->db);
    l->db = NULL;
}

static const ldb_ops sqlite_ops = {"SQLite",     sq_query,    sq_script, sq_begin_write,
                                   sq_begin_read, sq_commit, sq_rollback, sq_close};

/* A file this process may only read (a copy handed to an auditor, a read-only mount): opened
 * read-only, as a URI. In WAL mode SQLite keeps a -shm file beside the database; where none can
 * be made (a directory that is not ours), the file is read as immutable — nothing else can be
 * writing to a file in such a place through this process anyway. 0, or the engine's error. */
static int sq_open_readonly(calc_ledger *l, const char *path, calc_error *err)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *uri = malloc(3 * n + 32);
    if (!uri)
        return ldb_error(l, err, CALC_ENOMEM, "out of memory");
    for (int immutable = 0; immutable < 2; immutable++) {
        char *o = uri + sprintf(uri, "file:");
        for (const unsigned char *c = (const unsigned char *)path; *c; c++)
            if (*c == '%' || *c == '?' || *c == '#' || *c < 0x20) { /* RFC 3986 escapes */
                *o++ = '%';
                *o++ = hex[*c >> 4];
                *o++ = hex[*c & 15];
            } else
                *o++ = (char)*c;
        strcpy(o, immutable ? "?immutable=1" : "?mode=ro");
        sqlite3_close(l->db);
        sqlite3 *db = NULL;
        int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                                 SQLITE_OPEN_NOMUTEX, NULL);
        l->db = db;
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(l->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
        if (rc == SQLITE_OK || immutable) {
            free(uri);
            if (rc != SQLITE_OK)
                return l->db ? sq_fail(l, err) : ldb_error(l, err, CALC_ENOMEM, "out of memory");
            sqlite3_extended_result_codes(l->db, 1);
            return sq_script(l, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536", err);
        }
    }
    free(uri);
    return 0; /* not reached */
}

int ldb_sqlite_open(calc_ledger *l, const char *path, bool create, calc_error *err)
{
    l->ops = &sqlite_ops;
    l->engine = LDB_SQLITE;
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    l->db = db;
    if (rc != SQLITE_OK) {
        if (!create && rc == SQLITE_CANTOPEN) {
            calc_error_set(err, CALC_EIO, NULL, 0, 0, "no ledger at %s", path);
            calc_error_hint(err, "make it with calc ledger init --ledger %s", path);
            return CALC_EIO;
        }
        return db ? sq_fail(l, err) : ldb_error(l, err, CALC_ENOMEM, "out of memory");
    }
    if (!create && sqlite3_db_readonly(db, "main") == 1) /* the file is not ours to write */
        return sq_open_readonly(l, path, err);
    sqlite3_busy_timeout(db, BUSY_MS);
    sqlite3_extended_result_codes(db, 1);
    /* WAL: readers see the last committed state while a round is written; synchronous FULL:
     * a committed round survives a crash of the machine, not only of calc; a cache of 64 MiB
     * holds a round of 10^5 rows until its commit writes each page once */
    rc = sq_script(l, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                      "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536", err);
    return rc;
}
