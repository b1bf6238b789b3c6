/*
 * test-rules.c — unit tests of the rule language stage: lexer (escapes, continuation lines,
 * hex, disabled rules), header parsing, address and port sets (errors, variables, nesting, IPv6,
 * ranges, membership), each keyword parser (accepting and rejecting), the per-rule semantic
 * checks (each check-id fires on a minimal bad rule and not on a good one), duplicate sids,
 * flowbits warnings, unsupported counting and classification/reference config loading.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf/conf.h"
#include "rules/rules.h"

#define HDR "alert tcp any any -> any any "

static struct rules_ruleset *load(const char *text)
{
	struct rules_ruleset *rs = rules_ruleset_new(NULL);
	assert_non_null(rs);
	assert_int_equal(rules_ruleset_define_var(rs, false, "HOME_NET", "[10.0.0.0/8,192.168.0.0/16]"), 0);
	assert_int_equal(rules_ruleset_define_var(rs, false, "EXTERNAL_NET", "!$HOME_NET"), 0);
	assert_int_equal(rules_ruleset_define_var(rs, true, "HTTP_PORTS", "[80,8080]"), 0);
	assert_int_equal(rules_load_string(rs, text, strlen(text), "t.rules"), 0);
	rules_ruleset_finalize(rs);
	return rs;
}

static const struct rule_diag *find_diag(const struct rules_ruleset *rs, const char *check_id)
{
	for (size_t i = 0; i < rules_diag_count(rs); i++)
		if (strcmp(rules_diag_at(rs, i)->check_id, check_id) == 0)
			return rules_diag_at(rs, i);
	return NULL;
}

/* The rule loads (no error) and yields exactly one rule. */
static void expect_ok(const char *text)
{
	struct rules_ruleset *rs = load(text);
	if (rules_ruleset_counts(rs)->errors) {
		char buf[1024];
		rules_diag_format(rules_diag_at(rs, 0), buf, sizeof(buf));
		fail_msg("unexpected: %s\nfor: %s", buf, text);
	}
	assert_int_equal(rules_ruleset_count(rs), 1);
	rules_ruleset_free(rs);
}

/* The rule fails with the given check-id. */
static void expect_err(const char *text, const char *check_id)
{
	struct rules_ruleset *rs = load(text);
	const struct rule_diag *d = find_diag(rs, check_id);
	if (!d || d->severity != RULE_SEV_ERROR)
		fail_msg("expected error [%s] for: %s (errors=%u)", check_id, text,
			 rules_ruleset_counts(rs)->errors);
	assert_int_equal(rules_ruleset_counts(rs)->failed, 1);
	assert_int_equal(rules_ruleset_count(rs), 0);
	rules_ruleset_free(rs);
}

static void expect_warn(const char *text, const char *check_id)
{
	struct rules_ruleset *rs = load(text);
	const struct rule_diag *d = find_diag(rs, check_id);
	if (!d || d->severity != RULE_SEV_WARNING)
		fail_msg("expected warning [%s] for: %s", check_id, text);
	rules_ruleset_free(rs);
}

static const struct rule_match *first_match(const struct rule *r, const char *kw)
{
	for (uint16_t g = 0; g < r->n_groups; g++)
		for (uint32_t i = 0; i < r->groups[g].n; i++)
			if (strcmp(r->groups[g].m[i].kw->name, kw) == 0)
				return &r->groups[g].m[i];
	return NULL;
}

/* ---- lexer -------------------------------------------------------------------------------- */

static void test_lexer_escapes_and_hex(void **state)
{
	(void)state;
	struct rules_ruleset *rs =
		load(HDR "(msg:\"a \\\"q\\\" \\; b\"; content:\"x\\;y|41 42|\\\\\\\"z\"; sid:1; rev:1;)");
	assert_int_equal(rules_ruleset_count(rs), 1);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_string_equal(r->msg, "a \"q\" ; b");
	const struct rule_match *m = first_match(r, "content");
	assert_non_null(m);
	assert_int_equal(m->u.content.len, 8);
	assert_memory_equal(m->u.content.pat, "x;yAB\\\"z", 8);
	rules_ruleset_free(rs);
	expect_err(HDR "(content:\"|4|\"; sid:1;)", "content-hex");
	expect_err(HDR "(content:\"|41 4G|\"; sid:1;)", "content-hex");
	expect_err(HDR "(content:\"|41\"; sid:1;)", "content-hex");
	expect_err(HDR "(content:\"a\\x\"; sid:1;)", "content-escape");
	expect_err(HDR "(content:\"\"; sid:1;)", "content-empty");
}

