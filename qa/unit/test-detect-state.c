/*
 * test-detect-state.c — unit tests of the header keywords (every keyword, positive and
 * negative, with modifiers and ranges, IPv6 equivalents), the flow keyword (each option with
 * crafted flows), and per-flow / per-host variables (flowbits groups and set-after-match,
 * flowint arithmetic and comparisons, xbits/hostbits tracking, expiry and the host table cap).
 */
#include "test-detect-state-helpers.h"

#include <stdlib.h>

/* ---- header keywords ---------------------------------------------------------------------- */

static void test_ttl(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN, 1);
	assert_true(ts_hdr("ttl:64", "ttl", &p));
	assert_false(ts_hdr("ttl:63", "ttl", &p));
	assert_true(ts_hdr("ttl:<65", "ttl", &p));
	assert_false(ts_hdr("ttl:>64", "ttl", &p));
	assert_true(ts_hdr("ttl:>=64", "ttl", &p));
	assert_true(ts_hdr("ttl:60<>70", "ttl", &p));
	assert_false(ts_hdr("ttl:64-70", "ttl", &p)); /* ranges are exclusive */
	assert_true(ts_hdr("ttl:!1", "ttl", &p));
	/* IPv6: hop limit */
	p.ip_version = 6;
	p.ip_ttl = 1;
	assert_true(ts_hdr("ttl:1", "ttl", &p));
	p.ip_version = 0;
	assert_false(ts_hdr("ttl:0", "ttl", &p));
}

static void test_tos_id(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN, 1);
	p.ip_tos = 0x10;
	assert_true(ts_hdr("tos:16", "tos", &p));
	assert_true(ts_hdr("tos:0x10", "tos", &p));
	assert_false(ts_hdr("tos:!16", "tos", &p));
	assert_true(ts_hdr("tos:!8", "tos", &p));
	assert_true(ts_hdr("tos:x10", "tos", &p));
	p.ip_id = 31337;
	assert_true(ts_hdr("id:31337", "id", &p));
	assert_false(ts_hdr("id:31338", "id", &p));
	/* IPv4 header fields: never on IPv6, not even negated (Suricata) */
	p.ip_version = 6;
	p.ipv6_exthdrs = IPV6_EXT_F_FRAG;
	assert_false(ts_hdr("id:31337", "id", &p));
	assert_false(ts_hdr("tos:16", "tos", &p));
	assert_false(ts_hdr("tos:!8", "tos", &p));
}

static void test_ipopts(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN, 1);
	assert_false(ts_hdr("ipopts:any", "ipopts", &p));
	assert_false(ts_hdr("ipopts:rr", "ipopts", &p));
	p.ipv4_opts = IPV4_OPT_F_RR | IPV4_OPT_F_ANY;
	assert_true(ts_hdr("ipopts:rr", "ipopts", &p));
	assert_true(ts_hdr("ipopts:any", "ipopts", &p));
	assert_false(ts_hdr("ipopts:lsrr", "ipopts", &p));
	p.ipv4_opts = IPV4_OPT_F_SATID;
	assert_true(ts_hdr("ipopts:satid", "ipopts", &p));
	p.ipv4_opts = IPV4_OPT_F_SSRR;
	assert_true(ts_hdr("ipopts:ssrr", "ipopts", &p));
	assert_false(ts_hdr("ipopts:ts", "ipopts", &p));
	p.ip_version = 6; /* IPv4 options only */
	assert_false(ts_hdr("ipopts:ssrr", "ipopts", &p));
}

static void test_fragbits(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN, 1);
	p.ip_frag_flags = IP_FRAG_MF | IP_FRAG_DF;
	assert_true(ts_hdr("fragbits:MD", "fragbits", &p));
	assert_false(ts_hdr("fragbits:M", "fragbits", &p)); /* exact */
	assert_true(ts_hdr("fragbits:M+", "fragbits", &p));
	assert_true(ts_hdr("fragbits:*MR", "fragbits", &p));
	assert_false(ts_hdr("fragbits:*R", "fragbits", &p));
	assert_true(ts_hdr("fragbits:!R", "fragbits", &p));
	assert_false(ts_hdr("fragbits:!D", "fragbits", &p));
	p.ip_frag_flags = IP_FRAG_MF; /* Suricata's fragbits '+' needs another bit too */
	assert_false(ts_hdr("fragbits:M+", "fragbits", &p));
	assert_true(ts_hdr("fragbits:M", "fragbits", &p));
	p.ip_frag_flags = 0;
	assert_true(ts_hdr("fragbits:!D", "fragbits", &p));
	assert_false(ts_hdr("fragbits:D+", "fragbits", &p));
	p.ip_version = 6;
	assert_false(ts_hdr("fragbits:!D", "fragbits", &p));
}

static void test_fragoffset(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN, 1);
	assert_true(ts_hdr("fragoffset:0", "fragoffset", &p));
	assert_false(ts_hdr("fragoffset:>0", "fragoffset", &p));
	p.ip_frag_offset = 185;
	assert_true(ts_hdr("fragoffset:>0", "fragoffset", &p));
	p.ip_version = 6; /* from the IPv6 fragment header */
	assert_true(ts_hdr("fragoffset:185", "fragoffset", &p));
	p.ip_version = 4;
	assert_true(ts_hdr("fragoffset:185", "fragoffset", &p));
	assert_true(ts_hdr("fragoffset:!0", "fragoffset", &p));
	assert_false(ts_hdr("fragoffset:<100", "fragoffset", &p));
}

static void test_ip_proto_sameip(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN, 1);
	assert_true(ts_hdr("ip_proto:tcp", "ip_proto", &p));
	assert_true(ts_hdr("ip_proto:6", "ip_proto", &p));
	assert_false(ts_hdr("ip_proto:udp", "ip_proto", &p));
	assert_true(ts_hdr("ip_proto:!udp", "ip_proto", &p));
	assert_true(ts_hdr("ip_proto:<17", "ip_proto", &p));
	assert_false(ts_hdr("ip_proto:>6", "ip_proto", &p));
	p.ip_proto = 58;
	assert_true(ts_hdr("ip_proto:ipv6-icmp", "ip_proto", &p));
	assert_false(ts_hdr("sameip", "sameip", &p));
	p.dst = p.src;
	assert_true(ts_hdr("sameip", "sameip", &p));
}

