/* engine.c — the policy set as a whole: loads schema, library, policies and the set's
 * declarations (groups, caps, pools); evaluates every policy for a profile, then resolves
 * exclusive groups and enterprise caps (book §1, in that order). Pools are batch-only. */
#include "dsl.h"
#include "msgs.h"
#include "engine.h"
#include "polkey.h"
#include "calendar.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


int policy_index(const polset *ps, const char *id)
{
    size_t lo = 0, hi = ps->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ps->pol[mid].id, id);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int is_policy_file(const struct dirent *d)
{
    size_t l = strlen(d->d_name);
    return d->d_name[0] != '.' && l > 4 && strcmp(d->d_name + l - 4, ".lua") == 0;
}

/* The fields the engine itself reads must be in the schema, of their type: every profile's id
 * and name (strings), and with pools the date claims are served by (applied). A set that lacks
 * one is a load error at its place, never a crash later. */
static int check_schema_use(calc_engine *e)
{
    const polset *ps = &e->ps;
    static const struct {
        const char *name;
        int type;
        const char *what;
    } need[] = {{"id", T_STRING, N_("a string")}, {"name", T_STRING, N_("a string")}};
    int rc = 0;
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        const snode *sn = schema_child(ps->schema.root, need[i].name, strlen(need[i].name));
        if (!sn || sn->type != need[i].type) {
            const char *hint = "every profile has an id and a name; see policies/schema.yaml";
            if (sn)
                diag_at(&e->diags, CALC_ESCHEMA, &ps->schema.loc, NULL, hint,
                        "the schema needs the field '%s' (%s), of another type here",
                        need[i].name, calc_msg_arg(need[i].what));
            else
                diag_at(&e->diags, CALC_ESCHEMA, &ps->schema.loc, NULL, hint,
                        "the schema needs the field '%s' (%s)", need[i].name,
                        calc_msg_arg(need[i].what));
            rc = CALC_ESCHEMA;
        }
    }
    const snode *ap = schema_child(ps->schema.root, "applied", 7);
    if (ps->npool && (!ap || ap->type != T_DATE)) {
        if (ap)
            diag_at(&e->diags, CALC_ESCHEMA, &ps->pool[0].loc, ps->pool[0].name,
                    "add 'applied: {type: date}' to the schema, or remove the pools",
                    "pools serve claims by the date of application, but the schema has no date "
                    "field 'applied' (it has one of another type)");
        else
            diag_at(&e->diags, CALC_ESCHEMA, &ps->pool[0].loc, ps->pool[0].name,
                    "add 'applied: {type: date}' to the schema, or remove the pools",
                    "pools serve claims by the date of application, but the schema has no date "
                    "field 'applied'");
        rc = CALC_ESCHEMA;
    }
    return rc;
}

/* Reads one declaration section (groups, caps or pools) of set.yaml. */
static int load_decls(calc_engine *e, const value *sec, const char *what, decl **out,
                      size_t *nout)
{
    polset *ps = &e->ps;
    calc_diags *d = &e->diags;
    int rc = 0;
    *out = NULL;
    *nout = 0;
    if (!sec)
        return 0;
    if (sec->type != V_MAP) {
        diag_at(d, CALC_ESCHEMA, &sec->loc, what, NULL, "expected a mapping of names");
        return CALC_ESCHEMA;
    }
    decl *v = arena_alloc(&ps->a, (sec->n ? sec->n : 1) * sizeof *v);
    const char *ids[256];
    size_t nid = 0;
    for (size_t i = 0; i < ps->n && nid < 256; i++)
        ids[nid++] = ps->pol[i].id;
    for (size_t i = 0; i < sec->n; i++) {
        decl *x = &v[i];
        const value *body = sec->items[i];
        x->name = sec->keys[i]->str;
        x->loc = sec->keys[i]->loc;
        const value *zh = map_get(body, "zh");
        x->zh = zh && zh->type == V_SCALAR ? zh->str : x->name;
        const value *en = map_get(body, "en");
        x->en = en && en->type == V_SCALAR ? en->str : x->zh;
        const value *m = map_get(body, "members");
        if (!m || m->type != V_SEQ || m->n == 0) {
            diag_at(d, CALC_ESCHEMA, &body->loc, x->name, "members: [policy-id, …]",
                    "%s needs a list of members", calc_msg_arg(what));
            rc = CALC_ESCHEMA;
            continue;
        }
        x->member = arena_alloc(&ps->a, m->n * sizeof *x->member);
        for (size_t k = 0; k < m->n; k++) {
            const value *id = m->items[k];
            int pi = id->type == V_SCALAR ? policy_index(ps, id->str) : -1;
            if (pi < 0) {
                const char *best = id->type == V_SCALAR ? closest_name(id->str, ids, nid) : NULL;
                calc_error *ex = diag_at(d, CALC_ESCHEMA, &id->loc, x->name,
                                         best ? NULL : "run 'calc policies' to list the policy ids",
                                         "unknown policy '%s'",
                                         id->type == V_SCALAR ? id->str : "?");
                if (best)
                    calc_error_hint(ex, "did you mean '%s'?", best);
                rc = CALC_ESCHEMA;
                continue;
            }
            x->member[x->n++] = pi;
        }
    }
    *out = v;
    *nout = sec->n;
    return rc;
}

