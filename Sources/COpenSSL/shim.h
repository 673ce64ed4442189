#ifndef PAVILION_COPENSSL_SHIM_H
#define PAVILION_COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/bn.h>
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/kdf.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

/* OpenSSL spells these as function-like macros or as option bit macros with
 * casts, which Swift cannot import. Each inline function calls the macro and
 * nothing else. */

static inline int pv_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int pv_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

/* No compression, no renegotiation (either side), the server picks the cipher:
 * the options a modern TLS 1.2+ endpoint wants. */
static inline void pv_SSL_CTX_set_hardened_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE);
}

static inline void pv_SSL_CTX_set_partial_write_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                          SSL_MODE_RELEASE_BUFFERS);
}

static inline int pv_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/* A memory BIO that reports "retry" instead of EOF when empty. */
static inline void pv_BIO_set_mem_eof_return(BIO *bio, int value) {
    BIO_set_mem_eof_return(bio, value);
}

static inline int pv_X509_NAME_print_rfc2253(BIO *bio, const X509_NAME *name) {
    return X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
}

static inline void pv_OPENSSL_free(void *p) { OPENSSL_free(p); }

/* EVP_PKEY_fromdata selections are macros built from OR-ed macros. */
static inline int pv_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int pv_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }

#endif
