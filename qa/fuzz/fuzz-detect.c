/*
 * fuzz-detect.c — libFuzzer target for the detection engine. A fixed engine is built once from
 * a few dozen rules covering the payload keywords (content modifiers, relative matching, pcre,
 * byte_*, isdataat, base64, dsize) and the header/flow/bits ones; each input is then one packet:
 * byte 0 picks the protocol and flow direction, bytes 1-4 the ports, byte 5 the TCP flags, the
 * rest is the payload, copied into an exact-size heap buffer so ASan catches any read past it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "rules/rules.h"

static const char fuzz_rules[] =
	"alert tcp any any -> any any (msg:\"c1\"; content:\"GET\"; startswith; content:\"HTTP/1.\"; distance:0; sid:1;)\n"
	"alert tcp any any -> any 80 (msg:\"c2\"; content:\"a\"; content:\"b\"; distance:0; within:1; content:\"c\"; distance:0; within:1; sid:2;)\n"
	"alert tcp any any -> any any (msg:\"c3\"; content:\"AbC\"; nocase; offset:1; depth:10; sid:3;)\n"
	"alert tcp any any -> any any (msg:\"c4\"; content:\"zz\"; content:!\"yy\"; distance:-4; within:8; sid:4;)\n"
	"alert tcp any any -> any any (msg:\"c5\"; content:\"end\"; endswith; sid:5;)\n"
	"alert tcp any any -> any any (msg:\"c6\"; content:\"longpattern\"; fast_pattern:4,4; sid:6;)\n"
	"alert tcp any any -> any any (msg:\"c7\"; content:\"only\"; fast_pattern:only; sid:7;)\n"
	"alert tcp any any -> any any (msg:\"p1\"; pcre:\"/^[a-z]+\\d{2,}/i\"; sid:8;)\n"
	"alert tcp any any -> any any (msg:\"p2\"; content:\"k=\"; pcre:\"/^(a+)+$/R\"; sid:9;)\n"
	"alert tcp any any -> any any (msg:\"p3\"; content:\"x\"; pcre:!\"/x\\d/\"; sid:10;)\n"
	"alert tcp any any -> any any (msg:\"b1\"; content:\"L\"; byte_jump:1,0,relative,multiplier 2,align,post_offset -1; content:\"Z\"; distance:0; within:2; sid:11;)\n"
	"alert tcp any any -> any any (msg:\"b2\"; byte_test:2,>,1000,0; byte_test:4,&,0xff00,2,little; sid:12;)\n"
	"alert tcp any any -> any any (msg:\"b3\"; content:\"N\"; byte_extract:1,0,n,relative; content:\"E\"; distance:0; within:n; sid:13;)\n"
	"alert tcp any any -> any any (msg:\"b4\"; byte_extract:2,0,o,string,hex; content:\"Q\"; offset:o; sid:14;)\n"
	"alert tcp any any -> any any (msg:\"b5\"; byte_math:bytes 2,offset 0,oper /,rvalue 3,result r; byte_test:1,<,r,2; sid:15;)\n"
	"alert tcp any any -> any any (msg:\"b6\"; byte_math:bytes 1,offset 1,oper <<,rvalue 40,result r; isdataat:r; sid:16;)\n"
	"alert tcp any any -> any any (msg:\"b7\"; byte_jump:4,0,from_end,post_offset -3,bitmask 0x0f0f; isdataat:!2,relative; sid:17;)\n"
	"alert tcp any any -> any any (msg:\"b8\"; byte_test:10,=,1234,0,string,dec; sid:18;)\n"
	"alert tcp any any -> any any (msg:\"i1\"; content:\"I\"; isdataat:5,relative; isdataat:!100; sid:19;)\n"
	"alert tcp any any -> any any (msg:\"64\"; content:\"b64:\"; base64_decode:bytes 40,offset 0,relative; base64_data; content:\"evil\"; bsize:>3; sid:20;)\n"
	"alert tcp any any -> any any (msg:\"d1\"; dsize:>100; content:\"big\"; sid:21;)\n"
	"alert tcp any any -> any any (msg:\"f1\"; flags:S; dsize:0; sid:22;)\n"
	"alert tcp any any -> any any (msg:\"fb1\"; content:\"login\"; flowbits:set,auth; flowbits:noalert; sid:23;)\n"
	"alert tcp any any -> any any (msg:\"fb2\"; content:\"cmd\"; flowbits:isset,auth; sid:24;)\n"
	"alert tcp any any -> any any (msg:\"fi\"; content:\"tick\"; flowint:n,+,1; flowint:n,>,3; sid:25;)\n"
	"alert tcp any any -> any any (msg:\"fl\"; flow:to_client; content:\"200\"; sid:26;)\n"
	"alert udp any any -> any 53 (msg:\"u1\"; content:\"|01 00 00 01|\"; offset:2; depth:4; sid:27;)\n"
	"alert udp any any <> any 123 (msg:\"u2\"; byte_test:1,&,7,0; sid:28;)\n"
	"alert icmp any any -> any any (msg:\"ic\"; itype:8; content:\"ping\"; sid:29;)\n"
	"alert ip [1.2.3.4,5.6.7.8] any -> any any (msg:\"rep\"; sid:30;)\n"
	"pass tcp any any -> any 22 (msg:\"pass\"; content:\"SSH-\"; startswith; sid:31;)\n"
	"drop tcp any any -> any any (msg:\"drop\"; content:\"DROPME\"; threshold:type limit,track by_src,count 1,seconds 60; sid:32;)\n"
	"alert tcp any any -> any any (msg:\"chain\"; content:\"a\"; content:\"a\"; distance:0; content:\"a\"; distance:0; content:\"b\"; distance:0; sid:33;)\n"
	/* anchor tables: a dsize window, a buffer's first relative content, a long pattern
	 * floating over a few offsets, two patterns sharing a key, a one-byte key */
	"alert udp any any -> any any (msg:\"a1\"; dsize:<9; content:\"|7a 00 00|\"; sid:34;)\n"
	"alert tcp any any -> any any (msg:\"a2\"; content:\"PK\"; within:2; content:\"zip\"; distance:0; sid:35;)\n"
	"alert udp any any -> any any (msg:\"a3\"; content:\"|00 01 00 00 00|\"; offset:4; depth:10; sid:36;)\n"
	"alert tcp any any -> any any (msg:\"a4\"; content:\"KEYS1\"; depth:5; sid:37;)\n"
	"alert tcp any any -> any any (msg:\"a5\"; content:\"keys2\"; nocase; depth:5; sid:38;)\n"
	"alert tcp any any -> any any (msg:\"a6\"; content:\"Q\"; offset:3; depth:1; content:\"QRS\"; offset:3; depth:3; sid:39;)\n";

