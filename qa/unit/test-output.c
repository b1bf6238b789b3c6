/*
 * test-output.c — unit tests of the output stage: the jbuf JSON writer (escaping, numbers,
 * nesting, base64, limits), SHA-1 and Community ID against published vectors, and the EVE writer.
 *
 * The EVE tests all append to one temporary eve.json: each reads back the lines it added and
 * checks them field by field with jansson; the last test runs qa/tools/eve-validate.py on the
 * whole file so every record kind written here is also checked against Suricata's schema.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "eve-validate.h"
#include <jansson.h>

#include "app/app.h"
#include "output/output-int.h"
#include "stream/stream.h"

#ifndef AEGIS_SRCDIR
#define AEGIS_SRCDIR "."
#endif

extern char **environ;

/* ---- helpers ------------------------------------------------------------------------------ */

/* The text a jbuf holds, NUL-terminated, for exact comparisons. */
static char *jbuf_text(struct jbuf *j)
{
	char *s = malloc(j->len + 1);
	assert_non_null(s);
	memcpy(s, j->buf, j->len);
	s[j->len] = '\0';
	return s;
}

static void assert_jbuf_eq(struct jbuf *j, const char *expect)
{
	assert_false(j->failed);
	char *s = jbuf_text(j);
	assert_string_equal(s, expect);
	free(s);
}

/* One string value written as {"k":<value>} and parsed back by jansson. */
static char *roundtrip_string(const uint8_t *data, size_t len, char **json_out)
{
	struct jbuf j;
	jbuf_init(&j);
	jbuf_open_object(&j, NULL);
	jbuf_add_strn(&j, "k", (const char *)data, len);
	jbuf_close_object(&j);
	assert_false(j.failed);
	char *text = jbuf_text(&j);
	jbuf_free(&j);
	json_error_t err;
	json_t *root = json_loads(text, JSON_ALLOW_NUL, &err);
	if (!root)
		fail_msg("jansson rejected %s: %s", text, err.text);
	json_t *v = json_object_get(root, "k");
	assert_true(json_is_string(v));
	size_t n = json_string_length(v);
	char *out = malloc(n + 1);
	assert_non_null(out);
	memcpy(out, json_string_value(v), n + 1);
	json_decref(root);
	if (json_out)
		*json_out = text;
	else
		free(text);
	return out;
}

static void ip4(struct ip_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	const uint8_t b[4] = { b0, b1, b2, b3 };
	ip_addr_set_v4(a, b);
}

static void ip6(struct ip_addr *a, const char *text)
{
	assert_int_equal(ip_addr_parse(text, a), 0);
	assert_int_equal(a->family, 6);
}

#define T0_FMT 1700000000ULL

/* ---- jbuf ----------------------------------------------------------------------------------- */

static void test_jbuf_nesting(void **state)
{
	(void)state;
	struct jbuf j;
	jbuf_init(&j);
	jbuf_open_object(&j, NULL);
	jbuf_add_str(&j, "a", "x");
	jbuf_open_object(&j, "o");
	jbuf_close_object(&j);
	jbuf_open_array(&j, "arr");
	jbuf_add_uint(&j, NULL, 1);
	jbuf_open_object(&j, NULL);
	jbuf_add_bool(&j, "t", true);
	jbuf_add_bool(&j, "f", false);
	jbuf_close_object(&j);
	jbuf_open_array(&j, NULL);
	jbuf_close_array(&j);
	jbuf_close_array(&j);
	jbuf_add_int(&j, "n", -5);
	jbuf_close_object(&j);
	assert_int_equal(j.depth, 0);
	assert_jbuf_eq(&j, "{\"a\":\"x\",\"o\":{},\"arr\":[1,{\"t\":true,\"f\":false},[]],\"n\":-5}");

	/* reset keeps the allocation and starts a fresh document */
	jbuf_reset(&j);
	jbuf_open_object(&j, NULL);
	jbuf_add_str(&j, "b", "y");
	jbuf_close_object(&j);
	assert_jbuf_eq(&j, "{\"b\":\"y\"}");
	jbuf_free(&j);
}

static void test_jbuf_escape_controls(void **state)
{
	(void)state;
	uint8_t in[32];
	for (int i = 0; i < 32; i++)
		in[i] = (uint8_t)i;
	struct jbuf j;
	jbuf_init(&j);
	jbuf_add_strn(&j, NULL, (const char *)in, sizeof(in));
	assert_jbuf_eq(&j, "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
			   "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
			   "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
			   "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
	jbuf_free(&j);

	/* and jansson reads every control byte back exactly */
	char *back = roundtrip_string(in, sizeof(in), NULL);
	assert_memory_equal(back, in, sizeof(in));
	free(back);
}

static void test_jbuf_escape_quote_backslash(void **state)
{
	(void)state;
	struct jbuf j;
	jbuf_init(&j);
	jbuf_add_str(&j, NULL, "a\"b\\c/d\x7f");
	/* '/' and DEL are legal in JSON strings and stay as they are */
	assert_jbuf_eq(&j, "\"a\\\"b\\\\c/d\x7f\"");
	jbuf_free(&j);
}

static void test_jbuf_escaped_key(void **state)
{
	(void)state;
	struct jbuf j;
	jbuf_init(&j);
	jbuf_open_object(&j, NULL);
	jbuf_add_uint(&j, "we\"ird\n", 7);
	jbuf_close_object(&j);
	assert_jbuf_eq(&j, "{\"we\\\"ird\\n\":7}");
	jbuf_free(&j);
}

static void test_jbuf_utf8_valid(void **state)
{
	(void)state;
	/* 2-, 3- and 4-byte sequences at the edges of their ranges pass through untouched */
	const char *s = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\x80 \xef\xbf\xbf "
			"\xf4\x8f\xbf\xbf \xe0\xa0\x80 \xed\x9f\xbf";
	struct jbuf j;
	jbuf_init(&j);
	jbuf_add_str(&j, NULL, s);
	char *expect;
	assert_true(asprintf(&expect, "\"%s\"", s) > 0);
	assert_jbuf_eq(&j, expect);
	free(expect);
	jbuf_free(&j);
	char *back = roundtrip_string((const uint8_t *)s, strlen(s), NULL);
	assert_string_equal(back, s);
	free(back);
}

static void test_jbuf_utf8_invalid(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "\x80", 1, "\"\\u0080\"" },                      /* lone continuation */
		{ "\xff", 1, "\"\\u00ff\"" },                      /* never valid */
		{ "a\xe2\x82", 3, "\"a\\u00e2\\u0082\"" },         /* truncated 3-byte */
		{ "\xc0\xaf", 2, "\"\\u00c0\\u00af\"" },           /* overlong '/' */
		{ "\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"" }, /* overlong 3-byte */
		{ "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"" }, /* UTF-16 surrogate */
		{ "\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\"" }, /* > U+10FFFF */
		{ "\xf0\x80\x80\x80", 4, "\"\\u00f0\\u0080\\u0080\\u0080\"" }, /* overlong 4-byte */
		{ "\xc3", 1, "\"\\u00c3\"" },                      /* lead byte at the end */
		{ "\xc3(", 2, "\"\\u00c3(\"" },                    /* bad continuation */
		{ "\xc3\xa9\xa9", 3, "\"\xc3\xa9\\u00a9\"" },      /* valid then stray */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct jbuf j;
		jbuf_init(&j);
		jbuf_add_strn(&j, NULL, cases[i].in, cases[i].len);
		assert_jbuf_eq(&j, cases[i].out);
		jbuf_free(&j);
	}
}

/* Property: random bytes always give JSON jansson accepts, and valid UTF-8 survives intact. */
static void test_jbuf_random_bytes(void **state)
{
	(void)state;
	srand(12345);
	for (int round = 0; round < 2000; round++) {
		uint8_t buf[64];
		size_t len = (size_t)(rand() % (int)sizeof(buf));
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)(round & 1 ? rand() : rand() % 128);
		char *back = roundtrip_string(buf, len, NULL);
		if (!(round & 1))
			assert_memory_equal(back, buf, len); /* ASCII: exact round trip */
		free(back);
	}
}

