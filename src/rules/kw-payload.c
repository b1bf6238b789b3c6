/*
 * kw-payload.c — argument parsers of the payload keywords: content (quoted text, |hex| blocks,
 * escapes, negation) and its modifiers (nocase, depth, offset, distance, within, startswith,
 * endswith, fast_pattern, rawbytes, legacy http_* buffer modifiers), sticky buffers and
 * transforms, pcre (compiled with PCRE2 at load; no JIT here), byte_test/jump/extract/math,
 * isdataat and base64_decode. Conflicts between modifiers are reported where they occur.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/internal.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode a content string (without quotes) with |hex| blocks and \ escapes. `base` is the
 * offset of s in the logical text for positions. Returns length or -1. */
static long content_decode(struct rules_parse_ctx *ctx, const char *s, size_t n, size_t base,
			   uint8_t *out)
{
	long o = 0;
	bool hex = false;
	int hi = -1;
	size_t hex_start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (hex) {
			if (c == '|') {
				if (hi >= 0) {
					rules_diag_add(ctx, RULE_SEV_ERROR, base + i, 1, "content-hex",
						       "odd number of hex digits in content");
					return -1;
				}
				hex = false;
			} else if (isspace(c)) {
				if (hi >= 0) {
					rules_diag_add(ctx, RULE_SEV_ERROR, base + i, 1, "content-hex",
						       "hex byte split by a space in content");
					return -1;
				}
			} else if (hexval(c) >= 0) {
				if (hi < 0) {
					hi = hexval(c);
				} else {
					out[o++] = (uint8_t)(hi << 4 | hexval(c));
					hi = -1;
				}
			} else {
				rules_diag_add(ctx, RULE_SEV_ERROR, base + i, 1, "content-hex",
					       "invalid hex character '%c' in content", c);
				return -1;
			}
			continue;
		}
		if (c == '|') {
			hex = true;
			hex_start = i;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= n) {
				rules_diag_add(ctx, RULE_SEV_ERROR, base + i, 1, "content-escape",
					       "content ends with a lone backslash");
				return -1;
			}
			char e = s[i + 1];
			if (e != '"' && e != ';' && e != '\\' && e != ':' && e != '|') {
				rules_diag_add(ctx, RULE_SEV_ERROR, base + i, 2, "content-escape",
					       "invalid escape \"\\%c\" in content (only \\\" \\; \\: "
					       "\\\\ \\| are allowed; use |%02X| for other bytes)",
					       e, (unsigned char)e);
				return -1;
			}
			out[o++] = (uint8_t)e;
			i++;
			continue;
		}
		if (c == '"') {
			rules_diag_add(ctx, RULE_SEV_ERROR, base + i, 1, "content-escape",
				       "unescaped '\"' inside content");
			return -1;
		}
		out[o++] = c;
	}
	if (hex) {
		rules_diag_add(ctx, RULE_SEV_ERROR, base + hex_start, 1, "content-hex",
			       "unterminated |hex| block in content");
		return -1;
	}
	return o;
}

/* Strip surrounding quotes of `arg` (offset arg_off); *neg for a leading '!'. Returns the
 * inner text and its length/offset; NULL after a diagnostic. */
static const char *unquote(struct rules_parse_ctx *ctx, const char *arg, bool allow_neg,
			   bool last_quote, bool *neg, size_t *len, size_t *off)
{
	const char *p = arg;
	*neg = false;
	if (*p == '!') {
		if (!allow_neg) {
			rules_opt_error(ctx, "keyword-arg", "%s cannot be negated", ctx->kw->name);
			return NULL;
		}
		*neg = true;
		p++;
		while (isspace((unsigned char)*p))
			p++;
	}
	size_t n = strlen(p);
	if (*p == '"') {
		/* find the closing quote: the last unescaped '"' */
		size_t close = 0;
		/* pcre patterns may hold bare quotes: Suricata takes up to the last one */
		if (last_quote && n >= 2 && p[n - 1] == '"')
			close = n - 1;
		for (size_t i = 1; i < n && !close; i++) {
			if (p[i] == '\\' && i + 1 < n) {
				i++;
				continue;
			}
			if (p[i] == '"') {
				close = i;
				break;
			}
		}
		if (!close) {
			rules_opt_error(ctx, "keyword-arg", "%s: missing closing quote",
					ctx->kw->name);
			return NULL;
		}
		const char *rest = p + close + 1;
		while (isspace((unsigned char)*rest))
			rest++;
		if (*rest) {
			if (*rest == ',')
				rules_diag_add(ctx, RULE_SEV_ERROR,
					       ctx->arg_off + (size_t)(rest - arg), strlen(rest),
					       "snort3-syntax",
					       "\"%s\" after the quoted string is Snort 3 syntax; in "
					       "Suricata write the modifiers as separate options",
					       rest);
			else
				rules_diag_add(ctx, RULE_SEV_ERROR,
					       ctx->arg_off + (size_t)(rest - arg), strlen(rest),
					       "keyword-arg", "unexpected text after the quoted %s",
					       ctx->kw->name);
			return NULL;
		}
		*len = close - 1;
		*off = ctx->arg_off + (size_t)(p + 1 - arg);
		return p + 1;
	}
	*len = n;
	*off = ctx->arg_off + (size_t)(p - arg);
	return p;
}