static void test_lexer_continuation_and_positions(void **state)
{
	(void)state;
	const char *text = "# comment line\n"
			   "\n"
			   "alert tcp any any -> any any (msg:\"x\"; \\\n"
			   "   content:\"abc\"; \\\n"
			   "   depth:2; sid:7; rev:1;)\n";
	struct rules_ruleset *rs = load(text);
	assert_int_equal(rules_ruleset_count(rs), 0);
	const struct rule_diag *d = find_diag(rs, "depth-too-small");
	assert_non_null(d);
	assert_int_equal(d->line, 5);
	assert_int_equal(d->col, 4);
	assert_true(d->end_col > d->col);
	assert_string_equal(d->source_line, "   depth:2; sid:7; rev:1;)");
	char buf[512];
	rules_diag_format(d, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.rules:5:4: error: "));
	assert_non_null(strstr(buf, "[depth-too-small]"));
	rules_ruleset_free(rs);
}

static void test_lexer_disabled_rules(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load("# alert tcp any any -> any any (msg:\"d\"; sid:5; rev:1;)\n"
					"#alert tcp any any -> any any (content:\"|4|\"; sid:6;)\n"
					"# alert on everything (a comment, not a rule)\n"
					"alert tcp any any -> any any (sid:5; rev:1;)\n");
	const struct rules_counts *c = rules_ruleset_counts(rs);
	assert_int_equal(c->disabled, 1);
	assert_int_equal(c->disabled_failed, 1);
	assert_int_equal(c->loaded, 1);
	assert_int_equal(rules_ruleset_count(rs), 2);
	assert_true(rules_ruleset_rule(rs, 0)->disabled);
	/* a disabled duplicate of an enabled sid is not a duplicate */
	assert_null(find_diag(rs, "sid-duplicate"));
	const struct rule_diag *d = find_diag(rs, "content-hex");
	assert_non_null(d);
	assert_true(d->in_disabled_rule);
	rules_ruleset_free(rs);
}

static void test_lexer_syntax_errors(void **state)
{
	(void)state;
	expect_err(HDR "(sid:1; rev:1", "rule-syntax");
	expect_err(HDR "(sid:1; rev:1)", "rule-syntax");
	expect_err(HDR "(sid:1; foo:bar; rev:1;)", "keyword-unknown");
	expect_err(HDR "(sid:1; service:http; rev:1;)", "snort3-syntax");
	expect_err(HDR "(content:\"a\",depth 4; sid:1;)", "snort3-syntax");
	expect_err("alert http (msg:\"x\"; sid:1;)", "snort3-syntax");
}

/* ---- header ------------------------------------------------------------------------------- */

static void test_header(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(
		"drop http $HOME_NET any <> $EXTERNAL_NET $HTTP_PORTS (sid:1; rev:1;)\n"
		"rejectboth udp any 53 -> any any (sid:2; rev:1;)\n"
		"pass icmpv6 any any => any any (sid:3; rev:1;)\n"
		"alert tcp-pkt any any -> any any (sid:4; rev:1;)\n");
	assert_int_equal(rules_ruleset_count(rs), 4);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_int_equal(r->action, RULE_ACTION_DROP);
	assert_int_equal(r->proto, RULE_PROTO_APP);
	assert_string_equal(r->app_proto, "http");
	assert_int_equal(r->transport, RULE_TR_TCP);
	assert_int_equal(r->dir, RULE_DIR_BOTH);
	assert_true(rules_port_set_match(r->dp, 8080));
	assert_false(rules_port_set_match(r->dp, 81));
	assert_int_equal(rules_ruleset_rule(rs, 1)->action, RULE_ACTION_REJECTBOTH);
	assert_int_equal(rules_ruleset_rule(rs, 2)->dir, RULE_DIR_TX);
	assert_int_equal(rules_ruleset_rule(rs, 2)->proto, RULE_PROTO_ICMPV6);
	assert_int_equal(rules_ruleset_rule(rs, 3)->proto_flags, RULE_PF_TCP_PKT);
	assert_int_equal(rules_ruleset_counts(rs)->by_action[RULE_ACTION_DROP], 1);
	rules_ruleset_free(rs);
	expect_err("alertx tcp any any -> any any (sid:1;)", "header-action");
	expect_err("alert foo any any -> any any (sid:1;)", "header-proto");
	expect_err("alert tcp any any <- any any (sid:1;)", "header-direction");
	expect_err("alert tcp any any -- any any (sid:1;)", "header-direction");
	expect_err("alert tcp any any -> any (sid:1;)", "header-syntax");
	expect_err("alert tcp $NOPE any -> any any (sid:1;)", "header-address");
	expect_err("alert tcp any 70000 -> any any (sid:1;)", "header-port");
}

/* ---- addresses and ports ------------------------------------------------------------------ */

static bool in(const struct rules_addr_set *s, const char *ip)
{
	struct ip_addr a;
	assert_int_equal(ip_addr_parse(ip, &a), 0);
	return rules_addr_set_match(s, &a);
}

static void test_addr_sets(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load("");
	const struct rules_addr_set *s;
	char err[256];
	assert_int_equal(rules_addr_set_parse(rs, "[10.0.0.0/8,!10.1.0.0/16,192.168.1.1-192.168.1.9]",
					      &s, err, sizeof(err)), 0);
	assert_true(in(s, "10.2.3.4"));
	assert_false(in(s, "10.1.3.4"));
	assert_true(in(s, "192.168.1.5"));
	assert_false(in(s, "192.168.1.10"));
	assert_false(in(s, "2001:db8::1"));
	assert_int_equal(s->n4, 3);
	/* negation-only list starts from any; nested groups */
	assert_int_equal(rules_addr_set_parse(rs, "[![1.2.3.4,[5.6.7.8]]]", &s, err, sizeof(err)), 0);
	assert_false(in(s, "5.6.7.8"));
	assert_true(in(s, "5.6.7.9"));
	assert_true(in(s, "::1"));
	/* variables, EXTERNAL_NET = !HOME_NET */
	assert_int_equal(rules_addr_set_parse(rs, "$EXTERNAL_NET", &s, err, sizeof(err)), 0);
	assert_false(in(s, "10.9.9.9"));
	assert_true(in(s, "8.8.8.8"));
	assert_int_equal(rules_addr_set_parse(rs, "any", &s, err, sizeof(err)), 0);
	assert_true(s->any);
	/* IPv6 */
	assert_int_equal(rules_addr_set_parse(rs, "[2001:db8::/32,!2001:db8:1::/48]", &s, err,
					      sizeof(err)), 0);
	assert_true(in(s, "2001:db8:2::1"));
	assert_false(in(s, "2001:db8:1::1"));
	assert_false(in(s, "10.0.0.1"));
	/* netmask form */
	assert_int_equal(rules_addr_set_parse(rs, "1.2.0.0/255.255.0.0", &s, err, sizeof(err)), 0);
	assert_true(in(s, "1.2.200.1"));
	/* errors */
	assert_int_equal(rules_addr_set_parse(rs, "[1.2.3.4,!1.2.3.4]", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(rules_addr_set_parse(rs, "!any", &s, err, sizeof(err)), -1);
	assert_int_equal(rules_addr_set_parse(rs, "[1.2.3.4", &s, err, sizeof(err)), -1);
	assert_int_equal(rules_addr_set_parse(rs, "[]", &s, err, sizeof(err)), -1);
	assert_int_equal(rules_addr_set_parse(rs, "1.2.3.4/33", &s, err, sizeof(err)), -1);
	assert_int_equal(rules_addr_set_parse(rs, "1.2.3.9-1.2.3.1", &s, err, sizeof(err)), -1);
	assert_int_equal(rules_addr_set_parse(rs, "300.1.1.1", &s, err, sizeof(err)), -1);
	assert_int_equal(rules_addr_set_parse(rs, "$UNDEFINED", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "$UNDEFINED"));
	/* a variable loop is bounded */
	rules_ruleset_define_var(rs, false, "LOOP", "$LOOP");
	assert_int_equal(rules_addr_set_parse(rs, "$LOOP", &s, err, sizeof(err)), -1);
	rules_ruleset_free(rs);
}

static void test_port_sets(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load("");
	const struct rules_port_set *p;
	char err[256];
	assert_int_equal(rules_port_set_parse(rs, "[1024:,!8080,$HTTP_PORTS]", &p, err, sizeof(err)), 0);
	assert_true(rules_port_set_match(p, 80));
	assert_true(rules_port_set_match(p, 1024));
	assert_true(rules_port_set_match(p, 65535));
	assert_false(rules_port_set_match(p, 8080));
	assert_false(rules_port_set_match(p, 1023));
	assert_int_equal(rules_port_set_parse(rs, ":1023", &p, err, sizeof(err)), 0);
	assert_true(rules_port_set_match(p, 0));
	assert_false(rules_port_set_match(p, 1024));
	assert_int_equal(rules_port_set_parse(rs, "![80,443]", &p, err, sizeof(err)), 0);
	assert_false(rules_port_set_match(p, 443));
	assert_true(rules_port_set_match(p, 444));
	assert_int_equal(rules_port_set_parse(rs, "[80,!80]", &p, err, sizeof(err)), -1);
	assert_int_equal(rules_port_set_parse(rs, "!any", &p, err, sizeof(err)), -1);
	assert_int_equal(rules_port_set_parse(rs, "65536", &p, err, sizeof(err)), -1);
	assert_int_equal(rules_port_set_parse(rs, "90:80", &p, err, sizeof(err)), -1);
	assert_int_equal(rules_port_set_parse(rs, "http", &p, err, sizeof(err)), -1);
	rules_ruleset_free(rs);
}

static void test_vars_from_conf(void **state)
{
	(void)state;
	/* a configuration tree as conf builds it: vars.address-groups.HOME_NET */
	struct conf_node root = { .type = CONF_MAP }, vars = { .type = CONF_MAP, .key = "vars" },
			 ag = { .type = CONF_MAP, .key = "address-groups" },
			 home = { .type = CONF_SCALAR, .key = "HOME_NET", .value = "[172.16.0.0/12]" },
			 pg = { .type = CONF_MAP, .key = "port-groups" },
			 hp = { .type = CONF_SCALAR, .key = "HTTP_PORTS", .value = "8000:8999" };
	root.first_child = &vars;
	vars.first_child = &ag;
	ag.next = &pg;
	ag.first_child = &home;
	pg.first_child = &hp;
	struct conf c = { .root = &root };
	struct rules_ruleset *rs = rules_ruleset_new(&c);
	const char *t = "alert tcp $HOME_NET any -> any $HTTP_PORTS (sid:1; rev:1;)";
	assert_int_equal(rules_load_string(rs, t, strlen(t), "c.rules"), 0);
	assert_int_equal(rules_ruleset_count(rs), 1);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_true(in(r->src, "172.20.0.1"));
	assert_false(in(r->src, "10.0.0.1"));
	assert_true(rules_port_set_match(r->dp, 8500));
	rules_ruleset_free(rs);
}

/* ---- keywords ----------------------------------------------------------------------------- */

static void test_kw_content_modifiers(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(HDR "(content:!\"abc\"; nocase; offset:2; depth:10; "
				       "content:\"de\"; distance:0; within:5; fast_pattern; sid:1; rev:1;)");
	assert_int_equal(rules_ruleset_count(rs), 1);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_int_equal(r->n_groups, 1);
	const struct rule_content *c0 = &r->groups[0].m[0].u.content;
	const struct rule_content *c1 = &r->groups[0].m[1].u.content;
	assert_true(c0->flags & RULE_CF_NEGATED);
	assert_true(c0->flags & RULE_CF_NOCASE);
	assert_int_equal(c0->offset.value, 2);
	assert_int_equal(c0->depth.value, 10);
	assert_true(c0->flags & RULE_CF_RELATIVE_NEXT);
	assert_true(c1->flags & RULE_CF_FAST_PATTERN);
	assert_int_equal(c1->within.value, 5);
	rules_ruleset_free(rs);
	expect_ok(HDR "(content:\"abcdef\"; fast_pattern:1,3; sid:1; rev:1;)");
	expect_ok(HDR "(content:\"abc\"; fast_pattern:only; sid:1; rev:1;)");
	expect_ok(HDR "(content:\"abc\"; startswith; content:\"x\"; endswith; sid:1; rev:1;)");
	expect_err(HDR "(content:\"abcdef\"; fast_pattern:4,3; sid:1;)", "keyword-arg");
	expect_err(HDR "(content:!\"abc\"; fast_pattern:only; sid:1;)", "modifier-conflict");
	expect_err(HDR "(nocase; content:\"a\"; sid:1;)", "content-modifier-without-content");
	expect_err(HDR "(content:\"a\"; nocase; nocase; sid:1;)", "modifier-duplicate");
	expect_err(HDR "(content:\"a\"; fast_pattern; content:\"b\"; fast_pattern; sid:1;)",
		   "modifier-duplicate");
	expect_err(HDR "(content:\"a\"; content:\"b\"; depth:4; distance:1; sid:1;)",
		   "modifier-conflict");
	expect_err(HDR "(content:\"a\"; content:\"b\"; within:4; offset:1; sid:1;)",
		   "modifier-conflict");
	expect_err(HDR "(content:\"a\"; startswith; depth:4; sid:1;)", "modifier-conflict");
	expect_err(HDR "(content:\"abcd\"; depth:3; sid:1;)", "depth-too-small");
	expect_err(HDR "(content:\"a\"; content:\"abcd\"; within:3; sid:1;)", "depth-too-small");
	expect_err(HDR "(content:\"a\"; depth:x; sid:1;)", "var-undefined");
	expect_err(HDR "(content:\"a\"; depth:-1; sid:1;)", "keyword-arg");
}

static void test_kw_sticky_and_legacy(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(
		"alert http any any -> any any (content:\"GET\"; http_method; http.uri; "
		"content:\"/a\"; startswith; dotprefix; content:\".b\"; pkt_data; content:\"x\"; "
		"sid:1; rev:1;)");
	assert_int_equal(rules_ruleset_count(rs), 1);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_int_equal(r->n_groups, 4);
	assert_string_equal(rules_buffer_name(r->groups[0].buffer), "http.method");
	assert_string_equal(rules_buffer_name(r->groups[1].buffer), "http.uri");
	assert_int_equal(r->groups[1].n_transforms, 0);
	assert_string_equal(rules_buffer_name(r->groups[2].buffer), "http.uri");
	assert_int_equal(r->groups[2].n_transforms, 1);
	assert_int_equal(r->groups[3].buffer, RULES_BUF_PAYLOAD);
	rules_ruleset_free(rs);
	expect_err("alert http any any -> any any (http.uri; content:\"a\"; http_header; sid:1;)",
		   "modifier-conflict");
	expect_err(HDR "(dotprefix; content:\"a\"; sid:1;)", "transform-without-buffer");
	/* buffers and protocols */
	expect_ok(HDR "(http.uri; content:\"a\"; sid:1; rev:1;)");
	expect_err("alert dns any any -> any any (http.uri; content:\"a\"; sid:1;)",
		   "buffer-proto-mismatch");
	expect_err("alert udp any any -> any any (http.uri; content:\"a\"; sid:1;)",
		   "buffer-proto-mismatch");
	expect_err(HDR "(http.uri; content:\"a\"; dns.query; content:\"b\"; sid:1;)",
		   "buffer-proto-conflict");
	expect_ok("alert dns any any -> any any (dns_query; content:\"a\"; sid:1; rev:1;)");
	expect_ok("alert tls any any -> any any (tls.sni; content:\"a\"; ja3.hash; "
		  "content:\"e7eca2baf4458d095b7f45da28c16c34\"; sid:1; rev:1;)");
}

/* "file.data: to_client;" (Suricata 8): a sticky buffer's one value is the message it is read
 * from; the same buffer with another direction is another group. */
static void test_kw_sticky_direction(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(
		"alert http any any => any any (file.data: to_server; content:\"a\"; "
		"file.data: to_client; content:\"b\"; file.data; content:\"c\"; sid:1; rev:1;)");
	assert_int_equal(rules_ruleset_count(rs), 1);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_int_equal(r->n_groups, 3);
	assert_int_equal(r->groups[0].dir, RULE_BUFDIR_TO_SERVER);
	assert_int_equal(r->groups[1].dir, RULE_BUFDIR_TO_CLIENT);
	assert_int_equal(r->groups[2].dir, RULE_BUFDIR_ANY);
	for (int k = 0; k < 3; k++)
		assert_string_equal(rules_buffer_name(r->groups[k].buffer), "file.data");
	rules_ruleset_free(rs);
	expect_err("alert http any any => any any (file.data: sideways; content:\"a\"; sid:1;)",
		   "keyword-arg");
	expect_err(HDR "(pkt_data: to_client; content:\"a\"; sid:1;)", "keyword-arg");
}

static void test_kw_pcre(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(HDR "(content:\"a\"; pcre:\"/b(c|\\\"d)/Ris\"; sid:1; rev:1;)");
	assert_int_equal(rules_ruleset_count(rs), 1);
	const struct rule_match *m = first_match(rules_ruleset_rule(rs, 0), "pcre");
	assert_non_null(m);
	assert_non_null(m->u.pcre.code);
	assert_true(m->u.pcre.flags & RULE_PCRE_RELATIVE);
	rules_ruleset_free(rs);
	rs = load(HDR "(pcre:\"/x/U\"; sid:1; rev:1;)");
	m = first_match(rules_ruleset_rule(rs, 0), "pcre");
	assert_string_equal(rules_buffer_name(rules_ruleset_rule(rs, 0)->groups[0].buffer), "http.uri");
	assert_non_null(m);
	rules_ruleset_free(rs);
	expect_ok(HDR "(pcre:!\"/x/i\"; sid:1; rev:1;)");
	expect_ok(HDR "(pcre:\"/(?P<x>a)/,flow:x\"; sid:1; rev:1;)");
	/* PCRE2's message and the position inside the pattern */
	rs = load(HDR "(pcre:\"/ab(c/\"; sid:1;)");
	const struct rule_diag *d = find_diag(rs, "pcre-compile");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "missing closing parenthesis"));
	assert_non_null(strstr(d->message, "offset 4"));
	rules_ruleset_free(rs);
	expect_err(HDR "(pcre:\"/x/q\"; sid:1;)", "pcre-flags");
	expect_err(HDR "(pcre:\"x\"; sid:1;)", "pcre-syntax");
	expect_err(HDR "(http.header; pcre:\"/x/U\"; sid:1;)", "modifier-conflict");
	expect_warn(HDR "(pcre:\"/x/R\"; sid:1; rev:1;)", "relative-without-anchor");
}

static void test_kw_byte(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(HDR "(content:\"a\"; byte_extract:2,0,len,relative,little; "
				       "byte_test:4,!>,len,0,relative,bitmask 0xff00; "
				       "byte_math:bytes 2,offset 0,oper +,rvalue len,result sum,relative; "
				       "byte_jump:2,sum,relative,multiplier 2,post_offset -1; "
				       "content:\"b\"; distance:len; sid:1; rev:1;)");
	assert_int_equal(rules_ruleset_counts(rs)->errors, 0);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_int_equal(r->n_vars, 2);
	assert_string_equal(r->vars[0], "len");
	const struct rule_match *m = first_match(r, "byte_test");
	assert_int_equal(m->u.byte.nbytes, 4);
	assert_int_equal(m->u.byte.op, RULE_BOP_GT);
	assert_true(m->u.byte.flags & RULE_BF_NEGATED);
	assert_int_equal(m->u.byte.value.var, 0);
	assert_int_equal(m->u.byte.bitmask, 0xff00);
	m = first_match(r, "byte_math");
	assert_int_equal(m->u.byte.op, RULE_BOP_ADD);
	assert_int_equal(m->u.byte.result_var, 1);
	m = first_match(r, "byte_jump");
	assert_int_equal(m->u.byte.multiplier, 2);
	assert_int_equal(m->u.byte.post_offset, -1);
	rules_ruleset_free(rs);
	expect_ok(HDR "(byte_test:10,=,123,0,string,dec; sid:1; rev:1;)");
	expect_err(HDR "(byte_test:9,=,1,0; sid:1;)", "byte-range");
	expect_err(HDR "(byte_test:24,=,1,0,string; sid:1;)", "byte-range");
	expect_err(HDR "(byte_test:2,~,1,0; sid:1;)", "keyword-arg");
	expect_err(HDR "(byte_test:2,=,nosuch,0; sid:1;)", "var-undefined");
	expect_err(HDR "(byte_jump:2,0,hex; sid:1;)", "keyword-arg");
	expect_err(HDR "(byte_extract:2,0; sid:1;)", "keyword-arg");
	expect_err(HDR "(byte_math:bytes 2,offset 0,oper %,rvalue 1,result r; sid:1;)", "keyword-arg");
	expect_err(HDR "(byte_math:bytes 5,offset 0,oper +,rvalue 1,result r; sid:1;)", "byte-range");
	expect_err(HDR "(byte_math:bytes 2,offset 0,oper /,rvalue 0,result r; sid:1;)", "byte-range");
	expect_warn(HDR "(byte_jump:2,0,relative; sid:1; rev:1;)", "relative-without-anchor");
	/* Suricata 7: byte_test / byte_jump take their byte count from a variable */
	struct rules_ruleset *vrs = load(HDR "(content:\"a\"; byte_extract:1,0,n,relative; "
					"byte_jump:n,0,relative; byte_test:n,=,1,0,relative; "
					"sid:1; rev:1;)");
	assert_int_equal(rules_ruleset_counts(vrs)->errors, 0);
	const struct rule *vr = rules_ruleset_rule(vrs, 0);
	assert_int_equal(first_match(vr, "byte_jump")->u.byte.nbytes_var, 0);
	assert_int_equal(first_match(vr, "byte_test")->u.byte.nbytes_var, 0);
	assert_int_equal(first_match(vr, "byte_extract")->u.byte.nbytes_var, -1);
	rules_ruleset_free(vrs);
	expect_err(HDR "(byte_jump:nosuch,0; sid:1;)", "var-undefined");
	/* byte_extract / byte_math keep a literal byte count */
	expect_err(HDR "(byte_extract:1,0,n; byte_extract:n,0,m; sid:1;)", "byte-range");
	/* byte_test / byte_jump offsets are 32-bit (Suricata), byte_extract's stay +-65535 */
	expect_ok(HDR "(byte_test:1,=,65,214748364; sid:1; rev:1;)");
	expect_ok(HDR "(byte_jump:1,-2147483648; sid:1; rev:1;)");
	expect_err(HDR "(byte_test:1,=,65,2147483648; sid:1;)", "byte-range");
	expect_err(HDR "(byte_extract:1,65536,n; sid:1;)", "byte-range");
}

static void test_kw_misc_payload(void **state)
{
	(void)state;
	expect_ok(HDR "(content:\"a\"; isdataat:!2,relative; sid:1; rev:1;)");
	expect_err(HDR "(isdataat:2,sideways; sid:1;)", "keyword-arg");
	expect_ok(HDR "(content:\"a\"; base64_decode:bytes 10,offset 2,relative; base64_data; "
		  "content:\"x\"; sid:1; rev:1;)");
	expect_err(HDR "(base64_decode:bytes 0; sid:1;)", "keyword-arg");
	expect_ok(HDR "(dsize:>10; sid:1; rev:1;)");
	expect_ok(HDR "(dsize:10<>20; sid:1; rev:1;)");
	expect_ok(HDR "(http.uri; bsize:!5-10; sid:1; rev:1;)");
	expect_ok(HDR "(urilen:<5,raw; sid:1; rev:1;)");
	expect_err(HDR "(dsize:70000; sid:1;)", "keyword-arg");
	expect_err(HDR "(dsize:20<>10; sid:1;)", "keyword-arg");
	expect_err(HDR "(bsize:5; sid:1;)", "transform-without-buffer");
}

static void test_kw_header(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(HDR "(flags:!SA,CE; ttl:<5; sid:1; rev:1;)");
	const struct rule_match *m = first_match(rules_ruleset_rule(rs, 0), "flags");
	assert_int_equal(m->u.tcp_flags.flags, 0x12);
	assert_int_equal(m->u.tcp_flags.modifier, '!');
	assert_int_equal(m->u.tcp_flags.ignore, 0xc0);
	m = first_match(rules_ruleset_rule(rs, 0), "ttl");
	assert_int_equal(m->u.num.op, RULE_NUM_LT);
	assert_int_equal(m->u.num.lo, 5);
	rules_ruleset_free(rs);
	expect_ok(HDR "(tos:!x10; id:1; ip_proto:!udp; fragoffset:>10; fragbits:M+; "
		  "ipopts:lsrr; sameip; seq:0; ack:1; window:!5; tcp.mss:<536; sid:1; rev:1;)");
	expect_ok("alert icmp any any -> any any (itype:8; icode:>0; icmp_id:1; icmp_seq:2; "
		  "ipv4-csum:valid; sid:1; rev:1;)");
	expect_err(HDR "(flags:SX; sid:1;)", "keyword-arg");
	expect_err(HDR "(ttl:300; sid:1;)", "keyword-arg");
	expect_err(HDR "(fragbits:Q; sid:1;)", "keyword-arg");
	expect_err(HDR "(ipopts:bogus; sid:1;)", "keyword-arg");
	expect_err(HDR "(sameip:1; sid:1;)", "keyword-arg");
	expect_err(HDR "(ipv4-csum:maybe; sid:1;)", "keyword-arg");
}

static void test_kw_flow(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(HDR "(flow:established,to_server,no_stream; sid:1; rev:1;)");
	assert_int_equal(rules_ruleset_rule(rs, 0)->flow,
			 RULE_FLOW_ESTABLISHED | RULE_FLOW_TO_SERVER | RULE_FLOW_NO_STREAM);
	rules_ruleset_free(rs);
	expect_err(HDR "(flow:to_server,to_client; sid:1;)", "flow-conflict");
	expect_err(HDR "(flow:to_server,from_client; sid:1;)", "flow-conflict");
	expect_err(HDR "(flow:established,stateless; sid:1;)", "flow-conflict");
	expect_err(HDR "(flow:only_stream,no_stream; sid:1;)", "flow-conflict");
	expect_err(HDR "(flow:sideways; sid:1;)", "keyword-arg");
	expect_ok(HDR "(flowbits:isset,a|b; flowbits:set,c; flowbits:noalert; sid:1; rev:1;)");
	expect_ok(HDR "(xbits:set,x,track ip_src,expire 60; hostbits:isset,h,src; sid:1; rev:1;)");
	expect_ok(HDR "(flowint:cnt,+,1; flowint:cnt,>,5; flowint:cnt,isset; sid:1; rev:1;)");
	expect_ok(HDR "(stream_size:client,>,100; sid:1; rev:1;)");
	expect_err(HDR "(flowbits:frob,a; sid:1;)", "keyword-arg");
	expect_err(HDR "(flowbits:set,a|b; sid:1;)", "keyword-arg");
	expect_err(HDR "(flowbits:set; sid:1;)", "keyword-arg");
	/* Snort's flowbits groups */
	expect_ok(HDR "(flowbits:setx,a&b,grp; flowbits:set,c,grp; flowbits:noalert; sid:1; rev:1;)");
	expect_ok(HDR "(flowbits:isset,any,grp; flowbits:isnotset,all,grp; sid:1; rev:1;)");
	expect_ok(HDR "(flowbits:unset,all,grp; flowbits:toggle,all,grp; flowbits:reset; sid:1; "
		  "rev:1;)");
	expect_err(HDR "(flowbits:setx,a; sid:1;)", "keyword-arg");          /* no group */
	expect_err(HDR "(flowbits:unset,a,grp; sid:1;)", "keyword-arg");     /* not "all" */
	expect_err(HDR "(flowbits:unset,any,grp; sid:1;)", "keyword-arg");
	expect_err(HDR "(flowbits:isset,a,grp; sid:1;)", "keyword-arg");
	expect_err(HDR "(flowbits:reset,a; sid:1;)", "keyword-arg");
	expect_err(HDR "(flowbits:set,a,grp,x; sid:1;)", "keyword-arg");
	expect_err(HDR "(xbits:setx,x,track ip_src; sid:1;)", "keyword-arg"); /* flowbits only */
	expect_err(HDR "(xbits:set,x; sid:1;)", "keyword-arg");
	expect_err(HDR "(flowint:cnt,~,1; sid:1;)", "keyword-arg");
	expect_err(HDR "(stream_size:middle,>,1; sid:1;)", "keyword-arg");
}

static void test_kw_meta_threshold(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(
		HDR "(msg:\"m\"; sid:9; gid:3; rev:4; classtype:trojan-activity; priority:2; "
		"reference:cve,2020-1; reference:url,example.com/a,b; metadata:a b, c d; target:dest_ip; "
		"threshold:type limit, track by_src, count 1, seconds 60; "
		"detection_filter:track by_dst, count 5, seconds 10; tag:session,10,packets; "
		"app-layer-protocol:!http; app-layer-event:http.request_field_too_long; sid_x_dummy_end:1;)");
	assert_non_null(find_diag(rs, "keyword-unknown"));
	rules_ruleset_free(rs);
	rs = load(HDR "(msg:\"m\"; sid:9; gid:3; rev:4; classtype:trojan-activity; priority:2; "
		  "reference:cve,2020-1; reference:url,example.com/a,b; metadata:a b, c d; "
		  "target:dest_ip; threshold:type limit, track by_src, count 1, seconds 60; "
		  "detection_filter:track by_dst, count 5, seconds 10; tag:session,10,packets; "
		  "app-layer-protocol:!http; app-layer-event:http.request_field_too_long;)");
	assert_int_equal(rules_ruleset_counts(rs)->errors, 0);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_int_equal(r->sid, 9);
	assert_int_equal(r->gid, 3);
	assert_int_equal(r->rev, 4);
	assert_int_equal(r->priority, 2);
	assert_string_equal(r->classtype, "trojan-activity");
	assert_int_equal(r->n_refs, 2);
	assert_string_equal(r->refs[1].value, "example.com/a,b");
	assert_int_equal(r->n_meta, 2);
	assert_string_equal(r->meta[1].key, "c");
	assert_string_equal(r->meta[1].value, "d");
	assert_int_equal(r->target, 2);
	assert_int_equal(r->threshold->type, RULE_THR_LIMIT);
	assert_int_equal(r->threshold->seconds, 60);
	assert_int_equal(r->detection_filter->count, 5);
	rules_ruleset_free(rs);
	expect_err(HDR "(rev:1;)", "sid-missing");
	expect_err(HDR "(sid:abc;)", "sid-invalid");
	expect_err(HDR "(sid:0;)", "sid-invalid");
	expect_err(HDR "(sid:1; rev:x;)", "rev-invalid");
	expect_err(HDR "(sid:1; gid:-1;)", "gid-invalid");
	expect_err(HDR "(sid:1; sid:2;)", "keyword-duplicate");
	expect_warn(HDR "(sid:1;)", "rev-missing");
	expect_err(HDR "(sid:1; priority:0;)", "keyword-arg");
	expect_err(HDR "(sid:1; reference:cve;)", "keyword-arg");
	expect_err(HDR "(sid:1; target:me;)", "keyword-arg");
	expect_err(HDR "(sid:1; threshold:type limit, count 1, seconds 6;)", "keyword-arg");
	expect_err(HDR "(sid:1; threshold:type often, track by_src, count 1, seconds 6;)",
		   "keyword-arg");
	expect_err(HDR "(sid:1; tag:session,5,apples;)", "keyword-arg");
	expect_err(HDR "(sid:1; app-layer-protocol:gopher;)", "keyword-arg");
	expect_err(HDR "(sid:1; app-layer-event:noproto;)", "keyword-arg");
	expect_err(HDR "(sid:1; msg;)", "keyword-arg");
}

/* ---- ruleset-level checks ----------------------------------------------------------------- */

static void test_duplicate_sid(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(HDR "(sid:10; rev:1;)\n" HDR "(sid:11; rev:1;)\n"
				       HDR "(sid:10; rev:2;)\n" HDR "(sid:10; gid:2; rev:1;)\n");
	const struct rule_diag *d = find_diag(rs, "sid-duplicate");
	assert_non_null(d);
	assert_int_equal(d->line, 3);
	assert_non_null(strstr(d->message, "t.rules:1"));
	assert_int_equal(rules_ruleset_counts(rs)->errors, 1);
	rules_ruleset_free(rs);
}

static void test_flowbits_consistency(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(HDR "(flowbits:set,a; flowbits:noalert; sid:1; rev:1;)\n"
				       HDR "(flowbits:isset,a; sid:2; rev:1;)\n"
				       HDR "(flowbits:set,lonely; sid:3; rev:1;)\n"
				       HDR "(flowbits:isset,ghost|a; sid:4; rev:1;)\n");
	const struct rule_diag *d = find_diag(rs, "flowbits-never-checked");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "lonely"));
	assert_int_equal(d->line, 3);
	d = find_diag(rs, "flowbits-never-set");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "ghost"));
	assert_int_equal(rules_ruleset_counts(rs)->warnings, 2);
	assert_true(rules_ruleset_rule(rs, 0)->noalert);
	rules_ruleset_free(rs);
}

