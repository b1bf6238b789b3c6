/*
 * test-app-http.c — unit tests of the app-layer core (protocol detection, transactions,
 * configuration) and of the HTTP/1 parser: every split of a conversation gives the same
 * transactions, pipelining, chunked bodies, gzip/deflate, 100-continue, CONNECT, HEAD, folding,
 * duplicates, limits, gaps, URI normalisation and every sticky-buffer accessor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "app/app-int.h"
#include "conf/conf.h"
#include "rules/rules.h"

/* ---- harness ------------------------------------------------------------------------------ */

struct h {
	struct app_ctx *ctx;
	struct app_config cfg;
	struct flow f;
	struct app_result r;
	char log[65536];     /* one line per completed transaction: see tx_summary */
	size_t log_len;
	unsigned completed, events;
	uint16_t ev[256];
};

static void tx_summary(struct h *h, const struct app_tx *tx)
{
	const struct http_tx *t = tx->proto_tx;
	char line[1024];
	int n = snprintf(line, sizeof(line), "%llu|%.*s|%.*s|%.*s|%d|%llu|%llu|%.*s|%u\n",
			 (unsigned long long)tx->tx_id, (int)t->method.len,
			 (const char *)t->method.data, (int)t->uri.len, (const char *)t->uri.data,
			 (int)t->host.len, (const char *)t->host.data, t->status,
			 (unsigned long long)t->req.body_len, (unsigned long long)t->resp.body_len,
			 (int)(t->resp.body.len > 64 ? 64 : t->resp.body.len),
			 (const char *)t->resp.body.data, t->resp.n_headers);
	if (n > 0 && h->log_len + (size_t)n < sizeof(h->log)) {
		memcpy(h->log + h->log_len, line, (size_t)n);
		h->log_len += (size_t)n;
		h->log[h->log_len] = '\0';
	}
}

static void h_collect(struct h *h)
{
	for (uint32_t i = 0; i < h->r.n_tx; i++)
		if (h->r.txs[i].flags & APP_RTX_COMPLETED) {
			h->completed++;
			tx_summary(h, h->r.txs[i].tx);
		}
	for (uint32_t i = 0; i < h->r.n_events; i++)
		if (h->events < ARRAY_SIZE(h->ev))
			h->ev[h->events++] = h->r.events[i].event;
}

static void h_init_cfg(struct h *h, const struct app_config *cfg, uint8_t ipproto)
{
	memset(h, 0, sizeof(*h));
	if (cfg)
		h->cfg = *cfg;
	else
		app_config_defaults(&h->cfg);
	h->ctx = app_ctx_create(&h->cfg);
	assert_non_null(h->ctx);
	h->f.ip_proto = ipproto;
	h->f.sp = 40000;
	h->f.dp = 8000;
}

static void h_init(struct h *h)
{
	h_init_cfg(h, NULL, 6);
}

static void h_feed(struct h *h, uint8_t dir, const void *data, size_t len, uint32_t flags)
{
	assert_int_equal(app_handle_data(h->ctx, &h->f, dir, data, (uint32_t)len, flags, 0, &h->r),
			 0);
	h_collect(h);
}

static void h_send(struct h *h, uint8_t dir, const char *s)
{
	h_feed(h, dir, s, strlen(s), 0);
}

static void h_finish(struct h *h)
{
	app_flow_finish(h->ctx, &h->f, &h->r);
	h_collect(h);
}

static void h_free(struct h *h)
{
	app_flow_free(h->ctx, &h->f);
	assert_null(h->f.app);
	app_ctx_destroy(h->ctx);
}

static bool h_has_event(const struct h *h, enum app_event ev)
{
	for (unsigned i = 0; i < h->events; i++)
		if (h->ev[i] == ev)
			return true;
	return false;
}

/* The last live transaction of the flow. */
static struct app_tx *h_last_tx(struct h *h)
{
	struct app_tx *last = NULL;
	for (struct app_tx *tx = app_flow_tx_first(&h->f); tx; tx = app_flow_tx_next(tx))
		last = tx;
	return last;
}

static unsigned h_live_tx(struct h *h)
{
	unsigned n = 0;
	for (struct app_tx *tx = app_flow_tx_first(&h->f); tx; tx = app_flow_tx_next(tx))
		n++;
	return n;
}

static void assert_buf(const struct app_tx *tx, enum app_buffer b, uint8_t dir, const char *want)
{
	const uint8_t *d;
	uint32_t l;
	int rc = app_tx_get_buffer(tx, b, dir, 0, &d, &l);
	if (!want) {
		assert_int_equal(rc, -1);
		return;
	}
	if (rc != 0)
		fail_msg("buffer %s: missing, want \"%s\"", app_buffer_name(b), want);
	if (l != strlen(want) || memcmp(d, want, l) != 0)
		fail_msg("buffer %s: got \"%.*s\", want \"%s\"", app_buffer_name(b), (int)l, d, want);
}

static const char REQ1[] = "GET /a/./b/../c%20d?x=%41 HTTP/1.1\r\n"
			   "Host: Example.COM:8000\r\n"
			   "User-Agent: test-agent\r\n"
			   "Accept: */*\r\n"
			   "Cookie: k=v\r\n"
			   "\r\n";
static const char RESP1[] = "HTTP/1.1 200 OK\r\n"
			    "Content-Type: text/plain\r\n"
			    "Content-Length: 5\r\n"
			    "Server: unit\r\n"
			    "\r\n"
			    "hello";

/* ---- names and tables ----------------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(app_proto_name(APP_PROTO_HTTP), "http");
	assert_string_equal(app_proto_name(APP_PROTO_DNS), "dns");
	assert_string_equal(app_proto_name(APP_PROTO_TLS), "tls");
	assert_string_equal(app_proto_name(APP_PROTO_FAILED), "failed");
	assert_null(app_proto_name(APP_PROTO_UNKNOWN));
	assert_int_equal(app_proto_by_name("tls"), APP_PROTO_TLS);
	assert_int_equal(app_proto_by_name("nope"), APP_PROTO_UNKNOWN);
	assert_int_equal(app_event_lookup("http.request_field_too_long"),
			 APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG);
	assert_int_equal(app_event_lookup("applayer_mismatch_protocol_both_directions"),
			 APP_EVENT_MISMATCH_PROTOCOL_BOTH_DIRECTIONS);
	assert_int_equal(app_event_lookup("http.nope"), APP_EVENT_NONE);
	assert_string_equal(app_event_name(APP_EVENT_DNS_Z_FLAG_SET), "dns.z_flag_set");
}

/* Every buffer name a parser fills is a buffer of the rule language, with the same protocol. */
static void test_buffer_names_match_rules(void **state)
{
	(void)state;
	for (int b = 0; b < APP_BUF_MAX; b++) {
		const char *name = app_buffer_name((enum app_buffer)b);
		int id = rules_buffer_lookup(name);
		if (id < 0)
			fail_msg("%s is not in the rules buffer table", name);
		assert_int_equal(app_buffer_lookup(name), b);
		const char *rp = rules_buffer_app_proto((uint16_t)id);
		if (rp)
			assert_string_equal(rp, app_proto_name(app_buffer_proto((enum app_buffer)b)));
	}
	assert_int_equal(app_buffer_lookup("http.nope"), -1);
}

/* Every http.* event of the shipped rules file is known. */
static void test_http_event_rules_known(void **state)
{
	(void)state;
	FILE *fp = fopen(AEGIS_SRCDIR "/rules/http-events.rules", "r");
	assert_non_null(fp);
	char line[2048];
	unsigned found = 0, known = 0;
	while (fgets(line, sizeof(line), fp)) {
		char *p = strstr(line, "app-layer-event:");
		if (!p)
			continue;
		p += strlen("app-layer-event:");
		char *e = strchr(p, ';');
		if (!e)
			continue;
		*e = '\0';
		found++;
		if (app_event_lookup(p) != APP_EVENT_NONE)
			known++;
	}
	fclose(fp);
	assert_true(found > 40);
	/* the multipart / range / lzma / auth events are about features aegis leaves out */
	assert_true(known >= found - 12);
}

/* ---- detection ---------------------------------------------------------------------------- */

static void test_detect_request_any_port(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h.f.dp = 31337;
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	assert_int_equal(h.r.proto, APP_PROTO_HTTP);
	assert_true(h.r.proto_detected);
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_HTTP);
	h_free(&h);
}

