/* load.c — YAML text to the value tree, through libyaml's event API so that nesting depth,
 * aliases and sizes are limited while parsing. The only file that includes <yaml.h>.
 * It knows nothing of the schema: a value tree is plain maps, sequences and scalars. */
#include "internal.h"
#include "msgs.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct frame {
    value *v;
    size_t cap;
    value *pending_key; /* map: key waiting for its value */
    keyset *keys;       /* map: its keys, once it has many */
} frame;

/* ---- a set of mapping keys, so that finding a repeated key costs O(1) per key ----
 * Open addressing over the keys' bytes (FNV-1a); made only once a mapping has KEYSET_MIN
 * keys, so that the usual small mappings cost no allocation. */
#define KEYSET_MIN 32
#define NUL_HINT "remove it: text cannot contain a NUL character (\\0, \\u0000 or a zero byte)"

struct keyset {
    const value **slot;
    size_t cap, n; /* cap: a power of two, at least twice n */
};

static size_t key_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 29));
}

static bool key_eq(const value *a, const value *b)
{
    return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

/* The key equal to k in s, or NULL after adding k. */
static const value *keyset_put(keyset *s, const value *k)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        const value **slot = calloc(cap, sizeof *slot);
        if (!slot)
            abort(); /* as arena_alloc does when memory runs out */
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i]) {
                size_t j = key_hash(s->slot[i]->str, s->slot[i]->len) & (cap - 1);
                while (slot[j])
                    j = (j + 1) & (cap - 1);
                slot[j] = s->slot[i];
            }
        free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    size_t j = key_hash(k->str, k->len) & (s->cap - 1);
    for (; s->slot[j]; j = (j + 1) & (s->cap - 1))
        if (key_eq(s->slot[j], k))
            return s->slot[j];
    s->slot[j] = k;
    s->n++;
    return NULL;
}

/* The key among keys[0..n) with the same bytes as k, or NULL. *set (NULL at first) is the
 * mapping's set of those keys, made once there are KEYSET_MIN; k is added to it, so the caller
 * calls this for every key of the mapping in order, and frees the set with keyset_free. */

const value *keyset_find_add(keyset **set, value *const *keys, size_t n, const value *k)
{
    if (!*set) {
        if (n < KEYSET_MIN) {
            for (size_t i = 0; i < n; i++)
                if (key_eq(keys[i], k))
                    return keys[i];
            return NULL;
        }
        *set = calloc(1, sizeof **set);
        if (!*set)
            abort();
        for (size_t i = 0; i < n; i++)
            keyset_put(*set, keys[i]); /* a repeated one keeps the first */
    }
    return keyset_put(*set, k);
}

void keyset_free(keyset *s)
{
    if (!s)
        return;
    free(s->slot);
    free(s);
}

/* ---- NUL characters: refused, never a string cut short ---- */

/* The byte offset of character number `index` (libyaml counts characters from the start of
 * the text, after a byte order mark). */
