/*
 * parser.c — from rule text to struct rule: splits a file into logical rules (comments, `# alert`
 * disabled rules, `\` line continuations with a map back to physical line:col), parses the header
 * (action, protocol, addresses, ports, direction), tokenizes options with Suricata's escaping
 * (an unescaped ';' ends an option even inside quotes, as in Suricata), dispatches each option
 * to its keyword's parser, then runs the per-rule semantic checks and packs the matches per
 * buffer into the ruleset's arena. Diagnostics never stop loading.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/internal.h"

static const char *const action_names[RULE_ACTION_COUNT] = {
	"alert", "pass", "drop", "reject", "rejectsrc", "rejectdst", "rejectboth", "accept", "config",
};

/* ---- diagnostics -------------------------------------------------------------------------- */

int rules_diag_format(const struct rule_diag *d, char *buf, size_t len)
{
	return snprintf(buf, len, "%s:%u:%u: %s: %s [%s]", d->file ? d->file : "<rules>", d->line,
			d->col, rules_severity_name(d->severity), d->message,
			d->check_id ? d->check_id : "rules");
}

static void count_diag(struct rules_ruleset *rs, enum rule_severity sev)
{
	if (sev == RULE_SEV_ERROR)
		rs->counts.errors++;
	else if (sev == RULE_SEV_WARNING)
		rs->counts.warnings++;
	else
		rs->counts.notes++;
}

static struct rule_diag *diag_new(struct rules_ruleset *rs, enum rule_severity sev,
				  const char *check_id, const char *fmt, va_list ap)
{
	if (rs->diags.n >= RULES_MAX_DIAGS)
		return NULL;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	struct rule_diag *d = vec_push(&rs->diags);
	if (!d)
		return NULL;
	d->severity = sev;
	d->check_id = check_id;
	d->message = arena_strdup(&rs->arena, msg);
	if (!d->message)
		d->message = "out of memory";
	count_diag(rs, sev);
	return d;
}

void rules_pos(const struct rules_parse_ctx *ctx, size_t off, uint32_t *line, uint32_t *col)
{
	size_t i = 0;
	while (i + 1 < ctx->n_segs && ctx->segs[i + 1].start <= off)
		i++;
	if (ctx->n_segs == 0) {
		*line = 1;
		*col = (uint32_t)off + 1;
		return;
	}
	*line = ctx->segs[i].line;
	*col = ctx->segs[i].col + (uint32_t)(off - ctx->segs[i].start);
}

static void vdiag_span(struct rules_parse_ctx *ctx, enum rule_severity sev, size_t off,
		       size_t len, const char *check_id, const char *fmt, va_list ap)
{
	if (sev == RULE_SEV_ERROR)
		ctx->errors++;
	struct rule_diag *d = diag_new(ctx->rs, sev, check_id, fmt, ap);
	if (!d)
		return;
	d->file = ctx->file;
	d->in_disabled_rule = ctx->disabled;
	d->sid = ctx->r ? ctx->r->sid : 0;
	rules_pos(ctx, off, &d->line, &d->col);
	size_t i = 0;
	while (i + 1 < ctx->n_segs && ctx->segs[i + 1].start <= off)
		i++;
	if (ctx->n_segs) {
		const struct rules_seg *sg = &ctx->segs[i];
		d->source_line = arena_strndup(&ctx->rs->arena, sg->src, sg->src_len);
		uint32_t end = d->col + (uint32_t)(len ? len : 1);
		if (end > sg->src_len + 1)
			end = (uint32_t)sg->src_len + 1;
		d->end_col = end;
	}
}

void rules_diag_add(struct rules_parse_ctx *ctx, enum rule_severity sev, size_t off, size_t len,
		    const char *check_id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag_span(ctx, sev, off, len, check_id, fmt, ap);
	va_end(ap);
}

int rules_opt_error(struct rules_parse_ctx *ctx, const char *check_id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag_span(ctx, RULE_SEV_ERROR, ctx->opt_off, ctx->opt_len, check_id, fmt, ap);
	va_end(ap);
	return -1;
}

void rules_opt_warning(struct rules_parse_ctx *ctx, const char *check_id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag_span(ctx, RULE_SEV_WARNING, ctx->opt_off, ctx->opt_len, check_id, fmt, ap);
	va_end(ap);
}

void rules_diag_file(struct rules_ruleset *rs, enum rule_severity sev, const char *file,
		     uint32_t line, uint32_t col, const char *source_line, size_t source_len,
		     const char *check_id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct rule_diag *d = diag_new(rs, sev, check_id, fmt, ap);
	va_end(ap);
	if (!d)
		return;
	d->file = file;
	d->line = line;
	d->col = col;
	if (source_line)
		d->source_line = arena_strndup(&rs->arena, source_line, source_len);
}

/* ---- small parsing helpers ---------------------------------------------------------------- */

char *rules_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

char *rules_split_word(char *s)
{
	char *sp = s;
	while (*sp && !isspace((unsigned char)*sp))
		sp++;
	if (!*sp)
		return NULL;
	*sp = '\0';
	return rules_trim(sp + 1);
}

int rules_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s)
		return -1;
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int rules_split_commas(char *s, char **out, int max)
{
	int n = 0;
	char *p = s;
	for (;;) {
		if (n == max)
			return -1;
		out[n++] = p;
		/* commas inside quotes do not split */
		bool q = false;
		while (*p && (q || *p != ',')) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				q = !q;
			p++;
		}
		if (!*p)
			break;
		*p++ = '\0';
	}
	for (int i = 0; i < n; i++)
		out[i] = rules_trim(out[i]);
	return n;
}

int rules_var_find(const struct rules_parse_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->vars.n; i++)
		if (strcmp(*VEC_AT(&ctx->vars, const char *, i), name) == 0)
			return (int)i;
	return -1;
}

