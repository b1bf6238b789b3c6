/*
 * output.h — the output stage's public door: EVE JSON (one object per line, Suricata's field
 * names and timestamp format) written to a file, with `flow`, `anomaly` and `stats` records now
 * and the record types of later stages (alert, http, dns, tls, drop) registered the same way.
 *
 * Records are built with a small JSON writer into a per-writer buffer and written in large
 * blocks; a writer belongs to one thread (later runmodes give each worker its own buffer and
 * serialise only the final write).
 */
#ifndef AEGIS_OUTPUT_H
#define AEGIS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "detect/detect.h"
#include "flow/flow.h"
#include "app/app.h"

/* ---- JSON builder ------------------------------------------------------------------------ */

/* A growable buffer that receives JSON text. Strings are escaped per RFC 8259; invalid UTF-8
 * bytes are written as \u00XX so every line is valid JSON. */
struct jbuf {
	char *buf;
	size_t len, cap;
	bool failed;     /* an allocation failed: the record is dropped, counted */
	uint8_t depth;
	bool need_comma[32];
};

void jbuf_init(struct jbuf *j);
void jbuf_free(struct jbuf *j);
void jbuf_reset(struct jbuf *j);
void jbuf_open_object(struct jbuf *j, const char *key); /* key NULL at top level / in arrays */
void jbuf_close_object(struct jbuf *j);
void jbuf_open_array(struct jbuf *j, const char *key);
void jbuf_close_array(struct jbuf *j);
void jbuf_add_str(struct jbuf *j, const char *key, const char *val);
void jbuf_add_strn(struct jbuf *j, const char *key, const char *val, size_t len);
void jbuf_add_uint(struct jbuf *j, const char *key, uint64_t val);
void jbuf_add_int(struct jbuf *j, const char *key, int64_t val);
void jbuf_add_bool(struct jbuf *j, const char *key, bool val);
void jbuf_add_double(struct jbuf *j, const char *key, double val);
void jbuf_add_base64(struct jbuf *j, const char *key, const uint8_t *data, size_t len);
/* Bytes as Suricata's payload_printable: printable ASCII, \n and \r kept, everything else '.'. */
void jbuf_add_printable(struct jbuf *j, const char *key, const uint8_t *data, size_t len);

/* ---- EVE writer -------------------------------------------------------------------------- */

/* Which record types are enabled (outputs.eve-log.types). */
enum eve_type {
	EVE_TYPE_ALERT = 0, EVE_TYPE_ANOMALY, EVE_TYPE_FLOW, EVE_TYPE_STATS, EVE_TYPE_DROP,
	EVE_TYPE_HTTP, EVE_TYPE_DNS, EVE_TYPE_TLS, EVE_TYPE_FILES, EVE_TYPE_SSH, EVE_TYPE_MAX
};

/* outputs.eve-log.types.dns options (Suricata 8). */
#define EVE_DNS_MAX_TYPES 64
struct eve_dns_options {
	uint8_t version;            /* version: 3 (default) or 2 (Suricata 7's query/answer) */
	bool requests;              /* requests: yes (default) */
	bool responses;             /* responses: yes (default) */
	bool detailed;              /* formats: [detailed, grouped] (both by default) */
	bool grouped;
	bool filter_types;          /* types: [a, aaaa, ...] given: only messages with a question
				     * of one of these rrtypes (and only those questions) */
	uint8_t n_types;
	uint16_t types[EVE_DNS_MAX_TYPES];
};
void eve_dns_options_defaults(struct eve_dns_options *o);
/* Add an rrtype name ("a", "mx", ...) or number to the `types` filter; -1 if unknown or full. */
int eve_dns_options_add_type(struct eve_dns_options *o, const char *name);

/* Most eve-log outputs in one configuration (suricata.yaml's `outputs:` list). */
#define EVE_MAX_OUTPUTS 8

