/*
 * app.h — the app-layer stage's public door: protocol detection on any port (HTTP, DNS, TLS),
 * the per-protocol parsers behind one registration table, and the transactions they produce
 * (the unit the detect stage inspects and the output stage logs, as in Suricata).
 *
 * Inputs are the bytes of one direction of a flow, in order: for TCP the contiguous chunks the
 * stream stage hands over (with gap/eof flags), for UDP each datagram's payload. Everything is
 * per worker thread (struct app_ctx) and per flow (flow->app); nothing here takes locks.
 *
 * Memory is bounded: every buffer a parser keeps has a limit from aegis.yaml (line length,
 * header count, body limits, transactions per flow); going over a limit raises an app-layer
 * event (Suricata's names, see rules/http-events.rules) and never aborts.
 *
 * Sections marked "DNS/TLS" are filled by the DNS and TLS parsers (src/app/dns.c, tls.c).
 */
#ifndef AEGIS_APP_H
#define AEGIS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/flow.h"

struct conf;

/* ---- protocols -------------------------------------------------------------------------- */

/* EVE's app_proto values. UNKNOWN = detection still running, FAILED = gave up. */
enum app_proto {
	APP_PROTO_UNKNOWN = 0,
	APP_PROTO_HTTP,
	APP_PROTO_DNS,
	APP_PROTO_TLS,
	APP_PROTO_SSH,
	APP_PROTO_FAILED,
	APP_PROTO_MAX
};

/* "http", "dns", "tls", "ssh", "failed"; NULL for UNKNOWN (EVE then omits app_proto). */
const char *app_proto_name(enum app_proto p);
/* Inverse of app_proto_name ("http" -> APP_PROTO_HTTP); APP_PROTO_UNKNOWN if not a name. */
enum app_proto app_proto_by_name(const char *name);

/* ---- configuration (app-layer.* of suricata.yaml) ---------------------------------------- */

#define APP_MAX_PORTS 16

struct app_proto_config {
	bool enabled;           /* app-layer.protocols.X.enabled (yes/no/detection-only) */
	bool detection_only;    /* "detection-only": detect, don't parse */
	uint16_t ports[APP_MAX_PORTS]; /* detection-ports.dp: port hints (tried first) */
	uint8_t n_ports;
};

struct app_http_config {
	uint64_t request_body_limit;   /* libhtp.default-config.request-body-limit, default 100 KiB */
	uint64_t response_body_limit;  /* ...response-body-limit, default 100 KiB */
	uint32_t field_limit;          /* longest request/status/header line kept, default 18000 */
	uint32_t headers_limit;        /* most headers per message, default 1024 */
	uint32_t max_tx;               /* ...max-tx: transactions held per flow, default 512 */
	uint64_t decompress_limit;     /* ...compression-bomb-limit: decompressed bytes, 1 MiB */
	bool decompress;               /* gunzip/inflate response bodies (default yes) */
	bool double_decode_path;       /* ...double-decode-path (default no) */
	bool double_decode_query;      /* ...double-decode-query (default no) */
	bool uri_include_all;          /* ...uri-include-all: scheme+host in http.uri (default no) */
};

/* DNS/TLS: options of the DNS and TLS parsers (read by app_config_from_conf). */
struct app_dns_config {
	bool tcp_enabled;              /* app-layer.protocols.dns.tcp.enabled (default yes) */
	bool udp_enabled;              /* app-layer.protocols.dns.udp.enabled (default yes) */
};

struct app_tls_config {
	bool ja3;                      /* app-layer.protocols.tls.ja3-fingerprints: yes */
	bool ja4;                      /* app-layer.protocols.tls.ja4-fingerprints: yes */
	/* "auto" (Suricata's default, also when the key is absent): off until
	 * app_config_rules_use_buffer() says a loaded rule uses them; ja3/ja4 then become true
	 * (computed, and logged), as Suricata turns them on for such a rule. */
	bool ja3_auto;
	bool ja4_auto;
};

/*
 * File tracking (file.c): which digests are computed over each file's bytes. Suricata computes
 * them when outputs.eve-log.types.files.force-hash (or file-store.force-hash) lists them, and
 * sha256 whenever file-store version 2 is enabled (it names stored files by their sha256).
 * Set by the runmode from those settings; app_config_defaults leaves every digest off.
 */
#define APP_FILE_HASH_MD5    0x01
#define APP_FILE_HASH_SHA1   0x02
#define APP_FILE_HASH_SHA256 0x04

struct app_file_config {
	uint8_t hashes;                /* APP_FILE_HASH_* */
};

struct app_config {
	struct app_proto_config proto[APP_PROTO_MAX]; /* indexed by enum app_proto */
	uint32_t detect_max_bytes;     /* bytes per direction before detection gives up, 4096 */
	struct app_http_config http;
	struct app_dns_config dns;
	struct app_tls_config tls;
	struct app_file_config files;
};

void app_config_defaults(struct app_config *cfg);
/* Read app-layer.* (Suricata's keys). -1 with "file:line:col: error: ..." in err. */
int app_config_from_conf(struct app_config *cfg, const struct conf *c, char *err, size_t errlen);

/* ---- events ------------------------------------------------------------------------------ */

/*
 * App-layer events, named as the `app-layer-event:` keyword takes them. Generic detection events
 * have no protocol prefix (app-layer-events.rules); the others are "proto.event".
 */
#define APP_EVENTS_GENERIC(X)                                                                 \
	X(MISMATCH_PROTOCOL_BOTH_DIRECTIONS, "applayer_mismatch_protocol_both_directions")    \
	X(WRONG_DIRECTION_FIRST_DATA, "applayer_wrong_direction_first_data")                  \
	X(DETECT_PROTOCOL_ONLY_ONE_DIRECTION, "applayer_detect_protocol_only_one_direction")  \
	X(PROTO_DETECTION_SKIPPED, "applayer_proto_detection_skipped")                        \
	X(UNEXPECTED_PROTOCOL, "applayer_unexpected_protocol")

