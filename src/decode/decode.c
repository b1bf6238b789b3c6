/*
 * decode.c — the decode stage's entry point: per-packet reset, link-type dispatch, the event
 * table and counters, and the protocol dispatch that follows an IP header (transport protocols
 * and IP-in-IP / GRE tunnels).
 */
#include <string.h>

#include "decode/decode-internal.h"

static const char *const decode_event_names[DECODE_EVENT_MAX] = {
	[DECODE_EVENT_NONE] = NULL,
#define DECODE_EVENT_NAME(id, name) [DECODE_EVENT_##id] = name,
	DECODE_EVENT_LIST(DECODE_EVENT_NAME)
#undef DECODE_EVENT_NAME
};

const char *decode_event_name(enum decode_event ev)
{
	if ((unsigned)ev >= DECODE_EVENT_MAX)
		return NULL;
	return decode_event_names[ev];
}

enum decode_event decode_event_lookup(const char *name)
{
	if (name == NULL)
		return DECODE_EVENT_NONE;
	/* Called while loading rules only, so a linear scan of ~100 names is fine. */
	for (unsigned i = 1; i < DECODE_EVENT_MAX; i++) {
		if (strcmp(decode_event_names[i], name) == 0)
			return (enum decode_event)i;
	}
	return DECODE_EVENT_NONE;
}

/*
 * Checksum mode auto, as Suricata's: checksums are validated where needed (the stream stage);
 * the TCP packets among the first DECODE_CSUM_SAMPLE packets of the input are validated as they
 * are decoded, and if more than one packet in DECODE_CSUM_INVALID_RATIO of the sample had a
 * bad checksum, the capture is taken to come from a NIC that offloads checksums: validation
 * stops for the rest of the run. The sample is the input's first packets whatever the runmode
 * (struct decode_csum_auto), so single and autofp validate the same packets.
 */
#define DECODE_CSUM_SAMPLE 1000u
#define DECODE_CSUM_INVALID_RATIO 10u

void decode_csum_auto_init(struct decode_csum_auto *a)
{
	atomic_init(&a->off_after, UINT64_MAX);
}

static void checksum_auto_check(struct decode_ctx *ctx, const struct packet *p)
{
	struct decode_stats *st = &ctx->stats;
	uint64_t bad = ctx->csum_sample_bad;
	if (bad && st->pkts / bad < DECODE_CSUM_INVALID_RATIO) {
		ctx->checksum_mode = CHECKSUM_NONE;
		st->checksum_auto_off = 1;
		if (ctx->csum_auto)
			atomic_store_explicit(&ctx->csum_auto->off_after, p->pcap_cnt,
					      memory_order_release);
	}
}

void decode_ctx_init(struct decode_ctx *ctx, enum checksum_mode mode)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->checksum_mode = mode;
}

/* Checksum mode auto before a packet is decoded: a follower takes the published decision. */
static void checksum_auto_before(struct decode_ctx *ctx, struct packet *p)
{
	if (!ctx->csum_auto_follows)
		return;
	uint64_t after = atomic_load_explicit(&ctx->csum_auto->off_after, memory_order_acquire);
	if (p->pcap_cnt > after) {
		ctx->checksum_mode = CHECKSUM_NONE;
		ctx->stats.checksum_auto_off = 1;
	}
}

/* The IPv4 header and TCP checksums of a TCP packet, read without marking the packet: the
 * stream stage validates, flags and reports it as it does for every packet. */
static bool sample_checksums_ok(const struct packet *p)
{
	if (p->ip_version == 4 && decode_csum_fold(decode_csum_add(0, p->ip_hdr, p->ip_hlen)) != 0)
		return false;
	if (p->flags & (PKT_F_FRAGMENT | PKT_F_TRUNCATED | PKT_F_INVALID))
		return true;
	const uint8_t *end = p->ip_hdr + p->ip_len;
	if (end <= p->l4_hdr)
		return true;
	return decode_csum_l4_ok(p, IPPROTO_NUM_TCP, p->l4_hdr, (uint32_t)(end - p->l4_hdr), true);
}

/* ... and after: the deciding context sums the TCP checksums of the sample's packets (those
 * the stream stage would validate) and decides when the sample is complete. */
