/* allocate.c — `calc allocate`, the reduce step of a sharded run: the result lines that
 * `calc batch --no-pools` wrote (shards, in order) are read once for their ids, claims and
 * summary, the pools are allocated, and the lines are read again and written with their grants
 * (pools_rewrite) — the same final lines and summary as a single-machine run. It never
 * evaluates a profile: everything it knows comes from the lines. */
#include "batchrun.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct dup_rec { /* a record whose id an earlier record had */
    size_t record, first;
    unsigned line;
    const char *file;
    char *id;
} dup_rec;

typedef struct reduce {
    batch *b;
    idset ids;
    claims all;
    summary s;
    dup_rec *dups;
    size_t ndup;
    size_t rec; /* records read so far, over every shard */
} reduce;

static const char *vtext(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? v->str : NULL;
}

/* A result line's date: the first sets the run's; results of another date are an error. */
static int line_date(batch *b, const value *t, const char *path, unsigned lineno)
{
    const char *asof = vtext(t, "as_of");
    calc_date d0;
    if (!asof || calc_date_parse(&d0, asof, strlen(asof)))
        return 0;
    if (!b->as_of_known) {
        b->as_of = d0;
        b->as_of_known = true;
    } else if (d0 != b->as_of) {
        char d1[16];
        diag_print(b->o->err, path, lineno, "results evaluated as of %s, earlier ones as of %s: "
                   "pools cannot mix dates", asof, calc_date_format(d1, b->as_of));
        return CALC_EXIT_INPUT;
    }
    return 0;
}

/* A result line's results: counted in the summary, the pooled ones claimed. */
static int line_results(reduce *r, const value *t, const char *id, const char *path,
                        unsigned lineno)
{
    batch *b = r->b;
    calc_engine *e = b->eng[0];
    const value *results = map_get(t, "results");
    const char *ap = vtext(t, "applied");
    calc_date applied = 0;
    bool has = ap && !calc_date_parse(&applied, ap, strlen(ap));
    int worst = 0;
    for (size_t i = 0; i < results->n; i++) {
        const value *x = results->items[i];
        const char *pid = vtext(x, "policy"), *st = vtext(x, "status"), *amt = vtext(x, "amount"),
                   *q = vtext(x, "quantity");
        int pi = pid ? policy_index(&e->ps, pid) : -1;
        int sti = st ? batch_status_of(st) : -1;
        calc_money m = 0;
        if (pi < 0 || sti < 0 || !amt || calc_money_parse(&m, amt, strlen(amt), NULL)) {
            diag_print(b->o->err, path, lineno, "unknown policy or status in the results (were "
                       "they made with the same policy set?)");
            worst = CALC_EXIT_INPUT;
            continue;
        }
        int64_t qty = q ? strtoll(q, NULL, 10) : 0;
        summary_add(&r->s, pi, sti, e->ps.pol[pi].kind, m, qty, 1);
        if (e->ps.pol[pi].pool >= 0 && sti == ST_ELIGIBLE) {
            claim c = {0};
            c.record = r->rec;
            c.id = strdup(id);
            c.has_applied = has;
            c.applied = applied;
            c.pool = e->ps.pol[pi].pool;
            c.policy = pi;
            c.amount = m;
            c.quantity = qty;
            claims_push(&r->all, &c);
        }
    }
    return worst;
}