#define APP_EVENTS_HTTP(X)                                                                    \
	X(HTTP_UNKNOWN_ERROR, "http.unknown_error")                                           \
	X(HTTP_GZIP_DECOMPRESSION_FAILED, "http.gzip_decompression_failed")                   \
	X(HTTP_REQUEST_FIELD_MISSING_COLON, "http.request_field_missing_colon")               \
	X(HTTP_RESPONSE_FIELD_MISSING_COLON, "http.response_field_missing_colon")             \
	X(HTTP_INVALID_REQUEST_CHUNK_LEN, "http.invalid_request_chunk_len")                   \
	X(HTTP_INVALID_RESPONSE_CHUNK_LEN, "http.invalid_response_chunk_len")                 \
	X(HTTP_INVALID_TE_REQUEST, "http.invalid_transfer_encoding_value_in_request")         \
	X(HTTP_INVALID_TE_RESPONSE, "http.invalid_transfer_encoding_value_in_response")       \
	X(HTTP_INVALID_CL_REQUEST, "http.invalid_content_length_field_in_request")            \
	X(HTTP_INVALID_CL_RESPONSE, "http.invalid_content_length_field_in_response")          \
	X(HTTP_100_CONTINUE_ALREADY_SEEN, "http.100_continue_already_seen")                   \
	X(HTTP_UNABLE_TO_MATCH_RESPONSE, "http.unable_to_match_response_to_request")          \
	X(HTTP_INVALID_SERVER_PORT_IN_REQUEST, "http.invalid_server_port_in_request")         \
	X(HTTP_INVALID_AUTHORITY_PORT, "http.invalid_authority_port")                         \
	X(HTTP_REQUEST_HEADER_INVALID, "http.request_header_invalid")                         \
	X(HTTP_RESPONSE_HEADER_INVALID, "http.response_header_invalid")                       \
	X(HTTP_MISSING_HOST_HEADER, "http.missing_host_header")                               \
	X(HTTP_HOST_HEADER_AMBIGUOUS, "http.host_header_ambiguous")                           \
	X(HTTP_INVALID_REQUEST_FIELD_FOLDING, "http.invalid_request_field_folding")           \
	X(HTTP_INVALID_RESPONSE_FIELD_FOLDING, "http.invalid_response_field_folding")         \
	X(HTTP_REQUEST_FIELD_TOO_LONG, "http.request_field_too_long")                         \
	X(HTTP_RESPONSE_FIELD_TOO_LONG, "http.response_field_too_long")                       \
	X(HTTP_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH,                                          \
	  "http.request_server_port_tcp_port_mismatch")                                       \
	X(HTTP_REQUEST_URI_HOST_INVALID, "http.request_uri_host_invalid")                     \
	X(HTTP_REQUEST_HEADER_HOST_INVALID, "http.request_header_host_invalid")               \
	X(HTTP_URI_DELIM_NON_COMPLIANT, "http.uri_delim_non_compliant")                       \
	X(HTTP_METHOD_DELIM_NON_COMPLIANT, "http.method_delim_non_compliant")                 \
	X(HTTP_REQUEST_LINE_LEADING_WHITESPACE, "http.request_line_leading_whitespace")       \
	X(HTTP_TOO_MANY_ENCODING_LAYERS, "http.too_many_encoding_layers")                     \
	X(HTTP_ABNORMAL_CE_HEADER, "http.abnormal_ce_header")                                 \
	X(HTTP_REQUEST_HEADER_REPETITION, "http.request_header_repetition")                   \
	X(HTTP_RESPONSE_HEADER_REPETITION, "http.response_header_repetition")                 \
	X(HTTP_RESPONSE_ABNORMAL_TE, "http.response_abnormal_transfer_encoding")              \
	X(HTTP_RESPONSE_CHUNKED_OLD_PROTO, "http.response_chunked_old_proto")                 \
	X(HTTP_RESPONSE_INVALID_PROTOCOL, "http.response_invalid_protocol")                   \
	X(HTTP_RESPONSE_INVALID_STATUS, "http.response_invalid_status")                       \
	X(HTTP_REQUEST_LINE_INCOMPLETE, "http.request_line_incomplete")                       \
	X(HTTP_DOUBLE_ENCODED_URI, "http.double_encoded_uri")                                 \
	X(HTTP_REQUEST_LINE_INVALID, "http.request_line_invalid")                             \
	X(HTTP_REQUEST_BODY_UNEXPECTED, "http.request_body_unexpected")                       \
	X(HTTP_DUPLICATE_CL_REQUEST, "http.duplicate_content_length_field_in_request")        \
	X(HTTP_DUPLICATE_CL_RESPONSE, "http.duplicate_content_length_field_in_response")      \
	X(HTTP_COMPRESSION_BOMB, "http.compression_bomb")                                     \
	X(HTTP_TOO_MANY_WARNINGS, "http.too_many_warnings")                                   \
	X(HTTP_FAILED_PROTOCOL_CHANGE, "http.failed_protocol_change")                         \
	X(HTTP_REQUEST_CHUNK_EXTENSION, "http.request_chunk_extension")                       \
	X(HTTP_REQUEST_LINE_MISSING_PROTOCOL, "http.request_line_missing_protocol")           \
	X(HTTP_REQUEST_TOO_MANY_HEADERS, "http.request_too_many_headers")                     \
	X(HTTP_RESPONSE_TOO_MANY_HEADERS, "http.response_too_many_headers")                   \
	X(HTTP_RESPONSE_CHUNK_EXTENSION, "http.response_chunk_extension")                     \
	X(HTTP_URI_OVERLONG_UTF8, "http.uri_overlong_utf8")                                   \
	X(HTTP_URI_INVALID_ENCODING, "http.uri_invalid_encoding")                             \
	X(HTTP_TOO_MANY_TRANSACTIONS, "http.too_many_transactions")

