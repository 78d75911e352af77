/* batchreplay.c — `calc replay-batch`: a batch run again with calc_batch itself (threads,
 * streaming, the same pools allocation) into a temporary file, and its lines compared with the
 * recorded ones, record by record by id: matched, differing (each field named, recorded →
 * now), missing from either side, duplicate ids. The date, options and digests come from the
 * batch's manifest when one is given (batchmanifest.c). */
#include "batchrun.h"
#include "msgs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* how many differing records the report names one by one, and fields per record */
#define SHOW_RECORDS 20
#define SHOW_FIELDS 8

/* ---- replay: the report ---- */

typedef struct replay {
    const calc_replay_batch_opts *ro;
    int lang;
    FILE *out;
    size_t records, matched, differing, missing_results, missing_run, dups, unreadable;
    size_t shown;   /* differing records named so far */
    bool set_noted; /* the rule set's difference was said */
    sbuf line;
} replay;

/* One line of the report: fmt (a catalogue message) in the report's language. */
static void __attribute__((format(printf, 2, 3))) say(replay *r, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    calc_msg_vformat(buf, sizeof buf, r->lang, fmt, ap);
    va_end(ap);
    fprintf(r->out, "%s\n", buf);
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
        const char *id = json_text(t, "profile"), *rec = json_text(t, "record");
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
        const char *p = json_text(results->items[i], "policy");
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
    const char *sa = json_text(fa, "policy_set"), *sb = json_text(fb, "policy_set");
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
            const char *pid = json_text(x, "policy");
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
            const char *pid = json_text(rb->items[i], "policy");
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
                  json_text(t, "as_of") && calc_date_parse(d, json_text(t, "as_of"),
                                                      strlen(json_text(t, "as_of"))) == 0;
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
    manifest_report mrep = {r.out, r.lang, false, o->verify_key};
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
    if (!rc && o->manifest &&
        (rc = manifest_read(o->manifest, &a, &b, o->as_of_given, &man, &d)))
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
            manifest_check(&mrep, o->manifest, man, &b, o->results);
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
        bool ok = !mrep.failed && r.records == r.matched && !r.missing_run && !r.dups &&
                  !r.unreadable;
        size_t bad = r.differing + r.missing_results + r.missing_run + r.dups + r.unreadable;
        if (ok)
            say(&r, "every record matches");
        if (mrep.failed)
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
    if (b.history != o->batch.history) /* the manifest's snapshot */
        calc_history_free((calc_history *)b.history);
    return rc;
}
