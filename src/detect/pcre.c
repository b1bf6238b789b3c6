/*
 * pcre.c — the pcre keyword inside the inspection engine, with the engine's JIT-compiled copy of
 * the regex. R (relative) starts the subject at the cursor, as Suricata does, so `^` anchors
 * there; B is a no-op for packet payloads; O lifts the configured match limits. A match limit
 * hit counts as no match. Like content, a relative successor that fails makes the regex retry
 * one byte after its previous match start. Captures into pkt/flow variables are not stored.
 */
#include "detect/detect-int.h"

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
