/* json.c — JSON text to the value tree through yajl's callback parser (numbers keep their
 * exact text, so money never passes through a double), and value trees back to JSON.
 * The only file that includes yajl. */
#include "internal.h"
#include "msgs.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* Mapping keys in a hash set once a mapping has many (load.c): a repeated key is found in O(1). */

#define NUL_HINT "remove it: text cannot contain a NUL character (\\0, \\u0000 or a zero byte)"

typedef struct jframe {
    value *v;
    size_t cap;
    value *key;
    keyset *keys;
} jframe;

typedef struct jctx {
    arena *a;
    yajl_handle h;
    const char *file;
    unsigned line;
    const char *text;
    size_t len;
    jframe stack[CALC_DEPTH_CEILING + 1];
    int depth;
    value *root;
    calc_diags *d;
    int err;
} jctx;

/* The first byte of the token that ends before yajl's position: a string (its opening quote)
 * or a bare word (number, true, false, null), or a single { or [. */
static size_t token_start(jctx *c, bool string)
{
    size_t i = yajl_get_bytes_consumed(c->h);
    const char *t = c->text;
    if (string) {
        while (i > 0 && t[i - 1] != '"') /* back to the closing quote */
            i--;
        if (i == 0)
            return 0;
        i--;
        while (i > 0) { /* back to the opening quote, not an escaped one */
            i--;
            if (t[i] == '"') {
                size_t bs = 0;
                while (i > bs && t[i - 1 - bs] == '\\')
                    bs++;
                if (bs % 2 == 0)
                    return i;
            }
        }
        return 0;
    }
    while (i > 0 && strchr(" \t\r\n,:}]", t[i - 1])) /* back over what ended the word */
        i--;
    if (i > 0 && (t[i - 1] == '{' || t[i - 1] == '['))
        return i - 1;
    while (i > 0 && !strchr(" \t\r\n,:{[", t[i - 1]))
        i--;
    return i;
}

/* Node positions are byte columns while parsing (cheap); calc_json_columns turns the ones in
 * diagnostics into character columns. Parse errors are converted on the spot. */
static calc_loc byte_loc(jctx *c, size_t at)
{
    calc_loc l = {c->file, c->line, (unsigned)at + 1};
    return l;
}

static calc_loc here(jctx *c) { return byte_loc(c, token_start(c, false)); }

/* The byte where a token starts, from the pointer yajl passed (into the text unless the
 * string had escapes). */
static size_t start_of(jctx *c, const char *p, bool string)
{
    if (p >= c->text && p <= c->text + c->len)
        return (size_t)(p - c->text) - (string ? 1 : 0);
    return token_start(c, string);
}

static void grow(arena *a, jframe *f)
{
    size_t cap = f->cap ? f->cap * 2 : 8;
    value **items = arena_alloc(a, cap * sizeof *items);
    value **keys = f->v->type == V_MAP ? arena_alloc(a, cap * sizeof *keys) : NULL;
    if (f->v->n) {
        memcpy(items, f->v->items, f->v->n * sizeof *items);
        if (keys)
            memcpy(keys, f->v->keys, f->v->n * sizeof *keys);
    }
    f->v->items = items;
    f->v->keys = keys;
    f->cap = cap;
}

static int add(jctx *c, value *v)
{
    if (c->depth == 0) {
        if (c->root) {
            calc_loc l = here(c);
            diag_at(c->d, CALC_ESYNTAX, &l, NULL, "one JSON document per line",
                    "more than one value on the line");
            c->err = CALC_ESYNTAX;
            return 0;
        }
        c->root = v;
    } else {
        jframe *f = &c->stack[c->depth - 1];
        if (f->v->n == f->cap)
            grow(c->a, f);
        if (f->v->type == V_MAP) {
            f->v->keys[f->v->n] = f->key;
            f->key = NULL;
        }
        f->v->items[f->v->n++] = v;
    }
    if (v->type == V_MAP || v->type == V_SEQ) {
        if (c->depth >= CALC_MAX_DEPTH) {
            calc_loc l = here(c);
            diag_at(c->d, CALC_ELIMIT, &l, NULL, DEPTH_HINT,
                    "nesting deeper than %d levels (--max-depth)", CALC_MAX_DEPTH);
            c->err = CALC_ELIMIT;
            return 0;
        }
        c->stack[c->depth].v = v;
        c->stack[c->depth].cap = 0;
        c->stack[c->depth].key = NULL;
        c->stack[c->depth].keys = NULL;
        c->depth++;
    }
    return 1;
}

