/* server.c — `calc serve`: the engine over HTTP (libmicrohttpd): a JSON API for other systems
 * and a one-page web calculator for enterprises, both answered by one engine per worker
 * thread. Stateless: nothing a user sends is kept or logged beyond one access-log line without
 * the body. TLS and authentication belong to a reverse proxy in front.
 *
 * Slow and hostile clients: MHD's own timeout is an idle timeout, which a client sending a byte
 * every few seconds never reaches, so every connection is also in a table of our own with the
 * time its current request began (the connection's opening, or the end of the previous answer,
 * so headers are covered too); a reaper thread cuts off the requests that have not arrived whole
 * in time. A request counts against the limit of requests under way only while it is evaluated,
 * and /healthz never does. Requests whose framing is ambiguous (RFC 9112 §6) are refused with
 * 400 and the connection closed, so nothing pipelined behind them is read. SIGINT and SIGTERM
 * drain with a deadline. */
#include "engine.h"
#include "serve.h"

#include <microhttpd.h>
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "web.h" /* index.html, app.js, app.css, example.yaml, openapi.json (generated) */

#define BODY_LIMIT (1024 * 1024)
#define ACTIVE_LIMIT 256       /* requests being evaluated at once; more get 503 */
#define CONN_LIMIT 10000       /* open connections, if the process may open that many files */
#define FD_RESERVE 256         /* descriptors kept for everything but connections */
#define REQUEST_SECONDS 30.0   /* a request must have arrived whole this long after it began */
#define WALL_MS 10000L         /* wall-clock backstop of one policy call */
#define DRAIN_SECONDS 5.0      /* on SIGTERM, how long requests under way may take to finish */
#define IDLE_SECONDS 10u       /* MHD's timeout for a connection where nothing moves */

/* Where a connection is. Only the reaper and the drain cut connections off, and only in the
 * states where MHD is not writing to the socket (or its thread is stuck evaluating). */
enum cstate {
    C_HEAD, /* opened: the first request's headers are arriving (or nothing yet) */
    C_KEEP, /* kept alive after an answer, waiting for the next request */
    C_BODY, /* the headers are in, the body is arriving */
    C_EVAL, /* arrived whole: being evaluated */
    C_SEND, /* answered: MHD is sending the response */
    C_CUT   /* cut off: shut down, MHD closes it */
};

typedef struct conn {
    struct conn *prev, *next;
    int fd;
    enum cstate state;
    unsigned cut_status; /* the answer written when it was cut off (0: none), for the log */
    double t0; /* when the current request began at the latest; in C_SEND, when it was answered */
} conn;

typedef struct server {
    const char *dir;
    calc_engine *first; /* loaded at start: its problems are reported before serving */
    pthread_mutex_t mu;
    calc_engine **engines;
    size_t nengines, capengines;
    volatile sig_atomic_t stop;
    int max_active;       /* more requests than this evaluated at once get 503 */
    double max_seconds;   /* a request not arrived whole this long after it began gets 408 */
    double drain_seconds; /* SIGTERM: requests under way get this long to finish */
    long wall_ms;         /* the wall-clock limit of one policy call (calc_limits.wall_ms) */
    bool quiet;           /* no access log */
    struct MHD_Daemon *daemon;
    /* the connection table: everything below is under cmu */
    pthread_mutex_t cmu;
    conn *conns;
    int evaluating; /* callbacks inside the final handling of a request */
    int active;     /* of those, the ones that count against max_active (not /healthz) */
    bool draining, reaper_stop;
} server;

static server srv;
static __thread calc_engine *tl_engine;
static __thread conn *tl_conn; /* the connection whose callback runs on this thread */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static calc_engine *engine(void)
{
    if (tl_engine)
        return tl_engine;
    calc_error err = {0};
    calc_engine *e = calc_engine_new(srv.dir, &err);
    if (!e)
        return NULL;
    pthread_mutex_lock(&srv.mu);
    if (srv.nengines == srv.capengines) {
        size_t cap = srv.capengines ? srv.capengines * 2 : 8;
        calc_engine **v = realloc(srv.engines, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&srv.mu);
            calc_engine_free(e);
            return NULL;
        }
        srv.engines = v;
        srv.capengines = cap;
    }
    srv.engines[srv.nengines++] = e;
    pthread_mutex_unlock(&srv.mu);
    tl_engine = e;
    return e;
}

typedef struct request {
    sbuf body;
    bool too_big;
    double t0;  /* when the request began at the latest (its connection's clock) */
    double th;  /* when its headers were in: the access log's clock (a kept-alive connection idles) */
    conn *conn; /* NULL when the connection could not be tracked */
} request;

static const char *const sec_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
};

