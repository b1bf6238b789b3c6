/*
 * test-detect-tx.c — unit tests of app-layer transaction inspection (detect_tx), raw stream
 * inspection (detect_stream, the stream model of the packet loop) and app-gated packet rules
 * (detect_app_packet). HTTP, DNS and TLS conversations are built by hand, parsed by the real
 * app-layer parsers (app_handle_data) and every transaction they report is inspected.
 */
#include "test-detect-helpers.h"

#include "app/app.h"
#include "stream/stream.h"

#define MAX_SID 64

struct txh {
	struct tengine te;
	struct app_ctx *app;
	struct flow f;
	uint32_t hits[MAX_SID];   /* alerts per sid over the conversation */
	uint64_t tx_id[MAX_SID];  /* tx_id of the last alert per sid */
	uint32_t flags[MAX_SID];  /* flags of the last alert per sid */
};

static void txh_init(struct txh *h, const char *rules, uint8_t ip_proto, uint16_t dp)
{
	memset(h, 0, sizeof(*h));
	te_build(&h->te, rules);
	struct app_config cfg;
	app_config_defaults(&cfg);
	/* the TLS parser registers weakly: a reference to tls.c links it into this test */
	char vb[24];
	assert_string_equal(tls_version_name(TLS_VERSION_12, vb), "TLS 1.2");
	h->app = app_ctx_create(&cfg);
	assert_non_null(h->app);
	app_ctx_set_detect_free(h->app, detect_tx_state_free, NULL);
	h->f.ip_proto = ip_proto;
	h->f.ip_version = 4;
	assert_int_equal(ip_addr_parse("10.0.0.1", &h->f.src), 0);
	assert_int_equal(ip_addr_parse("192.0.2.9", &h->f.dst), 0);
	h->f.sp = 40000;
	h->f.dp = dp;
}

static void txh_free(struct txh *h)
{
	app_flow_free(h->app, &h->f);
	app_ctx_destroy(h->app);
	detect_flow_free(&h->f);
	te_free(&h->te);
}

static void count(struct txh *h, const struct detect_result *res)
{
	for (uint32_t i = 0; i < res->n_alerts; i++) {
		uint32_t sid = res->alerts[i].rule->sid;
		if (sid < MAX_SID) {
			h->hits[sid]++;
			h->tx_id[sid] = res->alerts[i].tx_id;
			h->flags[sid] = res->alerts[i].flags;
		}
	}
}

/* The packet of direction dir carrying `data`. */
static void txh_packet(struct txh *h, struct packet *p, uint8_t dir, const void *data, size_t n)
{
	if (dir == FLOW_DIR_TO_SERVER)
		pkt_make(p, h->f.ip_proto, "10.0.0.1", h->f.sp, "192.0.2.9", h->f.dp, data, n);
	else
		pkt_make(p, h->f.ip_proto, "192.0.2.9", h->f.dp, "10.0.0.1", h->f.sp, data, n);
	p->flow = &h->f;
	p->flow_dir = dir;
}

/* Parse one direction's bytes and inspect each transaction that moved. */
static void txh_send(struct txh *h, uint8_t dir, const void *data, size_t n)
{
	struct packet p;
	txh_packet(h, &p, dir, data, n);
	struct app_result ar;
	assert_int_equal(app_handle_data(h->app, &h->f, dir, data, (uint32_t)n, 0, p.ts_usec, &ar),
			 0);
	for (uint32_t i = 0; i < ar.n_tx; i++) {
		struct detect_result res;
		detect_tx(h->te.t, &p, &h->f, ar.txs[i].tx, dir, &res);
		count(h, &res);
	}
}

static void txh_sends(struct txh *h, uint8_t dir, const char *s)
{
	txh_send(h, dir, s, strlen(s));
}

#define REQ_GET "GET /admin/index.php?x=1 HTTP/1.1\r\nHost: www.Example.com\r\n" \
		"User-Agent: curl/8.0\r\nX-Foo: bar\r\n\r\n"
#define RESP_404 "HTTP/1.1 404 Not Found\r\nServer: nginx\r\nContent-Length: 9\r\n\r\nnot here!"

/* ---- HTTP -------------------------------------------------------------------------------- */

static void test_http_uri(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"u\"; http.uri; content:\"/admin\"; "
		     "sid:1;)\nalert http any any -> any any (msg:\"n\"; http.uri; "
		     "content:\"/nothere\"; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	assert_int_equal(h.tx_id[1], 0);
	assert_true(h.flags[1] & DETECT_ALERT_F_TX);
	txh_free(&h);
}

