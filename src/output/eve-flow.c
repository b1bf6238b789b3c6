/*
 * eve-flow.c — the EVE "flow" record, written once per flow as it leaves the flow table: the
 * flow's key (client as src), packet and byte counts per direction, start/end/age, why and in
 * which state it ended, and for TCP the flags seen, the connection state and the most stream
 * regions each direction held, as Suricata logs it.
 */
#include "app/app.h"
#include "output/output-int.h"

static void add_tcp(struct jbuf *j, const struct flow *f)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} flag_names[] = {
		{ TH_SYN, "syn" }, { TH_FIN, "fin" }, { TH_RST, "rst" }, { TH_PUSH, "psh" },
		{ TH_ACK, "ack" }, { TH_URG, "urg" }, { TH_ECE, "ecn" }, { TH_CWR, "cwr" },
	};
	char hex[3];
	uint8_t all = f->tcp_flags[FLOW_DIR_TO_SERVER] | f->tcp_flags[FLOW_DIR_TO_CLIENT];

	jbuf_open_object(j, "tcp");
	eve_format_hex8(all, hex);
	jbuf_add_str(j, "tcp_flags", hex);
	eve_format_hex8(f->tcp_flags[FLOW_DIR_TO_SERVER], hex);
	jbuf_add_str(j, "tcp_flags_ts", hex);
	eve_format_hex8(f->tcp_flags[FLOW_DIR_TO_CLIENT], hex);
	jbuf_add_str(j, "tcp_flags_tc", hex);
	/* Suricata lists only the flags that were seen, each as true. */
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (all & flag_names[i].bit)
			jbuf_add_bool(j, flag_names[i].name, true);
	jbuf_add_str(j, "state", flow_tcp_state_name(f->tcp_state));
	/* only for flows with a TCP session in the stream stage, as Suricata's */
	if (f->stream_cnt.max_regions[FLOW_DIR_TO_SERVER]) {
		jbuf_add_uint(j, "ts_max_regions", f->stream_cnt.max_regions[FLOW_DIR_TO_SERVER]);
		jbuf_add_uint(j, "tc_max_regions", f->stream_cnt.max_regions[FLOW_DIR_TO_CLIENT]);
	}
	jbuf_close_object(j);
}

void eve_log_flow(struct eve *e, const struct flow *f)
{
	const struct eve_config *cfg = eve_get_config(e);
	if (!cfg->types[EVE_TYPE_FLOW])
		return;
	struct jbuf *j = eve_jbuf(e);
	char ts[EVE_TS_LEN];

	/* Offline, "now" at flow end is the time of the flow's last packet. */
	eve_begin_record(e, j, "flow", f->last_usec, NULL, f);
	const char *app = app_proto_name(app_flow_proto(f));
	if (app)
		jbuf_add_str(j, "app_proto", app);
	/* the directions were detected as different protocols: what each side spoke */
	for (uint8_t d = 0; d < 2; d++) {
		enum app_proto dp = app_flow_dir_proto(f, d);
		if (dp != APP_PROTO_UNKNOWN && dp != app_flow_proto(f) && app_proto_name(dp))
			jbuf_add_str(j, d == FLOW_DIR_TO_SERVER ? "app_proto_ts" : "app_proto_tc",
				     app_proto_name(dp));
	}
	/* a protocol change (HTTP CONNECT to TLS): what the flow was first */
	enum app_proto orig = app_flow_proto_orig(f);
	if (orig != APP_PROTO_UNKNOWN && orig != app_flow_proto(f) && app_proto_name(orig))
		jbuf_add_str(j, "app_proto_orig", app_proto_name(orig));

	jbuf_open_object(j, "flow");
	eve_add_flow_counters(j, f);
	eve_format_timestamp(f->last_usec, ts);
	jbuf_add_str(j, "end", ts);
	uint64_t start_s = f->start_usec / USEC_PER_SEC, end_s = f->last_usec / USEC_PER_SEC;
	jbuf_add_uint(j, "age", end_s > start_s ? end_s - start_s : 0);
	if (f->flags & FLOW_F_EMERGENCY)
		jbuf_add_bool(j, "emergency", true);
	jbuf_add_str(j, "state", flow_state_name(f->state));
	jbuf_add_str(j, "reason", flow_end_reason_name(f->end_reason));
	jbuf_add_bool(j, "alerted", (f->flags & FLOW_F_ALERTED) != 0);
	/* Suricata 7: what a pass or drop verdict did to the flow */
	if (f->flags & FLOW_F_DROP)
		jbuf_add_str(j, "action", "drop");
	else if (f->flags & FLOW_F_PASS)
		jbuf_add_str(j, "action", "pass");
	jbuf_close_object(j);

	if (f->ip_proto == 6)
		add_tcp(j, f);

	eve_end_record(e, j, EVE_TYPE_FLOW);
}
