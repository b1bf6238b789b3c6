/*
 * test-app-file.c — file tracking (src/app/file.c) and the HTTP parser's files: states, sizes
 * with lost bytes, digests, Content-Disposition names, multipart/form-data parts in any split,
 * the URI path as name, the response tail libhtp counts as body, gaps inside bodies sized by
 * the stream offset; and the EVE fileinfo record (fields, tuple orientation, schema).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "eve-validate.h"
#include <jansson.h>

#include "app/file-int.h"
#include "output/output.h"
#include "util/util.h"

#define ALL_HASHES (APP_FILE_HASH_MD5 | APP_FILE_HASH_SHA1 | APP_FILE_HASH_SHA256)

static void hex_of(const uint8_t *d, size_t n, char *out)
{
	util_digest_hex(d, n, out);
}

/* ---- file.c ------------------------------------------------------------------------------- */

static void test_file_closed_digests(void **state)
{
	(void)state;
	struct app_file *list = NULL;
	uint32_t id = 0;
	struct app_file *f = app_file_open(&list, (const uint8_t *)"a.txt", 5, FLOW_DIR_TO_CLIENT,
					   ALL_HASHES, &id);
	assert_non_null(f);
	assert_ptr_equal(list, f);
	assert_int_equal(f->file_id, 1);
	app_file_append(f, (const uint8_t *)"ab", 2);
	app_file_append(f, (const uint8_t *)"c", 1);
	app_file_close(f, false);
	assert_int_equal(f->state, APP_FILE_CLOSED);
	assert_string_equal(app_file_state_name(f->state), "CLOSED");
	assert_int_equal(f->size, 3);
	assert_true(f->flags & APP_FILE_F_MD5);
	assert_true(f->flags & APP_FILE_F_SHA1);
	assert_true(f->flags & APP_FILE_F_SHA256);
	char hex[65];
	hex_of(f->md5, 16, hex);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	hex_of(f->sha1, 20, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	hex_of(f->sha256, 32, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* closed files take no more bytes */
	app_file_append(f, (const uint8_t *)"x", 1);
	assert_int_equal(f->size, 3);
	app_file_free_list(list);
}

static void test_file_gap_truncated(void **state)
{
	(void)state;
	struct app_file *list = NULL;
	uint32_t id = 0;
	struct app_file *f = app_file_open(&list, NULL, 0, FLOW_DIR_TO_CLIENT, ALL_HASHES, &id);
	struct app_file *g = app_file_open(&list, (const uint8_t *)"b", 1, FLOW_DIR_TO_CLIENT, 0,
					   &id);
	assert_non_null(f);
	assert_non_null(g);
	assert_ptr_equal(list->next, g);
	assert_int_equal(g->file_id, 2);
	app_file_append(f, (const uint8_t *)"ab", 2);
	app_file_gap(f, 10);
	app_file_append(f, (const uint8_t *)"c", 1);
	app_file_close(f, false);
	assert_int_equal(f->state, APP_FILE_TRUNCATED);
	assert_int_equal(f->size, 13);
	assert_true(f->flags & APP_FILE_F_GAPS);
	/* sha256 over the bytes that arrived, md5/sha1 only for complete files */
	assert_false(f->flags & APP_FILE_F_MD5);
	assert_false(f->flags & APP_FILE_F_SHA1);
	assert_true(f->flags & APP_FILE_F_SHA256);
	char hex[65];
	hex_of(f->sha256, 32, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	app_file_close(g, true);
	assert_int_equal(g->state, APP_FILE_TRUNCATED);
	assert_false(g->flags & (APP_FILE_F_GAPS | APP_FILE_F_SHA256));
	app_file_free_list(list);
}

static void test_file_disposition(void **state)
{
	(void)state;
	const uint8_t *n;
	size_t l;
	const char *v1 = "attachment; filename=\"eicar.com\"";
	assert_int_equal(app_file_disposition_name((const uint8_t *)v1, strlen(v1), &n, &l), 0);
	assert_int_equal(l, 9);
	assert_memory_equal(n, "eicar.com", 9);
	const char *v2 = "form-data; name=\"x\" ;  FILENAME=plain.bin ";
	assert_int_equal(app_file_disposition_name((const uint8_t *)v2, strlen(v2), &n, &l), 0);
	assert_int_equal(l, 9);
	assert_memory_equal(n, "plain.bin", 9);
	const char *v3 = "inline; name=\"filename=\"";
	assert_int_equal(app_file_disposition_name((const uint8_t *)v3, strlen(v3), &n, &l), -1);
}

/* ---- multipart ------------------------------------------------------------------------------ */

static const char MP_CT[] = "multipart/form-data; boundary=\"XyZ\"";
static const char MP_BODY[] = "preamble\r\n--XyZ\r\n"
			      "Content-Disposition: form-data; name=\"field\"\r\n\r\n"
			      "value\r\n--XyZ  \r\n"
			      "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
			      "Content-Type: text/plain\r\n\r\n"
			      "hello\r\n--X\r\n-\r\n--XyZ\r\n"
			      "content-disposition: form-data; filename=b.bin\r\n\r\n"
			      "\r\n\r\n--XyZ--\r\nepilogue";

/* Feed MP_BODY in pieces of `step` bytes; check the two files. */
static void mp_check_split(size_t step)
{
	struct http_msg m;
	memset(&m, 0, sizeof(m));
	struct http_multipart *mp = http_multipart_new((const uint8_t *)MP_CT, strlen(MP_CT));
	assert_non_null(mp);
	uint32_t id = 0;
	size_t n = strlen(MP_BODY);
	for (size_t i = 0; i < n; i += step)
		http_multipart_data(mp, &m, (const uint8_t *)MP_BODY + i,
				    n - i < step ? n - i : step, APP_FILE_HASH_MD5, &id);
	assert_null(m.open_file);
	assert_int_equal(m.n_files, 2);
	struct app_file *a = m.files, *b = a->next;
	assert_int_equal(a->name_len, 5);
	assert_memory_equal(a->name, "a.txt", 5);
	assert_int_equal(a->state, APP_FILE_CLOSED);
	assert_int_equal(a->size, strlen("hello\r\n--X\r\n-"));
	uint8_t want[16];
	util_md5_digest("hello\r\n--X\r\n-", strlen("hello\r\n--X\r\n-"), want);
	assert_memory_equal(a->md5, want, 16);
	assert_int_equal(b->name_len, 5);
	assert_memory_equal(b->name, "b.bin", 5);
	assert_int_equal(b->size, 2);
	assert_int_equal(b->state, APP_FILE_CLOSED);
	assert_null(b->next);
	http_multipart_free(mp);
	app_file_free_list(m.files);
}

static void test_multipart_splits(void **state)
{
	(void)state;
	mp_check_split(strlen(MP_BODY));
	mp_check_split(1);
	mp_check_split(3);
	mp_check_split(7);
}

static void test_multipart_not(void **state)
{
	(void)state;
	const char *a = "application/x-www-form-urlencoded";
	assert_null(http_multipart_new((const uint8_t *)a, strlen(a)));
	const char *b = "multipart/form-data";
	assert_null(http_multipart_new((const uint8_t *)b, strlen(b)));
	char c[200];
	snprintf(c, sizeof(c), "multipart/form-data; boundary=%0*d", 71, 0);
	assert_null(http_multipart_new((const uint8_t *)c, strlen(c)));
}

/* ---- through the HTTP parser ---------------------------------------------------------------- */

struct conv {
	struct app_ctx *ctx;
	struct flow f;
	uint64_t off[2];
};

static void conv_start(struct conv *c, uint8_t hashes)
{
	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.files.hashes = hashes;
	c->ctx = app_ctx_create(&cfg);
	assert_non_null(c->ctx);
	memset(&c->f, 0, sizeof(c->f));
	c->f.ip_proto = 6;
	c->f.ip_version = 4;
	c->f.src.family = c->f.dst.family = 4;
	c->f.src.b[0] = 10;
	c->f.dst.b[0] = 192;
	c->f.sp = 40000;
	c->f.dp = 80;
	c->f.flow_id = 7;
	c->off[0] = c->off[1] = 0;
}

/* Send bytes of a direction, after `lost` lost ones (a gap when non-zero). */
static void conv_send(struct conv *c, uint8_t dir, const char *s, uint64_t lost,
		      struct app_result *r)
{
	uint32_t flags = lost ? APP_F_GAP : 0;
	c->off[dir] += lost;
	flags |= app_flags_offset(c->off[dir]);
	c->off[dir] += strlen(s);
	assert_int_equal(app_handle_data(c->ctx, &c->f, dir, (const uint8_t *)s,
					 (uint32_t)strlen(s), flags, 1700000000000000ULL, r), 0);
}

static void conv_end(struct conv *c)
{
	app_flow_free(c->ctx, &c->f);
	app_ctx_destroy(c->ctx);
}

static struct app_tx *tx_by_id(struct conv *c, uint64_t id)
{
	for (struct app_tx *t = app_flow_tx_first(&c->f); t; t = app_flow_tx_next(t))
		if (t->tx_id == id)
			return t;
	fail_msg("no tx %llu", (unsigned long long)id);
	return NULL;
}

static void test_http_response_files(void **state)
{
	(void)state;
	struct conv c;
	struct app_result r;
	conv_start(&c, APP_FILE_HASH_SHA256);
	conv_send(&c, 0, "GET /dir/x%41.bin?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"
			 "GET /named HTTP/1.1\r\nHost: h\r\n\r\n"
			 "HEAD /nobody HTTP/1.1\r\nHost: h\r\n\r\n", 0, &r);
	/* the first body has a trailing CRLF in its chunk: libhtp counts it as body */
	conv_send(&c, 1, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc\r\n", 0, &r);
	struct app_file *f0 = app_tx_files(tx_by_id(&c, 0), FLOW_DIR_TO_CLIENT);
	assert_non_null(f0);
	assert_int_equal(f0->name_len, strlen("/dir/xA.bin"));
	assert_memory_equal(f0->name, "/dir/xA.bin", f0->name_len);
	assert_int_equal(f0->state, APP_FILE_CLOSED);
	assert_int_equal(f0->size, 5);
	assert_int_equal(f0->dir, FLOW_DIR_TO_CLIENT);
	assert_null(app_tx_files(tx_by_id(&c, 0), FLOW_DIR_TO_SERVER));
	conv_send(&c, 1, "HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"n.exe\"\r\n"
			 "Content-Length: 2\r\n\r\nMZ", 0, &r);
	struct app_file *f1 = app_tx_files(tx_by_id(&c, 1), FLOW_DIR_TO_CLIENT);
	assert_non_null(f1);
	assert_memory_equal(f1->name, "n.exe", 5);
	assert_int_equal(f1->size, 2);
	assert_true(f1->flags & APP_FILE_F_SHA256);
	/* file.name is a multi-buffer of the direction's files */
	const uint8_t *d;
	uint32_t l;
	assert_int_equal(app_tx_get_buffer(tx_by_id(&c, 1), APP_BUF_FILE_NAME,
					   FLOW_DIR_TO_CLIENT, 0, &d, &l), 0);
	assert_int_equal(l, 5);
	assert_int_equal(app_tx_get_buffer(tx_by_id(&c, 1), APP_BUF_FILE_NAME,
					   FLOW_DIR_TO_CLIENT, 1, &d, &l), -1);
	conv_send(&c, 1, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", 0, &r);
	assert_null(app_tx_files(tx_by_id(&c, 2), FLOW_DIR_TO_CLIENT)); /* HEAD: no body */
	conv_end(&c);
}

static void test_http_request_files(void **state)
{
	(void)state;
	struct conv c;
	struct app_result r;
	conv_start(&c, 0);
	conv_send(&c, 0, "POST /up/load.php HTTP/1.1\r\nContent-Length: 4\r\n\r\nDATA", 0, &r);
	struct app_file *f = app_tx_files(tx_by_id(&c, 0), FLOW_DIR_TO_SERVER);
	assert_non_null(f);
	assert_memory_equal(f->name, "/up/load.php", f->name_len);
	assert_int_equal(f->size, 4);
	assert_int_equal(f->state, APP_FILE_CLOSED);
	conv_send(&c, 0, "GET /g HTTP/1.1\r\nContent-Length: 2\r\n\r\nxy", 0, &r);
	assert_null(app_tx_files(tx_by_id(&c, 1), FLOW_DIR_TO_SERVER));
	char req[1024];
	snprintf(req, sizeof(req),
		 "POST /form HTTP/1.1\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%s", MP_CT,
		 strlen(MP_BODY), MP_BODY);
	conv_send(&c, 0, req, 0, &r);
	struct app_file *m = app_tx_files(tx_by_id(&c, 2), FLOW_DIR_TO_SERVER);
	assert_non_null(m);
	assert_non_null(m->next);
	assert_memory_equal(m->name, "a.txt", 5);
	assert_memory_equal(m->next->name, "b.bin", 5);
	conv_end(&c);
}

static void test_http_gap_in_body(void **state)
{
	(void)state;
	struct conv c;
	struct app_result r;
	conv_start(&c, APP_FILE_HASH_SHA256);
	conv_send(&c, 0, "GET /1 HTTP/1.0\r\n\r\n", 0, &r);
	conv_send(&c, 1, "HTTP/1.0 200 OK\r\nContent-Length: 30\r\n\r\n0123456789", 0, &r);
	/* 10 bytes lost inside the body, the last 10 arrive: the response completes */
	conv_send(&c, 1, "abcdefghij", 10, &r);
	struct app_tx *t0 = tx_by_id(&c, 0);
	assert_true(app_tx_is_complete(t0));
	struct app_file *f = app_tx_files(t0, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->size, 30);
	assert_int_equal(f->state, APP_FILE_TRUNCATED);
	assert_true(f->flags & APP_FILE_F_GAPS);
	/* a gap longer than the rest of a body ends it; the next response still parses */
	conv_send(&c, 0, "GET /2 HTTP/1.0\r\n\r\nGET /3 HTTP/1.0\r\n\r\n", 0, &r);
	conv_send(&c, 1, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", 0, &r);
	conv_send(&c, 1, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 9, &r);
	struct app_file *f2 = app_tx_files(tx_by_id(&c, 1), FLOW_DIR_TO_CLIENT);
	assert_int_equal(f2->size, 5);
	assert_int_equal(f2->state, APP_FILE_TRUNCATED);
	struct app_file *f3 = app_tx_files(tx_by_id(&c, 2), FLOW_DIR_TO_CLIENT);
	assert_non_null(f3);
	assert_int_equal(f3->size, 2);
	assert_int_equal(f3->state, APP_FILE_CLOSED);
	assert_false(f3->flags & APP_FILE_F_GAPS);
	conv_end(&c);
}

static void test_http_flow_end_truncates(void **state)
{
	(void)state;
	struct conv c;
	struct app_result r;
	conv_start(&c, 0);
	conv_send(&c, 0, "GET /big HTTP/1.1\r\n\r\n", 0, &r);
	conv_send(&c, 1, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart", 0, &r);
	struct app_tx *t = tx_by_id(&c, 0);
	struct app_file *f = app_tx_files(t, FLOW_DIR_TO_CLIENT);
	assert_int_equal(f->state, APP_FILE_OPEN);
	app_flow_finish(c.ctx, &c.f, &r);
	assert_int_equal(f->state, APP_FILE_TRUNCATED);
	assert_int_equal(f->size, 4);
	assert_false(f->flags & APP_FILE_F_GAPS);
	conv_end(&c);
}

/* ---- EVE fileinfo --------------------------------------------------------------------------- */

static void test_eve_fileinfo(void **state)
{
	(void)state;
	char dir[] = "/tmp/aegis-file-eve-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	struct eve *e;
	char err[256];
	assert_int_equal(eve_open(&e, &cfg, dir, err, sizeof(err)), 0);
	struct conv c;
	struct app_result r;
	conv_start(&c, ALL_HASHES);
	conv_send(&c, 0, "GET /download/eicar.com HTTP/1.1\r\nHost: h.example\r\n\r\n", 0, &r);
	conv_send(&c, 1, "HTTP/1.1 200 OK\r\nContent-disposition: attachment; "
			 "filename=\"eicar.com\"\r\nContent-Length: 3\r\n\r\nabc", 0, &r);
	struct app_tx *t = tx_by_id(&c, 0);
	struct app_file *f = app_tx_files(t, FLOW_DIR_TO_CLIENT);
	eve_log_fileinfo(e, NULL, &c.f, t, f, 1700000000000000ULL, NULL);
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);
	conv_end(&c);

	char path[300];
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	json_error_t je;
	json_t *root = json_load_file(path, JSON_DISABLE_EOF_CHECK, &je);
	if (!root)
		fail_msg("%s: %s", path, je.text);
	assert_string_equal(json_string_value(json_object_get(root, "event_type")), "fileinfo");
	/* a download: the server is the source */
	assert_string_equal(json_string_value(json_object_get(root, "src_ip")), "192.0.0.0");
	assert_int_equal(json_integer_value(json_object_get(root, "src_port")), 80);
	assert_string_equal(json_string_value(json_object_get(root, "app_proto")), "http");
	json_t *h = json_object_get(root, "http");
	assert_string_equal(json_string_value(json_object_get(h, "hostname")), "h.example");
	json_t *fi = json_object_get(root, "fileinfo");
	assert_string_equal(json_string_value(json_object_get(fi, "filename")), "eicar.com");
	assert_string_equal(json_string_value(json_object_get(fi, "state")), "CLOSED");
	assert_true(json_is_false(json_object_get(fi, "gaps")));
	assert_true(json_is_false(json_object_get(fi, "stored")));
	assert_int_equal(json_integer_value(json_object_get(fi, "size")), 3);
	assert_int_equal(json_integer_value(json_object_get(fi, "tx_id")), 0);
	assert_string_equal(json_string_value(json_object_get(fi, "md5")),
			    "900150983cd24fb0d6963f7d28e17f72");
	assert_non_null(json_object_get(fi, "sha1"));
	assert_non_null(json_object_get(fi, "sha256"));
	assert_null(json_object_get(fi, "magic"));
	assert_null(json_object_get(fi, "file_id"));
	json_decref(root);
	int rc = run_validator(path);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_closed_digests),
		cmocka_unit_test(test_file_gap_truncated),
		cmocka_unit_test(test_file_disposition),
		cmocka_unit_test(test_multipart_splits),
		cmocka_unit_test(test_multipart_not),
		cmocka_unit_test(test_http_response_files),
		cmocka_unit_test(test_http_request_files),
		cmocka_unit_test(test_http_gap_in_body),
		cmocka_unit_test(test_http_flow_end_truncates),
		cmocka_unit_test(test_eve_fileinfo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
