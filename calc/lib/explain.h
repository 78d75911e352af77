/* explain.h — what a result says to people beyond its conditions' sentences (explain.c): the
 * JSON keys for people (labels, missing fields' labels, illustrative amounts, the policy that
 * superseded it, a pool claim, the computation in words) and the same words for the table. */
#ifndef CALC_EXPLAIN_H
#define CALC_EXPLAIN_H

#include "engine.h"

/* {"zh": zh, "en": en} */
void json_zh_en(sbuf *b, const char *zh, const char *en);
/* The names of the groups or caps d[0..nd) whose bit is set in m, as a JSON array. */
void json_decl_names(sbuf *b, const decl *d, size_t nd, uint64_t m);
/* A record's sentence in both languages: , "label": {"zh": …, "en": …} (t: scratch). */
void json_rec_label(sbuf *b, sbuf *t, const crec *c);
/* , "missing_labels": […], and where they apply "illustrative": true, "superseded_by_title",
 * "pool_claim". */
void json_people(sbuf *b, const polset *ps, const policy *p, const pres *r);
/* , "computation": {"zh": [lines], "en": [lines]}: the steps in words, then the enterprise
 * cap's share; with a sink, written on as it grows (a line per item of a list of thousands). */
void json_computation(sbuf *b, FILE *sink, const calc_engine *e, const policy *p,
                      const pres *r);
/* The same lines one at a time, for the report: how many, and line k in lang (0 zh, 1 en;
 * t: scratch the cap's line is made in). */
size_t computation_count(const policy *p, const pres *r);
const char *computation_line(sbuf *t, const calc_engine *e, const policy *p, const pres *r,
                             size_t k, int lang);
/* Whether the result's amount was computed (eligible or superseded): its parameters' marks
 * apply to it. */
bool amount_computed(const pres *r);
/* The pool a policy draws on, for the table: "资金池：上城区都市经济政策预算（¥126,000,000.00，
 * 按比例分配）" (资源池 for units and m²), and with claim "；单户测算为申请额，实际金额以批量分配为准". */
void pool_words(sbuf *b, const decl *x, bool claim, int lang);
/* The enterprise cap's share of a capped result in words. */
void cap_share_words(sbuf *b, const calc_engine *e, const policy *p, const pres *r, int lang);
void cap_step_line(sbuf *b, const calc_engine *e, const policy *p, const pres *r, size_t k,
                   int lang);
size_t cap_step_count(const pres *r);
/* A policy's windows in one line (book 2 §1.3): the payout window, the claim year of a book's
 * policy, the event and the application window. */
void window_words(sbuf *b, const calc_engine *e, const policy *p, calc_date as_of, int lang);
/* The heading before the top-level condition record number `top` of a book's policy: the
 * book's conditions (top 0), then the policy's own (top = nbook_cond); NULL elsewhere. */
const char *book_cond_heading(sbuf *t, const calc_engine *e, const policy *p, size_t top, int lang);

#endif
