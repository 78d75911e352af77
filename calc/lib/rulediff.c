/* rulediff.c — every change of the rules since a case was recorded, named (old → new), and
 * told apart from a change of formatting or comments.
 *
 * calc record stores, besides each file's SHA-256 (fingerprint.files), each file's meaning
 * digest (fingerprint.meaning) and the set's groups, caps and pools (recorded.set). Replay
 * compares them, and each policy's recorded parameters, conditions and window, with the rules
 * it runs under.
 *
 * The meaning digest of a file:
 * - a Lua file (a policy, lib/): SHA-256 of its compiled chunk dumped without debug information
 *   (lua_dump with strip = 1) and without the two line numbers that each function's header
 *   keeps even then (linedefined, lastlinedefined). Comments, whitespace, line breaks and the
 *   names of local variables, parameters of functions and upvalues (debug information) do not
 *   reach it; any change of code, of a constant (a number, a string, a table key, a global's or
 *   field's name) does. So renaming a local is formatting, renaming a field is not. The chunk is
 *   compiled, never run, in a Lua state of its own.
 * - a YAML file (schema.yaml, set.yaml): SHA-256 of its parsed document in a canonical form —
 *   mappings with their keys in order, lists, scalars by their text, nulls, and whether a
 *   scalar that reads as a boolean was quoted ("true" is a text, true a boolean) — so comments,
 *   indentation, flow or block style and quotes around any other text do not reach it. A key
 *   moved to another place of its mapping counts as a change (the schema's order is the
 *   order of the fields). */
#include "rulediff.h"
#include "msgs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the meaning digest of a YAML document ---- */

/* Whether a plain scalar of this text reads as a boolean (YAML 1.1's words and calc's 是/否):
 * only then does quoting it change what it is. */
static bool bool_like(const char *s)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "y", "n",
                                         NULL};
    for (int i = 0; words[i]; i++)
        if (strcasecmp(s, words[i]) == 0)
            return true;
    return strcmp(s, "\xE6\x98\xAF") == 0 || strcmp(s, "\xE5\x90\xA6") == 0;
}

static void yaml_canon(sbuf *b, const value *v)
{
    switch (v->type) {
    case V_NULL: sb_puts(b, "~"); break;
    case V_SCALAR:
        sb_puts(b, v->quoted && bool_like(v->str) ? "'" : "=");
        sb_json_str(b, v->str);
        break;
    case V_SEQ:
        sb_puts(b, "[");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                sb_puts(b, ",");
            yaml_canon(b, v->items[i]);
        }
        sb_puts(b, "]");
        break;
    default:
        sb_puts(b, "{");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                sb_puts(b, ",");
            yaml_canon(b, v->keys[i]);
            sb_puts(b, ":");
            yaml_canon(b, v->items[i]);
        }
        sb_puts(b, "}");
    }
}

static bool yaml_meaning(const char *path, const char *text, size_t len, char out[65])
{
    arena a = {0};
    calc_diags d = {0};
    value **docs;
    size_t nd;
    bool ok = calc_yaml_parse(&a, path, text, len, &docs, &nd, &d) == 0;
    if (ok) {
        sbuf b = {0};
        for (size_t i = 0; i < nd; i++) {
            sb_puts(&b, "---");
            yaml_canon(&b, docs[i]);
        }
        calc_sha256_hex(b.p ? b.p : "", b.n, out);
        sb_free(&b);
    }
    calc_diags_free(&d);
    arena_free(&a);
    return ok;
}

/* The meaning digest of the set's file rel ("./x.lua"), false when it cannot be made. */
static bool file_meaning(const calc_engine *e, const char *rel, char out[65])
{
    char path[1300], *text;
    size_t len, l = strlen(rel);
    calc_error err;
    snprintf(path, sizeof path, "%s/%s", e->dir, rel + 2);
    if (calc_read_file(path, &text, &len, &err))
        return false;
    bool ok = l > 4 && strcmp(rel + l - 4, ".lua") == 0 ? chunk_meaning(text, len, out)
                                                        : yaml_meaning(path, text, len, out);
    free(text);
    return ok;
}

