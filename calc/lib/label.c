/* label.c — the words people read for what the engine decided, in Chinese and English: one
 * sentence per condition record from the schema's labels and the policy's own wording, a field
 * path's label, values in their labels and units, the reasons made outside a condition (an
 * enterprise cap, a pool). One place, so that the table, the JSON, the report and the CSV say
 * the same; none of it shows a code, a field path or a DSL name. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

void label_money(sbuf *b, calc_money v)
{
    char buf[40];
    sb_puts(b, "¥");
    sb_puts(b, calc_money_format_grouped(buf, v));
}

static const char *unit_of(const snode *sn, int lang)
{
    const char *u = sn ? (lang ? sn->unit_en : sn->unit) : NULL;
    return u && u[0] ? u : NULL;
}

/* Chinese units follow the number directly (48人); others after a space (160 m²). */
static void put_unit(sbuf *b, const char *u)
{
    if ((unsigned char)u[0] < 0xE0)
        sb_puts(b, " ");
    sb_puts(b, u);
}

void label_count(sbuf *b, const snode *sn, int64_t v, int lang)
{
    sb_int(b, (long long)v);
    const char *u = unit_of(sn, lang);
    if (u)
        put_unit(b, u);
}

static void enum_words(sbuf *b, const enum_def *e, int64_t i, const char *code, int lang)
{
    if (e && i >= 0 && (size_t)i < e->n)
        sb_puts(b, enum_label_lang(e, (int)i, lang));
    else
        sb_puts(b, code ? code : "");
}

void label_value(sbuf *b, const snode *sn, const pval *v, int lang)
{
    char buf[40];
    if (!v || !v->set) {
        sb_puts(b, lang ? "not provided" : "未填写");
        return;
    }
    switch (v->type) {
    case T_MONEY: label_money(b, v->u.i); break;
    case T_INT: label_count(b, sn, v->u.i, lang); break;
    case T_DATE: sb_puts(b, calc_date_format(buf, (calc_date)v->u.i)); break;
    case T_MONTH: sb_puts(b, calc_month_format(buf, (calc_date)v->u.i)); break;
    case T_BOOL: sb_puts(b, v->u.i ? (lang ? "yes" : "是") : (lang ? "no" : "否")); break;
    case T_ENUM: enum_words(b, sn ? sn->en : NULL, v->u.i, v->s, lang); break;
    case T_STRING: sb_puts(b, v->u.s); break;
    default: sb_puts(b, lang ? "(a list)" : "（列表）");
    }
}

/* "no stores": "no " and the English label, its first letter in lower case (not "HQ …"). */
static void none_of(sbuf *b, const snode *list, int lang)
{
    if (!lang) {
        sb_puts(b, "无");
        return;
    }
    const char *l = snode_label(list, 1);
    sb_puts(b, "no ");
    if (l[0] >= 'A' && l[0] <= 'Z' && l[1] >= 'a' && l[1] <= 'z') {
        char c = (char)(l[0] - 'A' + 'a');
        sb_putn(b, &c, 1);
        l++;
    }
    sb_puts(b, l);
}

void label_item(sbuf *b, const snode *list, size_t i, const pval *item, int lang)
{
    const char *u = unit_of(list, lang);
    if (lang && u) {
        char c = u[0] >= 'a' && u[0] <= 'z' ? (char)(u[0] - 'a' + 'A') : u[0];
        sb_putn(b, &c, 1);
        sb_printf(b, "%s %zu", u + 1, i + 1);
    } else if (u)
        sb_printf(b, "第%zu%s%s", i + 1, u, snode_label(list, 0));
    else
        sb_printf(b, lang ? "%s item %zu" : "%s第%zu项", snode_label(list, lang), i + 1);
    /* what tells the items apart to a person: its first choice field (a store's kind, 杭州首店),
     * when given */
    if (!item || !item->set || item->type != T_OBJECT)
        return;
    const pobj *o = item->u.o;
    for (size_t k = 0; k < o->sn->nchild; k++) {
        const snode *f = o->sn->child[k];
        if (f->type != T_ENUM)
            continue;
        if (o->slot[k].set) {
            sb_puts(b, lang ? " (" : "（");
            enum_words(b, f->en, o->slot[k].u.i, o->slot[k].s, lang);
            sb_puts(b, lang ? ")" : "）");
        }
        return;
    }
}

/* The items a record's prefix ("stores[1].") names, from the list fields above sn:
 * "第2家门店". */
