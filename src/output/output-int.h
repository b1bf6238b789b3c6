/*
 * output-int.h — declarations shared by the files of the output stage only (the writer's
 * internals, SHA-1, Community ID, name tables). Other stages include output.h, never this.
 */
#ifndef AEGIS_OUTPUT_INT_H
#define AEGIS_OUTPUT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "output/output.h"

/* ---- Community ID v1 ---------------------------------------------------------------------- */

/* "1:" + base64(SHA-1) + NUL */
#define COMMUNITY_ID_LEN 32

/*
 * Community ID v1 of a tuple: src/dst addresses (same family), IP protocol and ports (ICMP: type
 * and code in sp/dp). The result is the same for both directions. Returns 0, or -1 if the
 * addresses are unset or of different families.
 */
int community_id_v1(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto,
		    uint16_t sp, uint16_t dp, uint16_t seed, char out[COMMUNITY_ID_LEN]);

/* ---- names -------------------------------------------------------------------------------- */

/* EVE "proto": IANA keyword ("TCP", "UDP", "ICMP", "IPv6-ICMP", ...) or the number in decimal. */
const char *eve_proto_name(uint8_t proto, char buf[4]);
/* "decoder.ipv4.pkt_too_small" style names without linking the decode stage (the table is
 * generated from DECODE_EVENT_LIST in decode.h). NULL if out of range. */
const char *eve_decode_event_name(unsigned ev);

/* True if the protocol carries ports that EVE logs as src_port/dest_port. */
static inline int eve_proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

static inline int eve_proto_is_icmp(uint8_t proto)
{
	return proto == 1 || proto == 58;
}

/* ---- fast formatting for the hot record path ---------------------------------------------- */

#define EVE_TS_LEN 48

/* util_format_timestamp's text, but formatted once per second per thread: later calls in the same
 * second only rewrite the microseconds (snprintf per record dominated the profile). */
void eve_format_timestamp(uint64_t ts_usec, char buf[EVE_TS_LEN]);
/* Dotted quad without printf; IPv6 goes through ip_addr_to_str. Returns buf. */
const char *eve_format_ip(const struct ip_addr *a, char buf[IP_ADDR_STRLEN]);
/* "aa:bb:cc:dd:ee:ff" */
void eve_format_mac(const uint8_t mac[6], char buf[18]);
/* Two lower-case hex digits, as Suricata's "%02x" tcp_flags. */
static inline void eve_format_hex8(uint8_t v, char buf[3])
{
	static const char digits[] = "0123456789abcdef";
	buf[0] = digits[v >> 4];
	buf[1] = digits[v & 15];
	buf[2] = '\0';
}

/* "packet" (base64 of the first `max` captured bytes, all when max is 0) and "packet_info"
 * {linktype, linktype_name when known} of a packet: alert `packet: yes`, anomaly `packethdr`. */
void eve_add_packet(struct jbuf *j, const struct packet *p, size_t max);

/* "tunnel" of a packet decoded inside a tunnel, as Suricata's alert records carry it: the
 * outermost layer's src_ip/src_port/dest_ip/dest_port/proto, the inner packet's depth, and the
 * root's pcap_cnt and pkt_src. Nothing for a packet outside any tunnel. */
void eve_add_tunnel(struct jbuf *j, const struct packet *p);

/* The writer's config (record writers check enabled types and options). With several outputs,
 * the first one's, with `types` the union of all (a record any output wants gets built). */
const struct eve_config *eve_get_config(const struct eve *e);

/* Several outputs: the writer passed around is the first; eve_end_record copies a record to
 * every output whose own types include it. Writers whose records differ per output (dns) build
 * one per output instead: walk the outputs with eve_next_sink, check eve_sink_wants, and end
 * each with eve_end_record_sink (that output only). */
struct eve *eve_next_sink(const struct eve *e);
bool eve_sink_wants(const struct eve *e, enum eve_type type);
void eve_end_record_sink(struct eve *e, struct jbuf *j, enum eve_type type);

/* Per-direction packet/byte counters and start time of a flow, inside an open "flow" object
 * (flow records and the flow object of alerts). */
void eve_add_flow_counters(struct jbuf *j, const struct flow *f);

#endif /* AEGIS_OUTPUT_INT_H */
