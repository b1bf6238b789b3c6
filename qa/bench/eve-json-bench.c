/*
 * eve-json-bench.c — how much faster is aegis's streaming JSON writer (jbuf) than building the
 * same EVE flow record with jansson (object tree + json_dumps)? Both build the identical record
 * text N times (default 1,000,000), including timestamp and address formatting; the program first
 * checks that the two texts are byte-identical, then prints records/s for each and the ratio.
 * A third figure is the full writer path (eve_log_flow into a buffered file on /dev/null).
 *
 * Usage: eve-json-bench [N]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "output/output-int.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void make_flow(struct flow *f)
{
	memset(f, 0, sizeof(*f));
	const uint8_t s[4] = { 10, 1, 2, 3 }, d[4] = { 93, 184, 216, 34 };
	ip_addr_set_v4(&f->src, s);
	ip_addr_set_v4(&f->dst, d);
	f->sp = 51234;
	f->dp = 443;
	f->ip_proto = 6;
	f->ip_version = 4;
	f->flow_id = 1873406573209587ull;
	f->start_usec = 1700000000ull * USEC_PER_SEC + 123456;
	f->last_usec = 1700000042ull * USEC_PER_SEC + 654321;
	f->pkts[0] = 18;
	f->pkts[1] = 25;
	f->bytes[0] = 2345;
	f->bytes[1] = 31337;
	f->state = FLOW_STATE_CLOSED;
	f->tcp_state = TCP_STATE_CLOSED;
	f->tcp_flags[0] = 0x1b;
	f->tcp_flags[1] = 0x1b;
	f->end_reason = FLOW_END_TIMEOUT;
}

/* The record as eve_log_flow writes it, with jbuf. */
static void build_jbuf(struct jbuf *j, const struct flow *f)
{
	char ts[EVE_TS_LEN], a[IP_ADDR_STRLEN], hex[3];
	jbuf_reset(j);
	jbuf_open_object(j, NULL);
	eve_format_timestamp(f->last_usec, ts);
	jbuf_add_str(j, "timestamp", ts);
	jbuf_add_uint(j, "flow_id", f->flow_id);
	jbuf_add_str(j, "event_type", "flow");
	jbuf_add_str(j, "src_ip", eve_format_ip(&f->src, a));
	jbuf_add_uint(j, "src_port", f->sp);
	jbuf_add_str(j, "dest_ip", eve_format_ip(&f->dst, a));
	jbuf_add_uint(j, "dest_port", f->dp);
	jbuf_add_uint(j, "ip_v", f->ip_version);
	jbuf_add_str(j, "proto", "TCP");
	jbuf_open_object(j, "flow");
	jbuf_add_uint(j, "pkts_toserver", f->pkts[0]);
	jbuf_add_uint(j, "pkts_toclient", f->pkts[1]);
	jbuf_add_uint(j, "bytes_toserver", f->bytes[0]);
	jbuf_add_uint(j, "bytes_toclient", f->bytes[1]);
	eve_format_timestamp(f->start_usec, ts);
	jbuf_add_str(j, "start", ts);
	eve_format_timestamp(f->last_usec, ts);
	jbuf_add_str(j, "end", ts);
	jbuf_add_uint(j, "age", f->last_usec / USEC_PER_SEC - f->start_usec / USEC_PER_SEC);
	jbuf_add_str(j, "state", "closed");
	jbuf_add_str(j, "reason", "timeout");
	jbuf_add_bool(j, "alerted", false);
	jbuf_close_object(j);
	jbuf_open_object(j, "tcp");
	eve_format_hex8(f->tcp_flags[0] | f->tcp_flags[1], hex);
	jbuf_add_str(j, "tcp_flags", hex);
	eve_format_hex8(f->tcp_flags[0], hex);
	jbuf_add_str(j, "tcp_flags_ts", hex);
	eve_format_hex8(f->tcp_flags[1], hex);
	jbuf_add_str(j, "tcp_flags_tc", hex);
	jbuf_add_bool(j, "syn", true);
	jbuf_add_bool(j, "fin", true);
	jbuf_add_bool(j, "psh", true);
	jbuf_add_bool(j, "ack", true);
	jbuf_add_str(j, "state", "closed");
	jbuf_close_object(j);
	jbuf_close_object(j);
}

