/*
 * test-app-tls.c — unit tests of the TLS parser and its helpers: MD5 (RFC 1321 vectors),
 * SHA-1 and SHA-256 (FIPS 180 / NIST vectors), JA4 hashing against the published example,
 * hand-built ClientHello/ServerHello split at every byte and across records, SSLv2, events,
 * real handshakes from the pcap corpus (SNI, version, certificate fields and JA3/JA3S checked
 * against tshark/openssl), and the EVE tls record (fields and schema).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "eve-validate.h"
#include <jansson.h>

#include "app/app-int.h"
#include "app/tls-int.h"
#include "output/output.h"

#ifndef AEGIS_SRCDIR
#define AEGIS_SRCDIR "."
#endif

extern char **environ;

/* ---- digests -------------------------------------------------------------------------------- */

static void hex_of(void (*fn)(const void *, size_t, uint8_t *), size_t dlen, const char *in,
		   char *out)
{
	uint8_t d[32];
	fn(in, strlen(in), d);
	util_digest_hex(d, dlen, out);
}

static void md5_fn(const void *p, size_t n, uint8_t *o)
{
	util_md5_digest(p, n, o);
}

static void sha1_fn(const void *p, size_t n, uint8_t *o)
{
	util_sha1_digest(p, n, o);
}

static void sha256_fn(const void *p, size_t n, uint8_t *o)
{
	util_sha256_digest(p, n, o);
}

/* RFC 1321 appendix A.5 test suite. */
static void test_md5_rfc1321(void **state)
{
	(void)state;
	static const char *const v[][2] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678901234567890123456"
		  "7890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	char out[65];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hex_of(md5_fn, 16, v[i][0], out);
		assert_string_equal(out, v[i][1]);
	}
}

