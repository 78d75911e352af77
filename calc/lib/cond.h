/* cond.h — compiled conditions: the DSL's condition objects as C structs (policy.c compiles them,
 * eval.c evaluates them three-valued), with the values they require. */
#ifndef CALC_COND_H
#define CALC_COND_H

#include "schema.h"

/* ---- conditions (policy.c compiles, eval.c evaluates) ---- */
enum {
    C_EQUALS, C_ONE_OF, C_AT_LEAST, C_AT_MOST, C_GREATER, C_LESS, C_BETWEEN, C_HAS_TAG, C_IS_SET,
    C_IS_TRUE, C_ON_OR_AFTER, C_ON_OR_BEFORE, C_ANY_ITEM, C_ALL, C_ANY, C_NOT,
    /* computed conditions (book 2 §1.3–§1.7, evalx.c): each makes its own record (field,
     * actual, required and words), since what it reads is not one field */
    C_YEAR_INDEX_MIN, C_YEAR_INDEX_MAX, C_LEASE_MONTHS, C_WITHIN_MONTHS, C_RATIO,
    C_MONTHS_EVERY, C_MONTHS_COUNT, C_MONTHS_MIN, C_NO_AWARD, C_INSTALLMENT, C_STAGE_DATE,
    C_NOPS
};
/* Whether op is one of the computed conditions of evalx.c. */
#define COND_COMPUTED(op) ((op) >= C_YEAR_INDEX_MIN && (op) < C_NOPS)
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
enum { RV_LIT, RV_PARAM, RV_YEARS_BEFORE_AS_OF, RV_IN_FORCE_FROM, RV_IN_FORCE_TO,
       RV_CLAIM_YEAR, RV_EVENT_FROM, RV_EVENT_TO };

/* The key of a ledger condition (C_NO_AWARD, C_INSTALLMENT): the claim year, a field's value
 * (a date as ISO text, an enum's code, a string as it is), or the highest threshold reached by a
 * money field (its whole yuan; the condition then asks for keys >= it). */
enum { KEY_ANY, KEY_CLAIM_YEAR, KEY_FIELD, KEY_THRESHOLD };

/* What a condition's kept text depends on besides its record: the evaluation date and the
 * version of its policy's parameters and dates (policy.h: stamp_of, stamp_eq). */
typedef struct kept_stamp {
    calc_date as_of;
    unsigned gen;
    calc_date from, to;
} kept_stamp;

/* Texts of a condition's records kept by value (most reasons repeat: district = 建德市): made
 * on first use, one for each value of a choice (by_index), else eight that values share by a
 * hash. Each is for its value and requirement: the as_of and the version of the policy's
 * parameters and dates. */
typedef struct cond_kept {
    struct cond_whole {
        char *text; /* cap bytes in the policy set's arena */
        unsigned short len, cap;
        unsigned short split; /* CSV: where the reasons cell's part ends and the words begin */
        unsigned short alen;  /* CSV: a record's actual text, kept after its texts (len) */
        unsigned char flags;  /* CSV: which of the two texts holds a byte csv_text quotes for
                               * (1, 4) and a quote (2, 8) */
        bool ok;
        int type, tv; /* tv: the record's result (JSON), the language (CSV) */
        int64_t v;
        kept_stamp st;
        const void *pol; /* CSV: the policy whose words they are */
    } *v;
    size_t n;
    bool by_index;
} cond_kept;

/* The JSON text of a condition's record that does not depend on the profile, made when first
 * written (resultjson.c): its name and field, and its requirement for one as_of and one version
 * of the policy's parameters and dates. Empty when not made (or too long to keep). With them,
 * whole records (JSON) and their CSV texts (csvout.c) by value. */
