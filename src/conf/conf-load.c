/*
 * conf-load.c — reads aegis.yaml / suricata.yaml with libyaml's document API into the conf tree.
 *
 * What suricata.yaml needs beyond plain YAML, and the guards against hostile files:
 *  - `include: file` or `include: [a, b]` at any mapping level inlines the files' mappings there;
 *    `key: !include file` makes the file's content the key's value. Relative names are relative
 *    to the including file's directory. Nesting is capped (CONF_MAX_INCLUDE_DEPTH), which also
 *    ends include loops.
 *  - Aliases are expanded by copying (the first occurrence is built, later ones copy it), and
 *    every node counts against CONF_MAX_NODES, so a "billion laughs" file stops with an error
 *    instead of eating the machine. Nesting deeper than CONF_MAX_DEPTH is an error too.
 *  - A key given twice (in one file, or by an include and the including file) merges when both
 *    values are mappings and otherwise the later value wins, so a file can include a default
 *    configuration and override parts of it, as suricata-verify's test configs do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "conf/conf-int.h"
#include "util/util.h"

/* Finds an existing map member quickly while loading: (map, key) -> member. Without it a file
 * with many keys in one mapping would take quadratic time. */
struct dup_entry {
	const struct conf_node *map;
	const char *key;
	struct conf_node *node;
};

struct loader {
	struct conf *conf;
	struct dup_entry *dups;
	size_t dup_cap, dup_used;
	char *err;
	size_t errlen;
	bool failed;
};

/* One parsed file. */
struct doc_ctx {
	struct loader *ld;
	yaml_document_t *doc;
	const char *file; /* in the arena: stored in every node */
	const char *dir;  /* directory for relative includes */
	int inc_depth;
	/* Per YAML node: 0 not built yet, 1 being built, 2 built into `built`. */
	struct memo {
		unsigned char state;
		struct conf_node *built;
	} * memo;
	size_t n_memo;
};

static int ld_fail(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int ld_fail(struct loader *ld, const char *fmt, ...)
{
	if (!ld->failed && ld->err && ld->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ld->err, ld->errlen, fmt, ap);
		va_end(ap);
	}
	ld->failed = true;
	return -1;
}

static int ld_fail_at(struct doc_ctx *dc, const yaml_mark_t *m, const char *what)
{
	return ld_fail(dc->ld, "%s:%zu:%zu: error: %s", dc->file, m->line + 1, m->column + 1, what);
}

static int ld_oom(struct loader *ld)
{
	return ld_fail(ld, "error: out of memory while loading the configuration");
}

static int ld_fail_depth(struct doc_ctx *dc, const yaml_mark_t *m)
{
	char msg[64];
	snprintf(msg, sizeof(msg), "nesting deeper than %d levels", CONF_MAX_DEPTH);
	return ld_fail_at(dc, m, msg);
}

/* The node cap was hit: the usual cause is a file built to explode through aliases. */
static int ld_fail_cap(struct doc_ctx *dc, const yaml_mark_t *m)
{
	char msg[128];
	snprintf(msg, sizeof(msg), "configuration has more than %lu nodes (alias expansion bomb?)",
		 CONF_MAX_NODES);
	return ld_fail_at(dc, m, msg);
}

static struct conf_node *ld_node(struct doc_ctx *dc, enum conf_node_type type, char *key,
				 const yaml_mark_t *m)
{
	bool capped = false;
	int line = m->line + 1 > (size_t)0x7fffffff ? 0x7fffffff : (int)(m->line + 1);
	int col = m->column + 1 > (size_t)0x7fffffff ? 0x7fffffff : (int)(m->column + 1);
	struct conf_node *n = conf_node_alloc(dc->ld->conf, type, key, dc->file, line, col, &capped);
	if (n)
		return n;
	if (capped)
		ld_fail_cap(dc, m);
	else
		ld_oom(dc->ld);
	return NULL;
}

/* ---- duplicate-key table -------------------------------------------------------------- */

static size_t dup_hash(const struct conf_node *map, const char *key)
{
	uint64_t h = util_hash64(key, strlen(key), (uint64_t)(uintptr_t)map);
	return (size_t)(h ^ (h >> 29));
}

