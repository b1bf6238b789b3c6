/*
 * udp.c — UDP header (RFC 768): length checks against the IP payload and the checksum with the
 * IP pseudo-header (optional over IPv4, mandatory over IPv6).
 */
#include "decode/decode-internal.h"

#define UDP_HDR_LEN 8

int decode_udp(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < UDP_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_UDP_HLEN_TOO_SMALL);
		return -1;
	}
	uint32_t ulen = rd16(d + 4);
	if (ulen < UDP_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_UDP_LEN_INVALID);
		return -1;
	}
	if (ulen > len) {
		if (!(p->flags & PKT_F_TRUNCATED)) {
			/* The IP layer is complete and still shorter than UDP claims. */
			decode_set_invalid(ctx, p, DECODE_EVENT_UDP_PKT_TOO_SMALL);
			return -1;
		}
		ulen = len; /* snaplen cut it; keep what is there */
	} else if (ulen < len) {
		/* Bytes after the datagram inside the IP payload: not part of UDP. */
		decode_packet_set_event(ctx, p, DECODE_EVENT_UDP_LEN_INVALID);
	}
	ctx->stats.udp++;

	p->l4_hdr = d;
	p->l4_hlen = UDP_HDR_LEN;
	p->sp = rd16(d);
	p->dp = rd16(d + 2);
	p->payload = d + UDP_HDR_LEN;
	p->payload_len = ulen - UDP_HDR_LEN;

	uint16_t csum = rd16(d + 6);
	/* Over IPv4 a zero checksum means "not computed"; over IPv6 it is always required. */
	if (decode_l4_csum_wanted(ctx, p) && (csum != 0 || p->ip_version == 6) &&
	    !decode_csum_l4_ok(p, IPPROTO_NUM_UDP, d, ulen, true))
		decode_l4_csum_bad(ctx, p, DECODE_EVENT_UDP_CHECKSUM_INVALID);
	return 0;
}
