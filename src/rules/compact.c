/*
 * compact.c — the compact L3/L4 firewall syntax (`allow cidr 10.0.0.0/8 ingress`, `deny port tcp
 * 22 ingress`, `default deny ingress`, ...): parser with file:line:col diagnostics in the rules'
 * struct rule_diag shape, HOME_NET handling, and rules_fw_decide(), the pure evaluation function
 * the detect stage calls. The policy is small (hand-written firewall lines), so evaluation is a
 * linear scan per step; what matters is that the order is exact and easy to audit.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/rules.h"

#define FW_MAX_LINE 4096   /* longer physical lines are an error, not a truncation */
#define FW_MAX_RULES 65536 /* entries per policy (port lists expand to several) */
#define FW_MAX_DIAGS 10000
#define FW_MAX_TOKENS 8
#define FW_MAX_HOME 1024
#define FW_MAX_FILE (16u << 20)

struct fw_net {
	struct ip_addr net;
	uint8_t prefix;
	bool neg;
};

struct rules_fw_policy {
	struct rules_fw_rule *rules;
	size_t n, cap;
	struct rule_diag *diags;
	size_t nd, capd, errors;
	bool diags_truncated;
	char **strs; /* every string the policy owns */
	size_t nstr, capstr;
	struct fw_net *home;
	size_t nhome;
	bool home_any;
	uint32_t *index; /* open-addressing table: rule index + 1, 0 = empty */
	size_t index_cap;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static char *fw_strndup(struct rules_fw_policy *p, const char *s, size_t n)
{
	if (p->nstr == p->capstr) {
		size_t cap = p->capstr ? p->capstr * 2 : 32;
		char **v = realloc(p->strs, cap * sizeof(*v));

		if (!v)
			return NULL;
		p->strs = v;
		p->capstr = cap;
	}
	char *c = malloc(n + 1);

	if (!c)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	p->strs[p->nstr++] = c;
	return c;
}

static const char *fw_intern_file(struct rules_fw_policy *p, const char *name)
{
	/* The last interned file name is the common case (many lines, one file). */
	for (size_t i = p->nstr; i-- > 0;)
		if (strcmp(p->strs[i], name) == 0)
			return p->strs[i];
	return fw_strndup(p, name, strlen(name));
}

/* Add a diagnostic. Returns -1 only on allocation failure. */
static int fw_diag(struct rules_fw_policy *p, enum rule_severity sev, const char *file,
		   uint32_t line, uint32_t col, uint32_t len, const char *src, size_t src_len,
		   const char *check_id, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));
static int fw_diag(struct rules_fw_policy *p, enum rule_severity sev, const char *file,
		   uint32_t line, uint32_t col, uint32_t len, const char *src, size_t src_len,
		   const char *check_id, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (sev == RULE_SEV_ERROR)
		p->errors++;
	if (p->nd >= FW_MAX_DIAGS) {
		p->diags_truncated = true;
		return 0;
	}
	if (p->nd == p->capd) {
		size_t cap = p->capd ? p->capd * 2 : 16;
		struct rule_diag *v = realloc(p->diags, cap * sizeof(*v));

		if (!v)
			return -1;
		p->diags = v;
		p->capd = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	struct rule_diag *d = &p->diags[p->nd];

	memset(d, 0, sizeof(*d));
	d->severity = sev;
	d->file = file;
	d->line = line;
	d->col = col;
	d->end_col = len ? col + len : 0;
	d->check_id = check_id;
	d->message = fw_strndup(p, msg, strlen(msg));
	d->source_line = src ? fw_strndup(p, src, src_len) : NULL;
	if (!d->message || (src && !d->source_line))
		return -1;
	p->nd++;
	return 0;
}

/* Clear the host bits of `a` beyond `prefix`. */
static void fw_mask(struct ip_addr *a, unsigned prefix)
{
	unsigned bits = a->family == 4 ? 32 : 128;

	for (unsigned i = prefix; i < bits; i++)
		a->b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

static bool fw_prefix_match(const struct ip_addr *net, unsigned prefix, const struct ip_addr *a)
{
	if (net->family != a->family)
		return false;
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(net->b, a->b, full) != 0)
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xff00u >> rest);

		if ((net->b[full] & m) != (a->b[full] & m))
			return false;
	}
	return true;
}

/* "10.0.0.0/8", "2001:db8::/32", "192.0.2.1" -> net/prefix. host_bits is set when the address
 * had bits beyond the prefix (they are cleared). 0, or -1 with a message. */
