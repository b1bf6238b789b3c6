/*
 * kw-other.c — argument parsers of the non-payload keywords: integer comparisons (dsize, ttl,
 * urilen, bsize, itype, ...), TCP flags, fragbits, ipopts, flow, flowbits/xbits/hostbits,
 * flowint, threshold/detection_filter, the rule metadata (msg, sid, gid, rev, classtype,
 * priority, reference, metadata, target), tag, app-layer-protocol, events, checksums,
 * stream_size, ssl_version and ssl_state.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/internal.h"

static int add_match(struct rules_parse_ctx *ctx, struct pmatch **out)
{
	*out = rules_match_new(ctx, RULES_BUF_PACKET);
	if (!*out)
		return rules_opt_error(ctx, "memory", "out of memory");
	return 0;
}

static const char *intern(struct rules_parse_ctx *ctx, const char *s)
{
	return strmap_intern(&ctx->rs->strings, &ctx->rs->arena, s);
}

/* unsigned integer, decimal or 0x hex, with an optional kb/mb/gb suffix */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	if (!isdigit((unsigned char)*s))
		return -1;
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	unsigned long long mul = 1;
	if (strcasecmp(end, "kb") == 0 || strcasecmp(end, "kib") == 0)
		mul = 1024;
	else if (strcasecmp(end, "mb") == 0 || strcasecmp(end, "mib") == 0)
		mul = 1024 * 1024;
	else if (strcasecmp(end, "gb") == 0 || strcasecmp(end, "gib") == 0)
		mul = 1024ull * 1024 * 1024;
	else if (*end)
		return -1;
	if (v > max / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* Suricata integer syntax: N, =N, !N, !=N, <N, <=N, >N, >=N, A-B, !A-B, A<>B, &M=V, &M!=V. */
static int parse_num_expr(const char *s0, uint64_t max, struct rule_num *n)
{
	char s[128];
	snprintf(s, sizeof(s), "%s", s0);
	char *p = rules_trim(s);
	memset(n, 0, sizeof(*n));
	if (*p == '&') {
		char *eq = strchr(p, '=');
		if (!eq)
			return -1;
		bool ne = eq > p && eq[-1] == '!';
		if (ne)
			eq[-1] = '\0';
		*eq = '\0';
		if (parse_uint(rules_trim(p + 1), max, &n->lo) < 0 ||
		    parse_uint(rules_trim(eq + 1), max, &n->hi) < 0)
			return -1;
		n->op = ne ? RULE_NUM_MASK_NE : RULE_NUM_MASK_EQ;
		return 0;
	}
	bool neg = false;
	if (*p == '!') {
		neg = true;
		p = rules_trim(p + 1);
		if (*p == '=')
			p = rules_trim(p + 1);
	}
	uint8_t op = neg ? RULE_NUM_NE : RULE_NUM_EQ;
	if (!neg) {
		if (p[0] == '<' && p[1] == '=') {
			op = RULE_NUM_LE;
			p += 2;
		} else if (p[0] == '>' && p[1] == '=') {
			op = RULE_NUM_GE;
			p += 2;
		} else if (p[0] == '<') {
			op = RULE_NUM_LT;
			p++;
		} else if (p[0] == '>') {
			op = RULE_NUM_GT;
			p++;
		} else if (p[0] == '=') {
			p++;
		}
		p = rules_trim(p);
	}
	char *sep = strstr(p, "<>");
	size_t sl = 2;
	if (!sep) {
		sep = strchr(p, '-');
		sl = 1;
	}
	if (sep && (op == RULE_NUM_EQ || op == RULE_NUM_NE)) {
		*sep = '\0';
		if (parse_uint(rules_trim(p), max, &n->lo) < 0 ||
		    parse_uint(rules_trim(sep + sl), max, &n->hi) < 0)
			return -1;
		if (n->lo >= n->hi)
			return -2;
		n->op = neg ? RULE_NUM_NRANGE : RULE_NUM_RANGE;
		return 0;
	}
	if (parse_uint(p, max, &n->lo) < 0)
		return -1;
	n->hi = n->lo;
	n->op = op;
	return 0;
}

static const struct {
	const char *name;
	uint64_t max;
} num_limits[] = {
	{ "dsize", 65535 }, { "ttl", 255 }, { "tos", 255 }, { "id", 65535 },
	{ "ip_proto", 255 }, { "seq", UINT32_MAX }, { "ack", UINT32_MAX }, { "window", 65535 },
	{ "tcp.mss", 65535 }, { "itype", 255 }, { "icode", 255 }, { "icmp_id", 65535 },
	{ "icmp_seq", 65535 }, { "urilen", 65535 }, { "bsize", UINT64_MAX },
	{ "fragoffset", 8191 }, { "dns.opcode", 15 }, { "tls.cert_chain_len", UINT32_MAX },
	{ "tcp.flags", 255 }, { "dns.rcode", 15 }, { "ip.ttl", 255 },
};

static const struct {
	const char *name;
	uint8_t num;
} ip_proto_names[] = {
	{ "ip", 0 }, { "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 }, { "ipv6", 41 },
	{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "ipv6-icmp", 58 }, { "icmpv6", 58 },
	{ "sctp", 132 }, { "pim", 103 }, { "vrrp", 112 },
};

RULES_KW_PARSER(kw_num)
{
	uint64_t max = UINT32_MAX;
	for (size_t i = 0; i < ARRAY_SIZE(num_limits); i++)
		if (strcmp(kw->name, num_limits[i].name) == 0)
			max = num_limits[i].max;
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	char *a = tmp;
	bool raw = false;
	if (strcmp(kw->name, "urilen") == 0) {
		char *comma = strchr(a, ',');
		if (comma) {
			char *w = rules_trim(comma + 1);
			if (strcmp(w, "norm") != 0 && strcmp(w, "raw") != 0)
				return rules_opt_error(ctx, "keyword-arg",
						       "urilen: expected norm or raw after the comma, "
						       "got \"%s\"",
						       w);
			raw = strcmp(w, "raw") == 0;
			*comma = '\0';
		}
	}
	if (strcmp(kw->name, "tos") == 0) {
		/* tos:[!]N with N decimal or "x"/"0x" hex */
		char *p = a + (*a == '!');
		if ((*p == 'x' || *p == 'X') && isxdigit((unsigned char)p[1]))
			memmove(p + 1, p, strlen(p) + 1), p[0] = '0';
	}
	if (strcmp(kw->name, "ip_proto") == 0) {
		char *p = a;
		while (*p == '!' || *p == '<' || *p == '>' || isspace((unsigned char)*p))
			p++;
		for (size_t i = 0; i < ARRAY_SIZE(ip_proto_names); i++)
			if (strcasecmp(p, ip_proto_names[i].name) == 0) {
				snprintf(p, sizeof(tmp) - (size_t)(p - tmp), "%u",
					 ip_proto_names[i].num);
				break;
			}
	}
	struct rule_num n;
	int rc = parse_num_expr(a, max, &n);
	if (rc == -2)
		return rules_opt_error(ctx, "keyword-arg",
				       "%s: range \"%s\" is empty (ranges are exclusive; the low "
				       "bound must be below the high bound)",
				       kw->name, arg);
	if (rc < 0)
		return rules_opt_error(ctx, "keyword-arg",
				       "%s: invalid value \"%s\" (an integer 0-%llu, with =, !, <, "
				       ">, <=, >=, A-B or A<>B)",
				       kw->name, arg, (unsigned long long)max);
	/* dsize/bsize/urilen apply to a buffer; the others to the packet */
	uint16_t buf = RULES_BUF_PACKET;
	if (strcmp(kw->name, "bsize") == 0) {
		if (ctx->cur_buf == RULES_BUF_PAYLOAD)
			return rules_opt_error(ctx, "transform-without-buffer",
					       "bsize must follow a sticky buffer");
		buf = ctx->cur_buf;
	}
	struct pmatch *pm = rules_match_new(ctx, buf);
	if (!pm)
		return rules_opt_error(ctx, "memory", "out of memory");
	pm->m.u.num = n;
	pm->m.u.num.raw = raw;
	return 0;
}

RULES_KW_PARSER(kw_flags)
{
	static const char names[] = "FSRPAUEC"; /* bit order */
	struct rule_tcp_flags f = { 0 };
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	char *mask = strchr(tmp, ',');
	if (mask)
		*mask++ = '\0';
	char *p = rules_trim(tmp);
	if (*p == '!' || *p == '*' || *p == '+') {
		f.modifier = *p++;
	}
	bool any = false;
	for (; *p; p++) {
		char c = (char)toupper((unsigned char)*p);
		if (c == '1')
			c = 'C';
		else if (c == '2')
			c = 'E';
		if (c == '0') {
			any = true;
			continue;
		}
		if ((*p == '!' || *p == '*' || *p == '+') && !f.modifier) {
			f.modifier = *p;
			continue;
		}
		const char *q = strchr(names, c);
		if (!q || !c)
			return rules_opt_error(ctx, "keyword-arg",
					       "flags: unknown flag '%c' (use F S R P A U C E 0, "
					       "with ! * + modifiers)",
					       *p);
		f.flags |= (uint8_t)(1u << (q - names));
		any = true;
	}
	if (!any)
		return rules_opt_error(ctx, "keyword-arg", "flags: no flag given");
	if (mask) {
		for (p = rules_trim(mask); *p; p++) {
			char c = (char)toupper((unsigned char)*p);
			if (c == '1')
				c = 'C';
			else if (c == '2')
				c = 'E';
			const char *q = strchr(names, c);
			if (!q || !c)
				return rules_opt_error(ctx, "keyword-arg",
						       "flags: unknown flag '%c' in the mask", *p);
			f.ignore |= (uint8_t)(1u << (q - names));
		}
	}
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.tcp_flags = f;
	return 0;
}

RULES_KW_PARSER(kw_fragbits)
{
	struct rule_tcp_flags f = { 0 };
	const char *p = arg;
	if (*p == '!' || *p == '*' || *p == '+')
		f.modifier = *p++;
	for (; *p; p++) {
		switch (toupper((unsigned char)*p)) {
		case 'M': f.flags |= 1; break;
		case 'D': f.flags |= 2; break;
		case 'R': f.flags |= 4; break;
		default:
			if ((*p == '!' || *p == '*' || *p == '+') && !f.modifier) {
				f.modifier = *p;
				break;
			}
			return rules_opt_error(ctx, "keyword-arg",
					       "fragbits: unknown bit '%c' (use M, D, R)", *p);
		}
	}
	if (!f.flags)
		return rules_opt_error(ctx, "keyword-arg", "fragbits: no bit given");
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.tcp_flags = f;
	return 0;
}

RULES_KW_PARSER(kw_ipopts)
{
	static const char *const opts[] = { "rr", "eol", "nop", "ts", "sec", "esec", "lsrr",
					     "ssrr", "satid", "any" };
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		if (strcmp(arg, opts[i]) == 0) {
			struct pmatch *pm;
			if (add_match(ctx, &pm) < 0)
				return -1;
			pm->m.u.num.op = RULE_NUM_EQ;
			pm->m.u.num.lo = pm->m.u.num.hi = i;
			return 0;
		}
	}
	return rules_opt_error(ctx, "keyword-arg",
			       "ipopts: unknown option \"%s\" (rr, eol, nop, ts, sec, esec, lsrr, "
			       "ssrr, satid, any)",
			       arg);
}

RULES_KW_PARSER(kw_noarg_match)
{
	struct pmatch *pm;
	return add_match(ctx, &pm);
}

RULES_KW_PARSER(kw_flow)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} fl[] = {
		{ "to_server", RULE_FLOW_TO_SERVER },	  { "from_client", RULE_FLOW_TO_SERVER },
		{ "to_client", RULE_FLOW_TO_CLIENT },	  { "from_server", RULE_FLOW_TO_CLIENT },
		{ "established", RULE_FLOW_ESTABLISHED }, { "not_established",
							    RULE_FLOW_NOT_ESTABLISHED },
		{ "stateless", RULE_FLOW_STATELESS },	  { "only_stream", RULE_FLOW_ONLY_STREAM },
		{ "no_stream", RULE_FLOW_NO_STREAM },	  { "only_frag", RULE_FLOW_ONLY_FRAG },
		{ "no_frag", RULE_FLOW_NO_FRAG },
	};
	static const uint32_t conflicts[][2] = {
		{ RULE_FLOW_TO_SERVER, RULE_FLOW_TO_CLIENT },
		{ RULE_FLOW_ESTABLISHED, RULE_FLOW_NOT_ESTABLISHED },
		{ RULE_FLOW_ESTABLISHED, RULE_FLOW_STATELESS },
		{ RULE_FLOW_NOT_ESTABLISHED, RULE_FLOW_STATELESS },
		{ RULE_FLOW_ONLY_STREAM, RULE_FLOW_NO_STREAM },
		{ RULE_FLOW_ONLY_FRAG, RULE_FLOW_NO_FRAG },
	};
	if (ctx->r->flow)
		return rules_opt_error(ctx, "keyword-duplicate", "flow given twice");
	char tmp[256], *parts[12];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	int np = rules_split_commas(tmp, parts, 12);
	if (np < 0)
		return rules_opt_error(ctx, "keyword-arg", "flow: too many options");
	uint32_t f = 0;
	for (int i = 0; i < np; i++) {
		size_t k;
		for (k = 0; k < ARRAY_SIZE(fl); k++)
			if (strcmp(parts[i], fl[k].name) == 0)
				break;
		if (k == ARRAY_SIZE(fl))
			return rules_opt_error(ctx, "keyword-arg", "flow: unknown option \"%s\"",
					       parts[i]);
		if (f & fl[k].bit)
			return rules_opt_error(ctx, "flow-conflict",
					       "flow: \"%s\" repeats a direction or state already "
					       "given",
					       parts[i]);
		f |= fl[k].bit;
	}
	for (size_t i = 0; i < ARRAY_SIZE(conflicts); i++)
		if ((f & conflicts[i][0]) && (f & conflicts[i][1]))
			return rules_opt_error(ctx, "flow-conflict",
					       "flow: contradictory options in \"%s\"", arg);
	ctx->r->flow = f;
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.flow = f;
	return 0;
}

