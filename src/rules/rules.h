/*
 * rules.h — the rule language stage's public door: Suricata 7 rules (a superset of Snort 2's)
 * read from files or memory, lexed, parsed against ONE keyword registration table, validated,
 * and compiled into plain data (struct rule) that the detect stage turns into its engine.
 *
 * Loading never stops at the first bad rule: every problem becomes a struct rule_diag with
 * file:line:col, a check-id and a message, kept in the ruleset. A rule that uses a keyword aegis
 * recognises but does not implement is kept with status RULE_STATUS_UNSUPPORTED (counted, never
 * silently dropped); a rule with an error is not kept (counted as failed).
 *
 * Ownership: everything reachable from a struct rule lives in the ruleset's arena and is freed by
 * rules_ruleset_free(). Pointers stay valid until then; a ruleset is immutable after
 * rules_ruleset_finalize() and may be read from several threads.
 */
#ifndef AEGIS_RULES_H
#define AEGIS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/util.h"

struct conf;
struct pcre2_real_code_8; /* pcre2_code from <pcre2.h> with PCRE2_CODE_UNIT_WIDTH 8 */

/* ---- header ------------------------------------------------------------------------------- */

enum rule_action {
	RULE_ACTION_ALERT = 0,
	RULE_ACTION_PASS,
	RULE_ACTION_DROP,
	RULE_ACTION_REJECT, /* = rejectsrc */
	RULE_ACTION_REJECTSRC,
	RULE_ACTION_REJECTDST,
	RULE_ACTION_REJECTBOTH,
	RULE_ACTION_ACCEPT, /* firewall mode (Suricata 8) */
	RULE_ACTION_CONFIG,
	RULE_ACTION_COUNT
};

/* The protocol word of the header, as far as the packet layers go. App-layer protocols set
 * app_proto and the transport they imply (http -> TCP, dns -> TCP and UDP, ...). */
enum rule_proto {
	RULE_PROTO_IP = 0, /* any IP packet (also ipv4/ip4, ipv6/ip6 with RULE_PF_IPV4/6) */
	RULE_PROTO_TCP,    /* tcp: packets and stream; tcp-pkt / tcp-stream narrow it */
	RULE_PROTO_UDP,
	RULE_PROTO_ICMP,   /* icmp = ICMPv4 and ICMPv6 */
	RULE_PROTO_ICMPV4,
	RULE_PROTO_ICMPV6,
	RULE_PROTO_SCTP,
	RULE_PROTO_IGMP,
	RULE_PROTO_PKTHDR, /* the packet header only, no payload inspection */
	RULE_PROTO_APP,    /* an app-layer name; see rule.app_proto / rule.transport */
};

/* rule.proto_flags */
#define RULE_PF_TCP_PKT    0x01 /* tcp-pkt: match packets only */
#define RULE_PF_TCP_STREAM 0x02 /* tcp-stream: match the reassembled stream only */
#define RULE_PF_IPV4       0x04 /* ipv4 / ip4 */
#define RULE_PF_IPV6       0x08 /* ipv6 / ip6 */

/* rule.transport: which IP protocols a rule can match (bit set). */
#define RULE_TR_TCP  0x01
#define RULE_TR_UDP  0x02
#define RULE_TR_SCTP 0x04
#define RULE_TR_ICMP 0x08
#define RULE_TR_ANY  0xff

enum rule_direction {
	RULE_DIR_TO = 0,  /* -> */
	RULE_DIR_BOTH,    /* <> : also matches with source and destination swapped */
	RULE_DIR_TX,      /* => : Suricata 8 transactional (request and response of one tx) */
};

/* A compiled address set: sorted, non-overlapping, non-adjacent inclusive ranges. IPv4 bounds
 * are host-order integers; IPv6 bounds are 16 network-order bytes (memcmp order). */
struct rules_ip4_range {
	uint32_t lo, hi;
};
struct rules_ip6_range {
	uint8_t lo[16], hi[16];
};
struct rules_addr_set {
	bool any;              /* matches every address (both families) */
	uint32_t n4, n6;
	const struct rules_ip4_range *v4;
	const struct rules_ip6_range *v6;
	const char *text;      /* the source text ("$HOME_NET", "[10.0.0.0/8,!10.1.2.3]") */
};

/* A compiled port set: sorted, non-overlapping inclusive ranges over 0..65535. */
struct rules_port_range {
	uint16_t lo, hi;
};
struct rules_port_set {
	bool any;
	uint32_t n;
	const struct rules_port_range *r;
	const char *text;
};

