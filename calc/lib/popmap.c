/* popmap.c — a population's records handled by worker threads (popmap.h): the calling thread
 * reads chunks of records (input.c; with several workers a CSV's rows and a YAML stream's
 * documents are only cut), the workers read what was cut, validate the records (population.c)
 * and hand each valid profile to the command, and the calling thread gives the finished chunks
 * back to the command in input order. With at most a few chunks a worker in memory at once, a
 * population of any size streams through. It evaluates nothing itself and writes nothing. */
#include "popmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct pm_worker {
    popmap *m;
    int i;
} pm_worker;

static void chunk_records(popmap *m, int w, pm_chunk *c)
{
    calc_engine *e = m->eng[w];
    const calc_batch_opts *o = m->o;
    if (m->begin)
        m->begin(m->ud, w, c);
    arena pa = {0}; /* the profiles' memory, reused from record to record */
    for (size_t i = 0; i < c->n; i++) {
        calc_profile p;
        memset(&p, 0, sizeof p);
        p.a = pa;
        if (c->in[i].row_text) /* a CSV row or YAML document the reader only cut */
            input_read_deferred(&c->in[i], &c->a, &c->diag[i]);
        int vr = record_profile(&p, &e->ps.schema, c->file, &c->in[i], o->sets, o->nsets,
                                m->how, &c->diag[i]);
        c->valid[i] = vr == 0;
        if (!vr) {
            p.file = c->file;
            m->record(m->ud, w, c, i, &p);
        }
        arena_reset(&p.a);
        pa = p.a;
    }
    arena_free(&pa);
}

/* Takes the first waiting chunk, handles it, marks it done; ends when the run closes. */
static void *worker(void *arg)
{
    pm_worker *pw = arg;
    popmap *m = pw->m;
    for (;;) {
        pthread_mutex_lock(&m->mu);
        pm_chunk *c = NULL;
        for (;;) {
            for (c = m->head; c && c->state != 0; c = c->next)
                ;
            if (c || m->closing)
                break;
            pthread_cond_wait(&m->cv_work, &m->mu);
        }
        if (!c) {
            pthread_mutex_unlock(&m->mu);
            return NULL;
        }
        c->state = 1;
        pthread_mutex_unlock(&m->mu);
        chunk_records(m, pw->i, c);
        pthread_mutex_lock(&m->mu);
        c->state = 2;
        if (c == m->head) /* the calling thread waits for the chunk it takes next */
            pthread_cond_signal(&m->cv_done);
        pthread_mutex_unlock(&m->mu);
    }
}

static pm_chunk *chunk_get(popmap *m)
{
    pm_chunk *c = m->spare;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            abort(); /* out of memory */
        return c;
    }
    m->spare = c->next;
    arena_reset(&c->a);
    for (size_t i = 0; i < c->n; i++)
        calc_diags_free(&c->diag[i]);
    memset(c->diag, 0, sizeof c->diag);
    c->n = 0;
    c->state = 0;
    c->next = NULL;
    return c;
}

/* The finished chunks at the head, in order, until fewer than limit are in flight; with
 * m->mu held. */
static void drain_until(popmap *m, size_t limit)
{
    for (;;) {
        while (m->head && m->head->state == 2) {
            pm_chunk *c = m->head;
            m->head = c->next;
            if (!m->head)
                m->tail = NULL;
            m->inflight--;
            pthread_mutex_unlock(&m->mu);
            m->done(m->ud, c);
            c->next = m->spare;
            m->spare = c;
            pthread_mutex_lock(&m->mu);
        }
        if (m->inflight < limit)
            return;
        pthread_cond_wait(&m->cv_done, &m->mu);
    }
}

/* Fills c from in; false at the end of the input. */
static bool chunk_fill(popmap *m, pm_chunk *c, calc_input *in)
{
    input_records_in(in, &c->a); /* a chunk's records outlive the input */
    while (c->n < PM_CHUNK) {
        int rc = input_next(in, &c->a, &c->in[c->n], &c->diag[c->n]);
        if (rc <= 0) {
            calc_diags_free(&c->diag[c->n]);
            memset(&c->diag[c->n], 0, sizeof c->diag[c->n]);
            if (rc < 0)
                m->read_failed++;
            return false;
        }
        c->n++;
    }
    return true;
}

