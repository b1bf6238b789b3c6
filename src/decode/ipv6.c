/*
 * ipv6.c — IPv6 (RFC 8200): the fixed header and the extension header chain (hop-by-hop,
 * routing, fragment, destination options, AH, ESP, no-next-header, mobility), with Suricata's
 * `ipv6.*` decoder events for duplicated, useless or malformed extension headers.
 */
#include "decode/decode-internal.h"

#define IPV6_HDR_LEN 40

/* IPv6 options (RFC 8200 4.2) known to hop-by-hop and destination options headers. */
enum {
	IPV6_OPT_PAD1 = 0x00, IPV6_OPT_PADN = 0x01, IPV6_OPT_TUNNEL_LIMIT = 0x04,
	IPV6_OPT_RTRALT = 0x05, IPV6_OPT_JUMBO = 0xc2, IPV6_OPT_HAO = 0xc9,
};

/* Walk the TLV options of a hop-by-hop or destination options header body. */
static void ipv6_decode_opts(struct decode_ctx *ctx, struct packet *p, const uint8_t *d,
			     uint32_t len, bool hop)
{
	bool only_padding = true;
	uint32_t i = 0;

	while (i < len) {
		uint8_t type = d[i];

		if (type == IPV6_OPT_PAD1) {
			i++;
			continue;
		}
		if (len - i < 2 || (uint32_t)d[i + 1] + 2 > len - i) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_EXTHDR_INVALID_OPTLEN);
			return;
		}
		uint8_t olen = d[i + 1];
		switch (type) {
		case IPV6_OPT_PADN:
			if (olen == 0)
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_ZERO_LEN_PADN);
			break;
		case IPV6_OPT_RTRALT:
		case IPV6_OPT_JUMBO:
		case IPV6_OPT_TUNNEL_LIMIT:
			only_padding = false;
			break;
		case IPV6_OPT_HAO:
			only_padding = false;
			if (hop) /* home address belongs in destination options */
				decode_packet_set_event(ctx, p,
							DECODE_EVENT_IPV6_HOPOPTS_UNKNOWN_OPT);
			break;
		default:
			only_padding = false;
			decode_packet_set_event(ctx, p,
						hop ? DECODE_EVENT_IPV6_HOPOPTS_UNKNOWN_OPT :
						      DECODE_EVENT_IPV6_DSTOPTS_UNKNOWN_OPT);
			break;
		}
		i += 2u + olen;
	}
	if (only_padding)
		decode_packet_set_event(ctx, p,
					hop ? DECODE_EVENT_IPV6_HOPOPTS_ONLY_PADDING :
					      DECODE_EVENT_IPV6_DSTOPTS_ONLY_PADDING);
}

/* Is `nh` a protocol decode_ip_payload() knows, i.e. not an unknown next header? */
static bool ipv6_nh_known(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_NUM_TCP:
	case IPPROTO_NUM_UDP:
	case IPPROTO_NUM_ICMPV6:
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_SCTP:
	case IPPROTO_NUM_GRE:
	case IPPROTO_NUM_IPIP:
	case IPPROTO_NUM_IPV6:
		return true;
	default:
		return false;
	}
}