static bool valid_bit_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (isspace((unsigned char)*s) || *s == ',' || *s == ';')
			return false;
	return true;
}

/* flowbits' Snort groups: "flowbits:CMD,NAMES,GROUP" (set, setx), "unset|toggle,all,GROUP" and
 * "isset|isnotset,any|all,GROUP". Fills b->group / b->group_sel; names stay for set and setx. */
static int bits_parse_group(struct rules_parse_ctx *ctx, struct rule_bits *b, const char *names,
			    const char *group)
{
	bool set = b->cmd == RULE_BITS_SET || b->cmd == RULE_BITS_SETX;
	if (!group) {
		if (b->cmd == RULE_BITS_SETX)
			return rules_opt_error(ctx, "keyword-arg",
					       "flowbits:setx needs a group: setx,NAME,GROUP");
		return 0;
	}
	if (!valid_bit_name(group))
		return rules_opt_error(ctx, "keyword-arg", "flowbits: invalid group \"%s\"", group);
	if (!set) {
		bool any = strcmp(names, "any") == 0, all = strcmp(names, "all") == 0;
		bool ok = b->cmd == RULE_BITS_ISSET || b->cmd == RULE_BITS_ISNOTSET ? any || all
			  : b->cmd == RULE_BITS_UNSET || b->cmd == RULE_BITS_TOGGLE ? all : false;
		if (!ok)
			return rules_opt_error(
				ctx, "keyword-arg",
				"flowbits: with a group, unset and toggle take \"all\", isset and "
				"isnotset \"any\" or \"all\" (got %s,%s)",
				b->cmd == RULE_BITS_UNSET ? "unset" : b->cmd == RULE_BITS_TOGGLE ?
				"toggle" : b->cmd == RULE_BITS_ISSET ? "isset" : "isnotset", names);
		b->group_sel = any ? RULE_BITS_GROUP_ANY : RULE_BITS_GROUP_ALL;
	}
	b->group = intern(ctx, group);
	if (!b->group)
		return rules_opt_error(ctx, "memory", "out of memory");
	return 0;
}

