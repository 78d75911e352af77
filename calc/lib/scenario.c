/* scenario.c — what-if reforms applied to an engine: parameter overrides (in the parameter's
 * own unit), policies switched off, pool sizes, in-force windows; from a scenario file (YAML)
 * or --param POLICY.PARAM=VALUE. The baseline engine is never changed: each scenario gets an
 * engine of its own. */
#include "engine.h"
#include "msgs.h"
#include "popmap.h"

#include <stdlib.h>
#include <string.h>


static const char *const unit_word[] = {N_("yuan"), N_("percent"), N_("count"), N_("m2"),
                                        N_("date"), N_("years"), N_("units")};

/* Parses text in a parameter's unit. 0, or CALC_ESCHEMA with *why set. */
static int parse_unit(int unit, const char *s, size_t len, int64_t *out, const char **why)
{
    bool pct = len > 0 && s[len - 1] == '%';
    switch (unit) {
    case U_PERCENT:
        if (!pct) {
            *why = "this parameter is a percentage: write it with %, e.g. 15%";
            return CALC_ESCHEMA;
        }
        if (calc_money_parse(out, s, len - 1, why)) /* hundredths of a percent */
            return CALC_ESCHEMA;
        return 0;
    case U_YUAN:
        if (pct) {
            *why = "this parameter is an amount in yuan, not a percentage";
            return CALC_ESCHEMA;
        }
        return calc_money_parse(out, s, len, why);
    case U_DATE: {
        calc_date d;
        if (calc_date_parse(&d, s, len)) {
            *why = "this parameter is a date: write YYYY-MM-DD";
            return CALC_ESCHEMA;
        }
        *out = d;
        return 0;
    }
    default: {
        int64_t v = 0;
        if (len == 0 || pct) {
            *why = "this parameter is a whole number";
            return CALC_ESCHEMA;
        }
        for (size_t i = 0; i < len; i++) {
            if (s[i] < '0' || s[i] > '9' || __builtin_mul_overflow(v, 10, &v) ||
                __builtin_add_overflow(v, s[i] - '0', &v)) {
                *why = "this parameter is a whole number";
                return CALC_ESCHEMA;
            }
        }
        *out = v;
        return 0;
    }
    }
}

static int find_policy(calc_engine *e, const char *id, size_t len, const calc_loc *loc,
                       calc_diags *d)
{
    char buf[200];
    snprintf(buf, sizeof buf, "%.*s", (int)len, id);
    int pi = policy_index(&e->ps, buf);
    if (pi < 0) {
        const char *ids[256];
        size_t n = 0;
        for (size_t i = 0; i < e->ps.n && n < 256; i++)
            ids[n++] = e->ps.pol[i].id;
        const char *best = closest_name(buf, ids, n);
        calc_error *x = diag_at(d, CALC_ESCHEMA, loc, NULL,
                                best ? NULL : "run 'calc policies' for the ids",
                                "unknown policy '%s'", buf);
        if (best)
            calc_error_hint(x, "did you mean '%s'?", best);
    }
    return pi;
}

/* Sets POLICY.PARAM[.KEY] to the text v. */
static int set_param(calc_engine *e, const char *spec, const char *v, size_t vlen,
                     const calc_loc *loc, const calc_loc *vloc, calc_diags *d)
{
    const char *dot = strchr(spec, '.');
    if (!dot) {
        diag_at(d, CALC_ESCHEMA, loc, NULL, "write POLICY.PARAM, e.g. sc25-rd-subsidy.rate",
                "'%s' names no parameter", spec);
        return CALC_ESCHEMA;
    }
    int pi = find_policy(e, spec, (size_t)(dot - spec), loc, d);
    if (pi < 0)
        return CALC_ESCHEMA;
    policy *p = &e->ps.pol[pi];
    if (p->error) {
        diag_at(d, CALC_EPOLICY, loc, NULL, NULL, "policy '%s' failed to load", p->id);
        return CALC_EPOLICY;
    }
    char name[200];
    snprintf(name, sizeof name, "%s", dot + 1);
    char *key = strchr(name, '.');
    if (key)
        *key++ = 0;
    param *q = NULL;
    for (size_t i = 0; i < p->nparam; i++)
        if (strcmp(p->params[i].name, name) == 0)
            q = &p->params[i];
    if (!q) {
        const char *names[64];
        size_t n = 0;
        for (size_t i = 0; i < p->nparam && n < 64; i++)
            names[n++] = p->params[i].name;
        const char *best = closest_name(name, names, n);
        calc_error *x = diag_at(d, CALC_ESCHEMA, loc, NULL,
                                best ? NULL : "run 'calc policies show ID' for its parameters",
                                "policy '%s' has no parameter '%s'", p->id, name);
        if (best)
            calc_error_hint(x, "did you mean '%s'?", best);
        return CALC_ESCHEMA;
    }
    int64_t *slot = &q->value;
    if (q->n) {
        slot = NULL;
        for (size_t i = 0; key && i < q->n; i++)
            if (strcmp(q->e[i].key, key) == 0)
                slot = &q->e[i].value;
        if (!slot) {
            const char *keys[64];
            size_t nk = 0;
            for (size_t i = 0; i < q->n && nk < 64; i++)
                keys[nk++] = q->e[i].key;
            const char *best = key ? closest_name(key, keys, nk) : NULL;
            calc_error *x = key ? diag_at(d, CALC_ESCHEMA, loc, NULL, NULL,
                                          "'%s.%s' has no key '%s'", p->id, q->name, key)
                                : diag_at(d, CALC_ESCHEMA, loc, NULL, NULL,
                                          "'%s.%s' is a table: name one of its keys", p->id,
                                          q->name);
            if (best)
                calc_error_hint(x, "did you mean '%s'?", best);
            else
                calc_error_hint(x, "e.g. %s.%s.%s", p->id, q->name, nk ? keys[0] : "KEY");
            return CALC_ESCHEMA;
        }
    } else if (key) {
        diag_at(d, CALC_ESCHEMA, loc, NULL, NULL, "'%s.%s' is not a table", p->id, q->name);
        return CALC_ESCHEMA;
    }
    const char *why = NULL;
    int64_t val;
    if (parse_unit(q->unit, v, vlen, &val, &why)) {
        diag_at(d, CALC_ESCHEMA, vloc ? vloc : loc, NULL, why, "%s.%s (%s): bad value '%.*s'",
                p->id, q->name, calc_msg_arg(unit_word[q->unit]), (int)vlen, v);
        return CALC_ESCHEMA;
    }
    *slot = val;
    engine_rebuild_params(e, p);
    e->scenario_changed = true;
    return 0;
}

