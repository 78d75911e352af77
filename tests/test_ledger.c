/* test_ledger.c — the grants ledger's read side on SQLite (calc.h: calc_ledger_open, _head,
 * _awards, _awards_of, _pool_granted; ledger_hash.c's row hash): a ledger made in a temporary
 * file, rows written by hand through the insert every write uses, and what the readers must
 * make of them, worked out here by hand. tests/ledger.sh runs the commands on both engines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "ledger_db.h"

static char dir[64], path[96];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/test_ledger.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/l.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* one row as the writers make it: the chain's previous hash and the next seq from the head */
static void put(calc_ledger *l, const char *kind, const char *ref, const char *ent,
                const char *pol, const char *year, const char *key, const char *amount,
                const char *qty, const char *pool, const char *round)
{
    calc_error err = {0};
    char prev[65], seqs[24], hash[65];
    int64_t seq;
    assert_int_equal(ledger_head_now(l, prev, &seq, &err), 0);
    const char *cell[LR_NCOLS] = {0};
    cell[LR_SEQ] = ldb_itoa(seqs, seq + 1);
    cell[LR_KIND] = kind;
    cell[LR_REF] = ref;
    cell[LR_ENTERPRISE] = ent;
    cell[LR_POLICY] = pol;
    cell[LR_YEAR] = year;
    cell[LR_KEY] = key;
    cell[LR_SLOT] = "0";
    cell[LR_AMOUNT] = amount;
    cell[LR_QUANTITY] = qty;
    cell[LR_POOL] = pool;
    cell[LR_ROUND] = round;
    cell[LR_BY] = "test";
    cell[LR_AT] = "2025-07-01T00:00:00Z";
    cell[LR_PREV] = prev;
    assert_int_equal(ledger_row_insert(l, cell, hash, &err), 0);
}

static void put_round(calc_ledger *l, const char *name, const char *year)
{
    calc_error err = {0};
    const char *p[2] = {name, year};
    assert_int_equal(ldb_query(l,
                               "INSERT INTO ledger_rounds (name, as_of, claim_year, first_seq, "
                               "last_seq, grants, head_before, head, recorded_by, recorded_at) "
                               "VALUES ($1, NULL, $2, 0, 0, 0, '', '', 't', 't')",
                               2, p, NULL, NULL, &err),
                     0);
}

/* Ensure a ledger opens only once made, starts empty at the schema's version, and the first
 * row's hash is the SHA-256 of the canonical form ledger_hash.c documents (written out here). */
static void test_open_and_hash(void **state)
{
    (void)state;
    if (getenv("CALC_TEST_LEDGER"))
        skip(); /* SQLite's own */
    calc_ledger *l;
    calc_error err = {0};
    assert_int_equal(calc_ledger_open(&l, path, false, &err), CALC_EIO);
    assert_null(l);
    assert_non_null(strstr(err.msg, "no ledger at"));
    assert_int_equal(calc_ledger_open(&l, path, true, &err), 0);
    int v;
    assert_int_equal(calc_ledger_version(l, &v, &err), 0);
    assert_int_equal(v, 2);
    char head[65];
    int64_t seq = 7;
    assert_int_equal(calc_ledger_head(l, head, &seq, &err), 0);
    assert_string_equal(head, "");
    assert_int_equal(seq, 0);
    assert_int_equal(l->ops->begin_write(l, &err), 0);
    put(l, "grant", NULL, "E1", "p", "2024", "k", "100", NULL, NULL, "r1");
    assert_int_equal(l->ops->commit(l, &err), 0);
    assert_int_equal(calc_ledger_head(l, head, &seq, &err), 0);
    assert_int_equal(seq, 1);
    const char canon[] = "calc-ledger-row-v1\nseq=1:1\nkind=5:grant\nref=~\nenterprise=2:E1\n"
                         "policy=1:p\nclaim_year=4:2024\ngrant_key=1:k\nslot=1:0\n"
                         "amount=3:100\namount_before_pool=~\nquantity=~\npool=~\n"
                         "round_name=2:r1\nreason=~\nas_of=~\npolicy_set=~\nprofile=~\n"
                         "computed_head=~\nrecorded_by=4:test\n"
                         "recorded_at=20:2025-07-01T00:00:00Z\nprev_hash=0:\n";
    char want[65];
    calc_sha256_hex(canon, sizeof canon - 1, want);
    assert_string_equal(head, want);
    calc_ledger_close(l);
    /* a second open sees the same, without create */
    assert_int_equal(calc_ledger_open(&l, path, false, &err), 0);
    assert_int_equal(calc_ledger_head(l, head, &seq, &err), 0);
    assert_string_equal(head, want);
    calc_ledger_close(l);
}

