/* schema.c — the profile schema (policies/schema.yaml) and profile validation: a value tree
 * becomes a typed profile, or every error in it is reported with its position.
 * The schema is data; nothing here names a field of the policy book. */
#include "internal.h"
#include "msgs.h"

#include <stdlib.h>
#include <string.h>

/* The name of the first character of s a person cannot see (pasted with a value), or NULL. */
static const char *invisible_in(const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x8B)
            return "U+200B, a zero-width space";
        if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x8C || u[2] == 0x8D))
            return "U+200C/U+200D, a zero-width joiner";
        if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
            return "U+FEFF, a byte-order mark";
        if (u[0] == 0xC2 && u[1] == 0xA0)
            return "U+00A0, a no-break space";
        if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
            return "U+3000, an ideographic space";
    }
    return NULL;
}

/* The date a spreadsheet's date number stands for (Excel's: 1 is 1900-01-01, counted from
 * 1899-12-30 past its 1900-02-29), for five digits from 1900-03-01 to 2999-12-31; else -1. */
static calc_date excel_serial(const char *s)
{
    size_t n = strspn(s, "0123456789");
    if (n != 5 || s[n])
        return -1;
    long v = strtol(s, NULL, 10);
    return v >= 61 ? (calc_date)(v - 25569) : -1; /* 25,569 days from 1899-12-30 to 1970-01-01 */
}

/* Whether s is written as a date whose year (four digits, then '-', '/' or 年) is outside the
 * years calc's dates hold, 1900 to 2999. */
static bool year_outside(const char *s)
{
    for (int k = 0; k < 4; k++)
        if (s[k] < '0' || s[k] > '9')
            return false;
    if (s[4] != '-' && s[4] != '/' && strncmp(s + 4, "\xE5\xB9\xB4", 3) != 0)
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    return y < 1900 || y > 2999;
}

static const char *const type_names[T_NTYPES] = {"object", "list", "string", "int", "money",
                                                  "date",   "bool", "enum",   "month"};

const char *schema_type_name(int type)
{
    return type >= 0 && type < T_NTYPES ? type_names[type] : "";
}

static snode *new_node(calc_schema *s, const char *name, const char *path, int type)
{
    snode *n = arena_alloc(&s->a, sizeof *n);
    n->name = arena_strndup(&s->a, name, strlen(name));
    n->name_len = strlen(name);
    sbuf k = {0};
    sb_json_str(&k, name);
    SB_LIT(&k, ":");
    n->jkey = arena_strndup(&s->a, k.p, k.n);
    n->jkey_len = k.n;
    sb_free(&k);
    n->path = arena_strndup(&s->a, path, strlen(path));
    n->type = type;
    return n;
}

static void add_child(calc_schema *s, snode *parent, snode *c)
{
    snode **v = arena_alloc(&s->a, (parent->nchild + 1) * sizeof *v);
    if (parent->nchild)
        memcpy(v, parent->child, parent->nchild * sizeof *v);
    v[parent->nchild] = c;
    c->index = (int)parent->nchild;
    c->parent = parent;
    parent->child = v;
    parent->nchild++;
}

const snode *schema_child(const snode *obj, const char *name, size_t len)
{
    if (!obj || obj->type != T_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->nchild; i++) {
        const snode *c = obj->child[i];
        if (c->name_len == len && c->name[0] == name[0] && memcmp(c->name, name, len) == 0)
            return c;
    }
    return NULL;
}

const snode *schema_resolve(const snode *base, const char *path)
{
    const snode *n = base;
    const char *p = path;
    while (n && *p) {
        size_t len = strcspn(p, ".[");
        n = schema_child(n, p, len);
        p += len;
        if (n && p[0] == '[' && p[1] == ']') {
            if (n->type != T_LIST)
                return NULL;
            n = n->item;
            p += 2;
        }
        if (*p == '.')
            p++;
        else if (*p)
            return NULL;
    }
    return *p ? NULL : n;
}

const enum_def *schema_enum(const calc_schema *s, const char *name)
{
    for (size_t i = 0; i < s->nenum; i++)
        if (strcmp(s->enums[i].name, name) == 0)
            return &s->enums[i];
    return NULL;
}

