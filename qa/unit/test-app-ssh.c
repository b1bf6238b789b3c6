/*
 * test-app-ssh.c — unit tests of the SSH parser and of per-direction protocol detection:
 * identification-line parsing (valid, invalid, long), detection from either side, a session
 * split at every byte, the transaction completing at "banner done", packet framing up to NEWKEYS
 * (and a bad packet length), SSH-1 sessions left unparsed, the ssh.proto / ssh.software buffers,
 * a client speaking HTTP to an SSH server (applayer_mismatch_protocol_both_directions), and the
 * EVE ssh record (fields and schema).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "eve-validate.h"
#include <jansson.h>

#include "app/app-int.h"
#include "output/output.h"

#ifndef AEGIS_SRCDIR
#define AEGIS_SRCDIR "."
#endif

#define CLIENT_ID "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n"
#define SERVER_ID "SSH-2.0-dropbear_2022.83\r\n"

/* ---- harness --------------------------------------------------------------------------------- */

struct h {
	struct app_ctx *app;
	struct flow f;
	struct app_tx *tx;        /* the SSH transaction once seen (valid until completion+1) */
	bool completed;
	uint32_t events[APP_EVENT_MAX];
};

static void h_init(struct h *h, uint16_t dp)
{
	memset(h, 0, sizeof(*h));
	struct app_config cfg;
	app_config_defaults(&cfg);
	h->app = app_ctx_create(&cfg);
	assert_non_null(h->app);
	h->f.ip_proto = 6;
	h->f.sp = 40000;
	h->f.dp = dp;
}

static void h_free(struct h *h)
{
	app_flow_free(h->app, &h->f);
	app_ctx_destroy(h->app);
}

static void h_result(struct h *h, const struct app_result *ar)
{
	for (uint32_t i = 0; i < ar->n_tx; i++) {
		if (ar->txs[i].tx->proto != APP_PROTO_SSH)
			continue;
		h->tx = ar->txs[i].tx;
		if (ar->txs[i].flags & APP_RTX_COMPLETED)
			h->completed = true;
	}
	for (uint32_t i = 0; i < ar->n_events; i++)
		h->events[ar->events[i].event]++;
}

static void h_send(struct h *h, uint8_t dir, const void *data, size_t n)
{
	struct app_result ar;
	assert_int_equal(app_handle_data(h->app, &h->f, dir, data, (uint32_t)n, 0, 0, &ar), 0);
	h_result(h, &ar);
}

static void h_sends(struct h *h, uint8_t dir, const char *s)
{
	h_send(h, dir, s, strlen(s));
}

static void h_finish(struct h *h)
{
	struct app_result ar;
	app_flow_finish(h->app, &h->f, &ar);
	h_result(h, &ar);
}

static void assert_buf(const struct app_tx *tx, enum app_buffer b, uint8_t dir, const char *want)
{
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(tx, b, dir, 0, &d, &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(d, want, n);
}

/* ---- identification line --------------------------------------------------------------------- */

static int parse_line(const char *s, struct ssh_banner *b)
{
	memset(b, 0, sizeof(*b));
	b->len = (uint16_t)strlen(s);
	memcpy(b->line, s, b->len);
	return ssh_banner_parse(b);
}

static void test_banner_parse(void **state)
{
	(void)state;
	struct ssh_banner b;
	assert_int_equal(parse_line("SSH-2.0-OpenSSH_6.6.1 Debian", &b), 0);
	assert_true(b.done);
	assert_int_equal(b.proto_len, 3);
	assert_memory_equal(b.line + b.proto_off, "2.0", 3);
	assert_int_equal(b.soft_len, 13);
	assert_memory_equal(b.line + b.soft_off, "OpenSSH_6.6.1", 13);
	/* the software version may itself contain '-' */
	assert_int_equal(parse_line("SSH-1.99-Cisco-1.25", &b), 0);
	assert_memory_equal(b.line + b.proto_off, "1.99", 4);
	assert_int_equal(b.soft_len, 10);
	assert_memory_equal(b.line + b.soft_off, "Cisco-1.25", 10);
	/* not identification strings */
	assert_int_equal(parse_line("SSH-2.0", &b), -1);
	assert_false(b.done);
	assert_int_equal(parse_line("SSH--OpenSSH", &b), -1);
	assert_int_equal(parse_line("SSH-2.0-", &b), -1);
	assert_int_equal(parse_line("SSH-2.0 x-y", &b), -1);
	assert_int_equal(parse_line("GET / HTTP/1.1", &b), -1);
	assert_int_equal(parse_line("", &b), -1);
}

/* ---- sessions -------------------------------------------------------------------------------- */

static void test_detect_and_log(void **state)
{
	(void)state;
	/* on any port: the server speaks first, as SSH servers do */
	struct h h;
	h_init(&h, 2222);
	h_sends(&h, FLOW_DIR_TO_CLIENT, SERVER_ID);
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_SSH);
	assert_non_null(h.tx);
	assert_false(h.completed);
	assert_buf(h.tx, APP_BUF_SSH_SOFTWARE, FLOW_DIR_TO_CLIENT, "dropbear_2022.83");
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_SSH_PROTO, FLOW_DIR_TO_SERVER, 0, &d, &n),
			 -1);
	h_sends(&h, FLOW_DIR_TO_SERVER, CLIENT_ID);
	assert_true(h.completed);
	assert_buf(h.tx, APP_BUF_SSH_PROTO, FLOW_DIR_TO_SERVER, "2.0");
	assert_buf(h.tx, APP_BUF_SSH_SOFTWARE, FLOW_DIR_TO_SERVER, "OpenSSH_9.6p1");
	assert_int_equal(app_flow_dir_proto(&h.f, FLOW_DIR_TO_SERVER), APP_PROTO_SSH);
	assert_int_equal(h.events[APP_EVENT_MISMATCH_PROTOCOL_BOTH_DIRECTIONS], 0);
	h_free(&h);
}

