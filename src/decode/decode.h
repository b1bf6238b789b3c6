/*
 * decode.h — the decode stage's public door: `struct packet` (what every later stage reads),
 * the decoder anomaly events (named as Suricata's `decode-event:` keywords), and decoder counters.
 *
 * Decoding is zero-copy: every pointer in struct packet points into the capture buffer, and no
 * read ever goes past `caplen`. A malformed layer stops decoding at that layer, records an event
 * and a counter, and leaves what was decoded so far usable.
 */
#ifndef AEGIS_DECODE_H
#define AEGIS_DECODE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

struct flow;

/* pcap link types (LINKTYPE_ values) the decoder understands. */
enum {
	LINKTYPE_NULL = 0,        /* BSD loopback */
	LINKTYPE_ETHERNET = 1,
	LINKTYPE_PPP = 9,         /* PPP (RFC 1661), optionally with HDLC address/control */
	LINKTYPE_RAW = 101,       /* raw IPv4/IPv6 */
	LINKTYPE_RAW_ALT = 12,    /* DLT_RAW on some platforms */
	LINKTYPE_RAW_ALT2 = 14,
	LINKTYPE_LOOP = 108,
	LINKTYPE_LINUX_SLL = 113,
	LINKTYPE_IPV4 = 228,
	LINKTYPE_IPV6 = 229,
	LINKTYPE_LINUX_SLL2 = 276,
};

/*
 * Decoder anomaly events. X(ENUM_SUFFIX, "suricata.event_name"). The names are the ones Suricata's
 * `decode-event:` keyword and EVE `anomaly.event` use, so existing rules and dashboards work.
 * The ipv4/ipv6 frag_* events are raised by the stream stage's defragmentation on the fragment
 * (they are decoder events in Suricata, so `decode-event:` rules must see them in `events`).
 */