static struct rules_ruleset *rs;
static struct detect_engine *engine;
static struct detect_thread *thr;

static void fuzz_init(void)
{
	char err[512];
	rs = rules_ruleset_new(NULL);
	if (!rs || rules_load_string(rs, fuzz_rules, strlen(fuzz_rules), "fuzz.rules") < 0 ||
	    rules_ruleset_finalize(rs) != 0) {
		fprintf(stderr, "fuzz-detect: the fixed rules do not load\n");
		abort();
	}
	struct detect_config cfg;
	detect_config_from_conf(&cfg, NULL, err, sizeof(err));
	cfg.cache_dir[0] = '\0';
	if (detect_engine_build(&engine, rs, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz-detect: %s\n", err);
		abort();
	}
	struct detect_engine_stats st;
	detect_engine_get_stats(engine, &st);
	if (st.rules_active != st.rules_total) {
		fprintf(stderr, "fuzz-detect: only %u of %u rules active\n", st.rules_active,
			st.rules_total);
		abort();
	}
	thr = detect_thread_new(engine);
	if (!thr)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct flow flow;
	static const uint8_t l4[20];
	static unsigned n;
	if (!engine)
		fuzz_init();
	if (size < 6 || size > 65536 + 6)
		return 0;
	static const uint8_t protos[] = { 6, 6, 6, 17, 1, 47 };
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.ip_proto = protos[data[0] % sizeof(protos)];
	const uint8_t s[4] = { 1, 2, 3, (uint8_t)(data[0] & 0x80 ? 4 : 9) };
	const uint8_t d[4] = { 10, 0, 0, 1 };
	ip_addr_set_v4(&p.src, s);
	ip_addr_set_v4(&p.dst, d);
	p.sp = (uint16_t)(data[1] << 8 | data[2]);
	p.dp = (uint16_t)(data[3] << 8 | data[4]);
	p.tcp_flags = data[5];
	p.icmp_type = data[1];
	p.l4_hdr = l4;
	p.l4_hlen = 20;
	p.ip_ttl = 64;
	p.ts_usec = 1700000000000000ull + n * 1000ull;
	size_t len = size - 6;
	uint8_t *payload = len ? malloc(len) : NULL;
	if (len && !payload)
		return 0;
	if (len)
		memcpy(payload, data + 6, len);
	p.payload = payload;
	p.payload_len = (uint32_t)len;
	/* one long-lived flow so flowbits/flowint/pass state carries between inputs */
	flow.ip_proto = p.ip_proto;
	if (data[0] & 0x40) {
		p.flow = &flow;
		p.flow_dir = data[0] & 0x20 ? 1 : 0;
	}
	struct detect_result res;
	detect_packet(thr, &p, &res);
	if (res.n_alerts > DETECT_MAX_ALERTS)
		__builtin_trap();
	for (uint32_t i = 0; i < res.n_alerts; i++)
		if (!res.alerts[i].rule)
			__builtin_trap();
	if (++n % 64 == 0) {
		detect_flow_free(&flow);
		memset(&flow, 0, sizeof(flow));
	}
	free(payload);
	return 0;
}