static void test_unsupported(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load(HDR "(lua:script.lua; sid:1; rev:1;)\n"
				       HDR "(smb.share; content:\"a\"; sid:2; rev:1;)\n"
				       HDR "(dataset:isset,x; sid:3; rev:1;)\n"
				       HDR "(content:\"a\"; sid:4; rev:1;)\n");
	const struct rules_counts *c = rules_ruleset_counts(rs);
	assert_int_equal(c->unsupported, 3);
	assert_int_equal(c->loaded, 1);
	assert_int_equal(c->errors, 0);
	assert_int_equal(rules_ruleset_count(rs), 4);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_int_equal(r->status, RULE_STATUS_UNSUPPORTED);
	assert_string_equal(r->unsupported_kw, "lua");
	assert_non_null(r->text);
	const struct rules_keyword *kw = rules_keyword_lookup("lua");
	assert_non_null(kw);
	assert_false(kw->flags & RULES_KWF_SUPPORTED);
	assert_int_equal(rules_ruleset_unsupported_by_keyword(rs, rules_keyword_index(kw)), 1);
	rules_ruleset_free(rs);
}

static void test_hdr_buffers(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum rules_hdr_buf kind;
	} hdrs[] = { { "ipv4.hdr", RULES_HDR_IPV4 },     { "ipv6.hdr", RULES_HDR_IPV6 },
		     { "tcp.hdr", RULES_HDR_TCP },       { "udp.hdr", RULES_HDR_UDP },
		     { "icmpv4.hdr", RULES_HDR_ICMPV4 }, { "icmpv6.hdr", RULES_HDR_ICMPV6 } };
	for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		const struct rules_keyword *kw = rules_keyword_lookup(hdrs[i].name);
		assert_non_null(kw);
		assert_true(kw->flags & RULES_KWF_SUPPORTED);
		assert_int_equal(kw->kind, RULES_KW_STICKY);
		assert_int_equal(rules_buffer_hdr_kind(kw->buffer), hdrs[i].kind);
		assert_null(rules_buffer_app_proto(kw->buffer));
	}
	assert_int_equal(rules_buffer_hdr_kind(RULES_BUF_PAYLOAD), RULES_HDR_NONE);
	assert_int_equal(rules_buffer_hdr_kind((uint16_t)rules_buffer_lookup("http.uri")),
			 RULES_HDR_NONE);
	struct rules_ruleset *rs = load(HDR "(ipv4.hdr; byte_math:bytes 1, offset 1, oper <<, "
				       "rvalue 2, result r; tcp.hdr; byte_test:1,=,0x88,1,relative; "
				       "sid:1; rev:1;)");
	const struct rules_counts *c = rules_ruleset_counts(rs);
	assert_int_equal(c->loaded, 1);
	assert_int_equal(c->unsupported, 0);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	assert_int_equal(r->status, RULE_STATUS_OK);
	rules_ruleset_free(rs);
}

