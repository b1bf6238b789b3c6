/*
 * checksum.c — the Internet checksum (RFC 1071) for the IPv4 header and the TCP/UDP/ICMP
 * checksums with their IPv4/IPv6 pseudo-headers (RFC 793, RFC 768, RFC 8200 section 8.1).
 */
#include "decode/decode-internal.h"

uint32_t decode_csum_add(uint32_t sum, const uint8_t *d, uint32_t len)
{
	/* A 64-bit accumulator of 32-bit words cannot overflow for any IP packet, so the carries
	 * are folded once at the end instead of per word. */
	uint64_t acc = sum;
	uint32_t i = 0;

	for (; i + 4 <= len; i += 4)
		acc += rd32(d + i);
	if (i + 2 <= len) {
		acc += (uint32_t)rd16(d + i) << 16;
		i += 2;
		if (i < len)
			acc += (uint32_t)d[i] << 8;
	} else if (i < len) {
		acc += (uint32_t)d[i] << 24;
	}
	/* Words at odd 16-bit positions were added shifted left by 16: folding 32->16 bits adds
	 * the two halves, which is exactly the 16-bit one's-complement sum. */
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t decode_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t decode_csum_pseudo(const struct packet *p, uint8_t proto, uint32_t l4_len)
{
	uint32_t sum;

	if (p->ip_version == 4) {
		sum = decode_csum_add(0, p->src.b, 4);
		sum = decode_csum_add(sum, p->dst.b, 4);
	} else {
		sum = decode_csum_add(0, p->src.b, 16);
		sum = decode_csum_add(sum, p->dst.b, 16);
	}
	/* Both pseudo-header layouts reduce to the same sum of protocol and length. */
	uint64_t acc = (uint64_t)sum + proto + (l4_len & 0xffff) + (l4_len >> 16);
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

bool decode_csum_l4_ok(const struct packet *p, uint8_t proto, const uint8_t *d, uint32_t len,
		       bool pseudo)
{
	uint32_t sum = pseudo ? decode_csum_pseudo(p, proto, len) : 0;

	return decode_csum_fold(decode_csum_add(sum, d, len)) == 0;
}

void decode_l4_csum_bad(struct decode_ctx *ctx, struct packet *p, enum decode_event ev)
{
	p->flags |= PKT_F_L4_CSUM_BAD;
	ctx->stats.l4_csum_bad++;
	decode_packet_set_event(ctx, p, ev);
}

bool decode_packet_validate_checksums(struct decode_ctx *ctx, struct packet *p)
{
	const uint32_t bad = PKT_F_IPV4_CSUM_BAD | PKT_F_L4_CSUM_BAD;

	if (p->flags & PKT_F_CSUM_CHECKED || ctx->checksum_mode != CHECKSUM_AUTO ||
	    p->ip_version == 0)
		return !(p->flags & bad);
	p->flags |= PKT_F_CSUM_CHECKED;

	if (p->ip_version == 4 && decode_csum_fold(decode_csum_add(0, p->ip_hdr, p->ip_hlen)) != 0) {
		p->flags |= PKT_F_IPV4_CSUM_BAD;
		ctx->stats.ipv4_csum_bad++;
		decode_packet_set_event(ctx, p, DECODE_EVENT_IPV4_CHECKSUM_INVALID);
	}
	if (!p->l4_hdr || (p->flags & (PKT_F_FRAGMENT | PKT_F_TRUNCATED | PKT_F_INVALID)))
		return !(p->flags & bad);

	const uint8_t *d = p->l4_hdr;
	const uint8_t *end = p->ip_hdr + p->ip_len;
	if (end <= d)
		return !(p->flags & bad);
	uint32_t len = (uint32_t)(end - d);
	switch (p->ip_proto) {
	case IPPROTO_NUM_TCP:
		if (!decode_csum_l4_ok(p, IPPROTO_NUM_TCP, d, len, true))
			decode_l4_csum_bad(ctx, p, DECODE_EVENT_TCP_CHECKSUM_INVALID);
		break;
	case IPPROTO_NUM_UDP: {
		uint32_t ulen = rd16(d + 4);
		uint16_t csum = rd16(d + 6);
		if (ulen >= 8 && ulen < len)
			len = ulen;
		if ((csum != 0 || p->ip_version == 6) &&
		    !decode_csum_l4_ok(p, IPPROTO_NUM_UDP, d, len, true))
			decode_l4_csum_bad(ctx, p, DECODE_EVENT_UDP_CHECKSUM_INVALID);
		break;
	}
	case IPPROTO_NUM_ICMP:
		if (p->ip_version == 4 && !decode_csum_l4_ok(p, IPPROTO_NUM_ICMP, d, len, false))
			decode_l4_csum_bad(ctx, p, DECODE_EVENT_ICMPV4_CHECKSUM_INVALID);
		break;
	case IPPROTO_NUM_ICMPV6:
		if (p->ip_version == 6 && !decode_csum_l4_ok(p, IPPROTO_NUM_ICMPV6, d, len, true))
			decode_l4_csum_bad(ctx, p, DECODE_EVENT_ICMPV6_CHECKSUM_INVALID);
		break;
	default:
		break;
	}
	return !(p->flags & bad);
}
