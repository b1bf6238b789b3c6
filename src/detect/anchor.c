/*
 * anchor.c — the prefilter for packet payload patterns near the payload's start.
 *
 * Most window-limited fast patterns of a rule set (ET Open: 98%) say exactly where they are:
 * `content:"|00 01|"; depth:2;`, `offset:4; depth:4;`, `startswith`. Handing those to
 * Hyperscan costs a scan call of its own per packet (a few hundred cycles for a few dozen
 * bytes). Here they are looked up instead: per distinct offset, one hash probe of the
 * payload's bytes there (a key of up to four bytes, ASCII case folded), then a comparison with
 * the patterns sharing that key. A group's patterns sit at a handful of offsets, so a packet
 * costs a handful of probes. mpm.c decides which patterns come here (a short pattern that may
 * float in a small window is entered at each offset it may start at).
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"

static inline uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* The case-folded key of the klen (1..4) bytes at p. */
static inline uint32_t key_of(const uint8_t *p, uint8_t klen)
{
	uint32_t k = 0;
	for (uint8_t i = 0; i < klen; i++)
		k = k << 8 | fold(p[i]);
	return k;
}

static inline uint32_t slot_of(uint32_t key, uint32_t mask)
{
	return (uint32_t)((key * 0x9E3779B1u) >> 7) & mask;
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
	memset(a, 0, sizeof(*a));
}

int det_anchor_build(struct det_anchor *a, const struct det_anchor_entry *ent, uint32_t n)
{
	memset(a, 0, sizeof(*a));
	if (!n)
		return 0;
	struct anchor_sort *s = calloc(n, sizeof(*s));
	if (!s)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		s[i].e = &ent[i];
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
	a->pos = calloc(n_pos, sizeof(*a->pos));
	a->pats = calloc(n_pats, sizeof(*a->pats));
	a->bytes = malloc(n_bytes ? n_bytes : 1);
	a->rules = calloc(n, sizeof(*a->rules));
	if (!a->pos || !a->pats || !a->bytes || !a->rules)
		goto oom;
	a->n_pos = n_pos;

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
			uint32_t h = slot_of(a->pats[i].key, pos->mask);
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

static bool pat_equal(const uint8_t *pat, const uint8_t *data, uint32_t len, bool nocase)
{
	if (!nocase)
		return memcmp(pat, data, len) == 0;
	for (uint32_t i = 0; i < len; i++)
		if (fold(pat[i]) != fold(data[i]))
			return false;
	return true;
}

void det_anchor_scan(struct detect_thread *t, const struct det_anchor *a, const uint8_t *data,
		     uint32_t len)
{
	for (uint32_t k = 0; k < a->n_pos; k++) {
		const struct det_anchor_pos *pos = &a->pos[k];
		if ((uint32_t)pos->off + pos->min_len > len)
			continue;
		uint32_t key = key_of(data + pos->off, pos->klen);
		uint32_t h = slot_of(key, pos->mask);
		for (; pos->slots[h].end; h = (h + 1) & pos->mask) {
			if (pos->slots[h].key != key)
				continue;
			for (uint32_t i = pos->slots[h].start; i < pos->slots[h].end; i++) {
				const struct det_anchor_pat *p = &a->pats[i];
				if ((uint32_t)pos->off + p->len > len ||
				    !pat_equal(a->bytes + p->bytes, data + pos->off, p->len, p->nocase))
					continue;
				t->stats.mpm_matches++;
				for (uint32_t r = p->rule_off; r < p->rule_end; r++)
					det_cand_add(t, a->rules[r]);
			}
			break;
		}
	}
}
