/*
 * test-app-dns.c — unit tests of the DNS parser: messages built by hand (queries, answers of
 * each record type, compression, pointer loops, over-long names, truncation at every byte),
 * UDP and TCP framing split anywhere, one transaction per message, events, sticky buffers, and
 * the EVE dns records in versions 3 and 2 with their filters, the alert object and several
 * outputs (field by field with jansson, then against Suricata's schema).
 */
#include <errno.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "eve-validate.h"
#include <jansson.h>

#include "app/app-int.h"
#include "app/dns-int.h"
#include "output/output.h"

#ifndef AEGIS_SRCDIR
#define AEGIS_SRCDIR "."
#endif

extern char **environ;

/* ---- message builder ---------------------------------------------------------------------- */

struct msg {
	uint8_t b[4096];
	uint32_t n;
};

static void put8(struct msg *m, uint8_t v)
{
	m->b[m->n++] = v;
}

static void put16(struct msg *m, uint16_t v)
{
	put8(m, (uint8_t)(v >> 8));
	put8(m, (uint8_t)v);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, (uint16_t)(v >> 16));
	put16(m, (uint16_t)v);
}

static void putbytes(struct msg *m, const void *p, uint32_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

/* "www.example.com" as labels with the terminating zero. */
static void putname(struct msg *m, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		put8(m, (uint8_t)l);
		putbytes(m, name, (uint32_t)l);
		name += l + (dot ? 1 : 0);
	}
	put8(m, 0);
}

static void hdr(struct msg *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
		uint16_t ns, uint16_t ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

static void question(struct msg *m, const char *name, uint16_t type)
{
	putname(m, name);
	put16(m, type);
	put16(m, 1);
}

/* A record header with a name pointer to offset 12 (the first question's name). */
static void rr_ptr12(struct msg *m, uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	put16(m, 0xc00c);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
}

static void build_query(struct msg *m, uint16_t id, const char *name, uint16_t type)
{
	hdr(m, id, 0x0100, 1, 0, 0, 0);
	question(m, name, type);
}

/* Response to "www.example.com" A: CNAME -> example.com, two A records. */
static void build_response(struct msg *m, uint16_t id)
{
	hdr(m, id, 0x8180, 1, 3, 0, 0);
	question(m, "www.example.com", 1);
	rr_ptr12(m, 5, 3600, 2);
	put16(m, 0xc010); /* -> "example.com" inside the question name */
	put16(m, 0xc010);
	put16(m, 1);
	put16(m, 1);
	put32(m, 300);
	put16(m, 4);
	putbytes(m, "\xc0\x00\x02\x01", 4);
	put16(m, 0xc010);
	put16(m, 1);
	put16(m, 1);
	put32(m, 300);
	put16(m, 4);
	putbytes(m, "\xc0\x00\x02\x02", 4);
}

/* ---- app-layer harness -------------------------------------------------------------------- */

struct h {
	struct app_ctx *ctx;
	struct flow f;
	struct app_result r;
};

static void h_init(struct h *h, uint8_t ip_proto, uint16_t dp)
{
	struct app_config cfg;
	app_config_defaults(&cfg);
	memset(h, 0, sizeof(*h));
	h->ctx = app_ctx_create(&cfg);
	assert_non_null(h->ctx);
	h->f.ip_proto = ip_proto;
	h->f.sp = 40000;
	h->f.dp = dp;
	h->f.ip_version = 4;
}

static void h_free(struct h *h)
{
	app_flow_free(h->ctx, &h->f);
	app_ctx_destroy(h->ctx);
}

static int h_send(struct h *h, uint8_t dir, const uint8_t *d, uint32_t n)
{
	return app_handle_data(h->ctx, &h->f, dir, d, n, 0, 1700000000000000ull, &h->r);
}

static bool result_has_event(const struct app_result *r, enum app_event ev)
{
	for (uint32_t i = 0; i < r->n_events; i++)
		if (r->events[i].event == ev)
			return true;
	return false;
}

static bool tx_has_event(const struct app_tx *tx, enum app_event ev)
{
	for (unsigned i = 0; i < tx->n_events; i++)
		if (tx->events[i] == ev)
			return true;
	return false;
}

static void assert_buf(const struct app_tx *tx, enum app_buffer b, uint8_t dir, uint32_t idx,
		       const char *expect)
{
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(tx, b, dir, idx, &d, &n), 0);
	assert_int_equal(n, strlen(expect));
	assert_memory_equal(d, expect, n);
}

/* ---- tests: names and tables -------------------------------------------------------------- */

static void test_rrtype_names(void **state)
{
	(void)state;
	assert_string_equal(dns_rrtype_name(1), "A");
	assert_string_equal(dns_rrtype_name(28), "AAAA");
	assert_string_equal(dns_rrtype_name(33), "SRV");
	assert_null(dns_rrtype_name(4242));
	assert_int_equal(dns_rrtype_lookup("mx"), 15);
	assert_int_equal(dns_rrtype_lookup("65"), 65);
	assert_int_equal(dns_rrtype_lookup("bogus"), -1);
	assert_string_equal(dns_rcode_name(3), "NXDOMAIN");
	assert_null(dns_rcode_name(15));
}

