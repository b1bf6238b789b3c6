/*
 * rules-tools.h — the rule stage's tools beside the core parser: the compact L3/L4 firewall
 * syntax (compact.c) with its pure evaluation function for the detect stage, `aegis rule`
 * (rule-edit.c), `aegis lint` and the `-T` summary (lint.c). To be merged into rules.h.
 *
 * Compact syntax, one rule a line ("#" starts a comment):
 *     allow|deny cidr ADDR[/LEN] [ingress|egress]
 *     allow|deny port tcp|udp|sctp PORT[-PORT][,...] [ingress|egress]
 *     allow|deny proto NAME|NUMBER [ingress|egress]
 *     default allow|deny [ingress|egress]
 * Ingress is traffic towards $HOME_NET (destination in it), egress traffic from it. A rule
 * without a direction word applies to both. See doc/lint.md for the full reference.
 */
#ifndef AEGIS_RULES_TOOLS_H
#define AEGIS_RULES_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rules/rules.h"

/* ---- compact L3/L4 firewall syntax -------------------------------------------------------- */

enum rules_fw_verdict { RULES_FW_DENY = 0, RULES_FW_ALLOW };

/* Rule direction; RULES_FW_DIR_BOTH is what a rule without ingress/egress gets. For a query,
 * RULES_FW_DIR_AUTO asks the evaluator to work the direction out from HOME_NET. */
enum rules_fw_dir {
	RULES_FW_DIR_AUTO = 0,
	RULES_FW_DIR_INGRESS,
	RULES_FW_DIR_EGRESS,
	RULES_FW_DIR_BOTH,
	RULES_FW_DIR_NONE, /* query only: neither endpoint is in HOME_NET (transit traffic) */
};

enum rules_fw_kind { RULES_FW_CIDR = 0, RULES_FW_PORT, RULES_FW_PROTO, RULES_FW_DEFAULT };

/* Which step of the evaluation order decided. */
enum rules_fw_stage {
	RULES_FW_STAGE_CIDR = 0,
	RULES_FW_STAGE_PORT,
	RULES_FW_STAGE_PROTO,
	RULES_FW_STAGE_DEFAULT,
	RULES_FW_STAGE_IMPLICIT, /* nothing matched: implicit deny */
};

struct rules_fw_rule {
	enum rules_fw_kind kind;
	enum rules_fw_verdict verdict;
	enum rules_fw_dir dir;       /* INGRESS, EGRESS or BOTH */
	struct ip_addr net;          /* CIDR: network address (host bits cleared) */
	uint8_t prefix;              /* CIDR: prefix length */
	uint8_t ip_proto;            /* PORT: 6/17/132; PROTO: the IP protocol number */
	uint16_t port_lo, port_hi;   /* PORT: inclusive range (lo == hi for an exact port) */
	const char *file;
	uint32_t line;
	const char *text;            /* the source line without comment and surrounding blanks */
};

struct rules_fw_policy;

/* An empty policy with the default HOME_NET [192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]
 * (suricata.yaml's). NULL on allocation failure. */
struct rules_fw_policy *rules_fw_policy_new(void);
void rules_fw_policy_free(struct rules_fw_policy *p);
/* Replace HOME_NET with an address list as in suricata.yaml: "[10.0.0.0/8,!10.1.0.0/16,
 * 2001:db8::/32]", a single address or CIDR, or "any". 0, or -1 with a message in err. */
int rules_fw_policy_set_home(struct rules_fw_policy *p, const char *text, char *err,
			     size_t errlen);
/* HOME_NET from a configuration ("vars.address-groups.HOME_NET"); unchanged when absent. */
int rules_fw_policy_home_from_conf(struct rules_fw_policy *p, const struct conf *c, char *err,
				   size_t errlen);

/* Parse compact rules and append them to the policy. Bad lines become diagnostics (errors
 * with file:line:col and a check-id "compact-*") and are skipped; parsing goes on. Returns the
 * number of errors found in this text, or -1 when the file can't be read / memory ran out. */
int rules_fw_load_string(struct rules_fw_policy *p, const char *text, size_t len,
			 const char *name);
int rules_fw_load_file(struct rules_fw_policy *p, const char *path);

