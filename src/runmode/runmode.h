/*
 * runmode.h — the runmode stage's public door: turns the configuration into each stage's
 * settings and drives packets through the pipeline (capture -> decode -> flow -> ... -> output)
 * in one of Suricata's runmodes. `single` runs everything on one thread.
 */
#ifndef AEGIS_RUNMODE_H
#define AEGIS_RUNMODE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture/capture.h"
#include "conf/conf.h"
#include "decode/decode.h"
#include "detect/detect.h"
#include "flow/flow.h"
#include "output/output.h"
#include "rules/rules.h"
#include "stream/stream.h"
#include "app/app.h"

enum runmode_kind { RUNMODE_SINGLE = 0, RUNMODE_AUTOFP, RUNMODE_WORKERS };

struct runmode_options {
	enum runmode_kind kind;
	unsigned workers;             /* threads for autofp/workers; 0 = one per core */
	const struct capture_ops *capture;
	const char *source;           /* -r argument */
	char logdir[4096];
	struct eve_config eve;        /* the first eve-log output; eve.next chains the others */
	struct eve_config eve_more[EVE_MAX_OUTPUTS - 1]; /* storage of the further outputs */
	struct fast_log_config fast;
	struct flow_config flow;
	bool defrag_enabled, stream_enabled, app_enabled;
	struct defrag_config defrag;
	struct stream_config stream;
	struct app_config app;
	struct eve_http_opts http;    /* outputs.eve-log.types.http options */
	struct eve_dns_options dns;   /* the first output's types.dns options (eve.dns) */
	struct eve_tls_options tls;
	enum checksum_mode checksum;
	bool simulate_ips;
	bool guess_tx;                /* detect.guess-applayer-tx: a packet/stream alert in a flow
				       * with a single transaction logs its tx_id */
	bool progress;                /* progress line on stderr */
	bool fail_open;               /* AEGIS_FAIL_OPEN=1 */
	const struct detect_engine *engine; /* NULL: no detection (no rules) */
	const char *drop_user;        /* --user: setuid after opening input and logs */
	const char *drop_group;       /* --group */
};

/* What a run did, for the summary line and the exit status. */
struct runmode_result {
	struct aegis_stats stats;
	struct eve_counters eve;
	struct detect_thread_stats detect;
	bool input_error;      /* the input ended with an error (message already printed) */
	bool interrupted;      /* stopped by a signal */
	uint64_t wall_usec;
};

/* Defaults that match Suricata's built-in ones. */
void runmode_options_defaults(struct runmode_options *o);

/*
 * Read every setting a stage needs from the configuration (after --set overrides): flow,
 * flow-timeouts, stream.midstream, outputs.eve-log, pcap-file.checksum-checks, runmode,
 * default-log-dir. -1 with "file:line:col: error: ..." in err on a wrong type or value.
 */
int runmode_options_from_conf(struct runmode_options *o, const struct conf *c, char *err,
			      size_t errlen);

/* Where a run's rules come from: -S (only this file), -s (this file in addition to the
 * configured rule-files). */
struct runmode_rule_sources {
	const char *only;
	const char *extra;
	bool verbose; /* print warnings, not only errors */
};

/* Load classification.config, reference.config and the rule files into a finalized ruleset;
 * print rule errors (and warnings when verbose) in gcc style to stderr. -1 with err only when a
 * required file cannot be read; bad rules are counted in the ruleset, not fatal here. */
int runmode_load_rules(const struct conf *c, const struct runmode_rule_sources *src,
		       struct rules_ruleset **out, char *err, size_t errlen);

int runmode_parse_kind(const char *name, enum runmode_kind *out);
const char *runmode_kind_name(enum runmode_kind k);

/* Run the pipeline until the input ends or `*stop` becomes non-zero. Returns 0 when the run
 * completed (even with input errors after some packets — see result), -1 with err when it could
 * not start (input or log file could not be opened). */
int runmode_run(const struct runmode_options *o, volatile sig_atomic_t *stop,
		struct runmode_result *result, char *err, size_t errlen);

#endif /* AEGIS_RUNMODE_H */
