/*
 * test-output-alert.c — unit tests of the alert outputs: EVE "alert" and "drop" records, the
 * anomaly `packethdr` option, and fast.log lines.
 *
 * Packets are built by hand (real header bytes where a record dumps them) and rules are parsed
 * from rule text with the rules library, so metadata, target and the header fields come out of
 * the same parser the engine uses. Every EVE test appends to one temporary eve.json, reads back
 * its own lines with jansson and checks them field by field; the last test runs
 * qa/tools/eve-validate.py on the whole file against Suricata's schema. fast.log lines are
 * compared exactly.
 */
#include <errno.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "eve-validate.h"
#include <jansson.h>

#include "output/output-int.h"
#include "rules/rules.h"

#ifndef AEGIS_SRCDIR
#define AEGIS_SRCDIR "."
#endif

extern char **environ;

#define T0 1700000000ULL /* 2023-11-14T22:13:20 UTC */

/* ---- fixtures: rules ---------------------------------------------------------------------- */

static struct rules_ruleset *g_rs;

/* Parse one rule; fails the test if it does not load. */
static const struct rule *rule_from(const char *text)
{
	size_t before = rules_ruleset_count(g_rs);
	assert_int_equal(rules_load_string(g_rs, text, strlen(text), "test.rules"), 0);
	if (rules_ruleset_count(g_rs) != before + 1) {
		for (size_t i = 0; i < rules_diag_count(g_rs); i++) {
			char buf[512];
			rules_diag_format(rules_diag_at(g_rs, i), buf, sizeof(buf));
			print_message("%s\n", buf);
		}
		fail_msg("rule did not load: %s", text);
	}
	return rules_ruleset_rule(g_rs, before);
}

static struct detect_alert alert_for(const struct rule *r, enum detect_action action)
{
	struct detect_alert a;
	memset(&a, 0, sizeof(a));
	a.rule = r;
	a.action = action;
	a.category = "Misc activity";
	a.severity = 3;
	return a;
}

/* ---- fixtures: packets -------------------------------------------------------------------- */

struct test_pkt {
	struct packet p;
	uint8_t bytes[256];
	struct flow f;
};

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

/* The flow of a test packet: client 10.0.0.1:40000 -> server 192.168.1.2:80 unless changed. */
static void flow_init(struct flow *f, const struct packet *p)
{
	memset(f, 0, sizeof(*f));
	f->src = p->src;
	f->dst = p->dst;
	f->sp = p->sp;
	f->dp = p->dp;
	f->ip_proto = p->ip_proto;
	f->ip_version = p->ip_version;
	f->flow_id = 1234567890123ULL;
	f->start_usec = T0 * USEC_PER_SEC + 250000;
	f->last_usec = T0 * USEC_PER_SEC + 900000;
	f->pkts[0] = 3;
	f->pkts[1] = 2;
	f->bytes[0] = 300;
	f->bytes[1] = 1500;
}

/*
 * Ethernet + IPv4 + TCP (ACK|PSH, seq 1000, ack 2000, win 512, urg 0) + payload, decoded by
 * hand into the struct packet fields the output stage reads. With_flow attaches a flow in
 * to_server direction.
 */
static void pkt_tcp4(struct test_pkt *t, const char *payload, bool with_flow)
{
	memset(t, 0, sizeof(*t));
	size_t plen = strlen(payload);
	uint8_t *b = t->bytes;
	static const uint8_t eth[14] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00 };
	memcpy(b, eth, 14);
	uint8_t *ip = b + 14, *tcp = ip + 20;
	ip[0] = 0x45;
	ip[1] = 0x10;
	put16(ip + 2, (uint16_t)(40 + plen));
	put16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = 6;
	const uint8_t s[4] = { 10, 0, 0, 1 }, d[4] = { 192, 168, 1, 2 };
	memcpy(ip + 12, s, 4);
	memcpy(ip + 16, d, 4);
	put16(tcp, 40000);
	put16(tcp + 2, 80);
	put32(tcp + 4, 1000);
	put32(tcp + 8, 2000);
	tcp[12] = 0x50;
	tcp[13] = TH_ACK | TH_PUSH;
	put16(tcp + 14, 512);
	memcpy(tcp + 20, payload, plen);

	struct packet *p = &t->p;
	p->data = b;
	p->caplen = p->wirelen = (uint32_t)(54 + plen);
	p->ts_usec = T0 * USEC_PER_SEC + 500000;
	p->linktype = 1;
	p->pcap_cnt = 7;
	p->flags = PKT_F_HAS_ETH;
	p->ip_version = 4;
	p->ip_hdr = ip;
	p->ip_hlen = 20;
	p->ip_len = (uint32_t)(40 + plen);
	ip_addr_set_v4(&p->src, s);
	ip_addr_set_v4(&p->dst, d);
	p->ip_proto = 6;
	p->ip_ttl = 64;
	p->ip_tos = 0x10;
	p->ip_id = 0x1234;
	p->l4_hdr = tcp;
	p->l4_hlen = 20;
	p->sp = 40000;
	p->dp = 80;
	p->tcp_seq = 1000;
	p->tcp_ack = 2000;
	p->tcp_flags = TH_ACK | TH_PUSH;
	p->tcp_win = 512;
	p->payload = tcp + 20;
	p->payload_len = (uint32_t)plen;
	if (with_flow) {
		flow_init(&t->f, p);
		p->flow = &t->f;
		p->flow_dir = FLOW_DIR_TO_SERVER;
	}
}

/* The same TCP packet as the server's reply: addresses and ports swapped, to_client. */
static void pkt_tcp4_reply(struct test_pkt *t)
{
	pkt_tcp4(t, "HTTP/1.1 200 OK\r\n", true);
	struct packet *p = &t->p;
	struct ip_addr tmp = p->src;
	p->src = p->dst;
	p->dst = tmp;
	p->sp = 80;
	p->dp = 40000;
	p->flow_dir = FLOW_DIR_TO_CLIENT;
}

/* IPv6 + UDP 5353 -> 53 with a flow, no link layer bytes kept (raw IPv6 link type). */
static void pkt_udp6(struct test_pkt *t)
{
	memset(t, 0, sizeof(*t));
	uint8_t *ip = t->bytes, *udp = ip + 40;
	ip[0] = 0x60;
	ip[1] = 0x00;
	put16(ip + 4, 12);
	ip[6] = 17;
	ip[7] = 55;
	put16(udp, 5353);
	put16(udp + 2, 53);
	put16(udp + 4, 12);
	memcpy(udp + 8, "abcd", 4);
	struct packet *p = &t->p;
	p->data = t->bytes;
	p->caplen = p->wirelen = 52;
	p->ts_usec = T0 * USEC_PER_SEC + 1;
	p->linktype = 229;
	p->ip_version = 6;
	p->ip_hdr = ip;
	p->ip_hlen = 40;
	p->ip_len = 52;
	assert_int_equal(ip_addr_parse("2001:db8::1", &p->src), 0);
	assert_int_equal(ip_addr_parse("2001:db8::53", &p->dst), 0);
	memcpy(ip + 8, p->src.b, 16);
	memcpy(ip + 24, p->dst.b, 16);
	p->ip_proto = 17;
	p->ip_ttl = 55;
	p->ipv6_flow_label = 0xabcde;
	p->l4_hdr = udp;
	p->l4_hlen = 8;
	p->sp = 5353;
	p->dp = 53;
	p->payload = udp + 8;
	p->payload_len = 4;
	flow_init(&t->f, p);
	p->flow = &t->f;
	p->flow_dir = FLOW_DIR_TO_SERVER;
}

