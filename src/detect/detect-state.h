/*
 * detect-state.h — internal header of the detect folder (not a public door): the per-packet
 * header keyword tests, the `flow` keyword, per-flow / per-host variables (flowbits, flowint,
 * xbits, hostbits), thresholds (rule `threshold` / `detection_filter` and threshold.config),
 * and alert ordering / verdict. The engine core (engine.c, inspect.c) calls these; nothing here
 * calls back into the core.
 *
 * Split of work with the core:
 *  - header keywords listed at detect_header_supported() are evaluated by detect_header_match();
 *    the core evaluates every other keyword (content, pcre, byte_*, bsize, urilen, csum, ...).
 *  - flowbits/xbits/hostbits: the core compiles each match once at build time with
 *    detect_bits_compile(). isset / isnotset are conditions: call detect_bits_check() where the
 *    keyword sits in the rule. set / setx / unset / toggle are actions: call detect_bits_apply()
 *    only after the whole rule matched (Suricata's post-match), before the next rule is inspected,
 *    so later rules on the same packet see the change. Post-match actions run even when the
 *    alert is then thresholded or suppressed (as in Suricata, thresholds only gate logging).
 *  - flowint: comparisons / isset / notset are conditions (detect_flowint_eval() where the
 *    keyword sits); =, +, - are post-match actions in Suricata like flowbits set
 *    (detect_flowint_apply() after the whole rule matched), so "flowint:n,+,1; flowint:n,>,5;"
 *    compares the value from before this packet's increment.
 *  - thresholds: after a rule matched, detect_threshold_apply() says whether to log it.
 *  - verdict: detect_result_add() for each match, detect_result_finalize() once per packet.
 *
 * State is per worker (struct detect_hosts) or per flow (flow->detect), except struct
 * detect_thresholds, which one engine shares between its workers behind a lock taken only
 * when a thresholded rule matches. Time is always packet time (p->ts_usec).
 */
#ifndef AEGIS_DETECT_STATE_H
#define AEGIS_DETECT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"

/* ==== header keywords (header.c) ============================================================ */

/*
 * True for the keywords detect_header_match() evaluates: ttl, tos, id, ipopts, fragbits,
 * fragoffset, ip_proto, sameip, flags (alias tcp.flags), seq, ack, window, tcp.mss, itype, icode,
 * icmp_id, icmp_seq, dsize. IP versions as in Suricata: ttl is the hop limit on IPv6 and
 * fragoffset reads the IPv6 fragment header; tos, id, fragbits and ipopts are IPv4-only (an
 * IPv6 packet never matches them, not even "tos:!0").
 */
bool detect_header_supported(const struct rules_keyword *kw);
/* Does packet p satisfy header match m? False for a keyword that does not apply to the packet
 * (e.g. flags on UDP, itype on TCP, tcp.mss without the option, ipopts on IPv6). */
bool detect_header_match(const struct rule_match *m, const struct packet *p);
/* One integer comparison as the rules stage parsed it (also useful for bsize, urilen, ...). */
bool detect_num_match(const struct rule_num *n, uint64_t x);
/*
 * Packet-header sticky buffers: the raw bytes of the header a rules_hdr_buf kind names (IPv4
 * header with options, IPv6 header with its extension headers, TCP header with options, UDP,
 * ICMPv4 or ICMPv6 header). False when the packet has no such header (the rule cannot match,
 * as in Suricata where the buffer is then absent).
 */
bool detect_hdr_buffer(const struct packet *p, enum rules_hdr_buf kind, const uint8_t **data,
		       uint32_t *len);

/* ==== the `flow` keyword (header.c) ========================================================= */

/*
 * rule_flow_flags: RULE_FLOW_*. Directions use p->flow_dir; "established" is the TCP session
 * past its handshake (also while closing), and for UDP and other protocols a flow that has seen
 * packets both ways (Suricata's definition). Without a flow there is no direction and
 * nothing is established (so not_established matches, as in Suricata). only_stream never
 * matches: packets are never reassembled stream segments (detect_stream() inspects stream data
 * separately). only_frag / no_frag ask whether defrag rebuilt the packet, which nothing does
 * yet (a raw fragment is no_frag, as in Suricata). As in Suricata, "established" is the TCP
 * state from before the packet: the ACK completing the three-way handshake is not established
 * yet (recognised as the client's second packet; a retransmitted SYN before it shifts that).
 */
bool detect_flow_match(uint32_t rule_flow_flags, const struct packet *p);

/* ==== variables: flowbits, flowint, xbits/hostbits (flowbits.c) ============================== */

/* Names of bits and integers interned to small ids while the engine is built (one namespace:
 * a name used as flowbit and flowint still gets two separate stores). */
#define DETECT_VARS_MAX 65536
/* A flowbits group (Snort's): the bits that set/setx rules name as its members. Filled while
 * the engine is built, so every rule's members are known before the first packet. */
struct detect_bits_group {
	const char *name;
	uint32_t n, cap;
	uint32_t *ids;
};

