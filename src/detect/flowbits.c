/*
 * flowbits.c — per-flow and per-host rule variables: flowbits, flowint, xbits and hostbits.
 *
 * Names are interned to small ids while the engine is built, so the packet path only handles
 * integers. Per-flow state hangs on flow->detect (allocated on the first write, freed by
 * detect_flow_free as the flow ends). Host bits live in a per-worker table keyed by one address
 * (track ip_src / ip_dst, hostbits) or by an unordered address pair (track ip_pair), with a cap
 * on entries: when full, the least recently used entry goes (counted as "expired" when none of
 * its bits was still alive, else as "evicted"). The engine keeps one host table for all workers
 * (a host's flows may go to different workers in autofp), behind a mutex; flow state needs none.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"
#include "detect/detect-state.h"

/* ---- name interning ----------------------------------------------------------------------- */

void detect_vars_names_init(struct detect_vars_names *vn)
{
	memset(vn, 0, sizeof(*vn));
}

void detect_vars_names_free(struct detect_vars_names *vn)
{
	for (uint32_t i = 0; i < vn->n; i++)
		free(vn->names[i]);
	free(vn->names);
	free(vn->slots);
	for (uint32_t i = 0; i < vn->n_groups; i++) {
		free(vn->groups[i]->ids);
		free(vn->groups[i]);
	}
	free(vn->groups);
	memset(vn, 0, sizeof(*vn));
}

static uint32_t name_hash(const char *s)
{
	return util_hash32(s, strlen(s), 0x5bd1e995u);
}

int detect_vars_find(const struct detect_vars_names *vn, const char *name)
{
	if (!vn->n_slots)
		return -1;
	uint32_t mask = vn->n_slots - 1;
	for (uint32_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
		uint32_t s = vn->slots[i];
		if (!s)
			return -1;
		if (strcmp(vn->names[s - 1], name) == 0)
			return (int)(s - 1);
	}
}

/* Keep the open-addressing table at most half full. */
static int names_rehash(struct detect_vars_names *vn, uint32_t n_slots)
{
	uint32_t *slots = calloc(n_slots, sizeof(*slots));
	if (!slots)
		return -1;
	for (uint32_t id = 0; id < vn->n; id++) {
		uint32_t i = name_hash(vn->names[id]) & (n_slots - 1);
		while (slots[i])
			i = (i + 1) & (n_slots - 1);
		slots[i] = id + 1;
	}
	free(vn->slots);
	vn->slots = slots;
	vn->n_slots = n_slots;
	return 0;
}

