/* reply.c — the look of the server's answers (reply.h). */
#include "reply.h"

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

void error_body(FILE *out, unsigned status, const char *msg)
{
    fprintf(out, "{\"error\": {\"status\": %u, \"message\": ", status);
    json_str(out, msg);
    fputs("}}\n", out);
}

void raw_answer(int fd, unsigned status, const char *reason, const char *msg)
{
    membuf body, b;
    if (!mb_open(&body))
        return;
    error_body(body.f, status, msg);
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
