/*
 * tx-int.h — internal header of the detect folder for the stages after the packet: the index
 * of the rules that wait for the app layer or the stream (pending.c, built with the engine),
 * and the helpers transaction inspection (tx-inspect.c) and stream inspection
 * (stream-inspect.c) share.
 *
 * Rule kinds among those the packet loop leaves out (DR_F_NEEDS_APP / DR_F_STREAM_ONLY):
 *  - TX: rules with app-layer buffers (http.uri, dns.query, tls.sni, ...), app-layer values
 *    (urilen, dns.opcode, dns.rrtype, tls.version), protocol events, or an app-layer protocol
 *    in the header and no payload keyword: inspected per transaction, alerting once per tx.
 *  - APP_PKT: an app-layer protocol (header or app-layer-protocol keyword) with payload or
 *    packet keywords only: packet / stream inspection gated by the flow's protocol.
 *  - STREAM: tcp-stream rules: the reassembled stream only.
 * Plain TCP payload rules (neither flag) that need no packet property (dsize, tcp-pkt,
 * flow:no_stream, header buffers) are marked in stream_bits: for packets the stream stage took,
 * the stream inspects them instead of the packet (see stream-inspect.c).
 */
#ifndef AEGIS_DETECT_TX_INT_H
#define AEGIS_DETECT_TX_INT_H

#include "app/app.h"
#include "detect/detect-int.h"

enum { DET_PK_NONE = 0, DET_PK_TX, DET_PK_APP_PKT, DET_PK_STREAM };

/* Which direction's message a buffer belongs to: TS, TC or both (the inspected direction). */
#define DET_SIDE_BOTH 2

struct det_pbuf {
	uint16_t prog;     /* index into det_rule.other */
	int16_t app_buf;   /* enum app_buffer, -1 when no parser fills it (never matches) */
	uint8_t side;      /* FLOW_DIR_TO_SERVER / _TO_CLIENT / DET_SIDE_BOTH */
};

/* Values compared on a transaction (not buffers). */
enum det_tx_kw { DET_TXKW_URILEN = 0, DET_TXKW_DNS_OPCODE, DET_TXKW_DNS_RRTYPE,
		 DET_TXKW_TLS_VERSION, DET_TXKW_EVENT, DET_TXKW_ALPROTO, DET_TXKW_UNSUPPORTED };

struct det_txkw {
	uint8_t type;      /* enum det_tx_kw */
	bool negated;
	const struct rule_match *m;
	uint32_t value;    /* dns.rrtype / tls.version / app-layer-protocol value */
};

struct det_prule {
	uint8_t kind;      /* DET_PK_* */
	uint8_t app_proto; /* enum app_proto of the header, APP_PROTO_UNKNOWN = any */
	uint8_t txdir;     /* direction the rule is inspected in: TS, TC or DET_DIR_BOTH */
	uint8_t n_bufs;
	uint8_t n_kws;
	struct det_pbuf *bufs;
	struct det_txkw *kws;
	uint32_t reach;    /* bytes of stream a match can span (bounded by DET_STREAM_WINDOW) */
	/* APP_PKT rule made of app-layer-protocol keywords only (with at most a flow direction):
	 * Suricata's "protocol detection only" rule, inspected only when a direction's protocol
	 * detection finishes (detect_app_detected), not on every packet */
	bool pd_only;
};

/* Bytes of each direction's stream kept for matches that span segments. */
#define DET_STREAM_WINDOW 2048
#define DET_STREAM_SLICE 65536 /* chunk bytes inspected per step (detect_thread.stream_buf) */

struct det_pending {
	struct det_prule *rules;   /* per engine rule */
	/* per kind (DET_PK_TX, _APP_PKT, _STREAM: index kind - 1) and part: pending rules without a
	 * fast pattern, in rule order, so each entry point only walks the rules it can run */
	uint32_t *part_n[3];
	uint32_t **part_nompm[3];
	uint64_t *stream_bits;     /* plain TCP payload rules the stream inspects */
	/* per part: its pending-payload database holds a transaction rule's fast pattern (else
	 * a transaction need not scan the packet with it: only other kinds would wake up) */
	bool *part_tx_payload;
	uint32_t window;           /* longest reach of the stream-inspected rules */
};

/* app-layer-protocol (m) on flow f for a packet or transaction of direction dir (tx-inspect.c). */
bool det_alproto_match(const struct rule_match *m, const struct flow *f, uint8_t dir);

/* The pending no-fast-pattern rules of `kind` in part `pi`. */
static inline uint32_t det_pending_nompm(const struct det_pending *pd, uint8_t kind, uint32_t pi,
					 const uint32_t **list)
{
	*list = pd->part_nompm[kind - 1][pi];
	return pd->part_n[kind - 1][pi];
}

/* Add a sorted list of rules to the candidates (which the caller then merge-sorts). */
void det_x_cand_add_sorted(struct detect_thread *t, const uint32_t *list, uint32_t n);

static inline bool det_pending_stream_rule(const struct detect_engine *e, uint32_t idx)
{
	return e->pend && ((e->pend->stream_bits[idx >> 6] >> (idx & 63)) & 1);
}

/* Post-match actions, thresholds, and the result; false when the match is discarded. */
bool det_x_alert(struct detect_thread *t, const struct det_rule *dr, struct packet *p,
		 struct detect_result *res, uint32_t flags, uint64_t tx_id);
/* Is rule idx already in res (one alert per rule and packet)? */
bool det_x_in_result(const struct detect_result *res, const struct rule *r);
/* Candidates of a Hyperscan database over data into t->cand (deduplicated by t->cand_bits). */
void det_x_scan(struct detect_thread *t, const struct det_mpm *mpm, const uint8_t *data,
		uint32_t len);
void det_x_cand_add(struct detect_thread *t, uint32_t rule);
/* Sort t->cand and clear the candidate bits (after the loop: det_x_cand_reset). */
void det_x_cand_sort(struct detect_thread *t);
void det_x_cand_reset(struct detect_thread *t);

/* flowbits.c: the slot on flow->detect where stream-inspect.c keeps its per-flow window
 * (allocated with malloc, freed by detect_flow_free); NULL without memory. */
void **det_flow_stream_slot(struct flow *f);
/* stream-inspect.c: the last stream bytes of direction dir raw stream inspection kept (its
 * window, up to DET_STREAM_WINDOW); false when there are none */
bool det_stream_window(struct flow *f, uint8_t dir, const uint8_t **data, uint32_t *len);

#endif /* AEGIS_DETECT_TX_INT_H */
