/* policy.h — a loaded policy set: policies, their parameters and compiled conditions, and
 * the cross-policy declarations (groups, caps, pools). Private to the library. */
#ifndef CALC_POLICY_H
#define CALC_POLICY_H

#include "internal.h"
#include "ledger.h"

enum { U_YUAN, U_PERCENT, U_COUNT, U_M2, U_DATE, U_YEARS, U_UNITS };

/* How the money helpers of a policy round (its `rounding = …`, or pct's third argument): half
 * up to the fen (the default: book 1 §1, book 2 §1.4), down to the fen, down to the whole yuan,
 * half up to the whole yuan. */
enum { RND_HALF_UP, RND_FLOOR, RND_FLOOR_YUAN, RND_HALF_UP_YUAN };

typedef struct param_entry {
    const char *key; /* table parameters: the key as text */
    int64_t value;
} param_entry;

typedef struct param {
    const char *name;
    int unit;
    int mark; /* 0 unmarked, 1 seed, 2 illustrative */
    const char *note;
    int64_t value;
    size_t n; /* > 0: a table of values by key */
    param_entry *e;
    unsigned line;
    bool used;
} param;

/* The ledger key of a policy's grants (issue #17; `key = …` in its file, polkey.c): the claim
 * year, a field's value, the highest threshold a money field reaches, one key per item the
 * amount counted (fields of the item joined by "@"), or one per stage reached and not yet paid
 * (each with its share from a parameter table by stage). A match policy has none. */
enum { PK_NONE, PK_CLAIM_YEAR, PK_FIELD, PK_THRESHOLD, PK_ITEMS, PK_STAGES };
typedef struct polkey {
    int kind;
    const char *field;     /* PK_FIELD, PK_THRESHOLD; PK_STAGES: the stage (an enum) */
    const snode *sn;
    int64_t *steps;        /* PK_THRESHOLD: ascending, fen */
    size_t nstep;
    const char *ifield[4]; /* PK_ITEMS: fields of the item */
    const snode *isn[4];
    size_t nifield;
    const char *paid;      /* PK_STAGES: the list of stages already paid */
    const snode *paid_sn;
    int share;             /* PK_STAGES: the parameter giving each stage's share */
    bool declared;         /* the file says it (`key = false`: none, as for a match) */
} polkey;

typedef struct policy {
    const char *id, *file;
    const char *title_zh, *title_en;
    int kind;
    const char *family;
    const char *unit; /* in-kind: "units" or "m2" */
    const char *src_doc, *src_publisher, *src_date, *src_quote, *src_file, *src_url;
    calc_date from, to;
    /* book 2 §1.3: the event window on a date field (ev_field, relative to the root or, for
     * "list[].field", to a list item) and the application window (app_field within app_months
     * after app_after); has_event / has_app when the policy declares them */
    bool has_event, has_app;
    const char *ev_field, *ev_field2; /* ev_field2: coalesce(ev_field, ev_field2) */
    calc_date ev_from, ev_to;
    const char *app_field, *app_after;
    int app_months;
    int book; /* index into polset.book, or -1 */
    size_t nbook_cond; /* conds[0..nbook_cond) are the book's (book 2 §1.2) */
    size_t nparam;
    param *params;
    size_t ncond;
    cond *conds;
    const char *amount_zh, *amount_en; /* the amount rule in words */
    int ref_params, ref_amount, ref_item, ref_quantity, ref_value, ref_detail;
    int item_cond; /* top-level any_item whose items feed ref_item, or -1 */
    int limit_param; /* amount may never exceed it, or -1 */
    int rounding;      /* RND_*: how pct, pct_product and brackets round in its amounts */
    bool zero_grant;   /* zero_amount = "eligible": an amount of 0 is a grant of 0, not
                        * ineligible — only in a set that allows it (set.yaml zero_grants) */
    unsigned zero_line; /* the line of the policy table (its zero_amount), for the lint */
    size_t nupv;
    struct upv *upv;
    const char *error; /* load failure: "file:line: message" */
    char fp[65];       /* SHA-256 of the policy's file */
    bool off;          /* switched off by a what-if scenario */
    bool illustrative; /* its amount functions read a parameter marked illustrative */
    int group, cap, pool; /* indexes (the first group and cap), or -1 */
    uint64_t groups, caps;  /* every group and cap it is in (book 2 §1.8), bit i for index i */
    unsigned gen;         /* counts changes of the parameters */
    polkey key;           /* what its grants are recorded under (issue #17) */
    pol_json *js;         /* its result's fixed JSON (resultjson.c) */
} policy;

