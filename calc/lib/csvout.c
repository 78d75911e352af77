/* csvout.c — results as rows for spreadsheets: one row per record × policy, as CSV or as a
 * workbook's results sheet (xlsxout.c); an invalid record is one row with status "invalid" and
 * its error. Rows are made from an evaluated result (batch's CSV) or from a result line's JSON
 * tree (allocate, and every workbook, which is made from the lines once the summary is known),
 * the same cells either way. Besides the codes machines read (status, policy id, amounts),
 * a row says in words what a person reads: the enterprise's name, the policy's title, the
 * status (and what a budget pool did to the claim) and the reasons, in the output's language.
 * It formats; it never reads or writes a file. */
#include "batch.h"
#include "xlsxout.h"

#include <stdlib.h>

#include <stdbool.h>
#include <string.h>

/* A text cell. Quoted when it holds a separator (',', or ';' for spreadsheets that split on
 * it), a quote, a tab or a line break. Text that begins with '=', '+', '-', '@', a tab or a CR
 * is a formula to a spreadsheet (CSV injection: =HYPERLINK(…), =cmd|…): it is quoted with a
 * single quote in front, as OWASP advises, so that it shows as the text it is. */
void csv_text(sbuf *b, const char *s)
{
    bool formula = strchr("=+-@\t\r", s[0]) && s[0];
    if (!formula && !s[strcspn(s, ",;\"\t\r\n")]) {
        sb_puts(b, s);
        return;
    }
    sb_puts(b, formula ? "\"'" : "\"");
    for (const char *q = s;;) {
        size_t n = strcspn(q, "\"");
        sb_putn(b, q, n);
        if (!q[n])
            break;
        sb_puts(b, "\"\"");
        q += n + 1;
    }
    sb_puts(b, "\"");
}

/* A cell of text, or of a number (an amount such as -1200.00, a count), which is written as
 * it is so that a spreadsheet reads a number. */
static void cell(sbuf *b, const char *s, bool last)
{
    if (s)
        csv_text(b, s);
    sb_puts(b, last ? "\r\n" : ",");
}

/* -?D+(.D+)?: what calc writes for amounts and counts. */
static bool is_number(const char *s)
{
    s += *s == '-';
    size_t n = strspn(s, "0123456789");
    if (!n)
        return false;
    s += n;
    if (*s == '.') {
        n = strspn(++s, "0123456789");
        if (!n)
            return false;
        s += n;
    }
    return !*s;
}

static void number(sbuf *b, const char *s, bool last)
{
    if (s && !is_number(s)) /* not a number after all: as text */
        csv_text(b, s);
    else if (s)
        sb_puts(b, s);
    sb_puts(b, last ? "\r\n" : ",");
}

/* The columns, and which of them are numbers. The first fourteen are those of the first CSV
 * output, in their order; the words came after them, so that a sheet reading columns by
 * position still reads. */
enum { COL_PROFILE, COL_AS_OF, COL_POLICY, COL_STATUS, COL_KIND, COL_AMOUNT, COL_QUANTITY,
       COL_UNIT, COL_MISSING, COL_REASONS, COL_DETAIL, COL_SUPERSEDED_BY, COL_BEFORE_CAP,
       COL_ERROR, COL_NAME, COL_TITLE, COL_STATUS_TEXT, COL_BEFORE_POOL, COL_REASONS_TEXT,
       NCOL };
static const char *const cols[NCOL] = {
    "profile", "as_of", "policy", "status", "kind", "amount", "quantity", "unit", "missing",
    "reasons", "detail", "superseded_by", "amount_before_cap", "error", "name", "title",
    "status_text", "amount_before_pool", "reasons_text"};

/* One row from its cells (NULL: empty). */
static void row(sbuf *out, const char *const cell_text[NCOL])
{
    for (int i = 0; i < NCOL; i++) {
        const char *s = cell_text[i] ? cell_text[i] : "";
        bool last = i + 1 == NCOL;
        if (i == COL_AMOUNT || i == COL_QUANTITY || i == COL_BEFORE_CAP || i == COL_BEFORE_POOL)
            number(out, s, last);
        else
            cell(out, s, last);
    }
}

/* A failed condition in the reasons cell: its name, and [field=actual] when it has a field. */
static void reason(sbuf *out, const char *name, const char *field, const char *actual)
{
    sb_puts(out, name);
    if (field[0])
        sb_printf(out, " [%s=%s]", field, actual);
}

/* ---- words ---- */

/* What a budget pool did to a claim (pools.c): nothing, a pro-rata share, the first-come
 * boundary's remainder, nothing left (first come), or a share floored to 0.00 (pro rata). */
