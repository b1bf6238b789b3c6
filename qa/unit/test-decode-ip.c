/*
 * test-decode-ip.c — unit tests for IPv4 (length checks, truncation, options, fragments, header
 * checksum per checksum mode) and IPv6 (fixed header, extension header chains and their events).
 */
#include "test-decode-helpers.h"

/* Raw IPv4 (header at offset 0) with `opts` (a multiple of 4 bytes) and a UDP datagram. */
static void build_ipv4_opts(struct tpkt *k, const uint8_t *opts, uint32_t optlen)
{
	k->len = 0;
	uint32_t ip = t_ipv4(k, 17);
	k->b[ip] = (uint8_t)(0x40 | ((20 + optlen) / 4));
	t_put(k, opts, optlen);
	uint32_t l4 = t_udp(k, 1, 2);
	t_fin_l4(k, ip, l4, 17);
	t_fin_ipv4(k, ip);
}

static void test_ipv4_length_errors(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_ipv4_opts(&k, NULL, 0);
	k.len = 19;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_PKT_TOO_SMALL));
	assert_true(p.flags & PKT_F_INVALID);

	build_ipv4_opts(&k, NULL, 0);
	k.b[0] = 0x44; /* IHL 4 = 16 bytes */
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_IPV4), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_HLEN_TOO_SMALL));

	build_ipv4_opts(&k, NULL, 0);
	k.b[0] = 0x65;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_IPV4), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_WRONG_IP_VERSION));

	build_ipv4_opts(&k, NULL, 0);
	t_w16(k.b + 2, 19);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_IPLEN_SMALLER_THAN_HLEN));

	/* Options announced but not captured: the header itself is cut. */
	build_ipv4_opts(&k, NULL, 0);
	k.b[0] = 0x4f;
	t_w16(k.b + 2, 200);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_TRUNC_PKT));
	assert_int_equal(ctx.stats.invalid, 5);
}

static void test_ipv4_truncated_invalid(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	/* As in Suricata, a datagram whose total length exceeds what was captured is invalid:
	 * ipv4.trunc_pkt, counted in stats.invalid, no L4. */
	decode_ctx_init(&ctx, CHECKSUM_ALL);
	uint32_t ip = t_ipv4(&k, 6);
	uint32_t l4 = t_tcp(&k, 1, 2, TH_ACK, NULL, 0);
	t_put(&k, NULL, 100);
	t_fin_l4(&k, ip, l4, 6);
	t_fin_ipv4(&k, ip);
	k.len -= 60; /* snaplen cut */
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_TRUNC_PKT));
	assert_true(p.flags & PKT_F_INVALID);
	assert_null(p.l4_hdr);
	assert_int_equal(ctx.stats.invalid, 1);
	assert_int_equal(ctx.stats.events[DECODE_EVENT_IPV4_TRUNC_PKT], 1);
}

static void test_ipv4_padding_trimmed(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_eth(&k, 0x0800);
	uint32_t ip = t_ipv4(&k, 17);
	uint32_t l4 = t_udp(&k, 7, 7);
	t_fin_l4(&k, ip, l4, 17);
	t_fin_ipv4(&k, ip);
	t_put(&k, "\xee\xee\xee\xee\xee\xee", 6); /* Ethernet minimum-size padding */
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_int_equal(p.ip_len, 28);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.event_count, 0);
}

static void test_ipv4_options_valid(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;
	/* NOP, RR (len 7, ptr 4), router alert (len 4), TS (len 8, ptr 5, flag 0), EOL, pad */
	const uint8_t opts[] = { 0x01, 0x07, 7, 4, 0, 0, 0, 0, 0x94, 4, 0, 0,
				 0x44, 8, 5, 0, 0, 0, 0, 0, 0x00, 0, 0, 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_ipv4_opts(&k, opts, sizeof(opts));
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.ip_hlen, 20 + sizeof(opts));
	assert_int_equal(p.ipv4_opts, IPV4_OPT_F_NOP | IPV4_OPT_F_RR | IPV4_OPT_F_RTRALT |
					      IPV4_OPT_F_TS | IPV4_OPT_F_EOL | IPV4_OPT_F_ANY);
	assert_int_equal(p.dp, 2);
}