/* ICMP echo request 10.0.0.1 -> 10.0.0.2, id 7 seq 9, with an ICMP flow. */
static void pkt_icmp4(struct test_pkt *t)
{
	memset(t, 0, sizeof(*t));
	struct packet *p = &t->p;
	uint8_t *ip = t->bytes, *icmp = ip + 20;
	ip[0] = 0x45;
	put16(ip + 2, 28);
	ip[8] = 1;
	ip[9] = 1;
	icmp[0] = 8;
	put16(icmp + 4, 7);
	put16(icmp + 6, 9);
	p->data = t->bytes;
	p->caplen = p->wirelen = 28;
	p->ts_usec = T0 * USEC_PER_SEC;
	p->linktype = 228;
	p->ip_version = 4;
	p->ip_hdr = ip;
	p->ip_len = 28;
	const uint8_t s[4] = { 10, 0, 0, 1 }, d[4] = { 10, 0, 0, 2 };
	ip_addr_set_v4(&p->src, s);
	ip_addr_set_v4(&p->dst, d);
	p->ip_proto = 1;
	p->ip_ttl = 1;
	p->l4_hdr = icmp;
	p->l4_hlen = 8;
	p->sp = 8;
	p->dp = 0;
	p->icmp_type = 8;
	p->icmp_code = 0;
	p->icmp_id = 7;
	p->icmp_seq = 9;
	p->icmp_has_id = true;
	flow_init(&t->f, p);
	t->f.icmp_type = 8;
	p->flow = &t->f;
}

/* ---- EVE file helpers ----------------------------------------------------------------------- */

static char g_dir[64];
static char g_path[128];
static off_t g_offset;

#define MAX_RECORDS 32

struct records {
	json_t *r[MAX_RECORDS];
	size_t n;
};

static struct eve *eve_start(const struct eve_config *cfg_in)
{
	struct eve_config cfg;
	if (cfg_in)
		cfg = *cfg_in;
	else
		eve_config_defaults(&cfg);
	struct stat st;
	g_offset = stat(g_path, &st) == 0 ? st.st_size : 0;
	struct eve *e = NULL;
	char err[256] = "";
	if (eve_open(&e, &cfg, g_dir, err, sizeof(err)) != 0)
		fail_msg("eve_open: %s", err);
	return e;
}

static void eve_finish(struct eve *e, struct records *out)
{
	char err[256] = "";
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);
	FILE *f = fopen(g_path, "r");
	assert_non_null(f);
	assert_int_equal(fseeko(f, g_offset, SEEK_SET), 0);
	out->n = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		assert_int_equal(line[len - 1], '\n');
		json_error_t jerr;
		json_t *r = json_loadb(line, (size_t)len, 0, &jerr);
		if (!r)
			fail_msg("record is not JSON (%s): %s", jerr.text, line);
		assert_true(out->n < MAX_RECORDS);
		out->r[out->n++] = r;
	}
	free(line);
	fclose(f);
}

static void records_free(struct records *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		json_decref(rs->r[i]);
	rs->n = 0;
}

/* Log one alert with `cfg` (NULL: defaults) and return its single record (caller decrefs). */
static json_t *one_alert(const struct eve_config *cfg, const struct packet *p,
			 const struct detect_alert *a, const struct output_alert_info *info)
{
	struct eve *e = eve_start(cfg);
	eve_log_alert(e, p, a, info);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	return rs.r[0];
}

static json_t *jget(json_t *root, const char *path)
{
	char buf[128];
	util_strlcpy(buf, path, sizeof(buf));
	json_t *cur = root;
	for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && cur;
	     tok = strtok_r(NULL, ".", &save))
		cur = json_is_array(cur) ? json_array_get(cur, strtoul(tok, NULL, 10))
					 : json_object_get(cur, tok);
	return cur;
}

static void assert_str_field(json_t *r, const char *path, const char *expect)
{
	json_t *v = jget(r, path);
	if (!json_is_string(v))
		fail_msg("%s: not a string", path);
	assert_string_equal(json_string_value(v), expect);
}

static void assert_int_field(json_t *r, const char *path, json_int_t expect)
{
	json_t *v = jget(r, path);
	if (!json_is_integer(v))
		fail_msg("%s: not an integer", path);
	assert_int_equal(json_integer_value(v), expect);
}

static void assert_bool_field(json_t *r, const char *path, bool expect)
{
	json_t *v = jget(r, path);
	if (!json_is_boolean(v))
		fail_msg("%s: not a boolean", path);
	assert_int_equal(json_is_true(v), expect);
}

static void assert_absent(json_t *r, const char *path)
{
	if (jget(r, path))
		fail_msg("%s: present but should not be", path);
}

static const struct rule *basic_rule(void)
{
	static const struct rule *r;
	if (!r)
		r = rule_from("alert tcp any any -> any 80 (msg:\"ET TEST basic \\\"quoted\\\"\"; "
			      "content:\"GET\"; sid:2000001; rev:3;)");
	return r;
}

/* ---- EVE alert tests ------------------------------------------------------------------------ */

static void test_config_defaults(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	/* Suricata's defaults when the keys are absent: all off, metadata on. */
	assert_false(cfg.alert_payload);
	assert_false(cfg.alert_payload_printable);
	assert_false(cfg.alert_payload_length);
	assert_false(cfg.alert_packet);
	assert_false(cfg.alert_no_metadata);
	assert_false(cfg.alert_verdict);
	assert_false(cfg.drop_alerts);
	assert_false(cfg.drop_flows_all);
	assert_false(cfg.anomaly_packethdr);
	struct fast_log_config fc;
	memset(&fc, 0xff, sizeof(fc));
	fast_log_config_defaults(&fc);
	assert_true(fc.enabled);
	assert_true(fc.append);
	assert_string_equal(fc.filename, "fast.log");
}

