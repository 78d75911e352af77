/* engine.h — the engine's private state (engine.c, output.c, cases.c). */
#ifndef CALC_ENGINE_H
#define CALC_ENGINE_H

#include "dsl.h"

struct calc_engine {
    char *dir;
    polset ps;
    calc_diags diags;
    sbx sbx;
    evalctx ctx;
    bool explain;
    bool failures_only; /* record only failed conditions (batch without --explain) */
};

const char *calc_status_name(int st);
size_t calc_text_width(const char *s);
void result_json(sbuf *b, const calc_engine *e, const calc_result *res, bool conds, bool explain);

#endif
