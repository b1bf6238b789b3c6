/*
 * pipeline.c — one worker's packet path: decode -> defrag -> flow -> TCP reassembly -> app-layer
 * parsers -> detection -> output. Each worker owns every table on this path (flows, fragments,
 * segments, transactions, detection state), so workers share nothing mutable; the runmodes
 * (single.c, autofp.c) only decide which worker sees which packet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runmode/runmode-int.h"

/* ---- output of the app layer ---------------------------------------------------------------- */

/* The packet to inspect and log data of direction dir with: the current packet when it goes
 * that way, else a pseudo packet of the flow (flow end, the other side's data). */
static struct packet *worker_dir_packet(const struct packet *p, struct flow *f, uint8_t dir,
					uint64_t ts, struct packet *pseudo)
{
	if (p && p->flow == f && p->flow_dir == dir)
		return (struct packet *)p;
	detect_pseudo_packet(pseudo, f, dir, ts, p ? p->pcap_cnt : 0);
	if (p && p->flow == f && (p->flags & PKT_F_HAS_ETH)) {
		/* the other direction of the same link: its MACs are the packet's, swapped (EVE
		 * ether of alerts on data the packet acknowledged) */
		pseudo->eth_src = p->eth_dst;
		pseudo->eth_dst = p->eth_src;
		pseudo->flags |= PKT_F_HAS_ETH;
	}
	return pseudo;
}

/* ---- inspection results waiting for the next packet of their direction ---------------------- */

/*
 * Suricata's timing. In IDS stream mode a direction's data is released by the other side's ACK,
 * so the app layer parses it while a packet of the opposite direction is processed; but the
 * raw-stream and transaction inspection of that direction runs on the NEXT packet travelling
 * that way (or at flow end, on a pseudo packet). Its alerts carry that packet's pcap_cnt, time
 * and flow counters, and the transaction as it is by then (the response parsed meanwhile, the
 * protocol detected). The inspection itself happens at delivery, because the chunk's bytes are
 * valid only during the call and detect_tx looks at a transaction again only when it moved on;
 * its result waits here, per flow and direction, and is logged once that packet has been
 * through the stream and app layers, before its own packet rules. Bounded: PEND_MAX_ITEMS a
 * flow direction, PEND_MEMCAP bytes a worker; beyond that a result is logged at once (the
 * direction's older ones first), as it would be without the delay.
 */
static const struct app_tx *flow_current_tx(const struct flow *f);

#define PEND_BUCKETS 4096u /* a power of two: pend_bucket keeps the top 12 bits of a hash */
#define PEND_MAX_ITEMS 64u
#define PEND_MEMCAP (8u << 20)

struct worker_pend_item {
	struct worker_pend_item *next;
	struct app_tx *tx;          /* the transaction a transaction match is about; NULL: stream */
	const struct app_tx *live;  /* tx, or the flow's newest one: must outlive the wait */
	struct detect_result r;     /* r.stream_data points at stream_copy */
	uint8_t *stream_copy;       /* the stream bytes of a stream result (they change meanwhile) */
};

struct worker_pend_flow {
	struct worker_pend_flow *next; /* bucket chain */
	const struct flow *f;
	struct worker_pend_item *head[2], *tail[2];
	uint32_t n[2];
};

static uint32_t pend_bucket(const struct flow *f)
{
	return (uint32_t)(((uint64_t)(uintptr_t)f * 0x9E3779B97F4A7C15ull) >> 52);
}

static struct worker_pend_flow **pend_find(struct worker *w, const struct flow *f)
{
	struct worker_pend_flow **pp = &w->pend[pend_bucket(f)];
	while (*pp && (*pp)->f != f)
		pp = &(*pp)->next;
	return pp;
}

/* Log direction dir's waiting results with packet dp, oldest first. */
static void pend_log_dir(struct worker *w, struct worker_pend_flow *pf, uint8_t dir,
			 const struct packet *dp)
{
	struct worker_pend_item *it = pf->head[dir];
	pf->head[dir] = pf->tail[dir] = NULL;
	pf->n[dir] = 0;
	while (it) {
		struct worker_pend_item *next = it->next;
		worker_log_verdict(w, dp, &it->r, it->tx);
		w->pend_mem -= sizeof(*it) + it->r.stream_len;
		free(it->stream_copy);
		free(it);
		it = next;
	}
}

/* Log what waits for direction dir of flow f: with p when it is a packet of f going that way,
 * else with a pseudo packet (flow end, or a result that cannot wait any longer). */
