/* msgs.c — the message catalogue's lookup and the formatting of a message in Chinese (msgs.h).
 * The table is built once, on first use, from the parts in msgcat_*.c; after that it is only
 * read, so any thread may look up. English is formatted by vsnprintf; Chinese by walking its
 * own format here, one conversion at a time, so that an argument made by calc_msg_arg can be
 * shown in its Chinese form. A pair whose formats differ in their conversions is left out of
 * the table (its Chinese would read the arguments wrongly): the English is used, and the
 * catalogue's test names it. */
#include "msgs.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const msg_pair *const parts[] = {msgcat_lua, msgcat_input, msgcat_rules, msgcat_run,
                                        msgcat_sheets, msgcat_batchreplay, msgcat_rulediff,
                                        msgcat_integrity, msgcat_book2, msgcat_ledger,
                                        msgcat_history};
#define NPARTS (sizeof parts / sizeof parts[0])

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const msg_pair **slots; /* open addressing by the English text; NULL: empty */
static size_t mask;

static uint64_t hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

const msg_pair *msg_at(size_t i)
{
    for (size_t k = 0; k < NPARTS; k++)
        for (const msg_pair *p = parts[k]; p->en; p++)
            if (i-- == 0)
                return p;
    return NULL;
}

static void build(void)
{
    size_t n = 0;
    while (msg_at(n))
        n++;
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    const msg_pair **v = calloc(cap, sizeof *v);
    if (!v)
        return; /* no memory: every message stays English */
    for (size_t k = 0; k < NPARTS; k++)
        for (const msg_pair *p = parts[k]; p->en; p++) {
            if (!p->zh || !msg_same_conversions(p->en, p->zh))
                continue;
            size_t i = (size_t)hash(p->en) & (cap - 1);
            while (v[i] && strcmp(v[i]->en, p->en) != 0) /* the first of duplicates stays */
                i = (i + 1) & (cap - 1);
            if (!v[i])
                v[i] = p;
        }
    mask = cap - 1;
    slots = v;
}

static const msg_pair *find(const char *en)
{
    pthread_once(&once, build);
    if (!slots || !en)
        return NULL;
    for (size_t i = (size_t)hash(en) & mask; slots[i]; i = (i + 1) & mask)
        if (strcmp(slots[i]->en, en) == 0)
            return slots[i];
    return NULL;
}

/* A message made without its Chinese form: said loudly when the program asks (the tests). */
static void missing(const char *en)
{
    if (calc_settings_get()->check_messages)
        fprintf(stderr, "calc: internal error: no Chinese form of the message \"%s\"\n", en);
}

const char *msg_zh(const char *en)
{
    const msg_pair *p = find(en);
    return p ? p->zh : NULL;
}

const char *msg_text(const char *en, int lang)
{
    if (lang != CALC_LANG_ZH || !en)
        return en;
    const char *zh = msg_zh(en);
    if (!zh)
        missing(en);
    return zh ? zh : en;
}

const char *calc_msg_text(const char *en, int lang)
{
    return msg_text(en, lang);
}

const char *calc_msg_arg(const char *en)
{
    const msg_pair *p = find(en);
    if (!p && en)
        missing(en);
    return p ? p->en : en;
}

const char *msg_ext(const char *s)
{
    const msg_pair *p = find(s);
    return p ? p->en : s;
}

const char *calc_msg_errno(int errnum)
{
    return msg_ext(strerror(errnum));
}

/* The Chinese form of a %s argument: the catalogue's, for the catalogue's own pointer only (a
 * profile's value that happens to read like a message is shown as it is). */
static const char *arg_zh(const char *s)
{
    const msg_pair *p = find(s);
    return p && p->en == s ? p->zh : s;
}

/* ---- conversions ---- */

