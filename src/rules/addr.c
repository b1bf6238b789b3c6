/*
 * addr.c — address and port expressions of rule headers ("[10.0.0.0/8,!10.1.0.0/16]",
 * "$HOME_NET", "![80,443]", "1024:") compiled into sorted, non-overlapping range lists with
 * binary-search membership tests.
 *
 * Semantics (Suricata's): a list is the union of its positive items minus the union of its
 * negated items; a list of only negated items starts from "any". An expression that ends up
 * empty ("[1.2.3.4,!1.2.3.4]", "!any") is an error. $VARs come from define_var or
 * vars.address-groups / vars.port-groups; compiled expressions are cached by their text, so the
 * thousands of rules that say "$HOME_NET any -> $EXTERNAL_NET any" share four sets.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "rules/internal.h"

typedef unsigned __int128 u128;

struct r4 {
	uint32_t lo, hi;
};
struct r6 {
	u128 lo, hi;
};

/* A working set during compilation (heap). */
struct aset {
	struct r4 *v4;
	size_t n4, c4;
	struct r6 *v6;
	size_t n6, c6;
};

struct pset {
	struct rules_port_range *r;
	size_t n, c;
};

struct addr_parser {
	struct rules_ruleset *rs;
	const char *s; /* cursor */
	char *err;
	size_t errlen;
	int var_depth;
	int nest;
	bool port;
};

