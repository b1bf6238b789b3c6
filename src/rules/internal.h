/*
 * internal.h — shared private pieces of src/rules/: the arena the ruleset owns, growable vectors,
 * the ruleset and parse-context structures, and the diagnostics helpers the keyword parsers use.
 * Nothing outside src/rules/ includes this file.
 */
#ifndef AEGIS_RULES_INTERNAL_H
#define AEGIS_RULES_INTERNAL_H

#include <stdarg.h>

#include "rules/rules.h"

/* Bounds on input-driven sizes (rule files are untrusted). */
#define RULES_MAX_RULE_LEN   (64 * 1024) /* one logical rule */
#define RULES_MAX_OPTIONS    512
#define RULES_MAX_CONTENT    65535
#define RULES_MAX_VAR_DEPTH  16          /* $VAR expansion nesting */
#define RULES_MAX_ADDR_DEPTH 32          /* [ ] nesting */
#define RULES_MAX_VARS       16          /* byte_extract/byte_math names per rule */
#define RULES_MAX_DIAGS      1000000

/* ---- arena -------------------------------------------------------------------------------- */

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used, cap; /* of head */
	size_t total;     /* bytes reserved, for statistics */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size); /* 8-byte aligned, zeroed; NULL on failure */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
void *arena_memdup(struct arena *a, const void *p, size_t n);

/* A growable array of fixed-size elements on the heap (temporary state while parsing). */
struct vec {
	void *data;
	size_t n, cap, elem;
};
void vec_init(struct vec *v, size_t elem);
void vec_free(struct vec *v);
void *vec_push(struct vec *v); /* zeroed new element or NULL */
/* Append n elements copied from src; 0, or -1 out of memory (v unchanged). */
int vec_append(struct vec *v, const void *src, size_t n);
#define VEC_AT(v, type, i) (&((type *)(v)->data)[i])

/* String -> pointer hash map with keys copied into an arena (interning, set caches). */
struct strmap_ent {
	const char *key;
	uint32_t hash;
	void *val;
};
struct strmap {
	struct strmap_ent *ents;
	size_t n, cap;
};
void strmap_free(struct strmap *m);
void *strmap_get(const struct strmap *m, const char *key);
/* Insert or replace; the key is copied into `a`. 0 or -1 on allocation failure. */
int strmap_put(struct strmap *m, struct arena *a, const char *key, void *val);
/* Intern a string: equal strings share one copy. NULL on allocation failure. */
const char *strmap_intern(struct strmap *m, struct arena *a, const char *s);

/* ---- ruleset ------------------------------------------------------------------------------ */

struct rules_ruleset {
	const struct conf *conf;
	struct arena arena;
	struct strmap strings;   /* interned names (flowbits, vars, app protos) */
	struct strmap addr_cache, port_cache; /* expression text -> compiled set */
	struct strmap addr_vars, port_vars;   /* define_var values */
	struct vec rules;        /* struct rule * */
	struct vec diags;        /* struct rule_diag */
	struct rules_counts counts;
	uint32_t *unsupported_by_kw;
	struct strmap classtypes, refsys;
	size_t n_classtypes;
	bool keep_text;
	bool finalized;
};

/* Physical position of a span of the logical rule text (rules continue over lines). */
struct rules_seg {
	size_t start;   /* offset in the logical text */
	uint32_t line;  /* physical line */
	uint32_t col;   /* 1-based column of `start` in that line */
	const char *src; /* start of the physical line in the source */
	size_t src_len;
};

/* A match while the rule is built, before grouping by buffer. */
struct pmatch {
	struct rule_match m;
	uint16_t buffer;
	uint8_t dir;             /* enum rule_buf_dir of the sticky buffer it was put in */
	uint8_t n_tr;
	const struct rules_keyword *tr[4];
	size_t opt_off, opt_len; /* option span in the logical text */
};

struct rules_parse_ctx {
	struct rules_ruleset *rs;
	struct rule *r;
	const char *file;
	const char *text;       /* logical rule text */
	size_t text_len;
	const struct rules_seg *segs;
	size_t n_segs;
	bool disabled;
	/* current option, for diagnostics */
	size_t opt_off, opt_len;
	size_t arg_off;         /* offset of the (trimmed) value in the logical text */
	const struct rules_keyword *kw;
	/* state */
	struct vec matches;     /* struct pmatch */
	struct vec refs, meta;  /* struct rule_reference / rule_metadata */
	struct vec vars;        /* const char * */
	uint16_t cur_buf;       /* sticky buffer in effect */
	uint8_t cur_dir;        /* its direction (enum rule_buf_dir) */
	uint8_t cur_ntr;
	const struct rules_keyword *cur_tr[4];
	int last_content;       /* index into matches of the last content, -1 none */
	uint32_t seen_once[16];  /* bitmap by keyword index for RULES_KWF_ONCE */
	bool has_sid, has_rev, has_gid;
	int errors;
	const struct rules_keyword *unsupported;
	uint64_t flow_seen;
};