static void test_alert_tcp4_basic(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "GET / HTTP/1.1\r\n", true);
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	a.severity = 2;
	a.category = "Potentially Bad Traffic";
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	assert_str_field(r, "timestamp", "2023-11-14T22:13:20.500000+0000");
	assert_int_field(r, "flow_id", 1234567890123LL);
	assert_int_field(r, "pcap_cnt", 7);
	assert_str_field(r, "event_type", "alert");
	assert_str_field(r, "src_ip", "10.0.0.1");
	assert_int_field(r, "src_port", 40000);
	assert_str_field(r, "dest_ip", "192.168.1.2");
	assert_int_field(r, "dest_port", 80);
	assert_str_field(r, "proto", "TCP");
	assert_int_field(r, "ip_v", 4);
	assert_str_field(r, "pkt_src", "wire/pcap");
	assert_str_field(r, "direction", "to_server");
	assert_str_field(r, "alert.action", "allowed");
	assert_int_field(r, "alert.gid", 1);
	assert_int_field(r, "alert.signature_id", 2000001);
	assert_int_field(r, "alert.rev", 3);
	assert_str_field(r, "alert.signature", "ET TEST basic \"quoted\"");
	assert_str_field(r, "alert.category", "Potentially Bad Traffic");
	assert_int_field(r, "alert.severity", 2);
	assert_int_field(r, "flow.pkts_toserver", 3);
	assert_int_field(r, "flow.pkts_toclient", 2);
	assert_int_field(r, "flow.bytes_toserver", 300);
	assert_int_field(r, "flow.bytes_toclient", 1500);
	assert_str_field(r, "flow.start", "2023-11-14T22:13:20.250000+0000");
	assert_str_field(r, "flow.src_ip", "10.0.0.1");
	assert_int_field(r, "flow.dest_port", 80);
	/* off by default */
	assert_absent(r, "tx_id");
	assert_absent(r, "payload");
	assert_absent(r, "payload_printable");
	assert_absent(r, "packet");
	assert_absent(r, "stream");
	assert_absent(r, "alert.metadata");
	assert_absent(r, "alert.source");
	assert_absent(r, "app_proto");
	assert_absent(r, "verdict");
	json_decref(r);
}

/* A server's reply keeps the packet's tuple; the flow object keeps the client as src. */
static void test_alert_to_client(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4_reply(&t);
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	assert_str_field(r, "src_ip", "192.168.1.2");
	assert_int_field(r, "src_port", 80);
	assert_str_field(r, "dest_ip", "10.0.0.1");
	assert_int_field(r, "dest_port", 40000);
	assert_str_field(r, "direction", "to_client");
	assert_str_field(r, "flow.src_ip", "10.0.0.1");
	assert_int_field(r, "flow.src_port", 40000);
	assert_str_field(r, "flow.dest_ip", "192.168.1.2");
	json_decref(r);
}

static void test_alert_udp6(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_udp6(&t);
	const struct rule *rule = rule_from("alert udp any any -> any 53 (msg:\"DNS v6\"; "
					    "sid:10; rev:1;)");
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	struct output_alert_info info = { .app_proto = "dns" };
	json_t *r = one_alert(NULL, &t.p, &a, &info);
	assert_str_field(r, "src_ip", "2001:0db8:0000:0000:0000:0000:0000:0001");
	assert_str_field(r, "dest_ip", "2001:0db8:0000:0000:0000:0000:0000:0053");
	assert_int_field(r, "src_port", 5353);
	assert_int_field(r, "dest_port", 53);
	assert_str_field(r, "proto", "UDP");
	assert_int_field(r, "ip_v", 6);
	assert_str_field(r, "app_proto", "dns");
	assert_str_field(r, "flow.dest_ip", "2001:0db8:0000:0000:0000:0000:0000:0053");
	json_decref(r);
}

static void test_alert_icmp(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_icmp4(&t);
	const struct rule *rule = rule_from("alert icmp any any -> any any (msg:\"ping\"; "
					    "itype:8; sid:11;)");
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	assert_str_field(r, "proto", "ICMP");
	assert_int_field(r, "icmp_type", 8);
	assert_int_field(r, "icmp_code", 0);
	assert_absent(r, "src_port");
	assert_absent(r, "dest_port");
	assert_absent(r, "flow.src_port");
	assert_str_field(r, "flow.src_ip", "10.0.0.1");
	assert_str_field(r, "direction", "to_server");
	json_decref(r);
}

static void test_alert_no_flow(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", false);
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	struct output_alert_info info = { .app_proto = "http" };
	json_t *r = one_alert(NULL, &t.p, &a, &info);
	assert_absent(r, "flow_id");
	assert_absent(r, "flow");
	assert_absent(r, "direction");
	assert_absent(r, "app_proto"); /* an app protocol belongs to a flow */
	assert_int_field(r, "alert.signature_id", 2000001);
	json_decref(r);
}

static void test_alert_vlan(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	t.p.vlan_count = 2;
	t.p.vlan_id[0] = 10;
	t.p.vlan_id[1] = 20;
	t.p.iface = "eth1";
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	assert_int_field(r, "vlan.0", 10);
	assert_int_field(r, "vlan.1", 20);
	assert_int_equal(json_array_size(jget(r, "vlan")), 2);
	assert_str_field(r, "in_iface", "eth1");
	json_decref(r);
}

static void test_alert_metadata_grouped(void **state)
{
	(void)state;
	const struct rule *rule = rule_from(
		"alert tcp any any -> any any (msg:\"meta\"; metadata: policy balanced-ips, "
		"created_at 2020_01_01, policy security-ips, tag one; metadata: policy max-detect;"
		" sid:12; rev:2;)");
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	json_t *m = jget(r, "alert.metadata");
	assert_true(json_is_object(m));
	assert_int_equal(json_object_size(m), 3);
	assert_int_equal(json_array_size(json_object_get(m, "policy")), 3);
	assert_str_field(r, "alert.metadata.policy.0", "balanced-ips");
	assert_str_field(r, "alert.metadata.policy.1", "security-ips");
	assert_str_field(r, "alert.metadata.policy.2", "max-detect");
	assert_str_field(r, "alert.metadata.created_at.0", "2020_01_01");
	assert_str_field(r, "alert.metadata.tag.0", "one");
	json_decref(r);
}

/* metadata: no removes rule metadata, the flow object and app_proto. */
static void test_alert_metadata_off(void **state)
{
	(void)state;
	const struct rule *rule = rule_from("alert tcp any any -> any any (msg:\"meta off\"; "
					    "metadata: tag a; sid:13;)");
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.alert_no_metadata = true;
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	struct output_alert_info info = { .app_proto = "http" };
	json_t *r = one_alert(&cfg, &t.p, &a, &info);
	assert_absent(r, "alert.metadata");
	assert_absent(r, "flow");
	assert_str_field(r, "app_proto", "http"); /* kept, as Suricata does (bug-28) */
	assert_int_field(r, "flow_id", 1234567890123LL);
	assert_int_field(r, "alert.signature_id", 13);
	json_decref(r);
}