/* Reads one shard's result lines: ids, claims and the summary before allocation. */
static int scan_results(reduce *r, const char *path, FILE *f)
{
    batch *b = r->b;
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
        r->s.read++;
        if (calc_json_parse(&a, path, lineno, line, (size_t)n - (line[n - 1] == '\n'), &t, &d) ||
            t->type != V_MAP) {
            calc_diags_print(b->o->err, &d);
            diag_print(b->o->err, path, lineno, "not a result line of 'calc batch'");
            worst = CALC_EXIT_INPUT;
        }
        const value *results = t ? map_get(t, "results") : NULL;
        const char *id = t ? vtext(t, "profile") : NULL;
        size_t first = (size_t)-1;
        if (results && id) {
            unsigned char h[16];
            id_digest(b->eng[0], id, h);
            first = idset_add(&r->ids, h, r->rec);
        }
        if (!results || !id) {
            r->s.rejected++;
        } else if (first != (size_t)-1) {
            diag_print(b->o->err, path, lineno, "duplicate id '%s' (first seen in record %zu)", id,
                       first + 1);
            r->dups = realloc(r->dups, (r->ndup + 1) * sizeof *r->dups);
            if (!r->dups)
                abort(); /* out of memory */
            dup_rec *x = &r->dups[r->ndup++];
            x->record = r->rec;
            x->first = first;
            x->line = lineno;
            x->file = path;
            x->id = strdup(id);
            r->s.rejected++;
            worst = CALC_EXIT_INPUT;
        } else {
            r->s.evaluated++;
            int w = line_date(b, t, path, lineno);
            worst = w > worst ? w : worst;
            w = line_results(r, t, id, path, lineno);
            worst = w > worst ? w : worst;
        }
        calc_diags_free(&d);
        arena_free(&a);
        r->rec++;
    }
    free(line);
    if (ferror(f)) {
        diag_print(b->o->err, NULL, 0, "cannot read %s: %s", path, calc_msg_errno(errno));
        b->unread = true;
        return CALC_EXIT_USAGE;
    }
    if (lineno == 0) { /* an empty shard is no shard's results */
        calc_error x;
        input_empty_error(&x, path);
        calc_error_hint(&x, "give the result files of calc batch --no-pools, each with its "
                            "records");
        calc_error_print(b->o->err, &x);
        worst = worst < CALC_EXIT_INPUT ? CALC_EXIT_INPUT : worst;
    }
    return worst;
}

/* Record rec's changed claims [lo, hi) in the summary: each claim out, its grant in. */
static void summary_grants(reduce *r, size_t lo, size_t hi)
{
    calc_engine *e = r->b->eng[0];
    for (size_t k = lo; k < hi; k++) {
        const claim *x = &r->all.v[k];
        if (!x->changed)
            continue;
        int kind = e->ps.pol[x->policy].kind;
        summary_add(&r->s, x->policy, ST_ELIGIBLE, kind, x->amount, x->quantity, -1);
        summary_add(&r->s, x->policy, claim_voided(e, x) ? ST_INELIGIBLE : ST_ELIGIBLE, kind,
                    x->g_amount, x->g_quantity, 1);
    }
}

/* Copies one shard's lines to the output, rewriting those whose claims changed. *recp and
 * *cip carry the record and the claim reached from shard to shard. */
