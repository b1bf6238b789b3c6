/*
 * hash.c — non-cryptographic hashes: a 32-bit multiply-rotate hash for hash tables (fast on
 * short keys such as 5-tuples) and 64-bit FNV-1a for cache keys.
 */
#include <string.h>

#include "util/util.h"

/*
 * 32-bit hash for hash tables: 8 bytes a round with a 64-bit multiply-rotate (two multiplies
 * per word, far fewer rounds than a 4-byte hash on 48-byte flow keys), the tail read as one
 * partial word, then a murmur-style avalanche folded to 32 bits.
 */
uint32_t util_hash32(const void *data, size_t len, uint32_t seed)
{
	const uint8_t *p = data;
	const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
	uint64_t h = ((uint64_t)seed << 32 | seed) ^ ((uint64_t)len * c2);
	while (len >= 8) {
		uint64_t k;
		memcpy(&k, p, 8);
		k *= c1;
		k = (k << 31) | (k >> 33);
		k *= c2;
		h ^= k;
		h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t k = 0;
		memcpy(&k, p, len);
		k *= c1;
		k = (k << 31) | (k >> 33);
		k *= c2;
		h ^= k;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h ^ (uint32_t)(h >> 32);
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
