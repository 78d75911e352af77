/* newly.c — `calc new POPULATION --ledger L`: the enterprises newly entitled (免申即享, "the policy
 * finds the enterprise"): every eligible result of a batch evaluated with the ledger's history,
 * one row per policy, claim year and key the ledger has not granted, with the key's share of
 * the amount and the data the enterprise would still have to confirm (the result's `missing`),
 * as a table, JSON, CSV or a workbook. The batch itself is calc_batch's (pools, stocks net of
 * earlier rounds, keys); this module only reads its result lines back and lists. */
#include "engine.h"
#include "polkey.h"
#include "table.h"
#include "xlsxout.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct nrow {
    char *id, *name, *policy, *key, *amount, *quantity, *missing, *title;
    int year;
} nrow;

typedef struct rows {
    nrow *v;
    size_t n, cap;
    calc_money cash, in_kind;
    arena a;
} rows;

static const char *text(const value *v)
{
    return v && v->type == V_SCALAR ? v->str : NULL;
}

static char *keep(arena *a, const char *s) { return arena_strndup(a, s ? s : "", s ? strlen(s) : 0); }

/* The rows of one result line: each eligible result's keys not granted before. */
static void line_rows(rows *out, const calc_engine *e, const value *line, int lang)
{
    const calc_history *h = e->ps.schema.history;
    const char *id = text(map_get(line, "profile")), *name = text(map_get(line, "name"));
    const value *res = map_get(line, "results");
    for (size_t i = 0; id && res && res->type == V_SEQ && i < res->n; i++) {
        const value *r = res->items[i];
        const char *st = text(map_get(r, "status")), *pol = text(map_get(r, "policy"));
        const value *keys = map_get(r, "keys"), *cy = map_get(r, "claim_year");
        if (!st || strcmp(st, "eligible") || !pol || !keys || keys->type != V_SEQ || !text(cy))
            continue;
        int year = atoi(text(cy));
        int pi = policy_index(&e->ps, pol);
        sbuf miss = {0};
        const value *m = map_get(r, "missing");
        for (size_t k = 0; m && m->type == V_SEQ && k < m->n; k++) {
            if (k)
                sb_puts(&miss, ", ");
            sb_puts(&miss, text(m->items[k]) ? text(m->items[k]) : "");
        }
        for (size_t k = 0; k < keys->n; k++) {
            const value *kv = keys->items[k];
            const char *key = text(map_get(kv, "key"));
            if (key && h && history_has(h, id, pol, year, key, NULL))
                continue; /* granted before: not new */
            out->v = arena_grow(&out->a, out->v, out->n, &out->cap, sizeof *out->v, 64);
            nrow *x = &out->v[out->n++];
            x->id = keep(&out->a, id);
            x->name = keep(&out->a, name);
            x->policy = keep(&out->a, pol);
            x->title = keep(&out->a, pi < 0 ? pol : lang ? e->ps.pol[pi].title_en : e->ps.pol[pi].title_zh);
            x->key = key ? keep(&out->a, key) : NULL;
            x->year = year;
            x->amount = keep(&out->a, text(map_get(kv, "amount")));
            const value *q = map_get(kv, "quantity");
            x->quantity = q && q->type == V_SCALAR && strcmp(q->str, "null") ? keep(&out->a, q->str)
                                                                             : NULL;
            x->missing = keep(&out->a, miss.p);
            calc_money v = 0;
            calc_money_parse(&v, x->amount, strlen(x->amount), NULL);
            if (pi >= 0 && e->ps.pol[pi].kind == K_IN_KIND)
                out->in_kind += v;
            else
                out->cash += v;
        }
        sb_free(&miss);
    }
}

/* Reads the result lines of path into rows; 0 or CALC_EIO. */
static int read_rows(rows *out, const calc_engine *e, const char *path, int lang)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return CALC_EIO;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned no = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        no++;
        arena a = {0};
        value *v = NULL;
        calc_diags d = {0};
        if (calc_json_parse(&a, path, no, line, (size_t)len, &v, &d) == 0 && v &&
            v->type == V_MAP)
            line_rows(out, e, v, lang);
        calc_diags_free(&d);
        arena_free(&a);
    }
    free(line);
    fclose(f);
    return 0;
}

