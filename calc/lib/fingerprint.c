/* fingerprint.c — SHA-256 fingerprints (OpenSSL, never a hand-rolled digest): of every
 * file of a policy set, of the set as a whole, and of a profile's canonical form. The set's is
 * reproducible with standard tools:
 *   (cd policies && find . -type f \( -name '*.lua' -o -name '*.yaml' \) | LC_ALL=C sort |
 *    xargs sha256sum) | sha256sum
 * i.e. SHA-256 of the sha256sum listing ("HEX  ./path" lines) of the set's files in byte order
 * of their paths. A policy's own fingerprint is `sha256sum policies/ID.lua`. */
#include "engine.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

static void hex_of(const unsigned char *md, unsigned n, char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n && i < 32; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[64] = 0;
}

void calc_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md); /* one-shot: no digest fetch per call */
    hex_of(md, sizeof md, out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds "./rel" paths of the set's *.lua and *.yaml files under dir/rel. */
static void list_files(const char *dir, const char *rel, char ***v, size_t *n, int depth)
{
    char path[1200];
    snprintf(path, sizeof path, "%s%s%s", dir, rel[0] ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d || depth > 4) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char sub[1200];
        snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
        size_t l = strlen(de->d_name);
        char full[1300];
        snprintf(full, sizeof full, "%s/%s", dir, sub);
        DIR *probe = opendir(full);
        if (probe) {
            closedir(probe);
            list_files(dir, sub, v, n, depth + 1);
        } else if ((l > 4 && strcmp(de->d_name + l - 4, ".lua") == 0) ||
                   (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0)) {
            *v = realloc(*v, (*n + 1) * sizeof **v);
            size_t sl = strlen(sub) + 3;
            (*v)[*n] = malloc(sl);
            snprintf((*v)[*n], sl, "./%s", sub);
            (*n)++;
        }
    }
    closedir(d);
}

int engine_fingerprint(calc_engine *e, const char *dir)
{
    char **files = NULL;
    size_t n = 0;
    list_files(dir, "", &files, &n, 0);
    qsort(files, n, sizeof *files, cmp_str);
    sbuf listing = {0};
    e->nfp = n;
    e->fp = arena_alloc(&e->ps.a, (n ? n : 1) * sizeof *e->fp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[1300];
        snprintf(path, sizeof path, "%s/%s", dir, files[i] + 2);
        char *text;
        size_t len;
        calc_error err;
        char hex[65] = "";
        if (calc_read_file(path, &text, &len, &err) == 0) {
            calc_sha256_hex(text, len, hex);
            free(text);
        } else
            rc = CALC_EIO;
        e->fp[i].path = arena_strndup(&e->ps.a, files[i], strlen(files[i]));
        memcpy(e->fp[i].hex, hex, sizeof hex);
        sb_printf(&listing, "%s  %s\n", hex, files[i]);
        /* a policy's own fingerprint is its file's */
        size_t fl = strlen(files[i]);
        if (!strchr(files[i] + 2, '/') && fl > 6 && strcmp(files[i] + fl - 4, ".lua") == 0) {
            char id[256];
            snprintf(id, sizeof id, "%.*s", (int)(fl - 6), files[i] + 2);
            int pi = policy_index(&e->ps, id);
            if (pi >= 0)
                memcpy(e->ps.pol[pi].fp, hex, sizeof hex);
        }
        free(files[i]);
    }
    free(files);
    calc_sha256_hex(listing.p ? listing.p : "", listing.n, e->set_fp);
    sb_free(&listing);
    return rc;
}

const char *calc_engine_fingerprint(const calc_engine *e) { return e->set_fp; }

int calc_fingerprint_write(FILE *out, const calc_engine *e)
{
    fprintf(out, "policy set  sha256:%s  %s\n", e->set_fp, e->dir);
    for (size_t i = 0; i < e->ps.n; i++)
        fprintf(out, "policy      sha256:%s  %s\n", e->ps.pol[i].fp, e->ps.pol[i].id);
    for (size_t i = 0; i < e->nfp; i++)
        fprintf(out, "file        sha256:%s  %s\n", e->fp[i].hex, e->fp[i].path);
    return 0;
}

