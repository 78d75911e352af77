/* sweep.c — `calc sweep`: one profile evaluated across a range of one field's values, each
 * policy's amount and the cash and in-kind totals per step, as a table, CSV or an SVG line
 * chart. The chart names the field by its schema label and marks a threshold only where the
 * varied field crosses a threshold of that policy's own conditions (and the result changes
 * there), and a cap where the policy's declared cap is reached; cash and in-kind totals are
 * separate lines, and the legend sits beside the plot, never over it. */
#include "engine.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

typedef struct sweep {
    size_t nstep;
    int64_t *x;          /* the field's value per step (fen, or a whole number) */
    int xtype;           /* T_MONEY or T_INT */
    bool m2;             /* a whole number of square metres */
    size_t npol;
    int *pol;            /* policy indexes shown */
    int64_t *amt;        /* nstep × npol, fen */
    int *st;             /* nstep × npol statuses */
    int64_t *cash, *in_kind; /* the totals per step */
    char label[256];     /* the field for people: "研发投入", "门店1·面积" */
    const char *profile; /* its id */
    calc_date as_of;
} sweep;

static void xtext(char *out, size_t cap, const sweep *s, size_t i)
{
    if (s->xtype == T_MONEY)
        calc_money_format(out, s->x[i]);
    else
        snprintf(out, cap, "%lld", (long long)s->x[i]);
}

/* Yuan for an axis or a marker: in Chinese 万 from ten thousand up ("100万", "2.5万"); in
 * English whole yuan grouped ("1,000,000"), with the fen when there are any. */
static void axis_money(char *out, size_t cap, int64_t fen, bool wan, int lang)
{
    if (wan && !lang) {
        long long w100 = (long long)(fen / 10000); /* hundredths of 万元 */
        if (w100 % 100 == 0)
            snprintf(out, cap, "%lld万", w100 / 100);
        else
            snprintf(out, cap, "%lld.%02lld万", w100 / 100, w100 % 100);
    } else {
        char b[40];
        calc_money_format_grouped(b, fen);
        size_t l = strlen(b);
        if (wan && l > 3 && strcmp(b + l - 3, ".00") == 0)
            b[l - 3] = 0;
        snprintf(out, cap, "%s", b);
    }
}

/* The varied field's label (the schema's, in lang); a list item's with its number. */
static void field_label(sweep *s, const calc_engine *e, const snode *sn, const char *path,
                        int lang)
{
    const char *br = strchr(path, '[');
    if (!br) {
        snprintf(s->label, sizeof s->label, "%s", snode_label(sn, lang));
        return;
    }
    char list[200];
    snprintf(list, sizeof list, "%.*s", (int)(br - path), path);
    const snode *ln = schema_resolve(e->ps.schema.root, list);
    long n = strtol(br + 1, NULL, 10) + 1; /* people count from 1 */
    const char *ll = ln ? snode_label(ln, lang) : list;
    if (lang)
        snprintf(s->label, sizeof s->label, "%s (%s #%ld)", snode_label(sn, lang), ll, n);
    else
        snprintf(s->label, sizeof s->label, "%s%ld·%s", ll, n, snode_label(sn, lang));
}

static void esc(sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            sb_puts(b, "&lt;");
        else if (*s == '>')
            sb_puts(b, "&gt;");
        else if (*s == '&')
            sb_puts(b, "&amp;");
        else if (*s == '"')
            sb_puts(b, "&quot;");
        else
            sb_putn(b, s, 1);
    }
}

/* ---- markers ---- */

/* A threshold of one condition on the varied field: the value, and on which side of it the
 * value itself lies (x >= t and x < t: the upper side; x <= t and x > t: the lower). */
typedef struct thr {
    int64_t at;
    bool upper; /* the condition's truth at `at` is its truth above it */
} thr;

/* The thresholds of policy p's conditions on field sn (at_least, at_most, greater, less and
 * between, at any depth and in list items), at most cap of them. */
