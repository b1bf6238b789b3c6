/*
 * test-rules-tools-compact.c — the compact L3/L4 firewall syntax: every form parses, errors carry
 * file:line:col and a check-id, the evaluation order (longest prefix -> exact/range port ->
 * protocol -> directional default -> implicit deny, deny wins ties) holds over a table of
 * queries, and `aegis rule add|remove|list` edits files atomically with backups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules/rules.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static struct rules_fw_policy *load(const char *text)
{
	struct rules_fw_policy *p = rules_fw_policy_new();

	assert_non_null(p);
	assert_true(rules_fw_load_string(p, text, strlen(text), "t.rules") >= 0);
	return p;
}

static const struct rule_diag *find_diag(const struct rules_fw_policy *p, const char *id)
{
	for (size_t i = 0; i < rules_fw_diag_count(p); i++)
		if (strcmp(rules_fw_diag_at(p, i)->check_id, id) == 0)
			return rules_fw_diag_at(p, i);
	return NULL;
}

/* One line that must fail with `id` at `col` (1-based) on line 1. */
static void expect_error(const char *line, const char *id, uint32_t col)
{
	struct rules_fw_policy *p = rules_fw_policy_new();

	assert_non_null(p);
	assert_int_equal(rules_fw_load_string(p, line, strlen(line), "bad.rules"), 1);
	assert_int_equal(rules_fw_rule_count(p), 0);
	const struct rule_diag *d = find_diag(p, id);

	if (!d)
		fail_msg("no %s for '%s' (first: %s)", id, line,
			 rules_fw_diag_count(p) ? rules_fw_diag_at(p, 0)->check_id : "none");
	assert_int_equal(d->severity, RULE_SEV_ERROR);
	assert_string_equal(d->file, "bad.rules");
	assert_int_equal(d->line, 1);
	assert_int_equal(d->col, col);
	assert_non_null(d->source_line);
	assert_string_equal(d->source_line, line);
	rules_fw_policy_free(p);
}

static struct rules_fw_query q4(const char *src, const char *dst, uint8_t proto, uint16_t dp)
{
	struct rules_fw_query q;

	memset(&q, 0, sizeof(q));
	assert_int_equal(ip_addr_parse(src, &q.src), 0);
	assert_int_equal(ip_addr_parse(dst, &q.dst), 0);
	q.ip_proto = proto;
	q.sp = 40000;
	q.dp = dp;
	return q;
}

/* ---- parsing ------------------------------------------------------------------------------ */

static void test_parse_all_forms(void **state)
{
	(void)state;
	struct rules_fw_policy *p = load("# a comment\n"
					 "\n"
					 "allow cidr 10.0.0.0/8 ingress\n"
					 "deny port tcp 22 ingress   # ssh\n"
					 "allow port udp 1000-2000 ingress\n"
					 "deny proto icmpv6 egress\n"
					 "default deny ingress\n"
					 "allow cidr 2001:db8::/32\n"
					 "allow port sctp 3868:3870 egress\n"
					 "deny proto 47\n"
					 "default allow egress\r\n"
					 "  ALLOW CIDR 192.0.2.7 INGRESS\n");
	const struct rules_fw_rule *r;

	assert_int_equal(rules_fw_error_count(p), 0);
	assert_int_equal(rules_fw_rule_count(p), 10);
	r = rules_fw_rule_at(p, 0);
	assert_int_equal(r->kind, RULES_FW_CIDR);
	assert_int_equal(r->verdict, RULES_FW_ALLOW);
	assert_int_equal(r->dir, RULES_FW_DIR_INGRESS);
	assert_int_equal(r->prefix, 8);
	assert_int_equal(r->net.family, 4);
	assert_int_equal(r->line, 3);
	assert_string_equal(r->text, "allow cidr 10.0.0.0/8 ingress");
	r = rules_fw_rule_at(p, 1);
	assert_int_equal(r->kind, RULES_FW_PORT);
	assert_int_equal(r->verdict, RULES_FW_DENY);
	assert_int_equal(r->ip_proto, 6);
	assert_int_equal(r->port_lo, 22);
	assert_int_equal(r->port_hi, 22);
	assert_string_equal(r->text, "deny port tcp 22 ingress");
	r = rules_fw_rule_at(p, 2);
	assert_int_equal(r->ip_proto, 17);
	assert_int_equal(r->port_lo, 1000);
	assert_int_equal(r->port_hi, 2000);
	r = rules_fw_rule_at(p, 3);
	assert_int_equal(r->kind, RULES_FW_PROTO);
	assert_int_equal(r->ip_proto, 58);
	assert_int_equal(r->dir, RULES_FW_DIR_EGRESS);
	r = rules_fw_rule_at(p, 4);
	assert_int_equal(r->kind, RULES_FW_DEFAULT);
	assert_int_equal(r->verdict, RULES_FW_DENY);
	r = rules_fw_rule_at(p, 5);
	assert_int_equal(r->net.family, 6);
	assert_int_equal(r->prefix, 32);
	assert_int_equal(r->dir, RULES_FW_DIR_BOTH);
	r = rules_fw_rule_at(p, 6);
	assert_int_equal(r->ip_proto, 132);
	assert_int_equal(r->port_lo, 3868);
	assert_int_equal(r->port_hi, 3870);
	r = rules_fw_rule_at(p, 7);
	assert_int_equal(r->ip_proto, 47);
	r = rules_fw_rule_at(p, 8);
	assert_int_equal(r->verdict, RULES_FW_ALLOW);
	assert_int_equal(r->dir, RULES_FW_DIR_EGRESS);
	r = rules_fw_rule_at(p, 9);
	assert_int_equal(r->prefix, 32);
	assert_int_equal(r->line, 12);
	rules_fw_policy_free(p);
}