/* FIPS 180-2 appendix examples (the NIST "abc", two-block and million-'a' vectors). */
static void test_sha_nist(void **state)
{
	(void)state;
	char out[65];
	hex_of(sha256_fn, 32, "abc", out);
	assert_string_equal(out,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_of(sha256_fn, 32, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", out);
	assert_string_equal(out,
			    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	hex_of(sha256_fn, 32, "", out);
	assert_string_equal(out,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* One million 'a', fed in odd-sized pieces to exercise the block buffering. */
	struct util_md_ctx c;
	util_sha256_init(&c);
	char a[997];
	memset(a, 'a', sizeof(a));
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof(a) ? left : sizeof(a);
		util_md_update(&c, a, n);
		left -= n;
	}
	uint8_t d[32];
	util_md_final(&c, d);
	util_digest_hex(d, 32, out);
	assert_string_equal(out,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	hex_of(sha1_fn, 20, "abc", out);
	assert_string_equal(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
	hex_of(sha1_fn, 20, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", out);
	assert_string_equal(out, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

/* ---- hello builder ---------------------------------------------------------------------- */

struct buf {
	uint8_t b[8192];
	uint32_t n;
};

static void p8(struct buf *m, uint8_t v)
{
	m->b[m->n++] = v;
}
static void p16(struct buf *m, uint16_t v)
{
	p8(m, (uint8_t)(v >> 8));
	p8(m, (uint8_t)v);
}
static void p24(struct buf *m, uint32_t v)
{
	p8(m, (uint8_t)(v >> 16));
	p16(m, (uint16_t)v);
}
static void pb(struct buf *m, const void *p, uint32_t n)
{
	if (!n)
		return; /* p may be NULL then (memcpy wants a pointer even for 0 bytes) */
	memcpy(m->b + m->n, p, n);
	m->n += n;
}
/* Write a 16-bit length at `at` covering everything after it. */
static void fix16(struct buf *m, uint32_t at)
{
	uint32_t l = m->n - at - 2;
	m->b[at] = (uint8_t)(l >> 8);
	m->b[at + 1] = (uint8_t)l;
}
static void fix24(struct buf *m, uint32_t at)
{
	uint32_t l = m->n - at - 3;
	m->b[at] = (uint8_t)(l >> 16);
	m->b[at + 1] = (uint8_t)(l >> 8);
	m->b[at + 2] = (uint8_t)l;
}

/*
 * A Chrome-like ClientHello handshake message (no record header): GREASE cipher and extension,
 * SNI "example.com", ALPN h2/http1.1, groups, point formats, sigalgs, supported_versions 1.3/1.2.
 */
static void client_hello(struct buf *m)
{
	m->n = 0;
	p8(m, 1);
	uint32_t l = m->n;
	p24(m, 0);
	p16(m, 0x0303);
	for (int i = 0; i < 32; i++)
		p8(m, (uint8_t)i);
	p8(m, 0);
	static const uint16_t cs[] = { 0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0x009c };
	p16(m, sizeof(cs));
	for (size_t i = 0; i < sizeof(cs) / 2; i++)
		p16(m, cs[i]);
	p8(m, 1);
	p8(m, 0);
	uint32_t el = m->n;
	p16(m, 0);
	p16(m, 0x3a3a); /* GREASE extension */
	p16(m, 0);
	p16(m, 0x0000); /* SNI */
	uint32_t x = m->n;
	p16(m, 0);
	uint32_t y = m->n;
	p16(m, 0);
	p8(m, 0);
	p16(m, 11);
	pb(m, "example.com", 11);
	fix16(m, y);
	fix16(m, x);
	p16(m, 0x000a); /* supported_groups */
	p16(m, 8);
	p16(m, 6);
	p16(m, 0x4a4a);
	p16(m, 29);
	p16(m, 23);
	p16(m, 0x000b); /* ec_point_formats */
	p16(m, 2);
	p8(m, 1);
	p8(m, 0);
	p16(m, 0x0010); /* ALPN */
	x = m->n;
	p16(m, 0);
	y = m->n;
	p16(m, 0);
	p8(m, 2);
	pb(m, "h2", 2);
	p8(m, 8);
	pb(m, "http/1.1", 8);
	fix16(m, y);
	fix16(m, x);
	p16(m, 0x000d); /* signature_algorithms */
	p16(m, 8);
	p16(m, 6);
	p16(m, 0x0403);
	p16(m, 0x0804);
	p16(m, 0x0401);
	p16(m, 0x002b); /* supported_versions */
	p16(m, 7);
	p8(m, 6);
	p16(m, 0x5a5a);
	p16(m, 0x0304);
	p16(m, 0x0303);
	fix16(m, el);
	fix24(m, l);
}

/* ServerHello (TLS 1.2 legacy version) selecting `ver` through supported_versions if nonzero. */
static void server_hello(struct buf *m, uint16_t ver)
{
	m->n = 0;
	p8(m, 2);
	uint32_t l = m->n;
	p24(m, 0);
	p16(m, 0x0303);
	for (int i = 0; i < 32; i++)
		p8(m, (uint8_t)(0xa0 + i));
	p8(m, 0);
	p16(m, 0x1301);
	p8(m, 0);
	uint32_t el = m->n;
	p16(m, 0);
	p16(m, 0xff01);
	p16(m, 1);
	p8(m, 0);
	if (ver) {
		p16(m, 0x002b);
		p16(m, 2);
		p16(m, ver);
	}
	fix16(m, el);
	fix24(m, l);
}

/* A ServerHello (TLS 1.2) echoing session id `sid` (sid_len bytes) and choosing ALPN `alpn`. */
static void server_hello_ex(struct buf *m, const uint8_t *sid, uint8_t sid_len, const char *alpn)
{
	m->n = 0;
	p8(m, 2);
	uint32_t l = m->n;
	p24(m, 0);
	p16(m, 0x0303);
	for (int i = 0; i < 32; i++)
		p8(m, (uint8_t)(0xa0 + i));
	p8(m, sid_len);
	pb(m, sid, sid_len);
	p16(m, 0xc02f);
	p8(m, 0);
	uint32_t el = m->n;
	p16(m, 0);
	if (alpn) {
		uint8_t al = (uint8_t)strlen(alpn);
		p16(m, 0x0010);
		p16(m, (uint16_t)(al + 3));
		p16(m, (uint16_t)(al + 1));
		p8(m, al);
		pb(m, alpn, al);
	}
	fix16(m, el);
	fix24(m, l);
}

/* The client_hello() above with a 32-byte session id (0x55 ...) instead of none. */
static void client_hello_sid(struct buf *m)
{
	struct buf t;
	client_hello(&t);
	m->n = 0;
	/* type(1) len(3) version(2) random(32), then the id length byte (0) at 38 */
	pb(m, t.b, 38);
	p8(m, 32);
	for (int i = 0; i < 32; i++)
		p8(m, 0x55);
	pb(m, t.b + 39, t.n - 39);
	fix24(m, 1);
}

/* Wrap handshake bytes into records of at most `frag` bytes each. */
static void records(struct buf *out, uint8_t type, const uint8_t *d, uint32_t n, uint32_t frag)
{
	out->n = 0;
	for (uint32_t off = 0; off < n; off += frag) {
		uint32_t k = n - off < frag ? n - off : frag;
		p8(out, type);
		p16(out, 0x0301);
		p16(out, (uint16_t)k);
		pb(out, d + off, k);
	}
}

/* ---- harness -------------------------------------------------------------------------------- */

struct h {
	struct app_ctx *ctx;
	struct flow f;
	struct app_result r;
	struct app_tx *tx; /* last TLS transaction seen */
	bool completed;    /* it was reported complete: the next call frees it */
};

static void h_init(struct h *h, bool fps)
{
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.tls.ja3 = fps;
	cfg.tls.ja4 = fps;
	/* fps false stands for an explicit "no"; "auto" has its own test */
	cfg.tls.ja3_auto = false;
	cfg.tls.ja4_auto = false;
	memset(h, 0, sizeof(*h));
	h->ctx = app_ctx_create(&cfg);
	assert_non_null(h->ctx);
	h->f.ip_proto = 6;
	h->f.sp = 50000;
	h->f.dp = 443;
	h->f.ip_version = 4;
}

static void h_free(struct h *h)
{
	app_flow_free(h->ctx, &h->f);
	app_ctx_destroy(h->ctx);
}

static void h_send(struct h *h, uint8_t dir, const uint8_t *d, uint32_t n)
{
	assert_int_equal(app_handle_data(h->ctx, &h->f, dir, d, n, 0, 0, &h->r), 0);
	for (uint32_t i = 0; i < h->r.n_tx; i++) {
		h->tx = h->r.txs[i].tx;
		if (h->r.txs[i].flags & APP_RTX_COMPLETED)
			h->completed = true;
	}
}

static bool saw_event(const struct app_result *r, enum app_event ev)
{
	for (uint32_t i = 0; i < r->n_events; i++)
		if (r->events[i].event == ev)
			return true;
	return false;
}

static const struct tls_state *h_ts(const struct h *h)
{
	assert_non_null(h->tx);
	return h->tx->proto_tx;
}

static void assert_buf(const struct app_tx *tx, enum app_buffer b, uint32_t idx, const char *exp)
{
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(tx, b, 0, idx, &d, &n), 0);
	assert_int_equal(n, strlen(exp));
	assert_memory_equal(d, exp, n);
}

/* ---- fingerprints ---------------------------------------------------------------------------- */

/*
 * JA4's published example (FoxIO JA4 technical details): the sorted cipher list
 * "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9" hashes to
 * 8daaf6152771, and the full fingerprint of that Chrome hello is
 * t13d1516h2_8daaf6152771_e5627efa2ab1 (sorted extensions and sigalgs below).
 */
static void test_ja4_spec_example(void **state)
{
	(void)state;
	struct tls_hello *h = calloc(1, sizeof(*h));
	assert_non_null(h);
	static const uint16_t cs[] = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
				       0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
				       0x0035 };
	static const uint16_t ex[] = { 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d,
				       0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b,
				       0x000a, 0x0015 };
	static const uint16_t sa[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806,
				       0x0601 };
	h->version = 0x0303;
	memcpy(h->ciphers, cs, sizeof(cs));
	h->n_ciphers = sizeof(cs) / 2;
	memcpy(h->exts, ex, sizeof(ex));
	h->n_exts = sizeof(ex) / 2;
	memcpy(h->sigalgs, sa, sizeof(sa));
	h->n_sigalgs = sizeof(sa) / 2;
	h->versions[0] = 0x0304;
	h->versions[1] = 0x0303;
	h->n_versions = 2;
	h->has_sni = true;
	h->has_alpn = true;
	memcpy(h->alpn_first, "h2", 2);
	h->alpn_first_len = 2;
	char out[40];
	tls_ja4(h, out);
	assert_int_equal(strlen(out), 36);
	assert_memory_equal(out, "t13d1516h2_8daaf6152771_", 24);
	assert_string_equal(out, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	/* Without SNI, ALPN and ciphers: 'i', "00" and the zero hash. */
	h->has_sni = false;
	h->has_alpn = false;
	h->n_ciphers = 0;
	tls_ja4(h, out);
	assert_memory_equal(out, "t13i001600_000000000000_", 24);
	free(h);
}

static void test_ja3_grease_excluded(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, rec;
	h_init(&h, true);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	assert_int_equal(h.r.proto, APP_PROTO_TLS);
	const struct tls_state *ts = h_ts(&h);
	assert_string_equal(ts->ja3_string,
			    "771,4865-4866-4867-49195-49199-156,0-10-11-16-13-43,29-23,0");
	char hash[33];
	uint8_t d[16];
	util_md5_digest(ts->ja3_string, strlen(ts->ja3_string), d);
	util_digest_hex(d, 16, hash);
	assert_string_equal(ts->ja3_hash, hash);
	assert_buf(h.tx, APP_BUF_JA3_STRING, 0, ts->ja3_string);
	assert_buf(h.tx, APP_BUF_JA3_HASH, 0, hash);
	/* JA4: TLS 1.3 offered, SNI, 6 ciphers, 6 extensions (GREASE excluded), ALPN h2. */
	assert_memory_equal(ts->ja4, "t13d0606h2_", 11);
	assert_buf(h.tx, APP_BUF_JA4_HASH, 0, ts->ja4);
	h_free(&h);
}

static void test_fingerprints_off_by_default(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, rec;
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_JA3_HASH, 0, 0, &d, &n), -1);
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_JA4_HASH, 0, 0, &d, &n), -1);
	assert_buf(h.tx, APP_BUF_TLS_SNI, 0, "example.com");
	h_free(&h);
}

/* "auto" (the default): nothing is computed until a loaded ja3.* / ja4.* rule asks; then the
 * fingerprint is on (computed and logged), as Suricata enables it for such a rule. */
static void test_fingerprints_auto(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	assert_true(cfg.tls.ja3_auto);
	assert_false(cfg.tls.ja3);
	struct h h;
	memset(&h, 0, sizeof(h));
	h.ctx = app_ctx_create(&cfg);
	assert_non_null(h.ctx);
	h.f.ip_proto = 6;
	h.f.dp = 443;
	struct buf ch, rec;
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	const struct tls_state *ts = h_ts(&h);
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_JA3_HASH, 0, 0, &d, &n), -1);
	assert_false(ts->flags & (TLS_F_JA3 | TLS_F_JA4));
	h_free(&h);

	/* a rule on ja3s.hash turns JA3 on (logged), JA4 stays auto */
	app_config_rules_use_buffer(&cfg, APP_BUF_JA3S_HASH);
	assert_true(cfg.tls.ja3);
	assert_false(cfg.tls.ja4);
	app_config_rules_use_buffer(&cfg, APP_BUF_JA4_HASH);
	assert_true(cfg.tls.ja4);
	/* an explicit "no" is not overridden */
	app_config_defaults(&cfg);
	cfg.tls.ja3_auto = false;
	app_config_rules_use_buffer(&cfg, APP_BUF_JA3_HASH);
	assert_false(cfg.tls.ja3);
}

/* ---- hellos ------------------------------------------------------------------------------- */

/* HTTP CONNECT answered 200 hands the flow over to TLS: the ClientHello in the tunnel is
 * parsed as TLS, and the flow's first protocol stays known (EVE flow app_proto_orig). */
static void test_connect_tunnel_to_tls(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, rec;
	h_init(&h, false);
	static const char req[] = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	h_send(&h, 0, (const uint8_t *)req, sizeof(req) - 1);
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_HTTP);
	h_send(&h, 1, (const uint8_t *)resp, sizeof(resp) - 1);
	assert_int_equal(app_flow_proto_orig(&h.f), APP_PROTO_HTTP);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_TLS);
	assert_int_equal(app_flow_proto_orig(&h.f), APP_PROTO_HTTP);
	const struct tls_state *ts = h_ts(&h);
	assert_true(ts->flags & TLS_F_CLIENT_HELLO);
	assert_int_equal(ts->sni_len, 11);
	h_free(&h);
}

