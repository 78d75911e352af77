/* ledger_scan.h — the quick reading of a result line (ledger_scan.c): what a grant row needs,
 * pointing into the line, or -1 for "read it the careful way". */
#ifndef CALC_LEDGER_SCAN_H
#define CALC_LEDGER_SCAN_H

#include "mem.h"

#include <stdbool.h>
#include <stddef.h>

enum { SV_STR = 1, SV_NUM = 2, SV_NULL = 4 };

/* a kept value: its raw text (a string's bytes between the quotes) and where it starts */
typedef struct scan_val {
    bool set;
    int kind; /* SV_* */
    const char *s, *at;
    size_t n;
} scan_val;

typedef struct scan_key {
    scan_val key, amount, quantity;
    const char *at; /* its '{' */
} scan_key;

#define SCAN_MAX_KEYS 32
#define SCAN_MAX_ELIGIBLE 128

typedef struct scan_result {
    scan_val policy, status, kind, amount, quantity, pool, before, year;
    bool keys_set;
    size_t nkeys;
    scan_key keys[SCAN_MAX_KEYS];
    const char *at;
} scan_result;

typedef struct scan_line {
    arena *a; /* the eligible results' room */
    scan_val profile, as_of, policy_set, profile_fp, head, seq;
    bool results_seen, fp_seen, ledger_seen;
    char in; /* inside fingerprint ('f') or ledger ('l') */
    scan_result *eligible[SCAN_MAX_ELIGIBLE];
    size_t neligible;
    scan_result *spare; /* one read and not eligible, for the next */
} scan_line;

/* Scans a whole line (one JSON object): 0 with sl filled, -1 to read it the careful way. */
int scan_result_line(scan_line *sl, const char *text, size_t len);

#endif
