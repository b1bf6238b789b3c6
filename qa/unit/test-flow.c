/*
 * test-flow.c — unit tests of the flow stage: symmetric hashing, table lookup/create and
 * direction, per-direction counters, the TCP state machine (handshake, teardown orders, RST,
 * midstream, SYN/ACK-first swap, port reuse), timeouts per protocol and state driven by packet
 * time, shutdown flush, memcap emergency mode/eviction/refusal/recovery, flow_id uniqueness, and
 * tunnelled packets (keyed by depth, counted by inner length, sharded by the outer pair).
 *
 * Packets are built by hand (no decoder): only the fields the flow stage reads are set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow/flow.h"

#define SEC(x) ((uint64_t)(x) * USEC_PER_SEC)
#define T0 SEC(1700000000)
#define CLI "10.0.0.1"
#define SRV "10.0.0.2"
#define CPORT 40000
#define SPORT 80

/* ---- fixtures ---------------------------------------------------------------------------- */

#define REC_MAX 64
struct rec_entry {
	uint64_t id;
	uint8_t reason, state, tcp_state;
	uint32_t flags;
	uint64_t pkts[2], bytes[2];
	uint16_t sp, dp;
};

struct rec {
	unsigned n;
	unsigned by_reason[3];
	struct rec_entry e[REC_MAX];
};

static void on_end(struct flow *f, void *user)
{
	struct rec *r = user;
	assert_true(f->end_reason <= FLOW_END_SHUTDOWN);
	r->by_reason[f->end_reason]++;
	if (r->n < REC_MAX) {
		struct rec_entry *e = &r->e[r->n];
		e->id = f->flow_id;
		e->reason = f->end_reason;
		e->state = f->state;
		e->tcp_state = f->tcp_state;
		e->flags = f->flags;
		memcpy(e->pkts, f->pkts, sizeof(e->pkts));
		memcpy(e->bytes, f->bytes, sizeof(e->bytes));
		e->sp = f->sp;
		e->dp = f->dp;
	}
	r->n++;
}

static void cfg_small(struct flow_config *cfg)
{
	flow_config_defaults(cfg);
	cfg->hash_size = 1024;
	cfg->prealloc = 16;
}

static struct flow_table *mk_table(const struct flow_config *cfg, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	struct flow_table *ft = flow_table_create(cfg, 0, on_end, r);
	assert_non_null(ft);
	return ft;
}

static struct flow_stats stats(struct flow_table *ft)
{
	struct flow_stats st;
	flow_table_get_stats(ft, &st);
	return st;
}

static void mk_pkt(struct packet *p, const char *src, uint16_t sp, const char *dst, uint16_t dp,
		   uint8_t proto, uint64_t ts)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(ip_addr_parse(src, &p->src), 0);
	assert_int_equal(ip_addr_parse(dst, &p->dst), 0);
	p->ip_version = p->src.family;
	p->ip_proto = proto;
	p->sp = sp;
	p->dp = dp;
	p->ts_usec = ts;
	p->caplen = 60;
	p->wirelen = 60;
}

static struct flow *udp(struct flow_table *ft, const char *src, uint16_t sp, const char *dst,
			uint16_t dp, uint64_t ts)
{
	struct packet p;
	mk_pkt(&p, src, sp, dst, dp, 17, ts);
	struct flow *f = flow_table_handle_packet(ft, &p);
	assert_ptr_equal(f, p.flow);
	return f;
}

/* A TCP segment of the CLI:CPORT <-> SRV:SPORT connection; `dir` receives p->flow_dir. */
static struct flow *tcp(struct flow_table *ft, int c2s, uint8_t flags, uint32_t seq, uint32_t ack,
			uint32_t len, uint64_t ts, uint8_t *dir)
{
	struct packet p;
	if (c2s)
		mk_pkt(&p, CLI, CPORT, SRV, SPORT, 6, ts);
	else
		mk_pkt(&p, SRV, SPORT, CLI, CPORT, 6, ts);
	p.tcp_flags = flags;
	p.tcp_seq = seq;
	p.tcp_ack = ack;
	p.payload_len = len;
	struct flow *f = flow_table_handle_packet(ft, &p);
	assert_ptr_equal(f, p.flow);
	if (dir)
		*dir = p.flow_dir;
	return f;
}

/* Client ISN 1000, server ISN 5000; after it both have exchanged one data segment. */
static struct flow *handshake_and_data(struct flow_table *ft, uint64_t ts)
{
	struct flow *f = tcp(ft, 1, TH_SYN, 1000, 0, 0, ts, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	assert_ptr_equal(tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1001, 0, ts + 1, NULL), f);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	assert_ptr_equal(tcp(ft, 1, TH_ACK, 1001, 5001, 0, ts + 2, NULL), f);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	assert_ptr_equal(tcp(ft, 1, TH_ACK | TH_PUSH, 1001, 5001, 100, ts + 3, NULL), f);
	assert_ptr_equal(tcp(ft, 0, TH_ACK | TH_PUSH, 5001, 1101, 200, ts + 4, NULL), f);
	return f;
}

/* sizeof the table's entry, learnt from memuse with a one-flow pool */
static uint64_t entry_size(void)
{
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.prealloc = 1;
	struct flow_table *ft = mk_table(&cfg, &r);
	uint64_t sz = stats(ft).memuse;
	flow_table_destroy(ft);
	assert_true(sz >= sizeof(struct flow));
	return sz;
}

/* ---- hashing ----------------------------------------------------------------------------- */

static void test_hash_symmetric_v4(void **state)
{
	(void)state;
	struct packet a, b;
	mk_pkt(&a, "192.168.1.10", 51234, "8.8.8.8", 53, 17, 0);
	mk_pkt(&b, "8.8.8.8", 53, "192.168.1.10", 51234, 17, 0);
	assert_int_equal(flow_hash_packet(&a), flow_hash_packet(&b));

	/* many pseudo-random tuples, both protocols */
	srand(7);
	for (int i = 0; i < 2000; i++) {
		uint8_t s[4], d[4];
		for (int j = 0; j < 4; j++) {
			s[j] = (uint8_t)rand();
			d[j] = (uint8_t)rand();
		}
		memset(&a, 0, sizeof(a));
		ip_addr_set_v4(&a.src, s);
		ip_addr_set_v4(&a.dst, d);
		a.ip_version = 4;
		a.ip_proto = (i & 1) ? 6 : 17;
		a.sp = (uint16_t)rand();
		a.dp = (uint16_t)rand();
		b = a;
		b.src = a.dst;
		b.dst = a.src;
		b.sp = a.dp;
		b.dp = a.sp;
		assert_int_equal(flow_hash_packet(&a), flow_hash_packet(&b));
	}
}

static void test_hash_symmetric_v6(void **state)
{
	(void)state;
	struct packet a, b;
	mk_pkt(&a, "2001:db8::1", 443, "2001:db8::2", 55000, 6, 0);
	mk_pkt(&b, "2001:db8::2", 55000, "2001:db8::1", 443, 6, 0);
	assert_int_equal(flow_hash_packet(&a), flow_hash_packet(&b));
	/* same address on both sides: the ports decide the order */
	mk_pkt(&a, "::1", 1000, "::1", 2000, 17, 0);
	mk_pkt(&b, "::1", 2000, "::1", 1000, 17, 0);
	assert_int_equal(flow_hash_packet(&a), flow_hash_packet(&b));
}

