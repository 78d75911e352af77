/* evalx.h — the computed conditions of book 2 (evalx.c), for eval.c. Private to the library. */
#ifndef CALC_EVALX_H
#define CALC_EVALX_H

#include "evalp.h"

/* Evaluates computed condition c (or a between() over coalesce) on base: TV_*. */
int evalx(E *e, const cond *c, const pobj *base, const char *prefix, xres *x);

#endif
