/*
 * test-detect-helpers.h — shared helpers of the detect engine tests: build an engine from rule
 * text (asserting every rule loaded), craft packets by hand, and run one packet through
 * detect_packet(). Included by test-detect*.c only (static functions, cmocka asserts).
 */
#ifndef AEGIS_TEST_DETECT_HELPERS_H
#define AEGIS_TEST_DETECT_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/detect-int.h"
#include "detect/detect.h"
#include "rules/rules.h"

struct tengine {
	struct rules_ruleset *rs;
	struct detect_engine *e;
	struct detect_thread *t;
};

static void print_diags(const struct rules_ruleset *rs)
{
	char buf[1024];
	for (size_t i = 0; i < rules_diag_count(rs); i++) {
		rules_diag_format(rules_diag_at(rs, i), buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
	}
}

/* Build from rules text with a config (NULL: defaults without a cache). */
static void te_build_cfg(struct tengine *te, const char *rules, const struct detect_config *cfg)
{
	memset(te, 0, sizeof(*te));
	te->rs = rules_ruleset_new(NULL);
	assert_non_null(te->rs);
	assert_int_equal(rules_ruleset_define_var(te->rs, false, "HOME_NET", "[10.0.0.0/8]"), 0);
	assert_int_equal(rules_ruleset_define_var(te->rs, false, "EXTERNAL_NET", "!$HOME_NET"), 0);
	assert_int_equal(rules_ruleset_define_var(te->rs, true, "HTTP_PORTS", "[80,8080]"), 0);
	assert_int_equal(rules_load_string(te->rs, rules, strlen(rules), "test.rules"), 0);
	int errs = rules_ruleset_finalize(te->rs);
	if (errs)
		print_diags(te->rs);
	assert_int_equal(errs, 0);
	struct detect_config c;
	char err[512];
	if (cfg) {
		c = *cfg;
	} else {
		assert_int_equal(detect_config_from_conf(&c, NULL, err, sizeof(err)), 0);
		c.cache_dir[0] = '\0';
	}
	int rc = detect_engine_build(&te->e, te->rs, &c, err, sizeof(err));
	if (rc)
		fprintf(stderr, "build: %s\n", err);
	assert_int_equal(rc, 0);
	te->t = detect_thread_new(te->e);
	assert_non_null(te->t);
}

static void te_build(struct tengine *te, const char *rules)
{
	te_build_cfg(te, rules, NULL);
}

static void te_free(struct tengine *te)
{
	detect_thread_free(te->t);
	detect_engine_free(te->e);
	rules_ruleset_free(te->rs);
	memset(te, 0, sizeof(*te));
}

static void pkt_make(struct packet *p, uint8_t proto, const char *src, uint16_t sp,
		     const char *dst, uint16_t dp, const void *payload, size_t len)
{
	static const uint8_t l4[20];
	memset(p, 0, sizeof(*p));
	p->ip_version = 4;
	p->l4_hdr = l4; /* header keywords look for an L4 header */
	p->l4_hlen = proto == 6 ? 20 : 8;
	assert_int_equal(ip_addr_parse(src, &p->src), 0);
	assert_int_equal(ip_addr_parse(dst, &p->dst), 0);
	p->ip_proto = proto;
	p->ip_ttl = 64;
	p->sp = sp;
	p->dp = dp;
	p->payload = payload;
	p->payload_len = (uint32_t)len;
	p->ts_usec = 1700000000ull * 1000000ull;
	if (proto == 6)
		p->tcp_flags = TH_ACK | TH_PUSH;
}

/* Run one packet; true when sid alerted. */
static bool te_fires(struct tengine *te, struct packet *p, uint32_t sid)
{
	struct detect_result res;
	detect_packet(te->t, p, &res);
	for (uint32_t i = 0; i < res.n_alerts; i++)
		if (res.alerts[i].rule->sid == sid)
			return true;
	return false;
}

/* One rule "alert tcp any any -> any any (OPTS sid:1;)" against one TCP payload. */
static inline bool opts_match_len(const char *opts, const void *payload, size_t len)
{
	char rule[4096];
	snprintf(rule, sizeof(rule), "alert tcp any any -> any any (msg:\"t\"; %s sid:1; rev:1;)",
		 opts);
	struct tengine te;
	te_build(&te, rule);
	struct detect_engine_stats st;
	detect_engine_get_stats(te.e, &st);
	assert_int_equal(st.rules_active, 1);
	struct packet p;
	pkt_make(&p, 6, "10.0.0.1", 1234, "10.0.0.2", 80, payload, len);
	bool r = te_fires(&te, &p, 1);
	te_free(&te);
	return r;
}

static inline bool opts_match(const char *opts, const char *payload)
{
	return opts_match_len(opts, payload, strlen(payload));
}

#endif /* AEGIS_TEST_DETECT_HELPERS_H */
