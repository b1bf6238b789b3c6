/*
 * eve-alert.c — the EVE "alert" and "drop" records, as Suricata 7/8 log them.
 *
 * An alert record carries the packet's own tuple (Suricata logs alerts in packet direction), the
 * rule's identity (gid, signature_id, rev, signature, category, severity), its metadata grouped
 * by key, source/target for rules with `target:`, the tunnel's outer layer for a packet decoded
 * inside one, the flow's counters and start, app_proto, and on request the payload, its
 * printable form and the whole packet. A drop record describes a
 * packet an IPS verdict discarded: its IP and transport header fields and the reason.
 */
#include <string.h>

#include "output/output-int.h"

/* Metadata entries looked at per rule: grouping is quadratic, and a rule file is input. */
#define EVE_ALERT_MAX_META 256
/* packethdr-style dumps and the raw-packet fallback never need more than this. */
#define EVE_PACKET_MAX 65535

/* ---- packet dump ----------------------------------------------------------------------------- */

/* pcap link-layer type names, as Suricata 8 logs them in packet_info.linktype_name. */
static const char *linktype_name(int linktype)
{
	switch (linktype) {
	case 0: return "NULL";
	case 1: return "EN10MB";
	case 12:
	case 14:
	case 101: return "RAW";
	case 113: return "LINUX_SLL";
	case 228: return "IPv4";
	case 229: return "IPv6";
	case 276: return "LINUX_SLL2";
	default: return NULL;
	}
}

void eve_add_packet(struct jbuf *j, const struct packet *p, size_t max)
{
	if (!p->data)
		return;
	size_t len = p->caplen;
	if (max && len > max)
		len = max;
	if (len > EVE_PACKET_MAX)
		len = EVE_PACKET_MAX;
	jbuf_add_base64(j, "packet", p->data, len);
	jbuf_open_object(j, "packet_info");
	jbuf_add_int(j, "linktype", p->linktype);
	const char *name = linktype_name(p->linktype);
	if (name)
		jbuf_add_str(j, "linktype_name", name);
	jbuf_close_object(j);
}

/* ---- alert object -------------------------------------------------------------------------- */

static bool action_drops(enum detect_action a)
{
	return a == DETECT_ACTION_DROP || a == DETECT_ACTION_REJECT;
}

/*
 * Suricata's alert.action: reject always blocks (the reset/unreachable is sent even in IDS
 * mode); drop blocks only when enforced. When rate_filter changed the alert's action, what
 * happened to the packet decides.
 */
static const char *alert_action_word(const struct detect_alert *a,
				     const struct output_alert_info *info)
{
	bool ips = info && info->ips;
	if (a->flags & DETECT_ALERT_F_RATE_CHANGED) {
		enum detect_action v = info ? info->verdict : a->action;
		if (v == DETECT_ACTION_REJECT || (v == DETECT_ACTION_DROP && ips))
			return "blocked";
		return "allowed";
	}
	if (a->action == DETECT_ACTION_REJECT)
		return "blocked";
	if (a->action == DETECT_ACTION_DROP && ips)
		return "blocked";
	return "allowed";
}

/* rule metadata as {"key": ["v1", "v2"], ...}: keys in order of first use, values in order. */
static void add_rule_metadata(struct jbuf *j, const struct rule *r)
{
	unsigned n = r->n_meta < EVE_ALERT_MAX_META ? r->n_meta : EVE_ALERT_MAX_META;
	if (!n || !r->meta)
		return;
	bool opened = false;
	for (unsigned i = 0; i < n; i++) {
		const struct rule_metadata *m = &r->meta[i];
		if (!m->key || !m->value)
			continue;
		bool seen = false;
		for (unsigned k = 0; k < i && !seen; k++)
			seen = r->meta[k].key && r->meta[k].value && !strcmp(r->meta[k].key, m->key);
		if (seen)
			continue;
		if (!opened) {
			jbuf_open_object(j, "metadata");
			opened = true;
		}
		jbuf_open_array(j, m->key);
		for (unsigned k = i; k < n; k++)
			if (r->meta[k].key && r->meta[k].value && !strcmp(r->meta[k].key, m->key))
				jbuf_add_str(j, NULL, r->meta[k].value);
		jbuf_close_array(j);
	}
	if (opened)
		jbuf_close_object(j);
}