static void test_flags_basic(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN, 1);
	assert_true(ts_hdr("flags:S", "flags", &p));
	assert_false(ts_hdr("flags:SA", "flags", &p));
	assert_false(ts_hdr("flags:A", "flags", &p));
	ts_tcp(&p, TH_SYN | TH_ACK, 1);
	assert_false(ts_hdr("flags:S", "flags", &p)); /* exact: ACK is extra */
	assert_true(ts_hdr("flags:SA", "flags", &p));
	assert_true(ts_hdr("flags:AS", "flags", &p));
	assert_true(ts_hdr("tcp.flags:SA", "flags", &p));
	ts_tcp(&p, 0, 1);
	assert_true(ts_hdr("flags:0", "flags", &p));
	ts_tcp(&p, TH_RST, 1);
	assert_false(ts_hdr("flags:0", "flags", &p));
}

static void test_flags_modifiers(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN | TH_FIN | TH_ACK, 1);
	assert_true(ts_hdr("flags:SF+", "flags", &p));  /* all of S F, others allowed */
	assert_true(ts_hdr("flags:+SF", "flags", &p));
	assert_false(ts_hdr("flags:SR+", "flags", &p));
	assert_true(ts_hdr("flags:*RF", "flags", &p));   /* any of */
	assert_false(ts_hdr("flags:*RU", "flags", &p));
	assert_true(ts_hdr("flags:!R", "flags", &p));    /* R not set */
	assert_false(ts_hdr("flags:!S", "flags", &p));
	assert_true(ts_hdr("flags:!SR", "flags", &p));   /* not all of S R */
	assert_false(ts_hdr("flags:!SA", "flags", &p));
}

static void test_flags_mask_and_aliases(void **state)
{
	(void)state;
	struct packet p;
	/* SYN with ECN bits: "S,12" ignores CWR and ECE (the classic aliases 1 and 2) */
	ts_tcp(&p, TH_SYN | TH_CWR | TH_ECE, 1);
	assert_false(ts_hdr("flags:S", "flags", &p));
	assert_true(ts_hdr("flags:S,12", "flags", &p));
	assert_true(ts_hdr("flags:S,CE", "flags", &p));
	assert_true(ts_hdr("flags:SCE", "flags", &p));
	assert_true(ts_hdr("flags:S12", "flags", &p));
	ts_tcp(&p, TH_SYN | TH_CWR, 1);
	assert_true(ts_hdr("flags:S1", "flags", &p));
	assert_false(ts_hdr("flags:S2", "flags", &p));
	assert_true(ts_hdr("flags:S,1", "flags", &p));
	/* not TCP: never */
	ts_udp(&p, 1);
	assert_false(ts_hdr("flags:0", "flags", &p));
}

static void test_seq_ack_window(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_ACK, 1);
	p.tcp_seq = 0;
	p.tcp_ack = 4000000000u;
	assert_true(ts_hdr("seq:0", "seq", &p));
	assert_false(ts_hdr("seq:1", "seq", &p));
	assert_true(ts_hdr("ack:4000000000", "ack", &p));
	assert_false(ts_hdr("ack:0", "ack", &p));
	assert_true(ts_hdr("window:1024", "window", &p));
	assert_false(ts_hdr("window:!1024", "window", &p));
	assert_true(ts_hdr("window:!55808", "window", &p));
	assert_true(ts_hdr("window:<2000", "window", &p));
	ts_udp(&p, 1);
	assert_false(ts_hdr("window:!55808", "window", &p));
}

static void test_tcp_mss(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_SYN, 1);
	assert_false(ts_hdr("tcp.mss:<536", "tcp.mss", &p)); /* no MSS option */
	p.tcp_opts.has_mss = 1;
	p.tcp_opts.mss = 1460;
	assert_true(ts_hdr("tcp.mss:1460", "tcp.mss", &p));
	assert_false(ts_hdr("tcp.mss:<536", "tcp.mss", &p));
	p.tcp_opts.mss = 100;
	assert_true(ts_hdr("tcp.mss:<536", "tcp.mss", &p));
}

static void icmp_pkt(struct packet *p, uint8_t type, uint8_t code)
{
	ts_tcp(p, 0, 1);
	p->ip_proto = 1;
	p->icmp_type = type;
	p->icmp_code = code;
	p->sp = type;
	p->dp = code;
}

static void test_itype_icode(void **state)
{
	(void)state;
	struct packet p;
	icmp_pkt(&p, 8, 0);
	assert_true(ts_hdr("itype:8", "itype", &p));
	assert_false(ts_hdr("itype:0", "itype", &p));
	assert_true(ts_hdr("itype:>5", "itype", &p));
	assert_true(ts_hdr("itype:5<>10", "itype", &p));
	assert_false(ts_hdr("itype:8<>10", "itype", &p));
	assert_true(ts_hdr("icode:0", "icode", &p));
	assert_true(ts_hdr("icode:<1", "icode", &p));
	icmp_pkt(&p, 3, 13);
	assert_true(ts_hdr("icode:>12", "icode", &p));
	assert_false(ts_hdr("icode:!13", "icode", &p));
	/* ICMPv6 */
	p.ip_version = 6;
	p.ip_proto = 58;
	p.icmp_type = 128;
	assert_true(ts_hdr("itype:128", "itype", &p));
	/* ICMP keywords never match TCP */
	ts_tcp(&p, 0, 1);
	assert_false(ts_hdr("itype:0", "itype", &p));
}

static void test_icmp_id_seq(void **state)
{
	(void)state;
	struct packet p;
	icmp_pkt(&p, 8, 0);
	p.icmp_id = 77;
	p.icmp_seq = 3;
	assert_false(ts_hdr("icmp_id:77", "icmp_id", &p)); /* no id in this message */
	p.icmp_has_id = true;
	assert_true(ts_hdr("icmp_id:77", "icmp_id", &p));
	assert_false(ts_hdr("icmp_id:78", "icmp_id", &p));
	assert_true(ts_hdr("icmp_seq:3", "icmp_seq", &p));
	assert_false(ts_hdr("icmp_seq:>3", "icmp_seq", &p));
}

static void test_dsize(void **state)
{
	(void)state;
	struct packet p;
	ts_tcp(&p, TH_ACK, 1);
	assert_true(ts_hdr("dsize:0", "dsize", &p));
	p.payload_len = 300;
	assert_true(ts_hdr("dsize:>256", "dsize", &p));
	assert_false(ts_hdr("dsize:<256", "dsize", &p));
	assert_true(ts_hdr("dsize:200<>400", "dsize", &p));
	assert_true(ts_hdr("dsize:!299", "dsize", &p));
}

