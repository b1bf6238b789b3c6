/*
 * eve-flow.c — the EVE "flow" record, written once per flow as it leaves the flow table: the
 * flow's key (client as src), packet and byte counts per direction, start/end/age, why and in
 * which state it ended, and for TCP the flags seen, the connection state and the most stream
 * regions each direction held, as Suricata logs it; with ethernet: yes the MAC addresses the
 * flow's packets carried (eve_flow_note_macs keeps them while the flow lives).
 */
#include <stdlib.h>
#include <string.h>

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

/* ---- MAC addresses of a flow ---------------------------------------------------------------- */

struct eve_flow_macs {
	uint8_t n[2];                          /* client side, server side */
	uint8_t mac[2][EVE_FLOW_MACS][6];
};

bool eve_config_wants_ethernet(const struct eve_config *cfg)
{
	for (; cfg; cfg = cfg->next)
		if (cfg->ethernet)
			return true;
	return false;
}

static void macs_add(struct eve_flow_macs *m, int side, const uint8_t *mac)
{
	for (uint8_t i = 0; i < m->n[side]; i++)
		if (memcmp(m->mac[side][i], mac, 6) == 0)
			return;
	if (m->n[side] < EVE_FLOW_MACS)
		memcpy(m->mac[side][m->n[side]++], mac, 6);
}

void eve_flow_note_macs(struct flow *f, const struct packet *p)
{
	if (!f || !p || !(p->flags & PKT_F_HAS_ETH) || !p->eth_src || !p->eth_dst)
		return;
	struct eve_flow_macs *m = f->log;
	if (!m) {
		m = calloc(1, sizeof(*m));
		if (!m)
			return; /* the record then lacks them; nothing else depends on it */
		f->log = m;
	}
	/* the client's MACs are the sources of its packets and the destinations of the server's */
	int src_side = p->flow_dir == FLOW_DIR_TO_CLIENT ? 1 : 0;
	macs_add(m, src_side, p->eth_src);
	macs_add(m, src_side ^ 1, p->eth_dst);
}

void eve_flow_free(struct flow *f)
{
	free(f->log);
	f->log = NULL;
}

static void add_flow_macs(struct jbuf *j, const struct eve_flow_macs *m)
{
	static const char *const keys[2] = { "src_macs", "dest_macs" };
	jbuf_open_object(j, "ether");
	for (int side = 0; side < 2; side++) {
		if (!m->n[side])
			continue; /* the schema wants at least one item */
		jbuf_open_array(j, keys[side]);
		for (uint8_t i = 0; i < m->n[side]; i++) {
			char buf[18];
			eve_format_mac(m->mac[side][i], buf);
			jbuf_add_str(j, NULL, buf);
		}
		jbuf_close_array(j);
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

	if (cfg->ethernet && f->log)
		add_flow_macs(j, f->log);

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
