/* cases.c — case files (OpenFisca-style YAML tests: name, as_of, profile, output) and their
 * replay: evaluate, compare the expected keys, print PASS/FAIL with a field-level diff. */
#include "integrity.h"
#include "polkey.h"
#include "rulediff.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static const char *const expect_keys[] = {"status", "amount", "quantity", "missing",
                                          "superseded_by", "amount_before_cap", "reasons", NULL};

static bool known_key(const char *k)
{
    for (int i = 0; expect_keys[i]; i++)
        if (strcmp(expect_keys[i], k) == 0)
            return true;
    return false;
}

/* "    status: expected eligible, got ineligible", in the language of messages */
static void diff_line(sbuf *b, const char *what, const char *want, const char *got)
{
    char line[1600];
    calc_msg_format(line, sizeof line, calc_settings_get()->lang, "%s: expected %s, got %s", what,
                    want, got);
    sb_printf(b, "    %s\n", line);
}

static bool money_eq(const value *v, calc_money got, calc_diags *d, const char *what,
                     bool *invalid)
{
    calc_money want;
    if (v->type != V_SCALAR || calc_money_parse(&want, v->str, v->len, NULL)) {
        diag_at(d, CALC_ESCHEMA, &v->loc, what, "write the amount as \"1234.50\"",
                "expected an amount, got '%s'",
                v->type == V_SCALAR ? v->str : calc_msg_arg("a structure"));
        *invalid = true;
        return true;
    }
    return want == got;
}

