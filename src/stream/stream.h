/*
 * stream.h — the stream stage's public door: IP defragmentation (IPv4 and IPv6, Suricata's
 * overlap policies) and TCP reassembly per flow direction (out-of-order and retransmitted
 * segments, overlap policies, gaps, depth, memcaps). Later stages read what this stage makes
 * contiguous: the detect stage's raw stream inspection and the app-layer parsers.
 *
 * Both tables belong to one worker thread. Memory is bounded by memcaps from aegis.yaml
 * (defrag.memcap, stream.memcap, stream.reassembly.memcap); when a memcap is reached the
 * defined behaviour is to drop the new fragment/segment from reassembly, count it and raise an
 * event — never to abort.
 */
#ifndef AEGIS_STREAM_H
#define AEGIS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "flow/flow.h"

struct conf;

/* Overlap policies (defrag.policy / host-os-policy and stream.reassembly policies). */
enum stream_policy {
	STREAM_POLICY_BSD = 0, /* Suricata's default */
	STREAM_POLICY_LINUX,
	STREAM_POLICY_FIRST,
	STREAM_POLICY_LAST,
	STREAM_POLICY_WINDOWS,
	STREAM_POLICY_SOLARIS,
	STREAM_POLICY_OLD_LINUX,
	STREAM_POLICY_HPUX10,
	STREAM_POLICY_HPUX11,
	STREAM_POLICY_IRIX,
	STREAM_POLICY_MACOS,
	STREAM_POLICY_VISTA,
	STREAM_POLICY_WINDOWS2K3,
	STREAM_POLICY_BSD_RIGHT,   /* host-os-policy bsd-right (HP JetDirect) */
	STREAM_POLICY_OLD_SOLARIS, /* host-os-policy old-solaris */
	STREAM_POLICY_MAX
};

/* host-os-policy key names ("bsd", "bsd-right", "old-linux", ...); NULL when out of range. */
const char *stream_policy_name(enum stream_policy pol);
/* Reverse of stream_policy_name (also "first"/"last"); -1 when unknown. */
int stream_policy_parse(const char *name);

/*
 * host-os-policy: addresses/prefixes with the OS whose overlap behaviour the reassembly should
 * imitate for traffic *to* that host. Longest prefix wins; no match = the default policy.
 */
#define STREAM_HOST_OS_MAX 256
struct stream_host_os_entry {
	struct ip_addr net; /* masked to `prefix` bits */
	uint8_t prefix;
	uint8_t policy; /* enum stream_policy */
};
struct stream_host_os {
	uint32_t n; /* entries, sorted by prefix length, longest first */
	struct stream_host_os_entry e[STREAM_HOST_OS_MAX];
};
/* Add one entry ("10.0.0.0/8", "192.168.1.1", "2001:db8::/32"); -1 on a bad address or a full
 * table. Keeps the table sorted. */
int stream_host_os_add(struct stream_host_os *t, const char *cidr, enum stream_policy pol);
/* Policy for a destination address: the longest matching prefix, else `def`. */
enum stream_policy stream_host_os_lookup(const struct stream_host_os *t, const struct ip_addr *a,
					 enum stream_policy def);

/*
 * Stream/defrag anomaly events. X(ENUM_SUFFIX, "name"): the defrag ones are decoder events in
 * Suricata (`decode-event:ipv4.frag_overlap`, EVE anomaly type "decode"); the others are the
 * names of Suricata's `stream-event:` keyword (EVE anomaly type "stream", where Suricata's event
 * field reads "stream." + name). Only names Suricata has are listed; conditions Suricata only
 * counts (memcaps, max-frags) are counters in the stats, not events.
 */