static void test_client_hello_fields(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, rec;
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	const struct tls_state *ts = h_ts(&h);
	assert_true(ts->flags & TLS_F_CLIENT_HELLO);
	assert_int_equal(ts->client_version, 0x0303);
	assert_int_equal(ts->version, 0x0303);
	assert_int_equal(ts->sni_len, 11);
	assert_buf(h.tx, APP_BUF_TLS_ALPN, 0, "h2");
	assert_buf(h.tx, APP_BUF_TLS_ALPN, 1, "http/1.1");
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_TLS_ALPN, 0, 2, &d, &n), -1);
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_TLS_RANDOM, 0, 0, &d, &n), 0);
	assert_int_equal(n, 32);
	assert_int_equal(d[31], 31);
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_TLS_RANDOM_BYTES, 0, 0, &d, &n), 0);
	assert_int_equal(n, 28);
	assert_int_equal(d[0], 4);
	h_free(&h);
}

static void test_server_hello_tls13(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, sh, rec;
	h_init(&h, true);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	server_hello(&sh, 0x0304);
	records(&rec, 22, sh.b, sh.n, 16384);
	h_send(&h, 1, rec.b, rec.n);
	const struct tls_state *ts = h_ts(&h);
	struct app_tx *tx = h.tx;
	assert_int_equal(ts->version, TLS_VERSION_13);
	assert_int_equal(ts->cipher, 0x1301);
	assert_string_equal(ts->ja3s_string, "771,4865,65281-43");
	char vb[24];
	assert_string_equal(tls_version_name(ts->version, vb), "TLS 1.3");
	assert_false(app_tx_is_complete(tx));
	/* Server CCS then client CCS: the session is complete and reported once. */
	static const uint8_t ccs[] = { 20, 3, 3, 0, 1, 1 };
	h_send(&h, 1, ccs, sizeof(ccs));
	assert_true(tx->complete[FLOW_DIR_TO_CLIENT]);
	assert_false(app_tx_is_complete(tx));
	h_send(&h, 0, ccs, sizeof(ccs));
	assert_int_equal(h.r.n_tx, 1);
	assert_true(h.r.txs[0].flags & APP_RTX_COMPLETED);
	/* Encrypted traffic after that is ignored without new transactions. */
	static const uint8_t app[] = { 23, 3, 3, 0, 3, 9, 9, 9 };
	h_send(&h, 1, app, sizeof(app));
	assert_int_equal(h.r.n_tx, 0);
	h_free(&h);
}