/* Compares one policy's expectation; appends diff lines. Returns the number of differences. */
static int check_policy(sbuf *b, const calc_engine *e, const pres *r, const value *exp,
                        calc_diags *d, bool *invalid)
{
    const policy *p = &e->ps.pol[r->policy];
    int diffs = 0;
    char what[160], got[64], want[64];
    if (exp->type != V_MAP) {
        diag_at(d, CALC_ESCHEMA, &exp->loc, p->id, "status, amount, quantity, missing",
                "expected a mapping of expected values");
        *invalid = true;
        return 0;
    }
    for (size_t i = 0; i < exp->n; i++) {
        const char *k = exp->keys[i]->str;
        const value *v = exp->items[i];
        snprintf(what, sizeof what, "%s.%s", p->id, k);
        if (!known_key(k)) {
            const char *best = closest_name(k, expect_keys, 7);
            calc_error *x = diag_at(d, CALC_ESCHEMA, &exp->keys[i]->loc, p->id, NULL,
                                    "unknown expectation '%s'", k);
            if (best)
                calc_error_hint(x, "did you mean '%s'?", best);
            else
                calc_error_hint(x, "one of: %s", "status amount quantity missing superseded_by "
                                                 "amount_before_cap reasons");
            *invalid = true;
            continue;
        }
        if (strcmp(k, "status") == 0) {
            bool known = false;
            for (int st = 0; st <= ST_ERROR && v->type == V_SCALAR; st++)
                known |= strcmp(v->str, calc_status_name(st)) == 0;
            if (!known) {
                diag_at(d, CALC_ESCHEMA, &v->loc, what,
                        "eligible, ineligible, needs_data, not_in_force, superseded or error",
                        "unknown status '%s'", v->type == V_SCALAR ? v->str : "?");
                *invalid = true;
            } else if (strcmp(v->str, calc_status_name(r->status)) != 0) {
                diff_line(b, what, v->type == V_SCALAR ? v->str : "?",
                          calc_status_name(r->status));
                if (r->status == ST_ERROR && r->error)
                    sb_printf(b, "      (%s)\n", r->error);
                diffs++;
            }
        } else if (strcmp(k, "amount") == 0 || strcmp(k, "amount_before_cap") == 0) {
            calc_money g = k[6] ? r->amount_before_cap : r->amount;
            if (!money_eq(v, g, d, what, invalid)) {
                diff_line(b, what, v->str, calc_money_format(got, g));
                diffs++;
            }
        } else if (strcmp(k, "quantity") == 0) {
            long long q = v->type == V_SCALAR ? strtoll(v->str, NULL, 10) : -1;
            if (p->kind != K_IN_KIND ? !(v->type == V_NULL) : q != r->quantity) {
                snprintf(got, sizeof got, "%lld", (long long)r->quantity);
                diff_line(b, what, v->type == V_SCALAR ? v->str : "null",
                          p->kind == K_IN_KIND ? got : "null");
                diffs++;
            }
        } else if (strcmp(k, "superseded_by") == 0) {
            const char *g = r->superseded_by ? r->superseded_by : "null";
            const char *w = v->type == V_SCALAR ? v->str : "null";
            if (strcmp(g, w) != 0) {
                diff_line(b, what, w, g);
                diffs++;
            }
        } else if (strcmp(k, "reasons") == 0) {
            if (v->type != V_SEQ && v->type != V_NULL) {
                diag_at(d, CALC_ESCHEMA, &v->loc, what, "reasons: [a.b, cap:NAME, amount]",
                        "expected a list of the reasons' field paths");
                *invalid = true;
                continue;
            }
            /* in order, duplicates kept: a field path, or cap:NAME / pool:NAME / amount */
            sbuf w = {0}, g = {0};
            for (size_t a = 0; v->type == V_SEQ && a < v->n; a++)
                sb_printf(&w, "%s%s", a ? ", " : "",
                          v->items[a]->type == V_SCALAR ? v->items[a]->str : "?");
            for (size_t c = 0; c < r->nreason; c++) {
                const crec *rc = &r->reason[c];
                sb_puts(&g, c ? ", " : "");
                size_t at = g.n;
                crec_field(&g, rc);
                if (g.n == at && rc->name) { /* no field: what the reason names */
                    if (strncmp(rc->name, "cap ", 4) == 0)
                        sb_printf(&g, "cap:%s", rc->name + 4);
                    else if (strncmp(rc->name, "pool ", 5) == 0) {
                        const char *pn = rc->name + 5; /* book 2: "pool NAME exhausted" */
                        size_t pl = strlen(pn);
                        pool_reason_kind(rc->name, &pn, &pl);
                        sb_printf(&g, "pool:%.*s", (int)pl, pn);
                    }
                    else if (strncmp(rc->name, "amount", 6) == 0 ||
                             strncmp(rc->name, "quantity", 8) == 0)
                        sb_puts(&g, "amount");
                    else
                        sb_puts(&g, rc->name);
                }
            }
            if (strcmp(w.p ? w.p : "", g.p ? g.p : "")) {
                sbuf ww = {0}, gg = {0};
                sb_printf(&ww, "[%s]", w.p ? w.p : "");
                sb_printf(&gg, "[%s]", g.p ? g.p : "");
                diff_line(b, what, ww.p, gg.p);
                sb_free(&ww);
                sb_free(&gg);
                diffs++;
            }
            sb_free(&w);
            sb_free(&g);
        } else if (strcmp(k, "missing") == 0) {
            if (v->type != V_SEQ && v->type != V_NULL) {
                diag_at(d, CALC_ESCHEMA, &v->loc, what, "missing: [a.b, c]",
                        "expected a list of field paths");
                *invalid = true;
                continue;
            }
            size_t n = v->type == V_SEQ ? v->n : 0;
            bool same = n == r->nmissing;
            for (size_t a = 0; same && a < n; a++) {
                bool found = false;
                for (size_t c = 0; c < r->nmissing && !found; c++)
                    found = v->items[a]->type == V_SCALAR &&
                            strcmp(v->items[a]->str, r->missing[c]) == 0;
                same = found;
            }
            if (!same) {
                sbuf w = {0}, g = {0};
                sb_puts(&w, "[");
                for (size_t a = 0; a < n; a++)
                    sb_printf(&w, "%s%s", a ? ", " : "",
                              v->items[a]->type == V_SCALAR ? v->items[a]->str : "?");
                sb_puts(&w, "]");
                sb_puts(&g, "[");
                for (size_t c = 0; c < r->nmissing; c++)
                    sb_printf(&g, "%s%s", c ? ", " : "", r->missing[c]);
                sb_puts(&g, "]");
                diff_line(b, what, w.p, g.p);
                sb_free(&w);
                sb_free(&g);
                diffs++;
            }
        }
    }
    (void)want;
    return diffs;
}