int rules_parse_intref(struct rules_parse_ctx *ctx, const char *s, int64_t min, int64_t max,
		       struct rule_intref *out)
{
	int64_t v;
	if (rules_parse_i64(s, min, max, &v) == 0) {
		out->value = (int32_t)v;
		out->var = -1;
		return 0;
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		int i = rules_var_find(ctx, s);
		if (i < 0)
			return -2; /* names a variable that was not defined */
		out->value = 0;
		out->var = (int16_t)i;
		return 0;
	}
	return -1;
}

struct pmatch *rules_match_new(struct rules_parse_ctx *ctx, uint16_t buffer)
{
	struct pmatch *pm = vec_push(&ctx->matches);
	if (!pm)
		return NULL;
	pm->buffer = buffer;
	pm->m.kw = ctx->kw;
	rules_pos(ctx, ctx->opt_off, &pm->m.line, &pm->m.col);
	pm->opt_off = ctx->opt_off;
	pm->opt_len = ctx->opt_len;
	if (buffer != RULES_BUF_PACKET && buffer == ctx->cur_buf) {
		pm->dir = ctx->cur_dir;
		pm->n_tr = ctx->cur_ntr;
		memcpy(pm->tr, ctx->cur_tr, sizeof(pm->tr));
	}
	return pm;
}

/* ---- ruleset ------------------------------------------------------------------------------ */

struct rules_ruleset *rules_ruleset_new(const struct conf *vars_conf)
{
	struct rules_ruleset *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return NULL;
	arena_init(&rs->arena);
	vec_init(&rs->rules, sizeof(struct rule *));
	vec_init(&rs->diags, sizeof(struct rule_diag));
	rs->conf = vars_conf;
	rs->unsupported_by_kw = calloc(rules_keyword_count(), sizeof(uint32_t));
	if (!rs->unsupported_by_kw) {
		free(rs);
		return NULL;
	}
	return rs;
}

void rules_ruleset_free(struct rules_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->rules.n; i++) {
		struct rule *r = *VEC_AT(&rs->rules, struct rule *, i);
		for (uint16_t g = 0; g < r->n_groups; g++)
			for (uint32_t k = 0; k < r->groups[g].n; k++) {
				struct rule_match *m = &r->groups[g].m[k];
				if (m->kw && strcmp(m->kw->name, "pcre") == 0 && m->u.pcre.code)
					rules_pcre_free(m->u.pcre.code);
			}
	}
	vec_free(&rs->rules);
	vec_free(&rs->diags);
	strmap_free(&rs->strings);
	strmap_free(&rs->addr_cache);
	strmap_free(&rs->port_cache);
	strmap_free(&rs->addr_vars);
	strmap_free(&rs->port_vars);
	strmap_free(&rs->classtypes);
	strmap_free(&rs->refsys);
	free(rs->unsupported_by_kw);
	arena_free(&rs->arena);
	free(rs);
}

void rules_ruleset_set_keep_text(struct rules_ruleset *rs, bool keep)
{
	rs->keep_text = keep;
}

int rules_ruleset_define_var(struct rules_ruleset *rs, bool port, const char *name,
			     const char *value)
{
	const char *v = arena_strdup(&rs->arena, value);
	if (!v || strmap_put(port ? &rs->port_vars : &rs->addr_vars, &rs->arena, name,
			     (void *)v) < 0)
		return -1;
	/* Cached sets may depend on the old value. */
	strmap_free(&rs->addr_cache);
	strmap_free(&rs->port_cache);
	return 0;
}

size_t rules_ruleset_count(const struct rules_ruleset *rs)
{
	return rs->rules.n;
}

const struct rule *rules_ruleset_rule(const struct rules_ruleset *rs, size_t i)
{
	return i < rs->rules.n ? *VEC_AT(&rs->rules, struct rule *, i) : NULL;
}

const struct rules_counts *rules_ruleset_counts(const struct rules_ruleset *rs)
{
	return &rs->counts;
}

uint32_t rules_ruleset_unsupported_by_keyword(const struct rules_ruleset *rs, size_t kw_index)
{
	return kw_index < rules_keyword_count() ? rs->unsupported_by_kw[kw_index] : 0;
}

size_t rules_diag_count(const struct rules_ruleset *rs)
{
	return rs->diags.n;
}

const struct rule_diag *rules_diag_at(const struct rules_ruleset *rs, size_t i)
{
	return i < rs->diags.n ? VEC_AT(&rs->diags, struct rule_diag, i) : NULL;
}

/* ---- header ------------------------------------------------------------------------------- */

/* Next whitespace-separated header token; brackets may contain spaces ("[1.2.3.4, 5.6.7.8]"). */
static bool header_token(const char *t, size_t len, size_t *pos, size_t *start, size_t *tlen)
{
	size_t p = *pos;
	while (p < len && isspace((unsigned char)t[p]))
		p++;
	if (p >= len || t[p] == '(')
		return false;
	*start = p;
	int depth = 0;
	while (p < len && (depth > 0 || (!isspace((unsigned char)t[p]) && t[p] != '('))) {
		if (t[p] == '[')
			depth++;
		else if (t[p] == ']' && depth > 0)
			depth--;
		p++;
	}
	*tlen = p - *start;
	*pos = p;
	return true;
}