/* The whole client flight split at every position gives the same session. */
static void test_split_every_byte(void **state)
{
	(void)state;
	struct buf ch, rec;
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	for (uint32_t cut = 1; cut < rec.n; cut++) {
		struct h h;
		h_init(&h, true);
		h_send(&h, 0, rec.b, cut);
		h_send(&h, 0, rec.b + cut, rec.n - cut);
		const struct tls_state *ts = h_ts(&h);
		assert_int_equal(ts->sni_len, 11);
		assert_string_equal(ts->ja3_string,
				    "771,4865-4866-4867-49195-49199-156,0-10-11-16-13-43,29-23,0");
		h_free(&h);
	}
	/* And one byte per call. */
	struct h h;
	h_init(&h, false);
	for (uint32_t i = 0; i < rec.n; i++)
		h_send(&h, 0, rec.b + i, 1);
	assert_buf(h.tx, APP_BUF_TLS_SNI, 0, "example.com");
	h_free(&h);
}

/* A handshake message fragmented over many records (7 bytes each). */
static void test_handshake_across_records(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, rec;
	h_init(&h, false);
	client_hello(&ch);
	/* The first record must be big enough for the probe to see the hello type. */
	records(&rec, 22, ch.b, ch.n, 7);
	h_send(&h, 0, rec.b, rec.n);
	assert_int_equal(h.r.proto, APP_PROTO_TLS);
	assert_buf(h.tx, APP_BUF_TLS_SNI, 0, "example.com");
	h_free(&h);
}

/* Truncated hellos (cut at every byte, then the connection ends): no crash, no SNI invented. */
static void test_truncated_hello(void **state)
{
	(void)state;
	struct buf ch, rec;
	client_hello(&ch);
	for (uint32_t cut = 4; cut < ch.n; cut++) {
		struct buf t = ch;
		t.b[1] = (uint8_t)((cut - 4) >> 16);
		t.b[2] = (uint8_t)((cut - 4) >> 8);
		t.b[3] = (uint8_t)(cut - 4);
		records(&rec, 22, t.b, cut, 16384);
		struct h h;
		h_init(&h, true);
		h_send(&h, 0, rec.b, rec.n);
		if (h.tx) {
			const struct tls_state *ts = h_ts(&h);
			assert_true(ts->sni == NULL || ts->sni_len == 11);
		}
		h_free(&h);
	}
}

static void test_sslv2_client_hello(void **state)
{
	(void)state;
	/* SSLv2 CLIENT-HELLO offering 3.1: len 0x2e, type 1, version 3.1, 3 cipher specs. */
	uint8_t v2[2 + 46] = { 0x80, 46, 1, 3, 1, 0, 9, 0, 0, 0, 32 };
	for (int i = 11; i < 48; i++)
		v2[i] = (uint8_t)i;
	const struct app_parser *p = &app_parser_tls;
	assert_int_equal(p->probe(v2, sizeof(v2), 0, 6), APP_PROBE_MATCH);
	struct h h;
	h_init(&h, false);
	h_send(&h, 0, v2, sizeof(v2));
	assert_int_equal(h.r.proto, APP_PROTO_TLS);
	const struct tls_state *ts = h_ts(&h);
	assert_true(ts->flags & TLS_F_SSLV2);
	assert_int_equal(ts->client_version, 0x0301);
	/* The server answers in TLS. */
	struct buf sh, rec;
	server_hello(&sh, 0);
	records(&rec, 22, sh.b, sh.n, 16384);
	h_send(&h, 1, rec.b, rec.n);
	assert_int_equal(h_ts(&h)->version, 0x0303);
	h_free(&h);
}

static void test_probe_and_events(void **state)
{
	(void)state;
	const struct app_parser *p = &app_parser_tls;
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t part[] = { 22, 3 };
	static const uint8_t cert_first[] = { 22, 3, 3, 0, 10, 11 };
	assert_int_equal(p->probe(http, sizeof(http) - 1, 0, 6), APP_PROBE_NOMATCH);
	assert_int_equal(p->probe(part, sizeof(part), 0, 6), APP_PROBE_NEED_MORE);
	/* a handshake record header of SSL 3.0 - TLS 1.2 is enough, as Suricata's patterns; the
	 * 3.4 record version still needs a hello behind it */
	assert_int_equal(p->probe(cert_first, sizeof(cert_first), 0, 6), APP_PROBE_MATCH);
	static const uint8_t v34_cert[] = { 22, 3, 4, 0, 10, 11 };
	assert_int_equal(p->probe(v34_cert, sizeof(v34_cert), 0, 6), APP_PROBE_NOMATCH);
	assert_int_equal(p->probe(part, sizeof(part), 0, 17), APP_PROBE_NOMATCH);

	struct h h;
	struct buf ch, rec;
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	/* Bad record type from the server; then heartbeat from the client. */
	static const uint8_t bad[] = { 99, 3, 3, 0, 1, 0 };
	h_send(&h, 1, bad, sizeof(bad));
	assert_true(saw_event(&h.r, APP_EVENT_TLS_INVALID_RECORD_TYPE));
	static const uint8_t hb[] = { 24, 3, 3, 0, 3, 1, 0, 0 };
	h_send(&h, 0, hb, sizeof(hb));
	assert_true(saw_event(&h.r, APP_EVENT_TLS_HEARTBEAT_MESSAGE));
	h_free(&h);

	/* Two SNI extensions; a record version 2.x. */
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	static const uint8_t badver[] = { 22, 2, 0, 0, 1, 0 };
	h_send(&h, 1, badver, sizeof(badver));
	assert_true(saw_event(&h.r, APP_EVENT_TLS_INVALID_RECORD_VERSION));
	h_free(&h);
}

