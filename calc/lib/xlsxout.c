/* xlsxout.c — workbooks written with libxlsxwriter (xlsxout.h). Constant-memory mode keeps one
 * row of a sheet in memory: libxlsxwriter writes each finished row to a temporary file (in
 * calc_tmpdir()) and packs them at the end, so a sheet of a million rows costs no more memory
 * than one of ten. The price is that rows are written in order, once; the column widths and
 * the filter, which depend on every row, are set when a sheet is done (libxlsxwriter writes
 * them when it packs). */
#include "xlsxout.h"

#include "engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define MAX_COLS 32
#define EXCEL_ROWS 1048576L
#define EXCEL_TEXT 32767 /* characters in a cell */

struct xlsx {
    calc_outfile of;   /* the workbook's file (a temporary name beside it, or a device) */
    calc_outfile pack; /* where libxlsxwriter packs it, in calc_tmpdir(): copied into of */
    char pack_name[1100];
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head, *money, *pct;
    long limit; /* rows per sheet of rows that go on, the header's included */
    long row;   /* the current row of the sheet (0: the header) */
    bool filtered;  /* the filter is set: over the table, which an empty row ends */
    int col;
    /* the sheet of rows being written, to go on in another under the same header */
    char name[64];
    const char *const *headv;
    int ncol, freeze_cols, part;
    bool go_on;
    size_t width[MAX_COLS]; /* the widest text of each column, in CJK-aware columns */
    lxw_error error;        /* the first of libxlsxwriter's errors */
    sbuf scratch;
};

static void check(xlsx *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->error == LXW_NO_ERROR)
        x->error = e;
}

xlsx *xlsx_create(const char *path, calc_date as_of, FILE *err)
{
    if (!path || strcmp(path, "-") == 0) {
        diag_print(err, NULL, 0, "a workbook (--format xlsx) is written to a file: give -o "
                   "FILE.xlsx");
        return NULL;
    }
    xlsx *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    if (calc_out_open(&x->of, path, err)) {
        free(x);
        return NULL;
    }
    /* libxlsxwriter writes a file by its name and says its own problems on stderr: it packs
     * the workbook in a temporary file of ours, which calc copies to the output and so reports
     * a failed write itself, in the language of messages (a full disk, a device) */
    snprintf(x->pack_name, sizeof x->pack_name, "%s/calc-workbook.xlsx", calc_tmpdir());
    if (calc_out_open(&x->pack, x->pack_name, err)) {
        calc_out_close(&x->of, false, err);
        free(x);
        return NULL;
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE,
                                .tmpdir = (char *)calc_tmpdir()};
    x->wb = workbook_new_opt(x->pack.tmp, &opt);
    if (!x->wb) {
        diag_print(err, NULL, 0, "cannot make a workbook for %s: out of memory", path);
        calc_out_close(&x->pack, false, err);
        calc_out_close(&x->of, false, err);
        free(x);
        return NULL;
    }
    /* the document's date is the evaluation's, never the clock's (libxlsxwriter also dates
     * the zip entries by it): the same run gives the same bytes */
    lxw_doc_properties props = {.created = (time_t)as_of * 86400 + 1};
    props.title = (char *)"calc";
    check(x, workbook_set_properties(x->wb, &props));
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    x->money = workbook_add_format(x->wb);
    format_set_num_format(x->money, "¥#,##0.00");
    x->pct = workbook_add_format(x->wb);
    format_set_num_format(x->pct, "0.00%");
    const calc_settings *st = calc_settings_get();
    x->limit = st->xlsx_rows >= 2 && st->xlsx_rows < EXCEL_ROWS ? st->xlsx_rows : EXCEL_ROWS;
    return x;
}

/* The filter over the table: the header and the rows written so far. (In constant-memory mode a
 * range may not end above the last row written: a table that the sheet goes on after — a
 * summary's figures — gets its filter when it ends.) */
