/*
 * test-detect-transform.c — the sticky-buffer transforms of src/detect/transform.c, one by one
 * and chained, on the thread's transform buffers (the rules that use them are tested end to end
 * in test-detect-tx.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/detect-int.h"
#include "util/util.h"

/* Run the named transforms over `in`; the result as a NUL-terminated string in out. */
static bool run(const char *const *names, size_t n, const char *in, char *out, size_t cap,
		uint32_t *outlen)
{
	struct detect_thread t;
	memset(&t, 0, sizeof(t));
	struct det_prog prog;
	memset(&prog, 0, sizeof(prog));
	for (size_t i = 0; i < n; i++) {
		int tr = det_transform_lookup(names[i]);
		assert_true(tr > 0);
		prog.tr[prog.n_tr++] = (uint8_t)tr;
	}
	const uint8_t *d = (const uint8_t *)in;
	uint32_t len = (uint32_t)strlen(in);
	bool ok = det_transform_run(&t, &prog, &d, &len);
	if (ok) {
		assert_true(len < cap);
		memcpy(out, d, len);
		out[len] = 0;
		*outlen = len;
	}
	free(t.tr_buf[0]);
	free(t.tr_buf[1]);
	return ok;
}

static void expect(const char *name, const char *in, const char *want)
{
	char out[256];
	uint32_t len;
	assert_true(run(&name, 1, in, out, sizeof(out), &len));
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
}

static void test_lookup(void **state)
{
	(void)state;
	assert_int_equal(det_transform_lookup("dotprefix"), DET_TR_DOTPREFIX);
	assert_int_equal(det_transform_lookup("to_sha256"), DET_TR_TO_SHA256);
	assert_int_equal(det_transform_lookup("xor"), -1);
	assert_int_equal(det_transform_lookup("pcrexform"), -1);
	assert_int_equal(det_transform_lookup(NULL), -1);
}

static void test_text_transforms(void **state)
{
	(void)state;
	expect("dotprefix", "example.com", ".example.com");
	expect("dotprefix", "", ".");
	expect("to_lowercase", "AbC-1", "abc-1");
	expect("to_uppercase", "AbC-1", "ABC-1");
	expect("strip_whitespace", " a \t b\r\n c ", "abc");
	/* a run of whitespace keeps its first character */
	expect("compress_whitespace", "a  \t b\r\n\nc", "a b\rc");
	expect("compress_whitespace", "abc", "abc");
	expect("url_decode", "a%20b+c%2f%zz%4", "a b c/%zz%4");
	expect("header_lowercase", "Host: A.B\r\nX-Thing: Value\r\n", "host: A.B\r\nx-thing: Value\r\n");
	expect("strip_pseudo_headers", ":method: GET\r\nHost: a\r\n:path: /\r\n", "Host: a\r\n");
}

static void test_digests(void **state)
{
	(void)state;
	char out[64];
	uint32_t len;
	const char *n = "to_sha256";
	assert_true(run(&n, 1, "abc", out, sizeof(out), &len));
	assert_int_equal(len, UTIL_SHA256_LEN);
	uint8_t want[UTIL_SHA256_LEN];
	util_sha256_digest("abc", 3, want);
	assert_memory_equal(out, want, UTIL_SHA256_LEN);
	/* FIPS 180-2 example: SHA-256("abc") starts ba 78 16 bf */
	assert_int_equal((uint8_t)out[0], 0xba);
	assert_int_equal((uint8_t)out[3], 0xbf);
	n = "to_md5";
	assert_true(run(&n, 1, "", out, sizeof(out), &len));
	assert_int_equal(len, UTIL_MD5_LEN);
	assert_int_equal((uint8_t)out[0], 0xd4); /* MD5("") = d41d8cd9... */
	assert_int_equal((uint8_t)out[1], 0x1d);
	n = "to_sha1";
	assert_true(run(&n, 1, "abc", out, sizeof(out), &len));
	assert_int_equal(len, UTIL_SHA1_LEN);
	assert_int_equal((uint8_t)out[0], 0xa9); /* SHA-1("abc") = a9993e36... */
}

/* Transforms chain in rule order, each on the previous one's output (two buffers in turn). */
static void test_chain(void **state)
{
	(void)state;
	char out[256];
	uint32_t len;
	const char *c1[] = { "strip_whitespace", "to_lowercase", "dotprefix" };
	assert_true(run(c1, 3, " Ex AMPLE. com ", out, sizeof(out), &len));
	assert_string_equal(out, ".example.com");
	const char *c2[] = { "url_decode", "compress_whitespace", "to_uppercase", "dotprefix" };
	assert_true(run(c2, 4, "a%20%20b", out, sizeof(out), &len));
	assert_string_equal(out, ".A B");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_text_transforms),
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