static void test_detect_response_first(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	assert_int_equal(h.r.proto, APP_PROTO_HTTP);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_UNABLE_TO_MATCH_RESPONSE));
	h_free(&h);
}

/* The reversal callback of these tests: counts, and exchanges the flow's ports as the
 * pipeline's flow_reverse would. */
static unsigned n_reversed;

static void h_on_reverse(struct flow *f, void *user)
{
	assert_ptr_equal(user, &n_reversed);
	n_reversed++;
	uint16_t p = f->sp;
	f->sp = f->dp;
	f->dp = p;
}

/* A flow picked up midstream whose first data is a response (sent by the side taken for the
 * client): the flow is reversed, the response parsed as the server's, and the client's next
 * request makes the next transaction. */
static void test_detect_reverse_midstream(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h.f.flags |= FLOW_F_MIDSTREAM;
	h.f.sp = 80;
	h.f.dp = 54186;
	n_reversed = 0;
	app_ctx_set_reverse(h.ctx, h_on_reverse, &n_reversed);
	h_send(&h, FLOW_DIR_TO_SERVER, "HTTP/1");  /* too short to say */
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	assert_false(h.r.reversed);
	assert_int_equal(n_reversed, 0);
	h_send(&h, FLOW_DIR_TO_SERVER, RESP1 + 6);
	assert_int_equal(h.r.proto, APP_PROTO_HTTP);
	assert_true(h.r.reversed);
	assert_int_equal(n_reversed, 1);
	assert_int_equal(h.f.dp, 80);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_UNABLE_TO_MATCH_RESPONSE));
	/* the response (kept bytes and new chunk) is the transaction's response */
	struct app_tx *tx = h_last_tx(&h);
	assert_non_null(tx);
	assert_buf(tx, APP_BUF_HTTP_STAT_CODE, FLOW_DIR_TO_CLIENT, "200");
	assert_buf(tx, APP_BUF_HTTP_RESPONSE_BODY, FLOW_DIR_TO_CLIENT, "hello");
	/* from now on the caller hands the client's data as to-server */
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	assert_false(h.r.reversed);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	h_finish(&h);
	assert_int_equal(n_reversed, 1);
	assert_non_null(strstr(h.log, "|GET|/a/c d?x=A|example.com|200|"));
	h_free(&h);
}

/* After a protocol change (CONNECT tunnel) detection starts over but never reverses the flow:
 * the CONNECT transaction keeps its directions. */
static void test_detect_no_reverse_after_proto_change(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h.f.flags |= FLOW_F_MIDSTREAM;
	n_reversed = 0;
	app_ctx_set_reverse(h.ctx, h_on_reverse, &n_reversed);
	h_send(&h, FLOW_DIR_TO_SERVER, "CONNECT abc:80 HTTP/1.1\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\n\r\n");
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_UNKNOWN);
	h_send(&h, FLOW_DIR_TO_SERVER, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_false(h.r.reversed);
	assert_int_equal(n_reversed, 0);
	assert_int_not_equal(h.r.proto, APP_PROTO_HTTP);
	h_finish(&h);
	h_free(&h);
}

/* No reversal for a flow that began with a handshake, without a callback, or once the other
 * direction failed detection: the response bytes then fail detection on that side. */
static void test_detect_reverse_only_midstream(void **state)
{
	(void)state;
	for (int c = 0; c < 3; c++) {
		struct h h;
		h_init(&h);
		n_reversed = 0;
		if (c != 0)
			h.f.flags |= FLOW_F_MIDSTREAM;
		if (c != 1)
			app_ctx_set_reverse(h.ctx, h_on_reverse, &n_reversed);
		if (c == 2) {
			h_send(&h, FLOW_DIR_TO_CLIENT, "\x01\x02junk that is no protocol\r\n");
			assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
		}
		h_send(&h, FLOW_DIR_TO_SERVER, RESP1);
		assert_false(h.r.reversed);
		assert_int_equal(n_reversed, 0);
		assert_int_not_equal(h.r.proto, APP_PROTO_HTTP);
		assert_int_equal(h.f.dp, 8000);
		h_finish(&h);
		assert_int_equal(h.completed, 0);
		h_free(&h);
	}
}

/* CONNECT answered 200: the tunnel's bytes are detected anew (here HTTP again: this test
 * binary has no TLS parser; test-app-tls covers TLS); the CONNECT transaction stays and the
 * flow remembers HTTP as its first protocol. */
static void test_connect_proto_change(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "CONNECT abc:80 HTTP/1.1\r\nUser-Agent: x\r\n\r\n");
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_HTTP);
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nServer: y\r\n\r\n");
	assert_int_equal(h.completed, 1);
	assert_non_null(strstr(h.log, "|CONNECT|"));
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_UNKNOWN);
	assert_int_equal(app_flow_proto_orig(&h.f), APP_PROTO_HTTP);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /inner HTTP/1.1\r\nHost: abc\r\n\r\n");
	assert_int_equal(h.r.proto, APP_PROTO_HTTP);
	assert_true(h.r.proto_detected);
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 204 No Content\r\n\r\n");
	assert_int_equal(h.completed, 2);
	assert_non_null(strstr(h.log, "|GET|/inner|abc|204|"));
	/* once per flow: a second CONNECT inside the tunnel changes nothing */
	assert_int_equal(app_flow_proto_orig(&h.f), APP_PROTO_HTTP);
	h_finish(&h);
	h_free(&h);
}

/* A CONNECT refused (407) keeps the flow HTTP: no protocol change. */
static void test_connect_refused_stays_http(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "CONNECT abc:443 HTTP/1.1\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 407 Auth\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_HTTP);
	assert_int_equal(app_flow_proto_orig(&h.f), APP_PROTO_UNKNOWN);
	h_free(&h);
}

/* The stream stage skipped a hole nobody ACKed (FLOW_F_APP_STALL_*): the parser stops there. */
static void test_stalled_direction_ignored(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	h.f.flags |= FLOW_F_APP_STALL_TS;
	h_feed(&h, FLOW_DIR_TO_SERVER, "GET /second HTTP/1.1\r\nHost: h\r\n\r\n", 35,
	       APP_F_GAP);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /third HTTP/1.1\r\nHost: h\r\n\r\n");
	h_finish(&h);
	assert_null(strstr(h.log, "/second"));
	assert_null(strstr(h.log, "/third"));
	assert_non_null(strstr(h.log, "|GET|/a/c d?x=A|"));
	h_free(&h);
}

static void test_detect_need_more(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "G");
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	h_send(&h, FLOW_DIR_TO_SERVER, "E");
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1 + 2);
	assert_int_equal(h.r.proto, APP_PROTO_HTTP);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	assert_int_equal(h.completed, 1);
	assert_non_null(strstr(h.log, "|GET|/a/c d?x=A|example.com|200|"));
	h_free(&h);
}

static void test_detect_failed_garbage(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	uint8_t junk[5000];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 1);
	h_feed(&h, FLOW_DIR_TO_SERVER, junk, sizeof(junk), 0);
	/* the other direction may still speak a protocol: not failed yet */
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1); /* no second chance for this direction */
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	h_feed(&h, FLOW_DIR_TO_CLIENT, junk + 1, 100, 0);
	assert_int_equal(h.r.proto, APP_PROTO_FAILED); /* both directions failed */
	assert_true(h.r.proto_detected);
	assert_int_equal(h_live_tx(&h), 0);
	h_free(&h);
}

/* Junk from the client, an HTTP answer from the server: detected on the response side. */
static void test_detect_on_response_after_junk(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	static const uint8_t junk[] = { 0x85, 0x00, 0x00, 0x00, 0x25, 0x6c, 0x47, 0x81, 0x95 };
	h_feed(&h, FLOW_DIR_TO_SERVER, junk, sizeof(junk), 0);
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	assert_int_equal(h.r.proto, APP_PROTO_HTTP);
	assert_true(h.r.proto_detected);
	h_finish(&h);
	/* the response (no request line had ended yet), then the replayed junk: an unfinished
	 * request line that the end of the flow closes */
	assert_int_equal(h.completed, 2);
	assert_non_null(strstr(h.log, "|200|"));
	h_free(&h);
}

/*
 * The junk request is replayed into the HTTP parser once the response side found HTTP, as
 * Suricata does (suricata-verify http-not09-file): the junk line's form feed ends its "method",
 * the rest is its URI, the line has no protocol but more bytes follow it (not HTTP/0.9), so the
 * response is matched to it with its status line and headers, and its body is a file.
 */
