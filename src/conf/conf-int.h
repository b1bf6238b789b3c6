/*
 * conf-int.h — declarations shared by the files of src/conf/ only (not part of the stage's
 * public door, conf.h): the arena every node and string of a configuration lives in, node
 * creation with the node cap, and single-segment lookups.
 */
#ifndef AEGIS_CONF_INT_H
#define AEGIS_CONF_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "conf/conf.h"

/* Hard limits that keep hostile or broken files from using unbounded memory or stack. */
/* nodes in one configuration, alias copies included */
#define CONF_MAX_NODES	       1000000UL
#define CONF_MAX_DEPTH	       64	 /* nesting of maps/sequences */
#define CONF_MAX_INCLUDE_DEPTH 8	 /* include: / !include nesting */
#define CONF_MAX_FILE_SIZE     (16UL << 20)
#define CONF_MAX_PATH	       1024 /* dotted key paths */

/* The file name of nodes created by conf_set (their line and column are 0). */
#define CONF_SET_FILE "--set"

struct conf_arena_chunk;

/* What struct conf's `priv` points to. */
struct conf_priv {
	struct conf_arena_chunk *chunks;
	unsigned long n_nodes;
};

/* Arena allocation: freed all at once by conf_free. NULL when memory runs out. */
void *conf_arena_alloc(struct conf *c, size_t n);
char *conf_arena_strndup(struct conf *c, const char *s, size_t n);

/* A new, unlinked node. NULL when memory runs out or the configuration already holds
 * CONF_MAX_NODES nodes (*capped is then set). `key` and `file` must live in the arena (or be
 * static). */
struct conf_node *conf_node_alloc(struct conf *c, enum conf_node_type type, char *key,
				  const char *file, int line, int col, bool *capped);
void conf_node_append(struct conf_node *parent, struct conf_node *child);
/* Put `repl` where `old` is in its parent's child list; `old` is detached. */
void conf_node_replace(struct conf_node *old, struct conf_node *repl);

/*
 * One path segment below `n`: a map child by key; a sequence element by decimal index, or the
 * value of the first element whose map's first key is `seg` (suricata.yaml's `- eve-log: {...}`),
 * or the first scalar element equal to `seg` (`types: [alert, flow]`).
 */
struct conf_node *conf_node_child(const struct conf_node *n, const char *seg, size_t seglen);

/* snprintf into an error buffer that may be NULL. */
void conf_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* AEGIS_CONF_INT_H */
