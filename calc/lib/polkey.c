/* polkey.c — the keys a grant is recorded under in the grants ledger (issue #17): each policy
 * declares its key (`key = …`, compiled by policyx.c); with a ledger an eligible result gets its
 * keys when it is evaluated, and its result line carries the claim year and each key with its
 * share of the amount granted — what `calc grant` records, one row per key. */
#include "engine.h"
#include "calendar.h"
#include "polkey.h"

#include <stdlib.h>
#include <string.h>

/* The slot of sn below object base (sn a field of base or of its nested objects); NULL when an
 * object on the way is absent. */
static const pval *slot_below(const pobj *base, const snode *sn)
{
    const snode *chain[16];
    int n = 0;
    for (const snode *x = sn; x && x != base->sn && n < 16; x = x->parent)
        chain[n++] = x;
    const pobj *o = base;
    const pval *v = NULL;
    for (int i = n - 1; i >= 0; i--) {
        v = &o->slot[chain[i]->index];
        if (i && (!v->set || v->type != T_OBJECT))
            return NULL;
        if (i)
            o = v->u.o;
    }
    return v && v->set ? v : NULL;
}

/* A scalar's key text (book 2 §1.7: a date ISO, an enum by name, digits, a string as it is). */
static void key_text(sbuf *b, const pval *v)
{
    char buf[40];
    switch (v->type) {
    case T_STRING: sb_puts(b, v->u.s ? v->u.s : ""); break;
    case T_DATE: sb_puts(b, calc_date_format(buf, (calc_date)v->u.i)); break;
    case T_ENUM: sb_puts(b, v->s ? v->s : ""); break;
    default: sb_int(b, (long long)v->u.i);
    }
}

static void add_key(arena *a, pres *r, const char *key, int64_t weight)
{
    struct rkey *k = arena_alloc(a, (r->nkeys + 1) * sizeof *k);
    if (r->nkeys)
        memcpy(k, r->keys, r->nkeys * sizeof *k);
    k[r->nkeys++] = (struct rkey){key, weight};
    r->keys = k;
}

const char *polkey_item_key(arena *a, const policy *p, const pval *item)
{
    if (p->key.kind != PK_ITEMS || !item->set || item->type != T_OBJECT)
        return NULL;
    sbuf b = {0};
    for (size_t i = 0; i < p->key.nifield; i++) {
        const pval *v = slot_below(item->u.o, p->key.isn[i]);
        if (!v) {
            sb_free(&b);
            return NULL;
        }
        if (i)
            sb_puts(&b, "@");
        key_text(&b, v);
    }
    const char *k = arena_strndup(a, b.p ? b.p : "", b.n);
    sb_free(&b);
    return k;
}

void polkey_item(arena *a, const policy *p, const pval *item, calc_money amount, pres *r)
{
    if (p->key.kind == PK_ITEMS)
        add_key(a, r, polkey_item_key(a, p, item), amount);
}

void polkey_eval(arena *a, const policy *p, const pval *root, calc_date as_of, pres *r)
{
    char buf[40];
    const pobj *o = root->u.o;
    switch (p->key.kind) {
    case PK_CLAIM_YEAR:
        snprintf(buf, sizeof buf, "%d", calc_date_year(as_of) - 1);
        add_key(a, r, arena_strndup(a, buf, strlen(buf)), 1);
        break;
    case PK_FIELD: {
        const pval *v = slot_below(o, p->key.sn);
        sbuf b = {0};
        if (v)
            key_text(&b, v);
        add_key(a, r, v ? arena_strndup(a, b.p ? b.p : "", b.n) : NULL, 1);
        sb_free(&b);
        break;
    }
    case PK_THRESHOLD: { /* the highest threshold the field reaches, whole yuan */
        const pval *v = slot_below(o, p->key.sn);
        const char *key = NULL;
        for (size_t i = 0; v && i < p->key.nstep; i++)
            if (v->u.i >= p->key.steps[i]) {
                snprintf(buf, sizeof buf, "%lld", (long long)(p->key.steps[i] / 100));
                key = buf;
            }
        add_key(a, r, key ? arena_strndup(a, key, strlen(key)) : NULL, 1);
        break;
    }
    case PK_STAGES: { /* each stage up to the current one with a share, not yet paid */
        const pval *cur = slot_below(o, p->key.sn);
        const pval *paid = slot_below(o, p->key.paid_sn);
        const param *sh = &p->params[p->key.share];
        const enum_def *en = p->key.sn->en;
        for (size_t s = 0; cur && s < en->n && (int64_t)s <= cur->u.i; s++) {
            const param_entry *pe = NULL;
            for (size_t k = 0; k < sh->n && !pe; k++)
                if (strcmp(sh->e[k].key, en->values[s]) == 0)
                    pe = &sh->e[k];
            bool done = false;
            for (size_t k = 0; paid && k < paid->u.l->n && !done; k++)
                done = paid->u.l->item[k].u.i == (int64_t)s;
            if (pe && !done)
                add_key(a, r, en->values[s], pe->value);
        }
        break;
    }
    default: break;
    }
}

