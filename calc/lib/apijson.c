/* apijson.c — the JSON documents of the web API that calc.h offers any program: the schema,
 * the policy list and one policy, a profile from a JSON object with line and character
 * columns, and a what-if from one JSON body. Knows nothing of HTTP. */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

/* b written to out and freed: 0, or CALC_EIO. */
static int flush(FILE *out, sbuf *b)
{
    size_t n = b->n ? fwrite(b->p, 1, b->n, out) : 0;
    int ok = n == b->n && !ferror(out);
    sb_free(b);
    return ok ? 0 : CALC_EIO;
}

/* ---- schema and policies as JSON ---- */

static const char *const type_names[T_NTYPES] = {"object", "list", "string", "int", "money",
                                                 "date",   "bool", "enum",   "month"};

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
        sb_puts(b, ", \"label_en\": ");
        sb_json_str(b, c->label_en ? c->label_en : c->name);
        if (c->unit || c->unit_en) { /* the word after a number: m², 人; a list's items: 家 */
            sb_puts(b, ", \"unit\": ");
            json_zh_en(b, c->unit ? c->unit : "", c->unit_en ? c->unit_en : "");
        }
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
        if (c->has_default) { /* the schema's: [], false, 0, an enum's code (none, other) */
            pval dv = {.set = true, .type = c->type, .u.i = c->dflt, .s = c->dflt_s};
            if (c->type == T_LIST)
                sb_puts(b, ", \"default\": []");
            else if (c->type == T_BOOL)
                sb_puts(b, c->dflt ? ", \"default\": true" : ", \"default\": false");
            else if (c->type == T_INT)
                sb_printf(b, ", \"default\": %lld", (long long)c->dflt);
            else {
                if (c->type == T_STRING)
                    dv.u.s = c->dflt_s ? c->dflt_s : "";
                sbuf t = {0};
                pval_render(&t, &dv);
                sb_puts(b, ", \"default\": ");
                sb_json_str(b, t.p ? t.p : "");
                sb_free(&t);
            }
        }
        /* book 2 §1.6: absence means none (never missing); from the district's records (never
         * asked of the applicant); the field that names a list's item */
        if (c->absent_none)
            sb_puts(b, ", \"absent\": \"none\"");
        if (c->from_records)
            sb_puts(b, ", \"source\": \"records\"");
        if (c->is_key)
            sb_puts(b, ", \"key\": true");
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
            sb_puts(b, ", \"label_en\": ");
            sb_json_str(b, en->en[k]);
            sb_puts(b, ", \"labels\": ");
            json_zh_en(b, en->zh[k], en->en[k]);
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
    if (p->has_event) { /* book 2 §1.3: the event and application windows */
        sb_puts(b, ", \"event\": {\"field\": ");
        sb_json_str(b, p->ev_field);
        if (p->ev_field2) {
            sb_puts(b, ", \"else_field\": ");
            sb_json_str(b, p->ev_field2);
        }
        sb_printf(b, ", \"from\": \"%s\", \"to\": \"%s\"}", calc_date_format(d1, p->ev_from),
                  calc_date_format(d2, p->ev_to));
    } else
        sb_puts(b, ", \"event\": null");
    if (p->has_app) {
        sb_puts(b, ", \"application\": {\"field\": ");
        sb_json_str(b, p->app_field);
        sb_puts(b, ", \"after\": ");
        sb_json_str(b, p->app_after);
        sb_printf(b, ", \"months\": %d}", p->app_months);
    } else
        sb_puts(b, ", \"application\": null");
    if (p->book >= 0) {
        sb_puts(b, ", \"book\": ");
        sb_json_str(b, e->ps.book[p->book].id);
    }
    for (int k = 0; k < 2; k++) { /* every group and cap it is in (book 2 §1.8) */
        uint64_t m = k ? p->caps : p->groups;
        const decl *d = k ? e->ps.cap : e->ps.group;
        size_t nd = k ? e->ps.ncap : e->ps.ngroup;
        sb_puts(b, k ? ", \"caps\": " : ", \"groups\": ");
        json_decl_names(b, d, nd, m);
    }
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
            sb_printf(b, ", \"mark\": \"%s\"}", q->mark == 1 ? "seed" : q->mark == 3 ? "source" : "illustrative");
        }
        sb_puts(b, "]");
    }
    sb_puts(b, "}");
}

int calc_schema_write_json(FILE *out, const calc_engine *e)
{
    sbuf b = {0};
    schema_json(&b, e);
    return flush(out, &b);
}

int calc_policies_write_json(FILE *out, const calc_engine *e, calc_date as_of)
{
    sbuf b = {0};
    sb_puts(&b, "{\"policies\": [");
    for (size_t i = 0; i < e->ps.n; i++) {
        if (i)
            sb_puts(&b, ", ");
        policy_json(&b, e, &e->ps.pol[i], as_of, false);
    }
    sb_printf(&b, "], \"policy_set\": \"sha256:%s\"}\n", e->set_fp);
    return flush(out, &b);
}

int calc_policy_write_json(FILE *out, const calc_engine *e, const char *id, calc_date as_of,
                       calc_error *err)
{
    int pi = policy_index(&e->ps, id);
    if (pi < 0) {
        if (err)
            calc_error_set(err, CALC_EUSAGE, NULL, 0, 0, "no policy '%s'", id);
        return CALC_EUSAGE;
    }
    sbuf b = {0};
    policy_json(&b, e, &e->ps.pol[pi], as_of, true);
    sb_puts(&b, "\n");
    return flush(out, &b);
}

