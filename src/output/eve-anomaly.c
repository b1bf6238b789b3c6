/*
 * eve-anomaly.c — EVE "anomaly" records: one record per event raised on a packet by the decoder
 * ({"type":"decode","event":"decoder.ipv4.pkt_too_small"}), by TCP reassembly
 * ({"type":"stream","event":"stream.pkt_invalid_ack"}), or by the app layer
 * ({"type":"applayer","event":"REQUEST_FIELD_MISSING_COLON","layer":"proto_parser"}), each kind
 * switched by anomaly.types.decode / stream / applayer. Packet records may have no IP tuple when
 * decoding stopped below IP. With `packethdr: yes` decode and stream records also carry the
 * packet's first 32 bytes (base64) and its link type, as Suricata does.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "output/output-int.h"
#include "stream/stream.h"

/* packethdr logs the start of the packet only: enough for the headers that raised the event. */
#define EVE_ANOMALY_PACKETHDR_LEN 32

void eve_log_anomalies(struct eve *e, const struct packet *p)
{
	const struct eve_config *cfg = eve_get_config(e);
	if (!cfg->types[EVE_TYPE_ANOMALY] || !cfg->anomaly_decode)
		return;
	struct jbuf *j = eve_jbuf(e);
	unsigned count = p->event_count < PKT_MAX_EVENTS ? p->event_count : PKT_MAX_EVENTS;

	for (unsigned i = 0; i < count; i++) {
		const char *name = eve_decode_event_name(p->events[i]);
		if (!name)
			continue; /* not an event this build knows: nothing truthful to log */
		eve_begin_record(e, j, "anomaly", p->ts_usec, p, p->flow);
		jbuf_open_object(j, "anomaly");
		jbuf_add_str(j, "type", "decode");
		jbuf_add_str(j, "event", name);
		jbuf_close_object(j);
		if (cfg->anomaly_packethdr)
			eve_add_packet(j, p, EVE_ANOMALY_PACKETHDR_LEN);
		eve_end_record(e, j, EVE_TYPE_ANOMALY);
	}
}

/* ---- stream events ------------------------------------------------------------------------- */

/* Names built from the stream stage's list (no link dependency on it): Suricata's EVE spells
 * reassembly events "stream." + keyword name, and the defrag ones (ipv4./ipv6.) as decoder
 * events. */
static const char *const stream_event_names[STREAM_EVENT_MAX] = {
#define EVE_STREAM_NAME(id, name) [STREAM_EVENT_##id] = name,
	STREAM_EVENT_LIST(EVE_STREAM_NAME)
#undef EVE_STREAM_NAME
};

void eve_log_stream_anomalies(struct eve *e, const struct packet *p)
{
	const struct eve_config *cfg = eve_get_config(e);
	if (!cfg->types[EVE_TYPE_ANOMALY] || (!cfg->anomaly_stream && !cfg->anomaly_decode))
		return;
	struct jbuf *j = eve_jbuf(e);
	unsigned count = p->stream_event_count < PKT_MAX_EVENTS ? p->stream_event_count
							       : PKT_MAX_EVENTS;
	for (unsigned i = 0; i < count; i++) {
		unsigned ev = p->stream_events[i];
		const char *name = ev > STREAM_EVENT_NONE && ev < STREAM_EVENT_MAX
					   ? stream_event_names[ev] : NULL;
		if (!name)
			continue;
		bool decoder = !strncmp(name, "ipv4.", 5) || !strncmp(name, "ipv6.", 5);
		if (decoder ? !cfg->anomaly_decode : !cfg->anomaly_stream)
			continue;
		char full[96];
		snprintf(full, sizeof(full), "%s.%s", decoder ? "decoder" : "stream", name);
		eve_begin_record(e, j, "anomaly", p->ts_usec, p, p->flow);
		jbuf_open_object(j, "anomaly");
		jbuf_add_str(j, "type", decoder ? "decode" : "stream");
		jbuf_add_str(j, "event", full);
		jbuf_close_object(j);
		if (cfg->anomaly_packethdr)
			eve_add_packet(j, p, EVE_ANOMALY_PACKETHDR_LEN);
		eve_end_record(e, j, EVE_TYPE_ANOMALY);
	}
}

/* ---- app-layer events ---------------------------------------------------------------------- */

/*
 * The event as Suricata's EVE spells it. aegis names events as the app-layer-event keyword
 * takes them ("http.request_field_missing_colon", "applayer_mismatch_..."); Suricata's records
 * carry the parser's own table name: without the protocol prefix, upper case for the HTTP and
 * TLS parsers and detection events (C tables), lower case for DNS (Rust's derived names).
 */
static void app_event_eve_name(const char *name, char *out, size_t outlen, bool *detection)
{
	const char *dot = strchr(name, '.');
	bool upper = true;
	*detection = dot == NULL;
	if (dot) {
		upper = strncmp(name, "dns.", 4) != 0;
		name = dot + 1;
	}
	size_t k = 0;
	for (; name[k] && k + 1 < outlen; k++)
		out[k] = upper ? (char)toupper((unsigned char)name[k]) : name[k];
	out[k] = '\0';
}

void eve_log_app_anomalies(struct eve *e, const struct packet *p, const struct flow *f,
			   const struct app_result *ar, uint64_t ts_usec)
{
	const struct eve_config *cfg = eve_get_config(e);
	if (!cfg->types[EVE_TYPE_ANOMALY] || !cfg->anomaly_applayer || !ar)
		return;
	struct jbuf *j = eve_jbuf(e);
	uint32_t n = ar->n_events < APP_RESULT_MAX_EVENTS ? ar->n_events : APP_RESULT_MAX_EVENTS;
	/* Data of the other direction (or flow end) has no packet of its own: the flow's tuple. */
	const struct packet *rp = p && p->flow == f ? p : NULL;
	const char *proto = app_proto_name(ar->proto);
	bool known = ar->proto != APP_PROTO_UNKNOWN && ar->proto != APP_PROTO_FAILED && proto;
	for (uint32_t i = 0; i < n; i++) {
		const struct app_result_event *ev = &ar->events[i];
		if (ev->event == APP_EVENT_NONE || ev->event >= APP_EVENT_MAX)
			continue;
		char name[96];
		bool detection;
		app_event_eve_name(app_event_name(ev->event), name, sizeof(name), &detection);
		if (rp)
			eve_begin_record(e, j, "anomaly", ts_usec, rp, f);
		else
			eve_begin_flow_record(e, j, "anomaly", ts_usec, NULL, f);
		if (ev->has_tx && !detection)
			jbuf_add_uint(j, "tx_id", ev->tx_id);
		jbuf_open_object(j, "anomaly");
		if (known)
			jbuf_add_str(j, "app_proto", proto);
		jbuf_add_str(j, "type", "applayer");
		jbuf_add_str(j, "event", name);
		jbuf_add_str(j, "layer", detection ? "proto_detect" : "proto_parser");
		jbuf_close_object(j);
		eve_end_record(e, j, EVE_TYPE_ANOMALY);
	}
}
