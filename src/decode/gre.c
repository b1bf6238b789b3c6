/*
 * gre.c — GRE tunnels: version 0 (RFC 2784/2890 with checksum, key and sequence fields, and the
 * RFC 1701 routing field), version 1 enhanced GRE as used by PPTP (RFC 2637) carrying PPP, and
 * the payloads aegis decodes further: IPv4, IPv6, bridged Ethernet (0x6558) and ERSPAN
 * mirrored frames (types I, II and III).
 */
#include "decode/decode-internal.h"

#define GRE_HDR_LEN 4

/* Bits of the first 16-bit word. */
#define GRE_F_CSUM 0x8000
#define GRE_F_ROUTE 0x4000
#define GRE_F_KEY 0x2000
#define GRE_F_SEQ 0x1000
#define GRE_F_SSR 0x0800
#define GRE_F_RECUR 0x0700
#define GRE_F_ACK 0x0080 /* version 1 only */
#define GRE_F_RESERVED 0x0078
#define GRE_VERSION_MASK 0x0007

#define ERSPAN2_HDR_LEN 8
#define ERSPAN3_HDR_LEN 12
#define ERSPAN3_SUBHDR_LEN 8

/* ERSPAN type II (8-byte header) or III (12 bytes, plus 8 when the O bit is set), then the
 * mirrored Ethernet frame. */
static int gre_decode_erspan(struct decode_ctx *ctx, struct packet *p, uint16_t proto,
			     const uint8_t *d, uint32_t len)
{
	uint32_t hlen = proto == ETHERTYPE_ERSPAN2 ? ERSPAN2_HDR_LEN : ERSPAN3_HDR_LEN;
	unsigned want_ver = proto == ETHERTYPE_ERSPAN2 ? 1 : 2;

	if (len < hlen) {
		decode_packet_set_event(ctx, p, DECODE_EVENT_ERSPAN_HEADER_TOO_SMALL);
		return -1;
	}
	if ((unsigned)(d[0] >> 4) != want_ver) {
		decode_packet_set_event(ctx, p, DECODE_EVENT_ERSPAN_UNSUPPORTED_VERSION);
		return -1;
	}
	if (proto == ETHERTYPE_ERSPAN3 && (d[11] & 1)) {
		hlen += ERSPAN3_SUBHDR_LEN;
		if (len < hlen) {
			decode_packet_set_event(ctx, p, DECODE_EVENT_ERSPAN_HEADER_TOO_SMALL);
			return -1;
		}
	}
	return decode_ethernet(ctx, p, d + hlen, len - hlen);
}

/* Version 0: optional checksum+offset, key, sequence number, and (RFC 1701) source routes. */
static int gre_v0_header_len(struct decode_ctx *ctx, struct packet *p, uint16_t flags,
			     const uint8_t *d, uint32_t len, uint32_t *hlen_out)
{
	uint32_t hlen = GRE_HDR_LEN;

	if (flags & GRE_F_RECUR)
		decode_packet_set_event(ctx, p, DECODE_EVENT_GRE_VERSION0_RECUR);
	if (flags & (GRE_F_RESERVED | GRE_F_ACK))
		decode_packet_set_event(ctx, p, DECODE_EVENT_GRE_VERSION0_FLAGS);
	if (flags & (GRE_F_CSUM | GRE_F_ROUTE))
		hlen += 4;
	if (flags & GRE_F_KEY)
		hlen += 4;
	if (flags & GRE_F_SEQ)
		hlen += 4;
	if (hlen > len)
		goto too_big;
	if (flags & GRE_F_ROUTE) {
		/* Source route entries: family(2) offset(1) length(1) data; a zero-length entry
		 * ends the list. Each entry consumes at least 4 bytes, so this terminates. */
		for (;;) {
			if (len - hlen < 4)
				goto too_big;
			uint8_t sre_len = d[hlen + 3];
			hlen += 4;
			if (sre_len == 0)
				break;
			if (sre_len > len - hlen)
				goto too_big;
			hlen += sre_len;
		}
	}
	*hlen_out = hlen;
	return 0;
too_big:
	decode_packet_set_event(ctx, p, DECODE_EVENT_GRE_VERSION0_HDR_TOO_BIG);
	return -1;
}

