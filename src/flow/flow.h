/*
 * flow.h — the flow stage's public door: bidirectional flows keyed by the 5-tuple (+VLAN), a
 * per-worker flow table with a symmetric hash, timeouts, memcap with LRU/emergency eviction, and
 * the TCP connection state machine.
 *
 * A flow table belongs to exactly one worker thread and takes no locks. Flows leave the table
 * through the `flow_end_fn` callback given at creation (timeout, eviction, or final flush), which
 * the runmode wires to the output stage; the flow is freed when the callback returns.
 */
#ifndef AEGIS_FLOW_H
#define AEGIS_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/decode.h"
#include "util/util.h"

enum { FLOW_DIR_TO_SERVER = 0, FLOW_DIR_TO_CLIENT = 1 };

/* Flow-level state as EVE's flow.state reports it. */
enum flow_state { FLOW_STATE_NEW = 0, FLOW_STATE_ESTABLISHED, FLOW_STATE_CLOSED };

/* TCP connection states (EVE tcp.state names: "syn_sent", "established", ...). */
enum tcp_state {
	TCP_STATE_NONE = 0,
	TCP_STATE_SYN_SENT,
	TCP_STATE_SYN_RECV,
	TCP_STATE_ESTABLISHED,
	TCP_STATE_FIN_WAIT1,
	TCP_STATE_FIN_WAIT2,
	TCP_STATE_TIME_WAIT,
	TCP_STATE_CLOSE_WAIT,
	TCP_STATE_LAST_ACK,
	TCP_STATE_CLOSING,
	TCP_STATE_CLOSED,
};

/* Why a flow left the table (EVE flow.reason). */
enum flow_end_reason {
	FLOW_END_TIMEOUT = 0, /* "timeout" */
	FLOW_END_FORCED,      /* "forced": evicted under memory pressure */
	FLOW_END_SHUTDOWN,    /* "shutdown": end of input / exit */
};

/* flow.flags */
enum {
	FLOW_F_ALERTED = 1u << 0,     /* an alert fired on this flow */
	FLOW_F_MIDSTREAM = 1u << 1,   /* TCP picked up without a handshake */
	FLOW_F_EMERGENCY = 1u << 2,   /* created while the table was in emergency mode */
	FLOW_F_TCP_REUSED = 1u << 3,  /* a new SYN reused a closed session's tuple */
	FLOW_F_TO_DST_SEEN = 1u << 4, /* packets seen toserver */
	FLOW_F_TO_SRC_SEEN = 1u << 5, /* packets seen toclient */
	FLOW_F_PASS = 1u << 6,        /* a pass rule matched: stop inspecting (set by detect) */
	FLOW_F_DROP = 1u << 7,        /* a drop verdict applies to the rest of the flow (IPS) */
	FLOW_F_DROP_LOGGED_TS = 1u << 8, /* an EVE drop record was written for this direction */
	FLOW_F_DROP_LOGGED_TC = 1u << 9,
	/* Set by the stream stage at flow end when it skips a hole the receiver never ACKed past
	 * (to give the raw-stream rules what follows): the app layer stops at that hole in this
	 * direction, as Suricata's app-layer reassembly waits there for data that never comes. */
	FLOW_F_APP_STALL_TS = 1u << 10,
	FLOW_F_APP_STALL_TC = 1u << 11,
};

/* TCP reassembly counters of one flow, kept by the stream stage and added to the flow table's
 * stats (flow_stats.tcp_*) when the flow ends: the stats record's stats.tcp.* reads them. */
struct flow_stream_counts {
	uint32_t gaps;             /* holes given up on and reported to the app layer */
	uint32_t seg_memcap_drops; /* segments refused by stream.reassembly.memcap */
	uint32_t overlaps;         /* segments overlapping data already held or delivered */
	uint32_t overlaps_diff;    /* ... with different bytes */
	uint8_t depth_reached;     /* directions that reached stream.reassembly.depth (0-2) */
	/* the most regions (separate runs of data held) each direction's reassembly had at once,
	 * by FLOW_DIR_*: EVE's tcp.ts_max_regions / tc_max_regions. 0 while the flow has no TCP
	 * session in the stream stage (then they are not logged), 1 for ordinary streams. */
	uint16_t max_regions[2];
	uint8_t ssn_memcap_drop;   /* no session state: stream.memcap reached */
};

struct flow {
	/* table links (owned by the flow table) */
	struct flow *hash_next;
	struct flow *lru_prev, *lru_next;
	uint32_t hash;

	/* key: src/sp = the side that sent the first packet (the client) */
	struct ip_addr src, dst;
	uint16_t sp, dp;
	uint8_t ip_proto;
	uint8_t ip_version;
	uint8_t vlan_count;
	uint16_t vlan_id[PKT_MAX_VLAN];

	uint64_t flow_id; /* unique, > 0, < 2^53 (exact in JSON doubles) */
	uint64_t start_usec, last_usec;
	uint64_t pkts[2], bytes[2]; /* indexed by FLOW_DIR_* */

