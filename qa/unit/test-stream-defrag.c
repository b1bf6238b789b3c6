/*
 * test-stream-defrag.c — unit tests of the stream stage's IP defragmentation, its overlap
 * policies on the "Target-Based Fragmentation Reassembly" (Novak) pattern for IPv4 and IPv6,
 * limits (timeouts, memcap, max-frags, trackers, too large), malformed fragments, the rebuilt
 * headers, host-os-policy and the configuration reader and names.
 *
 * Fragments are built as raw IP bytes and run through the real decoder (LINKTYPE_RAW), so the
 * fields defrag_handle reads are the ones the pipeline fills.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "stream/stream.h"

#ifndef AEGIS_SRCDIR
#define AEGIS_SRCDIR "."
#endif

struct tfrag {
	uint8_t buf[70000];
	struct packet p;
};

static struct decode_ctx g_dc;

static uint16_t csum16(const uint8_t *b, unsigned len)
{
	uint32_t s = 0;
	for (unsigned i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void decode_raw(struct tfrag *f, uint32_t len, uint64_t ts)
{
	memset(&f->p, 0, sizeof(f->p));
	f->p.data = f->buf;
	f->p.caplen = f->p.wirelen = len;
	f->p.linktype = LINKTYPE_RAW;
	f->p.ts_usec = ts;
	assert_int_equal(decode_packet(&g_dc, &f->p), 0);
}

/* IPv4 fragment: `n` bytes of `fill` at offset `off8` * 8, id, MF. */
static struct tfrag *frag4(uint16_t id, uint16_t off8, int mf, char fill, uint32_t n, uint64_t ts)
{
	struct tfrag *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	uint8_t *h = f->buf;
	uint32_t tot = 20 + n;
	h[0] = 0x45;
	h[2] = (uint8_t)(tot >> 8);
	h[3] = (uint8_t)tot;
	h[4] = (uint8_t)(id >> 8);
	h[5] = (uint8_t)id;
	uint16_t fo = (uint16_t)((mf ? 0x2000 : 0) | off8);
	h[6] = (uint8_t)(fo >> 8);
	h[7] = (uint8_t)fo;
	h[8] = 64;
	h[9] = 1; /* ICMP */
	h[12] = 10, h[13] = 0, h[14] = 0, h[15] = 1;
	h[16] = 10, h[17] = 0, h[18] = 0, h[19] = 2;
	uint16_t c = csum16(h, 20);
	h[10] = (uint8_t)(c >> 8);
	h[11] = (uint8_t)c;
	memset(h + 20, fill, n);
	decode_raw(f, tot, ts);
	assert_true(f->p.flags & PKT_F_FRAGMENT);
	return f;
}

/* IPv6 fragment, optionally with a hop-by-hop header before the fragment header. */
static struct tfrag *frag6x(uint32_t id, uint16_t off8, int mf, char fill, uint32_t n, int hbh,
			    uint64_t ts)
{
	struct tfrag *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	uint8_t *h = f->buf;
	uint32_t ext = hbh ? 8 : 0;
	uint32_t plen = ext + 8 + n;
	h[0] = 0x60;
	h[4] = (uint8_t)(plen >> 8);
	h[5] = (uint8_t)plen;
	h[6] = hbh ? 0 : 44;
	h[7] = 64;
	h[8] = 0x20, h[9] = 0x01, h[10] = 0x0d, h[11] = 0xb8, h[23] = 1;
	h[24] = 0x20, h[25] = 0x01, h[26] = 0x0d, h[27] = 0xb8, h[39] = 2;
	uint8_t *x = h + 40;
	if (hbh) {
		x[0] = 44; /* next: fragment */
		x[1] = 0;
		x[2] = 1, x[3] = 4; /* PadN covering the rest */
		x += 8;
	}
	x[0] = 58; /* ICMPv6 */
	uint16_t fo = (uint16_t)((off8 << 3) | (mf ? 1 : 0));
	x[2] = (uint8_t)(fo >> 8);
	x[3] = (uint8_t)fo;
	x[4] = (uint8_t)(id >> 24), x[5] = (uint8_t)(id >> 16), x[6] = (uint8_t)(id >> 8);
	x[7] = (uint8_t)id;
	memset(x + 8, fill, n);
	decode_raw(f, 40 + plen, ts);
	return f;
}

static struct tfrag *frag6(uint32_t id, uint16_t off8, int mf, char fill, uint32_t n, uint64_t ts)
{
	return frag6x(id, off8, mf, fill, n, 0, ts);
}

static int setup(void **state)
{
	(void)state;
	decode_ctx_init(&g_dc, CHECKSUM_AUTO);
	return 0;
}

static struct defrag_table *table_with(enum stream_policy pol)
{
	struct defrag_config cfg;
	defrag_config_defaults(&cfg);
	cfg.policy = pol;
	struct defrag_table *dt = defrag_table_create(&cfg);
	assert_non_null(dt);
	return dt;
}