static void test_name_compression(void **state)
{
	(void)state;
	struct msg m;
	build_response(&m, 7);
	uint8_t out[DNS_MAX_NAME_LEN];
	uint32_t n, next;
	unsigned f;
	/* The CNAME's rdata at offset 12+17+4+12 = 45 is a pointer to "example.com". */
	assert_int_equal(dns_name_read(m.b, m.n, 12, out, &n, &next, &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(n, 15);
	assert_memory_equal(out, "www.example.com", 15);
	assert_int_equal(next, 29);
	assert_int_equal(dns_name_read(m.b, m.n, 45, out, &n, &next, &f), 0);
	assert_int_equal(n, 11);
	assert_memory_equal(out, "example.com", 11);
	assert_int_equal(next, 47);
}

static void test_name_pointer_loop(void **state)
{
	(void)state;
	/* A name that points at itself, and two that point at each other. */
	uint8_t self[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 12 };
	uint8_t pair[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'a', 0xc0, 16, 1, 'b', 0xc0, 12 };
	uint8_t out[DNS_MAX_NAME_LEN];
	uint32_t n, next;
	unsigned f;
	assert_int_equal(dns_name_read(self, sizeof(self), 12, out, &n, &next, &f), 0);
	assert_true(f & DNS_NAME_F_LOOP);
	assert_int_equal(next, 14);
	assert_int_equal(dns_name_read(pair, sizeof(pair), 12, out, &n, &next, &f), 0);
	assert_true(f & DNS_NAME_F_LOOP);
	assert_true(n <= DNS_MAX_NAME_LEN);
	/* A pointer past the end is malformed, not a loop. */
	uint8_t past[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 200 };
	assert_int_equal(dns_name_read(past, sizeof(past), 12, out, &n, &next, &f), -1);
}

static void test_name_too_long(void **state)
{
	(void)state;
	/* 60 labels of 63 bytes chained by pointers: 3840 bytes > DNS_MAX_NAME_LEN. */
	static uint8_t msg[12 + 60 * 66];
	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < 60; i++) {
		uint8_t *p = msg + 12 + i * 66;
		p[0] = 63;
		memset(p + 1, 'a' + i % 26, 63);
		if (i < 59) {
			uint32_t to = 12 + (uint32_t)(i + 1) * 66;
			p[64] = (uint8_t)(0xc0 | to >> 8);
			p[65] = (uint8_t)to;
		}
	}
	uint8_t out[DNS_MAX_NAME_LEN];
	uint32_t n, next;
	unsigned f;
	assert_int_equal(dns_name_read(msg, sizeof(msg), 12, out, &n, &next, &f), 0);
	assert_true(f & DNS_NAME_F_TOO_LONG);
	assert_true(n <= DNS_MAX_NAME_LEN);
	assert_true(n >= DNS_MAX_NAME_LEN - 64);
}

static void test_too_many_labels(void **state)
{
	(void)state;
	/* 300 one-byte labels "a.a.a...": 600 bytes, under the length cap, over the label cap. */
	static uint8_t msg[12 + 600 + 1];
	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < 300; i++) {
		msg[12 + 2 * i] = 1;
		msg[12 + 2 * i + 1] = 'a';
	}
	uint8_t out[DNS_MAX_NAME_LEN];
	uint32_t n, next;
	unsigned f;
	assert_int_equal(dns_name_read(msg, sizeof(msg), 12, out, &n, &next, &f), 0);
	assert_true(f & DNS_NAME_F_TOO_MANY_LABELS);
	assert_int_equal(next, sizeof(msg));
	assert_int_equal(n, 2 * DNS_MAX_LABELS - 1);
}

/* ---- tests: message parsing -------------------------------------------------------------- */

static void test_parse_all_types(void **state)
{
	(void)state;
	struct msg m;
	hdr(&m, 0x1234, 0x8580, 1, 11, 1, 1);
	question(&m, "ex.org", 255);
	rr_ptr12(&m, 1, 10, 4); /* A */
	putbytes(&m, "\x0a\x00\x00\x01", 4);
	rr_ptr12(&m, 28, 20, 16); /* AAAA */
	putbytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	rr_ptr12(&m, 5, 30, 2); /* CNAME -> ex.org */
	put16(&m, 0xc00c);
	rr_ptr12(&m, 15, 40, 4); /* MX 10 ex.org */
	put16(&m, 10);
	put16(&m, 0xc00c);
	rr_ptr12(&m, 16, 50, 9); /* TXT "abc" "defg" */
	putbytes(&m, "\x03" "abc" "\x04" "defg", 9);
	rr_ptr12(&m, 12, 60, 7); /* PTR -> host.ex.org */
	putbytes(&m, "\x04" "host", 5);
	put16(&m, 0xc00c);
	rr_ptr12(&m, 33, 70, 8); /* SRV 1 2 5060 ex.org */
	put16(&m, 1);
	put16(&m, 2);
	put16(&m, 5060);
	put16(&m, 0xc00c);
	rr_ptr12(&m, 2, 80, 2); /* NS ex.org */
	put16(&m, 0xc00c);
	rr_ptr12(&m, 10, 90, 3); /* NULL */
	putbytes(&m, "\x01\x80\xff", 3);
	rr_ptr12(&m, 4242, 100, 2); /* unknown */
	putbytes(&m, "\xbe\xef", 2);
	rr_ptr12(&m, 99, 110, 0); /* SPF, empty */
	rr_ptr12(&m, 6, 120, 2 + 2 + 20); /* authority: SOA */
	put16(&m, 0xc00c);
	put16(&m, 0xc00c);
	put32(&m, 2024010101);
	put32(&m, 7200);
	put32(&m, 3600);
	put32(&m, 1209600);
	put32(&m, 300);
	put8(&m, 0); /* additional: OPT, root name */
	put16(&m, 41);
	put16(&m, 4096);
	put32(&m, 0);
	put16(&m, 0);

	struct dns_tx t = { 0 };
	struct dns_parse_result res;
	assert_int_equal(dns_parse_message(&res, &t, &t.resp, m.b, m.n), 0);
	assert_int_equal(res.events, 0);
	assert_int_equal(res.consumed, m.n);
	struct dns_msg *r = &t.resp;
	assert_int_equal(r->id, 0x1234);
	assert_int_equal(r->n_queries, 1);
	assert_int_equal(r->queries[0].rrtype, 255);
	assert_int_equal(r->n_rrs, 13);
	assert_memory_equal(dns_str_data(&t, r->rrs[0].data), "\x0a\x00\x00\x01", 4);
	assert_int_equal(r->rrs[1].data.len, 16);
	assert_int_equal(r->rrs[2].data.len, 6);
	assert_memory_equal(dns_str_data(&t, r->rrs[2].data), "ex.org", 6);
	assert_int_equal(r->rrs[3].pref, 10);
	assert_memory_equal(dns_str_data(&t, r->rrs[3].data), "ex.org", 6);
	/* TXT keeps its character-strings with their length bytes (EVE logs each one). */
	assert_int_equal(r->rrs[4].data.len, 9);
	assert_memory_equal(dns_str_data(&t, r->rrs[4].data), "\x03" "abc" "\x04" "defg", 9);
	assert_int_equal(r->rrs[5].data.len, 11);
	assert_memory_equal(dns_str_data(&t, r->rrs[5].data), "host.ex.org", 11);
	assert_int_equal(r->rrs[6].pref, 1);
	assert_int_equal(r->rrs[6].weight, 2);
	assert_int_equal(r->rrs[6].port, 5060);
	assert_memory_equal(dns_str_data(&t, r->rrs[7].data), "ex.org", 6);
	assert_memory_equal(dns_str_data(&t, r->rrs[8].data), "\x01\x80\xff", 3);
	assert_int_equal(r->rrs[9].rrtype, 4242);
	assert_memory_equal(dns_str_data(&t, r->rrs[9].data), "\xbe\xef", 2);
	assert_int_equal(r->rrs[10].data.len, 0);
	assert_int_equal(r->rrs[11].section, DNS_SEC_AUTHORITY);
	assert_int_equal(r->rrs[11].soa[0], 2024010101);
	assert_int_equal(r->rrs[11].soa[4], 300);
	assert_memory_equal(dns_str_data(&t, r->rrs[11].data2), "ex.org", 6);
	assert_int_equal(r->rrs[12].section, DNS_SEC_ADDITIONAL);
	assert_int_equal(r->rrs[12].rrtype, 41);
	assert_int_equal(r->rrs[12].rrclass, 4096);
	free(t.resp.queries);
	free(t.resp.rrs);
	free(t.arena);
}