static size_t thresholds(const policy *p, const cond *c, size_t nc, const snode *sn,
                         calc_date as_of, thr *out, size_t n, size_t cap)
{
    for (size_t i = 0; i < nc && n < cap; i++) {
        const cond *x = &c[i];
        if (x->n)
            n = thresholds(p, x->sub, x->n, sn, as_of, out, n, cap);
        if (x->sn != sn)
            continue;
        switch (x->op) {
        case C_AT_LEAST: case C_LESS:
            out[n++] = (thr){req_value(p, as_of, &x->req[0]), true};
            break;
        case C_AT_MOST: case C_GREATER:
            out[n++] = (thr){req_value(p, as_of, &x->req[0]), false};
            break;
        case C_BETWEEN: /* >= low and <= high */
            out[n++] = (thr){req_value(p, as_of, &x->req[0]), true};
            if (n < cap)
                out[n++] = (thr){req_value(p, as_of, &x->req[1]), false};
            break;
        }
    }
    return n;
}

/* Whether the condition of threshold t can be true at x0 and false at x1 or the other way
 * (x0 < x1): t lies between them, on the side it belongs to. */
static bool crosses(const thr *t, int64_t x0, int64_t x1)
{
    return t->upper ? x0 < t->at && t->at <= x1 : x0 <= t->at && t->at < x1;
}

typedef struct marker {
    size_t p, i;    /* series and step */
    bool cap;       /* a cap reached, else a threshold crossed */
    int64_t at;     /* the threshold's value (x), or the cap (y) */
    double lx;      /* the label's centre */
    int row;
} marker;

/* Every marker of the chart: per policy, a threshold of its own conditions on the field that
 * lies between two steps whose status or amount differ; the first step at the policy's declared
 * cap (its `limit` parameter). */
static size_t find_markers(const calc_engine *e, const sweep *s, const snode *sn, marker **out)
{
    size_t n = 0, cap = 16;
    marker *m = malloc(cap * sizeof *m);
    for (size_t p = 0; p < s->npol && m; p++) {
        const policy *pol = &e->ps.pol[s->pol[p]];
        thr t[32];
        size_t nt = thresholds(pol, pol->conds, pol->ncond, sn, s->as_of, t, 0, 32);
        int64_t limit = pol->limit_param >= 0 ? pol->params[pol->limit_param].value : -1;
        for (size_t i = 1; i < s->nstep; i++) {
            size_t a = (i - 1) * s->npol + p, b = i * s->npol + p;
            bool changed = s->st[a] != s->st[b] || s->amt[a] != s->amt[b];
            marker mk = {p, i, false, 0, 0, 0};
            bool found = false;
            for (size_t k = 0; k < nt && changed && !found; k++)
                if (crosses(&t[k], s->x[i - 1], s->x[i])) {
                    mk.at = t[k].at;
                    found = true;
                }
            if (!found && limit >= 0 && s->st[b] == ST_ELIGIBLE && s->amt[b] == limit &&
                s->amt[a] != limit) {
                mk.cap = true;
                mk.at = limit;
                found = true;
            }
            if (!found)
                continue;
            if (n == cap) {
                cap *= 2;
                marker *g = realloc(m, cap * sizeof *m);
                if (!g)
                    break;
                m = g;
            }
            m[n++] = mk;
        }
    }
    *out = m;
    return m ? n : 0;
}

/* ---- the chart ---- */

enum { W_MIN = 900, H = 540, L = 110, PW = 550, T = 88, B = 70 };
static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                     "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

/* Pixels of text at 13 px: an estimate good enough to keep labels apart. */
static double text_px(const char *s) { return 7.0 * (double)calc_text_width(s); }

static int by_x(const void *a, const void *b)
{
    double x = ((const marker *)a)->lx, y = ((const marker *)b)->lx;
    return x < y ? -1 : x > y;
}

