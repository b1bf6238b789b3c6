/*
 * app.c — the app-layer core: the protocol registration table, protocol detection on any port
 * (with port hints), dispatch of each direction's bytes to the detected protocol's parser, the
 * per-flow transaction list and what one call reports (transactions that moved, events).
 *
 * Detection keeps the first bytes of a TCP direction (at most detect_max_bytes) until a parser's
 * probe says yes or no, then replays them into the parser, so a request split into one-byte
 * segments is detected and parsed like one that came in one piece.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/app-int.h"
#include "conf/conf.h"
#include "util/util.h"

/* ---- registration table ------------------------------------------------------------------ */

/*
 * DNS and TLS live in their own files. Until those are linked in, the references are weak so
 * the core builds and runs with whichever parsers exist (a NULL entry is skipped).
 */
extern const struct app_parser app_parser_dns __attribute__((weak));
extern const struct app_parser app_parser_tls __attribute__((weak));

static const struct app_parser *const app_parsers[] = {
	&app_parser_http,
	&app_parser_dns,
	&app_parser_tls,
	&app_parser_ssh,
};

static const struct app_parser *app_parser_for(enum app_proto p)
{
	for (size_t i = 0; i < ARRAY_SIZE(app_parsers); i++)
		if (app_parsers[i] && app_parsers[i]->proto == p)
			return app_parsers[i];
	return NULL;
}

/* ---- names ------------------------------------------------------------------------------- */

static const char *const app_proto_names[APP_PROTO_MAX] = {
	[APP_PROTO_UNKNOWN] = NULL,
	[APP_PROTO_HTTP] = "http",
	[APP_PROTO_DNS] = "dns",
	[APP_PROTO_TLS] = "tls",
	[APP_PROTO_SSH] = "ssh",
	[APP_PROTO_FAILED] = "failed",
};

const char *app_proto_name(enum app_proto p)
{
	return (unsigned)p < APP_PROTO_MAX ? app_proto_names[p] : NULL;
}

enum app_proto app_proto_by_name(const char *name)
{
	for (unsigned i = 0; i < APP_PROTO_MAX; i++)
		if (app_proto_names[i] && name && strcmp(app_proto_names[i], name) == 0)
			return (enum app_proto)i;
	return APP_PROTO_UNKNOWN;
}

static const char *const app_event_names[APP_EVENT_MAX] = {
	[APP_EVENT_NONE] = "none",
#define APP_EVENT_NAME(id, name) [APP_EVENT_##id] = name,
	APP_EVENTS_GENERIC(APP_EVENT_NAME)
	APP_EVENTS_HTTP(APP_EVENT_NAME)
	APP_EVENTS_DNS(APP_EVENT_NAME)
	APP_EVENTS_TLS(APP_EVENT_NAME)
	APP_EVENTS_SSH(APP_EVENT_NAME)
#undef APP_EVENT_NAME
};

const char *app_event_name(enum app_event ev)
{
	return (unsigned)ev < APP_EVENT_MAX ? app_event_names[ev] : "?";
}

enum app_event app_event_lookup(const char *name)
{
	if (!name)
		return APP_EVENT_NONE;
	for (unsigned i = 1; i < APP_EVENT_MAX; i++)
		if (strcmp(app_event_names[i], name) == 0)
			return (enum app_event)i;
	return APP_EVENT_NONE;
}

static const char *const app_buffer_names[APP_BUF_MAX] = {
#define APP_BUFFER_NAME(id, name) [APP_BUF_##id] = name,
	APP_BUFFERS(APP_BUFFER_NAME)
#undef APP_BUFFER_NAME
};