static void test_hash_shards_by_address_pair(void **state)
{
	(void)state;
	struct packet a, b;
	mk_pkt(&a, "10.1.1.1", 1111, "10.2.2.2", 80, 6, 0);
	b = a;
	b.dst.b[3] = 3;
	assert_int_not_equal(flow_hash_packet(&a), flow_hash_packet(&b));
	/* ports and protocol do not count: a non-first fragment has no ports, and must reach the
	 * worker that has its datagram's first fragment */
	b = a;
	b.sp = b.dp = 0;
	b.flags |= PKT_F_FRAGMENT;
	assert_int_equal(flow_hash_packet(&a), flow_hash_packet(&b));
	b.ip_proto = 17;
	assert_int_equal(flow_hash_packet(&a), flow_hash_packet(&b));
	b = a;
	b.vlan_count = 1;
	b.vlan_id[0] = 10;
	assert_int_not_equal(flow_hash_packet(&a), flow_hash_packet(&b));
	/* an IPv4 address and the IPv6 address with the same leading bytes differ */
	uint8_t v6[16] = { 10, 1, 1, 1 };
	uint8_t v6d[16] = { 10, 2, 2, 2 };
	b = a;
	ip_addr_set_v6(&b.src, v6);
	ip_addr_set_v6(&b.dst, v6d);
	b.ip_version = 6;
	assert_int_not_equal(flow_hash_packet(&a), flow_hash_packet(&b));
}

