/*
 * addr-index.c — the address index of the rules without a fast pattern (Suricata's "IP-only"
 * idea): a rule whose source or destination is a bounded address set (IP reputation lists of
 * IPv4 and IPv6 addresses, $HOME_NET, a few subnets) is filed under that set, so a packet meets
 * only the rules listing one of its addresses instead of checking every such rule's header.
 *
 * Each family's address space is cut into elementary segments at every range boundary of the
 * indexed sets; a segment keeps the (ascending) list of rules whose set covers it. A lookup is
 * one binary search per address. Sets that cover most of the space ($EXTERNAL_NET, negations)
 * are not indexed (their rules stay on the per-group list), and the total number of (segment,
 * rule) entries is bounded so a ruleset cannot make the index grow without limit.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"

/* (segment, rule) entries over both families; rules past it stay on the per-packet lists. */
#define DET_AIDX_MAX_ENTRIES (8u << 20)
/* Entries of the first-level table over the top 16 bits of an IPv4 address. */
#define DET_AIDX_TOP4 65536u
/* Ranges per indexed set: longer lists are not worth the boundaries they add. */
#define DET_AIDX_MAX_RANGES 65536
/* IPv4 addresses an indexed set may cover: up to a /8. Wider sets look like a $HOME_NET, which
 * one address of nearly every packet is in: filing rules under it would wake them for every
 * packet and only add index work (their signature group finds them as cheaply). */
#define DET_AIDX_V4_MAX_COVER (1ull << 24)

typedef unsigned __int128 u128;

static u128 v6_key(const uint8_t b[16])
{
	u128 k = 0;
	for (int i = 0; i < 16; i++)
		k = k << 8 | b[i];
	return k;
}

static const u128 V6_MAX = ~(u128)0;

/* Share of the address space a set covers, as a number in [0, 2]: v4 part + v6 part. */
static double set_cover(const struct rules_addr_set *s)
{
	if (!s || s->any)
		return 3.0;
	if (s->n4 + s->n6 > DET_AIDX_MAX_RANGES || (!s->n4 && !s->n6))
		return 3.0;
	uint64_t c4 = 0;
	for (uint32_t i = 0; i < s->n4; i++)
		c4 += (uint64_t)s->v4[i].hi - s->v4[i].lo + 1;
	if (c4 > DET_AIDX_V4_MAX_COVER)
		return 3.0;
	double c6 = 0;
	for (uint32_t i = 0; i < s->n6; i++)
		c6 += (double)(v6_key(s->v6[i].hi) - v6_key(s->v6[i].lo)) + 1.0;
	double f6 = c6 / 3.402823669209385e38; /* 2^128 */
	if (f6 > 0.25)
		return 3.0;
	return (double)c4 / 4294967296.0 + f6;
}