void rulediff_record_meaning(sbuf *b, const calc_engine *e)
{
    sb_puts(b, "    meaning:\n");
    for (size_t i = 0; i < e->nfp; i++) {
        char hex[65];
        if (file_meaning(e, e->fp[i].path, hex))
            sb_printf(b, "      \"%s\": \"sha256:%s\"\n", e->fp[i].path, hex);
    }
}

/* ---- the set's groups, caps and pools ---- */

static void members_yaml(sbuf *b, const polset *ps, const decl *d)
{
    sb_puts(b, "members: [");
    for (size_t k = 0; k < d->n; k++) {
        if (k)
            sb_puts(b, ", ");
        sb_json_str(b, ps->pol[d->member[k]].id);
    }
    sb_puts(b, "]");
}

static const char *unit_name(int unit)
{
    return unit == U_UNITS ? "units" : unit == U_M2 ? "m2" : "yuan";
}

/* The set's groups, caps and pools as YAML at indent ind: what calc record stores, and what
 * replay makes of the current set to compare with it. */
static void set_yaml(sbuf *b, const polset *ps, int ind)
{
    char m[64];
    sb_printf(b, "%*sgroups:%s\n", ind, "", ps->ngroup ? "" : " {}");
    for (size_t i = 0; i < ps->ngroup; i++) {
        sb_printf(b, "%*s", ind + 2, "");
        sb_json_str(b, ps->group[i].name);
        sb_puts(b, ": {");
        members_yaml(b, ps, &ps->group[i]);
        sb_puts(b, "}\n");
    }
    sb_printf(b, "%*scaps:%s\n", ind, "", ps->ncap ? "" : " {}");
    for (size_t i = 0; i < ps->ncap; i++) {
        const decl *d = &ps->cap[i];
        sb_printf(b, "%*s", ind + 2, "");
        sb_json_str(b, d->name);
        sb_puts(b, ": {limit: ");
        if (d->limit_field)
            sb_json_str(b, d->limit_field);
        else {
            param_value(m, sizeof m, U_YUAN, d->limit);
            sb_json_str(b, m);
        }
        sb_puts(b, ", ");
        members_yaml(b, ps, d);
        sb_puts(b, "}\n");
    }
    sb_printf(b, "%*spools:%s\n", ind, "", ps->npool ? "" : " {}");
    for (size_t i = 0; i < ps->npool; i++) {
        const decl *d = &ps->pool[i];
        if (d->unit == U_YUAN)
            param_value(m, sizeof m, U_YUAN, d->size);
        else
            snprintf(m, sizeof m, "%lld %s", (long long)d->size,
                     d->unit == U_M2 ? "m²" : "units");
        sb_printf(b, "%*s", ind + 2, "");
        sb_json_str(b, d->name);
        sb_printf(b, ": {unit: %s, size: ", unit_name(d->unit));
        sb_json_str(b, m);
        sb_printf(b, ", mode: %s, ", d->mode ? "first_come" : "pro_rata");
        members_yaml(b, ps, d);
        sb_puts(b, "}\n");
    }
}

void rulediff_record_set(sbuf *b, const calc_engine *e)
{
    if (policy_index(&e->ps, "set") >= 0)
        return; /* a policy of that id has the key: its set is not recorded */
    sb_puts(b, "    set:\n");
    set_yaml(b, &e->ps, 6);
}

/* ---- replay: the changes, named ---- */

typedef struct diffctx {
    sbuf *lines; /* the note's lines, each a change */
    sbuf names;  /* the changes of meaning, short, for --strict */
    int lang;
    int kind;    /* RULES_* */
} diffctx;