static void test_detect_junk_request_replayed(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	static const uint8_t junk[] = { 0x85, 0x00, 0x25, 0x6c, 0x47, 0x0c, 0xd9, 'b', 'l', 0xb8,
					'\n', 'd', 0xb4, 0xbb, 0xf5, 0x06, 0xf7, 0xc1, 0xeb, 'q',
					'o', 0x1c, 0x89, 'Q', 0xee, '8', 0x85, 0xd2, 0xfb, 0x83 };
	h_feed(&h, FLOW_DIR_TO_SERVER, junk, sizeof(junk), 0);
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	assert_int_equal(h.r.proto, APP_PROTO_HTTP);
	struct app_tx *tx = app_flow_tx_first(&h.f);
	assert_non_null(tx);
	const struct http_tx *t = tx->proto_tx;
	assert_int_equal(t->method.len, 5);
	assert_memory_equal(t->uri_raw.data, "\xd9" "bl" "\xb8", 4);
	assert_int_equal(t->status, 200);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_LINE_MISSING_PROTOCOL));
	assert_false(h_has_event(&h, APP_EVENT_HTTP_UNABLE_TO_MATCH_RESPONSE));
	/* the response body is not the whole response (HTTP/0.9) but its 12 body bytes, a file */
	const struct app_file *f = app_tx_files(tx, FLOW_DIR_TO_CLIENT);
	assert_non_null(f);
	assert_int_equal(f->size, t->resp.body_len);
	assert_true(t->resp.body_len > 0 && t->resp.body_len < strlen(RESP1));
	h_free(&h);
}

/* More junk than detection keeps: the replay stops there and the parser is told of a gap. */
static void test_detect_junk_over_limit_gap(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.detect_max_bytes = 64;
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	uint8_t junk[200];
	memset(junk, 0x01, sizeof(junk));
	h_feed(&h, FLOW_DIR_TO_SERVER, junk, 40, 0);
	h_feed(&h, FLOW_DIR_TO_SERVER, junk, 160, 0);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	assert_int_equal(h.r.proto, APP_PROTO_HTTP);
	/* the next request after the lost bytes is found again (gap recovery) */
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	struct app_tx *last = h_last_tx(&h);
	assert_non_null(last);
	const struct http_tx *t = last->proto_tx;
	assert_int_equal(t->method.len, 3);
	assert_memory_equal(t->method.data, "GET", 3);
	h_free(&h);
}

/* One side sent junk and the other never spoke: failed when the flow ends. */
static void test_detect_one_sided_junk_fails_at_end(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	static const uint8_t junk[] = { 0x01, 0x02, 0x03, 0x04, 0x05 };
	h_feed(&h, FLOW_DIR_TO_CLIENT, junk, sizeof(junk), 0);
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_UNKNOWN);
	h_finish(&h);
	assert_int_equal(h.r.proto, APP_PROTO_FAILED);
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_FAILED);
	h_free(&h);
}

static void test_detect_gives_up_after_limit(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.detect_max_bytes = 16;
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	/* a prefix of a method keeps the probe asking for more, byte by byte, up to the cap */
	h_send(&h, FLOW_DIR_TO_SERVER, "P");
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	h_send(&h, FLOW_DIR_TO_SERVER, "ROPFIND");
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN);
	h_send(&h, FLOW_DIR_TO_SERVER, "XXXXXXXXXXXXXXXXXXXX");
	assert_int_equal(h.r.proto, APP_PROTO_UNKNOWN); /* the server may still answer */
	h_finish(&h);
	assert_int_equal(h.r.proto, APP_PROTO_FAILED);
	h_free(&h);
}

static void test_detect_disabled(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.proto[APP_PROTO_HTTP].enabled = false;
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	assert_int_equal(h.r.proto, APP_PROTO_FAILED);
	h_free(&h);
}

static void test_detect_udp_not_http(void **state)
{
	(void)state;
	struct h h;
	h_init_cfg(&h, NULL, 17);
	h.f.dp = 80;
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	assert_int_not_equal(h.r.proto, APP_PROTO_HTTP);
	h_free(&h);
}

static void test_detect_probe_table(void **state)
{
	(void)state;
	struct {
		const char *data;
		uint8_t dir;
		enum app_probe want;
	} cases[] = {
		{ "GET / HTTP/1.1", FLOW_DIR_TO_SERVER, APP_PROBE_MATCH },
		{ "POST /x", FLOW_DIR_TO_SERVER, APP_PROBE_MATCH },
		{ "OPTIONS * HTTP/1.1", FLOW_DIR_TO_SERVER, APP_PROBE_MATCH },
		{ "PO", FLOW_DIR_TO_SERVER, APP_PROBE_NEED_MORE },
		{ "GETX / HTTP/1.1", FLOW_DIR_TO_SERVER, APP_PROBE_NOMATCH },
		{ "HTTP/1.1 200 OK", FLOW_DIR_TO_CLIENT, APP_PROBE_MATCH },
		{ "HTTP/", FLOW_DIR_TO_CLIENT, APP_PROBE_NEED_MORE },
		{ "SSH-2.0-x", FLOW_DIR_TO_CLIENT, APP_PROBE_NOMATCH },
		{ "\x16\x03\x01", FLOW_DIR_TO_SERVER, APP_PROBE_NOMATCH },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum app_probe r = app_parser_http.probe((const uint8_t *)cases[i].data,
							 (uint32_t)strlen(cases[i].data),
							 cases[i].dir, 6);
		if (r != cases[i].want)
			fail_msg("probe \"%s\": %d, want %d", cases[i].data, r, cases[i].want);
	}
}

/* ---- basic request/response ---------------------------------------------------------------- */

static void test_http_basic_fields(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	struct app_tx *tx = h_last_tx(&h);
	assert_non_null(tx);
	assert_int_equal(tx->tx_id, 0);
	assert_int_equal(tx->proto, APP_PROTO_HTTP);
	assert_true(tx->complete[FLOW_DIR_TO_SERVER]);
	assert_false(tx->complete[FLOW_DIR_TO_CLIENT]);
	const struct http_tx *t = tx->proto_tx;
	assert_int_equal(t->http_port, 8000);
	assert_int_equal(t->req.n_headers, 4);
	assert_int_equal(t->status, -1);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	assert_int_equal(h.completed, 1);
	assert_int_equal(h.r.n_tx, 1);
	assert_true(h.r.txs[0].flags & APP_RTX_COMPLETED);
	assert_int_equal(t->status, 200);
	assert_int_equal(t->resp.body_len, 5);
	assert_int_equal(t->resp.content_length, 5);
	h_free(&h);
}

/* Every split point of request and response gives the same transactions as one piece. */
static void test_http_split_every_byte(void **state)
{
	(void)state;
	static const char req[] = "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd"
				  "GET /two HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
				   "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop";
	struct h ref;
	h_init(&ref);
	h_send(&ref, FLOW_DIR_TO_SERVER, req);
	h_send(&ref, FLOW_DIR_TO_CLIENT, resp);
	assert_int_equal(ref.completed, 2);
	assert_non_null(strstr(ref.log, "0|POST|/up|h|200|4|5|abcde|2\n"));
	assert_non_null(strstr(ref.log, "1|GET|/two|h|404|0|3|nop|1\n"));

	size_t rl = strlen(req), sl = strlen(resp);
	for (size_t cut = 1; cut < rl + sl; cut++) {
		struct h h;
		h_init(&h);
		/* request bytes in two pieces at `cut`, the response one byte at a time */
		size_t c1 = cut < rl ? cut : rl;
		h_feed(&h, FLOW_DIR_TO_SERVER, req, c1, 0);
		if (c1 < rl)
			h_feed(&h, FLOW_DIR_TO_SERVER, req + c1, rl - c1, 0);
		size_t c2 = cut < sl ? cut : sl;
		h_feed(&h, FLOW_DIR_TO_CLIENT, resp, c2, 0);
		for (size_t i = c2; i < sl; i++)
			h_feed(&h, FLOW_DIR_TO_CLIENT, resp + i, 1, 0);
		if (strcmp(h.log, ref.log) != 0)
			fail_msg("cut %zu:\n%s\nwant:\n%s", cut, h.log, ref.log);
		h_free(&h);
	}
	h_free(&ref);
}

