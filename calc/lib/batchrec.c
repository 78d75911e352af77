/* batchrec.c — `calc batch`'s record step, run by the worker threads: each record of a chunk
 * validated (or its profile taken back from the spill), evaluated as the pass asks, and
 * rendered into the chunk — its result line or CSV rows, or its error — with what the writer
 * needs: statuses and amounts for the summary, claims, the id's digest. It works on its chunk
 * and its engine alone: it never writes a file, reports on stderr or touches the run's state
 * (the writer, batch.c, does that in input order). */
#include "batchrun.h"

#include <stdlib.h>
#include <string.h>

void batch_diags_text(sbuf *err, sbuf *msg, sbuf *msg_zh, const calc_diags *d)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    if (f) {
        calc_diags_print(f, d);
        fclose(f);
        sb_putn(err, mem, len);
        free(mem);
    }
    for (size_t i = 0; i < d->n; i++) {
        const calc_error *x = &d->v[i];
        if (i)
            sb_puts(msg, "; ");
        if (x->line && x->cell[0])
            sb_printf(msg, "%u:%s: ", x->line, x->cell);
        else if (x->line && x->col)
            sb_printf(msg, "%u:%u: ", x->line, x->col);
        if (x->path[0])
            sb_printf(msg, "%s: ", x->path);
        sb_puts(msg, x->msg);
        if (x->hint[0])
            sb_printf(msg, " (%s)", x->hint);
        /* the same in Chinese: "4:15: finance.rd_expense：应为…（提示）；…" */
        if (i)
            sb_puts(msg_zh, "\xEF\xBC\x9B"); /* ； */
        if (x->line && x->cell[0])
            sb_printf(msg_zh, "%u:%s: ", x->line, x->cell);
        else if (x->line && x->col)
            sb_printf(msg_zh, "%u:%u: ", x->line, x->col);
        if (x->path[0])
            sb_printf(msg_zh, "%s\xEF\xBC\x9A", x->path); /* ： */
        sb_puts(msg_zh, calc_error_text(x, CALC_LANG_ZH));
        if (x->hint[0])
            sb_printf(msg_zh, "\xEF\xBC\x88%s\xEF\xBC\x89", calc_error_hint_text(x, CALC_LANG_ZH));
    }
}

void batch_error_line(sbuf *out, size_t record, unsigned line, const char *file, const char *msg,
                      const char *msg_zh)
{
    sb_printf(out, "{\"record\": %zu, \"line\": %u, \"file\": ", record, line);
    sb_json_str(out, file);
    sb_puts(out, ", \"error\": ");
    sb_json_str(out, msg);
    sb_puts(out, ", \"error_zh\": ");
    sb_json_str(out, msg_zh && msg_zh[0] ? msg_zh : msg);
    sb_puts(out, "}\n");
}

void batch_reject(const batch *b, sbuf *out, size_t record, unsigned line, const char *file,
                  const char *msg, const char *msg_zh)
{
    if (b->o->out_format == CALC_OUT_CSV)
        csv_error_row(out, record, line, msg, msg_zh, b->o->lang);
    else if (b->o->out_format == CALC_OUT_COMPACT)
        compact_error_line(out, record, line, b->o->lang || !msg_zh || !msg_zh[0] ? msg : msg_zh);
    else
        batch_error_line(out, record, line, file, msg, msg_zh);
}

/* The end of a record's line: what batch lines carry beside the eval contract — the applied
 * date, which orders first-come pools, and the enterprise's name, for the people who read the
 * results (CSV and workbook rows, made from the lines by calc allocate too). */
static void line_end(sbuf *l, const pval *ap, const char *name)
{
    SB_LIT(l, ", \"applied\": ");
    if (ap->set) {
        char dd[16];
        SB_LIT(l, "\"");
        sb_puts(l, calc_date_format(dd, (calc_date)ap->u.i));
        SB_LIT(l, "\"");
    } else
        SB_LIT(l, "null");
    SB_LIT(l, ", \"name\": ");
    if (name)
        sb_json_str(l, name);
    else
        SB_LIT(l, "null");
    SB_LIT(l, "}\n");
}

