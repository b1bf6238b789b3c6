/*
 * fuzz-ssh.c — libFuzzer target of the SSH parser and of per-direction detection: the input is
 * replayed through the app layer as a TCP stream in both directions (segment sizes, direction
 * pattern, gaps and which side starts chosen by the first two bytes), the SSH transaction's
 * buffers are read after each call, and the flow is finished. Identification lines are checked
 * directly with ssh_banner_parse as well.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app-int.h"

/* Read every buffer of every SSH transaction the call reported (must stay in bounds). */
static void fuzz_read_buffers(const struct app_result *r)
{
	static volatile uint8_t sink;
	for (uint32_t i = 0; i < r->n_tx; i++) {
		for (uint8_t dir = 0; dir < 2; dir++) {
			const enum app_buffer bufs[] = { APP_BUF_SSH_PROTO, APP_BUF_SSH_SOFTWARE };
			for (size_t b = 0; b < 2; b++) {
				const uint8_t *d;
				uint32_t n;
				if (app_tx_get_buffer(r->txs[i].tx, bufs[b], dir, 0, &d, &n) == 0 && n)
					sink = d[n - 1];
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3 || size > 100000)
		return 0;
	struct ssh_banner b;
	memset(&b, 0, sizeof(b));
	b.len = (uint16_t)(size - 2 < SSH_BANNER_MAX ? size - 2 : SSH_BANNER_MAX);
	memcpy(b.line, data + 2, b.len);
	if (ssh_banner_parse(&b) == 0 &&
	    (b.proto_off + b.proto_len > b.len || b.soft_off + b.soft_len > b.len))
		abort(); /* the versions must lie inside the line */

	struct app_config cfg;
	app_config_defaults(&cfg);
	struct app_ctx *ctx = app_ctx_create(&cfg);
	if (!ctx)
		return 0;
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.ip_proto = 6;
	f.sp = 55555;
	f.dp = 22;
	uint8_t mode = data[0], mode2 = data[1];
	struct app_result r;
	const uint8_t *p = data + 2;
	size_t left = size - 2;
	unsigned i = 0;
	uint64_t off[2] = { 0, 0 };
	while (left) {
		size_t n = (mode & 1) ? (size_t)(p[0] % 61) + 1 : left;
		if (n > left)
			n = left;
		/* the first segment from the side mode2 picks, then as the mode's bits say */
		uint8_t dir = i == 0 ? (mode2 & 1) : (uint8_t)((mode >> (1 + i % 7)) & 1);
		uint32_t flags = app_flags_offset(off[dir]);
		if ((mode2 & 0x80) && i == 3) {
			flags |= APP_F_GAP; /* three bytes were lost before this segment */
			off[dir] += 3;
			flags = (flags & ~(APP_F_OFFSET_MASK << APP_F_OFFSET_SHIFT)) |
				app_flags_offset(off[dir]);
		}
		app_handle_data(ctx, &f, dir, p, (uint32_t)n, flags, i, &r);
		fuzz_read_buffers(&r);
		off[dir] += n;
		p += n;
		left -= n;
		i++;
	}
	app_flow_finish(ctx, &f, &r);
	fuzz_read_buffers(&r);
	app_flow_free(ctx, &f);
	app_ctx_destroy(ctx);
	return 0;
}