int app_buffer_lookup(const char *name)
{
	if (!name)
		return -1;
	for (unsigned i = 0; i < APP_BUF_MAX; i++)
		if (strcmp(app_buffer_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *app_buffer_name(enum app_buffer b)
{
	return (unsigned)b < APP_BUF_MAX ? app_buffer_names[b] : "?";
}

enum app_proto app_buffer_proto(enum app_buffer b)
{
	if ((unsigned)b >= APP_BUF_MAX)
		return APP_PROTO_UNKNOWN;
	const char *n = app_buffer_names[b];
	/* file.data and file.name: files are HTTP bodies (the one parser that has files) */
	if (b == APP_BUF_FILE_DATA || b == APP_BUF_FILE_NAME || strncmp(n, "http.", 5) == 0)
		return APP_PROTO_HTTP;
	if (strncmp(n, "dns.", 4) == 0)
		return APP_PROTO_DNS;
	if (strncmp(n, "ssh.", 4) == 0)
		return APP_PROTO_SSH;
	return APP_PROTO_TLS; /* tls.*, ja3*, ja4* */
}

/* ---- configuration ----------------------------------------------------------------------- */

void app_config_defaults(struct app_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < ARRAY_SIZE(app_parsers); i++) {
		const struct app_parser *p = app_parsers[i];
		if (!p)
			continue;
		struct app_proto_config *pc = &cfg->proto[p->proto];
		pc->enabled = true;
		for (unsigned k = 0; k < ARRAY_SIZE(p->default_ports) && p->default_ports[k]; k++)
			pc->ports[pc->n_ports++] = p->default_ports[k];
	}
	cfg->detect_max_bytes = 4096;
	cfg->http.request_body_limit = 100 * 1024;
	cfg->http.response_body_limit = 100 * 1024;
	cfg->http.field_limit = 18000;
	cfg->http.headers_limit = 1024;
	cfg->http.max_tx = 512;
	cfg->http.decompress_limit = 1024 * 1024;
	cfg->http.decompress = true;
	cfg->dns.tcp_enabled = true;
	cfg->dns.udp_enabled = true;
	cfg->tls.ja3_auto = true;
	cfg->tls.ja4_auto = true;
}

void app_config_rules_use_buffer(struct app_config *cfg, enum app_buffer b)
{
	switch (b) {
	case APP_BUF_JA3_HASH:
	case APP_BUF_JA3_STRING:
	case APP_BUF_JA3S_HASH:
	case APP_BUF_JA3S_STRING:
		if (cfg->tls.ja3_auto)
			cfg->tls.ja3 = true;
		break;
	case APP_BUF_JA4_HASH:
		if (cfg->tls.ja4_auto)
			cfg->tls.ja4 = true;
		break;
	default:
		break;
	}
}

/* "yes" / "no" / "detection-only" (Suricata's app-layer.protocols.X.enabled). */
static int app_conf_enabled(const struct conf *c, const char *path, struct app_proto_config *pc,
			    char *err, size_t errlen)
{
	const char *v;
	if (conf_get_str(c, path, NULL, &v, err, errlen) < 0)
		return -1;
	if (!v)
		return 0;
	if (strcmp(v, "detection-only") == 0) {
		pc->enabled = true;
		pc->detection_only = true;
		return 0;
	}
	bool b;
	if (conf_get_bool(c, path, true, &b, err, errlen) < 0)
		return -1;
	pc->enabled = b;
	return 0;
}

/* detection-ports.dp: "80", "[80, 8080]", "80,8080", "8000:8003" (ranges expanded up to
 * APP_MAX_PORTS ports). */
static int app_conf_ports(const struct conf *c, const char *path, struct app_proto_config *pc,
			  char *err, size_t errlen)
{
	struct conf_node *n = conf_get_node(c, path);
	if (!n)
		return 0;
	char buf[256];
	buf[0] = '\0';
	if (n->type == CONF_SCALAR) {
		util_strlcpy(buf, n->value ? n->value : "", sizeof(buf));
	} else if (n->type == CONF_SEQ) {
		size_t off = 0;
		for (struct conf_node *e = n->first_child; e; e = e->next) {
			if (e->type != CONF_SCALAR || !e->value)
				continue;
			int w = snprintf(buf + off, sizeof(buf) - off, "%s,", e->value);
			if (w < 0 || (size_t)w >= sizeof(buf) - off)
				break;
			off += (size_t)w;
		}
	}
	pc->n_ports = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, "[], ", &save); tok; tok = strtok_r(NULL, "[], ", &save)) {
		uint64_t lo, hi;
		char *colon = strchr(tok, ':');
		if (colon)
			*colon = '\0';
		if (util_parse_u64(tok, 65535, &lo) < 0 ||
		    (colon && util_parse_u64(colon + 1, 65535, &hi) < 0)) {
			char pos[128];
			snprintf(err, errlen, "%s: error: %s: expected a port or port list",
				 conf_node_position(n, pos, sizeof(pos)), path);
			return -1;
		}
		if (!colon)
			hi = lo;
		for (uint64_t p = lo; p <= hi && pc->n_ports < APP_MAX_PORTS; p++)
			pc->ports[pc->n_ports++] = (uint16_t)p;
	}
	return 0;
}

/* ja3-fingerprints / ja4-fingerprints: yes, no or auto (the default: on when a rule needs it,
 * which app_config_rules_use_buffer learns once the rules are loaded). */
static int app_conf_auto_bool(const struct conf *c, const char *path, bool *out, bool *is_auto,
			      char *err, size_t errlen)
{
	const char *v;
	if (conf_get_str(c, path, NULL, &v, err, errlen) < 0)
		return -1;
	if (!v || strcmp(v, "auto") == 0) {
		*is_auto = true;
		return 0;
	}
	*is_auto = false;
	return conf_get_bool(c, path, *out, out, err, errlen);
}