static void pend_flush(struct worker *w, const struct packet *p, struct flow *f, uint8_t dir,
		       uint64_t ts)
{
	if (!w->pend_flows)
		return;
	struct worker_pend_flow **pp = pend_find(w, f), *pf = *pp;
	if (!pf || !pf->n[dir])
		return;
	struct packet pseudo;
	pend_log_dir(w, pf, dir, worker_dir_packet(p, f, dir, ts, &pseudo));
	if (pf->n[0] || pf->n[1])
		return;
	*pp = pf->next;
	w->pend_mem -= sizeof(*pf);
	w->pend_flows--;
	free(pf);
}

/* Keep result r of direction dir for the next packet going that way; false when it is to be
 * logged now (p goes that way already, or no room: then older results were logged first). */
static bool pend_add(struct worker *w, const struct packet *p, struct flow *f, uint8_t dir,
		     const struct detect_result *r, struct app_tx *tx, uint64_t ts)
{
	if (dir > FLOW_DIR_TO_CLIENT || (p && p->flow == f && p->flow_dir == dir))
		return false;
	struct worker_pend_flow **pp = pend_find(w, f), *pf = *pp;
	size_t need = sizeof(struct worker_pend_item) + r->stream_len + (pf ? 0 : sizeof(*pf));
	struct worker_pend_item *it = NULL;
	if ((pf && pf->n[dir] >= PEND_MAX_ITEMS) || w->pend_mem + need > PEND_MEMCAP ||
	    !(it = malloc(sizeof(*it)))) {
		pend_flush(w, p, f, dir, ts);
		return false;
	}
	it->stream_copy = NULL;
	if (r->stream_len && !(it->stream_copy = malloc(r->stream_len))) {
		free(it);
		pend_flush(w, p, f, dir, ts);
		return false;
	}
	if (!pf) {
		pf = calloc(1, sizeof(*pf));
		if (!pf) {
			free(it->stream_copy);
			free(it);
			return false;
		}
		pf->f = f;
		*pp = pf;
		w->pend_flows++;
	}
	it->next = NULL;
	it->tx = tx;
	it->live = tx ? tx : flow_current_tx(f);
	it->r = *r;
	if (r->stream_len) {
		memcpy(it->stream_copy, r->stream_data, r->stream_len);
		it->r.stream_data = it->stream_copy;
	}
	if (pf->tail[dir])
		pf->tail[dir]->next = it;
	else
		pf->head[dir] = it;
	pf->tail[dir] = it;
	pf->n[dir]++;
	w->pend_mem += need;
	return true;
}

/* The app layer frees a transaction complete in both directions at its next call on the flow:
 * results about one (a transaction match, or stream data logged with the flow's newest
 * transaction) are logged before that call, with p when it goes their way, else a pseudo
 * packet. */
static void pend_before_app(struct worker *w, const struct packet *p, struct flow *f, uint64_t ts)
{
	if (!w->pend_flows)
		return;
	struct worker_pend_flow *pf = *pend_find(w, f);
	for (uint8_t dir = 0; pf && dir < 2; dir++) {
		bool freed = false;
		for (const struct worker_pend_item *it = pf->head[dir]; it && !freed; it = it->next)
			freed = it->live && app_tx_is_complete(it->live);
		if (freed) {
			bool last = pf->n[dir ^ 1] == 0;
			pend_flush(w, p, f, dir, ts);
			if (last)
				break; /* pf is gone */
		}
	}
}

/* The flow's sides were exchanged: what waits for one direction now waits for the other. */
static void pend_reverse(struct worker *w, const struct flow *f)
{
	if (!w->pend_flows)
		return;
	struct worker_pend_flow *pf = *pend_find(w, f);
	if (!pf)
		return;
	struct worker_pend_item *h = pf->head[0], *t = pf->tail[0];
	uint32_t n = pf->n[0];
	pf->head[0] = pf->head[1];
	pf->tail[0] = pf->tail[1];
	pf->n[0] = pf->n[1];
	pf->head[1] = h;
	pf->tail[1] = t;
	pf->n[1] = n;
}

/* Log r now, or keep it for the next packet of direction dir (see above). */
static void worker_emit(struct worker *w, const struct packet *p, struct flow *f, uint8_t dir,
			const struct packet *dp, const struct detect_result *r, struct app_tx *tx,
			uint64_t ts)
{
	if (!pend_add(w, p, f, dir, r, tx, ts))
		worker_log_verdict(w, dp, r, tx);
}

/* A fileinfo record for each file of tx that has ended since the last call (Suricata logs a
 * file once it is closed or truncated). */