typedef struct conv {
    size_t len;      /* bytes from '%' to the conversion letter, both included */
    int width, prec; /* -1: none, -2: '*' */
    char flags[6];
    char lenmod[3];  /* "", "h", "hh", "l", "ll", "z", "j", "t", "L" */
    char c;          /* the conversion letter, or '%' */
} conv;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The conversion at p (a '%'); false when it is none (that '%' is then a literal one). */
static bool parse_conv(const char *p, conv *cv)
{
    const char *q = p + 1;
    memset(cv, 0, sizeof *cv);
    cv->width = cv->prec = -1;
    if (*q == '%') {
        cv->c = '%';
        cv->len = 2;
        return true;
    }
    size_t nf = 0;
    while (*q && strchr("-+ #0", *q)) {
        if (nf < sizeof cv->flags - 1)
            cv->flags[nf++] = *q;
        q++;
    }
    if (*q == '*') {
        cv->width = -2;
        q++;
    } else if (is_digit(*q)) {
        cv->width = 0;
        for (; is_digit(*q); q++)
            cv->width = cv->width < 1000 ? cv->width * 10 + (*q - '0') : cv->width;
    }
    if (*q == '.') {
        q++;
        if (*q == '*') {
            cv->prec = -2;
            q++;
        } else {
            cv->prec = 0;
            for (; is_digit(*q); q++)
                cv->prec = cv->prec < 100000 ? cv->prec * 10 + (*q - '0') : cv->prec;
        }
    }
    static const char *const mods[] = {"hh", "ll", "h", "l", "z", "j", "t", "L"};
    for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++)
        if (strncmp(q, mods[i], strlen(mods[i])) == 0) {
            memcpy(cv->lenmod, mods[i], strlen(mods[i]));
            q += strlen(mods[i]);
            break;
        }
    if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
        return false;
    cv->c = *q++;
    cv->len = (size_t)(q - p);
    return true;
}

/* The next conversion from *p on (not "%%"), *p moved past it; false at the end. */
static bool next_conv(const char **p, conv *cv)
{
    for (const char *s = *p; (s = strchr(s, '%'));) {
        if (!parse_conv(s, cv)) {
            s++;
            continue;
        }
        s += cv->len;
        if (cv->c == '%')
            continue;
        *p = s;
        return true;
    }
    return false;
}

bool msg_same_conversions(const char *a, const char *b)
{
    conv x, y;
    for (;;) {
        bool ha = next_conv(&a, &x), hb = next_conv(&b, &y);
        if (!ha || !hb)
            return ha == hb;
        if (x.c != y.c || strcmp(x.lenmod, y.lenmod) != 0 || (x.width == -2) != (y.width == -2) ||
            (x.prec == -2) != (y.prec == -2))
            return false;
    }
}

/* ---- output into a fixed buffer ---- */

typedef struct out {
    char *p;
    size_t size, n; /* n: bytes wanted so far, may pass size - 1 */
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->n < o->size - 1) {
        size_t room = o->size - 1 - o->n;
        memcpy(o->p + o->n, s, n < room ? n : room);
    }
    o->n += n;
}

/* Ends the text: NUL-terminated, and when it was cut, cut before a partial UTF-8 character. */
static void finish(char *buf, size_t size, size_t wanted)
{
    if (wanted < size) {
        buf[wanted] = 0;
        return;
    }
    size_t n = size - 1, lead = n;
    while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xC0) == 0x80)
        lead--; /* lead: just past the last character's first byte */
    if (lead > 0) {
        unsigned char c = (unsigned char)buf[lead - 1];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (n - (lead - 1) < need)
            n = lead - 1;
    }
    buf[n] = 0;
}

/* The conversion cv as a printf spec with its width (-1: none) and precision (-1: none)
 * given, the integer ones with "ll" as their length (their argument is widened to long long). */
static void spec_of(char *s, size_t size, const conv *cv, bool left, int width, int prec,
                    bool ints)
{
    int n = snprintf(s, size, "%%%s%s", cv->flags, left && !strchr(cv->flags, '-') ? "-" : "");
    if (width >= 0 && n > 0 && (size_t)n < size)
        n += snprintf(s + n, size - (size_t)n, "%d", width);
    if (prec >= 0 && n > 0 && (size_t)n < size)
        n += snprintf(s + n, size - (size_t)n, ".%d", prec);
    if (n > 0 && (size_t)n < size)
        snprintf(s + n, size - (size_t)n, "%s%c", ints ? "ll" : cv->lenmod, cv->c);
}

