/*
 * test-decode-tunnel.c — unit tests for tunnels (GRE v0 with options, GRE v1/PPTP, GRE-bridged
 * Ethernet, ERSPAN, IPv4/IPv6 in IPv4/IPv6), the tunnel depth limit, what a tunnelled packet
 * records of its encapsulation (kind, carried length, root layer), and truncation of valid
 * packets at every byte offset (run under ASan, each cut is its own heap allocation).
 */
#include "test-decode-helpers.h"

static const uint8_t OUT_SRC4[4] = { 203, 0, 113, 1 };
static const uint8_t OUT_DST4[4] = { 203, 0, 113, 2 };

/* Outer IPv4 header with protocol `proto` and addresses OUT_SRC4/OUT_DST4. */
static uint32_t put_outer_ipv4(struct tpkt *k, uint8_t proto)
{
	uint32_t ip = t_ipv4(k, proto);
	memcpy(k->b + ip + 12, OUT_SRC4, 4);
	memcpy(k->b + ip + 16, OUT_DST4, 4);
	return ip;
}

/* Inner IPv4/TCP 1234 -> 80 with correct checksums. */
static void put_inner_ipv4_tcp(struct tpkt *k)
{
	uint32_t ip = t_ipv4(k, 6);
	uint32_t l4 = t_tcp(k, 1234, 80, TH_SYN, NULL, 0);
	t_fin_l4(k, ip, l4, 6);
	t_fin_ipv4(k, ip);
}

static void assert_inner_tcp(const struct packet *p, const struct tpkt *k, uint8_t outer_proto)
{
	assert_int_equal(p->ip_version, 4);
	assert_true(p->flags & PKT_F_TUNNELED);
	assert_int_equal(p->outer_ip_proto, outer_proto);
	assert_int_equal(p->outer_src.family, 4);
	assert_memory_equal(p->outer_src.b, OUT_SRC4, 4);
	assert_memory_equal(p->outer_dst.b, OUT_DST4, 4);
	assert_memory_equal(p->src.b, T_SRC4, 4);
	assert_memory_equal(p->dst.b, T_DST4, 4);
	assert_int_equal(p->ip_proto, 6);
	assert_int_equal(p->sp, 1234);
	assert_int_equal(p->dp, 80);
	assert_ptr_equal(p->l4_hdr, k->b + k->len - 20);
	assert_int_equal(p->event_count, 0);
}

static void test_gre_v0(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_eth(&k, 0x0800);
	uint32_t oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x00\x00\x08\x00", 4);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_inner_tcp(&p, &k, 47);
	assert_int_equal(p.tunnel_depth, 1);
	assert_ptr_equal(p.ip_hdr, k.b + 14 + 20 + 4);
	assert_int_equal(ctx.stats.gre, 1);
	assert_int_equal(ctx.stats.ipv4, 2);
	assert_int_equal(ctx.stats.tcp, 1);

	/* Checksum + key + sequence present: 16-byte GRE header. */
	k.len = 0;
	oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\xb0\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x2a\x00\x00\x00\x07", 16);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_inner_tcp(&p, &k, 47);
	assert_ptr_equal(p.ip_hdr, k.b + 20 + 16);
}

static void test_gre_errors(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	uint32_t oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x00\x00", 2);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_GRE_PKT_TOO_SMALL));
	assert_int_equal(p.ip_proto, 47);
	assert_false(p.flags & PKT_F_TUNNELED);

	const struct {
		const char *hdr;
		uint32_t len;
		enum decode_event ev;
	} cases[] = {
		{ "\x00\x03\x08\x00", 4, DECODE_EVENT_GRE_WRONG_VERSION },
		{ "\x01\x00\x08\x00", 4, DECODE_EVENT_GRE_VERSION0_RECUR },
		{ "\x00\x08\x08\x00", 4, DECODE_EVENT_GRE_VERSION0_FLAGS },
		{ "\xf0\x00\x08\x00\x00\x00", 6, DECODE_EVENT_GRE_VERSION0_HDR_TOO_BIG },
		/* routing present, an SRE claiming 200 bytes */
		{ "\x40\x00\x08\x00\x00\x00\x00\x00\x08\x00\x00\xc8", 12,
		  DECODE_EVENT_GRE_VERSION0_HDR_TOO_BIG },
		{ "\xa0\x01\x88\x0b\x00\x00\x00\x00", 8, DECODE_EVENT_GRE_VERSION1_CHKSUM },
		{ "\x60\x01\x88\x0b\x00\x00\x00\x00", 8, DECODE_EVENT_GRE_VERSION1_ROUTE },
		{ "\x28\x01\x88\x0b\x00\x00\x00\x00", 8, DECODE_EVENT_GRE_VERSION1_SSR },
		{ "\x21\x01\x88\x0b\x00\x00\x00\x00", 8, DECODE_EVENT_GRE_VERSION1_RECUR },
		{ "\x20\x09\x88\x0b\x00\x00\x00\x00", 8, DECODE_EVENT_GRE_VERSION1_FLAGS },
		{ "\x20\x01\x08\x00\x00\x00\x00\x00", 8, DECODE_EVENT_GRE_VERSION1_WRONG_PROTOCOL },
		{ "\x00\x01\x88\x0b\x00\x00\x00\x00", 8, DECODE_EVENT_GRE_VERSION1_NO_KEY },
		{ "\x30\x81\x88\x0b\x00\x00\x00\x00\x00\x00\x00\x01", 12,
		  DECODE_EVENT_GRE_VERSION1_HDR_TOO_BIG },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		k.len = 0;
		oip = put_outer_ipv4(&k, 47);
		t_put(&k, cases[i].hdr, cases[i].len);
		t_fin_ipv4(&k, oip);
		assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
		if (!t_has_event(&p, cases[i].ev))
			fail_msg("GRE case %zu: %s not raised", i, decode_event_name(cases[i].ev));
		assert_false(p.flags & PKT_F_TUNNELED);
	}
}

