/* batch.c — `calc batch`, a whole population: the run and its passes. The main thread reads
 * the inputs in chunks of records; worker threads (one engine and Lua state each) process them
 * (batchrec.c); finished chunks are written in input order by one loop, which also rejects
 * repeated ids (spill.c) and gathers the claims and the summary. With budget pools a claims
 * pass comes first and the pools are allocated (pools.c) before the final pass writes the
 * results with their grants. The bytes written never depend on the number of threads. It
 * never validates, evaluates or renders a record itself (the record step does) and formats no
 * summary or file header (batchout.c); `calc allocate` is allocate.c. */
#include "batchrun.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the workers ---- */

typedef struct worker_arg {
    batch *b;
    int i;
} worker_arg;

/* Takes the first waiting chunk, processes it with its engine, marks it done; ends when the
 * run closes and nothing waits. */
static void *worker(void *arg)
{
    worker_arg *w = arg;
    batch *b = w->b;
    for (;;) {
        pthread_mutex_lock(&b->mu);
        chunk *c = NULL;
        for (;;) {
            for (c = b->head; c && c->state != 0; c = c->next)
                ;
            if (c || b->closing)
                break;
            pthread_cond_wait(&b->cv_work, &b->mu);
        }
        if (!c) {
            pthread_mutex_unlock(&b->mu);
            return NULL;
        }
        c->state = 1;
        pthread_mutex_unlock(&b->mu);
        chunk_process(b, b->eng[w->i], c);
        pthread_mutex_lock(&b->mu);
        c->state = 2;
        /* the main thread waits only for the chunk it writes next: wake it for that one */
        if (c == b->head)
            pthread_cond_signal(&b->cv_done);
        pthread_mutex_unlock(&b->mu);
    }
}

/* ---- chunks ---- */

static void chunk_free(chunk *c)
{
    arena_free(&c->a);
    sb_free(&c->buf);
    sb_free(&c->err);
    sb_free(&c->rerr);
    sb_free(&c->spill);
    free(c->cl.v);
    free(c->st);
    free(c->amt);
    free(c->qty);
    free(c);
}

/* A chunk to fill: a written one emptied (its buffers keep their size), or a new one. */
static chunk *chunk_get(batch *b)
{
    chunk *c = b->spare;
    if (!c)
        return calloc(1, sizeof(chunk));
    b->spare = c->next;
    arena_reset(&c->a);
    c->buf.n = c->err.n = c->rerr.n = c->spill.n = c->cl.n = 0;
    free(c->st);
    free(c->amt);
    free(c->qty);
    c->st = NULL;
    c->amt = c->qty = NULL;
    c->n = 0;
    c->worst = c->state = 0;
    c->next = NULL;
    memset(c->out, 0, sizeof c->out);
    memset(c->id, 0, sizeof c->id);
    return c;
}

static void chunk_put(batch *b, chunk *c)
{
    c->next = b->spare;
    b->spare = c;
}

/* ---- the writer ---- */

/* What a pass writes into, and the worst exit status it found. */
typedef struct pass_out {
    FILE *out; /* the results (NULL in the claims pass) */
    FILE *err; /* problems (NULL in the claims pass, which reports nothing) */
    idset ids;   /* the ids seen, in input order (the one pass) */
    idlog idlog; /* the claims pass's ids, checked for repeats at its end */
    summary *s;
    claims *all; /* the claims gathered */
    int worst;
    size_t unread; /* inputs not opened or not read to their end */
} pass_out;

/* Writes a finished chunk: its lines, each repeated id's error instead of its result, the
 * summary's counts, the claims. */
