/*
 * single.c — the `single` runmode: one thread reads, decodes, tracks flows and logs. It is the
 * reference path: other runmodes must give the same records for the same input.
 *
 * The per-packet work lives in `struct worker` (pipeline.c), which the threaded runmode
 * (autofp.c) uses too, one worker per thread.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stddef.h>

#include "runmode/runmode-int.h"

void runmode_stats_add(struct aegis_stats *total, const struct decode_stats *d,
		       const struct flow_stats *f)
{
	/* Both structs are runs of uint64_t counters, except decode's max_pkt_size. */
	struct decode_stats *td = &total->decode;
	uint64_t *dst = (uint64_t *)td;
	const uint64_t *src = (const uint64_t *)d;
	size_t n = offsetof(struct decode_stats, max_pkt_size) / sizeof(uint64_t);
	for (size_t i = 0; i < n; i++)
		dst[i] += src[i];
	if (d->max_pkt_size > td->max_pkt_size)
		td->max_pkt_size = d->max_pkt_size;
	for (size_t i = 0; i < DECODE_EVENT_MAX; i++)
		td->events[i] += d->events[i];
	uint64_t *fd = (uint64_t *)&total->flow;
	const uint64_t *fs = (const uint64_t *)f;
	for (size_t i = 0; i < sizeof(*f) / sizeof(uint64_t); i++)
		fd[i] += fs[i];
}