int popmap_engines(calc_engine **eng, int jobs, calc_engine *e, calc_diags *d)
{
    eng[0] = e;
    for (int k = 1; k < jobs; k++) {
        calc_error err = {0};
        if (!(eng[k] = engine_twin(e, &err))) {
            calc_error *x = calc_diags_add(d);
            if (x)
                *x = err;
            return CALC_EUSAGE;
        }
    }
    return 0;
}

void popmap_reject(calc_diags *d, const calc_diags *rd, size_t *unshown)
{
    size_t before = d->n;
    for (size_t k = 0; k < rd->n && d->n < POPMAP_SHOWN; k++) {
        calc_error *x = calc_diags_add(d);
        if (x)
            *x = rd->v[k];
    }
    if (d->n == before)
        (*unshown)++;
}

void popmap_unshown(calc_diags *d, size_t unshown, size_t rejected)
{
    if (unshown)
        diag_at(d, CALC_ESCHEMA, NULL, NULL, "calc batch writes every record with its problems",
                "%zu more records are not valid, their problems not shown (%zu not valid in all)",
                unshown, rejected);
}

void popmap_run(popmap *m, calc_diags *d)
{
    const calc_batch_opts *o = m->o;
    int jobs = m->jobs > 0 ? m->jobs : 1;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cv_work, NULL);
    pthread_cond_init(&m->cv_done, NULL);
    m->head = m->tail = m->spare = NULL;
    m->inflight = 0;
    m->closing = false;
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    pm_worker *pw = calloc((size_t)jobs, sizeof *pw);
    if (!th || !pw)
        abort(); /* out of memory */
    for (int i = 0; i < jobs; i++) {
        pw[i].m = m;
        pw[i].i = i;
        pthread_create(&th[i], NULL, worker, &pw[i]);
    }
    size_t next = 0, max_inflight = (size_t)jobs * 3 + 2;
    for (int f = 0; f < o->ninputs; f++) {
        if (f) { /* what the inputs before it say comes first */
            pthread_mutex_lock(&m->mu);
            drain_until(m, 1);
            pthread_mutex_unlock(&m->mu);
        }
        calc_input *in = population_open(o, f, &m->eng[0]->ps.schema, d);
        if (!in) {
            m->open_failed++;
            if (m->stop_at_open_error)
                break;
            continue;
        }
        /* CSV rows and YAML documents are parsed by the workers, as batch's are; with one
         * worker the reader parses them, its thread being the other one at work */
        if (jobs > 1)
            input_defer_rows(in);
        size_t first = next;
        int failed = m->read_failed;
        for (bool more = true; more;) {
            pm_chunk *c = chunk_get(m);
            c->file = arena_strndup(&c->a, input_path(in), strlen(input_path(in)));
            c->first = next;
            more = chunk_fill(m, c, in);
            next += c->n;
            if (!c->n) {
                c->next = m->spare;
                m->spare = c;
                break;
            }
            pthread_mutex_lock(&m->mu);
            if (m->tail)
                m->tail->next = c;
            else
                m->head = c;
            m->tail = c;
            m->inflight++;
            pthread_cond_signal(&m->cv_work);
            drain_until(m, max_inflight);
            pthread_mutex_unlock(&m->mu);
        }
        if (next == first && m->read_failed == failed) { /* read to its end, no record in it */
            pthread_mutex_lock(&m->mu);
            drain_until(m, 1); /* what the records before it say comes first */
            pthread_mutex_unlock(&m->mu);
            calc_error *x = calc_diags_add(d);
            if (x)
                input_empty_error(x, input_path(in));
        }
        input_close(in);
    }
    pthread_mutex_lock(&m->mu);
    drain_until(m, 1);
    m->closing = true;
    pthread_cond_broadcast(&m->cv_work);
    pthread_mutex_unlock(&m->mu);
    for (int i = 0; i < jobs; i++)
        pthread_join(th[i], NULL);
    free(th);
    free(pw);
    while (m->spare) {
        pm_chunk *c = m->spare;
        m->spare = c->next;
        for (size_t i = 0; i < PM_CHUNK; i++)
            calc_diags_free(&c->diag[i]);
        if (m->free_user && c->user)
            m->free_user(m->ud, c->user);
        arena_free(&c->a);
        free(c);
    }
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv_work);
    pthread_cond_destroy(&m->cv_done);
}
