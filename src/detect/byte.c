/*
 * byte.c — the number-reading keywords of the inspection engine: byte_test, byte_jump,
 * byte_extract and byte_math (big/little endian or text in base 8/10/16, bitmask, multiplier,
 * align, from_beginning/from_end, post_offset, values from variables), isdataat (absolute,
 * relative, negated), base64_decode (which inspects the rule's base64_data program on the
 * decoded bytes) and bsize. `dce` has no DCERPC context here, so it reads little endian (the
 * representation DCERPC uses almost always).
 */
#include <string.h>

#include "detect/detect-int.h"

/* The byte count: fixed, or (byte_test/byte_jump) a variable that must hold 0-8, or 1-23 with
 * "string", when the keyword runs; -1 when it does not (the keyword then cannot match). A
 * variable holding 0 reads nothing and yields the value 0, as in Suricata, while a literal 0
 * never matches. */
static int32_t byte_count(const struct det_ictx *c, const struct rule_byte *b)
{
	if (b->nbytes_var < 0)
		return b->nbytes ? b->nbytes : -1;
	if (b->nbytes_var >= DET_MAX_VARS)
		return -1;
	int64_t n = c->t->vars[b->nbytes_var];
	bool str = b->flags & RULE_BF_STRING;
	if (n < (str ? 1 : 0) || n > (str ? 23 : 8))
		return -1;
	return (int32_t)n;
}

/* Read the number a byte_* keyword names at `at`. false when out of the buffer or not a
 * number. */
static bool byte_read(const struct det_ictx *c, const struct rule_byte *b, int64_t at,
		      uint64_t *out)
{
	int32_t nbytes = byte_count(c, b);
	if (at < 0 || nbytes < 0 || at + nbytes > (int64_t)c->len)
		return false;
	const uint8_t *p = c->buf + at;
	uint64_t v = 0;
	if (b->flags & RULE_BF_STRING) {
		uint32_t base = b->base ? b->base : 10, digits = 0;
		for (int32_t i = 0; i < nbytes; i++) {
			uint32_t d;
			uint8_t ch = p[i];
			if (ch >= '0' && ch <= '9')
				d = ch - '0';
			else if (ch >= 'a' && ch <= 'f')
				d = ch - 'a' + 10;
			else if (ch >= 'A' && ch <= 'F')
				d = ch - 'A' + 10;
			else
				break;
			if (d >= base)
				break;
			if (v > (UINT64_MAX - d) / base)
				return false; /* overflow */
			v = v * base + d;
			digits++;
		}
		if (!digits)
			return false;
	} else if (b->flags & (RULE_BF_LITTLE | RULE_BF_DCE)) {
		for (int32_t i = nbytes; i-- > 0;)
			v = v << 8 | p[i];
	} else {
		for (int32_t i = 0; i < nbytes; i++)
			v = v << 8 | p[i];
	}
	if (b->flags & RULE_BF_BITMASK) {
		v &= b->bitmask;
		if (b->bitmask)
			v >>= __builtin_ctz(b->bitmask);
	}
	*out = v;
	return true;
}

static int64_t read_pos(const struct det_ictx *c, const struct rule_byte *b, uint32_t pos)
{
	int64_t off = det_intref(c->t, &b->offset);
	return ((b->flags & RULE_BF_RELATIVE) ? (int64_t)pos : 0) + off;
}

static bool byte_test_cmp(const struct rule_byte *b, uint64_t v, uint64_t x)
{
	bool r;
	switch (b->op) {
	case RULE_BOP_LT: r = v < x; break;
	case RULE_BOP_GT: r = v > x; break;
	case RULE_BOP_EQ: r = v == x; break;
	case RULE_BOP_LE: r = v <= x; break;
	case RULE_BOP_GE: r = v >= x; break;
	case RULE_BOP_AND: r = (v & x) != 0; break;
	case RULE_BOP_XOR: r = (v ^ x) != 0; break;
	default: r = false; break;
	}
	return (b->flags & RULE_BF_NEGATED) ? !r : r;
}

static void var_set(struct detect_thread *t, int16_t var, uint64_t v)
{
	if (var >= 0 && var < DET_MAX_VARS)
		t->vars[var] = (int64_t)(v > INT64_MAX ? INT64_MAX : v);
}

static uint64_t scale(const struct rule_byte *b, uint64_t v)
{
	if (b->multiplier)
		v *= b->multiplier;
	if ((b->flags & RULE_BF_ALIGN) && (v % 4))
		v += 4 - (v % 4);
	return v;
}

/* A keyword whose outcome a retry of an earlier keyword cannot change. */
static int fail_code(const struct rule_byte *b)
{
	return (b->flags & RULE_BF_RELATIVE) || b->offset.var >= 0 || b->value.var >= 0 ||
			       b->nbytes_var >= 0
		       ? DET_NOMATCH
		       : DET_ABORT;
}

