/* integrity.c — tamper-evident case files. A recorded case carries a digest over its meaning,
 * not its text: the SHA-256 of the canonical form of its parsed tree (integrity.h), every key
 * but digest and signature; and, in fingerprint:, the fingerprint of each part (outcome, trace,
 * rules, metadata) beside the profile's, so that replay can say which part was edited. A case
 * signed with `calc record --sign` carries an Ed25519 signature of that digest (sign.c). */
#include "integrity.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void case_canonical(sbuf *b, const value *v)
{
    if (!v || v->type == V_NULL) {
        SB_LIT(b, "null");
        return;
    }
    if (v->type == V_SCALAR) {
        sb_json_str(b, v->str);
        return;
    }
    if (v->type == V_SEQ) {
        SB_LIT(b, "[");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                SB_LIT(b, ",");
            case_canonical(b, v->items[i]);
        }
        SB_LIT(b, "]");
        return;
    }
    /* a mapping: its keys in byte order; a few keys, so a selection each time is enough */
    SB_LIT(b, "{");
    const char *last = NULL;
    for (size_t k = 0; k < v->n; k++) {
        size_t best = v->n;
        for (size_t i = 0; i < v->n; i++) {
            const char *s = v->keys[i]->str;
            if ((!last || strcmp(s, last) > 0) &&
                (best == v->n || strcmp(s, v->keys[best]->str) < 0))
                best = i;
        }
        if (best == v->n)
            break;
        if (k)
            SB_LIT(b, ",");
        last = v->keys[best]->str;
        sb_json_str(b, last);
        SB_LIT(b, ":");
        case_canonical(b, v->items[best]);
    }
    SB_LIT(b, "}");
}

/* The canonical form of mapping m without the keys in skip (NULL-ended). */
static void canonical_except(sbuf *b, const value *m, const char *const *skip)
{
    if (!m || m->type != V_MAP) {
        case_canonical(b, m);
        return;
    }
    value copy = *m;
    value **keys = malloc((m->n ? m->n : 1) * sizeof *keys),
          **items = malloc((m->n ? m->n : 1) * sizeof *items);
    copy.n = 0;
    for (size_t i = 0; i < m->n; i++) {
        bool skipped = false;
        for (size_t s = 0; skip[s] && !skipped; s++)
            skipped = strcmp(m->keys[i]->str, skip[s]) == 0;
        if (!skipped) {
            keys[copy.n] = m->keys[i];
            items[copy.n++] = m->items[i];
        }
    }
    copy.keys = keys;
    copy.items = items;
    case_canonical(b, &copy);
    free(keys);
    free(items);
}

static void hash_of(const sbuf *b, char hex[65]) { calc_sha256_hex(b->p ? b->p : "", b->n, hex); }

void case_digest(const value *c, char hex[65])
{
    static const char *const skip[] = {"digest", "signature", NULL};
    sbuf b = {0};
    canonical_except(&b, c, skip);
    hash_of(&b, hex);
    sb_free(&b);
}

static const char *const meta_keys[] = {"at", "by", "calc_version", NULL};

void case_part_hash(const value *c, const char *part, char hex[65])
{
    sbuf b = {0};
    const value *rec = map_get(c, "recorded");
    if (strcmp(part, "profile_text") == 0)
        case_canonical(&b, map_get(c, "profile"));
    else if (strcmp(part, "outcome") == 0)
        case_canonical(&b, map_get(c, "output"));
    else if (strcmp(part, "trace") == 0)
        case_canonical(&b, map_get(c, "trace"));
    else if (strcmp(part, "rules") == 0)
        canonical_except(&b, rec, meta_keys);
    else { /* metadata: a mapping of its own, keys in byte order */
        SB_LIT(&b, "{");
        const char *names[] = {"as_of", "at", "by", "calc_version", "description", "name"};
        for (int i = 0; i < 6; i++) {
            bool in_rec = i >= 1 && i <= 3;
            const value *v = in_rec ? (rec ? map_get(rec, names[i]) : NULL) : map_get(c, names[i]);
            if (i)
                SB_LIT(&b, ",");
            sb_json_str(&b, names[i]);
            SB_LIT(&b, ":");
            case_canonical(&b, v);
        }
        const value *lg = map_get(c, "ledger"); /* the ledger head of the history it used */
        if (lg) {
            SB_LIT(&b, ",\"ledger\":");
            case_canonical(&b, lg);
        }
        SB_LIT(&b, "}");
    }
    hash_of(&b, hex);
    sb_free(&b);
}

