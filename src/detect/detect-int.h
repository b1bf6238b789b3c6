/*
 * detect-int.h — the detect stage's internal structures, shared by its .c files only: the
 * compiled rule (header facts + one inspection program per buffer), the rule "parts" that
 * signature groups are made of, the Hyperscan databases, and the per-worker thread context.
 *
 * Grouping in short: every rule lands in one or more parts keyed by (transport class,
 * direction, port group). A packet's signature group is the (at most four) parts that can hold
 * rules for it: (transport, both directions, any port), (transport, its direction, any port),
 * (transport, both, its port group) and (transport, its direction, its port group). Rules with
 * `any` destination port are thus compiled once per transport instead of once per port group,
 * which keeps the number and size of Hyperscan databases (and so the build time) small.
 */
#ifndef AEGIS_DETECT_INT_H
#define AEGIS_DETECT_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>
#include <string.h>

#include "detect/detect-state.h"
#include "detect/detect.h"

/* Transport classes of the grouping. */
enum { DET_TC_TCP = 0, DET_TC_UDP, DET_TC_ICMP, DET_TC_OTHER, DET_TC_MAX };
/* Directions of the grouping: FLOW_DIR_TO_SERVER (0), FLOW_DIR_TO_CLIENT (1), both. */
enum { DET_DIR_BOTH = 2, DET_DIR_MAX = 3 };
/* Port groups: 0 = rules with any destination port, 1 = "other ports", 2.. = the top ports. */
enum { DET_PG_ANY = 0, DET_PG_OTHER = 1, DET_PG_FIRST_PORT = 2 };
#define DET_MAX_TOP_PORTS 64
#define DET_NPG (DET_PG_FIRST_PORT + DET_MAX_TOP_PORTS)
#define DET_PART_INDEX(tc, dir, pg) ((((tc) * DET_DIR_MAX) + (dir)) * DET_NPG + (pg))
#define DET_NPARTS (DET_TC_MAX * DET_DIR_MAX * DET_NPG)

/* Bounds on input-driven work. */
#define DET_MAX_VARS 16           /* byte_extract / byte_math variables per rule */
#define DET_B64_MAX 65536         /* base64_decode output per packet */
#define DET_MAX_CANDIDATES 65536  /* candidate list capacity (rules are deduplicated) */

/* Inspection operations (one per payload-ish rule_match). */
enum det_op_type {
	DET_OP_CONTENT = 0,
	DET_OP_PCRE,
	DET_OP_BYTE_TEST,
	DET_OP_BYTE_JUMP,
	DET_OP_BYTE_EXTRACT,
	DET_OP_BYTE_MATH,
	DET_OP_ISDATAAT,
	DET_OP_BASE64_DECODE,
	DET_OP_BSIZE,
	DET_OP_DSIZE,
	DET_OP_UNSUPPORTED, /* a keyword this engine cannot evaluate in a buffer: never matches */
};

#define DET_MAX_CAPTURES 4
#define DET_FLOWVAR_MAX 256 /* bytes of a captured value kept */

struct det_op {
	uint8_t type;          /* enum det_op_type */
	bool rel_next;         /* a later op is relative to where this one leaves the cursor */
	bool skip;             /* fast_pattern:only content proven by the prefilter */
	const struct rule_match *m;
	pcre2_code *re;        /* DET_OP_PCRE: the engine's own JIT-compiled copy */
	/* DET_OP_PCRE: capture groups stored into flow variables when the rule matches ("flow:x"
	 * capture names, or named groups flow_x); pkt: targets are not kept */
	uint8_t n_cap;
	uint8_t cap_group[DET_MAX_CAPTURES];
	uint32_t cap_var[DET_MAX_CAPTURES];
};

/* The inspection program of one buffer of one rule. */
/* Sticky-buffer transforms (transform.c), applied in rule order before the program runs. */
enum det_transform {
	DET_TR_NONE = 0,
	DET_TR_DOTPREFIX,
	DET_TR_TO_LOWERCASE,
	DET_TR_TO_UPPERCASE,
	DET_TR_STRIP_WHITESPACE,
	DET_TR_COMPRESS_WHITESPACE,
	DET_TR_URL_DECODE,
	DET_TR_TO_MD5,
	DET_TR_TO_SHA1,
	DET_TR_TO_SHA256,
	DET_TR_HEADER_LOWERCASE,
	DET_TR_STRIP_PSEUDO_HEADERS,
	DET_TR_MAX
};
#define DET_TR_MAX_LEN (16u << 20) /* longer buffers are not transformed (no match) */

