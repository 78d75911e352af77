/* csvcut.c — the rows of a CSV cut by the reader for the worker threads to read
 * (input_defer_rows): each row's text, from its first cell to its end, found by following
 * where libcsv ends a row without reading a cell — at a line end (CR or LF) outside a quoted
 * cell, a quote beginning a quoted cell only at the start of one, "" inside it being a quote;
 * where libcsv refuses the text (a quote inside an unquoted cell, text after a closing quote)
 * the row ends and reading goes on with the next line, as csvin.c does. A row with no
 * character in any cell is no record, as csvin.c skips it; a quote never closed gives back
 * the lines it swallowed as rows (csvin_give_back). Each row keeps its first line and its
 * spreadsheet row; a worker reads it with libcsv (csvin_row), which checks that it ends where
 * it was cut. */
#include "input.h"

#include <stdlib.h>
#include <string.h>

/* Where the cut is, as libcsv's states: no row begun, a cell not begun, an unquoted cell, a
 * quoted one, a quote in a quoted one (its end, or the first of "") */
enum { C_ROW, C_CELL, C_PLAIN, C_QUOTED, C_QUOTE };

/* What may end an unquoted cell's text (a quote in it is refused) */
static const bool plain_stop[256] = {[','] = true, ['"'] = true, ['\r'] = true, ['\n'] = true};

/* The row begun on in->row_line, whose text is in->ctext and then len bytes at tail, is a
 * record (its spreadsheet row given): rec. */
static int cut_record(calc_input *in, arena *a, rec_in *rec, unsigned row, const char *tail,
                      size_t len, bool hint)
{
    rec->line = in->row_line;
    rec->row = row;
    rec->cols = in->keep ? in->kept : in->cols;
    rec->ncols = in->headn;
    if (!input_needed(in))
        return 1;
    char *t = arena_alloc_raw(a, in->ctext.n + len + 1);
    if (in->ctext.n)
        memcpy(t, in->ctext.p, in->ctext.n);
    if (len)
        memcpy(t + in->ctext.n, tail, len);
    t[in->ctext.n + len] = 0;
    rec->row_text = t;
    rec->row_len = in->ctext.n + len;
    rec->shape = in->kept_sh ? in->kept_sh : &in->sh; /* a copy that outlives the input */
    rec->row_hint = hint;
    return 1;
}

/* The end of the text: the row still open ends (libcsv's csv_fini), or its quote was never
 * closed (a record, and its lines are read again when they were kept); 1 with a record, 0
 * at the end. */
static int cut_end(calc_input *in, arena *a, rec_in *rec)
{
    if (in->finished)
        return 0;
    in->finished = true;
    if (in->cst == C_ROW)
        return 0;
    bool unclosed = in->cst == C_QUOTED;
    in->cst = C_ROW;
    if (!unclosed) { /* a last row without a line end */
        unsigned row = csvin_row_ends(in, in->line);
        int rc = in->ccontent ? cut_record(in, a, rec, row, NULL, 0, false) : 0;
        in->ctext.n = 0;
        return rc;
    }
    /* a quote never closed: not the row's lines, which are read again as rows */
    unsigned line = in->row_line, row = csvin_row_ends(in, line);
    csvin_give_back(in);
    int rc = cut_record(in, a, rec, row, NULL, 0, in->replayed && in->replay_line == line);
    in->ctext.n = 0;
    return rc;
}

