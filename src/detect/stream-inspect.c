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
 * Rules with an anchored content (DR_F_STREAM_PKT) are inspected on those packets too, unless
 * the stream data delivered with the packet matched them (Suricata's fallback to the packet).
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

/*
 * Not re-scanning the window. A chunk's candidates are the rules whose fast pattern occurs
 * anywhere in window + new bytes. Scanning the window again for every chunk cost most of the
 * stream stage (the window is usually longer than the chunk), so each direction remembers,
 * per database, one occurrence (its end offset) of every pattern seen in the window; only the
 * new bytes (and the pattern length - 1 before them) are scanned. The databases report the
 * first occurrence of a pattern per scan (HS_FLAG_SINGLEMATCH), so a later occurrence may be
 * unknown: when the remembered one leaves the window, the window is searched for the pattern
 * once more (a plain search over at most DET_STREAM_WINDOW bytes, for the few patterns that
 * occurred). A database not scanned on the previous chunk, or whose list overflowed, has its
 * window scanned again. The candidates are thus exactly those of a scan of the whole buffer.
 */
#define DET_STREAM_RECS 32
#define DET_STREAM_DBS 6

struct det_stream_rec {
	const struct det_mpm *mpm;
	uint32_t pat;          /* pattern id in mpm */
	uint64_t end;          /* stream offset just after a known occurrence */
};

struct det_stream_dir {
	uint32_t len;          /* bytes in win */
	uint64_t end;          /* stream offset just after win */
	uint8_t n_known;       /* databases whose patterns in win are all in rec */
	uint8_t n_rec;
	const struct det_mpm *known[DET_STREAM_DBS];
	struct det_stream_rec rec[DET_STREAM_RECS];
	uint8_t win[DET_STREAM_WINDOW];
};

struct det_stream_flow {
	const struct detect_engine *e; /* the engine whose databases rec points into */
	struct det_stream_dir dir[2];
};

bool det_stream_window(struct flow *f, uint8_t dir, const uint8_t **data, uint32_t *len)
{
	void **slot = f && dir <= FLOW_DIR_TO_CLIENT ? det_flow_stream_slot(f) : NULL;
	const struct det_stream_flow *sf = slot ? *slot : NULL;
	if (!sf || !sf->dir[dir].len)
		return false;
	*data = sf->dir[dir].win;
	*len = sf->dir[dir].len;
	return true;
}

void detect_flow_reverse(struct flow *f)
{
	/* no state yet: nothing to exchange (and none to allocate) */
	void **slot = f && f->detect ? det_flow_stream_slot(f) : NULL;
	struct det_stream_flow *sf = slot ? *slot : NULL;
	if (!sf)
		return;
	struct det_stream_dir d = sf->dir[0];
	sf->dir[0] = sf->dir[1];
	sf->dir[1] = d;
}

void detect_set_stream_chunk(struct detect_thread *t, const struct stream_chunk *c)
{
	if (t)
		t->chunk = c;
}

void detect_set_stream_added(struct detect_thread *t, bool added)
{
	if (t)
		t->stream_added = added;
}

/* App-gated rules: the flow's protocol and app-layer-protocol keywords. */
static bool app_gate(const struct det_prule *pr, const struct flow *f, uint8_t dir)
{
	enum app_proto fp = f ? app_flow_proto(f) : APP_PROTO_UNKNOWN;
	if (pr->app_proto != APP_PROTO_UNKNOWN && pr->app_proto != fp)
		return false;
	for (uint8_t i = 0; i < pr->n_kws; i++) {
		const struct det_txkw *k = &pr->kws[i];
		if (k->type == DET_TXKW_ALPROTO) {
			if (!f || !det_alproto_match(k->m, f, dir))
				return false;
		} else {
			return false; /* generic app-layer events: not evaluated on packets yet */
		}
	}
	return true;
}

/* Which rules a stream chunk inspects, and with what gate. */
static bool stream_rule(const struct detect_engine *e, uint32_t idx, const struct flow *f,
			uint8_t dir)
{
	if (det_pending_stream_rule(e, idx))
		return true;
	const struct det_rule *dr = &e->rules[idx];
	const struct det_prule *pr = &e->pend->rules[idx];
	if (!(dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY)) || !dr->payload.n_ops)
		return false;
	if (pr->kind == DET_PK_STREAM)
		return dr->r->proto == RULE_PROTO_TCP || dr->r->proto == RULE_PROTO_IP;
	return pr->kind == DET_PK_APP_PKT && !pr->pd_only && app_gate(pr, f, dir);
}