int enum_index(const enum_def *e, const char *s)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->values[i], s) == 0)
            return (int)i;
    return -1;
}

const char *enum_label(const enum_def *e, int i) { return e->zh[i]; }

const char *enum_label_lang(const enum_def *e, int i, int lang)
{
    return lang ? e->en[i] : e->zh[i];
}

const char *snode_label(const snode *n, int lang)
{
    const char *l = lang ? n->label_en : n->label;
    return l ? l : n->path;
}

/* Finds or creates the object node for a dotted prefix ("hq.office", "stores[]"). */
static snode *ensure(calc_schema *s, const char *path, size_t len, calc_diags *d,
                     const calc_loc *loc)
{
    snode *n = s->root;
    size_t i = 0;
    while (i < len) {
        size_t seg = i;
        while (seg < len && path[seg] != '.' && path[seg] != '[')
            seg++;
        bool list = seg + 1 < len + 1 && seg < len && path[seg] == '[';
        snode *c = (snode *)schema_child(n, path + i, seg - i);
        if (!c) {
            char *name = arena_strndup(&s->a, path + i, seg - i);
            char *full = arena_strndup(&s->a, path, seg);
            c = new_node(s, name, full, list ? T_LIST : T_OBJECT);
            add_child(s, n, c);
        }
        if (list) {
            if (c->type != T_LIST) {
                diag_at(d, CALC_ESCHEMA, loc, path, NULL, "'%s' is not a list", c->path);
                return NULL;
            }
            if (!c->item) {
                char *ip = arena_printf(&s->a, "%s[]", c->path);
                c->item = new_node(s, c->name, ip, T_OBJECT);
                c->item->parent = c;
            }
            c = c->item;
            seg += 2;
        } else if (c->type != T_OBJECT) {
            diag_at(d, CALC_ESCHEMA, loc, path, NULL, "'%s' is not an object", c->path);
            return NULL;
        }
        n = c;
        i = seg + (seg < len && path[seg] == '.');
    }
    return n;
}

static const char *str_of(calc_schema *s, const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? arena_strndup(&s->a, v->str, v->len) : NULL;
}

static int load_field(calc_schema *s, const char *path, const value *def, calc_diags *d)
{
    const calc_loc *loc = &def->loc;
    if (def->type != V_MAP) {
        diag_at(d, CALC_ESCHEMA, loc, path, NULL, "a field needs a mapping with its type");
        return CALC_ESCHEMA;
    }
    const char *tname = str_of(s, def, "type");
    int type = -1;
    for (int i = 0; tname && i < T_NTYPES; i++)
        if (strcmp(tname, type_names[i]) == 0)
            type = i;
    if (type < 0) {
        diag_at(d, CALC_ESCHEMA, loc, path, "types: string, int, money, date, month, bool, enum, list",
                "unknown type '%s'", tname ? tname : "");
        return CALC_ESCHEMA;
    }
    size_t plen = strlen(path);
    snode *n;
    if (plen > 2 && strcmp(path + plen - 2, "[]") == 0) {
        snode *list = (snode *)schema_resolve(s->root, arena_strndup(&s->a, path, plen - 2));
        if (!list || list->type != T_LIST) {
            diag_at(d, CALC_ESCHEMA, loc, path, NULL, "declare the list before its items");
            return CALC_ESCHEMA;
        }
        n = new_node(s, list->name, path, type);
        n->parent = list;
        list->item = n;
    } else {
        const char *dot = strrchr(path, '.');
        size_t cut = dot ? (size_t)(dot - path) : 0;
        snode *parent = cut ? ensure(s, path, cut, d, loc) : s->root;
        if (!parent)
            return CALC_ESCHEMA;
        const char *name = dot ? dot + 1 : path;
        if (schema_child(parent, name, strlen(name))) {
            diag_at(d, CALC_ESCHEMA, loc, path, NULL, "field declared twice");
            return CALC_ESCHEMA;
        }
        n = new_node(s, name, path, type);
        add_child(s, parent, n);
    }
    n->label = str_of(s, def, "label");
    n->label_en = str_of(s, def, "label_en");
    n->unit = str_of(s, def, "unit");
    n->unit_en = str_of(s, def, "unit_en");
    n->zh = str_of(s, def, "zh");
    n->en_text = str_of(s, def, "en");
    n->group = str_of(s, def, "group");
    const value *req = map_get(def, "required");
    n->required = req && req->type == V_SCALAR && strcmp(req->str, "true") == 0;
    const char *en = str_of(s, def, "enum");
    if (type == T_ENUM) {
        n->en = en ? schema_enum(s, en) : NULL;
        if (!n->en) {
            diag_at(d, CALC_ESCHEMA, loc, path, NULL, "unknown enum '%s'", en ? en : "");
            return CALC_ESCHEMA;
        }
    }
    const value *mn = map_get(def, "min"), *mx = map_get(def, "max");
    if (mn && mn->type == V_SCALAR) {
        n->has_min = true;
        n->min = strtoll(mn->str, NULL, 10);
    }
    if (mx && mx->type == V_SCALAR) {
        n->has_max = true;
        n->max = strtoll(mx->str, NULL, 10);
    }
    n->has_default = map_get(def, "default") != NULL;
    if (schema_load_rules(n, def, d))
        return CALC_ESCHEMA;
    return schema_load_change(n, def, d);
}

