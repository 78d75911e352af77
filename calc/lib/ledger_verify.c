/* ledger_verify.c — `calc ledger verify` (calc_ledger_verify): the chain recomputed row by row
 * from what the database holds, and the heads that vouch for its end checked against it.
 *
 * What each check catches. A row edited in place: its hash no longer matches its content (or,
 * if the hash was recomputed too, the next row's prev_hash no longer matches it). A row removed
 * from the middle: a gap in seq and a broken link. A row inserted: seq is in the canonical form,
 * so renumbering the rows after it breaks every one of their hashes; a grant appended under a
 * round must lie within the seq range the round recorded. Rows removed from the end leave a
 * chain that is intact but shorter: each round's recorded head and, beyond an editable table,
 * each signed head (checked with --key) and a head the auditor noted (--head) must still be a
 * row of the chain with that hash. Rows appended after the last signed or noted head cannot be
 * told from honest ones: the report says how many rows no head covers. */
#include "ledger_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SHOWN 20 /* problems printed before "… and N more" */

typedef struct vrow {
    char hash[65];
    char kind; /* 'g', 'p', 'r' */
    int64_t ref;
    char *round; /* grants only */
} vrow;

typedef struct verifier {
    calc_ledger *l;
    FILE *out;
    int lang;
    vrow *v; /* v[seq - 1] */
    size_t n, cap;
    int64_t last;     /* the last seq read */
    char prev[65];    /* the previous row's stored hash */
    size_t problems;
    arena a;
    int rc;
    char **rounds; /* every round's name, and whether a signed head names it */
    bool *signed_round;
    size_t nrounds, caprounds;
} verifier;

static void say(verifier *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(verifier *x, const char *fmt, ...)
{
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    calc_msg_vformat(line, sizeof line, x->lang, fmt, ap);
    va_end(ap);
    fprintf(x->out, "%s\n", line);
}

/* A problem: counted always, printed up to MAX_SHOWN. */
#define PROBLEM(x, ...)                                                                        \
    do {                                                                                       \
        if ((x)->problems++ < MAX_SHOWN)                                                       \
            say((x), __VA_ARGS__);                                                             \
    } while (0)

static const char all_rows[] =
    "SELECT seq, kind, ref, enterprise, policy, claim_year, grant_key, slot, amount, "
    "amount_before_pool, quantity, pool, round_name, reason, as_of, policy_set, profile, "
    "computed_head, recorded_by, recorded_at, prev_hash, hash FROM ledger_rows ORDER BY seq";

static vrow *row_at(verifier *x, int64_t seq)
{
    return seq >= 1 && (size_t)seq <= x->n ? &x->v[seq - 1] : NULL;
}

static int add_slot(verifier *x)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 1024;
        vrow *v = realloc(x->v, cap * sizeof *v);
        if (!v)
            return -1;
        x->v = v;
        x->cap = cap;
    }
    memset(&x->v[x->n++], 0, sizeof x->v[0]);
    return 0;
}

