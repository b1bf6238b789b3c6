/*
 * community-id.c — the Community ID v1 flow hash (Corelight's community-id-spec), so aegis flows
 * can be joined with Zeek/Suricata/other tools' records of the same connection.
 *
 * id = "1:" + base64(SHA1(seed(2, BE) | saddr | daddr | proto(1) | 0(1) | sport(2) | dport(2)))
 * with the endpoints ordered (lower address first, then lower port) so both directions hash the
 * same; ICMP types are mapped to their request/reply counterpart so a ping and its echo reply
 * share an id.
 */
#include <string.h>

#include "output/output-int.h"

/* ICMPv4 / ICMPv6 request <-> reply pairs from the spec; types not listed are one-way. */
static int icmp4_counterpart(uint8_t t)
{
	switch (t) {
	case 8: return 0;   /* echo -> echo reply */
	case 0: return 8;
	case 13: return 14; /* timestamp */
	case 14: return 13;
	case 15: return 16; /* information */
	case 16: return 15;
	case 10: return 9;  /* router solicitation / advertisement */
	case 9: return 10;
	case 17: return 18; /* address mask */
	case 18: return 17;
	default: return -1;
	}
}

static int icmp6_counterpart(uint8_t t)
{
	switch (t) {
	case 128: return 129; /* echo */
	case 129: return 128;
	case 133: return 134; /* router solicitation / advertisement */
	case 134: return 133;
	case 135: return 136; /* neighbor solicitation / advertisement */
	case 136: return 135;
	case 139: return 140; /* node information query / response */
	case 140: return 139;
	case 144: return 145; /* home agent address discovery */
	case 145: return 144;
	case 130: return 131; /* MLD listener query / report */
	case 131: return 130;
	default: return -1;
	}
}

int community_id_v1(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto,
		    uint16_t sp, uint16_t dp, uint16_t seed, char out[COMMUNITY_ID_LEN])
{
	if (!src->family || src->family != dst->family)
		return -1;
	size_t alen = src->family == 4 ? 4 : 16;
	const uint8_t *sa = src->b, *da = dst->b;
	bool has_ports = eve_proto_has_ports(proto) || eve_proto_is_icmp(proto);
	bool one_way = false;

	if (eve_proto_is_icmp(proto)) {
		/* sp/dp carry type/code: the port pair becomes (type, counterpart type). */
		uint8_t type = (uint8_t)sp;
		int peer = proto == 1 ? icmp4_counterpart(type) : icmp6_counterpart(type);
		if (peer >= 0) {
			dp = (uint16_t)peer;
		} else {
			one_way = true;
		}
	}
	if (!one_way) {
		int c = memcmp(sa, da, alen);
		if (c > 0 || (c == 0 && has_ports && sp > dp)) {
			const uint8_t *ta = sa;
			sa = da;
			da = ta;
			uint16_t tp = sp;
			sp = dp;
			dp = tp;
		}
	}

	uint8_t buf[2 + 16 + 16 + 2 + 4];
	size_t n = 0;
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, sa, alen);
	n += alen;
	memcpy(buf + n, da, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	if (has_ports) {
		buf[n++] = (uint8_t)(sp >> 8);
		buf[n++] = (uint8_t)sp;
		buf[n++] = (uint8_t)(dp >> 8);
		buf[n++] = (uint8_t)dp;
	}

	struct util_md_ctx ctx;
	uint8_t digest[UTIL_SHA1_LEN];
	util_sha1_init(&ctx);
	util_md_update(&ctx, buf, n);
	util_md_final(&ctx, digest);

	out[0] = '1';
	out[1] = ':';
	if (util_base64_encode(digest, sizeof(digest), out + 2, COMMUNITY_ID_LEN - 2) < 0)
		return -1;
	return 0;
}