/* The line of --no-eval: what the record's result line holds without what evaluation gives. */
static void no_eval_line(sbuf *l, calc_engine *e, const calc_profile *p, calc_date as_of,
                         const pval *ap, const char *name)
{
    char fp[65], dd[16];
    engine_profile_fingerprint(e, p, fp);
    SB_LIT(l, "{\"profile\": ");
    sb_json_str(l, p->id);
    SB_LIT(l, ", \"as_of\": \"");
    sb_puts(l, calc_date_format(dd, as_of));
    SB_LIT(l, "\", \"fingerprint\": {\"policy_set\": \"sha256:");
    sb_puts(l, e->set_fp);
    SB_LIT(l, "\", \"profile\": \"sha256:");
    sb_puts(l, fp);
    SB_LIT(l, "\", \"as_of\": \"");
    sb_puts(l, dd);
    SB_LIT(l, "\", \"calc_version\": \"" CALC_VERSION "\"}");
    line_end(l, ap, name);
}

/* Record i's result, evaluated (with its grants in the final pass) and rendered. */
static void record_result(batch *b, calc_engine *e, chunk *c, size_t i, const calc_profile *p,
                          const pval *ap)
{
    const calc_batch_opts *o = b->o;
    size_t npol = b->npol;
    calc_result *r = calc_eval_with(e, p, o->as_of, &b->eval);
    if (b->pass == PASS_FINAL) { /* the grants of this record's claims */
        size_t lo, end = claims_of_record(b->granted, c->first + i, &lo);
        if (end > lo)
            pools_apply(e, r, b->granted->v + lo, end - lo);
    }
    const char *name = profile_name(p, b->name_slot);
    if (o->out_format == CALC_OUT_CSV) {
        csv_result_rows(&c->buf, e, r, name, o->lang);
    } else if (o->out_format == CALC_OUT_COMPACT) {
        compact_result(&c->buf, r);
    } else { /* JSON Lines, also for a workbook (made from them once the summary is known) */
        sbuf *line = &c->buf;
        result_json(line, e, r, o->explain, o->explain);
        line->n--; /* drop the closing brace */
        line_end(line, ap, name);
    }
    for (size_t k = 0; k < r->n; k++) {
        const pres *x = &r->r[k];
        c->st[i * npol + k] = (uint8_t)x->status;
        c->amt[i * npol + k] = x->amount;
        c->qty[i * npol + k] = x->quantity;
        if (x->status == ST_ERROR && c->worst < CALC_EXIT_POLICY)
            c->worst = CALC_EXIT_POLICY;
    }
    calc_result_recycle(e, r);
}

/* Record i as a profile in p: taken back from the spill (the final pass, *hashed then), or
 * validated — and spilled by the claims pass. 0, or the error with its problems in d. */
static int record_valid(batch *b, calc_engine *e, chunk *c, size_t i, calc_profile *p,
                        bool *hashed, calc_diags *d)
{
    const rec_in *in = &c->in[i];
    rec_out *out = &c->out[i];
    if (b->pass == PASS_FINAL && c->spill_len[i]) { /* validated by the claims pass */
        if (profile_unpack(p, &e->ps.schema, c->spill.p + c->spill_off[i], c->spill_len[i]) ==
            0) {
            p->file = c->file;
            memcpy(out->hash, c->spill_hash[i], 16);
            *hashed = true;
            return 0;
        }
        if (!in->text && !in->doc) { /* the reader skipped it: cannot happen */
            fprintf(stderr, "calc: internal error: a kept profile does not unpack\n");
            abort();
        }
        arena a = p->a;
        arena_reset(&a);
        memset(p, 0, sizeof *p);
        p->a = a;
    }
    int rc = record_profile(p, &e->ps.schema, c->file, in, b->o->sets, b->o->nsets,
                            RP_QUICK | RP_CHAR_COLUMNS, d);
    p->file = c->file;
    if (b->pass == PASS_CLAIMS) { /* the spill entry: the packing when valid */
        if (!rc) {
            id_digest(e, p->id, out->hash);
            *hashed = true;
        }
        spill_put(c, i, rc ? NULL : p, out->hash);
    }
    return rc;
}

