/* ledger_open.c — opening a ledger on either engine, its schema and the versioned migrations
 * `calc ledger init` applies, and the helpers every ledger_*.c query goes through. The schema
 * is written once: {C} marks each text column, which PostgreSQL compares in byte order
 * (COLLATE "C", whatever the database's locale) and SQLite already does (BINARY). */
#include "ledger_db.h"
#include "msgs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the migrations: append, never edit one that was released ---- */

static const struct migration {
    int version;
    const char *name;
    const char *sql;    /* both engines' */
    const char *sql_pg; /* PostgreSQL's instead, when the engines cannot say it alike */
} migrations[] = {
    {1, "grants ledger: rows, rounds, signed heads",
     /* every grant, payment and revocation; never updated (the hash chain shows it) */
     "CREATE TABLE ledger_rows ("
     " seq BIGINT PRIMARY KEY,"
     " kind TEXT{C} NOT NULL CHECK (kind IN ('grant', 'payment', 'revocation')),"
     " ref BIGINT REFERENCES ledger_rows (seq),"
     " enterprise TEXT{C} NOT NULL,"
     " policy TEXT{C} NOT NULL,"
     " claim_year INTEGER NOT NULL,"
     " grant_key TEXT{C} NOT NULL,"
     " slot INTEGER NOT NULL,"
     " amount BIGINT NOT NULL,"
     " amount_before_pool BIGINT,"
     " quantity BIGINT,"
     " pool TEXT{C},"
     " round_name TEXT{C} NOT NULL,"
     " reason TEXT{C},"
     " as_of TEXT{C},"
     " policy_set TEXT{C},"
     " profile TEXT{C},"
     " computed_head TEXT{C},"
     " recorded_by TEXT{C} NOT NULL,"
     " recorded_at TEXT{C} NOT NULL,"
     " prev_hash TEXT{C} NOT NULL,"
     " hash TEXT{C} NOT NULL UNIQUE,"
     " CHECK ((kind = 'grant') = (ref IS NULL)));"
     /* a key is granted once while it stands: slot counts its earlier (revoked) grants */
     "CREATE UNIQUE INDEX ledger_grant_once ON ledger_rows"
     " (enterprise, policy, claim_year, grant_key, slot) WHERE kind = 'grant';"
     /* a grant is paid once and revoked once */
     "CREATE UNIQUE INDEX ledger_ref_once ON ledger_rows (ref, kind) WHERE ref IS NOT NULL;"
     "CREATE INDEX ledger_rows_round ON ledger_rows (round_name, seq);"
     "CREATE INDEX ledger_rows_pool ON ledger_rows (pool, seq);"
     /* each round once: its rows and the head before and after it */
     "CREATE TABLE ledger_rounds ("
     " name TEXT{C} PRIMARY KEY,"
     " as_of TEXT{C},"
     " claim_year INTEGER,"
     " first_seq BIGINT NOT NULL,"
     " last_seq BIGINT NOT NULL,"
     " grants BIGINT NOT NULL,"
     " head_before TEXT{C} NOT NULL,"
     " head TEXT{C} NOT NULL,"
     " recorded_by TEXT{C} NOT NULL,"
     " recorded_at TEXT{C} NOT NULL);"
     /* a round's head signed with an Ed25519 key (the message: the head's 64 hex digits) */
     "CREATE TABLE ledger_signed_heads ("
     " round_name TEXT{C} PRIMARY KEY REFERENCES ledger_rounds (name),"
     " seq BIGINT NOT NULL,"
     " hash TEXT{C} NOT NULL,"
     " key_fp TEXT{C} NOT NULL,"
     " signature TEXT{C} NOT NULL,"
     " signed_at TEXT{C} NOT NULL);",
     NULL},
    /* the database itself refuses to change what was written (a tamperer must first drop the
     * triggers; verify still finds what was done then) */
    {2, "rows, rounds and signed heads never updated or deleted",
     "CREATE TRIGGER ledger_rows_no_update BEFORE UPDATE ON ledger_rows"
     " BEGIN SELECT RAISE(ABORT, 'calc ledger: rows are never updated or deleted'); END;"
     "CREATE TRIGGER ledger_rows_no_delete BEFORE DELETE ON ledger_rows"
     " BEGIN SELECT RAISE(ABORT, 'calc ledger: rows are never updated or deleted'); END;"
     "CREATE TRIGGER ledger_rounds_no_update BEFORE UPDATE ON ledger_rounds"
     " BEGIN SELECT RAISE(ABORT, 'calc ledger: rows are never updated or deleted'); END;"
     "CREATE TRIGGER ledger_rounds_no_delete BEFORE DELETE ON ledger_rounds"
     " BEGIN SELECT RAISE(ABORT, 'calc ledger: rows are never updated or deleted'); END;"
     "CREATE TRIGGER ledger_heads_no_update BEFORE UPDATE ON ledger_signed_heads"
     " BEGIN SELECT RAISE(ABORT, 'calc ledger: rows are never updated or deleted'); END;"
     "CREATE TRIGGER ledger_heads_no_delete BEFORE DELETE ON ledger_signed_heads"
     " BEGIN SELECT RAISE(ABORT, 'calc ledger: rows are never updated or deleted'); END;",
     "CREATE FUNCTION calc_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS"
     " $$ BEGIN RAISE EXCEPTION 'calc ledger: rows are never updated or deleted'; END $$;"
     "CREATE TRIGGER ledger_rows_append_only BEFORE UPDATE OR DELETE ON ledger_rows"
     " FOR EACH ROW EXECUTE FUNCTION calc_ledger_append_only();"
     "CREATE TRIGGER ledger_rounds_append_only BEFORE UPDATE OR DELETE ON ledger_rounds"
     " FOR EACH ROW EXECUTE FUNCTION calc_ledger_append_only();"
     "CREATE TRIGGER ledger_heads_append_only BEFORE UPDATE OR DELETE ON ledger_signed_heads"
     " FOR EACH ROW EXECUTE FUNCTION calc_ledger_append_only();"},
};
#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])