static int fw_parse_cidr(const char *s, size_t n, struct ip_addr *net, uint8_t *prefix,
			 bool *host_bits, char *err, size_t errlen)
{
	char buf[64];

	if (n == 0 || n >= sizeof(buf)) {
		snprintf(err, errlen, "'%.*s' is not an IPv4/IPv6 address or CIDR",
			 (int)(n > 60 ? 60 : n), s);
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';

	char *slash = strchr(buf, '/');
	uint64_t len = 0;

	if (slash)
		*slash = '\0';
	if (ip_addr_parse(buf, net) != 0) {
		snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", buf);
		return -1;
	}
	unsigned max = net->family == 4 ? 32 : 128;

	if (slash) {
		if (util_parse_u64(slash + 1, max, &len) != 0) {
			snprintf(err, errlen, "prefix length '%s' must be 0..%u", slash + 1, max);
			return -1;
		}
	} else {
		len = max;
	}
	struct ip_addr masked = *net;

	fw_mask(&masked, (unsigned)len);
	*host_bits = memcmp(&masked, net, sizeof(masked)) != 0;
	*net = masked;
	*prefix = (uint8_t)len;
	return 0;
}

/* ---- policy ------------------------------------------------------------------------------- */

struct rules_fw_policy *rules_fw_policy_new(void)
{
	struct rules_fw_policy *p = calloc(1, sizeof(*p));
	char err[128];

	if (!p)
		return NULL;
	if (rules_fw_policy_set_home(p, "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]", err,
				     sizeof(err)) != 0) {
		rules_fw_policy_free(p);
		return NULL;
	}
	return p;
}

void rules_fw_policy_free(struct rules_fw_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nstr; i++)
		free(p->strs[i]);
	free(p->strs);
	free(p->rules);
	free(p->diags);
	free(p->home);
	free(p->index);
	free(p);
}

int rules_fw_policy_set_home(struct rules_fw_policy *p, const char *text, char *err, size_t errlen)
{
	struct fw_net *nets = NULL;
	size_t n = 0;
	bool any = false;
	const char *s = text;

	while (*s == ' ' || *s == '\t')
		s++;
	bool bracket = *s == '[';

	if (bracket)
		s++;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (*s == '\0' || *s == ']')
			break;
		bool neg = false;

		if (*s == '!') {
			neg = true;
			s++;
		}
		size_t len = strcspn(s, ",] \t");

		if (len == 0) {
			snprintf(err, errlen, "HOME_NET: empty element in '%s'", text);
			free(nets);
			return -1;
		}
		if (len == 3 && strncasecmp(s, "any", 3) == 0 && !neg) {
			any = true;
			s += len;
			continue;
		}
		if (n == FW_MAX_HOME) {
			snprintf(err, errlen, "HOME_NET: more than %d elements", FW_MAX_HOME);
			free(nets);
			return -1;
		}
		struct fw_net *v = realloc(nets, (n + 1) * sizeof(*v));

		if (!v) {
			snprintf(err, errlen, "out of memory");
			free(nets);
			return -1;
		}
		nets = v;
		bool hb;

		if (fw_parse_cidr(s, len, &nets[n].net, &nets[n].prefix, &hb, err, errlen) != 0) {
			free(nets);
			return -1;
		}
		nets[n].neg = neg;
		n++;
		s += len;
	}
	if (bracket && *s != ']') {
		snprintf(err, errlen, "HOME_NET: missing ']' in '%s'", text);
		free(nets);
		return -1;
	}
	free(p->home);
	p->home = nets;
	p->nhome = n;
	p->home_any = any;
	return 0;
}

static bool fw_in_home(const struct rules_fw_policy *p, const struct ip_addr *a)
{
	bool in = p->home_any;
	bool any_pos = p->home_any;

	for (size_t i = 0; i < p->nhome; i++) {
		if (!p->home[i].neg) {
			any_pos = true;
			if (fw_prefix_match(&p->home[i].net, p->home[i].prefix, a))
				in = true;
		}
	}
	/* A list of only negations means "everything except these" (as in Suricata). */
	if (!any_pos)
		in = true;
	for (size_t i = 0; i < p->nhome && in; i++)
		if (p->home[i].neg && fw_prefix_match(&p->home[i].net, p->home[i].prefix, a))
			in = false;
	return in;
}

