/*
 * test-detect.c — unit tests of the detection engine's payload inspection: content and every
 * modifier (nocase, offset, depth, distance, within, startswith, endswith, negation), relative
 * matching with backtracking and its recursion bound, fast_pattern (only, chop, choice), pcre
 * flags, byte_test/jump/extract/math with variables, isdataat, dsize, bsize and
 * base64_decode/base64_data. Each test builds an engine from rule text and runs hand-made
 * packets through detect_packet().
 */
#include "stream/stream.h"
#include "test-detect-helpers.h"

/* ---- content ----------------------------------------------------------------------------- */

static void test_content_basic(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"abc\";", "xxabcxx"));
	assert_false(opts_match("content:\"abc\";", "xxabxcx"));
	assert_true(opts_match("content:\"|00 01|ab\";", "\x00\x01" "ab") == false);
	assert_true(opts_match_len("content:\"|00 01|ab\";", "z\x00\x01" "ab", 5));
}

static void test_content_nocase(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"AbC\"; nocase;", "xxaBcxx"));
	assert_false(opts_match("content:\"AbC\";", "xxaBcxx"));
}

/* The content search (16 positions at a time, then the tail) against a plain search: random
 * haystacks of 1..80 bytes over a small alphabet (letters of both cases, '@' and '`', which
 * differ from 'A'/'a' by 0x20 only, and binary bytes), needles cut from them or changed in
 * one byte, with and without nocase. */
static bool naive_find(const uint8_t *h, size_t hlen, const uint8_t *n, size_t nlen, bool nocase)
{
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t k = 0;
		for (; k < nlen; k++) {
			uint8_t a = h[i + k], b = n[k];
			if (nocase) {
				a = a >= 'A' && a <= 'Z' ? (uint8_t)(a + 32) : a;
				b = b >= 'A' && b <= 'Z' ? (uint8_t)(b + 32) : b;
			}
			if (a != b)
				break;
		}
		if (k == nlen)
			return true;
	}
	return false;
}

static void test_content_search_random(void **state)
{
	(void)state;
	static const uint8_t alphabet[] = { 'a', 'A', 'b', 'B', '@', '`', 0x00, 0xc1, 0xe1, 'z' };
	uint32_t seed = 12345;
	unsigned found = 0, missed = 0;
	for (int iter = 0; iter < 300; iter++) {
		uint8_t h[80], n[24];
		seed = seed * 1103515245u + 12345u;
		size_t hlen = 1 + (seed >> 16) % 80;
		for (size_t i = 0; i < hlen; i++) {
			seed = seed * 1103515245u + 12345u;
			h[i] = alphabet[(seed >> 16) % sizeof(alphabet)];
		}
		seed = seed * 1103515245u + 12345u;
		size_t nlen = 1 + (seed >> 16) % (hlen < 24 ? hlen : 24);
		seed = seed * 1103515245u + 12345u;
		size_t at = (seed >> 16) % (hlen - nlen + 1);
		memcpy(n, h + at, nlen);
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 3 == 0)
			n[(seed >> 20) % nlen] ^= 0x20; /* the other case, or '@' <-> '`' */
		bool nocase = iter % 2;
		char opts[256], *o = opts;
		o += sprintf(o, "content:\"|");
		for (size_t i = 0; i < nlen; i++)
			o += sprintf(o, "%02x ", n[i]);
		sprintf(o, "|\";%s", nocase ? " nocase;" : "");
		bool want = naive_find(h, hlen, n, nlen, nocase);
		assert_int_equal(opts_match_len(opts, h, hlen), want);
		if (want)
			found++;
		else
			missed++;
	}
	assert_true(found > 50 && missed > 20); /* both outcomes were exercised */
}

static void test_content_offset_depth(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"abc\"; offset:2;", "xxabc"));
	assert_false(opts_match("content:\"abc\"; offset:3;", "xxabc"));
	assert_true(opts_match("content:\"abc\"; depth:5;", "xxabcyy"));
	assert_false(opts_match("content:\"abc\"; depth:4;", "xxabcyy"));
	/* depth counts from the offset */
	assert_true(opts_match("content:\"abc\"; offset:2; depth:3;", "xxabcyy"));
	assert_false(opts_match("content:\"abc\"; offset:1; depth:3;", "xxabcyy"));
}

static void test_content_distance_within(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"ab\"; content:\"cd\"; distance:2;", "ab..cd"));
	assert_false(opts_match("content:\"ab\"; content:\"cd\"; distance:3;", "ab..cd"));
	assert_true(opts_match("content:\"ab\"; content:\"cd\"; within:4;", "ab..cd"));
	assert_false(opts_match("content:\"ab\"; content:\"cd\"; within:3;", "ab..cd"));
	assert_true(opts_match("content:\"ab\"; content:\"cd\"; distance:1; within:3;", "ab..cd"));
	assert_false(opts_match("content:\"ab\"; content:\"cd\"; distance:0; within:3;",
				"ab...cd"));
	/* relative content must come after the previous match */
	assert_false(opts_match("content:\"cd\"; content:\"ab\"; distance:0;", "ab..cd"));
}