int calc_ledger_schema_version(void) { return LEDGER_SCHEMA_VERSION; }

/* ---- helpers ---- */

int ldb_error(calc_ledger *l, calc_error *err, int code, const char *what)
{
    calc_error_set(err, code, NULL, 0, 0, "ledger %s (%s): %s", l->target ? l->target : "",
                   l->ops ? l->ops->name : "", msg_ext(what));
    return code;
}

int ldb_query(calc_ledger *l, const char *sql, int np, const char *const *p, ldb_row_fn fn,
              void *ctx, calc_error *err)
{
    return l->ops->query(l, sql, np, p, fn, ctx, err);
}

const char *ldb_itoa(char buf[24], int64_t v)
{
    snprintf(buf, 24, "%" PRId64, v);
    return buf;
}

int ldb_atoi(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end)
        return -1;
    *out = v;
    return 0;
}

static int first_int(void *ctx, int ncol, const char *const *val)
{
    int64_t *out = ctx;
    if (ncol > 0 && val[0] && ldb_atoi(val[0], out))
        *out = 0;
    return 0;
}

int ldb_int(calc_ledger *l, const char *sql, int np, const char *const *p, int64_t *out,
            calc_error *err)
{
    *out = 0;
    return ldb_query(l, sql, np, p, first_int, out, err);
}

/* ---- the schema ---- */

/* The migration's SQL for the engine: {C} is COLLATE "C" on PostgreSQL, nothing on SQLite. */
static char *dialect(const calc_ledger *l, const char *sql)
{
    const char *c = l->engine == LDB_PG ? " COLLATE \"C\"" : "";
    size_t n = strlen(sql) * 2 + 1;
    char *out = malloc(n), *w = out;
    if (!out)
        return NULL;
    for (const char *s = sql; *s;)
        if (strncmp(s, "{C}", 3) == 0) {
            w = stpcpy(w, c);
            s += 3;
        } else {
            *w++ = *s++;
        }
    *w = 0;
    return out;
}

static const char has_migrations_sqlite[] =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'calc_ledger_migrations'";
static const char has_migrations_pg[] =
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND "
    "tablename = 'calc_ledger_migrations'";
static const char max_version[] = "SELECT max(version) FROM calc_ledger_migrations";
static const char add_version[] = "INSERT INTO calc_ledger_migrations (version, name) "
                                  "VALUES ($1, $2)";

int calc_ledger_version(calc_ledger *l, int *version, calc_error *err)
{
    int64_t has = 0, v = 0;
    *version = 0;
    int rc = ldb_int(l, l->engine == LDB_PG ? has_migrations_pg : has_migrations_sqlite, 0, NULL,
                     &has, err);
    if (!rc && has)
        rc = ldb_int(l, max_version, 0, NULL, &v, err);
    if (!rc)
        *version = (int)v;
    return rc;
}

/* ---- the append-only triggers (migration 2): present, or restored by init ---- */

static const char *const sqlite_triggers[] = {
    "ledger_rows_no_update",   "ledger_rows_no_delete", "ledger_rounds_no_update",
    "ledger_rounds_no_delete", "ledger_heads_no_update", "ledger_heads_no_delete", NULL};
static const char *const pg_triggers[] = {"ledger_rows_append_only", "ledger_rounds_append_only",
                                          "ledger_heads_append_only", NULL};
