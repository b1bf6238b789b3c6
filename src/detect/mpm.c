/*
 * mpm.c — the Hyperscan prefilter: the choice of each rule's fast pattern (explicit
 * fast_pattern with only/chop, else the content scoring best on length and byte rarity; negated
 * contents never), and one literal database per (part, buffer), de-duplicated by a hash of its
 * pattern set and cached on disk (mpm-cache.c). Identical patterns of several rules share one
 * pattern id; the part keeps, per id, the list of rules it stands for.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/detect-int.h"

/* ---- fast pattern choice ----------------------------------------------------------------- */

/* Bytes that are everywhere in traffic (padding, whitespace, HTTP punctuation) score low, so
 * that "|00 00 00 00|" or "\r\n" loses against a shorter but rarer pattern. */
static uint32_t byte_weight(uint8_t c, bool nocase)
{
	switch (c) {
	case 0x00: case 0xff: case ' ': case '\r': case '\n': case '/': case '.': case '=':
	case '&': case '?': case ':': case 0x01: case '0': case '-': case '_':
		return 1;
	default:
		break;
	}
	if (islower(c) || (nocase && isalpha(c)))
		return 2;
	return 3;
}

/* A byte repeating the one before it adds nothing: runs ("|00 00 00 00 00|", "AAAA") are
 * padding, common in traffic, and a zero run makes a Hyperscan scan of binary payloads
 * (DNS, SMB) several times slower. */
static uint32_t pattern_score(const uint8_t *p, uint32_t n, bool nocase)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i < n; i++)
		if (i == 0 || p[i] != p[i - 1])
			s += byte_weight(p[i], nocase);
	return s;
}

/*
 * dotprefix (one transform, on an app-layer buffer) keeps a prefilter: the buffer inspected is
 * the raw one with a '.' in front, so a content found there is found in the raw buffer without
 * its first byte (which may be that dot). The prefilter scans the raw buffer for the rest of
 * the pattern (fp_bytes_of()). Without it, every DNS / TLS transaction checked each of the
 * hundreds of "dns.query; dotprefix; content:...; endswith;" rules of a ruleset.
 */
static bool group_dotprefix(const struct rule_group *g)
{
	return g->n_transforms == 1 && g->transforms[0] &&
	       strcmp(g->transforms[0]->name, "dotprefix") == 0;
}

static bool group_can_prefilter(const struct rule_group *g)
{
	return g->buffer != RULES_BUF_PACKET &&
	       (g->n_transforms == 0 || (g->buffer != RULES_BUF_PAYLOAD && group_dotprefix(g))) &&
	       (int)g->buffer != rules_buffer_lookup("base64_data") &&
	       rules_buffer_hdr_kind(g->buffer) == RULES_HDR_NONE; /* headers: no prefilter */
}

static bool is_content(const struct rule_match *m)
{
	return m->kw && (strcmp(m->kw->name, "content") == 0 ||
			 strcmp(m->kw->name, "uricontent") == 0);
}

/* The prefilter pattern of content c in group g (see group_dotprefix); len 0 when none. */
static void fp_bytes_of(const struct rule_group *g, const struct rule_content *c,
			const uint8_t **pat, uint32_t *len)
{
	*pat = c->pat;
	*len = c->len;
	if (c->flags & RULE_CF_FP_CHOP) {
		*pat = c->pat + c->fp_chop_offset;
		*len = c->fp_chop_len;
	}
	if (g->n_transforms && *pat == c->pat) {
		/* dotprefix: the first byte may be the '.' in front of the raw buffer */
		*pat = *len > 1 ? *pat + 1 : *pat;
		*len = *len > 1 ? *len - 1 : 0;
	}
}

void det_fast_pattern_bytes(const struct det_rule *dr, const uint8_t **pat, uint32_t *len,
			    bool *nocase)
{
	const struct rule_group *g = &dr->r->groups[dr->fp_group];
	const struct rule_content *c = &g->m[dr->fp_match].u.content;
	fp_bytes_of(g, c, pat, len);
	*nocase = c->flags & RULE_CF_NOCASE;
}

/* A fast_pattern:only content needs no second look when nothing depends on where it is. */
static void mark_fp_only(struct det_rule *dr, const struct rule_match *m)
{
	const struct rule_content *c = &m->u.content;
	const uint32_t positional = RULE_CF_OFFSET | RULE_CF_DEPTH | RULE_CF_DISTANCE |
				    RULE_CF_WITHIN | RULE_CF_STARTSWITH | RULE_CF_ENDSWITH |
				    RULE_CF_FP_CHOP | RULE_CF_NEGATED;
	if (!(c->flags & RULE_CF_FP_ONLY) || (c->flags & positional))
		return;
	struct det_prog *progs[2] = { &dr->payload, NULL };
	for (int k = 0; k < 2 && progs[k]; k++) {
		for (uint32_t i = 0; i < progs[k]->n_ops; i++) {
			struct det_op *op = &progs[k]->ops[i];
			if (op->m == m && !op->rel_next)
				op->skip = true;
		}
	}
	for (uint16_t j = 0; j < dr->n_other; j++)
		for (uint32_t i = 0; i < dr->other[j].n_ops; i++)
			if (dr->other[j].ops[i].m == m && !dr->other[j].ops[i].rel_next)
				dr->other[j].ops[i].skip = true;
}

