/*
 * header.c — the packet header keywords (ttl, tos, id, ipopts, fragbits, fragoffset, ip_proto,
 * sameip, flags, seq, ack, window, tcp.mss, itype, icode, icmp_id, icmp_seq, dsize, the
 * ipv4-csum / tcpv4-csum / ... checksum keywords), the
 * `flow` keyword and the packet-header sticky buffers (ipv4.hdr, tcp.hdr, ...). Pure
 * functions over a decoded packet (and its flow); see detect-state.h for the semantics decided
 * where Suricata's documentation leaves room.
 */
#include <pthread.h>
#include <string.h>

#include "detect/detect-state.h"

#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_ICMPV6 58

enum hdr_kw {
	HK_NONE = 0, HK_TTL, HK_TOS, HK_ID, HK_IPOPTS, HK_FRAGBITS, HK_FRAGOFFSET, HK_IP_PROTO,
	HK_SAMEIP, HK_FLAGS, HK_SEQ, HK_ACK, HK_WINDOW, HK_TCP_MSS, HK_ITYPE, HK_ICODE,
	HK_ICMP_ID, HK_ICMP_SEQ, HK_DSIZE, HK_IPV4_CSUM, HK_TCPV4_CSUM, HK_TCPV6_CSUM,
	HK_UDPV4_CSUM, HK_UDPV6_CSUM, HK_ICMPV4_CSUM, HK_ICMPV6_CSUM,
};

static const struct {
	const char *name;
	enum hdr_kw id;
} hdr_kws[] = {
	{ "ttl", HK_TTL },	       { "tos", HK_TOS },	  { "id", HK_ID },
	{ "ipopts", HK_IPOPTS },       { "fragbits", HK_FRAGBITS }, { "fragoffset", HK_FRAGOFFSET },
	{ "ip_proto", HK_IP_PROTO },   { "sameip", HK_SAMEIP },	  { "flags", HK_FLAGS },
	{ "tcp.flags", HK_FLAGS },     { "seq", HK_SEQ },	  { "ack", HK_ACK },
	{ "window", HK_WINDOW },       { "tcp.mss", HK_TCP_MSS }, { "itype", HK_ITYPE },
	{ "icode", HK_ICODE },	       { "icmp_id", HK_ICMP_ID }, { "icmp_seq", HK_ICMP_SEQ },
	{ "dsize", HK_DSIZE },	       { "ipv4-csum", HK_IPV4_CSUM }, { "tcpv4-csum", HK_TCPV4_CSUM },
	{ "tcpv6-csum", HK_TCPV6_CSUM }, { "udpv4-csum", HK_UDPV4_CSUM },
	{ "udpv6-csum", HK_UDPV6_CSUM }, { "icmpv4-csum", HK_ICMPV4_CSUM },
	{ "icmpv6-csum", HK_ICMPV6_CSUM },
};

static enum hdr_kw hdr_kw_by_name(const struct rules_keyword *kw)
{
	/* the table's canonical name; "tcp.flags" is flags' alias and shares its entry */
	for (size_t i = 0; i < ARRAY_SIZE(hdr_kws); i++)
		if (strcmp(kw->name, hdr_kws[i].name) == 0)
			return hdr_kws[i].id;
	return HK_NONE;
}

/* Keyword table index -> enum hdr_kw, built once: matching runs per packet and per rule, so
 * it must not compare names each time. Keywords beyond the array fall back to names. */
#define HDR_KW_MAX_INDEX 1024
static uint8_t hdr_kw_by_index[HDR_KW_MAX_INDEX];
static size_t hdr_kw_n;
static pthread_once_t hdr_kw_once = PTHREAD_ONCE_INIT;

static void hdr_kw_build(void)
{
	size_t n = rules_keyword_count();
	if (n > HDR_KW_MAX_INDEX)
		n = HDR_KW_MAX_INDEX;
	for (size_t i = 0; i < n; i++)
		hdr_kw_by_index[i] = (uint8_t)hdr_kw_by_name(rules_keyword_at(i));
	hdr_kw_n = n;
}