enum rules_fw_dir rules_fw_direction(const struct rules_fw_policy *p, const struct ip_addr *src,
				     const struct ip_addr *dst)
{
	if (fw_in_home(p, dst))
		return RULES_FW_DIR_INGRESS;
	if (fw_in_home(p, src))
		return RULES_FW_DIR_EGRESS;
	return RULES_FW_DIR_NONE;
}

size_t rules_fw_rule_count(const struct rules_fw_policy *p)
{
	return p->n;
}

const struct rules_fw_rule *rules_fw_rule_at(const struct rules_fw_policy *p, size_t i)
{
	return i < p->n ? &p->rules[i] : NULL;
}

size_t rules_fw_diag_count(const struct rules_fw_policy *p)
{
	return p->nd;
}

const struct rule_diag *rules_fw_diag_at(const struct rules_fw_policy *p, size_t i)
{
	return i < p->nd ? &p->diags[i] : NULL;
}

size_t rules_fw_error_count(const struct rules_fw_policy *p)
{
	return p->errors;
}

const char *rules_fw_dir_name(enum rules_fw_dir d)
{
	switch (d) {
	case RULES_FW_DIR_INGRESS: return "ingress";
	case RULES_FW_DIR_EGRESS: return "egress";
	case RULES_FW_DIR_BOTH: return "both";
	case RULES_FW_DIR_NONE: return "none";
	default: return "auto";
	}
}

const char *rules_fw_stage_name(enum rules_fw_stage s)
{
	static const char *const names[] = { "cidr", "port", "proto", "default", "implicit" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

/* ---- duplicate index ---------------------------------------------------------------------- */

/* Two entries with the same selector (everything but the verdict and the source position). */
static bool fw_same_selector(const struct rules_fw_rule *a, const struct rules_fw_rule *b)
{
	return a->kind == b->kind && a->dir == b->dir && a->prefix == b->prefix &&
	       a->ip_proto == b->ip_proto && a->port_lo == b->port_lo && a->port_hi == b->port_hi &&
	       memcmp(&a->net, &b->net, sizeof(a->net)) == 0;
}

static uint64_t fw_selector_hash(const struct rules_fw_rule *r)
{
	uint8_t key[32];

	memset(key, 0, sizeof(key));
	key[0] = (uint8_t)r->kind;
	key[1] = (uint8_t)r->dir;
	key[2] = r->prefix;
	key[3] = r->ip_proto;
	key[4] = (uint8_t)(r->port_lo >> 8);
	key[5] = (uint8_t)r->port_lo;
	key[6] = (uint8_t)(r->port_hi >> 8);
	key[7] = (uint8_t)r->port_hi;
	key[8] = r->net.family;
	memcpy(key + 9, r->net.b, 16);
	return util_hash64(key, sizeof(key), 0);
}

static int fw_index_grow(struct rules_fw_policy *p)
{
	size_t cap = p->index_cap ? p->index_cap * 2 : 64;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < p->index_cap; i++) {
		if (!p->index[i])
			continue;
		size_t h = fw_selector_hash(&p->rules[p->index[i] - 1]) & (cap - 1);

		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = p->index[i];
	}
	free(p->index);
	p->index = t;
	p->index_cap = cap;
	return 0;
}

/* The earlier entry with the same selector, or NULL; records `idx` when there is none. */
static const struct rules_fw_rule *fw_index_find_or_add(struct rules_fw_policy *p, size_t idx)
{
	const struct rules_fw_rule *r = &p->rules[idx];

	if ((idx + 1) * 2 > p->index_cap && fw_index_grow(p) != 0)
		return NULL; /* no duplicate detection without memory; not fatal */
	size_t h = fw_selector_hash(r) & (p->index_cap - 1);

	while (p->index[h]) {
		const struct rules_fw_rule *o = &p->rules[p->index[h] - 1];

		if (fw_same_selector(o, r))
			return o;
		h = (h + 1) & (p->index_cap - 1);
	}
	p->index[h] = (uint32_t)idx + 1;
	return NULL;
}

/* ---- parser ------------------------------------------------------------------------------- */

struct fw_tok {
	const char *s;
	uint32_t len, col;
};

struct fw_line {
	struct rules_fw_policy *p;
	const char *file;
	uint32_t lineno;
	const char *src; /* physical line */
	size_t src_len;
	const char *text; /* interned rule text (comment stripped) */
	struct fw_tok tok[FW_MAX_TOKENS];
	int ntok;
	int errors;
};

static int fw_err(struct fw_line *l, const struct fw_tok *t, const char *check_id, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));
static int fw_err(struct fw_line *l, const struct fw_tok *t, const char *check_id, const char *fmt,
		  ...)
{
	char msg[400];
	va_list ap;
	uint32_t col, len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t) {
		col = t->col;
		len = t->len;
	} else {
		/* Something is missing: point just past the end of the last token. */
		const struct fw_tok *last = &l->tok[l->ntok - 1];

		col = last->col + last->len + 1;
		len = 0;
	}
	l->errors++;
	if (fw_diag(l->p, RULE_SEV_ERROR, l->file, l->lineno, col, len, l->src, l->src_len,
		    check_id, "%s", msg) != 0)
		return -2;
	return -1;
}

