/* result.h — what an evaluation produces: per policy its status, amount, condition records, reasons,
 * missing data, steps and how to qualify; the CSV writer of result lines. */
#ifndef CALC_RESULT_H
#define CALC_RESULT_H

#include "cond.h"

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
    int met; /* any_item: how many items met every item condition */
    const char *const *words; /* made outside a condition: its sentence, {zh, en}, or NULL */
} crec;
/* Renders a record's parts (eval.c), for machines. crec_actual returns false when the value
 * is absent. */
void crec_field(sbuf *b, const crec *r);
bool crec_actual(sbuf *b, const crec *r);
void crec_required(sbuf *b, const crec *r);

/* The slot of a condition's record kept in k whose value is v (its slots made on first use
 * in a): each value of a choice its own, other values one of eight by a hash; NULL when there
 * is none for it (resultjson.c). */
void cond_kept_make(cond_kept *k, const crec *c, arena *a);
static inline struct cond_whole *cond_kept_slot(cond_kept *k, const crec *c, int64_t v, arena *a)
{
    if (!k->v)
        cond_kept_make(k, c, a);
    if (k->by_index)
        return c->v.type == T_ENUM && (uint64_t)v < k->n ? &k->v[v] : NULL;
    uint64_t h = (uint64_t)v * 0x9E3779B97F4A7C15ULL;
    return &k->v[c->v.type == T_ENUM ? (size_t)((uint64_t)v % 8) : (size_t)(h >> 61) % 8];
}

/* ---- words for people (label.c), lang 0 Chinese, 1 English ---- */
/* A record's sentence from the schema's labels and the policy's wording: "所属行业：人工智能；
 * 本政策要求：智能制造、新能源、新装备或新材料" — values in their labels and units, never a code,
 * a field path or a DSL name. Every writer of conditions for people uses it. */
void crec_label(sbuf *b, const crec *r, int lang);
/* A record's actual value alone, in words as its sentence gives it (a record of a condition
 * on a field: r->c and r->c->sn set). */
void crec_actual_label(sbuf *b, const crec *r, int lang);
/* The label of a field path as `missing` and to_qualify write it ("stores[0].kind" →
 * "第1家门店 门店类型"); the path itself when the schema does not have it. */
void path_label(sbuf *b, const snode *root, const char *path, int lang);
/* "¥1,234.50" */
void label_money(sbuf *b, calc_money v);
/* A whole number of field sn with its unit: "160 m²", "48人" (no unit: the number). */
void label_count(sbuf *b, const snode *sn, int64_t v, int lang);
/* A scalar value of field sn in words: money ¥…, numbers with their unit, enums by label,
 * 是/否; "未填写" (not provided) when absent. */
void label_value(sbuf *b, const snode *sn, const pval *v, int lang);
/* What names a value in the computation in words: a field read, a name of its own (the
 * items' sum), or neither (an earlier step's result). */
typedef struct label_name {
    int64_t v;
    const snode *sn;     /* the field read, or NULL */
    const char *zh, *en; /* else its own name, or NULL */
    int type;            /* T_MONEY or T_INT */
} label_name;
/* A money helper's step in words, w[0] Chinese and w[1] English: x names the operand (NULL:
 * nothing does, and *unnamed is set). pct: "研发投入 ¥8,000,000.50 × 10% = ¥800,000.05"; cap:
 * "不超过上限 ¥30,000,000.00", or where it binds "… 超过上限 ¥X，按上限计 ¥X"; min/max of n values
 * v (x[i] naming v[i], r the result): "申请公寓套数 8套、符合条件人才数 12人、20 取最小者 = 8套" —
 * false (no line) when no operand is named, for then nothing says what kind of number it is. */
void words_pct(sbuf w[2], const label_name *x, int64_t v, const char *rate, int64_t out,
               bool *unnamed);
void words_cap(sbuf w[2], const label_name *x, int64_t v, int64_t limit);
bool words_minmax(sbuf w[2], const label_name *const *x, const int64_t *v, int n, bool max,
                  int64_t best, const label_name *r, bool *unnamed);
/* One operand as the words above name it (type: its kind when nothing names it). */
void words_operand(sbuf *b, const label_name *x, int64_t v, int type, int lang, bool *unnamed);
/* The sentences {zh, en} of a record made outside a condition (crec.words), kept in a. */
const char *const *label_words(arena *a, const char *zh, const char *en);
/* The sentence of a reason made by a pool (exhausted, or a share floored to nothing; money: a
 * 资金池, else a 资源池 of units or m²) and by an enterprise cap that left a member nothing,
 * naming the pool or cap by its title. */