static void worker_files_log(struct worker *w, const struct packet *p, struct flow *f,
			     struct app_tx *tx, uint64_t ts)
{
	if (!eve_config_type_enabled(&w->opts->eve, EVE_TYPE_FILES))
		return;
	for (uint8_t dir = 0; dir < 2; dir++)
		for (struct app_file *fi = app_tx_files(tx, dir); fi; fi = fi->next) {
			if (fi->state == APP_FILE_OPEN || (fi->flags & APP_FILE_F_LOGGED))
				continue;
			eve_log_fileinfo(w->eve, p, f, tx, fi, ts, &w->opts->http);
			app_file_set_logged(fi);
		}
}

/* Log what an app-layer call produced: finished HTTP transactions, DNS queries as they arrive
 * and answers as they complete, TLS sessions once their handshake is over. */
static void worker_app_log(struct worker *w, const struct packet *p, struct flow *f, uint8_t dir,
			   const struct app_result *ar, uint64_t ts)
{
	if (!w->eve)
		return;
	for (uint32_t i = 0; i < ar->n_tx; i++) {
		struct app_tx *tx = ar->txs[i].tx;
		uint8_t fl = ar->txs[i].flags;
		switch (tx->proto) {
		case APP_PROTO_HTTP:
			worker_files_log(w, p, f, tx, ts);
			if ((fl & APP_RTX_COMPLETED) && w->log_http) {
				eve_log_http(w->eve, p, f, tx, ts, &w->opts->http);
				app_tx_set_logged(tx);
			}
			break;
		case APP_PROTO_DNS:
			if (!w->log_dns)
				break;
			/* DNS records carry the message's own direction (a query from the client,
			 * an answer from the server), whichever packet released the data */
			if ((fl & APP_RTX_NEW) && dir == FLOW_DIR_TO_SERVER) {
				struct packet pseudo;
				eve_log_dns(w->eve, worker_dir_packet(p, f, FLOW_DIR_TO_SERVER, ts,
								      &pseudo),
					    f, tx, FLOW_DIR_TO_SERVER, ts, &w->opts->dns);
			}
			if ((fl & APP_RTX_COMPLETED) && tx->complete[FLOW_DIR_TO_CLIENT]) {
				struct packet pseudo;
				eve_log_dns(w->eve, worker_dir_packet(p, f, FLOW_DIR_TO_CLIENT, ts,
								      &pseudo),
					    f, tx, FLOW_DIR_TO_CLIENT, ts, &w->opts->dns);
				app_tx_set_logged(tx);
			}
			break;
		case APP_PROTO_TLS:
			if ((fl & APP_RTX_COMPLETED) && w->log_tls) {
				eve_log_tls(w->eve, p, f, tx, ts, &w->opts->tls);
				app_tx_set_logged(tx);
			}
			break;
		case APP_PROTO_SSH:
			if ((fl & APP_RTX_COMPLETED) && w->log_ssh) {
				eve_log_ssh(w->eve, p, f, tx, ts);
				app_tx_set_logged(tx);
			}
			break;
		default:
			break;
		}
	}
}

/* Transactions that are new, progressed or completed meet the app-layer rules. */
static void worker_detect_txs(struct worker *w, const struct packet *p, struct flow *f,
			      uint8_t dir, const struct app_result *ar, uint64_t ts)
{
	if (!w->detect)
		return;
	struct packet pseudo;
	struct packet *dp = worker_dir_packet(p, f, dir, ts, &pseudo);
	for (uint32_t i = 0; i < ar->n_tx; i++) {
		if (!(ar->txs[i].flags & (APP_RTX_NEW | APP_RTX_UPDATED | APP_RTX_COMPLETED)))
			continue;
		struct detect_result r;
		detect_tx(w->detect, dp, f, ar->txs[i].tx, dir, &r);
		if (r.n_alerts || r.verdict == DETECT_ACTION_DROP ||
		    r.verdict == DETECT_ACTION_REJECT)
			worker_emit(w, p, f, dir, dp, &r, ar->txs[i].tx, ts);
	}
}

/*
 * Protocol detection found that the first data of a flow picked up midstream was a response
 * (app_ctx_set_reverse): the flow's sides are exchanged in every stage, and the packet on its
 * way changes direction with them (Suricata's FlowSwap and PacketSwap).
 */
static void worker_flow_reverse(struct flow *f, void *user)
{
	struct worker *w = user;
	flow_reverse(f);
	stream_flow_reverse(f);
	detect_flow_reverse(f);
	pend_reverse(w, f);
	if (w->cur && w->cur->flow == f)
		w->cur->flow_dir ^= 1;
}

static void worker_stream_raw(struct worker *w, const struct packet *p, struct flow *f,
			      uint64_t ts);