static void line(diffctx *x, const char *text)
{
    sb_printf(x->lines, "      %s\n", text);
}

static void meaning_change(diffctx *x, const char *name)
{
    x->kind = RULES_MEANING;
    sb_printf(&x->names, "%s%s", x->names.n ? ", " : "", name);
}

static const char *text_of(const value *m, const char *key)
{
    const value *v = map_get(m, key);
    return v && v->type == V_SCALAR ? v->str : NULL;
}

/* A value as people read it: a scalar's text, [a, b] and {k: v}. */
static void show(sbuf *b, const value *v)
{
    if (!v || v->type == V_NULL) {
        sb_puts(b, "-");
    } else if (v->type == V_SCALAR) {
        sb_puts(b, v->str);
    } else {
        sb_puts(b, v->type == V_SEQ ? "[" : "{");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                sb_puts(b, ", ");
            if (v->type == V_MAP)
                sb_printf(b, "%s: ", v->keys[i]->str);
            show(b, v->items[i]);
        }
        sb_puts(b, v->type == V_SEQ ? "]" : "}");
    }
}

static bool same(const value *a, const value *b)
{
    sbuf x = {0}, y = {0};
    yaml_canon(&x, a);
    yaml_canon(&y, b);
    bool eq = x.n == y.n && memcmp(x.p, y.p, x.n) == 0;
    sb_free(&x);
    sb_free(&y);
    return eq;
}

/* The parameters (cond false) or conditions (true) of policy id: old map against new map. */
static int diff_map(diffctx *x, const char *id, const value *old, const value *now, bool is_cond)
{
    char buf[1200], name[400];
    int n = 0;
    for (size_t i = 0; now && now->type == V_MAP && i < now->n; i++) {
        const char *k = now->keys[i]->str, *v = now->items[i]->str;
        const char *o = old ? text_of(old, k) : NULL;
        if (o && strcmp(o, v) == 0)
            continue;
        if (is_cond && !o)
            calc_msg_format(buf, sizeof buf, x->lang, "%s condition %s: new, %s", id, k, v);
        else if (is_cond)
            calc_msg_format(buf, sizeof buf, x->lang, "%s condition %s: %s → %s", id, k, o, v);
        else if (!o)
            calc_msg_format(buf, sizeof buf, x->lang, "%s.%s: new, %s", id, k, v);
        else
            calc_msg_format(buf, sizeof buf, x->lang, "%s.%s: %s → %s", id, k, o, v);
        line(x, buf);
        if (is_cond)
            calc_msg_format(name, sizeof name, x->lang, "%s condition %s", id, k);
        else
            snprintf(name, sizeof name, "%s.%s", id, k);
        meaning_change(x, name);
        n++;
    }
    for (size_t i = 0; old && old->type == V_MAP && i < old->n; i++) {
        const char *k = old->keys[i]->str;
        if (map_get(now, k))
            continue;
        sbuf was = {0};
        show(&was, old->items[i]);
        if (is_cond)
            calc_msg_format(buf, sizeof buf, x->lang, "%s condition %s: removed (was %s)", id, k,
                            was.p);
        else
            calc_msg_format(buf, sizeof buf, x->lang, "%s.%s: removed (was %s)", id, k, was.p);
        sb_free(&was);
        line(x, buf);
        if (is_cond)
            calc_msg_format(name, sizeof name, x->lang, "%s condition %s", id, k);
        else
            snprintf(name, sizeof name, "%s.%s", id, k);
        meaning_change(x, name);
        n++;
    }
    return n;
}