static void test_truncation_every_byte(void **state)
{
	(void)state;
	struct msg m;
	build_response(&m, 99);
	for (uint32_t cut = 0; cut < m.n; cut++) {
		struct dns_tx t = { 0 };
		struct dns_parse_result res;
		/* Copy so a read past `cut` would be caught by ASan/valgrind as out of bounds. */
		uint8_t *c = malloc(cut ? cut : 1);
		assert_non_null(c);
		memcpy(c, m.b, cut);
		assert_int_equal(dns_parse_message(&res, &t, &t.resp, c, cut), -1);
		assert_true(cut < 12 || (res.events & DNS_EV_MALFORMED));
		free(c);
		free(t.resp.queries);
		free(t.resp.rrs);
		free(t.arena);
	}
	struct dns_tx t = { 0 };
	struct dns_parse_result res;
	assert_int_equal(dns_parse_message(&res, &t, &t.resp, m.b, m.n), 0);
	assert_int_equal(t.resp.n_rrs, 3);
	free(t.resp.queries);
	free(t.resp.rrs);
	free(t.arena);
}

static void test_bounded_rrs(void **state)
{
	(void)state;
	/* 300 A answers: DNS_MAX_RRS are kept, the message is marked truncated, no failure. */
	static struct msg big;
	struct msg *m = &big;
	hdr(m, 1, 0x8180, 1, 300, 0, 0);
	question(m, "a.b", 1);
	for (int i = 0; i < 300 && m->n + 16 < sizeof(m->b); i++) {
		rr_ptr12(m, 1, 1, 4);
		put32(m, (uint32_t)i);
	}
	uint16_t an = (uint16_t)((m->n - 21) / 16);
	m->b[6] = (uint8_t)(an >> 8);
	m->b[7] = (uint8_t)an;
	struct dns_tx t = { 0 };
	struct dns_parse_result res;
	assert_int_equal(dns_parse_message(&res, &t, &t.resp, m->b, m->n), 0);
	assert_int_equal(t.resp.ancount, an);
	assert_true(t.resp.n_rrs <= DNS_MAX_RRS);
	assert_int_equal(t.resp.n_rrs, an < DNS_MAX_RRS ? an : DNS_MAX_RRS);
	assert_int_equal(t.resp.truncated, an > DNS_MAX_RRS);
	free(t.resp.queries);
	free(t.resp.rrs);
	free(t.arena);
}

/* ---- tests: flows ------------------------------------------------------------------------- */

static void test_udp_query_response(void **state)
{
	(void)state;
	struct h h;
	struct msg q, r;
	h_init(&h, 17, 53);
	build_query(&q, 0xbeef, "www.example.com", 1);
	assert_int_equal(h_send(&h, FLOW_DIR_TO_SERVER, q.b, q.n), 0);
	assert_int_equal(h.r.proto, APP_PROTO_DNS);
	assert_int_equal(h.r.n_tx, 1);
	struct app_tx *tx = h.r.txs[0].tx;
	assert_true(h.r.txs[0].flags & APP_RTX_NEW);
	/* A message is its own transaction, done in both directions at once (Suricata 8). */
	assert_true(tx->complete[FLOW_DIR_TO_SERVER]);
	assert_true(tx->complete[FLOW_DIR_TO_CLIENT]);
	assert_int_equal(tx->tx_id, 0);
	assert_buf(tx, APP_BUF_DNS_QUERY, FLOW_DIR_TO_SERVER, 0, "www.example.com");
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_DNS_QUERY, 0, 1, &d, &n), -1);
	uint8_t op = 9;
	uint16_t rt = 0;
	assert_int_equal(dns_tx_get_opcode(tx, FLOW_DIR_TO_SERVER, &op), 0);
	assert_int_equal(op, 0);
	assert_int_equal(dns_tx_get_rrtype(tx, FLOW_DIR_TO_SERVER, 0, &rt), 0);
	assert_int_equal(rt, 1);
	assert_int_equal(dns_tx_get_opcode(tx, FLOW_DIR_TO_CLIENT, &op), -1);

	build_response(&r, 0xbeef);
	assert_int_equal(h_send(&h, FLOW_DIR_TO_CLIENT, r.b, r.n), 0);
	assert_int_equal(h.r.n_tx, 1);
	/* The response is a second transaction, not joined to the query. */
	tx = h.r.txs[0].tx;
	assert_int_equal(tx->tx_id, 1);
	assert_true(h.r.txs[0].flags & APP_RTX_NEW);
	assert_true(h.r.txs[0].flags & APP_RTX_COMPLETED);
	const struct dns_tx *dt = tx->proto_tx;
	assert_false(dt->req.present);
	assert_true(dt->resp.present);
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_DNS_QUERY, FLOW_DIR_TO_SERVER, 0, &d, &n),
			 -1);
	assert_buf(tx, APP_BUF_DNS_ANSWER_NAME, FLOW_DIR_TO_CLIENT, 0, "www.example.com");
	assert_buf(tx, APP_BUF_DNS_ANSWER_NAME, FLOW_DIR_TO_CLIENT, 1, "example.com");
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_DNS_ANSWER_NAME, 1, 3, &d, &n), -1);
	h_free(&h);
}

