/*
 * fuzz-stream.c — libFuzzer target for the stream stage: random fragment and segment sequences.
 *
 * Byte 0 picks the overlap policy and small limits. The rest is a list of records
 *     [kind][a:2][b:2][flags][len] + len payload bytes
 * kind 0/1: an IPv4/IPv6 fragment (id a&3, offset b in 8-byte units, MF = flags&1) built as raw
 * IP bytes, decoded, and fed to defrag_handle; a reassembled datagram is decoded again.
 * kind 2/3: a TCP segment of one hand-made flow (direction flags&1, TCP flags from `flags`,
 * sequence numbers near the ISNs from a and b), with the flow's TCP state moved along as the flow
 * stage would; kind 3 with len 0 flushes the flow. After each segment the data due for raw
 * inspection is taken (flags & 0x80 first asks for it, as an app-layer trigger would).
 * Every delivered byte is read so ASan sees any chunk pointing outside live memory, and all
 * memory accounting must be back to zero at the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream/stream.h"

static void fuzz_check(int ok)
{
	if (!ok)
		__builtin_trap();
}

static volatile uint8_t sink;

static void consume(const struct stream_result *r)
{
	fuzz_check(r->n <= STREAM_MAX_CHUNKS);
	for (unsigned i = 0; i < r->n; i++) {
		const struct stream_chunk *c = &r->chunks[i];
		fuzz_check(c->dir < 2);
		fuzz_check(c->len == 0 || c->data != NULL);
		uint8_t x = 0;
		for (uint32_t j = 0; j < c->len; j++)
			x ^= c->data[j];
		sink = x;
	}
}

static void put16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void feed_fragment(struct decode_ctx *dc, struct defrag_table *dt, int v6, uint16_t a,
			  uint16_t b, uint8_t flags, const uint8_t *pl, uint32_t len, uint64_t ts)
{
	uint8_t *buf = malloc(48 + len);
	if (!buf)
		return;
	uint32_t tot;
	if (!v6) {
		memset(buf, 0, 20);
		buf[0] = 0x45;
		put16(buf + 2, 20 + len);
		put16(buf + 4, a & 3);
		put16(buf + 6, (uint32_t)((flags & 1) << 13) | (b & 0x1fff));
		buf[8] = 64;
		buf[9] = (flags & 2) ? 6 : 17;
		buf[12] = 10, buf[15] = 1, buf[16] = 10, buf[19] = 2;
		memcpy(buf + 20, pl, len);
		tot = 20 + len;
	} else {
		memset(buf, 0, 48);
		buf[0] = 0x60;
		put16(buf + 4, 8 + len);
		buf[6] = 44;
		buf[7] = 64;
		buf[23] = 1, buf[39] = 2;
		buf[40] = (flags & 2) ? 6 : 17;
		put16(buf + 42, (uint32_t)((b & 0x1fff) << 3) | (flags & 1));
		buf[47] = (uint8_t)(a & 3);
		memcpy(buf + 48, pl, len);
		tot = 48 + len;
	}
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.data = buf;
	p.caplen = p.wirelen = tot;
	p.linktype = LINKTYPE_RAW;
	p.ts_usec = ts;
	if (decode_packet(dc, &p) == 0 && (p.flags & PKT_F_FRAGMENT)) {
		const uint8_t *dg;
		uint32_t dlen;
		if (defrag_handle(dt, &p, &dg, &dlen) == 1) {
			uint8_t *copy = malloc(dlen);
			if (copy) {
				memcpy(copy, dg, dlen);
				struct packet q;
				memset(&q, 0, sizeof(q));
				q.data = copy;
				q.caplen = q.wirelen = dlen;
				q.linktype = LINKTYPE_RAW;
				decode_packet(dc, &q);
				fuzz_check(!(q.flags & PKT_F_FRAGMENT));
				free(copy);
			}
		}
		const uint16_t *ev;
		fuzz_check(defrag_last_events(dt, &ev) <= STREAM_PKT_MAX_EVENTS);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct decode_ctx dc;
	if (size < 1)
		return 0;
	decode_ctx_init(&dc, CHECKSUM_NONE);
	uint8_t cfgb = data[0];

	struct defrag_config dcfg;
	defrag_config_defaults(&dcfg);
	dcfg.policy = (enum stream_policy)(cfgb % STREAM_POLICY_MAX);
	dcfg.max_frags = 32;
	dcfg.memcap = (cfgb & 0x80) ? 4096 : 1 << 20;
	dcfg.hash_size = 16;
	dcfg.trackers = 4;
	dcfg.timeout_s = 2;
	struct defrag_table *dt = defrag_table_create(&dcfg);

	struct stream_config scfg;
	stream_config_defaults(&scfg);
	scfg.policy = dcfg.policy;
	scfg.checksum_validation = false;
	scfg.midstream = (cfgb & 0x10) != 0;
	scfg.async_oneside = (cfgb & 0x20) != 0;
	scfg.reassembly_depth = (cfgb & 0x40) ? 300 : 0;
	scfg.reassembly_memcap = (cfgb & 0x80) ? 2048 : 1 << 20;
	/* both delivery models: on the receiver's ACK (IDS) and on arrival (inline) */
	scfg.inline_mode = (cfgb & 0x08) ? STREAM_INLINE_YES : STREAM_INLINE_NO;
	struct stream_ctx *sc = stream_ctx_create(&scfg, &dc);
	if (!dt || !sc)
		goto out;

	struct flow f;
	memset(&f, 0, sizeof(f));
	f.ip_proto = 6;
	f.ip_version = 4;
	static const uint8_t l4[20];
	const uint32_t isn[2] = { 0xfffffe00u, 0x1000u };
	uint64_t ts = 1000000;

	size_t i = 1;
	while (i + 7 <= size) {
		uint8_t kind = data[i] & 3;
		uint16_t a = (uint16_t)(data[i + 1] << 8 | data[i + 2]);
		uint16_t b = (uint16_t)(data[i + 3] << 8 | data[i + 4]);
		uint8_t flags = data[i + 5];
		uint32_t len = data[i + 6];
		i += 7;
		if (len > size - i)
			len = (uint32_t)(size - i);
		const uint8_t *pl = data + i;
		i += len;
		ts += (uint64_t)(data[i - len - 7] >> 2) * 100000;

		if (kind < 2) {
			feed_fragment(&dc, dt, kind, a, b, flags, pl, len, ts);
			continue;
		}
		struct stream_result r;
		if (kind == 3 && len == 0) {
			stream_flow_flush(sc, &f, &r);
			consume(&r);
			stream_raw_flush(sc, &f, &r);
			consume(&r);
			continue;
		}
		/* the flow stage's view: states advance with what it would have seen */
		uint8_t d = flags & 1;
		uint8_t tf = (uint8_t)(flags & ~1u) | ((flags & 0x40) ? TH_FIN : 0);
		if (f.tcp_state == TCP_STATE_NONE) {
			if ((tf & (TH_SYN | TH_ACK)) == TH_SYN)
				f.tcp_state = TCP_STATE_SYN_SENT;
			else if (scfg.midstream && (tf & TH_ACK)) {
				f.tcp_state = TCP_STATE_ESTABLISHED;
				f.flags |= FLOW_F_MIDSTREAM;
			}
		} else if (f.tcp_state == TCP_STATE_SYN_SENT && (tf & TH_SYN) && (tf & TH_ACK)) {
			f.tcp_state = TCP_STATE_SYN_RECV;
		} else if (f.tcp_state == TCP_STATE_SYN_RECV && (tf & TH_ACK) && !(tf & TH_SYN)) {
			f.tcp_state = TCP_STATE_ESTABLISHED;
		}
		struct packet p;
		memset(&p, 0, sizeof(p));
		p.ip_version = 4;
		p.ip_proto = 6;
		p.flags = PKT_F_CSUM_CHECKED;
		p.l4_hdr = l4;
		p.tcp_seq = isn[d] + (uint32_t)(int16_t)a;
		p.tcp_ack = isn[1 - d] + (uint32_t)(int16_t)b;
		p.tcp_flags = tf;
		p.payload = len ? pl : NULL;
		p.payload_len = len;
		p.flow = &f;
		p.flow_dir = d;
		p.ts_usec = ts;
		/* a timestamp option on most packets (PAWS checks), its value from the sequence
		 * and time bytes so it can go backwards, repeat or be 0 */
		if (!(flags & 0x20)) {
			p.tcp_opts.has_ts = 1;
			p.tcp_opts.ts_val = (uint32_t)(ts / 100000) - (a & 7);
			p.tcp_opts.ts_ecr = (uint32_t)b;
		}
		/* teardown as the flow stage names it, roughly: a first FIN, then the close */
		if (f.tcp_state == TCP_STATE_ESTABLISHED && (tf & TH_FIN))
			f.tcp_state = TCP_STATE_CLOSE_WAIT;
		else if (f.tcp_state == TCP_STATE_CLOSE_WAIT && (tf & TH_FIN))
			f.tcp_state = TCP_STATE_CLOSED;
		stream_handle_packet(sc, &p, &r);
		consume(&r);
		fuzz_check(r.n_events <= STREAM_PKT_MAX_EVENTS);
		if (flags & 0x80)
			stream_raw_trigger(&f, d);
		stream_raw_take(sc, &p, &r);
		consume(&r);
		if (f.tcp_state != TCP_STATE_NONE && (tf & TH_RST))
			f.tcp_state = TCP_STATE_CLOSED;
	}
	stream_flow_free(sc, &f);
	struct stream_stats st;
	stream_get_stats(sc, &st);
	fuzz_check(st.memuse == 0 && st.reassembly_memuse == 0);
	defrag_expire(dt, UINT64_MAX);
	struct defrag_stats ds;
	defrag_get_stats(dt, &ds);
	fuzz_check(ds.memuse == 0 && ds.frags_held == 0 && ds.trackers_active == 0);
out:
	stream_ctx_destroy(sc);
	defrag_table_destroy(dt);
	return 0;
}