struct det_prog {
	uint16_t buffer;
	uint16_t n_ops;
	struct det_op *ops;
	uint8_t n_tr;
	uint8_t tr[4]; /* enum det_transform */
	uint8_t dir;   /* enum rule_buf_dir: the message the rule reads it from ("file.data:
			* to_client"), RULE_BUFDIR_ANY for the buffer's own */
};

/* Packet-group operations (header keywords, flow, bits, flowint, events). */
enum det_pop_type {
	DET_POP_HEADER = 0,  /* detect_header_match() */
	DET_POP_FLOW,        /* detect_flow_match() */
	DET_POP_DECODE_EVENT,
	DET_POP_STREAM_EVENT, /* p->stream_events */
	DET_POP_BITS,        /* condition: checked after the payload; action: post-match */
	DET_POP_FLOWINT,     /* evaluated after the payload, in rule order */
	DET_POP_IGNORE,      /* tag, prefilter, metadata-ish: nothing to test */
};

struct det_pop {
	uint8_t type;        /* enum det_pop_type */
	bool negated;
	uint16_t event;      /* DET_POP_DECODE_EVENT / DET_POP_STREAM_EVENT */
	const struct rule_match *m;
	union {
		struct detect_bits_op bits;
		struct detect_flowint_op fi;
	} u;
};

/* det_rule.flags */
enum {
	DR_F_NEEDS_APP = 1u << 0,    /* app-layer protocol or buffers: not inspectable yet */
	DR_F_STREAM_ONLY = 1u << 1,  /* tcp-stream: waits for the stream stage */
	DR_F_HAS_MPM = 1u << 2,      /* has a fast pattern */
	DR_F_UNSUPPORTED = 1u << 3,  /* an op the engine cannot evaluate: never matches */
	DR_F_NOALERT = 1u << 4,      /* noalert / flowbits:noalert */
	DR_F_BITS_ACTION = 1u << 5,  /* has flowbits/xbits set/unset/toggle to apply post-match */
	DR_F_IPONLY = 1u << 6,       /* no fast pattern; found through the address index */
	DR_F_FLOW_SCOPE = 1u << 7,   /* Suricata's IP-only rule: its drop drops the whole flow */
	DR_F_STREAM_PKT = 1u << 8,   /* stream-inspected, and packets too (det_rule_stream_packet) */
};

/* One rule as compiled into the engine. */
struct det_rule {
	const struct rule *r;
	uint32_t flags;           /* DR_F_* */
	uint8_t dir;              /* FLOW_DIR_TO_SERVER / _TO_CLIENT / DET_DIR_BOTH */
	int16_t fp_group;         /* index into r->groups of the fast pattern's group, or -1 */
	int32_t fp_match;         /* index of the fast pattern's content in that group */
	uint16_t fp_buffer;
	uint16_t n_pops;
	struct det_pop *pops;     /* the RULES_BUF_PACKET group, compiled */
	struct det_prog payload;  /* RULES_BUF_PAYLOAD (n_ops 0 when none) */
	struct det_prog b64;      /* base64_data */
	uint16_t n_other;         /* programs of other (app-layer) buffers, for later stages */
	struct det_prog *other;
	/* Rules without a fast pattern that test TCP flags: bit v set when every flags keyword
	 * of the rule accepts flags value v (checked before anything else; NULL = no flags). */
	uint64_t *tcp_flags_ok;
};

/* One Hyperscan database (shared by every part whose pattern set is the same). */
struct det_db {
	hs_database_t *db;
	uint64_t key;
	size_t bytes;
	uint32_t n_pats;
	void *build_pats;        /* build time only: the unique patterns to compile */
};

/* det_mpm.buffer of the payload fast patterns of rules that wait for the app-layer or stream
 * stages (not scanned per packet; for those stages). */
#define DET_BUF_PENDING_PAYLOAD 0xfffe

