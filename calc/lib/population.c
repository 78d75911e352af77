/* population.c — a population's records into profiles, for batch, whatif, --solve and near:
 * an input opened by its name and format, and each record validated — the short way for a
 * JSON Lines record, through its value tree with the --set overrides otherwise. It validates;
 * it never evaluates, and it reports nothing itself (but the note that a CSV is read in an
 * encoding other than UTF-8, on o->err): every problem goes into the caller's diagnostics. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

int record_profile(calc_profile *p, const calc_schema *s, const char *file, const rec_in *r,
                   const char *const *sets, int nsets, unsigned how, calc_diags *d)
{
    int rc = r->err_code;
    value *doc = r->doc;
    if ((how & RP_QUICK) && !rc && !doc && r->text && !r->err_text && !nsets) {
        if (calc_json_profile(&p->a, s, file, r->line, r->text, r->len, p) == 0)
            return history_apply(s, p, d); /* --ledger: the records' history */
        arena a = p->a; /* not valid: the long way, which says what is wrong */
        arena_reset(&a);
        memset(p, 0, sizeof *p);
        p->a = a;
    }
    if (!rc && !doc && !r->text) { /* a document with nothing in it: not a profile */
        doc = arena_alloc(&p->a, sizeof *doc);
        doc->type = V_NULL;
        doc->loc = (calc_loc){file, r->line, 1};
    }
    if (!rc && !doc)
        rc = calc_json_parse(&p->a, file, r->line, r->text, r->len, &doc, d);
    for (int k = 0; !rc && k < nsets; k++) /* --set: before validation */
        rc = calc_apply_set(&p->a, doc, sets[k], d);
    if (!rc) {
        size_t before = d->n;
        rc = profile_from_value(p, s, doc, d);
        if (rc && r->text && (how & RP_CHAR_COLUMNS)) /* JSON positions are bytes until now */
            calc_json_columns(d, before, file, r->line, r->text, r->len);
        if (rc && r->cols) /* a CSV's: a cell is named as a spreadsheet names it */
            csvin_name_cells(d, before, r);
    }
    if (!rc)
        rc = history_apply(s, p, d); /* --ledger: the records' history */
    return rc;
}

int applied_slot(const calc_schema *s)
{
    const snode *n = schema_child(s->root, "applied", 7);
    return n ? n->index : -1;
}

const pval *profile_applied(const calc_profile *p, int slot)
{
    static const pval unset;
    return slot >= 0 ? &p->root.u.o->slot[slot] : &unset;
}

int name_slot(const calc_schema *s)
{
    const snode *n = schema_child(s->root, "name", 4);
    return n && n->type == T_STRING ? n->index : -1;
}

const char *profile_name(const calc_profile *p, int slot)
{
    const pval *v = slot >= 0 ? &p->root.u.o->slot[slot] : NULL;
    return v && v->set ? v->u.s : NULL;
}

calc_input *population_open(const calc_batch_opts *o, int f, const calc_schema *s,
                            calc_diags *d)
{
    calc_error err = {0};
    int fmt = o->input_format >= 0 ? o->input_format
              : strcmp(o->inputs[f], "-") == 0 ? IN_JSONL : input_format_of(o->inputs[f]);
    calc_input *in = fmt < 0 ? NULL : input_open(o->inputs[f], fmt, o->encoding, s, &err);
    sbuf note = {0}; /* a CSV not in UTF-8 says so, like batch */
    int ml = calc_settings_get()->lang == CALC_LANG_EN; /* the language of messages */
    if (in && o->err && input_encoding_note(in, ml, &note, NULL))
        fprintf(o->err, "calc: %s%s\n", ml ? "note: " : "注意：", note.p);
    sb_free(&note);
    if (!in) {
        if (fmt < 0)
            calc_error_set(&err, CALC_EUSAGE, NULL, 0, 0,
                           "%s: cannot tell the input format (name it .jsonl, .yaml or .csv)",
                           o->inputs[f]);
        calc_error *x = calc_diags_add(d);
        if (x)
            *x = err;
    }
    return in;
}

int population_next(calc_input *in, calc_engine *e, const calc_batch_opts *o, calc_profile **out,
                    size_t *rejected)
{
    for (;;) {
        calc_profile *pr = calloc(1, sizeof *pr);
        rec_in r;
        calc_diags rd = {0};
        int got = input_next(in, &pr->a, &r, &rd);
        /* the record is read into the profile's arena: no short way, which would empty it */
        int vr = got == 1 ? record_profile(pr, &e->ps.schema, input_path(in), &r, o->sets,
                                           o->nsets, 0, &rd)
                          : 1;
        calc_diags_free(&rd);
        if (got == 1 && !vr) {
            *out = pr;
            return 1;
        }
        calc_profile_free(pr);
        if (got != 1)
            return 0;
        (*rejected)++;
    }
}
