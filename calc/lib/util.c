/* util.c — the limits and settings of the process, the arena, the byte buffer, reading whole
 * files and writing output files whole (diagnostics are diag.c's). No knowledge of YAML, Lua or
 * the schema lives here. */
#include "internal.h"

#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static calc_limits limits = {2000000L, 64u * 1024 * 1024, 16u * 1024 * 1024, 1024 * 1024, 64, 0};

void calc_limits_default(calc_limits *out)
{
    calc_limits d = {2000000L, 64u * 1024 * 1024, 16u * 1024 * 1024, 1024 * 1024, 64, 0};
    *out = d;
}

int calc_limits_set(const calc_limits *l, calc_error *err)
{
    if (l->instructions < 1000 || l->memory < 1024 * 1024 || l->input < 1024 ||
        l->scalar < 64 || l->wall_ms < 0 || l->depth < 8 || l->depth > CALC_DEPTH_CEILING)
        return calc_error_set(err, CALC_EUSAGE, NULL, 0, 0,
                              "limits out of range (instructions >= 1000, memory >= 1 MiB, "
                              "input >= 1 KiB, depth 8..%d)", CALC_DEPTH_CEILING);
    limits = *l;
    return 0;
}

const calc_limits *calc_limits_get(void) { return &limits; }

/* every field not named here is 0: no tmpdir, Chinese, no checks */
static calc_settings settings = {.tmpdir = NULL, .lang = CALC_LANG_ZH};

void calc_settings_set(const calc_settings *s) { settings = *s; }

const calc_settings *calc_settings_get(void) { return &settings; }

const char *calc_tmpdir(void)
{
    return settings.tmpdir && settings.tmpdir[0] ? settings.tmpdir : "/tmp";
}

int calc_status_code(int status)
{
    switch (status) {
    case CALC_EXIT_OK: return CALC_OK;
    case CALC_EXIT_CHECK: return CALC_ECHECK;
    case CALC_EXIT_INPUT: return CALC_ESCHEMA;
    case CALC_EXIT_POLICY: return CALC_EPOLICY;
    default: return CALC_EIO;
    }
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c >= 0x01 && c < 0x80)
        return 1;
    size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (k == 0 || k > n)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || /* overlong, surrogate */
        (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return k;
}

size_t calc_utf8_clean(char *dst, size_t cap, const char *s, size_t len)
{
    static const char rep[] = "\xEF\xBF\xBD", ell[] = "\xE2\x80\xA6";
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0;
    if (cap == 0)
        return 0;
    while (i < len) {
        size_t k = utf8_seq(u + i, len - i);
        const char *from = k ? s + i : rep;
        size_t w = k ? k : 3;
        /* room for this character, and for "…" if more follows */
        if (o + w + (i + (k ? k : 1) < len ? 3 : 0) + 1 > cap) {
            while (o + 3 + 1 > cap && o > 0) { /* back off to a boundary that leaves room */
                o--;
                while (o > 0 && ((unsigned char)dst[o] & 0xC0) == 0x80)
                    o--;
            }
            if (o + 3 + 1 <= cap) {
                memcpy(dst + o, ell, 3);
                o += 3;
            }
            break;
        }
        memcpy(dst + o, from, w);
        o += w;
        i += k ? k : 1;
    }
    dst[o] = 0;
    return o;
}

char *arena_utf8_clean(arena *a, const char *s, size_t len, size_t max)
{
    size_t cap = (max && max < len * 3 + 1 ? max : len * 3) + 1;
    if (cap < 8)
        cap = 8;
    char *d = arena_alloc_raw(a, cap);
    calc_utf8_clean(d, cap, s, len);
    return d;
}

