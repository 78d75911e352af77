/* audit.c — what auditors need from a case: `calc record` writes a case file with the profile,
 * the full outcome, the fingerprints and what each policy's parameters and conditions were;
 * replaying such a case says whether the rules changed since, and attributes every changed
 * result to the parameters and conditions that changed (old → new). */
#include "integrity.h"
#include "rulediff.h"

#include <stdlib.h>
#include <string.h>

/* ---- a profile as block YAML ---- */

static void yaml_str(sbuf *b, const char *s) { sb_json_str(b, s); } /* JSON strings are YAML */

static void yaml_scalar(sbuf *b, const pval *v, const snode *sn)
{
    char buf[40];
    switch (sn->type) {
    case T_STRING: yaml_str(b, v->u.s); break;
    case T_ENUM: yaml_str(b, v->s); break;
    case T_MONEY: sb_printf(b, "\"%s\"", calc_money_format(buf, v->u.i)); break;
    case T_DATE: sb_puts(b, calc_date_format(buf, (calc_date)v->u.i)); break;
    case T_MONTH: sb_printf(b, "\"%s\"", calc_month_format(buf, (calc_date)v->u.i)); break;
    case T_BOOL: sb_puts(b, v->u.i ? "true" : "false"); break;
    default: sb_int(b, (long long)v->u.i);
    }
}

static void yaml_obj(sbuf *b, const pobj *o, const snode *sn, int indent, bool first_dash);

static void yaml_field(sbuf *b, const pval *v, const snode *sn, int indent)
{
    if (sn->type == T_OBJECT) {
        sb_printf(b, "%s:\n", sn->name);
        yaml_obj(b, v->u.o, sn, indent + 2, false);
    } else if (sn->type == T_LIST) {
        if (v->u.l->n == 0) {
            sb_printf(b, "%s: []\n", sn->name);
        } else if (sn->item->type != T_OBJECT) {
            sb_printf(b, "%s: [", sn->name);
            for (size_t i = 0; i < v->u.l->n; i++) {
                if (i)
                    sb_puts(b, ", ");
                yaml_scalar(b, &v->u.l->item[i], sn->item);
            }
            sb_puts(b, "]\n");
        } else {
            sb_printf(b, "%s:\n", sn->name);
            for (size_t i = 0; i < v->u.l->n; i++) {
                sb_printf(b, "%*s- ", indent + 2, "");
                yaml_obj(b, v->u.l->item[i].u.o, sn->item, indent + 4, true);
            }
        }
    } else {
        sb_printf(b, "%s: ", sn->name);
        yaml_scalar(b, v, sn);
        sb_puts(b, "\n");
    }
}

static void yaml_obj(sbuf *b, const pobj *o, const snode *sn, int indent, bool first_dash)
{
    bool any = false;
    for (size_t i = 0; i < sn->nchild; i++) {
        const pval *v = &o->slot[i];
        if (!v->set)
            continue;
        if (!(first_dash && !any))
            sb_printf(b, "%*s", indent, "");
        any = true;
        yaml_field(b, v, sn->child[i], indent);
    }
    if (!any)
        sb_puts(b, first_dash ? "{}\n" : "");
}

/* ---- what a policy was: parameters and conditions, as text ---- */

typedef struct kv {
    char *key, *val;
} kv;

typedef struct kvs {
    kv *v;
    size_t n, cap;
    arena *a;
} kvs;

static void kv_add(kvs *l, const char *k, const char *v)
{
    /* a repeated key gets #2, #3… */
    char key[300];
    snprintf(key, sizeof key, "%s", k);
    for (int n = 2;; n++) {
        bool dup = false;
        for (size_t i = 0; i < l->n && !dup; i++)
            dup = strcmp(l->v[i].key, key) == 0;
        if (!dup)
            break;
        snprintf(key, sizeof key, "%s#%d", k, n);
    }
    l->v = arena_grow(l->a, l->v, l->n, &l->cap, sizeof *l->v, 16);
    l->v[l->n].key = arena_strndup(l->a, key, strlen(key));
    l->v[l->n].val = arena_strndup(l->a, v, strlen(v));
    l->n++;
}

