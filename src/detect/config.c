/*
 * config.c — the detect stage's settings from aegis.yaml / suricata.yaml: action-order,
 * packet-alert-max, threshold-file, detect.profile /
 * custom-values (how many destination ports get their own signature group),
 * detect.sgh-mpm-context (per buffer: one prefilter database per group, or any-port ones
 * shared),
 * detect.inspection-recursion-limit, pcre.match-limit(-recursion), and the Hyperscan cache
 * directory (aegis's detect.cache-dir, or Suricata's detect.sgh-mpm-caching-path; default
 * <config-root>/state/cache/hs, used only when it can be created and written).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "detect/detect-int.h"

/* mkdir -p; true when the directory exists and is writable afterwards. */
static bool dir_usable(const char *path)
{
	char tmp[4096];
	if (util_strlcpy(tmp, path, sizeof(tmp)) >= sizeof(tmp))
		return false;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return false;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return false;
	return access(tmp, W_OK | X_OK) == 0;
}

/* Relative file names follow the configuration file (conf_path_relative), like rule files. */
static void root_relative(const struct conf *c, char *dst, size_t len, const char *v)
{
	char buf[4096];
	util_strlcpy(dst, conf_path_relative(c, v, buf, sizeof(buf)), len);
}

static int action_from_name(const char *s, enum detect_action *a)
{
	static const struct {
		const char *name;
		enum detect_action a;
	} map[] = { { "pass", DETECT_ACTION_PASS },
		    { "drop", DETECT_ACTION_DROP },
		    { "reject", DETECT_ACTION_REJECT },
		    { "alert", DETECT_ACTION_ALERT } };
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (strcmp(s, map[i].name) == 0) {
			*a = map[i].a;
			return 0;
		}
	}
	return -1;
}

static int read_action_order(struct detect_config *cfg, const struct conf *c, char *err,
			     size_t errlen)
{
	const struct conf_node *n = conf_get_node(c, "action-order");
	if (!n)
		return 0;
	char pos[256];
	if (n->type != CONF_SEQ || n->n_children != 4) {
		snprintf(err, errlen,
			 "%s: error: action-order: expected a list of the four actions pass, drop, "
			 "reject, alert",
			 conf_node_position(n, pos, sizeof(pos)));
		return -1;
	}
	bool seen[DETECT_ACTION_PASS + 1] = { false };
	unsigned i = 0;
	for (const struct conf_node *k = n->first_child; k; k = k->next, i++) {
		enum detect_action a;
		if (k->type != CONF_SCALAR || !k->value || action_from_name(k->value, &a) < 0 ||
		    seen[a]) {
			snprintf(err, errlen,
				 "%s: error: action-order: \"%s\" is not one of pass, drop, "
				 "reject, alert (each once)",
				 conf_node_position(k, pos, sizeof(pos)), k->value ? k->value : "");
			return -1;
		}
		seen[a] = true;
		cfg->action_order[i] = a;
	}
	return 0;
}

static int read_file_key(const struct conf *c, const char *key, const char *def, char *dst,
			 size_t len, char *err, size_t errlen)
{
	const char *v = NULL;
	if (conf_get_str(c, key, def, &v, err, errlen) < 0)
		return -1;
	if (v && *v)
		root_relative(c, dst, len, v);
	else
		dst[0] = '\0';
	return 0;
}