/* Each trigger as the database keeps it: SQLite its CREATE statement (normalised: no IF NOT
 * EXISTS, no ';'), PostgreSQL its table, whether it fires (O), its kind (27: BEFORE UPDATE OR
 * DELETE, FOR EACH ROW) and its function's name and body. */
static const char triggers_sqlite[] =
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'";
static const char triggers_pg[] =
    "SELECT t.tgname, c.relname || ' ' || t.tgenabled::text || ' ' || t.tgtype::text || ' ' || "
    "p.proname || ' ' || p.prosrc FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = "
    "t.tgrelid JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND "
    "c.relnamespace = current_schema()::regnamespace";
static const char *const pg_tables[] = {"ledger_rows", "ledger_rounds", "ledger_signed_heads"};
#define PG_BODY " BEGIN RAISE EXCEPTION 'calc ledger: rows are never updated or deleted'; END "

struct have_triggers {
    const char *const *names;
    const char *sql; /* migration 2's, where SQLite's statements are found */
    bool pg, ok[8];
};

/* Whether the definition def of trigger i is migration 2's. */
static bool trigger_is(const struct have_triggers *h, int i, const char *def)
{
    if (h->pg) {
        char want[400];
        snprintf(want, sizeof want, "%s O 27 calc_ledger_append_only %s", pg_tables[i], PG_BODY);
        return strcmp(def, want) == 0;
    }
    char head[120];
    snprintf(head, sizeof head, "CREATE TRIGGER %s ", h->names[i]);
    const char *at = strstr(h->sql, head), *end = at ? strstr(at, "END;") : NULL;
    return end && strlen(def) == (size_t)(end + 3 - at) && strncmp(def, at, (size_t)(end + 3 - at)) == 0;
}

static int trigger_row(void *ctx, int ncol, const char *const *val)
{
    struct have_triggers *h = ctx;
    for (int i = 0; ncol > 1 && val[0] && val[1] && h->names[i]; i++)
        if (strcmp(val[0], h->names[i]) == 0 && trigger_is(h, i, val[1]))
            h->ok[i] = true;
    return 0;
}

int ldb_missing_triggers(calc_ledger *l, char *buf, size_t cap, int *missing, calc_error *err)
{
    bool pg = l->engine == LDB_PG;
    struct have_triggers h = {pg ? pg_triggers : sqlite_triggers, migrations[1].sql, pg, {false}};
    int rc = ldb_query(l, pg ? triggers_pg : triggers_sqlite, 0, NULL, trigger_row, &h, err);
    int n = 0;
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; !rc && h.names[i]; i++)
        if (!h.ok[i]) {
            int w = snprintf(buf + at, cap - at, "%s%s", n ? ", " : "", h.names[i]);
            if (w > 0 && (size_t)w < cap - at)
                at += (size_t)w;
            n++;
        }
    *missing = rc ? 0 : n;
    return rc;
}

/* Migration 2's triggers made again (some were dropped, disabled or replaced): each dropped if
 * it is there and made as the migration makes it, PostgreSQL's function replaced. */
static int restore_triggers(calc_ledger *l, const char *sql, calc_error *err)
{
    bool pg = l->engine == LDB_PG;
    const char *const *names = pg ? pg_triggers : sqlite_triggers;
    for (int i = 0; names[i]; i++) {
        char drop[160];
        if (pg)
            snprintf(drop, sizeof drop, "DROP TRIGGER IF EXISTS %s ON %s", names[i], pg_tables[i]);
        else
            snprintf(drop, sizeof drop, "DROP TRIGGER IF EXISTS %s", names[i]);
        int rc = l->ops->script(l, drop, err);
        if (rc)
            return rc;
    }
    if (!pg)
        return l->ops->script(l, sql, err);
    const char *from = "CREATE FUNCTION";
    const char *at = strstr(sql, from);
    size_t n = strlen(sql);
    char *s = malloc(n + 32);
    if (!s)
        return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    if (at) /* the function as the migration makes it, in place of whatever it is now */
        snprintf(s, n + 32, "%.*sCREATE OR REPLACE FUNCTION%s", (int)(at - sql), sql,
                 at + strlen(from));
    else
        snprintf(s, n + 32, "%s", sql);
    int rc = l->ops->script(l, s, err);
    free(s);
    return rc;
}

/* Applies every migration the ledger lacks, under the head lock (two inits at once: the
 * second finds the first's work), and restores the append-only triggers if they were
 * dropped (l->restored names them). */
