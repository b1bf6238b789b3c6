/*
 * conf-get.c — typed getters. Each returns the default for an absent key, the value for a
 * well-typed one, and for anything else -1 with "file:line:col: error: key: expected ..., got
 * '...'" so a person can go straight to the line. Booleans take what Suricata takes
 * (yes/no/true/false/on/off/1/0, any case).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf-int.h"
#include "util/util.h"

static const char *type_name(enum conf_node_type t)
{
	return t == CONF_MAP ? "a mapping" : t == CONF_SEQ ? "a sequence" : "a scalar";
}

/*
 * The dotted name to show for a lookup of `path` under `base`: the path itself from the root,
 * or base's own path joined with it.
 */
static const char *shown_path(const struct conf_node *base, const char *path, char *buf, size_t len)
{
	if (!base->parent) {
		snprintf(buf, len, "%s", path);
		return buf;
	}
	char bp[CONF_MAX_PATH];
	conf_node_path(base, bp, sizeof(bp));
	snprintf(buf, len, "%s.%s", bp, path);
	return buf;
}

static int type_error(const struct conf_node *base, const char *path, const struct conf_node *n,
		      const char *expected, char *err, size_t errlen)
{
	char pos[600], name[CONF_MAX_PATH + 64];
	conf_node_position(n, pos, sizeof(pos));
	shown_path(base, path, name, sizeof(name));
	if (n->type == CONF_SCALAR)
		conf_errf(err, errlen, "%s: error: %s: expected %s, got '%s'", pos, name, expected,
			  n->value ? n->value : "");
	else
		conf_errf(err, errlen, "%s: error: %s: expected %s, got %s", pos, name, expected,
			  type_name(n->type));
	return -1;
}

/*
 * The scalar text at `path`, or NULL when the key is absent or has no value (`key:` alone, as
 * suricata.yaml writes unset options). -1 when the node is not a scalar.
 */
static int scalar_at(const struct conf_node *base, const char *path, const char *expected,
		     const struct conf_node **node, char *err, size_t errlen)
{
	*node = NULL;
	if (!base || !path || !*path)
		return 0;
	const struct conf_node *n = conf_node_get(base, path);
	if (!n)
		return 0;
	if (n->type != CONF_SCALAR) {
		/* An empty mapping/sequence written as {} or [] is a value too: a wrong one. */
		return type_error(base, path, n, expected, err, errlen);
	}
	if (!n->value || !n->value[0])
		return 0;
	*node = n;
	return 0;
}

int conf_node_get_str(const struct conf_node *base, const char *path, const char *def,
		      const char **out, char *err, size_t errlen)
{
	const struct conf_node *n;
	if (scalar_at(base, path, "a string", &n, err, errlen) < 0)
		return -1;
	*out = n ? n->value : def;
	return 0;
}

/* Suricata's spellings of true and false. 1 true, 0 false, -1 neither. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

int conf_node_get_bool(const struct conf_node *base, const char *path, bool def, bool *out,
		       char *err, size_t errlen)
{
	const struct conf_node *n;
	if (scalar_at(base, path, "a boolean", &n, err, errlen) < 0)
		return -1;
	if (!n) {
		*out = def;
		return 0;
	}
	int b = parse_bool(n->value);
	if (b < 0)
		return type_error(base, path, n, "a boolean", err, errlen);
	*out = b == 1;
	return 0;
}

int conf_node_get_int(const struct conf_node *base, const char *path, int64_t min, int64_t max,
		      int64_t def, int64_t *out, char *err, size_t errlen)
{
	const struct conf_node *n;
	char expected[96];
	snprintf(expected, sizeof(expected), "an integer in [%" PRId64 ", %" PRId64 "]", min, max);
	if (scalar_at(base, path, expected, &n, err, errlen) < 0)
		return -1;
	if (!n) {
		*out = def;
		return 0;
	}
	const char *s = n->value;
	/* strtoll alone would accept leading spaces and, with base 0, octal: be strict. */
	const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
	if (*d < '0' || *d > '9')
		return type_error(base, path, n, expected, err, errlen);
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return type_error(base, path, n, expected, err, errlen);
	*out = v;
	return 0;
}

int conf_node_get_size(const struct conf_node *base, const char *path, uint64_t def, uint64_t *out,
		       char *err, size_t errlen)
{
	const struct conf_node *n;
	static const char expected[] = "a size (e.g. 4096, 64kb, 32mb, 1gb)";
	if (scalar_at(base, path, expected, &n, err, errlen) < 0)
		return -1;
	if (!n) {
		*out = def;
		return 0;
	}
	uint64_t v;
	if (util_parse_size(n->value, &v) < 0)
		return type_error(base, path, n, expected, err, errlen);
	*out = v;
	return 0;
}

int conf_get_str(const struct conf *c, const char *path, const char *def, const char **out,
		 char *err, size_t errlen)
{
	return conf_node_get_str(c ? c->root : NULL, path, def, out, err, errlen);
}

int conf_get_bool(const struct conf *c, const char *path, bool def, bool *out, char *err,
		  size_t errlen)
{
	return conf_node_get_bool(c ? c->root : NULL, path, def, out, err, errlen);
}

int conf_get_int(const struct conf *c, const char *path, int64_t min, int64_t max, int64_t def,
		 int64_t *out, char *err, size_t errlen)
{
	return conf_node_get_int(c ? c->root : NULL, path, min, max, def, out, err, errlen);
}

int conf_get_size(const struct conf *c, const char *path, uint64_t def, uint64_t *out, char *err,
		  size_t errlen)
{
	return conf_node_get_size(c ? c->root : NULL, path, def, out, err, errlen);
}