static void headers(struct MHD_Response *r, const char *type)
{
    MHD_add_response_header(r, "Content-Type", type);
    for (size_t i = 0; i < sizeof sec_headers / sizeof *sec_headers; i++)
        MHD_add_response_header(r, sec_headers[i][0], sec_headers[i][1]);
}

/* Moves this thread's connection to state s, unless it was cut off meanwhile: false then (the
 * callback returns MHD_NO and MHD closes it). */
static bool advance(enum cstate s)
{
    conn *k = tl_conn;
    if (!k)
        return true;
    pthread_mutex_lock(&srv.cmu);
    bool ok = k->state != C_CUT;
    if (ok) {
        k->state = s;
        if (s == C_SEND)
            k->t0 = now_s();
    }
    pthread_mutex_unlock(&srv.cmu);
    return ok;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               const void *data, size_t len, bool close)
{
    if (!advance(C_SEND))
        return MHD_NO; /* the drain answered it already */
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    headers(r, type);
    if (close)
        MHD_add_response_header(r, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *type,
                                const void *data, size_t len)
{
    return respond(c, status, type, data, len, false);
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, const sbuf *b)
{
    return send_buf(c, status, "application/json; charset=utf-8", b->p ? b->p : "", b->n);
}

static void error_body(sbuf *b, unsigned status, const char *msg)
{
    sb_printf(b, "{\"error\": {\"status\": %u, \"message\": ", status);
    sb_json_str(b, msg);
    sb_puts(b, "}}\n");
}

static enum MHD_Result send_error_how(struct MHD_Connection *c, unsigned status,
                                      const char *msg, bool close)
{
    sbuf b = {0};
    error_body(&b, status, msg);
    enum MHD_Result r =
        respond(c, status, "application/json; charset=utf-8", b.p ? b.p : "", b.n, close);
    sb_free(&b);
    return r;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return send_error_how(c, status, msg, false);
}

/* An error answer that closes the connection after it. */
static enum MHD_Result send_error_close(struct MHD_Connection *c, unsigned status,
                                        const char *msg)
{
    return send_error_how(c, status, msg, true);
}

static const char MSG_408[] = "the request took too long to arrive";
static const char MSG_STOPPING[] = "the server is stopping: try again shortly";

/* An error answer written straight to the socket, for a connection MHD cannot answer: it is
 * still receiving (MHD 0.9.75 queues responses only before or after the body), or its
 * evaluation is stuck while the server stops. Best effort: the socket is non-blocking and
 * nothing else is being written to it in those states. */
static void raw_answer(int fd, unsigned status, const char *reason, const char *msg)
{
    sbuf body = {0}, b = {0};
    error_body(&body, status, msg);
    sb_printf(&b, "HTTP/1.1 %u %s\r\nConnection: close\r\n"
                  "Content-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n",
              status, reason, body.n);
    for (size_t i = 0; i < sizeof sec_headers / sizeof *sec_headers; i++)
        sb_printf(&b, "%s: %s\r\n", sec_headers[i][0], sec_headers[i][1]);
    sb_puts(&b, "\r\n");
    sb_putn(&b, body.p, body.n);
    ssize_t n = send(fd, b.p, b.n, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)n;
    sb_free(&b);
    sb_free(&body);
}

/* Cuts a connection off (cmu held): an answer if status, then shutdown — never close: the
 * descriptor is MHD's, and MHD closes it only after telling us (MHD_CONNECTION_NOTIFY_CLOSED
 * comes first), so it cannot have been reused while it is in the table. */
static void cut(conn *k, unsigned status, const char *reason, const char *msg)
{
    if (status)
        raw_answer(k->fd, status, reason, msg);
    shutdown(k->fd, SHUT_RDWR);
    k->state = C_CUT;
    k->cut_status = status;
}

/* The reaper: every 100 ms, the requests past their deadline. An evaluation is left alone: the
 * instruction budget and the wall-clock limit bound it. */
static void *reaper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&srv.cmu);
    while (!srv.reaper_stop) {
        double now = now_s();
        for (conn *k = srv.conns; k; k = k->next) {
            if (now - k->t0 <= srv.max_seconds)
                continue;
            if (k->state == C_HEAD || k->state == C_BODY)
                cut(k, 408, "Request Timeout", MSG_408);
            else if (k->state == C_KEEP || k->state == C_SEND) /* idle, or an answer not taken */
                cut(k, 0, NULL, NULL);
        }
        pthread_mutex_unlock(&srv.cmu);
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&srv.cmu);
    }
    pthread_mutex_unlock(&srv.cmu);
    return NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn *k = ci ? calloc(1, sizeof *k) : NULL;
        if (!k)
            return; /* untracked: the handler keeps its own clock, MHD's idle timeout applies */
        k->fd = ci->connect_fd;
        k->t0 = now_s();
        k->state = C_HEAD;
        pthread_mutex_lock(&srv.cmu);
        k->next = srv.conns;
        if (srv.conns)
            srv.conns->prev = k;
        srv.conns = k;
        if (srv.draining) /* accepted as the drain began */
            cut(k, 0, NULL, NULL);
        pthread_mutex_unlock(&srv.cmu);
        *socket_context = k;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn *k = *socket_context;
        if (!k)
            return;
        pthread_mutex_lock(&srv.cmu);
        if (k->prev)
            k->prev->next = k->next;
        else
            srv.conns = k->next;
        if (k->next)
            k->next->prev = k->prev;
        pthread_mutex_unlock(&srv.cmu);
        free(k);
        *socket_context = NULL;
    }
}