static int migrate(calc_ledger *l, calc_error *err)
{
    int rc = l->ops->begin_write(l, err);
    if (rc)
        return rc;
    rc = l->ops->script(l, "CREATE TABLE IF NOT EXISTS calc_ledger_migrations ("
                           "version INTEGER PRIMARY KEY, name TEXT NOT NULL)",
                        err);
    int have = 0;
    if (!rc)
        rc = calc_ledger_version(l, &have, err);
    for (size_t i = 0; !rc && i < NMIGRATIONS; i++) {
        if (migrations[i].version <= have)
            continue;
        const struct migration *m = &migrations[i];
        char *sql = dialect(l, l->engine == LDB_PG && m->sql_pg ? m->sql_pg : m->sql), v[24];
        if (!sql)
            rc = calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
        else
            rc = l->ops->script(l, sql, err);
        free(sql);
        const char *p[2] = {ldb_itoa(v, migrations[i].version), migrations[i].name};
        if (!rc)
            rc = ldb_query(l, add_version, 2, p, NULL, NULL, err);
    }
    char missing[300];
    int nm = 0;
    if (!rc && have >= 2)
        rc = ldb_missing_triggers(l, missing, sizeof missing, &nm, err);
    if (!rc && nm > 0) {
        const struct migration *m = &migrations[1];
        rc = restore_triggers(l, l->engine == LDB_PG ? m->sql_pg : m->sql, err);
        if (!rc && !(l->restored = strdup(missing)))
            rc = calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!rc)
        return l->ops->commit(l, err);
    l->ops->rollback(l);
    return rc;
}

/* The URL without its password ("postgresql://u:secret@h/db" → "postgresql://u@h/db",
 * "…/db?password=secret" → "…/db?password="). */
static char *public_name(const char *target, bool url)
{
    char *s = strdup(target);
    if (!s || !url)
        return s;
    char *scheme = strstr(s, "://");
    char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at)
        memmove(colon, at, strlen(at) + 1);
    /* and a password among the query's parameters (…/db?password=secret&sslmode=…) */
    char *q = strchr(s, '?');
    for (char *p = q; p && *p;) {
        p++; /* past '?' or '&' */
        char *end = strchr(p, '&');
        if (strncmp(p, "password=", 9) == 0) {
            size_t keep = end ? strlen(end) : 0;
            memmove(p + 9, end ? end : p + strlen(p), keep + 1); /* the value left out */
        }
        p = end ? strchr(p, '&') : NULL;
    }
    return s;
}

static bool is_url(const char *t)
{
    return strncmp(t, "postgresql://", 13) == 0 || strncmp(t, "postgres://", 11) == 0;
}

int calc_ledger_open(calc_ledger **out, const char *target, bool create, calc_error *err)
{
    *out = NULL;
    if (!target || !*target) {
        calc_error_set(err, CALC_EUSAGE, NULL, 0, 0, "no ledger given");
        calc_error_hint(err, "give --ledger FILE or --ledger postgresql://…, or set "
                             "CALC_LEDGER");
        return CALC_EUSAGE;
    }
    calc_ledger *l = calloc(1, sizeof *l);
    bool url = is_url(target);
    if (l)
        l->target = public_name(target, url);
    if (!l || !l->target) {
        free(l);
        return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    int rc = url ? ldb_pg_open(l, target, err) : ldb_sqlite_open(l, target, create, err);
    int version = 0;
    if (!rc && create)
        rc = migrate(l, err);
    if (!rc)
        rc = calc_ledger_version(l, &version, err);
    if (!rc && version != LEDGER_SCHEMA_VERSION) {
        if (version == 0) {
            rc = calc_error_set(err, CALC_EIO, NULL, 0, 0,
                                "%s is not a calc ledger (it has no ledger schema)", l->target);
            calc_error_hint(err, "make it one with calc ledger init --ledger %s", l->target);
        } else if (version < LEDGER_SCHEMA_VERSION) {
            rc = calc_error_set(err, CALC_EIO, NULL, 0, 0,
                                "ledger %s is at schema version %d, this calc needs %d",
                                l->target, version, LEDGER_SCHEMA_VERSION);
            calc_error_hint(err, "migrate it with calc ledger init --ledger %s", l->target);
        } else {
            rc = calc_error_set(err, CALC_EIO, NULL, 0, 0,
                                "ledger %s is at schema version %d, newer than this calc's (%d)",
                                l->target, version, LEDGER_SCHEMA_VERSION);
            calc_error_hint(err, "use the calc that wrote it, or a newer one");
        }
    }
    if (rc) {
        calc_ledger_close(l);
        return rc;
    }
    *out = l;
    return 0;
}

void calc_ledger_close(calc_ledger *l)
{
    if (!l)
        return;
    if (l->ops && l->db)
        l->ops->close(l);
    arena_free(&l->a);
    free(l->awards);
    free(l->batch_sql);
    free(l->target);
    free(l->restored);
    free(l);
}

const char *calc_ledger_name(const calc_ledger *l) { return l ? l->target : ""; }

const char *calc_ledger_restored(const calc_ledger *l) { return l ? l->restored : NULL; }
