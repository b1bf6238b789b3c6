/*
 * ja4.c — the JA4 TLS client fingerprint (FoxIO, github.com/FoxIO-LLC/ja4, technical details):
 * "t13d1516h2_8daaf6152771_e5627efa2ab1" =
 *   a: transport (t = TCP), highest version offered ("13", "12", ... "s3"), 'd' with SNI else
 *      'i', cipher and extension counts (2 digits, max 99), first and last character of the
 *      first ALPN value ("00" without ALPN);
 *   b: first 12 hex digits of SHA-256 over the sorted cipher suites ("002f,0035,...");
 *   c: same over the sorted extensions without SNI and ALPN, then '_' and the signature
 *      algorithms in their order.
 * GREASE values are ignored everywhere; an empty list hashes to "000000000000".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/tls-int.h"

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0200: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* 12 hex digits of SHA-256 over text, or zeros for an empty text. */
static void ja4_hash12(const char *text, size_t len, char out[13])
{
	if (len == 0) {
		memcpy(out, "000000000000", 13);
		return;
	}
	uint8_t d[UTIL_SHA256_LEN];
	char hex[2 * UTIL_SHA256_LEN + 1];
	util_sha256_digest(text, len, d);
	util_digest_hex(d, sizeof(d), hex);
	memcpy(out, hex, 12);
	out[12] = '\0';
}

/* Append "xxxx" values joined by ','. text has room for 5 * n bytes + 1. */
static size_t ja4_join(char *text, size_t len, const uint16_t *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s%04x", i ? "," : "", v[i]);
	return len;
}

void tls_ja4(const struct tls_hello *h, char out[40])
{
	uint16_t ciphers[TLS_HELLO_MAX_LIST], exts[TLS_HELLO_MAX_LIST];
	unsigned nc = 0, ne_all = 0, ne = 0;
	for (unsigned i = 0; i < h->n_ciphers; i++)
		if (!tls_is_grease(h->ciphers[i]))
			ciphers[nc++] = h->ciphers[i];
	for (unsigned i = 0; i < h->n_exts; i++) {
		uint16_t e = h->exts[i];
		if (tls_is_grease(e))
			continue;
		ne_all++;
		if (e != 0x0000 && e != 0x0010)
			exts[ne++] = e;
	}
	uint16_t ver = h->version;
	bool have_sv = false;
	for (unsigned i = 0; i < h->n_versions; i++) {
		uint16_t v = h->versions[i];
		if (tls_is_grease(v))
			continue;
		if (!have_sv || v > ver)
			ver = v;
		have_sv = true;
	}
	char alpn[3] = "00";
	if (h->has_alpn && h->alpn_first_len > 0) {
		uint8_t f = h->alpn_first[0], l = h->alpn_first[h->alpn_first_len - 1];
		if (is_alnum(f) && is_alnum(l)) {
			alpn[0] = (char)f;
			alpn[1] = (char)l;
		} else {
			/* Non-alphanumeric: first and last characters of the value's hex. */
			static const char hx[] = "0123456789abcdef";
			alpn[0] = hx[f >> 4];
			alpn[1] = hx[l & 15];
		}
	}

	qsort(ciphers, nc, sizeof(ciphers[0]), cmp_u16);
	qsort(exts, ne, sizeof(exts[0]), cmp_u16);

	/* Room for every list at 5 bytes an entry plus the '_'. */
	static const size_t cap = 5 * 2 * TLS_HELLO_MAX_LIST + 2;
	char *text = malloc(cap), b[13], c[13];
	if (!text) {
		out[0] = '\0';
		return;
	}
	size_t n = ja4_join(text, 0, ciphers, nc);
	ja4_hash12(text, n, b);
	n = ja4_join(text, 0, exts, ne);
	if (h->n_sigalgs) {
		uint16_t sa[TLS_HELLO_MAX_LIST];
		unsigned ns = 0;
		for (unsigned i = 0; i < h->n_sigalgs; i++)
			if (!tls_is_grease(h->sigalgs[i]))
				sa[ns++] = h->sigalgs[i];
		if (ns) {
			text[n++] = '_';
			n = ja4_join(text, n, sa, ns);
		}
	}
	ja4_hash12(text, ne ? n : 0, c);
	free(text);
	snprintf(out, 40, "t%s%c%02u%02u%c%c_%s_%s", ja4_version(ver), h->has_sni ? 'd' : 'i',
		 nc > 99 ? 99 : nc, ne_all > 99 ? 99 : ne_all, alpn[0], alpn[1], b, c);
}