int csvcut_next(calc_input *in, arena *a, rec_in *rec)
{
    for (;;) {
        if (in->clpos >= in->cln) { /* the next line */
            const char *b;
            size_t n;
            if (!csvin_line(in, &b, &n)) {
                if (in->long_line) /* a row too long ended the input: no last row */
                    return 0;
                in->cl = NULL;
                in->cln = in->clpos = 0;
                int rc = cut_end(in, a, rec);
                if (rc || in->finished)
                    return rc;
                continue; /* lines read again */
            }
            in->cl = b;
            in->cln = n;
            in->clpos = 0;
            csvin_keep_line(in, b, n, in->cst == C_ROW);
        }
        const unsigned char *s = (const unsigned char *)in->cl;
        size_t n = in->cln, i = in->clpos, rs = i; /* where the row's text begins on the line */
        int st = in->cst;
        bool bad = false, end = false, content = in->ccontent, sp = in->csp;
        if (st == C_ROW && !memchr(s + i, '"', n - i)) { /* no quote: the row ends at the
                                                          * first line end */
            while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
                i++;
            if (i < n) {
                rs = i;
                in->ctext.n = 0;
                const unsigned char *cr = memchr(s + i, '\r', n - i);
                const unsigned char *lf = memchr(s + i, '\n', n - i);
                const unsigned char *e = cr && (!lf || cr < lf) ? cr : lf;
                size_t stop = e ? (size_t)(e - s) : n;
                content = false;
                for (size_t k = i; k < stop && !content; k++)
                    content = s[k] != ' ' && s[k] != '\t' && s[k] != ',';
                end = e != NULL;
                i = e ? stop + 1 : n;
                if (!e)
                    st = C_CELL; /* the last line, without its end: the row goes on to it */
            }
        }
        while (i < n && !end && !bad) {
            int c = s[i++];
            switch (st) {
            case C_ROW: /* spaces and line ends before a row are no row */
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                    break;
                rs = i - 1;
                content = false;
                in->ctext.n = 0;
                if (c == ',')
                    st = C_CELL;
                else if (c == '"')
                    st = C_QUOTED;
                else {
                    st = C_PLAIN;
                    content = true;
                }
                break;
            case C_CELL:
                if (c == ' ' || c == '\t' || c == ',')
                    break;
                if (c == '\r' || c == '\n')
                    end = true;
                else if (c == '"')
                    st = C_QUOTED;
                else {
                    st = C_PLAIN;
                    content = true;
                }
                break;
            case C_PLAIN:
                while (!plain_stop[c] && i < n) /* the cell's text, to what may end it */
                    c = s[i++];
                if (c == '"')
                    bad = true;
                else if (c == ',')
                    st = C_CELL;
                else if (c == '\r' || c == '\n')
                    end = true;
                break;
            case C_QUOTED: {
                if (c != '"') { /* the cell's text, to its next quote */
                    const unsigned char *q = memchr(s + i, '"', n - i);
                    content = true;
                    if (!q) {
                        i = n;
                        break;
                    }
                    i = (size_t)(q - s) + 1;
                }
                st = C_QUOTE;
                sp = false;
                break;
            }
            default: /* C_QUOTE */
                if (c == ',')
                    st = C_CELL;
                else if (c == '\r' || c == '\n')
                    end = true;
                else if (c == ' ' || c == '\t')
                    sp = true;
                else if (c == '"' && !sp) { /* "": a quote in the cell */
                    st = C_QUOTED;
                    content = true;
                } else
                    bad = true;
                break;
            }
        }
        in->ccontent = content;
        in->csp = sp;
        if (bad) { /* the row ends on this line, and reading goes on with the next */
            in->cst = C_ROW;
            in->clpos = n;
            unsigned row = csvin_row_ends(in, in->line);
            int rc = cut_record(in, a, rec, row, in->cl + rs, n - rs, false);
            in->ctext.n = 0;
            return rc;
        }
        if (end) { /* the row ends at s[i - 1]; a row after it on the line is its own */
            in->cst = C_ROW;
            in->clpos = i;
            unsigned row = csvin_row_ends(in, in->line);
            int rc = in->ccontent ? cut_record(in, a, rec, row, in->cl + rs, i - rs, false) : 0;
            in->ctext.n = 0;
            in->row_line = in->line;
            in->rowtext.n = 0;
            in->rowtext_lost = false;
            if (rc)
                return rc;
            continue;
        }
        in->cst = st;
        in->clpos = n;
        if (st != C_ROW) /* the row goes on on the next line */
            sb_putn(&in->ctext, in->cl + rs, n - rs);
    }
}