#define DECODE_EVENT_LIST(X)                                        \
	X(ETHERNET_PKT_TOO_SMALL, "ethernet.pkt_too_small")           \
	X(ETHERNET_UNKNOWN_ETHERTYPE, "ethernet.unknown_ethertype")   \
	X(SLL_PKT_TOO_SMALL, "sll.pkt_too_small")                     \
	X(LTNULL_PKT_TOO_SMALL, "ltnull.pkt_too_small")               \
	X(LTNULL_UNSUPPORTED_TYPE, "ltnull.unsupported_type")         \
	X(VLAN_HEADER_TOO_SMALL, "vlan.header_too_small")             \
	X(VLAN_UNKNOWN_TYPE, "vlan.unknown_type")                     \
	X(VLAN_TOO_MANY_LAYERS, "vlan.too_many_layers")               \
	X(IPRAW_INVALID_IP_VERSION, "ipraw.invalid_ip_version")       \
	X(IPV4_PKT_TOO_SMALL, "ipv4.pkt_too_small")                   \
	X(IPV4_HLEN_TOO_SMALL, "ipv4.hlen_too_small")                 \
	X(IPV4_IPLEN_SMALLER_THAN_HLEN, "ipv4.iplen_smaller_than_hlen") \
	X(IPV4_TRUNC_PKT, "ipv4.trunc_pkt")                           \
	X(IPV4_WRONG_IP_VERSION, "ipv4.wrong_ip_version")             \
	X(IPV4_OPT_INVALID, "ipv4.opt_invalid")                       \
	X(IPV4_OPT_INVALID_LEN, "ipv4.opt_invalid_len")               \
	X(IPV4_OPT_MALFORMED, "ipv4.opt_malformed")                   \
	X(IPV4_OPT_PAD_REQUIRED, "ipv4.opt_pad_required")             \
	X(IPV4_OPT_EOL_REQUIRED, "ipv4.opt_eol_required")             \
	X(IPV4_OPT_DUPLICATE, "ipv4.opt_duplicate")                   \
	X(IPV4_OPT_UNKNOWN, "ipv4.opt_unknown")                       \
	X(IPV4_ICMPV6, "ipv4.icmpv6")                                 \
	X(IPV4_CHECKSUM_INVALID, "ipv4.checksum_invalid")             \
	X(IPV6_PKT_TOO_SMALL, "ipv6.pkt_too_small")                   \
	X(IPV6_TRUNC_PKT, "ipv6.trunc_pkt")                           \
	X(IPV6_TRUNC_EXTHDR, "ipv6.trunc_exthdr")                     \
	X(IPV6_WRONG_IP_VERSION, "ipv6.wrong_ip_version")             \
	X(IPV6_EXTHDR_DUPL_FH, "ipv6.exthdr_dupl_fh")                 \
	X(IPV6_EXTHDR_DUPL_RH, "ipv6.exthdr_dupl_rh")                 \
	X(IPV6_EXTHDR_DUPL_HH, "ipv6.exthdr_dupl_hh")                 \
	X(IPV6_EXTHDR_DUPL_DH, "ipv6.exthdr_dupl_dh")                 \
	X(IPV6_EXTHDR_DUPL_AH, "ipv6.exthdr_dupl_ah")                 \
	X(IPV6_EXTHDR_DUPL_EH, "ipv6.exthdr_dupl_eh")                 \
	X(IPV6_EXTHDR_INVALID_OPTLEN, "ipv6.exthdr_invalid_optlen")   \
	X(IPV6_EXTHDR_USELESS_FH, "ipv6.exthdr_useless_fh")           \
	X(IPV6_EXTHDR_AH_RES_NOT_NULL, "ipv6.exthdr_ah_res_not_null") \
	X(IPV6_FH_NON_ZERO_RESERVED_FIELD, "ipv6.fh_non_zero_reserved_field") \
	X(IPV6_FRAG_INVALID_LENGTH, "ipv6.frag_invalid_length")       \
	X(IPV6_RH_TYPE_0, "ipv6.rh_type_0")                           \
	X(IPV6_HOPOPTS_UNKNOWN_OPT, "ipv6.hopopts_unknown_opt")       \
	X(IPV6_HOPOPTS_ONLY_PADDING, "ipv6.hopopts_only_padding")     \
	X(IPV6_DSTOPTS_UNKNOWN_OPT, "ipv6.dstopts_unknown_opt")       \
	X(IPV6_DSTOPTS_ONLY_PADDING, "ipv6.dstopts_only_padding")     \
	X(IPV6_ZERO_LEN_PADN, "ipv6.zero_len_padn")                   \
	X(IPV6_DATA_AFTER_NONE_HEADER, "ipv6.data_after_none_header") \
	X(IPV6_UNKNOWN_NEXT_HEADER, "ipv6.unknown_next_header")       \
	X(IPV6_ICMPV4, "ipv6.icmpv4")                                 \
	X(IPV6_IPV4_IN_IPV6_TOO_SMALL, "ipv6.ipv4_in_ipv6_too_small") \
	X(IPV6_IPV4_IN_IPV6_WRONG_VERSION, "ipv6.ipv4_in_ipv6_wrong_version") \
	X(IPV6_IPV6_IN_IPV6_TOO_SMALL, "ipv6.ipv6_in_ipv6_too_small") \
	X(IPV6_IPV6_IN_IPV6_WRONG_VERSION, "ipv6.ipv6_in_ipv6_wrong_version") \
	X(IPV4_FRAG_PKT_TOO_LARGE, "ipv4.frag_pkt_too_large")         \
	X(IPV4_FRAG_OVERLAP, "ipv4.frag_overlap")                     \
	X(IPV4_FRAG_IGNORED, "ipv4.frag_ignored")                     \
	X(IPV6_FRAG_PKT_TOO_LARGE, "ipv6.frag_pkt_too_large")         \
	X(IPV6_FRAG_OVERLAP, "ipv6.frag_overlap")                     \
	X(IPV6_FRAG_IGNORED, "ipv6.frag_ignored")                     \
	X(TCP_PKT_TOO_SMALL, "tcp.pkt_too_small")                     \
	X(TCP_HLEN_TOO_SMALL, "tcp.hlen_too_small")                   \
	X(TCP_INVALID_OPTLEN, "tcp.invalid_optlen")                   \
	X(TCP_OPT_INVALID_LEN, "tcp.opt_invalid_len")                 \
	X(TCP_OPT_DUPLICATE, "tcp.opt_duplicate")                     \
	X(TCP_CHECKSUM_INVALID, "tcp.checksum_invalid")               \
	X(UDP_PKT_TOO_SMALL, "udp.pkt_too_small")                     \
	X(UDP_HLEN_TOO_SMALL, "udp.hlen_too_small")                   \
	X(UDP_LEN_INVALID, "udp.len_invalid")                         \
	X(UDP_CHECKSUM_INVALID, "udp.checksum_invalid")               \
	X(ICMPV4_PKT_TOO_SMALL, "icmpv4.pkt_too_small")               \
	X(ICMPV4_UNKNOWN_TYPE, "icmpv4.unknown_type")                 \
	X(ICMPV4_UNKNOWN_CODE, "icmpv4.unknown_code")                 \
	X(ICMPV4_IPV4_TRUNC_PKT, "icmpv4.ipv4_trunc_pkt")             \
	X(ICMPV4_IPV4_UNKNOWN_VER, "icmpv4.ipv4_unknown_ver")         \
	X(ICMPV4_CHECKSUM_INVALID, "icmpv4.checksum_invalid")         \
	X(ICMPV6_PKT_TOO_SMALL, "icmpv6.pkt_too_small")               \
	X(ICMPV6_UNKNOWN_TYPE, "icmpv6.unknown_type")                 \
	X(ICMPV6_UNKNOWN_CODE, "icmpv6.unknown_code")                 \
	X(ICMPV6_IPV6_TRUNC_PKT, "icmpv6.ipv6_trunc_pkt")             \
	X(ICMPV6_IPV6_UNKNOWN_VERSION, "icmpv6.ipv6_unknown_version") \
	X(ICMPV6_UNASSIGNED_TYPE, "icmpv6.unassigned_type")           \
	X(ICMPV6_EXPERIMENTATION_TYPE, "icmpv6.experimentation_type") \
	X(ICMPV6_MLD_MESSAGE_WITH_INVALID_HL, "icmpv6.mld_message_with_invalid_hl") \
	X(ICMPV6_CHECKSUM_INVALID, "icmpv6.checksum_invalid")         \
	X(GRE_PKT_TOO_SMALL, "gre.pkt_too_small")                     \
	X(GRE_WRONG_VERSION, "gre.wrong_version")                     \
	X(GRE_VERSION0_RECUR, "gre.version0_recur")                   \
	X(GRE_VERSION0_FLAGS, "gre.version0_flags")                   \
	X(GRE_VERSION0_HDR_TOO_BIG, "gre.version0_hdr_too_big")       \
	X(GRE_VERSION1_CHKSUM, "gre.version1_chksum")                 \
	X(GRE_VERSION1_ROUTE, "gre.version1_route")                   \
	X(GRE_VERSION1_SSR, "gre.version1_ssr")                       \
	X(GRE_VERSION1_RECUR, "gre.version1_recur")                   \
	X(GRE_VERSION1_FLAGS, "gre.version1_flags")                   \
	X(GRE_VERSION1_NO_KEY, "gre.version1_no_key")                 \
	X(GRE_VERSION1_WRONG_PROTOCOL, "gre.version1_wrong_protocol") \
	X(GRE_VERSION1_HDR_TOO_BIG, "gre.version1_hdr_too_big")       \
	X(ERSPAN_HEADER_TOO_SMALL, "erspan.header_too_small")         \
	X(ERSPAN_UNSUPPORTED_VERSION, "erspan.unsupported_version")   \
	X(TOO_MANY_LAYERS, "too_many_layers")

