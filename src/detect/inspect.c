/*
 * inspect.c — the per-packet loop. Find the packet's signature group, run its Hyperscan
 * databases over the payload to collect candidate rules (plus the group's rules that have no
 * fast pattern), then check each candidate in engine order: header (protocol, addresses, ports,
 * `<>`), cheap packet keywords, the payload program, flowbits/flowint conditions; on a match the
 * post-match actions, thresholds and the result (detect-state.h). A matching pass rule ends the
 * packet's inspection and the flow's (FLOW_F_PASS).
 *
 * det_inspect_buffer() takes (program, data, len) so the stream and app-layer stages can hand
 * their buffers to the same inspection engine.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"
#include "detect/tx-int.h"

/* ---- header ------------------------------------------------------------------------------ */

static bool proto_match(const struct rule *r, const struct packet *p)
{
	if ((r->proto_flags & RULE_PF_IPV4) && p->ip_version != 4)
		return false;
	if ((r->proto_flags & RULE_PF_IPV6) && p->ip_version != 6)
		return false;
	switch (r->proto) {
	case RULE_PROTO_IP:
	case RULE_PROTO_PKTHDR:
		return true;
	case RULE_PROTO_TCP:
		return p->ip_proto == 6;
	case RULE_PROTO_UDP:
		return p->ip_proto == 17;
	case RULE_PROTO_ICMP:
		return p->ip_proto == 1 || p->ip_proto == 58;
	case RULE_PROTO_ICMPV4:
		return p->ip_proto == 1;
	case RULE_PROTO_ICMPV6:
		return p->ip_proto == 58;
	case RULE_PROTO_SCTP:
		return p->ip_proto == 132;
	case RULE_PROTO_IGMP:
		return p->ip_proto == 2;
	case RULE_PROTO_APP:
		return ((r->transport & RULE_TR_TCP) && p->ip_proto == 6) ||
		       ((r->transport & RULE_TR_UDP) && p->ip_proto == 17) ||
		       ((r->transport & RULE_TR_SCTP) && p->ip_proto == 132) ||
		       ((r->transport & RULE_TR_ICMP) && (p->ip_proto == 1 || p->ip_proto == 58));
	}
	return false;
}

static bool has_ports(const struct packet *p)
{
	return p->ip_proto == 6 || p->ip_proto == 17 || p->ip_proto == 132;
}

static bool port_ok(const struct rules_port_set *s, uint16_t port, bool ported)
{
	if (!s || s->any)
		return true;
	return ported && rules_port_set_match(s, port);
}

static bool addr_ok(const struct rules_addr_set *s, const struct ip_addr *a)
{
	return !s || s->any || rules_addr_set_match(s, a);
}

static bool endpoints_match(const struct rule *r, const struct ip_addr *src, uint16_t sp,
			    const struct ip_addr *dst, uint16_t dp, bool ported)
{
	return port_ok(r->sp, sp, ported) && port_ok(r->dp, dp, ported) && addr_ok(r->src, src) &&
	       addr_ok(r->dst, dst);
}

bool det_header_match(const struct det_rule *dr, const struct packet *p)
{
	const struct rule *r = dr->r;
	if (!proto_match(r, p))
		return false;
	bool ported = has_ports(p);
	/* a transactional rule's (=>) source is the client, also on a response packet */
	if (r->dir == RULE_DIR_TX && p->flow && p->flow_dir == FLOW_DIR_TO_CLIENT)
		return endpoints_match(r, &p->dst, p->dp, &p->src, p->sp, ported);
	if (endpoints_match(r, &p->src, p->sp, &p->dst, p->dp, ported))
		return true;
	return r->dir == RULE_DIR_BOTH &&
	       endpoints_match(r, &p->dst, p->dp, &p->src, p->sp, ported);
}

/* ---- cheap prefilter of rules without a fast pattern ------------------------------------- */

static bool pop_is_tcp_flags(const struct det_pop *op)
{
	return op->type == DET_POP_HEADER && op->m->kw &&
	       (strcmp(op->m->kw->name, "flags") == 0 || strcmp(op->m->kw->name, "tcp.flags") == 0);
}

/* The flags test depends on the flags byte alone (and the packet being TCP): evaluate it for
 * all 256 values once, so a SYN-scan rule costs one bit test on the other packets. */