static void test_http_once_per_tx(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"u\"; http.uri; content:\"/admin\"; "
		     "sid:1;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[1], 1);
	/* a second request: its own transaction, its own alert */
	txh_sends(&h, FLOW_DIR_TO_SERVER, "GET /admin/2 HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(h.hits[1], 2);
	assert_int_equal(h.tx_id[1], 1);
	txh_free(&h);
}

static void test_http_method(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"m\"; http.method; content:\"POST\"; "
		     "sid:1;)\nalert http any any -> any any (msg:\"g\"; http.method; "
		     "content:\"GET\"; startswith; endswith; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 0);
	assert_int_equal(h.hits[2], 1);
	txh_free(&h);
}

static void test_http_header(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"h\"; http.header; "
		     "content:\"X-Foo|3a 20|bar|0d 0a|\"; sid:1;)\n"
		     "alert http any any -> any any (msg:\"h2\"; content:\"X-Bar\"; http_header; "
		     "sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	txh_free(&h);
}

static void test_http_host(void **state)
{
	(void)state;
	struct txh h;
	/* http.host is normalised to lower case */
	txh_init(&h, "alert http any any -> any any (msg:\"h\"; http.host; "
		     "content:\"www.example.com\"; sid:1;)\n"
		     "alert http any any -> any any (msg:\"raw\"; http.host.raw; "
		     "content:\"www.Example.com\"; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 1);
	txh_free(&h);
}

static void test_http_uricontent(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"uc\"; uricontent:\"index.php\"; "
		     "sid:1;)\nalert http any any -> any any (msg:\"legacy\"; content:\"x=1\"; "
		     "http_uri; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 1);
	txh_free(&h);
}

static void test_http_client_body(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"b\"; content:\"secret=1\"; "
		     "http_client_body; sid:1;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, "POST /login HTTP/1.1\r\nHost: a\r\n"
					  "Content-Length: 17\r\n\r\nuser=a&");
	assert_int_equal(h.hits[1], 0);
	txh_sends(&h, FLOW_DIR_TO_SERVER, "secret=1&");
	txh_sends(&h, FLOW_DIR_TO_SERVER, "z");
	assert_int_equal(h.hits[1], 1);
	txh_free(&h);
}

static void test_http_file_data(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"fd\"; flow:to_client; file.data; "
		     "content:\"not here\"; sid:1;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 0);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.tx_id[1], 0);
	txh_free(&h);
}

/* Sticky-buffer fast patterns near the buffer's start are looked up in the part's anchor
 * table (no Hyperscan database where that is all there is): found at their place only. */
static void test_http_anchored_buffers(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"uri\"; http.uri; content:\"/admin\"; "
		     "startswith; sid:1;)\n"
		     "alert http any any -> any any (msg:\"mid\"; http.uri; content:\"index\"; "
		     "depth:6; sid:2;)\n"
		     "alert http any any -> any any (msg:\"body\"; flow:to_client; file.data; "
		     "content:\"not\"; depth:3; sid:3;)\n"
		     "alert http any any -> any any (msg:\"body2\"; flow:to_client; file.data; "
		     "content:\"here\"; offset:4; depth:4; sid:4;)\n"
		     "alert http any any -> any any (msg:\"late\"; flow:to_client; file.data; "
		     "content:\"here\"; depth:4; sid:5;)",
		     6, 80);
	uint32_t in_tables = 0, with_db = 0;
	for (uint32_t i = 0; i < DET_NPARTS; i++) {
		const struct det_part *p = &h.te.e->parts[i];
		for (uint16_t k = 0; p->used && k < p->n_mpm; k++) {
			const struct det_anchor *a = p->mpm[k].anchor;
			in_tables += a ? a->n_pats + a->n_floats : 0;
			with_db += p->mpm[k].db != UINT32_MAX;
		}
	}
	assert_int_equal(in_tables, 5);
	assert_int_equal(with_db, 0);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0); /* "index" is at 7, past depth 6 */
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[3], 1);
	assert_int_equal(h.hits[4], 1);
	assert_int_equal(h.hits[5], 0);
	txh_free(&h);
}

static void test_http_stat_code_with_uri(void **state)
{
	(void)state;
	struct txh h;
	/* request and response buffers in one rule: inspected when the response is there */
	txh_init(&h, "alert http any any -> any any (msg:\"mix\"; http.uri; content:\"/admin\"; "
		     "http.stat_code; content:\"404\"; sid:1;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 0);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[1], 1);
	txh_free(&h);
}

/* Prefilter memory: buffers already scanned are not scanned again at the transaction's next
 * steps, their candidates still count, and a body that grew is scanned from just before its
 * old end, so a pattern across the two parts is found. */
static uint64_t scans(const struct txh *h)
{
	struct detect_thread_stats st;
	detect_thread_get_stats(h->te.t, &st);
	return st.mpm_scans;
}

static void test_tx_prefilter_memory(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"uri\"; flow:to_server; http.uri; "
		     "content:\"/admin/index\"; sid:1;)\n"
		     "alert http any any -> any any (msg:\"mix\"; http.uri; content:\"index.php\"; "
		     "http.stat_code; content:\"200\"; sid:2;)\n"
		     "alert http any any -> any any (msg:\"body\"; flow:to_client; file_data; "
		     "content:\"ABCDEFGH\"; sid:3;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	uint64_t after_request = scans(&h);
	assert_true(after_request > 0);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\nxxxxABCD");
	/* the response line and headers: the uri is not scanned again, yet sid 2 (whose fast
	 * pattern is in the uri) is still a candidate and alerts on the status code */
	assert_int_equal(h.hits[2], 1);
	assert_int_equal(h.hits[3], 0);
	uint64_t after_headers = scans(&h);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, "EFGHyyyy");
	assert_int_equal(h.hits[3], 1);
	/* completing the body scanned the body's new part and nothing else */
	assert_int_equal(scans(&h) - after_headers, 1);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 1);
	txh_free(&h);
}

/* A "mixed" rule (payload content before a sticky buffer): its payload part is matched on the
 * stream chunk being parsed when the packet that moved the transaction carries no payload
 * (IDS mode: the ACK releases the data). */
static void test_tx_mixed_rule_stream_chunk(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"mixed\"; content:\"curl/8\"; "
		     "http.uri; content:\"/admin\"; sid:1;)", 6, 80);
	struct packet ack;
	txh_packet(&h, &ack, FLOW_DIR_TO_SERVER, NULL, 0);
	struct stream_chunk c = { .data = (const uint8_t *)REQ_GET, .len = strlen(REQ_GET),
				  .dir = FLOW_DIR_TO_SERVER };
	detect_set_stream_chunk(h.te.t, &c);
	struct app_result ar;
	assert_int_equal(app_handle_data(h.app, &h.f, FLOW_DIR_TO_SERVER, c.data, c.len, 0,
					 ack.ts_usec, &ar), 0);
	assert_int_equal(ar.n_tx, 1);
	struct detect_result res;
	detect_tx(h.te.t, &ack, &h.f, ar.txs[0].tx, FLOW_DIR_TO_SERVER, &res);
	detect_set_stream_chunk(h.te.t, NULL);
	assert_int_equal(res.n_alerts, 1);
	assert_int_equal(res.alerts[0].rule->sid, 1);
	txh_free(&h);

	/* without the chunk (and no payload, no stream window) the payload part fails */
	txh_init(&h, "alert http any any -> any any (msg:\"mixed\"; content:\"curl/8\"; "
		     "http.uri; content:\"/admin\"; sid:1;)", 6, 80);
	txh_packet(&h, &ack, FLOW_DIR_TO_SERVER, NULL, 0);
	assert_int_equal(app_handle_data(h.app, &h.f, FLOW_DIR_TO_SERVER, c.data, c.len, 0,
					 ack.ts_usec, &ar), 0);
	detect_tx(h.te.t, &ack, &h.f, ar.txs[0].tx, FLOW_DIR_TO_SERVER, &res);
	assert_int_equal(res.n_alerts, 0);
	txh_free(&h);
}

