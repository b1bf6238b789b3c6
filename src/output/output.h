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
#include "flow/flow.h"

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
	EVE_TYPE_HTTP, EVE_TYPE_DNS, EVE_TYPE_TLS, EVE_TYPE_MAX
};

struct eve_config {
	bool enabled;
	char filename[256];    /* relative to the log dir unless absolute; default "eve.json" */
	bool append;           /* default true, as Suricata */
	bool types[EVE_TYPE_MAX];
	bool anomaly_decode;   /* anomaly.types.decode (default true) */
	bool community_id;     /* add community_id to flow-bearing records */
	uint16_t community_id_seed;
	bool stats_totals;     /* stats.totals (default true) */
	size_t buffer_size;    /* write buffer in bytes (default 64 KiB) */
};

struct eve;

/* Everything that goes into a stats record. */
struct aegis_stats {
	uint64_t ts_usec; /* record timestamp (packet time when reading files); 0 = wall clock */
	uint64_t uptime_s;
	struct capture_stats capture;
	struct decode_stats decode;
	struct flow_stats flow;
};

/* Default config: enabled, eve.json, alert+anomaly+flow+stats+drop+http+dns+tls. */
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

void eve_log_flow(struct eve *e, const struct flow *f);
/* One record per decoder event on the packet. */
void eve_log_anomalies(struct eve *e, const struct packet *p);
void eve_log_stats(struct eve *e, const struct aegis_stats *s);

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
void eve_end_record(struct eve *e, struct jbuf *j, enum eve_type type);
/* The writer's scratch builder (valid until eve_end_record). */
struct jbuf *eve_jbuf(struct eve *e);

#endif /* AEGIS_OUTPUT_H */