int calc_engine_param(calc_engine *e, const char *arg, calc_diags *d)
{
    const char *eq = strchr(arg, '=');
    calc_loc loc = {"--param", 0, 0};
    if (!eq) {
        diag_at(d, CALC_EUSAGE, &loc, NULL, "write POLICY.PARAM=VALUE",
                "'%s': expected POLICY.PARAM=VALUE", arg);
        return CALC_EUSAGE;
    }
    char spec[300];
    snprintf(spec, sizeof spec, "%.*s", (int)(eq - arg), arg);
    return set_param(e, spec, eq + 1, strlen(eq + 1), &loc, NULL, d);
}

int calc_scenario_load(calc_engine *e, const char *path, calc_diags *d)
{
    char *text;
    size_t len;
    int rc = calc_read_file_diag(path, &text, &len, d);
    if (rc)
        return rc;
    rc = calc_scenario_parse(e, path, text, len, d);
    free(text);
    return rc;
}

int calc_scenario_parse(calc_engine *e, const char *path, const char *text, size_t len,
                        calc_diags *d)
{
    arena *a = &e->ps.a; /* names and files live as long as the engine */
    const char *file = arena_strndup(a, path, strlen(path));
    value **docs;
    size_t nd;
    int rc = calc_yaml_parse(a, file, text, len, &docs, &nd, d);
    if (rc)
        return rc;
    const value *s = nd ? docs[0] : NULL;
    if (!s || s->type != V_MAP) {
        diag_at(d, CALC_ESCHEMA, s ? &s->loc : NULL, NULL,
                "name, params, off, pools, in_force", "%s: expected a scenario (a mapping)", path);
        return CALC_ESCHEMA;
    }
    static const char *const keys[] = {"name", "description", "params", "off", "pools",
                                       "in_force"};
    if (diag_unknown_keys(d, s, keys, 6, "key", "name, description, params, off, pools, in_force"))
        rc = CALC_ESCHEMA;
    /* every section has its own shape: a wrong one is an error, never silently ignored */
    static const struct {
        const char *key;
        int type;
        const char *shape;
    } shapes[] = {{"params", V_MAP, N_("a mapping POLICY.PARAM: value")},
                  {"off", V_SEQ, N_("a list of policy ids: [id, …]")},
                  {"pools", V_MAP, N_("a mapping pool: size")},
                  {"in_force", V_MAP, N_("a mapping id: [FROM, TO]")}};
    for (int k = 0; k < 4; k++) {
        const value *v = map_get(s, shapes[k].key);
        if (v && v->type != shapes[k].type && v->type != V_NULL) {
            diag_at(d, CALC_ESCHEMA, &v->loc, shapes[k].key, NULL, "expected %s",
                    calc_msg_arg(shapes[k].shape));
            rc = CALC_ESCHEMA;
        }
    }
    const value *nm = map_get(s, "name");
    const char *base = strrchr(file, '/');
    e->scenario_name = nm && nm->type == V_SCALAR ? nm->str : base ? base + 1 : file;
    const value *params = map_get(s, "params");
    for (size_t i = 0; params && params->type == V_MAP && i < params->n; i++) {
        const value *v = params->items[i];
        if (v->type != V_SCALAR) {
            diag_at(d, CALC_ESCHEMA, &v->loc, params->keys[i]->str, NULL,
                    "expected a single value");
            rc = CALC_ESCHEMA;
            continue;
        }
        if (set_param(e, params->keys[i]->str, v->str, v->len, &params->keys[i]->loc, &v->loc,
                      d))
            rc = CALC_ESCHEMA;
    }
    const value *off = map_get(s, "off");
    for (size_t i = 0; off && off->type == V_SEQ && i < off->n; i++) {
        const value *v = off->items[i];
        int pi = v->type == V_SCALAR ? find_policy(e, v->str, v->len, &v->loc, d) : -1;
        if (pi < 0) {
            rc = CALC_ESCHEMA;
            continue;
        }
        e->ps.pol[pi].off = true;
        e->scenario_changed = true;
    }
    const value *pools = map_get(s, "pools");
    for (size_t i = 0; pools && pools->type == V_MAP && i < pools->n; i++) {
        decl *pool = NULL;
        for (size_t k = 0; k < e->ps.npool; k++)
            if (strcmp(e->ps.pool[k].name, pools->keys[i]->str) == 0)
                pool = &e->ps.pool[k];
        const value *v = pools->items[i];
        const char *why = "expected a size";
        int64_t size;
        if (!pool) {
            diag_at(d, CALC_ESCHEMA, &pools->keys[i]->loc, NULL, "see policies/set.yaml",
                    "unknown pool '%s'", pools->keys[i]->str);
            rc = CALC_ESCHEMA;
        } else if (v->type != V_SCALAR ||
                   parse_unit(pool->unit == U_YUAN ? U_YUAN : U_COUNT, v->str, v->len, &size,
                              &why)) {
            diag_at(d, CALC_ESCHEMA, &v->loc, pool->name, why, "bad pool size");
            rc = CALC_ESCHEMA;
        } else {
            pool->size = size;
            e->scenario_changed = true;
        }
    }
    const value *win = map_get(s, "in_force");
    for (size_t i = 0; win && win->type == V_MAP && i < win->n; i++) {
        int pi = find_policy(e, win->keys[i]->str, win->keys[i]->len, &win->keys[i]->loc, d);
        const value *v = win->items[i];
        calc_date f, t;
        if (pi < 0) {
            rc = CALC_ESCHEMA;
        } else if (v->type != V_SEQ || v->n != 2 || v->items[0]->type != V_SCALAR ||
                   v->items[1]->type != V_SCALAR ||
                   calc_date_parse(&f, v->items[0]->str, v->items[0]->len) ||
                   calc_date_parse(&t, v->items[1]->str, v->items[1]->len) || f > t) {
            diag_at(d, CALC_ESCHEMA, &v->loc, e->ps.pol[pi].id, "in_force: {ID: [FROM, TO]}",
                    "expected [FROM, TO] dates, FROM <= TO");
            rc = CALC_ESCHEMA;
        } else {
            e->ps.pol[pi].from = f;
            e->ps.pol[pi].to = t;
            e->scenario_changed = true;
        }
    }
    return rc;
}