static void drain(batch *b, chunk *c, pass_out *po)
{
    calc_engine *e = b->eng[0];
    int worst = c->worst;
    size_t ci = 0;
    bool final = pass_writes(b->pass);
    if (b->pass == PASS_CLAIMS)
        spill_write(b, c);
    size_t run_off = 0, run_len = 0; /* lines that follow each other in the buffer: one write */
    for (size_t i = 0; b->pass == PASS_ONLY && i < c->n; i++)
        if (c->out[i].has_hash)
            idset_prefetch(&po->ids, c->out[i].hash);
    for (size_t i = 0; i < c->n; i++) {
        rec_out *r = &c->out[i];
        size_t rec = c->first + i;
        po->s->read++;
        if (c->rd_len[i] && final)
            fwrite(c->rerr.p + c->rd_off[i], 1, c->rd_len[i], po->err);
        if (c->wk_len[i] && final)
            fwrite(c->rerr.p + c->wk_off[i], 1, c->wk_len[i], po->err);
        if (r->err_len && final)
            fwrite(c->err.p + r->err_off, 1, r->err_len, po->err);
        size_t first = (size_t)-1;
        if (r->has_hash && b->pass == PASS_CLAIMS)
            idlog_add(&po->idlog, r->hash, rec); /* its repeats are found at the end */
        else if (r->has_hash)
            first = batch_dup_check(b, &po->ids, r->hash, rec);
        if (first != (size_t)-1) {
            r->rejected = true;
            if (worst < CALC_EXIT_INPUT)
                worst = CALC_EXIT_INPUT;
            if (final) { /* its error, after the chunk's lines */
                char msg[300], zh[500];
                batch_dup_message(msg, sizeof msg, CALC_LANG_EN, c->id[i], first);
                batch_dup_message(zh, sizeof zh, CALC_LANG_ZH, c->id[i], first);
                diag_print(po->err, c->file, c->in[i].line, "record %zu: duplicate id '%s' "
                           "(first seen in record %zu)", rec + 1, c->id[i], first + 1);
                r->off = c->buf.n;
                batch_reject(b, &c->buf, rec + 1, c->in[i].line, c->file, msg, zh);
                r->len = c->buf.n - r->off;
            }
        }
        if (final) {
            if (run_len && run_off + run_len != r->off) {
                fwrite(c->buf.p + run_off, 1, run_len, po->out);
                run_len = 0;
            }
            if (!run_len)
                run_off = r->off;
            run_len += r->len;
        }
        for (; ci < c->cl.n && c->cl.v[ci].record < rec; ci++)
            ;
        if (r->rejected) {
            po->s->rejected++;
            continue;
        }
        po->s->evaluated++;
        if (final && !b->o->no_eval)
            for (size_t k = 0; k < b->npol; k++)
                summary_add(po->s, (int)k, c->st[i * b->npol + k], e->ps.pol[k].kind,
                            c->amt[i * b->npol + k], c->qty[i * b->npol + k], 1);
        for (; ci < c->cl.n && c->cl.v[ci].record == rec; ci++) {
            claim x = c->cl.v[ci];
            x.id = strpool_dup(&b->claim_ids, x.id);
            claims_push(po->all, &x);
        }
    }
    if (run_len)
        fwrite(c->buf.p + run_off, 1, run_len, po->out);
    po->worst = worst > po->worst ? worst : po->worst;
}

/* The end of the claims pass: the records whose id an earlier one had, found in the log, for
 * the final pass to report; their claims are not claims. */
static void claims_drop_repeats(batch *b, pass_out *po)
{
    free(b->dups);
    idlog_dups(&po->idlog, &b->dups, &b->ndup);
    b->capdup = b->ndup;
    b->dupi = 0;
    claims *all = po->all;
    size_t k = 0, d = 0;
    for (size_t i = 0; i < all->n; i++) { /* both by record */
        while (d < b->ndup && b->dups[d].record < all->v[i].record)
            d++;
        if (d >= b->ndup || b->dups[d].record != all->v[i].record)
            all->v[k++] = all->v[i]; /* (a repeat's id stays in b->claim_ids) */
    }
    all->n = k;
}

/* The one loop that writes: the finished chunks at the head of the queue, in input order,
 * until fewer than `limit` chunks are in flight (1: until all are written), waiting for the
 * workers when the next one is not done. Called and returns with b->mu held. */
static void drain_until(batch *b, size_t limit, pass_out *po)
{
    for (;;) {
        while (b->head && b->head->state == 2) {
            chunk *d = b->head;
            b->head = d->next;
            if (!b->head)
                b->tail = NULL;
            b->inflight--;
            pthread_mutex_unlock(&b->mu);
            drain(b, d, po);
            chunk_put(b, d);
            pthread_mutex_lock(&b->mu);
        }
        if (b->inflight < limit)
            return;
        pthread_cond_wait(&b->cv_done, &b->mu);
    }
}

