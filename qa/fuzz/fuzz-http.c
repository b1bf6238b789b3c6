/*
 * fuzz-http.c — libFuzzer target for the app-layer core and the HTTP parser. The input is a
 * sequence of chunks, each a control byte followed by its data: bit 0 = direction, bits 1-6 =
 * length - 1 (1..64 bytes), bit 7 = a gap before the chunk (as many bytes lost as the chunk
 * holds, told through the stream offset). Every transaction reported is read through every
 * sticky-buffer accessor and its files (names, states), so ASan sees any read past a buffer.
 * Inputs of odd size are flows picked up midstream, whose sides detection may reverse.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "app/app.h"

static void fuzz_touch(const struct app_result *r)
{
	volatile uint8_t sink = 0;
	for (uint32_t i = 0; i < r->n_tx; i++) {
		const struct app_tx *tx = r->txs[i].tx;
		for (int b = 0; b < APP_BUF_MAX; b++)
			for (uint8_t dir = 0; dir < 2; dir++)
				for (uint32_t idx = 0; idx < 64; idx++) {
					const uint8_t *d;
					uint32_t l;
					if (app_tx_get_buffer(tx, (enum app_buffer)b, dir, idx, &d,
							      &l) < 0)
						break;
					for (uint32_t k = 0; k < l; k++)
						sink ^= d[k];
				}
		uint32_t ul;
		app_tx_get_urilen(tx, false, &ul);
		for (uint8_t dir = 0; dir < 2; dir++)
			for (const struct app_file *fi = app_tx_files(tx, dir); fi; fi = fi->next) {
				for (uint32_t k = 0; k < fi->name_len; k++)
					sink ^= fi->name[k];
				sink ^= (uint8_t)app_file_state_name(fi->state)[0];
				sink ^= (uint8_t)fi->size;
			}
	}
	(void)sink;
}

/* Flow reversal (a midstream flow whose first data is a response): exchange the ports, as the
 * pipeline exchanges the flow's sides. */
static void fuzz_on_reverse(struct flow *f, void *user)
{
	(void)user;
	uint16_t p = f->sp;
	f->sp = f->dp;
	f->dp = p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct app_ctx *ctx;
	if (!ctx) {
		struct app_config cfg;
		app_config_defaults(&cfg);
		cfg.http.field_limit = 256;      /* small limits so the fuzzer reaches them */
		cfg.http.headers_limit = 16;
		cfg.http.max_tx = 8;
		cfg.http.response_body_limit = 4096;
		cfg.http.request_body_limit = 4096;
		cfg.http.decompress_limit = 65536;
		cfg.files.hashes = APP_FILE_HASH_MD5 | APP_FILE_HASH_SHA1 | APP_FILE_HASH_SHA256;
		ctx = app_ctx_create(&cfg);
		if (!ctx)
			return 0;
		app_ctx_set_reverse(ctx, fuzz_on_reverse, NULL);
	}
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.ip_proto = 6;
	f.sp = 1234;
	f.dp = 80;
	if (size & 1)
		f.flags |= FLOW_F_MIDSTREAM; /* odd sizes: sides may be reversed by detection */
	struct app_result r;
	size_t off = 0;
	uint64_t stream_off[2] = { 0, 0 };
	while (off < size) {
		uint8_t c = data[off++];
		size_t len = (size_t)((c >> 1) & 0x3f) + 1;
		if (len > size - off)
			len = size - off;
		uint32_t flags = 0;
		if (c & 0x80) {
			flags |= APP_F_GAP;
			stream_off[c & 1] += len;
		}
		flags |= app_flags_offset(stream_off[c & 1]);
		stream_off[c & 1] += len;
		app_handle_data(ctx, &f, c & 1, data + off, (uint32_t)len, flags, 0, &r);
		fuzz_touch(&r);
		off += len;
	}
	app_handle_data(ctx, &f, 0, NULL, 0, APP_F_EOF, 0, &r);
	fuzz_touch(&r);
	app_flow_finish(ctx, &f, &r);
	fuzz_touch(&r);
	app_flow_free(ctx, &f);
	return 0;
}