/* Both identification lines fed one byte at a time give the same session. */
static void test_split_every_byte(void **state)
{
	(void)state;
	const char *c = CLIENT_ID, *s = SERVER_ID;
	struct h h;
	h_init(&h, 22);
	size_t cl = strlen(c), sl = strlen(s);
	for (size_t i = 0; i < cl || i < sl; i++) {
		if (i < cl)
			h_send(&h, FLOW_DIR_TO_SERVER, c + i, 1);
		if (i < sl)
			h_send(&h, FLOW_DIR_TO_CLIENT, s + i, 1);
	}
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_SSH);
	assert_true(h.completed);
	assert_buf(h.tx, APP_BUF_SSH_SOFTWARE, FLOW_DIR_TO_SERVER, "OpenSSH_9.6p1");
	assert_buf(h.tx, APP_BUF_SSH_SOFTWARE, FLOW_DIR_TO_CLIENT, "dropbear_2022.83");
	h_free(&h);
}

/* One SSH binary packet: packet_length, padding_length, message code, then filler. */
static size_t ssh_packet(uint8_t *b, uint32_t plen, uint8_t code)
{
	b[0] = (uint8_t)(plen >> 24), b[1] = (uint8_t)(plen >> 16);
	b[2] = (uint8_t)(plen >> 8), b[3] = (uint8_t)plen;
	b[4] = 4;
	b[5] = code;
	memset(b + 6, 0, plen - 2);
	return 4 + plen;
}

static void test_records(void **state)
{
	(void)state;
	struct h h;
	h_init(&h, 22);
	h_sends(&h, FLOW_DIR_TO_CLIENT, SERVER_ID);
	h_sends(&h, FLOW_DIR_TO_SERVER, CLIENT_ID);
	uint8_t b[4096];
	size_t n = ssh_packet(b, 300, 20);          /* KEXINIT */
	n += ssh_packet(b + n, 12, 21);             /* NEWKEYS: what follows is encrypted */
	memset(b + n, 0xff, 64);                    /* would be a huge packet_length */
	n += 64;
	for (size_t i = 0; i < n; i += 7)           /* across segment boundaries */
		h_send(&h, FLOW_DIR_TO_SERVER, b + i, n - i < 7 ? n - i : 7);
	assert_int_equal(h.events[APP_EVENT_SSH_INVALID_RECORD_LENGTH], 0);
	/* the server side sends a bad length before NEWKEYS */
	memset(b, 0xff, 8);
	h_send(&h, FLOW_DIR_TO_CLIENT, b, 8);
	assert_int_equal(h.events[APP_EVENT_SSH_INVALID_RECORD_LENGTH], 1);
	h_free(&h);
}

/* SSH-1 framing is not SSH-2's: no record events on an SSH-1 session. */
static void test_ssh1_not_framed(void **state)
{
	(void)state;
	struct h h;
	h_init(&h, 22);
	h_sends(&h, FLOW_DIR_TO_CLIENT, "SSH-1.99-OpenSSH_6.6.1p1\n");
	h_sends(&h, FLOW_DIR_TO_SERVER, "SSH-1.5-OpenSSH_6.2\n");
	uint8_t b[8];
	memset(b, 0xff, sizeof(b));
	h_send(&h, FLOW_DIR_TO_CLIENT, b, sizeof(b));
	h_send(&h, FLOW_DIR_TO_SERVER, b, sizeof(b));
	assert_true(h.completed);
	assert_int_equal(h.events[APP_EVENT_SSH_INVALID_RECORD_LENGTH], 0);
	h_free(&h);
}