static void test_alert_target_dest(void **state)
{
	(void)state;
	const struct rule *rule = rule_from("alert tcp any any -> any any (msg:\"tgt dst\"; "
					    "target:dest_ip; sid:14;)");
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	assert_str_field(r, "alert.source.ip", "10.0.0.1");
	assert_int_field(r, "alert.source.port", 40000);
	assert_str_field(r, "alert.target.ip", "192.168.1.2");
	assert_int_field(r, "alert.target.port", 80);
	/* the header keeps the packet's tuple */
	assert_str_field(r, "src_ip", "10.0.0.1");
	json_decref(r);
}

static void test_alert_target_src_icmp(void **state)
{
	(void)state;
	const struct rule *rule = rule_from("alert icmp any any -> any any (msg:\"tgt src\"; "
					    "target:src_ip; sid:15;)");
	struct test_pkt t;
	pkt_icmp4(&t);
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	assert_str_field(r, "alert.target.ip", "10.0.0.1");
	assert_str_field(r, "alert.source.ip", "10.0.0.2");
	assert_absent(r, "alert.target.port"); /* ICMP has no ports */
	assert_absent(r, "alert.source.port");
	json_decref(r);
}

static void test_alert_payload_and_packet(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "GET /\r\n\x01\"", true);
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.alert_payload = true;
	cfg.alert_payload_printable = true;
	cfg.alert_payload_length = true;
	cfg.alert_packet = true;
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	a.flags = DETECT_ALERT_F_STREAM;
	json_t *r = one_alert(&cfg, &t.p, &a, NULL);
	assert_str_field(r, "payload", "R0VUIC8NCgEi");
	assert_str_field(r, "payload_printable", "GET /\r\n.\"");
	assert_int_field(r, "payload_length", 9);
	assert_int_field(r, "stream", 1);
	assert_int_field(r, "packet_info.linktype", 1);
	assert_str_field(r, "packet_info.linktype_name", "EN10MB");
	/* the whole packet, decoded back byte for byte */
	const char *b64 = json_string_value(jget(r, "packet"));
	assert_non_null(b64);
	assert_int_equal(strlen(b64), (size_t)((t.p.caplen + 2) / 3 * 4));
	assert_memory_equal(b64, "AAECAwQFBgcICQoLCABFEA", 22);
	json_decref(r);
	/* with the stream bytes the alert matched in, those are its payload (the packet stays
	 * the packet); a packet alert keeps the packet's payload */
	struct output_alert_info info = { .stream_payload = (const uint8_t *)"GOOD",
					  .stream_payload_len = 4 };
	r = one_alert(&cfg, &t.p, &a, &info);
	assert_str_field(r, "payload", "R09PRA==");
	assert_str_field(r, "payload_printable", "GOOD");
	assert_int_field(r, "payload_length", 4);
	json_decref(r);
	a.flags = 0;
	r = one_alert(&cfg, &t.p, &a, &info);
	assert_str_field(r, "payload_printable", "GET /\r\n.\"");
	assert_int_field(r, "stream", 0);
	json_decref(r);
}

/* payload-length alone: the length, no payload or stream field. */
/* detect.guess-applayer-tx: a packet alert logs the tx_id of the flow's only transaction;
 * without the guess it has none. */
static void test_alert_guessed_tx_id(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "abc", true);
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	struct app_tx tx;
	memset(&tx, 0, sizeof(tx));
	tx.tx_id = 5;
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	struct output_alert_info info = { .tx = &tx, .tx_guessed = true };
	json_t *r = one_alert(&cfg, &t.p, &a, &info);
	assert_int_field(r, "tx_id", 5);
	json_decref(r);
	info.tx_guessed = false;
	r = one_alert(&cfg, &t.p, &a, &info);
	assert_null(json_object_get(r, "tx_id"));
	json_decref(r);
}

static void test_alert_payload_length_only(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "abc", true);
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.alert_payload_length = true;
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	json_t *r = one_alert(&cfg, &t.p, &a, NULL);
	assert_int_field(r, "payload_length", 3);
	assert_absent(r, "payload");
	assert_absent(r, "stream");
	json_decref(r);
}

/* alert.action for each action in IDS and IPS mode, and after rate_filter. */
static void test_alert_action_words(void **state)
{
	(void)state;
	static const struct {
		enum detect_action action;
		bool rate_changed, ips;
		enum detect_action verdict;
		const char *expect;
	} cases[] = {
		{ DETECT_ACTION_ALERT, false, false, DETECT_ACTION_ALERT, "allowed" },
		{ DETECT_ACTION_ALERT, false, true, DETECT_ACTION_ALERT, "allowed" },
		{ DETECT_ACTION_DROP, false, false, DETECT_ACTION_DROP, "allowed" },
		{ DETECT_ACTION_DROP, false, true, DETECT_ACTION_DROP, "blocked" },
		{ DETECT_ACTION_REJECT, false, false, DETECT_ACTION_REJECT, "blocked" },
		{ DETECT_ACTION_REJECT, false, true, DETECT_ACTION_REJECT, "blocked" },
		{ DETECT_ACTION_PASS, false, true, DETECT_ACTION_PASS, "allowed" },
		/* rate_filter: the packet's fate decides */
		{ DETECT_ACTION_DROP, true, true, DETECT_ACTION_DROP, "blocked" },
		{ DETECT_ACTION_DROP, true, true, DETECT_ACTION_ALERT, "allowed" },
		{ DETECT_ACTION_ALERT, true, true, DETECT_ACTION_DROP, "blocked" },
		{ DETECT_ACTION_DROP, true, false, DETECT_ACTION_DROP, "allowed" },
	};
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct eve *e = eve_start(NULL);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct detect_alert a = alert_for(basic_rule(), cases[i].action);
		if (cases[i].rate_changed)
			a.flags |= DETECT_ALERT_F_RATE_CHANGED;
		struct output_alert_info info = { .ips = cases[i].ips, .verdict = cases[i].verdict };
		eve_log_alert(e, &t.p, &a, &info);
	}
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, ARRAY_SIZE(cases));
	for (size_t i = 0; i < rs.n; i++) {
		const char *got = json_string_value(jget(rs.r[i], "alert.action"));
		if (!got || strcmp(got, cases[i].expect))
			fail_msg("case %zu: action %s, expected %s", i, got ? got : "(none)",
				 cases[i].expect);
	}
	records_free(&rs);
}

static void test_alert_tx_id(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "GET / HTTP/1.1\r\n", true);
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	a.flags = DETECT_ALERT_F_TX;
	a.tx_id = 4;
	struct output_alert_info info = { .app_proto = "http" };
	json_t *r = one_alert(NULL, &t.p, &a, &info);
	assert_int_field(r, "tx_id", 4);
	assert_str_field(r, "app_proto", "http");
	json_decref(r);

	/* tx_id 0 is a real transaction id, logged too */
	a.tx_id = 0;
	r = one_alert(NULL, &t.p, &a, &info);
	assert_int_field(r, "tx_id", 0);
	json_decref(r);
}