static void test_parse_port_list(void **state)
{
	(void)state;
	struct rules_fw_policy *p = load("allow port tcp 80,443,8000-8080 ingress\n");

	assert_int_equal(rules_fw_rule_count(p), 3);
	assert_int_equal(rules_fw_rule_at(p, 0)->port_lo, 80);
	assert_int_equal(rules_fw_rule_at(p, 1)->port_lo, 443);
	assert_int_equal(rules_fw_rule_at(p, 2)->port_lo, 8000);
	assert_int_equal(rules_fw_rule_at(p, 2)->port_hi, 8080);
	rules_fw_policy_free(p);
}

static void test_errors_positions(void **state)
{
	(void)state;
	expect_error("permit cidr 10.0.0.0/8", "compact-verb", 1);
	expect_error("allow host 10.0.0.1", "compact-kind", 7);
	expect_error("allow cidr 10.0.0.300/8 ingress", "compact-cidr", 12);
	expect_error("allow cidr 10.0.0.0/33", "compact-cidr", 12);
	expect_error("allow cidr 2001:db8::/129", "compact-cidr", 12);
	expect_error("deny port tcp 70000 ingress", "compact-port", 15);
	expect_error("deny port tcp 22,http", "compact-port", 18);
	expect_error("deny port tcp 2000-1000", "compact-port", 15);
	expect_error("deny port icmp 22", "compact-transport", 11);
	expect_error("deny proto bogus egress", "compact-proto", 12);
	expect_error("deny proto 256", "compact-proto", 12);
	expect_error("allow cidr 10.0.0.0/8 inbound", "compact-direction", 23);
	expect_error("allow cidr 10.0.0.0/8 ingress now", "compact-trailing", 31);
	expect_error("default maybe", "compact-verb", 9);
	/* Missing pieces point just past the last word. */
	expect_error("allow cidr", "compact-missing", 12);
	expect_error("deny port tcp", "compact-missing", 15);
	expect_error("default", "compact-missing", 9);
	expect_error("deny", "compact-missing", 6);
}

static void test_errors_do_not_stop_loading(void **state)
{
	(void)state;
	struct rules_fw_policy *p = rules_fw_policy_new();
	const char *t =
		"allow cidr 10.0.0.0/8\nbogus line here\ndeny port tcp x\nallow proto udp\n";

	assert_int_equal(rules_fw_load_string(p, t, strlen(t), "f"), 2);
	assert_int_equal(rules_fw_rule_count(p), 2);
	assert_int_equal(rules_fw_rule_at(p, 1)->line, 4);
	assert_int_equal(rules_fw_error_count(p), 2);
	assert_int_equal(rules_fw_diag_at(p, 0)->line, 2);
	assert_int_equal(rules_fw_diag_at(p, 1)->line, 3);
	rules_fw_policy_free(p);
}

