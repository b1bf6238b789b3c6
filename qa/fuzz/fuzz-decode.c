/*
 * fuzz-decode.c — libFuzzer target for the decode stage. The first input byte picks the link
 * type, the rest is the frame. The frame is copied into an exact-size heap buffer so ASan
 * catches any read past caplen, and every pointer the decoder leaves is checked to lie inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"

static const int fuzz_linktypes[] = {
	LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW,
	LINKTYPE_RAW_ALT, LINKTYPE_RAW_ALT2, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_NULL,
	LINKTYPE_LOOP,
};

static void fuzz_check(int ok)
{
	if (!ok)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct decode_ctx ctx;
	static int init;
	struct packet p;

	if (size < 1 || size > 65536 + 1)
		return 0;
	if (!init) {
		decode_ctx_init(&ctx, CHECKSUM_ALL);
		init = 1;
	}

	size_t n = size - 1;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, n);

	memset(&p, 0, sizeof(p));
	p.data = buf;
	p.caplen = (uint32_t)n;
	p.wirelen = (uint32_t)n;
	p.linktype = fuzz_linktypes[data[0] % (sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0]))];
	/* Alternate checksum modes so both paths are exercised. */
	ctx.checksum_mode = (data[0] & 0x80) ? CHECKSUM_NONE : CHECKSUM_ALL;

	int rc = decode_packet(&ctx, &p);
	const uint8_t *end = buf + n;

	fuzz_check(rc == 0 || p.ip_version == 0);
	fuzz_check(p.event_count <= PKT_MAX_EVENTS);
	fuzz_check(p.vlan_count <= PKT_MAX_VLAN);
	fuzz_check(p.tunnel_depth <= PKT_MAX_TUNNEL_DEPTH);
	fuzz_check(p.tunnel_kind <= PKT_TUNNEL_GRE);
	fuzz_check(p.tunnel_len <= n);
	/* a tunnelled packet's root layer is an IP layer of its own */
	struct packet root;
	if (p.flags & PKT_F_TUNNELED) {
		decode_tunnel_root(&p, &root);
		fuzz_check(root.ip_version == 4 || root.ip_version == 6);
		fuzz_check(root.l4_hdr == NULL && root.payload == NULL);
	} else {
		fuzz_check(!decode_tunnel_root(&p, &root));
	}
	if (rc == 0)
		fuzz_check(p.ip_hdr >= buf && p.ip_hdr + p.ip_hlen <= end && p.ip_len <= n);
	if (p.l4_hdr)
		fuzz_check(p.l4_hdr >= buf && p.l4_hdr + p.l4_hlen <= end);
	if (p.payload)
		fuzz_check(p.payload >= buf && p.payload + p.payload_len <= end);
	for (unsigned i = 0; i < p.event_count; i++)
		fuzz_check(decode_event_name((enum decode_event)p.events[i]) != NULL);

	free(buf);
	return 0;
}
