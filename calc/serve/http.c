/* http.c — libmicrohttpd's request callbacks: framing, body, deadlines, the count of requests
 * under way, the access log (http.h). */
#include "http.h"

#include "api.h"
#include "conn.h"
#include "page.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool quiet; /* no access log; set before the daemon starts */

void http_init(bool q) { quiet = q; }

typedef struct request {
    char *body; /* NUL-terminated once anything arrived */
    size_t n, cap;
    bool too_big;
    double t0;  /* when the request began at the latest (its connection's clock) */
    double th;  /* when its headers were in: the access log's clock (a kept-alive connection idles) */
    conn *conn; /* NULL when the connection could not be tracked */
} request;

static bool body_put(request *r, const char *s, size_t n)
{
    if (r->n + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        while (cap < r->n + n + 1)
            cap *= 2;
        char *p = realloc(r->body, cap);
        if (!p)
            return false;
        r->body = p;
        r->cap = cap;
    }
    memcpy(r->body + r->n, s, n);
    r->n += n;
    r->body[r->n] = 0;
    return true;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               const void *data, size_t len, bool close)
{
    if (!conn_advance(C_SEND))
        return MHD_NO; /* the drain answered it already */
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    for (size_t i = 0; i < REPLY_NHEADERS; i++)
        MHD_add_response_header(r, reply_headers[i][0], reply_headers[i][1]);
    if (close)
        MHD_add_response_header(r, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result http_send(struct MHD_Connection *c, unsigned status, const char *type,
                          const void *data, size_t len)
{
    return respond(c, status, type, data, len, false);
}

int http_lang(struct MHD_Connection *c)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    int lang = reply_lang(q, al);
    return lang >= 0 ? lang : reply_lang(NULL, al);
}

static enum MHD_Result send_error_how(struct MHD_Connection *c, unsigned status,
                                      const char *msg, bool close)
{
    membuf m;
    if (!mb_open(&m))
        return MHD_NO;
    error_body(m.f, status, http_lang(c), msg);
    enum MHD_Result r = mb_close(&m) ? respond(c, status, "application/json; charset=utf-8",
                                               m.p, m.n, close)
                                     : MHD_NO;
    mb_free(&m);
    return r;
}

enum MHD_Result http_send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return send_error_how(c, status, msg, false);
}

/* An error answer that closes the connection after it. */
static enum MHD_Result send_error_close(struct MHD_Connection *c, unsigned status,
                                        const char *msg)
{
    return send_error_how(c, status, msg, true);
}

enum MHD_Result http_send_json(struct MHD_Connection *c, unsigned status, membuf *m)
{
    enum MHD_Result r = mb_close(m) ? http_send(c, status, "application/json; charset=utf-8",
                                                m->p, m->n)
                                    : http_send_error(c, 500, "out of memory");
    mb_free(m);
    return r;
}

/* ---- framing (RFC 9112 §6): a length two parsers could read differently is refused ---- */

typedef struct framing {
    int ncl, nte;
    unsigned long long cl;
    bool bad_name, bad_cl, bad_te;
} framing;

static bool tchar(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *val)
{
    framing *f = cls;
    (void)kind;
    if (!key || !*key)
        f->bad_name = true;
    for (const char *p = key ? key : ""; *p; p++)
        if (!tchar((unsigned char)*p))
            f->bad_name = true; /* e.g. "Transfer-Encoding : chunked", which MHD keeps */
    const char *v = val ? val : "";
    if (key && strcasecmp(key, "Content-Length") == 0) {
        unsigned long long n = 0;
        bool ok = *v != 0;
        for (const char *p = v; ok && *p; p++) {
            if (*p < '0' || *p > '9' || n > (ULLONG_MAX - 9) / 10)
                ok = false;
            else
                n = n * 10 + (unsigned)(*p - '0');
        }
        if (!ok || (f->ncl && n != f->cl))
            f->bad_cl = true;
        f->cl = n;
        f->ncl++;
    } else if (key && strcasecmp(key, "Transfer-Encoding") == 0) {
        if (f->nte++ || strcasecmp(v, "chunked") != 0)
            f->bad_te = true;
    }
    return MHD_YES;
}

/* What is wrong with the request's framing, or NULL. MHD itself answers 400 when the first
 * Content-Length is not a number; it reads the first of several, and a body of unknown length
 * until the connection closes when Transfer-Encoding is anything but chunked. */