RULES_KW_PARSER(kw_content)
{
	bool neg;
	size_t n, off;
	const char *s = unquote(ctx, arg, true, false, &neg, &n, &off);
	if (!s)
		return -1;
	if (n == 0)
		return rules_opt_error(ctx, "content-empty", "empty content");
	uint8_t *buf = malloc(n);
	if (!buf)
		return rules_opt_error(ctx, "memory", "out of memory");
	long len = content_decode(ctx, s, n, off, buf);
	if (len < 0) {
		free(buf);
		return -1;
	}
	if (len == 0 || len > RULES_MAX_CONTENT) {
		free(buf);
		return rules_opt_error(ctx, "content-empty", "content length %ld out of range 1-%d",
				       len, RULES_MAX_CONTENT);
	}
	uint16_t buffer = ctx->cur_buf;
	if (strcmp(kw->name, "uricontent") == 0)
		buffer = (uint16_t)rules_buffer_lookup("http.uri");
	struct pmatch *pm = rules_match_new(ctx, buffer);
	const uint8_t *pat = pm ? arena_memdup(&ctx->rs->arena, buf, (size_t)len) : NULL;
	free(buf);
	if (!pm || !pat)
		return rules_opt_error(ctx, "memory", "out of memory");
	pm->m.u.content.pat = pat;
	pm->m.u.content.len = (uint32_t)len;
	pm->m.u.content.flags = neg ? RULE_CF_NEGATED : 0;
	pm->m.u.content.offset.var = pm->m.u.content.depth.var = -1;
	pm->m.u.content.distance.var = pm->m.u.content.within.var = -1;
	ctx->last_content = (int)ctx->matches.n - 1;
	return 0;
}

static struct pmatch *last_content(struct rules_parse_ctx *ctx)
{
	if (ctx->last_content < 0) {
		rules_opt_error(ctx, "content-modifier-without-content",
				"%s needs a preceding content in the same buffer%s", ctx->kw->name,
				strncmp(ctx->kw->name, "http_", 5) == 0
					? " (Snort 3 uses it as a sticky buffer; in Suricata use "
					  "the dotted sticky-buffer name before the content)"
					: "");
		return NULL;
	}
	return VEC_AT(&ctx->matches, struct pmatch, (size_t)ctx->last_content);
}

static int set_intref(struct rules_parse_ctx *ctx, const char *arg, int64_t min, int64_t max,
		      struct rule_intref *out)
{
	int rc = rules_parse_intref(ctx, arg, min, max, out);
	if (rc == -2)
		return rules_opt_error(ctx, "var-undefined",
				       "%s: \"%s\" is not a number nor a byte_extract/byte_math "
				       "variable defined earlier in the rule",
				       ctx->kw->name, arg);
	if (rc < 0)
		return rules_opt_error(ctx, "keyword-arg", "%s: invalid value \"%s\" (%lld to %lld)",
				       ctx->kw->name, arg, (long long)min, (long long)max);
	return 0;
}