/* ---- the reader ---- */

/* Fills c with the next records of cur (shown as `shown`); false at the end of the input. */
static bool chunk_fill(batch *b, chunk *c, calc_input *cur, const char *shown, pass_out *po)
{
    input_records_in(cur, &c->a); /* a chunk's records outlive the input */
    while (c->n < CHUNK) {
        calc_diags d = {0};
        rec_in *r = &c->in[c->n];
        b->filling = c;
        c->rd_len[c->n] = c->wk_len[c->n] = 0;
        int rc = input_next(cur, &c->a, r, &d);
        if (d.n) {
            sbuf msg = {0}, zh = {0}, errt = {0};
            batch_diags_text(&errt, &msg, &zh, &d);
            if (rc == 1) {
                r->err_text = arena_strndup(&c->a, msg.p, msg.n);
                r->err_text_zh = zh.p ? arena_strndup(&c->a, zh.p, zh.n) : NULL;
                if (!r->err_code)
                    r->err_code = CALC_ESCHEMA;
            }
            if (rc == 1) { /* written with the record, before its other problems */
                c->rd_off[c->n] = c->rerr.n;
                sb_putn(&c->rerr, errt.p, errt.n);
                c->rd_len[c->n] = errt.n;
            }
            else if (po->err)
                fputs(errt.p, po->err);
            sb_free(&msg);
            sb_free(&zh);
            sb_free(&errt);
        }
        calc_diags_free(&d);
        if (rc <= 0) {
            if (rc < 0) {
                if (po->err)
                    diag_print(po->err, NULL, 0, "%s: cannot read further (record %zu)", shown,
                               c->first + c->n + 1);
                po->worst = po->worst < CALC_EXIT_INPUT ? CALC_EXIT_INPUT : po->worst;
                po->unread++;
            }
            return false;
        }
        c->n++;
    }
    return true;
}

/* One pass over every input: the reader cuts chunks, the workers process them, the writer
 * drains them in order. */
