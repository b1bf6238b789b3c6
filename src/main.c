/*
 * main.c — aegis's command line. Flags follow Suricata's (-c -r -l -S -s -k --set --runmode
 * --simulate-ips -T -V --build-info) so scripts written for Suricata keep working; subcommands
 * (`aegis lint`, `aegis rule`) are dispatched before flag parsing.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hs/hs.h>
#include <jansson.h>
#include <maxminddb.h>
#include <pcap/pcap.h>
#include <yaml.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "config.h"
#include "conf/conf.h"
#include "detect/detect.h"
#include "runmode/runmode.h"

#define MAX_SET_OVERRIDES 256

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: aegis [options]\n"
		"       aegis lint [--format text|json|sarif] [--strict] FILE...\n"
		"       aegis rule add|remove|list --rules FILE [...]\n"
		"\n"
		"  -c FILE               configuration file (default: $AEGIS_CONFIG_ROOT/aegis.yaml,\n"
		"                        root /etc/aegis)\n"
		"  -r PATH               read a pcap/pcapng file, a directory of them, or - for stdin\n"
		"  -i IFACE              live capture on an interface\n"
		"  -l DIR                log directory (default: default-log-dir, else ROOT/logs)\n"
		"  -S FILE               load only the rules in FILE\n"
		"  -s FILE               load the rules in FILE in addition to the configured ones\n"
		"  -k all|none           checksum validation (overrides pcap-file.checksum-checks)\n"
		"  --set KEY=VALUE       override a configuration key (repeatable)\n"
		"  --runmode MODE        single, autofp or workers\n"
		"  --simulate-ips        behave as an inline IPS on offline input\n"
		"  --user USER           drop to USER after opening input and logs\n"
		"  --group GROUP         drop to GROUP after opening input and logs\n"
		"  -T                    test the configuration and rules, then exit\n"
		"  -v                    more messages (repeatable); -q only errors\n"
		"  -V                    print the version; --build-info prints build details\n"
		"  -h, --help            this help\n"
		"\n"
		"environment: AEGIS_CONFIG_ROOT (config root), AEGIS_FAIL_OPEN=1 (fail open)\n");
}

static void print_build_info(void)
{
	int maj = 0, min = 0, pat = 0;
	yaml_get_version(&maj, &min, &pat);
	char pcre_ver[64] = "";
	pcre2_config(PCRE2_CONFIG_VERSION, pcre_ver);
	printf("This is aegis version %s\n", PACKAGE_VERSION);
	printf("Compiled with: %s\n", __VERSION__);
	printf("libpcap:      %s\n", pcap_lib_version());
	printf("Hyperscan:    %s\n", hs_version());
	printf("PCRE2:        %s\n", pcre_ver);
	printf("libyaml:      %d.%d.%d\n", maj, min, pat);
	printf("jansson:      %s\n", JANSSON_VERSION);
	printf("libmaxminddb: %s\n", MMDB_lib_version());
#ifdef HAVE_AF_XDP
	printf("AF_XDP:       yes\n");
#else
	printf("AF_XDP:       no (configure --enable-af-xdp)\n");
#endif
#ifdef HAVE_DPDK
	printf("DPDK:         yes\n");
#else
	printf("DPDK:         no (configure --enable-dpdk)\n");
#endif
	printf("Runmodes:     single, autofp, workers (offline input: workers runs as autofp)\n");
	printf("Config root:  %s\n", conf_root_dir());
}

struct cli {
	const char *config_file;
	const char *read_path;
	const char *iface;
	const char *logdir;
	const char *rules_only;  /* -S */
	const char *rules_extra; /* -s */
	const char *checksum;    /* -k */
	const char *runmode;
	const char *user, *group;
	const char *sets[MAX_SET_OVERRIDES];
	unsigned n_sets;
	bool simulate_ips;
	bool test_mode;
	bool init_errors_fatal;
	int verbose;
	bool quiet;
};

enum {
	OPT_SET = 256, OPT_RUNMODE, OPT_SIMULATE_IPS, OPT_BUILD_INFO, OPT_USER, OPT_GROUP,
	OPT_INIT_ERRORS_FATAL,
};