struct arena_block {
    arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void *arena_alloc_raw(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        if (a->spare && a->spare->cap >= n) {
            b = a->spare;
            a->spare = b->next;
        } else {
            size_t cap = n > 8000 ? n : 8000;
            b = malloc(sizeof *b + cap);
            if (!b)
                abort(); /* out of memory: nothing sensible to continue with */
            b->cap = cap;
        }
        b->next = a->head;
        b->used = 0;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *arena_alloc(arena *a, size_t n)
{
    void *p = arena_alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

void *arena_grow(arena *a, void *v, size_t n, size_t *cap, size_t elem, size_t first)
{
    if (n < *cap)
        return v;
    size_t nc = *cap ? *cap * 2 : first;
    char *nv = arena_alloc_raw(a, nc * elem);
    if (n)
        memcpy(nv, v, n * elem);
    memset(nv + n * elem, 0, (nc - n) * elem);
    *cap = nc;
    return nv;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc_raw(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_solo(void *data, size_t n)
{
    arena_block *b = data ? (arena_block *)((char *)data - offsetof(arena_block, data)) : NULL;
    b = realloc(b, sizeof *b + (n ? n : 1));
    if (!b)
        abort(); /* out of memory: nothing sensible to continue with */
    b->next = NULL;
    b->used = b->cap = n;
    return b->data;
}

void arena_solo_free(void *data)
{
    if (data)
        free((char *)data - offsetof(arena_block, data));
}

void arena_adopt(arena *a, void *data)
{
    arena_block *b = (arena_block *)((char *)data - offsetof(arena_block, data));
    if (a->head) { /* behind the block being filled, which stays the one allocated from */
        b->next = a->head->next;
        a->head->next = b;
    } else {
        b->next = NULL;
        a->head = b;
    }
}

void arena_reset(arena *a)
{
    while (a->head) {
        arena_block *b = a->head;
        a->head = b->next;
        b->next = a->spare;
        a->spare = b;
    }
}

void arena_free(arena *a)
{
    arena_reset(a);
    arena_block *b = a->spare;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->spare = NULL;
}

void sb_grow(sbuf *b, size_t more)
{
    if (b->n + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->n + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        abort();
    b->p = p;
    b->cap = cap;
}

void sb_int(sbuf *b, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[sizeof tmp - 1 - n++] = '-';
    sb_putn(b, tmp + sizeof tmp - n, (size_t)n);
}

/* Whether calc_vfmt formats fmt itself: every conversion one of its own. */
static bool fmt_simple(const char *f)
{
    for (; *f; f++) {
        if (*f != '%')
            continue;
        f++;
        if (*f == '%')
            continue;
        if (*f == '0')
            f++;
        while (*f >= '0' && *f <= '9')
            f++;
        if (*f == 'z' || *f == 'l')
            f += f[0] == 'l' && f[1] == 'l' ? 2 : 1;
        if (*f != 's' && *f != 'd' && *f != 'u')
            return false;
    }
    return true;
}

/* Appends n bytes of s at *at while they fit before cap - 1; counts them all. */
static void fmt_put(char *buf, size_t cap, size_t *at, const char *s, size_t n)
{
    if (*at + 1 < cap) {
        size_t room = cap - 1 - *at;
        memcpy(buf + *at, s, n < room ? n : room);
    }
    *at += n;
}

int calc_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
{
    if (!fmt_simple(fmt))
        return vsnprintf(buf, cap, fmt, ap);
    size_t at = 0;
    for (const char *f = fmt; *f;) {
        const char *lit = f;
        while (*f && *f != '%')
            f++;
        fmt_put(buf, cap, &at, lit, (size_t)(f - lit));
        if (!*f)
            break;
        f++;
        if (*f == '%') {
            fmt_put(buf, cap, &at, "%", 1);
            f++;
            continue;
        }
        bool zero = *f == '0';
        f += zero;
        int width = 0;
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        int len = 0; /* 1 l, 2 ll, 3 z */
        if (*f == 'z') {
            len = 3;
            f++;
        } else if (*f == 'l') {
            len = f[1] == 'l' ? 2 : 1;
            f += len;
        }
        char c = *f++, num[24];
        const char *s;
        size_t n;
        if (c == 's') {
            s = va_arg(ap, const char *);
            s = s ? s : "(null)"; /* as glibc's */
            n = strlen(s);
        } else {
            unsigned long long u;
            bool neg = false;
            if (c == 'd') {
                long long v = len == 2 ? va_arg(ap, long long)
                              : len == 1 ? va_arg(ap, long)
                              : len == 3 ? (long long)va_arg(ap, ptrdiff_t)
                                         : va_arg(ap, int);
                neg = v < 0;
                u = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            } else
                u = len == 2   ? va_arg(ap, unsigned long long)
                    : len == 1 ? va_arg(ap, unsigned long)
                    : len == 3 ? va_arg(ap, size_t)
                               : va_arg(ap, unsigned);
            char *p = num + sizeof num;
            do
                *--p = (char)('0' + u % 10);
            while (u /= 10);
            int digits = (int)(num + sizeof num - p), pad = width - digits - neg;
            if (neg && zero)
                fmt_put(buf, cap, &at, "-", 1);
            for (; pad > 0; pad--)
                fmt_put(buf, cap, &at, zero ? "0" : " ", 1);
            if (neg && !zero)
                fmt_put(buf, cap, &at, "-", 1);
            s = p;
            n = (size_t)digits;
        }
        if (c == 's')
            for (int pad = width - (int)n; pad > 0; pad--)
                fmt_put(buf, cap, &at, " ", 1);
        fmt_put(buf, cap, &at, s, n);
    }
    if (cap)
        buf[at < cap ? at : cap - 1] = 0;
    return (int)at;
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = calc_vfmt(small, sizeof small, fmt, ap);
    va_end(ap);
    sb_grow(b, (size_t)n);
    if ((size_t)n < sizeof small) {
        memcpy(b->p + b->n, small, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->n += (size_t)n;
}

/* Bytes that a JSON string must escape: control characters, quote and backslash. */
static const unsigned char json_esc[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

void sb_json_str(sbuf *b, const char *s)
{
    const char *end = s; /* json_esc[0] is set: the scan stops at the end too */
    while (!json_esc[(unsigned char)*end])
        end++;
    if (!*end) { /* nothing to escape, as most text: in one reservation */
        size_t n = (size_t)(end - s);
        if (b->n + n + 3 > b->cap)
            sb_grow(b, n + 2);
        char *o = b->p + b->n;
        o[0] = '"';
        memcpy(o + 1, s, n);
        o[n + 1] = '"';
        o[n + 2] = 0;
        b->n += n + 2;
        return;
    }
    SB_LIT(b, "\"");
    for (;;) {
        const char *run = s; /* json_esc[0] is set: the scan stops at the end too */
        while (!json_esc[(unsigned char)*s])
            s++;
        sb_putn(b, run, (size_t)(s - run));
        unsigned char c = (unsigned char)*s++;
        switch (c) {
        case 0: SB_LIT(b, "\""); return;
        case '"': SB_LIT(b, "\\\""); break;
        case '\\': SB_LIT(b, "\\\\"); break;
        case '\n': SB_LIT(b, "\\n"); break;
        case '\r': SB_LIT(b, "\\r"); break;
        case '\t': SB_LIT(b, "\\t"); break;
        default: sb_printf(b, "\\u%04x", c);
        }
    }
}

void sb_free(sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

int calc_read_file(const char *path, char **out, size_t *len, calc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot open %s: %s", path,
                              calc_msg_errno(errno));
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory reading %s", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap >= CALC_MAX_INPUT) {
                free(buf);
                fclose(f);
                return calc_error_set(err, CALC_ELIMIT, path, 0, 0,
                                      "file is larger than the limit of %zu bytes (--max-input)",
                                      CALC_MAX_INPUT);
            }
            cap *= 2;
            char *p = realloc(buf, cap + 1);
            if (!p) {
                free(buf);
                fclose(f);
                return calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
            }
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    int e = errno;
    fclose(f);
    if (bad) {
        free(buf);
        return calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot read %s: %s", path,
                              e == EISDIR ? calc_msg_arg("is a directory") : calc_msg_errno(e));
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

int calc_read_file_diag(const char *path, char **out, size_t *len, calc_diags *d)
{
    calc_error err;
    if (!calc_read_file(path, out, len, &err))
        return 0;
    calc_error *x = calc_diags_add(d);
    if (x)
        *x = err;
    return err.code;
}

/* ---- output files ---- */

/* The temporary files open now, for calc_out_abandon: a slot is set before the file exists and
 * cleared before its name is freed, so a signal handler only ever sees whole names. */
#define OUT_SLOTS 64
static char *volatile out_tmp[OUT_SLOTS];

static int slot_take(char *name)
{
    for (int i = 0; i < OUT_SLOTS; i++)
        if (!out_tmp[i] && __sync_bool_compare_and_swap(&out_tmp[i], NULL, name))
            return i;
    return -1;
}

void calc_out_abandon(void)
{
    for (int i = 0; i < OUT_SLOTS; i++) {
        char *n = out_tmp[i];
        if (n)
            unlink(n);
    }
}

int calc_out_open(calc_outfile *of, const char *path, FILE *err)
{
    memset(of, 0, sizeof *of);
    of->slot = -1;
    if (!path || strcmp(path, "-") == 0) {
        of->f = stdout;
        return 0;
    }
    of->final = path;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* a device or a pipe (/dev/null, /dev/stdout): written in place, never replaced */
        if (S_ISDIR(st.st_mode) || !(of->f = fopen(path, "wb"))) {
            diag_print(err, NULL, 0, "cannot write %s: %s", path,
                       S_ISDIR(st.st_mode) ? calc_msg_arg("is a directory")
                                           : calc_msg_errno(errno));
            return CALC_EIO;
        }
        return 0;
    }
    size_t n = strlen(path) + 32;
    of->tmp = malloc(n);
    if (!of->tmp)
        return CALC_ENOMEM;
    snprintf(of->tmp, n, "%s.tmp.XXXXXX", path);
    /* the name is listed before the file exists: an abandon in between removes nothing */
    of->slot = slot_take(of->tmp);
    int fd = mkstemp(of->tmp);
    int e = errno;
    if (fd >= 0) { /* the file gets the permissions the umask gives new files, not 0600 */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    if (fd < 0 || !(of->f = fdopen(fd, "wb"))) {
        if (fd >= 0) {
            e = errno;
            close(fd);
            unlink(of->tmp);
        }
        diag_print(err, NULL, 0, "cannot create %s: %s", path, calc_msg_errno(e));
        if (of->slot >= 0)
            out_tmp[of->slot] = NULL;
        free(of->tmp);
        of->tmp = NULL;
        return CALC_EIO;
    }
    return 0;
}

int calc_out_close(calc_outfile *of, bool keep, FILE *err)
{
    int e = 0, earlier = errno; /* a failed write earlier left its reason there */
    if (!of->f)
        return 0;
    if (fflush(of->f))
        e = errno ? errno : EIO;
    else if (ferror(of->f))
        e = earlier ? earlier : EIO;
    if (of->f != stdout && fclose(of->f) && !e)
        e = errno ? errno : EIO;
    of->f = NULL;
    if (of->tmp) {
        if (keep && !e && rename(of->tmp, of->final) != 0)
            e = errno;
        if (!keep || e)
            unlink(of->tmp);
        if (of->slot >= 0)
            out_tmp[of->slot] = NULL;
        free(of->tmp);
        of->tmp = NULL;
    }
    if (e)
        diag_print(err, NULL, 0, "cannot write %s: %s",
                   of->final ? of->final : calc_msg_arg("the output"), calc_msg_errno(e));
    return e ? CALC_EIO : 0;
}
