/*
 * rules-load.c — gathers the rule files a run uses (rule-files under default-rule-path from the
 * configuration, or -S only / -s in addition), loads them with classification.config and
 * reference.config into one finalized ruleset, and prints what went wrong in gcc style. A bad
 * rule never stops the others from loading; whether it stops the run is the caller's call
 * (rule-errors: fatal).
 *
 * Relative file names in the configuration (default-rule-path, classification-file, ...) are
 * taken relative to the directory of the configuration file, so an aegis.yaml and the files
 * beside it move together; without a configuration file, relative to the config root.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runmode/runmode.h"

/* Resolve `name` against `dir` unless it is absolute. */
static const char *rule_path(const char *dir, const char *name, char *buf, size_t len)
{
	if (name[0] == '/' || !dir || !dir[0])
		return name;
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

/* classification.config / reference.config: the configured file, else the config root's. A
 * missing default is only a notice (classtypes then stay unresolved); a missing configured
 * file is a warning. */
static void load_side_file(struct rules_ruleset *rs, const struct conf *c, const char *key,
			   const char *root_name,
			   int (*load)(struct rules_ruleset *, const char *))
{
	const char *path = NULL;
	char buf[4096], err[CONF_ERR_LEN];
	if (conf_get_str(c, key, NULL, &path, err, sizeof(err)) != 0) {
		log_warning("%s", err);
		path = NULL;
	}
	bool configured = path != NULL;
	path = conf_path_relative(c, path ? path : root_name, buf, sizeof(buf));
	if (access(path, R_OK) != 0) {
		if (configured)
			log_warning("%s: %s: %s", key, path, strerror(errno));
		else
			log_info("%s not found: classtypes and references stay unresolved", path);
		return;
	}
	if (load(rs, path) != 0)
		log_warning("%s: cannot read %s", key, path);
}

static int load_one(struct rules_ruleset *rs, const char *path, bool required, char *err,
		    size_t errlen)
{
	if (access(path, R_OK) != 0) {
		if (required) {
			snprintf(err, errlen, "%s: error: cannot read rule file: %s", path,
				 strerror(errno));
			return -1;
		}
		/* As Suricata: a configured rule file that is missing is reported, not fatal. */
		log_warning("%s: rule file not found: %s", path, strerror(errno));
		return 0;
	}
	if (rules_load_file(rs, path) != 0) {
		snprintf(err, errlen, "%s: error: cannot load rule file", path);
		return -1;
	}
	return 0;
}

int runmode_load_rules(const struct conf *c, const struct runmode_rule_sources *src,
		       struct rules_ruleset **out, char *err, size_t errlen)
{
	struct rules_ruleset *rs = rules_ruleset_new(c);
	if (!rs) {
		snprintf(err, errlen, "error: out of memory loading rules");
		return -1;
	}
	load_side_file(rs, c, "classification-file", "classification.config",
		       rules_classification_load);
	load_side_file(rs, c, "reference-config-file", "reference.config",
		       rules_reference_config_load);

	int rc = 0;
	if (src->only) {
		rc = load_one(rs, src->only, true, err, errlen);
	} else {
		const char *dir = NULL;
		char rootrules[4096];
		if (conf_get_str(c, "default-rule-path", NULL, &dir, err, errlen) != 0)
			rc = -1;
		dir = conf_path_relative(c, dir ? dir : "rules", rootrules, sizeof(rootrules));
		const struct conf_node *files = conf_get_node(c, "rule-files");
		if (rc == 0 && files && files->type == CONF_SEQ) {
			for (const struct conf_node *f = files->first_child; f && rc == 0;
			     f = f->next) {
				if (f->type != CONF_SCALAR || !f->value)
					continue;
				char buf[4096];
				rc = load_one(rs, rule_path(dir, f->value, buf, sizeof(buf)), false,
					      err, errlen);
			}
		} else if (rc == 0 && files && files->type != CONF_SEQ) {
			char pos[300];
			snprintf(err, errlen, "%s: error: rule-files: expected a list of file names",
				 conf_node_position(files, pos, sizeof(pos)));
			rc = -1;
		}
	}
	if (rc == 0 && src->extra)
		rc = load_one(rs, src->extra, true, err, errlen);
	if (rc != 0) {
		rules_ruleset_free(rs);
		return -1;
	}
	rules_ruleset_finalize(rs);

	/* Errors always, warnings with -v; a count otherwise so nothing is hidden. */
	size_t n = rules_diag_count(rs), warnings = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rule_diag *d = rules_diag_at(rs, i);
		if (d->severity == RULE_SEV_ERROR && !d->in_disabled_rule)
			rules_diag_print(stderr, d, true);
		else if (src->verbose)
			rules_diag_print(stderr, d, true);
		else if (d->severity == RULE_SEV_WARNING)
			warnings++;
	}
	if (warnings)
		log_info("%zu rule warnings not shown (-v shows them; `aegis lint FILE` explains "
			 "them)", warnings);
	*out = rs;
	return 0;
}
