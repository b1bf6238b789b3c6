/*
 * anchor.c — the prefilter for fast patterns near the start of their buffer: a packet's
 * payload, the stream inspection buffer, a sticky buffer (file.data, http.uri, ...).
 *
 * Most window-limited fast patterns of a rule set (ET Open: 98%) say exactly where they are:
 * `content:"|00 01|"; depth:2;`, `offset:4; depth:4;`, `startswith`. Handing those to
 * Hyperscan costs a scan call of its own per buffer (a few hundred cycles for a few dozen
 * bytes), or, in the buffer's whole-buffer database, a hit wherever the bytes occur. Here they
 * are looked up instead: per distinct offset, one hash probe of the buffer's bytes there (a
 * key of up to four bytes, ASCII case folded; a bit filter first), then a comparison with the
 * patterns sharing that key. A table's patterns sit at a handful of offsets, so a buffer costs
 * a handful of probes. mpm.c decides which patterns come here; one that may float in a small
 * window (ET: two bytes anywhere in the first ten) is compared at each offset it may start
 * at, which beats a probe per offset.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"

/* The case-folded key of the klen (1..4) bytes at p: byte i in bits 8i..8i+7. */
static inline uint32_t key_of(const uint8_t *p, uint8_t klen)
{
	uint32_t k = 0;
	for (uint8_t i = 0; i < klen; i++)
		k |= (uint32_t)det_fold(p[i]) << (8 * i);
	return k;
}

/* key_of where four bytes may be read at p: one load, the bytes folded all at once (a byte
 * gets 0x20 when it is in 'A'..'Z'), the bytes past klen masked off. */
static inline uint32_t key_of4(const uint8_t *p, uint8_t klen)
{
	uint32_t v;
	memcpy(&v, p, 4);
	uint32_t low7 = v & 0x7f7f7f7fu;
	uint32_t ge_a = low7 + 0x3f3f3f3fu;  /* bit 7 set where the byte is >= 'A' */
	uint32_t gt_z = low7 + 0x25252525u;  /* bit 7 set where the byte is >  'Z' */
	uint32_t upper = (ge_a & ~gt_z & ~v) & 0x80808080u;
	v |= upper >> 2;
	return klen == 4 ? v : v & ((1u << (8 * klen)) - 1);
}

static inline uint32_t hash_of(uint32_t key)
{
	return key * 0x9E3779B1u;
}

static inline uint32_t slot_of(uint32_t hash, uint32_t mask)
{
	return (hash >> 7) & mask;
}

/* The bloom bit of a hash: its top bits (DET_ANCHOR_BLOOM_BITS = 2^12). */
static inline uint32_t bloom_bit(uint32_t hash)
{
	return hash >> 20;
}

/* Build order: offset, then key, then the pattern bytes, so that one pattern's rules are
 * adjacent and one key's patterns are a range. */
struct anchor_sort {
	const struct det_anchor_entry *e;
	uint32_t key;
	uint8_t klen;
};

static int cmp_off(const void *a, const void *b)
{
	const struct anchor_sort *x = a, *y = b;
	return x->e->off < y->e->off ? -1 : x->e->off > y->e->off;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct anchor_sort *x = a, *y = b;
	if (x->e->off != y->e->off)
		return x->e->off < y->e->off ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->e->len != y->e->len)
		return x->e->len < y->e->len ? -1 : 1;
	if (x->e->nocase != y->e->nocase)
		return x->e->nocase ? 1 : -1;
	int c = memcmp(x->e->pat, y->e->pat, x->e->len);
	if (c)
		return c;
	return x->e->rule < y->e->rule ? -1 : x->e->rule > y->e->rule;
}

static bool same_pattern(const struct det_anchor_entry *a, const struct det_anchor_entry *b)
{
	return a->off == b->off && a->len == b->len && a->nocase == b->nocase &&
	       memcmp(a->pat, b->pat, a->len) == 0;
}

