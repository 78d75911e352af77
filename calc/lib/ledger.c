/* ledger.c — questions asked of the award ledger (book 2 §1.7); see ledger.h. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

int ledger_schema_find(ledger_schema *ls, const snode *root)
{
    static const struct {
        const char *name;
        int type;
    } f[4] = {{"policy", T_STRING}, {"year", T_INT}, {"amount", T_MONEY}, {"key", T_STRING}};
    int *at[4] = {&ls->ipolicy, &ls->iyear, &ls->iamount, &ls->ikey};
    memset(ls, 0, sizeof *ls);
    ls->ientitled = -1;
    const snode *l = schema_child(root, "awards", 6);
    if (!l || l->type != T_LIST || !l->item || l->item->type != T_OBJECT)
        return -1;
    for (int i = 0; i < 4; i++) {
        const snode *c = schema_child(l->item, f[i].name, strlen(f[i].name));
        if (!c || c->type != f[i].type)
            return -1;
        *at[i] = c->index;
    }
    const snode *en = schema_child(l->item, "entitled", 8);
    ls->ientitled = en && en->type == T_MONEY ? en->index : -1;
    ls->list = l;
    return 0;
}

static const plist *entries(const ledger_schema *ls, const pobj *root)
{
    if (!ls->list)
        return NULL;
    const pval *v = &root->slot[ls->list->index];
    return v->set && v->type == T_LIST ? v->u.l : NULL;
}

/* Field i of entry e, or NULL when it is absent (the reader refuses such entries). */
static const pval *field(const pval *e, int i)
{
    const pval *v = e->set && e->type == T_OBJECT ? &e->u.o->slot[i] : NULL;
    return v && v->set ? v : NULL;
}

size_t ledger_count(const ledger_schema *ls, const pobj *root, const char *policy,
                    const char *key, int64_t year, size_t *first)
{
    const plist *l = entries(ls, root);
    size_t n = 0;
    *first = SIZE_MAX;
    for (size_t i = 0; l && i < l->n; i++) {
        const pval *p = field(&l->item[i], ls->ipolicy), *k = field(&l->item[i], ls->ikey),
                   *y = field(&l->item[i], ls->iyear);
        if (!p || strcmp(p->u.s, policy) || (key && (!k || strcmp(k->u.s, key))) ||
            (year != LEDGER_ANY_YEAR && (!y || y->u.i != year)))
            continue;
        if (!n++)
            *first = i;
    }
    return n;
}

size_t ledger_count_keys(const ledger_schema *ls, const pobj *root, const char *policy,
                         const char *const *keys, size_t nkeys, size_t *first)
{
    const plist *l = entries(ls, root);
    size_t n = 0;
    *first = SIZE_MAX;
    for (size_t i = 0; l && i < l->n; i++) {
        const pval *p = field(&l->item[i], ls->ipolicy), *k = field(&l->item[i], ls->ikey);
        if (!p || !k || strcmp(p->u.s, policy))
            continue;
        size_t j = 0;
        while (j < nkeys && strcmp(keys[j], k->u.s))
            j++;
        if (j == nkeys)
            continue;
        if (!n++)
            *first = i;
    }
    return n;
}

int ledger_sum(const ledger_schema *ls, const pobj *root, const char *const *policies, size_t n,
               int64_t year, calc_money *out)
{
    const plist *l = entries(ls, root);
    calc_money s = 0;
    for (size_t i = 0; l && i < l->n; i++) {
        const pval *p = field(&l->item[i], ls->ipolicy), *y = field(&l->item[i], ls->iyear),
                   *a = field(&l->item[i], ls->iamount);
        if (!p || !a || (year != LEDGER_ANY_YEAR && (!y || y->u.i != year)))
            continue;
        size_t k = 0;
        while (k < n && strcmp(policies[k], p->u.s))
            k++;
        if (k == n)
            continue;
        if (__builtin_add_overflow(s, a->u.i, &s))
            return -1;
    }
    *out = s;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    const struct ledger_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

int ledger_index_build(ledger_index *ix, const ledger_schema *ls, const pobj *root,
                       const char *policy)
{
    const plist *l = entries(ls, root);
    ix->n = 0;
    for (size_t i = 0; l && i < l->n; i++) {
        const pval *p = field(&l->item[i], ls->ipolicy), *k = field(&l->item[i], ls->ikey),
                   *y = field(&l->item[i], ls->iyear);
        if (!p || !k || strcmp(p->u.s, policy))
            continue;
        if (ix->n == ix->cap) {
            size_t cap = ix->cap ? ix->cap * 2 : 256;
            struct ledger_key *v = realloc(ix->v, cap * sizeof *v);
            if (!v)
                return -1;
            ix->v = v;
            ix->cap = cap;
        }
        ix->v[ix->n++] = (struct ledger_key){k->u.s, y ? y->u.i : LEDGER_ANY_YEAR, i};
    }
    if (ix->n > 1)
        qsort(ix->v, ix->n, sizeof *ix->v, cmp_key);
    return 0;
}

size_t ledger_index_count(const ledger_index *ix, const char *key, int64_t year, size_t *first)
{
    size_t lo = 0, hi = ix->n; /* the first entry whose key is >= key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->v[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    *first = SIZE_MAX;
    for (size_t i = lo; i < ix->n && strcmp(ix->v[i].key, key) == 0; i++) {
        if (year != LEDGER_ANY_YEAR && ix->v[i].year != year)
            continue;
        if (!n++)
            *first = ix->v[i].idx; /* sorted by index within a key: the lowest */
    }
    return n;
}

void ledger_index_free(ledger_index *ix)
{
    free(ix->v);
    ix->v = NULL;
    ix->n = ix->cap = 0;
}
