/* integrity.h — what makes a recorded case tamper-evident (integrity.c): the canonical form of
 * its parsed tree and the digests over it, the check of every recorded fingerprint that can be
 * recomputed from the case itself, the first difference between two traces, and the check of a
 * case's signature. */
#ifndef CALC_INTEGRITY_H
#define CALC_INTEGRITY_H

#include "engine.h"

/* The canonical form of a parsed YAML tree: compact JSON, every scalar a JSON string of its
 * text, null as null, mappings with their keys in byte order (so neither formatting, quoting,
 * comments nor key order count), sequences in order. */
void case_canonical(sbuf *b, const value *v);
/* The case's digest: SHA-256 of the canonical form of the case without its digest and
 * signature keys. */
void case_digest(const value *c, char hex[65]);
/* The fingerprint of one part of a recorded case ("profile_text": the profile as stated, its
 * tree; "outcome": output; "trace"; "rules": the
 * recorded parameters and conditions; "metadata": name, description, as_of and recorded.at,
 * .by, .calc_version). */
void case_part_hash(const value *c, const char *part, char hex[65]);

/* Checks a recorded case (one with fingerprint:) before it is evaluated: its digest, each
 * recorded part fingerprint, the profile's fingerprint (profile_fp: the stored profile's now,
 * or NULL when it did not load), the embedded policy sources against their file digests.
 * Writes one line per problem to b (in the settings' language) and returns how many; a
 * profile fingerprint that differs only because the schema changed (schema_changed) is a note
 * in notes, not a problem. */
int case_integrity(sbuf *b, sbuf *notes, const value *c, const char *profile_fp,
                   bool schema_changed);
/* The first difference between a recorded trace and the one made now (both parsed trees of the
 * eval writer's JSON): "policy: key.path: recorded → now" in b; false when they agree. */
bool trace_first_diff(sbuf *b, const value *old, const value *now);
/* Checks the signature of case c against the public key: 0 with "signed by …, recorded at …"
 * in b, or CALC_ECHECK / CALC_EUSAGE with the reason in b. */
int case_signature_check(sbuf *b, const value *c, const char *pub_path);

#endif
