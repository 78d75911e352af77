/* input.h — the state of a batch input, private to its readers: input.c (the input, JSON
 * Lines and YAML streams), csvin.c (CSV; its rows cut by csvcut.c, made trees by csvrow.c)
 * and textdec.c (a CSV's text decoded to UTF-8). Nothing else includes it. */
#ifndef CALC_INPUT_H
#define CALC_INPUT_H

#include "batch.h"

#include <csv.h>
#include <iconv.h>
#include <sys/types.h>

/* ---- a CSV's text as UTF-8 (textdec.c) ---- */
#define TEXT_BLOCK ((size_t)64 << 10) /* bytes read at a time */
#define TEXT_WINDOW ((size_t)1 << 20) /* what decides the encoding of a pipe */

typedef struct textdec {
    int asked;    /* the encoding given (CALC_ENC_*; CALC_ENC_AUTO: found) */
    int enc;      /* what the text is read as: CALC_ENC_UTF8, _GBK or _GB18030 */
    bool neither; /* found to be neither UTF-8 nor GB18030 (read as enc, which went further) */
    iconv_t cd;   /* (iconv_t)-1: UTF-8, read as it is */
    char *raw;    /* bytes read, not yet decoded: raw[rpos..rlen) */
    size_t rcap, rpos, rlen;
    bool reof;
    char *txt;    /* decoded text, the line being cut from tpos */
    size_t tcap, tpos, tlen;
    bool failed;  /* the decoder could not be made: err says why (once: reported) */
    bool reported;
    calc_error err;
} textdec;

/* Sets up in->dec for in->f in the encoding asked (finding it when CALC_ENC_AUTO). */
void textdec_start(calc_input *in, int asked);
/* The next line of text (with its line end) in *line, valid until the next call; its length,
 * or -1 at the end. */
ssize_t textdec_line(calc_input *in, char **line);
void textdec_close(textdec *t);
/* Bytes read from the file that no line has given yet (for the position of progress). */
long long textdec_ahead(const textdec *t);
/* "UTF-8", "GBK", "GB18030". */
const char *textdec_name(int enc);
/* The length of the longest valid UTF-8 prefix of s (n bytes); *cut when what follows it is a
 * character that the end of s cuts short. */
size_t utf8_valid(const unsigned char *s, size_t n, bool *cut);

typedef struct csvrow {
    size_t n, cap;
    char **cell;
    size_t *len; /* a cell's bytes (it may hold a NUL) */
    unsigned line; /* where the row begins */
    unsigned row;  /* its number in a spreadsheet (line, less the lines quoted cells took) */
    /* a row that could not be read: what went wrong, and where (line, cell) */
    int bad;
    unsigned bad_line, bad_cell;
} csvrow;

enum { CSV_OK, CSV_QUOTE_IN_CELL, CSV_AFTER_QUOTE, CSV_UNCLOSED };

/* The CSV header as a tree of its paths, built once: a row's value tree is built by walking
 * it, so that a row costs O(columns) whatever the number of columns. */
enum { H_MAP, H_LIST, H_ITEM, H_LEAF };
typedef struct hnode hnode;
struct hnode {
    int kind;
    const char *name; /* in its parent: the field name, or an item's index as written */
    size_t len;
    int col;          /* H_LEAF (and an H_ITEM that is a scalar): its column, else -1 */
    int first;        /* the first column under it */
    hnode **child;    /* in the order of the columns that first name them */
    size_t n, cap;
};

/* What a CSV row needs of its input to become a tree and to name its cells: the header's
 * columns and paths, and the encoding of the text. Shared read-only by the workers (a copy in
 * each chunk's arena, input_records_in). */
typedef struct csvshape {
    const char *path;
    size_t headn;
    const snode **headsn;
    char *const *colpath;
    const csvcol *cols;
    const hnode *tree;
    int enc, asked; /* textdec's */
    bool neither;
} csvshape;

