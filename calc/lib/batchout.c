/* batchout.c — what `calc batch` and `calc allocate` write besides the results' rows: the
 * output (the CSV header; a workbook made from the result lines with its summary and pools
 * sheets), the summary (a JSON file and a table on stderr, in Chinese or English), the
 * progress line, and the temporary files they need (standard input kept to be read twice). It
 * formats what the run counted; it decides nothing about a record. */
#include "batchrun.h"
#include "xlsxout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

char *batch_spool_stdin(const char *dir, FILE *err, int *fdp)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/calc-stdin.XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path); /* nameless from now on: nothing to leave behind, whatever ends calc */
    int wfd = fd < 0 ? -1 : dup(fd);
    FILE *f = wfd < 0 ? NULL : fdopen(wfd, "wb");
    if (!f) {
        diag_print(err, NULL, 0, "cannot create a temporary file: %s", calc_msg_errno(errno));
        if (wfd >= 0)
            close(wfd);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, f) != n)
            break;
    if (fclose(f) != 0 || ferror(stdin)) {
        close(fd);
        diag_print(err, NULL, 0, "cannot keep a copy of standard input");
        return NULL;
    }
    snprintf(path, sizeof path, "/dev/fd/%d", fd);
    *fdp = fd;
    return strdup(path);
}

bool batch_unread_said(const batch *b)
{
    const calc_batch_opts *o = b->o;
    if (b->unread && (o->output || o->summary || o->manifest))
        diag_print(o->err, NULL, 0, "no file written: an input could not be read to its end, "
                   "and its records would be missing from the results");
    return b->unread;
}

int batch_status_of(const char *s)
{
    for (int k = 0; k < 6; k++)
        if (strcmp(calc_status_name(k), s) == 0)
            return k;
    return -1;
}

/* ---- what the pools did ---- */

void pool_outcomes(const calc_engine *e, const claims *c, pool_outcome *pools,
                   pool_outcome *pols)
{
    for (size_t i = 0; c && i < c->n; i++) {
        const claim *x = &c->v[i];
        pool_outcome *o[2] = {&pools[x->pool], pols ? &pols[x->policy] : NULL};
        for (int k = 0; k < 2; k++) {
            if (!o[k])
                continue;
            if (!x->changed)
                o[k]->served++;
            else if (claim_voided(e, x))
                o[k]->turned_away++;
            else
                o[k]->partly++;
        }
    }
}

/* The counts a summary shows: per policy its statuses, with those a pool turned away apart
 * from the ineligible (their results say ineligible, with the reason "pool exhausted"). */
typedef struct counts {
    pool_outcome *pol, *pool; /* NULL without pools */
} counts;

static counts counts_make(const calc_engine *e, const pool_stat *ps, const claims *cl)
{
    counts c = {NULL, NULL};
    if (!ps)
        return c;
    c.pol = calloc(e->ps.n + 1, sizeof *c.pol);
    c.pool = calloc(e->ps.npool + 1, sizeof *c.pool);
    if (!c.pol || !c.pool)
        abort(); /* out of memory */
    pool_outcomes(e, cl, c.pool, c.pol);
    return c;
}

static void counts_free(counts *c)
{
    free(c->pol);
    free(c->pool);
}

/* Policy i's count of status k, the turned-away claims taken from the ineligible. */
static size_t count_of(const summary *s, const counts *c, size_t i, int k)
{
    size_t n = s->count[i][k];
    if (k == ST_INELIGIBLE && c->pol)
        n -= c->pol[i].turned_away;
    return n;
}

static const char *unit_name(int unit, int lang)
{
    return unit == U_M2 ? "m²" : lang ? "units" : "套";
}

/* ---- the summary as JSON ---- */