/* The bit names of b: one, or several joined with '|' / '&' (at most 16). */
static int bits_parse_names(struct rules_parse_ctx *ctx, const struct rules_keyword *kw,
			    struct rule_bits *b, char *names)
{
	const char *list[16];
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(names, "|&", &save); t; t = strtok_r(NULL, "|&", &save)) {
		t = rules_trim(t);
		if (!valid_bit_name(t) || n == 16)
			return rules_opt_error(ctx, "keyword-arg", "%s: invalid name \"%s\"",
					       kw->name, t);
		list[n] = intern(ctx, t);
		if (!list[n++])
			return rules_opt_error(ctx, "memory", "out of memory");
	}
	if (n == 0)
		return rules_opt_error(ctx, "keyword-arg", "%s: empty name", kw->name);
	b->n = (uint16_t)n;
	b->names = arena_memdup(&ctx->rs->arena, list, (size_t)n * sizeof(list[0]));
	if (!b->names)
		return rules_opt_error(ctx, "memory", "out of memory");
	return 0;
}

RULES_KW_PARSER(kw_bits)
{
	static const char *const cmds[] = { "set", "setx", "unset", "toggle", "isset",
					    "isnotset", "noalert", "reset" };
	bool is_flowbits = strcmp(kw->name, "flowbits") == 0;
	char tmp[1024], *parts[8];
	if (strlen(arg) >= sizeof(tmp))
		return rules_opt_error(ctx, "keyword-arg", "%s: argument too long", kw->name);
	snprintf(tmp, sizeof(tmp), "%s", arg);
	int np = rules_split_commas(tmp, parts, 8);
	if (np < 1)
		return rules_opt_error(ctx, "keyword-arg", "%s: too many arguments", kw->name);
	struct rule_bits b = { 0 };
	size_t k;
	for (k = 0; k < ARRAY_SIZE(cmds); k++)
		if (strcmp(parts[0], cmds[k]) == 0)
			break;
	/* setx and reset are Snort's, for flowbits only */
	if (k == ARRAY_SIZE(cmds) ||
	    ((k == RULE_BITS_SETX || k == RULE_BITS_RESET) && !is_flowbits))
		return rules_opt_error(ctx, "keyword-arg", "%s: unknown command \"%s\"", kw->name,
				       parts[0]);
	b.cmd = (uint8_t)k;
	if (k == RULE_BITS_NOALERT || k == RULE_BITS_RESET) {
		if (np != 1)
			return rules_opt_error(ctx, "keyword-arg", "%s:%s takes no name",
					       kw->name, parts[0]);
		if (k == RULE_BITS_NOALERT)
			ctx->r->noalert = true;
	} else {
		if (np < 2)
			return rules_opt_error(ctx, "keyword-arg", "%s:%s needs a name", kw->name,
					       parts[0]);
		if (is_flowbits) {
			if (np > 3)
				return rules_opt_error(ctx, "keyword-arg",
						       "flowbits: too many arguments");
			if (bits_parse_group(ctx, &b, rules_trim(parts[1]),
					     np == 3 ? rules_trim(parts[2]) : NULL) < 0)
				return -1;
		}
		/* names joined with | (any) or & (all) */
		char *names = parts[1];
		bool has_or = strchr(names, '|') != NULL, has_and = strchr(names, '&') != NULL;
		if (has_or && has_and)
			return rules_opt_error(ctx, "keyword-arg",
					       "%s: cannot mix '|' and '&' in one group", kw->name);
		if ((has_or || has_and) && !(b.cmd == RULE_BITS_ISSET ||
					     b.cmd == RULE_BITS_ISNOTSET || b.cmd == RULE_BITS_SET ||
					     b.cmd == RULE_BITS_SETX || b.cmd == RULE_BITS_UNSET ||
					     b.cmd == RULE_BITS_TOGGLE))
			return rules_opt_error(ctx, "keyword-arg",
					       "%s: name groups are not allowed with %s", kw->name,
					       parts[0]);
		if (has_or && b.cmd != RULE_BITS_ISSET && b.cmd != RULE_BITS_ISNOTSET)
			return rules_opt_error(ctx, "keyword-arg",
					       "%s: '|' groups only work with isset/isnotset",
					       kw->name);
		b.and_group = has_and;
		if (b.group_sel == RULE_BITS_NAMED && bits_parse_names(ctx, kw, &b, names) < 0)
			return -1;
		int next = 2;
		if (!is_flowbits) {
			/* xbits:cmd,name,track ip_src|ip_dst|ip_pair[,expire N] */
			for (; next < np; next++) {
				char *a = parts[next];
				char *val = rules_split_word(a);
				int64_t e;
				if (strcmp(a, "track") == 0 && val) {
					if (strcmp(val, "ip_src") == 0 || strcmp(val, "by_src") == 0)
						b.track = RULE_TRACK_SRC;
					else if (strcmp(val, "ip_dst") == 0 ||
						 strcmp(val, "by_dst") == 0)
						b.track = RULE_TRACK_DST;
					else if (strcmp(val, "ip_pair") == 0 ||
						 strcmp(val, "by_both") == 0)
						b.track = RULE_TRACK_PAIR;
					else if (strcmp(val, "tx") == 0 || strcmp(val, "flow") == 0)
						b.track = RULE_TRACK_FLOW;
					else
						return rules_opt_error(ctx, "keyword-arg",
								       "%s: invalid track \"%s\"",
								       kw->name, val);
				} else if (strcmp(a, "expire") == 0 && val &&
					   rules_parse_i64(val, 1, UINT32_MAX, &e) == 0) {
					b.expire = (uint32_t)e;
				} else if (strcmp(kw->name, "hostbits") == 0 && !val &&
					   (strcmp(a, "src") == 0 || strcmp(a, "dst") == 0 ||
					    strcmp(a, "both") == 0)) {
					b.track = a[0] == 's' ? RULE_TRACK_SRC
						  : a[0] == 'd' ? RULE_TRACK_DST : RULE_TRACK_PAIR;
				} else {
					if (val)
						val[-1] = ' ';
					return rules_opt_error(ctx, "keyword-arg",
							       "%s: unknown option \"%s\"", kw->name,
							       a);
				}
			}
			if (strcmp(kw->name, "xbits") == 0 && b.track == RULE_TRACK_FLOW)
				return rules_opt_error(ctx, "keyword-arg",
						       "xbits needs \"track ip_src|ip_dst|ip_pair\"");
		}
	}
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.bits = b;
	return 0;
}