/* DNS/TLS: events of the DNS parser (rules/dns-events.rules). */
#define APP_EVENTS_DNS(X)                                                                     \
	X(DNS_MALFORMED_DATA, "dns.malformed_data")                                           \
	X(DNS_NOT_REQUEST, "dns.not_request")                                                 \
	X(DNS_NOT_RESPONSE, "dns.not_response")                                               \
	X(DNS_Z_FLAG_SET, "dns.z_flag_set")                                                   \
	X(DNS_INVALID_OPCODE, "dns.invalid_opcode")                                           \
	X(DNS_NAME_TOO_LONG, "dns.name_too_long")                                             \
	X(DNS_INFINITE_LOOP, "dns.infinite_loop")                                             \
	X(DNS_TOO_MANY_LABELS, "dns.too_many_labels")                                         \
	X(DNS_INVALID_ADDITIONALS, "dns.invalid_additionals")                                 \
	X(DNS_INVALID_AUTHORITIES, "dns.invalid_authorities")

/* DNS/TLS: events of the TLS parser (rules/tls-events.rules). */
#define APP_EVENTS_TLS(X)                                                                     \
	X(TLS_INVALID_SSLV2_HEADER, "tls.invalid_sslv2_header")                               \
	X(TLS_INVALID_TLS_HEADER, "tls.invalid_tls_header")                                   \
	X(TLS_INVALID_RECORD_VERSION, "tls.invalid_record_version")                           \
	X(TLS_INVALID_RECORD_TYPE, "tls.invalid_record_type")                                 \
	X(TLS_INVALID_HANDSHAKE_MESSAGE, "tls.invalid_handshake_message")                     \
	X(TLS_INVALID_CERTIFICATE, "tls.invalid_certificate")                                 \
	X(TLS_CERTIFICATE_INVALID_LENGTH, "tls.certificate_invalid_length")                   \
	X(TLS_ERROR_MESSAGE_ENCOUNTERED, "tls.error_message_encountered")                     \
	X(TLS_INVALID_SSL_RECORD, "tls.invalid_ssl_record")                                   \
	X(TLS_HEARTBEAT_MESSAGE, "tls.heartbeat_message")                                     \
	X(TLS_OVERFLOW_HEARTBEAT_MESSAGE, "tls.overflow_heartbeat_message")                   \
	X(TLS_INVALID_HEARTBEAT_MESSAGE, "tls.invalid_heartbeat_message")                     \
	X(TLS_DATALEAK_HEARTBEAT_MISMATCH, "tls.dataleak_heartbeat_mismatch")                 \
	X(TLS_MULTIPLE_SNI_EXTENSIONS, "tls.multiple_sni_extensions")                         \
	X(TLS_INVALID_SNI_TYPE, "tls.invalid_sni_type")                                       \
	X(TLS_INVALID_SNI_LENGTH, "tls.invalid_sni_length")                                   \
	X(TLS_HANDSHAKE_INVALID_LENGTH, "tls.handshake_invalid_length")                       \
	X(TLS_TOO_MANY_RECORDS_IN_PACKET, "tls.too_many_records_in_packet")                   \
	X(TLS_CERTIFICATE_INVALID_VERSION, "tls.certificate_invalid_version")                 \
	X(TLS_CERTIFICATE_INVALID_SERIAL, "tls.certificate_invalid_serial")                   \
	X(TLS_CERTIFICATE_INVALID_ALGORITHMIDENTIFIER,                                         \
	  "tls.certificate_invalid_algorithmidentifier")                                      \
	X(TLS_CERTIFICATE_INVALID_X509NAME, "tls.certificate_invalid_x509name")               \
	X(TLS_CERTIFICATE_INVALID_DATE, "tls.certificate_invalid_date")                       \
	X(TLS_CERTIFICATE_INVALID_EXTENSIONS, "tls.certificate_invalid_extensions")           \
	X(TLS_CERTIFICATE_INVALID_DER, "tls.certificate_invalid_der")                         \
	X(TLS_CERTIFICATE_INVALID_SUBJECT, "tls.certificate_invalid_subject")                 \
	X(TLS_CERTIFICATE_INVALID_ISSUER, "tls.certificate_invalid_issuer")                   \
	X(TLS_CERTIFICATE_INVALID_VALIDITY, "tls.certificate_invalid_validity")               \
	X(TLS_INVALID_ALERT_MESSAGE, "tls.invalid_alert_message")

/* Events of the SSH parser (Suricata's rules/ssh-events.rules). */
#define APP_EVENTS_SSH(X)                                                                     \
	X(SSH_INVALID_BANNER, "ssh.invalid_banner")                                           \
	X(SSH_LONG_BANNER, "ssh.long_banner")                                                 \
	X(SSH_INVALID_RECORD_LENGTH, "ssh.invalid_record_length")

enum app_event {
	APP_EVENT_NONE = 0,
#define APP_EVENT_ENUM(id, name) APP_EVENT_##id,
	APP_EVENTS_GENERIC(APP_EVENT_ENUM)
	APP_EVENTS_HTTP(APP_EVENT_ENUM)
	APP_EVENTS_DNS(APP_EVENT_ENUM)
	APP_EVENTS_TLS(APP_EVENT_ENUM)
	APP_EVENTS_SSH(APP_EVENT_ENUM)
#undef APP_EVENT_ENUM
	APP_EVENT_MAX
};

/* "http.request_field_too_long"; "?" when out of range. */
const char *app_event_name(enum app_event ev);
/* The app-layer-event keyword's argument -> event; APP_EVENT_NONE if unknown. */
enum app_event app_event_lookup(const char *name);

/* ---- transactions ------------------------------------------------------------------------ */

#define APP_TX_MAX_EVENTS 8

/* app_tx.flags */
#define APP_TX_F_LOGGED    0x01 /* the output stage logged it (set by app_tx_set_logged) */
#define APP_TX_F_EOF       0x02 /* closed by end of flow / gap, not by the protocol */

/*
 * One transaction: an HTTP request/response pair, a DNS query or response, the TLS session.
 * `progress` is protocol-specific (HTTP: enum http_progress); `complete[dir]` says that
 * direction of the transaction is finished (nothing more will be added to its buffers).
 */
