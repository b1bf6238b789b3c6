/*
 * eve-stats.c — the EVE "stats" record: engine counters under Suricata's key names
 * (stats.decoder.*, stats.decoder.event.<layer>.<event>, stats.flow.*, stats.tcp.*,
 * stats.capture.*, stats.app_layer.{flow,tx,error}.<proto>). The stats.tcp stream counters
 * (reassembly_gap, overlap, ...) come from the flows that ended (flow_stats.tcp_*), which at
 * the final record is every flow. Only counters aegis really keeps
 * are written, each under a name Suricata's EVE schema defines, so dashboards built for
 * Suricata read them unchanged.
 */
#include <string.h>
#include <time.h>

#include "output/output-int.h"

/* Event names without the "decoder." prefix: "<layer>.<event>". */
static const char *const stat_event_names[DECODE_EVENT_MAX] = {
#define STAT_EVENT_NAME(id, name) [DECODE_EVENT_##id] = name,
	DECODE_EVENT_LIST(STAT_EVENT_NAME)
#undef STAT_EVENT_NAME
};

/* Events that have no stats.decoder.event.* counter in Suricata (aegis's checksum events), or
 * live elsewhere (too_many_layers is stats.decoder.too_many_layers). */
static bool stat_event_skipped(unsigned ev)
{
	switch (ev) {
	case DECODE_EVENT_IPV4_CHECKSUM_INVALID:
	case DECODE_EVENT_TCP_CHECKSUM_INVALID:
	case DECODE_EVENT_UDP_CHECKSUM_INVALID:
	case DECODE_EVENT_ICMPV4_CHECKSUM_INVALID:
	case DECODE_EVENT_ICMPV6_CHECKSUM_INVALID:
	case DECODE_EVENT_TOO_MANY_LAYERS:
		return true;
	default:
		return stat_event_names[ev] == NULL || strchr(stat_event_names[ev], '.') == NULL;
	}
}

static size_t layer_len(const char *name)
{
	return (size_t)(strchr(name, '.') - name);
}

/* stats.decoder.event: one object per layer, each event counter in it (zeros included, as
 * Suricata does, so the set of keys does not change from one record to the next). */
static void add_decoder_events(struct jbuf *j, const struct decode_stats *d)
{
	bool done[DECODE_EVENT_MAX] = { false };
	jbuf_open_object(j, "event");
	for (unsigned ev = 1; ev < DECODE_EVENT_MAX; ev++) {
		if (done[ev] || stat_event_skipped(ev))
			continue;
		const char *first = stat_event_names[ev];
		size_t ll = layer_len(first);
		char layer[32];
		if (ll >= sizeof(layer))
			continue;
		memcpy(layer, first, ll);
		layer[ll] = '\0';
		jbuf_open_object(j, layer);
		/* Gather every event of this layer even if the list is not grouped. */
		for (unsigned k = ev; k < DECODE_EVENT_MAX; k++) {
			if (done[k] || stat_event_skipped(k))
				continue;
			const char *n = stat_event_names[k];
			if (layer_len(n) != ll || memcmp(n, first, ll) != 0)
				continue;
			jbuf_add_uint(j, n + ll + 1, d->events[k]);
			done[k] = true;
		}
		jbuf_close_object(j);
	}
	jbuf_close_object(j);
}

