/*
 * fast-log.c — Suricata's fast.log: one text line per alert, for people and for tools that grep.
 *
 *   11/14/2023-22:13:20.250000  [**] [1:2000001:3] ET TEST msg [**] [Classification: Misc
 *   activity] [Priority: 3] {TCP} 10.0.0.1:40000 -> 192.168.1.2:80
 *
 * (one line in the file). Lines are formatted on the stack and written with one write(2) each on
 * an O_APPEND descriptor, so several threads may share one fast_log without interleaving lines.
 * A write error is remembered and reported by fast_log_close(); the packet path never blocks on
 * or aborts for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/output-int.h"

/* Longest line written; a longer one (a huge msg) is cut, still ending in a newline. */
#define FAST_LOG_LINE_MAX 4096
/* Bytes of a non-IP packet shown as hex, as Suricata's "[Raw pkt: ...]". */
#define FAST_LOG_RAW_MAX 32

struct fast_log {
	int fd;
	char path[4096];
	int write_errno; /* first write error, 0 if none (guarded by atomics: any thread sets it) */
	uint64_t alerts, dropped;
};

void fast_log_config_defaults(struct fast_log_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->enabled = true;
	util_strlcpy(cfg->filename, "fast.log", sizeof(cfg->filename));
	cfg->append = true;
}

int fast_log_open(struct fast_log **out, const struct fast_log_config *cfg, const char *logdir,
		  char *err, size_t errlen)
{
	*out = NULL;
	struct fast_log *fl = calloc(1, sizeof(*fl));
	if (!fl) {
		snprintf(err, errlen, "fast.log: out of memory");
		return -1;
	}
	const char *name = cfg->filename[0] ? cfg->filename : "fast.log";
	int n;
	if (name[0] == '/' || !logdir || !logdir[0])
		n = snprintf(fl->path, sizeof(fl->path), "%s", name);
	else
		n = snprintf(fl->path, sizeof(fl->path), "%s/%s", logdir, name);
	if (n < 0 || (size_t)n >= sizeof(fl->path)) {
		snprintf(err, errlen, "cannot open %s/%s: path too long", logdir ? logdir : "", name);
		free(fl);
		return -1;
	}
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND | (cfg->append ? 0 : O_TRUNC);
	fl->fd = open(fl->path, flags, 0644);
	if (fl->fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", fl->path, strerror(errno));
		free(fl);
		return -1;
	}
	*out = fl;
	return 0;
}

/* "MM/DD/YYYY-HH:MM:SS.uuuuuu" in local time, as Suricata's fast.log. */
static void format_time(uint64_t ts_usec, char buf[64])
{
	time_t sec = (time_t)(ts_usec / USEC_PER_SEC);
	struct tm tm;
	if (!localtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, 64, "%02d/%02d/%04d-%02d:%02d:%02d.%06u", tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(ts_usec % USEC_PER_SEC));
}

/* "{TCP}" style name; protocols without a keyword are "PROTO:NNN" as in Suricata. */
static const char *proto_text(uint8_t proto, char buf[12])
{
	char num[4];
	const char *name = eve_proto_name(proto, num);
	if (name != num)
		return name;
	snprintf(buf, 12, "PROTO:%03u", proto);
	return buf;
}