static void test_vlan_separates_flows(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet p;
	mk_pkt(&p, CLI, 5000, SRV, 53, 17, T0);
	p.vlan_count = 1;
	p.vlan_id[0] = 10;
	struct flow *f10 = flow_table_handle_packet(ft, &p);
	mk_pkt(&p, SRV, 53, CLI, 5000, 17, T0 + 1);
	p.vlan_count = 1;
	p.vlan_id[0] = 20;
	struct flow *f20 = flow_table_handle_packet(ft, &p);
	assert_non_null(f10);
	assert_non_null(f20);
	assert_ptr_not_equal(f10, f20);
	assert_int_equal(f20->vlan_id[0], 20);
	assert_int_equal(f20->vlan_count, 1);
	/* the reply on VLAN 10 joins the first flow */
	mk_pkt(&p, SRV, 53, CLI, 5000, 17, T0 + 2);
	p.vlan_count = 1;
	p.vlan_id[0] = 10;
	assert_ptr_equal(flow_table_handle_packet(ft, &p), f10);
	assert_int_equal(p.flow_dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(stats(ft).created, 2);
	flow_table_destroy(ft);
}

/* Mark p as the inner packet of an IP-in-IP tunnel between `osrc` and `odst`. */
static void mk_tunnelled(struct packet *p, const char *osrc, const char *odst, uint32_t inner_len)
{
	p->flags |= PKT_F_TUNNELED;
	p->tunnel_depth = 1;
	p->tunnel_kind = PKT_TUNNEL_IPV4;
	p->outer_ip_proto = 4;
	p->tunnel_len = inner_len;
	assert_int_equal(ip_addr_parse(osrc, &p->outer_src), 0);
	assert_int_equal(ip_addr_parse(odst, &p->outer_dst), 0);
}

/* The same tuple inside and outside a tunnel is two flows; the inner one counts the bytes of
 * the packet the tunnel carried, not the captured frame's. */
static void test_tunnel_depth_separates_flows(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet p;
	mk_pkt(&p, CLI, 5000, SRV, 53, 17, T0);
	struct flow *plain = flow_table_handle_packet(ft, &p);
	mk_pkt(&p, CLI, 5000, SRV, 53, 17, T0 + 1);
	mk_tunnelled(&p, "192.0.2.1", "192.0.2.2", 40);
	struct flow *inner = flow_table_handle_packet(ft, &p);
	assert_non_null(plain);
	assert_non_null(inner);
	assert_ptr_not_equal(plain, inner);
	assert_int_equal(inner->bytes[FLOW_DIR_TO_SERVER], 40);
	assert_int_equal(plain->bytes[FLOW_DIR_TO_SERVER], 60);
	/* the reply inside the tunnel (outer addresses swapped) joins the inner flow */
	mk_pkt(&p, SRV, 53, CLI, 5000, 17, T0 + 2);
	mk_tunnelled(&p, "192.0.2.2", "192.0.2.1", 33);
	assert_ptr_equal(flow_table_handle_packet(ft, &p), inner);
	assert_int_equal(p.flow_dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(inner->bytes[FLOW_DIR_TO_CLIENT], 33);
	assert_int_equal(stats(ft).created, 2);
	flow_table_destroy(ft);
}

/* Every packet of a tunnel, whatever it carries, goes to the worker of the tunnel's own
 * (outermost) address pair, in both directions. */
static void test_hash_tunnel_by_outer_pair(void **state)
{
	(void)state;
	struct packet root, a, b, back;
	mk_pkt(&root, "192.0.2.1", 0, "192.0.2.2", 0, 4, 0);
	mk_pkt(&a, "10.1.1.1", 1111, "10.2.2.2", 80, 6, 0);
	mk_tunnelled(&a, "192.0.2.1", "192.0.2.2", 40);
	mk_pkt(&b, "10.9.9.9", 53, "10.8.8.8", 5353, 17, 0);
	mk_tunnelled(&b, "192.0.2.1", "192.0.2.2", 40);
	mk_pkt(&back, "10.2.2.2", 80, "10.1.1.1", 1111, 6, 0);
	mk_tunnelled(&back, "192.0.2.2", "192.0.2.1", 40);
	assert_int_equal(flow_hash_packet(&a), flow_hash_packet(&root));
	assert_int_equal(flow_hash_packet(&b), flow_hash_packet(&root));
	assert_int_equal(flow_hash_packet(&back), flow_hash_packet(&root));
	/* another tunnel carrying the same inner tuple is sharded on its own pair */
	struct packet other = a;
	assert_int_equal(ip_addr_parse("192.0.2.77", &other.outer_dst), 0);
	assert_int_not_equal(flow_hash_packet(&other), flow_hash_packet(&a));
}

static void test_icmp_type_insensitive(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet req, rep;
	mk_pkt(&req, CLI, 8, SRV, 0, 1, T0); /* decode puts type/code in sp/dp */
	req.icmp_type = 8;
	mk_pkt(&rep, SRV, 0, CLI, 0, 1, T0 + 10);
	rep.icmp_type = 0;
	assert_int_equal(flow_hash_packet(&req), flow_hash_packet(&rep));
	struct flow *f = flow_table_handle_packet(ft, &req);
	assert_non_null(f);
	assert_ptr_equal(flow_table_handle_packet(ft, &rep), f);
	assert_int_equal(rep.flow_dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->icmp_type, 8);
	assert_int_equal(f->sp, 0);
	assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
	assert_int_equal(stats(ft).icmpv4, 1);
	flow_table_destroy(ft);
}

/* ---- table basics ------------------------------------------------------------------------ */

static void test_create_lookup_direction(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet p;
	mk_pkt(&p, CLI, 5353, SRV, 53, 17, T0);
	struct flow *f = flow_table_handle_packet(ft, &p);
	assert_non_null(f);
	assert_int_equal(p.flow_dir, FLOW_DIR_TO_SERVER);
	assert_true(f->flow_id > 0);
	assert_int_equal(f->sp, 5353);
	assert_int_equal(f->dp, 53);
	assert_int_equal(f->ip_proto, 17);
	assert_int_equal(f->ip_version, 4);
	assert_int_equal(f->start_usec, T0);
	assert_int_equal(f->state, FLOW_STATE_NEW);
	struct ip_addr cli;
	ip_addr_parse(CLI, &cli);
	assert_int_equal(ip_addr_cmp(&f->src, &cli), 0);

	mk_pkt(&p, SRV, 53, CLI, 5353, 17, T0 + 500);
	assert_ptr_equal(flow_table_handle_packet(ft, &p), f);
	assert_int_equal(p.flow_dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->last_usec, T0 + 500);
	assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
	assert_true(f->flags & FLOW_F_TO_DST_SEEN);
	assert_true(f->flags & FLOW_F_TO_SRC_SEEN);

	/* other source port: another flow */
	mk_pkt(&p, CLI, 5354, SRV, 53, 17, T0 + 600);
	struct flow *g = flow_table_handle_packet(ft, &p);
	assert_non_null(g);
	assert_ptr_not_equal(g, f);
	assert_int_not_equal(g->flow_id, f->flow_id);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.created, 2);
	assert_int_equal(st.active, 2);
	flow_table_destroy(ft);
}

static void test_counters_per_direction(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet p;
	struct flow *f = NULL;
	for (int i = 0; i < 3; i++) {
		mk_pkt(&p, CLI, CPORT, SRV, SPORT, 6, T0 + (uint64_t)i);
		p.tcp_flags = TH_ACK | TH_PUSH;
		p.wirelen = 100;
		f = flow_table_handle_packet(ft, &p);
	}
	for (int i = 0; i < 2; i++) {
		mk_pkt(&p, SRV, SPORT, CLI, CPORT, 6, T0 + 10 + (uint64_t)i);
		p.tcp_flags = TH_ACK | TH_FIN;
		p.wirelen = 0; /* unknown: fall back to caplen */
		p.caplen = 70;
		assert_ptr_equal(flow_table_handle_packet(ft, &p), f);
	}
	assert_int_equal(f->pkts[FLOW_DIR_TO_SERVER], 3);
	assert_int_equal(f->pkts[FLOW_DIR_TO_CLIENT], 2);
	assert_int_equal(f->bytes[FLOW_DIR_TO_SERVER], 300);
	assert_int_equal(f->bytes[FLOW_DIR_TO_CLIENT], 140);
	assert_int_equal(f->tcp_flags[FLOW_DIR_TO_SERVER], TH_ACK | TH_PUSH);
	assert_int_equal(f->tcp_flags[FLOW_DIR_TO_CLIENT], TH_ACK | TH_FIN);
	flow_table_destroy(ft);
}

static void test_ipv6_flow(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet p;
	mk_pkt(&p, "2001:db8::10", 40000, "2001:db8::20", 443, 17, T0);
	struct flow *f = flow_table_handle_packet(ft, &p);
	assert_non_null(f);
	assert_int_equal(f->ip_version, 6);
	mk_pkt(&p, "2001:db8::20", 443, "2001:db8::10", 40000, 17, T0 + 1);
	assert_ptr_equal(flow_table_handle_packet(ft, &p), f);
	assert_int_equal(p.flow_dir, FLOW_DIR_TO_CLIENT);
	/* an ICMPv6 flow between the same hosts is separate */
	mk_pkt(&p, "2001:db8::10", 128, "2001:db8::20", 0, 58, T0 + 2);
	struct flow *g = flow_table_handle_packet(ft, &p);
	assert_ptr_not_equal(g, f);
	assert_int_equal(stats(ft).icmpv6, 1);
	flow_table_destroy(ft);
}

static void test_no_flow_without_ip(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet p;
	mk_pkt(&p, CLI, 1, SRV, 2, 17, T0);
	p.ip_version = 0;
	p.flow = (struct flow *)&p; /* must be reset */
	assert_null(flow_table_handle_packet(ft, &p));
	assert_null(p.flow);
	mk_pkt(&p, CLI, 1, SRV, 2, 17, T0);
	p.flags = PKT_F_INVALID;
	assert_null(flow_table_handle_packet(ft, &p));
	assert_int_equal(stats(ft).created, 0);
	flow_table_destroy(ft);
}

static void test_single_bucket_chains(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.hash_size = 1; /* every flow in one chain: lookup must compare keys */
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *flows[200];
	for (int i = 0; i < 200; i++)
		flows[i] = udp(ft, CLI, (uint16_t)(10000 + i), SRV, 53, T0 + (uint64_t)i);
	for (int i = 199; i >= 0; i--) {
		struct flow *f = udp(ft, SRV, 53, CLI, (uint16_t)(10000 + i), T0 + 1000);
		assert_ptr_equal(f, flows[i]);
		assert_int_equal(f->dp, 53);
		assert_int_equal(f->sp, 10000 + i);
	}
	assert_int_equal(stats(ft).created, 200);
	flow_table_destroy(ft);
	assert_int_equal(r.n, 200);
}

static void test_pool_reuse_memuse(void **state)
{
	(void)state;
	uint64_t esz = entry_size();
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.prealloc = 8;
	struct flow_table *ft = mk_table(&cfg, &r);
	assert_int_equal(stats(ft).memuse, 8 * esz);
	for (int i = 0; i < 8; i++)
		udp(ft, CLI, (uint16_t)(1000 + i), SRV, 53, T0);
	assert_int_equal(stats(ft).memuse, 8 * esz); /* all from the pool */
	for (int i = 8; i < 12; i++)
		udp(ft, CLI, (uint16_t)(1000 + i), SRV, 53, T0);
	assert_int_equal(stats(ft).memuse, 12 * esz);
	flow_table_flush(ft);
	assert_int_equal(stats(ft).memuse, 8 * esz); /* the pool keeps prealloc spares */
	flow_table_destroy(ft);
}

static void test_time_backwards(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = udp(ft, CLI, 1, SRV, 2, T0 + SEC(100));
	assert_ptr_equal(udp(ft, SRV, 2, CLI, 1, T0), f);
	assert_int_equal(f->last_usec, T0 + SEC(100));
	assert_int_equal(f->pkts[1], 1);
	assert_int_equal(stats(ft).timed_out, 0);
	flow_table_destroy(ft);
}

/* ---- TCP state machine -------------------------------------------------------------------- */

/* TCP Fast Open: the SYN/ACK may acknowledge the SYN's data, not only ISN + 1; beyond the data
 * it is still refused. Split handshake (server SYN, client SYN/ACK, server ACK) establishes. */
static void test_tcp_fast_open_and_split_handshake(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = tcp(ft, 1, TH_SYN, 1000, 0, 20, T0, NULL);
	tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1022, 0, T0 + 1, NULL); /* past the data: refused */
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1021, 0, T0 + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	tcp(ft, 1, TH_ACK, 1021, 5001, 0, T0 + 3, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	flow_table_destroy(ft);

	ft = mk_table(&cfg, &r);
	f = tcp(ft, 1, TH_SYN, 1000, 0, 0, T0, NULL);
	tcp(ft, 0, TH_SYN, 5000, 0, 0, T0 + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	tcp(ft, 1, TH_SYN | TH_ACK, 1000, 5001, 0, T0 + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	tcp(ft, 0, TH_ACK, 5001, 1001, 0, T0 + 3, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	flow_table_destroy(ft);
}

static void test_tcp_handshake(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	uint8_t dir;
	struct flow *f = tcp(ft, 1, TH_SYN, 1000, 0, 0, T0, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_SERVER);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	assert_int_equal(f->state, FLOW_STATE_NEW);
	assert_int_equal(f->tcp_isn[0], 1000);
	tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1001, 0, T0 + 1, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	assert_int_equal(f->state, FLOW_STATE_NEW);
	assert_int_equal(f->tcp_isn[1], 5000);
	tcp(ft, 1, TH_ACK, 1001, 5001, 0, T0 + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
	assert_false(f->flags & FLOW_F_MIDSTREAM);
	tcp(ft, 1, TH_ACK | TH_PUSH, 1001, 5001, 100, T0 + 3, NULL);
	assert_int_equal(f->tcp_next_seq[0], 1101);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.tcp_sessions, 1);
	assert_int_equal(st.tcp_invalid_state, 0);
	assert_int_equal(st.tcp, 1);
	flow_table_destroy(ft);
}

/* stats.tcp.syn/synack/rst count packets; the stream stage's per-flow counters are added to
 * the table's stats when the flow ends (here set by hand, as the stream stage would). */
static void test_tcp_flag_and_stream_counters(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = tcp(ft, 1, TH_SYN, 1000, 0, 0, T0, NULL);
	tcp(ft, 1, TH_SYN, 1000, 0, 0, T0 + 1, NULL); /* resent SYN */
	tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1001, 0, T0 + 2, NULL);
	tcp(ft, 1, TH_ACK, 1001, 5001, 0, T0 + 3, NULL);
	f->stream_cnt.gaps = 3;
	f->stream_cnt.overlaps = 2;
	f->stream_cnt.overlaps_diff = 1;
	f->stream_cnt.depth_reached = 2;
	f->stream_cnt.seg_memcap_drops = 5;
	tcp(ft, 0, TH_RST | TH_ACK, 5001, 1001, 0, T0 + 4, NULL);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.tcp_syn, 2);
	assert_int_equal(st.tcp_synack, 1);
	assert_int_equal(st.tcp_rst, 1);
	assert_int_equal(st.tcp_reassembly_gap, 0); /* the flow has not ended yet */
	flow_table_flush(ft);
	st = stats(ft);
	assert_int_equal(st.tcp_reassembly_gap, 3);
	assert_int_equal(st.tcp_overlap, 2);
	assert_int_equal(st.tcp_overlap_diff_data, 1);
	assert_int_equal(st.tcp_stream_depth_reached, 2);
	assert_int_equal(st.tcp_segment_memcap_drop, 5);
	assert_int_equal(st.tcp_ssn_memcap_drop, 0);
	flow_table_destroy(ft);
}

static void test_tcp_synack_wrong_ack(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = tcp(ft, 1, TH_SYN, 1000, 0, 0, T0, NULL);
	tcp(ft, 0, TH_SYN | TH_ACK, 5000, 7777, 0, T0 + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	assert_int_equal(stats(ft).tcp_invalid_state, 1);
	/* the right one still completes */
	tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1001, 0, T0 + 2, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	/* a final ACK that does not ack the server ISN+1 does not establish */
	tcp(ft, 1, TH_ACK, 1001, 9999, 0, T0 + 3, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	assert_int_equal(stats(ft).tcp_invalid_state, 2);
	flow_table_destroy(ft);
}

static void test_tcp_fin_client_first(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = handshake_and_data(ft, T0);
	tcp(ft, 1, TH_FIN | TH_ACK, 1101, 5201, 0, T0 + 10, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSE_WAIT);
	assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
	tcp(ft, 0, TH_ACK, 5201, 1102, 0, T0 + 11, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSE_WAIT);
	tcp(ft, 0, TH_FIN | TH_ACK, 5201, 1102, 0, T0 + 12, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_LAST_ACK);
	assert_int_equal(f->state, FLOW_STATE_CLOSED);
	tcp(ft, 1, TH_ACK, 1102, 5202, 0, T0 + 13, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	assert_int_equal(f->state, FLOW_STATE_CLOSED);
	assert_int_equal(stats(ft).tcp_invalid_state, 0);
	flow_table_destroy(ft);
}

static void test_tcp_fin_server_first(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = handshake_and_data(ft, T0);
	tcp(ft, 0, TH_FIN | TH_ACK, 5201, 1101, 0, T0 + 10, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_FIN_WAIT1);
	assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
	tcp(ft, 1, TH_ACK, 1101, 5202, 0, T0 + 11, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_FIN_WAIT2);
	tcp(ft, 1, TH_FIN | TH_ACK, 1101, 5202, 0, T0 + 12, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_TIME_WAIT);
	assert_int_equal(f->state, FLOW_STATE_CLOSED);
	tcp(ft, 0, TH_ACK, 5202, 1102, 0, T0 + 13, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	flow_table_destroy(ft);
}

static void test_tcp_simultaneous_close(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = handshake_and_data(ft, T0);
	tcp(ft, 0, TH_FIN | TH_ACK, 5201, 1101, 0, T0 + 10, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_FIN_WAIT1);
	/* the client's FIN crossed the server's: it does not ack it */
	tcp(ft, 1, TH_FIN | TH_ACK, 1101, 5201, 0, T0 + 11, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSING);
	tcp(ft, 1, TH_ACK, 1102, 5202, 0, T0 + 12, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_TIME_WAIT);
	tcp(ft, 0, TH_ACK, 5202, 1102, 0, T0 + 13, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	flow_table_destroy(ft);
}

static void test_tcp_rst(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = handshake_and_data(ft, T0);
	tcp(ft, 0, TH_RST | TH_ACK, 5201, 1101, 0, T0 + 10, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	assert_int_equal(f->state, FLOW_STATE_CLOSED);
	/* a refused connection: RST answering the SYN */
	struct packet p;
	mk_pkt(&p, CLI, 41000, SRV, 81, 6, T0 + 20);
	p.tcp_flags = TH_SYN;
	p.tcp_seq = 1;
	struct flow *g = flow_table_handle_packet(ft, &p);
	mk_pkt(&p, SRV, 81, CLI, 41000, 6, T0 + 21);
	p.tcp_flags = TH_RST | TH_ACK;
	p.tcp_ack = 2;
	assert_ptr_equal(flow_table_handle_packet(ft, &p), g);
	assert_int_equal(g->tcp_state, TCP_STATE_CLOSED);
	assert_int_equal(g->state, FLOW_STATE_CLOSED);
	flow_table_destroy(ft);
}

static void test_tcp_midstream_on(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.tcp_midstream = true;
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = tcp(ft, 1, TH_ACK | TH_PUSH, 3000, 8000, 50, T0, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
	assert_true(f->flags & FLOW_F_MIDSTREAM);
	assert_int_equal(f->tcp_next_seq[0], 3050);
	assert_int_equal(f->tcp_next_seq[1], 8000);
	/* teardown still tracked */
	tcp(ft, 0, TH_FIN | TH_ACK, 8000, 3050, 0, T0 + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_FIN_WAIT1);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.tcp_midstream, 1);
	assert_int_equal(st.tcp_sessions, 1);
	assert_int_equal(st.tcp_invalid_state, 0);
	flow_table_destroy(ft);
}

/* flow_reverse: a midstream flow whose first packet came from the server gets its sides
 * exchanged; counters, sequence state, teardown and the next packets' direction follow. */
static void test_flow_reverse_midstream(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.tcp_midstream = true;
	struct flow_table *ft = mk_table(&cfg, &r);
	uint8_t dir = 9;
	/* the server's response is the first packet: it is taken for the client's */
	struct flow *f = tcp(ft, 0, TH_ACK | TH_PUSH, 8000, 3000, 100, T0, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_SERVER);
	assert_int_equal(f->sp, SPORT);
	tcp(ft, 1, TH_FIN | TH_ACK, 3000, 8100, 0, T0 + 1, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->tcp_state, TCP_STATE_FIN_WAIT1); /* the "server" closed first */
	f->flags |= FLOW_F_APP_STALL_TS;

	flow_reverse(f);
	assert_int_equal(f->sp, CPORT);
	assert_int_equal(f->dp, SPORT);
	struct ip_addr cli;
	assert_int_equal(ip_addr_parse(CLI, &cli), 0);
	assert_int_equal(ip_addr_cmp(&f->src, &cli), 0);
	assert_int_equal(f->pkts[FLOW_DIR_TO_SERVER], 1);
	assert_int_equal(f->pkts[FLOW_DIR_TO_CLIENT], 1);
	assert_int_equal(f->bytes[FLOW_DIR_TO_SERVER], 60);
	assert_int_equal(f->tcp_next_seq[FLOW_DIR_TO_CLIENT], 8100);
	assert_int_equal(f->tcp_next_seq[FLOW_DIR_TO_SERVER], 3001);
	assert_true(f->flags & FLOW_F_APP_STALL_TC);
	assert_false(f->flags & FLOW_F_APP_STALL_TS);
	assert_true(f->flags & FLOW_F_TO_DST_SEEN);
	assert_true(f->flags & FLOW_F_TO_SRC_SEEN);

	/* the next packets get their direction from the new sides; the teardown goes on with
	 * the client as the side that closed first */
	tcp(ft, 0, TH_FIN | TH_ACK, 8100, 3001, 0, T0 + 2, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->pkts[FLOW_DIR_TO_CLIENT], 2);
	assert_int_equal(f->tcp_state, TCP_STATE_LAST_ACK);
	tcp(ft, 1, TH_ACK, 3001, 8101, 0, T0 + 3, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_SERVER);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	flow_reverse(NULL); /* no flow: nothing happens */
	flow_table_destroy(ft);
}

static void test_tcp_midstream_off(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.tcp_midstream = false;
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = tcp(ft, 1, TH_ACK | TH_PUSH, 3000, 8000, 50, T0, NULL);
	assert_non_null(f); /* the flow exists (and will be logged) */
	assert_int_equal(f->tcp_state, TCP_STATE_NONE);
	assert_int_equal(f->state, FLOW_STATE_NEW);
	assert_false(f->flags & FLOW_F_MIDSTREAM);
	tcp(ft, 0, TH_ACK, 8000, 3050, 0, T0 + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_NONE);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.tcp_invalid_state, 2);
	assert_int_equal(st.tcp_midstream, 0);
	assert_int_equal(st.tcp_sessions, 0);
	assert_int_equal(f->pkts[0], 1);
	assert_int_equal(f->pkts[1], 1);
	flow_table_destroy(ft);
}

static void test_tcp_synack_first_swaps(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.tcp_midstream = true;
	struct flow_table *ft = mk_table(&cfg, &r);
	uint8_t dir;
	struct flow *f = tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1001, 0, T0, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->sp, CPORT); /* the receiver is the client */
	assert_int_equal(f->dp, SPORT);
	struct ip_addr cli;
	ip_addr_parse(CLI, &cli);
	assert_int_equal(ip_addr_cmp(&f->src, &cli), 0);
	assert_int_equal(f->pkts[FLOW_DIR_TO_CLIENT], 1);
	assert_int_equal(f->pkts[FLOW_DIR_TO_SERVER], 0);
	assert_true(f->flags & FLOW_F_TO_SRC_SEEN);
	assert_false(f->flags & FLOW_F_TO_DST_SEEN);
	assert_int_equal(f->tcp_flags[FLOW_DIR_TO_CLIENT], TH_SYN | TH_ACK);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	assert_true(f->flags & FLOW_F_MIDSTREAM);
	tcp(ft, 1, TH_ACK, 1001, 5001, 0, T0 + 1, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_SERVER);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	flow_table_destroy(ft);
}

static void test_tcp_synack_first_midstream_off(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	uint8_t dir;
	struct flow *f = tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1001, 0, T0, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->sp, CPORT);
	assert_int_equal(f->tcp_state, TCP_STATE_NONE);
	assert_int_equal(stats(ft).tcp_invalid_state, 1);
	flow_table_destroy(ft);
}

static void test_tcp_port_reuse(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = handshake_and_data(ft, T0);
	uint64_t old_id = f->flow_id;
	tcp(ft, 0, TH_FIN | TH_ACK, 5201, 1101, 0, T0 + 10, NULL);
	tcp(ft, 1, TH_FIN | TH_ACK, 1101, 5202, 0, T0 + 11, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_TIME_WAIT);
	/* retransmitted old SYN: not a new session */
	tcp(ft, 1, TH_SYN, 1000, 0, 0, T0 + 12, NULL);
	assert_int_equal(r.n, 0);
	assert_int_equal(f->tcp_state, TCP_STATE_TIME_WAIT);
	/* new ISN: the old flow ends, a new one starts */
	struct flow *g = tcp(ft, 1, TH_SYN, 777777, 0, 0, T0 + 13, NULL);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].id, old_id);
	assert_int_equal(r.e[0].reason, FLOW_END_TIMEOUT);
	assert_true(r.e[0].flags & FLOW_F_TCP_REUSED);
	assert_int_equal(r.e[0].tcp_state, TCP_STATE_TIME_WAIT);
	assert_int_equal(r.e[0].pkts[0], 5); /* SYN, ACK, data, FIN, old SYN retransmit */
	assert_int_not_equal(g->flow_id, old_id);
	assert_int_equal(g->tcp_state, TCP_STATE_SYN_SENT);
	assert_int_equal(g->pkts[0], 1);
	assert_int_equal(g->tcp_isn[0], 777777);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.tcp_reused, 1);
	assert_int_equal(st.created, 2);
	assert_int_equal(st.active, 1);
	flow_table_destroy(ft);
}

static void test_tcp_reuse_after_rst(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = tcp(ft, 1, TH_SYN, 1000, 0, 0, T0, NULL);
	tcp(ft, 0, TH_RST | TH_ACK, 0, 1001, 0, T0 + 1, NULL);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSED);
	/* no reuse while established: a SYN inside a session is just invalid */
	struct flow *g = tcp(ft, 1, TH_SYN, 2000, 0, 0, T0 + SEC(1), NULL);
	assert_int_equal(r.n, 1);
	assert_int_equal(g->tcp_state, TCP_STATE_SYN_SENT);
	tcp(ft, 0, TH_SYN | TH_ACK, 6000, 2001, 0, T0 + SEC(1) + 1, NULL);
	tcp(ft, 1, TH_ACK, 2001, 6001, 0, T0 + SEC(1) + 2, NULL);
	tcp(ft, 1, TH_SYN, 3000, 0, 0, T0 + SEC(1) + 3, NULL);
	assert_int_equal(r.n, 1);
	assert_int_equal(g->tcp_state, TCP_STATE_ESTABLISHED);
	assert_int_equal(stats(ft).tcp_invalid_state, 1);
	flow_table_destroy(ft);
}

static void test_tcp_syn_after_stray_packet(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	/* a stray server packet first makes the server the provisional client... */
	uint8_t dir;
	struct flow *f = tcp(ft, 0, TH_ACK, 5000, 999, 0, T0, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_SERVER);
	assert_int_equal(f->sp, SPORT);
	/* ...until the real client's SYN starts the session and swaps the sides */
	tcp(ft, 1, TH_SYN, 1000, 0, 0, T0 + 1, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_SERVER);
	assert_int_equal(f->sp, CPORT);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_SENT);
	assert_int_equal(f->pkts[FLOW_DIR_TO_SERVER], 1);
	assert_int_equal(f->pkts[FLOW_DIR_TO_CLIENT], 1);
	assert_int_equal(f->tcp_flags[FLOW_DIR_TO_CLIENT], TH_ACK);
	assert_int_equal(f->tcp_flags[FLOW_DIR_TO_SERVER], TH_SYN);
	tcp(ft, 0, TH_SYN | TH_ACK, 5000, 1001, 0, T0 + 2, &dir);
	assert_int_equal(dir, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN_RECV);
	flow_table_destroy(ft);
}

