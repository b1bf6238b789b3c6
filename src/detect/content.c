/*
 * content.c — the content keyword inside the inspection engine: the search window from offset /
 * depth / startswith (absolute) or distance / within (relative to the previous match's end),
 * endswith, nocase, negation, values from byte_extract variables, and Suricata's backtracking:
 * when a later keyword relative to this content fails, the content retries at its next
 * occurrence (bounded by detect.inspection-recursion-limit).
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "detect/detect-int.h"

static inline bool is_letter(uint8_t c)
{
	return det_fold(c) >= 'a' && det_fold(c) <= 'z';
}

/*
 * The first occurrence of needle n in h (nocase: ASCII case-insensitive, as the prefilter's
 * caseless literals). Sixteen start positions at a time are filtered by the needle's first and
 * last bytes (a letter's two cases made one by or-ing 0x20 into the haystack byte, which only
 * the letter's own two cases turn into it); the few positions left are compared in full. The
 * buffers (headers, bodies, stream data) are long and the needle is rarely there.
 */
static const uint8_t *search_bytes(const uint8_t *h, uint32_t hlen, const uint8_t *n,
				   uint32_t nlen, bool nocase)
{
	if (!nlen || nlen > hlen)
		return nlen ? NULL : h;
	uint8_t first = nocase ? det_fold(n[0]) : n[0];
	uint8_t last = nocase ? det_fold(n[nlen - 1]) : n[nlen - 1];
	uint8_t fmask = nocase && is_letter(n[0]) ? 0x20 : 0;
	uint8_t lmask = nocase && is_letter(n[nlen - 1]) ? 0x20 : 0;
	uint32_t end = hlen - nlen + 1; /* start positions [0, end) */
	uint32_t i = 0;
#if defined(__SSE2__)
	const __m128i vf = _mm_set1_epi8((char)first), vl = _mm_set1_epi8((char)last);
	const __m128i mf = _mm_set1_epi8((char)fmask), ml = _mm_set1_epi8((char)lmask);
	for (; i + 16 <= end; i += 16) {
		__m128i f = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(h + i)), mf);
		__m128i l = _mm_or_si128(
			_mm_loadu_si128((const __m128i *)(const void *)(h + i + nlen - 1)), ml);
		uint32_t m = (uint32_t)_mm_movemask_epi8(
			_mm_and_si128(_mm_cmpeq_epi8(f, vf), _mm_cmpeq_epi8(l, vl)));
		for (; m; m &= m - 1) {
			uint32_t k = i + (uint32_t)__builtin_ctz(m);
			if (nlen <= 2 || det_bytes_equal(h + k + 1, n + 1, nlen - 2, nocase))
				return h + k;
		}
	}
#endif
	for (; i < end; i++)
		if ((uint8_t)(h[i] | fmask) == first && (uint8_t)(h[i + nlen - 1] | lmask) == last &&
		    (nlen <= 2 || det_bytes_equal(h + i + 1, n + 1, nlen - 2, nocase)))
			return h + i;
	return NULL;
}

static const uint8_t *search(const uint8_t *h, uint32_t hlen, const struct rule_content *c)
{
	return search_bytes(h, hlen, c->pat, c->len, c->flags & RULE_CF_NOCASE);
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
