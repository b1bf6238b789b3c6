/*
 * test-decode-pcap.c — decodes every packet of a few real captures from the shared corpus
 * (Linux cooked capture, GRE-bridged mirror traffic, IPsec ESP/IKE over UDP, IPv6, BSD
 * loopback) and checks the counters are what those traces contain. Bad-checksum counts were
 * cross-checked with tshark's checksum validation (offloaded checksums in the captures). The corpus directory comes from the
 * AEGIS_CORPUS environment variable or the AEGIS_CORPUS_DIR define (../shared/corpus next to the
 * source tree); when it is absent the test says so and is reported as skipped.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <sys/stat.h>

#include "test-decode-helpers.h"

#ifndef AEGIS_CORPUS_DIR
#define AEGIS_CORPUS_DIR "../shared/corpus"
#endif

struct pcap_result {
	uint64_t pkts, ip_pkts, tunneled, with_events;
	struct decode_stats stats;
};

static const char *corpus_dir(void)
{
	const char *env = getenv("AEGIS_CORPUS");
	return env && *env ? env : AEGIS_CORPUS_DIR;
}

/* Decode `name` from the corpus' traffic folder; -1 if it cannot be opened. */
static int decode_pcap_file(const char *name, struct pcap_result *r)
{
	char path[4096], err[PCAP_ERRBUF_SIZE];
	struct decode_ctx ctx;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_t *pc;
	int rc;

	snprintf(path, sizeof(path), "%s/traffic/%s", corpus_dir(), name);
	pc = pcap_open_offline(path, err);
	if (!pc) {
		print_message("cannot open %s: %s\n", path, err);
		return -1;
	}
	memset(r, 0, sizeof(*r));
	decode_ctx_init(&ctx, CHECKSUM_ALL); /* count bad checksums as tshark does */
	int linktype = pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &hdr, &data)) == 1) {
		struct packet p;
		memset(&p, 0, sizeof(p));
		p.data = data;
		p.caplen = hdr->caplen;
		p.wirelen = hdr->len;
		p.linktype = linktype;
		p.pcap_cnt = ++r->pkts;
		if (decode_packet(&ctx, &p) == 0)
			r->ip_pkts++;
		if (p.flags & PKT_F_TUNNELED)
			r->tunneled++;
		if (p.event_count)
			r->with_events++;
	}
	pcap_close(pc);
	r->stats = ctx.stats;
	print_message("%s: %" PRIu64 " pkts, %" PRIu64 " IP, %" PRIu64 " tunnelled, %" PRIu64
		      " with events, %" PRIu64 " invalid, tcp %" PRIu64 " udp %" PRIu64
		      " icmp %" PRIu64 "/%" PRIu64 " gre %" PRIu64 " ipv6 %" PRIu64
		      " l4 csum bad %" PRIu64 "\n",
		      name, r->pkts, r->ip_pkts, r->tunneled, r->with_events, r->stats.invalid,
		      r->stats.tcp, r->stats.udp, r->stats.icmpv4, r->stats.icmpv6, r->stats.gre,
		      r->stats.ipv6, r->stats.l4_csum_bad);
	return 0;
}

static void test_corpus_pcaps(void **state)
{
	(void)state;
	struct pcap_result r;
	struct stat st;
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/traffic", corpus_dir());
	if (stat(dir, &st) != 0) {
		print_message("skipping: corpus %s not found (set AEGIS_CORPUS to the shared "
			      "corpus directory)\n", dir);
		skip();
	}

	/* Linux cooked capture, 347 frames of TLS/DNS/HTTP over IPv4. */
	assert_int_equal(decode_pcap_file("ndpi-KakaoTalk_chat.pcap", &r), 0);
	assert_int_equal(r.pkts, 347);
	assert_int_equal(r.stats.pkts, 347);
	assert_int_equal(r.stats.sll, 347);
	assert_int_equal(r.stats.invalid, 0);
	assert_int_equal(r.ip_pkts, 347);
	assert_true(r.stats.tcp > 250);
	assert_true(r.stats.udp >= 36); /* dns=36 in the corpus index */
	assert_int_equal(r.stats.l4_csum_bad, 11);
	assert_int_equal(r.stats.tcp + r.stats.udp + r.stats.icmpv4 + r.stats.icmpv6 +
				 r.stats.other_ip_proto + r.stats.sctp,
			 r.ip_pkts);

	/* GRE-bridged mirror traffic (248 GRE frames, some of them IP fragments whose inner
	 * packet needs defragmenting first): most frames decode to the inner IP. */
	assert_int_equal(decode_pcap_file("zeek-erspan.pcap", &r), 0);
	assert_int_equal(r.pkts, 287);
	assert_true(r.stats.gre >= 200 && r.stats.gre <= 248);
	assert_true(r.stats.fragments > 0);
	assert_true(r.tunneled >= 200);
	assert_true(r.stats.icmpv4 + r.stats.icmpv6 > 0);
	assert_int_equal(r.stats.invalid, 0);

	/* IKE and ESP, all of it UDP-encapsulated (NAT traversal, ports 500/4500). */
	assert_int_equal(decode_pcap_file("ndpi-ipsec_isakmp_esp.pcap", &r), 0);
	assert_int_equal(r.pkts, 834);
	assert_int_equal(r.stats.udp, 834);
	assert_int_equal(r.stats.invalid, 0);

	/* IPv6 over Ethernet. */
	assert_int_equal(decode_pcap_file("ndpi-http_ipv6.pcap", &r), 0);
	assert_int_equal(r.pkts, 193);
	assert_int_equal(r.stats.ipv6, 193);
	assert_int_equal(r.stats.l4_csum_bad, 109);
	assert_int_equal(r.stats.invalid, 0);

	/* BSD loopback (LINKTYPE_NULL). */
	assert_int_equal(decode_pcap_file("zeek-http-connect-with-header.pcap", &r), 0);
	assert_int_equal(r.pkts, 58);
	assert_int_equal(r.stats.null, 58);
	assert_int_equal(r.ip_pkts, 58);
	assert_int_equal(r.stats.tcp, 58);
}

int test_decode_run_pcap(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_pcaps),
	};
	return cmocka_run_group_tests_name("decode-pcap", tests, NULL, NULL);
}
