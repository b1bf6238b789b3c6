/*
 * null.c — BSD loopback encapsulation (LINKTYPE_NULL, LINKTYPE_LOOP): a 4-byte address family
 * before the IP header. NULL stores it in the capturing host's byte order and LOOP in network
 * order, but files get moved between machines, so both byte orders are accepted for both.
 */
#include "decode/decode-internal.h"

#define NULL_HDR_LEN 4

int decode_null(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < NULL_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_LTNULL_PKT_TOO_SMALL);
		return -1;
	}
	ctx->stats.null++;

	/* All family values are small, so the byte order whose value fits 16 bits is right. */
	uint32_t family = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
			  (uint32_t)d[3] << 24;
	if (family > 0xffff)
		family = rd32(d);

	switch (family) {
	case 2: /* AF_INET everywhere */
		return decode_ipv4(ctx, p, d + NULL_HDR_LEN, len - NULL_HDR_LEN);
	case 10: /* AF_INET6: Linux */
	case 24: /* NetBSD, OpenBSD, BSD/OS */
	case 28: /* FreeBSD, DragonFly */
	case 30: /* macOS */
		return decode_ipv6(ctx, p, d + NULL_HDR_LEN, len - NULL_HDR_LEN);
	default:
		decode_set_invalid(ctx, p, DECODE_EVENT_LTNULL_UNSUPPORTED_TYPE);
		return -1;
	}
}
