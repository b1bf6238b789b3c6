/*
 * util.h — the small shared pieces every stage uses: logging, IP addresses, hashing, time
 * formatting, bounded string helpers. Nothing here knows about packets, flows or rules.
 */
#ifndef AEGIS_UTIL_H
#define AEGIS_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ---- logging ------------------------------------------------------------------------------ */

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARNING, LOG_LEVEL_NOTICE, LOG_LEVEL_INFO,
		 LOG_LEVEL_DEBUG };

/* Messages above this level are dropped. -q lowers it to ERROR, each -v raises it by one. */
extern enum log_level util_log_level;

void util_log(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void util_vlog(enum log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define log_error(...) util_log(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) util_log(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...) util_log(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) util_log(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) util_log(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* ---- IP addresses ------------------------------------------------------------------------- */

/* An IPv4 or IPv6 address. IPv4 uses the first 4 bytes of `b` (network order); the rest is 0,
 * so two addresses compare equal with memcmp over the whole struct. */
struct ip_addr {
	uint8_t family; /* 4 or 6; 0 = unset */
	uint8_t pad[3];
	union {
		uint8_t b[16];
		uint32_t w[4];
	};
};

#define IP_ADDR_STRLEN 46

void ip_addr_set_v4(struct ip_addr *a, const uint8_t bytes[4]);
void ip_addr_set_v6(struct ip_addr *a, const uint8_t bytes[16]);
/* Text form (dotted quad, or RFC 5952 compressed IPv6). Returns buf. */
const char *ip_addr_to_str(const struct ip_addr *a, char *buf, size_t len);
/* Parse a literal IPv4/IPv6 address; 0 on success, -1 if it is not one. */
int ip_addr_parse(const char *s, struct ip_addr *a);
int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b);

/* ---- hashing ------------------------------------------------------------------------------ */

/* A fast non-cryptographic 32-bit hash of a byte string (seeded). */
uint32_t util_hash32(const void *data, size_t len, uint32_t seed);
/* Mix two 32-bit values (for combining hashes). */
static inline uint32_t util_hash_mix(uint32_t h, uint32_t v)
{
	h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
	return h;
}
/* 64-bit FNV-1a, for cache keys and content fingerprints. */
uint64_t util_hash64(const void *data, size_t len, uint64_t seed);

/* ---- digests (digest.c, md5.c, sha256.c) ---------------------------------------------------
 * MD5 (RFC 1321) for JA3, SHA-1 (FIPS 180-4) for certificate fingerprints and Community ID,
 * SHA-256 for JA4: one 64-byte-block engine, three compression functions. Not for security. */
#define UTIL_MD5_LEN    16
#define UTIL_SHA1_LEN   20
#define UTIL_SHA256_LEN 32

/* One 64-byte-block hash in progress (MD5, SHA-1 and SHA-256 all use 64-byte blocks). */
struct util_md_ctx {
	uint32_t h[8];
	uint64_t total;                /* bytes hashed so far */
	uint8_t block[64];
	size_t used;                   /* bytes waiting in block */
	void (*compress)(uint32_t *h, const uint8_t *blk);
	bool big_endian;               /* SHA: big-endian length and output; MD5: little */
	uint8_t out_words;             /* digest length in 32-bit words */
};

void util_md_update(struct util_md_ctx *c, const void *data, size_t len);
/* Pad, write the digest (out_words * 4 bytes) to out. */
void util_md_final(struct util_md_ctx *c, uint8_t *out);

void util_md5_init(struct util_md_ctx *c);       /* RFC 1321 */
void util_sha1_init(struct util_md_ctx *c);  /* FIPS 180-4 6.1 */
void util_sha256_init(struct util_md_ctx *c);    /* FIPS 180-4 6.2 */

/* One-shot helpers. */
void util_md5_digest(const void *data, size_t len, uint8_t out[UTIL_MD5_LEN]);
void util_sha1_digest(const void *data, size_t len, uint8_t out[UTIL_SHA1_LEN]);
void util_sha256_digest(const void *data, size_t len, uint8_t out[UTIL_SHA256_LEN]);

/* Lower-case hex of `len` bytes into out (2 * len + 1 bytes, NUL-terminated). */
void util_digest_hex(const uint8_t *d, size_t len, char *out);


/* ---- time --------------------------------------------------------------------------------- */

/* Timestamps are microseconds since the Unix epoch throughout aegis. */
#define USEC_PER_SEC 1000000ULL

/* Suricata's EVE timestamp: "2024-04-19T12:34:56.123456+0000" in local time. buf >= 40. */
void util_format_timestamp(uint64_t ts_usec, char *buf, size_t len);
/* Monotonic wall clock in microseconds, for uptime and progress. */
uint64_t util_monotonic_usec(void);

/* ---- strings and numbers ------------------------------------------------------------------ */

/* strlcpy semantics: always terminates, returns strlen(src). */
size_t util_strlcpy(char *dst, const char *src, size_t size);
/* Parse a size such as "64mb", "1gb", "512kb", "1024" into bytes. 0 ok, -1 invalid. */
int util_parse_size(const char *s, uint64_t *out);
/* Parse an unsigned decimal integer with range check. 0 ok, -1 invalid/out of range. */
int util_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* Standard base64; returns bytes written (excluding NUL) or -1 if out is too small. */
long util_base64_encode(const uint8_t *in, size_t len, char *out, size_t outlen);

#endif /* AEGIS_UTIL_H */
