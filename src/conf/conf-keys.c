/*
 * conf-keys.c — the table of configuration keys aegis knows, and the check that warns about any
 * other key. An existing suricata.yaml must load without noise, so the table is generous with
 * Suricata's sections (including ones aegis ignores, such as netmap or napatech); what it catches
 * is typos ("flow.memcapp", "outputs: - eve-logg:") that would otherwise silently fall back to a
 * default.
 *
 * Patterns are dotted paths. `*` matches any one map key or any sequence index; a final `**`
 * matches everything below. Sequence elements always take a segment, so suricata.yaml's
 * `outputs: - eve-log: {enabled: yes}` is "outputs.*.eve-log.enabled". A key is known when some
 * pattern starts with its path, so listing leaves is enough.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-int.h"
#include "util/util.h"

static const char *const known_keys[] = {
	/* ---- aegis's own sections ---- */
	"config-root",
	"fail-open",
	"rule-errors",
	"dataplane.pcap.*",
	"dataplane.af-xdp.*",
	"dataplane.af-xdp.*.**",
	"dataplane.dpdk.**",
	"dataplane.rss.*",
	"dataplane.rss.*.**",
	"intel.**",

	/* ---- suricata.yaml: network variables ---- */
	"vars.address-groups.*",
	"vars.port-groups.*",

	/* ---- rules and auxiliary files ---- */
	"default-rule-path",
	"rule-files",
	"classification-file",
	"reference-config-file",
	"threshold-file",
	"action-order",
	"packet-alert-max",
	"reputation-categories-file",
	"default-reputation-path",
	"reputation-files",
	"magic-file",
	"geoip-database",

	/* ---- outputs ---- */
	"default-log-dir",
	"stats.enabled",
	"stats.interval",
	"stats.decoder-events",
	"stats.decoder-events-prefix",
	"stats.stream-events",
	"stats.exception-policy.**",
	"stats.**",
	"outputs.*.eve-log.enabled",
	"outputs.*.eve-log.filetype",
	"outputs.*.eve-log.filename",
	"outputs.*.eve-log.filemode",
	"outputs.*.eve-log.append",
	"outputs.*.eve-log.threaded",
	"outputs.*.eve-log.rotate-interval",
	"outputs.*.eve-log.buffer-size",
	"outputs.*.eve-log.prefix",
	"outputs.*.eve-log.identity",
	"outputs.*.eve-log.facility",
	"outputs.*.eve-log.level",
	"outputs.*.eve-log.ethernet",
	"outputs.*.eve-log.metadata",
	"outputs.*.eve-log.pcap-file",
	"outputs.*.eve-log.community-id",
	"outputs.*.eve-log.community-id-seed",
	"outputs.*.eve-log.sensor-name",
	"outputs.*.eve-log.xff.enabled",
	"outputs.*.eve-log.xff.mode",
	"outputs.*.eve-log.xff.deployment",
	"outputs.*.eve-log.xff.header",
	"outputs.*.eve-log.redis.**",
	"outputs.*.eve-log.pipelining.**",
	"outputs.*.eve-log.types.*.*.**",
	"outputs.*.fast.**",
	"outputs.*.unified2-alert.**",
	"outputs.*.http-log.**",
	"outputs.*.tls-log.**",
	"outputs.*.tls-store.**",
	"outputs.*.dns-log.**",
	"outputs.*.pcap-log.**",
	"outputs.*.alert-debug.**",
	"outputs.*.alert-prelude.**",
	"outputs.*.stats.**",
	"outputs.*.syslog.**",
	"outputs.*.drop.**",
	"outputs.*.file-store.**",
	"outputs.*.file-log.**",
	"outputs.*.tcp-data.**",
	"outputs.*.http-body-data.**",
	"outputs.*.lua.**",
	"outputs.*.dnp3-log.**",
	"outputs.*.eve-log",
	"logging.default-log-level",
	"logging.default-log-format",
	"logging.default-output-filter",
	"logging.stacktrace-on-signal",
	"logging.outputs.*.console.**",
	"logging.outputs.*.file.**",
	"logging.outputs.*.syslog.**",

	/* ---- capture ---- */
	"af-packet.*.**",
	"af-xdp.*.**",
	"pcap.*.**",
	"pcap-file.**",
	"netmap.*.**",
	"pfring.*.**",
	"nflog.*.**",
	"nfq.**",
	"ipfw.**",
	"napatech.**",
	"dpdk.**",
	"mpipe.**",
	"windivert.**",
	"capture.**",
	"capture-plugin",
	"plugins",
	"plugins.**",

	/* ---- app layer ---- */
	"app-layer.error-policy",
	"app-layer.protocols.*.**",
	"asn1-max-frames",
	"datasets.**",
	"security.**",

	/* ---- run options ---- */
	"run-as.user",
	"run-as.group",
	"sensor-name",
	"pid-file",
	"daemon-directory",
	"umask",
	"coredump.max-dump",
	"host-mode",
	"max-pending-packets",
	"runmode",
	"autofp-scheduler",
	"default-packet-size",
	"unix-command.enabled",
	"unix-command.filename",
	"legacy.*",
	"engine-analysis.*",
	"exception-policy",
	"heartbeat.**",
	"firewall.**",

	/* ---- detection ---- */
	"detect.profile",
	"detect.custom-values.*",
	"detect.sgh-mpm-context",
	"detect.sgh-mpm-caching",
	"detect.sgh-mpm-caching-path",
	"detect.cache-dir", /* aegis: where compiled Hyperscan databases are cached */
	"detect.inspection-recursion-limit",
	"detect.delayed-detect",
	"detect.prefilter.**",
	"detect.grouping.**",
	"detect.profiling.**",
	"detect.thresholds.**",
	"detect.stream-tx-log-limit",
	"detect.guess-applayer-tx",
	"detect.luajit-states",
	"detect.lua.**",
	"detect-engine.**",
	"mpm-algo",
	"spm-algo",
	"pcre.match-limit",
	"pcre.match-limit-recursion",
	"pcre.jit",

	/* ---- tracking and reassembly ---- */
	"host-os-policy.*",
	"defrag.memcap",
	"defrag.memcap-policy",
	"defrag.hash-size",
	"defrag.trackers",
	"defrag.max-frags",
	"defrag.prealloc",
	"defrag.timeout",
	"defrag.host-config.**",
	"flow.memcap",
	"flow.memcap-policy",
	"flow.hash-size",
	"flow.prealloc",
	"flow.emergency-recovery",
	"flow.managers",
	"flow.recyclers",
	"flow.prune-flows",
	"flow.rate-tracking.**",
	"vlan.use-for-tracking",
	"livedev.**",
	"flow-timeouts.*.*",
	"defrag.enabled", /* aegis */
	"stream.memcap",
	"stream.enabled", /* aegis: reassembly off (packet-only) */
	"stream.memcap-policy",
	"stream.checksum-validation",
	"stream.prealloc-sessions",
	"stream.midstream",
	"stream.midstream-policy",
	"stream.async-oneside",
	"stream.inline",
	"stream.drop-invalid",
	"stream.max-synack-queued",
	"stream.max-syn-queued",
	"stream.bypass",
	"stream.liberal-timestamps",
	"stream.reassembly.*",
	"host.hash-size",
	"host.prealloc",
	"host.memcap",
	"ippair.hash-size",
	"ippair.prealloc",
	"ippair.memcap",
	"decoder.**",

	/* ---- performance ---- */
	"threading.set-cpu-affinity",
	"threading.cpu-affinity.**",
	"threading.detect-thread-ratio",
	"threading.stack-size",
	"threading.autopin",
	"luajit.states",
	"profiling.**",
	"cuda.**",
};