static struct dup_entry *dup_slot(struct loader *ld, const struct conf_node *map, const char *key)
{
	size_t mask = ld->dup_cap - 1;
	for (size_t i = dup_hash(map, key) & mask;; i = (i + 1) & mask) {
		struct dup_entry *e = &ld->dups[i];
		if (!e->map || (e->map == map && strcmp(e->key, key) == 0))
			return e;
	}
}

static int dup_grow(struct loader *ld)
{
	size_t ncap = ld->dup_cap ? ld->dup_cap * 2 : 1024;
	struct dup_entry *old = ld->dups;
	size_t ocap = ld->dup_cap;
	ld->dups = calloc(ncap, sizeof(*ld->dups));
	if (!ld->dups) {
		ld->dups = old;
		return ld_oom(ld);
	}
	ld->dup_cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].map)
			*dup_slot(ld, old[i].map, old[i].key) = old[i];
	free(old);
	return 0;
}

static struct conf_node *dup_find(struct loader *ld, const struct conf_node *map, const char *key)
{
	if (!ld->dup_cap)
		return NULL;
	struct dup_entry *e = dup_slot(ld, map, key);
	return e->map ? e->node : NULL;
}

static int dup_set(struct loader *ld, const struct conf_node *map, struct conf_node *node)
{
	if ((ld->dup_used + 1) * 2 > ld->dup_cap && dup_grow(ld) < 0)
		return -1;
	struct dup_entry *e = dup_slot(ld, map, node->key);
	if (!e->map)
		ld->dup_used++;
	e->map = map;
	e->key = node->key;
	e->node = node;
	return 0;
}

/* Append a member to a map being built (no duplicate check). */
static int map_append(struct loader *ld, struct conf_node *map, struct conf_node *child)
{
	if (dup_set(ld, map, child) < 0)
		return -1;
	conf_node_append(map, child);
	return 0;
}

/* ---- building ---------------------------------------------------------------------------- */

/* Deep copy of src's content (type, value, children) into dst, for aliases and merges. */
static int copy_content(struct doc_ctx *dc, struct conf_node *dst, const struct conf_node *src,
			int depth, const yaml_mark_t *m)
{
	if (depth > CONF_MAX_DEPTH)
		return ld_fail_depth(dc, m);
	dst->type = src->type;
	dst->value = src->value;
	for (const struct conf_node *s = src->first_child; s; s = s->next) {
		bool capped = false;
		struct conf_node *d = conf_node_alloc(dc->ld->conf, s->type, s->key, s->file,
						      s->line, s->col, &capped);
		if (!d) {
			if (capped)
				return ld_fail_cap(dc, m);
			return ld_oom(dc->ld);
		}
		if (copy_content(dc, d, s, depth + 1, m) < 0)
			return -1;
		if (dst->type == CONF_MAP) {
			if (map_append(dc->ld, dst, d) < 0)
				return -1;
		} else {
			conf_node_append(dst, d);
		}
	}
	return 0;
}

/* Insert a member into a map: merge with an existing mapping of the same key, or replace the
 * existing member. `child`'s subtree is left intact (it may be an alias source). */
static int map_insert(struct doc_ctx *dc, struct conf_node *map, struct conf_node *child, int depth,
		      const yaml_mark_t *m)
{
	struct conf_node *old = dup_find(dc->ld, map, child->key);
	if (!old || old->parent != map)
		return map_append(dc->ld, map, child);
	if (old->type == CONF_MAP && child->type == CONF_MAP) {
		for (const struct conf_node *s = child->first_child; s; s = s->next) {
			bool capped = false;
			struct conf_node *d = conf_node_alloc(dc->ld->conf, s->type, s->key,
							      s->file, s->line, s->col, &capped);
			if (!d) {
				if (capped)
					return ld_fail_cap(dc, m);
				return ld_oom(dc->ld);
			}
			if (copy_content(dc, d, s, depth + 1, m) < 0 ||
			    map_insert(dc, old, d, depth + 1, m) < 0)
				return -1;
		}
		return 0;
	}
	conf_node_replace(old, child);
	return dup_set(dc->ld, map, child);
}

static int build(struct doc_ctx *dc, int idx, struct conf_node *target, int depth);
static int load_file(struct loader *ld, const char *path, struct conf_node *target, bool merge,
		     int inc_depth, int depth, const char *from);

static yaml_node_t *doc_node(struct doc_ctx *dc, int idx)
{
	return yaml_document_get_node(dc->doc, idx);
}

