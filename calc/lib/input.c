/* input.c — batch input: JSON Lines (one profile per line, parsed later by the workers),
 * YAML multi-document streams and CSV whose header names field paths or labels (csvin.c, its
 * text decoded by textdec.c), read one record at a time so that memory stays bounded. It builds value trees; validation is
 * schema.c's, and nothing here evaluates or writes. With input_defer_rows a YAML document or
 * CSV row is only cut from the stream, and parsed where input_read_deferred is called (batch's
 * workers). */
#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LONG_HINT "a record is one line, one document or one row; if the file is right, " \
                  "raise --max-input (MiB)"

int input_format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return -1;
    if (!strcmp(dot, ".jsonl") || !strcmp(dot, ".ndjson") || !strcmp(dot, ".json"))
        return IN_JSONL;
    if (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))
        return IN_YAML;
    if (!strcmp(dot, ".csv"))
        return IN_CSV;
    return -1;
}

/* An encoding but UTF-8's for YAML or JSON Lines: refused, into err. */
static bool encoding_refused(int format, int encoding, const char *name, calc_error *err)
{
    if (format == IN_CSV || encoding == CALC_ENC_AUTO || encoding == CALC_ENC_UTF8)
        return false;
    calc_error_set(err, CALC_EUSAGE, NULL, 0, 0,
                   "%s: --encoding %s is for CSV: YAML and JSON Lines are always UTF-8", name,
                   encoding == CALC_ENC_GBK ? "gbk" : "gb18030");
    return true;
}

/* The CSV reader and its text decoder (which may read ahead to find the encoding). */
static void csv_open(calc_input *in, int encoding)
{
    in->encoding = encoding;
    csvin_start(in);
    textdec_start(in, encoding);
}

calc_input *input_open_stream(FILE *f, const char *name, int format, int encoding,
                              const calc_schema *schema)
{
    calc_input *in = calloc(1, sizeof *in);
    in->path = name;
    in->format = format;
    in->schema = schema;
    in->size = -1;
    in->f = f;
    if (format == IN_CSV)
        csv_open(in, encoding);
    else if (encoding_refused(format, encoding, name, &in->dec.err))
        in->dec.failed = true;
    return in;
}

calc_input *input_open(const char *path, int format, int encoding, const calc_schema *schema,
                       calc_error *err)
{
    if (encoding_refused(format, encoding, path, err))
        return NULL;
    calc_input *in = calloc(1, sizeof *in);
    in->path = path;
    in->format = format;
    in->schema = schema;
    in->size = -1;
    if (strcmp(path, "-") == 0) {
        in->f = stdin;
        in->path = "<stdin>";
    } else {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot read %s: is a directory", path);
            free(in);
            return NULL;
        }
        in->f = fopen(path, "rb");
        if (!in->f) {
            calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot open %s: %s", path,
                           calc_msg_errno(errno));
            free(in);
            return NULL;
        }
        in->own = true;
        if (S_ISREG(st.st_mode))
            in->size = st.st_size;
    }
    if (format == IN_CSV)
        csv_open(in, encoding);
    return in;
}

void input_close(calc_input *in)
{
    if (!in)
        return;
    if (in->format == IN_CSV) {
        csvin_close(in);
        textdec_close(&in->dec);
    }
    if (in->own)
        fclose(in->f);
    free(in->buf);
    free(in->rb);
    free(in->pend);
    free(in);
}

long long input_size(const calc_input *in) { return in->size; }

void input_set_need(calc_input *in, bool (*need)(void *ud), void *ud)
{
    in->need = need;
    in->need_ud = ud;
}

bool input_needed(calc_input *in) { return !in->need || in->need(in->need_ud); }

long long input_pos(const calc_input *in)
{
    long p = in->own ? ftell(in->f) : -1;
    long long ahead = in->format == IN_CSV ? textdec_ahead(&in->dec)
                                           : (long long)(in->rlen - in->rpos);
    return p < 0 ? p : p - ahead; /* less what is read ahead */
}

