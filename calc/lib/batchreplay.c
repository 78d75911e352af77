/* batchreplay.c — what makes a batch's results replayable: the manifest `calc batch
 * --manifest` and `calc allocate --manifest` write beside the results (the rules, as_of, calc's
 * version, the options that change results, each input's and the results' SHA-256), and `calc
 * replay-batch`, which runs the batch again with calc_batch itself (threads, streaming, the
 * same pools allocation) into a temporary file and compares its lines with the recorded ones,
 * record by record by id: matched, differing (each field named, recorded → now), missing from
 * either side, duplicate ids. The result lines and allocate's shards are as calc batch writes
 * them; nothing here changes their format.
 *
 * The manifest's "digest" is the SHA-256 of its canonical content: its members other than
 * "digest" and "signature", in the order written, as compact JSON (calc_json_write). A
 * signature (Ed25519, the signing API of sign.c) is to cover that digest and go in a
 * "signature" member, which the digest leaves out; this file neither signs nor verifies. */
#include "batchrun.h"
#include "msgs.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_VERSION 1
/* how many differing records the report names one by one, and fields per record */
#define SHOW_RECORDS 20
#define SHOW_FIELDS 8

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
    sb_printf(&j, ",\n  \"digest\": \"sha256:%s\"\n}\n", hex);
    calc_diags_free(&dg);
    arena_free(&a);
    sb_free(&whole);
    calc_outfile of;
    rc = calc_out_open(&of, o->manifest, o->err);
    if (!rc) {
        fwrite(j.p, 1, j.n, of.f);
        rc = calc_out_close(&of, true, o->err);
    }
    sb_free(&j);
    return rc ? CALC_EIO : 0;
}

/* ---- replay: the report ---- */

typedef struct replay {
    const calc_replay_batch_opts *ro;
    int lang;
    FILE *out;
    size_t records, matched, differing, missing_results, missing_run, dups, unreadable;
    size_t shown;   /* differing records named so far */
    bool failed;    /* a digest of the manifest did not hold */
    bool set_noted; /* the rule set's difference was said */
    sbuf line;
} replay;