static bool fw_tok_is(const struct fw_tok *t, const char *word)
{
	return t->len == strlen(word) && strncasecmp(t->s, word, t->len) == 0;
}

struct fw_proto_name {
	const char *name;
	uint8_t num;
};

static const struct fw_proto_name fw_protos[] = {
	{ "icmp", 1 },	{ "igmp", 2 },	  { "ipip", 4 },       { "tcp", 6 },
	{ "udp", 17 },	{ "ipv6", 41 },	  { "gre", 47 },       { "esp", 50 },
	{ "ah", 51 },	{ "icmpv6", 58 }, { "ipv6-icmp", 58 }, { "ospf", 89 },
	{ "pim", 103 }, { "vrrp", 112 },  { "l2tp", 115 },     { "sctp", 132 },
};

static int fw_proto_lookup(const struct fw_tok *t, uint8_t *out)
{
	char buf[16];
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(fw_protos); i++) {
		if (fw_tok_is(t, fw_protos[i].name)) {
			*out = fw_protos[i].num;
			return 0;
		}
	}
	if (t->len >= sizeof(buf))
		return -1;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	if (!isdigit((unsigned char)buf[0]) || util_parse_u64(buf, 255, &v) != 0)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

static const char *fw_proto_name(uint8_t num)
{
	for (size_t i = 0; i < ARRAY_SIZE(fw_protos); i++)
		if (fw_protos[i].num == num)
			return fw_protos[i].name;
	return NULL;
}

/* Parse the optional direction word at token `i` (the last allowed one). */
static int fw_parse_dir(struct fw_line *l, int i, enum rules_fw_dir *dir)
{
	*dir = RULES_FW_DIR_BOTH;
	if (i >= l->ntok)
		return 0;
	if (fw_tok_is(&l->tok[i], "ingress"))
		*dir = RULES_FW_DIR_INGRESS;
	else if (fw_tok_is(&l->tok[i], "egress"))
		*dir = RULES_FW_DIR_EGRESS;
	else
		return fw_err(l, &l->tok[i], "compact-direction",
			      "unknown direction '%.*s' (expected 'ingress' or 'egress')",
			      (int)l->tok[i].len, l->tok[i].s);
	if (i + 1 < l->ntok)
		return fw_err(l, &l->tok[i + 1], "compact-trailing",
			      "unexpected '%.*s' after the direction", (int)l->tok[i + 1].len,
			      l->tok[i + 1].s);
	return 0;
}

static int fw_push(struct fw_line *l, const struct rules_fw_rule *tmpl, const struct fw_tok *at)
{
	struct rules_fw_policy *p = l->p;

	if (p->n >= FW_MAX_RULES)
		return fw_err(l, at, "compact-too-many", "more than %d compact rules",
			      FW_MAX_RULES);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct rules_fw_rule *v = realloc(p->rules, cap * sizeof(*v));

		if (!v)
			return -2;
		p->rules = v;
		p->cap = cap;
	}
	p->rules[p->n] = *tmpl;
	p->rules[p->n].file = l->file;
	p->rules[p->n].line = l->lineno;
	p->rules[p->n].text = l->text;

	const struct rules_fw_rule *o = fw_index_find_or_add(p, p->n);

	p->n++;
	if (!o)
		return 0;
	int rc;

	if (o->verdict == tmpl->verdict)
		rc = fw_diag(p, RULE_SEV_WARNING, l->file, l->lineno, at->col, at->len, l->src,
			     l->src_len, "compact-duplicate", "duplicate of %s:%u ('%s')", o->file,
			     o->line, o->text);
	else
		rc = fw_diag(p, RULE_SEV_WARNING, l->file, l->lineno, at->col, at->len, l->src,
			     l->src_len, "compact-conflict",
			     "conflicts with %s:%u ('%s'); deny wins at equal specificity", o->file,
			     o->line, o->text);
	return rc ? -2 : 0;
}