/* Policy p now against its recorded entry: parameters, conditions, window. */
static int diff_policy(diffctx *x, const policy *p, const value *rec, calc_date as_of)
{
    sbuf y = {0};
    audit_policy_entry(&y, p, as_of);
    arena a = {0};
    calc_diags d = {0};
    value **docs;
    size_t nd;
    int n = 0;
    if (calc_yaml_parse(&a, "(rules)", y.p, y.n, &docs, &nd, &d) == 0 && nd == 1) {
        const value *now = docs[0];
        n += diff_map(x, p->id, map_get(rec, "params"), map_get(now, "params"), false);
        n += diff_map(x, p->id, map_get(rec, "conditions"), map_get(now, "conditions"), true);
        const value *w = map_get(rec, "in_force"), *v = map_get(now, "in_force");
        if (w && w->type == V_SEQ && w->n == 2 && w->items[0]->type == V_SCALAR &&
            w->items[1]->type == V_SCALAR && v && v->type == V_SEQ && v->n == 2 && !same(w, v)) {
            char buf[600], name[300];
            calc_msg_format(buf, sizeof buf, x->lang, "%s in force: %s – %s → %s – %s", p->id,
                            w->items[0]->str, w->items[1]->str, v->items[0]->str,
                            v->items[1]->str);
            line(x, buf);
            calc_msg_format(name, sizeof name, x->lang, "%s in force", p->id);
            meaning_change(x, name);
            n++;
        }
    }
    calc_diags_free(&d);
    arena_free(&a);
    sb_free(&y);
    return n;
}

/* The set's groups, caps and pools now against recorded.set. */
static int diff_set(diffctx *x, const value *old, const polset *ps)
{
    static const char *const kinds[] = {"groups", "caps", "pools"};
    static const char *const kind1[] = {N_("group"), N_("cap"), N_("pool")};
    sbuf y = {0};
    set_yaml(&y, ps, 0);
    arena a = {0};
    calc_diags d = {0};
    value **docs;
    size_t nd;
    int n = 0;
    char buf[1600], name[400];
    if (calc_yaml_parse(&a, "(rules)", y.p, y.n, &docs, &nd, &d) == 0 && nd == 1) {
        for (int k = 0; k < 3; k++) {
            const value *o = map_get(old, kinds[k]), *now = map_get(docs[0], kinds[k]);
            const char *kw = calc_msg_arg(kind1[k]);
            for (size_t i = 0; now && now->type == V_MAP && i < now->n; i++) {
                const char *nm = now->keys[i]->str;
                const value *ov = map_get(o, nm), *nv = now->items[i];
                if (!ov || ov->type != V_MAP) {
                    sbuf s = {0};
                    show(&s, nv);
                    calc_msg_format(buf, sizeof buf, x->lang, "%s %s: new, %s", kw, nm, s.p);
                    sb_free(&s);
                    line(x, buf);
                    snprintf(name, sizeof name, "%s %s", calc_msg_text(kind1[k], x->lang), nm);
                    meaning_change(x, name);
                    n++;
                    continue;
                }
                for (size_t f = 0; f < nv->n; f++) {
                    const char *fk = nv->keys[f]->str;
                    const value *of = map_get(ov, fk);
                    if (of && same(of, nv->items[f]))
                        continue;
                    sbuf s1 = {0}, s2 = {0};
                    show(&s1, of);
                    show(&s2, nv->items[f]);
                    calc_msg_format(buf, sizeof buf, x->lang, "%s %s %s: %s → %s", kw, nm,
                                    calc_msg_arg(fk), s1.p, s2.p);
                    sb_free(&s1);
                    sb_free(&s2);
                    line(x, buf);
                    snprintf(name, sizeof name, "%s %s %s", calc_msg_text(kind1[k], x->lang), nm,
                             calc_msg_text(fk, x->lang));
                    meaning_change(x, name);
                    n++;
                }
            }
            for (size_t i = 0; o && o->type == V_MAP && i < o->n; i++) {
                const char *nm = o->keys[i]->str;
                if (map_get(now, nm))
                    continue;
                sbuf s = {0};
                show(&s, o->items[i]);
                calc_msg_format(buf, sizeof buf, x->lang, "%s %s: removed (was %s)", kw, nm, s.p);
                sb_free(&s);
                line(x, buf);
                snprintf(name, sizeof name, "%s %s", calc_msg_text(kind1[k], x->lang), nm);
                meaning_change(x, name);
                n++;
            }
        }
    }
    calc_diags_free(&d);
    arena_free(&a);
    sb_free(&y);
    return n;
}

