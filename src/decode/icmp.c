/*
 * icmp.c — ICMPv4 (RFC 792) and ICMPv6 (RFC 4443): type/code validation, echo-style id/seq,
 * and a check of the IP header that error messages quote (it stays a quotation: the packet's
 * L3 remains the outer header). Suricata logs ICMP with src_port = type, dest_port = code.
 */
#include "decode/decode-internal.h"

#define ICMP_HDR_LEN 8

/* Highest valid code per ICMPv4 type, -1 for unknown types. */
static int icmpv4_max_code(uint8_t type)
{
	switch (type) {
	case 0: case 4: case 8: case 10: case 13: case 14: case 15: case 16: case 17: case 18:
		return 0;
	case 3: /* destination unreachable */
		return 15;
	case 5: /* redirect */
		return 3;
	case 9: /* router advertisement: 0 normal, 16 does not route common traffic */
		return 16;
	case 11: /* time exceeded */
		return 1;
	case 12: /* parameter problem */
		return 2;
	case 40: /* photuris */
		return 5;
	case 42: /* extended echo request (RFC 8335) */
		return 0;
	case 43:
		return 4;
	default:
		return -1;
	}
}

static bool icmpv4_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static void icmp_set_common(struct packet *p, const uint8_t *d, uint32_t len)
{
	p->icmp_type = d[0];
	p->icmp_code = d[1];
	p->sp = d[0];
	p->dp = d[1];
	p->l4_hdr = d;
	p->l4_hlen = ICMP_HDR_LEN;
	p->payload = d + ICMP_HDR_LEN;
	p->payload_len = len - ICMP_HDR_LEN;
}

int decode_icmpv4(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < ICMP_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_ICMPV4_PKT_TOO_SMALL);
		return -1;
	}
	ctx->stats.icmpv4++;
	icmp_set_common(p, d, len);

	uint8_t type = d[0], code = d[1];
	int max = icmpv4_max_code(type);
	bool code_ok = false;
	if (max < 0)
		decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV4_UNKNOWN_TYPE);
	else if (code > max || (type == 9 && code != 0 && code != 16))
		decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV4_UNKNOWN_CODE);
	else
		code_ok = true;

	switch (type) {
	case 0: case 8: case 13: case 14: case 15: case 16: case 17: case 18:
		p->icmp_has_id = true;
		p->icmp_id = rd16(d + 4);
		p->icmp_seq = rd16(d + 6);
		break;
	default:
		break;
	}

	if (icmpv4_is_error(type) && code_ok) {
		/* The quoted datagram: its IP header and the first 8 bytes of its payload. As
		 * Suricata does, an error with an unknown code is not looked into further. */
		const uint8_t *e = d + ICMP_HDR_LEN;
		uint32_t elen = len - ICMP_HDR_LEN;
		if (elen < 20) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV4_IPV4_TRUNC_PKT);
		} else if ((e[0] >> 4) != 4) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV4_IPV4_UNKNOWN_VER);
		} else if ((uint32_t)(e[0] & 0x0f) * 4 < 20 || (uint32_t)(e[0] & 0x0f) * 4 > elen) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV4_IPV4_TRUNC_PKT);
		}
	}

	if (decode_l4_csum_wanted(ctx, p) && !decode_csum_l4_ok(p, IPPROTO_NUM_ICMP, d, len, false))
		decode_l4_csum_bad(ctx, p, DECODE_EVENT_ICMPV4_CHECKSUM_INVALID);
	return 0;
}

/* Highest valid code per known ICMPv6 type; -1 if the type is not one of them. */
static int icmpv6_max_code(uint8_t type)
{
	switch (type) {
	case 1: /* destination unreachable */
		return 8;
	case 2: /* packet too big */
		return 0;
	case 3: /* time exceeded */
		return 1;
	case 4: /* parameter problem */
		return 10;
	case 128: case 129: /* echo */
	case 130: case 131: case 132: case 143: /* MLD */
	case 133: case 134: case 135: case 136: case 137: /* neighbour discovery */
	case 141: case 142: case 144: case 145: case 146: case 147: case 148: case 149:
	case 151: case 152: case 153:
		return 0;
	case 138: /* router renumbering */
		return 255;
	case 139: case 140: /* node information */
		return 2;
	case 150: case 154: case 155:
		return 255;
	case 160: /* extended echo request (RFC 8335) */
		return 0;
	case 161:
		return 4;
	default:
		return -1;
	}
}

int decode_icmpv6(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < ICMP_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_ICMPV6_PKT_TOO_SMALL);
		return -1;
	}
	ctx->stats.icmpv6++;
	icmp_set_common(p, d, len);

	uint8_t type = d[0], code = d[1];
	int max = icmpv6_max_code(type);
	if (max < 0) {
		/* RFC 4443 reserves 100, 101, 200 and 201 for private experimentation. */
		if (type == 100 || type == 101 || type == 200 || type == 201)
			decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV6_EXPERIMENTATION_TYPE);
		else if ((type > 4 && type < 100) || (type > 101 && type < 127) ||
			 (type > 161 && type < 200) || (type > 201 && type < 255))
			decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV6_UNASSIGNED_TYPE);
		else
			decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV6_UNKNOWN_TYPE);
	} else if (code > max) {
		decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV6_UNKNOWN_CODE);
	}

	if (type == 128 || type == 129) {
		p->icmp_has_id = true;
		p->icmp_id = rd16(d + 4);
		p->icmp_seq = rd16(d + 6);
	}
	/* MLD must stay on the link: hop limit 1 (RFC 2710 3, RFC 3810 5). */
	if ((type >= 130 && type <= 132) || type == 143) {
		if (p->ip_ttl != 1)
			decode_packet_set_event(ctx, p,
						DECODE_EVENT_ICMPV6_MLD_MESSAGE_WITH_INVALID_HL);
	}
	if (type >= 1 && type <= 4) {
		const uint8_t *e = d + ICMP_HDR_LEN;
		uint32_t elen = len - ICMP_HDR_LEN;
		if (elen < 40)
			decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV6_IPV6_TRUNC_PKT);
		else if ((e[0] >> 4) != 6)
			decode_packet_set_event(ctx, p, DECODE_EVENT_ICMPV6_IPV6_UNKNOWN_VERSION);
	}

	/* ICMPv6 is meaningless over IPv4 (ipv4.icmpv6): there is no pseudo-header to check. */
	if (p->ip_version == 6 && decode_l4_csum_wanted(ctx, p) &&
	    !decode_csum_l4_ok(p, IPPROTO_NUM_ICMPV6, d, len, true))
		decode_l4_csum_bad(ctx, p, DECODE_EVENT_ICMPV6_CHECKSUM_INVALID);
	return 0;
}