size_t rules_fw_rule_count(const struct rules_fw_policy *p);
const struct rules_fw_rule *rules_fw_rule_at(const struct rules_fw_policy *p, size_t i);
size_t rules_fw_diag_count(const struct rules_fw_policy *p);
const struct rule_diag *rules_fw_diag_at(const struct rules_fw_policy *p, size_t i);
size_t rules_fw_error_count(const struct rules_fw_policy *p);

/* The Suricata rule a compact rule is equivalent to ("drop tcp any any -> $HOME_NET 22
 * (msg:...; sid:N;)") — the firewall actions are accept/drop. Returns snprintf's length. */
int rules_fw_rule_to_suricata(const struct rules_fw_rule *r, uint32_t sid, char *buf, size_t len);

struct rules_fw_query {
	struct ip_addr src, dst;
	uint8_t ip_proto;            /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ... */
	uint16_t sp, dp;             /* ignored unless TCP/UDP/SCTP */
	enum rules_fw_dir dir;       /* AUTO: from HOME_NET */
};

struct rules_fw_decision {
	enum rules_fw_verdict verdict;
	enum rules_fw_stage stage;
	enum rules_fw_dir dir;                 /* the direction used */
	const struct rules_fw_rule *rule;      /* the deciding rule, NULL for implicit deny */
};

/*
 * Decide one packet/flow. Pure: reads the policy only (safe from many threads). Order:
 *   1. CIDR rules on the remote address (source for ingress, destination for egress): the
 *      longest matching prefix wins;
 *   2. port rules on the destination port with the packet's transport: an exact port beats a
 *      range, a narrower range beats a wider one;
 *   3. proto rules on the IP protocol;
 *   4. the default for the direction;
 *   5. implicit deny.
 * Within one step, deny wins over allow at equal specificity. `out` may be NULL.
 */
enum rules_fw_verdict rules_fw_decide(const struct rules_fw_policy *p,
				      const struct rules_fw_query *q,
				      struct rules_fw_decision *out);
/* Direction of a query from HOME_NET: INGRESS when dst is in it, else EGRESS when src is, else
 * NONE. */
enum rules_fw_dir rules_fw_direction(const struct rules_fw_policy *p, const struct ip_addr *src,
				     const struct ip_addr *dst);

const char *rules_fw_dir_name(enum rules_fw_dir d);
const char *rules_fw_stage_name(enum rules_fw_stage s);

/* ---- diagnostics printing --------------------------------------------------------------- */

/* GCC style: "file:line:col: error: message [check-id]", then (with `underline` and a known
 * source line) the line and a caret/tilde marker under the span. Tabs in the line are kept in
 * the marker's indentation so it lines up. */
void rules_diag_print(FILE *f, const struct rule_diag *d, bool underline);
const char *rules_tools_severity_name(enum rule_severity s);

/* ---- command-line front-ends (argv[0] is the sub-command name) -------------------------- */

/* `aegis rule add|remove|list --rules FILE [--index N] [RULE TEXT]`. 0 ok, 1 usage/not
 * found/IO, 2 invalid rule. */
int rules_cli_rule(int argc, char **argv);

/* `aegis lint [--format text|json|sarif] [--strict] [--classification FILE]
 * [--config aegis.yaml] FILE...`. 0 clean, 1 warnings with --strict, 2 errors. */
int rules_cli_lint(int argc, char **argv);

/* The `aegis -T` summary of a loaded ruleset: rules loaded, failed, unsupported (with the
 * keywords that made the most rules unsupported), disabled, and the loaded rules by action. */
int rules_cli_test_summary(const struct rules_ruleset *rs, FILE *out);

/* ---- linter as a library (used by the CLI and the tests) ---------------------------------- */

enum rules_lint_format { RULES_LINT_TEXT = 0, RULES_LINT_JSON, RULES_LINT_SARIF };

struct rules_lint_opts {
	enum rules_lint_format format;
	bool strict;
	const char *classification;  /* NULL: CONFIG_ROOT/classification.config, else etc/ */
	const char *config;          /* aegis.yaml with vars, or NULL for the default vars */
	unsigned short_fp_len;       /* a fast pattern shorter than this warns; 0 = default 3 */
};

/* Lint `n` files and print to `out` (diagnostics) — the summary line goes to `out` too in text
 * format, to `err` otherwise. Returns the exit code (0/1/2). */
int rules_lint_run(const struct rules_lint_opts *o, const char *const *files, size_t n,
		   FILE *out, FILE *err);

#endif /* AEGIS_RULES_TOOLS_H */