/* Returns -1 to exit 0 (help/version), 0 to go on, 1 on a usage error. */
static int parse_cli(int argc, char **argv, struct cli *cli)
{
	static const struct option longopts[] = {
		{ "set", required_argument, NULL, OPT_SET },
		{ "runmode", required_argument, NULL, OPT_RUNMODE },
		{ "simulate-ips", no_argument, NULL, OPT_SIMULATE_IPS },
		{ "build-info", no_argument, NULL, OPT_BUILD_INFO },
		{ "user", required_argument, NULL, OPT_USER },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "init-errors-fatal", no_argument, NULL, OPT_INIT_ERRORS_FATAL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "c:r:i:l:S:s:k:TvqVh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			cli->config_file = optarg;
			break;
		case 'r':
			cli->read_path = optarg;
			break;
		case 'i':
			cli->iface = optarg;
			break;
		case 'l':
			cli->logdir = optarg;
			break;
		case 'S':
			cli->rules_only = optarg;
			break;
		case 's':
			cli->rules_extra = optarg;
			break;
		case 'k':
			if (strcmp(optarg, "all") && strcmp(optarg, "none")) {
				fprintf(stderr, "aegis: error: -k expects 'all' or 'none', got '%s'\n",
					optarg);
				return 1;
			}
			cli->checksum = optarg;
			break;
		case 'T':
			cli->test_mode = true;
			break;
		case 'v':
			cli->verbose++;
			break;
		case 'q':
			cli->quiet = true;
			break;
		case 'V':
			printf("This is aegis version %s\n", PACKAGE_VERSION);
			return -1;
		case 'h':
			usage(stdout);
			return -1;
		case OPT_SET:
			if (cli->n_sets == MAX_SET_OVERRIDES) {
				fprintf(stderr, "aegis: error: more than %d --set options\n",
					MAX_SET_OVERRIDES);
				return 1;
			}
			cli->sets[cli->n_sets++] = optarg;
			break;
		case OPT_RUNMODE:
			cli->runmode = optarg;
			break;
		case OPT_SIMULATE_IPS:
			cli->simulate_ips = true;
			break;
		case OPT_BUILD_INFO:
			print_build_info();
			return -1;
		case OPT_USER:
			cli->user = optarg;
			break;
		case OPT_GROUP:
			cli->group = optarg;
			break;
		case OPT_INIT_ERRORS_FATAL:
			cli->init_errors_fatal = true; /* a rule that fails to load stops the run */
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "aegis: error: unexpected argument '%s' (see aegis --help)\n",
			argv[optind]);
		return 1;
	}
	return 0;
}

/* Load -c, else ROOT/aegis.yaml if present, else built-in defaults; then apply --set. */
static struct conf *load_config(const struct cli *cli, char *err, size_t errlen)
{
	struct conf *c = NULL;
	char path[4096];
	const char *file = cli->config_file;
	if (!file) {
		conf_root_path("aegis.yaml", path, sizeof(path));
		if (access(path, F_OK) == 0)
			file = path;
	}
	if (file) {
		if (conf_load_file(&c, file, err, errlen) != 0)
			return NULL;
		log_info("configuration: %s", file);
	} else {
		c = conf_new();
		if (!c) {
			snprintf(err, errlen, "error: out of memory");
			return NULL;
		}
		log_info("no configuration file (%s absent): using built-in defaults", path);
	}
	for (unsigned i = 0; i < cli->n_sets; i++) {
		const char *eq = strchr(cli->sets[i], '=');
		if (!eq || eq == cli->sets[i]) {
			snprintf(err, errlen, "error: --set '%s': expected KEY=VALUE", cli->sets[i]);
			conf_free(c);
			return NULL;
		}
		char key[512];
		size_t klen = (size_t)(eq - cli->sets[i]);
		if (klen >= sizeof(key)) {
			snprintf(err, errlen, "error: --set: key too long");
			conf_free(c);
			return NULL;
		}
		memcpy(key, cli->sets[i], klen);
		key[klen] = '\0';
		if (conf_set(c, key, eq + 1, err, errlen) != 0) {
			conf_free(c);
			return NULL;
		}
	}
	conf_warn_unknown_keys(c);
	return c;
}

static bool env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && (!strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "true"));
}