static int parse_proto(struct rules_parse_ctx *ctx, const char *p, size_t off, size_t len)
{
	struct rule *r = ctx->r;
	static const struct {
		const char *name;
		enum rule_proto proto;
		uint8_t flags, transport;
	} l34[] = {
		{ "ip", RULE_PROTO_IP, 0, RULE_TR_ANY },
		{ "ipv4", RULE_PROTO_IP, RULE_PF_IPV4, RULE_TR_ANY },
		{ "ip4", RULE_PROTO_IP, RULE_PF_IPV4, RULE_TR_ANY },
		{ "ipv6", RULE_PROTO_IP, RULE_PF_IPV6, RULE_TR_ANY },
		{ "ip6", RULE_PROTO_IP, RULE_PF_IPV6, RULE_TR_ANY },
		{ "tcp", RULE_PROTO_TCP, 0, RULE_TR_TCP },
		{ "tcp-pkt", RULE_PROTO_TCP, RULE_PF_TCP_PKT, RULE_TR_TCP },
		{ "tcp-stream", RULE_PROTO_TCP, RULE_PF_TCP_STREAM, RULE_TR_TCP },
		{ "udp", RULE_PROTO_UDP, 0, RULE_TR_UDP },
		{ "icmp", RULE_PROTO_ICMP, 0, RULE_TR_ICMP },
		{ "icmpv4", RULE_PROTO_ICMPV4, RULE_PF_IPV4, RULE_TR_ICMP },
		{ "icmpv6", RULE_PROTO_ICMPV6, RULE_PF_IPV6, RULE_TR_ICMP },
		{ "sctp", RULE_PROTO_SCTP, 0, RULE_TR_SCTP },
		{ "igmp", RULE_PROTO_IGMP, RULE_PF_IPV4, 0 },
		{ "pkthdr", RULE_PROTO_PKTHDR, 0, RULE_TR_ANY },
	};
	for (size_t i = 0; i < ARRAY_SIZE(l34); i++) {
		if (strcmp(p, l34[i].name) == 0) {
			r->proto = l34[i].proto;
			r->proto_flags = l34[i].flags;
			r->transport = l34[i].transport;
			return 0;
		}
	}
	const char *fam = rules_app_family(p);
	if (!fam) {
		rules_diag_add(ctx, RULE_SEV_ERROR, off, len, "header-proto",
			       "unknown protocol \"%s\"", p);
		return -1;
	}
	r->proto = RULE_PROTO_APP;
	r->app_proto = strmap_intern(&ctx->rs->strings, &ctx->rs->arena, p);
	r->transport = rules_app_transport(fam);
	return r->app_proto ? 0 : -1;
}

static int parse_header(struct rules_parse_ctx *ctx, size_t *body)
{
	const char *t = ctx->text;
	size_t len = ctx->text_len, pos = 0;
	size_t st[7], tl[7];
	int n = 0;
	static const char *const what[7] = { "action", "protocol", "source address",
					     "source port", "direction", "destination address",
					     "destination port" };
	while (n < 7 && header_token(t, len, &pos, &st[n], &tl[n]))
		n++;
	while (pos < len && isspace((unsigned char)t[pos]))
		pos++;
	if (n == 2 && pos < len && t[pos] == '(') {
		rules_diag_add(ctx, RULE_SEV_ERROR, st[1], tl[1], "snort3-syntax",
			       "a header without addresses and ports is a Snort 3 service rule; "
			       "Suricata rules need \"proto src sport -> dst dport\"");
		return -1;
	}
	if (n < 7) {
		rules_diag_add(ctx, RULE_SEV_ERROR, n ? st[n - 1] : 0, n ? tl[n - 1] : 1,
			       "header-syntax", "rule header ends early: %s expected", what[n]);
		return -1;
	}
	char buf[4096];
	struct rule *r = ctx->r;
#define TOK(i)                                                                   \
	(tl[i] < sizeof(buf) ? (memcpy(buf, t + st[i], tl[i]), buf[tl[i]] = '\0', buf) \
			     : (buf[0] = '\0', buf))
	const char *a = TOK(0);
	size_t ai;
	for (ai = 0; ai < RULE_ACTION_COUNT; ai++)
		if (strcmp(a, action_names[ai]) == 0)
			break;
	if (ai == RULE_ACTION_COUNT) {
		rules_diag_add(ctx, RULE_SEV_ERROR, st[0], tl[0], "header-action",
			       "unknown action \"%s\"", a);
		return -1;
	}
	r->action = (enum rule_action)ai;
	if (parse_proto(ctx, TOK(1), st[1], tl[1]) < 0)
		return -1;

	const char *d = TOK(4);
	if (strcmp(d, "->") == 0) {
		r->dir = RULE_DIR_TO;
	} else if (strcmp(d, "<>") == 0) {
		r->dir = RULE_DIR_BOTH;
	} else if (strcmp(d, "=>") == 0) {
		r->dir = RULE_DIR_TX;
	} else if (strcmp(d, "<-") == 0) {
		rules_diag_add(ctx, RULE_SEV_ERROR, st[4], tl[4], "header-direction",
			       "\"<-\" is not a valid direction: swap source and destination "
			       "and use \"->\"");
		return -1;
	} else {
		rules_diag_add(ctx, RULE_SEV_ERROR, st[4], tl[4], "header-direction",
			       "invalid direction \"%s\" (expected ->, <> or =>)", d);
		return -1;
	}
	char err[256];
	int rc = 0;
	static const int addr_i[2] = { 2, 5 }, port_i[2] = { 3, 6 };
	for (int k = 0; k < 2; k++) {
		const char *s = TOK(addr_i[k]);
		const struct rules_addr_set *set;
		if (rules_addr_compile(ctx->rs, s, &set, err, sizeof(err)) < 0) {
			rules_diag_add(ctx, RULE_SEV_ERROR, st[addr_i[k]], tl[addr_i[k]],
				       "header-address", "%s \"%s\": %s", what[addr_i[k]], s, err);
			rc = -1;
		} else if (k == 0) {
			r->src = set;
		} else {
			r->dst = set;
		}
		s = TOK(port_i[k]);
		const struct rules_port_set *ps;
		if (rules_port_compile(ctx->rs, s, &ps, err, sizeof(err)) < 0) {
			rules_diag_add(ctx, RULE_SEV_ERROR, st[port_i[k]], tl[port_i[k]],
				       "header-port", "%s \"%s\": %s", what[port_i[k]], s, err);
			rc = -1;
		} else if (k == 0) {
			r->sp = ps;
		} else {
			r->dp = ps;
		}
	}
#undef TOK
	while (pos < len && isspace((unsigned char)t[pos]))
		pos++;
	if (pos >= len || t[pos] != '(') {
		rules_diag_add(ctx, RULE_SEV_ERROR, pos < len ? pos : len ? len - 1 : 0, 1,
			       "header-syntax", "'(' expected after the destination port");
		return -1;
	}
	*body = pos + 1;
	return rc;
}