enum decode_event {
	DECODE_EVENT_NONE = 0,
#define DECODE_EVENT_ENUM(id, name) DECODE_EVENT_##id,
	DECODE_EVENT_LIST(DECODE_EVENT_ENUM)
#undef DECODE_EVENT_ENUM
	DECODE_EVENT_MAX
};

/* "ipv4.pkt_too_small" etc.; NULL for out-of-range values. */
const char *decode_event_name(enum decode_event ev);
/* Reverse lookup for the rules stage (`decode-event:` keyword); DECODE_EVENT_NONE if unknown. */
enum decode_event decode_event_lookup(const char *name);

#define PKT_MAX_EVENTS 8
#define PKT_MAX_VLAN 3
#define PKT_MAX_TUNNEL_DEPTH 4 /* nested GRE / IP-in-IP layers before too_many_layers */

/* packet.flags */
enum {
	PKT_F_IPV4_CSUM_BAD = 1u << 0, /* IPv4 header checksum wrong (only when validation is on) */
	PKT_F_L4_CSUM_BAD = 1u << 1,   /* TCP/UDP/ICMP checksum wrong (only when validation is on) */
	PKT_F_TRUNCATED = 1u << 2,     /* caplen < what the headers claim */
	PKT_F_INVALID = 1u << 3,       /* an essential layer was malformed: no flow, no detection */
	PKT_F_TUNNELED = 1u << 4,      /* inner packet of GRE / IP-in-IP; outer_* is set */
	PKT_F_FRAGMENT = 1u << 5,      /* IP fragment (MF set or offset != 0) */
	PKT_F_HAS_ETH = 1u << 6,       /* eth_src/eth_dst are valid */
	PKT_F_CSUM_CHECKED = 1u << 7,  /* checksums were verified (the *_CSUM_BAD flags are final) */
	PKT_F_PSEUDO = 1u << 8,        /* made up by the engine for a flow (its end, the other
					* side's data): no bytes were captured */
	PKT_F_CSUM_IGNORE = 1u << 9,   /* checksums are not validated (-k none, or auto mode
					* assuming offload): checksum keywords see them valid */
};