bool input_encoding_note(const calc_input *in, int lang, sbuf *b, sbuf *json)
{
    if (in->format != IN_CSV || in->dec.failed || in->dec.neither ||
        in->dec.enc == CALC_ENC_UTF8)
        return false; /* neither: the file is refused, not read in an encoding */
    const char *enc = textdec_name(in->dec.enc);
    sbuf zh = {0}, en = {0};
    sb_printf(&zh, "按 %s 编码读取 %s", enc, in->path);
    sb_printf(&en, "read %s as %s", in->path, enc);
    if (b)
        sb_puts(b, lang ? en.p : zh.p);
    if (json) {
        SB_LIT(json, "{\"code\": \"encoding\", \"file\": ");
        sb_json_str(json, in->path);
        sb_printf(json, ", \"encoding\": \"%s\", \"zh\": ", enc);
        sb_json_str(json, zh.p);
        SB_LIT(json, ", \"en\": ");
        sb_json_str(json, en.p);
        SB_LIT(json, "}");
    }
    sb_free(&zh);
    sb_free(&en);
    return true;
}

const char *input_path(const calc_input *in) { return in->path; }

void input_set_name(calc_input *in, const char *name) { in->path = name; }

void input_empty_error(calc_error *x, const char *name)
{
    calc_error_set(x, CALC_ESCHEMA, NULL, 0, 0, "%s: no records (the input is empty)", name);
    calc_error_hint(x, "a record is a JSON line, a YAML document or a CSV row under the header: "
                       "was the export complete?");
}

/* Reads on past the end of a line of which have bytes are in the buffer, holding none of it;
 * -2, its number and length in in->long_line and in->long_len. */
static ssize_t skip_line(calc_input *in, size_t have)
{
    in->long_line = ++in->line;
    in->long_len = have;
    in->rpos = in->rlen = 0;
    while (!in->reof) {
        size_t got = fread(in->rb, 1, in->rbcap - 1, in->f);
        if (got == 0) {
            in->reof = true;
            break;
        }
        char *nl = memchr(in->rb, '\n', got);
        if (nl) { /* the rest of the buffer: the lines after it */
            in->rpos = (size_t)(nl - in->rb) + 1;
            in->rlen = got;
            in->long_len += in->rpos - 1; /* not its line end */
            break;
        }
        in->long_len += got;
    }
    return -2;
}

/* The next line of a JSON Lines input in *out (in the read buffer, NUL-terminated, without
 * its line end or a leading byte order mark); its length, or -1 at the end. */