/* The same record with jansson; returns the malloc'd text (NULL on allocation failure). */
static char *build_jansson(const struct flow *f)
{
	char ts[EVE_TS_LEN], a[IP_ADDR_STRLEN], hex[3];
	json_t *r = json_object();
	if (!r)
		return NULL;
	eve_format_timestamp(f->last_usec, ts);
	json_object_set_new(r, "timestamp", json_string(ts));
	json_object_set_new(r, "flow_id", json_integer((json_int_t)f->flow_id));
	json_object_set_new(r, "event_type", json_string("flow"));
	json_object_set_new(r, "src_ip", json_string(eve_format_ip(&f->src, a)));
	json_object_set_new(r, "src_port", json_integer(f->sp));
	json_object_set_new(r, "dest_ip", json_string(eve_format_ip(&f->dst, a)));
	json_object_set_new(r, "dest_port", json_integer(f->dp));
	json_object_set_new(r, "ip_v", json_integer(f->ip_version));
	json_object_set_new(r, "proto", json_string("TCP"));
	json_t *fl = json_object();
	json_object_set_new(fl, "pkts_toserver", json_integer((json_int_t)f->pkts[0]));
	json_object_set_new(fl, "pkts_toclient", json_integer((json_int_t)f->pkts[1]));
	json_object_set_new(fl, "bytes_toserver", json_integer((json_int_t)f->bytes[0]));
	json_object_set_new(fl, "bytes_toclient", json_integer((json_int_t)f->bytes[1]));
	eve_format_timestamp(f->start_usec, ts);
	json_object_set_new(fl, "start", json_string(ts));
	eve_format_timestamp(f->last_usec, ts);
	json_object_set_new(fl, "end", json_string(ts));
	json_object_set_new(fl, "age", json_integer((json_int_t)(f->last_usec / USEC_PER_SEC -
								  f->start_usec / USEC_PER_SEC)));
	json_object_set_new(fl, "state", json_string("closed"));
	json_object_set_new(fl, "reason", json_string("timeout"));
	json_object_set_new(fl, "alerted", json_false());
	json_object_set_new(r, "flow", fl);
	json_t *t = json_object();
	eve_format_hex8(f->tcp_flags[0] | f->tcp_flags[1], hex);
	json_object_set_new(t, "tcp_flags", json_string(hex));
	eve_format_hex8(f->tcp_flags[0], hex);
	json_object_set_new(t, "tcp_flags_ts", json_string(hex));
	eve_format_hex8(f->tcp_flags[1], hex);
	json_object_set_new(t, "tcp_flags_tc", json_string(hex));
	json_object_set_new(t, "syn", json_true());
	json_object_set_new(t, "fin", json_true());
	json_object_set_new(t, "psh", json_true());
	json_object_set_new(t, "ack", json_true());
	json_object_set_new(t, "state", json_string("closed"));
	json_object_set_new(r, "tcp", t);
	char *text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(r);
	return text;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000ul;
	if (n == 0) {
		fprintf(stderr, "usage: eve-json-bench [N>0]\n");
		return 2;
	}
	struct flow f;
	make_flow(&f);
	struct jbuf j;
	jbuf_init(&j);

	/* Same bytes both ways, or the comparison means nothing. */
	build_jbuf(&j, &f);
	char *ref = build_jansson(&f);
	if (!ref || j.failed || j.len != strlen(ref) || memcmp(j.buf, ref, j.len) != 0) {
		fprintf(stderr, "eve-json-bench: jbuf and jansson records differ:\n%.*s\n%s\n",
			(int)j.len, j.buf, ref ? ref : "(null)");
		return 1;
	}
	size_t rec_len = j.len;
	free(ref);

	size_t sink = 0; /* keeps the compiler from dropping the work */
	uint64_t t0 = now_ns();
	for (unsigned long i = 0; i < n; i++) {
		f.pkts[0] = i; /* vary a field so no iteration is identical */
		build_jbuf(&j, &f);
		sink += j.len;
	}
	uint64_t t1 = now_ns();
	for (unsigned long i = 0; i < n; i++) {
		f.pkts[0] = i;
		char *s = build_jansson(&f);
		if (!s) {
			fprintf(stderr, "eve-json-bench: out of memory\n");
			return 1;
		}
		sink += strlen(s);
		free(s);
	}
	uint64_t t2 = now_ns();

	/* The whole writer: header, flow record, copy into the write buffer, write(2). */
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	util_strlcpy(cfg.filename, "/dev/null", sizeof(cfg.filename));
	struct eve *e;
	char err[256];
	if (eve_open(&e, &cfg, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "eve-json-bench: %s\n", err);
		return 1;
	}
	uint64_t t3 = now_ns();
	for (unsigned long i = 0; i < n; i++) {
		f.pkts[0] = i;
		eve_log_flow(e, &f);
	}
	uint64_t t4 = now_ns();
	struct eve_counters c;
	eve_get_counters(e, &c);
	if (eve_close(e, err, sizeof(err)) != 0) {
		fprintf(stderr, "eve-json-bench: %s\n", err);
		return 1;
	}

	double sj = (double)(t1 - t0) / 1e9, sa = (double)(t2 - t1) / 1e9,
	       sw = (double)(t4 - t3) / 1e9;
	printf("flow record: %zu bytes, %lu records each way (checksum %zu)\n", rec_len, n, sink);
	printf("jbuf:        %12.0f records/s  (%.3f s)\n", (double)n / sj, sj);
	printf("jansson:     %12.0f records/s  (%.3f s)\n", (double)n / sa, sa);
	printf("ratio:       jbuf is %.2fx jansson\n", sa / sj);
	printf("eve_log_flow to /dev/null: %.0f records/s (%" PRIu64 " written, %" PRIu64
	       " dropped)\n", (double)n / sw, c.records[EVE_TYPE_FLOW], c.dropped);
	jbuf_free(&j);
	return 0;
}