static void test_oversized_handshake_skipped(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, rec;
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	/* A 16 MiB "certificate" header from the server: skipped, memory stays small. */
	static const uint8_t big[] = { 22, 3, 3, 0, 4, 11, 0xff, 0xff, 0xff };
	h_send(&h, 1, big, sizeof(big));
	assert_true(saw_event(&h.r, APP_EVENT_TLS_HANDSHAKE_INVALID_LENGTH));
	h_free(&h);
}

static void test_invalid_certificate(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, sh, rec, cert;
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	server_hello(&sh, 0);
	records(&rec, 22, sh.b, sh.n, 16384);
	h_send(&h, 1, rec.b, rec.n);
	cert.n = 0;
	p8(&cert, 11);
	p24(&cert, 3 + 3 + 5);
	p24(&cert, 3 + 5);
	p24(&cert, 5);
	pb(&cert, "\x30\x03\x02\x01\x01", 5);
	records(&rec, 22, cert.b, cert.n, 16384);
	h_send(&h, 1, rec.b, rec.n);
	assert_true(saw_event(&h.r, APP_EVENT_TLS_INVALID_CERTIFICATE));
	const struct tls_state *ts = h_ts(&h);
	assert_int_equal(ts->n_certs, 1);
	assert_false(ts->certs[0].valid);
	/* The fingerprint is still that of the bytes sent. */
	assert_int_equal(strlen(tls_cert_fingerprint(&ts->certs[0])), 59);
	h_free(&h);
}

/* ---- session end, resumption, ALPN, counters --------------------------------------------------- */

static const uint8_t sid55[32] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
				   0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
				   0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
				   0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };

/* ServerHelloDone ends the server's cleartext flight: the session completes there, before any
 * ChangeCipherSpec (Suricata logs the record at that point). */
static void test_complete_at_server_hello_done(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, sh, rec;
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	server_hello_ex(&sh, NULL, 0, "h2");
	/* ServerHelloDone: type 14, empty body, in the same record as the hello */
	p8(&sh, 14);
	p24(&sh, 0);
	records(&rec, 22, sh.b, sh.n - 4, 16384);
	h_send(&h, 1, rec.b, rec.n);
	assert_false(h.completed);
	records(&rec, 22, sh.b + sh.n - 4, 4, 16384);
	h_send(&h, 1, rec.b, rec.n);
	assert_true(h.completed);
	const struct tls_state *ts = h_ts(&h);
	assert_true(ts->flags & TLS_F_HELLO_DONE);
	assert_false(ts->flags & TLS_F_RESUMED);
	assert_true(h.tx->complete[0] && h.tx->complete[1]);
	/* tls.alpn follows the direction: the client's offer, the server's choice */
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_TLS_ALPN, 1, 0, &d, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(d, "h2", 2);
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_TLS_ALPN, 1, 1, &d, &n), -1);
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_TLS_ALPN, 0, 1, &d, &n), 0);
	assert_int_equal(n, 8);
	assert_memory_equal(d, "http/1.1", 8);
	h_free(&h);
}

/* The server echoing the client's session id resumes the session; the session then ends when
 * both sides encrypt (no ServerHelloDone comes). A different id is a full handshake. */
static void test_session_resumed(void **state)
{
	(void)state;
	for (int echo = 0; echo < 2; echo++) {
		struct h h;
		struct buf ch, sh, rec;
		h_init(&h, false);
		client_hello_sid(&ch);
		records(&rec, 22, ch.b, ch.n, 16384);
		h_send(&h, 0, rec.b, rec.n);
		assert_int_equal(h_ts(&h)->session_id_len, 32);
		uint8_t other[32];
		memset(other, 0x66, sizeof(other));
		server_hello_ex(&sh, echo ? sid55 : other, 32, NULL);
		records(&rec, 22, sh.b, sh.n, 16384);
		h_send(&h, 1, rec.b, rec.n);
		const struct tls_state *ts = h_ts(&h);
		assert_int_equal((ts->flags & TLS_F_RESUMED) != 0, echo);
		static const uint8_t ccs[] = { 20, 3, 3, 0, 1, 1 };
		h_send(&h, 1, ccs, sizeof(ccs));
		assert_false(h.completed);
		h_send(&h, 0, ccs, sizeof(ccs));
		assert_true(h.completed);
		h_free(&h);
	}
}

/* stats.app_layer: a TLS flow counts under flow.tls, its transaction does not (Suricata's
 * app_layer.tx.tls stays 0), a broken record is a parser error, a gap a gap error. */
static void test_app_stats(void **state)
{
	(void)state;
	struct h h;
	struct buf ch, rec;
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	struct app_stats st;
	app_get_stats(h.ctx, &st);
	assert_int_equal(st.slot_flows[APP_STAT_TLS], 1);
	assert_int_equal(st.slot_tx[APP_STAT_TLS], 0);
	assert_int_equal(st.errors[APP_STAT_TLS].parser, 0);
	static const uint8_t junk[] = { 0x19, 3, 3, 0, 1, 0 }; /* record type 25 */
	h_send(&h, 1, junk, sizeof(junk));
	assert_true(saw_event(&h.r, APP_EVENT_TLS_INVALID_RECORD_TYPE));
	assert_int_equal(app_handle_data(h.ctx, &h.f, 0, rec.b, 10, APP_F_GAP, 0, &h.r), 0);
	app_get_stats(h.ctx, &st);
	assert_int_equal(st.errors[APP_STAT_TLS].parser, 1);
	assert_int_equal(st.errors[APP_STAT_TLS].gap, 1);
	assert_int_equal(st.errors[APP_STAT_HTTP].parser, 0);
	struct app_stats sum;
	memset(&sum, 0, sizeof(sum));
	app_stats_add(&sum, &st);
	app_stats_add(&sum, &st);
	assert_int_equal(sum.slot_flows[APP_STAT_TLS], 2);
	assert_int_equal(sum.errors[APP_STAT_TLS].gap, 2);
	assert_string_equal(app_stat_slot_name(APP_STAT_DNS_UDP), "dns_udp");
	assert_string_equal(app_stat_slot_name(APP_STAT_FAILED_TCP), "failed_tcp");
	assert_null(app_stat_slot_name(APP_STAT_MAX));
	h_free(&h);
}