static void prefix_words(sbuf *b, const snode *sn, const char *prefix, int lang)
{
    const snode *lists[8];
    int n = 0;
    for (const snode *s = sn ? sn->parent : NULL; s && n < 8; s = s->parent)
        if (s->type == T_LIST)
            lists[n++] = s;
    const char *p = prefix;
    for (int k = n - 1; k >= 0; k--) {
        p = strchr(p, '[');
        if (!p)
            return;
        size_t i = strtoull(p + 1, NULL, 10);
        p++;
        if (k < n - 1)
            sb_puts(b, " ");
        label_item(b, lists[k], i, NULL, lang);
    }
}

void path_label(sbuf *b, const snode *root, const char *path, int lang)
{
    size_t start = b->n;
    const snode *cur = root;
    const char *s = path;
    bool item = false; /* the last words written are an item's */
    while (*s) {
        size_t len = strcspn(s, ".[");
        const snode *n = cur && cur->type == T_OBJECT ? schema_child(cur, s, len) : NULL;
        if (!n)
            goto raw;
        s += len;
        if (*s == '[') {
            char *end;
            unsigned long long i = strtoull(s + 1, &end, 10);
            if (n->type == T_LIST && *end == '-' && end - s == 5 && end[3] == ']' &&
                !end[4]) { /* list[YYYY-MM]: a month with no item (book 2 §1.5) */
                if (item)
                    sb_puts(b, lang ? " — " : " ");
                sb_printf(b, lang ? "%s for %.7s" : "%s（%.7s）", snode_label(n, lang), s + 1);
                return;
            }
            if (*end != ']' || n->type != T_LIST || end == s + 1)
                goto raw;
            if (item)
                sb_puts(b, lang ? " — " : " ");
            label_item(b, n, (size_t)i, NULL, lang);
            item = true;
            cur = n->item;
            s = end + 1;
            if (*s == '.' && s[1])
                s++;
            else if (*s)
                goto raw;
        } else if (*s == '.' && s[1]) {
            cur = n;
            s++;
        } else if (*s) {
            goto raw;
        } else {
            if (item)
                sb_puts(b, lang ? " — " : " ");
            sb_puts(b, snode_label(n, lang));
        }
    }
    if (b->n > start)
        return;
raw:
    b->n = start;
    sb_puts(b, path);
}

/* ---- a condition record's sentence ---- */

/* A required value in words, in the field's kind: ¥…, a date, an enum's label, a number with
 * its unit. */
static void req_words(sbuf *b, const crec *r, const reqval *rv, int lang)
{
    const cond *c = r->c;
    const snode *sn = c->sn;
    char buf[40];
    int64_t v = req_value(r->pol, r->as_of, rv);
    switch (rv->type) {
    case T_MONEY: label_money(b, v); break;
    case T_DATE: sb_puts(b, calc_date_format(buf, (calc_date)v)); break;
    case T_BOOL: sb_puts(b, v ? (lang ? "yes" : "是") : (lang ? "no" : "否")); break;
    case T_ENUM: {
        const snode *e = sn && sn->type == T_LIST ? sn->item : sn;
        enum_words(b, e ? e->en : NULL, v, rv->s, lang);
        break;
    }
    case T_STRING: sb_puts(b, rv->s ? rv->s : ""); break;
    default: label_count(b, sn, v, lang);
    }
}

/* A comparison in words: "不少于¥1,000,000.00", "2023-06-01或之后", "at least 100 m²". */
static void compare_words(sbuf *b, const crec *r, int op, int lang)
{
    const reqval *rv = &r->c->req[0];
    bool date = rv->type == T_DATE;
    static const char *const zh_num[] = {"不少于", "不超过", "大于", "小于"};
    static const char *const en_num[] = {"at least ", "at most ", "more than ", "less than "};
    static const char *const zh_date[] = {"或之后", "或之前", "之后", "之前"};
    static const char *const en_date[] = {"on or after ", "on or before ", "after ", "before "};
    int k = op == C_AT_LEAST || op == C_ON_OR_AFTER ? 0
            : op == C_AT_MOST || op == C_ON_OR_BEFORE ? 1
            : op == C_GREATER ? 2 : 3;
    if (date && !lang) {
        req_words(b, r, rv, lang);
        sb_puts(b, zh_date[k]);
        return;
    }
    sb_puts(b, date ? en_date[k] : lang ? en_num[k] : zh_num[k]);
    req_words(b, r, rv, lang);
}