static void test_jbuf_numbers(void **state)
{
	(void)state;
	struct jbuf j;
	jbuf_init(&j);
	jbuf_open_array(&j, NULL);
	jbuf_add_uint(&j, NULL, 0);
	jbuf_add_uint(&j, NULL, UINT64_MAX);
	jbuf_add_int(&j, NULL, INT64_MIN);
	jbuf_add_int(&j, NULL, INT64_MAX);
	jbuf_add_int(&j, NULL, 0);
	jbuf_add_double(&j, NULL, 0.5);
	jbuf_add_double(&j, NULL, 0.1);
	jbuf_add_double(&j, NULL, -2.0);
	jbuf_add_double(&j, NULL, 1.0 / 3.0);
	jbuf_add_double(&j, NULL, NAN);
	jbuf_close_array(&j);
	assert_jbuf_eq(&j, "[0,18446744073709551615,-9223372036854775808,9223372036854775807,0,"
			   "0.5,0.1,-2,0.33333333333333331,null]");
	jbuf_free(&j);
}

static void test_jbuf_base64(void **state)
{
	(void)state;
	/* RFC 4648 section 10 test vectors */
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "\"\"", "\"Zg==\"", "\"Zm8=\"", "\"Zm9v\"",
					   "\"Zm9vYg==\"", "\"Zm9vYmE=\"", "\"Zm9vYmFy\"" };
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		struct jbuf j;
		jbuf_init(&j);
		jbuf_add_base64(&j, NULL, (const uint8_t *)in[i], strlen(in[i]));
		assert_jbuf_eq(&j, out[i]);
		jbuf_free(&j);
	}
}

static void test_jbuf_printable(void **state)
{
	(void)state;
	const uint8_t in[] = { 'G', 'E', 'T', ' ', '"', '\\', '\r', '\n', 0x00, 0x7f, 0xc3,
			       0xa9, '\t', '~' };
	struct jbuf j;
	jbuf_init(&j);
	jbuf_add_printable(&j, NULL, in, sizeof(in));
	assert_jbuf_eq(&j, "\"GET \\\"\\\\\\r\\n.....~\"");
	jbuf_free(&j);
}

static void test_jbuf_limits(void **state)
{
	(void)state;
	struct jbuf j;
	jbuf_init(&j);
	/* nesting beyond the fixed depth fails the record instead of overrunning need_comma[] */
	for (int i = 0; i < 40; i++)
		jbuf_open_array(&j, NULL);
	assert_true(j.failed);
	jbuf_reset(&j);
	assert_false(j.failed);

	/* an unbalanced close is refused */
	jbuf_open_object(&j, NULL);
	jbuf_close_object(&j);
	jbuf_close_object(&j);
	assert_true(j.failed);

	/* NULL string is written as "" */
	jbuf_reset(&j);
	jbuf_add_str(&j, NULL, NULL);
	assert_jbuf_eq(&j, "\"\"");
	jbuf_free(&j);
}

/* The cached formatters must agree with the util/inet_ntop originals for every input. */
static void test_fast_formatters(void **state)
{
	(void)state;
	char a[EVE_TS_LEN], b[EVE_TS_LEN];
	uint64_t ts = T0_FMT * USEC_PER_SEC;
	srand(7);
	for (int i = 0; i < 5000; i++) {
		/* mostly same-second steps (cache hits), sometimes jumps (misses) */
		ts += i % 50 ? (uint64_t)(rand() % 20000) : (uint64_t)rand() * 1000;
		eve_format_timestamp(ts, a);
		util_format_timestamp(ts, b, sizeof(b));
		assert_string_equal(a, b);
	}
	eve_format_timestamp(0, a);
	assert_string_equal(a, "1970-01-01T00:00:00.000000+0000");

	char x[IP_ADDR_STRLEN], y[IP_ADDR_STRLEN];
	struct ip_addr ip;
	for (int i = 0; i < 5000; i++) {
		uint8_t bytes[4] = { (uint8_t)rand(), (uint8_t)(i % 256), (uint8_t)(rand() % 10),
				     (uint8_t)(rand() % 100) };
		ip_addr_set_v4(&ip, bytes);
		assert_string_equal(eve_format_ip(&ip, x), ip_addr_to_str(&ip, y, sizeof(y)));
	}
	ip4(&ip, 0, 0, 0, 0);
	assert_string_equal(eve_format_ip(&ip, x), "0.0.0.0");
	ip4(&ip, 255, 255, 255, 255);
	assert_string_equal(eve_format_ip(&ip, x), "255.255.255.255");
	ip6(&ip, "2001:db8::1");
	assert_string_equal(eve_format_ip(&ip, x), "2001:0db8:0000:0000:0000:0000:0000:0001"); /* Suricata's spelling */

	char h[3];
	eve_format_hex8(0x1b, h);
	assert_string_equal(h, "1b");
	eve_format_hex8(0, h);
	assert_string_equal(h, "00");
	eve_format_hex8(0xff, h);
	assert_string_equal(h, "ff");
}

/* ---- SHA-1 and Community ID --------------------------------------------------------------- */

