/* mem.h — memory and text: the arena (bump allocation, freed at once), the growable byte buffer,
 * valid UTF-8, and the process-wide input limits. No knowledge of YAML, Lua or the schema. */
#ifndef CALC_MEM_H
#define CALC_MEM_H

#include "calc.h"

#include <stdbool.h>
#include <string.h>

#define CALC_DEPTH_CEILING 256 /* the largest nesting limit calc_limits may set */
#define CALC_MAX_DEPTH (calc_limits_get()->depth)
#define CALC_MAX_INPUT (calc_limits_get()->input)
#define CALC_MAX_SCALAR (calc_limits_get()->scalar)

/* ---- arena: bump allocation, freed at once ---- */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    arena_block *spare; /* blocks kept by arena_reset, reused before new ones */
} arena;
void *arena_alloc(arena *a, size_t n);       /* cleared */
void *arena_alloc_raw(arena *a, size_t n);   /* not cleared: for what is written at once */
/* An array of n elements of size elem with room for one more: v itself, or a copy twice the
 * capacity (first when empty) with the new room cleared; *cap follows. */
void *arena_grow(arena *a, void *v, size_t n, size_t *cap, size_t elem, size_t first);
/* Empties the arena but keeps its blocks for the next allocations (arena_free releases). */
void arena_reset(arena *a);
char *arena_strndup(arena *a, const char *s, size_t n);
/* A block of n bytes outside any arena, grown in place (data NULL: a new one), that an arena
 * can take over whole with arena_adopt (no copy); arena_solo_free if it is never adopted. */
void *arena_solo(void *data, size_t n);
void arena_solo_free(void *data);
void arena_adopt(arena *a, void *data);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies len bytes of s into dst (cap >= 8) as valid UTF-8, NUL-terminated: every invalid
 * sequence and every NUL byte becomes U+FFFD, nothing else is dropped; text that does not fit
 * is cut at a character boundary and ends with "…". Returns the bytes written. */
size_t calc_utf8_clean(char *dst, size_t cap, const char *s, size_t len);
/* The same into the arena, at most max bytes (0: no limit). */
char *arena_utf8_clean(arena *a, const char *s, size_t len, size_t max);
void arena_free(arena *a);

/* ---- growable byte buffer ---- */
typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;
void sb_grow(sbuf *b, size_t more); /* room for more bytes and the terminating NUL */
static inline void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap)
        sb_grow(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static inline void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
#define SB_LIT(b, s) sb_putn((b), (s), sizeof(s) - 1)
void sb_int(sbuf *b, long long v);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* vsnprintf, the same bytes and the same return value, quicker for the formats the engine
 * writes per record: text, %s, %d/%ld/%lld/%zu/%u with an optional 0 flag and width, %%.
 * Any other format is vsnprintf's. */
int calc_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
void sb_json_str(sbuf *b, const char *s);
void sb_free(sbuf *b);

#endif
