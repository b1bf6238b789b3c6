/*
 * test-stream-tcp.c — unit tests of TCP reassembly: delivery on the receiver's ACK (IDS mode,
 * the default) and on arrival (stream.inline), partial ACKs, in-order and out-of-order
 * delivery, retransmissions, overlap policies, gaps (released by ACK, FIN, RST, flush), depth,
 * memcaps, midstream and async-oneside pick-up, FIN/RST eof, sequence wraparound, both
 * directions, checksum validation and freeing; when held data is due for raw inspection.
 *
 * Packets are made by hand (the fields the stream stage reads) and the flow's TCP state is set
 * the way the flow stage would set it, so each test controls exactly one thing. The checksum
 * test decodes real bytes instead, since validation needs the headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stream/stream.h"

#define ISN_C 1000u
#define ISN_S 5000u

struct env {
	struct decode_ctx dc;
	struct stream_config cfg;
	struct stream_ctx *sc;
	struct flow f;
	struct stream_result r;
	/* everything delivered so far per direction */
	char got[2][4096];
	uint32_t got_len[2];
	bool got_long[2]; /* more was delivered than got[] keeps */
	bool gap[2], eof[2];
	unsigned events[STREAM_EVENT_MAX];
};

static const uint8_t l4_dummy[20];

static void env_init(struct env *e, void (*tweak)(struct stream_config *))
{
	memset(e, 0, sizeof(*e));
	decode_ctx_init(&e->dc, CHECKSUM_AUTO);
	stream_config_defaults(&e->cfg);
	e->cfg.checksum_validation = false;
	if (tweak)
		tweak(&e->cfg);
	e->sc = stream_ctx_create(&e->cfg, &e->dc);
	assert_non_null(e->sc);
	e->f.ip_proto = 6;
	e->f.ip_version = 4;
	ip_addr_parse("10.0.0.1", &e->f.src);
	ip_addr_parse("10.0.0.2", &e->f.dst);
}

static void env_done(struct env *e)
{
	stream_flow_free(e->sc, &e->f);
	struct stream_stats st;
	stream_get_stats(e->sc, &st);
	assert_int_equal(st.reassembly_memuse, 0);
	assert_int_equal(st.memuse, 0);
	stream_ctx_destroy(e->sc);
}

static void collect(struct env *e)
{
	for (unsigned i = 0; i < e->r.n; i++) {
		const struct stream_chunk *c = &e->r.chunks[i];
		assert_true(c->dir < 2);
		if (e->got_len[c->dir] + c->len < sizeof(e->got[0])) {
			if (c->len)
				memcpy(e->got[c->dir] + e->got_len[c->dir], c->data, c->len);
			e->got[c->dir][e->got_len[c->dir] + c->len] = '\0';
		} else {
			e->got_long[c->dir] = true; /* counted, not kept */
		}
		e->got_len[c->dir] += c->len;
		if (c->gap_before)
			e->gap[c->dir] = true;
		if (c->eof)
			e->eof[c->dir] = true;
	}
	for (unsigned i = 0; i < e->r.n_events && i < STREAM_PKT_MAX_EVENTS; i++)
		e->events[e->r.events[i]]++;
}

/* One segment in direction d, with a timestamp option (TSval `tsv`) when `has_ts`, at packet
 * time `sec` seconds. */
static void seg_ts(struct env *e, uint8_t d, uint32_t seq, uint32_t ack, uint8_t flags,
		   const char *data, bool has_ts, uint32_t tsv, uint64_t sec);

/* One segment in direction d. */
static void seg(struct env *e, uint8_t d, uint32_t seq, uint32_t ack, uint8_t flags,
		const char *data)
{
	seg_ts(e, d, seq, ack, flags, data, false, 0, 0);
}

static void seg_ts(struct env *e, uint8_t d, uint32_t seq, uint32_t ack, uint8_t flags,
		   const char *data, bool has_ts, uint32_t tsv, uint64_t sec)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.ip_proto = 6;
	p.flags = PKT_F_CSUM_CHECKED; /* no real headers: stands for a packet already verified */
	p.l4_hdr = l4_dummy;
	p.l4_hlen = 20;
	p.tcp_seq = seq;
	p.tcp_ack = ack;
	p.tcp_flags = flags;
	p.payload = (const uint8_t *)data;
	p.payload_len = data ? (uint32_t)strlen(data) : 0;
	p.tcp_opts.has_ts = has_ts;
	p.tcp_opts.ts_val = tsv;
	p.ts_usec = sec * 1000000u;
	p.flow = &e->f;
	p.flow_dir = d;
	p.src = d == 0 ? e->f.src : e->f.dst;
	p.dst = d == 0 ? e->f.dst : e->f.src;
	stream_handle_packet(e->sc, &p, &e->r);
	collect(e);
}

/* SYN, SYN/ACK, ACK with the flow states the flow stage sets. */
static void handshake(struct env *e, uint32_t isn_c, uint32_t isn_s)
{
	e->f.tcp_state = TCP_STATE_SYN_SENT;
	seg(e, 0, isn_c, 0, TH_SYN, NULL);
	e->f.tcp_state = TCP_STATE_SYN_RECV;
	seg(e, 1, isn_s, isn_c + 1, TH_SYN | TH_ACK, NULL);
	e->f.tcp_state = TCP_STATE_ESTABLISHED;
	seg(e, 0, isn_c + 1, isn_s + 1, TH_ACK, NULL);
}

#define C(off) (ISN_C + 1u + (off))
#define S(off) (ISN_S + 1u + (off))
#define A TH_ACK

/* The server ACKs client bytes up to `off` (sending nothing at S(0)): IDS mode's release. */
static void ack_c(struct env *e, uint32_t off)
{
	seg(e, 1, S(0), C(off), A, NULL);
}

static void set_inline(struct stream_config *c)
{
	c->inline_mode = STREAM_INLINE_YES;
}

/* IDS mode: data waits for the receiver's ACK and comes out on the ACKing packet, with the
 * data's direction; bytes are copied since the data packet is gone by then. */
static void test_in_order(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	static const char d1[] = "GET / HTTP/1.1\r\n";
	seg(&e, 0, C(0), S(0), A | TH_PUSH, d1);
	assert_int_equal(e.r.n, 0);
	assert_false(e.r.ignored);
	ack_c(&e, 16);
	assert_int_equal(e.r.n, 1);
	assert_int_equal(e.r.chunks[0].dir, 0);
	assert_int_equal(e.r.chunks[0].offset, 0);
	assert_int_equal(e.r.chunks[0].len, 16);
	assert_ptr_not_equal(e.r.chunks[0].data, (const uint8_t *)d1);
	seg(&e, 0, C(16), S(0), A, "Host: x\r\n\r\n");
	assert_int_equal(e.r.n, 0);
	ack_c(&e, 27);
	assert_int_equal(e.r.chunks[0].offset, 16);
	assert_string_equal(e.got[0], "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_false(e.gap[0]);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.sessions, 1);
	assert_int_equal(st.segments, 2);
	assert_int_equal(st.bytes_delivered, 27);
	env_done(&e);
}

/* Inline: in-order data goes on with its own packet, referenced without a copy. */
static void test_inline_in_order(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_inline);
	handshake(&e, ISN_C, ISN_S);
	static const char d1[] = "GET / HTTP/1.1\r\n";
	seg(&e, 0, C(0), S(0), A | TH_PUSH, d1);
	assert_int_equal(e.r.n, 1);
	assert_int_equal(e.r.chunks[0].offset, 0);
	assert_ptr_equal(e.r.chunks[0].data, (const uint8_t *)d1); /* no copy in order */
	seg(&e, 0, C(16), S(0), A, "Host: x\r\n\r\n");
	assert_int_equal(e.r.chunks[0].offset, 16);
	assert_string_equal(e.got[0], "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	/* the receiver's ACK releases nothing more */
	ack_c(&e, 27);
	assert_int_equal(e.r.n, 0);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.bytes_delivered, 27);
	assert_int_equal(st.reassembly_memuse, 16384); /* just the retransmission history */
	env_done(&e);
}