RULES_KW_PARSER(kw_content_mod)
{
	struct pmatch *pm = last_content(ctx);
	if (!pm)
		return -1;
	struct rule_content *c = &pm->m.u.content;
	const char *n = kw->name;
	uint32_t f = c->flags;
	if (strcmp(n, "nocase") == 0) {
		if (f & RULE_CF_NOCASE)
			return rules_opt_error(ctx, "modifier-duplicate",
					       "nocase given twice for the same content");
		c->flags |= RULE_CF_NOCASE;
	} else if (strcmp(n, "rawbytes") == 0) {
		c->flags |= RULE_CF_RAWBYTES;
	} else if (strcmp(n, "depth") == 0 || strcmp(n, "offset") == 0) {
		bool depth = n[0] == 'd';
		uint32_t bit = depth ? RULE_CF_DEPTH : RULE_CF_OFFSET;
		if (f & bit)
			return rules_opt_error(ctx, "modifier-duplicate", "%s given twice", n);
		if (f & (RULE_CF_DISTANCE | RULE_CF_WITHIN))
			return rules_opt_error(ctx, "modifier-conflict",
					       "%s cannot be combined with distance/within on the "
					       "same content (absolute vs relative)",
					       n);
		if (f & RULE_CF_STARTSWITH)
			return rules_opt_error(ctx, "modifier-conflict",
					       "%s cannot be combined with startswith", n);
		struct rule_intref *r = depth ? &c->depth : &c->offset;
		if (set_intref(ctx, arg, depth ? 1 : 0, 65535, r) < 0)
			return -1;
		if (depth && r->var < 0 && (uint32_t)r->value < c->len)
			return rules_opt_error(ctx, "depth-too-small",
					       "depth %d is smaller than the content length %u: "
					       "the content can never match",
					       r->value, c->len);
		c->flags |= bit;
	} else if (strcmp(n, "distance") == 0 || strcmp(n, "within") == 0) {
		bool within = n[0] == 'w';
		uint32_t bit = within ? RULE_CF_WITHIN : RULE_CF_DISTANCE;
		if (f & bit)
			return rules_opt_error(ctx, "modifier-duplicate", "%s given twice", n);
		if (f & (RULE_CF_DEPTH | RULE_CF_OFFSET))
			return rules_opt_error(ctx, "modifier-conflict",
					       "%s cannot be combined with depth/offset on the "
					       "same content (relative vs absolute)",
					       n);
		if (f & RULE_CF_STARTSWITH)
			return rules_opt_error(ctx, "modifier-conflict",
					       "%s cannot be combined with startswith", n);
		struct rule_intref *r = within ? &c->within : &c->distance;
		if (set_intref(ctx, arg, within ? 1 : -65535, 65535, r) < 0)
			return -1;
		if (within && r->var < 0 && (uint32_t)r->value < c->len)
			return rules_opt_error(ctx, "depth-too-small",
					       "within %d is smaller than the content length %u: "
					       "the content can never match",
					       r->value, c->len);
		c->flags |= bit;
	} else if (strcmp(n, "startswith") == 0) {
		if (f & (RULE_CF_DEPTH | RULE_CF_OFFSET | RULE_CF_DISTANCE | RULE_CF_WITHIN))
			return rules_opt_error(ctx, "modifier-conflict",
					       "startswith cannot be combined with depth, offset, "
					       "distance or within");
		if (f & RULE_CF_STARTSWITH)
			return rules_opt_error(ctx, "modifier-duplicate", "startswith given twice");
		c->flags |= RULE_CF_STARTSWITH;
	} else if (strcmp(n, "endswith") == 0) {
		if (f & RULE_CF_ENDSWITH)
			return rules_opt_error(ctx, "modifier-duplicate", "endswith given twice");
		c->flags |= RULE_CF_ENDSWITH;
	} else if (strcmp(n, "fast_pattern") == 0) {
		for (size_t i = 0; i < ctx->matches.n; i++) {
			struct pmatch *q = VEC_AT(&ctx->matches, struct pmatch, i);
			if (q->m.kw && (strcmp(q->m.kw->name, "content") == 0 ||
					strcmp(q->m.kw->name, "uricontent") == 0) &&
			    (q->m.u.content.flags & RULE_CF_FAST_PATTERN))
				return rules_opt_error(ctx, "modifier-duplicate",
						       "fast_pattern set on more than one content");
		}
		c->flags |= RULE_CF_FAST_PATTERN;
		if (arg && strcmp(arg, "only") == 0) {
			if (f & RULE_CF_NEGATED)
				return rules_opt_error(ctx, "modifier-conflict",
						       "fast_pattern:only cannot be used with a "
						       "negated content");
			c->flags |= RULE_CF_FP_ONLY;
		} else if (arg) {
			char tmp[64], *parts[3];
			snprintf(tmp, sizeof(tmp), "%s", arg);
			int np = rules_split_commas(tmp, parts, 3);
			int64_t a, b;
			if (np != 2 || rules_parse_i64(parts[0], 0, 65535, &a) < 0 ||
			    rules_parse_i64(parts[1], 1, 65535, &b) < 0)
				return rules_opt_error(ctx, "keyword-arg",
						       "fast_pattern: expected \"only\" or "
						       "\"offset,length\", got \"%s\"",
						       arg);
			if ((uint64_t)a + (uint64_t)b > c->len)
				return rules_opt_error(ctx, "keyword-arg",
						       "fast_pattern %lld,%lld goes past the end of "
						       "the %u-byte content",
						       (long long)a, (long long)b, c->len);
			if (f & RULE_CF_NEGATED)
				return rules_opt_error(ctx, "modifier-conflict",
						       "fast_pattern chop cannot be used with a "
						       "negated content");
			c->flags |= RULE_CF_FP_CHOP;
			c->fp_chop_offset = (uint16_t)a;
			c->fp_chop_len = (uint16_t)b;
		}
	}
	return 0;
}

RULES_KW_PARSER(kw_legacy_buffer)
{
	struct pmatch *pm = last_content(ctx);
	if (!pm)
		return -1;
	if (pm->buffer != RULES_BUF_PAYLOAD)
		return rules_opt_error(ctx, "modifier-conflict",
				       "%s used while sticky buffer %s is set (the content is "
				       "already there); use the dotted sticky buffer, or reset with "
				       "pkt_data first",
				       kw->name, rules_buffer_name(pm->buffer));
	/* the content leaves the payload; later relative keywords follow it there */
	pm->buffer = kw->buffer;
	return 0;
}

/* A sticky buffer takes no value but a direction: "file.data: to_client;" (Suricata 8) says
 * which message of a transaction a direction-ambiguous buffer is read from. */