static bool has_event(struct defrag_table *dt, enum stream_event e)
{
	const uint16_t *ev;
	unsigned n = defrag_last_events(dt, &ev);
	for (unsigned i = 0; i < n && i < STREAM_PKT_MAX_EVENTS; i++)
		if (ev[i] == e)
			return true;
	return false;
}

/* ---- the Novak matrix ------------------------------------------------------------------------
 * Originals <1>..<3_6> then the overlapping <4>..<11> (offsets in bytes):
 *   A*24@0 B*16@32 C*24@48 D*8@80 E*16@104 F*24@120 G*16@144 H*16@160 I*8@176
 *   J*32@8 K*24@48 L*24@72 M*24@96 N*8@128 O*8@152 P*8@160 Q*16@176 (last, MF=0)
 * Expected datagrams per policy, 8 bytes a letter, as published with the paper's scenario and
 * checked by Suricata's defrag tests.
 */
static const struct {
	char fill;
	uint16_t off, len;
} novak[17] = {
	{ 'A', 0, 24 },	  { 'B', 32, 16 },  { 'C', 48, 24 },  { 'D', 80, 8 },  { 'E', 104, 16 },
	{ 'F', 120, 24 }, { 'G', 144, 16 }, { 'H', 160, 16 }, { 'I', 176, 8 }, { 'J', 8, 32 },
	{ 'K', 48, 24 },  { 'L', 72, 24 },  { 'M', 96, 24 },  { 'N', 128, 8 }, { 'O', 152, 8 },
	{ 'P', 160, 8 },  { 'Q', 176, 16 },
};

static const char *const novak_bsd = "AAAJJBCCCLLLMMMFFFGGHHIQ";
static const char *const novak_linux = "AAAJJBKKKLLLMMMFFFGGPHQQ";
static const char *const novak_windows = "AAAJBBCCCLLLMEEFFFGGHHIQ";
static const char *const novak_solaris = "AAAJBBCCCLLLMMMFFFGGHHIQ";
static const char *const novak_first = "AAAJBBCCCLDLMEEFFFGGHHIQ";
static const char *const novak_last = "AJJJJBKKKLLLMMMFNFGOPHQQ";

static void run_novak(enum stream_policy pol, int v6, const char *expect8)
{
	struct defrag_table *dt = table_with(pol);
	const uint8_t *dg = NULL;
	uint32_t len = 0;
	int overlaps = 0;
	for (int i = 0; i < 17; i++) {
		struct tfrag *f = v6 ? frag6(1, (uint16_t)(novak[i].off / 8), i != 16, novak[i].fill,
					     novak[i].len, 1000)
				     : frag4(1, (uint16_t)(novak[i].off / 8), i != 16, novak[i].fill,
					     novak[i].len, 1000);
		int r = defrag_handle(dt, &f->p, &dg, &len);
		if (i < 16) {
			assert_int_equal(r, 0);
		} else {
			assert_int_equal(r, 1);
		}
		enum stream_event ov = v6 ? STREAM_EVENT_DEFRAG_IPV6_FRAG_OVERLAP
					  : STREAM_EVENT_DEFRAG_IPV4_FRAG_OVERLAP;
		if (i < 9)
			assert_false(has_event(dt, ov)); /* the originals do not overlap */
		else if (has_event(dt, ov))
			overlaps++;
		free(f);
	}
	assert_true(overlaps > 0);
	uint32_t hl = v6 ? 40 : 20;
	assert_int_equal(len, hl + 192);
	char got[25];
	for (int i = 0; i < 24; i++) {
		/* every 8-byte block must be one letter */
		for (int j = 1; j < 8; j++)
			assert_int_equal(dg[hl + i * 8 + j], dg[hl + i * 8]);
		got[i] = (char)dg[hl + i * 8];
	}
	got[24] = '\0';
	assert_string_equal(got, expect8);

	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.trackers_active, 0);
	assert_int_equal(st.frags_held, 0);
	assert_int_equal(st.memuse, 0);
	assert_true(st.overlaps > 0);
	defrag_table_destroy(dt);
}

static void test_novak_bsd_v4(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_BSD, 0, novak_bsd);
}

static void test_novak_bsd_v6(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_BSD, 1, novak_bsd);
}

static void test_novak_linux_v4(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_LINUX, 0, novak_linux);
}

static void test_novak_linux_v6(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_LINUX, 1, novak_linux);
}

static void test_novak_windows_v4(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_WINDOWS, 0, novak_windows);
}

static void test_novak_windows_v6(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_WINDOWS, 1, novak_windows);
}

static void test_novak_solaris_v4(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_SOLARIS, 0, novak_solaris);
}

static void test_novak_solaris_v6(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_SOLARIS, 1, novak_solaris);
}

static void test_novak_first_v4(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_FIRST, 0, novak_first);
}

static void test_novak_first_v6(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_FIRST, 1, novak_first);
}

static void test_novak_last_v4(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_LAST, 0, novak_last);
}

static void test_novak_last_v6(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_LAST, 1, novak_last);
}


