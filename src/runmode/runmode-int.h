/*
 * runmode-int.h — what the runmodes share inside src/runmode: the per-thread pipeline worker
 * (decode context, flow table, EVE writer) and the single-producer/single-consumer packet ring
 * that carries packets from the reader thread to the workers in autofp mode.
 */
#ifndef AEGIS_RUNMODE_INT_H
#define AEGIS_RUNMODE_INT_H

#include <stdatomic.h>

#include "runmode/runmode.h"

/* Everything one thread needs to take a packet from decode to output (pipeline.c). */
struct worker {
	unsigned id;
	const struct runmode_options *opts;
	struct decode_ctx decode;
	struct defrag_table *defrag;  /* NULL when defrag is off */
	struct flow_table *flows;
	struct stream_ctx *stream;    /* NULL when the stream stage is off */
	struct app_ctx *app;          /* NULL when every app-layer parser is off */
	struct detect_thread *detect; /* NULL without rules */
	struct eve *eve;       /* this worker's writer (NULL when EVE is off) */
	struct fast_log *fast; /* shared by all workers (line writes are atomic), or NULL */
	bool log_anomalies, log_flows, log_alerts, log_drops, log_http, log_dns, log_tls,
		log_ssh;
	bool log_flow_macs;    /* ethernet: yes: flow records list the flows' MAC addresses */
	bool ips;              /* --simulate-ips: drop/reject verdicts are enforced */
	uint64_t alerts;
	uint64_t dropped;      /* packets an IPS verdict dropped */
	struct ips_stats ips_stats; /* IPS mode: packets accepted / blocked (first drop reason) */
	int pkt_drop;          /* the current packet's first drop reason, -1 while none */
	struct packet *cur;    /* the packet on its way (its direction follows a flow reversal) */
	/* inspection results of stream data and transactions waiting for the next packet of
	 * their direction (pipeline.c): a hash of flows by address, and the bytes they hold */
	struct worker_pend_flow **pend;
	size_t pend_mem;
	uint32_t pend_flows;
};

/* Set up a worker; `eve` and `fast` may be NULL. -1 with err on allocation failure. */
int worker_init(struct worker *w, const struct runmode_options *o, unsigned id, struct eve *eve,
		struct fast_log *fast, char *err, size_t errlen);
/* End every flow (reason shutdown, through the whole output path) and free the worker. */
void worker_finish(struct worker *w);
/* One captured packet down the whole path. */
void worker_process_packet(struct worker *w, struct packet *p);
/* Log what detection decided for a packet: alerts, fast.log lines, the IPS drop record. `tx`
 * is the transaction a transaction match is about (NULL: the flow's current one). */
void worker_log_verdict(struct worker *w, const struct packet *p, const struct detect_result *r,
			const struct app_tx *tx);

/* Add one worker's counters into a run total. */
void runmode_stats_add(struct aegis_stats *total, const struct decode_stats *d,
		       const struct flow_stats *f);

/* "N packets, X MB/s, P% done" on stderr (carriage return until `final`). */
void runmode_print_progress(const struct capture_ops *ops, struct capture *cap,
			    uint64_t start_usec, bool final);

/* Open the input, EVE writer (when enabled) and fast.log (when there is an engine); on failure
 * -1 with err and nothing left open. */
int runmode_open_io(const struct runmode_options *o, struct capture **cap, struct eve **eve,
		    struct fast_log **fast, char *err, size_t errlen);

/* Give up root once input and logs are open (--user/--group). */
int runmode_drop_privileges(const char *user, const char *group, char *err, size_t errlen);

/* ---- packet ring (single producer, single consumer) --------------------------------------- */

struct pkt_ring {
	uint8_t *buf;
	size_t cap;               /* power of two */
	_Atomic size_t head;      /* bytes ever written (producer) */
	_Atomic size_t tail;      /* bytes ever consumed (consumer) */
	_Atomic bool done;        /* producer finished: drain then stop */
	uint64_t producer_waits;  /* times the producer found the ring full */
};

int pkt_ring_init(struct pkt_ring *r, size_t cap);
void pkt_ring_free(struct pkt_ring *r);
/* Copy a packet's capture block into the ring, waiting while it is full. */
void pkt_ring_push(struct pkt_ring *r, const struct packet *p);
/* Next packet (capture block filled, data pointing into the ring) or false when the producer is
 * done and the ring is empty. The packet stays valid until pkt_ring_release(). */
bool pkt_ring_pop(struct pkt_ring *r, struct packet *p);
void pkt_ring_release(struct pkt_ring *r);

/* The threaded runmode (autofp / workers for offline input). */
int runmode_run_autofp(const struct runmode_options *o, volatile sig_atomic_t *stop,
		       struct runmode_result *result, char *err, size_t errlen);

#endif /* AEGIS_RUNMODE_INT_H */
