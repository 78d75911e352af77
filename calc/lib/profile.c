/* profile.c — an enterprise profile from its text: the document parsed, --set PATH=VALUE
 * applied, validated against the schema into typed values (the tree freed once they are
 * built), copied for trial changes, and freed. Evaluating it is engine.c's. */
#include "engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- profiles ---- */

static value *vnew(arena *a, int type, calc_loc loc)
{
    value *v = arena_alloc(a, sizeof *v);
    v->type = type;
    v->loc = loc;
    return v;
}

static void vappend(arena *a, value *m, value *k, value *item)
{
    value **items = arena_alloc(a, (m->n + 1) * sizeof *items);
    value **keys = m->type == V_MAP ? arena_alloc(a, (m->n + 1) * sizeof *keys) : NULL;
    if (m->n) {
        memcpy(items, m->items, m->n * sizeof *items);
        if (keys)
            memcpy(keys, m->keys, m->n * sizeof *keys);
    }
    items[m->n] = item;
    if (keys)
        keys[m->n] = k;
    m->items = items;
    m->keys = keys;
    m->n++;
}

/* Applies PATH=VALUE to a document: VALUE is YAML (a scalar, or a flow list such as
 * [tech_enterprise, high_tech]); an empty VALUE removes the field. Lists are indexed from 0;
 * the index just past the end appends an item. */
int calc_apply_set(arena *a, value *doc, const char *arg, calc_diags *d)
{
    calc_loc loc = {"--set", 0, 0};
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !doc || doc->type != V_MAP) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "write PATH=VALUE, e.g. finance.rd_expense=2000000",
                "'%s': expected PATH=VALUE", arg);
        return CALC_EUSAGE;
    }
    value **docs;
    size_t nd;
    value *val = NULL;
    if (eq[1]) {
        if (calc_yaml_parse(a, "--set", eq + 1, strlen(eq + 1), &docs, &nd, d) || nd != 1)
            return CALC_EUSAGE;
        val = docs[0];
    }
    value *cur = doc;
    const char *p = arg;
    while (p < eq) {
        size_t seg = strcspn(p, ".[=");
        if (seg == 0) {
            diag_at(d, CALC_EUSAGE, &loc, NULL, NULL, "'%.*s': bad path", (int)(eq - arg), arg);
            return CALC_EUSAGE;
        }
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)seg, p);
        p += seg;
        bool last = p >= eq;
        bool list = *p == '[';
        value *next = NULL;
        size_t at = 0;
        for (size_t i = 0; i < cur->n; i++)
            if (strcmp(cur->keys[i]->str, name) == 0) {
                next = cur->items[i];
                at = i;
                break;
            }
        if (last) {
            if (!val) { /* remove */
                if (next)
                    cur->items[at] = vnew(a, V_NULL, loc);
                return 0;
            }
            if (next)
                cur->items[at] = val;
            else {
                value *k = vnew(a, V_SCALAR, loc);
                k->str = arena_strndup(a, name, strlen(name));
                k->len = strlen(name);
                vappend(a, cur, k, val);
            }
            return 0;
        }
        if (!next || (list ? next->type != V_SEQ : next->type != V_MAP)) {
            value *k = vnew(a, V_SCALAR, loc);
            k->str = arena_strndup(a, name, strlen(name));
            k->len = strlen(name);
            value *n2 = vnew(a, list ? V_SEQ : V_MAP, loc);
            if (next)
                cur->items[at] = n2;
            else
                vappend(a, cur, k, n2);
            next = n2;
        }
        if (list) {
            char *end;
            errno = 0;
            long idx = strtol(p + 1, &end, 10);
            if (*end != ']' || idx < 0 || errno || (size_t)idx > next->n) {
                /* the index as written: a number too large for a long is not its largest */
                const char *ix = p + 1;
                int ixn = (int)strcspn(ix, "]");
                diag_at(d, CALC_EUSAGE, &loc, NULL, "the index just past the last item appends one",
                        "'%.*s': no item %.*s in %s (it has %zu)", (int)(eq - arg), arg, ixn, ix,
                        name, next->n);
                return CALC_EUSAGE;
            }
            p = end + 1;
            if (p >= eq && !val) { /* PATH[i]= removes the item */
                if ((size_t)idx == next->n) {
                    diag_at(d, CALC_EUSAGE, &loc, NULL, NULL,
                            "'%.*s': no item %ld to remove from %s (it has %zu)",
                            (int)(eq - arg), arg, idx, name, next->n);
                    return CALC_EUSAGE;
                }
                memmove(next->items + idx, next->items + idx + 1,
                        (next->n - (size_t)idx - 1) * sizeof *next->items);
                next->n--;
                return 0;
            }
            if ((size_t)idx == next->n)
                vappend(a, next, NULL, vnew(a, V_MAP, loc));
            value *item = next->items[idx];
            if (p >= eq) {
                next->items[idx] = val;
                return 0;
            }
            if (item->type != V_MAP) {
                item = vnew(a, V_MAP, loc);
                next->items[idx] = item;
            }
            next = item;
        }
        if (*p == '.')
            p++;
        cur = next;
    }
    return 0;
}