/* Membership tests (binary search; O(log n)). An address of a family with no ranges is out. */
bool rules_addr_set_match(const struct rules_addr_set *set, const struct ip_addr *ip);
bool rules_port_set_match(const struct rules_port_set *set, uint16_t port);

/* ---- keyword table ------------------------------------------------------------------------ */

enum rules_kw_kind {
	RULES_KW_PAYLOAD = 0, /* content, pcre, byte_*, isdataat, base64_decode, ... */
	RULES_KW_MODIFIER,    /* modifies the previous content (nocase, depth, http_uri, ...) */
	RULES_KW_STICKY,      /* selects a buffer for what follows (http.uri, file.data, ...) */
	RULES_KW_TRANSFORM,   /* transforms the current sticky buffer (dotprefix, to_lower, ...) */
	RULES_KW_HEADER,      /* IP/TCP/UDP/ICMP header fields (ttl, flags, dsize, ...) */
	RULES_KW_FLOW,        /* flow, flowbits, flowint, xbits, hostbits, stream_size, ... */
	RULES_KW_APP,         /* app-layer state/values that are not buffers (ssl_state, ...) */
	RULES_KW_EVENT,       /* app-layer-event, decode-event, stream-event */
	RULES_KW_METADATA,    /* msg, sid, rev, classtype, reference, metadata, target, ... */
	RULES_KW_POSTMATCH,   /* tag, filestore, noalert, ... */
	RULES_KW_THRESHOLD,   /* threshold, detection_filter */
};

/* rules_keyword.flags */
#define RULES_KWF_SUPPORTED    0x0001 /* argument parsed and validated; else rule -> unsupported */
#define RULES_KWF_NOARG        0x0002 /* takes no value ("nocase;") */
#define RULES_KWF_ARG          0x0004 /* requires a value ("sid:1;") */
#define RULES_KWF_OPTARG       0x0008 /* value optional ("fast_pattern;" / "fast_pattern:only;") */
#define RULES_KWF_CONTENT_MOD  0x0010 /* applies to the previous content */
#define RULES_KWF_LEGACY_BUF   0x0020 /* content modifier that moves the content to `buffer` */
#define RULES_KWF_DEPRECATED   0x0040 /* accepted, but the linter may suggest the new name */
#define RULES_KWF_ONCE         0x0080 /* at most once per rule (sid, msg, ...) */
#define RULES_KWF_NOT_NEGATED  0x0100 /* negation ("!") not allowed */

struct rules_parse_ctx; /* internal: the parser state handed to argument parsers */

struct rules_keyword {
	const char *name;
	const char *alias;           /* second accepted name or NULL */
	enum rules_kw_kind kind;
	uint16_t buffer;             /* for STICKY / LEGACY_BUF: the buffer id it selects */
	uint32_t flags;              /* RULES_KWF_* */
	/* Parse `arg` (NULL when the keyword has no value) into the rule being built. 0 or <0 (a
	 * diagnostic has been added through the ctx). NULL for recognised-but-unsupported ones. */
	int (*parse)(struct rules_parse_ctx *ctx, const struct rules_keyword *kw, const char *arg);
	const char *summary;         /* one line for docs / `aegis --list-keywords` */
};

/* Look a keyword up by name or alias (exact, case-sensitive as Suricata). NULL if unknown. */
const struct rules_keyword *rules_keyword_lookup(const char *name);
size_t rules_keyword_count(void);
const struct rules_keyword *rules_keyword_at(size_t index);
/* Index of a keyword in the table (for per-keyword counters). */
size_t rules_keyword_index(const struct rules_keyword *kw);

/* ---- buffers ------------------------------------------------------------------------------ */

/* Buffer ids: 0 is the packet/stream payload (pkt_data), 1 is the "no buffer" group that holds
 * header, flow and metadata-ish keywords; the others come from the buffer table (http.uri,
 * file.data, dns.query, tls.sni, ...). */
#define RULES_BUF_PAYLOAD 0
#define RULES_BUF_PACKET  1
const char *rules_buffer_name(uint16_t id);
/* -1 when unknown. */
int rules_buffer_lookup(const char *name);
size_t rules_buffer_count(void);
/* App-layer protocol a buffer belongs to ("http", "dns", "tls", ...), NULL for payload. */
const char *rules_buffer_app_proto(uint16_t id);
/* Packet-header sticky buffers (ipv4.hdr, tcp.hdr, ...): the raw bytes of one header of the
 * packet, inspected per packet like the payload. */