/* pcre captures into flow variables ("flow:name" targets and (?P<flow_name>) groups) are kept
 * when the rule matches, listed with the flow's flowbits for EVE metadata; a rule that fails
 * after its pcre matched keeps nothing. */
static void test_pcre_flowvars(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"kv\"; http.user_agent; "
		     "pcre:\"/^(\\w+)\\/(\\d+)/, flow:tool,flow:major\"; flowbits:set,seen; sid:1;)\n"
		     "alert http any any -> any any (msg:\"named\"; http.host; "
		     "pcre:\"/^(?P<flow_site>[a-z.]+)/i\"; sid:2;)\n"
		     "alert http any any -> any any (msg:\"fails\"; http.uri; "
		     "pcre:\"/(?P<flow_path>\\/admin)/\"; content:\"nothere\"; sid:3;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 1);
	assert_int_equal(h.hits[3], 0);
	struct detect_var v[16];
	size_t n = detect_flow_vars_list(h.te.e, &h.f, v, 16);
	bool bit = false, tool = false, major = false, site = false, path = false;
	for (size_t i = 0; i < n; i++) {
		if (v[i].kind == DETECT_VAR_FLOWBIT && !strcmp(v[i].name, "seen"))
			bit = true;
		if (v[i].kind != DETECT_VAR_FLOWVAR)
			continue;
		if (!strcmp(v[i].name, "tool"))
			tool = v[i].len == 4 && !memcmp(v[i].val, "curl", 4);
		if (!strcmp(v[i].name, "major"))
			major = v[i].len == 1 && v[i].val[0] == '8';
		if (!strcmp(v[i].name, "site"))
			site = v[i].len == 15 && !memcmp(v[i].val, "www.example.com", 15);
		if (!strcmp(v[i].name, "path"))
			path = true;
	}
	assert_true(bit);
	assert_true(tool);
	assert_true(major);
	assert_true(site);
	assert_false(path);
	txh_free(&h);
}

/* base64_decode in a sticky buffer (and after a legacy-moved content): base64_data is the
 * decoded bytes of the URI. */
static void test_base64_in_sticky_buffer(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"s\"; http.uri; content:\"arg=\"; "
		     "base64_decode:relative; base64_data; content:\"thisisatest\"; sid:1;)\n"
		     "alert http any any -> any any (msg:\"l\"; content:\"arg\"; http_uri; "
		     "base64_decode:bytes 17, offset 1, relative; base64_data; content:\"isatest\"; "
		     "sid:2;)\n"
		     "alert http any any -> any any (msg:\"n\"; http.uri; content:\"arg=\"; "
		     "base64_decode:relative; base64_data; content:\"toast\"; sid:3;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER,
		  "GET /?arg=dGhpc2lzYXRlc3QK HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 1);
	assert_int_equal(h.hits[3], 0);
	txh_free(&h);
}

/* file.name: the name of a file an HTTP body carries (here the URI path of the response's
 * request). */
static void test_file_name(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"fn\"; file.name; content:\"index.php\"; "
		     "endswith; sid:1;)\nalert http any any -> any any (msg:\"no\"; file.name; "
		     "content:\"eicar\"; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	txh_free(&h);
}

/* urilen counts the normalized URI, or the raw one with ",raw". */
static void test_urilen_raw_norm(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"rw\"; urilen:6,raw; sid:1;)\n"
		     "alert http any any -> any any (msg:\"n6\"; urilen:6; sid:2;)\n"
		     "alert http any any -> any any (msg:\"n4\"; urilen:4,norm; sid:3;)\n"
		     "alert http any any -> any any (msg:\"r4\"; urilen:4,raw; sid:4;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, "GET /a%20b HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	assert_int_equal(h.hits[3], 1);
	assert_int_equal(h.hits[4], 0);
	txh_free(&h);
}

static void test_http_direction(void **state)
{
	(void)state;
	struct txh h;
	/* a to-client rule on a request buffer: only looked at on response data */
	txh_init(&h, "alert http any any -> any any (msg:\"d\"; flow:to_client; http.uri; "
		     "content:\"/admin\"; sid:1;)\nalert http any any -> any any (msg:\"s\"; "
		     "http.server; content:\"nginx\"; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 0);
	assert_int_equal(h.hits[2], 0);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 1);
	txh_free(&h);
}

static void test_http_negated(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"neg\"; http.uri; content:\"/admin\"; "
		     "content:!\"passwd\"; sid:1;)\nalert http any any -> any any (msg:\"neg2\"; "
		     "http.uri; content:\"/admin\"; content:!\"index\"; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	txh_free(&h);
}

static void test_http_user_agent_pcre(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"ua\"; http.user_agent; "
		     "pcre:\"/^curl\\/\\d/\"; sid:1;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	txh_free(&h);
}

static void test_http_urilen(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"l\"; urilen:>10; sid:1;)\n"
		     "alert http any any -> any any (msg:\"s\"; urilen:<5; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	txh_free(&h);
}