/* One pass over a port list: check every item, and with `push` add the entries. */
static int fw_parse_ports_pass(struct fw_line *l, const struct fw_tok *t, struct rules_fw_rule *r,
			       bool push)
{
	const char *s = t->s, *end = t->s + t->len;

	while (s <= end) {
		const char *e = memchr(s, ',', (size_t)(end - s));

		if (!e)
			e = end;
		struct fw_tok item = { s, (uint32_t)(e - s), t->col + (uint32_t)(s - t->s) };
		char buf[16];
		char *sep, *a, *b;
		uint64_t lo, hi;

		if (item.len == 0 || item.len >= sizeof(buf)) {
			return fw_err(l, item.len ? &item : t, "compact-port",
				      "bad port '%.*s' (expected N, N-M or N:M, 0..65535)",
				      (int)item.len, item.s);
		}
		memcpy(buf, item.s, item.len);
		buf[item.len] = '\0';
		a = buf;
		sep = strpbrk(buf, "-:");
		b = NULL;
		if (sep) {
			*sep = '\0';
			b = sep + 1;
		}
		if (!isdigit((unsigned char)*a) || util_parse_u64(a, 65535, &lo) != 0 ||
		    (b && (!isdigit((unsigned char)*b) || util_parse_u64(b, 65535, &hi) != 0)))
			return fw_err(l, &item, "compact-port",
				      "bad port '%.*s' (expected N, N-M or N:M, 0..65535)",
				      (int)item.len, item.s);
		if (!b)
			hi = lo;
		if (lo > hi)
			return fw_err(l, &item, "compact-port",
				      "port range '%.*s' is empty (%u > %u)", (int)item.len, item.s,
				      (unsigned)lo, (unsigned)hi);
		r->port_lo = (uint16_t)lo;
		r->port_hi = (uint16_t)hi;
		if (push) {
			int rc = fw_push(l, r, &item);

			if (rc < 0)
				return rc;
		}
		s = e + 1;
	}
	return 0;
}

/* "22", "1000-2000", "1000:2000", comma lists of those. One entry per item; the whole list is
 * checked first so a bad item leaves no partial rule behind. */
static int fw_parse_ports(struct fw_line *l, const struct fw_tok *t, struct rules_fw_rule *r)
{
	for (int pass = 0; pass < 2; pass++) {
		int rc = fw_parse_ports_pass(l, t, r, pass == 1);

		if (rc)
			return rc;
	}
	return 0;
}