static void sha1_hex(const void *data, size_t len, size_t chunk, char out[41])
{
	struct util_md_ctx c;
	uint8_t d[UTIL_SHA1_LEN];
	util_sha1_init(&c);
	const uint8_t *p = data;
	while (len) {
		size_t n = len < chunk ? len : chunk;
		util_md_update(&c, p, n);
		p += n;
		len -= n;
	}
	util_md_final(&c, d);
	for (int i = 0; i < UTIL_SHA1_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_sha1_vectors(void **state)
{
	(void)state;
	char hex[41];
	/* FIPS 180-2 appendix A / common published vectors */
	sha1_hex("abc", 3, 64, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_hex("", 0, 64, hex);
	assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha1_hex(m, strlen(m), 64, hex);
	assert_string_equal(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	sha1_hex(m, strlen(m), 7, hex); /* same message fed in odd pieces */
	assert_string_equal(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	char *million = malloc(1000000);
	assert_non_null(million);
	memset(million, 'a', 1000000);
	sha1_hex(million, 1000000, 1000, hex);
	assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(million);
}

static void test_community_id_vectors(void **state)
{
	(void)state;
	/* Vectors published with the Community ID spec (also in Zeek's and other tools' tests). */
	struct ip_addr a, b, c6, d6;
	char id[COMMUNITY_ID_LEN];
	ip4(&a, 1, 2, 3, 4);
	ip4(&b, 5, 6, 7, 8);

	assert_int_equal(community_id_v1(&a, &b, 6, 1122, 3344, 0, id), 0);
	assert_string_equal(id, "1:wCb3OG7yAFWelaUydu0D+125CLM=");
	assert_int_equal(community_id_v1(&b, &a, 6, 3344, 1122, 0, id), 0); /* reverse */
	assert_string_equal(id, "1:wCb3OG7yAFWelaUydu0D+125CLM=");
	assert_int_equal(community_id_v1(&a, &b, 17, 1122, 3344, 0, id), 0);
	assert_string_equal(id, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=");
	assert_int_equal(community_id_v1(&a, &b, 1, 8, 0, 0, id), 0); /* echo */
	assert_string_equal(id, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
	assert_int_equal(community_id_v1(&b, &a, 1, 0, 0, 0, id), 0); /* echo reply */
	assert_string_equal(id, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
	assert_int_equal(community_id_v1(&a, &b, 46, 0, 0, 0, id), 0); /* RSVP: no ports */
	assert_string_equal(id, "1:ikv3kmf89luf73WPz1jOs49S768=");
	assert_int_equal(community_id_v1(&a, &b, 6, 1122, 3344, 1, id), 0); /* seed 1 */
	assert_string_equal(id, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");

	ip6(&c6, "fe80:1:203:405:607:809:a0b:c0d");
	ip6(&d6, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d");
	assert_int_equal(community_id_v1(&c6, &d6, 58, 128, 0, 0, id), 0);
	assert_string_equal(id, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
	assert_int_equal(community_id_v1(&d6, &c6, 58, 129, 0, 0, id), 0);
	assert_string_equal(id, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");

	/* mixed families cannot be hashed */
	assert_int_equal(community_id_v1(&a, &d6, 6, 1, 2, 0, id), -1);
}

/* ---- EVE writer ----------------------------------------------------------------------------- */

static char g_dir[64];     /* temporary log directory */
static char g_path[128];   /* the shared eve.json */
static off_t g_offset;     /* where the current test's records start */

#define MAX_RECORDS 64

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

/* Close the writer and parse every line it added to the file. */
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
		assert_int_equal(line[len - 1], '\n'); /* one record per line, newline-terminated */
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

/* Field lookup by dotted path ("flow.pkts_toserver"). */
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

static void assert_absent(json_t *r, const char *path)
{
	if (jget(r, path))
		fail_msg("%s: present but should not be", path);
}

#define T0 1700000000ULL /* 2023-11-14T22:13:20 UTC */

static struct flow make_tcp_flow(void)
{
	struct flow f;
	memset(&f, 0, sizeof(f));
	ip4(&f.src, 10, 0, 0, 1);
	ip4(&f.dst, 192, 168, 1, 2);
	f.sp = 40000;
	f.dp = 80;
	f.ip_proto = 6;
	f.ip_version = 4;
	f.flow_id = 1234567890123ULL;
	f.start_usec = T0 * USEC_PER_SEC + 250000;
	f.last_usec = (T0 + 7) * USEC_PER_SEC + 100;
	f.pkts[0] = 6;
	f.pkts[1] = 5;
	f.bytes[0] = 600;
	f.bytes[1] = 4500;
	f.state = FLOW_STATE_CLOSED;
	f.tcp_state = TCP_STATE_CLOSED;
	f.tcp_flags[0] = TH_SYN | TH_ACK | TH_FIN | TH_PUSH;
	f.tcp_flags[1] = TH_SYN | TH_ACK | TH_FIN;
	f.end_reason = FLOW_END_TIMEOUT;
	return f;
}

static void test_eve_open_errors(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	struct eve *e = (struct eve *)1;
	char err[256] = "";
	assert_int_equal(eve_open(&e, &cfg, "/nonexistent-aegis-dir", err, sizeof(err)), -1);
	assert_null(e);
	assert_string_equal(err, "cannot open /nonexistent-aegis-dir/eve.json: "
				 "No such file or directory");

	/* a directory where the file should be */
	util_strlcpy(cfg.filename, "/", sizeof(cfg.filename));
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot open /: Is a directory");
}

static void test_eve_defaults(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	assert_true(cfg.enabled);
	assert_string_equal(cfg.filename, "eve.json");
	assert_true(cfg.append);
	for (int t = 0; t < EVE_TYPE_MAX; t++)
		assert_true(cfg.types[t]);
	assert_true(cfg.anomaly_decode);
	assert_false(cfg.community_id);
	assert_true(cfg.stats_totals);
	assert_int_equal(cfg.buffer_size, 64 * 1024);
}

static void test_eve_flow_tcp_ipv4(void **state)
{
	(void)state;
	struct eve *e = eve_start(NULL);
	struct flow f = make_tcp_flow();
	f.vlan_count = 2;
	f.vlan_id[0] = 100;
	f.vlan_id[1] = 200;
	f.flags = FLOW_F_ALERTED;
	eve_log_flow(e, &f);
	struct eve_counters c;
	eve_get_counters(e, &c);
	assert_int_equal(c.records[EVE_TYPE_FLOW], 1);
	assert_int_equal(c.dropped, 0);

	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	json_t *r = rs.r[0];
	assert_str_field(r, "event_type", "flow");
	assert_str_field(r, "timestamp", "2023-11-14T22:13:27.000100+0000"); /* = flow end */
	assert_int_field(r, "flow_id", 1234567890123LL);
	assert_str_field(r, "src_ip", "10.0.0.1");
	assert_int_field(r, "src_port", 40000);
	assert_str_field(r, "dest_ip", "192.168.1.2");
	assert_int_field(r, "dest_port", 80);
	assert_str_field(r, "proto", "TCP");
	assert_int_field(r, "ip_v", 4);
	json_t *vlan = json_object_get(r, "vlan");
	assert_true(json_is_array(vlan));
	assert_int_equal(json_array_size(vlan), 2);
	assert_int_equal(json_integer_value(json_array_get(vlan, 0)), 100);
	assert_int_equal(json_integer_value(json_array_get(vlan, 1)), 200);
	assert_int_field(r, "flow.pkts_toserver", 6);
	assert_int_field(r, "flow.pkts_toclient", 5);
	assert_int_field(r, "flow.bytes_toserver", 600);
	assert_int_field(r, "flow.bytes_toclient", 4500);
	assert_str_field(r, "flow.start", "2023-11-14T22:13:20.250000+0000");
	assert_str_field(r, "flow.end", "2023-11-14T22:13:27.000100+0000");
	assert_int_field(r, "flow.age", 7);
	assert_str_field(r, "flow.state", "closed");
	assert_str_field(r, "flow.reason", "timeout");
	assert_true(json_is_true(jget(r, "flow.alerted")));
	assert_str_field(r, "tcp.tcp_flags", "1b");
	assert_str_field(r, "tcp.tcp_flags_ts", "1b");
	assert_str_field(r, "tcp.tcp_flags_tc", "13");
	assert_true(json_is_true(jget(r, "tcp.syn")));
	assert_true(json_is_true(jget(r, "tcp.fin")));
	assert_true(json_is_true(jget(r, "tcp.psh")));
	assert_true(json_is_true(jget(r, "tcp.ack")));
	assert_absent(r, "tcp.rst"); /* unset flags are left out, as Suricata does */
	assert_absent(r, "tcp.urg");
	assert_str_field(r, "tcp.state", "closed");
	assert_absent(r, "tcp.ts_max_regions"); /* no session in the stream stage */
	assert_absent(r, "tcp.tc_max_regions");
	assert_absent(r, "pcap_cnt"); /* flow records are not about one packet */
	assert_absent(r, "pkt_src");
	assert_absent(r, "community_id");
	records_free(&rs);
}

/* The stream stage's region counts: logged per direction once the flow had a session. */
static void test_eve_flow_tcp_max_regions(void **state)
{
	(void)state;
	struct eve *e = eve_start(NULL);
	struct flow f = make_tcp_flow();
	f.stream_cnt.max_regions[FLOW_DIR_TO_SERVER] = 1;
	f.stream_cnt.max_regions[FLOW_DIR_TO_CLIENT] = 3;
	eve_log_flow(e, &f);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	assert_int_field(rs.r[0], "tcp.ts_max_regions", 1);
	assert_int_field(rs.r[0], "tcp.tc_max_regions", 3);
	records_free(&rs);
}

static void test_eve_flow_udp_ipv6(void **state)
{
	(void)state;
	struct eve *e = eve_start(NULL);
	struct flow f;
	memset(&f, 0, sizeof(f));
	ip6(&f.src, "2001:db8::1");
	ip6(&f.dst, "2001:db8::53");
	f.sp = 5353;
	f.dp = 53;
	f.ip_proto = 17;
	f.ip_version = 6;
	f.flow_id = 42;
	f.start_usec = T0 * USEC_PER_SEC;
	f.last_usec = T0 * USEC_PER_SEC + 999999;
	f.pkts[0] = 1;
	f.bytes[0] = 80;
	f.state = FLOW_STATE_NEW;
	f.end_reason = FLOW_END_SHUTDOWN;
	f.flags = FLOW_F_EMERGENCY;
	eve_log_flow(e, &f);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	json_t *r = rs.r[0];
	assert_str_field(r, "src_ip", "2001:0db8:0000:0000:0000:0000:0000:0001");
	assert_str_field(r, "dest_ip", "2001:0db8:0000:0000:0000:0000:0000:0053");
	assert_int_field(r, "src_port", 5353);
	assert_str_field(r, "proto", "UDP");
	assert_int_field(r, "ip_v", 6);
	assert_int_field(r, "flow.age", 0);
	assert_str_field(r, "flow.state", "new");
	assert_str_field(r, "flow.reason", "shutdown");
	assert_true(json_is_false(jget(r, "flow.alerted")));
	assert_true(json_is_true(jget(r, "flow.emergency")));
	assert_absent(r, "tcp");
	assert_absent(r, "vlan");
	records_free(&rs);
}

static void test_eve_flow_icmp_and_other(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.community_id = true;
	struct eve *e = eve_start(&cfg);

	struct flow f;
	memset(&f, 0, sizeof(f));
	ip4(&f.src, 1, 2, 3, 4);
	ip4(&f.dst, 5, 6, 7, 8);
	f.ip_proto = 1;
	f.ip_version = 4;
	f.icmp_type = 8;
	f.icmp_code = 0;
	f.sp = 8;
	f.flow_id = 7;
	f.start_usec = f.last_usec = T0 * USEC_PER_SEC;
	f.end_reason = FLOW_END_FORCED;
	f.state = FLOW_STATE_ESTABLISHED;
	eve_log_flow(e, &f);

	f.ip_proto = 253; /* unnamed protocol: number as a string, no ports */
	eve_log_flow(e, &f);

	ip6(&f.src, "fe80:1:203:405:607:809:a0b:c0d");
	ip6(&f.dst, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d");
	f.ip_version = 6;
	f.ip_proto = 58;
	f.icmp_type = 128;
	eve_log_flow(e, &f);

	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 3);
	json_t *r = rs.r[0];
	assert_str_field(r, "proto", "ICMP");
	assert_absent(r, "src_port");
	assert_absent(r, "dest_port");
	assert_int_field(r, "icmp_type", 8);
	assert_int_field(r, "icmp_code", 0);
	assert_str_field(r, "flow.reason", "forced");
	assert_str_field(r, "flow.state", "established");
	assert_str_field(r, "community_id", "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");

	r = rs.r[1];
	assert_str_field(r, "proto", "253");
	assert_absent(r, "src_port");
	assert_absent(r, "icmp_type");
	assert_true(json_is_string(jget(r, "community_id")));

	r = rs.r[2];
	assert_str_field(r, "proto", "IPv6-ICMP");
	assert_int_field(r, "ip_v", 6);
	assert_int_field(r, "icmp_type", 128);
	assert_str_field(r, "community_id", "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
	records_free(&rs);
}

static void test_eve_community_id_tcp(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.community_id = true;
	cfg.community_id_seed = 1;
	struct eve *e = eve_start(&cfg);
	struct flow f = make_tcp_flow();
	ip4(&f.src, 5, 6, 7, 8); /* the server side first: the id must not depend on direction */
	ip4(&f.dst, 1, 2, 3, 4);
	f.sp = 3344;
	f.dp = 1122;
	eve_log_flow(e, &f);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	assert_str_field(rs.r[0], "community_id", "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");
	records_free(&rs);
}

static struct packet make_packet(void)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ts_usec = (T0 + 1) * USEC_PER_SEC + 5;
	p.pcap_cnt = 17;
	p.ip_version = 4;
	ip4(&p.src, 192, 0, 2, 1);
	ip4(&p.dst, 198, 51, 100, 7);
	p.ip_proto = 6;
	p.sp = 1025;
	p.dp = 443;
	return p;
}

static void test_eve_anomaly_records(void **state)
{
	(void)state;
	struct eve *e = eve_start(NULL);
	eve_set_pcap_filename(e, "/data/in\"put\xff.pcap");
	struct packet p = make_packet();
	p.event_count = 2;
	p.events[0] = DECODE_EVENT_IPV4_OPT_PAD_REQUIRED;
	p.events[1] = DECODE_EVENT_TCP_OPT_INVALID_LEN;
	p.vlan_count = 1;
	p.vlan_id[0] = 4094;
	eve_log_anomalies(e, &p);

	/* a frame that stopped below IP: no tuple at all */
	struct packet q;
	memset(&q, 0, sizeof(q));
	q.ts_usec = T0 * USEC_PER_SEC;
	q.pcap_cnt = 18;
	q.event_count = 1;
	q.events[0] = DECODE_EVENT_ETHERNET_PKT_TOO_SMALL;
	eve_log_anomalies(e, &q);

	/* an out-of-range event number is skipped, not logged with a made-up name */
	q.events[0] = 0xffff;
	eve_log_anomalies(e, &q);

	/* a pseudo packet (flow end) says so in pkt_src */
	struct packet ps = make_packet();
	ps.flags |= PKT_F_PSEUDO;
	ps.event_count = 1;
	ps.events[0] = DECODE_EVENT_TCP_OPT_INVALID_LEN;
	eve_log_anomalies(e, &ps);

	struct eve_counters c;
	eve_get_counters(e, &c);
	assert_int_equal(c.records[EVE_TYPE_ANOMALY], 4);

	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 4);
	assert_str_field(rs.r[3], "pkt_src", "stream (flow timeout)");
	json_t *r = rs.r[0];
	assert_str_field(r, "event_type", "anomaly");
	assert_str_field(r, "timestamp", "2023-11-14T22:13:21.000005+0000");
	assert_int_field(r, "pcap_cnt", 17);
	assert_str_field(r, "pkt_src", "wire/pcap");
	assert_str_field(r, "pcap_filename", "/data/in\"put\xc3\xbf.pcap"); /* \u00ff */
	assert_str_field(r, "src_ip", "192.0.2.1");
	assert_int_field(r, "dest_port", 443);
	assert_int_field(r, "vlan.0", 4094);
	assert_str_field(r, "anomaly.type", "decode");
	assert_str_field(r, "anomaly.event", "decoder.ipv4.opt_pad_required");
	assert_absent(r, "flow_id");
	assert_str_field(rs.r[1], "anomaly.event", "decoder.tcp.opt_invalid_len");
	r = rs.r[2];
	assert_str_field(r, "anomaly.event", "decoder.ethernet.pkt_too_small");
	assert_int_field(r, "pcap_cnt", 18);
	assert_absent(r, "src_ip");
	assert_absent(r, "proto");
	records_free(&rs);
}

static void test_eve_anomaly_header_details(void **state)
{
	(void)state;
	struct eve *e = eve_start(NULL);
	struct flow f = make_tcp_flow();
	struct packet p = make_packet();
	/* interface name with a quote, a control byte and invalid UTF-8 */
	p.iface = "eth\"0\x01\xfe";
	p.flow = &f;
	p.flags = PKT_F_TUNNELED;
	p.outer_ip_proto = 47;
	ip4(&p.outer_src, 10, 9, 9, 9);
	p.ip_proto = 58;
	p.ip_version = 6;
	ip6(&p.src, "::1");
	ip6(&p.dst, "ff02::1");
	p.l4_hdr = (const uint8_t *)"x";
	p.icmp_type = 135;
	p.icmp_code = 3;
	p.event_count = 1;
	p.events[0] = DECODE_EVENT_ICMPV6_UNKNOWN_CODE;
	eve_log_anomalies(e, &p);

	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	json_t *r = rs.r[0];
	assert_str_field(r, "in_iface", "eth\"0\x01\xc3\xbe");
	assert_int_field(r, "flow_id", 1234567890123LL);
	assert_str_field(r, "pkt_src", "gre tunnel");
	assert_str_field(r, "proto", "IPv6-ICMP");
	assert_int_field(r, "icmp_type", 135);
	assert_int_field(r, "icmp_code", 3);
	assert_absent(r, "src_port");
	assert_str_field(r, "src_ip", "0000:0000:0000:0000:0000:0000:0000:0001");
	assert_str_field(r, "anomaly.event", "decoder.icmpv6.unknown_code");
	records_free(&rs);
}

/* Reassembly events: logged only with anomaly.types.stream (Suricata's default is off), named
 * "stream." + keyword; defrag events carried the same way are decoder events. */
static void test_eve_anomaly_stream(void **state)
{
	(void)state;
	struct packet p = make_packet();
	struct flow f = make_tcp_flow();
	p.flow = &f;
	static const uint8_t frame[40] = { 0x45, 0x00, 0x00, 0x28 };
	p.data = frame;
	p.caplen = p.wirelen = sizeof(frame);
	p.linktype = LINKTYPE_RAW;
	p.stream_event_count = 3;
	p.stream_events[0] = STREAM_EVENT_STREAM_PKT_INVALID_ACK;
	p.stream_events[1] = STREAM_EVENT_DEFRAG_IPV4_FRAG_OVERLAP;
	p.stream_events[2] = 0xfff0; /* unknown: skipped */

	struct eve_config cfg;
	eve_config_defaults(&cfg);
	assert_false(cfg.anomaly_stream);
	cfg.anomaly_decode = false;
	struct eve *e = eve_start(&cfg);
	eve_log_stream_anomalies(e, &p); /* neither kind enabled: nothing */
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 0);

	cfg.anomaly_stream = true;
	cfg.anomaly_decode = true;
	cfg.anomaly_packethdr = true;
	e = eve_start(&cfg);
	eve_log_stream_anomalies(e, &p);
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 2);
	json_t *r = rs.r[0];
	assert_str_field(r, "event_type", "anomaly");
	assert_str_field(r, "anomaly.type", "stream");
	assert_str_field(r, "anomaly.event", "stream.pkt_invalid_ack");
	assert_int_field(r, "flow_id", 1234567890123LL);
	assert_int_field(r, "src_port", 1025);
	assert_absent(r, "anomaly.layer");
	assert_non_null(jget(r, "packet_info"));
	assert_str_field(r, "packet", "RQAAKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); /* first 32 bytes */
	r = rs.r[1];
	assert_str_field(r, "anomaly.type", "decode");
	assert_str_field(r, "anomaly.event", "decoder.ipv4.frag_overlap");
	records_free(&rs);

	/* stream on, decode off: only the reassembly event */
	cfg.anomaly_decode = false;
	e = eve_start(&cfg);
	eve_log_stream_anomalies(e, &p);
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	assert_str_field(rs.r[0], "anomaly.event", "stream.pkt_invalid_ack");
	records_free(&rs);
}

/* App-layer events: detection events with layer proto_detect and no tx_id, parser events with
 * layer proto_parser and the transaction's id, named as Suricata's parsers name them. */
static void test_eve_anomaly_applayer(void **state)
{
	(void)state;
	struct packet p = make_packet();
	struct flow f = make_tcp_flow();
	p.flow = &f;
	p.flow_dir = FLOW_DIR_TO_CLIENT;
	struct app_result ar;
	memset(&ar, 0, sizeof(ar));
	ar.proto = APP_PROTO_HTTP;
	ar.n_events = 4;
	ar.events[0].event = APP_EVENT_MISMATCH_PROTOCOL_BOTH_DIRECTIONS;
	ar.events[1].event = APP_EVENT_HTTP_REQUEST_FIELD_MISSING_COLON;
	ar.events[1].has_tx = true;
	ar.events[1].tx_id = 3;
	ar.events[2].event = APP_EVENT_DNS_MALFORMED_DATA;
	ar.events[2].has_tx = true;
	ar.events[3].event = APP_EVENT_MAX; /* out of range: skipped */

	struct eve_config cfg;
	eve_config_defaults(&cfg);
	assert_true(cfg.anomaly_applayer); /* Suricata's default */
	struct eve *e = eve_start(&cfg);
	eve_log_app_anomalies(e, &p, &f, &ar, p.ts_usec);
	eve_log_app_anomalies(e, NULL, &f, &ar, f.last_usec); /* flow end: the flow's tuple */
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 6);
	json_t *r = rs.r[0];
	assert_str_field(r, "anomaly.type", "applayer");
	assert_str_field(r, "anomaly.event", "APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS");
	assert_str_field(r, "anomaly.layer", "proto_detect");
	assert_str_field(r, "anomaly.app_proto", "http");
	assert_absent(r, "tx_id");
	assert_str_field(r, "src_ip", "192.0.2.1"); /* the packet's own tuple */
	assert_int_field(r, "pcap_cnt", 17);
	r = rs.r[1];
	assert_str_field(r, "anomaly.event", "REQUEST_FIELD_MISSING_COLON");
	assert_str_field(r, "anomaly.layer", "proto_parser");
	assert_int_field(r, "tx_id", 3);
	assert_str_field(rs.r[2], "anomaly.event", "malformed_data");
	assert_int_field(rs.r[2], "tx_id", 0);
	r = rs.r[3];
	assert_str_field(r, "src_ip", "10.0.0.1"); /* client first */
	assert_int_field(r, "dest_port", 80);
	assert_absent(r, "pcap_cnt");
	assert_str_field(r, "timestamp", "2023-11-14T22:13:27.000100+0000");
	records_free(&rs);

	cfg.anomaly_applayer = false;
	e = eve_start(&cfg);
	eve_log_app_anomalies(e, &p, &f, &ar, p.ts_usec);
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 0);
}

/* ethernet: yes adds the packet's MACs; records with the flow's tuple keep the client's MAC as
 * src_mac whichever way the packet went. */
static void test_eve_ether(void **state)
{
	(void)state;
	static const uint8_t client[6] = { 0x00, 0x25, 0x90, 0xe3, 0xd2, 0xe1 };
	static const uint8_t server[6] = { 0x0c, 0x86, 0x10, 0xed, 0xd7, 0xc6 };
	struct flow f = make_tcp_flow();
	struct packet p = make_packet();
	p.flow = &f;
	p.flags |= PKT_F_HAS_ETH;
	p.eth_src = server;
	p.eth_dst = client;
	p.flow_dir = FLOW_DIR_TO_CLIENT;
	p.event_count = 1;
	p.events[0] = DECODE_EVENT_IPV4_OPT_PAD_REQUIRED;

	struct eve_config cfg;
	eve_config_defaults(&cfg);
	assert_false(cfg.ethernet);
	struct eve *e = eve_start(&cfg);
	eve_log_anomalies(e, &p);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 1);
	assert_absent(rs.r[0], "ether");
	records_free(&rs);

	cfg.ethernet = true;
	e = eve_start(&cfg);
	eve_log_anomalies(e, &p); /* a packet record: the packet's own MACs */
	struct jbuf *j = eve_jbuf(e);
	eve_begin_flow_record(e, j, "flow", p.ts_usec, &p, &f); /* flow direction: swapped */
	eve_end_record(e, j, EVE_TYPE_FLOW);
	p.flags &= ~PKT_F_HAS_ETH; /* e.g. a Linux cooked capture: nothing to log */
	eve_log_anomalies(e, &p);
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 3);
	assert_str_field(rs.r[0], "ether.src_mac", "0c:86:10:ed:d7:c6");
	assert_str_field(rs.r[0], "ether.dest_mac", "00:25:90:e3:d2:e1");
	assert_str_field(rs.r[1], "ether.src_mac", "00:25:90:e3:d2:e1");
	assert_str_field(rs.r[1], "ether.dest_mac", "0c:86:10:ed:d7:c6");
	assert_absent(rs.r[2], "ether");
	records_free(&rs);
}

/* Flow records with ethernet: yes list the flow's MACs per side (client's first), each once,
 * at most EVE_FLOW_MACS of them; without ethernet, or without MACs, there is no "ether". */
static void test_eve_flow_macs(void **state)
{
	(void)state;
	static const uint8_t client[6] = { 0x00, 0x25, 0x90, 0xe3, 0xd2, 0xe1 };
	static const uint8_t server[6] = { 0x0c, 0x86, 0x10, 0xed, 0xd7, 0xc6 };
	struct flow f = make_tcp_flow();
	struct packet p = make_packet();
	p.flags |= PKT_F_HAS_ETH;
	p.eth_src = client;
	p.eth_dst = server;
	p.flow_dir = FLOW_DIR_TO_SERVER;
	eve_flow_note_macs(&f, &p);
	p.eth_src = server; /* the answer: the same two MACs, the other way */
	p.eth_dst = client;
	p.flow_dir = FLOW_DIR_TO_CLIENT;
	eve_flow_note_macs(&f, &p);
	uint8_t other[EVE_FLOW_MACS + 2][6];
	for (int i = 0; i < EVE_FLOW_MACS + 2; i++) { /* more routers than are kept */
		memcpy(other[i], server, 6);
		other[i][5] = (uint8_t)(0x10 + i);
		p.eth_src = other[i];
		eve_flow_note_macs(&f, &p);
	}
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	struct eve *e = eve_start(&cfg);
	eve_log_flow(e, &f); /* ethernet: no */
	struct records rs;
	eve_finish(e, &rs);
	assert_absent(rs.r[0], "ether");
	records_free(&rs);
	cfg.ethernet = true;
	e = eve_start(&cfg);
	eve_log_flow(e, &f);
	struct flow bare = make_tcp_flow(); /* no MACs seen (a cooked capture) */
	eve_log_flow(e, &bare);
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 2);
	json_t *src = jget(rs.r[0], "ether.src_macs"), *dst = jget(rs.r[0], "ether.dest_macs");
	assert_true(json_is_array(src) && json_is_array(dst));
	assert_int_equal(json_array_size(src), 1);
	assert_string_equal(json_string_value(json_array_get(src, 0)), "00:25:90:e3:d2:e1");
	assert_int_equal(json_array_size(dst), EVE_FLOW_MACS);
	assert_string_equal(json_string_value(json_array_get(dst, 0)), "0c:86:10:ed:d7:c6");
	assert_string_equal(json_string_value(json_array_get(dst, 1)), "0c:86:10:ed:d7:10");
	assert_absent(rs.r[1], "ether");
	records_free(&rs);
	eve_flow_free(&f);
	assert_null(f.log);
}

static void test_eve_types_disabled(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.anomaly_decode = false;
	cfg.types[EVE_TYPE_FLOW] = false;
	cfg.types[EVE_TYPE_STATS] = false;
	struct eve *e = eve_start(&cfg);
	struct packet p = make_packet();
	p.event_count = 1;
	p.events[0] = DECODE_EVENT_IPV4_TRUNC_PKT;
	eve_log_anomalies(e, &p);
	struct flow f = make_tcp_flow();
	eve_log_flow(e, &f);
	struct aegis_stats s;
	memset(&s, 0, sizeof(s));
	eve_log_stats(e, &s);
	struct eve_counters c;
	eve_get_counters(e, &c);
	assert_int_equal(c.records[EVE_TYPE_ANOMALY] + c.records[EVE_TYPE_FLOW] +
				 c.records[EVE_TYPE_STATS], 0);
	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 0);
}

static void test_eve_stats(void **state)
{
	(void)state;
	struct eve *e = eve_start(NULL);
	struct aegis_stats s;
	memset(&s, 0, sizeof(s));
	s.ts_usec = (T0 + 60) * USEC_PER_SEC;
	s.uptime_s = 61;
	s.capture.packets = 1000;
	s.capture.kernel_drops = 3;
	s.decode.pkts = 1000;
	s.decode.bytes = 150000;
	s.decode.ipv4 = 900;
	s.decode.ipv6 = 100;
	s.decode.tcp = 700;
	s.decode.vlan = 12;
	s.decode.max_pkt_size = 1514;
	s.decode.events[DECODE_EVENT_IPV4_PKT_TOO_SMALL] = 4;
	s.decode.events[DECODE_EVENT_GRE_VERSION1_NO_KEY] = 2;
	s.decode.events[DECODE_EVENT_TOO_MANY_LAYERS] = 1;
	s.decode.events[DECODE_EVENT_TCP_CHECKSUM_INVALID] = 9;
	s.flow.created = 77;
	s.flow.active = 5;
	s.flow.tcp = 50;
	s.flow.memcap_refused = 2;
	s.flow.emergency_mode_entered = 1;
	s.flow.memuse = 123456;
	s.flow.timed_out = 70;
	s.flow.tcp_sessions = 40;
	eve_log_stats(e, &s);

	/* a file source has no kernel counters: no "capture" object; IPS mode adds stats.ips */
	s.capture.files_read = 1;
	s.ts_usec = 0; /* wall clock */
	s.ips = true;
	s.ips_counters.accepted = 990;
	s.ips_counters.blocked = 10;
	s.ips_counters.drop_reason[EVE_DROP_RULES] = 7;
	s.ips_counters.drop_reason[EVE_DROP_FLOW] = 3;
	eve_log_stats(e, &s);

	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 2);
	json_t *r = rs.r[0];
	assert_str_field(r, "event_type", "stats");
	assert_str_field(r, "timestamp", "2023-11-14T22:14:20.000000+0000");
	assert_absent(r, "src_ip");
	assert_int_field(r, "stats.uptime", 61);
	assert_int_field(r, "stats.capture.kernel_packets", 1000);
	assert_int_field(r, "stats.capture.kernel_drops", 3);
	assert_int_field(r, "stats.decoder.pkts", 1000);
	assert_int_field(r, "stats.decoder.bytes", 150000);
	assert_int_field(r, "stats.decoder.avg_pkt_size", 150);
	assert_int_field(r, "stats.decoder.max_pkt_size", 1514);
	assert_int_field(r, "stats.decoder.vlan", 12);
	assert_int_field(r, "stats.decoder.too_many_layers", 1);
	assert_int_field(r, "stats.decoder.event.ipv4.pkt_too_small", 4);
	assert_int_field(r, "stats.decoder.event.ipv4.trunc_pkt", 0);
	assert_int_field(r, "stats.decoder.event.gre.version1_no_key", 2);
	assert_int_field(r, "stats.decoder.event.icmpv6.mld_message_with_invalid_hl", 0);
	assert_absent(r, "stats.decoder.event.tcp.checksum_invalid");
	assert_int_field(r, "stats.tcp.invalid_checksum", 9);
	assert_int_field(r, "stats.tcp.sessions", 40);
	assert_int_field(r, "stats.flow.total", 77);
	assert_int_field(r, "stats.flow.active", 5);
	assert_int_field(r, "stats.flow.memcap", 2);
	assert_int_field(r, "stats.flow.emerg_mode_entered", 1);
	assert_int_field(r, "stats.flow.memuse", 123456);
	assert_int_field(r, "stats.flow.mgr.flows_timeout", 70);
	assert_absent(r, "stats.ips"); /* IDS */
	assert_absent(rs.r[1], "stats.capture");
	assert_int_field(rs.r[1], "stats.decoder.pkts", 1000);
	assert_int_field(rs.r[1], "stats.ips.accepted", 990);
	assert_int_field(rs.r[1], "stats.ips.blocked", 10);
	assert_int_field(rs.r[1], "stats.ips.drop_reason.rules", 7);
	assert_int_field(rs.r[1], "stats.ips.drop_reason.flow_drop", 3);
	assert_int_field(rs.r[1], "stats.ips.drop_reason.threshold_detection_filter", 0);
	assert_absent(rs.r[1], "stats.ips.drop_reason.default_packet_policy");
	records_free(&rs);
}

static size_t count_char(const char *s, size_t n, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

/* A listening UNIX socket of `type` at g_dir/name (path returned in path). */
static int unix_listener(int type, const char *name, char *path, size_t pathlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(path, pathlen, "%s/%s", g_dir, name);
	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

/* filetype unix_stream: the records arrive as lines on the connection; a reader that goes
 * away costs the records written meanwhile (counted, reported), not the run. */
static void test_eve_unix_stream(void **state)
{
	(void)state;
	char path[200];
	int lfd = unix_listener(SOCK_STREAM, "eve.sock", path, sizeof(path));
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.filetype = EVE_FILETYPE_UNIX_STREAM;
	util_strlcpy(cfg.filename, "eve.sock", sizeof(cfg.filename));
	struct eve *e = NULL;
	char err[256] = "";
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0);
	int cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	struct flow f = make_tcp_flow();
	eve_log_flow(e, &f);
	eve_log_flow(e, &f);
	assert_int_equal(eve_flush(e, err, sizeof(err)), 0);
	char buf[8192];
	size_t got = 0, lines = 0;
	while (lines < 2) { /* read until both records are in */
		ssize_t r = recv(cfd, buf + got, sizeof(buf) - 1 - got, 0);
		assert_true(r > 0);
		lines += count_char(buf + got, (size_t)r, '\n');
		got += (size_t)r;
	}
	buf[got] = '\0';
	char *second = strchr(buf, '\n') + 1;
	json_error_t jerr;
	json_t *r = json_loadb(buf, (size_t)(second - buf), 0, &jerr);
	assert_non_null(r);
	assert_str_field(r, "event_type", "flow");
	json_decref(r);
	assert_non_null(strchr(second, '\n'));
	/* the reader goes away: the next records are lost and reported */
	close(cfd);
	close(lfd);
	unlink(path);
	for (int i = 0; i < 3; i++) {
		eve_log_flow(e, &f);
		eve_flush(e, NULL, 0); /* the first send may still succeed into the dead socket */
	}
	struct eve_counters c;
	eve_get_counters(e, &c);
	assert_true(c.dropped >= 1);
	assert_int_equal(eve_close(e, NULL, 0), 0);
}

/* filetype unix_dgram: one datagram per record, no newline; no reader at start-up is not an
 * error (the records are dropped and counted until one appears). */
static void test_eve_unix_dgram(void **state)
{
	(void)state;
	char path[200];
	snprintf(path, sizeof(path), "%s/dgram.sock", g_dir);
	unlink(path);
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.filetype = EVE_FILETYPE_UNIX_DGRAM;
	util_strlcpy(cfg.filename, path, sizeof(cfg.filename)); /* absolute */
	struct eve *e = NULL;
	char err[256] = "";
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0); /* no reader yet */
	struct flow f = make_tcp_flow();
	eve_log_flow(e, &f);
	assert_int_equal(eve_flush(e, err, sizeof(err)), -1);
	struct eve_counters c;
	eve_get_counters(e, &c);
	assert_int_equal(c.dropped, 1);
	assert_int_equal(eve_close(e, NULL, 0), 0);

	int lfd = unix_listener(SOCK_DGRAM, "dgram.sock", path, sizeof(path));
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0);
	eve_log_flow(e, &f);
	struct packet p = make_packet();
	struct jbuf *j = eve_jbuf(e);
	eve_begin_record(e, j, "anomaly", p.ts_usec, &p, NULL);
	eve_end_record(e, j, EVE_TYPE_ANOMALY);
	assert_int_equal(eve_close(e, err, sizeof(err)), 0);
	const char *want[2] = { "flow", "anomaly" };
	for (int i = 0; i < 2; i++) {
		char buf[8192];
		ssize_t r = recv(lfd, buf, sizeof(buf), MSG_DONTWAIT);
		assert_true(r > 0);
		assert_int_not_equal(buf[r - 1], '\n');
		json_error_t jerr;
		json_t *rec = json_loadb(buf, (size_t)r, 0, &jerr);
		assert_non_null(rec);
		assert_str_field(rec, "event_type", want[i]);
		json_decref(rec);
	}
	char b;
	assert_true(recv(lfd, &b, 1, MSG_DONTWAIT) < 0); /* nothing more */
	close(lfd);
	unlink(path);
}

static void test_eve_big_record(void **state)
{
	(void)state;
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	cfg.buffer_size = 4096; /* smaller than the record: it must bypass the buffer intact */
	struct eve *e = eve_start(&cfg);
	size_t n = 20000;
	uint8_t *payload = malloc(n);
	assert_non_null(payload);
	for (size_t i = 0; i < n; i++)
		payload[i] = (uint8_t)('a' + i % 26);
	struct flow f = make_tcp_flow();
	eve_log_flow(e, &f); /* buffered one first: order must be kept */
	struct jbuf *j = eve_jbuf(e);
	struct packet p = make_packet();
	eve_begin_record(e, j, "anomaly", p.ts_usec, &p, NULL);
	jbuf_add_printable(j, "payload_printable", payload, n);
	eve_end_record(e, j, EVE_TYPE_ANOMALY);
	eve_log_flow(e, &f);
	struct eve_counters c;
	eve_get_counters(e, &c);
	assert_int_equal(c.records[EVE_TYPE_FLOW], 2);
	assert_int_equal(c.records[EVE_TYPE_ANOMALY], 1);

	struct records rs;
	eve_finish(e, &rs);
	assert_int_equal(rs.n, 3);
	assert_str_field(rs.r[0], "event_type", "flow");
	json_t *pp = jget(rs.r[1], "payload_printable");
	assert_true(json_is_string(pp));
	assert_int_equal(json_string_length(pp), n);
	assert_memory_equal(json_string_value(pp), payload, n);
	assert_str_field(rs.r[2], "event_type", "flow");
	free(payload);
	records_free(&rs);
}

static void test_eve_truncate_vs_append(void **state)
{
	(void)state;
	char dir[] = "/tmp/aegis-eve-trunc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	util_strlcpy(cfg.filename, "t.json", sizeof(cfg.filename));
	struct flow f = make_tcp_flow();
	char err[256], path[128];
	snprintf(path, sizeof(path), "%s/t.json", dir);
	for (int round = 0; round < 3; round++) {
		cfg.append = round < 2; /* twice appending, then truncating */
		struct eve *e;
		assert_int_equal(eve_open(&e, &cfg, dir, err, sizeof(err)), 0);
		eve_log_flow(e, &f);
		assert_int_equal(eve_close(e, err, sizeof(err)), 0);
		FILE *fp = fopen(path, "r");
		assert_non_null(fp);
		int lines = 0, ch;
		while ((ch = fgetc(fp)) != EOF)
			lines += ch == '\n';
		fclose(fp);
		assert_int_equal(lines, round < 2 ? round + 1 : 1);
	}
	unlink(path);
	rmdir(dir);
}

static void test_eve_write_error(void **state)
{
	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip(); /* no /dev/full in this environment */
	struct eve_config cfg;
	eve_config_defaults(&cfg);
	util_strlcpy(cfg.filename, "/dev/full", sizeof(cfg.filename));
	struct eve *e;
	char err[256] = "";
	assert_int_equal(eve_open(&e, &cfg, g_dir, err, sizeof(err)), 0);
	struct flow f = make_tcp_flow();
	eve_log_flow(e, &f);
	eve_log_flow(e, &f);
	/* (the writer also logs this error once: expected on the test output) */
	assert_int_equal(eve_flush(e, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot write /dev/full: No space left on device");
	struct eve_counters c;
	eve_get_counters(e, &c);
	assert_int_equal(c.dropped, 2);
	assert_int_equal(c.bytes, 0);
	eve_log_flow(e, &f);
	assert_int_equal(eve_close(e, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot write /dev/full: No space left on device");
}


/* The validator must notice a record the schema forbids (else a pass would mean nothing). */
static void test_eve_validator_rejects(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "%s/bad.json", g_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"timestamp\":\"2023-11-14T22:13:20.000000+0000\",\"event_type\":\"flow\","
	      "\"flow\":{\"no_such_field\":1}}\n", f);
	fclose(f);
	int rc = run_validator(path);
	unlink(path);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 1);
}

/* Last: every record the tests above appended must satisfy Suricata's EVE schema. */
static void test_eve_schema_validation(void **state)
{
	(void)state;
	int rc = run_validator(g_path);
	if (rc < 0)
		skip();
	assert_int_equal(rc, 0);
}

static int group_setup(void **state)
{
	(void)state;
	/* Fixed zone so timestamps are predictable; EVE uses local time like Suricata. */
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(g_dir, sizeof(g_dir), "/tmp/aegis-eve-test-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(g_path, sizeof(g_path), "%s/eve.json", g_dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	/* Keep the file for inspection when asked to. */
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
		cmocka_unit_test(test_jbuf_nesting),
		cmocka_unit_test(test_jbuf_escape_controls),
		cmocka_unit_test(test_jbuf_escape_quote_backslash),
		cmocka_unit_test(test_jbuf_escaped_key),
		cmocka_unit_test(test_jbuf_utf8_valid),
		cmocka_unit_test(test_jbuf_utf8_invalid),
		cmocka_unit_test(test_jbuf_random_bytes),
		cmocka_unit_test(test_jbuf_numbers),
		cmocka_unit_test(test_jbuf_base64),
		cmocka_unit_test(test_jbuf_printable),
		cmocka_unit_test(test_jbuf_limits),
		cmocka_unit_test(test_fast_formatters),
		cmocka_unit_test(test_sha1_vectors),
		cmocka_unit_test(test_community_id_vectors),
		cmocka_unit_test(test_eve_open_errors),
		cmocka_unit_test(test_eve_defaults),
		cmocka_unit_test(test_eve_flow_tcp_ipv4),
		cmocka_unit_test(test_eve_flow_tcp_max_regions),
		cmocka_unit_test(test_eve_flow_udp_ipv6),
		cmocka_unit_test(test_eve_flow_icmp_and_other),
		cmocka_unit_test(test_eve_community_id_tcp),
		cmocka_unit_test(test_eve_anomaly_records),
		cmocka_unit_test(test_eve_anomaly_header_details),
		cmocka_unit_test(test_eve_anomaly_stream),
		cmocka_unit_test(test_eve_anomaly_applayer),
		cmocka_unit_test(test_eve_ether),
		cmocka_unit_test(test_eve_flow_macs),
		cmocka_unit_test(test_eve_types_disabled),
		cmocka_unit_test(test_eve_stats),
		cmocka_unit_test(test_eve_big_record),
		cmocka_unit_test(test_eve_unix_stream),
		cmocka_unit_test(test_eve_unix_dgram),
		cmocka_unit_test(test_eve_truncate_vs_append),
		cmocka_unit_test(test_eve_write_error),
		cmocka_unit_test(test_eve_validator_rejects),
		cmocka_unit_test(test_eve_schema_validation),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
