/*
 * test-app-dns.c — unit tests of the DNS parser: messages built by hand (queries, answers of
 * each record type, compression, pointer loops, over-long names, truncation at every byte),
 * UDP and TCP framing split anywhere, id matching, events, sticky buffers, and the EVE dns
 * records (field by field with jansson, then against Suricata's schema).
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
	assert_int_equal(r->rrs[4].data.len, 7);
	assert_memory_equal(dns_str_data(&t, r->rrs[4].data), "abcdefg", 7);
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
	assert_true(tx->complete[FLOW_DIR_TO_SERVER]);
	assert_false(tx->complete[FLOW_DIR_TO_CLIENT]);
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
	assert_ptr_equal(h.r.txs[0].tx, tx);
	assert_true(h.r.txs[0].flags & APP_RTX_COMPLETED);
	assert_buf(tx, APP_BUF_DNS_ANSWER_NAME, FLOW_DIR_TO_CLIENT, 0, "www.example.com");
	assert_buf(tx, APP_BUF_DNS_ANSWER_NAME, FLOW_DIR_TO_CLIENT, 1, "example.com");
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_DNS_ANSWER_NAME, 1, 3, &d, &n), -1);
	h_free(&h);
}

static void test_id_matching(void **state)
{
	(void)state;
	struct h h;
	struct msg q1, q2, r;
	h_init(&h, 17, 53);
	build_query(&q1, 1, "one.example", 1);
	build_query(&q2, 2, "two.example", 28);
	assert_int_equal(h_send(&h, 0, q1.b, q1.n), 0);
	struct app_tx *t1 = h.r.txs[0].tx;
	assert_int_equal(h_send(&h, 0, q2.b, q2.n), 0);
	struct app_tx *t2 = h.r.txs[0].tx;
	assert_ptr_not_equal(t1, t2);
	/* The response to id 2 comes first and must land on the second transaction. */
	build_response(&r, 2);
	assert_int_equal(h_send(&h, 1, r.b, r.n), 0);
	assert_int_equal(h.r.n_tx, 1);
	assert_ptr_equal(h.r.txs[0].tx, t2);
	assert_true(app_tx_is_complete(t2));
	assert_false(app_tx_is_complete(t1));
	/* An unsolicited response (id 77) is a transaction of its own. */
	build_response(&r, 77);
	assert_int_equal(h_send(&h, 1, r.b, r.n), 0);
	assert_int_equal(h.r.n_tx, 1);
	assert_true(h.r.txs[0].flags & APP_RTX_NEW);
	struct dns_tx *t = h.r.txs[0].tx->proto_tx;
	assert_false(t->req.present);
	assert_true(t->resp.present);
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
			assert_int_equal(h_send(&h, 0, s, a), 0);
			assert_int_equal(h_send(&h, 0, s + a, b - a), 0);
			assert_int_equal(h_send(&h, 0, s + b, n - b), 0);
			assert_int_equal(app_flow_proto(&h.f), APP_PROTO_DNS);
			struct app_tx *tx = app_flow_tx_first(&h.f);
			assert_non_null(tx);
			assert_buf(tx, APP_BUF_DNS_QUERY, 0, 0, "first.example");
			assert_non_null(tx->next);
			assert_buf(tx->next, APP_BUF_DNS_QUERY, 0, 0, "second.example");
			assert_null(tx->next->next);
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
	struct app_tx *tx = h.r.txs[0].tx;
	build_response(&r, 5);
	s[0] = 0;
	s[1] = (uint8_t)r.n;
	memcpy(s + 2, r.b, r.n);
	/* One byte at a time. */
	for (uint32_t i = 0; i < r.n + 2; i++)
		assert_int_equal(h_send(&h, 1, s + i, 1), 0);
	assert_true(app_tx_is_complete(tx));
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
	/* DNS on a non-53 UDP port is still detected (no port restriction). */
	struct h h;
	h_init(&h, 17, 5353);
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


