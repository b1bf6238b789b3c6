/*
 * ja3.c — JA3 and JA3S TLS fingerprints (github.com/salesforce/ja3): the hello's version,
 * cipher suites, extensions (and for clients the supported groups and EC point formats) as
 * decimal numbers, '-' within a field and ',' between fields, GREASE values left out; the
 * fingerprint is the MD5 of that string in hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/tls-int.h"

struct ja_buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void ja_add(struct ja_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		char *p = realloc(b->s, ncap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void ja_add_num(struct ja_buf *b, unsigned v)
{
	char t[8];
	int n = snprintf(t, sizeof(t), "%u", v);
	ja_add(b, t, (size_t)n);
}

/* One '-'-joined field of 16-bit values without GREASE. */
static void ja_add_list16(struct ja_buf *b, const uint16_t *v, unsigned n)
{
	bool first = true;
	for (unsigned i = 0; i < n; i++) {
		if (tls_is_grease(v[i]))
			continue;
		if (!first)
			ja_add(b, "-", 1);
		ja_add_num(b, v[i]);
		first = false;
	}
}

static char *ja_finish(struct ja_buf *b, char hash[33])
{
	if (b->failed) {
		free(b->s);
		hash[0] = '\0';
		return NULL;
	}
	uint8_t d[UTIL_MD5_LEN];
	util_md5_digest(b->s, b->len, d);
	util_digest_hex(d, sizeof(d), hash);
	return b->s;
}

char *tls_ja3_string(const struct tls_hello *h, char hash[33])
{
	struct ja_buf b = { 0 };
	ja_add(&b, "", 0);
	ja_add_num(&b, h->version);
	ja_add(&b, ",", 1);
	ja_add_list16(&b, h->ciphers, h->n_ciphers);
	ja_add(&b, ",", 1);
	ja_add_list16(&b, h->exts, h->n_exts);
	ja_add(&b, ",", 1);
	ja_add_list16(&b, h->groups, h->n_groups);
	ja_add(&b, ",", 1);
	for (unsigned i = 0; i < h->n_ec_formats; i++) {
		if (i)
			ja_add(&b, "-", 1);
		ja_add_num(&b, h->ec_formats[i]);
	}
	return ja_finish(&b, hash);
}

char *tls_ja3s_string(const struct tls_hello *h, char hash[33])
{
	struct ja_buf b = { 0 };
	ja_add(&b, "", 0);
	ja_add_num(&b, h->version);
	ja_add(&b, ",", 1);
	ja_add_list16(&b, h->ciphers, h->n_ciphers);
	ja_add(&b, ",", 1);
	ja_add_list16(&b, h->exts, h->n_exts);
	return ja_finish(&b, hash);
}
