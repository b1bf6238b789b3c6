/*
 * uri-normalize.c — the request URI as Suricata's http.uri sees it (libhtp's IDS defaults):
 * percent-decoding of path and query, %uHHHH decoding, removal of dot segments and repeated
 * slashes in the path. Invalid encodings are kept as they are; double encoding, invalid
 * encodings and overlong UTF-8 are reported as findings for the parser to raise as events.
 * http.uri.raw is the URI untouched; this file never writes more than `cap` bytes.
 */
#include <string.h>

#include "app/http-int.h"

static int uri_hex(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool uri_hex2(const uint8_t *p, uint32_t n, uint32_t i, uint8_t *out)
{
	if (i + 1 >= n)
		return false;
	int h = uri_hex(p[i]), l = uri_hex(p[i + 1]);
	if (h < 0 || l < 0)
		return false;
	*out = (uint8_t)(h << 4 | l);
	return true;
}

/* %uHHHH -> one byte: ASCII as is, full-width forms (U+FF01..U+FF5E) to their ASCII twin (the
 * "best fit" mapping libhtp uses), anything else '?'. */
static uint8_t uri_u_bestfit(uint32_t cp)
{
	if (cp < 0x80)
		return (uint8_t)cp;
	if (cp >= 0xff01 && cp <= 0xff5e)
		return (uint8_t)(cp - 0xff01 + 0x21);
	return '?';
}

struct uri_out {
	uint8_t *p;
	uint32_t len, cap;
};

static void uri_put(struct uri_out *o, uint8_t c)
{
	if (o->len < o->cap)
		o->p[o->len++] = c;
}

/*
 * Percent-decode in[0..n) into o. In the path a decoded '/' stays "%2F" (a decoded separator
 * would change the path's structure). Returns findings.
 */
static unsigned uri_decode(const uint8_t *in, uint32_t n, struct uri_out *o, bool path,
			   bool double_decode, bool u_encoding)
{
	unsigned f = 0;
	uint32_t i = 0;
	while (i < n) {
		uint8_t c = in[i];
		if (c != '%') {
			uri_put(o, c);
			i++;
			continue;
		}
		uint8_t b;
		if (uri_hex2(in, n, i + 1, &b)) {
			i += 3;
			if (b == '%') {
				uint8_t b2;
				if (uri_hex2(in, n, i, &b2)) {
					f |= URI_NORM_F_DOUBLE_ENCODED;
					if (double_decode) {
						b = b2;
						i += 2;
					}
				}
			}
			if (b == 0)
				f |= URI_NORM_F_NUL;
			if (path && b == '/') {
				uri_put(o, '%');
				uri_put(o, '2');
				uri_put(o, 'F');
				continue;
			}
			uri_put(o, b);
			continue;
		}
		if (u_encoding && i + 5 < n && (in[i + 1] == 'u' || in[i + 1] == 'U')) {
			int h0 = uri_hex(in[i + 2]), h1 = uri_hex(in[i + 3]);
			int h2 = uri_hex(in[i + 4]), h3 = uri_hex(in[i + 5]);
			if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
				uint32_t cp = (uint32_t)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
				uint8_t d = uri_u_bestfit(cp);
				if (cp == 0)
					f |= URI_NORM_F_NUL;
				i += 6;
				if (path && d == '/') {
					uri_put(o, '%');
					uri_put(o, '2');
					uri_put(o, 'F');
				} else {
					uri_put(o, d);
				}
				continue;
			}
		}
		/* invalid encoding: keep the '%' and go on (libhtp's "preserve percent") */
		f |= URI_NORM_F_INVALID_ENCODING;
		uri_put(o, '%');
		i++;
	}
	return f;
}