int app_config_from_conf(struct app_config *cfg, const struct conf *c, char *err, size_t errlen)
{
	app_config_defaults(cfg);
	if (!c)
		return 0;
	static const char *const http_base = "app-layer.protocols.http.libhtp.default-config.";
	char path[160];
	struct app_proto_config *ph = &cfg->proto[APP_PROTO_HTTP];
	struct app_proto_config *pd = &cfg->proto[APP_PROTO_DNS];
	struct app_proto_config *pt = &cfg->proto[APP_PROTO_TLS];
	struct app_proto_config *ps = &cfg->proto[APP_PROTO_SSH];
	struct app_http_config *h = &cfg->http;

	if (app_conf_enabled(c, "app-layer.protocols.http.enabled", ph, err, errlen) < 0 ||
	    app_conf_ports(c, "app-layer.protocols.http.detection-ports.dp", ph, err, errlen) < 0 ||
	    app_conf_enabled(c, "app-layer.protocols.tls.enabled", pt, err, errlen) < 0 ||
	    app_conf_ports(c, "app-layer.protocols.tls.detection-ports.dp", pt, err, errlen) < 0 ||
	    app_conf_enabled(c, "app-layer.protocols.ssh.enabled", ps, err, errlen) < 0 ||
	    app_conf_enabled(c, "app-layer.protocols.dns.enabled", pd, err, errlen) < 0 ||
	    app_conf_ports(c, "app-layer.protocols.dns.udp.detection-ports.dp", pd, err, errlen) < 0 ||
	    conf_get_bool(c, "app-layer.protocols.dns.tcp.enabled", true, &cfg->dns.tcp_enabled,
			  err, errlen) < 0 ||
	    conf_get_bool(c, "app-layer.protocols.dns.udp.enabled", true, &cfg->dns.udp_enabled,
			  err, errlen) < 0 ||
	    app_conf_auto_bool(c, "app-layer.protocols.tls.ja3-fingerprints", &cfg->tls.ja3,
			       &cfg->tls.ja3_auto, err, errlen) < 0 ||
	    app_conf_auto_bool(c, "app-layer.protocols.tls.ja4-fingerprints", &cfg->tls.ja4,
			       &cfg->tls.ja4_auto, err, errlen) < 0)
		return -1;
	if (!cfg->dns.tcp_enabled && !cfg->dns.udp_enabled)
		pd->enabled = false;

	struct {
		const char *key;
		uint64_t *val;
	} sizes[] = {
		{ "request-body-limit", &h->request_body_limit },
		{ "response-body-limit", &h->response_body_limit },
		{ "compression-bomb-limit", &h->decompress_limit },
	};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(path, sizeof(path), "%s%s", http_base, sizes[i].key);
		if (conf_get_size(c, path, *sizes[i].val, sizes[i].val, err, errlen) < 0)
			return -1;
	}
	struct {
		const char *key;
		uint32_t *val;
		int64_t min, max;
	} ints[] = {
		{ "meta-field-limit", &h->field_limit, 64, 1 << 20 },
		{ "headers-limit", &h->headers_limit, 1, 65535 },
		{ "max-tx", &h->max_tx, 1, 1 << 20 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
		int64_t v;
		snprintf(path, sizeof(path), "%s%s", http_base, ints[i].key);
		if (conf_get_int(c, path, ints[i].min, ints[i].max, *ints[i].val, &v, err,
				 errlen) < 0)
			return -1;
		*ints[i].val = (uint32_t)v;
	}
	struct {
		const char *key;
		bool *val;
	} bools[] = {
		{ "double-decode-path", &h->double_decode_path },
		{ "double-decode-query", &h->double_decode_query },
		{ "uri-include-all", &h->uri_include_all },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++) {
		snprintf(path, sizeof(path), "%s%s", http_base, bools[i].key);
		if (conf_get_bool(c, path, *bools[i].val, bools[i].val, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* ---- per-worker context and per-flow state ------------------------------------------------ */

/* The core's view of a transaction: the public part and where it sits in this call's result. */
struct app_tx_int {
	struct app_tx pub;
	uint64_t result_seq; /* app_ctx.call_seq of the call that last reported it */
	uint32_t result_idx;
};

/* Detection state of one direction. */
struct app_detect_dir {
	uint8_t *buf;      /* bytes kept while probes ask for more (TCP only) */
	uint32_t len;
	uint32_t seen;     /* bytes seen so far */
	bool failed;       /* no protocol matched this direction */
	bool pending_gap;  /* bytes were dropped: tell the parser with APP_F_GAP */
	bool lost;         /* failed direction: bytes past the kept ones (or a gap) were dropped */
	bool stalled;      /* a hole the receiver never ACKed: no more data (FLOW_F_APP_STALL_*) */
	bool done;         /* this direction's own detection is over (proto says its result) */
	uint8_t proto;     /* enum app_proto detected on this direction (alproto_ts/_tc) */
};

struct app_flow {
	enum app_proto proto;
	const struct app_parser *parser;
	void *state;
	bool stopped;      /* the parser gave up, or an allocation failed */
	bool change_req;   /* the parser asked for a protocol change (app_request_proto_change) */
	/* after a protocol change: the first protocol, and its parser state, kept until the flow
	 * ends since its transactions may still point into it */
	enum app_proto proto_orig;
	const struct app_parser *orig_parser;
	void *orig_state;
	struct app_detect_dir det[2];
	struct app_tx *tx_head, *tx_tail;
	uint32_t n_tx;
	uint64_t next_tx_id;
};

struct app_ctx {
	struct app_config cfg;
	struct app_result_tx *rtx;
	uint32_t rtx_cap;
	uint64_t call_seq;
	struct app_stats stats;
	app_detect_free_fn detect_free;
	void *detect_free_user;
	app_reverse_fn reverse;
	void *reverse_user;
};

struct app_ctx *app_ctx_create(const struct app_config *cfg)
{
	struct app_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		log_error("app-layer: out of memory creating the worker context");
		return NULL;
	}
	if (cfg)
		ctx->cfg = *cfg;
	else
		app_config_defaults(&ctx->cfg);
	if (ctx->cfg.http.max_tx == 0)
		ctx->cfg.http.max_tx = 1;
	return ctx;
}

void app_ctx_destroy(struct app_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->rtx);
	free(ctx);
}

void app_ctx_set_detect_free(struct app_ctx *ctx, app_detect_free_fn fn, void *user)
{
	ctx->detect_free = fn;
	ctx->detect_free_user = user;
}

void app_ctx_set_reverse(struct app_ctx *ctx, app_reverse_fn fn, void *user)
{
	ctx->reverse = fn;
	ctx->reverse_user = user;
}

void app_get_stats(const struct app_ctx *ctx, struct app_stats *out)
{
	*out = ctx->stats;
}

static const char *const app_stat_slot_names[APP_STAT_MAX] = {
	[APP_STAT_HTTP] = "http",	      [APP_STAT_TLS] = "tls",
	[APP_STAT_SSH] = "ssh",
	[APP_STAT_DNS_TCP] = "dns_tcp",       [APP_STAT_DNS_UDP] = "dns_udp",
	[APP_STAT_FAILED_TCP] = "failed_tcp", [APP_STAT_FAILED_UDP] = "failed_udp",
};

const char *app_stat_slot_name(enum app_stat_slot s)
{
	return (unsigned)s < APP_STAT_MAX ? app_stat_slot_names[s] : NULL;
}

/* The counter slot of a protocol on a transport (ip_proto 17: UDP, else TCP). */
static enum app_stat_slot app_stat_slot_of(enum app_proto p, uint8_t ip_proto)
{
	bool udp = ip_proto == 17;
	switch (p) {
	case APP_PROTO_HTTP: return APP_STAT_HTTP;
	case APP_PROTO_TLS: return APP_STAT_TLS;
	case APP_PROTO_SSH: return APP_STAT_SSH;
	case APP_PROTO_DNS: return udp ? APP_STAT_DNS_UDP : APP_STAT_DNS_TCP;
	default: return udp ? APP_STAT_FAILED_UDP : APP_STAT_FAILED_TCP;
	}
}

void app_stats_add(struct app_stats *dst, const struct app_stats *src)
{
	/* every member is a uint64_t counter (the error structs too) */
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;
	for (size_t i = 0; i < sizeof(*dst) / sizeof(uint64_t); i++)
		d[i] += s[i];
}

static void app_tx_destroy(struct app_ctx *ctx, struct app_tx *tx)
{
	if (tx->detect_state && ctx && ctx->detect_free)
		ctx->detect_free(tx->detect_state, ctx->detect_free_user);
	const struct app_parser *p = app_parser_for(tx->proto);
	if (p && p->tx_free && tx->proto_tx)
		p->tx_free(tx->proto_tx);
	free((struct app_tx_int *)tx);
}

/* Free the transactions reported complete by an earlier call. */
static void app_flow_gc(struct app_ctx *ctx, struct app_flow *af)
{
	struct app_tx **pp = &af->tx_head;
	af->tx_tail = NULL;
	while (*pp) {
		struct app_tx *tx = *pp;
		if (app_tx_is_complete(tx)) {
			*pp = tx->next;
			af->n_tx--;
			app_tx_destroy(ctx, tx);
		} else {
			af->tx_tail = tx;
			pp = &tx->next;
		}
	}
}

void app_flow_free(struct app_ctx *ctx, struct flow *flow)
{
	struct app_flow *af = flow ? flow->app : NULL;
	if (!af)
		return;
	struct app_tx *tx = af->tx_head;
	while (tx) {
		struct app_tx *next = tx->next;
		app_tx_destroy(ctx, tx);
		tx = next;
	}
	if (af->parser && af->parser->state_free && af->state)
		af->parser->state_free(af->state);
	if (af->orig_parser && af->orig_parser->state_free && af->orig_state)
		af->orig_parser->state_free(af->orig_state);
	free(af->det[0].buf);
	free(af->det[1].buf);
	free(af);
	flow->app = NULL;
}

enum app_proto app_flow_proto(const struct flow *flow)
{
	const struct app_flow *af = flow ? flow->app : NULL;
	return af ? af->proto : APP_PROTO_UNKNOWN;
}

enum app_proto app_flow_proto_orig(const struct flow *flow)
{
	const struct app_flow *af = flow ? flow->app : NULL;
	return af ? af->proto_orig : APP_PROTO_UNKNOWN;
}

enum app_proto app_flow_dir_proto(const struct flow *flow, uint8_t dir)
{
	const struct app_flow *af = flow ? flow->app : NULL;
	if (!af)
		return APP_PROTO_UNKNOWN;
	const struct app_detect_dir *d = &af->det[dir & 1];
	return d->done && d->proto != APP_PROTO_UNKNOWN ? (enum app_proto)d->proto : af->proto;
}

struct app_tx *app_flow_tx_first(const struct flow *flow)
{
	const struct app_flow *af = flow ? flow->app : NULL;
	return af ? af->tx_head : NULL;
}

void app_tx_set_logged(struct app_tx *tx)
{
	tx->flags |= APP_TX_F_LOGGED;
}

/* ---- helpers for parsers ----------------------------------------------------------------- */

/* Add or update the transaction's entry in this call's result. */
static void app_result_note(struct app_parse_ctx *pc, struct app_tx *tx, uint8_t flags)
{
	struct app_ctx *ctx = pc->ctx;
	struct app_tx_int *ti = (struct app_tx_int *)tx;
	if (!pc->out)
		return;
	if (ti->result_seq == ctx->call_seq && ti->result_idx < pc->out->n_tx &&
	    ctx->rtx[ti->result_idx].tx == tx) {
		ctx->rtx[ti->result_idx].flags |= flags;
		return;
	}
	if (pc->out->n_tx == ctx->rtx_cap) {
		/* At most one entry per live transaction, and those are capped by max-tx. */
		uint32_t ncap = ctx->rtx_cap ? ctx->rtx_cap * 2 : 16;
		struct app_result_tx *n = realloc(ctx->rtx, ncap * sizeof(*n));
		if (!n) {
			ctx->stats.memcap_hits++;
			return;
		}
		ctx->rtx = n;
		ctx->rtx_cap = ncap;
		pc->out->txs = n;
	}
	ti->result_seq = ctx->call_seq;
	ti->result_idx = pc->out->n_tx;
	ctx->rtx[pc->out->n_tx].tx = tx;
	ctx->rtx[pc->out->n_tx].flags = flags;
	pc->out->n_tx++;
}

struct app_tx *app_tx_new(struct app_parse_ctx *pc, void *proto_tx)
{
	struct app_flow *af = pc->af;
	if (af->n_tx >= pc->cfg->http.max_tx) {
		pc->ctx->stats.memcap_hits++;
		if (af->proto == APP_PROTO_HTTP)
			app_event_raise(pc, NULL, APP_EVENT_HTTP_TOO_MANY_TRANSACTIONS);
		return NULL;
	}
	struct app_tx_int *ti = calloc(1, sizeof(*ti));
	if (!ti)
		return NULL;
	struct app_tx *tx = &ti->pub;
	tx->tx_id = af->next_tx_id++;
	tx->proto = af->proto;
	tx->proto_tx = proto_tx;
	if (af->tx_tail)
		af->tx_tail->next = tx;
	else
		af->tx_head = tx;
	af->tx_tail = tx;
	af->n_tx++;
	pc->ctx->stats.tx[af->proto]++;
	if (!af->parser || !(af->parser->flags & APP_PARSER_F_STATE_TX))
		pc->ctx->stats.slot_tx[app_stat_slot_of(af->proto, pc->flow->ip_proto)]++;
	app_result_note(pc, tx, APP_RTX_NEW | APP_RTX_UPDATED);
	return tx;
}

void app_tx_touch(struct app_parse_ctx *pc, struct app_tx *tx)
{
	app_result_note(pc, tx, APP_RTX_UPDATED);
}

void app_tx_set_complete(struct app_parse_ctx *pc, struct app_tx *tx, uint8_t dir)
{
	bool was = app_tx_is_complete(tx);
	tx->complete[dir & 1] = true;
	app_result_note(pc, tx,
			APP_RTX_UPDATED | (!was && app_tx_is_complete(tx) ? APP_RTX_COMPLETED : 0));
}

void app_raw_trigger(struct app_parse_ctx *pc, uint8_t dir)
{
	if (pc->out && dir <= FLOW_DIR_TO_CLIENT)
		pc->out->raw_trigger |= (uint8_t)(1u << dir);
}

void app_event_raise(struct app_parse_ctx *pc, struct app_tx *tx, enum app_event ev)
{
	if (tx) {
		for (unsigned i = 0; i < tx->n_events; i++)
			if (tx->events[i] == ev)
				return;
		if (tx->n_events < APP_TX_MAX_EVENTS)
			tx->events[tx->n_events++] = (uint16_t)ev;
		app_result_note(pc, tx, APP_RTX_UPDATED);
	}
	pc->ctx->stats.events++;
	struct app_result *out = pc->out;
	if (!out)
		return;
	if (out->n_events >= APP_RESULT_MAX_EVENTS) {
		out->events_dropped++;
		return;
	}
	struct app_result_event *e = &out->events[out->n_events++];
	e->event = (uint16_t)ev;
	e->has_tx = tx != NULL;
	e->tx_id = tx ? tx->tx_id : 0;
}

void app_parser_error(struct app_parse_ctx *pc, enum app_error_kind kind)
{
	struct app_error_stats *e =
		&pc->ctx->stats.errors[app_stat_slot_of(pc->af->proto, pc->flow->ip_proto)];
	switch (kind) {
	case APP_ERR_GAP: e->gap++; break;
	case APP_ERR_ALLOC: e->alloc++; break;
	case APP_ERR_PARSER: e->parser++; break;
	default: e->internal++; break;
	}
}

void app_request_proto_change(struct app_parse_ctx *pc)
{
	if (pc->af->proto_orig == APP_PROTO_UNKNOWN)
		pc->af->change_req = true;
}

/* Carry out a requested protocol change: the old parser is set aside and both directions go
 * through detection again from their next byte. */
static void app_proto_change(struct app_parse_ctx *pc)
{
	struct app_flow *af = pc->af;
	af->change_req = false;
	af->proto_orig = af->proto;
	af->orig_parser = af->parser;
	af->orig_state = af->state;
	af->parser = NULL;
	af->state = NULL;
	af->proto = APP_PROTO_UNKNOWN;
	af->stopped = false;
	for (int i = 0; i < 2; i++) {
		free(af->det[i].buf);
		memset(&af->det[i], 0, sizeof(af->det[i]));
	}
	pc->out->proto = APP_PROTO_UNKNOWN;
}

struct app_tx *app_pc_tx_first(struct app_parse_ctx *pc)
{
	return pc->af->tx_head;
}

struct app_tx *app_pc_tx_last(struct app_parse_ctx *pc)
{
	return pc->af->tx_tail;
}

/* ---- sticky buffers ---------------------------------------------------------------------- */

int app_tx_get_buffer(const struct app_tx *tx, enum app_buffer b, uint8_t dir, uint32_t index,
		      const uint8_t **data, uint32_t *len)
{
	if (!tx || (unsigned)b >= APP_BUF_MAX)
		return -1;
	const struct app_parser *p = app_parser_for(tx->proto);
	if (!p || !p->get_buffer || !tx->proto_tx)
		return -1;
	return p->get_buffer(tx, b, dir, index, data, len);
}

int app_tx_get_urilen(const struct app_tx *tx, bool raw, uint32_t *len)
{
	const uint8_t *d;
	return app_tx_get_buffer(tx, raw ? APP_BUF_HTTP_URI_RAW : APP_BUF_HTTP_URI,
				 FLOW_DIR_TO_SERVER, 0, &d, len);
}

/* ---- detection --------------------------------------------------------------------------- */

static bool app_port_hint(const struct app_proto_config *pc, const struct flow *f)
{
	for (unsigned i = 0; i < pc->n_ports; i++)
		if (pc->ports[i] == f->dp || pc->ports[i] == f->sp)
			return true;
	return false;
}

static bool app_parser_usable(const struct app_ctx *ctx, const struct app_parser *p,
			      const struct flow *f)
{
	uint8_t ipp = f->ip_proto == 17 ? APP_IPPROTO_UDP : APP_IPPROTO_TCP;
	if (!p || !ctx->cfg.proto[p->proto].enabled || !(p->ipprotos & ipp))
		return false;
	if (p->proto == APP_PROTO_DNS)
		return ipp == APP_IPPROTO_UDP ? ctx->cfg.dns.udp_enabled : ctx->cfg.dns.tcp_enabled;
	return true;
}

/*
 * Run the probes of every usable parser on `data`: those whose detection ports match the flow
 * first (a port hint breaks ties between protocols that could both claim the bytes), then the
 * others unless they only detect on their ports.
 */
static enum app_probe app_detect_probe_dir(const struct app_ctx *ctx, const struct flow *f,
					   uint8_t dir, const uint8_t *data, uint32_t len,
					   const struct app_parser **match)
{
	enum app_probe res = APP_PROBE_NOMATCH;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ARRAY_SIZE(app_parsers); i++) {
			const struct app_parser *p = app_parsers[i];
			if (!app_parser_usable(ctx, p, f) || !p->probe)
				continue;
			bool hint = app_port_hint(&ctx->cfg.proto[p->proto], f);
			if (hint != (pass == 0))
				continue;
			if (!hint && (p->flags & APP_PARSER_F_PORT_ONLY))
				continue;
			enum app_probe r = p->probe(data, len, dir, f->ip_proto);
			if (r == APP_PROBE_MATCH) {
				*match = p;
				return r;
			}
			if (r == APP_PROBE_NEED_MORE)
				res = r;
		}
	}
	return res;
}

