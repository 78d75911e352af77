/* ledger_sqlite.c — the ledger on SQLite (ledger_db.h): a file, written in WAL mode so that
 * readers never wait for a writer; a write transaction is BEGIN IMMEDIATE, which takes the
 * database's write lock at once (the head lock: no two writers can both read the head and
 * append after it), waiting on a busy database up to a timeout. Statements are prepared once
 * and kept. */
#include "ledger_db.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* path with suffix ("-wal", "-shm") into buf. */
static const char *beside(char *buf, size_t cap, const char *path, const char *suffix)
{
    snprintf(buf, cap, "%s%s", path, suffix);
    return buf;
}

/* The directory of path into buf. */
static const char *dir_of(char *b, size_t cap, const char *path)
{
    snprintf(b, cap, "%s", path);
    char *slash = strrchr(b, '/');
    if (slash == b)
        slash[1] = 0;
    else if (slash)
        *slash = 0;
    else
        snprintf(b, cap, ".");
    return b;
}

/* Whether the ledger file at path can only be read here: the file is not ours to write, or its
 * directory is not and there is no -shm file (WAL mode needs one beside the database). */
static bool only_readable(const char *path)
{
    char b[4200];
    if (access(path, W_OK) != 0)
        return true;
    if (access(dir_of(b, sizeof b, path), W_OK) == 0)
        return false;
    return access(beside(b, sizeof b, path, "-shm"), F_OK) != 0;
}

/* A ledger this process may only read (a copy handed to an auditor, a read-only mount), read
 * as immutable: no -shm or -wal is made beside it (one owned by the reader would keep the
 * owner from writing). A write-ahead log with rows in it is not read that way — they would be
 * missed — so such a copy is refused, saying how to fold the log in. 0, or the error. */
static int sq_open_readonly(calc_ledger *l, const char *path, calc_error *err)
{
    char wal[4200];
    struct stat st;
    if (stat(beside(wal, sizeof wal, path, "-wal"), &st) == 0 && st.st_size > 0) {
        ldb_error(l, err, CALC_EIO, "its write-ahead log holds rows not yet in the file, and "
                                    "cannot be read where the file may not be written");
        calc_error_hint(err, "fold the log into the file where it is written (sqlite3 %s "
                             "'PRAGMA wal_checkpoint(TRUNCATE)') and copy the file again",
                        path);
        return CALC_EIO;
    }
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *uri = malloc(3 * n + 32);
    if (!uri)
        return ldb_error(l, err, CALC_ENOMEM, "out of memory");
    char *o = uri + sprintf(uri, "file:");
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        if (*c == '%' || *c == '?' || *c == '#' || *c < 0x20) { /* RFC 3986 escapes */
            *o++ = '%';
            *o++ = hex[*c >> 4];
            *o++ = hex[*c & 15];
        } else
            *o++ = (char)*c;
    strcpy(o, "?immutable=1");
    sqlite3_close(l->db);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                             SQLITE_OPEN_NOMUTEX, NULL);
    free(uri);
    l->db = db;
    if (rc != SQLITE_OK)
        return db ? sq_fail(l, err) : ldb_error(l, err, CALC_ENOMEM, "out of memory");
    sqlite3_extended_result_codes(db, 1);
    return sq_script(l, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536", err);
}

int ldb_sqlite_open(calc_ledger *l, const char *path, bool create, calc_error *err)
{
    l->ops = &sqlite_ops;
    l->engine = LDB_SQLITE;
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && access(path, R_OK) != 0) { /* not "no ledger": one this user may not read */
        calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot read the ledger %s: %s", path,
                       calc_msg_errno(errno));
        calc_error_hint(err, "ask the ledger's keeper for read access, or for a copy");
        return CALC_EIO;
    }
    if (exists && only_readable(path)) {
        if (!create)
            return sq_open_readonly(l, path, err);
        calc_error_set(err, CALC_EIO, NULL, 0, 0, "ledger %s cannot be written here (the file "
                       "or its directory is read-only): init makes and migrates it", path);
        calc_error_hint(err, "run calc ledger init as the ledger's keeper, where it is written");
        return CALC_EIO;
    }
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    l->db = db;
    if (rc != SQLITE_OK) {
        if (create && !exists && rc == SQLITE_CANTOPEN) { /* its directory: missing, or not ours */
            char d[4200];
            int e = access(dir_of(d, sizeof d, path), W_OK) == 0 ? EIO : errno;
            sqlite3_close(db);
            l->db = NULL;
            calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot make the ledger %s: %s", path,
                           calc_msg_errno(e));
            calc_error_hint(err, "give a file in a directory that exists and you may write");
            return CALC_EIO;
        }
        if (!create && rc == SQLITE_CANTOPEN) {
            calc_error_set(err, CALC_EIO, NULL, 0, 0, "no ledger at %s", path);
            calc_error_hint(err, "make it with calc ledger init --ledger %s", path);
            return CALC_EIO;
        }
        return db ? sq_fail(l, err) : ldb_error(l, err, CALC_ENOMEM, "out of memory");
    }
    sqlite3_busy_timeout(db, BUSY_MS);
    sqlite3_extended_result_codes(db, 1);
    /* WAL: readers see the last committed state while a round is written; synchronous FULL:
     * a committed round survives a crash of the machine, not only of calc; a cache of 64 MiB
     * holds a round of 10^5 rows until its commit writes each page once */
    rc = sq_script(l, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                      "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536", err);
    return rc;
}