static void summary_json(sbuf *j, const batch *b, const calc_engine *e, const summary *s,
                         const pool_stat *ps_stat, const counts *c)
{
    const polset *ps = &e->ps;
    char m1[40], m2[40], m3[40], m4[40], d1[16];
    sb_printf(j, "{\"as_of\": \"%s\", \"records\": {\"read\": %zu, \"evaluated\": %zu, "
              "\"rejected\": %zu}, \"policies\": {",
              calc_date_format(d1, b->as_of), s->read, s->evaluated, s->rejected);
    for (size_t i = 0; i < ps->n; i++) {
        sb_puts(j, i ? ", " : "");
        sb_json_str(j, ps->pol[i].id);
        sb_puts(j, ": {");
        for (int k = 0; k < 6; k++)
            sb_printf(j, "\"%s\": %zu, ", calc_status_name(k), count_of(s, c, i, k));
        if (c->pol && ps->pol[i].pool >= 0) /* apart from the ineligible; partly: of the eligible */
            sb_printf(j, "\"pool_exhausted\": %zu, \"partly_served\": %zu, ",
                      c->pol[i].turned_away, c->pol[i].partly);
        sb_printf(j, "\"granted\": \"%s\"", calc_money_format(m1, summary_fit(s->granted[i])));
        if (ps->pol[i].kind == K_IN_KIND)
            sb_printf(j, ", \"quantity\": %lld", (long long)summary_fit(s->quantity[i]));
        sb_puts(j, "}");
    }
    sb_puts(j, "}, \"pools\": {");
    for (size_t p = 0; p < ps->npool && ps_stat; p++) {
        const decl *x = &ps->pool[p];
        const pool_stat *st = &ps_stat[p];
        sb_puts(j, p ? ", " : "");
        sb_json_str(j, x->name);
        if (x->unit == U_YUAN)
            sb_printf(j, ": {\"unit\": \"yuan\", \"mode\": \"pro_rata\", \"size\": \"%s\", "
                      "\"claims\": %zu, \"claimed\": \"%s\", \"granted\": \"%s\", "
                      "\"remaining\": \"%s\"",
                      calc_money_format(m1, x->size), st->nclaims,
                      calc_money_format(m2, st->claimed), calc_money_format(m3, st->granted),
                      calc_money_format(m4, x->size - st->granted));
        else
            sb_printf(j, ": {\"unit\": \"%s\", \"mode\": \"first_come\", \"size\": %lld, "
                      "\"claims\": %zu, \"claimed\": %lld, \"granted\": %lld, "
                      "\"remaining\": %lld",
                      x->unit == U_M2 ? "m2" : "units", (long long)x->size, st->nclaims,
                      (long long)st->claimed, (long long)st->granted,
                      (long long)(x->size - st->granted));
        if (ps->schema.history) { /* --ledger: across rounds (issue #17) */
            int64_t rem = pool_size_left(x) - st->granted;
            if (x->unit == U_YUAN)
                sb_printf(j, ", \"period\": \"%s\", \"granted_before\": \"%s\", "
                          "\"remaining_after\": \"%s\"", x->period ? "once" : "round",
                          calc_money_format(m1, x->before), calc_money_format(m2, rem));
            else
                sb_printf(j, ", \"period\": \"%s\", \"granted_before\": %lld, "
                          "\"remaining_after\": %lld", x->period ? "once" : "round",
                          (long long)x->before, (long long)rem);
        }
        /* what the claimants did not get: the demand the pool left unmet */
        const pool_outcome *o = &c->pool[p];
        sb_printf(j, ", \"served\": %zu, \"partly_served\": %zu, \"turned_away\": %zu, ",
                  o->served, o->partly, o->turned_away);
        if (x->unit == U_YUAN)
            sb_printf(j, "\"unmet\": \"%s\"", calc_money_format(m1, st->claimed - st->granted));
        else
            sb_printf(j, "\"unmet\": %lld", (long long)(st->claimed - st->granted));
        if (st->overflow)
            sb_puts(j, ", \"overflow\": true");
        if (st->factor_den)
            sb_printf(j, ", \"factor\": \"%s/%s\"", calc_money_format(m1, st->factor_num),
                      calc_money_format(m2, st->factor_den));
        if (st->ran_out) {
            sb_puts(j, ", \"ran_out_at\": {\"applied\": ");
            if (st->ran_out_has_applied)
                sb_printf(j, "\"%s\"", calc_date_format(d1, st->ran_out_applied));
            else
                sb_puts(j, "null");
            sb_puts(j, ", \"id\": ");
            sb_json_str(j, st->ran_out_id);
            sb_puts(j, "}");
        }
        sb_puts(j, "}");
    }
    sb_printf(j, "}, \"totals\": {\"cash\": \"%s\", \"in_kind\": \"%s\"}%s%s%s%s}\n",
              calc_money_format(m1, summary_fit(s->cash)),
              calc_money_format(m2, summary_fit(s->in_kind)),
              summary_overflow(s) ? ", \"error\": \"a sum exceeds the largest representable amount\""
                          : "",
              b->notes.n ? ", \"notes\": [" : "", b->notes.n ? b->notes.p : "",
              b->notes.n ? "]" : "");
}