static void test_content_negative_distance(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"cd\"; content:\"ab\"; distance:-6; within:2;",
			       "ab..cd"));
	assert_false(opts_match("content:\"cd\"; content:\"ab\"; distance:-3; within:3;",
				"ab..cd"));
}

static void test_content_startswith_endswith(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"GET\"; startswith;", "GET /"));
	assert_false(opts_match("content:\"GET\"; startswith;", " GET /"));
	assert_true(opts_match("content:\"end\"; endswith;", "the end"));
	assert_false(opts_match("content:\"end\"; endswith;", "the end."));
	assert_true(opts_match("content:\"ab\"; startswith; endswith;", "ab"));
	assert_false(opts_match("content:\"ab\"; startswith; endswith;", "abab"));
	/* endswith retries only the last position: the earlier "end" does not count */
	assert_true(opts_match("content:\"x\"; content:\"end\"; distance:0; endswith;",
			       "x end end"));
}

static void test_content_negated(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"abc\"; content:!\"zzz\";", "abc"));
	assert_false(opts_match("content:\"abc\"; content:!\"zzz\";", "abczzz"));
	/* negated and relative: "b" must not directly follow an "a" */
	assert_true(opts_match("content:\"a\"; content:!\"b\"; distance:0; within:1;", "ax"));
	assert_false(opts_match("content:\"a\"; content:!\"b\"; distance:0; within:1;", "ab"));
	/* a rule of only negated content has no fast pattern but still works */
	assert_true(opts_match("content:!\"evil\";", "good"));
	assert_false(opts_match("content:!\"evil\";", "so evil"));
}

static void test_content_backtracking(void **state)
{
	(void)state;
	/* first "a" is followed by "x": the engine must retry the second "a" */
	assert_true(opts_match("content:\"a\"; content:\"b\"; distance:0; within:1;", "axab"));
	/* three levels: a..b..c where the first two a/b pairs fail at c */
	assert_true(opts_match("content:\"a\"; content:\"b\"; distance:0; within:1; "
			       "content:\"c\"; distance:0; within:1;",
			       "abxabyabc"));
	assert_false(opts_match("content:\"a\"; content:\"b\"; distance:0; within:1; "
				"content:\"c\"; distance:0; within:1;",
				"abxabyabd"));
	/* backtracking across a byte_test relative to the content */
	assert_true(opts_match("content:\"K\"; byte_test:1,=,0x37,0,relative;", "K1K7"));
}

static void test_content_recursion_limit(void **state)
{
	(void)state;
	/* many "a"s, each followed by a failing relative chain: bounded work, no match */
	char buf[4096];
	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	struct tengine te;
	te_build(&te, "alert tcp any any -> any any (content:\"a\"; content:\"a\"; distance:0; "
		      "content:\"a\"; distance:0; content:\"b\"; distance:0; sid:1;)");
	struct packet p;
	pkt_make(&p, 6, "10.0.0.1", 1, "10.0.0.2", 2, buf, strlen(buf));
	assert_false(te_fires(&te, &p, 1));
	assert_true(te.t->recursion_hits >= 1);
	te_free(&te);
}

static void test_content_byte_extract_vars(void **state)
{
	(void)state;
	/* first byte says where (offset) and how far (depth) to look */
	assert_true(opts_match("byte_extract:1,0,off,string,dec; content:\"zz\"; offset:off;",
			       "3abzz"));
	assert_false(opts_match("byte_extract:1,0,off,string,dec; content:\"zz\"; offset:off;",
				"4abzz"));
	assert_true(opts_match("byte_extract:1,0,n,string; content:\"q\"; distance:0; within:n;",
			       "2xq"));
	assert_false(opts_match("byte_extract:1,0,n,string; content:\"q\"; distance:0; within:n;",
				"1xq"));
}

/* ---- fast pattern ------------------------------------------------------------------------ */

static const struct det_rule *only_rule(const struct tengine *te)
{
	assert_int_equal(te->e->n_rules, 1);
	return &te->e->rules[0];
}

static void test_fast_pattern_explicit(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert tcp any any -> any any (content:\"longerpattern\"; "
		      "content:\"ab\"; fast_pattern; sid:1;)");
	const struct det_rule *dr = only_rule(&te);
	assert_true(dr->flags & DR_F_HAS_MPM);
	assert_int_equal(dr->fp_match, 1);
	struct packet p;
	pkt_make(&p, 6, "10.0.0.1", 1, "10.0.0.2", 2, "xxlongerpatternab", 17);
	assert_true(te_fires(&te, &p, 1));
	pkt_make(&p, 6, "10.0.0.1", 1, "10.0.0.2", 2, "xxlongerpattern", 15);
	assert_false(te_fires(&te, &p, 1));
	te_free(&te);
}