/* A part's prefilter for one buffer: the database and, per pattern id, the rules. */
struct det_mpm {
	uint16_t buffer;
	uint32_t db;             /* index into engine->dbs */
	uint32_t n_pats;
	uint32_t max_len;        /* longest pattern (bytes a match can reach back) */
	uint32_t *pat_off;       /* n_pats + 1 offsets into pat_rules */
	uint32_t *pat_rules;     /* engine rule indices */
	/* a sticky buffer's patterns near its start (anchor.c), NULL when none; db is UINT32_MAX
	 * when these are all there is */
	struct det_anchor *anchor;
};

struct det_part {
	uint32_t n_rules;
	uint32_t n_nompm;
	uint32_t *nompm;         /* rules without a fast pattern, in engine order */
	uint16_t n_mpm;
	struct det_mpm *mpm;
	bool used;
	uint32_t cap_all;
	uint32_t *all;           /* every rule of the part (build time) */
};

/* ASCII case folding, as the prefilter's caseless literals and `nocase` do. */
static inline uint8_t det_fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Do a[0, len) and b[0, len) hold the same bytes (nocase: ASCII letters folded)? */
static inline bool det_bytes_equal(const uint8_t *a, const uint8_t *b, uint32_t len,
				   bool nocase)
{
	if (!nocase)
		return memcmp(a, b, len) == 0;
	for (uint32_t i = 0; i < len; i++)
		if (det_fold(a[i]) != det_fold(b[i]))
			return false;
	return true;
}

/* Fast patterns near the start of their buffer (anchor.c): per fixed offset, a table from the
 * case-folded first bytes (klen, up to four) to the patterns that begin with them; patterns
 * that may float in a small window are a list of their own. */
struct det_anchor_entry {         /* build input: one rule's fast pattern */
	const uint8_t *pat;
	uint32_t len;
	uint16_t off, last;       /* the buffer offsets the pattern may start at */
	bool nocase;
	uint32_t rule;            /* engine rule index */
};
struct det_anchor_float {         /* a pattern that may start anywhere in [first, last] */
	uint32_t bytes, len;
	uint16_t first, last;
	bool nocase;
	uint32_t rule;
};
struct det_anchor_pat {
	uint32_t bytes, len;      /* the pattern: det_anchor.bytes + bytes */
	uint32_t key;
	uint32_t rule_off, rule_end; /* its rules: det_anchor.rules[rule_off, rule_end) */
	bool nocase;
};
struct det_anchor_slot {
	uint32_t key;
	uint32_t start, end;      /* patterns [start, end) of the key; end 0 = empty slot */
};
#define DET_ANCHOR_WINDOW_MAX 64u /* anchored patterns end within this many bytes */
#define DET_ANCHOR_BLOOM_BITS 4096
struct det_anchor_pos {
	uint16_t off;
	uint8_t klen;
	uint32_t min_len;         /* the shortest pattern at this offset */
	uint32_t mask;            /* slots - 1 */
	struct det_anchor_slot *slots;
	/* a bit per key hash: most probes end here, in memory that stays in cache, instead of
	 * in the (larger) slot array */
	uint64_t bloom[DET_ANCHOR_BLOOM_BITS / 64];
};
struct det_anchor {
	uint32_t n_pos;
	struct det_anchor_pos *pos; /* ascending offsets */
	uint32_t n_pats;
	struct det_anchor_pat *pats;
	uint8_t *bytes;
	uint32_t *rules;
	uint32_t n_floats;
	struct det_anchor_float *floats;
};
int det_anchor_build(struct det_anchor *a, const struct det_anchor_entry *ent, uint32_t n);
void det_anchor_free(struct det_anchor *a);

struct det_group {
	uint8_t n_parts;
	uint16_t parts[4];
	/* The parts' rules without a fast pattern, merged in engine order (a rule sits in at
	 * most one part of a group, so this is a plain merge): checked for every packet. */
	uint32_t n_nompm;
	uint32_t *nompm;
	/* The packet payload prefilters (mpm.c): one for the group (sgh-mpm-context auto, full),
	 * or the any-port parts' and the port parts' (single). Patterns near the payload's start
	 * are in `anchor`; the parts keep the app-gated payload databases. */
	uint32_t n_payload;
	struct det_mpm payload[2];
	/* TCP groups: one database of the parts' payload patterns without the rules the stream
	 * inspects instead of the packet (det_rule_stream_inspected), for packets whose payload
	 * went into reassembly: most of a TCP payload's patterns are looked for in the stream
	 * chunk, not twice. */
	bool has_payload_pkt;
	uint32_t n_payload_pkt;
	struct det_mpm payload_pkt[1];
	/* The payload patterns near the start, looked up instead of scanned (anchor.c): beside
	 * the payload databases and beside the packet-only ones. */
	struct det_anchor anchor, anchor_pkt;
	/* TCP groups: the stream-inspected patterns near the start of the stream inspection
	 * buffer, beside the stream databases */
	struct det_anchor anchor_stream;
	/* TCP groups: the patterns raw stream inspection looks for (stream-inspected payload
	 * rules and the parts' app-gated / tcp-stream payload rules), any-port parts and port
	 * parts: two scans of a stream chunk instead of one per payload database. */
	uint32_t n_stream;
	struct det_mpm stream[2];
};

