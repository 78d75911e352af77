/* test_integrity.c — what makes a recorded case tamper-evident (calc/lib/integrity.c) and its
 * signature (calc/lib/sign.c): the canonical form ignores comments, layout, quoting and key
 * order and nothing else; the digest leaves out only digest and signature; the part
 * fingerprints cover their parts; an Ed25519 signature made with one key verifies with its
 * public key only, and only over the digest it was made for. Keys are made here with OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integrity.h"

static arena a;

static const value *parse(const char *text)
{
    value **docs;
    size_t nd;
    calc_diags d = {0};
    int rc = calc_yaml_parse(&a, "test.yaml", text, strlen(text), &docs, &nd, &d);
    calc_diags_free(&d);
    assert_int_equal(rc, 0);
    assert_int_equal(nd, 1);
    return docs[0];
}

static char *canon(const char *text)
{
    sbuf b = {0};
    case_canonical(&b, parse(text));
    char *s = strdup(b.p);
    sb_free(&b);
    return s;
}

/* Ensure the canonical form is compact JSON with keys in byte order, every scalar a string,
 * null as null, and the same for the same meaning written differently. */
static void test_canonical(void **state)
{
    (void)state;
    char *x = canon("b: 2\na: [1, x]   # a comment\nc:\n  z: ~\n  y: \"q\\\"\"\n");
    assert_string_equal(x, "{\"a\":[\"1\",\"x\"],\"b\":\"2\",\"c\":{\"y\":\"q\\\"\",\"z\":null}}");
    char *y = canon("{c: {y: 'q\"', z: null}, a: [\"1\", x], b: '2'}");
    assert_string_equal(x, y);
    char *z = canon("b: 3\na: [1, x]\nc: {z: ~, y: 'q\"'}\n"); /* one value changed */
    assert_string_not_equal(x, z);
    free(x);
    free(y);
    free(z);
    arena_free(&a);
}

/* Ensure the digest leaves out digest and signature and nothing else, and each part's
 * fingerprint changes with its part only. */
static void test_digest_parts(void **state)
{
    (void)state;
    const char *base = "name: n\nas_of: 2025-06-30\nprofile: {id: A}\noutput: {p: {amount: "
                       "\"1.00\"}}\ntrace: {results: []}\nrecorded: {at: t, by: b, p: {params: {}}}"
                       "\n";
    char d1[65], d2[65], d3[65];
    const value *c = parse(base);
    case_digest(c, d1);
    char text[600];
    snprintf(text, sizeof text, "%sdigest: \"sha256:x\"\nsignature: {value: v}\n", base);
    case_digest(parse(text), d2);
    assert_string_equal(d1, d2);
    snprintf(text, sizeof text, "%sdescription: x\n", base);
    case_digest(parse(text), d3);
    assert_string_not_equal(d1, d3);
    /* the parts: a change of the recorded time is metadata, not rules; of a rule, not metadata */
    char m1[65], r1[65], m2[65], r2[65], o1[65], o2[65];
    case_part_hash(c, "metadata", m1);
    case_part_hash(c, "rules", r1);
    case_part_hash(c, "outcome", o1);
    const value *c2 = parse("name: n\nas_of: 2025-06-30\nprofile: {id: A}\noutput: {p: {amount: "
                            "\"1.00\"}}\ntrace: {results: []}\nrecorded: {at: u, by: b, p: "
                            "{params: {}}}\n");
    case_part_hash(c2, "metadata", m2);
    case_part_hash(c2, "rules", r2);
    case_part_hash(c2, "outcome", o2);
    assert_string_not_equal(m1, m2);
    assert_string_equal(r1, r2);
    assert_string_equal(o1, o2);
    arena_free(&a);
}

static void write_key(EVP_PKEY *k, const char *priv, const char *pub)
{
    FILE *f = fopen(priv, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    f = fopen(pub, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PUBKEY(f, k), 1);
    fclose(f);
}

/* Ensure a signature verifies with its key's public key, names the same key fingerprint, and
 * fails with another key, over another digest, or when it is not a signature at all. */
static void test_sign_verify(void **state)
{
    (void)state;
    char dir[] = "/tmp/calc-sign.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char k1[64], p1[64], k2[64], p2[64];
    snprintf(k1, sizeof k1, "%s/k1.pem", dir);
    snprintf(p1, sizeof p1, "%s/p1.pem", dir);
    snprintf(k2, sizeof k2, "%s/k2.pem", dir);
    snprintf(p2, sizeof p2, "%s/p2.pem", dir);
    EVP_PKEY *a1 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), *a2 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(a1);
    assert_non_null(a2);
    write_key(a1, k1, p1);
    write_key(a2, k2, p2);
    EVP_PKEY_free(a1);
    EVP_PKEY_free(a2);
    const char *digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char sig[128], fp_s[72], fp_v[72];
    calc_error err = {0};
    assert_int_equal(calc_sign_digest(k1, digest, sig, sizeof sig, fp_s, &err), 0);
    assert_int_equal(strlen(sig), 88);
    assert_int_equal(strncmp(fp_s, "sha256:", 7), 0);
    assert_int_equal(strlen(fp_s), 71);
    assert_int_equal(calc_verify_digest(p1, digest, sig, fp_v, &err), 0);
    assert_string_equal(fp_s, fp_v);
    assert_int_equal(calc_verify_digest(p2, digest, sig, fp_v, &err), CALC_ECHECK);
    assert_string_not_equal(fp_s, fp_v);
    char other[65];
    memcpy(other, digest, 65);
    other[63] = '0';
    assert_int_equal(calc_verify_digest(p1, other, sig, fp_v, &err), CALC_ECHECK);
    assert_int_equal(calc_verify_digest(p1, digest, "bm90IGEgc2lnbmF0dXJl", fp_v, &err),
                     CALC_ECHECK);
    assert_non_null(strstr(err.msg, "not an Ed25519 signature"));
    /* keys the wrong way round, a file that is no key, and no file at all */
    assert_int_equal(calc_sign_digest(p1, digest, sig, sizeof sig, fp_s, &err), CALC_EUSAGE);
    assert_non_null(strstr(err.msg, "is not an Ed25519 private key in PEM"));
    assert_int_equal(calc_verify_digest(k1, digest, sig, fp_v, &err), CALC_EUSAGE);
    assert_non_null(strstr(err.msg, "is not an Ed25519 public key in PEM"));
    assert_int_equal(calc_verify_digest("tests/test_integrity.c", digest, sig, fp_v, &err),
                     CALC_EUSAGE);
    assert_non_null(strstr(err.msg, "is not an Ed25519 public key in PEM"));
    assert_int_equal(calc_sign_digest("/nonexistent/k.pem", digest, sig, sizeof sig, fp_s, &err),
                     CALC_EIO);
    assert_non_null(strstr(err.msg, "cannot read the key /nonexistent/k.pem"));
    /* too little room for the signature */
    assert_int_equal(calc_sign_digest(k1, digest, sig, 40, fp_s, &err), CALC_EUSAGE);
    unlink(k1);
    unlink(p1);
    unlink(k2);
    unlink(p2);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_digest_parts),
        cmocka_unit_test(test_sign_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
