/* peersum.c — the peer benchmark's checksum of a result file in calc's compact form (`calc
 * batch --format compact`, or peerbase's output, which is the same form): the sum of the
 * records' totals and, per column, the number of eligible results and the sum of their amounts;
 * exact, in integer fen. The
 * line it prints is the one peerbase prints on stderr, so the two compare as text. A line that
 * is not of the form (an error line "! …", a bad amount) is counted and makes the status 1.
 * usage: peersum [FILE] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXCOL 64

/* "123.45" (or "123") at *s into fen; advances *s; -1 when it is not an amount */
static int money(const char **s, int64_t *out)
{
    const char *p = *s;
    int64_t v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (v > INT64_MAX / 1000)
            return -1;
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    if (!digits)
        return -1;
    v *= 100;
    if (*p == '.') {
        p++;
        if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
            return -1;
        v += (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
    }
    *s = p;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    FILE *in = argc > 1 ? fopen(argv[1], "rb") : stdin;
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int64_t sum = 0, eligible[MAXCOL] = {0}, amounts[MAXCOL] = {0};
    int ncol = -1;
    long bad = 0, lineno = 0;
    while ((n = getline(&line, &cap, in)) > 0) {
        lineno++;
        if (line[0] == '#') { /* the header: "# id total COL…" */
            int k = -3; /* "#", "id" and "total" are no columns */
            for (char *t = strtok(line, " \n"); t; t = strtok(NULL, " \n"))
                k++;
            ncol = k > 0 ? k : 0;
            continue;
        }
        const char *s = strchr(line, ' ');
        int64_t total, in_kind;
        if (!s || (s++, money(&s, &total))) {
            if (bad++ < 5)
                fprintf(stderr, "peersum: line %ld: not a result line\n", lineno);
            continue;
        }
        if (*s == '+' && (s++, money(&s, &in_kind))) { /* an in-kind total */
            if (bad++ < 5)
                fprintf(stderr, "peersum: line %ld: bad in-kind total\n", lineno);
            continue;
        }
        sum += total;
        int col = 0;
        while (*s == ' ') {
            s++;
            if (col < MAXCOL && *s == 'e') {
                eligible[col]++;
                const char *a = s + 1;
                int64_t v;
                if (*a >= '0' && *a <= '9' && money(&a, &v) == 0)
                    amounts[col] += v;
            }
            while (*s && *s != ' ' && *s != '\n')
                s++;
            col++;
        }
        if (ncol >= 0 && col != ncol) {
            if (bad++ < 5)
                fprintf(stderr, "peersum: line %ld: %d results, the header names %d\n", lineno,
                        col, ncol);
        }
    }
    free(line);
    printf("checksum: total %lld.%02lld eligible", (long long)(sum / 100),
           (long long)(sum % 100));
    for (int k = 0; k < (ncol > 0 ? ncol : 0) && k < MAXCOL; k++)
        printf(" %lld", (long long)eligible[k]);
    printf(" amounts");
    for (int k = 0; k < (ncol > 0 ? ncol : 0) && k < MAXCOL; k++)
        printf(" %lld.%02lld", (long long)(amounts[k] / 100), (long long)(amounts[k] % 100));
    printf("\n");
    return bad ? 1 : 0;
}
