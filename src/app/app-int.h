/*
 * app-int.h — what the protocol parsers of src/app/ share with the app-layer core (app.c) and
 * nothing else includes: the parser registration entry, the parse context handed to a parser,
 * and the helpers a parser uses to create transactions, move them forward and raise events.
 *
 * Adding a protocol: write src/app/<proto>.c defining `const struct app_parser app_parser_<proto>`,
 * add its enum app_proto value and one line to the table in app.c.
 */
#ifndef AEGIS_APP_INT_H
#define AEGIS_APP_INT_H

#include "app/app.h"

/* Probe results. */
enum app_probe {
	APP_PROBE_NOMATCH = 0, /* not this protocol (in this direction) */
	APP_PROBE_MATCH,       /* this protocol */
	APP_PROBE_NEED_MORE,   /* too few bytes to say; call again with more */
};

/* app_parser.ipprotos */
#define APP_IPPROTO_TCP 0x01
#define APP_IPPROTO_UDP 0x02

/* app_parser.flags */
#define APP_PARSER_F_PORT_ONLY 0x01 /* probe only when sp or dp is a detection port (DNS) */
#define APP_PARSER_F_NO_GAPS   0x02 /* cannot resync after lost bytes: a gap counts as an error
				     * (stats.app_layer.error.<proto>.gap), as for Suricata's
				     * parsers without the accept-gaps option (TLS) */