static int check_row(void *ctx, int ncol, const char *const *c)
{
    verifier *x = ctx;
    if (ncol < LR_NCOLS)
        return x->rc = CALC_EIO;
    int64_t seq = 0, ref = 0;
    if (ldb_atoi(c[LR_SEQ], &seq) || seq <= x->last) {
        PROBLEM(x, "a row with seq '%s' after seq %lld: not a row calc wrote", c[LR_SEQ],
                (long long)x->last);
        return 0;
    }
    if (seq != x->last + 1) {
        if (seq == x->last + 2)
            PROBLEM(x, "row %lld is missing (the rows go from seq %lld to %lld): it was removed",
                    (long long)(x->last + 1), (long long)x->last, (long long)seq);
        else
            PROBLEM(x, "rows %lld to %lld are missing (the rows go from seq %lld to %lld): they "
                       "were removed",
                    (long long)(x->last + 1), (long long)(seq - 1), (long long)x->last,
                    (long long)seq);
    }
    /* the slots of missing rows stay empty (hash ""): nothing can match them */
    while ((int64_t)x->n < seq)
        if (add_slot(x))
            return x->rc = CALC_ENOMEM;
    vrow *r = &x->v[seq - 1];
    const char *hash = c[LR_HASH] ? c[LR_HASH] : "", *prev = c[LR_PREV] ? c[LR_PREV] : "";
    char want[65];
    ledger_row_hash(c, want);
    if (strcmp(want, hash))
        PROBLEM(x, "row %lld: its hash does not match its content: the row was changed",
                (long long)seq);
    else if (strcmp(prev, x->prev) && seq == x->last + 1)
        PROBLEM(x, "row %lld: its prev_hash is not row %lld's hash: a row before it was changed, "
                   "inserted or removed",
                (long long)seq, (long long)(seq - 1));
    snprintf(r->hash, sizeof r->hash, "%s", hash);
    snprintf(x->prev, sizeof x->prev, "%s", hash);
    x->last = seq;
    const char *kind = c[LR_KIND] ? c[LR_KIND] : "";
    r->kind = strcmp(kind, "grant") == 0 ? 'g' : strcmp(kind, "payment") == 0 ? 'p' : 'r';
    if (r->kind == 'g') {
        r->round = arena_strndup(&x->a, c[LR_ROUND] ? c[LR_ROUND] : "",
                                 c[LR_ROUND] ? strlen(c[LR_ROUND]) : 0);
    } else if (ldb_atoi(c[LR_REF], &ref) || !row_at(x, ref) || row_at(x, ref)->kind != 'g') {
        PROBLEM(x, "row %lld: a %s of row %s, which is no grant before it", (long long)seq, kind,
                c[LR_REF] ? c[LR_REF] : "?");
    }
    r->ref = ref;
    return 0;
}

/* ---- the heads ---- */

static const char all_rounds[] = "SELECT name, first_seq, last_seq, grants, head_before, head "
                                 "FROM ledger_rounds ORDER BY first_seq, name";
static const char all_signed[] = "SELECT round_name, seq, hash, key_fp, signature FROM "
                                 "ledger_signed_heads ORDER BY seq, round_name";

/* The hash of the row at seq ("" for seq 0), or NULL when the chain has no such row. */
static const char *hash_at(verifier *x, int64_t seq)
{
    if (seq == 0)
        return "";
    vrow *r = row_at(x, seq);
    return r && r->hash[0] ? r->hash : NULL;
}

/* A head (seq, hash) that must be a row of the chain. */
static bool head_holds(verifier *x, const char *what, int64_t seq, const char *hash)
{
    const char *h = hash_at(x, seq);
    char s[16];
    snprintf(s, sizeof s, "%.12s", *hash ? hash : "-");
    if (!h) {
        PROBLEM(x, "%s is at seq %lld (head %s), but the ledger ends at seq %lld: rows were "
                   "removed from the end",
                what, (long long)seq, s, (long long)x->last);
        return false;
    }
    if (strcmp(h, hash)) {
        PROBLEM(x, "%s is at seq %lld with head %s, but row %lld's hash differs: rows up to it "
                   "were changed",
                what, (long long)seq, s, (long long)seq);
        return false;
    }
    return true;
}