static int fw_parse_tokens(struct fw_line *l)
{
	struct rules_fw_rule r;
	const struct fw_tok *t = l->tok;
	char err[160];

	memset(&r, 0, sizeof(r));
	if (fw_tok_is(&t[0], "default")) {
		if (l->ntok < 2)
			return fw_err(l, NULL, "compact-missing",
				      "'default' needs 'allow' or 'deny'");
		if (fw_tok_is(&t[1], "allow"))
			r.verdict = RULES_FW_ALLOW;
		else if (fw_tok_is(&t[1], "deny"))
			r.verdict = RULES_FW_DENY;
		else
			return fw_err(l, &t[1], "compact-verb",
				      "expected 'allow' or 'deny' after 'default', not '%.*s'",
				      (int)t[1].len, t[1].s);
		r.kind = RULES_FW_DEFAULT;
		int rc = fw_parse_dir(l, 2, &r.dir);

		return rc ? rc : fw_push(l, &r, &t[0]);
	}
	if (fw_tok_is(&t[0], "allow") || fw_tok_is(&t[0], "accept") || fw_tok_is(&t[0], "pass"))
		r.verdict = RULES_FW_ALLOW;
	else if (fw_tok_is(&t[0], "deny") || fw_tok_is(&t[0], "drop") || fw_tok_is(&t[0], "block"))
		r.verdict = RULES_FW_DENY;
	else
		return fw_err(l, &t[0], "compact-verb",
			      "unknown action '%.*s' (expected 'allow', 'deny' or 'default')",
			      (int)t[0].len, t[0].s);
	if (l->ntok < 2)
		return fw_err(l, NULL, "compact-missing",
			      "expected 'cidr', 'port' or 'proto' after '%.*s'", (int)t[0].len,
			      t[0].s);
	if (fw_tok_is(&t[1], "cidr")) {
		bool hb;

		r.kind = RULES_FW_CIDR;
		if (l->ntok < 3)
			return fw_err(l, NULL, "compact-missing",
				      "'cidr' needs an address or CIDR");
		if (fw_parse_cidr(t[2].s, t[2].len, &r.net, &r.prefix, &hb, err, sizeof(err)) != 0)
			return fw_err(l, &t[2], "compact-cidr", "%s", err);
		int rc = fw_parse_dir(l, 3, &r.dir);

		if (rc)
			return rc;
		if (hb && fw_diag(l->p, RULE_SEV_WARNING, l->file, l->lineno, t[2].col, t[2].len,
				  l->src, l->src_len, "compact-host-bits",
				  "'%.*s' has host bits set beyond /%u; they are ignored",
				  (int)t[2].len, t[2].s, r.prefix) != 0)
			return -2;
		return fw_push(l, &r, &t[2]);
	}
	if (fw_tok_is(&t[1], "port")) {
		r.kind = RULES_FW_PORT;
		if (l->ntok < 3)
			return fw_err(l, NULL, "compact-missing",
				      "'port' needs a transport (tcp, udp or sctp) and a port");
		if (fw_tok_is(&t[2], "tcp"))
			r.ip_proto = 6;
		else if (fw_tok_is(&t[2], "udp"))
			r.ip_proto = 17;
		else if (fw_tok_is(&t[2], "sctp"))
			r.ip_proto = 132;
		else
			return fw_err(l, &t[2], "compact-transport",
				      "'port' needs 'tcp', 'udp' or 'sctp', not '%.*s'",
				      (int)t[2].len, t[2].s);
		if (l->ntok < 4)
			return fw_err(l, NULL, "compact-missing", "'port %.*s' needs a port",
				      (int)t[2].len, t[2].s);
		int rc = fw_parse_dir(l, 4, &r.dir);

		return rc ? rc : fw_parse_ports(l, &t[3], &r);
	}
	if (fw_tok_is(&t[1], "proto")) {
		r.kind = RULES_FW_PROTO;
		if (l->ntok < 3)
			return fw_err(l, NULL, "compact-missing",
				      "'proto' needs a protocol name or number");
		if (fw_proto_lookup(&t[2], &r.ip_proto) != 0)
			return fw_err(l, &t[2], "compact-proto",
				      "unknown protocol '%.*s' (a name such as tcp, udp, icmp, "
				      "icmpv6, gre, esp, or a number 0..255)",
				      (int)t[2].len, t[2].s);
		int rc = fw_parse_dir(l, 3, &r.dir);

		return rc ? rc : fw_push(l, &r, &t[2]);
	}
	return fw_err(l, &t[1], "compact-kind",
		      "unknown selector '%.*s' (expected 'cidr', 'port' or 'proto')", (int)t[1].len,
		      t[1].s);
}

/* One physical line. Returns <-1 on allocation failure, else 0. */
static int fw_parse_line(struct rules_fw_policy *p, const char *file, uint32_t lineno,
			 const char *src, size_t len, int *errors)
{
	struct fw_line l = { .p = p, .file = file, .lineno = lineno, .src = src, .src_len = len };
	const char *hash = memchr(src, '#', len);
	size_t body = hash ? (size_t)(hash - src) : len;
	size_t i = 0;

	if (len > FW_MAX_LINE) {
		(*errors)++;
		return fw_diag(p, RULE_SEV_ERROR, file, lineno, 1, 0, src, FW_MAX_LINE,
			       "compact-line-too-long", "line longer than %d bytes", FW_MAX_LINE)
			       ? -2
			       : 0;
	}
	while (i < body) {
		while (i < body && isspace((unsigned char)src[i]))
			i++;
		if (i >= body)
			break;
		size_t st = i;

		while (i < body && !isspace((unsigned char)src[i]))
			i++;
		if (l.ntok == FW_MAX_TOKENS) {
			struct fw_tok t = { src + st, (uint32_t)(i - st), (uint32_t)st + 1 };

			(*errors)++;
			return fw_err(&l, &t, "compact-trailing", "too many words on one line") ==
					       -2
				       ? -2
				       : 0;
		}
		l.tok[l.ntok++] = (struct fw_tok){ src + st, (uint32_t)(i - st), (uint32_t)st + 1 };
	}
	if (l.ntok == 0)
		return 0;
	/* The rule's text: from the first to the end of the last token. */
	const struct fw_tok *last = &l.tok[l.ntok - 1];

	l.text = fw_strndup(p, l.tok[0].s, (size_t)(last->s + last->len - l.tok[0].s));
	if (!l.text)
		return -2;
	int rc = fw_parse_tokens(&l);

	*errors += l.errors;
	return rc == -2 ? -2 : 0;
}