/* The stamp of a text kept for policy p at as_of (cond.h), and whether two are the same. */
static inline kept_stamp stamp_of(const policy *p, calc_date as_of)
{
    return (kept_stamp){as_of, p->gen, p->from, p->to};
}
static inline bool stamp_eq(kept_stamp a, kept_stamp b)
{
    return a.as_of == b.as_of && a.gen == b.gen && a.from == b.from && a.to == b.to;
}

typedef struct decl { /* a group, cap or pool */
    const char *name;
    const char *zh, *en; /* its title; en: zh when the set gives none */
    calc_loc loc;
    size_t n;
    int *member;
    const char *limit_field; /* caps: limit from a profile field */
    const snode *limit_sn;
    calc_money limit; /* caps with a fixed limit (or the fixed part of an expression) */
    bool limit_expr;  /* { field | amount, less_awards: … }: a limit net of the ledger */
    const char **less; /* less_awards: the policies whose ledger amounts are subtracted */
    size_t nless;
    bool less_claim_year; /* … only the entries of the claim year */
    int unit;         /* pools: U_YUAN, U_UNITS, U_M2 */
    int64_t size;     /* pools: fen, units or m² */
    int mode;         /* pools: 0 pro_rata, 1 first_come */
    int period;       /* pools: 0 a budget of each round (batch), 1 a stock given out once,
                       * over rounds (`period: once` in set.yaml) */
    int64_t before;   /* with a ledger: what a stock's earlier rounds granted (live grants) */
} decl;
/* What pool x still has to give in this round: its size, less what earlier rounds granted. */
static inline int64_t pool_size_left(const decl *x)
{
    return x->before < x->size ? x->size - x->before : 0;
}

struct upv {
    int fn, up, val;
    const char *name;
};

/* A book (a file of policies/books/): conditions declared once for every policy whose id starts with
 * its prefix, evaluated before the policy's own (book 2 §1.2). */
typedef struct pbook {
    const char *id, *file, *prefix;
    const char *zh, *en; /* its title */
    int ref;             /* the book table in the registry, or LUA_NOREF */
    const char *error;   /* it failed to load: its member policies fail with this */
    bool item_reasons;   /* reasons = "items": a failed list condition gives its items' reasons,
                          * the list's own only when it is empty (book 2 §1.9) */
} pbook;

typedef struct polset {
    arena a;
    size_t nbook;
    pbook *book;
    ledger_schema ledger; /* the award ledger's place in the schema (ledger.h) */
    size_t nlibupv;
    struct upv *libupv; /* plain upvalues of the shared library's functions */
    calc_schema schema;
    size_t n;
    policy *pol; /* sorted by id */
    size_t ngroup, ncap, npool;
    decl *group, *cap, *pool;
    bool zero_grants; /* set.yaml `zero_grants: allowed`: its policies may declare zero_amount =
                       * "eligible" (book 1 §1 says a zero amount is ineligible: the default
                       * set does not allow it, and calc policies check says so) */
} polset;

int policy_index(const polset *ps, const char *id);
/* Whether policy p follows a book's conventions of reasons and missing (reasons = "items", book
 * 2 §1.9, §6.22–§6.25): list reasons by item, missing in byte order, and the reasons of a cap, a
 * pool or a zero amount with an empty field (""). */
static inline bool policy_book_conventions(const polset *ps, const policy *p)
{
    return p->book >= 0 && ps->book[p->book].item_reasons;
}

/* A pool's reason: 1 "pool exhausted", 2 a pro-rata share "… floored to 0.00", else 0. Under
 * book 2's conventions its field is empty and the name carries the pool ("pool NAME exhausted",
 * "pool NAME share floored to 0.00"): *pool and *len are then that name, else left alone. */
static inline int pool_reason_kind(const char *name, const char **pool, size_t *len)
{
    if (strcmp(name, "pool exhausted") == 0)
        return 1;
    if (strncmp(name, "pool share", 10) == 0)
        return 2;
    if (strncmp(name, "pool ", 5) != 0)
        return 0;
    const char *sp = strchr(name + 5, ' ');
    if (!sp || sp == name + 5)
        return 0;
    int k = strcmp(sp, " exhausted") == 0 ? 1 : strcmp(sp, " share floored to 0.00") == 0 ? 2 : 0;
    if (k) {
        *pool = name + 5;
        *len = (size_t)(sp - (name + 5));
    }
    return k;
}

/* The value of `quantity` units of in-kind policy pi (a pool's partial grant), in out; -1 with
 * a message in msg when the policy's value function fails (eval.c). */
int policy_value(calc_engine *e, int pi, int64_t quantity, calc_money *out, char *msg,
                 size_t msgsize);

#endif
