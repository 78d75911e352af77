/* spill.c — what `calc batch` keeps between its passes: the spill, a temporary file of the
 * validated profiles of the claims pass (packed, schema.c: about 120 bytes a profile) that the
 * final pass reads back instead of parsing again, and the duplicate-id set (128-bit digests of
 * the ids seen), whose verdicts the claims pass finds and the final pass reports. A spill that
 * does not read back as written is dropped and its records parsed again; nothing here reports
 * or writes the output. */
#include "batchrun.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- ids seen ---- */

void id_digest(calc_engine *e, const char *id, unsigned char out[16])
{
    unsigned char md[32];
    engine_sha256(e, id, strlen(id), md);
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

void idset_prefetch(const idset *s, const unsigned char k[16])
{
    if (!s->cap)
        return;
    size_t h;
    memcpy(&h, k, sizeof h);
    __builtin_prefetch(&s->v[h & (s->cap - 1)], 1);
}

size_t idset_add(idset *s, const unsigned char k[16], size_t rec)
{
    if ((s->n + 1) * 2 > s->cap) { /* open addressing, one cache line per probe */
        size_t cap = s->cap ? s->cap * 2 : 1024;
        idslot *v = malloc(cap * sizeof *v);
        if (!v)
            abort(); /* out of memory */
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

void idset_free(idset *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

size_t batch_dup_check(batch *b, idset *ids, const unsigned char hash[16], size_t rec)
{
    if (b->pass == PASS_FINAL) { /* the same records are valid in both passes */
        while (b->dupi < b->ndup && b->dups[b->dupi].record < rec)
            b->dupi++;
        return b->dupi < b->ndup && b->dups[b->dupi].record == rec ? b->dups[b->dupi].first
                                                                   : (size_t)-1;
    }
    return idset_add(ids, hash, rec); /* the one pass; the claims pass logs them (idlog.c) */
}

void batch_dup_message(char *buf, size_t cap, int lang, const char *id, size_t first)
{
    calc_msg_format(buf, cap, lang, "duplicate id '%s' (first seen in record %zu)", id, first + 1);
}

/* ---- the spill ---- */

/* A spill entry: the record's number, the length of its packing (0: not valid) and the digest
 * of its id, then the packing (schema.c). */
typedef struct spill_head {
    uint64_t record;
    uint32_t len, unused;
    unsigned char hash[16];
} spill_head;

FILE *batch_temp_file(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/calc-batch.XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path); /* gone when closed, even after a crash */
    return fdopen(fd, "w+b");
}

void spill_put(chunk *c, size_t i, const calc_profile *p, const unsigned char hash[16])
{
    spill_head h;
    memset(&h, 0, sizeof h);
    h.record = c->first + i;
    size_t at = c->spill.n;
    sb_putn(&c->spill, (const char *)&h, sizeof h);
    if (!p)
        return;
    profile_pack(&c->spill, p);
    h.len = (uint32_t)(c->spill.n - at - sizeof h);
    memcpy(h.hash, hash, 16);
    memcpy(c->spill.p + at, &h, sizeof h);
}

void spill_write(batch *b, const chunk *c)
{
    if (b->spill && c->spill.n && fwrite(c->spill.p, 1, c->spill.n, b->spill) != c->spill.n)
        b->spill_lost = true;
}

void spill_rewind(batch *b)
{
    if (b->spill && (fflush(b->spill) || fseek(b->spill, 0, SEEK_SET)))
        b->spill_lost = true;
}

/* Record i's spill entry, in the order the claims pass wrote them. An entry that does not
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

bool spill_need(void *ud)
{
    batch *b = ud;
    chunk *c = b->filling;
    spill_read(b, c, c->n);
    return c->spill_len[c->n] == 0;
}