static size_t byte_of_char(const char *t, size_t len, size_t index)
{
    size_t i = 0;
    if (len >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
        (unsigned char)t[2] == 0xBF)
        i = 3;
    for (; index > 0 && i < len; index--) {
        i++;
        while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* In the double-quoted scalar whose opening quote is t[at], on *line at *col: the line and
 * column of the first escape that gives U+0000 (\0, \x00, \u0000, \U00000000). */
static bool nul_escape_at(const char *t, size_t len, size_t at, unsigned *line, unsigned *col)
{
    unsigned l = *line, c = *col + 1;
    if (at >= len || t[at] != '"')
        return false;
    for (size_t i = at + 1; i < len && t[i] != '"';) {
        if (t[i] == '\\' && i + 1 < len) {
            char e = t[i + 1];
            size_t digits = e == '0' ? 0 : e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 9;
            size_t k = 0;
            while (k < digits && i + 2 + k < len && t[i + 2 + k] == '0')
                k++;
            if (digits < 9 && k == digits) {
                *line = l;
                *col = c;
                return true;
            }
            i++; /* the escaped character is stepped over below */
            c++;
        }
        if (t[i] == '\n' || t[i] == '\r') {
            i += t[i] == '\r' && i + 1 < len && t[i + 1] == '\n' ? 2 : 1;
            l++;
            c = 1;
            continue;
        }
        i++;
        while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
            i++;
        c++;
    }
    return false;
}

static calc_loc mkloc_at(const char *file, yaml_mark_t m, unsigned line0)
{
    calc_loc l = {file, (unsigned)m.line + 1 + line0, (unsigned)m.column + 1};
    return l;
}
#define mkloc(f, m) mkloc_at((f), (m), line0)

static void push_child(arena *a, frame *f, value *child)
{
    if (f->v->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        value **items = arena_alloc(a, cap * sizeof *items);
        value **keys = arena_alloc(a, cap * sizeof *keys);
        if (f->v->n) {
            memcpy(items, f->v->items, f->v->n * sizeof *items);
            if (f->v->keys)
                memcpy(keys, f->v->keys, f->v->n * sizeof *keys);
        }
        f->v->items = items;
        f->v->keys = f->v->type == V_MAP ? keys : NULL;
        f->cap = cap;
    }
    if (f->v->type == V_MAP) {
        f->v->keys[f->v->n] = f->pending_key;
        f->pending_key = NULL;
    }
    f->v->items[f->v->n++] = child;
}

/* A plain null scalar: empty, ~, null, Null, NULL. */
static bool plain_null(const value *v)
{
    if (v->quoted)
        return false;
    return v->len == 0 || strcmp(v->str, "~") == 0 || strcmp(v->str, "null") == 0 ||
           strcmp(v->str, "Null") == 0 || strcmp(v->str, "NULL") == 0;
}

bool value_is_null(const value *v) { return !v || v->type == V_NULL; }

const value *map_get(const value *m, const char *key)
{
    if (!m || m->type != V_MAP)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (m->keys[i] && strcmp(m->keys[i]->str, key) == 0)
            return m->items[i];
    return NULL;
}

/* Parses events into documents until the stream ends or max_docs documents were read
 * (0: no limit). *ended is set when the stream ended. */
static int parse_events(yaml_parser_t *pp, arena *a, const char *file, size_t max_docs,
                        value ***docs_out, size_t *ndocs_out, bool *ended, calc_diags *diags,
                        const char *text, size_t tlen, unsigned line0)
{
#define p (*pp)
    yaml_event_t ev;
    frame stack[CALC_DEPTH_CEILING + 1];
    int depth = 0, rc = 0, soft = 0;
    value **docs = NULL;
    size_t ndocs = 0, capdocs = 0;
    value *root = NULL;

    *ended = false;
    for (;;) {
        if (max_docs && ndocs == max_docs)
            break;
        if (!yaml_parser_parse(&p, &ev)) {
            calc_loc l = mkloc(file, p.problem_mark);
            if (p.error == YAML_READER_ERROR) {
                l.line = 0;
                l.col = 0;
                if (text && p.problem_offset <= tlen) { /* the line and column of the byte */
                    size_t at = p.problem_offset; /* back to the sequence's first byte */
                    while (at > 0 && ((unsigned char)text[at - 1] & 0xC0) == 0x80)
                        at--;
                    if (at > 0 && (unsigned char)text[at - 1] >= 0xC0)
                        at--;
                    l.line = 1 + line0;
                    l.col = 1;
                    for (size_t i = 0; i < at; i++) {
                        if (text[i] == '\n') {
                            l.line++;
                            l.col = 1;
                        } else if (((unsigned char)text[i] & 0xC0) != 0x80)
                            l.col++;
                    }
                }
                if (text && p.problem_offset < tlen && text[p.problem_offset] == 0)
                    diag_at(diags, CALC_ESYNTAX, &l, NULL, NUL_HINT,
                            "NUL character (U+0000) is not accepted");
                else
                    diag_at(diags, CALC_ESYNTAX, &l, NULL, "save the file as UTF-8",
                            "invalid text at byte %zu: %s", p.problem_offset,
                            p.problem ? msg_ext(p.problem) : calc_msg_arg("unreadable"));
            } else {
                bool tab = text && p.problem_mark.index < tlen &&
                           text[p.problem_mark.index] == '\t';
                calc_error *x = diag_at(diags, CALC_ESYNTAX, &l, NULL,
                                        tab ? "YAML indents with spaces, never tabs: replace "
                                              "the tab with spaces"
                                            : NULL,
                                        "YAML syntax: %s",
                                        p.problem ? msg_ext(p.problem)
                                                  : calc_msg_arg("invalid document"));
                if (p.context && !tab)
                    calc_error_hint(x, "%s (line %u, column %u)", msg_ext(p.context),
                                    (unsigned)p.context_mark.line + 1 + line0,
                                    (unsigned)p.context_mark.column + 1);
            }
            rc = CALC_ESYNTAX;
            break;
        }
        yaml_event_type_t t = ev.type;
        calc_loc loc = mkloc(file, ev.start_mark);
        value *v = NULL;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            *ended = true;
            break;
        }
        switch (t) {
        case YAML_ALIAS_EVENT:
            diag_at(diags, CALC_ESYNTAX, &loc, NULL, "write the value out in full",
                    "YAML aliases (*%s) are not accepted", (const char *)ev.data.alias.anchor);
            rc = CALC_ESYNTAX;
            break;
        case YAML_SCALAR_EVENT:
            if (ev.data.scalar.length > CALC_MAX_SCALAR) {
                diag_at(diags, CALC_ELIMIT, &loc, NULL, VALUE_HINT,
                        "scalar of %zu bytes exceeds the limit of %zu bytes (--max-input)",
                        ev.data.scalar.length, CALC_MAX_SCALAR);
                rc = CALC_ELIMIT;
                break;
            }
            if (memchr(ev.data.scalar.value, 0, ev.data.scalar.length)) {
                /* an escape (\0, \x00, \u0000) in a double-quoted scalar: at the escape */
                calc_loc at = loc;
                if (text) {
                    size_t b = byte_of_char(text, tlen, ev.start_mark.index);
                    unsigned l = at.line, c = at.col;
                    if (nul_escape_at(text, tlen, b, &l, &c))
                        at.line = l, at.col = c;
                }
                diag_at(diags, CALC_ESYNTAX, &at, NULL, NUL_HINT,
                        "NUL character (U+0000) in a %s is not accepted",
                        calc_msg_arg(depth > 0 && stack[depth - 1].v->type == V_MAP &&
                                             !stack[depth - 1].pending_key
                                         ? "key"
                                         : "value"));
                rc = CALC_ESYNTAX;
                break;
            }
            v = arena_alloc(a, sizeof *v);
            v->type = V_SCALAR;
            v->loc = loc;
            v->str = arena_strndup(a, (const char *)ev.data.scalar.value, ev.data.scalar.length);
            v->len = ev.data.scalar.length;
            v->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
            if (plain_null(v) && !(depth > 0 && stack[depth - 1].v->type == V_MAP &&
                                   !stack[depth - 1].pending_key))
                v->type = V_NULL;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth >= CALC_MAX_DEPTH) {
                diag_at(diags, CALC_ELIMIT, &loc, NULL, DEPTH_HINT,
                        "nesting deeper than %d levels (--max-depth)", CALC_MAX_DEPTH);
                rc = CALC_ELIMIT;
                break;
            }
            v = arena_alloc(a, sizeof *v);
            v->type = t == YAML_SEQUENCE_START_EVENT ? V_SEQ : V_MAP;
            v->loc = loc;
            break;
        default:
            break;
        }
        if (rc) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_DOCUMENT_START_EVENT) {
            root = NULL;
        } else if (t == YAML_DOCUMENT_END_EVENT) {
            if (ndocs == capdocs) {
                capdocs = capdocs ? capdocs * 2 : 4;
                value **nd = arena_alloc(a, capdocs * sizeof *nd);
                if (ndocs)
                    memcpy(nd, docs, ndocs * sizeof *nd);
                docs = nd;
            }
            if (!root) {
                root = arena_alloc(a, sizeof *root);
                root->type = V_NULL;
                root->loc = loc;
            }
            docs[ndocs++] = root;
        } else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
            depth--;
            keyset_free(stack[depth].keys);
            stack[depth].keys = NULL;
        }
        if (v) {
            if (depth == 0) {
                root = v;
            } else {
                frame *f = &stack[depth - 1];
                if (f->v->type == V_MAP && !f->pending_key) {
                    /* a key: must be a scalar, unique */
                    if (v->type != V_SCALAR) {
                        diag_at(diags, CALC_ESYNTAX, &loc, NULL, NULL,
                                "a mapping key must be a plain name");
                        rc = CALC_ESYNTAX;
                        yaml_event_delete(&ev);
                        break;
                    }
                    const value *first = keyset_find_add(&f->keys, f->v->keys, f->v->n, v);
                    if (first) {
                        calc_error *x = diag_at(diags, CALC_ESCHEMA, &loc, NULL, NULL,
                                                "duplicate key '%s'", v->str);
                        calc_error_hint(x, "first given at line %u, column %u", first->loc.line,
                                        first->loc.col);
                        soft = CALC_ESCHEMA;
                    }
                    f->pending_key = v;
                    yaml_event_delete(&ev);
                    continue;
                }
                push_child(a, f, v);
            }
            if (v->type == V_SEQ || v->type == V_MAP) {
                stack[depth].v = v;
                stack[depth].cap = 0;
                stack[depth].pending_key = NULL;
                stack[depth].keys = NULL;
                depth++;
            }
        }
        yaml_event_delete(&ev);
    }
    while (depth > 0) /* the mappings an error left open */
        keyset_free(stack[--depth].keys);
    if (!rc)
        rc = soft; /* duplicate keys: every one was reported, parsing went on */
    *docs_out = docs;
    *ndocs_out = ndocs;
    return rc;