uint32_t det_base64_decode(const uint8_t *in, uint32_t inlen, uint8_t *out, uint32_t outlen)
{
	uint32_t acc = 0, bits = 0, n = 0;
	for (uint32_t i = 0; i < inlen && n < outlen; i++) {
		uint8_t ch = in[i];
		uint32_t v;
		if (ch >= 'A' && ch <= 'Z')
			v = ch - 'A';
		else if (ch >= 'a' && ch <= 'z')
			v = ch - 'a' + 26;
		else if (ch >= '0' && ch <= '9')
			v = ch - '0' + 52;
		else if (ch == '+')
			v = 62;
		else if (ch == '/')
			v = 63;
		else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		else
			break; /* '=' padding or garbage ends the encoded run */
		acc = acc << 6 | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return n;
}

int det_op_byte(struct det_ictx *c, const struct det_op *op, uint32_t pos, uint32_t *newpos)
{
	const struct rule_match *m = op->m;
	struct detect_thread *t = c->t;
	*newpos = pos;
	switch (op->type) {
	case DET_OP_BYTE_TEST: {
		const struct rule_byte *b = &m->u.byte;
		uint64_t v;
		if (!byte_read(c, b, read_pos(c, b, pos), &v))
			return fail_code(b);
		uint64_t x = (uint64_t)(uint32_t)det_intref(t, &b->value);
		if (b->value.var >= 0)
			x = (uint64_t)det_intref(t, &b->value);
		return byte_test_cmp(b, v, x) ? DET_MATCH : fail_code(b);
	}
	case DET_OP_BYTE_JUMP: {
		const struct rule_byte *b = &m->u.byte;
		int64_t at = read_pos(c, b, pos);
		uint64_t v = 0;
		/* 0 bytes: no number, the cursor moves by post_offset only (Suricata, bug 4623) */
		bool zero = b->nbytes_var < 0 && b->nbytes == 0;
		if (zero && (at < 0 || at > (int64_t)c->len))
			return fail_code(b);
		if (!zero && !byte_read(c, b, at, &v))
			return fail_code(b);
		v = scale(b, v);
		if (v > UINT32_MAX)
			return fail_code(b);
		int64_t from = (b->flags & RULE_BF_FROM_BEGINNING) ? 0
			       : (b->flags & RULE_BF_FROM_END) ? (int64_t)c->len
							       : at + (zero ? 0 : byte_count(c, b));
		int64_t np = from + (int64_t)v + b->post_offset;
		if (np < 0)
			np = 0;
		if (np > (int64_t)c->len)
			return fail_code(b);
		*newpos = (uint32_t)np;
		return DET_MATCH;
	}
	case DET_OP_BYTE_EXTRACT: {
		const struct rule_byte *b = &m->u.byte;
		int64_t at = read_pos(c, b, pos);
		uint64_t v;
		if (!byte_read(c, b, at, &v))
			return fail_code(b);
		var_set(t, b->result_var, scale(b, v));
		*newpos = (uint32_t)(at + b->nbytes);
		return DET_MATCH;
	}
	case DET_OP_BYTE_MATH: {
		const struct rule_byte *b = &m->u.byte;
		uint64_t v, r;
		if (!byte_read(c, b, read_pos(c, b, pos), &v))
			return fail_code(b);
		uint64_t x = (uint64_t)det_intref(t, &b->value);
		switch (b->op) {
		case RULE_BOP_ADD: r = v + x; break;
		case RULE_BOP_SUB: r = v - x; break;
		case RULE_BOP_MUL: r = v * x; break;
		case RULE_BOP_DIV:
			if (!x)
				return fail_code(b);
			r = v / x;
			break;
		case RULE_BOP_SHL: r = x >= 64 ? 0 : v << x; break;
		case RULE_BOP_SHR: r = x >= 64 ? 0 : v >> x; break;
		default: return DET_ABORT;
		}
		var_set(t, b->result_var, (uint32_t)r);
		return DET_MATCH;
	}
	case DET_OP_ISDATAAT: {
		int64_t off = m->u.isdataat.var >= 0 && m->u.isdataat.var < DET_MAX_VARS
				      ? t->vars[m->u.isdataat.var]
				      : m->u.isdataat.offset;
		int64_t at = (m->u.isdataat.relative ? (int64_t)pos : 0) + off;
		bool present = at >= 0 && at < (int64_t)c->len;
		if (present != m->u.isdataat.negated)
			return DET_MATCH;
		return m->u.isdataat.relative || m->u.isdataat.var >= 0 ? DET_NOMATCH : DET_ABORT;
	}
	case DET_OP_BASE64_DECODE: {
		int64_t at = (m->u.base64.relative ? (int64_t)pos : 0) + m->u.base64.offset;
		if (at >= (int64_t)c->len)
			return DET_NOMATCH;
		uint32_t in = c->len - (uint32_t)at;
		if (m->u.base64.bytes && m->u.base64.bytes < in)
			in = m->u.base64.bytes;
		uint32_t n = det_base64_decode(c->buf + at, in, t->b64_buf, DET_B64_MAX);
		if (!n)
			return DET_NOMATCH;
		if (!c->dr->b64.n_ops)
			return DET_MATCH;
		/* inspect base64_data now, with its own cursor; the payload cursor is kept */
		struct det_ictx sub = *c;
		sub.prog = &c->dr->b64;
		sub.buf = t->b64_buf;
		sub.len = n;
		return det_ops_run(&sub, 0, 0) == DET_MATCH ? DET_MATCH : DET_NOMATCH;
	}
	case DET_OP_BSIZE:
		return detect_num_match(&m->u.num, c->len) ? DET_MATCH : DET_ABORT;
	default:
		return DET_ABORT;
	}
}