/* packet.tunnel_kind: the decoder that opened the innermost encapsulation, which names the inner
 * packet's source in EVE (pkt_src "ipv4 tunnel", "ipv6 tunnel", "gre tunnel") */
enum pkt_tunnel_kind {
	PKT_TUNNEL_NONE = 0,
	PKT_TUNNEL_IPV4, /* IPv4 or IPv6 carried directly in IPv4 (protocol 4 / 41) */
	PKT_TUNNEL_IPV6, /* ... in IPv6 */
	PKT_TUNNEL_GRE,  /* anything GRE carries (IP, Ethernet, ERSPAN, PPP, VLAN) */
};

/* tcp_flags bits */
enum {
	TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PUSH = 0x08,
	TH_ACK = 0x10, TH_URG = 0x20, TH_ECE = 0x40, TH_CWR = 0x80,
};

/* ip_frag_flags bits (IPv4 header flag field; IPv6 fragment header maps MF) */
enum { IP_FRAG_RB = 0x4, IP_FRAG_DF = 0x2, IP_FRAG_MF = 0x1 };

/* ipv4_opts bits, one per option type seen (for the `ipopts` keyword) */
enum {
	IPV4_OPT_F_RR = 1u << 0, IPV4_OPT_F_EOL = 1u << 1, IPV4_OPT_F_NOP = 1u << 2,
	IPV4_OPT_F_TS = 1u << 3, IPV4_OPT_F_SEC = 1u << 4, IPV4_OPT_F_ESEC = 1u << 5,
	IPV4_OPT_F_LSRR = 1u << 6, IPV4_OPT_F_SSRR = 1u << 7, IPV4_OPT_F_SATID = 1u << 8,
	IPV4_OPT_F_RTRALT = 1u << 9, IPV4_OPT_F_CIPSO = 1u << 10, IPV4_OPT_F_QS = 1u << 11,
	IPV4_OPT_F_ANY = 1u << 31,
};

/* ipv6_exthdrs bits, one per extension header seen */
enum {
	IPV6_EXT_F_HOP = 1u << 0, IPV6_EXT_F_ROUTING = 1u << 1, IPV6_EXT_F_FRAG = 1u << 2,
	IPV6_EXT_F_DSTOPTS = 1u << 3, IPV6_EXT_F_AH = 1u << 4, IPV6_EXT_F_ESP = 1u << 5,
	IPV6_EXT_F_NONE = 1u << 6, IPV6_EXT_F_MH = 1u << 7,
};