/* Does the flow hold a transaction the app layer frees at its next call? */
static bool flow_has_complete_tx(const struct flow *f)
{
	for (const struct app_tx *t = app_flow_tx_first(f); t; t = app_flow_tx_next(t))
		if (app_tx_is_complete(t))
			return true;
	return false;
}

/* The parsers, then the transactions' inspection and logging. True when the call reversed the
 * flow (the data's direction is then dir ^ 1). */
static bool worker_app_data(struct worker *w, const struct packet *p, struct flow *f, uint8_t dir,
			    const uint8_t *data, uint32_t len, uint32_t flags, uint64_t ts)
{
	struct app_result ar;
	pend_before_app(w, p, f, ts);
	/* raw data of the packet's direction already due is inspected while the transaction it
	 * belongs to still exists (Suricata frees transactions only after detection; the app
	 * layer here frees a complete one at its next call) */
	if (w->detect && f->stream && p && p->flow == f && p->ip_proto == 6 && f->app &&
	    flow_has_complete_tx(f))
		worker_stream_raw(w, p, f, ts);
	if (app_handle_data(w->app, f, dir, data, len, flags, ts, &ar) != 0)
		return ar.reversed;
	if (ar.reversed)
		dir ^= 1;
	/* a parser finished a request/response/record: the stream stage hands that direction's
	 * held data to raw inspection on its next packet (or this one) */
	for (uint8_t d = 0; d < 2; d++)
		if (ar.raw_trigger & (1u << d))
			stream_raw_trigger(f, d);
	if (w->eve && ar.n_events)
		eve_log_app_anomalies(w->eve, p, f, &ar, ts);
	if (w->detect && ar.dirs_detected) {
		/* rules of app-layer-protocol keywords only: on the detecting packet, as Suricata */
		for (uint8_t d = 0; d < 2; d++) {
			if (!(ar.dirs_detected & (1u << d)))
				continue;
			struct packet pseudo;
			struct packet *dp = worker_dir_packet(p, f, d, ts, &pseudo);
			struct detect_result r;
			detect_app_detected(w->detect, dp, &r);
			if (r.n_alerts || r.verdict == DETECT_ACTION_DROP ||
			    r.verdict == DETECT_ACTION_REJECT)
				worker_emit(w, p, f, d, dp, &r, NULL, ts);
		}
	}
	worker_detect_txs(w, p, f, dir, &ar, ts);
	worker_app_log(w, p, f, dir, &ar, ts);
	return ar.reversed;
}

/* Raw stream inspection of a chunk: with p when it goes the chunk's way, else its result
 * waits for the next packet that does (worker_emit). */
static void worker_stream_raw_chunk(struct worker *w, const struct packet *p, struct flow *f,
				    const struct stream_chunk *c, uint64_t ts)
{
	struct packet pseudo;
	struct packet *dp = worker_dir_packet(p, f, c->dir, ts, &pseudo);
	struct detect_result r;
	detect_stream(w->detect, dp, c, &r);
	if (r.n_alerts || r.verdict == DETECT_ACTION_DROP || r.verdict == DETECT_ACTION_REJECT)
		worker_emit(w, p, f, c->dir, dp, &r, NULL, ts);
}

/* The data the stream stage held for raw inspection and now finds due (stream_raw_take, or
 * everything at the flow's end): inspected once the app layer had this packet's data, so the
 * rules see the transaction as it is now (Suricata's order: stream, app layer, detection). */
static void worker_stream_raw(struct worker *w, const struct packet *p, struct flow *f,
			      uint64_t ts)
{
	if (!w->detect || !w->stream || !f->stream)
		return;
	struct stream_result rr;
	if (p)
		stream_raw_take(w->stream, p, &rr);
	else
		stream_raw_flush(w->stream, f, &rr);
	for (uint32_t i = 0; i < rr.n; i++)
		if (rr.chunks[i].len)
			worker_stream_raw_chunk(w, p, f, &rr.chunks[i], ts);
}

/* Each chunk meets the app-layer parsers, then (when the stream stage says it is for raw
 * inspection now: inline, one-sided sessions) the stream-inspected rules. */