static void test_expiry_never_early_at_most_1s_late(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *a = udp(ft, CLI, 1000, SRV, 53, T0);
	udp(ft, CLI, 1001, SRV, 53, T0 + 1);
	uint64_t a_id = a->flow_id;
	udp(ft, CLI, 1000, SRV, 53, T0 + 500000); /* a is busy but stays at the tail (< 1 s) */
	/* b is past 30 s, a is not: a must not end; b may wait behind a */
	unsigned n = flow_table_expire(ft, T0 + SEC(30) + 200000);
	assert_true(n <= 1);
	for (unsigned i = 0; i < r.n; i++)
		assert_int_not_equal(r.e[i].id, a_id);
	/* one granularity period later both are gone */
	flow_table_expire(ft, T0 + SEC(31) + 500001);
	assert_int_equal(r.n, 2);
	assert_int_equal(stats(ft).active, 0);
	flow_table_destroy(ft);
}

/* ---- timeouts ---------------------------------------------------------------------------- */

static void test_timeout_udp_new(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	udp(ft, CLI, 1000, SRV, 53, T0);
	assert_int_equal(flow_table_expire(ft, T0 + SEC(30)), 0); /* not past 30 s yet */
	assert_int_equal(flow_table_expire(ft, T0 + SEC(31)), 1);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].reason, FLOW_END_TIMEOUT);
	assert_int_equal(r.e[0].state, FLOW_STATE_NEW);
	assert_int_equal(stats(ft).timed_out, 1);
	assert_int_equal(stats(ft).active, 0);
	flow_table_destroy(ft);
}