static int finish_pools(reduce *r, FILE *tmp, FILE *out, size_t *recp, size_t *cip)
{
    batch *b = r->b;
    calc_engine *e = b->eng[0];
    const claims *all = &r->all;
    bool csv = b->o->out_format == CALC_OUT_CSV;
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
        /* records of the shards are numbered as the claims are */
        const char *text = line;
        size_t len = (size_t)n;
        bool parsed = false; /* text is already in the output's format */
        nb.n = 0;
        while (di < r->ndup && r->dups[di].record < rec)
            di++;
        if (di < r->ndup && r->dups[di].record == rec) {
            const dup_rec *x = &r->dups[di];
            char msg[400], zh[600];
            batch_dup_message(msg, sizeof msg, CALC_LANG_EN, x->id, x->first);
            batch_dup_message(zh, sizeof zh, CALC_LANG_ZH, x->id, x->first);
            batch_reject(b, &nb, rec + 1, x->line, x->file, msg, zh);
            text = nb.p;
            len = nb.n;
            parsed = csv;
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
            summary_grants(r, first, ci);
        }
        if (csv && !parsed) { /* the line's rows, from its tree */
            arena ta = {0};
            value *tree;
            calc_diags td = {0};
            sbuf row = {0};
            if (!calc_json_parse(&ta, "<result>", 0, text, len - 1, &tree, &td))
                csv_rows(&row, e, tree, false, b->o->lang);
            if (row.n) /* none when the line is not a result line */
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

/* Opens input i ("-": a copy of standard input, to be read twice), or NULL with a message. */
static FILE *shard_open(const calc_batch_opts *o, int i)
{
    FILE *f;
    if (strcmp(o->inputs[i], "-") == 0) {
        f = batch_temp_file(calc_tmpdir());
        char buf[65536];
        size_t n;
        while (f && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
            fwrite(buf, 1, n, f);
        if (f)
            rewind(f);
    } else
        f = fopen(o->inputs[i], "rb");
    struct stat st;
    if (!f)
        diag_print(o->err, NULL, 0, "cannot open %s: %s", o->inputs[i], calc_msg_errno(errno));
    else if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        diag_print(o->err, NULL, 0, "cannot read %s: is a directory", o->inputs[i]);
        fclose(f);
        f = NULL;
    }
    return f;
}

/* The reduce step; returns the exit status it implies (calc_allocate: its CALC_E* code). */
static int run_allocate(const calc_batch_opts *o)
{
    batch b;
    int worst = batch_engines(&b, o, 1); /* its date: the results' own */
    if (worst && worst != CALC_EXIT_POLICY)
        return worst;
    calc_engine *e = b.eng[0];
    reduce r;
    memset(&r, 0, sizeof r);
    r.b = &b;
    summary_init(&r.s, b.npol);
    FILE **files = calloc((size_t)o->ninputs + 1, sizeof *files);
    for (int i = 0; i < o->ninputs; i++) {
        if (!(files[i] = shard_open(o, i))) {
            worst = CALC_EXIT_USAGE;
            b.unread = true;
            continue;
        }
        int w = scan_results(&r, o->inputs[i], files[i]);
        worst = w > worst ? w : worst;
    }
    pool_stat *stats = calloc(e->ps.npool + 1, sizeof *stats);
    if (pools_allocate(e, &r.all, stats))
        worst = worst < CALC_EXIT_POLICY ? CALC_EXIT_POLICY : worst;
    batch_out out;
    int io = 0;
    if (batch_out_open(&out, &b, b.as_of) == 0) {
        size_t rec = 0, ci = 0;
        for (int i = 0; i < o->ninputs; i++)
            if (files[i]) {
                rewind(files[i]);
                if (finish_pools(&r, files[i], out.f, &rec, &ci))
                    io = 1;
            }
        if (batch_out_close(&out, &b, &r.s, stats, &r.all))
            io = 1;
    } else
        io = 1;
    for (int i = 0; i < o->ninputs; i++)
        if (files[i])
            fclose(files[i]);
    free(files);
    batch_unread_said(&b);
    if (o->summary && !b.unread) {
        calc_outfile sf;
        if (calc_out_open(&sf, o->summary, o->err) == 0) {
            batch_summary(&b, e, &r.s, stats, &r.all, sf.f, NULL);
            if (calc_out_close(&sf, true, o->err))
                io = 1;
        }
    }
    if (!o->quiet)
        batch_summary(&b, e, &r.s, stats, &r.all, NULL, o->err);
    if (!io && summary_check(e, &r.s, o->err) && worst < CALC_EXIT_POLICY)
        worst = CALC_EXIT_POLICY;
    if (o->manifest && !io && !b.unread && batch_manifest_write(&b, "allocate"))
        io = 1;
    for (size_t i = 0; i < r.all.n; i++)
        free(r.all.v[i].id);
    free(r.all.v);
    for (size_t i = 0; i < r.ndup; i++)
        free(r.dups[i].id);
    free(r.dups);
    pool_stats_free(e, stats);
    summary_free(&r.s);
    idset_free(&r.ids);
    batch_free_engines(&b);
    if (io && worst < CALC_EXIT_USAGE)
        worst = CALC_EXIT_USAGE;
    return worst;
}

int calc_allocate(const calc_batch_opts *o) { return calc_status_code(run_allocate(o)); }
