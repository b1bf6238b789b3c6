/*
 * flow-table.c — the per-worker flow table: lookup/create on every packet, per-direction
 * counters, timeouts, memcap with emergency mode, and the final flush.
 *
 * Layout. A power-of-two bucket array of singly chained entries, keyed by the packed canonical
 * key (flow-internal.h) and compared with memcmp. Entries come from a spare pool filled at start
 * (flow.prealloc); more are allocated while flow.memcap allows. Every allocated entry counts
 * sizeof(struct flow_entry) toward memuse.
 *
 * Timeouts. Instead of one LRU list, each flow sits on one of FLOW_LRU_COUNT lists, one per
 * (protocol class, flow state). All flows on a list share the same timeout, and the list is kept
 * in last-activity order, so the tail of every list is the first of its flows to expire and a
 * timeout pass costs O(lists + flows ended) rather than a walk over the whole table. Time is the
 * packets' own timestamps (offline pcaps replay hours in seconds), so expiry runs lazily from
 * flow_table_handle_packet: a few flows per packet, and a full pass each time packet time crosses
 * a second boundary. A flow is expired when now > last activity + timeout.
 *
 * Moving a flow to its list's head touches both neighbours — two cache misses on a big table —
 * so a busy flow is moved at most once per FLOW_LRU_GRANULARITY of packet time. The lists are
 * therefore ordered to within that granularity: an idle flow can be ended up to that much after
 * its timeout (never before), and "oldest" for eviction is looked for among the first few flows
 * of each list. A packet that finds its own flow past the timeout always ends it first.
 *
 * Memcap. When a new flow needs memory beyond flow.memcap the table enters emergency mode
 * (emergency timeouts apply to every flow) and ends the least recently active flow that is idle
 * — last seen before the current packet's timestamp — with reason "forced". If there is none
 * (every flow was active at this very timestamp, or the memcap cannot hold one flow at all) the
 * packet gets no flow and memcap_refused is counted. Emergency mode ends when the memory held by
 * live flows drops below (100 - emergency_recovery)% of the memcap.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "flow/flow-internal.h"

#define FLOW_STATES 3
#define FLOW_LRU_COUNT (FLOW_PROTO_MAX * FLOW_STATES)
/* Flows ended per packet by the lazy expiry between full passes: bounds per-packet latency. */
#define FLOW_EXPIRE_PER_PACKET 4
#define FLOW_HASH_SIZE_MAX (1u << 26)
#define FLOW_LRU_GRANULARITY USEC_PER_SEC
/* Flows looked at from each list's tail when searching the oldest idle flow to evict. */
#define FLOW_EVICT_SCAN 8

struct flow_lru {
	struct flow *head, *tail; /* head = most recently active */
};

struct flow_table {
	struct flow_config cfg;
	unsigned worker_id;
	flow_end_fn on_end;
	void *user;

	struct flow **buckets;
	uint32_t mask;
	uint32_t seed; /* per-table hash seed: colliding tuples cannot be precomputed */

	struct flow_lru lru[FLOW_LRU_COUNT];
	uint64_t timeout_usec[2][FLOW_LRU_COUNT]; /* [emergency][list] */

	struct flow_entry *spare; /* pool of unused entries, linked through f.hash_next */
	uint32_t spare_count;

	uint64_t id_counter;
	uint64_t last_full_sec; /* packet-time second of the last full timeout pass */
	bool emergency;
	struct flow_stats st;
};

void flow_config_defaults(struct flow_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memcap = 32ull * 1024 * 1024;
	cfg->hash_size = 65536;
	cfg->prealloc = 10000;
	cfg->emergency_recovery = 30;
	cfg->tcp_midstream = false;
	/* suricata.yaml flow-timeouts defaults */
	cfg->timeouts[FLOW_PROTO_DEFAULT] = (struct flow_timeouts){ 30, 300, 0, 10, 100, 0 };
	cfg->timeouts[FLOW_PROTO_TCP] = (struct flow_timeouts){ 60, 600, 60, 5, 100, 10 };
	cfg->timeouts[FLOW_PROTO_UDP] = (struct flow_timeouts){ 30, 300, 0, 10, 100, 0 };
	cfg->timeouts[FLOW_PROTO_ICMP] = (struct flow_timeouts){ 30, 300, 0, 10, 100, 0 };
}

