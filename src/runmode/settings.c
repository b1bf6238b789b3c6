/*
 * settings.c — maps aegis.yaml (suricata.yaml structure) onto each stage's settings struct. This
 * is the one place that knows which configuration key feeds which stage, so stages stay free of
 * YAML and the key names stay Suricata's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runmode/runmode.h"

void runmode_options_defaults(struct runmode_options *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = RUNMODE_SINGLE;
	o->capture = &capture_pcap_file_ops;
	eve_config_defaults(&o->eve);
	fast_log_config_defaults(&o->fast);
	flow_config_defaults(&o->flow);
	defrag_config_defaults(&o->defrag);
	stream_config_defaults(&o->stream);
	app_config_defaults(&o->app);
	o->defrag_enabled = o->stream_enabled = o->app_enabled = true;
	o->http.extended = false; /* Suricata's default when the key is absent */
	o->dns = o->eve.dns;
	eve_tls_options_defaults(&o->tls);
	o->checksum = CHECKSUM_AUTO;
}

int runmode_parse_kind(const char *name, enum runmode_kind *out)
{
	if (!strcmp(name, "single"))
		*out = RUNMODE_SINGLE;
	else if (!strcmp(name, "autofp"))
		*out = RUNMODE_AUTOFP;
	else if (!strcmp(name, "workers"))
		*out = RUNMODE_WORKERS;
	else
		return -1;
	return 0;
}

const char *runmode_kind_name(enum runmode_kind k)
{
	switch (k) {
	case RUNMODE_SINGLE:
		return "single";
	case RUNMODE_AUTOFP:
		return "autofp";
	case RUNMODE_WORKERS:
		return "workers";
	}
	return "?";
}

static int get_u32(const struct conf *c, const char *path, uint32_t *v, uint32_t max, char *err,
		   size_t errlen)
{
	int64_t out;
	if (conf_get_int(c, path, 0, max, *v, &out, err, errlen) != 0)
		return -1;
	*v = (uint32_t)out;
	return 0;
}

static int read_flow(struct runmode_options *o, const struct conf *c, char *err, size_t errlen)
{
	struct flow_config *f = &o->flow;
	if (conf_get_size(c, "flow.memcap", f->memcap, &f->memcap, err, errlen) ||
	    get_u32(c, "flow.hash-size", &f->hash_size, 1u << 28, err, errlen) ||
	    get_u32(c, "flow.prealloc", &f->prealloc, 1u << 26, err, errlen) ||
	    get_u32(c, "flow.emergency-recovery", &f->emergency_recovery, 100, err, errlen) ||
	    conf_get_bool(c, "stream.midstream", f->tcp_midstream, &f->tcp_midstream, err, errlen))
		return -1;
	static const char *const proto_names[FLOW_PROTO_MAX] = {
		[FLOW_PROTO_TCP] = "tcp", [FLOW_PROTO_UDP] = "udp", [FLOW_PROTO_ICMP] = "icmp",
		[FLOW_PROTO_DEFAULT] = "default",
	};
	for (int i = 0; i < FLOW_PROTO_MAX; i++) {
		struct flow_timeouts *t = &f->timeouts[i];
		struct {
			const char *key;
			uint32_t *v;
		} keys[] = {
			{ "new", &t->new_s },
			{ "established", &t->established_s },
			{ "closed", &t->closed_s },
			{ "emergency-new", &t->emergency_new_s },
			{ "emergency-established", &t->emergency_established_s },
			{ "emergency-closed", &t->emergency_closed_s },
		};
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			char path[96];
			snprintf(path, sizeof(path), "flow-timeouts.%s.%s", proto_names[i], keys[k].key);
			if (get_u32(c, path, keys[k].v, 86400 * 7, err, errlen))
				return -1;
		}
	}
	return 0;
}

