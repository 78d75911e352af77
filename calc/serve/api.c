/* api.c — the JSON API and the engines of the worker threads (api.h). */
#include "api.h"

#include "http.h"
#include "page.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* the engines: one a worker thread, created on its first request; all under mu */
static const char *dir;
static calc_engine *first; /* loaded at start: its problems are reported before serving */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static calc_engine **engines;
static size_t nengines, capengines;
static __thread calc_engine *tl_engine;

const calc_engine *api_start(const char *d, calc_error *err)
{
    dir = d;
    first = calc_engine_new(dir, err);
    return first;
}

void api_stop(void)
{
    for (size_t i = 0; i < nengines; i++)
        calc_engine_free(engines[i]);
    free(engines);
    engines = NULL;
    nengines = capengines = 0;
    calc_engine_free(first);
    first = NULL;
}

static calc_engine *engine(void)
{
    if (tl_engine)
        return tl_engine;
    calc_error err = {0};
    calc_engine *e = calc_engine_new(dir, &err);
    if (!e)
        return NULL;
    pthread_mutex_lock(&mu);
    if (nengines == capengines) {
        size_t cap = capengines ? capengines * 2 : 8;
        calc_engine **v = realloc(engines, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&mu);
            calc_engine_free(e);
            return NULL;
        }
        engines = v;
        capengines = cap;
    }
    engines[nengines++] = e;
    pthread_mutex_unlock(&mu);
    tl_engine = e;
    return e;
}

static enum MHD_Result out_of_memory(struct MHD_Connection *c)
{
    return http_send_error(c, 500, "out of memory");
}

static const char BAD_AS_OF[] = "as_of: expected a date YYYY-MM-DD";

static calc_date query_date(struct MHD_Connection *c, bool *bad)
{
    const char *s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "as_of");
    calc_date d = calc_date_today();
    *bad = s && calc_date_parse(&d, s, strlen(s));
    return d;
}

/* {"errors": [{path, message, hint, line, column, zh: {message, hint}, en: {…}}]} and a
 * newline: message and hint in lang, and in each language under its name; when collecting
 * stopped at the limit, "truncated": true and a note saying so. */
static void diags_json(FILE *out, const calc_diags *d, int lang)
{
    fputs("{\"errors\": [", out);
    for (size_t i = 0; i < d->n; i++) {
        const calc_error *x = &d->v[i];
        fputs(i ? ", {\"path\": " : "{\"path\": ", out);
        json_str(out, x->path);
        fputs(", \"message\": ", out);
        json_str(out, calc_error_text(x, lang));
        fputs(", \"hint\": ", out);
        json_str(out, calc_error_hint_text(x, lang));
        fprintf(out, ", \"line\": %u, \"column\": %u", x->line, x->col);
        static const char *const names[] = {"zh", "en"};
        for (int l = CALC_LANG_ZH; l <= CALC_LANG_EN; l++) {
            fprintf(out, ", \"%s\": {\"message\": ", names[l]);
            json_str(out, calc_error_text(x, l));
            fputs(", \"hint\": ", out);
            json_str(out, calc_error_hint_text(x, l));
            fputs("}", out);
        }
        fputs("}", out);
    }
    fputs("]", out);
    if (d->dropped) { /* more than were collected: said, in both languages as every message */
        static const char *const names[] = {"zh", "en"};
        char m[200];
        calc_msg_format(m, sizeof m, lang, "stopped after %zu errors", d->n);
        fputs(", \"truncated\": true, \"note\": {\"message\": ", out);
        json_str(out, m);
        for (int l = CALC_LANG_ZH; l <= CALC_LANG_EN; l++) {
            calc_msg_format(m, sizeof m, l, "stopped after %zu errors", d->n);
            fprintf(out, ", \"%s\": {\"message\": ", names[l]);
            json_str(out, m);
            fputs("}", out);
        }
        fputs("}", out);
    }
    fputs("}\n", out);
}

/* 422 with every problem in d. */
static enum MHD_Result send_diags(struct MHD_Connection *c, const calc_diags *d)
{
    membuf m;
    if (!mb_open(&m))
        return out_of_memory(c);
    diags_json(m.f, d, http_lang(c));
    return http_send_json(c, 422, &m);
}

/* A profile from a request body: JSON (an object) or YAML. NULL with diags on error. */
static calc_profile *body_profile(calc_engine *e, const char *text, size_t len, calc_diags *d)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
        i++;
    if (i < len && text[i] == '{')
        return calc_profile_parse_json(e, "body", text, len, d);
    return calc_profile_parse(e, "body", text, len, d);
}