int detect_config_from_conf(struct detect_config *cfg, const struct conf *c, char *err,
			    size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->action_order[0] = DETECT_ACTION_PASS;
	cfg->action_order[1] = DETECT_ACTION_DROP;
	cfg->action_order[2] = DETECT_ACTION_REJECT;
	cfg->action_order[3] = DETECT_ACTION_ALERT;
	cfg->inspection_recursion_limit = 3000;
	cfg->pcre_match_limit = 3500;
	cfg->pcre_match_limit_recursion = 1500;
	cfg->port_groups = 25;
	cfg->packet_alert_max = DETECT_PACKET_ALERT_MAX;
	cfg->mpm_full = true; /* sgh-mpm-context: auto */

	/* The default cache lives in the config root's state/ — but only when that root exists:
	 * aegis never creates /etc/aegis by itself. */
	char def_cache[4096];
	conf_root_path("state/cache/hs", def_cache, sizeof(def_cache));
	bool root_exists = access(conf_root_dir(), W_OK | X_OK) == 0;
	if (!c) {
		if (root_exists && dir_usable(def_cache))
			util_strlcpy(cfg->cache_dir, def_cache, sizeof(cfg->cache_dir));
		return 0;
	}
	int64_t v;
	if (read_action_order(cfg, c, err, errlen) < 0)
		return -1;
	if (conf_get_int(c, "detect.inspection-recursion-limit", 1, 1000000, 3000, &v, err,
			 errlen) < 0)
		return -1;
	cfg->inspection_recursion_limit = (uint32_t)v;
	if (conf_get_int(c, "pcre.match-limit", 1, 100000000, 3500, &v, err, errlen) < 0)
		return -1;
	cfg->pcre_match_limit = (uint32_t)v;
	if (conf_get_int(c, "pcre.match-limit-recursion", 1, 100000000, 1500, &v, err, errlen) < 0)
		return -1;
	cfg->pcre_match_limit_recursion = (uint32_t)v;

	/* Suricata keeps its default (with a warning) for a value outside 1..255 */
	if (conf_get_int(c, "packet-alert-max", INT32_MIN, INT32_MAX, DETECT_PACKET_ALERT_MAX, &v,
			 err, errlen) < 0)
		return -1;
	if (v < 1 || v > 255)
		log_warning("packet-alert-max: %lld is not in 1..255; using %d", (long long)v,
			    DETECT_PACKET_ALERT_MAX);
	else if (v > DETECT_MAX_ALERTS)
		log_warning("packet-alert-max: %lld is more than aegis keeps; using %d", (long long)v,
			    DETECT_MAX_ALERTS);
	if (v >= 1 && v <= 255)
		cfg->packet_alert_max = (uint32_t)(v < DETECT_MAX_ALERTS ? v : DETECT_MAX_ALERTS);

	const char *profile = "medium";
	if (conf_get_str(c, "detect.profile", "medium", &profile, err, errlen) < 0)
		return -1;
	if (strcmp(profile, "low") == 0) {
		cfg->port_groups = 8;
	} else if (strcmp(profile, "high") == 0) {
		cfg->port_groups = DET_MAX_TOP_PORTS;
	} else if (strcmp(profile, "custom") == 0) {
		if (conf_get_int(c, "detect.custom-values.toserver-groups", 0,
				 DET_MAX_TOP_PORTS, 25, &v, err, errlen) < 0)
			return -1;
		cfg->port_groups = (uint32_t)v;
	} else if (strcmp(profile, "medium") != 0) {
		const struct conf_node *n = conf_get_node(c, "detect.profile");
		char pos[256];
		snprintf(err, errlen,
			 "%s: error: detect.profile: expected low, medium, high or custom, got "
			 "\"%s\"",
			 conf_node_position(n, pos, sizeof(pos)), profile);
		return -1;
	}

	/* detect.sgh-mpm-context. A per-group database (the any-port patterns compiled into
	 * every group's) costs one scan of the data instead of two, for more compile time and
	 * memory. "auto" (the default) does it for the packet payload, where a scan costs the most
	 * per byte (on ET Open 15% less packet-path CPU for +0.4 s cold start and +18 MB); "full"
	 * for the stream too (+2 s cold start, +140 MB while compiling); "single" for neither. */
	const char *ctx = "auto";
	if (conf_get_str(c, "detect.sgh-mpm-context", "auto", &ctx, err, errlen) < 0)
		return -1;
	if (strcmp(ctx, "full") == 0) {
		cfg->mpm_full = cfg->mpm_full_stream = true;
	} else if (strcmp(ctx, "auto") == 0) {
		cfg->mpm_full = true;
		cfg->mpm_full_stream = false;
	} else if (strcmp(ctx, "single") == 0) {
		cfg->mpm_full = cfg->mpm_full_stream = false;
	} else {
		const struct conf_node *n = conf_get_node(c, "detect.sgh-mpm-context");
		char pos[256];
		snprintf(err, errlen,
			 "%s: error: detect.sgh-mpm-context: expected auto, single or full, got \"%s\"",
			 conf_node_position(n, pos, sizeof(pos)), ctx);
		return -1;
	}

	/* classification-file / reference-config-file are loaded into the ruleset by whoever
	 * loads the rules; the engine reads the classtypes from there. */
	if (read_file_key(c, "threshold-file", NULL, cfg->threshold_file,
			  sizeof(cfg->threshold_file), err, errlen) < 0)
		return -1;

	bool caching = true;
	if (conf_get_bool(c, "detect.sgh-mpm-caching", true, &caching, err, errlen) < 0)
		return -1;
	const char *dir = NULL;
	if (conf_get_str(c, "detect.cache-dir", NULL, &dir, err, errlen) < 0)
		return -1;
	if (!dir && conf_get_str(c, "detect.sgh-mpm-caching-path", NULL, &dir, err, errlen) < 0)
		return -1;
	if (!caching)
		return 0;
	char path[4096];
	if (dir && *dir)
		root_relative(c, path, sizeof(path), dir);
	else if (dir)
		return 0; /* an empty value turns the cache off */
	else if (root_exists)
		util_strlcpy(path, def_cache, sizeof(path));
	else {
		log_info("detect: no config root at %s: Hyperscan databases are not cached "
			 "(set detect.cache-dir or AEGIS_CONFIG_ROOT)", conf_root_dir());
		return 0;
	}
	if (dir_usable(path))
		util_strlcpy(cfg->cache_dir, path, sizeof(cfg->cache_dir));
	else
		log_warning("detect: Hyperscan cache directory %s is not writable; compiling "
			    "without a cache",
			    path);
	return 0;
}