static void add_endpoint(struct jbuf *j, const char *key, const struct ip_addr *ip, uint16_t port,
			 bool ports)
{
	char buf[IP_ADDR_STRLEN];
	jbuf_open_object(j, key);
	jbuf_add_str(j, "ip", eve_format_ip(ip, buf));
	if (ports)
		jbuf_add_uint(j, "port", port);
	jbuf_close_object(j);
}

/* `target:src_ip` / `target:dest_ip`: which side is attacked, in terms of this packet. */
static void add_source_target(struct jbuf *j, const struct packet *p, const struct rule *r)
{
	if (!p->ip_version || (r->target != 1 && r->target != 2))
		return;
	bool ports = eve_proto_has_ports(p->ip_proto);
	if (r->target == 2) {
		add_endpoint(j, "source", &p->src, p->sp, ports);
		add_endpoint(j, "target", &p->dst, p->dp, ports);
	} else {
		add_endpoint(j, "source", &p->dst, p->dp, ports);
		add_endpoint(j, "target", &p->src, p->sp, ports);
	}
}

static void add_alert_object(struct eve *e, struct jbuf *j, const struct packet *p,
			     const struct detect_alert *a, const struct output_alert_info *info)
{
	const struct rule *r = a->rule;
	jbuf_open_object(j, "alert");
	jbuf_add_str(j, "action", alert_action_word(a, info));
	jbuf_add_uint(j, "gid", r->gid ? r->gid : 1);
	jbuf_add_uint(j, "signature_id", r->sid);
	jbuf_add_uint(j, "rev", r->rev);
	jbuf_add_str(j, "signature", r->msg ? r->msg : "");
	jbuf_add_str(j, "category", a->category ? a->category : "");
	jbuf_add_int(j, "severity", a->severity);
	add_source_target(j, p, r);
	if (!eve_get_config(e)->alert_no_metadata)
		add_rule_metadata(j, r);
	jbuf_close_object(j);
}

/* ---- alert record -------------------------------------------------------------------------- */

/* The alert's flow object: counters and start, and the flow's own tuple (client as src). */
static void add_alert_flow(struct jbuf *j, const struct flow *f)
{
	char ip[IP_ADDR_STRLEN];
	bool ports = eve_proto_has_ports(f->ip_proto);
	jbuf_open_object(j, "flow");
	eve_add_flow_counters(j, f);
	if (f->ip_version) {
		jbuf_add_str(j, "src_ip", eve_format_ip(&f->src, ip));
		jbuf_add_str(j, "dest_ip", eve_format_ip(&f->dst, ip));
		if (ports) {
			jbuf_add_uint(j, "src_port", f->sp);
			jbuf_add_uint(j, "dest_port", f->dp);
		}
	}
	jbuf_close_object(j);
}

static void add_verdict(struct jbuf *j, const struct output_alert_info *info)
{
	const char *word = "alert";
	if (info && info->verdict == DETECT_ACTION_PASS)
		word = "pass";
	else if (info && info->ips && action_drops(info->verdict))
		word = "drop";
	jbuf_open_object(j, "verdict");
	jbuf_add_str(j, "action", word);
	jbuf_close_object(j);
}