enum rules_hdr_buf {
	RULES_HDR_NONE = 0, RULES_HDR_IPV4, RULES_HDR_IPV6, RULES_HDR_TCP, RULES_HDR_UDP,
	RULES_HDR_ICMPV4, RULES_HDR_ICMPV6,
};
/* RULES_HDR_NONE for any other buffer. */
enum rules_hdr_buf rules_buffer_hdr_kind(uint16_t id);

/* ---- matches ------------------------------------------------------------------------------ */

/* A numeric argument that may instead name a byte_extract / byte_math variable. */
struct rule_intref {
	int32_t value;
	int16_t var; /* -1: literal `value`; else index into rule.vars */
};

/* rule_content.flags */
#define RULE_CF_NOCASE      0x0001
#define RULE_CF_NEGATED     0x0002
#define RULE_CF_RAWBYTES    0x0004
#define RULE_CF_STARTSWITH  0x0008
#define RULE_CF_ENDSWITH    0x0010
#define RULE_CF_FAST_PATTERN 0x0020
#define RULE_CF_FP_ONLY     0x0040
#define RULE_CF_FP_CHOP     0x0080
#define RULE_CF_OFFSET      0x0100
#define RULE_CF_DEPTH       0x0200
#define RULE_CF_DISTANCE    0x0400
#define RULE_CF_WITHIN      0x0800
#define RULE_CF_RELATIVE_NEXT 0x1000 /* a later keyword in the buffer is relative to this */

struct rule_content {
	const uint8_t *pat;
	uint32_t len;
	uint32_t flags; /* RULE_CF_* */
	struct rule_intref offset, depth, distance, within;
	uint16_t fp_chop_offset, fp_chop_len;
};

/* rule_pcre.flags (beyond the PCRE2 compile options) */
#define RULE_PCRE_RELATIVE  0x0001 /* R */
#define RULE_PCRE_NEGATED   0x0002
#define RULE_PCRE_RAWBYTES  0x0004 /* B */
#define RULE_PCRE_NO_ANCHOR_OPT 0x0008 /* O: override match limits */

struct rule_pcre {
	const char *pattern;            /* the regex between the slashes, unescaped */
	struct pcre2_real_code_8 *code; /* compiled (no JIT) at load */
	uint32_t compile_opts;          /* PCRE2_* options from i s m x A E G */
	uint32_t flags;                 /* RULE_PCRE_* */
	const char *capture_names[2];   /* "flow:var"/"pkt:var" capture targets, or NULL */
};

enum rule_byte_op {
	RULE_BOP_LT = 0, RULE_BOP_GT, RULE_BOP_EQ, RULE_BOP_LE, RULE_BOP_GE,
	RULE_BOP_AND, RULE_BOP_XOR,
	/* byte_math */
	RULE_BOP_ADD, RULE_BOP_SUB, RULE_BOP_MUL, RULE_BOP_DIV, RULE_BOP_SHL, RULE_BOP_SHR,
};

/* rule_byte.flags */
#define RULE_BF_RELATIVE   0x0001
#define RULE_BF_LITTLE     0x0002 /* default big endian */
#define RULE_BF_DCE        0x0004
#define RULE_BF_STRING     0x0008 /* base in rule_byte.base */
#define RULE_BF_NEGATED    0x0010 /* byte_test !op */
#define RULE_BF_FROM_BEGINNING 0x0020
#define RULE_BF_FROM_END   0x0040
#define RULE_BF_ALIGN      0x0080
#define RULE_BF_BITMASK    0x0100

/* byte_test / byte_jump / byte_extract / byte_math, one shape. */
struct rule_byte {
	uint8_t nbytes;
	uint8_t base;          /* 10, 16, 8 when RULE_BF_STRING */
	uint8_t op;            /* enum rule_byte_op (test, math) */
	uint32_t flags;        /* RULE_BF_* */
	struct rule_intref offset;
	struct rule_intref value;  /* test: value; math: rvalue */
	uint32_t multiplier;       /* jump/extract; 0 = none */
	int32_t post_offset;       /* jump */
	uint32_t bitmask;
	int16_t result_var;        /* extract/math: index into rule.vars; else -1 */
	int16_t nbytes_var;        /* test/jump: byte count from a variable; else -1 */
};