static void check_ipv4_opt_event(const uint8_t *opts, uint32_t optlen, enum decode_event ev)
{
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_ipv4_opts(&k, opts, optlen);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, ev));
	assert_int_equal(ctx.stats.events[ev], 1);
	assert_true(p.ipv4_opts & IPV4_OPT_F_ANY);
	/* A bad option is an anomaly, not a reason to stop at L3. */
	assert_int_equal(p.dp, 2);
}

/* An option length byte that cannot be right makes the packet invalid, as in Suricata: the
 * event is raised and no IP layer is left for flows and reassembly. */
static void check_ipv4_opt_fatal(const uint8_t *opts, uint32_t optlen)
{
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_ipv4_opts(&k, opts, optlen);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV4_OPT_INVALID_LEN));
	assert_true(p.flags & PKT_F_INVALID);
	assert_int_equal(p.ip_version, 0);
	assert_int_equal(ctx.stats.invalid, 1);
}

static void test_ipv4_options_events(void **state)
{
	(void)state;
	const uint8_t dup[] = { 0x94, 4, 0, 0, 0x94, 4, 0, 0 };
	const uint8_t badlen[] = { 0x07, 40, 4, 0 };
	const uint8_t zerolen[] = { 0x07, 0, 4, 0 };
	const uint8_t malformed_rr[] = { 0x07, 7, 3, 0, 0, 0, 0, 0 };
	const uint8_t malformed_ts[] = { 0x44, 8, 6, 0, 0, 0, 0, 0 };
	const uint8_t unknown[] = { 0x9e, 4, 0, 0 };
	const uint8_t eol_req[] = { 0x01, 0x01, 0x01, 0x07 };
	const uint8_t rtralt_len[] = { 0x94, 3, 0, 0 };
	const uint8_t cipso_short[] = { 0x86, 6, 0, 0, 0, 1, 0, 0 };
	const uint8_t cipso_tag0[] = { 0x86, 10, 0, 0, 0, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0 };

	check_ipv4_opt_event(dup, sizeof(dup), DECODE_EVENT_IPV4_OPT_DUPLICATE);
	check_ipv4_opt_fatal(badlen, sizeof(badlen));
	check_ipv4_opt_fatal(zerolen, sizeof(zerolen));
	check_ipv4_opt_event(malformed_rr, sizeof(malformed_rr), DECODE_EVENT_IPV4_OPT_MALFORMED);
	check_ipv4_opt_event(malformed_ts, sizeof(malformed_ts), DECODE_EVENT_IPV4_OPT_MALFORMED);
	check_ipv4_opt_event(unknown, sizeof(unknown), DECODE_EVENT_IPV4_OPT_INVALID);
	check_ipv4_opt_event(eol_req, sizeof(eol_req), DECODE_EVENT_IPV4_OPT_EOL_REQUIRED);
	check_ipv4_opt_event(rtralt_len, sizeof(rtralt_len), DECODE_EVENT_IPV4_OPT_INVALID_LEN);
	check_ipv4_opt_event(cipso_short, sizeof(cipso_short), DECODE_EVENT_IPV4_OPT_INVALID_LEN);
	check_ipv4_opt_event(cipso_tag0, sizeof(cipso_tag0), DECODE_EVENT_IPV4_OPT_MALFORMED);
}

/* Suricata's walk: a 12-byte options field is not a multiple of 8 (opt_pad_required); a too
 * short security option (invalid_len) does not stop the walk, the impossible length of the
 * next option does (a second invalid_len). */
static void test_ipv4_options_walk(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;
	const uint8_t opts[] = { 0x82, 0x02, 0xf1, 0x35, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0xaa, 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	build_ipv4_opts(&k, opts, sizeof(opts));
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), -1);
	assert_int_equal(p.event_count, 3);
	assert_int_equal(p.events[0], DECODE_EVENT_IPV4_OPT_PAD_REQUIRED);
	assert_int_equal(p.events[1], DECODE_EVENT_IPV4_OPT_INVALID_LEN);
	assert_int_equal(p.events[2], DECODE_EVENT_IPV4_OPT_INVALID_LEN);
	assert_true(p.ipv4_opts & IPV4_OPT_F_SEC);

	/* a good CIPSO option (DOI, one tag of type 1 with its zero alignment octet) */
	const uint8_t cipso[] = { 0x86, 10, 0, 0, 0, 1, 1, 4, 0, 0, 0x01, 0x00, 0, 0, 0, 0 };
	build_ipv4_opts(&k, cipso, sizeof(cipso));
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.event_count, 0);
	assert_true(p.ipv4_opts & IPV4_OPT_F_CIPSO);
}