static void test_keyword_table(void **state)
{
	(void)state;
	const struct rules_keyword *kw = rules_keyword_lookup("file_data");
	assert_non_null(kw);
	assert_string_equal(kw->name, "file.data");
	assert_int_equal(kw->kind, RULES_KW_STICKY);
	assert_string_equal(rules_buffer_name(kw->buffer), "file.data");
	kw = rules_keyword_lookup("http_uri");
	assert_true(kw->flags & RULES_KWF_LEGACY_BUF);
	assert_null(rules_keyword_lookup("no_such_keyword"));
	/* names are unique across names and aliases */
	for (size_t i = 0; i < rules_keyword_count(); i++) {
		const struct rules_keyword *k = rules_keyword_at(i);
		assert_ptr_equal(rules_keyword_lookup(k->name), k);
		if (k->alias)
			assert_ptr_equal(rules_keyword_lookup(k->alias), k);
	}
	assert_string_equal(rules_buffer_app_proto((uint16_t)rules_buffer_lookup("dns.query")), "dns");
	/* the underscore names of later buffers are sticky aliases, as in Suricata */
	kw = rules_keyword_lookup("http_content_type");
	assert_int_equal(kw->kind, RULES_KW_STICKY);
	assert_string_equal(kw->name, "http.content_type");
	struct rules_ruleset *rs = load(
		"alert http any any -> any any (content:\"GET\"; http_method; http_header_names; "
		"content:\"User-Agent\"; sid:1;)");
	assert_int_equal(rules_ruleset_counts(rs)->errors, 0);
	const struct rule *r = rules_ruleset_rule(rs, 0);
	int method = -1, names = -1;
	for (uint16_t g = 0; g < r->n_groups; g++) {
		const char *b = rules_buffer_name(r->groups[g].buffer);
		if (b && strcmp(b, "http.method") == 0)
			method = (int)r->groups[g].n;
		if (b && strcmp(b, "http.header_names") == 0)
			names = (int)r->groups[g].n;
	}
	assert_int_equal(method, 1); /* "GET", moved by the http_method modifier */
	assert_int_equal(names, 1);  /* "User-Agent", in the buffer http_header_names started */
	rules_ruleset_free(rs);
}