/* ---- the summary as a table ---- */

/* s right-aligned (left with left) in width display columns (CJK counted double). */
static void cellw(sbuf *b, const char *s, size_t width, bool left)
{
    size_t w = calc_text_width(s);
    if (left)
        sb_puts(b, s);
    for (; w < width; w++)
        sb_puts(b, " ");
    if (!left)
        sb_puts(b, s);
}

/* The per-policy columns of the table and the summary sheet: statuses, the pool's doing apart
 * (partly served are among the eligible), what was granted. */
enum { SC_ELIGIBLE, SC_PARTLY, SC_EXHAUSTED, SC_INELIGIBLE, SC_NEEDS, SC_NOT_IN_FORCE,
       SC_SUPERSEDED, SC_ERROR, NSC };
static const char *const sc_zh[NSC] = {"符合", "其中部分分配", "资金池已用完", "不符合",
                                       "需补充资料", "不在有效期", "就高未选", "错误"};
static const char *const sc_en[NSC] = {"eligible", "of which partly", "pool exhausted",
                                       "ineligible", "needs data", "not in force", "superseded",
                                       "error"};

static size_t sc_count(const summary *s, const counts *c, size_t i, int col)
{
    static const int st[NSC] = {ST_ELIGIBLE, -1, -1, ST_INELIGIBLE, ST_NEEDS_DATA,
                                ST_NOT_IN_FORCE, ST_SUPERSEDED, ST_ERROR};
    if (col == SC_PARTLY)
        return c->pol ? c->pol[i].partly : 0;
    if (col == SC_EXHAUSTED)
        return c->pol ? c->pol[i].turned_away : 0;
    return count_of(s, c, i, st[col]);
}

/* One pool's line: size, claimed, granted and the demand left unmet; how many claims were
 * served in full, partly or turned away; where a first-come pool ran out. */
static void pool_line(sbuf *b, const decl *x, const pool_stat *st, const pool_outcome *o,
                      bool with_history, int lang)
{
    char m1[40], m2[40], m3[40], m4[40], d[16];
    const char *more = st->overflow ? (lang ? "more than " : "超过 ") : "";
    sb_printf(b, lang ? "pool %s" : "资金池 %s", x->name);
    if (!lang && x->zh)
        sb_printf(b, "（%s）", x->zh);
    if (x->unit == U_YUAN) {
        sb_printf(b, lang ? ": size ¥%s, claimed %s¥%s, granted ¥%s, unmet %s¥%s"
                          : "：规模 ¥%s，申请 %s¥%s，发放 ¥%s，未满足 %s¥%s",
                  calc_money_format_grouped(m1, x->size), more,
                  calc_money_format_grouped(m2, st->claimed),
                  calc_money_format_grouped(m3, st->granted), more,
                  calc_money_format_grouped(m4, st->claimed - st->granted));
        if (st->factor_den || (x->mode == 0 && st->overflow))
            sb_puts(b, lang ? " (pro rata)" : "（按比例分配）");
    } else {
        const char *u = unit_name(x->unit, lang);
        sb_printf(b, lang ? ": size %lld %s, claimed %s%lld, granted %lld, unmet %s%lld"
                          : "：规模 %lld %s，申请 %s%lld，发放 %lld，未满足 %s%lld",
                  (long long)x->size, u, more, (long long)st->claimed, (long long)st->granted,
                  more, (long long)(st->claimed - st->granted));
    }
    if (with_history) { /* --ledger: the stock across rounds (issue #17) */
        if (x->unit == U_YUAN)
            sb_printf(b, lang ? "; %s: granted before ¥%s, remaining ¥%s, this round ¥%s"
                              : "；%s：此前已发放 ¥%s，尚余 ¥%s，本轮发放 ¥%s",
                      x->period ? (lang ? "a stock" : "存量") : (lang ? "per round" : "每轮预算"),
                      calc_money_format_grouped(m1, x->before),
                      calc_money_format_grouped(m2, pool_size_left(x) - st->granted),
                      calc_money_format_grouped(m3, st->granted));
        else
            sb_printf(b, lang ? "; %s: granted before %lld, remaining %lld, this round %lld"
                              : "；%s：此前已发放 %lld，尚余 %lld，本轮发放 %lld",
                      x->period ? (lang ? "a stock" : "存量") : (lang ? "per round" : "每轮预算"),
                      (long long)x->before, (long long)(pool_size_left(x) - st->granted),
                      (long long)st->granted);
    }
    sb_printf(b, lang ? "; %zu claims: %zu served in full, %zu partly, %zu turned away"
                      : "；申请 %zu 项：全额 %zu，部分 %zu，未获分配 %zu",
              st->nclaims, o->served, o->partly, o->turned_away);
    if (st->ran_out) {
        if (lang)
            sb_printf(b, "; ran out at %s", st->ran_out_id);
        else
            sb_printf(b, "；于 %s 用完", st->ran_out_id);
        if (st->ran_out_has_applied)
            sb_printf(b, lang ? " (applied %s)" : "（申报日期 %s）",
                      calc_date_format(d, st->ran_out_applied));
    }
    sb_puts(b, "\n");
}

