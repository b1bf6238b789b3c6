/*
 * test-detect-state-helpers.h — shared helpers of the detect-state unit tests: parse rules with
 * the real rules stage (so the tests see the same struct rule_match the engine gets), find a
 * keyword's match, and build packets and flows by hand.
 */
#ifndef AEGIS_TEST_DETECT_STATE_HELPERS_H
#define AEGIS_TEST_DETECT_STATE_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detect/detect-state.h"

/* Load rule text; every rule must load without an error. */
static inline struct rules_ruleset *ts_load(const char *text)
{
	struct rules_ruleset *rs = rules_ruleset_new(NULL);
	assert_non_null(rs);
	assert_int_equal(rules_ruleset_define_var(rs, false, "HOME_NET", "[10.0.0.0/8]"), 0);
	assert_int_equal(rules_load_string(rs, text, strlen(text), "t.rules"), 0);
	rules_ruleset_finalize(rs);
	if (rules_ruleset_counts(rs)->errors) {
		char buf[1024];
		rules_diag_format(rules_diag_at(rs, 0), buf, sizeof(buf));
		fail_msg("rule did not load: %s\nfor: %s", buf, text);
	}
	return rs;
}

/* The i-th match with keyword `name` (0 = first) in rule r, or NULL. */
static inline const struct rule_match *ts_find(const struct rule *r, const char *name, int nth)
{
	for (uint16_t g = 0; g < r->n_groups; g++)
		for (uint32_t i = 0; i < r->groups[g].n; i++) {
			const struct rule_match *m = &r->groups[g].m[i];
			if (m->kw && strcmp(m->kw->name, name) == 0 && nth-- == 0)
				return m;
		}
	return NULL;
}

static inline void ts_ip4(struct ip_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	const uint8_t b[4] = { x, y, z, w };
	ip_addr_set_v4(a, b);
}

/* A TCP/IPv4 packet 10.0.0.1:1234 -> 10.0.0.2:80 with the given flags, at ts seconds. */
static inline void ts_tcp(struct packet *p, uint8_t flags, uint64_t ts_sec)
{
	static const uint8_t hdr[64];
	memset(p, 0, sizeof(*p));
	p->ts_usec = ts_sec * USEC_PER_SEC;
	p->ip_version = 4;
	p->ip_hdr = hdr;
	p->ip_hlen = 20;
	ts_ip4(&p->src, 10, 0, 0, 1);
	ts_ip4(&p->dst, 10, 0, 0, 2);
	p->ip_proto = 6;
	p->ip_ttl = 64;
	p->l4_hdr = hdr + 20;
	p->l4_hlen = 20;
	p->sp = 1234;
	p->dp = 80;
	p->tcp_flags = flags;
	p->tcp_win = 1024;
}

static inline void ts_udp(struct packet *p, uint64_t ts_sec)
{
	ts_tcp(p, 0, ts_sec);
	p->ip_proto = 17;
	p->l4_hlen = 8;
	p->sp = 5353;
	p->dp = 53;
}

/* Evaluate the first match of `kw` of a one-rule text against p. */
static inline bool ts_hdr(const char *opts, const char *kw, const struct packet *p)
{
	char text[512];
	snprintf(text, sizeof(text), "alert ip any any -> any any (%s; sid:1;)", opts);
	struct rules_ruleset *rs = ts_load(text);
	const struct rule_match *m = ts_find(rules_ruleset_rule(rs, 0), kw, 0);
	assert_non_null(m);
	assert_true(detect_header_supported(m->kw));
	bool r = detect_header_match(m, p);
	rules_ruleset_free(rs);
	return r;
}

#endif /* AEGIS_TEST_DETECT_STATE_HELPERS_H */