static void test_http_pipelining(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
				       "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
				       "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(h_live_tx(&h), 3);
	assert_int_equal(h.r.n_tx, 3);
	assert_int_equal(h.completed, 0);
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 201 A\r\nContent-Length: 0\r\n\r\n"
				       "HTTP/1.1 202 B\r\nContent-Length: 0\r\n\r\n"
				       "HTTP/1.1 203 C\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(h.completed, 3);
	assert_non_null(strstr(h.log, "0|GET|/1|a|201|"));
	assert_non_null(strstr(h.log, "1|GET|/2|a|202|"));
	assert_non_null(strstr(h.log, "2|GET|/3|a|203|"));
	/* completed transactions are freed at the next call */
	h_feed(&h, FLOW_DIR_TO_SERVER, NULL, 0, 0);
	assert_int_equal(h_live_tx(&h), 0);
	h_free(&h);
}

static void test_http_chunked_ext_trailers(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER,
	       "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
	       "4;name=val\r\nwiki\r\n5\r\npedia\r\nA\r\n in chunks\r\n0\r\nX-Trailer: yes\r\n\r\n");
	struct app_tx *tx = h_last_tx(&h);
	assert_non_null(tx);
	const struct http_tx *t = tx->proto_tx;
	assert_true(tx->complete[FLOW_DIR_TO_SERVER]);
	assert_true(t->req.chunked);
	assert_int_equal(t->req.body.len, 19);
	assert_memory_equal(t->req.body.data, "wikipedia in chunks", 19);
	assert_non_null(http_msg_find_header(&t->req, "X-Trailer"));
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_CHUNK_EXTENSION));
	assert_buf(tx, APP_BUF_HTTP_REQUEST_BODY, FLOW_DIR_TO_SERVER, "wikipedia in chunks");
	h_free(&h);
}

static void test_http_chunked_invalid_len(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT,
	       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_INVALID_RESPONSE_CHUNK_LEN));
	assert_int_equal(h.completed, 1);
	h_free(&h);
}

/* ---- compressed bodies ---------------------------------------------------------------------- */

/* window bits: 15+16 gzip, 15 zlib, -15 raw deflate */
static size_t compress_buf(const void *in, size_t len, uint8_t *out, size_t cap, int wbits)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = cap - z.avail_out;
	deflateEnd(&z);
	return n;
}

static void run_compressed(const char *coding, int wbits)
{
	char body[4000];
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (char)('a' + i % 26);
	uint8_t comp[8192];
	size_t cl = compress_buf(body, sizeof(body), comp, sizeof(comp), wbits);
	char hdr[256];
	snprintf(hdr, sizeof(hdr),
		 "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %zu\r\n\r\n", coding,
		 cl);
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /z HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, hdr);
	struct app_tx *tx = h_last_tx(&h);
	/* body in odd-sized pieces */
	for (size_t off = 0; off < cl; off += 7)
		h_feed(&h, FLOW_DIR_TO_CLIENT, comp + off, cl - off < 7 ? cl - off : 7, 0);
	assert_int_equal(h.completed, 1);
	const struct http_tx *t = tx->proto_tx;
	assert_int_equal(t->resp.body_len, cl);
	assert_int_equal(t->resp.body.len, sizeof(body));
	assert_memory_equal(t->resp.body.data, body, sizeof(body));
	assert_false(h_has_event(&h, APP_EVENT_HTTP_GZIP_DECOMPRESSION_FAILED));
	h_free(&h);
}

static void test_http_gzip_body(void **state)
{
	(void)state;
	run_compressed("gzip", 15 + 16);
}

static void test_http_deflate_zlib_body(void **state)
{
	(void)state;
	run_compressed("deflate", 15);
}

static void test_http_deflate_raw_body(void **state)
{
	(void)state;
	run_compressed("deflate", -15);
}

static void test_http_gzip_corrupt(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /z HTTP/1.1\r\nHost: a\r\n\r\n");
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
				   "Content-Length: 20\r\n\r\n\x1f\x8b\x08\x00garbage-garbage!";
	h_feed(&h, FLOW_DIR_TO_CLIENT, resp, sizeof(resp) - 1, 0);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_GZIP_DECOMPRESSION_FAILED));
	assert_int_equal(h.completed, 1);
	h_free(&h);
}

static void test_http_compression_bomb(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.http.decompress_limit = 10000;
	cfg.http.response_body_limit = 1 << 20;
	static uint8_t zeros[200000];
	static uint8_t comp[4096];
	size_t cl = compress_buf(zeros, sizeof(zeros), comp, sizeof(comp), 15 + 16);
	char hdr[128];
	snprintf(hdr, sizeof(hdr),
		 "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", cl);
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, hdr);
	struct app_tx *tx = h_last_tx(&h);
	const struct http_tx *t = tx->proto_tx;
	h_feed(&h, FLOW_DIR_TO_CLIENT, comp, cl, 0);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_COMPRESSION_BOMB));
	assert_true(t->resp.body.len <= 10000 + 8192);
	h_free(&h);
}

/* ---- message framing special cases ---------------------------------------------------------- */

static void test_http_100_continue(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "POST /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
				       "Content-Length: 3\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 100 Continue\r\n\r\n");
	assert_int_equal(h.completed, 0);
	h_send(&h, FLOW_DIR_TO_SERVER, "xyz");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	assert_int_equal(h.completed, 1);
	assert_non_null(strstr(h.log, "0|POST|/u|a|200|3|2|ok|1\n"));
	assert_false(h_has_event(&h, APP_EVENT_HTTP_UNABLE_TO_MATCH_RESPONSE));
	h_free(&h);
}

static void test_http_connect_stops(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 Connection established\r\n\r\n");
	assert_int_equal(h.completed, 1);
	/* then TLS bytes: no more transactions, no events */
	unsigned ev = h.events;
	h_send(&h, FLOW_DIR_TO_SERVER, "\x16\x03\x01\x00\x05hello GET / HTTP/1.1\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "\x16\x03\x03\x00\x02hi");
	assert_int_equal(h.completed, 1);
	assert_int_equal(h.events, ev);
	/* the tunnel went through detection anew: no TLS parser in this binary, so it failed */
	assert_int_equal(h.r.proto, APP_PROTO_FAILED);
	assert_int_equal(app_flow_proto_orig(&h.f), APP_PROTO_HTTP);
	assert_int_equal(h_live_tx(&h), 0);
	h_free(&h);
}

static void test_http_head_no_body(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n"
				       "GET /g HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
				       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
	assert_int_equal(h.completed, 2);
	assert_non_null(strstr(h.log, "0|HEAD|/h|a|200|0|0||1\n"));
	assert_non_null(strstr(h.log, "1|GET|/g|a|200|0|2|hi|1\n"));
	h_free(&h);
}

static void test_http_no_body_status(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 304 Not Modified\r\n\r\n"
				       "HTTP/1.1 204 No Content\r\n\r\n");
	assert_int_equal(h.completed, 2);
	h_free(&h);
}

static void test_http_body_until_eof(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.0\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.0 200 OK\r\n\r\nsome body");
	assert_int_equal(h.completed, 0);
	h_send(&h, FLOW_DIR_TO_CLIENT, " more");
	h_feed(&h, FLOW_DIR_TO_CLIENT, NULL, 0, APP_F_EOF);
	assert_int_equal(h.completed, 1);
	assert_non_null(strstr(h.log, "|200|0|14|some body more|"));
	h_free(&h);
}

static void test_http_folding(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\nX-Fold: one\r\n  two\r\n\tthree\r\n\r\n");
	struct app_tx *tx = h_last_tx(&h);
	const struct http_header *x = http_msg_find_header(&((struct http_tx *)tx->proto_tx)->req,
							   "x-fold");
	assert_non_null(x);
	assert_int_equal(x->value_len, strlen("one two three"));
	assert_memory_equal(x->value, "one two three", x->value_len);
	h_free(&h);
}

static void test_http_duplicate_headers(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\nAccept: x\r\nX-D: 1\r\n"
				       "accept: y\r\n\r\n");
	struct app_tx *tx = h_last_tx(&h);
	assert_buf(tx, APP_BUF_HTTP_HEADER, FLOW_DIR_TO_SERVER,
		   "Host: a\r\nAccept: x, y\r\nX-D: 1\r\n");
	assert_buf(tx, APP_BUF_HTTP_ACCEPT, FLOW_DIR_TO_SERVER, "x, y");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_HEADER_REPETITION));
	h_free(&h);
}