/* Append to buf at *off without ever passing len (the result stays NUL-terminated). */
static void put(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	if (*off >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*off += (size_t)n < len - *off ? (size_t)n : len - *off - 1;
}

size_t fast_log_format(char *buf, size_t len, const struct packet *p,
		       const struct detect_alert *a, const struct output_alert_info *info)
{
	if (len < 2 || !a->rule || (a->flags & DETECT_ALERT_F_NOALERT))
		return 0;
	const struct rule *r = a->rule;
	char ts[64], pbuf[12], src[IP_ADDR_STRLEN], dst[IP_ADDR_STRLEN];
	size_t off = 0;

	/* Drop rules are marked: enforced in IPS mode, "would drop" otherwise. A reject drops the
	 * packet too (Suricata's reject action includes drop). */
	const char *action = "";
	if (a->action == DETECT_ACTION_DROP || a->action == DETECT_ACTION_REJECT)
		action = info && info->ips ? "[Drop] " : "[wDrop] ";

	format_time(p->ts_usec, ts);
	/* A rule without classtype has no description: Suricata prints "(null)" there. */
	const char *cls = a->category && a->category[0] ? a->category : "(null)";
	put(buf, len, &off, "%s  %s[**] [%u:%u:%u] %s [**] [Classification: %s] [Priority: %d] ",
	    ts, action, r->gid ? r->gid : 1, r->sid, r->rev, r->msg ? r->msg : "", cls,
	    a->severity);
	if (p->ip_version) {
		/* ICMP has no ports: its type and code stand in their places. */
		unsigned sp = p->sp, dp = p->dp;
		if (eve_proto_is_icmp(p->ip_proto)) {
			sp = p->icmp_type;
			dp = p->icmp_code;
		}
		put(buf, len, &off, "{%s} %s:%u -> %s:%u", proto_text(p->ip_proto, pbuf),
		    eve_format_ip(&p->src, src), sp, eve_format_ip(&p->dst, dst), dp);
	} else {
		put(buf, len, &off, "[Raw pkt:");
		uint32_t n = p->data ? p->caplen : 0;
		if (n > FAST_LOG_RAW_MAX)
			n = FAST_LOG_RAW_MAX;
		for (uint32_t i = 0; i < n; i++)
			put(buf, len, &off, " %02X", p->data[i]);
		put(buf, len, &off, "]");
	}
	/* The newline always fits: replace the last character if the line was cut. */
	if (off >= len - 1)
		off = len - 2;
	buf[off++] = '\n';
	buf[off] = '\0';
	return off;
}

static void note_error(struct fast_log *fl, int rc)
{
	int expected = 0;
	if (__atomic_compare_exchange_n(&fl->write_errno, &expected, rc, false, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED))
		log_error("cannot write %s: %s", fl->path, strerror(rc));
	__atomic_fetch_add(&fl->dropped, 1, __ATOMIC_RELAXED);
}

void fast_log_alert(struct fast_log *fl, const struct packet *p, const struct detect_alert *a,
		    const struct output_alert_info *info)
{
	char line[FAST_LOG_LINE_MAX];
	size_t n = fast_log_format(line, sizeof(line), p, a, info);
	if (!n)
		return;
	const char *b = line;
	while (n) {
		ssize_t w = write(fl->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			note_error(fl, w < 0 ? errno : EIO);
			return;
		}
		b += w;
		n -= (size_t)w;
	}
	__atomic_fetch_add(&fl->alerts, 1, __ATOMIC_RELAXED);
}

void fast_log_alerts(struct fast_log *fl, const struct packet *p,
		     const struct detect_result *res, const struct output_alert_info *info)
{
	uint32_t n = res->n_alerts < DETECT_MAX_ALERTS ? res->n_alerts : DETECT_MAX_ALERTS;
	for (uint32_t i = 0; i < n; i++)
		fast_log_alert(fl, p, &res->alerts[i], info);
}

void fast_log_get_counters(const struct fast_log *fl, struct fast_log_counters *out)
{
	out->alerts = __atomic_load_n(&fl->alerts, __ATOMIC_RELAXED);
	out->dropped = __atomic_load_n(&fl->dropped, __ATOMIC_RELAXED);
}

int fast_log_close(struct fast_log *fl, char *err, size_t errlen)
{
	if (!fl)
		return 0;
	int rc = 0;
	if (fl->write_errno) {
		snprintf(err, errlen, "cannot write %s: %s", fl->path, strerror(fl->write_errno));
		rc = -1;
	}
	if (close(fl->fd) < 0 && rc == 0) {
		snprintf(err, errlen, "cannot close %s: %s", fl->path, strerror(errno));
		rc = -1;
	}
	free(fl);
	return rc;
}
