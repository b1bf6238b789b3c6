/*
 * decode-internal.h — private glue between the decode stage's per-layer files: big-endian reads,
 * the per-layer entry points and the checksum helpers. Nothing outside src/decode/ includes it.
 *
 * Every layer function takes the bytes that remain for it (`d`, `len`); `len` never exceeds what
 * was captured, so a layer only has to check its own header against `len` before reading.
 * Layer functions return 0 when their header was decoded and -1 when decoding stopped there.
 */
#ifndef AEGIS_DECODE_INTERNAL_H
#define AEGIS_DECODE_INTERNAL_H

#include "decode/decode.h"

/* EtherType / protocol numbers used by more than one layer. */
enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_ARP = 0x0806,
	ETHERTYPE_RARP = 0x8035,
	ETHERTYPE_VLAN = 0x8100,
	ETHERTYPE_QINQ = 0x88a8,
	ETHERTYPE_QINQ_OLD = 0x9100,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_PPPOE_DISC = 0x8863,
	ETHERTYPE_PPPOE_SESS = 0x8864,
	ETHERTYPE_TEB = 0x6558, /* transparent Ethernet bridging (GRE) */
	ETHERTYPE_ERSPAN2 = 0x88be,
	ETHERTYPE_ERSPAN3 = 0x22eb,
	ETHERTYPE_PPP = 0x880b, /* PPTP enhanced GRE */
};

enum {
	IPPROTO_NUM_HOPOPTS = 0, IPPROTO_NUM_ICMP = 1, IPPROTO_NUM_IPIP = 4, IPPROTO_NUM_TCP = 6,
	IPPROTO_NUM_UDP = 17, IPPROTO_NUM_IPV6 = 41, IPPROTO_NUM_ROUTING = 43,
	IPPROTO_NUM_FRAGMENT = 44, IPPROTO_NUM_GRE = 47, IPPROTO_NUM_ESP = 50, IPPROTO_NUM_AH = 51,
	IPPROTO_NUM_ICMPV6 = 58, IPPROTO_NUM_NONE = 59, IPPROTO_NUM_DSTOPTS = 60,
	IPPROTO_NUM_SCTP = 132, IPPROTO_NUM_MH = 135,
};

static inline uint16_t rd16(const uint8_t *b)
{
	return (uint16_t)((uint16_t)b[0] << 8 | b[1]);
}

static inline uint32_t rd32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Record `ev` and mark the packet unusable for flow tracking and detection. */
static inline void decode_set_invalid(struct decode_ctx *ctx, struct packet *p,
				      enum decode_event ev)
{
	decode_packet_set_event(ctx, p, ev);
	p->flags |= PKT_F_INVALID;
}

/* Checksums are verified in ALL mode and, for now, in AUTO mode too. The runmode may later turn
 * AUTO into NONE once it sees that most checksums of a capture are bad (offloading NICs), as
 * Suricata does; until then AUTO behaves like ALL. */
/*
 * Checksums are verified while decoding only with `-k all` (CHECKSUM_ALL). In the default AUTO
 * mode decoding does not touch them — summing every byte of every packet costs more than the
 * rest of decoding — and, as in Suricata, the stages that care (stream reassembly, the
 * *-csum rule keywords) ask for them on demand through decode_packet_validate_checksums().
 */
static inline bool decode_csum_enabled(const struct decode_ctx *ctx)
{
	return ctx->checksum_mode == CHECKSUM_ALL;
}

/* link layers (ethernet.c, vlan.c, sll.c, null.c, raw.c, ppp.c) */
int decode_ethernet(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_ethertype(struct decode_ctx *ctx, struct packet *p, uint16_t type, const uint8_t *d,
		     uint32_t len, enum decode_event unknown_ev);
int decode_vlan(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_sll(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_sll2(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_null(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_raw(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_ppp(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_pppoe_session(struct decode_ctx *ctx, struct packet *p, const uint8_t *d,
			 uint32_t len);

/* network layers (ipv4.c, ipv6.c) and what follows them (decode.c) */
int decode_ipv4(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_ipv6(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
/* Called by an IP decoder once its header is known good, before it overwrites the L3 fields:
 * when an IP layer was already decoded this is a tunnel's inner packet. */
void decode_ip_layer_begin(struct packet *p);
/* Dispatch the IP payload (after IPv6 extension headers) by protocol number. */
int decode_ip_payload(struct decode_ctx *ctx, struct packet *p, uint8_t proto, const uint8_t *d,
		      uint32_t len);
/* True (and the depth taken) if one more tunnel layer may be decoded; raises too_many_layers
 * otherwise. `kind` is the encapsulation and `len` the bytes of the packet it carries, recorded
 * for the inner packet's pkt_src and flow byte counts. */
bool decode_tunnel_enter(struct decode_ctx *ctx, struct packet *p, enum pkt_tunnel_kind kind,
			 uint32_t len);

/* transport layers (tcp.c, udp.c, icmp.c, gre.c) */
int decode_tcp(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_udp(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_icmpv4(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_icmpv6(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);
int decode_gre(struct decode_ctx *ctx, struct packet *p, const uint8_t *d, uint32_t len);

/* checksum.c: Internet checksum (RFC 1071) pieces */
uint32_t decode_csum_add(uint32_t sum, const uint8_t *d, uint32_t len);
uint16_t decode_csum_fold(uint32_t sum);
/* Pseudo-header sum for the packet's current (innermost) IP layer, protocol and L4 length. */
uint32_t decode_csum_pseudo(const struct packet *p, uint8_t proto, uint32_t l4_len);
/* Verify an L4 checksum covering d[0..len) plus the pseudo-header when `pseudo` is set;
 * true when it is correct. */
bool decode_csum_l4_ok(const struct packet *p, uint8_t proto, const uint8_t *d, uint32_t len,
		       bool pseudo);
/* Whether the current L4 segment is complete enough for its checksum to be verified. */
static inline bool decode_l4_csum_wanted(const struct decode_ctx *ctx, const struct packet *p)
{
	return decode_csum_enabled(ctx) && !(p->flags & (PKT_F_FRAGMENT | PKT_F_TRUNCATED));
}
/* Mark a bad L4 checksum: flag, counter and the protocol's event. */
void decode_l4_csum_bad(struct decode_ctx *ctx, struct packet *p, enum decode_event ev);

#endif /* AEGIS_DECODE_INTERNAL_H */