static void test_http_header_ports(void **state)
{
	(void)state;
	struct txh h;
	/* the header still applies: a rule for port 8080 ignores a flow to port 80 */
	txh_init(&h, "alert http any any -> any 8080 (msg:\"p\"; http.uri; content:\"/admin\"; "
		     "sid:1;)\nalert http any any -> any 80 (msg:\"q\"; http.uri; "
		     "content:\"/admin\"; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 0);
	assert_int_equal(h.hits[2], 1);
	txh_free(&h);
}

static void test_http_flowbits(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"set\"; http.uri; content:\"/admin\"; "
		     "flowbits:set,adm; flowbits:noalert; sid:1;)\n"
		     "alert http any any -> any any (msg:\"chk\"; flow:to_client; http.stat_code; "
		     "content:\"404\"; flowbits:isset,adm; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_true(h.flags[1] & DETECT_ALERT_F_NOALERT);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[2], 1);
	txh_free(&h);
}

static void test_http_payload_and_buffer(void **state)
{
	(void)state;
	struct txh h;
	/* payload keywords of a transaction rule look at the packet */
	txh_init(&h, "alert http any any -> any any (msg:\"pb\"; content:\"curl\"; http.uri; "
		     "content:\"/admin\"; sid:1;)\nalert http any any -> any any (msg:\"pn\"; "
		     "content:\"wget\"; http.uri; content:\"/admin\"; sid:2;)\n"
		     /* the packet's content as the fast pattern: the transaction scans the
		      * packet with the pending-payload database */
		     "alert http any any -> any any (msg:\"pf\"; content:\"curl\"; fast_pattern; "
		     "http.uri; content:\"/admin\"; sid:3;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	assert_int_equal(h.hits[3], 1);
	txh_free(&h);
}

static void test_http_rule_not_for_dns(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert dns any any -> any any (msg:\"x\"; dns.query; content:\"admin\"; "
		     "sid:1;)\nalert http any any -> any any (msg:\"y\"; sid:2;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 0);
	/* an app-layer rule without keywords is a packet rule on http flows (Suricata: it can
	 * fire on every packet once the protocol is known), so transaction inspection leaves it */
	assert_int_equal(h.hits[2], 0);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[2], 0);
	txh_free(&h);
}

/* ---- DNS --------------------------------------------------------------------------------- */

static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x01, 0x00, 0x01,
};

static void test_dns_query(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert dns any any -> any any (msg:\"q\"; dns.query; "
		     "content:\"example.com\"; sid:1;)\nalert dns any any -> any any (msg:\"n\"; "
		     "dns.query; content:\"evil\"; sid:2;)\nalert udp any any -> any any "
		     "(msg:\"udp\"; dns_query; content:\"example\"; sid:3;)", 17, 53);
	txh_send(&h, FLOW_DIR_TO_SERVER, dns_query, sizeof(dns_query));
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	assert_int_equal(h.hits[3], 1);
	assert_true(h.flags[1] & DETECT_ALERT_F_TX);
	txh_free(&h);
}

/* dotprefix rules have a prefilter (the pattern without its first byte, on the raw query):
 * no rule is left to be checked on every transaction, and they match as before. */
static void test_dns_dotprefix_prefilter(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert dns any any -> any any (msg:\"d\"; dns.query; dotprefix; "
		     "content:\"ample.com\"; endswith; sid:1;)\nalert dns any any -> any any "
		     "(msg:\"e\"; dns.query; dotprefix; content:\".evil.com\"; endswith; sid:2;)\n"
		     "alert dns any any -> any any (msg:\"c\"; dns.query; dotprefix; "
		     "content:\".COM\"; nocase; endswith; sid:3;)", 17, 53);
	struct detect_engine_stats st;
	detect_engine_get_stats(h.te.e, &st);
	assert_int_equal(st.rules_no_mpm, 0);
	txh_send(&h, FLOW_DIR_TO_SERVER, dns_query, sizeof(dns_query));
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	assert_int_equal(h.hits[3], 1);
	txh_free(&h);
}

/* The transform runs before the buffer's keywords: the dot is really there (startswith, bsize),
 * case and digest transforms change what content sees, an unknown transform never matches. */
static void test_dns_transforms(void **state)
{
	(void)state;
	uint8_t d[UTIL_SHA256_LEN];
	util_sha256_digest("example.com", 11, d);
	char hex[UTIL_SHA256_LEN * 2 + 1], rules[2048];
	util_digest_hex(d, sizeof(d), hex);
	snprintf(rules, sizeof(rules),
		 "alert dns any any -> any any (msg:\"a\"; dns.query; dotprefix; "
		 "content:\".example.\"; startswith; bsize:12; sid:1;)\n"
		 "alert dns any any -> any any (msg:\"b\"; dns.query; to_uppercase; "
		 "content:\"EXAMPLE.COM\"; sid:2;)\n"
		 "alert dns any any -> any any (msg:\"c\"; dns.query; content:\"EXAMPLE.COM\"; sid:3;)\n"
		 "alert dns any any -> any any (msg:\"d\"; dns.query; to_sha256; content:\"|%s|\"; "
		 "bsize:32; sid:4;)\n"
		 "alert dns any any -> any any (msg:\"e\"; dns.query; to_md5; content:\"|%.32s|\"; "
		 "sid:5;)\n"
		 "alert dns any any -> any any (msg:\"f\"; dns.query; bsize:12; sid:6;)",
		 hex, hex);
	struct txh h;
	txh_init(&h, rules, 17, 53);
	txh_send(&h, FLOW_DIR_TO_SERVER, dns_query, sizeof(dns_query));
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 1);
	assert_int_equal(h.hits[3], 0);
	assert_int_equal(h.hits[4], 1);
	assert_int_equal(h.hits[5], 0); /* an MD5 is not the SHA-256's first half */
	assert_int_equal(h.hits[6], 0); /* without dotprefix the query is 11 bytes */
	txh_free(&h);
}