typedef struct cond_json {
    char head[192]; /* {"name": "…", "field": "…", "actual": */
    char req[320];  /* , "required": "…", "result": " */
    unsigned short head_len, req_len;
    kept_stamp req_st; /* the requirement's */
    cond_kept whole; /* whole records of a number, date, yes/no or choice */
    cond_kept csv;   /* a record's part of the reasons cell, then its words */
    /* CSV: those texts of a record of a number or date around its value, for one language
     * and requirement — the reasons cell's part [0, cut[0]) value [cut[0], cut[1]), the words
     * [cut[1], cut[2]) value [cut[2], len); not usable when the value is not in each once */
    struct cond_tmpl {
        char *text;
        unsigned short len, cap, cut[3];
        bool ok, usable;
        int type, lang;
        kept_stamp st;
        const void *pol;
    } csv_tmpl;
} cond_json;

/* A policy's result in JSON: the parts that are the same for every profile, made once
 * (resultjson.c). ok: made; fit: every part fitted (else each result is written in full). */
typedef struct pol_json {
    bool ok, fit;
    /* for each status: , {"policy": "…", "status": "…", "kind": "…", "amount":  (lead_len;
     * the first result from lead + 2), then what follows an amount of "0.00" up to the reasons
     * or the quantity (zero_len) */
    char lead[6][256];
    unsigned short lead_len[6], zero_len[6];
    char unit[128]; /* what follows another amount (in kind: the quantity): its unit, detail */
    /* ], "missing": [], then "group", "cap", "pool" (those it is in) and the lists of several
     * groups and caps; the part from "group" on (end + 16) follows missing data too; the
     * result's closing brace after end_len, for a result that has nothing more */
    char end[640];
    unsigned short unit_len, end_len;
    /* its CSV rows' cells (csvout.c), made on first use: for each status "id,status,kind,",
     * in each language "title," */
    char *csv_head[6], *csv_title[2];
    unsigned short csv_head_len[6], csv_title_len[2];
} pol_json;

typedef struct cond cond;
struct cond {
    int op;
    const char *name;  /* author's name or a generated one */
    const char *zh;    /* author's Chinese wording, or NULL */
    const char *en;    /* author's English wording, or NULL */
    const char *field; /* dotted path relative to the base (root or list item) */
    const snode *sn;
    int pidx[8]; /* slot indexes from the base object to the field */
    int plen;
    reqval req[2];
    size_t n;
    cond *sub; /* all/any/not/any_item */
    unsigned line;
    const char *file; /* where it is written when not in the policy's file (a book's) */
    bool book;        /* a condition of the policy's book, evaluated first */
    bool veto;        /* a book condition marked as a veto (一票否决) */
    bool shared;      /* a book's leaf condition whose outcome and record are the same in every
                       * policy of the book: evaluated once per profile (policy.c, eval.c) */
    /* a second field: coalesce(field, field2) (field2 when field is absent), the other operand
     * of a computed condition (ratio's b, within_months_after's base, a lease's end, the stage
     * dates' object of C_STAGE_DATE) */
    const char *field2;
    const snode *sn2;
    int pidx2[8];
    int plen2;
    bool coalesce;
    /* computed conditions: a number (year index bound, months, percent points, threshold t),
     * a second number (lease `within`, count c), the ledger key and claim-year flag */
    int64_t k1, k2;
    int kparam[2];      /* k1/k2 from a parameter (param "name"): its index, else -1 */
    int key;            /* KEY_* */
    bool in_claim_year; /* C_NO_AWARD: only entries of year Y */
    const char *item_field; /* month aggregates: the month field and value field of an item */
    const char *item_field2;
    int64_t *thresholds; /* KEY_THRESHOLD: ascending, fen */
    size_t nthreshold;
    /* C_INSTALLMENT: n, or n by an enum field of the item (field2: its path; by_n[k] for enum
     * value k, 0 when the value has no schedule) */
    int64_t *by_n;
    size_t nby;
    cond_json *js;
};

/* The slot of condition c's field in object base, following its path; NULL when an object on
 * the way is absent (eval.c). */
pval *cond_slot(const pobj *base, const cond *c);

#endif
