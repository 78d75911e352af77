/* common.h — what the fuzz targets share: one engine over the default policy set, made on
 * first use ($CALC_POLICIES or ./policies), and a sink for output. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include "batch.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline calc_engine *fuzz_engine(void)
{
    static calc_engine *e;
    if (!e) {
        calc_error err = {0};
        const char *dir = getenv("CALC_POLICIES");
        e = calc_engine_new(dir && *dir ? dir : "policies", &err);
        if (!e) {
            calc_error_print(stderr, &err);
            abort();
        }
    }
    return e;
}

static inline FILE *fuzz_sink(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    return f;
}

#endif
