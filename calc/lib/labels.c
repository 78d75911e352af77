/* labels.c — fields and enum values found by the labels people know them by: an enum value
 * given as its code or its Chinese label (人工智能 is ai), a CSV column named by a field's
 * label, Chinese or English (研发投入, R&D expense; a list's items numbered from 1: 门店1.面积,
 * Stores 1.Floor area), suggestions over paths and labels, and the schema's promise behind
 * them: no label names two things. Exact matches only: a label is never guessed. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- enum values ---- */

int enum_lookup(const enum_def *e, const char *s)
{
    int k = enum_index(e, s);
    for (size_t i = 0; k < 0 && i < e->n; i++)
        if (strcmp(e->zh[i], s) == 0)
            k = (int)i;
    return k;
}

const char *enum_closest(const enum_def *e, const char *s)
{
    const char *names[512];
    size_t n = 0;
    for (size_t i = 0; i < e->n && n + 2 <= 512; i++) {
        names[n++] = e->values[i];
        if (strcmp(e->zh[i], e->values[i]) != 0)
            names[n++] = e->zh[i];
    }
    return closest_name(s, names, n);
}

/* ---- field labels: a scope is the fields outside any list item (the profile's), or those of
 * one list's item; a label names one field of its scope ---- */

static const char *const *labels_of(const snode *n, const char *out[2])
{
    out[0] = n->label;
    out[1] = n->label_en;
    return out;
}

/* The field of the scope under obj (its objects' fields, not list items') labelled s. */
static const snode *scope_find(const snode *obj, const char *s)
{
    for (size_t i = 0; i < obj->nchild; i++) {
        const snode *c = obj->child[i];
        if (c->type == T_OBJECT) {
            const snode *f = scope_find(c, s);
            if (f)
                return f;
            continue;
        }
        const char *l[2];
        labels_of(c, l);
        if ((l[0] && strcmp(l[0], s) == 0) || (l[1] && strcmp(l[1], s) == 0))
            return c;
    }
    return NULL;
}

/* Every field of the scope under obj, in schema order, into v (at most cap); the lists of the
 * scope into lists (at most lcap). */
static size_t scope_fields(const snode *obj, const snode **v, size_t n, size_t cap,
                           const snode **lists, size_t *nl, size_t lcap)
{
    for (size_t i = 0; i < obj->nchild; i++) {
        const snode *c = obj->child[i];
        if (c->type == T_OBJECT) {
            n = scope_fields(c, v, n, cap, lists, nl, lcap);
            continue;
        }
        if (n < cap)
            v[n++] = c;
        if (c->type == T_LIST && lists && *nl < lcap)
            lists[(*nl)++] = c;
    }
    return n;
}

static int check_scope(const snode *obj, const calc_schema *s, calc_diags *d)
{
    const snode *v[256];
    size_t n = scope_fields(obj, v, 0, 256, NULL, NULL, 0);
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const char *a[2], *b[2];
            labels_of(v[i], a);
            labels_of(v[j], b);
            for (int x = 0; x < 2; x++)
                for (int y = 0; y < 2; y++)
                    if (a[x] && b[y] && strcmp(a[x], b[y]) == 0) {
                        diag_at(d, CALC_ESCHEMA, &s->loc, v[j]->path,
                                "give each field of a profile (or of a list's item) its own "
                                "label: a CSV column may name a field by it",
                                "the label '%s' is %s's too", b[y], v[i]->path);
                        rc = CALC_ESCHEMA;
                    }
        }
    return rc;
}

/* Value a's label names value b too: as b's label, or as b's code. */
static bool label_clash(const enum_def *e, size_t a, size_t b, calc_diags *d, const calc_loc *l)
{
    bool same = strcmp(e->zh[a], e->zh[b]) == 0;
    if (!same && strcmp(e->zh[a], e->values[b]) != 0)
        return false;
    diag_at(d, CALC_ESCHEMA, l, e->name,
            "give each value its own label: a profile may give a value by its label",
            same ? "the label '%s' of '%s' is '%s''s label too"
                 : "the label '%s' of '%s' is the code of '%s'",
            e->zh[a], e->values[a], e->values[b]);
    return true;
}

