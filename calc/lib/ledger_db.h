/* ledger_db.h — the grants ledger's database (issue #17): one schema and one set of queries on
 * two engines, SQLite (ledger_sqlite.c) and PostgreSQL (ledger_pg.c), behind a small table of
 * operations. Every value crosses the boundary as text (integers in decimal, money as integer
 * fen), so that both engines give the same bytes and the row hash (ledger_hash.c) is computed
 * from exactly what the database holds. Queries are written once with $1, $2 … parameters
 * (SQLite reads them as ?1, ?2 …). Distinct from ledger.h, the in-profile awards[] questions. */
#ifndef CALC_LEDGER_DB_H
#define CALC_LEDGER_DB_H

#include "calc.h"
#include "mem.h"

/* One answer row: val[i] is NULL for SQL NULL. A nonzero return stops the query (and is
 * returned by ldb_query). */
typedef int (*ldb_row_fn)(void *ctx, int ncol, const char *const *val);

typedef struct ldb_ops {
    const char *name; /* "SQLite", "PostgreSQL" */
    /* one statement with text parameters; rows to fn (NULL: none expected) */
    int (*query)(calc_ledger *l, const char *sql, int np, const char *const *p, ldb_row_fn fn,
                 void *ctx, calc_error *err);
    /* statements without parameters or answers (the migrations) */
    int (*script)(calc_ledger *l, const char *sql, calc_error *err);
    /* a write transaction holding the ledger's head lock: one writer at a time */
    int (*begin_write)(calc_ledger *l, calc_error *err);
    int (*begin_read)(calc_ledger *l, calc_error *err);
    int (*commit)(calc_ledger *l, calc_error *err);
    void (*rollback)(calc_ledger *l);
    void (*close)(calc_ledger *l);
} ldb_ops;

enum { LDB_SQLITE, LDB_PG };

/* a prepared statement, found again by its SQL's address (every query is a static string) */
typedef struct ldb_stmt {
    const char *sql;
    void *h; /* sqlite3_stmt *, or the PostgreSQL statement's number */
} ldb_stmt;

struct calc_ledger {
    const ldb_ops *ops;
    int engine;       /* LDB_* */
    void *db;         /* sqlite3 *, PGconn * */
    char *target;     /* what messages call it: the file, or the URL without its password */
    char *restored;   /* the append-only triggers init made again (they were dropped), or NULL */
    ldb_stmt stmts[48];
    int nstmts;
    bool in_tx;
    char *batch_sql;  /* the insert of LEDGER_BATCH rows (PostgreSQL), made on first use */
    /* the answers of the last read (calc_ledger_awards …), owned until the next call */
    arena a;
    calc_award *awards;
    size_t nawards, cap;
};

/* The engines: 0, or a CALC_E* code with err filled (*out NULL). */
int ldb_sqlite_open(calc_ledger *l, const char *path, bool create, calc_error *err);
int ldb_pg_open(calc_ledger *l, const char *url, calc_error *err);

/* How many of the append-only triggers (migration 2) the ledger lacks or has altered (dropped,
 * disabled, made another way) in *missing, their names in buf (", " between); 0, or the
 * failed query's code. */
int ldb_missing_triggers(calc_ledger *l, char *buf, size_t cap, int *missing, calc_error *err);

/* l->ops->query and friends, with the engine's name in messages */
int ldb_query(calc_ledger *l, const char *sql, int np, const char *const *p, ldb_row_fn fn,
              void *ctx, calc_error *err);
/* The first column of the first row (a count, a sum) as an integer: 0 when there is no row
 * or it is NULL. */
int ldb_int(calc_ledger *l, const char *sql, int np, const char *const *p, int64_t *out,
            calc_error *err);
/* "ledger FILE: the database says …" (the database's own words). */
int ldb_error(calc_ledger *l, calc_error *err, int code, const char *what);
/* Decimal text of v into buf (24 bytes). */
const char *ldb_itoa(char buf[24], int64_t v);
/* A decimal integer cell; -1 when it is not one. */
int ldb_atoi(const char *s, int64_t *out);

/* ---- the schema (ledger_open.c) ---- */
#define LEDGER_SCHEMA_VERSION 2

/* ---- rows (ledger_hash.c) ---- */
/* The columns of ledger_rows in their order: the row's canonical form, the insert and the
 * export follow it. */
enum {
    LR_SEQ, LR_KIND, LR_REF, LR_ENTERPRISE, LR_POLICY, LR_YEAR, LR_KEY, LR_SLOT, LR_AMOUNT,
    LR_BEFORE_POOL, LR_QUANTITY, LR_POOL, LR_ROUND, LR_REASON, LR_AS_OF, LR_POLICY_SET,
    LR_PROFILE, LR_COMPUTED_HEAD, LR_BY, LR_AT, LR_PREV, LR_HASH, LR_NCOLS
};
extern const char *const ledger_cols[LR_NCOLS];
/* "seq, kind, …, hash": the columns in order, for SELECT and INSERT */
extern const char ledger_col_list[];
/* The row's hash: SHA-256 hex of its canonical form (every column but the hash, prev_hash
 * included; see ledger_hash.c), from the text of its cells (NULL for SQL NULL). */
void ledger_row_hash(const char *const *cell, char out[65]);
/* Inserts a row whose cells are filled but for the hash, which it computes into cell[LR_HASH]
 * (hashbuf holds it). */
int ledger_row_insert(calc_ledger *l, const char **cell, char hashbuf[65], calc_error *err);
/* Rows appended LEDGER_BATCH at a time: on PostgreSQL one statement each (10^5 rows are then
 * not 10^5 round trips); SQLite's prepared insert is as fast row by row. cells: n rows of
 * LR_NCOLS, hashes filled (ledger_row_hash). */
#define LEDGER_BATCH 64
int ledger_rows_insert(calc_ledger *l, const char *const *cells, int n, calc_error *err);
/* The head under the current transaction: hash ("" when empty) and seq (0). */
int ledger_head_now(calc_ledger *l, char head[65], int64_t *seq, calc_error *err);

#endif
