/*
 * transform.c — sticky-buffer transforms (dotprefix, to_lowercase, strip_whitespace, to_sha256,
 * ...): a rule's buffer program carries the transform chain of its buffer (det_prog.tr), and
 * det_inspect_buffer() runs the chain before the program's keywords see the data, as Suricata
 * does: each transform's output is the next one's input.
 *
 * Output goes to two per-thread buffers used in turn, grown to the input's size (every transform
 * here produces at most one byte more than it reads) and never beyond DET_TR_MAX_LEN: a longer
 * buffer is not transformed and the rule does not match, so input cannot drive allocation past
 * that bound.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"
#include "util/util.h"

static const char *const det_tr_names[DET_TR_MAX] = {
	[DET_TR_DOTPREFIX] = "dotprefix",
	[DET_TR_TO_LOWERCASE] = "to_lowercase",
	[DET_TR_TO_UPPERCASE] = "to_uppercase",
	[DET_TR_STRIP_WHITESPACE] = "strip_whitespace",
	[DET_TR_COMPRESS_WHITESPACE] = "compress_whitespace",
	[DET_TR_URL_DECODE] = "url_decode",
	[DET_TR_TO_MD5] = "to_md5",
	[DET_TR_TO_SHA1] = "to_sha1",
	[DET_TR_TO_SHA256] = "to_sha256",
	[DET_TR_HEADER_LOWERCASE] = "header_lowercase",
	[DET_TR_STRIP_PSEUDO_HEADERS] = "strip_pseudo_headers",
};

int det_transform_lookup(const char *name)
{
	for (int i = 1; i < DET_TR_MAX; i++)
		if (name && det_tr_names[i] && strcmp(det_tr_names[i], name) == 0)
			return i;
	return -1;
}

static int hex_val(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (uint8_t)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Header lines ("name: value" separated by CRLF or LF): lower-case every name, or drop the
 * lines whose name starts with ':' (HTTP/2 pseudo headers). */
static uint32_t header_lines(const uint8_t *in, uint32_t len, uint8_t *out, bool strip_pseudo)
{
	uint32_t o = 0, i = 0;
	while (i < len) {
		uint32_t end = i;
		while (end < len && in[end] != '\n')
			end++;
		if (end < len)
			end++; /* the line with its '\n' */
		if (strip_pseudo && in[i] == ':') {
			i = end;
			continue;
		}
		bool in_name = !strip_pseudo;
		for (uint32_t k = i; k < end; k++) {
			uint8_t c = in[k];
			if (in_name && c == ':')
				in_name = false;
			out[o++] = in_name ? (uint8_t)tolower(c) : c;
		}
		i = end;
	}
	return o;
}

/* One transform of in[0..len) into out (room for len + 1 bytes); returns the output length. */
static uint32_t transform_one(uint8_t tr, const uint8_t *in, uint32_t len, uint8_t *out)
{
	uint32_t o = 0;
	switch (tr) {
	case DET_TR_DOTPREFIX:
		out[0] = '.';
		memcpy(out + 1, in, len);
		return len + 1;
	case DET_TR_TO_LOWERCASE:
		for (uint32_t i = 0; i < len; i++)
			out[i] = (uint8_t)tolower(in[i]);
		return len;
	case DET_TR_TO_UPPERCASE:
		for (uint32_t i = 0; i < len; i++)
			out[i] = (uint8_t)toupper(in[i]);
		return len;
	case DET_TR_STRIP_WHITESPACE:
		for (uint32_t i = 0; i < len; i++)
			if (!isspace(in[i]))
				out[o++] = in[i];
		return o;
	case DET_TR_COMPRESS_WHITESPACE:
		/* a run of whitespace becomes its first character */
		for (uint32_t i = 0; i < len; i++) {
			out[o++] = in[i];
			if (isspace(in[i]))
				while (i + 1 < len && isspace(in[i + 1]))
					i++;
		}
		return o;
	case DET_TR_URL_DECODE:
		for (uint32_t i = 0; i < len; i++) {
			int hi, lo;
			if (in[i] == '+') {
				out[o++] = ' ';
			} else if (in[i] == '%' && i + 2 < len && (hi = hex_val(in[i + 1])) >= 0 &&
				   (lo = hex_val(in[i + 2])) >= 0) {
				out[o++] = (uint8_t)(hi << 4 | lo);
				i += 2;
			} else {
				out[o++] = in[i];
			}
		}
		return o;
	case DET_TR_TO_MD5:
		util_md5_digest(in, len, out);
		return UTIL_MD5_LEN;
	case DET_TR_TO_SHA1:
		util_sha1_digest(in, len, out);
		return UTIL_SHA1_LEN;
	case DET_TR_TO_SHA256:
		util_sha256_digest(in, len, out);
		return UTIL_SHA256_LEN;
	case DET_TR_HEADER_LOWERCASE:
		return header_lines(in, len, out, false);
	case DET_TR_STRIP_PSEUDO_HEADERS:
		return header_lines(in, len, out, true);
	default:
		return 0;
	}
}

/* Room for `need` bytes in the thread's transform buffer k. */
static bool tr_reserve(struct detect_thread *t, int k, uint32_t need)
{
	/* digests need their full size even for a short input */
	if (need < UTIL_SHA256_LEN)
		need = UTIL_SHA256_LEN;
	if (t->tr_cap[k] >= need)
		return true;
	uint32_t cap = t->tr_cap[k] ? t->tr_cap[k] : 256;
	while (cap < need)
		cap *= 2;
	uint8_t *b = realloc(t->tr_buf[k], cap);
	if (!b)
		return false;
	t->tr_buf[k] = b;
	t->tr_cap[k] = cap;
	return true;
}

bool det_transform_run(struct detect_thread *t, const struct det_prog *prog,
		       const uint8_t **data, uint32_t *len)
{
	const uint8_t *in = *data;
	uint32_t n = *len;
	for (uint8_t i = 0; i < prog->n_tr; i++) {
		int k = i & 1;
		if (n >= DET_TR_MAX_LEN || !tr_reserve(t, k, n + 1))
			return false;
		n = transform_one(prog->tr[i], in, n, t->tr_buf[k]);
		in = t->tr_buf[k];
	}
	*data = in;
	*len = n;
	return true;
}