static void write_svg(sbuf *b, const calc_engine *e, const sweep *s, const snode *sn, int lang)
{
    int64_t xmin = s->x[0], xmax = s->x[s->nstep - 1], ymax = 0;
    bool any_in_kind = false;
    for (size_t i = 0; i < s->nstep; i++) {
        if (s->cash[i] > ymax)
            ymax = s->cash[i];
        if (s->in_kind[i] > ymax)
            ymax = s->in_kind[i];
        any_in_kind |= s->in_kind[i] != 0;
        for (size_t p = 0; p < s->npol; p++)
            if (s->amt[i * s->npol + p] > ymax)
                ymax = s->amt[i * s->npol + p];
    }
    if (ymax == 0)
        ymax = 100;
    { /* a round top for the axis: 1, 2 or 5 × 10^k fen, times 5 ticks */
        int64_t unit = 1;
        while (unit * 50 < ymax / 5 + 1 && unit < INT64_MAX / 100)
            unit *= 10;
        int64_t tick = unit;
        if (tick * 5 < ymax)
            tick = unit * 2;
        if (tick * 5 < ymax)
            tick = unit * 5;
        while (tick * 5 < ymax)
            tick *= 2;
        ymax = tick * 5;
    }
    if (xmax == xmin)
        xmax = xmin + 1;
    bool wan = ymax >= 1000000, xwan = xmax >= 1000000; /* ≥ ¥10,000 */
    /* the legend's entries: the policies, the cash total, the in-kind total when there is one */
    size_t nser = s->npol + 1 + any_in_kind;
    double lw = 0;
    for (size_t p = 0; p < s->npol; p++) {
        const policy *pol = &e->ps.pol[s->pol[p]];
        double w = text_px(lang ? pol->title_en : pol->title_zh);
        lw = w > lw ? w : lw;
    }
    lw = lw > 7.0 * 22 ? lw : 7.0 * 22; /* room for the totals' names */
    const int legend_x = L + PW + 24;
    int W = legend_x + 31 + (int)lw + 16;
    W = W < W_MIN ? W_MIN : W;
    double pw = PW, ph = H - T - B;
#define SX(v) (L + pw * (double)((v) - xmin) / (double)(xmax - xmin))
#define SY(v) (T + ph - ph * (double)(v) / (double)ymax)
    sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                 "viewBox=\"0 0 %d %d\" font-family=\"Noto Sans CJK SC, WenQuanYi Micro Hei, "
                 "sans-serif\" font-size=\"13\" data-x-min=\"%lld\" data-x-max=\"%lld\" "
                 "data-y-max=\"%lld\" data-plot=\"%d %d %d %d\">\n",
              W, H, W, H, (long long)xmin, (long long)xmax, (long long)ymax, L, T, L + PW, H - B);
    sb_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
    char unit[64] = "";
    if (s->xtype == T_MONEY)
        snprintf(unit, sizeof unit, "%s", xwan ? (lang ? " (yuan)" : "（万元）")
                                               : (lang ? " (yuan)" : "（元）"));
    else if (s->m2)
        snprintf(unit, sizeof unit, "%s", lang ? " (m²)" : "（平方米）");
    sb_printf(b, "<text class=\"title\" x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">",
              L);
    if (lang) {
        esc(b, "Amount by ");
        esc(b, s->label);
    } else {
        esc(b, "金额随");
        esc(b, s->label);
        esc(b, "变化");
    }
    char d[16];
    sb_printf(b, "</text>\n<text class=\"subtitle\" x=\"%d\" y=\"44\" font-size=\"12\" "
                 "fill=\"#555\">",
              L);
    esc(b, s->profile);
    sb_printf(b, lang ? " · as of %s" : " · 测算日期 %s", calc_date_format(d, s->as_of));
    sb_puts(b, "</text>\n");
    /* axes and grid */
    for (int k = 0; k <= 5; k++) {
        int64_t v = ymax * k / 5;
        double y = SY(v);
        char t[64];
        axis_money(t, sizeof t, v, wan, lang);
        sb_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                  L, y, L + PW, y, L - 8, y + 4, t);
    }
    for (int k = 0; k <= 5; k++) {
        int64_t v = xmin + (xmax - xmin) * k / 5;
        double x = SX(v);
        char t[64];
        if (s->xtype == T_MONEY)
            axis_money(t, sizeof t, v, xwan, lang);
        else
            snprintf(t, sizeof t, "%lld", (long long)v);
        sb_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>"
                     "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                  x, H - B, x, H - B + 5, x, H - B + 20, t);
    }
    sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>"
                 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
              L, T, L, H - B, L, H - B, L + PW, H - B);
    sb_printf(b, "<text class=\"x-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", L + pw / 2,
              H - 25);
    esc(b, s->label);
    esc(b, unit);
    sb_puts(b, "</text>\n");
    sb_printf(b, "<text class=\"y-label\" transform=\"translate(24 %.1f) rotate(-90)\" "
                 "text-anchor=\"middle\">%s</text>\n",
              T + ph / 2, wan ? (lang ? "amount (yuan)" : "金额（万元）")
                              : (lang ? "amount (yuan)" : "金额（元）"));
    /* the markers' labels: above the plot, in up to two rows, apart from each other */
    marker *mk;
    size_t nmk = find_markers(e, s, sn, &mk);
    for (size_t k = 0; k < nmk; k++)
        mk[k].lx = SX(mk[k].cap ? s->x[mk[k].i] : mk[k].at);
    qsort(mk, nmk, sizeof *mk, by_x);
    double right[2] = {-1e9, -1e9};
    char (*mtext)[96] = calloc(nmk + 1, sizeof *mtext);
    for (size_t k = 0; k < nmk && mtext; k++) {
        char v[64];
        if (mk[k].cap)
            axis_money(v, sizeof v, mk[k].at, wan, lang);
        else if (s->xtype == T_MONEY)
            axis_money(v, sizeof v, mk[k].at, xwan, lang);
        else
            snprintf(v, sizeof v, "%lld%s", (long long)mk[k].at, s->m2 ? " m²" : "");
        snprintf(mtext[k], sizeof mtext[k], "%s %s",
                 mk[k].cap ? (lang ? "cap" : "封顶") : (lang ? "threshold" : "门槛"), v);
        double half = text_px(mtext[k]) / 2;
        if (mk[k].lx - half < L)
            mk[k].lx = L + half;
        if (mk[k].lx + half > L + PW)
            mk[k].lx = L + PW - half;
        mk[k].row = mk[k].lx - half > right[0] + 6 ? 0 : mk[k].lx - half > right[1] + 6 ? 1
                    : right[0] < right[1]                                            ? 0
                                                                                     : 1;
        right[mk[k].row] = mk[k].lx + half;
    }
    /* one series per policy, then the totals: cash, and in kind (values) when there are any */
    for (size_t p = 0; p < s->npol + 2; p++) {
        if (p == s->npol + 1 && !any_in_kind)
            continue;
        bool pol = p < s->npol;
        const char *color = pol ? colors[p % 10] : p == s->npol ? "#000" : "#666";
        const char *id = pol ? e->ps.pol[s->pol[p]].id
                             : p == s->npol ? "totals.cash" : "totals.in_kind";
        const char *title = pol ? (lang ? e->ps.pol[s->pol[p]].title_en
                                        : e->ps.pol[s->pol[p]].title_zh)
                          : p == s->npol ? (lang ? "cash total" : "现金合计")
                                         : (lang ? "in-kind total (value)" : "实物合计（价值）");
        const char *dash = pol ? "" : p == s->npol ? " stroke-dasharray=\"6 4\""
                                                   : " stroke-dasharray=\"2 3\"";
        sb_printf(b, "<g class=\"series\" data-policy=\"%s\">\n<polyline fill=\"none\" "
                     "stroke=\"%s\" stroke-width=\"%s\"%s points=\"",
                  id, color, pol ? "2" : "1.5", dash);
        for (size_t i = 0; i < s->nstep; i++) {
            int64_t y = pol ? s->amt[i * s->npol + p]
                            : p == s->npol ? s->cash[i] : s->in_kind[i];
            sb_printf(b, "%s%.1f,%.1f", i ? " " : "", SX(s->x[i]), SY(y));
        }
        sb_puts(b, "\"/>\n");
        for (size_t i = 0; i < s->nstep; i++) {
            int64_t y = pol ? s->amt[i * s->npol + p]
                            : p == s->npol ? s->cash[i] : s->in_kind[i];
            char xt[40], yt[40];
            xtext(xt, sizeof xt, s, i);
            calc_money_format(yt, y);
            sb_printf(b, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\" "
                         "data-x=\"%s\" data-y=\"%s\"/>\n",
                      SX(s->x[i]), SY(y), color, xt, yt);
        }
        for (size_t k = 0; k < nmk && mtext; k++) {
            if (mk[k].p != p || !pol)
                continue;
            size_t i = mk[k].i;
            char xt[40], at[40];
            xtext(xt, sizeof xt, s, i);
            if (mk[k].cap || s->xtype == T_MONEY)
                calc_money_format(at, mk[k].at);
            else
                snprintf(at, sizeof at, "%lld", (long long)mk[k].at);
            double gx = SX(mk[k].cap ? s->x[i] : mk[k].at), ly = T - 12 - 16 * mk[k].row;
            /* the point marked; a guide from the label down through the plot; the label */
            sb_printf(b, "<g class=\"marker\" data-kind=\"%s\" data-x=\"%s\" data-at=\"%s\">"
                         "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"%s\" "
                         "stroke-width=\"2\"/><line class=\"guide\" x1=\"%.1f\" y1=\"%.1f\" "
                         "x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-opacity=\"0.5\" "
                         "stroke-dasharray=\"3 3\"/><text class=\"marker-label\" x=\"%.1f\" "
                         "y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" fill=\"%s\">",
                      mk[k].cap ? "cap" : "threshold", xt, at, SX(s->x[i]),
                      SY(s->amt[i * s->npol + p]), color, gx, ly + 4, gx, H - B, color,
                      mk[k].lx, ly, color);
            esc(b, mtext[k]);
            sb_puts(b, "</text></g>\n");
        }
        size_t li = p < nser ? p : nser - 1;
        double ly = T + 10 + 22.0 * (double)li;
        sb_printf(b, "<line class=\"legend-line\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                     "stroke=\"%s\" stroke-width=\"3\"%s/><text class=\"legend\" x=\"%d\" "
                     "y=\"%.1f\">",
                  legend_x, ly, legend_x + 25, ly, color, dash, legend_x + 31, ly + 4);
        esc(b, title);
        sb_puts(b, "</text>\n</g>\n");
    }
    free(mtext);
    free(mk);
    sb_puts(b, "</svg>\n");
