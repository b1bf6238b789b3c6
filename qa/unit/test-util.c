/*
 * test-util.c — unit tests of src/util: addresses, hashing, sizes and numbers, base64 (RFC 4648
 * vectors), the EVE timestamp format and bounded string copies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/util.h"

static void test_addr_parse_format(void **state)
{
	(void)state;
	struct ip_addr a;
	char buf[IP_ADDR_STRLEN];
	assert_int_equal(ip_addr_parse("192.0.2.1", &a), 0);
	assert_int_equal(a.family, 4);
	assert_string_equal(ip_addr_to_str(&a, buf, sizeof(buf)), "192.0.2.1");
	for (int i = 4; i < 16; i++)
		assert_int_equal(a.b[i], 0); /* memcmp-comparable */
	assert_int_equal(ip_addr_parse("2001:db8:0:0:0:0:0:1", &a), 0);
	assert_int_equal(a.family, 6);
	assert_string_equal(ip_addr_to_str(&a, buf, sizeof(buf)), "2001:db8::1");
	assert_int_equal(ip_addr_parse("300.1.1.1", &a), -1);
	assert_int_equal(ip_addr_parse("", &a), -1);
	assert_int_equal(ip_addr_parse("1.2.3", &a), -1);
}

static void test_addr_cmp(void **state)
{
	(void)state;
	struct ip_addr a, b, c;
	ip_addr_parse("10.0.0.1", &a);
	ip_addr_parse("10.0.0.2", &b);
	ip_addr_parse("::a00:1", &c);
	assert_true(ip_addr_cmp(&a, &b) < 0);
	assert_true(ip_addr_cmp(&b, &a) > 0);
	assert_int_equal(ip_addr_cmp(&a, &a), 0);
	assert_true(ip_addr_cmp(&a, &c) != 0); /* families differ */
}

static void test_hash(void **state)
{
	(void)state;
	const char *s = "aegis flow key";
	uint32_t h1 = util_hash32(s, strlen(s), 1);
	assert_int_equal(h1, util_hash32(s, strlen(s), 1));
	assert_int_not_equal(h1, util_hash32(s, strlen(s), 2));
	assert_int_not_equal(h1, util_hash32(s, strlen(s) - 1, 1));
	/* every tail length (0..3 leftover bytes) is mixed in */
	uint32_t seen[8];
	for (int n = 0; n < 8; n++) {
		seen[n] = util_hash32(s, (size_t)n, 7);
		for (int m = 0; m < n; m++)
			assert_int_not_equal(seen[n], seen[m]);
	}
	/* FNV-1a 64 of "a" with seed 0 is the published value */
	assert_true(util_hash64("a", 1, 0) == 0xaf63dc4c8601ec8cULL);
	/* a 16-bit spread check: 65536 keys into 256 buckets, none empty or over 3x the mean */
	unsigned buckets[256] = { 0 };
	for (uint32_t i = 0; i < 65536; i++)
		buckets[util_hash32(&i, sizeof(i), 42) & 255]++;
	for (int i = 0; i < 256; i++)
		assert_true(buckets[i] > 0 && buckets[i] < 768);
}

static void test_parse_size(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(util_parse_size("1024", &v), 0);
	assert_true(v == 1024);
	assert_int_equal(util_parse_size("64mb", &v), 0);
	assert_true(v == 64ULL << 20);
	assert_int_equal(util_parse_size("1GB", &v), 0);
	assert_true(v == 1ULL << 30);
	assert_int_equal(util_parse_size("512 kb", &v), 0);
	assert_true(v == 512ULL << 10);
	assert_int_equal(util_parse_size("1.5mb", &v), 0);
	assert_true(v == 3ULL << 19);
	assert_int_equal(util_parse_size("lots", &v), -1);
	assert_int_equal(util_parse_size("12tb", &v), -1);
	assert_int_equal(util_parse_size("-1", &v), -1);
	assert_int_equal(util_parse_size(NULL, &v), -1);
}

static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(util_parse_u64("65535", 65535, &v), 0);
	assert_true(v == 65535);
	assert_int_equal(util_parse_u64("65536", 65535, &v), -1);
	assert_int_equal(util_parse_u64("12a", 100, &v), -1);
	assert_int_equal(util_parse_u64("-3", 100, &v), -1);
	assert_int_equal(util_parse_u64("99999999999999999999999", UINT64_MAX, &v), -1);
}

static void test_base64(void **state)
{
	(void)state;
	/* RFC 4648 section 10 */
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					   "Zm9vYmFy" };
	char buf[32];
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		long n = util_base64_encode((const uint8_t *)in[i], strlen(in[i]), buf, sizeof(buf));
		assert_int_equal(n, (long)strlen(out[i]));
		assert_string_equal(buf, out[i]);
	}
	assert_int_equal(util_base64_encode((const uint8_t *)"foobar", 6, buf, 8), -1);
}

static void test_timestamp(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	char buf[64];
	util_format_timestamp(1468449727011401ULL, buf, sizeof(buf));
	assert_string_equal(buf, "2016-07-13T22:42:07.011401+0000");
	util_format_timestamp(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000000+0000");
	/* the per-second cache must not leak a previous second's fields */
	util_format_timestamp(1468449728000001ULL, buf, sizeof(buf));
	assert_string_equal(buf, "2016-07-13T22:42:08.000001+0000");
}

static void test_strlcpy(void **state)
{
	(void)state;
	char buf[4];
	assert_int_equal(util_strlcpy(buf, "abcdef", sizeof(buf)), 6);
	assert_string_equal(buf, "abc");
	assert_int_equal(util_strlcpy(buf, "ab", sizeof(buf)), 2);
	assert_string_equal(buf, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse_format), cmocka_unit_test(test_addr_cmp),
		cmocka_unit_test(test_hash),              cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_u64),         cmocka_unit_test(test_base64),
		cmocka_unit_test(test_timestamp),         cmocka_unit_test(test_strlcpy),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
