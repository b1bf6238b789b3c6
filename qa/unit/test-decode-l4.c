/*
 * test-decode-l4.c — unit tests for TCP (header checks, options), UDP (length checks), ICMPv4
 * and ICMPv6 (types, codes, id/seq, quoted headers of error messages), SCTP ports, and the L4
 * checksums in each checksum mode.
 */
#include "test-decode-helpers.h"

/* Raw IPv4 (or IPv6) + TCP with options + payload, correct checksums. */
static void build_tcp(struct tpkt *k, bool v6, const uint8_t *opts, uint32_t optlen)
{
	k->len = 0;
	uint32_t ip = v6 ? t_ipv6(k, 6) : t_ipv4(k, 6);
	uint32_t l4 = t_tcp(k, 33000, 22, TH_SYN, opts, optlen);
	t_put(k, "xyz", 3);
	t_fin_l4(k, ip, l4, 6);
	if (v6)
		t_fin_ipv6(k, ip);
	else
		t_fin_ipv4(k, ip);
}

static void test_tcp_options(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	/* MSS 1460, SACK-permitted, TS 1/2, NOP, WS 7, TFO cookie request, NOP NOP,
	 * SACK with one block, EOL + padding */
	const uint8_t o3[36] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3,
				 3, 7, 34, 2, 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 };
	build_tcp(&k, false, o3, 36);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.l4_hlen, 56);
	assert_int_equal(p.payload_len, 3);
	assert_true(p.tcp_opts.has_mss);
	assert_int_equal(p.tcp_opts.mss, 1460);
	assert_true(p.tcp_opts.has_sack_permitted);
	assert_true(p.tcp_opts.has_ts);
	assert_int_equal(p.tcp_opts.ts_val, 1);
	assert_int_equal(p.tcp_opts.ts_ecr, 2);
	assert_true(p.tcp_opts.has_wscale);
	assert_int_equal(p.tcp_opts.wscale, 7);
	assert_true(p.tcp_opts.has_tfo);
	assert_true(p.tcp_opts.has_sack);
	assert_int_equal(p.tcp_opts.sack_count, 1);

	/* Experimental-kind TFO with an 8-byte cookie, on IPv6. */
	const uint8_t tfo_exp[12] = { 254, 12, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8 };
	build_tcp(&k, true, tfo_exp, 12);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_true(p.tcp_opts.has_tfo);
	assert_false(p.tcp_opts.has_mss);
}

static void check_tcp_opt_event(const uint8_t *opts, uint32_t optlen, enum decode_event ev)
{
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_tcp(&k, false, opts, optlen);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, ev));
	assert_false(p.flags & PKT_F_INVALID);
	assert_int_equal(p.dp, 22);
}

static void test_tcp_option_events(void **state)
{
	(void)state;
	const uint8_t dup_mss[8] = { 2, 4, 1, 0, 2, 4, 2, 0 };
	const uint8_t bad_mss[8] = { 2, 5, 1, 0, 0, 1, 1, 1 };
	const uint8_t bad_ws[4] = { 3, 4, 7, 0 };
	const uint8_t bad_ts[12] = { 8, 8, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 };
	const uint8_t bad_sack[8] = { 5, 6, 0, 0, 0, 0, 1, 1 };
	const uint8_t past_end[4] = { 1, 1, 30, 9 };
	const uint8_t zero_len[4] = { 30, 0, 0, 0 };
	const uint8_t lone_kind[4] = { 1, 1, 1, 2 };
	const uint8_t bad_tfo[4] = { 34, 3, 0, 0 };

	check_tcp_opt_event(dup_mss, 8, DECODE_EVENT_TCP_OPT_DUPLICATE);
	check_tcp_opt_event(bad_mss, 8, DECODE_EVENT_TCP_OPT_INVALID_LEN);
	check_tcp_opt_event(bad_ws, 4, DECODE_EVENT_TCP_OPT_INVALID_LEN);
	check_tcp_opt_event(bad_ts, 12, DECODE_EVENT_TCP_OPT_INVALID_LEN);
	check_tcp_opt_event(bad_sack, 8, DECODE_EVENT_TCP_OPT_INVALID_LEN);
	check_tcp_opt_event(past_end, 4, DECODE_EVENT_TCP_OPT_INVALID_LEN);
	check_tcp_opt_event(zero_len, 4, DECODE_EVENT_TCP_OPT_INVALID_LEN);
	check_tcp_opt_event(lone_kind, 4, DECODE_EVENT_TCP_OPT_INVALID_LEN);
	check_tcp_opt_event(bad_tfo, 4, DECODE_EVENT_TCP_OPT_INVALID_LEN);
}