/* A cap limit as an expression (book 2 §4): { field: F | amount: A, less_awards: { policies:
 * [ids] | members, year: claim_year | any } } — F or A less what the ledger shows was paid. */
static int cap_limit_expr(calc_engine *e, decl *x, const value *lim)
{
    polset *ps = &e->ps;
    static const char *const keys[] = {"field", "amount", "less_awards"};
    if (diag_unknown_keys(&e->diags, lim, keys, 3, N_("limit key"), "field, amount, less_awards"))
        return -1;
    const value *f = map_get(lim, "field"), *a = map_get(lim, "amount"),
                *less = map_get(lim, "less_awards");
    const char *hint = "limit: {field: finance.local_contribution, less_awards: {policies: "
                       "members, year: claim_year}}";
    x->limit_expr = true;
    if ((f != NULL) == (a != NULL) || (f && f->type != V_SCALAR) || (a && a->type != V_SCALAR)) {
        diag_at(&e->diags, CALC_ESCHEMA, &lim->loc, x->name, hint,
                "a cap's limit needs one of 'field' and 'amount'");
        return -1;
    }
    if (a && calc_money_parse(&x->limit, a->str, a->len, NULL)) {
        diag_at(&e->diags, CALC_ESCHEMA, &a->loc, x->name, "write yuan, e.g. 30000000",
                "limit amount '%s' is not an amount", a->str);
        return -1;
    }
    if (f) {
        x->limit_sn = schema_resolve(ps->schema.root, f->str);
        x->limit_field = f->str;
        if (!x->limit_sn || x->limit_sn->type != T_MONEY) {
            diag_at(&e->diags, CALC_ESCHEMA, &f->loc, x->name, NULL,
                    "limit '%s' is neither an amount nor a money field of the schema", f->str);
            return -1;
        }
    }
    if (!less)
        return 0;
    const value *pl = map_get(less, "policies"), *yr = map_get(less, "year");
    if (!ps->ledger.list) {
        diag_at(&e->diags, CALC_ESCHEMA, &less->loc, x->name,
                "add the list 'awards' of {policy, year, amount, key} to the schema",
                "less_awards reads the award ledger, but the schema has none");
        return -1;
    }
    if (yr && !(yr->type == V_SCALAR && (strcmp(yr->str, "claim_year") == 0 ||
                                         strcmp(yr->str, "any") == 0))) {
        diag_at(&e->diags, CALC_ESCHEMA, &yr->loc, x->name, "year: claim_year, or year: any",
                "less_awards: unknown year '%s'", yr->type == V_SCALAR ? yr->str : "?");
        return -1;
    }
    x->less_claim_year = yr && strcmp(yr->str, "claim_year") == 0;
    if (pl && pl->type == V_SCALAR && strcmp(pl->str, "members") == 0) {
        x->nless = x->n;
        x->less = arena_alloc(&ps->a, (x->n ? x->n : 1) * sizeof *x->less);
        for (size_t i = 0; i < x->n; i++)
            x->less[i] = ps->pol[x->member[i]].id;
        return 0;
    }
    if (!pl || pl->type != V_SEQ) {
        diag_at(&e->diags, CALC_ESCHEMA, &less->loc, x->name, "policies: members, or a list",
                "less_awards needs the policies whose awards are subtracted");
        return -1;
    }
    x->less = arena_alloc(&ps->a, (pl->n ? pl->n : 1) * sizeof *x->less);
    for (size_t i = 0; i < pl->n; i++) {
        const value *id = pl->items[i];
        if (id->type != V_SCALAR || policy_index(ps, id->str) < 0) {
            diag_at(&e->diags, CALC_ESCHEMA, &id->loc, x->name,
                    "run 'calc policies' to list the policy ids", "unknown policy '%s'",
                    id->type == V_SCALAR ? id->str : "?");
            return -1;
        }
        x->less[x->nless++] = id->str;
    }
    return 0;
}

