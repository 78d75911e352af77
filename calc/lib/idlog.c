/* idlog.c — the claims pass's duplicate-id check, deferred: each valid record's id digest is
 * logged as it is written (16 bytes: 96 bits of the digest and the record's place in its block),
 * in one of 256 buckets by the digest's first byte, and the repeats are found when the pass has
 * read everything, a bucket at a time in a table that fits the cache. A run of 10^6 records then
 * needs 16 MB for its ids, not a hash table of 2^21 slots (48 MB, 72 MB while it doubles), and
 * no probe waits for memory. The first record with an id is the one every later one repeats,
 * as idset_add (spill.c) finds it in the one-pass run. The claims' ids are kept here too, byte by
 * byte in blocks (strpool), not a malloc each. */
#include "batchrun.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LOG_BLOCK 254 /* entries in a block: with its header, 4 KiB */

typedef struct log_entry {
    uint64_t k0;
    uint32_t k1;
    uint32_t rec; /* the record, less its block's base */
} log_entry;

struct idlog_block {
    struct idlog_block *next;
    uint64_t base; /* every record of the block is base + rec (records only grow) */
    uint32_t n, pad;
    log_entry e[LOG_BLOCK];
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort(); /* out of memory: as arena_alloc */
    return p;
}

void idlog_add(idlog *l, const unsigned char k[16], size_t rec)
{
    log_entry x;
    memcpy(&x.k0, k, 8);
    memcpy(&x.k1, k + 8, 4);
    unsigned bucket = (unsigned)(x.k0 & 0xFF);
    struct idlog_block *b = l->tail[bucket];
    if (!b || b->n == LOG_BLOCK || rec - b->base > UINT32_MAX) {
        struct idlog_block *nb = xmalloc(sizeof *nb);
        nb->next = NULL;
        nb->base = rec;
        nb->n = 0;
        if (b)
            b->next = nb;
        else
            l->head[bucket] = nb;
        l->tail[bucket] = b = nb;
    }
    x.rec = (uint32_t)(rec - b->base);
    b->e[b->n++] = x;
}

static int cmp_dup(const void *a, const void *b)
{
    const dup_id *x = a, *y = b;
    return x->record < y->record ? -1 : x->record > y->record;
}

typedef struct flat {
    uint64_t k0;
    uint32_t k1;
    size_t rec;
} flat;

/* The repeated ids, each with the first record that had it, into out (by record); frees the
 * log. */
void idlog_dups(idlog *l, dup_id **out, size_t *nout)
{
    dup_id *d = NULL;
    size_t nd = 0, capd = 0;
    flat *v = NULL;
    size_t capv = 0;
    size_t *slot = NULL;
    size_t capslot = 0;
    for (unsigned bucket = 0; bucket < 256; bucket++) {
        size_t n = 0; /* the bucket's entries in the order written: by record */
        for (struct idlog_block *b = l->head[bucket]; b; b = b->next) {
            if (n + b->n > capv) {
                capv = (n + b->n) * 2;
                v = realloc(v, capv * sizeof *v);
                if (!v)
                    abort();
            }
            for (uint32_t i = 0; i < b->n; i++)
                v[n++] = (flat){b->e[i].k0, b->e[i].k1, b->base + b->e[i].rec};
        }
        size_t cap = 16;
        while (cap < 2 * n)
            cap *= 2;
        if (cap > capslot) {
            free(slot);
            slot = xmalloc(cap * sizeof *slot);
            capslot = cap;
        }
        memset(slot, 0, cap * sizeof *slot); /* 0: empty, else an index + 1 */
        for (size_t i = 0; i < n; i++) {
            size_t h = (size_t)(v[i].k0 >> 8) & (cap - 1);
            for (; slot[h]; h = (h + 1) & (cap - 1)) {
                const flat *f = &v[slot[h] - 1];
                if (f->k0 == v[i].k0 && f->k1 == v[i].k1)
                    break;
            }
            if (!slot[h]) {
                slot[h] = i + 1;
                continue;
            }
            if (nd == capd) {
                capd = capd ? capd * 2 : 16;
                d = realloc(d, capd * sizeof *d);
                if (!d)
                    abort();
            }
            d[nd++] = (dup_id){v[i].rec, v[slot[h] - 1].rec};
        }
        for (struct idlog_block *b = l->head[bucket], *next; b; b = next) {
            next = b->next;
            free(b);
        }
        l->head[bucket] = l->tail[bucket] = NULL;
    }
    free(v);
    free(slot);
    if (nd > 1)
        qsort(d, nd, sizeof *d, cmp_dup);
    *out = d;
    *nout = nd;
}

void idlog_free(idlog *l)
{
    for (unsigned bucket = 0; bucket < 256; bucket++)
        for (struct idlog_block *b = l->head[bucket], *next; b; b = next) {
            next = b->next;
            free(b);
        }
    memset(l, 0, sizeof *l);
}

/* ---- the claims' ids: byte by byte in blocks, freed together ---- */

struct strpool_block {
    struct strpool_block *next;
    size_t used, cap;
    char data[];
};

char *strpool_dup(strpool *p, const char *s)
{
    size_t n = strlen(s) + 1;
    struct strpool_block *b = p->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = xmalloc(sizeof *b + cap);
        b->next = p->head;
        b->used = 0;
        b->cap = cap;
        p->head = b;
    }
    char *d = b->data + b->used;
    memcpy(d, s, n);
    b->used += n;
    return d;
}

void strpool_free(strpool *p)
{
    for (struct strpool_block *b = p->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    p->head = NULL;
}