struct detect_vars_names {
	char **names;
	uint32_t n, cap;
	uint32_t *slots; /* open addressing: id + 1, 0 = empty */
	uint32_t n_slots;
	struct detect_bits_group **groups; /* flowbits groups (a few; searched linearly) */
	uint32_t n_groups;
};
void detect_vars_names_init(struct detect_vars_names *vn);
void detect_vars_names_free(struct detect_vars_names *vn);
/* The id of `name` (new or existing), or -1 on allocation failure / more than DETECT_VARS_MAX. */
int detect_vars_intern(struct detect_vars_names *vn, const char *name);
/* -1 when unknown. */
int detect_vars_find(const struct detect_vars_names *vn, const char *name);
const char *detect_vars_name(const struct detect_vars_names *vn, uint32_t id);

#define DETECT_BITS_MAX_NAMES 16
/* detect_bits_op.track beyond enum rule_bits_track: hostbits' "both" direction, i.e. the source
 * host and the destination host each (not the pair): set/unset/toggle write both, isset is
 * true when either host has the bit. */
#define DETECT_BITS_TRACK_BOTH_HOSTS 4
/* Seconds a host bit lives when the rule gives no "expire" (Suricata's default). */
#define DETECT_HOSTBITS_EXPIRE_DEFAULT 30
/* One compiled flowbits / xbits / hostbits match. */
struct detect_bits_op {
	uint8_t cmd;      /* enum rule_bits_cmd */
	uint8_t track;    /* enum rule_bits_track (FLOW for flowbits) or DETECT_BITS_TRACK_* */
	bool and_group;   /* names joined with '&' (all), else '|' (any) or one name */
	uint8_t group_sel; /* enum rule_bits_group_sel: the names, or any/all of group's members */
	const struct detect_bits_group *group; /* flowbits group (setx, any/all), or NULL */
	uint16_t n;
	uint32_t expire;  /* seconds a host bit lives (default 30); 0 for flowbits */
	uint32_t ids[DETECT_BITS_MAX_NAMES];
};
/* From a flowbits/xbits/hostbits rule_match. 0, -1 allocation failure, -2 not a bits keyword. */
int detect_bits_compile(struct detect_vars_names *vn, const struct rule_match *m,
			struct detect_bits_op *out);
/* isset / isnotset (and noalert, which is always true): a condition during matching. */
bool detect_bits_is_condition(const struct detect_bits_op *op);

struct detect_hosts; /* per-worker table of host / host-pair bits */

/* isset: true if the bit is set (any of an '|' group, all of an '&' group); isnotset: true if it
 * is not set (none of an '|' group... see flowbits.c for the exact group rules). Host bits
 * expire at packet time. hosts may be NULL (host bits then never set). */
bool detect_bits_check(const struct detect_bits_op *op, const struct packet *p,
		       struct detect_hosts *hosts);
/* set / setx / unset / toggle / reset after the rule matched. 0, or -1 when memory for the state could
 * not be had (the change is lost and counted). No-op for conditions. */
int detect_bits_apply(const struct detect_bits_op *op, const struct packet *p,
		      struct detect_hosts *hosts);

struct detect_flowint_op {
	uint8_t op;       /* enum rule_flowint_op */
	uint32_t id;      /* the variable */
	uint32_t value;   /* literal operand */
	int32_t value_id; /* operand is another flowint: its id; -1 = literal */
};
/* From a flowint rule_match. 0, -1 allocation failure, -2 not flowint. */
int detect_flowint_compile(struct detect_vars_names *vn, const struct rule_match *m,
			   struct detect_flowint_op *out);
/* True for ==, !=, <, <=, >, >=, isset, notset; false for =, +, - (actions). */
bool detect_flowint_is_condition(const struct detect_flowint_op *op);
/* A condition: true when it holds (false without a flow, for an unset variable, or an unset
 * variable operand). Given an action it performs it at once and returns whether it could (kept
 * for callers that evaluate in place; Suricata's order is detect_flowint_apply post-match). */
bool detect_flowint_eval(const struct detect_flowint_op *op, const struct packet *p);
/* An action after the rule matched: =, + and - (+ and - on an unset variable start from 0 and
 * wrap as uint32). 0, or -1 when there is no flow, an unset variable operand or no memory.
 * No-op (0) for conditions. */
int detect_flowint_apply(const struct detect_flowint_op *op, const struct packet *p);

/* Readers (tests, debugging). */
bool detect_flowbit_is_set(const struct flow *f, uint32_t id);
bool detect_flowint_get(const struct flow *f, uint32_t id, uint32_t *value);

/* Host table: at most max_entries hosts / host pairs; when full, an expired entry or else the
 * least recently used one is evicted. NULL on allocation failure. */
struct detect_hosts *detect_hosts_new(uint32_t max_entries);
void detect_hosts_free(struct detect_hosts *h);
struct detect_hosts_stats {
	uint32_t entries, max_entries;
	uint64_t evicted, expired, alloc_failed;
};
void detect_hosts_get_stats(const struct detect_hosts *h, struct detect_hosts_stats *out);