static void test_num_ops(void **state)
{
	(void)state;
	struct rule_num n = { .op = RULE_NUM_MASK_EQ, .lo = 0xc0, .hi = 0x80 };
	assert_true(detect_num_match(&n, 0x8f));
	assert_false(detect_num_match(&n, 0xcf));
	n.op = RULE_NUM_MASK_NE;
	assert_true(detect_num_match(&n, 0xcf));
	n = (struct rule_num){ .op = RULE_NUM_NRANGE, .lo = 10, .hi = 20 };
	assert_true(detect_num_match(&n, 10));
	assert_false(detect_num_match(&n, 15));
	assert_true(detect_num_match(&n, 20));
	n = (struct rule_num){ .op = RULE_NUM_LE, .lo = 5 };
	assert_true(detect_num_match(&n, 5));
	assert_false(detect_num_match(&n, 6));
}

static void test_header_supported(void **state)
{
	(void)state;
	static const char *const yes[] = { "ttl", "tos", "id", "ipopts", "fragbits", "fragoffset",
					   "ip_proto", "sameip", "flags", "tcp.flags", "seq", "ack",
					   "window", "tcp.mss", "itype", "icode", "icmp_id",
					   "icmp_seq", "dsize" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		const struct rules_keyword *kw = rules_keyword_lookup(yes[i]);
		assert_non_null(kw);
		assert_true(detect_header_supported(kw));
	}
	assert_false(detect_header_supported(rules_keyword_lookup("content")));
	assert_false(detect_header_supported(rules_keyword_lookup("flow")));
	assert_false(detect_header_supported(NULL));
}

/* ---- the flow keyword --------------------------------------------------------------------- */

static void flow_tcp(struct flow *f, enum tcp_state st)
{
	memset(f, 0, sizeof(*f));
	f->ip_proto = 6;
	f->flow_id = 42;
	f->tcp_state = (uint8_t)st;
	f->state = st >= TCP_STATE_ESTABLISHED ? FLOW_STATE_ESTABLISHED : FLOW_STATE_NEW;
}

static void test_flow_direction(void **state)
{
	(void)state;
	struct packet p;
	struct flow f;
	ts_tcp(&p, TH_SYN, 1);
	assert_false(detect_flow_match(RULE_FLOW_TO_SERVER, &p)); /* no flow, no direction */
	assert_true(detect_flow_match(RULE_FLOW_STATELESS, &p));
	flow_tcp(&f, TCP_STATE_SYN_SENT);
	p.flow = &f;
	p.flow_dir = FLOW_DIR_TO_SERVER;
	assert_true(detect_flow_match(RULE_FLOW_TO_SERVER, &p));
	assert_false(detect_flow_match(RULE_FLOW_TO_CLIENT, &p));
	p.flow_dir = FLOW_DIR_TO_CLIENT;
	assert_true(detect_flow_match(RULE_FLOW_TO_CLIENT, &p));
	assert_false(detect_flow_match(RULE_FLOW_TO_SERVER, &p));
	assert_true(detect_flow_match(RULE_FLOW_STATELESS, &p));
	/* from_client / from_server are parsed to the same bits */
	struct rules_ruleset *rs =
		ts_load("alert tcp any any -> any any (flow:from_server; sid:1;)\n");
	assert_int_equal(ts_find(rules_ruleset_rule(rs, 0), "flow", 0)->u.flow,
			 RULE_FLOW_TO_CLIENT);
	assert_true(detect_flow_match(ts_find(rules_ruleset_rule(rs, 0), "flow", 0)->u.flow, &p));
	rules_ruleset_free(rs);
}

static void test_flow_established_tcp(void **state)
{
	(void)state;
	struct packet p;
	struct flow f;
	ts_tcp(&p, TH_ACK, 1);
	p.flow = &f;
	const uint32_t est = RULE_FLOW_ESTABLISHED | RULE_FLOW_TO_SERVER;
	flow_tcp(&f, TCP_STATE_SYN_RECV);
	assert_false(detect_flow_match(est, &p));
	assert_true(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED, &p));
	flow_tcp(&f, TCP_STATE_ESTABLISHED);
	assert_true(detect_flow_match(est, &p));
	assert_false(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED, &p));
	flow_tcp(&f, TCP_STATE_FIN_WAIT1); /* still established while closing */
	assert_true(detect_flow_match(est, &p));
	flow_tcp(&f, TCP_STATE_TIME_WAIT);
	assert_true(detect_flow_match(est, &p));
	/* SYN answered by RST: closed, never established */
	flow_tcp(&f, TCP_STATE_CLOSED);
	f.tcp_flags[0] = TH_SYN;
	f.tcp_flags[1] = TH_RST | TH_ACK;
	assert_false(detect_flow_match(est, &p));
	assert_true(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED, &p));
	f.tcp_flags[0] |= TH_ACK;
	assert_true(detect_flow_match(est, &p));
}

/* Suricata judges "established" on the state before the packet: the handshake's final ACK is
 * not established yet, the client's next packet is. */
static void test_flow_established_handshake_ack(void **state)
{
	(void)state;
	struct packet p;
	struct flow f;
	ts_tcp(&p, TH_ACK, 1);
	p.flow = &f;
	p.flow_dir = FLOW_DIR_TO_SERVER;
	const uint32_t est = RULE_FLOW_ESTABLISHED | RULE_FLOW_TO_SERVER;
	flow_tcp(&f, TCP_STATE_ESTABLISHED); /* after SYN, SYN/ACK and this ACK */
	f.tcp_flags[0] = TH_SYN | TH_ACK;
	f.tcp_flags[1] = TH_SYN | TH_ACK;
	f.pkts[FLOW_DIR_TO_SERVER] = 2;
	f.pkts[FLOW_DIR_TO_CLIENT] = 1;
	assert_false(detect_flow_match(est, &p));
	assert_true(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED, &p));
	/* the client's next packet */
	f.pkts[FLOW_DIR_TO_SERVER] = 3;
	assert_true(detect_flow_match(est, &p));
	assert_false(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED, &p));
	/* the server's first packet after the handshake */
	f.pkts[FLOW_DIR_TO_SERVER] = 2;
	p.flow_dir = FLOW_DIR_TO_CLIENT;
	assert_true(detect_flow_match(RULE_FLOW_ESTABLISHED, &p));
	/* a session picked up midstream has no handshake ACK to hold back */
	p.flow_dir = FLOW_DIR_TO_SERVER;
	f.flags |= FLOW_F_MIDSTREAM;
	assert_true(detect_flow_match(est, &p));
}