static value *node(jctx *c, int type)
{
    value *v = arena_alloc(c->a, sizeof *v);
    v->type = type;
    if (type == V_MAP || type == V_SEQ || type == V_NULL)
        v->loc = here(c);
    else
        v->loc.file = c->file, v->loc.line = c->line;
    return v;
}

/* A string holding U+0000 (only \u0000 can give one: a raw zero byte is refused before
 * parsing) is an error at the escape, never a string cut short at it. */
static int nul_string(jctx *c, const char *s, bool key)
{
    size_t at = start_of(c, s, true), i = at + 1;
    const char *t = c->text;
    while (i < c->len && t[i] != '"') {
        if (t[i] == '\\' && i + 5 < c->len && t[i + 1] == 'u' && memcmp(t + i + 2, "0000", 4) == 0)
            break;
        i += t[i] == '\\' ? 2 : 1;
    }
    calc_loc l = byte_loc(c, i < c->len && t[i] == '\\' ? i : at);
    diag_at(c->d, CALC_ESYNTAX, &l, NULL, NUL_HINT, "NUL character (U+0000) in a %s is not accepted",
            calc_msg_arg(key ? "key" : "value"));
    c->err = CALC_ESYNTAX;
    return 0;
}

/* The value of four hex digits at t, or -1. */
static long hex4(const char *t)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        char h = t[k];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* What yajl makes of a surrogate escape without its partner: '?' for a high one (\ud800), the
 * bytes ED B0..BF of no UTF-8 character for a low one (\udc00). Either in a decoded string
 * means its source is checked (lone_surrogate). */
static bool surrogate_sign(const unsigned char *s, size_t len)
{
    return memchr(s, '?', len) || memchr(s, 0xED, len);
}

/* A string whose decoded text shows a surrogate_sign is checked as written (from its opening
 * quote): an escape of half a UTF-16 pair is an error at it, never a value silently changed
 * ('?') or bytes that are no UTF-8. 1: none. */
static int lone_surrogate(jctx *c, const char *s, bool key)
{
    size_t i = start_of(c, s, true) + 1;
    const char *t = c->text;
    while (i < c->len && t[i] != '"') {
        if (t[i] != '\\') {
            i++;
            continue;
        }
        long u = i + 5 < c->len && t[i + 1] == 'u' ? hex4(t + i + 2) : -1;
        if (u >= 0xD800 && u <= 0xDBFF && i + 11 < c->len && t[i + 6] == '\\' &&
            t[i + 7] == 'u' && hex4(t + i + 8) >= 0xDC00 && hex4(t + i + 8) <= 0xDFFF) {
            i += 12; /* a pair: one character */
            continue;
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            calc_loc l = byte_loc(c, i);
            diag_at(c->d, CALC_ESYNTAX, &l, NULL, "write the character itself in UTF-8, or both "
                    "halves of its pair (\\ud83d\\ude00)", "a lone UTF-16 surrogate (\\u%04lX) "
                    "in a %s is no character", u, calc_msg_arg(key ? "key" : "value"));
            c->err = CALC_ESYNTAX;
            return 0;
        }
        i += 2;
    }
    return 1;
}

static int scalar(jctx *c, const char *s, size_t len, bool quoted)
{
    value *v = node(c, V_SCALAR);
    v->loc = byte_loc(c, start_of(c, s, quoted));
    v->str = arena_strndup(c->a, s, len);
    v->len = len;
    v->quoted = quoted;
    return add(c, v);
}

