/*
 * test-stream-pcap.c — real traffic through decode + flow + stream: the reassembled
 * client-to-server bytes of HTTP captures must hold every request tshark sees in them.
 *
 * The expected counts were obtained once with
 *     tshark -r <pcap> -Y http.request -T fields -e http.request.method | sort | uniq -c
 * (zeek-http-bro.org.pcap: 31 GET; ppa3-http_espn.pcap: 61 GET;
 *  ndpi-http_ua_splitted_in_two_pkts.pcap: 37 GET). We count "GET /" at the start of the
 * stream or after a line end in each flow's reassembled toserver bytes.
 *
 * The captures live in the shared corpus: $AEGIS_CORPUS/traffic, else ../shared/corpus/traffic
 * beside the source tree. A missing capture skips its test with the reason printed.
 */
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "flow/flow.h"
#include "stream/stream.h"

#ifndef AEGIS_SRCDIR
#define AEGIS_SRCDIR "."
#endif

struct acc {
	uint8_t *b;
	size_t len, cap;
};

struct run {
	struct stream_ctx *sc;
	uint64_t requests;
	uint64_t bytes_toserver;
	uint64_t gaps;
};

static void acc_add(struct flow *f, const struct stream_result *r, struct run *run)
{
	for (unsigned i = 0; i < r->n; i++) {
		const struct stream_chunk *c = &r->chunks[i];
		if (c->gap_before)
			run->gaps++;
		if (c->dir != FLOW_DIR_TO_SERVER || !c->len)
			continue;
		struct acc *a = f->app;
		if (!a) {
			a = calloc(1, sizeof(*a));
			assert_non_null(a);
			f->app = a;
		}
		if (a->len + c->len > a->cap) {
			size_t cap = a->cap ? a->cap : 4096;
			while (cap < a->len + c->len)
				cap *= 2;
			a->b = realloc(a->b, cap);
			assert_non_null(a->b);
			a->cap = cap;
		}
		memcpy(a->b + a->len, c->data, c->len);
		a->len += c->len;
		run->bytes_toserver += c->len;
	}
}

static uint64_t count_requests(const struct acc *a)
{
	uint64_t n = 0;
	for (size_t i = 0; i + 5 <= a->len; i++)
		if (memcmp(a->b + i, "GET /", 5) == 0 && (i == 0 || a->b[i - 1] == '\n'))
			n++;
	return n;
}

static void on_flow_end(struct flow *f, void *user)
{
	struct run *run = user;
	struct stream_result r;
	stream_flow_flush(run->sc, f, &r);
	acc_add(f, &r, run);
	stream_flow_free(run->sc, f);
	struct acc *a = f->app;
	if (a) {
		run->requests += count_requests(a);
		free(a->b);
		free(a);
		f->app = NULL;
	}
}

static void run_pcap(const char *name, uint64_t expect_get)
{
	const char *dir = getenv("AEGIS_CORPUS");
	char path[1024];
	snprintf(path, sizeof(path), "%s/traffic/%s", dir ? dir : AEGIS_SRCDIR "/../shared/corpus",
		 name);
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);
	if (!pc) {
		printf("SKIP: %s: %s (set AEGIS_CORPUS to the corpus directory)\n", path, errbuf);
		skip();
	}
	struct decode_ctx dc;
	decode_ctx_init(&dc, CHECKSUM_AUTO);
	struct stream_config scfg;
	stream_config_defaults(&scfg);
	/* captures made on the sending host carry offloaded (wrong) checksums */
	scfg.checksum_validation = false;
	scfg.midstream = true;
	scfg.reassembly_depth = 0;
	struct run run = { 0 };
	run.sc = stream_ctx_create(&scfg, &dc);
	assert_non_null(run.sc);
	struct flow_config fcfg;
	flow_config_defaults(&fcfg);
	fcfg.tcp_midstream = true;
	struct flow_table *ft = flow_table_create(&fcfg, 0, on_flow_end, &run);
	assert_non_null(ft);

	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0;
	while (pcap_next_ex(pc, &h, &data) == 1) {
		struct packet p;
		memset(&p, 0, sizeof(p));
		p.data = data;
		p.caplen = h->caplen;
		p.wirelen = h->len;
		p.ts_usec = (uint64_t)h->ts.tv_sec * USEC_PER_SEC + (uint64_t)h->ts.tv_usec;
		p.linktype = pcap_datalink(pc);
		p.pcap_cnt = ++n;
		if (decode_packet(&dc, &p) != 0 || p.ip_proto != 6 || (p.flags & PKT_F_FRAGMENT))
			continue;
		struct flow *f = flow_table_handle_packet(ft, &p);
		if (!f)
			continue;
		struct stream_result r;
		stream_handle_packet(run.sc, &p, &r);
		acc_add(f, &r, &run);
	}
	pcap_close(pc);
	flow_table_flush(ft);
	flow_table_destroy(ft);

	struct stream_stats st;
	stream_get_stats(run.sc, &st);
	printf("%s: %llu packets, %llu toserver bytes, %llu GET requests (expected %llu), "
	       "%llu gaps, %llu retransmissions\n",
	       name, (unsigned long long)n, (unsigned long long)run.bytes_toserver,
	       (unsigned long long)run.requests, (unsigned long long)expect_get,
	       (unsigned long long)st.gaps, (unsigned long long)st.retransmissions);
	assert_int_equal(st.reassembly_memuse, 0);
	assert_int_equal(st.memuse, 0);
	stream_ctx_destroy(run.sc);
	assert_int_equal(run.requests, expect_get);
}

static void test_pcap_bro_org(void **s)
{
	(void)s;
	run_pcap("zeek-http-bro.org.pcap", 31);
}

static void test_pcap_espn(void **s)
{
	(void)s;
	run_pcap("ppa3-http_espn.pcap", 61);
}

static void test_pcap_ua_split(void **s)
{
	(void)s;
	run_pcap("ndpi-http_ua_splitted_in_two_pkts.pcap", 37);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_bro_org),
		cmocka_unit_test(test_pcap_espn),
		cmocka_unit_test(test_pcap_ua_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