/* noalert matches and a disabled alert type write nothing; eve_log_alerts keeps the order. */
static void test_alert_filtering_and_order(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	const struct rule *r2 = rule_from("alert tcp any any -> any any (msg:\"second\"; sid:16;)");
	struct detect_result res;
	memset(&res, 0, sizeof(res));
	res.n_alerts = 3;
	res.alerts[0] = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	res.alerts[1] = alert_for(r2, DETECT_ACTION_ALERT);
	res.alerts[1].flags = DETECT_ALERT_F_NOALERT;
	res.alerts[2] = alert_for(r2, DETECT_ACTION_ALERT);

	struct eve *e = eve_start(NULL);
	eve_log_alerts(e, &t.p, &res, NULL);
	struct eve_counters c;
	eve_get_counters(e, &c);
	assert_int_equal(c.records[EVE_TYPE_ALERT], 2);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 2);
	assert_int_field(rs.r[0], "alert.signature_id", 2000001);
	assert_int_field(rs.r[1], "alert.signature_id", 16);
	records_free(&rs);

	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.types[EVE_TYPE_ALERT] = false;
	e = eve_start(&cfg);
	eve_log_alerts(e, &t.p, &res, NULL);
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 0);
}

static void test_alert_verdict(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.alert_verdict = true;
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_DROP);
	struct output_alert_info info = { .ips = true, .verdict = DETECT_ACTION_DROP };
	json_t *r = one_alert(&cfg, &t.p, &a, &info);
	assert_str_field(r, "verdict.action", "drop");
	json_decref(r);
	info.ips = false;
	r = one_alert(&cfg, &t.p, &a, &info);
	assert_str_field(r, "verdict.action", "alert");
	json_decref(r);
	info.verdict = DETECT_ACTION_PASS;
	r = one_alert(&cfg, &t.p, &a, &info);
	assert_str_field(r, "verdict.action", "pass");
	json_decref(r);
}

/* gid from the rule, an empty category, a tunnelled packet's pkt_src. */
static void test_alert_gid_category_tunnel(void **state)
{
	(void)state;
	const struct rule *rule = rule_from("alert ip any any -> any any (msg:\"gid\"; gid:3; "
					    "sid:17; rev:9;)");
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	t.p.flags |= PKT_F_TUNNELED;
	t.p.outer_ip_proto = 47;
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	a.category = "";
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	assert_int_field(r, "alert.gid", 3);
	assert_int_field(r, "alert.rev", 9);
	assert_str_field(r, "alert.category", "");
	assert_str_field(r, "pkt_src", "gre tunnel");
	json_decref(r);
}

/* A packet decoded inside a tunnel: the alert carries Suricata's tunnel object (the outermost
 * layer, the depth, the root's pcap_cnt and pkt_src) and names the innermost encapsulation in
 * pkt_src; a drop record and a plain packet's alert carry none. */
static void test_alert_tunnel_object(void **state)
{
	(void)state;
	const struct rule *rule = rule_from("alert tcp any any -> any any (msg:\"t\"; sid:21;)");
	struct test_pkt t;
	pkt_tcp4(&t, "hello", true);
	t.p.flags |= PKT_F_TUNNELED;
	t.p.tunnel_depth = 1;
	t.p.tunnel_kind = PKT_TUNNEL_IPV6;
	t.p.outer_ip_proto = 41;
	assert_int_equal(ip_addr_parse("2001:db8:85a3::8a2e:370:7334", &t.p.outer_src), 0);
	assert_int_equal(ip_addr_parse("2001:db8:85a3::8a2e:370:7335", &t.p.outer_dst), 0);
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	json_t *r = one_alert(NULL, &t.p, &a, NULL);
	assert_str_field(r, "pkt_src", "ipv6 tunnel");
	assert_str_field(r, "src_ip", "10.0.0.1");
	assert_str_field(r, "tunnel.src_ip", "2001:0db8:85a3:0000:0000:8a2e:0370:7334");
	assert_str_field(r, "tunnel.dest_ip", "2001:0db8:85a3:0000:0000:8a2e:0370:7335");
	assert_int_field(r, "tunnel.src_port", 0);
	assert_int_field(r, "tunnel.dest_port", 0);
	assert_str_field(r, "tunnel.proto", "IPv6");
	assert_int_field(r, "tunnel.depth", 1);
	assert_int_field(r, "tunnel.pcap_cnt", 7);
	assert_str_field(r, "tunnel.pkt_src", "wire/pcap");
	json_decref(r);

	/* two layers deep under a GRE carrier: the innermost encapsulation names pkt_src, the
	 * outermost one the tunnel; no pcap_cnt for a packet that has none */
	t.p.tunnel_depth = 2;
	t.p.tunnel_kind = PKT_TUNNEL_IPV4;
	t.p.outer_ip_proto = 47;
	t.p.pcap_cnt = 0;
	assert_int_equal(ip_addr_parse("198.51.100.1", &t.p.outer_src), 0);
	assert_int_equal(ip_addr_parse("198.51.100.2", &t.p.outer_dst), 0);
	r = one_alert(NULL, &t.p, &a, NULL);
	assert_str_field(r, "pkt_src", "ipv4 tunnel");
	assert_str_field(r, "tunnel.src_ip", "198.51.100.1");
	assert_str_field(r, "tunnel.proto", "GRE");
	assert_int_field(r, "tunnel.depth", 2);
	assert_absent(r, "tunnel.pcap_cnt");
	json_decref(r);

	/* a drop record has no tunnel object (Suricata's has none either) */
	struct eve *e = eve_start(NULL);
	eve_log_drop(e, &t.p, EVE_DROP_FLOW, NULL, NULL);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	assert_absent(rs.r[0], "tunnel");
	records_free(&rs);

	/* outside any tunnel: none */
	pkt_tcp4(&t, "hello", true);
	r = one_alert(NULL, &t.p, &a, NULL);
	assert_absent(r, "tunnel");
	assert_str_field(r, "pkt_src", "wire/pcap");
	json_decref(r);
}

/* ---- EVE drop tests ------------------------------------------------------------------------- */