static void test_ipv4_fragments(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	/* First fragment (MF, offset 0): TCP ports decoded, checksum not checked. */
	uint32_t ip = t_ipv4(&k, 6);
	t_tcp(&k, 4444, 80, TH_ACK, NULL, 0);
	t_put(&k, NULL, 16);
	t_w16(k.b + ip + 6, 0x2000);
	t_fin_ipv4(&k, ip); /* TCP checksum left at 0: wrong */
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(p.flags & PKT_F_FRAGMENT);
	assert_false(p.flags & PKT_F_L4_CSUM_BAD);
	assert_int_equal(p.ip_frag_flags, IP_FRAG_MF);
	assert_int_equal(p.ip_frag_offset, 0);
	assert_non_null(p.l4_hdr);
	assert_int_equal(p.sp, 4444);
	assert_int_equal(p.event_count, 0);

	/* Later fragment: no transport header; the payload is the fragment data. */
	t_w16(k.b + ip + 6, 5);
	t_fin_ipv4(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(p.flags & PKT_F_FRAGMENT);
	assert_int_equal(p.ip_frag_offset, 5);
	assert_int_equal(p.ip_frag_flags, 0);
	assert_null(p.l4_hdr);
	assert_int_equal(p.sp, 0);
	assert_int_equal(p.ip_proto, 6);
	assert_ptr_equal(p.payload, k.b + 20);
	assert_int_equal(p.payload_len, 36);
	assert_int_equal(ctx.stats.fragments, 2);
	assert_int_equal(ctx.stats.tcp, 1);

	/* DF alone is not a fragment. */
	t_w16(k.b + ip + 6, 0x4000);
	t_fin_ipv4(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_false(p.flags & PKT_F_FRAGMENT);
	assert_int_equal(ctx.stats.fragments, 2);
}

static void test_ipv4_checksum_modes(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k;
	const enum checksum_mode checking[] = { CHECKSUM_ALL, CHECKSUM_AUTO };

	t_build_eth_ipv4_tcp(&k);
	k.b[14 + 10] ^= 0x01;
	for (size_t i = 0; i < ARRAY_SIZE(checking); i++) {
		decode_ctx_init(&ctx, checking[i]);
		assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
		if (checking[i] == CHECKSUM_AUTO) {
			/* AUTO: nothing is summed while decoding, only on demand. */
			assert_false(p.flags & PKT_F_IPV4_CSUM_BAD);
			assert_int_equal(ctx.stats.ipv4_csum_bad, 0);
			assert_false(decode_packet_validate_checksums(&ctx, &p));
			assert_false(decode_packet_validate_checksums(&ctx, &p)); /* once */
		}
		assert_true(p.flags & PKT_F_IPV4_CSUM_BAD);
		assert_false(p.flags & PKT_F_L4_CSUM_BAD);
		assert_true(t_has_event(&p, DECODE_EVENT_IPV4_CHECKSUM_INVALID));
		assert_int_equal(ctx.stats.ipv4_csum_bad, 1);
		assert_int_equal(p.dp, 80); /* still decoded */
	}
	decode_ctx_init(&ctx, CHECKSUM_NONE);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_false(p.flags & PKT_F_IPV4_CSUM_BAD);
	assert_true(decode_packet_validate_checksums(&ctx, &p)); /* NONE: never checked */
	assert_int_equal(p.event_count, 0);
	assert_int_equal(ctx.stats.ipv4_csum_bad, 0);
}

/* Auto mode gives up validating after 1000 packets when more than 1 in 10 were bad (checksum
 * offloading, as Suricata assumes); with fewer bad ones it keeps validating. */
static void run_auto_sample(unsigned bad_every, bool expect_off)
{
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt good, bad;
	t_build_eth_ipv4_tcp(&good);
	t_build_eth_ipv4_tcp(&bad);
	bad.b[14 + 10] ^= 0x01;
	decode_ctx_init(&ctx, CHECKSUM_AUTO);
	for (unsigned i = 0; i < 1000; i++) {
		assert_int_equal(t_decode(&ctx, &p, i % bad_every ? &good : &bad, LINKTYPE_ETHERNET),
				 0);
		(void)decode_packet_validate_checksums(&ctx, &p);
	}
	assert_int_equal(ctx.stats.checksum_auto_off, expect_off ? 1 : 0);
	assert_int_equal(t_decode(&ctx, &p, &bad, LINKTYPE_ETHERNET), 0);
	assert_int_equal(decode_packet_validate_checksums(&ctx, &p), expect_off);
	assert_int_equal(ctx.checksum_mode, expect_off ? CHECKSUM_NONE : CHECKSUM_AUTO);
}

static void test_checksum_auto_offload(void **state)
{
	(void)state;
	run_auto_sample(5, true);   /* 200 of the first 1000 bad */
	run_auto_sample(20, false); /* 50 of 1000: real errors, keep checking */
}

/* Several threads on one input (autofp): the reader decides on the input's first 1000 packets,
 * validating their TCP checksums as it decodes them, and workers apply its decision to the
 * packets after that (by pcap_cnt), whichever worker gets which packet. */
static void test_checksum_auto_shared(void **state)
{
	(void)state;
	struct decode_csum_auto shared;
	decode_csum_auto_init(&shared);
	struct decode_ctx reader, worker;
	struct packet p;
	struct tpkt bad;
	t_build_eth_ipv4_tcp(&bad);
	bad.b[14 + 10] ^= 0x01;
	decode_ctx_init(&reader, CHECKSUM_AUTO);
	reader.csum_auto = &shared;
	decode_ctx_init(&worker, CHECKSUM_AUTO);
	worker.csum_auto = &shared;
	worker.csum_auto_follows = true;
	for (unsigned i = 1; i <= 1000; i++) {
		assert_int_equal(t_decode(&reader, &p, &bad, LINKTYPE_ETHERNET), 0);
		assert_false(p.flags & PKT_F_IPV4_CSUM_BAD); /* summed for the decision only */
		if (i < 1000)
			assert_int_equal(atomic_load(&shared.off_after), UINT64_MAX);
	}
	assert_int_equal(reader.stats.checksum_auto_off, 1);
	assert_int_equal(atomic_load(&shared.off_after), 1); /* t_decode's pcap_cnt */
	/* a worker: a packet of the sample is still validated (on demand), a later one is not */
	assert_int_equal(t_decode(&worker, &p, &bad, LINKTYPE_ETHERNET), 0);
	assert_false(p.flags & PKT_F_CSUM_IGNORE);
	assert_false(decode_packet_validate_checksums(&worker, &p));
	assert_int_equal(worker.stats.ipv4_csum_bad, 1);
	atomic_store(&shared.off_after, 0); /* as if packet 1 were past the sample */
	assert_int_equal(t_decode(&worker, &p, &bad, LINKTYPE_ETHERNET), 0);
	assert_true(p.flags & PKT_F_CSUM_IGNORE);
	assert_int_equal(worker.stats.checksum_auto_off, 1);
	assert_int_equal(worker.checksum_mode, CHECKSUM_NONE);
}

/* ---- IPv6 ---------------------------------------------------------------------------------- */

static void test_ipv6_basic(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	t_eth(&k, 0x86dd);
	uint32_t ip = t_ipv6(&k, 6);
	uint32_t l4 = t_tcp(&k, 40000, 443, TH_SYN, NULL, 0);
	t_fin_l4(&k, ip, l4, 6);
	t_fin_ipv6(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), 0);
	assert_int_equal(p.event_count, 0);
	assert_int_equal(p.ip_version, 6);
	assert_int_equal(p.ip_hlen, 40);
	assert_int_equal(p.ip_len, 60);
	assert_int_equal(p.ip_tos, 0x00);
	assert_int_equal(p.ipv6_flow_label, 0x12345);
	assert_int_equal(p.ip_ttl, 64);
	assert_int_equal(p.src.family, 6);
	assert_memory_equal(p.src.b, T_SRC6, 16);
	assert_memory_equal(p.dst.b, T_DST6, 16);
	assert_int_equal(p.tcp_flags, TH_SYN);
	assert_int_equal(p.dp, 443);
	assert_int_equal(ctx.stats.ipv6, 1);

	k.len = 14 + 39;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_PKT_TOO_SMALL));
	k.len = 14 + 50; /* payload length says 20, 10 captured: invalid */
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_TRUNC_PKT));
	assert_true(p.flags & PKT_F_INVALID);
	assert_null(p.l4_hdr);
	k.len = 14 + 60;
	k.b[14] = 0x40;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_ETHERNET), -1);
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_WRONG_IP_VERSION));
}

