/* fuzz_profile.c — the YAML profile parser and validator, then evaluation and output. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    calc_engine *e = fuzz_engine();
    calc_diags d = {0};
    calc_profile *p = calc_profile_parse(e, "fuzz.yaml", (const char *)data, size, &d);
    if (p) {
        calc_result *r = calc_eval(e, p, 20268);
        calc_output_opts o = {CALC_FMT_JSON, 1, 0};
        calc_result_write(fuzz_sink(), e, r, &o);
        o.format = CALC_FMT_TABLE;
        calc_result_write(fuzz_sink(), e, r, &o);
        calc_result_free(r);
        calc_profile_free(p);
    }
    calc_diags_print(fuzz_sink(), &d);
    calc_diags_free(&d);
    return 0;
}