/* ---- options ------------------------------------------------------------------------------ */

static void kw_once_mark(struct rules_parse_ctx *ctx, const struct rules_keyword *kw, bool *dup)
{
	size_t i = rules_keyword_index(kw);
	*dup = false;
	if (i >= sizeof(ctx->seen_once) * 8)
		return;
	if (ctx->seen_once[i / 32] & (1u << (i % 32)))
		*dup = true;
	ctx->seen_once[i / 32] |= 1u << (i % 32);
}

static const char *const snort3_only[] = {
	"service", "bufferlen", "http_param", "sip_header", "sip_method", "sip_stat_code",
	"sip_body", "ber_data", "ber_skip", "ssl_state_snort", "js_data", "vba_data",
	"http_raw_body", "http_true_ip", "http_version", "http_trailer", "http_raw_request",
	"http_raw_status", "http_raw_trailer", "http_num_headers", "http_num_trailers",
	"http_raw_cookie", "http_version_match", "script_data", "regex", "sd_pattern", "cvs",
	"gtp_info", "gtp_type", "gtp_version", "dce_iface_snort", "so", "rem", "replace_snort",
	"sha256", "sha512", "md5", "ssl_version_snort", "byte_extract_snort", "cip_attribute",
	"s7commplus_opcode", "mms_func", "file_type", "file_id", "dnp3_ind",
};

static bool is_snort3_only(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(snort3_only); i++)
		if (strcmp(name, snort3_only[i]) == 0)
			return true;
	return false;
}

static int parse_options(struct rules_parse_ctx *ctx, size_t body)
{
	const char *t = ctx->text;
	size_t len = ctx->text_len;
	/* the options end at the last ')' */
	size_t end = len;
	while (end > body && isspace((unsigned char)t[end - 1]))
		end--;
	if (end <= body || t[end - 1] != ')') {
		rules_diag_add(ctx, RULE_SEV_ERROR, end ? end - 1 : 0, 1, "rule-syntax",
			       "rule does not end with ')'");
		return -1;
	}
	end--;
	size_t p = body;
	int nopts = 0;
	char *val = malloc(end - body + 1);
	if (!val)
		return -1;
	while (p < end) {
		while (p < end && isspace((unsigned char)t[p]))
			p++;
		if (p >= end)
			break;
		size_t ns = p;
		while (p < end && t[p] != ':' && t[p] != ';' && !isspace((unsigned char)t[p]))
			p++;
		size_t nl = p - ns;
		while (p < end && isspace((unsigned char)t[p]))
			p++;
		bool has_arg = false;
		size_t vs = p, vl = 0;
		if (p < end && t[p] == ':') {
			has_arg = true;
			p++;
			vs = p;
			while (p < end && t[p] != ';') {
				if (t[p] == '\\' && p + 1 < end)
					p++;
				p++;
			}
			vl = p - vs;
		}
		ctx->opt_off = ns;
		ctx->opt_len = (p < end ? p + 1 : p) - ns;
		if (nl == 0) {
			rules_diag_add(ctx, RULE_SEV_ERROR, ns, 1, "rule-syntax",
				       "option name expected, found '%c'", t[ns]);
			break;
		}
		if (p >= end || t[p] != ';') {
			rules_diag_add(ctx, RULE_SEV_ERROR, ns, p - ns, "rule-syntax",
				       "option \"%.*s\" is not terminated with ';'", (int)nl,
				       t + ns);
			break;
		}
		p++; /* ';' */
		if (++nopts > RULES_MAX_OPTIONS) {
			rules_diag_add(ctx, RULE_SEV_ERROR, ns, nl, "rule-syntax",
				       "more than %d options", RULES_MAX_OPTIONS);
			break;
		}
		char name[64];
		if (nl >= sizeof(name)) {
			rules_diag_add(ctx, RULE_SEV_ERROR, ns, nl, "keyword-unknown",
				       "unknown keyword \"%.40s...\"", t + ns);
			continue;
		}
		memcpy(name, t + ns, nl);
		name[nl] = '\0';
		const struct rules_keyword *kw = rules_keyword_lookup(name);
		if (!kw) {
			if (is_snort3_only(name))
				rules_diag_add(ctx, RULE_SEV_ERROR, ns, nl, "snort3-syntax",
					       "\"%s\" is a Snort 3 keyword; it is not part of the "
					       "Suricata rule language",
					       name);
			else
				rules_diag_add(ctx, RULE_SEV_ERROR, ns, nl, "keyword-unknown",
					       "unknown keyword \"%s\"", name);
			continue;
		}
		ctx->kw = kw;
		memcpy(val, t + vs, vl);
		val[vl] = '\0';
		char *arg = has_arg ? rules_trim(val) : NULL;
		if (arg && *arg == '\0')
			arg = NULL;
		ctx->arg_off = arg ? vs + (size_t)(arg - val) : ns;
		if ((kw->flags & RULES_KWF_NOARG) && arg) {
			rules_opt_error(ctx, "keyword-arg", "%s takes no value", kw->name);
			continue;
		}
		if ((kw->flags & RULES_KWF_ARG) && !arg) {
			rules_opt_error(ctx, "keyword-arg", "%s needs a value", kw->name);
			continue;
		}
		if (kw->flags & RULES_KWF_ONCE) {
			bool dup;
			kw_once_mark(ctx, kw, &dup);
			if (dup) {
				rules_opt_error(ctx, "keyword-duplicate",
						"%s may appear only once in a rule", kw->name);
				continue;
			}
		}
		if (!(kw->flags & RULES_KWF_SUPPORTED) || !kw->parse) {
			if (!ctx->unsupported)
				ctx->unsupported = kw;
			/* A sticky buffer still selects its buffer so later modifiers land
			 * where the rule writer meant them. */
			if (kw->kind == RULES_KW_STICKY) {
				ctx->cur_buf = kw->buffer;
				ctx->cur_dir = RULE_BUFDIR_ANY;
				ctx->cur_ntr = 0;
				ctx->last_content = -1;
			}
			continue;
		}
		kw->parse(ctx, kw, arg);
	}
	free(val);
	return 0;
}