static void add_decoder(struct jbuf *j, const struct decode_stats *d)
{
	jbuf_open_object(j, "decoder");
	jbuf_add_uint(j, "pkts", d->pkts);
	jbuf_add_uint(j, "bytes", d->bytes);
	jbuf_add_uint(j, "invalid", d->invalid);
	jbuf_add_uint(j, "ipv4", d->ipv4);
	jbuf_add_uint(j, "ipv6", d->ipv6);
	jbuf_add_uint(j, "ethernet", d->ethernet);
	jbuf_add_uint(j, "sll", d->sll);
	jbuf_add_uint(j, "raw", d->raw);
	jbuf_add_uint(j, "null", d->null);
	jbuf_add_uint(j, "tcp", d->tcp);
	jbuf_add_uint(j, "udp", d->udp);
	jbuf_add_uint(j, "sctp", d->sctp);
	jbuf_add_uint(j, "icmpv4", d->icmpv4);
	jbuf_add_uint(j, "icmpv6", d->icmpv6);
	jbuf_add_uint(j, "gre", d->gre);
	jbuf_add_uint(j, "vlan", d->vlan);
	jbuf_add_uint(j, "vlan_qinq", d->vlan_qinq);
	jbuf_add_uint(j, "ipv4_in_ipv4", d->ipv4_in_ipv4);
	jbuf_add_uint(j, "ipv6_in_ipv4", d->ipv6_in_ipv4);
	jbuf_add_uint(j, "ipv4_in_ipv6", d->ipv4_in_ipv6);
	jbuf_add_uint(j, "ipv6_in_ipv6", d->ipv6_in_ipv6);
	jbuf_add_uint(j, "too_many_layers", d->events[DECODE_EVENT_TOO_MANY_LAYERS]);
	jbuf_add_uint(j, "max_pkt_size", d->max_pkt_size);
	jbuf_add_uint(j, "avg_pkt_size", d->pkts ? d->bytes / d->pkts : 0);
	add_decoder_events(j, d);
	jbuf_close_object(j);
}

static void add_flow(struct jbuf *j, const struct flow_stats *f)
{
	jbuf_open_object(j, "flow");
	jbuf_add_uint(j, "memcap", f->memcap_refused);
	jbuf_add_uint(j, "total", f->created);
	jbuf_add_uint(j, "active", f->active);
	jbuf_add_uint(j, "tcp", f->tcp);
	jbuf_add_uint(j, "udp", f->udp);
	jbuf_add_uint(j, "icmpv4", f->icmpv4);
	jbuf_add_uint(j, "icmpv6", f->icmpv6);
	jbuf_add_uint(j, "tcp_reuse", f->tcp_reused);
	/* get_used: flows taken from the table under memory pressure (our forced evictions). */
	jbuf_add_uint(j, "get_used", f->evicted_forced);
	jbuf_add_uint(j, "emerg_mode_entered", f->emergency_mode_entered);
	jbuf_add_uint(j, "emerg_mode_over", f->emergency_mode_over);
	jbuf_add_uint(j, "memuse", f->memuse);
	jbuf_open_object(j, "mgr");
	jbuf_add_uint(j, "flows_timeout", f->timed_out);
	jbuf_close_object(j);
	jbuf_close_object(j);
}

/* stats.app_layer: flows and transactions per protocol and transport, and the parsers' errors,
 * zeros included (Suricata writes a counter for every protocol it registered). */
static void add_app_layer(struct jbuf *j, const struct app_stats *a)
{
	jbuf_open_object(j, "app_layer");
	jbuf_open_object(j, "flow");
	for (unsigned i = 0; i < APP_STAT_MAX; i++)
		jbuf_add_uint(j, app_stat_slot_name(i), a->slot_flows[i]);
	jbuf_close_object(j);
	jbuf_open_object(j, "tx");
	for (unsigned i = 0; i < APP_STAT_MAX; i++)
		if (i != APP_STAT_FAILED_TCP && i != APP_STAT_FAILED_UDP)
			jbuf_add_uint(j, app_stat_slot_name(i), a->slot_tx[i]);
	jbuf_close_object(j);
	jbuf_open_object(j, "error");
	for (unsigned i = 0; i < APP_STAT_MAX; i++) {
		if (i == APP_STAT_FAILED_UDP) /* no such counter in Suricata */
			continue;
		jbuf_open_object(j, app_stat_slot_name(i));
		jbuf_add_uint(j, "gap", a->errors[i].gap);
		jbuf_add_uint(j, "alloc", a->errors[i].alloc);
		jbuf_add_uint(j, "parser", a->errors[i].parser);
		jbuf_add_uint(j, "internal", a->errors[i].internal);
		jbuf_close_object(j);
	}
	jbuf_close_object(j);
	jbuf_close_object(j);
}

