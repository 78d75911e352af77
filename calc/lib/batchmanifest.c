/* batchmanifest.c — the manifest of a batch: what `calc batch --manifest` and `calc allocate
 * --manifest` write beside the results so that they can be replayed (the rules, as_of, calc's
 * version, the options that change results, each input's and the results' SHA-256), and the
 * same read back and checked by `calc replay-batch` (batchreplay.c). The result lines and
 * allocate's shards are as calc batch writes them; nothing here changes their format.
 *
 * The manifest's "digest" is the SHA-256 of its canonical content: its members other than
 * "digest" and "signature", in the order written, as compact JSON (calc_json_write). With a
 * key (--sign), an Ed25519 signature of that digest (sign.c) goes in the "signature" member
 * {algorithm, key (the public key's fingerprint), value (base64)}, which the digest leaves
 * out; replay-batch --verify checks it against the digest of the content as read. */
#include "batchrun.h"
#include "msgs.h"
#include "polkey.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_VERSION 1

/* ---- digests ---- */

/* The SHA-256 of a file (hex) and its lines (a last line without newline counts); 0 or errno. */
static int file_digest(const char *path, char hex[65], size_t *lines)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno ? errno : EIO;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL))
        abort(); /* out of memory */
    static const char xd[] = "0123456789abcdef";
    char buf[1 << 16];
    size_t n, nl = 0;
    char last = '\n';
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        EVP_DigestUpdate(c, buf, n);
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
            nl++;
        last = buf[n - 1];
    }
    int rc = ferror(f) ? EIO : 0;
    fclose(f);
    unsigned char md[32];
    unsigned len = 0;
    EVP_DigestFinal_ex(c, md, &len);
    EVP_MD_CTX_free(c);
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = xd[md[i] >> 4];
        hex[2 * i + 1] = xd[md[i] & 15];
    }
    hex[64] = 0;
    if (lines)
        *lines = nl + (last != '\n');
    return rc;
}

/* The manifest's canonical content: every member of the object but "digest" and "signature",
 * in order, as compact JSON. */
static void manifest_canonical(sbuf *out, const value *m)
{
    sb_puts(out, "{");
    bool first = true;
    for (size_t i = 0; i < m->n; i++) {
        const char *k = m->keys[i]->str;
        if (strcmp(k, "digest") == 0 || strcmp(k, "signature") == 0)
            continue;
        if (!first)
            sb_puts(out, ", ");
        first = false;
        sb_json_str(out, k);
        sb_puts(out, ": ");
        calc_json_write(out, m->items[i]);
    }
    sb_puts(out, "}");
}

static void manifest_digest(const value *m, char hex[65])
{
    sbuf c = {0};
    manifest_canonical(&c, m);
    calc_sha256_hex(c.p, c.n, hex);
    sb_free(&c);
}

/* ---- the manifest ---- */

static const char *const input_format_names[] = {"jsonl", "yaml", "csv"};
static const char *const encoding_names[] = {NULL, "utf-8", "gbk", "gb18030"};

static void json_opt_str(sbuf *j, const char *s)
{
    if (s)
        sb_json_str(j, s);
    else
        SB_LIT(j, "null");
}

static void json_str_list(sbuf *j, const char *const *v, int n)
{
    SB_LIT(j, "[");
    for (int i = 0; i < n; i++) {
        if (i)
            SB_LIT(j, ", ");
        sb_json_str(j, v[i]);
    }
    SB_LIT(j, "]");
}

/* A file's entry: {"path", "sha256", and "records" or "lines"}; an unreadable file (standard
 * input) has no digest. */
static void json_file(sbuf *j, const char *path, const char *count_key, size_t count,
                      bool count_known)
{
    char hex[65];
    size_t lines = 0;
    bool ok = strcmp(path, "-") != 0 && file_digest(path, hex, &lines) == 0;
    SB_LIT(j, "{\"path\": ");
    sb_json_str(j, path);
    SB_LIT(j, ", \"sha256\": ");
    json_opt_str(j, ok ? hex : NULL);
    sb_printf(j, ", \"%s\": %zu}", count_key, count_known ? count : lines);
}