/* The requirement as the engine states it, from the condition and its values. */
static void requirement_words(sbuf *b, const crec *r, int lang)
{
    const cond *c = r->c;
    switch (c->op) {
    case C_EQUALS: req_words(b, r, &c->req[0], lang); break;
    case C_ONE_OF:
        for (size_t i = 0; i < c->req[0].n; i++) {
            if (i)
                sb_puts(b, i + 1 < c->req[0].n ? (lang ? ", " : "、") : (lang ? " or " : "或"));
            req_words(b, r, &c->req[0].list[i], lang);
        }
        break;
    case C_AT_LEAST:
    case C_AT_MOST:
    case C_GREATER:
    case C_LESS:
    case C_ON_OR_AFTER:
    case C_ON_OR_BEFORE: compare_words(b, r, c->op, lang); break;
    case C_BETWEEN: {
        bool date = c->req[0].type == T_DATE;
        sb_puts(b, lang ? (date ? "from " : "between ") : "");
        req_words(b, r, &c->req[0], lang);
        sb_puts(b, lang ? (date ? " to " : " and ") : "至");
        req_words(b, r, &c->req[1], lang);
        sb_puts(b, lang ? "" : date ? "期间" : "之间");
        break;
    }
    case C_HAS_TAG:
        sb_puts(b, lang ? "includes " : "包含");
        req_words(b, r, &c->req[0], lang);
        break;
    case C_IS_SET: sb_puts(b, lang ? "provided" : "已填写"); break;
    case C_IS_TRUE: sb_puts(b, lang ? "yes" : "是"); break;
    case C_ANY_ITEM: {
        const char *u = unit_of(c->sn, lang);
        if (lang)
            sb_printf(b, "at least one %s meeting all of the following", u ? u : "item");
        else if (u)
            sb_printf(b, "至少1%s%s符合以下全部条件", u, snode_label(c->sn, 0));
        else
            sb_printf(b, "%s中至少一项符合以下全部条件", snode_label(c->sn, 0));
        break;
    }
    }
}

/* Whether every value the condition requires is written in the policy as it is (no
 * parameter, no date relative to as_of or the policy's window). */
static bool literal(const cond *c)
{
    int n = c->op == C_BETWEEN ? 2 : 1;
    for (int k = 0; k < n; k++)
        if (c->req[k].kind != RV_LIT)
            return false;
    return true;
}

/* What the profile holds, in words. */
static void actual_words(sbuf *b, const crec *r, int lang)
{
    const cond *c = r->c;
    const snode *sn = c->sn;
    if (c->op == C_ANY_ITEM) {
        if (!r->v.set) {
            sb_puts(b, lang ? "not provided" : "未填写");
            return;
        }
        long long n = (long long)r->v.u.i, met = r->met;
        const char *u = unit_of(sn, lang);
        if (n == 0)
            none_of(b, sn, lang);
        else if (lang)
            sb_printf(b, "%lld qualifying %s%s", met, u ? u : "item",
                      met == 1 ? "" : "s");
        else
            sb_printf(b, "%lld%s符合条件", met, u ? u : "项");
        if (n && met != n)
            sb_printf(b, lang ? " of %lld" : "（共%lld%s）", n, lang ? "" : u ? u : "项");
        return;
    }
    if (sn->type == T_LIST) {
        if (!r->v.set || !r->actual) {
            sb_puts(b, lang ? "not provided" : "未填写");
            return;
        }
        /* the list as crec_actual keeps it, "[a, b]": each code in its label */
        const char *s = r->actual + (r->actual[0] == '[');
        size_t len = strlen(s);
        if (len && s[len - 1] == ']')
            len--;
        if (!len) {
            none_of(b, sn, lang);
            return;
        }
        const snode *it = sn->item;
        for (size_t at = 0, k = 0; at < len; k++) {
            const char *sep = strstr(s + at, ", ");
            size_t end = sep && (size_t)(sep - s) < len ? (size_t)(sep - s) : len;
            if (k)
                sb_puts(b, lang ? ", " : "、");
            char code[128];
            size_t cl = end - at < sizeof code - 1 ? end - at : sizeof code - 1;
            memcpy(code, s + at, cl);
            code[cl] = 0;
            int i = it && it->type == T_ENUM ? enum_index(it->en, code) : -1;
            if (i >= 0)
                sb_puts(b, enum_label_lang(it->en, i, lang));
            else if (strcmp(code, "(absent)") == 0)
                sb_puts(b, lang ? "not provided" : "未填写");
            else
                sb_putn(b, s + at, end - at);
            at = end + 2;
        }
        return;
    }
    if (r->actual) {
        sb_puts(b, r->actual);
        return;
    }
    label_value(b, sn, &r->v, lang);
}