static void diags_json(sbuf *b, const calc_diags *d)
{
    sb_puts(b, "{\"errors\": [");
    for (size_t i = 0; i < d->n; i++) {
        const calc_error *x = &d->v[i];
        sb_puts(b, i ? ", {\"path\": " : "{\"path\": ");
        sb_json_str(b, x->path);
        sb_puts(b, ", \"message\": ");
        sb_json_str(b, x->msg);
        sb_puts(b, ", \"hint\": ");
        sb_json_str(b, x->hint);
        sb_printf(b, ", \"line\": %u, \"column\": %u}", x->line, x->col);
    }
    sb_puts(b, "]}\n");
}

/* ---- schema and policies as JSON ---- */

static const char *const type_names[] = {"object", "list", "string", "int", "money", "date",
                                         "bool", "enum"};

static void schema_fields(sbuf *b, const snode *n, bool *first)
{
    for (size_t i = 0; i < n->nchild; i++) {
        const snode *c = n->child[i];
        if (c->type == T_OBJECT) {
            schema_fields(b, c, first);
            continue;
        }
        sb_puts(b, *first ? "{\"path\": " : ", {\"path\": ");
        *first = false;
        sb_json_str(b, c->path);
        sb_printf(b, ", \"type\": \"%s\"", type_names[c->type]);
        const snode *en = c->type == T_LIST && c->item && c->item->type == T_ENUM ? c->item : c;
        if (en->type == T_ENUM) {
            sb_puts(b, ", \"enum\": ");
            sb_json_str(b, en->en->name);
        }
        sb_puts(b, ", \"label\": ");
        sb_json_str(b, c->label ? c->label : c->name);
        sb_puts(b, ", \"zh\": ");
        sb_json_str(b, c->zh ? c->zh : "");
        sb_puts(b, ", \"en\": ");
        sb_json_str(b, c->en_text ? c->en_text : "");
        sb_puts(b, ", \"group\": ");
        const char *g = c->group;
        for (const snode *u = c->parent; !g && u; u = u->parent)
            g = u->group;
        sb_json_str(b, g ? g : "");
        sb_printf(b, ", \"required\": %s", c->required ? "true" : "false");
        if (c->has_min)
            sb_printf(b, ", \"min\": %lld", (long long)c->min);
        if (c->has_max)
            sb_printf(b, ", \"max\": %lld", (long long)c->max);
        if (c->has_default)
            sb_puts(b, c->type == T_LIST ? ", \"default\": []"
                       : c->type == T_BOOL ? ", \"default\": false"
                       : c->type == T_ENUM ? ", \"default\": \"none\""
                                           : ", \"default\": 0");
        sb_puts(b, "}");
        if (c->type == T_LIST && c->item && c->item->type == T_OBJECT)
            schema_fields(b, c->item, first);
    }
}

static void schema_json(sbuf *b, const calc_engine *e)
{
    sb_puts(b, "{\"fields\": [");
    bool first = true;
    schema_fields(b, e->ps.schema.root, &first);
    sb_puts(b, "], \"enums\": {");
    for (size_t i = 0; i < e->ps.schema.nenum; i++) {
        const enum_def *en = &e->ps.schema.enums[i];
        sb_puts(b, i ? ", " : "");
        sb_json_str(b, en->name);
        sb_puts(b, ": [");
        for (size_t k = 0; k < en->n; k++) {
            sb_puts(b, k ? ", {\"value\": " : "{\"value\": ");
            sb_json_str(b, en->values[k]);
            sb_puts(b, ", \"label\": ");
            sb_json_str(b, en->zh[k]);
            sb_puts(b, "}");
        }
        sb_puts(b, "]");
    }
    sb_printf(b, "}, \"policy_set\": \"sha256:%s\"}\n", e->set_fp);
}

