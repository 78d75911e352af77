/* server.c — `calc serve`: the engine over HTTP (libmicrohttpd): a JSON API for other systems
 * and a one-page web calculator for enterprises, both answered by one engine per worker
 * thread. Stateless: nothing a user sends is kept or logged beyond one access-log line without
 * the body. TLS and authentication belong to a reverse proxy in front. */
#include "engine.h"

#include <microhttpd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "web.h" /* index.html, app.js, app.css, example.yaml, openapi.json (generated) */

#define BODY_LIMIT (1024 * 1024)
#define ACTIVE_LIMIT 256 /* requests under way; more get 503 (connections: 1024) */

typedef struct server {
    const char *dir;
    calc_engine *first; /* loaded at start: its problems are reported before serving */
    pthread_mutex_t mu;
    calc_engine **engines;
    size_t nengines, capengines;
    volatile sig_atomic_t stop;
    int active;        /* requests under way (atomic) */
    int max_active;    /* more get 503 */
    double max_seconds; /* a request taking longer (a slow upload) gets 408 */
} server;

static server srv;
static __thread calc_engine *tl_engine;

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
        srv.capengines = srv.capengines ? srv.capengines * 2 : 8;
        srv.engines = realloc(srv.engines, srv.capengines * sizeof *srv.engines);
    }
    srv.engines[srv.nengines++] = e;
    pthread_mutex_unlock(&srv.mu);
    tl_engine = e;
    return e;
}

typedef struct request {
    sbuf body;
    bool too_big;
    bool busy;
    struct timespec t0;
} request;

static void headers(struct MHD_Response *r, const char *type)
{
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                            "base-uri 'none'; form-action 'self'");
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *type,
                                const void *data, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    headers(r, type);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, const sbuf *b)
{
    return send_buf(c, status, "application/json; charset=utf-8", b->p ? b->p : "", b->n);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    sbuf b = {0};
    sb_printf(&b, "{\"error\": {\"status\": %u, \"message\": ", status);
    sb_json_str(&b, msg);
    sb_puts(&b, "}}\n");
    enum MHD_Result r = send_json(c, status, &b);
    sb_free(&b);
    return r;
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

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **ptr)
{
    (void)cls;
    (void)version;
    request *r = *ptr;
    if (!r) {
        r = calloc(1, sizeof *r);
        clock_gettime(CLOCK_MONOTONIC, &r->t0);
        r->busy = __atomic_add_fetch(&srv.active, 1, __ATOMIC_RELAXED) > srv.max_active;
        *ptr = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (r->body.n + *upload_size > BODY_LIMIT)
            r->too_big = true;
        else
            sb_putn(&r->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->busy)
        return send_error(c, 503, "too many requests under way: try again shortly");
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((double)(now.tv_sec - r->t0.tv_sec) + (double)(now.tv_nsec - r->t0.tv_nsec) / 1e9 >
        srv.max_seconds)
        return send_error(c, 408, "the request took too long to arrive");
    if (r->too_big)
        return send_error(c, 413, "the body is larger than 1 MiB");
    return route(c, url, method, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **ptr,
                      enum MHD_RequestTerminationCode code)
{
    (void)cls;
    request *r = *ptr;
    if (!r)
        return;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
    double ms = (double)(t1.tv_sec - r->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e6;
    if (!getenv("CALC_SERVE_QUIET")) /* the access log: no body, no query values */
        fprintf(stderr, "calc serve: %u %.1f ms%s\n", ci ? ci->http_status : 0, ms,
                code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    __atomic_sub_fetch(&srv.active, 1, __ATOMIC_RELAXED);
    sb_free(&r->body);
    free(r);
    *ptr = NULL;
}

static void on_signal(int sig)
{
    (void)sig;
    srv.stop = 1;
}

int calc_serve(const char *dir, const char *bind, int port, int threads, FILE *err)
{
    calc_error e = {0};
    srv.dir = dir;
    pthread_mutex_init(&srv.mu, NULL);
    /* the limits; the environment may lower them (tests) */
    const char *ma = getenv("CALC_SERVE_MAX_ACTIVE"), *ms = getenv("CALC_SERVE_MAX_SECONDS");
    srv.max_active = ma && atoi(ma) > 0 ? atoi(ma) : ACTIVE_LIMIT;
    srv.max_seconds = ms && atof(ms) > 0 ? atof(ms) : 30.0;
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
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
        NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 2),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(err, "calc: error: cannot listen on %s:%d\n", bind, port);
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
        { struct timespec ts = {0, 100000000}; nanosleep(&ts, NULL); }
    /* drain: stop accepting, let requests under way finish */
    MHD_quiesce_daemon(d);
    for (int i = 0; i < 100; i++) {
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!di || di->num_connections == 0)
            break;
        { struct timespec ts = {0, 50000000}; nanosleep(&ts, NULL); }
    }
    MHD_stop_daemon(d);
    for (size_t i = 0; i < srv.nengines; i++)
        calc_engine_free(srv.engines[i]);
    free(srv.engines);
    calc_engine_free(srv.first);
    fprintf(err, "calc serve: stopped\n");
    return 0;
}
