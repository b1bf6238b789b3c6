/*
 * test-app-http-eve.c — the EVE "http" record: an HTTP conversation is parsed by the app layer,
 * its completed transaction written with eve_log_http to a temporary eve.json, read back with
 * jansson field by field, and the file checked against Suricata's schema with
 * qa/tools/eve-validate.py.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "eve-validate.h"
#include <jansson.h>

#include "app/app.h"
#include "output/output.h"

extern char **environ;

static const char REQ[] = "GET /path/../x%41?q=1 HTTP/1.1\r\nHost: www.Example.org:8080\r\n"
			  "User-Agent: eve-test/1.0\r\nReferer: http://from/\r\n"
			  "X-Forwarded-For: 10.1.1.1\r\n\r\n";
static const char RESP[] = "HTTP/1.1 301 Moved\r\nContent-Type: text/html; charset=utf-8\r\n"
			   "Location: /new\r\nContent-Length: 4\r\n\r\nbody";

/* Parse a conversation and write its http record; returns the parsed JSON line. */
static json_t *log_conv(const struct eve_http_opts *o, const char *req, const char *resp,
			char *path, size_t pathlen)
{
	char dir[] = "/tmp/aegis-app-eve-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &cfg, dir, err, sizeof(err)), 0);

	struct app_ctx *ctx = app_ctx_create(NULL);
	assert_non_null(ctx);
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.ip_proto = 6;
	f.ip_version = 4;
	f.src.family = f.dst.family = 4;
	f.src.b[0] = 10;
	f.dst.b[0] = 192;
	f.sp = 40000;
	f.dp = 8080;
	f.flow_id = 12345;
	struct app_result r;
	assert_int_equal(app_handle_data(ctx, &f, FLOW_DIR_TO_SERVER, (const uint8_t *)req,
					 (uint32_t)strlen(req), 0, 1700000000000000ULL, &r), 0);
	assert_int_equal(app_handle_data(ctx, &f, FLOW_DIR_TO_CLIENT, (const uint8_t *)resp,
					 (uint32_t)strlen(resp), 0, 1700000000000000ULL, &r), 0);
	unsigned logged = 0;
	for (uint32_t i = 0; i < r.n_tx; i++)
		if (r.txs[i].flags & APP_RTX_COMPLETED) {
			eve_log_http(e, NULL, &f, r.txs[i].tx, 1700000000000000ULL, o);
			app_tx_set_logged(r.txs[i].tx);
			logged++;
		}
	assert_int_equal(logged, 1);
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);
	app_flow_free(ctx, &f);
	app_ctx_destroy(ctx);

	snprintf(path, pathlen, "%s/eve.json", dir);
	json_error_t je;
	json_t *root = json_load_file(path, JSON_DISABLE_EOF_CHECK, &je);
	if (!root)
		fail_msg("%s: %s", path, je.text);
	return root;
}

static json_t *log_one(const struct eve_http_opts *o, char *path, size_t pathlen)
{
	return log_conv(o, REQ, RESP, path, pathlen);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_string(v))
		fail_msg("field %s missing or not a string", k);
	return json_string_value(v);
}

static void test_eve_http_fields(void **state)
{
	(void)state;
	char path[128];
	struct eve_http_opts o = { .extended = true, .xff = true };
	json_t *root = log_one(&o, path, sizeof(path));
	assert_string_equal(jstr(root, "event_type"), "http");
	assert_int_equal(json_integer_value(json_object_get(root, "tx_id")), 0);
	assert_int_equal(json_integer_value(json_object_get(root, "flow_id")), 12345);
	json_t *h = json_object_get(root, "http");
	assert_non_null(h);
	assert_string_equal(jstr(h, "hostname"), "www.example.org");
	assert_int_equal(json_integer_value(json_object_get(h, "http_port")), 8080);
	assert_string_equal(jstr(h, "url"), "/path/../x%41?q=1");
	assert_string_equal(jstr(h, "http_user_agent"), "eve-test/1.0");
	assert_string_equal(jstr(h, "http_content_type"), "text/html");
	assert_string_equal(jstr(h, "http_refer"), "http://from/");
	assert_string_equal(jstr(h, "http_method"), "GET");
	assert_string_equal(jstr(h, "protocol"), "HTTP/1.1");
	assert_string_equal(jstr(h, "redirect"), "/new");
	assert_string_equal(jstr(h, "xff"), "10.1.1.1");
	assert_int_equal(json_integer_value(json_object_get(h, "status")), 301);
	assert_int_equal(json_integer_value(json_object_get(h, "length")), 4);
	assert_null(json_object_get(h, "request_headers"));
	json_decref(root);
	int rc = run_validator(path);
	if (rc >= 0)
		assert_int_equal(rc, 0);
}

static void test_eve_http_dump_headers(void **state)
{
	(void)state;
	char path[128];
	struct eve_http_opts o = { .extended = false, .dump_request_headers = true,
				   .dump_response_headers = true };
	json_t *root = log_one(&o, path, sizeof(path));
	json_t *h = json_object_get(root, "http");
	assert_null(json_object_get(h, "http_refer"));
	assert_null(json_object_get(h, "xff"));
	json_t *rq = json_object_get(h, "request_headers");
	json_t *rs = json_object_get(h, "response_headers");
	assert_true(json_is_array(rq));
	assert_int_equal(json_array_size(rq), 4);
	assert_string_equal(jstr(json_array_get(rq, 1), "name"), "User-Agent");
	assert_string_equal(jstr(json_array_get(rq, 1), "value"), "eve-test/1.0");
	assert_int_equal(json_array_size(rs), 3);
	assert_string_equal(jstr(json_array_get(rs, 2), "value"), "4");
	json_decref(root);
	int rc = run_validator(path);
	if (rc >= 0)
		assert_int_equal(rc, 0);
}

/* A status code that is not a number is logged as status_string (Suricata 8), never status. */
static void test_eve_http_status_string(void **state)
{
	(void)state;
	char path[128];
	json_t *root = log_conv(NULL, "GET /test HTTP/1.1\r\nHost: a\r\n\r\n",
				"HTTP/1.0 2XX OK\r\nContent-Length:4\r\n\r\ntoto", path,
				sizeof(path));
	json_t *h = json_object_get(root, "http");
	assert_non_null(h);
	assert_string_equal(jstr(h, "status_string"), "2XX");
	assert_null(json_object_get(h, "status"));
	assert_int_equal(json_integer_value(json_object_get(h, "length")), 4);
	json_decref(root);
	int rc = run_validator(path);
	if (rc >= 0)
		assert_int_equal(rc, 0);

	/* a numeric code: status only */
	root = log_one(NULL, path, sizeof(path));
	h = json_object_get(root, "http");
	assert_null(json_object_get(h, "status_string"));
	assert_int_equal(json_integer_value(json_object_get(h, "status")), 301);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eve_http_fields),
		cmocka_unit_test(test_eve_http_dump_headers),
		cmocka_unit_test(test_eve_http_status_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