static void test_fast_pattern_choice(void **state)
{
	(void)state;
	struct tengine te;
	/* four zero bytes are common; the rare 3-byte pattern wins */
	te_build(&te, "alert tcp any any -> any any (content:\"|00 00 00 00|\"; "
		      "content:\"Xq7\"; sid:1;)");
	const struct det_rule *dr = only_rule(&te);
	assert_int_equal(dr->fp_match, 1);
	te_free(&te);
	/* a run adds nothing: five zero bytes lose to "|00 00 04|" (ET's Vuze rules), and a run
	 * of letters to two different ones */
	te_build(&te, "alert udp any any -> any any (content:\"|00 00 04|\"; depth:3; "
		      "content:\"|00 00 00 00 00|\"; distance:14; within:5; sid:1;)");
	dr = only_rule(&te);
	assert_int_equal(dr->fp_match, 0);
	te_free(&te);
	te_build(&te, "alert tcp any any -> any any (content:\"AAAAAAAA\"; content:\"xq\"; sid:1;)");
	dr = only_rule(&te);
	assert_int_equal(dr->fp_match, 1);
	te_free(&te);
	/* negated content is never the fast pattern */
	te_build(&te, "alert tcp any any -> any any (content:!\"negatedlongpattern\"; "
		      "content:\"ab\"; sid:1;)");
	dr = only_rule(&te);
	assert_int_equal(dr->fp_match, 1);
	te_free(&te);
}

static void test_fast_pattern_only(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert tcp any any -> any any (content:\"hello\"; fast_pattern:only; "
		      "sid:1;)");
	const struct det_rule *dr = only_rule(&te);
	assert_true(dr->payload.ops[0].skip);
	struct packet p;
	pkt_make(&p, 6, "10.0.0.1", 1, "10.0.0.2", 2, "say hello", 9);
	assert_true(te_fires(&te, &p, 1));
	pkt_make(&p, 6, "10.0.0.1", 1, "10.0.0.2", 2, "say hellx", 9);
	assert_false(te_fires(&te, &p, 1));
	te_free(&te);
}

static void test_fast_pattern_chop(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert tcp any any -> any any (content:\"abcdefgh\"; fast_pattern:2,3; "
		      "sid:1;)");
	const struct det_rule *dr = only_rule(&te);
	const uint8_t *pat;
	uint32_t len;
	bool nocase;
	det_fast_pattern_bytes(dr, &pat, &len, &nocase);
	assert_int_equal(len, 3);
	assert_memory_equal(pat, "cde", 3);
	struct packet p;
	/* the chopped part alone is a prefilter hit, but the full content must still match */
	pkt_make(&p, 6, "10.0.0.1", 1, "10.0.0.2", 2, "xxcdexx", 7);
	assert_false(te_fires(&te, &p, 1));
	pkt_make(&p, 6, "10.0.0.1", 1, "10.0.0.2", 2, "xabcdefghx", 10);
	assert_true(te_fires(&te, &p, 1));
	te_free(&te);
}

static void test_fast_pattern_nocase_prefilter(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"UPPER\"; nocase;", "xx upper xx"));
	assert_false(opts_match("content:\"UPPER\";", "xx upper xx"));
}

/* ---- pcre -------------------------------------------------------------------------------- */

static void test_pcre_basic(void **state)
{
	(void)state;
	assert_true(opts_match("pcre:\"/ab+c/\";", "xxabbbcxx"));
	assert_false(opts_match("pcre:\"/ab+c/\";", "xxacxx"));
	assert_true(opts_match("pcre:\"/ABC/i\";", "xabcx"));
	assert_false(opts_match("pcre:\"/ABC/\";", "xabcx"));
	assert_true(opts_match("pcre:\"/^x.*z$/s\";", "x\nyz"));
	assert_false(opts_match("pcre:\"/^x.*z$/\";", "x\nyz"));
}

static void test_pcre_relative(void **state)
{
	(void)state;
	/* R: the subject starts after the previous match, so ^ anchors there */
	assert_true(opts_match("content:\"key=\"; pcre:\"/^\\d+/R\";", "key=123"));
	assert_false(opts_match("content:\"key=\"; pcre:\"/^\\d+/R\";", "key=x123"));
	assert_false(opts_match("content:\"b\"; pcre:\"/a/R\";", "ab"));
	/* backtracking: the first "k=" is followed by letters, the second by digits */
	assert_true(opts_match("content:\"k=\"; pcre:\"/^\\d/R\";", "k=a k=7"));
	/* relative content after pcre starts at the pcre match end */
	assert_true(opts_match("pcre:\"/a\\d/\"; content:\"z\"; distance:0; within:1;", "a1za2"));
	assert_false(opts_match("pcre:\"/a\\d/\"; content:\"z\"; distance:0; within:1;",
				"a1xa2x"));
}

static void test_pcre_negated(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"abc\"; pcre:!\"/abc\\d/\";", "abcx"));
	assert_false(opts_match("content:\"abc\"; pcre:!\"/abc\\d/\";", "abc1"));
}