static void test_warnings(void **state)
{
	(void)state;
	struct rules_fw_policy *p = load("allow cidr 10.1.2.3/8 ingress\n"
					 "deny port tcp 22 ingress\n"
					 "deny port tcp 22 ingress\n"
					 "allow port tcp 22 ingress\n");
	const struct rule_diag *d;

	assert_int_equal(rules_fw_error_count(p), 0);
	d = find_diag(p, "compact-host-bits");
	assert_non_null(d);
	assert_int_equal(d->severity, RULE_SEV_WARNING);
	assert_int_equal(d->col, 12);
	assert_int_equal(d->end_col, 22);
	/* The network was masked. */
	char buf[64];

	assert_string_equal(ip_addr_to_str(&rules_fw_rule_at(p, 0)->net, buf, sizeof(buf)),
			    "10.0.0.0");
	d = find_diag(p, "compact-duplicate");
	assert_non_null(d);
	assert_int_equal(d->line, 3);
	assert_non_null(strstr(d->message, "t.rules:2"));
	d = find_diag(p, "compact-conflict");
	assert_non_null(d);
	assert_int_equal(d->line, 4);
	assert_non_null(strstr(d->message, "deny wins"));
	rules_fw_policy_free(p);
}

static void test_load_file_missing(void **state)
{
	(void)state;
	struct rules_fw_policy *p = rules_fw_policy_new();

	assert_int_equal(rules_fw_load_file(p, "/nonexistent/l3l4.rules"), -1);
	assert_non_null(find_diag(p, "compact-file"));
	rules_fw_policy_free(p);
}

static void test_to_suricata(void **state)
{
	(void)state;
	struct rules_fw_policy *p = load("deny port tcp 22 ingress\n"
					 "allow cidr 10.0.0.0/8 egress\n"
					 "deny proto 47\n"
					 "allow port udp 1000-2000\n");
	char buf[512];

	rules_fw_rule_to_suricata(rules_fw_rule_at(p, 0), 7, buf, sizeof(buf));
	assert_non_null(strstr(buf, "drop tcp any any -> $HOME_NET 22 ("));
	assert_non_null(strstr(buf, "sid:7;"));
	rules_fw_rule_to_suricata(rules_fw_rule_at(p, 1), 8, buf, sizeof(buf));
	assert_non_null(strstr(buf, "accept ip $HOME_NET any -> 10.0.0.0/8 any ("));
	rules_fw_rule_to_suricata(rules_fw_rule_at(p, 2), 9, buf, sizeof(buf));
	assert_non_null(strstr(buf, "drop ip any any -> any any ("));
	assert_non_null(strstr(buf, "ip_proto:47;"));
	rules_fw_rule_to_suricata(rules_fw_rule_at(p, 3), 10, buf, sizeof(buf));
	assert_non_null(strstr(buf, "accept udp any any -> any 1000:2000 ("));
	rules_fw_policy_free(p);
}

/* ---- HOME_NET and direction --------------------------------------------------------------- */

static void test_home_and_direction(void **state)
{
	(void)state;
	struct rules_fw_policy *p = rules_fw_policy_new();
	char err[128];
	struct ip_addr a, b, c;

	ip_addr_parse("10.9.1.1", &a);
	ip_addr_parse("10.1.1.1", &b);
	ip_addr_parse("8.8.8.8", &c);
	/* Default HOME_NET contains 10/8. */
	assert_int_equal(rules_fw_direction(p, &c, &a), RULES_FW_DIR_INGRESS);
	assert_int_equal(
		rules_fw_policy_set_home(p, "[10.0.0.0/8, !10.9.0.0/16]", err, sizeof(err)), 0);
	assert_int_equal(rules_fw_direction(p, &c, &b), RULES_FW_DIR_INGRESS);
	assert_int_equal(rules_fw_direction(p, &b, &c), RULES_FW_DIR_EGRESS);
	assert_int_equal(rules_fw_direction(p, &c, &a), RULES_FW_DIR_NONE);
	assert_int_equal(rules_fw_direction(p, &a, &b), RULES_FW_DIR_INGRESS);
	assert_int_equal(rules_fw_policy_set_home(p, "[10.0.0.0/8", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "]"));
	assert_int_equal(rules_fw_policy_set_home(p, "[10.0.0.0/40]", err, sizeof(err)), -1);
	assert_int_equal(rules_fw_policy_set_home(p, "any", err, sizeof(err)), 0);
	assert_int_equal(rules_fw_direction(p, &c, &c), RULES_FW_DIR_INGRESS);
	rules_fw_policy_free(p);
}

/* ---- evaluation order --------------------------------------------------------------------- */

struct dcase {
	const char *src, *dst;
	uint8_t proto;
	uint16_t dp;
	enum rules_fw_verdict v;
	enum rules_fw_stage stage;
	uint32_t line; /* deciding rule's line, 0 for implicit */
};

