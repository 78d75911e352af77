/* batchout.c — what `calc batch` and `calc allocate` write besides the results: the CSV
 * header, the summary (a JSON file and a table on stderr), the progress line, and the
 * temporary files they need (standard input kept to be read twice). It formats what the run
 * counted; it decides nothing about a record. */
#include "batchrun.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

char *batch_spool_stdin(const char *dir, FILE *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/calc-stdin.XXXXXX", dir);
    int fd = mkstemp(path);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");
    if (!f) {
        diag_print(err, NULL, 0, "cannot create a temporary file: %s", calc_msg_errno(errno));
        return NULL;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, f) != n)
            break;
    if (fclose(f) != 0 || ferror(stdin)) {
        unlink(path);
        diag_print(err, NULL, 0, "cannot keep a copy of standard input");
        return NULL;
    }
    return strdup(path);
}

void batch_csv_head(FILE *f, bool excel)
{
    if (excel)
        fputs("\xEF\xBB\xBF", f);
    sbuf h = {0};
    csv_rows(&h, NULL, true);
    fwrite(h.p, 1, h.n, f);
    sb_free(&h);
}

int batch_status_of(const char *s)
{
    for (int k = 0; k < 6; k++)
        if (strcmp(calc_status_name(k), s) == 0)
            return k;
    return -1;
}

void batch_summary(const batch *b, const calc_engine *e, const summary *s,
                   const pool_stat *ps_stat, FILE *json, FILE *table)
{
    const polset *ps = &e->ps;
    char m1[40], m2[40], m3[40], m4[40], d1[16];
    if (json) {
        sbuf j = {0};
        sb_printf(&j, "{\"as_of\": \"%s\", \"records\": {\"read\": %zu, \"evaluated\": %zu, "
                  "\"rejected\": %zu}, \"policies\": {",
                  calc_date_format(d1, b->as_of), s->read, s->evaluated, s->rejected);
        for (size_t i = 0; i < ps->n; i++) {
            sb_puts(&j, i ? ", " : "");
            sb_json_str(&j, ps->pol[i].id);
            sb_puts(&j, ": {");
            for (int k = 0; k < 6; k++)
                sb_printf(&j, "\"%s\": %zu, ", calc_status_name(k), s->count[i][k]);
            sb_printf(&j, "\"granted\": \"%s\"", calc_money_format(m1, s->granted[i]));
            if (ps->pol[i].kind == K_IN_KIND)
                sb_printf(&j, ", \"quantity\": %lld", (long long)s->quantity[i]);
            sb_puts(&j, "}");
        }
        sb_puts(&j, "}, \"pools\": {");
        for (size_t p = 0; p < ps->npool && ps_stat; p++) {
            const decl *x = &ps->pool[p];
            const pool_stat *st = &ps_stat[p];
            sb_puts(&j, p ? ", " : "");
            sb_json_str(&j, x->name);
            if (x->unit == U_YUAN)
                sb_printf(&j, ": {\"unit\": \"yuan\", \"mode\": \"pro_rata\", \"size\": \"%s\", "
                          "\"claims\": %zu, \"claimed\": \"%s\", \"granted\": \"%s\", "
                          "\"remaining\": \"%s\"",
                          calc_money_format(m1, x->size), st->nclaims,
                          calc_money_format(m2, st->claimed), calc_money_format(m3, st->granted),
                          calc_money_format(m4, x->size - st->granted));
            else
                sb_printf(&j, ": {\"unit\": \"%s\", \"mode\": \"first_come\", \"size\": %lld, "
                          "\"claims\": %zu, \"claimed\": %lld, \"granted\": %lld, "
                          "\"remaining\": %lld",
                          x->unit == U_M2 ? "m2" : "units", (long long)x->size, st->nclaims,
                          (long long)st->claimed, (long long)st->granted,
                          (long long)(x->size - st->granted));
            if (st->overflow)
                sb_puts(&j, ", \"overflow\": true");
            if (st->factor_den)
                sb_printf(&j, ", \"factor\": \"%s/%s\"", calc_money_format(m1, st->factor_num),
                          calc_money_format(m2, st->factor_den));
            if (st->ran_out) {
                sb_puts(&j, ", \"ran_out_at\": {\"applied\": ");
                if (st->ran_out_has_applied)
                    sb_printf(&j, "\"%s\"", calc_date_format(d1, st->ran_out_applied));
                else
                    sb_puts(&j, "null");
                sb_puts(&j, ", \"id\": ");
                sb_json_str(&j, st->ran_out_id);
                sb_puts(&j, "}");
            }
            sb_puts(&j, "}");
        }
        sb_printf(&j, "}, \"totals\": {\"cash\": \"%s\", \"in_kind\": \"%s\"}%s}\n",
                  calc_money_format(m1, s->cash), calc_money_format(m2, s->in_kind),
                  s->overflow ? ", \"error\": \"a sum exceeds the largest representable amount\""
                              : "");
        fwrite(j.p, 1, j.n, json);
        sb_free(&j);
    }
    if (table) {
        fprintf(table, "records: %zu read, %zu evaluated, %zu rejected\n", s->read, s->evaluated,
                s->rejected);
        fprintf(table, "%-24s %9s %9s %9s %9s %9s %9s %20s\n", "policy", "eligible", "inelig.",
                "needs", "not_in_f", "supersed", "error", "granted");
        for (size_t i = 0; i < ps->n; i++)
            fprintf(table, "%-24s %9zu %9zu %9zu %9zu %9zu %9zu %20s\n", ps->pol[i].id,
                    s->count[i][0], s->count[i][1], s->count[i][2], s->count[i][3],
                    s->count[i][4], s->count[i][5], calc_money_format_grouped(m1, s->granted[i]));
        for (size_t p = 0; p < ps->npool && ps_stat; p++) {
            const decl *x = &ps->pool[p];
            const pool_stat *st = &ps_stat[p];
            if (x->unit == U_YUAN)
                fprintf(table, "pool %-20s size %s, claimed %s%s, granted %s%s\n", x->name,
                        calc_money_format_grouped(m1, x->size),
                        st->overflow ? "more than " : "",
                        calc_money_format_grouped(m2, st->claimed),
                        calc_money_format_grouped(m3, st->granted),
                        st->factor_den ? " (pro rata)" : "");
            else
                fprintf(table, "pool %-20s size %lld, claimed %s%lld, granted %lld%s%s\n", x->name,
                        (long long)x->size, st->overflow ? "more than " : "",
                        (long long)st->claimed, (long long)st->granted,
                        st->ran_out ? ", ran out at " : "", st->ran_out ? st->ran_out_id : "");
        }
        fprintf(table, "totals: cash %s, in kind %s\n", calc_money_format_grouped(m1, s->cash),
                calc_money_format_grouped(m2, s->in_kind));
    }
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