static void params_of(kvs *l, const policy *p)
{
    char v[80], k[200];
    for (size_t i = 0; i < p->nparam; i++) {
        const param *q = &p->params[i];
        if (q->n) {
            for (size_t e = 0; e < q->n; e++) {
                snprintf(k, sizeof k, "%s.%s", q->name, q->e[e].key);
                param_value(v, sizeof v, q->unit, q->e[e].value);
                kv_add(l, k, v);
            }
        } else {
            param_value(v, sizeof v, q->unit, q->value);
            kv_add(l, q->name, v);
        }
    }
}

static void conds_of(kvs *l, const policy *p, const cond *c, size_t n, const char *prefix,
                     calc_date as_of)
{
    for (size_t i = 0; i < n; i++) {
        crec r;
        memset(&r, 0, sizeof r);
        r.c = &c[i];
        r.pol = p;
        r.as_of = as_of;
        sbuf req = {0};
        crec_required(&req, &r);
        char key[300];
        snprintf(key, sizeof key, "%s%s", prefix, c[i].name);
        kv_add(l, key, req.p ? req.p : "");
        sb_free(&req);
        if (c[i].n) {
            char sub[300];
            snprintf(sub, sizeof sub, "%s/", key);
            conds_of(l, p, c[i].sub, c[i].n, sub, as_of);
        }
    }
}

static void yaml_kvs(sbuf *b, const kvs *l, int indent)
{
    if (!l->n) {
        sb_puts(b, " {}\n");
        return;
    }
    sb_puts(b, "\n");
    for (size_t i = 0; i < l->n; i++) {
        sb_printf(b, "%*s", indent, "");
        yaml_str(b, l->v[i].key);
        sb_puts(b, ": ");
        yaml_str(b, l->v[i].val);
        sb_puts(b, "\n");
    }
}

/* One policy's entry of the recorded block (in_force, params, conditions), as calc_record
 * writes it but at indent 0: what rulediff.c compares with the recorded one on replay. */
void audit_policy_entry(sbuf *b, const policy *p, calc_date as_of)
{
    arena a = {0};
    kvs pl = {0}, cl = {0};
    pl.a = cl.a = &a;
    params_of(&pl, p);
    conds_of(&cl, p, p->conds, p->ncond, "", as_of);
    char f1[16], f2[16];
    sb_printf(b, "in_force: [%s, %s]\nparams:", calc_date_format(f1, p->from),
              calc_date_format(f2, p->to));
    yaml_kvs(b, &pl, 2);
    sb_puts(b, "conditions:");
    yaml_kvs(b, &cl, 2);
    arena_free(&a);
}

/* The eval writer's JSON j as the case's trace: one policy a line (a YAML flow mapping may go
 * on over lines indented under its key), the text otherwise as written. */
static void trace_lines(sbuf *b, const char *j, size_t n)
{
    int depth = 0;
    bool str = false;
    for (size_t i = 0; i < n; i++) {
        char ch = j[i];
        if (str) {
            if (ch == '\\' && i + 1 < n) {
                sb_putn(b, j + i, 2);
                i++;
                continue;
            }
            str = ch != '"';
        } else if (ch == '"')
            str = true;
        else if (ch == '{' || ch == '[') {
            if (depth == 2 && ch == '{') { /* a result of the results list */
                if (b->n && b->p[b->n - 1] == ' ')
                    b->n--;
                SB_LIT(b, "\n    ");
            }
            depth++;
        } else if (ch == '}' || ch == ']')
            depth--;
        sb_putn(b, &ch, 1);
    }
}

