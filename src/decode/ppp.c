/*
 * ppp.c — PPP frames as carried by PPTP's enhanced GRE and by PPPoE sessions: only the IPv4 and
 * IPv6 protocols are decoded further; control protocols (LCP, IPCP, CHAP...) end decoding.
 */
#include "decode/decode-internal.h"

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define PPPOE_HDR_LEN 6

int decode_ppp(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	/* Address/control (0xff 0x03) may be omitted (ACFC, RFC 1661 6.6). */
	if (len >= 2 && d[0] == 0xff && d[1] == 0x03) {
		d += 2;
		len -= 2;
	}
	if (len < 1)
		return -1;

	/* Protocol-field compression: a one-byte protocol has its low bit set (RFC 1661 6.5). */
	uint16_t proto;
	if (d[0] & 1) {
		proto = d[0];
		d += 1;
		len -= 1;
	} else {
		if (len < 2)
			return -1;
		proto = rd16(d);
		d += 2;
		len -= 2;
	}

	switch (proto) {
	case PPP_IPV4:
		return decode_ipv4(ctx, p, d, len);
	case PPP_IPV6:
		return decode_ipv6(ctx, p, d, len);
	default:
		return -1;
	}
}

int decode_pppoe_session(struct decode_ctx *ctx, struct packet *p, const uint8_t *d,
			 uint32_t len)
{
	/* ver/type(1) code(1) session id(2) length(2), then the PPP protocol (RFC 2516). */
	if (len < PPPOE_HDR_LEN + 2)
		return -1;
	uint32_t plen = rd16(d + 4);
	d += PPPOE_HDR_LEN;
	len -= PPPOE_HDR_LEN;
	if (plen < len)
		len = plen;
	return decode_ppp(ctx, p, d, len);
}