static int run_pass(batch *b, const char *const *inputs, FILE *out, summary *s, claims *all)
{
    const calc_batch_opts *o = b->o;
    calc_engine *e = b->eng[0];
    pass_out po = {.out = out, .err = pass_writes(b->pass) ? o->err : NULL, .s = s, .all = all};
    b->head = b->tail = NULL;
    b->inflight = 0;
    b->closing = false;
    pthread_t *th = calloc((size_t)b->jobs, sizeof *th);
    worker_arg *wa = calloc((size_t)b->jobs, sizeof *wa);
    for (int i = 0; i < b->jobs; i++) {
        wa[i].b = b;
        wa[i].i = i;
        pthread_create(&th[i], NULL, worker, &wa[i]);
    }
    size_t next_record = 0, max_inflight = (size_t)b->jobs * 3 + 2;
    double t0 = batch_now(), last = t0;
    bool show = o->progress && isatty(fileno(o->err));
    for (int f = 0; f < o->ninputs; f++) {
        calc_error cerr = {0};
        int fmt = o->input_format >= 0 ? o->input_format
                  : strcmp(o->inputs[f], "-") == 0 ? IN_JSONL : input_format_of(o->inputs[f]);
        if (fmt < 0) {
            calc_error x;
            calc_error_set(&x, CALC_EUSAGE, NULL, 0, 0,
                           "%s: cannot tell the input format from the name", o->inputs[f]);
            calc_error_hint(&x, "name it .jsonl, .yaml or .csv, or give --input-format");
            if (po.err)
                calc_error_print(po.err, &x);
            po.worst = CALC_EXIT_USAGE > po.worst ? CALC_EXIT_USAGE : po.worst;
            po.unread++;
            continue;
        }
        calc_input *cur = input_open(inputs[f], fmt, o->encoding, &e->ps.schema, &cerr);
        if (!cur) {
            if (po.err)
                calc_error_print(po.err, &cerr);
            po.worst = CALC_EXIT_USAGE > po.worst ? CALC_EXIT_USAGE : po.worst;
            po.unread++;
            continue;
        }
        if (strcmp(o->inputs[f], "-") == 0)
            input_set_name(cur, "<stdin>"); /* read from a kept copy in two passes */
        /* CSV rows and YAML documents are parsed by the workers; with one worker the reader
         * parses them, its thread being the other one at work */
        if (b->jobs > 1)
            input_defer_rows(cur);
        sbuf note = {0}, json = {0}; /* a CSV not in UTF-8: said, and in the summary's notes */
        /* said in the language of messages; the summary's note has both */
        int ml = calc_settings_get()->lang == CALC_LANG_EN;
        if (po.err && input_encoding_note(cur, ml, &note, &json)) {
            pthread_mutex_lock(&b->mu); /* what the inputs before it say comes first */
            drain_until(b, 1, &po);
            pthread_mutex_unlock(&b->mu);
            fprintf(po.err, "calc: %s%s\n", ml ? "note: " : "注意：", note.p);
            sb_printf(&b->notes, "%s%s", b->notes.n ? ", " : "", json.p);
        }
        sb_free(&note);
        sb_free(&json);
        if (b->pass == PASS_FINAL)
            input_set_need(cur, spill_need, b);
        const char *shown = strcmp(o->inputs[f], "-") == 0 ? "<stdin>" : o->inputs[f];
        size_t input_first = next_record;
        size_t unread_before = po.unread;
        for (bool more = true; more;) {
            chunk *c = chunk_get(b);
            c->file = arena_strndup(&c->a, shown, strlen(shown));
            c->first = next_record;
            more = chunk_fill(b, c, cur, shown, &po);
            next_record += c->n;
            if (c->n == 0) {
                chunk_put(b, c);
                break;
            }
            c->st = malloc(c->n * b->npol + 1);
            c->amt = calloc(c->n * b->npol + 1, sizeof *c->amt);
            c->qty = calloc(c->n * b->npol + 1, sizeof *c->qty);
            pthread_mutex_lock(&b->mu);
            if (b->tail)
                b->tail->next = c;
            else
                b->head = c;
            b->tail = c;
            b->inflight++;
            pthread_cond_signal(&b->cv_work);
            drain_until(b, max_inflight, &po); /* at most max_inflight chunks in memory */
            pthread_mutex_unlock(&b->mu);
            if (show && batch_now() - last > 0.5) {
                batch_progress(b, s->read, t0, cur, false);
                last = batch_now();
            }
        }
        input_close(cur);
        if (next_record == input_first && po.unread == unread_before && po.err) {
            /* read to its end without a record: an empty export is no population */
            pthread_mutex_lock(&b->mu); /* what the inputs before it say comes first */
            drain_until(b, 1, &po);
            pthread_mutex_unlock(&b->mu);
            calc_error x;
            input_empty_error(&x, shown);
            calc_error_print(po.err, &x);
            po.worst = CALC_EXIT_INPUT > po.worst ? CALC_EXIT_INPUT : po.worst;
        }
        if (b->in_records && pass_writes(b->pass))
            b->in_records[f] = next_record - input_first;
    }
    pthread_mutex_lock(&b->mu);
    drain_until(b, 1, &po); /* every chunk */
    b->closing = true;
    pthread_cond_broadcast(&b->cv_work);
    pthread_mutex_unlock(&b->mu);
    for (int i = 0; i < b->jobs; i++)
        pthread_join(th[i], NULL);
    free(th);
    free(wa);
    idset_free(&po.ids);
    if (b->pass == PASS_CLAIMS)
        claims_drop_repeats(b, &po);
    while (b->spare) {
        chunk *c = b->spare;
        b->spare = c->next;
        chunk_free(c);
    }
    if (show)
        batch_progress(b, s->read, t0, NULL, true);
    if (po.unread)
        b->unread = true;
    return po.worst;
}

/* ---- the run ---- */