static void test_flow_established_udp(void **state)
{
	(void)state;
	struct packet p;
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.ip_proto = 17;
	ts_udp(&p, 1);
	p.flow = &f;
	assert_false(detect_flow_match(RULE_FLOW_ESTABLISHED, &p));
	assert_true(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED, &p));
	/* the flow stage marks a UDP flow established once both directions were seen */
	f.flags = FLOW_F_TO_DST_SEEN | FLOW_F_TO_SRC_SEEN;
	f.state = FLOW_STATE_ESTABLISHED;
	p.flow_dir = FLOW_DIR_TO_CLIENT;
	assert_true(detect_flow_match(RULE_FLOW_ESTABLISHED | RULE_FLOW_TO_CLIENT, &p));
	assert_false(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED, &p));
}

static void test_flow_stream_frag(void **state)
{
	(void)state;
	struct packet p;
	struct flow f;
	ts_tcp(&p, TH_ACK, 1);
	flow_tcp(&f, TCP_STATE_ESTABLISHED);
	p.flow = &f;
	/* packets are never stream chunks */
	assert_false(detect_flow_match(RULE_FLOW_ONLY_STREAM, &p));
	assert_false(detect_flow_match(RULE_FLOW_ONLY_STREAM | RULE_FLOW_ESTABLISHED, &p));
	assert_true(detect_flow_match(RULE_FLOW_NO_STREAM | RULE_FLOW_ESTABLISHED, &p));
	assert_true(detect_flow_match(RULE_FLOW_NO_FRAG, &p));
	assert_false(detect_flow_match(RULE_FLOW_ONLY_FRAG, &p));
	/* a raw fragment was not rebuilt by defrag: no_frag, as in Suricata */
	p.flags |= PKT_F_FRAGMENT;
	assert_false(detect_flow_match(RULE_FLOW_ONLY_FRAG, &p));
	assert_true(detect_flow_match(RULE_FLOW_NO_FRAG | RULE_FLOW_ESTABLISHED, &p));
	/* no flow: no direction, not established */
	p.flow = NULL;
	assert_true(detect_flow_match(RULE_FLOW_NO_FRAG | RULE_FLOW_STATELESS, &p));
	assert_false(detect_flow_match(RULE_FLOW_ESTABLISHED, &p));
	assert_true(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED, &p));
	assert_false(detect_flow_match(RULE_FLOW_NOT_ESTABLISHED | RULE_FLOW_TO_SERVER, &p));
	assert_false(detect_flow_match(RULE_FLOW_TO_CLIENT, &p));
}

/* ---- variables ---------------------------------------------------------------------------- */

struct vars_fixture {
	struct rules_ruleset *rs;
	struct detect_vars_names vn;
	struct detect_hosts *hosts;
};

static struct vars_fixture *vf_new(const char *rules)
{
	struct vars_fixture *v = calloc(1, sizeof(*v));
	assert_non_null(v);
	v->rs = ts_load(rules);
	detect_vars_names_init(&v->vn);
	v->hosts = detect_hosts_new(64);
	assert_non_null(v->hosts);
	return v;
}

static void vf_free(struct vars_fixture *v)
{
	detect_hosts_free(v->hosts);
	detect_vars_names_free(&v->vn);
	rules_ruleset_free(v->rs);
	free(v);
}

static struct detect_bits_op vf_bits(struct vars_fixture *v, size_t rule, const char *kw, int nth)
{
	struct detect_bits_op op;
	const struct rule_match *m = ts_find(rules_ruleset_rule(v->rs, rule), kw, nth);
	assert_non_null(m);
	assert_int_equal(detect_bits_compile(&v->vn, m, &op), 0);
	return op;
}

static void test_vars_intern(void **state)
{
	(void)state;
	struct detect_vars_names vn;
	detect_vars_names_init(&vn);
	assert_int_equal(detect_vars_find(&vn, "a"), -1);
	int a = detect_vars_intern(&vn, "a");
	int b = detect_vars_intern(&vn, "b");
	assert_true(a >= 0 && b >= 0 && a != b);
	assert_int_equal(detect_vars_intern(&vn, "a"), a);
	/* grow past several rehashes */
	char name[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "bit%d", i);
		assert_int_equal(detect_vars_intern(&vn, name), i + 2);
	}
	assert_int_equal(detect_vars_find(&vn, "bit999"), 1001);
	assert_string_equal(detect_vars_name(&vn, (uint32_t)b), "b");
	assert_null(detect_vars_name(&vn, 5000));
	detect_vars_names_free(&vn);
}

static void test_flowbits_set_isset(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (flowbits:set,login; flowbits:noalert; sid:1;)\n"
		"alert tcp any any -> any any (flowbits:isset,login; sid:2;)\n"
		"alert tcp any any -> any any (flowbits:isnotset,login; sid:3;)\n"
		"alert tcp any any -> any any (flowbits:unset,login; sid:4;)\n"
		"alert tcp any any -> any any (flowbits:toggle,login; sid:5;)\n");
	struct detect_bits_op set = vf_bits(v, 0, "flowbits", 0);
	struct detect_bits_op noalert = vf_bits(v, 0, "flowbits", 1);
	struct detect_bits_op isset = vf_bits(v, 1, "flowbits", 0);
	struct detect_bits_op isnotset = vf_bits(v, 2, "flowbits", 0);
	struct detect_bits_op unset = vf_bits(v, 3, "flowbits", 0);
	struct detect_bits_op toggle = vf_bits(v, 4, "flowbits", 0);
	assert_int_equal(set.ids[0], isset.ids[0]); /* same name, same id */
	assert_false(detect_bits_is_condition(&set));
	assert_true(detect_bits_is_condition(&isset));
	assert_true(detect_bits_is_condition(&noalert));

	struct packet p;
	struct flow f;
	memset(&f, 0, sizeof(f));
	ts_tcp(&p, TH_ACK, 1);
	assert_true(detect_bits_check(&noalert, &p, NULL));
	assert_false(detect_bits_check(&isset, &p, v->hosts)); /* no flow */
	assert_false(detect_bits_check(&isnotset, &p, v->hosts));
	p.flow = &f;
	assert_false(detect_bits_check(&isset, &p, v->hosts));
	assert_true(detect_bits_check(&isnotset, &p, v->hosts));
	assert_null(f.detect); /* reading allocates nothing */
	/* a set is an action: checking it changes nothing; applying it does */
	assert_true(detect_bits_check(&set, &p, v->hosts));
	assert_false(detect_bits_check(&isset, &p, v->hosts));
	assert_int_equal(detect_bits_apply(&set, &p, v->hosts), 0);
	assert_true(detect_bits_check(&isset, &p, v->hosts));
	assert_false(detect_bits_check(&isnotset, &p, v->hosts));
	assert_true(detect_flowbit_is_set(&f, set.ids[0]));
	/* conditions are no-ops when applied */
	assert_int_equal(detect_bits_apply(&isset, &p, v->hosts), 0);
	assert_true(detect_bits_check(&isset, &p, v->hosts));
	assert_int_equal(detect_bits_apply(&unset, &p, v->hosts), 0);
	assert_false(detect_bits_check(&isset, &p, v->hosts));
	assert_int_equal(detect_bits_apply(&toggle, &p, v->hosts), 0);
	assert_true(detect_bits_check(&isset, &p, v->hosts));
	assert_int_equal(detect_bits_apply(&toggle, &p, v->hosts), 0);
	assert_false(detect_bits_check(&isset, &p, v->hosts));
	detect_flow_free(&f);
	assert_null(f.detect);
	detect_flow_free(&f); /* twice is harmless */
	vf_free(v);
}

