/*
 * fuzz-conf.c — libFuzzer target for the conf stage: arbitrary bytes as aegis.yaml through
 * conf_load_string (libyaml, aliases, the node and depth caps), then lookups, typed getters,
 * --set and the unknown-key walk on whatever loaded. Includes resolve relative to a directory
 * that does not exist, so the target never reads real files.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "util/util.h"

static const char *const paths[] = {
	"flow.memcap",
	"outputs.eve-log.enabled",
	"outputs.0.eve-log.types.alert.payload",
	"outputs.eve-log.types.flow",
	"vars.address-groups.HOME_NET",
	"a",
	"a.b",
	"a.0",
	"a.b.c",
	"af-packet.interface",
	"0",
	"stream.reassembly.depth",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool quiet;
	if (!quiet) {
		util_log_level = LOG_LEVEL_ERROR; /* unknown-key warnings would flood the output */
		quiet = true;
	}
	char err[CONF_ERR_LEN];
	struct conf *c = NULL;
	if (conf_load_string(&c, (const char *)data, size, "/nonexistent-fuzz-dir/f.yaml", err,
			     sizeof(err)) < 0) {
		/* an error is always a message and never a half-built tree */
		if (c || !err[0])
			__builtin_trap();
		return 0;
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const char *s;
		bool b;
		int64_t v;
		uint64_t sz;
		char buf[256];
		struct conf_node *n = conf_get_node(c, paths[i]);
		if (n) {
			conf_node_position(n, buf, sizeof(buf));
			conf_node_path(n, buf, sizeof(buf));
		}
		conf_get_str(c, paths[i], "d", &s, err, sizeof(err));
		conf_get_bool(c, paths[i], false, &b, err, sizeof(err));
		conf_get_int(c, paths[i], -5, 5, 0, &v, err, sizeof(err));
		conf_get_size(c, paths[i], 0, &sz, err, sizeof(err));
	}
	/* walk the first level's keys as paths, then --set through them */
	if (c->root->first_child && c->root->first_child->key) {
		char p[300];
		snprintf(p, sizeof(p), "%s.x.0.y", c->root->first_child->key);
		conf_set(c, p, "v", err, sizeof(err));
		conf_get_node(c, p);
	}
	conf_set(c, "a.b.c", "1", err, sizeof(err));
	conf_warn_unknown_keys(c);
	conf_free(c);
	return 0;
}