int batch_engines(batch *b, const calc_batch_opts *o, int jobs)
{
    memset(b, 0, sizeof *b);
    b->o = o;
    b->eval.explain = o->explain;
    b->eval.failures_only = !o->explain; /* the line carries failures only, unless explained */
    /* a line names its reasons' parts; a CSV row's words are made from them (reason_text) */
    b->eval.no_words = !o->explain;
    /* the compact form carries statuses and amounts alone (compactout.c): evaluated as the
     * claims pass evaluates, without records or fingerprints */
    b->eval.claims_only = o->out_format == CALC_OUT_COMPACT;
    b->as_of = o->as_of;
    b->jobs = jobs > 0 ? jobs : 1;
    calc_error err = {0};
    const char *dir = o->policies ? o->policies : "policies";
    b->eng = calloc((size_t)b->jobs, sizeof *b->eng);
    int rc = 0;
    for (int i = 0; i < b->jobs && !rc; i++) {
        b->eng[i] = calc_engine_new(dir, &err);
        if (!b->eng[i]) {
            calc_error_print(o->err, &err);
            rc = calc_exit_status(err.code);
            break;
        }
        calc_diags d = {0};
        int src = o->scenario ? calc_scenario_load(b->eng[i], o->scenario, &d) : 0;
        for (int k = 0; !src && k < o->nparams; k++)
            src = calc_engine_param(b->eng[i], o->params[k], &d);
        if (o->history) /* --ledger: each record's history from the records (history.c) */
            calc_engine_set_history(b->eng[i], o->history);
        if (i == 0)
            calc_diags_print(o->err, &d);
        calc_diags_free(&d);
        if (src)
            rc = src == CALC_EUSAGE ? CALC_EXIT_USAGE : calc_exit_status(src);
    }
    if (!rc) {
        calc_diags_print(o->err, calc_engine_diags(b->eng[0]));
        b->npol = b->eng[0]->ps.n;
        b->applied_slot = applied_slot(&b->eng[0]->ps.schema);
        b->name_slot = name_slot(&b->eng[0]->ps.schema);
        rc = calc_engine_diags(b->eng[0])->n ? CALC_EXIT_POLICY : 0;
    }
    if (rc && rc != CALC_EXIT_POLICY)
        batch_free_engines(b);
    return rc;
}

void batch_free_engines(batch *b)
{
    for (int i = 0; b->eng && i < b->jobs; i++)
        calc_engine_free(b->eng[i]);
    free(b->eng);
    b->eng = NULL;
}

/* The policies a pooled claim depends on: pooled ones, and every policy sharing an exclusive
 * group or a cap with one of them, directly or through others. comp gets each policy's
 * component (the policies linked by groups and caps), so that the claims pass evaluates the
 * partners of a pooled policy only when that policy is eligible. */
static bool *pool_closure(const calc_engine *e, int **compp)
{
    const polset *ps = &e->ps;
    bool *in = calloc(ps->n + 1, sizeof *in);
    int *comp = malloc((ps->n + 1) * sizeof *comp);
    for (size_t i = 0; i < ps->n; i++)
        comp[i] = (int)i;
    for (bool merged = true; merged;) { /* label each component by its smallest member */
        merged = false;
        for (size_t i = 0; i < ps->n; i++)
            for (size_t j = 0; j < ps->n; j++) {
                const policy *a = &ps->pol[i], *b = &ps->pol[j];
                if (comp[j] > comp[i] && ((a->groups & b->groups) || (a->caps & b->caps))) {
                    comp[j] = comp[i];
                    merged = true;
                }
            }
    }
    for (size_t i = 0; i < ps->n; i++)
        for (size_t j = 0; j < ps->n; j++)
            if (ps->pol[j].pool >= 0 && comp[j] == comp[i])
                in[i] = true;
    *compp = comp;
    return in;
}

/* The claims pass: every claim into all (by record), the spill written, the pools allocated
 * into stats (unless --no-eval). Leaves b ready for the final pass. */
static int claims_pass(batch *b, const char *const *inputs, bool pools, claims *all,
                       pool_stat *stats)
{
    calc_engine *e = b->eng[0];
    /* only what a claim depends on is evaluated: the pooled policies and, through exclusive
     * groups and caps, their partners; no fingerprints */
    int *comp = NULL;
    bool *only = pool_closure(e, &comp);
    calc_eval_opts final = b->eval;
    b->eval.only = only;
    b->eval.claims_comp = comp;
    b->eval.claims_only = true;
    b->pass = PASS_CLAIMS;
    b->spill = batch_temp_file(calc_tmpdir()); /* without one, the final pass parses again */
    summary s; /* the final pass counts again */
    summary_init(&s, b->npol);
    run_pass(b, inputs, NULL, &s, all);
    summary_free(&s);
    spill_rewind(b);
    b->eval = final;
    free(only);
    free(comp);
    int worst = 0;
    if (pools && pools_allocate(e, all, stats))
        worst = CALC_EXIT_POLICY;
    b->pass = PASS_FINAL;
    b->granted = all;
    return worst;
}