static const char *const head_zh[] = {"企业", "名称", "政策", "政策名称", "申报年度",
                                      "记录键", "金额", "数量", "待确认数据"};
static const char *const head_en[] = {"enterprise", "name", "policy", "title", "claim year",
                                      "key", "amount", "quantity", "missing"};

static void write_json(FILE *out, const calc_engine *e, const rows *r, calc_date as_of)
{
    sbuf b = {0};
    char d[16], m1[40], m2[40];
    int64_t seq;
    const char *head = calc_history_head(e->ps.schema.history, &seq);
    sb_printf(&b, "{\"as_of\": \"%s\", \"ledger\": {\"head\": ", calc_date_format(d, as_of));
    sb_json_str(&b, head);
    sb_printf(&b, ", \"seq\": %lld}, \"entitled\": [", (long long)seq);
    for (size_t i = 0; i < r->n; i++) {
        const nrow *x = &r->v[i];
        sb_puts(&b, i ? ",\n  {\"enterprise\": " : "\n  {\"enterprise\": ");
        sb_json_str(&b, x->id);
        sb_puts(&b, ", \"name\": ");
        sb_json_str(&b, x->name);
        sb_puts(&b, ", \"policy\": ");
        sb_json_str(&b, x->policy);
        sb_printf(&b, ", \"claim_year\": %d, \"key\": ", x->year);
        if (x->key)
            sb_json_str(&b, x->key);
        else
            sb_puts(&b, "null");
        sb_puts(&b, ", \"amount\": ");
        sb_json_str(&b, x->amount);
        sb_printf(&b, ", \"quantity\": %s, \"missing\": [", x->quantity ? x->quantity : "null");
        for (const char *p = x->missing; *p;) { /* "a, b" back into a list */
            size_t n = strcspn(p, ",");
            char item[256];
            snprintf(item, sizeof item, "%.*s", (int)n, p);
            sb_json_str(&b, item);
            p += n;
            if (*p) {
                sb_puts(&b, ", ");
                p += 2;
            }
        }
        sb_puts(&b, "]}");
    }
    sb_printf(&b, "%s], \"totals\": {\"rows\": %zu, \"cash\": \"%s\", \"in_kind\": \"%s\"}}\n",
              r->n ? "\n" : "", r->n, calc_money_format(m1, r->cash),
              calc_money_format(m2, r->in_kind));
    fwrite(b.p, 1, b.n, out);
    sb_free(&b);
}

static void write_csv(FILE *out, const rows *r, int lang)
{
    sbuf b = {0};
    const char *const *h = lang ? head_en : head_zh;
    for (int i = 0; i < 9; i++) {
        if (i)
            sb_puts(&b, ",");
        csv_text(&b, h[i]);
    }
    sb_puts(&b, "\r\n");
    for (size_t i = 0; i < r->n; i++) {
        const nrow *x = &r->v[i];
        const char *cell[9] = {x->id, x->name, x->policy, x->title, NULL, x->key ? x->key : "",
                               x->amount, x->quantity ? x->quantity : "", x->missing};
        char y[16];
        snprintf(y, sizeof y, "%d", x->year);
        cell[4] = y;
        for (int k = 0; k < 9; k++) {
            if (k)
                sb_puts(&b, ",");
            csv_text(&b, cell[k]);
        }
        sb_puts(&b, "\r\n");
    }
    fwrite(b.p, 1, b.n, out);
    sb_free(&b);
}

