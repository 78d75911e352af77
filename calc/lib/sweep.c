/* sweep.c — `calc sweep`: one profile evaluated across a range of one field's values, each
 * policy's amount (and the total) per step, as a table, CSV or an SVG line chart with the
 * points where a threshold or a cap is crossed marked. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

typedef struct sweep {
    size_t nstep;
    int64_t *x;          /* the field's value per step (fen, or a whole number) */
    int xtype;           /* T_MONEY or T_INT */
    size_t npol;
    int *pol;            /* policy indexes shown */
    int64_t *amt;        /* nstep × npol, fen */
    int *st;             /* nstep × npol statuses */
    int64_t *total;
} sweep;

static void xtext(char *out, size_t cap, const sweep *s, size_t i)
{
    if (s->xtype == T_MONEY)
        calc_money_format(out, s->x[i]);
    else
        snprintf(out, cap, "%lld", (long long)s->x[i]);
}

/* Yuan for an axis: 万元 from ten thousand up. */
static void axis_money(char *out, size_t cap, int64_t fen, bool wan)
{
    if (wan) {
        long long w100 = (long long)(fen / 10000); /* hundredths of 万元 */
        if (w100 % 100 == 0)
            snprintf(out, cap, "%lld万", w100 / 100);
        else
            snprintf(out, cap, "%lld.%02lld万", w100 / 100, w100 % 100);
    } else {
        char b[40];
        calc_money_format_grouped(b, fen);
        snprintf(out, cap, "%s", b);
    }
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

static void write_svg(sbuf *b, const calc_engine *e, const sweep *s, const char *path, int lang)
{
    static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                         "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
    const int W = 900, H = 520, L = 110, R = 240, T = 40, B = 70;
    int64_t xmin = s->x[0], xmax = s->x[s->nstep - 1], ymax = 0;
    for (size_t i = 0; i < s->nstep; i++)
        if (s->total[i] > ymax)
            ymax = s->total[i];
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
    bool wan = ymax >= 1000000; /* ≥ ¥10,000 */
    double pw = W - L - R, ph = H - T - B;
#define SX(v) (L + pw * (double)((v) - xmin) / (double)(xmax - xmin))
#define SY(v) (T + ph - ph * (double)(v) / (double)ymax)
    sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                 "viewBox=\"0 0 %d %d\" font-family=\"Noto Sans CJK SC, sans-serif\" "
                 "font-size=\"13\" data-x-min=\"%lld\" data-x-max=\"%lld\" data-y-max=\"%lld\">\n",
              W, H, W, H, (long long)xmin, (long long)xmax, (long long)ymax);
    sb_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
    sb_printf(b, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">", L);
    esc(b, lang ? "Amount by " : "金额随字段变化：");
    esc(b, path);
    sb_puts(b, "</text>\n");
    /* axes and grid */
    for (int k = 0; k <= 5; k++) {
        int64_t v = ymax * k / 5;
        double y = SY(v);
        char t[64];
        axis_money(t, sizeof t, v, wan);
        sb_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                  L, y, W - R, y, L - 8, y + 4, t);
    }
    for (int k = 0; k <= 5; k++) {
        int64_t v = xmin + (xmax - xmin) * k / 5;
        double x = SX(v);
        char t[64];
        if (s->xtype == T_MONEY)
            axis_money(t, sizeof t, v, xmax >= 1000000);
        else
            snprintf(t, sizeof t, "%lld", (long long)v);
        sb_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>"
                     "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                  x, H - B, x, H - B + 5, x, H - B + 20, t);
    }
    sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>"
                 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
              L, T, L, H - B, L, H - B, W - R, H - B);
    sb_printf(b, "<text class=\"x-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", L + pw / 2,
              H - 25);
    esc(b, path);
    sb_printf(b, "%s</text>\n", s->xtype != T_MONEY ? ""
                                 : xmax >= 1000000 ? (lang ? " (10,000 yuan)" : "（万元）")
                                                   : (lang ? " (yuan)" : "（元）"));
    sb_printf(b, "<text class=\"y-label\" transform=\"translate(24 %.1f) rotate(-90)\" "
                 "text-anchor=\"middle\">%s</text>\n",
              T + ph / 2, wan ? (lang ? "amount (10,000 yuan)" : "金额（万元）")
                              : (lang ? "amount (yuan)" : "金额（元）"));
    /* one series per policy, and the total */
    for (size_t p = 0; p <= s->npol; p++) {
        const char *color = p < s->npol ? colors[p % 10] : "#000";
        const char *id = p < s->npol ? e->ps.pol[s->pol[p]].id : "total";
        const char *title = p < s->npol ? (lang ? e->ps.pol[s->pol[p]].title_en
                                                : e->ps.pol[s->pol[p]].title_zh)
                                        : (lang ? "total" : "合计");
        sb_printf(b, "<g class=\"series\" data-policy=\"%s\">\n<polyline fill=\"none\" "
                     "stroke=\"%s\" stroke-width=\"%s\"%s points=\"",
                  id, color, p < s->npol ? "2" : "1.5",
                  p < s->npol ? "" : " stroke-dasharray=\"6 4\"");
        for (size_t i = 0; i < s->nstep; i++) {
            int64_t y = p < s->npol ? s->amt[i * s->npol + p] : s->total[i];
            sb_printf(b, "%s%.1f,%.1f", i ? " " : "", SX(s->x[i]), SY(y));
        }
        sb_puts(b, "\"/>\n");
        for (size_t i = 0; i < s->nstep; i++) {
            int64_t y = p < s->npol ? s->amt[i * s->npol + p] : s->total[i];
            char xt[40], yt[40];
            xtext(xt, sizeof xt, s, i);
            calc_money_format(yt, y);
            sb_printf(b, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\" "
                         "data-x=\"%s\" data-y=\"%s\"/>\n",
                      SX(s->x[i]), SY(y), color, xt, yt);
            if (p == s->npol || i == 0)
                continue;
            /* markers: a threshold crossed (status changes to or from eligible), a cap reached
             * (the amount stops rising while the field still rises) */
            int s0 = s->st[(i - 1) * s->npol + p], s1 = s->st[i * s->npol + p];
            int64_t a0 = s->amt[(i - 1) * s->npol + p], a1 = y;
            bool flat_next = i + 1 < s->nstep && s->amt[(i + 1) * s->npol + p] == a1;
            const char *what = NULL;
            if ((s0 == ST_ELIGIBLE) != (s1 == ST_ELIGIBLE))
                what = lang ? "threshold" : "门槛";
            else if (s1 == ST_ELIGIBLE && a1 > a0 && flat_next) /* the first point at the cap */
                what = lang ? "cap" : "封顶";
            if (what) {
                double mx = SX(s->x[i]), my = SY(y);
                sb_printf(b, "<g class=\"marker\" data-kind=\"%s\" data-x=\"%s\"><circle "
                             "cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"%s\" "
                             "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">",
                          strcmp(what, "门槛") == 0 || strcmp(what, "threshold") == 0
                              ? "threshold" : "cap",
                          xt, mx, my, color, mx + 8, my - 8, color);
                esc(b, what);
                sb_puts(b, "</text></g>\n");
            }
        }
        double ly = T + 10 + 22.0 * (double)p;
        sb_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                     "stroke-width=\"3\"/><text class=\"legend\" x=\"%d\" y=\"%.1f\">",
                  W - R + 15, ly, W - R + 40, ly, color, W - R + 46, ly + 4);
        esc(b, title);
        sb_puts(b, "</text>\n</g>\n");
    }
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
    s.total = calloc(s.nstep, sizeof *s.total);
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
        s.total[i] = r->cash + r->in_kind;
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
        if (format == 2) {
            write_svg(&b, e, &s, path, lang);
        } else if (format == 1) {
            csv_text(&b, path);
            for (size_t p = 0; p < s.npol; p++) {
                sb_puts(&b, ",");
                csv_text(&b, e->ps.pol[s.pol[p]].id);
            }
            sb_puts(&b, ",total\n");
            for (size_t i = 0; i < s.nstep; i++) {
                xtext(xt, sizeof xt, &s, i);
                sb_puts(&b, xt);
                for (size_t p = 0; p < s.npol; p++)
                    sb_printf(&b, ",%s", calc_money_format(m, s.amt[i * s.npol + p]));
                sb_printf(&b, ",%s\n", calc_money_format(m, s.total[i]));
            }
        } else {
            sb_printf(&b, "%-20s", path);
            for (size_t p = 0; p < s.npol; p++)
                sb_printf(&b, " %22s", e->ps.pol[s.pol[p]].id);
            sb_printf(&b, " %22s\n", lang ? "total" : "合计");
            for (size_t i = 0; i < s.nstep; i++) {
                xtext(xt, sizeof xt, &s, i);
                sb_printf(&b, "%-20s", xt);
                for (size_t p = 0; p < s.npol; p++)
                    sb_printf(&b, " %22s", calc_money_format_grouped(m, s.amt[i * s.npol + p]));
                sb_printf(&b, " %22s\n", calc_money_format_grouped(m, s.total[i]));
            }
        }
        if (fwrite(b.p, 1, b.n, out) != b.n)
            rc = CALC_EIO;
        sb_free(&b);
    }
    free(s.x);
    free(s.pol);
    free(s.amt);
    free(s.st);
    free(s.total);
    free(all);
    free(allst);
    free(argv);
    return rc;
}
