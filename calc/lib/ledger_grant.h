/* ledger_grant.h — a round being recorded (ledger_grant.c reads its lines, ledger_commit.c
 * checks and writes them): the lines' facts and the rows they make, kept until commit. */
#ifndef CALC_LEDGER_GRANT_H
#define CALC_LEDGER_GRANT_H

#include "ledger_db.h"
#include "value.h"

/* what a result line says of every row it makes */
typedef struct pend_line {
    const char *file;
    unsigned line;
    const char *enterprise, *as_of, *policy_set, *profile;
    const char *head; /* the ledger head it was computed against */
    int64_t head_seq;
} pend_line;

/* one grant row to write: a key of an eligible result */
typedef struct pend_row {
    const pend_line *line;
    const char *policy, *key, *pool;
    int64_t year, quantity, slot;
    calc_money amount, before;
    bool in_kind, has_before;
    calc_loc loc; /* the key in the file */
} pend_row;

struct calc_round {
    calc_ledger *l;
    calc_grant_opts o;
    const char *round, *by, *at, *sign_key;
    arena a;       /* the rows' strings, until commit */
    arena scratch; /* one line's document */
    pend_row *rows;
    size_t nrows, caprows;
    size_t lines, records, results;
    calc_money cash;
    int64_t quantity;
    size_t bad;       /* problems found in the lines: the round is refused */
    int worst;        /* their worst code (CALC_ESCHEMA for a line that is not a result line) */
    const pend_line *first_line, *head_line, *other_head;
    const pend_line *last_line; /* the record the last rows came from */
    const pend_line *other_as_of; /* the first record of another as_of than the first's */
    const pend_line *counted;   /* the last record counted in records */
};

/* The commit's map of grants by enterprise, policy, claim year and key (ledger_commit.c). */
typedef struct grant_slot {
    char *k;           /* "ENTERPRISE\x1fPOLICY\x1fYEAR\x1fKEY" */
    int64_t slots;     /* grants of the key so far, revoked or not */
    int64_t live_seq;  /* the one standing, or 0 */
    char *live_round;
    const pend_row *pending; /* the row of this round that grants it, or NULL */
} grant_slot;

#endif
