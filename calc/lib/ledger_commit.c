/* ledger_commit.c — the commit of a round (calc_ledger_round_commit): under the head lock,
 * the round's name, the head its results were computed against and every key it grants
 * checked against the ledger as it is now; then its rows, the round and its signed head
 * written, all in the one transaction, or nothing and every conflict named. */
#include "ledger_grant.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the grants of the ledger by key (open addressing) ---- */

typedef struct slot_map {
    grant_slot *v;
    size_t cap, n;
    arena a;
} slot_map;

static uint64_t fnv(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int map_grow(slot_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    grant_slot *v = calloc(cap, sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->v[i].k)
            continue;
        size_t j = fnv(m->v[i].k) & (cap - 1);
        while (v[j].k)
            j = (j + 1) & (cap - 1);
        v[j] = m->v[i];
    }
    free(m->v);
    m->v = v;
    m->cap = cap;
    return 0;
}

/* The slot of the key, made empty when new; NULL out of memory. */
static grant_slot *map_get_slot(slot_map *m, const char *e, const char *p, const char *y,
                                const char *k)
{
    if ((m->n + 1) * 2 > m->cap && map_grow(m))
        return NULL;
    char *key = arena_printf(&m->a, "%s\x1f%s\x1f%s\x1f%s", e, p, y, k);
    size_t j = fnv(key) & (m->cap - 1);
    while (m->v[j].k && strcmp(m->v[j].k, key))
        j = (j + 1) & (m->cap - 1);
    if (!m->v[j].k) {
        m->v[j].k = key;
        m->n++;
    }
    return &m->v[j];
}

static void map_free(slot_map *m)
{
    free(m->v);
    arena_free(&m->a);
}

struct load {
    slot_map *m;
    int rc;
};

static int grant_row(void *ctx, int ncol, const char *const *val)
{
    struct load *ld = ctx;
    if (ncol < 7)
        return ld->rc = CALC_EIO;
    grant_slot *s = map_get_slot(ld->m, val[0], val[1], val[2], val[3]);
    if (!s)
        return ld->rc = CALC_ENOMEM;
    s->slots++;
    if (!val[6]) { /* not revoked */
        ldb_atoi(val[4], &s->live_seq);
        s->live_round = arena_strndup(&ld->m->a, val[5], strlen(val[5]));
    }
    return 0;
}

static const char all_grants[] =
    "SELECT g.enterprise, g.policy, g.claim_year, g.grant_key, g.seq, g.round_name, r.seq "
    "FROM ledger_rows g LEFT JOIN ledger_rows r ON r.ref = g.seq AND r.kind = 'revocation' "
    "WHERE g.kind = 'grant' ORDER BY g.seq";

/* ---- the checks ---- */

/* A problem of the round (NULL when d is full: calc_error_set then does nothing). */
static calc_error *problem_at(calc_diags *d) { return calc_diags_add(d); }

struct round_row {
    bool found;
    char first[24], last[24], grants[24], at[40], by[200];
};

static int round_found(void *ctx, int ncol, const char *const *val)
{
    struct round_row *rr = ctx;
    if (ncol < 5)
        return 0;
    rr->found = true;
    snprintf(rr->first, sizeof rr->first, "%s", val[0] ? val[0] : "");
    snprintf(rr->last, sizeof rr->last, "%s", val[1] ? val[1] : "");
    snprintf(rr->grants, sizeof rr->grants, "%s", val[2] ? val[2] : "");
    snprintf(rr->at, sizeof rr->at, "%s", val[3] ? val[3] : "");
    snprintf(rr->by, sizeof rr->by, "%s", val[4] ? val[4] : "");
    return 0;
}

static const char round_by_name[] = "SELECT first_seq, last_seq, grants, recorded_at, "
                                    "recorded_by FROM ledger_rounds WHERE name = $1";