static int perr(struct addr_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct addr_parser *p, const char *fmt, ...)
{
	if (p->err && p->err[0] == '\0') {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- IPv4/IPv6 range lists ---------------------------------------------------------------- */

static int aset_add4(struct aset *s, uint32_t lo, uint32_t hi)
{
	if (s->n4 == s->c4) {
		size_t nc = s->c4 ? s->c4 * 2 : 8;
		struct r4 *n = realloc(s->v4, nc * sizeof(*n));
		if (!n)
			return -1;
		s->v4 = n;
		s->c4 = nc;
	}
	s->v4[s->n4++] = (struct r4){ lo, hi };
	return 0;
}

static int aset_add6(struct aset *s, u128 lo, u128 hi)
{
	if (s->n6 == s->c6) {
		size_t nc = s->c6 ? s->c6 * 2 : 8;
		struct r6 *n = realloc(s->v6, nc * sizeof(*n));
		if (!n)
			return -1;
		s->v6 = n;
		s->c6 = nc;
	}
	s->v6[s->n6++] = (struct r6){ lo, hi };
	return 0;
}

static void aset_free(struct aset *s)
{
	free(s->v4);
	free(s->v6);
	memset(s, 0, sizeof(*s));
}

static int cmp4(const void *a, const void *b)
{
	const struct r4 *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int cmp6(const void *a, const void *b)
{
	const struct r6 *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and merge overlapping or adjacent ranges. */
static void aset_normalize(struct aset *s)
{
	if (s->n4 > 1) {
		qsort(s->v4, s->n4, sizeof(*s->v4), cmp4);
		size_t o = 0;
		for (size_t i = 1; i < s->n4; i++) {
			struct r4 *cur = &s->v4[o];
			if (cur->hi == UINT32_MAX || s->v4[i].lo <= cur->hi + 1) {
				if (s->v4[i].hi > cur->hi)
					cur->hi = s->v4[i].hi;
			} else {
				s->v4[++o] = s->v4[i];
			}
		}
		s->n4 = o + 1;
	}
	if (s->n6 > 1) {
		qsort(s->v6, s->n6, sizeof(*s->v6), cmp6);
		size_t o = 0;
		for (size_t i = 1; i < s->n6; i++) {
			struct r6 *cur = &s->v6[o];
			if (cur->hi == ~(u128)0 || s->v6[i].lo <= cur->hi + 1) {
				if (s->v6[i].hi > cur->hi)
					cur->hi = s->v6[i].hi;
			} else {
				s->v6[++o] = s->v6[i];
			}
		}
		s->n6 = o + 1;
	}
}

/* out = a minus b; both normalized. */
static int aset_subtract(struct aset *out, const struct aset *a, const struct aset *b)
{
	size_t j = 0;
	for (size_t i = 0; i < a->n4; i++) {
		uint64_t lo = a->v4[i].lo, hi = a->v4[i].hi;
		while (j < b->n4 && b->v4[j].hi < lo)
			j++;
		size_t k = j;
		while (lo <= hi && k < b->n4 && b->v4[k].lo <= hi) {
			if (b->v4[k].lo > lo && aset_add4(out, (uint32_t)lo, b->v4[k].lo - 1) < 0)
				return -1;
			lo = (uint64_t)b->v4[k].hi + 1;
			k++;
		}
		if (lo <= hi && aset_add4(out, (uint32_t)lo, (uint32_t)hi) < 0)
			return -1;
	}
	j = 0;
	for (size_t i = 0; i < a->n6; i++) {
		u128 lo = a->v6[i].lo, hi = a->v6[i].hi;
		bool done = false;
		while (j < b->n6 && b->v6[j].hi < lo)
			j++;
		size_t k = j;
		while (!done && k < b->n6 && b->v6[k].lo <= hi) {
			if (b->v6[k].lo > lo && aset_add6(out, lo, b->v6[k].lo - 1) < 0)
				return -1;
			if (b->v6[k].hi >= hi)
				done = true;
			else
				lo = b->v6[k].hi + 1;
			k++;
		}
		if (!done && aset_add6(out, lo, hi) < 0)
			return -1;
	}
	return 0;
}

static int aset_union_into(struct aset *dst, const struct aset *src)
{
	for (size_t i = 0; i < src->n4; i++)
		if (aset_add4(dst, src->v4[i].lo, src->v4[i].hi) < 0)
			return -1;
	for (size_t i = 0; i < src->n6; i++)
		if (aset_add6(dst, src->v6[i].lo, src->v6[i].hi) < 0)
			return -1;
	return 0;
}

static int aset_fill_any(struct aset *s)
{
	if (aset_add4(s, 0, UINT32_MAX) < 0 || aset_add6(s, 0, ~(u128)0) < 0)
		return -1;
	return 0;
}

static u128 bytes_to_u128(const uint8_t b[16])
{
	u128 v = 0;
	for (int i = 0; i < 16; i++)
		v = (v << 8) | b[i];
	return v;
}

static void u128_to_bytes(u128 v, uint8_t b[16])
{
	for (int i = 15; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* ---- variables ---------------------------------------------------------------------------- */

static const char *var_lookup(struct rules_ruleset *rs, const char *name, bool port)
{
	const char *v = strmap_get(port ? &rs->port_vars : &rs->addr_vars, name);
	if (v)
		return v;
	if (!rs->conf || !rs->conf->root)
		return NULL;
	/* Walk the tree by the public node structure: vars.<group>.<NAME>. */
	const char *path[3] = { "vars", port ? "port-groups" : "address-groups", name };
	const struct conf_node *n = rs->conf->root;
	for (int i = 0; i < 3 && n; i++) {
		const struct conf_node *c = n->first_child;
		while (c && !(c->key && strcmp(c->key, path[i]) == 0))
			c = c->next;
		n = c;
	}
	if (!n || n->type != CONF_SCALAR)
		return NULL;
	return n->value;
}

/* ---- address expressions ------------------------------------------------------------------ */

static int addr_parse_list(struct addr_parser *p, struct aset *out, char close);

static bool addr_token_char(char c)
{
	return c && c != ',' && c != ']' && c != '[' && !isspace((unsigned char)c);
}

/* One literal: ip, ip/prefix, ip/netmask, ip-ip. */
static int addr_parse_literal(struct addr_parser *p, const char *tok, struct aset *out)
{
	char buf[128];
	if (strlen(tok) >= sizeof(buf))
		return perr(p, "address \"%.40s...\" is too long", tok);
	strcpy(buf, tok);
	char *slash = strchr(buf, '/');
	char *dash = strchr(buf, '-');
	if (dash && !slash) {
		*dash = '\0';
		struct ip_addr a, b;
		if (ip_addr_parse(buf, &a) < 0 || ip_addr_parse(dash + 1, &b) < 0 ||
		    a.family != b.family)
			return perr(p, "invalid address range \"%s\"", tok);
		if (a.family == 4) {
			uint32_t lo = ntohl(a.w[0]), hi = ntohl(b.w[0]);
			if (lo > hi)
				return perr(p, "address range \"%s\" has its start after its end",
					    tok);
			return aset_add4(out, lo, hi) < 0 ? perr(p, "out of memory") : 0;
		}
		u128 lo = bytes_to_u128(a.b), hi = bytes_to_u128(b.b);
		if (lo > hi)
			return perr(p, "address range \"%s\" has its start after its end", tok);
		return aset_add6(out, lo, hi) < 0 ? perr(p, "out of memory") : 0;
	}
	if (slash)
		*slash = '\0';
	struct ip_addr a;
	if (ip_addr_parse(buf, &a) < 0)
		return perr(p, "invalid address \"%s\"", tok);
	int bits = a.family == 4 ? 32 : 128;
	if (slash) {
		const char *m = slash + 1;
		struct ip_addr mask;
		if (a.family == 4 && strchr(m, '.') && ip_addr_parse(m, &mask) == 0 &&
		    mask.family == 4) {
			/* netmask form: must be contiguous ones */
			uint32_t mv = ntohl(mask.w[0]);
			if (mv && ((~mv + 1) & ~mv))
				return perr(p, "netmask \"%s\" is not contiguous", m);
			bits = mv ? 32 - __builtin_ctz(mv) : 0;
			if (mv == 0xffffffffu)
				bits = 32;
		} else {
			int64_t v;
			if (rules_parse_i64(m, 0, a.family == 4 ? 32 : 128, &v) < 0)
				return perr(p, "invalid prefix length \"/%s\" (0-%d)", m,
					    a.family == 4 ? 32 : 128);
			bits = (int)v;
		}
	}
	if (a.family == 4) {
		uint32_t v = ntohl(a.w[0]);
		uint32_t mask = bits ? ~0u << (32 - bits) : 0;
		/* Suricata accepts host bits set in a CIDR and uses the network. */
		return aset_add4(out, v & mask, (v & mask) | ~mask) < 0 ? perr(p, "out of memory")
									   : 0;
	}
	u128 v = bytes_to_u128(a.b);
	u128 mask = bits ? ~(u128)0 << (128 - bits) : 0;
	return aset_add6(out, v & mask, (v & mask) | ~mask) < 0 ? perr(p, "out of memory") : 0;
}

/* One item into either the positive or the negative set. */
static int addr_parse_item(struct addr_parser *p, struct aset *pos, struct aset *neg,
			   bool negated)
{
	while (isspace((unsigned char)*p->s))
		p->s++;
	if (*p->s == '!') {
		p->s++;
		return addr_parse_item(p, pos, neg, !negated);
	}
	struct aset sub = { 0 };
	int rc = 0;
	if (*p->s == '[') {
		if (++p->nest > RULES_MAX_ADDR_DEPTH)
			return perr(p, "address groups nested too deeply");
		p->s++;
		rc = addr_parse_list(p, &sub, ']');
		p->nest--;
	} else {
		const char *start = p->s;
		while (addr_token_char(*p->s))
			p->s++;
		size_t n = (size_t)(p->s - start);
		if (n == 0) {
			if (*p->s)
				return perr(p, "unexpected '%c' in address", *p->s);
			return perr(p, "empty address");
		}
		char tok[128];
		if (n >= sizeof(tok))
			return perr(p, "address \"%.40s...\" is too long", start);
		memcpy(tok, start, n);
		tok[n] = '\0';
		if (strcmp(tok, "any") == 0) {
			if (negated)
				return perr(p, "\"!any\" matches nothing");
			rc = aset_fill_any(&sub) < 0 ? perr(p, "out of memory") : 0;
		} else if (tok[0] == '$') {
			const char *val = var_lookup(p->rs, tok + 1, false);
			if (!val) {
				rc = perr(p, "undefined address variable %s", tok);
			} else if (p->var_depth >= RULES_MAX_VAR_DEPTH) {
				rc = perr(p, "address variable %s nests too deeply (loop?)", tok);
			} else {
				struct addr_parser q = *p;
				q.s = val;
				q.var_depth++;
				q.nest = 0;
				rc = addr_parse_list(&q, &sub, '\0');
				if (rc < 0 && p->err && strstr(p->err, " (in ") == NULL) {
					size_t l = strlen(p->err);
					snprintf(p->err + l, p->errlen - l, " (in %s)", tok);
				}
			}
		} else {
			rc = addr_parse_literal(p, tok, &sub);
		}
	}
	if (rc == 0)
		rc = aset_union_into(negated ? neg : pos, &sub) < 0 ? perr(p, "out of memory") : 0;
	aset_free(&sub);
	return rc;
}

/* items up to `close` (']' or end of string); result in out (normalized). */
static int addr_parse_list(struct addr_parser *p, struct aset *out, char close)
{
	struct aset pos = { 0 }, neg = { 0 };
	int rc = 0;
	bool any_pos_item = false, any_item = false;
	for (;;) {
		while (isspace((unsigned char)*p->s))
			p->s++;
		if (*p->s == close) {
			if (!any_item)
				rc = perr(p, "empty address list");
			if (close)
				p->s++;
			break;
		}
		if (*p->s == '\0') {
			rc = perr(p, "missing ']' in address list");
			break;
		}
		size_t before = pos.n4 + pos.n6;
		const char *item_start = p->s;
		if (addr_parse_item(p, &pos, &neg, false) < 0) {
			rc = -1;
			break;
		}
		any_item = true;
		if (pos.n4 + pos.n6 > before || (*item_start != '!'))
			any_pos_item = true;
		while (isspace((unsigned char)*p->s))
			p->s++;
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s != close) {
			rc = *p->s ? perr(p, "unexpected '%c' in address list", *p->s)
				   : perr(p, "missing ']' in address list");
			break;
		}
	}
	if (rc == 0) {
		if (!any_pos_item && aset_fill_any(&pos) < 0)
			rc = perr(p, "out of memory");
		aset_normalize(&pos);
		aset_normalize(&neg);
		if (rc == 0 && aset_subtract(out, &pos, &neg) < 0)
			rc = perr(p, "out of memory");
		if (rc == 0 && out->n4 + out->n6 == 0)
			rc = perr(p, "address set is empty (everything listed is also negated)");
	}
	aset_free(&pos);
	aset_free(&neg);
	return rc;
}

int rules_addr_compile(struct rules_ruleset *rs, const char *text,
		       const struct rules_addr_set **out, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	struct rules_addr_set *cached = strmap_get(&rs->addr_cache, text);
	if (cached) {
		*out = cached;
		return 0;
	}
	struct addr_parser p = { .rs = rs, .s = text, .err = err, .errlen = errlen };
	struct aset s = { 0 };
	if (addr_parse_list(&p, &s, '\0') < 0) {
		aset_free(&s);
		return -1;
	}
	struct rules_addr_set *set = arena_alloc(&rs->arena, sizeof(*set));
	struct rules_ip4_range *v4 = s.n4 ? arena_alloc(&rs->arena, s.n4 * sizeof(*v4)) : NULL;
	struct rules_ip6_range *v6 = s.n6 ? arena_alloc(&rs->arena, s.n6 * sizeof(*v6)) : NULL;
	if (!set || (s.n4 && !v4) || (s.n6 && !v6)) {
		aset_free(&s);
		return perr(&p, "out of memory");
	}
	for (size_t i = 0; i < s.n4; i++) {
		v4[i].lo = s.v4[i].lo;
		v4[i].hi = s.v4[i].hi;
	}
	for (size_t i = 0; i < s.n6; i++) {
		u128_to_bytes(s.v6[i].lo, v6[i].lo);
		u128_to_bytes(s.v6[i].hi, v6[i].hi);
	}
	set->n4 = (uint32_t)s.n4;
	set->n6 = (uint32_t)s.n6;
	set->v4 = v4;
	set->v6 = v6;
	set->any = s.n4 == 1 && s.v4[0].lo == 0 && s.v4[0].hi == UINT32_MAX && s.n6 == 1 &&
		   s.v6[0].lo == 0 && s.v6[0].hi == ~(u128)0;
	aset_free(&s);
	if (strmap_put(&rs->addr_cache, &rs->arena, text, set) < 0)
		return perr(&p, "out of memory");
	set->text = strmap_intern(&rs->strings, &rs->arena, text);
	if (!set->text)
		return perr(&p, "out of memory");
	*out = set;
	return 0;
}

bool rules_addr_set_match(const struct rules_addr_set *set, const struct ip_addr *ip)
{
	if (set->any)
		return true;
	if (ip->family == 4) {
		uint32_t v = ntohl(ip->w[0]);
		size_t lo = 0, hi = set->n4;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (set->v4[mid].hi < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < set->n4 && set->v4[lo].lo <= v;
	}
	if (ip->family == 6) {
		size_t lo = 0, hi = set->n6;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (memcmp(set->v6[mid].hi, ip->b, 16) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < set->n6 && memcmp(set->v6[lo].lo, ip->b, 16) <= 0;
	}
	return false;
}

/* ---- port expressions --------------------------------------------------------------------- */

static int pset_add(struct pset *s, uint32_t lo, uint32_t hi)
{
	if (s->n == s->c) {
		size_t nc = s->c ? s->c * 2 : 8;
		struct rules_port_range *n = realloc(s->r, nc * sizeof(*n));
		if (!n)
			return -1;
		s->r = n;
		s->c = nc;
	}
	s->r[s->n++] = (struct rules_port_range){ (uint16_t)lo, (uint16_t)hi };
	return 0;
}

static int cmpp(const void *a, const void *b)
{
	const struct rules_port_range *x = a, *y = b;
	return (int)x->lo - (int)y->lo;
}

static void pset_normalize(struct pset *s)
{
	if (s->n < 2)
		return;
	qsort(s->r, s->n, sizeof(*s->r), cmpp);
	size_t o = 0;
	for (size_t i = 1; i < s->n; i++) {
		if ((uint32_t)s->r[i].lo <= (uint32_t)s->r[o].hi + 1) {
			if (s->r[i].hi > s->r[o].hi)
				s->r[o].hi = s->r[i].hi;
		} else {
			s->r[++o] = s->r[i];
		}
	}
	s->n = o + 1;
}

static int port_parse_list(struct addr_parser *p, struct pset *out, char close);

static int port_parse_num(struct addr_parser *p, const char *s, uint32_t *v)
{
	int64_t x;
	if (rules_parse_i64(s, 0, 65535, &x) < 0)
		return perr(p, "invalid port \"%s\" (0-65535)", s);
	*v = (uint32_t)x;
	return 0;
}

static int port_parse_item(struct addr_parser *p, struct pset *pos, struct pset *neg,
			   bool negated)
{
	while (isspace((unsigned char)*p->s))
		p->s++;
	if (*p->s == '!') {
		p->s++;
		return port_parse_item(p, pos, neg, !negated);
	}
	struct pset sub = { 0 };
	int rc = 0;
	if (*p->s == '[') {
		if (++p->nest > RULES_MAX_ADDR_DEPTH)
			return perr(p, "port groups nested too deeply");
		p->s++;
		rc = port_parse_list(p, &sub, ']');
		p->nest--;
	} else {
		const char *start = p->s;
		while (addr_token_char(*p->s))
			p->s++;
		size_t n = (size_t)(p->s - start);
		char tok[64];
		if (n == 0)
			return *p->s ? perr(p, "unexpected '%c' in port", *p->s)
				     : perr(p, "empty port");
		if (n >= sizeof(tok))
			return perr(p, "port \"%.20s...\" is too long", start);
		memcpy(tok, start, n);
		tok[n] = '\0';
		if (strcmp(tok, "any") == 0) {
			if (negated)
				return perr(p, "\"!any\" matches no port");
			rc = pset_add(&sub, 0, 65535);
		} else if (tok[0] == '$') {
			const char *val = var_lookup(p->rs, tok + 1, true);
			if (!val) {
				rc = perr(p, "undefined port variable %s", tok);
			} else if (p->var_depth >= RULES_MAX_VAR_DEPTH) {
				rc = perr(p, "port variable %s nests too deeply (loop?)", tok);
			} else {
				struct addr_parser q = *p;
				q.s = val;
				q.var_depth++;
				q.nest = 0;
				rc = port_parse_list(&q, &sub, '\0');
			}
		} else {
			char *colon = strchr(tok, ':');
			uint32_t lo = 0, hi = 65535;
			if (colon) {
				*colon = '\0';
				if (tok[0] == '\0' && colon[1] == '\0')
					return perr(p, "port range \":\" has no bounds");
				if (tok[0] && port_parse_num(p, tok, &lo) < 0)
					return -1;
				if (colon[1] && port_parse_num(p, colon + 1, &hi) < 0)
					return -1;
				if (lo > hi)
					return perr(p, "port range %u:%u has its start after its end",
						    lo, hi);
			} else {
				if (port_parse_num(p, tok, &lo) < 0)
					return -1;
				hi = lo;
			}
			rc = pset_add(&sub, lo, hi);
		}
	}
	if (rc == 0) {
		struct pset *dst = negated ? neg : pos;
		for (size_t i = 0; i < sub.n && rc == 0; i++)
			rc = pset_add(dst, sub.r[i].lo, sub.r[i].hi);
	}
	free(sub.r);
	return rc;
}

static int port_parse_list(struct addr_parser *p, struct pset *out, char close)
{
	struct pset pos = { 0 }, neg = { 0 };
	int rc = 0;
	bool any_pos_item = false, any_item = false;
	for (;;) {
		while (isspace((unsigned char)*p->s))
			p->s++;
		if (*p->s == close) {
			if (!any_item)
				rc = perr(p, "empty port list");
			if (close)
				p->s++;
			break;
		}
		if (*p->s == '\0') {
			rc = perr(p, "missing ']' in port list");
			break;
		}
		const char *item_start = p->s;
		if (port_parse_item(p, &pos, &neg, false) < 0) {
			rc = -1;
			break;
		}
		any_item = true;
		if (*item_start != '!')
			any_pos_item = true;
		while (isspace((unsigned char)*p->s))
			p->s++;
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s != close) {
			rc = *p->s ? perr(p, "unexpected '%c' in port list", *p->s)
				   : perr(p, "missing ']' in port list");
			break;
		}
	}
	if (rc == 0 && !any_pos_item && pset_add(&pos, 0, 65535) < 0)
		rc = perr(p, "out of memory");
	if (rc == 0) {
		pset_normalize(&pos);
		pset_normalize(&neg);
		size_t j = 0;
		for (size_t i = 0; i < pos.n && rc == 0; i++) {
			uint32_t lo = pos.r[i].lo, hi = pos.r[i].hi;
			while (j < neg.n && neg.r[j].hi < lo)
				j++;
			size_t k = j;
			while (lo <= hi && k < neg.n && neg.r[k].lo <= hi) {
				if (neg.r[k].lo > lo && pset_add(out, lo, neg.r[k].lo - 1u) < 0)
					rc = -1;
				lo = (uint32_t)neg.r[k].hi + 1;
				k++;
			}
			if (rc == 0 && lo <= hi && pset_add(out, lo, hi) < 0)
				rc = -1;
		}
		if (rc < 0)
			perr(p, "out of memory");
		else if (out->n == 0)
			rc = perr(p, "port set is empty (everything listed is also negated)");
	}
	free(pos.r);
	free(neg.r);
	return rc;
}

int rules_port_compile(struct rules_ruleset *rs, const char *text,
		       const struct rules_port_set **out, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	struct rules_port_set *cached = strmap_get(&rs->port_cache, text);
	if (cached) {
		*out = cached;
		return 0;
	}
	struct addr_parser p = { .rs = rs, .s = text, .err = err, .errlen = errlen, .port = true };
	struct pset s = { 0 };
	if (port_parse_list(&p, &s, '\0') < 0) {
		free(s.r);
		return -1;
	}
	struct rules_port_set *set = arena_alloc(&rs->arena, sizeof(*set));
	struct rules_port_range *r = arena_memdup(&rs->arena, s.r, s.n * sizeof(*s.r));
	if (!set || !r) {
		free(s.r);
		return perr(&p, "out of memory");
	}
	set->n = (uint32_t)s.n;
	set->r = r;
	set->any = s.n == 1 && s.r[0].lo == 0 && s.r[0].hi == 65535;
	free(s.r);
	if (strmap_put(&rs->port_cache, &rs->arena, text, set) < 0)
		return perr(&p, "out of memory");
	set->text = strmap_intern(&rs->strings, &rs->arena, text);
	if (!set->text)
		return perr(&p, "out of memory");
	*out = set;
	return 0;
}

bool rules_port_set_match(const struct rules_port_set *set, uint16_t port)
{
	if (set->any)
		return true;
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->r[mid].hi < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->n && set->r[lo].lo <= port;
}

int rules_addr_set_parse(struct rules_ruleset *rs, const char *text,
			 const struct rules_addr_set **out, char *err, size_t errlen)
{
	return rules_addr_compile(rs, text, out, err, errlen);
}

int rules_port_set_parse(struct rules_ruleset *rs, const char *text,
			 const struct rules_port_set **out, char *err, size_t errlen)
{
	return rules_port_compile(rs, text, out, err, errlen);
}
