/* engine.h — the engine's private state: the loaded set, its fingerprints and what one
 * evaluation reuses. Shared by the library's modules; it does not expose Lua — the sandbox and
 * the evaluation context are opaque here (sandbox.h and dsl.h, for the modules that run Lua). */
#ifndef CALC_ENGINE_H
#define CALC_ENGINE_H

#include "policy.h"

struct sbx;
struct evalctx;

struct calc_engine {
    char *dir;
    polset ps;
    calc_diags diags;
    struct sbx *sbx;     /* its Lua state (sandbox.h) */
    struct evalctx *ctx; /* the evaluation under way (dsl.h) */
    char set_fp[65]; /* SHA-256 of the set (fingerprint.c) */
    size_t nfp;
    struct filefp {
        const char *path; /* "./lib/stores.lua" */
        char hex[65];
    } *fp;
    const char *scenario_name; /* a what-if scenario applied to this engine, or NULL */
    bool scenario_changed;
    bool replay_strict;      /* replay: a change of the rules fails the case */
    bool replay_as_recorded; /* replay: use the rules embedded in the case */
    const char *replay_key;  /* replay --verify: the public key cases must be signed with */
    /* reused from one evaluation to the next (an engine serves one thread) */
    arena spare;                /* a recycled result's blocks */
    sbuf canon;                 /* the profile's canonical form */
    struct evp_md_st *sha256;   /* fetched once */
    struct evp_md_ctx_st *mdctx;
};

const char *calc_status_name(int st);
/* The status in words: Chinese (lang 0) as the table shows it, or English. */
const char *calc_status_label(int st, int lang);
int engine_fingerprint(calc_engine *e, const char *dir);
void param_value(char *out, size_t cap, int unit, int64_t v);
int64_t req_value(const policy *p, calc_date as_of, const reqval *r);
/* Calls fn for every case of a case file, with its profile validated and its as_of. */
typedef int (*case_fn)(void *ud, calc_engine *e, const value *c, calc_profile *p, calc_date as_of);
int calc_cases_each(calc_engine *e, const char *path, case_fn fn, void *ud, calc_diags *d);
void audit_attribute(sbuf *b, const calc_engine *e, const value *c, int pi, calc_date as_of);
void calc_sha256_hex(const void *data, size_t len, char out[65]);
void calc_profile_canonical(sbuf *b, const calc_profile *p);
/* SHA-256 with the engine's digest context, and the profile's fingerprint with it and the
 * engine's buffer (no allocation once warm). */
void engine_sha256(calc_engine *e, const void *data, size_t len, unsigned char md[32]);
void engine_profile_fingerprint(calc_engine *e, const calc_profile *p, char out[65]);
void engine_digest_free(calc_engine *e);
/* Whether any cash or in-kind policy of the set is in force on as_of (match policies do not
 * count); *latest gets the latest end of their windows (0 when the set has none). */
bool set_in_force(const polset *ps, calc_date as_of, calc_date *latest);
/* The words of the warning when nothing is in force (lang 0: zh, 1: en) into buf. */
void nothing_in_force_text(char *buf, size_t cap, calc_date as_of, calc_date latest, int lang);
/* The result's cash and in-kind totals from its eligible results, again (after the pools),
 * overflow-checked: a sum that does not fit is the largest amount, flagged as an error. */
void result_totals(calc_result *res);
/* Makes policy p's read-only parameter table again after its parameters changed (what-if,
 * --solve); -1 when the state's memory is full (the policy then fails with an error). */
int engine_rebuild_params(calc_engine *e, policy *p);
/* Frees a result, keeping its memory for the engine's next evaluation. */
void calc_result_recycle(calc_engine *e, calc_result *r);
size_t calc_text_width(const char *s);
/* How to qualify in words (qualifytext.c), lang 0 zh, 1 en: a field's label ("研发投入", an item's
 * "门店2的面积"); one change ("下一申报年度研发投入达到 ¥1,000,000.00（现为 …，差 …）"); the
 * whole suggestion with what it brings ("如何符合：…→ 预计 ¥…"), or the facts it cannot
 * change ("无法通过企业可改变的事项符合：所属行业不符合本政策要求") — nothing when there is
 * nothing to say. No field path, code or DSL name. */
void qualify_field_words(sbuf *b, const calc_schema *s, const char *path, int lang);
void qualify_change_words(sbuf *b, const calc_schema *s, const qchange *c, int lang);
void qualify_words(sbuf *b, const calc_engine *e, const policy *p, const qualify *q, int lang);
/* `, "to_qualify": {…}` of a result (the JSON contract; README "How to qualify"). */
void qualify_json(sbuf *b, const calc_engine *e, const policy *p, const qualify *q);
void result_json(sbuf *b, const calc_engine *e, const calc_result *res, bool conds, bool explain);
/* The same; with a sink, what is complete is written to it policy by policy, so that a profile
 * of thousands of items is not held as text in memory whole. */
void result_json_to(sbuf *b, FILE *sink, const calc_engine *e, const calc_result *res,
                    bool conds, bool explain);

/* calc_qualify for the policies marked in which (NULL: all); the others get no suggestion. */
void qualify_some(calc_engine *e, const calc_profile *p, calc_result *r, const bool *which);

/* Exclusive groups, then caps, for one profile's results (setrules.c). */
void set_resolve_groups(calc_engine *e, calc_result *res);
void set_apply_caps(calc_engine *e, calc_result *res, const calc_profile *prof);

#endif