static void test_pcre_match_limit(void **state)
{
	(void)state;
	/* catastrophic backtracking is cut by the match limit: no match, no hang */
	char buf[64];
	memset(buf, 'a', 40);
	buf[40] = '!';
	buf[41] = '\0';
	assert_false(opts_match("pcre:\"/(a+)+$b/\";", buf));
	assert_true(opts_match("pcre:\"/(a+)+!/\";", buf));
}

/* ---- byte_* ------------------------------------------------------------------------------ */

static void test_byte_test(void **state)
{
	(void)state;
	assert_true(opts_match_len("byte_test:2,=,258,0;", "\x01\x02", 2));
	assert_true(opts_match_len("byte_test:2,=,513,0,little;", "\x01\x02", 2));
	assert_true(opts_match_len("byte_test:1,>,5,1;", "\x00\x06", 2));
	assert_false(opts_match_len("byte_test:1,>,6,1;", "\x00\x06", 2));
	assert_true(opts_match_len("byte_test:1,!=,6,1;", "\x00\x07", 2));
	assert_true(opts_match_len("byte_test:1,&,4,0;", "\x06", 1));
	assert_false(opts_match_len("byte_test:1,&,8,0;", "\x06", 1));
	/* out of the buffer: no match */
	assert_false(opts_match_len("byte_test:4,>,0,0;", "\x01\x02", 2));
}

static void test_byte_test_string_bitmask(void **state)
{
	(void)state;
	assert_true(opts_match("byte_test:3,=,123,0,string,dec;", "123x"));
	assert_true(opts_match("byte_test:2,=,255,0,string,hex;", "ffx"));
	assert_false(opts_match("byte_test:2,=,255,0,string,dec;", "ffx"));
	/* 0xAB & 0xF0 = 0xA0, shifted right by 4 = 0x0A */
	assert_true(opts_match_len("byte_test:1,=,10,0,bitmask 0xF0;", "\xab", 1));
}

static void test_byte_jump(void **state)
{
	(void)state;
	/* 0 bytes: the cursor moves by post_offset only (backwards here), as Suricata */
	assert_true(opts_match("content:\"cd\"; byte_jump:0,0,relative,post_offset -4; "
			       "pcre:\"/^abcd/R\";",
			       "xxabcdyy"));
	assert_false(opts_match("content:\"cd\"; byte_jump:0,0,relative,post_offset -3; "
				"pcre:\"/^abcd/R\";",
				"xxabcdyy"));
	assert_false(opts_match("content:\"cd\"; byte_test:0,=,0,0,relative;", "xxabcdyy"));
	/* length byte 3 skips "abc" and lands on "Z" */
	assert_true(opts_match("content:\"L\"; byte_jump:1,0,relative,string; "
			       "content:\"Z\"; distance:0; within:1;",
			       "L3abcZ"));
	assert_false(opts_match("content:\"L\"; byte_jump:1,0,relative,string; "
				"content:\"Z\"; distance:0; within:1;",
				"L2abcZ"));
	/* multiplier and post_offset */
	assert_true(opts_match_len("byte_jump:1,0,multiplier 2,post_offset 1; content:\"Q\"; "
				   "distance:0; within:1;",
				   "\x02.....Q", 7));
	/* from_beginning: the jump counts from the buffer start */
	assert_true(opts_match_len("byte_jump:1,1,from_beginning; content:\"Q\"; distance:0; "
				   "within:1;",
				   "x\x04..Q", 5));
	/* align rounds 1 up to 4 */
	assert_true(opts_match_len("byte_jump:1,0,align; content:\"Q\"; distance:0; within:1;",
				   "\x01....Q", 6));
	/* jumping past the end fails */
	assert_false(opts_match_len("byte_jump:1,0; isdataat:0,relative;", "\x50", 1));
}

static void test_byte_extract_test(void **state)
{
	(void)state;
	/* the first byte is the expected value of the second */
	assert_true(opts_match_len("byte_extract:1,0,v; byte_test:1,=,v,1;", "\x07\x07", 2));
	assert_false(opts_match_len("byte_extract:1,0,v; byte_test:1,=,v,1;", "\x07\x08", 2));
	/* byte_extract moves the cursor past the bytes it read */
	assert_true(opts_match_len("byte_extract:2,0,len; content:\"A\"; distance:0; within:1;",
				   "\x00\x05" "A", 3));
}

static void test_byte_math(void **state)
{
	(void)state;
	assert_true(opts_match_len("byte_math:bytes 1,offset 0,oper +,rvalue 2,result r; "
				   "byte_test:1,=,r,1;",
				   "\x03\x05", 2));
	assert_false(opts_match_len("byte_math:bytes 1,offset 0,oper *,rvalue 2,result r; "
				    "byte_test:1,=,r,1;",
				    "\x03\x05", 2));
	assert_true(opts_match_len("byte_math:bytes 1,offset 0,oper <<,rvalue 1,result r; "
				   "byte_test:1,=,r,1;",
				   "\x03\x06", 2));
}