/* ---- per-rule semantic checks ------------------------------------------------------------- */

static bool is_anchor_kw(const struct rules_keyword *kw)
{
	const char *n = kw->name;
	return strcmp(n, "content") == 0 || strcmp(n, "pcre") == 0 ||
	       strcmp(n, "byte_jump") == 0 || strcmp(n, "byte_extract") == 0 ||
	       strcmp(n, "byte_test") == 0 || strcmp(n, "byte_math") == 0 ||
	       strcmp(n, "isdataat") == 0 || strcmp(n, "base64_decode") == 0 ||
	       strcmp(n, "uricontent") == 0;
}

static bool is_relative(const struct rule_match *m)
{
	const char *n = m->kw->name;
	if (strcmp(n, "content") == 0 || strcmp(n, "uricontent") == 0)
		return m->u.content.flags & (RULE_CF_DISTANCE | RULE_CF_WITHIN);
	if (strcmp(n, "pcre") == 0)
		return m->u.pcre.flags & RULE_PCRE_RELATIVE;
	if (strncmp(n, "byte_", 5) == 0)
		return m->u.byte.flags & RULE_BF_RELATIVE;
	if (strcmp(n, "isdataat") == 0)
		return m->u.isdataat.relative;
	if (strcmp(n, "base64_decode") == 0)
		return m->u.base64.relative;
	return false;
}

static void check_rule(struct rules_parse_ctx *ctx)
{
	struct rule *r = ctx->r;
	size_t n = ctx->matches.n;
	/* relative keywords need something before them in the same buffer */
	for (size_t i = 0; i < n; i++) {
		struct pmatch *pm = VEC_AT(&ctx->matches, struct pmatch, i);
		if (pm->buffer == RULES_BUF_PACKET || !is_relative(&pm->m))
			continue;
		bool anchored = false;
		for (size_t j = 0; j < i && !anchored; j++) {
			struct pmatch *q = VEC_AT(&ctx->matches, struct pmatch, j);
			if (q->buffer == pm->buffer && is_anchor_kw(q->m.kw))
				anchored = true;
		}
		if (!anchored)
			/* Suricata accepts this (relative to the buffer start): warn only */
			rules_diag_add(ctx, RULE_SEV_WARNING, pm->opt_off, pm->opt_len,
				       "relative-without-anchor",
				       "%s is relative but nothing precedes it in buffer %s; it is "
				       "relative to the buffer start",
				       pm->m.kw->name, rules_buffer_name(pm->buffer));
		else {
			/* mark the previous anchor as having a relative successor */
			for (size_t j = i; j-- > 0;) {
				struct pmatch *q = VEC_AT(&ctx->matches, struct pmatch, j);
				if (q->buffer == pm->buffer && is_anchor_kw(q->m.kw)) {
					if (strcmp(q->m.kw->name, "content") == 0)
						q->m.u.content.flags |= RULE_CF_RELATIVE_NEXT;
					break;
				}
			}
		}
	}
	/* buffers must agree with the rule's protocol and with each other */
	const char *app = r->app_proto ? rules_app_family(r->app_proto) : NULL;
	const char *seen_app = NULL;
	size_t seen_off = 0;
	for (size_t i = 0; i < n; i++) {
		struct pmatch *pm = VEC_AT(&ctx->matches, struct pmatch, i);
		const char *bapp = rules_buffer_app_proto(pm->buffer);
		if (!bapp)
			continue;
		if (app && strcmp(app, bapp) != 0) {
			rules_diag_add(ctx, RULE_SEV_ERROR, pm->opt_off, pm->opt_len,
				       "buffer-proto-mismatch",
				       "buffer %s belongs to %s, but the rule's protocol is %s",
				       rules_buffer_name(pm->buffer), bapp, r->app_proto);
			break;
		}
		if (!(rules_app_transport(bapp) & r->transport)) {
			rules_diag_add(ctx, RULE_SEV_ERROR, pm->opt_off, pm->opt_len,
				       "buffer-proto-mismatch",
				       "buffer %s (%s) cannot match a rule of this protocol",
				       rules_buffer_name(pm->buffer), bapp);
			break;
		}
		if (seen_app && strcmp(seen_app, bapp) != 0) {
			uint32_t l, c;
			rules_pos(ctx, seen_off, &l, &c);
			rules_diag_add(ctx, RULE_SEV_ERROR, pm->opt_off, pm->opt_len,
				       "buffer-proto-conflict",
				       "buffer %s (%s) mixed with a %s buffer at %u:%u in one rule",
				       rules_buffer_name(pm->buffer), bapp, seen_app, l, c);
			break;
		}
		seen_app = bapp;
		seen_off = pm->opt_off;
	}
	if (!app && seen_app && r->proto != RULE_PROTO_APP)
		r->app_proto = seen_app; /* tcp rule with http buffers: implied, as Suricata */
	if (!ctx->has_sid)
		rules_diag_add(ctx, RULE_SEV_ERROR, 0, 1, "sid-missing", "rule has no sid");
	if (!ctx->has_rev && ctx->has_sid)
		rules_diag_add(ctx, RULE_SEV_WARNING, 0, 1, "rev-missing",
			       "rule has no rev (defaults to 0)");
}