static int check_round(void *ctx, int ncol, const char *const *c)
{
    verifier *x = ctx;
    int64_t first, last, grants;
    if (ncol < 6 || ldb_atoi(c[1], &first) || ldb_atoi(c[2], &last) || ldb_atoi(c[3], &grants))
        return x->rc = CALC_EIO;
    char what[300];
    calc_msg_format(what, sizeof what, x->lang, "the head of round %s", c[0]);
    head_holds(x, what, last, c[5] ? c[5] : "");
    int64_t n = 0;
    for (size_t i = 0; i < x->n; i++) {
        vrow *r = &x->v[i];
        if (r->kind != 'g' || !r->round || strcmp(r->round, c[0]))
            continue;
        n++;
        int64_t seq = (int64_t)i + 1;
        if (seq < first || seq > last) {
            PROBLEM(x, "row %lld: a grant of round %s, which recorded seq %lld to %lld: it was "
                       "inserted",
                    (long long)seq, c[0], (long long)first, (long long)last);
            r->kind = 'G'; /* named once */
        }
    }
    if (n != grants)
        PROBLEM(x, "round %s recorded %lld grant rows, the ledger holds %lld of it", c[0],
                (long long)grants, (long long)n);
    if (x->nrounds == x->caprounds) {
        size_t cap = x->caprounds ? 2 * x->caprounds : 16;
        char **r = realloc(x->rounds, cap * sizeof *r);
        bool *sg = r ? realloc(x->signed_round, cap * sizeof *sg) : NULL;
        if (r)
            x->rounds = r;
        if (!sg)
            return x->rc = CALC_ENOMEM;
        x->signed_round = sg;
        x->caprounds = cap;
    }
    x->signed_round[x->nrounds] = false;
    x->rounds[x->nrounds++] = arena_strndup(&x->a, c[0], strlen(c[0]));
    /* every grant named a round that was recorded */
    for (size_t i = 0; i < x->n; i++)
        if (x->v[i].kind == 'g' && x->v[i].round && strcmp(x->v[i].round, c[0]) == 0)
            x->v[i].kind = 'G'; /* its round is known */
    return 0;
}

typedef struct sigcheck {
    verifier *x;
    const char *pubkey;
    size_t n, good;
    int64_t covered; /* the highest seq a holding head vouches for */
    char fp[72];
} sigcheck;

static int check_signed(void *ctx, int ncol, const char *const *c)
{
    sigcheck *s = ctx;
    verifier *x = s->x;
    int64_t seq;
    if (ncol < 5 || ldb_atoi(c[1], &seq))
        return x->rc = CALC_EIO;
    s->n++;
    for (size_t i = 0; i < x->nrounds; i++)
        if (strcmp(x->rounds[i], c[0]) == 0)
            x->signed_round[i] = true;
    char what[300];
    calc_msg_format(what, sizeof what, x->lang, "the signed head of round %s", c[0]);
    bool holds = head_holds(x, what, seq, c[2] ? c[2] : "");
    if (!s->pubkey || !c[2] || strlen(c[2]) != 64) {
        if (holds && seq > s->covered && !s->pubkey)
            s->covered = seq;
        return 0;
    }
    calc_error err = {0};
    char hex[65];
    snprintf(hex, sizeof hex, "%s", c[2]);
    if (calc_verify_digest(s->pubkey, hex, c[4] ? c[4] : "", s->fp, &err) == 0) {
        s->good++;
        if (holds && seq > s->covered)
            s->covered = seq;
    } else if (err.code == CALC_ECHECK) {
        PROBLEM(x, "the signed head of round %s (seq %lld): %s", c[0], (long long)seq,
                calc_error_text(&err, x->lang));
    } else {
        x->rc = err.code;
        fprintf(x->out, "%s\n", calc_error_text(&err, x->lang));
    }
    return 0;
}

