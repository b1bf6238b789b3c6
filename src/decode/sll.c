/*
 * sll.c — Linux "cooked" captures (`-i any`): LINKTYPE_LINUX_SLL (16-byte header, protocol at
 * the end) and LINKTYPE_LINUX_SLL2 (20-byte header, protocol first). See pcap-linktype(7).
 */
#include "decode/decode-internal.h"

#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

/* ARPHRD_NETLINK: the protocol field is a netlink family, the payload a netlink message.
 * (On ARPHRD_IPGRE devices the field is the GRE protocol type, i.e. an EtherType, and the payload
 * follows the GRE header, so the generic path handles it.) */
#define ARPHRD_NETLINK 824

static int decode_sll_proto(struct decode_ctx *ctx, struct packet *p, uint16_t hatype,
			    uint16_t proto, const uint8_t *d, uint32_t len)
{
	/* Netlink messages are not network traffic. */
	if (hatype == ARPHRD_NETLINK)
		return -1;
	/* Protocol values below 0x0600 are Linux pseudo types (802.2 LLC, 802.3, CAN...). */
	if (proto < 0x0600)
		return -1;
	return decode_ethertype(ctx, p, proto, d, len, DECODE_EVENT_ETHERNET_UNKNOWN_ETHERTYPE);
}

int decode_sll(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < SLL_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_SLL_PKT_TOO_SMALL);
		return -1;
	}
	ctx->stats.sll++;
	return decode_sll_proto(ctx, p, rd16(d + 2), rd16(d + 14), d + SLL_HDR_LEN,
				len - SLL_HDR_LEN);
}

int decode_sll2(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < SLL2_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_SLL_PKT_TOO_SMALL);
		return -1;
	}
	ctx->stats.sll++;
	return decode_sll_proto(ctx, p, rd16(d + 8), rd16(d), d + SLL2_HDR_LEN,
				len - SLL2_HDR_LEN);
}
