/* schemachange.c — a schema field's `change:` (policies/schema.yaml): what a "how to qualify"
 * suggestion may do to the field, read and checked against the field's type. qualify.c keeps
 * to it. */
#include "internal.h"

#include <string.h>

/* The values, and the field types each fits (bits 1 << T_*): raising needs a number,
 * relocating an enum, obtaining a flag, an enum item or a list of qualifications. */
static const struct {
    const char *name;
    unsigned types;
} changes[] = {
    [CH_FACT] = {"fact", ~0u},
    [CH_HISTORY] = {"history", ~0u},
    [CH_RAISE] = {"raise", 1u << T_INT | 1u << T_MONEY},
    [CH_NEXT_YEAR] = {"next_year", 1u << T_INT | 1u << T_MONEY},
    [CH_RELOCATE] = {"relocate", 1u << T_ENUM},
    [CH_OBTAIN] = {"obtain", 1u << T_BOOL | 1u << T_ENUM | 1u << T_LIST},
    [CH_CHOOSE] = {"choose", 1u << T_ENUM | 1u << T_BOOL},
};
static const char *const type_words[T_NTYPES] = {"object", "list", "string", "int", "money",
                                                 "date",   "bool", "enum",   "month"};

const char *schema_change_name(int change) { return changes[change].name; }

int schema_load_change(snode *n, const value *def, calc_diags *d)
{
    const value *v = map_get(def, "change");
    n->change = CH_FACT; /* absent: a fact, never suggested */
    if (!v)
        return 0;
    int ch = -1;
    for (int i = 0; v->type == V_SCALAR && i < (int)(sizeof changes / sizeof *changes); i++)
        if (strcmp(v->str, changes[i].name) == 0)
            ch = i;
    if (ch < 0) {
        diag_at(d, CALC_ESCHEMA, &v->loc, n->path,
                "change: fact, history, raise, next_year, relocate, obtain or choose",
                "unknown change '%s'", v->type == V_SCALAR ? v->str : "");
        return CALC_ESCHEMA;
    }
    if (!(changes[ch].types >> n->type & 1)) {
        diag_at(d, CALC_ESCHEMA, &v->loc, n->path,
                "raise and next_year are for int and money fields, relocate for enums, obtain "
                "for bool, enum and list fields, choose for enum and bool fields",
                "change '%s' does not fit a field of type %s", changes[ch].name,
                type_words[n->type]);
        return CALC_ESCHEMA;
    }
    n->change = ch;
    n->change_given = true;
    return 0;
}