static int cb_null(void *ctx)
{
    jctx *c = ctx;
    return add(c, node(c, V_NULL));
}

static int cb_bool(void *ctx, int b)
{
    jctx *c = ctx;
    size_t at = token_start(c, false);
    int rc = scalar(ctx, b ? "true" : "false", b ? 4 : 5, false);
    value *f = c->depth ? c->stack[c->depth - 1].v : c->root;
    if (f && f->type != V_SCALAR && f->n)
        f->items[f->n - 1]->loc = byte_loc(c, at);
    else if (c->root && c->root->type == V_SCALAR)
        c->root->loc = byte_loc(c, at);
    return rc;
}

static int cb_number(void *ctx, const char *s, size_t len) { return scalar(ctx, s, len, false); }

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
    if (len > CALC_MAX_SCALAR) {
        jctx *c = ctx;
        calc_loc l = here(c);
        diag_at(c->d, CALC_ELIMIT, &l, NULL, VALUE_HINT,
                "scalar of %zu bytes exceeds the limit of %zu bytes (--max-input)", len,
                CALC_MAX_SCALAR);
        c->err = CALC_ELIMIT;
        return 0;
    }
    if (memchr(s, 0, len))
        return nul_string(ctx, (const char *)s, false);
    if (surrogate_sign(s, len) && !lone_surrogate(ctx, (const char *)s, false))
        return 0;
    return scalar(ctx, (const char *)s, len, true);
}

static int cb_start_map(void *ctx)
{
    jctx *c = ctx;
    return add(c, node(c, V_MAP));
}

static int cb_key(void *ctx, const unsigned char *s, size_t len)
{
    jctx *c = ctx;
    jframe *f = &c->stack[c->depth - 1];
    if (memchr(s, 0, len))
        return nul_string(c, (const char *)s, true);
    if (surrogate_sign(s, len) && !lone_surrogate(c, (const char *)s, true))
        return 0;
    value *k = node(c, V_SCALAR);
    k->loc = byte_loc(c, start_of(c, (const char *)s, true));
    k->str = arena_strndup(c->a, (const char *)s, len);
    k->len = len;
    k->quoted = true;
    if (keyset_find_add(&f->keys, f->v->keys, f->v->n, k)) {
        diag_at(c->d, CALC_ESCHEMA, &k->loc, NULL, "a field is given once: keep one of the two",
                "duplicate key '%s'", k->str);
        c->err = CALC_ESCHEMA;
    }
    f->key = k;
    return 1;
}

static int cb_end(void *ctx)
{
    jctx *c = ctx;
    c->depth--;
    keyset_free(c->stack[c->depth].keys);
    c->stack[c->depth].keys = NULL;
    return 1;
}

static int cb_start_array(void *ctx)
{
    jctx *c = ctx;
    return add(c, node(c, V_SEQ));
}

static const yajl_callbacks callbacks = {cb_null,      cb_bool, NULL,         NULL,
                                         cb_number,    cb_string, cb_start_map, cb_key,
                                         cb_end,       cb_start_array, cb_end};