/* ---- the canonical form of a profile ---- */

static void canon_val(sbuf *b, const pval *v, const snode *sn);

static void canon_obj(sbuf *b, const pobj *o, const snode *sn)
{
    SB_LIT(b, "{");
    bool first = true;
    for (size_t i = 0; i < sn->nchild; i++) {
        const pval *v = &o->slot[i];
        if (!v->set)
            continue;
        if (!first)
            SB_LIT(b, ",");
        first = false;
        sb_putn(b, sn->child[i]->jkey, sn->child[i]->jkey_len);
        canon_val(b, v, sn->child[i]);
    }
    SB_LIT(b, "}");
}

static void canon_val(sbuf *b, const pval *v, const snode *sn)
{
    char buf[40];
    switch (sn->type) {
    case T_OBJECT: canon_obj(b, v->u.o, sn); break;
    case T_LIST:
        SB_LIT(b, "[");
        for (size_t i = 0; i < v->u.l->n; i++) {
            if (i)
                SB_LIT(b, ",");
            canon_val(b, &v->u.l->item[i], sn->item);
        }
        SB_LIT(b, "]");
        break;
    case T_STRING: sb_json_str(b, v->u.s); break;
    case T_ENUM: sb_json_str(b, v->s); break;
    case T_MONEY:
        SB_LIT(b, "\"");
        sb_puts(b, calc_money_format(buf, v->u.i));
        SB_LIT(b, "\"");
        break;
    case T_DATE:
        SB_LIT(b, "\"");
        sb_puts(b, calc_date_format(buf, (calc_date)v->u.i));
        SB_LIT(b, "\"");
        break;
    case T_MONTH:
        SB_LIT(b, "\"");
        sb_puts(b, calc_month_format(buf, (calc_date)v->u.i));
        SB_LIT(b, "\"");
        break;
    case T_BOOL:
        if (v->u.i)
            SB_LIT(b, "true");
        else
            SB_LIT(b, "false");
        break;
    default: sb_int(b, (long long)v->u.i);
    }
}

void calc_profile_canonical(sbuf *b, const calc_profile *p)
{
    canon_obj(b, p->root.u.o, p->root.u.o->sn);
}

void engine_sha256(calc_engine *e, const void *data, size_t len, unsigned char md[32])
{
    if (!e->sha256)
        e->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!e->mdctx)
        e->mdctx = EVP_MD_CTX_new();
    unsigned int n = 0;
    if (!e->sha256 || !e->mdctx || !EVP_DigestInit_ex2(e->mdctx, e->sha256, NULL) ||
        !EVP_DigestUpdate(e->mdctx, data, len) || !EVP_DigestFinal_ex(e->mdctx, md, &n))
        SHA256(data, len, md); /* cannot happen with a working OpenSSL: the one-shot then */
}

void engine_profile_fingerprint(calc_engine *e, const calc_profile *p, char out[65])
{
    e->canon.n = 0;
    calc_profile_canonical(&e->canon, p);
    unsigned char md[32];
    engine_sha256(e, e->canon.p, e->canon.n, md);
    hex_of(md, sizeof md, out);
}

void engine_digest_free(calc_engine *e)
{
    EVP_MD_CTX_free(e->mdctx);
    EVP_MD_free(e->sha256);
    e->mdctx = NULL;
    e->sha256 = NULL;
}

void calc_profile_fingerprint(const calc_profile *p, char out[65])
{
    sbuf b = {0};
    calc_profile_canonical(&b, p);
    calc_sha256_hex(b.p, b.n, out);
    sb_free(&b);
}

int calc_profile_canonical_write(FILE *out, const calc_profile *p)
{
    sbuf b = {0};
    calc_profile_canonical(&b, p);
    sb_puts(&b, "\n");
    size_t n = fwrite(b.p, 1, b.n, out);
    int ok = n == b.n;
    sb_free(&b);
    return ok ? 0 : CALC_EIO;
}