static void run_cases(const char *policy, const char *home, const struct dcase *c, size_t n)
{
	struct rules_fw_policy *p = load(policy);
	char err[128];

	assert_int_equal(rules_fw_error_count(p), 0);
	if (home)
		assert_int_equal(rules_fw_policy_set_home(p, home, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++) {
		struct rules_fw_query q = q4(c[i].src, c[i].dst, c[i].proto, c[i].dp);
		struct rules_fw_decision d;
		enum rules_fw_verdict v = rules_fw_decide(p, &q, &d);

		if (v != c[i].v || d.stage != c[i].stage ||
		    (d.rule ? d.rule->line : 0) != c[i].line)
			fail_msg("case %zu (%s -> %s proto %u dp %u): got %s/%s line %u, want "
				 "%s/%s line %u",
				 i, c[i].src, c[i].dst, c[i].proto, c[i].dp,
				 v == RULES_FW_ALLOW ? "allow" : "deny",
				 rules_fw_stage_name(d.stage), d.rule ? d.rule->line : 0,
				 c[i].v == RULES_FW_ALLOW ? "allow" : "deny",
				 rules_fw_stage_name(c[i].stage), c[i].line);
		assert_int_equal(v, d.verdict);
	}
	rules_fw_policy_free(p);
}

#define A RULES_FW_ALLOW
#define D RULES_FW_DENY
#define S_CIDR RULES_FW_STAGE_CIDR
#define S_PORT RULES_FW_STAGE_PORT
#define S_PROTO RULES_FW_STAGE_PROTO
#define S_DEF RULES_FW_STAGE_DEFAULT
#define S_IMP RULES_FW_STAGE_IMPLICIT

static void test_longest_prefix(void **state)
{
	(void)state;
	static const struct dcase c[] = {
		{ "203.0.1.5", "10.0.0.1", 6, 80, A, S_CIDR, 1 },    /* /8 */
		{ "203.0.113.77", "10.0.0.1", 6, 80, D, S_CIDR, 2 }, /* /24 beats /8 */
		{ "203.0.113.78", "10.0.0.1", 6, 80, A, S_CIDR, 3 }, /* /32 beats /24 */
		{ "198.51.100.1", "10.0.0.1", 6, 80, D, S_DEF, 4 },
	};

	run_cases("allow cidr 203.0.0.0/8 ingress\n"
		  "deny cidr 203.0.113.0/24 ingress\n"
		  "allow cidr 203.0.113.78/32 ingress\n"
		  "default deny ingress\n",
		  NULL, c, ARRAY_SIZE(c));
}

static void test_cidr_remote_side(void **state)
{
	(void)state;
	/* Ingress tests the source, egress the destination, no direction either address. */
	static const struct dcase c[] = {
		{ "192.0.2.1", "10.0.0.1", 17, 53, D, S_CIDR, 1 }, /* ingress from 192.0.2/24 */
		{ "10.0.0.1", "192.0.2.1", 17, 53, A, S_DEF, 4 },  /* egress: rule 1 not applied */
		{ "10.0.0.1", "198.51.100.9", 17, 53, D, S_CIDR, 2 }, /* egress to 198.51.100/24 */
		{ "198.51.100.9", "10.0.0.1", 17, 53, A, S_DEF, 3 },  /* ingress from it: default */
		{ "10.0.0.1", "100.64.0.1", 6, 1, D, S_CIDR, 5 },     /* both: dst matches */
		{ "100.64.0.1", "10.0.0.1", 6, 1, D, S_CIDR, 5 },     /* both: src matches */
		{ "100.64.0.1", "100.64.0.2", 6, 1, D, S_CIDR, 5 },   /* transit, both-rule */
		{ "8.8.8.8", "8.8.4.4", 6, 1, D, S_IMP, 0 },	      /* transit, nothing */
	};

	run_cases("deny cidr 192.0.2.0/24 ingress\n"
		  "deny cidr 198.51.100.0/24 egress\n"
		  "default allow ingress\n"
		  "default allow egress\n"
		  "deny cidr 100.64.0.0/10\n",
		  NULL, c, ARRAY_SIZE(c));
}

static void test_port_exact_vs_range(void **state)
{
	(void)state;
	static const struct dcase c[] = {
		{ "8.8.8.8", "10.0.0.1", 6, 1500, D, S_PORT, 3 }, /* exact beats ranges */
		{ "8.8.8.8", "10.0.0.1", 6, 1400, A, S_PORT, 2 }, /* narrow range beats wide */
		{ "8.8.8.8", "10.0.0.1", 6, 1100, D, S_PORT, 1 }, /* only the wide range */
		{ "8.8.8.8", "10.0.0.1", 6, 2001, D, S_DEF, 4 },
		{ "8.8.8.8", "10.0.0.1", 17, 1500, D, S_DEF, 4 }, /* tcp rules don't match udp */
		{ "8.8.8.8", "10.0.0.1", 6, 1000, D, S_PORT, 1 }, /* inclusive bounds */
		{ "8.8.8.8", "10.0.0.1", 6, 2000, D, S_PORT, 1 },
		{ "8.8.8.8", "10.0.0.1", 6, 1450, A, S_PORT, 2 },
	};

	run_cases("deny port tcp 1000-2000 ingress\n"
		  "allow port tcp 1300-1450 ingress\n"
		  "deny port tcp 1500 ingress\n"
		  "default deny ingress\n",
		  NULL, c, ARRAY_SIZE(c));
}

static void test_stage_order(void **state)
{
	(void)state;
	/* cidr > port > proto > default; each earlier step overrides a later one. */
	static const struct dcase c[] = {
		{ "192.0.2.9", "10.0.0.1", 6, 22, A, S_CIDR, 1 }, /* cidr beats port deny */
		{ "8.8.8.8", "10.0.0.1", 6, 22, D, S_PORT, 2 },	  /* port beats proto allow */
		{ "8.8.8.8", "10.0.0.1", 6, 23, A, S_PROTO, 3 },  /* proto beats default deny */
		{ "8.8.8.8", "10.0.0.1", 1, 0, D, S_DEF, 4 },	  /* icmp: default */
		{ "10.0.0.1", "8.8.8.8", 1, 0, D, S_IMP, 0 },	  /* egress: no default */
		{ "10.0.0.1", "8.8.8.8", 6, 22, A, S_PROTO, 3 },  /* ingress port rule skipped */
	};

	run_cases("allow cidr 192.0.2.0/24 ingress\n"
		  "deny port tcp 22 ingress\n"
		  "allow proto tcp\n"
		  "default deny ingress\n",
		  NULL, c, ARRAY_SIZE(c));
}

static void test_proto_and_defaults(void **state)
{
	(void)state;
	static const struct dcase c[] = {
		{ "10.0.0.1", "8.8.8.8", 58, 0, D, S_PROTO, 1 }, /* icmpv6 egress denied */
		{ "8.8.8.8", "10.0.0.1", 58, 0, A, S_DEF, 3 },	 /* ingress: specific default */
		{ "10.0.0.1", "8.8.8.8", 17, 53, D, S_DEF, 2 },	 /* egress: both-default */
		{ "8.8.8.8", "10.0.0.1", 47, 0, A, S_DEF, 3 },
	};

	run_cases("deny proto icmpv6 egress\n"
		  "default deny\n"
		  "default allow ingress\n",
		  NULL, c, ARRAY_SIZE(c));
}

static void test_implicit_deny(void **state)
{
	(void)state;
	static const struct dcase c[] = {
		{ "8.8.8.8", "10.0.0.1", 6, 80, D, S_IMP, 0 },
		{ "10.0.0.1", "8.8.8.8", 6, 443, A, S_PORT, 1 },
		{ "10.0.0.1", "8.8.8.8", 6, 80, D, S_IMP, 0 },
	};

	run_cases("allow port tcp 443 egress\n", NULL, c, ARRAY_SIZE(c));
	/* An empty policy denies everything. */
	struct rules_fw_policy *p = load("# nothing\n");
	struct rules_fw_query q = q4("10.0.0.1", "10.0.0.2", 6, 22);
	struct rules_fw_decision d;

	assert_int_equal(rules_fw_decide(p, &q, &d), RULES_FW_DENY);
	assert_int_equal(d.stage, RULES_FW_STAGE_IMPLICIT);
	assert_null(d.rule);
	rules_fw_policy_free(p);
}

static void test_deny_wins_ties(void **state)
{
	(void)state;
	/* Each step has an allow and a deny of equal specificity; the allow comes first. */
	static const struct dcase c[] = {
		{ "192.0.2.1", "10.0.0.1", 6, 9, D, S_CIDR, 2 },
		{ "8.8.8.8", "10.0.0.1", 6, 80, D, S_PORT, 4 },
		{ "8.8.8.8", "10.0.0.1", 6, 1005, D, S_PORT, 6 },
		{ "8.8.8.8", "10.0.0.1", 17, 9, D, S_PROTO, 8 },
		{ "8.8.8.8", "10.0.0.1", 1, 0, D, S_DEF, 10 },
	};

	run_cases("allow cidr 192.0.2.0/24 ingress\n"
		  "deny cidr 192.0.2.0/24\n"
		  "allow port tcp 80 ingress\n"
		  "deny port tcp 80\n"
		  "allow port tcp 1000-1010 ingress\n"
		  "deny port tcp 1001-1011 ingress\n"
		  "allow proto udp ingress\n"
		  "deny proto udp\n"
		  "default allow ingress\n"
		  "default deny ingress\n",
		  NULL, c, ARRAY_SIZE(c));
}

static void test_ipv6_and_explicit_dir(void **state)
{
	(void)state;
	struct rules_fw_policy *p = load("allow cidr 2001:db8::/32 ingress\n"
					 "deny cidr 2001:db8:1::/48 ingress\n"
					 "allow cidr 0.0.0.0/0 ingress\n");
	char err[64];
	struct rules_fw_query q;
	struct rules_fw_decision d;

	assert_int_equal(rules_fw_policy_set_home(p, "[fd00::/8]", err, sizeof(err)), 0);
	memset(&q, 0, sizeof(q));
	ip_addr_parse("2001:db8:1::5", &q.src);
	ip_addr_parse("fd00::1", &q.dst);
	q.ip_proto = 6;
	assert_int_equal(rules_fw_decide(p, &q, &d), RULES_FW_DENY);
	assert_int_equal(d.rule->line, 2);
	ip_addr_parse("2001:db8:2::5", &q.src);
	assert_int_equal(rules_fw_decide(p, &q, &d), RULES_FW_ALLOW);
	assert_int_equal(d.rule->line, 1);
	/* An IPv4 /0 never matches IPv6. */
	ip_addr_parse("2001:dead::1", &q.src);
	assert_int_equal(rules_fw_decide(p, &q, &d), RULES_FW_DENY);
	assert_int_equal(d.stage, RULES_FW_STAGE_IMPLICIT);
	/* The caller may force the direction. */
	ip_addr_parse("2001:db8:2::5", &q.src);
	q.dir = RULES_FW_DIR_EGRESS;
	assert_int_equal(rules_fw_decide(p, &q, &d), RULES_FW_DENY);
	assert_int_equal(d.dir, RULES_FW_DIR_EGRESS);
	rules_fw_policy_free(p);
}

/* Exhaustive cross-check against a straightforward reference model: all prefix lengths of one
 * address against a policy with a rule at every 4th prefix length, both verdicts. */
static void test_prefix_sweep(void **state)
{
	(void)state;
	char text[8192];
	size_t o = 0;

	for (int len = 0; len <= 32; len += 4)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "%s cidr 172.31.255.255/%d ingress\n",
				      (len / 4) % 2 ? "deny" : "allow", len);
	struct rules_fw_policy *p = load(text);
	char err[64];

	assert_int_equal(rules_fw_policy_set_home(p, "10.0.0.0/8", err, sizeof(err)), 0);
	for (int diff = 0; diff <= 32; diff++) {
		/* An address that shares exactly `diff` leading bits with 172.31.255.255. */
		uint32_t base = 0xac1fffffu, a = diff == 32 ? base : (base ^ (0x80000000u >> diff));
		uint8_t b[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8),
				 (uint8_t)a };
		struct rules_fw_query q;
		struct rules_fw_decision d;

		memset(&q, 0, sizeof(q));
		ip_addr_set_v4(&q.src, b);
		ip_addr_parse("10.1.1.1", &q.dst);
		q.ip_proto = 17;
		rules_fw_decide(p, &q, &d);
		int best = (diff / 4) * 4; /* longest rule prefix <= shared bits */

		assert_int_equal(d.stage, RULES_FW_STAGE_CIDR);
		assert_int_equal(d.rule->prefix, best);
		assert_int_equal(d.verdict, (best / 4) % 2 ? RULES_FW_DENY : RULES_FW_ALLOW);
	}
	rules_fw_policy_free(p);
}

