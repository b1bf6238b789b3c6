/*
 * jbuf.c — a small streaming JSON writer for EVE records. It appends text to one growable buffer
 * (no tree, no per-value allocation), which is what makes EVE output cheap compared with building
 * a jansson object and serialising it.
 *
 * Strings are escaped per RFC 8259. Bytes that are not part of a well-formed UTF-8 sequence are
 * written as \u00XX (one escape per byte), so every record is valid JSON whatever the wire held.
 * Any failure (allocation, nesting too deep, record too large) sets `failed`; the writer then
 * drops the record and counts it rather than emitting half an object.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

/* A record larger than this is refused: a runaway input must not grow memory without bound. */
#define JBUF_MAX_SIZE (64u * 1024 * 1024)
#define JBUF_MAX_DEPTH ((uint8_t)(sizeof(((struct jbuf *)0)->need_comma) - 1))

static const char hex_digits[] = "0123456789abcdef";

/*
 * Per-byte class for string escaping: 0 = copy as is, 1 = needs a short or \u escape (control,
 * quote, backslash), 2 = start of a multi-byte UTF-8 sequence (or an invalid byte) that must be
 * validated.
 */
static const uint8_t esc_class[256] = {
	[0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 2,
};

void jbuf_init(struct jbuf *j)
{
	memset(j, 0, sizeof(*j));
}

void jbuf_free(struct jbuf *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

void jbuf_reset(struct jbuf *j)
{
	j->len = 0;
	j->failed = false;
	j->depth = 0;
	j->need_comma[0] = false;
}

/* Make room for `n` more bytes; false (and `failed`) if that is impossible. */
static bool jbuf_grow(struct jbuf *j, size_t n)
{
	if (j->failed)
		return false;
	size_t need = j->len + n;
	if (need > JBUF_MAX_SIZE || need < j->len) {
		j->failed = true;
		return false;
	}
	size_t cap = j->cap ? j->cap : 1024;
	while (cap < need)
		cap *= 2;
	if (cap > JBUF_MAX_SIZE)
		cap = JBUF_MAX_SIZE;
	char *nb = realloc(j->buf, cap);
	if (!nb) {
		j->failed = true;
		return false;
	}
	j->buf = nb;
	j->cap = cap;
	return true;
}

static inline bool jbuf_reserve(struct jbuf *j, size_t n)
{
	if (likely(j->cap - j->len >= n && !j->failed))
		return true;
	return jbuf_grow(j, n);
}

static inline void put_raw(struct jbuf *j, const char *s, size_t n)
{
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or 0 if the byte at s does not start one.
 */
static size_t utf8_seq_len(const uint8_t *s, size_t avail)
{
	uint8_t c = s[0];
	if (c >= 0xc2 && c <= 0xdf) {
		if (avail >= 2 && (s[1] & 0xc0) == 0x80)
			return 2;
		return 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (avail < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0) /* overlong */
			return 0;
		if (c == 0xed && s[1] >= 0xa0) /* UTF-16 surrogates */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (avail < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90) /* overlong */
			return 0;
		if (c == 0xf4 && s[1] >= 0x90) /* above U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

/* Write a quoted, escaped string. Worst case is 6 output bytes per input byte. */
static void put_string(struct jbuf *j, const char *str, size_t len)
{
	if (len > (JBUF_MAX_SIZE - 2) / 6) {
		j->failed = true;
		return;
	}
	if (!jbuf_reserve(j, len * 6 + 2))
		return;
	const uint8_t *s = (const uint8_t *)str;
	char *o = j->buf + j->len;
	*o++ = '"';
	size_t i = 0;
	while (i < len) {
		/* Copy the run of plain bytes in one go: the common case for names and hosts. */
		size_t start = i;
		while (i < len && esc_class[s[i]] == 0)
			i++;
		if (i > start) {
			memcpy(o, s + start, i - start);
			o += i - start;
		}
		if (i >= len)
			break;
		uint8_t c = s[i];
		if (esc_class[c] == 1) {
			*o++ = '\\';
			switch (c) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '\b': *o++ = 'b'; break;
			case '\f': *o++ = 'f'; break;
			case '\n': *o++ = 'n'; break;
			case '\r': *o++ = 'r'; break;
			case '\t': *o++ = 't'; break;
			default:
				*o++ = 'u'; *o++ = '0'; *o++ = '0';
				*o++ = hex_digits[c >> 4];
				*o++ = hex_digits[c & 15];
				break;
			}
			i++;
			continue;
		}
		size_t n = utf8_seq_len(s + i, len - i);
		if (n) {
			memcpy(o, s + i, n);
			o += n;
			i += n;
		} else {
			*o++ = '\\'; *o++ = 'u'; *o++ = '0'; *o++ = '0';
			*o++ = hex_digits[c >> 4];
			*o++ = hex_digits[c & 15];
			i++;
		}
	}
	*o++ = '"';
	j->len = (size_t)(o - j->buf);
}

/* Separator and key before a value: ',' unless first in its container, then "key":. */
static bool put_prefix(struct jbuf *j, const char *key)
{
	if (j->failed)
		return false;
	if (j->need_comma[j->depth]) {
		if (!jbuf_reserve(j, 1))
			return false;
		j->buf[j->len++] = ',';
	}
	j->need_comma[j->depth] = true;
	if (key) {
		put_string(j, key, strlen(key));
		if (!jbuf_reserve(j, 1))
			return false;
		j->buf[j->len++] = ':';
	}
	return !j->failed;
}

static void open_container(struct jbuf *j, const char *key, char ch)
{
	if (!put_prefix(j, key))
		return;
	if (j->depth >= JBUF_MAX_DEPTH) {
		j->failed = true;
		return;
	}
	if (!jbuf_reserve(j, 1))
		return;
	j->buf[j->len++] = ch;
	j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_container(struct jbuf *j, char ch)
{
	if (j->failed)
		return;
	if (j->depth == 0) { /* unbalanced close: a bug in the caller, never emit broken JSON */
		j->failed = true;
		return;
	}
	if (!jbuf_reserve(j, 1))
		return;
	j->buf[j->len++] = ch;
	j->depth--;
}

void jbuf_open_object(struct jbuf *j, const char *key)
{
	open_container(j, key, '{');
}

void jbuf_close_object(struct jbuf *j)
{
	close_container(j, '}');
}

void jbuf_open_array(struct jbuf *j, const char *key)
{
	open_container(j, key, '[');
}

void jbuf_close_array(struct jbuf *j)
{
	close_container(j, ']');
}

void jbuf_add_strn(struct jbuf *j, const char *key, const char *val, size_t len)
{
	if (!put_prefix(j, key))
		return;
	put_string(j, val ? val : "", val ? len : 0);
}

void jbuf_add_str(struct jbuf *j, const char *key, const char *val)
{
	jbuf_add_strn(j, key, val, val ? strlen(val) : 0);
}

/* Decimal digits of v written backwards into the end of tmp; returns the start. */
static char *fmt_u64(uint64_t v, char *end)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void jbuf_add_uint(struct jbuf *j, const char *key, uint64_t val)
{
	if (!put_prefix(j, key))
		return;
	char tmp[24];
	char *p = fmt_u64(val, tmp + sizeof(tmp));
	size_t n = (size_t)(tmp + sizeof(tmp) - p);
	if (jbuf_reserve(j, n))
		put_raw(j, p, n);
}

void jbuf_add_int(struct jbuf *j, const char *key, int64_t val)
{
	if (!put_prefix(j, key))
		return;
	char tmp[24];
	/* Negate in unsigned arithmetic so INT64_MIN does not overflow. */
	uint64_t mag = val < 0 ? (uint64_t)0 - (uint64_t)val : (uint64_t)val;
	char *p = fmt_u64(mag, tmp + sizeof(tmp));
	if (val < 0)
		*--p = '-';
	size_t n = (size_t)(tmp + sizeof(tmp) - p);
	if (jbuf_reserve(j, n))
		put_raw(j, p, n);
}

void jbuf_add_bool(struct jbuf *j, const char *key, bool val)
{
	if (!put_prefix(j, key))
		return;
	if (jbuf_reserve(j, 5))
		put_raw(j, val ? "true" : "false", val ? 4 : 5);
}

void jbuf_add_double(struct jbuf *j, const char *key, double val)
{
	if (!put_prefix(j, key))
		return;
	char tmp[40];
	int n;
	if (!isfinite(val)) {
		/* JSON has no NaN or infinity. */
		n = snprintf(tmp, sizeof(tmp), "null");
	} else {
		/* Shortest of %.15g / %.17g that reads back as the same double. */
		n = snprintf(tmp, sizeof(tmp), "%.15g", val);
		if (strtod(tmp, NULL) != val)
			n = snprintf(tmp, sizeof(tmp), "%.17g", val);
	}
	if (n > 0 && jbuf_reserve(j, (size_t)n))
		put_raw(j, tmp, (size_t)n);
}

void jbuf_add_base64(struct jbuf *j, const char *key, const uint8_t *data, size_t len)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (!put_prefix(j, key))
		return;
	if (len > (JBUF_MAX_SIZE / 4) * 3) {
		j->failed = true;
		return;
	}
	size_t out = ((len + 2) / 3) * 4;
	if (!jbuf_reserve(j, out + 2))
		return;
	char *o = j->buf + j->len;
	*o++ = '"';
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = tbl[(v >> 6) & 63];
		*o++ = tbl[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)data[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o++ = '"';
	j->len = (size_t)(o - j->buf);
}

void jbuf_add_printable(struct jbuf *j, const char *key, const uint8_t *data, size_t len)
{
	if (!put_prefix(j, key))
		return;
	if (len > (JBUF_MAX_SIZE - 2) / 2) {
		j->failed = true;
		return;
	}
	/* Worst case: every byte is '"', '\\', '\n' or '\r', escaped as two bytes. */
	if (!jbuf_reserve(j, len * 2 + 2))
		return;
	char *o = j->buf + j->len;
	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		uint8_t c = data[i];
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\r') {
			*o++ = '\\';
			*o++ = 'r';
		} else if (c >= 0x20 && c < 0x7f) {
			*o++ = (char)c;
		} else {
			*o++ = '.';
		}
	}
	*o++ = '"';
	j->len = (size_t)(o - j->buf);
}