struct tcp_options {
	uint16_t mss;
	uint8_t wscale;
	uint8_t sack_count;      /* SACK blocks in this segment */
	uint32_t ts_val, ts_ecr;
	uint8_t has_mss : 1, has_wscale : 1, has_sack_permitted : 1, has_sack : 1, has_ts : 1,
		has_tfo : 1;
};

/*
 * One packet as the pipeline sees it. The capture stage fills the "capture" block, decode fills
 * L2–L4, the flow stage sets `flow`/`flow_dir`. All pointers point into `data`.
 */
struct packet {
	/* capture */
	const uint8_t *data;
	uint32_t caplen;  /* bytes present in data */
	uint32_t wirelen; /* original length on the wire */
	uint64_t ts_usec;
	int linktype;
	uint64_t pcap_cnt; /* 1-based position in the input, as Suricata's pcap_cnt */
	const char *iface; /* capture interface or NULL for files */

	/* L2 */
	const uint8_t *eth_src, *eth_dst; /* 6 bytes each, when PKT_F_HAS_ETH */
	uint16_t vlan_id[PKT_MAX_VLAN];
	uint8_t vlan_count;

	/* tunnel: when PKT_F_TUNNELED, the outermost IP layer (Suricata's "root" packet) and how
	 * deep the inner packet sits. Decode writes these fields; output formats them. */
	uint8_t tunnel_depth;   /* encapsulations entered: Suricata's recursion level */
	uint8_t tunnel_kind;    /* enum pkt_tunnel_kind of the innermost encapsulation */
	uint8_t outer_ip_proto; /* 47 GRE, 4 IPIP, 41 IPv6-in-IP */
	uint32_t tunnel_len;    /* bytes of the innermost encapsulated packet: its flow counts
				 * these, as Suricata counts a tunnel packet's own length */
	struct ip_addr outer_src, outer_dst;

	/* L3 (innermost IP layer) */
	uint8_t ip_version; /* 0 = no IP layer */
	const uint8_t *ip_hdr;
	uint16_t ip_hlen;     /* IPv4 header length, or IPv6 40 + extension headers */
	uint32_t ip_len;      /* total IP length as the header says, clamped to what was captured */
	struct ip_addr src, dst;
	uint8_t ip_proto;     /* transport protocol after IPv6 extension headers */
	uint8_t ip_ttl;       /* TTL / hop limit */
	uint8_t ip_tos;       /* TOS / traffic class */
	uint8_t ip_frag_flags;
	uint16_t ip_frag_offset; /* in 8-byte units as on the wire */
	uint32_t ip_id;          /* IPv4 id, or IPv6 fragment header identification */
	uint32_t ipv6_flow_label;
	uint32_t ipv4_opts;      /* IPV4_OPT_F_* */
	uint32_t ipv6_exthdrs;   /* IPV6_EXT_F_* */

	/* L4 */
	const uint8_t *l4_hdr;
	uint16_t l4_hlen;
	uint16_t sp, dp; /* ports; for ICMP: sp = type, dp = code (as Suricata logs them) */
	uint32_t tcp_seq, tcp_ack;
	uint8_t tcp_flags;
	uint16_t tcp_win;
	uint16_t tcp_urp;
	struct tcp_options tcp_opts;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq; /* echo / timestamp / info messages */
	bool icmp_has_id;

	const uint8_t *payload;
	uint32_t payload_len;

	/* anomalies raised while decoding, in order (at most PKT_MAX_EVENTS kept) */
	uint8_t event_count;
	uint16_t events[PKT_MAX_EVENTS];

	uint32_t flags; /* PKT_F_* */

	/* stream events (enum stream_event of src/stream) raised on this packet by reassembly,
	 * copied here by the runmode so packet rules can test them (`stream-event:`) */
	uint8_t stream_event_count;
	uint16_t stream_events[PKT_MAX_EVENTS];

	/* set by the flow stage */
	struct flow *flow;
	uint8_t flow_dir; /* FLOW_DIR_TO_SERVER / FLOW_DIR_TO_CLIENT */
};

