/*
 * classification.c — classification.config ("config classification: name,description,priority")
 * and reference.config ("config reference: system url-prefix") loading into the ruleset, so
 * rules' classtype and reference systems can be resolved and checked (the linter reports unknown
 * classtypes; the alert output uses the description and priority).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/internal.h"

typedef int (*line_fn)(struct rules_ruleset *rs, const char *file, uint32_t line, char *text,
		       const char *raw, size_t rawlen);

static int for_each_config_line(struct rules_ruleset *rs, const char *text, size_t len,
				const char *name, const char *prefix, const char *check_id,
				line_fn fn)
{
	const char *file = strmap_intern(&rs->strings, &rs->arena, name ? name : "<string>");
	if (!file)
		return -1;
	const char *p = text, *end = text + len;
	uint32_t lineno = 0;
	char buf[1024];
	while (p < end) {
		const char *le = memchr(p, '\n', (size_t)(end - p));
		if (!le)
			le = end;
		size_t n = (size_t)(le - p);
		const char *raw = p;
		p = le < end ? le + 1 : end;
		lineno++;
		if (n >= sizeof(buf)) {
			rules_diag_file(rs, RULE_SEV_ERROR, file, lineno, 1, NULL, 0, check_id,
					"line too long");
			continue;
		}
		memcpy(buf, raw, n);
		buf[n] = '\0';
		char *s = rules_trim(buf);
		if (!*s || *s == '#')
			continue;
		size_t pl = strlen(prefix);
		if (strncmp(s, prefix, pl) != 0) {
			rules_diag_file(rs, RULE_SEV_WARNING, file, lineno, 1, raw, n, check_id,
					"line does not start with \"%s\"", prefix);
			continue;
		}
		fn(rs, file, lineno, rules_trim(s + pl), raw, n);
	}
	return 0;
}

static int classification_line(struct rules_ruleset *rs, const char *file, uint32_t line,
			       char *s, const char *raw, size_t rawlen)
{
	char *parts[4];
	int np = rules_split_commas(s, parts, 4);
	int64_t prio;
	if (np != 3 || !*parts[0] || rules_parse_i64(parts[2], 1, 255, &prio) < 0) {
		rules_diag_file(rs, RULE_SEV_ERROR, file, line, 1, raw, rawlen,
				"classification-config",
				"expected \"config classification: name,description,priority\"");
		return -1;
	}
	struct rules_classtype *ct = arena_alloc(&rs->arena, sizeof(*ct));
	if (!ct)
		return -1;
	ct->name = arena_strdup(&rs->arena, parts[0]);
	ct->desc = arena_strdup(&rs->arena, parts[1]);
	ct->priority = (int)prio;
	if (!ct->name || !ct->desc)
		return -1;
	if (!strmap_get(&rs->classtypes, ct->name))
		rs->n_classtypes++;
	return strmap_put(&rs->classtypes, &rs->arena, ct->name, ct);
}

int rules_classification_load_string(struct rules_ruleset *rs, const char *text, size_t len,
				     const char *name)
{
	return for_each_config_line(rs, text, len, name, "config classification:",
				    "classification-config", classification_line);
}

int rules_classification_load(struct rules_ruleset *rs, const char *path)
{
	char *data;
	size_t len;
	if (rules_read_file(path, &data, &len) < 0) {
		const char *file = strmap_intern(&rs->strings, &rs->arena, path);
		rules_diag_file(rs, RULE_SEV_ERROR, file ? file : path, 0, 0, NULL, 0, "file-read",
				"cannot read classification file: %s", strerror(errno));
		return -1;
	}
	int rc = rules_classification_load_string(rs, data, len, path);
	free(data);
	return rc;
}

const struct rules_classtype *rules_classtype_lookup(const struct rules_ruleset *rs,
						     const char *name)
{
	return strmap_get(&rs->classtypes, name);
}

size_t rules_classtype_count(const struct rules_ruleset *rs)
{
	return rs->n_classtypes;
}

static int reference_line(struct rules_ruleset *rs, const char *file, uint32_t line, char *s,
			  const char *raw, size_t rawlen)
{
	char *sp = s;
	while (*sp && !isspace((unsigned char)*sp))
		sp++;
	if (!*sp || sp == s) {
		rules_diag_file(rs, RULE_SEV_ERROR, file, line, 1, raw, rawlen, "reference-config",
				"expected \"config reference: system url-prefix\"");
		return -1;
	}
	*sp = '\0';
	char *url = rules_trim(sp + 1);
	for (char *c = s; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	const char *u = arena_strdup(&rs->arena, url);
	return u ? strmap_put(&rs->refsys, &rs->arena, s, (void *)u) : -1;
}

int rules_reference_config_load_string(struct rules_ruleset *rs, const char *text, size_t len,
				       const char *name)
{
	return for_each_config_line(rs, text, len, name, "config reference:", "reference-config",
				    reference_line);
}

int rules_reference_config_load(struct rules_ruleset *rs, const char *path)
{
	char *data;
	size_t len;
	if (rules_read_file(path, &data, &len) < 0) {
		const char *file = strmap_intern(&rs->strings, &rs->arena, path);
		rules_diag_file(rs, RULE_SEV_ERROR, file ? file : path, 0, 0, NULL, 0, "file-read",
				"cannot read reference file: %s", strerror(errno));
		return -1;
	}
	int rc = rules_reference_config_load_string(rs, data, len, path);
	free(data);
	return rc;
}

const char *rules_reference_url(const struct rules_ruleset *rs, const char *system)
{
	char low[64];
	size_t i;
	for (i = 0; system[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)system[i]);
	low[i] = '\0';
	return strmap_get(&rs->refsys, low);
}