static void test_dns_opcode_rrtype(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert dns any any -> any any (msg:\"op\"; dns.opcode:0; sid:1;)\n"
		     "alert dns any any -> any any (msg:\"op4\"; dns.opcode:4; sid:2;)\n"
		     "alert dns any any -> any any (msg:\"rr\"; dns.rrtype:A; sid:3;)\n"
		     "alert dns any any -> any any (msg:\"mx\"; dns.rrtype:MX; sid:4;)", 17, 53);
	txh_send(&h, FLOW_DIR_TO_SERVER, dns_query, sizeof(dns_query));
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	assert_int_equal(h.hits[3], 1);
	assert_int_equal(h.hits[4], 0);
	txh_free(&h);
}

/* ---- TLS --------------------------------------------------------------------------------- */

/* A TLS 1.2 ClientHello with server_name `sni`; returns its length. */
static size_t client_hello(uint8_t *b, const char *sni)
{
	size_t sl = strlen(sni), n = 0;
	size_t ext = 9 + sl;                /* type, len, list len, name type, name len, name */
	size_t body = 2 + 32 + 1 + 4 + 2 + 2 + ext;
	b[n++] = 0x16, b[n++] = 3, b[n++] = 1;
	b[n++] = (uint8_t)((body + 4) >> 8), b[n++] = (uint8_t)(body + 4);
	b[n++] = 1, b[n++] = 0, b[n++] = (uint8_t)(body >> 8), b[n++] = (uint8_t)body;
	b[n++] = 3, b[n++] = 3;
	memset(b + n, 0x42, 32), n += 32;
	b[n++] = 0;                         /* session id */
	b[n++] = 0, b[n++] = 2, b[n++] = 0xc0, b[n++] = 0x2f; /* one cipher suite */
	b[n++] = 1, b[n++] = 0;             /* compression: null */
	b[n++] = (uint8_t)(ext >> 8), b[n++] = (uint8_t)ext;
	b[n++] = 0, b[n++] = 0;             /* server_name */
	b[n++] = (uint8_t)((sl + 5) >> 8), b[n++] = (uint8_t)(sl + 5);
	b[n++] = (uint8_t)((sl + 3) >> 8), b[n++] = (uint8_t)(sl + 3);
	b[n++] = 0, b[n++] = (uint8_t)(sl >> 8), b[n++] = (uint8_t)sl;
	memcpy(b + n, sni, sl), n += sl;
	return n;
}

static void test_tls_sni(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tls any any -> any any (msg:\"sni\"; tls.sni; "
		     "content:\"secure.example.org\"; endswith; sid:1;)\n"
		     "alert tls any any -> any any (msg:\"no\"; tls.sni; content:\"other\"; sid:2;)\n"
		     "alert tls any any -> any any (msg:\"legacy\"; tls_sni; content:\"example\"; "
		     "sid:3;)", 6, 443);
	uint8_t b[256];
	size_t n = client_hello(b, "secure.example.org");
	txh_send(&h, FLOW_DIR_TO_SERVER, b, n);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	assert_int_equal(h.hits[3], 1);
	assert_int_equal(h.tx_id[1], 0);
	txh_free(&h);
}

static void test_tls_version(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tls any any -> any any (msg:\"v\"; tls.version:1.2; sid:1;)\n"
		     "alert tls any any -> any any (msg:\"v3\"; tls.version:1.3; sid:2;)", 6, 443);
	uint8_t b[256];
	size_t n = client_hello(b, "a.example");
	txh_send(&h, FLOW_DIR_TO_SERVER, b, n);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	txh_free(&h);
}

/* ---- app-layer-protocol (packet level) --------------------------------------------------- */

static void test_app_layer_protocol(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"alp\"; app-layer-protocol:http; "
		     "sid:1;)\nalert tcp any any -> any any (msg:\"nalp\"; "
		     "app-layer-protocol:!http; sid:2;)\nalert tcp any any -> any any "
		     "(msg:\"tls\"; app-layer-protocol:tls; sid:3;)", 6, 80);
	struct packet p;
	struct detect_result res;
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, NULL, 0);
	detect_app_detected(h.te.t, &p, &res);
	count(&h, &res);
	assert_int_equal(h.hits[1] + h.hits[2] + h.hits[3], 0); /* not detected yet */
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	detect_app_detected(h.te.t, &p, &res);
	count(&h, &res);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0);
	assert_int_equal(h.hits[3], 0);
	/* rules of app-layer-protocol keywords only are not inspected on every packet */
	detect_app_packet(h.te.t, &p, &res);
	count(&h, &res);
	assert_int_equal(h.hits[1], 1);
	txh_free(&h);
}

/* A client speaking HTTP to an SSH server: each direction keeps its own protocol and the
 * keyword's modes pick one (Suricata's direction, to_server, to_client, either, final). */
static void test_app_layer_protocol_modes(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"a\"; flow:to_client; "
		     "app-layer-protocol:http1,to_server; app-layer-protocol:ssh,to_client; sid:1;)\n"
		     "alert tcp any any -> any any (msg:\"b\"; app-layer-protocol:ssh; sid:2;)\n"
		     "alert tcp any any -> any any (msg:\"c\"; app-layer-protocol:ssh,final; sid:3;)\n"
		     "alert tcp any any -> any any (msg:\"d\"; app-layer-protocol:ssh,either; sid:4;)\n"
		     "alert tcp any any -> any any (msg:\"e\"; app-layer-protocol:!http,to_client; "
		     "sid:5;)\n"
		     "alert tcp any any -> any any (msg:\"f\"; app-layer-protocol:http,to_client; "
		     "sid:6;)", 6, 22);
	struct packet ts, tc;
	struct detect_result res;
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	txh_packet(&h, &ts, FLOW_DIR_TO_SERVER, NULL, 0);
	detect_app_detected(h.te.t, &ts, &res);
	count(&h, &res);
	/* the server has not spoken yet: its side is the flow's protocol */
	assert_int_equal(h.hits[1] + h.hits[2] + h.hits[3] + h.hits[4] + h.hits[5], 0);
	assert_int_equal(h.hits[6], 1);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, "SSH-2.0-OpenSSH_6.6.1\r\n");
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_HTTP);
	assert_int_equal(app_flow_dir_proto(&h.f, FLOW_DIR_TO_SERVER), APP_PROTO_HTTP);
	assert_int_equal(app_flow_dir_proto(&h.f, FLOW_DIR_TO_CLIENT), APP_PROTO_SSH);
	txh_packet(&h, &tc, FLOW_DIR_TO_CLIENT, NULL, 0);
	detect_app_detected(h.te.t, &tc, &res);
	count(&h, &res);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 1); /* direction: the to-client packet's side */
	assert_int_equal(h.hits[3], 0); /* the flow is parsed as HTTP */
	assert_int_equal(h.hits[4], 1);
	assert_int_equal(h.hits[5], 1);
	assert_int_equal(h.hits[6], 1);
	txh_free(&h);
}

