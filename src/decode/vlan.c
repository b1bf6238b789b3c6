/*
 * vlan.c — IEEE 802.1Q VLAN tags and stacked 802.1ad (QinQ) tags, TPIDs 0x8100, 0x88a8 and the
 * pre-standard 0x9100. Up to PKT_MAX_VLAN tags are kept on the packet.
 */
#include "decode/decode-internal.h"

#define VLAN_HDR_LEN 4

int decode_vlan(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len)
{
	if (len < VLAN_HDR_LEN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_VLAN_HEADER_TOO_SMALL);
		return -1;
	}
	if (p->vlan_count >= PKT_MAX_VLAN) {
		decode_set_invalid(ctx, p, DECODE_EVENT_VLAN_TOO_MANY_LAYERS);
		return -1;
	}
	/* The tag control information is PCP(3) DEI(1) VID(12); flows are keyed on the VID. */
	p->vlan_id[p->vlan_count++] = rd16(d) & 0x0fff;
	if (p->vlan_count == 1)
		ctx->stats.vlan++;
	else if (p->vlan_count == 2)
		ctx->stats.vlan_qinq++;

	return decode_ethertype(ctx, p, rd16(d + 2), d + VLAN_HDR_LEN, len - VLAN_HDR_LEN,
			       DECODE_EVENT_VLAN_UNKNOWN_TYPE);
}
