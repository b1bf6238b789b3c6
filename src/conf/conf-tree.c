/*
 * conf-tree.c — the configuration tree itself: the arena its nodes and strings live in (one
 * free for the whole tree, and alias copies can share strings), dotted-path lookups including
 * suricata.yaml's "sequence element by name" convention, node positions and paths, and
 * `--set key=value` overrides.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-int.h"
#include "util/util.h"

#define ARENA_CHUNK_SIZE (64 * 1024)

struct conf_arena_chunk {
	struct conf_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void conf_errf(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void *conf_arena_alloc(struct conf *c, size_t n)
{
	struct conf_priv *p = c->priv;
	const size_t align = sizeof(max_align_t);

	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	struct conf_arena_chunk *ch = p->chunks;
	if (!ch || ch->size - ch->used < n) {
		/* Big requests get a chunk of their own so the current chunk keeps serving small
		 * ones. */
		size_t size = n > ARENA_CHUNK_SIZE / 4 ? n : ARENA_CHUNK_SIZE;
		struct conf_arena_chunk *nc = malloc(sizeof(*nc) + size);
		if (!nc)
			return NULL;
		nc->size = size;
		nc->used = 0;
		if (ch && size != ARENA_CHUNK_SIZE) {
			/* keep the partly used chunk at the head */
			nc->next = ch->next;
			ch->next = nc;
		} else {
			nc->next = ch;
			p->chunks = nc;
		}
		ch = nc;
	}
	void *r = (char *)ch->data + ch->used;
	ch->used += n;
	return r;
}

char *conf_arena_strndup(struct conf *c, const char *s, size_t n)
{
	char *d = conf_arena_alloc(c, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

struct conf_node *conf_node_alloc(struct conf *c, enum conf_node_type type, char *key,
				  const char *file, int line, int col, bool *capped)
{
	struct conf_priv *p = c->priv;

	if (p->n_nodes >= CONF_MAX_NODES) {
		if (capped)
			*capped = true;
		return NULL;
	}
	struct conf_node *n = conf_arena_alloc(c, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->key = key;
	n->file = file;
	n->line = line;
	n->col = col;
	p->n_nodes++;
	return n;
}

void conf_node_append(struct conf_node *parent, struct conf_node *child)
{
	child->parent = parent;
	child->next = NULL;
	if (parent->last_child)
		parent->last_child->next = child;
	else
		parent->first_child = child;
	parent->last_child = child;
	parent->n_children++;
}

void conf_node_replace(struct conf_node *old, struct conf_node *repl)
{
	struct conf_node *parent = old->parent;

	repl->parent = parent;
	repl->next = old->next;
	if (parent->first_child == old) {
		parent->first_child = repl;
	} else {
		struct conf_node *prev = parent->first_child;
		while (prev->next != old)
			prev = prev->next;
		prev->next = repl;
	}
	if (parent->last_child == old)
		parent->last_child = repl;
	old->parent = NULL;
	old->next = NULL;
}

struct conf *conf_new(void)
{
	struct conf *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->priv = calloc(1, sizeof(struct conf_priv));
	if (!c->priv) {
		free(c);
		return NULL;
	}
	c->root = conf_node_alloc(c, CONF_MAP, NULL, "<defaults>", 1, 1, NULL);
	if (!c->root) {
		conf_free(c);
		return NULL;
	}
	return c;
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	struct conf_priv *p = c->priv;
	if (p) {
		struct conf_arena_chunk *ch = p->chunks;
		while (ch) {
			struct conf_arena_chunk *next = ch->next;
			free(ch);
			ch = next;
		}
		free(p);
	}
	free(c->path);
	free(c);
}

/* A decimal sequence index, or -1. */
static long seg_index(const char *seg, size_t len)
{
	if (len == 0 || len > 9)
		return -1;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)seg[i]))
			return -1;
		v = v * 10 + (seg[i] - '0');
	}
	return v;
}

static bool str_eq_seg(const char *s, const char *seg, size_t len)
{
	return s && strncmp(s, seg, len) == 0 && s[len] == '\0';
}