#define APP_PARSER_F_STATE_TX  0x04 /* the flow's one transaction lives as long as its state and
				     * is not counted in stats.app_layer.tx (Suricata's TLS) */

/* What app_parser_error counts (stats.app_layer.error.<proto>.*). */
enum app_error_kind {
	APP_ERR_GAP = 0,
	APP_ERR_ALLOC,
	APP_ERR_PARSER,    /* malformed data made the parser give up (a direction or the flow) */
	APP_ERR_INTERNAL,
};

/* Per-call context handed to parsers. Parsers read cfg/flow/ts_usec; the rest is the core's. */
struct app_parse_ctx {
	const struct app_config *cfg;
	struct flow *flow;
	uint64_t ts_usec;
	struct app_ctx *ctx;         /* core: result array, stats */
	struct app_flow *af;         /* core: the flow's app state */
	struct app_result *out;
};

struct app_parser {
	enum app_proto proto;
	const char *name;            /* as app_proto_name() */
	uint8_t ipprotos;            /* APP_IPPROTO_* this parser handles */
	uint8_t flags;               /* APP_PARSER_F_* */
	uint16_t default_ports[4];   /* detection-ports default (0-terminated) */
	/*
	 * Does `data` (the first `len` bytes of direction `dir`; for UDP one datagram) look like this
	 * protocol? Must only read data[0..len).
	 */
	enum app_probe (*probe)(const uint8_t *data, uint32_t len, uint8_t dir, uint8_t ip_proto);
	/* Per-flow parser state; NULL on allocation failure. */
	void *(*state_new)(struct app_parse_ctx *pc);
	void (*state_free)(void *state);
	/*
	 * Parse the next bytes of `dir` (TCP: stream order, any split; UDP: one datagram). `flags`
	 * are APP_F_GAP / APP_F_EOF. Returns 0, or -1 to stop parsing this flow (the core raises
	 * no further calls). Never reads outside data[0..len).
	 */
	int (*parse)(struct app_parse_ctx *pc, void *state, uint8_t dir, const uint8_t *data,
		     uint32_t len, uint32_t flags);
	/* Free a transaction's proto_tx. */
	void (*tx_free)(void *proto_tx);
	/* Sticky buffers of one of this protocol's transactions (see app_tx_get_buffer). */
	int (*get_buffer)(const struct app_tx *tx, enum app_buffer b, uint8_t dir, uint32_t index,
			  const uint8_t **data, uint32_t *len);
};

extern const struct app_parser app_parser_http;
extern const struct app_parser app_parser_dns;
extern const struct app_parser app_parser_tls;
extern const struct app_parser app_parser_ssh;

/* ssh.c: locate the versions in an SSH identification line (b->line, b->len); 0 and b->done
 * set, or -1 when it is not "SSH-proto-software[ comments]". */
int ssh_banner_parse(struct ssh_banner *b);

/*
 * Append a new transaction owning `proto_tx` to the flow (tx_id assigned, reported as NEW).
 * NULL when the flow already holds max-tx transactions (an event is raised) or on allocation
 * failure; the caller still owns proto_tx then.
 */
struct app_tx *app_tx_new(struct app_parse_ctx *pc, void *proto_tx);
/* Report a transaction as progressed (its buffers changed). */
void app_tx_touch(struct app_parse_ctx *pc, struct app_tx *tx);
/* Direction `dir` of the transaction is finished; when both are, it is reported COMPLETED. */
void app_tx_set_complete(struct app_parse_ctx *pc, struct app_tx *tx, uint8_t dir);
/* Raise an event on a transaction (tx NULL: on the flow). Recorded once per tx and event. */
void app_event_raise(struct app_parse_ctx *pc, struct app_tx *tx, enum app_event ev);
/* A unit of direction dir ended (HTTP message, TLS record): its raw stream data is to be
 * inspected now (app_result.raw_trigger; Suricata's AppLayerParserTriggerRawStreamReassembly). */
void app_raw_trigger(struct app_parse_ctx *pc, uint8_t dir);

/* A parser met an error of `kind` on this flow: counted once per call of the parser's protocol
 * and transport (the parser decides whether it goes on). */
void app_parser_error(struct app_parse_ctx *pc, enum app_error_kind kind);

/*
 * The parser hands the flow over: what follows the current chunk is another protocol, found by
 * detection anew (HTTP CONNECT answered 2xx: a tunnel, usually TLS). The parser returns -1 from
 * this call and is not called again; its transactions stay. Once per flow, as Suricata;
 * app_flow_proto_orig() then names the first protocol.
 */
void app_request_proto_change(struct app_parse_ctx *pc);

/* The flow's transactions, oldest first (the parser may walk them; freed ones are gone). */
struct app_tx *app_pc_tx_first(struct app_parse_ctx *pc);
struct app_tx *app_pc_tx_last(struct app_parse_ctx *pc);

/* ---- URI normalisation (uri-normalize.c) ------------------------------------------------ */

/* Findings of the normaliser (reported by the HTTP parser as events). */
#define URI_NORM_F_INVALID_ENCODING 0x01 /* bad %xx / %uxxxx (kept as is) */
#define URI_NORM_F_DOUBLE_ENCODED   0x02 /* a decoded %25 followed by hex digits */
#define URI_NORM_F_OVERLONG_UTF8    0x04 /* overlong UTF-8 sequence in the decoded path */
#define URI_NORM_F_NUL              0x08 /* %00 decoded */
#define URI_NORM_F_UTF8_INVALID     0x10 /* invalid UTF-8 after decoding */

struct uri_norm_opts {
	bool double_decode_path;
	bool double_decode_query;
	bool u_encoding;              /* decode %uHHHH (IIS style), default yes as Suricata */
	bool backslash_separators;    /* treat '\' as '/' in the path (default no) */
};

/*
 * Normalise a request URI as Suricata's http.uri: for absolute URIs the scheme and authority
 * are removed; the path is percent-decoded (%2F kept encoded as libhtp does), %uHHHH decoded,
 * dot segments and repeated slashes removed; the query is percent-decoded except that it keeps
 * its structure. Output goes to out (cap bytes, never more than len + 1 needed). Returns the
 * output length and sets *findings (URI_NORM_F_*).
 */
uint32_t uri_normalize(const uint8_t *in, uint32_t len, const struct uri_norm_opts *o,
		       uint8_t *out, uint32_t cap, unsigned *findings);

#endif /* AEGIS_APP_INT_H */
