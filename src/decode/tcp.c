/*
 * tcp.c — TCP header (RFC 9293) and its options: MSS, window scale, SACK-permitted, SACK,
 * timestamps and TCP Fast Open (RFC 7413, also in its experimental-option form), plus the
 * checksum with the IP pseudo-header.
 */
#include "decode/decode-internal.h"

#define TCP_HDR_LEN 20

enum {
	TCP_OPT_EOL = 0, TCP_OPT_NOP = 1, TCP_OPT_MSS = 2, TCP_OPT_WS = 3, TCP_OPT_SACKOK = 4,
	TCP_OPT_SACK = 5, TCP_OPT_TS = 8, TCP_OPT_TFO = 34, TCP_OPT_EXP = 254,
};

#define TCP_TFO_EXP_MAGIC 0xf989

/* A TFO option is a cookie request (no cookie) or a 4..16 byte even-length cookie. */
static bool tcp_tfo_len_ok(uint32_t cookie_len)
{
	return cookie_len == 0 || (cookie_len >= 4 && cookie_len <= 16 && cookie_len % 2 == 0);
}

static void tcp_decode_options(struct decode_ctx *ctx, struct packet *p, const uint8_t *d,
			       uint32_t len)
{
	struct tcp_options *o = &p->tcp_opts;
	uint32_t i = 0;

	while (i < len) {
		uint8_t type = d[i];

		if (type == TCP_OPT_EOL)
			return;
		if (type == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2 || d[i + 1] < 2 || d[i + 1] > len - i) {
			/* The length byte is missing or runs off the header: the rest is noise. */
			decode_packet_set_event(ctx, p, DECODE_EVENT_TCP_OPT_INVALID_LEN);
			return;
		}
		uint8_t olen = d[i + 1];
		const uint8_t *v = d + i + 2;
		bool bad_len = false, dup = false;

		switch (type) {
		case TCP_OPT_MSS:
			if (olen != 4) {
				bad_len = true;
			} else {
				dup = o->has_mss;
				o->has_mss = 1;
				o->mss = rd16(v);
			}
			break;
		case TCP_OPT_WS:
			if (olen != 3) {
				bad_len = true;
			} else {
				dup = o->has_wscale;
				o->has_wscale = 1;
				o->wscale = v[0];
			}
			break;
		case TCP_OPT_SACKOK:
			if (olen != 2) {
				bad_len = true;
			} else {
				dup = o->has_sack_permitted;
				o->has_sack_permitted = 1;
			}
			break;
		case TCP_OPT_SACK:
			/* 1 to 4 blocks of two 32-bit sequence numbers. */
			if (olen < 10 || olen > 34 || (olen - 2) % 8 != 0) {
				bad_len = true;
			} else {
				dup = o->has_sack;
				o->has_sack = 1;
				o->sack_count = (uint8_t)((olen - 2) / 8);
			}
			break;
		case TCP_OPT_TS:
			if (olen != 10) {
				bad_len = true;
			} else {
				dup = o->has_ts;
				o->has_ts = 1;
				o->ts_val = rd32(v);
				o->ts_ecr = rd32(v + 4);
			}
			break;
		case TCP_OPT_TFO:
			if (!tcp_tfo_len_ok(olen - 2u)) {
				bad_len = true;
			} else {
				dup = o->has_tfo;
				o->has_tfo = 1;
			}
			break;
		case TCP_OPT_EXP:
			/* RFC 6994 experimental option; TFO used it before getting kind 34. */
			if (olen >= 4 && rd16(v) == TCP_TFO_EXP_MAGIC) {
				if (!tcp_tfo_len_ok(olen - 4u)) {
					bad_len = true;
				} else {
					dup = o->has_tfo;
					o->has_tfo = 1;
				}
			}
			break;
		default:
			break;
		}
		if (bad_len)
			decode_packet_set_event(ctx, p, DECODE_EVENT_TCP_OPT_INVALID_LEN);
		else if (dup)
			decode_packet_set_event(ctx, p, DECODE_EVENT_TCP_OPT_DUPLICATE);
		i += olen;
	}
}

int decode_tcp(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < TCP_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_TCP_PKT_TOO_SMALL);
		return -1;
	}
	uint32_t hlen = (uint32_t)(d[12] >> 4) * 4;
	if (hlen < TCP_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_TCP_HLEN_TOO_SMALL);
		return -1;
	}
	if (hlen > len) {
		/* The data offset points past the segment: the options cannot be read. */
		decode_set_invalid(ctx, p, DECODE_EVENT_TCP_INVALID_OPTLEN);
		return -1;
	}
	ctx->stats.tcp++;

	p->l4_hdr = d;
	p->l4_hlen = (uint16_t)hlen;
	p->sp = rd16(d);
	p->dp = rd16(d + 2);
	p->tcp_seq = rd32(d + 4);
	p->tcp_ack = rd32(d + 8);
	p->tcp_flags = d[13];
	p->tcp_win = rd16(d + 14);
	p->tcp_urp = rd16(d + 18);
	p->payload = d + hlen;
	p->payload_len = len - hlen;

	if (hlen > TCP_HDR_LEN)
		tcp_decode_options(ctx, p, d + TCP_HDR_LEN, hlen - TCP_HDR_LEN);

	if (decode_l4_csum_wanted(ctx, p) && !decode_csum_l4_ok(p, IPPROTO_NUM_TCP, d, len, true))
		decode_l4_csum_bad(ctx, p, DECODE_EVENT_TCP_CHECKSUM_INVALID);
	return 0;
}