int decode_ipv6(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < IPV6_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV6_PKT_TOO_SMALL);
		return -1;
	}
	if ((d[0] >> 4) != 6) {
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV6_WRONG_IP_VERSION);
		return -1;
	}

	uint32_t plen = rd16(d + 4);
	uint8_t nh = d[6];
	uint32_t iplen = IPV6_HDR_LEN + plen;

	/* A zero payload length with a hop-by-hop header is a jumbogram (RFC 2675): its length
	 * is in an option, so take what was captured. */
	if (plen == 0 && nh == IPPROTO_NUM_HOPOPTS)
		iplen = len;
	if (len < iplen) {
		/* Less captured than the header claims: invalid, as Suricata treats it (see
		 * ipv4.c). */
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV6_TRUNC_PKT);
		return -1;
	}

	decode_ip_layer_begin(p);
	ctx->stats.ipv6++;

	p->ip_version = 6;
	p->ip_hdr = d;
	p->ip_len = iplen;
	p->ip_tos = (uint8_t)(rd16(d) >> 4);
	p->ipv6_flow_label = rd32(d) & 0x000fffff;
	p->ip_ttl = d[7];
	ip_addr_set_v6(&p->src, d + 8);
	ip_addr_set_v6(&p->dst, d + 24);

	uint32_t off = IPV6_HDR_LEN;
	bool dstopts_after_rh = false; /* a second dstopts header is legal after routing */
	unsigned dstopts_seen = 0;

	for (;;) {
		const uint8_t *h = d + off;
		uint32_t left = iplen - off;
		uint32_t hlen;

		p->ip_hlen = (uint16_t)(off > 0xffff ? 0xffff : off);
		p->ip_proto = nh;

		switch (nh) {
		case IPPROTO_NUM_HOPOPTS:
		case IPPROTO_NUM_DSTOPTS:
		case IPPROTO_NUM_ROUTING:
		case IPPROTO_NUM_MH:
			if (left < 8 || (hlen = ((uint32_t)h[1] + 1) * 8) > left) {
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_TRUNC_EXTHDR);
				return 0;
			}
			break;
		case IPPROTO_NUM_AH:
			if (left < 12 || (hlen = ((uint32_t)h[1] + 2) * 4) > left) {
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_TRUNC_EXTHDR);
				return 0;
			}
			break;
		case IPPROTO_NUM_FRAGMENT:
			hlen = 8;
			if (left < hlen) {
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_TRUNC_EXTHDR);
				return 0;
			}
			break;
		default:
			hlen = 0;
			break;
		}

		switch (nh) {
		case IPPROTO_NUM_HOPOPTS:
			/* RFC 8200: hop-by-hop must come first (and so only once). */
			if ((p->ipv6_exthdrs & IPV6_EXT_F_HOP) || off != IPV6_HDR_LEN)
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_EXTHDR_DUPL_HH);
			p->ipv6_exthdrs |= IPV6_EXT_F_HOP;
			ipv6_decode_opts(ctx, p, h + 2, hlen - 2, true);
			break;
		case IPPROTO_NUM_DSTOPTS:
			if (dstopts_seen == 1 ? !dstopts_after_rh : dstopts_seen > 1)
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_EXTHDR_DUPL_DH);
			dstopts_seen++;
			dstopts_after_rh = false;
			p->ipv6_exthdrs |= IPV6_EXT_F_DSTOPTS;
			ipv6_decode_opts(ctx, p, h + 2, hlen - 2, false);
			break;
		case IPPROTO_NUM_ROUTING:
			if (p->ipv6_exthdrs & IPV6_EXT_F_ROUTING)
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_EXTHDR_DUPL_RH);
			p->ipv6_exthdrs |= IPV6_EXT_F_ROUTING;
			/* Type 0 is deprecated for its amplification attack (RFC 5095). */
			if (h[2] == 0)
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_RH_TYPE_0);
			dstopts_after_rh = dstopts_seen == 1;
			break;
		case IPPROTO_NUM_FRAGMENT: {
			if (p->ipv6_exthdrs & IPV6_EXT_F_FRAG)
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_EXTHDR_DUPL_FH);
			p->ipv6_exthdrs |= IPV6_EXT_F_FRAG;
			uint16_t fo = rd16(h + 2);
			if (h[1] != 0 || (fo & 0x0006) != 0)
				decode_packet_set_event(ctx, p,
							DECODE_EVENT_IPV6_FH_NON_ZERO_RESERVED_FIELD);
			p->ip_frag_offset = fo >> 3;
			p->ip_frag_flags = (fo & 1) ? IP_FRAG_MF : 0;
			p->ip_id = rd32(h + 4);
			if (p->ip_frag_offset == 0 && !(fo & 1)) {
				/* An atomic fragment: nothing was fragmented. */
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_EXTHDR_USELESS_FH);
			} else {
				/* All fragments but the last carry a multiple of 8 bytes. */
				if ((fo & 1) && ((iplen - off - hlen) % 8) != 0 &&
				    !(p->flags & PKT_F_TRUNCATED))
					decode_packet_set_event(ctx, p,
								DECODE_EVENT_IPV6_FRAG_INVALID_LENGTH);
				if (!(p->flags & PKT_F_FRAGMENT)) {
					p->flags |= PKT_F_FRAGMENT;
					ctx->stats.fragments++;
				}
			}
			if (p->ip_frag_offset != 0) {
				/* Later fragments hold data, not headers: the chain ends here. */
				p->ip_hlen = (uint16_t)(off + hlen);
				decode_ip_payload(ctx, p, h[0], h + hlen, left - hlen);
				return 0;
			}
			break;
		}
		case IPPROTO_NUM_AH:
			if (p->ipv6_exthdrs & IPV6_EXT_F_AH)
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_EXTHDR_DUPL_AH);
			p->ipv6_exthdrs |= IPV6_EXT_F_AH;
			if (rd16(h + 2) != 0)
				decode_packet_set_event(ctx, p,
							DECODE_EVENT_IPV6_EXTHDR_AH_RES_NOT_NULL);
			break;
		case IPPROTO_NUM_ESP:
			/* Everything after the ESP header is encrypted. */
			if (p->ipv6_exthdrs & IPV6_EXT_F_ESP)
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_EXTHDR_DUPL_EH);
			p->ipv6_exthdrs |= IPV6_EXT_F_ESP;
			p->payload = h;
			p->payload_len = left;
			return 0;
		case IPPROTO_NUM_NONE:
			p->ipv6_exthdrs |= IPV6_EXT_F_NONE;
			if (left > 0)
				decode_packet_set_event(ctx, p,
							DECODE_EVENT_IPV6_DATA_AFTER_NONE_HEADER);
			return 0;
		case IPPROTO_NUM_MH:
			/* The mobility header ends the chain (its next header is always "none"). */
			p->ipv6_exthdrs |= IPV6_EXT_F_MH;
			p->l4_hdr = h;
			p->l4_hlen = (uint16_t)hlen;
			p->payload = h + hlen;
			p->payload_len = left - hlen;
			return 0;
		default:
			if (!ipv6_nh_known(nh))
				decode_packet_set_event(ctx, p, DECODE_EVENT_IPV6_UNKNOWN_NEXT_HEADER);
			decode_ip_payload(ctx, p, nh, h, left);
			return 0;
		}

		nh = h[0];
		off += hlen;
	}
}