/* A transaction that has not progressed is inspected again when an app-layer event was
 * raised on it (a header line over the limit while still being received). */
static void test_http_event_reinspects_tx(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http any any -> any any (msg:\"long\"; "
		     "app-layer-event:http.request_field_too_long; sid:1;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: ");
	assert_int_equal(h.hits[1], 0);
	static char big[20000];
	memset(big, 'x', sizeof(big));
	txh_send(&h, FLOW_DIR_TO_SERVER, big, sizeof(big));
	assert_int_equal(h.hits[1], 1);
	txh_send(&h, FLOW_DIR_TO_SERVER, big, 100);
	assert_int_equal(h.hits[1], 1);
	txh_free(&h);
}

/* A transactional rule (=>): its header is the request's (client -> server) also when the
 * response completes the match; file.data: to_client reads the response body only; it alerts
 * once per transaction, when the response is there. */
static void test_http_transactional_rule(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert http 10.0.0.1 any => 192.0.2.9 80 (msg:\"tx\"; http.uri; "
		     "content:\"/admin/\"; http.stat_code; content:\"404\"; file.data: to_client; "
		     "content:\"here\"; sid:1;)\n"
		     "alert http 192.0.2.9 80 => 10.0.0.1 any (msg:\"rev\"; http.uri; "
		     "content:\"/admin/\"; http.stat_code; content:\"404\"; sid:2;)\n"
		     "alert http any any => any any (msg:\"req body\"; http.uri; content:\"/admin/\"; "
		     "file.data: to_server; content:\"here\"; sid:3;)", 6, 80);
	txh_sends(&h, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(h.hits[1], 0);
	txh_sends(&h, FLOW_DIR_TO_CLIENT, RESP_404);
	assert_int_equal(h.hits[1], 1);
	assert_int_equal(h.hits[2], 0); /* its client is the server of this flow */
	assert_int_equal(h.hits[3], 0); /* the request has no body */
	txh_free(&h);
}

/* ---- stream ------------------------------------------------------------------------------ */

static uint32_t stream_feed(struct txh *h, uint8_t dir, uint64_t off, const char *s,
			    uint32_t sid)
{
	struct packet p;
	txh_packet(h, &p, dir, s, strlen(s));
	struct stream_chunk c = { .data = (const uint8_t *)s, .len = (uint32_t)strlen(s),
				  .dir = dir, .offset = off };
	struct detect_result res;
	detect_stream(h->te.t, &p, &c, &res);
	uint32_t n = 0;
	for (uint32_t i = 0; i < res.n_alerts; i++) {
		if (res.alerts[i].rule->sid == sid) {
			assert_true(res.alerts[i].flags & DETECT_ALERT_F_STREAM);
			n++;
		}
	}
	return n;
}

static void test_stream_split_content(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"split\"; content:\"evilpayload\"; "
		     "sid:1;)", 6, 9999);
	uint32_t n = stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "xxxxxevilp", 1);
	assert_int_equal(n, 0);
	n = stream_feed(&h, FLOW_DIR_TO_SERVER, 10, "ayloadyyyy", 1);
	assert_int_equal(n, 1);
	/* the result carries the stream bytes the alert was found in, for its EVE payload */
	struct packet p;
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, "q", 1);
	struct stream_chunk c = { .data = (const uint8_t *)"evilpayload", .len = 11,
				  .dir = FLOW_DIR_TO_SERVER, .offset = 20 };
	struct detect_thread *t2 = detect_thread_new(h.te.e);
	assert_non_null(t2);
	struct detect_result res;
	detect_stream(t2, &p, &c, &res);
	assert_int_equal(res.n_alerts, 1);
	assert_int_equal(res.stream_len, 11);
	assert_memory_equal(res.stream_data, "evilpayload", 11);
	detect_thread_free(t2);
	/* later data without the pattern: the window alone matched, no second alert */
	n = stream_feed(&h, FLOW_DIR_TO_SERVER, 20, "zzzz", 1);
	assert_int_equal(n, 0);
	txh_free(&h);
}

/* A stream rule's fast pattern that must lie near the start of the inspection buffer is
 * looked up there (the groups' stream anchor tables), not scanned for: found at its place
 * only. */
static void test_stream_anchored_content(void **state)
{
	(void)state;
	static const char rule[] = "alert tcp any any -> any any (msg:\"rdp\"; content:\"|03|\"; "
				   "depth:1; content:\"|d0|\"; offset:5; depth:1; sid:1;)";
	struct txh h;
	txh_init(&h, rule, 6, 9999);
	uint32_t in_tables = 0;
	for (uint32_t gi = 0; gi < h.te.e->n_groups; gi++) {
		in_tables += h.te.e->groups[gi].anchor_stream.n_pats;
		assert_int_equal(h.te.e->groups[gi].n_stream, 0);
	}
	assert_true(in_tables >= 1);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "\x03xxxx\xd0yy", 1), 1);
	txh_free(&h);
	txh_init(&h, rule, 6, 9999);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "y\x03xxxx\xd0y", 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "\x03xxxx\xd1yy", 1), 0);
	txh_free(&h);
}

