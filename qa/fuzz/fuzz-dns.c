/*
 * fuzz-dns.c — libFuzzer target of the DNS parser: the input is parsed as one message directly,
 * then replayed through the app layer as UDP datagrams or a TCP stream (first byte picks the
 * transport and the direction pattern), split at input-chosen points.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app-int.h"
#include "app/dns-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 70000)
		return 0;
	struct dns_tx t = { 0 };
	struct dns_parse_result res;
	dns_parse_message(&res, &t, &t.resp, data + 1, (uint32_t)(size - 1));
	free(t.resp.queries);
	free(t.resp.rrs);
	free(t.arena);

	struct app_config cfg;
	app_config_defaults(&cfg);
	struct app_ctx *ctx = app_ctx_create(&cfg);
	if (!ctx)
		return 0;
	struct flow f;
	memset(&f, 0, sizeof(f));
	uint8_t mode = data[0];
	f.ip_proto = (mode & 1) ? 6 : 17;
	f.sp = 33333;
	f.dp = 53;
	struct app_result r;
	const uint8_t *p = data + 1;
	size_t left = size - 1;
	unsigned i = 0;
	while (left) {
		/* Chunks of 1..64 bytes chosen by the bits of the mode byte and the data itself. */
		size_t n = (size_t)(p[0] % 64) + 1 + ((mode & 2) ? 200 : 0);
		if (n > left)
			n = left;
		uint8_t dir = (uint8_t)(((mode >> 2) ^ i) & 1);
		app_handle_data(ctx, &f, dir, p, (uint32_t)n, 0, i, &r);
		p += n;
		left -= n;
		i++;
	}
	app_flow_finish(ctx, &f, &r);
	app_flow_free(ctx, &f);
	app_ctx_destroy(ctx);
	return 0;
}