/* Where an eve-log output's records go (Suricata's filetype). */
enum eve_filetype {
	EVE_FILETYPE_REGULAR = 0, /* a file, records as lines */
	EVE_FILETYPE_UNIX_STREAM, /* a connected UNIX stream socket, records as lines */
	EVE_FILETYPE_UNIX_DGRAM,  /* a UNIX datagram socket, one datagram per record */
};

struct eve_config {
	bool enabled;
	char filename[256];    /* relative to the log dir unless absolute; default "eve.json"; the
				* socket's path for the unix filetypes */
	uint8_t filetype;      /* enum eve_filetype */
	bool append;           /* default true, as Suricata */
	bool types[EVE_TYPE_MAX];
	bool anomaly_decode;   /* anomaly.types.decode (default true) */
	bool community_id;     /* add community_id to flow-bearing records */
	bool no_metadata;      /* metadata: no — leave out the flow's rule variables (top-level
				* "metadata" with flowbits/flowvars/flowints, and "traffic") */
	uint16_t community_id_seed;
	bool stats_totals;     /* stats.totals (default true) */
	size_t buffer_size;    /* write buffer in bytes (default 64 KiB) */

	/* types.alert options. All false by default, which is Suricata's default for each when the
	 * key is absent (hence the negative name of `metadata`, on unless set to no). */
	bool alert_payload;           /* payload: base64 payload */
	bool alert_payload_printable; /* payload-printable */
	bool alert_payload_length;    /* payload-length */
	bool alert_packet;            /* packet: base64 packet + packet_info */
	bool alert_no_metadata;       /* metadata: no (drops rule metadata, flow object, app layer) */
	bool alert_verdict;           /* verdict: the packet's final action */

	/* types.drop options (all default false, as Suricata) */
	bool drop_alerts;             /* alerts: add the alert that caused the drop */
	bool drop_flows_all;          /* flows: all (true) or start (false): see eve_log_drop */
	bool drop_verdict;            /* verdict */

	/* types.anomaly options */
	bool anomaly_packethdr;       /* packethdr: first 32 packet bytes + packet_info (default no) */
	bool anomaly_stream;          /* types.stream: reassembly events (default no, as Suricata) */
	bool anomaly_applayer;        /* types.applayer: app-layer events (default yes, as Suricata) */

	bool ethernet;                /* ethernet: "ether" {src_mac, dest_mac} (default no) */

	struct eve_dns_options dns;   /* types.dns options of this output */
	/* Further outputs (another `- eve-log:` entry each, own file, types and dns options),
	 * opened with this one by eve_open and written through the same struct eve. NULL: one. */
	const struct eve_config *next;
};

/* True if this output or one chained to it logs records of `type` (callers that decide
 * whether to build a record at all ask this, not cfg->types). */
bool eve_config_type_enabled(const struct eve_config *cfg, enum eve_type type);

struct eve;

/* Everything that goes into a stats record. */
/* Why a packet was dropped (EVE drop.reason, Suricata's words). */
enum eve_drop_reason {
	EVE_DROP_RULES = 0,         /* "rules": a drop/reject rule matched this packet */
	EVE_DROP_FLOW,              /* "flow drop": an earlier drop verdict on the flow */
	EVE_DROP_THRESHOLD,         /* "threshold detection_filter": rate_filter made it a drop */
	EVE_DROP_DECODE,            /* "decode error" */
	EVE_DROP_DEFRAG_ERROR,      /* "defrag error" */
	EVE_DROP_DEFRAG_MEMCAP,     /* "defrag memcap" */
	EVE_DROP_FLOW_MEMCAP,       /* "flow memcap" */
	EVE_DROP_STREAM_ERROR,      /* "stream error" */
	EVE_DROP_STREAM_MEMCAP,     /* "stream memcap" */
	EVE_DROP_STREAM_MIDSTREAM,  /* "stream midstream" */
	EVE_DROP_STREAM_REASSEMBLY, /* "stream reassembly" */
	EVE_DROP_APPLAYER_ERROR,    /* "applayer error" */
	EVE_DROP_APPLAYER_MEMCAP,   /* "applayer memcap" */
	EVE_DROP_DEFAULT_PACKET,    /* "default packet policy" */
	EVE_DROP_DEFAULT_APP,       /* "default app policy" */
	EVE_DROP_REASON_MAX
};