/* Share i of n of total by the keys' weights: floor(total × w / W), the last the remainder, so
 * that the shares add up to the total exactly (as book 2 §1.4's installments do). */
static int64_t share(const pres *r, size_t i, int64_t total)
{
    if (r->nkeys == 1)
        return total;
    int64_t w = 0, sum = 0;
    for (size_t k = 0; k < r->nkeys; k++)
        w += r->keys[k].weight > 0 ? r->keys[k].weight : 0;
    for (size_t k = 0; k + 1 < r->nkeys; k++) {
        int64_t x = w > 0 ? calc_money_muldiv_floor(total, r->keys[k].weight > 0
                                                               ? r->keys[k].weight : 0, w)
                          : total / (int64_t)r->nkeys;
        if (k == i)
            return x;
        sum += x;
    }
    return total - sum;
}

void polkey_json(sbuf *b, const policy *p, const pres *r, calc_date as_of)
{
    if (r->status != ST_ELIGIBLE || p->kind == K_MATCH) /* a match grants nothing */
        return;
    sb_printf(b, ", \"claim_year\": %d, \"keys\": [", calc_date_year(as_of) - 1);
    for (size_t i = 0; i < r->nkeys; i++) {
        char m[40];
        sb_puts(b, i ? ", {\"key\": " : "{\"key\": ");
        if (r->keys[i].key)
            sb_json_str(b, r->keys[i].key);
        else
            SB_LIT(b, "null");
        SB_LIT(b, ", \"amount\": \"");
        sb_puts(b, calc_money_format(m, share(r, i, r->amount)));
        SB_LIT(b, "\", \"quantity\": ");
        if (p->kind == K_IN_KIND)
            sb_int(b, (long long)share(r, i, r->quantity));
        else
            SB_LIT(b, "null");
        SB_LIT(b, "}");
    }
    SB_LIT(b, "]");
}

void polkey_describe(sbuf *b, const policy *p, int lang)
{
    switch (p->key.kind) {
    case PK_CLAIM_YEAR: sb_puts(b, lang ? "the claim year" : "申报年度"); break;
    case PK_FIELD: sb_printf(b, lang ? "the value of %s" : "%s 的取值", p->key.field); break;
    case PK_THRESHOLD:
        sb_printf(b, lang ? "the highest threshold %s reaches (whole yuan)"
                          : "%s 达到的最高台阶（整元）", p->key.field);
        break;
    case PK_ITEMS: {
        const char *list = p->conds[p->item_cond].field;
        sb_puts(b, lang ? "one key per item of " : "");
        sb_puts(b, list);
        sb_puts(b, lang ? " counted: " : " 中计入金额的每一项一个记录键：");
        for (size_t i = 0; i < p->key.nifield; i++) {
            if (i)
                sb_puts(b, "@");
            sb_puts(b, p->key.ifield[i]);
        }
        break;
    }
    case PK_STAGES:
        sb_printf(b, lang ? "one key per stage of %s reached and not in %s, each with its share "
                            "of %s"
                          : "%s 已达到且不在 %s 中的每个阶段一个记录键，各按 %s 分摊",
                  p->key.field, p->key.paid, p->params[p->key.share].name);
        break;
    default:
        sb_puts(b, lang ? "none: it grants nothing, so nothing is recorded"
                        : "无：本政策不发放，不记入台账");
    }
}

void polkey_ledger_json(sbuf *b, const polset *ps)
{
    if (!ps->schema.history)
        return;
    int64_t seq;
    const char *head = calc_history_head(ps->schema.history, &seq);
    SB_LIT(b, ", \"ledger\": {\"head\": ");
    sb_json_str(b, head);
    sb_printf(b, ", \"seq\": %lld}", (long long)seq);
}

void polkey_ledger_text(sbuf *b, const polset *ps, int lang)
{
    if (!ps->schema.history)
        return;
    int64_t seq;
    const char *head = calc_history_head(ps->schema.history, &seq);
    sb_printf(b, lang ? "history   from the grants ledger at row %lld (head %.16s)\n"
                      : "历史奖励  来自发放台账，截至第 %lld 行（账本头 %.16s）\n",
              (long long)seq, head[0] ? head : "-");
}
