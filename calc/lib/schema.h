/* schema.h — the schema (policies/schema.yaml) as a tree of typed fields, and profiles validated against
 * it: typed values with their positions, defaults, packing and the canonical form. */
#ifndef CALC_SCHEMA_H
#define CALC_SCHEMA_H

#include "value.h"

/* ---- schema (schema.c) ---- */
/* T_MONTH (a month, `YYYY-MM`) is kept as a calc_date of the month's first day and rendered
 * `YYYY-MM`; it comes last so that the other types keep their numbers. */
enum { T_OBJECT, T_LIST, T_STRING, T_INT, T_MONEY, T_DATE, T_BOOL, T_ENUM, T_MONTH };
#define T_NTYPES 9

typedef struct enum_def {
    const char *name;
    size_t n;
    const char **values;
    const char **zh; /* labels */
    const char **en;
} enum_def;

/* What a "how to qualify" suggestion may do to a field (schema.yaml `change:`): never (a fact,
 * or history: what was already paid), raise it (a quantity; next_year: a target for the next
 * claim year), move it (relocate: 迁入 a district), obtain it (a qualification) or choose it. */
enum { CH_FACT, CH_HISTORY, CH_RAISE, CH_NEXT_YEAR, CH_RELOCATE, CH_OBTAIN, CH_CHOOSE };

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
    int64_t dflt;             /* the default of a scalar with one (int, money, date, month, bool,
                               * enum index); a list's default is [] */
    const char *dflt_s;       /* its text: a string's default, an enum's code */
    bool absent_none;         /* `absent: none`: absence means none, never unknown (lease.end) */
    bool from_records;        /* `source: records`: from the district's records (awards), never
                               * asked of the applicant */
    bool is_key;              /* `key: true`: a list item's identity (grants[].name): required,
                               * and no two items of a list share its value */
    bool has_min, has_max;
    int64_t min, max;
    const char *zh, *en_text; /* descriptions */
    const char *label;        /* short Chinese label */
    const char *label_en;     /* short English label */
    const char *unit, *unit_en; /* the word after a number (m², 人; a list: its items, 家) */
    const char *group;        /* form group (基本信息, 财务数据…) */
    int change;               /* CH_*: CH_FACT when the schema does not say */
    bool change_given;        /* the schema says it (`change:`) */
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
    /* --ledger: the history every profile validated against the schema gets from the records
     * (history.c), or NULL */
    const struct calc_history *history;
} calc_schema;

int calc_schema_load(calc_schema *s, const char *path, calc_diags *diags);
void calc_schema_free(calc_schema *s);
const snode *schema_child(const snode *obj, const char *name, size_t len);
/* Resolves a dotted path ("finance.rd_expense", "stores[].kind") from base. */
const snode *schema_resolve(const snode *base, const char *path);
const enum_def *schema_enum(const calc_schema *s, const char *name);
int enum_index(const enum_def *e, const char *s);
const char *enum_label(const enum_def *e, int i);
/* Value i's label in Chinese (lang 0) or English (1); the code when the schema gives none. */
const char *enum_label_lang(const enum_def *e, int i, int lang);
/* A field's short label in Chinese (lang 0) or English (1); its path when the schema gives none. */
const char *snode_label(const snode *n, int lang);
/* The key field of a list's items (`key: true`: grants[].name, social.monthly[].month), or
 * NULL when the list has none (awards) or n is not a list of records. */
const snode *schema_list_key(const snode *list);
/* Whether a field comes from the district's records (it or a list above it says `source:
 * records`), and whether its absence means none (`absent: none`, or a list with a default). */
bool schema_from_records(const snode *n);
bool schema_absent_none(const snode *n);
/* A field's `default:`, `absent:`, `source:` and `key:` from its schema entry def into n
 * (schemarules.c): 0, or CALC_ESCHEMA with the reason in d. */
int schema_load_rules(snode *n, const value *def, calc_diags *d);
/* A type's name in the schema ("month"). */
const char *schema_type_name(int type);
/* A field's `change:` from its schema entry def into n (schemachange.c): 0, or CALC_ESCHEMA
 * with the reason in d when the value is unknown or does not fit the field's type. */
int schema_load_change(snode *n, const value *def, calc_diags *d);
const char *schema_change_name(int change);

/* ---- labels (labels.c) ---- */
/* The value given as its code or its Chinese label (exactly), or -1. */
int enum_lookup(const enum_def *e, const char *s);
/* The code or label closest to s, for a "did you mean", or NULL. */
const char *enum_closest(const enum_def *e, const char *s);
/* The schema's labels name one thing each: no two values of an enum share a label, and no
 * label of a value is another's code; no two fields of a profile (outside list items), or of
 * one list's item, share a label. 0 or CALC_ESCHEMA with every clash in d. */
int schema_check_labels(const calc_schema *s, calc_diags *d);
/* The field path a CSV column named h by a field's label means, Chinese or English ("研发投入":
 * finance.rd_expense; a list's items numbered from 1, "门店1.面积" or "Stores 1.Floor area":
 * stores[0].area_m2) into out (cap bytes); false when no label is h. */
bool schema_label_column(const calc_schema *s, const char *h, char *out, size_t cap);
/* The path or label closest to h (paths, labels and a list's first item in each form), into
 * buf; NULL when none is close. */
const char *schema_column_closest(const calc_schema *s, const char *h, char *buf, size_t cap);

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
/* With a ledger (s->history): the enterprise's history from the records into p — awards[],
 * hq.star_rewarded_before, listing.stages_paid — after an error for each of them p states
 * itself. 0, or CALC_ESCHEMA with the errors in d (history.c). Without one: 0, p untouched. */
int history_apply(const calc_schema *s, calc_profile *p, calc_diags *d);
/* A copy of p whose values can be changed without touching p (its strings stay p's: the copy
 * must not outlive p); freed with calc_profile_free. */
calc_profile *profile_copy(const calc_profile *p);
/* s with the full-width digits and signs a Chinese input method types (１２，０００．５０,
 * ２０２４／３／１５, －) as ASCII, in buf (cap bytes), *len updated; s itself when it has none
 * or is too long. */
const char *schema_halfwidth(const char *s, size_t *len, char *buf, size_t cap);
/* One scalar's text (NUL-terminated, len bytes) as the typed value of node n (not objects or
 * lists); -1 when it does not convert. Strings keep the pointer. */
int schema_scalar(const snode *n, const char *str, size_t len, bool quoted, pval *out);
/* Whether no two items of list l (of the list node list) have the same key (`key: true`). */
bool schema_keys_unique(const snode *list, const plist *l);
/* The items of l that repeat an earlier item's key, in item order: their indexes into at and
 * the index of the first item with that key into first (each room for l->n); their number. */
size_t schema_key_repeats(const snode *list, const plist *l, size_t *at, size_t *first);
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

/* Scalar rendering for explanations: money "1234.50", dates ISO, months YYYY-MM, enums their
 * value. */
void pval_render(sbuf *b, const pval *v);

/* "stores[0].kind" as the schema path "stores[].kind" into out (cap bytes); false when a '['
 * is not closed (out then holds the path up to it). */
bool schema_item_path(char *out, size_t cap, const char *path);

#endif