	uint8_t state;      /* enum flow_state */
	uint8_t tcp_state;  /* enum tcp_state */
	uint8_t tcp_flags[2]; /* OR of TCP flags seen per direction */
	uint8_t end_reason; /* enum flow_end_reason, set before the end callback */
	uint32_t flags;     /* FLOW_F_* */

	/* ICMP flows: the type/code of the first packet (EVE flow icmp_type/icmp_code) */
	uint8_t icmp_type, icmp_code;

	/* TCP sequence tracking used by the state machine */
	uint32_t tcp_isn[2];
	uint32_t tcp_next_seq[2];

	/* per-flow state of later stages, owned by them (freed through flow_table's free hook) */
	void *stream;
	void *app;
	void *detect;
	void *log;    /* the output stage's: the flow's MAC addresses (ethernet: yes) */

	struct flow_stream_counts stream_cnt; /* written by the stream stage */
};

/* Timeouts in seconds per protocol class and state, as suricata.yaml's flow-timeouts. */
enum flow_proto_class { FLOW_PROTO_TCP = 0, FLOW_PROTO_UDP, FLOW_PROTO_ICMP, FLOW_PROTO_DEFAULT,
			FLOW_PROTO_MAX };

struct flow_timeouts {
	uint32_t new_s, established_s, closed_s;
	uint32_t emergency_new_s, emergency_established_s, emergency_closed_s;
};

struct flow_config {
	uint64_t memcap;        /* bytes for flows (flow.memcap), default 32 MiB */
	uint32_t hash_size;     /* buckets (flow.hash-size), default 65536 */
	uint32_t prealloc;      /* flows preallocated (flow.prealloc), default 10000 */
	uint32_t emergency_recovery; /* percent (flow.emergency-recovery), default 30 */
	bool tcp_midstream;     /* stream.midstream: pick up TCP sessions without a handshake */
	struct flow_timeouts timeouts[FLOW_PROTO_MAX];
};

struct flow_stats {
	uint64_t created, active, active_max;
	uint64_t tcp, udp, icmpv4, icmpv6, other;
	uint64_t timed_out, evicted_forced, shutdown_flushed;
	uint64_t memcap_refused; /* packets that got no flow because memcap was reached */
	uint64_t emergency_mode_entered, emergency_mode_over;
	uint64_t tcp_sessions, tcp_midstream, tcp_reused, tcp_invalid_state;
	uint64_t memuse;
	/* TCP packets by flag, as Suricata's stats.tcp.syn / synack / rst */
	uint64_t tcp_syn, tcp_synack, tcp_rst;
	/* the stream stage's counters of the flows that ended (flow_stream_counts) */
	uint64_t tcp_reassembly_gap, tcp_segment_memcap_drop, tcp_overlap, tcp_overlap_diff_data,
		tcp_stream_depth_reached, tcp_ssn_memcap_drop;
};

struct flow_table;

/* Called as a flow leaves the table; `f->end_reason` says why. Must not keep `f`. */
typedef void (*flow_end_fn)(struct flow *f, void *user);

void flow_config_defaults(struct flow_config *cfg);

/* NULL on allocation failure (message logged). `worker_id` is mixed into flow_id so ids stay
 * unique across workers. */
struct flow_table *flow_table_create(const struct flow_config *cfg, unsigned worker_id,
				     flow_end_fn on_end, void *user);
void flow_table_destroy(struct flow_table *ft);

/*
 * Find or create the flow of a decoded packet, update its counters and TCP state, and set
 * p->flow and p->flow_dir. Returns NULL (p->flow NULL) for packets that have no flow: no IP layer,
 * PKT_F_INVALID, or memcap reached with nothing evictable. Also runs timeouts lazily using the
 * packet's timestamp as "now".
 */
struct flow *flow_table_handle_packet(struct flow_table *ft, struct packet *p);

/* End every flow idle past its timeout at `now_usec` (reason timeout). Returns flows ended. */
unsigned flow_table_expire(struct flow_table *ft, uint64_t now_usec);
/* End all flows (reason shutdown), e.g. at end of input or on Ctrl-C. */
void flow_table_flush(struct flow_table *ft);

void flow_table_get_stats(const struct flow_table *ft, struct flow_stats *out);

/*
 * Exchange the flow's client and server sides (addresses, ports, per-direction counters, TCP
 * sequence and teardown state, per-direction flags), as Suricata's FlowSwap: the app layer
 * found that the first data of a flow picked up midstream was a response. Packets seen from
 * then on get their direction from the new sides; the caller flips the current packet's.
 */
void flow_reverse(struct flow *f);

/* The sharding hash: the same value for both directions of a flow and for every fragment of a
 * datagram (address pair and VLANs only, see flow-hash.c). Runmodes use it to pick the worker
 * so both directions, and all fragments, meet in one table. */
uint32_t flow_hash_packet(const struct packet *p);

/* Names for EVE: "new"/"established"/"closed", "syn_sent"/..., "timeout"/"forced"/"shutdown". */
const char *flow_state_name(enum flow_state s);
const char *flow_tcp_state_name(enum tcp_state s);
const char *flow_end_reason_name(enum flow_end_reason r);

#endif /* AEGIS_FLOW_H */