int calc_schema_load(calc_schema *s, const char *path, calc_diags *d)
{
    char *text = NULL;
    size_t len = 0;
    memset(s, 0, sizeof *s);
    int rc = calc_read_file_diag(path, &text, &len, d);
    if (rc)
        return rc;
    value **docs;
    size_t ndocs;
    const char *file = arena_strndup(&s->a, path, strlen(path));
    rc = calc_yaml_parse(&s->a, file, text, len, &docs, &ndocs, d);
    free(text);
    if (rc)
        return rc;
    const value *root = ndocs ? docs[0] : NULL;
    const value *enums = map_get(root, "enums"), *fields = map_get(root, "fields");
    s->loc = fields ? fields->loc : (calc_loc){file, 1, 1};
    if (!enums || enums->type != V_MAP || !fields || fields->type != V_MAP) {
        diag_at(d, CALC_ESCHEMA, NULL, NULL, NULL, "%s: a schema needs 'enums' and 'fields'",
                path);
        return CALC_ESCHEMA;
    }
    s->nenum = enums->n;
    s->enums = arena_alloc(&s->a, enums->n * sizeof *s->enums);
    for (size_t i = 0; i < enums->n; i++) {
        enum_def *e = &s->enums[i];
        const value *vals = enums->items[i];
        e->name = enums->keys[i]->str;
        if (vals->type != V_MAP) {
            diag_at(d, CALC_ESCHEMA, &vals->loc, e->name, NULL,
                    "an enum maps each value to its labels, {zh: …, en: …}");
            return CALC_ESCHEMA;
        }
        e->n = vals->n;
        e->values = arena_alloc(&s->a, vals->n * sizeof *e->values);
        e->zh = arena_alloc(&s->a, vals->n * sizeof *e->zh);
        e->en = arena_alloc(&s->a, vals->n * sizeof *e->en);
        for (size_t k = 0; k < vals->n; k++) {
            const value *lab = vals->items[k];
            e->values[k] = vals->keys[k]->str;
            /* `code: 中文` (the code is its English label) or `code: {zh: 中文, en: English}` */
            e->zh[k] = lab->type == V_SCALAR ? lab->str : str_of(s, lab, "zh");
            e->en[k] = lab->type == V_MAP ? str_of(s, lab, "en") : NULL;
            if (!e->zh[k])
                e->zh[k] = e->values[k];
            if (!e->en[k])
                e->en[k] = e->values[k];
        }
    }
    s->root = new_node(s, "", "", T_OBJECT);
    for (size_t i = 0; i < fields->n; i++) {
        rc = load_field(s, fields->keys[i]->str, fields->items[i], d);
        if (rc)
            return rc;
    }
    return schema_check_labels(s, d);
}

void calc_schema_free(calc_schema *s)
{
    arena_free(&s->a);
}

/* ---- validation ---- */

typedef struct vctx {
    calc_profile *p;
    calc_diags *d;
    const calc_schema *s;
    char path[256];
} vctx;