/* Segment `d` (0-based) of a pattern, or NULL past its end. */
static const char *pattern_seg(const char *p, unsigned d, size_t *len)
{
	while (d--) {
		p = strchr(p, '.');
		if (!p)
			return NULL;
		p++;
	}
	const char *dot = strchr(p, '.');
	*len = dot ? (size_t)(dot - p) : strlen(p);
	return p;
}

struct key_walk {
	unsigned short *live; /* CONF_MAX_DEPTH + 1 rows of ARRAY_SIZE(known_keys) indexes */
	unsigned warnings;
	char path[CONF_MAX_PATH];
};

enum seg_match { SEG_NONE, SEG_MATCH, SEG_ALL };

/* Does pattern `p` accept `key` (or any sequence index when key is NULL) at depth d? */
static enum seg_match match_seg(const char *p, unsigned d, const char *key)
{
	size_t len;
	const char *s = pattern_seg(p, d, &len);
	if (!s)
		return SEG_NONE;
	if (len == 2 && s[0] == '*' && s[1] == '*')
		return SEG_ALL;
	if (len == 1 && s[0] == '*')
		return SEG_MATCH;
	if (key && strncmp(s, key, len) == 0 && key[len] == '\0')
		return SEG_MATCH;
	return SEG_NONE;
}