static int load_set(calc_engine *e, const char *dir)
{
    polset *ps = &e->ps;
    char path[1100];
    snprintf(path, sizeof path, "%s/set.yaml", dir);
    if (access(path, F_OK) != 0)
        return 0;
    char *text;
    size_t len;
    int rc = calc_read_file_diag(path, &text, &len, &e->diags);
    if (rc)
        return rc;
    value **docs;
    size_t nd;
    const char *file = arena_strndup(&ps->a, path, strlen(path));
    rc = calc_yaml_parse(&ps->a, file, text, len, &docs, &nd, &e->diags);
    free(text);
    if (rc)
        return rc;
    const value *root = nd ? docs[0] : NULL;
    for (size_t i = 0; root && root->type == V_MAP && i < root->n; i++) {
        const char *k = root->keys[i]->str;
        if (strcmp(k, "zero_grants") == 0) { /* zero_grants: allowed (policies/README.md) */
            const value *v = root->items[i];
            ps->zero_grants = v->type == V_SCALAR && strcmp(v->str, "allowed") == 0;
            if (!ps->zero_grants) {
                diag_at(&e->diags, CALC_ESCHEMA, &v->loc, k,
                        "write zero_grants: allowed, or leave it out (book 1 §1: an amount of 0 "
                        "is ineligible)", "expected 'allowed'");
                rc = CALC_ESCHEMA;
            }
        } else if (strcmp(k, "groups") && strcmp(k, "caps") && strcmp(k, "pools")) {
            diag_at(&e->diags, CALC_ESCHEMA, &root->keys[i]->loc, NULL,
                    "the set declares groups, caps and pools", "unknown section '%s'", k);
            rc = CALC_ESCHEMA;
        }
    }
    int r1 = load_decls(e, map_get(root, "groups"), N_("group"), &ps->group, &ps->ngroup);
    int r2 = load_decls(e, map_get(root, "caps"), N_("cap"), &ps->cap, &ps->ncap);
    int r3 = load_decls(e, map_get(root, "pools"), N_("pool"), &ps->pool, &ps->npool);
    if (r1 || r2 || r3)
        rc = CALC_ESCHEMA;
    /* membership: a policy in any number of groups and caps (book 2 §1.8), one pool */
    if (ps->ngroup > 64 || ps->ncap > 64) {
        diag_at(&e->diags, CALC_ESCHEMA, &root->loc, NULL, "merge groups or caps",
                "a set may declare at most 64 groups and 64 caps");
        rc = CALC_ESCHEMA;
    }
    for (size_t i = 0; i < ps->ngroup && i < 64; i++)
        for (size_t m = 0; m < ps->group[i].n; m++) {
            policy *p = &ps->pol[ps->group[i].member[m]];
            p->groups |= 1ull << i;
            if (p->group < 0)
                p->group = (int)i;
        }
    for (size_t i = 0; i < ps->ncap && i < 64; i++)
        for (size_t m = 0; m < ps->cap[i].n; m++) {
            policy *p = &ps->pol[ps->cap[i].member[m]];
            p->caps |= 1ull << i;
            if (p->cap < 0)
                p->cap = (int)i;
        }
    for (size_t i = 0; i < ps->npool; i++) {
        decl *x = &ps->pool[i];
        for (size_t m = 0; m < x->n; m++) {
            policy *p = &ps->pol[x->member[m]];
            if (p->pool >= 0 && p->pool != (int)i) {
                diag_at(&e->diags, CALC_ESCHEMA, &x->loc, x->name, NULL,
                        "policy '%s' is already in %s '%s'", p->id, calc_msg_arg(N_("pool")),
                        ps->pool[p->pool].name);
                rc = CALC_ESCHEMA;
            }
            p->pool = (int)i;
        }
    }
    const value *caps = map_get(root, "caps");
    for (size_t i = 0; i < ps->ncap; i++) {
        decl *x = &ps->cap[i];
        const value *lim = map_get(caps->items[i], "limit");
        if (lim && lim->type == V_MAP) {
            if (cap_limit_expr(e, x, lim))
                rc = CALC_ESCHEMA;
            continue;
        }
        if (!lim || lim->type != V_SCALAR) {
            diag_at(&e->diags, CALC_ESCHEMA, &x->loc, x->name,
                    "limit: a profile field (finance.local_contribution), an amount, or "
                    "{field: …, less_awards: {policies: members, year: claim_year}}",
                    "a cap needs a limit");
            rc = CALC_ESCHEMA;
            continue;
        }
        if (calc_money_parse(&x->limit, lim->str, lim->len, NULL) == 0)
            continue;
        x->limit_sn = schema_resolve(ps->schema.root, lim->str);
        x->limit_field = lim->str;
        if (!x->limit_sn || x->limit_sn->type != T_MONEY) {
            diag_at(&e->diags, CALC_ESCHEMA, &lim->loc, x->name, NULL,
                    "limit '%s' is neither an amount nor a money field of the schema",
                    lim->str);
            rc = CALC_ESCHEMA;
        }
    }
    const value *pools = map_get(root, "pools");
    for (size_t i = 0; i < ps->npool; i++) {
        decl *x = &ps->pool[i];
        const value *b = pools->items[i];
        const value *unit = map_get(b, "unit"), *size = map_get(b, "size"),
                    *mode = map_get(b, "mode");
        const char *u = unit && unit->type == V_SCALAR ? unit->str : "";
        x->unit = strcmp(u, "yuan") == 0 ? U_YUAN : strcmp(u, "units") == 0 ? U_UNITS
                  : strcmp(u, "m2") == 0 ? U_M2 : -1;
        const char *md = mode && mode->type == V_SCALAR ? mode->str : "";
        x->mode = strcmp(md, "pro_rata") == 0 ? 0 : strcmp(md, "first_come") == 0 ? 1 : -1;
        const value *per = map_get(b, "period"); /* issue #17: round (the default) or once */
        const char *pd = per && per->type == V_SCALAR ? per->str : "round";
        x->period = strcmp(pd, "once") == 0 ? 1 : strcmp(pd, "round") == 0 ? 0 : -1;
        if (x->period < 0) {
            diag_at(&e->diags, CALC_ESCHEMA, &per->loc, x->name,
                    "period: round (a budget of each round) or once (a stock given out over "
                    "rounds)",
                    "unknown pool period '%s'", pd);
            rc = CALC_ESCHEMA;
            x->period = 0;
        }
        int bad = x->unit < 0 || x->mode < 0 || !size || size->type != V_SCALAR;
        if (!bad) {
            if (x->unit == U_YUAN)
                bad = calc_money_parse(&x->size, size->str, size->len, NULL) != 0;
            else {
                char *end;
                x->size = strtoll(size->str, &end, 10);
                bad = *end != 0 || x->size < 0;
            }
        }
        if (bad) {
            diag_at(&e->diags, CALC_ESCHEMA, &b->loc, x->name,
                    "unit: yuan|units|m2, size: a number, mode: pro_rata|first_come",
                    "a pool needs unit, size and mode");
            rc = CALC_ESCHEMA;
        }
    }
    return rc;
}