static const struct {
	const char *name;
	enum eve_type type;
} eve_type_names[] = {
	{ "alert", EVE_TYPE_ALERT }, { "anomaly", EVE_TYPE_ANOMALY }, { "flow", EVE_TYPE_FLOW },
	{ "stats", EVE_TYPE_STATS }, { "drop", EVE_TYPE_DROP },       { "http", EVE_TYPE_HTTP },
	{ "dns", EVE_TYPE_DNS },     { "tls", EVE_TYPE_TLS },       { "files", EVE_TYPE_FILES },
	{ "ssh", EVE_TYPE_SSH },
};

/* A yes/no option under a node, as Suricata reads them (absent or unparsable: `def`). */
static bool opt_bool(const struct conf_node *opts, const char *key, bool def)
{
	bool v;
	char err[CONF_ERR_LEN];
	if (!opts || conf_node_get_bool(opts, key, def, &v, err, sizeof(err)) != 0)
		return def;
	return v;
}

/* outputs.eve-log.types.dns: version (SURICATA_EVE_DNS_VERSION overrides it, as in Suricata),
 * requests, responses, formats, types. Values Suricata would not take keep the default. */
static void read_dns_options(struct eve_dns_options *d, const struct conf_node *opts)
{
	int64_t v;
	char err[CONF_ERR_LEN];
	if (conf_node_get_int(opts, "version", 0, 255, d->version, &v, err, sizeof(err)) != 0)
		log_warning("%s", err);
	else if (v == 2 || v == 3)
		d->version = (uint8_t)v;
	else
		log_warning("outputs.eve-log.types.dns.version: %lld is not 2 or 3, using %u",
			    (long long)v, d->version);
	d->requests = opt_bool(opts, "requests", d->requests);
	d->responses = opt_bool(opts, "responses", d->responses);
	const struct conf_node *fm = conf_node_get(opts, "formats");
	if (fm && fm->type == CONF_SEQ && fm->first_child) {
		/* An empty `formats:` keeps both, as Suricata. */
		d->detailed = d->grouped = false;
		for (const struct conf_node *x = fm->first_child; x; x = x->next) {
			if (x->value && !strcmp(x->value, "detailed"))
				d->detailed = true;
			if (x->value && !strcmp(x->value, "grouped"))
				d->grouped = true;
		}
	}
	const struct conf_node *ty = conf_node_get(opts, "types");
	if (ty && ty->type == CONF_SEQ) {
		for (const struct conf_node *x = ty->first_child; x; x = x->next) {
			char pos[300];
			if (x->value && eve_dns_options_add_type(d, x->value) == 0)
				continue;
			log_warning("%s: warning: outputs.eve-log.types.dns.types: unknown rrtype '%s'",
				 conf_node_position(x, pos, sizeof(pos)), x->value ? x->value : "");
		}
	}
}

/* outputs.eve-log.types: http / dns / tls options (the app-layer records). */
static void read_app_record_options(struct runmode_options *o, struct eve_config *e,
				    const char *name, const struct conf_node *opts)
{
	if (!strcmp(name, "http")) {
		o->http.extended = opt_bool(opts, "extended", o->http.extended);
		o->http.xff = opt_bool(opts, "xff.enabled", o->http.xff);
		const struct conf_node *d = conf_node_get(opts, "dump-all-headers");
		if (d && d->value) {
			bool both = !strcmp(d->value, "both");
			o->http.dump_request_headers = both || !strcmp(d->value, "request");
			o->http.dump_response_headers = both || !strcmp(d->value, "response");
		}
	} else if (!strcmp(name, "dns")) {
		read_dns_options(&e->dns, opts);
	} else if (!strcmp(name, "tls")) {
		if (opt_bool(opts, "extended", false))
			o->tls.fields = EVE_TLS_EXTENDED;
		const struct conf_node *cu = conf_node_get(opts, "custom");
		if (cu && cu->type == CONF_SEQ) {
			o->tls.fields = 0;
			for (const struct conf_node *x = cu->first_child; x; x = x->next)
				if (x->value)
					o->tls.fields |= eve_tls_field_lookup(x->value);
		}
	}
}