/* Queries and responses, matching ids or not, are transactions of their own, numbered in
 * arrival order (Suricata 8: the tx_id EVE and alerts show). */
static void test_tx_per_message(void **state)
{
	(void)state;
	struct h h;
	struct msg q1, q2, r;
	h_init(&h, 17, 53);
	build_query(&q1, 1, "one.example", 1);
	build_query(&q2, 2, "two.example", 28);
	assert_int_equal(h_send(&h, 0, q1.b, q1.n), 0);
	assert_int_equal(h.r.txs[0].tx->tx_id, 0);
	assert_int_equal(h_send(&h, 0, q2.b, q2.n), 0);
	assert_int_equal(h.r.n_tx, 1);
	assert_int_equal(h.r.txs[0].tx->tx_id, 1);
	build_response(&r, 2);
	assert_int_equal(h_send(&h, 1, r.b, r.n), 0);
	assert_int_equal(h.r.n_tx, 1);
	assert_int_equal(h.r.txs[0].tx->tx_id, 2);
	assert_true(app_tx_is_complete(h.r.txs[0].tx));
	const struct dns_tx *t = h.r.txs[0].tx->proto_tx;
	assert_false(t->req.present);
	assert_true(t->resp.present);
	assert_int_equal(t->resp.id, 2);
	/* An unsolicited response (id 77): the same, a transaction of its own. */
	build_response(&r, 77);
	assert_int_equal(h_send(&h, 1, r.b, r.n), 0);
	assert_int_equal(h.r.n_tx, 1);
	assert_true(h.r.txs[0].flags & APP_RTX_NEW);
	assert_int_equal(h.r.txs[0].tx->tx_id, 3);
	t = h.r.txs[0].tx->proto_tx;
	assert_false(t->req.present);
	assert_int_equal(t->resp.id, 77);
	h_free(&h);
}

/* A TCP stream of two queries, split at every pair of positions. */
static void test_tcp_framing_split(void **state)
{
	(void)state;
	struct msg q1, q2;
	build_query(&q1, 10, "first.example", 1);
	build_query(&q2, 11, "second.example", 16);
	uint8_t s[1024];
	uint32_t n = 0;
	s[n++] = (uint8_t)(q1.n >> 8);
	s[n++] = (uint8_t)q1.n;
	memcpy(s + n, q1.b, q1.n);
	n += q1.n;
	s[n++] = (uint8_t)(q2.n >> 8);
	s[n++] = (uint8_t)q2.n;
	memcpy(s + n, q2.b, q2.n);
	n += q2.n;
	for (uint32_t a = 1; a < n; a += 3) {
		for (uint32_t b = a; b < n; b += 5) {
			struct h h;
			h_init(&h, 6, 53);
			/* Each transaction is done at once (and freed at the next call): look at
			 * the new ones of each call. */
			const char *want[] = { "first.example", "second.example" };
			unsigned got = 0;
			const uint32_t cut[4] = { 0, a, b, n };
			for (int k = 0; k < 3; k++) {
				assert_int_equal(h_send(&h, 0, s + cut[k], cut[k + 1] - cut[k]), 0);
				for (uint32_t i = 0; i < h.r.n_tx; i++) {
					if (!(h.r.txs[i].flags & APP_RTX_NEW))
						continue;
					assert_true(got < 2);
					assert_buf(h.r.txs[i].tx, APP_BUF_DNS_QUERY, 0, 0, want[got]);
					got++;
				}
			}
			assert_int_equal(got, 2);
			assert_int_equal(app_flow_proto(&h.f), APP_PROTO_DNS);
			h_free(&h);
		}
	}
}

static void test_tcp_response_and_gap(void **state)
{
	(void)state;
	struct h h;
	struct msg q, r;
	uint8_t s[2048];
	h_init(&h, 6, 53);
	build_query(&q, 5, "www.example.com", 1);
	s[0] = 0;
	s[1] = (uint8_t)q.n;
	memcpy(s + 2, q.b, q.n);
	assert_int_equal(h_send(&h, 0, s, q.n + 2), 0);
	assert_int_equal(h.r.n_tx, 1);
	build_response(&r, 5);
	s[0] = 0;
	s[1] = (uint8_t)r.n;
	memcpy(s + 2, r.b, r.n);
	/* One byte at a time. */
	for (uint32_t i = 0; i < r.n + 2; i++) {
		assert_int_equal(h_send(&h, 1, s + i, 1), 0);
		/* The response's transaction appears with its last byte only. */
		assert_int_equal(h.r.n_tx, i + 1 == r.n + 2 ? 1 : 0);
	}
	assert_true(app_tx_is_complete(h.r.txs[0].tx));
	assert_true(((const struct dns_tx *)h.r.txs[0].tx->proto_tx)->resp.present);
	/* After a gap the stream is not framed any more: nothing new is parsed. */
	assert_int_equal(app_handle_data(h.ctx, &h.f, 0, s, 5, APP_F_GAP, 0, &h.r), 0);
	assert_int_equal(h.r.n_tx, 0);
	h_free(&h);
}