/* The OS aliases map onto the defrag behaviours as in Suricata. */
static void test_novak_aliases(void **s)
{
	(void)s;
	run_novak(STREAM_POLICY_VISTA, 0, novak_windows);
	run_novak(STREAM_POLICY_WINDOWS2K3, 0, novak_windows);
	run_novak(STREAM_POLICY_OLD_LINUX, 0, novak_linux);
	run_novak(STREAM_POLICY_HPUX11, 0, novak_first);
	run_novak(STREAM_POLICY_MACOS, 0, novak_first);
	run_novak(STREAM_POLICY_OLD_SOLARIS, 0, novak_first);
	run_novak(STREAM_POLICY_HPUX10, 0, novak_bsd);
	run_novak(STREAM_POLICY_IRIX, 1, novak_bsd);
}

/* ---- ordinary reassembly ------------------------------------------------------------------ */

static void test_in_order_v4_header(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	struct tfrag *a = frag4(12, 0, 1, 'A', 8, 1), *b = frag4(12, 1, 1, 'B', 8, 2),
		     *c = frag4(12, 2, 0, 'C', 3, 3);
	const uint8_t *dg;
	uint32_t len;
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &b->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &c->p, &dg, &len), 1);
	assert_int_equal(len, 20 + 19);
	assert_memory_equal(dg + 20, "AAAAAAAABBBBBBBBCCC", 19);
	assert_int_equal((dg[2] << 8) | dg[3], 39);       /* total length */
	assert_int_equal(dg[6] & 0x3f, 0);                /* MF and offset cleared */
	assert_int_equal(dg[7], 0);
	assert_int_equal(csum16(dg, 20), 0);              /* checksum valid */

	/* the rebuilt datagram decodes as one unfragmented packet */
	struct tfrag *r = calloc(1, sizeof(*r));
	memcpy(r->buf, dg, len);
	decode_raw(r, len, 4);
	assert_false(r->p.flags & PKT_F_FRAGMENT);
	assert_int_equal(r->p.ip_len, 39);
	assert_int_equal(r->p.ip_proto, 1);

	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.ipv4_fragments, 3);
	assert_int_equal(st.ipv4_reassembled, 1);
	assert_int_equal(st.overlaps, 0);
	free(a), free(b), free(c), free(r);
	defrag_table_destroy(dt);
}

/*
 * The first fragment's link header (here Ethernet with a VLAN tag) is kept and sits right
 * before the rebuilt datagram, whichever fragment came first; fragments without a link layer
 * leave none.
 */
static void test_link_header_kept(void **s)
{
	(void)s;
	static const uint8_t eth[18] = { 5, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 5,
					 0x81, 0x00, 0x00, 0x06, 0x08, 0x00 };
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	struct tfrag *raw[2] = { frag4(9, 1, 0, 'B', 4, 1), frag4(9, 0, 1, 'A', 8, 2) };
	struct tfrag *f[2];
	for (int i = 0; i < 2; i++) {
		f[i] = calloc(1, sizeof(*f[i]));
		assert_non_null(f[i]);
		memcpy(f[i]->buf, eth, sizeof(eth));
		memcpy(f[i]->buf + sizeof(eth), raw[i]->buf, raw[i]->p.caplen);
		f[i]->p.data = f[i]->buf;
		f[i]->p.caplen = f[i]->p.wirelen = (uint32_t)sizeof(eth) + raw[i]->p.caplen;
		f[i]->p.linktype = LINKTYPE_ETHERNET;
		assert_int_equal(decode_packet(&g_dc, &f[i]->p), 0);
		assert_int_equal(f[i]->p.vlan_count, 1);
	}
	const uint8_t *dg;
	uint32_t len;
	assert_int_equal(defrag_handle(dt, &f[0]->p, &dg, &len), 0);
	assert_int_equal(defrag_last_link_len(dt), 0);
	assert_int_equal(defrag_handle(dt, &f[1]->p, &dg, &len), 1);
	assert_int_equal(len, 20 + 12);
	assert_int_equal(defrag_last_link_len(dt), sizeof(eth));
	assert_memory_equal(dg - sizeof(eth), eth, sizeof(eth));
	assert_int_equal(dg[0], 0x45);
	assert_memory_equal(dg + 20, "AAAAAAAABBBB", 12);

	/* the whole frame decodes with the capture's link type */
	struct packet r;
	memset(&r, 0, sizeof(r));
	r.data = dg - sizeof(eth);
	r.caplen = r.wirelen = len + (uint32_t)sizeof(eth);
	r.linktype = LINKTYPE_ETHERNET;
	assert_int_equal(decode_packet(&g_dc, &r), 0);
	assert_false(r.flags & PKT_F_FRAGMENT);
	assert_int_equal(r.vlan_id[0], 6);
	assert_int_equal(r.ip_len, 32);

	/* raw IP fragments: no link header */
	assert_int_equal(defrag_handle(dt, &raw[0]->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &raw[1]->p, &dg, &len), 1);
	assert_int_equal(defrag_last_link_len(dt), 0);
	assert_int_equal(dg[0], 0x45);
	for (int i = 0; i < 2; i++)
		free(raw[i]), free(f[i]);
	defrag_table_destroy(dt);
}

