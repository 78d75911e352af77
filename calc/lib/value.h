/* value.h — the document tree every reader builds (YAML through libyaml in load.c, JSON
 * through yajl in json.c) with each node's file:line:column, the readers themselves, file
 * reading and diagnostics at a position. <yaml.h> and <yajl/…> stay inside load.c and json.c. */
#ifndef CALC_VALUE_H
#define CALC_VALUE_H

#include "mem.h"

/* ---- raw YAML value tree (load.c) ---- */
typedef struct calc_loc {
    const char *file;
    unsigned line, col;
} calc_loc;

enum { V_NULL, V_SCALAR, V_MAP, V_SEQ };
typedef struct value value;
struct value {
    int type;
    bool quoted; /* scalar was quoted: never null, never a bool */
    calc_loc loc;
    const char *str; /* scalar text, NUL-terminated */
    size_t len;
    size_t n;           /* map pairs / seq items */
    value **keys;       /* map keys (scalars) */
    value **items;      /* map values / seq items */
};

/* Parses YAML text into a tree allocated in a. Multi-document streams give one value per
 * document in *docs (count *ndocs). Errors go into diags; returns 0 or a CALC_E* code. */
int calc_yaml_parse(arena *a, const char *file, const char *text, size_t len, value ***docs,
                    size_t *ndocs, calc_diags *diags);
/* The same for a document that starts on line first_line of its file. */
int calc_yaml_parse_at(arena *a, const char *file, unsigned first_line, const char *text,
                       size_t len, value ***docs, size_t *ndocs, calc_diags *diags);
/* A YAML stream read one document at a time (batch input). next returns 1 with a document,
 * 0 at the end, or a negative CALC_E* code (after a syntax error the stream cannot resume;
 * after a schema-level problem such as a duplicate key the document is still returned). */
typedef struct yaml_stream yaml_stream;
yaml_stream *yaml_stream_open(FILE *f, const char *file);
int yaml_stream_next(yaml_stream *s, arena *a, value **doc, calc_diags *d);
unsigned yaml_stream_line(const yaml_stream *s);
void yaml_stream_close(yaml_stream *s);
/* Parses one JSON document (a JSON Lines record at `line`) into a value tree: strings are
 * quoted scalars, numbers/true/false unquoted scalars with their exact text. */
int calc_json_parse(arena *a, const char *file, unsigned line, const char *text, size_t len,
                    value **out, calc_diags *d);
void calc_json_write(sbuf *b, const value *v);
/* JSON values carry byte columns; this turns diagnostics from..n about that line into
 * character columns (call it once, after validating the parsed line). */
void calc_json_columns(calc_diags *d, size_t from, const char *file, unsigned line,
                       const char *text, size_t len);
/* Reads a whole file (<= CALC_MAX_INPUT) into a malloc'd, NUL-terminated buffer. */
int calc_read_file(const char *path, char **out, size_t *len, calc_error *err);
/* The same, its error added to d; returns the error's code or 0. */
int calc_read_file_diag(const char *path, char **out, size_t *len, calc_diags *d);
const value *map_get(const value *m, const char *key);
int calc_apply_set(arena *a, value *doc, const char *arg, calc_diags *d);
bool value_is_null(const value *v);

void diag_at(calc_diags *d, int code, const calc_loc *loc, const char *path, const char *hint,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The closest of n names to s (edit distance over code points), or NULL if none is close. */
const char *closest_name(const char *s, const char *const *names, size_t n);
/* Reports every key of map m that is not one of names[0..n) as "unknown WHAT 'k'" at the key,
 * with the closest name as a hint (or "keys: LIST"); returns how many there were. */
size_t diag_unknown_keys(calc_diags *d, const value *m, const char *const *names, size_t n,
                         const char *what, const char *list);

/* The keys of a mapping, hashed once it has many (load.c): finds k among keys[0..n) — adding
 * it — in constant time; NULL when it is new, else the earlier equal key. */
typedef struct keyset keyset;
const value *keyset_find_add(keyset **set, value *const *keys, size_t n, const value *k);
void keyset_free(keyset *s);

#endif