static void worker_stream_chunks(struct worker *w, const struct packet *p, struct flow *f,
				 const struct stream_result *sr, uint64_t ts)
{
	uint8_t flip = 0; /* the flow was reversed by an earlier chunk of this call */
	for (uint32_t i = 0; i < sr->n; i++) {
		struct stream_chunk cc = sr->chunks[i];
		const struct stream_chunk *c = &cc;
		cc.dir ^= flip;
		/* the parsers first, as Suricata's detection runs after the app layer had the
		 * data: a chunk's app-gated rules see the protocol it let the flow detect */
		if (w->app) {
			uint32_t flags = (c->gap_before ? APP_F_GAP : 0) | (c->eof ? APP_F_EOF : 0) |
					 app_flags_offset(c->offset);
			detect_set_stream_chunk(w->detect, c);
			if (worker_app_data(w, p, f, c->dir, c->data, c->len, flags, ts)) {
				flip ^= 1;
				cc.dir ^= 1;
			}
			detect_set_stream_chunk(w->detect, NULL);
		}
		if (w->detect && c->len && c->raw)
			worker_stream_raw_chunk(w, p, f, c, ts);
	}
}

/* ---- flows ending ----------------------------------------------------------------------------- */

static void worker_on_flow_end(struct flow *f, void *user)
{
	struct worker *w = user;
	/* Data still queued in reassembly reaches the parsers, and every open transaction is
	 * logged, before the flow record says goodbye. */
	if (w->stream && f->stream && !(w->ips && (f->flags & FLOW_F_DROP))) {
		struct stream_result sr;
		stream_flow_flush(w->stream, f, &sr);
		worker_stream_chunks(w, NULL, f, &sr, f->last_usec);
		worker_stream_raw(w, NULL, f, f->last_usec);
	}
	if (w->app && f->app && !(w->ips && (f->flags & FLOW_F_DROP))) {
		struct app_result ar;
		app_flow_finish(w->app, f, &ar);
		if (w->eve && ar.n_events)
			eve_log_app_anomalies(w->eve, NULL, f, &ar, f->last_usec);
		worker_detect_txs(w, NULL, f, FLOW_DIR_TO_CLIENT, &ar, f->last_usec);
		worker_app_log(w, NULL, f, FLOW_DIR_TO_CLIENT, &ar, f->last_usec);
	}
	/* what waited for a packet that will not come: Suricata's flow-end pseudo packets */
	pend_flush(w, NULL, f, FLOW_DIR_TO_SERVER, f->last_usec);
	pend_flush(w, NULL, f, FLOW_DIR_TO_CLIENT, f->last_usec);
	if (w->log_flows)
		eve_log_flow(w->eve, f);
	eve_flow_free(f);
	if (w->stream)
		stream_flow_free(w->stream, f);
	if (w->app)
		app_flow_free(w->app, f);
	detect_flow_free(f);
}

/* ---- setup ------------------------------------------------------------------------------------ */

/* EVE metadata's view of the flows' rule variables (eve_set_flow_vars_source). */
static size_t worker_flow_vars(const void *engine, const struct flow *f, struct detect_var *out,
			       size_t max)
{
	return detect_flow_vars_list(engine, f, out, max);
}

int worker_init(struct worker *w, const struct runmode_options *o, unsigned id, struct eve *eve,
		struct fast_log *fast, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	w->pkt_drop = -1;
	w->id = id;
	w->eve = eve;
	w->fast = fast;
	if (eve && o->engine)
		eve_set_flow_vars_source(eve, worker_flow_vars, o->engine);
	w->opts = o;
	w->ips = o->simulate_ips;
	decode_ctx_init(&w->decode, o->checksum);
	/* Several eve-log outputs: a record type is built when any of them logs it. */
	const struct eve_config *ec = &o->eve;
	w->log_anomalies = eve && eve_config_type_enabled(ec, EVE_TYPE_ANOMALY) && ec->anomaly_decode;
	w->log_flows = eve && eve_config_type_enabled(ec, EVE_TYPE_FLOW);
	w->log_flow_macs = w->log_flows && eve_config_wants_ethernet(ec);
	w->log_alerts = eve && eve_config_type_enabled(ec, EVE_TYPE_ALERT);
	w->log_drops = eve && eve_config_type_enabled(ec, EVE_TYPE_DROP) && o->simulate_ips;
	w->log_http = eve && eve_config_type_enabled(ec, EVE_TYPE_HTTP);
	w->log_dns = eve && eve_config_type_enabled(ec, EVE_TYPE_DNS);
	w->log_tls = eve && eve_config_type_enabled(ec, EVE_TYPE_TLS);
	w->log_ssh = eve && eve_config_type_enabled(ec, EVE_TYPE_SSH);
	w->pend = calloc(PEND_BUCKETS, sizeof(*w->pend));
	if (!w->pend) {
		snprintf(err, errlen, "error: out of memory setting up worker %u", id);
		return -1;
	}
	w->flows = flow_table_create(&o->flow, id, worker_on_flow_end, w);
	if (!w->flows) {
		snprintf(err, errlen, "error: cannot allocate the flow table (flow.memcap %llu bytes)",
			 (unsigned long long)o->flow.memcap);
		free(w->pend);
		w->pend = NULL;
		return -1;
	}
	if (o->defrag_enabled && !(w->defrag = defrag_table_create(&o->defrag)))
		goto oom;
	if (o->stream_enabled && !(w->stream = stream_ctx_create(&o->stream, &w->decode)))
		goto oom;
	if (o->app_enabled && !(w->app = app_ctx_create(&o->app)))
		goto oom;
	if (w->app) {
		app_ctx_set_detect_free(w->app, detect_tx_state_free, NULL);
		app_ctx_set_reverse(w->app, worker_flow_reverse, w);
	}
	if (o->engine && !(w->detect = detect_thread_new(o->engine)))
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "error: out of memory setting up worker %u", id);
	worker_finish(w);
	return -1;
}