static void test_timeout_udp_established(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	udp(ft, CLI, 1000, SRV, 53, T0);
	udp(ft, SRV, 53, CLI, 1000, T0 + 5);
	assert_int_equal(flow_table_expire(ft, T0 + SEC(200)), 0);
	assert_int_equal(flow_table_expire(ft, T0 + SEC(300)), 0);
	assert_int_equal(flow_table_expire(ft, T0 + SEC(301)), 1);
	assert_int_equal(r.e[0].state, FLOW_STATE_ESTABLISHED);
	flow_table_destroy(ft);
}

static void test_timeout_tcp_states(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	/* new (SYN only): 60 s */
	tcp(ft, 1, TH_SYN, 1, 0, 0, T0, NULL);
	assert_int_equal(flow_table_expire(ft, T0 + SEC(59)), 0);
	assert_int_equal(flow_table_expire(ft, T0 + SEC(61)), 1);
	/* established: 600 s */
	handshake_and_data(ft, T0 + SEC(100));
	assert_int_equal(flow_table_expire(ft, T0 + SEC(100 + 599)), 0);
	assert_int_equal(flow_table_expire(ft, T0 + SEC(100 + 601)), 1);
	assert_int_equal(r.e[1].state, FLOW_STATE_ESTABLISHED);
	/* closed: 60 s */
	uint64_t t = T0 + SEC(1000);
	handshake_and_data(ft, t);
	tcp(ft, 0, TH_RST, 5201, 0, 0, t + 10, NULL);
	assert_int_equal(flow_table_expire(ft, t + SEC(59)), 0);
	assert_int_equal(flow_table_expire(ft, t + SEC(61)), 1);
	assert_int_equal(r.e[2].state, FLOW_STATE_CLOSED);
	assert_int_equal(r.e[2].tcp_state, TCP_STATE_CLOSED);
	flow_table_destroy(ft);
}