/* One chunk's scan state: the direction's memory, where buf starts in the stream, and the
 * databases scanned so far (the next chunk's known set). */
struct stream_scan {
	struct detect_thread *t;
	struct det_stream_dir *sd;
	const struct det_mpm *mpm;
	uint64_t base;         /* stream offset of buf[0] */
	uint64_t scan_base;    /* stream offset of the first byte handed to hs_scan */
	uint8_t n_scanned;
	bool overflow[DET_STREAM_DBS];
	const struct det_mpm *scanned[DET_STREAM_DBS];
};

static void stream_cand_pattern(struct detect_thread *t, const struct det_mpm *mpm, uint32_t id)
{
	t->stats.mpm_matches++;
	for (uint32_t k = mpm->pat_off[id]; k < mpm->pat_off[id + 1]; k++)
		det_x_cand_add(t, mpm->pat_rules[k]);
}

/* Remember an occurrence of pattern id ending at `end`; false when the list is full. */
static bool stream_rec_note(struct det_stream_dir *sd, const struct det_mpm *mpm, uint32_t id,
			    uint64_t end)
{
	for (uint8_t i = 0; i < sd->n_rec; i++) {
		struct det_stream_rec *r = &sd->rec[i];
		if (r->mpm == mpm && r->pat == id) {
			if (end > r->end)
				r->end = end;
			return true;
		}
	}
	if (sd->n_rec == DET_STREAM_RECS)
		return false;
	sd->rec[sd->n_rec++] = (struct det_stream_rec){ mpm, id, end };
	return true;
}

static int stream_on_match(unsigned int id, unsigned long long from, unsigned long long to,
			   unsigned int flags, void *ctx)
{
	(void)from;
	(void)flags;
	struct stream_scan *s = ctx;
	if (id >= s->mpm->n_pats)
		return 0;
	stream_cand_pattern(s->t, s->mpm, id);
	if (!stream_rec_note(s->sd, s->mpm, id, s->scan_base + to))
		s->overflow[s->n_scanned] = true;
	return 0;
}

static inline uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* End (exclusive, in data) of the last occurrence of pat in data, or 0 when there is none.
 * The first byte's cases are located with memrchr (vectorised), from the end backwards. */
static uint32_t last_occurrence(const uint8_t *data, uint32_t n, const uint8_t *pat,
				uint32_t plen, bool nocase)
{
	if (!plen || plen > n)
		return 0;
	uint8_t lo = nocase ? ascii_lower(pat[0]) : pat[0];
	uint8_t up = nocase && lo >= 'a' && lo <= 'z' ? (uint8_t)(lo - 32) : lo;
	size_t lim = n - plen + 1; /* an occurrence starts below lim */
	const uint8_t *pl = memrchr(data, lo, lim);
	const uint8_t *pu = up != lo ? memrchr(data, up, lim) : NULL;
	while (pl || pu) {
		bool from_lo = pl && (!pu || pl > pu);
		const uint8_t *c = from_lo ? pl : pu;
		uint32_t j = 1;
		if (nocase) {
			while (j < plen && ascii_lower(c[j]) == ascii_lower(pat[j]))
				j++;
		} else {
			while (j < plen && c[j] == pat[j])
				j++;
		}
		if (j == plen)
			return (uint32_t)(c - data) + plen;
		if (from_lo)
			pl = memrchr(data, lo, (size_t)(c - data));
		else
			pu = memrchr(data, up, (size_t)(c - data));
	}
	return 0;
}

/* The window's known occurrences of mpm's patterns as candidates; an occurrence that left the
 * window is looked for again in it (buf[0, old) is the window). */
static void stream_rec_replay(struct stream_scan *s, const struct det_mpm *mpm,
			      const uint8_t *buf, uint32_t old)
{
	struct det_stream_dir *sd = s->sd;
	const struct detect_engine *e = s->t->e;
	for (uint8_t i = 0; i < sd->n_rec;) {
		struct det_stream_rec *r = &sd->rec[i];
		if (r->mpm != mpm) {
			i++;
			continue;
		}
		const struct det_rule *dr = &e->rules[mpm->pat_rules[mpm->pat_off[r->pat]]];
		const uint8_t *pat;
		uint32_t plen;
		bool nocase;
		det_fast_pattern_bytes(dr, &pat, &plen, &nocase);
		if (r->end < s->base + plen) {
			uint32_t end = last_occurrence(buf, old, pat, plen, nocase);
			if (!end) {
				sd->rec[i] = sd->rec[--sd->n_rec];
				continue;
			}
			r->end = s->base + end;
		}
		stream_cand_pattern(s->t, mpm, r->pat);
		i++;
	}
}

