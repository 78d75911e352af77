/* compactout.c — `calc batch --format compact` (README.md, "Compact results"): one short line
 * per record with what a district's tally needs and nothing else — the profile's id, its total,
 * and per policy of the set (in the set's order, named once by the header line) the status and,
 * when eligible, the amount:
 *
 *     # id total peer-r1 peer-r2 peer-r3 peer-r4 peer-r5
 *     2 1072000.00 i i e1000000.00 e72000.00 i
 *
 * Status letters: e eligible (then the amount in yuan, two decimals, and "/N" the quantity of an
 * in-kind grant), i ineligible, n needs data, f not in force, s superseded, x error. The total is
 * the cash total, "+V" the in-kind value after it when there is one; a total past the largest
 * amount is written "overflow". An id that holds a space, a quote, a backslash or a control
 * character, or begins with '#' or '!', is written as a JSON string. An invalid record is the line
 * "! RECORD LINE message". The reasons, fingerprints and explanations are in the JSON Lines
 * form only: this one is for counting and summing, fast. */
#include "batch.h"

#include <string.h>

/* fen as yuan with two decimals, without printf: 100000050 → "1000000.50" */
static void put_money(sbuf *b, calc_money v)
{
    char t[32], *e = t + sizeof t, *q = e;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    *--q = (char)('0' + u % 10);
    u /= 10;
    *--q = (char)('0' + u % 10);
    u /= 10;
    *--q = '.';
    do {
        *--q = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--q = '-';
    sb_putn(b, q, (size_t)(e - q));
}

static void put_id(sbuf *b, const char *id)
{
    bool plain = id[0] && id[0] != '#' && id[0] != '!';
    for (const unsigned char *s = (const unsigned char *)id; plain && *s; s++)
        plain = *s > ' ' && *s != '"' && *s != '\\' && *s != 0x7f;
    if (plain)
        sb_puts(b, id);
    else
        sb_json_str(b, id);
}

void compact_header(sbuf *b, const calc_engine *e)
{
    SB_LIT(b, "# id total");
    for (size_t i = 0; i < e->ps.n; i++) {
        SB_LIT(b, " ");
        sb_puts(b, e->ps.pol[i].id);
    }
    SB_LIT(b, "\n");
}

void compact_result(sbuf *b, const calc_result *r)
{
    static const char letter[] = {'e', 'i', 'n', 'f', 's', 'x'}; /* ST_ELIGIBLE … ST_ERROR */
    put_id(b, r->profile_id ? r->profile_id : "");
    SB_LIT(b, " ");
    if (r->totals_overflow)
        SB_LIT(b, "overflow");
    else {
        put_money(b, r->cash);
        if (r->in_kind) {
            SB_LIT(b, "+");
            put_money(b, r->in_kind);
        }
    }
    for (size_t k = 0; k < r->n; k++) {
        const pres *x = &r->r[k];
        char s[2] = {' ', letter[x->status]};
        sb_putn(b, s, 2);
        if (x->status != ST_ELIGIBLE)
            continue;
        if (x->kind != K_MATCH)
            put_money(b, x->amount);
        if (x->kind == K_IN_KIND) {
            SB_LIT(b, "/");
            sb_int(b, (long long)x->quantity);
        }
    }
    SB_LIT(b, "\n");
}

void compact_error_line(sbuf *out, size_t record, unsigned line, const char *msg)
{
    SB_LIT(out, "! ");
    sb_int(out, (long long)record);
    SB_LIT(out, " ");
    sb_int(out, (long long)line);
    SB_LIT(out, " ");
    /* one line: a line end inside the message (a CSV cell's value) is written \n, a
     * backslash \\ */
    for (const char *p = msg; *p; p++) {
        size_t n = strcspn(p, "\n\r\\");
        sb_putn(out, p, n);
        p += n;
        if (!*p)
            break;
        sb_puts(out, *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : "\\\\");
    }
    SB_LIT(out, "\n");
}