struct app_tx {
	uint64_t tx_id;            /* 0, 1, 2, ... per flow */
	enum app_proto proto;
	uint8_t progress[2];       /* indexed by FLOW_DIR_* */
	bool complete[2];
	uint8_t flags;             /* APP_TX_F_* */
	uint8_t n_events;
	uint16_t events[APP_TX_MAX_EVENTS]; /* enum app_event, first ones raised on this tx */
	void *detect_state;        /* owned by the detect stage (freed through app_ctx's hook) */
	void *proto_tx;            /* struct http_tx / dns_tx / tls_state, per `proto` */
	struct app_tx *next;       /* internal: the flow's list */
};

/* Both directions done. */
static inline bool app_tx_is_complete(const struct app_tx *tx)
{
	return tx->complete[0] && tx->complete[1];
}

/* ---- files ------------------------------------------------------------------------------- */

/*
 * A file: the body of an HTTP message (responses always; POST/PUT requests), or one
 * multipart/form-data part with a filename — Suricata's file tracking and its EVE fileinfo.
 * Files live in their transaction and are freed with it. A file is OPEN while bytes arrive; it
 * ends CLOSED (complete), TRUNCATED (the message was cut short: flow end, a gap that could not be
 * sized, or any lost bytes inside it) or ERROR. `size` counts lost bytes too (Suricata's tracked
 * size); digests cover the bytes that arrived.
 */
enum app_file_state {
	APP_FILE_OPEN = 0,
	APP_FILE_CLOSED,
	APP_FILE_TRUNCATED,
	APP_FILE_ERROR,
};

/* app_file.flags */
#define APP_FILE_F_GAPS    0x01 /* bytes of the file were lost */
#define APP_FILE_F_LOGGED  0x02 /* the output stage wrote its fileinfo record */
#define APP_FILE_F_MD5     0x04 /* md5 holds the digest (state CLOSED; sha256 also when
				 * TRUNCATED: over the bytes that arrived, as Suricata) */
#define APP_FILE_F_SHA1    0x08
#define APP_FILE_F_SHA256  0x10

#define APP_FILE_NAME_MAX  4096 /* longer names are cut (as Suricata's SC_FILENAME_MAX) */

struct app_file_hashing;

struct app_file {
	uint8_t *name;                 /* as seen (not NUL-terminated), may be NULL with len 0 */
	uint16_t name_len;
	uint8_t dir;                   /* FLOW_DIR_*: the direction its bytes travel */
	uint8_t state;                 /* enum app_file_state */
	uint8_t flags;                 /* APP_FILE_F_* */
	uint32_t file_id;              /* 1, 2, ... per transaction, in opening order */
	uint64_t size;                 /* bytes seen plus bytes lost */
	uint8_t md5[16], sha1[20], sha256[32];
	struct app_file_hashing *hashing; /* digests in progress while OPEN */
	struct app_file *next;
};

/* "CLOSED", "TRUNCATED", "ERROR", "UNKNOWN" (open) — EVE's fileinfo.state. */
const char *app_file_state_name(uint8_t state);
/* The files of a transaction in direction dir (HTTP: request or response), oldest first. */
struct app_file *app_tx_files(const struct app_tx *tx, uint8_t dir);
/* The output stage wrote the file's record (it is not reported again). */
void app_file_set_logged(struct app_file *f);

/* ---- HTTP transaction -------------------------------------------------------------------- */

/* Per-direction progress of an HTTP transaction (app_tx.progress[dir]). */
enum http_progress {
	HTTP_PROGRESS_NONE = 0,
	HTTP_PROGRESS_LINE,        /* request/status line parsed */
	HTTP_PROGRESS_HEADERS,     /* all headers parsed */
	HTTP_PROGRESS_BODY,        /* (some) body seen */
	HTTP_PROGRESS_TRAILER,     /* chunked trailers being read */
	HTTP_PROGRESS_COMPLETE,
};

/* A header (name and value without surrounding whitespace; folded lines joined with a single
 * space; a repeated name is merged into its first occurrence, values joined with ", ", as libhtp
 * does, so http.header, http.request_header and EVE see one entry). */
struct http_header {
	uint8_t *name, *value;         /* one block: name ": " value NUL, so name[0 .. name_len +
					* 2 + value_len) is the "Name: value" line */
	uint32_t name_len, value_len;
};

/* A bounded byte buffer owned by the parser. */
struct http_buf {
	uint8_t *data;
	uint32_t len, cap;
};

struct http_multipart;

/* One direction's message (request or response). */
struct http_msg {
	struct http_buf line;          /* request/status line without CRLF */
	struct http_buf protocol;      /* "HTTP/1.1" (empty for HTTP/0.9 requests) */
	struct http_header *headers;   /* in wire order of first occurrence */
	uint32_t n_headers, cap_headers;
	struct http_buf headers_norm;  /* http.header: "Name: value\r\n" each (no Cookie/Set-Cookie) */
	struct http_buf headers_raw;   /* http.header.raw: header block as on the wire */
	struct http_buf header_names;  /* http.header_names: "\r\nName1\r\nName2\r\n\r\n" */
	struct http_buf start;         /* http.start: line, CRLF, "Name: value\r\n"..., CRLF */
	struct http_buf body;          /* de-chunked, decompressed, cut at the body limit */
	uint64_t body_len;             /* body bytes on the wire (before decompression) */
	uint64_t content_length;       /* Content-Length value (if has_content_length) */
	bool has_content_length;
	bool chunked;
	bool body_truncated;           /* more body than the limit: `body` holds the first part */
	struct app_file *files;        /* the message's files, oldest first (file.c) */
	struct app_file *open_file;    /* the one receiving bytes now, NULL if none */
	uint16_t n_files;
	bool files_setup;              /* the body's first bytes decided how files are made */
	struct http_multipart *multipart; /* multipart/form-data request body splitter, or NULL */
};

