/* profilepack.c — a validated profile in a compact binary form (batch keeps it between its two
 * passes), and back. */
#include "internal.h"

#include <string.h>

/* ---- packing: tag byte per slot (0 absent, 1 present), then integers as zigzag varints,
 * strings as length and bytes, objects slot by slot in schema order, lists as count and items */

static void put_varint(sbuf *b, uint64_t x)
{
    char t[10];
    size_t n = 0;
    while (x >= 0x80) {
        t[n++] = (char)(x | 0x80);
        x >>= 7;
    }
    t[n++] = (char)x;
    sb_putn(b, t, n);
}

static void put_int(sbuf *b, int64_t v)
{
    put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void pack_val(sbuf *b, const pval *v, const snode *sn);

static void pack_obj(sbuf *b, const pobj *o, const snode *sn)
{
    for (size_t i = 0; i < sn->nchild; i++)
        pack_val(b, &o->slot[i], sn->child[i]);
}

static void pack_val(sbuf *b, const pval *v, const snode *sn)
{
    if (!v->set) {
        sb_putn(b, "\0", 1);
        return;
    }
    sb_putn(b, "\1", 1);
    switch (sn->type) {
    case T_OBJECT: pack_obj(b, v->u.o, sn); break;
    case T_LIST:
        put_varint(b, v->u.l->n);
        for (size_t i = 0; i < v->u.l->n; i++)
            pack_val(b, &v->u.l->item[i], sn->item);
        break;
    case T_STRING: {
        size_t n = strlen(v->u.s);
        put_varint(b, n);
        sb_putn(b, v->u.s, n);
        break;
    }
    default: put_int(b, v->u.i);
    }
}

void profile_pack(sbuf *b, const calc_profile *p) { pack_obj(b, p->root.u.o, p->root.u.o->sn); }

typedef struct unpacker {
    const unsigned char *p, *end;
    calc_profile *prof;
    calc_loc loc;
} unpacker;

static int get_varint(unpacker *u, uint64_t *x)
{
    *x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (u->p >= u->end)
            return -1;
        unsigned char c = *u->p++;
        *x |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

static int unpack_val(unpacker *u, pval *v, const snode *sn, int depth);

static int unpack_obj(unpacker *u, pval *v, const snode *sn, int depth)
{
    pobj *o = arena_alloc(&u->prof->a, sizeof *o);
    o->sn = sn;
    o->slot = arena_alloc(&u->prof->a, (sn->nchild ? sn->nchild : 1) * sizeof *o->slot);
    for (size_t i = 0; i < sn->nchild; i++)
        if (unpack_val(u, &o->slot[i], sn->child[i], depth + 1))
            return -1;
    v->u.o = o;
    return 0;
}

static int unpack_val(unpacker *u, pval *v, const snode *sn, int depth)
{
    v->type = sn->type;
    v->loc = u->loc;
    if (u->p >= u->end || *u->p > 1 || depth > CALC_DEPTH_CEILING)
        return -1;
    if (!*u->p++)
        return 0;
    v->set = true;
    uint64_t x;
    switch (sn->type) {
    case T_OBJECT: return unpack_obj(u, v, sn, depth);
    case T_LIST: {
        if (get_varint(u, &x) || x > (uint64_t)(u->end - u->p))
            return -1; /* every item takes a byte at least */
        plist *l = arena_alloc(&u->prof->a, sizeof *l);
        l->n = (size_t)x;
        l->item = arena_alloc(&u->prof->a, (l->n ? l->n : 1) * sizeof *l->item);
        v->u.l = l;
        for (size_t i = 0; i < l->n; i++)
            if (unpack_val(u, &l->item[i], sn->item, depth + 1))
                return -1;
        return 0;
    }
    case T_STRING:
        if (get_varint(u, &x) || x > (uint64_t)(u->end - u->p))
            return -1;
        v->u.s = arena_strndup(&u->prof->a, (const char *)u->p, (size_t)x);
        u->p += x;
        return 0;
    default:
        if (get_varint(u, &x))
            return -1;
        v->u.i = (int64_t)(x >> 1) ^ -(int64_t)(x & 1);
        if (sn->type == T_ENUM) {
            if (v->u.i < 0 || (uint64_t)v->u.i >= sn->en->n)
                return -1;
            v->s = sn->en->values[v->u.i];
        }
        return 0;
    }
}

int profile_unpack(calc_profile *p, const calc_schema *s, const char *data, size_t len)
{
    unpacker u = {(const unsigned char *)data, (const unsigned char *)data + len, p,
                  {p->file, 0, 0}};
    p->root.type = T_OBJECT;
    p->root.set = true;
    p->root.loc = u.loc;
    if (unpack_obj(&u, &p->root, s->root, 0) || u.p != u.end)
        return -1;
    const pval *id = &p->root.u.o->slot[schema_child(s->root, "id", 2)->index];
    p->id = id->set && id->type == T_STRING ? id->u.s : "";
    return 0;
}