/* Copies every string of the profile (which points into the document tree) into a. */
static void own_strings(arena *a, pval *v)
{
    if (!v->set)
        return;
    if (v->type == T_STRING && v->u.s)
        v->u.s = arena_strndup(a, v->u.s, strlen(v->u.s));
    else if (v->type == T_OBJECT)
        for (size_t i = 0; i < v->u.o->sn->nchild; i++)
            own_strings(a, &v->u.o->slot[i]);
    else if (v->type == T_LIST)
        for (size_t i = 0; i < v->u.l->n; i++)
            own_strings(a, &v->u.l->item[i]);
}

static void copy_value(arena *a, pval *dst, const pval *src)
{
    *dst = *src;
    if (!src->set)
        return;
    if (src->type == T_OBJECT) {
        const pobj *o = src->u.o;
        pobj *c = arena_alloc_raw(a, sizeof *c);
        c->sn = o->sn;
        c->slot = arena_alloc_raw(a, (o->sn->nchild ? o->sn->nchild : 1) * sizeof *c->slot);
        for (size_t i = 0; i < o->sn->nchild; i++)
            copy_value(a, &c->slot[i], &o->slot[i]);
        dst->u.o = c;
    } else if (src->type == T_LIST) {
        const plist *l = src->u.l;
        plist *c = arena_alloc_raw(a, sizeof *c);
        c->n = l->n;
        c->item = arena_alloc_raw(a, (l->n ? l->n : 1) * sizeof *c->item);
        for (size_t i = 0; i < l->n; i++)
            copy_value(a, &c->item[i], &l->item[i]);
        dst->u.l = c;
    }
}

calc_profile *profile_copy(const calc_profile *p)
{
    calc_profile *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->file = p->file; /* strings are the original's: a copy lives no longer than it */
    c->id = p->id;
    copy_value(&c->a, &c->root, &p->root);
    return c;
}

calc_profile *calc_profile_parse_set(calc_engine *e, const char *name, const char *text,
                                     size_t len, const char *const *sets, int nsets,
                                     calc_diags *d)
{
    calc_profile *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->file = arena_strndup(&p->a, name, strlen(name));
    value **docs;
    size_t nd;
    /* the document tree lives only until the profile is built: it is several times the size
     * of the text, and a profile of thousands of items should not keep it */
    arena tree = {0};
    int rc = calc_yaml_parse(&tree, p->file, text, len, &docs, &nd, d);
    if (!rc && nd == 0) {
        diag_at(d, CALC_ESCHEMA, NULL, NULL, "see 'calc init' for a template",
                "%s: the file is empty; expected a profile", p->file);
        rc = CALC_ESCHEMA;
    }
    if (!rc && nd > 1) {
        diag_at(d, CALC_ESCHEMA, &docs[1]->loc, NULL,
                "use 'calc batch' for a stream of profiles",
                "expected one profile, found %zu documents", nd);
        rc = CALC_ESCHEMA;
    }
    for (int i = 0; !rc && i < nsets; i++)
        rc = calc_apply_set(&tree, docs[0], sets[i], d);
    /* a duplicate key still leaves a document: validate it too, so every error is reported */
    if (!rc || (rc == CALC_ESCHEMA && nd == 1 && !nsets)) {
        int vr = profile_from_value(p, &e->ps.schema, docs[0], d);
        if (!rc)
            rc = vr;
    }
    if (rc) {
        arena_free(&tree);
        calc_profile_free(p);
        return NULL;
    }
    own_strings(&p->a, &p->root);
    const pval *id = &p->root.u.o->slot[schema_child(e->ps.schema.root, "id", 2)->index];
    p->id = id->set ? id->u.s : "";
    arena_free(&tree);
    if (history_apply(&e->ps.schema, p, d)) { /* --ledger: the records' history */
        calc_profile_free(p);
        return NULL;
    }
    return p;
}

calc_profile *calc_profile_parse(calc_engine *e, const char *name, const char *text, size_t len,
                                 calc_diags *d)
{
    return calc_profile_parse_set(e, name, text, len, NULL, 0, d);
}

calc_profile *calc_profile_load_set(calc_engine *e, const char *path, const char *const *sets,
                                    int nsets, calc_diags *d)
{
    char *text;
    size_t len;
    if (calc_read_file_diag(path, &text, &len, d))
        return NULL;
    calc_profile *p = calc_profile_parse_set(e, path, text, len, sets, nsets, d);
    free(text);
    return p;
}

calc_profile *calc_profile_load(calc_engine *e, const char *path, calc_diags *d)
{
    return calc_profile_load_set(e, path, NULL, 0, d);
}

void calc_profile_free(calc_profile *p)
{
    if (!p)
        return;
    arena_free(&p->a);
    free(p);
}

const char *calc_profile_id(const calc_profile *p) { return p->id; }