static void policy_json(sbuf *b, const calc_engine *e, const policy *p, calc_date as_of, bool full)
{
    char d1[16], d2[16];
    sb_puts(b, "{\"id\": ");
    sb_json_str(b, p->id);
    sb_puts(b, ", \"title\": {\"zh\": ");
    sb_json_str(b, p->title_zh);
    sb_puts(b, ", \"en\": ");
    sb_json_str(b, p->title_en);
    sb_printf(b, "}, \"kind\": \"%s\"", p->kind == K_CASH ? "cash" : p->kind == K_IN_KIND
                                                                 ? "in_kind" : "match");
    if (p->error) {
        sb_puts(b, ", \"error\": ");
        sb_json_str(b, p->error);
        sb_puts(b, "}");
        return;
    }
    sb_printf(b, ", \"in_force\": [\"%s\", \"%s\"], \"in_force_on_date\": %s",
              calc_date_format(d1, p->from), calc_date_format(d2, p->to),
              as_of >= p->from && as_of <= p->to ? "true" : "false");
    sb_puts(b, ", \"group\": ");
    if (p->group >= 0)
        sb_json_str(b, e->ps.group[p->group].name);
    else
        sb_puts(b, "null");
    sb_puts(b, ", \"cap\": ");
    if (p->cap >= 0)
        sb_json_str(b, e->ps.cap[p->cap].name);
    else
        sb_puts(b, "null");
    sb_puts(b, ", \"pool\": ");
    if (p->pool >= 0)
        sb_json_str(b, e->ps.pool[p->pool].name);
    else
        sb_puts(b, "null");
    sb_printf(b, ", \"fingerprint\": \"sha256:%s\"", p->fp);
    if (full) {
        sb_puts(b, ", \"source\": {\"doc\": ");
        sb_json_str(b, p->src_doc);
        sb_puts(b, ", \"publisher\": ");
        sb_json_str(b, p->src_publisher ? p->src_publisher : "");
        sb_puts(b, ", \"date\": ");
        sb_json_str(b, p->src_date ? p->src_date : "");
        sb_puts(b, ", \"quote\": ");
        sb_json_str(b, p->src_quote);
        sb_puts(b, "}, \"amount_rule\": {\"zh\": ");
        sb_json_str(b, p->amount_zh ? p->amount_zh : "");
        sb_puts(b, ", \"en\": ");
        sb_json_str(b, p->amount_en ? p->amount_en : "");
        sb_puts(b, "}, \"conditions\": [");
        for (size_t i = 0; i < p->ncond; i++) {
            crec r;
            memset(&r, 0, sizeof r);
            r.c = &p->conds[i];
            r.pol = p;
            r.as_of = as_of;
            sbuf req = {0};
            crec_required(&req, &r);
            sb_puts(b, i ? ", {\"name\": " : "{\"name\": ");
            sb_json_str(b, p->conds[i].name);
            sb_puts(b, ", \"field\": ");
            sb_json_str(b, p->conds[i].field ? p->conds[i].field : "");
            sb_puts(b, ", \"required\": ");
            sb_json_str(b, req.p ? req.p : "");
            sb_puts(b, ", \"zh\": ");
            sb_json_str(b, p->conds[i].zh ? p->conds[i].zh : "");
            sb_puts(b, "}");
            sb_free(&req);
        }
        sb_puts(b, "], \"params\": [");
        for (size_t i = 0; i < p->nparam; i++) {
            const param *q = &p->params[i];
            char v[80];
            if (q->n)
                snprintf(v, sizeof v, "(%zu values)", q->n);
            else
                param_value(v, sizeof v, q->unit, q->value);
            sb_puts(b, i ? ", {\"name\": " : "{\"name\": ");
            sb_json_str(b, q->name);
            sb_puts(b, ", \"value\": ");
            sb_json_str(b, v);
            sb_printf(b, ", \"mark\": \"%s\"}", q->mark == 1 ? "seed" : "illustrative");
        }
        sb_puts(b, "]");
    }
    sb_puts(b, "}");
}

/* ---- handlers ---- */

static calc_date query_date(struct MHD_Connection *c, bool *bad)
{
    const char *s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "as_of");
    calc_date d = calc_date_today();
    *bad = s && calc_date_parse(&d, s, strlen(s));
    return d;
}

/* A profile from a request body: JSON (an object) or YAML. NULL with diags on error. */
static calc_profile *body_profile(calc_engine *e, const char *text, size_t len, calc_diags *d)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
        i++;
    if (i < len && text[i] == '{') {
        calc_profile *p = calloc(1, sizeof *p);
        p->file = "body";
        value *doc;
        if (calc_json_parse(&p->a, "body", 1, text, len, &doc, d) ||
            profile_from_value(p, &e->ps.schema, doc, d)) {
            calc_json_columns(d, 0, "body", 1, text, len);
            calc_profile_free(p);
            return NULL;
        }
        return p;
    }
    return calc_profile_parse(e, "body", text, len, d);
}