/* ---- pcap corpus ---------------------------------------------------------------------------- */

static const char *corpus_dir(void)
{
	const char *e = getenv("AEGIS_CORPUS");
	if (e && *e)
		return e;
#ifdef AEGIS_CORPUS_DIR
	return AEGIS_CORPUS_DIR;
#else
	return "../shared/corpus";
#endif
}

/*
 * Feed the first TCP connection of an Ethernet/IPv4 pcap through the app layer, in order,
 * dropping retransmissions (payload before the next expected sequence number). Returns false
 * (and prints why) when the file is missing.
 */
static bool feed_pcap(struct h *h, const char *name)
{
	char path[512], err[PCAP_ERRBUF_SIZE];
	snprintf(path, sizeof(path), "%s/traffic/%s", corpus_dir(), name);
	struct stat st;
	if (stat(path, &st) != 0) {
		print_message("skipped: %s not found (set AEGIS_CORPUS)\n", path);
		return false;
	}
	pcap_t *pc = pcap_open_offline(path, err);
	assert_non_null(pc);
	assert_int_equal(pcap_datalink(pc), DLT_EN10MB);
	struct pcap_pkthdr *ph;
	const uint8_t *pk;
	uint32_t cli_ip = 0, srv_ip = 0;
	uint16_t cli_port = 0, srv_port = 0;
	uint32_t next[2] = { 0, 0 };
	bool have[2] = { false, false };
	/* Stop once the session is complete: the core frees it on the next call. */
	while (!h->completed && pcap_next_ex(pc, &ph, &pk) == 1) {
		if (ph->caplen < 14 + 20 || pk[12] != 0x08 || pk[13] != 0x00)
			continue;
		const uint8_t *ip = pk + 14;
		uint32_t ihl = (ip[0] & 15u) * 4, tot = (uint32_t)ip[2] << 8 | ip[3];
		if (ip[9] != 6 || 14 + tot > ph->caplen || tot < ihl + 20)
			continue;
		const uint8_t *tcp = ip + ihl;
		uint32_t src, dst;
		memcpy(&src, ip + 12, 4);
		memcpy(&dst, ip + 16, 4);
		uint16_t sp = (uint16_t)(tcp[0] << 8 | tcp[1]), dp = (uint16_t)(tcp[2] << 8 | tcp[3]);
		uint32_t seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
			       (uint32_t)tcp[6] << 8 | tcp[7];
		uint32_t doff = (tcp[12] >> 4) * 4u;
		uint8_t flags = tcp[13];
		if (!cli_ip) {
			if (!(flags & 0x02) || (flags & 0x10))
				continue; /* start at the first SYN */
			cli_ip = src;
			srv_ip = dst;
			cli_port = sp;
			srv_port = dp;
		}
		int dir;
		if (src == cli_ip && dst == srv_ip && sp == cli_port && dp == srv_port)
			dir = 0;
		else if (src == srv_ip && dst == cli_ip && sp == srv_port && dp == cli_port)
			dir = 1;
		else
			continue;
		if (flags & 0x02) {
			next[dir] = seq + 1;
			have[dir] = true;
			continue;
		}
		if (tot < ihl + doff)
			continue;
		uint32_t plen = tot - ihl - doff;
		const uint8_t *pl = tcp + doff;
		if (!plen || !have[dir])
			continue;
		int32_t ahead = (int32_t)(next[dir] - seq);
		if (ahead < 0)
			continue; /* a hole: not in this simple reader */
		if ((uint32_t)ahead >= plen)
			continue; /* retransmission */
		pl += ahead;
		plen -= (uint32_t)ahead;
		next[dir] += plen;
		h_send(h, (uint8_t)dir, pl, plen);
	}
	pcap_close(pc);
	return true;
}

struct expect {
	const char *pcap, *sni, *version, *subject, *issuer, *serial, *fp, *nb, *na;
	const char *ja3, *ja3s;
	bool sslv2;
};

/*
 * Expected values, computed once with:
 *   tshark -r FILE -Y 'tls.handshake.type==1 || tls.handshake.type==2' -T fields \
 *     -e tls.handshake.extensions_server_name -e tls.handshake.ja3 -e tls.handshake.ja3s
 *   tshark -r FILE -Y tls.handshake.type==11 -T fields -e tls.handshake.certificate |
 *     cut -d, -f1 | xxd -r -p | openssl x509 -inform der -noout -subject -issuer -serial \
 *     -dates -fingerprint -sha1 -nameopt RFC2253
 * with subject/issuer RDNs re-ordered to the certificate's order (RFC 2253 prints them
 * reversed; Suricata prints them in order, ", "-separated), the fingerprint lower-cased.
 */