/* The case c of a case text just made (a sequence of one case). */
static const value *parse_case(arena *a, const sbuf *b)
{
    value **docs;
    size_t nd;
    calc_diags d = {0};
    int rc = calc_yaml_parse(a, "(recorded case)", b->p, b->n, &docs, &nd, &d);
    calc_diags_free(&d);
    if (rc || nd != 1 || docs[0]->type != V_SEQ || docs[0]->n != 1)
        return NULL;
    return docs[0]->items[0];
}

int calc_record_with(FILE *out, calc_engine *e, const calc_profile *prof, calc_date as_of,
                     const calc_record_opts *o, calc_error *err)
{
    const polset *ps = &e->ps;
    /* the explaining evaluation: the same outcome, and the trace beside it */
    calc_eval_opts eo = {.explain = true};
    calc_result *r = calc_eval_with(e, prof, as_of, &eo);
    sbuf b = {0};
    char d[16], m[40];
    calc_date_format(d, as_of);
    sb_printf(&b, "# Recorded by calc %s: replay with `calc replay FILE` (add --strict to fail on\n"
                  "# any change of the rules, --as-recorded to use the rules stored here).\n"
                  "# The digest covers the case's meaning (not comments or layout): an edit of\n"
                  "# the profile, output, trace, rules or metadata fails replay.\n",
              CALC_VERSION);
    sb_puts(&b, "- name: ");
    char name[300];
    snprintf(name, sizeof name, "%s", o->name ? o->name : "");
    if (!o->name)
        snprintf(name, sizeof name, "%s as of %s", prof->id, d);
    yaml_str(&b, name);
    sb_printf(&b, "\n  description: \"recorded by calc %s\"\n  as_of: %s\n", CALC_VERSION, d);
    if (ps->schema.history) { /* --ledger: the profile's history is the ledger's at this head */
        int64_t seq;
        const char *head = calc_history_head(ps->schema.history, &seq);
        sb_puts(&b, "  ledger:\n    head: ");
        yaml_str(&b, head);
        sb_printf(&b, "\n    seq: %lld\n", (long long)seq);
    }
    sb_puts(&b, "  profile:\n    ");
    yaml_obj(&b, prof->root.u.o, ps->schema.root, 4, true);
    sb_puts(&b, "  output:\n");
    for (size_t i = 0; i < r->n; i++) {
        const pres *x = &r->r[i];
        const policy *p = &ps->pol[i];
        sb_printf(&b, "    %s:\n      status: %s\n", p->id, calc_status_name(x->status));
        if (x->status == ST_ERROR)
            continue;
        sb_printf(&b, "      amount: \"%s\"\n", calc_money_format(m, x->amount));
        if (p->kind == K_IN_KIND)
            sb_printf(&b, "      quantity: %lld\n", (long long)x->quantity);
        sb_puts(&b, "      missing: [");
        for (size_t k = 0; k < x->nmissing; k++) {
            if (k)
                sb_puts(&b, ", ");
            yaml_str(&b, x->missing[k]);
        }
        sb_puts(&b, "]\n");
        if (x->superseded_by)
            sb_printf(&b, "      superseded_by: %s\n", x->superseded_by);
        if (x->capped)
            sb_printf(&b, "      amount_before_cap: \"%s\"\n",
                      calc_money_format(m, x->amount_before_cap));
    }
    sb_printf(&b, "    totals:\n      cash: \"%s\"\n", calc_money_format(m, r->cash));
    sb_printf(&b, "      in_kind: \"%s\"\n", calc_money_format(m, r->in_kind));
    /* the whole trace, as `calc eval --format json --explain` writes it (JSON is YAML) */
    sb_puts(&b, "  trace: ");
    sbuf tj = {0};
    result_json(&tj, e, r, true, true);
    trace_lines(&b, tj.p, tj.n);
    sb_free(&tj);
    sb_puts(&b, "\n");
    sb_printf(&b, "  fingerprint:\n    policy_set: \"sha256:%s\"\n    profile: \"sha256:%s\"\n"
                  "    calc_version: \"%s\"\n",
              e->set_fp, r->profile_fp, CALC_VERSION);
    size_t parts_at = b.n; /* the parts' fingerprints go here, once the parts are written */
    sb_puts(&b, "    files:\n");
    for (size_t i = 0; i < e->nfp; i++)
        sb_printf(&b, "      \"%s\": \"sha256:%s\"\n", e->fp[i].path, e->fp[i].hex);
    rulediff_record_meaning(&b, e); /* fingerprint.meaning (rulediff.c) */
    sb_puts(&b, "  recorded:\n");
    if (o->at)
        sb_printf(&b, "    at: \"%s\"\n", o->at);
    if (o->by) {
        sb_puts(&b, "    by: ");
        yaml_str(&b, o->by);
        sb_puts(&b, "\n");
    }
    sb_printf(&b, "    calc_version: \"%s\"\n", CALC_VERSION);
    arena a = {0};
    for (size_t i = 0; i < ps->n; i++) {
        const policy *p = &ps->pol[i];
        if (p->error)
            continue;
        kvs pl = {0}, cl = {0};
        pl.a = cl.a = &a;
        params_of(&pl, p);
        conds_of(&cl, p, p->conds, p->ncond, "", as_of);
        char f1[16], f2[16];
        sb_printf(&b, "    %s:\n      in_force: [%s, %s]\n      params:", p->id,
                  calc_date_format(f1, p->from), calc_date_format(f2, p->to));
        yaml_kvs(&b, &pl, 8);
        sb_puts(&b, "      conditions:");
        yaml_kvs(&b, &cl, 8);
    }
    arena_free(&a);
    rulediff_record_set(&b, e); /* recorded.set: groups, caps, pools (rulediff.c) */
    if (o->embed) {
        sb_puts(&b, "  policy_set:\n");
        for (size_t i = 0; i < e->nfp; i++) {
            char path[1300], *text;
            size_t len;
            calc_error rerr;
            snprintf(path, sizeof path, "%s/%s", e->dir, e->fp[i].path + 2);
            if (calc_read_file(path, &text, &len, &rerr))
                continue;
            sb_printf(&b, "    \"%s\": ", e->fp[i].path);
            yaml_str(&b, text); /* one JSON-style string keeps every byte */
            sb_puts(&b, "\n");
            free(text);
        }
    }
    calc_result_free(r);
    /* the parts' fingerprints and the digest, from the case as replay will read it */
    int rc = 0;
    const value *c = parse_case(&a, &b);
    if (!c)
        rc = calc_error_set(err, CALC_EIO, NULL, 0, 0, "the recorded case does not read back");
    sbuf parts = {0};
    static const char *const part[] = {"profile_text", "outcome", "trace", "rules", "metadata"};
    for (int i = 0; !rc && i < 5; i++) {
        char hex[65];
        case_part_hash(c, part[i], hex);
        sb_printf(&parts, "    %s: \"sha256:%s\"\n", part[i], hex);
    }
    sbuf whole = {0};
    sb_putn(&whole, b.p, parts_at);
    if (parts.n)
        sb_putn(&whole, parts.p, parts.n);
    sb_putn(&whole, b.p + parts_at, b.n - parts_at);
    sb_free(&b);
    sb_free(&parts);
    arena_free(&a);
    if (!rc && !(c = parse_case(&a, &whole)))
        rc = calc_error_set(err, CALC_EIO, NULL, 0, 0, "the recorded case does not read back");
    char digest[65] = "";
    if (!rc) {
        case_digest(c, digest);
        sb_printf(&whole, "  digest: \"sha256:%s\"\n", digest);
    }
    if (!rc && o->sign_key) {
        char sig[128], key_fp[72];
        rc = calc_sign_digest(o->sign_key, digest, sig, sizeof sig, key_fp, err);
        if (!rc)
            sb_printf(&whole, "  signature:\n    algorithm: ed25519\n    key: \"%s\"\n"
                              "    value: \"%s\"\n",
                      key_fp, sig);
    }
    arena_free(&a);
    if (rc) {
        sb_free(&whole);
        return rc;
    }
    size_t n = fwrite(whole.p, 1, whole.n, out);
    int ok = n == whole.n;
    sb_free(&whole);
    return ok ? 0 : CALC_EIO;
}

