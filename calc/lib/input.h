/* input.h — the state of a batch input, private to its readers: input.c (the input, JSON
 * Lines and YAML streams) and csvin.c (CSV). Nothing else includes it. */
#ifndef CALC_INPUT_H
#define CALC_INPUT_H

#include "batch.h"

#include <csv.h>

typedef struct csvrow {
    size_t n, cap;
    char **cell;
    size_t *len; /* a cell's bytes (it may hold a NUL) */
    unsigned line; /* where the row begins */
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

struct calc_input {
    const char *path;
    int format;
    FILE *f;
    bool own;
    unsigned line;
    char *buf;
    size_t bufcap;
    long long size;
    /* CSV (csvin.c) */
    struct csv_parser csv;
    const calc_schema *schema;
    csvrow cur;
    csvrow *rows; /* completed rows waiting, from rows[rowhead] */
    size_t nrows, caprows, rowhead, headn;
    char **head;
    const snode **headsn;
    hnode *tree; /* the header's paths */
    bool header_done, eof, finished;
    unsigned row_line; /* where the row being read begins */
    /* the lines after the first of a row still open (a quoted cell may span lines), read again
     * as rows when its quote is never closed; and those lines while they are read again */
    sbuf rowtext, replay;
    size_t rp;
    unsigned replay_line;
    bool rowtext_lost, replayed;
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

#endif