/* The policy whose file rel is ("./ID.lua"), or -1. */
static int policy_of_file(const polset *ps, const char *rel)
{
    size_t l = strlen(rel);
    if (strchr(rel + 2, '/') || l < 7 || strcmp(rel + l - 4, ".lua") != 0)
        return -1;
    char id[256];
    snprintf(id, sizeof id, "%.*s", (int)(l - 6), rel + 2);
    return policy_index(ps, id);
}

/* One changed file (bytes): formatting only, or what changed in it, named. */
static void diff_file(diffctx *x, const calc_engine *e, const value *c, const char *rel,
                      const char *old_meaning, calc_date as_of, bool *set_done)
{
    char buf[1200], hex[65], cur[80] = "";
    if (file_meaning(e, rel, hex))
        snprintf(cur, sizeof cur, "sha256:%s", hex);
    bool format_only = old_meaning && cur[0] && strcmp(old_meaning, cur) == 0;
    const value *rec = map_get(c, "recorded");
    int pi = policy_of_file(&e->ps, rel);
    int named = 0;
    if (pi >= 0 && !e->ps.pol[pi].error && map_get(rec, e->ps.pol[pi].id))
        named = diff_policy(x, &e->ps.pol[pi], map_get(rec, e->ps.pol[pi].id), as_of);
    if (strcmp(rel, "./set.yaml") == 0 && map_get(rec, "set")) {
        named = diff_set(x, map_get(rec, "set"), &e->ps);
        *set_done = true;
    }
    if (format_only && !named) {
        calc_msg_format(buf, sizeof buf, x->lang, "%s: formatting or comments only", rel);
        line(x, buf);
        if (x->kind == RULES_SAME)
            x->kind = RULES_FORMAT;
        return;
    }
    if (format_only || named)
        return;
    size_t l = strlen(rel);
    if (!old_meaning)
        calc_msg_format(buf, sizeof buf, x->lang,
                        "%s: changed (the case records no meaning digest, so formatting cannot "
                        "be told from meaning)",
                        rel);
    else if (pi >= 0)
        calc_msg_format(buf, sizeof buf, x->lang,
                        "%s: its code changed beyond its parameters, conditions and window (the "
                        "amount rule or its texts)",
                        rel);
    else if (strcmp(rel, "./schema.yaml") == 0)
        calc_msg_format(buf, sizeof buf, x->lang,
                        "%s: the schema changed (fields, types, defaults or labels)", rel);
    else if (strcmp(rel, "./set.yaml") == 0)
        calc_msg_format(buf, sizeof buf, x->lang, "%s: the set's titles or other text changed",
                        rel);
    else if (l > 4 && strcmp(rel + l - 4, ".lua") == 0 && strncmp(rel, "./books/", 8) == 0)
        calc_msg_format(buf, sizeof buf, x->lang,
                        "%s: the book's code changed (its conditions for every policy of the "
                        "book, or its texts)",
                        rel);
    else if (l > 4 && strcmp(rel + l - 4, ".lua") == 0)
        calc_msg_format(buf, sizeof buf, x->lang, "%s: the shared library's code changed", rel);
    else
        calc_msg_format(buf, sizeof buf, x->lang, "%s: changed in meaning", rel);
    line(x, buf);
    meaning_change(x, rel);
}