/* Overlong UTF-8 (a code point encoded in more bytes than needed), e.g. C0 AF for '/'. */
static bool uri_has_overlong_utf8(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i + 1 < n; i++) {
		uint8_t c = p[i], d = p[i + 1];
		if ((c == 0xc0 || c == 0xc1) && (d & 0xc0) == 0x80)
			return true;
		if (c == 0xe0 && d >= 0x80 && d <= 0x9f)
			return true;
		if (c == 0xf0 && d >= 0x80 && d <= 0x8f)
			return true;
	}
	return false;
}

/*
 * RFC 3986 section 5.2.4 remove_dot_segments plus "//" compression, in place (the output never
 * overtakes the input: each written segment was preceded by at least one skipped slash).
 * Returns the new length. "/a/./b/../c//d/" -> "/a/c/d/".
 */
static uint32_t uri_path_normalize(uint8_t *p, uint32_t n)
{
	uint32_t r = 0, w = 0;
	bool absolute = n > 0 && p[0] == '/';
	while (r < n) {
		while (r < n && p[r] == '/')
			r++;
		if (r >= n) {
			/* the path ended with a slash: keep one */
			if (w > 0 && p[w - 1] != '/')
				p[w++] = '/';
			break;
		}
		uint32_t s = r;
		while (r < n && p[r] != '/')
			r++;
		uint32_t sl = r - s;
		bool last = r >= n;
		if (sl == 1 && p[s] == '.') {
			if (last && w > 0 && p[w - 1] != '/')
				p[w++] = '/';
			continue;
		}
		if (sl == 2 && p[s] == '.' && p[s + 1] == '.') {
			while (w > 0 && p[w - 1] != '/')
				w--;
			if (w > 0)
				w--;
			if (last && (w > 0 || absolute))
				p[w++] = '/';
			continue;
		}
		if (absolute || w > 0)
			p[w++] = '/';
		memmove(p + w, p + s, sl);
		w += sl;
	}
	if (w == 0 && absolute)
		p[w++] = '/';
	return w;
}

int http_uri_split_authority(const uint8_t *uri, uint32_t len, uint32_t *auth_off,
			     uint32_t *auth_len, uint32_t *path_off)
{
	uint32_t i = 0;
	while (i < len && ((uri[i] >= 'a' && uri[i] <= 'z') || (uri[i] >= 'A' && uri[i] <= 'Z') ||
			   (i > 0 && ((uri[i] >= '0' && uri[i] <= '9') || uri[i] == '+' ||
				      uri[i] == '-' || uri[i] == '.'))))
		i++;
	if (i == 0 || i + 3 > len || memcmp(uri + i, "://", 3) != 0)
		return -1;
	uint32_t a = i + 3, e = a;
	while (e < len && uri[e] != '/' && uri[e] != '?' && uri[e] != '#')
		e++;
	*auth_off = a;
	*auth_len = e - a;
	*path_off = e;
	return 0;
}

uint32_t uri_normalize(const uint8_t *in, uint32_t len, const struct uri_norm_opts *o,
		       uint8_t *out, uint32_t cap, unsigned *findings)
{
	struct uri_out w = { out, 0, cap };
	unsigned f = 0;
	uint32_t q = 0;
	while (q < len && in[q] != '?' && in[q] != '#')
		q++;

	/* path: decode, then separators and dot segments */
	f |= uri_decode(in, q, &w, true, o->double_decode_path, o->u_encoding);
	if (o->backslash_separators)
		for (uint32_t i = 0; i < w.len; i++)
			if (out[i] == '\\')
				out[i] = '/';
	if (uri_has_overlong_utf8(out, w.len))
		f |= URI_NORM_F_OVERLONG_UTF8;
	w.len = uri_path_normalize(out, w.len);

	/* query (and fragment): decoded, structure kept */
	if (q < len) {
		uint32_t hash = q;
		while (hash < len && in[hash] != '#')
			hash++;
		f |= uri_decode(in + q, hash - q, &w, false, o->double_decode_query, o->u_encoding);
		for (uint32_t i = hash; i < len; i++)
			uri_put(&w, in[i]);
	}
	*findings = f;
	return w.len;
}
