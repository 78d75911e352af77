/* csvwords.c — the reasons of a result in words, for the CSV rows and the workbook's results
 * sheet (csvout.c) and the list of near misses (near.c): a reason's part of the reasons cell,
 * and its sentence in the output's language, made from the record's parts (name, field, actual
 * value, requirement). What a record of a repeating value says is made once and kept with its
 * condition (cond_json.csv). It formats; it never decides a status. */
#include "csvwords.h"
#include "msgs.h"

#include <stdlib.h>
#include <string.h>

void csv_reason(sbuf *out, const char *name, const char *field, const char *actual)
{
    sb_puts(out, name);
    if (field[0])
        sb_printf(out, " [%s=%s]", field, actual);
}

/* The condition named name among p's, at any depth, or NULL. */
static const cond *find_cond(const cond *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (c[i].name && strcmp(c[i].name, name) == 0)
            return &c[i];
        const cond *s = c[i].sub ? find_cond(c[i].sub, c[i].n, name) : NULL;
        if (s)
            return s;
    }
    return NULL;
}

/* A field as a person names it: its label, and for a list item the list's label and the
 * item's number ("门店第2项·门店类型", "stores 2: kind"); the path when the schema has no
 * such field. sn gets the field's node, or NULL. */
static void field_words(sbuf *b, const calc_engine *e, const char *field, int lang,
                        const snode **sn)
{
    char path[256];
    schema_item_path(path, sizeof path, field);
    *sn = schema_resolve(e->ps.schema.root, path);
    const char *br = strchr(field, '[');
    if (!*sn) {
        sb_puts(b, field);
        return;
    }
    if (br) {
        char list[256];
        snprintf(list, sizeof list, "%.*s", (int)(br - field), field);
        const snode *ln = schema_resolve(e->ps.schema.root, list);
        long k = strtol(br + 1, NULL, 10);
        if (ln && ln->item == *sn && !strchr(br, '.')) { /* the item itself: "awards[3]" */
            if (lang)
                sb_printf(b, "%s %ld", snode_label(ln, 1), k + 1);
            else
                sb_printf(b, "%s第%ld条", snode_label(ln, 0), k + 1);
            return;
        }
        if (lang)
            sb_printf(b, "%s %ld: ", ln ? snode_label(ln, 1) : list, k + 1);
        else
            sb_printf(b, "%s第%ld项·", ln ? snode_label(ln, 0) : list, k + 1);
    }
    sb_puts(b, snode_label(*sn, lang));
}

/* A value of field sn as a person reads it: an enum value's label, yes or no for a boolean,
 * a count of list items in the language. */
/* A ledger entry as a failed ledger condition gives it ("qt25-high-tech, year 2024, key
 * 2024-04-15, amount 200,000.00", book 2 §1.7) in words: "2024年度 ¥200,000.00（2024-04-15）";
 * false when the text is not of that form. */
static bool ledger_entry_words(sbuf *b, const char *t, int lang)
{
    const char *y = strstr(t, ", year "), *k = y ? strstr(y, ", key ") : NULL;
    const char *a = k ? strstr(k, ", amount ") : NULL;
    if (!a)
        return false;
    y += strlen(", year ");
    int yl = (int)(k - y);
    k += strlen(", key ");
    int kl = (int)(a - k);
    a += strlen(", amount ");
    if (lang)
        sb_printf(b, "year %.*s, ¥%s (%.*s)", yl, y, a, kl, k);
    else
        sb_printf(b, "%.*s年度 ¥%s（%.*s）", yl, y, a, kl, k);
    return true;
}

static void value_words(sbuf *b, const snode *sn, const char *v, size_t len, int lang)
{
    char t[256];
    if (len >= sizeof t) { /* no code, label or count is that long: the text as it is */
        sb_putn(b, v, len);
        return;
    }
    size_t k = strnlen(v, len); /* as snprintf's %.*s */
    memcpy(t, v, k);
    t[k] = 0;
    if (sn && sn->parent && sn->parent->type == T_LIST && sn->parent->from_records &&
        ledger_entry_words(b, t, lang))
        return;
    int e = sn && sn->en ? enum_index(sn->en, t) : -1;
    const char *items = strstr(t, " item");
    if (e >= 0)
        sb_puts(b, enum_label_lang(sn->en, e, lang));
    else if (sn && sn->type == T_BOOL && (strcmp(t, "true") == 0 || strcmp(t, "false") == 0))
        sb_puts(b, t[0] == 't' ? (lang ? "yes" : "是") : (lang ? "no" : "否"));
    else if (!lang && items && (strcmp(items, " item") == 0 || strcmp(items, " items") == 0))
        sb_printf(b, "%.*s 项", (int)(items - t), t);
    else
        sb_puts(b, t);
}