static void test_flowbits_groups(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (flowbits:isset,a|b; sid:1;)\n"
		"alert tcp any any -> any any (flowbits:isset,a&b; sid:2;)\n"
		"alert tcp any any -> any any (flowbits:isnotset,a|b; sid:3;)\n"
		"alert tcp any any -> any any (flowbits:isnotset,a&b; sid:4;)\n"
		"alert tcp any any -> any any (flowbits:set,a&b; sid:5;)\n"
		"alert tcp any any -> any any (flowbits:set,a; sid:6;)\n");
	struct detect_bits_op any = vf_bits(v, 0, "flowbits", 0);
	struct detect_bits_op all = vf_bits(v, 1, "flowbits", 0);
	struct detect_bits_op nany = vf_bits(v, 2, "flowbits", 0);
	struct detect_bits_op nall = vf_bits(v, 3, "flowbits", 0);
	struct detect_bits_op setab = vf_bits(v, 4, "flowbits", 0);
	struct detect_bits_op seta = vf_bits(v, 5, "flowbits", 0);
	assert_int_equal(any.n, 2);
	struct packet p;
	struct flow f;
	memset(&f, 0, sizeof(f));
	ts_tcp(&p, TH_ACK, 1);
	p.flow = &f;
	/* nothing set */
	assert_false(detect_bits_check(&any, &p, NULL));
	assert_false(detect_bits_check(&all, &p, NULL));
	assert_true(detect_bits_check(&nany, &p, NULL));
	assert_true(detect_bits_check(&nall, &p, NULL));
	/* only a */
	assert_int_equal(detect_bits_apply(&seta, &p, NULL), 0);
	assert_true(detect_bits_check(&any, &p, NULL));
	assert_false(detect_bits_check(&all, &p, NULL));
	assert_true(detect_bits_check(&nany, &p, NULL)); /* b is not set */
	assert_false(detect_bits_check(&nall, &p, NULL));
	/* a and b */
	assert_int_equal(detect_bits_apply(&setab, &p, NULL), 0);
	assert_true(detect_bits_check(&all, &p, NULL));
	assert_false(detect_bits_check(&nany, &p, NULL));
	detect_flow_free(&f);
	vf_free(v);
}

/* Snort's flowbits groups: set/setx make members, setx clears the others, "all"/"any" work on
 * the members, reset clears every bit of the flow. */
static void test_flowbits_snort_groups(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (flowbits:set,a,g; sid:1;)\n"
		"alert tcp any any -> any any (flowbits:setx,b&c,g; sid:2;)\n"
		"alert tcp any any -> any any (flowbits:isset,any,g; sid:3;)\n"
		"alert tcp any any -> any any (flowbits:isset,all,g; sid:4;)\n"
		"alert tcp any any -> any any (flowbits:isnotset,all,g; sid:5;)\n"
		"alert tcp any any -> any any (flowbits:unset,all,g; sid:6;)\n"
		"alert tcp any any -> any any (flowbits:toggle,all,g; sid:7;)\n"
		"alert tcp any any -> any any (flowbits:set,x; sid:8;)\n"
		"alert tcp any any -> any any (flowbits:reset; sid:9;)\n"
		"alert tcp any any -> any any (flowbits:isset,any,empty; sid:10;)\n");
	struct detect_bits_op seta = vf_bits(v, 0, "flowbits", 0);
	struct detect_bits_op setxbc = vf_bits(v, 1, "flowbits", 0);
	struct detect_bits_op any = vf_bits(v, 2, "flowbits", 0);
	struct detect_bits_op all = vf_bits(v, 3, "flowbits", 0);
	struct detect_bits_op none = vf_bits(v, 4, "flowbits", 0);
	struct detect_bits_op unset_all = vf_bits(v, 5, "flowbits", 0);
	struct detect_bits_op toggle_all = vf_bits(v, 6, "flowbits", 0);
	struct detect_bits_op setx = vf_bits(v, 7, "flowbits", 0);
	struct detect_bits_op reset = vf_bits(v, 8, "flowbits", 0);
	struct detect_bits_op empty = vf_bits(v, 9, "flowbits", 0);
	assert_ptr_equal(seta.group, setxbc.group);
	assert_int_equal(seta.group->n, 3); /* a, b, c */
	uint32_t a = seta.ids[0], b = setxbc.ids[0], c = setxbc.ids[1], x = setx.ids[0];
	struct packet p;
	struct flow f;
	memset(&f, 0, sizeof(f));
	ts_tcp(&p, TH_ACK, 1);
	p.flow = &f;
	assert_false(detect_bits_check(&any, &p, NULL));
	assert_true(detect_bits_check(&none, &p, NULL));
	assert_false(detect_bits_check(&empty, &p, NULL)); /* a group without members */
	assert_int_equal(detect_bits_apply(&seta, &p, NULL), 0);
	assert_int_equal(detect_bits_apply(&setx, &p, NULL), 0); /* x: not in the group */
	assert_true(detect_bits_check(&any, &p, NULL));
	assert_false(detect_bits_check(&all, &p, NULL));
	assert_false(detect_bits_check(&none, &p, NULL));
	/* setx b&c: a is cleared, x (no member) stays */
	assert_int_equal(detect_bits_apply(&setxbc, &p, NULL), 0);
	assert_false(detect_flowbit_is_set(&f, a));
	assert_true(detect_flowbit_is_set(&f, b) && detect_flowbit_is_set(&f, c));
	assert_true(detect_flowbit_is_set(&f, x));
	assert_false(detect_bits_check(&all, &p, NULL));
	/* toggle all: a on, b and c off */
	assert_int_equal(detect_bits_apply(&toggle_all, &p, NULL), 0);
	assert_true(detect_flowbit_is_set(&f, a));
	assert_false(detect_flowbit_is_set(&f, b) || detect_flowbit_is_set(&f, c));
	assert_int_equal(detect_bits_apply(&toggle_all, &p, NULL), 0);
	assert_int_equal(detect_bits_apply(&seta, &p, NULL), 0);
	assert_true(detect_bits_check(&all, &p, NULL));
	/* unset all clears the members only; reset clears everything */
	assert_int_equal(detect_bits_apply(&unset_all, &p, NULL), 0);
	assert_true(detect_bits_check(&none, &p, NULL));
	assert_true(detect_flowbit_is_set(&f, x));
	assert_int_equal(detect_bits_apply(&reset, &p, NULL), 0);
	assert_false(detect_flowbit_is_set(&f, x));
	detect_flow_free(&f);
	vf_free(v);
}