static void test_gre_v1_pptp(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	/* K + S + A, version 1, PPP; key = payload length + call id; then PPP ff 03 0021 */
	uint32_t oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x30\x81\x88\x0b\x00\x2c\x12\x34\x00\x00\x00\x05\x00\x00\x00\x04", 16);
	t_put(&k, "\xff\x03\x00\x21", 4);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_inner_tcp(&p, &k, 47);

	/* Compressed: no address/control, one-byte protocol 0x21. */
	k.len = 0;
	oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x20\x01\x88\x0b\x00\x2c\x12\x34", 8);
	t_put(&k, "\x21", 1);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_inner_tcp(&p, &k, 47);

	/* PPP LCP: GRE decoded, nothing inside. */
	k.len = 0;
	oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x20\x01\x88\x0b\x00\x2c\x12\x34\xff\x03\xc0\x21\x01\x01\x00\x04", 16);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_false(p.flags & PKT_F_TUNNELED);
	assert_int_equal(p.ip_proto, 47);
	assert_int_equal(p.event_count, 0);
}

static void test_gre_ethernet_and_erspan(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_eth(&k, 0x0800);
	uint32_t oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x00\x00\x65\x58", 4);
	uint32_t inner_eth = t_eth(&k, 0x8100);
	t_vlan(&k, 42, 0x0800);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_inner_tcp(&p, &k, 47);
	assert_ptr_equal(p.eth_dst, k.b); /* the outer frame's MACs */
	assert_true(inner_eth > 0);
	assert_int_equal(p.vlan_count, 1);
	assert_int_equal(p.vlan_id[0], 42);
	assert_int_equal(ctx.stats.ethernet, 2);

	/* ERSPAN type II: GRE with sequence number, 8-byte ERSPAN header, Ethernet. */
	k.len = 0;
	oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x10\x00\x88\xbe\x00\x00\x00\x01", 8);
	t_put(&k, "\x10\x64\x00\x01\x00\x00\x00\x00", 8);
	t_eth(&k, 0x0800);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_inner_tcp(&p, &k, 47);

	/* ERSPAN type III with the optional platform sub-header. */
	k.len = 0;
	oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x10\x00\x22\xeb\x00\x00\x00\x01", 8);
	t_put(&k, "\x20\x64\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01", 12);
	t_put(&k, NULL, 8);
	t_eth(&k, 0x0800);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_inner_tcp(&p, &k, 47);

	/* Wrong ERSPAN version. */
	k.b[20 + 8] = 0x30;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ERSPAN_UNSUPPORTED_VERSION));
	assert_false(p.flags & PKT_F_TUNNELED);
}