static void test_byte_nbytes_var(void **state)
{
	(void)state;
	/* the first byte says how many bytes the length field has (2), which says 3 */
	assert_true(opts_match_len("byte_extract:1,0,n; byte_jump:n,0,relative; "
				   "content:\"Z\"; distance:0; within:1;",
				   "\x02\x00\x03" "abcZ", 7));
	assert_false(opts_match_len("byte_extract:1,0,n; byte_jump:n,0,relative; "
				    "content:\"Z\"; distance:0; within:1;",
				    "\x02\x00\x02" "abcZ", 7));
	assert_true(opts_match_len("byte_extract:1,0,n; byte_test:n,=,258,0,relative;",
				   "\x02\x01\x02", 3));
	assert_false(opts_match_len("byte_extract:1,0,n; byte_test:n,=,258,0,relative;",
				    "\x02\x01\x03", 3));
	/* a variable holding 0 reads nothing and jumps 0 bytes (Suricata) */
	assert_true(opts_match_len("byte_extract:1,0,n; byte_jump:n,0,relative; "
				   "content:\"Z\"; distance:0; within:1;",
				   "\x00Z", 2));
	/* more than 8 bytes (without "string") cannot be read */
	assert_false(opts_match_len("byte_extract:1,0,n; byte_jump:n,0,relative; "
				    "isdataat:0,relative;",
				    "\x09\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00Z", 12));
	/* with "string" 0 digits is no number */
	assert_false(opts_match_len("byte_extract:1,0,n; byte_test:n,=,0,0,relative,string,dec;",
				    "\x00" "9", 2));
	assert_true(opts_match_len("byte_extract:1,0,n; byte_test:n,=,9,0,relative,string,dec;",
				   "\x01" "9", 2));
}

static void test_byte_large_offset(void **state)
{
	(void)state;
	/* loads (32-bit offsets as in Suricata) and simply finds nothing there */
	assert_false(opts_match("byte_test:1,=,65,214748364;", "AAAA"));
	assert_false(opts_match("byte_jump:1,2147483647; isdataat:0,relative;", "AAAA"));
	assert_true(opts_match("content:\"C\"; byte_test:1,=,65,-3,relative;", "ABC"));
}

/* ipv4.hdr / tcp.hdr / udp.hdr ...: the raw header bytes of the packet */
static void test_hdr_buffers(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert ip any any -> any any (ipv4.hdr; content:\"|45|\"; startswith; "
		      "byte_test:1,=,64,8; sid:1; rev:1;)\n"
		      "alert tcp any any -> any any (tcp.hdr; byte_test:1,=,0x18,13; "
		      "byte_math:bytes 2, offset 0, oper +, rvalue 1, result sp1; "
		      "byte_test:2,=,sp1,2; sid:2; rev:1;)\n"
		      "alert ip any any -> any any (ipv6.hdr; content:\"|60|\"; sid:3; rev:1;)\n"
		      "alert ip any any -> any any (udp.hdr; byte_test:2,=,53,2; sid:4; rev:1;)\n"
		      "alert tcp any any -> any any (content:\"AB\"; ipv4.hdr; bsize:20; tcp.hdr; "
		      "bsize:20; sid:5; rev:1;)\n");
	/* version/IHL 0x45, TTL 64 at byte 8 */
	static const uint8_t ip[20] = { 0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6 };
	/* ports 1234 -> 1235, flags PSH|ACK at byte 13 */
	static const uint8_t tcp[20] = { 0x04, 0xd2, 0x04, 0xd3, [12] = 0x50, [13] = 0x18 };
	struct packet p;
	pkt_make(&p, 6, "10.0.0.1", 1234, "10.0.0.2", 1235, "AB", 2);
	p.ip_hdr = ip;
	p.ip_hlen = sizeof(ip);
	p.l4_hdr = tcp;
	p.l4_hlen = sizeof(tcp);
	struct detect_result res;
	detect_packet(te.t, &p, &res);
	bool seen[6] = { false };
	for (uint32_t i = 0; i < res.n_alerts; i++)
		if (res.alerts[i].rule->sid < 6)
			seen[res.alerts[i].rule->sid] = true;
	assert_true(seen[1]);
	assert_true(seen[2]);
	assert_false(seen[3]); /* no IPv6 header on an IPv4 packet */
	assert_false(seen[4]); /* no UDP header on TCP */
	assert_true(seen[5]);
	/* different TTL and flags: 1 and 2 no longer match */
	static const uint8_t ip2[20] = { 0x45, 0, 0, 40, 0, 1, 0, 0, 63, 6 };
	static const uint8_t tcp2[20] = { 0x04, 0xd2, 0x04, 0xd3, [12] = 0x50, [13] = 0x10 };
	pkt_make(&p, 6, "10.0.0.1", 1234, "10.0.0.2", 1235, "AB", 2);
	p.ip_hdr = ip2;
	p.ip_hlen = sizeof(ip2);
	p.l4_hdr = tcp2;
	p.l4_hlen = sizeof(tcp2);
	assert_false(te_fires(&te, &p, 1));
	assert_false(te_fires(&te, &p, 2));
	/* a packet without a recorded header: the buffer is absent, nothing matches */
	pkt_make(&p, 6, "10.0.0.1", 1234, "10.0.0.2", 1235, "AB", 2);
	p.ip_hdr = NULL;
	p.ip_hlen = 0;
	assert_false(te_fires(&te, &p, 1));
	te_free(&te);
}