struct conf_node *conf_node_child(const struct conf_node *n, const char *seg, size_t seglen)
{
	if (!n)
		return NULL;
	if (n->type == CONF_MAP) {
		for (struct conf_node *ch = n->first_child; ch; ch = ch->next)
			if (str_eq_seg(ch->key, seg, seglen))
				return ch;
		return NULL;
	}
	if (n->type != CONF_SEQ)
		return NULL;
	long idx = seg_index(seg, seglen);
	if (idx >= 0) {
		struct conf_node *ch = n->first_child;
		while (ch && idx-- > 0)
			ch = ch->next;
		return ch;
	}
	for (struct conf_node *ch = n->first_child; ch; ch = ch->next) {
		if (ch->type == CONF_MAP && ch->first_child &&
		    str_eq_seg(ch->first_child->key, seg, seglen))
			return ch->first_child;
		if (ch->type == CONF_SCALAR && str_eq_seg(ch->value, seg, seglen))
			return ch;
	}
	return NULL;
}

struct conf_node *conf_node_get(const struct conf_node *n, const char *path)
{
	if (!n || !path)
		return NULL;
	const char *p = path;
	const struct conf_node *cur = n;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (len == 0)
			return NULL;
		cur = conf_node_child(cur, p, len);
		if (!cur)
			return NULL;
		p += len;
		if (*p == '.') {
			p++;
			if (!*p)
				return NULL;
		}
	}
	return (struct conf_node *)cur;
}

struct conf_node *conf_get_node(const struct conf *c, const char *path)
{
	if (!c || !path || !*path)
		return NULL;
	return conf_node_get(c->root, path);
}

const char *conf_node_position(const struct conf_node *n, char *buf, size_t len)
{
	if (!buf || !len)
		return buf;
	if (!n)
		snprintf(buf, len, "<unknown>");
	else if (n->line <= 0)
		snprintf(buf, len, "%s", n->file ? n->file : "<unknown>");
	else
		snprintf(buf, len, "%s:%d:%d", n->file ? n->file : "<unknown>", n->line, n->col);
	return buf;
}

/* Position of `n` among its siblings. */
static unsigned node_index(const struct conf_node *n)
{
	unsigned i = 0;
	for (const struct conf_node *s = n->parent->first_child; s && s != n; s = s->next)
		i++;
	return i;
}

const char *conf_node_path(const struct conf_node *n, char *buf, size_t len)
{
	const struct conf_node *chain[CONF_MAX_DEPTH + 2];
	size_t depth = 0;

	if (!buf || !len)
		return buf;
	buf[0] = '\0';
	/* Collect ancestors, root excluded; the tree depth is bounded by the loader. */
	for (const struct conf_node *x = n; x && x->parent && depth < ARRAY_SIZE(chain);
	     x = x->parent)
		chain[depth++] = x;
	size_t off = 0;
	for (size_t i = depth; i-- > 0;) {
		const struct conf_node *x = chain[i];
		char seg[32];
		const char *s;
		if (x->parent->type == CONF_SEQ) {
			/* By name when the next node is this element's first key, as lookups do. */
			if (x->type == CONF_MAP && i > 0 && chain[i - 1] == x->first_child)
				continue;
			snprintf(seg, sizeof(seg), "%u", node_index(x));
			s = seg;
		} else {
			s = x->key ? x->key : "";
		}
		int w = snprintf(buf + off, len - off, "%s%s", off ? "." : "", s);
		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
	}
	return buf;
}

/* ---- --set ------------------------------------------------------------------------------ */

static struct conf_node *set_new_node(struct conf *c, enum conf_node_type type, const char *key,
				      size_t keylen, char *err, size_t errlen)
{
	char *k = NULL;
	bool capped = false;
	if (key) {
		k = conf_arena_strndup(c, key, keylen);
		if (!k)
			goto oom;
	}
	struct conf_node *n = conf_node_alloc(c, type, k, CONF_SET_FILE, 0, 0, &capped);
	if (n)
		return n;
	if (capped) {
		conf_errf(err, errlen, "%s: error: configuration has too many nodes",
			  CONF_SET_FILE);
		return NULL;
	}
oom:
	conf_errf(err, errlen, "%s: error: out of memory", CONF_SET_FILE);
	return NULL;
}

/*
 * Create the child `seg` under `parent` (which has no such child yet): a map member, or in a
 * sequence an appended element (an index must equal the current length; a name appends a
 * single-key map `- seg: ...`). Returns the node standing for `seg`.
 */