/* Per-type options of the eve-log types list (alert payload/packet/metadata, drop, anomaly). */
static void read_eve_type_options(struct eve_config *e, const char *name,
				  const struct conf_node *opts)
{
	if (!strcmp(name, "alert")) {
		e->alert_payload = opt_bool(opts, "payload", e->alert_payload);
		e->alert_payload_printable =
			opt_bool(opts, "payload-printable", e->alert_payload_printable);
		e->alert_payload_length = opt_bool(opts, "payload-length", e->alert_payload_length);
		e->alert_packet = opt_bool(opts, "packet", e->alert_packet);
		e->alert_no_metadata = !opt_bool(opts, "metadata", !e->alert_no_metadata);
		e->alert_verdict = opt_bool(opts, "verdict", e->alert_verdict);
	} else if (!strcmp(name, "drop")) {
		e->drop_alerts = opt_bool(opts, "alerts", e->drop_alerts);
		e->drop_verdict = opt_bool(opts, "verdict", e->drop_verdict);
		const struct conf_node *fl = conf_node_get(opts, "flows");
		if (fl && fl->value)
			e->drop_flows_all = !strcmp(fl->value, "all");
	} else if (!strcmp(name, "anomaly")) {
		e->anomaly_decode = opt_bool(opts, "types.decode", e->anomaly_decode);
		e->anomaly_stream = opt_bool(opts, "types.stream", e->anomaly_stream);
		e->anomaly_applayer = opt_bool(opts, "types.applayer", e->anomaly_applayer);
		e->anomaly_packethdr = opt_bool(opts, "packethdr", e->anomaly_packethdr);
	} else if (!strcmp(name, "stats")) {
		e->stats_totals = opt_bool(opts, "totals", e->stats_totals);
	}
}

/* outputs.eve-log.types: a list whose items are a bare name ("- flow") or a one-key map
 * ("- anomaly: {enabled: yes, types: {decode: yes}}"). Types aegis does not produce are fine. */
static int read_eve_types(struct runmode_options *o, struct eve_config *e,
			  const struct conf_node *types, char *err, size_t errlen)
{
	if (types->type != CONF_SEQ) {
		char pos[300];
		snprintf(err, errlen, "%s: error: outputs.eve-log.types: expected a list",
			 conf_node_position(types, pos, sizeof(pos)));
		return -1;
	}
	memset(e->types, 0, sizeof(e->types));
	for (const struct conf_node *it = types->first_child; it; it = it->next) {
		const char *name = NULL;
		const struct conf_node *opts = NULL;
		if (it->type == CONF_SCALAR)
			name = it->value;
		else if (it->type == CONF_MAP && it->first_child) {
			name = it->first_child->key;
			opts = it->first_child;
		}
		if (!name)
			continue;
		bool enabled = opt_bool(opts, "enabled", true);
		for (size_t i = 0; i < ARRAY_SIZE(eve_type_names); i++)
			if (!strcmp(name, eve_type_names[i].name))
				e->types[eve_type_names[i].type] = enabled;
		if (opts) {
			read_eve_type_options(e, name, opts);
			read_app_record_options(o, e, name, opts);
		}
	}
	return 0;
}