/* A requirement (">= 1000000.00", "one of ai, it") in words, its values as value_words. */
static void required_words(sbuf *b, const snode *sn, const char *req, int lang)
{
    static const struct { const char *op, *zh, *en; } ops[] = {
        {">= ", "不低于 ", "at least "}, {"<= ", "不高于 ", "at most "},
        {"> ", "高于 ", "more than "},   {"< ", "低于 ", "less than "},
        {"= ", "", ""},                  {"one of ", "", "one of "}};
    const char *rest = req;
    bool list = false;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strncmp(req, ops[i].op, strlen(ops[i].op)) == 0) {
            sb_puts(b, lang ? ops[i].en : ops[i].zh);
            rest = req + strlen(ops[i].op);
            list = i == 5;
            break;
        }
    for (const char *p = rest;;) {
        size_t n = list ? strcspn(p, ",") : strlen(p);
        value_words(b, sn, p, n, lang);
        if (!list || !p[n])
            break;
        sb_puts(b, lang ? ", " : "、");
        p += n + 1 + (p[n + 1] == ' ');
    }
    if (list && !lang)
        sb_puts(b, "之一");
}

/* A failed condition in words, for the reasons_text column and the workbook's 原因: a pool's
 * reason with its pool's description; the author's Chinese wording of the condition with the
 * actual value; else the field's label, the actual value and what is required. Both kinds of
 * rows (from a result, from a line's tree) come here with the same texts, so that they give
 * the same words. */
void csv_reason_words(sbuf *b, const calc_engine *e, const policy *p, const char *name,
                      const char *field, const char *actual, const char *required, int lang,
                      sbuf *fw)
{
    const char *pool = field;
    size_t plen = strlen(field);
    int kind = pool_reason_kind(name, &pool, &plen);
    if (kind) { /* the pool: its field, or under book 2's conventions its reason's name */
        const char *desc = pool;
        int dl = (int)plen;
        for (size_t i = 0; !lang && i < e->ps.npool; i++)
            if (strlen(e->ps.pool[i].name) == plen &&
                strncmp(e->ps.pool[i].name, pool, plen) == 0 && e->ps.pool[i].zh) {
                desc = e->ps.pool[i].zh;
                dl = (int)strlen(desc);
            }
        if (kind == 1)
            sb_printf(b, lang ? "pool %.*s exhausted" : "资金池已用完：%.*s", dl, desc);
        else
            sb_printf(b, lang ? "pro-rata share of pool %.*s floored to 0.00"
                              : "按比例分配后份额为零：%.*s", dl, desc);
        return;
    }
    const cond *c = p->ncond ? find_cond(p->conds, p->ncond, name) : NULL;
    const snode *sn = NULL;
    sbuf f = *fw; /* the field in words */
    csv_clear(&f);
    if (field[0])
        field_words(&f, e, field, lang, &sn);
    if (!lang && c && c->zh) {
        sb_puts(b, c->zh);
        if (actual) {
            sb_puts(b, "（实际：");
            value_words(b, sn, actual, strlen(actual), lang);
            sb_puts(b, "）");
        }
    } else if (lang && c && c->en && COND_COMPUTED(c->op)) {
        /* a computed condition (book 2): its requirement is the author's words, not a formula */
        sb_printf(b, "%s: ", f.p ? f.p : field);
        if (actual)
            value_words(b, sn, actual, strlen(actual), lang);
        else
            sb_puts(b, "not given");
        sb_printf(b, ", required %s", c->en);
    } else if (field[0]) {
        sb_puts(b, f.p);
        sb_puts(b, lang ? ": " : "：实际 ");
        if (actual)
            value_words(b, sn, actual, strlen(actual), lang);
        else
            sb_puts(b, lang ? "not given" : "未提供");
        sb_puts(b, lang ? ", required " : "，要求 ");
        required_words(b, sn, required, lang);
    } else
        sb_puts(b, name);
    *fw = f;
}

void csv_missing_words(sbuf *b, const calc_engine *e, const char *const *paths, size_t n,
                       int lang)
{
    for (size_t k = 0; k < n; k++) {
        const snode *sn;
        sb_puts(b, k ? (lang ? ", " : "、") : (lang ? "to provide: " : "需补充："));
        field_words(b, e, paths[k], lang, &sn);
    }
}

void rscratch_free(rscratch *s)
{
    sb_free(&s->f);
    sb_free(&s->a);
    sb_free(&s->q);
    sb_free(&s->fw);
    sb_free(&s->t);
    sb_free(&s->m);
}

/* A record's reason in words, made from its parts (csv_reason_words), not from its sentence
 * (crec_label): `calc allocate` makes the same rows from result lines, which carry no sentence
 * without --explain, and batch's and allocate's CSV must be the same bytes. */
