/* reply.c — the look of the server's answers (reply.h). */
#include "reply.h"

#include "calc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const char *const reply_headers[REPLY_NHEADERS][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
};

bool mb_open(membuf *m)
{
    m->p = NULL;
    m->n = 0;
    m->f = open_memstream(&m->p, &m->n);
    return m->f != NULL;
}

bool mb_close(membuf *m)
{
    if (!m->f)
        return m->p != NULL;
    bool ok = !ferror(m->f);
    if (fclose(m->f) != 0)
        ok = false;
    m->f = NULL;
    return ok && m->p;
}

void mb_free(membuf *m)
{
    if (m->f)
        fclose(m->f);
    free(m->p);
    m->f = NULL;
    m->p = NULL;
    m->n = 0;
}

void json_str(FILE *out, const char *s)
{
    putc('"', out);
    for (;;) {
        const char *run = s;
        while (*s && *s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
            s++;
        if (s > run)
            fwrite(run, 1, (size_t)(s - run), out);
        unsigned char c = (unsigned char)*s++;
        switch (c) {
        case 0: putc('"', out); return;
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default: fprintf(out, "\\u%04x", c);
        }
    }
}

/* Whether the language tag t (n bytes) is lang ("zh", "zh-CN", "en-us"), in any case. */
static bool tag_is(const char *t, size_t n, const char *lang)
{
    return n >= 2 && (t[0] | 0x20) == lang[0] && (t[1] | 0x20) == lang[1] &&
           (n == 2 || t[2] == '-' || t[2] == '_');
}

/* A q-value "1", "0.8", "0.125" in thousandths; -1 when it is not one (RFC 9110 §12.4.2). */
static int qvalue(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1') || (n > 1 && s[1] != '.') || n > 5)
        return -1;
    int v = (s[0] - '0') * 1000, scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v += (s[i] - '0') * scale;
    }
    return v > 1000 ? -1 : v;
}

int reply_lang(const char *query_lang, const char *accept)
{
    if (query_lang)
        return strcmp(query_lang, "zh") == 0 ? CALC_LANG_ZH
               : strcmp(query_lang, "en") == 0 ? CALC_LANG_EN : -2;
    int best = CALC_LANG_ZH, bestq = 0;
    for (const char *p = accept; p && *p;) {
        size_t n = strcspn(p, ",");
        const char *item = p, *end = p + n;
        p = *end ? end + 1 : end;
        while (item < end && (*item == ' ' || *item == '\t'))
            item++;
        size_t tl = strcspn(item, " \t;,");
        if (item + tl > end)
            tl = (size_t)(end - item);
        int q = 1000;
        for (const char *s = item + tl; s < end; s++) { /* parameters: ";q=0.8" */
            if (*s != ';')
                continue;
            const char *v = s + 1;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            if (end - v >= 2 && (v[0] | 0x20) == 'q' && v[1] == '=') {
                size_t ql = strcspn(v + 2, " \t;,");
                if (v + 2 + ql > end)
                    ql = (size_t)(end - v - 2);
                q = qvalue(v + 2, ql);
            }
        }
        int lang = tag_is(item, tl, "zh") ? CALC_LANG_ZH
                   : tag_is(item, tl, "en") ? CALC_LANG_EN
                   : tl == 1 && item[0] == '*' ? CALC_LANG_ZH : -1;
        if (lang >= 0 && q > bestq) { /* the first of equals wins */
            best = lang;
            bestq = q;
        }
    }
    return best;
}

void error_body(FILE *out, unsigned status, int lang, const char *msg)
{
    const char *zh = calc_msg_text(msg, CALC_LANG_ZH), *en = msg;
    fprintf(out, "{\"error\": {\"status\": %u, \"message\": ", status);
    json_str(out, lang == CALC_LANG_EN ? en : zh);
    fputs(", \"zh\": {\"message\": ", out);
    json_str(out, zh);
    fputs("}, \"en\": {\"message\": ", out);
    json_str(out, en);
    fputs("}}}\n", out);
}

void raw_answer(int fd, unsigned status, const char *reason, const char *msg, int lang)
{
    membuf body, b;
    if (!mb_open(&body))
        return;
    error_body(body.f, status, lang, msg);
    if (!mb_close(&body) || !mb_open(&b)) {
        mb_free(&body);
        return;
    }
    fprintf(b.f, "HTTP/1.1 %u %s\r\nConnection: close\r\n"
                 "Content-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n",
            status, reason, body.n);
    for (size_t i = 0; i < REPLY_NHEADERS; i++)
        fprintf(b.f, "%s: %s\r\n", reply_headers[i][0], reply_headers[i][1]);
    fputs("\r\n", b.f);
    fwrite(body.p, 1, body.n, b.f);
    if (mb_close(&b)) {
        ssize_t n = send(fd, b.p, b.n, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)n;
    }
    mb_free(&b);
    mb_free(&body);
}