void det_anchor_free(struct det_anchor *a)
{
	if (!a)
		return;
	for (uint32_t i = 0; i < a->n_pos; i++)
		free(a->pos[i].slots);
	free(a->pos);
	free(a->pats);
	free(a->bytes);
	free(a->rules);
	free(a->floats);
	memset(a, 0, sizeof(*a));
}

/* The floating patterns of ent (last > off) into a->floats, their bytes at a->bytes + base. */
static void floats_fill(struct det_anchor *a, const struct det_anchor_entry *ent, uint32_t n,
			uint32_t base)
{
	for (uint32_t i = 0; i < n; i++) {
		if (ent[i].last == ent[i].off)
			continue;
		struct det_anchor_float *f = &a->floats[a->n_floats++];
		f->bytes = base;
		f->len = ent[i].len;
		f->first = ent[i].off;
		f->last = ent[i].last;
		f->nocase = ent[i].nocase;
		f->rule = ent[i].rule;
		memcpy(a->bytes + base, ent[i].pat, ent[i].len);
		base += ent[i].len;
	}
}

int det_anchor_build(struct det_anchor *a, const struct det_anchor_entry *ent, uint32_t n_all)
{
	memset(a, 0, sizeof(*a));
	uint32_t n = 0, n_floats = 0, float_bytes = 0;
	for (uint32_t i = 0; i < n_all; i++) {
		if (ent[i].last == ent[i].off) {
			n++;
		} else {
			n_floats++;
			float_bytes += ent[i].len;
		}
	}
	if (!n_all)
		return 0;
	struct anchor_sort *s = calloc(n ? n : 1, sizeof(*s));
	if (!s)
		return -1;
	for (uint32_t i = 0, k = 0; i < n_all; i++)
		if (ent[i].last == ent[i].off)
			s[k++].e = &ent[i];
	/* key length per offset: the shortest pattern there, at most four bytes */
	qsort(s, n, sizeof(*s), cmp_off);
	for (uint32_t i = 0, run = 0; i <= n; i++) {
		if (i < n && s[i].e->off == s[run].e->off)
			continue;
		uint8_t kl = 4;
		for (uint32_t j = run; j < i; j++)
			if (s[j].e->len < kl)
				kl = (uint8_t)s[j].e->len;
		for (uint32_t j = run; j < i; j++) {
			s[j].klen = kl;
			s[j].key = key_of(s[j].e->pat, kl);
		}
		run = i;
	}
	qsort(s, n, sizeof(*s), cmp_entry);

	uint32_t n_pats = 0, n_pos = 0, n_bytes = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i == 0 || !same_pattern(s[i - 1].e, s[i].e)) {
			n_pats++;
			n_bytes += s[i].e->len;
		}
		if (i == 0 || s[i - 1].e->off != s[i].e->off)
			n_pos++;
	}
	a->pos = calloc(n_pos ? n_pos : 1, sizeof(*a->pos));
	a->pats = calloc(n_pats ? n_pats : 1, sizeof(*a->pats));
	a->bytes = malloc(n_bytes + float_bytes ? n_bytes + float_bytes : 1);
	a->rules = calloc(n ? n : 1, sizeof(*a->rules));
	a->floats = calloc(n_floats ? n_floats : 1, sizeof(*a->floats));
	if (!a->pos || !a->pats || !a->bytes || !a->rules || !a->floats)
		goto oom;
	a->n_pos = n_pos;
	floats_fill(a, ent, n_all, n_bytes);

	/* patterns and their rules */
	uint32_t np = 0, nb = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct det_anchor_entry *e = s[i].e;
		if (i == 0 || !same_pattern(s[i - 1].e, e)) {
			struct det_anchor_pat *p = &a->pats[np++];
			p->bytes = nb;
			p->len = e->len;
			p->nocase = e->nocase;
			p->key = s[i].key;
			p->rule_off = i;
			memcpy(a->bytes + nb, e->pat, e->len);
			nb += e->len;
		}
		a->pats[np - 1].rule_end = i + 1;
		/* consecutive duplicates of one rule (the same content twice) are harmless */
		a->rules[i] = e->rule;
	}
	a->n_pats = np;

	/* offsets, each with a table from key to its range of patterns */
	uint32_t pi = 0;
	for (uint32_t k = 0; k < n_pos; k++) {
		struct det_anchor_pos *pos = &a->pos[k];
		uint32_t first = pi;
		/* the patterns of this offset: pats[first, pi) */
		uint16_t off = s[a->pats[first].rule_off].e->off;
		while (pi < np && s[a->pats[pi].rule_off].e->off == off)
			pi++;
		pos->off = off;
		pos->klen = s[a->pats[first].rule_off].klen;
		pos->min_len = UINT32_MAX;
		uint32_t keys = 0;
		for (uint32_t i = first; i < pi; i++) {
			if (i == first || a->pats[i].key != a->pats[i - 1].key)
				keys++;
			if (a->pats[i].len < pos->min_len)
				pos->min_len = a->pats[i].len;
		}
		uint32_t cap = 4;
		while (cap < keys * 2)
			cap <<= 1;
		pos->mask = cap - 1;
		pos->slots = calloc(cap, sizeof(*pos->slots));
		if (!pos->slots)
			goto oom;
		for (uint32_t i = first; i < pi; i++) {
			if (i != first && a->pats[i].key == a->pats[i - 1].key)
				continue;
			uint32_t end = i + 1;
			while (end < pi && a->pats[end].key == a->pats[i].key)
				end++;
			uint32_t hash = hash_of(a->pats[i].key);
			pos->bloom[bloom_bit(hash) / 64] |= 1ull << (bloom_bit(hash) % 64);
			uint32_t h = slot_of(hash, pos->mask);
			while (pos->slots[h].end)
				h = (h + 1) & pos->mask;
			pos->slots[h].key = a->pats[i].key;
			pos->slots[h].start = i;
			pos->slots[h].end = end;
		}
	}
	free(s);
	return 0;