static const struct expect pcaps[] = {
	{ "ndpi-443-curl.pcap", "www.ntop.org", "TLS 1.2", "CN=www.ntop.org",
	  "C=US, O=Let's Encrypt, CN=Let's Encrypt Authority X3",
	  "03:C5:6F:66:36:ED:A7:2F:7F:4C:56:65:FA:05:5D:93:32:55",
	  "db:a7:e4:3e:6d:bb:21:ab:68:47:35:e8:0b:8f:15:df:db:c7:c9:6f", "2019-12-17T01:17:28",
	  "2020-03-16T01:17:28", "2a26b1a62e40d25d4de3babc9d532f30",
	  "ae53107a2e47ea20c72ac44821a728bf", false },
	{ "ndpi-tls_long_cert.pcap", "www.repubblica.it", "TLS 1.2",
	  "C=IT, ST=Roma, L=Roma, O=GEDI Digital S.r.l., CN=www.repstatic.it",
	  "C=US, O=DigiCert Inc, OU=www.digicert.com, CN=GeoTrust RSA CA 2018",
	  "07:AC:6D:74:69:3E:98:B1:A1:F6:9A:C3:4D:5B:F1:DC",
	  "0c:9f:21:db:65:a1:be:eb:d8:89:38:d3:ff:7a:d9:02:8b:f1:60:a1", "2019-03-07T00:00:00",
	  "2020-05-05T12:00:00", "66918128f1b9b03303d77c6f2eefd128",
	  "35af4c8cd9495354f7d701ce8ad7fd2d", false },
	{ "zeek-tls-ssl.v3.pcap", NULL, "TLSv1",
	  "C=DE, ST=Bayern, L=Muenchen, O=AGIS Allianz Dresdner Informationssysteme GmbH, "
	  "OU=Terms of use at www.verisign.com/rpa (c)00, CN=www.dresdner-privat.de",
	  "O=VeriSign Trust Network, OU=VeriSign, Inc., OU=VeriSign International Server CA - "
	  "Class 3, OU=www.verisign.com/CPS Incorp.by Ref. LIABILITY LTD.(c)97 VeriSign",
	  "04:A7:81:16:F0:03:28:3B:DA:2B:84:62:04:9F:9E:CB",
	  "2c:32:2a:e2:b7:fe:91:39:13:45:e0:70:b6:36:68:97:8b:b1:c9:da", "2006-11-14T00:00:00",
	  "2007-11-14T23:59:59", NULL, "53611273a714cb4789c8222932efd5a7", true },
};

static char g_dir[64], g_path[128];

static void check_pcap(const struct expect *x, struct eve *e)
{
	struct h h;
	h_init(&h, true);
	if (!feed_pcap(&h, x->pcap)) {
		h_free(&h);
		skip();
	}
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_TLS);
	const struct tls_state *ts = h_ts(&h);
	char vb[24];
	assert_string_equal(tls_version_name(ts->version, vb), x->version);
	if (x->sni)
		assert_buf(h.tx, APP_BUF_TLS_SNI, 0, x->sni);
	assert_int_equal((ts->flags & TLS_F_SSLV2) != 0, x->sslv2);
	assert_true(ts->n_certs >= 1);
	assert_true(ts->certs[0].valid);
	assert_buf(h.tx, APP_BUF_TLS_CERT_SUBJECT, 0, x->subject);
	assert_buf(h.tx, APP_BUF_TLS_CERT_ISSUER, 0, x->issuer);
	assert_buf(h.tx, APP_BUF_TLS_CERT_SERIAL, 0, x->serial);
	assert_buf(h.tx, APP_BUF_TLS_CERT_FINGERPRINT, 0, x->fp);
	if (x->ja3)
		assert_buf(h.tx, APP_BUF_JA3_HASH, 0, x->ja3);
	assert_buf(h.tx, APP_BUF_JA3S_HASH, 0, x->ja3s);
	if (e) {
		struct eve_tls_options o = { .fields = EVE_TLS_EXTENDED };
		eve_log_tls(e, NULL, &h.f, h.tx, 1700000000000000ull, &o);
	}
	h_free(&h);
}

static void test_pcap_curl(void **state)
{
	(void)state;
	check_pcap(&pcaps[0], NULL);
}

static void test_pcap_long_cert(void **state)
{
	(void)state;
	check_pcap(&pcaps[1], NULL);
}

static void test_pcap_sslv3(void **state)
{
	(void)state;
	check_pcap(&pcaps[2], NULL);
}

/* subjectAltName dNSNames, in the certificate's order (tshark -e x509ce.dNSName). */
static void test_pcap_subjectaltname(void **state)
{
	(void)state;
	struct h h;
	h_init(&h, false);
	if (!feed_pcap(&h, "../suricata-verify/tls-glupteba/input.pcap")) {
		h_free(&h);
		skip();
	}
	const struct tls_state *ts = h_ts(&h);
	assert_true(h.completed); /* at ServerHelloDone: the capture has no CCS */
	assert_true(ts->n_certs >= 1);
	assert_int_equal(ts->certs[0].n_sans, 17);
	assert_buf(h.tx, APP_BUF_TLS_SUBJECTALTNAME, 0, "server1.xn--j1ahhq.xn--p1ai");
	assert_buf(h.tx, APP_BUF_TLS_SUBJECTALTNAME, 6, "server15.xn--j1ahhq.xn--p1ai");
	assert_buf(h.tx, APP_BUF_TLS_SUBJECTALTNAME, 16, "xn--j1ahhq.xn--p1ai");
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_TLS_SUBJECTALTNAME, 0, 17, &d, &n), -1);
	h_free(&h);
}

/* ---- EVE ------------------------------------------------------------------------------------ */


