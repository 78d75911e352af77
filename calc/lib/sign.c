/* sign.c — Ed25519 signatures over a digest, through OpenSSL's EVP API (never a hand-rolled
 * signature): what `calc record --sign` stores in a case and `calc verify` checks, and what a
 * batch manifest can sign the same way. The message signed is the digest's 64 lowercase hex
 * characters (ASCII), so that the signature can be checked with standard tools:
 *   printf %s HEX > msg; openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg \
 *     -sigfile sig.bin
 * A key is named by its fingerprint: "sha256:" and the SHA-256 of its public key's DER
 * (SubjectPublicKeyInfo), i.e. `openssl pkey -pubin -in pub.pem -outform DER | sha256sum`. */
#include "engine.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* OpenSSL's reason for the last failure, for a message (its text is not calc's). */
static const char *ssl_reason(void)
{
    static _Thread_local char buf[160];
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e)
        return calc_msg_arg("no reason given");
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

static int key_fingerprint(EVP_PKEY *k, char key_fp[72])
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    if (n <= 0)
        return -1;
    char hex[65];
    calc_sha256_hex(der, (size_t)n, hex);
    OPENSSL_free(der);
    snprintf(key_fp, 72, "sha256:%s", hex);
    return 0;
}

/* OpenSSL's passphrase callback: none is given (a prompt on the terminal would wait for a
 * person a batch does not have); that one was asked for is noted. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    *(bool *)u = true;
    return -1;
}

static EVP_PKEY *read_key(const char *path, bool priv, calc_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        calc_error_set(err, CALC_EIO, NULL, 0, 0, "cannot read the key %s: %s", path,
                       calc_msg_errno(errno));
        return NULL;
    }
    bool asked = false;
    EVP_PKEY *k = priv ? PEM_read_PrivateKey(f, NULL, no_passphrase, &asked)
                       : PEM_read_PUBKEY(f, NULL, no_passphrase, &asked);
    fclose(f);
    if (!k && asked && !priv) { /* only a private key is ever encrypted */
        ERR_clear_error();
        calc_error_set(err, CALC_EUSAGE, NULL, 0, 0, "%s is a private key protected by a "
                       "passphrase: checking takes the public key", path);
        calc_error_hint(err, "give the public key (openssl pkey -in KEY.pem -pubout -out "
                             "PUB.pem)");
        return NULL;
    }
    if (!k && asked) {
        ERR_clear_error();
        calc_error_set(err, CALC_EUSAGE, NULL, 0, 0,
                       "%s is protected by a passphrase: calc cannot ask for one", path);
        calc_error_hint(err, "keep the signing key unencrypted where only the signer can read "
                             "it (openssl pkey -in KEY.pem -out PLAIN.pem; chmod 600 PLAIN.pem)");
        return NULL;
    }
    if (!k || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
        ERR_clear_error();
        EVP_PKEY_free(k);
        calc_error_set(err, CALC_EUSAGE, NULL, 0, 0,
                       priv ? "%s is not an Ed25519 private key in PEM (make one with openssl "
                              "genpkey -algorithm ed25519)"
                            : "%s is not an Ed25519 public key in PEM (make it with openssl pkey "
                              "-pubout)",
                       path);
        return NULL;
    }
    return k;
}

int calc_sign_digest(const char *key_path, const char digest_hex[65], char *sig_b64, size_t cap,
                     char key_fp[72], calc_error *err)
{
    EVP_PKEY *k = read_key(key_path, true, err);
    if (!k)
        return err ? err->code : CALC_EUSAGE;
    unsigned char sig[64];
    size_t n = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = 0;
    /* Ed25519 hashes the message itself: no digest (NULL md), one-shot EVP_DigestSign */
    if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
        EVP_DigestSign(ctx, sig, &n, (const unsigned char *)digest_hex, 64) != 1 ||
        key_fingerprint(k, key_fp))
        rc = calc_error_set(err, CALC_EUSAGE, NULL, 0, 0, "signing failed: %s", ssl_reason());
    else if (cap < 4 * ((n + 2) / 3) + 1)
        rc = calc_error_set(err, CALC_EUSAGE, NULL, 0, 0, "signing failed: %s",
                            calc_msg_arg("no room for the signature"));
    else
        EVP_EncodeBlock((unsigned char *)sig_b64, sig, (int)n);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return rc;
}

int calc_verify_digest(const char *pub_path, const char digest_hex[65], const char *sig_b64,
                       char key_fp[72], calc_error *err)
{
    EVP_PKEY *k = read_key(pub_path, false, err);
    if (!k)
        return err ? err->code : CALC_EUSAGE;
    int rc = 0;
    if (key_fingerprint(k, key_fp)) {
        EVP_PKEY_free(k);
        return calc_error_set(err, CALC_EUSAGE, NULL, 0, 0, "%s is not an Ed25519 public key in "
                              "PEM (make it with openssl pkey -pubout)", pub_path);
    }
    /* base64 of 64 bytes is 88 characters ending in "=" */
    unsigned char sig[80];
    size_t l = strlen(sig_b64);
    int n = l == 88 ? EVP_DecodeBlock(sig, (const unsigned char *)sig_b64, (int)l) : -1;
    if (n != 66) { /* EVP_DecodeBlock counts the padding: 64 bytes and "=" → 66 */
        EVP_PKEY_free(k);
        return calc_error_set(err, CALC_ECHECK, NULL, 0, 0,
                              "the signature is not an Ed25519 signature in base64");
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) != 1 ||
        EVP_DigestVerify(ctx, sig, 64, (const unsigned char *)digest_hex, 64) != 1) {
        ERR_clear_error();
        rc = calc_error_set(err, CALC_ECHECK, NULL, 0, 0,
                            "the signature does not match the digest under the key %s", key_fp);
    }
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return rc;
}
