/* textdec.c — the text of a CSV input as UTF-8, one line at a time: read in blocks and, when
 * the input is GBK or GB18030, decoded with glibc's iconv, a character cut by the end of a
 * block kept for the next one. When no encoding is given it is found: UTF-8 when every byte
 * is (a UTF-8 BOM is UTF-8), else GB18030 when the whole input decodes as GB18030 (GBK is
 * part of it), else neither — read as whichever of the two went further, and the reader
 * (csvin.c) stops at the first cell that is neither. A seekable input is scanned whole first;
 * a pipe is judged by its first MiB, kept to be read. Bytes that do not decode are passed
 * through unchanged, so that the cell holding them is an error (never a character made up).
 * Memory: a block, the line being cut and a pipe's first MiB. YAML and JSON never come here. */
#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort(); /* as arena_alloc does when memory runs out */
    return q;
}

const char *textdec_name(int enc)
{
    return enc == CALC_ENC_GBK ? "GBK" : enc == CALC_ENC_GB18030 ? "GB18030" : "UTF-8";
}

/* The length of the UTF-8 character at s (n bytes left; no overlong forms, surrogates or code
 * points past U+10FFFF), or 0; *cut when s is the start of one that n ends. */
static size_t utf8_char(const unsigned char *s, size_t n, bool *cut)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    for (size_t i = 1; i < k; i++) {
        if (i >= n) {
            *cut = true;
            return 0;
        }
        /* the second byte's range excludes the overlong forms and the surrogates */
        unsigned lo = i > 1 ? 0x80 : c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        unsigned hi = i > 1 ? 0xBF : c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        if (s[i] < lo || s[i] > hi)
            return 0;
    }
    return k;
}

size_t utf8_valid(const unsigned char *s, size_t n, bool *cut)
{
    size_t i = 0;
    *cut = false;
    while (i < n) {
        uint64_t w = 0x80;
        if (n - i >= 8)
            memcpy(&w, s + i, 8);
        if (!(w & 0x8080808080808080ULL)) {
            i += 8; /* eight ASCII bytes at once: most of a spreadsheet */
            continue;
        }
        size_t k = utf8_char(s + i, n - i, cut);
        if (!k)
            return i;
        i += k;
    }
    return i;
}

/* ---- which encoding: a seekable input scanned whole, a pipe by its first MiB ---- */

/* How far n bytes at s decode as GB18030 (through cd, out as scratch): n when all of them do,
 * less at the first that does not; *cut when they stop at a character the end cuts. */
static size_t gb_valid(iconv_t cd, char *s, size_t n, char *out, size_t outcap, bool *cut)
{
    char *ip = s;
    size_t il = n;
    *cut = false;
    while (il) {
        char *op = out;
        size_t ol = outcap;
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        *cut = errno == EINVAL;
        break;
    }
    return (size_t)(ip - s);
}

/* Whether all of f from where it is decodes (utf8: as UTF-8, else as GB18030 through cd);
 * *bad is the offset of the first byte that does not. */
static bool scan(FILE *f, bool utf8, iconv_t cd, char *buf, char *out, long long *bad)
{
    size_t keep = 0;
    long long off = 0;
    if (!utf8)
        iconv(cd, NULL, NULL, NULL, NULL);
    for (;;) {
        size_t got = fread(buf + keep, 1, TEXT_BLOCK - keep, f);
        size_t n = keep + got;
        bool cut;
        size_t v = utf8 ? utf8_valid((unsigned char *)buf, n, &cut)
                        : gb_valid(cd, buf, n, out, 2 * TEXT_BLOCK, &cut);
        if (v < n && (!cut || !got)) { /* a byte that does not decode, or a character cut */
            *bad = off + (long long)v;  /* by the end of the input */
            return false;
        }
        if (!got)
            return true;
        keep = n - v;
        memmove(buf, buf + v, keep);
        off += (long long)v;
    }
}

/* Finds the encoding of in's text (t->enc, t->neither) without consuming it. */
static void detect(calc_input *in, textdec *t, iconv_t gb)
{
    long start = ftell(in->f);
    bool seekable = start >= 0 && fseek(in->f, start, SEEK_SET) == 0;
    bool utf8, gbok;
    long long bad8 = 0, badgb = 0;
    if (seekable) {
        char *buf = malloc(TEXT_BLOCK), *out = malloc(2 * TEXT_BLOCK);
        if (!buf || !out)
            abort();
        utf8 = scan(in->f, true, gb, buf, out, &bad8);
        gbok = false;
        if (!utf8) {
            clearerr(in->f);
            fseek(in->f, start, SEEK_SET);
            gbok = scan(in->f, false, gb, buf, out, &badgb);
        }
        clearerr(in->f);
        fseek(in->f, start, SEEK_SET);
        free(buf);
        free(out);
    } else { /* a pipe: its first MiB decides, and is kept to be read */
        t->raw = xrealloc(t->raw, TEXT_WINDOW);
        t->rcap = TEXT_WINDOW;
        while (t->rlen < TEXT_WINDOW && !t->reof) {
            size_t got = fread(t->raw + t->rlen, 1, TEXT_WINDOW - t->rlen, in->f);
            t->rlen += got;
            t->reof = got == 0;
        }
        bool cut;
        size_t v = utf8_valid((unsigned char *)t->raw, t->rlen, &cut);
        utf8 = v == t->rlen || (cut && !t->reof);
        bad8 = (long long)v;
        gbok = false;
        if (!utf8) {
            size_t cap = 2 * t->rlen + 16;
            char *out = malloc(cap), *copy = malloc(t->rlen + 1);
            if (!out || !copy)
                abort();
            memcpy(copy, t->raw, t->rlen); /* iconv reads through a char ** */
            iconv(gb, NULL, NULL, NULL, NULL);
            v = gb_valid(gb, copy, t->rlen, out, cap, &cut);
            gbok = v == t->rlen || (cut && !t->reof);
            badgb = (long long)v;
            free(out);
            free(copy);
        }
    }
    t->enc = utf8 ? CALC_ENC_UTF8 : gbok ? CALC_ENC_GB18030
             : badgb > bad8 ? CALC_ENC_GB18030 : CALC_ENC_UTF8;
    t->neither = !utf8 && !gbok;
}