static void test_reverse_order_v4(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	struct tfrag *c = frag4(7, 2, 0, 'C', 3, 1), *b = frag4(7, 1, 1, 'B', 8, 2),
		     *a = frag4(7, 0, 1, 'A', 8, 3);
	const uint8_t *dg;
	uint32_t len;
	assert_int_equal(defrag_handle(dt, &c->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &b->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), 1);
	assert_memory_equal(dg + 20, "AAAAAAAABBBBBBBBCCC", 19);
	free(a), free(b), free(c);
	defrag_table_destroy(dt);
}

static void test_ipv6_reassembly_and_header(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	struct tfrag *b = frag6x(0x11223344, 2, 0, 'B', 5, 1, 1);
	struct tfrag *a = frag6x(0x11223344, 0, 1, 'A', 16, 1, 2);
	const uint8_t *dg;
	uint32_t len;
	assert_int_equal(defrag_handle(dt, &b->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), 1);
	/* IPv6 header + hop-by-hop (8), no fragment header */
	assert_int_equal(len, 40 + 8 + 21);
	assert_int_equal((dg[4] << 8) | dg[5], 8 + 21);
	assert_int_equal(dg[6], 0);  /* still hop-by-hop first */
	assert_int_equal(dg[40], 58); /* hop-by-hop now names ICMPv6 */
	assert_memory_equal(dg + 48, "AAAAAAAAAAAAAAAABBBBB", 21);
	struct tfrag *r = calloc(1, sizeof(*r));
	memcpy(r->buf, dg, len);
	decode_raw(r, len, 3);
	assert_false(r->p.flags & PKT_F_FRAGMENT);
	assert_int_equal(r->p.ip_proto, 58);
	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.ipv6_reassembled, 1);
	free(a), free(b), free(r);
	defrag_table_destroy(dt);
}

static void test_duplicate_fragment(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	struct tfrag *a = frag4(3, 0, 1, 'A', 8, 1), *a2 = frag4(3, 0, 1, 'A', 8, 2),
		     *b = frag4(3, 1, 0, 'B', 4, 3);
	const uint8_t *dg;
	uint32_t len;
	uint8_t na = a->p.event_count, na2 = a2->p.event_count;
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &a2->p, &dg, &len), 0);
	assert_true(has_event(dt, STREAM_EVENT_DEFRAG_IPV4_FRAG_OVERLAP));
	/* also a decoder event of the fragment, where decode-event rules look */
	assert_int_equal(a2->p.event_count, na2 + 1);
	assert_int_equal(a2->p.events[na2], DECODE_EVENT_IPV4_FRAG_OVERLAP);
	assert_int_equal(a->p.event_count, na);
	assert_int_equal(defrag_handle(dt, &b->p, &dg, &len), 1);
	assert_int_equal(len, 32);
	assert_memory_equal(dg + 20, "AAAAAAAABBBB", 12);
	free(a), free(a2), free(b);
	defrag_table_destroy(dt);
}

/* Different ids, protocols and VLANs are different datagrams. */
static void test_keys_separate(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	struct tfrag *a = frag4(1, 0, 1, 'A', 8, 1), *b = frag4(2, 1, 0, 'B', 8, 2);
	const uint8_t *dg;
	uint32_t len;
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &b->p, &dg, &len), 0); /* other id */
	struct tfrag *v = frag4(1, 1, 0, 'V', 8, 3);
	v->p.vlan_count = 1;
	v->p.vlan_id[0] = 7;
	assert_int_equal(defrag_handle(dt, &v->p, &dg, &len), 0); /* other VLAN */
	struct tfrag *ok = frag4(1, 1, 0, 'C', 8, 4);
	assert_int_equal(defrag_handle(dt, &ok->p, &dg, &len), 1);
	assert_memory_equal(dg + 20, "AAAAAAAACCCCCCCC", 16);
	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.trackers_active, 2);
	free(a), free(b), free(v), free(ok);
	defrag_table_destroy(dt);
}

/* ---- limits and malformed input ------------------------------------------------------------ */

static void test_timeout(void **s)
{
	(void)s;
	struct defrag_config cfg;
	defrag_config_defaults(&cfg);
	cfg.timeout_s = 2;
	struct defrag_table *dt = defrag_table_create(&cfg);
	struct tfrag *a = frag4(9, 0, 1, 'A', 8, 1 * USEC_PER_SEC);
	struct tfrag *b = frag4(9, 1, 0, 'B', 8, 4 * USEC_PER_SEC); /* 3 s later: too late */
	const uint8_t *dg;
	uint32_t len;
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &b->p, &dg, &len), 0);
	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.ipv4_reassembled, 0);
	/* and the lone second fragment times out through defrag_expire */
	assert_int_equal(defrag_expire(dt, 5 * USEC_PER_SEC), 0);
	assert_int_equal(defrag_expire(dt, 7 * USEC_PER_SEC), 1);
	defrag_get_stats(dt, &st);
	assert_int_equal(st.trackers_active, 0);
	assert_int_equal(st.memuse, 0);
	free(a), free(b);
	defrag_table_destroy(dt);
}

