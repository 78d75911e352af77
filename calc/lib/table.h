/* table.h — text tables for people: cells laid out in columns whose widths count East Asian
 * wide characters as two columns (calc_text_width), so that Chinese titles and numbers line up
 * in a terminal. It formats what it is given; it knows nothing of policies or money. */
#ifndef CALC_TABLE_H
#define CALC_TABLE_H

#include "mem.h"

typedef struct tbl {
    size_t ncol;
    char *align;    /* 'l' or 'r' per column */
    size_t n, cap;  /* cells; a row is ncol cells, a rule a row of NULLs */
    char **cell;
} tbl;

/* A table with one column per letter of align ("lrr": the first left-aligned, the others
 * right-aligned). */
void tbl_init(tbl *t, const char *align);
/* The next cell (copied), filling rows left to right. */
void tbl_add(tbl *t, const char *s);
void tbl_addf(tbl *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A rule under the row just completed (drawn with '-' across the table). */
void tbl_rule(tbl *t);
/* Appends the table to b: columns two spaces apart, each line ending without spaces, every
 * line indented by indent spaces. */
void tbl_write(sbuf *b, const tbl *t, int indent);
void tbl_free(tbl *t);

#endif