int batch_manifest_write(const batch *b, const char *command)
{
    const calc_batch_opts *o = b->o;
    const calc_engine *e = b->eng[0];
    sbuf j = {0};
    char d[16];
    sb_printf(&j, "{\n  \"calc_manifest\": %d,\n  \"command\": ", MANIFEST_VERSION);
    sb_json_str(&j, command);
    SB_LIT(&j, ",\n  \"calc_version\": \"" CALC_VERSION "\",\n  \"as_of\": \"");
    sb_puts(&j, calc_date_format(d, b->as_of));
    SB_LIT(&j, "\",\n  \"rules\": {\"dir\": ");
    sb_json_str(&j, e->dir ? e->dir : o->policies ? o->policies : "policies");
    sb_printf(&j, ", \"policy_set\": \"sha256:%s\", \"files\": [", e->set_fp);
    for (size_t i = 0; i < e->nfp; i++) {
        sb_puts(&j, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
        sb_json_str(&j, e->fp[i].path);
        sb_printf(&j, ", \"sha256\": \"%s\"}", e->fp[i].hex);
    }
    SB_LIT(&j, "]},\n  \"options\": {");
    sb_printf(&j, "\"no_pools\": %s, \"explain\": %s, \"no_eval\": %s, \"set\": ",
              o->no_pools ? "true" : "false", o->explain ? "true" : "false",
              o->no_eval ? "true" : "false");
    json_str_list(&j, o->sets, o->nsets);
    SB_LIT(&j, ", \"scenario\": ");
    if (o->scenario) {
        json_file(&j, o->scenario, "lines", 0, false);
    } else
        SB_LIT(&j, "null");
    SB_LIT(&j, ", \"param\": ");
    json_str_list(&j, o->params, o->nparams);
    SB_LIT(&j, ", \"input_format\": ");
    json_opt_str(&j, o->input_format >= 0 && o->input_format <= 2
                         ? input_format_names[o->input_format] : NULL);
    SB_LIT(&j, ", \"encoding\": ");
    json_opt_str(&j, o->encoding > 0 && o->encoding <= 3 ? encoding_names[o->encoding] : NULL);
    SB_LIT(&j, ", \"format\": ");
    sb_json_str(&j, o->out_format == CALC_OUT_CSV ? "csv" : o->out_format == CALC_OUT_XLSX
                                                                ? "xlsx" : "jsonl");
    SB_LIT(&j, "},\n  \"inputs\": [");
    for (int i = 0; i < o->ninputs; i++) {
        sb_puts(&j, i ? ",\n    " : "\n    ");
        json_file(&j, o->inputs[i], b->in_records ? "records" : "lines",
                  b->in_records ? b->in_records[i] : 0, b->in_records != NULL);
    }
    SB_LIT(&j, "],\n  \"results\": ");
    json_file(&j, o->output ? o->output : "-", "lines", 0, false);
    if (o->history) { /* --ledger: the history the run used, which replay uses again */
        SB_LIT(&j, ",\n  \"ledger\": ");
        history_json(&j, o->history);
    }
    /* the digest of what is above; a signature of it goes beside it */
    arena a = {0};
    value *t = NULL;
    calc_diags dg = {0};
    sbuf whole = {0};
    sb_putn(&whole, j.p, j.n);
    SB_LIT(&whole, "\n}");
    int rc = calc_json_parse(&a, "<manifest>", 1, whole.p, whole.n, &t, &dg);
    if (rc) { /* cannot happen: the text above is JSON */
        calc_diags_print(o->err, &dg);
        abort();
    }
    char hex[65];
    manifest_digest(t, hex);
    sb_printf(&j, ",\n  \"digest\": \"sha256:%s\"", hex);
    calc_diags_free(&dg);
    arena_free(&a);
    sb_free(&whole);
    if (o->manifest_key) { /* the digest signed: what the manifest says cannot change unseen */
        char sig[200], fp[72];
        calc_error why = {0};
        if ((rc = calc_sign_digest(o->manifest_key, hex, sig, sizeof sig, fp, &why))) {
            calc_error_print(o->err, &why);
            sb_free(&j);
            return rc;
        }
        sb_printf(&j, ",\n  \"signature\": {\"algorithm\": \"ed25519\", \"key\": \"%s\", "
                      "\"value\": \"%s\"}",
                  fp, sig);
    }
    SB_LIT(&j, "\n}\n");
    calc_outfile of;
    rc = calc_out_open(&of, o->manifest, o->err);
    if (!rc) {
        fwrite(j.p, 1, j.n, of.f);
        rc = calc_out_close(&of, true, o->err);
    }
    sb_free(&j);
    return rc ? CALC_EIO : 0;
}

/* ---- the manifest read back ---- */

/* One line of the checks' report: fmt (a catalogue message) in its language. */
static void __attribute__((format(printf, 2, 3))) say(manifest_report *r, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    calc_msg_vformat(buf, sizeof buf, r->lang, fmt, ap);
    va_end(ap);
    fprintf(r->out, "%s\n", buf);
}

const char *json_text(const value *m, const char *key)
{
    const value *v = m && m->type == V_MAP ? map_get(m, key) : NULL;
    return v && v->type == V_SCALAR ? v->str : NULL;
}

static bool mflag(const value *m, const char *key)
{
    const char *s = json_text(m, key);
    return s && strcmp(s, "true") == 0;
}

/* A list of strings of the manifest, kept in a. */
static const char **mlist(arena *a, const value *m, const char *key, int *n)
{
    const value *v = m ? map_get(m, key) : NULL;
    *n = 0;
    if (!v || v->type != V_SEQ)
        return NULL;
    const char **out = arena_alloc(a, (v->n + 1) * sizeof *out);
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i]->type == V_SCALAR)
            out[(*n)++] = v->items[i]->str;
    return out;
}

