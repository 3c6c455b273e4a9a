// The system OpenSSL (Debian libssl-dev), for the etcd client's TLS. Function-like macros of OpenSSL's API,
// which Swift cannot call, are wrapped as inline functions here.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static inline long kgit_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

static inline long kgit_ssl_set_server_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