RULES_KW_PARSER(kw_flowint)
{
	char tmp[256], *parts[4];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	int np = rules_split_commas(tmp, parts, 4);
	if (np < 2)
		return rules_opt_error(ctx, "keyword-arg",
				       "flowint: expected NAME, OPERATOR[, VALUE]");
	static const char *const ops[] = { "=", "+", "-", "==", "!=", "<", "<=", ">", ">=",
					   "isset", "notset" };
	size_t k;
	for (k = 0; k < ARRAY_SIZE(ops); k++)
		if (strcmp(parts[1], ops[k]) == 0)
			break;
	if (k == ARRAY_SIZE(ops) && strcmp(parts[1], "isnotset") == 0)
		k = RULE_FI_NOTSET;
	if (k == ARRAY_SIZE(ops))
		return rules_opt_error(ctx, "keyword-arg", "flowint: unknown operator \"%s\"",
				       parts[1]);
	struct rule_flowint fi = { 0 };
	fi.op = (uint8_t)k;
	fi.name = intern(ctx, parts[0]);
	if (!valid_bit_name(parts[0]) || !fi.name)
		return rules_opt_error(ctx, "keyword-arg", "flowint: invalid name \"%s\"",
				       parts[0]);
	if (k == RULE_FI_ISSET || k == RULE_FI_NOTSET) {
		if (np != 2)
			return rules_opt_error(ctx, "keyword-arg", "flowint: %s takes no value",
					       parts[1]);
	} else {
		if (np != 3)
			return rules_opt_error(ctx, "keyword-arg", "flowint: %s needs a value",
					       parts[1]);
		uint64_t v;
		if (parse_uint(parts[2], UINT32_MAX, &v) == 0)
			fi.value = v;
		else if (valid_bit_name(parts[2]) && !isdigit((unsigned char)parts[2][0]))
			fi.value_var = intern(ctx, parts[2]);
		else
			return rules_opt_error(ctx, "keyword-arg", "flowint: invalid value \"%s\"",
					       parts[2]);
	}
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.flowint = fi;
	return 0;
}