/* ---- limits ------------------------------------------------------------------------------ */

/* A header line still being received is reported once its buffered part exceeds the limit (as
 * libhtp), not only when its end arrives; and only once. */
static void test_http_field_too_long_while_buffering(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.http.field_limit = 1000;
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: ");
	char chunk[600];
	memset(chunk, 'A', sizeof(chunk));
	h_feed(&h, FLOW_DIR_TO_SERVER, chunk, sizeof(chunk), 0);
	assert_false(h_has_event(&h, APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG));
	h_feed(&h, FLOW_DIR_TO_SERVER, chunk, sizeof(chunk), 0); /* 7 + 1200 bytes buffered */
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG));
	unsigned before = h.events;
	h_feed(&h, FLOW_DIR_TO_SERVER, chunk, sizeof(chunk), 0);
	h_send(&h, FLOW_DIR_TO_SERVER, "\r\nUser-Agent: after\r\n\r\n");
	assert_int_equal(h.events, before);
	assert_buf(h_last_tx(&h), APP_BUF_HTTP_USER_AGENT, FLOW_DIR_TO_SERVER, "after");
	h_free(&h);
}

static void test_http_huge_header_line(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.http.field_limit = 1000;
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: ");
	char chunk[4096];
	memset(chunk, 'A', sizeof(chunk));
	for (int i = 0; i < 256; i++) /* 1 MiB of one header line */
		h_feed(&h, FLOW_DIR_TO_SERVER, chunk, sizeof(chunk), 0);
	h_send(&h, FLOW_DIR_TO_SERVER, "\r\nUser-Agent: after\r\n\r\n");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG));
	struct app_tx *tx = h_last_tx(&h);
	const struct http_tx *t = tx->proto_tx;
	const struct http_header *x = http_msg_find_header(&t->req, "X-Big");
	assert_non_null(x);
	assert_true(x->value_len <= 1000);
	assert_buf(tx, APP_BUF_HTTP_USER_AGENT, FLOW_DIR_TO_SERVER, "after");
	assert_true(t->req.headers_raw.len < 4000);
	h_free(&h);
}

static void test_http_too_many_headers(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.http.headers_limit = 10;
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 50; i++) {
		char line[32];
		snprintf(line, sizeof(line), "X-H%d: v\r\n", i);
		h_send(&h, FLOW_DIR_TO_SERVER, line);
	}
	h_send(&h, FLOW_DIR_TO_SERVER, "\r\n");
	struct app_tx *tx = h_last_tx(&h);
	assert_int_equal(((struct http_tx *)tx->proto_tx)->req.n_headers, 10);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_TOO_MANY_HEADERS));
	h_free(&h);
}

static void test_http_body_limit(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.http.response_body_limit = 1000;
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n");
	struct app_tx *tx = h_last_tx(&h);
	const struct http_tx *t = tx->proto_tx;
	char chunk[4096];
	memset(chunk, 'B', sizeof(chunk));
	for (int i = 0; i < 256; i++)
		h_feed(&h, FLOW_DIR_TO_CLIENT, chunk, sizeof(chunk), 0);
	assert_int_equal(h.completed, 1);
	assert_int_equal(t->resp.body.len, 1000);
	assert_true(t->resp.body.cap <= 1000);
	assert_int_equal(t->resp.body_len, 1048576);
	assert_true(t->resp.body_truncated);
	h_free(&h);
}

static void test_http_max_tx(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.http.max_tx = 4;
	struct h h;
	h_init_cfg(&h, &cfg, 6);
	for (int i = 0; i < 20; i++)
		h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_true(h_live_tx(&h) <= 4);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_TOO_MANY_TRANSACTIONS));
	h_free(&h);
}

/* ---- gaps and errors ------------------------------------------------------------------------ */

static void test_http_gap_request(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc");
	/* 97 bytes lost, then the tail of something and the next request */
	static const char after[] = "junk\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n";
	h_feed(&h, FLOW_DIR_TO_SERVER, after, strlen(after), APP_F_GAP);
	unsigned n = 0;
	bool second = false;
	for (struct app_tx *tx = app_flow_tx_first(&h.f); tx; tx = app_flow_tx_next(tx)) {
		const struct http_tx *t = tx->proto_tx;
		n++;
		if (t->uri.len == 7 && memcmp(t->uri.data, "/second", 7) == 0)
			second = true;
		if (tx->tx_id == 0)
			assert_true(tx->flags & APP_TX_F_EOF);
	}
	assert_int_equal(n, 2);
	assert_true(second);
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
				       "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(h.completed, 2);
	h_free(&h);
}

static void test_http_gap_response_body(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nxx");
	static const char after[] = "yyy\r\nHTTP/1.1 404 NF\r\nContent-Length: 0\r\n\r\n";
	h_feed(&h, FLOW_DIR_TO_CLIENT, after, strlen(after), APP_F_GAP);
	assert_int_equal(h.completed, 2);
	assert_non_null(strstr(h.log, "1|GET|/2|a|404|"));
	h_free(&h);
}

/* The rest of a body was lost and the next status line follows its tail on the same line
 * (no CRLF between them): the parser finds it there, also split over chunks. */
static void test_http_gap_resync_mid_line(void **state)
{
	(void)state;
	static const char next[] = "AAAAAAAHTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
	for (size_t cut = 0; cut <= 16; cut++) {
		struct h h;
		h_init(&h);
		h_send(&h, FLOW_DIR_TO_SERVER, "GET /1 HTTP/1.0\r\n\r\nGET /2 HTTP/1.0\r\n\r\n");
		h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.0 200 OK\r\nContent-Length: 70\r\n\r\nAAAA");
		/* after the gap: `next`, cut in two at `cut` */
		h_feed(&h, FLOW_DIR_TO_CLIENT, next, cut, APP_F_GAP);
		h_feed(&h, FLOW_DIR_TO_CLIENT, next + cut, strlen(next) - cut, 0);
		if (!strstr(h.log, "1|GET|/2||200|0|2|ok|1\n"))
			fail_msg("cut %zu: %s", cut, h.log);
		assert_int_equal(h.completed, 2);
		h_free(&h);
	}
}

/* Requests resync the same way: a known method and a space, anywhere after the gap. */
static void test_http_gap_request_mid_line(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "POST /a HTTP/1.1\r\nContent-Length: 50\r\n\r\nxx");
	h_feed(&h, FLOW_DIR_TO_SERVER, "zzGETX no\r\nyyGET /b HTTP/1.1\r\n\r\n", 32,
	       APP_F_GAP);
	struct app_tx *tx = h_last_tx(&h);
	assert_int_equal(tx->tx_id, 1);
	assert_buf(tx, APP_BUF_HTTP_URI, FLOW_DIR_TO_SERVER, "/b");
	assert_buf(tx, APP_BUF_HTTP_METHOD, FLOW_DIR_TO_SERVER, "GET");
	h_free(&h);
}

static void test_http_response_without_request(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
				       "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(h.completed, 2);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_UNABLE_TO_MATCH_RESPONSE));
	h_free(&h);
}

static void test_http_missing_protocol(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /\nFakeHeader\nHost: localhost\nUser-Agent: myscript\n\n");
	struct app_tx *tx = h_last_tx(&h);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_LINE_MISSING_PROTOCOL));
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_FIELD_MISSING_COLON));
	assert_buf(tx, APP_BUF_HTTP_USER_AGENT, FLOW_DIR_TO_SERVER, "myscript");
	assert_buf(tx, APP_BUF_HTTP_PROTOCOL, FLOW_DIR_TO_SERVER, NULL);
	assert_true(tx->complete[FLOW_DIR_TO_SERVER]);
	h_free(&h);
}

/*
 * A request line without protocol and nothing else in its chunk is HTTP/0.9: no headers, the
 * response is all body (no status line), and later client bytes are not parsed.
 */
