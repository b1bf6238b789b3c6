/*
 * autofp.c — the threaded runmode for offline input (`--runmode autofp`, and `workers`, which
 * for a file has the same shape): one reader thread reads the capture, decodes just enough to
 * hash the flow's 5-tuple symmetrically, and hands each packet to the worker that owns that
 * flow through a per-worker ring. Each worker decodes the packet in place and runs the rest of
 * the pipeline with its own flow table and EVE writer — nothing mutable is shared, and both
 * directions of a flow meet in one worker, so the records are the ones `single` writes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runmode/runmode-int.h"

#define AUTOFP_MAX_WORKERS 64
#define AUTOFP_RING_BYTES (8u << 20)
/* Ring records that carry no frame: the reader's packet time, or the name of the capture file
 * the following packets come from (as a NUL-terminated string in the data). */
#define AUTOFP_TIME_TICK (-1)
#define AUTOFP_FILE_NAME (-2)

struct autofp_worker {
	struct worker w;
	struct pkt_ring ring;
	pthread_t thread;
	bool started;
	uint64_t packets;
};

static void *autofp_worker_main(void *arg)
{
	struct autofp_worker *aw = arg;
	struct packet p;
	memset(&p, 0, sizeof(p));
	while (pkt_ring_pop(&aw->ring, &p)) {
		if (p.linktype == AUTOFP_FILE_NAME) {
			if (aw->w.eve)
				eve_set_pcap_filename(aw->w.eve, (const char *)p.data);
			pkt_ring_release(&aw->ring);
			continue;
		}
		if (p.linktype == AUTOFP_TIME_TICK) {
			/* Packet time moved on elsewhere: time out this worker's idle flows just as
			 * the single runmode would at that moment. */
			flow_table_expire(aw->w.flows, p.ts_usec);
			pkt_ring_release(&aw->ring);
			continue;
		}
		worker_process_packet(&aw->w, &p);
		pkt_ring_release(&aw->ring);
		aw->packets++;
	}
	/* End of input: this worker's open flows are logged by it, in its thread. */
	flow_table_flush(aw->w.flows);
	return NULL;
}

static unsigned default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > AUTOFP_MAX_WORKERS ? AUTOFP_MAX_WORKERS : (unsigned)n;
}

int runmode_run_autofp(const struct runmode_options *o, volatile sig_atomic_t *stop,
		       struct runmode_result *result, char *err, size_t errlen)
{
	uint64_t start = util_monotonic_usec();
	unsigned n = o->workers ? o->workers : default_workers();
	if (n > AUTOFP_MAX_WORKERS)
		n = AUTOFP_MAX_WORKERS;

	/* Writer 0 (main_eve) opens the file as configured (truncating unless append); the
	 * workers' writers join it in append mode. Writes are whole lines with O_APPEND, so
	 * records never interleave. */
	struct capture *cap;
	struct eve *main_eve;
	struct fast_log *fast;
	if (runmode_open_io(o, &cap, &main_eve, &fast, err, errlen) != 0)
		return -1;
	int rc = -1;
	unsigned ready = 0;
	struct decode_csum_auto csum_auto;
	decode_csum_auto_init(&csum_auto);
	struct autofp_worker *aw = calloc(n, sizeof(*aw));
	if (!aw) {
		snprintf(err, errlen, "error: out of memory for %u workers", n);
		goto out;
	}
	for (; ready < n; ready++) {
		struct eve *e = NULL;
		if (o->eve.enabled) {
			struct eve_config ec = o->eve;
			ec.append = true;
			if (eve_open(&e, &ec, o->logdir, err, errlen) != 0)
				goto out;
		}
		if (worker_init(&aw[ready].w, o, ready + 1, e, fast, err, errlen) != 0) {
			if (e)
				eve_close(e, NULL, 0);
			goto out;
		}
		aw[ready].w.decode.csum_auto = &csum_auto; /* the reader decides */
		aw[ready].w.decode.csum_auto_follows = true;
		if (pkt_ring_init(&aw[ready].ring, AUTOFP_RING_BYTES) != 0) {
			snprintf(err, errlen, "error: out of memory for packet rings");
			worker_finish(&aw[ready].w);
			if (e)
				eve_close(e, NULL, 0);
			goto out;
		}
	}
	if (runmode_drop_privileges(o->drop_user, o->drop_group, err, errlen) != 0)
		goto out;
	for (unsigned i = 0; i < n; i++) {
		if (pthread_create(&aw[i].thread, NULL, autofp_worker_main, &aw[i]) != 0) {
			snprintf(err, errlen, "error: cannot start worker thread %u", i);
			for (unsigned j = 0; j < i; j++)
				atomic_store(&aw[j].ring.done, true);
			for (unsigned j = 0; j < i; j++)
				pthread_join(aw[j].thread, NULL);
			goto out;
		}
		aw[i].started = true;
	}
	log_info("runmode %s: 1 reader, %u workers", runmode_kind_name(o->kind), n);
	if (main_eve && o->capture->current_file)
		eve_set_pcap_filename(main_eve, o->capture->current_file(cap));

