/*
 * fuzz-tls.c — libFuzzer target of the TLS parser: the input is read as a DER certificate
 * directly, then replayed through the app layer as a TCP stream in both directions (split and
 * direction pattern chosen by the first byte) with JA3/JA4 on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app-int.h"
#include "app/tls-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 300000)
		return 0;
	struct tls_cert c;
	memset(&c, 0, sizeof(c));
	tls_x509_parse(&c, data + 1, (uint32_t)(size - 1));
	tls_cert_clear(&c);

	struct app_config cfg;
	app_config_defaults(&cfg);
	cfg.tls.ja3 = true;
	cfg.tls.ja4 = true;
	struct app_ctx *ctx = app_ctx_create(&cfg);
	if (!ctx)
		return 0;
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.ip_proto = 6;
	f.sp = 44444;
	f.dp = 443;
	uint8_t mode = data[0];
	struct app_result r;
	const uint8_t *p = data + 1;
	size_t left = size - 1;
	unsigned i = 0;
	while (left) {
		size_t n = (mode & 1) ? (size_t)(p[0] % 97) + 1 : left;
		if (n > left)
			n = left;
		/* Mostly client first, then alternate as the mode's bits say. */
		uint8_t dir = i == 0 ? 0 : (uint8_t)((mode >> (1 + i % 7)) & 1);
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
