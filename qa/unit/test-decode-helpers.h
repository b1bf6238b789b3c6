/*
 * test-decode-helpers.h — shared by the decode unit tests: a tiny packet builder that appends
 * Ethernet/VLAN/IPv4/IPv6/TCP/UDP/ICMP/GRE headers into a buffer and then fixes their lengths
 * and checksums, plus helpers to run the decoder over the result.
 *
 * The checksum here is a deliberately naive 16-bit loop, independent of the decoder's own
 * implementation, so a bug in one is not hidden by the same bug in the other.
 */
#ifndef AEGIS_TEST_DECODE_HELPERS_H
#define AEGIS_TEST_DECODE_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/decode.h"

struct tpkt {
	uint8_t b[4096];
	uint32_t len;
};

static const uint8_t T_SRC4[4] = { 192, 168, 1, 10 };
static const uint8_t T_DST4[4] = { 10, 0, 0, 1 };
static const uint8_t T_SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t T_DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static inline void t_w16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void t_w32(uint8_t *b, uint32_t v)
{
	t_w16(b, (uint16_t)(v >> 16));
	t_w16(b + 2, (uint16_t)v);
}

static inline uint32_t t_put(struct tpkt *k, const void *data, uint32_t n)
{
	uint32_t off = k->len;
	assert_true(k->len + n <= sizeof(k->b));
	if (data)
		memcpy(k->b + k->len, data, n);
	else
		memset(k->b + k->len, 0, n);
	k->len += n;
	return off;
}

static inline uint32_t t_put16(struct tpkt *k, uint16_t v)
{
	uint8_t b[2];
	t_w16(b, v);
	return t_put(k, b, 2);
}

static inline uint32_t t_eth(struct tpkt *k, uint16_t type)
{
	static const uint8_t macs[12] = { 0, 1, 2, 3, 4, 5, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15 };
	uint32_t off = t_put(k, macs, 12);
	t_put16(k, type);
	return off;
}

/* A VLAN tag body (TCI + next type); the TPID is the previous layer's type field. */
static inline uint32_t t_vlan(struct tpkt *k, uint16_t vid, uint16_t type)
{
	uint32_t off = t_put16(k, (uint16_t)(0x2000 | vid));
	t_put16(k, type);
	return off;
}

static inline uint32_t t_ipv4(struct tpkt *k, uint8_t proto)
{
	uint8_t h[20] = { 0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, proto, 0, 0 };
	memcpy(h + 12, T_SRC4, 4);
	memcpy(h + 16, T_DST4, 4);
	return t_put(k, h, 20);
}

static inline uint32_t t_ipv6(struct tpkt *k, uint8_t nh)
{
	uint8_t h[40] = { 0x60, 0x01, 0x23, 0x45, 0, 0, nh, 64 };
	memcpy(h + 8, T_SRC6, 16);
	memcpy(h + 24, T_DST6, 16);
	return t_put(k, h, 40);
}

static inline uint32_t t_tcp(struct tpkt *k, uint16_t sp, uint16_t dp, uint8_t flags,
			     const uint8_t *opts, uint32_t optlen)
{
	uint8_t h[20] = { 0 };
	assert_true(optlen % 4 == 0 && optlen <= 40);
	t_w16(h, sp);
	t_w16(h + 2, dp);
	t_w32(h + 4, 1000);
	t_w32(h + 8, 2000);
	h[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	h[13] = flags;
	t_w16(h + 14, 65535);
	uint32_t off = t_put(k, h, 20);
	if (optlen)
		t_put(k, opts, optlen);
	return off;
}

static inline uint32_t t_udp(struct tpkt *k, uint16_t sp, uint16_t dp)
{
	uint8_t h[8] = { 0 };
	t_w16(h, sp);
	t_w16(h + 2, dp);
	return t_put(k, h, 8);
}

static inline uint32_t t_icmp(struct tpkt *k, uint8_t type, uint8_t code, uint16_t id,
			      uint16_t seq)
{
	uint8_t h[8] = { type, code };
	t_w16(h + 4, id);
	t_w16(h + 6, seq);
	return t_put(k, h, 8);
}

static inline uint32_t t_sum(uint32_t sum, const uint8_t *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		sum += (i & 1) ? d[i] : (uint32_t)d[i] << 8;
	return sum;
}

static inline uint16_t t_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Set total length (everything after `ip` to the end) and the header checksum. */
static inline void t_fin_ipv4(struct tpkt *k, uint32_t ip)
{
	uint8_t *h = k->b + ip;
	uint32_t hlen = (uint32_t)(h[0] & 0xf) * 4;
	t_w16(h + 2, (uint16_t)(k->len - ip));
	t_w16(h + 10, 0);
	t_w16(h + 10, t_fold(t_sum(0, h, hlen)));
}

static inline void t_fin_ipv6(struct tpkt *k, uint32_t ip)
{
	t_w16(k->b + ip + 4, (uint16_t)(k->len - ip - 40));
}

/* Fill the checksum of the L4 header at `l4` (extending to the end) for `proto`, using the
 * addresses of the IP header at `ip` (ICMPv4, protocol 1, has no pseudo-header). */
static inline void t_fin_l4(struct tpkt *k, uint32_t ip, uint32_t l4, uint8_t proto)
{
	uint8_t *h = k->b + l4;
	uint32_t n = k->len - l4;
	uint32_t csum_off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	uint32_t sum = 0;
	bool v6 = (k->b[ip] >> 4) == 6;

	if (proto == 17)
		t_w16(h + 4, (uint16_t)n);
	t_w16(h + csum_off, 0);
	if (proto != 1) {
		if (v6)
			sum = t_sum(0, k->b + ip + 8, 32);
		else
			sum = t_sum(0, k->b + ip + 12, 8);
		sum += proto + n;
	}
	sum = t_sum(sum, h, n);
	uint16_t c = t_fold(sum);
	if (proto == 17 && c == 0)
		c = 0xffff;
	t_w16(h + csum_off, c);
}

/* Decode k as `linktype` with a fresh context in `mode`; returns decode_packet's result. */
static inline int t_decode(struct decode_ctx *ctx, struct packet *p, const struct tpkt *k,
			   int linktype)
{
	memset(p, 0x5a, sizeof(*p)); /* garbage, to prove decode_packet resets what it must */
	p->data = k->b;
	p->caplen = k->len;
	p->wirelen = k->len;
	p->ts_usec = 0;
	p->linktype = linktype;
	p->pcap_cnt = 1;
	p->iface = NULL;
	return decode_packet(ctx, p);
}

static inline bool t_has_event(const struct packet *p, enum decode_event ev)
{
	for (unsigned i = 0; i < p->event_count; i++)
		if (p->events[i] == ev)
			return true;
	return false;
}

/* A standard Ethernet/IPv4/TCP packet with a 4-byte payload. */
static inline void t_build_eth_ipv4_tcp(struct tpkt *k)
{
	k->len = 0;
	t_eth(k, 0x0800);
	uint32_t ip = t_ipv4(k, 6);
	uint32_t l4 = t_tcp(k, 1234, 80, 0x18, NULL, 0);
	t_put(k, "GET ", 4);
	t_fin_l4(k, ip, l4, 6);
	t_fin_ipv4(k, ip);
}

int test_decode_run_link(void);
int test_decode_run_ip(void);
int test_decode_run_l4(void);
int test_decode_run_tunnel(void);
int test_decode_run_pcap(void);

#endif /* AEGIS_TEST_DECODE_HELPERS_H */