void worker_finish(struct worker *w)
{
	/* Flushing ends every flow through worker_on_flow_end, which still needs the stream,
	 * app and detect contexts: free them only afterwards. */
	if (w->flows) {
		flow_table_flush(w->flows);
		flow_table_destroy(w->flows);
		w->flows = NULL;
	}
	/* every flow ended through worker_on_flow_end, which logged what waited for it */
	free(w->pend);
	w->pend = NULL;
	if (w->detect) {
		detect_thread_free(w->detect);
		w->detect = NULL;
	}
	if (w->app) {
		app_ctx_destroy(w->app);
		w->app = NULL;
	}
	if (w->stream) {
		stream_ctx_destroy(w->stream);
		w->stream = NULL;
	}
	if (w->defrag) {
		defrag_table_destroy(w->defrag);
		w->defrag = NULL;
	}
}

/* ---- detection output ------------------------------------------------------------------------ */

static void worker_log_drop(struct worker *w, const struct packet *p, enum eve_drop_reason reason,
			    const struct detect_alert *a, const struct output_alert_info *info);
static void worker_log_flow_drop(struct worker *w, const struct packet *p);

/* The packet being processed is dropped (its first reason counts, once); verdicts carried by a
 * flow's end pseudo packets drop no packet. */
static void worker_note_drop(struct worker *w, const struct packet *p, enum eve_drop_reason r)
{
	if ((p->flags & PKT_F_PSEUDO) || w->pkt_drop >= 0)
		return;
	w->pkt_drop = (int)r;
}

/* The transaction an alert on a packet of flow f belongs to: its newest one (Suricata logs the
 * current transaction's app-layer fields with packet alerts too). */
static const struct app_tx *flow_current_tx(const struct flow *f)
{
	const struct app_tx *last = NULL;
	for (const struct app_tx *t = f ? app_flow_tx_first(f) : NULL; t; t = app_flow_tx_next(t))
		last = t;
	return last;
}

void worker_log_verdict(struct worker *w, const struct packet *p, const struct detect_result *r,
			const struct app_tx *tx)
{
	const char *app = p->flow ? app_proto_name(app_flow_proto(p->flow)) : NULL;
	bool guessed = false;
	if (!tx && r->n_alerts && p->flow && p->flow->app) {
		tx = flow_current_tx(p->flow);
		/* detect.guess-applayer-tx: the flow's only transaction is the alert's */
		const struct app_tx *first = app_flow_tx_first(p->flow);
		guessed = w->opts->guess_tx && tx && first == tx;
	}
	struct output_alert_info info = { .app_proto = app, .tx = tx, .http = &w->opts->http,
					  .ips = w->ips, .verdict = r->verdict,
					  .stream_payload = r->stream_data,
					  .stream_payload_len = r->stream_len, .tx_guessed = guessed };
	w->alerts += r->n_alerts;
	if (w->log_alerts && r->n_alerts)
		eve_log_alerts(w->eve, p, r, &info);
	if (w->fast && r->n_alerts)
		fast_log_alerts(w->fast, p, r, &info);
	if (!w->ips || (r->verdict != DETECT_ACTION_DROP && r->verdict != DETECT_ACTION_REJECT))
		return;
	const struct detect_alert *a = output_drop_alert(r);
	enum eve_drop_reason reason =
		a && (a->flags & DETECT_ALERT_F_RATE_CHANGED) ? EVE_DROP_THRESHOLD : EVE_DROP_RULES;
	worker_note_drop(w, p, reason);
	worker_log_drop(w, p, reason, a, &info);
}