static void test_timeout_icmp_and_other(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.timeouts[FLOW_PROTO_ICMP].new_s = 7; /* configured values are honoured */
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet p;
	mk_pkt(&p, CLI, 8, SRV, 0, 1, T0);
	assert_non_null(flow_table_handle_packet(ft, &p));
	mk_pkt(&p, CLI, 0, SRV, 0, 47, T0); /* GRE: default class */
	assert_non_null(flow_table_handle_packet(ft, &p));
	mk_pkt(&p, SRV, 0, CLI, 0, 47, T0 + 1);
	assert_non_null(flow_table_handle_packet(ft, &p));
	assert_int_equal(p.flow->state, FLOW_STATE_ESTABLISHED);
	assert_int_equal(flow_table_expire(ft, T0 + SEC(8)), 1); /* icmp new 7 s */
	assert_int_equal(flow_table_expire(ft, T0 + SEC(31)), 0); /* gre established 300 s */
	assert_int_equal(flow_table_expire(ft, T0 + SEC(302)), 1);
	assert_int_equal(stats(ft).other, 1);
	flow_table_destroy(ft);
}

static void test_lazy_expiry_by_packet_time(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	for (int i = 0; i < 10; i++)
		udp(ft, CLI, (uint16_t)(2000 + i), SRV, 53, T0 + 1 + (uint64_t)i);
	/* first packet of a later second: full pass, but nobody is past 30 s yet */
	udp(ft, CLI, 9999, SRV, 53, T0 + SEC(30));
	assert_int_equal(stats(ft).timed_out, 0);
	/* same second, now all ten are past: outside emergency mode nothing is ended within the
	 * second (timeouts are whole seconds; no per-packet work) */
	udp(ft, CLI, 9999, SRV, 53, T0 + SEC(30) + 500000);
	assert_int_equal(stats(ft).timed_out, 0);
	/* the next second boundary ends them all */
	udp(ft, CLI, 9999, SRV, 53, T0 + SEC(31) + 1);
	assert_int_equal(stats(ft).timed_out, 10);
	assert_int_equal(r.by_reason[FLOW_END_TIMEOUT], 10);
	assert_int_equal(stats(ft).active, 1);
	flow_table_destroy(ft);
}

static void test_expired_flow_replaced_by_own_packet(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *f = udp(ft, CLI, 1000, SRV, 53, T0);
	uint64_t id = f->flow_id;
	struct flow *g = udp(ft, SRV, 53, CLI, 1000, T0 + SEC(40));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].id, id);
	assert_int_equal(r.e[0].reason, FLOW_END_TIMEOUT);
	assert_int_not_equal(g->flow_id, id);
	/* the new flow's client is the sender of its first packet */
	assert_int_equal(g->sp, 53);
	assert_int_equal(g->pkts[FLOW_DIR_TO_SERVER], 1);
	flow_table_destroy(ft);
}

/* ---- flush ------------------------------------------------------------------------------- */