static enum hdr_kw hdr_kw_of(const struct rules_keyword *kw)
{
	if (!kw || !kw->name)
		return HK_NONE;
	pthread_once(&hdr_kw_once, hdr_kw_build);
	/* the position in the keyword table, computed without pointer arithmetic across
	 * objects (a keyword from elsewhere simply is not found) */
	const struct rules_keyword *first = rules_keyword_at(0);
	uintptr_t off = (uintptr_t)kw - (uintptr_t)first;
	size_t i = off / sizeof(*kw);
	if (first && (uintptr_t)kw >= (uintptr_t)first && off % sizeof(*kw) == 0 &&
	    i < hdr_kw_n && rules_keyword_at(i) == kw)
		return (enum hdr_kw)hdr_kw_by_index[i];
	return hdr_kw_by_name(kw);
}

bool detect_header_supported(const struct rules_keyword *kw)
{
	return hdr_kw_of(kw) != HK_NONE;
}

bool detect_hdr_buffer(const struct packet *p, enum rules_hdr_buf kind, const uint8_t **data,
		       uint32_t *len)
{
	const uint8_t *d = NULL;
	uint32_t n = 0;
	switch (kind) {
	case RULES_HDR_IPV4:
	case RULES_HDR_IPV6:
		if (p->ip_version == (kind == RULES_HDR_IPV4 ? 4 : 6)) {
			d = p->ip_hdr;
			n = p->ip_hlen;
		}
		break;
	case RULES_HDR_TCP:
	case RULES_HDR_UDP:
	case RULES_HDR_ICMPV4:
	case RULES_HDR_ICMPV6: {
		static const uint8_t proto[] = { [RULES_HDR_TCP] = 6, [RULES_HDR_UDP] = 17,
						 [RULES_HDR_ICMPV4] = 1, [RULES_HDR_ICMPV6] = 58 };
		if (p->ip_version && p->ip_proto == proto[kind]) {
			d = p->l4_hdr;
			n = p->l4_hlen;
		}
		break;
	}
	default:
		break;
	}
	if (!d || !n)
		return false;
	*data = d;
	*len = n;
	return true;
}

bool detect_num_match(const struct rule_num *n, uint64_t x)
{
	switch (n->op) {
	case RULE_NUM_EQ: return x == n->lo;
	case RULE_NUM_NE: return x != n->lo;
	case RULE_NUM_LT: return x < n->lo;
	case RULE_NUM_LE: return x <= n->lo;
	case RULE_NUM_GT: return x > n->lo;
	case RULE_NUM_GE: return x >= n->lo;
	case RULE_NUM_RANGE: return x > n->lo && x < n->hi;
	case RULE_NUM_NRANGE: return x <= n->lo || x >= n->hi;
	case RULE_NUM_MASK_EQ: return (x & n->lo) == n->hi;
	case RULE_NUM_MASK_NE: return (x & n->lo) != n->hi;
	default: return false;
	}
}

/*
 * The flags / fragbits test. `ignore` masks bits out of the packet's value first. Modifiers as
 * Suricata documents them: none = exactly these bits; '+' = these bits and maybe others;
 * '*' = any of these bits; '!' = not (all of) these bits, which for a single bit is "not set".
 * Suricata's fragbits '+' wants these bits *and* at least one other (plus_needs_more).
 */
static bool bits_match(const struct rule_tcp_flags *f, uint8_t value, bool plus_needs_more)
{
	uint8_t v = (uint8_t)(value & ~f->ignore);
	switch (f->modifier) {
	case '+':
		return (v & f->flags) == f->flags && (!plus_needs_more || v != f->flags);
	case '*': return (v & f->flags) != 0;
	case '!': return (v & f->flags) != f->flags;
	default: return v == f->flags;
	}
}

static bool pkt_is_tcp(const struct packet *p)
{
	return p->ip_version && p->ip_proto == IPPROTO_NUM_TCP && p->l4_hdr;
}

static bool pkt_is_icmp(const struct packet *p)
{
	return p->ip_version && p->l4_hdr &&
	       ((p->ip_version == 4 && p->ip_proto == IPPROTO_NUM_ICMP) ||
		(p->ip_version == 6 && p->ip_proto == IPPROTO_NUM_ICMPV6));
}

static bool ipopts_match(uint64_t opt, const struct packet *p)
{
	if (p->ip_version != 4)
		return false;
	/* the rules stage numbers the options rr eol nop ts sec esec lsrr ssrr satid any, which
	 * is also the decoder's bit order; "any" is any option at all */
	if (opt == 9)
		return p->ipv4_opts != 0;
	if (opt > 8)
		return false;
	return (p->ipv4_opts & (1u << opt)) != 0;
}