static void summary_table(sbuf *t, const calc_engine *e, const summary *s,
                          const pool_stat *ps_stat, const counts *c, int lang)
{
    const polset *ps = &e->ps;
    char m1[40], m2[40];
    sb_printf(t, lang ? "records: %zu read, %zu evaluated, %zu rejected\n"
                      : "记录：读取 %zu，已测算 %zu，无效 %zu\n",
              s->read, s->evaluated, s->rejected);
    size_t wid = 8, w[NSC];
    for (size_t i = 0; i < ps->n; i++)
        if (strlen(ps->pol[i].id) + 1 > wid)
            wid = strlen(ps->pol[i].id) + 1;
    cellw(t, lang ? "policy" : "政策", wid, true);
    for (int k = 0; k < NSC; k++) {
        if (k == SC_PARTLY || k == SC_EXHAUSTED) /* only where a pool bound */
            if (!ps_stat)
                continue;
        const char *h = lang ? sc_en[k] : sc_zh[k];
        w[k] = calc_text_width(h) + 2 > 9 ? calc_text_width(h) + 2 : 9;
        cellw(t, h, w[k], false);
    }
    cellw(t, lang ? "granted" : "发放金额", 20, false);
    sb_puts(t, "\n");
    for (size_t i = 0; i < ps->n; i++) {
        char n[32];
        cellw(t, ps->pol[i].id, wid, true);
        for (int k = 0; k < NSC; k++) {
            if ((k == SC_PARTLY || k == SC_EXHAUSTED) && !ps_stat)
                continue;
            bool none = (k == SC_PARTLY || k == SC_EXHAUSTED) && ps->pol[i].pool < 0;
            snprintf(n, sizeof n, "%zu", sc_count(s, c, i, k));
            cellw(t, none ? "-" : n, w[k], false);
        }
        cellw(t, calc_money_format_grouped(m1, summary_fit(s->granted[i])), 20, false);
        sb_puts(t, "\n");
    }
    for (size_t p = 0; p < ps->npool && ps_stat; p++)
        pool_line(t, &ps->pool[p], &ps_stat[p], &c->pool[p], ps->schema.history != NULL, lang);
    sb_printf(t, lang ? "totals: cash ¥%s, in kind ¥%s\n" : "合计：现金 ¥%s，实物价值 ¥%s\n",
              calc_money_format_grouped(m1, summary_fit(s->cash)),
              calc_money_format_grouped(m2, summary_fit(s->in_kind)));
}

void batch_summary(const batch *b, const calc_engine *e, const summary *s,
                   const pool_stat *ps_stat, const claims *cl, FILE *json, FILE *table)
{
    counts c = counts_make(e, ps_stat, cl);
    sbuf t = {0};
    if (json) {
        summary_json(&t, b, e, s, ps_stat, &c);
        fwrite(t.p, 1, t.n, json);
        t.n = 0;
    }
    if (table) {
        summary_table(&t, e, s, ps_stat, &c, b->o->lang);
        fwrite(t.p, 1, t.n, table);
    }
    sb_free(&t);
    counts_free(&c);
}

/* ---- the workbook's summary and pools sheets ---- */