static void test_flush_shutdown(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	for (int i = 0; i < 5; i++)
		udp(ft, CLI, (uint16_t)(3000 + i), SRV, 53, T0 + (uint64_t)i);
	udp(ft, SRV, 53, CLI, 3000, T0 + 15); /* 3000 becomes the most recent udp flow */
	handshake_and_data(ft, T0 + 20);
	flow_table_flush(ft);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.by_reason[FLOW_END_SHUTDOWN], 6);
	/* least recently active first, across protocols and states */
	assert_int_equal(r.e[0].sp, 3001);
	assert_int_equal(r.e[3].sp, 3004);
	assert_int_equal(r.e[4].sp, 3000);
	assert_int_equal(r.e[5].tcp_state, TCP_STATE_ESTABLISHED);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.shutdown_flushed, 6);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.active_max, 6);
	/* usable after a flush */
	assert_non_null(udp(ft, CLI, 3000, SRV, 53, T0 + 30));
	assert_int_equal(stats(ft).created, 7);
	flow_table_destroy(ft);
	assert_int_equal(r.n, 7); /* destroy ends the remaining flow through the callback */
	assert_int_equal(r.e[6].reason, FLOW_END_SHUTDOWN);
}

/* ---- memcap ------------------------------------------------------------------------------ */

static void test_memcap_emergency_forced(void **state)
{
	(void)state;
	uint64_t esz = entry_size();
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.prealloc = 0;
	cfg.memcap = 4 * esz;
	struct flow_table *ft = mk_table(&cfg, &r);
	for (int i = 0; i < 4; i++)
		assert_non_null(udp(ft, CLI, (uint16_t)(1000 + i), SRV, 53, T0 + (uint64_t)i));
	/* touch the first one so the second is now the least recently active */
	udp(ft, SRV, 53, CLI, 1000, T0 + 10);
	assert_int_equal(stats(ft).emergency_mode_entered, 0);
	struct flow *f = udp(ft, CLI, 1004, SRV, 53, T0 + 20);
	assert_non_null(f);
	assert_true(f->flags & FLOW_F_EMERGENCY);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].reason, FLOW_END_FORCED);
	assert_int_equal(r.e[0].sp, 1001);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.emergency_mode_entered, 1);
	assert_int_equal(st.evicted_forced, 1);
	assert_int_equal(st.active, 4);
	assert_true(st.memuse <= cfg.memcap);
	/* emergency timeouts apply: udp emergency-new is 10 s instead of 30 s */
	assert_int_equal(flow_table_expire(ft, T0 + SEC(11)), 2); /* ports 1002, 1003 */
	flow_table_destroy(ft);
}

static void test_memcap_refused(void **state)
{
	(void)state;
	uint64_t esz = entry_size();
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.prealloc = 0;
	cfg.memcap = 4 * esz;
	struct flow_table *ft = mk_table(&cfg, &r);
	for (int i = 0; i < 4; i++)
		assert_non_null(udp(ft, CLI, (uint16_t)(1000 + i), SRV, 53, T0));
	/* every flow was active at this very timestamp: nothing idle to evict */
	struct packet p;
	mk_pkt(&p, CLI, 1004, SRV, 53, 17, T0);
	assert_null(flow_table_handle_packet(ft, &p));
	assert_null(p.flow);
	struct flow_stats st = stats(ft);
	assert_int_equal(st.memcap_refused, 1);
	assert_int_equal(st.emergency_mode_entered, 1);
	assert_int_equal(st.evicted_forced, 0);
	assert_int_equal(r.n, 0);
	/* existing flows keep working */
	assert_non_null(udp(ft, SRV, 53, CLI, 1002, T0));
	flow_table_destroy(ft);
}

static void test_memcap_too_small_for_one(void **state)
{
	(void)state;
	uint64_t esz = entry_size();
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.prealloc = 100; /* clamped to what fits */
	cfg.memcap = esz - 1;
	struct flow_table *ft = mk_table(&cfg, &r);
	assert_int_equal(stats(ft).memuse, 0);
	struct packet p;
	for (int i = 0; i < 3; i++) {
		mk_pkt(&p, CLI, 1, SRV, 2, 17, T0 + SEC(i));
		assert_null(flow_table_handle_packet(ft, &p));
	}
	assert_int_equal(stats(ft).memcap_refused, 3);
	assert_int_equal(stats(ft).created, 0);
	flow_table_destroy(ft);
}

static void test_memcap_recovery(void **state)
{
	(void)state;
	uint64_t esz = entry_size();
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.prealloc = 0;
	cfg.memcap = 10 * esz;
	cfg.emergency_recovery = 30; /* leave emergency below 70% = 7 flows */
	struct flow_table *ft = mk_table(&cfg, &r);
	for (int i = 0; i < 10; i++)
		udp(ft, CLI, (uint16_t)(1000 + i), SRV, 53, T0 + (uint64_t)i);
	struct flow *f = udp(ft, CLI, 2000, SRV, 53, T0 + SEC(1));
	assert_true(f->flags & FLOW_F_EMERGENCY);
	assert_int_equal(stats(ft).emergency_mode_entered, 1);
	assert_int_equal(stats(ft).emergency_mode_over, 0);
	/*
	 * 12 s later the emergency timeout (10 s) ends the idle flows oldest first; after the
	 * fourth only 6 flows remain (< 70%), emergency mode ends and the normal 30 s timeout
	 * protects the rest.
	 */
	struct flow *g = udp(ft, CLI, 3000, SRV, 53, T0 + SEC(12));
	struct flow_stats st = stats(ft);
	assert_int_equal(st.timed_out, 4);
	assert_int_equal(st.emergency_mode_over, 1);
	assert_int_equal(st.active, 7);
	assert_false(g->flags & FLOW_F_EMERGENCY);
	/* a later memcap hit enters emergency mode again */
	for (int i = 0; i < 4; i++)
		udp(ft, CLI, (uint16_t)(4000 + i), SRV, 53, T0 + SEC(13) + (uint64_t)i);
	assert_int_equal(stats(ft).emergency_mode_entered, 2);
	flow_table_destroy(ft);
}

/* ---- stats, ids, names, config ----------------------------------------------------------- */