static void checksum_auto_after(struct decode_ctx *ctx, const struct packet *p)
{
	if (ctx->csum_auto_follows || ctx->stats.pkts > DECODE_CSUM_SAMPLE)
		return;
	if (p->ip_proto == IPPROTO_NUM_TCP && p->l4_hdr && !sample_checksums_ok(p))
		ctx->csum_sample_bad++;
	if (ctx->stats.pkts == DECODE_CSUM_SAMPLE)
		checksum_auto_check(ctx, p);
}

void decode_packet_set_event(struct decode_ctx *ctx, struct packet *p, enum decode_event ev)
{
	if ((unsigned)ev == DECODE_EVENT_NONE || (unsigned)ev >= DECODE_EVENT_MAX)
		return;
	ctx->stats.events[ev]++;
	if (p->event_count < PKT_MAX_EVENTS)
		p->events[p->event_count++] = (uint16_t)ev;
}

static const struct {
	int linktype;
	const char *name;
} decode_linktypes[] = {
	{ LINKTYPE_NULL, "NULL" },
	{ LINKTYPE_ETHERNET, "EN10MB" },
	{ LINKTYPE_PPP, "PPP" },
	{ LINKTYPE_RAW, "RAW" },
	{ LINKTYPE_RAW_ALT, "RAW" },
	{ LINKTYPE_RAW_ALT2, "RAW" },
	{ LINKTYPE_LOOP, "LOOP" },
	{ LINKTYPE_LINUX_SLL, "LINUX_SLL" },
	{ LINKTYPE_IPV4, "IPV4" },
	{ LINKTYPE_IPV6, "IPV6" },
	{ LINKTYPE_LINUX_SLL2, "LINUX_SLL2" },
};

bool decode_linktype_supported(int linktype)
{
	return decode_linktype_name(linktype) != NULL;
}

const char *decode_linktype_name(int linktype)
{
	for (size_t i = 0; i < ARRAY_SIZE(decode_linktypes); i++) {
		if (decode_linktypes[i].linktype == linktype)
			return decode_linktypes[i].name;
	}
	return NULL;
}

/*
 * Reset what decoding writes. Instead of clearing the whole struct (a few hundred bytes per
 * packet), only fields that a layer may leave untouched are cleared; fields guarded by a flag or a
 * count (eth_src/eth_dst by PKT_F_HAS_ETH, vlan_id[] by vlan_count, outer_* by PKT_F_TUNNELED,
 * events[] by event_count) and fields every IP decoder writes (src, dst, ttl, tos) are not.
 */
static inline void decode_packet_reset(struct packet *p)
{
	p->vlan_count = 0;
	p->tunnel_depth = 0;
	p->tunnel_kind = PKT_TUNNEL_NONE;
	p->tunnel_len = 0;
	p->outer_ip_proto = 0;
	p->ip_version = 0;
	p->ip_hdr = NULL;
	p->ip_hlen = 0;
	p->ip_len = 0;
	p->ip_proto = 0;
	p->ip_ttl = 0;
	p->ip_tos = 0;
	p->ip_frag_flags = 0;
	p->ip_frag_offset = 0;
	p->ip_id = 0;
	p->ipv6_flow_label = 0;
	p->ipv4_opts = 0;
	p->ipv6_exthdrs = 0;
	p->l4_hdr = NULL;
	p->l4_hlen = 0;
	p->sp = 0;
	p->dp = 0;
	p->tcp_seq = 0;
	p->tcp_ack = 0;
	p->tcp_flags = 0;
	p->tcp_win = 0;
	p->tcp_urp = 0;
	memset(&p->tcp_opts, 0, sizeof(p->tcp_opts));
	p->icmp_type = 0;
	p->icmp_code = 0;
	p->icmp_id = 0;
	p->icmp_seq = 0;
	p->icmp_has_id = false;
	p->payload = NULL;
	p->payload_len = 0;
	p->event_count = 0;
	p->flags = 0;
	p->flow = NULL;
	p->flow_dir = 0;
	p->stream_event_count = 0;
}