/* zh formatted with ap into o: a conversion at a time, %s arguments in their Chinese form. */
static void format_zh(out *o, const char *zh, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    for (const char *p = zh; *p;) {
        if (*p != '%') {
            size_t n = strcspn(p, "%");
            put(o, p, n);
            p += n;
            continue;
        }
        conv cv;
        if (!parse_conv(p, &cv) || cv.c == '%') {
            put(o, "%", 1);
            p += cv.c == '%' ? 2 : 1;
            continue;
        }
        p += cv.len;
        bool left = strchr(cv.flags, '-') != NULL;
        int width = cv.width, prec = cv.prec;
        if (width == -2) { /* a negative '*' width is a '-' flag and its absolute value */
            int w = va_arg(aq, int);
            left |= w < 0;
            width = w < 0 ? (w < -200 ? 200 : -w) : w;
        }
        if (prec == -2) {
            int q = va_arg(aq, int);
            prec = q < 0 ? -1 : q;
        }
        width = width > 200 ? 200 : width;
        char spec[48], tmp[512];
        const char *m = cv.lenmod;
        int k = -1;
        switch (cv.c) {
        case 'd':
        case 'i': {
            long long v = strcmp(m, "l") == 0    ? va_arg(aq, long)
                          : strcmp(m, "ll") == 0 ? va_arg(aq, long long)
                          : strcmp(m, "z") == 0  ? (long long)va_arg(aq, size_t)
                          : strcmp(m, "j") == 0  ? (long long)va_arg(aq, intmax_t)
                          : strcmp(m, "t") == 0  ? (long long)va_arg(aq, ptrdiff_t)
                                                 : va_arg(aq, int);
            spec_of(spec, sizeof spec, &cv, left, width, prec, true);
            k = snprintf(tmp, sizeof tmp, spec, v);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            typedef unsigned long long ull;
            ull v = strcmp(m, "l") == 0    ? va_arg(aq, unsigned long)
                    : strcmp(m, "ll") == 0 ? va_arg(aq, ull)
                    : strcmp(m, "z") == 0  ? va_arg(aq, size_t)
                    : strcmp(m, "j") == 0  ? (ull)va_arg(aq, uintmax_t)
                    : strcmp(m, "t") == 0  ? (ull)va_arg(aq, ptrdiff_t)
                                           : va_arg(aq, unsigned);
            spec_of(spec, sizeof spec, &cv, left, width, prec, true);
            k = snprintf(tmp, sizeof tmp, spec, v);
            break;
        }
        case 'c':
            spec_of(spec, sizeof spec, &cv, left, width, -1, false);
            k = snprintf(tmp, sizeof tmp, spec, va_arg(aq, int));
            break;
        case 'p':
            spec_of(spec, sizeof spec, &cv, left, width, -1, false);
            k = snprintf(tmp, sizeof tmp, spec, va_arg(aq, void *));
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            spec_of(spec, sizeof spec, &cv, left, width, prec > 60 ? 60 : prec, false);
            if (strcmp(m, "L") == 0)
                k = snprintf(tmp, sizeof tmp, spec, va_arg(aq, long double));
            else
                k = snprintf(tmp, sizeof tmp, spec, va_arg(aq, double));
            break;
        case 's': {
            const char *s = va_arg(aq, const char *);
            s = s ? arg_zh(s) : "(null)";
            size_t n = strlen(s);
            if (prec >= 0 && (size_t)prec < n)
                n = (size_t)prec;
            size_t pad = width > 0 && (size_t)width > n ? (size_t)width - n : 0;
            for (size_t i = 0; !left && i < pad; i++)
                put(o, " ", 1);
            put(o, s, n);
            for (size_t i = 0; left && i < pad; i++)
                put(o, " ", 1);
            continue;
        }
        default: /* not a printf conversion: shown as written (its argument is unknown) */
            put(o, p - cv.len, cv.len);
            continue;
        }
        if (k > 0)
            put(o, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
    }
    va_end(aq);
}

void msg_vformat(char *buf, size_t size, int lang, const char *en, va_list ap)
{
    if (size == 0)
        return;
    const char *zh = lang == CALC_LANG_ZH ? msg_zh(en) : NULL;
    if (lang == CALC_LANG_ZH && !zh)
        missing(en);
    if (!zh) {
        va_list aq;
        va_copy(aq, ap);
        int n = vsnprintf(buf, size, en, aq);
        va_end(aq);
        finish(buf, size, n < 0 ? 0 : (size_t)n);
        return;
    }
    out o = {buf, size, 0};
    format_zh(&o, zh, ap);
    finish(buf, size, o.n);
}

char *calc_msg_vformat(char *buf, size_t size, int lang, const char *fmt, va_list ap)
{
    msg_vformat(buf, size, lang, fmt, ap);
    return buf;
}

char *calc_msg_format(char *buf, size_t size, int lang, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vformat(buf, size, lang, fmt, ap);
    va_end(ap);
    return buf;
}

/* ---- errors raised in policy scripts, read back ---- */

#define MAX_CAPS 8

typedef struct cap {
    const char *p;
    size_t n;
} cap;

/* Whether n bytes at t can be what conversion c printed. */
static bool conv_text(char c, const char *t, size_t n)
{
    if (c == 'c')
        return n == 1;
    if (c != 'd' && c != 'i' && c != 'I' && c != 'u' && c != 'f')
        return true;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(t[i]) && !(i == 0 && t[i] == '-' && n > 1) && !(c == 'f' && t[i] == '.'))
            return false;
    return n > 0;
}

/* Matches text t against format f (lua_pushfstring's and printf's conversions), each
 * conversion the shortest text that lets the rest match; its texts into caps. */
