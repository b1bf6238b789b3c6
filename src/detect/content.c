/*
 * content.c — the content keyword inside the inspection engine: the search window from offset /
 * depth / startswith (absolute) or distance / within (relative to the previous match's end),
 * endswith, nocase, negation, values from byte_extract variables, and Suricata's backtracking:
 * when a later keyword relative to this content fails, the content retries at its next
 * occurrence (bounded by detect.inspection-recursion-limit).
 */
#include <string.h>

#include "detect/detect-int.h"

static inline uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* ASCII case-insensitive search (as the prefilter's caseless literals). The first byte's two
 * cases are located with memchr, which is vectorised, instead of testing every position: the
 * buffers (headers, bodies) are long and the first byte is rarely there. */
static const uint8_t *search_nocase(const uint8_t *h, uint32_t hlen, const uint8_t *n,
				    uint32_t nlen)
{
	if (nlen > hlen)
		return NULL;
	uint8_t lo = fold(n[0]), up = lo >= 'a' && lo <= 'z' ? (uint8_t)(lo - 32) : lo;
	const uint8_t *end = h + (hlen - nlen) + 1; /* a match starts before end */
	const uint8_t *pl = memchr(h, lo, (size_t)(end - h));
	const uint8_t *pu = up != lo ? memchr(h, up, (size_t)(end - h)) : NULL;
	while (pl || pu) {
		bool from_lo = pl && (!pu || pl < pu);
		const uint8_t *c = from_lo ? pl : pu;
		uint32_t k = 1;
		while (k < nlen && fold(c[k]) == fold(n[k]))
			k++;
		if (k == nlen)
			return c;
		if (from_lo)
			pl = memchr(c + 1, lo, (size_t)(end - (c + 1)));
		else
			pu = memchr(c + 1, up, (size_t)(end - (c + 1)));
	}
	return NULL;
}

static const uint8_t *search(const uint8_t *h, uint32_t hlen, const struct rule_content *c)
{
	if (c->len > hlen)
		return NULL;
	if (c->flags & RULE_CF_NOCASE)
		return search_nocase(h, hlen, c->pat, c->len);
	return memmem(h, hlen, c->pat, c->len);
}

/* The result of this content cannot change on a retry of an earlier keyword. */
static bool content_independent(const struct rule_content *c)
{
	return !(c->flags & (RULE_CF_DISTANCE | RULE_CF_WITHIN)) && c->offset.var < 0 &&
	       c->depth.var < 0;
}

int det_op_content(struct det_ictx *c, uint32_t i, uint32_t pos)
{
	const struct det_op *op = &c->prog->ops[i];
	const struct rule_content *ct = &op->m->u.content;
	const struct detect_thread *t = c->t;
	int64_t len = c->len, start = 0, end = len;

	if (ct->flags & (RULE_CF_DISTANCE | RULE_CF_WITHIN)) {
		int64_t dist = (ct->flags & RULE_CF_DISTANCE) ? det_intref(t, &ct->distance) : 0;
		start = (int64_t)pos + dist;
		if (ct->flags & RULE_CF_WITHIN) {
			int64_t e = start + det_intref(t, &ct->within);
			if (e < end)
				end = e;
		}
		if (start < 0)
			start = 0;
	} else if (ct->flags & RULE_CF_STARTSWITH) {
		end = ct->len < end ? ct->len : end;
	} else {
		if (ct->flags & RULE_CF_OFFSET)
			start = det_intref(t, &ct->offset);
		if (ct->flags & RULE_CF_DEPTH) {
			/* depth counts from the offset */
			int64_t e = start + det_intref(t, &ct->depth);
			if (e < end)
				end = e;
		}
		if (start < 0)
			start = 0;
	}
	if (ct->flags & RULE_CF_ENDSWITH) {
		int64_t s = len - (int64_t)ct->len;
		if (s < start)
			s = -1; /* cannot both end at the end and start in the window */
		start = s;
	}
	bool neg = ct->flags & RULE_CF_NEGATED;
	int fail = content_independent(ct) ? DET_ABORT : DET_NOMATCH;
	for (;;) {
		const uint8_t *hit = NULL;
		if (start >= 0 && start <= end && end - start >= (int64_t)ct->len)
			hit = search(c->buf + start, (uint32_t)(end - start), ct);
		if (!hit) {
			if (neg)
				return det_ops_run(c, i + 1, pos);
			return fail;
		}
		if (neg)
			return fail;
		uint32_t mstart = (uint32_t)(hit - c->buf);
		uint32_t mend = mstart + ct->len;
		int r = det_ops_run(c, i + 1, mend);
		if (r != DET_NOMATCH || !op->rel_next)
			return r;
		/* a later relative keyword failed: try the next occurrence */
		start = (int64_t)mstart + 1;
		if (ct->flags & RULE_CF_ENDSWITH)
			return DET_NOMATCH;
	}
}