/* May detection exchange the sides of this flow (see app_ctx_set_reverse)? Only a TCP flow
 * picked up midstream has sides that were guessed, and only while the other direction has
 * not failed detection (Suricata reverses only when the other side is still unknown). Not
 * after a protocol change: transactions of the first protocol keep their directions. */
static bool app_may_reverse(const struct app_parse_ctx *pc, uint8_t dir)
{
	const struct flow *f = pc->flow;
	const struct app_flow *af = pc->af;
	return pc->ctx->reverse && f->ip_proto == 6 && (f->flags & FLOW_F_MIDSTREAM) &&
	       !af->det[dir ^ 1].failed && !af->tx_head && af->proto_orig == APP_PROTO_UNKNOWN;
}

/*
 * Probe `data` of direction `dir`; when nothing matches and the flow may be reversed, probe it
 * as the other direction's too (as Suricata's pattern matcher tries the other direction's
 * patterns midstream). *reverse says the match was the other direction's.
 */
static enum app_probe app_detect_probe(const struct app_parse_ctx *pc, uint8_t dir,
				       const uint8_t *data, uint32_t len,
				       const struct app_parser **match, bool *reverse)
{
	*reverse = false;
	enum app_probe r = app_detect_probe_dir(pc->ctx, pc->flow, dir, data, len, match);
	if (r == APP_PROBE_MATCH || !app_may_reverse(pc, dir))
		return r;
	enum app_probe rr = app_detect_probe_dir(pc->ctx, pc->flow, dir ^ 1, data, len, match);
	if (rr == APP_PROBE_MATCH) {
		*reverse = true;
		return rr;
	}
	return r == APP_PROBE_NEED_MORE || rr == APP_PROBE_NEED_MORE ? APP_PROBE_NEED_MORE :
								       APP_PROBE_NOMATCH;
}