void crec_actual_label(sbuf *b, const crec *r, int lang)
{
    lang = lang ? 1 : 0;
    if (r->words && r->words[lang]) {
        /* a computed condition's sentence, "LABEL：ACTUAL；本政策要求：…": its actual part */
        const char *s = r->words[lang];
        const char *sep = lang ? ": " : "：", *req = lang ? "; this policy requires" : "；本政策要求";
        const char *a = strstr(s, sep), *z = strstr(s, req);
        if (a && z && a < z) {
            a += strlen(sep);
            sb_putn(b, a, (size_t)(z - a));
            return;
        }
    }
    actual_words(b, r, lang);
}

/* A field of the condition or of one below it (a composite has none of its own): where in the
 * profile's lists the condition is. */
static const snode *some_field(const cond *c)
{
    if (c->sn)
        return c->sn;
    for (size_t i = 0; i < c->n; i++) {
        const snode *s = some_field(&c->sub[i]);
        if (s)
            return s;
    }
    return NULL;
}

void crec_label(sbuf *b, const crec *r, int lang)
{
    lang = lang ? 1 : 0;
    if (r->words) {
        /* a computed condition inside a list item: the item first ("第2项上级资金 …") */
        if (r->c && (COND_COMPUTED(r->c->op) || r->c->coalesce) && r->prefix && r->prefix[0]) {
            size_t at = b->n;
            prefix_words(b, some_field(r->c), r->prefix, lang);
            if (b->n > at)
                sb_puts(b, lang ? " — " : " ");
        }
        sb_puts(b, r->words[lang]);
        return;
    }
    const cond *c = r->c;
    if (!c) { /* every record made outside a condition has its words: this is a fallback */
        sb_puts(b, r->name ? r->name : "");
        return;
    }
    bool item = r->prefix && r->prefix[0];
    if (item) {
        size_t at = b->n;
        prefix_words(b, some_field(c), r->prefix, lang);
        if (b->n > at)
            sb_puts(b, lang ? " — " : " ");
        else
            item = false;
    }
    const char *own = lang ? c->en : c->zh;
    if (c->op == C_ALL || c->op == C_ANY || c->op == C_NOT) {
        static const char *const zh[] = {"符合以下全部条件", "符合以下任一条件", "不符合以下条件"};
        static const char *const en[] = {"all of the following", "any of the following",
                                         "not the following"};
        int k = c->op == C_ALL ? 0 : c->op == C_ANY ? 1 : 2;
        sb_puts(b, lang ? (item ? "this policy requires: " : "This policy requires: ")
                        : "本政策要求：");
        if (own)
            sb_printf(b, lang ? "%s (%s)" : "%s（%s）", own, lang ? en[k] : zh[k]);
        else
            sb_puts(b, lang ? en[k] : zh[k]);
        return;
    }
    sb_puts(b, snode_label(c->sn, lang));
    sb_puts(b, lang ? ": " : "：");
    actual_words(b, r, lang);
    sb_puts(b, lang ? "; this policy requires: " : "；本政策要求：");
    if (own) {
        sb_puts(b, own);
        if (c->op == C_ANY_ITEM || literal(c))
            return;
        sb_puts(b, lang ? ", i.e. " : "，即");
    }
    requirement_words(b, r, lang);
}

/* ---- reasons made outside a condition ---- */

const char *const *label_words(arena *a, const char *zh, const char *en)
{
    const char **w = arena_alloc(a, 2 * sizeof *w);
    w[0] = arena_strndup(a, zh, strlen(zh));
    w[1] = arena_strndup(a, en, strlen(en));
    return w;
}

void label_pool_reason(sbuf *b, const char *pool, bool money, bool exhausted, int lang)
{
    if (lang)
        sb_printf(b, exhausted ? "The pool “%s” was used up before this claim: nothing granted"
                               : "This claim's pro-rata share of the pool “%s” is less than ¥0.01",
                  pool);
    else
        sb_printf(b, exhausted ? "%s「%s」已分配完毕：本项未获分配" : "%s「%s」按比例分配后，本项份额不足¥0.01",
                  money ? "资金池" : "资源池", pool);
}

void label_cap_reason(sbuf *b, const char *cap, calc_money limit, calc_money sum, int lang)
{
    sb_printf(b, lang ? "Enterprise cap “%s”: the limit " : "企业上限「%s」：上限", cap);
    label_money(b, limit);
    sb_puts(b, lang ? " shared by the members' sum " : "由各项合计");
    label_money(b, sum);
    sb_puts(b, lang ? " leaves this policy less than ¥0.01" : "分摊后，本项不足¥0.01");
}

/* ---- the steps of an amount in words ---- */