static void test_stream_gap_resets_window(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"split\"; content:\"evilpayload\"; "
		     "sid:1;)", 6, 9999);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "xxxxxevilp", 1), 0);
	/* not contiguous (bytes 10..99 lost): the halves must not be joined */
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 100, "ayloadyyyy", 1), 0);
	txh_free(&h);
}

static void test_stream_directions(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"s\"; flow:to_client; "
		     "content:\"abcdef\"; sid:1;)", 6, 9999);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "abc", 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_CLIENT, 0, "abc", 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 3, "def", 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_CLIENT, 3, "def", 1), 1);
	txh_free(&h);
}

static void test_stream_model_skips_packet(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"c\"; content:\"attack\"; sid:1;)\n"
		     "alert tcp any any -> any any (msg:\"ds\"; dsize:6; content:\"attack\"; sid:2;)",
		     6, 9999);
	struct packet p;
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, "attack", 6);
	/* taken by the stream: the payload rule waits for the stream, dsize stays per packet */
	detect_set_stream_added(h.te.t, true);
	assert_false(te_fires(&h.te, &p, 1));
	assert_true(te_fires(&h.te, &p, 2));
	detect_set_stream_added(h.te.t, false);
	assert_true(te_fires(&h.te, &p, 1));
	/* the stream alerts it exactly once, and never the dsize rule */
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "attack", 1), 1);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0 + 6, "more", 2), 0);
	txh_free(&h);
}

/* A stream-inspected rule with an anchored content (depth/offset/startswith) is also tried on
 * the packets the stream took (Suricata's SIG_FLAG_REQUIRE_PACKET), unless the stream data
 * delivered with that packet already matched it; an unanchored one is not. */
static void test_stream_anchored_also_packet(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"d\"; content:\"GET \"; depth:4; "
		     "content:\"HTTP/1.\"; sid:1;)\n"
		     "alert tcp any any -> any any (msg:\"u\"; content:\"HTTP/1.\"; sid:2;)\n"
		     "alert tcp any any -> any any (msg:\"s\"; content:\"GET\"; startswith; "
		     "sid:3;)", 6, 9999);
	const char *req = "GET / HTTP/1.0\r\n";
	struct packet p;
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, req, strlen(req));
	detect_set_stream_added(h.te.t, true);
	assert_true(te_fires(&h.te, &p, 1));
	assert_false(te_fires(&h.te, &p, 2));
	assert_true(te_fires(&h.te, &p, 3));
	/* the stream alerts all of them once the data is inspected there */
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, req, 1), 1);
	/* the other direction's packets are not affected by this direction's stream match */
	txh_packet(&h, &p, FLOW_DIR_TO_CLIENT, req, strlen(req));
	assert_true(te_fires(&h.te, &p, 1));
	/* the next client packet comes with those stream matches (rules 1 and 3): its payload
	 * is not inspected for them again; the packet after it is */
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, req, strlen(req));
	struct detect_result res;
	detect_packet(h.te.t, &p, &res);
	assert_int_equal(res.n_alerts, 0);
	detect_packet(h.te.t, &p, &res);
	assert_int_equal(res.n_alerts, 2);
	detect_set_stream_added(h.te.t, false);
	txh_free(&h);
}

/* flags makes a payload rule a packet rule (Suricata's SIG_FLAG_REQUIRE_PACKET): a SYN
 * carrying data (TCP Fast Open) is matched on its own payload even though the stream took it,
 * and the stream never alerts the rule. */
static void test_stream_model_flags_is_packet_rule(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"s\"; flags:S; content:\"GET\"; sid:1;)\n"
		     "alert tcp any any -> any any (msg:\"c\"; content:\"GET\"; sid:2;)",
		     6, 9999);
	struct packet p;
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1", 14);
	p.tcp_flags = TH_SYN;
	detect_set_stream_added(h.te.t, true);
	assert_true(te_fires(&h.te, &p, 1));
	assert_false(te_fires(&h.te, &p, 2));
	p.tcp_flags = TH_ACK; /* the same payload without SYN: flags:S does not match */
	assert_false(te_fires(&h.te, &p, 1));
	detect_set_stream_added(h.te.t, false);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "GET / HTTP/1.1", 2), 1);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 14, "GET /x", 1), 0);
	txh_free(&h);
}

/* A fast pattern seen only in the window (an earlier chunk) still makes its rule a candidate
 * when the rest of the match arrives: the window is not scanned again but remembered. */
static void test_stream_window_pattern_remembered(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp any any -> any any (msg:\"w\"; content:\"AAAA\"; fast_pattern; "
		     "content:\"ZZZ\"; distance:0; within:1000; sid:1;)", 6, 9999);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "AAAAxx", 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 6, "ZZZ", 1), 1);
	txh_free(&h);
}

/* The scan reports a pattern's first occurrence only: when it leaves the window, a later one
 * still inside must be found (and a pattern wholly gone must not be). */
static void test_stream_window_later_occurrence(void **state)
{
	(void)state;
	const char *rule = "alert tcp any any -> any any (msg:\"w\"; content:\"AAAA\"; "
			   "fast_pattern; content:\"ZZZ\"; distance:0; within:1000; sid:1;)";
	static char a[1024], b[1200];
	memset(a, 'x', sizeof(a) - 1);
	memcpy(a, "AAAA", 4);
	memcpy(a + 904, "AAAA", 4);
	a[908] = 0;
	memset(b, 'x', 200);
	b[200] = 0;
	struct txh h;
	txh_init(&h, rule, 6, 9999);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, a, 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 908, b, 1), 0);
	/* the window (1007 bytes) no longer holds the first AAAA, but holds the second */
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 1108, "ZZZ", 1), 1);
	txh_free(&h);

	txh_init(&h, rule, 6, 9999);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "AAAAxxxxxxxxxx", 1), 0);
	memset(b, 'x', 1100);
	b[1100] = 0;
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 14, b, 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 1114, "ZZZ", 1), 0);
	txh_free(&h);

	/* caseless: the later occurrence in another case is found too */
	txh_init(&h, "alert tcp any any -> any any (msg:\"w\"; content:\"abcd\"; nocase; "
		     "fast_pattern; content:\"ZZZ\"; distance:0; within:1000; sid:1;)", 6, 9999);
	memcpy(a, "aBcD", 4);
	memcpy(a + 904, "AbCd", 4);
	memset(b, 'x', 200);
	b[200] = 0;
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, a, 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 908, b, 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 1108, "ZZZ", 1), 1);
	txh_free(&h);
}