#undef p
}

int calc_yaml_parse_at(arena *a, const char *file, unsigned first_line, const char *text,
                       size_t len, value ***docs, size_t *ndocs, calc_diags *diags)
{
    yaml_parser_t p;
    bool ended;
    if (!yaml_parser_initialize(&p))
        return CALC_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int rc = parse_events(&p, a, file, 0, docs, ndocs, &ended, diags, text, len,
                          first_line ? first_line - 1 : 0);
    yaml_parser_delete(&p);
    return rc;
}

int calc_yaml_parse(arena *a, const char *file, const char *text, size_t len, value ***docs,
                    size_t *ndocs, calc_diags *diags)
{
    yaml_parser_t p;
    bool ended;
    if (!yaml_parser_initialize(&p))
        return CALC_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int rc = parse_events(&p, a, file, 0, docs, ndocs, &ended, diags, text, len, 0);
    yaml_parser_delete(&p);
    return rc;
}

struct yaml_stream {
    yaml_parser_t p;
    const char *file;
    bool ended, failed;
};

yaml_stream *yaml_stream_open(FILE *f, const char *file)
{
    yaml_stream *s = calloc(1, sizeof *s);
    if (!s || !yaml_parser_initialize(&s->p)) {
        free(s);
        return NULL;
    }
    yaml_parser_set_input_file(&s->p, f);
    s->file = file;
    return s;
}

int yaml_stream_next(yaml_stream *s, arena *a, value **doc, calc_diags *d)
{
    if (s->ended || s->failed)
        return 0;
    value **docs;
    size_t n;
    int rc = parse_events(&s->p, a, s->file, 1, &docs, &n, &s->ended, d, NULL, 0, 0);
    if (rc == CALC_ESYNTAX || rc == CALC_ELIMIT || rc == CALC_ENOMEM) {
        s->failed = true; /* libyaml cannot resume after an error */
        return rc;
    }
    if (n == 0)
        return rc ? rc : 0;
    *doc = docs[0];
    return rc ? rc : 1;
}

unsigned yaml_stream_line(const yaml_stream *s) { return (unsigned)s->p.mark.line + 1; }

void yaml_stream_close(yaml_stream *s)
{
    if (!s)
        return;
    yaml_parser_delete(&s->p);
    free(s);
}
