/*
 * ipv4.c — IPv4 (RFC 791): header and length checks, options, fragments and the header
 * checksum. The option checks and event names follow Suricata's `ipv4.opt_*` decoder events.
 */
#include "decode/decode-internal.h"

#define IPV4_HDR_LEN 20

enum {
	IPV4_OPT_EOL = 0x00, IPV4_OPT_NOP = 0x01, IPV4_OPT_RR = 0x07, IPV4_OPT_QS = 0x19,
	IPV4_OPT_TS = 0x44, IPV4_OPT_SEC = 0x82, IPV4_OPT_LSRR = 0x83, IPV4_OPT_CIPSO = 0x86,
	IPV4_OPT_SID = 0x88, IPV4_OPT_SSRR = 0x89, IPV4_OPT_RTRALT = 0x94, IPV4_OPT_ESEC = 0x85,
};

/* Minimum lengths (type and length bytes included) below which an option is
 * ipv4.opt_invalid_len, as Suricata's validators judge them. */
#define IPV4_OPT_ROUTE_MIN 3
#define IPV4_OPT_TS_MIN 5
#define IPV4_OPT_SEC_MIN 3
#define IPV4_OPT_QS_MIN 8
#define IPV4_OPT_CIPSO_MIN 10
#define IPV4_OPT_FIXED_LEN 4 /* stream id, router alert */

/* Route options (RR, LSRR, SSRR): pointer(1) then 4-byte addresses. The pointer is 1-based,
 * at least 4, a multiple of 4, and at most one past the option's end (a full route). */
static enum decode_event ipv4_opt_route_check(const uint8_t *o, uint8_t olen)
{
	if (olen < IPV4_OPT_ROUTE_MIN)
		return DECODE_EVENT_IPV4_OPT_INVALID_LEN;
	uint8_t ptr = o[2];
	if (ptr < 4 || ptr % 4 || ptr > olen + 1)
		return DECODE_EVENT_IPV4_OPT_MALFORMED;
	return DECODE_EVENT_NONE;
}

/* Timestamp: pointer(1) overflow/flag(1), then 4-byte stamps or, with flags 1 and 3,
 * address+stamp pairs; the pointer is at least 5 and on a record boundary. */
static enum decode_event ipv4_opt_ts_check(const uint8_t *o, uint8_t olen)
{
	if (olen < IPV4_OPT_TS_MIN)
		return DECODE_EVENT_IPV4_OPT_INVALID_LEN;
	uint8_t ptr = o[2];
	if (ptr < 5)
		return DECODE_EVENT_IPV4_OPT_MALFORMED;
	uint8_t flag = o[3] & 0x0f;
	unsigned rec = (flag == 1 || flag == 3) ? 8 : 4;
	if ((ptr - 5) % rec || ptr > olen + 1)
		return DECODE_EVENT_IPV4_OPT_MALFORMED;
	return DECODE_EVENT_NONE;
}

/* CIPSO (FIPS 188): DOI(4), then tags of type(1) length(2..) each inside the option. Tag
 * types 1, 2, 5, 6 and 7 are known; all but 7 carry a zero alignment octet. */
static enum decode_event ipv4_opt_cipso_check(const uint8_t *o, uint8_t olen)
{
	if (olen < IPV4_OPT_CIPSO_MIN)
		return DECODE_EVENT_IPV4_OPT_INVALID_LEN;
	const uint8_t *tag = o + 6;
	uint32_t left = olen - 6u;
	while (left) {
		if (left < 2)
			return DECODE_EVENT_IPV4_OPT_MALFORMED;
		uint8_t ttype = tag[0], tlen = tag[1];
		if (tlen > left)
			return DECODE_EVENT_IPV4_OPT_MALFORMED;
		switch (ttype) {
		case 1: case 2: case 5: case 6: case 7:
			if (tlen < 4)
				return DECODE_EVENT_IPV4_OPT_MALFORMED;
			if (ttype != 7 && tag[2] != 0)
				return DECODE_EVENT_IPV4_OPT_MALFORMED;
			tag += tlen;
			left -= tlen;
			break;
		default:
			/* 0 is reserved; 3 and 4 and the rest are not defined */
			return DECODE_EVENT_IPV4_OPT_MALFORMED;
		}
	}
	return DECODE_EVENT_NONE;
}

/*
 * Parse the options in d[0..len): bits for the `ipopts` keyword and Suricata's option events.
 * As Suricata: an options field that is not a multiple of 8 bytes raises opt_pad_required (an
 * odd rule of its, kept for the event's sake); an option failing its own checks raises its
 * event and parsing goes on with the next one; a length byte that cannot be right
 * (opt_invalid_len), a missing end-of-list (opt_eol_required) or the end-of-list itself stops
 * it. Only the first copy of an option is checked; later ones are opt_duplicate. Returns -1
 * when a length byte is impossible: Suricata then takes the packet as invalid (no IP layer).
 */
