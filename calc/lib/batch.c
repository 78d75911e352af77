/* batch.c — a whole population: a reader cuts the inputs into chunks of records, worker
 * threads (one engine and Lua state each) validate and evaluate them, and the writer emits
 * results in input order, rejects duplicate ids, gathers claims on budget pools and the
 * summary. Pools are then allocated and the result lines of the claims they changed are
 * rewritten (the same code as `calc allocate`, the reduce step of a sharded run). */
#include "batch.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 256

typedef struct rec_out {
    size_t off, len;
    unsigned char hash[16];
    bool has_hash;
    bool rejected;
    size_t err_off, err_len;
} rec_out;

typedef struct chunk {
    arena a;
    size_t first; /* global index of the first record */
    size_t n;
    const char *file;
    rec_in in[CHUNK];
    rec_out out[CHUNK];
    uint8_t *st;         /* n × npol statuses */
    int64_t *amt, *qty;  /* n × npol */
    char *id[CHUNK];
    sbuf buf, err;
    sbuf spill;            /* packed profiles: written in pass 1, read back in pass 2 */
    size_t spill_off[CHUNK], spill_len[CHUNK]; /* pass 2: each record's packing, or 0 */
    unsigned char spill_hash[CHUNK][16];       /* pass 2: the digest of each record's id */
    claims cl;
    int worst;
    int state; /* 0 waiting, 1 taken, 2 done */
    struct chunk *next;
} chunk;

typedef struct batch {
    const calc_batch_opts *o;
    calc_engine **eng;
    int jobs;
    size_t npol;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    chunk *head, *tail; /* queue in input order */
    bool closing;
    int applied_slot;
    long long written; /* bytes of the first pass so far */
    calc_date as_of;
    bool as_of_known;
    int pass;              /* 0: the only pass; 1: claims only; 2: final, with the grants */
    calc_eval_opts eval;   /* how the pass evaluates (the claims pass: statuses and amounts) */
    const claims *granted; /* pass 2: every claim, by record, with what the pools granted */
    chunk *spare;          /* written chunks, kept for their memory (the main thread's) */
    chunk *filling;        /* the chunk the reader is filling (pass 2's spill_need) */
    /* pass 1 finds the repeated ids (record, first record with the id), which pass 2 reports */
    struct dup { size_t record, first; } *dups;
    size_t ndup, capdup, dupi;
    FILE *spill;           /* the validated profiles of pass 1, so pass 2 need not parse */
    bool spill_lost;       /* the spill did not read back as written: parse again */
} batch;

/* A spill entry: the record's number, the length of its packing (0: not valid) and the digest
 * of its id, then the packing (schema.c). */
typedef struct spill_head {
    uint64_t record;
    uint32_t len, unused;
    unsigned char hash[16];
} spill_head;

typedef struct dup_rec { /* allocate: a record whose id an earlier record had */
    size_t record, first;
    unsigned line;
    const char *file;
    char *id;
} dup_rec;

/* ---- ids seen: 128-bit digests in an open-addressing table ---- */

typedef struct idslot {
    unsigned char key[16]; /* the first half of the id's SHA-256 */
    size_t rec;            /* (size_t)-1: empty */
} idslot;

typedef struct idset { /* open addressing, one cache line per probe */
    idslot *v;
    size_t n, cap;
} idset;

static void digest(calc_engine *e, const char *s, unsigned char out[16])
{
    unsigned char md[32];
    engine_sha256(e, s, strlen(s), md);
    memcpy(out, md, 16);
}

static idslot *idset_find(idslot *v, size_t cap, const unsigned char k[16])
{
    size_t h;
    memcpy(&h, k, sizeof h);
    for (h &= cap - 1; v[h].rec != (size_t)-1; h = (h + 1) & (cap - 1))
        if (memcmp(v[h].key, k, 16) == 0)
            break;
    return &v[h];
}

/* Inserts; returns the earlier record with the same id, or (size_t)-1. */
static size_t idset_add(idset *s, const unsigned char k[16], size_t rec)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        idslot *v = malloc(cap * sizeof *v);
        for (size_t i = 0; i < cap; i++)
            v[i].rec = (size_t)-1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i].rec != (size_t)-1)
                *idset_find(v, cap, s->v[i].key) = s->v[i];
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    idslot *x = idset_find(s->v, s->cap, k);
    if (x->rec != (size_t)-1)
        return x->rec;
    memcpy(x->key, k, 16);
    x->rec = rec;
    s->n++;
    return (size_t)-1;
}

static void idset_free(idset *s) { free(s->v); }

/* ---- workers ---- */

static void claims_push(claims *c, const claim *x)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = *x;
}

static void diags_text(sbuf *err, sbuf *msg, const calc_diags *d)
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
        if (x->line && x->col)
            sb_printf(msg, "%u:%u: ", x->line, x->col);
        if (x->path[0])
            sb_printf(msg, "%s: ", x->path);
        sb_puts(msg, x->msg);
        if (x->hint[0])
            sb_printf(msg, " (%s)", x->hint);
    }
}

static void error_record(chunk *c, size_t i, const char *msg)
{
    sb_printf(&c->buf, "{\"record\": %zu, \"line\": %u, \"file\": ", c->first + i + 1,
              c->in[i].line);
    sb_json_str(&c->buf, c->file);
    sb_puts(&c->buf, ", \"error\": ");
    sb_json_str(&c->buf, msg);
    sb_puts(&c->buf, "}\n");
}


