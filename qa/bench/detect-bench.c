/*
 * detect-bench.c — detection engine benchmark: load rule files (vars from an aegis.yaml), build
 * the engine and print its figures (rules, groups, Hyperscan databases and patterns, build time,
 * cache hits, RSS); optionally run a pcap through decode + flow + detect and print packets/s.
 *
 *   detect-bench [-y aegis.yaml] [-c cache-dir | -C] [-r trace.pcap] [-l loops] FILE.rules...
 *
 * -C builds without a cache; without -c/-C the configured default is used. Run it twice with the
 * same -c to see the cold and then the warm build.
 */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/conf.h"
#include "decode/decode.h"
#include "detect/detect.h"
#include "flow/flow.h"
#include "rules/rules.h"

static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	char line[256];
	long kb = -1;
	size_t kl = strlen(key);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ':')
			kb = strtol(line + kl + 1, NULL, 10);
	fclose(f);
	return kb;
}

static void on_flow_end(struct flow *f, void *user)
{
	(void)user;
	detect_flow_free(f);
}

struct run_totals {
	uint64_t pkts, bytes, alerts, usec;
	uint64_t checked, scans, mpm_matches;
};

static int run_pcap(const char *path, const struct detect_engine *e, struct run_totals *tot)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);
	if (!pc) {
		fprintf(stderr, "detect-bench: %s: %s\n", path, errbuf);
		return -1;
	}
	int linktype = pcap_datalink(pc);
	struct decode_ctx dctx;
	decode_ctx_init(&dctx, CHECKSUM_NONE);
	struct flow_config fcfg;
	flow_config_defaults(&fcfg);
	struct flow_table *ft = flow_table_create(&fcfg, 0, on_flow_end, NULL);
	struct detect_thread *t = detect_thread_new(e);
	if (!ft || !t) {
		fprintf(stderr, "detect-bench: out of memory\n");
		flow_table_destroy(ft);
		detect_thread_free(t);
		pcap_close(pc);
		return -1;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	struct detect_result res;
	uint64_t n = 0, t0 = util_monotonic_usec();
	while (pcap_next_ex(pc, &h, &data) == 1) {
		struct packet p;
		memset(&p, 0, sizeof(p));
		p.data = data;
		p.caplen = h->caplen;
		p.wirelen = h->len;
		p.ts_usec = (uint64_t)h->ts.tv_sec * USEC_PER_SEC + (uint64_t)h->ts.tv_usec;
		p.linktype = linktype;
		p.pcap_cnt = ++n;
		tot->pkts++;
		tot->bytes += h->caplen;
		if (decode_packet(&dctx, &p) < 0)
			continue;
		flow_table_handle_packet(ft, &p);
		detect_packet(t, &p, &res);
		tot->alerts += res.n_alerts;
	}
	struct detect_thread_stats ts;
	detect_thread_get_stats(t, &ts);
	tot->checked += ts.rules_checked;
	tot->scans += ts.mpm_scans;
	tot->mpm_matches += ts.mpm_matches;
	flow_table_flush(ft);
	tot->usec += util_monotonic_usec() - t0;
	flow_table_destroy(ft);
	detect_thread_free(t);
	pcap_close(pc);
	return 0;
}

int main(int argc, char **argv)
{
	const char *yaml = NULL, *cache = NULL, *pcap = NULL;
	bool no_cache = false;
	int loops = 1, opt;
	while ((opt = getopt(argc, argv, "y:c:Cr:l:")) != -1) {
		switch (opt) {
		case 'y': yaml = optarg; break;
		case 'c': cache = optarg; break;
		case 'C': no_cache = true; break;
		case 'r': pcap = optarg; break;
		case 'l': loops = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
		default:
			fprintf(stderr, "usage: detect-bench [-y aegis.yaml] [-c cache-dir | -C] "
					"[-r trace.pcap] [-l loops] FILE.rules...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "detect-bench: no rule files given\n");
		return 2;
	}
	char err[1024];
	struct conf *conf = NULL;
	if (yaml && conf_load_file(&conf, yaml, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct rules_ruleset *rs = rules_ruleset_new(conf);
	if (!rs) {
		fprintf(stderr, "detect-bench: out of memory\n");
		return 1;
	}
	uint64_t t0 = util_monotonic_usec();
	for (int i = optind; i < argc; i++)
		if (rules_load_file(rs, argv[i]) < 0)
			fprintf(stderr, "detect-bench: cannot read %s\n", argv[i]);
	rules_ruleset_finalize(rs);
	uint64_t load_usec = util_monotonic_usec() - t0;
	long rss_loaded = status_kb("VmRSS");

	struct detect_config cfg;
	if (detect_config_from_conf(&cfg, conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (no_cache)
		cfg.cache_dir[0] = '\0';
	else if (cache) {
		if (mkdir(cache, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "detect-bench: cannot create %s: %s\n", cache,
				strerror(errno));
			return 1;
		}
		snprintf(cfg.cache_dir, sizeof(cfg.cache_dir), "%s", cache);
	}
	struct detect_engine *e = NULL;
	if (detect_engine_build(&e, rs, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "detect-bench: %s\n", err);
		return 1;
	}
	struct detect_engine_stats st;
	detect_engine_get_stats(e, &st);
	long rss_built = status_kb("VmRSS");
	printf("rules: total %u active %u skipped %u no-mpm %u (load %.2f s)\n", st.rules_total,
	       st.rules_active, st.rules_skipped, st.rules_no_mpm, load_usec / 1e6);
	printf("engine: groups %u databases %u patterns %u hs-bytes %llu\n", st.groups,
	       st.mpm_databases, st.mpm_patterns, (unsigned long long)st.mpm_bytes);
	printf("build: %.3f s, cache %s: hits %u misses %u\n", st.build_usec / 1e6,
	       cfg.cache_dir[0] ? cfg.cache_dir : "(none)", st.cache_hits, st.cache_misses);
	printf("rss: after load %ld MiB, after build %ld MiB (engine +%ld MiB), peak %ld MiB\n",
	       rss_loaded / 1024, rss_built / 1024, (rss_built - rss_loaded) / 1024,
	       status_kb("VmHWM") / 1024);
	int rc = 0;
	if (pcap) {
		struct run_totals tot = { 0 };
		for (int i = 0; i < loops && rc == 0; i++)
			rc = run_pcap(pcap, e, &tot);
		if (rc == 0 && tot.usec)
			printf("pcap: %llu packets, %llu alerts, %.3f s, %.0f packets/s, "
			       "%.1f Mbit/s\n",
			       (unsigned long long)tot.pkts, (unsigned long long)tot.alerts,
			       tot.usec / 1e6, tot.pkts * 1e6 / tot.usec,
			       tot.bytes * 8.0 / tot.usec);
		if (rc == 0 && tot.pkts)
			printf("per packet: %.2f rules checked, %.2f Hyperscan scans, %.2f pattern "
			       "hits\n",
			       (double)tot.checked / tot.pkts, (double)tot.scans / tot.pkts,
			       (double)tot.mpm_matches / tot.pkts);
	}
	detect_engine_free(e);
	rules_ruleset_free(rs);
	conf_free(conf);
	return rc ? 1 : 0;
}