/* Resolve an include name relative to the including file's directory. */
static int include_path(struct doc_ctx *dc, const yaml_node_t *name, char *buf, size_t len)
{
	if (name->type != YAML_SCALAR_NODE || name->data.scalar.length == 0 ||
	    memchr(name->data.scalar.value, '\0', name->data.scalar.length))
		return ld_fail_at(dc, &name->start_mark,
				  "include: expected a file name or a list of file names");
	const char *s = (const char *)name->data.scalar.value;
	int w;
	if (s[0] == '/' || !dc->dir)
		w = snprintf(buf, len, "%s", s);
	else
		w = snprintf(buf, len, "%s/%s", dc->dir, s);
	if (w < 0 || (size_t)w >= len)
		return ld_fail_at(dc, &name->start_mark, "include: file name too long");
	return 0;
}

static int include_one(struct doc_ctx *dc, const yaml_node_t *name, struct conf_node *target,
		       bool merge, int depth)
{
	char path[4096], from[512];
	if (dc->inc_depth >= CONF_MAX_INCLUDE_DEPTH) {
		char msg[80];
		snprintf(msg, sizeof(msg), "includes nested deeper than %d levels (include loop?)",
			 CONF_MAX_INCLUDE_DEPTH);
		return ld_fail_at(dc, &name->start_mark, msg);
	}
	if (include_path(dc, name, path, sizeof(path)) < 0)
		return -1;
	snprintf(from, sizeof(from), "%s:%zu:%zu", dc->file, name->start_mark.line + 1,
		 name->start_mark.column + 1);
	return load_file(dc->ld, path, target, merge, dc->inc_depth + 1, depth, from);
}

/* `include:` inside a mapping: inline the file(s) into `map`. */
static int build_include_key(struct doc_ctx *dc, int vidx, struct conf_node *map, int depth)
{
	yaml_node_t *v = doc_node(dc, vidx);
	if (!v)
		return ld_fail(dc->ld, "%s: error: broken YAML document", dc->file);
	if (v->type != YAML_SEQUENCE_NODE)
		return include_one(dc, v, map, true, depth);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *f = doc_node(dc, *it);
		if (!f)
			return ld_fail(dc->ld, "%s: error: broken YAML document", dc->file);
		if (include_one(dc, f, map, true, depth) < 0)
			return -1;
	}
	return 0;
}

static int build_map_pairs(struct doc_ctx *dc, const yaml_node_t *yn, struct conf_node *map,
			   int depth)
{
	for (yaml_node_pair_t *pr = yn->data.mapping.pairs.start; pr < yn->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = doc_node(dc, pr->key);
		if (!k)
			return ld_fail(dc->ld, "%s: error: broken YAML document", dc->file);
		if (k->type != YAML_SCALAR_NODE)
			return ld_fail_at(dc, &k->start_mark, "mapping keys must be scalars");
		const char *ks = (const char *)k->data.scalar.value;
		size_t klen = strnlen(ks, k->data.scalar.length);
		if (klen == 7 && memcmp(ks, "include", 7) == 0) {
			if (build_include_key(dc, pr->value, map, depth) < 0)
				return -1;
			continue;
		}
		char *key = conf_arena_strndup(dc->ld->conf, ks, klen);
		if (!key)
			return ld_oom(dc->ld);
		struct conf_node *child = ld_node(dc, CONF_SCALAR, key, &k->start_mark);
		if (!child)
			return -1;
		if (build(dc, pr->value, child, depth + 1) < 0)
			return -1;
		if (map_insert(dc, map, child, depth, &k->start_mark) < 0)
			return -1;
	}
	return 0;
}

static bool is_include_tag(const yaml_node_t *yn)
{
	return yn->tag && strcmp((const char *)yn->tag, "!include") == 0;
}

