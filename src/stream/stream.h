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
};

/* Stream/defrag anomaly events, named as Suricata's `stream-event:` / decoder defrag events. */
#define STREAM_EVENT_LIST(X)                                                    \
	X(DEFRAG_IPV4_FRAG_OVERLAP, "ipv4.frag_overlap")                        \
	X(DEFRAG_IPV4_FRAG_TOO_LARGE, "ipv4.frag_pkt_too_large")                \
	X(DEFRAG_IPV6_FRAG_OVERLAP, "ipv6.frag_overlap")                        \
	X(DEFRAG_IPV6_FRAG_TOO_LARGE, "ipv6.frag_pkt_too_large")                \
	X(DEFRAG_IPV4_FRAG_IGNORED, "ipv4.frag_ignored")                        \
	X(DEFRAG_IPV6_FRAG_IGNORED, "ipv6.frag_ignored")                        \
	X(DEFRAG_MAX_FRAG_HIT, "defrag.max_frag_hit")                           \
	X(STREAM_3WHS_SYNACK_IN_WRONG_DIRECTION, "3whs_synack_in_wrong_direction") \
	X(STREAM_3WHS_SYNACK_WITH_WRONG_ACK, "3whs_synack_with_wrong_ack")      \
	X(STREAM_3WHS_ACK_IN_WRONG_DIR, "3whs_ack_in_wrong_dir")                \
	X(STREAM_PKT_INVALID_ACK, "pkt_invalid_ack")                            \
	X(STREAM_PKT_INVALID_TIMESTAMP, "pkt_invalid_timestamp")                \
	X(STREAM_PKT_RETRANSMISSION, "pkt_retransmission")                      \
	X(STREAM_PKT_SPURIOUS_RETRANSMISSION, "pkt_spurious_retransmission")    \
	X(STREAM_PKT_BAD_WINDOW_UPDATE, "pkt_bad_window_update")                \
	X(STREAM_EST_PACKET_OUT_OF_WINDOW, "est_packet_out_of_window")          \
	X(STREAM_EST_INVALID_ACK, "est_invalid_ack")                            \
	X(STREAM_RST_INVALID_ACK, "rst_invalid_ack")                            \
	X(STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA, "reassembly_overlap_different_data") \
	X(STREAM_REASSEMBLY_SEQ_GAP, "reassembly_seq_gap")                      \
	X(STREAM_REASSEMBLY_DEPTH_REACHED, "reassembly_depth_reached")          \
	X(STREAM_REASSEMBLY_MEMCAP, "reassembly_memcap")

enum stream_event {
	STREAM_EVENT_NONE = 0,
#define STREAM_EVENT_ENUM(id, name) STREAM_EVENT_##id,
	STREAM_EVENT_LIST(STREAM_EVENT_ENUM)
#undef STREAM_EVENT_ENUM
	STREAM_EVENT_MAX
};
const char *stream_event_name(enum stream_event ev);

/* ---- defragmentation ---------------------------------------------------------------------- */

struct defrag_config {
	uint64_t memcap;          /* defrag.memcap, default 32 MiB */
	uint32_t timeout_s;       /* defrag.timeout, default 60 */
	uint32_t max_frags;       /* defrag.max-frags: fragments held at once, default 65535 */
	uint32_t trackers;        /* defrag.trackers: datagrams reassembled at once, default 65535 */
	enum stream_policy policy;/* defrag.default-policy ... default bsd */
};

struct defrag_stats {
	uint64_t ipv4_fragments, ipv4_reassembled, ipv6_fragments, ipv6_reassembled;
	uint64_t timeouts, memcap_drops, max_frag_hits, overlaps;
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
void defrag_get_stats(const struct defrag_table *dt, struct defrag_stats *out);

/* ---- TCP reassembly ----------------------------------------------------------------------- */

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
};

/* Newly contiguous data of one direction, handed to later stages. `data` stays valid until the
 * next stream_handle_packet call on this context. */
struct stream_chunk {
	const uint8_t *data;
	uint32_t len;
	uint8_t dir;          /* FLOW_DIR_* */
	uint64_t offset;      /* stream offset of data[0] in this direction (0 = first byte) */
	bool gap_before;      /* bytes were lost before this chunk (gap / memcap / depth) */
	bool eof;             /* the direction is closed (FIN/RST) after this chunk */
};

#define STREAM_MAX_CHUNKS 4

struct stream_result {
	uint32_t n;
	struct stream_chunk chunks[STREAM_MAX_CHUNKS];
	bool ignored;         /* the packet was not used for reassembly (bad csum, out of window) */
};

struct stream_stats {
	uint64_t sessions, midstream_pickups, segments, segments_ooo, retransmissions, overlaps,
		overlaps_diff_data, gaps, depth_reached, memcap_drops, invalid_checksum;
	uint64_t memuse, reassembly_memuse;
	uint64_t events[STREAM_EVENT_MAX];
};

struct stream_ctx;

void stream_config_defaults(struct stream_config *cfg);
struct stream_ctx *stream_ctx_create(const struct stream_config *cfg, struct decode_ctx *dc);
void stream_ctx_destroy(struct stream_ctx *sc);

/* Track a TCP packet of a flow (p->flow set): sequence tracking, reassembly, events on p. */
void stream_handle_packet(struct stream_ctx *sc, struct packet *p, struct stream_result *out);
/* Free f->stream (called as the flow ends; flushes nothing). */
void stream_flow_free(struct stream_ctx *sc, struct flow *f);
void stream_get_stats(const struct stream_ctx *sc, struct stream_stats *out);

/* Read defrag.*, stream.*, host-os-policy from the configuration. -1 with err on bad values. */
int stream_config_from_conf(struct defrag_config *dcfg, struct stream_config *scfg,
			    const struct conf *c, char *err, size_t errlen);

#endif /* AEGIS_STREAM_H */
