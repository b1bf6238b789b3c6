/*
 * test-decode.c — unit tests for the decode stage: the event table, link types (Ethernet, VLAN,
 * QinQ, SLL, SLL2, raw, NULL/LOOP), counters and per-packet reset. main() runs every group of
 * the decode tests (IP, L4, tunnels and real pcaps live in test-decode-*.c).
 */
#include "test-decode-helpers.h"

static void test_event_names(void **state)
{
	(void)state;
	for (int ev = 1; ev < DECODE_EVENT_MAX; ev++) {
		const char *name = decode_event_name((enum decode_event)ev);
		assert_non_null(name);
		assert_int_equal(decode_event_lookup(name), ev);
	}
	assert_string_equal(decode_event_name(DECODE_EVENT_IPV4_TRUNC_PKT), "ipv4.trunc_pkt");
	assert_int_equal(decode_event_lookup("ipv6.rh_type_0"), DECODE_EVENT_IPV6_RH_TYPE_0);
	assert_int_equal(decode_event_lookup("no.such_event"), DECODE_EVENT_NONE);
	assert_int_equal(decode_event_lookup(NULL), DECODE_EVENT_NONE);
	assert_null(decode_event_name(DECODE_EVENT_NONE));
	assert_null(decode_event_name(DECODE_EVENT_MAX));
}

static void test_linktypes(void **state)
{
	(void)state;
	const int ok[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 };
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_true(decode_linktype_supported(ok[i]));
		assert_non_null(decode_linktype_name(ok[i]));
	}
	assert_false(decode_linktype_supported(105)); /* 802.11 */
	assert_null(decode_linktype_name(-1));
	assert_string_equal(decode_linktype_name(LINKTYPE_LINUX_SLL2), "LINUX_SLL2");
}

static void test_eth_ipv4_tcp(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_build_eth_ipv4_tcp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.flags, PKT_F_HAS_ETH);
	assert_ptr_equal(p.eth_dst, k.b);
	assert_ptr_equal(p.eth_src, k.b + 6);
	assert_int_equal(p.ip_version, 4);
	assert_ptr_equal(p.ip_hdr, k.b + 14);
	assert_int_equal(p.ip_hlen, 20);
	assert_int_equal(p.ip_len, 44);
	assert_int_equal(p.ip_proto, 6);
	assert_int_equal(p.ip_ttl, 64);
	assert_int_equal(p.ip_id, 0x1234);
	assert_int_equal(p.ip_frag_flags, IP_FRAG_DF);
	assert_memory_equal(p.src.b, T_SRC4, 4);
	assert_memory_equal(p.dst.b, T_DST4, 4);
	assert_int_equal(p.src.family, 4);
	assert_int_equal(p.sp, 1234);
	assert_int_equal(p.dp, 80);
	assert_int_equal(p.tcp_seq, 1000);
	assert_int_equal(p.tcp_ack, 2000);
	assert_int_equal(p.tcp_flags, TH_PUSH | TH_ACK);
	assert_int_equal(p.tcp_win, 65535);
	assert_int_equal(p.l4_hlen, 20);
	assert_int_equal(p.payload_len, 4);
	assert_memory_equal(p.payload, "GET ", 4);
	assert_int_equal(p.vlan_count, 0);
	assert_int_equal(p.tunnel_depth, 0);
	assert_null(p.flow);
	assert_int_equal(ctx.stats.pkts, 1);
	assert_int_equal(ctx.stats.bytes, k.len);
	assert_int_equal(ctx.stats.ethernet, 1);
	assert_int_equal(ctx.stats.ipv4, 1);
	assert_int_equal(ctx.stats.tcp, 1);
	assert_int_equal(ctx.stats.invalid, 0);
	assert_int_equal(ctx.stats.max_pkt_size, k.len);
}

static void test_eth_non_ip_and_reset(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_build_eth_ipv4_tcp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);

	/* Reuse the same struct for an ARP frame: nothing from the TCP packet may survive. */
	struct tpkt arp = { .len = 0 };
	t_eth(&arp, 0x0806);
	t_put(&arp, NULL, 28);
	p.data = arp.b;
	p.caplen = arp.len;
	assert_int_equal(decode_packet(&ctx, &p), -1);
	assert_int_equal(p.ip_version, 0);
	assert_null(p.l4_hdr);
	assert_null(p.payload);
	assert_int_equal(p.sp, 0);
	assert_int_equal(p.tcp_flags, 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.flags, PKT_F_HAS_ETH);
	assert_int_equal(ctx.stats.invalid, 0);
	assert_int_equal(ctx.stats.pkts, 2);
	assert_int_equal(ctx.stats.ethernet, 2);
	assert_int_equal(ctx.stats.max_pkt_size, k.len);
}