/* One `- eve-log:` entry of outputs (n: its node, NULL when there is none: defaults). */
static int read_eve_output(struct runmode_options *o, struct eve_config *e,
			   const struct conf_node *n, char *err, size_t errlen)
{
	const char *s;
	bool b;
	if (!n)
		return 0;
	if (conf_node_get_bool(n, "enabled", e->enabled, &e->enabled, err, errlen))
		return -1;
	if (conf_node_get_str(n, "filename", e->filename, &s, err, errlen))
		return -1;
	if (s != e->filename)
		util_strlcpy(e->filename, s, sizeof(e->filename));
	if (conf_node_get_str(n, "filetype", "regular", &s, err, errlen))
		return -1;
	if (!strcmp(s, "regular") || !strcmp(s, "file")) {
		e->filetype = EVE_FILETYPE_REGULAR;
	} else if (!strcmp(s, "unix_stream")) {
		e->filetype = EVE_FILETYPE_UNIX_STREAM;
	} else if (!strcmp(s, "unix_dgram")) {
		e->filetype = EVE_FILETYPE_UNIX_DGRAM;
	} else {
		char pos[300];
		snprintf(err, errlen, "%s: error: outputs.eve-log.filetype: '%s' is not supported "
			 "(expected regular, unix_stream or unix_dgram)",
			 conf_node_position(conf_node_get(n, "filetype"), pos, sizeof(pos)), s);
		return -1;
	}
	if (conf_node_get_str(n, "append", NULL, &s, err, errlen))
		return -1;
	if (s && conf_node_get_bool(n, "append", true, &e->append, err, errlen))
		return -1;
	if (conf_node_get_bool(n, "community-id", e->community_id, &b, err, errlen))
		return -1;
	e->community_id = b;
	if (conf_node_get_bool(n, "metadata", !e->no_metadata, &b, err, errlen))
		return -1;
	e->no_metadata = !b;
	int64_t seed;
	if (conf_node_get_int(n, "community-id-seed", 0, 65535, e->community_id_seed, &seed, err,
			      errlen))
		return -1;
	e->community_id_seed = (uint16_t)seed;
	if (conf_node_get_bool(n, "ethernet", e->ethernet, &b, err, errlen))
		return -1;
	e->ethernet = b;
	const struct conf_node *types = conf_node_get(n, "types");
	if (types && read_eve_types(o, e, types, err, errlen))
		return -1;
	return 0;
}

/* SURICATA_EVE_DNS_VERSION=2|3 sets every output's dns version, as in Suricata 8. */
static void dns_version_from_env(struct eve_config *e)
{
	const char *v = getenv("SURICATA_EVE_DNS_VERSION");
	if (!v || !*v)
		return;
	if (strcmp(v, "2") && strcmp(v, "3")) {
		log_warning("SURICATA_EVE_DNS_VERSION: expected 2 or 3, got '%s'", v);
		return;
	}
	e->dns.version = (uint8_t)(v[0] - '0');
}

/*
 * outputs: every `- eve-log:` entry, as Suricata allows several (each its own file and types).
 * o->eve is the first enabled one; the others follow it through o->eve.next (o->eve_more).
 */
static int read_eve(struct runmode_options *o, const struct conf *c, char *err, size_t errlen)
{
	const struct conf_node *outs = conf_get_node(c, "outputs");
	struct eve_config first = o->eve;
	unsigned n_nodes = 0, n_enabled = 0;
	if (!outs || outs->type != CONF_SEQ) {
		/* No outputs list (or not Suricata's shape): the dotted path still finds a map. */
		if (read_eve_output(o, &first, conf_get_node(c, "outputs.eve-log"), err, errlen))
			return -1;
		dns_version_from_env(&first);
		o->eve = first;
		o->dns = o->eve.dns;
		return 0;
	}
	struct eve_config *slot = &first;
	for (const struct conf_node *it = outs->first_child; it; it = it->next) {
		const struct conf_node *n = it->type == CONF_MAP ? it->first_child : NULL;
		if (!n || !n->key || strcmp(n->key, "eve-log"))
			continue;
		struct eve_config e;
		eve_config_defaults(&e);
		if (n_nodes == 0)
			e = o->eve; /* the first entry starts from the caller's settings */
		if (read_eve_output(o, &e, n, err, errlen))
			return -1;
		dns_version_from_env(&e);
		n_nodes++;
		if (!e.enabled && n_nodes > 1)
			continue;
		if (n_enabled >= EVE_MAX_OUTPUTS) {
			char pos[300];
			snprintf(err, errlen, "%s: error: outputs: at most %d eve-log outputs",
				 conf_node_position(n, pos, sizeof(pos)), EVE_MAX_OUTPUTS);
			return -1;
		}
		if (n_enabled == 0 || (!slot->enabled && e.enabled)) {
			/* the first output, or an enabled one replacing a disabled first */
			*slot = e;
			n_enabled = 1;
			continue;
		}
		o->eve_more[n_enabled - 1] = e;
		n_enabled++;
	}
	if (n_nodes == 0)
		dns_version_from_env(&first);
	o->eve = first;
	o->eve.next = NULL;
	for (unsigned i = 1; i < n_enabled; i++) {
		o->eve_more[i - 1].next = NULL;
		if (i == 1)
			o->eve.next = &o->eve_more[0];
		else
			o->eve_more[i - 2].next = &o->eve_more[i - 1];
	}
	o->dns = o->eve.dns;
	return 0;
}