/* One line of the report: fmt (a catalogue message) in the report's language. */
static void say(replay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(replay *r, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    calc_msg_vformat(buf, sizeof buf, r->lang, fmt, ap);
    va_end(ap);
    fprintf(r->out, "%s\n", buf);
}

/* ---- replay: the manifest read back ---- */

static const char *mtext(const value *m, const char *key)
{
    const value *v = m && m->type == V_MAP ? map_get(m, key) : NULL;
    return v && v->type == V_SCALAR ? v->str : NULL;
}

static bool mflag(const value *m, const char *key)
{
    const char *s = mtext(m, key);
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
static void check_file(replay *r, const value *entry, const char *path, int kind, int k)
{
    const char *want = mtext(entry, "sha256");
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
    const char *ln = mtext(entry, "lines");
    if (!err && ln && strtoull(ln, NULL, 10) != lines) {
        say(r, "%s (%s): %s lines in the manifest, %zu now", what, path, ln, lines);
        r->failed = true;
    }
}

/* Reads the manifest into the run's options (o's copy b, strings in a): 0, or CALC_E*. */
static int manifest_apply(replay *r, const char *path, arena *a, calc_batch_opts *b,
                          const value **mp, calc_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_print(r->ro->batch.err, NULL, 0, "cannot open %s: %s", path, calc_msg_errno(errno));
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
    const char *ver = mtext(m, "calc_manifest");
    if (m->type != V_MAP || !ver) {
        diag_print(r->ro->batch.err, path, 0, "not a manifest of calc batch");
        return CALC_ESCHEMA;
    }
    if (strcmp(ver, "1") != 0) {
        diag_print(r->ro->batch.err, path, 0, "manifest version %s: this calc reads version %d",
                   ver, MANIFEST_VERSION);
        return CALC_ESCHEMA;
    }
    *mp = m;
    const char *cmd = mtext(m, "command"), *fmt = mtext(map_get(m, "options"), "format");
    if (!cmd || strcmp(cmd, "batch") != 0) {
        diag_print(r->ro->batch.err, path, 0, "a manifest of calc %s: replay-batch replays calc "
                   "batch's (replay each shard's batch)", cmd ? cmd : "?");
        return CALC_EUSAGE;
    }
    if (fmt && strcmp(fmt, "jsonl") != 0) {
        diag_print(r->ro->batch.err, path, 0, "the batch wrote %s: replay-batch compares JSON "
                   "Lines results", fmt);
        return CALC_EUSAGE;
    }
    const char *asof = mtext(m, "as_of");
    if (!r->ro->as_of_given) {
        if (!asof || calc_date_parse(&b->as_of, asof, strlen(asof))) {
            diag_print(r->ro->batch.err, path, 0, "the manifest gives no date (as_of)");
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
    b->scenario = sc && sc->type == V_MAP ? mtext(sc, "path") : NULL;
    b->input_format = choice_of(mtext(opt, "input_format"), input_format_names, 3);
    int enc = choice_of(mtext(opt, "encoding"), encoding_names, 4);
    b->encoding = enc > 0 ? enc : 0;
    const value *ins = map_get(m, "inputs");
    size_t nin = ins && ins->type == V_SEQ ? ins->n : 0;
    if (b->ninputs == 0) { /* the manifest's own inputs */
        const char **v = arena_alloc(a, (nin + 1) * sizeof *v);
        for (size_t i = 0; i < nin; i++)
            v[i] = mtext(ins->items[i], "path") ? mtext(ins->items[i], "path") : "-";
        b->inputs = v;
        b->ninputs = (int)nin;
    }
    return 0;
}

/* The manifest's digests against the files: its own, the scenario's, each input's and the
 * results'; and the version of calc that made them. Each difference is said and fails. */
static void manifest_check(replay *r, const char *path, const value *m, const calc_batch_opts *b)
{
    char hex[65];
    manifest_digest(m, hex);
    const char *dg = mtext(m, "digest");
    if (!dg || strncmp(dg, "sha256:", 7) != 0 || strcmp(dg + 7, hex) != 0) {
        say(r, "manifest %s: its digest does not match its content: it changed after it was "
            "written", path);
        r->failed = true;
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
    check_file(r, map_get(m, "results"), r->ro->results, F_RESULTS, 1);
    const char *cv = mtext(m, "calc_version");
    if (cv && strcmp(cv, CALC_VERSION) != 0)
        say(r, "note: calc %s made the results; this is calc %s", cv, CALC_VERSION);
}

/* ---- replay: the lines ---- */

/* A file's bytes, mapped (an empty file: no mapping). */
typedef struct mapped {
    const char *p;
    size_t n;
} mapped;

static int map_file(const char *path, mapped *m, FILE *err)
{
    memset(m, 0, sizeof *m);
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        diag_print(err, NULL, 0, "cannot open %s: %s", path, calc_msg_errno(errno));
        if (fd >= 0)
            close(fd);
        return CALC_EIO;
    }
    m->n = (size_t)st.st_size;
    if (m->n) {
        void *p = mmap(NULL, m->n, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            diag_print(err, NULL, 0, "cannot read %s: %s", path, calc_msg_errno(errno));
            close(fd);
            return CALC_EIO;
        }
        posix_madvise(p, m->n, POSIX_MADV_SEQUENTIAL);
        m->p = p;
    }
    close(fd);
    return 0;
}

static void unmap_file(mapped *m)
{
    if (m->n)
        munmap((void *)m->p, m->n);
}

/* A line of a results file: where it is, and what it is to the comparison. */
typedef struct rline {
    size_t off, len; /* without the newline */
    bool seen, dup;
} rline;

static rline *split_lines(const mapped *m, size_t *n)
{
    size_t cap = 1024, k = 0;
    rline *v = malloc(cap * sizeof *v);
    for (size_t at = 0; v && at < m->n;) {
        const char *nl = memchr(m->p + at, '\n', m->n - at);
        size_t end = nl ? (size_t)(nl - m->p) : m->n;
        if (k == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        if (!v)
            break;
        v[k].off = at;
        v[k].len = end - at;
        v[k].seen = v[k].dup = false;
        k++;
        at = end + 1;
    }
    if (!v)
        abort(); /* out of memory */
    *n = k;
    return v;
}

/* The key a line is matched by: a result line's id ("profile"), an error line's record number
 * (the input's, so a line left out elsewhere does not move it), into key; false for a line that
 * is neither. calc batch writes either first, so the common line is read without parsing. */
static bool line_key(const char *p, size_t n, sbuf *key)
{
    static const char pre_id[] = "{\"profile\": \"", pre_rec[] = "{\"record\": ";
    key->n = 0;
    if (n > sizeof pre_id && memcmp(p, pre_id, sizeof pre_id - 1) == 0) {
        const char *s = p + sizeof pre_id - 1, *end = p + n;
        const char *q = s;
        while (q < end && *q != '"' && *q != '\\')
            q++;
        if (q < end && *q == '"') {
            sb_putn(key, "i", 1);
            sb_putn(key, s, (size_t)(q - s));
            return true;
        }
    } else if (n > sizeof pre_rec && memcmp(p, pre_rec, sizeof pre_rec - 1) == 0) {
        const char *s = p + sizeof pre_rec - 1, *q = s;
        while (q < p + n && *q >= '0' && *q <= '9')
            q++;
        if (q > s) {
            sb_putn(key, "r", 1);
            sb_putn(key, s, (size_t)(q - s));
            return true;
        }
    }
    /* anything else: parsed */
    arena a = {0};
    value *t = NULL;
    calc_diags d = {0};
    bool ok = false;
    if (calc_json_parse(&a, "<result>", 0, p, n, &t, &d) == 0 && t->type == V_MAP) {
        const char *id = mtext(t, "profile"), *rec = mtext(t, "record");
        if (id && map_get(t, "results")) {
            sb_putn(key, "i", 1);
            sb_puts(key, id);
            ok = true;
        } else if (rec) {
            sb_putn(key, "r", 1);
            sb_puts(key, rec);
            ok = true;
        }
    }
    calc_diags_free(&d);
    arena_free(&a);
    return ok;
}

/* 128 bits of a key for the id set: two FNV-1a hashes (a match is checked on the key itself). */
static void key_hash(const sbuf *k, unsigned char out[16])
{
    uint64_t h1 = 14695981039346656037u, h2 = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < k->n; i++) {
        h1 = (h1 ^ (unsigned char)k->p[i]) * 1099511628211u;
        h2 = (h2 ^ (unsigned char)k->p[i]) * 0x100000001b3u;
        h2 ^= h2 >> 29;
    }
    memcpy(out, &h1, 8);
    memcpy(out + 8, &h2, 8);
}

/* The key as people read it: the id, or "input record N" (lang's words). */
static const char *key_shown(const sbuf *k, char *buf, size_t cap, int lang)
{
    if (k->p[0] == 'r')
        calc_msg_format(buf, cap, lang, "input record %.*s", (int)(k->n - 1), k->p + 1);
    else
        snprintf(buf, cap, "%.*s", (int)(k->n - 1), k->p + 1);
    return buf;
}

/* ---- replay: the fields that differ ---- */

/* A value as the report shows it: a scalar's text, else its JSON, cut at 80 bytes. */
static void shown_value(sbuf *b, const value *v)
{
    size_t at = b->n;
    if (!v)
        sb_puts(b, "-");
    else if (v->type == V_SCALAR)
        sb_puts(b, v->str);
    else
        calc_json_write(b, v);
    if (b->n - at > 80) {
        size_t cut = at + 77;
        while (cut > at && ((unsigned char)b->p[cut] & 0xC0) == 0x80)
            cut--; /* never inside a UTF-8 character */
        b->n = cut;
        sb_puts(b, "...");
    }
}

static bool same_value(const value *a, const value *b, sbuf *ta, sbuf *tb)
{
    if (!a || !b)
        return a == b;
    ta->n = tb->n = 0;
    calc_json_write(ta, a);
    calc_json_write(tb, b);
    return ta->n == tb->n && memcmp(ta->p, tb->p, ta->n) == 0;
}

typedef struct differ {
    replay *r;
    size_t record; /* the run's record number (1-based) */
    const char *id;
    size_t n; /* differences found */
    sbuf ta, tb, rv, nv;
} differ;

static void difference(differ *df, const char *pid, const char *field, const value *was,
                       const value *now)
{
    if (df->n++ >= SHOW_FIELDS || df->r->shown >= SHOW_RECORDS)
        return;
    df->rv.n = df->nv.n = 0;
    shown_value(&df->rv, was);
    shown_value(&df->nv, now);
    if (pid)
        say(df->r, "record %zu, id %s, policy %s: %s %s → %s", df->record, df->id, pid, field,
            df->rv.p, df->nv.p);
    else
        say(df->r, "record %zu, id %s: %s %s → %s", df->record, df->id, field, df->rv.p,
            df->nv.p);
}

/* Every member of two objects compared (skip: members not compared here, NULL-ended). */
static void diff_maps(differ *df, const char *pid, const value *a, const value *b,
                      const char *const *skip)
{
    for (int pass = 0; pass < 2; pass++) {
        const value *x = pass ? b : a, *y = pass ? a : b;
        for (size_t i = 0; i < x->n; i++) {
            const char *k = x->keys[i]->str;
            bool skipped = false;
            for (const char *const *s = skip; s && *s; s++)
                skipped |= strcmp(*s, k) == 0;
            const value *other = map_get(y, k);
            if (skipped || (pass && other)) /* the second pass: members only b has */
                continue;
            if (!same_value(x->items[i], other, &df->ta, &df->tb))
                difference(df, pid, k, pass ? other : x->items[i], pass ? x->items[i] : other);
        }
    }
}

static const value *result_of(const value *results, const char *pid)
{
    for (size_t i = 0; results && results->type == V_SEQ && i < results->n; i++) {
        const char *p = mtext(results->items[i], "policy");
        if (p && strcmp(p, pid) == 0)
            return results->items[i];
    }
    return NULL;
}

/* The fingerprint members that belong to the record (the profile, the date); the rule set's
 * and calc's version are the run's, said once. */
static void diff_fingerprint(differ *df, const value *a, const value *b)
{
    static const char *const run_level[] = {"policy_set", "calc_version", NULL};
    const value *fa = a ? map_get(a, "fingerprint") : NULL, *fb = b ? map_get(b, "fingerprint") : NULL;
    if (!fa || !fb || fa->type != V_MAP || fb->type != V_MAP) {
        if (!same_value(fa, fb, &df->ta, &df->tb))
            difference(df, NULL, "fingerprint", fa, fb);
        return;
    }
    const char *sa = mtext(fa, "policy_set"), *sb = mtext(fb, "policy_set");
    if (sa && sb && strcmp(sa, sb) != 0 && !df->r->set_noted) {
        say(df->r, "note: the results were made under rule set %s; replayed under %s", sa, sb);
        df->r->set_noted = true;
    }
    for (size_t i = 0; i < fa->n; i++) {
        const char *k = fa->keys[i]->str;
        if (strcmp(k, run_level[0]) == 0 || strcmp(k, run_level[1]) == 0)
            continue;
        if (!same_value(fa->items[i], map_get(fb, k), &df->ta, &df->tb)) {
            /* "fingerprint.profile": the input record changed */
            char name[80];
            snprintf(name, sizeof name, "fingerprint.%s", k);
            difference(df, NULL, name, fa->items[i], map_get(fb, k));
        }
    }
}

/* Two lines of the same key, whose bytes differ: the differences that count, named; 0 when
 * only the run's fingerprints differ (the rule set, calc's version). */
static size_t diff_lines(replay *r, size_t record, const char *id, const char *pa, size_t na,
                         const char *pb, size_t nb)
{
    arena a = {0};
    value *ta = NULL, *tb = NULL;
    calc_diags d = {0};
    differ df = {r, record, id, 0, {0}, {0}, {0}, {0}};
    int ea = calc_json_parse(&a, "<recorded>", 0, pa, na, &ta, &d);
    int eb = calc_json_parse(&a, "<now>", 0, pb, nb, &tb, &d);
    if (ea || eb || ta->type != V_MAP || tb->type != V_MAP) {
        value x = {.type = V_SCALAR, .str = ea ? "(not JSON)" : "(JSON)", .len = 0};
        value y = {.type = V_SCALAR, .str = eb ? "(not JSON)" : "(JSON)", .len = 0};
        difference(&df, NULL, "line", &x, &y);
    } else {
        static const char *const top_skip[] = {"results", "fingerprint", "file", NULL};
        diff_maps(&df, NULL, ta, tb, top_skip);
        diff_fingerprint(&df, ta, tb);
        const value *ra = map_get(ta, "results"), *rb = map_get(tb, "results");
        static const char *const pol_skip[] = {"policy", NULL};
        for (size_t i = 0; ra && ra->type == V_SEQ && i < ra->n; i++) {
            const value *x = ra->items[i];
            const char *pid = mtext(x, "policy");
            const value *y = pid ? result_of(rb, pid) : NULL;
            if (!pid || x->type != V_MAP)
                continue;
            if (!y || y->type != V_MAP) {
                value absent = {.type = V_SCALAR, .str = "(none)"};
                value here = {.type = V_SCALAR, .str = "(result)"};
                difference(&df, pid, "result", &here, &absent);
                continue;
            }
            diff_maps(&df, pid, x, y, pol_skip);
        }
        for (size_t i = 0; rb && rb->type == V_SEQ && i < rb->n; i++) {
            const char *pid = mtext(rb->items[i], "policy");
            if (pid && !result_of(ra, pid)) {
                value absent = {.type = V_SCALAR, .str = "(none)"};
                value here = {.type = V_SCALAR, .str = "(result)"};
                difference(&df, pid, "result", &absent, &here);
            }
        }
    }
    if (df.n > SHOW_FIELDS && r->shown < SHOW_RECORDS)
        say(r, "record %zu, id %s: %zu more fields differ", record, id, df.n - SHOW_FIELDS);
    if (df.n)
        r->shown++;
    sb_free(&df.ta);
    sb_free(&df.tb);
    sb_free(&df.rv);
    sb_free(&df.nv);
    calc_diags_free(&d);
    arena_free(&a);
    return df.n;
}

/* The recorded lines (rec, over mapped file mr) against the run's (now, over mn), in the run's
 * order: every record matched by its key. */
static void compare(replay *r, const mapped *mr, rline *rec, size_t nrec, const mapped *mn,
                    rline *now, size_t nnow)
{
    idset ids = {0};
    sbuf key = {0}, key2 = {0};
    unsigned char h[16];
    char shown[300];
    for (size_t i = 0; i < nrec; i++) { /* the recorded lines by key */
        if (!line_key(mr->p + rec[i].off, rec[i].len, &key)) {
            r->unreadable++;
            rec[i].dup = true; /* left out of the matching */
            if (r->shown++ < SHOW_RECORDS)
                say(r, "results line %zu: not a result line of calc batch", i + 1);
            continue;
        }
        key_hash(&key, h);
        size_t first = idset_add(&ids, h, i);
        if (first != (size_t)-1) {
            rec[i].dup = true;
            r->dups++;
            if (r->shown++ < SHOW_RECORDS)
                say(r, "results line %zu: duplicate id %s (first on line %zu)", i + 1,
                    key_shown(&key, shown, sizeof shown, r->lang), first + 1);
        }
    }
    for (size_t k = 0; k < nnow; k++) {
        r->records++;
        const char *p = mn->p + now[k].off;
        size_t n = now[k].len;
        if (!line_key(p, n, &key)) { /* cannot happen: calc batch wrote it */
            r->unreadable++;
            continue;
        }
        key_hash(&key, h);
        size_t at = idset_add(&ids, h, nrec + k);
        key_shown(&key, shown, sizeof shown, r->lang);
        if (at == (size_t)-1) {
            r->missing_results++;
            if (r->shown++ < SHOW_RECORDS)
                say(r, "record %zu, id %s: no line for it in the results (missing from the "
                    "results)", k + 1, shown);
            continue;
        }
        if (at >= nrec) { /* the run wrote this key twice: its inputs repeat an id */
            r->dups++;
            continue;
        }
        line_key(mr->p + rec[at].off, rec[at].len, &key2);
        if (key2.n != key.n || memcmp(key2.p, key.p, key.n) != 0) {
            r->missing_results++; /* two keys of one hash: never seen, but never a false match */
            continue;
        }
        rec[at].seen = true;
        const char *q = mr->p + rec[at].off;
        if ((rec[at].len == n && memcmp(q, p, n) == 0) ||
            diff_lines(r, k + 1, shown, q, rec[at].len, p, n) == 0)
            r->matched++;
        else
            r->differing++;
    }
    for (size_t i = 0; i < nrec; i++)
        if (!rec[i].seen && !rec[i].dup) {
            r->missing_run++;
            line_key(mr->p + rec[i].off, rec[i].len, &key);
            if (r->shown++ < SHOW_RECORDS)
                say(r, "results line %zu, id %s: no record of the inputs gives it (missing from "
                    "this run)", i + 1, key_shown(&key, shown, sizeof shown, r->lang));
        }
    sb_free(&key);
    sb_free(&key2);
    idset_free(&ids);
}

/* The date of the first result line that has one, when neither --as-of nor a manifest says. */
static bool results_date(const mapped *m, const rline *v, size_t n, calc_date *d)
{
    for (size_t i = 0; i < n && i < 1000; i++) {
        arena a = {0};
        value *t = NULL;
        calc_diags dg = {0};
        bool ok = calc_json_parse(&a, "<result>", 0, m->p + v[i].off, v[i].len, &t, &dg) == 0 &&
                  mtext(t, "as_of") && calc_date_parse(d, mtext(t, "as_of"),
                                                      strlen(mtext(t, "as_of"))) == 0;
        calc_diags_free(&dg);
        arena_free(&a);
        if (ok)
            return true;
    }
    return false;
}

/* Copies the first lines of the run's diagnostics to err (the run failed as a whole). */
static void show_run_errors(FILE *f, FILE *err)
{
    rewind(f);
    char line[4096];
    for (int k = 0; k < 20 && fgets(line, sizeof line, f); k++)
        fputs(line, err);
}

int calc_replay_batch(const calc_replay_batch_opts *o)
{
    replay r;
    memset(&r, 0, sizeof r);
    r.ro = o;
    r.lang = o->batch.lang;
    r.out = o->out ? o->out : stdout;
    calc_batch_opts b = o->batch;
    arena a = {0};
    calc_diags d = {0};
    const value *man = NULL;
    mapped mr = {0}, mn = {0};
    rline *rec = NULL, *now = NULL;
    size_t nrec = 0, nnow = 0;
    char *tmp = NULL;
    FILE *errs = NULL;
    int rc = map_file(o->results, &mr, b.err);
    if (!rc)
        rec = split_lines(&mr, &nrec);
    if (!rc && o->manifest && (rc = manifest_apply(&r, o->manifest, &a, &b, &man, &d)))
        calc_diags_print(b.err, &d);
    if (!rc && !o->manifest && !o->as_of_given && !results_date(&mr, rec, nrec, &b.as_of)) {
        diag_print(b.err, o->results, 0, "the results carry no date: give --as-of or --manifest");
        rc = CALC_EUSAGE;
    }
    if (!rc && b.ninputs == 0) {
        diag_print(b.err, NULL, 0, "replay-batch needs the inputs (or --manifest)");
        rc = CALC_EUSAGE;
    }
    if (!rc) { /* the run, as calc batch makes it, into a temporary file */
        char path[1024];
        snprintf(path, sizeof path, "%s/calc-replay.XXXXXX", calc_tmpdir());
        int fd = mkstemp(path);
        errs = batch_temp_file(calc_tmpdir());
        if (fd < 0 || !errs) {
            diag_print(b.err, NULL, 0, "cannot create a temporary file: %s",
                       calc_msg_errno(errno));
            rc = CALC_EIO;
        } else
            tmp = strdup(path);
        if (fd >= 0)
            close(fd);
    }
    if (!rc) {
        char dd[16];
        say(&r, "replaying %s (inputs: %d, as of %s, rules: %s)", o->results, b.ninputs,
            calc_date_format(dd, b.as_of), b.policies ? b.policies : "policies");
        if (man)
            manifest_check(&r, o->manifest, man, &b);
        b.output = tmp;
        b.summary = NULL;
        b.manifest = NULL;
        b.quiet = 1;
        b.out_format = CALC_OUT_JSONL;
        b.err = errs;
        int brc = calc_batch(&b);
        if (brc == CALC_EIO || brc == CALC_EUSAGE || brc == CALC_ENOMEM) {
            show_run_errors(errs, o->batch.err);
            rc = brc;
        } else if (brc == CALC_EPOLICY) {
            show_run_errors(errs, o->batch.err); /* said; the results still compare */
        }
    }
    if (!rc && (rc = map_file(tmp, &mn, o->batch.err)) == 0) {
        now = split_lines(&mn, &nnow);
        compare(&r, &mr, rec, nrec, &mn, now, nnow);
        size_t shown_total = r.differing + r.missing_results + r.missing_run + r.dups +
                             r.unreadable;
        if (shown_total > SHOW_RECORDS)
            say(&r, "(the first %d are named)", SHOW_RECORDS);
        say(&r, "records %zu, matched %zu, differing %zu, missing from the results %zu, missing "
            "from this run %zu, duplicate ids %zu", r.records, r.matched, r.differing,
            r.missing_results, r.missing_run, r.dups);
        bool ok = !r.failed && r.records == r.matched && !r.missing_run && !r.dups &&
                  !r.unreadable;
        size_t bad = r.differing + r.missing_results + r.missing_run + r.dups + r.unreadable;
        if (ok)
            say(&r, "every record matches");
        if (r.failed)
            say(&r, "MISMATCH: the manifest's digests do not hold");
        if (bad)
            say(&r, "MISMATCH: %zu records do not match", bad);
        rc = ok ? 0 : CALC_ECHECK;
    }
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    if (errs)
        fclose(errs);
    unmap_file(&mr);
    unmap_file(&mn);
    free(rec);
    free(now);
    calc_diags_free(&d);
    arena_free(&a);
    return rc;
}