/* An ACK inside a segment releases part of it; the rest waits for the next ACK. */
static void test_partial_ack(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "0123456789");
	seg(&e, 0, C(10), S(0), A, "abcdef");
	ack_c(&e, 4);
	assert_int_equal(e.r.n, 1);
	assert_int_equal(e.r.chunks[0].len, 4);
	assert_string_equal(e.got[0], "0123");
	ack_c(&e, 4); /* a duplicate ACK releases nothing */
	assert_int_equal(e.r.n, 0);
	ack_c(&e, 2); /* nor does an older one */
	assert_int_equal(e.r.n, 0);
	ack_c(&e, 13); /* across the segment border: one chunk */
	assert_int_equal(e.r.n, 1);
	assert_int_equal(e.r.chunks[0].offset, 4);
	assert_int_equal(e.r.chunks[0].len, 9);
	assert_string_equal(e.got[0], "0123456789abc");
	ack_c(&e, 16);
	assert_string_equal(e.got[0], "0123456789abcdef");
	assert_false(e.gap[0]);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.gaps, 0);
	assert_int_equal(st.bytes_delivered, 16);
	/* all segments released: only the history and the raw-inspection hold buffer (the 16
	 * bytes wait there for raw inspection) are held */
	assert_int_equal(st.reassembly_memuse, 16384 + 512);
	env_done(&e);
}

/* Data the receiver did not ACK yet is retransmitted differently: the overlap policy picks
 * the bytes (no pkt_retransmission: that is for ACKed data), and what goes on is one copy. */
static void test_unacked_retransmission(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "hello");
	seg(&e, 0, C(0), S(0), A, "hello");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_RETRANSMISSION], 0);
	seg(&e, 0, C(0), S(0), A, "HELLO");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 1);
	ack_c(&e, 5);
	assert_string_equal(e.got[0], "hello"); /* bsd: same start, the first copy stays */
	env_done(&e);
}

/* The other side's data is released by each side's ACKs, both ways on one connection. */
static void test_ack_both_ways(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "req");
	assert_int_equal(e.got_len[0], 0);
	/* the response ACKs the request: the request comes out on the server's packet */
	seg(&e, 1, S(0), C(3), A, "resp");
	assert_int_equal(e.r.n, 1);
	assert_int_equal(e.r.chunks[0].dir, 0);
	assert_string_equal(e.got[0], "req");
	assert_int_equal(e.got_len[1], 0);
	seg(&e, 0, C(3), S(4), A, NULL);
	assert_int_equal(e.r.n, 1);
	assert_int_equal(e.r.chunks[0].dir, 1);
	assert_string_equal(e.got[1], "resp");
	env_done(&e);
}

static void test_out_of_order(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(10), S(0), A, "KLMNO");
	assert_int_equal(e.r.n, 0);
	seg(&e, 0, C(5), S(0), A, "FGHIJ");
	assert_int_equal(e.r.n, 0);
	seg(&e, 0, C(0), S(0), A, "ABCDE");
	assert_int_equal(e.r.n, 0);
	ack_c(&e, 15);
	assert_int_equal(e.r.n, 1); /* merged into one contiguous chunk */
	assert_int_equal(e.r.chunks[0].len, 15);
	assert_string_equal(e.got[0], "ABCDEFGHIJKLMNO");
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.segments_ooo, 2);
	/* the queue's tail after inserts in front and deliveries from the head: appends after
	 * it, a segment before it and one overlapping it still land in order */
	seg(&e, 0, C(25), S(0), A, "zzzzz");
	seg(&e, 0, C(20), S(0), A, "UVWXY");
	seg(&e, 0, C(30), S(0), A, "56789");
	seg(&e, 0, C(15), S(0), A, "PQRST");
	seg(&e, 0, C(28), S(0), A, "34");
	ack_c(&e, 35);
	assert_string_equal(e.got[0], "ABCDEFGHIJKLMNOPQRSTUVWXYzzzzz56789");
	seg(&e, 0, C(35), S(0), A, "!!");
	ack_c(&e, 37);
	assert_string_equal(e.got[0] + 35, "!!");
	env_done(&e);
}

static void test_retransmission_same(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "hello");
	ack_c(&e, 5);
	seg(&e, 0, C(0), S(0), A, "hello");
	assert_int_equal(e.r.n, 0);
	assert_string_equal(e.got[0], "hello");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_RETRANSMISSION], 1);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 0);
	env_done(&e);
}

/* The history of delivered bytes is a ring: after more than its 16 KiB, a retransmission of
 * bytes that straddle the ring's wrap point is still compared right. */
static void test_retransmission_after_history_wrap(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	static char buf[1001];
	for (uint32_t k = 0; k < 20; k++) {
		for (uint32_t i = 0; i < 1000; i++)
			buf[i] = (char)('a' + (k * 1000 + i) % 26);
		buf[1000] = 0;
		seg(&e, 0, C(k * 1000), S(0), A, buf);
		ack_c(&e, (k + 1) * 1000);
	}
	assert_int_equal(e.got_len[0], 20000);
	assert_true(e.got_long[0]);
	/* bytes 16000..16999: ring positions 16000..16383 and 0..615 */
	for (uint32_t i = 0; i < 1000; i++)
		buf[i] = (char)('a' + (16000 + i) % 26);
	seg(&e, 0, C(16000), S(0), A, buf);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 0);
	buf[700] = '#'; /* past the wrap point */
	seg(&e, 0, C(16000), S(0), A, buf);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 1);
	buf[700] = (char)('a' + 16700 % 26);
	buf[10] = '#'; /* before it */
	seg(&e, 0, C(16000), S(0), A, buf);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 2);
	assert_int_equal(e.got_len[0], 20000); /* delivered bytes never change */
	env_done(&e);
}

/* A SYN/ACK sent again after the handshake, while the client's request waits for its ACK,
 * leaves that data alone (it is not TCP Fast Open data the server refused). */
static void test_synack_resend_keeps_data(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "GET /x\r\n");
	seg(&e, 1, ISN_S, C(0), TH_SYN | TH_ACK, NULL);
	assert_int_equal(e.got_len[0], 0);
	ack_c(&e, 8);
	assert_string_equal(e.got[0], "GET /x\r\n");
	env_done(&e);
}

/* Delivered bytes never change; different data in a retransmission is an event. */
static void test_retransmission_different(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "hello");
	ack_c(&e, 5);
	seg(&e, 0, C(0), S(0), A, "HELLO");
	assert_string_equal(e.got[0], "hello");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 1);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.overlaps_diff_data, 1);
	env_done(&e);
}

static void test_partial_overlap(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "0123456789");
	ack_c(&e, 10);
	seg(&e, 0, C(5), S(0), A, "56789abcde");
	ack_c(&e, 15);
	assert_int_equal(e.r.n, 1);
	assert_int_equal(e.r.chunks[0].offset, 10);
	assert_string_equal(e.got[0], "0123456789abcde");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 0);
	env_done(&e);
}

/*
 * Overlap policies on queued data. Queued first: "xxxxx" at [10,15). Then a new segment and
 * finally [0,10) to release everything; the bytes at [10,15) show who won.
 */
static enum stream_policy g_policy;
static void set_policy(struct stream_config *c)
{
	c->policy = g_policy;
}

static void run_tcp_policy(enum stream_policy pol, uint32_t new_off, const char *new_data,
			   const char *expect)
{
	struct env e;
	g_policy = pol;
	env_init(&e, set_policy);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(10), S(0), A, "xxxxx");
	seg(&e, 0, C(new_off), S(0), A, new_data);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 1);
	/* release with the bytes before the new segment only, so they overlap nothing */
	char rel[11] = "0123456789";
	rel[new_off < 10 ? new_off : 10] = '\0';
	seg(&e, 0, C(0), S(0), A, rel);
	ack_c(&e, (uint32_t)strlen(expect));
	assert_false(e.gap[0]);
	if (strcmp(e.got[0], expect) != 0) {
		print_error("policy %s: got '%s' want '%s'\n", stream_policy_name(pol), e.got[0],
			    expect);
		fail();
	}
	env_done(&e);
}

