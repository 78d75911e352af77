/* internal.h — every type the library's modules share, by concern: mem.h (arena, buffers,
 * UTF-8), value.h (the document tree and its readers), schema.h (the schema and profiles),
 * cond.h (compiled conditions), result.h (results). A module may include just the one it
 * needs; this header includes them all. Never includes <lua.h> or <yaml.h>: those stay in
 * the sandbox/DSL/policy modules and load.c. */
#ifndef CALC_INTERNAL_H
#define CALC_INTERNAL_H

#include "result.h"

#endif