static int check_rule_file(const char *path)
{
	if (path && access(path, R_OK) != 0) {
		fprintf(stderr, "aegis: error: %s: cannot read rule file: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void print_summary(const struct runmode_options *o, const struct runmode_result *r)
{
	const struct aegis_stats *s = &r->stats;
	double secs = (double)r->wall_usec / 1e6;
	uint64_t events = 0;
	for (size_t i = 0; i < DECODE_EVENT_MAX; i++)
		events += s->decode.events[i];
	log_notice("%llu packets (%llu bytes), %llu flows, %llu decoder events, %llu invalid "
		   "packets, %.3f s processing",
		   (unsigned long long)s->decode.pkts, (unsigned long long)s->decode.bytes,
		   (unsigned long long)s->flow.created, (unsigned long long)events,
		   (unsigned long long)s->decode.invalid, secs);
	if (s->decode.checksum_auto_off)
		log_notice("checksum validation turned off after the first 1000 packets: more than "
			   "1 in 10 had a bad checksum (checksum offloading assumed; -k all checks "
			   "them all)");
	if (o->engine) {
		log_notice("%llu alerts", (unsigned long long)r->detect.alerts);
		log_info("detect: %llu prefilter scans, %llu pattern matches, %llu rules checked",
			 (unsigned long long)r->detect.mpm_scans,
			 (unsigned long long)r->detect.mpm_matches,
			 (unsigned long long)r->detect.rules_checked);
	}
	if (o->eve.enabled)
		log_notice("eve: %s%s%s (%llu alert, %llu flow, %llu anomaly, %llu stats records)",
			   o->eve.filename[0] == '/' ? "" : o->logdir,
			   o->eve.filename[0] == '/' ? "" : "/", o->eve.filename,
			   (unsigned long long)r->eve.records[EVE_TYPE_ALERT],
			   (unsigned long long)r->eve.records[EVE_TYPE_FLOW],
			   (unsigned long long)r->eve.records[EVE_TYPE_ANOMALY],
			   (unsigned long long)r->eve.records[EVE_TYPE_STATS]);
}

int main(int argc, char **argv)
{
	/* Sub-commands first: `aegis lint ...`, `aegis rule ...`. */
	if (argc > 1 && strcmp(argv[1], "lint") == 0)
		return rules_cli_lint(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "rule") == 0)
		return rules_cli_rule(argc - 1, argv + 1);

	struct cli cli;
	memset(&cli, 0, sizeof(cli));
	int prc = parse_cli(argc, argv, &cli);
	if (prc != 0)
		return prc < 0 ? 0 : 1;
	if (cli.quiet)
		util_log_level = LOG_LEVEL_ERROR;
	else
		util_log_level = (enum log_level)(LOG_LEVEL_NOTICE + cli.verbose > LOG_LEVEL_DEBUG
							  ? LOG_LEVEL_DEBUG
							  : LOG_LEVEL_NOTICE + cli.verbose);

	char err[1024] = "";
	struct conf *conf = load_config(&cli, err, sizeof(err));
	if (!conf) {
		fprintf(stderr, "aegis: %s\n", err);
		return 1;
	}
	struct runmode_options o;
	runmode_options_defaults(&o);
	if (cli.logdir)
		util_strlcpy(o.logdir, cli.logdir, sizeof(o.logdir));
	if (runmode_options_from_conf(&o, conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "aegis: %s\n", err);
		conf_free(conf);
		return 1;
	}
	if (!o.logdir[0]) {
		/* The config root's logs/ is ours to create; an explicit -l or default-log-dir
		 * must already exist, as with Suricata. */
		conf_root_path("logs", o.logdir, sizeof(o.logdir));
		if (mkdir(o.logdir, 0750) != 0 && errno != EEXIST)
			log_warning("cannot create %s: %s", o.logdir, strerror(errno));
	}
	if (cli.checksum)
		o.checksum = strcmp(cli.checksum, "all") == 0 ? CHECKSUM_ALL : CHECKSUM_NONE;
	if (cli.runmode && runmode_parse_kind(cli.runmode, &o.kind) != 0) {
		fprintf(stderr, "aegis: error: --runmode: expected single, autofp or workers, got "
				"'%s'\n", cli.runmode);
		conf_free(conf);
		return 1;
	}
	o.simulate_ips = cli.simulate_ips;
	/* stream.inline: auto means inline when acting as an IPS (Suricata) */
	o.stream.ips = cli.simulate_ips;
	o.fail_open = env_flag("AEGIS_FAIL_OPEN");
	o.drop_user = cli.user;
	o.drop_group = cli.group;

	if (check_rule_file(cli.rules_only) || check_rule_file(cli.rules_extra)) {
		conf_free(conf);
		return 1;
	}

	/* Rules: every bad rule is reported with its position; the rest load. */
	struct runmode_rule_sources rsrc = {
		.only = cli.rules_only, .extra = cli.rules_extra, .verbose = cli.verbose > 0,
	};
	struct rules_ruleset *rules = NULL;
	if (runmode_load_rules(conf, &rsrc, &rules, err, sizeof(err)) != 0) {
		fprintf(stderr, "aegis: %s\n", err);
		conf_free(conf);
		return 1;
	}
	const struct rules_counts *rc_counts = rules_ruleset_counts(rules);
	const char *rule_errors = "warn";
	if (conf_get_str(conf, "rule-errors", "warn", &rule_errors, err, sizeof(err)) != 0 ||
	    (strcmp(rule_errors, "warn") && strcmp(rule_errors, "fatal"))) {
		if (!err[0] || strstr(err, "error") == NULL)
			snprintf(err, sizeof(err), "error: rule-errors: expected fatal or warn, got "
				 "'%s'", rule_errors);
		fprintf(stderr, "aegis: %s\n", err);
		rules_ruleset_free(rules);
		conf_free(conf);
		return 1;
	}
	if (cli.test_mode) {
		rules_cli_test_summary(rules, stdout);
		bool ok = rc_counts->failed == 0;
		log_notice("configuration %s", ok ? "OK" : "has rule errors");
		rules_ruleset_free(rules);
		conf_free(conf);
		return ok ? 0 : 1;
	}
	if (rc_counts->failed && (cli.init_errors_fatal || !strcmp(rule_errors, "fatal"))) {
		fprintf(stderr, "aegis: error: %u rules failed to load (rule-errors: fatal); fix them "
				"or set rule-errors: warn\n", rc_counts->failed);
		rules_ruleset_free(rules);
		conf_free(conf);
		return 1;
	}
	log_notice("%u rules loaded, %u failed, %u unsupported", rc_counts->loaded,
		   rc_counts->failed, rc_counts->unsupported);

	/* The detection engine: built once, read by every worker. */
	struct detect_engine *engine = NULL;
	struct detect_config dcfg;
	if (detect_config_from_conf(&dcfg, conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "aegis: %s\n", err);
		rules_ruleset_free(rules);
		conf_free(conf);
		return 1;
	}
	dcfg.simulate_ips = cli.simulate_ips;
	if (rules_ruleset_count(rules) > 0) {
		if (detect_engine_build(&engine, rules, &dcfg, err, sizeof(err)) != 0) {
			fprintf(stderr, "aegis: %s\n", err);
			rules_ruleset_free(rules);
			conf_free(conf);
			return 1;
		}
		struct detect_engine_stats es;
		detect_engine_get_stats(engine, &es);
		log_info("detect: %u rules in %u groups, %u Hyperscan databases (%u patterns), "
			 "%u patterns in anchor tables, built in %.2f s (%u cached)",
			 es.rules_active, es.groups, es.mpm_databases, es.mpm_patterns,
			 es.anchor_patterns, (double)es.build_usec / 1e6, es.cache_hits);
	}
	o.engine = engine;
	o.stream.raw_inspection = engine != NULL; /* nothing to hold stream data for without rules */
	/* ja3/ja4-fingerprints "auto": on when a loaded rule inspects a fingerprint buffer */
	for (size_t i = 0; i < rules_ruleset_count(rules); i++) {
		const struct rule *ru = rules_ruleset_rule(rules, i);
		for (uint16_t g = 0; ru && !ru->disabled && g < ru->n_groups; g++) {
			int b = app_buffer_lookup(rules_buffer_name(ru->groups[g].buffer));
			if (b >= 0)
				app_config_rules_use_buffer(&o.app, (enum app_buffer)b);
		}
	}
	if (cli.iface) {
		fprintf(stderr, "aegis: error: -i %s: live capture is not built yet; read a capture "
				"file with -r\n", cli.iface);
		detect_engine_free(engine);
		rules_ruleset_free(rules);
		conf_free(conf);
		return 1;
	}
	if (!cli.read_path) {
		fprintf(stderr, "aegis: error: nothing to do: give -r PCAP (or -T to test the "
				"configuration); see aegis --help\n");
		detect_engine_free(engine);
		rules_ruleset_free(rules);
		conf_free(conf);
		return 1;
	}
	o.source = cli.read_path;
	o.progress = isatty(STDERR_FILENO) && !cli.quiet;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct runmode_result r;
	int rc = runmode_run(&o, &stop_requested, &r, err, sizeof(err));
	detect_engine_free(engine);
	rules_ruleset_free(rules);
	conf_free(conf);
	if (rc != 0) {
		fprintf(stderr, "aegis: %s\n", err);
		return 1;
	}
	print_summary(&o, &r);
	if (r.interrupted)
		log_notice("stopped by signal; open flows and logs were flushed");
	return r.input_error ? 2 : 0;
}