static void test_tcp_policies(void **s)
{
	(void)s;
	/* new starts before the queued data and covers it exactly to its end */
	run_tcp_policy(STREAM_POLICY_BSD, 8, "NNNNNNN", "01234567NNNNNNN");
	run_tcp_policy(STREAM_POLICY_FIRST, 8, "NNNNNNN", "01234567NNxxxxx");
	run_tcp_policy(STREAM_POLICY_LAST, 8, "NNNNNNN", "01234567NNNNNNN");
	run_tcp_policy(STREAM_POLICY_SOLARIS, 8, "NNNNNNN", "01234567NNNNNNN");
	run_tcp_policy(STREAM_POLICY_LINUX, 8, "NNNNNNN", "01234567NNNNNNN");
	run_tcp_policy(STREAM_POLICY_WINDOWS, 8, "NNNNNNN", "01234567NNNNNNN");
	/* new starts before and ends inside: solaris keeps the old bytes */
	run_tcp_policy(STREAM_POLICY_SOLARIS, 8, "NNNN", "01234567NNxxxxx");
	run_tcp_policy(STREAM_POLICY_BSD, 8, "NNNN", "01234567NNNNxxx");
	/* same start, longer: linux and last take the new bytes, bsd keeps the old */
	run_tcp_policy(STREAM_POLICY_LINUX, 10, "NNNNNNN", "0123456789NNNNNNN");
	run_tcp_policy(STREAM_POLICY_LAST, 10, "NNNNNNN", "0123456789NNNNNNN");
	run_tcp_policy(STREAM_POLICY_BSD, 10, "NNNNNNN", "0123456789xxxxxNN");
	run_tcp_policy(STREAM_POLICY_WINDOWS, 10, "NNNNNNN", "0123456789xxxxxNN");
	/* starts inside: only last replaces */
	run_tcp_policy(STREAM_POLICY_LAST, 12, "NN", "0123456789xxNNx");
	run_tcp_policy(STREAM_POLICY_LINUX, 12, "NN", "0123456789xxxxx");
}

static void test_host_os_policy_tcp(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	/* the server (receiver of toserver data) is 10.0.0.2 and runs "first" */
	struct stream_config cfg = e.cfg;
	stream_ctx_destroy(e.sc);
	assert_int_equal(stream_host_os_add(&cfg.hosts, "10.0.0.2/32", STREAM_POLICY_FIRST), 0);
	e.sc = stream_ctx_create(&cfg, &e.dc);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(10), S(0), A, "xxxxx");
	seg(&e, 0, C(8), S(0), A, "NNNNNNN");
	seg(&e, 0, C(0), S(0), A, "0123456789");
	ack_c(&e, 15);
	assert_string_equal(e.got[0], "01234567NNxxxxx");
	env_done(&e);
}

/* A hole the receiver ACKs past is given up on: the data after it flows with gap_before. */
/* A hole the receiver ACKs past is given up on: the data after it flows with gap_before. */
static void test_gap_released_by_ack(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "AAAAA");
	seg(&e, 0, C(10), S(0), A, "CCCCC");
	assert_int_equal(e.r.n, 0);
	assert_false(e.gap[0]);
	/* an ACK up to the hole releases the data before it, and no gap */
	ack_c(&e, 5);
	assert_int_equal(e.r.n, 1);
	assert_string_equal(e.got[0], "AAAAA");
	assert_false(e.gap[0]);
	ack_c(&e, 15);
	assert_int_equal(e.r.n, 1);
	assert_true(e.r.chunks[0].gap_before);
	assert_int_equal(e.r.chunks[0].offset, 10);
	assert_string_equal(e.got[0], "AAAAACCCCC");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP], 1);
	/* the late segment for the hole is old data now */
	seg(&e, 0, C(5), S(0), A, "BBBBB");
	assert_int_equal(e.r.n, 0);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.gaps, 1);
	env_done(&e);
}

/* Data lost with nothing queued: an ACK beyond everything seen proves no gap on its own (as
 * Suricata's check); once data after the hole is seen and ACKed, the hole is a gap and that
 * data carries gap_before. */
static void test_gap_without_queue(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "AAAAA");
	ack_c(&e, 10); /* server acks bytes we never saw */
	assert_string_equal(e.got[0], "AAAAA");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP], 0);
	seg(&e, 0, C(10), S(0), A, "CCCCC");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP], 0);
	ack_c(&e, 15);
	assert_int_equal(e.r.n, 1);
	assert_true(e.r.chunks[0].gap_before);
	assert_int_equal(e.r.chunks[0].offset, 10);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP], 1);
	assert_int_equal(e.f.stream_cnt.gaps, 1);
	assert_false(e.f.flags & (FLOW_F_APP_STALL_TS | FLOW_F_APP_STALL_TC));
	env_done(&e);
}

/* tcp-rst-unacked-stream-11: the receiver ACKs past a hole with no data seen before its ACK,
 * then RSTs; data beyond the RST's ACK reaches only the raw stream at flow end: no gap is
 * counted and the app layer is told to stop at the hole. */
static void test_rst_hole_beyond_seen(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 1, S(0), C(0), A, "body");
	seg(&e, 0, C(0), S(4), A, NULL);
	assert_string_equal(e.got[1], "body");
	seg(&e, 1, S(20), C(0), A, "late"); /* after a hole 4..20 */
	seg(&e, 0, C(0), S(10), A | TH_RST, NULL); /* ACKs into the hole, not past "late" */
	assert_int_equal(e.got_len[1], 4);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP], 0);
	stream_flow_flush(e.sc, &e.f, &e.r);
	collect(&e);
	assert_string_equal(e.got[1], "bodylate");
	assert_true(e.gap[1]);
	assert_true(e.eof[1]);
	assert_true(e.f.flags & FLOW_F_APP_STALL_TC);
	assert_false(e.f.flags & FLOW_F_APP_STALL_TS);
	assert_int_equal(e.f.stream_cnt.gaps, 0);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.gaps, 0);
	env_done(&e);
}

/* Overlaps and the depth are counted on the flow too (the stats record's stats.tcp.*). */
static void set_depth8(struct stream_config *c)
{
	c->reassembly_depth = 8;
	c->inline_mode = STREAM_INLINE_YES;
}

static void test_flow_counters(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_depth8);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(2), S(0), A, "CC");
	seg(&e, 0, C(2), S(0), A, "XX"); /* overlaps queued bytes with other bytes */
	seg(&e, 0, C(0), S(0), A, "AA");
	seg(&e, 0, C(4), S(0), A, "DDDDDD"); /* crosses the depth */
	assert_int_equal(e.f.stream_cnt.overlaps, 1);
	assert_int_equal(e.f.stream_cnt.overlaps_diff, 1);
	assert_int_equal(e.f.stream_cnt.depth_reached, 1);
	assert_int_equal(e.f.stream_cnt.seg_memcap_drops, 0);
	env_done(&e);
}

/* FIN: the data up to the FIN goes on once ACKed; the directions close (eof) only when the
 * session is closed, as Suricata tells its parsers STREAM_EOF in state closed only. */
static void test_fin_eof(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	e.f.tcp_state = TCP_STATE_CLOSE_WAIT;
	seg(&e, 0, C(0), S(0), A | TH_FIN, "bye");
	assert_int_equal(e.r.n, 0);
	assert_false(e.eof[0]);
	/* the server ACKs data and FIN and sends its own bare FIN: the data goes on, no eof */
	e.f.tcp_state = TCP_STATE_LAST_ACK;
	seg(&e, 1, S(0), C(4), A | TH_FIN, NULL);
	assert_int_equal(e.r.n, 1);
	assert_int_equal(e.r.chunks[0].dir, 0);
	assert_int_equal(e.r.chunks[0].len, 3);
	assert_false(e.r.chunks[0].eof);
	assert_false(e.eof[0]);
	assert_false(e.eof[1]);
	/* the client's last ACK closes the session: both directions end, the ACKed one first */
	e.f.tcp_state = TCP_STATE_CLOSED;
	seg(&e, 0, C(4), S(1), A, NULL);
	assert_int_equal(e.r.n, 2);
	assert_int_equal(e.r.chunks[0].dir, 1);
	assert_int_equal(e.r.chunks[0].len, 0);
	assert_true(e.r.chunks[0].eof);
	assert_int_equal(e.r.chunks[1].dir, 0);
	assert_int_equal(e.r.chunks[1].len, 0);
	assert_true(e.r.chunks[1].eof);
	assert_true(e.eof[0]);
	assert_true(e.eof[1]);
	/* data after the FIN is not delivered */
	seg(&e, 0, C(4), S(1), A, "more");
	ack_c(&e, 8);
	assert_int_equal(e.got_len[0], 3);
	env_done(&e);
}

