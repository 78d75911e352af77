/* csvtmpl.c — `calc init --format csv`: a CSV template for a spreadsheet. The header is every
 * field a person fills, by its Chinese label (the form labels.c reads back: a list of records
 * as numbered columns, 门店1.门店类型 … 门店3.装修投入; a list of values as one cell, split on
 * ';'), and one row holds an example's values as people write them — enum values by their
 * Chinese label, 是/否 — so that `calc batch` on the file as written gives the example's
 * results. It starts with a UTF-8 BOM and ends its lines in CRLF, as Excel does. */
#include "engine.h"

#include <string.h>

#define ITEMS 3 /* numbered items of a list of records, at least */

/* A value as a person writes it in a cell; NULL when absent. */
static const char *cell_text(sbuf *b, const pval *v)
{
    char buf[40];
    if (!v || !v->set)
        return NULL;
    b->n = 0;
    switch (v->type) {
    case T_STRING: sb_puts(b, v->u.s); break;
    case T_INT: sb_int(b, (long long)v->u.i); break;
    case T_MONEY: sb_puts(b, calc_money_format(buf, v->u.i)); break;
    case T_DATE: sb_puts(b, calc_date_format(buf, (calc_date)v->u.i)); break;
    case T_MONTH: sb_puts(b, calc_month_format(buf, (calc_date)v->u.i)); break;
    case T_BOOL: sb_puts(b, v->u.i ? "是" : "否"); break;
    case T_LIST: { /* a list of values: one cell */
        sbuf item = {0};
        for (size_t i = 0; i < v->u.l->n; i++) {
            const char *t = cell_text(&item, &v->u.l->item[i]);
            sb_printf(b, "%s%s", i ? ";" : "", t ? t : "");
        }
        sb_free(&item);
        break;
    }
    default: break; /* enums: shown_value */
    }
    return b->n ? b->p : "";
}

/* A value as a cell shows it: an enum's by its label, anything else by cell_text. */
static const char *shown_value(sbuf *b, const snode *n, const pval *v)
{
    if (v && v->set && n->type == T_ENUM) {
        b->n = 0;
        sb_puts(b, enum_label_lang(n->en, (int)v->u.i, 0));
        return b->p;
    }
    if (v && v->set && n->type == T_LIST && n->item && n->item->type == T_ENUM) {
        b->n = 0;
        for (size_t i = 0; i < v->u.l->n; i++)
            sb_printf(b, "%s%s", i ? ";" : "",
                      enum_label_lang(n->item->en, (int)v->u.l->item[i].u.i, 0));
        return b->n ? b->p : "";
    }
    return cell_text(b, v);
}

typedef struct sheet {
    sbuf head, row, text;
    bool first;
} sheet;

static void column(sheet *s, const char *head, const char *text)
{
    if (!s->first) {
        sb_puts(&s->head, ",");
        sb_puts(&s->row, ",");
    }
    s->first = false;
    csv_text(&s->head, head);
    if (text)
        csv_text(&s->row, text);
}

/* The fields of one item of a list of records (k from 0), under obj, its values in o. */
static void item_columns(sheet *s, const snode *list, const snode *obj, size_t k,
                         const pobj *o)
{
    for (size_t i = 0; i < obj->nchild; i++) {
        const snode *f = obj->child[i];
        const pval *v = o ? &o->slot[i] : NULL;
        if (f->type == T_OBJECT) {
            item_columns(s, list, f, k, v && v->set ? v->u.o : NULL);
            continue;
        }
        char head[300];
        if (list->label && f->label)
            snprintf(head, sizeof head, "%s%zu.%s", list->label, k + 1, f->label);
        else
            snprintf(head, sizeof head, "%s[%zu]%s", list->path, k,
                     f->path + strlen(list->item->path));
        column(s, head, shown_value(&s->text, f, v));
    }
}

static void columns(sheet *s, const snode *obj, const pobj *o)
{
    for (size_t i = 0; i < obj->nchild; i++) {
        const snode *c = obj->child[i];
        const pval *v = o ? &o->slot[i] : NULL;
        if (c->from_records) /* the award ledger: the district's records, never asked */
            continue;
        if (c->type == T_OBJECT) {
            columns(s, c, v && v->set ? v->u.o : NULL);
        } else if (c->type == T_LIST && c->item && c->item->type == T_OBJECT) {
            size_t n = v && v->set ? v->u.l->n : 0;
            for (size_t k = 0; k < (n > ITEMS ? n : ITEMS); k++)
                item_columns(s, c, c->item, k, k < n ? v->u.l->item[k].u.o : NULL);
        } else {
            column(s, snode_label(c, 0), shown_value(&s->text, c, v));
        }
    }
}

int calc_template_csv_write(FILE *out, const calc_engine *e, const calc_profile *example)
{
    const calc_schema *sc = &e->ps.schema;
    sheet s = {{0}, {0}, {0}, true};
    pobj defaults = {sc->root, NULL};
    arena a = {0};
    const pobj *o = example ? example->root.u.o : NULL;
    if (!o) { /* the schema's defaults */
        defaults.slot = arena_alloc(&a, (sc->root->nchild ? sc->root->nchild : 1) *
                                            sizeof *defaults.slot);
        schema_fill_defaults(&a, sc->root, &defaults);
        o = &defaults;
    }
    columns(&s, sc->root, o);
    fputs("\xEF\xBB\xBF", out); /* so that Excel reads the labels as UTF-8 */
    fprintf(out, "%s\r\n%s\r\n", s.head.p ? s.head.p : "", s.row.p ? s.row.p : "");
    sb_free(&s.head);
    sb_free(&s.row);
    sb_free(&s.text);
    arena_free(&a);
    return ferror(out) ? CALC_EIO : 0;
}