static void test_ip_in_ip(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	/* IPv4 in IPv4 */
	uint32_t oip = put_outer_ipv4(&k, 4);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_inner_tcp(&p, &k, 4);
	assert_int_equal(ctx.stats.ipv4_in_ipv4, 1);

	/* IPv6 in IPv4 (6in4, protocol 41) */
	k.len = 0;
	oip = put_outer_ipv4(&k, 41);
	uint32_t iip = t_ipv6(&k, 17);
	uint32_t l4 = t_udp(&k, 546, 547);
	t_fin_l4(&k, iip, l4, 17);
	t_fin_ipv6(&k, iip);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.ip_version, 6);
	assert_true(p.flags & PKT_F_TUNNELED);
	assert_int_equal(p.outer_ip_proto, 41);
	assert_memory_equal(p.outer_src.b, OUT_SRC4, 4);
	assert_int_equal(p.dp, 547);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(ctx.stats.ipv6_in_ipv4, 1);

	/* IPv4 in IPv6 */
	k.len = 0;
	oip = t_ipv6(&k, 4);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv6(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.ip_version, 4);
	assert_true(p.flags & PKT_F_TUNNELED);
	assert_int_equal(p.outer_src.family, 6);
	assert_memory_equal(p.outer_src.b, T_SRC6, 16);
	assert_int_equal(p.sp, 1234);
	assert_int_equal(ctx.stats.ipv4_in_ipv6, 1);

	/* IPv6 in IPv6 */
	k.len = 0;
	oip = t_ipv6(&k, 41);
	iip = t_ipv6(&k, 17);
	l4 = t_udp(&k, 1, 2);
	t_fin_l4(&k, iip, l4, 17);
	t_fin_ipv6(&k, iip);
	t_fin_ipv6(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.ip_version, 6);
	assert_ptr_equal(p.ip_hdr, k.b + 40);
	assert_int_equal(p.outer_ip_proto, 41);
	assert_int_equal(p.dp, 2);
	assert_int_equal(ctx.stats.ipv6_in_ipv6, 1);

	/* Events for a bad inner header in IPv6. */
	k.b[40] = 0x40;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_IPV6_IN_IPV6_WRONG_VERSION));
	assert_false(p.flags & PKT_F_TUNNELED);
	k.len = 0;
	oip = t_ipv6(&k, 41);
	t_put(&k, NULL, 30);
	t_fin_ipv6(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_IPV6_IN_IPV6_TOO_SMALL));
	k.len = 0;
	oip = t_ipv6(&k, 4);
	t_put(&k, NULL, 10);
	t_fin_ipv6(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_IPV4_IN_IPV6_TOO_SMALL));
	k.len = 0;
	oip = t_ipv6(&k, 4);
	t_put(&k, NULL, 20);
	t_fin_ipv6(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_IPV4_IN_IPV6_WRONG_VERSION));
}

static void test_too_many_layers(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };
	uint32_t ips[PKT_MAX_TUNNEL_DEPTH + 2];
	unsigned n = PKT_MAX_TUNNEL_DEPTH + 2;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	/* n nested IPv4 headers: n - 1 tunnel layers, one more than allowed. */
	for (unsigned i = 0; i < n; i++)
		ips[i] = put_outer_ipv4(&k, i + 1 < n ? 4 : 6);
	t_tcp(&k, 1, 2, TH_SYN, NULL, 0);
	t_fin_l4(&k, ips[n - 1], k.len - 20, 6);
	for (unsigned i = n; i-- > 0;)
		t_fin_ipv4(&k, ips[i]);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_TOO_MANY_LAYERS));
	assert_int_equal(p.tunnel_depth, PKT_MAX_TUNNEL_DEPTH);
	assert_ptr_equal(p.ip_hdr, k.b + 20 * PKT_MAX_TUNNEL_DEPTH);
	assert_int_equal(p.ip_proto, 4);
	assert_true(p.flags & PKT_F_TUNNELED);
	assert_int_equal(ctx.stats.events[DECODE_EVENT_TOO_MANY_LAYERS], 1);

	/* Exactly the maximum is fine. */
	k.len = 0;
	n = PKT_MAX_TUNNEL_DEPTH + 1;
	for (unsigned i = 0; i < n; i++)
		ips[i] = put_outer_ipv4(&k, i + 1 < n ? 4 : 6);
	t_tcp(&k, 1, 2, TH_SYN, NULL, 0);
	t_fin_l4(&k, ips[n - 1], k.len - 20, 6);
	for (unsigned i = n; i-- > 0;)
		t_fin_ipv4(&k, ips[i]);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.tunnel_depth, PKT_MAX_TUNNEL_DEPTH);
	assert_int_equal(p.dp, 2);
}

/* What a tunnelled packet records of its encapsulation: the innermost kind (its pkt_src), the
 * length of the packet carried (what its flow counts), and nothing of that for a plain one. */