static void test_events_direction_z_opcode(void **state)
{
	(void)state;
	struct h h;
	struct msg m;
	h_init(&h, 17, 53);
	/* A query with Z set and opcode 9, sent to the client: three events. */
	build_query(&m, 3, "odd.example", 1);
	m.b[2] = (uint8_t)(9 << 3);
	m.b[3] = 0x40;
	assert_int_equal(h_send(&h, 0, m.b, m.n), 0);
	/* Opcode 9 fails the probe: detection must not pick DNS from a bad first message. */
	assert_int_not_equal(h.r.proto, APP_PROTO_DNS);
	h_free(&h);

	h_init(&h, 17, 53);
	build_query(&m, 3, "fine.example", 1);
	assert_int_equal(h_send(&h, 0, m.b, m.n), 0);
	assert_int_equal(h.r.proto, APP_PROTO_DNS);
	build_query(&m, 4, "odd.example", 1);
	m.b[2] = (uint8_t)(9 << 3);
	m.b[3] = 0x40;
	assert_int_equal(h_send(&h, 1, m.b, m.n), 0);
	assert_true(result_has_event(&h.r, APP_EVENT_DNS_NOT_RESPONSE));
	assert_true(result_has_event(&h.r, APP_EVENT_DNS_Z_FLAG_SET));
	assert_true(result_has_event(&h.r, APP_EVENT_DNS_INVALID_OPCODE));
	struct app_tx *tx = h.r.txs[0].tx;
	assert_true(tx_has_event(tx, APP_EVENT_DNS_Z_FLAG_SET));
	/* A response sent to the server. */
	build_response(&m, 50);
	assert_int_equal(h_send(&h, 0, m.b, m.n), 0);
	assert_true(result_has_event(&h.r, APP_EVENT_DNS_NOT_REQUEST));
	assert_false(result_has_event(&h.r, APP_EVENT_DNS_NOT_RESPONSE));
	h_free(&h);
}

static void test_events_malformed_loop(void **state)
{
	(void)state;
	struct h h;
	struct msg m;
	h_init(&h, 17, 53);
	build_query(&m, 8, "ok.example", 1);
	assert_int_equal(h_send(&h, 0, m.b, m.n), 0);
	/* Response whose answer name is a self-pointer. */
	hdr(&m, 8, 0x8180, 1, 1, 0, 0);
	question(&m, "ok.example", 1);
	uint32_t at = m.n;
	put16(&m, (uint16_t)(0xc000 | at));
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 5);
	put16(&m, 4);
	put32(&m, 0x01020304);
	assert_int_equal(h_send(&h, 1, m.b, m.n), 0);
	assert_true(result_has_event(&h.r, APP_EVENT_DNS_INFINITE_LOOP));
	/* Truncated record in the authority section. */
	build_query(&m, 9, "ok.example", 1);
	assert_int_equal(h_send(&h, 0, m.b, m.n), 0);
	hdr(&m, 9, 0x8180, 1, 0, 1, 0);
	question(&m, "ok.example", 1);
	rr_ptr12(&m, 1, 1, 4);
	put16(&m, 0x0102);
	assert_int_equal(h_send(&h, 1, m.b, m.n), 0);
	assert_true(result_has_event(&h.r, APP_EVENT_DNS_MALFORMED_DATA));
	assert_true(result_has_event(&h.r, APP_EVENT_DNS_INVALID_AUTHORITIES));
	/* Shorter than a header. */
	assert_int_equal(h_send(&h, 1, m.b, 5), 0);
	assert_true(result_has_event(&h.r, APP_EVENT_DNS_MALFORMED_DATA));
	h_free(&h);
}

static void test_probe(void **state)
{
	(void)state;
	struct msg m;
	build_query(&m, 1, "x.example", 1);
	const struct app_parser *p = &app_parser_dns;
	assert_int_equal(p->probe(m.b, m.n, 0, 17), APP_PROBE_MATCH);
	assert_int_equal(p->probe(m.b, 11, 0, 17), APP_PROBE_NOMATCH);
	uint8_t junk[40];
	memset(junk, 'A', sizeof(junk));
	assert_int_equal(p->probe(junk, sizeof(junk), 0, 17), APP_PROBE_NOMATCH);
	uint8_t t[600];
	t[0] = 0;
	t[1] = (uint8_t)m.n;
	memcpy(t + 2, m.b, m.n);
	assert_int_equal(p->probe(t, 1, 0, 6), APP_PROBE_NEED_MORE);
	assert_int_equal(p->probe(t, 8, 0, 6), APP_PROBE_NEED_MORE);
	assert_int_equal(p->probe(t, m.n + 2, 0, 6), APP_PROBE_MATCH);
	t[1] = 5; /* a TCP length shorter than a header */
	assert_int_equal(p->probe(t, m.n + 2, 0, 6), APP_PROBE_NOMATCH);
	/* Like Suricata, DNS is detected on its detection ports only: the same query to UDP 5353
	 * stays unknown (NetBIOS name service on 137 looks like DNS too). */
	struct h h;
	h_init(&h, 17, 5353);
	assert_int_equal(h_send(&h, 0, m.b, m.n), 0);
	assert_int_not_equal(h.r.proto, APP_PROTO_DNS);
	h_free(&h);
	h_init(&h, 17, 53);
	assert_int_equal(h_send(&h, 0, m.b, m.n), 0);
	assert_int_equal(h.r.proto, APP_PROTO_DNS);
	h_free(&h);
}

/* ---- EVE ------------------------------------------------------------------------------------ */

static char g_dir[64], g_path[128];

static json_t *read_lines(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	json_t *arr = json_array();
	char line[65536];
	while (fgets(line, sizeof(line), f)) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		assert_non_null(o);
		json_array_append_new(arr, o);
	}
	fclose(f);
	*count = json_array_size(arr);
	return arr;
}


/* Open g_path with default options except the dns ones given (NULL: defaults). */
static struct eve *eve_open_dns(const struct eve_dns_options *o)
{
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	snprintf(cfg.filename, sizeof(cfg.filename), "%s", g_path);
	if (o)
		cfg.dns = *o;
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0);
	return e;
}

static void eve_close_ok(struct eve *e)
{
	char err[256];
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);
}

/* A query and its response through the app layer; *qtx / *rtx their transactions (both kept
 * alive: the test logs them before the flow's next call would free the query). */