#define STREAM_EVENT_LIST(X)                                                    \
	X(DEFRAG_IPV4_FRAG_OVERLAP, "ipv4.frag_overlap")                        \
	X(DEFRAG_IPV4_FRAG_TOO_LARGE, "ipv4.frag_pkt_too_large")                \
	X(DEFRAG_IPV6_FRAG_OVERLAP, "ipv6.frag_overlap")                        \
	X(DEFRAG_IPV6_FRAG_TOO_LARGE, "ipv6.frag_pkt_too_large")                \
	X(DEFRAG_IPV4_FRAG_IGNORED, "ipv4.frag_ignored")                        \
	X(DEFRAG_IPV6_FRAG_IGNORED, "ipv6.frag_ignored")                        \
	X(STREAM_3WHS_SYNACK_IN_WRONG_DIRECTION, "3whs_synack_in_wrong_direction") \
	X(STREAM_3WHS_SYNACK_WITH_WRONG_ACK, "3whs_synack_with_wrong_ack")      \
	X(STREAM_3WHS_ACK_IN_WRONG_DIR, "3whs_ack_in_wrong_dir")                \
	X(STREAM_3WHS_ASYNC_WRONG_SEQ, "3whs_async_wrong_seq")                  \
	X(STREAM_3WHS_RIGHT_SEQ_WRONG_ACK_EVASION, "3whs_right_seq_wrong_ack_evasion") \
	X(STREAM_3WHS_SYNACK_RESEND_WITH_DIFFERENT_ACK, "3whs_synack_resend_with_different_ack") \
	X(STREAM_3WHS_SYNACK_TOSERVER_ON_SYN_RECV, "3whs_synack_toserver_on_syn_recv") \
	X(STREAM_3WHS_SYN_TOCLIENT_ON_SYN_RECV, "3whs_syn_toclient_on_syn_recv") \
	X(STREAM_3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV, "3whs_syn_resend_diff_seq_on_syn_recv") \
	X(STREAM_3WHS_SYNACK_TFO_DATA_IGNORED, "3whs_synack_tfo_data_ignored")  \
	X(STREAM_4WHS_SYNACK_WITH_WRONG_ACK, "4whs_synack_with_wrong_ack")      \
	X(STREAM_4WHS_SYNACK_WITH_WRONG_SYN, "4whs_synack_with_wrong_syn")      \
	X(STREAM_4WHS_WRONG_SEQ, "4whs_wrong_seq")                              \
	X(STREAM_PKT_INVALID_ACK, "pkt_invalid_ack")                            \
	X(STREAM_PKT_INVALID_TIMESTAMP, "pkt_invalid_timestamp")                \
	X(STREAM_PKT_RETRANSMISSION, "pkt_retransmission")                      \
	X(STREAM_PKT_SPURIOUS_RETRANSMISSION, "pkt_spurious_retransmission")    \
	X(STREAM_PKT_BAD_WINDOW_UPDATE, "pkt_bad_window_update")                \
	X(STREAM_EST_PACKET_OUT_OF_WINDOW, "est_packet_out_of_window")          \
	X(STREAM_EST_INVALID_ACK, "est_invalid_ack")                            \
	X(STREAM_RST_INVALID_ACK, "rst_invalid_ack")                            \
	X(STREAM_FIN_BUT_NO_SESSION, "fin_but_no_session")                      \
	X(STREAM_RST_BUT_NO_SESSION, "rst_but_no_session")                      \
	X(STREAM_REASSEMBLY_SEGMENT_BEFORE_BASE_SEQ, "reassembly_segment_before_base_seq") \
	X(STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA, "reassembly_overlap_different_data") \
	X(STREAM_REASSEMBLY_SEQ_GAP, "reassembly_seq_gap")                      \
	X(STREAM_REASSEMBLY_DEPTH_REACHED, "reassembly_depth_reached")

enum stream_event {
	STREAM_EVENT_NONE = 0,
#define STREAM_EVENT_ENUM(id, name) STREAM_EVENT_##id,
	STREAM_EVENT_LIST(STREAM_EVENT_ENUM)
#undef STREAM_EVENT_ENUM
	STREAM_EVENT_MAX
};
/* The keyword name ("reassembly_seq_gap", "ipv4.frag_overlap"); NULL when out of range. */
const char *stream_event_name(enum stream_event ev);
/* Reverse lookup for the rules stage (`stream-event:`); STREAM_EVENT_NONE if unknown. */
enum stream_event stream_event_lookup(const char *name);
/* True for the defrag events, which Suricata reports as decoder events (EVE type "decode"). */
bool stream_event_is_decoder(enum stream_event ev);

/* Events raised on one packet, in order (at most STREAM_PKT_MAX_EVENTS kept). */
#define STREAM_PKT_MAX_EVENTS 8

/* ---- defragmentation ---------------------------------------------------------------------- */

struct defrag_config {
	uint64_t memcap;          /* defrag.memcap, default 32 MiB */
	uint32_t timeout_s;       /* defrag.timeout, default 60 */
	uint32_t max_frags;       /* defrag.max-frags: fragments held at once, default 65535 */
	uint32_t trackers;        /* defrag.trackers: datagrams reassembled at once, default 65535 */
	uint32_t hash_size;       /* defrag.hash-size: tracker hash buckets, default 65536 */
	bool prealloc;            /* defrag.prealloc: allocate the hash buckets up front (always) */
	enum stream_policy policy;/* policy for hosts host-os-policy does not list: bsd */
	struct stream_host_os hosts; /* host-os-policy, looked up by the datagram's destination */
};