static void test_tcp_header_errors(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_tcp(&k, false, NULL, 0);
	k.len = 20 + 19;
	t_fin_ipv4(&k, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_TCP_PKT_TOO_SMALL));
	assert_true(p.flags & PKT_F_INVALID);
	assert_null(p.l4_hdr);
	assert_int_equal(p.ip_version, 4); /* L3 stays usable */

	build_tcp(&k, false, NULL, 0);
	k.b[20 + 12] = 0x40; /* data offset 16 bytes */
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_TCP_HLEN_TOO_SMALL));

	build_tcp(&k, false, NULL, 0);
	k.b[20 + 12] = 0xf0; /* 60 bytes of header in a 23-byte segment */
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_TCP_INVALID_OPTLEN));
	assert_int_equal(ctx.stats.invalid, 3);
	assert_int_equal(ctx.stats.tcp, 0);
}

static void test_l4_checksums(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;
	const enum checksum_mode checking[] = { CHECKSUM_ALL, CHECKSUM_AUTO };

	for (size_t m = 0; m < ARRAY_SIZE(checking); m++) {
		decode_ctx_init(&ctx, checking[m]);
		for (int v6 = 0; v6 <= 1; v6++) {
			build_tcp(&k, v6, NULL, 0);
			assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
			assert_true(decode_packet_validate_checksums(&ctx, &p));
			assert_false(p.flags & PKT_F_L4_CSUM_BAD);
			k.b[k.len - 1] ^= 0x40;
			assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
			if (checking[m] == CHECKSUM_AUTO) /* AUTO: only on demand */
				assert_false(p.flags & PKT_F_L4_CSUM_BAD);
			assert_false(decode_packet_validate_checksums(&ctx, &p));
			assert_true(p.flags & PKT_F_L4_CSUM_BAD);
			assert_true(t_has_event(&p, DECODE_EVENT_TCP_CHECKSUM_INVALID));
			assert_int_equal(p.sp, 33000);
		}
		assert_int_equal(ctx.stats.l4_csum_bad, 2);
	}
	decode_ctx_init(&ctx, CHECKSUM_NONE);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_false(p.flags & PKT_F_L4_CSUM_BAD);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(ctx.stats.l4_csum_bad, 0);
}

static void build_udp(struct tpkt *k, bool v6, uint32_t payload)
{
	k->len = 0;
	uint32_t ip = v6 ? t_ipv6(k, 17) : t_ipv4(k, 17);
	uint32_t l4 = t_udp(k, 5353, 5353);
	for (uint32_t i = 0; i < payload; i++)
		t_put(k, "q", 1);
	t_fin_l4(k, ip, l4, 17);
	if (v6)
		t_fin_ipv6(k, ip);
	else
		t_fin_ipv4(k, ip);
}

