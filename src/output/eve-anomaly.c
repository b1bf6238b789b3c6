/*
 * eve-anomaly.c — EVE "anomaly" records for decoder events: one record per event raised on a
 * packet ({"type":"decode","event":"decoder.ipv4.pkt_too_small"}), with the packet's header
 * (which may have no IP tuple when decoding stopped below IP). With `packethdr: yes` the record
 * also carries the packet's first 32 bytes (base64) and its link type, as Suricata does.
 */
#include "output/output-int.h"

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