void eve_log_alert(struct eve *e, const struct packet *p, const struct detect_alert *a,
		   const struct output_alert_info *info)
{
	const struct eve_config *cfg = eve_get_config(e);
	if (!cfg->types[EVE_TYPE_ALERT] || !a->rule || (a->flags & DETECT_ALERT_F_NOALERT))
		return;
	struct jbuf *j = eve_jbuf(e);
	const struct flow *f = p->flow;
	bool meta = !cfg->alert_no_metadata;

	eve_begin_record(e, j, "alert", p->ts_usec, p, f);
	if (a->flags & DETECT_ALERT_F_TX)
		jbuf_add_uint(j, "tx_id", a->tx_id);
	else if (info && info->tx_guessed && info->tx)
		jbuf_add_uint(j, "tx_id", info->tx->tx_id);
	add_alert_object(e, j, p, a, info);
	eve_add_tunnel(j, p);
	if (f) {
		/* app_proto stays with metadata: no (which drops the flow and app-layer objects
		 * and the rule metadata), as in Suricata */
		if (info && info->app_proto && info->app_proto[0])
			jbuf_add_str(j, "app_proto", info->app_proto);
		if (meta && info && info->tx) {
			/* the app-layer record of the transaction, as Suricata adds it */
			eve_http_fields_extended(j, info->tx, info->http);
			eve_tls_fields(j, info->tx, NULL);
			eve_ssh_fields(j, info->tx);
			eve_dns_fields(j, info->tx);
		}
		jbuf_add_str(j, "direction",
			     p->flow_dir == FLOW_DIR_TO_CLIENT ? "to_client" : "to_server");
		if (meta)
			add_alert_flow(j, f);
	}
	const uint8_t *pl = p->payload;
	uint32_t pl_len = p->payload ? p->payload_len : 0;
	if ((a->flags & DETECT_ALERT_F_STREAM) && info && info->stream_payload) {
		pl = info->stream_payload;
		pl_len = info->stream_payload_len;
	}
	if (cfg->alert_payload && pl)
		jbuf_add_base64(j, "payload", pl, pl_len);
	if (cfg->alert_payload_printable && pl)
		jbuf_add_printable(j, "payload_printable", pl, pl_len);
	if (cfg->alert_payload_length)
		jbuf_add_uint(j, "payload_length", pl ? pl_len : 0);
	if (cfg->alert_payload || cfg->alert_payload_printable)
		jbuf_add_uint(j, "stream", (a->flags & DETECT_ALERT_F_STREAM) ? 1 : 0);
	if (cfg->alert_packet)
		eve_add_packet(j, p, 0);
	if (cfg->alert_verdict)
		add_verdict(j, info);
	eve_end_record(e, j, EVE_TYPE_ALERT);
}

void eve_log_alerts(struct eve *e, const struct packet *p, const struct detect_result *res,
		    const struct output_alert_info *info)
{
	uint32_t n = res->n_alerts < DETECT_MAX_ALERTS ? res->n_alerts : DETECT_MAX_ALERTS;
	for (uint32_t i = 0; i < n; i++)
		eve_log_alert(e, p, &res->alerts[i], info);
}

/* ---- drop record --------------------------------------------------------------------------- */

const char *eve_drop_reason_name(enum eve_drop_reason r)
{
	static const char *const names[EVE_DROP_REASON_MAX] = {
		[EVE_DROP_RULES] = "rules",
		[EVE_DROP_FLOW] = "flow drop",
		[EVE_DROP_THRESHOLD] = "threshold detection_filter",
		[EVE_DROP_DECODE] = "decode error",
		[EVE_DROP_DEFRAG_ERROR] = "defrag error",
		[EVE_DROP_DEFRAG_MEMCAP] = "defrag memcap",
		[EVE_DROP_FLOW_MEMCAP] = "flow memcap",
		[EVE_DROP_STREAM_ERROR] = "stream error",
		[EVE_DROP_STREAM_MEMCAP] = "stream memcap",
		[EVE_DROP_STREAM_MIDSTREAM] = "stream midstream",
		[EVE_DROP_STREAM_REASSEMBLY] = "stream reassembly",
		[EVE_DROP_APPLAYER_ERROR] = "applayer error",
		[EVE_DROP_APPLAYER_MEMCAP] = "applayer memcap",
		[EVE_DROP_DEFAULT_PACKET] = "default packet policy",
		[EVE_DROP_DEFAULT_APP] = "default app policy",
	};
	return (unsigned)r < EVE_DROP_REASON_MAX ? names[r] : "unknown";
}

