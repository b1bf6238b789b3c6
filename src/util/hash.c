/*
 * hash.c — non-cryptographic hashes: a 32-bit multiply-xorshift hash for hash tables (fast on
 * short keys such as 5-tuples) and 64-bit FNV-1a for cache keys.
 */
#include <string.h>

#include "util/util.h"

static inline uint32_t rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

/* Murmur3-style 32-bit hash: 4 bytes a round, then a final avalanche. */
uint32_t util_hash32(const void *data, size_t len, uint32_t seed)
{
	const uint8_t *p = data;
	uint32_t h = seed ^ (uint32_t)len;
	const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
	while (len >= 4) {
		uint32_t k;
		memcpy(&k, p, 4);
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
		h = rotl32(h, 13);
		h = h * 5 + 0xe6546b64u;
		p += 4;
		len -= 4;
	}
	uint32_t k = 0;
	switch (len) {
	case 3:
		k ^= (uint32_t)p[2] << 16;
		/* fall through */
	case 2:
		k ^= (uint32_t)p[1] << 8;
		/* fall through */
	case 1:
		k ^= p[0];
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

uint64_t util_hash64(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