/* Port specificity sweep: for each port 0..99 the narrowest covering range decides. */
static void test_port_sweep(void **state)
{
	(void)state;
	struct rules_fw_policy *p = load("allow port udp 0-99 ingress\n"
					 "deny port udp 10-59 ingress\n"
					 "allow port udp 20-39 ingress\n"
					 "deny port udp 25-34 ingress\n"
					 "allow port udp 30 ingress\n");

	for (uint16_t port = 0; port < 100; port++) {
		struct rules_fw_query q = q4("8.8.8.8", "10.0.0.1", 17, port);
		struct rules_fw_decision d;
		uint32_t want;

		rules_fw_decide(p, &q, &d);
		want = port == 30		    ? 5
		       : (port >= 25 && port <= 34) ? 4
		       : (port >= 20 && port <= 39) ? 3
		       : (port >= 10 && port <= 59) ? 2
						    : 1;
		assert_int_equal(d.rule->line, want);
		assert_int_equal(d.verdict, want % 2 ? RULES_FW_ALLOW : RULES_FW_DENY);
	}
	rules_fw_policy_free(p);
}

/* ---- aegis rule --------------------------------------------------------------------------- */

static char tmpdir[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/aegis-rtools-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char root[300];

	snprintf(root, sizeof(root), "%s/root", tmpdir);
	setenv("AEGIS_CONFIG_ROOT", root, 1);
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown_dir(void **state)
{
	(void)state;
	/* Remove our own mkdtemp tree, deepest entries first. */
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int run_rule(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
		    const char *a6, const char *a7)
{
	char *argv[8] = { "rule",     (char *)a1, (char *)a2, (char *)a3,
			  (char *)a4, (char *)a5, (char *)a6, (char *)a7 };
	int argc = 1;

	while (argc < 8 && argv[argc])
		argc++;
	fflush(stdout);
	int saved = dup(1), devnull = open("/dev/null", O_WRONLY);

	dup2(devnull, 1);
	close(devnull);
	int rc = rules_cli_rule(argc, argv);

	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char buf[8192];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int count_backups(void)
{
	char dir[400];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/root/state/versions", tmpdir);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "l3l4.rules.", 11) == 0)
			n++;
	closedir(d);
	return n;
}

static void test_rule_add_list_remove(void **state)
{
	(void)state;
	char file[400];

	snprintf(file, sizeof(file), "%s/l3l4.rules", tmpdir);
	unlink(file);
	/* add to a file that doesn't exist yet: created, no backup */
	assert_int_equal(
		run_rule("add", "--rules", file, "deny port tcp 22 ingress", NULL, NULL, NULL), 0);
	assert_string_equal(slurp(file), "deny port tcp 22 ingress\n");
	assert_int_equal(count_backups(), 0);
	/* words need no quoting */
	assert_int_equal(run_rule("add", "--rules", file, "allow", "cidr", "10.0.0.0/8", "ingress"),
			 0);
	assert_string_equal(slurp(file),
			    "deny port tcp 22 ingress\nallow cidr 10.0.0.0/8 ingress\n");
	assert_int_equal(count_backups(), 1);
	/* duplicates are refused (textual, and same selector written differently) */
	assert_int_equal(
		run_rule("add", "--rules", file, "deny  port tcp 22  ingress", NULL, NULL, NULL),
		1);
	assert_int_equal(
		run_rule("add", "--rules", file, "deny port tcp 022 ingress", NULL, NULL, NULL), 1);
	/* invalid lines are refused and the file is untouched */
	assert_int_equal(run_rule("add", "--rules", file, "deny port tcp 99999", NULL, NULL, NULL),
			 2);
	assert_int_equal(run_rule("add", "--rules", file, "# only a comment", NULL, NULL, NULL), 2);
	assert_string_equal(slurp(file),
			    "deny port tcp 22 ingress\nallow cidr 10.0.0.0/8 ingress\n");
	assert_int_equal(count_backups(), 1);
	assert_int_equal(run_rule("add", "--rules", file, "default deny ingress", NULL, NULL, NULL),
			 0);

	/* list: numbered rule lines, captured from stdout */
	char out[400];

	snprintf(out, sizeof(out), "%s/list.out", tmpdir);
	fflush(stdout);
	int saved = dup(1), fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	dup2(fd, 1);
	close(fd);
	char *argv[] = { "rule", "list", "--rules", file };
	int rc = rules_cli_rule(4, argv);

	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	assert_int_equal(rc, 0);
	assert_string_equal(slurp(out), "   1  deny port tcp 22 ingress\n"
					"   2  allow cidr 10.0.0.0/8 ingress\n"
					"   3  default deny ingress\n");

	/* remove by index and by text */
	assert_int_equal(run_rule("remove", "--rules", file, "--index", "2", NULL, NULL), 0);
	assert_string_equal(slurp(file), "deny port tcp 22 ingress\ndefault deny ingress\n");
	assert_int_equal(
		run_rule("remove", "--rules", file, "deny port tcp 22 ingress", NULL, NULL, NULL),
		0);
	assert_string_equal(slurp(file), "default deny ingress\n");
	/* not found */
	assert_int_equal(run_rule("remove", "--rules", file, "--index", "5", NULL, NULL), 1);
	assert_int_equal(run_rule("remove", "--rules", file, "allow proto udp", NULL, NULL, NULL),
			 1);
	/* every successful change of an existing file left a backup */
	assert_int_equal(count_backups(), 4);
	/* the backup holds the previous version */
	char vdir[400];
	DIR *d;
	struct dirent *e;
	bool seen = false;

	snprintf(vdir, sizeof(vdir), "%s/root/state/versions", tmpdir);
	d = opendir(vdir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		char p[700];

		if (strncmp(e->d_name, "l3l4.rules.", 11) != 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", vdir, e->d_name);
		if (strcmp(slurp(p), "deny port tcp 22 ingress\ndefault deny ingress\n") == 0)
			seen = true;
	}
	closedir(d);
	assert_true(seen);
}

static void test_rule_refuses_broken_file_and_usage(void **state)
{
	(void)state;
	char file[400];
	FILE *f;

	snprintf(file, sizeof(file), "%s/broken.rules", tmpdir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("allow cidr 10.0.0.0/8\nallow cidr nonsense\n", f);
	fclose(f);
	/* the resulting file would not load: refused with 2 */
	assert_int_equal(run_rule("add", "--rules", file, "deny proto gre", NULL, NULL, NULL), 2);
	assert_string_equal(slurp(file), "allow cidr 10.0.0.0/8\nallow cidr nonsense\n");
	/* usage errors */
	assert_int_equal(run_rule(NULL, NULL, NULL, NULL, NULL, NULL, NULL), 1);
	assert_int_equal(run_rule("add", "deny proto gre", NULL, NULL, NULL, NULL, NULL), 1);
	assert_int_equal(run_rule("frobnicate", "--rules", file, NULL, NULL, NULL, NULL), 1);
	assert_int_equal(run_rule("remove", "--rules", file, NULL, NULL, NULL, NULL), 1);
	assert_int_equal(run_rule("remove", "--rules", file, "--index", "0", NULL, NULL), 1);
	assert_int_equal(
		run_rule("list", "--rules", "/nonexistent/x.rules", NULL, NULL, NULL, NULL), 1);
	assert_int_equal(run_rule("add", "--rules", file, "--bogus", NULL, NULL, NULL), 1);
}

static void test_diag_print_underline(void **state)
{
	(void)state;
	struct rules_fw_policy *p = load("deny port\ttcp 70000 ingress\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rules_fw_diag_count(p), 1);
	rules_diag_print(f, rules_fw_diag_at(p, 0), true);
	fclose(f);
	assert_string_equal(buf, "t.rules:1:15: error: bad port '70000' (expected N, N-M or N:M, "
				 "0..65535) [compact-port]\n"
				 " deny port\ttcp 70000 ingress\n"
				 "          \t    ^~~~~\n");
	free(buf);
	rules_fw_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_all_forms),
		cmocka_unit_test(test_parse_port_list),
		cmocka_unit_test(test_errors_positions),
		cmocka_unit_test(test_errors_do_not_stop_loading),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_load_file_missing),
		cmocka_unit_test(test_to_suricata),
		cmocka_unit_test(test_home_and_direction),
		cmocka_unit_test(test_longest_prefix),
		cmocka_unit_test(test_cidr_remote_side),
		cmocka_unit_test(test_port_exact_vs_range),
		cmocka_unit_test(test_stage_order),
		cmocka_unit_test(test_proto_and_defaults),
		cmocka_unit_test(test_implicit_deny),
		cmocka_unit_test(test_deny_wins_ties),
		cmocka_unit_test(test_ipv6_and_explicit_dir),
		cmocka_unit_test(test_prefix_sweep),
		cmocka_unit_test(test_port_sweep),
		cmocka_unit_test(test_diag_print_underline),
		cmocka_unit_test_setup_teardown(test_rule_add_list_remove, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_rule_refuses_broken_file_and_usage, setup_dir,
						teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