struct http_tx {
	struct http_msg req, resp;
	struct http_buf method;
	struct http_buf uri_raw;       /* http.uri.raw: as on the wire */
	struct http_buf uri;           /* http.uri: normalised (percent-decoding, path) */
	struct http_buf host;          /* http.host: lower-case, port stripped (from URI or Host) */
	struct http_buf host_raw;      /* http.host.raw: URI authority host, else Host value */
	int status;                    /* response status code, -1 if none */
	struct http_buf status_code;   /* http.stat_code text ("200") */
	struct http_buf status_msg;    /* http.stat_msg ("OK") */
	uint16_t http_port;            /* port in the Host header / URI, 0 if none */
	bool is_connect;               /* CONNECT: after a 2xx response the parser stops */
	bool is_head;                  /* HEAD: the response has no body */
	bool seen_100;                 /* an interim 1xx response was seen */
	uint32_t next_file_id;         /* the last app_file.file_id given in this transaction */
};

/* A header of a message by name (case-insensitive). NULL when absent. */
const struct http_header *http_msg_find_header(const struct http_msg *m, const char *name);

/* ---- DNS/TLS: DNS transaction ------------------------------------------------------------- */

/*
 * A DNS transaction is one query and the response matched to it by id (per flow for UDP and
 * TCP; a response with no matching query is a transaction of its own). Names and record data
 * live in the transaction's arena; `struct dns_str` locates them (dns_str_data()).
 * Names are the dotted label text without the trailing dot ("" for the root), bytes as on the
 * wire (not escaped). Limits: DNS_MAX_QUERIES / DNS_MAX_RRS entries per message (the rest is
 * counted, not kept), names longer than DNS_MAX_NAME_LEN are cut (dns.name_too_long).
 */
#define DNS_MAX_QUERIES   32
#define DNS_MAX_RRS       256
#define DNS_MAX_NAME_LEN  1025
#define DNS_MAX_LABELS    255

/* DNS header flag bits (dns_msg.flags) */
#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_Z  0x0040

enum dns_section { DNS_SEC_ANSWER = 0, DNS_SEC_AUTHORITY, DNS_SEC_ADDITIONAL };

struct dns_str {
	uint32_t off, len;            /* into dns_tx.arena */
};

struct dns_query {
	struct dns_str name;
	uint16_t rrtype, rrclass;
};

struct dns_rr {
	struct dns_str name;
	uint16_t rrtype, rrclass;
	uint32_t ttl;
	uint8_t section;              /* enum dns_section */
	/* A/AAAA: the 4/16 address bytes; CNAME/NS/PTR/MX: the name; SRV: the target; SOA: mname;
	 * TXT: the character-strings concatenated; NULL/OPT/others: the raw rdata. */
	struct dns_str data;
	struct dns_str data2;         /* SOA: rname */
	uint16_t pref, weight, port;  /* MX preference; SRV priority, weight, port */
	uint32_t soa[5];              /* SOA serial, refresh, retry, expire, minimum */
};

struct dns_msg {
	bool present;
	uint16_t id, flags;
	uint8_t opcode, rcode;
	uint16_t qdcount, ancount, nscount, arcount; /* as on the wire */
	struct dns_query *queries;
	uint16_t n_queries;
	struct dns_rr *rrs;           /* answers, then authorities, then additionals */
	uint16_t n_rrs;
	bool truncated;               /* more entries than kept, or the message ended early */
};

struct dns_tx {
	struct dns_msg req, resp;
	uint8_t *arena;
	uint32_t arena_len, arena_cap;
};

static inline const uint8_t *dns_str_data(const struct dns_tx *t, struct dns_str s)
{
	return t->arena ? t->arena + s.off : (const uint8_t *)"";
}

/* "A", "AAAA", "CNAME", ... for EVE and rules; NULL for types without a name. */
const char *dns_rrtype_name(uint16_t type);
/* rrtype by name (case-insensitive) or number text; -1 if unknown. */
int dns_rrtype_lookup(const char *name);
/* "NOERROR", "NXDOMAIN", ...; NULL for codes without a name. */
const char *dns_rcode_name(uint8_t rcode);

/* Values the detect stage compares (dns.opcode: the message of `dir`; dns.rrtype: the rrtype
 * of query `index` of that message). 0, or -1 when the transaction has no such message. */
int dns_tx_get_opcode(const struct app_tx *tx, uint8_t dir, uint8_t *opcode);
int dns_tx_get_rrtype(const struct app_tx *tx, uint8_t dir, uint32_t index, uint16_t *rrtype);

/* ---- DNS/TLS: TLS session ----------------------------------------------------------------- */

/* Record/handshake versions (tls_state.version). */
#define TLS_VERSION_SSL2  0x0200
#define TLS_VERSION_SSL3  0x0300
#define TLS_VERSION_10    0x0301
#define TLS_VERSION_11    0x0302
#define TLS_VERSION_12    0x0303
#define TLS_VERSION_13    0x0304

#define TLS_MAX_CERTS     16
#define TLS_MAX_SANS      256

struct tls_bytes {
	uint8_t *p;
	uint32_t len;
};

/* One certificate of the server's chain (TLS <= 1.2: 1.3 certificates are encrypted). */
struct tls_cert;
/* The SHA-1 fingerprint of a certificate's DER, "db:a7:..." lower-case (59 characters), computed
 * on the first call and kept; "" when the certificate has no bytes. */
const char *tls_cert_fingerprint(const struct tls_cert *c);

struct tls_cert {
	uint8_t *der;                 /* the certificate as sent (tls.certs) */
	uint32_t der_len;
	char *subject;                /* "C=US, O=Let's Encrypt, CN=R3" (NULL if not parsed) */
	char *issuer;
	char *serial;                 /* "03:C5:6F:..." upper-case hex */
	char fingerprint[60];         /* read it with tls_cert_fingerprint(): filled on first use */
	int64_t not_before, not_after; /* seconds since the epoch (UTC) */
	bool valid;                   /* the DER parsed */
	/* subjectAltName dNSName entries as sent (bytes, not NUL-terminated; a NUL byte is kept),
	 * at most TLS_MAX_SANS of them */
	struct tls_bytes *sans;
	uint16_t n_sans;
};