static void app_result_reset(struct app_ctx *ctx, struct app_flow *af, struct app_result *out)
{
	memset(out, 0, sizeof(*out));
	out->txs = ctx->rtx;
	out->proto = af ? af->proto : APP_PROTO_UNKNOWN;
}

static int app_parse(struct app_parse_ctx *pc, uint8_t dir, const uint8_t *data, uint32_t len,
		     uint32_t flags)
{
	struct app_flow *af = pc->af;
	if (af->stopped || !af->parser || !af->parser->parse)
		return 0;
	if (af->det[dir].pending_gap) {
		flags |= APP_F_GAP;
		af->det[dir].pending_gap = false;
	}
	if ((flags & APP_F_GAP) && (af->parser->flags & APP_PARSER_F_NO_GAPS))
		app_parser_error(pc, APP_ERR_GAP);
	pc->ctx->stats.bytes += len;
	if (af->parser->parse(pc, af->state, dir, data, len, flags) < 0)
		af->stopped = true;
	if (af->change_req)
		app_proto_change(pc);
	return 0;
}

/* The flow's protocol is known: create the parser state and replay what detection kept. */
static int app_detect_done(struct app_parse_ctx *pc, const struct app_parser *p, uint8_t dir)
{
	struct app_flow *af = pc->af;
	af->proto = p->proto;
	af->parser = p;
	pc->out->proto = p->proto;
	pc->out->proto_detected = true;
	pc->ctx->stats.flows[p->proto]++;
	pc->ctx->stats.slot_flows[app_stat_slot_of(p->proto, pc->flow->ip_proto)]++;
	if (pc->cfg->proto[p->proto].detection_only) {
		af->stopped = true;
		return 0;
	}
	af->state = p->state_new ? p->state_new(pc) : NULL;
	if (p->state_new && !af->state) {
		app_parser_error(pc, APP_ERR_ALLOC);
		af->stopped = true;
		return -1;
	}
	return 0;
}