RULES_KW_PARSER(kw_threshold)
{
	bool df = strcmp(kw->name, "detection_filter") == 0;
	const struct rule_threshold **slot = df ? &ctx->r->detection_filter : &ctx->r->threshold;
	if (*slot)
		return rules_opt_error(ctx, "keyword-duplicate", "%s given twice", kw->name);
	char tmp[256], *parts[8];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	int np = rules_split_commas(tmp, parts, 8);
	if (np < 0)
		return rules_opt_error(ctx, "keyword-arg", "%s: too many options", kw->name);
	struct rule_threshold t = { 0 };
	t.type = df ? RULE_THR_DETECTION_FILTER : 0xff;
	t.track = 0xff;
	bool have_count = false, have_seconds = false;
	for (int i = 0; i < np; i++) {
		char *a = parts[i];
		char *val = rules_split_word(a);
		int64_t v;
		if (!val)
			return rules_opt_error(ctx, "keyword-arg", "%s: \"%s\" needs a value",
					       kw->name, a);
		if (strcmp(a, "type") == 0 && !df) {
			static const char *const types[] = { "limit", "threshold", "both",
							     "backoff" };
			size_t k;
			for (k = 0; k < ARRAY_SIZE(types); k++)
				if (strcmp(val, types[k]) == 0)
					break;
			if (k == ARRAY_SIZE(types))
				return rules_opt_error(ctx, "keyword-arg",
						       "threshold: unknown type \"%s\"", val);
			t.type = (uint8_t)k;
		} else if (strcmp(a, "track") == 0) {
			static const char *const tr[] = { "by_src", "by_dst", "by_rule", "by_both",
							  "by_flow" };
			size_t k;
			for (k = 0; k < ARRAY_SIZE(tr); k++)
				if (strcmp(val, tr[k]) == 0)
					break;
			if (k == ARRAY_SIZE(tr))
				return rules_opt_error(ctx, "keyword-arg", "%s: unknown track \"%s\"",
						       kw->name, val);
			t.track = (uint8_t)k;
		} else if (strcmp(a, "count") == 0 && rules_parse_i64(val, 1, UINT32_MAX, &v) == 0) {
			t.count = (uint32_t)v;
			have_count = true;
		} else if ((strcmp(a, "seconds") == 0 || strcmp(a, "multiplier") == 0) &&
			   rules_parse_i64(val, 1, UINT32_MAX, &v) == 0) {
			t.seconds = (uint32_t)v;
			have_seconds = true;
		} else {
			return rules_opt_error(ctx, "keyword-arg", "%s: invalid option \"%s %s\"",
					       kw->name, a, val);
		}
	}
	if (t.type == 0xff)
		return rules_opt_error(ctx, "keyword-arg", "threshold: missing type");
	if (t.track == 0xff || !have_count || !have_seconds)
		return rules_opt_error(ctx, "keyword-arg",
				       "%s: track, count and %s are all required", kw->name,
				       t.type == RULE_THR_BACKOFF ? "multiplier" : "seconds");
	struct rule_threshold *p = arena_memdup(&ctx->rs->arena, &t, sizeof(t));
	if (!p)
		return rules_opt_error(ctx, "memory", "out of memory");
	*slot = p;
	return 0;
}