static void walk(struct key_walk *w, const struct conf_node *n, unsigned depth,
		 const unsigned short *live, size_t nlive, size_t path_len);

/* Check one child (a map member, or a sequence element when key is NULL). */
static void walk_child(struct key_walk *w, const struct conf_node *ch, unsigned depth,
		       const unsigned short *live, size_t nlive, size_t path_len)
{
	if (depth >= CONF_MAX_DEPTH)
		return;
	unsigned short *next = w->live + (size_t)(depth + 1) * ARRAY_SIZE(known_keys);
	size_t nnext = 0;
	for (size_t i = 0; i < nlive; i++) {
		enum seg_match m = match_seg(known_keys[live[i]], depth, ch->key);
		if (m == SEG_ALL)
			return; /* everything below is accepted */
		if (m == SEG_MATCH)
			next[nnext++] = live[i];
	}
	/* Extend the printed path: keys by name, elements by index unless the element is a
	 * single-key map, which lookups (and people) address by that key. */
	size_t len = path_len;
	if (ch->key) {
		int wr = snprintf(w->path + len, sizeof(w->path) - len, "%s%s", len ? "." : "",
				  ch->key);
		if (wr > 0)
			len = len + (size_t)wr < sizeof(w->path) ? len + (size_t)wr
								 : sizeof(w->path) - 1;
	} else if (!(ch->type == CONF_MAP && ch->n_children == 1)) {
		unsigned idx = 0;
		for (const struct conf_node *s = ch->parent->first_child; s != ch; s = s->next)
			idx++;
		int wr =
			snprintf(w->path + len, sizeof(w->path) - len, "%s%u", len ? "." : "", idx);
		if (wr > 0)
			len = len + (size_t)wr < sizeof(w->path) ? len + (size_t)wr
								 : sizeof(w->path) - 1;
	}
	if (ch->key && nnext == 0) {
		if (ch->line > 0)
			log_warning("%s:%d: unknown configuration key '%s'", ch->file, ch->line,
				    w->path);
		else
			log_warning("%s: unknown configuration key '%s'", ch->file, w->path);
		w->warnings++;
		w->path[path_len] = '\0';
		return;
	}
	/* A sequence element nobody expects (e.g. a map inside rule-files): its keys will be
	 * reported one by one with an empty live set. */
	walk(w, ch, depth + 1, next, nnext, len);
	w->path[path_len] = '\0';
}

static void walk(struct key_walk *w, const struct conf_node *n, unsigned depth,
		 const unsigned short *live, size_t nlive, size_t path_len)
{
	if (n->type == CONF_SCALAR)
		return;
	for (const struct conf_node *ch = n->first_child; ch; ch = ch->next) {
		/* Scalars in a sequence are values (rule-files, types: [flow]), not keys. */
		if (n->type == CONF_SEQ && ch->type == CONF_SCALAR)
			continue;
		walk_child(w, ch, depth, live, nlive, path_len);
	}
}

unsigned conf_warn_unknown_keys(const struct conf *c)
{
	if (!c || !c->root)
		return 0;
	struct key_walk *w = calloc(1, sizeof(*w));
	unsigned short *live =
		calloc((size_t)(CONF_MAX_DEPTH + 1) * ARRAY_SIZE(known_keys), sizeof(*live));
	if (!w || !live) {
		free(w);
		free(live);
		log_warning("out of memory while checking configuration keys");
		return 0;
	}
	w->live = live;
	for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
		live[i] = (unsigned short)i;
	walk(w, c->root, 0, live, ARRAY_SIZE(known_keys), 0);
	unsigned n = w->warnings;
	free(live);
	free(w);
	return n;
}