/* The run; returns the exit status it implies, which calc_batch turns into a CALC_E* code. */
static int run_batch(const calc_batch_opts *o)
{
    batch b;
    int worst = batch_engines(&b, o, o->jobs);
    if (worst && worst != CALC_EXIT_POLICY)
        return worst;
    calc_engine *e = b.eng[0];
    bool pools = !o->no_pools && !o->no_eval && e->ps.npool > 0;
    /* --no-eval (the benchmark's floor) keeps the passes of the run it stands for */
    bool two_passes = !o->no_pools && e->ps.npool > 0;
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv_work, NULL);
    pthread_cond_init(&b.cv_done, NULL);
    /* two passes read the inputs twice: standard input is kept in a file */
    const char **inputs = calloc((size_t)o->ninputs + 1, sizeof *inputs);
    char *spooled = NULL;
    int spool_fd = -1;
    int io = 0;
    for (int i = 0; i < o->ninputs; i++) {
        inputs[i] = o->inputs[i];
        if (two_passes && strcmp(o->inputs[i], "-") == 0) {
            if (!spooled && !(spooled = batch_spool_stdin(calc_tmpdir(), o->err, &spool_fd)))
                io = 1;
            inputs[i] = spooled ? spooled : "/dev/null";
        }
    }
    claims all = {0};
    pool_stat *stats = calloc(e->ps.npool + 1, sizeof *stats);
    if (two_passes && !io) {
        int w = claims_pass(&b, inputs, pools, &all, stats);
        worst = w > worst ? w : worst;
    }
    summary s;
    summary_init(&s, b.npol);
    b.in_records = calloc((size_t)o->ninputs + 1, sizeof *b.in_records);
    batch_out out;
    if (!io && batch_out_open(&out, &b, o->as_of) == 0) {
        claims none = {0};
        int w = run_pass(&b, inputs, out.f, &s, &none);
        worst = w > worst ? w : worst;
        free(none.v); /* its ids are in b.claim_ids */
        if (batch_out_close(&out, &b, &s, pools ? stats : NULL, &all))
            io = 1;
    } else
        io = 1;
    batch_unread_said(&b);
    if (o->summary && !io && !b.unread) {
        calc_outfile sf;
        if (calc_out_open(&sf, o->summary, o->err) == 0) {
            batch_summary(&b, e, &s, pools ? stats : NULL, &all, sf.f, NULL);
            if (calc_out_close(&sf, true, o->err))
                io = 1;
        } else
            io = 1;
    }
    if (!o->quiet && !io)
        batch_summary(&b, e, &s, pools ? stats : NULL, &all, NULL, o->err);
    if (!io && summary_check(e, &s, o->err) && worst < CALC_EXIT_POLICY)
        worst = CALC_EXIT_POLICY;
    if (o->manifest && !io && !b.unread && batch_manifest_write(&b, "batch"))
        io = 1;
    free(b.in_records);
    if (b.spill)
        fclose(b.spill);
    if (spooled) {
        close(spool_fd);
        free(spooled);
    }
    free(inputs);
    free(all.v);
    strpool_free(&b.claim_ids);
    pool_stats_free(e, stats);
    summary_free(&s);
    sb_free(&b.notes);
    batch_free_engines(&b);
    free(b.dups);
    pthread_mutex_destroy(&b.mu);
    pthread_cond_destroy(&b.cv_work);
    pthread_cond_destroy(&b.cv_done);
    if (io && worst < CALC_EXIT_USAGE)
        worst = CALC_EXIT_USAGE;
    return worst;
}

int calc_batch(const calc_batch_opts *o) { return calc_status_code(run_batch(o)); }