static void test_memcap(void **s)
{
	(void)s;
	struct defrag_config cfg;
	defrag_config_defaults(&cfg);
	cfg.memcap = 1000;
	struct defrag_table *dt = defrag_table_create(&cfg);
	const uint8_t *dg;
	uint32_t len;
	int refused = 0;
	for (int i = 0; i < 20; i++) {
		struct tfrag *f = frag4((uint16_t)(100 + i), 0, 1, 'A', 64, 1);
		if (defrag_handle(dt, &f->p, &dg, &len) < 0) {
			refused++;
			assert_true(has_event(dt, STREAM_EVENT_DEFRAG_IPV4_FRAG_IGNORED));
		}
		free(f);
	}
	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_true(refused > 0);
	assert_int_equal(st.memcap_drops, (uint64_t)refused);
	assert_true(st.memuse <= 1000);
	defrag_table_destroy(dt);
}

static void test_max_frags(void **s)
{
	(void)s;
	struct defrag_config cfg;
	defrag_config_defaults(&cfg);
	cfg.max_frags = 2;
	struct defrag_table *dt = defrag_table_create(&cfg);
	const uint8_t *dg;
	uint32_t len;
	struct tfrag *a = frag4(5, 0, 1, 'A', 8, 1), *b = frag4(5, 2, 1, 'B', 8, 1),
		     *c = frag4(5, 4, 1, 'C', 8, 1);
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &b->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &c->p, &dg, &len), -1);
	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.max_frag_hits, 1);
	assert_int_equal(st.frags_held, 2);
	free(a), free(b), free(c);
	defrag_table_destroy(dt);
}

static void test_trackers_limit(void **s)
{
	(void)s;
	struct defrag_config cfg;
	defrag_config_defaults(&cfg);
	cfg.trackers = 3;
	struct defrag_table *dt = defrag_table_create(&cfg);
	const uint8_t *dg;
	uint32_t len;
	for (int i = 0; i < 5; i++) {
		struct tfrag *f = frag4((uint16_t)i, 0, 1, 'A', 8, 1);
		assert_int_equal(defrag_handle(dt, &f->p, &dg, &len), i < 3 ? 0 : -1);
		free(f);
	}
	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.tracker_drops, 2);
	assert_int_equal(st.trackers_active, 3);
	defrag_table_destroy(dt);
}

static void test_too_large_v4(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	const uint8_t *dg;
	uint32_t len;
	/* 8183 * 8 + 71 + 20 > 65535 */
	struct tfrag *f = frag4(1, 8183, 0, 'A', 71, 1);
	assert_int_equal(defrag_handle(dt, &f->p, &dg, &len), -1);
	assert_true(has_event(dt, STREAM_EVENT_DEFRAG_IPV4_FRAG_TOO_LARGE));
	assert_int_equal(f->p.events[f->p.event_count - 1], DECODE_EVENT_IPV4_FRAG_PKT_TOO_LARGE);
	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.too_large, 1);
	assert_int_equal(st.trackers_active, 0);
	free(f);
	defrag_table_destroy(dt);
}

static void test_too_large_v6(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	const uint8_t *dg;
	uint32_t len;
	struct tfrag *f = frag6(1, 8190, 0, 'A', 80, 1); /* 65520 + 80 > 65535 */
	assert_int_equal(defrag_handle(dt, &f->p, &dg, &len), -1);
	assert_true(has_event(dt, STREAM_EVENT_DEFRAG_IPV6_FRAG_TOO_LARGE));
	free(f);
	defrag_table_destroy(dt);
}

static void test_malformed(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	const uint8_t *dg;
	uint32_t len;
	/* MF fragment whose length is not a multiple of 8 */
	struct tfrag *a = frag4(1, 0, 1, 'A', 7, 1);
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), -1);
	/* no data at all */
	struct tfrag *b = frag4(2, 1, 0, 'A', 0, 1);
	assert_int_equal(defrag_handle(dt, &b->p, &dg, &len), -1);
	/* truncated: the header says more than was captured */
	struct tfrag *c = frag4(3, 0, 1, 'A', 16, 1);
	c->p.caplen -= 8;
	assert_int_equal(defrag_handle(dt, &c->p, &dg, &len), -1);
	/* a second last fragment announcing another end */
	struct tfrag *d1 = frag4(4, 1, 0, 'A', 8, 1), *d2 = frag4(4, 2, 0, 'B', 8, 1);
	assert_int_equal(defrag_handle(dt, &d1->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &d2->p, &dg, &len), -1);
	struct defrag_stats st;
	defrag_get_stats(dt, &st);
	assert_int_equal(st.malformed, 4);
	assert_int_equal(st.ipv4_reassembled, 0);
	free(a), free(b), free(c), free(d1), free(d2);
	defrag_table_destroy(dt);
}