static void filter(xlsx *x)
{
    if (x->filtered || !x->ws || !x->ncol)
        return;
    check(x, worksheet_autofilter(x->ws, 0, 0, (lxw_row_t)(x->row > 1 ? x->row - 1 : 0),
                                  (lxw_col_t)(x->ncol - 1)));
    x->filtered = true;
}

/* The columns as wide as their widest text (at most 60: reasons wrap in no cell, and a wider
 * column hides its neighbours), the filter over the table. */
static void sheet_done(xlsx *x)
{
    if (!x->ws)
        return;
    for (int c = 0; c < x->ncol; c++) {
        size_t w = x->width[c] + 2;
        check(x, worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c,
                                      (double)(w > 60 ? 60 : w), NULL));
    }
    filter(x);
    x->ws = NULL;
}

/* A new sheet under the header of the sheet of rows. */
static void sheet_start(xlsx *x)
{
    char name[80];
    if (x->part == 1)
        snprintf(name, sizeof name, "%s", x->name);
    else { /* "结果2", "Results 2" */
        size_t n = strlen(x->name);
        bool latin = n && (unsigned char)x->name[n - 1] < 0x80;
        snprintf(name, sizeof name, "%s%s%d", x->name, latin ? " " : "", x->part);
    }
    x->ws = workbook_add_worksheet(x->wb, name);
    if (!x->ws) {
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    x->row = 0;
    x->col = 0;
    x->filtered = false;
    memset(x->width, 0, sizeof x->width);
    for (int c = 0; c < x->ncol; c++) {
        check(x, worksheet_write_string(x->ws, 0, (lxw_col_t)c, x->headv[c], x->head));
        x->width[c] = calc_text_width(x->headv[c]) + 1; /* bold */
    }
    worksheet_freeze_panes(x->ws, 1, (lxw_col_t)x->freeze_cols);
    x->row = 1;
}

void xlsx_sheet(xlsx *x, const char *name, const char *const *head, int ncol, int freeze_cols,
                bool go_on)
{
    sheet_done(x);
    snprintf(x->name, sizeof x->name, "%s", name);
    x->headv = head;
    x->ncol = ncol < MAX_COLS ? ncol : MAX_COLS;
    x->freeze_cols = freeze_cols;
    x->go_on = go_on;
    x->part = 1;
    sheet_start(x);
}

/* The cell's place, a further sheet first when this row would pass the limit; false when
 * there is no sheet to write to (libxlsxwriter ran out of memory) or no column left. */
static bool place(xlsx *x)
{
    if (x->ws && x->col == 0 && x->row >= (x->go_on ? x->limit : EXCEL_ROWS)) {
        if (!x->go_on) { /* a summary never has that many rows; the rest is cut, said */
            check(x, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
            return false;
        }
        sheet_done(x);
        x->part++;
        sheet_start(x);
    }
    return x->ws && x->col < x->ncol;
}

static void widen(xlsx *x, size_t w)
{
    if (w > x->width[x->col])
        x->width[x->col] = w;
}

/* Text as a cell holds it: valid UTF-8 already (every text calc writes is), control characters
 * other than tab and line breaks — which XML cannot carry — as U+FFFD, and at most Excel's
 * 32,767 characters, a longer text cut at a character and ended with "…". */
static const char *cell_text(xlsx *x, const char *s)
{
    size_t chars = 0;
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        chars += (*p & 0xC0) != 0x80;
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            plain = false;
    }
    if (plain && chars <= EXCEL_TEXT)
        return s;
    sbuf *b = &x->scratch;
    b->n = 0;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && ++n > EXCEL_TEXT - 1) {
            sb_puts(b, "…");
            break;
        }
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            sb_puts(b, "\xEF\xBF\xBD");
        else
            sb_putn(b, (const char *)p, 1);
    }
    return b->p ? b->p : "";
}