/* Hand what detection kept of one direction to the parser and drop the copy. */
static void app_detect_replay(struct app_parse_ctx *pc, uint8_t dir)
{
	struct app_detect_dir *d = &pc->af->det[dir];
	if (d->len)
		app_parse(pc, dir, d->buf, d->len, 0);
	if (d->failed && d->lost)
		d->pending_gap = true; /* what followed the kept bytes was not given to the parser */
	free(d->buf);
	d->buf = NULL;
	d->len = 0;
}

/*
 * A protocol matched on direction `dir`: set up the parser and give it, in time order as far as
 * it can be known, what detection kept and the new chunk. Requests come before responses, so
 * when the match is on the response side a pending request direction goes first.
 */
static int app_detect_matched(struct app_parse_ctx *pc, const struct app_parser *p, uint8_t dir,
			      const uint8_t *data, uint32_t len, uint32_t flags, bool reverse)
{
	if (reverse) {
		/* the flow's sides were guessed wrong: exchange them everywhere, then go on as if
		 * the data had come the other way (what detection kept moves with it) */
		struct app_flow *af = pc->af;
		struct app_detect_dir d = af->det[0];
		af->det[0] = af->det[1];
		af->det[1] = d;
		pc->ctx->reverse(pc->flow, pc->ctx->reverse_user);
		pc->out->reversed = true;
		dir ^= 1;
	}
	if (app_detect_done(pc, p, dir) < 0)
		return -1;
	/* The other direction's bytes seen so far go to this parser: it takes this protocol. One
	 * that sent nothing yet is detected on its own first bytes (app_detect_other_dir). */
	for (uint8_t i = 0; i < 2; i++) {
		struct app_detect_dir *d = &pc->af->det[i];
		if (i == dir || d->seen > 0) {
			d->done = true;
			d->proto = p->proto;
		}
	}
	pc->out->dirs_detected |= (uint8_t)(1u << dir);
	if (dir == FLOW_DIR_TO_CLIENT)
		app_detect_replay(pc, FLOW_DIR_TO_SERVER);
	app_detect_replay(pc, dir);
	app_parse(pc, dir, data, len, flags);
	if (dir == FLOW_DIR_TO_SERVER)
		app_detect_replay(pc, FLOW_DIR_TO_CLIENT);
	return 0;
}