int decode_packet(struct decode_ctx *ctx, struct packet *p)
{
	struct decode_stats *st = &ctx->stats;
	const uint8_t *d = p->data;
	uint32_t len = p->data ? p->caplen : 0;

	decode_packet_reset(p);
	st->pkts++;
	if (ctx->checksum_mode == CHECKSUM_AUTO)
		checksum_auto_before(ctx, p);
	if (ctx->checksum_mode == CHECKSUM_NONE)
		p->flags |= PKT_F_CSUM_IGNORE;
	st->bytes += len;
	if (len > st->max_pkt_size)
		st->max_pkt_size = len;

	switch (p->linktype) {
	case LINKTYPE_ETHERNET:
		decode_ethernet(ctx, p, d, len);
		break;
	case LINKTYPE_PPP:
		decode_ppp(ctx, p, d, len);
		break;
	case LINKTYPE_LINUX_SLL:
		decode_sll(ctx, p, d, len);
		break;
	case LINKTYPE_LINUX_SLL2:
		decode_sll2(ctx, p, d, len);
		break;
	case LINKTYPE_RAW:
	case LINKTYPE_RAW_ALT:
	case LINKTYPE_RAW_ALT2:
		decode_raw(ctx, p, d, len);
		break;
	case LINKTYPE_IPV4:
		st->raw++;
		decode_ipv4(ctx, p, d, len);
		break;
	case LINKTYPE_IPV6:
		st->raw++;
		decode_ipv6(ctx, p, d, len);
		break;
	case LINKTYPE_NULL:
	case LINKTYPE_LOOP:
		decode_null(ctx, p, d, len);
		break;
	default:
		/* The capture stage refuses unsupported link types; count it if one slips by. */
		p->flags |= PKT_F_INVALID;
		break;
	}

	if (ctx->checksum_mode == CHECKSUM_AUTO)
		checksum_auto_after(ctx, p);
	if (p->flags & PKT_F_INVALID)
		st->invalid++;
	return p->ip_version != 0 ? 0 : -1;
}

void decode_ip_layer_begin(struct packet *p)
{
	if (p->ip_version != 0) {
		/* An IP layer is already decoded, so this one is a tunnel's inner packet. The
		 * outermost addresses are kept once; everything above L3 belongs to the new layer. */
		if (!(p->flags & PKT_F_TUNNELED)) {
			p->flags |= PKT_F_TUNNELED;
			p->outer_src = p->src;
			p->outer_dst = p->dst;
			p->outer_ip_proto = p->ip_proto;
		}
		p->l4_hdr = NULL;
		p->l4_hlen = 0;
		p->sp = p->dp = 0;
		p->payload = NULL;
		p->payload_len = 0;
		p->flags &= ~(uint32_t)PKT_F_FRAGMENT;
	}
	p->ip_frag_flags = 0;
	p->ip_frag_offset = 0;
	p->ip_id = 0;
	p->ipv6_flow_label = 0;
	p->ipv4_opts = 0;
	p->ipv6_exthdrs = 0;
}

bool decode_tunnel_enter(struct decode_ctx *ctx, struct packet *p, enum pkt_tunnel_kind kind,
			 uint32_t len)
{
	if (p->tunnel_depth >= PKT_MAX_TUNNEL_DEPTH) {
		decode_packet_set_event(ctx, p, DECODE_EVENT_TOO_MANY_LAYERS);
		return false;
	}
	p->tunnel_depth++;
	/* the innermost encapsulation wins: it is the inner packet's source and length */
	p->tunnel_kind = (uint8_t)kind;
	p->tunnel_len = len;
	return true;
}

bool decode_tunnel_root(const struct packet *p, struct packet *root)
{
	if (!(p->flags & PKT_F_TUNNELED))
		return false;
	memset(root, 0, sizeof(*root));
	root->data = p->data;
	root->caplen = p->caplen;
	root->wirelen = p->wirelen;
	root->ts_usec = p->ts_usec;
	root->linktype = p->linktype;
	root->pcap_cnt = p->pcap_cnt;
	root->iface = p->iface;
	if (p->flags & PKT_F_HAS_ETH) {
		root->eth_src = p->eth_src;
		root->eth_dst = p->eth_dst;
		root->flags |= PKT_F_HAS_ETH;
	}
	root->vlan_count = p->vlan_count;
	memcpy(root->vlan_id, p->vlan_id, sizeof(root->vlan_id));
	root->ip_version = p->outer_src.family;
	root->src = p->outer_src;
	root->dst = p->outer_dst;
	root->ip_proto = p->outer_ip_proto;
	root->flags |= p->flags & PKT_F_CSUM_IGNORE;
	/* Suricata's IPv4/IPv6 decoders hand an IP-in-IP root to the flow engine; its GRE
	 * decoder does not */
	return p->outer_ip_proto == IPPROTO_NUM_IPIP || p->outer_ip_proto == IPPROTO_NUM_IPV6;
}

