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