int calc_json_parse(arena *a, const char *file, unsigned line, const char *text, size_t len,
                    value **out, calc_diags *d)
{
    jctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.file = file;
    c.line = line;
    c.text = text;
    c.len = len;
    c.d = d;
    size_t first_diag = d->n;
    const char *zero = memchr(text, 0, len); /* yajl would call it an invalid character */
    if (zero) {
        calc_loc l = byte_loc(&c, (size_t)(zero - text));
        diag_at(d, CALC_ESYNTAX, &l, NULL, NUL_HINT, "NUL character (U+0000) is not accepted");
        calc_json_columns(d, first_diag, file, line, text, len);
        *out = NULL;
        return CALC_ESYNTAX;
    }
    c.h = yajl_alloc(&callbacks, NULL, &c);
    if (!c.h)
        return CALC_ENOMEM;
    yajl_status st = yajl_parse(c.h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(c.h);
    while (c.depth > 0) /* the mappings an error left open */
        keyset_free(c.stack[--c.depth].keys);
    if (st == yajl_status_error && !c.err) {
        unsigned char *msg = yajl_get_error(c.h, 0, (const unsigned char *)text, len);
        calc_loc l = byte_loc(&c, token_start(&c, false));
        char m[200];
        snprintf(m, sizeof m, "%s", msg ? (const char *)msg : "invalid JSON");
        size_t ml = strcspn(m, "\n");
        m[ml] = 0;
        diag_at(d, CALC_ESYNTAX, &l, NULL,
                "write one JSON object such as {\"id\": …, \"name\": …} (JSON Lines: one "
                "object per line)",
                "JSON syntax: %s", msg_ext(m));
        yajl_free_error(c.h, msg);
        c.err = CALC_ESYNTAX;
    }
    yajl_free(c.h);
    calc_json_columns(d, first_diag, file, line, text, len);
    if (!c.err && !c.root) {
        calc_loc l = {file, line, 1};
        diag_at(d, CALC_ESYNTAX, &l, NULL, NULL, "empty line: expected a JSON object");
        c.err = CALC_ESYNTAX;
    }
    *out = c.root;
    return c.err;
}

static int by_col(const void *x, const void *y)
{
    const calc_error *a = *(calc_error *const *)x, *b = *(calc_error *const *)y;
    return a->col < b->col ? -1 : a->col > b->col;
}

/* One pass over the line for all the diagnostics on it, in the order of their columns. */
void calc_json_columns(calc_diags *d, size_t from, const char *file, unsigned line,
                       const char *text, size_t len)
{
    size_t n = 0;
    calc_error **on = d->n > from ? malloc((d->n - from) * sizeof *on) : NULL;
    if (!on)
        return;
    for (size_t i = from; i < d->n; i++) {
        calc_error *e = &d->v[i];
        if (e->line == line && e->col && e->col <= len + 1 && strcmp(e->file, file) == 0)
            on[n++] = e;
    }
    qsort(on, n, sizeof *on, by_col);
    size_t k = 0; /* bytes before k counted in col */
    unsigned col = 1;
    for (size_t i = 0; i < n; i++) {
        size_t byte = on[i]->col - 1;
        for (; k < byte; k++)
            col += ((unsigned char)text[k] & 0xC0) != 0x80;
        on[i]->col = col;
    }
    free(on);
}

void calc_json_write(sbuf *b, const value *v)
{
    switch (v->type) {
    case V_NULL: sb_puts(b, "null"); break;
    case V_SCALAR:
        if (v->quoted)
            sb_json_str(b, v->str);
        else
            sb_putn(b, v->str, v->len);
        break;
    case V_SEQ:
        sb_puts(b, "[");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                sb_puts(b, ", ");
            calc_json_write(b, v->items[i]);
        }
        sb_puts(b, "]");
        break;
    case V_MAP:
        sb_puts(b, "{");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                sb_puts(b, ", ");
            sb_json_str(b, v->keys[i]->str);
            sb_puts(b, ": ");
            calc_json_write(b, v->items[i]);
        }
        sb_puts(b, "}");
        break;
    }
}

/* ---- a JSON Lines record straight into a typed profile ----
 * The common case of a batch: a valid record. The callbacks walk the schema as the parser
 * walks the text and fill the profile's slots directly, with the conversions the long way
 * uses (schema_scalar, schema_fill_defaults). Anything the long way would report (an unknown
 * or repeated key, a wrong shape or value, a missing required field, a limit) stops it, and the
 * caller validates the record through the value tree for the diagnostics. */

typedef struct pframe {
    const snode *sn; /* the object, or the list */
    pobj *o;         /* objects: the slots being filled */
    const snode *key; /* objects: the field of the key just read */
    uint64_t seen, given;
    pval *slot;        /* lists: the slot the list goes to */
    pval *items;       /* lists: the items so far */
    size_t n, cap;
    size_t next; /* objects: the field after the last one read */
} pframe;

