/*
 * detect.h — the detect stage's public door: an immutable engine compiled from a rules_ruleset
 * (signature groups, Hyperscan prefilter databases, per-rule inspection programs), per-worker
 * thread contexts (Hyperscan scratch, PCRE2 match data, threshold tables), and the per-packet
 * entry point that returns the alerts and the verdict.
 *
 * The engine is built once before traffic flows and is only read afterwards; several workers
 * share it. Everything mutable lives in a struct detect_thread (one per worker) or in the
 * per-flow state hung on flow->detect (flowbits, flowints), which the flow's worker owns.
 */
#ifndef AEGIS_DETECT_H
#define AEGIS_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "flow/flow.h"
#include "rules/rules.h"

struct conf;

/* Action precedence (Suricata's default: pass > drop > reject > alert; configurable). */
enum detect_action {
	DETECT_ACTION_NONE = 0,
	DETECT_ACTION_ALERT,
	DETECT_ACTION_REJECT,
	DETECT_ACTION_DROP,
	DETECT_ACTION_PASS,
};

struct detect_config {
	/* Hyperscan databases are cached here keyed by a hash of their patterns; "" = no cache. */
	char cache_dir[4096];
	/* threshold.config (suppress / threshold / event_filter / rate_filter); "" = none. */
	char threshold_file[4096];
	/* action-order from the config: order[0] is applied first. */
	enum detect_action action_order[4];
	bool simulate_ips; /* drop/reject are enforced verdicts (IPS), not just logged */
	/* detect.inspection-recursion-limit: content/pcre backtracking steps per rule and buffer. */
	uint32_t inspection_recursion_limit;
	/* pcre.match-limit / pcre.match-limit-recursion (PCRE2 match and depth limits). */
	uint32_t pcre_match_limit, pcre_match_limit_recursion;
	/* packet-alert-max: alerts kept per packet (1..DETECT_MAX_ALERTS) */
	uint32_t packet_alert_max;
	/* Destination ports given their own signature groups per transport (detect.profile:
	 * low 8, medium 25, high 64; custom: detect.custom-values.toserver-groups). */
	uint32_t port_groups;
	/* detect.sgh-mpm-context, per buffer: one database per signature group (the any-port
	 * patterns compiled into each) instead of a shared any-port one next to the group's own.
	 * single: neither; auto (default): the packet payload; full: the stream too. */
	bool mpm_full;         /* packet payload */
	bool mpm_full_stream;  /* reassembled stream */
};

/* Defaults; `c` may be NULL. Reads detect.*, action-order, threshold-file, pcre limits and
 * aegis's `detect.cache-dir` (classtypes come from the ruleset). -1 with
 * "file:line:col: error: ..." on a wrong value. */
int detect_config_from_conf(struct detect_config *cfg, const struct conf *c, char *err,
			    size_t errlen);

struct detect_engine;
struct detect_thread;

struct detect_engine_stats {
	uint32_t rules_total;       /* rules in the ruleset */
	uint32_t rules_active;      /* compiled into the engine */
	uint32_t rules_skipped;     /* unsupported / disabled: not in the engine */
	uint32_t groups;            /* signature groups */
	uint32_t mpm_databases;     /* Hyperscan databases (after de-duplication) */
	uint32_t mpm_patterns;      /* fast patterns over all databases */
	uint32_t anchor_patterns;   /* fast patterns near a buffer's start, in anchor tables */
	uint32_t rules_no_mpm;      /* rules checked without a prefilter pattern */
	uint32_t cache_hits, cache_misses;
	uint64_t mpm_bytes;         /* size of the Hyperscan databases */
	uint64_t build_usec;
};

/* Build from a finalized ruleset (it must outlive the engine). -1 with one clear line in err
 * when the engine cannot be built (e.g. Hyperscan rejects a database). */
int detect_engine_build(struct detect_engine **out, const struct rules_ruleset *rs,
			const struct detect_config *cfg, char *err, size_t errlen);
void detect_engine_free(struct detect_engine *e);
void detect_engine_get_stats(const struct detect_engine *e, struct detect_engine_stats *out);

/* Per-worker context; NULL on allocation failure. */
struct detect_thread *detect_thread_new(const struct detect_engine *e);
void detect_thread_free(struct detect_thread *t);

/* detect_alert.flags */
enum {
	DETECT_ALERT_F_STREAM = 1u << 0, /* matched on reassembled stream data */
	DETECT_ALERT_F_TX = 1u << 1,     /* matched on an app-layer transaction: tx_id is valid */
	DETECT_ALERT_F_NOALERT = 1u << 2,/* matched but not logged (noalert / flowbits:noalert) */
	DETECT_ALERT_F_RATE_CHANGED = 1u << 3, /* rate_filter changed the action */
	DETECT_ALERT_F_FLOW_SCOPE = 1u << 4, /* a drop/reject of it drops the flow (IP-only rule) */
};

struct detect_alert {
	const struct rule *rule;    /* sid, gid, rev, msg, classtype, refs, metadata, ... */
	enum detect_action action;  /* effective action (after rate_filter) */
	uint32_t flags;             /* DETECT_ALERT_F_* */
	uint64_t tx_id;
	const char *category;       /* classtype description, or "" */
	int severity;               /* priority: rule's, else classtype's, else 3 */
};

