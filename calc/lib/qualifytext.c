/* qualifytext.c — "how to qualify" as people and programs read it: each change in words, in
 * Chinese and English, from the schema's labels (下一申报年度研发投入达到 ¥1,000,000.00（现为
 * ¥850,000.00，差 ¥150,000.00）, 将注册地迁入上城区, 取得科技型企业资质), the whole suggestion
 * with what it would bring or the facts that stand in the way, and the JSON of to_qualify.
 * No field path, code or DSL name reaches the words. It formats; qualify.c decides. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

/* A label; inside an English sentence it starts lower-case ("district of registration"),
 * unless it starts with an abbreviation ("HQ star level", "R&D expense"). */
static void put_label(sbuf *b, const char *l, int lang, bool sentence)
{
    if (sentence && lang && l[0] >= 'A' && l[0] <= 'Z' && l[1] >= 'a' && l[1] <= 'z') {
        char c = (char)(l[0] - 'A' + 'a');
        sb_putn(b, &c, 1);
        l++;
    }
    sb_puts(b, l);
}

static void field_words(sbuf *b, const calc_schema *s, const char *path, int lang,
                        bool sentence)
{
    char norm[200];
    schema_item_path(norm, sizeof norm, path);
    const snode *sn = schema_resolve(s->root, norm);
    const char *br = strchr(path, '[');
    if (!sn) {
        sb_puts(b, path); /* not a field of the schema: a policy's own record */
        return;
    }
    if (!br || !sn->parent) {
        put_label(b, snode_label(sn, lang), lang, sentence);
        return;
    }
    /* an item's field: "门店2的面积", "floor area of stores #2" (items counted from 1) */
    const snode *list = sn;
    while (list && list->type != T_LIST)
        list = list->parent;
    long idx = strtol(br + 1, NULL, 10) + 1;
    if (list && list != sn && list->item == sn) { /* the item itself: "awards[3]" */
        if (lang) {
            put_label(b, snode_label(list, lang), lang, sentence);
            sb_printf(b, " (entry %ld)", idx);
        } else
            sb_printf(b, "%s第%ld条", snode_label(list, 0), idx);
    } else if (!list || list == sn) {
        put_label(b, snode_label(sn, lang), lang, sentence);
        sb_printf(b, lang ? " #%ld" : "%ld", idx);
    } else if (lang) {
        put_label(b, snode_label(sn, lang), lang, sentence);
        sb_puts(b, " of ");
        put_label(b, snode_label(list, lang), lang, true);
        sb_printf(b, " #%ld", idx);
    } else
        sb_printf(b, "%s%ld的%s", snode_label(list, 0), idx, snode_label(sn, 0));
}

void qualify_field_words(sbuf *b, const calc_schema *s, const char *path, int lang)
{
    field_words(b, s, path, lang, false);
}

/* A value of field sn as a person reads it: money as ¥1,000,000.00, an enum by its label,
 * a flag as 是/否 (yes/no). */
static void value_words(sbuf *b, const snode *sn, const char *text, int lang)
{
    calc_money m;
    char buf[40];
    if (!text) {
        sb_puts(b, lang ? "not given" : "未提供");
        return;
    }
    if (sn->type == T_LIST && sn->item) /* a tag added to a list: the tag */
        sn = sn->item;
    int k = sn->type == T_ENUM ? enum_index(sn->en, text) : -1;
    if (sn->type == T_MONEY && !calc_money_parse(&m, text, strlen(text), NULL))
        sb_printf(b, "¥%s", calc_money_format_grouped(buf, m));
    else if (k >= 0)
        sb_puts(b, enum_label_lang(sn->en, k, lang));
    else if (sn->type == T_BOOL)
        sb_puts(b, strcmp(text, "true") == 0 ? (lang ? "yes" : "是") : (lang ? "no" : "否"));
    else
        sb_puts(b, text);
}

/* How far a raise goes: ¥150,000.00, or 20 (units, m²). */
static void gap_words(sbuf *b, const qchange *c)
{
    calc_money now, to;
    char buf[40];
    if (!c->now || calc_money_parse(&now, c->now, strlen(c->now), NULL) ||
        calc_money_parse(&to, c->to, strlen(c->to), NULL))
        return;
    if (c->sn->type == T_MONEY)
        sb_printf(b, "¥%s", calc_money_format_grouped(buf, to - now));
    else
        sb_int(b, (long long)((to - now) / 100)); /* whole numbers parse as yuan */
}