/* tls_state.flags */
#define TLS_F_CLIENT_HELLO   0x0001
#define TLS_F_SERVER_HELLO   0x0002
#define TLS_F_CERT           0x0004
#define TLS_F_SSLV2          0x0008  /* an SSLv2 CLIENT-HELLO opened the connection */
#define TLS_F_RESUMED        0x0010  /* the server echoed the client's session id */
#define TLS_F_JA3            0x0020  /* ja3_* filled (app-layer.protocols.tls.ja3-fingerprints) */
#define TLS_F_JA3S           0x0040
#define TLS_F_JA4            0x0080
#define TLS_F_HELLO_DONE     0x0100  /* the server's ServerHelloDone (its cleartext flight ended) */
#define TLS_F_SERVER_CCS     0x0800  /* the server started encrypting */

/*
 * The TLS session: one transaction per flow. It is complete, and logged, once the server's
 * cleartext flight is over (ServerHelloDone, which follows the certificate), or else when both
 * sides started encrypting (resumed sessions, TLS 1.3) — Suricata's "handshake done".
 */
struct tls_state {
	uint32_t flags;               /* TLS_F_* */
	uint16_t version;             /* negotiated (ServerHello / supported_versions), else the
				       * ClientHello's, 0 if none yet */
	uint16_t client_version;      /* ClientHello legacy_version */
	uint16_t cipher;              /* ServerHello cipher suite */
	uint8_t client_random[32], server_random[32];
	uint8_t *sni;                 /* server_name host_name (not NUL-terminated) */
	uint16_t sni_len;
	uint8_t *alpn;                /* client ALPN names, each a length byte then the name */
	uint16_t alpn_len;
	uint8_t *server_alpn;         /* the server's ALPN extension, the same layout */
	uint16_t server_alpn_len;
	uint8_t session_id[32];       /* the ClientHello's legacy_session_id */
	uint8_t session_id_len;
	char *ja3_string;             /* "771,4865-...,0-23-...,29-23,0" */
	char ja3_hash[33];
	char *ja3s_string;
	char ja3s_hash[33];
	char ja4[40];                 /* "t13d1516h2_8daaf6152771_e5627efa2ab1" */
	struct tls_cert certs[TLS_MAX_CERTS];
	uint8_t n_certs;
};

/* "TLS 1.2", "TLSv1", "SSLv3", ... as EVE's tls.version; buf receives unknown ones ("0x7f12"). */
const char *tls_version_name(uint16_t version, char buf[24]);

/* ---- SSH session -------------------------------------------------------------------------- */

/* Longest identification line kept (RFC 4253 4.2: 255 characters with CR LF); longer ones are
 * cut there (ssh.long_banner). */
#define SSH_BANNER_MAX 255

/*
 * One side's identification string "SSH-protoversion-softwareversion SP comments": the line
 * without CR LF, and where its two versions sit in it (EVE's proto_version, software_version;
 * the ssh.proto and ssh.software buffers).
 */
struct ssh_banner {
	uint8_t line[SSH_BANNER_MAX];
	uint16_t len;
	uint16_t proto_off, proto_len;
	uint16_t soft_off, soft_len;
	bool done;                    /* the line was parsed (valid) */
};

/* The SSH session: one transaction per flow, indexed by FLOW_DIR_* (TO_SERVER: the client).
 * It is complete, and logged, once both identification strings are known (Suricata logs SSH at
 * "banner done"). */
struct ssh_tx {
	struct ssh_banner side[2];
};

/* ---- sticky buffers ---------------------------------------------------------------------- */

/* Buffers a parser can fill; their names are those of src/rules/rules.h's buffer table. */
#define APP_BUFFERS(X)                                                                        \
	X(FILE_DATA, "file.data")                                                             \
	X(FILE_NAME, "file.name")                                                             \
	X(HTTP_URI, "http.uri")                                                               \
	X(HTTP_URI_RAW, "http.uri.raw")                                                       \
	X(HTTP_METHOD, "http.method")                                                         \
	X(HTTP_REQUEST_LINE, "http.request_line")                                             \
	X(HTTP_REQUEST_BODY, "http.request_body")                                             \
	X(HTTP_RESPONSE_BODY, "http.response_body")                                           \
	X(HTTP_HEADER, "http.header")                                                         \
	X(HTTP_HEADER_RAW, "http.header.raw")                                                 \
	X(HTTP_HEADER_NAMES, "http.header_names")                                             \
	X(HTTP_COOKIE, "http.cookie")                                                         \
	X(HTTP_USER_AGENT, "http.user_agent")                                                 \
	X(HTTP_HOST, "http.host")                                                             \
	X(HTTP_HOST_RAW, "http.host.raw")                                                     \
	X(HTTP_ACCEPT, "http.accept")                                                         \
	X(HTTP_ACCEPT_ENC, "http.accept_enc")                                                 \
	X(HTTP_ACCEPT_LANG, "http.accept_lang")                                               \
	X(HTTP_CONNECTION, "http.connection")                                                 \
	X(HTTP_CONTENT_LEN, "http.content_len")                                               \
	X(HTTP_CONTENT_TYPE, "http.content_type")                                             \
	X(HTTP_LOCATION, "http.location")                                                     \
	X(HTTP_PROTOCOL, "http.protocol")                                                     \
	X(HTTP_REFERER, "http.referer")                                                       \
	X(HTTP_RESPONSE_LINE, "http.response_line")                                           \
	X(HTTP_SERVER, "http.server")                                                         \
	X(HTTP_START, "http.start")                                                           \
	X(HTTP_STAT_CODE, "http.stat_code")                                                   \
	X(HTTP_STAT_MSG, "http.stat_msg")                                                     \
	X(HTTP_REQUEST_HEADER, "http.request_header")                                         \
	X(HTTP_RESPONSE_HEADER, "http.response_header")                                       \
	X(DNS_QUERY, "dns.query")                                                             \
	X(DNS_ANSWER_NAME, "dns.answer.name")                                                 \
	X(DNS_QUERIES_RRNAME, "dns.queries.rrname")                                           \
	X(TLS_SNI, "tls.sni")                                                                 \
	X(TLS_CERT_SUBJECT, "tls.cert_subject")                                               \
	X(TLS_CERT_ISSUER, "tls.cert_issuer")                                                 \
	X(TLS_CERT_SERIAL, "tls.cert_serial")                                                 \
	X(TLS_CERT_FINGERPRINT, "tls.cert_fingerprint")                                       \
	X(TLS_CERTS, "tls.certs")                                                             \
	X(TLS_SUBJECTALTNAME, "tls.subjectaltname")                                           \
	X(TLS_RANDOM, "tls.random")                                                           \
	X(TLS_RANDOM_TIME, "tls.random_time")                                                 \
	X(TLS_RANDOM_BYTES, "tls.random_bytes")                                               \
	X(TLS_ALPN, "tls.alpn")                                                               \
	X(JA3_HASH, "ja3.hash")                                                               \
	X(JA3_STRING, "ja3.string")                                                           \
	X(JA3S_HASH, "ja3s.hash")                                                             \
	X(JA3S_STRING, "ja3s.string")                                                         \
	X(JA4_HASH, "ja4.hash")                                                               \
	X(SSH_PROTO, "ssh.proto")                                                             \
	X(SSH_SOFTWARE, "ssh.software")