/* Build YAML node `idx` into `target` (whose key and position are already set). */
static int build(struct doc_ctx *dc, int idx, struct conf_node *target, int depth)
{
	yaml_node_t *yn = doc_node(dc, idx);
	if (!yn)
		return ld_fail(dc->ld, "%s: error: broken YAML document", dc->file);
	if (depth > CONF_MAX_DEPTH)
		return ld_fail_depth(dc, &yn->start_mark);
	struct memo *mm = &dc->memo[idx - 1];
	if (mm->state == 1)
		return ld_fail_at(dc, &yn->start_mark,
				  "an alias refers to a node that contains it");
	if (mm->state == 2)
		return copy_content(dc, target, mm->built, depth, &yn->start_mark);
	mm->state = 1;

	int r = 0;
	if (is_include_tag(yn)) {
		target->type = CONF_SCALAR;
		target->value = "";
		r = include_one(dc, yn, target, false, depth);
	} else if (yn->type == YAML_SCALAR_NODE) {
		target->type = CONF_SCALAR;
		target->value = conf_arena_strndup(
			dc->ld->conf, (const char *)yn->data.scalar.value,
			strnlen((const char *)yn->data.scalar.value, yn->data.scalar.length));
		if (!target->value)
			r = ld_oom(dc->ld);
	} else if (yn->type == YAML_SEQUENCE_NODE) {
		target->type = CONF_SEQ;
		for (yaml_node_item_t *it = yn->data.sequence.items.start;
		     r == 0 && it < yn->data.sequence.items.top; it++) {
			yaml_node_t *item = doc_node(dc, *it);
			if (!item) {
				r = ld_fail(dc->ld, "%s: error: broken YAML document", dc->file);
				break;
			}
			struct conf_node *el = ld_node(dc, CONF_SCALAR, NULL, &item->start_mark);
			if (!el || build(dc, *it, el, depth + 1) < 0)
				r = -1;
			else
				conf_node_append(target, el);
		}
	} else if (yn->type == YAML_MAPPING_NODE) {
		target->type = CONF_MAP;
		r = build_map_pairs(dc, yn, target, depth);
	} else {
		r = ld_fail_at(dc, &yn->start_mark, "empty YAML node");
	}
	mm->state = 2;
	mm->built = target;
	return r;
}

/* ---- parsing ----------------------------------------------------------------------------- */

/* libyaml's reader errors carry a byte offset but no mark: turn it into line and column. */
static void offset_to_mark(const char *buf, size_t len, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int yaml_error(struct loader *ld, const yaml_parser_t *p, const char *file, const char *buf,
		      size_t len)
{
	if (p->error == YAML_MEMORY_ERROR)
		return ld_oom(ld);
	const char *problem = p->problem ? p->problem : "invalid YAML";
	if (p->error == YAML_READER_ERROR) {
		size_t line, col;
		offset_to_mark(buf, len, p->problem_offset, &line, &col);
		return ld_fail(ld, "%s:%zu:%zu: error: %s", file, line, col, problem);
	}
	if (p->context)
		return ld_fail(ld, "%s:%zu:%zu: error: %s (%s started at line %zu column %zu)",
			       file, p->problem_mark.line + 1, p->problem_mark.column + 1, problem,
			       p->context, p->context_mark.line + 1, p->context_mark.column + 1);
	return ld_fail(ld, "%s:%zu:%zu: error: %s", file, p->problem_mark.line + 1,
		       p->problem_mark.column + 1, problem);
}

/*
 * Parse one YAML text and put it into `target`: with merge, its top-level mapping is merged into
 * the mapping `target`; otherwise the whole document becomes target's content (!include).
 */
static int load_buffer(struct loader *ld, const char *buf, size_t len, const char *name,
		       struct conf_node *target, bool merge, int inc_depth, int depth)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int r = -1;

	char *file = conf_arena_strndup(ld->conf, name, strlen(name));
	const char *slash = strrchr(name, '/');
	char *dir = slash ? conf_arena_strndup(ld->conf, name, (size_t)(slash - name)) : NULL;
	if (!file || (slash && !dir))
		return ld_oom(ld);
	if (slash && !dir[0])
		dir = "/";

	if (!yaml_parser_initialize(&parser))
		return ld_oom(ld);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = yaml_error(ld, &parser, file, buf, len);
		yaml_parser_delete(&parser);
		return r;
	}
	struct doc_ctx dc = {
		.ld = ld, .doc = &doc, .file = file, .dir = dir, .inc_depth = inc_depth};
	dc.n_memo = (size_t)(doc.nodes.top - doc.nodes.start);
	dc.memo = calloc(dc.n_memo ? dc.n_memo : 1, sizeof(*dc.memo));
	if (!dc.memo) {
		r = ld_oom(ld);
		goto out;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		/* An empty file: nothing to merge, or an empty value. */
		if (!merge) {
			target->type = CONF_SCALAR;
			target->value = "";
		}
		r = 0;
	} else if (!merge) {
		r = build(&dc, 1, target, depth);
	} else if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0 &&
		   !is_include_tag(root)) {
		/* "%YAML 1.1\n---\n" and comments only: an explicit but empty document. */
		r = 0;
	} else if (root->type != YAML_MAPPING_NODE || is_include_tag(root)) {
		r = ld_fail_at(
			&dc, &root->start_mark,
			"the top level of a configuration file must be a mapping (key: value)");
	} else {
		dc.memo[0].state = 1; /* an alias to the whole document would contain itself */
		r = build_map_pairs(&dc, root, target, depth);
	}
	free(dc.memo);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return r;
}