typedef struct pctx {
    arena *a;
    calc_loc loc;
    pframe stack[16];
    int depth;
    pval root;
    bool done;
} pctx;

/* The slot the next value goes to (an object's field or a new list item), and its schema node;
 * NULL when there is none. */
static pval *p_target(pctx *c, const snode **sn)
{
    if (c->depth == 0)
        return NULL;
    pframe *f = &c->stack[c->depth - 1];
    if (f->o) {
        if (!f->key)
            return NULL;
        *sn = f->key;
        pval *v = &f->o->slot[f->key->index];
        f->key = NULL;
        return v;
    }
    f->items = arena_grow(c->a, f->items, f->n, &f->cap, sizeof *f->items, 8);
    *sn = f->sn->item;
    return &f->items[f->n++];
}

static void p_given(pctx *c, const snode *sn)
{
    pframe *f = &c->stack[c->depth - 1];
    if (f->o)
        f->given |= 1ULL << sn->index;
}

static int p_scalar(pctx *c, const char *s, size_t len, bool quoted)
{
    const snode *sn = NULL;
    pval *v = p_target(c, &sn);
    if (!v || sn->type == T_OBJECT || sn->type == T_LIST || len > CALC_MAX_SCALAR)
        return 0;
    p_given(c, sn);
    char buf[64], *text = buf; /* only strings keep their text */
    if (sn->type == T_STRING || len >= sizeof buf)
        text = arena_strndup(c->a, s, len);
    else {
        memcpy(buf, s, len);
        buf[len] = 0;
    }
    v->type = sn->type;
    v->loc = c->loc;
    if (schema_scalar(sn, text, len, quoted, v))
        return 0;
    v->set = true;
    return 1;
}

static int p_null(void *ctx)
{
    pctx *c = ctx;
    const snode *sn = NULL;
    if (c->depth == 0 || !c->stack[c->depth - 1].o) /* a null list item is an error */
        return 0;
    pval *v = p_target(c, &sn);
    if (!v)
        return 0;
    v->type = sn->type; /* an explicit null is an absent field */
    v->loc = c->loc;
    return 1;
}

static int p_bool(void *ctx, int b) { return p_scalar(ctx, b ? "true" : "false", b ? 4 : 5, false); }

static int p_number(void *ctx, const char *s, size_t len) { return p_scalar(ctx, s, len, false); }

static int p_string(void *ctx, const unsigned char *s, size_t len)
{
    /* the long way says where; and checks what may be a lone surrogate escape */
    if (memchr(s, 0, len) || surrogate_sign(s, len))
        return 0;
    return p_scalar(ctx, (const char *)s, len, true);
}

static int p_push(pctx *c, pframe f)
{
    if (c->depth >= (int)(sizeof c->stack / sizeof *c->stack) || c->depth >= CALC_MAX_DEPTH)
        return 0;
    c->stack[c->depth++] = f;
    return 1;
}

static int p_start_map(void *ctx)
{
    pctx *c = ctx;
    const snode *sn = NULL;
    pval *v;
    if (c->depth == 0) {
        if (c->done)
            return 0; /* a second value on the line */
        v = &c->root;
        sn = c->stack[0].sn; /* the schema's root, parked there */
    } else if (!(v = p_target(c, &sn)) || sn->type != T_OBJECT)
        return 0;
    if (sn->nchild > 64)
        return 0;
    if (c->depth)
        p_given(c, sn);
    pobj *o = arena_alloc(c->a, sizeof *o);
    o->sn = sn;
    o->slot = arena_alloc(c->a, (sn->nchild ? sn->nchild : 1) * sizeof *o->slot);
    v->type = T_OBJECT;
    v->loc = c->loc;
    v->set = true;
    v->u.o = o;
    pframe f = {0};
    f.sn = sn;
    f.o = o;
    return p_push(c, f);
}