	/* The reader: decode into a scratch packet only to find the flow's worker. */
	struct decode_ctx hash_ctx;
	decode_ctx_init(&hash_ctx, o->checksum);
	hash_ctx.csum_auto = &csum_auto; /* decides checksum mode auto for the workers */
	struct packet p;
	memset(&p, 0, sizeof(p));
	uint64_t last_sec = 0, next_progress = start + USEC_PER_SEC / 2;
	const char *last_file = NULL;
	for (;;) {
		if (*stop) {
			result->interrupted = true;
			break;
		}
		enum capture_next_result r = o->capture->next(cap, &p, err, errlen);
		if (r != CAPTURE_PACKET) {
			if (r == CAPTURE_ERROR && *stop) {
				result->interrupted = true;
			} else if (r == CAPTURE_ERROR) {
				log_error("%s", err);
				result->input_error = true;
			}
			err[0] = '\0';
			break;
		}
		const char *cur = o->capture->current_file ? o->capture->current_file(cap) : NULL;
		if (unlikely(cur != last_file)) {
			last_file = cur;
			if (cur) {
				struct packet note = {
					.data = (const uint8_t *)cur,
					.caplen = (uint32_t)strlen(cur) + 1,
					.linktype = AUTOFP_FILE_NAME,
				};
				for (unsigned i = 0; i < n; i++)
					pkt_ring_push(&aw[i].ring, &note);
			}
		}
		unsigned target = 0;
		if (decode_packet(&hash_ctx, &p) == 0)
			target = flow_hash_packet(&p) % n;
		/* Flow timeouts run on packet time. A worker only sees its own flows' packets, so
		 * when time enters a new second every other worker is told, or its idle flows
		 * would wait for the end of input instead of timing out. */
		uint64_t sec = p.ts_usec / USEC_PER_SEC;
		if (unlikely(sec != last_sec)) {
			last_sec = sec;
			struct packet tick = { .ts_usec = p.ts_usec, .linktype = AUTOFP_TIME_TICK };
			for (unsigned i = 0; i < n; i++)
				if (i != target)
					pkt_ring_push(&aw[i].ring, &tick);
		}
		pkt_ring_push(&aw[target].ring, &p);
		if (unlikely(o->progress && (p.pcap_cnt & 0xffff) == 0)) {
			uint64_t now = util_monotonic_usec();
			if (now >= next_progress) {
				runmode_print_progress(o->capture, cap, start, false);
				next_progress = now + USEC_PER_SEC / 2;
			}
		}
	}
	if (o->progress)
		runmode_print_progress(o->capture, cap, start, true);
	for (unsigned i = 0; i < n; i++)
		atomic_store_explicit(&aw[i].ring.done, true, memory_order_release);
	for (unsigned i = 0; i < n; i++) {
		pthread_join(aw[i].thread, NULL);
		aw[i].started = false;
	}
	o->capture->get_stats(cap, &result->stats.capture);
	for (unsigned i = 0; i < n; i++) {
		struct flow_stats fs;
		flow_table_get_stats(aw[i].w.flows, &fs);
		runmode_stats_add(&result->stats, &aw[i].w.decode.stats, &fs);
		result->stats.ips = aw[i].w.ips;
		result->stats.ips_counters.accepted += aw[i].w.ips_stats.accepted;
		result->stats.ips_counters.blocked += aw[i].w.ips_stats.blocked;
		for (unsigned k = 0; k < EVE_DROP_REASON_MAX; k++)
			result->stats.ips_counters.drop_reason[k] += aw[i].w.ips_stats.drop_reason[k];
		if (aw[i].w.app) {
			struct app_stats as;
			app_get_stats(aw[i].w.app, &as);
			app_stats_add(&result->stats.app, &as);
		}
		if (aw[i].w.detect) {
			struct detect_thread_stats ds;
			detect_thread_get_stats(aw[i].w.detect, &ds);
			result->detect.packets += ds.packets;
			result->detect.mpm_scans += ds.mpm_scans;
			result->detect.mpm_matches += ds.mpm_matches;
			result->detect.rules_checked += ds.rules_checked;
			result->detect.alerts += ds.alerts;
			result->detect.suppressed += ds.suppressed;
			result->detect.thresholded += ds.thresholded;
		}
	}
	rc = 0;
out:
	for (unsigned i = 0; aw && i < ready; i++) {
		worker_finish(&aw[i].w);
		if (aw[i].w.eve) {
			struct eve_counters c;
			eve_get_counters(aw[i].w.eve, &c);
			for (int t = 0; t < EVE_TYPE_MAX; t++)
				result->eve.records[t] += c.records[t];
			result->eve.dropped += c.dropped;
			result->eve.bytes += c.bytes;
			char werr[512];
			if (eve_close(aw[i].w.eve, werr, sizeof(werr)) != 0 && rc == 0) {
				snprintf(err, errlen, "%s", werr);
				rc = -1;
			}
		}
		pkt_ring_free(&aw[i].ring);
	}
	free(aw);
	result->wall_usec = util_monotonic_usec() - start;
	result->stats.uptime_s = result->wall_usec / USEC_PER_SEC;
	if (main_eve) {
		if (rc == 0 && eve_config_type_enabled(&o->eve, EVE_TYPE_STATS))
			eve_log_stats(main_eve, &result->stats);
		struct eve_counters c;
		eve_get_counters(main_eve, &c);
		for (int t = 0; t < EVE_TYPE_MAX; t++)
			result->eve.records[t] += c.records[t];
		if (eve_close(main_eve, rc == 0 ? err : NULL, rc == 0 ? errlen : 0) != 0)
			rc = -1;
	}
	if (fast && fast_log_close(fast, rc == 0 ? err : NULL, rc == 0 ? errlen : 0) != 0)
		rc = -1;
	o->capture->close(cap);
	return rc;
}
