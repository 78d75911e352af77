/* internal.h — types shared by the library's modules: the arena, the YAML value tree, the
 * schema, typed profiles, compiled conditions and results. Never included by main.c, and never
 * includes <lua.h> or <yaml.h>: those stay in sandbox.c/policy.c and load.c. */
#ifndef CALC_INTERNAL_H
#define CALC_INTERNAL_H

#include "calc.h"

#include <stdbool.h>
#include <string.h>

#define CALC_DEPTH_CEILING 256 /* the largest nesting limit calc_limits may set */
#define CALC_MAX_DEPTH (calc_limits_get()->depth)
#define CALC_MAX_INPUT (calc_limits_get()->input)
#define CALC_MAX_SCALAR (calc_limits_get()->scalar)

/* ---- arena: bump allocation, freed at once ---- */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    arena_block *spare; /* blocks kept by arena_reset, reused before new ones */
} arena;
void *arena_alloc(arena *a, size_t n);       /* cleared */
void *arena_alloc_raw(arena *a, size_t n);   /* not cleared: for what is written at once */
/* An array of n elements of size elem with room for one more: v itself, or a copy twice the
 * capacity (first when empty) with the new room cleared; *cap follows. */
void *arena_grow(arena *a, void *v, size_t n, size_t *cap, size_t elem, size_t first);
/* Empties the arena but keeps its blocks for the next allocations (arena_free releases). */
void arena_reset(arena *a);
char *arena_strndup(arena *a, const char *s, size_t n);
/* A block of n bytes outside any arena, grown in place (data NULL: a new one), that an arena
 * can take over whole with arena_adopt (no copy); arena_solo_free if it is never adopted. */
void *arena_solo(void *data, size_t n);
void arena_solo_free(void *data);
void arena_adopt(arena *a, void *data);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies len bytes of s into dst (cap >= 8) as valid UTF-8, NUL-terminated: every invalid
 * sequence and every NUL byte becomes U+FFFD, nothing else is dropped; text that does not fit
 * is cut at a character boundary and ends with "…". Returns the bytes written. */
size_t calc_utf8_clean(char *dst, size_t cap, const char *s, size_t len);
/* The same into the arena, at most max bytes (0: no limit). */
char *arena_utf8_clean(arena *a, const char *s, size_t len, size_t max);
void arena_free(arena *a);