static void xlsx_summary(xlsx *x, const batch *b, const calc_engine *e, const summary *s,
                         const pool_stat *ps_stat, const counts *c)
{
    int lang = b->o->lang;
    const polset *ps = &e->ps;
    const char *head[NSC + 4];
    int nh = 0;
    head[nh++] = lang ? "policy" : "政策编号";
    head[nh++] = lang ? "title" : "政策名称";
    for (int k = 0; k < NSC; k++)
        head[nh++] = lang ? sc_en[k] : sc_zh[k];
    head[nh++] = lang ? "granted" : "发放金额";
    head[nh++] = lang ? "quantity" : "数量";
    xlsx_sheet(x, lang ? "Summary" : "汇总", head, nh, 2, false);
    for (size_t i = 0; i < ps->n; i++) {
        const policy *p = &ps->pol[i];
        xlsx_text(x, p->id);
        xlsx_text(x, lang ? p->title_en : p->title_zh);
        for (int k = 0; k < NSC; k++)
            if ((k == SC_PARTLY || k == SC_EXHAUSTED) && (!ps_stat || p->pool < 0))
                xlsx_text(x, NULL);
            else
                xlsx_int(x, (long long)sc_count(s, c, i, k));
        xlsx_money(x, summary_fit(s->granted[i]));
        if (p->kind == K_IN_KIND)
            xlsx_int(x, (long long)summary_fit(s->quantity[i]));
        xlsx_row_end(x);
    }
    xlsx_row_end(x); /* then the run's figures, under the table */
    char d[16];
    struct { const char *zh, *en; long long n; } recs[] = {
        {"记录读取", "records read", (long long)s->read},
        {"已测算", "evaluated", (long long)s->evaluated},
        {"无效记录", "rejected", (long long)s->rejected}};
    xlsx_text(x, lang ? "as of" : "测算日期");
    xlsx_text(x, calc_date_format(d, b->as_of));
    xlsx_row_end(x);
    for (size_t k = 0; k < sizeof recs / sizeof recs[0]; k++) {
        xlsx_text(x, lang ? recs[k].en : recs[k].zh);
        xlsx_int(x, recs[k].n);
        xlsx_row_end(x);
    }
    xlsx_text(x, lang ? "total cash" : "现金合计");
    xlsx_money(x, summary_fit(s->cash));
    xlsx_row_end(x);
    xlsx_text(x, lang ? "total in-kind value" : "实物价值合计");
    xlsx_money(x, summary_fit(s->in_kind));
    xlsx_row_end(x);
    xlsx_text(x, lang ? "policy set" : "规则集指纹");
    char fp[80];
    snprintf(fp, sizeof fp, "sha256:%s", e->set_fp);
    xlsx_text(x, fp);
    xlsx_row_end(x);
    if (!ps_stat) {
        xlsx_text(x, lang ? "pools not allocated (--no-pools)" : "未分配资金池（--no-pools）");
        xlsx_row_end(x);
    }
}

/* A pool's size or sum: money, or whole units and m². */
static void pool_amount(xlsx *x, const decl *p, int64_t v)
{
    if (p->unit == U_YUAN)
        xlsx_money(x, v);
    else
        xlsx_int(x, (long long)v);
}

static void xlsx_pools_sheet(xlsx *x, const calc_engine *e, const pool_stat *ps_stat,
                      const claims *cl, int lang)
{
    static const char *const zh[] = {"资金池", "说明", "分配方式", "单位", "规模",
                                     "申请数", "申请合计", "发放", "剩余", "未满足需求",
                                     "全额获配", "部分获配", "未获分配", "按比例系数", "用完于"};
    static const char *const en[] = {"pool", "description", "mode", "unit", "size", "claims",
                                     "claimed", "granted", "remaining", "unmet demand",
                                     "served in full", "partly served", "turned away",
                                     "pro-rata factor", "ran out at"};
    xlsx_sheet(x, lang ? "Pools" : "资金池", lang ? en : zh, 15, 1, false);
    counts c = counts_make(e, ps_stat, cl);
    for (size_t i = 0; i < e->ps.npool; i++) {
        const decl *p = &e->ps.pool[i];
        xlsx_text(x, p->name);
        xlsx_text(x, p->zh);
        xlsx_text(x, p->mode == 0 ? (lang ? "pro rata" : "按比例") : (lang ? "first come" : "先到先得"));
        xlsx_text(x, p->unit == U_YUAN ? (lang ? "yuan" : "元") : unit_name(p->unit, lang));
        pool_amount(x, p, p->size);
        if (ps_stat) {
            const pool_stat *st = &ps_stat[i];
            xlsx_int(x, (long long)st->nclaims);
            pool_amount(x, p, st->claimed);
            pool_amount(x, p, st->granted);
            pool_amount(x, p, p->size - st->granted);
            pool_amount(x, p, st->claimed - st->granted);
            xlsx_int(x, (long long)c.pool[i].served);
            xlsx_int(x, (long long)c.pool[i].partly);
            xlsx_int(x, (long long)c.pool[i].turned_away);
            char m1[40], m2[40], f[96] = "";
            if (st->factor_den)
                snprintf(f, sizeof f, "%s/%s", calc_money_format(m1, st->factor_num),
                         calc_money_format(m2, st->factor_den));
            xlsx_text(x, f);
            xlsx_text(x, st->ran_out ? st->ran_out_id : NULL);
        }
        xlsx_row_end(x);
    }
    counts_free(&c);
}