static void test_eve_dns(void **state)
{
	(void)state;
	struct h h;
	struct msg q, r;
	h_init(&h, 17, 53);
	h.f.flow_id = 1234;
	build_query(&q, 36146, "www.example.com", 1);
	assert_int_equal(h_send(&h, 0, q.b, q.n), 0);
	struct app_tx *tx = h.r.txs[0].tx;
	build_response(&r, 36146);
	assert_int_equal(h_send(&h, 1, r.b, r.n), 0);

	struct eve_config cfg;
	eve_config_defaults(&cfg);
	snprintf(cfg.filename, sizeof(cfg.filename), "%s", g_path);
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0);
	eve_log_dns(e, NULL, &h.f, tx, FLOW_DIR_TO_SERVER, 1700000000000000ull, NULL);
	eve_log_dns(e, NULL, &h.f, tx, FLOW_DIR_TO_CLIENT, 1700000000000001ull, NULL);
	struct eve_dns_options o;
	eve_dns_options_defaults(&o);
	o.grouped = false;
	eve_log_dns(e, NULL, &h.f, tx, FLOW_DIR_TO_CLIENT, 1700000000000002ull, &o);
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);

	size_t n;
	json_t *arr = read_lines(g_path, &n);
	assert_int_equal(n, 3);
	json_t *d = json_object_get(json_array_get(arr, 0), "dns");
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0),
							      "event_type")), "dns");
	assert_string_equal(json_string_value(json_object_get(d, "type")), "query");
	assert_int_equal(json_integer_value(json_object_get(d, "id")), 36146);
	assert_string_equal(json_string_value(json_object_get(d, "rrname")), "www.example.com");
	assert_string_equal(json_string_value(json_object_get(d, "rrtype")), "A");
	assert_int_equal(json_integer_value(json_object_get(d, "tx_id")), 0);
	assert_int_equal(json_integer_value(json_object_get(d, "opcode")), 0);

	d = json_object_get(json_array_get(arr, 1), "dns");
	assert_string_equal(json_string_value(json_object_get(d, "type")), "answer");
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(d, "flags")), "8180");
	assert_true(json_is_true(json_object_get(d, "qr")));
	assert_true(json_is_true(json_object_get(d, "rd")));
	assert_true(json_is_true(json_object_get(d, "ra")));
	assert_null(json_object_get(d, "aa"));
	assert_string_equal(json_string_value(json_object_get(d, "rcode")), "NOERROR");
	assert_string_equal(json_string_value(json_object_get(d, "rrname")), "www.example.com");
	json_t *ans = json_object_get(d, "answers");
	assert_int_equal(json_array_size(ans), 3);
	json_t *a0 = json_array_get(ans, 0), *a1 = json_array_get(ans, 1);
	assert_string_equal(json_string_value(json_object_get(a0, "rrtype")), "CNAME");
	assert_string_equal(json_string_value(json_object_get(a0, "rdata")), "example.com");
	assert_int_equal(json_integer_value(json_object_get(a0, "ttl")), 3600);
	assert_string_equal(json_string_value(json_object_get(a1, "rrname")), "example.com");
	assert_string_equal(json_string_value(json_object_get(a1, "rdata")), "192.0.2.1");
	json_t *g = json_object_get(d, "grouped");
	assert_int_equal(json_array_size(json_object_get(g, "A")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(g, "A"), 1)),
			    "192.0.2.2");
	assert_string_equal(json_string_value(json_array_get(json_object_get(g, "CNAME"), 0)),
			    "example.com");
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

/* Every type of test_parse_all_types through EVE and the schema (SOA, SRV, AAAA, NULL...). */
static void test_eve_dns_types_schema(void **state)
{
	(void)state;
	struct h h;
	struct msg q, m;
	h_init(&h, 17, 53);
	build_query(&q, 0x4321, "ex.org", 255);
	assert_int_equal(h_send(&h, 0, q.b, q.n), 0);
	struct app_tx *tx = h.r.txs[0].tx;
	hdr(&m, 0x4321, 0x8580, 1, 5, 1, 0);
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
	rr_ptr12(&m, 6, 120, 24);
	put16(&m, 0xc00c);
	put16(&m, 0xc00c);
	for (int i = 0; i < 5; i++)
		put32(&m, 7);
	assert_int_equal(h_send(&h, 1, m.b, m.n), 0);
	assert_int_equal(h.r.n_events, 0);

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
		cmocka_unit_test(test_id_matching),
		cmocka_unit_test(test_tcp_framing_split),
		cmocka_unit_test(test_tcp_response_and_gap),
		cmocka_unit_test(test_events_direction_z_opcode),
		cmocka_unit_test(test_events_malformed_loop),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_eve_dns),
		cmocka_unit_test(test_eve_dns_types_schema),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