static enum MHD_Result eval_handler(struct MHD_Connection *c, calc_engine *e, request *r)
{
    bool bad;
    calc_date as_of = query_date(c, &bad);
    if (bad)
        return send_error(c, 400, "as_of: expected a date YYYY-MM-DD");
    const char *ex = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "explain");
    bool explain = ex && strcmp(ex, "0") != 0;
    calc_diags d = {0};
    calc_profile *p = body_profile(e, r->body.p ? r->body.p : "", r->body.n, &d);
    sbuf b = {0};
    enum MHD_Result ret;
    if (!p) {
        diags_json(&b, &d);
        ret = send_json(c, 422, &b);
    } else {
        calc_engine_set_explain(e, explain);
        calc_engine_set_conditions(e, 1);
        calc_result *res = calc_eval(e, p, as_of);
        if (explain) /* how to qualify re-evaluates: only when the explanation is asked for */
            calc_qualify(e, p, res);
        result_json(&b, e, res, true, explain);
        sb_puts(&b, "\n");
        ret = send_json(c, 200, &b);
        calc_result_free(res);
        calc_profile_free(p);
    }
    sb_free(&b);
    calc_diags_free(&d);
    return ret;
}

static enum MHD_Result whatif_handler(struct MHD_Connection *c, calc_engine *e, request *r)
{
    bool bad;
    calc_date as_of = query_date(c, &bad);
    if (bad)
        return send_error(c, 400, "as_of: expected a date YYYY-MM-DD");
    arena a = {0};
    calc_diags d = {0};
    value *doc = NULL;
    sbuf b = {0};
    enum MHD_Result ret;
    if (calc_json_parse(&a, "body", 1, r->body.p ? r->body.p : "", r->body.n, &doc, &d) ||
        doc->type != V_MAP) {
        if (!d.n)
            diag_at(&d, CALC_ESCHEMA, NULL, NULL, "{\"profile\": {…}, \"scenario\": {…}}",
                    "expected a JSON object");
        diags_json(&b, &d);
        ret = send_json(c, 422, &b);
        goto done;
    }
    value *prof = (value *)map_get(doc, "profile");
    const value *set = map_get(doc, "set"), *scen = map_get(doc, "scenario");
    /* field overrides {"path": value}: applied to the profile document */
    for (size_t i = 0; prof && set && set->type == V_MAP && i < set->n; i++) {
        sbuf arg = {0};
        sb_printf(&arg, "%s=", set->keys[i]->str);
        calc_json_write(&arg, set->items[i]);
        calc_apply_set(&a, prof, arg.p, &d);
        sb_free(&arg);
    }
    calc_profile *p = NULL;
    if (prof && !d.n) {
        p = calloc(1, sizeof *p);
        p->file = "body";
        if (profile_from_value(p, &e->ps.schema, prof, &d)) {
            calc_profile_free(p);
            p = NULL;
        }
    } else if (!prof)
        diag_at(&d, CALC_ESCHEMA, NULL, "profile", NULL, "the body needs a profile");
    calc_engine *se = NULL;
    if (p) {
        calc_error err = {0};
        se = calc_engine_new(srv.dir, &err); /* the scenario's own rules */
        for (size_t i = 0; se && scen && scen->type == V_MAP && i < scen->n; i++) {
            const value *v = scen->items[i];
            const char *k = scen->keys[i]->str;
            if (strcmp(k, "params") == 0 && v->type == V_MAP) {
                for (size_t j = 0; j < v->n; j++) {
                    sbuf arg = {0};
                    sb_printf(&arg, "%s=%s", v->keys[j]->str,
                              v->items[j]->type == V_SCALAR ? v->items[j]->str : "");
                    calc_engine_param(se, arg.p, &d);
                    sb_free(&arg);
                }
            } else if (strcmp(k, "off") == 0 && v->type == V_SEQ) {
                for (size_t j = 0; j < v->n; j++) {
                    int pi = v->items[j]->type == V_SCALAR
                                 ? policy_index(&se->ps, v->items[j]->str) : -1;
                    if (pi < 0)
                        diag_at(&d, CALC_ESCHEMA, NULL, "scenario.off", NULL,
                                "unknown policy '%s'",
                                v->items[j]->type == V_SCALAR ? v->items[j]->str : "?");
                    else
                        se->ps.pol[pi].off = true;
                }
            } else if (strcmp(k, "name") == 0 && v->type == V_SCALAR) {
                se->scenario_name = arena_strndup(&se->ps.a, v->str, v->len);
            }
        }
    }
    if (!p || !se || d.n) {
        diags_json(&b, &d);
        ret = send_json(c, 422, &b);
    } else {
        calc_result *res[2] = {calc_eval(e, p, as_of), calc_eval(se, p, as_of)};
        calc_engine *engs[2] = {e, se};
        char *mem = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&mem, &len);
        calc_compare_write(f, (const calc_engine *const *)engs, (const calc_result *const *)res, 2,
                           1, 0);
        fclose(f);
        ret = send_buf(c, 200, "application/json; charset=utf-8", mem, len);
        free(mem);
        calc_result_free(res[0]);
        calc_result_free(res[1]);
    }
    calc_engine_free(se);
    calc_profile_free(p);