static void reason_text(sbuf *b, const calc_engine *e, const policy *p, const crec *r, int lang,
                        rscratch *s)
{
    csv_clear(&s->f);
    csv_clear(&s->a);
    csv_clear(&s->q);
    if (r->field || (r->c && r->c->field))
        crec_field(&s->f, r);
    bool has = crec_actual(&s->a, r);
    crec_required(&s->q, r);
    csv_reason_words(b, e, p, r->name ? r->name : "", s->f.p ? s->f.p : "",
                     has ? (s->a.p ? s->a.p : "") : NULL, s->q.p ? s->q.p : "", lang, &s->fw);
}

void csv_reason_part(sbuf *b, const crec *r, rscratch *s)
{
    csv_clear(&s->f);
    csv_clear(&s->a);
    if (r->field || (r->c && r->c->field))
        crec_field(&s->f, r);
    crec_actual(&s->a, r);
    csv_reason(b, r->name ? r->name : "", s->f.p ? s->f.p : "", s->a.p ? s->a.p : "");
}

/* Whether record r's texts are kept by value (its condition's cond_json.csv), and the key: a
 * record of a condition on a field whose value is a number, date, yes/no or choice, an item
 * count, or a text (a list's items, by a hash of it; *alen its length) — what its texts are
 * made from besides the policy, its requirement and the language. */
static bool kept_key(const crec *r, int64_t *v, int *type, size_t *alen)
{
    const cond *c = r->c;
    *alen = 0;
    if (!c || !c->js || !c->field || r->field || (r->prefix && r->prefix[0]) ||
        r->name != c->name || r->required)
        return false;
    if (r->actual) { /* FNV-1a */
        uint64_t h = 0xcbf29ce484222325ULL;
        const unsigned char *q = (const unsigned char *)r->actual;
        for (; *q; q++)
            h = (h ^ *q) * 0x100000001b3ULL;
        *alen = (size_t)(q - (const unsigned char *)r->actual);
        *v = (int64_t)h;
        *type = -2;
        return *alen <= 512;
    }
    if (c->op == C_ANY_ITEM) {
        *v = r->v.set ? r->v.u.i : 0;
        *type = -1;
        return true;
    }
    int t = r->v.type;
    if (!r->v.set || !(t == T_ENUM || t == T_INT || t == T_MONEY || t == T_DATE ||
                       t == T_MONTH || t == T_BOOL))
        return false;
    *v = r->v.u.i;
    *type = t;
    return true;
}

/* The number of times byte c is in s[0, n), and where the first is. */
static size_t count_byte(const char *s, size_t n, char c, size_t *at)
{
    size_t k = 0;
    for (size_t i = n; i-- > 0;)
        if (s[i] == c) {
            k++;
            *at = i;
        }
    return k;
}

/* Record r's texts (as csv_reason_kept makes them: the reasons cell's part, then from *split
 * the words) into t from its condition's template (cond_json.csv_tmpl, made when it is not
 * for this language and requirement): for a record of a number or date of a field that is
 * neither a choice nor yes/no, whose value the texts hold as it is. False when there is no
 * template for it. */
static bool tmpl_texts(sbuf *t, size_t *split, const calc_engine *e, const policy *p,
                       const crec *r, int lang, rscratch *s)
{
    int type = r->v.type;
    const snode *sn = r->c->sn;
    if (!(type == T_INT || type == T_MONEY || type == T_DATE || type == T_MONTH) || !sn ||
        sn->type != type || sn->en)
        return false;
    struct cond_tmpl *m = &r->c->js->csv_tmpl;
    if (!m->ok || m->type != type || m->lang != lang || m->pol != p ||
        !stamp_eq(m->st, stamp_of(p, r->as_of))) {
        crec x = *r; /* the record with a mark for its value */
        x.actual = (char *)"\x01";
        csv_clear(&s->m);
        csv_reason_part(&s->m, &x, s);
        size_t rp = s->m.n, at0 = 0, at1 = 0;
        reason_text(&s->m, e, p, &x, lang, s);
        m->ok = true;
        m->usable = count_byte(s->m.p, rp, 1, &at0) == 1 &&
                    count_byte(s->m.p + rp, s->m.n - rp, 1, &at1) == 1 && s->m.n < 4096;
        m->type = type;
        m->lang = lang;
        m->pol = p;
        m->st = stamp_of(p, r->as_of);
        if (m->usable) { /* the texts without the marks */
            size_t n = s->m.n - 2;
            if (n > m->cap) {
                size_t cap = n < 256 ? 256 : (n + 63) & ~(size_t)63;
                m->text = arena_alloc_raw((arena *)&e->ps.a, cap);
                m->cap = (unsigned short)cap;
            }
            at1 += rp;
            memcpy(m->text, s->m.p, at0);
            memcpy(m->text + at0, s->m.p + at0 + 1, at1 - at0 - 1);
            memcpy(m->text + at1 - 1, s->m.p + at1 + 1, s->m.n - at1 - 1);
            m->cut[0] = (unsigned short)at0;
            m->cut[1] = (unsigned short)(rp - 1);
            m->cut[2] = (unsigned short)(at1 - 1);
            m->len = (unsigned short)n;
        }
    }
    if (!m->usable)
        return false;
    csv_clear(&s->a);
    pval_render(&s->a, &r->v); /* the value as crec_actual gives it */
    sb_putn(t, m->text, m->cut[0]);
    sb_putn(t, s->a.p, s->a.n);
    sb_putn(t, m->text + m->cut[0], m->cut[1] - m->cut[0]);
    *split = t->n;
    sb_putn(t, m->text + m->cut[1], m->cut[2] - m->cut[1]);
    sb_putn(t, s->a.p, s->a.n);
    sb_putn(t, m->text + m->cut[2], m->len - m->cut[2]);
    return true;
}