/* An 8-byte options header (hop-by-hop or dstopts) with the given 6 option bytes. */
static void put_opts_hdr(struct tpkt *k, uint8_t nh, const uint8_t body[6])
{
	uint8_t h[8] = { nh, 0 };
	memcpy(h + 2, body, 6);
	t_put(k, h, 8);
}

static const uint8_t OPT_RTRALT_PAD1[6] = { 0x05, 2, 0, 0, 0, 0 }; /* router alert + 2x Pad1 */
static const uint8_t OPT_PADN[6] = { 0x01, 4, 0, 0, 0, 0 };

static void test_ipv6_ext_chain(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	uint32_t ip = t_ipv6(&k, 0);
	put_opts_hdr(&k, 60, OPT_RTRALT_PAD1);                        /* hop-by-hop */
	put_opts_hdr(&k, 43, (const uint8_t[6]){ 0xc9, 4, 0, 0, 0, 0 }); /* dstopts: HAO */
	t_put(&k, (const uint8_t[8]){ 44, 0, 2, 0 }, 8);              /* routing type 2 */
	t_put(&k, (const uint8_t[8]){ 51, 0, 0, 0, 0xca, 0xfe, 0, 1 }, 8); /* fragment */
	t_put(&k, (const uint8_t[12]){ 6, 1, 0, 0, 0, 0, 0, 1 }, 12); /* AH, len (1+2)*4 */
	t_tcp(&k, 5, 6, TH_SYN, NULL, 0);
	t_put(&k, "abcd", 4);
	t_fin_ipv6(&k, ip);
	/* Fragment offset 0 with M clear is "useless": make it a first fragment instead. */
	k.b[40 + 24 + 3] = 1;
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.ipv6_exthdrs, IPV6_EXT_F_HOP | IPV6_EXT_F_DSTOPTS | IPV6_EXT_F_ROUTING |
						 IPV6_EXT_F_FRAG | IPV6_EXT_F_AH);
	assert_int_equal(p.ip_hlen, 40 + 8 + 8 + 8 + 8 + 12);
	assert_int_equal(p.ip_proto, 6);
	assert_int_equal(p.sp, 5);
	assert_true(p.flags & PKT_F_FRAGMENT);
	assert_int_equal(p.ip_frag_flags, IP_FRAG_MF);
	assert_int_equal(p.ip_id, 0xcafe0001);
	/* 12 + 24 bytes after a MF fragment header: not a multiple of 8. */
	assert_true(t_has_event(&p, DECODE_EVENT_IPV6_FRAG_INVALID_LENGTH));
	assert_int_equal(p.event_count, 1);
	assert_int_equal(ctx.stats.fragments, 1);
}