/* Inline: the data before a FIN goes on as it arrives; the direction closes with the
 * session, in inline mode too. */
static void test_inline_fin_eof(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_inline);
	handshake(&e, ISN_C, ISN_S);
	e.f.tcp_state = TCP_STATE_CLOSE_WAIT;
	seg(&e, 0, C(0), S(0), A | TH_FIN, "bye");
	assert_int_equal(e.r.n, 1);
	assert_false(e.r.chunks[0].eof);
	assert_true(e.r.chunks[0].raw); /* inline: raw inspection takes it at once */
	assert_int_equal(e.r.chunks[0].len, 3);
	e.f.tcp_state = TCP_STATE_CLOSED;
	seg(&e, 1, S(0), C(4), A | TH_FIN, NULL);
	assert_true(e.eof[0]);
	assert_true(e.eof[1]);
	env_done(&e);
}

/* FIN before a hole: eof once the hole is given up (receiver ACKs the FIN). */
static void test_fin_with_hole(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "AAAAA");
	seg(&e, 0, C(10), S(0), A | TH_FIN, "CCCCC");
	assert_false(e.eof[0]);
	e.f.tcp_state = TCP_STATE_CLOSE_WAIT;
	seg(&e, 1, S(0), C(16), A, NULL);
	assert_string_equal(e.got[0], "AAAAACCCCC");
	assert_true(e.gap[0]);
	assert_false(e.eof[0]); /* the session is not closed yet */
	e.f.tcp_state = TCP_STATE_CLOSED;
	seg(&e, 1, S(0), C(16), A | TH_FIN, NULL);
	assert_true(e.eof[0]);
	env_done(&e);
}

/* IDS: a RST releases what its ACK covers; what nobody ACKed waits for the flow's end (as
 * Suricata, whose verify cases expect it inspected by the flow-timeout pseudo packet). */
static void test_rst_eof(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "AAAAA");
	seg(&e, 0, C(5), S(0), A, "BBBBB");
	seg(&e, 0, C(15), S(0), A, "DDDDD"); /* queued behind a hole */
	seg(&e, 1, S(0), C(5), TH_RST | A, NULL);
	assert_string_equal(e.got[0], "AAAAA");
	assert_false(e.eof[0]);
	assert_true(e.eof[1]); /* nothing held the other way */
	assert_false(e.gap[0]);
	/* nothing after the reset */
	seg(&e, 0, C(20), S(0), A, "late");
	assert_int_equal(e.got_len[0], 5);
	stream_flow_flush(e.sc, &e.f, &e.r);
	collect(&e);
	assert_string_equal(e.got[0], "AAAAABBBBBDDDDD");
	assert_true(e.gap[0]);
	assert_true(e.eof[0]);
	env_done(&e);
}

/* Data a RST carries is not stream data: the packet is not used for reassembly. */
static void test_rst_data_not_stream(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 1, S(0), C(0), A, "Please");
	seg(&e, 0, C(0), S(6), TH_RST | A, "Denied");
	assert_true(e.r.ignored);
	assert_string_equal(e.got[1], "Please");
	assert_int_equal(e.got_len[0], 0);
	stream_flow_flush(e.sc, &e.f, &e.r);
	collect(&e);
	assert_int_equal(e.got_len[0], 0);
	env_done(&e);
}

/*
 * Timestamps (PAWS) once both SYNs carried them: an older TSval, or 0 (refused by the default
 * bsd policy), makes the packet invalid — pkt_invalid_timestamp, and it is not tracked (a
 * RST with TSval 0 does not end the stream). Linux hosts accept one behind; without the
 * option in a SYN nothing is checked.
 */
static void test_timestamps(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg_ts(&e, 0, ISN_C, 0, TH_SYN, NULL, true, 100, 10);
	e.f.tcp_state = TCP_STATE_SYN_RECV;
	seg_ts(&e, 1, ISN_S, ISN_C + 1, TH_SYN | A, NULL, true, 500, 10);
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	seg_ts(&e, 0, C(0), S(0), A, NULL, true, 100, 10);
	seg_ts(&e, 0, C(0), S(0), A, "AAAA", true, 101, 10);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_INVALID_TIMESTAMP], 0);
	seg_ts(&e, 0, C(4), S(0), A, "BBBB", true, 99, 11); /* older than 101 */
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_INVALID_TIMESTAMP], 1);
	assert_true(e.r.ignored);
	seg_ts(&e, 0, C(4), S(0), A, "CCCC", true, 102, 11);
	seg_ts(&e, 1, S(0), C(8), A, NULL, true, 501, 11);
	assert_string_equal(e.got[0], "AAAACCCC");
	seg_ts(&e, 1, S(0), C(8), TH_RST | A, NULL, true, 0, 12);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_INVALID_TIMESTAMP], 2);
	assert_false(e.eof[0]);
	assert_false(e.eof[1]);
	/* packets without the option are not checked */
	seg(&e, 0, C(8), S(0), A, "DDDD");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_INVALID_TIMESTAMP], 2);
	env_done(&e);

	/* the server's SYN/ACK without timestamps: no checks at all */
	env_init(&e, NULL);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg_ts(&e, 0, ISN_C, 0, TH_SYN, NULL, true, 100, 10);
	e.f.tcp_state = TCP_STATE_SYN_RECV;
	seg(&e, 1, ISN_S, ISN_C + 1, TH_SYN | A, NULL);
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	seg_ts(&e, 0, C(0), S(0), A, "AAAA", true, 5, 10);
	seg_ts(&e, 1, S(0), C(4), TH_RST | A, NULL, true, 0, 10);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_INVALID_TIMESTAMP], 0);
	assert_true(e.eof[1]);
	env_done(&e);
}

static void set_linux(struct stream_config *c)
{
	c->policy = STREAM_POLICY_LINUX;
}

/* Linux receivers take a TSval one behind the last one; two behind is still refused. */
static void test_timestamps_linux(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_linux);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg_ts(&e, 0, ISN_C, 0, TH_SYN, NULL, true, 100, 10);
	e.f.tcp_state = TCP_STATE_SYN_RECV;
	seg_ts(&e, 1, ISN_S, ISN_C + 1, TH_SYN | A, NULL, true, 500, 10);
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	seg_ts(&e, 0, C(0), S(0), A, "AAAA", true, 110, 10);
	seg_ts(&e, 0, C(4), S(0), A, "BBBB", true, 109, 10);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_INVALID_TIMESTAMP], 0);
	seg_ts(&e, 0, C(8), S(0), A, "CCCC", true, 107, 10);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_PKT_INVALID_TIMESTAMP], 1);
	env_done(&e);
}

/*
 * TCP Fast Open: the SYN's data is the start of the client's stream once the SYN/ACK
 * acknowledges it, and comes out on the SYN/ACK (the receiver's ACK); a SYN/ACK acking only
 * the SYN refuses it, and the client's retransmission after the handshake is what counts.
 */
static void test_fast_open(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg(&e, 0, ISN_C, 0, TH_SYN, "GET /");
	assert_false(e.r.ignored);
	assert_int_equal(e.got_len[0], 0);
	e.f.tcp_state = TCP_STATE_SYN_RECV;
	seg(&e, 1, ISN_S, C(5), TH_SYN | A, NULL);
	assert_string_equal(e.got[0], "GET /");
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	seg(&e, 0, C(5), S(0), A, " HTTP");
	ack_c(&e, 10);
	assert_string_equal(e.got[0], "GET / HTTP");
	env_done(&e);

	env_init(&e, NULL);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg(&e, 0, ISN_C, 0, TH_SYN, "XXXXX");
	e.f.tcp_state = TCP_STATE_SYN_RECV;
	seg(&e, 1, ISN_S, C(0), TH_SYN | A, NULL);
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	seg(&e, 0, C(0), S(0), A, "GET /");
	ack_c(&e, 5);
	assert_string_equal(e.got[0], "GET /");
	assert_false(e.gap[0]);
	env_done(&e);
}

