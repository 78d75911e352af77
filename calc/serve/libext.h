/* libext.h — what the API needs from the library that calc.h does not offer yet. libext.c is
 * the server's only file that includes a private header of the library (engine.h): every other
 * file uses calc.h alone. Each function stands for the public function named beside it,
 * proposed for calc.h with the same arguments; once the library has it, the API calls that and
 * the function here goes. Like the library, nothing here knows HTTP, libmicrohttpd, the
 * connection table or the server's globals. */
#ifndef SERVE_LIBEXT_H
#define SERVE_LIBEXT_H

#include "calc.h"

/* calc_schema_write_json: the profile schema as one JSON object and a newline: "fields"
 * (path, type, enum, label, zh, en, form group, required, min, max, default, in schema order,
 * objects flattened), "enums" ({name: [{value, label}]}) and "policy_set" ("sha256:…"). 0 or
 * CALC_EIO. */
int libext_schema_json(FILE *out, const calc_engine *e);
/* calc_policies_write_json: {"policies": [{id, title {zh, en}, kind, in_force [from, to],
 * in_force_on_date, group, cap, pool, fingerprint} or {id, title, kind, error}], "policy_set"}
 * and a newline, as of as_of. 0 or CALC_EIO. */
int libext_policies_json(FILE *out, const calc_engine *e, calc_date as_of);
/* calc_policy_write_json: one policy as in the list, with its source, amount rule, conditions
 * (name, field, required value as of as_of, zh) and parameters (name, value, mark), and a
 * newline. CALC_EUSAGE with err filled (err may be NULL) and nothing written when the set has
 * no policy id; 0 or CALC_EIO otherwise. */
int libext_policy_json(FILE *out, const calc_engine *e, const char *id, calc_date as_of,
                       calc_error *err);
/* calc_profile_parse_json: calc_profile_parse for a JSON object (text, len bytes; name names
 * it in messages): NULL when any error was found, every error in diags with its line and
 * character column. */
calc_profile *libext_profile_parse_json(calc_engine *e, const char *name, const char *text,
                                        size_t len, calc_diags *diags);
/* calc_whatif_json: a what-if in one JSON object — {"profile": {…}, "set": {PATH: value},
 * "scenario": {"name", "params": {POLICY.PARAM: value}, "off": [id…]}} — the profile (with the
 * set's overrides) evaluated under base's rules and under the scenario's (a fresh engine loaded
 * from base's directory), written as calc_compare_write's JSON. 0 when written; otherwise
 * nothing is written, the problems are in diags (none when the scenario's engine could not be
 * loaded) and the result is CALC_ESCHEMA. */
int libext_whatif_json(FILE *out, calc_engine *base, const char *text, size_t len,
                       calc_date as_of, calc_diags *diags);

#endif