static void test_http_v09(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "POST abcd12345\r\n");
	struct app_tx *tx = h_last_tx(&h);
	assert_non_null(tx);
	assert_true(tx->complete[FLOW_DIR_TO_SERVER]);
	assert_false(h_has_event(&h, APP_EVENT_HTTP_REQUEST_LINE_MISSING_PROTOCOL));
	assert_buf(tx, APP_BUF_HTTP_URI_RAW, FLOW_DIR_TO_SERVER, "abcd12345");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 400 Bad Request\r\nServer: x\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_SERVER, "USER abab1212 \"zz\" \"yy\" :f6e1 l6e13\r\n");
	assert_int_equal(h_live_tx(&h), 1);
	assert_false(h_has_event(&h, APP_EVENT_HTTP_REQUEST_HEADER_INVALID));
	h_feed(&h, FLOW_DIR_TO_CLIENT, NULL, 0, APP_F_EOF);
	assert_int_equal(h.completed, 1);
	const struct http_tx *t = tx->proto_tx;
	assert_int_equal(t->status, -1);
	assert_int_equal(t->resp.body_len, 39);
	assert_int_equal(t->resp.n_headers, 0);
	h_free(&h);

	/* a little whitespace after the line still means 0.9; anything else means headers */
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /x\r\n \r\n");
	assert_false(h_has_event(&h, APP_EVENT_HTTP_REQUEST_LINE_MISSING_PROTOCOL));
	assert_true(h_last_tx(&h)->complete[FLOW_DIR_TO_SERVER]);
	h_free(&h);
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /x\r\nA\r\n\r\n");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_LINE_MISSING_PROTOCOL));
	h_free(&h);
}

/*
 * After a request without body, more bytes in the same chunk that do not start with a known
 * method are the request's body (request_body_unexpected), as libhtp takes them.
 */
static void test_http_unexpected_request_body(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "POST /i HTTP/1.1\r\nHost: a\r\n\r\nlogin=foo&password=bar3\r\n");
	struct app_tx *tx = h_last_tx(&h);
	assert_int_equal(tx->tx_id, 0);
	assert_true(tx->complete[FLOW_DIR_TO_SERVER]);
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_BODY_UNEXPECTED));
	assert_buf(tx, APP_BUF_HTTP_REQUEST_BODY, FLOW_DIR_TO_SERVER, "login=foo&password=bar3");
	h_free(&h);

	/* the same bytes in a chunk of their own are a (bad) request line instead */
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "POST /i HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_SERVER, "login=foo&password=bar3\r\n");
	assert_false(h_has_event(&h, APP_EVENT_HTTP_REQUEST_BODY_UNEXPECTED));
	assert_int_equal(h_live_tx(&h), 2);
	h_free(&h);

	/* pipelined requests (and a Content-Length body's trailing CRLF) are not body */
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "POST /p HTTP/1.1\r\nContent-Length: 2\r\n\r\nab\r\n"
				       "GET /g HTTP/1.1\r\n\r\nHEAD /h HTTP/1.1\r\n\r\n");
	assert_int_equal(h_live_tx(&h), 3);
	assert_false(h_has_event(&h, APP_EVENT_HTTP_REQUEST_BODY_UNEXPECTED));
	assert_buf(app_flow_tx_first(&h.f), APP_BUF_HTTP_REQUEST_BODY, FLOW_DIR_TO_SERVER, "ab");
	assert_buf(h_last_tx(&h), APP_BUF_HTTP_METHOD, FLOW_DIR_TO_SERVER, "HEAD");
	h_free(&h);
}

/* A CR without LF ends a header line (http-evader "cronly" framing). */
static void test_http_cr_only_header_end(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	h_send(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 ok\r\nContent-disposition: x\r"
				       "Transfer-Encoding: chunked\r\n\r\n5\r\nX5O!P\r\n0\r\n\r\n");
	assert_int_equal(h.completed, 1);
	assert_non_null(strstr(h.log, "0|GET|/|a|200|0|5|X5O!P|2\n"));
	struct app_tx *tx = app_flow_tx_first(&h.f);
	assert_buf(tx, APP_BUF_HTTP_HEADER_RAW, FLOW_DIR_TO_CLIENT,
		   "Content-disposition: x\rTransfer-Encoding: chunked\r\n");
	h_free(&h);
}

static void test_http_host_events(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_MISSING_HOST_HEADER));
	h_send(&h, FLOW_DIR_TO_SERVER, "GET http://one.example/p HTTP/1.1\r\nHost: two.example\r\n\r\n");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_HOST_HEADER_AMBIGUOUS));
	struct app_tx *tx = h_last_tx(&h);
	assert_buf(tx, APP_BUF_HTTP_HOST, FLOW_DIR_TO_SERVER, "one.example");
	assert_buf(tx, APP_BUF_HTTP_URI, FLOW_DIR_TO_SERVER, "/p");
	assert_buf(tx, APP_BUF_HTTP_URI_RAW, FLOW_DIR_TO_SERVER, "http://one.example/p");
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: h:99999\r\n\r\n");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_REQUEST_HEADER_HOST_INVALID));
	h_free(&h);
}

static void test_http_content_length_events(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_INVALID_CL_REQUEST));
	h_send(&h, FLOW_DIR_TO_SERVER, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
				       "Content-Length: 2\r\n\r\nok");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_DUPLICATE_CL_REQUEST));
	struct app_tx *tx = h_last_tx(&h);
	assert_buf(tx, APP_BUF_HTTP_REQUEST_BODY, FLOW_DIR_TO_SERVER, "ok");
	h_free(&h);
}

static void test_http_flow_finish(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /open HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(h.completed, 0);
	h_finish(&h);
	assert_int_equal(h.completed, 1);
	assert_non_null(strstr(h.log, "0|GET|/open|a|-1|"));
	assert_true(h.r.txs[0].tx->flags & APP_TX_F_EOF);
	h_free(&h);
}

static void test_http_event_result_has_tx(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n");
	assert_true(h.r.n_events >= 1);
	bool found = false;
	for (uint32_t i = 0; i < h.r.n_events; i++)
		if (h.r.events[i].event == APP_EVENT_HTTP_REQUEST_HEADER_INVALID) {
			assert_true(h.r.events[i].has_tx);
			assert_int_equal(h.r.events[i].tx_id, 0);
			found = true;
		}
	assert_true(found);
	struct app_tx *tx = h_last_tx(&h);
	assert_int_equal(tx->n_events, 1);
	assert_int_equal(tx->events[0], APP_EVENT_HTTP_REQUEST_HEADER_INVALID);
	h_free(&h);
}

/* ---- URI normalisation ---------------------------------------------------------------------- */

static void test_uri_normalize_table(void **state)
{
	(void)state;
	struct {
		const char *in, *out;
		unsigned flags;
	} cases[] = {
		{ "/", "/", 0 },
		{ "/index.html", "/index.html", 0 },
		{ "/a/./b", "/a/b", 0 },
		{ "/a/../b", "/b", 0 },
		{ "/a/b/..", "/a/", 0 },
		{ "/a/b/.", "/a/b/", 0 },
		{ "/../../etc/passwd", "/etc/passwd", 0 },
		{ "//a///b//", "/a/b/", 0 },
		{ "/a%20b", "/a b", 0 },
		{ "/%2e%2e/%2E%2E/x", "/x", 0 },
		{ "/a%2fb", "/a%2Fb", 0 },
		{ "/%zz", "/%zz", URI_NORM_F_INVALID_ENCODING },
		{ "/%", "/%", URI_NORM_F_INVALID_ENCODING },
		{ "/%u0041%u002e", "/A.", 0 },
		{ "/%uff0fx", "/%2Fx", 0 },
		{ "/%u4e2d", "/?", 0 },
		{ "/%2541", "/%41", URI_NORM_F_DOUBLE_ENCODED },
		{ "/%c0%af", "/\xc0\xaf", URI_NORM_F_OVERLONG_UTF8 },
		{ "/a%00b", "/a\0b", URI_NORM_F_NUL },
		{ "/p?q=%41%20b&x=/../", "/p?q=A b&x=/../", 0 },
		{ "/p/../?q", "/?q", 0 },
		{ "/p#frag%41", "/p#frag%41", 0 },
		{ "*", "*", 0 },
		{ "", "", 0 },
	};
	struct uri_norm_opts o = { .u_encoding = true };
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *in = cases[i].in;
		uint32_t il = (uint32_t)strlen(in);
		uint8_t out[256];
		unsigned f = 0;
		uint32_t n = uri_normalize((const uint8_t *)in, il, &o, out, sizeof(out), &f);
		size_t wl = strlen(cases[i].out);
		if (cases[i].flags == URI_NORM_F_NUL)
			wl = 4;
		if (n != wl || memcmp(out, cases[i].out, wl) != 0)
			fail_msg("\"%s\" -> \"%.*s\", want \"%s\"", in, (int)n, out, cases[i].out);
		if ((f & cases[i].flags) != cases[i].flags || (!cases[i].flags && f))
			fail_msg("\"%s\": findings %#x, want %#x", in, f, cases[i].flags);
	}
}