static void stream_rec_drop(struct det_stream_dir *sd, const struct det_mpm *mpm)
{
	for (uint8_t i = 0; i < sd->n_rec;)
		if (sd->rec[i].mpm == mpm)
			sd->rec[i] = sd->rec[--sd->n_rec];
		else
			i++;
}

/* Candidates of one database over buf: the new bytes scanned, the window's occurrences
 * replayed (or the whole buffer scanned when the window's occurrences are not known). */
static void stream_scan_db(struct stream_scan *s, const struct det_mpm *mpm, const uint8_t *buf,
			   uint32_t len, uint32_t old)
{
	struct detect_thread *t = s->t;
	struct det_stream_dir *sd = s->sd;
	if (!len || !t->scratch || mpm->db == UINT32_MAX || !t->e->dbs[mpm->db].db ||
	    s->n_scanned == DET_STREAM_DBS)
		return;
	for (uint8_t i = 0; i < s->n_scanned; i++)
		if (s->scanned[i] == mpm)
			return; /* the same database twice in one group */
	bool known = false;
	for (uint8_t i = 0; i < sd->n_known && old; i++)
		known |= sd->known[i] == mpm;
	uint32_t from = 0;
	if (known) {
		stream_rec_replay(s, mpm, buf, old);
		uint32_t back = mpm->max_len ? mpm->max_len - 1 : 0;
		from = old - (old < back ? old : back);
	} else {
		stream_rec_drop(sd, mpm);
	}
	s->mpm = mpm;
	s->scan_base = s->base + from;
	s->overflow[s->n_scanned] = false;
	t->stats.mpm_scans++;
	hs_scan(t->e->dbs[mpm->db].db, (const char *)buf + from, len - from, 0, t->scratch,
		stream_on_match, s);
	s->scanned[s->n_scanned++] = mpm;
}

static void stream_candidates(struct stream_scan *s, const struct det_group *g,
			      const uint8_t *buf, uint32_t len, uint32_t old)
{
	struct detect_thread *t = s->t;
	const struct detect_engine *e = t->e;
	/* a stream chunk's group is a TCP group: it has databases of just these patterns
	 * (det_group.stream, app-gated ones included), and a table of those that must lie near
	 * the buffer's start */
	for (uint32_t k = 0; k < g->n_stream; k++)
		stream_scan_db(s, &g->stream[k], buf, len, old);
	if (g->anchor_stream.n_pos || g->anchor_stream.n_floats)
		det_anchor_scan(t, &g->anchor_stream, buf, len);
	for (uint8_t i = 0; i < g->n_parts; i++) {
		const uint32_t *l;
		uint32_t n = det_pending_nompm(e->pend, DET_PK_STREAM, g->parts[i], &l);
		det_x_cand_add_sorted(t, l, n);
	}
	for (uint32_t k = 0; k < g->n_nompm; k++)
		if (det_pending_stream_rule(e, g->nompm[k]))
			det_x_cand_add(t, g->nompm[k]);
	/* what the next chunk may rely on: the databases scanned now whose lists are whole */
	struct det_stream_dir *sd = s->sd;
	uint8_t n = 0;
	for (uint8_t i = 0; i < s->n_scanned; i++) {
		if (s->overflow[i])
			stream_rec_drop(sd, s->scanned[i]);
		else
			sd->known[n++] = s->scanned[i];
	}
	sd->n_known = n;
	for (uint8_t i = 0; i < sd->n_rec;) {
		bool keep = false;
		for (uint8_t k = 0; k < n && !keep; k++)
			keep = sd->rec[i].mpm == sd->known[k];
		if (keep)
			i++;
		else
			sd->rec[i] = sd->rec[--sd->n_rec];
	}
}