int schema_check_labels(const calc_schema *s, calc_diags *d)
{
    int rc = 0;
    for (size_t k = 0; k < s->nenum; k++) {
        const enum_def *e = &s->enums[k];
        for (size_t i = 0; i < e->n; i++)
            for (size_t j = 0; j < e->n; j++)
                if (i != j && (j > i || strcmp(e->zh[i], e->zh[j]) != 0) &&
                    label_clash(e, i, j, d, &s->loc))
                    rc = CALC_ESCHEMA; /* a shared label once, a code taken both ways */
    }
    const snode *v[256], *lists[64];
    size_t nl = 0;
    scope_fields(s->root, v, 0, 256, lists, &nl, 64);
    if (check_scope(s->root, s, d))
        rc = CALC_ESCHEMA;
    for (size_t i = 0; i < nl; i++)
        if (lists[i]->item && lists[i]->item->type == T_OBJECT && check_scope(lists[i]->item, s, d))
            rc = CALC_ESCHEMA;
    return rc;
}

/* ---- CSV columns by label ---- */

static const char *skip_spaces(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* "LIST N.ITEM" (or "LIST N" for a list of scalars) with list's label lab: the item's path. */
static bool item_column(const snode *list, const char *lab, const char *h, char *out, size_t cap)
{
    size_t ll = lab ? strlen(lab) : 0;
    if (!ll || strncmp(h, lab, ll) != 0)
        return false;
    const char *p = skip_spaces(h + ll);
    size_t digits = strspn(p, "0123456789");
    if (!digits || digits > 9 || *p == '0')
        return false;
    long k = strtol(p, NULL, 10);
    p = skip_spaces(p + digits);
    const snode *item = list->item;
    if (!item)
        return false;
    if (!*p) /* an item of a list of scalars */
        return item->type != T_OBJECT &&
               (size_t)snprintf(out, cap, "%s[%ld]", list->path, k - 1) < cap;
    if (*p != '.' || item->type != T_OBJECT)
        return false;
    const snode *f = scope_find(item, skip_spaces(p + 1));
    if (!f)
        return false;
    /* "stores[].area_m2" below "stores[]": "stores[0].area_m2" */
    return (size_t)snprintf(out, cap, "%s[%ld]%s", list->path, k - 1,
                            f->path + strlen(item->path)) < cap;
}

bool schema_label_column(const calc_schema *s, const char *h, char *out, size_t cap)
{
    const snode *f = scope_find(s->root, h);
    if (f)
        return (size_t)snprintf(out, cap, "%s", f->path) < cap;
    const snode *v[256], *lists[64];
    size_t nl = 0;
    scope_fields(s->root, v, 0, 256, lists, &nl, 64);
    for (size_t i = 0; i < nl; i++) {
        const char *l[2];
        labels_of(lists[i], l);
        for (int x = 0; x < 2; x++)
            if (item_column(lists[i], l[x], h, out, cap))
                return true;
    }
    return false;
}

/* Adds name to the candidates (kept in pool). */
static void candidate(sbuf *pool, size_t *off, size_t *n, size_t cap, const char *fmt,
                      const char *a, const char *b)
{
    if (!a || *n >= cap)
        return;
    off[(*n)++] = pool->n;
    sb_printf(pool, fmt, a, b ? b : "");
    sb_putn(pool, "", 1); /* each name ends in its NUL */
}

const char *schema_column_closest(const calc_schema *s, const char *h, char *buf, size_t cap)
{
    const snode *v[256], *lists[64];
    size_t nl = 0, nf = scope_fields(s->root, v, 0, 256, lists, &nl, 64);
    sbuf pool = {0};
    size_t off[1024], n = 0;
    for (size_t i = 0; i < nf; i++) {
        candidate(&pool, off, &n, 1024, "%s%s", v[i]->path, NULL);
        candidate(&pool, off, &n, 1024, "%s%s", v[i]->label, NULL);
        candidate(&pool, off, &n, 1024, "%s%s", v[i]->label_en, NULL);
    }
    for (size_t i = 0; i < nl; i++) { /* the first item of each list, in each form */
        const snode *it = lists[i]->item, *f[256];
        if (!it || it->type != T_OBJECT)
            continue;
        size_t m = scope_fields(it, f, 0, 256, NULL, NULL, 0);
        for (size_t k = 0; k < m; k++) {
            candidate(&pool, off, &n, 1024, "%s[0]%s", lists[i]->path,
                      f[k]->path + strlen(it->path));
            if (lists[i]->label && f[k]->label)
                candidate(&pool, off, &n, 1024, "%s1.%s", lists[i]->label, f[k]->label);
            if (lists[i]->label_en && f[k]->label_en)
                candidate(&pool, off, &n, 1024, "%s 1.%s", lists[i]->label_en, f[k]->label_en);
        }
    }
    const char *names[1024];
    for (size_t i = 0; i < n; i++)
        names[i] = pool.p + off[i];
    const char *best = closest_name(h, names, n);
    if (best)
        snprintf(buf, cap, "%s", best);
    sb_free(&pool);
    return best ? buf : NULL;
}
