/*
 * lint.c — `aegis lint` and the `aegis -T` summary. Loads rule files with the core (every rule,
 * commented-out ones too, text kept), then runs checks the parser alone can't: performance
 * (fast pattern, pcre without content, rules that inspect every packet), hygiene (msg,
 * classtype, duplicate rule bodies, classtype against classification.config) and logic
 * (contradictory flow/flowbits options). The core itself reports syntax, duplicate sids, a
 * missing rev and flowbits set/checked across the whole set; those come out here unchanged,
 * and a lint check never repeats what the core already said about a rule. Diagnostics are
 * printed GCC style with a caret line, as JSON lines, or as one SARIF 2.1.0 log (jansson).
 * Check-ids and their rationale: doc/lint.md.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "conf/conf.h"
#include "rules/rules.h"

#define LINT_DEFAULT_SHORT_FP 3
#define LINT_MAX_FILE (256u << 20)
#define LINT_TOP_UNSUPPORTED 5

/* Every check this file adds, for SARIF's rules[] and the docs. */
struct lint_check {
	const char *id;
	enum rule_severity sev;
	const char *desc;
};

static const struct lint_check lint_checks[] = {
	{ "short-fast-pattern", RULE_SEV_WARNING,
	  "the fast pattern (prefilter content) is shorter than 3 bytes" },
	{ "no-fast-pattern", RULE_SEV_WARNING,
	  "payload inspection without a positive content: no prefilter possible" },
	{ "pcre-no-content", RULE_SEV_WARNING,
	  "pcre without any positive content runs the regex on every candidate packet" },
	{ "inspect-every-packet", RULE_SEV_WARNING,
	  "no content and no header restriction: the rule is evaluated on every packet" },
	{ "msg-missing", RULE_SEV_WARNING, "rule has no msg" },
	{ "classtype-missing", RULE_SEV_NOTE, "rule has no classtype (priority defaults to 3)" },
	{ "classtype-unknown", RULE_SEV_ERROR, "classtype not in classification.config" },
	{ "duplicate-rule", RULE_SEV_WARNING,
	  "same rule body as another rule (ignoring msg/sid/rev)" },
	{ "flow-contradiction", RULE_SEV_ERROR, "flow options that can never hold together" },
	{ "flowbits-contradiction", RULE_SEV_ERROR, "flowbits isset and isnotset of the same bit" },
	{ "deprecated-keyword", RULE_SEV_NOTE, "keyword has a newer name" },
	{ "no-classification", RULE_SEV_NOTE,
	  "no classification.config found; classtypes unchecked" },
	/* Reported by the core parser (src/rules/parser.c); listed for their descriptions. */
	{ "sid-duplicate", RULE_SEV_ERROR, "two rules share gid:sid" },
	{ "rev-missing", RULE_SEV_WARNING, "rule has no rev" },
	{ "flowbits-never-set", RULE_SEV_WARNING, "flowbit checked but set by no rule" },
	{ "flowbits-never-checked", RULE_SEV_WARNING, "flowbit set but checked by no rule" },
	{ "flow-conflict", RULE_SEV_ERROR, "contradictory options in one flow keyword" },
	{ "keyword-unknown", RULE_SEV_ERROR, "keyword not in the keyword table" },
};

/* A source file kept in memory for source lines and option positions. */
struct lint_src {
	char *path;
	char *buf;
	size_t len;
	size_t *lines; /* offset of each line start; nlines + 1 entries */
	size_t nlines;
};