int calc_ledger_verify(calc_ledger *l, const char *pubkey, const char *head, int every_round,
                       FILE *out, int lang, calc_diags *d)
{
    verifier x = {.l = l, .out = out, .lang = lang};
    calc_error err = {0};
    /* a head as verify prints it (12 hex digits) or whole (64), in either case */
    size_t hn = head ? strlen(head) : 0;
    if (head && ((hn != 64 && hn != 12) || strspn(head, "0123456789abcdefABCDEF") != hn)) {
        calc_error *e = calc_diags_add(d);
        calc_error_set(e, CALC_EUSAGE, NULL, 0, 0, "--head: expected the ledger head's hash, 64 "
                       "hex digits or the first 12 as calc ledger verify prints them, got '%s'",
                       head);
        return CALC_EUSAGE;
    }
    if (pubkey) { /* a key that cannot be read is said once, not once for each signed head */
        char fp[72], none[65] = {0};
        calc_error kerr = {0};
        if (calc_verify_digest(pubkey, none, "", fp, &kerr) != CALC_ECHECK) {
            calc_error *e = calc_diags_add(d);
            if (e)
                *e = kerr;
            return kerr.code ? kerr.code : CALC_EUSAGE;
        }
    }
    int rc = l->ops->begin_read(l, &err);
    if (!rc)
        rc = ldb_query(l, all_rows, 0, NULL, check_row, &x, &err);
    if (!rc && !x.rc)
        rc = ldb_query(l, all_rounds, 0, NULL, check_round, &x, &err);
    for (size_t i = 0; !rc && !x.rc && i < x.n; i++)
        if (x.v[i].kind == 'g')
            PROBLEM(&x, "row %lld: a grant of round %s, which was never recorded: it was "
                        "inserted",
                    (long long)(i + 1), x.v[i].round ? x.v[i].round : "?");
    sigcheck s = {&x, pubkey, 0, 0, 0, ""};
    if (!rc && !x.rc)
        rc = ldb_query(l, all_signed, 0, NULL, check_signed, &s, &err);
    for (size_t i = 0; every_round && !rc && !x.rc && i < x.nrounds; i++)
        if (!x.signed_round[i]) /* signed when recorded, its signed head since deleted, or never */
            PROBLEM(&x, "round %s has no signed head (--all-signed: every round is signed)",
                    x.rounds[i]);
    char missing[300];
    int nm = 0;
    if (!rc && !x.rc)
        rc = ldb_missing_triggers(l, missing, sizeof missing, &nm, &err);
    if (!rc && nm > 0) /* the rows may be intact; what kept them so is gone */
        PROBLEM(&x, "the append-only triggers %s are missing or altered: the database no longer refuses "
                    "changes to rows (calc ledger init restores them)", missing);
    l->ops->rollback(l);
    int64_t noted = 0;
    if (!rc && !x.rc && head) {
        for (size_t i = 0; i < x.n && !noted; i++)
            if (strncasecmp(x.v[i].hash, head, hn) == 0 && strlen(x.v[i].hash) >= hn)
                noted = (int64_t)i + 1;
        if (!noted)
            PROBLEM(&x, "the head %s is not in the ledger: rows were removed or changed since it "
                        "was noted", head);
    }
    if (!rc && x.rc == CALC_ENOMEM)
        rc = calc_error_set(&err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
    else if (!rc && x.rc == CALC_EIO)
        rc = ldb_error(l, &err, CALC_EIO, "a row is not what calc wrote");
    else if (!rc && x.rc)
        rc = x.rc;
    if (!rc) {
        char h[16];
        snprintf(h, sizeof h, "%.12s", x.last ? x.prev : "-");
        say(&x, "rows: %lld, head %s", (long long)x.last, h);
        if (pubkey)
            say(&x, "signed heads: %zu of %zu verified with %s", s.good, s.n,
                s.fp[0] ? s.fp : pubkey);
        else
            say(&x, "signed heads: %zu, their signatures not checked (give --key PUB.pem)", s.n);
        if (noted)
            say(&x, "the noted head is row %lld", (long long)noted);
        int64_t covered = noted > s.covered ? noted : s.covered;
        if (x.last > covered && !x.problems)
            say(&x, "rows after seq %lld: %lld, vouched for by the chain alone (no signed or "
                    "noted head covers them)",
                (long long)covered, (long long)(x.last - covered));
        if (x.problems > MAX_SHOWN)
            say(&x, "… and %zu more problems", x.problems - MAX_SHOWN);
        if (x.problems)
            say(&x, "NOT VERIFIED: %zu problems", x.problems);
        else
            say(&x, "VERIFIED: the chain is intact");
    } else if (err.code) {
        calc_error *e = calc_diags_add(d);
        if (e)
            *e = err;
    }
    free(x.v);
    free(x.rounds);
    free(x.signed_round);
    arena_free(&x.a);
    return rc ? rc : x.problems ? CALC_ECHECK : 0;
}
