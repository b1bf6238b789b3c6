/*
 * pending.c — the index of the rules the packet loop leaves to later stages (see tx-int.h):
 * each such rule's kind (transaction, app-gated packet/stream, stream-only), its app-layer
 * buffers with the direction each one is read from, its transaction keywords, and per part the
 * ones without a fast pattern (the parts' Hyperscan databases already hold the others: one per
 * app-layer buffer, and DET_BUF_PENDING_PAYLOAD for their payload patterns). Also the helpers
 * tx-inspect.c and stream-inspect.c share (rule checks, alerts, candidates).
 *
 * Nothing here calls into the app-layer library: the engine build stays linkable without it.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/tx-int.h"

static const char *const det_app_buf_names[] = {
#define DET_APP_BUF_NAME(id, name) name,
	APP_BUFFERS(DET_APP_BUF_NAME)
#undef DET_APP_BUF_NAME
};

static int app_buf_of(uint16_t rules_buf)
{
	const char *n = rules_buffer_name(rules_buf);
	if (!n)
		return -1;
	for (size_t i = 0; i < sizeof(det_app_buf_names) / sizeof(det_app_buf_names[0]); i++)
		if (strcmp(det_app_buf_names[i], n) == 0)
			return (int)i;
	return -1;
}

/* The message a buffer reads (Suricata registers each buffer for one or both directions). */
static uint8_t buf_side(int b)
{
	switch (b) {
	case APP_BUF_HTTP_URI: case APP_BUF_HTTP_URI_RAW: case APP_BUF_HTTP_METHOD:
	case APP_BUF_HTTP_REQUEST_LINE: case APP_BUF_HTTP_REQUEST_BODY: case APP_BUF_HTTP_USER_AGENT:
	case APP_BUF_HTTP_HOST: case APP_BUF_HTTP_HOST_RAW: case APP_BUF_HTTP_ACCEPT:
	case APP_BUF_HTTP_ACCEPT_ENC: case APP_BUF_HTTP_ACCEPT_LANG: case APP_BUF_HTTP_REFERER:
	case APP_BUF_HTTP_CONNECTION: case APP_BUF_HTTP_REQUEST_HEADER: case APP_BUF_DNS_QUERY:
	case APP_BUF_TLS_SNI: case APP_BUF_JA3_HASH: case APP_BUF_JA3_STRING: case APP_BUF_JA4_HASH:
		return FLOW_DIR_TO_SERVER;
	case APP_BUF_HTTP_RESPONSE_BODY: case APP_BUF_HTTP_RESPONSE_LINE: case APP_BUF_HTTP_SERVER:
	case APP_BUF_HTTP_LOCATION: case APP_BUF_HTTP_STAT_CODE: case APP_BUF_HTTP_STAT_MSG:
	case APP_BUF_HTTP_RESPONSE_HEADER: case APP_BUF_DNS_ANSWER_NAME:
	case APP_BUF_TLS_CERT_SUBJECT: case APP_BUF_TLS_CERT_ISSUER: case APP_BUF_TLS_CERT_SERIAL:
	case APP_BUF_TLS_CERT_FINGERPRINT: case APP_BUF_TLS_CERTS: case APP_BUF_TLS_SUBJECTALTNAME:
	case APP_BUF_JA3S_HASH: case APP_BUF_JA3S_STRING:
		return FLOW_DIR_TO_CLIENT;
	default:
		return DET_SIDE_BOTH;
	}
}

static uint8_t proto_of_name(const char *n)
{
	if (!n)
		return APP_PROTO_UNKNOWN;
	if (strcmp(n, "http") == 0 || strcmp(n, "http1") == 0)
		return APP_PROTO_HTTP;
	if (strcmp(n, "dns") == 0)
		return APP_PROTO_DNS;
	if (strcmp(n, "tls") == 0 || strcmp(n, "ssl") == 0)
		return APP_PROTO_TLS;
	if (strcmp(n, "ssh") == 0)
		return APP_PROTO_SSH;
	return APP_PROTO_MAX; /* a protocol aegis has no parser for: never matches */
}

static bool kw_is(const struct rule_match *m, const char *n)
{
	return m->kw && strcmp(m->kw->name, n) == 0;
}