/* A packet's alert queue: packet-alert-max alerts (Suricata's default 15, 1..255), kept in an
 * array of DETECT_MAX_ALERTS (larger settings are capped there). */
#define DETECT_MAX_ALERTS 64
#define DETECT_PACKET_ALERT_MAX 15

/* What detection decided for one packet. Alerts are ordered as Suricata orders them (by action
 * precedence, then by rule priority, then sid). */
struct detect_result {
	uint32_t n_alerts;
	uint32_t n_dropped_alerts; /* more than packet-alert-max matched (counted, not logged) */
	struct detect_alert alerts[DETECT_MAX_ALERTS];
	enum detect_action verdict; /* the winning action for the packet (NONE if nothing) */
	/* detect_stream: the stream bytes its alerts were found in (the inspection window up to
	 * the chunk's end, at most DETECT_STREAM_PAYLOAD_MAX), which EVE logs as the payload of a
	 * stream alert as Suricata does; valid until the next detect_stream call of the thread */
	const uint8_t *stream_data;
	uint32_t stream_len;
};
#define DETECT_STREAM_PAYLOAD_MAX 4096

/*
 * Inspect one decoded packet (after the flow stage set p->flow). Packet-level rules see the
 * packet payload; later stages add stream and app-layer buffers through detect_stream() and
 * detect_tx(). Fills *res (n_alerts may be 0). Sets FLOW_F_PASS / FLOW_F_ALERTED / FLOW_F_DROP on
 * the flow as Suricata does.
 */
void detect_packet(struct detect_thread *t, struct packet *p, struct detect_result *res);

/* ---- later stages: reassembled stream and app-layer transactions (stream-inspect.c,
 * tx-inspect.c). Each call fills *res on its own (reset, then finalized like detect_packet). */
struct stream_chunk;
struct app_tx;

/*
 * Stream model: for a TCP packet whose payload the stream stage took, TCP payload rules are
 * inspected on the reassembled stream (detect_stream) instead of the packet. Say so before
 * detect_packet (and say false for every other packet).
 */
void detect_set_stream_added(struct detect_thread *t, bool added);
/* The stream chunk the app layer is parsing while its transactions are inspected (NULL once
 * done): the payload part of a transaction rule ("mixed" rule) is also matched on it. */
void detect_set_stream_chunk(struct detect_thread *t, const struct stream_chunk *c);
/* Inspect a chunk of newly contiguous stream data of p's flow (c->dir should be p's direction;
 * see detect_pseudo_packet). Alerts carry DETECT_ALERT_F_STREAM. */
void detect_stream(struct detect_thread *t, struct packet *p, const struct stream_chunk *c,
		   struct detect_result *res);
/* Rules gated by an app-layer protocol (header or app-layer-protocol) without app-layer
 * buffers, on the packet (once the flow's protocol is known). */
void detect_app_packet(struct detect_thread *t, struct packet *p, struct detect_result *res);
/* Protocol detection finished for p's direction (p: a packet of that direction, possibly a
 * pseudo packet): the rules made only of app-layer-protocol keywords, which Suricata inspects
 * on that packet alone rather than on every packet of the flow. */
void detect_app_detected(struct detect_thread *t, struct packet *p, struct detect_result *res);
/*
 * Inspect transaction tx of flow f after it progressed in direction dir, with p the packet
 * that made it progress (or a pseudo packet). Each rule alerts at most once per transaction
 * (state in tx->detect_state: register detect_tx_state_free with app_ctx_set_detect_free).
 * Alerts carry DETECT_ALERT_F_TX and tx_id.
 */
void detect_tx(struct detect_thread *t, struct packet *p, struct flow *f, struct app_tx *tx,
	       uint8_t dir, struct detect_result *res);
void detect_tx_state_free(void *state, void *user);
/* A packet standing for flow f in direction dir (no payload, no headers beyond the tuple), for
 * inspection and logging when no real packet of that direction is at hand (flow end). */
void detect_pseudo_packet(struct packet *out, struct flow *f, uint8_t dir, uint64_t ts_usec,
			  uint64_t pcap_cnt);

/* The flow's rule variables, for EVE metadata: the flowbits set, the flowvars pcre captured
 * and the flowints, with their names in engine e (at most max; the strings live as long as
 * the engine, values as long as the flow's state is not changed). */
enum detect_var_kind { DETECT_VAR_FLOWBIT = 0, DETECT_VAR_FLOWVAR, DETECT_VAR_FLOWINT };
struct detect_var {
	enum detect_var_kind kind;
	const char *name;
	const uint8_t *val; /* flowvar */
	uint32_t len;
	uint32_t ival;      /* flowint */
};
size_t detect_flow_vars_list(const struct detect_engine *e, const struct flow *f,
			     struct detect_var *out, size_t max);

/* The flow's sides were exchanged (flow_reverse): the raw-stream inspection state of each
 * direction goes with them. */
void detect_flow_reverse(struct flow *f);
/* Free the per-flow detection state (flowbits, flowints) as the flow ends. */
void detect_flow_free(struct flow *f);

struct detect_thread_stats {
	uint64_t packets, mpm_scans, mpm_matches, rules_checked, alerts, suppressed, thresholded;
};
void detect_thread_get_stats(const struct detect_thread *t, struct detect_thread_stats *out);

const char *detect_action_name(enum detect_action a); /* "allowed"/"blocked" are EVE's words */

#endif /* AEGIS_DETECT_H */
