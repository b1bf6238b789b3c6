/*
 * eve-anomaly.c — EVE "anomaly" records for decoder events: one record per event raised on a
 * packet ({"type":"decode","event":"decoder.ipv4.pkt_too_small"}), with the packet's header
 * (which may have no IP tuple when decoding stopped below IP).
 */
#include "output/output-int.h"

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
		eve_end_record(e, j, EVE_TYPE_ANOMALY);
	}
}