/* Set-after-match: the engine calls apply only when the whole rule matched. Here a rule that
 * sets a bit and whose other condition fails must leave the bit unset; a later rule in the same
 * packet sees a bit set by an earlier matching rule. */
static void test_flowbits_post_match(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (flowbits:set,x; ttl:1; sid:1;)\n"
		"alert tcp any any -> any any (flowbits:set,x; ttl:64; sid:2;)\n"
		"alert tcp any any -> any any (flowbits:isset,x; sid:3;)\n");
	struct packet p;
	struct flow f;
	memset(&f, 0, sizeof(f));
	ts_tcp(&p, TH_ACK, 1);
	p.flow = &f;
	struct detect_bits_op chk = vf_bits(v, 2, "flowbits", 0);
	for (size_t i = 0; i < 2; i++) {
		const struct rule *r = rules_ruleset_rule(v->rs, i);
		struct detect_bits_op set = vf_bits(v, i, "flowbits", 0);
		bool matched = detect_header_match(ts_find(r, "ttl", 0), &p);
		if (matched)
			assert_int_equal(detect_bits_apply(&set, &p, v->hosts), 0);
		assert_int_equal(detect_bits_check(&chk, &p, v->hosts), i == 1);
	}
	detect_flow_free(&f);
	vf_free(v);
}

static void test_flowint(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (flowint:cnt,notset; flowint:cnt,=,10; sid:1;)\n"
		"alert tcp any any -> any any (flowint:cnt,+,5; flowint:cnt,>,14; sid:2;)\n"
		"alert tcp any any -> any any (flowint:cnt,-,20; "
		"flowint:cnt,==,4294967291; sid:3;)\n"
		"alert tcp any any -> any any (flowint:lim,=,7; flowint:cnt,<,lim; sid:4;)\n"
		"alert tcp any any -> any any (flowint:cnt,isset; flowint:cnt,!=,0; "
		"flowint:cnt,<=,1; flowint:cnt,>=,1; sid:5;)\n");
	struct detect_flowint_op op[5][4];
	for (size_t r = 0; r < 5; r++)
		for (int k = 0; k < 4; k++) {
			const struct rule_match *m =
				ts_find(rules_ruleset_rule(v->rs, r), "flowint", k);
			if (m)
				assert_int_equal(detect_flowint_compile(&v->vn, m, &op[r][k]), 0);
		}
	struct packet p;
	struct flow f;
	memset(&f, 0, sizeof(f));
	ts_tcp(&p, TH_ACK, 1);
	assert_false(detect_flowint_eval(&op[0][0], &p)); /* no flow */
	p.flow = &f;
	uint32_t val = 0;
	assert_true(detect_flowint_eval(&op[0][0], &p)); /* notset */
	assert_true(detect_flowint_eval(&op[0][1], &p)); /* = 10 */
	assert_true(detect_flowint_get(&f, op[0][1].id, &val));
	assert_int_equal(val, 10);
	assert_false(detect_flowint_eval(&op[0][0], &p));
	assert_true(detect_flowint_eval(&op[1][0], &p)); /* + 5 -> 15 */
	assert_true(detect_flowint_eval(&op[1][1], &p)); /* > 14 */
	assert_true(detect_flowint_eval(&op[2][0], &p)); /* - 20 wraps like uint32 */
	assert_true(detect_flowint_eval(&op[2][1], &p));
	assert_true(detect_flowint_eval(&op[0][1], &p)); /* back to 10 */
	/* variable operand: lim unset -> the comparison fails; then 10 < 7 is false */
	assert_false(detect_flowint_eval(&op[3][1], &p));
	assert_true(detect_flowint_eval(&op[3][0], &p));
	assert_false(detect_flowint_eval(&op[3][1], &p));
	assert_true(detect_flowint_eval(&op[1][0], &p)); /* 15 */
	assert_false(detect_flowint_eval(&op[3][1], &p));
	/* comparisons */
	assert_true(detect_flowint_eval(&op[4][0], &p));
	assert_true(detect_flowint_eval(&op[4][1], &p));
	assert_false(detect_flowint_eval(&op[4][2], &p)); /* 15 <= 1 */
	assert_true(detect_flowint_eval(&op[4][3], &p));
	detect_flow_free(&f);
	vf_free(v);
}

/* Suricata's order: the comparison is a condition during matching, the increment a post-match
 * action; so a counting rule and a checking rule see the count from before the packet. */