RULES_KW_PARSER(kw_sticky)
{
	uint8_t dir = RULE_BUFDIR_ANY;
	if (arg && strcmp(arg, "to_client") == 0)
		dir = RULE_BUFDIR_TO_CLIENT;
	else if (arg && strcmp(arg, "to_server") == 0)
		dir = RULE_BUFDIR_TO_SERVER;
	else if (arg)
		return rules_opt_error(ctx, "keyword-arg",
				       "%s takes no value but a direction (to_client or to_server)",
				       kw->name);
	if (dir != RULE_BUFDIR_ANY && kw->buffer == RULES_BUF_PAYLOAD)
		return rules_opt_error(ctx, "keyword-arg", "%s takes no direction", kw->name);
	ctx->cur_buf = kw->buffer;
	ctx->cur_dir = dir;
	ctx->cur_ntr = 0;
	memset(ctx->cur_tr, 0, sizeof(ctx->cur_tr));
	ctx->last_content = -1;
	return 0;
}

RULES_KW_PARSER(kw_transform)
{
	if (ctx->cur_buf == RULES_BUF_PAYLOAD || ctx->cur_buf == RULES_BUF_PACKET)
		return rules_opt_error(ctx, "transform-without-buffer",
				       "transform %s must follow a sticky buffer", kw->name);
	/* a transform after matches in the buffer starts a new buffer instance */
	if (ctx->cur_ntr >= ARRAY_SIZE(ctx->cur_tr))
		return rules_opt_error(ctx, "keyword-arg", "too many transforms on one buffer");
	ctx->cur_tr[ctx->cur_ntr++] = kw;
	ctx->last_content = -1;
	return 0;
}

/* ---- pcre --------------------------------------------------------------------------------- */

void rules_pcre_free(struct pcre2_real_code_8 *code)
{
	pcre2_code_free((pcre2_code *)code);
}

static const struct {
	char flag;
	const char *buffer; /* NULL: a compile option or plain flag */
} pcre_buf_flags[] = {
	{ 'U', "http.uri" },        { 'I', "http.uri.raw" },   { 'P', "http.request_body" },
	{ 'Q', "http.response_body" }, { 'H', "http.header" }, { 'D', "http.header.raw" },
	{ 'M', "http.method" },     { 'C', "http.cookie" },    { 'S', "http.stat_code" },
	{ 'Y', "http.stat_msg" },   { 'V', "http.user_agent" }, { 'W', "http.host" },
	{ 'Z', "http.host.raw" },
};

RULES_KW_PARSER(kw_pcre)
{
	bool neg;
	size_t n, off;
	const char *s = unquote(ctx, arg, true, true, &neg, &n, &off);
	if (!s)
		return -1;
	if (n < 2 || s[0] != '/')
		return rules_opt_error(ctx, "pcre-syntax", "pcre must look like \"/regex/flags\"");
	/* the pattern ends at the last '/' (flags and an optional ",capture" follow) */
	size_t close = n;
	while (close > 1 && s[close - 1] != '/')
		close--;
	if (close <= 1)
		return rules_opt_error(ctx, "pcre-syntax", "pcre has no closing '/'");
	close--;
	struct rule_pcre p = { 0 };
	uint32_t opts = 0;
	uint16_t buffer = ctx->cur_buf;
	const char *fl = s + close + 1, *fe = s + n;
	const char *comma = memchr(fl, ',', (size_t)(fe - fl));
	const char *flags_end = comma ? comma : fe;
	for (const char *c = fl; c < flags_end; c++) {
		switch (*c) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		case 'A': opts |= PCRE2_ANCHORED; break;
		case 'E': opts |= PCRE2_DOLLAR_ENDONLY; break;
		case 'G': opts |= PCRE2_UNGREEDY; break;
		case 'R': p.flags |= RULE_PCRE_RELATIVE; break;
		case 'B': p.flags |= RULE_PCRE_RAWBYTES; break;
		case 'O': p.flags |= RULE_PCRE_NO_ANCHOR_OPT; break;
		default: {
			size_t i;
			for (i = 0; i < ARRAY_SIZE(pcre_buf_flags); i++)
				if (pcre_buf_flags[i].flag == *c)
					break;
			if (i == ARRAY_SIZE(pcre_buf_flags)) {
				rules_diag_add(ctx, RULE_SEV_ERROR, off + (size_t)(c - s), 1,
					       "pcre-flags", "unknown pcre flag '%c'", *c);
				return -1;
			}
			uint16_t want = (uint16_t)rules_buffer_lookup(pcre_buf_flags[i].buffer);
			/* the flag naming the sticky buffer already in effect is harmless;
			 * Q (response body) is what file.data means for HTTP */
			if (want == ctx->cur_buf ||
			    (*c == 'Q' && ctx->cur_buf == rules_buffer_lookup("file.data")))
				continue;
			if (ctx->cur_buf != RULES_BUF_PAYLOAD) {
				rules_diag_add(ctx, RULE_SEV_ERROR, off + (size_t)(c - s), 1,
					       "modifier-conflict",
					       "pcre flag '%c' selects %s but the pcre is already in "
					       "sticky buffer %s",
					       *c, pcre_buf_flags[i].buffer,
					       rules_buffer_name(ctx->cur_buf));
				return -1;
			}
			buffer = (uint16_t)rules_buffer_lookup(pcre_buf_flags[i].buffer);
		}
		}
	}
	if (comma) {
		/* capture targets: "flow:name" / "pkt:name", comma separated */
		char tmp[256];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(fe - comma - 1), comma + 1);
		char *parts[3];
		int np = rules_split_commas(tmp, parts, 2);
		if (np < 0)
			return rules_opt_error(ctx, "pcre-syntax", "too many pcre capture names");
		for (int i = 0; i < np; i++) {
			if (strncmp(parts[i], "flow:", 5) != 0 && strncmp(parts[i], "pkt:", 4) != 0)
				return rules_opt_error(ctx, "pcre-syntax",
						       "pcre capture \"%s\" must be flow:NAME or "
						       "pkt:NAME",
						       parts[i]);
			p.capture_names[i] = strmap_intern(&ctx->rs->strings, &ctx->rs->arena,
							   parts[i]);
		}
	}
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)(s + 1), close - 1, opts, &errcode, &erroff,
					 NULL);
	if (!code) {
		char msg[256];
		pcre2_get_error_message(errcode, (PCRE2_UCHAR *)msg, sizeof(msg));
		rules_diag_add(ctx, RULE_SEV_ERROR, off + 1 + erroff, 1, "pcre-compile",
			       "pcre does not compile: %s (at offset %zu of the pattern)", msg,
			       (size_t)erroff);
		return -1;
	}
	if (neg)
		p.flags |= RULE_PCRE_NEGATED;
	p.code = (struct pcre2_real_code_8 *)code;
	p.compile_opts = opts;
	p.pattern = arena_strndup(&ctx->rs->arena, s + 1, close - 1);
	struct pmatch *pm = p.pattern ? rules_match_new(ctx, buffer) : NULL;
	if (!pm) {
		pcre2_code_free(code);
		return rules_opt_error(ctx, "memory", "out of memory");
	}
	pm->m.u.pcre = p;
	return 0;
}