static void test_eve_tls(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/traffic/%s", corpus_dir(), pcaps[0].pcap);
	struct stat st;
	if (stat(path, &st) != 0) {
		print_message("skipped: %s not found (set AEGIS_CORPUS)\n", path);
		skip();
	}
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	snprintf(cfg.filename, sizeof(cfg.filename), "%s", g_path);
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0);
	check_pcap(&pcaps[0], e);
	check_pcap(&pcaps[2], e);
	/* Basic (default) fields only. */
	struct h h;
	struct buf ch, rec;
	h_init(&h, false);
	client_hello(&ch);
	records(&rec, 22, ch.b, ch.n, 16384);
	h_send(&h, 0, rec.b, rec.n);
	eve_log_tls(e, NULL, &h.f, h.tx, 1700000000000000ull, NULL);
	h_free(&h);
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);

	FILE *f = fopen(g_path, "r");
	assert_non_null(f);
	char line[16384];
	json_error_t jerr;
	assert_non_null(fgets(line, sizeof(line), f));
	json_t *o = json_loads(line, 0, &jerr);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "event_type")), "tls");
	json_t *t = json_object_get(o, "tls");
	assert_string_equal(json_string_value(json_object_get(t, "subject")), pcaps[0].subject);
	assert_string_equal(json_string_value(json_object_get(t, "issuerdn")), pcaps[0].issuer);
	assert_string_equal(json_string_value(json_object_get(t, "serial")), pcaps[0].serial);
	assert_string_equal(json_string_value(json_object_get(t, "fingerprint")), pcaps[0].fp);
	assert_string_equal(json_string_value(json_object_get(t, "sni")), "www.ntop.org");
	assert_string_equal(json_string_value(json_object_get(t, "version")), "TLS 1.2");
	assert_string_equal(json_string_value(json_object_get(t, "notbefore")), pcaps[0].nb);
	assert_string_equal(json_string_value(json_object_get(t, "notafter")), pcaps[0].na);
	assert_string_equal(json_string_value(json_object_get(json_object_get(t, "ja3"), "hash")),
			    pcaps[0].ja3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(t, "ja3s"), "hash")),
			    pcaps[0].ja3s);
	assert_int_equal(strncmp(json_string_value(json_object_get(t, "ja4")), "t12d", 4), 0);
	json_decref(o);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(fgets(line, sizeof(line), f));
	o = json_loads(line, 0, &jerr);
	assert_non_null(o);
	t = json_object_get(o, "tls");
	assert_null(json_object_get(t, "sni"));
	assert_null(json_object_get(t, "version"));
	json_decref(o);
	fclose(f);
	int rc = run_validator(g_path);
	unlink(g_path);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
}

/* Suricata 8's record: subjectaltname and the ALPN lists (extended), session_resumed for a
 * resumed session, and no record for a TLS 1.2 session that showed no certificate. */
static void test_eve_tls_suricata8_fields(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	snprintf(cfg.filename, sizeof(cfg.filename), "%s", g_path);
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0);
	struct eve_tls_options ext = { .fields = EVE_TLS_EXTENDED };
	bool have_pcap;
	{
		struct h h;
		h_init(&h, false);
		have_pcap = feed_pcap(&h, "../suricata-verify/tls-glupteba/input.pcap");
		if (have_pcap)
			eve_log_tls(e, NULL, &h.f, h.tx, 1700000000000000ull, &ext);
		h_free(&h);
	}
	for (int echo = 1; echo >= 0; echo--) {
		/* resumed (logged without certificate), then a full handshake without one (not) */
		struct h h;
		struct buf ch, sh, rec;
		h_init(&h, false);
		client_hello_sid(&ch);
		records(&rec, 22, ch.b, ch.n, 16384);
		h_send(&h, 0, rec.b, rec.n);
		uint8_t other[32];
		memset(other, 0x66, sizeof(other));
		server_hello_ex(&sh, echo ? sid55 : other, 32, "http/1.1");
		records(&rec, 22, sh.b, sh.n, 16384);
		h_send(&h, 1, rec.b, rec.n);
		eve_log_tls(e, NULL, &h.f, h.tx, 1700000000000000ull, &ext);
		h_free(&h);
	}
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);

	FILE *f = fopen(g_path, "r");
	assert_non_null(f);
	char line[16384];
	json_error_t jerr;
	json_t *o, *t;
	if (have_pcap) {
		assert_non_null(fgets(line, sizeof(line), f));
		o = json_loads(line, 0, &jerr);
		assert_non_null(o);
		t = json_object_get(o, "tls");
		json_t *san = json_object_get(t, "subjectaltname");
		assert_int_equal(json_array_size(san), 17);
		assert_string_equal(json_string_value(json_array_get(san, 0)),
				    "server1.xn--j1ahhq.xn--p1ai");
		assert_string_equal(json_string_value(json_object_get(t, "version")), "TLSv1");
		assert_null(json_object_get(t, "session_resumed"));
		json_decref(o);
	}
	assert_non_null(fgets(line, sizeof(line), f));
	o = json_loads(line, 0, &jerr);
	assert_non_null(o);
	t = json_object_get(o, "tls");
	assert_true(json_is_true(json_object_get(t, "session_resumed")));
	assert_null(json_object_get(t, "subject"));
	json_t *ca = json_object_get(t, "client_alpns");
	assert_int_equal(json_array_size(ca), 2);
	assert_string_equal(json_string_value(json_array_get(ca, 0)), "h2");
	assert_string_equal(json_string_value(json_array_get(ca, 1)), "http/1.1");
	json_t *sa = json_object_get(t, "server_alpns");
	assert_int_equal(json_array_size(sa), 1);
	assert_string_equal(json_string_value(json_array_get(sa, 0)), "http/1.1");
	json_decref(o);
	/* the certificate-less full handshake wrote nothing */
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	int rc = run_validator(g_path);
	unlink(g_path);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
}

static int group_setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	snprintf(g_dir, sizeof(g_dir), "/tmp/aegis-tls-test-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(g_path, sizeof(g_path), "%s/eve.json", g_dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(g_path);
	rmdir(g_dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md5_rfc1321),
		cmocka_unit_test(test_sha_nist),
		cmocka_unit_test(test_ja4_spec_example),
		cmocka_unit_test(test_ja3_grease_excluded),
		cmocka_unit_test(test_fingerprints_off_by_default),
		cmocka_unit_test(test_fingerprints_auto),
		cmocka_unit_test(test_complete_at_server_hello_done),
		cmocka_unit_test(test_session_resumed),
		cmocka_unit_test(test_app_stats),
		cmocka_unit_test(test_pcap_subjectaltname),
		cmocka_unit_test(test_client_hello_fields),
		cmocka_unit_test(test_connect_tunnel_to_tls),
		cmocka_unit_test(test_server_hello_tls13),
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_handshake_across_records),
		cmocka_unit_test(test_truncated_hello),
		cmocka_unit_test(test_sslv2_client_hello),
		cmocka_unit_test(test_probe_and_events),
		cmocka_unit_test(test_oversized_handshake_skipped),
		cmocka_unit_test(test_invalid_certificate),
		cmocka_unit_test(test_pcap_curl),
		cmocka_unit_test(test_pcap_long_cert),
		cmocka_unit_test(test_pcap_sslv3),
		cmocka_unit_test(test_eve_tls),
		cmocka_unit_test(test_eve_tls_suricata8_fields),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
