/*
 * tx-inspect.c — inspection of app-layer transactions (Suricata's "app-layer inspection"): the
 * rules of a transaction's protocol whose sticky buffers (http.uri, dns.query, tls.sni, ...) the
 * transaction now has are prefiltered with the parts' per-buffer Hyperscan databases, then
 * checked in engine order: header against the packet that progressed the transaction, packet
 * keywords, transaction values (urilen, dns.opcode, dns.rrtype, tls.version, app-layer-event,
 * app-layer-protocol), every buffer program, flowbits/flowint. A rule alerts at most once per
 * transaction: the engine indices of the rules that matched are kept in tx->detect_state.
 *
 * Direction (as Suricata): a rule with flow:to_server / to_client is inspected in that
 * direction only; otherwise a rule with a response-only buffer (http.stat_code, file.data of
 * a response is both-ways) is a to-client rule, one with request-only buffers a to-server rule,
 * and a rule with both-ways buffers only (http.header, file.data) is inspected in each
 * direction against that direction's message. Request buffers stay readable on to-client
 * inspection, so a rule mixing http.uri and http.stat_code alerts once the response is there.
 * Payload keywords of a transaction rule (content before a sticky buffer) are matched on the
 * current packet's payload or, as Suricata inspects such "mixed" rules against the raw
 * stream, on the stream window of the direction.
 *
 * Prefilter memory: a transaction is inspected at each step of its progress, with the buffers
 * of both directions. Each buffer scanned is noted (database, direction, instance, where and
 * how long it was) with the candidates the scans found, so the next inspection scans only the
 * buffers that are new or changed — a body that grew is scanned from just before its old end
 * (a pattern's length back) — and takes the others' candidates from that note.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/tx-int.h"
#include "stream/stream.h"

/* Entries per transaction; a transaction matching more rules stops alerting new ones (the
 * memory a hostile flow can make us keep stays bounded). */
#define DET_TX_STATE_MAX 4096
/* Instances of a multi-buffer (http.request_header, dns.query, ...) looked at. */
#define DET_TX_MAX_INDEX 64

/* Buffers noted per transaction, and the candidates kept for them: a transaction past either
 * bound is scanned whole at each inspection, as if nothing were noted. */
#define DET_TX_SEEN 16
#define DET_TX_FP_MAX 1024

struct det_tx_seen {
	const struct det_mpm *mpm;
	const uint8_t *data;
	uint32_t len;
	uint8_t dir, idx;
};

struct det_tx_state {
	uint32_t n, cap;
	uint32_t *rules; /* sorted engine indices of the rules that matched this tx */
	/* prefilter memory (see the top of the file) */
	struct det_tx_seen seen[DET_TX_SEEN];
	uint8_t n_seen;
	bool fp_off;     /* too many candidates: nothing is noted any more */
	uint32_t n_fp, cap_fp;
	uint32_t *fp;    /* the candidates the noted buffers' scans found */
	/* what the transaction looked like at its last inspection, per direction: a call that
	 * finds the same progress (more body bytes of the same message) is not re-inspected —
	 * its buffers are inspected again once the message moves on or completes, or an
	 * app-layer event was raised on it (app-layer-event rules) */
	uint8_t seen_progress[2];
	uint8_t seen_events[2];
	bool seen_complete[2], inspected[2];
};

void detect_tx_state_free(void *state, void *user)
{
	(void)user;
	struct det_tx_state *s = state;
	if (!s)
		return;
	free(s->rules);
	free(s->fp);
	free(s);
}

