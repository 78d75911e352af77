/* fuzz_record.c — one batch record: JSON line, validation, evaluation, the result line, and
 * the rewrite a pool makes of it. */
#include "common.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    calc_engine *e = fuzz_engine();
    calc_diags d = {0};
    calc_profile p;
    memset(&p, 0, sizeof p);
    value *doc = NULL;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    if (!calc_json_parse(&p.a, "fuzz.jsonl", 1, text, size, &doc, &d) &&
        !profile_from_value(&p, &e->ps.schema, doc, &d)) {
        calc_result *r = calc_eval(e, &p, 20268);
        sbuf line = {0};
        result_json(&line, e, r, false, false);
        /* every pooled policy's claim, as if its pool had granted nothing */
        for (size_t k = 0; k < r->n; k++) {
            const policy *pol = &e->ps.pol[k];
            if (pol->pool < 0 || r->r[k].status != ST_ELIGIBLE)
                continue;
            claim c = {0};
            c.id = (char *)p.id;
            c.pool = pol->pool;
            c.policy = (int)k;
            c.amount = r->r[k].amount;
            c.quantity = r->r[k].quantity;
            c.changed = c.exhausted = true;
            sbuf out = {0};
            calc_diags d2 = {0};
            pools_rewrite(e, line.p, line.n, &c, 1, &out, &d2);
            sb_free(&out);
            calc_diags_free(&d2);
        }
        sb_free(&line);
        calc_result_free(r);
    }
    calc_json_columns(&d, 0, "fuzz.jsonl", 1, text, size);
    calc_diags_free(&d);
    arena_free(&p.a);
    free(text);
    return 0;
}