/* ---- the output ---- */

int batch_out_open(batch_out *out, const batch *b, calc_date as_of)
{
    const calc_batch_opts *o = b->o;
    memset(out, 0, sizeof *out);
    if (o->out_format != CALC_OUT_XLSX) {
        if (calc_out_open(&out->of, o->output, o->err))
            return CALC_EIO;
        out->f = out->of.f;
        if (o->out_format == CALC_OUT_CSV) {
            if (o->excel)
                fputs("\xEF\xBB\xBF", out->f);
            sbuf h = {0};
            csv_rows(&h, NULL, NULL, true, o->lang);
            fwrite(h.p, 1, h.n, out->f);
            sb_free(&h);
        } else if (o->out_format == CALC_OUT_COMPACT) {
            sbuf h = {0};
            compact_header(&h, b->eng[0]);
            fwrite(h.p, 1, h.n, out->f);
            sb_free(&h);
        }
        return 0;
    }
    if (!(out->x = xlsx_create(o->output, as_of, o->err)))
        return CALC_EIO;
    if (!(out->f = batch_temp_file(calc_tmpdir()))) {
        diag_print(o->err, NULL, 0, "cannot create a temporary file in %s: %s", calc_tmpdir(),
                   calc_msg_errno(errno));
        xlsx_close(out->x, false, o->err);
        return CALC_EIO;
    }
    return 0;
}

int batch_out_close(batch_out *out, const batch *b, const summary *s, const pool_stat *ps,
                    const claims *cl)
{
    const calc_batch_opts *o = b->o;
    if (!out->x)
        return calc_out_close(&out->of, !b->unread, o->err);
    calc_engine *e = b->eng[0];
    int rc = 0;
    if (fflush(out->f) || ferror(out->f) || fseek(out->f, 0, SEEK_SET)) {
        diag_print(o->err, NULL, 0, "cannot read back the results: %s", calc_msg_errno(errno));
        rc = CALC_EIO;
    }
    xlsx_results_sheet(out->x, o->lang);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (!rc && (n = getline(&line, &cap, out->f)) > 0) {
        arena a = {0};
        value *t = NULL;
        calc_diags d = {0};
        if (calc_json_parse(&a, "<result>", 0, line, (size_t)n - (line[n - 1] == '\n'), &t, &d) ==
            0)
            xlsx_result_rows(out->x, e, t, o->lang);
        calc_diags_free(&d);
        arena_free(&a);
    }
    free(line);
    fclose(out->f);
    counts c = counts_make(e, ps, cl);
    xlsx_summary(out->x, b, e, s, ps, &c);
    counts_free(&c);
    xlsx_pools_sheet(out->x, e, ps, cl, o->lang);
    if (xlsx_close(out->x, rc == 0 && !b->unread, o->err))
        rc = CALC_EIO;
    return rc;
}

/* ---- progress ---- */

double batch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void batch_progress(const batch *b, size_t done, double t0, calc_input *in, bool final)
{
    double now = batch_now();
    double rate = now > t0 ? (double)done / (now - t0) : 0;
    char eta[64] = "";
    long long size = in ? input_size(in) : -1, pos = in ? input_pos(in) : -1;
    if (size > 0 && pos > 0 && rate > 0) {
        double left = (double)(size - pos) / ((double)pos / (double)done) / rate;
        snprintf(eta, sizeof eta, "  ETA %.0fs", left);
    }
    fprintf(b->o->err, "\r%zu records  %.0f records/s%s%s", done, rate, eta,
            final ? "\n" : "   ");
    fflush(b->o->err);
}