struct calc_input {
    const char *path;
    int format;
    FILE *f;
    bool own;
    unsigned line;
    char *buf;
    size_t bufcap;
    long long size;
    /* a line longer than a record may be (CALC_MAX_INPUT): its number and length (JSON Lines:
     * skipped to its end, the record an error; CSV and YAML: the input read no further), and
     * whether that was said */
    unsigned long_line;
    size_t long_len;
    bool long_said;
    /* CSV (csvin.c) */
    struct csv_parser csv;
    const calc_schema *schema;
    csvrow cur;
    csvrow *rows; /* completed rows waiting, from rows[rowhead] */
    size_t nrows, caprows, rowhead, headn;
    char **head;
    char **colpath; /* each column's field path (the header, or what its label names) */
    csvcol *cols;   /* the columns as diagnostics name them */
    const csvcol *kept; /* ... as copied into the records' arena (input_records_in) */
    csvshape sh;              /* the header's shape, in the input */
    const csvshape *kept_sh;  /* ... and as copied into the records' arena */
    arena *kept_in;
    bool keep;
    const snode **headsn;
    hnode *tree; /* the header's paths */
    bool header_done, eof, finished;
    unsigned row_line; /* where the row being read begins */
    unsigned spanned;  /* the lines quoted cells took beyond their row's first, so far */
    textdec dec;
    int encoding;      /* asked for */
    bool eof_reported; /* neither UTF-8 nor GB18030: said once */
    /* the lines after the first of a row still open (a quoted cell may span lines), read again
     * as rows when its quote is never closed; and those lines while they are read again */
    sbuf rowtext, replay;
    size_t rp;
    unsigned replay_line;
    bool rowtext_lost, replayed;
    /* CSV rows cut by the reader (csvcut.c): asked (input_defer_rows), and begun once the
     * header is read; the line being cut, from clpos; the state of the row being cut (cst,
     * as libcsv's), whether it has a character in a cell, and its text from lines before */
    bool defer, cutting;
    const char *cl;
    size_t cln, clpos;
    int cst;
    bool csp, ccontent;
    sbuf ctext;
    char *pend; /* a YAML line read ahead: the marker that opens the next document */
    size_t pendn;
    unsigned pend_line;
    /* JSON Lines: read in large blocks and cut at newlines in place */
    char *rb;
    size_t rbcap, rpos, rlen;
    bool reof;
    /* asked once a record is found, before it is copied or parsed: false when the caller
     * already has it (batch's second pass), and the record comes back with its line only */
    bool (*need)(void *ud);
    void *need_ud;
};

/* The caller's need (input_set_need) for the record just found. */
bool input_needed(calc_input *in);

/* ---- CSV (csvin.c) ---- */
void csvin_start(calc_input *in);
void csvin_close(calc_input *in);
int csvin_next(calc_input *in, arena *a, rec_in *rec, calc_diags *d);
/* The next line of the CSV text (one read again, or the next decoded), counted in in->line;
 * false at the end. */
bool csvin_line(calc_input *in, const char **b, size_t *n);
/* At the end of the text with a quote never closed in the row begun on in->row_line: its
 * lines after the first are read again as rows (once, when they were kept); true if so. */
bool csvin_give_back(calc_input *in);
/* The line b[0..n) kept as the text of the row under way (csvin.c): opens says it begins one. */
void csvin_keep_line(calc_input *in, const char *b, size_t n, bool opens);
/* The row that begins on in->row_line ends on end_line: its spreadsheet row number. */
unsigned csvin_row_ends(calc_input *in, unsigned end_line);

/* ---- rows cut by the reader (csvcut.c) ---- */
int csvcut_next(calc_input *in, arena *a, rec_in *rec);

/* ---- a row into its tree, cells named as a spreadsheet does (csvrow.c) ---- */
void csv_col_letter(char out[8], size_t i);
/* Names the cell of column i (from 0) of a row in the diagnostics d->v[from..]. */
void csv_name_cell(calc_diags *d, size_t from, const csvshape *s, size_t i, unsigned row,
                   unsigned line);
void csv_report_bytes(const csvshape *s, calc_diags *d, const calc_loc *l, const char *path,
                      const unsigned char *q, size_t len);
int csv_check_cells(const csvshape *s, const csvrow *r, bool bytes, calc_diags *d);
void csv_row_report(const csvshape *s, const csvrow *r, bool hint, calc_diags *d);
value *csv_row_tree(const csvshape *s, arena *a, const csvrow *r);
/* What a read row (not empty) gives: its diagnostics and its tree or error into rec. */
void csv_row_record(const csvshape *s, arena *a, const csvrow *r, bool hint, rec_in *rec,
                    calc_diags *d);

#endif