/* Only app-layer-protocol keywords and at most a flow direction: Suricata's "PD-only" rule. */
static bool pd_only_pops(const struct det_rule *dr)
{
	for (uint16_t i = 0; i < dr->n_pops; i++) {
		const struct rule_match *m = dr->pops[i].m;
		if (kw_is(m, "app-layer-protocol"))
			continue;
		if (kw_is(m, "flow") &&
		    !(m->u.flow & ~(uint32_t)(RULE_FLOW_TO_SERVER | RULE_FLOW_TO_CLIENT)))
			continue;
		return false;
	}
	return true;
}

/* Does a rule need packet properties the stream does not have? */
static bool needs_packet(const struct det_rule *dr)
{
	const struct rule *r = dr->r;
	if (r->proto != RULE_PROTO_TCP || (r->proto_flags & RULE_PF_TCP_PKT) || dr->b64.n_ops ||
	    dr->n_other || (r->flow & RULE_FLOW_NO_STREAM))
		return true;
	for (uint32_t i = 0; i < dr->payload.n_ops; i++)
		if (dr->payload.ops[i].type == DET_OP_DSIZE ||
		    dr->payload.ops[i].type == DET_OP_BASE64_DECODE)
			return true;
	/* dsize and flags make a rule a packet rule in Suricata (SIG_FLAG_REQUIRE_PACKET): the
	 * payload of a SYN carrying data (TCP Fast Open) is inspected with flags:S */
	for (uint16_t i = 0; i < dr->n_pops; i++)
		if (kw_is(dr->pops[i].m, "dsize") || kw_is(dr->pops[i].m, "flags"))
			return true;
	return false;
}

bool det_rule_stream_inspected(const struct det_rule *dr)
{
	return !(dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY)) && dr->payload.n_ops &&
	       !needs_packet(dr);
}

/*
 * Suricata also inspects the packet payload of such a rule when one of its payload contents is
 * anchored (offset, depth or startswith: positions in a packet, not in the stream), for a
 * packet on which the stream gave it no match. It can then alert on the packet and again on
 * the stream data once that is inspected.
 */
bool det_rule_stream_packet(const struct det_rule *dr)
{
	if (!det_rule_stream_inspected(dr))
		return false;
	for (uint32_t i = 0; i < dr->payload.n_ops; i++) {
		const struct det_op *op = &dr->payload.ops[i];
		if (op->type == DET_OP_CONTENT &&
		    (op->m->u.content.flags & (RULE_CF_OFFSET | RULE_CF_DEPTH | RULE_CF_STARTSWITH)))
			return true;
	}
	return false;
}

/* How far back a match of the payload program can reach (contents and their gaps). */
static uint32_t prog_reach(const struct det_prog *prog)
{
	uint64_t reach = 0;
	for (uint32_t i = 0; i < prog->n_ops; i++) {
		const struct det_op *op = &prog->ops[i];
		if (op->type != DET_OP_CONTENT) {
			reach += 256; /* pcre / byte_*: some room */
			continue;
		}
		const struct rule_content *c = &op->m->u.content;
		reach += c->len;
		if ((c->flags & RULE_CF_WITHIN) && c->within.var < 0 && c->within.value > 0)
			reach += (uint32_t)c->within.value;
		else if ((c->flags & RULE_CF_DISTANCE) && c->distance.var < 0 &&
			 c->distance.value > 0)
			reach += (uint32_t)c->distance.value;
	}
	return reach > DET_STREAM_WINDOW ? DET_STREAM_WINDOW : (uint32_t)reach;
}