oom:
	free(s);
	det_anchor_free(a);
	return -1;
}

void det_anchor_scan(struct detect_thread *t, const struct det_anchor *a, const uint8_t *data,
		     uint32_t len)
{
	for (uint32_t k = 0; k < a->n_floats; k++) {
		const struct det_anchor_float *f = &a->floats[k];
		const uint8_t *pat = a->bytes + f->bytes;
		for (uint32_t o = f->first; o <= f->last && o + f->len <= len; o++) {
			if (det_fold(data[o]) != det_fold(pat[0]) ||
			    !det_bytes_equal(pat, data + o, f->len, f->nocase))
				continue;
			t->stats.mpm_matches++;
			det_cand_add(t, f->rule);
			break;
		}
	}
	for (uint32_t k = 0; k < a->n_pos; k++) {
		const struct det_anchor_pos *pos = &a->pos[k];
		if ((uint32_t)pos->off + pos->min_len > len)
			continue;
		uint32_t key = (uint32_t)pos->off + 4 <= len ? key_of4(data + pos->off, pos->klen) :
			       key_of(data + pos->off, pos->klen);
		uint32_t hash = hash_of(key), bit = bloom_bit(hash);
		if (!(pos->bloom[bit / 64] >> (bit % 64) & 1))
			continue;
		uint32_t h = slot_of(hash, pos->mask);
		for (; pos->slots[h].end; h = (h + 1) & pos->mask) {
			if (pos->slots[h].key != key)
				continue;
			for (uint32_t i = pos->slots[h].start; i < pos->slots[h].end; i++) {
				const struct det_anchor_pat *p = &a->pats[i];
				if ((uint32_t)pos->off + p->len > len ||
				    !det_bytes_equal(a->bytes + p->bytes, data + pos->off, p->len, p->nocase))
					continue;
				t->stats.mpm_matches++;
				for (uint32_t r = p->rule_off; r < p->rule_end; r++)
					det_cand_add(t, a->rules[r]);
			}
			break;
		}
	}
}