/* ---- growable byte buffer ---- */
typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;
void sb_grow(sbuf *b, size_t more); /* room for more bytes and the terminating NUL */
static inline void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap)
        sb_grow(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static inline void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
#define SB_LIT(b, s) sb_putn((b), (s), sizeof(s) - 1)
void sb_int(sbuf *b, long long v);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_json_str(sbuf *b, const char *s);
void sb_free(sbuf *b);

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

/* ---- schema (schema.c) ---- */
enum { T_OBJECT, T_LIST, T_STRING, T_INT, T_MONEY, T_DATE, T_BOOL, T_ENUM };

typedef struct enum_def {
    const char *name;
    size_t n;
    const char **values;
    const char **zh; /* labels */
} enum_def;

typedef struct snode snode;
struct snode {
    const char *name; /* last segment */
    size_t name_len;
    const char *jkey; /* the name as a JSON key: "name": */
    size_t jkey_len;
    const char *path; /* dotted, lists as name[] */
    int type;
    const enum_def *en;
    bool required;
    bool has_default;
    bool has_min, has_max;
    int64_t min, max;
    const char *zh, *en_text; /* descriptions */
    const char *label;        /* short Chinese label */
    const char *group;        /* form group (基本信息, 财务数据…) */
    int index;                /* slot index within the parent object */
    snode *parent;
    size_t nchild;
    snode **child; /* T_OBJECT */
    snode *item;   /* T_LIST: the item node (object or scalar) */
};

typedef struct calc_schema {
    arena a;
    calc_loc loc; /* its `fields:` (or the file's start), for errors about the schema */
    snode *root;
    size_t nenum;
    enum_def *enums;
} calc_schema;

int calc_schema_load(calc_schema *s, const char *path, calc_diags *diags);
void calc_schema_free(calc_schema *s);
const snode *schema_child(const snode *obj, const char *name, size_t len);
/* Resolves a dotted path ("finance.rd_expense", "stores[].kind") from base. */
const snode *schema_resolve(const snode *base, const char *path);
const enum_def *schema_enum(const calc_schema *s, const char *name);
int enum_index(const enum_def *e, const char *s);
const char *enum_label(const enum_def *e, int i);

/* ---- typed profile ---- */
typedef struct pval pval;
typedef struct pobj pobj;
typedef struct plist plist;
struct pval {
    bool set;
    int type;
    calc_loc loc;
    union {
        int64_t i; /* int, money (fen), date (days), bool, enum index */
        const char *s;
        pobj *o;
        plist *l;
    } u;
    const char *s; /* enum: the value text */
};
struct pobj {
    const snode *sn;
    pval *slot; /* sn->nchild */
};
struct plist {
    size_t n;
    pval *item;
};

struct calc_profile {
    arena a;
    const char *file;
    const char *id;
    pval root;
};

int profile_from_value(calc_profile *p, const calc_schema *s, const value *doc, calc_diags *d);
/* A copy of p whose values can be changed without touching p (its strings stay p's: the copy
 * must not outlive p); freed with calc_profile_free. */
calc_profile *profile_copy(const calc_profile *p);
/* One scalar's text (NUL-terminated, len bytes) as the typed value of node n (not objects or
 * lists); -1 when it does not convert. Strings keep the pointer. */
int schema_scalar(const snode *n, const char *str, size_t len, bool quoted, pval *out);
/* Fills the absent slots of o that have defaults (and every nested object). */
void schema_fill_defaults(arena *a, const snode *n, pobj *o);
/* A JSON Lines record straight into a profile, without the value tree: 0 when it is a valid
 * profile; otherwise nonzero, and the caller validates it the long way for the diagnostics. */
int calc_json_profile(arena *a, const calc_schema *s, const char *file, unsigned line,
                      const char *text, size_t len, calc_profile *p);
/* A validated profile in a compact binary form (batch keeps it between its two passes), and
 * back: unpack gives the same profile (positions aside); -1 when the bytes are not a packing. */
void profile_pack(sbuf *b, const calc_profile *p);
int profile_unpack(calc_profile *p, const calc_schema *s, const char *data, size_t len);
/* Overrides one field from "PATH=VALUE" text (used by --set). */
const pval *pval_get(const pval *root, const snode *sn, const int *idx);

/* Scalar rendering for explanations: money "1234.50", dates ISO, enums their value. */
void pval_render(sbuf *b, const pval *v);

/* ---- conditions (policy.c compiles, cond.c evaluates) ---- */
enum {
    C_EQUALS, C_ONE_OF, C_AT_LEAST, C_AT_MOST, C_GREATER, C_LESS, C_BETWEEN, C_HAS_TAG, C_IS_SET,
    C_IS_TRUE, C_ON_OR_AFTER, C_ON_OR_BEFORE, C_ANY_ITEM, C_ALL, C_ANY, C_NOT
};
enum { TV_FALSE = 0, TV_TRUE = 1, TV_UNKNOWN = 2 };

/* A required value: a literal, a parameter, or a date relative to as_of. */
typedef struct reqval {
    int kind; /* RV_LIT, RV_PARAM, RV_YEARS_BEFORE_AS_OF */
    int type; /* T_* of the value */
    int64_t i;
    const char *s;
    int param; /* parameter index (RV_PARAM / the years of RV_YEARS_BEFORE_AS_OF) */
    size_t n;  /* one_of */
    struct reqval *list;
} reqval;
enum { RV_LIT, RV_PARAM, RV_YEARS_BEFORE_AS_OF, RV_IN_FORCE_FROM, RV_IN_FORCE_TO };

/* The JSON text of a condition's record that does not depend on the profile, made when first
 * written (output.c): its name and field, and its requirement for one as_of and one version
 * of the policy's parameters and dates. Empty when not made (or too long to keep). */
typedef struct cond_json {
    char head[192]; /* {"name": "…", "field": "…", "actual": */
    char req[320];  /* , "required": "…", "result": " */
    unsigned short head_len, req_len;
    calc_date as_of;
    unsigned gen;
    int64_t from, to;
} cond_json;

typedef struct cond cond;
struct cond {
    int op;
    const char *name;  /* author's name or a generated one */
    const char *zh;    /* author's Chinese wording, or NULL */
    const char *field; /* dotted path relative to the base (root or list item) */
    const snode *sn;
    int pidx[8]; /* slot indexes from the base object to the field */
    int plen;
    reqval req[2];
    size_t n;
    cond *sub; /* all/any/not/any_item */
    unsigned line;
    cond_json *js;
};

/* ---- results ---- */
enum {
    ST_ELIGIBLE, ST_INELIGIBLE, ST_NEEDS_DATA, ST_NOT_IN_FORCE, ST_SUPERSEDED, ST_ERROR
};
enum { K_CASH, K_IN_KIND, K_MATCH };

typedef struct crec { /* one evaluated condition, rendered only when written */
    const char *name;
    const char *field;  /* set for records made outside a condition; else prefix + c->field */
    const char *prefix; /* "stores[1]." inside an any_item, else "" */
    pval v;             /* a copy of the actual value (unset: absent); lists are rendered into
                         * `actual` (or counted, for any_item) when the record is made */
    char *actual;       /* text overrides, for records made outside a condition */
    char *required;
    int result;         /* TV_* */
    int depth;
    bool quiet; /* inside a composite that did not fail: not a reason */
    const cond *c;
    const void *pol; /* the policy, whose parameters a required value may name */
    calc_date as_of;
} crec;
/* Renders a record's parts (eval.c). crec_actual returns false when the value is absent. */
void crec_field(sbuf *b, const crec *r);
bool crec_actual(sbuf *b, const crec *r);
void crec_required(sbuf *b, const crec *r);

typedef struct qchange { /* one field change of a to_qualify suggestion */
    const char *field;  /* "finance.rd_expense", "stores[1].area_m2" */
    const char *action; /* raise, lower, set, add, provide */
    char *now;          /* current value, NULL when absent */
    char *to;           /* the value needed */
    char *by;           /* the difference, for amounts and numbers */
} qchange;

typedef struct qualify {
    bool possible;       /* a proven set of changes exists */
    bool example;        /* the amount uses example values for fields to provide */
    size_t n;
    qchange *change;
    calc_money amount;   /* what the policy would then bring */
    int64_t quantity;
    size_t nfixed;
    const char **fixed;  /* failing fields that cannot change (dates already past) */
} qualify;

typedef struct pres {
    int policy;   /* index into the engine's policies */
    int status;
    int kind;
    calc_money amount;        /* granted */
    calc_money amount_before; /* before the group (superseded) */
    calc_money amount_before_cap;
    bool capped;
    bool pooled; /* a budget pool changed the grant */
    calc_money amount_before_pool;
    int64_t quantity_before_pool;
    int64_t quantity;
    int64_t quantity_claimed;
    const char *unit;
    const char *superseded_by;
    const char *cap_name;
    calc_money cap_limit, cap_sum; /* the factor applied: limit / sum */
    size_t ndetail;
    char **detail;
    size_t nreason, ncond, nmissing, nstep;
    crec *reason; /* failed condition records (point into cond) */
    crec *cond;
    char **missing;
    char **step; /* computation steps, human text */
    char *error;   /* status error: message */
    struct qualify *to_qualify; /* how to become eligible, when asked for (qualify.c) */
    char *error_loc;
} pres;

struct calc_result {
    arena a;
    const char *profile_id;
    calc_date as_of;
    size_t n;
    pres *r;
    calc_money cash, in_kind;
    bool any_error;
    bool totals_overflow; /* a total exceeded the largest amount: shown as an error */
    char profile_fp[65];
};

/* ---- the readers' and writers' shared pieces ---- */
/* The keys of a mapping, hashed once it has many (load.c): finds k among keys[0..n) — adding
 * it — in constant time; NULL when it is new, else the earlier equal key. */
typedef struct keyset keyset;
const value *keyset_find_add(keyset **set, value *const *keys, size_t n, const value *k);
void keyset_free(keyset *s);
/* A CSV text cell: quoted when it must be, and text a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR first) behind a single quote (csvout.c). */
void csv_text(sbuf *b, const char *s);
/* The CSV rows of one result line (a JSON tree), or with header the header row. */
void csv_rows(sbuf *out, const value *line, bool header);

#endif