static void dns_pair(struct h *h, struct packet *qp, struct packet *rp, struct app_tx **qtx,
		     struct app_tx **rtx)
{
	struct msg q, r;
	h_init(h, 17, 53);
	h->f.flow_id = 1234;
	h->f.src.family = h->f.dst.family = 4;
	h->f.src.b[0] = 10;
	h->f.src.b[3] = 11;
	h->f.dst.b[0] = 10;
	h->f.dst.b[3] = 1;
	build_query(&q, 36146, "www.example.com", 1);
	assert_int_equal(h_send(h, 0, q.b, q.n), 0);
	*qtx = h->r.txs[0].tx;
	(*qtx)->complete[FLOW_DIR_TO_CLIENT] = false; /* keep it past the next call */
	build_response(&r, 36146);
	assert_int_equal(h_send(h, 1, r.b, r.n), 0);
	*rtx = h->r.txs[0].tx;
	memset(qp, 0, sizeof(*qp));
	qp->ip_version = 4;
	qp->ip_proto = 17;
	qp->src = h->f.src;
	qp->dst = h->f.dst;
	qp->sp = 40000;
	qp->dp = 53;
	qp->flow_dir = FLOW_DIR_TO_SERVER;
	*rp = *qp;
	rp->src = h->f.dst;
	rp->dst = h->f.src;
	rp->sp = 53;
	rp->dp = 40000;
	rp->flow_dir = FLOW_DIR_TO_CLIENT;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	assert_non_null(v);
	return v;
}

/* Version 3 (the default): one record per message with the message's own tuple. */
static void test_eve_dns_v3(void **state)
{
	(void)state;
	struct h h;
	struct packet qp, rp;
	struct app_tx *qtx, *rtx;
	dns_pair(&h, &qp, &rp, &qtx, &rtx);
	struct eve *e = eve_open_dns(NULL);
	eve_log_dns(e, &qp, &h.f, qtx, FLOW_DIR_TO_SERVER, 1700000000000000ull, NULL);
	/* The wrong direction for a transaction logs nothing. */
	eve_log_dns(e, &qp, &h.f, qtx, FLOW_DIR_TO_CLIENT, 1700000000000000ull, NULL);
	eve_log_dns(e, &rp, &h.f, rtx, FLOW_DIR_TO_CLIENT, 1700000000000001ull, NULL);
	struct eve_dns_options o;
	eve_dns_options_defaults(&o);
	o.grouped = false;
	eve_log_dns(e, &rp, &h.f, rtx, FLOW_DIR_TO_CLIENT, 1700000000000002ull, &o);
	eve_close_ok(e);

	size_t n;
	json_t *arr = read_lines(g_path, &n);
	assert_int_equal(n, 3);
	json_t *d = json_object_get(json_array_get(arr, 0), "dns");
	assert_string_equal(jstr(json_array_get(arr, 0), "src_ip"), "10.0.0.11");
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 3);
	assert_string_equal(jstr(d, "type"), "request");
	assert_int_equal(json_integer_value(json_object_get(d, "id")), 36146);
	assert_int_equal(json_integer_value(json_object_get(d, "tx_id")), 0);
	assert_string_equal(jstr(d, "flags"), "100");
	assert_true(json_is_true(json_object_get(d, "rd")));
	assert_null(json_object_get(d, "qr"));
	assert_string_equal(jstr(d, "rcode"), "NOERROR");
	json_t *qs = json_object_get(d, "queries");
	assert_int_equal(json_array_size(qs), 1);
	assert_string_equal(jstr(json_array_get(qs, 0), "rrname"), "www.example.com");
	assert_string_equal(jstr(json_array_get(qs, 0), "rrtype"), "A");
	assert_null(json_object_get(d, "rrname"));
	assert_null(json_object_get(d, "answers"));

	json_t *r0 = json_array_get(arr, 1);
	d = json_object_get(r0, "dns");
	assert_string_equal(jstr(r0, "src_ip"), "10.0.0.1"); /* the server: the packet's tuple */
	assert_int_equal(json_integer_value(json_object_get(r0, "src_port")), 53);
	assert_string_equal(jstr(d, "type"), "response");
	assert_int_equal(json_integer_value(json_object_get(d, "tx_id")), 1);
	assert_string_equal(jstr(d, "flags"), "8180");
	assert_true(json_is_true(json_object_get(d, "qr")));
	assert_true(json_is_true(json_object_get(d, "ra")));
	assert_null(json_object_get(d, "aa"));
	assert_string_equal(jstr(json_array_get(json_object_get(d, "queries"), 0), "rrname"),
			    "www.example.com");
	json_t *ans = json_object_get(d, "answers");
	assert_int_equal(json_array_size(ans), 3);
	assert_string_equal(jstr(json_array_get(ans, 0), "rrtype"), "CNAME");
	assert_string_equal(jstr(json_array_get(ans, 0), "rdata"), "example.com");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ans, 0), "ttl")), 3600);
	assert_string_equal(jstr(json_array_get(ans, 1), "rdata"), "192.0.2.1");
	json_t *g = json_object_get(d, "grouped");
	assert_int_equal(json_array_size(json_object_get(g, "A")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(g, "A"), 1)),
			    "192.0.2.2");
	d = json_object_get(json_array_get(arr, 2), "dns");
	assert_null(json_object_get(d, "grouped"));
	assert_non_null(json_object_get(d, "answers"));
	json_decref(arr);

	int rc = run_validator(g_path);
	unlink(g_path);
	h_free(&h);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
}