int rules_fw_load_string(struct rules_fw_policy *p, const char *text, size_t len, const char *name)
{
	const char *file = fw_intern_file(p, name ? name : "<string>");
	size_t off = 0;
	uint32_t lineno = 0;
	int errors = 0;

	if (!file)
		return -1;
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		size_t ll = l;

		lineno++;
		if (ll && text[off + ll - 1] == '\r')
			ll--;
		if (fw_parse_line(p, file, lineno, text + off, ll, &errors) < -1)
			return -1;
		off += l + 1;
	}
	return errors;
}

int rules_fw_load_file(struct rules_fw_policy *p, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!f) {
		const char *file = fw_intern_file(p, path);

		if (file)
			fw_diag(p, RULE_SEV_ERROR, file, 0, 0, 0, NULL, 0, "compact-file",
				"cannot open: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= FW_MAX_FILE) {
				const char *file = fw_intern_file(p, path);

				if (file)
					fw_diag(p, RULE_SEV_ERROR, file, 0, 0, 0, NULL, 0,
						"compact-file", "file larger than %u bytes",
						FW_MAX_FILE);
				free(buf);
				fclose(f);
				return -1;
			}
			cap = cap ? cap * 2 : 4096;
			char *nb = realloc(buf, cap);

			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		if (got == 0)
			break;
		n += got;
	}
	bool ioerr = ferror(f);

	fclose(f);
	if (ioerr) {
		const char *file = fw_intern_file(p, path);

		if (file)
			fw_diag(p, RULE_SEV_ERROR, file, 0, 0, 0, NULL, 0, "compact-file",
				"read error");
		free(buf);
		return -1;
	}
	rc = rules_fw_load_string(p, buf ? buf : "", n, path);
	free(buf);
	return rc;
}

/* ---- equivalent Suricata rule ------------------------------------------------------------- */

int rules_fw_rule_to_suricata(const struct rules_fw_rule *r, uint32_t sid, char *buf, size_t len)
{
	const char *act = r->verdict == RULES_FW_ALLOW ? "accept" : "drop";
	char net[IP_ADDR_STRLEN + 8], ports[16], addr[IP_ADDR_STRLEN];
	const char *proto = "ip", *src = "any", *dst = "any", *arrow = "->", *dp = "any";
	char extra[32] = "";

	/* Ingress: towards $HOME_NET; egress: from it; both: any direction. */
	if (r->dir == RULES_FW_DIR_INGRESS)
		dst = "$HOME_NET";
	else if (r->dir == RULES_FW_DIR_EGRESS)
		src = "$HOME_NET";
	switch (r->kind) {
	case RULES_FW_CIDR:
		snprintf(net, sizeof(net), "%s/%u", ip_addr_to_str(&r->net, addr, sizeof(addr)),
			 r->prefix);
		if (r->dir == RULES_FW_DIR_EGRESS) {
			dst = net;
		} else {
			src = net;
			if (r->dir == RULES_FW_DIR_BOTH)
				arrow = "<>";
		}
		break;
	case RULES_FW_PORT:
		proto = r->ip_proto == 6 ? "tcp" : r->ip_proto == 17 ? "udp" : "sctp";
		if (r->port_lo == r->port_hi)
			snprintf(ports, sizeof(ports), "%u", r->port_lo);
		else
			snprintf(ports, sizeof(ports), "%u:%u", r->port_lo, r->port_hi);
		dp = ports;
		break;
	case RULES_FW_PROTO: {
		const char *n = fw_proto_name(r->ip_proto);

		if (n &&
		    (strcmp(n, "tcp") == 0 || strcmp(n, "udp") == 0 || strcmp(n, "sctp") == 0 ||
		     strcmp(n, "icmp") == 0 || strcmp(n, "igmp") == 0))
			proto = n;
		else if (r->ip_proto == 58)
			proto = "icmpv6";
		else
			snprintf(extra, sizeof(extra), " ip_proto:%u;", r->ip_proto);
		break;
	}
	case RULES_FW_DEFAULT: break;
	}
	return snprintf(buf, len, "%s %s %s any %s %s %s (msg:\"compact %s:%u: %s\";%s sid:%u;)",
			act, proto, src, arrow, dst, dp, r->file ? r->file : "-", r->line,
			r->text ? r->text : "", extra, sid);
}