const struct detect_alert *output_drop_alert(const struct detect_result *res)
{
	uint32_t n = res->n_alerts < DETECT_MAX_ALERTS ? res->n_alerts : DETECT_MAX_ALERTS;
	for (uint32_t i = 0; i < n; i++)
		if (action_drops(res->alerts[i].action))
			return &res->alerts[i];
	return NULL;
}

static uint16_t get_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* The header fields of the drop object; each only when its header was decoded. */
static void add_drop_fields(struct jbuf *j, const struct packet *p)
{
	if (p->ip_version == 4) {
		jbuf_add_uint(j, "len", p->ip_len);
		jbuf_add_uint(j, "tos", p->ip_tos);
		jbuf_add_uint(j, "ttl", p->ip_ttl);
		jbuf_add_uint(j, "ipid", p->ip_id);
	} else if (p->ip_version == 6) {
		/* IPv6 logs the payload length field, not the total. */
		jbuf_add_uint(j, "len", p->ip_len >= 40 ? p->ip_len - 40 : 0);
		jbuf_add_uint(j, "tc", p->ip_tos);
		jbuf_add_uint(j, "hoplimit", p->ip_ttl);
		jbuf_add_uint(j, "flowlbl", p->ipv6_flow_label);
	}
	if (!p->l4_hdr)
		return;
	if (p->ip_proto == 6 && p->l4_hlen >= 20) {
		jbuf_add_uint(j, "tcpseq", p->tcp_seq);
		jbuf_add_uint(j, "tcpack", p->tcp_ack);
		jbuf_add_uint(j, "tcpwin", p->tcp_win);
		jbuf_add_bool(j, "syn", p->tcp_flags & TH_SYN);
		jbuf_add_bool(j, "ack", p->tcp_flags & TH_ACK);
		jbuf_add_bool(j, "psh", p->tcp_flags & TH_PUSH);
		jbuf_add_bool(j, "rst", p->tcp_flags & TH_RST);
		jbuf_add_bool(j, "urg", p->tcp_flags & TH_URG);
		jbuf_add_bool(j, "fin", p->tcp_flags & TH_FIN);
		/* the four bits after the data offset */
		jbuf_add_uint(j, "tcpres", p->l4_hdr[12] & 0x0f);
		jbuf_add_uint(j, "tcpurgp", p->tcp_urp);
	} else if (p->ip_proto == 17 && p->l4_hlen >= 8) {
		jbuf_add_uint(j, "udplen", get_be16(p->l4_hdr + 4));
	} else if (eve_proto_is_icmp(p->ip_proto) && p->icmp_has_id) {
		jbuf_add_uint(j, "icmp_id", p->icmp_id);
		jbuf_add_uint(j, "icmp_seq", p->icmp_seq);
	}
}

void eve_log_drop(struct eve *e, const struct packet *p, enum eve_drop_reason reason,
		  const struct detect_alert *a, const struct output_alert_info *info)
{
	const struct eve_config *cfg = eve_get_config(e);
	if (!cfg->types[EVE_TYPE_DROP])
		return;
	struct jbuf *j = eve_jbuf(e);

	eve_begin_record(e, j, "drop", p->ts_usec, p, p->flow);
	jbuf_open_object(j, "drop");
	add_drop_fields(j, p);
	jbuf_add_str(j, "reason", eve_drop_reason_name(reason));
	jbuf_close_object(j);
	if (cfg->drop_alerts && a && a->rule)
		add_alert_object(e, j, p, a, info);
	if (cfg->drop_verdict)
		add_verdict(j, info);
	eve_end_record(e, j, EVE_TYPE_DROP);
}