static int prule_build(const struct det_rule *dr, struct det_prule *pr)
{
	const struct rule *r = dr->r;
	pr->app_proto = proto_of_name(r->app_proto);
	pr->reach = prog_reach(&dr->payload);
	if (dr->n_other) {
		pr->bufs = calloc(dr->n_other, sizeof(*pr->bufs));
		if (!pr->bufs)
			return -1;
	}
	uint8_t sides = 0; /* bit 0: a request-only buffer, bit 1: a response-only one */
	for (uint16_t i = 0; i < dr->n_other && i < 255; i++) {
		if (rules_buffer_hdr_kind(dr->other[i].buffer) != RULES_HDR_NONE)
			continue;
		struct det_pbuf *b = &pr->bufs[pr->n_bufs++];
		b->prog = i;
		b->app_buf = (int16_t)app_buf_of(dr->other[i].buffer);
		b->side = b->app_buf >= 0 ? buf_side(b->app_buf) : DET_SIDE_BOTH;
		if (dr->other[i].dir == RULE_BUFDIR_TO_SERVER)
			b->side = FLOW_DIR_TO_SERVER;
		else if (dr->other[i].dir == RULE_BUFDIR_TO_CLIENT)
			b->side = FLOW_DIR_TO_CLIENT;
		if (b->side != DET_SIDE_BOTH)
			sides |= 1u << b->side;
		if (pr->app_proto == APP_PROTO_UNKNOWN && b->app_buf >= 0)
			pr->app_proto = b->app_buf == APP_BUF_FILE_DATA ||
						b->app_buf == APP_BUF_FILE_NAME ||
						!strncmp(det_app_buf_names[b->app_buf], "http.", 5)
					? APP_PROTO_HTTP
				: !strncmp(det_app_buf_names[b->app_buf], "dns.", 4) ? APP_PROTO_DNS
				: !strncmp(det_app_buf_names[b->app_buf], "ssh.", 4) ? APP_PROTO_SSH
										      : APP_PROTO_TLS;
	}
	pr->kws = calloc(dr->n_pops ? dr->n_pops : 1, sizeof(*pr->kws));
	if (!pr->kws)
		return -1;
	bool tx_kw = false;
	for (uint16_t i = 0; i < dr->n_pops; i++) {
		const struct rule_match *m = dr->pops[i].m;
		if (!m->kw || (m->kw->kind != RULES_KW_APP && !kw_is(m, "app-layer-event")))
			continue;
		struct det_txkw *k = &pr->kws[pr->n_kws++];
		k->m = m;
		if (kw_is(m, "urilen")) {
			k->type = DET_TXKW_URILEN;
			sides |= 1;
			if (pr->app_proto == APP_PROTO_UNKNOWN)
				pr->app_proto = APP_PROTO_HTTP;
		} else if (kw_is(m, "dns.opcode")) {
			k->type = DET_TXKW_DNS_OPCODE;
		} else if (kw_is(m, "dns.rrtype")) {
			k->type = DET_TXKW_DNS_RRTYPE;
		} else if (kw_is(m, "tls.version")) {
			k->type = DET_TXKW_TLS_VERSION;
		} else if (kw_is(m, "app-layer-event")) {
			k->type = DET_TXKW_EVENT;
			k->negated = m->u.name.negated;
			const char *n = m->u.name.name ? m->u.name.name : "";
			/* generic detection events are flow-level (packet inspection) */
			if (strncmp(n, "applayer_", 9) != 0)
				tx_kw = true;
			continue;
		} else if (kw_is(m, "app-layer-protocol")) {
			k->type = DET_TXKW_ALPROTO;
			k->negated = m->u.name.negated;
			continue;
		} else {
			k->type = DET_TXKW_UNSUPPORTED;
		}
		tx_kw = true;
	}
	if (dr->flags & DR_F_STREAM_ONLY)
		pr->kind = DET_PK_STREAM;
	else if (pr->n_bufs || tx_kw)
		pr->kind = DET_PK_TX;
	/* A rule that names an app-layer protocol but inspects none of its buffers ("alert http
	 * any any -> any any (msg; sid)") is a packet rule on that protocol's flows, as in
	 * Suricata: it can alert on every packet once the protocol is known. */
	else
		pr->kind = DET_PK_APP_PKT;
	if (pr->kind == DET_PK_APP_PKT && pr->n_kws && pr->app_proto == APP_PROTO_UNKNOWN &&
	    !dr->payload.n_ops)
		pr->pd_only = pd_only_pops(dr);
	if (dr->dir != DET_DIR_BOTH)
		pr->txdir = dr->dir;
	else if ((sides & 2) || r->dir == RULE_DIR_TX)
		/* a transactional rule (=>) matches once request and response are there */
		pr->txdir = FLOW_DIR_TO_CLIENT;
	else if (sides & 1)
		pr->txdir = FLOW_DIR_TO_SERVER;
	else
		pr->txdir = DET_DIR_BOTH;
	return 0;
}