/* Appends ".name" (or "name" at the top) to the path being validated. */
static void path_key(vctx *c, size_t keep, const char *name, size_t len)
{
    size_t room = sizeof c->path - keep - 2;
    if (len > room)
        len = room;
    char *p = c->path + keep;
    if (keep)
        *p++ = '.';
    memcpy(p, name, len);
    p[len] = 0;
}

/* A diagnostic about the value v at the path being validated (fmt and hint as for diag_at). */
static __attribute__((format(printf, 4, 5))) calc_error *bad(vctx *c, const value *v,
                                                             const char *hint, const char *fmt, ...)
{
    char en[512], zh[768];
    va_list ap;
    va_start(ap, fmt);
    msg_vformat(en, sizeof en, CALC_LANG_EN, fmt, ap);
    msg_vformat(zh, sizeof zh, CALC_LANG_ZH, fmt, ap);
    va_end(ap);
    return diag_texts(c->d, CALC_ESCHEMA, &v->loc, c->path, hint, en, zh);
}

/* What v is, for "got %s": a scalar's text, or "a mapping", "a list" (catalogue texts). */
static const char *shown(const value *v)
{
    if (v->type == V_MAP)
        return calc_msg_arg("a mapping");
    if (v->type == V_SEQ)
        return calc_msg_arg("a list");
    return v->str;
}

/* A whole number's digits (an optional minus sign first) into x; false if it is not one or
 * does not fit. */
static bool whole_number(const char *s, int64_t *x)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    int64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9' || __builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, *s - '0', &v))
            return false;
    *x = neg ? -v : v;
    return true;
}