struct defrag_stats {
	uint64_t ipv4_fragments, ipv4_reassembled, ipv6_fragments, ipv6_reassembled;
	uint64_t timeouts, memcap_drops, max_frag_hits, overlaps;
	uint64_t tracker_drops; /* defrag.trackers reached and nothing expired */
	uint64_t too_large, malformed;
	uint64_t trackers_active, frags_held;
	uint64_t memuse;
	uint64_t events[STREAM_EVENT_MAX];
};

struct defrag_table;

void defrag_config_defaults(struct defrag_config *cfg);
struct defrag_table *defrag_table_create(const struct defrag_config *cfg);
void defrag_table_destroy(struct defrag_table *dt);

/*
 * Feed one decoded fragment (PKT_F_FRAGMENT). When it completes a datagram, returns 1 and sets
 * *datagram / *len to the reassembled IP datagram (IP header first, valid until the next call on
 * this table) for the caller to decode as LINKTYPE_RAW; 0 when the fragment is held; -1 when it
 * was dropped (overlap policy, too large, memcap: see stats and the events on `frag`).
 */
int defrag_handle(struct defrag_table *dt, struct packet *frag, const uint8_t **datagram,
		  uint32_t *len);
/* Link-layer header bytes of the last completed datagram's first fragment, stored right
 * before *datagram in the same buffer: [datagram - n, datagram) is that header, so the frame
 * [datagram - n, datagram + len) decodes with the capture's link type. 0 when none was kept
 * (tunnelled fragments, link headers over 64 bytes) or no datagram was completed. */
uint32_t defrag_last_link_len(const struct defrag_table *dt);
void defrag_get_stats(const struct defrag_table *dt, struct defrag_stats *out);
/* The events the last defrag_handle call raised (overlap, too large, ...): count, and up to
 * STREAM_PKT_MAX_EVENTS of them in `ev`. The caller reports them on the fragment. They are
 * also set as decoder events in the fragment's `events` (DECODE_EVENT_IPV4_FRAG_OVERLAP...),
 * which is where `decode-event:` rules look, as in Suricata. */
unsigned defrag_last_events(const struct defrag_table *dt, const uint16_t **ev);
/* Drop every tracker idle for defrag.timeout at `now_usec` (packet time). Returns how many.
 * defrag_handle also expires trackers lazily as fragments arrive. */
unsigned defrag_expire(struct defrag_table *dt, uint64_t now_usec);

/* ---- TCP reassembly ----------------------------------------------------------------------- */

/*
 * stream.inline. IDS (no): a direction's data is handed on only once the receiver ACKed it
 * (Suricata's IDS mode: what the receiver did not acknowledge may still be retransmitted
 * differently), plus whatever is left at flow end. Inline (yes): in-order data is handed on
 * as it arrives, since an IPS must judge a packet before it is forwarded. auto: inline when
 * the engine runs as an IPS (stream_config.ips).
 */
enum stream_inline {
	STREAM_INLINE_NO = 0,
	STREAM_INLINE_YES,
	STREAM_INLINE_AUTO,
};

struct stream_config {
	uint64_t memcap;             /* stream.memcap: session state, default 64 MiB */
	uint64_t reassembly_memcap;  /* stream.reassembly.memcap: segment data, default 256 MiB */
	uint32_t reassembly_depth;   /* stream.reassembly.depth: bytes per direction, default 1 MiB,
				      * 0 = unlimited */
	bool midstream;              /* stream.midstream */
	bool async_oneside;          /* stream.async-oneside */
	bool checksum_validation;    /* stream.checksum-validation: ignore bad-checksum segments */
	enum stream_policy policy;   /* default overlap policy (host-os-policy may override) */
	uint32_t toserver_chunk_size, toclient_chunk_size; /* raw inspection chunking */
	bool raw_inspection;         /* rules inspect the raw stream: IDS mode holds data for it
				      * (default yes; the runmode says no when no rules are loaded) */
	struct stream_host_os hosts; /* host-os-policy, looked up by each direction's receiver */
	enum stream_inline inline_mode; /* stream.inline: when data is handed on (below) */
	bool ips;                    /* the engine runs as an IPS (set by the runmode, e.g. for
				      * --simulate-ips): stream.inline: auto follows it */
};

/* Newly contiguous data of one direction, handed to later stages. `data` stays valid until the
 * next stream_handle_packet call on this context. In IDS mode a direction's data usually comes
 * out while the other direction's ACKing packet is handled (dir is the data's direction).
 *
 * Chunks of stream_handle_packet / stream_flow_flush are for the app-layer parsers; `raw` says
 * whether raw stream inspection takes them at once too (inline mode, one-sided sessions). In
 * IDS mode it does not: the data is held for it and comes out of stream_raw_take. */