/* Handshake anomalies: each raises its event and the packet is not tracked. */
static void test_handshake_events(void **s)
{
	(void)s;
	struct env e;
	/* a SYN/ACK acking something else than the SYN; the right one afterwards is fine */
	env_init(&e, NULL);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg(&e, 0, ISN_C, 0, TH_SYN, NULL);
	seg(&e, 1, ISN_S, ISN_C + 7, TH_SYN | A, NULL);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_3WHS_SYNACK_WITH_WRONG_ACK], 1);
	assert_true(e.r.ignored);
	/* a SYN/ACK from the client without the server's SYN first */
	seg(&e, 0, ISN_C, ISN_S + 1, TH_SYN | A, NULL);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_3WHS_SYNACK_IN_WRONG_DIRECTION], 1);
	e.f.tcp_state = TCP_STATE_SYN_RECV;
	seg(&e, 1, ISN_S, ISN_C + 1, TH_SYN | A, NULL);
	/* resent SYN/ACK with another ACK, SYN toward the client, SYN with another ISN */
	seg(&e, 1, ISN_S, ISN_C + 2, TH_SYN | A, NULL);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_3WHS_SYNACK_RESEND_WITH_DIFFERENT_ACK], 1);
	seg(&e, 1, ISN_S, 0, TH_SYN, NULL);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_3WHS_SYN_TOCLIENT_ON_SYN_RECV], 1);
	seg(&e, 0, ISN_C + 9, 0, TH_SYN, NULL);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV], 1);
	/* right sequence number, wrong ACK: an evasion attempt, the data is not taken */
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	seg(&e, 0, C(0), ISN_S + 50, A, "evil");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_3WHS_RIGHT_SEQ_WRONG_ACK_EVASION], 1);
	seg(&e, 0, C(0), S(0), A, "good");
	ack_c(&e, 4);
	assert_string_equal(e.got[0], "good");
	env_done(&e);

	/* a split handshake (server SYN, client SYN/ACK, server ACK) raises nothing */
	env_init(&e, NULL);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg(&e, 0, ISN_C, 0, TH_SYN, NULL);
	seg(&e, 1, ISN_S, 0, TH_SYN, NULL);
	seg(&e, 0, ISN_C, ISN_S + 2, TH_SYN | A, NULL);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_4WHS_SYNACK_WITH_WRONG_ACK], 1);
	seg(&e, 0, ISN_C, ISN_S + 1, TH_SYN | A, NULL);
	e.f.tcp_state = TCP_STATE_SYN_RECV;
	seg(&e, 1, S(0), C(0), A, NULL);
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	seg(&e, 0, C(0), S(0), A, "EVIL");
	ack_c(&e, 4);
	assert_string_equal(e.got[0], "EVIL");
	unsigned total = 0;
	for (unsigned i = 0; i < STREAM_EVENT_MAX; i++)
		total += e.events[i];
	assert_int_equal(total, 1);
	env_done(&e);
}

/* A RST with everything ACKed closes both directions at once. */
static void test_rst_all_acked(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "AAAAA");
	seg(&e, 1, S(0), C(5), TH_RST | A, NULL);
	assert_string_equal(e.got[0], "AAAAA");
	assert_true(e.eof[0]);
	assert_true(e.eof[1]);
	env_done(&e);
}

/* Inline: a RST hands on everything queued, holes included, and closes at once. */
static void test_inline_rst_eof(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_inline);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "AAAAA");
	seg(&e, 0, C(10), S(0), A, "CCCCC"); /* queued behind a hole */
	seg(&e, 1, S(0), C(5), TH_RST | A, NULL);
	assert_true(e.eof[0]);
	assert_true(e.eof[1]);
	assert_true(e.gap[0]);
	assert_string_equal(e.got[0], "AAAAACCCCC");
	seg(&e, 0, C(15), S(0), A, "late");
	assert_int_equal(e.got_len[0], 10);
	env_done(&e);
}

static void test_flush_at_flow_end(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "AA");
	seg(&e, 0, C(4), S(0), A, "CC");
	seg(&e, 0, C(8), S(0), A, "EE");
	seg(&e, 1, S(0), C(2), A, "resp");
	stream_flow_flush(e.sc, &e.f, &e.r);
	collect(&e);
	assert_string_equal(e.got[0], "AACCEE");
	assert_string_equal(e.got[1], "resp");
	assert_true(e.gap[0]);
	assert_false(e.gap[1]);
	assert_true(e.eof[0]);
	assert_true(e.eof[1]);
	/* holes nobody ACKed past: given to the raw stream only, not counted as gaps */
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.gaps, 0);
	assert_true(e.f.flags & FLOW_F_APP_STALL_TS);
	assert_false(e.f.flags & FLOW_F_APP_STALL_TC);
	env_done(&e);
}

static void set_depth(struct stream_config *c)
{
	c->reassembly_depth = 10;
}

static void test_depth(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_depth);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "01234567");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_DEPTH_REACHED], 0);
	/* the segment crossing the depth raises the event on its own packet */
	seg(&e, 0, C(8), S(0), A, "89abcdef");
	assert_int_equal(e.r.n_events, 1);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_DEPTH_REACHED], 1);
	ack_c(&e, 16);
	assert_string_equal(e.got[0], "0123456789");
	assert_false(e.gap[0]); /* ACKed bytes past the depth are no gap */
	seg(&e, 0, C(16), S(0), A, "ghij");
	ack_c(&e, 20);
	assert_int_equal(e.got_len[0], 10);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_DEPTH_REACHED], 1);
	/* the other direction has its own depth */
	seg(&e, 1, S(0), C(20), A, "0123456789XYZ");
	seg(&e, 0, C(20), S(13), A, NULL);
	assert_string_equal(e.got[1], "0123456789");
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.depth_reached, 2);
	env_done(&e);
}

static void set_small_rmemcap(struct stream_config *c)
{
	c->reassembly_memcap = 200;
}

static void test_reassembly_memcap(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_small_rmemcap);
	handshake(&e, ISN_C, ISN_S);
	/* out-of-order data is queued until the memcap refuses it */
	char buf[41];
	memset(buf, 'q', 40);
	buf[40] = '\0';
	for (int i = 1; i <= 6; i++)
		seg(&e, 0, C((uint32_t)i * 50), S(0), A, buf);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_true(st.memcap_drops > 0);
	assert_true(st.reassembly_memuse <= 200);
	/* the refused bytes become gaps when the receiver acks past them */
	seg(&e, 1, S(0), C(400), A, NULL);
	assert_true(e.gap[0]);
	assert_true(e.got_len[0] > 0);
	env_done(&e);
}

/* IDS: data nobody ACKs is held against the reassembly memcap, never beyond it; what was
 * refused becomes a gap once ACKed. */
static void test_unacked_memcap(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_small_rmemcap);
	handshake(&e, ISN_C, ISN_S);
	char buf[41];
	memset(buf, 'q', 40);
	buf[40] = '\0';
	for (uint32_t i = 0; i < 6; i++)
		seg(&e, 0, C(i * 40), S(0), A, buf);
	assert_int_equal(e.got_len[0], 0);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_true(st.memcap_drops > 0);
	assert_true(st.reassembly_memuse <= 200);
	ack_c(&e, 240);
	assert_int_equal(e.got_len[0], 80); /* two segments of 40 fit (with their headers) */
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP], 1);
	/* the next data after the refused bytes carries the gap */
	seg(&e, 0, C(240), S(0), A, "z");
	ack_c(&e, 241);
	assert_true(e.gap[0]);
	assert_int_equal(e.got_len[0], 81);
	env_done(&e);
}

/* stream.inline: auto follows the engine's IPS mode. */
static void set_auto_ips(struct stream_config *c)
{
	c->inline_mode = STREAM_INLINE_AUTO;
	c->ips = true;
}

static void test_inline_auto(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_auto_ips);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "now");
	assert_string_equal(e.got[0], "now");
	env_done(&e);
	env_init(&e, NULL); /* auto without IPS: waits for the ACK */
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "later");
	assert_int_equal(e.got_len[0], 0);
	ack_c(&e, 5);
	assert_string_equal(e.got[0], "later");
	env_done(&e);
}

static void set_small_memcap(struct stream_config *c)
{
	c->memcap = 16;
}

static void test_session_memcap(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_small_memcap);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "data");
	assert_true(e.r.ignored);
	assert_int_equal(e.got_len[0], 0);
	assert_null(e.f.stream);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_true(st.ssn_memcap_drops >= 1);
	assert_int_equal(e.f.stream_cnt.ssn_memcap_drop, 1);
	env_done(&e);
}