/* One EVE drop record, unless drop.flows: start and this flow direction already has one. */
static void worker_log_drop(struct worker *w, const struct packet *p, enum eve_drop_reason reason,
			    const struct detect_alert *a, const struct output_alert_info *info)
{
	if (!w->log_drops)
		return;
	struct flow *f = p->flow;
	uint32_t logged = p->flow_dir == FLOW_DIR_TO_SERVER ? FLOW_F_DROP_LOGGED_TS
							    : FLOW_F_DROP_LOGGED_TC;
	if (f && !w->opts->eve.drop_flows_all && (f->flags & logged))
		return;
	if (f)
		f->flags |= logged;
	eve_log_drop(w->eve, p, reason, a, info);
}

static void worker_log_flow_drop(struct worker *w, const struct packet *p)
{
	const char *app = app_proto_name(app_flow_proto(p->flow));
	struct output_alert_info info = { .app_proto = app, .ips = true,
					  .verdict = DETECT_ACTION_DROP };
	worker_note_drop(w, p, EVE_DROP_FLOW);
	worker_log_drop(w, p, EVE_DROP_FLOW, NULL, &info);
}

/* ---- the packet path -------------------------------------------------------------------------- */

static void worker_detect(struct worker *w, struct packet *p)
{
	struct detect_result r;
	detect_packet(w->detect, p, &r);
	if (r.n_alerts || r.verdict == DETECT_ACTION_DROP || r.verdict == DETECT_ACTION_REJECT)
		worker_log_verdict(w, p, &r, NULL);
	if (!p->flow)
		return;
	detect_app_packet(w->detect, p, &r);
	if (r.n_alerts || r.verdict == DETECT_ACTION_DROP || r.verdict == DETECT_ACTION_REJECT)
		worker_log_verdict(w, p, &r, NULL);
}

/* Everything after decoding, for a packet with an IP layer (also a datagram rebuilt by
 * defrag). */
static void worker_process_ip(struct worker *w, struct packet *p)
{
	struct flow *f = flow_table_handle_packet(w->flows, p);
	if (f && w->log_flow_macs)
		eve_flow_note_macs(f, p);
	if (f && w->ips && (f->flags & FLOW_F_DROP)) {
		/* IPS: a flow a drop verdict hit is dropped whole; its later packets are neither
		 * reassembled, parsed nor inspected (Suricata's "flow drop"). */
		worker_log_flow_drop(w, p);
		return;
	}
	w->cur = p;
	bool stream_added = false;
	if (f && p->ip_proto == 6 && w->stream && p->l4_hdr) {
		struct stream_result sr;
		stream_handle_packet(w->stream, p, &sr);
		for (uint8_t k = 0; k < sr.n_events && p->stream_event_count < PKT_MAX_EVENTS; k++)
			p->stream_events[p->stream_event_count++] = sr.events[k];
		if (w->eve && sr.n_events)
			eve_log_stream_anomalies(w->eve, p);
		stream_added = !sr.ignored && p->payload_len;
		if (sr.n)
			worker_stream_chunks(w, p, f, &sr, p->ts_usec);
	} else if (f && p->ip_proto == 17 && w->app && p->payload_len) {
		worker_app_data(w, p, f, p->flow_dir, p->payload, p->payload_len, 0, p->ts_usec);
	}
	w->cur = NULL;
	/* the stream and transaction results of this direction that waited for this packet */
	if (f)
		pend_flush(w, p, f, p->flow_dir, p->ts_usec);
	/* raw stream data of this direction that is due now */
	if (f && p->ip_proto == 6 && p->l4_hdr)
		worker_stream_raw(w, p, f, p->ts_usec);
	if (w->detect) {
		/* the stream model: see detect_set_stream_added */
		detect_set_stream_added(w->detect, stream_added);
		worker_detect(w, p);
		detect_set_stream_added(w->detect, false);
	}
}

/* The outer layer of an IP-in-IP tunnel is a flow of its own, as in Suricata, whose IPv4/IPv6
 * decoders hand the tunnel's root packet to the flow engine next to the inner packet (GRE
 * roots get none). The root is counted once per captured frame, before the inner packet goes
 * its way; it has no transport layer or payload of its own to parse. */
static void worker_tunnel_root(struct worker *w, const struct packet *p)
{
	struct packet root;
	if (!w->flows || !decode_tunnel_root(p, &root))
		return;
	flow_table_handle_packet(w->flows, &root);
}

/* A datagram rebuilt from fragments that travelled inside a tunnel stays inside it: it takes
 * the fragments' outer layer (whose flow counted each fragment) below its own layers. */