static int p_key(void *ctx, const unsigned char *s, size_t len)
{
    pctx *c = ctx;
    pframe *f = &c->stack[c->depth - 1];
    /* records usually list the fields in the schema's order: try the one after the last */
    const snode *ch = NULL, *next = f->next < f->sn->nchild ? f->sn->child[f->next] : NULL;
    if (next && next->name_len == len && memcmp(next->name, s, len) == 0)
        ch = next;
    else
        ch = schema_child(f->sn, (const char *)s, len);
    if (ch)
        f->next = (size_t)ch->index + 1;
    if (!ch || (f->seen >> ch->index & 1)) /* unknown or repeated */
        return 0;
    f->seen |= 1ULL << ch->index;
    f->key = ch;
    return 1;
}

static int p_end_map(void *ctx)
{
    pctx *c = ctx;
    pframe *f = &c->stack[c->depth - 1];
    schema_fill_defaults(c->a, f->sn, f->o);
    for (size_t i = 0; i < f->sn->nchild; i++)
        if (f->sn->child[i]->required && !f->o->slot[i].set && !(f->given >> i & 1))
            return 0;
    if (--c->depth == 0)
        c->done = true;
    return 1;
}

static int p_start_array(void *ctx)
{
    pctx *c = ctx;
    const snode *sn = NULL;
    pval *v = p_target(c, &sn);
    if (!v || sn->type != T_LIST || !sn->item)
        return 0;
    p_given(c, sn);
    v->type = T_LIST;
    v->loc = c->loc;
    pframe f = {0};
    f.sn = sn;
    f.slot = v;
    return p_push(c, f);
}

static int p_end_array(void *ctx)
{
    pctx *c = ctx;
    pframe *f = &c->stack[c->depth - 1];
    plist *l = arena_alloc(c->a, sizeof *l);
    l->n = f->n;
    l->item = f->n ? f->items : arena_alloc(c->a, sizeof *l->item);
    f->slot->u.l = l;
    f->slot->set = true;
    c->depth--;
    return schema_keys_unique(f->sn, l); /* two items with one key: the long way says where */
}

static const yajl_callbacks profile_callbacks = {
    p_null, p_bool, NULL, NULL, p_number, p_string, p_start_map, p_key, p_end_map,
    p_start_array, p_end_array};

/* yajl's memory for one profile's parse, from the profile's arena: a parse per record allocates
 * and frees nothing one piece at a time. Each piece keeps its size before it, for realloc. */
static void *ya_malloc(void *ctx, size_t n)
{
    size_t *h = arena_alloc_raw(ctx, n + 16);
    h[0] = n;
    return (char *)h + 16;
}

static void *ya_realloc(void *ctx, void *old, size_t n)
{
    if (!old)
        return ya_malloc(ctx, n);
    size_t had = *(size_t *)((char *)old - 16);
    if (n <= had)
        return old;
    void *p = ya_malloc(ctx, n);
    memcpy(p, old, had);
    return p;
}

static void ya_free(void *ctx, void *p)
{
    (void)ctx; /* the arena's reset frees it */
    (void)p;
}

int calc_json_profile(arena *a, const calc_schema *s, const char *file, unsigned line,
                      const char *text, size_t len, calc_profile *p)
{
    pctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.loc.file = file;
    c.loc.line = line;
    c.stack[0].sn = s->root;
    yajl_alloc_funcs af = {ya_malloc, ya_realloc, ya_free, a};
    yajl_handle h = yajl_alloc(&profile_callbacks, &af, &c);
    if (!h)
        return -1;
    yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    yajl_free(h);
    if (st != yajl_status_ok || !c.done || c.depth != 0)
        return -1;
    p->file = file;
    p->root = c.root;
    const pval *id = &c.root.u.o->slot[schema_child(s->root, "id", 2)->index];
    p->id = id->set ? id->u.s : "";
    return 0;
}