static enum flow_proto_class flow_proto_class_of(uint8_t proto)
{
	switch (proto) {
	case 6:
		return FLOW_PROTO_TCP;
	case 17:
		return FLOW_PROTO_UDP;
	case 1:
	case 58:
		return FLOW_PROTO_ICMP;
	default:
		return FLOW_PROTO_DEFAULT;
	}
}

static inline uint8_t flow_lru_index(const struct flow *f)
{
	unsigned state = f->state < FLOW_STATES ? f->state : FLOW_STATE_CLOSED;
	return (uint8_t)(flow_proto_class_of(f->ip_proto) * FLOW_STATES + state);
}

/* ---- LRU lists ---------------------------------------------------------------------------- */

static void lru_unlink(struct flow_table *ft, struct flow_entry *e)
{
	struct flow_lru *l = &ft->lru[e->lru_idx];
	struct flow *f = &e->f;
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		l->head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		l->tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_push_head(struct flow_table *ft, struct flow_entry *e, uint8_t idx, uint64_t now)
{
	struct flow_lru *l = &ft->lru[idx];
	struct flow *f = &e->f;
	e->lru_idx = idx;
	e->queued_usec = now;
	f->lru_prev = NULL;
	f->lru_next = l->head;
	if (l->head)
		l->head->lru_prev = f;
	else
		l->tail = f;
	l->head = f;
}

/* ---- entry allocation -------------------------------------------------------------------- */

static struct flow_entry *entry_alloc(struct flow_table *ft)
{
	struct flow_entry *e = ft->spare;
	if (e) {
		ft->spare = (struct flow_entry *)e->f.hash_next;
		ft->spare_count--;
		e->f.hash_next = NULL;
		return e;
	}
	if (ft->st.memuse + sizeof(*e) > ft->cfg.memcap)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	ft->st.memuse += sizeof(*e);
	return e;
}

/* Return an entry to the pool, or to the allocator once the pool holds `prealloc` spares. */
static void entry_release(struct flow_table *ft, struct flow_entry *e)
{
	if (ft->spare_count < ft->cfg.prealloc) {
		memset(e, 0, sizeof(*e));
		e->f.hash_next = (struct flow *)ft->spare;
		ft->spare = e;
		ft->spare_count++;
		return;
	}
	free(e);
	ft->st.memuse -= sizeof(*e);
}

/* ---- ending flows ------------------------------------------------------------------------- */

static void emergency_check_recovery(struct flow_table *ft)
{
	if (!ft->emergency)
		return;
	/* live-flow memory < (100 - recovery)% of memcap, computed without overflow or division */
	uint64_t live = ft->st.active * sizeof(struct flow_entry);
	uint64_t pct = 100 - (ft->cfg.emergency_recovery > 100 ? 100 : ft->cfg.emergency_recovery);
	if (live * 100 < ft->cfg.memcap * pct || ft->st.active == 0) {
		ft->emergency = false;
		ft->st.emergency_mode_over++;
		log_info("flow: worker %u: emergency mode over (%llu flows)", ft->worker_id,
			 (unsigned long long)ft->st.active);
	}
}

static void flow_end(struct flow_table *ft, struct flow_entry *e, enum flow_end_reason reason)
{
	struct flow *f = &e->f;

	/* unlink from the bucket chain */
	struct flow **pp = &ft->buckets[f->hash & ft->mask];
	while (*pp && *pp != f)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = f->hash_next;
	f->hash_next = NULL;
	lru_unlink(ft, e);

	switch (reason) {
	case FLOW_END_TIMEOUT:
		ft->st.timed_out++;
		break;
	case FLOW_END_FORCED:
		ft->st.evicted_forced++;
		break;
	case FLOW_END_SHUTDOWN:
		ft->st.shutdown_flushed++;
		break;
	}
	f->end_reason = (uint8_t)reason;
	if (ft->on_end)
		ft->on_end(f, ft->user);
	/* the stream stage's per-flow counters are final once the end callback ran */
	const struct flow_stream_counts *sc = &f->stream_cnt;
	ft->st.tcp_reassembly_gap += sc->gaps;
	ft->st.tcp_segment_memcap_drop += sc->seg_memcap_drops;
	ft->st.tcp_overlap += sc->overlaps;
	ft->st.tcp_overlap_diff_data += sc->overlaps_diff;
	ft->st.tcp_stream_depth_reached += sc->depth_reached;
	ft->st.tcp_ssn_memcap_drop += sc->ssn_memcap_drop;

	ft->st.active--;
	entry_release(ft, e);
	emergency_check_recovery(ft);
}

static inline bool flow_is_expired(const struct flow_table *ft, const struct flow *f, uint8_t idx,
				   uint64_t now)
{
	return now > f->last_usec && now - f->last_usec > ft->timeout_usec[ft->emergency][idx];
}

/* End up to `budget` expired flows (UINT32_MAX: all). */
static unsigned expire_run(struct flow_table *ft, uint64_t now, uint32_t budget)
{
	unsigned ended = 0;
	for (uint8_t i = 0; i < FLOW_LRU_COUNT && ended < budget; i++) {
		while (ended < budget) {
			struct flow *f = ft->lru[i].tail;
			/* the timeout is re-read each round: ending flows may leave emergency mode */
			if (!f || !flow_is_expired(ft, f, i, now))
				break;
			flow_end(ft, flow_entry_of(f), FLOW_END_TIMEOUT);
			ended++;
		}
	}
	return ended;
}

unsigned flow_table_expire(struct flow_table *ft, uint64_t now_usec)
{
	return expire_run(ft, now_usec, UINT32_MAX);
}

/*
 * The least recently active flow last seen before `before`, among the first `depth` flows from
 * each list's tail (the lists are ordered only to within FLOW_LRU_GRANULARITY). NULL if none.
 */
static struct flow *oldest_flow(struct flow_table *ft, uint64_t before, unsigned depth)
{
	struct flow *best = NULL;
	for (unsigned i = 0; i < FLOW_LRU_COUNT; i++) {
		unsigned n = 0;
		for (struct flow *f = ft->lru[i].tail; f && n < depth; f = f->lru_prev, n++) {
			if (f->last_usec < before && (!best || f->last_usec < best->last_usec))
				best = f;
		}
	}
	return best;
}

void flow_table_flush(struct flow_table *ft)
{
	struct flow *f;
	/* oldest first, so output order is stable whatever the bucket layout */
	while ((f = oldest_flow(ft, UINT64_MAX, 1)) != NULL)
		flow_end(ft, flow_entry_of(f), FLOW_END_SHUTDOWN);
}

/* ---- create / destroy --------------------------------------------------------------------- */

static uint32_t table_seed(const struct flow_table *ft)
{
	uint32_t seed;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = (uint32_t)util_monotonic_usec() ^ (uint32_t)(uintptr_t)ft;
	return seed;
}

struct flow_table *flow_table_create(const struct flow_config *cfg, unsigned worker_id,
				     flow_end_fn on_end, void *user)
{
	struct flow_table *ft = calloc(1, sizeof(*ft));
	if (!ft) {
		log_error("flow: out of memory creating the flow table");
		return NULL;
	}
	ft->cfg = *cfg;
	ft->worker_id = worker_id;
	ft->on_end = on_end;
	ft->user = user;

	uint32_t want = cfg->hash_size ? cfg->hash_size : 65536;
	if (want > FLOW_HASH_SIZE_MAX)
		want = FLOW_HASH_SIZE_MAX;
	uint32_t size = 1;
	while (size < want)
		size <<= 1;
	if (size != cfg->hash_size)
		log_info("flow: hash-size %u rounded to %u buckets", cfg->hash_size, size);
	ft->mask = size - 1;
	ft->buckets = calloc(size, sizeof(*ft->buckets));
	if (!ft->buckets) {
		log_error("flow: out of memory allocating %u flow hash buckets", size);
		free(ft);
		return NULL;
	}
	ft->seed = table_seed(ft);

	/* keeps the percentage arithmetic of the recovery check free of overflow */
	if (ft->cfg.memcap > (1ull << 50))
		ft->cfg.memcap = 1ull << 50;
	if (ft->cfg.emergency_recovery > 100)
		ft->cfg.emergency_recovery = 100;
	uint64_t fit = ft->cfg.memcap / sizeof(struct flow_entry);
	if (ft->cfg.prealloc > fit) {
		log_warning("flow: prealloc %u flows exceeds memcap %llu bytes; using %llu",
			    ft->cfg.prealloc, (unsigned long long)ft->cfg.memcap,
			    (unsigned long long)fit);
		ft->cfg.prealloc = (uint32_t)fit;
	}

	for (unsigned c = 0; c < FLOW_PROTO_MAX; c++) {
		const struct flow_timeouts *t = &ft->cfg.timeouts[c];
		const uint32_t normal[FLOW_STATES] = { t->new_s, t->established_s, t->closed_s };
		const uint32_t emerg[FLOW_STATES] = { t->emergency_new_s, t->emergency_established_s,
						      t->emergency_closed_s };
		for (unsigned s = 0; s < FLOW_STATES; s++) {
			ft->timeout_usec[0][c * FLOW_STATES + s] = normal[s] * USEC_PER_SEC;
			ft->timeout_usec[1][c * FLOW_STATES + s] = emerg[s] * USEC_PER_SEC;
		}
	}

	for (uint32_t i = 0; i < ft->cfg.prealloc; i++) {
		struct flow_entry *e = calloc(1, sizeof(*e));
		if (!e) {
			log_error("flow: out of memory preallocating %u flows", ft->cfg.prealloc);
			flow_table_destroy(ft);
			return NULL;
		}
		ft->st.memuse += sizeof(*e);
		e->f.hash_next = (struct flow *)ft->spare;
		ft->spare = e;
		ft->spare_count++;
	}
	return ft;
}

void flow_table_destroy(struct flow_table *ft)
{
	if (!ft)
		return;
	/* Live flows still go through on_end so later stages free their per-flow state. */
	flow_table_flush(ft);
	while (ft->spare) {
		struct flow_entry *e = ft->spare;
		ft->spare = (struct flow_entry *)e->f.hash_next;
		free(e);
	}
	free(ft->buckets);
	free(ft);
}

void flow_table_get_stats(const struct flow_table *ft, struct flow_stats *out)
{
	*out = ft->st;
}

/* ---- the packet path ---------------------------------------------------------------------- */

/*
 * flow_id: worker id in the top 16 of 53 bits, a permuted 37-bit counter below. The permutation
 * (odd multiply and xorshift, both invertible mod 2^37) spreads consecutive ids like Suricata's
 * random-looking ones while keeping them unique; counter 0 is skipped so ids are never 0.
 */
static uint64_t flow_next_id(struct flow_table *ft)
{
	const uint64_t mask37 = (1ull << 37) - 1;
	ft->id_counter = (ft->id_counter + 1) & mask37;
	if (ft->id_counter == 0)
		ft->id_counter = 1;
	uint64_t x = ft->id_counter;
	x = (x * 0x9e3779b97full) & mask37;
	x ^= x >> 17;
	x = (x * 0x1f2d3c4b5bull) & mask37;
	x ^= x >> 19;
	return ((uint64_t)(ft->worker_id & 0xffff) << 37) | x;
}

/* An entry for a new flow, evicting the oldest idle flow when the memcap is reached. */
static struct flow_entry *flow_get_entry(struct flow_table *ft, uint64_t now)
{
	struct flow_entry *e = entry_alloc(ft);
	if (e)
		return e;
	if (!ft->emergency) {
		ft->emergency = true;
		ft->st.emergency_mode_entered++;
		log_info("flow: worker %u: flow memcap reached (%llu flows), emergency mode",
			 ft->worker_id, (unsigned long long)ft->st.active);
	}
	struct flow *old = oldest_flow(ft, now, FLOW_EVICT_SCAN);
	if (!old)
		return NULL;
	flow_end(ft, flow_entry_of(old), FLOW_END_FORCED);
	return entry_alloc(ft);
}

static struct flow_entry *flow_new(struct flow_table *ft, const struct flow_key *k, uint32_t hash,
				   const struct packet *p)
{
	struct flow_entry *e = flow_get_entry(ft, p->ts_usec);
	if (!e)
		return NULL;
	struct flow *f = &e->f;
	e->key = *k;
	e->tcp.closer = -1;

	f->hash = hash;
	f->src = p->src;
	f->dst = p->dst;
	if (flow_proto_has_ports(p->ip_proto)) {
		f->sp = p->sp;
		f->dp = p->dp;
	}
	f->ip_proto = p->ip_proto;
	f->ip_version = p->ip_version;
	f->vlan_count = k->vlan_count;
	memcpy(f->vlan_id, k->vlan, sizeof(f->vlan_id));
	f->flow_id = flow_next_id(ft);
	f->start_usec = f->last_usec = p->ts_usec;
	f->state = FLOW_STATE_NEW;
	f->tcp_state = TCP_STATE_NONE;
	if (p->ip_proto == 1 || p->ip_proto == 58) {
		f->icmp_type = p->icmp_type;
		f->icmp_code = p->icmp_code;
	}
	if (ft->emergency)
		f->flags |= FLOW_F_EMERGENCY;

	struct flow **b = &ft->buckets[hash & ft->mask];
	f->hash_next = *b;
	*b = f;
	lru_push_head(ft, e, flow_lru_index(f), p->ts_usec);

	ft->st.created++;
	ft->st.active++;
	if (ft->st.active > ft->st.active_max)
		ft->st.active_max = ft->st.active;
	switch (p->ip_proto) {
	case 6:
		ft->st.tcp++;
		break;
	case 17:
		ft->st.udp++;
		break;
	case 1:
		ft->st.icmpv4++;
		break;
	case 58:
		ft->st.icmpv6++;
		break;
	default:
		ft->st.other++;
		break;
	}
	return e;
}

static struct flow_entry *flow_lookup(struct flow_table *ft, const struct flow_key *k,
				      uint32_t hash)
{
	for (struct flow *f = ft->buckets[hash & ft->mask]; f; f = f->hash_next) {
		if (f->hash != hash)
			continue;
		struct flow_entry *e = flow_entry_of(f);
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	}
	return NULL;
}

/* Direction of `p` in `f`: to-server when the packet comes from the flow's client side. */
static uint8_t flow_packet_dir(const struct flow *f, const struct packet *p)
{
	uint16_t sp = flow_proto_has_ports(p->ip_proto) ? p->sp : 0;
	if (sp == f->sp && memcmp(p->src.b, f->src.b, sizeof(f->src.b)) == 0)
		return FLOW_DIR_TO_SERVER;
	return FLOW_DIR_TO_CLIENT;
}

/*
 * Timeouts are whole seconds, so a full pass whenever packet time enters a new second ends every
 * flow within a second of its timeout. Only under memory pressure (emergency mode) does each
 * packet also end a few expired flows, to free memory sooner; in normal operation the per-packet
 * cost is one comparison.
 */
static inline void lazy_expire(struct flow_table *ft, uint64_t now)
{
	uint64_t sec = now / USEC_PER_SEC;
	if (sec > ft->last_full_sec) {
		ft->last_full_sec = sec;
		expire_run(ft, now, UINT32_MAX);
	} else if (unlikely(ft->emergency)) {
		expire_run(ft, now, FLOW_EXPIRE_PER_PACKET);
	}
}

struct flow *flow_table_handle_packet(struct flow_table *ft, struct packet *p)
{
	p->flow = NULL;
	p->flow_dir = FLOW_DIR_TO_SERVER;
	if (p->ip_version == 0 || (p->flags & PKT_F_INVALID))
		return NULL;

	uint64_t now = p->ts_usec;
	lazy_expire(ft, now);

	struct flow_key k;
	flow_key_from_packet(p, &k);
	uint32_t hash = util_hash32(&k, sizeof(k), ft->seed);

	struct flow_entry *e = flow_lookup(ft, &k, hash);
	uint8_t dir = FLOW_DIR_TO_SERVER;
	if (e) {
		dir = flow_packet_dir(&e->f, p);
		if (flow_is_expired(ft, &e->f, e->lru_idx, now)) {
			/* idle past its timeout but not reached by the lazy pass yet */
			flow_end(ft, e, FLOW_END_TIMEOUT);
			e = NULL;
		} else if (p->ip_proto == 6 && flow_tcp_is_reuse(e, p, dir)) {
			e->f.flags |= FLOW_F_TCP_REUSED;
			ft->st.tcp_reused++;
			flow_end(ft, e, FLOW_END_TIMEOUT);
			e = NULL;
		}
	}
	if (!e) {
		e = flow_new(ft, &k, hash, p);
		if (!e) {
			ft->st.memcap_refused++;
			return NULL;
		}
		dir = FLOW_DIR_TO_SERVER;
	}

	struct flow *f = &e->f;
	/* a flow an IPS drop verdict hit keeps its TCP state as it was (Suricata's session
	 * tracking stops with the flow drop) */
	if (p->ip_proto == 6 && !(f->flags & FLOW_F_DROP)) {
		flow_tcp_handle_packet(e, p, &dir, ft->cfg.tcp_midstream, &ft->st);
		f->tcp_flags[dir] |= p->tcp_flags;
	}

	f->flags |= dir == FLOW_DIR_TO_SERVER ? FLOW_F_TO_DST_SEEN : FLOW_F_TO_SRC_SEEN;
	if (p->ip_proto != 6 && f->state == FLOW_STATE_NEW &&
	    (f->flags & (FLOW_F_TO_DST_SEEN | FLOW_F_TO_SRC_SEEN)) ==
		    (FLOW_F_TO_DST_SEEN | FLOW_F_TO_SRC_SEEN))
		f->state = FLOW_STATE_ESTABLISHED;

	f->pkts[dir]++;
	if (p->flags & PKT_F_TUNNELED)
		f->bytes[dir] += p->tunnel_len; /* the inner packet: its own length, as Suricata */
	else
		f->bytes[dir] += p->wirelen ? p->wirelen : p->caplen;
	if (now > f->last_usec)
		f->last_usec = now;

	/* a state change moves the flow to another list; activity moves it to the head, at most
	 * once per granularity period */
	uint8_t idx = flow_lru_index(f);
	if (idx != e->lru_idx ||
	    (now > e->queued_usec && now - e->queued_usec >= FLOW_LRU_GRANULARITY &&
	     ft->lru[idx].head != f)) {
		lru_unlink(ft, e);
		lru_push_head(ft, e, idx, now);
	}

	p->flow = f;
	p->flow_dir = dir;
	return f;
}