int det_rule_prefilter_build(struct det_rule *dr)
{
	bool any = false;
	for (uint16_t i = 0; i < dr->n_pops; i++)
		any |= pop_is_tcp_flags(&dr->pops[i]);
	if (!any || dr->tcp_flags_ok)
		return 0;
	dr->tcp_flags_ok = calloc(4, sizeof(uint64_t));
	if (!dr->tcp_flags_ok)
		return -1;
	static const uint8_t l4[20];
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.ip_proto = 6;
	p.l4_hdr = l4;
	p.l4_hlen = sizeof(l4);
	for (uint32_t v = 0; v < 256; v++) {
		p.tcp_flags = (uint8_t)v;
		bool ok = true;
		for (uint16_t i = 0; i < dr->n_pops && ok; i++)
			if (pop_is_tcp_flags(&dr->pops[i]))
				ok = detect_header_match(dr->pops[i].m, &p);
		if (ok)
			dr->tcp_flags_ok[v >> 6] |= 1ull << (v & 63);
	}
	return 0;
}

/* ---- inspection engine ------------------------------------------------------------------- */

int det_ops_run(struct det_ictx *c, uint32_t i, uint32_t pos)
{
	struct detect_thread *t = c->t;
	if (++t->recursion > t->e->recursion_limit) {
		t->recursion_hits++;
		return DET_ABORT;
	}
	for (; i < c->prog->n_ops; i++) {
		const struct det_op *op = &c->prog->ops[i];
		switch (op->type) {
		case DET_OP_CONTENT:
			if (op->skip)
				continue;
			/* content (and pcre) run the rest of the program themselves, so a failure
			 * later can make them retry their next occurrence */
			return det_op_content(c, i, pos);
		case DET_OP_PCRE:
			return det_op_pcre(c, i, pos);
		case DET_OP_UNSUPPORTED:
			return DET_ABORT;
		default: {
			uint32_t np = pos;
			int r = det_op_byte(c, op, pos, &np);
			if (r != DET_MATCH)
				return r;
			pos = np;
			break;
		}
		}
	}
	return DET_MATCH;
}

int det_inspect_buffer(struct detect_thread *t, const struct det_rule *dr,
		       const struct det_prog *prog, const uint8_t *data, uint32_t len,
		       const struct packet *p)
{
	if (!prog->n_ops)
		return 1;
	if (prog->n_tr && !det_transform_run(t, prog, &data, &len))
		return 0;
	struct det_ictx c = { .t = t, .dr = dr, .prog = prog, .buf = data, .len = len, .p = p };
	t->recursion = 0;
	return det_ops_run(&c, 0, 0) == DET_MATCH;
}

/* ---- candidates -------------------------------------------------------------------------- */

int det_hs_on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	(void)from;
	(void)to;
	(void)flags;
	struct det_scan_ctx *s = ctx;
	if (id >= s->mpm->n_pats)
		return 0;
	s->t->stats.mpm_matches++;
	for (uint32_t k = s->mpm->pat_off[id]; k < s->mpm->pat_off[id + 1]; k++)
		det_cand_add(s->t, s->mpm->pat_rules[k]);
	return 0;
}

static void addr_index_lookup(struct detect_thread *t, const struct ip_addr *a)
{
	const uint32_t *rules;
	uint32_t n = det_addr_index_lookup(&t->e->aidx, a, &rules);
	for (uint32_t k = 0; k < n; k++)
		det_cand_add(t, rules[k]);
}

/* The packet payload against the group's anchor table (patterns near the payload's start)
 * and databases (any-port and port parts: at most two scans; one with sgh-mpm-context full);
 * for a TCP payload the stream took, the table and database without the stream-inspected
 * rules. */