struct stream_chunk {
	const uint8_t *data;
	uint32_t len;
	uint8_t dir;          /* FLOW_DIR_* */
	uint64_t offset;      /* stream offset of data[0] in this direction (0 = first byte) */
	bool gap_before;      /* bytes were lost before this chunk (gap / memcap / depth) */
	bool eof;             /* the direction is closed after this chunk: the session reached
			       * closed (Suricata's STREAM_EOF), a RST, or the flow's end */
	bool raw;             /* for raw stream inspection now (see above) */
};

#define STREAM_MAX_CHUNKS 8

struct stream_result {
	uint32_t n;
	struct stream_chunk chunks[STREAM_MAX_CHUNKS];
	bool ignored;         /* the packet was not used for reassembly (bad csum, out of window) */
	uint8_t n_events;     /* stream events raised on this packet (also counted in the stats) */
	uint16_t events[STREAM_PKT_MAX_EVENTS]; /* enum stream_event */
};

struct stream_stats {
	uint64_t sessions, midstream_pickups, segments, segments_ooo, retransmissions, overlaps,
		overlaps_diff_data, gaps, depth_reached, memcap_drops, invalid_checksum;
	uint64_t ignored_midstream, out_of_window, bytes_delivered, flows_active;
	uint64_t raw_dropped; /* bytes raw inspection never got (hold memory or holes full) */
	uint64_t ssn_memcap_drops; /* packets that got no session state (stream.memcap) */
	uint64_t memuse, reassembly_memuse;
	uint64_t events[STREAM_EVENT_MAX];
};

struct stream_ctx;

void stream_config_defaults(struct stream_config *cfg);
struct stream_ctx *stream_ctx_create(const struct stream_config *cfg, struct decode_ctx *dc);
void stream_ctx_destroy(struct stream_ctx *sc);

/* True when reassembly hands data on as it arrives (stream.inline yes, or auto and ips). */
bool stream_config_is_inline(const struct stream_config *cfg);

/* Track a TCP packet of a flow (p->flow set): sequence tracking, reassembly, events on p.
 * out->chunks holds the data this packet released: in IDS mode the other direction's data its
 * ACK covers (and at RST, up to the RST's ACK); inline, this packet's in-order data. */
void stream_handle_packet(struct stream_ctx *sc, struct packet *p, struct stream_result *out);
/*
 * The flow is ending (timeout, eviction, shutdown): deliver what is still held (unACKed data,
 * out-of-order data, each hole becoming a chunk with gap_before), and close both directions
 * (eof). Call before
 * stream_flow_free when the flow's data should still reach the app layer.
 */
void stream_flow_flush(struct stream_ctx *sc, struct flow *f, struct stream_result *out);
/*
 * Raw stream inspection timing (IDS mode), as Suricata's: a direction's ACKed data is held
 * until a packet travelling that way finds it due — at least stream.reassembly.toserver-/
 * toclient-chunk-size bytes wait, the session is past time_wait (close_wait, last_ack,
 * closing, closed), the reassembly depth was reached, or the app layer asked for it
 * (stream_raw_trigger: an HTTP request or response, a TLS record complete). Called for every
 * TCP packet of a tracked flow after its data went through the app layer: out gets the due
 * data of p's direction, and data of the other direction only when too much was held for it
 * (STREAM_RAW_HOLD_MAX, or too many holes): that is inspected at once. Chunks have raw set
 * and point into the flow's hold buffer, valid until the next call on this flow.
 */
#define STREAM_RAW_HOLD_MAX (256u << 10)
void stream_raw_take(struct stream_ctx *sc, const struct packet *p, struct stream_result *out);
/* The flow ends (after stream_flow_flush): everything held for raw inspection, both ways. */
void stream_raw_flush(struct stream_ctx *sc, struct flow *f, struct stream_result *out);
/* The app layer asks for raw inspection of direction dir's held data (Suricata's
 * AppLayerParserTriggerRawStreamReassembly); it stays asked until data was handed out. */
void stream_raw_trigger(struct flow *f, uint8_t dir);

/* The flow's sides were exchanged (flow_reverse): exchange the two directions' reassembly state
 * with them, so each keeps the bytes of the side that sent them. */
void stream_flow_reverse(struct flow *f);
/* Free f->stream (called as the flow ends; flushes nothing). */
void stream_flow_free(struct stream_ctx *sc, struct flow *f);
void stream_get_stats(const struct stream_ctx *sc, struct stream_stats *out);

/* Read defrag.*, stream.*, host-os-policy from the configuration. -1 with err on bad values. */
int stream_config_from_conf(struct defrag_config *dcfg, struct stream_config *scfg,
			    const struct conf *c, char *err, size_t errlen);

#endif /* AEGIS_STREAM_H */