/* One line of a problem or note, indented, in the settings' language. */
static void say(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(sbuf *b, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    calc_msg_vformat(buf, sizeof buf, calc_settings_get()->lang, fmt, ap);
    va_end(ap);
    sb_printf(b, "    %s\n", buf);
}

static const char *text_at(const value *m, const char *key)
{
    const value *v = m ? map_get(m, key) : NULL;
    return v && v->type == V_SCALAR ? v->str : NULL;
}

/* Whether the recorded "sha256:HEX" equals hex. */
static bool same_fp(const char *recorded, const char *hex)
{
    return recorded && strncmp(recorded, "sha256:", 7) == 0 && strcmp(recorded + 7, hex) == 0;
}

int case_integrity(sbuf *b, sbuf *notes, const value *c, const char *profile_fp,
                   bool schema_changed)
{
    const value *fp = map_get(c, "fingerprint");
    int problems = 0;
    const char *digest = text_at(c, "digest");
    char hex[65];
    if (!fp || fp->type != V_MAP) {
        say(b, "a recorded case (with recorded:, digest: or signature:) has no fingerprint: "
               "mapping: it was removed after recording");
        return 1;
    }
    if (!digest) {
        say(b, "a recorded case (one with fingerprint:) carries no digest: it cannot be shown "
               "unedited; record it again with calc record");
        problems++;
    }
    /* the profile as stated (its tree) and as read (its canonical form under the schema) */
    const char *ptext = text_at(fp, "profile_text");
    bool text_same = true;
    if (ptext) { /* without it (stripped), the digest shows the fingerprints were edited */
        case_part_hash(c, "profile_text", hex);
        text_same = same_fp(ptext, hex);
    }
    if (!text_same) {
        say(b, "the case's profile was changed after recording (its fingerprint is "
               "sha256:%.12s…, recorded %.19s…)",
            hex, ptext);
        problems++;
    } else if (profile_fp && !same_fp(text_at(fp, "profile"), profile_fp)) {
        if (schema_changed)
            say(notes, "the schema changed since recording: the profile's fingerprint under it "
                       "is sha256:%.12s… (recorded %.19s…), its stored text is covered by the "
                       "digest",
                profile_fp, text_at(fp, "profile") ? text_at(fp, "profile") : "-");
        else {
            say(b, "the case's profile was changed after recording (its fingerprint is "
                   "sha256:%.12s…, recorded %.19s…)",
                profile_fp, text_at(fp, "profile") ? text_at(fp, "profile") : "-");
            problems++;
        }
    }
    static const char *const parts[] = {"outcome", "trace", "rules", "metadata"};
    for (int i = 0; i < 4; i++) {
        const char *rec = text_at(fp, parts[i]);
        if (!rec && !digest)
            continue; /* a case recorded before parts had fingerprints: its digest is missing */
        case_part_hash(c, parts[i], hex);
        if (same_fp(rec, hex))
            continue;
        problems++;
        switch (i) {
        case 0: say(b, "the case's expected outcome (output) was changed after recording"); break;
        case 1: say(b, "the case's trace was changed after recording"); break;
        case 2:
            say(b, "the case's recorded rules (parameters, conditions) were changed after "
                   "recording");
            break;
        default:
            say(b, "the case's metadata (name, description, as_of, recorded at, by) was "
                   "changed after recording");
        }
    }
    const value *files = fp ? map_get(fp, "files") : NULL;
    const value *emb = map_get(c, "policy_set");
    for (size_t i = 0; emb && emb->type == V_MAP && i < emb->n; i++) {
        const value *t = emb->items[i];
        if (t->type != V_SCALAR)
            continue;
        calc_sha256_hex(t->str, t->len, hex);
        if (!same_fp(text_at(files, emb->keys[i]->str), hex)) {
            say(b, "the embedded policy source %s was changed after recording",
                emb->keys[i]->str);
            problems++;
        }
    }
    if (digest) {
        case_digest(c, hex);
        if (!same_fp(digest, hex)) {
            if (!problems && profile_fp)
                say(b, "the case's fingerprints were changed after recording (its digest is "
                       "sha256:%.12s…, recorded %.19s…)",
                    hex, digest);
            else if (!problems) /* the profile is not checked without the schema */
                say(b, "the case's profile or fingerprints were changed after recording (its "
                       "digest is sha256:%.12s…, recorded %.19s…)",
                    hex, digest);
            problems++;
        }
    }
    return problems;
}

/* ---- the first difference between two traces ---- */

static void shown(sbuf *b, const value *v)
{
    if (v && v->type == V_SCALAR) {
        sb_puts(b, v->str);
        return;
    }
    sbuf t = {0};
    case_canonical(&t, v);
    if (t.n > 120)
        sb_printf(b, "%.117s…", t.p);
    else
        sb_puts(b, t.p);
    sb_free(&t);
}

/* Appends the path of the first difference under old and now, and its two sides. */
static bool first_diff(sbuf *path, sbuf *sides, const value *old, const value *now)
{
    int to = old ? old->type : V_NULL, tn = now ? now->type : V_NULL;
    if (to != tn || to == V_SCALAR) {
        if (to == tn && strcmp(old->str, now->str) == 0)
            return false;
        shown(sides, old);
        sb_puts(sides, " → ");
        shown(sides, now);
        return true;
    }
    size_t keep = path->n;
    if (to == V_SEQ) {
        for (size_t i = 0; i < old->n || i < now->n; i++) {
            sb_printf(path, "[%zu]", i);
            if (first_diff(path, sides, i < old->n ? old->items[i] : NULL,
                           i < now->n ? now->items[i] : NULL))
                return true;
            path->n = keep;
            path->p[keep] = 0;
        }
        return false;
    }
    if (to == V_MAP) {
        for (int pass = 0; pass < 2; pass++) {
            const value *a = pass ? now : old, *o = pass ? old : now;
            for (size_t i = 0; i < a->n; i++) {
                const char *k = a->keys[i]->str;
                if (pass && map_get(o, k))
                    continue; /* compared in the first pass */
                sb_printf(path, "%s%s", keep ? "." : "", k);
                const value *x = pass ? map_get(o, k) : a->items[i],
                            *y = pass ? a->items[i] : map_get(o, k);
                if (first_diff(path, sides, x, y))
                    return true;
                path->n = keep;
                if (path->p)
                    path->p[keep] = 0;
            }
        }
    }
    return false;
}

bool trace_first_diff(sbuf *b, const value *old, const value *now)
{
    const value *ro = old ? map_get(old, "results") : NULL, *rn = map_get(now, "results");
    if (!ro || ro->type != V_SEQ || !rn || rn->type != V_SEQ) {
        sbuf path = {0}, sides = {0};
        bool d = first_diff(&path, &sides, old, now);
        if (d)
            say(b, "trace: the first difference is at %s: %s", path.p ? path.p : "(all)",
                sides.p);
        sb_free(&path);
        sb_free(&sides);
        return d;
    }
    /* per policy, by id: the set may have gained or lost one */
    for (size_t i = 0; i < ro->n || i < rn->n; i++) {
        const value *o = i < ro->n ? ro->items[i] : NULL;
        const char *id = o ? text_at(o, "policy") : NULL;
        const value *n = NULL;
        for (size_t k = 0; id && k < rn->n && !n; k++) {
            const char *nid = text_at(rn->items[k], "policy");
            if (nid && strcmp(nid, id) == 0)
                n = rn->items[k];
        }
        if (!o) { /* a policy only now: found when no recorded one lacks its partner */
            id = text_at(rn->items[i], "policy");
            bool known = false;
            for (size_t k = 0; id && k < ro->n && !known; k++)
                known = text_at(ro->items[k], "policy") &&
                        strcmp(text_at(ro->items[k], "policy"), id) == 0;
            if (known)
                continue;
            say(b, "trace: %s: not recorded, evaluated now", id ? id : "?");
            return true;
        }
        if (!n) {
            say(b, "trace: %s: recorded, not evaluated now", id ? id : "?");
            return true;
        }
        sbuf path = {0}, sides = {0};
        bool d = first_diff(&path, &sides, o, n);
        if (d)
            say(b, "trace: %s: %s: %s", id, path.p ? path.p : "", sides.p);
        sb_free(&path);
        sb_free(&sides);
        if (d)
            return true;
    }
    return false;
}

/* ---- signatures ---- */

int case_signature_check(sbuf *b, const value *c, const char *pub_path)
{
    const value *sig = map_get(c, "signature");
    const char *digest = text_at(c, "digest");
    if (!sig || !digest) {
        say(b, "the case is not signed (record it with calc record --sign KEY.pem)");
        return CALC_ECHECK;
    }
    const char *alg = text_at(sig, "algorithm"), *key = text_at(sig, "key"),
               *val = text_at(sig, "value");
    if (!alg || strcmp(alg, "ed25519") != 0 || !val) {
        say(b, "the case's signature is not an ed25519 signature with a value");
        return CALC_ECHECK;
    }
    char hex[65];
    case_digest(c, hex);
    if (!same_fp(digest, hex)) {
        say(b, "the case was changed after signing: its digest is sha256:%.12s…, the signed one "
               "%.19s…",
            hex, digest);
        return CALC_ECHECK;
    }
    char fp[72] = "";
    calc_error err = {0};
    int rc = calc_verify_digest(pub_path, hex, val, fp, &err);
    if (rc == CALC_EUSAGE || rc == CALC_EIO) { /* no key to check with */
        sb_printf(b, "    %s\n", calc_error_text(&err, calc_settings_get()->lang));
        return rc;
    }
    if (key && strcmp(key, fp) != 0) {
        say(b, "the case was signed with another key (%s), not with %s", key, fp);
        return CALC_ECHECK;
    }
    if (rc) {
        say(b, "the signature does not match the case under the key %s: it was changed after "
               "signing",
            fp);
        return CALC_ECHECK;
    }
    const value *rec = map_get(c, "recorded");
    const char *at = text_at(rec, "at"), *by = text_at(rec, "by");
    say(b, "signed by key %s; recorded at %s by %s (calc %s)", fp, at ? at : "?",
        by ? by : "?", text_at(rec, "calc_version") ? text_at(rec, "calc_version") : "?");
    return 0;
}

static int verify_case(FILE *out, const value *c, const char *pub, int *ok, int *bad)
{
    const value *name = map_get(c, "name");
    const char *nm = name && name->type == V_SCALAR ? name->str : "(unnamed case)";
    sbuf b = {0}, notes = {0};
    int rc = 0;
    int lang = calc_settings_get()->lang;
    if (c->type != V_MAP || !map_get(c, "fingerprint")) {
        say(&b, "not a recorded case (it has no fingerprint:): nothing to verify");
        rc = CALC_ECHECK;
    } else if (case_integrity(&b, &notes, c, NULL, false))
        rc = CALC_ECHECK;
    else
        rc = case_signature_check(&b, c, pub);
    char head[600];
    calc_msg_format(head, sizeof head, lang, rc ? "NOT VERIFIED %s (line %u)" : "VERIFIED %s",
                    nm, c->loc.line);
    fprintf(out, "%s\n%s", head, b.p ? b.p : "");
    sb_free(&b);
    sb_free(&notes);
    if (rc)
        (*bad)++;
    else
        (*ok)++;
    return rc;
}

int calc_verify_cases(FILE *out, const char *path, const char *pub, int *verified, int *failed,
                      calc_diags *d)
{
    char *text;
    size_t len;
    int rc = calc_read_file_diag(path, &text, &len, d);
    if (rc) {
        (*failed)++;
        return rc;
    }
    arena a = {0};
    const char *file = arena_strndup(&a, path, strlen(path));
    value **docs;
    size_t nd;
    rc = calc_yaml_parse(&a, file, text, len, &docs, &nd, d);
    free(text);
    int worst = rc;
    if (rc)
        (*failed)++;
    for (size_t k = 0; !rc && k < nd; k++) {
        const value *doc = docs[k];
        size_t n = doc->type == V_SEQ ? doc->n : 1;
        for (size_t i = 0; i < n; i++) {
            int r = verify_case(out, doc->type == V_SEQ ? doc->items[i] : doc, pub, verified,
                                failed);
            if (r && (!worst || r == CALC_EUSAGE || r == CALC_EIO))
                worst = r;
        }
    }
    arena_free(&a);
    return worst;
}