void label_pool_reason(sbuf *b, const char *pool, bool money, bool exhausted, int lang);
void label_cap_reason(sbuf *b, const char *cap, calc_money limit, calc_money sum, int lang);
/* Whether Lua source text reads `name` as a field (x.name, x["name"]) outside comments: how a
 * policy's amount functions use a parameter. */
bool source_reads_field(const char *text, size_t len, const char *name);
/* Item i (0-based) of list field list: "第1家门店" / "Store 1"; with the item, the label of its
 * first enum field given, in brackets: "第1家门店（杭州首店）". */
void label_item(sbuf *b, const snode *list, size_t i, const pval *item, int lang);

typedef struct qchange { /* one field change of a to_qualify suggestion */
    const char *field;  /* "finance.rd_expense", "stores[1].area_m2" */
    const char *action; /* raise, set, add, provide */
    const char *kind;   /* what the schema lets it be: raise, next_year_target, relocate,
                         * obtain, choose, provide */
    const snode *sn;    /* the field's schema node */
    char *now;          /* current value, NULL when absent */
    char *to;           /* the value needed (provide: the value the proof used) */
    char *by;           /* the difference, for amounts and numbers */
} qchange;

typedef struct qualify {
    bool possible;       /* a proven set of changes exists */
    bool example;        /* the amount depends on values still to be given (depends): it is
                          * not known, and amount and quantity are 0 */
    size_t n;
    qchange *change;
    calc_money amount;   /* what the policy would then bring */
    int64_t quantity;
    size_t ndepends;
    const char **depends; /* fields of changes whose value the amount depends on */
    size_t nfixed;
    const char **fixed;  /* failing fields no suggestion may change (schema `change:`) */
} qualify;

typedef struct field_read { /* a profile field the amount's functions read (explain) */
    const char *path; /* "finance.rd_expense", "stores[0].fitout_investment" */
    const snode *sn;
    pval v; /* a copy, as a crec keeps it */
} field_read;

/* One enterprise cap applied to a result (book 2 §1.8): the amount before and after. */
typedef struct cap_step {
    const char *cap;
    calc_money before, after, limit, sum;
    calc_money granted; /* --ledger: what the ledger shows its members granted for the claim
                         * year, taken off a limit that is not an expression (history.c) */
} cap_step;

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
    int64_t granted_seq; /* --ledger: the ledger row that granted all its keys for the claim
                          * year (0: none); it keeps its exclusive groups, then is ineligible */
    int64_t quantity_before_pool;
    int64_t quantity;
    int64_t quantity_claimed;
    const char *unit;
    const char *superseded_by;
    const char *cap_name;
    calc_money cap_limit, cap_sum; /* the factor applied: limit / sum */
    struct cap_step *cap_steps; /* every cap that bound it, in the set's order */
    size_t ncap_steps;
    size_t ndetail;
    char **detail;
    size_t nreason, ncond, nmissing, nstep;
    crec *reason; /* failed condition records (point into cond) */
    crec *cond;
    char **missing;
    char **step; /* computation steps, human text */
    size_t nwords;
    char **words; /* the computation in words: line i in Chinese words[2i], English words[2i+1] */
    bool words_rule; /* its first line is the policy's amount rule ("计算规则：…") */
    size_t nread;
    field_read *read; /* the fields its amount read, in order, each once (explain) */
    bool read_cut;    /* it read more fields than are kept */
    char *error;   /* status error: message */
    struct qualify *to_qualify; /* how to become eligible, when asked for (qualify.c) */
    char *error_loc;
    /* with a ledger: the keys an eligible result is recorded under, each weighing its share of
     * the amount (an item's amount, a stage's reward; 1 for a single key) — polkey.c */
    size_t nkeys;
    struct rkey {
        const char *key; /* NULL: its field is absent (a store without a brand) */
        int64_t weight;
    } *keys;
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

/* A CSV text cell: quoted when it must be, and text a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR first) behind a single quote (csvout.c). */
void csv_text(sbuf *b, const char *s);
/* The CSV rows of one result line (a JSON tree), their words in lang (0 Chinese, 1 English)
 * from e's policies and schema, or with header the header row (e and line unused). */
void csv_rows(sbuf *out, const calc_engine *e, const value *line, bool header, int lang);

#endif