static void test_invalid_and_long_banner(void **state)
{
	(void)state;
	struct h h;
	h_init(&h, 22);
	h_sends(&h, FLOW_DIR_TO_CLIENT, "SSH-2.0\r\n"); /* no software version */
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_SSH);
	assert_int_equal(h.events[APP_EVENT_SSH_INVALID_BANNER], 1);
	h_free(&h);

	h_init(&h, 22);
	char line[600];
	memcpy(line, "SSH-2.0-", 8);
	memset(line + 8, 'A', 500);
	memcpy(line + 508, "\r\n", 3);
	h_sends(&h, FLOW_DIR_TO_SERVER, line);
	assert_int_equal(h.events[APP_EVENT_SSH_LONG_BANNER], 1);
	/* cut at SSH_BANNER_MAX: the versions it holds are kept */
	assert_non_null(h.tx);
	const uint8_t *d;
	uint32_t n;
	assert_int_equal(app_tx_get_buffer(h.tx, APP_BUF_SSH_SOFTWARE, FLOW_DIR_TO_SERVER, 0, &d, &n),
			 0);
	assert_int_equal(n, SSH_BANNER_MAX - 8);
	/* the flow ends with only the client's line: the session is still logged */
	h_finish(&h);
	assert_true(h.completed);
	h_free(&h);
}

/* The client says HTTP, the server answers with its SSH banner (suricata-verify
 * output-eve-anomaly-02): the flow stays HTTP, the to-client side is SSH, one event. */
static void test_mismatch_both_directions(void **state)
{
	(void)state;
	struct h h;
	h_init(&h, 22);
	h_sends(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: 10.16.1.1:22\r\n\r\n");
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_HTTP);
	h_sends(&h, FLOW_DIR_TO_CLIENT, "SSH-2.0-OpenSSH_6.6.1\r\n");
	h_sends(&h, FLOW_DIR_TO_CLIENT, "Protocol mismatch.\n");
	assert_int_equal(app_flow_proto(&h.f), APP_PROTO_HTTP);
	assert_int_equal(app_flow_dir_proto(&h.f, FLOW_DIR_TO_SERVER), APP_PROTO_HTTP);
	assert_int_equal(app_flow_dir_proto(&h.f, FLOW_DIR_TO_CLIENT), APP_PROTO_SSH);
	assert_int_equal(h.events[APP_EVENT_MISMATCH_PROTOCOL_BOTH_DIRECTIONS], 1);
	assert_null(h.tx);
	h_free(&h);

	/* an HTTP answer to an HTTP request: no event, both sides HTTP */
	h_init(&h, 80);
	h_sends(&h, FLOW_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	h_sends(&h, FLOW_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(app_flow_dir_proto(&h.f, FLOW_DIR_TO_CLIENT), APP_PROTO_HTTP);
	assert_int_equal(h.events[APP_EVENT_MISMATCH_PROTOCOL_BOTH_DIRECTIONS], 0);
	h_free(&h);
}

/* ---- EVE ------------------------------------------------------------------------------------- */

static void test_eve_ssh(void **state)
{
	(void)state;
	char dir[] = "/tmp/aegis-test-ssh-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	snprintf(cfg.filename, sizeof(cfg.filename), "%s", path);
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &cfg, dir, err, sizeof(err)), 0);
	struct h h;
	h_init(&h, 22);
	h_sends(&h, FLOW_DIR_TO_CLIENT, SERVER_ID);
	h_sends(&h, FLOW_DIR_TO_SERVER, CLIENT_ID);
	assert_true(h.completed);
	eve_log_ssh(e, NULL, &h.f, h.tx, 1700000000000000ull);
	h_free(&h);
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);

	json_error_t jerr;
	json_t *o = json_load_file(path, 0, &jerr);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "event_type")), "ssh");
	json_t *s = json_object_get(o, "ssh");
	json_t *c = json_object_get(s, "client"), *sv = json_object_get(s, "server");
	assert_string_equal(json_string_value(json_object_get(c, "proto_version")), "2.0");
	assert_string_equal(json_string_value(json_object_get(c, "software_version")),
			    "OpenSSH_9.6p1");
	assert_string_equal(json_string_value(json_object_get(sv, "software_version")),
			    "dropbear_2022.83");
	json_decref(o);
	int rc = run_validator(path);
	unlink(path);
	rmdir(dir);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner_parse),
		cmocka_unit_test(test_detect_and_log),
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_ssh1_not_framed),
		cmocka_unit_test(test_invalid_and_long_banner),
		cmocka_unit_test(test_mismatch_both_directions),
		cmocka_unit_test(test_eve_ssh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