/* Read a whole file (bounded) into a malloc'd buffer. */
static int read_file(struct loader *ld, const char *path, char **out, size_t *outlen,
		     const char *from)
{
	char suffix[600] = "";
	if (from)
		snprintf(suffix, sizeof(suffix), " (included from %s)", from);
	/* O_NONBLOCK: a FIFO named as an include must not hang the load (it is refused below). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return ld_fail(ld, "%s: error: cannot open: %s%s", path, strerror(errno), suffix);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return ld_fail(ld, "%s: error: cannot open: %s%s", path, strerror(e), suffix);
	}
	if (!S_ISREG(st.st_mode)) {
		/* directories, FIFOs, devices: nothing a configuration can be read from */
		close(fd);
		return ld_fail(ld, "%s: error: cannot open: %s%s", path,
			       S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file",
			       suffix);
	}
	if ((unsigned long long)st.st_size > CONF_MAX_FILE_SIZE) {
		close(fd);
		return ld_fail(ld, "%s: error: file is larger than %lu bytes%s", path,
			       CONF_MAX_FILE_SIZE, suffix);
	}
	size_t cap = (size_t)st.st_size + 1, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		return ld_oom(ld);
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return ld_fail(ld, "%s: error: cannot read: %s%s", path, strerror(e),
				       suffix);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap) {
			/* the file grew while we read it */
			free(buf);
			close(fd);
			return ld_fail(ld, "%s: error: file changed while being read%s", path,
				       suffix);
		}
	}
	close(fd);
	*out = buf;
	*outlen = len;
	return 0;
}

static int load_file(struct loader *ld, const char *path, struct conf_node *target, bool merge,
		     int inc_depth, int depth, const char *from)
{
	char *buf;
	size_t len;
	if (read_file(ld, path, &buf, &len, from) < 0)
		return -1;
	int r = load_buffer(ld, buf, len, path, target, merge, inc_depth, depth);
	free(buf);
	return r;
}

static int load_common(struct conf **out, const char *path, const char *yaml, size_t len,
		       const char *name, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!out) {
		conf_errf(err, errlen, "error: no place to store the configuration");
		return -1;
	}
	*out = NULL;
	struct conf *c = conf_new();
	if (!c) {
		conf_errf(err, errlen, "error: out of memory while loading the configuration");
		return -1;
	}
	struct loader ld = {.conf = c, .err = err, .errlen = errlen};
	int r;
	if (path) {
		c->root->file = conf_arena_strndup(c, path, strlen(path));
		c->path = strdup(path);
		if (!c->root->file || !c->path)
			r = ld_oom(&ld);
		else
			r = load_file(&ld, path, c->root, true, 0, 0, NULL);
	} else {
		c->root->file = conf_arena_strndup(c, name, strlen(name));
		r = c->root->file ? load_buffer(&ld, yaml, len, name, c->root, true, 0, 0)
				  : ld_oom(&ld);
	}
	free(ld.dups);
	if (r < 0) {
		conf_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int conf_load_file(struct conf **out, const char *path, char *err, size_t errlen)
{
	if (!path || !*path) {
		conf_errf(err, errlen, "error: no configuration file name given");
		if (out)
			*out = NULL;
		return -1;
	}
	return load_common(out, path, NULL, 0, NULL, err, errlen);
}

int conf_load_string(struct conf **out, const char *yaml, size_t len, const char *name, char *err,
		     size_t errlen)
{
	if (!yaml && len) {
		conf_errf(err, errlen, "error: no configuration text given");
		if (out)
			*out = NULL;
		return -1;
	}
	return load_common(out, NULL, yaml ? yaml : "", len, name ? name : "<string>", err, errlen);
}
