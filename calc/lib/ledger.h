/* ledger.h — the award ledger of policy book 2 §1.7: the profile's `awards` list (policy, year,
 * amount, key), taken from the district's payment records, and the questions the rules ask of
 * it — entries of a policy with a key, in a claim year, and the sum of amounts paid. */
#ifndef CALC_LEDGER_H
#define CALC_LEDGER_H

#include "schema.h"

/* Where the ledger's item fields are: the schema's awards[] (none: a set without a ledger). */
typedef struct ledger_schema {
    const snode *list; /* awards, or NULL */
    int ipolicy, iyear, iamount, ikey;
    int ientitled; /* the optional money field `entitled`, or -1 */
} ledger_schema;

/* Finds `awards` and its four item fields of their types in the schema: 0, or -1 when the schema
 * has no such list (or one of another shape). */
int ledger_schema_find(ledger_schema *ls, const snode *root);

#define LEDGER_ANY_YEAR INT64_MIN

/* The entries of `policy` whose key is `key` (NULL: any key) and whose year is `year`
 * (LEDGER_ANY_YEAR: any): how many, and the index of the first (SIZE_MAX when none). */
size_t ledger_count(const ledger_schema *ls, const pobj *root, const char *policy,
                    const char *key, int64_t year, size_t *first);
/* The same for entries whose key is one of keys[0..n) (the thresholds at or above one). */
size_t ledger_count_keys(const ledger_schema *ls, const pobj *root, const char *policy,
                         const char *const *keys, size_t n, size_t *first);
/* The sum of the amounts of entries whose policy is one of policies[0..n) and whose year is
 * `year` (LEDGER_ANY_YEAR: any), in *out: 0, or -1 when it does not fit in 64 bits. */
int ledger_sum(const ledger_schema *ls, const pobj *root, const char *const *policies, size_t n,
               int64_t year, calc_money *out);

/* The entries of one policy sorted by key (then index), for a ledger too long to scan once per
 * question (a list of 10^5 grants each asking about its own key). Valid for one evaluation:
 * `stamp` says which. */
typedef struct ledger_index {
    unsigned long stamp;
    size_t n, cap;
    struct ledger_key {
        const char *key;
        int64_t year;
        size_t idx;
    } *v;
} ledger_index;

/* Fills ix with the entries of `policy` (0, or -1 out of memory: then scan). */
int ledger_index_build(ledger_index *ix, const ledger_schema *ls, const pobj *root,
                       const char *policy);
/* ledger_count over the index: entries with key `key` (never NULL) and year `year`. */
size_t ledger_index_count(const ledger_index *ix, const char *key, int64_t year, size_t *first);
void ledger_index_free(ledger_index *ix);

#endif