/* IPS mode (inline or --simulate-ips): every packet is accepted or blocked, a block counted
 * under its first drop reason (stats.ips) */
struct ips_stats {
	uint64_t accepted, blocked;
	uint64_t drop_reason[EVE_DROP_REASON_MAX];
};

struct aegis_stats {
	uint64_t ts_usec; /* record timestamp (packet time when reading files); 0 = wall clock */
	uint64_t uptime_s;
	struct capture_stats capture;
	struct decode_stats decode;
	struct flow_stats flow;
	struct app_stats app;     /* stats.app_layer.* (summed over the workers) */
	bool ips;                 /* IPS mode: stats.ips is written */
	struct ips_stats ips_counters;
};

/* Default config: enabled, eve.json, alert+anomaly+flow+stats+drop+http+dns+tls+files. */
void eve_config_defaults(struct eve_config *cfg);

/* Open `cfg->filename` under `logdir`. -1 with one clear line in err (e.g. unwritable dir). */
int eve_open(struct eve **out, const struct eve_config *cfg, const char *logdir, char *err,
	     size_t errlen);
/* Flush buffered records; -1 with err on a write error. */
int eve_flush(struct eve *e, char *err, size_t errlen);
/* Flush and close; -1 with err if the final write failed. */
int eve_close(struct eve *e, char *err, size_t errlen);

/* The file name being read, logged as pcap_filename (NULL for none). */
void eve_set_pcap_filename(struct eve *e, const char *name);
/* Where flow-bearing records get the flow's rule variables for their top-level "metadata" and
 * "traffic" objects: fn(ctx, ...) fills out like detect_flow_vars_list (the runmode passes the
 * engine; a callback keeps this stage from linking the detection engine). fn NULL: none. Set
 * for every output of the chain. */
typedef size_t (*eve_flow_vars_fn)(const void *ctx, const struct flow *f, struct detect_var *out,
				   size_t max);
void eve_set_flow_vars_source(struct eve *e, eve_flow_vars_fn fn, const void *ctx);

void eve_log_flow(struct eve *e, const struct flow *f);
/* ethernet: yes — the MAC addresses a flow's packets carried, for its flow record's "ether"
 * {src_macs, dest_macs} (client side, server side; at most EVE_FLOW_MACS each, the first ones
 * seen). Kept in flow->log; eve_flow_free releases them when the flow ends. */
#define EVE_FLOW_MACS 4
bool eve_config_wants_ethernet(const struct eve_config *cfg);
void eve_flow_note_macs(struct flow *f, const struct packet *p);
void eve_flow_free(struct flow *f);
/* One record per decoder event on the packet. */
void eve_log_anomalies(struct eve *e, const struct packet *p);
/* One record per reassembly event on the packet (p->stream_events): type "stream", event
 * "stream." + name; defrag events there are type "decode" ("decoder." + name). */
void eve_log_stream_anomalies(struct eve *e, const struct packet *p);
struct app_result;
/* One record per app-layer event of an app_handle_data/app_flow_finish result: type
 * "applayer", layer "proto_detect" (protocol detection) or "proto_parser" (with tx_id), event
 * as Suricata spells it. p: the packet the data came with (NULL at flow end: the flow's tuple). */
void eve_log_app_anomalies(struct eve *e, const struct packet *p, const struct flow *f,
			   const struct app_result *ar, uint64_t ts_usec);
void eve_log_stats(struct eve *e, const struct aegis_stats *s);

/* ---- alerts and drops (eve-alert.c) ---------------------------------------------------------- */