static void test_flowint_post_match(void **state)
{
	(void)state;
	struct vars_fixture *v =
		vf_new("alert tcp any any -> any any (flowint:n,+,1; noalert; sid:1;)\n"
		       "alert tcp any any -> any any (flowint:n,>,2; sid:2;)\n");
	struct detect_flowint_op inc, gt;
	assert_int_equal(detect_flowint_compile(&v->vn, ts_find(rules_ruleset_rule(v->rs, 0),
								 "flowint", 0), &inc), 0);
	assert_int_equal(detect_flowint_compile(&v->vn, ts_find(rules_ruleset_rule(v->rs, 1),
								 "flowint", 0), &gt), 0);
	assert_false(detect_flowint_is_condition(&inc));
	assert_true(detect_flowint_is_condition(&gt));
	struct detect_bits_op notbits;
	assert_int_equal(detect_bits_compile(&v->vn, ts_find(rules_ruleset_rule(v->rs, 0),
							      "flowint", 0), &notbits), -2);
	struct packet p;
	struct flow f;
	memset(&f, 0, sizeof(f));
	ts_tcp(&p, TH_ACK, 1);
	assert_int_equal(detect_flowint_apply(&inc, &p), -1); /* no flow */
	p.flow = &f;
	assert_int_equal(detect_flowint_apply(&gt, &p), 0); /* a condition: no-op */
	assert_false(detect_flowint_get(&f, gt.id, NULL));
	/* per packet: rule 1 matches (its action runs), then rule 2 is checked */
	bool fired[4];
	for (int i = 0; i < 4; i++) {
		assert_int_equal(detect_flowint_apply(&inc, &p), 0);
		fired[i] = detect_flowint_eval(&gt, &p);
	}
	assert_false(fired[0]);
	assert_false(fired[1]);
	assert_true(fired[2]);
	assert_true(fired[3]);
	uint32_t val = 0;
	assert_true(detect_flowint_get(&f, inc.id, &val));
	assert_int_equal(val, 4);
	detect_flow_free(&f);
	vf_free(v);
}

static void test_xbits_tracking(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (xbits:set,bad,track ip_dst; sid:1;)\n"
		"alert tcp any any -> any any (xbits:isset,bad,track ip_src; sid:2;)\n"
		"alert tcp any any -> any any (hostbits:isset,bad,src; sid:3;)\n"
		"alert tcp any any -> any any (xbits:set,pb,track ip_pair; sid:4;)\n"
		"alert tcp any any -> any any (xbits:isset,pb,track ip_pair; sid:5;)\n"
		"alert tcp any any -> any any (xbits:unset,bad,track ip_src; sid:6;)\n");
	struct detect_bits_op set_dst = vf_bits(v, 0, "xbits", 0);
	struct detect_bits_op is_src = vf_bits(v, 1, "xbits", 0);
	struct detect_bits_op hb_src = vf_bits(v, 2, "hostbits", 0);
	struct detect_bits_op set_pair = vf_bits(v, 3, "xbits", 0);
	struct detect_bits_op is_pair = vf_bits(v, 4, "xbits", 0);
	struct detect_bits_op unset_src = vf_bits(v, 5, "xbits", 0);
	struct packet req, resp, other;
	ts_tcp(&req, TH_ACK, 1); /* 10.0.0.1 -> 10.0.0.2 */
	resp = req;
	resp.src = req.dst;
	resp.dst = req.src;
	other = req;
	ts_ip4(&other.src, 10, 0, 0, 9);
	/* set on the request's destination, checked as the response's source */
	assert_false(detect_bits_check(&is_src, &resp, v->hosts));
	assert_int_equal(detect_bits_apply(&set_dst, &req, v->hosts), 0);
	assert_true(detect_bits_check(&is_src, &resp, v->hosts));
	assert_true(detect_bits_check(&hb_src, &resp, v->hosts)); /* hostbits share the store */
	assert_false(detect_bits_check(&is_src, &req, v->hosts));
	/* pairs are unordered but need both addresses */
	assert_int_equal(detect_bits_apply(&set_pair, &req, v->hosts), 0);
	assert_true(detect_bits_check(&is_pair, &resp, v->hosts));
	assert_false(detect_bits_check(&is_pair, &other, v->hosts));
	/* no table: never set, and writes report failure */
	assert_false(detect_bits_check(&is_src, &resp, NULL));
	assert_int_equal(detect_bits_apply(&set_dst, &req, NULL), -1);
	/* without "expire" a host bit lives 30 s (Suricata's default) */
	assert_int_equal(set_dst.expire, DETECT_HOSTBITS_EXPIRE_DEFAULT);
	resp.ts_usec = 30 * USEC_PER_SEC;
	assert_true(detect_bits_check(&is_src, &resp, v->hosts));
	resp.ts_usec = 31 * USEC_PER_SEC;
	assert_false(detect_bits_check(&is_src, &resp, v->hosts));
	resp.ts_usec = req.ts_usec;
	/* unset removes the bit and its now-empty entry */
	struct detect_hosts_stats st;
	detect_hosts_get_stats(v->hosts, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(detect_bits_apply(&unset_src, &resp, v->hosts), 0);
	assert_false(detect_bits_check(&is_src, &resp, v->hosts));
	detect_hosts_get_stats(v->hosts, &st);
	assert_int_equal(st.entries, 1);
	vf_free(v);
}

/* hostbits "both": each of the two hosts, unlike xbits' ip_pair */
static void test_hostbits_both(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (hostbits:set,tag,both; sid:1;)\n"
		"alert tcp any any -> any any (hostbits:isset,tag,src; sid:2;)\n"
		"alert tcp any any -> any any (hostbits:isset,tag,dst; sid:3;)\n"
		"alert tcp any any -> any any (hostbits:isset,tag,both; sid:4;)\n"
		"alert tcp any any -> any any (hostbits:isset,tag; sid:5;)\n");
	struct detect_bits_op set_both = vf_bits(v, 0, "hostbits", 0);
	struct detect_bits_op is_src = vf_bits(v, 1, "hostbits", 0);
	struct detect_bits_op is_dst = vf_bits(v, 2, "hostbits", 0);
	struct detect_bits_op is_both = vf_bits(v, 3, "hostbits", 0);
	struct detect_bits_op is_default = vf_bits(v, 4, "hostbits", 0);
	assert_int_equal(set_both.track, DETECT_BITS_TRACK_BOTH_HOSTS);
	assert_int_equal(is_default.track, RULE_TRACK_SRC);
	struct packet p, q;
	ts_tcp(&p, TH_ACK, 1); /* 10.0.0.1 -> 10.0.0.2 */
	q = p;
	ts_ip4(&q.src, 10, 0, 0, 2); /* 10.0.0.2 -> 10.0.0.7: only its source has the bit */
	ts_ip4(&q.dst, 10, 0, 0, 7);
	assert_false(detect_bits_check(&is_both, &q, v->hosts));
	assert_int_equal(detect_bits_apply(&set_both, &p, v->hosts), 0);
	assert_true(detect_bits_check(&is_src, &p, v->hosts));
	assert_true(detect_bits_check(&is_dst, &p, v->hosts));
	assert_true(detect_bits_check(&is_src, &q, v->hosts));
	assert_false(detect_bits_check(&is_dst, &q, v->hosts));
	assert_true(detect_bits_check(&is_both, &q, v->hosts)); /* either host */
	assert_true(detect_bits_check(&is_default, &q, v->hosts));
	struct detect_hosts_stats st;
	detect_hosts_get_stats(v->hosts, &st);
	assert_int_equal(st.entries, 2);
	vf_free(v);
}

