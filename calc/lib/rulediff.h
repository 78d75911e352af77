/* rulediff.h — what changed in the rules since a case was recorded, named (rulediff.c): the
 * parameters, conditions and windows of each policy, the set's groups, caps and pools, and
 * whether a changed file changed in meaning or only in its formatting and comments. */
#ifndef CALC_RULEDIFF_H
#define CALC_RULEDIFF_H

#include "engine.h"

/* What rulediff_note found: the rules as recorded, changed in formatting or comments only, or
 * changed in meaning (or in a way that cannot be told from meaning: a case recorded without
 * meaning digests). */
enum { RULES_SAME = 0, RULES_FORMAT = 1, RULES_MEANING = 2 };

/* calc record: fingerprint.meaning, the meaning digest of every file of the set (indent 4). */
void rulediff_record_meaning(sbuf *b, const calc_engine *e);
/* calc record: recorded.set, the set's groups (members), caps (limit, members) and pools
 * (unit, size, mode, members) (indent 4). */
void rulediff_record_set(sbuf *b, const calc_engine *e);
/* The meaning digest of a Lua source (chunkdigest.c); false when it does not compile, or when
 * the dump is not Lua 5.4's (then nothing can be told). */
bool chunk_meaning(const char *text, size_t len, char out[65]);
/* One policy's recorded entry as calc record writes it, at indent 0 (audit.c). */
void audit_policy_entry(sbuf *b, const policy *p, calc_date as_of);

/* replay: when the rules of e differ from those the case c recorded, writes the note that
 * lists every change (old → new) into note, and into strict the line --strict adds (a failure
 * naming the changes of meaning, or that only formatting changed). Returns RULES_*. */
int rulediff_note(sbuf *note, sbuf *strict, const calc_engine *e, const value *c,
                  calc_date as_of);

#endif