static void test_drop_tcp4(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "abcd", true);
	t.bytes[14 + 20 + 12] = 0x53; /* reserved bits 0011 */
	t.p.tcp_urp = 5;
	struct eve *e = eve_start(NULL);
	eve_log_drop(e, &t.p, EVE_DROP_FLOW, NULL, NULL);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	json_t *r = rs.r[0];
	assert_str_field(r, "event_type", "drop");
	assert_str_field(r, "src_ip", "10.0.0.1");
	assert_int_field(r, "drop.len", 44);
	assert_int_field(r, "drop.tos", 0x10);
	assert_int_field(r, "drop.ttl", 64);
	assert_int_field(r, "drop.ipid", 0x1234);
	assert_int_field(r, "drop.tcpseq", 1000);
	assert_int_field(r, "drop.tcpack", 2000);
	assert_int_field(r, "drop.tcpwin", 512);
	assert_bool_field(r, "drop.syn", false);
	assert_bool_field(r, "drop.ack", true);
	assert_bool_field(r, "drop.psh", true);
	assert_bool_field(r, "drop.rst", false);
	assert_bool_field(r, "drop.urg", false);
	assert_bool_field(r, "drop.fin", false);
	assert_int_field(r, "drop.tcpres", 3);
	assert_int_field(r, "drop.tcpurgp", 5);
	assert_str_field(r, "drop.reason", "flow drop");
	assert_absent(r, "alert");
	records_free(&rs);
}

static void test_drop_udp6_icmp(void **state)
{
	(void)state;
	struct test_pkt u, i;
	pkt_udp6(&u);
	pkt_icmp4(&i);
	struct eve *e = eve_start(NULL);
	eve_log_drop(e, &u.p, EVE_DROP_DEFAULT_PACKET, NULL, NULL);
	eve_log_drop(e, &i.p, EVE_DROP_RULES, NULL, NULL);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 2);
	assert_int_field(rs.r[0], "drop.len", 12);
	assert_int_field(rs.r[0], "drop.hoplimit", 55);
	assert_int_field(rs.r[0], "drop.flowlbl", 0xabcde);
	assert_int_field(rs.r[0], "drop.udplen", 12);
	assert_absent(rs.r[0], "drop.ttl");
	assert_absent(rs.r[0], "drop.tcpseq");
	assert_str_field(rs.r[0], "drop.reason", "default packet policy");
	assert_int_field(rs.r[1], "drop.icmp_id", 7);
	assert_int_field(rs.r[1], "drop.icmp_seq", 9);
	assert_int_field(rs.r[1], "drop.ttl", 1);
	assert_str_field(rs.r[1], "drop.reason", "rules");
	records_free(&rs);
}

/* drop alerts: yes adds the alert that caused the drop, as flow-drop-iponly-01 expects. */
static void test_drop_with_alert(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	const struct rule *rule = rule_from("drop tcp any any -> any any (msg:\"drop it\"; "
					    "sid:18;)");
	struct detect_result res;
	memset(&res, 0, sizeof(res));
	res.n_alerts = 2;
	res.alerts[0] = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	res.alerts[1] = alert_for(rule, DETECT_ACTION_DROP);
	res.verdict = DETECT_ACTION_DROP;
	const struct detect_alert *da = output_drop_alert(&res);
	assert_ptr_equal(da, &res.alerts[1]);

	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.drop_alerts = true;
	cfg.drop_verdict = true;
	struct output_alert_info info = { .ips = true, .verdict = DETECT_ACTION_DROP };
	struct eve *e = eve_start(&cfg);
	eve_log_drop(e, &t.p, EVE_DROP_RULES, da, &info);
	cfg.types[EVE_TYPE_DROP] = false; /* (the open writer keeps its own copy) */
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	assert_str_field(rs.r[0], "drop.reason", "rules");
	assert_int_field(rs.r[0], "alert.signature_id", 18);
	assert_str_field(rs.r[0], "alert.action", "blocked");
	assert_str_field(rs.r[0], "verdict.action", "drop");
	records_free(&rs);

	/* drop type disabled: nothing */
	e = eve_start(&cfg);
	eve_log_drop(e, &t.p, EVE_DROP_RULES, da, &info);
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 0);

	/* no drop/reject alert at all */
	res.alerts[1].action = DETECT_ACTION_ALERT;
	assert_null(output_drop_alert(&res));
	res.alerts[1].action = DETECT_ACTION_REJECT;
	assert_ptr_equal(output_drop_alert(&res), &res.alerts[1]);
}

static void test_drop_reason_names(void **state)
{
	(void)state;
	for (int i = 0; i < EVE_DROP_REASON_MAX; i++) {
		const char *n = eve_drop_reason_name((enum eve_drop_reason)i);
		assert_non_null(n);
		assert_string_not_equal(n, "unknown");
		for (int k = 0; k < i; k++)
			assert_string_not_equal(n, eve_drop_reason_name((enum eve_drop_reason)k));
	}
	assert_string_equal(eve_drop_reason_name(EVE_DROP_THRESHOLD),
			    "threshold detection_filter");
	assert_string_equal(eve_drop_reason_name(EVE_DROP_REASON_MAX), "unknown");
}

/* ---- anomaly packethdr -------------------------------------------------------------------- */

static void test_anomaly_packethdr(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "0123456789abcdefghijklmnopqrstuvwxyz", false);
	t.p.event_count = 1;
	t.p.events[0] = 1; /* the first decoder event, whatever its name */
	assert_non_null(eve_decode_event_name(1));
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.anomaly_packethdr = true;
	struct records rs;
	struct eve *e = eve_start(&cfg);
	eve_log_anomalies(e, &t.p);
	cfg.anomaly_packethdr = false; /* for the next writer; the open one keeps its copy */
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	json_t *r = rs.r[0];
	assert_str_field(r, "event_type", "anomaly");
	assert_int_field(r, "packet_info.linktype", 1);
	const char *b64 = json_string_value(jget(r, "packet"));
	assert_non_null(b64);
	assert_int_equal(strlen(b64), 44); /* 32 bytes, base64 */
	records_free(&rs);

	e = eve_start(&cfg); /* packethdr off */
	eve_log_anomalies(e, &t.p);
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	assert_absent(rs.r[0], "packet");
	assert_absent(rs.r[0], "packet_info");
	records_free(&rs);
}

/* ---- fast.log ------------------------------------------------------------------------------ */

static void assert_fast_line(const struct packet *p, const struct detect_alert *a,
			     const struct output_alert_info *info, const char *expect)
{
	char buf[1024];
	size_t n = fast_log_format(buf, sizeof(buf), p, a, info);
	assert_int_equal(n, strlen(expect));
	assert_string_equal(buf, expect);
}

static void test_fast_tcp4(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	assert_fast_line(&t.p, &a, NULL,
			 "11/14/2023-22:13:20.500000  [**] [1:2000001:3] ET TEST basic \"quoted\" "
			 "[**] [Classification: Misc activity] [Priority: 3] "
			 "{TCP} 10.0.0.1:40000 -> 192.168.1.2:80\n");
}