static const char *framing_error(struct MHD_Connection *c, const char *version, framing *f)
{
    memset(f, 0, sizeof *f);
    MHD_get_connection_values(c, MHD_HEADER_KIND, framing_header, f);
    if (f->bad_name)
        return "a header name is not a token (whitespace before the colon?)";
    if (f->ncl && f->nte)
        return "both Content-Length and Transfer-Encoding: the length of the body is ambiguous";
    if (f->bad_te)
        return "Transfer-Encoding: only a single \"chunked\" is accepted";
    if (f->nte && version && strcmp(version, "HTTP/1.0") == 0)
        return "Transfer-Encoding in an HTTP/1.0 request";
    if (f->bad_cl)
        return "Content-Length: conflicting or invalid values";
    return NULL;
}

/* The query's parameters: each one the API knows (as_of, lang, explain), once; a misspelt
 * one (?asof=) would be ignored and the answer be for another date. */
typedef struct query_check {
    const char *seen[3];
    bool unknown, twice;
} query_check;

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    (void)value;
    query_check *q = cls;
    static const char *const known[] = {"as_of", "lang", "explain"};
    int k = 0;
    while (k < 3 && strcmp(key, known[k]) != 0)
        k++;
    if (k == 3)
        q->unknown = true;
    else if (q->seen[k])
        q->twice = true;
    else
        q->seen[k] = key;
    return MHD_YES;
}

/* The request has arrived whole: answer it. */
static enum MHD_Result answer(struct MHD_Connection *c, const char *url, const char *method,
                              request *r, bool counted)
{
    if (conn_expired(r->t0))
        return send_error_close(c, 408, REPLY_MSG_408);
    if (r->too_big)
        return http_send_error(c, 413, "the body is larger than 1 MiB");
    if (!counted)
        return http_send_error(c, 503, "too many requests under way: try again shortly");
    if (strncmp(url, "/api/", 5) == 0) {
        query_check q = {{NULL}, false, false};
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, &q);
        if (q.unknown)
            return http_send_error(c, 400, "unknown query parameter: the API takes as_of, lang "
                                           "and explain");
        if (q.twice)
            return http_send_error(c, 400, "a query parameter is given twice: give each once");
    }
    if (strncmp(url, "/api/", 5) == 0 &&
        reply_lang(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang"), NULL) == -2)
        return http_send_error(c, 400, "lang: expected zh or en");
    enum MHD_Result ret;
    if (page_route(c, url, method, &ret))
        return ret;
    return api_route(c, url, method, r->body ? r->body : "", r->n);
}

enum MHD_Result http_request(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **ptr)
{
    (void)cls;
    request *r = *ptr;
    if (!r) { /* the headers are in */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        conn *k = ci ? ci->socket_context : NULL;
        conn_bind(k);
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *ptr = r;
        r->conn = k;
        r->t0 = r->th = now_s();
        if (k && !conn_headers_in(k, &r->t0, http_lang(c)))
            return MHD_NO;
        framing f;
        const char *why = framing_error(c, version, &f);
        if (why) /* answered before the body: MHD reads nothing more from this connection */
            return send_error_close(c, 400, why);
        if (conn_expired(r->t0))
            return send_error_close(c, 408, REPLY_MSG_408);
        const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
        if (f.ncl && f.cl > HTTP_BODY_LIMIT && expect && strcasecmp(expect, "100-continue") == 0)
            return send_error_close(c, 413, "the body is larger than 1 MiB"); /* none sent yet */
        return MHD_YES;
    }
    conn_bind(r->conn);
    if (*upload_size) {
        if (conn_expired(r->t0)) { /* MHD cannot queue an answer now: write it, and close */
            if (r->conn)
                conn_late(r->conn);
            return MHD_NO;
        }
        if (conn_cut_off())
            return MHD_NO;
        if (r->n + *upload_size > HTTP_BODY_LIMIT)
            r->too_big = true; /* read on, then 413: a client sending its body may not read yet */
        else if (!body_put(r, upload, *upload_size))
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    /* arrived whole: evaluated now, counted as under way until answered */
    bool health = strcmp(url, "/healthz") == 0; /* never refused: health checks stay answerable */
    bool counted;
    if (!conn_eval_begin(r->conn, !health, &counted))
        return MHD_NO;
    enum MHD_Result ret = answer(c, url, method, r, counted);
    conn_eval_end(!health);
    return ret;
}

void http_completed(void *cls, struct MHD_Connection *c, void **ptr,
                    enum MHD_RequestTerminationCode code)
{
    (void)cls;
    request *r = *ptr;
    if (!r)
        return;
    double t1 = now_s();
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
    unsigned status = ci ? ci->http_status : 0;
    if (r->conn) { /* the next request's clock starts now */
        unsigned cut_status = conn_finish(r->conn, t1);
        if (!status)
            status = cut_status;
    }
    if (!quiet) /* the access log: no body, no query values */
        fprintf(stderr, "calc serve: %u %.1f ms%s\n", status, (t1 - r->th) * 1e3,
                code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    free(r->body);
    free(r);
    *ptr = NULL;
}