static bool match(const char *f, const char *t, cap *caps, int k)
{
    for (;;) {
        conv cv;
        if (*f == '%' && parse_conv(f, &cv)) {
            if (cv.c == '%') {
                if (*t != '%')
                    return false;
                f += 2;
                t++;
                continue;
            }
            if (k >= MAX_CAPS)
                return false;
            f += cv.len;
            size_t left = strlen(t);
            for (size_t n = cv.c == 's' ? 0 : 1; n <= left; n++) {
                if (!conv_text(cv.c, t, n)) {
                    if (cv.c == 's' || cv.c == 'c')
                        continue;
                    break; /* a number that stops being one does not become one again */
                }
                caps[k] = (cap){t, n};
                if (match(f, t + n, caps, k + 1))
                    return true;
            }
            return false;
        }
        if (*f != *t)
            return false;
        if (!*f)
            return true;
        f++;
        t++;
    }
}

static bool lua_message_zh(out *o, const char *t, int depth);

/* zh with each conversion replaced by the text its English counterpart matched; a %s text that
 * is itself a whole message of the catalogue (Lua's "bad argument #1 to 'yuan' (%s)" around
 * calc's own) in its Chinese form. */
static void compose(out *o, const char *zh, const cap *caps, int depth)
{
    int k = 0;
    for (const char *z = zh; *z;) {
        conv cv;
        if (*z == '%' && parse_conv(z, &cv)) {
            z += cv.len;
            if (cv.c == '%') {
                put(o, "%", 1);
                continue;
            }
            if (k >= MAX_CAPS)
                continue;
            char inner[512];
            bool nested = false;
            if (cv.c == 's' && depth < 2 && caps[k].n < sizeof inner) {
                memcpy(inner, caps[k].p, caps[k].n);
                inner[caps[k].n] = 0;
                size_t mark = o->n;
                nested = lua_message_zh(o, inner, depth + 1);
                if (!nested)
                    o->n = mark;
            }
            if (!nested)
                put(o, caps[k].p, caps[k].n);
            k++;
            continue;
        }
        size_t n = z[0] == '%' ? 1 : strcspn(z, "%");
        put(o, z, n);
        z += n;
    }
}

/* Bytes of f that are not conversions: a format with few of them would match any text. */
static size_t literal_bytes(const char *f)
{
    size_t n = 0;
    for (const char *p = f; *p;) {
        conv cv;
        if (*p == '%' && parse_conv(p, &cv)) {
            p += cv.len;
            continue;
        }
        n++;
        p++;
    }
    return n;
}

/* The Chinese form of a whole message into o, from the first format that matches it: those of
 * msgcat_lua first, then the rest of the catalogue (a script may raise calc's other messages,
 * a file it cannot read say); false when none does. */
static bool lua_message_zh(out *o, const char *t, int depth)
{
    for (size_t k = 0; k < NPARTS; k++)
        for (const msg_pair *p = parts[k]; p->en; p++) {
            cap caps[MAX_CAPS];
            if (p->zh && literal_bytes(p->en) >= 8 && msg_same_conversions(p->en, p->zh) &&
                match(p->en, t, caps, 0)) {
                compose(o, p->zh, caps, depth);
                return true;
            }
        }
    return false;
}

/* Past a position "x.lua:14: " or "x.lua: " at the start of t, or NULL when there is none. */
static const char *past_position(const char *t)
{
    size_t n = strcspn(t, " ");
    if (n < 2 || t[n - 1] != ':' || t[n] != ' ')
        return NULL;
    const char *lua = strstr(t, ".lua");
    return lua && lua < t + n ? t + n + 1 : NULL;
}

void msg_lua_zh(char *buf, size_t size, const char *text)
{
    if (size == 0)
        return;
    static const char frame[] = "\xE6\x94\xBF\xE7\xAD\x96\xE8\x84\x9A\xE6\x9C\xAC\xE9\x94\x99"
                                "\xE8\xAF\xAF\xEF\xBC\x9A"; /* 政策脚本错误： */
    out o = {buf, size, 0};
    put(&o, frame, sizeof frame - 1);
    for (const char *t = text; t; t = past_position(t)) {
        size_t mark = o.n;
        put(&o, text, (size_t)(t - text));
        if (lua_message_zh(&o, t, 0)) {
            finish(buf, size, o.n);
            return;
        }
        o.n = mark;
    }
    put(&o, text, strlen(text));
    finish(buf, size, o.n);
}

const char *msg_policy_error(char *buf, size_t size, const char *text, int lang)
{
    if (!text)
        text = "error";
    if (lang == CALC_LANG_EN)
        return text;
    msg_lua_zh(buf, size, text);
    return buf;
}