enum app_buffer {
#define APP_BUFFER_ENUM(id, name) APP_BUF_##id,
	APP_BUFFERS(APP_BUFFER_ENUM)
#undef APP_BUFFER_ENUM
	APP_BUF_MAX
};

/* The rule-language name ("http.uri") -> buffer; -1 when no parser fills it. */
int app_buffer_lookup(const char *name);
const char *app_buffer_name(enum app_buffer b);
/* The protocol whose transactions carry the buffer (file.data: APP_PROTO_HTTP for now). */
enum app_proto app_buffer_proto(enum app_buffer b);
/* A loaded rule inspects buffer b: turns an "auto" fingerprint setting on (ja3.hash, ja3.string,
 * ja3s.*: JA3; ja4.hash: JA4), as Suricata enables JA3/JA4 when a rule needs them. */
void app_config_rules_use_buffer(struct app_config *cfg, enum app_buffer b);

/*
 * Sticky-buffer access for the detect stage. `dir` matters for buffers that exist in both
 * directions (http.header, http.header.raw, http.header_names, http.protocol, http.start,
 * file.data: the request's toserver, the response's toclient). Multi-buffers (http.request_header,
 * http.response_header, dns.query, tls.certs, ...) are walked with index 0, 1, ...; the others
 * only have index 0. Returns 0 and sets *data and *len (valid until the next app_handle_data of the
 * flow) or -1 when the transaction has no such buffer (yet).
 */
int app_tx_get_buffer(const struct app_tx *tx, enum app_buffer b, uint8_t dir, uint32_t index,
		      const uint8_t **data, uint32_t *len);
/* urilen: length of http.uri (raw = false) or http.uri.raw (raw = true); -1 if no URI. */
int app_tx_get_urilen(const struct app_tx *tx, bool raw, uint32_t *len);

/* ---- per-worker context and data handling ------------------------------------------------- */

/* app_handle_data flags */
#define APP_F_GAP 0x01 /* bytes were lost before `data` (TCP gap) */
#define APP_F_EOF 0x02 /* the direction is closed after `data` */
/*
 * APP_F_OFFSET: bits 8..31 of the flags carry the low 24 bits of the stream offset of data[0]
 * (TCP), so a parser can size a gap — the bytes lost between its last byte and this one (up to
 * 16 MiB; a gap's length is what lets an HTTP body go on past it, as libhtp does).
 */
#define APP_F_OFFSET 0x04
#define APP_F_OFFSET_SHIFT 8
#define APP_F_OFFSET_MASK 0xFFFFFFu
static inline uint32_t app_flags_offset(uint64_t offset)
{
	return APP_F_OFFSET | ((uint32_t)(offset & APP_F_OFFSET_MASK) << APP_F_OFFSET_SHIFT);
}

/* app_result_tx.flags */
#define APP_RTX_NEW       0x01 /* created in this call */
#define APP_RTX_UPDATED   0x02 /* progressed in this call */
#define APP_RTX_COMPLETED 0x04 /* became complete (both directions) in this call: log it */

struct app_result_tx {
	struct app_tx *tx;
	uint8_t flags;
};

struct app_result_event {
	uint16_t event;    /* enum app_event */
	bool has_tx;       /* false: a flow-level event (detection) */
	uint64_t tx_id;
};

#define APP_RESULT_MAX_EVENTS 32

/*
 * What one app_handle_data call did: the transactions that progressed (detect inspects them),
 * those that completed (output logs them), the events raised (at most APP_RESULT_MAX_EVENTS;
 * more are counted in events_dropped). Transaction pointers stay valid until the next
 * app_handle_data / app_flow_finish / app_flow_free on the same flow: completed transactions
 * are freed at the start of the following call.
 */
struct app_result {
	enum app_proto proto;         /* the flow's protocol after this call */
	bool proto_detected;          /* detection finished in this call (proto or FAILED) */
	bool reversed;                /* detection exchanged the flow's sides in this call (see
				       * app_ctx_set_reverse): the data's direction is now the
				       * other one */
	uint8_t dirs_detected;        /* bit 1 << FLOW_DIR_*: that direction's own detection
				       * finished in this call (Suricata's PKT_PROTO_DETECT_*_DONE) */
	uint8_t raw_trigger;          /* bit 1 << FLOW_DIR_*: a parser finished a unit of that
				       * direction (HTTP request/response, TLS record): the stream
				       * stage is to hand its held data to raw inspection now */
	uint32_t n_tx;
	struct app_result_tx *txs;    /* points into the app_ctx's array */
	uint32_t n_events;
	struct app_result_event events[APP_RESULT_MAX_EVENTS];
	uint32_t events_dropped;
};