const char *schema_halfwidth(const char *s, size_t *len, char *buf, size_t cap)
{
    if (!memchr(s, 0xEF, *len) || *len >= cap)
        return s;
    size_t n = 0;
    for (size_t i = 0; i < *len;) {
        const unsigned char *u = (const unsigned char *)s + i;
        /* U+FF0C ， U+FF0D － U+FF0E ． U+FF0F ／ U+FF10..FF19 ０..９: EF BC 8C..99 */
        if (i + 2 < *len && u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x8C && u[2] <= 0x99) {
            buf[n++] = (char)(',' + (u[2] - 0x8C));
            i += 3;
        } else
            buf[n++] = s[i++];
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

int schema_scalar(const snode *n, const char *str, size_t len, bool quoted, pval *out)
{
    char hw[256];
    if (n->type == T_MONEY || n->type == T_INT || n->type == T_DATE || n->type == T_MONTH)
        str = schema_halfwidth(str, &len, hw, sizeof hw);
    switch (n->type) {
    case T_STRING:
        if (n->required && !str[strspn(str, " \t\r\n")]) /* a template's id: "" is no id */
            return -1;
        out->u.s = str;
        return 0;
    case T_MONEY: {
        const char *why = NULL;
        return calc_money_parse(&out->u.i, str, len, &why) ? -1 : 0;
    }
    case T_INT: {
        int64_t x;
        if (!whole_number(str, &x) || (n->has_min && x < n->min) || (n->has_max && x > n->max))
            return -1;
        out->u.i = x;
        return 0;
    }
    case T_DATE: {
        calc_date dd;
        if (calc_date_parse(&dd, str, len))
            return -1;
        out->u.i = dd;
        return 0;
    }
    case T_MONTH: {
        calc_date dd;
        if (calc_month_parse(&dd, str, len))
            return -1;
        out->u.i = dd;
        return 0;
    }
    case T_BOOL: { /* as a spreadsheet or a person writes it: true/TRUE/True, 是/否 */
        static const char *const yes[] = {"true", "TRUE", "True", "\xE6\x98\xAF", NULL},
                                 *const no[] = {"false", "FALSE", "False", "\xE5\x90\xA6", NULL};
        if (quoted)
            return -1;
        for (int k = 0; yes[k]; k++)
            if (strcmp(str, yes[k]) == 0 || strcmp(str, no[k]) == 0) {
                out->u.i = strcmp(str, yes[k]) == 0;
                return 0;
            }
        return -1;
    }
    case T_ENUM: { /* its code or its Chinese label: the code is what the profile keeps */
        int k = enum_lookup(n->en, str);
        if (k < 0)
            return -1;
        out->u.i = k;
        out->s = n->en->values[k];
        return 0;
    }
    }
    return -1;
}

static bool convert(vctx *c, const snode *n, const value *v, pval *out);

void schema_fill_defaults(arena *a, const snode *n, pobj *o)
{
    for (size_t i = 0; i < n->nchild; i++) {
        const snode *ch = n->child[i];
        pval *slot = &o->slot[i];
        slot->type = ch->type;
        if (slot->set)
            continue;
        if (ch->type == T_OBJECT) {
            pobj *sub = arena_alloc(a, sizeof *sub);
            sub->sn = ch;
            sub->slot = arena_alloc(a, (ch->nchild ? ch->nchild : 1) * sizeof *sub->slot);
            schema_fill_defaults(a, ch, sub);
            slot->set = true;
            slot->u.o = sub;
        } else if (ch->has_default) {
            slot->set = true;
            if (ch->type == T_LIST) {
                slot->u.l = arena_alloc(a, sizeof(plist));
            } else if (ch->type == T_ENUM) {
                slot->u.i = ch->dflt; /* the schema's code: none, other */
                slot->s = ch->en->values[slot->u.i];
            } else if (ch->type == T_STRING) {
                slot->u.s = ch->dflt_s;
            } else {
                slot->u.i = ch->dflt; /* false, 0, a date */
            }
        }
    }
}

static bool convert_object(vctx *c, const snode *n, const value *v, pval *out)
{
    if (v->type != V_MAP) {
        bad(c, v, NULL, "expected a mapping of fields, got %s", shown(v));
        return false;
    }
    pobj *o = arena_alloc(&c->p->a, sizeof *o);
    o->sn = n;
    o->slot = arena_alloc(&c->p->a, (n->nchild ? n->nchild : 1) * sizeof *o->slot);
    bool ok = true;
    size_t keep = strlen(c->path);
    bool *given = arena_alloc(&c->p->a, (n->nchild ? n->nchild : 1) * sizeof *given);
    for (size_t i = 0; i < v->n; i++) {
        const value *k = v->keys[i];
        const snode *ch = schema_child(n, k->str, k->len);
        if (ch && v->items[i]->type != V_NULL)
            given[ch->index] = true;
        path_key(c, keep, k->str, k->len);
        if (!ch) {
            const char *names[64];
            size_t nn = 0;
            for (size_t j = 0; j < n->nchild && nn < 64; j++)
                names[nn++] = n->child[j]->name;
            const char *best = closest_name(k->str, names, nn);
            calc_error *e = diag_at(c->d, CALC_ESCHEMA, &k->loc, c->path,
                                    best ? NULL : "run 'calc schema' to list the fields",
                                    "unknown field");
            if (best)
                calc_error_hint(e, "did you mean '%s'?", best);
            ok = false;
            continue;
        }
        if (!convert(c, ch, v->items[i], &o->slot[ch->index]))
            ok = false;
        c->path[keep] = 0;
    }
    c->path[keep] = 0;
    schema_fill_defaults(&c->p->a, n, o);
    for (size_t i = 0; i < n->nchild; i++)
        if (n->child[i]->required && !o->slot[i].set && !given[i]) {
            path_key(c, keep, n->child[i]->name, n->child[i]->name_len);
            bool item = n->parent && n->parent->type == T_LIST && n->parent->item == n;
            diag_at(c->d, CALC_ESCHEMA, &v->loc, c->path,
                    item ? "every item of the list needs it: add it to the item"
                         : "add it to the profile",
                    "required field is missing");
            c->path[keep] = 0;
            ok = false;
        }
    out->set = true;
    out->type = T_OBJECT;
    out->u.o = o;
    out->loc = v->loc;
    return ok;
}

/* The items of list l (values v; the list's path is c->path up to keep) that repeat the key of
 * an earlier item (book 2 §1.6: two grants with one name, two months alike) are errors, each at
 * the repeating item, in item order; false when there is one. */
static bool check_keys(vctx *c, const snode *list, const value *v, const plist *l, size_t keep)
{
    const snode *key = schema_list_key(list);
    if (!key || l->n < 2)
        return true;
    size_t *at = malloc(2 * l->n * sizeof *at);
    if (!at)
        abort();
    size_t nd = schema_key_repeats(list, l, at, at + l->n);
    sbuf t = {0};
    for (size_t j = 0; j < nd; j++) {
        char first[300];
        snprintf(first, sizeof first, "%.*s[%zu]", (int)keep, c->path, at[l->n + j]);
        snprintf(c->path + keep, sizeof c->path - keep, "[%zu].%s", at[j], key->name);
        t.n = 0;
        pval_render(&t, &l->item[at[j]].u.o->slot[key->index]);
        bad(c, v->items[at[j]],
            "each item of the list has its own key: remove or merge the repeated item",
            "duplicate item: %s '%s' as in %s", key->name, t.p ? t.p : "", first);
    }
    c->path[keep] = 0;
    sb_free(&t);
    free(at);
    return nd == 0;
}

static bool convert(vctx *c, const snode *n, const value *v, pval *out)
{
    out->type = n->type;
    out->loc = v->loc;
    if (v->type == V_NULL) /* an explicit null is an absent field */
        return true;
    if (n->type == T_OBJECT)
        return convert_object(c, n, v, out);
    if (n->type == T_LIST) {
        if (v->type != V_SEQ) {
            if (n->item && n->item->type != T_OBJECT && v->type == V_SCALAR)
                bad(c, v, "write a list: [a, b]", "expected a list, got '%s'", shown(v));
            else
                bad(c, v, NULL, "expected a list, got %s", shown(v));
            return false;
        }
        plist *l = arena_alloc(&c->p->a, sizeof *l);
        l->n = v->n;
        l->item = arena_alloc(&c->p->a, (v->n ? v->n : 1) * sizeof *l->item);
        bool ok = true;
        size_t keep = strlen(c->path);
        for (size_t i = 0; i < v->n; i++) {
            snprintf(c->path + keep, sizeof c->path - keep, "[%zu]", i);
            if (v->items[i]->type == V_NULL) {
                bad(c, v->items[i], "remove the empty item, or give it a value",
                    "expected a list item, got null");
                ok = false;
            } else if (!convert(c, n->item, v->items[i], &l->item[i]))
                ok = false;
        }
        c->path[keep] = 0;
        if (!check_keys(c, n, v, l, keep))
            ok = false;
        out->set = ok;
        out->u.l = l;
        return ok;
    }
    if (v->type != V_SCALAR) {
        bad(c, v, NULL, "expected a single value, got %s", shown(v));
        return false;
    }
    if (schema_scalar(n, v->str, v->len, v->quoted, out) == 0) {
        out->set = true;
        return true;
    }
    /* the value does not convert: say why */
    const char *why = NULL;
    switch (n->type) {
    case T_STRING: { /* required and empty: say what belongs there */
        bad(c, v, "fill it in: this field is required", "required field is empty");
        return false;
    }
    case T_MONEY: {
        int64_t x;
        calc_money_parse(&x, v->str, v->len, &why);
        bad(c, v, money_reason_hint(why), "expected an amount in yuan (%s), got '%s'",
            calc_msg_arg(why), v->str);
        return false;
    }
    case T_INT:
        if (v->str[strspn(v->str, "0123456789")] == 0 && v->str[0] &&
            !whole_number(v->str, &(int64_t){0})) { /* digits, too many of them */
            bad(c, v, NULL, "expected a whole number up to %lld, got '%s'",
                (long long)(n->has_max ? n->max : INT64_MAX), v->str);
        } else if (!whole_number(v->str, &(int64_t){0})) {
            bad(c, v, "write a whole number, e.g. 12", "expected a whole number, got '%s'",
                v->str);
        } else if (n->has_max) {
            bad(c, v, NULL, "expected a whole number from %lld to %lld, got '%s'",
                (long long)n->min, (long long)n->max, v->str);
        } else {
            bad(c, v, NULL, "expected a whole number >= %lld, got '%s'", (long long)n->min,
                v->str);
        }
        return false;
    case T_DATE:
        out->u.i = 0;
        if (year_outside(v->str))
            bad(c, v, "a date's year is from 1900 to 2999",
                "expected a date from 1900-01-01 to 2999-12-31, got '%s'", v->str);
        else if (excel_serial(v->str) >= 0) { /* a spreadsheet's date saved as its number */
            char d[16];
            calc_date_format(d, excel_serial(v->str));
            calc_error *x = bad(c, v, NULL, "expected a date YYYY-MM-DD, got '%s'", v->str);
            calc_error_hint(x, "%s reads like a spreadsheet's date number (%s): format the column "
                            "as a date (yyyy-mm-dd) before saving, or write %s", v->str, d, d);
        } else
            bad(c, v, "write a real date as YYYY-MM-DD, e.g. 2025-03-01",
                "expected a date YYYY-MM-DD, got '%s'", v->str);
        return false;
    case T_MONTH:
        out->u.i = 0;
        bad(c, v, "write a month as YYYY-MM, e.g. 2024-03 (or 2024/3, 2024年3月)",
            "expected a month YYYY-MM, got '%s'", v->str);
        return false;
    case T_BOOL:
        bad(c, v, "write true or false (or 是/否)", "expected true or false, got '%s'", v->str);
        return false;
    case T_ENUM: {
        const char *best = enum_closest(n->en, v->str);
        /* "%.100s": the enum's name, a message of its own in Chinese ("unknown key" is another) */
        calc_error *e = bad(c, v, NULL, "unknown %.100s '%s'", n->en->name, v->str);
        char list[600];
        size_t m = 0;
        for (size_t i = 0; i < n->en->n && m < sizeof list; i++)
            m += (size_t)snprintf(list + m, sizeof list - m, "%s%s", i ? " " : "",
                                  n->en->values[i]);
        const char *hidden = invisible_in(v->str);
        if (hidden) /* what the message cannot show: pasted with the value */
            calc_error_hint(e, "the value holds an invisible character (%s): delete it", hidden);
        else if (best)
            calc_error_hint(e, "did you mean '%s'?", best);
        else if (m < sizeof list)
            calc_error_hint(e, "one of: %s", list);
        else
            calc_error_hint(e, "run 'calc schema' for the %zu values of %s", n->en->n,
                            n->en->name);
        return false;
    }
    }
    bad(c, v, NULL, "unexpected value '%s'", v->str);
    return false;
}

int profile_from_value(calc_profile *p, const calc_schema *s, const value *doc, calc_diags *d)
{
    vctx c = {p, d, s, ""};
    if (!doc || doc->type != V_MAP) {
        diag_at(d, CALC_ESCHEMA, doc ? &doc->loc : NULL, NULL,
                "a profile is a mapping of fields, see 'calc init'",
                "expected a profile (a mapping of fields)");
        return CALC_ESCHEMA;
    }
    if (!convert_object(&c, s->root, doc, &p->root))
        return CALC_ESCHEMA;
    const pval *id = &p->root.u.o->slot[schema_child(s->root, "id", 2)->index];
    p->id = id->set ? id->u.s : "";
    return 0;
}

void pval_render(sbuf *b, const pval *v)
{
    char buf[40];
    if (!v || !v->set) {
        sb_puts(b, "(absent)");
        return;
    }
    switch (v->type) {
    case T_STRING: sb_puts(b, v->u.s); break;
    case T_INT: sb_int(b, (long long)v->u.i); break;
    case T_MONEY: sb_puts(b, calc_money_format(buf, v->u.i)); break;
    case T_DATE: sb_puts(b, calc_date_format(buf, (calc_date)v->u.i)); break;
    case T_MONTH: sb_puts(b, calc_month_format(buf, (calc_date)v->u.i)); break;
    case T_BOOL: sb_puts(b, v->u.i ? "true" : "false"); break;
    case T_ENUM: sb_puts(b, v->s); break;
    case T_LIST:
        sb_puts(b, "[");
        for (size_t i = 0; i < v->u.l->n; i++) {
            if (i)
                sb_puts(b, ", ");
            pval_render(b, &v->u.l->item[i]);
        }
        sb_puts(b, "]");
        break;
    default: sb_puts(b, "{…}");
    }
}

bool schema_item_path(char *out, size_t cap, const char *path)
{
    size_t k = 0;
    bool ok = true;
    for (const char *p = path; *p && k + 3 < cap; p++) {
        if (*p == '[') {
            out[k++] = '[';
            out[k++] = ']';
            while (*p && *p != ']')
                p++;
            if (!*p) {
                ok = false;
                break;
            }
            continue;
        }
        out[k++] = *p;
    }
    out[k] = 0;
    return ok;
}