/*
 * Give up when both directions failed. A direction that failed while the other sent nothing
 * yet waits for it, as Suricata detects per direction: a server may answer junk with a
 * protocol it speaks (an HTTP error page). `at_end`: the flow is ending, nothing more comes.
 */
static void app_detect_check_failed(struct app_parse_ctx *pc, bool at_end)
{
	struct app_flow *af = pc->af;
	struct app_detect_dir *d0 = &af->det[0], *d1 = &af->det[1];
	bool pending0 = !d0->failed && (d0->seen > 0 || !at_end);
	bool pending1 = !d1->failed && (d1->seen > 0 || !at_end);
	if ((d0->failed || d1->failed) && !pending0 && !pending1) {
		af->proto = APP_PROTO_FAILED;
		af->stopped = true;
		pc->out->proto = APP_PROTO_FAILED;
		pc->out->proto_detected = true;
		pc->ctx->stats.flows[APP_PROTO_FAILED]++;
		pc->ctx->stats.slot_flows[app_stat_slot_of(APP_PROTO_FAILED,
							    pc->flow->ip_proto)]++;
		for (int i = 0; i < 2; i++) {
			free(af->det[i].buf);
			af->det[i].buf = NULL;
			af->det[i].len = 0;
		}
	}
}

/*
 * Keep a TCP direction's bytes (at most detect_max_bytes) while detection cannot use them: when
 * the other direction finds the protocol they are replayed into its parser, as Suricata hands a
 * parser the data of a direction that failed detection (a junk request before an HTTP error
 * response). What does not fit is dropped and counts as a gap.
 */
static void app_detect_keep(struct app_parse_ctx *pc, struct app_detect_dir *d,
			    const uint8_t *data, uint32_t len)
{
	uint32_t cap = pc->ctx->cfg.detect_max_bytes ? pc->ctx->cfg.detect_max_bytes : 4096;
	if (pc->flow->ip_proto == 17 || d->lost || len == 0)
		return;
	if (!d->buf) {
		d->buf = malloc(cap);
		if (!d->buf) {
			pc->ctx->stats.memcap_hits++;
			d->lost = true;
			return;
		}
		d->len = 0;
	}
	uint32_t take = len < cap - d->len ? len : cap - d->len;
	memcpy(d->buf + d->len, data, take);
	d->len += take;
	if (take < len)
		d->lost = true;
}

static void app_detect_fail_dir(struct app_parse_ctx *pc, uint8_t dir)
{
	struct app_detect_dir *d = &pc->af->det[dir];
	d->failed = true;
	if (pc->flow->ip_proto == 17) {
		free(d->buf);
		d->buf = NULL;
		d->len = 0;
	}
	app_detect_check_failed(pc, false);
	if (pc->af->proto == APP_PROTO_FAILED)
		pc->out->dirs_detected |= (uint8_t)(1u << dir);
}

/* Detection for one direction's new bytes. Parses them too once a protocol matched. */
static int app_detect(struct app_parse_ctx *pc, uint8_t dir, const uint8_t *data, uint32_t len,
		      uint32_t flags)
{
	struct app_ctx *ctx = pc->ctx;
	struct app_flow *af = pc->af;
	struct app_detect_dir *d = &af->det[dir];
	const struct app_parser *match = NULL;
	bool reverse = false;
	uint32_t cap = ctx->cfg.detect_max_bytes ? ctx->cfg.detect_max_bytes : 4096;
	bool udp = pc->flow->ip_proto == 17;

	if (d->failed) {
		/* Nothing more to learn from this direction; the other one may still match and
		 * then parses what was kept. */
		if (flags & APP_F_GAP)
			d->lost = true;
		d->seen += len;
		app_detect_keep(pc, d, data, len);
		return 0;
	}
	if ((flags & APP_F_GAP) && d->seen > 0) {
		d->lost = true;
		app_detect_fail_dir(pc, dir);
		return 0;
	}
	if (len == 0) {
		if ((flags & APP_F_EOF) && d->seen > 0)
			app_detect_fail_dir(pc, dir);
		return 0;
	}
	d->seen += len;

	if (udp || d->len == 0) {
		enum app_probe r = app_detect_probe(pc, dir, data, len, &match, &reverse);
		if (r == APP_PROBE_MATCH)
			return app_detect_matched(pc, match, dir, data, len, flags, reverse);
		if (r == APP_PROBE_NOMATCH || udp || len >= cap || (flags & APP_F_EOF)) {
			app_detect_keep(pc, d, data, len);
			app_detect_fail_dir(pc, dir);
			return 0;
		}
		d->buf = malloc(cap);
		if (!d->buf) {
			ctx->stats.memcap_hits++;
			app_detect_fail_dir(pc, dir);
			return -1;
		}
		memcpy(d->buf, data, len);
		d->len = len;
		return 0;
	}

	/* Probe what was kept plus the new bytes (as much as fits under the cap). */
	uint32_t old = d->len;
	uint32_t take = len < cap - old ? len : cap - old;
	memcpy(d->buf + old, data, take);
	d->len += take;
	if (take < len)
		d->lost = true; /* kept for a replay if the other direction finds the protocol */
	enum app_probe r = app_detect_probe(pc, dir, d->buf, d->len, &match, &reverse);
	if (r == APP_PROBE_MATCH) {
		/* Replay only the old bytes from the buffer, then the whole new chunk. */
		d->len = old;
		return app_detect_matched(pc, match, dir, data, len, flags, reverse);
	}
	if (r == APP_PROBE_NOMATCH || d->len >= cap || (flags & APP_F_EOF))
		app_detect_fail_dir(pc, dir);
	return 0;
}