static bool state_has(const struct det_tx_state *s, uint32_t idx)
{
	uint32_t lo = 0, hi = s ? s->n : 0;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (s->rules[mid] == idx)
			return true;
		if (s->rules[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* 0, or -1 when the state cannot grow (the caller then does not alert: no repeats). */
static int state_add(struct app_tx *tx, uint32_t idx)
{
	struct det_tx_state *s = tx->detect_state;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -1;
		tx->detect_state = s;
	}
	if (s->n == s->cap) {
		if (s->cap >= DET_TX_STATE_MAX)
			return -1;
		uint32_t cap = s->cap ? s->cap * 2 : 8;
		uint32_t *a = realloc(s->rules, cap * sizeof(*a));
		if (!a)
			return -1;
		s->rules = a;
		s->cap = cap;
	}
	uint32_t i = s->n;
	while (i > 0 && s->rules[i - 1] > idx) {
		s->rules[i] = s->rules[i - 1];
		i--;
	}
	s->rules[i] = idx;
	s->n++;
	return 0;
}

/* ---- transaction values ------------------------------------------------------------------ */

static bool tls_version_parse(const char *a, uint32_t *v)
{
	if (!a)
		return false;
	while (*a == ' ')
		a++;
	if (!strncasecmp(a, "0x", 2)) {
		*v = (uint32_t)strtoul(a, NULL, 16);
		return true;
	}
	static const struct {
		const char *n;
		uint32_t v;
	} names[] = { { "1.0", TLS_VERSION_10 }, { "1.1", TLS_VERSION_11 },
		      { "1.2", TLS_VERSION_12 }, { "1.3", TLS_VERSION_13 },
		      { "3.0", TLS_VERSION_SSL3 }, { "ssl3", TLS_VERSION_SSL3 },
		      { "2.0", TLS_VERSION_SSL2 }, { "ssl2", TLS_VERSION_SSL2 } };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(a, names[i].n)) {
			*v = names[i].v;
			return true;
		}
	return false;
}

static bool has_event(const struct app_tx *tx, const char *name)
{
	enum app_event ev = app_event_lookup(name ? name : "");
	if (ev == APP_EVENT_NONE)
		return false;
	for (uint8_t i = 0; i < tx->n_events && i < APP_TX_MAX_EVENTS; i++)
		if (tx->events[i] == ev)
			return true;
	return false;
}

/* One protocol name of app-layer-protocol against a protocol of the flow ("http1" and "http"
 * are aegis's HTTP/1, "ssl" is "tls"). */
static bool alproto_is(const char *name, enum app_proto p)
{
	enum app_proto want = !strcmp(name, "http1") ? APP_PROTO_HTTP
			      : !strcmp(name, "ssl") ? APP_PROTO_TLS
						     : app_proto_by_name(name);
	return want != APP_PROTO_UNKNOWN && p == want;
}

bool det_alproto_match(const struct rule_match *m, const struct flow *f, uint8_t dir)
{
	const char *n = m->u.name.name ? m->u.name.name : "";
	enum app_proto p, q = APP_PROTO_UNKNOWN;
	switch (m->u.name.mode) {
	case RULE_ALPROTO_TO_SERVER: p = app_flow_dir_proto(f, FLOW_DIR_TO_SERVER); break;
	case RULE_ALPROTO_TO_CLIENT: p = app_flow_dir_proto(f, FLOW_DIR_TO_CLIENT); break;
	case RULE_ALPROTO_EITHER:
		p = app_flow_dir_proto(f, FLOW_DIR_TO_SERVER);
		q = app_flow_dir_proto(f, FLOW_DIR_TO_CLIENT);
		break;
	case RULE_ALPROTO_FINAL: p = app_flow_proto(f); break;
	case RULE_ALPROTO_ORIGINAL: p = app_flow_proto_orig(f); break;
	default: p = app_flow_dir_proto(f, dir); break;
	}
	/* a negated name does not match while the protocol is unknown (Suricata) */
	if (p == APP_PROTO_UNKNOWN && q == APP_PROTO_UNKNOWN)
		return false;
	bool eq = alproto_is(n, p) || alproto_is(n, q);
	return eq != m->u.name.negated;
}

static bool txkw_match(const struct det_txkw *k, const struct app_tx *tx, const struct flow *f,
		       uint8_t dir)
{
	const struct rule_match *m = k->m;
	switch (k->type) {
	case DET_TXKW_URILEN: {
		uint32_t len;
		return app_tx_get_urilen(tx, m->u.num.raw, &len) == 0 &&
		       detect_num_match(&m->u.num, len);
	}
	case DET_TXKW_DNS_OPCODE: {
		uint8_t op;
		if (tx->proto != APP_PROTO_DNS || dns_tx_get_opcode(tx, dir, &op) != 0)
			return false;
		return detect_num_match(&m->u.num, op);
	}
	case DET_TXKW_DNS_RRTYPE: {
		const char *a = m->u.arg ? m->u.arg : "";
		int want = dns_rrtype_lookup(a);
		if (want < 0 || tx->proto != APP_PROTO_DNS)
			return false;
		uint16_t rr;
		for (uint32_t i = 0; i < DET_TX_MAX_INDEX && dns_tx_get_rrtype(tx, dir, i, &rr) == 0;
		     i++)
			if (rr == (uint16_t)want)
				return true;
		return false;
	}
	case DET_TXKW_TLS_VERSION: {
		uint32_t want;
		const struct tls_state *ts = tx->proto_tx;
		if (tx->proto != APP_PROTO_TLS || !ts || !ts->version ||
		    !tls_version_parse(m->u.arg, &want))
			return false;
		return ts->version == want;
	}
	case DET_TXKW_EVENT:
		return has_event(tx, m->u.name.name) != k->negated;
	case DET_TXKW_ALPROTO:
		return det_alproto_match(m, f, dir);
	default:
		return false;
	}
}

/* ---- one rule ---------------------------------------------------------------------------- */

/* The payload part of a mixed rule: the packet's payload, the chunk being parsed, or the
 * direction's stream window (see the top of the file). */
static bool tx_payload_match(struct detect_thread *t, const struct det_rule *dr,
			     const struct packet *p, struct flow *f, uint8_t dir)
{
	if (p->payload && p->payload_len &&
	    det_inspect_buffer(t, dr, &dr->payload, p->payload, p->payload_len, p))
		return true;
	const struct stream_chunk *c = t->chunk;
	det_rule_begin(t);
	if (c && c->dir == dir && c->len &&
	    det_inspect_buffer(t, dr, &dr->payload, c->data, c->len, p))
		return true;
	const uint8_t *w;
	uint32_t wl;
	det_rule_begin(t);
	return det_stream_window(f, dir, &w, &wl) &&
	       det_inspect_buffer(t, dr, &dr->payload, w, wl, p);
}

static bool tx_rule_match(struct detect_thread *t, const struct det_rule *dr,
			  const struct det_prule *pr, const struct packet *p, struct flow *f,
			  const struct app_tx *tx, uint8_t dir)
{
	if (pr->kind != DET_PK_TX)
		return false;
	if (pr->app_proto != APP_PROTO_UNKNOWN && pr->app_proto != tx->proto)
		return false;
	if (pr->txdir != DET_DIR_BOTH && pr->txdir != dir)
		return false;
	if (!det_header_match(dr, p) || !det_pops_cheap(dr, p, false))
		return false;
	for (uint8_t i = 0; i < pr->n_kws; i++)
		if (!txkw_match(&pr->kws[i], tx, f, dir))
			return false;
	det_rule_begin(t);
	if (dr->payload.n_ops && !tx_payload_match(t, dr, p, f, dir))
		return false;
	for (uint8_t i = 0; i < pr->n_bufs; i++) {
		const struct det_pbuf *b = &pr->bufs[i];
		if (b->app_buf < 0 || app_buffer_proto((enum app_buffer)b->app_buf) != tx->proto)
			return false;
		uint8_t d = b->side == DET_SIDE_BOTH ? dir : b->side;
		bool ok = false;
		for (uint32_t idx = 0; idx < DET_TX_MAX_INDEX && !ok; idx++) {
			const uint8_t *data;
			uint32_t len;
			if (app_tx_get_buffer(tx, (enum app_buffer)b->app_buf, d, idx, &data,
					      &len) != 0)
				break;
			ok = det_inspect_buffer(t, dr, &dr->other[b->prog], data, len, p);
		}
		if (!ok)
			return false;
	}
	return det_pops_state(t, dr, p);
}

/* Bodies only grow while their message is parsed: the bytes already scanned stay as they were. */
static bool buffer_appends(int ab)
{
	return ab == APP_BUF_FILE_DATA || ab == APP_BUF_HTTP_REQUEST_BODY ||
	       ab == APP_BUF_HTTP_RESPONSE_BODY;
}

/* Scan one buffer instance unless the transaction's note says it is unchanged. */
static void tx_scan_buffer(struct detect_thread *t, struct det_tx_state *st,
			   const struct det_mpm *mpm, int ab, uint8_t dir, uint8_t idx,
			   const uint8_t *data, uint32_t len)
{
	struct det_tx_seen *s = NULL;
	if (st && !st->fp_off) {
		for (uint8_t i = 0; i < st->n_seen && !s; i++)
			if (st->seen[i].mpm == mpm && st->seen[i].dir == dir && st->seen[i].idx == idx)
				s = &st->seen[i];
		if (s && s->data == data && s->len == len)
			return; /* its candidates are in st->fp */
		if (!s && st->n_seen < DET_TX_SEEN) {
			s = &st->seen[st->n_seen++];
			*s = (struct det_tx_seen){ mpm, NULL, 0, dir, idx };
		}
	}
	uint32_t from = 0;
	bool grown = s && s->len && len > s->len && buffer_appends(ab);
	if (grown) {
		uint32_t back = mpm->max_len ? mpm->max_len - 1 : 0;
		from = s->len > back ? s->len - back : 0;
	}
	/* the patterns near the buffer's start: looked up again only while that start can
	 * still have grown */
	if (mpm->anchor && (!grown || s->len < DET_ANCHOR_WINDOW_MAX))
		det_anchor_scan(t, mpm->anchor, data, len);
	if (mpm->db != UINT32_MAX)
		det_x_scan(t, mpm, data + from, len - from);
	if (s) {
		s->data = data;
		s->len = len;
	}
}

/* Keep the candidates found so far (all of t->cand: the noted ones came back in first). */
static void tx_note_candidates(struct detect_thread *t, struct det_tx_state *st)
{
	if (!st || st->fp_off)
		return;
	if (t->n_cand > DET_TX_FP_MAX) {
		st->fp_off = true;
		st->n_seen = 0;
		return;
	}
	if (t->n_cand > st->cap_fp) {
		uint32_t cap = st->cap_fp ? st->cap_fp : 16;
		while (cap < t->n_cand)
			cap *= 2;
		uint32_t *fp = realloc(st->fp, cap * sizeof(*fp));
		if (!fp) {
			st->fp_off = true;
			st->n_seen = 0;
			return;
		}
		st->fp = fp;
		st->cap_fp = cap;
	}
	if (t->n_cand)
		memcpy(st->fp, t->cand, t->n_cand * sizeof(*st->fp));
	st->n_fp = t->n_cand;
}

/* Prefilter: the parts' databases of the buffers this transaction has, in both directions
 * (only what changed since the last inspection, see the top of the file), then the payload
 * patterns on the current packet and the rules without a fast pattern. */
static void tx_candidates(struct detect_thread *t, const struct det_group *g,
			  const struct packet *p, const struct app_tx *tx, uint8_t dir,
			  struct det_tx_state *st)
{
	const struct detect_engine *e = t->e;
	const struct det_pending *pd = e->pend;
	if (st && !st->fp_off)
		for (uint32_t i = 0; i < st->n_fp; i++)
			det_cand_add(t, st->fp[i]);
	for (uint8_t i = 0; i < g->n_parts; i++) {
		const struct det_part *part = &e->parts[g->parts[i]];
		for (uint16_t k = 0; k < part->n_mpm; k++) {
			const struct det_mpm *mpm = &part->mpm[k];
			if (mpm->buffer == DET_BUF_PENDING_PAYLOAD)
				continue;
			int ab = mpm->buffer < t->n_app_buf ? t->app_buf[mpm->buffer] : -1;
			if (ab < 0 || app_buffer_proto((enum app_buffer)ab) != tx->proto)
				continue;
			for (uint8_t d = 0; d < 2; d++) {
				for (uint8_t idx = 0; idx < DET_TX_MAX_INDEX; idx++) {
					const uint8_t *data;
					uint32_t len;
					if (app_tx_get_buffer(tx, (enum app_buffer)ab, d, idx, &data,
							      &len) != 0)
						break;
					tx_scan_buffer(t, st, mpm, ab, d, idx, data, len);
				}
			}
		}
	}
	tx_note_candidates(t, st);
	const uint8_t *w = NULL;
	uint32_t wl = 0;
	(void)det_stream_window(p->flow, dir, &w, &wl);
	for (uint8_t i = 0; i < g->n_parts; i++) {
		const struct det_part *part = &e->parts[g->parts[i]];
		for (uint16_t k = 0; k < part->n_mpm; k++) {
			if (part->mpm[k].buffer != DET_BUF_PENDING_PAYLOAD ||
			    !pd->part_tx_payload[g->parts[i]])
				continue;
			if (p->payload && p->payload_len)
				det_x_scan(t, &part->mpm[k], p->payload, p->payload_len);
			if (wl)
				det_x_scan(t, &part->mpm[k], w, wl);
			if (t->chunk && t->chunk->dir == dir && t->chunk->len)
				det_x_scan(t, &part->mpm[k], t->chunk->data, t->chunk->len);
		}
		const uint32_t *l;
		uint32_t n = det_pending_nompm(pd, DET_PK_TX, g->parts[i], &l);
		det_x_cand_add_sorted(t, l, n);
	}
}

/* The rules buffer -> app buffer map, made once per thread (names compared once, not per tx). */
static bool thread_app_buffers(struct detect_thread *t)
{
	if (t->app_buf)
		return true;
	uint32_t n = (uint32_t)rules_buffer_count();
	int16_t *m = calloc(n ? n : 1, sizeof(*m));
	if (!m)
		return false;
	for (uint32_t b = 0; b < n; b++) {
		const char *name = rules_buffer_name((uint16_t)b);
		m[b] = (int16_t)(name ? app_buffer_lookup(name) : -1);
	}
	t->app_buf = m;
	t->n_app_buf = n;
	return true;
}

/* True when the transaction has not moved on in `dir` since it was last inspected. */
static bool tx_unchanged(struct app_tx *tx, uint8_t dir)
{
	struct det_tx_state *s = tx->detect_state;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return false; /* inspect anyway; alerts are still bounded by state_add */
		tx->detect_state = s;
	}
	if (s->inspected[dir] && s->seen_progress[dir] == tx->progress[dir] &&
	    s->seen_complete[dir] == tx->complete[dir] && s->seen_events[dir] == tx->n_events)
		return true;
	s->inspected[dir] = true;
	s->seen_progress[dir] = tx->progress[dir];
	s->seen_events[dir] = tx->n_events;
	s->seen_complete[dir] = tx->complete[dir];
	return false;
}