/* Unescape \" \; \\ \: in a quoted or bare string into the arena. */
static const char *unescape_str(struct rules_parse_ctx *ctx, const char *arg)
{
	size_t n = strlen(arg);
	if (n >= 2 && arg[0] == '"' && arg[n - 1] == '"') {
		arg++;
		n -= 2;
	}
	char *out = arena_alloc(&ctx->rs->arena, n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (arg[i] == '\\' && i + 1 < n)
			i++;
		out[o++] = arg[i];
	}
	out[o] = '\0';
	return out;
}

RULES_KW_PARSER(kw_meta)
{
	struct rule *r = ctx->r;
	const char *n = kw->name;
	int64_t v;
	if (strcmp(n, "msg") == 0) {
		size_t l = strlen(arg);
		if (l < 2 || arg[0] != '"' || arg[l - 1] != '"')
			rules_opt_warning(ctx, "msg-unquoted", "msg should be a quoted string");
		r->msg = unescape_str(ctx, arg);
		return r->msg ? 0 : rules_opt_error(ctx, "memory", "out of memory");
	}
	if (strcmp(n, "sid") == 0) {
		if (rules_parse_i64(arg, 1, UINT32_MAX, &v) < 0)
			return rules_opt_error(ctx, "sid-invalid",
					       "sid must be a number from 1 to 4294967295, got \"%s\"",
					       arg);
		r->sid = (uint32_t)v;
		ctx->has_sid = true;
		return 0;
	}
	if (strcmp(n, "gid") == 0) {
		if (rules_parse_i64(arg, 0, UINT32_MAX, &v) < 0)
			return rules_opt_error(ctx, "gid-invalid", "gid must be a number, got \"%s\"",
					       arg);
		r->gid = (uint32_t)v;
		ctx->has_gid = true;
		return 0;
	}
	if (strcmp(n, "rev") == 0) {
		if (rules_parse_i64(arg, 0, UINT32_MAX, &v) < 0)
			return rules_opt_error(ctx, "rev-invalid", "rev must be a number, got \"%s\"",
					       arg);
		r->rev = (uint32_t)v;
		ctx->has_rev = true;
		return 0;
	}
	if (strcmp(n, "priority") == 0) {
		if (rules_parse_i64(arg, 1, 255, &v) < 0)
			return rules_opt_error(ctx, "keyword-arg", "priority must be 1-255, got \"%s\"",
					       arg);
		r->priority = (int)v;
		return 0;
	}
	if (strcmp(n, "classtype") == 0) {
		for (const char *p = arg; *p; p++)
			if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.'))
				return rules_opt_error(ctx, "keyword-arg",
						       "classtype \"%s\" has an invalid character",
						       arg);
		r->classtype = intern(ctx, arg);
		return r->classtype ? 0 : rules_opt_error(ctx, "memory", "out of memory");
	}
	if (strcmp(n, "target") == 0) {
		if (strcmp(arg, "src_ip") == 0)
			r->target = 1;
		else if (strcmp(arg, "dest_ip") == 0)
			r->target = 2;
		else
			return rules_opt_error(ctx, "keyword-arg",
					       "target must be src_ip or dest_ip, got \"%s\"", arg);
		return 0;
	}
	if (strcmp(n, "reference") == 0) {
		const char *comma = strchr(arg, ',');
		if (!comma || comma == arg || !comma[1])
			return rules_opt_error(ctx, "keyword-arg",
					       "reference must be \"system,id\", got \"%s\"", arg);
		char sys[64];
		size_t sl = (size_t)(comma - arg);
		if (sl >= sizeof(sys))
			return rules_opt_error(ctx, "keyword-arg", "reference system too long");
		memcpy(sys, arg, sl);
		sys[sl] = '\0';
		struct rule_reference *ref = vec_push(&ctx->refs);
		if (!ref)
			return rules_opt_error(ctx, "memory", "out of memory");
		ref->system = intern(ctx, rules_trim(sys));
		const char *val = comma + 1;
		while (isspace((unsigned char)*val))
			val++;
		ref->value = arena_strdup(&ctx->rs->arena, val);
		return ref->system && ref->value ? 0 : rules_opt_error(ctx, "memory", "out of memory");
	}
	if (strcmp(n, "metadata") == 0) {
		char *tmp = strdup(arg);
		if (!tmp)
			return rules_opt_error(ctx, "memory", "out of memory");
		char *parts[64];
		int np = rules_split_commas(tmp, parts, 64);
		int rc = 0;
		if (np < 0)
			rc = rules_opt_error(ctx, "keyword-arg", "metadata: too many entries");
		for (int i = 0; i < np && rc == 0; i++) {
			if (!*parts[i])
				continue;
			const char *val = rules_split_word(parts[i]);
			if (!val)
				val = "";
			struct rule_metadata *md = vec_push(&ctx->meta);
			if (!md) {
				rc = rules_opt_error(ctx, "memory", "out of memory");
				break;
			}
			md->key = intern(ctx, parts[i]);
			md->value = intern(ctx, val);
			if (!md->key || !md->value)
				rc = rules_opt_error(ctx, "memory", "out of memory");
		}
		free(tmp);
		return rc;
	}
	return 0;
}