/* Comparison on one integer field: dsize, ttl, urilen, bsize, itype, window, ... */
enum rule_num_op {
	RULE_NUM_EQ = 0, RULE_NUM_NE, RULE_NUM_LT, RULE_NUM_LE, RULE_NUM_GT, RULE_NUM_GE,
	RULE_NUM_RANGE, /* lo < x < hi (Suricata "lo<>hi" and "lo-hi") */
	RULE_NUM_NRANGE, /* x <= lo || x >= hi ("!lo-hi") */
	RULE_NUM_MASK_EQ, /* (x & lo) == hi ("&0xc0=0x80") */
	RULE_NUM_MASK_NE, /* (x & lo) != hi */
};
struct rule_num {
	uint8_t op; /* enum rule_num_op */
	bool raw;   /* urilen:...,raw — the raw URI's length (default: the normalized one) */
	uint64_t lo, hi;
};

/* flow: flags */
/* app-layer-protocol's mode: which protocol of the flow it compares (Suricata's modes) */
enum rule_alproto_mode {
	RULE_ALPROTO_DIRECTION = 0, /* the protocol of the inspected packet's direction (default) */
	RULE_ALPROTO_TO_SERVER,     /* the protocol detected on the to-server side */
	RULE_ALPROTO_TO_CLIENT,     /* the protocol detected on the to-client side */
	RULE_ALPROTO_EITHER,        /* either side's protocol */
	RULE_ALPROTO_FINAL,         /* the protocol the flow is parsed as */
	RULE_ALPROTO_ORIGINAL,      /* the protocol before a protocol change */
};

#define RULE_FLOW_TO_SERVER     0x0001
#define RULE_FLOW_TO_CLIENT     0x0002
#define RULE_FLOW_ESTABLISHED   0x0004
#define RULE_FLOW_NOT_ESTABLISHED 0x0008
#define RULE_FLOW_STATELESS     0x0010
#define RULE_FLOW_ONLY_STREAM   0x0020
#define RULE_FLOW_NO_STREAM     0x0040
#define RULE_FLOW_ONLY_FRAG     0x0080
#define RULE_FLOW_NO_FRAG       0x0100

enum rule_bits_cmd {
	RULE_BITS_SET = 0, RULE_BITS_SETX, RULE_BITS_UNSET, RULE_BITS_TOGGLE, RULE_BITS_ISSET,
	RULE_BITS_ISNOTSET, RULE_BITS_NOALERT, RULE_BITS_RESET,
};
/* What a flowbits command with a group (Snort's flowbits groups) works on: the names it gives,
 * or the group's members: "any" / "all" of them. */
enum rule_bits_group_sel { RULE_BITS_NAMED = 0, RULE_BITS_GROUP_ANY, RULE_BITS_GROUP_ALL };
enum rule_bits_track { RULE_TRACK_FLOW = 0, RULE_TRACK_SRC, RULE_TRACK_DST, RULE_TRACK_PAIR };

/* flowbits / xbits / hostbits. Several names joined with `|` (any) or `&` (all). flowbits may
 * name a group (Snort): set/setx make the names members of it (setx also clears the other
 * members); unset/toggle "all" and isset/isnotset "any"/"all" work on its members. */
struct rule_bits {
	uint8_t cmd;       /* enum rule_bits_cmd */
	uint8_t track;     /* enum rule_bits_track (flow for flowbits) */
	bool and_group;    /* names joined with '&' */
	uint8_t group_sel; /* enum rule_bits_group_sel */
	uint16_t n;        /* names (0 with RULE_BITS_GROUP_*) */
	const char **names;
	const char *group; /* flowbits group, or NULL */
	uint32_t expire;   /* xbits/hostbits seconds, 0 = none */
};

enum rule_flowint_op {
	RULE_FI_SET = 0, RULE_FI_ADD, RULE_FI_SUB, RULE_FI_EQ, RULE_FI_NE, RULE_FI_LT, RULE_FI_LE,
	RULE_FI_GT, RULE_FI_GE, RULE_FI_ISSET, RULE_FI_NOTSET,
};
struct rule_flowint {
	const char *name;
	uint8_t op;             /* enum rule_flowint_op */
	uint64_t value;
	const char *value_var;  /* another flowint / byte variable, or NULL */
};

enum rule_thr_type { RULE_THR_LIMIT = 0, RULE_THR_THRESHOLD, RULE_THR_BOTH, RULE_THR_BACKOFF,
		     RULE_THR_DETECTION_FILTER };