/* Pack matches per buffer (order of first use) into the arena. */
static int pack_rule(struct rules_parse_ctx *ctx)
{
	struct rules_ruleset *rs = ctx->rs;
	struct rule *r = ctx->r;
	size_t n = ctx->matches.n;
	struct {
		uint16_t buf;
		uint8_t dir;
		uint8_t ntr;
		const struct rules_keyword *tr[4];
		uint32_t count;
	} keys[64];
	size_t nk = 0;
	uint8_t *gi = malloc(n ? n : 1);
	if (!gi)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct pmatch *pm = VEC_AT(&ctx->matches, struct pmatch, i);
		size_t k;
		for (k = 0; k < nk; k++)
			if (keys[k].buf == pm->buffer && keys[k].dir == pm->dir &&
			    keys[k].ntr == pm->n_tr &&
			    memcmp(keys[k].tr, pm->tr, sizeof(pm->tr)) == 0)
				break;
		if (k == nk) {
			if (nk == ARRAY_SIZE(keys)) {
				free(gi);
				rules_diag_add(ctx, RULE_SEV_ERROR, pm->opt_off, pm->opt_len,
					       "rule-syntax", "too many buffers in one rule");
				return -1;
			}
			keys[nk].buf = pm->buffer;
			keys[nk].dir = pm->dir;
			keys[nk].ntr = pm->n_tr;
			memcpy(keys[nk].tr, pm->tr, sizeof(pm->tr));
			keys[nk].count = 0;
			nk++;
		}
		keys[k].count++;
		gi[i] = (uint8_t)k;
	}
	r->n_groups = (uint16_t)nk;
	r->groups = nk ? arena_alloc(&rs->arena, nk * sizeof(*r->groups)) : NULL;
	if (nk && !r->groups) {
		free(gi);
		return -1;
	}
	for (size_t k = 0; k < nk; k++) {
		struct rule_group *g = &r->groups[k];
		g->buffer = keys[k].buf;
		g->dir = keys[k].dir;
		g->n_transforms = keys[k].ntr;
		memcpy(g->transforms, keys[k].tr, sizeof(g->transforms));
		g->m = arena_alloc(&rs->arena, keys[k].count * sizeof(*g->m));
		if (!g->m) {
			free(gi);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct rule_group *g = &r->groups[gi[i]];
		g->m[g->n++] = VEC_AT(&ctx->matches, struct pmatch, i)->m;
	}
	free(gi);
	if (ctx->refs.n) {
		r->refs = arena_memdup(&rs->arena, ctx->refs.data,
				       ctx->refs.n * sizeof(struct rule_reference));
		r->n_refs = (uint16_t)ctx->refs.n;
	}
	if (ctx->meta.n) {
		r->meta = arena_memdup(&rs->arena, ctx->meta.data,
				       ctx->meta.n * sizeof(struct rule_metadata));
		r->n_meta = (uint16_t)ctx->meta.n;
	}
	if (ctx->vars.n) {
		r->vars = arena_memdup(&rs->arena, ctx->vars.data, ctx->vars.n * sizeof(char *));
		r->n_vars = (uint16_t)ctx->vars.n;
	}
	if ((ctx->refs.n && !r->refs) || (ctx->meta.n && !r->meta) || (ctx->vars.n && !r->vars))
		return -1;
	return 0;
}

/* Free compiled regexes of a rule that is being dropped. */
static void discard_matches(struct rules_parse_ctx *ctx)
{
	for (size_t i = 0; i < ctx->matches.n; i++) {
		struct pmatch *pm = VEC_AT(&ctx->matches, struct pmatch, i);
		if (strcmp(pm->m.kw->name, "pcre") == 0 && pm->m.u.pcre.code) {
			rules_pcre_free(pm->m.u.pcre.code);
			pm->m.u.pcre.code = NULL;
		}
	}
}

/* Parse one logical rule. */
static void parse_rule(struct rules_ruleset *rs, const char *file, const char *text, size_t len,
		       const struct rules_seg *segs, size_t nsegs, bool disabled)
{
	struct rules_parse_ctx ctx = { 0 };
	ctx.rs = rs;
	ctx.file = file;
	ctx.text = text;
	ctx.text_len = len;
	ctx.segs = segs;
	ctx.n_segs = nsegs;
	ctx.disabled = disabled;
	ctx.last_content = -1;
	vec_init(&ctx.matches, sizeof(struct pmatch));
	vec_init(&ctx.refs, sizeof(struct rule_reference));
	vec_init(&ctx.meta, sizeof(struct rule_metadata));
	vec_init(&ctx.vars, sizeof(const char *));
	size_t first_diag = rs->diags.n;
	struct rule *r = arena_alloc(&rs->arena, sizeof(*r));
	if (!r) {
		rules_diag_file(rs, RULE_SEV_ERROR, file, segs[0].line, 1, NULL, 0, "memory",
				"out of memory");
		return;
	}
	ctx.r = r;
	r->file = file;
	r->line = segs[0].line;
	r->end_line = segs[nsegs - 1].line;
	r->disabled = disabled;
	r->gid = 1;
	r->dp = NULL;
	size_t body = 0;
	if (len > RULES_MAX_RULE_LEN) {
		rules_diag_add(&ctx, RULE_SEV_ERROR, 0, 1, "rule-syntax",
			       "rule is longer than %d bytes", RULES_MAX_RULE_LEN);
	} else if (parse_header(&ctx, &body) == 0 || body) {
		if (body)
			parse_options(&ctx, body);
		if (ctx.errors == 0)
			check_rule(&ctx);
	}
	/* the sid may come after the option a diagnostic is about */
	for (size_t i = first_diag; i < rs->diags.n; i++)
		VEC_AT(&rs->diags, struct rule_diag, i)->sid = r->sid;
	bool ok = ctx.errors == 0;
	if (ok && pack_rule(&ctx) < 0) {
		rules_diag_add(&ctx, RULE_SEV_ERROR, 0, 1, "memory", "out of memory");
		ok = false;
	}
	if (ok && (rs->keep_text || ctx.unsupported))
		r->text = arena_strndup(&rs->arena, text, len);
	if (ok) {
		if (ctx.unsupported) {
			r->status = RULE_STATUS_UNSUPPORTED;
			r->unsupported_kw = ctx.unsupported->name;
			if (!disabled) {
				rs->counts.unsupported++;
				rs->unsupported_by_kw[rules_keyword_index(ctx.unsupported)]++;
			}
		} else if (!disabled) {
			rs->counts.loaded++;
		}
		if (disabled)
			rs->counts.disabled++;
		else
			rs->counts.by_action[r->action]++;
		struct rule **slot = vec_push(&rs->rules);
		if (slot)
			*slot = r;
	} else {
		discard_matches(&ctx);
		if (disabled)
			rs->counts.disabled_failed++;
		else
			rs->counts.failed++;
	}
	vec_free(&ctx.matches);
	vec_free(&ctx.refs);
	vec_free(&ctx.meta);
	vec_free(&ctx.vars);
}