static void candidates_collect(struct detect_thread *t, const struct det_group *g,
			       const struct packet *p, const uint8_t *data, uint32_t len)
{
	if (!len)
		return;
	const struct det_mpm *mpm = g->payload;
	uint32_t n = g->n_payload;
	const struct det_anchor *anchor = &g->anchor;
	if (t->stream_added && p->ip_proto == 6 && t->e->pend && g->has_payload_pkt) {
		mpm = g->payload_pkt;
		n = g->n_payload_pkt;
		anchor = &g->anchor_pkt;
	}
	if (anchor->n_pos || anchor->n_floats)
		det_anchor_scan(t, anchor, data, len);
	for (uint32_t k = 0; k < n; k++) {
		struct det_scan_ctx s = { t, &mpm[k] };
		t->stats.mpm_scans++;
		hs_scan(t->e->dbs[mpm[k].db].db, (const char *)data, len, 0, t->scratch,
			det_hs_on_match, &s);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Candidates into engine order: a packet has a handful, for which an insertion sort beats
 * qsort (glibc's allocates and merges); long lists still go to qsort. */
static void cand_sort(uint32_t *c, uint32_t n)
{
	if (n > 32) {
		qsort(c, n, sizeof(*c), cmp_u32);
		return;
	}
	for (uint32_t i = 1; i < n; i++) {
		uint32_t v = c[i], j = i;
		for (; j > 0 && c[j - 1] > v; j--)
			c[j] = c[j - 1];
		c[j] = v;
	}
}

/* ---- one rule ---------------------------------------------------------------------------- */

/* An event list holds `ev` (decoder events or stream events of the packet). */
static inline bool event_seen(const uint16_t *events, uint8_t n, uint16_t ev)
{
	for (uint8_t k = 0; k < n && k < PKT_MAX_EVENTS; k++)
		if (events[k] == ev)
			return true;
	return false;
}

bool det_pops_cheap(const struct det_rule *dr, const struct packet *p, bool stream)
{
	for (uint16_t i = 0; i < dr->n_pops; i++) {
		const struct det_pop *op = &dr->pops[i];
		switch (op->type) {
		case DET_POP_HEADER:
			if (!detect_header_match(op->m, p))
				return false;
			break;
		case DET_POP_FLOW: {
			uint32_t fl = op->m->u.flow;
			if (stream && (fl & RULE_FLOW_ONLY_STREAM))
				fl &= ~(uint32_t)RULE_FLOW_ONLY_STREAM;
			if (!detect_flow_match(fl, p))
				return false;
			break;
		}
		case DET_POP_DECODE_EVENT:
			if (event_seen(p->events, p->event_count, op->event) == op->negated)
				return false;
			break;
		case DET_POP_STREAM_EVENT:
			if (event_seen(p->stream_events, p->stream_event_count, op->event) ==
			    op->negated)
				return false;
			break;
		default:
			break;
		}
	}
	return true;
}

bool det_pops_state(struct detect_thread *t, const struct det_rule *dr, const struct packet *p)
{
	for (uint16_t i = 0; i < dr->n_pops; i++) {
		const struct det_pop *op = &dr->pops[i];
		if (op->type == DET_POP_BITS && detect_bits_is_condition(&op->u.bits)) {
			if (!detect_bits_check(&op->u.bits, p, t->hosts))
				return false;
		} else if (op->type == DET_POP_FLOWINT) {
			if (!detect_flowint_eval(&op->u.fi, p))
				return false;
		}
	}
	return true;
}

static bool rule_match(struct detect_thread *t, const struct det_rule *dr, const struct packet *p)
{
	if (dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY)) {
		t->app_pending++;
		return false;
	}
	if (dr->tcp_flags_ok && (p->ip_proto != 6 || !p->l4_hdr ||
				 !(dr->tcp_flags_ok[p->tcp_flags >> 6] >> (p->tcp_flags & 63) & 1)))
		return false;
	if (!det_header_match(dr, p) || !det_pops_cheap(dr, p, false))
		return false;
	t->n_cap = 0;
	if (dr->payload.n_ops || dr->n_other)
		det_rule_begin(t);
	/* packet-header buffers (ipv4.hdr, tcp.hdr, ...); app-layer ones never get here */
	for (uint16_t i = 0; i < dr->n_other; i++) {
		const uint8_t *d;
		uint32_t n;
		if (!detect_hdr_buffer(p, rules_buffer_hdr_kind(dr->other[i].buffer), &d, &n) ||
		    !det_inspect_buffer(t, dr, &dr->other[i], d, n, p))
			return false;
	}
	if (dr->payload.n_ops) {
		if (!p->payload || !p->payload_len)
			return false;
		if (!det_inspect_buffer(t, dr, &dr->payload, p->payload, p->payload_len, p))
			return false;
	}
	return det_pops_state(t, dr, p);
}

static void post_match(struct detect_thread *t, const struct det_rule *dr, struct packet *p)
{
	if (t->n_cap)
		det_captures_commit(t, p->flow);
	if (!(dr->flags & DR_F_BITS_ACTION))
		return;
	for (uint16_t i = 0; i < dr->n_pops; i++) {
		const struct det_pop *op = &dr->pops[i];
		if (op->type == DET_POP_BITS && !detect_bits_is_condition(&op->u.bits))
			detect_bits_apply(&op->u.bits, p, t->hosts);
	}
}

void detect_packet(struct detect_thread *t, struct packet *p, struct detect_result *res)
{
	detect_result_reset(res);
	if (!t || !p)
		return;
	const struct detect_engine *e = t->e;
	struct flow *f = p->flow;
	t->stats.packets++;
	if (f && (f->flags & FLOW_F_PASS))
		return;
	/* A malformed packet (no IP layer, or a broken layer above it) is still inspected when
	 * it raised decoder events, as in Suricata: that is what decode-event rules are for. */
	if ((!p->ip_version || (p->flags & PKT_F_INVALID)) && !p->event_count)
		return;
	const struct det_group *g = det_group_lookup(e, p);
	if (!g) {
		if (t->stream_pkt_hits && f)
			det_stream_pkt_hits_clear(t, f, p->flow_dir);
		return;
	}
	t->n_cand = 0;
	if (e->aidx.used) {
		addr_index_lookup(t, &p->src);
		addr_index_lookup(t, &p->dst);
	}
	candidates_collect(t, g, p, p->payload, p->payload ? p->payload_len : 0);
	if (t->n_cand > 1)
		cand_sort(t->cand, t->n_cand);
	/* walk the prefilter hits and the group's always-checked rules together, in engine
	 * order (the two lists are disjoint: a rule either has a fast pattern or not) */
	uint32_t ci = 0, ni = 0;
	while (ci < t->n_cand || ni < g->n_nompm) {
		uint32_t idx;
		if (ni >= g->n_nompm || (ci < t->n_cand && t->cand[ci] < g->nompm[ni]))
			idx = t->cand[ci++];
		else
			idx = g->nompm[ni++];
		const struct det_rule *dr = &e->rules[idx];
		t->stats.rules_checked++;
		/* stream model (stream-inspect.c): TCP payload rules see the stream */
		if (t->stream_added && p->ip_proto == 6 && e->pend &&
		    ((e->pend->stream_bits[idx >> 6] >> (idx & 63)) & 1) &&
		    (!(dr->flags & DR_F_STREAM_PKT) ||
		     (t->stream_pkt_hits && det_stream_pkt_hit(f, p->flow_dir, idx))))
			continue; /* (packet too for anchored contents, unless the stream matched) */
		if (!rule_match(t, dr, p))
			continue;
		post_match(t, dr, p);
		enum detect_action action = detect_action_from_rule(dr->r->action);
		enum detect_thr_result thr = detect_threshold_apply(t->thr, dr->r, p, &action);
		if (thr == DETECT_THR_DISCARD) {
			t->stats.thresholded++;
			continue;
		}
		uint32_t flags = 0;
		if (dr->flags & DR_F_NOALERT)
			flags |= DETECT_ALERT_F_NOALERT;
		if (dr->flags & DR_F_FLOW_SCOPE)
			flags |= DETECT_ALERT_F_FLOW_SCOPE;
		if (thr == DETECT_THR_SUPPRESS) {
			/* not logged, but a drop/reject/pass still acts */
			t->stats.suppressed++;
			flags |= DETECT_ALERT_F_NOALERT;
		}
		if (thr == DETECT_THR_RATE_CHANGED)
			flags |= DETECT_ALERT_F_RATE_CHANGED;
		detect_result_add(res, &e->order, e->rs, dr->r, action, flags, 0);
		if (!(flags & DETECT_ALERT_F_NOALERT))
			t->stats.alerts++;
		if (action == DETECT_ACTION_PASS)
			break; /* a pass rule ends inspection of the packet */
	}
	for (uint32_t i = 0; i < t->n_cand; i++)
		t->cand_bits[t->cand[i] >> 6] = 0;
	t->n_cand = 0;
	if (t->stream_pkt_hits && f)
		det_stream_pkt_hits_clear(t, f, p->flow_dir);
	detect_result_finalize(res, &e->order, f, e->cfg.simulate_ips);
}