static void test_eth_errors(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_put(&k, NULL, 13);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_ETHERNET_PKT_TOO_SMALL));
	assert_true(p.flags & PKT_F_INVALID);
	assert_int_equal(ctx.stats.invalid, 1);

	k.len = 0;
	t_eth(&k, 0x1234);
	t_put(&k, NULL, 30);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_ETHERNET_UNKNOWN_ETHERTYPE));
	assert_false(p.flags & PKT_F_INVALID);
	assert_int_equal(ctx.stats.events[DECODE_EVENT_ETHERNET_UNKNOWN_ETHERTYPE], 1);

	/* An 802.3 length field is not an unknown EtherType. */
	k.len = 0;
	t_eth(&k, 46);
	t_put(&k, NULL, 46);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_int_equal(p.event_count, 0);
}

static void build_vlan_stack(struct tpkt *k, const uint16_t *tpids, unsigned n)
{
	k->len = 0;
	t_eth(k, tpids[0]);
	for (unsigned i = 0; i < n; i++)
		t_vlan(k, (uint16_t)(100 + i), i + 1 < n ? tpids[i + 1] : 0x0800);
	uint32_t ip = t_ipv4(k, 17);
	uint32_t l4 = t_udp(k, 53, 53);
	t_fin_l4(k, ip, l4, 17);
	t_fin_ipv4(k, ip);
}

static void test_vlan(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;
	const uint16_t one[] = { 0x8100 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_vlan_stack(&k, one, 1);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_int_equal(p.vlan_count, 1);
	assert_int_equal(p.vlan_id[0], 100);
	assert_int_equal(p.ip_proto, 17);
	assert_int_equal(p.dp, 53);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(ctx.stats.vlan, 1);
	assert_int_equal(ctx.stats.vlan_qinq, 0);
	assert_int_equal(ctx.stats.udp, 1);
}

static void test_qinq(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;
	const uint16_t ad[] = { 0x88a8, 0x8100 };
	const uint16_t old[] = { 0x9100, 0x9100, 0x8100 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_vlan_stack(&k, ad, 2);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_int_equal(p.vlan_count, 2);
	assert_int_equal(p.vlan_id[0], 100);
	assert_int_equal(p.vlan_id[1], 101);
	assert_int_equal(ctx.stats.vlan_qinq, 1);

	build_vlan_stack(&k, old, 3);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_int_equal(p.vlan_count, 3);
	assert_int_equal(p.vlan_id[2], 102);
	assert_int_equal(p.sp, 53);
	assert_int_equal(ctx.stats.vlan, 2);
}

static void test_vlan_errors(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;
	const uint16_t four[] = { 0x8100, 0x8100, 0x8100, 0x8100 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_vlan_stack(&k, four, PKT_MAX_VLAN + 1);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_VLAN_TOO_MANY_LAYERS));
	assert_int_equal(p.vlan_count, PKT_MAX_VLAN);
	assert_true(p.flags & PKT_F_INVALID);

	k.len = 0;
	t_eth(&k, 0x8100);
	t_put(&k, "\x00\x01\x08", 3);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_VLAN_HEADER_TOO_SMALL));

	k.len = 0;
	t_eth(&k, 0x8100);
	t_vlan(&k, 5, 0x4242);
	t_put(&k, NULL, 20);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_VLAN_UNKNOWN_TYPE));
	assert_int_equal(p.vlan_id[0], 5);
}

/* Append an IPv4/UDP datagram to k (after whatever link header is already there). */
static void put_ipv4_udp(struct tpkt *k)
{
	uint32_t ip = t_ipv4(k, 17);
	uint32_t l4 = t_udp(k, 1000, 2000);
	t_put(k, "abc", 3);
	t_fin_l4(k, ip, l4, 17);
	t_fin_ipv4(k, ip);
}

static void put_ipv6_udp(struct tpkt *k)
{
	uint32_t ip = t_ipv6(k, 17);
	uint32_t l4 = t_udp(k, 1000, 2000);
	t_put(k, "abc", 3);
	t_fin_l4(k, ip, l4, 17);
	t_fin_ipv6(k, ip);
}

static void test_sll(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };
	uint8_t h[16] = { 0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_put(&k, h, 16);
	put_ipv4_udp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_LINUX_SLL), 0);
	assert_int_equal(p.ip_version, 4);
	assert_ptr_equal(p.ip_hdr, k.b + 16);
	assert_int_equal(p.dp, 2000);
	assert_false(p.flags & PKT_F_HAS_ETH);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(ctx.stats.sll, 1);

	k.len = 10;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_LINUX_SLL), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_SLL_PKT_TOO_SMALL));
	assert_int_equal(ctx.stats.invalid, 1);
}

static void test_sll2(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };
	uint8_t h[20] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_put(&k, h, 20);
	put_ipv6_udp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_LINUX_SLL2), 0);
	assert_int_equal(p.ip_version, 6);
	assert_ptr_equal(p.ip_hdr, k.b + 20);
	assert_int_equal(p.sp, 1000);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(ctx.stats.sll, 1);

	k.len = 19;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_LINUX_SLL2), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_SLL_PKT_TOO_SMALL));
}