void qualify_change_words(sbuf *b, const calc_schema *s, const qchange *c, int lang)
{
    sbuf f = {0}, to = {0}, now = {0}, by = {0};
    field_words(&f, s, c->field, lang, true);
    value_words(&to, c->sn, c->to, lang);
    value_words(&now, c->sn, c->now, lang);
    gap_words(&by, c);
    const char *F = f.p ? f.p : "", *T = to.p ? to.p : "", *N = now.p ? now.p : "",
               *B = by.p ? by.p : "";
    const char *k = c->kind ? c->kind : "";
    if (strcmp(k, "next_year_target") == 0)
        sb_printf(b, lang ? "%s in the next claim year: at least %s (now %s, %s short)"
                          : "下一申报年度%s达到 %s（现为 %s，差 %s）", F, T, N, B);
    else if (strcmp(k, "raise") == 0)
        sb_printf(b, lang ? "%s: at least %s (now %s, %s short)" : "%s达到 %s（现为 %s，差 %s）",
                  F, T, N, B);
    else if (strcmp(k, "relocate") == 0) {
        sb_printf(b, lang ? "move the %s to %s" : "将%s迁入%s", F, T);
        if (c->now)
            sb_printf(b, lang ? " (now %s)" : "（现为%s）", N);
    } else if (strcmp(k, "obtain") == 0) {
        if (c->sn->type == T_LIST)
            sb_printf(b, lang ? "obtain the %s qualification" : "取得%s资质", T);
        else
            sb_printf(b, lang ? "obtain recognition: %s" : "取得%s认定", F);
    } else if (strcmp(k, "choose") == 0) {
        sb_printf(b, lang ? "set the %s to %s" : "%s改为%s", F, T);
        if (c->now)
            sb_printf(b, lang ? " (now %s)" : "（现为%s）", N);
    } else
        sb_printf(b, lang ? "provide the %s" : "补充%s", F);
    sb_free(&f);
    sb_free(&to);
    sb_free(&now);
    sb_free(&by);
}

/* The change of field `field` among q's changes. */
static const qchange *change_of(const qualify *q, const char *field)
{
    for (size_t j = 0; j < q->n; j++)
        if (q->change[j].field == field)
            return &q->change[j];
    return NULL;
}

/* In the amount's place when it depends on values still to give: the fields, and whether to
 * provide them ("金额取决于区级地方财政贡献，请补充后测算") or to reach them (a threshold of
 * more than zero: "金额取决于下一申报年度贷款利息的实际数额"). */
static void depends_words(sbuf *b, const calc_schema *s, const qualify *q, int lang)
{
    bool give = false;
    for (size_t k = 0; k < q->ndepends; k++) {
        const qchange *c = change_of(q, q->depends[k]);
        give |= c && strcmp(c->kind, "provide") == 0;
    }
    sb_puts(b, !lang ? "金额取决于"
               : give ? "the amount depends on the "
                      : "the amount depends on the figure reached for the ");
    for (size_t k = 0; k < q->ndepends; k++) {
        const qchange *c = change_of(q, q->depends[k]);
        if (k)
            sb_puts(b, !lang ? "、" : k + 1 == q->ndepends ? " and " : ", ");
        if (c && strcmp(c->kind, "next_year_target") == 0)
            sb_puts(b, lang ? "next claim year's " : "下一申报年度");
        field_words(b, s, q->depends[k], lang, true);
    }
    if (!lang)
        sb_puts(b, give ? "，请补充后测算" : "的实际数额");
    else if (give)
        sb_puts(b, q->ndepends > 1 ? ": provide them to compute it"
                                   : ": provide it to compute the amount");
}

void qualify_words(sbuf *b, const calc_engine *e, const policy *p, const qualify *q, int lang)
{
    const calc_schema *s = &e->ps.schema;
    if (!q->possible) {
        if (!q->nfixed)
            return; /* nothing proven, nothing to name */
        sb_puts(b, lang ? "cannot qualify by what the enterprise can change: "
                        : "无法通过企业可改变的事项符合：");
        for (size_t k = 0; k < q->nfixed; k++) {
            if (k)
                sb_puts(b, lang ? "; " : "；");
            field_words(b, s, q->fixed[k], lang, true);
            sb_puts(b, lang ? " does not meet this policy's requirement" : "不符合本政策要求");
        }
        return;
    }
    bool provide = false;
    sb_puts(b, lang ? "to qualify: " : "如何符合：");
    for (size_t k = 0; k < q->n; k++) {
        if (k)
            sb_puts(b, lang ? "; " : "；");
        qualify_change_words(b, s, &q->change[k], lang);
        provide |= strcmp(q->change[k].kind, "provide") == 0;
    }
    /* a Chinese closing parenthesis needs no space before the arrow */
    bool paren = !lang && b->n >= 3 && memcmp(b->p + b->n - 3, "）", 3) == 0;
    sb_puts(b, paren ? "→ " : " → ");
    char m[40];
    calc_money_format_grouped(m, q->amount);
    if (p->kind == K_MATCH)
        sb_puts(b, lang ? "matched" : "匹配");
    else if (q->example)
        depends_words(b, s, q, lang);
    else {
        if (provide)
            sb_puts(b, lang ? "if the data provided meets the conditions, "
                            : "补充的资料符合条件时");
        if (p->kind == K_IN_KIND) {
            const char *u = strcmp(p->unit, "m2") == 0 ? "m²"
                            : !lang                      ? "套"
                            : q->quantity == 1           ? "unit"
                                                         : "units";
            sb_printf(b, lang ? "expected %lld %s (¥%s)" : "预计 %lld %s（¥%s）",
                      (long long)q->quantity, u, m);
        } else
            sb_printf(b, lang ? "expected ¥%s" : "预计 ¥%s", m);
    }
}