/* Give up root once input and logs are open (--user/--group). */
int runmode_drop_privileges(const char *user, const char *group, char *err, size_t errlen)
{
	if (!user && !group)
		return 0;
	gid_t gid = getgid();
	uid_t uid = getuid();
	if (user) {
		struct passwd *pw = getpwnam(user);
		if (!pw) {
			snprintf(err, errlen, "error: --user %s: no such user", user);
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (group) {
		struct group *gr = getgrnam(group);
		if (!gr) {
			snprintf(err, errlen, "error: --group %s: no such group", group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (setgroups(0, NULL) != 0 && errno != EPERM) {
		snprintf(err, errlen, "error: setgroups: %s", strerror(errno));
		return -1;
	}
	if (setgid(gid) != 0 || setuid(uid) != 0) {
		snprintf(err, errlen, "error: cannot drop privileges to %s: %s",
			 user ? user : group, strerror(errno));
		return -1;
	}
	log_info("dropped privileges to uid %u gid %u", (unsigned)uid, (unsigned)gid);
	return 0;
}

void runmode_print_progress(const struct capture_ops *ops, struct capture *cap,
			    uint64_t start_usec, bool final)
{
	struct capture_stats cs;
	ops->get_stats(cap, &cs);
	double secs = (double)(util_monotonic_usec() - start_usec) / 1e6;
	double mbps = secs > 0 ? (double)cs.bytes / 1e6 / secs : 0;
	if (cs.bytes_total)
		fprintf(stderr, "\r%llu packets, %.1f MB/s, %.0f%% done%s",
			(unsigned long long)cs.packets, mbps,
			100.0 * (double)cs.bytes_consumed / (double)cs.bytes_total,
			final ? "\n" : "   ");
	else
		fprintf(stderr, "\r%llu packets, %.1f MB/s%s", (unsigned long long)cs.packets, mbps,
			final ? "\n" : "   ");
}

int runmode_open_io(const struct runmode_options *o, struct capture **cap, struct eve **eve,
		    struct fast_log **fast, char *err, size_t errlen)
{
	*cap = NULL;
	*eve = NULL;
	*fast = NULL;
	if (o->capture->open(cap, o->source, err, errlen) != 0)
		return -1;
	if (o->eve.enabled && eve_open(eve, &o->eve, o->logdir, err, errlen) != 0)
		goto fail;
	if (o->engine && o->fast.enabled &&
	    fast_log_open(fast, &o->fast, o->logdir, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	if (*eve)
		eve_close(*eve, NULL, 0);
	o->capture->close(*cap);
	*cap = NULL;
	*eve = NULL;
	return -1;
}

int runmode_run(const struct runmode_options *o, volatile sig_atomic_t *stop,
		struct runmode_result *result, char *err, size_t errlen)
{
	memset(result, 0, sizeof(*result));
	uint64_t start = util_monotonic_usec();
	if (o->kind != RUNMODE_SINGLE)
		return runmode_run_autofp(o, stop, result, err, errlen);

	struct capture *cap;
	struct eve *eve;
	struct fast_log *fast;
	if (runmode_open_io(o, &cap, &eve, &fast, err, errlen) != 0)
		return -1;
	struct worker w;
	if (runmode_drop_privileges(o->drop_user, o->drop_group, err, errlen) != 0 ||
	    worker_init(&w, o, 0, eve, fast, err, errlen) != 0) {
		if (eve)
			eve_close(eve, NULL, 0);
		if (fast)
			fast_log_close(fast, NULL, 0);
		o->capture->close(cap);
		return -1;
	}
	if (w.eve && o->capture->current_file)
		eve_set_pcap_filename(w.eve, o->capture->current_file(cap));

	struct packet p;
	memset(&p, 0, sizeof(p));
	uint64_t n = 0, next_progress = start + USEC_PER_SEC / 2;
	const char *last_file = o->capture->current_file ? o->capture->current_file(cap) : NULL;
	for (;;) {
		if (unlikely(*stop)) {
			result->interrupted = true;
			break;
		}
		enum capture_next_result r = o->capture->next(cap, &p, err, errlen);
		if (unlikely(r != CAPTURE_PACKET)) {
			if (r == CAPTURE_ERROR && *stop) {
				/* A read interrupted by Ctrl-C is the end we asked for. */
				result->interrupted = true;
				err[0] = '\0';
			} else if (r == CAPTURE_ERROR) {
				log_error("%s", err);
				err[0] = '\0';
				result->input_error = true;
			}
			break;
		}
		if (o->capture->current_file) {
			/* A directory moves from file to file: records carry the current name. */
			const char *cur = o->capture->current_file(cap);
			if (unlikely(cur != last_file)) {
				if (w.eve)
					eve_set_pcap_filename(w.eve, cur);
				last_file = cur;
			}
		}
		worker_process_packet(&w, &p);
		if (unlikely(o->progress && (++n & 0xffff) == 0)) {
			uint64_t now = util_monotonic_usec();
			if (now >= next_progress) {
				runmode_print_progress(o->capture, cap, start, false);
				next_progress = now + USEC_PER_SEC / 2;
			}
		}
	}
	if (o->progress)
		runmode_print_progress(o->capture, cap, start, true);

	/* End of input (or Ctrl-C): every open flow is logged, then the final stats. */
	flow_table_flush(w.flows);
	o->capture->get_stats(cap, &result->stats.capture);
	result->stats.decode = w.decode.stats;
	flow_table_get_stats(w.flows, &result->stats.flow);
	if (w.detect)
		detect_thread_get_stats(w.detect, &result->detect);
	if (w.app)
		app_get_stats(w.app, &result->stats.app);
	result->stats.ips = w.ips;
	result->stats.ips_counters = w.ips_stats;
	worker_finish(&w);
	result->wall_usec = util_monotonic_usec() - start;
	result->stats.uptime_s = result->wall_usec / USEC_PER_SEC;
	int rc = 0;
	if (w.eve) {
		if (eve_config_type_enabled(&o->eve, EVE_TYPE_STATS))
			eve_log_stats(w.eve, &result->stats);
		eve_get_counters(w.eve, &result->eve);
		if (eve_close(w.eve, err, errlen) != 0)
			rc = -1;
	}
	if (fast && fast_log_close(fast, rc == 0 ? err : NULL, rc == 0 ? errlen : 0) != 0)
		rc = -1;
	o->capture->close(cap);
	return rc;
}