/* What the alert writers (EVE and fast.log) need besides the alert itself. */
struct app_tx;
struct eve_http_opts;

struct output_alert_info {
	const char *app_proto;      /* the flow's app-layer protocol ("http"), NULL if unknown */
	const struct app_tx *tx;    /* the transaction the alert is about (its http object is
				     * added with metadata on), or NULL */
	const struct eve_http_opts *http; /* how to write that object (NULL: defaults) */
	bool ips;                   /* drop/reject are enforced: inline mode or --simulate-ips */
	enum detect_action verdict; /* the packet's final action (detect_result.verdict) */
	/* stream alerts: the stream bytes they matched in, logged as their payload (Suricata logs
	 * the stream, not the packet that carried the result); NULL: the packet's payload */
	const uint8_t *stream_payload;
	uint32_t stream_payload_len;
	bool tx_guessed;            /* tx is the flow's only one: packet/stream alerts log its
				     * tx_id (detect.guess-applayer-tx) */
};

/*
 * One "alert" record for alert `a` raised on packet `p` (p->flow may be NULL). The tuple is the
 * packet's own (src = the packet's source), as Suricata logs alerts; a rule with `target:` adds
 * alert.source / alert.target. alert.action is "blocked" for reject, and for drop in IPS mode;
 * "allowed" otherwise. Alerts flagged DETECT_ALERT_F_NOALERT are not logged.
 */
void eve_log_alert(struct eve *e, const struct packet *p, const struct detect_alert *a,
		   const struct output_alert_info *info);
/* eve_log_alert for every alert of a detection result, in its order. */
void eve_log_alerts(struct eve *e, const struct packet *p, const struct detect_result *res,
		    const struct output_alert_info *info);


const char *eve_drop_reason_name(enum eve_drop_reason r);

/*
 * One "drop" record for a packet the engine dropped (IPS): the packet's IP/TCP/UDP/ICMP header
 * fields and the reason; with drop_alerts, also the "alert" object of `a` (the alert that caused
 * the drop, may be NULL). `flows: start` (log only the first dropped packet of each flow
 * direction) needs per-flow state and is the caller's check: log when cfg->drop_flows_all or
 * when this is the first drop seen in this flow direction.
 */
void eve_log_drop(struct eve *e, const struct packet *p, enum eve_drop_reason reason,
		  const struct detect_alert *a, const struct output_alert_info *info);
/* The first alert of `res` whose action dropped the packet (drop or reject), or NULL. */
const struct detect_alert *output_drop_alert(const struct detect_result *res);

/* ---- fast.log (fast-log.c) ----------------------------------------------------------------- */

/* outputs.fast: Suricata's one-line-per-alert text log. */
struct fast_log_config {
	bool enabled;        /* default yes, as Suricata's shipped suricata.yaml */
	char filename[256];  /* relative to the log dir unless absolute; default "fast.log" */
	bool append;         /* default yes */
};

struct fast_log;

struct fast_log_counters {
	uint64_t alerts;  /* lines written */
	uint64_t dropped; /* lines lost to a write error */
};

void fast_log_config_defaults(struct fast_log_config *cfg);
/* Open the file; -1 with one clear line in err. A fast_log may be shared by several threads:
 * each alert is one write(2) of one whole line on an O_APPEND descriptor. */
int fast_log_open(struct fast_log **out, const struct fast_log_config *cfg, const char *logdir,
		  char *err, size_t errlen);
/*
 * One line, as Suricata writes it:
 * "MM/DD/YYYY-HH:MM:SS.uuuuuu  [**] [gid:sid:rev] msg [**] [Classification: desc]
 *  [Priority: N] {PROTO} src:sp -> dst:dp" (one line; local time; ICMP logs type:code in the
 * port places; "[Drop] " before the first "[**]" for drop and reject rules in IPS mode,
 * "[wDrop] " for them in IDS mode; packets without IP log "[Raw pkt: ...]" for the tuple).
 */