enum rule_thr_track { RULE_THR_BY_SRC = 0, RULE_THR_BY_DST, RULE_THR_BY_RULE, RULE_THR_BY_BOTH,
		      RULE_THR_BY_FLOW };
struct rule_threshold {
	uint8_t type;  /* enum rule_thr_type */
	uint8_t track; /* enum rule_thr_track */
	uint32_t count;
	uint32_t seconds;    /* backoff: multiplier */
};

/* TCP flags:  flags:[!|*|+]SET[,IGNORE] */
struct rule_tcp_flags {
	uint8_t flags;  /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80 */
	uint8_t ignore; /* the mask after the comma */
	char modifier;  /* 0 exact, '+' all-plus-any, '*' any, '!' none */
};

/* Anything not covered above is kept as its (unescaped) argument text. */
struct rule_match {
	const struct rules_keyword *kw;
	uint32_t line, col; /* position of the option in its file */
	union {
		struct rule_content content;
		struct rule_pcre pcre;
		struct rule_byte byte;
		struct rule_num num;          /* dsize, ttl, bsize, urilen, itype, window, ... */
		struct rule_tcp_flags tcp_flags; /* flags, also fragbits (M D R bits) */
		uint32_t flow;                /* RULE_FLOW_* */
		struct rule_bits bits;
		struct rule_flowint flowint;
		struct {
			int32_t offset;       /* isdataat */
			bool relative, negated, rawbytes;
			int16_t var;
		} isdataat;
		struct {
			uint32_t bytes, offset;
			bool relative;
		} base64;
		struct {
			const char *name;     /* app-layer-protocol, events */
			bool negated;
			uint8_t mode;         /* app-layer-protocol: RULE_ALPROTO_* */
		} name;
		const char *arg;              /* generic */
	} u;
};

/* The matches of one buffer, in rule order. Transforms apply to that buffer in this group. */
/* rule_group.dir: the message a direction-ambiguous buffer is read from, when the rule says
 * ("file.data: to_client;", Suricata 8, for transactional rules) */
enum rule_buf_dir { RULE_BUFDIR_ANY = 0, RULE_BUFDIR_TO_SERVER, RULE_BUFDIR_TO_CLIENT };

struct rule_group {
	uint16_t buffer;
	uint8_t dir;            /* enum rule_buf_dir */
	uint8_t n_transforms;
	const struct rules_keyword *transforms[4];
	uint32_t n;
	struct rule_match *m;
};

/* ---- the rule ----------------------------------------------------------------------------- */

enum rule_status {
	RULE_STATUS_OK = 0,
	RULE_STATUS_UNSUPPORTED, /* parsed, but uses a keyword aegis can't evaluate (unsupported_kw) */
};

struct rule_reference {
	const char *system, *value;
};
struct rule_metadata {
	const char *key, *value;
};

struct rule {
	/* where it came from */
	const char *file;
	uint32_t line, end_line;   /* first and last physical line */
	const char *text;          /* logical rule text (continuations joined), see keep_text */
	bool disabled;             /* commented out ("# alert ...") */
	enum rule_status status;
	const char *unsupported_kw;

	/* header */
	enum rule_action action;
	enum rule_proto proto;
	uint8_t proto_flags;       /* RULE_PF_* */
	uint8_t transport;         /* RULE_TR_* */
	const char *app_proto;     /* "http", "dns", ... or NULL */
	enum rule_direction dir;
	const struct rules_addr_set *src, *dst;
	const struct rules_port_set *sp, *dp;

	/* meta */
	uint32_t sid, gid, rev;
	int priority;              /* 0 = from classtype / default */
	const char *msg, *classtype;
	uint8_t target;            /* 0 none, 1 src_ip, 2 dest_ip */
	uint16_t n_refs, n_meta;
	const struct rule_reference *refs;
	const struct rule_metadata *meta;

	/* body */
	uint16_t n_groups;
	struct rule_group *groups;
	uint32_t flow;             /* RULE_FLOW_* (also as a match in the packet group) */
	bool noalert;
	const struct rule_threshold *threshold, *detection_filter;
	uint16_t n_vars;           /* byte_extract / byte_math variable names */
	const char **vars;
};

/* ---- diagnostics -------------------------------------------------------------------------- */

enum rule_severity { RULE_SEV_ERROR = 0, RULE_SEV_WARNING, RULE_SEV_NOTE };