/* Ensure the awards are the live grants in byte order of enterprise, policy, year, key (then
 * seq), a paid grant counting what was paid and a revoked one not at all; awards_of is one
 * enterprise's; a pool's grants are summed in units for in-kind (quantity) and fen for cash,
 * net of revocations, over all rounds, a claim year's rounds or one round. */
static void test_awards_and_pools(void **state)
{
    (void)state;
    char p2[512];
    snprintf(p2, sizeof p2, "%s/a.db", dir);
    const char *target = getenv("CALC_TEST_LEDGER"); /* tests/ledger.sh: a PostgreSQL URL */
    if (target && *target)
        snprintf(p2, sizeof p2, "%s", target);
    calc_ledger *l;
    calc_error err = {0};
    assert_int_equal(calc_ledger_open(&l, p2, true, &err), 0);
    assert_int_equal(l->ops->begin_write(l, &err), 0);
    put_round(l, "r1", "2024");
    put_round(l, "r2", "2025");
    /* seq 1..6 grants; 7 pays 2 partly; 8 revokes 3 */
    put(l, "grant", NULL, "E2", "p", "2024", "b", "500", NULL, NULL, "r1");        /* 1 */
    put(l, "grant", NULL, "E1", "q", "2024", "k", "300", NULL, "cash", "r1");      /* 2 */
    put(l, "grant", NULL, "E1", "p", "2024", "z", "200", "4", "units", "r1");      /* 3 */
    put(l, "grant", NULL, "E1", "p", "2024", "a", "100", "3", "units", "r1");      /* 4 */
    put(l, "grant", NULL, "E1", "p", "2025", "a", "150", "5", "units", "r2");      /* 5 */
    put(l, "grant", NULL, "E10", "p", "2025", "a", "1", NULL, "cash", "r2");       /* 6 */
    put(l, "payment", "2", "E1", "q", "2024", "k", "250", NULL, "cash", "r1");     /* 7 */
    put(l, "revocation", "3", "E1", "p", "2024", "z", "200", "4", "units", "r1");  /* 8 */
    assert_int_equal(l->ops->commit(l, &err), 0);

    calc_award *v;
    size_t n;
    assert_int_equal(calc_ledger_awards(l, &v, &n, &err), 0);
    /* "E1" < "E10" < "E2"; within E1: p before q; p 2024 a, p 2025 a; z revoked */
    assert_int_equal(n, 5);
    static const struct {
        const char *e, *p, *k;
        int y;
        int64_t amount, qty, seq;
    } want[5] = {{"E1", "p", "a", 2024, 100, 3, 4}, {"E1", "p", "a", 2025, 150, 5, 5},
                 {"E1", "q", "k", 2024, 250, 0, 2}, {"E10", "p", "a", 2025, 1, 0, 6},
                 {"E2", "p", "b", 2024, 500, 0, 1}};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(v[i].enterprise, want[i].e);
        assert_string_equal(v[i].policy, want[i].p);
        assert_string_equal(v[i].key, want[i].k);
        assert_int_equal(v[i].year, want[i].y);
        assert_int_equal(v[i].amount, want[i].amount);
        assert_int_equal(v[i].quantity, want[i].qty);
        assert_int_equal(v[i].seq, want[i].seq);
    }
    assert_null(v[4].pool);
    assert_string_equal(v[0].pool, "units");
    char hh[65];
    int64_t hs;
    assert_int_equal(calc_ledger_history(l, hh, &hs, &v, &n, &err), 0);
    assert_int_equal(n, 5);
    assert_int_equal(hs, 8);
    assert_int_equal(strlen(hh), 64);
    assert_int_equal(v[3].seq, 6);
    assert_int_equal(calc_ledger_awards_of(l, "E1", &v, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(v[2].seq, 2);
    assert_int_equal(calc_ledger_awards_of(l, "E3", &v, &n, &err), 0);
    assert_int_equal(n, 0);

    int64_t g;
    assert_int_equal(calc_ledger_pool_granted(l, "units", NULL, &g, &err), 0);
    assert_int_equal(g, 3 + 5); /* seq 4 and 5; 3 revoked */
    assert_int_equal(calc_ledger_pool_granted(l, "units", "2024", &g, &err), 0);
    assert_int_equal(g, 3);
    assert_int_equal(calc_ledger_pool_granted(l, "units", "r2", &g, &err), 0);
    assert_int_equal(g, 5);
    assert_int_equal(calc_ledger_pool_granted(l, "cash", NULL, &g, &err), 0);
    assert_int_equal(g, 300 + 1); /* granted, not paid */
    assert_int_equal(calc_ledger_pool_granted(l, "none", NULL, &g, &err), 0);
    assert_int_equal(g, 0);
    char head[65];
    int64_t seq;
    assert_int_equal(calc_ledger_head(l, head, &seq, &err), 0);
    assert_int_equal(seq, 8);
    assert_int_equal(strlen(head), 64);
    calc_ledger_close(l);
}

/* Ensure the schema refuses what no writer may do: a key granted twice in one slot, a grant
 * paid twice, a payment without its grant. */
static void test_constraints(void **state)
{
    (void)state;
    if (getenv("CALC_TEST_LEDGER"))
        skip(); /* SQLite's messages */
    char p3[128];
    snprintf(p3, sizeof p3, "%s/c.db", dir);
    calc_ledger *l;
    calc_error err = {0};
    assert_int_equal(calc_ledger_open(&l, p3, true, &err), 0);
    assert_int_equal(l->ops->begin_write(l, &err), 0);
    put(l, "grant", NULL, "E1", "p", "2024", "k", "100", NULL, NULL, "r1");
    put(l, "payment", "1", "E1", "p", "2024", "k", "100", NULL, NULL, "r1");
    const char *cell[LR_NCOLS] = {"3", "grant", NULL, "E1", "p", "2024", "k", "0", "5"};
    cell[LR_ROUND] = "r2";
    cell[LR_BY] = cell[LR_AT] = cell[LR_PREV] = "x";
    char h[65];
    assert_int_equal(ledger_row_insert(l, cell, h, &err), CALC_EIO);
    assert_non_null(strstr(err.msg, "UNIQUE constraint failed: ledger_rows.enterprise"));
    cell[LR_KIND] = "payment";
    cell[LR_REF] = "1";
    assert_int_equal(ledger_row_insert(l, cell, h, &err), CALC_EIO);
    assert_non_null(strstr(err.msg, "UNIQUE constraint failed: ledger_rows.ref"));
    cell[LR_REF] = "99";
    assert_int_equal(ledger_row_insert(l, cell, h, &err), CALC_EIO);
    assert_non_null(strstr(err.msg, "FOREIGN KEY"));
    l->ops->rollback(l);
    calc_ledger_close(l);
}

/* Ensure a round recorded through the struct API (calc_ledger_round_add, as calc batch --grant
 * records) writes one row per key, refuses a key granted before and a head that moved. */
static void test_round_add(void **state)
{
    (void)state;
    if (getenv("CALC_TEST_LEDGER"))
        skip();
    char p4[128];
    snprintf(p4, sizeof p4, "%s/r.db", dir);
    calc_ledger *l;
    calc_error err = {0};
    assert_int_equal(calc_ledger_open(&l, p4, true, &err), 0);
    calc_grant_opts o = {"r1", "t", "2025-07-01T00:00:00Z", NULL};
    calc_round *r;
    assert_int_equal(calc_ledger_round_begin(l, &o, &r, &err), 0);
    calc_round_key keys[2] = {{"g1", 6000, 0}, {"g2", 4000, 0}};
    calc_round_result res = {.enterprise = "E1", .as_of = "2025-06-30", .head = "",
                             .policy = "qt25-grant-match", .year = 2024, .amount = 10000,
                             .keys = keys, .nkeys = 2};
    calc_diags d = {0};
    assert_int_equal(calc_ledger_round_add(r, &res, &d), 0);
    calc_grant_stats st;
    assert_int_equal(calc_ledger_round_commit(r, &st, &d), 0);
    assert_int_equal(st.rows, 2);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.cash, 10000);
    assert_int_equal(st.last_seq, 2);
    calc_award *v;
    size_t n;
    assert_int_equal(calc_ledger_awards_of(l, "E1", &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[1].key, "g2");
    assert_int_equal(v[1].amount, 4000);
    /* again, computed against the empty ledger: the head moved, the keys are granted */
    o.round = "r2";
    assert_int_equal(calc_ledger_round_begin(l, &o, &r, &err), 0);
    assert_int_equal(calc_ledger_round_add(r, &res, &d), 0);
    assert_int_equal(calc_ledger_round_commit(r, &st, &d), CALC_ECHECK);
    assert_true(d.n >= 3);
    assert_non_null(strstr(d.v[0].msg, "the ledger moved since"));
    assert_non_null(strstr(d.v[d.n - 1].msg, "key 'g2' is already granted: seq 2, round r1"));
    calc_diags_free(&d);
    char head[65];
    int64_t seq;
    assert_int_equal(calc_ledger_head(l, head, &seq, &err), 0);
    assert_int_equal(seq, 2);
    calc_ledger_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_and_hash),
        cmocka_unit_test(test_awards_and_pools),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_round_add),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