/* More patterns in the window than a direction remembers: the window is scanned again. */
static void test_stream_window_many_patterns(void **state)
{
	(void)state;
	static char rules[40 * 160], data[40 * 8 + 1];
	size_t o = 0, d = 0;
	for (int i = 0; i < 40; i++) {
		o += (size_t)snprintf(rules + o, sizeof(rules) - o,
				      "alert tcp any any -> any any (msg:\"m\"; content:\"pat%02d\"; "
				      "fast_pattern; content:\"END\"; distance:0; within:400; "
				      "sid:%d;)\n",
				      i, i + 1);
		d += (size_t)snprintf(data + d, sizeof(data) - d, "pat%02d.", i);
	}
	struct txh h;
	txh_init(&h, rules, 6, 9999);
	struct packet p;
	struct detect_result res;
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, data, (uint32_t)d);
	struct stream_chunk c = { .data = (const uint8_t *)data, .len = (uint32_t)d,
				  .dir = FLOW_DIR_TO_SERVER, .offset = 0 };
	detect_stream(h.te.t, &p, &c, &res);
	assert_int_equal(res.n_alerts, 0);
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, "END", 3);
	c = (struct stream_chunk){ .data = (const uint8_t *)"END", .len = 3,
				   .dir = FLOW_DIR_TO_SERVER, .offset = d };
	detect_stream(h.te.t, &p, &c, &res);
	assert_int_equal(res.n_alerts + res.n_dropped_alerts, 40);
	txh_free(&h);
}

static void test_stream_only_rule(void **state)
{
	(void)state;
	struct txh h;
	txh_init(&h, "alert tcp-stream any any -> any any (msg:\"ts\"; content:\"login\"; "
		     "sid:1;)\nalert http any any -> any any (msg:\"hp\"; content:\"GET /adm\"; "
		     "sid:2;)", 6, 80);
	struct packet p;
	txh_packet(&h, &p, FLOW_DIR_TO_SERVER, "log", 3);
	assert_false(te_fires(&h.te, &p, 1));
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 0, "log", 1), 0);
	assert_int_equal(stream_feed(&h, FLOW_DIR_TO_SERVER, 3, "in", 1), 1);
	/* an http rule with payload keywords: the stream once the flow is HTTP */
	struct txh h2;
	txh_init(&h2, "alert http any any -> any any (msg:\"hp\"; content:\"GET /adm\"; sid:2;)",
		 6, 80);
	assert_int_equal(stream_feed(&h2, FLOW_DIR_TO_SERVER, 0, "GET /adm", 2), 0);
	assert_int_equal(stream_feed(&h2, FLOW_DIR_TO_SERVER, 8, "xx", 2), 0);
	txh_sends(&h2, FLOW_DIR_TO_SERVER, REQ_GET);
	assert_int_equal(stream_feed(&h2, FLOW_DIR_TO_SERVER, 10, "GET /admin", 2), 1);
	assert_int_equal(stream_feed(&h2, FLOW_DIR_TO_SERVER, 20, "more", 2), 0);
	txh_free(&h2);
	txh_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_uri),
		cmocka_unit_test(test_http_once_per_tx),
		cmocka_unit_test(test_http_method),
		cmocka_unit_test(test_http_header),
		cmocka_unit_test(test_http_host),
		cmocka_unit_test(test_http_uricontent),
		cmocka_unit_test(test_http_client_body),
		cmocka_unit_test(test_http_file_data),
		cmocka_unit_test(test_http_anchored_buffers),
		cmocka_unit_test(test_http_stat_code_with_uri),
		cmocka_unit_test(test_tx_prefilter_memory),
		cmocka_unit_test(test_tx_mixed_rule_stream_chunk),
		cmocka_unit_test(test_pcre_flowvars),
		cmocka_unit_test(test_base64_in_sticky_buffer),
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_urilen_raw_norm),
		cmocka_unit_test(test_http_direction),
		cmocka_unit_test(test_http_negated),
		cmocka_unit_test(test_http_user_agent_pcre),
		cmocka_unit_test(test_http_urilen),
		cmocka_unit_test(test_http_header_ports),
		cmocka_unit_test(test_http_flowbits),
		cmocka_unit_test(test_http_payload_and_buffer),
		cmocka_unit_test(test_http_rule_not_for_dns),
		cmocka_unit_test(test_http_event_reinspects_tx),
		cmocka_unit_test(test_http_transactional_rule),
		cmocka_unit_test(test_dns_query),
		cmocka_unit_test(test_dns_dotprefix_prefilter),
		cmocka_unit_test(test_dns_transforms),
		cmocka_unit_test(test_dns_opcode_rrtype),
		cmocka_unit_test(test_tls_sni),
		cmocka_unit_test(test_tls_version),
		cmocka_unit_test(test_app_layer_protocol),
		cmocka_unit_test(test_app_layer_protocol_modes),
		cmocka_unit_test(test_stream_split_content),
		cmocka_unit_test(test_stream_anchored_content),
		cmocka_unit_test(test_stream_gap_resets_window),
		cmocka_unit_test(test_stream_directions),
		cmocka_unit_test(test_stream_model_skips_packet),
		cmocka_unit_test(test_stream_anchored_also_packet),
		cmocka_unit_test(test_stream_model_flags_is_packet_rule),
		cmocka_unit_test(test_stream_only_rule),
		cmocka_unit_test(test_stream_window_pattern_remembered),
		cmocka_unit_test(test_stream_window_later_occurrence),
		cmocka_unit_test(test_stream_window_many_patterns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