/* Diagnostics. `off`/`len` is a span of the logical text (mapped to line:col). */
void rules_diag_add(struct rules_parse_ctx *ctx, enum rule_severity sev, size_t off, size_t len,
		    const char *check_id, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Error at the current option; returns -1 for `return rules_opt_error(...)`. */
int rules_opt_error(struct rules_parse_ctx *ctx, const char *check_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rules_opt_warning(struct rules_parse_ctx *ctx, const char *check_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A diagnostic not tied to a rule text (file-level; line/col given). */
void rules_diag_file(struct rules_ruleset *rs, enum rule_severity sev, const char *file,
		     uint32_t line, uint32_t col, const char *source_line, size_t source_len,
		     const char *check_id, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));
void rules_pos(const struct rules_parse_ctx *ctx, size_t off, uint32_t *line, uint32_t *col);

/* New match in the current buffer (or RULES_BUF_PACKET for non-buffer keywords). */
struct pmatch *rules_match_new(struct rules_parse_ctx *ctx, uint16_t buffer);
/* Index of a byte_extract/byte_math variable, -1 if not defined. */
int rules_var_find(const struct rules_parse_ctx *ctx, const char *name);
/* Parse "123", "-5" or a variable name into an intref. 0 / -1 (no diag). */
int rules_parse_intref(struct rules_parse_ctx *ctx, const char *s, int64_t min, int64_t max,
		       struct rule_intref *out);
/* Trim in place; returns s. */
char *rules_trim(char *s);
/* "name value" in place: ends `s` at its first blank and returns the trimmed rest, or NULL when
 * there is no value ("relative" vs "bytes 4"). */
char *rules_split_word(char *s);
/* Strict decimal parse with range; 0 / -1. */
int rules_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Split `s` at top-level commas (in place); returns count, -1 if more than max. */
int rules_split_commas(char *s, char **out, int max);

/* Address / port expressions (addr.c). err gets a message without position. */
int rules_addr_compile(struct rules_ruleset *rs, const char *text,
		       const struct rules_addr_set **out, char *err, size_t errlen);
int rules_port_compile(struct rules_ruleset *rs, const char *text,
		       const struct rules_port_set **out, char *err, size_t errlen);

/* Keyword-table internals (keywords.c). */
uint16_t rules_buffer_id(const char *name);
/* Family of an app-proto name ("http1" -> "http"); NULL if not an app-layer protocol. */
const char *rules_app_family(const char *name);
/* Transport bits (RULE_TR_*) an app-layer protocol runs over. */
uint8_t rules_app_transport(const char *family);

/* Keyword argument parsers (kw-payload.c, kw-other.c), referenced by the table. */
#define RULES_KW_PARSER(fn) \
	int fn(struct rules_parse_ctx *ctx, const struct rules_keyword *kw, const char *arg)
RULES_KW_PARSER(kw_content);
RULES_KW_PARSER(kw_content_mod);
RULES_KW_PARSER(kw_legacy_buffer);
RULES_KW_PARSER(kw_sticky);
RULES_KW_PARSER(kw_transform);
RULES_KW_PARSER(kw_pcre);
RULES_KW_PARSER(kw_byte);
RULES_KW_PARSER(kw_isdataat);
RULES_KW_PARSER(kw_base64_decode);
RULES_KW_PARSER(kw_num);
RULES_KW_PARSER(kw_flags);
RULES_KW_PARSER(kw_fragbits);
RULES_KW_PARSER(kw_ipopts);
RULES_KW_PARSER(kw_noarg_match);
RULES_KW_PARSER(kw_flow);
RULES_KW_PARSER(kw_bits);
RULES_KW_PARSER(kw_flowint);
RULES_KW_PARSER(kw_threshold);
RULES_KW_PARSER(kw_meta);
RULES_KW_PARSER(kw_tag);
RULES_KW_PARSER(kw_noalert);
RULES_KW_PARSER(kw_name_match);
RULES_KW_PARSER(kw_event);
RULES_KW_PARSER(kw_generic);
RULES_KW_PARSER(kw_csum);
RULES_KW_PARSER(kw_stream_size);
RULES_KW_PARSER(kw_ssl_version);
RULES_KW_PARSER(kw_ssl_state);

void rules_pcre_free(struct pcre2_real_code_8 *code);
/* Read a whole file (bounded to 1 GiB). 0 or -1 with errno. */
int rules_read_file(const char *path, char **out, size_t *len);

#endif /* AEGIS_RULES_INTERNAL_H */