static int choice_of(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return i;
    return -1;
}

enum { F_INPUT, F_RESULTS, F_SCENARIO };

/* A file's digest against the manifest's entry: said and failed when it differs. kind is
 * F_*, k an input's number. */
static void check_file(manifest_report *r, const value *entry, const char *path, int kind, int k)
{
    const char *want = json_text(entry, "sha256");
    if (!want)
        return; /* standard input: nothing recorded */
    char what[64];
    if (kind == F_INPUT)
        calc_msg_format(what, sizeof what, r->lang, "input %d", k);
    else
        snprintf(what, sizeof what, "%s",
                 msg_text(kind == F_RESULTS ? N_("the results") : N_("the scenario"), r->lang));
    char hex[65];
    size_t lines = 0;
    int err = file_digest(path, hex, &lines);
    if (err) {
        say(r, "%s (%s): cannot read it: %s", what, path, calc_msg_errno(err));
        r->failed = true;
    } else if (strcmp(hex, want) != 0) {
        say(r, "%s (%s): sha256 %s in the manifest, %s now: it changed after the batch", what,
            path, want, hex);
        r->failed = true;
    }
    const char *ln = json_text(entry, "lines");
    if (!err && ln && strtoull(ln, NULL, 10) != lines) {
        say(r, "%s (%s): %s lines in the manifest, %zu now", what, path, ln, lines);
        r->failed = true;
    }
}

