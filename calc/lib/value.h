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

/* Adds a diagnostic at loc (or none) about path (or none): fmt, an English format of the
 * message catalogue (msgs.h), made in English and Chinese; hint a plain text of the catalogue,
 * or NULL. Returns the diagnostic, for calc_error_hint when the hint needs arguments ("did you
 * mean '%s'?"), or NULL when d is full (calc_error_hint(NULL, …) does nothing). */
calc_error *diag_at(calc_diags *d, int code, const calc_loc *loc, const char *path,
                    const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The hint that fits why an amount was refused (a reason calc_money_parse gives: "too large",
 * "negative amounts are not allowed" …), or NULL when the reason says what to write (money.c). */
const char *money_reason_hint(const char *why);
/* The same with the message already made in each language. */
calc_error *diag_texts(calc_diags *d, int code, const calc_loc *loc, const char *path,
                       const char *hint, const char *en, const char *zh);
/* "FILE:LINE: error: MESSAGE" (or "calc: error: MESSAGE" without a file) on out, in the
 * settings' language; fmt as for diag_at. */
void diag_print(FILE *out, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The message (hint) of err from texts already made in each language (zh NULL or "": en). */
void calc_error_texts(calc_error *err, const char *en, const char *zh);
void calc_error_hint_texts(calc_error *err, const char *en, const char *zh);
/* The message of err from an error a policy script raised: its text in English, and in Chinese
 * the same in a Chinese frame, calc's own messages in it translated (msg_lua_zh). */
void calc_error_policy(calc_error *err, const char *text);
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
