/* fuzz_csv.c — the CSV and YAML-stream batch readers (the first byte's lowest bit picks which,
 * its next two a CSV's encoding: found, UTF-8, GBK or GB18030). */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    calc_engine *e = fuzz_engine();
    int fmt = data[0] & 1 ? IN_CSV : IN_YAML;
    FILE *f = fmemopen((void *)(data + 1), size - 1, "rb");
    if (!f)
        return 0;
    int enc = fmt == IN_CSV ? (data[0] >> 1) & 3 : CALC_ENC_AUTO;
    calc_input *in = input_open_stream(f, "fuzz", fmt, enc, &e->ps.schema);
    for (int n = 0; n < 1000; n++) {
        arena a = {0};
        rec_in r;
        calc_diags d = {0};
        int rc = input_next(in, &a, &r, &d);
        if (rc == 1 && r.doc && !r.err_code) {
            calc_profile p;
            memset(&p, 0, sizeof p);
            profile_from_value(&p, &e->ps.schema, r.doc, &d);
            arena_free(&p.a);
        }
        calc_diags_free(&d);
        arena_free(&a);
        if (rc <= 0)
            break;
    }
    input_close(in);
    fclose(f);
    return 0;
}