int manifest_read(const char *path, arena *a, calc_batch_opts *b, bool as_of_given,
                  const value **mp, calc_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_print(b->err, NULL, 0, "cannot open %s: %s", path, calc_msg_errno(errno));
        return CALC_EIO;
    }
    sbuf text = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_putn(&text, buf, n);
    fclose(f);
    value *m = NULL;
    int rc = calc_json_parse(a, path, 1, text.p ? text.p : "", text.n, &m, d);
    sb_free(&text);
    if (rc)
        return rc;
    const char *ver = json_text(m, "calc_manifest");
    if (m->type != V_MAP || !ver) {
        diag_print(b->err, path, 0, "not a manifest of calc batch");
        return CALC_ESCHEMA;
    }
    if (strcmp(ver, "1") != 0) {
        diag_print(b->err, path, 0, "manifest version %s: this calc reads version %d",
                   ver, MANIFEST_VERSION);
        return CALC_ESCHEMA;
    }
    *mp = m;
    const char *cmd = json_text(m, "command"), *fmt = json_text(map_get(m, "options"), "format");
    if (!cmd || strcmp(cmd, "batch") != 0) {
        diag_print(b->err, path, 0, "a manifest of calc %s: replay-batch replays calc "
                   "batch's (replay each shard's batch)", cmd ? cmd : "?");
        return CALC_EUSAGE;
    }
    if (fmt && strcmp(fmt, "jsonl") != 0) {
        diag_print(b->err, path, 0, "the batch wrote %s: replay-batch compares JSON "
                   "Lines results", fmt);
        return CALC_EUSAGE;
    }
    const char *asof = json_text(m, "as_of");
    if (!as_of_given) {
        if (!asof || calc_date_parse(&b->as_of, asof, strlen(asof))) {
            diag_print(b->err, path, 0, "the manifest gives no date (as_of)");
            return CALC_ESCHEMA;
        }
    }
    const value *opt = map_get(m, "options");
    b->no_pools = mflag(opt, "no_pools");
    b->explain = mflag(opt, "explain");
    b->no_eval = mflag(opt, "no_eval");
    b->sets = mlist(a, opt, "set", &b->nsets);
    b->params = mlist(a, opt, "param", &b->nparams);
    const value *sc = opt ? map_get(opt, "scenario") : NULL;
    b->scenario = sc && sc->type == V_MAP ? json_text(sc, "path") : NULL;
    b->input_format = choice_of(json_text(opt, "input_format"), input_format_names, 3);
    int enc = choice_of(json_text(opt, "encoding"), encoding_names, 4);
    b->encoding = enc > 0 ? enc : 0;
    const value *lg = map_get(m, "ledger"); /* the history the batch used, not the ledger's now */
    if (lg && !(b->history = history_from_json(lg))) {
        diag_print(b->err, path, 0, "the manifest's ledger snapshot is not readable");
        return CALC_ESCHEMA;
    }
    const value *ins = map_get(m, "inputs");
    size_t nin = ins && ins->type == V_SEQ ? ins->n : 0;
    if (b->ninputs == 0) { /* the manifest's own inputs */
        const char **v = arena_alloc(a, (nin + 1) * sizeof *v);
        for (size_t i = 0; i < nin; i++)
            v[i] = json_text(ins->items[i], "path") ? json_text(ins->items[i], "path") : "-";
        b->inputs = v;
        b->ninputs = (int)nin;
    }
    return 0;
}

void manifest_check(manifest_report *r, const char *path, const value *m,
                    const calc_batch_opts *b, const char *results)
{
    char hex[65];
    manifest_digest(m, hex);
    const char *dg = json_text(m, "digest");
    if (!dg || strncmp(dg, "sha256:", 7) != 0 || strcmp(dg + 7, hex) != 0) {
        say(r, "manifest %s: its digest does not match its content: it changed after it was "
            "written", path);
        r->failed = true;
    }
    if (r->verify_key) { /* the signature over the digest of the content as it is now */
        const value *sg = map_get(m, "signature");
        const char *val = sg ? json_text(sg, "value") : NULL;
        char fp[72] = "";
        calc_error e = {0};
        if (!val) {
            say(r, "manifest %s: it is not signed (calc batch --manifest FILE --sign KEY.pem)",
                path);
            r->failed = true;
        } else if (calc_verify_digest(r->verify_key, hex, val, fp, &e)) {
            say(r, "manifest %s: its signature does not verify: %s", path,
                calc_error_text(&e, r->lang));
            r->failed = true;
        } else
            say(r, "manifest %s: signed by %s", path, fp);
    }
    const value *opt = map_get(m, "options");
    const value *sc = opt ? map_get(opt, "scenario") : NULL;
    if (b->scenario && sc)
        check_file(r, sc, b->scenario, F_SCENARIO, 1);
    const value *ins = map_get(m, "inputs");
    size_t nin = ins && ins->type == V_SEQ ? ins->n : 0;
    if ((size_t)b->ninputs != nin) {
        say(r, "the manifest lists %zu inputs, %d given", nin, b->ninputs);
        r->failed = true;
    }
    for (int i = 0; i < b->ninputs && (size_t)i < nin; i++)
        if (strcmp(b->inputs[i], "-") != 0)
            check_file(r, ins->items[i], b->inputs[i], F_INPUT, i + 1);
    check_file(r, map_get(m, "results"), results, F_RESULTS, 1);
    const char *cv = json_text(m, "calc_version");
    if (cv && strcmp(cv, CALC_VERSION) != 0)
        say(r, "note: calc %s made the results; this is calc %s", cv, CALC_VERSION);
}