/* The set a rule is filed under, or NULL when neither side is narrow enough. */
static const struct rules_addr_set *rule_index_set(const struct det_rule *dr)
{
	if (dr->flags & (DR_F_HAS_MPM | DR_F_NEEDS_APP | DR_F_STREAM_ONLY))
		return NULL;
	double cs = set_cover(dr->r->src), cd = set_cover(dr->r->dst);
	if (cs > 2.0 && cd > 2.0)
		return NULL;
	return cs <= cd ? dr->r->src : dr->r->dst;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_u128(const void *a, const void *b)
{
	u128 x, y;
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x < y ? -1 : x > y;
}

/* Index of the segment holding key: the last start <= key (starts[0] is 0). */
static uint32_t seg4_find(const uint32_t *lo, uint32_t n, uint32_t key)
{
	uint32_t a = 0, b = n;
	while (b - a > 1) {
		uint32_t mid = a + (b - a) / 2;
		if (lo[mid] <= key)
			a = mid;
		else
			b = mid;
	}
	return a;
}

static uint32_t seg6_find(const u128 *lo, uint32_t n, u128 key)
{
	uint32_t a = 0, b = n;
	while (b - a > 1) {
		uint32_t mid = a + (b - a) / 2;
		if (lo[mid] <= key)
			a = mid;
		else
			b = mid;
	}
	return a;
}

/* Segments [first, last] a v4 / v6 range covers. */
static void range4_segs(const struct det_addr_index *x, const struct rules_ip4_range *r,
			uint32_t *first, uint32_t *last)
{
	*first = seg4_find(x->lo4, x->n4, r->lo);
	*last = seg4_find(x->lo4, x->n4, r->hi);
}

static void range6_segs(const struct det_addr_index *x, const struct rules_ip6_range *r,
			uint32_t *first, uint32_t *last)
{
	*first = seg6_find(x->lo6, x->n6, v6_key(r->lo));
	*last = seg6_find(x->lo6, x->n6, v6_key(r->hi));
}

/* Sorted unique segment starts of the indexed sets (0 always included). */
static int bounds_build(struct detect_engine *e, const struct rules_addr_set **sets)
{
	struct det_addr_index *x = &e->aidx;
	size_t n4 = 1, n6 = 1;
	for (uint32_t i = 0; i < e->n_rules; i++) {
		if (!sets[i])
			continue;
		n4 += 2 * (size_t)sets[i]->n4;
		n6 += 2 * (size_t)sets[i]->n6;
	}
	if (n4 > UINT32_MAX / 2 || n6 > UINT32_MAX / 2)
		return -1;
	x->lo4 = malloc(n4 * sizeof(*x->lo4));
	x->lo6 = malloc(n6 * sizeof(*x->lo6));
	if (!x->lo4 || !x->lo6)
		return -1;
	uint32_t k4 = 0, k6 = 0;
	x->lo4[k4++] = 0;
	x->lo6[k6++] = 0;
	for (uint32_t i = 0; i < e->n_rules; i++) {
		const struct rules_addr_set *s = sets[i];
		if (!s)
			continue;
		for (uint32_t k = 0; k < s->n4; k++) {
			x->lo4[k4++] = s->v4[k].lo;
			if (s->v4[k].hi != UINT32_MAX)
				x->lo4[k4++] = s->v4[k].hi + 1;
		}
		for (uint32_t k = 0; k < s->n6; k++) {
			x->lo6[k6++] = v6_key(s->v6[k].lo);
			u128 hi = v6_key(s->v6[k].hi);
			if (hi != V6_MAX)
				x->lo6[k6++] = hi + 1;
		}
	}
	qsort(x->lo4, k4, sizeof(*x->lo4), cmp_u32);
	qsort(x->lo6, k6, sizeof(*x->lo6), cmp_u128);
	uint32_t u = 0;
	for (uint32_t i = 0; i < k4; i++)
		if (i == 0 || x->lo4[i] != x->lo4[u - 1])
			x->lo4[u++] = x->lo4[i];
	x->n4 = u;
	/* the first segment starting at or above each /16, to narrow the packet's search */
	x->top4 = malloc((DET_AIDX_TOP4 + 1) * sizeof(*x->top4));
	if (!x->top4)
		return -1;
	uint32_t g = 0;
	for (uint32_t h = 0; h < DET_AIDX_TOP4; h++) {
		while (g < x->n4 && x->lo4[g] < h << 16)
			g++;
		x->top4[h] = g;
	}
	x->top4[DET_AIDX_TOP4] = x->n4;
	u = 0;
	for (uint32_t i = 0; i < k6; i++)
		if (i == 0 || x->lo6[i] != x->lo6[u - 1])
			x->lo6[u++] = x->lo6[i];
	x->n6 = u;
	return 0;
}

/* Entries a set adds (its segments over both families). */
static uint64_t set_fanout(const struct det_addr_index *x, const struct rules_addr_set *s)
{
	uint64_t n = 0;
	uint32_t a, b;
	for (uint32_t k = 0; k < s->n4; k++) {
		range4_segs(x, &s->v4[k], &a, &b);
		n += (uint64_t)b - a + 1;
	}
	for (uint32_t k = 0; k < s->n6; k++) {
		range6_segs(x, &s->v6[k], &a, &b);
		n += (uint64_t)b - a + 1;
	}
	return n;
}

/* Fill the per-segment lists: count (fill = false) or write (fill = true). */
static void lists_walk(struct detect_engine *e, const struct rules_addr_set **sets, bool fill)
{
	struct det_addr_index *x = &e->aidx;
	uint32_t a, b;
	for (uint32_t i = 0; i < e->n_rules; i++) {
		const struct rules_addr_set *s = sets[i];
		if (!s)
			continue;
		for (uint32_t k = 0; k < s->n4; k++) {
			range4_segs(x, &s->v4[k], &a, &b);
			for (uint32_t g = a; g <= b; g++) {
				if (fill)
					x->rules4[x->off4[g]++] = i;
				else
					x->off4[g + 1]++;
			}
		}
		for (uint32_t k = 0; k < s->n6; k++) {
			range6_segs(x, &s->v6[k], &a, &b);
			for (uint32_t g = a; g <= b; g++) {
				if (fill)
					x->rules6[x->off6[g]++] = i;
				else
					x->off6[g + 1]++;
			}
		}
	}
}

int det_addr_index_build(struct detect_engine *e)
{
	struct det_addr_index *x = &e->aidx;
	const struct rules_addr_set **sets = calloc(e->n_rules ? e->n_rules : 1, sizeof(*sets));
	if (!sets)
		return -1;
	uint32_t n_sets = 0;
	for (uint32_t i = 0; i < e->n_rules; i++)
		if ((sets[i] = rule_index_set(&e->rules[i])))
			n_sets++;
	int rc = -1;
	if (!n_sets) {
		free(sets);
		return 0;
	}
	if (bounds_build(e, sets) < 0)
		goto out;
	/* the entry budget, in rule order (the most important rules come first) */
	uint64_t total = 0;
	for (uint32_t i = 0; i < e->n_rules; i++) {
		if (!sets[i])
			continue;
		uint64_t f = set_fanout(x, sets[i]);
		if (total + f > DET_AIDX_MAX_ENTRIES) {
			sets[i] = NULL;
			continue;
		}
		total += f;
		e->rules[i].flags |= DR_F_IPONLY;
	}
	x->off4 = calloc((size_t)x->n4 + 1, sizeof(*x->off4));
	x->off6 = calloc((size_t)x->n6 + 1, sizeof(*x->off6));
	if (!x->off4 || !x->off6)
		goto out;
	lists_walk(e, sets, false);
	for (uint32_t g = 0; g < x->n4; g++)
		x->off4[g + 1] += x->off4[g];
	for (uint32_t g = 0; g < x->n6; g++)
		x->off6[g + 1] += x->off6[g];
	x->rules4 = malloc(((size_t)x->off4[x->n4] + 1) * sizeof(*x->rules4));
	x->rules6 = malloc(((size_t)x->off6[x->n6] + 1) * sizeof(*x->rules6));
	if (!x->rules4 || !x->rules6)
		goto out;
	/* write with off[g] as a cursor, then shift the offsets back */
	lists_walk(e, sets, true);
	memmove(x->off4 + 1, x->off4, x->n4 * sizeof(*x->off4));
	x->off4[0] = 0;
	memmove(x->off6 + 1, x->off6, x->n6 * sizeof(*x->off6));
	x->off6[0] = 0;
	x->entries = total;
	x->used = true;
	rc = 0;
out:
	free(sets);
	if (rc < 0) {
		/* the flags set above would hide rules: clear them with the index */
		for (uint32_t i = 0; i < e->n_rules; i++)
			e->rules[i].flags &= ~(uint32_t)DR_F_IPONLY;
		det_addr_index_free(e);
	}
	return rc;
}

void det_addr_index_free(struct detect_engine *e)
{
	struct det_addr_index *x = &e->aidx;
	free(x->lo4);
	free(x->top4);
	free(x->off4);
	free(x->rules4);
	free(x->lo6);
	free(x->off6);
	free(x->rules6);
	memset(x, 0, sizeof(*x));
}

uint32_t det_addr_index_lookup(const struct det_addr_index *x, const struct ip_addr *a,
			       const uint32_t **rules)
{
	uint32_t g;
	if (a->family == 4) {
		uint32_t key = (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 |
			       (uint32_t)a->b[2] << 8 | a->b[3];
		/* the answer lies from the segment holding the /16's first address up to the
		 * last one starting inside the /16 (lo4[0] == 0 covers the first /16) */
		uint32_t h = key >> 16, lo = x->top4[h] ? x->top4[h] - 1 : 0;
		g = lo + seg4_find(x->lo4 + lo, x->top4[h + 1] - lo, key);
		*rules = x->rules4 + x->off4[g];
		return x->off4[g + 1] - x->off4[g];
	}
	if (a->family == 6) {
		g = seg6_find(x->lo6, x->n6, v6_key(a->b));
		*rules = x->rules6 + x->off6[g];
		return x->off6[g + 1] - x->off6[g];
	}
	*rules = NULL;
	return 0;
}