static struct conf_node *set_create_child(struct conf *c, struct conf_node *parent, const char *seg,
					  size_t len, enum conf_node_type type, const char *path,
					  char *err, size_t errlen)
{
	if (parent->type == CONF_MAP) {
		struct conf_node *n = set_new_node(c, type, seg, len, err, errlen);
		if (n)
			conf_node_append(parent, n);
		return n;
	}
	long idx = seg_index(seg, len);
	if (idx >= 0) {
		if ((unsigned long)idx != parent->n_children) {
			conf_errf(err, errlen,
				  "%s: error: %s: index %ld is past the end of a sequence of %u",
				  CONF_SET_FILE, path, idx, parent->n_children);
			return NULL;
		}
		struct conf_node *n = set_new_node(c, type, NULL, 0, err, errlen);
		if (n)
			conf_node_append(parent, n);
		return n;
	}
	struct conf_node *elem = set_new_node(c, CONF_MAP, NULL, 0, err, errlen);
	if (!elem)
		return NULL;
	struct conf_node *n = set_new_node(c, type, seg, len, err, errlen);
	if (!n)
		return NULL;
	conf_node_append(elem, n);
	conf_node_append(parent, elem);
	return n;
}

static bool path_is_valid(const char *path)
{
	size_t len = strlen(path);
	if (len == 0 || len >= CONF_MAX_PATH || path[0] == '.' || path[len - 1] == '.' ||
	    strstr(path, ".."))
		return false;
	for (const char *p = path; *p; p++)
		if (isspace((unsigned char)*p))
			return false;
	return true;
}

int conf_set(struct conf *c, const char *path, const char *value, char *err, size_t errlen)
{
	if (!c || !path || !value) {
		conf_errf(err, errlen, "%s: error: missing key or value", CONF_SET_FILE);
		return -1;
	}
	if (!path_is_valid(path)) {
		conf_errf(err, errlen, "%s: error: '%s' is not a valid key path (a.b.c)",
			  CONF_SET_FILE, path);
		return -1;
	}
	char *val = conf_arena_strndup(c, value, strlen(value));
	if (!val) {
		conf_errf(err, errlen, "%s: error: out of memory", CONF_SET_FILE);
		return -1;
	}
	struct conf_node *cur = c->root;
	const char *p = path;
	unsigned depth = 0;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		bool last = !dot;
		if (++depth > CONF_MAX_DEPTH) {
			conf_errf(err, errlen, "%s: error: %s: nested deeper than %d levels",
				  CONF_SET_FILE, path, CONF_MAX_DEPTH);
			return -1;
		}
		struct conf_node *ch = conf_node_child(cur, p, len);
		if (last) {
			if (!ch) {
				ch = set_create_child(c, cur, p, len, CONF_SCALAR, path, err,
						      errlen);
				if (!ch)
					return -1;
			} else if (ch->type != CONF_SCALAR) {
				conf_errf(err, errlen,
					  "%s: error: %s: cannot replace a %s with a scalar",
					  CONF_SET_FILE, path,
					  ch->type == CONF_MAP ? "mapping" : "sequence");
				return -1;
			}
			ch->value = val;
			ch->file = CONF_SET_FILE;
			ch->line = ch->col = 0;
			return 0;
		}
		if (!ch) {
			ch = set_create_child(c, cur, p, len, CONF_MAP, path, err, errlen);
			if (!ch)
				return -1;
		} else if (ch->type == CONF_SCALAR) {
			/* `key:` with nothing after it is YAML's null: --set may add children. */
			if (ch->value && ch->value[0]) {
				conf_errf(err, errlen,
					  "%s: error: %s: '%.*s' is a scalar ('%s'), it has no "
					  "keys below it",
					  CONF_SET_FILE, path, (int)(p + len - path), path,
					  ch->value);
				return -1;
			}
			ch->type = CONF_MAP;
			ch->value = NULL;
		}
		cur = ch;
		p += len + 1;
	}
}

int conf_set_arg(struct conf *c, const char *arg, char *err, size_t errlen)
{
	const char *eq = arg ? strchr(arg, '=') : NULL;
	if (!eq || eq == arg) {
		conf_errf(err, errlen, "%s: error: expected key=value, got '%s'", CONF_SET_FILE,
			  arg ? arg : "");
		return -1;
	}
	size_t klen = (size_t)(eq - arg);
	if (klen >= CONF_MAX_PATH) {
		conf_errf(err, errlen, "%s: error: key path too long", CONF_SET_FILE);
		return -1;
	}
	char key[CONF_MAX_PATH];
	memcpy(key, arg, klen);
	key[klen] = '\0';
	return conf_set(c, key, eq + 1, err, errlen);
}
