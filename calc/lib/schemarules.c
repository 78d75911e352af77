/* schemarules.c — the schema's rules beyond a field's type (policy book 2 §1.6): its default
 * as a value of its type, `absent: none` (absence means none), `source: records` (the
 * district's records, never asked of the applicant) and `key: true` (the field that names a
 * list's items: required, and no two items alike), and the look-ups the engine and the readers
 * use for them. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* A field's `default:` into n->dflt (and n->dflt_s): a list's is [], a scalar's is a value of
 * the field's type (an enum's default is its code: zone [other]). */
static int load_default(snode *n, const value *v, calc_diags *d)
{
    if (!v)
        return 0;
    if (n->type == T_LIST) {
        if (v->type == V_SEQ && v->n == 0)
            return 0;
        diag_at(d, CALC_ESCHEMA, &v->loc, n->path, "write default: []",
                "a list's default is the empty list");
        return CALC_ESCHEMA;
    }
    pval pv;
    memset(&pv, 0, sizeof pv);
    if (n->type == T_OBJECT || v->type != V_SCALAR ||
        schema_scalar(n, v->str, v->len, v->quoted, &pv)) {
        diag_at(d, CALC_ESCHEMA, &v->loc, n->path, NULL,
                "the default is not a value of the field's type (%s)", schema_type_name(n->type));
        return CALC_ESCHEMA;
    }
    n->dflt = pv.u.i;
    n->dflt_s = n->type == T_STRING ? pv.u.s : n->type == T_ENUM ? pv.s : NULL;
    return 0;
}

/* Whether the scalar v of a field's entry is `true` (`required`, `key`). */
static bool is_true(const value *v)
{
    return v && v->type == V_SCALAR && !v->quoted && strcmp(v->str, "true") == 0;
}

/* `absent: none`, `source: records` and `key: true` of a field's entry def into n. */
static int load_absence_source_key(snode *n, const value *def, calc_diags *d)
{
    const value *ab = map_get(def, "absent"), *src = map_get(def, "source"),
                *key = map_get(def, "key");
    if (ab) {
        if (ab->type != V_SCALAR || strcmp(ab->str, "none") != 0) {
            diag_at(d, CALC_ESCHEMA, &ab->loc, n->path,
                    "absent: none (its absence means none, never unknown)",
                    "unknown absence rule '%s'", ab->type == V_SCALAR ? ab->str : "");
            return CALC_ESCHEMA;
        }
        if (n->has_default || n->required || n->type == T_OBJECT) {
            diag_at(d, CALC_ESCHEMA, &ab->loc, n->path,
                    "drop absent: none, or the default, or required",
                    "absent: none is for a field without a default that may be left out");
            return CALC_ESCHEMA;
        }
        n->absent_none = true;
    }
    if (src) {
        if (src->type != V_SCALAR || strcmp(src->str, "records") != 0) {
            diag_at(d, CALC_ESCHEMA, &src->loc, n->path,
                    "source: records (the district's records, never the applicant)",
                    "unknown source '%s'", src->type == V_SCALAR ? src->str : "");
            return CALC_ESCHEMA;
        }
        n->from_records = true;
    }
    if (key) {
        if (!is_true(key)) {
            diag_at(d, CALC_ESCHEMA, &key->loc, n->path, "write key: true, or leave it out",
                    "unknown key rule '%s'", key->type == V_SCALAR ? key->str : "");
            return CALC_ESCHEMA;
        }
        const snode *item = n->parent;
        if (!item || !item->parent || item->parent->type != T_LIST ||
            item->parent->item != item || n->type == T_OBJECT || n->type == T_LIST) {
            diag_at(d, CALC_ESCHEMA, &key->loc, n->path,
                    "key: true marks the field that names each item of a list, e.g. grants[].name",
                    "a key is a scalar field of a list's items");
            return CALC_ESCHEMA;
        }
        if (schema_list_key(item->parent)) {
            diag_at(d, CALC_ESCHEMA, &key->loc, n->path, NULL,
                    "the items of %s have a key already (%s)", item->parent->path,
                    schema_list_key(item->parent)->path);
            return CALC_ESCHEMA;
        }
        n->is_key = true;
        n->required = true; /* an item is named by its key: it cannot be left out */
    }
    return 0;
}

int schema_load_rules(snode *n, const value *def, calc_diags *d)
{
    if (load_default(n, map_get(def, "default"), d) || load_absence_source_key(n, def, d))
        return CALC_ESCHEMA;
    return 0;
}

const snode *schema_list_key(const snode *list)
{
    if (!list || list->type != T_LIST || !list->item || list->item->type != T_OBJECT)
        return NULL;
    for (size_t i = 0; i < list->item->nchild; i++)
        if (list->item->child[i]->is_key)
            return list->item->child[i];
    return NULL;
}

bool schema_from_records(const snode *n)
{
    for (; n; n = n->parent)
        if (n->from_records)
            return true;
    return false;
}

bool schema_absent_none(const snode *n) { return n && (n->absent_none || n->has_default); }

/* A list item's key value and its index (and, for a repeating item, the index of the first
 * item with its key), for finding two items with the same key. */
typedef struct keyed {
    const pval *k;
    size_t i, first;
} keyed;

static int cmp_key(const pval *a, const pval *b)
{
    if (a->type == T_STRING)
        return strcmp(a->u.s, b->u.s);
    return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
}

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int r = cmp_key(a->k, b->k);
    return r ? r : a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_index(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    return a->i < b->i ? -1 : a->i > b->i;
}

bool schema_keys_unique(const snode *list, const plist *l)
{
    const snode *key = schema_list_key(list);
    if (!key || l->n < 2)
        return true;
    keyed *k = malloc(l->n * sizeof *k);
    if (!k)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        const pval *it = &l->item[i];
        if (it->set && it->type == T_OBJECT && it->u.o->slot[key->index].set)
            k[n++] = (keyed){&it->u.o->slot[key->index], i, i};
    }
    qsort(k, n, sizeof *k, cmp_keyed);
    bool ok = true;
    for (size_t j = 1; ok && j < n; j++)
        ok = cmp_key(k[j].k, k[j - 1].k) != 0;
    free(k);
    return ok;
}


size_t schema_key_repeats(const snode *list, const plist *l, size_t *at, size_t *first)
{
    const snode *key = schema_list_key(list);
    if (!key || l->n < 2)
        return 0;
    keyed *k = malloc(l->n * sizeof *k);
    if (!k)
        abort();
    size_t n = 0, nd = 0;
    for (size_t i = 0; i < l->n; i++) {
        const pval *it = &l->item[i];
        if (it->set && it->type == T_OBJECT && it->u.o->slot[key->index].set)
            k[n++] = (keyed){&it->u.o->slot[key->index], i, i};
    }
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t j = 1, f = 0; j < n; j++) {
        if (cmp_key(k[j].k, k[f].k) != 0) {
            f = j;
            continue;
        }
        k[nd++] = (keyed){k[j].k, k[j].i, k[f].i}; /* nd <= j: no entry not yet read */
    }
    qsort(k, nd, sizeof *k, cmp_index);
    for (size_t j = 0; j < nd; j++) {
        at[j] = k[j].i;
        first[j] = k[j].first;
    }
    free(k);
    return nd;
}