static int check_round_new(calc_round *r, calc_diags *d, calc_error *err)
{
    struct round_row rr = {0};
    const char *p[1] = {r->round};
    int rc = ldb_query(r->l, round_by_name, 1, p, round_found, &rr, err);
    if (rc || !rr.found)
        return rc;
    calc_error *e = problem_at(d);
    calc_error_set(e, CALC_ECHECK, NULL, 0, 0,
                   "round %s is already recorded: %s grant rows (seq %s to %s), recorded at %s "
                   "by '%s'",
                   r->round, rr.grants, rr.first, rr.last, rr.at, rr.by);
    calc_error_hint(e, "a round is recorded once: name a new round, or revoke what is wrong");
    return 1;
}

struct since {
    calc_diags *d;
    const pend_line *pl;
    int n;
};

static int since_row(void *ctx, int ncol, const char *const *val)
{
    struct since *s = ctx;
    if (ncol < 4 || s->n++ >= 5)
        return 0;
    calc_loc loc = {s->pl->file, s->pl->line, 1};
    calc_error *e = problem_at(s->d);
    calc_error_set(e, CALC_ECHECK, loc.file, loc.line, 1,
                   "recorded since: round %s, seq %s to %s (%s rows)", val[0], val[1], val[2],
                   val[3]);
    return 0;
}

static const char rows_since[] =
    "SELECT round_name, min(seq), max(seq), count(*) FROM ledger_rows WHERE seq > $1 "
    "GROUP BY round_name ORDER BY min(seq)";

/* The results' head must be the ledger's now. */
static int check_head(calc_round *r, const char *head, int64_t seq, calc_diags *d,
                      calc_error *err)
{
    const pend_line *pl = r->head_line;
    if (!pl)
        return 0;
    int bad = 0;
    if (r->other_head) {
        const pend_line *o = r->other_head;
        calc_loc loc = {o->file, o->line, 1};
        calc_error *e = problem_at(d);
        calc_error_set(e, CALC_ECHECK, loc.file, loc.line, 1,
                       "record %s was computed against the ledger at seq %lld, line %u against "
                       "seq %lld: a round is one evaluation",
                       o->enterprise, (long long)o->head_seq, pl->line, (long long)pl->head_seq);
        bad = 1;
    }
    if (r->other_as_of) {
        const pend_line *o = r->other_as_of, *f = r->first_line;
        calc_loc loc = {o->file, o->line, 1};
        calc_error *e = problem_at(d);
        calc_error_set(e, CALC_ECHECK, loc.file, loc.line, 1,
                       "record %s was evaluated as of %s, the round's first record (line %u) as "
                       "of %s: a round is one evaluation date",
                       o->enterprise, o->as_of, f->line, f->as_of);
        bad = 1;
    }
    if (strcmp(pl->head, head) == 0 && pl->head_seq == seq)
        return bad;
    calc_loc loc = {pl->file, pl->line, 1};
    calc_error *e = problem_at(d);
    char h1[16], h2[16];
    snprintf(h1, sizeof h1, "%.12s", *pl->head ? pl->head : "-");
    snprintf(h2, sizeof h2, "%.12s", *head ? head : "-");
    calc_error_set(e, CALC_ECHECK, loc.file, loc.line, 1,
                   "the results were computed against the ledger at seq %lld (head %s), the "
                   "ledger is now at seq %lld (head %s): the ledger moved since",
                   (long long)pl->head_seq, h1, (long long)seq, h2);
    calc_error_hint(e, "evaluate again with the ledger as it is (calc batch --ledger), then "
                       "grant those results");
    if (pl->head_seq < seq) {
        char s[24];
        const char *p[1] = {ldb_itoa(s, pl->head_seq)};
        struct since sn = {d, pl, 0};
        int rc = ldb_query(r->l, rows_since, 1, p, since_row, &sn, err);
        if (rc)
            return -1;
    }
    return 1;
}

