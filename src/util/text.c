/*
 * text.c — bounded string copies, number and size parsing, base64, and the EVE timestamp format.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

size_t util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

int util_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

int util_parse_size(const char *s, uint64_t *out)
{
	if (!s)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || v < 0)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	uint64_t mult = 1;
	if (*end) {
		char unit[8] = { 0 };
		size_t i = 0;
		while (end[i] && i < sizeof(unit) - 1) {
			unit[i] = (char)tolower((unsigned char)end[i]);
			i++;
		}
		if (end[i])
			return -1;
		if (!strcmp(unit, "b"))
			mult = 1;
		else if (!strcmp(unit, "kb") || !strcmp(unit, "k") || !strcmp(unit, "kib"))
			mult = 1024ULL;
		else if (!strcmp(unit, "mb") || !strcmp(unit, "m") || !strcmp(unit, "mib"))
			mult = 1024ULL * 1024;
		else if (!strcmp(unit, "gb") || !strcmp(unit, "g") || !strcmp(unit, "gib"))
			mult = 1024ULL * 1024 * 1024;
		else
			return -1;
	}
	double bytes = v * (double)mult;
	if (bytes > 1.8e19)
		return -1;
	*out = (uint64_t)bytes;
	return 0;
}

long util_base64_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t need = ((len + 2) / 3) * 4;
	if (outlen < need + 1)
		return -1;
	size_t o = 0, i = 0;
	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = tbl[v >> 18];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = tbl[(v >> 6) & 63];
		out[o++] = tbl[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = tbl[v >> 18];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return (long)o;
}

void util_format_timestamp(uint64_t ts_usec, char *buf, size_t len)
{
	/* localtime_r is slow (it consults TZ each call); cache the zone offset per second. */
	static __thread time_t cached_sec = -1;
	static __thread struct tm cached_tm;
	static __thread long cached_off;
	time_t sec = (time_t)(ts_usec / USEC_PER_SEC);
	if (sec != cached_sec) {
		localtime_r(&sec, &cached_tm);
		cached_off = cached_tm.tm_gmtoff;
		cached_sec = sec;
	}
	long off = cached_off;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06u%c%02ld%02ld",
		 cached_tm.tm_year + 1900, cached_tm.tm_mon + 1, cached_tm.tm_mday,
		 cached_tm.tm_hour, cached_tm.tm_min, cached_tm.tm_sec,
		 (unsigned)(ts_usec % USEC_PER_SEC), sign, off / 3600, (off % 3600) / 60);
}

uint64_t util_monotonic_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}