/*
 * The checksum keywords: `want_valid` against the checksum of the layer the keyword names, on
 * packets of that IP version and protocol only. The decoder's verdict is used when it checked
 * the packet; otherwise the checksums are summed here on a copy (the packet, its counters and
 * events stay as they are: a rule asking is not the decoder validating). Where validation is
 * off (-k none, offload assumed) every checksum counts as valid, as in Suricata.
 */
static bool csum_match(enum hdr_kw k, bool want_valid, const struct packet *p)
{
	static const struct {
		uint8_t ipv;
		uint8_t proto; /* 0: the IPv4 header */
	} need[] = {
		[HK_IPV4_CSUM] = { 4, 0 },   [HK_TCPV4_CSUM] = { 4, 6 },	 [HK_TCPV6_CSUM] = { 6, 6 },
		[HK_UDPV4_CSUM] = { 4, 17 }, [HK_UDPV6_CSUM] = { 6, 17 },
		[HK_ICMPV4_CSUM] = { 4, 1 }, [HK_ICMPV6_CSUM] = { 6, 58 },
	};
	if (p->ip_version != need[k].ipv || !p->ip_hdr ||
	    (need[k].proto && (p->ip_proto != need[k].proto || !p->l4_hdr)))
		return false;
	uint32_t flags = p->flags;
	if (flags & PKT_F_CSUM_IGNORE)
		return want_valid; /* as Suricata: ignored checksums count as valid */
	if (!(flags & PKT_F_CSUM_CHECKED)) {
		struct packet q = *p;
		struct decode_ctx ctx;
		decode_ctx_init(&ctx, CHECKSUM_AUTO);
		(void)decode_packet_validate_checksums(&ctx, &q);
		flags = q.flags;
	}
	uint32_t bad = need[k].proto ? PKT_F_L4_CSUM_BAD : PKT_F_IPV4_CSUM_BAD;
	return ((flags & bad) == 0) == want_valid;
}

bool detect_header_match(const struct rule_match *m, const struct packet *p)
{
	const struct rule_num *n = &m->u.num;
	switch (hdr_kw_of(m->kw)) {
	/* Which IP versions a keyword applies to follows Suricata: ttl is the hop limit on IPv6
	 * and fragoffset reads the fragment header; tos, id, fragbits and ipopts are IPv4 header
	 * fields that never match an IPv6 packet (even negated). */
	case HK_TTL:
		return p->ip_version && detect_num_match(n, p->ip_ttl);
	case HK_TOS:
		return p->ip_version == 4 && detect_num_match(n, p->ip_tos);
	case HK_ID:
		return p->ip_version == 4 && detect_num_match(n, p->ip_id);
	case HK_IPOPTS:
		return ipopts_match(n->lo, p);
	case HK_FRAGBITS: /* rule bits M=1 D=2 R=4 are the decoder's IP_FRAG_* bits */
		return p->ip_version == 4 && bits_match(&m->u.tcp_flags, p->ip_frag_flags, true);
	case HK_FRAGOFFSET: /* in 8-byte units as on the wire; 0 for an unfragmented packet */
		return p->ip_version && detect_num_match(n, p->ip_frag_offset);
	case HK_IP_PROTO:
		return p->ip_version && detect_num_match(n, p->ip_proto);
	case HK_SAMEIP:
		return p->ip_version && p->src.family == p->dst.family &&
		       memcmp(p->src.b, p->dst.b, sizeof(p->src.b)) == 0;
	case HK_FLAGS:
		return pkt_is_tcp(p) && bits_match(&m->u.tcp_flags, p->tcp_flags, false);
	case HK_SEQ:
		return pkt_is_tcp(p) && detect_num_match(n, p->tcp_seq);
	case HK_ACK:
		return pkt_is_tcp(p) && detect_num_match(n, p->tcp_ack);
	case HK_WINDOW:
		return pkt_is_tcp(p) && detect_num_match(n, p->tcp_win);
	case HK_TCP_MSS:
		return pkt_is_tcp(p) && p->tcp_opts.has_mss && detect_num_match(n, p->tcp_opts.mss);
	case HK_ITYPE:
		return pkt_is_icmp(p) && detect_num_match(n, p->icmp_type);
	case HK_ICODE:
		return pkt_is_icmp(p) && detect_num_match(n, p->icmp_code);
	case HK_ICMP_ID:
		return pkt_is_icmp(p) && p->icmp_has_id && detect_num_match(n, p->icmp_id);
	case HK_ICMP_SEQ:
		return pkt_is_icmp(p) && p->icmp_has_id && detect_num_match(n, p->icmp_seq);
	case HK_DSIZE: /* the packet's own payload, never reassembled data */
		return p->ip_version && detect_num_match(n, p->payload_len);
	case HK_IPV4_CSUM:
	case HK_TCPV4_CSUM:
	case HK_TCPV6_CSUM:
	case HK_UDPV4_CSUM:
	case HK_UDPV6_CSUM:
	case HK_ICMPV4_CSUM:
	case HK_ICMPV6_CSUM:
		return csum_match(hdr_kw_of(m->kw), n->lo != 0, p);
	case HK_NONE:
		break;
	}
	return false;
}