static void set_midstream(struct stream_config *c)
{
	c->midstream = true;
}

static void test_midstream_off(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	e.f.flags |= FLOW_F_MIDSTREAM;
	seg(&e, 0, 777, 888, A, "data");
	assert_true(e.r.ignored);
	assert_int_equal(e.got_len[0], 0);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.ignored_midstream, 1);
	env_done(&e);
}

static void test_midstream_on(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_midstream);
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	e.f.flags |= FLOW_F_MIDSTREAM;
	seg(&e, 0, 777, 888, A, "data");
	assert_int_equal(e.got_len[0], 0);
	/* the reverse direction starts at the ACK number; its ACK releases the client's data */
	seg(&e, 1, 888, 781, A, "resp");
	assert_string_equal(e.got[0], "data");
	seg(&e, 0, 781, 892, A, NULL);
	assert_string_equal(e.got[1], "resp");
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.midstream_pickups, 1);
	env_done(&e);
}

/* stream_flow_reverse: the app layer found the midstream flow's first data was a response.
 * The bytes already held move to the other direction with their sender, whose next segments
 * (now of that direction) continue them, and the peer's ACK releases them as one stream. */
static void test_midstream_reverse(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_midstream);
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	e.f.flags |= FLOW_F_MIDSTREAM;
	seg(&e, 0, 777, 888, A, "HTTP/1.1 200");
	assert_int_equal(e.got_len[0], 0);
	/* what the flow stage's flow_reverse does to the sides */
	struct ip_addr a = e.f.src;
	e.f.src = e.f.dst;
	e.f.dst = a;
	stream_flow_reverse(&e.f);
	seg(&e, 1, 789, 888, A, " OK");
	assert_int_equal(e.got_len[1], 0);
	seg(&e, 0, 888, 792, A, NULL);
	assert_string_equal(e.got[1], "HTTP/1.1 200 OK");
	assert_int_equal(e.got_len[0], 0);
	assert_false(e.gap[1]);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_EST_PACKET_OUT_OF_WINDOW], 0);
	/* and the (new) client's data goes on from its ACK number */
	seg(&e, 0, 888, 792, A, "GET");
	seg(&e, 1, 792, 891, A, NULL);
	assert_string_equal(e.got[0], "GET");
	stream_flow_reverse(NULL); /* no flow: nothing happens */
	env_done(&e);
}

/* Regions (EVE tcp.ts/tc_max_regions): 1 per direction for a session, data or not; data held
 * more than 256 KiB beyond other held data opens one more; the most held at once is kept. */
static void set_no_depth(struct stream_config *c)
{
	c->reassembly_depth = 0;
}

static void test_max_regions(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, set_no_depth);
	handshake(&e, ISN_C, ISN_S);
	assert_int_equal(e.f.stream_cnt.max_regions[0], 1);
	assert_int_equal(e.f.stream_cnt.max_regions[1], 1);
	seg(&e, 0, C(0), S(0), A, "abc");
	seg(&e, 0, C(3), S(0), A, "def");        /* in order: one region */
	seg(&e, 0, C(1000), S(0), A, "near");    /* a hole, but close by: same region */
	assert_int_equal(e.f.stream_cnt.max_regions[0], 1);
	seg(&e, 0, C(400000), S(0), A, "far");   /* > 256 KiB beyond: a second region */
	assert_int_equal(e.f.stream_cnt.max_regions[0], 2);
	seg(&e, 0, C(1000000), S(0), A, "farther"); /* a third */
	assert_int_equal(e.f.stream_cnt.max_regions[0], 3);
	/* a piece in the middle of a far gap, far from both sides, makes it two far gaps */
	seg(&e, 0, C(700000), S(0), A, "mid");
	assert_int_equal(e.f.stream_cnt.max_regions[0], 4);
	/* ... a piece close to one side changes nothing */
	seg(&e, 0, C(700100), S(0), A, "mid2");
	assert_int_equal(e.f.stream_cnt.max_regions[0], 4);
	/* the receiver ACKs past the holes: they are skipped (regions close), the max stays */
	seg(&e, 1, S(0), C(1000007), A, NULL);
	assert_true(e.gap[0]);
	assert_int_equal(e.f.stream_cnt.max_regions[0], 4);
	assert_int_equal(e.f.stream_cnt.max_regions[1], 1);
	/* after that three far pieces make four regions, not more: the skipped ones closed */
	seg(&e, 0, C(1500000), S(0), A, "x");
	seg(&e, 0, C(2000000), S(0), A, "y");
	seg(&e, 0, C(2500000), S(0), A, "z");
	assert_int_equal(e.f.stream_cnt.max_regions[0], 4);
	seg(&e, 0, C(3000000), S(0), A, "w");
	assert_int_equal(e.f.stream_cnt.max_regions[0], 5);
	env_done(&e);

	/* no session (tcp_state none): nothing counted, the flow record leaves them out */
	env_init(&e, NULL);
	seg(&e, 0, 777, 888, A, "data");
	assert_int_equal(e.f.stream_cnt.max_regions[0], 0);
	assert_int_equal(e.f.stream_cnt.max_regions[1], 0);
	env_done(&e);
}

/* No session in the flow stage: nothing is reassembled, FIN/RST raise the no-session events. */
static void test_no_session(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	seg(&e, 0, 1, 0, TH_RST, NULL);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_RST_BUT_NO_SESSION], 1);
	seg(&e, 0, 1, 0, TH_FIN | A, NULL);
	assert_int_equal(e.events[STREAM_EVENT_STREAM_FIN_BUT_NO_SESSION], 1);
	seg(&e, 0, 1, 0, A, "x");
	assert_true(e.r.ignored);
	assert_null(e.f.stream);
	env_done(&e);
}

static void test_wraparound(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	uint32_t isn = 0xfffffff0u;
	handshake(&e, isn, ISN_S);
	/* bytes 0..9 at 0xfffffff1.., 10..19 crossing 2^32, 20..29 after; the middle one late */
	seg(&e, 0, isn + 1, S(0), A, "0123456789");
	seg(&e, 0, isn + 21, S(0), A, "KLMNOPQRST");
	seg(&e, 0, isn + 11, S(0), A, "abcdefghij");
	seg(&e, 1, S(0), isn + 11, A, NULL);
	assert_string_equal(e.got[0], "0123456789");
	seg(&e, 1, S(0), isn + 31, A, NULL);
	assert_string_equal(e.got[0], "0123456789abcdefghijKLMNOPQRST");
	assert_int_equal(e.r.chunks[0].offset, 10);
	assert_false(e.gap[0]);
	/* and an ACK across the wrap releases a hole */
	seg(&e, 0, isn + 41, S(0), A, "zz");
	seg(&e, 1, S(0), isn + 43, A, NULL);
	assert_true(e.gap[0]);
	assert_int_equal(e.got_len[0], 32);
	env_done(&e);
}

static void test_both_directions(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "GET /a\n");
	seg(&e, 1, S(0), C(7), A, "200 OK\n");
	seg(&e, 0, C(7), S(7), A, "GET /b\n");
	seg(&e, 1, S(14), C(14), A, "body");     /* out of order */
	seg(&e, 1, S(7), C(14), A, "200 OK\n");
	seg(&e, 0, C(14), S(18), A, NULL);
	assert_string_equal(e.got[0], "GET /a\nGET /b\n");
	assert_string_equal(e.got[1], "200 OK\n200 OK\nbody");
	env_done(&e);
}

static void set_async(struct stream_config *c)
{
	c->async_oneside = true;
}

/* Only the client side is seen (SYN, then data without the SYN/ACK). */
static void run_oneside(bool async, uint32_t expect_len)
{
	struct env e;
	env_init(&e, async ? set_async : NULL);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg(&e, 0, ISN_C, 0, TH_SYN, NULL);
	seg(&e, 0, C(0), ISN_S + 1, A, "hello");
	seg(&e, 0, C(5), ISN_S + 1, A, "world");
	assert_int_equal(e.got_len[0], expect_len);
	env_done(&e);
}

static void test_async_oneside(void **s)
{
	(void)s;
	run_oneside(false, 0);
	run_oneside(true, 10);
}

