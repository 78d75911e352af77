/* tocsv.c — a JSON Lines population (gen's) as CSV for `make bench` (tests/bench/inputs.sh):
 * one column for each field path any record has, named as calc batch reads a CSV's header
 * (`finance.revenue`, `stores[0].kind`), in the order the records first give them; a list of
 * scalars is one cell joined by ';', and what a record lacks (or holds as null or []) is an
 * empty cell, an absent field. Cells that need it are quoted. The JSON is read with yajl.
 * usage: tocsv POPULATION.jsonl > population.csv (the file is read twice: columns, then rows) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

typedef struct cols {
    char **name;
    size_t n, cap, hint; /* hint: where the last path was found (records give them in order) */
} cols;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "tocsv: out of memory\n");
        exit(1);
    }
    return q;
}

/* The column of path, added when add (else -1 when there is none). */
static long col_of(cols *c, const char *path, int add)
{
    for (size_t k = 0; k < c->n; k++) {
        size_t i = (c->hint + k) % c->n;
        if (strcmp(c->name[i], path) == 0) {
            c->hint = i + 1;
            return (long)i;
        }
    }
    if (!add)
        return -1;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->name = xrealloc(c->name, c->cap * sizeof *c->name);
    }
    c->name[c->n] = strdup(path);
    c->hint = c->n + 1;
    return (long)c->n++;
}

/* A scalar's text, or NULL for null (and for what is no scalar). */
static const char *scalar(yajl_val v)
{
    if (YAJL_IS_STRING(v))
        return YAJL_GET_STRING(v);
    if (YAJL_IS_NUMBER(v))
        return YAJL_GET_NUMBER(v);
    if (YAJL_IS_TRUE(v))
        return "true";
    if (YAJL_IS_FALSE(v))
        return "false";
    return NULL;
}

/* The cells of v under path: cell[i] for column i (row != NULL), or the columns found. */
static void walk(cols *c, char **row, char *path, size_t plen, yajl_val v)
{
    if (YAJL_IS_OBJECT(v)) {
        for (size_t k = 0; k < v->u.object.len; k++) {
            size_t n = (size_t)snprintf(path + plen, 1024 - plen, "%s%s", plen ? "." : "",
                                        v->u.object.keys[k]);
            walk(c, row, path, plen + n, v->u.object.values[k]);
        }
        path[plen] = 0;
        return;
    }
    if (YAJL_IS_ARRAY(v)) {
        size_t len = v->u.array.len;
        int scalars = 1;
        for (size_t k = 0; k < len; k++)
            scalars &= scalar(v->u.array.values[k]) != NULL;
        if (!len)
            return;
        if (scalars) { /* one cell, the items joined by ';' */
            size_t total = 1;
            for (size_t k = 0; k < len; k++)
                total += strlen(scalar(v->u.array.values[k])) + 1;
            char *cell = xrealloc(NULL, total);
            cell[0] = 0;
            for (size_t k = 0; k < len; k++) {
                if (k)
                    strcat(cell, ";");
                strcat(cell, scalar(v->u.array.values[k]));
            }
            long i = col_of(c, path, row == NULL);
            if (row && i >= 0)
                row[i] = cell;
            else
                free(cell);
            return;
        }
        for (size_t k = 0; k < len; k++) {
            size_t n = (size_t)snprintf(path + plen, 1024 - plen, "[%zu]", k);
            walk(c, row, path, plen + n, v->u.array.values[k]);
        }
        path[plen] = 0;
        return;
    }
    const char *s = scalar(v);
    if (!s)
        return;
    long i = col_of(c, path, row == NULL);
    if (row && i >= 0)
        row[i] = strdup(s);
}

static void put_cell(const char *s)
{
    if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!s[0] || s[strlen(s) - 1] != ' ')) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* Each record of f: its columns found (row NULL), or its row written. */
static int pass(FILE *f, cols *c, int write)
{
    char *line = NULL, err[256], path[1024];
    size_t cap = 0;
    char **row = write ? xrealloc(NULL, (c->n ? c->n : 1) * sizeof *row) : NULL;
    long no = 0;
    while (getline(&line, &cap, f) >= 0) {
        no++;
        if (strspn(line, " \t\r\n") == strlen(line))
            continue;
        yajl_val v = yajl_tree_parse(line, err, sizeof err);
        if (!v) {
            fprintf(stderr, "tocsv: line %ld: %s\n", no, err);
            return 1;
        }
        if (row)
            memset(row, 0, c->n * sizeof *row);
        path[0] = 0;
        walk(c, row, path, 0, v);
        yajl_tree_free(v);
        for (size_t i = 0; row && i < c->n; i++) {
            if (i)
                putchar(',');
            if (row[i])
                put_cell(row[i]);
            free(row[i]);
        }
        if (row)
            putchar('\n');
    }
    free(row);
    free(line);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tocsv POPULATION.jsonl > population.csv\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    cols c = {0};
    if (pass(f, &c, 0))
        return 1;
    for (size_t i = 0; i < c.n; i++) {
        if (i)
            putchar(',');
        put_cell(c.name[i]);
    }
    putchar('\n');
    rewind(f);
    int rc = pass(f, &c, 1);
    fclose(f);
    return rc;
}