static int ipv4_decode_options(struct decode_ctx *ctx, struct packet *p, const uint8_t *d,
				uint32_t len)
{
	uint32_t seen = 0;
	uint32_t i = 0;

	/* `ipopts: any` matches whenever the header carries options, valid or not. */
	p->ipv4_opts |= IPV4_OPT_F_ANY;
	if (len % 8)
		decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_OPT_PAD_REQUIRED);
	while (i < len) {
		uint8_t type = d[i];

		if (type == IPV4_OPT_EOL) {
			p->ipv4_opts |= IPV4_OPT_F_EOL;
			return 0;
		}
		if (type == IPV4_OPT_NOP) {
			p->ipv4_opts |= IPV4_OPT_F_NOP;
			i++;
			continue;
		}
		/* A multi-byte option needs its length byte: one lone byte left is missing the
		 * end-of-list that should have padded the header. */
		if (len - i < 2) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_OPT_EOL_REQUIRED);
			return 0;
		}
		uint8_t olen = d[i + 1];
		if (olen < 2 || olen > len - i) {
			decode_set_invalid(ctx, p, DECODE_EVENT_IPV4_OPT_INVALID_LEN);
			return -1;
		}
		const uint8_t *o = d + i;
		uint32_t bit;
		enum decode_event bad;

		switch (type) {
		case IPV4_OPT_RR:
			bit = IPV4_OPT_F_RR;
			bad = ipv4_opt_route_check(o, olen);
			break;
		case IPV4_OPT_LSRR:
			bit = IPV4_OPT_F_LSRR;
			bad = ipv4_opt_route_check(o, olen);
			break;
		case IPV4_OPT_SSRR:
			bit = IPV4_OPT_F_SSRR;
			bad = ipv4_opt_route_check(o, olen);
			break;
		case IPV4_OPT_TS:
			bit = IPV4_OPT_F_TS;
			bad = ipv4_opt_ts_check(o, olen);
			break;
		case IPV4_OPT_SEC:
		case IPV4_OPT_ESEC:
			/* RFC 1108 security: at least a classification level */
			bit = type == IPV4_OPT_SEC ? IPV4_OPT_F_SEC : IPV4_OPT_F_ESEC;
			bad = olen < IPV4_OPT_SEC_MIN ? DECODE_EVENT_IPV4_OPT_INVALID_LEN :
							DECODE_EVENT_NONE;
			break;
		case IPV4_OPT_CIPSO:
			bit = IPV4_OPT_F_CIPSO;
			bad = ipv4_opt_cipso_check(o, olen);
			break;
		case IPV4_OPT_SID:
		case IPV4_OPT_RTRALT:
			bit = type == IPV4_OPT_SID ? IPV4_OPT_F_SATID : IPV4_OPT_F_RTRALT;
			bad = olen != IPV4_OPT_FIXED_LEN ? DECODE_EVENT_IPV4_OPT_INVALID_LEN :
							   DECODE_EVENT_NONE;
			break;
		case IPV4_OPT_QS:
			bit = IPV4_OPT_F_QS;
			bad = olen < IPV4_OPT_QS_MIN ? DECODE_EVENT_IPV4_OPT_INVALID_LEN :
						       DECODE_EVENT_NONE;
			break;
		default:
			/* a type Suricata does not know is opt_invalid (its opt_unknown is never
			 * raised by the option walk) */
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_OPT_INVALID);
			i += olen;
			continue;
		}

		if (seen & bit)
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_OPT_DUPLICATE);
		else if (bad != DECODE_EVENT_NONE)
			decode_packet_set_event(ctx, p, bad);
		seen |= bit;
		p->ipv4_opts |= bit;
		i += olen;
	}
	return 0;
}

int decode_ipv4(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < IPV4_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV4_PKT_TOO_SMALL);
		return -1;
	}
	if ((d[0] >> 4) != 4) {
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV4_WRONG_IP_VERSION);
		return -1;
	}
	uint32_t hlen = (uint32_t)(d[0] & 0x0f) * 4;
	uint32_t iplen = rd16(d + 2);
	if (hlen < IPV4_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV4_HLEN_TOO_SMALL);
		return -1;
	}
	if (iplen < hlen) {
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV4_IPLEN_SMALLER_THAN_HLEN);
		return -1;
	}
	if (len < hlen) {
		/* Not even the header was captured. */
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV4_TRUNC_PKT);
		return -1;
	}

	if (len < iplen) {
		/* The header claims more than was captured. Suricata treats such a packet as
		 * invalid (no flow, no detection) rather than inspecting a partial datagram; we do
		 * the same so alerts and flow counts agree with it. */
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV4_TRUNC_PKT);
		return -1;
	}

	decode_ip_layer_begin(p);
	ctx->stats.ipv4++;
	/* (len > iplen is link-layer padding, e.g. Ethernet's 60-byte minimum: ignored.) */

	p->ip_version = 4;
	p->ip_hdr = d;
	p->ip_hlen = (uint16_t)hlen;
	p->ip_len = iplen;
	p->ip_tos = d[1];
	p->ip_id = rd16(d + 4);
	uint16_t frag = rd16(d + 6);
	p->ip_frag_flags = (uint8_t)(frag >> 13);
	p->ip_frag_offset = frag & 0x1fff;
	p->ip_ttl = d[8];
	p->ip_proto = d[9];
	ip_addr_set_v4(&p->src, d + 12);
	ip_addr_set_v4(&p->dst, d + 16);

	if (hlen > IPV4_HDR_LEN &&
	    ipv4_decode_options(ctx, p, d + IPV4_HDR_LEN, hlen - IPV4_HDR_LEN) != 0) {
		/* No IP layer then (an inner packet leaves the tunnel's outer one in place). */
		if (!(p->flags & PKT_F_TUNNELED)) {
			p->ip_version = 0;
			p->ip_hdr = NULL;
			p->ip_hlen = 0;
			p->ip_len = 0;
		}
		return -1;
	}

	if (decode_csum_enabled(ctx) &&
	    decode_csum_fold(decode_csum_add(0, d, hlen)) != 0) {
		p->flags |= PKT_F_IPV4_CSUM_BAD;
		ctx->stats.ipv4_csum_bad++;
		decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_CHECKSUM_INVALID);
	}

	if ((p->ip_frag_flags & IP_FRAG_MF) || p->ip_frag_offset != 0) {
		p->flags |= PKT_F_FRAGMENT;
		ctx->stats.fragments++;
	}

	decode_ip_payload(ctx, p, d[9], d + hlen, iplen - hlen);
	return 0;
}