struct rule_diag {
	enum rule_severity severity;
	const char *file;
	uint32_t line, col, end_col; /* 1-based; end_col exclusive, 0 when unknown */
	const char *check_id;        /* stable id, e.g. "sid-missing", "pcre-compile" */
	const char *message;
	const char *source_line;     /* the physical line (no newline), for underlining; may be NULL */
	bool in_disabled_rule;       /* found in a commented-out rule */
	uint32_t sid;                /* rule's sid when known, else 0 */
};

/* "file:line:col: error: message [check-id]" into buf; returns snprintf's length. */
int rules_diag_format(const struct rule_diag *d, char *buf, size_t len);
const char *rules_severity_name(enum rule_severity s);

/* ---- ruleset ------------------------------------------------------------------------------ */

struct rules_counts {
	uint32_t loaded;        /* enabled rules kept with status OK */
	uint32_t failed;        /* enabled rules with an error (not kept) */
	uint32_t unsupported;   /* enabled rules kept with status UNSUPPORTED */
	uint32_t disabled;      /* commented-out rules recognised (kept, flag disabled) */
	uint32_t disabled_failed; /* commented-out rules with an error */
	uint32_t errors, warnings, notes;
	uint32_t by_action[RULE_ACTION_COUNT]; /* enabled, kept rules */
};

struct rules_ruleset;

/* vars_conf: a configuration with vars.address-groups / vars.port-groups (may be NULL: then
 * every $VAR is an error). It must outlive the loading calls. NULL on allocation failure. */
struct rules_ruleset *rules_ruleset_new(const struct conf *vars_conf);
void rules_ruleset_free(struct rules_ruleset *rs);
/* Define (or override) an address or port variable without a configuration: name without '$'
 * ("HOME_NET"), value as in suricata.yaml ("[10.0.0.0/8,192.168.0.0/16]"). Variables defined
 * here win over vars_conf. 0, or -1 on allocation failure. */
int rules_ruleset_define_var(struct rules_ruleset *rs, bool port, const char *name,
			     const char *value);
/* Keep every rule's logical text in rule.text (for rule editing / linting). Default: off (text
 * is kept only for rules with a diagnostic). */
void rules_ruleset_set_keep_text(struct rules_ruleset *rs, bool keep);

/* Load rules; problems go to the diagnostics. Return 0, or -1 when the file could not be read or
 * memory ran out (a diagnostic says which). Rule errors do not make these fail. */
int rules_load_file(struct rules_ruleset *rs, const char *path);
int rules_load_string(struct rules_ruleset *rs, const char *text, size_t len, const char *name);
/* Cross-rule checks (duplicate gid:sid, flowbits set/checked consistency). Call once, after the
 * last load. Returns the number of errors in the ruleset. */
int rules_ruleset_finalize(struct rules_ruleset *rs);

size_t rules_ruleset_count(const struct rules_ruleset *rs);
const struct rule *rules_ruleset_rule(const struct rules_ruleset *rs, size_t i);
const struct rules_counts *rules_ruleset_counts(const struct rules_ruleset *rs);
/* Number of enabled rules made unsupported by keyword `kw_index` (see rules_keyword_index). */
uint32_t rules_ruleset_unsupported_by_keyword(const struct rules_ruleset *rs, size_t kw_index);

size_t rules_diag_count(const struct rules_ruleset *rs);
const struct rule_diag *rules_diag_at(const struct rules_ruleset *rs, size_t i);

/* Parse an address / port expression with the ruleset's variables (for compact syntax, the
 * linter and tests). The set lives in the ruleset. 0, or -1 with a message in err. */
int rules_addr_set_parse(struct rules_ruleset *rs, const char *text,
			 const struct rules_addr_set **out, char *err, size_t errlen);
int rules_port_set_parse(struct rules_ruleset *rs, const char *text,
			 const struct rules_port_set **out, char *err, size_t errlen);

/* ---- classification.config / reference.config -------------------------------------------- */

struct rules_classtype {
	const char *name, *desc;
	int priority;
};

/* "config classification: shortname,description,priority" lines. Errors go to the ruleset's
 * diagnostics (check-id "classification-config"). 0, or -1 when the file cannot be read. */
int rules_classification_load(struct rules_ruleset *rs, const char *path);
int rules_classification_load_string(struct rules_ruleset *rs, const char *text, size_t len,
				     const char *name);
const struct rules_classtype *rules_classtype_lookup(const struct rules_ruleset *rs,
						     const char *name);