RULES_KW_PARSER(kw_tag)
{
	/* tag:session|host[, count, packets|seconds|bytes[, src|dst]] */
	char tmp[128], *parts[5];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	int np = rules_split_commas(tmp, parts, 5);
	if (np < 1 || (strcmp(parts[0], "session") != 0 && strcmp(parts[0], "host") != 0))
		return rules_opt_error(ctx, "keyword-arg", "tag: expected session or host");
	if (np >= 2) {
		int64_t v;
		if (rules_parse_i64(parts[1], 1, UINT32_MAX, &v) < 0)
			return rules_opt_error(ctx, "keyword-arg", "tag: invalid count \"%s\"",
					       parts[1]);
		if (np < 3 || (strcmp(parts[2], "packets") != 0 &&
			       strcmp(parts[2], "seconds") != 0 && strcmp(parts[2], "bytes") != 0))
			return rules_opt_error(ctx, "keyword-arg",
					       "tag: metric must be packets, seconds or bytes");
		if (np == 4 && strcmp(parts[3], "src") != 0 && strcmp(parts[3], "dst") != 0)
			return rules_opt_error(ctx, "keyword-arg", "tag: direction must be src or dst");
		if (np == 4 && parts[0][0] == 's')
			return rules_opt_error(ctx, "keyword-arg",
					       "tag: src/dst only apply to host tags");
	}
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.arg = arena_strdup(&ctx->rs->arena, arg);
	return 0;
}

RULES_KW_PARSER(kw_noalert)
{
	ctx->r->noalert = true;
	return 0;
}

RULES_KW_PARSER(kw_name_match)
{
	/* app-layer-protocol:[!]NAME[,direction|to_server|to_client|either|final|original] */
	static const char *const modes[] = {
		[RULE_ALPROTO_DIRECTION] = "direction", [RULE_ALPROTO_TO_SERVER] = "to_server",
		[RULE_ALPROTO_TO_CLIENT] = "to_client", [RULE_ALPROTO_EITHER] = "either",
		[RULE_ALPROTO_FINAL] = "final",		[RULE_ALPROTO_ORIGINAL] = "original",
	};
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	char *p = tmp, *comma = strchr(tmp, ',');
	uint8_t mode = RULE_ALPROTO_DIRECTION;
	if (comma) {
		*comma = '\0';
		const char *m = rules_trim(comma + 1);
		size_t i = 0;
		while (i < ARRAY_SIZE(modes) && strcmp(modes[i], m) != 0)
			i++;
		if (i == ARRAY_SIZE(modes))
			return rules_opt_error(ctx, "keyword-arg",
					       "app-layer-protocol: unknown mode \"%s\"", m);
		mode = (uint8_t)i;
	}
	bool neg = false;
	if (*p == '!') {
		neg = true;
		p++;
	}
	p = rules_trim(p);
	if (strcmp(p, "failed") != 0 && strcmp(p, "unknown") != 0 && !rules_app_family(p))
		return rules_opt_error(ctx, "keyword-arg",
				       "app-layer-protocol: unknown protocol \"%s\"", p);
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.name.name = intern(ctx, p);
	pm->m.u.name.negated = neg;
	pm->m.u.name.mode = mode;
	return 0;
}