/* Version 1 (PPTP): key is mandatory (payload length + call id), then sequence and ack. */
static int gre_v1_header_len(struct decode_ctx *ctx, struct packet *p, uint16_t flags,
			     uint16_t proto, uint32_t len, uint32_t *hlen_out)
{
	enum decode_event ev = DECODE_EVENT_NONE;

	if (flags & GRE_F_CSUM)
		ev = DECODE_EVENT_GRE_VERSION1_CHKSUM;
	else if (flags & GRE_F_ROUTE)
		ev = DECODE_EVENT_GRE_VERSION1_ROUTE;
	else if (flags & GRE_F_SSR)
		ev = DECODE_EVENT_GRE_VERSION1_SSR;
	else if (flags & GRE_F_RECUR)
		ev = DECODE_EVENT_GRE_VERSION1_RECUR;
	else if (flags & GRE_F_RESERVED)
		ev = DECODE_EVENT_GRE_VERSION1_FLAGS;
	else if (proto != ETHERTYPE_PPP)
		ev = DECODE_EVENT_GRE_VERSION1_WRONG_PROTOCOL;
	else if (!(flags & GRE_F_KEY))
		ev = DECODE_EVENT_GRE_VERSION1_NO_KEY;
	if (ev != DECODE_EVENT_NONE) {
		decode_packet_set_event(ctx, p, ev);
		return -1;
	}

	uint32_t hlen = GRE_HDR_LEN + 4;
	if (flags & GRE_F_SEQ)
		hlen += 4;
	if (flags & GRE_F_ACK)
		hlen += 4;
	if (hlen > len) {
		decode_packet_set_event(ctx, p, DECODE_EVENT_GRE_VERSION1_HDR_TOO_BIG);
		return -1;
	}
	*hlen_out = hlen;
	return 0;
}

int decode_gre(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < GRE_HDR_LEN) {
		decode_packet_set_event(ctx, p, DECODE_EVENT_GRE_PKT_TOO_SMALL);
		return -1;
	}
	uint16_t flags = rd16(d);
	uint16_t proto = rd16(d + 2);
	uint32_t hlen = 0;
	int rc;

	switch (flags & GRE_VERSION_MASK) {
	case 0:
		rc = gre_v0_header_len(ctx, p, flags, d, len, &hlen);
		break;
	case 1:
		rc = gre_v1_header_len(ctx, p, flags, proto, len, &hlen);
		break;
	default:
		decode_packet_set_event(ctx, p, DECODE_EVENT_GRE_WRONG_VERSION);
		return -1;
	}
	if (rc < 0)
		return -1;
	ctx->stats.gre++;

	p->l4_hdr = d;
	p->l4_hlen = (uint16_t)hlen;
	p->payload = d + hlen;
	p->payload_len = len - hlen;

	const uint8_t *in = d + hlen;
	uint32_t inlen = len - hlen;

	switch (proto) {
	case ETHERTYPE_IPV4:
	case ETHERTYPE_IPV6:
	case ETHERTYPE_TEB:
	case ETHERTYPE_ERSPAN2:
	case ETHERTYPE_ERSPAN3:
	case ETHERTYPE_PPP:
	case ETHERTYPE_VLAN:
	case ETHERTYPE_QINQ:
		break;
	default:
		return 0; /* GRE keepalives, MPLS, WCCP...: the GRE layer is what we inspect */
	}
	if (!decode_tunnel_enter(ctx, p, PKT_TUNNEL_GRE, inlen))
		return 0;

	switch (proto) {
	case ETHERTYPE_TEB:
		return decode_ethernet(ctx, p, in, inlen);
	case ETHERTYPE_ERSPAN2:
		/* Type I has no ERSPAN header and no sequence number in GRE. */
		if (!(flags & GRE_F_SEQ))
			return decode_ethernet(ctx, p, in, inlen);
		return gre_decode_erspan(ctx, p, proto, in, inlen);
	case ETHERTYPE_ERSPAN3:
		return gre_decode_erspan(ctx, p, proto, in, inlen);
	case ETHERTYPE_PPP:
		return decode_ppp(ctx, p, in, inlen);
	default:
		return decode_ethertype(ctx, p, proto, in, inlen, DECODE_EVENT_NONE);
	}
}