/* ---- files -------------------------------------------------------------------------------- */

static bool is_action_word(const char *p, const char *end)
{
	for (size_t i = 0; i < RULE_ACTION_COUNT; i++) {
		size_t n = strlen(action_names[i]);
		if ((size_t)(end - p) > n && memcmp(p, action_names[i], n) == 0 &&
		    isspace((unsigned char)p[n]))
			return true;
	}
	return false;
}

/* A commented-out line is a disabled rule when it reads "action proto ... (...)". */
static bool looks_like_rule(const char *p, const char *end)
{
	if (!is_action_word(p, end))
		return false;
	while (p < end && !isspace((unsigned char)*p))
		p++;
	while (p < end && isspace((unsigned char)*p))
		p++;
	char proto[32];
	size_t n = 0;
	while (p < end && !isspace((unsigned char)*p) && n + 1 < sizeof(proto))
		proto[n++] = *p++;
	proto[n] = '\0';
	static const char *const l34[] = { "ip", "ipv4", "ip4", "ipv6", "ip6", "tcp", "tcp-pkt",
					   "tcp-stream", "udp", "icmp", "icmpv4", "icmpv6", "sctp",
					   "igmp", "pkthdr" };
	bool known = rules_app_family(proto) != NULL;
	for (size_t i = 0; i < ARRAY_SIZE(l34) && !known; i++)
		known = strcmp(proto, l34[i]) == 0;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	return known && end > p && (end[-1] == ')' || end[-1] == '\\') &&
	       memchr(p, '(', (size_t)(end - p));
}

int rules_load_string(struct rules_ruleset *rs, const char *text, size_t len, const char *name)
{
	const char *file = strmap_intern(&rs->strings, &rs->arena, name ? name : "<string>");
	if (!file)
		return -1;
	struct vec segs, buf;
	vec_init(&segs, sizeof(struct rules_seg));
	vec_init(&buf, 1);
	const char *p = text, *end = text + len;
	uint32_t lineno = 0;
	int rc = 0;
	while (p < end) {
		const char *ls = p;
		const char *le = memchr(p, '\n', (size_t)(end - p));
		if (!le)
			le = end;
		p = le < end ? le + 1 : end;
		lineno++;
		const char *content_end = le;
		if (content_end > ls && content_end[-1] == '\r')
			content_end--;
		const char *s = ls;
		while (s < content_end && isspace((unsigned char)*s))
			s++;
		if (s == content_end)
			continue;
		bool disabled = false;
		if (*s == '#') {
			const char *q = s;
			while (q < content_end && (*q == '#' || isspace((unsigned char)*q)))
				q++;
			if (!looks_like_rule(q, content_end))
				continue; /* an ordinary comment */
			disabled = true;
			s = q;
		}
		/* gather the logical rule across '\' continuations */
		segs.n = 0;
		buf.n = 0;
		uint32_t first_line = lineno;
		const char *seg_line = ls, *seg_start = s, *seg_end = content_end;
		size_t seg_line_len = (size_t)(content_end - ls);
		for (;;) {
			bool cont = seg_end > seg_start && seg_end[-1] == '\\';
			const char *copy_end = cont ? seg_end - 1 : seg_end;
			struct rules_seg *sg = vec_push(&segs);
			if (!sg) {
				rc = -1;
				goto out;
			}
			sg->start = buf.n;
			sg->line = first_line + (uint32_t)(segs.n - 1);
			sg->col = (uint32_t)(seg_start - seg_line) + 1;
			sg->src = seg_line;
			sg->src_len = seg_line_len;
			if (copy_end > seg_start &&
			    vec_append(&buf, seg_start, (size_t)(copy_end - seg_start)) < 0) {
				rc = -1;
				goto out;
			}
			if (!cont || p >= end || buf.n > RULES_MAX_RULE_LEN)
				break;
			/* next physical line */
			seg_line = p;
			le = memchr(p, '\n', (size_t)(end - p));
			if (!le)
				le = end;
			seg_end = le;
			if (seg_end > p && seg_end[-1] == '\r')
				seg_end--;
			seg_line_len = (size_t)(seg_end - p);
			seg_start = p;
			p = le < end ? le + 1 : end;
			lineno++;
		}
		char *nul = vec_push(&buf);
		if (!nul) {
			rc = -1;
			goto out;
		}
		buf.n--;
		parse_rule(rs, file, buf.data, buf.n, segs.data, segs.n, disabled);
	}
out:
	if (rc < 0)
		rules_diag_file(rs, RULE_SEV_ERROR, file, lineno, 1, NULL, 0, "memory",
				"out of memory");
	vec_free(&segs);
	vec_free(&buf);
	return rc;
}