size_t rules_classtype_count(const struct rules_ruleset *rs);

/* "config reference: system url-prefix" lines. */
int rules_reference_config_load(struct rules_ruleset *rs, const char *path);
int rules_reference_config_load_string(struct rules_ruleset *rs, const char *text, size_t len,
				       const char *name);
/* URL prefix of a reference system ("cve" -> "http://cve.mitre.org/..."), NULL if unknown. */
const char *rules_reference_url(const struct rules_ruleset *rs, const char *system);

/* ==== tools beside the parser: compact L3/L4 syntax (compact.c), `aegis rule` (rule-edit.c),
 * `aegis lint` and the -T summary (lint.c), gcc-style diagnostics (diag-print.c).
 *
 * Compact syntax, one rule a line ("#" starts a comment):
 *     allow|deny cidr ADDR[/LEN] [ingress|egress]
 *     allow|deny port tcp|udp|sctp PORT[-PORT][,...] [ingress|egress]
 *     allow|deny proto NAME|NUMBER [ingress|egress]
 *     default allow|deny [ingress|egress]
 * Ingress is traffic towards $HOME_NET (destination in it), egress traffic from it. A rule
 * without a direction word applies to both. See doc/lint.md for the full reference.
 */

/* ---- compact L3/L4 firewall syntax -------------------------------------------------------- */

enum rules_fw_verdict { RULES_FW_DENY = 0, RULES_FW_ALLOW };

/* Rule direction; RULES_FW_DIR_BOTH is what a rule without ingress/egress gets. For a query,
 * RULES_FW_DIR_AUTO asks the evaluator to work the direction out from HOME_NET. */
enum rules_fw_dir {
	RULES_FW_DIR_AUTO = 0,
	RULES_FW_DIR_INGRESS,
	RULES_FW_DIR_EGRESS,
	RULES_FW_DIR_BOTH,
	RULES_FW_DIR_NONE, /* query only: neither endpoint is in HOME_NET (transit traffic) */
};

enum rules_fw_kind { RULES_FW_CIDR = 0, RULES_FW_PORT, RULES_FW_PROTO, RULES_FW_DEFAULT };

/* Which step of the evaluation order decided. */
enum rules_fw_stage {
	RULES_FW_STAGE_CIDR = 0,
	RULES_FW_STAGE_PORT,
	RULES_FW_STAGE_PROTO,
	RULES_FW_STAGE_DEFAULT,
	RULES_FW_STAGE_IMPLICIT, /* nothing matched: implicit deny */
};

struct rules_fw_rule {
	enum rules_fw_kind kind;
	enum rules_fw_verdict verdict;
	enum rules_fw_dir dir;       /* INGRESS, EGRESS or BOTH */
	struct ip_addr net;          /* CIDR: network address (host bits cleared) */
	uint8_t prefix;              /* CIDR: prefix length */
	uint8_t ip_proto;            /* PORT: 6/17/132; PROTO: the IP protocol number */
	uint16_t port_lo, port_hi;   /* PORT: inclusive range (lo == hi for an exact port) */
	const char *file;
	uint32_t line;
	const char *text;            /* the source line without comment and surrounding blanks */
};

struct rules_fw_policy;

/* An empty policy with the default HOME_NET [192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]
 * (suricata.yaml's). NULL on allocation failure. */
struct rules_fw_policy *rules_fw_policy_new(void);
void rules_fw_policy_free(struct rules_fw_policy *p);
/* Replace HOME_NET with an address list as in suricata.yaml: "[10.0.0.0/8,!10.1.0.0/16,
 * 2001:db8::/32]", a single address or CIDR, or "any". 0, or -1 with a message in err. */
int rules_fw_policy_set_home(struct rules_fw_policy *p, const char *text, char *err,
			     size_t errlen);
/* HOME_NET from a configuration ("vars.address-groups.HOME_NET"); unchanged when absent. */
int rules_fw_policy_home_from_conf(struct rules_fw_policy *p, const struct conf *c, char *err,
				   size_t errlen);

/* Parse compact rules and append them to the policy. Bad lines become diagnostics (errors
 * with file:line:col and a check-id "compact-*") and are skipped; parsing goes on. Returns the
 * number of errors found in this text, or -1 when the file can't be read / memory ran out. */
int rules_fw_load_string(struct rules_fw_policy *p, const char *text, size_t len,
			 const char *name);
int rules_fw_load_file(struct rules_fw_policy *p, const char *path);