/*
 * Suricata's "established": for TCP the session finished its handshake (and keeps counting as
 * established while it closes); for other protocols packets have been seen in both directions.
 * A TCP session that went to CLOSED straight from the handshake (SYN answered by RST) was never
 * established: CLOSED counts only when both sides have sent an ACK.
 */
static bool flow_is_established(const struct flow *f)
{
	if (f->ip_proto != IPPROTO_NUM_TCP)
		return f->state == FLOW_STATE_ESTABLISHED;
	switch (f->tcp_state) {
	case TCP_STATE_ESTABLISHED:
	case TCP_STATE_FIN_WAIT1:
	case TCP_STATE_FIN_WAIT2:
	case TCP_STATE_CLOSE_WAIT:
	case TCP_STATE_CLOSING:
	case TCP_STATE_LAST_ACK:
	case TCP_STATE_TIME_WAIT:
		return true;
	case TCP_STATE_CLOSED:
		return (f->tcp_flags[0] & TH_ACK) && (f->tcp_flags[1] & TH_ACK);
	default:
		return false;
	}
}

/*
 * Suricata's only_frag / no_frag ask whether the packet was *rebuilt* from fragments by defrag,
 * not whether it is a fragment: a raw fragment is "no_frag". struct packet has no such flag
 * until the defrag stage adds one, so no packet counts as rebuilt yet.
 */
static bool pkt_is_rebuilt(const struct packet *p)
{
	(void)p;
	return false;
}

/*
 * Suricata decides "established" from the session state *before* the packet (the flow update
 * that flags the packet runs ahead of the TCP state machine), so the ACK that completes the
 * three-way handshake is not established yet. The flow stage has already applied the packet
 * here; that ACK is recognised as the client's second packet of a session that began with a
 * SYN (a retransmitted SYN before it shifts the count: that ACK then counts as established,
 * the one known difference left).
 */
static bool pkt_completed_handshake(const struct flow *f, const struct packet *p)
{
	return f->ip_proto == IPPROTO_NUM_TCP && !(f->flags & FLOW_F_MIDSTREAM) &&
	       p->flow_dir == FLOW_DIR_TO_SERVER && !(p->tcp_flags & TH_SYN) &&
	       f->pkts[FLOW_DIR_TO_SERVER] == 2 && (f->tcp_flags[FLOW_DIR_TO_SERVER] & TH_SYN);
}

static bool pkt_established(const struct flow *f, const struct packet *p)
{
	return flow_is_established(f) && !pkt_completed_handshake(f, p);
}

bool detect_flow_match(uint32_t fl, const struct packet *p)
{
	/* no packet is a reassembled stream chunk (yet): only_stream never matches a packet */
	if (fl & RULE_FLOW_ONLY_STREAM)
		return false;
	bool rebuilt = pkt_is_rebuilt(p);
	if ((fl & RULE_FLOW_ONLY_FRAG) && !rebuilt)
		return false;
	if ((fl & RULE_FLOW_NO_FRAG) && rebuilt)
		return false;
	const struct flow *f = p->flow;
	if (!f) {
		/* as in Suricata: without a flow there is no direction and nothing established,
		 * so not_established holds */
		return !(fl & (RULE_FLOW_TO_SERVER | RULE_FLOW_TO_CLIENT | RULE_FLOW_ESTABLISHED));
	}
	if ((fl & RULE_FLOW_TO_SERVER) && p->flow_dir != FLOW_DIR_TO_SERVER)
		return false;
	if ((fl & RULE_FLOW_TO_CLIENT) && p->flow_dir != FLOW_DIR_TO_CLIENT)
		return false;
	if ((fl & RULE_FLOW_ESTABLISHED) && !pkt_established(f, p))
		return false;
	if ((fl & RULE_FLOW_NOT_ESTABLISHED) && pkt_established(f, p))
		return false;
	return true;
}