static void test_tunnel_kind_and_len(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	/* IPv6 in IPv4: 40 + 8 bytes carried */
	uint32_t oip = put_outer_ipv4(&k, 41);
	uint32_t iip = t_ipv6(&k, 17);
	uint32_t l4 = t_udp(&k, 546, 547);
	t_fin_l4(&k, iip, l4, 17);
	t_fin_ipv6(&k, iip);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.tunnel_kind, PKT_TUNNEL_IPV4);
	assert_int_equal(p.tunnel_len, 48);
	assert_int_equal(p.tunnel_depth, 1);

	/* IPv6 in IPv6 */
	k.len = 0;
	oip = t_ipv6(&k, 41);
	iip = t_ipv6(&k, 17);
	l4 = t_udp(&k, 1, 2);
	t_put(&k, "abcd", 4);
	t_fin_l4(&k, iip, l4, 17);
	t_fin_ipv6(&k, iip);
	t_fin_ipv6(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.tunnel_kind, PKT_TUNNEL_IPV6);
	assert_int_equal(p.tunnel_len, 52);

	/* IPv4 -> GRE -> IPv4 -> IPv6: the innermost encapsulation (IPv6 in IPv4) names it, the
	 * outermost layer stays the GRE carrier's */
	k.len = 0;
	oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x00\x00\x08\x00", 4);
	uint32_t mip = t_ipv4(&k, 41);
	iip = t_ipv6(&k, 17);
	l4 = t_udp(&k, 7, 9);
	t_fin_l4(&k, iip, l4, 17);
	t_fin_ipv6(&k, iip);
	t_fin_ipv4(&k, mip);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.ip_version, 6);
	assert_int_equal(p.tunnel_depth, 2);
	assert_int_equal(p.tunnel_kind, PKT_TUNNEL_IPV4);
	assert_int_equal(p.tunnel_len, 48);
	assert_int_equal(p.outer_ip_proto, 47);
	assert_memory_equal(p.outer_src.b, OUT_SRC4, 4);

	/* GRE alone: the GRE payload is the packet carried */
	k.len = 0;
	oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x00\x00\x08\x00", 4);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.tunnel_kind, PKT_TUNNEL_GRE);
	assert_int_equal(p.tunnel_len, 40);

	/* no tunnel: nothing recorded (t_decode fills the struct with garbage first) */
	k.len = 0;
	put_inner_ipv4_tcp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_false(p.flags & PKT_F_TUNNELED);
	assert_int_equal(p.tunnel_kind, PKT_TUNNEL_NONE);
	assert_int_equal(p.tunnel_len, 0);
}