static int read_fast(struct runmode_options *o, const struct conf *c, char *err, size_t errlen)
{
	struct fast_log_config *f = &o->fast;
	const char *s;
	if (conf_get_bool(c, "outputs.fast.enabled", f->enabled, &f->enabled, err, errlen) ||
	    conf_get_bool(c, "outputs.fast.append", f->append, &f->append, err, errlen) ||
	    conf_get_str(c, "outputs.fast.filename", f->filename, &s, err, errlen))
		return -1;
	if (s != f->filename)
		util_strlcpy(f->filename, s, sizeof(f->filename));
	return 0;
}

/* A force-hash list ([md5, sha1, sha256]) -> APP_FILE_HASH_* bits; unknown names warn. */
static uint8_t read_hash_list(const struct conf_node *list)
{
	uint8_t h = 0;
	if (!list || list->type != CONF_SEQ)
		return 0;
	for (const struct conf_node *x = list->first_child; x; x = x->next) {
		char pos[300];
		if (x->value && !strcasecmp(x->value, "md5"))
			h |= APP_FILE_HASH_MD5;
		else if (x->value && !strcasecmp(x->value, "sha1"))
			h |= APP_FILE_HASH_SHA1;
		else if (x->value && !strcasecmp(x->value, "sha256"))
			h |= APP_FILE_HASH_SHA256;
		else
			log_warning("%s: warning: force-hash: unknown hash '%s' (md5, sha1, sha256)",
				    conf_node_position(x, pos, sizeof(pos)),
				    x->value ? x->value : "");
	}
	return h;
}

/*
 * Which digests the app layer computes over files, as Suricata decides it: force-hash (and the
 * older force-md5) of an enabled eve-log output's `files` type, file-store's force-hash, and
 * sha256 whenever file-store version 2 is enabled (it names stored files by their sha256).
 * force-magic needs libmagic, which aegis does not use: the option is accepted and ignored.
 */
static void read_file_hashes(struct runmode_options *o, const struct conf *c)
{
	const struct conf_node *outs = conf_get_node(c, "outputs");
	uint8_t h = 0;
	for (const struct conf_node *it = outs && outs->type == CONF_SEQ ? outs->first_child : NULL;
	     it; it = it->next) {
		const struct conf_node *n = it->type == CONF_MAP ? it->first_child : NULL;
		if (!n || !n->key)
			continue;
		if (!strcmp(n->key, "file-store")) {
			if (!opt_bool(n, "enabled", false))
				continue;
			h |= read_hash_list(conf_node_get(n, "force-hash"));
			const struct conf_node *v = conf_node_get(n, "version");
			if (v && v->value && !strcmp(v->value, "2"))
				h |= APP_FILE_HASH_SHA256;
			continue;
		}
		if (strcmp(n->key, "eve-log") || !opt_bool(n, "enabled", true))
			continue;
		const struct conf_node *types = conf_node_get(n, "types");
		for (const struct conf_node *t = types && types->type == CONF_SEQ ?
						 types->first_child : NULL;
		     t; t = t->next) {
			const struct conf_node *opts = t->type == CONF_MAP ? t->first_child : NULL;
			if (!opts || !opts->key || strcmp(opts->key, "files") ||
			    !opt_bool(opts, "enabled", true))
				continue;
			h |= read_hash_list(conf_node_get(opts, "force-hash"));
			if (opt_bool(opts, "force-md5", false))
				h |= APP_FILE_HASH_MD5;
		}
	}
	o->app.files.hashes = h;
}