int detect_vars_intern(struct detect_vars_names *vn, const char *name)
{
	int id = detect_vars_find(vn, name);
	if (id >= 0)
		return id;
	if (vn->n >= DETECT_VARS_MAX)
		return -1;
	if ((vn->n + 1) * 2 > vn->n_slots &&
	    names_rehash(vn, vn->n_slots ? vn->n_slots * 2 : 64) < 0)
		return -1;
	if (vn->n == vn->cap) {
		uint32_t cap = vn->cap ? vn->cap * 2 : 16;
		char **names = realloc(vn->names, cap * sizeof(*names));
		if (!names)
			return -1;
		vn->names = names;
		vn->cap = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return -1;
	vn->names[vn->n] = copy;
	uint32_t i = name_hash(name) & (vn->n_slots - 1);
	while (vn->slots[i])
		i = (i + 1) & (vn->n_slots - 1);
	vn->slots[i] = vn->n + 1;
	return (int)vn->n++;
}

const char *detect_vars_name(const struct detect_vars_names *vn, uint32_t id)
{
	return id < vn->n ? vn->names[id] : NULL;
}

/* The flowbits group called `name` (the rule set's arena keeps the string), created when new. */
static struct detect_bits_group *bits_group_get(struct detect_vars_names *vn, const char *name)
{
	for (uint32_t i = 0; i < vn->n_groups; i++)
		if (strcmp(vn->groups[i]->name, name) == 0)
			return vn->groups[i];
	if (vn->n_groups >= DETECT_VARS_MAX)
		return NULL;
	struct detect_bits_group **gs = realloc(vn->groups, (vn->n_groups + 1) * sizeof(*gs));
	if (!gs)
		return NULL;
	vn->groups = gs;
	struct detect_bits_group *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->name = name;
	gs[vn->n_groups++] = g;
	return g;
}

static int bits_group_add(struct detect_bits_group *g, uint32_t id)
{
	for (uint32_t i = 0; i < g->n; i++)
		if (g->ids[i] == id)
			return 0;
	if (g->n == g->cap) {
		uint32_t cap = g->cap ? g->cap * 2 : 8;
		uint32_t *ids = realloc(g->ids, cap * sizeof(*ids));
		if (!ids)
			return -1;
		g->ids = ids;
		g->cap = cap;
	}
	g->ids[g->n++] = id;
	return 0;
}

/* ---- per-flow state ----------------------------------------------------------------------- */

struct flowint_slot {
	uint32_t id;
	uint32_t value;
};

/* flow->detect: a bitmap of flowbits and a small array of set flowints (sorted by nothing;
 * rules use a handful per flow, so a linear search beats anything fancier). */
/* A flow variable a pcre captured (at most DET_FLOWVARS_MAX per flow, values bounded). */
#define DET_FLOWVARS_MAX 32
struct flowvar_slot {
	uint32_t id;
	uint16_t len;
	uint8_t *val;
};

struct detect_flow_vars {
	uint64_t *bits;
	uint32_t n_words;
	uint32_t n_ints, cap_ints;
	struct flowint_slot *ints;
	uint32_t n_fvars;
	struct flowvar_slot *fvars; /* DET_FLOWVARS_MAX slots once the first is stored */
	void *stream; /* stream-inspect.c's window (one allocation, freed here) */
	struct det_pkt_hits *pkt_hits; /* [2]: det_stream_pkt_hit_note */
};

void detect_flow_free(struct flow *f)
{
	struct detect_flow_vars *v = f ? f->detect : NULL;
	if (!v)
		return;
	free(v->bits);
	free(v->ints);
	for (uint32_t i = 0; i < v->n_fvars; i++)
		free(v->fvars[i].val);
	free(v->fvars);
	free(v->stream);
	free(v->pkt_hits);
	free(v);
	f->detect = NULL;
}

static struct detect_flow_vars *flow_vars_get(struct flow *f)
{
	if (!f->detect)
		f->detect = calloc(1, sizeof(struct detect_flow_vars));
	return f->detect;
}

void **det_flow_stream_slot(struct flow *f)
{
	struct detect_flow_vars *v = f ? flow_vars_get(f) : NULL;
	return v ? &v->stream : NULL;
}

/* A few per direction: more than fit, and the packet may alert for one of them as well. */
#define DET_STREAM_PKT_HITS 15

struct det_pkt_hits {
	uint8_t n;
	uint32_t idx[DET_STREAM_PKT_HITS];
};

void det_stream_pkt_hit_note(struct detect_thread *t, struct flow *f, uint8_t dir, uint32_t idx)
{
	struct detect_flow_vars *v = f && dir <= FLOW_DIR_TO_CLIENT ? flow_vars_get(f) : NULL;
	if (!v || (!v->pkt_hits && !(v->pkt_hits = calloc(2, sizeof(*v->pkt_hits)))))
		return;
	struct det_pkt_hits *h = &v->pkt_hits[dir];
	for (uint8_t i = 0; i < h->n; i++)
		if (h->idx[i] == idx)
			return;
	if (h->n == DET_STREAM_PKT_HITS)
		return;
	h->idx[h->n++] = idx;
	t->stream_pkt_hits++;
}

bool det_stream_pkt_hit(const struct flow *f, uint8_t dir, uint32_t idx)
{
	const struct detect_flow_vars *v = f ? f->detect : NULL;
	if (!v || !v->pkt_hits || dir > FLOW_DIR_TO_CLIENT)
		return false;
	const struct det_pkt_hits *h = &v->pkt_hits[dir];
	for (uint8_t i = 0; i < h->n; i++)
		if (h->idx[i] == idx)
			return true;
	return false;
}

void det_stream_pkt_hits_clear(struct detect_thread *t, const struct flow *f, uint8_t dir)
{
	struct detect_flow_vars *v = f ? f->detect : NULL;
	if (!v || !v->pkt_hits || dir > FLOW_DIR_TO_CLIENT || !v->pkt_hits[dir].n)
		return;
	uint8_t n = v->pkt_hits[dir].n;
	t->stream_pkt_hits -= n < t->stream_pkt_hits ? n : t->stream_pkt_hits;
	v->pkt_hits[dir].n = 0;
}

bool detect_flowbit_is_set(const struct flow *f, uint32_t id)
{
	const struct detect_flow_vars *v = f ? f->detect : NULL;
	if (!v || id / 64 >= v->n_words)
		return false;
	return (v->bits[id / 64] >> (id % 64)) & 1;
}

static int flowbit_write(struct flow *f, uint32_t id, int how /* 1 set, 0 unset, 2 toggle */)
{
	if (how == 0 && !detect_flowbit_is_set(f, id))
		return 0; /* nothing to clear: do not allocate */
	struct detect_flow_vars *v = flow_vars_get(f);
	if (!v)
		return -1;
	if (id / 64 >= v->n_words) {
		uint32_t nw = id / 64 + 1;
		uint64_t *bits = realloc(v->bits, nw * sizeof(*bits));
		if (!bits)
			return -1;
		memset(bits + v->n_words, 0, (nw - v->n_words) * sizeof(*bits));
		v->bits = bits;
		v->n_words = nw;
	}
	uint64_t bit = 1ull << (id % 64);
	if (how == 1)
		v->bits[id / 64] |= bit;
	else if (how == 0)
		v->bits[id / 64] &= ~bit;
	else
		v->bits[id / 64] ^= bit;
	return 0;
}

static struct flowint_slot *flowint_find(const struct flow *f, uint32_t id)
{
	struct detect_flow_vars *v = f ? f->detect : NULL;
	if (!v)
		return NULL;
	for (uint32_t i = 0; i < v->n_ints; i++)
		if (v->ints[i].id == id)
			return &v->ints[i];
	return NULL;
}

bool detect_flowint_get(const struct flow *f, uint32_t id, uint32_t *value)
{
	const struct flowint_slot *s = flowint_find(f, id);
	if (s && value)
		*value = s->value;
	return s != NULL;
}

static int flowint_store(struct flow *f, uint32_t id, uint32_t value)
{
	struct flowint_slot *s = flowint_find(f, id);
	if (s) {
		s->value = value;
		return 0;
	}
	struct detect_flow_vars *v = flow_vars_get(f);
	if (!v)
		return -1;
	if (v->n_ints == v->cap_ints) {
		uint32_t cap = v->cap_ints ? v->cap_ints * 2 : 4;
		struct flowint_slot *ints = realloc(v->ints, cap * sizeof(*ints));
		if (!ints)
			return -1;
		v->ints = ints;
		v->cap_ints = cap;
	}
	v->ints[v->n_ints++] = (struct flowint_slot){ .id = id, .value = value };
	return 0;
}

static int flowvar_store(struct flow *f, uint32_t id, const uint8_t *val, uint16_t len)
{
	struct detect_flow_vars *v = flow_vars_get(f);
	if (!v)
		return -1;
	struct flowvar_slot *s = NULL;
	for (uint32_t i = 0; i < v->n_fvars && !s; i++)
		if (v->fvars[i].id == id)
			s = &v->fvars[i];
	if (!s) {
		if (v->n_fvars == DET_FLOWVARS_MAX)
			return -1; /* bounded: later names are not kept */
		if (!v->fvars && !(v->fvars = calloc(DET_FLOWVARS_MAX, sizeof(*v->fvars))))
			return -1;
		s = &v->fvars[v->n_fvars++];
		s->id = id;
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return -1;
	memcpy(copy, val, len);
	free(s->val);
	s->val = copy;
	s->len = len;
	return 0;
}

void det_captures_commit(struct detect_thread *t, struct flow *f)
{
	for (uint8_t i = 0; f && i < t->n_cap; i++)
		(void)flowvar_store(f, t->cap[i].var, t->cap[i].val, t->cap[i].len);
	t->n_cap = 0;
}

size_t detect_flow_vars_list(const struct detect_engine *e, const struct flow *f,
			     struct detect_var *out, size_t max)
{
	const struct detect_flow_vars *v = f ? f->detect : NULL;
	size_t n = 0;
	if (!v || !e)
		return 0;
	for (uint32_t w = 0; w < v->n_words; w++)
		for (uint64_t bits = v->bits[w]; bits && n < max; bits &= bits - 1) {
			uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(bits);
			const char *name = detect_vars_name(&e->vars, id);
			if (name)
				out[n++] = (struct detect_var){ .kind = DETECT_VAR_FLOWBIT,
								.name = name };
		}
	for (uint32_t i = 0; i < v->n_fvars && n < max; i++) {
		const char *name = detect_vars_name(&e->vars, v->fvars[i].id);
		if (name)
			out[n++] = (struct detect_var){ .kind = DETECT_VAR_FLOWVAR, .name = name,
							.val = v->fvars[i].val,
							.len = v->fvars[i].len };
	}
	for (uint32_t i = 0; i < v->n_ints && n < max; i++) {
		const char *name = detect_vars_name(&e->vars, v->ints[i].id);
		if (name)
			out[n++] = (struct detect_var){ .kind = DETECT_VAR_FLOWINT, .name = name,
							.ival = v->ints[i].value };
	}
	return n;
}

/* ---- host table --------------------------------------------------------------------------- */

struct host_bit {
	uint32_t id;
	uint64_t expire_usec; /* 0 = never */
};

struct host_entry {
	struct host_entry *hnext;
	struct host_entry *lru_prev, *lru_next; /* lru_next towards older */
	uint32_t hash;
	bool pair;
	struct ip_addr a, b; /* pair: a <= b; single host: b is zero */
	uint32_t n_bits, cap_bits;
	struct host_bit *bits;
};

struct detect_hosts {
	pthread_mutex_t lock; /* held by detect_bits_check / detect_bits_apply for host bits */
	struct host_entry **buckets;
	uint32_t n_buckets;
	uint32_t count, max;
	struct host_entry *lru_head, *lru_tail;
	uint64_t evicted, expired, alloc_failed;
};

struct detect_hosts *detect_hosts_new(uint32_t max_entries)
{
	if (max_entries == 0)
		max_entries = 1;
	struct detect_hosts *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	uint32_t nb = 64;
	while (nb < max_entries && nb < (1u << 22))
		nb <<= 1;
	h->buckets = calloc(nb, sizeof(*h->buckets));
	if (!h->buckets) {
		free(h);
		return NULL;
	}
	h->n_buckets = nb;
	h->max = max_entries;
	if (pthread_mutex_init(&h->lock, NULL) != 0) {
		free(h->buckets);
		free(h);
		return NULL;
	}
	return h;
}

static void host_entry_free(struct host_entry *e)
{
	free(e->bits);
	free(e);
}

void detect_hosts_free(struct detect_hosts *h)
{
	if (!h)
		return;
	struct host_entry *e = h->lru_head;
	while (e) {
		struct host_entry *next = e->lru_next;
		host_entry_free(e);
		e = next;
	}
	pthread_mutex_destroy(&h->lock);
	free(h->buckets);
	free(h);
}

void detect_hosts_get_stats(const struct detect_hosts *h, struct detect_hosts_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!h)
		return;
	out->entries = h->count;
	out->max_entries = h->max;
	out->evicted = h->evicted;
	out->expired = h->expired;
	out->alloc_failed = h->alloc_failed;
}

static void lru_unlink(struct detect_hosts *h, struct host_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		h->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		h->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void lru_push_head(struct detect_hosts *h, struct host_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = h->lru_head;
	if (h->lru_head)
		h->lru_head->lru_prev = e;
	h->lru_head = e;
	if (!h->lru_tail)
		h->lru_tail = e;
}

static void host_remove(struct detect_hosts *h, struct host_entry *e)
{
	struct host_entry **pp = &h->buckets[e->hash & (h->n_buckets - 1)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(h, e);
	h->count--;
	host_entry_free(e);
}

static bool host_bit_alive(const struct host_bit *b, uint64_t now)
{
	return b->expire_usec == 0 || now < b->expire_usec;
}

/* A copy with only family and address bytes, so padding never makes two keys differ. */
static void addr_clean(struct ip_addr *out, const struct ip_addr *in)
{
	memset(out, 0, sizeof(*out));
	out->family = in->family;
	memcpy(out->b, in->b, sizeof(out->b));
}

/* Build the key of a packet for a track mode; false when the packet has no IP layer. */
static bool host_key(const struct packet *p, uint8_t track, bool *pair, struct ip_addr *a,
		     struct ip_addr *b)
{
	if (!p->ip_version)
		return false;
	memset(b, 0, sizeof(*b));
	*pair = false;
	switch (track) {
	case RULE_TRACK_SRC:
		addr_clean(a, &p->src);
		return true;
	case RULE_TRACK_DST:
		addr_clean(a, &p->dst);
		return true;
	case RULE_TRACK_PAIR:
		/* unordered: both directions between two hosts share the pair's bits */
		*pair = true;
		bool fwd = ip_addr_cmp(&p->src, &p->dst) <= 0;
		addr_clean(a, fwd ? &p->src : &p->dst);
		addr_clean(b, fwd ? &p->dst : &p->src);
		return true;
	default:
		return false;
	}
}

static uint32_t host_hash(bool pair, const struct ip_addr *a, const struct ip_addr *b)
{
	uint32_t h = util_hash32(a, sizeof(*a), pair ? 0x9e37u : 0x7f4au);
	return pair ? util_hash_mix(h, util_hash32(b, sizeof(*b), 0x1234u)) : h;
}

static struct host_entry *host_lookup(struct detect_hosts *h, const struct packet *p,
				      uint8_t track, bool create)
{
	bool pair;
	struct ip_addr a, b;
	if (!h || !host_key(p, track, &pair, &a, &b))
		return NULL;
	uint32_t hash = host_hash(pair, &a, &b);
	struct host_entry **bucket = &h->buckets[hash & (h->n_buckets - 1)];
	for (struct host_entry *e = *bucket; e; e = e->hnext) {
		if (e->hash == hash && e->pair == pair && memcmp(&e->a, &a, sizeof(a)) == 0 &&
		    memcmp(&e->b, &b, sizeof(b)) == 0) {
			if (create && h->lru_head != e) {
				lru_unlink(h, e);
				lru_push_head(h, e);
			}
			return e;
		}
	}
	if (!create)
		return NULL;
	if (h->count >= h->max) {
		/* full: drop the least recently written entry */
		struct host_entry *old = h->lru_tail;
		bool alive = false;
		for (uint32_t i = 0; i < old->n_bits; i++)
			alive |= host_bit_alive(&old->bits[i], p->ts_usec);
		if (alive)
			h->evicted++;
		else
			h->expired++;
		host_remove(h, old);
	}
	struct host_entry *e = calloc(1, sizeof(*e));
	if (!e) {
		h->alloc_failed++;
		return NULL;
	}
	e->hash = hash;
	e->pair = pair;
	e->a = a;
	e->b = b;
	e->hnext = *bucket;
	*bucket = e;
	lru_push_head(h, e);
	h->count++;
	return e;
}

static struct host_bit *host_bit_find(struct host_entry *e, uint32_t id)
{
	for (uint32_t i = 0; i < e->n_bits; i++)
		if (e->bits[i].id == id)
			return &e->bits[i];
	return NULL;
}

static bool hostbit_is_set(struct detect_hosts *h, const struct packet *p, uint8_t track,
			   uint32_t id)
{
	struct host_entry *e = host_lookup(h, p, track, false);
	if (!e)
		return false;
	struct host_bit *b = host_bit_find(e, id);
	return b && host_bit_alive(b, p->ts_usec);
}

static int hostbit_write(struct detect_hosts *h, const struct packet *p, uint8_t track,
			 uint32_t id, int how, uint32_t expire_s)
{
	if (!h)
		return -1;
	struct host_entry *e = host_lookup(h, p, track, how != 0);
	if (!e)
		return how == 0 ? 0 : -1;
	struct host_bit *b = host_bit_find(e, id);
	if (b && !host_bit_alive(b, p->ts_usec)) {
		/* an expired bit is an unset one */
		*b = e->bits[--e->n_bits];
		b = NULL;
	}
	if (how == 2)
		how = b ? 0 : 1;
	uint64_t expire = expire_s ? p->ts_usec + (uint64_t)expire_s * USEC_PER_SEC : 0;
	if (how == 1) {
		if (b) {
			b->expire_usec = expire; /* setting again renews the expiry */
			return 0;
		}
		if (e->n_bits == e->cap_bits) {
			uint32_t cap = e->cap_bits ? e->cap_bits * 2 : 4;
			struct host_bit *bits = realloc(e->bits, cap * sizeof(*bits));
			if (!bits) {
				h->alloc_failed++;
				return -1;
			}
			e->bits = bits;
			e->cap_bits = cap;
		}
		e->bits[e->n_bits++] = (struct host_bit){ .id = id, .expire_usec = expire };
		return 0;
	}
	if (b)
		*b = e->bits[--e->n_bits];
	if (e->n_bits == 0)
		host_remove(h, e); /* an entry without bits is not worth its memory */
	return 0;
}

/* ---- flowbits / xbits / hostbits ---------------------------------------------------------- */

int detect_bits_compile(struct detect_vars_names *vn, const struct rule_match *m,
			struct detect_bits_op *out)
{
	if (!m->kw || (strcmp(m->kw->name, "flowbits") != 0 && strcmp(m->kw->name, "xbits") != 0 &&
		       strcmp(m->kw->name, "hostbits") != 0))
		return -2;
	const struct rule_bits *b = &m->u.bits;
	memset(out, 0, sizeof(*out));
	out->cmd = b->cmd;
	/* flowbits are always per flow; hostbits without a direction default to the source, and
	 * hostbits' "both" means each of the two hosts (xbits' ip_pair is the pair) */
	if (strcmp(m->kw->name, "flowbits") == 0)
		out->track = RULE_TRACK_FLOW;
	else if (b->track == RULE_TRACK_FLOW)
		out->track = RULE_TRACK_SRC;
	else if (b->track == RULE_TRACK_PAIR && strcmp(m->kw->name, "hostbits") == 0)
		out->track = DETECT_BITS_TRACK_BOTH_HOSTS;
	else
		out->track = b->track;
	out->and_group = b->and_group;
	/* host bits always expire: Suricata's default is 30 s when the rule gives none */
	out->expire = out->track == RULE_TRACK_FLOW ? 0 : b->expire ? b->expire
								   : DETECT_HOSTBITS_EXPIRE_DEFAULT;
	if (b->n > DETECT_BITS_MAX_NAMES)
		return -2;
	out->n = b->n;
	struct detect_bits_group *g = NULL;
	if (b->group) {
		g = bits_group_get(vn, b->group);
		if (!g)
			return -1;
		out->group = g;
		out->group_sel = b->group_sel;
	}
	for (uint16_t i = 0; i < b->n; i++) {
		int id = detect_vars_intern(vn, b->names[i]);
		if (id < 0 || (g && bits_group_add(g, (uint32_t)id) < 0))
			return -1;
		out->ids[i] = (uint32_t)id;
	}
	return 0;
}

bool detect_bits_is_condition(const struct detect_bits_op *op)
{
	return op->cmd == RULE_BITS_ISSET || op->cmd == RULE_BITS_ISNOTSET ||
	       op->cmd == RULE_BITS_NOALERT;
}

static bool bit_is_set(const struct detect_bits_op *op, const struct packet *p,
		       struct detect_hosts *hosts, uint32_t id)
{
	if (op->track == RULE_TRACK_FLOW)
		return detect_flowbit_is_set(p->flow, id);
	if (op->track == DETECT_BITS_TRACK_BOTH_HOSTS)
		return hostbit_is_set(hosts, p, RULE_TRACK_SRC, id) ||
		       hostbit_is_set(hosts, p, RULE_TRACK_DST, id);
	return hostbit_is_set(hosts, p, op->track, id);
}

/*
 * Groups as Suricata evaluates them: isset a|b = any set, isset a&b = all set; isnotset a|b =
 * any not set, isnotset a&b = none set. A flowbits condition never matches a packet without a
 * flow.
 */
bool detect_bits_check(const struct detect_bits_op *op, const struct packet *p,
		       struct detect_hosts *hosts)
{
	if (op->cmd == RULE_BITS_NOALERT)
		return true;
	if (op->cmd != RULE_BITS_ISSET && op->cmd != RULE_BITS_ISNOTSET)
		return true; /* actions are not conditions */
	if (op->track == RULE_TRACK_FLOW && !p->flow)
		return false;
	bool want_set = op->cmd == RULE_BITS_ISSET;
	bool host = op->track != RULE_TRACK_FLOW && hosts;
	/* "any"/"all" of a flowbits group: its members; a group without members never matches */
	const uint32_t *ids = op->ids;
	uint32_t n = op->n;
	bool all = op->and_group;
	if (op->group_sel != RULE_BITS_NAMED) {
		ids = op->group->ids;
		n = op->group->n;
		all = op->group_sel == RULE_BITS_GROUP_ALL;
		if (!n)
			return false;
	}
	uint32_t hits = 0;
	if (host)
		pthread_mutex_lock(&hosts->lock);
	for (uint32_t i = 0; i < n; i++)
		if (bit_is_set(op, p, hosts, ids[i]) == want_set)
			hits++;
	if (host)
		pthread_mutex_unlock(&hosts->lock);
	return all ? hits == n : hits > 0;
}

static bool op_names(const struct detect_bits_op *op, uint32_t id)
{
	for (uint16_t i = 0; i < op->n; i++)
		if (op->ids[i] == id)
			return true;
	return false;
}

/* Snort's flowbits that change more than their names: setx clears the group's other members,
 * "unset/toggle all" change every member, reset clears every bit of the flow. */
static int flowbits_apply_group(const struct detect_bits_op *op, struct flow *f)
{
	if (op->cmd == RULE_BITS_RESET) {
		struct detect_flow_vars *v = f->detect;
		if (v && v->n_words)
			memset(v->bits, 0, v->n_words * sizeof(*v->bits));
		return 0;
	}
	int how = op->cmd == RULE_BITS_TOGGLE ? 2 : 0, rc = 0;
	for (uint32_t i = 0; i < op->group->n; i++) {
		uint32_t id = op->group->ids[i];
		if (op->cmd == RULE_BITS_SETX && op_names(op, id))
			continue;
		if (flowbit_write(f, id, how) < 0)
			rc = -1;
	}
	return rc;
}

int detect_bits_apply(const struct detect_bits_op *op, const struct packet *p,
		      struct detect_hosts *hosts)
{
	if (detect_bits_is_condition(op) || (op->track == RULE_TRACK_FLOW && !p->flow))
		return 0; /* no flow: nothing to hang the bit on, as in Suricata */
	if (op->cmd == RULE_BITS_RESET || op->group_sel == RULE_BITS_GROUP_ALL)
		return flowbits_apply_group(op, p->flow);
	int rc = 0;
	if (op->cmd == RULE_BITS_SETX && op->group)
		rc = flowbits_apply_group(op, p->flow); /* then the names are set below */
	int how = op->cmd == RULE_BITS_UNSET ? 0 : op->cmd == RULE_BITS_TOGGLE ? 2 : 1;
	bool host = op->track != RULE_TRACK_FLOW && hosts;
	if (host)
		pthread_mutex_lock(&hosts->lock);
	for (uint16_t i = 0; i < op->n; i++) {
		int r;
		if (op->track == RULE_TRACK_FLOW) {
			r = flowbit_write(p->flow, op->ids[i], how);
		} else if (op->track == DETECT_BITS_TRACK_BOTH_HOSTS) {
			r = hostbit_write(hosts, p, RULE_TRACK_SRC, op->ids[i], how, op->expire);
			if (hostbit_write(hosts, p, RULE_TRACK_DST, op->ids[i], how, op->expire) < 0)
				r = -1;
		} else {
			r = hostbit_write(hosts, p, op->track, op->ids[i], how, op->expire);
		}
		if (r < 0)
			rc = -1;
	}
	if (host)
		pthread_mutex_unlock(&hosts->lock);
	return rc;
}

/* ---- flowint ------------------------------------------------------------------------------ */

int detect_flowint_compile(struct detect_vars_names *vn, const struct rule_match *m,
			   struct detect_flowint_op *out)
{
	if (!m->kw || strcmp(m->kw->name, "flowint") != 0)
		return -2;
	const struct rule_flowint *fi = &m->u.flowint;
	memset(out, 0, sizeof(*out));
	out->op = fi->op;
	int id = detect_vars_intern(vn, fi->name);
	if (id < 0)
		return -1;
	out->id = (uint32_t)id;
	out->value = (uint32_t)fi->value;
	out->value_id = -1;
	if (fi->value_var) {
		int vid = detect_vars_intern(vn, fi->value_var);
		if (vid < 0)
			return -1;
		out->value_id = vid;
	}
	return 0;
}

bool detect_flowint_is_condition(const struct detect_flowint_op *op)
{
	return op->op != RULE_FI_SET && op->op != RULE_FI_ADD && op->op != RULE_FI_SUB;
}

int detect_flowint_apply(const struct detect_flowint_op *op, const struct packet *p)
{
	if (detect_flowint_is_condition(op))
		return 0;
	return detect_flowint_eval(op, p) ? 0 : -1;
}

/*
 * Suricata keeps flowints as uint32. "+" and "-" on a variable that is not set yet start from
 * 0 (so "+,1" creates it with 1); arithmetic wraps like uint32. A comparison with an unset
 * variable, or with an unset variable operand, is false.
 */
bool detect_flowint_eval(const struct detect_flowint_op *op, const struct packet *p)
{
	struct flow *f = p->flow;
	if (!f)
		return false;
	uint32_t operand = op->value;
	if (op->value_id >= 0 && op->op != RULE_FI_ISSET && op->op != RULE_FI_NOTSET &&
	    !detect_flowint_get(f, (uint32_t)op->value_id, &operand))
		return false;
	uint32_t cur = 0;
	bool set = detect_flowint_get(f, op->id, &cur);
	switch (op->op) {
	case RULE_FI_SET:
		return flowint_store(f, op->id, operand) == 0;
	case RULE_FI_ADD:
		return flowint_store(f, op->id, cur + operand) == 0;
	case RULE_FI_SUB:
		return flowint_store(f, op->id, cur - operand) == 0;
	case RULE_FI_ISSET:
		return set;
	case RULE_FI_NOTSET:
		return !set;
	default:
		break;
	}
	if (!set)
		return false;
	switch (op->op) {
	case RULE_FI_EQ: return cur == operand;
	case RULE_FI_NE: return cur != operand;
	case RULE_FI_LT: return cur < operand;
	case RULE_FI_LE: return cur <= operand;
	case RULE_FI_GT: return cur > operand;
	case RULE_FI_GE: return cur >= operand;
	default: return false;
	}
}