enum { PS_NONE, PS_PRO_RATA, PS_PARTLY, PS_EXHAUSTED, PS_FLOORED };

static int pool_state(const calc_engine *e, const policy *p, int status, bool pooled,
                      const char *last_reason)
{
    if (!pooled || p->pool < 0)
        return PS_NONE;
    if (status == ST_ELIGIBLE)
        return e->ps.pool[p->pool].mode == 0 ? PS_PRO_RATA : PS_PARTLY;
    return last_reason && strcmp(last_reason, "pool exhausted") == 0 ? PS_EXHAUSTED : PS_FLOORED;
}

/* The status in words, a pool's doing in place of the status it left. */
static const char *status_words(int status, int ps, int lang)
{
    static const char *const zh[] = {"", "按比例分配", "部分分配", "资金池已用完", "分配份额为零"};
    static const char *const en[] = {"", "pro-rata share", "partly granted", "pool exhausted",
                                     "pro-rata share 0.00"};
    if (ps != PS_NONE)
        return lang ? en[ps] : zh[ps];
    return status < 0 ? (lang ? "invalid record" : "无效记录") : calc_status_label(status, lang);
}

const char *claim_status_words(const calc_engine *e, int status, const claim *x, int lang)
{
    int ps = PS_NONE;
    if (x && x->changed)
        ps = !claim_voided(e, x) ? (e->ps.pool[x->pool].mode == 0 ? PS_PRO_RATA : PS_PARTLY)
             : x->exhausted      ? PS_EXHAUSTED
                                 : PS_FLOORED;
    return status_words(status, ps, lang);
}