/* Address index (addr-index.c): per family, sorted segment starts and per segment the
 * ascending engine indices of the rules whose indexed address set covers it. */
struct det_addr_index {
	bool used;
	uint32_t n4, n6;          /* segments */
	uint32_t *lo4;            /* n4 starts, lo4[0] == 0 */
	uint32_t *top4;           /* 65537: first segment starting at or above each /16 */
	uint32_t *off4;           /* n4 + 1 offsets into rules4 */
	uint32_t *rules4;
	unsigned __int128 *lo6;   /* n6 starts, lo6[0] == 0 */
	uint32_t *off6;
	uint32_t *rules6;
	uint64_t entries;
};

struct detect_engine {
	struct detect_config cfg;
	const struct rules_ruleset *rs;
	uint32_t n_rules;
	struct det_rule *rules;   /* engine order (action, flowbits role, priority, file order) */
	struct det_part *parts;   /* DET_NPARTS, most unused */
	/* port -> port group for TCP and UDP (SCTP uses the UDP map's "other") */
	uint8_t *portmap[2];
	uint16_t top_ports[2][DET_MAX_TOP_PORTS];
	uint32_t n_top[2];
	/* group lookup: [tc][dir(0/1)][pg] -> index into groups, or UINT16_MAX */
	uint16_t group_of[DET_TC_MAX][2][DET_NPG];
	uint32_t n_groups;
	struct det_group *groups;
	uint32_t n_dbs;
	struct det_db *dbs;
	hs_scratch_t *scratch;    /* prototype, cloned per thread */
	/* Address index of the rules without a fast pattern whose source or destination is a
	 * bounded address set (IP reputation lists, $HOME_NET): see addr-index.c. */
	struct det_addr_index aidx;
	struct detect_engine_stats stats;
	struct detect_vars_names vars;          /* flowbits / flowint names */
	struct detect_action_order order;
	struct detect_threshold_config *thr_cfg; /* threshold.config, or NULL */
	/* threshold/rate state shared by the engine's worker threads (locked inside): the one
	 * mutable part of an engine, touched only when a thresholded rule matches */
	struct detect_thresholds *thr_shared;
	struct detect_hosts *hosts_shared;   /* xbits/hostbits of all workers (flowbits.c) */
	uint32_t recursion_limit;
	uint32_t rules_pending;   /* in the engine, but waiting for app-layer / stream stages */
	uint32_t rules_unsupported; /* status OK but using something the engine can't evaluate */
	uint32_t rules_disabled;
	/* rules left to the app-layer / stream stages, indexed (pending.c) */
	struct det_pending *pend;
};