/* Removes a temporary directory of recorded rules (two levels: the set and lib/). */
static void remove_tree(const char *dir)
{
    if (!dir || !dir[0])
        return;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (unlink(p) != 0)
            remove_tree(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Whether the schema of the rules e differs from the one recorded in the fingerprints fp. */
static bool schema_changed(const calc_engine *e, const value *fp)
{
    const value *files = map_get(fp, "files");
    const value *rec = files ? map_get(files, "./schema.yaml") : NULL;
    for (size_t i = 0; i < e->nfp; i++)
        if (strcmp(e->fp[i].path, "./schema.yaml") == 0) {
            char now[80];
            snprintf(now, sizeof now, "sha256:%s", e->fp[i].hex);
            return !rec || rec->type != V_SCALAR || strcmp(rec->str, now) != 0;
        }
    return rec != NULL;
}

void calc_engine_set_replay_key(calc_engine *e, const char *pubkey_path)
{
    e->replay_key = pubkey_path;
}

static int replay_case_with(FILE *out, calc_engine *e, const char *file, const value *c,
                            calc_replay_stats *st, calc_diags *d, calc_history **snap)
{
    static const char *const case_keys[] = {"name", "description", "as_of", "profile",
                                            "output", "fingerprint", "recorded", "policy_set",
                                            "trace", "digest", "signature", "ledger", NULL};
    bool invalid = false;
    if (c->type != V_MAP) {
        diag_at(d, CALC_ESCHEMA, &c->loc, NULL, "a case has name, as_of, profile and output",
                "expected a case (a mapping)");
        st->invalid++;
        return CALC_ESCHEMA;
    }
    if (diag_unknown_keys(d, c, case_keys, 12, "case key",
                          "name, description, as_of, profile, output"))
        invalid = true;
    const value *name = map_get(c, "name"), *asof = map_get(c, "as_of"),
                *prof = map_get(c, "profile"), *output = map_get(c, "output");
    const char *nm = name && name->type == V_SCALAR ? name->str : "(unnamed case)";
    calc_date as_of = 0;
    if (!asof || asof->type != V_SCALAR) {
        diag_at(d, CALC_ESCHEMA, asof ? &asof->loc : &c->loc, "as_of", "as_of: 2025-06-30",
                "a case needs an evaluation date YYYY-MM-DD");
        invalid = true;
    } else if (calc_date_parse(&as_of, asof->str, asof->len)) {
        diag_at(d, CALC_ESCHEMA, &asof->loc, "as_of", "write a real date as YYYY-MM-DD",
                "'%s' is not a date", asof->str);
        invalid = true;
    }
    if (!output || output->type != V_MAP) {
        diag_at(d, CALC_ESCHEMA, output ? &output->loc : &c->loc, "output",
                "output: { policy-id: { status: eligible, amount: \"100.00\" } }",
                "a case needs the expected output");
        invalid = true;
    }
    calc_engine *own = NULL; /* the recorded rules, with --as-recorded */
    const value *embedded = map_get(c, "policy_set");
    char tmpdir[256] = "";
    if (e->replay_as_recorded) {
        if (!embedded || embedded->type != V_MAP) {
            diag_at(d, CALC_ESCHEMA, &c->loc, NULL, "record it with 'calc record --embed-policies'",
                    "--as-recorded: the case '%s' holds no policy set", nm);
            invalid = true;
        } else {
            snprintf(tmpdir, sizeof tmpdir, "%s/calc-recorded.XXXXXX", calc_tmpdir());
            if (!mkdtemp(tmpdir)) {
                tmpdir[0] = 0;
                invalid = true;
            }
            for (size_t i = 0; tmpdir[0] && i < embedded->n; i++) {
                const char *rel = embedded->keys[i]->str;
                const value *txt = embedded->items[i];
                if (strncmp(rel, "./", 2) != 0 || strstr(rel, "..") || txt->type != V_SCALAR) {
                    diag_at(d, CALC_ESCHEMA, &embedded->keys[i]->loc, NULL, NULL,
                            "policy_set: '%s' is not a path inside the set", rel);
                    invalid = true;
                    continue;
                }
                char path[600];
                snprintf(path, sizeof path, "%s/%s", tmpdir, rel + 2);
                char *slash = strrchr(path, '/');
                *slash = 0;
                mkdir(path, 0700);
                *slash = '/';
                FILE *f = fopen(path, "wb");
                if (f) {
                    fwrite(txt->str, 1, txt->len, f);
                    fclose(f);
                }
            }
            calc_error err = {0};
            if (tmpdir[0] && !invalid && !(own = calc_engine_new(tmpdir, &err))) {
                calc_error *x = calc_diags_add(d);
                if (x)
                    *x = err;
                invalid = true;
            }
        }
    }
    calc_engine *live = e;
    if (own)
        e = own;
    /* a case recorded with a ledger replays with the history it used (its profile's awards),
     * not the ledger's now; any other case gets the ledger's history (--ledger) */
    const value *lsnap = map_get(c, "ledger");
    calc_engine_set_history(e, lsnap ? NULL : live->ps.schema.history);
    calc_profile *p = NULL;
    if (!prof) {
        diag_at(d, CALC_ESCHEMA, &c->loc, "profile", "inline, or a path relative to the case",
                "a case needs a profile");
        invalid = true;
    } else if (prof->type == V_SCALAR) {
        char path[1200];
        const char *slash = strrchr(file, '/');
        if (prof->str[0] == '/' || !slash)
            snprintf(path, sizeof path, "%s", prof->str);
        else
            snprintf(path, sizeof path, "%.*s/%s", (int)(slash - file), file, prof->str);
        size_t before = d->n;
        p = calc_profile_load(e, path, d);
        for (size_t i = before; !p && i < d->n; i++)
            if (d->v[i].code == CALC_EIO && !d->v[i].file[0]) { /* point at the case */
                snprintf(d->v[i].file, sizeof d->v[i].file, "%s", file);
                d->v[i].line = prof->loc.line;
                d->v[i].col = prof->loc.col;
            }
    } else {
        p = calloc(1, sizeof *p);
        p->file = file;
        if (profile_from_value(p, &e->ps.schema, prof, d) ||
            history_apply(&e->ps.schema, p, d)) {
            calc_profile_free(p);
            p = NULL;
        }
    }
    if (!p)
        invalid = true;
    if (invalid) {
        calc_profile_free(p);
        fprintf(out, "INVALID %s (%s:%u)\n", nm, file, c->loc.line);
        st->invalid++;
        if (own)
            calc_engine_free(own);
        remove_tree(tmpdir);
        return CALC_ESCHEMA;
    }
    /* a recorded case is checked before it is evaluated: an edited case proves nothing */
    sbuf notes = {0};
    const value *fpv = map_get(c, "fingerprint");
    /* recorded: what calc record writes; a hand-written case has none of it */
    bool recorded = fpv || map_get(c, "digest") || map_get(c, "recorded") ||
                    map_get(c, "signature");
    if (recorded || live->replay_key) {
        sbuf bad = {0};
        int problems = 0;
        if (recorded) {
            char pfp[65];
            calc_profile_fingerprint(p, pfp);
            problems = case_integrity(&bad, &notes, c, pfp, schema_changed(e, fpv));
        }
        if (live->replay_key && !problems && case_signature_check(&notes, c, live->replay_key)) {
            sb_putn(&bad, notes.p, notes.n);
            problems++;
        }
        if (problems) {
            fprintf(out, "FAIL %s (%s:%u)\n%s", nm, file, c->loc.line, bad.p);
            st->failed++;
            sb_free(&bad);
            sb_free(&notes);
            if (p->file == file)
                p->file = NULL;
            calc_profile_free(p);
            if (own)
                calc_engine_free(own);
            remove_tree(tmpdir);
            return 0;
        }
        sb_free(&bad);
    }
    if (lsnap) { /* the snapshot: the grants as they were when the case was recorded */
        const value *hd = map_get(lsnap, "head"), *sq = map_get(lsnap, "seq");
        *snap = history_of_profile(&e->ps, p, hd && hd->type == V_SCALAR ? hd->str : "",
                                   sq && sq->type == V_SCALAR ? strtoll(sq->str, NULL, 10) : 0);
        calc_engine_set_history(e, *snap);
    }
    const value *trace = map_get(c, "trace");
    calc_eval_opts eo = {.explain = trace != NULL};
    calc_result *r = calc_eval_with(e, p, as_of, &eo);
    sbuf b = {0};
    int diffs = 0;
    const char *ids[256];
    size_t nid = 0;
    for (size_t i = 0; i < e->ps.n && nid < 256; i++)
        ids[nid++] = e->ps.pol[i].id;
    for (size_t i = 0; i < output->n; i++) {
        const char *k = output->keys[i]->str;
        const value *v = output->items[i];
        if (strcmp(k, "totals") == 0) {
            for (size_t t = 0; v->type == V_MAP && t < v->n; t++) {
                const char *tk = v->keys[t]->str;
                calc_money g = strcmp(tk, "cash") == 0 ? r->cash
                               : strcmp(tk, "in_kind") == 0 ? r->in_kind : -1;
                if (g < 0) {
                    diag_at(d, CALC_ESCHEMA, &v->keys[t]->loc, "totals", "cash or in_kind",
                            "unknown total '%s'", tk);
                    invalid = true;
                    continue;
                }
                char what[64], got[40];
                snprintf(what, sizeof what, "totals.%s", tk);
                if (!money_eq(v->items[t], g, d, what, &invalid)) {
                    diff_line(&b, what, v->items[t]->str, calc_money_format(got, g));
                    diffs++;
                }
            }
            continue;
        }
        int pi = policy_index(&e->ps, k);
        if (pi < 0) {
            const char *best = closest_name(k, ids, nid);
            calc_error *x = diag_at(d, CALC_ESCHEMA, &output->keys[i]->loc, NULL,
                                    best ? NULL : "run 'calc policies' for the ids",
                                    "unknown policy '%s'", k);
            if (best)
                calc_error_hint(x, "did you mean '%s'?", best);
            invalid = true;
            continue;
        }
        int dp = check_policy(&b, e, &r->r[pi], v, d, &invalid);
        if (dp)
            audit_attribute(&b, e, c, pi, as_of);
        diffs += dp;
    }
    /* every rule change named, and whether it changed meaning (rulediff.c) */
    sbuf note = {0}, strict = {0};
    int changed = rulediff_note(&note, &strict, e, c, as_of);
    if (notes.n)
        sb_putn(&note, notes.p, notes.n);
    sb_free(&notes);
    sbuf tnote = {0}; /* a trace difference under changed rules: after the diff it explains */
    if (trace && !invalid) {
        /* the trace made now against the recorded one: a difference under the same rules fails */
        sbuf now = {0};
        result_json(&now, e, r, true, true);
        arena ta = {0};
        value **docs;
        size_t nd;
        calc_diags td = {0};
        if (!calc_yaml_parse(&ta, file, now.p, now.n, &docs, &nd, &td) && nd == 1) {
            sbuf t = {0};
            if (trace_first_diff(&t, trace, docs[0])) {
                if (changed == RULES_MEANING) /* explained by the rules' change */
                    sb_putn(&tnote, t.p, t.n);
                else {
                    sb_putn(&b, t.p, t.n);
                    diffs++;
                }
            }
            sb_free(&t);
        }
        calc_diags_free(&td);
        arena_free(&ta);
        sb_free(&now);
    }
    if (changed == RULES_MEANING && live->replay_strict) {
        diffs += !diffs;
        sb_putn(&b, strict.p, strict.n);
    } else if (changed == RULES_FORMAT && live->replay_strict && !diffs)
        sb_putn(&note, strict.p, strict.n);
    sb_free(&strict);
    int rc = 0;
    if (invalid) {
        fprintf(out, "INVALID %s (%s:%u)\n%s", nm, file, c->loc.line, note.p ? note.p : "");
        st->invalid++;
        rc = CALC_ESCHEMA;
    } else if (diffs) {
        fprintf(out, "FAIL %s (%s:%u)\n%s%s%s", nm, file, c->loc.line, note.p ? note.p : "",
                b.p, tnote.p ? tnote.p : "");
        st->failed++;
    } else {
        fprintf(out, "PASS %s\n%s%s", nm, note.p ? note.p : "", tnote.p ? tnote.p : "");
        st->passed++;
    }
    sb_free(&tnote);
    sb_free(&b);
    sb_free(&note);
    calc_result_free(r);
    if (p->file == file)
        p->file = NULL;
    calc_profile_free(p);
    if (own)
        calc_engine_free(own);
    remove_tree(tmpdir);
    return rc;
}

/* One case, the engine's history (--ledger) as it was afterwards. */
static int replay_case(FILE *out, calc_engine *e, const char *file, const value *c,
                       calc_replay_stats *st, calc_diags *d)
{
    const calc_history *h = e->ps.schema.history;
    calc_history *snap = NULL;
    int rc = replay_case_with(out, e, file, c, st, d, &snap);
    calc_engine_set_history(e, h);
    calc_history_free(snap);
    return rc;
}

int calc_replay_text(FILE *out, calc_engine *e, const char *path, const char *text, size_t len,
                     calc_replay_stats *st, calc_diags *d)
{
    arena a = {0};
    const char *file = arena_strndup(&a, path, strlen(path));
    value **docs;
    size_t nd;
    int rc = calc_yaml_parse(&a, file, text, len, &docs, &nd, d);
    if (!rc && nd == 0) {
        diag_at(d, CALC_ESCHEMA, NULL, NULL, NULL, "%s: empty case file", path);
        rc = CALC_ESCHEMA;
    }
    if (rc) {
        st->invalid++;
        arena_free(&a);
        return rc;
    }
    int worst = 0;
    for (size_t k = 0; k < nd; k++) {
        const value *doc = docs[k];
        if (doc->type == V_SEQ) {
            for (size_t i = 0; i < doc->n; i++) {
                int r = replay_case(out, e, file, doc->items[i], st, d);
                if (r)
                    worst = r;
            }
        } else {
            int r = replay_case(out, e, file, doc, st, d);
            if (r)
                worst = r;
        }
    }
    arena_free(&a);
    return worst;
}

static int replay_file(FILE *out, calc_engine *e, const char *path, calc_replay_stats *st,
                       calc_diags *d)
{
    char *text;
    size_t len;
    int rc = calc_read_file_diag(path, &text, &len, d);
    if (rc) {
        st->invalid++;
        return rc == CALC_EIO ? CALC_ESCHEMA : rc;
    }
    rc = calc_replay_text(out, e, path, text, len, st, d);
    free(text);
    return rc;
}

static int yaml_file(const struct dirent *de)
{
    size_t l = strlen(de->d_name);
    return de->d_name[0] != '.' && l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0;
}

int calc_replay(FILE *out, calc_engine *e, const char *path, calc_replay_stats *st,
                calc_diags *d)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        diag_at(d, CALC_EIO, NULL, NULL, NULL, "cannot open %s: %s", path, calc_msg_errno(errno));
        st->invalid++;
        return CALC_EIO;
    }
    if (!S_ISDIR(sb.st_mode))
        return replay_file(out, e, path, st, d);
    struct dirent **names;
    int n = scandir(path, &names, yaml_file, alphasort);
    if (n < 0) {
        diag_at(d, CALC_EIO, NULL, NULL, NULL, "cannot read directory %s", path);
        return CALC_EIO;
    }
    int worst = 0;
    for (int i = 0; i < n; i++) {
        char file[1200];
        snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
        int r = replay_file(out, e, file, st, d);
        if (calc_exit_status(r) > calc_exit_status(worst))
            worst = r;
        free(names[i]);
    }
    free(names);
    return worst;
}