static void test_udp(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_udp(&k, false, 11);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.payload_len, 11);
	assert_int_equal(p.l4_hlen, 8);

	/* Bad checksum caught; a zero checksum over IPv4 means "none". */
	k.b[30] ^= 1;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_UDP_CHECKSUM_INVALID));
	assert_true(p.flags & PKT_F_L4_CSUM_BAD);
	t_w16(k.b + 26, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_false(p.flags & PKT_F_L4_CSUM_BAD);

	/* Over IPv6 a zero checksum is invalid (RFC 8200 8.1). */
	build_udp(&k, true, 11);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_false(p.flags & PKT_F_L4_CSUM_BAD);
	t_w16(k.b + 46, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(p.flags & PKT_F_L4_CSUM_BAD);

	/* UDP length beyond the (complete) IP payload. */
	build_udp(&k, false, 11);
	t_w16(k.b + 24, 40);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_UDP_PKT_TOO_SMALL));
	assert_true(p.flags & PKT_F_INVALID);
	/* UDP length below its own header. */
	t_w16(k.b + 24, 7);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_UDP_LEN_INVALID));
	assert_true(p.flags & PKT_F_INVALID);
	/* UDP shorter than the IP payload: decoded with its own length, but flagged. */
	t_w16(k.b + 24, 12);
	t_w16(k.b + 26, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_UDP_LEN_INVALID));
	assert_false(p.flags & PKT_F_INVALID);
	assert_int_equal(p.payload_len, 4);
	/* Fewer than 8 bytes. */
	build_udp(&k, false, 0);
	k.len = 27;
	t_fin_ipv4(&k, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_UDP_HLEN_TOO_SMALL));
	assert_int_equal(ctx.stats.udp, 6);
}

/* IPv4 + ICMP type/code with `body` after the 8-byte ICMP header. */
static void build_icmp4(struct tpkt *k, uint8_t type, uint8_t code, const uint8_t *body,
			uint32_t blen)
{
	k->len = 0;
	uint32_t ip = t_ipv4(k, 1);
	uint32_t l4 = t_icmp(k, type, code, 0x1111, 0x2222);
	if (blen)
		t_put(k, body, blen);
	t_fin_l4(k, ip, l4, 1);
	t_fin_ipv4(k, ip);
}

static void test_icmpv4(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k, inner = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_icmp4(&k, 8, 0, (const uint8_t *)"ping", 4);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.sp, 8);
	assert_int_equal(p.dp, 0);
	assert_true(p.icmp_has_id);
	assert_int_equal(p.icmp_id, 0x1111);
	assert_int_equal(p.icmp_seq, 0x2222);
	assert_int_equal(p.payload_len, 4);
	assert_int_equal(ctx.stats.icmpv4, 1);

	k.b[k.len - 1] ^= 0xff;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV4_CHECKSUM_INVALID));

	build_icmp4(&k, 77, 0, NULL, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV4_UNKNOWN_TYPE));
	assert_false(p.icmp_has_id);
	build_icmp4(&k, 11, 5, NULL, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV4_UNKNOWN_CODE));

	/* Port unreachable quoting an IPv4/UDP header: no event, outer L3 kept. */
	uint32_t iip = t_ipv4(&inner, 17);
	memcpy(inner.b + iip + 12, T_DST4, 4);
	memcpy(inner.b + iip + 16, "\x08\x08\x08\x08", 4);
	t_udp(&inner, 5000, 53);
	t_fin_ipv4(&inner, iip);
	build_icmp4(&k, 3, 3, inner.b, inner.len);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_memory_equal(p.src.b, T_SRC4, 4);
	assert_ptr_equal(p.ip_hdr, k.b);
	assert_int_equal(p.sp, 3);
	assert_int_equal(p.dp, 3);
	assert_int_equal(p.payload_len, 28);
	assert_int_equal(ctx.stats.ipv4, 5);

	build_icmp4(&k, 3, 1, inner.b, 12);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV4_IPV4_TRUNC_PKT));
	inner.b[0] = 0x65;
	build_icmp4(&k, 11, 0, inner.b, inner.len);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV4_IPV4_UNKNOWN_VER));

	build_icmp4(&k, 0, 0, NULL, 0);
	k.len = 27;
	t_fin_ipv4(&k, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV4_PKT_TOO_SMALL));
	assert_true(p.flags & PKT_F_INVALID);
}