static void test_fast_udp6(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_udp6(&t);
	const struct rule *rule = rule_from("alert udp any any -> any any (msg:\"v6\"; sid:20; "
					    "rev:2;)");
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	a.severity = 1;
	a.category = "Attempted Administrator Privilege Gain";
	assert_fast_line(&t.p, &a, NULL,
			 "11/14/2023-22:13:20.000001  [**] [1:20:2] v6 [**] [Classification: "
			 "Attempted Administrator Privilege Gain] [Priority: 1] "
			 "{UDP} 2001:0db8:0000:0000:0000:0000:0000:0001:5353 -> 2001:0db8:0000:0000:0000:0000:0000:0053:53\n");
}

static void test_fast_icmp(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_icmp4(&t);
	t.p.icmp_type = 3;
	t.p.icmp_code = 13;
	t.p.sp = 3;
	t.p.dp = 13;
	const struct rule *rule = rule_from("alert icmp any any -> any any (msg:\"unreach\"; "
					    "sid:21;)");
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	assert_fast_line(&t.p, &a, NULL,
			 "11/14/2023-22:13:20.000000  [**] [1:21:0] unreach [**] [Classification: "
			 "Misc activity] [Priority: 3] {ICMP} 10.0.0.1:3 -> 10.0.0.2:13\n");
}

static void test_fast_drop_prefix(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	t.p.ts_usec = T0 * USEC_PER_SEC;
	const struct rule *rule = rule_from("drop tcp any any -> any any (msg:\"dropper\"; "
					    "sid:22; rev:1;)");
	struct detect_alert a = alert_for(rule, DETECT_ACTION_DROP);
	struct output_alert_info ips = { .ips = true, .verdict = DETECT_ACTION_DROP };
	struct output_alert_info ids = { .ips = false, .verdict = DETECT_ACTION_DROP };
	const char *tail = "[**] [1:22:1] dropper [**] [Classification: Misc activity] "
			   "[Priority: 3] {TCP} 10.0.0.1:40000 -> 192.168.1.2:80\n";
	char expect[512];
	snprintf(expect, sizeof(expect), "11/14/2023-22:13:20.000000  [Drop] %s", tail);
	assert_fast_line(&t.p, &a, &ips, expect);
	snprintf(expect, sizeof(expect), "11/14/2023-22:13:20.000000  [wDrop] %s", tail);
	assert_fast_line(&t.p, &a, &ids, expect);
	a.action = DETECT_ACTION_REJECT;
	snprintf(expect, sizeof(expect), "11/14/2023-22:13:20.000000  [Drop] %s", tail);
	assert_fast_line(&t.p, &a, &ips, expect);
	/* an alert rule on a dropped packet has no prefix */
	a.action = DETECT_ACTION_ALERT;
	snprintf(expect, sizeof(expect), "11/14/2023-22:13:20.000000  %s", tail);
	assert_fast_line(&t.p, &a, &ips, expect);
}

static void test_fast_no_class_and_other_proto(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", false);
	t.p.ip_proto = 253; /* experimental: no keyword */
	t.p.sp = t.p.dp = 0;
	const struct rule *rule = rule_from("alert ip any any -> any any (msg:\"exp\"; sid:23;)");
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	a.category = "";
	assert_fast_line(&t.p, &a, NULL,
			 "11/14/2023-22:13:20.500000  [**] [1:23:0] exp [**] [Classification: "
			 "(null)] [Priority: 3] {PROTO:253} 10.0.0.1:0 -> 192.168.1.2:0\n");
	t.p.ip_proto = 47;
	a.category = NULL;
	assert_fast_line(&t.p, &a, NULL,
			 "11/14/2023-22:13:20.500000  [**] [1:23:0] exp [**] [Classification: "
			 "(null)] [Priority: 3] {GRE} 10.0.0.1:0 -> 192.168.1.2:0\n");
}

static void test_fast_raw_packet(void **state)
{
	(void)state;
	struct packet p;
	memset(&p, 0, sizeof(p));
	uint8_t data[40];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xa0 + i);
	p.data = data;
	p.caplen = 3;
	p.ts_usec = T0 * USEC_PER_SEC;
	const struct rule *rule = rule_from("alert pkthdr any any -> any any (msg:\"raw\"; "
					    "sid:24;)");
	struct detect_alert a = alert_for(rule, DETECT_ACTION_ALERT);
	assert_fast_line(&p, &a, NULL,
			 "11/14/2023-22:13:20.000000  [**] [1:24:0] raw [**] [Classification: "
			 "Misc activity] [Priority: 3] [Raw pkt: A0 A1 A2]\n");
	/* at most 32 bytes are shown */
	p.caplen = sizeof(data);
	char buf[1024];
	fast_log_format(buf, sizeof(buf), &p, &a, NULL);
	assert_non_null(strstr(buf, " BF]\n"));
	assert_null(strstr(buf, " C0"));
}