static const char *unit_words(const char *unit, int lang)
{
    if (!unit || !unit[0])
        return "";
    return strcmp(unit, "m2") == 0 ? "m²" : strcmp(unit, "units") == 0 ? (lang ? "units" : "套")
                                                                        : unit;
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
    snprintf(t, sizeof t, "%.*s", (int)len, v);
    if (sn && sn->parent && sn->parent->type == T_LIST && sn->parent->from_records &&
        ledger_entry_words(b, t, lang))
        return;
    int k = sn && sn->en ? enum_index(sn->en, t) : -1;
    const char *items = strstr(t, " item");
    if (k >= 0)
        sb_puts(b, enum_label_lang(sn->en, k, lang));
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
static void reason_words(sbuf *b, const calc_engine *e, const policy *p, const char *name,
                         const char *field, const char *actual, const char *required, int lang)
{
    if (strcmp(name, "pool exhausted") == 0 || strncmp(name, "pool share", 10) == 0) {
        const char *desc = field;
        for (size_t i = 0; !lang && i < e->ps.npool; i++)
            if (strcmp(e->ps.pool[i].name, field) == 0 && e->ps.pool[i].zh)
                desc = e->ps.pool[i].zh;
        if (name[5] == 'e')
            sb_printf(b, lang ? "pool %s exhausted" : "资金池已用完：%s", desc);
        else
            sb_printf(b, lang ? "pro-rata share of pool %s floored to 0.00"
                              : "按比例分配后份额为零：%s", desc);
        return;
    }
    const cond *c = p->ncond ? find_cond(p->conds, p->ncond, name) : NULL;
    const snode *sn = NULL;
    sbuf f = {0};
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
    sb_free(&f);
}

/* Missing data in words: "需补充：研发费用、所属行业". */
static void missing_words(sbuf *b, const calc_engine *e, const char *const *paths, size_t n,
                          int lang)
{
    for (size_t k = 0; k < n; k++) {
        const snode *sn;
        sb_puts(b, k ? (lang ? ", " : "、") : (lang ? "to provide: " : "需补充："));
        field_words(b, e, paths[k], lang, &sn);
    }
}

/* A record's reason in words, made from its parts (reason_words), not from its sentence
 * (crec_label): `calc allocate` makes the same rows from result lines, which carry no sentence
 * without --explain, and batch's and allocate's CSV must be the same bytes. */
static void reason_text(sbuf *b, const calc_engine *e, const policy *p, const crec *r, int lang)
{
    sbuf f = {0}, a = {0}, q = {0};
    if (r->field || (r->c && r->c->field))
        crec_field(&f, r);
    bool has = crec_actual(&a, r);
    crec_required(&q, r);
    reason_words(b, e, p, r->name ? r->name : "", f.p ? f.p : "", has ? (a.p ? a.p : "") : NULL,
                 q.p ? q.p : "", lang);
    sb_free(&f);
    sb_free(&a);
    sb_free(&q);
}

static const char *text(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? v->str : "";
}

/* The same for a reason of a result line (its tree), from the same parts. */
static void reason_text_tree(sbuf *b, const calc_engine *e, const policy *p, const value *r,
                             int lang)
{
    const value *act = map_get(r, "actual");
    reason_words(b, e, p, text(r, "name"), text(r, "field"),
                 act && act->type == V_SCALAR ? act->str : NULL, text(r, "required"), lang);
}

/* ---- invalid records ---- */

void csv_error_row(sbuf *out, size_t record, unsigned line, const char *msg, const char *msg_zh,
                   int lang)
{
    char rec[64];
    snprintf(rec, sizeof rec, "record %zu line %u", record, line);
    /* error: the message for programs (English, as the JSON's "error"); the words: the reader's */
    const char *words = lang == CALC_LANG_ZH && msg_zh && msg_zh[0] ? msg_zh : msg;
    const char *c[NCOL] = {[COL_PROFILE] = rec, [COL_STATUS] = "invalid", [COL_ERROR] = msg,
                           [COL_STATUS_TEXT] = status_words(-1, PS_NONE, lang),
                           [COL_REASONS_TEXT] = words};
    row(out, c);
}

/* ---- from an evaluated result ---- */

static const char *const kind_names[] = {"cash", "in_kind", "match"};

/* Empties b for the next cell, keeping its memory. */
static void clear(sbuf *b)
{
    b->n = 0;
    if (b->p)
        b->p[0] = 0;
}

void result_words(sbuf *w, const calc_engine *e, const pres *r, int lang)
{
    const policy *p = &e->ps.pol[r->policy];
    for (size_t k = 0; k < r->nreason; k++) {
        if (k)
            sb_puts(w, lang ? "; " : "；");
        reason_text(w, e, p, &r->reason[k], lang);
    }
    if (r->nmissing) {
        if (r->nreason)
            sb_puts(w, lang ? "; " : "；");
        missing_words(w, e, (const char *const *)r->missing, r->nmissing, lang);
    }
    if (r->status == ST_SUPERSEDED) {
        int s = policy_index(&e->ps, r->superseded_by);
        const char *t = s < 0 ? r->superseded_by : lang ? e->ps.pol[s].title_en
                                                         : e->ps.pol[s].title_zh;
        sb_printf(w, lang ? "the higher %s is granted instead" : "就高不重复：改按“%s”", t);
    }
    if (r->status == ST_ERROR)
        sb_puts(w, r->error ? r->error : "error");
}

void csv_result_rows(sbuf *out, const calc_engine *e, const calc_result *res, const char *name,
                     int lang)
{
    char date[16], amount[40], quantity[32], before_cap[40], before_pool[40];
    calc_date_format(date, res->as_of);
    sbuf m = {0}, rs = {0}, dt = {0}, f = {0}, a = {0}, w = {0};
    for (size_t i = 0; i < res->n; i++) {
        const pres *r = &res->r[i];
        const policy *p = &e->ps.pol[r->policy];
        clear(&m);
        clear(&rs);
        clear(&dt);
        clear(&w);
        for (size_t k = 0; k < r->nmissing; k++) {
            if (k)
                sb_puts(&m, ";");
            sb_puts(&m, r->missing[k]);
        }
        for (size_t k = 0; k < r->nreason; k++) {
            const crec *c = &r->reason[k];
            clear(&f);
            clear(&a);
            if (c->field || (c->c && c->c->field))
                crec_field(&f, c);
            crec_actual(&a, c);
            if (k)
                sb_puts(&rs, "; ");
            reason(&rs, c->name ? c->name : "", f.p ? f.p : "", a.p ? a.p : "");
        }
        for (size_t k = 0; p->kind == K_MATCH && k < r->ndetail; k++) {
            if (k)
                sb_puts(&dt, ";");
            sb_puts(&dt, r->detail[k]);
        }
        result_words(&w, e, r, lang);
        const char *last = r->nreason ? r->reason[r->nreason - 1].name : NULL;
        snprintf(quantity, sizeof quantity, "%lld", (long long)r->quantity);
        const char *c[NCOL] = {
            [COL_PROFILE] = res->profile_id,
            [COL_AS_OF] = date,
            [COL_POLICY] = p->id,
            [COL_STATUS] = calc_status_name(r->status),
            [COL_KIND] = kind_names[p->kind],
            [COL_AMOUNT] = calc_money_format(amount, r->amount),
            [COL_QUANTITY] = p->kind == K_IN_KIND ? quantity : NULL,
            [COL_UNIT] = p->kind == K_IN_KIND ? p->unit : NULL,
            [COL_MISSING] = m.p,
            [COL_REASONS] = rs.p,
            [COL_DETAIL] = dt.p,
            [COL_SUPERSEDED_BY] = r->status == ST_SUPERSEDED ? r->superseded_by : NULL,
            [COL_BEFORE_CAP] = r->capped ? calc_money_format(before_cap, r->amount_before_cap)
                                         : NULL,
            [COL_ERROR] = r->status == ST_ERROR ? (r->error ? r->error : "error") : NULL,
            [COL_NAME] = name,
            [COL_TITLE] = lang ? p->title_en : p->title_zh,
            [COL_STATUS_TEXT] = status_words(r->status, pool_state(e, p, r->status, r->pooled,
                                                                   last), lang),
            [COL_BEFORE_POOL] = r->pooled ? calc_money_format(before_pool, r->amount_before_pool)
                                          : NULL,
            [COL_REASONS_TEXT] = w.p,
        };
        row(out, c);
    }
    sb_free(&m);
    sb_free(&rs);
    sb_free(&dt);
    sb_free(&f);
    sb_free(&a);
    sb_free(&w);
}

/* ---- from a result line's tree ---- */

/* Joins a list of strings, or of records' "name"s, with sep. */
static void joined(sbuf *out, const value *l, const char *key, const char *sep)
{
    for (size_t i = 0; l && l->type == V_SEQ && i < l->n; i++) {
        const value *it = l->items[i];
        if (i)
            sb_puts(out, sep);
        if (it->type == V_SCALAR)
            sb_puts(out, it->str);
        else if (key)
            reason(out, text(it, key), text(it, "field"), text(it, "actual"));
    }
}

/* result_words for a result of a line. */
static void tree_words(sbuf *w, const calc_engine *e, const policy *p, const value *x,
                       int lang)
{
    const value *rl = map_get(x, "reasons"), *ml = map_get(x, "missing");
    size_t nr = rl && rl->type == V_SEQ ? rl->n : 0, nm = 0;
    for (size_t k = 0; k < nr; k++) {
        if (k)
            sb_puts(w, lang ? "; " : "；");
        reason_text_tree(w, e, p, rl->items[k], lang);
    }
    size_t nl = ml && ml->type == V_SEQ ? ml->n : 0;
    const char **paths = nl ? malloc(nl * sizeof *paths) : NULL;
    for (size_t k = 0; paths && k < nl; k++)
        if (ml->items[k]->type == V_SCALAR)
            paths[nm++] = ml->items[k]->str;
    if (nm) {
        if (nr)
            sb_puts(w, lang ? "; " : "；");
        missing_words(w, e, paths, nm, lang);
    }
    free(paths);
    const char *by = text(x, "superseded_by");
    if (strcmp(text(x, "status"), "superseded") == 0) {
        int s = policy_index(&e->ps, by);
        const char *t = s < 0 ? by : lang ? e->ps.pol[s].title_en : e->ps.pol[s].title_zh;
        sb_printf(w, lang ? "the higher %s is granted instead" : "就高不重复：改按“%s”", t);
    }
    if (strcmp(text(x, "status"), "error") == 0)
        sb_puts(w, text(x, "error")[0] ? text(x, "error") : "error");
}

/* The cells of every row of a line (an error line: one row), each passed to emit. */
typedef void (*row_fn)(void *ud, const char *const c[NCOL]);

static void line_rows(const calc_engine *e, const value *line, int lang, row_fn emit, void *ud)
{
    if (map_get(line, "error")) {
        char rec[64];
        snprintf(rec, sizeof rec, "record %s line %s", text(line, "record"), text(line, "line"));
        const char *c[NCOL] = {[COL_PROFILE] = rec, [COL_STATUS] = "invalid",
                               [COL_ERROR] = text(line, "error"),
                               [COL_STATUS_TEXT] = status_words(-1, PS_NONE, lang),
                               [COL_REASONS_TEXT] = text(line, "error")};
        emit(ud, c);
        return;
    }
    const value *results = map_get(line, "results");
    sbuf m = {0}, rs = {0}, dt = {0}, w = {0};
    for (size_t r = 0; results && results->type == V_SEQ && r < results->n; r++) {
        const value *x = results->items[r];
        int pi = policy_index(&e->ps, text(x, "policy"));
        const policy *p = pi >= 0 ? &e->ps.pol[pi] : NULL;
        clear(&m);
        clear(&rs);
        clear(&dt);
        clear(&w);
        joined(&m, map_get(x, "missing"), NULL, ";");
        joined(&rs, map_get(x, "reasons"), "name", "; ");
        joined(&dt, map_get(x, "detail"), NULL, ";");
        const char *st = text(x, "status"), *words = st;
        if (p) {
            tree_words(&w, e, p, x, lang);
            const value *rl = map_get(x, "reasons");
            const char *last = rl && rl->type == V_SEQ && rl->n
                                   ? text(rl->items[rl->n - 1], "name") : NULL;
            int si = batch_status_of(st);
            if (si >= 0)
                words = status_words(si, pool_state(e, p, si, map_get(x, "amount_before_pool"),
                                                    last), lang);
        }
        const char *c[NCOL] = {
            [COL_PROFILE] = text(line, "profile"),
            [COL_AS_OF] = text(line, "as_of"),
            [COL_POLICY] = text(x, "policy"),
            [COL_STATUS] = st,
            [COL_KIND] = text(x, "kind"),
            [COL_AMOUNT] = text(x, "amount"),
            [COL_QUANTITY] = text(x, "quantity"),
            [COL_UNIT] = text(x, "unit"),
            [COL_MISSING] = m.p,
            [COL_REASONS] = rs.p,
            [COL_DETAIL] = dt.p,
            [COL_SUPERSEDED_BY] = text(x, "superseded_by"),
            [COL_BEFORE_CAP] = text(x, "amount_before_cap"),
            [COL_ERROR] = text(x, "error"),
            [COL_NAME] = text(line, "name"),
            [COL_TITLE] = p ? (lang ? p->title_en : p->title_zh) : NULL,
            [COL_STATUS_TEXT] = words,
            [COL_BEFORE_POOL] = text(x, "amount_before_pool"),
            [COL_REASONS_TEXT] = w.p,
        };
        emit(ud, c);
    }
    sb_free(&m);
    sb_free(&rs);
    sb_free(&dt);
    sb_free(&w);
}

static void csv_emit(void *ud, const char *const c[NCOL]) { row(ud, c); }

void csv_rows(sbuf *out, const calc_engine *e, const value *line, bool header, int lang)
{
    if (header)
        row(out, cols);
    else
        line_rows(e, line, lang, csv_emit, out);
}

/* ---- the workbook's results sheet ---- */

void xlsx_results_sheet(xlsx *x, int lang)
{
    static const char *const zh[] = {"企业标识", "企业名称", "政策编号", "政策名称",
                                     "状态",     "金额",     "分配前金额", "数量",
                                     "单位",     "原因"};
    static const char *const en[] = {"id",     "name",   "policy",   "title",
                                     "status", "amount", "amount before pool", "quantity",
                                     "unit",   "reasons"};
    xlsx_sheet(x, lang ? "Results" : "结果", lang ? en : zh, 10, 2, true);
}

/* A money cell from its exact text ("1234.50"); empty when there is none. */
static void money_cell(xlsx *x, const char *s)
{
    calc_money m;
    if (s && s[0] && calc_money_parse(&m, s, strlen(s), NULL) == 0)
        xlsx_money(x, m);
    else
        xlsx_text(x, s);
}

typedef struct xrow_ud {
    xlsx *x;
    int lang;
} xrow_ud;

static void xlsx_emit(void *ud, const char *const c[NCOL])
{
    const xrow_ud *u = ud;
    xlsx *x = u->x;
    bool invalid = strcmp(c[COL_STATUS] ? c[COL_STATUS] : "", "invalid") == 0;
    xlsx_text(x, c[COL_PROFILE]);
    xlsx_text(x, c[COL_NAME]);
    xlsx_text(x, c[COL_POLICY]);
    xlsx_text(x, c[COL_TITLE]);
    xlsx_text(x, c[COL_STATUS_TEXT]);
    if (invalid)
        xlsx_text(x, NULL);
    else
        money_cell(x, c[COL_AMOUNT]);
    money_cell(x, c[COL_BEFORE_POOL]);
    const char *q = c[COL_QUANTITY];
    if (q && q[0] && strspn(q, "0123456789") == strlen(q))
        xlsx_int(x, strtoll(q, NULL, 10));
    else
        xlsx_text(x, q);
    xlsx_text(x, unit_words(c[COL_UNIT], u->lang));
    xlsx_text(x, c[COL_REASONS_TEXT]);
    xlsx_row_end(x);
}

void xlsx_result_rows(xlsx *x, const calc_engine *e, const value *line, int lang)
{
    xrow_ud u = {x, lang};
    line_rows(e, line, lang, xlsx_emit, &u);
}
