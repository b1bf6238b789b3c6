/*
 * pipeline.c — one worker's packet path: decode -> defrag -> flow -> TCP reassembly -> app-layer
 * parsers -> detection -> output. Each worker owns every table on this path (flows, fragments,
 * segments, transactions, detection state), so workers share nothing mutable; the runmodes
 * (single.c, autofp.c) only decide which worker sees which packet.
 */
#include <stdio.h>
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
			worker_log_verdict(w, dp, &r, ar->txs[i].tx);
	}
}

static void worker_app_data(struct worker *w, const struct packet *p, struct flow *f, uint8_t dir,
			    const uint8_t *data, uint32_t len, uint32_t flags, uint64_t ts)
{
	struct app_result ar;
	if (app_handle_data(w->app, f, dir, data, len, flags, ts, &ar) != 0)
		return;
	if (w->eve && ar.n_events)
		eve_log_app_anomalies(w->eve, p, f, &ar, ts);
	worker_detect_txs(w, p, f, dir, &ar, ts);
	worker_app_log(w, p, f, dir, &ar, ts);
}

/* Each chunk meets the stream-inspected rules (raw stream), then the app-layer parsers. */
static void worker_stream_chunks(struct worker *w, const struct packet *p, struct flow *f,
				 const struct stream_result *sr, uint64_t ts)
{
	for (uint32_t i = 0; i < sr->n; i++) {
		const struct stream_chunk *c = &sr->chunks[i];
		if (w->detect && c->len) {
			struct packet pseudo;
			struct packet *dp = worker_dir_packet(p, f, c->dir, ts, &pseudo);
			struct detect_result r;
			detect_stream(w->detect, dp, c, &r);
			if (r.n_alerts || r.verdict == DETECT_ACTION_DROP ||
			    r.verdict == DETECT_ACTION_REJECT)
				worker_log_verdict(w, dp, &r, NULL);
		}
		if (!w->app)
			continue;
		uint32_t flags = (c->gap_before ? APP_F_GAP : 0) | (c->eof ? APP_F_EOF : 0);
		worker_app_data(w, p, f, c->dir, c->data, c->len, flags, ts);
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
	}
	if (w->app && f->app && !(w->ips && (f->flags & FLOW_F_DROP))) {
		struct app_result ar;
		app_flow_finish(w->app, f, &ar);
		if (w->eve && ar.n_events)
			eve_log_app_anomalies(w->eve, NULL, f, &ar, f->last_usec);
		worker_detect_txs(w, NULL, f, FLOW_DIR_TO_CLIENT, &ar, f->last_usec);
		worker_app_log(w, NULL, f, FLOW_DIR_TO_CLIENT, &ar, f->last_usec);
	}
	if (w->log_flows)
		eve_log_flow(w->eve, f);
	if (w->stream)
		stream_flow_free(w->stream, f);
	if (w->app)
		app_flow_free(w->app, f);
	detect_flow_free(f);
}

/* ---- setup ------------------------------------------------------------------------------------ */

int worker_init(struct worker *w, const struct runmode_options *o, unsigned id, struct eve *eve,
		struct fast_log *fast, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->eve = eve;
	w->fast = fast;
	w->opts = o;
	w->ips = o->simulate_ips;
	decode_ctx_init(&w->decode, o->checksum);
	w->log_anomalies = eve && o->eve.types[EVE_TYPE_ANOMALY] && o->eve.anomaly_decode;
	w->log_flows = eve && o->eve.types[EVE_TYPE_FLOW];
	w->log_alerts = eve && o->eve.types[EVE_TYPE_ALERT];
	w->log_drops = eve && o->eve.types[EVE_TYPE_DROP] && o->simulate_ips;
	w->log_http = eve && o->eve.types[EVE_TYPE_HTTP];
	w->log_dns = eve && o->eve.types[EVE_TYPE_DNS];
	w->log_tls = eve && o->eve.types[EVE_TYPE_TLS];
	w->flows = flow_table_create(&o->flow, id, worker_on_flow_end, w);
	if (!w->flows) {
		snprintf(err, errlen, "error: cannot allocate the flow table (flow.memcap %llu bytes)",
			 (unsigned long long)o->flow.memcap);
		return -1;
	}
	if (o->defrag_enabled && !(w->defrag = defrag_table_create(&o->defrag)))
		goto oom;
	if (o->stream_enabled && !(w->stream = stream_ctx_create(&o->stream, &w->decode)))
		goto oom;
	if (o->app_enabled && !(w->app = app_ctx_create(&o->app)))
		goto oom;
	if (w->app)
		app_ctx_set_detect_free(w->app, detect_tx_state_free, NULL);
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
	if (!tx && r->n_alerts && p->flow && p->flow->app)
		tx = flow_current_tx(p->flow);
	struct output_alert_info info = { .app_proto = app, .tx = tx, .http = &w->opts->http,
					  .ips = w->ips, .verdict = r->verdict };
	w->alerts += r->n_alerts;
	if (w->log_alerts && r->n_alerts)
		eve_log_alerts(w->eve, p, r, &info);
	if (w->fast && r->n_alerts)
		fast_log_alerts(w->fast, p, r, &info);
	if (!w->ips || (r->verdict != DETECT_ACTION_DROP && r->verdict != DETECT_ACTION_REJECT))
		return;
	w->dropped++;
	const struct detect_alert *a = output_drop_alert(r);
	enum eve_drop_reason reason =
		a && (a->flags & DETECT_ALERT_F_RATE_CHANGED) ? EVE_DROP_THRESHOLD : EVE_DROP_RULES;
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
	w->dropped++;
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
	if (f && w->ips && (f->flags & FLOW_F_DROP)) {
		/* IPS: a flow a drop verdict hit is dropped whole; its later packets are neither
		 * reassembled, parsed nor inspected (Suricata's "flow drop"). */
		worker_log_flow_drop(w, p);
		return;
	}
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
	if (w->detect) {
		/* the stream model: see detect_set_stream_added */
		detect_set_stream_added(w->detect, stream_added);
		worker_detect(w, p);
		detect_set_stream_added(w->detect, false);
	}
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
	rp.vlan_count = p->vlan_count;
	memcpy(rp.vlan_id, p->vlan_id, sizeof(rp.vlan_id));
	if (p->flags & PKT_F_HAS_ETH) {
		rp.eth_src = p->eth_src;
		rp.eth_dst = p->eth_dst;
		rp.flags |= PKT_F_HAS_ETH;
	}
	if (rp.event_count && w->log_anomalies)
		eve_log_anomalies(w->eve, &rp);
	worker_process_ip(w, &rp);
}

void worker_process_packet(struct worker *w, struct packet *p)
{
	int rc = decode_packet(&w->decode, p);
	if (p->event_count && w->log_anomalies)
		eve_log_anomalies(w->eve, p);
	if (rc != 0)
		return;
	if ((p->flags & PKT_F_FRAGMENT) && w->defrag) {
		worker_process_fragment(w, p);
		return;
	}
	worker_process_ip(w, p);
}