RULES_KW_PARSER(kw_event)
{
	/* app-layer-event:proto.event / decode-event:ipv4.trunc_pkt / stream-event:name */
	const char *p = arg;
	bool neg = false;
	if (*p == '!') {
		neg = true;
		p++;
	}
	for (const char *c = p; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '.' || *c == '-'))
			return rules_opt_error(ctx, "keyword-arg", "%s: invalid event name \"%s\"",
					       kw->name, arg);
	if (!*p)
		return rules_opt_error(ctx, "keyword-arg", "%s: empty event name", kw->name);
	if (strcmp(kw->name, "app-layer-event") == 0 && !strchr(p, '.') &&
	    strncmp(p, "applayer_", 9) != 0)
		return rules_opt_error(ctx, "keyword-arg",
				       "app-layer-event \"%s\" must be PROTO.EVENT", p);
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.name.name = intern(ctx, p);
	pm->m.u.name.negated = neg;
	return 0;
}

RULES_KW_PARSER(kw_generic)
{
	struct pmatch *pm = rules_match_new(ctx, kw->kind == RULES_KW_PAYLOAD ? ctx->cur_buf
									     : RULES_BUF_PACKET);
	if (!pm)
		return rules_opt_error(ctx, "memory", "out of memory");
	pm->m.u.arg = arg ? arena_strdup(&ctx->rs->arena, arg) : NULL;
	return 0;
}

RULES_KW_PARSER(kw_csum)
{
	if (strcmp(arg, "valid") != 0 && strcmp(arg, "invalid") != 0)
		return rules_opt_error(ctx, "keyword-arg", "%s: expected valid or invalid, got \"%s\"",
				       kw->name, arg);
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.num.op = RULE_NUM_EQ;
	pm->m.u.num.lo = pm->m.u.num.hi = arg[0] == 'v';
	return 0;
}

RULES_KW_PARSER(kw_stream_size)
{
	/* stream_size:server|client|both|either, OP, N */
	char tmp[128], *parts[4];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	int np = rules_split_commas(tmp, parts, 4);
	static const char *const who[] = { "server", "client", "both", "either" };
	size_t k;
	if (np != 3)
		return rules_opt_error(ctx, "keyword-arg",
				       "stream_size: expected SIDE, OPERATOR, VALUE");
	for (k = 0; k < ARRAY_SIZE(who); k++)
		if (strcmp(parts[0], who[k]) == 0)
			break;
	if (k == ARRAY_SIZE(who))
		return rules_opt_error(ctx, "keyword-arg", "stream_size: invalid side \"%s\"",
				       parts[0]);
	char expr[96];
	snprintf(expr, sizeof(expr), "%s%s", parts[1], parts[2]);
	if (strcmp(parts[1], "=") != 0 && strcmp(parts[1], "!=") != 0 &&
	    strcmp(parts[1], "<") != 0 && strcmp(parts[1], ">") != 0 &&
	    strcmp(parts[1], "<=") != 0 && strcmp(parts[1], ">=") != 0)
		return rules_opt_error(ctx, "keyword-arg", "stream_size: invalid operator \"%s\"",
				       parts[1]);
	struct rule_num n;
	if (parse_num_expr(expr, UINT32_MAX, &n) < 0)
		return rules_opt_error(ctx, "keyword-arg", "stream_size: invalid value \"%s\"",
				       parts[2]);
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.num = n;
	return 0;
}

RULES_KW_PARSER(kw_ssl_version)
{
	static const char *const v[] = { "sslv2", "sslv3", "tls1.0", "tls1.1", "tls1.2",
					  "tls1.3" };
	char tmp[128], *parts[8];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	int np = rules_split_commas(tmp, parts, 8);
	if (np < 1)
		return rules_opt_error(ctx, "keyword-arg", "ssl_version: too many versions");
	uint64_t mask = 0;
	for (int i = 0; i < np; i++) {
		const char *p = parts[i] + (parts[i][0] == '!');
		size_t k;
		for (k = 0; k < ARRAY_SIZE(v); k++)
			if (strcasecmp(p, v[k]) == 0)
				break;
		if (k == ARRAY_SIZE(v))
			return rules_opt_error(ctx, "keyword-arg",
					       "ssl_version: unknown version \"%s\"", parts[i]);
		mask |= 1u << k;
	}
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.arg = arena_strdup(&ctx->rs->arena, arg);
	return 0;
}

RULES_KW_PARSER(kw_ssl_state)
{
	static const char *const st[] = { "client_hello", "server_hello", "client_keyx",
					   "server_keyx", "unknown" };
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	char *save = NULL;
	for (char *t = strtok_r(tmp, "|,", &save); t; t = strtok_r(NULL, "|,", &save)) {
		t = rules_trim(t);
		if (*t == '!')
			t++;
		size_t k;
		for (k = 0; k < ARRAY_SIZE(st); k++)
			if (strcmp(t, st[k]) == 0)
				break;
		if (k == ARRAY_SIZE(st))
			return rules_opt_error(ctx, "keyword-arg", "ssl_state: unknown state \"%s\"",
					       t);
	}
	struct pmatch *pm;
	if (add_match(ctx, &pm) < 0)
		return -1;
	pm->m.u.arg = arena_strdup(&ctx->rs->arena, arg);
	return 0;
}