/* A line longer than the buffer is cut but still one line; noalert writes nothing. */
static void test_fast_bounds(void **state)
{
	(void)state;
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	char small[64];
	size_t n = fast_log_format(small, sizeof(small), &t.p, &a, NULL);
	assert_int_equal(n, sizeof(small) - 1);
	assert_int_equal(strlen(small), n);
	assert_int_equal(small[n - 1], '\n');
	assert_memory_equal(small, "11/14/2023-22:13:20.500000  [**] [1:2000001:3]", 46);
	a.flags = DETECT_ALERT_F_NOALERT;
	assert_int_equal(fast_log_format(small, sizeof(small), &t.p, &a, NULL), 0);
	a.flags = 0;
	assert_int_equal(fast_log_format(small, 1, &t.p, &a, NULL), 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_fast_file(void **state)
{
	(void)state;
	struct fast_log_config cfg;
	fast_log_config_defaults(&cfg);
	struct fast_log *fl = NULL;
	char err[256] = "";
	char path[160];
	snprintf(path, sizeof(path), "%s/fast.log", g_dir);
	unlink(path);

	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct detect_result res;
	memset(&res, 0, sizeof(res));
	res.n_alerts = 2;
	res.alerts[0] = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	res.alerts[1] = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	res.alerts[1].flags = DETECT_ALERT_F_NOALERT;
	char line[1024];
	fast_log_format(line, sizeof(line), &t.p, &res.alerts[0], NULL);

	/* append (default): two runs accumulate */
	for (int run = 0; run < 2; run++) {
		assert_int_equal(fast_log_open(&fl, &cfg, g_dir, err, sizeof(err)), 0);
		fast_log_alerts(fl, &t.p, &res, NULL);
		struct fast_log_counters c;
		fast_log_get_counters(fl, &c);
		assert_int_equal(c.alerts, 1);
		assert_int_equal(c.dropped, 0);
		assert_int_equal(fast_log_close(fl, err, sizeof(err)), 0);
	}
	char twice[2100];
	snprintf(twice, sizeof(twice), "%s%s", line, line);
	assert_string_equal(read_file(path), twice);

	/* append: no truncates */
	cfg.append = false;
	assert_int_equal(fast_log_open(&fl, &cfg, g_dir, err, sizeof(err)), 0);
	fast_log_alert(fl, &t.p, &res.alerts[0], NULL);
	assert_int_equal(fast_log_close(fl, err, sizeof(err)), 0);
	assert_string_equal(read_file(path), line);
	unlink(path);

	/* errors a person can act on */
	assert_int_equal(fast_log_open(&fl, &cfg, "/nonexistent-aegis-dir", err, sizeof(err)), -1);
	assert_null(fl);
	assert_string_equal(err, "cannot open /nonexistent-aegis-dir/fast.log: "
				 "No such file or directory");
	assert_int_equal(fast_log_close(NULL, err, sizeof(err)), 0);
}

static void test_fast_write_error(void **state)
{
	(void)state;
	struct fast_log_config cfg;
	fast_log_config_defaults(&cfg);
	util_strlcpy(cfg.filename, "/dev/full", sizeof(cfg.filename));
	struct fast_log *fl = NULL;
	char err[256] = "";
	if (fast_log_open(&fl, &cfg, g_dir, err, sizeof(err)) != 0) {
		print_message("skipped: /dev/full cannot be opened (%s)\n", err);
		skip();
	}
	struct test_pkt t;
	pkt_tcp4(&t, "x", true);
	struct detect_alert a = alert_for(basic_rule(), DETECT_ACTION_ALERT);
	fast_log_alert(fl, &t.p, &a, NULL);
	fast_log_alert(fl, &t.p, &a, NULL);
	struct fast_log_counters c;
	fast_log_get_counters(fl, &c);
	assert_int_equal(c.alerts, 0);
	assert_int_equal(c.dropped, 2);
	assert_int_equal(fast_log_close(fl, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot write /dev/full: No space left on device");
}

/* ---- schema ------------------------------------------------------------------------------- */


/* The schema must reject a wrong alert field, else a pass below would mean nothing. */
static void test_schema_rejects_bad_alert(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "%s/bad.json", g_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"timestamp\":\"2023-11-14T22:13:20.000000+0000\",\"event_type\":\"alert\","
	      "\"alert\":{\"signature_id\":\"1\"}}\n", f);
	fclose(f);
	int rc = run_validator(path);
	unlink(path);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 1);
}

/* Last: a full-option record of every packet kind, then the whole file against the schema. */
static void test_schema_validation(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.alert_payload = cfg.alert_payload_printable = cfg.alert_payload_length = true;
	cfg.alert_packet = cfg.alert_verdict = true;
	cfg.drop_alerts = cfg.drop_verdict = true;
	cfg.anomaly_packethdr = true;
	cfg.community_id = true;
	const struct rule *rule = rule_from(
		"alert tcp any any -> any any (msg:\"all\"; metadata: policy a, policy b, "
		"tag c; target:src_ip; sid:30;)");
	struct test_pkt pk[4];
	pkt_tcp4(&pk[0], "GET /\r\n", true);
	pkt_udp6(&pk[1]);
	pkt_icmp4(&pk[2]);
	pkt_tcp4_reply(&pk[3]);
	pk[3].p.vlan_count = 1;
	pk[3].p.vlan_id[0] = 5;
	struct eve *e = eve_start(&cfg);
	for (size_t i = 0; i < ARRAY_SIZE(pk); i++) {
		struct detect_alert a = alert_for(rule, DETECT_ACTION_DROP);
		a.flags = DETECT_ALERT_F_TX;
		struct output_alert_info info = { .app_proto = "http", .ips = true,
						  .verdict = DETECT_ACTION_DROP };
		eve_log_alert(e, &pk[i].p, &a, &info);
		eve_log_drop(e, &pk[i].p, EVE_DROP_RULES, &a, &info);
	}
	pk[0].p.event_count = 1;
	pk[0].p.events[0] = 1;
	eve_log_anomalies(e, &pk[0].p);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 2 * ARRAY_SIZE(pk) + 1);
	assert_str_field(rs.r[0], "alert.target.ip", "10.0.0.1");
	assert_str_field(rs.r[0], "alert.metadata.policy.1", "b");
	assert_str_field(rs.r[1], "event_type", "drop");
	assert_str_field(rs.r[2 * ARRAY_SIZE(pk)], "event_type", "anomaly");
	records_free(&rs);

	int rc = run_validator(g_path);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
}

/* ---- main --------------------------------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(g_dir, sizeof(g_dir), "/tmp/aegis-alert-test-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(g_path, sizeof(g_path), "%s/eve.json", g_dir);
	g_rs = rules_ruleset_new(NULL);
	return g_rs ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	rules_ruleset_free(g_rs);
	if (getenv("AEGIS_KEEP_EVE")) {
		printf("eve.json kept at %s\n", g_path);
		return 0;
	}
	unlink(g_path);
	rmdir(g_dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_alert_tcp4_basic),
		cmocka_unit_test(test_alert_to_client),
		cmocka_unit_test(test_alert_udp6),
		cmocka_unit_test(test_alert_icmp),
		cmocka_unit_test(test_alert_no_flow),
		cmocka_unit_test(test_alert_vlan),
		cmocka_unit_test(test_alert_metadata_grouped),
		cmocka_unit_test(test_alert_metadata_off),
		cmocka_unit_test(test_alert_target_dest),
		cmocka_unit_test(test_alert_target_src_icmp),
		cmocka_unit_test(test_alert_payload_and_packet),
		cmocka_unit_test(test_alert_guessed_tx_id),
		cmocka_unit_test(test_alert_payload_length_only),
		cmocka_unit_test(test_alert_action_words),
		cmocka_unit_test(test_alert_tx_id),
		cmocka_unit_test(test_alert_filtering_and_order),
		cmocka_unit_test(test_alert_verdict),
		cmocka_unit_test(test_alert_gid_category_tunnel),
		cmocka_unit_test(test_alert_tunnel_object),
		cmocka_unit_test(test_drop_tcp4),
		cmocka_unit_test(test_drop_udp6_icmp),
		cmocka_unit_test(test_drop_with_alert),
		cmocka_unit_test(test_drop_reason_names),
		cmocka_unit_test(test_anomaly_packethdr),
		cmocka_unit_test(test_fast_tcp4),
		cmocka_unit_test(test_fast_udp6),
		cmocka_unit_test(test_fast_icmp),
		cmocka_unit_test(test_fast_drop_prefix),
		cmocka_unit_test(test_fast_no_class_and_other_proto),
		cmocka_unit_test(test_fast_raw_packet),
		cmocka_unit_test(test_fast_bounds),
		cmocka_unit_test(test_fast_file),
		cmocka_unit_test(test_fast_write_error),
		cmocka_unit_test(test_schema_rejects_bad_alert),
		cmocka_unit_test(test_schema_validation),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
