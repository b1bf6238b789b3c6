/*
 * tls-int.h — what the DNS/TLS parsers of src/app/ share with each other and their tests, and
 * nothing else includes: the message digests (MD5 for JA3, SHA-1 for certificate fingerprints,
 * SHA-256 for JA4), the X.509 reader and the TLS fingerprint builders.
 *
 * The digests share one Merkle-Damgard buffering layer (digest.c); each algorithm only brings
 * its compression function, so the three cost little more than one.
 */
#ifndef AEGIS_TLS_INT_H
#define AEGIS_TLS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

/* ---- message digests -------------------------------------------------------------------- */

/* ---- X.509 (tls-x509.c) ------------------------------------------------------------------ */

struct tls_cert;

/*
 * Fill c's subject, issuer, serial and validity from one DER certificate (c->der is the
 * caller's; the fingerprint is computed from it when first asked for). Returns 0, -1 if the
 * DER does not parse (what was read before stays), -2 on allocation failure.
 */
int tls_x509_parse(struct tls_cert *c, const uint8_t *der, uint32_t len);
/* Free what a tls_cert owns (der included) and zero it. */
void tls_cert_clear(struct tls_cert *c);

/* ---- hello messages and fingerprints (ja3.c, ja4.c) --------------------------------------- */

#define TLS_HELLO_MAX_LIST 256   /* entries kept per list; more are counted, not fingerprinted */

/* What JA3/JA3S/JA4 need of a ClientHello or ServerHello (GREASE values included, in order). */
struct tls_hello {
	uint16_t version;              /* legacy_version */
	uint16_t ciphers[TLS_HELLO_MAX_LIST];
	uint16_t n_ciphers;
	uint16_t exts[TLS_HELLO_MAX_LIST];
	uint16_t n_exts;
	uint16_t groups[TLS_HELLO_MAX_LIST];
	uint16_t n_groups;
	uint8_t ec_formats[TLS_HELLO_MAX_LIST];
	uint16_t n_ec_formats;
	uint16_t sigalgs[TLS_HELLO_MAX_LIST];
	uint16_t n_sigalgs;
	uint16_t versions[TLS_HELLO_MAX_LIST]; /* supported_versions */
	uint16_t n_versions;
	bool has_sni;
	uint8_t alpn_first[256];       /* the first ALPN protocol name */
	uint8_t alpn_first_len;
	bool has_alpn;
};

/* RFC 8701 GREASE: 0x0a0a, 0x1a1a, ... 0xfafa. */
static inline bool tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* JA3 string of a ClientHello ("771,4865-4866,0-23,29-23,0"), malloc'ed, NULL on failure;
 * hash receives its MD5 in hex. */
char *tls_ja3_string(const struct tls_hello *h, char hash[33]);
/* JA3S of a ServerHello ("771,49199,65281-0-11-16"). */
char *tls_ja3s_string(const struct tls_hello *h, char hash[33]);
/* JA4 of a ClientHello over TCP into out ("t13d1516h2_8daaf6152771_e5627efa2ab1"). */
void tls_ja4(const struct tls_hello *h, char out[40]);

#endif /* AEGIS_TLS_INT_H */