/*
 * Counter slots of Suricata's stats.app_layer.{flow,tx,error}.<name>: a protocol that runs over
 * both transports has one slot per transport ("dns_tcp", "dns_udp"), as in Suricata.
 */
enum app_stat_slot {
	APP_STAT_HTTP = 0,
	APP_STAT_TLS,
	APP_STAT_SSH,
	APP_STAT_DNS_TCP,
	APP_STAT_DNS_UDP,
	APP_STAT_FAILED_TCP,
	APP_STAT_FAILED_UDP,
	APP_STAT_MAX
};

/* "http", "tls", "ssh", "dns_tcp", "dns_udp", "failed_tcp", "failed_udp"; NULL when out of range. */
const char *app_stat_slot_name(enum app_stat_slot s);

/* stats.app_layer.error.<slot>: why a parser could not go on with a flow. */
struct app_error_stats {
	uint64_t gap;       /* a gap reached a parser that cannot resync across one */
	uint64_t alloc;     /* an allocation failed while parsing */
	uint64_t parser;    /* the parser found the data malformed and gave up on the direction */
	uint64_t internal;  /* the parser failed in a way not caused by the data */
};

struct app_stats {
	uint64_t flows[APP_PROTO_MAX]; /* flows per detected protocol (incl. FAILED) */
	uint64_t tx[APP_PROTO_MAX];    /* transactions created per protocol */
	uint64_t events;               /* events raised */
	uint64_t bytes;                /* bytes handed to parsers */
	uint64_t gaps;                 /* gaps seen */
	uint64_t memcap_hits;          /* limits reached (tx per flow, result array) */
	/* Suricata's stats.app_layer counters. tx does not count a transaction that is the flow's
	 * only one and exists with its state (TLS), as Suricata's app_layer.tx.tls stays 0. */
	uint64_t slot_flows[APP_STAT_MAX];
	uint64_t slot_tx[APP_STAT_MAX];
	struct app_error_stats errors[APP_STAT_MAX];
};

/* Add src's counters into dst (the runmodes sum their workers' counters). */
void app_stats_add(struct app_stats *dst, const struct app_stats *src);

struct app_ctx;

/* Called for each tx->detect_state when a transaction is freed. */
typedef void (*app_detect_free_fn)(void *detect_state, void *user);

/* NULL on allocation failure (message logged). `cfg` is copied. */
struct app_ctx *app_ctx_create(const struct app_config *cfg);
void app_ctx_destroy(struct app_ctx *ctx);
void app_ctx_set_detect_free(struct app_ctx *ctx, app_detect_free_fn fn, void *user);

/*
 * Flow reversal (Suricata's "reverse flow" on protocol detection). On a TCP flow picked up
 * midstream (FLOW_F_MIDSTREAM) whose first data a protocol recognises only as the other
 * direction's — an HTTP response ("HTTP/1.") sent by the side aegis took for the client — the
 * client and server were guessed wrong. The app layer then calls `fn` before parsing that data,
 * for the caller to exchange the flow's sides in every stage (flow_reverse, the stream and
 * detect state, the current packet's direction); the data is parsed as the other direction
 * and app_result.reversed is set. Without a callback no flow is reversed. Only while the
 * protocol is unknown, the other direction has not failed detection and no protocol change
 * happened (its transactions keep their directions).
 */
typedef void (*app_reverse_fn)(struct flow *flow, void *user);
void app_ctx_set_reverse(struct app_ctx *ctx, app_reverse_fn fn, void *user);

/*
 * Hand one direction's next bytes of a flow to the app layer: detects the protocol if needed,
 * then parses. `flow->ip_proto` says TCP (ordered stream) or UDP (one datagram per call).
 * `data` may be NULL with len 0 (just a flag such as EOF). Returns 0, or -1 on an internal
 * error (allocation failure: the flow's parsing stops, an event is raised).
 */
int app_handle_data(struct app_ctx *ctx, struct flow *flow, uint8_t dir, const uint8_t *data,
		    uint32_t len, uint32_t flags, uint64_t ts_usec, struct app_result *out);

/* The flow ends: every open transaction is closed (APP_TX_F_EOF) and reported as completed in
 * `out` so the output stage can log it. Call app_flow_free afterwards. */
void app_flow_finish(struct app_ctx *ctx, struct flow *flow, struct app_result *out);
/* Free flow->app (and all transactions). Safe on flows without app state. */
void app_flow_free(struct app_ctx *ctx, struct flow *flow);

/* The flow's detected protocol (APP_PROTO_UNKNOWN if none yet / no state). */
enum app_proto app_flow_proto(const struct flow *flow);
/*
 * The protocol detection found on direction `dir` (Suricata's alproto_ts / alproto_tc). It
 * differs from app_flow_proto() only when the two directions were detected as different
 * protocols (a client speaking HTTP to an SSH server: the flow keeps the protocol whose parser
 * had data first, the event applayer_mismatch_protocol_both_directions is raised); before the
 * direction's own detection it is the flow's protocol.
 */
enum app_proto app_flow_dir_proto(const struct flow *flow, uint8_t dir);
/* The protocol the flow had before a protocol change (HTTP CONNECT to TLS: HTTP, EVE flow's
 * app_proto_orig); APP_PROTO_UNKNOWN when it never changed. */
enum app_proto app_flow_proto_orig(const struct flow *flow);
/* Iterate over the flow's live transactions (oldest first). */
struct app_tx *app_flow_tx_first(const struct flow *flow);
static inline struct app_tx *app_flow_tx_next(const struct app_tx *tx)
{
	return tx->next;
}

/* The output stage marks a transaction logged (it is not reported as completed again). */
void app_tx_set_logged(struct app_tx *tx);

void app_get_stats(const struct app_ctx *ctx, struct app_stats *out);

#endif /* AEGIS_APP_H */