/* ---- profiles and what-ifs from JSON ---- */

calc_profile *calc_profile_parse_json(calc_engine *e, const char *name, const char *text,
                                        size_t len, calc_diags *d)
{
    calc_profile *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->file = arena_strndup(&p->a, name, strlen(name));
    value *doc;
    if (calc_json_parse(&p->a, p->file, 1, text, len, &doc, d)) { /* its columns counted */
        calc_profile_free(p);
        return NULL;
    }
    size_t parsed = d->n; /* from here on, JSON positions are bytes until turned into columns */
    if (profile_from_value(p, &e->ps.schema, doc, d)) {
        calc_json_columns(d, parsed, p->file, 1, text, len);
        calc_profile_free(p);
        return NULL;
    }
    return p;
}

/* The scenario object applied to se: params, off, name; problems into d. */
static void apply_scenario(calc_engine *se, const value *scen, calc_diags *d)
{
    for (size_t i = 0; scen && scen->type == V_MAP && i < scen->n; i++) {
        const value *v = scen->items[i];
        const char *k = scen->keys[i]->str;
        if (strcmp(k, "params") == 0 && v->type == V_MAP) {
            for (size_t j = 0; j < v->n; j++) {
                sbuf arg = {0};
                sb_printf(&arg, "%s=%s", v->keys[j]->str,
                          v->items[j]->type == V_SCALAR ? v->items[j]->str : "");
                calc_engine_param(se, arg.p, d);
                sb_free(&arg);
            }
        } else if (strcmp(k, "off") == 0 && v->type == V_SEQ) {
            for (size_t j = 0; j < v->n; j++) {
                int pi = v->items[j]->type == V_SCALAR
                             ? policy_index(&se->ps, v->items[j]->str) : -1;
                if (pi < 0)
                    diag_at(d, CALC_ESCHEMA, NULL, "scenario.off", NULL,
                            "unknown policy '%s'",
                            v->items[j]->type == V_SCALAR ? v->items[j]->str : "?");
                else
                    se->ps.pol[pi].off = true;
            }
        } else if (strcmp(k, "name") == 0 && v->type == V_SCALAR) {
            se->scenario_name = arena_strndup(&se->ps.a, v->str, v->len);
        } else if (strcmp(k, "description") != 0) { /* a misspelt member is no baseline */
            diag_at(d, CALC_ESCHEMA, &scen->keys[i]->loc, "scenario", "a scenario holds name, "
                    "description, params and off", "unknown member '%s' of the scenario", k);
        }
    }
}

int calc_whatif_json(FILE *out, calc_engine *e, const char *text, size_t len,
                       calc_date as_of, calc_diags *d)
{
    arena a = {0};
    value *doc = NULL;
    size_t before = d->n;
    int rc = CALC_ESCHEMA;
    if (calc_json_parse(&a, "body", 1, text, len, &doc, d) || doc->type != V_MAP) {
        if (d->n == before)
            diag_at(d, CALC_ESCHEMA, NULL, NULL, "{\"profile\": {…}, \"scenario\": {…}}",
                    "expected a JSON object");
        arena_free(&a);
        return rc;
    }
    size_t parsed = d->n; /* from here on, JSON positions are bytes until turned into columns */
    for (size_t i = 0; i < doc->n; i++) { /* a misspelt member ("sett") would be ignored */
        const char *k = doc->keys[i]->str;
        if (strcmp(k, "profile") && strcmp(k, "set") && strcmp(k, "scenario"))
            diag_at(d, CALC_ESCHEMA, &doc->keys[i]->loc, NULL, "the body holds profile, set and "
                    "scenario", "unknown member '%s' of the body", k);
    }
    value *prof = (value *)map_get(doc, "profile");
    const value *set = map_get(doc, "set"), *scen = map_get(doc, "scenario");
    /* field overrides {"path": value}: applied to the profile document */
    for (size_t i = 0; prof && set && set->type == V_MAP && i < set->n; i++) {
        sbuf arg = {0};
        sb_printf(&arg, "%s=", set->keys[i]->str);
        calc_json_write(&arg, set->items[i]);
        calc_apply_set(&a, prof, arg.p, d);
        sb_free(&arg);
    }
    calc_profile *p = NULL;
    if (prof && d->n == before) {
        p = calloc(1, sizeof *p);
        if (p) {
            p->file = "body";
            if (profile_from_value(p, &e->ps.schema, prof, d)) {
                calc_profile_free(p);
                p = NULL;
            }
        }
    } else if (!prof)
        diag_at(d, CALC_ESCHEMA, NULL, "profile", NULL, "the body needs a profile");
    calc_json_columns(d, parsed, "body", 1, text, len);
    calc_engine *se = NULL;
    if (p) {
        calc_error err = {0};
        se = calc_engine_new(e->dir, &err); /* the scenario's own rules */
        if (se)
            apply_scenario(se, scen, d);
    }
    if (p && se && d->n == before) {
        calc_result *res[2] = {calc_eval_with(e, p, as_of, NULL),
                               calc_eval_with(se, p, as_of, NULL)};
        calc_engine *engs[2] = {e, se};
        rc = calc_compare_write(out, (const calc_engine *const *)engs,
                                (const calc_result *const *)res, 2, 1, 0);
        calc_result_free(res[0]);
        calc_result_free(res[1]);
    }
    calc_engine_free(se);
    calc_profile_free(p);
    arena_free(&a);
    return rc;
}