/* version: 2 — query/answer records with the flow's tuple; requests/responses/types filters. */
static void test_eve_dns_v2_filters(void **state)
{
	(void)state;
	struct h h;
	struct packet qp, rp;
	struct app_tx *qtx, *rtx;
	dns_pair(&h, &qp, &rp, &qtx, &rtx);
	struct eve_dns_options o;
	eve_dns_options_defaults(&o);
	o.version = 2;
	struct eve *e = eve_open_dns(&o);
	eve_log_dns(e, &qp, &h.f, qtx, FLOW_DIR_TO_SERVER, 1700000000000000ull, NULL);
	eve_log_dns(e, &rp, &h.f, rtx, FLOW_DIR_TO_CLIENT, 1700000000000001ull, NULL);
	struct eve_dns_options f = o;
	f.responses = false;
	eve_log_dns(e, &rp, &h.f, rtx, FLOW_DIR_TO_CLIENT, 1700000000000002ull, &f);
	f = o;
	assert_int_equal(eve_dns_options_add_type(&f, "mx"), 0);
	assert_int_equal(eve_dns_options_add_type(&f, "nosuchtype"), -1);
	eve_log_dns(e, &qp, &h.f, qtx, FLOW_DIR_TO_SERVER, 1700000000000003ull, &f);
	eve_log_dns(e, &rp, &h.f, rtx, FLOW_DIR_TO_CLIENT, 1700000000000003ull, &f);
	assert_int_equal(eve_dns_options_add_type(&f, "A"), 0);
	f.version = 3;
	f.requests = false;
	eve_log_dns(e, &qp, &h.f, qtx, FLOW_DIR_TO_SERVER, 1700000000000004ull, &f);
	eve_log_dns(e, &rp, &h.f, rtx, FLOW_DIR_TO_CLIENT, 1700000000000004ull, &f);
	eve_close_ok(e);

	size_t n;
	json_t *arr = read_lines(g_path, &n);
	/* query + answer; responses: no -> nothing; types [mx] -> nothing; v3 [mx, a] with
	 * requests: no -> the response only. */
	assert_int_equal(n, 3);
	json_t *q = json_array_get(arr, 0), *d = json_object_get(q, "dns");
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 2);
	assert_string_equal(jstr(d, "type"), "query");
	assert_string_equal(jstr(d, "rrname"), "www.example.com");
	assert_string_equal(jstr(d, "rrtype"), "A");
	assert_int_equal(json_integer_value(json_object_get(d, "tx_id")), 0);
	json_t *a = json_array_get(arr, 1);
	d = json_object_get(a, "dns");
	assert_string_equal(jstr(d, "type"), "answer");
	assert_string_equal(jstr(a, "src_ip"), "10.0.0.11"); /* v2: the flow's tuple */
	assert_int_equal(json_integer_value(json_object_get(a, "dest_port")), 53);
	assert_string_equal(jstr(d, "rrname"), "www.example.com");
	assert_string_equal(jstr(d, "rcode"), "NOERROR");
	assert_int_equal(json_array_size(json_object_get(d, "answers")), 3);
	d = json_object_get(json_array_get(arr, 2), "dns");
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 3);
	assert_string_equal(jstr(d, "type"), "response");
	json_decref(arr);
	int rc = run_validator(g_path);
	unlink(g_path);
	h_free(&h);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
}

/* The alert object: version 3, every type, detailed answers without grouping. */
static void test_eve_dns_alert_fields(void **state)
{
	(void)state;
	struct h h;
	struct packet qp, rp;
	struct app_tx *qtx, *rtx;
	dns_pair(&h, &qp, &rp, &qtx, &rtx);
	struct jbuf j;
	jbuf_init(&j);
	jbuf_open_object(&j, NULL);
	eve_dns_fields(&j, rtx);
	eve_dns_fields(&j, NULL); /* no transaction: nothing */
	jbuf_close_object(&j);
	assert_false(j.failed);
	json_error_t err;
	json_t *o = json_loadb(j.buf, j.len, 0, &err);
	assert_non_null(o);
	json_t *d = json_object_get(o, "dns");
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 3);
	assert_string_equal(jstr(d, "type"), "response");
	assert_int_equal(json_array_size(json_object_get(d, "answers")), 3);
	assert_null(json_object_get(d, "grouped"));
	json_decref(o);
	jbuf_reset(&j);
	jbuf_open_object(&j, NULL);
	eve_dns_fields(&j, qtx);
	jbuf_close_object(&j);
	o = json_loadb(j.buf, j.len, 0, &err);
	assert_non_null(o);
	assert_string_equal(jstr(json_object_get(o, "dns"), "type"), "request");
	json_decref(o);
	jbuf_free(&j);
	h_free(&h);
}

/* Several outputs: each file gets the records of its own types, dns in its own version. */
static void test_eve_multi_output(void **state)
{
	(void)state;
	struct h h;
	struct packet qp, rp;
	struct app_tx *qtx, *rtx;
	dns_pair(&h, &qp, &rp, &qtx, &rtx);
	struct eve_config c1, c2, c3;
	eve_config_defaults(&c1);
	eve_config_defaults(&c2);
	eve_config_defaults(&c3);
	snprintf(c1.filename, sizeof(c1.filename), "all.json");
	snprintf(c2.filename, sizeof(c2.filename), "v2-answers.json");
	snprintf(c3.filename, sizeof(c3.filename), "flows.json");
	c2.dns.version = 2;
	c2.dns.requests = false;
	memset(c3.types, 0, sizeof(c3.types));
	c3.types[EVE_TYPE_FLOW] = true;
	memset(c1.types, 0, sizeof(c1.types));
	c1.types[EVE_TYPE_DNS] = true;
	c1.next = &c2;
	c2.next = &c3;
	assert_true(eve_config_type_enabled(&c1, EVE_TYPE_FLOW));
	assert_false(eve_config_type_enabled(&c1, EVE_TYPE_TLS) && !c2.types[EVE_TYPE_TLS]);
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &c1, g_dir, err, sizeof(err)), 0);
	eve_log_dns(e, &qp, &h.f, qtx, FLOW_DIR_TO_SERVER, 1700000000000000ull, NULL);
	eve_log_dns(e, &rp, &h.f, rtx, FLOW_DIR_TO_CLIENT, 1700000000000001ull, NULL);
	h.f.start_usec = h.f.last_usec = 1700000000000000ull;
	eve_log_flow(e, &h.f);
	struct eve_counters cnt;
	eve_get_counters(e, &cnt);
	assert_int_equal(cnt.records[EVE_TYPE_DNS], 3);
	eve_close_ok(e);

	char path[256];
	size_t n;
	const struct {
		const char *file;
		size_t n;
		const char *first_type;
	} want[] = { { "all.json", 2, "request" }, { "v2-answers.json", 2, "answer" },
		     { "flows.json", 1, NULL } };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", g_dir, want[i].file);
		json_t *arr = read_lines(path, &n);
		assert_int_equal(n, want[i].n);
		json_t *r = json_array_get(arr, 0);
		if (want[i].first_type)
			assert_string_equal(jstr(json_object_get(r, "dns"), "type"),
					    want[i].first_type);
		else
			assert_string_equal(jstr(r, "event_type"), "flow");
		/* c2 takes every type but dns requests: the flow record too */
		if (i == 1)
			assert_string_equal(jstr(json_array_get(arr, 1), "event_type"), "flow");
		json_decref(arr);
		unlink(path);
	}
	h_free(&h);
}