done:
    sb_free(&b);
    calc_diags_free(&d);
    arena_free(&a);
    return ret;
}

static enum MHD_Result route(struct MHD_Connection *c, const char *url, const char *method,
                             request *r)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)
        return get ? send_buf(c, 200, "text/html; charset=utf-8", index_html, index_html_len)
                   : send_error(c, 405, "use GET");
    if (strcmp(url, "/favicon.ico") == 0)
        return send_buf(c, 204, "image/x-icon", "", 0);
    if (strcmp(url, "/app.js") == 0)
        return send_buf(c, 200, "text/javascript; charset=utf-8", app_js, app_js_len);
    if (strcmp(url, "/app.css") == 0)
        return send_buf(c, 200, "text/css; charset=utf-8", app_css, app_css_len);
    if (strcmp(url, "/api/v1/openapi.json") == 0)
        return send_buf(c, 200, "application/json; charset=utf-8", openapi_json,
                        openapi_json_len);
    calc_engine *e = engine();
    if (!e)
        return send_error(c, 500, "the policy set cannot be loaded");
    sbuf b = {0};
    enum MHD_Result ret;
    if (strcmp(url, "/healthz") == 0) {
        sb_printf(&b, "{\"status\": \"ok\", \"policy_set\": \"sha256:%s\", \"version\": \"%s\"}\n",
                  e->set_fp, CALC_VERSION);
        ret = send_json(c, 200, &b);
    } else if (strcmp(url, "/api/v1/schema") == 0) {
        if (!get)
            return send_error(c, 405, "use GET");
        schema_json(&b, e);
        ret = send_json(c, 200, &b);
    } else if (strcmp(url, "/api/v1/example") == 0) {
        calc_diags d = {0};
        calc_profile *p = calc_profile_parse(e, "example", (const char *)example_yaml,
                                             example_yaml_len, &d);
        calc_diags_free(&d);
        if (p)
            calc_profile_canonical(&b, p);
        calc_profile_free(p);
        ret = send_json(c, p ? 200 : 500, &b);
    } else if (strcmp(url, "/api/v1/policies") == 0) {
        if (!get)
            return send_error(c, 405, "use GET");
        bool bad;
        calc_date as_of = query_date(c, &bad);
        if (bad)
            return send_error(c, 400, "as_of: expected a date YYYY-MM-DD");
        sb_puts(&b, "{\"policies\": [");
        for (size_t i = 0; i < e->ps.n; i++) {
            if (i)
                sb_puts(&b, ", ");
            policy_json(&b, e, &e->ps.pol[i], as_of, false);
        }
        sb_printf(&b, "], \"policy_set\": \"sha256:%s\"}\n", e->set_fp);
        ret = send_json(c, 200, &b);
    } else if (strncmp(url, "/api/v1/policies/", 17) == 0) {
        int pi = policy_index(&e->ps, url + 17);
        bool bad;
        calc_date as_of = query_date(c, &bad);
        if (pi < 0)
            return send_error(c, 404, "no such policy");
        policy_json(&b, e, &e->ps.pol[pi], as_of, true);
        sb_puts(&b, "\n");
        ret = send_json(c, 200, &b);
    } else if (strcmp(url, "/api/v1/eval") == 0) {
        ret = post ? eval_handler(c, e, r) : send_error(c, 405, "use POST");
    } else if (strcmp(url, "/api/v1/whatif") == 0) {
        ret = post ? whatif_handler(c, e, r) : send_error(c, 405, "use POST");
    } else
        ret = send_error(c, 404, "not found");
    sb_free(&b);
    return ret;
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

static bool expired(const request *r) { return now_s() - r->t0 > srv.max_seconds; }

/* Whether this thread's connection was cut off (by the reaper or the drain). */
static bool cut_off(void)
{
    conn *k = tl_conn;
    if (!k)
        return false;
    pthread_mutex_lock(&srv.cmu);
    bool cutoff = k->state == C_CUT;
    pthread_mutex_unlock(&srv.cmu);
    return cutoff;
}

