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

/* Route options (RR, LSRR, SSRR): pointer(1) then 4-byte addresses; the pointer is 1-based,
 * at least 4, and points at an address boundary. */
static bool ipv4_opt_route_ok(const uint8_t *o, uint8_t olen)
{
	if (olen < 3 + 4)
		return false;
	uint8_t ptr = o[2];
	return ptr >= 4 && (ptr - 4) % 4 == 0 && (olen - 3) % 4 == 0;
}

/* Timestamp: pointer(1) overflow/flag(1), then 4-byte stamps (flag 0) or address+stamp pairs
 * (flags 1 and 3). */
static bool ipv4_opt_ts_ok(const uint8_t *o, uint8_t olen)
{
	if (olen < 4)
		return false;
	uint8_t ptr = o[2];
	uint8_t flag = o[3] & 0x0f;
	unsigned rec = (flag == 0) ? 4 : 8;

	if (flag != 0 && flag != 1 && flag != 3)
		return false;
	return ptr >= 5 && (ptr - 5) % rec == 0 && (olen - 4) % rec == 0;
}

/* Parse the options in d[0..len): bits for the `ipopts` keyword and Suricata's option events.
 * Malformed options stop parsing but not decoding: the options field length is already known. */
static void ipv4_decode_options(struct decode_ctx *ctx, struct packet *p, const uint8_t *d,
				uint32_t len)
{
	uint32_t seen = 0;
	uint32_t i = 0;

	/* `ipopts: any` matches whenever the header carries options, valid or not. */
	p->ipv4_opts |= IPV4_OPT_F_ANY;
	while (i < len) {
		uint8_t type = d[i];

		if (type == IPV4_OPT_EOL) {
			p->ipv4_opts |= IPV4_OPT_F_EOL | IPV4_OPT_F_ANY;
			return;
		}
		if (type == IPV4_OPT_NOP) {
			p->ipv4_opts |= IPV4_OPT_F_NOP | IPV4_OPT_F_ANY;
			i++;
			continue;
		}
		/* A multi-byte option needs its length byte: one lone byte left is missing the
		 * end-of-list that should have padded the header. */
		if (len - i < 2) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_OPT_EOL_REQUIRED);
			return;
		}
		uint8_t olen = d[i + 1];
		if (olen < 2 || olen > len - i) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_OPT_INVALID_LEN);
			return;
		}
		const uint8_t *o = d + i;
		uint32_t bit;
		bool ok;

		switch (type) {
		case IPV4_OPT_RR:
			bit = IPV4_OPT_F_RR;
			ok = ipv4_opt_route_ok(o, olen);
			break;
		case IPV4_OPT_LSRR:
			bit = IPV4_OPT_F_LSRR;
			ok = ipv4_opt_route_ok(o, olen);
			break;
		case IPV4_OPT_SSRR:
			bit = IPV4_OPT_F_SSRR;
			ok = ipv4_opt_route_ok(o, olen);
			break;
		case IPV4_OPT_TS:
			bit = IPV4_OPT_F_TS;
			ok = ipv4_opt_ts_ok(o, olen);
			break;
		case IPV4_OPT_SEC:
			bit = IPV4_OPT_F_SEC;
			ok = olen >= 3; /* RFC 1108 basic security: class + authority flags */
			break;
		case IPV4_OPT_ESEC:
			bit = IPV4_OPT_F_ESEC;
			ok = olen >= 3;
			break;
		case IPV4_OPT_CIPSO:
			bit = IPV4_OPT_F_CIPSO;
			ok = olen >= 6; /* type, length, DOI(4), then tags */
			break;
		case IPV4_OPT_SID:
			bit = IPV4_OPT_F_SATID;
			ok = olen == 4;
			break;
		case IPV4_OPT_RTRALT:
			bit = IPV4_OPT_F_RTRALT;
			ok = olen == 4;
			break;
		case IPV4_OPT_QS:
			bit = IPV4_OPT_F_QS;
			ok = olen == 8;
			break;
		default:
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_OPT_UNKNOWN);
			p->ipv4_opts |= IPV4_OPT_F_ANY;
			i += olen;
			continue;
		}

		if (!ok) {
			/* Length fixed by the option type but wrong, or inner fields inconsistent. */
			bool fixed = type == IPV4_OPT_SID || type == IPV4_OPT_RTRALT ||
				     type == IPV4_OPT_QS;
			decode_packet_set_event(ctx, p,
						fixed ? DECODE_EVENT_IPV4_OPT_INVALID_LEN :
							DECODE_EVENT_IPV4_OPT_MALFORMED);
		} else if (seen & bit) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_OPT_DUPLICATE);
		}
		seen |= bit;
		p->ipv4_opts |= bit | IPV4_OPT_F_ANY;
		i += olen;
	}
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

	if (hlen > IPV4_HDR_LEN)
		ipv4_decode_options(ctx, p, d + IPV4_HDR_LEN, hlen - IPV4_HDR_LEN);

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