/* stats.ips (IPS mode): accepted, blocked and the drop reasons under Suricata's keys (the drop
 * record's reason words joined by underscores; the default policies have no counter there). */
static void add_ips(struct jbuf *j, const struct ips_stats *s)
{
	jbuf_open_object(j, "ips");
	jbuf_add_uint(j, "accepted", s->accepted);
	jbuf_add_uint(j, "blocked", s->blocked);
	jbuf_open_object(j, "drop_reason");
	for (unsigned r = 0; r < EVE_DROP_REASON_MAX; r++) {
		if (r == EVE_DROP_DEFAULT_PACKET || r == EVE_DROP_DEFAULT_APP)
			continue;
		char key[48];
		util_strlcpy(key, eve_drop_reason_name((enum eve_drop_reason)r), sizeof(key));
		for (char *c = key; *c; c++)
			if (*c == ' ')
				*c = '_';
		jbuf_add_uint(j, key, s->drop_reason[r]);
	}
	jbuf_close_object(j);
	jbuf_close_object(j);
}

void eve_log_stats(struct eve *e, const struct aegis_stats *s)
{
	const struct eve_config *cfg = eve_get_config(e);
	if (!cfg->types[EVE_TYPE_STATS])
		return;
	struct jbuf *j = eve_jbuf(e);
	uint64_t ts = s->ts_usec;
	if (!ts) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		ts = (uint64_t)now.tv_sec * USEC_PER_SEC + (uint64_t)now.tv_nsec / 1000;
	}

	eve_begin_record(e, j, "stats", ts, NULL, NULL);
	jbuf_open_object(j, "stats");
	jbuf_add_uint(j, "uptime", s->uptime_s);
	if (cfg->stats_totals) {
		/* File sources have no kernel counters; Suricata leaves "capture" out for them. */
		if (s->capture.files_read == 0) {
			jbuf_open_object(j, "capture");
			jbuf_add_uint(j, "kernel_packets", s->capture.packets);
			jbuf_add_uint(j, "kernel_drops", s->capture.kernel_drops);
			jbuf_close_object(j);
		}
		add_decoder(j, &s->decode);
		add_flow(j, &s->flow);
		jbuf_open_object(j, "tcp");
		jbuf_add_uint(j, "sessions", s->flow.tcp_sessions);
		jbuf_add_uint(j, "midstream_pickups", s->flow.tcp_midstream);
		jbuf_add_uint(j, "invalid_checksum",
			      s->decode.events[DECODE_EVENT_TCP_CHECKSUM_INVALID]);
		jbuf_add_uint(j, "ssn_memcap_drop", s->flow.tcp_ssn_memcap_drop);
		jbuf_add_uint(j, "syn", s->flow.tcp_syn);
		jbuf_add_uint(j, "synack", s->flow.tcp_synack);
		jbuf_add_uint(j, "rst", s->flow.tcp_rst);
		jbuf_add_uint(j, "segment_memcap_drop", s->flow.tcp_segment_memcap_drop);
		jbuf_add_uint(j, "stream_depth_reached", s->flow.tcp_stream_depth_reached);
		jbuf_add_uint(j, "reassembly_gap", s->flow.tcp_reassembly_gap);
		jbuf_add_uint(j, "overlap", s->flow.tcp_overlap);
		jbuf_add_uint(j, "overlap_diff_data", s->flow.tcp_overlap_diff_data);
		jbuf_close_object(j);
		add_app_layer(j, &s->app);
		if (s->ips)
			add_ips(j, &s->ips_counters);
	}
	jbuf_close_object(j);
	eve_end_record(e, j, EVE_TYPE_STATS);
}