/*
 * The flow's protocol is known, and direction `dir` sends its first bytes: detect them on their
 * own, as Suricata runs detection per direction. When they are another protocol (a client
 * speaking HTTP to an SSH server, which answers with its banner) the direction records it and
 * the event applayer_mismatch_protocol_both_directions is raised; the flow stays with the
 * protocol whose parser already has data, and these bytes go to that parser too. Bytes too few
 * to tell, or no match: the direction takes the flow's protocol.
 */
static void app_detect_other_dir(struct app_parse_ctx *pc, uint8_t dir, const uint8_t *data,
				 uint32_t len, uint32_t flags)
{
	struct app_flow *af = pc->af;
	struct app_detect_dir *d = &af->det[dir];
	const struct app_parser *match = NULL;
	d->done = true;
	d->proto = (uint8_t)af->proto;
	pc->out->dirs_detected |= (uint8_t)(1u << dir);
	if (af->proto == APP_PROTO_FAILED || (flags & APP_F_GAP))
		return;
	if (app_detect_probe_dir(pc->ctx, pc->flow, dir, data, len, &match) != APP_PROBE_MATCH ||
	    match->proto == af->proto)
		return;
	d->proto = (uint8_t)match->proto;
	app_event_raise(pc, NULL, APP_EVENT_MISMATCH_PROTOCOL_BOTH_DIRECTIONS);
}

/* ---- entry points ------------------------------------------------------------------------ */

static struct app_flow *app_flow_get(struct app_ctx *ctx, struct flow *flow)
{
	if (flow->app)
		return flow->app;
	struct app_flow *af = calloc(1, sizeof(*af));
	if (!af) {
		ctx->stats.memcap_hits++;
		return NULL;
	}
	flow->app = af;
	return af;
}

int app_handle_data(struct app_ctx *ctx, struct flow *flow, uint8_t dir, const uint8_t *data,
		    uint32_t len, uint32_t flags, uint64_t ts_usec, struct app_result *out)
{
	struct app_flow *af = app_flow_get(ctx, flow);
	app_result_reset(ctx, af, out);
	if (!af)
		return -1;
	ctx->call_seq++;
	app_flow_gc(ctx, af);
	dir &= 1;
	if (!data)
		len = 0;
	uint32_t stall = dir == FLOW_DIR_TO_SERVER ? FLOW_F_APP_STALL_TS : FLOW_F_APP_STALL_TC;
	if ((flags & APP_F_GAP) && (flow->flags & stall))
		af->det[dir].stalled = true;
	if (af->det[dir].stalled) {
		/* The stream stage went past a hole only for the raw-stream rules: the parsers
		 * wait at it, as Suricata's do; app_flow_finish still closes the direction. */
		out->proto = af->proto;
		return 0;
	}
	if (flags & APP_F_GAP)
		ctx->stats.gaps++;

	struct app_parse_ctx pc = {
		.cfg = &ctx->cfg, .flow = flow, .ts_usec = ts_usec, .ctx = ctx, .af = af, .out = out,
	};
	int rc = 0;
	if (af->proto != APP_PROTO_UNKNOWN && !af->det[dir].done && len > 0)
		app_detect_other_dir(&pc, dir, data, len, flags);
	if (af->proto == APP_PROTO_UNKNOWN)
		rc = app_detect(&pc, dir, data, len, flags);
	else if (af->parser && !af->stopped)
		rc = app_parse(&pc, dir, data, len, flags);
	out->proto = af->proto;
	return rc;
}

void app_flow_finish(struct app_ctx *ctx, struct flow *flow, struct app_result *out)
{
	struct app_flow *af = flow ? flow->app : NULL;
	app_result_reset(ctx, af, out);
	if (!af)
		return;
	ctx->call_seq++;
	app_flow_gc(ctx, af);
	struct app_parse_ctx pc = {
		.cfg = &ctx->cfg, .flow = flow, .ctx = ctx, .af = af, .out = out,
	};
	/* a direction that failed detection while the other stayed silent: the flow failed */
	if (af->proto == APP_PROTO_UNKNOWN)
		app_detect_check_failed(&pc, true);
	/* Let the parser close what EOF completes (a body delimited by the connection's end). */
	for (uint8_t dir = 0; dir < 2; dir++)
		if (af->parser && !af->stopped)
			app_parse(&pc, dir, NULL, 0, APP_F_EOF);
	for (struct app_tx *tx = af->tx_head; tx; tx = tx->next) {
		if (app_tx_is_complete(tx))
			continue;
		tx->flags |= APP_TX_F_EOF;
		app_tx_set_complete(&pc, tx, FLOW_DIR_TO_SERVER);
		app_tx_set_complete(&pc, tx, FLOW_DIR_TO_CLIENT);
	}
	out->proto = af->proto;
}
