/* xlsxout.h — workbooks (.xlsx) for the staff's spreadsheets, written with libxlsxwriter in its
 * constant-memory mode: sheets of rows, each row written once and in order, under a bold header
 * row that stays in view (frozen) with a filter on it, columns as wide as their text (CJK
 * counted double), money as numbers in ¥ format. A sheet of rows that reaches the row limit
 * (Excel's 1,048,576, or calc_settings' xlsx_rows) goes on in a further sheet under the same
 * header ("结果2", "结果3", …). The only module that sees <xlsxwriter.h>: it writes the cells it
 * is given into the file it is given and decides nothing about what they hold. */
#ifndef CALC_XLSXOUT_H
#define CALC_XLSXOUT_H

#include "mem.h"

typedef struct xlsx xlsx;

/* A workbook for the output path (NULL or "-" is refused: a workbook is no text for a terminal
 * or a pipe), written to a temporary file beside it and renamed by xlsx_close (calc_out_open).
 * Its document date is as_of, not the clock's, so that the same inputs give the same bytes.
 * NULL with a message on err. */
xlsx *xlsx_create(const char *path, calc_date as_of, FILE *err);
/* Starts a sheet named name, with a header of ncol texts; the header row and freeze_cols
 * columns from the left stay in view. With go_on, rows past the limit go on in sheets named
 * name2, name3 … ("Results 2" after an English name). */
void xlsx_sheet(xlsx *x, const char *name, const char *const *head, int ncol, int freeze_cols,
                bool go_on);
/* The next cell of the current row: text (NULL or "": an empty cell), an amount in fen, a whole
 * number, a share in hundredths of a percent (1234: 12.34%). */
void xlsx_text(xlsx *x, const char *s);
void xlsx_money(xlsx *x, calc_money fen);
void xlsx_int(xlsx *x, long long v);
void xlsx_pct(xlsx *x, int64_t hundredths);
/* Ends the current row (an empty row when no cell was written). */
void xlsx_row_end(xlsx *x);
/* Writes the workbook and, with keep, puts it in place; 0, or CALC_EIO with the reason on err
 * (nothing is left at the path then). Frees x; NULL is a no-op. */
int xlsx_close(xlsx *x, bool keep, FILE *err);

#endif