/* The request has arrived whole: answer it. */
static enum MHD_Result answer(struct MHD_Connection *c, const char *url, const char *method,
                              request *r, bool counted)
{
    if (expired(r))
        return send_error_close(c, 408, MSG_408);
    if (r->too_big)
        return send_error(c, 413, "the body is larger than 1 MiB");
    if (!counted)
        return send_error(c, 503, "too many requests under way: try again shortly");
    return route(c, url, method, r);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **ptr)
{
    (void)cls;
    request *r = *ptr;
    if (!r) { /* the headers are in */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        conn *k = ci ? ci->socket_context : NULL;
        tl_conn = k;
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *ptr = r;
        r->conn = k;
        r->t0 = r->th = now_s();
        if (k) {
            pthread_mutex_lock(&srv.cmu);
            bool cutoff = k->state == C_CUT;
            r->t0 = k->t0;
            if (!cutoff)
                k->state = C_BODY;
            pthread_mutex_unlock(&srv.cmu);
            if (cutoff)
                return MHD_NO;
        }
        framing f;
        const char *why = framing_error(c, version, &f);
        if (why) /* answered before the body: MHD reads nothing more from this connection */
            return send_error_close(c, 400, why);
        if (expired(r))
            return send_error_close(c, 408, MSG_408);
        const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
        if (f.ncl && f.cl > BODY_LIMIT && expect && strcasecmp(expect, "100-continue") == 0)
            return send_error_close(c, 413, "the body is larger than 1 MiB"); /* none sent yet */
        return MHD_YES;
    }
    tl_conn = r->conn;
    if (*upload_size) {
        if (expired(r)) { /* MHD cannot queue an answer now: write it, and close */
            conn *k = r->conn;
            if (k) {
                pthread_mutex_lock(&srv.cmu);
                if (k->state == C_BODY)
                    cut(k, 408, "Request Timeout", MSG_408);
                pthread_mutex_unlock(&srv.cmu);
            }
            return MHD_NO;
        }
        if (cut_off())
            return MHD_NO;
        if (r->body.n + *upload_size > BODY_LIMIT)
            r->too_big = true; /* read on, then 413: a client sending its body may not read yet */
        else
            sb_putn(&r->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    /* arrived whole: evaluated now, counted as under way until answered */
    bool health = strcmp(url, "/healthz") == 0; /* never refused: health checks stay answerable */
    conn *k = r->conn;
    pthread_mutex_lock(&srv.cmu);
    bool cutoff = k && k->state == C_CUT;
    bool counted = true;
    if (!cutoff) {
        if (k)
            k->state = C_EVAL;
        srv.evaluating++;
        if (!health)
            counted = ++srv.active <= srv.max_active;
    }
    pthread_mutex_unlock(&srv.cmu);
    if (cutoff)
        return MHD_NO;
    enum MHD_Result ret = answer(c, url, method, r, counted);
    pthread_mutex_lock(&srv.cmu);
    srv.evaluating--;
    if (!health)
        srv.active--;
    pthread_mutex_unlock(&srv.cmu);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **ptr,
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
    conn *k = r->conn;
    if (k) { /* the next request's clock starts now */
        pthread_mutex_lock(&srv.cmu);
        if (k->state != C_CUT) {
            k->state = C_KEEP;
            k->t0 = t1;
        } else if (!status)
            status = k->cut_status;
        pthread_mutex_unlock(&srv.cmu);
    }
    if (!srv.quiet) /* the access log: no body, no query values */
        fprintf(stderr, "calc serve: %u %.1f ms%s\n", status, (t1 - r->th) * 1e3,
                code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    sb_free(&r->body);
    free(r);
    *ptr = NULL;
}

/* libmicrohttpd's messages, at most 10 a second: every client that misbehaves makes one, and a
 * flood of them must not fill the log. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static double second;
    static int n;
    static long dropped;
    (void)cls;
    pthread_mutex_lock(&mu);
    double now = now_s();
    if (now - second >= 1.0) {
        if (dropped)
            fprintf(stderr, "calc serve: %ld libmicrohttpd messages not shown\n", dropped);
        second = now;
        n = 0;
        dropped = 0;
    }
    if (n++ < 10) {
        fputs("calc serve: libmicrohttpd: ", stderr);
        vfprintf(stderr, fmt, ap);
    } else
        dropped++;
    pthread_mutex_unlock(&mu);
}

static void on_signal(int sig)
{
    (void)sig;
    srv.stop = 1;
}

/* Connections the process may hold: the soft limit on descriptors is raised to what CONN_LIMIT
 * needs (at most the hard limit); FD_RESERVE stay for everything else. */
static unsigned conn_limit(void)
{
    struct rlimit rl;
    const rlim_t want = CONN_LIMIT + FD_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024 - FD_RESERVE;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        struct rlimit nl = rl;
        nl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
        if (setrlimit(RLIMIT_NOFILE, &nl) == 0)
            rl.rlim_cur = nl.rlim_cur;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return CONN_LIMIT;
    return rl.rlim_cur > 2 * FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE)
                                        : (unsigned)(rl.rlim_cur / 2);
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void calc_serve_defaults(calc_serve_opts *o)
{
    memset(o, 0, sizeof *o);
    o->bind = "127.0.0.1";
    o->port = 8080;
    o->threads = 2;
    o->max_seconds = REQUEST_SECONDS;
    o->max_active = ACTIVE_LIMIT;
    o->wall_ms = WALL_MS;
    o->drain_seconds = DRAIN_SECONDS;
}

int calc_serve(const calc_serve_opts *o, FILE *err)
{
    calc_error e = {0};
    const char *dir = o->dir, *bind = o->bind ? o->bind : "127.0.0.1";
    int port = o->port, threads = o->threads;
    srv.dir = dir;
    srv.quiet = o->quiet;
    pthread_mutex_init(&srv.mu, NULL);
    pthread_mutex_init(&srv.cmu, NULL);
    srv.max_active = o->max_active > 0 ? o->max_active : ACTIVE_LIMIT;
    srv.max_seconds = o->max_seconds > 0 ? o->max_seconds : REQUEST_SECONDS;
    srv.drain_seconds = o->drain_seconds >= 0 ? o->drain_seconds : DRAIN_SECONDS;
    srv.wall_ms = o->wall_ms >= 0 ? o->wall_ms : WALL_MS;
    calc_limits lim = *calc_limits_get();
    lim.wall_ms = srv.wall_ms; /* before any engine exists */
    if (calc_limits_set(&lim, &e)) {
        calc_error_print(err, &e);
        return CALC_EXIT_USAGE;
    }
    srv.first = calc_engine_new(dir, &e);
    if (!srv.first) {
        calc_error_print(err, &e);
        return calc_exit_status(e.code);
    }
    calc_diags_print(err, calc_engine_diags(srv.first));
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
        fprintf(err, "calc: error: --bind: expected an IPv4 address, got '%s'\n", bind);
        calc_engine_free(srv.first);
        return CALC_EXIT_USAGE;
    }
    unsigned nthreads = (unsigned)(threads > 0 ? threads : 2), limit = conn_limit();
    if (limit < nthreads)
        limit = nthreads;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
        NULL, handler, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, nthreads,
        MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_CONNECTION_TIMEOUT, IDLE_SECONDS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(err, "calc: error: cannot listen on %s:%d\n", bind, port);
        calc_engine_free(srv.first);
        return CALC_EXIT_USAGE;
    }
    srv.daemon = d;
    pthread_t reaper_thread;
    if (pthread_create(&reaper_thread, NULL, reaper, NULL) != 0) {
        fprintf(err, "calc: error: cannot start the deadline thread\n");
        MHD_stop_daemon(d);
        calc_engine_free(srv.first);
        return CALC_EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(err, "calc serve: listening on http://%s:%d/ (policy set sha256:%.12s…)\n", bind,
            port, srv.first->set_fp);
    while (!srv.stop)
        nap(100);
    /* drain: stop accepting, close idle connections, give the requests under way (arriving,
     * evaluated or being sent) drain_seconds, then answer what is left 503 and go */
    double t_stop = now_s();
    MHD_socket lfd = MHD_quiesce_daemon(d);
    int busy;
    for (;;) {
        pthread_mutex_lock(&srv.cmu);
        srv.draining = true;
        busy = 0;
        for (conn *k = srv.conns; k; k = k->next)
            if (k->state == C_HEAD || k->state == C_KEEP)
                cut(k, 0, NULL, NULL); /* nothing under way */
            else if (k->state != C_CUT)
                busy++;
        pthread_mutex_unlock(&srv.cmu);
        if (!busy || now_s() - t_stop >= srv.drain_seconds)
            break;
        nap(20);
    }
    pthread_mutex_lock(&srv.cmu);
    int left = 0;
    for (conn *k = srv.conns; k; k = k->next) {
        if (k->state == C_BODY || k->state == C_EVAL)
            cut(k, 503, "Service Unavailable", MSG_STOPPING);
        else if (k->state == C_SEND)
            cut(k, 0, NULL, NULL);
        else
            continue;
        left++;
    }
    int stuck = srv.evaluating; /* nothing starts evaluating once its connection is cut */
    srv.reaper_stop = true;
    pthread_mutex_unlock(&srv.cmu);
    pthread_join(reaper_thread, NULL);
    if (left)
        fprintf(err, "calc serve: %d request%s not finished within %g s: answered 503\n", left,
                left == 1 ? "" : "s", srv.drain_seconds);
    if (stuck) {
        /* a thread is still inside an evaluation: MHD_stop_daemon would wait for it. Leave the
         * daemon and the engines as they are (the process is ending) */
        fprintf(err, "calc serve: stopped (%d evaluation%s abandoned)\n", stuck,
                stuck == 1 ? "" : "s");
        return 0;
    }
    MHD_stop_daemon(d);
    srv.daemon = NULL;
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    for (size_t i = 0; i < srv.nengines; i++)
        calc_engine_free(srv.engines[i]);
    free(srv.engines);
    calc_engine_free(srv.first);
    fprintf(err, "calc serve: stopped\n");
    return 0;
}
