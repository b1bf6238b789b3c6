/*
 * conf.h — the configuration stage's public door: aegis.yaml (a superset of suricata.yaml's
 * structure) read with libyaml into a tree that remembers file:line:col of every node, dotted-path
 * lookups with typed getters that report wrong types with their position, `--set key=value`
 * overrides, warnings for unknown keys, and the config root (/etc/aegis or $AEGIS_CONFIG_ROOT).
 *
 * Paths are dotted: "outputs.eve-log.filename". A sequence element is addressed by its index
 * ("rule-files.0") or, when it is a single-key map as in suricata.yaml's `outputs:` list, by that
 * key ("outputs.eve-log"; the first key of a multi-key element works too, as in Suricata), or,
 * for a scalar element, by its value ("outputs.eve-log.types.flow" for `types: [flow]`).
 */
#ifndef AEGIS_CONF_H
#define AEGIS_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum conf_node_type { CONF_SCALAR = 0, CONF_MAP, CONF_SEQ };

struct conf_node {
	enum conf_node_type type;
	char *key;	  /* map key, or NULL for sequence elements and the root */
	char *value;	  /* scalar value, NULL otherwise */
	const char *file; /* file the node came from (or "--set") */
	int line, col;	  /* 1-based */
	struct conf_node *parent, *first_child, *last_child, *next;
	unsigned n_children;
};

struct conf {
	struct conf_node *root; /* a CONF_MAP */
	char *path;		/* main file, or NULL when built from defaults */
	/* internal: strings of included files etc. */
	void *priv;
};

#define CONF_ERR_LEN 512

/* An empty configuration (every getter then returns its default). NULL on allocation failure. */
struct conf *conf_new(void);
/* Load a YAML file ("%YAML 1.1" header and `include:` as suricata.yaml allows). On failure
 * returns -1 and err holds "file:line:col: error: message". */
int conf_load_file(struct conf **out, const char *path, char *err, size_t errlen);
/* Same from memory (tests, fuzzing); `name` is used in messages. */
int conf_load_string(struct conf **out, const char *yaml, size_t len, const char *name, char *err,
		     size_t errlen);
void conf_free(struct conf *c);

/* `--set key.path=value`: create or replace a scalar. -1 with err on a malformed argument or
 * when the path goes through a scalar. */
int conf_set(struct conf *c, const char *path, const char *value, char *err, size_t errlen);
/* The command-line form "key.path=value" (split at the first '='), then conf_set. */
int conf_set_arg(struct conf *c, const char *arg, char *err, size_t errlen);

struct conf_node *conf_get_node(const struct conf *c, const char *path);
/* Child lookup under a node (path relative to it). */
struct conf_node *conf_node_get(const struct conf_node *n, const char *path);

/*
 * Typed getters. Return 0 and store the default when the key is absent, 0 and the value when it
 * is present and well-typed, -1 with "file:line:col: error: key: expected ..." in err otherwise.
 */
int conf_get_str(const struct conf *c, const char *path, const char *def, const char **out,
		 char *err, size_t errlen);
int conf_get_bool(const struct conf *c, const char *path, bool def, bool *out, char *err,
		  size_t errlen);
int conf_get_int(const struct conf *c, const char *path, int64_t min, int64_t max, int64_t def,
		 int64_t *out, char *err, size_t errlen);
/* Sizes: "64mb", "1gb", "4096" -> bytes. */
int conf_get_size(const struct conf *c, const char *path, uint64_t def, uint64_t *out, char *err,
		  size_t errlen);
/* The same getters with the path relative to a node (e.g. one element of `af-packet:` or the
 * `eve-log` node of `outputs:`); messages name the node's full path. */
int conf_node_get_str(const struct conf_node *n, const char *path, const char *def,
		      const char **out, char *err, size_t errlen);
int conf_node_get_bool(const struct conf_node *n, const char *path, bool def, bool *out, char *err,
		       size_t errlen);
int conf_node_get_int(const struct conf_node *n, const char *path, int64_t min, int64_t max,
		      int64_t def, int64_t *out, char *err, size_t errlen);
int conf_node_get_size(const struct conf_node *n, const char *path, uint64_t def, uint64_t *out,
		       char *err, size_t errlen);

/* Position of a node as "file:line:col" into buf (for messages of other stages). */
const char *conf_node_position(const struct conf_node *n, char *buf, size_t len);
/* Dotted path of a node ("outputs.eve-log.types.alert.payload"; sequence elements by name where
 * a lookup by name finds them, by index otherwise) into buf; returns buf. */
const char *conf_node_path(const struct conf_node *n, char *buf, size_t len);

/* Warn (log_warning) about every key that is neither a known aegis key nor a known
 * suricata.yaml key, with file:line. Returns the number of warnings. */
unsigned conf_warn_unknown_keys(const struct conf *c);

/* The config root: $AEGIS_CONFIG_ROOT if set and non-empty, else /etc/aegis. */
const char *conf_root_dir(void);
/* Join the config root with a relative path ("rules", "logs", "state/versions") into buf. */
const char *conf_root_path(const char *rel, char *buf, size_t len);
/* A file name from the configuration: absolute as is; relative names are taken relative to the
 * directory of the configuration file `c` was loaded from (so an aegis.yaml moves together with
 * its neighbours), or to the config root when `c` has no file. Returns name or buf. */
const char *conf_path_relative(const struct conf *c, const char *name, char *buf, size_t len);
/* Create the config root layout (aegis.yaml is not written): rules/ intel/ state/ logs/. */
int conf_root_ensure_layout(const char *root, char *err, size_t errlen);

#endif /* AEGIS_CONF_H */