int calc_record(FILE *out, calc_engine *e, const calc_profile *prof, calc_date as_of,
                int embed, const char *case_name)
{
    calc_record_opts o = {.embed = embed, .name = case_name};
    calc_error err = {0};
    return calc_record_with(out, e, prof, as_of, &o, &err);
}

/* ---- replay of a recorded case: what changed ---- */

static const char *text_of(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? v->str : NULL;
}

static void diff_kvs(sbuf *b, const char *what, const value *old, const kvs *now)
{
    for (size_t i = 0; i < now->n; i++) {
        const char *o = old ? text_of(old, now->v[i].key) : NULL;
        if (!o)
            sb_printf(b, "      %s %s: new, %s\n", what, now->v[i].key, now->v[i].val);
        else if (strcmp(o, now->v[i].val) != 0)
            sb_printf(b, "      %s %s: %s → %s\n", what, now->v[i].key, o, now->v[i].val);
    }
    for (size_t i = 0; old && old->type == V_MAP && i < old->n; i++) {
        bool found = false;
        for (size_t k = 0; k < now->n && !found; k++)
            found = strcmp(old->keys[i]->str, now->v[k].key) == 0;
        if (!found)
            sb_printf(b, "      %s %s: removed (was %s)\n", what, old->keys[i]->str,
                      old->items[i]->type == V_SCALAR ? old->items[i]->str : "?");
    }
}