/* The DSL, the shared library and the sealed globals, in protected mode (a library file that
 * fills the state's memory ends as an error, not a panic). */
struct open_args {
    calc_engine *e;
    const char *dir;
};

static int open_lua(lua_State *L, void *ud)
{
    struct open_args *a = ud;
    dsl_open(L);
    policy_load_lib(&a->e->ps, a->e->sbx, a->dir, &a->e->diags);
    policy_load_books(&a->e->ps, a->e->sbx, a->dir, &a->e->diags);
    sbx_seal_globals(L, policy_lib_upv, &a->e->ps);
    return 0;
}

calc_engine *calc_engine_new(const char *dir, calc_error *err)
{
    calc_engine *e = calloc(1, sizeof *e);
    if (e) {
        e->sbx = calloc(1, sizeof *e->sbx);
        e->ctx = calloc(1, sizeof *e->ctx);
    }
    if (!e || !e->sbx || !e->ctx) {
        if (e) {
            free(e->sbx);
            free(e->ctx);
            free(e);
        }
        calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    e->dir = strdup(dir);
    char path[1100];
    snprintf(path, sizeof path, "%s/schema.yaml", dir);
    if (access(dir, R_OK) != 0) {
        calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot open policy directory %s", dir);
        calc_error_hint(err, "give one with --policies DIR");
        calc_engine_free(e);
        return NULL;
    }
    int rc = calc_schema_load(&e->ps.schema, path, &e->diags);
    if (rc) {
        if (e->diags.n)
            *err = e->diags.v[0];
        else
            calc_error_set(err, rc, path, 0, 0, "cannot load the schema");
        if (err->code == 0)
            err->code = rc;
        calc_engine_free(e);
        return NULL;
    }
    ledger_schema_find(&e->ps.ledger, e->ps.schema.root); /* none: no ledger conditions */
    if (sbx_open(e->sbx, 0)) {
        calc_error_set(err, CALC_ENOMEM, NULL, 0, 0, "cannot create the Lua state");
        calc_engine_free(e);
        return NULL;
    }
    e->sbx->ctx = e->ctx;
    struct open_args oa = {e, dir};
    char msg[512];
    if (sbx_protect(e->sbx, open_lua, &oa, msg, sizeof msg) < 0) {
        calc_error_set(err, CALC_EPOLICY, dir, 0, 0, "the policy scripts cannot be set up");
        calc_error_policy(err, msg);
        calc_engine_free(e);
        return NULL;
    }
    struct dirent **names = NULL;
    int n = scandir(dir, &names, is_policy_file, alphasort);
    if (n < 0) {
        calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot read policy directory %s", dir);
        calc_engine_free(e);
        return NULL;
    }
    e->ps.pol = arena_alloc(&e->ps.a, (size_t)(n ? n : 1) * sizeof *e->ps.pol);
    for (int i = 0; i < n; i++) {
        policy *p = &e->ps.pol[e->ps.n++];
        const char *nm = names[i]->d_name;
        p->id = arena_strndup(&e->ps.a, nm, strlen(nm) - 4);
        p->file = arena_printf(&e->ps.a, "%s/%s", dir, nm);
        p->title_zh = p->title_en = p->id;
        p->kind = K_CASH;
        free(names[i]);
    }
    free(names);
    /* byte order of ids (alphasort follows the locale) */
    for (size_t i = 1; i < e->ps.n; i++)
        for (size_t k = i; k > 0 && strcmp(e->ps.pol[k - 1].id, e->ps.pol[k].id) > 0; k--) {
            policy t = e->ps.pol[k];
            e->ps.pol[k] = e->ps.pol[k - 1];
            e->ps.pol[k - 1] = t;
        }
    for (size_t i = 0; i < e->ps.n; i++) {
        policy *p = &e->ps.pol[i];
        const char *file = p->file, *id = p->id;
        memset(p, 0, sizeof *p);
        p->file = file;
        p->id = id;
        p->title_zh = p->title_en = id;
        if (policy_load(&e->ps, e->sbx, p, file)) {
            calc_error *x = calc_diags_add(&e->diags);
            if (x) {
                x->code = CALC_EPOLICY;
                const char *m = p->error;
                size_t fl = strlen(file);
                if (strncmp(m, file, fl) == 0 && m[fl] == ':') {
                    char *end;
                    unsigned long ln = strtoul(m + fl + 1, &end, 10);
                    if (end > m + fl + 1 && *end == ':') {
                        snprintf(x->file, sizeof x->file, "%s", file);
                        x->line = (unsigned)ln;
                        m = end + 1 + (end[1] == ' ');
                    } else if (m[fl + 1] == ' ') {
                        snprintf(x->file, sizeof x->file, "%s", file);
                        m += fl + 2;
                    }
                }
                calc_error_policy(x, m);
                calc_error_hint(x, "policy '%s' evaluates to an error; the others still run", id);
            }
        }
        p->group = p->cap = p->pool = -1;
    }
    rc = load_set(e, dir);
    if (!rc)
        rc = check_schema_use(e);
    if (!rc)
        engine_fingerprint(e, dir);
    if (rc) {
        for (size_t i = 0; i < e->diags.n; i++)
            if (e->diags.v[i].code != CALC_EPOLICY) {
                *err = e->diags.v[i];
                break;
            }
        if (!err->code)
            err->code = rc;
        calc_engine_free(e);
        return NULL;
    }
    return e;
}

void calc_engine_free(calc_engine *e)
{
    if (!e)
        return;
    sbx_close(e->sbx);
    free(e->sbx);
    calc_schema_free(&e->ps.schema);
    arena_free(&e->ps.a);
    calc_diags_free(&e->diags);
    free(e->ctx->absent);
    free(e->ctx->steps);
    arena_solo_free(e->ctx->recbuf);
    free(e->ctx->bmemo);
    sb_free(&e->ctx->scratch);
    ledger_index_free(&e->ctx->lidx);
    sb_free(&e->ctx->xres.words[0]);
    sb_free(&e->ctx->xres.words[1]);
    free(e->ctx);
    free(e->dir);
    arena_free(&e->spare);
    sb_free(&e->canon);
    engine_digest_free(e);
    free(e);
}

const calc_diags *calc_engine_diags(const calc_engine *e) { return &e->diags; }

/* ---- evaluation ---- */

bool set_in_force(const polset *ps, calc_date as_of, calc_date *latest)
{
    bool any = false;
    *latest = 0;
    for (size_t i = 0; i < ps->n; i++) {
        const policy *p = &ps->pol[i];
        if (p->error || p->kind == K_MATCH)
            continue;
        if (p->to > *latest)
            *latest = p->to;
        any |= as_of >= p->from && as_of <= p->to && !p->off;
    }
    return any;
}

void nothing_in_force_text(char *buf, size_t cap, calc_date as_of, calc_date latest, int lang)
{
    char d1[16], d2[16];
    calc_date_format(d1, as_of);
    if (!latest) {
        snprintf(buf, cap, lang ? "no cash or in-kind policy of the set is in force on %s"
                                : "测算日期 %s 没有任何现金或实物政策在有效期内", d1);
        return;
    }
    calc_date_format(d2, latest);
    if (lang)
        snprintf(buf, cap, "no cash or in-kind policy of the set is in force on %s: the latest "
                 "window ended on %s (evaluate with --as-of %s to see what was granted then)",
                 d1, d2, d2);
    else
        snprintf(buf, cap, "测算日期 %s 没有任何现金或实物政策在有效期内：最晚的有效期于 %s 结束"
                 "（可按 --as-of %s 测算当时可享受的政策）", d1, d2, d2);
}

void result_totals(calc_result *res)
{
    res->cash = res->in_kind = 0;
    for (size_t i = 0; i < res->n; i++) {
        const pres *r = &res->r[i];
        if (r->status != ST_ELIGIBLE)
            continue;
        calc_money *t = r->kind == K_CASH ? &res->cash : r->kind == K_IN_KIND ? &res->in_kind : NULL;
        if (t && __builtin_add_overflow(*t, r->amount, t)) {
            /* only a custom set can get here: every book policy is capped */
            *t = INT64_MAX;
            res->any_error = true;
            res->totals_overflow = true;
        }
    }
}

calc_result *calc_eval(calc_engine *e, const calc_profile *prof, calc_date as_of)
{
    return calc_eval_with(e, prof, as_of, NULL);
}

calc_result *calc_eval_with(calc_engine *e, const calc_profile *prof, calc_date as_of,
                            const calc_eval_opts *o)
{
    static const calc_eval_opts full = {0};
    if (!o)
        o = &full;
    calc_result *res = calloc(1, sizeof *res);
    if (!res)
        return NULL;
    res->a = e->spare;
    memset(&e->spare, 0, sizeof e->spare);
    res->profile_id = arena_strndup(&res->a, prof->id, strlen(prof->id));
    if (!o->claims_only && !o->no_fingerprint)
        engine_profile_fingerprint(e, prof, res->profile_fp);
    res->as_of = as_of;
    res->n = e->ps.n;
    /* every entry is cleared by policy_eval or below */
    res->r = arena_alloc_raw(&res->a, (e->ps.n ? e->ps.n : 1) * sizeof *res->r);
    evalctx *c = e->ctx;
    c->ps = &e->ps;
    c->prof = prof;
    c->rec_stamp++; /* the book conditions' outcomes of the last profile are not this one's */
    c->as_of = as_of;
    c->a = &res->a;
    c->explain = o->explain;
    c->all_records = !o->failures_only;
    c->no_words = o->no_words;
    c->status_only = o->claims_only;
    const int *comp = o->claims_only ? o->claims_comp : NULL;
    const bool *only = o->only;
    for (size_t i = 0; i < e->ps.n; i++) {
        /* left out (solve), or a partner of pooled policies, evaluated below if they claim */
        if ((only && !only[i]) || (comp && e->ps.pol[i].pool < 0)) {
            memset(&res->r[i], 0, sizeof res->r[i]);
            res->r[i].policy = (int)i;
            res->r[i].kind = e->ps.pol[i].kind;
            res->r[i].status = ST_NOT_IN_FORCE; /* counts as nothing */
            continue;
        }
        policy_eval(c, e->sbx, &e->ps.pol[i], (int)i, &res->r[i]);
    }
    /* a claim is an eligible pooled result: only then can its partners change it */
    for (size_t i = 0; comp && i < e->ps.n; i++) {
        if (e->ps.pol[i].pool >= 0 || (only && !only[i]))
            continue;
        for (size_t j = 0; j < e->ps.n; j++)
            if (e->ps.pol[j].pool >= 0 && comp[j] == comp[i] &&
                res->r[j].status == ST_ELIGIBLE) {
                policy_eval(c, e->sbx, &e->ps.pol[i], (int)i, &res->r[i]);
                break;
            }
    }
    if (e->ps.schema.history) { /* --ledger: a key granted before is not granted again */
        history_limits(&e->ps, prof, res, o->explain);
        history_granted(&e->ps, prof, res);
    }
    set_resolve_groups(e, res);
    if (e->ps.schema.history)
        history_refuse(res);
    set_apply_caps(e, res, prof);
    for (size_t i = 0; i < res->n; i++)
        if (res->r[i].status == ST_ERROR)
            res->any_error = true;
    result_totals(res);
    c->prof = NULL;
    c->a = NULL; /* the result's memory is the caller's from here on */
    return res;
}

void calc_result_recycle(calc_engine *e, calc_result *r)
{
    if (!r)
        return;
    arena_free(&e->spare);
    arena_reset(&r->a);
    e->spare = r->a;
    free(r);
}

void calc_result_free(calc_result *r)
{
    if (!r)
        return;
    arena_free(&r->a);
    free(r);
}

int calc_result_exit(const calc_result *r) { return r->any_error ? CALC_EXIT_POLICY : 0; }



void calc_engine_set_replay(calc_engine *e, int strict, int as_recorded)
{
    e->replay_strict = strict != 0;
    e->replay_as_recorded = as_recorded != 0;
}