static void test_uri_double_decode_option(void **state)
{
	(void)state;
	struct uri_norm_opts o = { .u_encoding = true, .double_decode_path = true };
	uint8_t out[64];
	unsigned f;
	uint32_t n = uri_normalize((const uint8_t *)"/%252e%252e/x?a=%2541", 21, &o, out,
				   sizeof(out), &f);
	assert_true(f & URI_NORM_F_DOUBLE_ENCODED);
	/* the path is decoded twice (".." then removed), the query once */
	assert_int_equal(n, strlen("/x?a=%41"));
	assert_memory_equal(out, "/x?a=%41", n);
	/* the output never goes past its capacity */
	n = uri_normalize((const uint8_t *)"/aaaaaaaaaaaaaaaa", 17, &o, out, 5, &f);
	assert_true(n <= 5);
}

static void test_http_uri_events(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, "GET /%2541%c0%ae HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_true(h_has_event(&h, APP_EVENT_HTTP_DOUBLE_ENCODED_URI));
	assert_true(h_has_event(&h, APP_EVENT_HTTP_URI_OVERLONG_UTF8));
	struct app_tx *tx = h_last_tx(&h);
	assert_buf(tx, APP_BUF_HTTP_URI_RAW, FLOW_DIR_TO_SERVER, "/%2541%c0%ae");
	uint32_t l;
	assert_int_equal(app_tx_get_urilen(tx, false, &l), 0);
	assert_int_equal(l, 6); /* "/%41" and the two overlong bytes */
	assert_int_equal(app_tx_get_urilen(tx, true, &l), 0);
	assert_int_equal(l, 12);
	h_free(&h);
}

/* ---- sticky buffers ------------------------------------------------------------------------- */

static void test_sticky_buffers(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER,
	       "POST /p/../q%41?r=1 HTTP/1.1\r\n"
	       "Host: WWW.Ex.org:8000\r\n"
	       "User-Agent: UA/1\r\n"
	       "Referer: http://ref/\r\n"
	       "Accept: text/html\r\n"
	       "Accept-Encoding: gzip\r\n"
	       "Accept-Language: en\r\n"
	       "Connection: close\r\n"
	       "Cookie: c=1\r\n"
	       "Content-Type: text/plain\r\n"
	       "Content-Length: 4\r\n"
	       "\r\n"
	       "body");
	h_send(&h, FLOW_DIR_TO_CLIENT,
	       "HTTP/1.1 302 Found\r\n"
	       "Server: srv\r\n"
	       "Location: /there\r\n"
	       "Set-Cookie: s=2\r\n"
	       "Content-Type: text/html\r\n"
	       "Content-Length: 3\r\n"
	       "\r\n"
	       "xyz");
	assert_int_equal(h.completed, 1);
	struct app_tx *tx = h.r.txs[0].tx;
	const uint8_t TS = FLOW_DIR_TO_SERVER, TC = FLOW_DIR_TO_CLIENT;
	assert_buf(tx, APP_BUF_HTTP_URI, TS, "/qA?r=1");
	assert_buf(tx, APP_BUF_HTTP_URI_RAW, TS, "/p/../q%41?r=1");
	assert_buf(tx, APP_BUF_HTTP_METHOD, TS, "POST");
	assert_buf(tx, APP_BUF_HTTP_PROTOCOL, TS, "HTTP/1.1");
	assert_buf(tx, APP_BUF_HTTP_PROTOCOL, TC, "HTTP/1.1");
	assert_buf(tx, APP_BUF_HTTP_REQUEST_LINE, TS, "POST /p/../q%41?r=1 HTTP/1.1");
	assert_buf(tx, APP_BUF_HTTP_RESPONSE_LINE, TC, "HTTP/1.1 302 Found");
	assert_buf(tx, APP_BUF_HTTP_HOST, TS, "www.ex.org");
	assert_buf(tx, APP_BUF_HTTP_HOST_RAW, TS, "WWW.Ex.org:8000");
	assert_buf(tx, APP_BUF_HTTP_USER_AGENT, TS, "UA/1");
	assert_buf(tx, APP_BUF_HTTP_REFERER, TS, "http://ref/");
	assert_buf(tx, APP_BUF_HTTP_ACCEPT, TS, "text/html");
	assert_buf(tx, APP_BUF_HTTP_ACCEPT_ENC, TS, "gzip");
	assert_buf(tx, APP_BUF_HTTP_ACCEPT_LANG, TS, "en");
	assert_buf(tx, APP_BUF_HTTP_CONNECTION, TS, "close");
	assert_buf(tx, APP_BUF_HTTP_COOKIE, TS, "c=1");
	assert_buf(tx, APP_BUF_HTTP_COOKIE, TC, "s=2");
	assert_buf(tx, APP_BUF_HTTP_CONTENT_TYPE, TS, "text/plain");
	assert_buf(tx, APP_BUF_HTTP_CONTENT_TYPE, TC, "text/html");
	assert_buf(tx, APP_BUF_HTTP_CONTENT_LEN, TS, "4");
	assert_buf(tx, APP_BUF_HTTP_CONTENT_LEN, TC, "3");
	assert_buf(tx, APP_BUF_HTTP_REQUEST_BODY, TS, "body");
	assert_buf(tx, APP_BUF_HTTP_RESPONSE_BODY, TC, "xyz");
	assert_buf(tx, APP_BUF_FILE_DATA, TS, "body");
	assert_buf(tx, APP_BUF_FILE_DATA, TC, "xyz");
	assert_buf(tx, APP_BUF_HTTP_STAT_CODE, TC, "302");
	assert_buf(tx, APP_BUF_HTTP_STAT_MSG, TC, "Found");
	assert_buf(tx, APP_BUF_HTTP_SERVER, TC, "srv");
	assert_buf(tx, APP_BUF_HTTP_LOCATION, TC, "/there");
	assert_buf(tx, APP_BUF_HTTP_HEADER, TC,
		   "Server: srv\r\nLocation: /there\r\nContent-Type: text/html\r\n"
		   "Content-Length: 3\r\n");
	assert_buf(tx, APP_BUF_HTTP_HEADER_NAMES, TC,
		   "\r\nServer\r\nLocation\r\nSet-Cookie\r\nContent-Type\r\nContent-Length\r\n\r\n");
	assert_buf(tx, APP_BUF_HTTP_HEADER_RAW, TC,
		   "Server: srv\r\nLocation: /there\r\nSet-Cookie: s=2\r\n"
		   "Content-Type: text/html\r\nContent-Length: 3\r\n");
	assert_buf(tx, APP_BUF_HTTP_START, TC,
		   "HTTP/1.1 302 Found\r\nServer: srv\r\nLocation: /there\r\nSet-Cookie: s=2\r\n"
		   "Content-Type: text/html\r\nContent-Length: 3\r\n\r\n");
	/* request-only and response-only buffers are absent on the other side */
	assert_buf(tx, APP_BUF_HTTP_USER_AGENT, TC, NULL);
	assert_buf(tx, APP_BUF_HTTP_SERVER, TS, NULL);
	assert_buf(tx, APP_BUF_HTTP_STAT_CODE, TS, NULL);
	assert_buf(tx, APP_BUF_HTTP_URI, TC, NULL);
	assert_buf(tx, APP_BUF_TLS_SNI, TS, NULL);
	/* multi-buffers: one "Name: value" per header */
	const uint8_t *d;
	uint32_t l;
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_HTTP_REQUEST_HEADER, TS, 0, &d, &l), 0);
	assert_int_equal(l, strlen("Host: WWW.Ex.org:8000"));
	assert_memory_equal(d, "Host: WWW.Ex.org:8000", l);
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_HTTP_REQUEST_HEADER, TS, 9, &d, &l), 0);
	assert_memory_equal(d, "Content-Length: 4", l);
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_HTTP_REQUEST_HEADER, TS, 10, &d, &l), -1);
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_HTTP_RESPONSE_HEADER, TC, 3, &d, &l), 0);
	assert_memory_equal(d, "Content-Type: text/html", l);
	assert_int_equal(app_tx_get_buffer(tx, APP_BUF_HTTP_URI, TS, 1, &d, &l), -1);
	h_free(&h);
}