/* Attributes a changed result of policy pi to what changed in its rules since recording. */
void audit_attribute(sbuf *b, const calc_engine *e, const value *c, int pi, calc_date as_of)
{
    const value *rec = map_get(c, "recorded");
    const policy *p = &e->ps.pol[pi];
    const value *pr = rec ? map_get(rec, p->id) : NULL;
    if (!pr)
        return;
    size_t before = b->n;
    arena a = {0};
    kvs pl = {0}, cl = {0};
    pl.a = cl.a = &a;
    params_of(&pl, p);
    conds_of(&cl, p, p->conds, p->ncond, "", as_of);
    diff_kvs(b, "parameter", map_get(pr, "params"), &pl);
    diff_kvs(b, "condition", map_get(pr, "conditions"), &cl);
    const value *w = map_get(pr, "in_force");
    if (w && w->type == V_SEQ && w->n == 2) {
        char f1[16], f2[16];
        calc_date_format(f1, p->from);
        calc_date_format(f2, p->to);
        if (strcmp(w->items[0]->str, f1) || strcmp(w->items[1]->str, f2))
            sb_printf(b, "      in force: %s – %s → %s – %s\n", w->items[0]->str,
                      w->items[1]->str, f1, f2);
    }
    const value *fp = map_get(c, "fingerprint");
    const value *files = fp ? map_get(fp, "files") : NULL;
    char path[300], cur[80];
    snprintf(path, sizeof path, "./%s.lua", p->id);
    snprintf(cur, sizeof cur, "sha256:%s", p->fp);
    const char *old = files ? text_of(files, path) : NULL;
    if (b->n == before && old && strcmp(old, cur) != 0)
        sb_printf(b, "      the amount rule of %s changed (policy file %s → %.*s…)\n", p->id,
                  old, 19, cur);
    if (b->n == before)
        sb_printf(b, "      no parameter, condition or file of %s changed: the change comes from "
                     "the shared library, the schema or the set (groups, caps)\n", p->id);
    arena_free(&a);
}