struct lint {
	const struct rules_lint_opts *o;
	struct rules_ruleset *rs;
	struct conf *conf;
	struct lint_src *srcs;
	size_t nsrc;
	struct rule_diag *d; /* lint's own diagnostics (strings in strs) */
	size_t nd, capd;
	char **strs;
	size_t nstr, capstr;
	const struct rule_diag **core_sorted; /* core diags by (file, line) */
	size_t ncore;
	bool oom;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static const char *lint_keep(struct lint *l, const char *s, size_t n)
{
	if (l->nstr == l->capstr) {
		size_t cap = l->capstr ? l->capstr * 2 : 256;
		char **v = realloc(l->strs, cap * sizeof(*v));

		if (!v) {
			l->oom = true;
			return NULL;
		}
		l->strs = v;
		l->capstr = cap;
	}
	char *c = malloc(n + 1);

	if (!c) {
		l->oom = true;
		return NULL;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	l->strs[l->nstr++] = c;
	return c;
}

static struct lint_src *lint_src_get(struct lint *l, const char *path)
{
	for (size_t i = 0; i < l->nsrc; i++)
		if (strcmp(l->srcs[i].path, path) == 0)
			return &l->srcs[i];
	return NULL;
}

/* Read a file for source lines; failures are left for the core to report. */
static void lint_src_add(struct lint *l, const char *path)
{
	FILE *f;
	struct lint_src s = { 0 };
	size_t cap = 0;

	if (lint_src_get(l, path))
		return;
	f = fopen(path, "rb");
	if (!f)
		return;
	for (;;) {
		if (s.len == cap) {
			if (cap >= LINT_MAX_FILE)
				break;
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(s.buf, cap + 1);

			if (!nb)
				goto fail;
			s.buf = nb;
		}
		size_t got = fread(s.buf + s.len, 1, cap - s.len, f);

		if (got == 0)
			break;
		s.len += got;
	}
	if (!s.buf)
		goto fail;
	s.buf[s.len] = '\0';
	size_t n = 1;

	for (size_t i = 0; i < s.len; i++)
		n += s.buf[i] == '\n';
	s.lines = malloc((n + 1) * sizeof(*s.lines));
	if (!s.lines)
		goto fail;
	s.lines[0] = 0;
	s.nlines = 1;
	for (size_t i = 0; i < s.len; i++)
		if (s.buf[i] == '\n')
			s.lines[s.nlines++] = i + 1;
	s.lines[s.nlines] = s.len + 1;
	s.path = strdup(path);
	if (!s.path)
		goto fail;
	struct lint_src *v = realloc(l->srcs, (l->nsrc + 1) * sizeof(*v));

	if (!v)
		goto fail;
	l->srcs = v;
	l->srcs[l->nsrc++] = s;
	fclose(f);
	return;
fail:
	free(s.buf);
	free(s.lines);
	free(s.path);
	fclose(f);
}

/* Physical line `line` (1-based) of a file: pointer and length without the newline. */
static const char *lint_line(struct lint *l, const char *file, uint32_t line, size_t *len)
{
	struct lint_src *s = file ? lint_src_get(l, file) : NULL;

	if (!s || line == 0 || line > s->nlines)
		return NULL;
	size_t st = s->lines[line - 1], en = s->lines[line] - 1;

	if (en > s->len)
		en = s->len;
	if (en > st && s->buf[en - 1] == '\r')
		en--;
	*len = en - st;
	return s->buf + st;
}

static void lint_diag(struct lint *l, const struct rule *r, enum rule_severity sev, uint32_t line,
		      uint32_t col, uint32_t len, const char *check_id, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
static void lint_diag(struct lint *l, const struct rule *r, enum rule_severity sev, uint32_t line,
		      uint32_t col, uint32_t len, const char *check_id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	size_t sl = 0;
	const char *src;

	if (l->nd == l->capd) {
		size_t cap = l->capd ? l->capd * 2 : 256;
		struct rule_diag *v = realloc(l->d, cap * sizeof(*v));

		if (!v) {
			l->oom = true;
			return;
		}
		l->d = v;
		l->capd = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct rule_diag *d = &l->d[l->nd];

	memset(d, 0, sizeof(*d));
	d->severity = sev;
	d->file = r->file;
	d->line = line ? line : r->line;
	d->col = col ? col : 1;
	d->end_col = len ? d->col + len : 0;
	d->check_id = check_id;
	d->sid = r->sid;
	d->in_disabled_rule = r->disabled;
	d->message = lint_keep(l, msg, strlen(msg));
	src = lint_line(l, r->file, d->line, &sl);
	d->source_line = src ? lint_keep(l, src, sl) : NULL;
	if (d->message)
		l->nd++;
}

static void lint_action_pos(struct lint *l, const struct rule *r, uint32_t *line, uint32_t *col,
			    uint32_t *len);

/*
 * Where option `name` of rule `r` starts (an option boundary: after '(' or ';' and blanks, then
 * the name, then blanks and ':' or ';'). Returns false if not found; line/col are then the rule's
 * first word.
 */
static bool lint_find_option(struct lint *l, const struct rule *r, const char *name, uint32_t *line,
			     uint32_t *col, uint32_t *len)
{
	size_t nl = strlen(name);
	uint32_t last = r->end_line >= r->line ? r->end_line : r->line;

	for (uint32_t ln = r->line; ln <= last; ln++) {
		size_t sl;
		const char *s = lint_line(l, r->file, ln, &sl);

		if (!s)
			break;
		bool boundary = ln != r->line; /* continuation lines start inside the options */
		bool quote = false;

		for (size_t i = 0; i < sl; i++) {
			char c = s[i];

			if (quote) {
				if (c == '\\')
					i++;
				else if (c == '"')
					quote = false;
				continue;
			}
			if (c == '"') {
				quote = true;
				boundary = false;
			} else if (c == '(' || c == ';') {
				boundary = true;
			} else if (c == ' ' || c == '\t') {
				continue;
			} else if (boundary && i + nl <= sl && strncmp(s + i, name, nl) == 0) {
				size_t j = i + nl;

				while (j < sl && (s[j] == ' ' || s[j] == '\t'))
					j++;
				if (j >= sl || s[j] == ':' || s[j] == ';') {
					*line = ln;
					*col = (uint32_t)i + 1;
					*len = (uint32_t)nl;
					return true;
				}
				boundary = false;
			} else {
				boundary = false;
			}
		}
	}
	lint_action_pos(l, r, line, col, len);
	return false;
}

/* Position of the rule's action word (after a leading '#' for a commented-out rule). */
static void lint_action_pos(struct lint *l, const struct rule *r, uint32_t *line, uint32_t *col,
			    uint32_t *len)
{
	size_t sl;
	const char *s = lint_line(l, r->file, r->line, &sl);
	size_t i = 0;

	*line = r->line;
	*col = 1;
	*len = 0;
	if (!s)
		return;
	while (i < sl && (s[i] == ' ' || s[i] == '\t' || s[i] == '#'))
		i++;
	size_t st = i;

	while (i < sl && isalpha((unsigned char)s[i]))
		i++;
	*col = (uint32_t)st + 1;
	*len = (uint32_t)(i - st);
}

static void lint_diag_opt(struct lint *l, const struct rule *r, const char *opt,
			  enum rule_severity sev, const char *check_id, const char *msg)
{
	uint32_t line, col, len;

	lint_find_option(l, r, opt, &line, &col, &len);
	lint_diag(l, r, sev, line, col, len, check_id, "%s", msg);
}

/* ---- core diagnostics index (to not repeat what the core said) --------------------------- */

static int lint_cmp_core(const void *a, const void *b)
{
	const struct rule_diag *x = *(const struct rule_diag *const *)a;
	const struct rule_diag *y = *(const struct rule_diag *const *)b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int lint_index_core(struct lint *l)
{
	l->ncore = rules_diag_count(l->rs);
	l->core_sorted = calloc(l->ncore + 1, sizeof(*l->core_sorted));
	if (!l->core_sorted)
		return -1;
	for (size_t i = 0; i < l->ncore; i++)
		l->core_sorted[i] = rules_diag_at(l->rs, i);
	qsort(l->core_sorted, l->ncore, sizeof(*l->core_sorted), lint_cmp_core);
	return 0;
}

/* Did the core already report something whose check-id contains `a` (and `b`, if given) on
 * one of this rule's lines? */
static bool lint_core_said(const struct lint *l, const struct rule *r, const char *a, const char *b)
{
	size_t lo = 0, hi = l->ncore;
	struct rule_diag key = { .file = r->file, .line = r->line };
	const struct rule_diag *kp = &key;
	uint32_t last = r->end_line >= r->line ? r->end_line : r->line;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (lint_cmp_core(&l->core_sorted[mid], &kp) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->ncore; i++) {
		const struct rule_diag *d = l->core_sorted[i];

		if (strcmp(d->file ? d->file : "", r->file ? r->file : "") != 0 || d->line > last)
			break;
		if (d->check_id && strstr(d->check_id, a) && (!b || strstr(d->check_id, b)))
			return true;
	}
	return false;
}

/* ---- string set (flowbit names, rule bodies) ---------------------------------------------- */

struct lint_ent {
	const char *key;
	uint64_t hash;
	size_t val; /* rule index */
	uint32_t flags;
};

struct lint_set {
	struct lint_ent *e;
	size_t n, cap;
};

static struct lint_ent *lint_set_get(struct lint_set *s, const char *key, bool add, bool *oom)
{
	uint64_t h = util_hash64(key, strlen(key), 0x5eed);

	if (add && (s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct lint_ent *e = calloc(cap, sizeof(*e));

		if (!e) {
			*oom = true;
			return NULL;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->e[i].key)
				continue;
			size_t j = s->e[i].hash & (cap - 1);

			while (e[j].key)
				j = (j + 1) & (cap - 1);
			e[j] = s->e[i];
		}
		free(s->e);
		s->e = e;
		s->cap = cap;
	}
	if (!s->cap)
		return NULL;
	size_t j = h & (s->cap - 1);

	while (s->e[j].key) {
		if (s->e[j].hash == h && strcmp(s->e[j].key, key) == 0)
			return &s->e[j];
		j = (j + 1) & (s->cap - 1);
	}
	if (!add)
		return NULL;
	s->e[j].key = key;
	s->e[j].hash = h;
	s->n++;
	return &s->e[j];
}

/* ---- per-rule checks ---------------------------------------------------------------------- */

static bool kw_is(const struct rule_match *m, const char *name)
{
	return m->kw && m->kw->name && strcmp(m->kw->name, name) == 0;
}

/* The detect engine's anchor tables (src/detect/anchor.c) take a fast pattern that must end
 * within a buffer's first 64 bytes at a known offset: `startswith`, or `depth` (with a literal
 * offset) and nothing relative. Such a short pattern costs no scan, only a lookup there. */
#define LINT_ANCHOR_WINDOW 64

static bool content_anchored(const struct rule_content *c)
{
	if (c->flags & (RULE_CF_FP_CHOP | RULE_CF_DISTANCE | RULE_CF_WITHIN | RULE_CF_NEGATED))
		return false;
	if (c->flags & RULE_CF_STARTSWITH)
		return true;
	if (!(c->flags & RULE_CF_DEPTH) || c->depth.var >= 0 || c->depth.value <= 0)
		return false;
	int64_t off = 0;
	if (c->flags & RULE_CF_OFFSET) {
		if (c->offset.var >= 0 || c->offset.value < 0)
			return false;
		off = c->offset.value;
	}
	return off + c->depth.value <= LINT_ANCHOR_WINDOW;
}

static void lint_fast_pattern(struct lint *l, const struct rule *r)
{
	const struct rule_match *fp = NULL, *longest = NULL, *pcre = NULL, *payload = NULL;
	bool restricted = r->app_proto != NULL;

	for (uint16_t g = 0; g < r->n_groups; g++) {
		const struct rule_group *grp = &r->groups[g];

		for (uint32_t i = 0; i < grp->n; i++) {
			const struct rule_match *m = &grp->m[i];
			enum rules_kw_kind k = m->kw ? m->kw->kind : RULES_KW_METADATA;

			if (kw_is(m, "content")) {
				payload = payload ? payload : m;
				if (m->u.content.flags & RULE_CF_NEGATED)
					continue;
				if (m->u.content.flags & RULE_CF_FAST_PATTERN)
					fp = m;
				if (!longest || m->u.content.len > longest->u.content.len)
					longest = m;
			} else if (kw_is(m, "pcre")) {
				pcre = pcre ? pcre : m;
			} else if (k == RULES_KW_PAYLOAD || k == RULES_KW_STICKY ||
				   k == RULES_KW_TRANSFORM ||
				   (grp->buffer != RULES_BUF_PACKET && k == RULES_KW_MODIFIER)) {
				payload = payload ? payload : m;
			} else if (k == RULES_KW_HEADER || k == RULES_KW_EVENT ||
				   k == RULES_KW_APP) {
				restricted = true;
			}
		}
	}
	if (fp || longest) {
		const struct rule_match *m = fp ? fp : longest;
		uint32_t len = m->u.content.len;
		unsigned min = l->o->short_fp_len ? l->o->short_fp_len : LINT_DEFAULT_SHORT_FP;

		if ((m->u.content.flags & RULE_CF_FP_CHOP) && m->u.content.fp_chop_len)
			len = m->u.content.fp_chop_len;
		if (len < min && content_anchored(&m->u.content))
			lint_diag(
				l, r, RULE_SEV_NOTE, m->line, m->col, 7, "short-fast-pattern",
				"fast pattern is only %u byte%s long (%s), but anchored near the "
				"start: the engine looks it up at its place only, and the packets "
				"with those bytes there still go to full inspection",
				len, len == 1 ? "" : "s",
				fp ? "set with fast_pattern" : "the longest content");
		else if (len < min)
			lint_diag(
				l, r, RULE_SEV_WARNING, m->line, m->col, 7, "short-fast-pattern",
				"fast pattern is only %u byte%s long (%s); it will match often and "
				"send most packets to full inspection",
				len, len == 1 ? "" : "s",
				fp ? "set with fast_pattern" : "the longest content");
		return;
	}
	if (pcre) {
		lint_diag(l, r, RULE_SEV_WARNING, pcre->line, pcre->col, 4, "pcre-no-content",
			  "pcre without a content: the regex runs on every packet the header "
			  "matches; add a content the pcre implies as a prefilter");
		return;
	}
	if (payload) {
		lint_diag(l, r, RULE_SEV_WARNING, payload->line, payload->col,
			  payload->kw && payload->kw->name ? (uint32_t)strlen(payload->kw->name)
							   : 0,
			  "no-fast-pattern",
			  "payload inspection without a positive content: no fast pattern, so the "
			  "rule is evaluated for every packet the header matches");
		return;
	}
	if (restricted || (r->src && !r->src->any) || (r->dst && !r->dst->any) ||
	    (r->sp && !r->sp->any) || (r->dp && !r->dp->any))
		return;
	uint32_t line, col, len;

	lint_action_pos(l, r, &line, &col, &len);
	lint_diag(l, r, RULE_SEV_WARNING, line, col, len, "inspect-every-packet",
		  "no content and no address, port or header restriction: this rule is evaluated "
		  "on every packet%s",
		  r->proto == RULE_PROTO_IP ? "" : " of its protocol");
}

static void lint_meta(struct lint *l, const struct rule *r)
{
	if ((!r->msg || !r->msg[0]) && !lint_core_said(l, r, "msg", NULL))
		lint_diag_opt(l, r, "sid", RULE_SEV_WARNING, "msg-missing",
			      "rule has no msg: alerts will carry an empty signature name");
	if (!r->classtype || !r->classtype[0]) {
		if (!lint_core_said(l, r, "classtype", NULL))
			lint_diag_opt(l, r, "sid", RULE_SEV_NOTE, "classtype-missing",
				      "rule has no classtype: its priority defaults to 3");
	} else if (rules_classtype_count(l->rs) > 0 &&
		   !rules_classtype_lookup(l->rs, r->classtype) &&
		   !lint_core_said(l, r, "classtype", NULL)) {
		char msg[300];

		snprintf(msg, sizeof(msg),
			 "unknown classtype '%.200s' (not in classification.config)", r->classtype);
		lint_diag_opt(l, r, "classtype", RULE_SEV_ERROR, "classtype-unknown", msg);
	}
	for (uint16_t g = 0; g < r->n_groups; g++) {
		for (uint32_t i = 0; i < r->groups[g].n; i++) {
			const struct rule_match *m = &r->groups[g].m[i];

			if (m->kw && (m->kw->flags & RULES_KWF_DEPRECATED))
				lint_diag(l, r, RULE_SEV_NOTE, m->line, m->col,
					  (uint32_t)strlen(m->kw->name), "deprecated-keyword",
					  "'%s' is deprecated%s%s", m->kw->name,
					  m->kw->alias ? "; see " : "",
					  m->kw->alias ? m->kw->alias : "");
		}
	}
}

static const struct rule_match *lint_find_match(const struct rule *r, const char *name)
{
	for (uint16_t g = 0; g < r->n_groups; g++)
		for (uint32_t i = 0; i < r->groups[g].n; i++)
			if (kw_is(&r->groups[g].m[i], name))
				return &r->groups[g].m[i];
	return NULL;
}

static void lint_flow(struct lint *l, const struct rule *r)
{
	static const struct {
		uint32_t a, b;
		const char *na, *nb;
	} pairs[] = {
		{ RULE_FLOW_TO_SERVER, RULE_FLOW_TO_CLIENT, "to_server", "to_client" },
		{ RULE_FLOW_ESTABLISHED, RULE_FLOW_NOT_ESTABLISHED, "established",
		  "not_established" },
		{ RULE_FLOW_ESTABLISHED, RULE_FLOW_STATELESS, "established", "stateless" },
		{ RULE_FLOW_ONLY_STREAM, RULE_FLOW_NO_STREAM, "only_stream", "no_stream" },
		{ RULE_FLOW_ONLY_FRAG, RULE_FLOW_NO_FRAG, "only_frag", "no_frag" },
		{ RULE_FLOW_ONLY_STREAM, RULE_FLOW_STATELESS, "only_stream", "stateless" },
	};
	uint32_t f = r->flow;

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		if ((f & pairs[i].a) && (f & pairs[i].b) && !lint_core_said(l, r, "flow", NULL)) {
			const struct rule_match *m = lint_find_match(r, "flow");
			uint32_t line, col, len;

			if (m) {
				line = m->line;
				col = m->col;
				len = 4;
			} else {
				lint_find_option(l, r, "flow", &line, &col, &len);
			}
			lint_diag(l, r, RULE_SEV_ERROR, line, col, len, "flow-contradiction",
				  "flow options '%s' and '%s' contradict each other: the rule can "
				  "never match",
				  pairs[i].na, pairs[i].nb);
		}
	}
	/* flowbits:isset,X and flowbits:isnotset,X in one rule. */
	for (uint16_t g = 0; g < r->n_groups; g++) {
		for (uint32_t i = 0; i < r->groups[g].n; i++) {
			const struct rule_match *a = &r->groups[g].m[i];

			if (!kw_is(a, "flowbits") || a->u.bits.cmd != RULE_BITS_ISSET)
				continue;
			for (uint32_t j = 0; j < r->groups[g].n; j++) {
				const struct rule_match *b = &r->groups[g].m[j];

				if (!kw_is(b, "flowbits") || b->u.bits.cmd != RULE_BITS_ISNOTSET)
					continue;
				for (uint16_t x = 0; x < a->u.bits.n; x++)
					for (uint16_t y = 0; y < b->u.bits.n; y++)
						if (strcmp(a->u.bits.names[x],
							   b->u.bits.names[y]) == 0 &&
						    !a->u.bits.and_group == !b->u.bits.and_group)
							lint_diag(
								l, r, RULE_SEV_ERROR, b->line,
								b->col, 8, "flowbits-contradiction",
								"flowbit '%s' is tested both set "
								"and "
								"not set: the rule can never match",
								a->u.bits.names[x]);
			}
		}
	}
}

/* ---- cross-rule checks -------------------------------------------------------------------- */

/* The rule text without msg/sid/rev and with blanks collapsed outside quotes, for comparing
 * rule bodies. Returns a malloc'ed string or NULL. */
static char *lint_body_key(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(n + 1);
	size_t o = 0, i = 0;
	bool space = false;

	if (!out)
		return NULL;
	/* Header: collapse blanks. */
	while (i < n && text[i] != '(') {
		if (isspace((unsigned char)text[i])) {
			space = o > 0;
		} else {
			if (space)
				out[o++] = ' ';
			space = false;
			out[o++] = text[i];
		}
		i++;
	}
	if (i < n)
		out[o++] = text[i++];
	/* Options, one at a time. */
	while (i < n) {
		while (i < n && isspace((unsigned char)text[i]))
			i++;
		size_t st = i;
		bool quote = false;

		while (i < n) {
			char c = text[i];

			if (c == '\\' && i + 1 < n) {
				i += 2;
				continue;
			}
			if (c == '"')
				quote = !quote;
			else if (!quote && (c == ';' || c == ')'))
				break;
			i++;
		}
		size_t en = i;
		size_t nl = 0;

		while (st + nl < en &&
		       (isalnum((unsigned char)text[st + nl]) || text[st + nl] == '_' ||
			text[st + nl] == '.' || text[st + nl] == '-'))
			nl++;
		bool skip = (nl == 3 && (strncmp(text + st, "msg", 3) == 0 ||
					 strncmp(text + st, "sid", 3) == 0 ||
					 strncmp(text + st, "rev", 3) == 0));

		if (!skip) {
			bool q = false;

			space = false;
			for (size_t k = st; k < en; k++) {
				char c = text[k];

				if (c == '"')
					q = !q;
				if (!q && isspace((unsigned char)c)) {
					space = true;
					continue;
				}
				if (space && o && out[o - 1] != ':' && out[o - 1] != ',' &&
				    c != ':' && c != ',')
					out[o++] = ' ';
				space = false;
				out[o++] = c;
			}
		}
		if (i < n) {
			if (!skip || text[i] == ')')
				out[o++] = text[i];
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

static void lint_duplicates(struct lint *l)
{
	struct lint_set bodies = { 0 };
	size_t n = rules_ruleset_count(l->rs);
	char **keys = calloc(n + 1, sizeof(*keys));

	if (!keys) {
		l->oom = true;
		goto out;
	}
	for (size_t i = 0; i < n && !l->oom; i++) {
		const struct rule *r = rules_ruleset_rule(l->rs, i);

		if (r->disabled)
			continue;
		if (!r->text)
			continue;
		keys[i] = lint_body_key(r->text);
		if (!keys[i]) {
			l->oom = true;
			break;
		}
		struct lint_ent *e = lint_set_get(&bodies, keys[i], true, &l->oom);

		if (!e)
			break;
		if (e->flags) {
			const struct rule *o = rules_ruleset_rule(l->rs, e->val);
			uint32_t line, col, len;

			lint_action_pos(l, r, &line, &col, &len);
			lint_diag(l, r, RULE_SEV_WARNING, line, col, len, "duplicate-rule",
				  "same rule as %s:%u (sid %u) apart from msg/sid/rev",
				  o->file ? o->file : "-", o->line, o->sid);
		} else {
			e->flags = 1;
			e->val = i;
		}
	}
out:
	if (keys)
		for (size_t i = 0; i < n; i++)
			free(keys[i]);
	free(keys);
	free(bodies.e);
}

/* ---- loading ------------------------------------------------------------------------------ */

/* suricata.yaml's default vars, so rule sets written for it resolve without a config. */
static const struct {
	bool port;
	const char *name, *value;
} lint_default_vars[] = {
	{ false, "HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]" },
	{ false, "EXTERNAL_NET", "!$HOME_NET" },
	{ false, "HTTP_SERVERS", "$HOME_NET" },
	{ false, "SMTP_SERVERS", "$HOME_NET" },
	{ false, "SQL_SERVERS", "$HOME_NET" },
	{ false, "DNS_SERVERS", "$HOME_NET" },
	{ false, "TELNET_SERVERS", "$HOME_NET" },
	{ false, "AIM_SERVERS", "$EXTERNAL_NET" },
	{ false, "DC_SERVERS", "$HOME_NET" },
	{ false, "DNP3_SERVER", "$HOME_NET" },
	{ false, "DNP3_CLIENT", "$HOME_NET" },
	{ false, "MODBUS_CLIENT", "$HOME_NET" },
	{ false, "MODBUS_SERVER", "$HOME_NET" },
	{ false, "ENIP_CLIENT", "$HOME_NET" },
	{ false, "ENIP_SERVER", "$HOME_NET" },
	{ true, "HTTP_PORTS", "80" },
	{ true, "SHELLCODE_PORTS", "!80" },
	{ true, "ORACLE_PORTS", "1521" },
	{ true, "SSH_PORTS", "22" },
	{ true, "DNP3_PORTS", "20000" },
	{ true, "MODBUS_PORTS", "502" },
	{ true, "FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]" },
	{ true, "FTP_PORTS", "21" },
	{ true, "GENEVE_PORTS", "6081" },
	{ true, "VXLAN_PORTS", "4789" },
	{ true, "TEREDO_PORTS", "3544" },
};

static bool lint_file_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* --classification, else CONFIG_ROOT/classification.config, else etc/ of the source tree when
 * run from it (./etc, or beside the binary: <exe>/../etc and <exe>/../../etc). */
static const char *lint_find_classification(const struct rules_lint_opts *o, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (o->classification)
		return o->classification;
	conf_root_path("classification.config", buf, len);
	if (lint_file_exists(buf))
		return buf;
	if (lint_file_exists("etc/classification.config"))
		return util_strlcpy(buf, "etc/classification.config", len) < len ? buf : NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');

		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/../etc/classification.config", exe);
			if (lint_file_exists(buf))
				return buf;
			snprintf(buf, len, "%s/../../etc/classification.config", exe);
			if (lint_file_exists(buf))
				return buf;
		}
	}
	return NULL;
}

/* ---- output ------------------------------------------------------------------------------- */

struct lint_out {
	struct rule_diag d;
	size_t order;
};

static int lint_cmp_out(const void *a, const void *b)
{
	const struct lint_out *x = a, *y = b;
	int c = strcmp(x->d.file ? x->d.file : "", y->d.file ? y->d.file : "");

	if (c)
		return c;
	if (x->d.line != y->d.line)
		return x->d.line < y->d.line ? -1 : 1;
	if (x->d.col != y->d.col)
		return x->d.col < y->d.col ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static const struct lint_check *lint_check_find(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(lint_checks); i++)
		if (strcmp(lint_checks[i].id, id) == 0)
			return &lint_checks[i];
	return NULL;
}

static json_t *lint_json_diag(const struct rule_diag *d)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "file", json_string(d->file ? d->file : "-"));
	json_object_set_new(o, "line", json_integer(d->line));
	json_object_set_new(o, "column", json_integer(d->col));
	json_object_set_new(o, "end_column", d->end_col ? json_integer(d->end_col) : json_null());
	json_object_set_new(o, "severity", json_string(rules_severity_name(d->severity)));
	json_object_set_new(o, "check_id", json_string(d->check_id ? d->check_id : "?"));
	json_object_set_new(o, "message", json_string(d->message ? d->message : ""));
	json_object_set_new(o, "sid", d->sid ? json_integer(d->sid) : json_null());
	if (d->in_disabled_rule)
		json_object_set_new(o, "disabled_rule", json_true());
	return o;
}

static int lint_print_sarif(const struct lint_out *v, size_t n, FILE *out)
{
	json_t *log = json_object(), *run = json_object(), *tool = json_object();
	json_t *driver = json_object(), *rules = json_array(), *results = json_array();
	json_t *runs = json_array(), *ids = json_object();
	int rc = -1;

	if (!log || !run || !tool || !driver || !rules || !results || !runs || !ids)
		goto out;
	json_object_set_new(log, "$schema",
			    json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(log, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("aegis-lint"));
	json_object_set_new(
		driver, "informationUri",
		json_string("https://github.com/aegis-ids/aegis/blob/main/doc/lint.md"));
	for (size_t i = 0; i < n; i++) {
		const struct rule_diag *d = &v[i].d;
		const char *id = d->check_id ? d->check_id : "?";
		json_t *idx = json_object_get(ids, id);

		if (!idx) {
			const struct lint_check *ck = lint_check_find(id);
			json_t *rd = json_object(), *sd = json_object(), *dc = json_object();

			if (!rd || !sd || !dc) {
				json_decref(rd);
				json_decref(sd);
				json_decref(dc);
				goto out;
			}
			json_object_set_new(rd, "id", json_string(id));
			json_object_set_new(
				sd, "text",
				json_string(ck ? ck->desc : "rule language check (parser)"));
			json_object_set_new(rd, "shortDescription", sd);
			json_object_set_new(
				dc, "level",
				json_string(rules_severity_name(ck ? ck->sev : d->severity)));
			json_object_set_new(rd, "defaultConfiguration", dc);
			idx = json_integer((json_int_t)json_array_size(rules));
			json_array_append_new(rules, rd);
			json_object_set_new(ids, id, idx);
		}
		json_t *res = json_object(), *msg = json_object(), *locs = json_array();
		json_t *loc = json_object(), *phys = json_object(), *art = json_object();

		if (!res || !msg || !locs || !loc || !phys || !art) {
			json_decref(res);
			json_decref(msg);
			json_decref(locs);
			json_decref(loc);
			json_decref(phys);
			json_decref(art);
			goto out;
		}
		json_object_set_new(res, "ruleId", json_string(id));
		json_object_set_new(res, "ruleIndex", json_integer(json_integer_value(idx)));
		json_object_set_new(res, "level",
				    json_string(rules_severity_name(d->severity)));
		json_object_set_new(msg, "text", json_string(d->message ? d->message : ""));
		json_object_set_new(res, "message", msg);
		json_object_set_new(art, "uri", json_string(d->file ? d->file : "-"));
		json_object_set_new(phys, "artifactLocation", art);
		if (d->line) {
			json_t *region = json_object();

			if (region) {
				json_object_set_new(region, "startLine", json_integer(d->line));
				if (d->col)
					json_object_set_new(region, "startColumn",
							    json_integer(d->col));
				if (d->end_col)
					json_object_set_new(region, "endColumn",
							    json_integer(d->end_col));
				json_object_set_new(phys, "region", region);
			}
		}
		json_object_set_new(loc, "physicalLocation", phys);
		json_array_append_new(locs, loc);
		json_object_set_new(res, "locations", locs);
		if (d->sid) {
			json_t *props = json_object();

			if (props) {
				json_object_set_new(props, "sid", json_integer(d->sid));
				json_object_set_new(res, "properties", props);
			}
		}
		json_array_append_new(results, res);
	}
	json_object_set_new(driver, "rules", rules);
	rules = NULL;
	json_object_set_new(tool, "driver", driver);
	driver = NULL;
	json_object_set_new(run, "tool", tool);
	tool = NULL;
	json_object_set_new(run, "results", results);
	results = NULL;
	json_array_append_new(runs, run);
	run = NULL;
	json_object_set_new(log, "runs", runs);
	runs = NULL;
	rc = json_dumpf(log, out, JSON_INDENT(2)) == 0 ? 0 : -1;
	fputc('\n', out);
out:
	json_decref(log);
	json_decref(run);
	json_decref(tool);
	json_decref(driver);
	json_decref(rules);
	json_decref(results);
	json_decref(runs);
	json_decref(ids);
	return rc;
}

/* ---- the run ------------------------------------------------------------------------------ */

static void lint_free(struct lint *l)
{
	for (size_t i = 0; i < l->nsrc; i++) {
		free(l->srcs[i].path);
		free(l->srcs[i].buf);
		free(l->srcs[i].lines);
	}
	free(l->srcs);
	for (size_t i = 0; i < l->nstr; i++)
		free(l->strs[i]);
	free(l->strs);
	free(l->d);
	free(l->core_sorted);
	rules_ruleset_free(l->rs);
	conf_free(l->conf);
}

int rules_lint_run(const struct rules_lint_opts *o, const char *const *files, size_t n, FILE *out,
		   FILE *err)
{
	struct lint l = { .o = o };
	char cbuf[PATH_MAX + 64], cerr[CONF_ERR_LEN];
	const char *cls;
	int rc = 2;
	struct lint_out *v = NULL;

	if (o->config) {
		if (conf_load_file(&l.conf, o->config, cerr, sizeof(cerr)) != 0) {
			fprintf(err, "%s\n", cerr);
			return 2;
		}
	}
	l.rs = rules_ruleset_new(l.conf);
	if (!l.rs) {
		fprintf(err, "aegis lint: out of memory\n");
		goto out;
	}
	if (!l.conf) {
		for (size_t i = 0; i < ARRAY_SIZE(lint_default_vars); i++)
			if (rules_ruleset_define_var(l.rs, lint_default_vars[i].port,
						     lint_default_vars[i].name,
						     lint_default_vars[i].value) != 0) {
				fprintf(err, "aegis lint: out of memory\n");
				goto out;
			}
	}
	rules_ruleset_set_keep_text(l.rs, true);
	cls = lint_find_classification(o, cbuf, sizeof(cbuf));
	if (cls && rules_classification_load(l.rs, cls) != 0 && o->classification) {
		fprintf(err, "aegis lint: cannot read %s\n", cls);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		lint_src_add(&l, files[i]);
		rules_load_file(l.rs, files[i]); /* failures are diagnostics */
	}
	rules_ruleset_finalize(l.rs);
	if (lint_index_core(&l) != 0) {
		fprintf(err, "aegis lint: out of memory\n");
		goto out;
	}

	size_t nr = rules_ruleset_count(l.rs);

	for (size_t i = 0; i < nr && !l.oom; i++) {
		const struct rule *r = rules_ruleset_rule(l.rs, i);

		if (r->disabled)
			continue;
		lint_fast_pattern(&l, r);
		lint_meta(&l, r);
		lint_flow(&l, r);
	}
	lint_duplicates(&l);
	if (l.oom) {
		fprintf(err, "aegis lint: out of memory\n");
		goto out;
	}

	/* Merge the core's and our diagnostics in file/line/column order. An error inside a
	 * commented-out rule doesn't stop anything loading, so it counts as a warning. */
	size_t nv = l.ncore + l.nd + 1;

	v = calloc(nv, sizeof(*v));
	if (!v) {
		fprintf(err, "aegis lint: out of memory\n");
		goto out;
	}
	nv = 0;
	for (size_t i = 0; i < l.ncore; i++) {
		v[nv].d = *rules_diag_at(l.rs, i);
		if (v[nv].d.in_disabled_rule && v[nv].d.severity == RULE_SEV_ERROR)
			v[nv].d.severity = RULE_SEV_WARNING;
		v[nv].order = nv;
		nv++;
	}
	for (size_t i = 0; i < l.nd; i++) {
		v[nv].d = l.d[i];
		v[nv].order = nv;
		nv++;
	}
	if (!cls) {
		static const struct rule_diag nocls = {
			.severity = RULE_SEV_NOTE,
			.file = "classification.config",
			.check_id = "no-classification",
			.message = "no classification.config found (use --classification FILE); "
				   "classtypes were not checked",
		};

		v[nv].d = nocls;
		v[nv].order = nv;
		nv++;
	}
	qsort(v, nv, sizeof(*v), lint_cmp_out);

	unsigned errors = 0, warnings = 0, notes = 0;

	for (size_t i = 0; i < nv; i++) {
		const struct rule_diag *d = &v[i].d;

		errors += d->severity == RULE_SEV_ERROR;
		warnings += d->severity == RULE_SEV_WARNING;
		notes += d->severity == RULE_SEV_NOTE;
		if (o->format == RULES_LINT_TEXT) {
			rules_diag_print(out, d, true);
		} else if (o->format == RULES_LINT_JSON) {
			json_t *j = lint_json_diag(d);

			if (!j || json_dumpf(j, out, JSON_COMPACT) != 0) {
				json_decref(j);
				fprintf(err, "aegis lint: out of memory\n");
				goto out;
			}
			fputc('\n', out);
			json_decref(j);
		}
	}
	if (o->format == RULES_LINT_SARIF && lint_print_sarif(v, nv, out) != 0) {
		fprintf(err, "aegis lint: cannot write the SARIF log\n");
		goto out;
	}

	const struct rules_counts *c = rules_ruleset_counts(l.rs);
	unsigned total = c->loaded + c->failed + c->unsupported;

	fprintf(o->format == RULES_LINT_TEXT ? out : err,
		"%u rules, %u errors, %u warnings, %u notes (%u loaded, %u failed, %u unsupported, "
		"%u disabled)\n",
		total, errors, warnings, notes, c->loaded, c->failed, c->unsupported, c->disabled);
	rc = errors ? 2 : (o->strict && warnings) ? 1 : 0;
out:
	free(v);
	lint_free(&l);
	return rc;
}

static void lint_usage(FILE *f)
{
	fprintf(f, "usage: aegis lint [--format text|json|sarif] [--strict] "
		   "[--classification FILE] [--config aegis.yaml] FILE...\n");
}

int rules_cli_lint(int argc, char **argv)
{
	struct rules_lint_opts o = { 0 };
	const char **files = calloc((size_t)argc + 1, sizeof(*files));
	size_t n = 0;
	int rc;

	if (!files)
		return 2;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			lint_usage(stdout);
			free(files);
			return 0;
		}
		if (strcmp(a, "--strict") == 0) {
			o.strict = true;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				files[n++] = argv[i];
			break;
		}
		if (a[0] != '-' || a[1] != '-') {
			files[n++] = a;
			continue;
		}
		const char *eq = strchr(a, '=');
		size_t nl = eq ? (size_t)(eq - a) : strlen(a);

		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr, "aegis lint: %s needs a value\n", a);
			goto usage;
		}
		if (nl == 8 && strncmp(a, "--format", nl) == 0) {
			if (strcmp(val, "text") == 0)
				o.format = RULES_LINT_TEXT;
			else if (strcmp(val, "json") == 0)
				o.format = RULES_LINT_JSON;
			else if (strcmp(val, "sarif") == 0)
				o.format = RULES_LINT_SARIF;
			else {
				fprintf(stderr, "aegis lint: unknown format '%s'\n", val);
				goto usage;
			}
		} else if (nl == 16 && strncmp(a, "--classification", nl) == 0) {
			o.classification = val;
		} else if (nl == 8 && strncmp(a, "--config", nl) == 0) {
			o.config = val;
		} else {
			fprintf(stderr, "aegis lint: unknown option %.*s\n", (int)nl, a);
			goto usage;
		}
	}
	if (n == 0) {
		fprintf(stderr, "aegis lint: no rule files given\n");
		goto usage;
	}
	rc = rules_lint_run(&o, files, n, stdout, stderr);
	free(files);
	fflush(stdout);
	return rc;
usage:
	free(files);
	lint_usage(stderr);
	return 2;
}