static void test_isdataat(void **state)
{
	(void)state;
	assert_true(opts_match("content:\"a\"; isdataat:3;", "abcd"));
	assert_false(opts_match("content:\"a\"; isdataat:4;", "abcd"));
	assert_true(opts_match("content:\"b\"; isdataat:1,relative;", "abcd"));
	assert_false(opts_match("content:\"c\"; isdataat:1,relative;", "abcd"));
	assert_true(opts_match("content:\"d\"; isdataat:!1,relative;", "abcd"));
	assert_false(opts_match("content:\"b\"; isdataat:!1,relative;", "abcd"));
}

static void test_dsize(void **state)
{
	(void)state;
	assert_true(opts_match("dsize:4;", "abcd"));
	assert_false(opts_match("dsize:5;", "abcd"));
	assert_true(opts_match("dsize:>2; content:\"b\";", "abcd"));
	assert_true(opts_match("dsize:2<>6;", "abcd"));
}

static void test_base64(void **state)
{
	(void)state;
	/* "aGVsbG8gd29ybGQ=" is "hello world" */
	assert_true(opts_match("content:\"b64=\"; base64_decode:relative; base64_data; "
			       "content:\"world\";",
			       "b64=aGVsbG8gd29ybGQ="));
	assert_false(opts_match("content:\"b64=\"; base64_decode:relative; base64_data; "
				"content:\"planet\";",
				"b64=aGVsbG8gd29ybGQ="));
	assert_true(opts_match("content:\"b64=\"; base64_decode:relative; base64_data; "
			       "content:\"hello\"; startswith; bsize:11;",
			       "b64=aGVsbG8gd29ybGQ="));
	assert_false(opts_match("content:\"b64=\"; base64_decode:relative; base64_data; "
				"bsize:12;",
				"b64=aGVsbG8gd29ybGQ="));
	uint8_t out[16];
	assert_int_equal(det_base64_decode((const uint8_t *)"aGk=", 4, out, sizeof(out)), 2);
	assert_memory_equal(out, "hi", 2);
}

/* stream-event: matches the stream events the runmode copied onto the packet, and only those. */
static void test_stream_event(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert tcp any any -> any any (msg:\"gap\"; "
		      "stream-event:reassembly_seq_gap; sid:1;)\n"
		      "alert tcp any any -> any any (msg:\"not\"; "
		      "stream-event:pkt_invalid_ack; sid:2;)\n");
	struct detect_engine_stats st;
	detect_engine_get_stats(te.e, &st);
	assert_int_equal(st.rules_active, 2);
	struct packet p;
	pkt_make(&p, 6, "10.0.0.1", 1234, "10.0.0.2", 80, NULL, 0);
	assert_false(te_fires(&te, &p, 1)); /* no event on the packet */
	pkt_make(&p, 6, "10.0.0.1", 1234, "10.0.0.2", 80, NULL, 0);
	p.stream_events[p.stream_event_count++] = STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP;
	struct detect_result res;
	detect_packet(te.t, &p, &res);
	assert_int_equal(res.n_alerts, 1);
	assert_int_equal(res.alerts[0].rule->sid, 1);
	te_free(&te);
}

/* A malformed packet is still inspected when it raised decoder events (decode-event rules);
 * without events it is not inspected at all. */
static void test_invalid_packet_decode_event(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert pkthdr any any -> any any (msg:\"len\"; "
		      "decode-event:udp.len_invalid; sid:1;)\n"
		      "alert udp any any -> any any (msg:\"any\"; content:\"x\"; sid:2;)\n");
	struct packet p;
	pkt_make(&p, 17, "10.0.0.1", 1234, "10.0.0.2", 53, "x", 1);
	p.flags |= PKT_F_INVALID;
	assert_false(te_fires(&te, &p, 2)); /* invalid, no events: not inspected */
	pkt_make(&p, 17, "10.0.0.1", 1234, "10.0.0.2", 53, NULL, 0);
	p.flags |= PKT_F_INVALID;
	p.events[p.event_count++] = DECODE_EVENT_UDP_LEN_INVALID;
	assert_true(te_fires(&te, &p, 1));
	te_free(&te);
}

/* Suricata's IP-only rules (addresses, any ports, no payload, flow or packet keyword) carry the
 * flow scope: their drop drops the flow in IPS mode; other packet rules drop the packet only. */