static void test_xbits_expire(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (xbits:set,seen,track ip_src,expire 60; sid:1;)\n"
		"alert tcp any any -> any any (xbits:isset,seen,track ip_src; sid:2;)\n"
		"alert tcp any any -> any any (xbits:isnotset,seen,track ip_src; sid:3;)\n"
		"alert tcp any any -> any any (xbits:toggle,seen,track ip_src; sid:4;)\n");
	struct detect_bits_op set = vf_bits(v, 0, "xbits", 0);
	struct detect_bits_op isset = vf_bits(v, 1, "xbits", 0);
	struct detect_bits_op isnotset = vf_bits(v, 2, "xbits", 0);
	struct detect_bits_op toggle = vf_bits(v, 3, "xbits", 0);
	assert_int_equal(set.expire, 60);
	struct packet p;
	ts_tcp(&p, TH_ACK, 1000);
	assert_int_equal(detect_bits_apply(&set, &p, v->hosts), 0);
	p.ts_usec = 1059 * USEC_PER_SEC;
	assert_true(detect_bits_check(&isset, &p, v->hosts));
	p.ts_usec = 1060 * USEC_PER_SEC; /* expired exactly at set + 60 s */
	assert_false(detect_bits_check(&isset, &p, v->hosts));
	assert_true(detect_bits_check(&isnotset, &p, v->hosts));
	/* setting again renews; toggling an expired bit sets it */
	assert_int_equal(detect_bits_apply(&set, &p, v->hosts), 0);
	p.ts_usec = 1100 * USEC_PER_SEC;
	assert_true(detect_bits_check(&isset, &p, v->hosts));
	p.ts_usec = 1200 * USEC_PER_SEC;
	assert_int_equal(detect_bits_apply(&toggle, &p, v->hosts), 0);
	assert_true(detect_bits_check(&isset, &p, v->hosts));
	assert_int_equal(detect_bits_apply(&toggle, &p, v->hosts), 0);
	assert_false(detect_bits_check(&isset, &p, v->hosts));
	vf_free(v);
}

static void test_hosts_bounded(void **state)
{
	(void)state;
	struct vars_fixture *v = vf_new(
		"alert tcp any any -> any any (xbits:set,b,track ip_src,expire 10; sid:1;)\n"
		"alert tcp any any -> any any (xbits:isset,b,track ip_src; sid:2;)\n"
		"alert tcp any any -> any any (xbits:set,c,track ip_src; sid:3;)\n");
	detect_hosts_free(v->hosts);
	v->hosts = detect_hosts_new(100);
	assert_non_null(v->hosts);
	struct detect_bits_op set = vf_bits(v, 0, "xbits", 0);
	struct detect_bits_op isset = vf_bits(v, 1, "xbits", 0);
	struct detect_bits_op set_forever = vf_bits(v, 2, "xbits", 0);
	struct packet p;
	ts_tcp(&p, TH_ACK, 1);
	struct detect_hosts_stats st;
	/* one new host a second: when a host is pushed out its 10 s bit has long expired */
	for (uint32_t i = 0; i < 5000; i++) {
		ts_ip4(&p.src, 172, 16, (uint8_t)(i >> 8), (uint8_t)i);
		p.ts_usec = (1 + (uint64_t)i) * USEC_PER_SEC;
		assert_int_equal(detect_bits_apply(&set, &p, v->hosts), 0);
		detect_hosts_get_stats(v->hosts, &st);
		assert_true(st.entries <= 100);
	}
	assert_int_equal(st.entries, 100);
	assert_int_equal(st.max_entries, 100);
	assert_int_equal(st.expired, 4900);
	assert_int_equal(st.evicted, 0);
	/* the newest host survives, an early one is gone */
	assert_true(detect_bits_check(&isset, &p, v->hosts));
	ts_ip4(&p.src, 172, 16, 0, 0);
	assert_false(detect_bits_check(&isset, &p, v->hosts));
	/* bits still alive when pushed out count as evicted */
	p.ts_usec = 6000 * USEC_PER_SEC;
	for (uint32_t i = 0; i < 250; i++) {
		ts_ip4(&p.src, 192, 168, (uint8_t)(i >> 8), (uint8_t)i);
		assert_int_equal(detect_bits_apply(&set_forever, &p, v->hosts), 0);
	}
	detect_hosts_get_stats(v->hosts, &st);
	assert_int_equal(st.entries, 100);
	assert_int_equal(st.expired, 4900 + 100);
	assert_int_equal(st.evicted, 150);
	vf_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_tos_id),
		cmocka_unit_test(test_ipopts),
		cmocka_unit_test(test_fragbits),
		cmocka_unit_test(test_fragoffset),
		cmocka_unit_test(test_ip_proto_sameip),
		cmocka_unit_test(test_flags_basic),
		cmocka_unit_test(test_flags_modifiers),
		cmocka_unit_test(test_flags_mask_and_aliases),
		cmocka_unit_test(test_seq_ack_window),
		cmocka_unit_test(test_tcp_mss),
		cmocka_unit_test(test_itype_icode),
		cmocka_unit_test(test_icmp_id_seq),
		cmocka_unit_test(test_dsize),
		cmocka_unit_test(test_num_ops),
		cmocka_unit_test(test_header_supported),
		cmocka_unit_test(test_flow_direction),
		cmocka_unit_test(test_flow_established_tcp),
		cmocka_unit_test(test_flow_established_handshake_ack),
		cmocka_unit_test(test_flow_established_udp),
		cmocka_unit_test(test_flow_stream_frag),
		cmocka_unit_test(test_vars_intern),
		cmocka_unit_test(test_flowbits_set_isset),
		cmocka_unit_test(test_flowbits_groups),
		cmocka_unit_test(test_flowbits_snort_groups),
		cmocka_unit_test(test_flowbits_post_match),
		cmocka_unit_test(test_flowint),
		cmocka_unit_test(test_flowint_post_match),
		cmocka_unit_test(test_xbits_tracking),
		cmocka_unit_test(test_hostbits_both),
		cmocka_unit_test(test_xbits_expire),
		cmocka_unit_test(test_hosts_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