/* A number of type T_MONEY (¥…) or T_INT (with the unit of field sn, when given). */
static void number_words(sbuf *b, int64_t v, int type, const snode *sn, int lang)
{
    if (type == T_MONEY)
        label_money(b, v);
    else if (sn)
        label_count(b, sn, v, lang);
    else
        sb_int(b, (long long)v);
}

static int kind(const label_name *x, int dflt)
{
    return !x ? dflt : x->sn ? (x->sn->type == T_MONEY ? T_MONEY : T_INT) : x->type;
}

/* An operand: its name and value ("研发投入 ¥8,000,000.50"), or the value alone for an earlier
 * result or a value nothing names (then *unnamed is set). */
static void operand_words(sbuf *b, const label_name *x, int64_t v, int type, int lang,
                          bool *unnamed)
{
    if (x && x->sn) {
        sb_puts(b, snode_label(x->sn, lang));
        sb_puts(b, " ");
        number_words(b, v, kind(x, type), x->sn, lang);
        return;
    }
    if (x && x->zh) {
        sb_puts(b, lang ? x->en : x->zh);
        sb_puts(b, " ");
    } else if (!x && unnamed)
        *unnamed = true;
    number_words(b, v, kind(x, type), NULL, lang);
}

void words_operand(sbuf *b, const label_name *x, int64_t v, int type, int lang, bool *unnamed)
{
    operand_words(b, x, v, type, lang, unnamed);
}

void words_pct(sbuf w[2], const label_name *x, int64_t v, const char *rate, int64_t out,
               bool *unnamed)
{
    for (int l = 0; l < 2; l++) {
        operand_words(&w[l], x, v, T_MONEY, l, unnamed);
        sb_printf(&w[l], " × %s%% = ", rate);
        label_money(&w[l], out);
    }
}

void words_cap(sbuf w[2], const label_name *x, int64_t v, int64_t m)
{
    int type = kind(x, T_MONEY);
    const snode *sn = x ? x->sn : NULL;
    bool named = x && (x->sn || x->zh);
    for (int l = 0; l < 2; l++) {
        sbuf *b = &w[l];
        if (v > m || named) {
            operand_words(b, x, v, type, l, NULL);
            sb_puts(b, v > m ? (l ? " is above the cap of " : " 超过上限 ")
                             : (l ? ", within the cap of " : "，不超过上限 "));
        } else
            sb_puts(b, l ? "within the cap of " : "不超过上限 ");
        number_words(b, m, type, sn, l);
        if (v > m) {
            sb_puts(b, l ? ": " : "，按上限计 ");
            number_words(b, m, type, sn, l);
        }
    }
}

bool words_minmax(sbuf w[2], const label_name *const *x, const int64_t *v, int n, bool max,
                  int64_t best, const label_name *r, bool *unnamed)
{
    const label_name *first = NULL;
    for (int i = 0; i < n && !first; i++)
        first = x[i];
    if (!first)
        return false;
    int type = kind(first, T_MONEY);
    for (int l = 0; l < 2; l++) {
        sbuf *b = &w[l];
        if (l)
            sb_printf(b, "the %s of ", max ? (n > 2 ? "highest" : "higher")
                                           : (n > 2 ? "lowest" : "lower"));
        for (int i = 0; i < n; i++) {
            if (i)
                sb_puts(b, !l ? "、" : i == n - 1 ? " and " : ", ");
            operand_words(b, x[i], v[i], type, l, unnamed);
        }
        if (!l)
            sb_puts(b, max ? (n > 2 ? " 取最大者" : " 取较大者") : (n > 2 ? " 取最小者" : " 取较小者"));
        sb_puts(b, " = ");
        number_words(b, best, type, r && r->sn ? r->sn : NULL, l);
    }
    return true;
}

/* ---- what an amount is computed from ---- */

bool source_reads_field(const char *text, size_t len, const char *name)
{
    size_t nl = strlen(name);
    bool comment = false;
    for (size_t i = 0; i + nl <= len; i++) {
        char ch = text[i];
        if (ch == '\n')
            comment = false;
        else if (ch == '-' && i + 1 < len && text[i + 1] == '-')
            comment = true;
        if (comment || memcmp(text + i, name, nl) != 0 || i == 0)
            continue;
        char before = text[i - 1], after = i + nl < len ? text[i + nl] : 0;
        bool ident = (after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
                     (after >= '0' && after <= '9') || after == '_';
        if (before == '.' && !ident)
            return true; /* p.name */
        if ((before == '"' || before == '\'') && after == before && i >= 2 && text[i - 2] == '[')
            return true; /* p["name"] */
    }
    return false;
}