/* The root of a tunnel as a packet of its own: flow-tracked for IP-in-IP, not for GRE. */
static void test_tunnel_root(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p, root;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_eth(&k, 0x8100);
	t_vlan(&k, 42, 0x86dd);
	uint32_t oip = t_ipv6(&k, 41);
	uint32_t iip = t_ipv6(&k, 17);
	uint32_t l4 = t_udp(&k, 1, 2);
	t_fin_l4(&k, iip, l4, 17);
	t_fin_ipv6(&k, iip);
	t_fin_ipv6(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	p.pcap_cnt = 77;
	memset(&root, 0x5a, sizeof(root));
	assert_true(decode_tunnel_root(&p, &root));
	assert_int_equal(root.ip_version, 6);
	assert_int_equal(root.ip_proto, 41);
	assert_memory_equal(root.src.b, T_SRC6, 16);
	assert_memory_equal(root.dst.b, T_DST6, 16);
	assert_int_equal(root.sp, 0);
	assert_int_equal(root.dp, 0);
	assert_null(root.l4_hdr);
	assert_null(root.payload);
	assert_false(root.flags & PKT_F_TUNNELED);
	assert_int_equal(root.tunnel_depth, 0);
	assert_int_equal(root.pcap_cnt, 77);
	assert_ptr_equal(root.data, k.b);
	assert_int_equal(root.caplen, k.len);
	assert_int_equal(root.vlan_count, 1);
	assert_int_equal(root.vlan_id[0], 42);
	assert_true(root.flags & PKT_F_HAS_ETH);
	assert_null(root.flow);

	/* IPv4 in IPv4 (protocol 4) is flow-tracked too */
	k.len = 0;
	oip = put_outer_ipv4(&k, 4);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(decode_tunnel_root(&p, &root));
	assert_int_equal(root.ip_version, 4);
	assert_int_equal(root.ip_proto, 4);
	assert_memory_equal(root.src.b, OUT_SRC4, 4);
	assert_memory_equal(root.dst.b, OUT_DST4, 4);
	assert_int_equal(root.vlan_count, 0);

	/* GRE: the root is described but has no flow */
	k.len = 0;
	oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x00\x00\x08\x00", 4);
	put_inner_ipv4_tcp(&k);
	t_fin_ipv4(&k, oip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_false(decode_tunnel_root(&p, &root));
	assert_int_equal(root.ip_proto, 47);
	assert_memory_equal(root.src.b, OUT_SRC4, 4);

	/* no tunnel: no root */
	k.len = 0;
	put_inner_ipv4_tcp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_false(decode_tunnel_root(&p, &root));
}

/* Decode every prefix of k in its own exact-size heap buffer; check that nothing the decoder
 * points at lies outside the prefix, and that the full packet decodes without events. */
static void truncate_everywhere(const struct tpkt *k, int linktype, uint32_t min_ip_prefix)
{
	struct decode_ctx ctx;
	struct packet p;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	for (uint32_t n = 0; n <= k->len; n++) {
		uint8_t *buf = malloc(n ? n : 1);
		assert_non_null(buf);
		memcpy(buf, k->b, n);
		memset(&p, 0, sizeof(p));
		p.data = buf;
		p.caplen = n;
		p.linktype = linktype;
		int rc = decode_packet(&ctx, &p);
		const uint8_t *end = buf + n;

		/* A prefix shorter than the IP total length is invalid (trunc_pkt), as Suricata
		 * has it; it may still have decoded outer layers before the cut. */
		(void)min_ip_prefix;
		if (rc == 0) {
			assert_true(p.ip_hdr >= buf && p.ip_hdr + p.ip_hlen <= end);
			assert_true(p.ip_len <= n);
		} else {
			assert_int_equal(p.ip_version, 0);
		}
		if (p.l4_hdr)
			assert_true(p.l4_hdr >= buf && p.l4_hdr + p.l4_hlen <= end);
		if (p.payload)
			assert_true(p.payload >= buf && p.payload + p.payload_len <= end);
		if (n < k->len && rc == 0)
			assert_true(p.flags & PKT_F_TRUNCATED);
		if (n == k->len) {
			assert_int_equal(rc, 0);
			assert_int_equal(p.event_count, 0);
			assert_false(p.flags & (PKT_F_TRUNCATED | PKT_F_INVALID));
		}
		free(buf);
	}
	assert_int_equal(ctx.stats.pkts, k->len + 1);
}

static void test_truncate_ipv6_tcp(void **state)
{
	(void)state;
	struct tpkt k = { .len = 0 };
	const uint8_t opts[20] = { 2, 4, 5, 0xb4, 1, 3, 3, 7, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 4, 2 };

	t_eth(&k, 0x8100);
	t_vlan(&k, 7, 0x86dd);
	uint32_t ip = t_ipv6(&k, 0);
	t_put(&k, (const uint8_t[8]){ 6, 0, 0x05, 2, 0, 0, 0, 0 }, 8);
	uint32_t l4 = t_tcp(&k, 443, 51000, TH_ACK | TH_PUSH, opts, sizeof(opts));
	t_put(&k, "payload bytes", 13);
	t_fin_l4(&k, ip, l4, 6);
	t_fin_ipv6(&k, ip);
	truncate_everywhere(&k, LINKTYPE_ETHERNET, 18 + 40);
}

static void test_truncate_gre_tunnel(void **state)
{
	(void)state;
	struct tpkt k = { .len = 0 };

	t_eth(&k, 0x0800);
	uint32_t oip = put_outer_ipv4(&k, 47);
	t_put(&k, "\x30\x00\x65\x58\x00\x00\x00\x01\x00\x00\x00\x02", 12);
	t_eth(&k, 0x0800);
	uint32_t ip = t_ipv4(&k, 17);
	uint32_t l4 = t_udp(&k, 53, 53);
	t_put(&k, "dnsdnsdns", 9);
	t_fin_l4(&k, ip, l4, 17);
	t_fin_ipv4(&k, ip);
	t_fin_ipv4(&k, oip);
	truncate_everywhere(&k, LINKTYPE_ETHERNET, 14 + 20);
}

int test_decode_run_tunnel(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gre_v0),
		cmocka_unit_test(test_gre_errors),
		cmocka_unit_test(test_gre_v1_pptp),
		cmocka_unit_test(test_gre_ethernet_and_erspan),
		cmocka_unit_test(test_ip_in_ip),
		cmocka_unit_test(test_too_many_layers),
		cmocka_unit_test(test_tunnel_kind_and_len),
		cmocka_unit_test(test_tunnel_root),
		cmocka_unit_test(test_truncate_ipv6_tcp),
		cmocka_unit_test(test_truncate_gre_tunnel),
	};
	return cmocka_run_group_tests_name("decode-tunnel", tests, NULL, NULL);
}
