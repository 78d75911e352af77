/* fuzz_scenario.c — the scenario parser: a reform applied to a fresh engine each time, then one
 * evaluation under it. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    calc_error err = {0};
    const char *dir = getenv("CALC_POLICIES");
    calc_engine *e = calc_engine_new(dir && *dir ? dir : "policies", &err);
    if (!e)
        abort();
    calc_diags d = {0};
    if (calc_scenario_parse(e, "fuzz-scenario.yaml", (const char *)data, size, &d) == 0) {
        calc_diags pd = {0};
        const char *t = "id: F\nname: F\ndistrict: 上城区\nfinance: {year: 2024, rd_expense: 1000000}\n";
        calc_profile *p = calc_profile_parse(e, "p.yaml", t, strlen(t), &pd);
        if (p) {
            calc_result *r = calc_eval(e, p, 20268);
            calc_result_free(r);
            calc_profile_free(p);
        }
        calc_diags_free(&pd);
    }
    calc_diags_print(fuzz_sink(), &d);
    calc_diags_free(&d);
    calc_engine_free(e);
    return 0;
}