int det_pending_build(struct detect_engine *e)
{
	struct det_pending *pd = calloc(1, sizeof(*pd));
	if (!pd)
		return -1;
	e->pend = pd;
	pd->rules = calloc(e->n_rules ? e->n_rules : 1, sizeof(*pd->rules));
	pd->stream_bits = calloc((e->n_rules + 63) / 64 + 1, sizeof(uint64_t));
	pd->part_tx_payload = calloc(DET_NPARTS, sizeof(bool));
	if (!pd->rules || !pd->stream_bits || !pd->part_tx_payload)
		return -1;

	for (int k = 0; k < 3; k++) {
		pd->part_n[k] = calloc(DET_NPARTS, sizeof(uint32_t));
		pd->part_nompm[k] = calloc(DET_NPARTS, sizeof(uint32_t *));
		if (!pd->part_n[k] || !pd->part_nompm[k])
			return -1;
	}
	for (uint32_t i = 0; i < e->n_rules; i++) {
		const struct det_rule *dr = &e->rules[i];
		struct det_prule *pr = &pd->rules[i];
		if (dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY)) {
			if (prule_build(dr, pr) < 0)
				return -1;
			/* transaction rules too: their payload part is matched on the window */
			if (dr->payload.n_ops && pr->reach > pd->window)
				pd->window = pr->reach;
		} else if (det_rule_stream_inspected(dr)) {
			pd->stream_bits[i >> 6] |= 1ull << (i & 63);
			pr->reach = prog_reach(&dr->payload);
			if (pr->reach > pd->window)
				pd->window = pr->reach;
		}
	}
	for (uint32_t pi = 0; pi < DET_NPARTS && e->parts; pi++) {
		const struct det_part *p = &e->parts[pi];
		if (!p->used)
			continue;
		for (uint32_t k = 0; k < p->n_rules; k++) {
			const struct det_rule *dr = &e->rules[p->all[k]];
			uint8_t kind = pd->rules[p->all[k]].kind;
			if ((dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY)) &&
			    !(dr->flags & DR_F_HAS_MPM) && kind >= DET_PK_TX &&
			    kind <= DET_PK_STREAM) {
				uint32_t **l = &pd->part_nompm[kind - 1][pi];
				if (!*l && !(*l = calloc(p->n_rules, sizeof(uint32_t))))
					return -1;
				(*l)[pd->part_n[kind - 1][pi]++] = p->all[k];
			}
		}
		for (uint16_t k = 0; k < p->n_mpm; k++) {
			const struct det_mpm *m = &p->mpm[k];
			if (m->buffer != DET_BUF_PENDING_PAYLOAD || !m->n_pats)
				continue;
			for (uint32_t j = 0; j < m->pat_off[m->n_pats]; j++)
				if (pd->rules[m->pat_rules[j]].kind == DET_PK_TX)
					pd->part_tx_payload[pi] = true;
		}
	}
	return 0;
}

void det_pending_free(struct detect_engine *e)
{
	struct det_pending *pd = e->pend;
	if (!pd)
		return;
	if (pd->rules) {
		for (uint32_t i = 0; i < e->n_rules; i++) {
			free(pd->rules[i].bufs);
			free(pd->rules[i].kws);
		}
	}
	for (int k = 0; k < 3; k++) {
		if (pd->part_nompm[k])
			for (uint32_t i = 0; i < DET_NPARTS; i++)
				free(pd->part_nompm[k][i]);
		free(pd->part_nompm[k]);
		free(pd->part_n[k]);
	}
	free(pd->stream_bits);
	free(pd->part_tx_payload);
	free(pd->rules);
	free(pd);
	e->pend = NULL;
}

bool det_x_in_result(const struct detect_result *res, const struct rule *r)
{
	for (uint32_t i = 0; i < res->n_alerts; i++)
		if (res->alerts[i].rule == r)
			return true;
	return false;
}