static void test_http_header_excludes_cookie(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	struct app_tx *tx = h_last_tx(&h);
	assert_buf(tx, APP_BUF_HTTP_HEADER, FLOW_DIR_TO_SERVER,
		   "Host: Example.COM:8000\r\nUser-Agent: test-agent\r\nAccept: */*\r\n");
	assert_buf(tx, APP_BUF_HTTP_HEADER_NAMES, FLOW_DIR_TO_SERVER,
		   "\r\nHost\r\nUser-Agent\r\nAccept\r\nCookie\r\n\r\n");
	assert_buf(tx, APP_BUF_HTTP_COOKIE, FLOW_DIR_TO_SERVER, "k=v");
	/* response buffers do not exist before the response */
	assert_buf(tx, APP_BUF_HTTP_STAT_CODE, FLOW_DIR_TO_CLIENT, NULL);
	assert_buf(tx, APP_BUF_HTTP_HEADER, FLOW_DIR_TO_CLIENT, NULL);
	h_free(&h);
}

/* ---- configuration -------------------------------------------------------------------------- */

static void test_config_from_conf(void **state)
{
	(void)state;
	static const char yaml[] =
		"%YAML 1.1\n---\n"
		"app-layer:\n"
		"  protocols:\n"
		"    http:\n"
		"      enabled: yes\n"
		"      detection-ports:\n"
		"        dp: \"[80, 8080, 9000:9002]\"\n"
		"      libhtp:\n"
		"        default-config:\n"
		"          request-body-limit: 2kb\n"
		"          response-body-limit: 1mb\n"
		"          double-decode-path: yes\n"
		"          meta-field-limit: 4096\n"
		"          max-tx: 64\n"
		"    tls:\n"
		"      enabled: detection-only\n"
		"      ja3-fingerprints: yes\n"
		"    dns:\n"
		"      tcp:\n"
		"        enabled: no\n";
	struct conf *c;
	char err[CONF_ERR_LEN];
	assert_int_equal(conf_load_string(&c, yaml, sizeof(yaml) - 1, "t.yaml", err, sizeof(err)),
			 0);
	struct app_config cfg;
	assert_int_equal(app_config_from_conf(&cfg, c, err, sizeof(err)), 0);
	assert_int_equal(cfg.http.request_body_limit, 2048);
	assert_int_equal(cfg.http.response_body_limit, 1024 * 1024);
	assert_true(cfg.http.double_decode_path);
	assert_false(cfg.http.double_decode_query);
	assert_int_equal(cfg.http.field_limit, 4096);
	assert_int_equal(cfg.http.max_tx, 64);
	assert_int_equal(cfg.proto[APP_PROTO_HTTP].n_ports, 5);
	assert_int_equal(cfg.proto[APP_PROTO_HTTP].ports[4], 9002);
	assert_true(cfg.proto[APP_PROTO_TLS].detection_only);
	assert_true(cfg.tls.ja3);
	assert_false(cfg.tls.ja4);
	assert_false(cfg.dns.tcp_enabled);
	assert_true(cfg.dns.udp_enabled);
	conf_free(c);
}

static void test_config_error_position(void **state)
{
	(void)state;
	static const char yaml[] = "app-layer:\n  protocols:\n    http:\n      libhtp:\n"
				   "        default-config:\n          request-body-limit: lots\n";
	struct conf *c;
	char err[CONF_ERR_LEN];
	assert_int_equal(conf_load_string(&c, yaml, sizeof(yaml) - 1, "t.yaml", err, sizeof(err)),
			 0);
	struct app_config cfg;
	assert_int_equal(app_config_from_conf(&cfg, c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "t.yaml:6:"));
	assert_non_null(strstr(err, "error"));
	conf_free(c);
}

static void test_config_defaults(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_defaults(&cfg);
	assert_true(cfg.proto[APP_PROTO_HTTP].enabled);
	assert_int_equal(cfg.proto[APP_PROTO_HTTP].ports[0], 80);
	assert_int_equal(cfg.http.request_body_limit, 100 * 1024);
	assert_int_equal(cfg.http.max_tx, 512);
	assert_true(cfg.http.decompress);
	struct app_config c2;
	char err[64];
	assert_int_equal(app_config_from_conf(&c2, NULL, err, sizeof(err)), 0);
	assert_memory_equal(&cfg, &c2, sizeof(cfg));
}

static void test_stats(void **state)
{
	(void)state;
	struct h h;
	h_init(&h);
	h_send(&h, FLOW_DIR_TO_SERVER, REQ1);
	h_send(&h, FLOW_DIR_TO_CLIENT, RESP1);
	struct app_stats st;
	app_get_stats(h.ctx, &st);
	assert_int_equal(st.flows[APP_PROTO_HTTP], 1);
	assert_int_equal(st.tx[APP_PROTO_HTTP], 1);
	assert_int_equal(st.bytes, strlen(REQ1) + strlen(RESP1));
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_buffer_names_match_rules),
		cmocka_unit_test(test_http_event_rules_known),
		cmocka_unit_test(test_detect_request_any_port),
		cmocka_unit_test(test_detect_response_first),
		cmocka_unit_test(test_detect_reverse_midstream),
		cmocka_unit_test(test_detect_reverse_only_midstream),
		cmocka_unit_test(test_detect_no_reverse_after_proto_change),
		cmocka_unit_test(test_connect_proto_change),
		cmocka_unit_test(test_connect_refused_stays_http),
		cmocka_unit_test(test_stalled_direction_ignored),
		cmocka_unit_test(test_detect_need_more),
		cmocka_unit_test(test_detect_failed_garbage),
		cmocka_unit_test(test_detect_on_response_after_junk),
		cmocka_unit_test(test_detect_junk_request_replayed),
		cmocka_unit_test(test_detect_junk_over_limit_gap),
		cmocka_unit_test(test_detect_one_sided_junk_fails_at_end),
		cmocka_unit_test(test_detect_gives_up_after_limit),
		cmocka_unit_test(test_detect_disabled),
		cmocka_unit_test(test_detect_udp_not_http),
		cmocka_unit_test(test_detect_probe_table),
		cmocka_unit_test(test_http_basic_fields),
		cmocka_unit_test(test_http_split_every_byte),
		cmocka_unit_test(test_http_pipelining),
		cmocka_unit_test(test_http_chunked_ext_trailers),
		cmocka_unit_test(test_http_chunked_invalid_len),
		cmocka_unit_test(test_http_gzip_body),
		cmocka_unit_test(test_http_deflate_zlib_body),
		cmocka_unit_test(test_http_deflate_raw_body),
		cmocka_unit_test(test_http_gzip_corrupt),
		cmocka_unit_test(test_http_compression_bomb),
		cmocka_unit_test(test_http_100_continue),
		cmocka_unit_test(test_http_connect_stops),
		cmocka_unit_test(test_http_head_no_body),
		cmocka_unit_test(test_http_no_body_status),
		cmocka_unit_test(test_http_body_until_eof),
		cmocka_unit_test(test_http_folding),
		cmocka_unit_test(test_http_duplicate_headers),
		cmocka_unit_test(test_http_huge_header_line),
		cmocka_unit_test(test_http_field_too_long_while_buffering),
		cmocka_unit_test(test_http_too_many_headers),
		cmocka_unit_test(test_http_body_limit),
		cmocka_unit_test(test_http_max_tx),
		cmocka_unit_test(test_http_gap_request),
		cmocka_unit_test(test_http_gap_response_body),
		cmocka_unit_test(test_http_gap_resync_mid_line),
		cmocka_unit_test(test_http_gap_request_mid_line),
		cmocka_unit_test(test_http_v09),
		cmocka_unit_test(test_http_unexpected_request_body),
		cmocka_unit_test(test_http_cr_only_header_end),
		cmocka_unit_test(test_http_response_without_request),
		cmocka_unit_test(test_http_missing_protocol),
		cmocka_unit_test(test_http_host_events),
		cmocka_unit_test(test_http_content_length_events),
		cmocka_unit_test(test_http_flow_finish),
		cmocka_unit_test(test_http_event_result_has_tx),
		cmocka_unit_test(test_uri_normalize_table),
		cmocka_unit_test(test_uri_double_decode_option),
		cmocka_unit_test(test_http_uri_events),
		cmocka_unit_test(test_sticky_buffers),
		cmocka_unit_test(test_http_header_excludes_cookie),
		cmocka_unit_test(test_config_from_conf),
		cmocka_unit_test(test_config_error_position),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_stats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