void fast_log_alert(struct fast_log *fl, const struct packet *p, const struct detect_alert *a,
		    const struct output_alert_info *info);
void fast_log_alerts(struct fast_log *fl, const struct packet *p,
		     const struct detect_result *res, const struct output_alert_info *info);
/* Format one line into buf (NUL-terminated, ends with '\n'); returns its length (0 if the
 * alert is not logged). The line is cut to fit buf. Used by fast_log_alert and the tests. */
size_t fast_log_format(char *buf, size_t len, const struct packet *p,
		       const struct detect_alert *a, const struct output_alert_info *info);
void fast_log_get_counters(const struct fast_log *fl, struct fast_log_counters *out);
/* Close; -1 with err if a write failed since opening (or closing failed). */
int fast_log_close(struct fast_log *fl, char *err, size_t errlen);

/* Counters of the writer itself: records handed to the sink per type, records dropped (build
 * failure, or lost to a write error: those may also be in records[]), bytes written. */
struct eve_counters {
	uint64_t records[EVE_TYPE_MAX];
	uint64_t dropped;
	uint64_t bytes;
};
void eve_get_counters(const struct eve *e, struct eve_counters *out);

/* Helpers for record writers of later stages: the common header of every record
 * (timestamp, flow_id, in_iface, event_type, vlan, src/dest ip and port, proto, ...). */
void eve_begin_record(struct eve *e, struct jbuf *j, const char *event_type, uint64_t ts_usec,
		      const struct packet *p, const struct flow *f);
/* The same for records about a flow or transaction (http, tls): the tuple is the flow's, client
 * first, whichever packet triggered the record (it still gives pcap_cnt, vlan, pkt_src). */
void eve_begin_flow_record(struct eve *e, struct jbuf *j, const char *event_type,
			   uint64_t ts_usec, const struct packet *p, const struct flow *f);
/* The same with the flow's tuple oriented as data of direction dir travels: the server first
 * for FLOW_DIR_TO_CLIENT (Suricata's fileinfo records of downloads). */
void eve_begin_dir_record(struct eve *e, struct jbuf *j, const char *event_type,
			  uint64_t ts_usec, const struct packet *p, const struct flow *f,
			  uint8_t dir);
void eve_end_record(struct eve *e, struct jbuf *j, enum eve_type type);
/* The writer's scratch builder (valid until eve_end_record). */
struct jbuf *eve_jbuf(struct eve *e);

/* ---- app-layer records (eve-http.c, eve-dns.c, eve-tls.c) ------------------------------------ */

struct app_tx;

/* outputs.eve-log.types.http options. */
struct eve_http_opts {
	bool extended;              /* extended: adds http_refer (default yes) */
	bool xff;                   /* xff.enabled: log X-Forwarded-For as "xff" */
	bool dump_request_headers;  /* dump-all-headers: request or both */
	bool dump_response_headers; /* dump-all-headers: response or both */
};

/* The "http" object of a transaction (also used by alerts' app-layer metadata). */
void eve_http_fields(struct jbuf *j, const struct app_tx *tx, const struct eve_http_opts *o);
/* The same with the extended fields whatever o says: the http object of alert and fileinfo
 * records, as Suricata writes it (o NULL: defaults). */
void eve_http_fields_extended(struct jbuf *j, const struct app_tx *tx,
			      const struct eve_http_opts *o);
/* One "http" record with tx_id for a completed HTTP transaction of flow `f` (p may be NULL). */
void eve_log_http(struct eve *e, const struct packet *p, const struct flow *f,
		  const struct app_tx *tx, uint64_t ts_usec, const struct eve_http_opts *o);

/*
 * DNS records of a transaction (one DNS message each): dir FLOW_DIR_TO_SERVER writes its request,
 * FLOW_DIR_TO_CLIENT its response (p = the message's packet). Version 3: one record with the
 * packet's tuple; version 2: one "query" record per question, or one "answer" record, with the
 * flow's tuple. o: the options of the first output (NULL: its configured ones); the other
 * outputs of a multi-output writer use their own.
 */
