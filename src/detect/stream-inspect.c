/*
 * stream-inspect.c — raw stream inspection (Suricata's model for TCP payload rules) and the
 * packet-level part of app-layer-gated rules.
 *
 * The model: a TCP payload rule (content/pcre on pkt_data, no packet-only keyword such as
 * dsize, tcp-pkt or flow:no_stream) is inspected against the reassembled stream, not against
 * the packets. For a packet whose payload the stream stage took (detect_set_stream_added), the
 * packet loop skips those rules, and detect_stream() inspects each chunk of newly contiguous
 * data the packet produced, prefixed by the last bytes of that direction (a window as long as
 * the longest reach of these rules, at most DET_STREAM_WINDOW), so a content split over two
 * segments matches. A match counts only when it needs the new bytes: a rule that also matches
 * the window alone already alerted (or was about to) on an earlier packet. Packets the stream
 * stage did not take (no session, out of window, bad checksum) are inspected as packets.
 * tcp-stream rules and app-gated rules with payload keywords on TCP are inspected here too.
 *
 * detect_app_packet() covers the app-gated rules of the packet path: an app-layer protocol in
 * the header or app-layer-protocol, with packet keywords and (UDP, or TCP not taken by the
 * stream) payload keywords; they match once the flow's protocol is known.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/tx-int.h"
#include "stream/stream.h"

struct det_stream_flow {
	uint32_t len[2];       /* bytes in win[dir] */
	uint64_t end[2];       /* stream offset just after win[dir] */
	uint8_t win[2][DET_STREAM_WINDOW];
};

void detect_set_stream_added(struct detect_thread *t, bool added)
{
	if (t)
		t->stream_added = added;
}

/* App-gated rules: the flow's protocol and app-layer-protocol keywords. */
static bool app_gate(const struct det_prule *pr, const struct flow *f)
{
	enum app_proto fp = f ? app_flow_proto(f) : APP_PROTO_UNKNOWN;
	if (pr->app_proto != APP_PROTO_UNKNOWN && pr->app_proto != fp)
		return false;
	for (uint8_t i = 0; i < pr->n_kws; i++) {
		const struct det_txkw *k = &pr->kws[i];
		if (k->type == DET_TXKW_ALPROTO) {
			const char *n = k->m->u.name.name ? k->m->u.name.name : "";
			enum app_proto want = app_proto_by_name(n);
			bool eq = want != APP_PROTO_UNKNOWN && fp == want;
			if (eq == k->negated)
				return false;
		} else {
			return false; /* generic app-layer events: not evaluated on packets yet */
		}
	}
	return true;
}

/* Which rules a stream chunk inspects, and with what gate. */
static bool stream_rule(const struct detect_engine *e, uint32_t idx, const struct flow *f)
{
	if (det_pending_stream_rule(e, idx))
		return true;
	const struct det_rule *dr = &e->rules[idx];
	const struct det_prule *pr = &e->pend->rules[idx];
	if (!(dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY)) || !dr->payload.n_ops)
		return false;
	if (pr->kind == DET_PK_STREAM)
		return dr->r->proto == RULE_PROTO_TCP || dr->r->proto == RULE_PROTO_IP;
	return pr->kind == DET_PK_APP_PKT && app_gate(pr, f);
}

static void stream_candidates(struct detect_thread *t, const struct det_group *g,
			      const uint8_t *buf, uint32_t len)
{
	const struct detect_engine *e = t->e;
	for (uint32_t k = 0; k < g->n_payload; k++)
		det_x_scan(t, &g->payload[k], buf, len);
	for (uint8_t i = 0; i < g->n_parts; i++) {
		const struct det_part *part = &e->parts[g->parts[i]];
		for (uint16_t k = 0; k < part->n_mpm; k++)
			if (part->mpm[k].buffer == DET_BUF_PENDING_PAYLOAD)
				det_x_scan(t, &part->mpm[k], buf, len);
		const uint32_t *l;
		uint32_t n = det_pending_nompm(e->pend, DET_PK_STREAM, g->parts[i], &l);
		det_x_cand_add_sorted(t, l, n);
	}
	for (uint32_t k = 0; k < g->n_nompm; k++)
		if (det_pending_stream_rule(e, g->nompm[k]))
			det_x_cand_add(t, g->nompm[k]);
}

/* Inspect buf (old bytes of the window, then new ones) for the chunk's rules. */
static void stream_inspect(struct detect_thread *t, struct packet *p, const uint8_t *buf,
			   uint32_t len, uint32_t old, struct detect_result *res)
{
	const struct detect_engine *e = t->e;
	const struct det_group *g = det_group_lookup(e, p);
	if (!g)
		return;
	t->n_cand = 0;
	stream_candidates(t, g, buf, len);
	det_x_cand_sort(t);
	for (uint32_t i = 0; i < t->n_cand; i++) {
		uint32_t idx = t->cand[i];
		const struct det_rule *dr = &e->rules[idx];
		if (!stream_rule(e, idx, p->flow) || det_x_in_result(res, dr->r))
			continue;
		t->stats.rules_checked++;
		if (!det_header_match(dr, p) || !det_x_pops_cheap(dr, p, true))
			continue;
		memset(t->vars, 0, sizeof(t->vars));
		if (!det_inspect_buffer(t, dr, &dr->payload, buf, len, p))
			continue;
		if (old) {
			memset(t->vars, 0, sizeof(t->vars));
			if (det_inspect_buffer(t, dr, &dr->payload, buf, old, p))
				continue; /* the window alone matches: not new */
		}
		if (!det_x_pops_state(t, dr, p))
			continue;
		if (det_x_alert(t, dr, p, res, DETECT_ALERT_F_STREAM, 0) &&
		    detect_action_from_rule(dr->r->action) == DETECT_ACTION_PASS)
			break;
	}
	det_x_cand_reset(t);
}

