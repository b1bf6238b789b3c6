/*
 * threshold.c — alert thresholds: the rule keywords `threshold` (limit / threshold / both /
 * backoff) and `detection_filter`, and threshold.config (suppress, threshold / event_filter,
 * rate_filter) with its parser.
 *
 * Semantics follow Suricata's thresholding documentation:
 *  - thresholds only decide whether a match is logged and whether its action applies; the
 *    rule's post-match actions (flowbits set, flowint, xbits) have already happened;
 *  - a threshold.config threshold for a rule's exact gid:sid replaces the rule's own threshold
 *    and detection_filter; a gid/sid 0 wildcard applies only to rules without either;
 *  - suppress without track makes the rule noalert; with track it needs an ip list and
 *    suppresses when the source (by_src), destination (by_dst) or either (by_either) is in it;
 *  - rate_filter: once more than `count` matches happened within `seconds`, the action becomes
 *    new_action for `timeout` seconds.
 * Windows include their end (a match exactly `seconds` after the first is still in it).
 * Time is packet time. Counters live in a per-worker table with a cap; when it is full the
 * least recently used tracker is dropped (its rule then starts counting afresh).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-state.h"

/* ---- configuration ------------------------------------------------------------------------ */

enum thr_kind { TK_SUPPRESS = 0, TK_THRESHOLD, TK_RATE };
enum supp_track { ST_NONE = 0, ST_SRC, ST_DST, ST_EITHER };

struct thr_entry {
	uint8_t kind;  /* enum thr_kind */
	uint8_t track; /* suppress: enum supp_track; others: enum rule_thr_track */
	uint32_t gid, sid; /* 0 = any */
	const struct rules_addr_set *ip; /* suppress with track */
	struct rule_threshold thr;       /* threshold / rate: type, track, count, seconds */
	enum detect_action new_action;   /* rate */
	uint32_t timeout;                /* rate, seconds */
	uint32_t index;                  /* position among the entries (tracker key) */
};

/* Entries for one exact gid:sid, found by binary search (the lookup runs for every match). */
struct thr_ix {
	uint32_t gid, sid, idx;
};

struct detect_threshold_config {
	struct thr_entry *e;
	size_t n, cap;
	char **err;
	size_t n_err, cap_err;
	struct thr_ix *exact; /* entries with gid and sid both set, sorted (gid, sid, file order) */
	size_t n_exact;
	uint32_t *wild;       /* entries with a 0 wildcard, in file order */
	size_t n_wild;
};

struct detect_threshold_config *detect_threshold_config_new(void)
{
	return calloc(1, sizeof(struct detect_threshold_config));
}

void detect_threshold_config_free(struct detect_threshold_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_err; i++)
		free(c->err[i]);
	free(c->err);
	free(c->e);
	free(c->exact);
	free(c->wild);
	free(c);
}

static int ix_cmp(const void *a, const void *b)
{
	const struct thr_ix *x = a, *y = b;
	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* (Re)build the lookup index after a load. */
static int cfg_index_build(struct detect_threshold_config *c)
{
	free(c->exact);
	free(c->wild);
	c->exact = NULL;
	c->wild = NULL;
	c->n_exact = c->n_wild = 0;
	if (!c->n)
		return 0;
	c->exact = malloc(c->n * sizeof(*c->exact));
	c->wild = malloc(c->n * sizeof(*c->wild));
	if (!c->exact || !c->wild)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		const struct thr_entry *e = &c->e[i];
		if (e->gid && e->sid)
			c->exact[c->n_exact++] = (struct thr_ix){ e->gid, e->sid, (uint32_t)i };
		else
			c->wild[c->n_wild++] = (uint32_t)i;
	}
	qsort(c->exact, c->n_exact, sizeof(*c->exact), ix_cmp);
	return 0;
}