#undef SX
#undef SY
}

int calc_sweep(FILE *out, calc_engine *e, const char *profile, const char *const *sets,
               int nsets, const char *vary, const char *const *only, int nonly, calc_date as_of,
               int format, int lang, calc_diags *d)
{
    calc_loc loc = {"--vary", 0, 0};
    const char *eq = strchr(vary, '=');
    char path[200];
    int64_t from, to, step;
    if (!eq || (size_t)(eq - vary) >= sizeof path) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "e.g. --vary finance.rd_expense=0:5000000:250000",
                "'%s': expected PATH=FROM:TO:STEP", vary);
        return CALC_EUSAGE;
    }
    snprintf(path, sizeof path, "%.*s", (int)(eq - vary), vary);
    char norm[200];
    schema_item_path(norm, sizeof norm, path); /* stores[0].x → stores[].x */
    const snode *sn = schema_resolve(e->ps.schema.root, norm);
    if (!sn || (sn->type != T_MONEY && sn->type != T_INT)) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "sweep an amount or a whole-number field",
                "'%s' is not a money or whole-number field of the schema", path);
        return CALC_EUSAGE;
    }
    char parts[3][64];
    const char *q = eq + 1;
    for (int i = 0; i < 3; i++) {
        size_t l = strcspn(q, ":");
        if (l >= sizeof parts[i] || (i < 2 && q[l] != ':')) {
            diag_at(d, CALC_EUSAGE, &loc, NULL, NULL, "'%s': expected FROM:TO:STEP", vary);
            return CALC_EUSAGE;
        }
        snprintf(parts[i], sizeof parts[i], "%.*s", (int)l, q);
        q += l + (q[l] == ':');
    }
    int64_t *vals[3] = {&from, &to, &step};
    for (int i = 0; i < 3; i++) {
        int bad;
        if (sn->type == T_MONEY)
            bad = calc_money_parse(vals[i], parts[i], strlen(parts[i]), NULL);
        else {
            char *end;
            *vals[i] = strtoll(parts[i], &end, 10);
            bad = *end != 0 || end == parts[i];
        }
        if (bad) {
            diag_at(d, CALC_EUSAGE, &loc, NULL, NULL, "'%s': bad number '%s'", vary, parts[i]);
            return CALC_EUSAGE;
        }
    }
    if (step <= 0 || to < from) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, NULL, "'%s': expected FROM <= TO and STEP > 0",
                vary);
        return CALC_EUSAGE;
    }
    if ((to - from) / step > 10000) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "use a larger STEP", "'%s': more than 10,000 steps",
                vary);
        return CALC_EUSAGE;
    }
    sweep s;
    memset(&s, 0, sizeof s);
    s.xtype = sn->type;
    s.nstep = (size_t)((to - from) / step) + 1;
    s.x = calloc(s.nstep, sizeof *s.x);
    s.pol = calloc(e->ps.n + 1, sizeof *s.pol);
    int64_t *all = calloc(s.nstep * e->ps.n + 1, sizeof *all);
    int *allst = calloc(s.nstep * e->ps.n + 1, sizeof *allst);
    s.cash = calloc(s.nstep, sizeof *s.cash);
    s.in_kind = calloc(s.nstep, sizeof *s.in_kind);
    s.m2 = sn->type == T_INT && sn->name_len > 3 && strcmp(sn->name + sn->name_len - 3, "_m2") == 0;
    s.as_of = as_of;
    field_label(&s, e, sn, path, lang);
    char *profile_id = NULL;
    const char **argv = calloc((size_t)nsets + 2, sizeof *argv);
    for (int i = 0; i < nsets; i++)
        argv[i] = sets[i];
    int rc = 0;
    for (size_t i = 0; i < s.nstep && !rc; i++) {
        s.x[i] = from + (int64_t)i * step;
        char xt[40], arg[300];
        xtext(xt, sizeof xt, &s, i);
        snprintf(arg, sizeof arg, "%s=%s", path, xt);
        argv[nsets] = arg;
        calc_profile *p = calc_profile_load_set(e, profile, argv, nsets + 1, d);
        if (!p) {
            rc = d->n ? d->v[d->n - 1].code : CALC_ESCHEMA;
            break;
        }
        calc_result *r = calc_eval(e, p, as_of);
        for (size_t j = 0; j < r->n; j++) {
            all[i * e->ps.n + j] = r->r[j].kind == K_MATCH ? 0 : r->r[j].amount;
            allst[i * e->ps.n + j] = r->r[j].status;
        }
        s.cash[i] = r->cash;
        s.in_kind[i] = r->in_kind;
        if (!profile_id)
            profile_id = strdup(calc_profile_id(p));
        calc_result_free(r);
        calc_profile_free(p);
    }
    /* the policies shown: those named, else every one that grants something somewhere */
    for (size_t j = 0; !rc && j < e->ps.n; j++) {
        bool show = false;
        if (nonly) {
            for (int o = 0; o < nonly; o++)
                show |= strcmp(only[o], e->ps.pol[j].id) == 0;
        } else
            for (size_t i = 0; i < s.nstep; i++)
                show |= all[i * e->ps.n + j] != 0;
        if (show)
            s.pol[s.npol++] = (int)j;
    }
    for (int o = 0; !rc && o < nonly; o++)
        if (policy_index(&e->ps, only[o]) < 0) {
            diag_at(d, CALC_EUSAGE, NULL, NULL, "run 'calc policies' for the ids",
                    "--policy: unknown policy '%s'", only[o]);
            rc = CALC_EUSAGE;
        }
    s.amt = calloc(s.nstep * (s.npol ? s.npol : 1), sizeof *s.amt);
    s.st = calloc(s.nstep * (s.npol ? s.npol : 1), sizeof *s.st);
    for (size_t i = 0; i < s.nstep; i++)
        for (size_t p = 0; p < s.npol; p++) {
            s.amt[i * s.npol + p] = all[i * e->ps.n + (size_t)s.pol[p]];
            s.st[i * s.npol + p] = allst[i * e->ps.n + (size_t)s.pol[p]];
        }
    if (!rc) {
        sbuf b = {0};
        char xt[40], m[40];
        s.profile = profile_id ? profile_id : "";
        if (format == 2) {
            write_svg(&b, e, &s, sn, lang);
        } else if (format == 1) { /* CSV: paths and ids, for programs */
            csv_text(&b, path);
            for (size_t p = 0; p < s.npol; p++) {
                sb_puts(&b, ",");
                csv_text(&b, e->ps.pol[s.pol[p]].id);
            }
            sb_puts(&b, ",totals.cash,totals.in_kind\n");
            for (size_t i = 0; i < s.nstep; i++) {
                xtext(xt, sizeof xt, &s, i);
                sb_puts(&b, xt);
                for (size_t p = 0; p < s.npol; p++)
                    sb_printf(&b, ",%s", calc_money_format(m, s.amt[i * s.npol + p]));
                sb_printf(&b, ",%s", calc_money_format(m, s.cash[i]));
                sb_printf(&b, ",%s\n", calc_money_format(m, s.in_kind[i]));
            }
        } else { /* the table: labels and titles, for people */
            char *align = malloc(s.npol + 4);
            if (!align)
                abort(); /* out of memory */
            memset(align, 'r', s.npol + 3);
            align[s.npol + 3] = 0;
            tbl t;
            tbl_init(&t, align);
            free(align);
            tbl_add(&t, s.label);
            for (size_t p = 0; p < s.npol; p++)
                tbl_add(&t, lang ? e->ps.pol[s.pol[p]].title_en : e->ps.pol[s.pol[p]].title_zh);
            tbl_add(&t, lang ? "cash total" : "现金合计");
            tbl_add(&t, lang ? "in-kind total (value)" : "实物合计（价值）");
            for (size_t i = 0; i < s.nstep; i++) {
                xtext(xt, sizeof xt, &s, i);
                if (s.xtype == T_MONEY)
                    tbl_add(&t, calc_money_format_grouped(m, s.x[i]));
                else
                    tbl_add(&t, xt);
                for (size_t p = 0; p < s.npol; p++)
                    tbl_add(&t, calc_money_format_grouped(m, s.amt[i * s.npol + p]));
                tbl_add(&t, calc_money_format_grouped(m, s.cash[i]));
                tbl_add(&t, calc_money_format_grouped(m, s.in_kind[i]));
            }
            tbl_write(&b, &t, 0);
            tbl_free(&t);
        }
        if (fwrite(b.p, 1, b.n, out) != b.n)
            rc = CALC_EIO;
        sb_free(&b);
    }
    free(s.x);
    free(s.pol);
    free(s.amt);
    free(s.st);
    free(s.cash);
    free(s.in_kind);
    free(profile_id);
    free(all);
    free(allst);
    free(argv);
    return rc;
}