void detect_tx(struct detect_thread *t, struct packet *p, struct flow *f, struct app_tx *tx,
	       uint8_t dir, struct detect_result *res)
{
	detect_result_reset(res);
	if (!t || !p || !f || !tx || dir > FLOW_DIR_TO_CLIENT || !t->e->pend)
		return;
	if (tx_unchanged(tx, dir) || !thread_app_buffers(t))
		return;
	const struct detect_engine *e = t->e;
	if (f->flags & FLOW_F_PASS)
		return;
	const struct det_group *g = det_group_lookup(e, p);
	if (!g)
		return;
	t->n_cand = 0;
	struct det_tx_state *st = tx->detect_state;
	tx_candidates(t, g, p, tx, dir, st);
	det_x_cand_sort(t);
	for (uint32_t i = 0; i < t->n_cand; i++) {
		uint32_t idx = t->cand[i];
		const struct det_rule *dr = &e->rules[idx];
		const struct det_prule *pr = &e->pend->rules[idx];
		if (pr->kind != DET_PK_TX || state_has(st, idx))
			continue;
		t->stats.rules_checked++;
		if (!tx_rule_match(t, dr, pr, p, f, tx, dir))
			continue;
		if (state_add(tx, idx) < 0)
			continue;
		st = tx->detect_state;
		if (det_x_alert(t, dr, p, res, DETECT_ALERT_F_TX, tx->tx_id) &&
		    detect_action_from_rule(dr->r->action) == DETECT_ACTION_PASS)
			break;
	}
	det_x_cand_reset(t);
	detect_result_finalize(res, &e->order, f, e->cfg.simulate_ips);
}