void textdec_start(calc_input *in, int asked)
{
    textdec *t = &in->dec;
    t->asked = asked;
    t->enc = asked ? asked : CALC_ENC_UTF8;
    t->cd = (iconv_t)-1;
    iconv_t gb = (iconv_t)-1;
    if (asked == CALC_ENC_AUTO || asked == CALC_ENC_GB18030 || asked == CALC_ENC_GBK) {
        gb = iconv_open("UTF-8", asked == CALC_ENC_GBK ? "GBK" : "GB18030");
        if (gb == (iconv_t)-1) {
            calc_error_set(&t->err, CALC_EIO, NULL, 0, 0,
                           "%s: cannot read %s text: this system's iconv has no %s (%s)",
                           in->path, textdec_name(asked ? asked : CALC_ENC_GB18030),
                           textdec_name(asked ? asked : CALC_ENC_GB18030), strerror(errno));
            t->failed = true;
            return;
        }
    }
    if (asked == CALC_ENC_AUTO)
        detect(in, t, gb);
    if (t->enc != CALC_ENC_UTF8) {
        t->cd = gb;
        iconv(gb, NULL, NULL, NULL, NULL);
    } else if (gb != (iconv_t)-1)
        iconv_close(gb);
}

void textdec_close(textdec *t)
{
    if (t->cd != (iconv_t)-1 && t->cd)
        iconv_close(t->cd);
    t->cd = (iconv_t)-1;
    free(t->raw);
    free(t->txt);
    t->raw = t->txt = NULL;
}

/* Decodes what raw holds into txt; a character the end of raw cuts waits for the next block,
 * unless the input has ended; a byte that does not decode is passed through as it is. */
static void decode(textdec *t)
{
    size_t n = t->rlen - t->rpos;
    if (t->tcap - t->tlen < 2 * n + 16) {
        t->tcap = t->tlen + 2 * n + 16 > 2 * t->tcap ? t->tlen + 2 * n + 16 : 2 * t->tcap;
        t->txt = xrealloc(t->txt, t->tcap);
    }
    if (t->cd == (iconv_t)-1) { /* UTF-8: as it is (lines are cut at '\n', never in a
                                 * character) */
        memcpy(t->txt + t->tlen, t->raw + t->rpos, n);
        t->tlen += n;
        t->rpos = t->rlen;
        return;
    }
    while (t->rpos < t->rlen) {
        char *ip = t->raw + t->rpos, *op = t->txt + t->tlen;
        size_t il = t->rlen - t->rpos, ol = t->tcap - t->tlen - 1;
        size_t r = iconv(t->cd, &ip, &il, &op, &ol);
        int why = r == (size_t)-1 ? errno : 0;
        t->rpos = (size_t)(ip - t->raw);
        t->tlen = (size_t)(op - t->txt);
        if (!why)
            break;
        if (why == E2BIG) { /* cannot happen with 2 bytes out for each byte in; grow anyway */
            t->tcap *= 2;
            t->txt = xrealloc(t->txt, t->tcap);
            continue;
        }
        if (why == EINVAL && !t->reof)
            break; /* the rest of the character comes with the next block */
        t->txt[t->tlen++] = t->raw[t->rpos++]; /* not GB: the cell holding it is an error */
    }
}

ssize_t textdec_line(calc_input *in, char **line)
{
    textdec *t = &in->dec;
    for (;;) {
        char *s = t->txt ? t->txt + t->tpos : NULL; /* nothing read yet: no buffer */
        size_t avail = t->tlen - t->tpos;
        char *nl = avail ? memchr(s, '\n', avail) : NULL;
        bool drained = t->reof && t->rpos == t->rlen;
        if (nl || (drained && avail)) {
            size_t n = nl ? (size_t)(nl - s) + 1 : avail;
            t->tpos += n;
            *line = s;
            return (ssize_t)n;
        }
        if (drained)
            return -1;
        if (avail > CALC_MAX_INPUT) { /* longer than a record may be: the input ends here */
            in->long_line = in->line + 1;
            in->long_len = avail;
            return -1;
        }
        if (avail) /* keep the line begun, read on */
            memmove(t->txt, s, avail);
        t->tpos = 0;
        t->tlen = avail;
        if (!t->reof) {
            size_t rest = t->rlen - t->rpos;
            if (rest)
                memmove(t->raw, t->raw + t->rpos, rest);
            t->rpos = 0;
            t->rlen = rest;
            if (t->rcap < rest + TEXT_BLOCK) {
                t->rcap = rest + TEXT_BLOCK;
                t->raw = xrealloc(t->raw, t->rcap);
            }
            size_t got = fread(t->raw + t->rlen, 1, TEXT_BLOCK, in->f);
            t->rlen += got;
            t->reof = got == 0;
        }
        decode(t);
    }
}

long long textdec_ahead(const textdec *t)
{
    return (long long)(t->rlen - t->rpos) +
           (t->cd == (iconv_t)-1 ? (long long)(t->tlen - t->tpos) : 0);
}