static ssize_t read_line(calc_input *in, char **out)
{
    for (;;) {
        char *s = in->rb + in->rpos;
        size_t avail = in->rlen - in->rpos;
        char *nl = avail ? memchr(s, '\n', avail) : NULL;
        if (nl || (in->reof && avail)) {
            size_t n = nl ? (size_t)(nl - s) + 1 : avail;
            in->rpos += n;
            in->line++;
            if (in->line == 1 && n >= 3 && (unsigned char)s[0] == 0xEF &&
                (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
                s += 3;
                n -= 3;
            }
            while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
                n--;
            s[n] = 0; /* over the newline, or the byte kept free after the data */
            *out = s;
            return (ssize_t)n;
        }
        if (in->reof)
            return -1;
        if (avail > CALC_MAX_INPUT) /* longer than a record may be: skipped to its end */
            return skip_line(in, avail);
        if (avail) /* keep the partial line, read more */
            memmove(in->rb, in->rb + in->rpos, avail);
        in->rpos = 0;
        in->rlen = avail;
        if (in->rbcap - in->rlen < 2) {
            size_t cap = in->rbcap ? in->rbcap * 2 : (size_t)1 << 20;
            char *rb = realloc(in->rb, cap);
            if (!rb)
                return -1;
            in->rb = rb;
            in->rbcap = cap;
        }
        size_t got = fread(in->rb + in->rlen, 1, in->rbcap - in->rlen - 1, in->f);
        in->rlen += got;
        if (got == 0)
            in->reof = true;
    }
}

/* The next line of a YAML input into in->buf (getline's way), or -1 at the end; a line longer
 * than a record may be ends the input there (in->long_line). */
static ssize_t line_within(calc_input *in)
{
    size_t n = 0;
    int c = 0;
    while (n <= CALC_MAX_INPUT && (c = getc_unlocked(in->f)) != EOF) {
        if (n + 2 > in->bufcap) {
            size_t cap = in->bufcap ? in->bufcap * 2 : 256;
            char *b = realloc(in->buf, cap);
            if (!b)
                abort(); /* out of memory */
            in->buf = b;
            in->bufcap = cap;
        }
        in->buf[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (n > CALC_MAX_INPUT) {
        in->long_line = in->line + 1;
        in->long_len = n;
        return -1;
    }
    if (!n)
        return -1;
    in->buf[n] = 0;
    return (ssize_t)n;
}

/* The error of an input that holds a line or a document longer than a record may be, once:
 * CALC_ELIMIT, nothing after it is read. */
static int long_input(calc_input *in, calc_diags *d)
{
    if (in->long_said)
        return 0;
    in->long_said = true;
    calc_loc l = {in->path, in->long_line, 0};
    diag_at(d, CALC_ELIMIT, &l, NULL, LONG_HINT, "more than %zu bytes in one record: the limit "
            "of one record (--max-input); nothing after it is read", CALC_MAX_INPUT);
    return CALC_ELIMIT;
}

static bool yaml_marker(const char *s, ssize_t n, char c)
{
    return n >= 3 && s[0] == c && s[1] == c && s[2] == c &&
           (n == 3 || s[3] == ' ' || s[3] == '\t' || s[3] == '\r' || s[3] == '\n');
}

/* The next document of a YAML stream: the stream is cut at its document markers so that a bad
 * document is one error record and the documents after it are still read. */
static int yaml_next(calc_input *in, arena *a, rec_in *rec, calc_diags *d)
{
    if (in->long_line) /* the input ended at a line too long */
        return long_input(in, d);
    sbuf doc = {0};
    unsigned first = 0;
    bool content = false;
    for (;;) {
        ssize_t n;
        char *line;
        if (in->pend) { /* the line read ahead last time */
            free(in->buf);
            in->buf = in->pend;
            in->bufcap = in->pendn + 1;
            n = (ssize_t)in->pendn;
            in->pend = NULL;
        } else {
            n = line_within(in);
            if (n >= 0)
                in->line++;
            else if (in->long_line) { /* the document under way is not whole: no record */
                sb_free(&doc);
                return long_input(in, d);
            }
        }
        line = in->buf;
        if (n >= 0) {
            if (in->line == 1 && n >= 3 && (unsigned char)line[0] == 0xEF &&
                (unsigned char)line[1] == 0xBB && (unsigned char)line[2] == 0xBF) {
                line += 3;
                n -= 3;
            }
        }
        bool end = n < 0, start = !end && yaml_marker(line, n, '-'),
             stop = !end && yaml_marker(line, n, '.');
        if ((end || start || stop) && content) {
            if (start) { /* this line opens the next document: keep it for next time */
                in->pend = malloc((size_t)n + 1);
                memcpy(in->pend, line, (size_t)n);
                in->pend[n] = 0;
                in->pendn = (size_t)n;
            }
            rec->line = first;
            if (!input_needed(in)) {
                sb_free(&doc);
                return 1;
            }
            if (in->defer) { /* parsed by a worker (input_read_deferred) */
                rec->row_text = arena_strndup(a, doc.p, doc.n);
                rec->row_len = doc.n;
                rec->yaml = true;
                rec->yaml_file = in->path; /* the caller's name, or "<stdin>": it outlives us */
                sb_free(&doc);
                return 1;
            }
            value **docs;
            size_t nd;
            int rc = calc_yaml_parse_at(a, in->path, first, doc.p, doc.n, &docs, &nd, d);
            sb_free(&doc);
            if (rc && (!nd || rc != CALC_ESCHEMA)) {
                rec->err_code = rc;
                return 1;
            }
            rec->doc = nd ? docs[0] : NULL;
            if (rc)
                rec->err_code = rc;
            return 1;
        }
        if (end) {
            sb_free(&doc);
            if (in->long_line)
                return long_input(in, d);
            return ferror(in->f) ? CALC_EIO : 0;
        }
        if (start || stop) { /* a marker before any content: the document begins after it */
            doc.n = 0; /* comments and blank lines before it are not the document's: its
                        * lines are counted from its own first line */
            if (start) {
                const char *rest = line + 3;
                while (rest < line + n && (*rest == ' ' || *rest == '\t'))
                    rest++;
                if (rest < line + n && *rest != '\n' && *rest != '\r' && *rest != '#') {
                    /* "--- {…}": the content is on the marker's line */
                    if (!doc.n)
                        first = in->line;
                    sb_putn(&doc, line, (size_t)n);
                    content = true;
                }
            }
            continue;
        }
        if (!doc.n)
            first = in->line;
        if (doc.n + (size_t)n > CALC_MAX_INPUT) { /* longer than a record may be */
            in->long_line = first;
            in->long_len = doc.n + (size_t)n;
            sb_free(&doc);
            return long_input(in, d);
        }
        sb_putn(&doc, line, (size_t)n);
        const char *t = line, *e = line + n; /* by its length: a NUL is content, and refused */
        if (e - t >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
            t += 3; /* a byte-order mark before a document is not content (libyaml skips it) */
        while (t < e && (*t == ' ' || *t == '\t'))
            t++;
        if (t < e && *t != '#' && *t != '\n' && *t != '\r')
            content = true;
    }
}

void input_defer_rows(calc_input *in) { in->defer = true; }

void input_read_deferred(rec_in *r, arena *a, calc_diags *d)
{
    if (!r->yaml) {
        csvin_row(r, a, d);
        return;
    }
    value **docs; /* a document as yaml_next reads it */
    size_t nd;
    int rc = calc_yaml_parse_at(a, r->yaml_file, r->line, r->row_text,
                                r->row_len, &docs, &nd, d);
    if (rc && (!nd || rc != CALC_ESCHEMA)) {
        r->err_code = rc;
        return;
    }
    r->doc = nd ? docs[0] : NULL;
    if (rc)
        r->err_code = rc;
}

int input_next(calc_input *in, arena *a, rec_in *rec, calc_diags *d)
{
    memset(rec, 0, sizeof *rec);
    if (in->dec.failed) { /* no decoder, or an encoding refused: nothing can be read */
        if (in->dec.reported)
            return 0;
        in->dec.reported = true;
        calc_error *x = calc_diags_add(d);
        if (x)
            *x = in->dec.err;
        return in->dec.err.code;
    }
    if (in->format == IN_JSONL) {
        for (;;) {
            char *text;
            ssize_t n = read_line(in, &text);
            if (n == -2) { /* too long: an error record, and the lines after it are read */
                rec->line = in->long_line;
                calc_loc l = {in->path, in->long_line, 0};
                diag_at(d, CALC_ELIMIT, &l, NULL, LONG_HINT, "a line of %zu bytes exceeds the "
                        "limit of one record, %zu bytes (--max-input)", in->long_len,
                        CALC_MAX_INPUT);
                rec->err_code = CALC_ELIMIT;
                return 1;
            }
            if (n < 0)
                return ferror(in->f) ? CALC_EIO : 0;
            size_t k = 0; /* by its length: a line that begins with a NUL is not blank */
            while (k < (size_t)n && (text[k] == ' ' || text[k] == '\t'))
                k++;
            if (k == (size_t)n)
                continue; /* blank lines separate nothing */
            rec->line = in->line;
            if (!input_needed(in))
                return 1;
            rec->text = arena_strndup(a, text, (size_t)n);
            rec->len = (size_t)n;
            return 1;
        }
    }
    if (in->format == IN_YAML)
        return yaml_next(in, a, rec, d);
    int rc = csvin_next(in, a, rec, d);
    if (rc == 0 && in->long_line) /* a row too long ended the input */
        return long_input(in, d);
    return rc;
}