/* Bytes past the end the last fragment announced are not part of the datagram. */
static void test_data_past_end_dropped(void **s)
{
	(void)s;
	struct defrag_table *dt = table_with(STREAM_POLICY_BSD);
	const uint8_t *dg;
	uint32_t len;
	struct tfrag *x = frag4(6, 2, 1, 'X', 16, 1); /* [16,32) */
	struct tfrag *l = frag4(6, 1, 0, 'B', 8, 1);  /* last: end 16 */
	struct tfrag *a = frag4(6, 0, 1, 'A', 8, 1);
	assert_int_equal(defrag_handle(dt, &x->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &l->p, &dg, &len), 0);
	assert_int_equal(defrag_handle(dt, &a->p, &dg, &len), 1);
	assert_int_equal(len, 36);
	assert_memory_equal(dg + 20, "AAAAAAAABBBBBBBB", 16);
	free(x), free(l), free(a);
	defrag_table_destroy(dt);
}

/* host-os-policy picks the policy by the datagram's destination, longest prefix first. */
static void test_host_os_policy(void **s)
{
	(void)s;
	struct defrag_config cfg;
	defrag_config_defaults(&cfg);
	assert_int_equal(stream_host_os_add(&cfg.hosts, "10.0.0.0/8", STREAM_POLICY_LAST), 0);
	assert_int_equal(stream_host_os_add(&cfg.hosts, "10.0.0.2", STREAM_POLICY_LINUX), 0);
	assert_int_equal(stream_host_os_add(&cfg.hosts, "10.0.0.0/16", STREAM_POLICY_FIRST), 0);
	struct ip_addr a;
	assert_int_equal(ip_addr_parse("10.0.0.2", &a), 0);
	assert_int_equal(stream_host_os_lookup(&cfg.hosts, &a, STREAM_POLICY_BSD),
			 STREAM_POLICY_LINUX);
	assert_int_equal(ip_addr_parse("10.0.9.9", &a), 0);
	assert_int_equal(stream_host_os_lookup(&cfg.hosts, &a, STREAM_POLICY_BSD),
			 STREAM_POLICY_FIRST);
	assert_int_equal(ip_addr_parse("10.1.0.1", &a), 0);
	assert_int_equal(stream_host_os_lookup(&cfg.hosts, &a, STREAM_POLICY_BSD),
			 STREAM_POLICY_LAST);
	assert_int_equal(ip_addr_parse("192.168.0.1", &a), 0);
	assert_int_equal(stream_host_os_lookup(&cfg.hosts, &a, STREAM_POLICY_BSD),
			 STREAM_POLICY_BSD);
	assert_int_equal(ip_addr_parse("2001:db8::2", &a), 0);
	assert_int_equal(stream_host_os_lookup(&cfg.hosts, &a, STREAM_POLICY_WINDOWS),
			 STREAM_POLICY_WINDOWS);
	assert_int_equal(stream_host_os_add(&cfg.hosts, "10.0.0.0/33", STREAM_POLICY_LAST), -1);
	assert_int_equal(stream_host_os_add(&cfg.hosts, "not-an-ip", STREAM_POLICY_LAST), -1);

	/* 10.0.0.2 is the fragments' destination: linux behaviour instead of bsd */
	struct defrag_table *dt = defrag_table_create(&cfg);
	const uint8_t *dg = NULL;
	uint32_t len = 0;
	for (int i = 0; i < 17; i++) {
		struct tfrag *f = frag4(1, (uint16_t)(novak[i].off / 8), i != 16, novak[i].fill,
					novak[i].len, 1);
		defrag_handle(dt, &f->p, &dg, &len);
		free(f);
	}
	assert_non_null(dg);
	char got[25];
	for (int i = 0; i < 24; i++)
		got[i] = (char)dg[20 + i * 8];
	got[24] = '\0';
	assert_string_equal(got, novak_linux);
	defrag_table_destroy(dt);
}

/* ---- configuration and names --------------------------------------------------------------- */

