/* fuzz_case.c — the case-file parser and replay. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    calc_engine *e = fuzz_engine();
    calc_diags d = {0};
    calc_replay_stats st = {0};
    /* a profile path in the case resolves next to a file that does not exist */
    calc_replay_text(fuzz_sink(), e, "/nonexistent/fuzz-case.yaml", (const char *)data, size,
                     &st, &d);
    calc_diags_print(fuzz_sink(), &d);
    calc_diags_free(&d);
    return 0;
}
