/* csvout.c — results as rows for spreadsheets: one row per record × policy, as CSV or as a
 * workbook's results sheet (xlsxout.c); an invalid record is one row with status "invalid" and
 * its error. Rows are made from an evaluated result (batch's CSV) or from a result line's JSON
 * tree (allocate, and every workbook, which is made from the lines once the summary is known),
 * the same cells either way. Besides the codes machines read (status, policy id, amounts),
 * a row says in words what a person reads: the enterprise's name, the policy's title, the
 * status (and what a budget pool did to the claim) and the reasons, in the output's language
 * (the reasons' words are csvwords.c's). It formats; it never reads or writes a file. */
#include "csvwords.h"
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
    /* what ends a run of text that needs no quotes: the end, or a byte that quotes it */
    static const unsigned char stop[256] = {
        [0] = 1, [','] = 1, [';'] = 1, ['"'] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1};
    unsigned char c0 = (unsigned char)s[0];
    bool formula = c0 == '=' || c0 == '+' || c0 == '-' || c0 == '@' || c0 == '\t' || c0 == '\r';
    if (!formula) {
        size_t n = 0;
        while (n < 16 && !stop[(unsigned char)s[n]]) /* most cells are short */
            n++;
        if (n == 16)
            n += strcspn(s + 16, ",;\"\t\r\n");
        if (!s[n]) {
            sb_putn(b, s, n);
            return;
        }
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
    const char *pool;
    size_t len;
    return last_reason && pool_reason_kind(last_reason, &pool, &len) == 1 ? PS_EXHAUSTED
                                                                          : PS_FLOORED;
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
    sbuf fw = {0};
    csv_reason_words(b, e, p, text(r, "name"), text(r, "field"),
                     act && act->type == V_SCALAR ? act->str : NULL, text(r, "required"), lang,
                     &fw);
    sb_free(&fw);
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

/* Writes cells kept in *slot (made from the text of t and kept in e's policy set on first
 * use). */
static void kept_cells(sbuf *out, const calc_engine *e, char **slot, unsigned short *len,
                       sbuf *t)
{
    if (!*slot && t->n < 65536) {
        *slot = arena_strndup((arena *)&e->ps.a, t->p, t->n);
        *len = (unsigned short)t->n;
    }
    if (*slot)
        sb_putn(out, *slot, *len);
    else
        sb_putn(out, t->p, t->n);
}

/* The cells of policy p's row for status st that are the same for every record: id, status
 * and kind (at = 0), or its title (at = 1); kept with the policy (pol_json.csv_*). */
static void policy_cells(sbuf *out, const calc_engine *e, const policy *p, int st, int lang,
                         int at, sbuf *t)
{
    pol_json *j = p->js;
    char **slot = !j ? NULL : at ? &j->csv_title[lang != 0] : &j->csv_head[st];
    if (slot && *slot) {
        sb_putn(out, *slot, at ? j->csv_title_len[lang != 0] : j->csv_head_len[st]);
        return;
    }
    csv_clear(t);
    if (at) {
        const char *title = lang ? p->title_en : p->title_zh;
        csv_text(t, title ? title : "");
        SB_LIT(t, ",");
    } else {
        csv_text(t, p->id);
        SB_LIT(t, ",");
        csv_text(t, calc_status_name(st));
        SB_LIT(t, ",");
        csv_text(t, kind_names[p->kind]);
        SB_LIT(t, ",");
    }
    if (slot)
        kept_cells(out, e, slot, at ? &j->csv_title_len[lang != 0] : &j->csv_head_len[st], t);
    else
        sb_putn(out, t->p, t->n);
}

/* The cell that joins the kept texts of n reasons (part 0: their parts of the reasons cell,
 * 1: their words) with sep, written as csv_text writes it; false (nothing written) when one
 * is not kept, one holds a quote or the first is empty. */
static bool kept_cell(sbuf *out, const struct cond_whole *const *kept, size_t n, int part,
                      const char *sep, size_t seplen)
{
    bool special = n > 1 && memchr(sep, ';', seplen); /* "; " joins them, "；" does not */
    for (size_t k = 0; k < n; k++) {
        if (!kept[k] || (kept[k]->flags >> (2 * part) & 2))
            return false;
        special |= kept[k]->flags >> (2 * part) & 1;
    }
    if (!n)
        return true;
    const char *first = part ? kept[0]->text + kept[0]->split : kept[0]->text;
    if (!(part ? kept[0]->len - kept[0]->split : kept[0]->split))
        return false;
    char c0 = first[0];
    bool formula = c0 == '=' || c0 == '+' || c0 == '-' || c0 == '@' || c0 == '\t' || c0 == '\r';
    if (formula || special)
        sb_puts(out, formula ? "\"'" : "\"");
    for (size_t k = 0; k < n; k++) {
        const struct cond_whole *w = kept[k];
        if (k)
            sb_putn(out, sep, seplen);
        if (part)
            sb_putn(out, w->text + w->split, w->len - w->split);
        else
            sb_putn(out, w->text, w->split);
    }
    if (formula || special)
        SB_LIT(out, "\"");
    return true;
}

void csv_result_rows(sbuf *out, const calc_engine *e, const calc_result *res, const char *name,
                     int lang)
{
    char date[16], amount[40], before_cap[40], before_pool[40];
    calc_date_format(date, res->as_of);
    sbuf m = {0}, rs = {0}, dt = {0}, w = {0};
    rscratch s = {0};
    /* the cells of every row of the record: its id and date, and its name */
    sbuf lead = {0}, named = {0};
    const struct cond_whole **kept = NULL; /* the reasons' kept texts */
    size_t nkept = 0;
    csv_text(&lead, res->profile_id ? res->profile_id : "");
    SB_LIT(&lead, ",");
    csv_text(&lead, date);
    SB_LIT(&lead, ",");
    csv_text(&named, name ? name : "");
    SB_LIT(&named, ",");
    for (size_t i = 0; i < res->n; i++) {
        const pres *r = &res->r[i];
        const policy *p = &e->ps.pol[r->policy];
        csv_clear(&m);
        csv_clear(&rs);
        csv_clear(&dt);
        csv_clear(&w);
        for (size_t k = 0; k < r->nmissing; k++) {
            if (k)
                sb_puts(&m, ";");
            sb_puts(&m, r->missing[k]);
        }
        if (r->nreason > nkept) {
            nkept = r->nreason * 2;
            kept = realloc(kept, nkept * sizeof *kept);
            if (!kept)
                abort();
        }
        for (size_t k = 0; k < r->nreason; k++) {
            kept[k] = csv_reason_kept(e, p, &r->reason[k], lang, &s);
            for (size_t j = 0; kept[k] && j < k; j++)
                if (kept[j] == kept[k]) /* the slot holds this record's texts now */
                    kept[j] = NULL;
        }
        for (size_t k = 0; p->kind == K_MATCH && k < r->ndetail; k++) {
            if (k)
                sb_puts(&dt, ";");
            sb_puts(&dt, r->detail[k]);
        }
        const char *last = r->nreason ? r->reason[r->nreason - 1].name : NULL;
        /* the cells of row(), in its order: numbers as they are, text by csv_text */
        sb_putn(out, lead.p, lead.n);
        policy_cells(out, e, p, r->status, lang, 0, &s.t);
        sb_puts(out, calc_money_format(amount, r->amount));
        SB_LIT(out, ",");
        if (p->kind == K_IN_KIND) {
            sb_int(out, (long long)r->quantity);
            SB_LIT(out, ",");
            csv_text(out, p->unit ? p->unit : "");
        } else
            SB_LIT(out, ",");
        SB_LIT(out, ",");
        csv_text(out, m.p ? m.p : "");
        SB_LIT(out, ",");
        if (!kept_cell(out, kept, r->nreason, 0, "; ", 2)) {
            for (size_t k = 0; k < r->nreason; k++) {
                if (k)
                    sb_puts(&rs, "; ");
                if (kept[k])
                    sb_putn(&rs, kept[k]->text, kept[k]->split);
                else
                    csv_reason_part(&rs, &r->reason[k], &s);
            }
            csv_text(out, rs.p ? rs.p : "");
        }
        SB_LIT(out, ",");
        csv_text(out, dt.p ? dt.p : "");
        SB_LIT(out, ",");
        if (r->status == ST_SUPERSEDED && r->superseded_by)
            csv_text(out, r->superseded_by);
        SB_LIT(out, ",");
        if (r->capped)
            sb_puts(out, calc_money_format(before_cap, r->amount_before_cap));
        SB_LIT(out, ",");
        if (r->status == ST_ERROR)
            csv_text(out, r->error ? r->error : "error");
        SB_LIT(out, ",");
        sb_putn(out, named.p, named.n);
        policy_cells(out, e, p, r->status, lang, 1, &s.t);
        csv_text(out, status_words(r->status, pool_state(e, p, r->status, r->pooled, last), lang));
        SB_LIT(out, ",");
        if (r->pooled)
            sb_puts(out, calc_money_format(before_pool, r->amount_before_pool));
        SB_LIT(out, ",");
        /* the words: the reasons' alone when nothing follows them */
        bool only = !r->nmissing && r->status != ST_SUPERSEDED && r->status != ST_ERROR;
        if (!only || !kept_cell(out, kept, r->nreason, 1, lang ? "; " : "；", lang ? 2 : 3)) {
            csv_words_of(&w, e, r, lang, &s, kept);
            csv_text(out, w.p ? w.p : "");
        }
        SB_LIT(out, "\r\n");
    }
    sb_free(&m);
    sb_free(&rs);
    sb_free(&dt);
    sb_free(&w);
    sb_free(&lead);
    sb_free(&named);
    free(kept);
    rscratch_free(&s);
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
            csv_reason(out, text(it, key), text(it, "field"), text(it, "actual"));
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
        csv_missing_words(w, e, paths, nm, lang);
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
        csv_clear(&m);
        csv_clear(&rs);
        csv_clear(&dt);
        csv_clear(&w);
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