static enum MHD_Result eval_handler(struct MHD_Connection *c, calc_engine *e, const char *body,
                                    size_t len)
{
    bool bad;
    calc_date as_of = query_date(c, &bad);
    if (bad)
        return http_send_error(c, 400, BAD_AS_OF);
    const char *ex = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "explain");
    bool explain = ex && strcmp(ex, "0") != 0;
    calc_diags d = {0};
    calc_profile *p = body_profile(e, body, len, &d);
    enum MHD_Result ret;
    membuf m;
    if (!p)
        ret = send_diags(c, &d);
    else if (!mb_open(&m))
        ret = out_of_memory(c);
    else {
        calc_eval_opts eo = {.explain = explain};
        calc_result *res = calc_eval_with(e, p, as_of, &eo);
        if (explain) /* how to qualify re-evaluates: only when the explanation is asked for */
            calc_qualify(e, p, res);
        calc_output_opts oo = {.format = CALC_FMT_JSON, .explain = explain};
        calc_result_write(m.f, e, res, &oo);
        ret = http_send_json(c, 200, &m);
        calc_result_free(res);
    }
    calc_profile_free(p);
    calc_diags_free(&d);
    return ret;
}

static enum MHD_Result whatif_handler(struct MHD_Connection *c, calc_engine *e,
                                      const char *body, size_t len)
{
    bool bad;
    calc_date as_of = query_date(c, &bad);
    if (bad)
        return http_send_error(c, 400, BAD_AS_OF);
    calc_diags d = {0};
    membuf m;
    enum MHD_Result ret;
    if (!mb_open(&m))
        ret = out_of_memory(c);
    else if (calc_whatif_json(m.f, e, body, len, as_of, &d) == 0)
        ret = http_send_json(c, 200, &m);
    else {
        mb_free(&m);
        ret = send_diags(c, &d);
    }
    calc_diags_free(&d);
    return ret;
}

static enum MHD_Result healthz(struct MHD_Connection *c, const calc_engine *e)
{
    membuf m;
    if (!mb_open(&m))
        return out_of_memory(c);
    fprintf(m.f, "{\"status\": \"ok\", \"policy_set\": \"sha256:%s\", \"version\": \"%s\"}\n",
            calc_engine_fingerprint(e), CALC_VERSION);
    return http_send_json(c, 200, &m);
}

/* The example profile in its canonical form (no newline after it); 500 with an empty body if
 * it does not validate against this policy set's schema. */
static enum MHD_Result example(struct MHD_Connection *c, calc_engine *e)
{
    size_t n;
    const char *text = page_example(&n);
    calc_diags d = {0};
    calc_profile *p = calc_profile_parse(e, "example", text, n, &d);
    calc_diags_free(&d);
    membuf m;
    if (!mb_open(&m)) {
        calc_profile_free(p);
        return out_of_memory(c);
    }
    if (p)
        calc_profile_canonical_write(m.f, p);
    calc_profile_free(p);
    enum MHD_Result ret;
    if (!mb_close(&m))
        ret = out_of_memory(c);
    else {
        if (p && m.n && m.p[m.n - 1] == '\n')
            m.n--;
        ret = http_send(c, p ? 200 : 500, "application/json; charset=utf-8", m.p, m.n);
    }
    mb_free(&m);
    return ret;
}

enum MHD_Result api_route(struct MHD_Connection *c, const char *url, const char *method,
                          const char *body, size_t len)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;
    calc_engine *e = engine();
    if (!e)
        return http_send_error(c, 500, "the policy set cannot be loaded");
    if (strcmp(url, "/healthz") == 0)
        return healthz(c, e);
    if (strcmp(url, "/api/v1/schema") == 0) {
        if (!get)
            return http_send_error(c, 405, "use GET");
        membuf m;
        if (!mb_open(&m))
            return out_of_memory(c);
        calc_schema_write_json(m.f, e);
        return http_send_json(c, 200, &m);
    }
    if (strcmp(url, "/api/v1/example") == 0)
        return example(c, e);
    if (strcmp(url, "/api/v1/policies") == 0) {
        if (!get)
            return http_send_error(c, 405, "use GET");
        bool bad;
        calc_date as_of = query_date(c, &bad);
        if (bad)
            return http_send_error(c, 400, BAD_AS_OF);
        membuf m;
        if (!mb_open(&m))
            return out_of_memory(c);
        calc_policies_write_json(m.f, e, as_of);
        return http_send_json(c, 200, &m);
    }
    if (strncmp(url, "/api/v1/policies/", 17) == 0) {
        bool bad; /* a bad as_of is today here */
        calc_date as_of = query_date(c, &bad);
        membuf m;
        if (!mb_open(&m))
            return out_of_memory(c);
        if (calc_policy_write_json(m.f, e, url + 17, as_of, NULL) == CALC_EUSAGE) {
            mb_free(&m);
            return http_send_error(c, 404, "no such policy");
        }
        return http_send_json(c, 200, &m);
    }
    if (strcmp(url, "/api/v1/eval") == 0)
        return post ? eval_handler(c, e, body, len) : http_send_error(c, 405, "use POST");
    if (strcmp(url, "/api/v1/whatif") == 0)
        return post ? whatif_handler(c, e, body, len) : http_send_error(c, 405, "use POST");
    return http_send_error(c, 404, "not found");
}