int rulediff_note(sbuf *note, sbuf *strict, const calc_engine *e, const value *c,
                  calc_date as_of)
{
    const value *fp = map_get(c, "fingerprint");
    const char *set = fp ? text_of(fp, "policy_set") : NULL;
    char now[80], buf[1600];
    snprintf(now, sizeof now, "sha256:%s", e->set_fp);
    if (!set || strcmp(set, now) == 0)
        return RULES_SAME;
    const value *files = map_get(fp, "files"), *meaning = map_get(fp, "meaning");
    const value *rec = map_get(c, "recorded");
    sbuf lines = {0}, changed = {0};
    diffctx x = {&lines, {0}, calc_settings_get()->lang, RULES_SAME};
    bool set_done = false;
    for (size_t i = 0; i < e->nfp; i++) {
        const char *rel = e->fp[i].path;
        const char *old = files ? text_of(files, rel) : NULL;
        char cur[80];
        snprintf(cur, sizeof cur, "sha256:%s", e->fp[i].hex);
        if (old && strcmp(old, cur) == 0)
            continue;
        sb_printf(&changed, "%s%s", changed.n ? ", " : "", rel);
        if (!old) {
            int pi = policy_of_file(&e->ps, rel);
            if (pi >= 0)
                calc_msg_format(buf, sizeof buf, x.lang, "%s: a new policy",
                                e->ps.pol[pi].id);
            else
                calc_msg_format(buf, sizeof buf, x.lang, "%s: a new file", rel);
            line(&x, buf);
            meaning_change(&x, rel);
            continue;
        }
        diff_file(&x, e, c, rel, meaning ? text_of(meaning, rel) : NULL, as_of, &set_done);
    }
    for (size_t i = 0; files && files->type == V_MAP && i < files->n; i++) {
        const char *rel = files->keys[i]->str;
        bool found = false;
        for (size_t k = 0; k < e->nfp && !found; k++)
            found = strcmp(rel, e->fp[k].path) == 0;
        if (found)
            continue;
        sb_printf(&changed, "%s%s", changed.n ? ", " : "", rel);
        calc_msg_format(buf, sizeof buf, x.lang, "%s: the file was removed", rel);
        line(&x, buf);
        meaning_change(&x, rel);
    }
    /* a policy whose own file did not change can change all the same (the shared library) */
    for (size_t i = 0; i < e->ps.n; i++) {
        const policy *p = &e->ps.pol[i];
        char rel[300];
        snprintf(rel, sizeof rel, "./%s.lua", p->id);
        const char *old = files ? text_of(files, rel) : NULL;
        char cur[80];
        snprintf(cur, sizeof cur, "sha256:%s", p->fp);
        if (!p->error && old && strcmp(old, cur) == 0 && map_get(rec, p->id))
            diff_policy(&x, p, map_get(rec, p->id), as_of);
    }
    if (!set_done && map_get(rec, "set"))
        diff_set(&x, map_get(rec, "set"), &e->ps);
    char a[20], b[20];
    snprintf(a, sizeof a, "%.19s", set);
    snprintf(b, sizeof b, "%.19s", now);
    calc_msg_format(buf, sizeof buf, x.lang,
                    "the policy set changed since recording (%s… → %s…): %s", a, b,
                    changed.p ? changed.p : "-");
    sb_printf(note, "    %s\n", buf);
    if (lines.n)
        sb_putn(note, lines.p, lines.n);
    if (x.kind == RULES_SAME) /* only the listing changed: nothing to tell by meaning */
        x.kind = RULES_MEANING;
    if (x.kind == RULES_MEANING)
        calc_msg_format(buf, sizeof buf, x.lang,
                        "--strict: the meaning of the rules changed since recording: %s",
                        x.names.p ? x.names.p : changed.p ? changed.p : "-");
    else
        calc_msg_format(buf, sizeof buf, x.lang,
                        "--strict: passed: formatting or comments only, the rules mean what "
                        "they meant when recorded");
    sb_printf(strict, "    %s\n", buf);
    sb_free(&lines);
    sb_free(&changed);
    sb_free(&x.names);
    return x.kind;
}