static void test_config_from_yaml(void **s)
{
	(void)s;
	const char *y = "%YAML 1.1\n---\n"
			"stream:\n"
			"  memcap: 2mb\n"
			"  midstream: true\n"
			"  async-oneside: yes\n"
			"  checksum-validation: no\n"
			"  inline: yes\n"
			"  reassembly:\n"
			"    memcap: 8mb\n"
			"    depth: 4kb\n"
			"    toserver-chunk-size: 1000\n"
			"    toclient-chunk-size: 3000\n"
			"defrag:\n"
			"  memcap: 1mb\n"
			"  hash-size: 1024\n"
			"  trackers: 500\n"
			"  max-frags: 600\n"
			"  prealloc: no\n"
			"  timeout: 30\n"
			"host-os-policy:\n"
			"  windows: [0.0.0.0/0]\n"
			"  linux: [10.0.0.0/8, \"2001:db8::/32\"]\n"
			"  solaris: \"::1\"\n"
			"  bsd: []\n";
	struct conf *c = NULL;
	char err[CONF_ERR_LEN];
	assert_int_equal(conf_load_string(&c, y, strlen(y), "t.yaml", err, sizeof(err)), 0);
	struct defrag_config d;
	struct stream_config sc;
	assert_int_equal(stream_config_from_conf(&d, &sc, c, err, sizeof(err)), 0);
	assert_int_equal(sc.memcap, 2u << 20);
	assert_true(sc.midstream);
	assert_true(sc.async_oneside);
	assert_false(sc.checksum_validation);
	assert_int_equal(sc.inline_mode, STREAM_INLINE_YES);
	assert_true(stream_config_is_inline(&sc));
	assert_int_equal(sc.reassembly_memcap, 8u << 20);
	assert_int_equal(sc.reassembly_depth, 4096);
	assert_int_equal(sc.toserver_chunk_size, 1000);
	assert_int_equal(sc.toclient_chunk_size, 3000);
	assert_int_equal(d.memcap, 1u << 20);
	assert_int_equal(d.hash_size, 1024);
	assert_int_equal(d.trackers, 500);
	assert_int_equal(d.max_frags, 600);
	assert_false(d.prealloc);
	assert_int_equal(d.timeout_s, 30);
	assert_int_equal(sc.hosts.n, 4);
	assert_int_equal(d.hosts.n, 4);
	struct ip_addr a;
	ip_addr_parse("10.1.2.3", &a);
	assert_int_equal(stream_host_os_lookup(&sc.hosts, &a, STREAM_POLICY_BSD), STREAM_POLICY_LINUX);
	ip_addr_parse("8.8.8.8", &a);
	assert_int_equal(stream_host_os_lookup(&d.hosts, &a, STREAM_POLICY_BSD), STREAM_POLICY_WINDOWS);
	ip_addr_parse("::1", &a);
	assert_int_equal(stream_host_os_lookup(&sc.hosts, &a, STREAM_POLICY_BSD), STREAM_POLICY_SOLARIS);
	ip_addr_parse("2001:db8:1::5", &a);
	assert_int_equal(stream_host_os_lookup(&sc.hosts, &a, STREAM_POLICY_BSD), STREAM_POLICY_LINUX);
	conf_free(c);

	/* defaults without a configuration */
	assert_int_equal(stream_config_from_conf(&d, &sc, NULL, err, sizeof(err)), 0);
	assert_int_equal(sc.reassembly_depth, 1u << 20);
	assert_true(sc.checksum_validation);
	assert_int_equal(d.timeout_s, 60);
	assert_int_equal(d.policy, STREAM_POLICY_BSD);
	/* stream.inline defaults to auto (as suricata.yaml ships): IDS unless running as an IPS */
	assert_int_equal(sc.inline_mode, STREAM_INLINE_AUTO);
	assert_false(stream_config_is_inline(&sc));
	sc.ips = true;
	assert_true(stream_config_is_inline(&sc));
}