/* Every key granted once while it stands, and once in the round. */
static int check_keys(calc_round *r, slot_map *m, calc_diags *d, calc_error *err)
{
    struct load ld = {m, 0};
    int rc = ldb_query(r->l, all_grants, 0, NULL, grant_row, &ld, err);
    if (rc || ld.rc) {
        if (ld.rc == CALC_ENOMEM)
            calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
        else if (ld.rc)
            ldb_error(r->l, err, CALC_EIO, "a grant row is not what calc wrote");
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        pend_row *p = &r->rows[i];
        char y[24];
        grant_slot *s = map_get_slot(m, p->line->enterprise, p->policy, ldb_itoa(y, p->year),
                                     p->key);
        if (!s) {
            calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
            return -1;
        }
        calc_error *e;
        if (s->pending) {
            e = problem_at(d);
            calc_error_set(e, CALC_ECHECK, p->loc.file, p->loc.line, p->loc.col,
                           "record %s: %s, claim year %lld, key '%s' is granted twice in this "
                           "round: also at line %u",
                           p->line->enterprise, p->policy, (long long)p->year, p->key,
                           s->pending->loc.line);
            bad = 1;
        } else if (s->live_seq) {
            e = problem_at(d);
            calc_error_set(e, CALC_ECHECK, p->loc.file, p->loc.line, p->loc.col,
                           "record %s: %s, claim year %lld, key '%s' is already granted: seq "
                           "%lld, round %s",
                           p->line->enterprise, p->policy, (long long)p->year, p->key,
                           (long long)s->live_seq, s->live_round);
            calc_error_hint(e, "a key is granted once; revoke the grant first (calc revoke) "
                               "to grant it again");
            bad = 1;
        }
        s->pending = p;
        p->slot = s->slots;
    }
    return bad;
}

/* ---- the writes ---- */

static const char insert_round[] =
    "INSERT INTO ledger_rounds (name, as_of, claim_year, first_seq, last_seq, grants, "
    "head_before, head, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10)";
static const char insert_signed[] =
    "INSERT INTO ledger_signed_heads (round_name, seq, hash, key_fp, signature, signed_at) "
    "VALUES ($1, $2, $3, $4, $5, $6)";

/* The round's rows in order, each hashed on the one before, appended LEDGER_BATCH at a time. */
static int write_rows(calc_round *r, char head[65], int64_t *seq, calc_error *err)
{
    const char *cells[LEDGER_BATCH * LR_NCOLS];
    char nums[LEDGER_BATCH][6][24], hashes[LEDGER_BATCH][65], prev[65];
    int n = 0;
    strcpy(prev, head);
    for (size_t i = 0; i < r->nrows; i++) {
        const pend_row *p = &r->rows[i];
        const char **cell = &cells[n * LR_NCOLS];
        char(*num)[24] = nums[n];
        memset(cell, 0, LR_NCOLS * sizeof *cell);
        cell[LR_SEQ] = ldb_itoa(num[0], *seq + 1);
        cell[LR_KIND] = "grant";
        cell[LR_ENTERPRISE] = p->line->enterprise;
        cell[LR_POLICY] = p->policy;
        cell[LR_YEAR] = ldb_itoa(num[1], p->year);
        cell[LR_KEY] = p->key;
        cell[LR_SLOT] = ldb_itoa(num[2], p->slot);
        cell[LR_AMOUNT] = ldb_itoa(num[3], p->amount);
        cell[LR_BEFORE_POOL] = p->has_before ? ldb_itoa(num[4], p->before) : NULL;
        cell[LR_QUANTITY] = p->in_kind ? ldb_itoa(num[5], p->quantity) : NULL;
        cell[LR_POOL] = p->pool;
        cell[LR_ROUND] = r->round;
        cell[LR_AS_OF] = p->line->as_of;
        cell[LR_POLICY_SET] = p->line->policy_set;
        cell[LR_PROFILE] = p->line->profile;
        cell[LR_COMPUTED_HEAD] = p->line->head;
        cell[LR_BY] = r->by;
        cell[LR_AT] = r->at;
        /* the previous row's hash: the one before in this batch, or the last one written */
        cell[LR_PREV] = n ? hashes[n - 1] : prev;
        ledger_row_hash(cell, hashes[n]);
        cell[LR_HASH] = hashes[n];
        ++*seq;
        if (++n == LEDGER_BATCH || i + 1 == r->nrows) {
            int rc = ledger_rows_insert(r->l, cells, n, err);
            if (rc)
                return rc;
            strcpy(prev, hashes[n - 1]);
            n = 0;
        }
    }
    strcpy(head, prev);
    return 0;
}

