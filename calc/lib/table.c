/* table.c — text tables whose column widths count wide (CJK) characters as two columns; see
 * table.h. */
#include "table.h"
#include "engine.h"

#include <stdarg.h>
#include <stdlib.h>

void tbl_init(tbl *t, const char *align)
{
    memset(t, 0, sizeof *t);
    t->align = strdup(align);
    if (!t->align)
        abort(); /* out of memory */
    t->ncol = strlen(t->align);
}

static void push(tbl *t, char *s)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cell = realloc(t->cell, t->cap * sizeof *t->cell);
        if (!t->cell)
            abort(); /* out of memory */
    }
    t->cell[t->n++] = s;
}

void tbl_add(tbl *t, const char *s)
{
    char *c = strdup(s ? s : "");
    if (!c)
        abort(); /* out of memory */
    push(t, c);
}

void tbl_addf(tbl *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    tbl_add(t, buf);
}

void tbl_rule(tbl *t)
{
    for (size_t i = 0; i < t->ncol; i++)
        push(t, NULL);
}

static void spaces(sbuf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        SB_LIT(b, " ");
}

void tbl_write(sbuf *b, const tbl *t, int indent)
{
    if (!t->ncol)
        return;
    size_t *w = calloc(t->ncol, sizeof *w), total = 0;
    if (!w)
        abort(); /* out of memory */
    for (size_t i = 0; i < t->n; i++)
        if (t->cell[i]) {
            size_t x = calc_text_width(t->cell[i]);
            if (x > w[i % t->ncol])
                w[i % t->ncol] = x;
        }
    for (size_t c = 0; c < t->ncol; c++)
        total += w[c] + (c ? 2 : 0);
    for (size_t r = 0; r * t->ncol < t->n; r++) {
        char *const *row = &t->cell[r * t->ncol];
        size_t have = t->n - r * t->ncol < t->ncol ? t->n - r * t->ncol : t->ncol;
        spaces(b, (size_t)indent);
        if (!row[0]) { /* a rule */
            for (size_t i = 0; i < total; i++)
                SB_LIT(b, "-");
            SB_LIT(b, "\n");
            continue;
        }
        size_t pending = 0; /* spaces owed before the next text, so no line ends in spaces */
        for (size_t c = 0; c < have; c++) {
            size_t x = calc_text_width(row[c]);
            if (c)
                pending += 2;
            if (t->align[c] == 'r') {
                pending += w[c] - x;
                if (*row[c]) {
                    spaces(b, pending);
                    pending = 0;
                }
                sb_puts(b, row[c]);
            } else {
                if (*row[c]) {
                    spaces(b, pending);
                    pending = 0;
                }
                sb_puts(b, row[c]);
                pending += w[c] - x;
            }
        }
        SB_LIT(b, "\n");
    }
    free(w);
}

void tbl_free(tbl *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->cell[i]);
    free(t->cell);
    free(t->align);
    memset(t, 0, sizeof *t);
}
