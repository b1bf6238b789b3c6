/*
 * ring.c — a single-producer/single-consumer ring of variable-length packet records. The reader
 * thread copies each captured frame in once (the capture buffer is reused by libpcap); the
 * worker decodes it in place and releases it when the packet has gone through the pipeline.
 *
 * Records are 8-byte aligned and never wrap: when one does not fit before the end, a skip
 * record fills the rest and the packet starts again at offset 0. head/tail are byte counters
 * that only grow, so full/empty need no extra flag. Waiting spins briefly, then yields, then
 * sleeps, so an idle thread does not steal the only other core.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runmode/runmode-int.h"

struct ring_rec {
	uint32_t size; /* bytes of this record including the header; 0 = skip to the start */
	uint32_t caplen, wirelen;
	int32_t linktype;
	uint64_t ts_usec, pcap_cnt;
};

#define RING_ALIGN 8u
#define RING_MAX_FRAME 262144u

static inline size_t align_up(size_t n)
{
	return (n + RING_ALIGN - 1) & ~(size_t)(RING_ALIGN - 1);
}

static void ring_wait(unsigned *spins)
{
	if (++*spins < 64)
		return;
	if (*spins < 256) {
		sched_yield();
		return;
	}
	struct timespec ts = { 0, 20000 };
	nanosleep(&ts, NULL);
}

int pkt_ring_init(struct pkt_ring *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	size_t c = 1;
	while (c < cap)
		c <<= 1;
	if (c < 2 * (RING_MAX_FRAME + sizeof(struct ring_rec)))
		c = 2 * (RING_MAX_FRAME + sizeof(struct ring_rec));
	r->buf = aligned_alloc(64, c);
	if (!r->buf)
		return -1;
	r->cap = c;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->done, false);
	return 0;
}

void pkt_ring_free(struct pkt_ring *r)
{
	free(r->buf);
	r->buf = NULL;
}

void pkt_ring_push(struct pkt_ring *r, const struct packet *p)
{
	uint32_t caplen = p->caplen > RING_MAX_FRAME ? RING_MAX_FRAME : p->caplen;
	size_t need = align_up(sizeof(struct ring_rec) + caplen);
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t off = head & (r->cap - 1);
	size_t skip = off + need > r->cap ? r->cap - off : 0;
	unsigned spins = 0;
	bool waited = false;
	for (;;) {
		size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (r->cap - (head - tail) >= need + skip)
			break;
		waited = true;
		ring_wait(&spins);
	}
	if (waited)
		r->producer_waits++;
	if (skip) {
		struct ring_rec *s = (struct ring_rec *)(r->buf + off);
		s->size = 0;
		head += skip;
		off = 0;
	}
	struct ring_rec *rec = (struct ring_rec *)(r->buf + off);
	rec->size = (uint32_t)need;
	rec->caplen = caplen;
	rec->wirelen = p->wirelen;
	rec->linktype = p->linktype;
	rec->ts_usec = p->ts_usec;
	rec->pcap_cnt = p->pcap_cnt;
	if (caplen) /* time ticks carry no data */
		memcpy(rec + 1, p->data, caplen);
	atomic_store_explicit(&r->head, head + need, memory_order_release);
}

bool pkt_ring_pop(struct pkt_ring *r, struct packet *p)
{
	unsigned spins = 0;
	for (;;) {
		size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
		size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
		if (head != tail) {
			size_t off = tail & (r->cap - 1);
			struct ring_rec *rec = (struct ring_rec *)(r->buf + off);
			if (rec->size == 0) { /* skip record: the packet is at the start */
				atomic_store_explicit(&r->tail, tail + (r->cap - off),
						      memory_order_release);
				continue;
			}
			p->data = (const uint8_t *)(rec + 1);
			p->caplen = rec->caplen;
			p->wirelen = rec->wirelen;
			p->linktype = rec->linktype;
			p->ts_usec = rec->ts_usec;
			p->pcap_cnt = rec->pcap_cnt;
			p->iface = NULL;
			return true;
		}
		if (atomic_load_explicit(&r->done, memory_order_acquire) &&
		    atomic_load_explicit(&r->head, memory_order_acquire) == tail)
			return false;
		ring_wait(&spins);
	}
}

void pkt_ring_release(struct pkt_ring *r)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	struct ring_rec *rec = (struct ring_rec *)(r->buf + (tail & (r->cap - 1)));
	atomic_store_explicit(&r->tail, tail + rec->size, memory_order_release);
}