struct detect_thread {
	const struct detect_engine *e;
	hs_scratch_t *scratch;
	pcre2_match_data *md;
	pcre2_match_context *mctx;           /* pcre match limits from the config */
	pcre2_match_context *mctx_unlimited; /* pcre flag O */
	pcre2_jit_stack *jit_stack;
	struct detect_hosts *hosts;
	struct detect_thresholds *thr;
	uint64_t *cand_bits;      /* one bit per engine rule */
	uint32_t *cand;           /* candidate rule indices of the current packet */
	uint32_t n_cand;
	uint32_t *cand_sorted;    /* prebuilt sorted runs added this round (det_x_cand_add_sorted) */
	uint32_t n_sorted;
	uint32_t *cand_tmp;       /* merge scratch */
	int16_t *app_buf;         /* rules buffer id -> enum app_buffer (-1: none), built on the
				   * thread's first transaction (tx-inspect.c) */
	uint32_t n_app_buf;
	bool cand_overflow;
	/* per-rule evaluation state */
	int64_t vars[DET_MAX_VARS];
	uint8_t n_cap;            /* pcre captures of the rule being evaluated (det_rule_begin) */
	struct {
		uint32_t var;
		uint16_t len;
		uint8_t val[DET_FLOWVAR_MAX];
	} cap[DET_MAX_CAPTURES];
	uint32_t recursion;       /* inspection steps of the current rule/buffer */
	uint8_t *b64_buf;
	uint8_t *tr_buf[2];       /* transform outputs, used in turn (transform.c) */
	uint8_t *stream_buf;      /* window + slice of detect_stream (stream-inspect.c) */
	uint32_t tr_cap[2];
	struct detect_thread_stats stats;
	uint64_t app_pending;     /* candidates skipped because they need app-layer buffers */
	uint64_t recursion_hits;
	/* the current packet's payload went into TCP reassembly: its stream-inspected
	 * payload rules wait for detect_stream() (stream-inspect.c) */
	bool stream_added;
	/* stream matches of DR_F_STREAM_PKT rules not yet met by a packet of their direction
	 * (a gate: detect_packet looks them up only when there are some) */
	uint32_t stream_pkt_hits;
	/* detect_set_stream_chunk: the chunk being parsed, or NULL */
	const struct stream_chunk *chunk;
};

/* transform.c: the transform named `name` (enum det_transform), -1 when aegis has none */
int det_transform_lookup(const char *name);
/* transform.c: run the transforms of prog over the buffer (data, len), which then points at
 * the result (in the thread's buffers, valid until the next call); false when the buffer is
 * too long for them */
bool det_transform_run(struct detect_thread *t, const struct det_prog *prog,
		       const uint8_t **data, uint32_t *len);

/* A rule's evaluation starts: byte_extract variables and pcre captures cleared. */
static inline void det_rule_begin(struct detect_thread *t)
{
	memset(t->vars, 0, sizeof(t->vars));
	t->n_cap = 0;
}
/* flowbits.c: a matching rule's pcre captures become the flow's variables */
void det_captures_commit(struct detect_thread *t, struct flow *f);
/* engine.c: the capture targets of a rule's pcre ops (interned flowvar names) */
int det_rule_captures_compile(struct detect_engine *e, struct det_rule *dr);

/* pending.c: a plain TCP payload rule the stream inspects (not the packets the stream took) */
bool det_rule_stream_inspected(const struct det_rule *dr);
/* pending.c: ... that the packets the stream took are inspected for too (DR_F_STREAM_PKT) */
bool det_rule_stream_packet(const struct det_rule *dr);
/* flowbits.c: DR_F_STREAM_PKT rules that matched the stream data of direction dir that waits
 * for the flow's next packet going that way (that packet's payload is then not inspected for
 * them): noted by stream inspection, looked up and forgotten by the packet loop. */
void det_stream_pkt_hit_note(struct detect_thread *t, struct flow *f, uint8_t dir, uint32_t idx);
bool det_stream_pkt_hit(const struct flow *f, uint8_t dir, uint32_t idx);
void det_stream_pkt_hits_clear(struct detect_thread *t, const struct flow *f, uint8_t dir);
/* pending.c: index of the rules waiting for later stages (tx-int.h) */
struct det_pending;
int det_pending_build(struct detect_engine *e);
void det_pending_free(struct detect_engine *e);

/* ---- build (engine.c, group.c, mpm.c, mpm-cache.c) --------------------------------------- */

int det_rule_compile(struct detect_engine *e, struct det_rule *dr, const struct rule *r,
		     char *err, size_t errlen);
void det_rule_free(struct det_rule *dr);
/* Choose the fast pattern of a rule (fp_group / fp_match / fp_buffer). */
void det_fast_pattern_select(struct det_rule *dr);
/* Fill e->parts, e->groups, e->portmap. */
int det_groups_build(struct detect_engine *e, char *err, size_t errlen);
/* The signature group of a packet, or NULL when no rule can apply to it. */
const struct det_group *det_group_lookup(const struct detect_engine *e, const struct packet *p);
/* Build every part's databases (de-duplicated, cached). */
int det_mpm_build(struct detect_engine *e, char *err, size_t errlen);
void det_mpm_free(struct detect_engine *e);
/* The pattern bytes of a rule's fast pattern (after chop). */
void det_fast_pattern_bytes(const struct det_rule *dr, const uint8_t **pat, uint32_t *len,
			    bool *nocase);

