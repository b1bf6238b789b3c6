/*
 * ethernet.c — Ethernet II frames and the EtherType dispatch shared by every layer that names
 * its payload with an EtherType (Ethernet, VLAN tags, Linux cooked capture, GRE, PPPoE).
 */
#include "decode/decode-internal.h"

#define ETHERNET_HDR_LEN 14

int decode_ethertype(struct decode_ctx *ctx, struct packet *p, uint16_t type, const uint8_t *d,
		     uint32_t len, enum decode_event unknown_ev)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return decode_ipv4(ctx, p, d, len);
	case ETHERTYPE_IPV6:
		return decode_ipv6(ctx, p, d, len);
	case ETHERTYPE_VLAN:
	case ETHERTYPE_QINQ:
	case ETHERTYPE_QINQ_OLD:
		return decode_vlan(ctx, p, d, len);
	case ETHERTYPE_PPPOE_SESS:
		return decode_pppoe_session(ctx, p, d, len);
	case ETHERTYPE_ARP:
	case ETHERTYPE_RARP:
	case ETHERTYPE_PPPOE_DISC:
	case 0x88cc: /* LLDP */
	case 0x888e: /* 802.1X EAPOL */
	case 0x88f7: /* PTP */
	case 0x8847: /* MPLS unicast */
	case 0x8848: /* MPLS multicast */
	case 0x8137: /* IPX */
	case 0x9000: /* Ethernet configuration test protocol (loopback) */
	case 0x8809: /* slow protocols: LACP */
	case 0x88e5: /* MACsec */
		/* Well-known, not IP: nothing to inspect, but nothing anomalous either. */
		return -1;
	default:
		/* 802.3 frames carry a length (<= 1500) here, followed by an LLC header. */
		if (type <= 1500)
			return -1;
		decode_packet_set_event(ctx, p, unknown_ev);
		return -1;
	}
}

int decode_ethernet(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < ETHERNET_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_ETHERNET_PKT_TOO_SMALL);
		return -1;
	}
	ctx->stats.ethernet++;
	/* The outermost Ethernet header names the frame's MAC addresses; an inner one (GRE
	 * bridging, ERSPAN) is a tunnelled frame and leaves them alone. */
	if (!(p->flags & PKT_F_HAS_ETH)) {
		p->eth_dst = d;
		p->eth_src = d + 6;
		p->flags |= PKT_F_HAS_ETH;
	}
	return decode_ethertype(ctx, p, rd16(d + 12), d + ETHERNET_HDR_LEN, len - ETHERNET_HDR_LEN,
			       DECODE_EVENT_ETHERNET_UNKNOWN_ETHERTYPE);
}