/* stream.inline: yes / no / auto; no stays IDS even in an IPS. */
static void test_config_inline(void **s)
{
	(void)s;
	static const struct {
		const char *yaml;
		enum stream_inline mode;
		bool inline_ids, inline_ips;
	} cases[] = {
		{ "stream:\n  inline: auto\n", STREAM_INLINE_AUTO, false, true },
		{ "stream:\n  inline: AUTO\n", STREAM_INLINE_AUTO, false, true },
		{ "stream:\n  inline: no\n", STREAM_INLINE_NO, false, false },
		{ "stream:\n  inline: false\n", STREAM_INLINE_NO, false, false },
		{ "stream:\n  inline: yes\n", STREAM_INLINE_YES, true, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf *c = NULL;
		char err[CONF_ERR_LEN];
		const char *y = cases[i].yaml;
		assert_int_equal(conf_load_string(&c, y, strlen(y), "t.yaml", err, sizeof(err)), 0);
		struct defrag_config d;
		struct stream_config sc;
		assert_int_equal(stream_config_from_conf(&d, &sc, c, err, sizeof(err)), 0);
		assert_int_equal(sc.inline_mode, cases[i].mode);
		assert_int_equal(stream_config_is_inline(&sc), cases[i].inline_ids);
		sc.ips = true;
		assert_int_equal(stream_config_is_inline(&sc), cases[i].inline_ips);
		conf_free(c);
	}
}

static void expect_conf_error(const char *y, const char *needle)
{
	struct conf *c = NULL;
	char err[CONF_ERR_LEN] = "";
	assert_int_equal(conf_load_string(&c, y, strlen(y), "bad.yaml", err, sizeof(err)), 0);
	struct defrag_config d;
	struct stream_config sc;
	assert_int_equal(stream_config_from_conf(&d, &sc, c, err, sizeof(err)), -1);
	if (!strstr(err, needle) || !strstr(err, "bad.yaml:") || !strstr(err, ": error: ")) {
		print_error("unexpected message: %s\n", err);
		fail();
	}
	conf_free(c);
}

static void test_config_errors(void **s)
{
	(void)s;
	expect_conf_error("host-os-policy:\n  beos: [1.2.3.4]\n", "unknown policy 'beos'");
	expect_conf_error("host-os-policy:\n  linux: [1.2.3.4, 300.1.1.1]\n", "'300.1.1.1'");
	expect_conf_error("host-os-policy:\n  linux: [1.2.3.0/40]\n", "'1.2.3.0/40'");
	expect_conf_error("stream:\n  midstream: maybe\n", "bad.yaml:2:");
	expect_conf_error("stream:\n  inline: sometimes\n", "stream.inline: expected yes, no or auto");
	expect_conf_error("stream:\n  reassembly:\n    depth: lots\n", "depth");
	expect_conf_error("defrag:\n  timeout: 0\n", "defrag.timeout");
	expect_conf_error("defrag:\n  max-frags: -5\n", "max-frags");
}

static void test_names(void **s)
{
	(void)s;
	for (int i = 0; i < STREAM_POLICY_MAX; i++) {
		const char *n = stream_policy_name((enum stream_policy)i);
		assert_non_null(n);
		assert_int_equal(stream_policy_parse(n), i);
	}
	assert_int_equal(stream_policy_parse("bsd-right"), STREAM_POLICY_BSD_RIGHT);
	assert_int_equal(stream_policy_parse("nope"), -1);
	assert_null(stream_policy_name(STREAM_POLICY_MAX));
	for (int i = 1; i < STREAM_EVENT_MAX; i++) {
		const char *n = stream_event_name((enum stream_event)i);
		assert_non_null(n);
		assert_int_equal(stream_event_lookup(n), i);
	}
	assert_null(stream_event_name(STREAM_EVENT_NONE));
	assert_int_equal(stream_event_lookup("stream.reassembly_seq_gap"),
			 STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP);
	assert_int_equal(stream_event_lookup("no_such_event"), STREAM_EVENT_NONE);
	assert_true(stream_event_is_decoder(STREAM_EVENT_DEFRAG_IPV6_FRAG_OVERLAP));
	assert_false(stream_event_is_decoder(STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP));
}

/* Every event name is one Suricata's shipped rules use (decoder or stream events). */
static void test_event_names_in_suricata_rules(void **s)
{
	(void)s;
	const char *dir = getenv("AEGIS_CORPUS");
	char path[1024], path2[1024];
	snprintf(path, sizeof(path), "%s/rulesets/suricata-9.0.0-dev/stream-events.rules",
		 dir ? dir : AEGIS_SRCDIR "/../shared/corpus");
	snprintf(path2, sizeof(path2), "%s/rulesets/suricata-9.0.0-dev/decoder-events.rules",
		 dir ? dir : AEGIS_SRCDIR "/../shared/corpus");
	FILE *f1 = fopen(path, "r"), *f2 = fopen(path2, "r");
	if (!f1 || !f2) {
		if (f1)
			fclose(f1);
		if (f2)
			fclose(f2);
		printf("SKIP: %s not found (set AEGIS_CORPUS)\n", path);
		skip();
	}
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof(text) / 2 - 1, f1);
	n += fread(text + n, 1, sizeof(text) - n - 1, f2);
	text[n] = '\0';
	fclose(f1);
	fclose(f2);
	/* frag_ignored is a decoder event Suricata defines but ships no rule for */
	for (int i = 1; i < STREAM_EVENT_MAX; i++) {
		enum stream_event e = (enum stream_event)i;
		if (e == STREAM_EVENT_DEFRAG_IPV4_FRAG_IGNORED ||
		    e == STREAM_EVENT_DEFRAG_IPV6_FRAG_IGNORED)
			continue;
		char want[128];
		snprintf(want, sizeof(want), "%s:%s;",
			 stream_event_is_decoder(e) ? "decode-event" : "stream-event",
			 stream_event_name(e));
		if (!strstr(text, want)) {
			print_error("%s not in Suricata's rules\n", want);
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_novak_bsd_v4),
		cmocka_unit_test(test_novak_bsd_v6),
		cmocka_unit_test(test_novak_linux_v4),
		cmocka_unit_test(test_novak_linux_v6),
		cmocka_unit_test(test_novak_windows_v4),
		cmocka_unit_test(test_novak_windows_v6),
		cmocka_unit_test(test_novak_solaris_v4),
		cmocka_unit_test(test_novak_solaris_v6),
		cmocka_unit_test(test_novak_first_v4),
		cmocka_unit_test(test_novak_first_v6),
		cmocka_unit_test(test_novak_last_v4),
		cmocka_unit_test(test_novak_last_v6),
		cmocka_unit_test(test_novak_aliases),
		cmocka_unit_test(test_in_order_v4_header),
		cmocka_unit_test(test_reverse_order_v4),
		cmocka_unit_test(test_link_header_kept),
		cmocka_unit_test(test_ipv6_reassembly_and_header),
		cmocka_unit_test(test_duplicate_fragment),
		cmocka_unit_test(test_keys_separate),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_memcap),
		cmocka_unit_test(test_max_frags),
		cmocka_unit_test(test_trackers_limit),
		cmocka_unit_test(test_too_large_v4),
		cmocka_unit_test(test_too_large_v6),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_data_past_end_dropped),
		cmocka_unit_test(test_host_os_policy),
		cmocka_unit_test(test_config_from_yaml),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_inline),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_event_names_in_suricata_rules),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
