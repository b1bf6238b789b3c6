/*
 * addr.c — IPv4/IPv6 addresses: construction from wire bytes, text form and parsing. Wire bytes
 * are copied into a fixed 16-byte form so flows can compare and hash addresses of both families
 * the same way.
 */
#include <arpa/inet.h>
#include <string.h>

#include "util/util.h"

void ip_addr_set_v4(struct ip_addr *a, const uint8_t bytes[4])
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->b, bytes, 4);
}

void ip_addr_set_v6(struct ip_addr *a, const uint8_t bytes[16])
{
	memset(a, 0, sizeof(*a));
	a->family = 6;
	memcpy(a->b, bytes, 16);
}

const char *ip_addr_to_str(const struct ip_addr *a, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (a->family == 4)
		inet_ntop(AF_INET, a->b, buf, (socklen_t)len);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->b, buf, (socklen_t)len);
	return buf;
}

int ip_addr_parse(const char *s, struct ip_addr *a)
{
	uint8_t bytes[16];
	if (inet_pton(AF_INET, s, bytes) == 1) {
		ip_addr_set_v4(a, bytes);
		return 0;
	}
	if (inet_pton(AF_INET6, s, bytes) == 1) {
		ip_addr_set_v6(a, bytes);
		return 0;
	}
	return -1;
}

int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, 16);
}