static void test_stats_per_proto(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	struct flow_table *ft = mk_table(&cfg, &r);
	struct packet p;
	const uint8_t protos[] = { 6, 6, 17, 1, 47, 132 };
	for (unsigned i = 0; i < ARRAY_SIZE(protos); i++) {
		mk_pkt(&p, CLI, (uint16_t)(100 + i), SRV, 7, protos[i], T0 + i);
		p.tcp_flags = TH_SYN;
		assert_non_null(flow_table_handle_packet(ft, &p));
	}
	mk_pkt(&p, "fe80::1", 128, "fe80::2", 0, 58, T0 + 10);
	assert_non_null(flow_table_handle_packet(ft, &p));
	struct flow_stats st = stats(ft);
	assert_int_equal(st.created, 7);
	assert_int_equal(st.active, 7);
	assert_int_equal(st.active_max, 7);
	assert_int_equal(st.tcp, 2);
	assert_int_equal(st.udp, 1);
	assert_int_equal(st.icmpv4, 1);
	assert_int_equal(st.icmpv6, 1);
	assert_int_equal(st.other, 2);
	assert_int_equal(st.tcp_sessions, 2);
	flow_table_destroy(ft);
	assert_int_equal(r.by_reason[FLOW_END_SHUTDOWN], 7);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_flow_id_unique(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct flow_config cfg;
	struct rec r;
	flow_config_defaults(&cfg);
	cfg.memcap = 256ull * 1024 * 1024;
	cfg.prealloc = 1000;
	struct flow_table *ft = mk_table(&cfg, &r);
	uint64_t *ids = malloc(N * sizeof(*ids));
	assert_non_null(ids);
	struct packet p;
	for (int i = 0; i < N; i++) {
		uint8_t s[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		mk_pkt(&p, CLI, (uint16_t)(i & 0xffff), SRV, 80, 17, T0 + (uint64_t)i);
		ip_addr_set_v4(&p.src, s);
		struct flow *f = flow_table_handle_packet(ft, &p);
		assert_non_null(f);
		ids[i] = f->flow_id;
		assert_true(ids[i] > 0 && ids[i] < (1ull << 53));
	}
	assert_int_equal(stats(ft).active, N);
	qsort(ids, N, sizeof(*ids), cmp_u64);
	for (int i = 1; i < N; i++)
		assert_true(ids[i] != ids[i - 1]);

	/* another worker's ids never collide with this one's */
	struct rec r2;
	memset(&r2, 0, sizeof(r2));
	struct flow_table *ft2 = flow_table_create(&cfg, 1, on_end, &r2);
	assert_non_null(ft2);
	for (int i = 0; i < 1000; i++) {
		mk_pkt(&p, CLI, (uint16_t)i, SRV, 80, 17, T0 + (uint64_t)i);
		struct flow *f = flow_table_handle_packet(ft2, &p);
		assert_non_null(f);
		assert_null(bsearch(&f->flow_id, ids, N, sizeof(*ids), cmp_u64));
	}
	flow_table_destroy(ft2);
	flow_table_destroy(ft);
	assert_int_equal(r.n, N);
	free(ids);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(flow_state_name(FLOW_STATE_NEW), "new");
	assert_string_equal(flow_state_name(FLOW_STATE_ESTABLISHED), "established");
	assert_string_equal(flow_state_name(FLOW_STATE_CLOSED), "closed");
	static const char *const tcp_names[] = { "none", "syn_sent", "syn_recv", "established",
						 "fin_wait1", "fin_wait2", "time_wait",
						 "close_wait", "last_ack", "closing", "closed" };
	for (unsigned i = 0; i < ARRAY_SIZE(tcp_names); i++)
		assert_string_equal(flow_tcp_state_name((enum tcp_state)i), tcp_names[i]);
	assert_string_equal(flow_end_reason_name(FLOW_END_TIMEOUT), "timeout");
	assert_string_equal(flow_end_reason_name(FLOW_END_FORCED), "forced");
	assert_string_equal(flow_end_reason_name(FLOW_END_SHUTDOWN), "shutdown");
	assert_string_equal(flow_state_name((enum flow_state)42), "unknown");
	assert_string_equal(flow_tcp_state_name((enum tcp_state)42), "unknown");
	assert_string_equal(flow_end_reason_name((enum flow_end_reason)42), "unknown");
}

static void test_config_defaults(void **state)
{
	(void)state;
	struct flow_config cfg;
	memset(&cfg, 0xab, sizeof(cfg));
	flow_config_defaults(&cfg);
	assert_int_equal(cfg.memcap, 32ull * 1024 * 1024);
	assert_int_equal(cfg.hash_size, 65536);
	assert_int_equal(cfg.prealloc, 10000);
	assert_int_equal(cfg.emergency_recovery, 30);
	assert_false(cfg.tcp_midstream);
	const struct flow_timeouts *t = &cfg.timeouts[FLOW_PROTO_TCP];
	assert_int_equal(t->new_s, 60);
	assert_int_equal(t->established_s, 600);
	assert_int_equal(t->closed_s, 60);
	assert_int_equal(t->emergency_new_s, 5);
	assert_int_equal(t->emergency_established_s, 100);
	assert_int_equal(t->emergency_closed_s, 10);
	t = &cfg.timeouts[FLOW_PROTO_DEFAULT];
	assert_int_equal(t->new_s, 30);
	assert_int_equal(t->established_s, 300);
	assert_int_equal(t->closed_s, 0);
	assert_int_equal(t->emergency_new_s, 10);
	assert_int_equal(t->emergency_established_s, 100);
	assert_int_equal(cfg.timeouts[FLOW_PROTO_UDP].new_s, 30);
	assert_int_equal(cfg.timeouts[FLOW_PROTO_UDP].established_s, 300);
	assert_int_equal(cfg.timeouts[FLOW_PROTO_ICMP].new_s, 30);
	assert_int_equal(cfg.timeouts[FLOW_PROTO_ICMP].established_s, 300);
}

static void test_hash_size_rounding(void **state)
{
	(void)state;
	struct flow_config cfg;
	struct rec r;
	cfg_small(&cfg);
	cfg.hash_size = 1000; /* not a power of two */
	struct flow_table *ft = mk_table(&cfg, &r);
	struct flow *a = udp(ft, CLI, 1, SRV, 2, T0);
	struct flow *b = udp(ft, CLI, 3, SRV, 4, T0);
	assert_ptr_equal(udp(ft, SRV, 2, CLI, 1, T0 + 1), a);
	assert_ptr_equal(udp(ft, SRV, 4, CLI, 3, T0 + 1), b);
	flow_table_destroy(ft);
	assert_int_equal(r.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_symmetric_v4),
		cmocka_unit_test(test_tcp_fast_open_and_split_handshake),
		cmocka_unit_test(test_hash_symmetric_v6),
		cmocka_unit_test(test_hash_shards_by_address_pair),
		cmocka_unit_test(test_hash_tunnel_by_outer_pair),
		cmocka_unit_test(test_tunnel_depth_separates_flows),
		cmocka_unit_test(test_vlan_separates_flows),
		cmocka_unit_test(test_icmp_type_insensitive),
		cmocka_unit_test(test_create_lookup_direction),
		cmocka_unit_test(test_counters_per_direction),
		cmocka_unit_test(test_ipv6_flow),
		cmocka_unit_test(test_no_flow_without_ip),
		cmocka_unit_test(test_single_bucket_chains),
		cmocka_unit_test(test_pool_reuse_memuse),
		cmocka_unit_test(test_time_backwards),
		cmocka_unit_test(test_tcp_handshake),
		cmocka_unit_test(test_tcp_flag_and_stream_counters),
		cmocka_unit_test(test_tcp_synack_wrong_ack),
		cmocka_unit_test(test_tcp_fin_client_first),
		cmocka_unit_test(test_tcp_fin_server_first),
		cmocka_unit_test(test_tcp_simultaneous_close),
		cmocka_unit_test(test_tcp_rst),
		cmocka_unit_test(test_tcp_midstream_on),
		cmocka_unit_test(test_tcp_midstream_off),
		cmocka_unit_test(test_tcp_synack_first_swaps),
		cmocka_unit_test(test_tcp_synack_first_midstream_off),
		cmocka_unit_test(test_tcp_port_reuse),
		cmocka_unit_test(test_tcp_reuse_after_rst),
		cmocka_unit_test(test_tcp_syn_after_stray_packet),
		cmocka_unit_test(test_expiry_never_early_at_most_1s_late),
		cmocka_unit_test(test_timeout_udp_new),
		cmocka_unit_test(test_timeout_udp_established),
		cmocka_unit_test(test_timeout_tcp_states),
		cmocka_unit_test(test_timeout_icmp_and_other),
		cmocka_unit_test(test_lazy_expiry_by_packet_time),
		cmocka_unit_test(test_expired_flow_replaced_by_own_packet),
		cmocka_unit_test(test_flush_shutdown),
		cmocka_unit_test(test_memcap_emergency_forced),
		cmocka_unit_test(test_memcap_refused),
		cmocka_unit_test(test_memcap_too_small_for_one),
		cmocka_unit_test(test_memcap_recovery),
		cmocka_unit_test(test_stats_per_proto),
		cmocka_unit_test(test_flow_id_unique),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_flow_reverse_midstream),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_hash_size_rounding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
