/*
 * digest.c — the block buffering and padding shared by MD5 (md5.c), SHA-1 (here) and SHA-256
 * (sha256.c): all three process 64-byte blocks and end with a 0x80 byte, zeros and the message
 * length in bits; they differ only in the compression function and in byte order.
 *
 * SHA-1 (FIPS 180-4 section 6.1) lives here because it is small. Users: TLS certificate
 * fingerprints (app stage) and Community ID (output stage).
 */
#include <string.h>

#include "util/util.h"

void util_md_update(struct util_md_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	c->total += len;
	if (c->used) {
		size_t take = 64 - c->used < len ? 64 - c->used : len;
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		len -= take;
		if (c->used < 64)
			return;
		c->compress(c->h, c->block);
		c->used = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		c->compress(c->h, p);
	memcpy(c->block, p, len);
	c->used = len;
}

void util_md_final(struct util_md_ctx *c, uint8_t *out)
{
	uint64_t bits = c->total * 8;
	uint8_t pad[72] = { 0x80 };
	size_t padlen = (c->used < 56 ? 56 : 120) - c->used;
	uint8_t len8[8];
	for (int i = 0; i < 8; i++)
		len8[i] = (uint8_t)(bits >> (c->big_endian ? 56 - 8 * i : 8 * i));
	util_md_update(c, pad, padlen);
	util_md_update(c, len8, 8);
	for (unsigned w = 0; w < c->out_words; w++)
		for (int b = 0; b < 4; b++)
			out[4 * w + b] = (uint8_t)(c->h[w] >> (c->big_endian ? 24 - 8 * b : 8 * b));
}

void util_digest_hex(const uint8_t *d, size_t len, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[2 * len] = '\0';
}

/* ---- SHA-1 ---------------------------------------------------------------------------------- */

static inline uint32_t rol32(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_compress(uint32_t *h, const uint8_t *blk)
{
	uint32_t w[80];
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)blk[4 * t] << 24 | (uint32_t)blk[4 * t + 1] << 16 |
		       (uint32_t)blk[4 * t + 2] << 8 | blk[4 * t + 3];
	for (int t = 16; t < 80; t++)
		w[t] = rol32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int t = 0; t < 80; t++) {
		uint32_t f, k;
		if (t < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (t < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (t < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		uint32_t tmp = rol32(a, 5) + f + e + k + w[t];
		e = d;
		d = c;
		c = rol32(b, 30);
		b = a;
		a = tmp;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void util_sha1_init(struct util_md_ctx *c)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
					0xc3d2e1f0 };
	memset(c, 0, sizeof(*c));
	memcpy(c->h, iv, sizeof(iv));
	c->compress = sha1_compress;
	c->big_endian = true;
	c->out_words = 5;
}

void util_sha1_digest(const void *data, size_t len, uint8_t out[UTIL_SHA1_LEN])
{
	struct util_md_ctx c;
	util_sha1_init(&c);
	util_md_update(&c, data, len);
	util_md_final(&c, out);
}