static void test_raw(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k4 = { .len = 0 }, k6 = { .len = 0 };
	const int raw_types[] = { LINKTYPE_RAW, LINKTYPE_RAW_ALT, LINKTYPE_RAW_ALT2 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	put_ipv4_udp(&k4);
	put_ipv6_udp(&k6);
	for (size_t i = 0; i < ARRAY_SIZE(raw_types); i++) {
		assert_int_equal(t_decode(&ctx, &p, &k4, raw_types[i]), 0);
		assert_int_equal(p.ip_version, 4);
		assert_int_equal(t_decode(&ctx, &p, &k6, raw_types[i]), 0);
		assert_int_equal(p.ip_version, 6);
		assert_int_equal(p.payload_len, 3);
	}
	assert_int_equal(t_decode(&ctx, &p, &k4, LINKTYPE_IPV4), 0);
	assert_int_equal(p.ip_version, 4);
	assert_int_equal(t_decode(&ctx, &p, &k6, LINKTYPE_IPV6), 0);
	assert_int_equal(p.ip_version, 6);
	assert_int_equal(ctx.stats.raw, 8);
	/* LINKTYPE_IPV4 does not guess: an IPv6 packet there is a wrong version. */
	assert_int_equal(t_decode(&ctx, &p, &k6, LINKTYPE_IPV4), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_WRONG_IP_VERSION));

	k4.b[0] = 0x55;
	assert_int_equal(t_decode(&ctx, &p, &k4, LINKTYPE_RAW), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPRAW_INVALID_IP_VERSION));
	assert_true(p.flags & PKT_F_INVALID);
}

static void test_null_loop(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;
	/* AF_INET little-endian (NULL on x86), big-endian (LOOP, or NULL from a BE host) */
	const uint8_t fam4_le[4] = { 2, 0, 0, 0 }, fam4_be[4] = { 0, 0, 0, 2 };
	const uint32_t fam6[] = { 10, 24, 28, 30 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	k.len = 0;
	t_put(&k, fam4_le, 4);
	put_ipv4_udp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_NULL), 0);
	assert_int_equal(p.ip_version, 4);
	k.len = 0;
	t_put(&k, fam4_be, 4);
	put_ipv4_udp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_LOOP), 0);
	assert_int_equal(p.ip_version, 4);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_NULL), 0);

	for (size_t i = 0; i < ARRAY_SIZE(fam6); i++) {
		uint8_t le[4] = { (uint8_t)fam6[i], 0, 0, 0 };
		k.len = 0;
		t_put(&k, le, 4);
		put_ipv6_udp(&k);
		assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_NULL), 0);
		assert_int_equal(p.ip_version, 6);
	}
	assert_int_equal(ctx.stats.null, 7);

	k.b[0] = 7; /* AF_??? */
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_NULL), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_LTNULL_UNSUPPORTED_TYPE));
	k.len = 3;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_NULL), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_LTNULL_PKT_TOO_SMALL));
}

static void test_event_cap(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;

	decode_ctx_init(&ctx, CHECKSUM_NONE);
	memset(&p, 0, sizeof(p));
	for (int i = 0; i < PKT_MAX_EVENTS + 3; i++)
		decode_packet_set_event(&ctx, &p, DECODE_EVENT_TCP_OPT_DUPLICATE);
	decode_packet_set_event(&ctx, &p, DECODE_EVENT_NONE);
	decode_packet_set_event(&ctx, &p, DECODE_EVENT_MAX);
	assert_int_equal(p.event_count, PKT_MAX_EVENTS);
	assert_int_equal(ctx.stats.events[DECODE_EVENT_TCP_OPT_DUPLICATE], PKT_MAX_EVENTS + 3);
	assert_int_equal(ctx.stats.events[DECODE_EVENT_NONE], 0);
}

static void test_unsupported_linktype(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_build_eth_ipv4_tcp(&k);
	assert_int_equal(t_decode(&ctx, &p, &k, 105), -1);
	assert_true(p.flags & PKT_F_INVALID);
	assert_int_equal(ctx.stats.invalid, 1);
	/* A NULL data pointer is treated as an empty capture. */
	p.data = NULL;
	p.caplen = 100;
	p.linktype = LINKTYPE_ETHERNET;
	assert_int_equal(decode_packet(&ctx, &p), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_ETHERNET_PKT_TOO_SMALL));
}

int test_decode_run_link(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_names),
		cmocka_unit_test(test_linktypes),
		cmocka_unit_test(test_eth_ipv4_tcp),
		cmocka_unit_test(test_eth_non_ip_and_reset),
		cmocka_unit_test(test_eth_errors),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_qinq),
		cmocka_unit_test(test_vlan_errors),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_sll2),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_null_loop),
		cmocka_unit_test(test_event_cap),
		cmocka_unit_test(test_unsupported_linktype),
	};
	return cmocka_run_group_tests_name("decode-link", tests, NULL, NULL);
}

int main(void)
{
	int failed = 0;

	failed += test_decode_run_link();
	failed += test_decode_run_ip();
	failed += test_decode_run_l4();
	failed += test_decode_run_tunnel();
	failed += test_decode_run_pcap();
	return failed == 0 ? 0 : 1;
}