/* detect_flow_free() (declared in detect.h) frees flow->detect. */

/* ==== thresholds (threshold.c) ============================================================== */

/* threshold.config: suppress / threshold / event_filter / rate_filter lines. */
struct detect_threshold_config;
struct detect_threshold_config *detect_threshold_config_new(void);
void detect_threshold_config_free(struct detect_threshold_config *c);
/*
 * Add the lines of a file / string. Bad lines become errors "file:line:col: error: message"
 * (read them with the two functions below) and loading continues with the next line. Returns
 * 0, or -1 when the file cannot be read or memory runs out (one error says which). `rs` resolves
 * $VARS in suppress ip lists and owns the compiled address sets; it must outlive the config.
 */
int detect_threshold_config_load_file(struct detect_threshold_config *c, struct rules_ruleset *rs,
				      const char *path);
int detect_threshold_config_load_string(struct detect_threshold_config *c,
					struct rules_ruleset *rs, const char *text, size_t len,
					const char *name);
size_t detect_threshold_config_error_count(const struct detect_threshold_config *c);
const char *detect_threshold_config_error(const struct detect_threshold_config *c, size_t i);
size_t detect_threshold_config_entry_count(const struct detect_threshold_config *c);

/*
 * What to do with a match (Suricata's documented threshold semantics):
 *  - SUPPRESS: not logged, but the rule's action (drop/reject) still applies: add it with
 *    DETECT_ALERT_F_NOALERT. Suppress lines ("convert the rule to noalert"), limit past its
 *    count, both past its count, backoff between its steps.
 *  - DISCARD: neither logged nor acted on: do not add it. threshold / both before the count is
 *    reached, detection_filter up to and including its count, backoff before its first step.
 */
enum detect_thr_result {
	DETECT_THR_ALERT = 0,    /* log it, action unchanged */
	DETECT_THR_SUPPRESS,     /* do not log; the action still applies */
	DETECT_THR_DISCARD,      /* do not log, no action */
	DETECT_THR_RATE_CHANGED, /* log it with the action rate_filter put in *action */
};

/* Per-worker threshold state: at most max_entries trackers; when full, an expired tracker or
 * else the least recently used one is evicted. cfg may be NULL and must outlive the table. */
struct detect_thresholds;
struct detect_thresholds *detect_thresholds_new(const struct detect_threshold_config *cfg,
						uint32_t max_entries);
void detect_thresholds_free(struct detect_thresholds *t);
/*
 * Called once for each rule that matched packet p. *action is the rule's action on entry and
 * may be changed by a rate_filter. Order: suppress, then the threshold (threshold.config's
 * entry for the rule's gid:sid replaces the rule's own; a gid/sid 0 wildcard entry applies to
 * rules without a threshold), then detection_filter, then rate_filter.
 */
enum detect_thr_result detect_threshold_apply(struct detect_thresholds *t, const struct rule *r,
					      const struct packet *p, enum detect_action *action);
struct detect_thresholds_stats {
	uint32_t entries, max_entries;
	uint64_t evicted, alloc_failed;
};
void detect_thresholds_get_stats(const struct detect_thresholds *t,
				 struct detect_thresholds_stats *out);

/* ==== alert ordering and verdict (verdict.c) ================================================= */

/* Precedence of actions: rank[action] higher = applied first. */
struct detect_action_order {
	uint8_t rank[DETECT_ACTION_PASS + 1];
	uint16_t alert_max; /* the queue's length: cfg->packet_alert_max (default 15) */
};
/* From cfg->action_order (order[0] first); the default pass > drop > reject > alert when cfg is
 * NULL or its order is not a permutation of the four actions. Also the alert queue's length
 * (cfg->packet_alert_max; DETECT_PACKET_ALERT_MAX without cfg). */
void detect_action_order_init(struct detect_action_order *o, const struct detect_config *cfg);
/* alert -> ALERT, pass -> PASS, drop -> DROP, reject* -> REJECT, others -> ALERT. */
enum detect_action detect_action_from_rule(enum rule_action a);

void detect_result_reset(struct detect_result *res);
/* Record a match: category / severity from the rule's classtype (rs may be NULL). When the
 * result is full, the lowest-precedence alert is left out and n_dropped_alerts counts it. */
void detect_result_add(struct detect_result *res, const struct detect_action_order *o,
		       const struct rules_ruleset *rs, const struct rule *r,
		       enum detect_action action, uint32_t flags, uint64_t tx_id);
/*
 * Sort alerts (action precedence, then priority, then gid:sid, then arrival), apply pass (the
 * first pass in that order removes every alert after it), set res->verdict, and, when f is not
 * NULL, set FLOW_F_PASS / FLOW_F_ALERTED / FLOW_F_DROP on it (FLOW_F_DROP only with ips).
 */
void detect_result_finalize(struct detect_result *res, const struct detect_action_order *o,
			    struct flow *f, bool ips);

/* detect_action_name() (declared in detect.h) lives in verdict.c. */

#endif /* AEGIS_DETECT_STATE_H */