/* ---- aegis -T ----------------------------------------------------------------------------- */

static const char *const lint_action_names[RULE_ACTION_COUNT] = {
	[RULE_ACTION_ALERT] = "alert",
	[RULE_ACTION_PASS] = "pass",
	[RULE_ACTION_DROP] = "drop",
	[RULE_ACTION_REJECT] = "reject",
	[RULE_ACTION_REJECTSRC] = "rejectsrc",
	[RULE_ACTION_REJECTDST] = "rejectdst",
	[RULE_ACTION_REJECTBOTH] = "rejectboth",
	[RULE_ACTION_ACCEPT] = "accept",
	[RULE_ACTION_CONFIG] = "config",
};

int rules_cli_test_summary(const struct rules_ruleset *rs, FILE *out)
{
	const struct rules_counts *c = rules_ruleset_counts(rs);
	size_t top[LINT_TOP_UNSUPPORTED];
	uint32_t topn[LINT_TOP_UNSUPPORTED];
	size_t ntop = 0;

	fprintf(out, "rules: %u loaded, %u failed, %u unsupported, %u disabled", c->loaded,
		c->failed, c->unsupported, c->disabled);
	if (c->disabled_failed)
		fprintf(out, " (%u more commented out with errors)", c->disabled_failed);
	fputc('\n', out);
	/* The keywords that cost the most rules, largest first (insertion into a short list). */
	for (size_t k = 0; k < rules_keyword_count(); k++) {
		uint32_t cnt = rules_ruleset_unsupported_by_keyword(rs, k);
		size_t pos;

		if (!cnt)
			continue;
		for (pos = ntop; pos > 0 && topn[pos - 1] < cnt; pos--)
			;
		if (pos >= LINT_TOP_UNSUPPORTED)
			continue;
		size_t last = ntop < LINT_TOP_UNSUPPORTED ? ntop : LINT_TOP_UNSUPPORTED - 1;

		memmove(&top[pos + 1], &top[pos], (last - pos) * sizeof(top[0]));
		memmove(&topn[pos + 1], &topn[pos], (last - pos) * sizeof(topn[0]));
		top[pos] = k;
		topn[pos] = cnt;
		if (ntop < LINT_TOP_UNSUPPORTED)
			ntop++;
	}
	if (ntop) {
		fprintf(out, "unsupported keywords:");
		for (size_t i = 0; i < ntop; i++) {
			const struct rules_keyword *kw = rules_keyword_at(top[i]);

			fprintf(out, "%s %s (%u)", i ? "," : "", kw && kw->name ? kw->name : "?",
				topn[i]);
		}
		fputc('\n', out);
	}
	fprintf(out, "by action:");
	bool any = false;

	for (int a = 0; a < RULE_ACTION_COUNT; a++) {
		if (!c->by_action[a])
			continue;
		fprintf(out, "%s %s %u", any ? "," : "", lint_action_names[a], c->by_action[a]);
		any = true;
	}
	fprintf(out, "%s\n", any ? "" : " none");
	fprintf(out, "diagnostics: %u errors, %u warnings, %u notes\n", c->errors, c->warnings,
		c->notes);
	return 0;
}