static void process(batch *b, calc_engine *e, chunk *c)
{
    const calc_batch_opts *o = b->o;
    size_t npol = b->npol;
    arena pa = {0}; /* the profiles' memory, reused from record to record */
    for (size_t i = 0; i < c->n; i++) {
        rec_in *in = &c->in[i];
        rec_out *out = &c->out[i];
        size_t start = c->buf.n, estart = c->err.n;
        memset(&c->st[i * npol], 0xFF, npol);
        calc_diags d = {0};
        calc_profile p;
        memset(&p, 0, sizeof p);
        p.a = pa;
        value *doc = in->doc;
        int rc = in->err_code;
        bool valid = false, unpacked = false; /* a validated profile in p (from the spill) */
        if (b->pass == 2 && c->spill_len[i]) { /* validated in pass 1 */
            valid = unpacked = profile_unpack(&p, &e->ps.schema, c->spill.p + c->spill_off[i],
                                              c->spill_len[i]) == 0;
            if (!unpacked && !in->text && !in->doc) { /* the reader skipped it: cannot happen */
                fprintf(stderr, "calc: internal error: a kept profile does not unpack\n");
                abort();
            }
        } else if (!rc && !doc && in->text && !in->err_text && !o->nsets) /* the short way */
            valid = calc_json_profile(&p.a, &e->ps.schema, c->file, in->line, in->text, in->len,
                                      &p) == 0;
        if (!valid) { /* the long way, which says what is wrong */
            arena_reset(&p.a);
            pa = p.a;
            memset(&p, 0, sizeof p);
            p.a = pa;
        }
        p.file = c->file;
        if (!rc && !doc && !valid)
            rc = calc_json_parse(&p.a, c->file, in->line, in->text, in->len, &doc, &d);
        for (int k = 0; !rc && !valid && k < o->nsets; k++) /* --set: before validation */
            rc = calc_apply_set(&p.a, doc, o->sets[k], &d);
        bool hashed = false;
        if (unpacked) {
            memcpy(out->hash, c->spill_hash[i], 16);
            hashed = true;
        }
        if (b->pass == 1) { /* the spill entry: the packing when valid */
            spill_head h;
            memset(&h, 0, sizeof h);
            h.record = c->first + i;
            size_t at = c->spill.n;
            sb_putn(&c->spill, (const char *)&h, sizeof h);
            if (!rc && !in->err_text &&
                (valid || profile_from_value(&p, &e->ps.schema, doc, &d) == 0)) {
                profile_pack(&c->spill, &p);
                h.len = (uint32_t)(c->spill.n - at - sizeof h);
                digest(e, p.id, h.hash);
                memcpy(out->hash, h.hash, 16);
                hashed = true;
                memcpy(c->spill.p + at, &h, sizeof h);
                valid = true;
            } else
                rc = rc ? rc : CALC_ESCHEMA;
        }
        if (!rc && !valid) {
            p.file = c->file;
            size_t before = d.n;
            rc = profile_from_value(&p, &e->ps.schema, doc, &d);
            if (rc && in->text) /* JSON positions are bytes until reported */
                calc_json_columns(&d, before, c->file, in->line, in->text, in->len);
        }
        if ((rc || in->err_text) && b->pass == 1) {
            out->rejected = true; /* reported in the final pass */
        } else if (rc || in->err_text) {
            sbuf msg = {0};
            if (in->err_text) { /* the reader printed the full diagnostics already */
                sb_puts(&msg, in->err_text);
                size_t l = strcspn(msg.p, "\n");
                msg.n = l;
                msg.p[l] = 0;
            } else
                diags_text(&c->err, &msg, &d);
            error_record(c, i, msg.p ? msg.p : "invalid record");
            sb_free(&msg);
            out->rejected = true;
            if (c->worst < CALC_EXIT_INPUT)
                c->worst = CALC_EXIT_INPUT;
        } else {
            c->id[i] = arena_strndup(&c->a, p.id, strlen(p.id));
            if (!hashed)
                digest(e, p.id, out->hash);
            out->has_hash = true;
            const pval *ap = &p.root.u.o->slot[b->applied_slot];
            if (o->no_eval && b->pass != 1) { /* the line without what evaluation gives */
                char fp[65], dd[16];
                engine_profile_fingerprint(e, &p, fp);
                sbuf *l = &c->buf;
                SB_LIT(l, "{\"profile\": ");
                sb_json_str(l, p.id);
                SB_LIT(l, ", \"as_of\": \"");
                sb_puts(l, calc_date_format(dd, o->as_of));
                SB_LIT(l, "\", \"fingerprint\": {\"policy_set\": \"sha256:");
                sb_puts(l, e->set_fp);
                SB_LIT(l, "\", \"profile\": \"sha256:");
                sb_puts(l, fp);
                SB_LIT(l, "\", \"as_of\": \"");
                sb_puts(l, dd);
                SB_LIT(l, "\", \"calc_version\": \"" CALC_VERSION "\"}, \"applied\": ");
                if (ap->set) {
                    SB_LIT(l, "\"");
                    sb_puts(l, calc_date_format(dd, (calc_date)ap->u.i));
                    SB_LIT(l, "\"}\n");
                } else
                    SB_LIT(l, "null}\n");
            } else if (o->no_eval) {
                /* the first pass of --no-eval: nothing to claim */
            } else if (b->pass == 1) {
                calc_result *r = calc_eval_with(e, &p, o->as_of, &b->eval);
                for (size_t k = 0; k < r->n; k++) {
                    const pres *x = &r->r[k];
                    const policy *pol = &e->ps.pol[k];
                    if (pol->pool >= 0 && x->status == ST_ELIGIBLE) {
                        claim cl = {0};
                        cl.record = c->first + i;
                        cl.id = c->id[i];
                        cl.has_applied = ap->set;
                        cl.applied = ap->set ? (calc_date)ap->u.i : 0;
                        cl.pool = pol->pool;
                        cl.policy = (int)k;
                        cl.amount = x->amount;
                        cl.quantity = x->quantity;
                        claims_push(&c->cl, &cl);
                    }
                }
                calc_result_recycle(e, r);
            } else {
                calc_result *r = calc_eval_with(e, &p, o->as_of, &b->eval);
                if (b->pass == 2) { /* the grants of this record's claims */
                    const claims *g = b->granted;
                    size_t lo = 0, hi = g->n, rec = c->first + i;
                    while (lo < hi) {
                        size_t mid = (lo + hi) / 2;
                        if (g->v[mid].record < rec)
                            lo = mid + 1;
                        else
                            hi = mid;
                    }
                    size_t end = lo;
                    while (end < g->n && g->v[end].record == rec)
                        end++;
                    if (end > lo)
                        pools_apply(e, r, g->v + lo, end - lo);
                }
                /* JSON Lines go straight into the chunk's buffer; CSV rows are made from it */
                sbuf *line = &c->buf;
                size_t at = c->buf.n;
                result_json(line, e, r, o->explain, o->explain);
                /* batch lines carry the applied date, which orders first-come pools */
                line->n--; /* drop the closing brace */
                SB_LIT(line, ", \"applied\": ");
                if (ap->set) {
                    char dd[16];
                    SB_LIT(line, "\"");
                    sb_puts(line, calc_date_format(dd, (calc_date)ap->u.i));
                    SB_LIT(line, "\"}\n");
                } else
                    SB_LIT(line, "null}\n");
                if (o->out_format == CALC_OUT_CSV) {
                    arena ta = {0};
                    value *tree;
                    calc_diags td = {0};
                    sbuf json = {0};
                    sb_putn(&json, c->buf.p + at, c->buf.n - at - 1);
                    c->buf.n = at;
                    if (!calc_json_parse(&ta, "<result>", 0, json.p, json.n, &tree, &td))
                        csv_rows(&c->buf, tree, false);
                    sb_free(&json);
                    calc_diags_free(&td);
                    arena_free(&ta);
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

typedef struct worker_arg {
    batch *b;
    int i;
} worker_arg;

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
        process(b, b->eng[w->i], c);
        pthread_mutex_lock(&b->mu);
        c->state = 2;
        /* the main thread waits only for the chunk it writes next: wake it for that one */
        if (c == b->head)
            pthread_cond_signal(&b->cv_done);
        pthread_mutex_unlock(&b->mu);
    }
}

static FILE *temp_file(void)
{
    const char *dir = getenv("TMPDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/calc-batch.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path); /* gone when closed, even after a crash */
    return fdopen(fd, "w+b");
}

/* ---- summary ---- */

static const char *const status_names[] = {"eligible", "ineligible", "needs_data",
                                           "not_in_force", "superseded", "error"};

static void write_summary(const batch *b, calc_engine *e, const summary *s,
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
                sb_printf(&j, "\"%s\": %zu, ", status_names[k], s->count[i][k]);
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

/* ---- the run ---- */

static void progress(const batch *b, size_t done, double t0, calc_input *in, bool final)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void chunk_free(chunk *c)
{
    arena_free(&c->a);
    sb_free(&c->buf);
    sb_free(&c->err);
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
    c->buf.n = c->err.n = c->spill.n = c->cl.n = 0;
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

/* Writes a finished chunk: duplicate ids, summary, claims. */
static int drain(batch *b, chunk *c, FILE *out, idset *ids, summary *s, claims *all)
{
    calc_engine *e = b->eng[0];
    int worst = c->worst;
    size_t ci = 0;
    bool final = b->pass != 1;
    if (b->pass == 1 && b->spill && fwrite(c->spill.p, 1, c->spill.n, b->spill) != c->spill.n)
        b->spill_lost = true;
    size_t run_off = 0, run_len = 0; /* lines that follow each other in the buffer: one write */
    for (size_t i = 0; i < c->n; i++) {
        rec_out *r = &c->out[i];
        s->read++;
        if (r->err_len && final)
            fwrite(c->err.p + r->err_off, 1, r->err_len, b->o->err);
        if (r->has_hash) {
            size_t first = (size_t)-1, rec = c->first + i;
            if (b->pass != 2) {
                first = idset_add(ids, r->hash, rec);
                if (first != (size_t)-1 && b->pass == 1) {
                    if (b->ndup == b->capdup) {
                        b->capdup = b->capdup ? b->capdup * 2 : 16;
                        b->dups = realloc(b->dups, b->capdup * sizeof *b->dups);
                        if (!b->dups)
                            abort(); /* out of memory */
                    }
                    b->dups[b->ndup].record = rec;
                    b->dups[b->ndup++].first = first;
                }
            } else { /* the same records are valid in both passes: pass 1's verdicts */
                while (b->dupi < b->ndup && b->dups[b->dupi].record < rec)
                    b->dupi++;
                if (b->dupi < b->ndup && b->dups[b->dupi].record == rec)
                    first = b->dups[b->dupi].first;
            }
            if (first != (size_t)-1) {
                r->rejected = true;
                char msg[300];
                snprintf(msg, sizeof msg, "duplicate id '%s' (first seen in record %zu)",
                         c->id[i], first + 1);
                if (final)
                    fprintf(b->o->err, "%s:%u: error: record %zu: %s\n", c->file, c->in[i].line,
                            c->first + i + 1, msg);
                size_t keep = c->buf.n;
                error_record(c, i, msg);
                r->off = keep;
                r->len = c->buf.n - keep;
                if (worst < CALC_EXIT_INPUT)
                    worst = CALC_EXIT_INPUT;
            }
        }
        if (final && run_len && (run_off + run_len != r->off ||
                                 (b->o->out_format == CALC_OUT_CSV && r->rejected))) {
            fwrite(c->buf.p + run_off, 1, run_len, out);
            run_len = 0;
        }
        if (final) {
            if (b->o->out_format == CALC_OUT_CSV && r->rejected) {
                arena ta = {0};
                value *tree;
                calc_diags td = {0};
                sbuf row = {0};
                if (!calc_json_parse(&ta, "<result>", 0, c->buf.p + r->off, r->len - 1, &tree,
                                     &td))
                    csv_rows(&row, tree, false);
                fwrite(row.p, 1, row.n, out);
                sb_free(&row);
                calc_diags_free(&td);
                arena_free(&ta);
            } else if (run_len) {
                run_len += r->len;
            } else {
                run_off = r->off;
                run_len = r->len;
            }
        }
        for (; ci < c->cl.n && c->cl.v[ci].record < c->first + i; ci++)
            ;
        if (r->rejected) {
            s->rejected++;
            continue;
        }
        s->evaluated++;
        if (final && !b->o->no_eval)
            for (size_t k = 0; k < b->npol; k++)
                summary_add(s, (int)k, c->st[i * b->npol + k], e->ps.pol[k].kind,
                            c->amt[i * b->npol + k], c->qty[i * b->npol + k], 1);
        for (; ci < c->cl.n && c->cl.v[ci].record == c->first + i; ci++) {
            claim x = c->cl.v[ci];
            x.id = strdup(x.id);
            claims_push(all, &x);
        }
    }
    if (run_len)
        fwrite(c->buf.p + run_off, 1, run_len, out);
    return worst;
}

/* Copies the phase-one lines to the output, rewriting those whose claims changed. */
static int finish_pools(batch *b, FILE *tmp, FILE *out, claims *all, summary *s, size_t *recp,
                        size_t *cip, const dup_rec *dups, size_t ndup)
{
    calc_engine *e = b->eng[0];
    char *line = NULL;
    size_t cap = 0, ci = *cip, rec = *recp, di = 0;
    ssize_t n;
    int rc = 0;
    sbuf nb = {0};
    while ((n = getline(&line, &cap, tmp)) > 0) {
        size_t first = ci;
        bool changed = false;
        for (; ci < all->n && all->v[ci].record == rec; ci++)
            changed |= all->v[ci].changed;
        /* records of the temp file are numbered as the claims are */
        const char *text = line;
        size_t len = (size_t)n;
        nb.n = 0;
        while (di < ndup && dups[di].record < rec)
            di++;
        if (di < ndup && dups[di].record == rec) {
            char msg[400];
            snprintf(msg, sizeof msg, "duplicate id '%s' (first seen in record %zu)", dups[di].id,
                     dups[di].first + 1);
            sb_printf(&nb, "{\"record\": %zu, \"line\": %u, \"file\": ", rec + 1, dups[di].line);
            sb_json_str(&nb, dups[di].file);
            sb_puts(&nb, ", \"error\": ");
            sb_json_str(&nb, msg);
            sb_puts(&nb, "}\n");
            text = nb.p;
            len = nb.n;
            changed = false;
        }
        if (changed) {
            calc_diags d = {0};
            if (pools_rewrite(e, line, (size_t)n - 1, all->v + first, ci - first, &nb, &d)) {
                calc_diags_print(b->o->err, &d);
                rc = CALC_EIO;
            } else {
                text = nb.p;
                len = nb.n;
            }
            calc_diags_free(&d);
            for (size_t k = first; k < ci; k++) {
                const claim *x = &all->v[k];
                if (!x->changed)
                    continue;
                int kind = e->ps.pol[x->policy].kind;
                summary_add(s, x->policy, ST_ELIGIBLE, kind, x->amount, x->quantity, -1);
                bool none = x->g_amount == 0 || (kind == K_IN_KIND && x->g_quantity == 0);
                summary_add(s, x->policy, none ? ST_INELIGIBLE : ST_ELIGIBLE, kind, x->g_amount,
                            x->g_quantity, 1);
            }
        }
        if (b->o->out_format == CALC_OUT_CSV) {
            arena ta = {0};
            value *tree;
            calc_diags td = {0};
            sbuf row = {0};
            if (!calc_json_parse(&ta, "<result>", 0, text, len - 1, &tree, &td))
                csv_rows(&row, tree, false);
            fwrite(row.p, 1, row.n, out);
            sb_free(&row);
            calc_diags_free(&td);
            arena_free(&ta);
        } else
            fwrite(text, 1, len, out);
        rec++;
    }
    *recp = rec;
    *cip = ci;
    sb_free(&nb);
    free(line);
    return rc;
}

/* Pass 2: record i's spill entry, in the order pass 1 wrote them. An entry that does not
 * match its record stops the reading: the records from there on are parsed again. */
static void spill_read(batch *b, chunk *c, size_t i)
{
    c->spill_len[i] = 0;
    spill_head h;
    if (!b->spill || b->spill_lost || fread(&h, sizeof h, 1, b->spill) != 1 ||
        h.record != c->first + i) {
        b->spill_lost = true;
        return;
    }
    sb_grow(&c->spill, h.len);
    if (h.len && fread(c->spill.p + c->spill.n, 1, h.len, b->spill) != h.len) {
        b->spill_lost = true;
        return;
    }
    c->spill_off[i] = c->spill.n;
    c->spill_len[i] = h.len;
    memcpy(c->spill_hash[i], h.hash, 16);
    c->spill.n += h.len;
}

/* Pass 2, asked by the reader for each record it finds: reads the record's spill entry; the
 * record needs reading (text, tree) only when pass 1 kept no profile for it. */
static bool spill_need(void *ud)
{
    batch *b = ud;
    chunk *c = b->filling;
    spill_read(b, c, c->n);
    return c->spill_len[c->n] == 0;
}

/* The CSV output's first line (after a UTF-8 byte order mark for spreadsheets with --excel). */
static void csv_head(FILE *f, bool excel)
{
    if (excel)
        fputs("\xEF\xBB\xBF", f);
    sbuf h = {0};
    csv_rows(&h, NULL, true);
    fwrite(h.p, 1, h.n, f);
    sb_free(&h);
}

static int load_engines(batch *b, const calc_batch_opts *o)
{
    calc_error err = {0};
    const char *dir = o->policies ? o->policies : calc_default_policies();
    b->eng = calloc((size_t)b->jobs, sizeof *b->eng);
    for (int i = 0; i < b->jobs; i++) {
        b->eng[i] = calc_engine_new(dir, &err);
        if (!b->eng[i]) {
            calc_error_print(o->err, &err);
            return calc_exit_status(err.code);
        }
        calc_diags d = {0};
        int rc = o->scenario ? calc_scenario_load(b->eng[i], o->scenario, &d) : 0;
        for (int k = 0; !rc && k < o->nparams; k++)
            rc = calc_engine_param(b->eng[i], o->params[k], &d);
        if (i == 0)
            calc_diags_print(o->err, &d);
        calc_diags_free(&d);
        if (rc)
            return rc == CALC_EUSAGE ? CALC_EXIT_USAGE : calc_exit_status(rc);
    }
    calc_diags_print(o->err, calc_engine_diags(b->eng[0]));
    b->npol = b->eng[0]->ps.n;
    b->applied_slot = schema_child(b->eng[0]->ps.schema.root, "applied", 7)->index;
    return calc_engine_diags(b->eng[0])->n ? CALC_EXIT_POLICY : 0;
}

/* One pass over every input: the reader cuts chunks, the workers evaluate them, finished
 * chunks are drained in order. Pass 1 only gathers claims; the others write results. */
static int run_pass(batch *b, const char *const *inputs, FILE *out, summary *s, claims *all)
{
    const calc_batch_opts *o = b->o;
    calc_engine *e = b->eng[0];
    int worst = 0;
    FILE *err = b->pass == 1 ? NULL : o->err; /* the first pass reports nothing */
    b->head = b->tail = NULL;
    b->closing = false;
    pthread_t *th = calloc((size_t)b->jobs, sizeof *th);
    worker_arg *wa = calloc((size_t)b->jobs, sizeof *wa);
    for (int i = 0; i < b->jobs; i++) {
        wa[i].b = b;
        wa[i].i = i;
        pthread_create(&th[i], NULL, worker, &wa[i]);
    }
    idset ids = {0};
    size_t next_record = 0, inflight = 0, max_inflight = (size_t)b->jobs * 3 + 2;
    double t0 = now_s(), last = t0;
    bool show = o->progress && isatty(fileno(o->err));
    for (int f = 0; f < o->ninputs; f++) {
        calc_error cerr = {0};
        const char *path = inputs[f];
        int fmt = o->input_format >= 0 ? o->input_format
                  : strcmp(o->inputs[f], "-") == 0 ? IN_JSONL : input_format_of(o->inputs[f]);
        if (fmt < 0) {
            if (err)
                fprintf(err, "calc: error: %s: cannot tell the input format from the name\n"
                        "calc: note: name it .jsonl, .yaml or .csv, or give --input-format\n",
                        o->inputs[f]);
            worst = CALC_EXIT_USAGE > worst ? CALC_EXIT_USAGE : worst;
            continue;
        }
        calc_input *cur = input_open(path, fmt, &e->ps.schema, &cerr);
        if (cur && b->pass == 2)
            input_set_need(cur, spill_need, b);
        if (!cur) {
            if (err)
                calc_error_print(err, &cerr);
            worst = CALC_EXIT_USAGE > worst ? CALC_EXIT_USAGE : worst;
            continue;
        }
        const char *shown = strcmp(o->inputs[f], "-") == 0 ? "<stdin>" : o->inputs[f];
        bool eof = false;
        while (!eof) {
            chunk *c = chunk_get(b);
            c->file = arena_strndup(&c->a, shown, strlen(shown));
            c->first = next_record;
            while (c->n < CHUNK) {
                calc_diags d = {0};
                rec_in *r = &c->in[c->n];
                b->filling = c;
                int rc = input_next(cur, &c->a, r, &d);
                if (d.n) {
                    sbuf msg = {0}, errt = {0};
                    diags_text(&errt, &msg, &d);
                    if (rc == 1) {
                        r->err_text = arena_strndup(&c->a, msg.p, msg.n);
                        if (!r->err_code)
                            r->err_code = CALC_ESCHEMA;
                    }
                    if (err)
                        fputs(errt.p, err);
                    sb_free(&msg);
                    sb_free(&errt);
                }
                calc_diags_free(&d);
                if (rc <= 0) {
                    if (rc < 0) {
                        if (err)
                            fprintf(err, "calc: error: %s: cannot read further (record %zu)\n",
                                    shown, next_record + c->n + 1);
                        worst = worst < CALC_EXIT_INPUT ? CALC_EXIT_INPUT : worst;
                    }
                    eof = true;
                    break;
                }
                c->n++;
            }
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
            inflight++;
            pthread_cond_signal(&b->cv_work);
            /* write finished chunks in order; keep at most max_inflight in memory */
            for (;;) {
                while (b->head && b->head->state == 2) {
                    chunk *d = b->head;
                    b->head = d->next;
                    if (!b->head)
                        b->tail = NULL;
                    inflight--;
                    pthread_mutex_unlock(&b->mu);
                    int w = drain(b, d, out, &ids, s, all);
                    worst = w > worst ? w : worst;
                    chunk_put(b, d);
                    pthread_mutex_lock(&b->mu);
                }
                if (inflight < max_inflight)
                    break;
                pthread_cond_wait(&b->cv_done, &b->mu);
            }
            pthread_mutex_unlock(&b->mu);
            if (show && now_s() - last > 0.5) {
                progress(b, s->read, t0, cur, false);
                last = now_s();
            }
        }
        input_close(cur);
    }
    pthread_mutex_lock(&b->mu);
    while (b->head) {
        while (b->head && b->head->state == 2) {
            chunk *d = b->head;
            b->head = d->next;
            if (!b->head)
                b->tail = NULL;
            pthread_mutex_unlock(&b->mu);
            int w = drain(b, d, out, &ids, s, all);
            worst = w > worst ? w : worst;
            chunk_put(b, d);
            pthread_mutex_lock(&b->mu);
        }
        if (b->head)
            pthread_cond_wait(&b->cv_done, &b->mu);
    }
    b->closing = true;
    pthread_cond_broadcast(&b->cv_work);
    pthread_mutex_unlock(&b->mu);
    for (int i = 0; i < b->jobs; i++)
        pthread_join(th[i], NULL);
    free(th);
    free(wa);
    idset_free(&ids);
    while (b->spare) {
        chunk *c = b->spare;
        b->spare = c->next;
        chunk_free(c);
    }
    if (show)
        progress(b, s->read, t0, NULL, true);
    return worst;
}

/* Copies standard input to a named temporary file, so that it can be read twice. */
static char *spool_stdin(FILE *err)
{
    const char *dir = getenv("TMPDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/calc-stdin.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");
    if (!f) {
        fprintf(err, "calc: error: cannot create a temporary file: %s\n", strerror(errno));
        return NULL;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, f) != n)
            break;
    if (fclose(f) != 0 || ferror(stdin)) {
        unlink(path);
        fprintf(err, "calc: error: cannot keep a copy of standard input\n");
        return NULL;
    }
    return strdup(path);
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
                if (comp[j] > comp[i] && ((a->group >= 0 && a->group == b->group) ||
                                          (a->cap >= 0 && a->cap == b->cap))) {
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

int calc_batch(const calc_batch_opts *o)
{
    batch b;
    memset(&b, 0, sizeof b);
    b.o = o;
    b.eval.explain = o->explain;
    b.eval.failures_only = !o->explain; /* the line carries failures only, unless explained */
    b.as_of = o->as_of;
    b.jobs = o->jobs > 0 ? o->jobs : 1;
    int worst = load_engines(&b, o);
    if (worst && worst != CALC_EXIT_POLICY) {
        for (int i = 0; i < b.jobs; i++)
            calc_engine_free(b.eng[i]);
        free(b.eng);
        return worst;
    }
    calc_engine *e = b.eng[0];
    bool pools = !o->no_pools && !o->no_eval && e->ps.npool > 0;
    /* --no-eval (the benchmark's floor) keeps the passes of the run it stands for */
    bool two_passes = !o->no_pools && e->ps.npool > 0;
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv_work, NULL);
    pthread_cond_init(&b.cv_done, NULL);
    /* pools need every claim before any result is final: a first pass gathers the claims,
     * the pools are allocated, a second pass writes the results with their grants */
    const char **inputs = calloc((size_t)o->ninputs + 1, sizeof *inputs);
    char *spooled = NULL;
    int io = 0;
    for (int i = 0; i < o->ninputs; i++) {
        inputs[i] = o->inputs[i];
        if (two_passes && strcmp(o->inputs[i], "-") == 0) {
            if (!spooled && !(spooled = spool_stdin(o->err)))
                io = 1;
            inputs[i] = spooled ? spooled : "/dev/null";
        }
    }
    claims all = {0};
    pool_stat *stats = calloc(e->ps.npool + 1, sizeof *stats);
    summary s;
    summary_init(&s, b.npol);
    if (two_passes && !io) {
        /* the claims pass evaluates only what a claim depends on: the pooled policies and,
         * through exclusive groups and caps, their partners; no fingerprints */
        int *comp = NULL;
        bool *only = pool_closure(e, &comp);
        calc_eval_opts final = b.eval;
        b.eval.only = only;
        b.eval.claims_comp = comp;
        b.eval.claims_only = true;
        b.pass = 1;
        b.spill = temp_file(); /* without one, pass 2 parses the records again */
        run_pass(&b, inputs, NULL, &s, &all);
        if (b.spill && (fflush(b.spill) || fseek(b.spill, 0, SEEK_SET)))
            b.spill_lost = true;
        b.eval = final;
        free(only);
        free(comp);
        if (pools && pools_allocate(e, &all, stats))
            worst = worst < CALC_EXIT_POLICY ? CALC_EXIT_POLICY : worst;
        b.pass = 2;
        b.granted = &all;
        summary_free(&s);
        summary_init(&s, b.npol);
    }
    calc_outfile of;
    if (!io && calc_out_open(&of, o->output, o->err) == 0) {
        if (o->out_format == CALC_OUT_CSV)
            csv_head(of.f, o->excel);
        claims none = {0};
        int w = run_pass(&b, inputs, of.f, &s, &none);
        worst = w > worst ? w : worst;
        for (size_t i = 0; i < none.n; i++)
            free(none.v[i].id);
        free(none.v);
        if (calc_out_close(&of, true, o->err))
            io = 1;
    } else
        io = 1;
    if (o->summary && !io) {
        calc_outfile sf;
        if (calc_out_open(&sf, o->summary, o->err) == 0) {
            write_summary(&b, e, &s, pools ? stats : NULL, sf.f, NULL);
            if (calc_out_close(&sf, true, o->err))
                io = 1;
        } else
            io = 1;
    }
    if (!o->quiet && !io)
        write_summary(&b, e, &s, pools ? stats : NULL, NULL, o->err);
    if (b.spill)
        fclose(b.spill);
    if (spooled) {
        unlink(spooled);
        free(spooled);
    }
    free(inputs);
    for (size_t i = 0; i < all.n; i++)
        free(all.v[i].id);
    free(all.v);
    for (size_t p = 0; p < e->ps.npool; p++)
        free(stats[p].ran_out_id);
    free(stats);
    summary_free(&s);
    for (int i = 0; i < b.jobs; i++)
        calc_engine_free(b.eng[i]);
    free(b.eng);
    free(b.dups);
    pthread_mutex_destroy(&b.mu);
    pthread_cond_destroy(&b.cv_work);
    pthread_cond_destroy(&b.cv_done);
    if (io && worst < CALC_EXIT_USAGE)
        worst = CALC_EXIT_USAGE;
    return worst;
}

/* ---- the reduce step ---- */

static int status_of(const char *s)
{
    for (int k = 0; k < 6; k++)
        if (strcmp(status_names[k], s) == 0)
            return k;
    return -1;
}

static const char *vtext(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? v->str : NULL;
}

/* Reads one shard's result lines: ids, claims and the summary before allocation. */
static int scan_results(batch *b, const char *path, FILE *f, size_t *rec, idset *ids, claims *all,
                        summary *s, dup_rec **dups, size_t *ndup)
{
    calc_engine *e = b->eng[0];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    int worst = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        arena a = {0};
        value *t = NULL;
        calc_diags d = {0};
        s->read++;
        if (calc_json_parse(&a, path, lineno, line, (size_t)n - (line[n - 1] == '\n'), &t, &d) ||
            t->type != V_MAP) {
            calc_diags_print(b->o->err, &d);
            fprintf(b->o->err, "%s:%u: error: not a result line of 'calc batch'\n", path, lineno);
            worst = CALC_EXIT_INPUT;
        }
        const value *results = t ? map_get(t, "results") : NULL;
        const char *id = t ? vtext(t, "profile") : NULL;
        if (!results || !id) {
            s->rejected++;
        } else {
            unsigned char h[16];
            digest(b->eng[0], id, h);
            size_t first = idset_add(ids, h, *rec);
            if (first != (size_t)-1) {
                fprintf(b->o->err, "%s:%u: error: duplicate id '%s' (first seen in record %zu)\n",
                        path, lineno, id, first + 1);
                *dups = realloc(*dups, (*ndup + 1) * sizeof **dups);
                dup_rec *x = &(*dups)[(*ndup)++];
                x->record = *rec;
                x->first = first;
                x->line = lineno;
                x->file = path;
                x->id = strdup(id);
                s->rejected++;
                worst = CALC_EXIT_INPUT;
            } else {
                s->evaluated++;
                const char *asof = vtext(t, "as_of");
                calc_date d0;
                if (asof && !calc_date_parse(&d0, asof, strlen(asof))) {
                    if (!b->as_of_known) {
                        b->as_of = d0;
                        b->as_of_known = true;
                    } else if (d0 != b->as_of) {
                        char d1[16];
                        fprintf(b->o->err, "%s:%u: error: results evaluated as of %s, earlier "
                                "ones as of %s: pools cannot mix dates\n", path, lineno, asof,
                                calc_date_format(d1, b->as_of));
                        worst = CALC_EXIT_INPUT;
                    }
                }
                const char *ap = vtext(t, "applied");
                calc_date applied = 0;
                bool has = ap && !calc_date_parse(&applied, ap, strlen(ap));
                for (size_t i = 0; i < results->n; i++) {
                    const value *r = results->items[i];
                    const char *pid = vtext(r, "policy"), *st = vtext(r, "status"),
                               *amt = vtext(r, "amount"), *q = vtext(r, "quantity");
                    int pi = pid ? policy_index(&e->ps, pid) : -1;
                    int sti = st ? status_of(st) : -1;
                    calc_money m = 0;
                    if (pi < 0 || sti < 0 || !amt || calc_money_parse(&m, amt, strlen(amt), NULL)) {
                        fprintf(b->o->err, "%s:%u: error: unknown policy or status in the results "
                                "(were they made with the same policy set?)\n", path, lineno);
                        worst = CALC_EXIT_INPUT;
                        continue;
                    }
                    int64_t qty = q ? strtoll(q, NULL, 10) : 0;
                    summary_add(s, pi, sti, e->ps.pol[pi].kind, m, qty, 1);
                    if (e->ps.pol[pi].pool >= 0 && sti == ST_ELIGIBLE) {
                        claim x = {0};
                        x.record = *rec;
                        x.id = strdup(id);
                        x.has_applied = has;
                        x.applied = applied;
                        x.pool = e->ps.pol[pi].pool;
                        x.policy = pi;
                        x.amount = m;
                        x.quantity = qty;
                        claims_push(all, &x);
                    }
                }
            }
        }
        calc_diags_free(&d);
        arena_free(&a);
        (*rec)++;
    }
    free(line);
    return worst;
}

int calc_allocate(const calc_batch_opts *o)
{
    batch b;
    memset(&b, 0, sizeof b);
    b.o = o;
    b.eval.explain = o->explain;
    b.eval.failures_only = !o->explain;
    b.as_of = o->as_of; /* replaced by the results' own date */
    b.jobs = 1;
    int worst = load_engines(&b, o);
    if (worst && worst != CALC_EXIT_POLICY) {
        calc_engine_free(b.eng[0]);
        free(b.eng);
        return worst;
    }
    calc_engine *e = b.eng[0];
    idset ids = {0};
    summary s;
    summary_init(&s, b.npol);
    claims all = {0};
    dup_rec *dups = NULL;
    size_t ndup = 0, rec = 0;
    FILE **files = calloc((size_t)o->ninputs + 1, sizeof *files);
    for (int i = 0; i < o->ninputs; i++) {
        if (strcmp(o->inputs[i], "-") == 0) { /* read twice: keep a copy */
            FILE *t = temp_file();
            char buf[65536];
            size_t n;
            while (t && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
                fwrite(buf, 1, n, t);
            if (t)
                rewind(t);
            files[i] = t;
        } else
            files[i] = fopen(o->inputs[i], "rb");
        if (!files[i]) {
            fprintf(o->err, "calc: error: cannot open %s: %s\n", o->inputs[i], strerror(errno));
            worst = CALC_EXIT_USAGE;
            continue;
        }
        int w = scan_results(&b, o->inputs[i], files[i], &rec, &ids, &all, &s, &dups, &ndup);
        worst = w > worst ? w : worst;
    }
    pool_stat *stats = calloc(e->ps.npool + 1, sizeof *stats);
    if (pools_allocate(e, &all, stats))
        worst = worst < CALC_EXIT_POLICY ? CALC_EXIT_POLICY : worst;
    calc_outfile of;
    int io = 0;
    if (calc_out_open(&of, o->output, o->err) == 0) {
        if (o->out_format == CALC_OUT_CSV)
            csv_head(of.f, o->excel);
        size_t r = 0, ci = 0;
        for (int i = 0; i < o->ninputs; i++)
            if (files[i]) {
                rewind(files[i]);
                if (finish_pools(&b, files[i], of.f, &all, &s, &r, &ci, dups, ndup))
                    io = 1;
            }
        if (calc_out_close(&of, true, o->err))
            io = 1;
    } else
        io = 1;
    for (int i = 0; i < o->ninputs; i++)
        if (files[i])
            fclose(files[i]);
    free(files);
    if (o->summary) {
        calc_outfile sf;
        if (calc_out_open(&sf, o->summary, o->err) == 0) {
            write_summary(&b, e, &s, stats, sf.f, NULL);
            if (calc_out_close(&sf, true, o->err))
                io = 1;
        }
    }
    if (!o->quiet)
        write_summary(&b, e, &s, stats, NULL, o->err);
    for (size_t i = 0; i < all.n; i++)
        free(all.v[i].id);
    free(all.v);
    for (size_t i = 0; i < ndup; i++)
        free(dups[i].id);
    free(dups);
    for (size_t p = 0; p < e->ps.npool; p++)
        free(stats[p].ran_out_id);
    free(stats);
    summary_free(&s);
    idset_free(&ids);
    calc_engine_free(e);
    free(b.eng);
    if (io && worst < CALC_EXIT_USAGE)
        worst = CALC_EXIT_USAGE;
    return worst;
}