const char *calc_engine_scenario(const calc_engine *e) { return e->scenario_name; }

/* The twin of e for another thread (popmap.h): the same rules loaded again and every what-if
 * change of e — parameters, policies off, in-force windows, pool sizes — copied, so that it
 * evaluates exactly as e does however e's changes were made (a scenario file, --param, a
 * solver's trial value). */
calc_engine *engine_twin(const calc_engine *e, calc_error *err)
{
    calc_engine *t = calc_engine_new(e->dir, err);
    if (!t)
        return NULL;
    if (t->ps.n != e->ps.n || t->ps.npool != e->ps.npool) {
        calc_error_set(err, CALC_EPOLICY, e->dir, 0, 0, "the policy set changed while it was read");
        calc_engine_free(t);
        return NULL;
    }
    for (size_t i = 0; i < e->ps.n; i++) {
        const policy *p = &e->ps.pol[i];
        policy *q = &t->ps.pol[i];
        if (strcmp(p->id, q->id) || p->nparam != q->nparam) {
            calc_error_set(err, CALC_EPOLICY, e->dir, 0, 0,
                           "the policy set changed while it was read");
            calc_engine_free(t);
            return NULL;
        }
        q->off = p->off;
        q->from = p->from;
        q->to = p->to;
        bool changed = false;
        for (size_t k = 0; k < p->nparam; k++) {
            changed |= q->params[k].value != p->params[k].value;
            q->params[k].value = p->params[k].value;
            for (size_t j = 0; j < p->params[k].n && j < q->params[k].n; j++) {
                changed |= q->params[k].e[j].value != p->params[k].e[j].value;
                q->params[k].e[j].value = p->params[k].e[j].value;
            }
        }
        if (changed)
            engine_rebuild_params(t, q);
    }
    for (size_t i = 0; i < e->ps.npool; i++)
        t->ps.pool[i].size = e->ps.pool[i].size;
    t->scenario_name = e->scenario_name
                           ? arena_strndup(&t->ps.a, e->scenario_name, strlen(e->scenario_name))
                           : NULL;
    t->scenario_changed = e->scenario_changed;
    t->replay_strict = e->replay_strict;
    t->replay_as_recorded = e->replay_as_recorded;
    t->replay_key = e->replay_key;
    return t;
}