void eve_log_dns(struct eve *e, const struct packet *p, const struct flow *f,
		 const struct app_tx *tx, uint8_t dir, uint64_t ts_usec,
		 const struct eve_dns_options *o);
/* The version 3 "dns" object of a transaction, every rrtype, detailed answers (alerts). */
void eve_dns_fields(struct jbuf *j, const struct app_tx *tx);

/* outputs.eve-log.types.tls fields (extended: EVE_TLS_EXTENDED; custom: a list of names). */
#define EVE_TLS_SUBJECT         0x0001
#define EVE_TLS_ISSUER          0x0002
#define EVE_TLS_SESSION_RESUMED 0x0004
#define EVE_TLS_SERIAL          0x0008
#define EVE_TLS_FINGERPRINT     0x0010
#define EVE_TLS_SNI             0x0020
#define EVE_TLS_VERSION         0x0040
#define EVE_TLS_NOTBEFORE       0x0080
#define EVE_TLS_NOTAFTER        0x0100
#define EVE_TLS_JA3             0x0200
#define EVE_TLS_JA3S            0x0400
#define EVE_TLS_JA4             0x0800
#define EVE_TLS_SUBJECTALTNAME  0x1000
#define EVE_TLS_CLIENT_ALPNS    0x2000
#define EVE_TLS_SERVER_ALPNS    0x4000
#define EVE_TLS_BASIC                                                                      \
	(EVE_TLS_SUBJECT | EVE_TLS_ISSUER | EVE_TLS_SESSION_RESUMED | EVE_TLS_SUBJECTALTNAME)
#define EVE_TLS_EXTENDED 0x7fff

struct eve_tls_options {
	uint32_t fields;            /* EVE_TLS_*; default EVE_TLS_BASIC (extended: no) */
};
void eve_tls_options_defaults(struct eve_tls_options *o);
/* A `custom:` list entry ("subject", "issuer", "serial", "not_before", "ja3", ...) -> bit; 0 if
 * unknown. */
uint32_t eve_tls_field_lookup(const char *name);
/* The "tls" object of a transaction for an alert's app-layer metadata (o NULL: extended). */
void eve_tls_fields(struct jbuf *j, const struct app_tx *tx, const struct eve_tls_options *o);
/* One "tls" record for the flow's TLS session (logged when the handshake is over). */
void eve_log_tls(struct eve *e, const struct packet *p, const struct flow *f,
		 const struct app_tx *tx, uint64_t ts_usec, const struct eve_tls_options *o);

/* ---- SSH (eve-ssh.c) ----------------------------------------------------------------------- */

/* The "ssh" object (client/server proto_version, software_version) of an SSH transaction, for
 * alerts' app-layer metadata; nothing for other transactions. */
void eve_ssh_fields(struct jbuf *j, const struct app_tx *tx);
/* One "ssh" record for the flow's SSH session (logged once both identification strings are
 * known, or at flow end). */
void eve_log_ssh(struct eve *e, const struct packet *p, const struct flow *f,
		 const struct app_tx *tx, uint64_t ts_usec);

/* ---- files (eve-fileinfo.c) ---------------------------------------------------------------- */

/*
 * One "fileinfo" record for a file of transaction tx that has ended: the tuple oriented as the
 * file travels, the transaction's app-layer object ("http", written with ho) and app_proto, and
 * fileinfo {filename, gaps, state, md5/sha1 (CLOSED files, when computed), sha256, stored,
 * size, tx_id}. Nothing is stored, so stored is false and file_id absent; magic needs libmagic
 * and is never written.
 */
void eve_log_fileinfo(struct eve *e, const struct packet *p, const struct flow *f,
		      const struct app_tx *tx, const struct app_file *file, uint64_t ts_usec,
		      const struct eve_http_opts *ho);

#endif /* AEGIS_OUTPUT_H */