/* Record i is not valid: its error, unless the claims pass, which reports nothing. */
static void record_reject(batch *b, chunk *c, size_t i, const calc_diags *d)
{
    const rec_in *in = &c->in[i];
    c->out[i].rejected = true;
    if (!pass_writes(b->pass))
        return;
    sbuf msg = {0}, zh = {0};
    if (in->err_text) { /* the reader printed the full diagnostics already */
        sb_puts(&msg, in->err_text);
        sb_puts(&zh, in->err_text_zh ? in->err_text_zh : in->err_text);
    } else
        batch_diags_text(&c->err, &msg, &zh, d); /* whole: a cell's value may hold a line end */
    char en[100], cn[100];
    batch_reject(b, &c->buf, c->first + i + 1, in->line, c->file,
                 msg.p ? msg.p : calc_msg_format(en, sizeof en, CALC_LANG_EN, "invalid record"),
                 zh.p ? zh.p : calc_msg_format(cn, sizeof cn, CALC_LANG_ZH, "invalid record"));
    sb_free(&msg);
    sb_free(&zh);
    if (c->worst < CALC_EXIT_INPUT)
        c->worst = CALC_EXIT_INPUT;
}

/* Record i, a CSV row or YAML document the reader cut: read into its tree, with what reading
 * it reports kept as the reader keeps it (the record's error, its part of the chunk's rerr). */
static void record_row(chunk *c, size_t i)
{
    rec_in *r = &c->in[i];
    calc_diags d = {0};
    input_read_deferred(r, &c->a, &d);
    if (d.n) {
        sbuf msg = {0}, zh = {0};
        c->wk_off[i] = c->rerr.n;
        batch_diags_text(&c->rerr, &msg, &zh, &d);
        c->wk_len[i] = c->rerr.n - c->wk_off[i];
        r->err_text = arena_strndup(&c->a, msg.p, msg.n);
        r->err_text_zh = zh.p ? arena_strndup(&c->a, zh.p, zh.n) : NULL;
        if (!r->err_code)
            r->err_code = CALC_ESCHEMA;
        sb_free(&msg);
        sb_free(&zh);
    }
    calc_diags_free(&d);
}

void chunk_process(batch *b, calc_engine *e, chunk *c)
{
    const calc_batch_opts *o = b->o;
    arena pa = {0}; /* the profiles' memory, reused from record to record */
    for (size_t i = 0; i < c->n; i++) {
        rec_out *out = &c->out[i];
        size_t start = c->buf.n, estart = c->err.n;
        memset(&c->st[i * b->npol], 0xFF, b->npol);
        calc_diags d = {0};
        calc_profile p;
        memset(&p, 0, sizeof p);
        p.a = pa;
        bool hashed = false;
        if (c->in[i].row_text)
            record_row(c, i);
        if (record_valid(b, e, c, i, &p, &hashed, &d) || c->in[i].err_text) {
            record_reject(b, c, i, &d);
        } else {
            c->id[i] = arena_strndup(&c->a, p.id, strlen(p.id));
            if (!hashed)
                id_digest(e, p.id, out->hash);
            out->has_hash = true;
            const pval *ap = profile_applied(&p, b->applied_slot);
            if (o->no_eval) { /* the line without what evaluation gives; no claims */
                if (pass_writes(b->pass))
                    no_eval_line(&c->buf, e, &p, o->as_of, ap, profile_name(&p, b->name_slot));
            } else if (b->pass == PASS_CLAIMS) {
                calc_result *r = calc_eval_with(e, &p, o->as_of, &b->eval);
                claims_add_result(&c->cl, e, r, c->first + i, c->id[i], ap, -1, -1);
                calc_result_recycle(e, r);
            } else
                record_result(b, e, c, i, &p, ap);
        }
        out->off = start;
        out->len = c->buf.n - start;
        if (i == 0 && out->len) /* room for the chunk at this size, not doubling to it */
            sb_grow(&c->buf, out->len * (c->n + c->n / 4));
        out->err_off = estart;
        out->err_len = c->err.n - estart;
        calc_diags_free(&d);
        arena_reset(&p.a);
        pa = p.a;
    }
    arena_free(&pa);
}