enum checksum_mode { CHECKSUM_AUTO = 0, CHECKSUM_ALL, CHECKSUM_NONE };

struct decode_stats {
	uint64_t pkts, bytes, invalid;
	uint64_t ethernet, sll, null, raw, vlan, vlan_qinq;
	uint64_t ipv4, ipv6, tcp, udp, icmpv4, icmpv6, sctp, gre, ipv4_in_ipv4, ipv6_in_ipv4,
		ipv4_in_ipv6, ipv6_in_ipv6, other_ip_proto;
	uint64_t fragments;
	uint64_t ipv4_csum_bad, l4_csum_bad;
	/* checksum mode auto: 1 when this context stopped validating (checksum offloading
	 * assumed, see decode_packet) */
	uint64_t checksum_auto_off;
	uint32_t max_pkt_size;
	uint64_t events[DECODE_EVENT_MAX];
};

/*
 * Checksum mode auto for one input read by several threads (autofp). The decision must not
 * depend on which thread saw which packets: the reader, which decodes every packet, decides on
 * the first DECODE_CSUM_SAMPLE packets of the input and publishes from which pcap_cnt on
 * validation is off; workers apply that to their packets after it. One thread alone (single)
 * decides for itself on the same packets, so both runmodes validate the same packets.
 */
struct decode_csum_auto {
	_Atomic uint64_t off_after; /* pcap_cnt after which checksums count as valid; max: never */
};
void decode_csum_auto_init(struct decode_csum_auto *a);

struct decode_ctx {
	enum checksum_mode checksum_mode;
	struct decode_stats stats;
	/* checksum mode auto across threads (NULL: this context decides for itself) */
	struct decode_csum_auto *csum_auto;
	bool csum_auto_follows; /* applies csum_auto's decision (else publishes its own there) */
	uint32_t csum_sample_bad; /* deciding: TCP packets of the sample with a bad checksum */
};

void decode_ctx_init(struct decode_ctx *ctx, enum checksum_mode mode);
/* True if `linktype` is one decode_packet can handle. */
bool decode_linktype_supported(int linktype);
const char *decode_linktype_name(int linktype);

/*
 * Decode p->data[0..caplen) according to p->linktype. The capture block of *p must be set; every
 * other field is (re)initialised here. Returns 0 when an IP layer was decoded (possibly with
 * events), -1 when the packet carries nothing aegis can inspect (counted in stats.invalid or as a
 * non-IP frame). Never reads past caplen.
 */
int decode_packet(struct decode_ctx *ctx, struct packet *p);

/*
 * The outermost layer of a tunnelled packet as a packet of its own, the way Suricata runs the
 * "root" of a tunnel through the engine next to the inner packet: `root` gets p's capture and
 * link-layer fields, the outer addresses and IP protocol, and no transport layer. Returns true
 * when that layer is tracked as a flow of its own — IP-in-IP (protocol 4 or 41), where Suricata's
 * decoder sets the root up for flow handling — and false otherwise (p not tunnelled, or a GRE
 * root, which Suricata gives no flow); `root` is filled whenever p is tunnelled.
 */
bool decode_tunnel_root(const struct packet *p, struct packet *root);

/*
 * Verify the IPv4 header and L4 (TCP/UDP/ICMP) checksums of a decoded packet, once: sets
 * PKT_F_IPV4_CSUM_BAD / PKT_F_L4_CSUM_BAD with their counters and events. With CHECKSUM_ALL this
 * already happened while decoding; with CHECKSUM_NONE nothing is checked. Returns true when the
 * checksums are good (or not checked). Stages that must ignore corrupt packets (stream
 * reassembly) and the checksum rule keywords call it; plain decoding does not pay for it.
 */
bool decode_packet_validate_checksums(struct decode_ctx *ctx, struct packet *p);

/* Record an anomaly on the packet and count it (used by decode and later stages). */
void decode_packet_set_event(struct decode_ctx *ctx, struct packet *p, enum decode_event ev);

#endif /* AEGIS_DECODE_H */