/*
 * Suricata's exception policies (what to do with a flow when a memcap is hit, a parser errs, a
 * session is picked up midstream): aegis has none yet, so a suricata.yaml that asks for one
 * gets a warning naming the key instead of silence. "ignore" and "auto" (ignore for an IDS)
 * are what aegis does anyway.
 */
static int warn_exception_policies(const struct conf *c, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"exception-policy",        "app-layer.error-policy",
		"flow.memcap-policy",      "defrag.memcap-policy",
		"stream.memcap-policy",    "stream.midstream-policy",
		"stream.reassembly.memcap-policy",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v;
		if (conf_get_str(c, keys[i], NULL, &v, err, errlen))
			return -1;
		if (!v || !strcmp(v, "ignore") || !strcmp(v, "auto"))
			continue;
		char pos[300];
		log_warning("%s: warning: %s: exception policies are not implemented; '%s' is "
			    "ignored (aegis goes on as with 'ignore')",
			    conf_node_position(conf_get_node(c, keys[i]), pos, sizeof(pos)), keys[i],
			    v);
	}
	return 0;
}

int runmode_options_from_conf(struct runmode_options *o, const struct conf *c, char *err,
			      size_t errlen)
{
	const char *s;
	if (warn_exception_policies(c, err, errlen))
		return -1;
	if (read_flow(o, c, err, errlen) || read_eve(o, c, err, errlen) ||
	    read_fast(o, c, err, errlen) ||
	    stream_config_from_conf(&o->defrag, &o->stream, c, err, errlen) ||
	    app_config_from_conf(&o->app, c, err, errlen))
		return -1;
	read_file_hashes(o, c);
	/* One switch for pickup without a handshake, read by both the flow and stream stages. */
	o->stream.midstream = o->flow.tcp_midstream;
	/* aegis: stream.enabled / defrag.enabled (default yes) turn reassembly off for packet-only
	 * sensors and for measuring the stages apart; the app layer runs when any protocol is
	 * enabled (app-layer.protocols.X.enabled) and TCP data needs the stream stage. */
	if (conf_get_bool(c, "stream.enabled", true, &o->stream_enabled, err, errlen) ||
	    conf_get_bool(c, "defrag.enabled", true, &o->defrag_enabled, err, errlen) ||
	    conf_get_bool(c, "detect.guess-applayer-tx", false, &o->guess_tx, err, errlen))
		return -1;
	o->app_enabled = false;
	for (int i = 0; i < APP_PROTO_MAX; i++)
		if (o->app.proto[i].enabled)
			o->app_enabled = true;
	if (conf_get_str(c, "pcap-file.checksum-checks", "auto", &s, err, errlen))
		return -1;
	if (!strcmp(s, "auto"))
		o->checksum = CHECKSUM_AUTO;
	else if (!strcasecmp(s, "yes") || !strcasecmp(s, "true"))
		o->checksum = CHECKSUM_ALL;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "false"))
		o->checksum = CHECKSUM_NONE;
	else {
		char pos[300];
		snprintf(err, errlen, "%s: error: pcap-file.checksum-checks: expected auto, yes or no, "
			 "got '%s'",
			 conf_node_position(conf_get_node(c, "pcap-file.checksum-checks"), pos,
					    sizeof(pos)), s);
		return -1;
	}
	if (conf_get_str(c, "runmode", NULL, &s, err, errlen))
		return -1;
	if (s && runmode_parse_kind(s, &o->kind) != 0) {
		char pos[300];
		snprintf(err, errlen, "%s: error: runmode: expected single, autofp or workers, got '%s'",
			 conf_node_position(conf_get_node(c, "runmode"), pos, sizeof(pos)), s);
		return -1;
	}
	if (conf_get_str(c, "default-log-dir", NULL, &s, err, errlen))
		return -1;
	if (s && !o->logdir[0])
		util_strlcpy(o->logdir, s, sizeof(o->logdir));
	return 0;
}