void detect_stream(struct detect_thread *t, struct packet *p, const struct stream_chunk *c,
		   struct detect_result *res)
{
	detect_result_reset(res);
	if (!t || !p || !c || !p->flow || !t->e->pend || c->dir > FLOW_DIR_TO_CLIENT)
		return;
	const struct detect_engine *e = t->e;
	struct flow *f = p->flow;
	uint32_t w = e->pend->window;
	if ((f->flags & FLOW_F_PASS) || !c->len || !w)
		goto out;
	void **slot = det_flow_stream_slot(f);
	if (!slot)
		goto out;
	struct det_stream_flow *sf = *slot;
	if (!sf) {
		sf = calloc(1, sizeof(*sf));
		if (!sf)
			goto out;
		*slot = sf;
	}
	uint8_t d = c->dir;
	if (c->gap_before || sf->end[d] != c->offset)
		sf->len[d] = 0; /* not contiguous with the window: start afresh */
	/* slices of the chunk, each behind the window (so memory per call stays bounded) */
	const uint32_t slice = 65536;
	uint8_t *buf = malloc(DET_STREAM_WINDOW + slice);
	if (!buf)
		goto out;
	for (uint32_t pos = 0; pos < c->len;) {
		uint32_t n = c->len - pos < slice ? c->len - pos : slice;
		uint32_t old = sf->len[d] < w ? sf->len[d] : w;
		memcpy(buf, sf->win[d] + sf->len[d] - old, old);
		memcpy(buf + old, c->data + pos, n);
		stream_inspect(t, p, buf, old + n, old, res);
		/* keep the last w bytes */
		uint32_t total = old + n, keep = total < w ? total : w;
		memcpy(sf->win[d], buf + total - keep, keep);
		sf->len[d] = keep;
		pos += n;
	}
	sf->end[d] = c->offset + c->len;
	free(buf);
out:
	detect_result_finalize(res, &e->order, f, e->cfg.simulate_ips);
}

void detect_app_packet(struct detect_thread *t, struct packet *p, struct detect_result *res)
{
	detect_result_reset(res);
	if (!t || !p || !p->flow || !t->e->pend)
		return;
	const struct detect_engine *e = t->e;
	struct flow *f = p->flow;
	if ((f->flags & FLOW_F_PASS) || app_flow_proto(f) == APP_PROTO_UNKNOWN)
		goto out;
	const struct det_group *g = det_group_lookup(e, p);
	if (!g)
		goto out;
	bool payload_ok = p->payload && p->payload_len && !(t->stream_added && p->ip_proto == 6);
	t->n_cand = 0;
	for (uint8_t i = 0; i < g->n_parts; i++) {
		const struct det_part *part = &e->parts[g->parts[i]];
		for (uint16_t k = 0; k < part->n_mpm && payload_ok; k++)
			if (part->mpm[k].buffer == DET_BUF_PENDING_PAYLOAD)
				det_x_scan(t, &part->mpm[k], p->payload, p->payload_len);
		const uint32_t *l;
		uint32_t n = det_pending_nompm(e->pend, DET_PK_APP_PKT, g->parts[i], &l);
		det_x_cand_add_sorted(t, l, n);
	}
	det_x_cand_sort(t);
	for (uint32_t i = 0; i < t->n_cand; i++) {
		uint32_t idx = t->cand[i];
		const struct det_rule *dr = &e->rules[idx];
		const struct det_prule *pr = &e->pend->rules[idx];
		if (pr->kind != DET_PK_APP_PKT || !(dr->flags & DR_F_NEEDS_APP) ||
		    (dr->payload.n_ops && !payload_ok) || !app_gate(pr, f))
			continue;
		t->stats.rules_checked++;
		if (!det_header_match(dr, p) || !det_x_pops_cheap(dr, p, false))
			continue;
		memset(t->vars, 0, sizeof(t->vars));
		if (dr->payload.n_ops &&
		    !det_inspect_buffer(t, dr, &dr->payload, p->payload, p->payload_len, p))
			continue;
		if (!det_x_pops_state(t, dr, p))
			continue;
		if (det_x_alert(t, dr, p, res, 0, 0) &&
		    detect_action_from_rule(dr->r->action) == DETECT_ACTION_PASS)
			break;
	}
	det_x_cand_reset(t);
out:
	detect_result_finalize(res, &e->order, f, e->cfg.simulate_ips);
}

void detect_pseudo_packet(struct packet *out, struct flow *f, uint8_t dir, uint64_t ts_usec,
			  uint64_t pcap_cnt)
{
	memset(out, 0, sizeof(*out));
	out->ip_version = f->ip_version;
	out->ip_proto = f->ip_proto;
	out->src = dir == FLOW_DIR_TO_SERVER ? f->src : f->dst;
	out->dst = dir == FLOW_DIR_TO_SERVER ? f->dst : f->src;
	out->sp = dir == FLOW_DIR_TO_SERVER ? f->sp : f->dp;
	out->dp = dir == FLOW_DIR_TO_SERVER ? f->dp : f->sp;
	out->flow = f;
	out->flow_dir = dir;
	out->ts_usec = ts_usec;
	out->pcap_cnt = pcap_cnt;
}