static void test_classification(void **state)
{
	(void)state;
	struct rules_ruleset *rs = load("");
	const char *cls = "# comment\nconfig classification: trojan-activity,A Network Trojan was detected,1\n"
			  "config classification: bad\n";
	assert_int_equal(rules_classification_load_string(rs, cls, strlen(cls), "c.config"), 0);
	const struct rules_classtype *ct = rules_classtype_lookup(rs, "trojan-activity");
	assert_non_null(ct);
	assert_int_equal(ct->priority, 1);
	assert_string_equal(ct->desc, "A Network Trojan was detected");
	assert_int_equal(rules_classtype_count(rs), 1);
	const struct rule_diag *d = find_diag(rs, "classification-config");
	assert_non_null(d);
	assert_int_equal(d->line, 3);
	const char *ref = "config reference: cve http://cve.mitre.org/cgi-bin/cvename.cgi?name=\n";
	assert_int_equal(rules_reference_config_load_string(rs, ref, strlen(ref), "r.config"), 0);
	assert_string_equal(rules_reference_url(rs, "CVE"), "http://cve.mitre.org/cgi-bin/cvename.cgi?name=");
	assert_null(rules_reference_url(rs, "nope"));
	assert_int_equal(rules_classification_load(rs, "/nonexistent/classification.config"), -1);
	assert_int_equal(rules_load_file(rs, "/nonexistent/x.rules"), -1);
	assert_non_null(find_diag(rs, "file-read"));
	rules_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer_escapes_and_hex),
		cmocka_unit_test(test_lexer_continuation_and_positions),
		cmocka_unit_test(test_lexer_disabled_rules),
		cmocka_unit_test(test_lexer_syntax_errors),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_addr_sets),
		cmocka_unit_test(test_port_sets),
		cmocka_unit_test(test_vars_from_conf),
		cmocka_unit_test(test_kw_content_modifiers),
		cmocka_unit_test(test_kw_sticky_and_legacy),
		cmocka_unit_test(test_kw_sticky_direction),
		cmocka_unit_test(test_kw_pcre),
		cmocka_unit_test(test_kw_byte),
		cmocka_unit_test(test_kw_misc_payload),
		cmocka_unit_test(test_kw_header),
		cmocka_unit_test(test_kw_flow),
		cmocka_unit_test(test_kw_meta_threshold),
		cmocka_unit_test(test_duplicate_sid),
		cmocka_unit_test(test_flowbits_consistency),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_hdr_buffers),
		cmocka_unit_test(test_keyword_table),
		cmocka_unit_test(test_classification),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