static void test_out_of_window_and_syn_data(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	e.f.tcp_state = TCP_STATE_SYN_SENT;
	seg(&e, 0, ISN_C, 0, TH_SYN, "synpayload"); /* held (TCP Fast Open)... */
	e.f.tcp_state = TCP_STATE_SYN_RECV;
	seg(&e, 1, ISN_S, ISN_C + 1, TH_SYN | A, NULL); /* ...and refused by the SYN/ACK */
	e.f.tcp_state = TCP_STATE_ESTABLISHED;
	seg(&e, 0, C(0x50000000u), S(0), A, "far");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_EST_PACKET_OUT_OF_WINDOW], 1);
	seg(&e, 0, C(0), S(0), A, "ok");
	ack_c(&e, 2);
	assert_string_equal(e.got[0], "ok");
	env_done(&e);
}

/* Retransmitting a queued out-of-order segment unchanged is no different-data overlap. */
static void test_queued_duplicate(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(5), S(0), A, "world");
	seg(&e, 0, C(5), S(0), A, "world");
	seg(&e, 0, C(0), S(0), A, "hello");
	ack_c(&e, 10);
	assert_string_equal(e.got[0], "helloworld");
	assert_int_equal(e.events[STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA], 0);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.overlaps, 1);
	env_done(&e);
}

/* ---- checksum validation on real bytes ------------------------------------------------------ */

static uint32_t sum16(const uint8_t *b, unsigned len, uint32_t s)
{
	for (unsigned i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* IPv4/TCP with correct checksums unless `corrupt`. */
static void build_tcp4(uint8_t *b, uint32_t *len, uint32_t seq, uint32_t ack, const char *data,
		       bool corrupt)
{
	uint32_t dl = (uint32_t)strlen(data), tot = 40 + dl;
	memset(b, 0, 40);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8), b[3] = (uint8_t)tot;
	b[8] = 64, b[9] = 6;
	b[12] = 10, b[15] = 1, b[16] = 10, b[19] = 2;
	uint16_t c = fold(sum16(b, 20, 0));
	b[10] = (uint8_t)(c >> 8), b[11] = (uint8_t)c;
	uint8_t *t = b + 20;
	t[0] = 0x30, t[1] = 0x39, t[2] = 0, t[3] = 80;
	t[4] = (uint8_t)(seq >> 24), t[5] = (uint8_t)(seq >> 16), t[6] = (uint8_t)(seq >> 8);
	t[7] = (uint8_t)seq;
	t[8] = (uint8_t)(ack >> 24), t[9] = (uint8_t)(ack >> 16), t[10] = (uint8_t)(ack >> 8);
	t[11] = (uint8_t)ack;
	t[12] = 0x50, t[13] = TH_ACK;
	t[14] = 0xff, t[15] = 0xff;
	memcpy(t + 20, data, dl);
	uint8_t ph[12] = { 10, 0, 0, 1, 10, 0, 0, 2, 0, 6, (uint8_t)((20 + dl) >> 8),
			   (uint8_t)(20 + dl) };
	c = fold(sum16(t, 20 + dl, sum16(ph, 12, 0)));
	if (corrupt)
		c ^= 0x1111;
	t[16] = (uint8_t)(c >> 8), t[17] = (uint8_t)c;
	*len = tot;
}

static void run_checksum(bool validate, bool corrupt, uint32_t expect_len)
{
	struct env e;
	env_init(&e, NULL);
	struct stream_config cfg = e.cfg;
	cfg.checksum_validation = validate;
	stream_ctx_destroy(e.sc);
	e.sc = stream_ctx_create(&cfg, &e.dc);
	handshake(&e, ISN_C, ISN_S);
	uint8_t buf[128];
	uint32_t len;
	build_tcp4(buf, &len, C(0), S(0), "payload", corrupt);
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.data = buf;
	p.caplen = p.wirelen = len;
	p.linktype = LINKTYPE_RAW;
	assert_int_equal(decode_packet(&e.dc, &p), 0);
	assert_int_equal(p.payload_len, 7);
	p.flow = &e.f;
	p.flow_dir = 0;
	stream_handle_packet(e.sc, &p, &e.r);
	collect(&e);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.invalid_checksum, validate && corrupt ? 1 : 0);
	assert_int_equal(e.r.ignored, validate && corrupt);
	ack_c(&e, 7);
	if (e.got_len[0] != expect_len)
		print_error("flags %x ignored %d csum %d\n", p.flags, e.r.ignored,
			    (int)st.invalid_checksum);
	assert_int_equal(e.got_len[0], expect_len);
	env_done(&e);
}

static void test_checksum_validation(void **s)
{
	(void)s;
	run_checksum(true, false, 7);
	run_checksum(true, true, 0);
	run_checksum(false, true, 7);
}

/* Freeing a flow with queued data and history returns all memory (ASan checks the rest). */
static void test_flow_free_releases_memory(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "delivered");
	seg(&e, 0, C(100), S(0), A, "queued-1");
	seg(&e, 1, S(50), C(9), A, "queued-2");
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_true(st.reassembly_memuse > 0);
	assert_int_equal(st.flows_active, 1);
	stream_flow_free(e.sc, &e.f);
	assert_null(e.f.stream);
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.reassembly_memuse, 0);
	assert_int_equal(st.memuse, 0);
	assert_int_equal(st.flows_active, 0);
	env_done(&e);
}

/* More holes than chunks fit in one result: the rest comes with the next call. */
static void test_many_chunks(void **s)
{
	(void)s;
	struct env e;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	for (uint32_t i = 0; i < 12; i++)
		seg(&e, 0, C(i * 4 + 2), S(0), A, "xy");
	stream_flow_flush(e.sc, &e.f, &e.r);
	collect(&e);
	assert_int_equal(e.r.n, STREAM_MAX_CHUNKS);
	stream_flow_flush(e.sc, &e.f, &e.r);
	collect(&e);
	assert_int_equal(e.got_len[0], 24);
	assert_true(e.eof[0]);
	env_done(&e);
}

/* ---- raw stream inspection timing (stream_raw_take) ---------------------------------------- */

/* Take what is due for raw inspection on a packet of direction d (a bare ACK). */
static void raw_take(struct env *e, uint8_t d, struct stream_result *rr)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.ip_proto = 6;
	p.l4_hdr = l4_dummy;
	p.flow = &e->f;
	p.flow_dir = d;
	stream_raw_take(e->sc, &p, rr);
}

static void set_chunks(struct stream_config *c)
{
	c->toserver_chunk_size = 10;
	c->toclient_chunk_size = 20;
}

/* IDS: ACKed data waits for raw inspection until the direction's chunk size is reached, and
 * comes out on a packet of its own direction only. */
static void test_raw_chunk_size(void **s)
{
	(void)s;
	struct env e;
	struct stream_result rr;
	env_init(&e, set_chunks);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "0123");
	ack_c(&e, 4);
	assert_int_equal(e.r.n, 1);
	assert_false(e.r.chunks[0].raw); /* for the parsers only */
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 0); /* 4 < 10 */
	seg(&e, 0, C(4), S(0), A, "456789ab");
	ack_c(&e, 12);
	raw_take(&e, 1, &rr);
	assert_int_equal(rr.n, 0); /* not on the other direction's packet */
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 1);
	assert_true(rr.chunks[0].raw);
	assert_int_equal(rr.chunks[0].dir, 0);
	assert_int_equal(rr.chunks[0].offset, 0);
	assert_int_equal(rr.chunks[0].len, 12);
	assert_memory_equal(rr.chunks[0].data, "0123456789ab", 12);
	assert_false(rr.chunks[0].gap_before);
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 0); /* handed out once */
	/* the server's chunk size is its own */
	seg(&e, 1, S(0), C(12), A, "ABCDEFGHIJKLMNO");
	seg(&e, 0, C(12), S(15), A, NULL);
	raw_take(&e, 1, &rr);
	assert_int_equal(rr.n, 0); /* 15 < 20 */
	seg(&e, 1, S(15), C(12), A, "PQRST");
	seg(&e, 0, C(12), S(20), A, NULL);
	raw_take(&e, 1, &rr);
	assert_int_equal(rr.n, 1);
	assert_int_equal(rr.chunks[0].dir, 1);
	assert_int_equal(rr.chunks[0].len, 20);
	assert_memory_equal(rr.chunks[0].data, "ABCDEFGHIJKLMNOPQRST", 20);
	env_done(&e);
}