static void write_table(FILE *out, const calc_engine *e, const rows *r, int lang)
{
    tbl t;
    tbl_init(&t, "lllllrrl");
    static const int cols[] = {0, 2, 4, 5, 6, 7, 8, 1};
    const char *const *h = lang ? head_en : head_zh;
    for (int i = 0; i < 8; i++)
        tbl_add(&t, h[cols[i]]);
    tbl_rule(&t);
    for (size_t i = 0; i < r->n; i++) {
        const nrow *x = &r->v[i];
        char m[48];
        calc_money v = 0;
        calc_money_parse(&v, x->amount, strlen(x->amount), NULL);
        tbl_add(&t, x->id);
        tbl_add(&t, x->policy);
        tbl_addf(&t, "%d", x->year);
        tbl_add(&t, x->key ? x->key : (lang ? "(none)" : "（无）"));
        sbuf mb = {0};
        label_money(&mb, v);
        snprintf(m, sizeof m, "%s", mb.p);
        sb_free(&mb);
        tbl_add(&t, m);
        tbl_add(&t, x->quantity ? x->quantity : "");
        tbl_add(&t, x->missing);
        tbl_add(&t, x->name);
    }
    sbuf b = {0};
    tbl_write(&b, &t, 0);
    tbl_free(&t);
    char m1[48], m2[48];
    int64_t seq;
    const char *head = calc_history_head(e->ps.schema.history, &seq);
    sbuf c1 = {0}, c2 = {0};
    label_money(&c1, r->cash);
    label_money(&c2, r->in_kind);
    snprintf(m1, sizeof m1, "%s", c1.p);
    snprintf(m2, sizeof m2, "%s", c2.p);
    sb_free(&c1);
    sb_free(&c2);
    sb_printf(&b, lang ? "%zu newly entitled (policy, claim year, key not granted by the ledger "
                         "at row %lld): cash %s, in kind %s\n"
                       : "新增应享 %zu 项（台账截至第 %lld 行尚未发放的政策、申报年度与记录键）：现金 %s，"
                         "实物 %s\n",
              r->n, (long long)seq, m1, m2);
    (void)head;
    fwrite(b.p, 1, b.n, out);
    sb_free(&b);
}

static int write_xlsx(const calc_batch_opts *o, const rows *r, int lang)
{
    xlsx *x = xlsx_create(o->output, o->as_of, o->err);
    if (!x)
        return CALC_EIO;
    xlsx_sheet(x, lang ? "New" : "新增应享", lang ? head_en : head_zh, 9, 1, true);
    for (size_t i = 0; i < r->n; i++) {
        const nrow *y = &r->v[i];
        calc_money v = 0;
        calc_money_parse(&v, y->amount, strlen(y->amount), NULL);
        xlsx_text(x, y->id);
        xlsx_text(x, y->name);
        xlsx_text(x, y->policy);
        xlsx_text(x, y->title);
        xlsx_int(x, y->year);
        xlsx_text(x, y->key);
        xlsx_money(x, v);
        if (y->quantity)
            xlsx_int(x, atoll(y->quantity));
        else
            xlsx_text(x, NULL);
        xlsx_text(x, y->missing);
        xlsx_row_end(x);
    }
    return xlsx_close(x, true, o->err);
}

int calc_new(FILE *out, const calc_batch_opts *o, int format, int lang)
{
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s/calc-new.XXXXXX", calc_tmpdir());
    int fd = mkstemp(tmp);
    if (fd < 0)
        return CALC_EIO;
    close(fd);
    calc_batch_opts b = *o; /* the batch, its result lines into the temporary file */
    b.output = tmp;
    b.out_format = CALC_OUT_JSONL;
    b.summary = NULL;
    b.manifest = NULL;
    b.quiet = 1;
    b.explain = 0;
    int rc = calc_batch(&b);
    calc_error err = {0};
    calc_engine *e = calc_engine_new(o->policies ? o->policies : "policies", &err);
    rows r = {0};
    if (!e) {
        calc_error_print(o->err, &err);
        rc = err.code ? err.code : CALC_EPOLICY;
    } else {
        calc_engine_set_history(e, o->history);
        int rr = read_rows(&r, e, tmp, lang);
        if (!rc)
            rc = rr;
        if (rr == 0) {
            if (format == 1)
                write_json(out, e, &r, o->as_of);
            else if (format == 2)
                write_csv(out, &r, lang);
            else if (format == 3) {
                int xr = write_xlsx(o, &r, lang);
                if (!rc)
                    rc = xr;
            } else
                write_table(out, e, &r, lang);
        }
    }
    unlink(tmp);
    arena_free(&r.a);
    calc_engine_free(e);
    return rc;
}