static void test_ip_only_drop_scope(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "drop ip 10.0.0.1 any -> any any (msg:\"ip\"; sid:1;)\n"
		      "drop tcp any any -> any any (msg:\"bits\"; flowbits:set,x; noalert; sid:2;)\n"
		      "drop tcp any any -> any 80 (msg:\"port\"; sid:3;)\n"
		      "drop tcp any any -> any any (msg:\"pl\"; content:\"GET\"; sid:4;)\n"
		      "drop tcp any any -> any any (msg:\"ttl\"; ttl:64; sid:5;)\n"
		      "drop tcp any any -> any any (msg:\"fl\"; flowbits:isset,x; sid:6;)\n");
	struct packet p;
	pkt_make(&p, 6, "10.0.0.1", 1234, "10.0.0.2", 80, "GET /", 5);
	struct detect_result res;
	detect_packet(te.t, &p, &res);
	uint32_t seen = 0;
	for (uint32_t i = 0; i < res.n_alerts; i++) {
		uint32_t sid = res.alerts[i].rule->sid;
		bool scope = res.alerts[i].flags & DETECT_ALERT_F_FLOW_SCOPE;
		seen |= 1u << sid;
		assert_int_equal(scope, sid == 1 || sid == 2);
	}
	/* all but sid 6 (its bit is set by sid 2 on this very packet, after it was checked) */
	assert_true((seen & 0x3e) == 0x3e);
	struct flow f;
	memset(&f, 0, sizeof(f));
	struct detect_action_order o;
	detect_action_order_init(&o, NULL);
	struct detect_result one;
	detect_result_reset(&one);
	for (uint32_t i = 0; i < res.n_alerts; i++)
		if (res.alerts[i].rule->sid == 3)
			one.alerts[one.n_alerts++] = res.alerts[i];
	detect_result_finalize(&one, &o, &f, true);
	assert_false(f.flags & FLOW_F_DROP);
	for (uint32_t i = 0; i < res.n_alerts; i++)
		if (res.alerts[i].rule->sid == 1)
			one.alerts[one.n_alerts++] = res.alerts[i];
	detect_result_finalize(&one, &o, &f, true);
	assert_true(f.flags & FLOW_F_DROP);
	te_free(&te);
}

/* Fast patterns anchored near the start (depth, offset+depth, startswith) go to a database a
 * packet scan runs over the window only: a match ending exactly at the window's end is found,
 * one a byte later is not, and a longer payload changes nothing. */
static void test_windowed_prefilter(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert udp any any -> any any (msg:\"w\"; content:\"AB\"; offset:3; depth:4; "
		      "sid:1;)\nalert udp any any -> any any (msg:\"s\"; content:\"GET\"; startswith; sid:2;)\n"
		      "alert udp any any -> any any (msg:\"free\"; content:\"ZZZZ\"; sid:3;)\n");
	struct detect_engine_stats st;
	detect_engine_get_stats(te.e, &st);
	assert_int_equal(st.rules_no_mpm, 0);
	char buf[300];
	memset(buf, '.', sizeof(buf));
	memcpy(buf + 5, "AB", 2); /* ends at 7 = offset + depth */
	struct packet p;
	pkt_make(&p, 17, "10.0.0.1", 1, "10.0.0.2", 2, buf, sizeof(buf));
	assert_true(te_fires(&te, &p, 1));
	memcpy(buf + 5, ".AB", 3); /* ends at 8 */
	assert_false(te_fires(&te, &p, 1));
	memcpy(buf, "GET", 3);
	memcpy(buf + 290, "ZZZZ", 4); /* beyond any window: the whole-payload database */
	assert_true(te_fires(&te, &p, 2));
	assert_true(te_fires(&te, &p, 3));
	memcpy(buf, ".GET", 4);
	assert_false(te_fires(&te, &p, 2));
	te_free(&te);
}