void det_fast_pattern_select(struct det_rule *dr)
{
	const struct rule *r = dr->r;
	uint32_t best_score = 0, best_len = 0;
	dr->fp_group = -1;
	dr->fp_match = -1;
	for (uint16_t gi = 0; gi < r->n_groups; gi++) {
		const struct rule_group *g = &r->groups[gi];
		if (!group_can_prefilter(g))
			continue;
		for (uint32_t mi = 0; mi < g->n; mi++) {
			const struct rule_match *m = &g->m[mi];
			if (!is_content(m) || (m->u.content.flags & RULE_CF_NEGATED))
				continue;
			const struct rule_content *c = &m->u.content;
			const uint8_t *fp;
			uint32_t fplen;
			fp_bytes_of(g, c, &fp, &fplen);
			if (!fplen)
				continue;
			if (c->flags & RULE_CF_FAST_PATTERN) {
				dr->fp_group = (int16_t)gi;
				dr->fp_match = (int32_t)mi;
				goto chosen;
			}
			if (!g->n_transforms) {
				fp = c->pat; /* scored whole, as before chop */
				fplen = c->len;
			}
			bool nocase = c->flags & RULE_CF_NOCASE;
			uint32_t s = pattern_score(fp, fplen, nocase);
			if (dr->fp_group < 0 || s > best_score ||
			    (s == best_score && fplen > best_len)) {
				best_score = s;
				best_len = fplen;
				dr->fp_group = (int16_t)gi;
				dr->fp_match = (int32_t)mi;
			}
		}
	}
	if (dr->fp_group < 0)
		return;
chosen:
	dr->flags |= DR_F_HAS_MPM;
	dr->fp_buffer = r->groups[dr->fp_group].buffer;
	if (!r->groups[dr->fp_group].n_transforms) /* a transformed buffer needs its look */
		mark_fp_only(dr, &r->groups[dr->fp_group].m[dr->fp_match]);
}

/* ---- database build ---------------------------------------------------------------------- */

struct pat_entry {
	const uint8_t *pat;
	uint32_t len;
	bool nocase;
	uint32_t rule;
};