/* The app layer's trigger makes held data due (and stays until data was handed out); so do
 * Suricata's states past time_wait, not time_wait and before. */
static void test_raw_trigger_and_state(void **s)
{
	(void)s;
	struct env e;
	struct stream_result rr;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "abc");
	ack_c(&e, 3);
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 0);
	stream_raw_trigger(&e.f, 0);
	raw_take(&e, 1, &rr);
	assert_int_equal(rr.n, 0);
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 1);
	assert_memory_equal(rr.chunks[0].data, "abc", 3);
	/* asked while nothing is held: the next data is due at once */
	stream_raw_trigger(&e.f, 0);
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 0);
	seg(&e, 0, C(3), S(0), A, "def");
	ack_c(&e, 6);
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 1);
	assert_int_equal(rr.chunks[0].offset, 3);
	/* the trigger was used up */
	seg(&e, 0, C(6), S(0), A, "ghi");
	ack_c(&e, 9);
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 0);
	e.f.tcp_state = TCP_STATE_FIN_WAIT2;
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 0);
	e.f.tcp_state = TCP_STATE_TIME_WAIT;
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 0);
	e.f.tcp_state = TCP_STATE_CLOSE_WAIT;
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 1);
	assert_memory_equal(rr.chunks[0].data, "ghi", 3);
	seg(&e, 0, C(9), S(0), A, "jkl");
	ack_c(&e, 12);
	e.f.tcp_state = TCP_STATE_LAST_ACK;
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 1);
	env_done(&e);
}

/* Holes the receiver ACKed past split the held data into pieces marked gap_before; the flow's
 * end hands out everything held, both ways. */
static void test_raw_gap_and_flush(void **s)
{
	(void)s;
	struct env e;
	struct stream_result rr;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "AAAAA");
	seg(&e, 0, C(10), S(0), A, "CCCCC");
	ack_c(&e, 15);
	seg(&e, 1, S(0), C(15), A, "srv");
	seg(&e, 0, C(15), S(3), A, NULL);
	stream_raw_flush(e.sc, &e.f, &rr);
	assert_int_equal(rr.n, 3);
	assert_int_equal(rr.chunks[0].dir, 0);
	assert_int_equal(rr.chunks[0].offset, 0);
	assert_memory_equal(rr.chunks[0].data, "AAAAA", 5);
	assert_false(rr.chunks[0].gap_before);
	assert_int_equal(rr.chunks[1].dir, 0);
	assert_int_equal(rr.chunks[1].offset, 10);
	assert_memory_equal(rr.chunks[1].data, "CCCCC", 5);
	assert_true(rr.chunks[1].gap_before);
	assert_int_equal(rr.chunks[2].dir, 1);
	assert_memory_equal(rr.chunks[2].data, "srv", 3);
	stream_raw_flush(e.sc, &e.f, &rr);
	assert_int_equal(rr.n, 0);
	env_done(&e);
}

/* More discontiguous runs than the hold keeps: the rest is counted as lost to raw inspection,
 * and the hold is due on the next packet of either direction. */
static void test_raw_pieces_full(void **s)
{
	(void)s;
	struct env e;
	struct stream_result rr;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	for (uint32_t i = 0; i < 5; i++)
		seg(&e, 0, C(10 * i), S(0), A, "XXXXX");
	ack_c(&e, 45);
	struct stream_stats st;
	stream_get_stats(e.sc, &st);
	assert_int_equal(st.raw_dropped, 5);
	raw_take(&e, 1, &rr); /* the other direction's packet: forced out */
	assert_int_equal(rr.n, 4);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(rr.chunks[i].dir, 0);
		assert_int_equal(rr.chunks[i].offset, 10 * i);
		assert_int_equal(rr.chunks[i].gap_before, i > 0);
	}
	/* the bytes after the lost run are not glued to what came before: gap_before */
	seg(&e, 0, C(45), S(0), A, "YY");
	ack_c(&e, 47);
	stream_raw_flush(e.sc, &e.f, &rr);
	assert_int_equal(rr.n, 1);
	assert_int_equal(rr.chunks[0].offset, 45);
	assert_true(rr.chunks[0].gap_before);
	env_done(&e);
}

/* Past STREAM_RAW_HOLD_MAX bytes held, the hold is inspected at once (on either direction's
 * packet), so memory stays bounded whatever the other side does. */
static void test_raw_hold_max(void **s)
{
	(void)s;
	static char big[8001];
	memset(big, 'x', 8000);
	struct env e;
	struct stream_result rr;
	env_init(&e, NULL);
	handshake(&e, ISN_C, ISN_S);
	for (uint32_t i = 0; i < 40; i++)
		seg(&e, 0, C(8000 * i), S(0), A, big);
	ack_c(&e, 240000);
	raw_take(&e, 1, &rr);
	assert_int_equal(rr.n, 0); /* below the bound: waits for the client's packet */
	ack_c(&e, 320000);
	raw_take(&e, 1, &rr);
	assert_int_equal(rr.n, 1);
	assert_int_equal(rr.chunks[0].dir, 0);
	assert_int_equal(rr.chunks[0].offset, 0);
	assert_int_equal(rr.chunks[0].len, 320000);
	env_done(&e);
}

/* Inline: raw inspection takes the data with the parsers; nothing is held. */
static void test_raw_inline_immediate(void **s)
{
	(void)s;
	struct env e;
	struct stream_result rr;
	env_init(&e, set_inline);
	handshake(&e, ISN_C, ISN_S);
	seg(&e, 0, C(0), S(0), A, "hello");
	assert_int_equal(e.r.n, 1);
	assert_true(e.r.chunks[0].raw);
	raw_take(&e, 0, &rr);
	assert_int_equal(rr.n, 0);
	stream_raw_flush(e.sc, &e.f, &rr);
	assert_int_equal(rr.n, 0);
	env_done(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_inline_in_order),
		cmocka_unit_test(test_partial_ack),
		cmocka_unit_test(test_unacked_retransmission),
		cmocka_unit_test(test_ack_both_ways),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_retransmission_same),
		cmocka_unit_test(test_retransmission_different),
		cmocka_unit_test(test_retransmission_after_history_wrap),
		cmocka_unit_test(test_synack_resend_keeps_data),
		cmocka_unit_test(test_partial_overlap),
		cmocka_unit_test(test_tcp_policies),
		cmocka_unit_test(test_host_os_policy_tcp),
		cmocka_unit_test(test_gap_released_by_ack),
		cmocka_unit_test(test_gap_without_queue),
		cmocka_unit_test(test_rst_hole_beyond_seen),
		cmocka_unit_test(test_flow_counters),
		cmocka_unit_test(test_fin_eof),
		cmocka_unit_test(test_inline_fin_eof),
		cmocka_unit_test(test_fin_with_hole),
		cmocka_unit_test(test_rst_eof),
		cmocka_unit_test(test_rst_all_acked),
		cmocka_unit_test(test_inline_rst_eof),
		cmocka_unit_test(test_flush_at_flow_end),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_reassembly_memcap),
		cmocka_unit_test(test_unacked_memcap),
		cmocka_unit_test(test_inline_auto),
		cmocka_unit_test(test_session_memcap),
		cmocka_unit_test(test_midstream_off),
		cmocka_unit_test(test_midstream_on),
		cmocka_unit_test(test_midstream_reverse),
		cmocka_unit_test(test_max_regions),
		cmocka_unit_test(test_no_session),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_both_directions),
		cmocka_unit_test(test_async_oneside),
		cmocka_unit_test(test_out_of_window_and_syn_data),
		cmocka_unit_test(test_queued_duplicate),
		cmocka_unit_test(test_checksum_validation),
		cmocka_unit_test(test_flow_free_releases_memory),
		cmocka_unit_test(test_many_chunks),
		cmocka_unit_test(test_rst_data_not_stream),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_timestamps_linux),
		cmocka_unit_test(test_fast_open),
		cmocka_unit_test(test_handshake_events),
		cmocka_unit_test(test_raw_chunk_size),
		cmocka_unit_test(test_raw_trigger_and_state),
		cmocka_unit_test(test_raw_gap_and_flush),
		cmocka_unit_test(test_raw_pieces_full),
		cmocka_unit_test(test_raw_hold_max),
		cmocka_unit_test(test_raw_inline_immediate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
