/*
 * raw.c — raw IP link types (LINKTYPE_RAW and its platform aliases 12 and 14): no link header,
 * the IP version nibble says whether IPv4 or IPv6 follows.
 */
#include "decode/decode-internal.h"

int decode_raw(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < 1) {
		decode_set_invalid(ctx, p, DECODE_EVENT_IPV4_PKT_TOO_SMALL);
		return -1;
	}
	ctx->stats.raw++;
	switch (d[0] >> 4) {
	case 4:
		return decode_ipv4(ctx, p, d, len);
	case 6:
		return decode_ipv6(ctx, p, d, len);
	default:
		decode_set_invalid(ctx, p, DECODE_EVENT_IPRAW_INVALID_IP_VERSION);
		return -1;
	}
}