/* Address index: build (sets DR_F_IPONLY on the indexed rules; -1 out of memory), free, and
 * the rules filed under an address (count; *rules points into the index). */
int det_addr_index_build(struct detect_engine *e);
void det_addr_index_free(struct detect_engine *e);
uint32_t det_addr_index_lookup(const struct det_addr_index *x, const struct ip_addr *a,
			       const uint32_t **rules);

/* Cache: 0 and *db on a hit; -1 on a miss (absent, unreadable or corrupt). */
int det_cache_load(const char *dir, uint64_t key, hs_database_t **db);
/* Best effort: -1 (logged once) when the file cannot be written. */
int det_cache_store(const char *dir, uint64_t key, const hs_database_t *db);
/* The key's file name in dir. */
void det_cache_path(const char *dir, uint64_t key, char *buf, size_t len);

/* ---- inspection (inspect.c, content.c, pcre.c, byte.c) ---------------------------------- */

/* Precomputed cheap tests of a rule without a fast pattern (tcp_flags_ok). -1 out of memory. */
int det_rule_prefilter_build(struct det_rule *dr);
/* Header of a rule against a packet: protocol, family, addresses, ports (with <>). */
bool det_header_match(const struct det_rule *dr, const struct packet *p);
/* Run a buffer program over data. 1 match, 0 no match. */
int det_inspect_buffer(struct detect_thread *t, const struct det_rule *dr,
		       const struct det_prog *prog, const uint8_t *data, uint32_t len,
		       const struct packet *p);

/* Inspection engine internals: op i.. of prog with the cursor at `pos`. DET_MATCH,
 * DET_NOMATCH (an earlier op may retry) or DET_ABORT (no retry can help). */
enum { DET_ABORT = -1, DET_NOMATCH = 0, DET_MATCH = 1 };
struct det_ictx {
	struct detect_thread *t;
	const struct det_rule *dr;
	const struct det_prog *prog;
	const uint8_t *buf;
	uint32_t len;
	const struct packet *p;
};
int det_ops_run(struct det_ictx *c, uint32_t i, uint32_t pos);
int det_op_content(struct det_ictx *c, uint32_t i, uint32_t pos);
int det_op_pcre(struct det_ictx *c, uint32_t i, uint32_t pos);
/* byte_*, isdataat, base64_decode, bsize, dsize: *newpos is the cursor after the op. */
int det_op_byte(struct det_ictx *c, const struct det_op *op, uint32_t pos, uint32_t *newpos);
/* Resolve a literal-or-variable reference. */
static inline int64_t det_intref(const struct detect_thread *t, const struct rule_intref *r)
{
	if (r->var >= 0 && r->var < DET_MAX_VARS)
		return t->vars[r->var];
	return r->value;
}
/* Base64 decode (RFC 4648, whitespace skipped, stops at the first invalid byte). */
uint32_t det_base64_decode(const uint8_t *in, uint32_t inlen, uint8_t *out, uint32_t outlen);

/* ---- packet keywords of a rule (inspect.c) ------------------------------------------------ */

/* Header, flow and event keywords; `stream` makes flow:only_stream true (raw stream data). */
bool det_pops_cheap(const struct det_rule *dr, const struct packet *p, bool stream);
/* flowbits / flowint conditions, in rule order, after the buffers matched (Suricata's match
 * list runs after the payload, so a flowint increment only happens on a payload match). */
bool det_pops_state(struct detect_thread *t, const struct det_rule *dr, const struct packet *p);

/* ---- candidates (inspect.c) -------------------------------------------------------------- */

/* Add a rule to the current candidate list once (the bitmap de-duplicates). */
static inline void det_cand_add(struct detect_thread *t, uint32_t rule)
{
	uint64_t bit = 1ull << (rule & 63);
	if (t->cand_bits[rule >> 6] & bit)
		return;
	t->cand_bits[rule >> 6] |= bit;
	t->cand[t->n_cand++] = rule;
}

/* Hyperscan match callback that adds the rules of the matched pattern; ctx is a det_scan_ctx. */
struct det_scan_ctx {
	struct detect_thread *t;
	const struct det_mpm *mpm;
};
void det_anchor_scan(struct detect_thread *t, const struct det_anchor *a, const uint8_t *data,
		     uint32_t len);
int det_hs_on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx);

#endif /* AEGIS_DETECT_INT_H */
