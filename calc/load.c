/* load.c — YAML text to the value tree, through libyaml's event API so that nesting depth,
 * aliases and sizes are limited while parsing. The only file that includes <yaml.h>.
 * It knows nothing of the schema: a value tree is plain maps, sequences and scalars. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct frame {
    value *v;
    size_t cap;
    value *pending_key; /* map: key waiting for its value */
} frame;

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
                diag_at(diags, CALC_ESYNTAX, &l, NULL, "save the file as UTF-8",
                        "invalid text at byte %zu: %s", p.problem_offset,
                        p.problem ? p.problem : "unreadable");
            } else {
                char hint[256] = "";
                if (p.context)
                    snprintf(hint, sizeof hint, "%s (line %u, column %u)", p.context,
                             (unsigned)p.context_mark.line + 1 + line0,
                             (unsigned)p.context_mark.column + 1);
                diag_at(diags, CALC_ESYNTAX, &l, NULL, hint[0] ? hint : NULL,
                        "YAML syntax: %s", p.problem ? p.problem : "invalid document");
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
                diag_at(diags, CALC_ELIMIT, &loc, NULL, NULL,
                        "scalar of %zu bytes exceeds the limit of %zu bytes (--max-input)",
                        ev.data.scalar.length, CALC_MAX_SCALAR);
                rc = CALC_ELIMIT;
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
                diag_at(diags, CALC_ELIMIT, &loc, NULL, NULL,
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
                    for (size_t i = 0; i < f->v->n; i++)
                        if (strcmp(f->v->keys[i]->str, v->str) == 0) {
                            char hint[128];
                            snprintf(hint, sizeof hint, "first given at line %u, column %u",
                                     f->v->keys[i]->loc.line, f->v->keys[i]->loc.col);
                            diag_at(diags, CALC_ESCHEMA, &loc, NULL, hint,
                                    "duplicate key '%s'", v->str);
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
                depth++;
            }
        }
        yaml_event_delete(&ev);
    }
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