/* {"zh": …, "en": …} of a field's label (an item's with its number). */
static void json_field_label(sbuf *b, const calc_schema *s, const char *field)
{
    sbuf t = {0};
    for (int lang = 0; lang < 2; lang++) {
        t.n = 0;
        qualify_field_words(&t, s, field, lang);
        sb_puts(b, lang ? ", \"en\": " : "{\"zh\": ");
        sb_json_str(b, t.p ? t.p : "");
    }
    sb_puts(b, "}");
    sb_free(&t);
}

/* A list of field paths, and beside it (key_label) their labels. */
static void json_fields(sbuf *b, const calc_schema *s, const char *key, const char *key_label,
                        const char *const *field, size_t n)
{
    for (int lab = 0; lab < 2; lab++) {
        sb_printf(b, ", \"%s\": [", lab ? key_label : key);
        for (size_t k = 0; k < n; k++) {
            if (k)
                sb_puts(b, ", ");
            if (lab)
                json_field_label(b, s, field[k]);
            else
                sb_json_str(b, field[k]);
        }
        sb_puts(b, "]");
    }
}

/* ---- the JSON ---- */

/* "to_qualify" of a result: each change with its kind and its words ("label", zh and en),
 * the amount it would bring — null, with the fields it depends on, when that is the
 * enterprise's value still to give — the failing fields no suggestion may change, and the
 * whole suggestion in words ("text", as the table says it). */
void qualify_json(sbuf *b, const calc_engine *e, const policy *p, const qualify *q)
{
    const calc_schema *s = &e->ps.schema;
    sbuf t = {0};
    char m[40];
    sb_printf(b, ", \"to_qualify\": {\"possible\": %s, \"changes\": [",
              q->possible ? "true" : "false");
    for (size_t k = 0; k < q->n; k++) {
        const qchange *c = &q->change[k];
        bool provide = strcmp(c->kind, "provide") == 0;
        sb_puts(b, k ? ", {\"field\": " : "{\"field\": ");
        sb_json_str(b, c->field);
        sb_puts(b, ", \"action\": ");
        sb_json_str(b, c->action);
        sb_puts(b, ", \"kind\": ");
        sb_json_str(b, c->kind);
        sb_puts(b, ", \"now\": ");
        if (c->now)
            sb_json_str(b, c->now);
        else
            sb_puts(b, "null");
        sb_puts(b, ", \"to\": "); /* a value to provide is the enterprise's, not calc's */
        if (provide || !c->to)
            sb_puts(b, "null");
        else
            sb_json_str(b, c->to);
        if (c->by) {
            sb_puts(b, ", \"by\": ");
            sb_json_str(b, c->by);
        }
        sb_puts(b, ", \"field_label\": ");
        json_field_label(b, s, c->field);
        for (int lang = 0; lang < 2; lang++) {
            t.n = 0;
            qualify_change_words(&t, s, c, lang);
            sb_puts(b, lang ? ", \"en\": " : ", \"label\": {\"zh\": ");
            sb_json_str(b, t.p ? t.p : "");
        }
        sb_puts(b, "}}");
    }
    sb_puts(b, "]");
    if (q->possible) {
        sb_printf(b, ", \"amount_is_example\": %s", q->example ? "true" : "false");
        sb_puts(b, ", \"amount\": ");
        if (q->example)
            sb_puts(b, "null");
        else
            sb_printf(b, "\"%s\"", calc_money_format(m, q->amount));
        if (p->kind == K_IN_KIND) {
            sb_puts(b, ", \"quantity\": ");
            if (q->example)
                sb_puts(b, "null");
            else
                sb_int(b, (long long)q->quantity);
        }
        json_fields(b, s, "depends_on", "depends_on_label", q->depends, q->ndepends);
    }
    json_fields(b, s, "cannot_change", "cannot_change_label", q->fixed, q->nfixed);
    for (int lang = 0; lang < 2; lang++) {
        t.n = 0;
        qualify_words(&t, e, p, q, lang);
        sb_puts(b, lang ? ", \"en\": " : ", \"text\": {\"zh\": ");
        sb_json_str(b, t.p ? t.p : "");
    }
    sb_puts(b, "}}");
    sb_free(&t);
}