/* ---- byte_* ------------------------------------------------------------------------------- */

static int parse_u64_any(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* Shared optional flags of byte_*: relative, big, little, dce, string, hex/dec/oct, align,
 * from_beginning, from_end, multiplier N, post_offset N, bitmask N. */
static int byte_opts(struct rules_parse_ctx *ctx, const char *kwn, char **parts, int np, int from,
		     struct rule_byte *b, bool *string_base_seen)
{
	for (int i = from; i < np; i++) {
		char *a = parts[i];
		char *val = rules_split_word(a);
		uint64_t v;
		if (strcmp(a, "relative") == 0) {
			b->flags |= RULE_BF_RELATIVE;
		} else if (strcmp(a, "big") == 0) {
			b->flags &= ~(uint32_t)RULE_BF_LITTLE;
		} else if (strcmp(a, "little") == 0) {
			b->flags |= RULE_BF_LITTLE;
		} else if (strcmp(a, "dce") == 0) {
			b->flags |= RULE_BF_DCE;
		} else if (strcmp(a, "string") == 0) {
			b->flags |= RULE_BF_STRING;
			if (!b->base)
				b->base = 10;
		} else if (strcmp(a, "hex") == 0 || strcmp(a, "dec") == 0 ||
			   strcmp(a, "oct") == 0) {
			b->base = a[0] == 'h' ? 16 : a[0] == 'd' ? 10 : 8;
			*string_base_seen = true;
		} else if (strcmp(a, "align") == 0) {
			b->flags |= RULE_BF_ALIGN;
		} else if (strcmp(a, "from_beginning") == 0) {
			b->flags |= RULE_BF_FROM_BEGINNING;
		} else if (strcmp(a, "from_end") == 0) {
			b->flags |= RULE_BF_FROM_END;
		} else if (strcmp(a, "multiplier") == 0 && val && parse_u64_any(val, &v) == 0 &&
			   v >= 1 && v <= 65535) {
			b->multiplier = (uint32_t)v;
		} else if (strcmp(a, "post_offset") == 0 && val) {
			int64_t x;
			if (rules_parse_i64(val, -65535, 65535, &x) < 0)
				return rules_opt_error(ctx, "byte-range",
						       "%s: post_offset %s out of range", kwn, val);
			b->post_offset = (int32_t)x;
		} else if (strcmp(a, "bitmask") == 0 && val && parse_u64_any(val, &v) == 0 &&
			   v <= UINT32_MAX) {
			b->flags |= RULE_BF_BITMASK;
			b->bitmask = (uint32_t)v;
		} else {
			return rules_opt_error(ctx, "keyword-arg", "%s: unknown option \"%s%s%s\"",
					       kwn, a, val ? " " : "", val ? val : "");
		}
	}
	if (*string_base_seen && !(b->flags & RULE_BF_STRING))
		return rules_opt_error(ctx, "keyword-arg",
				       "%s: hex/dec/oct only make sense with \"string\"", kwn);
	if ((b->flags & RULE_BF_DCE) && (b->flags & RULE_BF_STRING))
		return rules_opt_error(ctx, "keyword-arg", "%s: dce cannot be used with string",
				       kwn);
	if ((b->flags & RULE_BF_FROM_BEGINNING) && (b->flags & RULE_BF_FROM_END))
		return rules_opt_error(ctx, "modifier-conflict",
				       "%s: from_beginning and from_end together", kwn);
	return 0;
}

/* The byte count. byte_test and byte_jump (Suricata 7) also take a variable set earlier by
 * byte_extract/byte_math (`allow_var`); its value is checked against 1-8 (1-23 with "string")
 * when the rule runs. */
static int byte_nbytes(struct rules_parse_ctx *ctx, const char *kwn, const char *s,
		       struct rule_byte *b, bool allow_var, bool *is_var)
{
	int64_t v;
	*is_var = false;
	if (allow_var && (isalpha((unsigned char)*s) || *s == '_')) {
		int i = rules_var_find(ctx, s);
		if (i < 0)
			return rules_opt_error(ctx, "var-undefined",
					       "%s: number of bytes \"%s\" is not a number nor a "
					       "variable defined earlier by byte_extract/byte_math",
					       kwn, s);
		b->nbytes_var = (int16_t)i;
		b->nbytes = 0;
		*is_var = true;
		return 0;
	}
	if (rules_parse_i64(s, 0, 64, &v) < 0)
		return rules_opt_error(ctx, "byte-range", "%s: invalid number of bytes \"%s\"", kwn,
				       s);
	b->nbytes = (uint8_t)v;
	return 0;
}

/* Check the byte count now that "string" is known. */
static int byte_check_nbytes(struct rules_parse_ctx *ctx, const char *kwn, struct rule_byte *b,
			     bool math)
{
	if (b->nbytes_var >= 0)
		return 0; /* checked at run time */
	if (b->nbytes == 0 && !math) {
		/* Suricata loads it (ET ships a few); byte_jump then moves by its post_offset
		 * only, the others read nothing and cannot match */
		if (strcmp(kwn, "byte_jump") != 0)
			rules_opt_warning(ctx, "byte-range", "%s reads 0 bytes; it can never match",
					  kwn);
		return 0;
	}
	if (b->flags & RULE_BF_STRING) {
		if (b->nbytes < 1 || b->nbytes > (math ? 10 : 23))
			return rules_opt_error(ctx, "byte-range",
					       "%s: %u bytes with \"string\" is out of range 1-%d",
					       kwn, b->nbytes, math ? 10 : 23);
	} else if (math) {
		if (b->nbytes < 1 || b->nbytes > 4)
			return rules_opt_error(ctx, "byte-range",
					       "%s: bytes must be 1-4 (got %u)", kwn, b->nbytes);
	} else if (b->nbytes < 1 || b->nbytes > 8) {
		return rules_opt_error(ctx, "byte-range",
				       "%s: %u bytes is out of range 1-8 (use \"string\" for longer "
				       "text numbers)",
				       kwn, b->nbytes);
	}
	return 0;
}

static int byte_var_define(struct rules_parse_ctx *ctx, const char *kwn, const char *name,
			   int16_t *out)
{
	if (!(isalpha((unsigned char)name[0]) || name[0] == '_'))
		return rules_opt_error(ctx, "keyword-arg", "%s: invalid variable name \"%s\"", kwn,
				       name);
	int i = rules_var_find(ctx, name);
	if (i >= 0) {
		*out = (int16_t)i;
		return 0;
	}
	if (ctx->vars.n >= RULES_MAX_VARS)
		return rules_opt_error(ctx, "keyword-arg", "%s: more than %d variables", kwn,
				       RULES_MAX_VARS);
	const char **slot = vec_push(&ctx->vars);
	const char *s = strmap_intern(&ctx->rs->strings, &ctx->rs->arena, name);
	if (!slot || !s)
		return rules_opt_error(ctx, "memory", "out of memory");
	*slot = s;
	*out = (int16_t)(ctx->vars.n - 1);
	return 0;
}

static int byte_value(struct rules_parse_ctx *ctx, const char *kwn, const char *what,
		      const char *s, int64_t min, int64_t max, struct rule_intref *r)
{
	uint64_t v;
	if (parse_u64_any(s, &v) == 0 && (int64_t)v <= max && min <= 0) {
		r->value = (int32_t)(v > INT32_MAX ? (uint32_t)v : v);
		r->var = -1;
		if (v > UINT32_MAX)
			return rules_opt_error(ctx, "byte-range", "%s: %s %s is too large", kwn,
					       what, s);
		return 0;
	}
	int rc = rules_parse_intref(ctx, s, min, max, r);
	if (rc == -2)
		return rules_opt_error(ctx, "var-undefined",
				       "%s: %s \"%s\" is not a number nor a variable defined "
				       "earlier by byte_extract/byte_math",
				       kwn, what, s);
	if (rc < 0)
		return rules_opt_error(ctx, "byte-range", "%s: invalid %s \"%s\"", kwn, what, s);
	return 0;
}

RULES_KW_PARSER(kw_byte)
{
	char *tmp = strdup(arg);
	if (!tmp)
		return rules_opt_error(ctx, "memory", "out of memory");
	char *parts[24];
	int np = rules_split_commas(tmp, parts, 24);
	struct rule_byte b = { 0 };
	b.offset.var = b.value.var = b.result_var = b.nbytes_var = -1;
	const char *kwn = kw->name;
	bool is_var, base_seen = false;
	int rc = -1;
	if (np < 0) {
		rules_opt_error(ctx, "keyword-arg", "%s: too many arguments", kwn);
		goto out;
	}
	if (strcmp(kwn, "byte_test") == 0) {
		if (np < 4) {
			rules_opt_error(ctx, "keyword-arg",
					"byte_test needs bytes, operator, value, offset");
			goto out;
		}
		if (byte_nbytes(ctx, kwn, parts[0], &b, true, &is_var) < 0)
			goto out;
		const char *op = parts[1];
		if (*op == '!') {
			b.flags |= RULE_BF_NEGATED;
			op++;
		}
		if (*op == '\0' && (b.flags & RULE_BF_NEGATED))
			op = "="; /* "!" alone is "not equal" */
		if (strcmp(op, "<") == 0)
			b.op = RULE_BOP_LT;
		else if (strcmp(op, ">") == 0)
			b.op = RULE_BOP_GT;
		else if (strcmp(op, "=") == 0)
			b.op = RULE_BOP_EQ;
		else if (strcmp(op, "<=") == 0)
			b.op = RULE_BOP_LE;
		else if (strcmp(op, ">=") == 0)
			b.op = RULE_BOP_GE;
		else if (strcmp(op, "&") == 0)
			b.op = RULE_BOP_AND;
		else if (strcmp(op, "^") == 0)
			b.op = RULE_BOP_XOR;
		else {
			rules_opt_error(ctx, "keyword-arg", "byte_test: invalid operator \"%s\"",
					parts[1]);
			goto out;
		}
		if (byte_value(ctx, kwn, "value", parts[2], 0, UINT32_MAX, &b.value) < 0 ||
		    byte_value(ctx, kwn, "offset", parts[3], INT32_MIN, INT32_MAX, &b.offset) < 0 ||
		    byte_opts(ctx, kwn, parts, np, 4, &b, &base_seen) < 0 ||
		    byte_check_nbytes(ctx, kwn, &b, false) < 0)
			goto out;
	} else if (strcmp(kwn, "byte_jump") == 0) {
		if (np < 2) {
			rules_opt_error(ctx, "keyword-arg", "byte_jump needs bytes, offset");
			goto out;
		}
		if (byte_nbytes(ctx, kwn, parts[0], &b, true, &is_var) < 0 ||
		    byte_value(ctx, kwn, "offset", parts[1], INT32_MIN, INT32_MAX, &b.offset) < 0 ||
		    byte_opts(ctx, kwn, parts, np, 2, &b, &base_seen) < 0 ||
		    byte_check_nbytes(ctx, kwn, &b, false) < 0)
			goto out;
	} else if (strcmp(kwn, "byte_extract") == 0) {
		if (np < 3) {
			rules_opt_error(ctx, "keyword-arg", "byte_extract needs bytes, offset, name");
			goto out;
		}
		if (byte_nbytes(ctx, kwn, parts[0], &b, false, &is_var) < 0 ||
		    byte_value(ctx, kwn, "offset", parts[1], -65535, 65535, &b.offset) < 0 ||
		    byte_opts(ctx, kwn, parts, np, 3, &b, &base_seen) < 0 ||
		    byte_check_nbytes(ctx, kwn, &b, false) < 0 ||
		    byte_var_define(ctx, kwn, parts[2], &b.result_var) < 0)
			goto out;
	} else { /* byte_math: bytes N, offset N, oper OP, rvalue V, result NAME [, ...] */
		bool have[5] = { false };
		char *rest[24];
		int nr = 0;
		for (int i = 0; i < np; i++) {
			char *a = parts[i];
			char *val = rules_split_word(a);
			if (strcmp(a, "bytes") == 0 && val) {
				if (byte_nbytes(ctx, kwn, val, &b, false, &is_var) < 0)
					goto out;
				have[0] = true;
			} else if (strcmp(a, "offset") == 0 && val) {
				if (byte_value(ctx, kwn, "offset", val, -65535, 65535, &b.offset) <
				    0)
					goto out;
				have[1] = true;
			} else if (strcmp(a, "oper") == 0 && val) {
				static const char *const ops[] = { "+", "-", "*", "/", "<<", ">>" };
				size_t k;
				for (k = 0; k < ARRAY_SIZE(ops); k++)
					if (strcmp(val, ops[k]) == 0)
						break;
				if (k == ARRAY_SIZE(ops)) {
					rules_opt_error(ctx, "keyword-arg",
							"byte_math: invalid oper \"%s\"", val);
					goto out;
				}
				b.op = (uint8_t)(RULE_BOP_ADD + k);
				have[2] = true;
			} else if (strcmp(a, "rvalue") == 0 && val) {
				if (byte_value(ctx, kwn, "rvalue", val, 0, UINT32_MAX, &b.value) < 0)
					goto out;
				have[3] = true;
			} else if (strcmp(a, "result") == 0 && val) {
				if (byte_var_define(ctx, kwn, val, &b.result_var) < 0)
					goto out;
				have[4] = true;
			} else if (strcmp(a, "endian") == 0 && val) {
				if (strcmp(val, "little") == 0)
					b.flags |= RULE_BF_LITTLE;
				else if (strcmp(val, "dce") == 0)
					b.flags |= RULE_BF_DCE;
				else if (strcmp(val, "big") != 0) {
					rules_opt_error(ctx, "keyword-arg",
							"byte_math: invalid endian \"%s\"", val);
					goto out;
				}
			} else if (strcmp(a, "string") == 0 && val) {
				b.flags |= RULE_BF_STRING;
				b.base = strcmp(val, "hex") == 0 ? 16 : strcmp(val, "dec") == 0 ? 10
					 : strcmp(val, "oct") == 0 ? 8 : 0;
				if (!b.base) {
					rules_opt_error(ctx, "keyword-arg",
							"byte_math: invalid string base \"%s\"", val);
					goto out;
				}
			} else {
				if (val)
					val[-1] = ' ';
				rest[nr++] = a;
			}
		}
		if (!have[0] || !have[1] || !have[2] || !have[3] || !have[4]) {
			rules_opt_error(ctx, "keyword-arg",
					"byte_math needs bytes, offset, oper, rvalue and result");
			goto out;
		}
		if (b.op == RULE_BOP_DIV && b.value.var < 0 && b.value.value == 0) {
			rules_opt_error(ctx, "byte-range", "byte_math: division by zero");
			goto out;
		}
		if (byte_opts(ctx, kwn, rest, nr, 0, &b, &base_seen) < 0 ||
		    byte_check_nbytes(ctx, kwn, &b, true) < 0)
			goto out;
	}
	struct pmatch *pm = rules_match_new(ctx, ctx->cur_buf);
	if (!pm) {
		rules_opt_error(ctx, "memory", "out of memory");
		goto out;
	}
	pm->m.u.byte = b;
	rc = 0;
out:
	free(tmp);
	return rc;
}

RULES_KW_PARSER(kw_isdataat)
{
	char tmp[128], *parts[4];
	snprintf(tmp, sizeof(tmp), "%s", arg);
	int np = rules_split_commas(tmp, parts, 4);
	if (np < 1)
		return rules_opt_error(ctx, "keyword-arg", "isdataat: too many arguments");
	bool neg = false;
	char *v = parts[0];
	if (*v == '!') {
		neg = true;
		v = rules_trim(v + 1);
	}
	struct rule_intref r;
	if (set_intref(ctx, v, 0, 65535, &r) < 0)
		return -1;
	bool rel = false, raw = false;
	for (int i = 1; i < np; i++) {
		if (strcmp(parts[i], "relative") == 0)
			rel = true;
		else if (strcmp(parts[i], "rawbytes") == 0)
			raw = true;
		else
			return rules_opt_error(ctx, "keyword-arg", "isdataat: unknown option \"%s\"",
					       parts[i]);
	}
	struct pmatch *pm = rules_match_new(ctx, ctx->cur_buf);
	if (!pm)
		return rules_opt_error(ctx, "memory", "out of memory");
	pm->m.u.isdataat.offset = r.value;
	pm->m.u.isdataat.var = r.var;
	pm->m.u.isdataat.relative = rel;
	pm->m.u.isdataat.negated = neg;
	pm->m.u.isdataat.rawbytes = raw;
	return 0;
}

RULES_KW_PARSER(kw_base64_decode)
{
	uint32_t bytes = 0, offset = 0;
	bool rel = false;
	if (arg) {
		char tmp[128], *parts[4];
		snprintf(tmp, sizeof(tmp), "%s", arg);
		int np = rules_split_commas(tmp, parts, 4);
		if (np < 0)
			return rules_opt_error(ctx, "keyword-arg", "base64_decode: too many options");
		for (int i = 0; i < np; i++) {
			char *a = parts[i];
			char *val = rules_split_word(a);
			int64_t x;
			if (strcmp(a, "relative") == 0 && !val)
				rel = true;
			else if (strcmp(a, "bytes") == 0 && val &&
				 rules_parse_i64(val, 1, 65535, &x) == 0)
				bytes = (uint32_t)x;
			else if (strcmp(a, "offset") == 0 && val &&
				 rules_parse_i64(val, 0, 65535, &x) == 0)
				offset = (uint32_t)x;
			else
				return rules_opt_error(ctx, "keyword-arg",
						       "base64_decode: invalid option \"%s%s%s\"", a,
						       val ? " " : "", val ? val : "");
		}
	}
	/* relative after a content a legacy modifier moved (content:"arg"; http_uri;
	 * base64_decode:relative): it decodes in that content's buffer, as in Suricata */
	uint16_t buf = ctx->cur_buf;
	if (rel && buf == RULES_BUF_PAYLOAD && ctx->last_content >= 0)
		buf = VEC_AT(&ctx->matches, struct pmatch, (size_t)ctx->last_content)->buffer;
	struct pmatch *pm = rules_match_new(ctx, buf);
	if (!pm)
		return rules_opt_error(ctx, "memory", "out of memory");
	pm->m.u.base64.bytes = bytes;
	pm->m.u.base64.offset = offset;
	pm->m.u.base64.relative = rel;
	return 0;
}