static void test_ipv6_frag_later(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	uint32_t ip = t_ipv6(&k, 44);
	t_put(&k, (const uint8_t[8]){ 17, 0, 0x05, 0x00, 0, 0, 0, 9 }, 8); /* offset 160, last */
	t_put(&k, "\x12\x34\x56\x78\x00\x10\x00\x00", 8);                   /* looks like UDP */
	t_fin_ipv6(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(p.flags & PKT_F_FRAGMENT);
	assert_int_equal(p.ip_frag_offset, 160);
	assert_int_equal(p.ip_proto, 17);
	assert_null(p.l4_hdr);
	assert_int_equal(p.sp, 0);
	assert_int_equal(p.payload_len, 8);
	assert_int_equal(p.ip_hlen, 48);
	assert_int_equal(ctx.stats.udp, 0);
	assert_int_equal(p.event_count, 0);
}

/* Build raw IPv6 with the given extension header bytes (first next header `nh`) and a UDP
 * datagram, decode it, and check `ev` was raised. */
static void check_ipv6_ext_event(uint8_t nh, const uint8_t *ext, uint32_t extlen,
				 enum decode_event ev, bool l4_expected)
{
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	uint32_t ip = t_ipv6(&k, nh);
	t_put(&k, ext, extlen);
	uint32_t l4 = t_udp(&k, 11, 22);
	t_put(&k, NULL, 8);
	t_fin_l4(&k, ip, l4, 17);
	t_fin_ipv6(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_true(t_has_event(&p, ev));
	assert_int_equal(p.sp, l4_expected ? 11 : 0);
}

static void test_ipv6_ext_events(void **state)
{
	(void)state;
	uint8_t b[64];

	/* Two hop-by-hop headers. */
	memcpy(b, (const uint8_t[8]){ 0, 0, 0x05, 2, 0, 0, 0x01, 0 }, 8);
	memcpy(b + 8, (const uint8_t[8]){ 17, 0, 0x05, 2, 0, 0, 0x01, 0 }, 8);
	check_ipv6_ext_event(0, b, 16, DECODE_EVENT_IPV6_EXTHDR_DUPL_HH, true);
	/* PadN of length 0 */
	check_ipv6_ext_event(0, (const uint8_t[8]){ 17, 0, 0x05, 2, 0, 0, 0x01, 0 }, 8,
			     DECODE_EVENT_IPV6_ZERO_LEN_PADN, true);
	/* only padding, hop-by-hop and dstopts */
	memcpy(b, (const uint8_t[8]){ 17, 0 }, 2);
	memcpy(b + 2, OPT_PADN, 6);
	check_ipv6_ext_event(0, b, 8, DECODE_EVENT_IPV6_HOPOPTS_ONLY_PADDING, true);
	check_ipv6_ext_event(60, b, 8, DECODE_EVENT_IPV6_DSTOPTS_ONLY_PADDING, true);
	/* unknown options */
	check_ipv6_ext_event(0, (const uint8_t[8]){ 17, 0, 0x3e, 4, 0, 0, 0, 0 }, 8,
			     DECODE_EVENT_IPV6_HOPOPTS_UNKNOWN_OPT, true);
	check_ipv6_ext_event(60, (const uint8_t[8]){ 17, 0, 0x3e, 4, 0, 0, 0, 0 }, 8,
			     DECODE_EVENT_IPV6_DSTOPTS_UNKNOWN_OPT, true);
	/* option length past the header */
	check_ipv6_ext_event(60, (const uint8_t[8]){ 17, 0, 0x3e, 9, 0, 0, 0, 0 }, 8,
			     DECODE_EVENT_IPV6_EXTHDR_INVALID_OPTLEN, true);
	/* routing type 0, and two routing headers */
	check_ipv6_ext_event(43, (const uint8_t[8]){ 17, 0, 0, 0 }, 8, DECODE_EVENT_IPV6_RH_TYPE_0,
			     true);
	memcpy(b, (const uint8_t[8]){ 43, 0, 2, 0 }, 8);
	memcpy(b + 8, (const uint8_t[8]){ 17, 0, 2, 0 }, 8);
	check_ipv6_ext_event(43, b, 16, DECODE_EVENT_IPV6_EXTHDR_DUPL_RH, true);
	/* fragment headers: useless (atomic), reserved bits, duplicated */
	check_ipv6_ext_event(44, (const uint8_t[8]){ 17, 0, 0, 0, 0, 0, 0, 1 }, 8,
			     DECODE_EVENT_IPV6_EXTHDR_USELESS_FH, true);
	check_ipv6_ext_event(44, (const uint8_t[8]){ 17, 7, 0, 0, 0, 0, 0, 1 }, 8,
			     DECODE_EVENT_IPV6_FH_NON_ZERO_RESERVED_FIELD, true);
	memcpy(b, (const uint8_t[8]){ 44, 0, 0, 0, 0, 0, 0, 1 }, 8);
	memcpy(b + 8, (const uint8_t[8]){ 17, 0, 0, 0, 0, 0, 0, 1 }, 8);
	check_ipv6_ext_event(44, b, 16, DECODE_EVENT_IPV6_EXTHDR_DUPL_FH, true);
	/* two dstopts without a routing header in between */
	memcpy(b, (const uint8_t[8]){ 60, 0, 0x05, 2, 0, 0, 0x01, 0 }, 8);
	memcpy(b + 8, (const uint8_t[8]){ 17, 0, 0x05, 2, 0, 0, 0x01, 0 }, 8);
	check_ipv6_ext_event(60, b, 16, DECODE_EVENT_IPV6_EXTHDR_DUPL_DH, true);
	/* AH: reserved field not zero; two AH headers */
	check_ipv6_ext_event(51, (const uint8_t[12]){ 17, 1, 0, 1, 0, 0, 0, 1 }, 12,
			     DECODE_EVENT_IPV6_EXTHDR_AH_RES_NOT_NULL, true);
	memcpy(b, (const uint8_t[12]){ 51, 1, 0, 0, 0, 0, 0, 1 }, 12);
	memcpy(b + 12, (const uint8_t[12]){ 17, 1, 0, 0, 0, 0, 0, 1 }, 12);
	check_ipv6_ext_event(51, b, 24, DECODE_EVENT_IPV6_EXTHDR_DUPL_AH, true);
	/* no next header followed by data */
	check_ipv6_ext_event(59, NULL, 0, DECODE_EVENT_IPV6_DATA_AFTER_NONE_HEADER, false);
	/* an unassigned protocol number */
	check_ipv6_ext_event(253, NULL, 0, DECODE_EVENT_IPV6_UNKNOWN_NEXT_HEADER, false);
	/* extension header longer than the packet */
	check_ipv6_ext_event(0, (const uint8_t[8]){ 17, 200 }, 8, DECODE_EVENT_IPV6_TRUNC_EXTHDR,
			     false);
}

static void test_ipv6_esp_none_mh(void **state)
{
	(void)state;
	struct decode_ctx ctx;
	struct packet p;
	struct tpkt k = { .len = 0 };

	decode_ctx_init(&ctx, CHECKSUM_ALL);
	uint32_t ip = t_ipv6(&k, 50);
	t_put(&k, NULL, 32); /* SPI, sequence, encrypted data */
	t_fin_ipv6(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.ip_proto, 50);
	assert_int_equal(p.ipv6_exthdrs, IPV6_EXT_F_ESP);
	assert_int_equal(p.payload_len, 32);
	assert_null(p.l4_hdr);
	assert_int_equal(p.event_count, 0);

	k.len = 0;
	ip = t_ipv6(&k, 59);
	t_fin_ipv6(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.ip_proto, 59);
	assert_int_equal(p.ipv6_exthdrs, IPV6_EXT_F_NONE);
	assert_int_equal(p.event_count, 0);

	k.len = 0;
	ip = t_ipv6(&k, 135);
	t_put(&k, (const uint8_t[16]){ 59, 1, 5 }, 16); /* binding update-ish, 16 bytes */
	t_fin_ipv6(&k, ip);
	assert_int_equal(t_decode(&ctx, &p, &k, LINKTYPE_RAW), 0);
	assert_int_equal(p.ip_proto, 135);
	assert_true(p.ipv6_exthdrs & IPV6_EXT_F_MH);
	assert_int_equal(p.l4_hlen, 16);
	assert_int_equal(p.event_count, 0);
}

int test_decode_run_ip(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_length_errors),
		cmocka_unit_test(test_ipv4_truncated_invalid),
		cmocka_unit_test(test_ipv4_padding_trimmed),
		cmocka_unit_test(test_ipv4_options_valid),
		cmocka_unit_test(test_ipv4_options_events),
		cmocka_unit_test(test_ipv4_options_walk),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv4_checksum_modes),
		cmocka_unit_test(test_checksum_auto_offload),
		cmocka_unit_test(test_checksum_auto_shared),
		cmocka_unit_test(test_ipv6_basic),
		cmocka_unit_test(test_ipv6_ext_chain),
		cmocka_unit_test(test_ipv6_frag_later),
		cmocka_unit_test(test_ipv6_ext_events),
		cmocka_unit_test(test_ipv6_esp_none_mh),
	};
	return cmocka_run_group_tests_name("decode-ip", tests, NULL, NULL);
}
