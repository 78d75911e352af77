/* csvwords.h — the reasons of a result in words (csvwords.c), for the CSV and workbook rows
 * (csvout.c). */
#ifndef CALC_CSVWORDS_H
#define CALC_CSVWORDS_H

#include "batch.h"

/* Empties b for the next cell, keeping its memory. */
static inline void csv_clear(sbuf *b)
{
    b->n = 0;
    if (b->p)
        b->p[0] = 0;
}

/* Scratch for a record's parts: field, actual value, requirement, the field in words, and
 * the texts to keep. */
typedef struct rscratch {
    sbuf f, a, q, fw, t, m;
} rscratch;
void rscratch_free(rscratch *s);

/* A failed condition in the reasons cell: its name, and [field=actual] when it has a field. */
void csv_reason(sbuf *out, const char *name, const char *field, const char *actual);
/* The same for record r. */
void csv_reason_part(sbuf *b, const crec *r, rscratch *s);
/* A failed condition in words (the reasons_text column, the workbook's 原因) from its texts
 * (actual NULL: not given); fw: scratch. Rows from a result and from a line's tree come here
 * with the same texts, so that they give the same words. */
void csv_reason_words(sbuf *b, const calc_engine *e, const policy *p, const char *name,
                      const char *field, const char *actual, const char *required, int lang,
                      sbuf *fw);
/* Missing data in words: "需补充：研发费用、所属行业". */
void csv_missing_words(sbuf *b, const calc_engine *e, const char *const *paths, size_t n,
                       int lang);
/* Record r's part of the reasons cell (text up to split) and its words (from split to len),
 * made once for its value and kept; NULL when they are not kept. */
const struct cond_whole *csv_reason_kept(const calc_engine *e, const policy *p, const crec *r,
                                         int lang, rscratch *s);
/* result_words with scratch s, and the records' kept texts when they are known (kept, one for
 * each reason). */
void csv_words_of(sbuf *w, const calc_engine *e, const pres *r, int lang, rscratch *s,
                  const struct cond_whole *const *kept);

#endif