const struct cond_whole *csv_reason_kept(const calc_engine *e, const policy *p, const crec *r,
                                         int lang, rscratch *s)
{
    int64_t v;
    int type;
    size_t alen;
    if (!kept_key(r, &v, &type, &alen))
        return NULL;
    arena *a = (arena *)&e->ps.a; /* the policy set's: the conditions' texts live with them */
    struct cond_whole *w = cond_kept_slot(&r->c->js->csv, r, v, a);
    if (!w)
        return NULL;
    if (w->ok && w->v == v && w->type == type && w->tv == lang && w->pol == p &&
        stamp_eq(w->st, stamp_of(p, r->as_of)) && w->alen == alen && (!alen || memcmp(w->text + w->len, r->actual, alen) == 0))
        return w;
    csv_clear(&s->t);
    size_t split;
    if (!tmpl_texts(&s->t, &split, e, p, r, lang, s)) {
        csv_reason_part(&s->t, r, s);
        split = s->t.n;
        reason_text(&s->t, e, p, r, lang, s);
    }
    size_t n = s->t.n;
    w->ok = false;
    if (n > 4096)
        return NULL;
    if (n + alen > w->cap) {
        size_t cap = n + alen < 256 ? 256 : (n + alen + 63) & ~(size_t)63;
        w->text = arena_alloc_raw(a, cap);
        w->cap = (unsigned short)cap;
    }
    memcpy(w->text, s->t.p, n);
    if (alen)
        memcpy(w->text + n, r->actual, alen);
    const char *q = s->t.p, *quoted = ",;\"\t\r\n"; /* what csv_text quotes for */
    w->flags = (unsigned char)((strcspn(q, quoted) < split) | (memchr(q, '"', split) ? 2 : 0) |
                               (strcspn(q + split, quoted) < n - split ? 4 : 0) |
                               (memchr(q + split, '"', n - split) ? 8 : 0));
    w->len = (unsigned short)n;
    w->split = (unsigned short)split;
    w->alen = (unsigned short)alen;
    w->ok = true;
    w->v = v;
    w->type = type;
    w->tv = lang;
    w->pol = p;
    w->st = stamp_of(p, r->as_of);
    return w;
}

void csv_words_of(sbuf *w, const calc_engine *e, const pres *r, int lang, rscratch *s,
                  const struct cond_whole *const *kept)
{
    const policy *p = &e->ps.pol[r->policy];
    for (size_t k = 0; k < r->nreason; k++) {
        if (k)
            sb_puts(w, lang ? "; " : "；");
        const struct cond_whole *kw =
            kept ? kept[k] : csv_reason_kept(e, p, &r->reason[k], lang, s);
        if (kw)
            sb_putn(w, kw->text + kw->split, kw->len - kw->split);
        else
            reason_text(w, e, p, &r->reason[k], lang, s);
    }
    if (r->nmissing) {
        if (r->nreason)
            sb_puts(w, lang ? "; " : "；");
        csv_missing_words(w, e, (const char *const *)r->missing, r->nmissing, lang);
    }
    if (r->status == ST_SUPERSEDED) {
        int si = policy_index(&e->ps, r->superseded_by);
        const char *t = si < 0 ? r->superseded_by : lang ? e->ps.pol[si].title_en
                                                          : e->ps.pol[si].title_zh;
        sb_printf(w, lang ? "the higher %s is granted instead" : "就高不重复：改按“%s”", t);
    }
    if (r->status == ST_ERROR) {
        char zh[1024];
        sb_puts(w, msg_policy_error(zh, sizeof zh, r->error, lang ? CALC_LANG_EN : CALC_LANG_ZH));
    }
}

void result_words(sbuf *w, const calc_engine *e, const pres *r, int lang)
{
    rscratch s = {0};
    csv_words_of(w, e, r, lang, &s, NULL);
    rscratch_free(&s);
}