/* The profile of a case: inline, or a path relative to the case file. */
static calc_profile *case_profile(calc_engine *e, const char *file, const value *prof,
                                  calc_diags *d)
{
    calc_profile *p = NULL;
    if (prof->type == V_SCALAR) {
        char pp[1200];
        const char *slash = strrchr(file, '/');
        if (prof->str[0] == '/' || !slash)
            snprintf(pp, sizeof pp, "%s", prof->str);
        else
            snprintf(pp, sizeof pp, "%.*s/%s", (int)(slash - file), file, prof->str);
        return calc_profile_load(e, pp, d);
    }
    p = calloc(1, sizeof *p);
    p->file = arena_strndup(&p->a, file, strlen(file));
    if (profile_from_value(p, &e->ps.schema, prof, d) || history_apply(&e->ps.schema, p, d)) {
        calc_profile_free(p);
        return NULL;
    }
    return p;
}

int calc_cases_each(calc_engine *e, const char *path, case_fn fn, void *ud, calc_diags *d)
{
    char *text;
    size_t len;
    int rc = calc_read_file_diag(path, &text, &len, d);
    if (rc)
        return rc;
    arena a = {0};
    const char *file = arena_strndup(&a, path, strlen(path));
    value **docs;
    size_t nd;
    rc = calc_yaml_parse(&a, file, text, len, &docs, &nd, d);
    free(text);
    for (size_t k = 0; !rc && k < nd; k++) {
        const value *doc = docs[k];
        size_t n = doc->type == V_SEQ ? doc->n : 1;
        for (size_t i = 0; i < n && !rc; i++) {
            const value *c = doc->type == V_SEQ ? doc->items[i] : doc;
            const value *asof = map_get(c, "as_of"), *prof = map_get(c, "profile");
            calc_date as_of;
            if (!asof || asof->type != V_SCALAR || calc_date_parse(&as_of, asof->str, asof->len) ||
                !prof) {
                diag_at(d, CALC_ESCHEMA, &c->loc, NULL, NULL, "a case needs as_of and a profile");
                rc = CALC_ESCHEMA;
                break;
            }
            calc_profile *p = case_profile(e, file, prof, d);
            if (!p) {
                rc = CALC_ESCHEMA;
                break;
            }
            rc = fn(ud, e, c, p, as_of);
            calc_profile_free(p);
        }
    }
    arena_free(&a);
    return rc;
}

typedef struct record_ud {
    FILE *out;
    const calc_record_opts *o;
    calc_diags *d;
} record_ud;

static int record_one(void *ud, calc_engine *e, const value *c, calc_profile *p, calc_date as_of)
{
    record_ud *r = ud;
    const value *name = map_get(c, "name");
    calc_record_opts o = *r->o;
    o.name = name && name->type == V_SCALAR ? name->str : NULL;
    calc_error err = {0};
    int rc = calc_record_with(r->out, e, p, as_of, &o, &err);
    calc_error *x = rc && err.msg[0] ? calc_diags_add(r->d) : NULL;
    if (x)
        *x = err;
    return rc;
}

int calc_record_cases_with(FILE *out, calc_engine *e, const char *path,
                           const calc_record_opts *o, calc_diags *d)
{
    record_ud ud = {out, o, d};
    return calc_cases_each(e, path, record_one, &ud, d);
}

int calc_record_cases(FILE *out, calc_engine *e, const char *path, int embed, calc_diags *d)
{
    calc_record_opts o = {.embed = embed};
    return calc_record_cases_with(out, e, path, &o, d);
}