void xlsx_text(xlsx *x, const char *s)
{
    if (!place(x))
        return;
    if (s && s[0]) {
        s = cell_text(x, s);
        check(x, worksheet_write_string(x->ws, (lxw_row_t)x->row, (lxw_col_t)x->col, s, NULL));
        size_t w = 0, line = 0; /* the longest line */
        for (const char *p = s; *p; p++)
            if (*p == '\n') {
                w = line > w ? line : w;
                line = 0;
            } else if ((*p & 0xC0) != 0x80) {
                char one[5] = {0};
                size_t k = 1;
                one[0] = *p;
                while (k < 4 && (p[k] & 0xC0) == 0x80) {
                    one[k] = p[k];
                    k++;
                }
                line += calc_text_width(one);
            }
        widen(x, line > w ? line : w);
    }
    x->col++;
}

/* Money as a number, so that a spreadsheet sums and sorts it: the count of fen is an exact
 * double below 2^53, and IEEE division by 100 is correctly rounded, so the cell holds the
 * double nearest to the amount — the one Excel itself makes of the amount typed in. Below
 * 10^13 yuan (10^15 fen) an amount has at most 15 significant digits, which a double gives
 * back exactly (DBL_DIG) and Excel shows exactly (it keeps 15); a larger amount, which no
 * policy of these grants, is written as its exact text instead, so that no fen is lost. */
void xlsx_money(xlsx *x, calc_money fen)
{
    char m[48];
    if (fen <= -1000000000000000LL || fen >= 1000000000000000LL) {
        xlsx_text(x, calc_money_format(m, fen));
        return;
    }
    if (!place(x))
        return;
    check(x, worksheet_write_number(x->ws, (lxw_row_t)x->row, (lxw_col_t)x->col,
                                    (double)fen / 100.0, x->money));
    widen(x, strlen(calc_money_format_grouped(m, fen)) + 1); /* and "¥" */
    x->col++;
}

void xlsx_int(xlsx *x, long long v)
{
    if (!place(x))
        return;
    char t[32];
    /* whole numbers of the kinds calc counts (records, units, m²) are far below 2^53 */
    check(x, worksheet_write_number(x->ws, (lxw_row_t)x->row, (lxw_col_t)x->col, (double)v,
                                    NULL));
    widen(x, (size_t)snprintf(t, sizeof t, "%lld", v));
    x->col++;
}

void xlsx_pct(xlsx *x, int64_t hundredths)
{
    if (!place(x))
        return;
    check(x, worksheet_write_number(x->ws, (lxw_row_t)x->row, (lxw_col_t)x->col,
                                    (double)hundredths / 10000.0, x->pct));
    widen(x, 8);
    x->col++;
}

void xlsx_row_end(xlsx *x)
{
    if (x->col == 0) { /* an empty row, placed like a cell would be, ends the table */
        filter(x);
        place(x);
    }
    x->row++;
    x->col = 0;
}

int xlsx_close(xlsx *x, bool keep, FILE *err)
{
    if (!x)
        return 0;
    sheet_done(x);
    lxw_error e = x->error;
    lxw_error c = workbook_close(x->wb); /* packs and frees, whatever happened before */
    if (e == LXW_NO_ERROR)
        e = c;
    int rc = 0;
    if (e != LXW_NO_ERROR) {
        diag_print(err, NULL, 0, "cannot write %s: %s", x->of.final ? x->of.final : "",
                   calc_msg_arg(lxw_strerror(e)));
        rc = CALC_EIO;
    }
    FILE *packed = rc || !keep ? NULL : fopen(x->pack.tmp, "rb");
    if (!rc && keep && !packed) {
        diag_print(err, NULL, 0, "cannot read back the workbook: %s", calc_msg_errno(errno));
        rc = CALC_EIO;
    }
    if (packed) { /* a failed write shows in of's close, with the system's reason */
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, packed)) > 0 && fwrite(buf, 1, n, x->of.f) == n)
            ;
        if (ferror(packed)) {
            diag_print(err, NULL, 0, "cannot read back the workbook: %s", calc_msg_errno(EIO));
            rc = CALC_EIO;
        }
        fclose(packed);
    }
    calc_out_close(&x->pack, false, err);
    if (calc_out_close(&x->of, keep && !rc, err) && !rc)
        rc = CALC_EIO;
    sb_free(&x->scratch);
    free(x);
    return rc;
}