/* First index in c->exact with this gid:sid, or n_exact. */
static size_t cfg_exact_first(const struct detect_threshold_config *c, uint32_t gid, uint32_t sid)
{
	size_t lo = 0, hi = c->n_exact;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct thr_ix *x = &c->exact[mid];
		if (x->gid < gid || (x->gid == gid && x->sid < sid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t detect_threshold_config_error_count(const struct detect_threshold_config *c)
{
	return c ? c->n_err : 0;
}

const char *detect_threshold_config_error(const struct detect_threshold_config *c, size_t i)
{
	return c && i < c->n_err ? c->err[i] : NULL;
}

size_t detect_threshold_config_entry_count(const struct detect_threshold_config *c)
{
	return c ? c->n : 0;
}

#define THR_MAX_ERRORS 1000 /* a garbage file must not eat memory with messages */
#define THR_MAX_ENTRIES 100000
#define THR_MAX_LINE 8192

__attribute__((format(printf, 5, 6))) static int cfg_error(struct detect_threshold_config *c,
							    const char *file, unsigned line,
							    unsigned col, const char *fmt, ...)
{
	if (c->n_err >= THR_MAX_ERRORS)
		return -1;
	if (c->n_err == c->cap_err) {
		size_t cap = c->cap_err ? c->cap_err * 2 : 8;
		char **e = realloc(c->err, cap * sizeof(*e));
		if (!e)
			return -1;
		c->err = e;
		c->cap_err = cap;
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t len = strlen(file) + strlen(msg) + 48;
	char *s = malloc(len);
	if (!s)
		return -1;
	snprintf(s, len, "%s:%u:%u: error: %s", file, line, col, msg);
	c->err[c->n_err++] = s;
	return 0;
}

/* A logical line made of physical lines joined at a trailing backslash; `map` turns an offset
 * in the joined text back into the physical line and column for messages. */
#define THR_MAX_SEGS 64
struct logical_line {
	char text[THR_MAX_LINE];
	size_t len;
	unsigned nseg;
	struct {
		size_t off;    /* start of the segment in text */
		unsigned line; /* its physical line */
	} seg[THR_MAX_SEGS];
};

static void ll_pos(const struct logical_line *ll, const char *at, unsigned *line, unsigned *col)
{
	size_t off = (size_t)(at - ll->text);
	unsigned s = 0;
	while (s + 1 < ll->nseg && ll->seg[s + 1].off <= off)
		s++;
	*line = ll->seg[s].line;
	*col = (unsigned)(off - ll->seg[s].off) + 1;
}

struct parse_state {
	struct detect_threshold_config *c;
	struct rules_ruleset *rs;
	const char *file;
	const struct logical_line *ll;
};

#define PERR(ps, at, ...)                                                               \
	do {                                                                            \
		unsigned l_, c_;                                                        \
		ll_pos((ps)->ll, (at), &l_, &c_);                                       \
		cfg_error((ps)->c, (ps)->file, l_, c_, __VA_ARGS__);                    \
	} while (0)

static char *skip_ws(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

static bool parse_u32(const char *s, uint32_t min, uint32_t *out)
{
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX || v < min)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int word_index(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return (int)i;
	return -1;
}

enum { K_GEN_ID = 0, K_SIG_ID, K_TYPE, K_TRACK, K_COUNT, K_SECONDS, K_IP, K_NEW_ACTION,
       K_TIMEOUT, K_MAX };
static const char *const key_names[K_MAX] = { "gen_id", "sig_id", "type", "track", "count",
					      "seconds", "ip", "new_action", "timeout" };

/* Parse one logical line (comments and blank lines already skipped). */
static void parse_line(struct parse_state *ps, char *line)
{
	char *cmd = skip_ws(line);
	char *p = cmd;
	while (*p && !isspace((unsigned char)*p))
		p++;
	char save = *p;
	*p = '\0';
	static const char *const cmds[] = { "suppress", "threshold", "event_filter",
					    "rate_filter" };
	int ci = word_index(cmd, cmds, ARRAY_SIZE(cmds));
	if (ci < 0) {
		PERR(ps, cmd,
		     "unknown command \"%s\" (expected suppress, threshold, event_filter or "
		     "rate_filter)",
		     cmd);
		return;
	}
	*p = save;
	enum thr_kind kind = ci == 0 ? TK_SUPPRESS : ci == 3 ? TK_RATE : TK_THRESHOLD;

	/* split "key value, key value, ..." at commas outside [ ] */
	char *val[K_MAX] = { 0 }, *keypos[K_MAX] = { 0 };
	char *part = p;
	while (*part) {
		char *q = part;
		int depth = 0;
		while (*q && (*q != ',' || depth > 0)) {
			if (*q == '[')
				depth++;
			else if (*q == ']' && depth > 0)
				depth--;
			q++;
		}
		bool last = *q == '\0';
		*q = '\0';
		char *k = skip_ws(part);
		rtrim(k);
		if (!*k) {
			PERR(ps, k, "empty option (a stray comma?)");
			return;
		}
		char *v = k;
		while (*v && !isspace((unsigned char)*v))
			v++;
		if (*v)
			*v++ = '\0';
		v = skip_ws(v);
		int ki = word_index(k, key_names, K_MAX);
		if (ki < 0) {
			PERR(ps, k, "unknown option \"%s\"", k);
			return;
		}
		if (val[ki]) {
			PERR(ps, k, "option \"%s\" given twice", k);
			return;
		}
		if (!*v) {
			PERR(ps, k, "option \"%s\" needs a value", k);
			return;
		}
		val[ki] = v;
		keypos[ki] = k;
		if (last)
			break;
		part = q + 1;
	}

	struct thr_entry e = { 0 };
	e.kind = (uint8_t)kind;
	if (!val[K_GEN_ID] || !val[K_SIG_ID]) {
		PERR(ps, cmd, "%s needs gen_id and sig_id", cmds[ci]);
		return;
	}
	if (!parse_u32(val[K_GEN_ID], 0, &e.gid)) {
		PERR(ps, val[K_GEN_ID], "invalid gen_id \"%s\"", val[K_GEN_ID]);
		return;
	}
	if (!parse_u32(val[K_SIG_ID], 0, &e.sid)) {
		PERR(ps, val[K_SIG_ID], "invalid sig_id \"%s\"", val[K_SIG_ID]);
		return;
	}
	/* options that do not belong to this command */
	static const bool allowed[3][K_MAX] = {
		[TK_SUPPRESS] = { 1, 1, 0, 1, 0, 0, 1, 0, 0 },
		[TK_THRESHOLD] = { 1, 1, 1, 1, 1, 1, 0, 0, 0 },
		[TK_RATE] = { 1, 1, 0, 1, 1, 1, 0, 1, 1 },
	};
	for (int k = 0; k < K_MAX; k++)
		if (val[k] && !allowed[kind][k]) {
			PERR(ps, keypos[k], "option \"%s\" does not apply to %s", key_names[k],
			     cmds[ci]);
			return;
		}

	if (kind == TK_SUPPRESS) {
		static const char *const tr[] = { "by_src", "by_dst", "by_either" };
		if (val[K_TRACK]) {
			int t = word_index(val[K_TRACK], tr, ARRAY_SIZE(tr));
			if (t < 0) {
				PERR(ps, val[K_TRACK],
				     "invalid track \"%s\" for suppress (by_src, by_dst or "
				     "by_either)",
				     val[K_TRACK]);
				return;
			}
			e.track = (uint8_t)(t + 1);
			if (!val[K_IP]) {
				PERR(ps, keypos[K_TRACK], "suppress with track needs an ip list");
				return;
			}
		} else if (val[K_IP]) {
			PERR(ps, keypos[K_IP],
			     "suppress with ip needs track by_src|by_dst|by_either");
			return;
		}
		if (val[K_IP]) {
			char err[256] = "";
			if (!ps->rs) {
				PERR(ps, val[K_IP],
				     "ip lists cannot be resolved here (no ruleset)");
				return;
			}
			if (rules_addr_set_parse(ps->rs, val[K_IP], &e.ip, err, sizeof(err)) < 0) {
				PERR(ps, val[K_IP], "invalid ip \"%s\": %s", val[K_IP], err);
				return;
			}
		}
	} else {
		static const char *const tr[] = { "by_src", "by_dst", "by_rule", "by_both",
						  "by_flow" };
		const char *missing = !val[K_TRACK]   ? "track"
				      : !val[K_COUNT] ? "count"
				      : !val[K_SECONDS] ? "seconds"
				      : kind == TK_THRESHOLD && !val[K_TYPE] ? "type"
				      : kind == TK_RATE && !val[K_NEW_ACTION] ? "new_action"
				      : kind == TK_RATE && !val[K_TIMEOUT] ? "timeout" : NULL;
		if (missing) {
			PERR(ps, cmd, "%s needs \"%s\"", cmds[ci], missing);
			return;
		}
		int t = word_index(val[K_TRACK], tr, ARRAY_SIZE(tr));
		if (t < 0) {
			PERR(ps, val[K_TRACK],
			     "invalid track \"%s\" (by_src, by_dst, by_rule, by_both or by_flow)",
			     val[K_TRACK]);
			return;
		}
		e.thr.track = (uint8_t)t;
		if (!parse_u32(val[K_COUNT], 1, &e.thr.count)) {
			PERR(ps, val[K_COUNT], "invalid count \"%s\" (1 or more)", val[K_COUNT]);
			return;
		}
		if (!parse_u32(val[K_SECONDS], 1, &e.thr.seconds)) {
			PERR(ps, val[K_SECONDS], "invalid seconds \"%s\" (1 or more)",
			     val[K_SECONDS]);
			return;
		}
		if (kind == TK_THRESHOLD) {
			static const char *const types[] = { "limit", "threshold", "both" };
			int ty = word_index(val[K_TYPE], types, ARRAY_SIZE(types));
			if (ty < 0) {
				PERR(ps, val[K_TYPE],
				     "invalid type \"%s\" (limit, threshold or both)", val[K_TYPE]);
				return;
			}
			e.thr.type = (uint8_t)ty; /* RULE_THR_LIMIT/THRESHOLD/BOTH in that order */
		} else {
			static const char *const acts[] = { "alert", "drop", "pass", "reject" };
			static const enum detect_action map[] = { DETECT_ACTION_ALERT,
								  DETECT_ACTION_DROP,
								  DETECT_ACTION_PASS,
								  DETECT_ACTION_REJECT };
			int a = word_index(val[K_NEW_ACTION], acts, ARRAY_SIZE(acts));
			if (a < 0) {
				PERR(ps, val[K_NEW_ACTION],
				     "invalid new_action \"%s\" (alert, drop, pass or reject)",
				     val[K_NEW_ACTION]);
				return;
			}
			e.new_action = map[a];
			if (!parse_u32(val[K_TIMEOUT], 1, &e.timeout)) {
				PERR(ps, val[K_TIMEOUT], "invalid timeout \"%s\" (1 or more)",
				     val[K_TIMEOUT]);
				return;
			}
		}
	}

	struct detect_threshold_config *c = ps->c;
	if (c->n >= THR_MAX_ENTRIES) {
		PERR(ps, cmd, "too many entries (at most %d)", THR_MAX_ENTRIES);
		return;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct thr_entry *ne = realloc(c->e, cap * sizeof(*ne));
		if (!ne) {
			PERR(ps, cmd, "out of memory");
			return;
		}
		c->e = ne;
		c->cap = cap;
	}
	e.index = (uint32_t)c->n;
	c->e[c->n++] = e;
}

int detect_threshold_config_load_string(struct detect_threshold_config *c,
					struct rules_ruleset *rs, const char *text, size_t len,
					const char *name)
{
	struct logical_line *ll = malloc(sizeof(*ll));
	if (!ll) {
		cfg_error(c, name, 0, 0, "out of memory");
		return -1;
	}
	struct parse_state ps = { .c = c, .rs = rs, .file = name, .ll = ll };
	size_t pos = 0;
	unsigned lineno = 0;
	ll->len = 0;
	ll->nseg = 0;
	bool too_long = false;
	while (pos < len) {
		size_t eol = pos;
		while (eol < len && text[eol] != '\n')
			eol++;
		lineno++;
		size_t n = eol - pos;
		if (n && text[pos + n - 1] == '\r')
			n--;
		bool cont = n && text[pos + n - 1] == '\\';
		if (cont)
			n--;
		if (ll->nseg == 0)
			too_long = false;
		if (ll->len + n + 1 >= sizeof(ll->text) || ll->nseg >= THR_MAX_SEGS) {
			if (!too_long)
				cfg_error(c, name, lineno, 1, "line too long (at most %d bytes)",
					  THR_MAX_LINE - 1);
			too_long = true;
		} else {
			ll->seg[ll->nseg].off = ll->len;
			ll->seg[ll->nseg].line = lineno;
			ll->nseg++;
			memcpy(ll->text + ll->len, text + pos, n);
			ll->len += n;
			ll->text[ll->len] = '\0';
		}
		pos = eol + 1;
		if (cont && pos < len)
			continue;
		if (!too_long && ll->nseg) {
			/* NUL bytes would cut the line short silently: refuse them */
			char *s = skip_ws(ll->text);
			if (memchr(ll->text, '\0', ll->len))
				PERR(&ps, ll->text, "NUL byte in line");
			else if (*s && *s != '#')
				parse_line(&ps, s);
		}
		ll->len = 0;
		ll->nseg = 0;
	}
	free(ll);
	if (cfg_index_build(c) < 0) {
		cfg_error(c, name, 0, 0, "out of memory");
		return -1;
	}
	return 0;
}

int detect_threshold_config_load_file(struct detect_threshold_config *c, struct rules_ruleset *rs,
				      const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cfg_error(c, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (len == cap) {
			if (cap >= (64u << 20)) { /* a threshold file is never this big */
				free(buf);
				fclose(f);
				cfg_error(c, path, 0, 0, "file larger than 64 MiB");
				return -1;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	bool rerr = ferror(f);
	fclose(f);
	if (!buf || rerr) {
		free(buf);
		cfg_error(c, path, 0, 0, rerr ? "read error" : "out of memory");
		return -1;
	}
	int rc = detect_threshold_config_load_string(c, rs, buf, len, path);
	free(buf);
	return rc;
}

/* ---- per-worker trackers ------------------------------------------------------------------ */

/* Which counter a tracker is: the rule's threshold, its detection_filter, or a config entry. */
enum tracker_src { TS_RULE_THR = 1, TS_RULE_DF, TS_CFG };

struct tracker_key {
	uint8_t src;   /* enum tracker_src */
	uint8_t track; /* enum rule_thr_track */
	uint8_t pad[2];
	uint32_t gid, sid;
	uint32_t cfg_index;
	uint64_t flow_id;
	struct ip_addr a, b;
};

struct tracker {
	struct tracker *hnext, *lru_prev, *lru_next;
	uint32_t hash;
	struct tracker_key key;
	uint64_t first_usec;   /* start of the current window */
	uint64_t count;        /* matches in the window */
	uint64_t next_step;    /* backoff: the match number that alerts next */
	uint64_t active_since; /* rate_filter: new action in force since then; 0 = not active */
};

struct detect_thresholds {
	/* One table may serve every worker of an engine (the autofp workers each see only some
	 * flows, but by_src / by_dst / by_rule counts are about all traffic, as in Suricata's
	 * host table): it is only touched when a rule with a threshold matches, so one lock is
	 * cheap there and keeps the packet path lock-free otherwise. */
	pthread_mutex_t lock;
	const struct detect_threshold_config *cfg;
	struct tracker **buckets;
	uint32_t n_buckets, count, max;
	struct tracker *lru_head, *lru_tail;
	uint64_t evicted, alloc_failed;
};

struct detect_thresholds *detect_thresholds_new(const struct detect_threshold_config *cfg,
						uint32_t max_entries)
{
	if (max_entries == 0)
		max_entries = 1;
	struct detect_thresholds *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	uint32_t nb = 64;
	while (nb < max_entries && nb < (1u << 22))
		nb <<= 1;
	t->buckets = calloc(nb, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	t->n_buckets = nb;
	t->max = max_entries;
	t->cfg = cfg;
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void detect_thresholds_free(struct detect_thresholds *t)
{
	if (!t)
		return;
	for (struct tracker *e = t->lru_head, *n; e; e = n) {
		n = e->lru_next;
		free(e);
	}
	free(t->buckets);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void detect_thresholds_get_stats(const struct detect_thresholds *t,
				 struct detect_thresholds_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!t)
		return;
	pthread_mutex_lock((pthread_mutex_t *)&t->lock);
	out->entries = t->count;
	out->max_entries = t->max;
	out->evicted = t->evicted;
	out->alloc_failed = t->alloc_failed;
	pthread_mutex_unlock((pthread_mutex_t *)&t->lock);
}

static void tr_unlink(struct detect_thresholds *t, struct tracker *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		t->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		t->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void tr_push_head(struct detect_thresholds *t, struct tracker *e)
{
	e->lru_next = t->lru_head;
	e->lru_prev = NULL;
	if (t->lru_head)
		t->lru_head->lru_prev = e;
	t->lru_head = e;
	if (!t->lru_tail)
		t->lru_tail = e;
}

static void addr_copy(struct ip_addr *out, const struct ip_addr *in)
{
	memset(out, 0, sizeof(*out));
	out->family = in->family;
	memcpy(out->b, in->b, sizeof(out->b));
}

/* The key for a track mode; false when the packet cannot be tracked that way (by_flow without
 * a flow, address tracking without an IP layer): such a match is not thresholded. */
static bool make_key(struct tracker_key *k, uint8_t src, uint8_t track, const struct rule *r,
		     uint32_t cfg_index, const struct packet *p)
{
	memset(k, 0, sizeof(*k));
	k->src = src;
	k->track = track;
	k->gid = r->gid;
	k->sid = r->sid;
	k->cfg_index = cfg_index;
	switch (track) {
	case RULE_THR_BY_SRC:
		if (!p->ip_version)
			return false;
		addr_copy(&k->a, &p->src);
		return true;
	case RULE_THR_BY_DST:
		if (!p->ip_version)
			return false;
		addr_copy(&k->a, &p->dst);
		return true;
	case RULE_THR_BY_BOTH: {
		if (!p->ip_version)
			return false;
		/* both directions between two hosts are one pair (Suricata's by_both) */
		bool fwd = ip_addr_cmp(&p->src, &p->dst) <= 0;
		addr_copy(&k->a, fwd ? &p->src : &p->dst);
		addr_copy(&k->b, fwd ? &p->dst : &p->src);
		return true;
	}
	case RULE_THR_BY_FLOW:
		if (!p->flow)
			return false;
		k->flow_id = p->flow->flow_id;
		return true;
	case RULE_THR_BY_RULE:
		return true;
	default:
		return false;
	}
}

static struct tracker *tracker_get(struct detect_thresholds *t, const struct tracker_key *k,
				   bool *fresh)
{
	uint32_t hash = util_hash32(k, sizeof(*k), 0x7a3du);
	struct tracker **bucket = &t->buckets[hash & (t->n_buckets - 1)];
	for (struct tracker *e = *bucket; e; e = e->hnext)
		if (e->hash == hash && memcmp(&e->key, k, sizeof(*k)) == 0) {
			if (t->lru_head != e) {
				tr_unlink(t, e);
				tr_push_head(t, e);
			}
			*fresh = false;
			return e;
		}
	if (t->count >= t->max) {
		struct tracker *old = t->lru_tail;
		struct tracker **pp = &t->buckets[old->hash & (t->n_buckets - 1)];
		while (*pp && *pp != old)
			pp = &(*pp)->hnext;
		if (*pp)
			*pp = old->hnext;
		tr_unlink(t, old);
		free(old);
		t->count--;
		t->evicted++;
	}
	struct tracker *e = calloc(1, sizeof(*e));
	if (!e) {
		t->alloc_failed++;
		return NULL;
	}
	e->hash = hash;
	e->key = *k;
	e->hnext = *bucket;
	*bucket = e;
	tr_push_head(t, e);
	t->count++;
	*fresh = true;
	return e;
}

/* Is `now` inside the window that began with the tracker's first match? The window includes
 * its end: a match exactly `seconds` later still counts in it (as in Suricata 7). A match
 * older than the window's start counts in it too: packet time goes backwards when workers
 * share the trackers (autofp: one worker's packet is processed after another's later one) or
 * a capture is out of order, and must not open a new window (a "limit 1" rule would alert
 * twice). */
static bool in_window(const struct tracker *e, uint64_t now, uint32_t seconds)
{
	return now <= e->first_usec || now - e->first_usec <= (uint64_t)seconds * USEC_PER_SEC;
}

/* Count one match into a windowed tracker; outside the window a new one starts with it. */
static void window_count(struct tracker *e, bool fresh, uint64_t now, uint32_t seconds)
{
	if (fresh || !in_window(e, now, seconds)) {
		e->first_usec = now;
		e->count = 1;
	} else {
		e->count++;
	}
}

static enum detect_thr_result eval_threshold(struct detect_thresholds *t,
					     const struct rule_threshold *th, uint8_t src,
					     uint32_t cfg_index, const struct rule *r,
					     const struct packet *p)
{
	struct tracker_key k;
	if (!make_key(&k, src, th->track, r, cfg_index, p))
		return DETECT_THR_ALERT;
	bool fresh;
	struct tracker *e = tracker_get(t, &k, &fresh);
	if (!e)
		return DETECT_THR_ALERT; /* fail open: out of memory must not hide alerts */
	uint64_t now = p->ts_usec;
	switch (th->type) {
	case RULE_THR_LIMIT:
		window_count(e, fresh, now, th->seconds);
		return e->count <= th->count ? DETECT_THR_ALERT : DETECT_THR_SUPPRESS;
	case RULE_THR_THRESHOLD:
		window_count(e, fresh, now, th->seconds);
		if (e->count >= th->count) {
			e->count = 0; /* alert every count-th match of the window */
			return DETECT_THR_ALERT;
		}
		return DETECT_THR_DISCARD;
	case RULE_THR_BOTH:
		window_count(e, fresh, now, th->seconds);
		if (e->count == th->count)
			return DETECT_THR_ALERT;
		return e->count > th->count ? DETECT_THR_SUPPRESS : DETECT_THR_DISCARD;
	case RULE_THR_BACKOFF: {
		/* alerts at count, count*m, count*m*m, ... (seconds holds the multiplier) */
		if (fresh)
			e->next_step = th->count;
		e->count++;
		if (e->count == e->next_step) {
			uint64_t m = th->seconds ? th->seconds : 1;
			e->next_step =
				e->next_step > UINT64_MAX / m ? UINT64_MAX : e->next_step * m;
			if (e->next_step == e->count) /* multiplier 1: every match */
				e->next_step++;
			return DETECT_THR_ALERT;
		}
		return e->count < th->count ? DETECT_THR_DISCARD : DETECT_THR_SUPPRESS;
	}
	case RULE_THR_DETECTION_FILTER:
		window_count(e, fresh, now, th->seconds);
		return e->count > th->count ? DETECT_THR_ALERT : DETECT_THR_DISCARD;
	default:
		return DETECT_THR_ALERT;
	}
}

static bool id_match(const struct thr_entry *e, const struct rule *r)
{
	return (e->gid == 0 || e->gid == r->gid) && (e->sid == 0 || e->sid == r->sid);
}

static bool suppressed(const struct thr_entry *e, const struct packet *p)
{
	switch (e->track) {
	case ST_NONE:
		return true;
	case ST_SRC:
		return p->ip_version && rules_addr_set_match(e->ip, &p->src);
	case ST_DST:
		return p->ip_version && rules_addr_set_match(e->ip, &p->dst);
	case ST_EITHER:
		return p->ip_version && (rules_addr_set_match(e->ip, &p->src) ||
					 rules_addr_set_match(e->ip, &p->dst));
	default:
		return false;
	}
}

/* The config entry of `kind` for a rule: its exact gid:sid first, else the first wildcard. */
static const struct thr_entry *cfg_find(const struct detect_threshold_config *c, uint8_t kind,
					const struct rule *r, bool *exact)
{
	*exact = false;
	if (!c)
		return NULL;
	for (size_t i = cfg_exact_first(c, r->gid, r->sid);
	     i < c->n_exact && c->exact[i].gid == r->gid && c->exact[i].sid == r->sid; i++) {
		const struct thr_entry *e = &c->e[c->exact[i].idx];
		if (e->kind == kind) {
			*exact = true;
			return e;
		}
	}
	for (size_t i = 0; i < c->n_wild; i++) {
		const struct thr_entry *e = &c->e[c->wild[i]];
		if (e->kind == kind && id_match(e, r))
			return e;
	}
	return NULL;
}

/* Does any suppress line (exact or wildcard) hide this match? */
static bool cfg_suppressed(const struct detect_threshold_config *c, const struct rule *r,
			   const struct packet *p)
{
	if (!c)
		return false;
	for (size_t i = cfg_exact_first(c, r->gid, r->sid);
	     i < c->n_exact && c->exact[i].gid == r->gid && c->exact[i].sid == r->sid; i++) {
		const struct thr_entry *e = &c->e[c->exact[i].idx];
		if (e->kind == TK_SUPPRESS && suppressed(e, p))
			return true;
	}
	for (size_t i = 0; i < c->n_wild; i++) {
		const struct thr_entry *e = &c->e[c->wild[i]];
		if (e->kind == TK_SUPPRESS && id_match(e, r) && suppressed(e, p))
			return true;
	}
	return false;
}

/* The more restrictive of two outcomes. */
static enum detect_thr_result thr_worst(enum detect_thr_result a, enum detect_thr_result b)
{
	if (a == DETECT_THR_DISCARD || b == DETECT_THR_DISCARD)
		return DETECT_THR_DISCARD;
	if (a == DETECT_THR_SUPPRESS || b == DETECT_THR_SUPPRESS)
		return DETECT_THR_SUPPRESS;
	return DETECT_THR_ALERT;
}

static enum detect_thr_result threshold_apply_locked(struct detect_thresholds *t,
						     const struct rule *r, const struct packet *p,
						     enum detect_action *action);

enum detect_thr_result detect_threshold_apply(struct detect_thresholds *t, const struct rule *r,
					      const struct packet *p, enum detect_action *action)
{
	if (!t)
		return threshold_apply_locked(NULL, r, p, action);
	pthread_mutex_lock(&t->lock);
	enum detect_thr_result res = threshold_apply_locked(t, r, p, action);
	pthread_mutex_unlock(&t->lock);
	return res;
}

static enum detect_thr_result threshold_apply_locked(struct detect_thresholds *t,
						     const struct rule *r, const struct packet *p,
						     enum detect_action *action)
{
	const struct detect_threshold_config *c = t ? t->cfg : NULL;
	/* 1. suppress: every matching line counts (a rule may be suppressed for several nets) */
	if (cfg_suppressed(c, r, p))
		return DETECT_THR_SUPPRESS;
	if (!t)
		return DETECT_THR_ALERT;

	/* 2. threshold / detection_filter */
	enum detect_thr_result res = DETECT_THR_ALERT;
	bool exact;
	const struct thr_entry *ce = cfg_find(c, TK_THRESHOLD, r, &exact);
	bool rule_has = r->threshold || r->detection_filter;
	if (ce && (exact || !rule_has)) {
		res = eval_threshold(t, &ce->thr, TS_CFG, ce->index, r, p);
	} else {
		if (r->threshold)
			res = eval_threshold(t, r->threshold, TS_RULE_THR, 0, r, p);
		if (r->detection_filter)
			res = thr_worst(res, eval_threshold(t, r->detection_filter, TS_RULE_DF, 0,
							    r, p));
	}
	if (res == DETECT_THR_DISCARD)
		return res;

	/* 3. rate_filter */
	const struct thr_entry *re = cfg_find(c, TK_RATE, r, &exact);
	if (!re)
		return res;
	struct tracker_key k;
	if (!make_key(&k, TS_CFG, re->thr.track, r, re->index, p))
		return res;
	bool fresh;
	struct tracker *e = tracker_get(t, &k, &fresh);
	if (!e)
		return res;
	/* Suricata's rate_filter: the new action starts with the match that takes the window's
	 * count past `count` and stays for `timeout` seconds; the match that finds the timeout
	 * over ends it without being counted, and counting then resumes. */
	uint64_t now = p->ts_usec;
	bool changed = false;
	if (fresh) {
		e->first_usec = now;
		e->count = 1;
	} else if (e->active_since) {
		if (now > e->active_since &&
		    now - e->active_since > (uint64_t)re->timeout * USEC_PER_SEC)
			e->active_since = 0;
		else
			changed = true;
	} else if (in_window(e, now, re->thr.seconds)) {
		if (++e->count > re->thr.count) {
			e->active_since = now ? now : 1;
			changed = true;
		}
	} else {
		e->first_usec = now;
		e->count = 1;
	}
	if (!changed)
		return res;
	if (action)
		*action = re->new_action;
	return res == DETECT_THR_ALERT ? DETECT_THR_RATE_CHANGED : res;
}