/* RFC 1071 sum over n bytes, folded (the test's own, to build packets with known checksums). */
static uint16_t t_csum(uint32_t sum, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (n & 1)
		sum += (uint32_t)d[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* tcpv4-csum / ipv4-csum: valid and invalid on a decoded IPv4/TCP packet, and never on a
 * packet of another protocol. */
static void test_checksum_keywords(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert tcp any any -> any any (msg:\"bad\"; tcpv4-csum:invalid; sid:1;)\n"
		      "alert tcp any any -> any any (msg:\"ok\"; tcpv4-csum:valid; sid:2;)\n"
		      "alert ip any any -> any any (msg:\"ip ok\"; ipv4-csum:valid; sid:3;)\n"
		      "alert udp any any -> any any (msg:\"udp\"; udpv4-csum:invalid; sid:4;)\n");
	uint8_t b[44] = { 0x45, 0, 0, 44, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
			  0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x20, 0, 0, 0, 0, 0,
			  'a', 'b', 'c', 'd' };
	uint16_t ic = t_csum(0, b, 20);
	b[10] = (uint8_t)(ic >> 8);
	b[11] = (uint8_t)ic;
	uint8_t ph[12] = { 10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0, 24 };
	uint32_t s0 = 0;
	for (int i = 0; i < 12; i += 2)
		s0 += (uint32_t)(ph[i] << 8 | ph[i + 1]);
	uint16_t tc = t_csum(s0, b + 20, 24);
	b[36] = (uint8_t)(tc >> 8);
	b[37] = (uint8_t)tc;
	struct decode_ctx dc;
	decode_ctx_init(&dc, CHECKSUM_AUTO);
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.data = b;
	p.caplen = p.wirelen = sizeof(b);
	p.linktype = 101; /* raw IP */
	assert_int_equal(decode_packet(&dc, &p), 0);
	assert_false(te_fires(&te, &p, 1));
	assert_true(te_fires(&te, &p, 2));
	assert_true(te_fires(&te, &p, 3));
	assert_false(te_fires(&te, &p, 4));
	assert_false(p.flags & PKT_F_CSUM_CHECKED); /* asking did not validate the packet */
	b[41] ^= 0x20; /* payload changed, checksum not */
	assert_int_equal(decode_packet(&dc, &p), 0);
	assert_true(te_fires(&te, &p, 1));
	assert_false(te_fires(&te, &p, 2));
	assert_true(te_fires(&te, &p, 3));
	/* validation off (-k none): every checksum counts as valid, as in Suricata */
	decode_ctx_init(&dc, CHECKSUM_NONE);
	assert_int_equal(decode_packet(&dc, &p), 0);
	assert_false(te_fires(&te, &p, 1));
	assert_true(te_fires(&te, &p, 2));
	te_free(&te);
}

/* Host bits (xbits, hostbits) live in one table for all workers: a bit one thread sets on a
 * host is seen by another thread's rule (autofp sends a host's flows to different workers). */
static void test_hostbits_shared_by_threads(void **state)
{
	(void)state;
	struct tengine te;
	te_build(&te, "alert tcp any any -> any any (msg:\"set\"; content:\"login\"; "
		      "xbits:set,seen,track ip_src; noalert; sid:1;)\n"
		      "alert tcp any any -> any any (msg:\"chk\"; content:\"exfil\"; "
		      "xbits:isset,seen,track ip_src; sid:2;)\n");
	struct detect_thread *t2 = detect_thread_new(te.e);
	assert_non_null(t2);
	struct packet p;
	pkt_make(&p, 6, "10.0.0.7", 1000, "10.0.0.2", 80, "login", 5);
	struct detect_result res;
	detect_packet(te.t, &p, &res);
	pkt_make(&p, 6, "10.0.0.7", 2000, "10.0.0.3", 443, "exfil", 5);
	detect_packet(t2, &p, &res);
	assert_int_equal(res.n_alerts, 1);
	assert_int_equal(res.alerts[0].rule->sid, 2);
	pkt_make(&p, 6, "10.0.0.8", 2000, "10.0.0.3", 443, "exfil", 5);
	detect_packet(t2, &p, &res);
	assert_int_equal(res.n_alerts, 0); /* another host */
	detect_thread_free(t2);
	te_free(&te);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_basic),
		cmocka_unit_test(test_stream_event),
		cmocka_unit_test(test_invalid_packet_decode_event),
		cmocka_unit_test(test_content_nocase),
		cmocka_unit_test(test_content_search_random),
		cmocka_unit_test(test_content_offset_depth),
		cmocka_unit_test(test_content_distance_within),
		cmocka_unit_test(test_content_negative_distance),
		cmocka_unit_test(test_content_startswith_endswith),
		cmocka_unit_test(test_content_negated),
		cmocka_unit_test(test_content_backtracking),
		cmocka_unit_test(test_content_recursion_limit),
		cmocka_unit_test(test_content_byte_extract_vars),
		cmocka_unit_test(test_fast_pattern_explicit),
		cmocka_unit_test(test_fast_pattern_choice),
		cmocka_unit_test(test_fast_pattern_only),
		cmocka_unit_test(test_fast_pattern_chop),
		cmocka_unit_test(test_fast_pattern_nocase_prefilter),
		cmocka_unit_test(test_pcre_basic),
		cmocka_unit_test(test_pcre_relative),
		cmocka_unit_test(test_pcre_negated),
		cmocka_unit_test(test_pcre_match_limit),
		cmocka_unit_test(test_byte_test),
		cmocka_unit_test(test_byte_test_string_bitmask),
		cmocka_unit_test(test_byte_jump),
		cmocka_unit_test(test_byte_extract_test),
		cmocka_unit_test(test_byte_math),
		cmocka_unit_test(test_byte_nbytes_var),
		cmocka_unit_test(test_byte_large_offset),
		cmocka_unit_test(test_hdr_buffers),
		cmocka_unit_test(test_isdataat),
		cmocka_unit_test(test_dsize),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_ip_only_drop_scope),
		cmocka_unit_test(test_windowed_prefilter),
		cmocka_unit_test(test_checksum_keywords),
		cmocka_unit_test(test_hostbits_shared_by_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