size_t rules_fw_rule_count(const struct rules_fw_policy *p);
const struct rules_fw_rule *rules_fw_rule_at(const struct rules_fw_policy *p, size_t i);
size_t rules_fw_diag_count(const struct rules_fw_policy *p);
const struct rule_diag *rules_fw_diag_at(const struct rules_fw_policy *p, size_t i);
size_t rules_fw_error_count(const struct rules_fw_policy *p);

/* The Suricata rule a compact rule is equivalent to ("drop tcp any any -> $HOME_NET 22
 * (msg:...; sid:N;)") — the firewall actions are accept/drop. Returns snprintf's length. */
int rules_fw_rule_to_suricata(const struct rules_fw_rule *r, uint32_t sid, char *buf, size_t len);

struct rules_fw_query {
	struct ip_addr src, dst;
	uint8_t ip_proto;            /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ... */
	uint16_t sp, dp;             /* ignored unless TCP/UDP/SCTP */
	enum rules_fw_dir dir;       /* AUTO: from HOME_NET */
};

struct rules_fw_decision {
	enum rules_fw_verdict verdict;
	enum rules_fw_stage stage;
	enum rules_fw_dir dir;                 /* the direction used */
	const struct rules_fw_rule *rule;      /* the deciding rule, NULL for implicit deny */
};

/*
 * Decide one packet/flow. Pure: reads the policy only (safe from many threads). Order:
 *   1. CIDR rules on the remote address (source for ingress, destination for egress): the
 *      longest matching prefix wins;
 *   2. port rules on the destination port with the packet's transport: an exact port beats a
 *      range, a narrower range beats a wider one;
 *   3. proto rules on the IP protocol;
 *   4. the default for the direction;
 *   5. implicit deny.
 * Within one step, deny wins over allow at equal specificity. `out` may be NULL.
 */
enum rules_fw_verdict rules_fw_decide(const struct rules_fw_policy *p,
				      const struct rules_fw_query *q,
				      struct rules_fw_decision *out);
/* Direction of a query from HOME_NET: INGRESS when dst is in it, else EGRESS when src is, else
 * NONE. */
enum rules_fw_dir rules_fw_direction(const struct rules_fw_policy *p, const struct ip_addr *src,
				     const struct ip_addr *dst);

const char *rules_fw_dir_name(enum rules_fw_dir d);
const char *rules_fw_stage_name(enum rules_fw_stage s);

/* ---- diagnostics printing --------------------------------------------------------------- */

/* GCC style: "file:line:col: error: message [check-id]", then (with `underline` and a known
 * source line) the line and a caret/tilde marker under the span. Tabs in the line are kept in
 * the marker's indentation so it lines up. */
void rules_diag_print(FILE *f, const struct rule_diag *d, bool underline);

/* ---- command-line front-ends (argv[0] is the sub-command name) -------------------------- */

/* `aegis rule add|remove|list --rules FILE [--index N] [RULE TEXT]`. 0 ok, 1 usage/not
 * found/IO, 2 invalid rule. */
int rules_cli_rule(int argc, char **argv);

/* `aegis lint [--format text|json|sarif] [--strict] [--classification FILE]
 * [--config aegis.yaml] FILE...`. 0 clean, 1 warnings with --strict, 2 errors. */
int rules_cli_lint(int argc, char **argv);

/* The `aegis -T` summary of a loaded ruleset: rules loaded, failed, unsupported (with the
 * keywords that made the most rules unsupported), disabled, and the loaded rules by action. */
int rules_cli_test_summary(const struct rules_ruleset *rs, FILE *out);

/* ---- linter as a library (used by the CLI and the tests) ---------------------------------- */

enum rules_lint_format { RULES_LINT_TEXT = 0, RULES_LINT_JSON, RULES_LINT_SARIF };

struct rules_lint_opts {
	enum rules_lint_format format;
	bool strict;
	const char *classification;  /* NULL: CONFIG_ROOT/classification.config, else etc/ */
	const char *config;          /* aegis.yaml with vars, or NULL for the default vars */
	unsigned short_fp_len;       /* a fast pattern shorter than this warns; 0 = default 3 */
};

/* Lint `n` files and print to `out` (diagnostics) — the summary line goes to `out` too in text
 * format, to `err` otherwise. Returns the exit code (0/1/2). */
int rules_lint_run(const struct rules_lint_opts *o, const char *const *files, size_t n,
		   FILE *out, FILE *err);

#endif /* AEGIS_RULES_H */