/* ---- evaluation --------------------------------------------------------------------------- */

static bool fw_dir_applies(enum rules_fw_dir rule, enum rules_fw_dir q)
{
	return rule == RULES_FW_DIR_BOTH || rule == q;
}

/* Best-so-far bookkeeping: a strictly better rank wins; at the same rank deny wins. */
static void fw_consider(const struct rules_fw_rule **best, long *best_rank,
			const struct rules_fw_rule *r, long rank)
{
	if (!*best || rank > *best_rank ||
	    (rank == *best_rank && r->verdict == RULES_FW_DENY &&
	     (*best)->verdict != RULES_FW_DENY)) {
		*best = r;
		*best_rank = rank;
	}
}

enum rules_fw_verdict rules_fw_decide(const struct rules_fw_policy *p,
				      const struct rules_fw_query *q, struct rules_fw_decision *out)
{
	struct rules_fw_decision d = { RULES_FW_DENY, RULES_FW_STAGE_IMPLICIT, q->dir, NULL };
	const struct rules_fw_rule *best = NULL;
	long rank = 0;

	if (d.dir == RULES_FW_DIR_AUTO || d.dir == RULES_FW_DIR_BOTH)
		d.dir = rules_fw_direction(p, &q->src, &q->dst);

	/* 1. CIDR: the remote side (source of ingress, destination of egress); a rule without a
	 * direction matches either address. Longest prefix wins. */
	for (size_t i = 0; i < p->n; i++) {
		const struct rules_fw_rule *r = &p->rules[i];
		bool m;

		if (r->kind != RULES_FW_CIDR || !fw_dir_applies(r->dir, d.dir))
			continue;
		if (r->dir == RULES_FW_DIR_INGRESS)
			m = fw_prefix_match(&r->net, r->prefix, &q->src);
		else if (r->dir == RULES_FW_DIR_EGRESS)
			m = fw_prefix_match(&r->net, r->prefix, &q->dst);
		else
			m = fw_prefix_match(&r->net, r->prefix, &q->src) ||
			    fw_prefix_match(&r->net, r->prefix, &q->dst);
		if (m)
			fw_consider(&best, &rank, r, r->prefix);
	}
	if (best) {
		d.stage = RULES_FW_STAGE_CIDR;
		goto done;
	}

	/* 2. Ports (destination port, same transport): the narrowest range wins. */
	if (q->ip_proto == 6 || q->ip_proto == 17 || q->ip_proto == 132) {
		for (size_t i = 0; i < p->n; i++) {
			const struct rules_fw_rule *r = &p->rules[i];

			if (r->kind != RULES_FW_PORT || r->ip_proto != q->ip_proto ||
			    !fw_dir_applies(r->dir, d.dir) || q->dp < r->port_lo ||
			    q->dp > r->port_hi)
				continue;
			fw_consider(&best, &rank, r, -(long)(r->port_hi - r->port_lo));
		}
		if (best) {
			d.stage = RULES_FW_STAGE_PORT;
			goto done;
		}
	}

	/* 3. IP protocol. */
	for (size_t i = 0; i < p->n; i++) {
		const struct rules_fw_rule *r = &p->rules[i];

		if (r->kind == RULES_FW_PROTO && r->ip_proto == q->ip_proto &&
		    fw_dir_applies(r->dir, d.dir))
			fw_consider(&best, &rank, r, 0);
	}
	if (best) {
		d.stage = RULES_FW_STAGE_PROTO;
		goto done;
	}

	/* 4. Default of the direction: one naming the direction beats one for both. */
	for (size_t i = 0; i < p->n; i++) {
		const struct rules_fw_rule *r = &p->rules[i];

		if (r->kind == RULES_FW_DEFAULT && fw_dir_applies(r->dir, d.dir))
			fw_consider(&best, &rank, r, r->dir == RULES_FW_DIR_BOTH ? 0 : 1);
	}
	if (best)
		d.stage = RULES_FW_STAGE_DEFAULT;

done:
	/* 5. Nothing matched: implicit deny (d's initial value). */
	if (best) {
		d.rule = best;
		d.verdict = best->verdict;
	}
	if (out)
		*out = d;
	return d.verdict;
}