static int pat_cmp(const struct pat_entry *a, const struct pat_entry *b)
{
	if (a->nocase != b->nocase)
		return a->nocase ? 1 : -1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	for (uint32_t i = 0; i < a->len; i++) {
		uint8_t x = a->pat[i], y = b->pat[i];
		if (a->nocase) {
			x = (uint8_t)tolower(x);
			y = (uint8_t)tolower(y);
		}
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct pat_entry *a = pa, *b = pb;
	int c = pat_cmp(a, b);
	if (c)
		return c;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

static uint64_t db_seed(void)
{
	hs_platform_info_t plat;
	memset(&plat, 0, sizeof(plat));
	hs_populate_platform(&plat);
	const char *v = hs_version();
	uint64_t h = util_hash64(v, strlen(v), 0x6165676973ULL); /* "aegis" */
	h = util_hash64(&plat.tune, sizeof(plat.tune), h);
	h = util_hash64(&plat.cpu_features, sizeof(plat.cpu_features), h);
	return util_hash64("block-literal-v1", 16, h);
}

static int db_find(const struct detect_engine *e, uint64_t key)
{
	for (uint32_t i = 0; i < e->n_dbs; i++)
		if (e->dbs[i].key == key)
			return (int)i;
	return -1;
}

static int db_compile(struct pat_entry *u, uint32_t n, hs_database_t **db, char *err,
		      size_t errlen)
{
	const char **expr = calloc(n, sizeof(*expr));
	size_t *lens = calloc(n, sizeof(*lens));
	unsigned *flags = calloc(n, sizeof(*flags));
	unsigned *ids = calloc(n, sizeof(*ids));
	int rc = -1;
	if (!expr || !lens || !flags || !ids) {
		snprintf(err, errlen, "out of memory compiling a Hyperscan database");
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		expr[i] = (const char *)u[i].pat;
		lens[i] = u[i].len;
		flags[i] = HS_FLAG_SINGLEMATCH | (u[i].nocase ? HS_FLAG_CASELESS : 0);
		ids[i] = i;
	}
	hs_compile_error_t *ce = NULL;
	if (hs_compile_lit_multi(expr, flags, ids, lens, n, HS_MODE_BLOCK, NULL, db, &ce) !=
	    HS_SUCCESS) {
		snprintf(err, errlen, "Hyperscan cannot compile a database of %u patterns: %s", n,
			 ce && ce->message ? ce->message : "unknown error");
		if (ce)
			hs_free_compile_error(ce);
		goto out;
	}
	rc = 0;
out:
	free(expr);
	free(lens);
	free(flags);
	free(ids);
	return rc;
}

/* Build the database (or find it) for one part's entries of one buffer. */
static int mpm_build_one(struct detect_engine *e, struct det_mpm *mpm, struct pat_entry *ent,
			 uint32_t n, uint64_t seed, char *err, size_t errlen)
{
	qsort(ent, n, sizeof(*ent), entry_cmp);
	/* unique patterns, written to the front of a second array */
	struct pat_entry *u = calloc(n, sizeof(*u));
	mpm->pat_rules = calloc(n, sizeof(uint32_t));
	mpm->pat_off = calloc(n + 1, sizeof(uint32_t));
	if (!u || !mpm->pat_rules || !mpm->pat_off) {
		free(u);
		snprintf(err, errlen, "out of memory building the prefilter");
		return -1;
	}
	uint32_t nu = 0;
	uint64_t key = seed;
	for (uint32_t i = 0; i < n; i++) {
		if (i == 0 || pat_cmp(&ent[i], &ent[i - 1]) != 0) {
			mpm->pat_off[nu] = i;
			u[nu++] = ent[i];
			uint32_t hdr[2] = { ent[i].len, ent[i].nocase };
			key = util_hash64(hdr, sizeof(hdr), key);
			key = util_hash64(ent[i].pat, ent[i].len, key);
		}
		mpm->pat_rules[i] = ent[i].rule;
		if (ent[i].len > mpm->max_len)
			mpm->max_len = ent[i].len;
	}
	mpm->pat_off[nu] = n;
	mpm->n_pats = nu;
	int found = db_find(e, key);
	if (found >= 0) {
		mpm->db = (uint32_t)found;
		free(u);
		return 0;
	}
	struct det_db *dbs = realloc(e->dbs, (e->n_dbs + 1) * sizeof(*dbs));
	if (!dbs) {
		free(u);
		snprintf(err, errlen, "out of memory building the prefilter");
		return -1;
	}
	e->dbs = dbs;
	struct det_db *d = &e->dbs[e->n_dbs];
	memset(d, 0, sizeof(*d));
	d->key = key;
	d->n_pats = nu;
	d->build_pats = u; /* loaded or compiled later, all at once (dbs_compile) */
	mpm->db = e->n_dbs++;
	return 0;
}

/* ---- compiling the databases ------------------------------------------------------------- */

/* Hyperscan compiles are independent and thread-safe: the cold build spreads them over a few
 * threads (the biggest first, so no thread is left with one large database at the end). */
#define DET_COMPILE_THREADS_MAX 4

struct compile_work {
	struct detect_engine *e;
	uint32_t *order;        /* indices into e->dbs still to compile, biggest first */
	uint32_t n;
	uint32_t next;          /* atomic cursor into order */
	int failed;             /* first failing db + 1, 0 = none (atomic) */
	char err[512];
};

static void *compile_worker(void *arg)
{
	struct compile_work *w = arg;
	for (;;) {
		uint32_t i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);
		if (i >= w->n || __atomic_load_n(&w->failed, __ATOMIC_RELAXED))
			return NULL;
		struct det_db *d = &w->e->dbs[w->order[i]];
		char err[512];
		if (db_compile(d->build_pats, d->n_pats, &d->db, err, sizeof(err)) < 0) {
			int expect = 0;
			if (__atomic_compare_exchange_n(&w->failed, &expect, (int)w->order[i] + 1,
							false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
				memcpy(w->err, err, sizeof(err));
			return NULL;
		}
	}
}

static int cmp_db_size_desc(const void *a, const void *b, void *arg)
{
	const struct det_db *dbs = arg;
	uint32_t x = dbs[*(const uint32_t *)a].n_pats, y = dbs[*(const uint32_t *)b].n_pats;
	return x > y ? -1 : x < y;
}

/* Every database from the cache or compiled; then the cache files and the statistics. */
static int dbs_compile(struct detect_engine *e, char *err, size_t errlen)
{
	struct compile_work w = { .e = e };
	w.order = calloc(e->n_dbs ? e->n_dbs : 1, sizeof(*w.order));
	if (!w.order) {
		snprintf(err, errlen, "out of memory building the prefilter");
		return -1;
	}
	for (uint32_t i = 0; i < e->n_dbs; i++) {
		struct det_db *d = &e->dbs[i];
		if (e->cfg.cache_dir[0] && det_cache_load(e->cfg.cache_dir, d->key, &d->db) == 0)
			e->stats.cache_hits++;
		else
			w.order[w.n++] = i;
	}
	qsort_r(w.order, w.n, sizeof(*w.order), cmp_db_size_desc, e->dbs);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t nthr = ncpu > 1 ? (uint32_t)ncpu : 1;
	if (nthr > DET_COMPILE_THREADS_MAX)
		nthr = DET_COMPILE_THREADS_MAX;
	if (nthr > w.n)
		nthr = w.n;
	pthread_t tid[DET_COMPILE_THREADS_MAX];
	uint32_t started = 0;
	/* the calling thread is one of the workers; a thread that cannot start is not needed */
	for (uint32_t k = 1; k < nthr; k++)
		if (pthread_create(&tid[started], NULL, compile_worker, &w) == 0)
			started++;
	compile_worker(&w);
	for (uint32_t k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	int rc = 0;
	if (w.failed) {
		snprintf(err, errlen, "%s", w.err);
		rc = -1;
	}
	for (uint32_t k = 0; k < w.n && rc == 0; k++) {
		struct det_db *d = &e->dbs[w.order[k]];
		if (!e->cfg.cache_dir[0])
			continue;
		e->stats.cache_misses++;
		/* one warning per build is enough: stop using a cache we cannot write */
		if (det_cache_store(e->cfg.cache_dir, d->key, d->db) < 0)
			e->cfg.cache_dir[0] = '\0';
	}
	free(w.order);
	for (uint32_t i = 0; i < e->n_dbs; i++) {
		struct det_db *d = &e->dbs[i];
		free(d->build_pats);
		d->build_pats = NULL;
		if (!d->db)
			continue;
		hs_database_size(d->db, &d->bytes);
		e->stats.mpm_patterns += d->n_pats;
		e->stats.mpm_bytes += d->bytes;
	}
	return rc;
}

/* The database a rule's fast pattern goes to: its buffer's, except that payload patterns of
 * rules waiting for the app-layer or stream stages get a database of their own, so packets
 * are not scanned for (and do not wake up) rules that cannot match them yet. */
static uint16_t mpm_buffer_of(const struct det_rule *dr)
{
	if (dr->fp_buffer == RULES_BUF_PAYLOAD && (dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY)))
		return DET_BUF_PENDING_PAYLOAD;
	return dr->fp_buffer;
}

/* The kinds of group payload prefilters (see group_build_payload). */
enum { GP_PAYLOAD = 0, GP_PKTONLY, GP_STREAM };

static bool fp_anchor_offsets(const struct det_rule *dr, int what, uint32_t *first,
			      uint32_t *last);
static void anchor_add(struct det_anchor_entry *ent, uint32_t *k, const struct det_rule *dr,
		       uint32_t rule, uint32_t first, uint32_t last);

static int part_build(struct detect_engine *e, struct det_part *p, uint64_t seed, char *err,
		      size_t errlen)
{
	p->nompm = calloc(p->n_rules, sizeof(uint32_t));
	struct pat_entry *ent = calloc(p->n_rules, sizeof(*ent));
	struct det_anchor_entry *aent = calloc(p->n_rules ? p->n_rules : 1, sizeof(*aent));
	uint16_t *bufs = calloc(p->n_rules, sizeof(*bufs));
	int rc = -1;
	if (!p->nompm || !ent || !aent || !bufs) {
		snprintf(err, errlen, "out of memory building the prefilter");
		goto out;
	}
	/* rule lists stay in engine order (they were appended in that order) */
	uint32_t nb = 0;
	for (uint32_t i = 0; i < p->n_rules; i++) {
		const struct det_rule *dr = &e->rules[p->all[i]];
		if (!(dr->flags & DR_F_HAS_MPM)) {
			/* rules waiting for app-layer / stream data cannot match a packet: keeping
			 * them out of the per-packet list saves checking them on every packet */
			if (!(dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY | DR_F_IPONLY)))
				p->nompm[p->n_nompm++] = p->all[i];
			continue;
		}
		uint16_t b = mpm_buffer_of(dr);
		uint32_t k;
		for (k = 0; k < nb && bufs[k] != b; k++)
			;
		if (k == nb)
			bufs[nb++] = b;
	}
	p->mpm = calloc(nb ? nb : 1, sizeof(*p->mpm));
	if (!p->mpm) {
		snprintf(err, errlen, "out of memory building the prefilter");
		goto out;
	}
	for (uint32_t k = 0; k < nb; k++) {
		/* packet payload: one database per signature group instead (group_build_payload) */
		if (bufs[k] == RULES_BUF_PAYLOAD)
			continue;
		/* a sticky buffer's patterns near its start go to the mpm's anchor table (its
		 * inspection counts offsets from the buffer's start, as the lookup does) */
		bool sticky = bufs[k] != DET_BUF_PENDING_PAYLOAD;
		uint32_t n = 0, na = 0;
		for (uint32_t i = 0; i < p->n_rules; i++) {
			const struct det_rule *dr = &e->rules[p->all[i]];
			uint32_t first, last;
			if (!(dr->flags & DR_F_HAS_MPM) || mpm_buffer_of(dr) != bufs[k])
				continue;
			if (sticky && fp_anchor_offsets(dr, GP_STREAM, &first, &last)) {
				anchor_add(aent, &na, dr, p->all[i], first, last);
				continue;
			}
			det_fast_pattern_bytes(dr, &ent[n].pat, &ent[n].len, &ent[n].nocase);
			ent[n].rule = p->all[i];
			n++;
		}
		struct det_mpm *mpm = &p->mpm[p->n_mpm++];
		mpm->buffer = bufs[k];
		mpm->db = UINT32_MAX;
		if (na) {
			mpm->anchor = calloc(1, sizeof(*mpm->anchor));
			if (!mpm->anchor || det_anchor_build(mpm->anchor, aent, na) < 0) {
				snprintf(err, errlen, "out of memory building the prefilter");
				goto out;
			}
		}
		if (n && mpm_build_one(e, mpm, ent, n, seed, err, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	free(ent);
	free(aent);
	free(bufs);
	return rc;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Fast patterns near the start of the payload. A content anchored there (depth, offset+depth
 * or startswith, none of them variables, not relative), or any content of a rule whose dsize
 * bounds the payload, cannot be found past its window. Such patterns are mostly short binary
 * ones (ET's UDP rules: "|00 02|" at offset 0, "|00 01 00 00 00 00 00 00|" in the first 14
 * bytes of DNS), which slow a Hyperscan scan of the whole payload down the most (zero runs
 * are everywhere in binary protocols), and a scan call of their own costs a few hundred
 * cycles per packet. So a packet looks them up in the group's anchor table instead
 * (anchor.c): a pattern at one fixed offset (ET Open: 98% of them) is entered there; one that
 * may float in its window is compared at each offset it may start at, when it is short (under
 * four bytes) or may start at a few offsets only. Another floating one goes to the
 * whole-payload database: rare enough as a string that a match past its window (rejected by
 * the rule's inspection) costs little. The stream's inspection buffer (the direction's last
 * bytes, then the new ones: stream-inspect.c) is where a stream rule's offsets and depths
 * count from, so its anchored patterns are looked up at the start of that buffer the same
 * way (without dsize, which bounds packets only); so are a sticky buffer's (file.data "MZ" at
 * depth 2), in its part's table (part_build).
 */
#define DET_ANCHOR_FLOAT_MAX_LEN 3u

/* ... or, longer, when it may start at this many offsets at most */
#define DET_ANCHOR_FLOAT_MAX_SPAN 8u

/* The largest payload the rule's dsize allows; UINT32_MAX when unbounded. A packet rule's
 * payload is that short, so every content of it lies in that window. */
static uint32_t rule_dsize_max(const struct det_rule *dr)
{
	uint64_t max = UINT32_MAX;
	for (uint16_t i = 0; i < dr->n_pops; i++) {
		const struct rule_match *m = dr->pops[i].m;
		if (dr->pops[i].type != DET_POP_HEADER || !m || !m->kw ||
		    strcmp(m->kw->name, "dsize") != 0)
			continue;
		const struct rule_num *n = &m->u.num;
		uint64_t v = UINT32_MAX;
		if (n->op == RULE_NUM_EQ || n->op == RULE_NUM_LE)
			v = n->lo;
		else if (n->op == RULE_NUM_LT)
			v = n->lo ? n->lo - 1 : 0;
		else if (n->op == RULE_NUM_RANGE)
			v = n->hi ? n->hi - 1 : 0;
		if (v < max)
			max = v;
	}
	return (uint32_t)max;
}

/* The payload window [*start, end) content c must lie in, in a payload of at most dsize_max
 * bytes; end 0 when there is none within DET_ANCHOR_WINDOW_MAX. A window from a variable
 * position is the whole payload; so is one relative to an earlier match, but the first
 * content of a buffer is relative to the buffer's start (`content:"PK"; within:2;`). */
static uint32_t content_window(const struct rule_content *c, bool first_in_buffer,
			       uint32_t dsize_max, uint32_t *start)
{
	*start = 0;
	if (c->flags & RULE_CF_NEGATED)
		return 0;
	int64_t end = dsize_max;
	if (c->flags & RULE_CF_STARTSWITH) {
		end = c->len;
	} else if (c->flags & (RULE_CF_DISTANCE | RULE_CF_WITHIN)) {
		if (first_in_buffer && !(c->flags & (RULE_CF_OFFSET | RULE_CF_DEPTH)) &&
		    c->distance.var < 0 && c->within.var < 0) {
			int64_t dist = (c->flags & RULE_CF_DISTANCE) ? c->distance.value : 0;
			if (dist > 0 && dist < (int64_t)DET_ANCHOR_WINDOW_MAX)
				*start = (uint32_t)dist;
			/* within counts from where distance puts the start */
			if ((c->flags & RULE_CF_WITHIN) && c->within.value > 0 &&
			    dist + c->within.value < end)
				end = dist + c->within.value;
		}
	} else if (!(c->flags & RULE_CF_OFFSET) || (c->offset.var < 0 && c->offset.value >= 0)) {
		int64_t off = (c->flags & RULE_CF_OFFSET) ? c->offset.value : 0;
		if (off < (int64_t)DET_ANCHOR_WINDOW_MAX)
			*start = (uint32_t)off;
		/* depth counts from the offset */
		if ((c->flags & RULE_CF_DEPTH) && c->depth.var < 0 && c->depth.value > 0 &&
		    off + c->depth.value < end)
			end = off + c->depth.value;
	}
	return end <= (int64_t)DET_ANCHOR_WINDOW_MAX && end > 0 ? (uint32_t)end : 0;
}

/* The payload offsets [*first, *last] at which the anchor table looks the rule's fast pattern
 * up: a pattern at a fixed offset, a short one floating in its window, or a longer one that
 * may start at a few offsets only; false when it goes to a database instead. */
static bool fp_anchor_offsets(const struct det_rule *dr, int what, uint32_t *first,
			      uint32_t *last)
{
	const struct rule_group *g = &dr->r->groups[dr->fp_group];
	const struct rule_content *c = &g->m[dr->fp_match].u.content;
	/* a chop or a transform's dot prefix moves the pattern off the content's start */
	if ((c->flags & RULE_CF_FP_CHOP) || g->n_transforms || !c->len)
		return false;
	/* dsize bounds a packet's payload, not the stream's */
	uint32_t dsize_max = what == GP_STREAM ? UINT32_MAX : rule_dsize_max(dr);
	uint32_t start, end = content_window(c, dr->fp_match == 0, dsize_max, &start);
	if (!end || start + c->len > end)
		return false;
	uint32_t span = end - start - c->len;
	if (span > DET_ANCHOR_FLOAT_MAX_SPAN && c->len > DET_ANCHOR_FLOAT_MAX_LEN)
		return false;
	*first = start;
	*last = start + span;
	return true;
}

/* Does the rule's fast pattern belong in a group payload database of kind `what`? */
static bool group_payload_wants(const struct det_rule *dr, int what)
{
	if (!(dr->flags & DR_F_HAS_MPM))
		return false;
	uint16_t b = mpm_buffer_of(dr);
	switch (what) {
	case GP_PKTONLY:
		return b == RULES_BUF_PAYLOAD &&
		       (!det_rule_stream_inspected(dr) || (dr->flags & DR_F_STREAM_PKT));
	case GP_STREAM:
		return b == DET_BUF_PENDING_PAYLOAD ||
		       (b == RULES_BUF_PAYLOAD && det_rule_stream_inspected(dr));
	default:
		return b == RULES_BUF_PAYLOAD;
	}
}

/* The packet payload (and stream) prefilters of a group: the payload fast patterns of its
 * parts' rules that can match packets (the stream) now. Shared (cfg.mpm_full /
 * mpm_full_stream false, sgh-mpm-context single), in two databases: the any-port parts (both
 * directions and the group's direction: the same database for every port group of a
 * transport and direction, as the key is the pattern set) and the port parts; a scan costs
 * two passes over the data. Per group (true), one database with the any-port patterns
 * compiled into every group's: one pass, for more compile time and memory. The default
 * (auto) is per group for the packet payload, shared for the stream; see config.c.
 * pktonly: one database of all the parts' rules the stream does not inspect (anyport unused). */
static int group_build_payload(struct detect_engine *e, struct det_group *g, uint64_t seed,
			       bool anyport, int what, char *err, size_t errlen)
{
	bool pktonly = what == GP_PKTONLY;
	bool full = what == GP_STREAM ? e->cfg.mpm_full_stream : e->cfg.mpm_full;
	uint32_t n = 0;
	for (uint8_t i = 0; i < g->n_parts; i++)
		n += e->parts[g->parts[i]].n_rules;
	struct pat_entry *ent = calloc(n ? n : 1, sizeof(*ent));
	if (!ent) {
		snprintf(err, errlen, "out of memory building the prefilter");
		return -1;
	}
	/* the patterns near the buffer's start are in the anchor tables (group_build_anchor) */
	uint32_t k = 0;
	for (uint8_t i = 0; i < g->n_parts; i++) {
		const struct det_part *p = &e->parts[g->parts[i]];
		if (!pktonly && !full && ((g->parts[i] % DET_NPG) == DET_PG_ANY) != anyport)
			continue;
		for (uint32_t j = 0; j < p->n_rules; j++) {
			const struct det_rule *dr = &e->rules[p->all[j]];
			uint32_t first, last;
			if (!group_payload_wants(dr, what) || fp_anchor_offsets(dr, what, &first, &last))
				continue;
			det_fast_pattern_bytes(dr, &ent[k].pat, &ent[k].len, &ent[k].nocase);
			ent[k].rule = p->all[j];
			k++;
		}
	}
	int rc = 0;
	if (k) {
		uint32_t *np = pktonly ? &g->n_payload_pkt :
			       what == GP_STREAM ? &g->n_stream : &g->n_payload;
		struct det_mpm *m = pktonly ? &g->payload_pkt[*np] :
			what == GP_STREAM ? &g->stream[*np] : &g->payload[*np];
		m->buffer = RULES_BUF_PAYLOAD;
		rc = mpm_build_one(e, m, ent, k, seed, err, errlen);
		if (rc == 0)
			(*np)++;
	}
	free(ent);
	return rc;
}

/* Enter the rule's fast pattern at [first, last] into ent[*k]. */
static void anchor_add(struct det_anchor_entry *ent, uint32_t *k, const struct det_rule *dr,
		       uint32_t rule, uint32_t first, uint32_t last)
{
	struct det_anchor_entry *a = &ent[(*k)++];
	det_fast_pattern_bytes(dr, &a->pat, &a->len, &a->nocase);
	a->off = (uint16_t)first;
	a->last = (uint16_t)last;
	a->rule = rule;
}

/* The group's payload patterns near the start of kind `what`, all parts together: one table a
 * packet (or, GP_STREAM, a stream inspection buffer) probes instead of scans (see above). */
static int group_build_anchor(struct detect_engine *e, struct det_group *g, int what,
			      struct det_anchor *a)
{
	uint32_t n = 0;
	for (uint8_t i = 0; i < g->n_parts; i++)
		n += e->parts[g->parts[i]].n_rules;
	struct det_anchor_entry *ent = calloc(n ? n : 1, sizeof(*ent));
	if (!ent)
		return -1;
	uint32_t k = 0;
	for (uint8_t i = 0; i < g->n_parts; i++) {
		const struct det_part *p = &e->parts[g->parts[i]];
		for (uint32_t j = 0; j < p->n_rules; j++) {
			const struct det_rule *dr = &e->rules[p->all[j]];
			uint32_t first, last;
			if (!group_payload_wants(dr, what) ||
			    !fp_anchor_offsets(dr, what, &first, &last))
				continue;
			anchor_add(ent, &k, dr, p->all[j], first, last);
		}
	}
	int rc = det_anchor_build(a, ent, k);
	free(ent);
	return rc;
}

static int group_merge_nompm(struct detect_engine *e, struct det_group *g)
{
	uint32_t n = 0;
	for (uint8_t i = 0; i < g->n_parts; i++)
		n += e->parts[g->parts[i]].n_nompm;
	g->nompm = calloc(n ? n : 1, sizeof(uint32_t));
	if (!g->nompm)
		return -1;
	for (uint8_t i = 0; i < g->n_parts; i++) {
		const struct det_part *p = &e->parts[g->parts[i]];
		memcpy(g->nompm + g->n_nompm, p->nompm, p->n_nompm * sizeof(uint32_t));
		g->n_nompm += p->n_nompm;
	}
	qsort(g->nompm, g->n_nompm, sizeof(uint32_t), cmp_u32);
	return 0;
}

int det_mpm_build(struct detect_engine *e, char *err, size_t errlen)
{
	uint64_t seed = db_seed();
	if (det_addr_index_build(e) < 0) {
		snprintf(err, errlen, "out of memory building the address index");
		return -1;
	}
	for (uint32_t i = 0; i < e->n_rules; i++) {
		if (e->rules[i].flags & DR_F_HAS_MPM)
			continue;
		e->stats.rules_no_mpm++;
		if (det_rule_prefilter_build(&e->rules[i]) < 0) {
			snprintf(err, errlen, "out of memory building the prefilter");
			return -1;
		}
	}
	for (uint32_t i = 0; i < DET_NPARTS; i++) {
		struct det_part *p = &e->parts[i];
		if (p->used && part_build(e, p, seed, err, errlen) < 0)
			return -1;
	}
	for (uint32_t gi = 0; gi < e->n_groups; gi++) {
		if (group_merge_nompm(e, &e->groups[gi]) < 0) {
			snprintf(err, errlen, "out of memory building the prefilter");
			return -1;
		}
		struct det_group *g = &e->groups[gi];
		/* per-group databases: the any-port call takes every part, no port call is made */
		if (group_build_payload(e, g, seed, true, GP_PAYLOAD, err, errlen) < 0 ||
		    (!e->cfg.mpm_full &&
		     group_build_payload(e, g, seed, false, GP_PAYLOAD, err, errlen) < 0))
			return -1;
		if (group_build_anchor(e, g, GP_PAYLOAD, &g->anchor) < 0) {
			snprintf(err, errlen, "out of memory building the prefilter");
			return -1;
		}
		g->has_payload_pkt = g->n_parts && g->parts[0] / (DET_DIR_MAX * DET_NPG) == DET_TC_TCP;
		if (!g->has_payload_pkt)
			continue;
		/* one database for all the group's packet-only patterns: they are few, so
		 * compiling them per group costs little and saves a scan per packet */
		if (group_build_anchor(e, g, GP_PKTONLY, &g->anchor_pkt) < 0 ||
		    group_build_anchor(e, g, GP_STREAM, &g->anchor_stream) < 0) {
			snprintf(err, errlen, "out of memory building the prefilter");
			return -1;
		}
		if (group_build_payload(e, g, seed, true, GP_PKTONLY, err, errlen) < 0 ||
		    group_build_payload(e, g, seed, true, GP_STREAM, err, errlen) < 0 ||
		    (!e->cfg.mpm_full_stream &&
		     group_build_payload(e, g, seed, false, GP_STREAM, err, errlen) < 0))
			return -1;
	}
	if (dbs_compile(e, err, errlen) < 0)
		return -1;
	for (uint32_t gi = 0; gi < e->n_groups; gi++) {
		const struct det_anchor *t[] = { &e->groups[gi].anchor, &e->groups[gi].anchor_pkt,
						 &e->groups[gi].anchor_stream };
		for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++)
			e->stats.anchor_patterns += t[k]->n_pats + t[k]->n_floats;
	}
	for (uint32_t i = 0; i < DET_NPARTS; i++)
		for (uint16_t k = 0; e->parts[i].used && k < e->parts[i].n_mpm; k++)
			if (e->parts[i].mpm[k].anchor)
				e->stats.anchor_patterns += e->parts[i].mpm[k].anchor->n_pats +
							    e->parts[i].mpm[k].anchor->n_floats;
	e->stats.mpm_databases = e->n_dbs;
	for (uint32_t i = 0; i < e->n_dbs; i++) {
		if (hs_alloc_scratch(e->dbs[i].db, &e->scratch) != HS_SUCCESS) {
			snprintf(err, errlen, "out of memory allocating Hyperscan scratch space");
			return -1;
		}
	}
	return 0;
}

void det_mpm_free(struct detect_engine *e)
{
	for (uint32_t gi = 0; gi < e->n_groups; gi++) {
		struct det_group *g = &e->groups[gi];
		free(g->nompm);
		g->nompm = NULL;
		for (uint32_t k = 0; k < g->n_payload; k++) {
			free(g->payload[k].pat_off);
			free(g->payload[k].pat_rules);
		}
		g->n_payload = 0;
		det_anchor_free(&g->anchor);
		det_anchor_free(&g->anchor_pkt);
		det_anchor_free(&g->anchor_stream);
		for (uint32_t k = 0; k < g->n_payload_pkt; k++) {
			free(g->payload_pkt[k].pat_off);
			free(g->payload_pkt[k].pat_rules);
		}
		g->n_payload_pkt = 0;
		for (uint32_t k = 0; k < g->n_stream; k++) {
			free(g->stream[k].pat_off);
			free(g->stream[k].pat_rules);
		}
		g->n_stream = 0;
	}
	if (e->parts) {
		for (uint32_t i = 0; i < DET_NPARTS; i++) {
			struct det_part *p = &e->parts[i];
			for (uint16_t k = 0; k < p->n_mpm; k++) {
				free(p->mpm[k].pat_off);
				free(p->mpm[k].pat_rules);
				det_anchor_free(p->mpm[k].anchor);
				free(p->mpm[k].anchor);
			}
			free(p->mpm);
			free(p->nompm);
			free(p->all);
		}
		free(e->parts);
		e->parts = NULL;
	}
	det_addr_index_free(e);
	for (uint32_t i = 0; i < e->n_dbs; i++) {
		if (e->dbs[i].db)
			hs_free_database(e->dbs[i].db);
		free(e->dbs[i].build_pats);
	}
	free(e->dbs);
	e->dbs = NULL;
	e->n_dbs = 0;
	if (e->scratch)
		hs_free_scratch(e->scratch);
	e->scratch = NULL;
}