static void build_icmp6(struct tpkt *k, uint8_t type, uint8_t code, uint8_t hlim,
			const uint8_t *body, uint32_t blen)
{
	k->len = 0;
	uint32_t ip = t_ipv6(k, 58);
	k->b[ip + 7] = hlim;
	uint32_t l4 = t_icmp(k, type, code, 7, 9);
	if (blen)
		t_put(k, body, blen);
	t_fin_l4(k, ip, l4, 58);
	t_fin_ipv6(k, ip);
}

static void test_icmpv6(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k, inner = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_icmp6(&k, 128, 0, 64, (const uint8_t *)"ping", 4);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.sp, 128);
	assert_true(p.icmp_has_id);
	assert_int_equal(p.icmp_id, 7);
	assert_int_equal(p.icmp_seq, 9);
	assert_int_equal(ctx.stats.icmpv6, 1);

	k.b[k.len - 1] ^= 1;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_CHECKSUM_INVALID));
	assert_true(p.flags & PKT_F_L4_CSUM_BAD);

	build_icmp6(&k, 50, 0, 64, NULL, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_UNASSIGNED_TYPE));
	build_icmp6(&k, 200, 0, 64, NULL, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_EXPERIMENTATION_TYPE));
	build_icmp6(&k, 255, 0, 64, NULL, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_UNKNOWN_TYPE));
	build_icmp6(&k, 3, 9, 64, NULL, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_UNKNOWN_CODE));

	/* MLD query with hop limit 1 is fine, 255 is not. */
	build_icmp6(&k, 130, 0, 1, (const uint8_t[16]){ 0 }, 16);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	build_icmp6(&k, 130, 0, 255, (const uint8_t[16]){ 0 }, 16);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_MLD_MESSAGE_WITH_INVALID_HL));

	/* Errors quote the offending IPv6 header. */
	uint32_t iip = t_ipv6(&inner, 17);
	t_udp(&inner, 1, 2);
	t_fin_ipv6(&inner, iip);
	build_icmp6(&k, 1, 4, 64, inner.b, inner.len);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.ip_proto, 58);
	build_icmp6(&k, 2, 0, 64, inner.b, 30);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_IPV6_TRUNC_PKT));
	inner.b[0] = 0x45;
	build_icmp6(&k, 3, 0, 64, inner.b, inner.len);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_IPV6_UNKNOWN_VERSION));

	build_icmp6(&k, 128, 0, 64, NULL, 0);
	k.len = 40 + 7;
	t_fin_ipv6(&k, 0);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_ICMPV6_PKT_TOO_SMALL));
}

static void test_icmp_wrong_family(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	uint32_t ip = t_ipv4(&k, 58);
	t_icmp(&k, 128, 0, 1, 1);
	t_fin_ipv4(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_ICMPV6));
	assert_int_equal(p.icmp_type, 128);

	k.len = 0;
	ip = t_ipv6(&k, 1);
	uint32_t l4 = t_icmp(&k, 8, 0, 1, 1);
	t_fin_l4(&k, ip, l4, 1);
	t_fin_ipv6(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_ICMPV4));
	assert_false(p.flags & PKT_F_L4_CSUM_BAD);
}

static void test_sctp_ports(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	uint32_t ip = t_ipv4(&k, 132);
	t_put(&k, "\x0b\x59\x0b\x59\x00\x00\x00\x01\x00\x00\x00\x00", 12);
	t_fin_ipv4(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.sp, 2905);
	assert_int_equal(p.dp, 2905);
	assert_int_equal(p.l4_hlen, 12);
	assert_int_equal(ctx.stats.sctp, 1);
}

int test_decode_run_l4(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_options),
		cmocka_unit_test(test_tcp_option_events),
		cmocka_unit_test(test_tcp_header_errors),
		cmocka_unit_test(test_l4_checksums),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmpv4),
		cmocka_unit_test(test_icmpv6),
		cmocka_unit_test(test_icmp_wrong_family),
		cmocka_unit_test(test_sctp_ports),
	};
	return cmocka_run_group_tests_name("decode-l4", tests, NULL, NULL);
}