bool det_x_alert(struct detect_thread *t, const struct det_rule *dr, struct packet *p,
		 struct detect_result *res, uint32_t flags, uint64_t tx_id)
{
	const struct detect_engine *e = t->e;
	if (t->n_cap)
		det_captures_commit(t, p->flow);
	if (dr->flags & DR_F_BITS_ACTION) {
		for (uint16_t i = 0; i < dr->n_pops; i++) {
			const struct det_pop *op = &dr->pops[i];
			if (op->type == DET_POP_BITS && !detect_bits_is_condition(&op->u.bits))
				detect_bits_apply(&op->u.bits, p, t->hosts);
		}
	}
	enum detect_action action = detect_action_from_rule(dr->r->action);
	enum detect_thr_result thr = detect_threshold_apply(t->thr, dr->r, p, &action);
	if (thr == DETECT_THR_DISCARD) {
		t->stats.thresholded++;
		return false;
	}
	if (dr->flags & DR_F_NOALERT)
		flags |= DETECT_ALERT_F_NOALERT;
	if (thr == DETECT_THR_SUPPRESS) {
		t->stats.suppressed++;
		flags |= DETECT_ALERT_F_NOALERT;
	}
	if (thr == DETECT_THR_RATE_CHANGED)
		flags |= DETECT_ALERT_F_RATE_CHANGED;
	detect_result_add(res, &e->order, e->rs, dr->r, action, flags, tx_id);
	if (!(flags & DETECT_ALERT_F_NOALERT))
		t->stats.alerts++;
	return true;
}

void det_x_cand_add(struct detect_thread *t, uint32_t rule)
{
	det_cand_add(t, rule);
}

void det_x_scan(struct detect_thread *t, const struct det_mpm *mpm, const uint8_t *data,
		uint32_t len)
{
	if (!len || !t->scratch || mpm->db == UINT32_MAX || !t->e->dbs[mpm->db].db)
		return;
	struct det_scan_ctx s = { t, mpm };
	t->stats.mpm_scans++;
	hs_scan(t->e->dbs[mpm->db].db, (const char *)data, len, 0, t->scratch, det_hs_on_match, &s);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Candidates arrive from two places: Hyperscan matches (few, in any order) and the prebuilt
 * lists of rules without a fast pattern (already in rule order, possibly long). Sorting the
 * whole array each time cost more than the inspection; instead the matches are sorted alone and
 * merged with the sorted runs recorded by det_x_cand_add_sorted.
 */
void det_x_cand_add_sorted(struct detect_thread *t, const uint32_t *list, uint32_t n)
{
	if (!n)
		return;
	uint32_t *run = t->cand_sorted + t->n_sorted;
	uint32_t m = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t r = list[i];
		uint64_t bit = 1ull << (r & 63);
		if (t->cand_bits[r >> 6] & bit)
			continue;
		t->cand_bits[r >> 6] |= bit;
		run[m++] = r;
	}
	/* several sorted runs (one per part) are merged into one as they come */
	if (t->n_sorted && m) {
		uint32_t *a = t->cand_sorted, na = t->n_sorted, *out = t->cand_tmp, o = 0, i = 0,
			 j = 0;
		while (i < na && j < m)
			out[o++] = a[i] < run[j] ? a[i++] : run[j++];
		while (i < na)
			out[o++] = a[i++];
		while (j < m)
			out[o++] = run[j++];
		memcpy(a, out, o * sizeof(uint32_t));
	}
	t->n_sorted += m;
}

void det_x_cand_sort(struct detect_thread *t)
{
	if (t->n_cand > 1)
		qsort(t->cand, t->n_cand, sizeof(uint32_t), cmp_u32);
	if (!t->n_sorted)
		return;
	/* merge the sorted matches with the sorted prebuilt runs into cand */
	uint32_t *out = t->cand_tmp, o = 0, i = 0, j = 0;
	while (i < t->n_cand && j < t->n_sorted)
		out[o++] = t->cand[i] < t->cand_sorted[j] ? t->cand[i++] : t->cand_sorted[j++];
	while (i < t->n_cand)
		out[o++] = t->cand[i++];
	while (j < t->n_sorted)
		out[o++] = t->cand_sorted[j++];
	memcpy(t->cand, out, o * sizeof(uint32_t));
	t->n_cand = o;
	t->n_sorted = 0;
}

void det_x_cand_reset(struct detect_thread *t)
{
	for (uint32_t i = 0; i < t->n_cand; i++)
		t->cand_bits[t->cand[i] >> 6] = 0;
	t->n_cand = 0;
}