static int write_round(calc_round *r, const char *before, int64_t first, const char *head,
                       int64_t last, calc_grant_stats *st, calc_error *err)
{
    char f[24], l[24], n[24], y[24];
    const pend_line *pl = r->first_line;
    int64_t year = 0;
    if (pl && pl->as_of && strlen(pl->as_of) >= 4)
        year = strtol(pl->as_of, NULL, 10) - 1; /* the claim year of its as_of (both books) */
    const char *p[10] = {r->round,           pl ? pl->as_of : NULL, year ? ldb_itoa(y, year) : NULL,
                         ldb_itoa(f, first), ldb_itoa(l, last),     ldb_itoa(n, (int64_t)r->nrows),
                         before,             head,                  r->by,
                         r->at};
    int rc = ldb_query(r->l, insert_round, 10, p, NULL, NULL, err);
    if (rc || !r->sign_key)
        return rc;
    if (!*head)
        return calc_error_set(err, CALC_EUSAGE, NULL, 0, 0,
                              "the ledger is empty: there is no head to sign");
    char sig[128];
    rc = calc_sign_digest(r->sign_key, head, sig, sizeof sig, st->key_fp, err);
    if (rc)
        return rc;
    const char *q[6] = {r->round, l, head, st->key_fp, sig, r->at};
    return ldb_query(r->l, insert_signed, 6, q, NULL, NULL, err);
}

static int finish(calc_round *r, int rc, calc_diags *d, const calc_error *err)
{
    if (rc && err && err->code) {
        calc_error *e = calc_diags_add(d);
        if (e)
            *e = *err;
    }
    if (r->l->in_tx)
        r->l->ops->rollback(r->l);
    calc_ledger_round_abort(r);
    return rc;
}

int calc_ledger_round_commit(calc_round *r, calc_grant_stats *st, calc_diags *d)
{
    memset(st, 0, sizeof *st);
    st->lines = r->lines;
    st->records = r->records;
    st->results = r->results;
    calc_error err = {0};
    if (r->bad)
        return finish(r, r->worst ? r->worst : CALC_ECHECK, d, NULL);
    if (!r->first_line) {
        calc_error_set(&err, CALC_ECHECK, NULL, 0, 0,
                       "no result lines: a round is recorded from calc batch --ledger's "
                       "results");
        return finish(r, CALC_ECHECK, d, &err);
    }
    calc_ledger *l = r->l;
    int rc = l->ops->begin_write(l, &err);
    if (rc)
        return finish(r, rc, d, &err);
    char head[65], before[65];
    int64_t seq;
    rc = ledger_head_now(l, head, &seq, &err);
    if (rc)
        return finish(r, rc, d, &err);
    strcpy(before, head);
    int64_t first = seq + 1;
    int bad = check_round_new(r, d, &err);
    int hb = bad >= 0 ? check_head(r, head, seq, d, &err) : 0;
    slot_map m = {0};
    int kb = bad >= 0 && hb >= 0 ? check_keys(r, &m, d, &err) : 0;
    map_free(&m);
    if (bad < 0 || hb < 0 || kb < 0)
        return finish(r, err.code ? err.code : CALC_EIO, d, &err);
    if (bad || hb || kb)
        return finish(r, CALC_ECHECK, d, NULL);
    rc = write_rows(r, head, &seq, &err);
    if (!rc)
        rc = write_round(r, before, first, head, seq, st, &err);
    if (!rc)
        rc = l->ops->commit(l, &err);
    if (rc)
        return finish(r, rc, d, &err);
    st->rows = r->nrows;
    st->first_seq = r->nrows ? first : 0;
    st->last_seq = r->nrows ? seq : 0;
    st->cash = r->cash;
    st->quantity = r->quantity;
    strcpy(st->head, head);
    return finish(r, 0, d, NULL);
}
