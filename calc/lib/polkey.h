/* polkey.h — the keys a grant is recorded under in the grants ledger (issue #17): made when a
 * result is evaluated with a ledger, written into its result line (polkey.c). Private to the
 * library. */
#ifndef CALC_POLKEY_H
#define CALC_POLKEY_H

#include "engine.h"

/* The key of an item of a PK_ITEMS policy ("BRAND@2025-03-01"), or NULL when a field of it is
 * absent (a store without a brand). */
const char *polkey_item_key(arena *a, const policy *p, const pval *item);
/* An item the amount of a PK_ITEMS policy counted, with its amount: one key (polkey.c). */
void polkey_item(arena *a, const policy *p, const pval *item, calc_money amount, pres *r);
/* The keys of an eligible result of any other kind, from the profile's root. */
void polkey_eval(arena *a, const policy *p, const pval *root, calc_date as_of, pres *r);
/* `, "claim_year": Y, "keys": [{key, amount, quantity}, …]` of an eligible result: each key's
 * share of the amount (and quantity) granted, adding up to it. Nothing for another status. */
void polkey_json(sbuf *b, const policy *p, const pres *r, calc_date as_of);
/* With a ledger: `, "ledger": {"head", "seq"}` of a result line, and the table's line saying
 * where the history came from (nothing without one). */
void polkey_ledger_json(sbuf *b, const polset *ps);
void polkey_ledger_text(sbuf *b, const polset *ps, int lang);
/* The key in words (`calc policies show`), lang 0 zh, 1 en. */
void polkey_describe(sbuf *b, const policy *p, int lang);

/* Any claim year, for history_has and history_sum. */
#define HISTORY_ANY_YEAR (-1)
/* Whether the history holds a live grant of (enterprise, policy, claim year, key); its row in
 * *seq (history.c). The enterprise is compared as a person sees it (spaces at its ends and
 * zero-width characters are not part of it), as keys are. */
bool history_has(const calc_history *h, const char *enterprise, const char *pol, int year,
                 const char *key, int64_t *seq);
/* With a ledger: an eligible result whose every key was granted for the claim year is marked
 * (granted_seq), before groups, which it keeps (the choice of an exclusive group was made when it
 * was granted: the others stay superseded by it); history_refuse then makes it ineligible,
 * naming the grant's row, before caps (history.c). */
void history_granted(const polset *ps, const calc_profile *prof, calc_result *res);
void history_refuse(calc_result *res);
/* The claim year in which an item's key granted before counts (book 1's ledger rule): any year
 * for a book-1 policy keyed by its items — a store's one-off subsidy is not paid for it again
 * in a later claim year — else claim_year (book 2's policies say theirs in their conditions). */
int history_items_year(const policy *p, int claim_year);
/* What the history shows granted to enterprise for claim year `year` (HISTORY_ANY_YEAR: all) by
 * the policies ids — each grant's whole claim (its amount before the pool, whatever was paid) —
 * exact, at most the largest amount (history.c). */
calc_money history_sum(const calc_history *h, const char *enterprise, const char *const *ids,
                       size_t nids, int year);
/* With a ledger: a policy's own limit (its `limit` parameter) holds across rounds — an eligible
 * amount is at most the limit less what the ledger shows the policy granted the enterprise for
 * the claim year, or in all years for a book-1 policy keyed by its items (a store's one-off
 * subsidy, whose stores are granted once in any year); nothing left makes it ineligible, naming
 * the grants. Before groups, as the policy's own limit is; explain adds the step in words
 * (history.c). */
void history_limits(const polset *ps, const calc_profile *prof, calc_result *res, bool explain);
/* The history a recorded case used, from its profile's awards[] (the snapshot calc record
 * keeps: the grants as they were), read at head and seq; NULL out of memory (history.c). */
calc_history *history_of_profile(const polset *ps, const calc_profile *p, const char *head,
                                 int64_t seq);
/* The history as a batch's manifest keeps it — {"head", "seq", "history": [[enterprise, policy,
 * year, key, amount, quantity, pool, seq], …]} — and back (NULL when it is not that). */
void history_json(sbuf *j, const calc_history *h);
calc_history *history_from_json(const value *ledger);

#endif