/* Inspect buf (old bytes of the window, then new ones) for the chunk's rules. */
static void stream_inspect(struct detect_thread *t, struct packet *p, struct det_stream_dir *sd,
			   uint64_t base, const uint8_t *buf, uint32_t len, uint32_t old,
			   struct detect_result *res)
{
	const struct detect_engine *e = t->e;
	const struct det_group *g = det_group_lookup(e, p);
	if (!g) {
		sd->n_known = 0;
		sd->n_rec = 0;
		return;
	}
	t->n_cand = 0;
	struct stream_scan s = { .t = t, .sd = sd, .base = base };
	stream_candidates(&s, g, buf, len, old);
	det_x_cand_sort(t);
	for (uint32_t i = 0; i < t->n_cand; i++) {
		uint32_t idx = t->cand[i];
		const struct det_rule *dr = &e->rules[idx];
		if (!stream_rule(e, idx, p->flow, p->flow_dir) || det_x_in_result(res, dr->r))
			continue;
		t->stats.rules_checked++;
		if (!det_header_match(dr, p) || !det_pops_cheap(dr, p, true))
			continue;
		det_rule_begin(t);
		if (!det_inspect_buffer(t, dr, &dr->payload, buf, len, p))
			continue;
		if (old) {
			det_rule_begin(t);
			if (det_inspect_buffer(t, dr, &dr->payload, buf, old, p))
				continue; /* the window alone matches: not new */
		}
		if (!det_pops_state(t, dr, p))
			continue;
		if (dr->flags & DR_F_STREAM_PKT)
			det_stream_pkt_hit_note(t, p->flow, p->flow_dir, idx);
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
	struct det_stream_dir *sd = &sf->dir[c->dir];
	if (sf->e != e) {
		sf->e = e;
		sf->dir[0].n_known = sf->dir[1].n_known = 0;
		sf->dir[0].n_rec = sf->dir[1].n_rec = 0;
	}
	if (c->gap_before || sd->end != c->offset) {
		/* not contiguous with the window: start afresh */
		sd->len = 0;
		sd->n_known = 0;
		sd->n_rec = 0;
	}
	/* slices of the chunk, each behind the window (so memory per call stays bounded), in the
	 * thread's buffer */
	const uint32_t slice = DET_STREAM_SLICE;
	if (!t->stream_buf && !(t->stream_buf = malloc(DET_STREAM_WINDOW + slice)))
		goto out;
	uint8_t *buf = t->stream_buf;
	for (uint32_t pos = 0; pos < c->len;) {
		uint32_t n = c->len - pos < slice ? c->len - pos : slice;
		uint32_t old = sd->len < w ? sd->len : w;
		memcpy(buf, sd->win + sd->len - old, old);
		memcpy(buf + old, c->data + pos, n);
		stream_inspect(t, p, sd, c->offset + pos - old, buf, old + n, old, res);
		/* keep the last w bytes */
		uint32_t total = old + n, keep = total < w ? total : w;
		memcpy(sd->win, buf + total - keep, keep);
		sd->len = keep;
		pos += n;
	}
	sd->end = c->offset + c->len;
	if (res->n_alerts) {
		res->stream_data = sd->win;
		res->stream_len = sd->len;
	}
out:
	detect_result_finalize(res, &e->order, f, e->cfg.simulate_ips);
}

/* The app-gated packet rules of p: the protocol-detection-only ones (pd) or the others. */
static void app_packet_rules(struct detect_thread *t, struct packet *p, struct detect_result *res,
			     bool pd)
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
		if (pr->kind != DET_PK_APP_PKT || pr->pd_only != pd || !(dr->flags & DR_F_NEEDS_APP) ||
		    (dr->payload.n_ops && !payload_ok) || !app_gate(pr, f, p->flow_dir))
			continue;
		t->stats.rules_checked++;
		if (!det_header_match(dr, p) || !det_pops_cheap(dr, p, false))
			continue;
		det_rule_begin(t);
		if (dr->payload.n_ops &&
		    !det_inspect_buffer(t, dr, &dr->payload, p->payload, p->payload_len, p))
			continue;
		if (!det_pops_state(t, dr, p))
			continue;
		if (det_x_alert(t, dr, p, res, 0, 0) &&
		    detect_action_from_rule(dr->r->action) == DETECT_ACTION_PASS)
			break;
	}
	det_x_cand_reset(t);
out:
	detect_result_finalize(res, &e->order, f, e->cfg.simulate_ips);
}

void detect_app_packet(struct detect_thread *t, struct packet *p, struct detect_result *res)
{
	app_packet_rules(t, p, res, false);
}

void detect_app_detected(struct detect_thread *t, struct packet *p, struct detect_result *res)
{
	app_packet_rules(t, p, res, true);
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
	out->flags = PKT_F_PSEUDO;
	out->ts_usec = ts_usec;
	out->pcap_cnt = pcap_cnt;
}