/* IPv4 or IPv6 carried directly in IP (protocol 4 / 41). */
static int decode_ip_in_ip(struct decode_ctx *ctx, struct packet *p, uint8_t proto,
			   const uint8_t *d, uint32_t len)
{
	struct decode_stats *st = &ctx->stats;
	bool outer_v6 = p->ip_version == 6;

	if (proto == IPPROTO_NUM_IPIP) {
		if (outer_v6) {
			/* IPv6 has its own events for a bad inner IPv4 header. */
			if (len < 20) {
				decode_packet_set_event(ctx, p,
							DECODE_EVENT_IPV6_IPV4_IN_IPV6_TOO_SMALL);
				return -1;
			}
			if ((d[0] >> 4) != 4) {
				decode_packet_set_event(
					ctx, p, DECODE_EVENT_IPV6_IPV4_IN_IPV6_WRONG_VERSION);
				return -1;
			}
		}
		if (!decode_tunnel_enter(ctx, p, outer_v6 ? PKT_TUNNEL_IPV6 : PKT_TUNNEL_IPV4, len))
			return -1;
		if (outer_v6)
			st->ipv4_in_ipv6++;
		else
			st->ipv4_in_ipv4++;
		return decode_ipv4(ctx, p, d, len);
	}

	if (outer_v6) {
		if (len < 40) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_IPV6_IN_IPV6_TOO_SMALL);
			return -1;
		}
		if ((d[0] >> 4) != 6) {
			decode_packet_set_event(ctx, p,
						DECODE_EVENT_IPV6_IPV6_IN_IPV6_WRONG_VERSION);
			return -1;
		}
	}
	if (!decode_tunnel_enter(ctx, p, outer_v6 ? PKT_TUNNEL_IPV6 : PKT_TUNNEL_IPV4, len))
		return -1;
	if (outer_v6)
		st->ipv6_in_ipv6++;
	else
		st->ipv6_in_ipv4++;
	return decode_ipv6(ctx, p, d, len);
}

int decode_ip_payload(struct decode_ctx *ctx, struct packet *p, uint8_t proto, const uint8_t *d,
		      uint32_t len)
{
	p->ip_proto = proto;
	/* Until a transport decoder says otherwise the IP payload is the packet's payload: this is
	 * what later fragments, ESP and unknown protocols carry. */
	p->payload = d;
	p->payload_len = len;

	/* Only the first fragment carries the transport header. */
	if (p->ip_frag_offset != 0)
		return 0;

	switch (proto) {
	case IPPROTO_NUM_TCP:
		return decode_tcp(ctx, p, d, len);
	case IPPROTO_NUM_UDP:
		return decode_udp(ctx, p, d, len);
	case IPPROTO_NUM_ICMP:
		if (p->ip_version == 6)
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_ICMPV4);
		return decode_icmpv4(ctx, p, d, len);
	case IPPROTO_NUM_ICMPV6:
		if (p->ip_version == 4)
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_ICMPV6);
		return decode_icmpv6(ctx, p, d, len);
	case IPPROTO_NUM_GRE:
		/* A first fragment holds only part of the inner packet; defrag must come first. */
		if (p->flags & PKT_F_FRAGMENT)
			return 0;
		return decode_gre(ctx, p, d, len);
	case IPPROTO_NUM_IPIP:
	case IPPROTO_NUM_IPV6:
		if (p->flags & PKT_F_FRAGMENT)
			return 0;
		return decode_ip_in_ip(ctx, p, proto, d, len);
	case IPPROTO_NUM_SCTP:
		ctx->stats.sctp++;
		/* Common header: ports, verification tag, checksum (RFC 9260). */
		if (len >= 12) {
			p->l4_hdr = d;
			p->l4_hlen = 12;
			p->sp = rd16(d);
			p->dp = rd16(d + 2);
			p->payload = d + 12;
			p->payload_len = len - 12;
		}
		return 0;
	default:
		ctx->stats.other_ip_proto++;
		return 0;
	}
}
