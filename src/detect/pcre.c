/*
 * pcre.c — the pcre keyword inside the inspection engine, with the engine's JIT-compiled copy of
 * the regex. R (relative) starts the subject at the cursor, as Suricata does, so `^` anchors
 * there; B is a no-op for packet payloads; O lifts the configured match limits. A match limit
 * hit counts as no match. Like content, a relative successor that fails makes the regex retry
 * one byte after its previous match start. Captures into flow variables ("flow:name" capture
 * targets, named groups flow_name) are noted on each match and kept when the rule matches
 * (det_captures_commit); pkt: targets are not stored.
 */
#include "detect/detect-int.h"

/* Note the op's capture groups of this match (a later match of the same variable replaces). */
static void note_captures(struct detect_thread *t, const struct det_op *op, const PCRE2_SIZE *ov,
			  uint32_t n_groups, const uint8_t *subject)
{
	for (uint8_t k = 0; k < op->n_cap; k++) {
		uint32_t g = op->cap_group[k];
		if (g >= n_groups || ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g])
			continue;
		uint8_t slot = 0;
		while (slot < t->n_cap && t->cap[slot].var != op->cap_var[k])
			slot++;
		if (slot == DET_MAX_CAPTURES)
			continue;
		if (slot == t->n_cap)
			t->n_cap++;
		size_t len = ov[2 * g + 1] - ov[2 * g];
		if (len > DET_FLOWVAR_MAX)
			len = DET_FLOWVAR_MAX;
		t->cap[slot].var = op->cap_var[k];
		t->cap[slot].len = (uint16_t)len;
		memcpy(t->cap[slot].val, subject + ov[2 * g], len);
	}
}

int det_op_pcre(struct det_ictx *c, uint32_t i, uint32_t pos)
{
	const struct det_op *op = &c->prog->ops[i];
	const struct rule_pcre *pc = &op->m->u.pcre;
	struct detect_thread *t = c->t;
	bool rel = pc->flags & RULE_PCRE_RELATIVE;
	bool neg = pc->flags & RULE_PCRE_NEGATED;
	uint32_t base = rel ? pos : 0;
	int fail = rel ? DET_NOMATCH : DET_ABORT;
	if (base > c->len)
		return neg ? det_ops_run(c, i + 1, pos) : fail;
	pcre2_match_context *mctx =
		(pc->flags & RULE_PCRE_NO_ANCHOR_OPT) ? t->mctx_unlimited : t->mctx;
	PCRE2_SIZE from = 0;
	for (;;) {
		int rc = pcre2_match(op->re, c->buf + base, c->len - base, from, 0, t->md, mctx);
		if (rc < 0) {
			/* no match, or a limit was hit: both are "no match" */
			if (neg)
				return det_ops_run(c, i + 1, pos);
			return fail;
		}
		if (neg)
			return fail;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(t->md);
		if (op->n_cap) /* rc 0: more groups than the match data holds, keep what it has */
			note_captures(t, op, ov, rc ? (uint32_t)rc : pcre2_get_ovector_count(t->md),
				      c->buf + base);
		PCRE2_SIZE ms = ov[0], me = ov[1];
		if (me < ms || me > c->len - base) /* \K can put the end before the start */
			me = ms;
		int r = det_ops_run(c, i + 1, base + (uint32_t)me);
		if (r != DET_NOMATCH || !op->rel_next)
			return r;
		from = ms + 1;
		if (from > c->len - base)
			return DET_NOMATCH;
	}
}