static void worker_rebuilt_in_tunnel(struct packet *rp, const struct packet *frag)
{
	if (!(rp->flags & PKT_F_TUNNELED)) {
		rp->tunnel_kind = frag->tunnel_kind;
		rp->tunnel_len = rp->caplen;
	}
	rp->flags |= PKT_F_TUNNELED;
	unsigned depth = (unsigned)frag->tunnel_depth + rp->tunnel_depth;
	rp->tunnel_depth = (uint8_t)(depth < UINT8_MAX ? depth : UINT8_MAX);
	rp->outer_ip_proto = frag->outer_ip_proto;
	rp->outer_src = frag->outer_src;
	rp->outer_dst = frag->outer_dst;
}

/* An IP fragment: held by defrag; when it completes a datagram, the rebuilt datagram goes down
 * the whole path as its own packet (counted once, as the fragments were). The fragment itself
 * still meets the packet-level rules (decoder events, IP header keywords), without a flow. */
static void worker_process_fragment(struct worker *w, struct packet *p)
{
	const uint8_t *dg;
	uint32_t len;
	int done = defrag_handle(w->defrag, p, &dg, &len);
	/* defrag's anomalies (overlap, too large) belong to this fragment: packet rules see them
	 * with the stream events, EVE logs them as decoder anomalies (Suricata's names) */
	const uint16_t *dev;
	unsigned nd = defrag_last_events(w->defrag, &dev);
	for (unsigned k = 0; k < nd && p->stream_event_count < PKT_MAX_EVENTS; k++)
		p->stream_events[p->stream_event_count++] = dev[k];
	if (nd && w->eve)
		eve_log_stream_anomalies(w->eve, p);
	if (w->detect)
		worker_detect(w, p);
	if (done != 1)
		return;
	struct packet rp;
	memset(&rp, 0, sizeof(rp));
	rp.data = dg;
	rp.caplen = rp.wirelen = len;
	rp.ts_usec = p->ts_usec;
	rp.linktype = LINKTYPE_RAW;
	rp.pcap_cnt = p->pcap_cnt;
	rp.iface = p->iface;
	struct decode_stats saved = w->decode.stats;
	int rc = decode_packet(&w->decode, &rp);
	/* the capture counters count captured frames; the rebuilt one is not another */
	w->decode.stats.pkts = saved.pkts;
	w->decode.stats.bytes = saved.bytes;
	if (rc != 0)
		return;
	/* the rebuilt packet is logged with the first fragment's link header, as Suricata */
	uint32_t ll = defrag_last_link_len(w->defrag);
	if (ll) {
		rp.data = dg - ll;
		rp.caplen = rp.wirelen = len + ll;
		rp.linktype = p->linktype;
	}
	rp.vlan_count = p->vlan_count;
	memcpy(rp.vlan_id, p->vlan_id, sizeof(rp.vlan_id));
	if (p->flags & PKT_F_HAS_ETH) {
		rp.eth_src = p->eth_src;
		rp.eth_dst = p->eth_dst;
		rp.flags |= PKT_F_HAS_ETH;
	}
	if (p->flags & PKT_F_TUNNELED)
		worker_rebuilt_in_tunnel(&rp, p);
	else if (rp.flags & PKT_F_TUNNELED)
		worker_tunnel_root(w, &rp); /* the rebuilt datagram is a tunnel's root itself */
	if (rp.event_count && w->log_anomalies)
		eve_log_anomalies(w->eve, &rp);
	worker_process_ip(w, &rp);
}

static void worker_process_decoded(struct worker *w, struct packet *p, int rc);

void worker_process_packet(struct worker *w, struct packet *p)
{
	w->pkt_drop = -1;
	worker_process_decoded(w, p, decode_packet(&w->decode, p));
	if (!w->ips)
		return;
	if (w->pkt_drop < 0) {
		w->ips_stats.accepted++;
		return;
	}
	w->dropped++;
	w->ips_stats.blocked++;
	w->ips_stats.drop_reason[w->pkt_drop]++;
}

static void worker_process_decoded(struct worker *w, struct packet *p, int rc)
{
	if (p->event_count && w->log_anomalies)
		eve_log_anomalies(w->eve, p);
	if (rc != 0) {
		/* A malformed packet gets no flow, reassembly or parsing, but it still meets the
		 * packet rules, as in Suricata — that is how decoder-event rules fire. */
		if (w->detect && (p->event_count || p->ip_version))
			worker_detect(w, p);
		return;
	}
	if (p->flags & PKT_F_TUNNELED)
		worker_tunnel_root(w, p);
	if ((p->flags & PKT_F_FRAGMENT) && w->defrag) {
		worker_process_fragment(w, p);
		return;
	}
	worker_process_ip(w, p);
}