int rules_read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	while (b) {
		size_t got = fread(b + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		if (cap >= ((size_t)1 << 30)) { /* 1 GiB bound */
			free(b);
			b = NULL;
			errno = EFBIG;
			break;
		}
		char *nb = realloc(b, cap * 2);
		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	int err = ferror(f);
	fclose(f);
	if (!b || err) {
		free(b);
		return -1;
	}
	*out = b;
	*len = n;
	return 0;
}

int rules_load_file(struct rules_ruleset *rs, const char *path)
{
	char *data;
	size_t len;
	if (rules_read_file(path, &data, &len) < 0) {
		const char *file = strmap_intern(&rs->strings, &rs->arena, path);
		rules_diag_file(rs, RULE_SEV_ERROR, file ? file : "<rules>", 0, 0, NULL, 0,
				"file-read", "cannot read rule file: %s", strerror(errno));
		return -1;
	}
	int rc = rules_load_string(rs, data, len, path);
	free(data);
	return rc;
}

/* ---- cross-rule checks -------------------------------------------------------------------- */

struct sid_ent {
	uint64_t key;
	const struct rule *r;
};

static int rule_diag_pos(struct rules_ruleset *rs, const struct rule *r, enum rule_severity sev,
			 const char *check_id, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int rule_diag_pos(struct rules_ruleset *rs, const struct rule *r, enum rule_severity sev,
			 const char *check_id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct rule_diag *d = diag_new(rs, sev, check_id, fmt, ap);
	va_end(ap);
	if (!d)
		return -1;
	d->file = r->file;
	d->line = r->line;
	d->col = 1;
	d->sid = r->sid;
	d->in_disabled_rule = r->disabled;
	return 0;
}

static int sid_cmp(const void *a, const void *b)
{
	const struct sid_ent *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* keep load order among equals */
	return x->r < y->r ? -1 : x->r > y->r;
}

struct bit_use {
	const char *name;
	const struct rule *first_set, *first_check;
};

int rules_ruleset_finalize(struct rules_ruleset *rs)
{
	if (rs->finalized)
		return (int)rs->counts.errors;
	rs->finalized = true;
	size_t n = rs->rules.n;
	struct sid_ent *e = malloc((n ? n : 1) * sizeof(*e));
	if (!e)
		return -1;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules_ruleset_rule(rs, i);
		if (r->disabled)
			continue;
		e[m].key = ((uint64_t)r->gid << 32) | r->sid;
		e[m].r = r;
		m++;
	}
	qsort(e, m, sizeof(*e), sid_cmp);
	for (size_t i = 1; i < m; i++) {
		if (e[i].key == e[i - 1].key) {
			size_t f = i - 1;
			while (f > 0 && e[f - 1].key == e[i].key)
				f--;
			rule_diag_pos(rs, e[i].r, RULE_SEV_ERROR, "sid-duplicate",
				      "duplicate sid %u (gid %u): already used at %s:%u", e[i].r->sid,
				      e[i].r->gid, e[f].r->file, e[f].r->line);
		}
	}
	free(e);

	/* flowbits: every name set somewhere should be checked somewhere and vice versa */
	struct strmap names = { 0 };
	struct vec uses;
	vec_init(&uses, sizeof(struct bit_use));
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct rule *r = rules_ruleset_rule(rs, i);
		if (r->disabled)
			continue;
		for (uint16_t g = 0; g < r->n_groups; g++) {
			for (uint32_t k = 0; k < r->groups[g].n; k++) {
				const struct rule_match *mm = &r->groups[g].m[k];
				if (strcmp(mm->kw->name, "flowbits") != 0)
					continue;
				const struct rule_bits *b = &mm->u.bits;
				bool check = b->cmd == RULE_BITS_ISSET || b->cmd == RULE_BITS_ISNOTSET;
				bool set = b->cmd == RULE_BITS_SET || b->cmd == RULE_BITS_SETX ||
					   b->cmd == RULE_BITS_TOGGLE || b->cmd == RULE_BITS_UNSET;
				if (!check && !set)
					continue;
				for (uint16_t q = 0; q < b->n; q++) {
					uintptr_t idx = (uintptr_t)strmap_get(&names, b->names[q]);
					if (!idx) {
						struct bit_use *u = vec_push(&uses);
						if (!u || strmap_put(&names, &rs->arena, b->names[q],
								     (void *)(uintptr_t)uses.n) < 0) {
							rc = -1;
							break;
						}
						u->name = b->names[q];
						idx = uses.n;
					}
					struct bit_use *u = VEC_AT(&uses, struct bit_use, idx - 1);
					if (set && !u->first_set)
						u->first_set = r;
					if (check && !u->first_check)
						u->first_check = r;
				}
			}
		}
	}
	for (size_t i = 0; i < uses.n; i++) {
		struct bit_use *u = VEC_AT(&uses, struct bit_use, i);
		if (!u->first_check)
			rule_diag_pos(rs, u->first_set, RULE_SEV_WARNING, "flowbits-never-checked",
				      "flowbit \"%s\" is set but no rule checks it", u->name);
		else if (!u->first_set)
			rule_diag_pos(rs, u->first_check, RULE_SEV_WARNING, "flowbits-never-set",
				      "flowbit \"%s\" is checked but no rule sets it", u->name);
	}
	vec_free(&uses);
	strmap_free(&names);
	return rc < 0 ? -1 : (int)rs->counts.errors;
}