/* Every type of test_parse_all_types through EVE and the schema (SOA, SRV, AAAA, NULL...). */
static void test_eve_dns_types_schema(void **state)
{
	(void)state;
	struct h h;
	struct msg q, m;
	h_init(&h, 17, 53);
	build_query(&q, 0x4321, "ex.org", 255);
	assert_int_equal(h_send(&h, 0, q.b, q.n), 0);
	hdr(&m, 0x4321, 0x8580, 1, 6, 1, 2);
	question(&m, "ex.org", 255);
	rr_ptr12(&m, 28, 20, 16);
	putbytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	rr_ptr12(&m, 33, 70, 8);
	put16(&m, 1);
	put16(&m, 2);
	put16(&m, 5060);
	put16(&m, 0xc00c);
	rr_ptr12(&m, 10, 90, 3);
	putbytes(&m, "\x01\x80\xff", 3);
	rr_ptr12(&m, 6, 1, 24);
	put16(&m, 0xc00c);
	put16(&m, 0xc00c);
	for (int i = 0; i < 5; i++)
		put32(&m, (uint32_t)(i + 1));
	rr_ptr12(&m, 4242, 100, 2);
	putbytes(&m, "\x41\x42", 2);
	rr_ptr12(&m, 16, 9, 5); /* TXT "abc" "" */
	putbytes(&m, "\x03" "abc" "\x00", 5);
	rr_ptr12(&m, 6, 120, 24);
	put16(&m, 0xc00c);
	put16(&m, 0xc00c);
	for (int i = 0; i < 5; i++)
		put32(&m, 7);
	/* (answer 6, after the authority in the counts' order is fine: sections are by count) */
	put8(&m, 0); /* additional: OPT without options (not logged) */
	put16(&m, 41);
	put16(&m, 1232);
	put32(&m, 0);
	put16(&m, 0);
	put8(&m, 0); /* additional: OPT with option 10 = 01 02 */
	put16(&m, 41);
	put16(&m, 1232);
	put32(&m, 0);
	put16(&m, 6);
	put16(&m, 10);
	put16(&m, 2);
	put16(&m, 0x0102);
	assert_int_equal(h_send(&h, 1, m.b, m.n), 0);
	assert_int_equal(h.r.n_events, 0);
	struct app_tx *tx = h.r.txs[0].tx;

	struct eve_config cfg;
	eve_config_defaults(&cfg);
	snprintf(cfg.filename, sizeof(cfg.filename), "%s", g_path);
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0);
	eve_log_dns(e, NULL, &h.f, tx, FLOW_DIR_TO_CLIENT, 1700000000000000ull, NULL);
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);
	size_t n;
	json_t *arr = read_lines(g_path, &n);
	assert_int_equal(n, 1);
	json_t *d = json_object_get(json_array_get(arr, 0), "dns");
	json_t *ans = json_object_get(d, "answers");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ans, 0), "rdata")),
			    "2001:0db8:0000:0000:0000:0000:0000:0001");
	json_t *srv = json_object_get(json_array_get(ans, 1), "srv");
	assert_int_equal(json_integer_value(json_object_get(srv, "port")), 5060);
	assert_string_equal(json_string_value(json_object_get(srv, "name")), "ex.org");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ans, 2), "rdata")),
			    "\x01\\x80\\xff");
	json_t *soa = json_object_get(json_array_get(ans, 3), "soa");
	assert_int_equal(json_integer_value(json_object_get(soa, "serial")), 1);
	assert_int_equal(json_integer_value(json_object_get(soa, "minimum")), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ans, 4), "rrtype")),
			    "4242");
	assert_null(json_object_get(json_array_get(ans, 4), "rdata")); /* unknown: no rdata */
	/* A TXT record: one entry per character-string, the empty one too. */
	assert_int_equal(json_array_size(ans), 7);
	assert_string_equal(jstr(json_array_get(ans, 5), "rdata"), "abc");
	assert_string_equal(jstr(json_array_get(ans, 6), "rdata"), "");
	json_t *gt = json_object_get(json_object_get(d, "grouped"), "TXT");
	assert_int_equal(json_array_size(gt), 2);
	json_t *add = json_object_get(d, "additionals");
	assert_int_equal(json_array_size(add), 1);
	json_t *opt = json_object_get(json_array_get(add, 0), "opt");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(opt, 0), "code")), 10);
	assert_string_equal(jstr(json_array_get(opt, 0), "data"), "0102");
	assert_int_equal(json_array_size(json_object_get(d, "authorities")), 1);
	json_t *g = json_object_get(d, "grouped");
	assert_int_equal(json_array_size(json_object_get(g, "SOA")), 1);
	assert_null(json_object_get(g, "4242"));
	json_decref(arr);
	int rc = run_validator(g_path);
	unlink(g_path);
	h_free(&h);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
}

static int group_setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	snprintf(g_dir, sizeof(g_dir), "/tmp/aegis-dns-test-XXXXXX");
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
		cmocka_unit_test(test_rrtype_names),
		cmocka_unit_test(test_name_compression),
		cmocka_unit_test(test_name_pointer_loop),
		cmocka_unit_test(test_name_too_long),
		cmocka_unit_test(test_too_many_labels),
		cmocka_unit_test(test_parse_all_types),
		cmocka_unit_test(test_truncation_every_byte),
		cmocka_unit_test(test_bounded_rrs),
		cmocka_unit_test(test_udp_query_response),
		cmocka_unit_test(test_tx_per_message),
		cmocka_unit_test(test_tcp_framing_split),
		cmocka_unit_test(test_tcp_response_and_gap),
		cmocka_unit_test(test_events_direction_z_opcode),
		cmocka_unit_test(test_events_malformed_loop),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_eve_dns_v3),
		cmocka_unit_test(test_eve_dns_v2_filters),
		cmocka_unit_test(test_eve_dns_alert_fields),
		cmocka_unit_test(test_eve_multi_output),
		cmocka_unit_test(test_eve_dns_types_schema),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
