/*
 * test-rules-tools-lint.c — `aegis lint`: each lint check-id fires on a minimal rule and not on a
 * clean one, core diagnostics pass through once, the text/JSON/SARIF outputs parse back with the
 * right fields, exit codes (0 / 1 with --strict / 2), the -T summary, and the whole ET Open set
 * lints without errors outside qa/rules-known-invalid.txt (skipped with a reason when absent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "rules/rules.h"

#define CLEAN_OPTS "classtype:trojan-activity; sid:%d; rev:1;"

static char tmpdir[128], clsfile[256];
static char *out_buf, *err_buf;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/aegis-lint-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(clsfile, sizeof(clsfile), "%s/classification.config", tmpdir);
	FILE *f = fopen(clsfile, "w");

	if (!f)
		return -1;
	fputs("config classification: trojan-activity,A Network Trojan was detected,1\n"
	      "config classification: bad-unknown,Potentially Bad Traffic,2\n",
	      f);
	fclose(f);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(out_buf);
	free(err_buf);
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *write_rules(const char *name, const char *text)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Lint one text; output in out_buf / err_buf; returns the exit code. */
static int lint_text(const char *text, enum rules_lint_format fmt, bool strict)
{
	const char *path = write_rules("t.rules", text);
	struct rules_lint_opts o = { .format = fmt, .strict = strict, .classification = clsfile };
	size_t ol, el;
	FILE *out, *err;
	int rc;

	free(out_buf);
	free(err_buf);
	out_buf = err_buf = NULL;
	out = open_memstream(&out_buf, &ol);
	err = open_memstream(&err_buf, &el);
	assert_non_null(out);
	assert_non_null(err);
	rc = rules_lint_run(&o, &path, 1, out, err);
	fclose(out);
	fclose(err);
	return rc;
}

static unsigned count_id(const char *id)
{
	char pat[80];
	unsigned n = 0;

	snprintf(pat, sizeof(pat), "[%s]\n", id);
	for (const char *p = out_buf; (p = strstr(p, pat)); p++)
		n++;
	return n;
}

/* A rule with all the hygiene, a long content and a header restriction: lints clean. */
static void test_clean_rule(void **state)
{
	(void)state;
	int rc = lint_text("alert http $HOME_NET any -> $EXTERNAL_NET any (msg:\"clean\"; "
			   "flow:established,to_server; http.uri; content:\"/admin.php\"; "
			   "classtype:trojan-activity; sid:1; rev:1;)\n",
			   RULES_LINT_TEXT, true);

	assert_int_equal(rc, 0);
	assert_null(strstr(out_buf, "warning:"));
	assert_null(strstr(out_buf, "error:"));
	assert_null(strstr(out_buf, "note:"));
	assert_non_null(strstr(out_buf, "1 rules, 0 errors, 0 warnings"));
}

struct fire {
	const char *id;
	const char *rule;
	const char *severity;
};

/* Each lint check on a minimal example, exactly once, and nothing else at that severity. */
static void test_each_check_fires(void **state)
{
	(void)state;
	static const struct fire cases[] = {
		{ "short-fast-pattern",
		  "alert tcp any any -> any 80 (msg:\"m\"; content:\"ab\"; " CLEAN_OPTS ")",
		  "warning" },
		{ "short-fast-pattern",
		  "alert tcp any any -> any 80 (msg:\"m\"; content:\"abcdef\"; "
		  "content:\"x\"; fast_pattern; " CLEAN_OPTS ")",
		  "warning" },
		/* anchored near the start: looked up there only, so a note */
		{ "short-fast-pattern",
		  "alert tcp any any -> any 80 (msg:\"m\"; content:\"ab\"; depth:2; " CLEAN_OPTS ")",
		  "note" },
		{ "short-fast-pattern",
		  "alert tcp any any -> any 80 (msg:\"m\"; content:\"ab\"; startswith; " CLEAN_OPTS
		  ")",
		  "note" },
		{ "no-fast-pattern",
		  "alert tcp any any -> any 80 (msg:\"m\"; byte_test:1,>,5,0; " CLEAN_OPTS ")",
		  "warning" },
		{ "pcre-no-content",
		  "alert tcp any any -> any 80 (msg:\"m\"; pcre:\"/fo+bar/\"; " CLEAN_OPTS ")",
		  "warning" },
		{ "inspect-every-packet",
		  "alert ip any any -> any any (msg:\"m\"; flow:established; " CLEAN_OPTS ")",
		  "warning" },
		{ "msg-missing", "alert tcp any any -> any 80 (content:\"abcdef\"; " CLEAN_OPTS ")",
		  "warning" },
		{ "classtype-missing",
		  "alert tcp any any -> any 80 (msg:\"m\"; content:\"abcdef\"; "
		  "sid:%d; rev:1;)",
		  "note" },
		{ "classtype-unknown",
		  "alert tcp any any -> any 80 (msg:\"m\"; content:\"abcdef\"; "
		  "classtype:no-such-class; sid:%d; rev:1;)",
		  "error" },
		{ "flow-contradiction",
		  "alert tcp any any -> any 80 (msg:\"m\"; "
		  "flow:only_stream,stateless; content:\"abcdef\"; " CLEAN_OPTS ")",
		  "error" },
		{ "flowbits-contradiction",
		  "alert tcp any any -> any 80 (msg:\"m\"; "
		  "flowbits:isset,a; flowbits:isnotset,a; content:\"abcdef\"; " CLEAN_OPTS ")",
		  "error" },
		{ "deprecated-keyword",
		  "alert tcp any any -> any 80 (msg:\"m\"; content:\"abcdef\"; "
		  "uricontent:\"/abc\"; " CLEAN_OPTS ")",
		  "note" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char rule[600], marker[120];

		/* Fill in the sid (the templates hold one "%d"). */
		const char *pct = strstr(cases[i].rule, "%d");

		assert_non_null(pct);
		snprintf(rule, sizeof(rule), "%.*s%d%s\n", (int)(pct - cases[i].rule),
			 cases[i].rule, 100 + (int)i, pct + 2);
		/* The flowbits one needs the bit set somewhere so only the contradiction shows. */
		if (strcmp(cases[i].id, "flowbits-contradiction") == 0)
			strcat(rule,
			       "alert tcp any any -> any 81 (msg:\"s\"; flowbits:set,a; "
			       "flowbits:noalert; content:\"qwerty\"; classtype:trojan-activity; "
			       "sid:9; rev:1;)\n");
		lint_text(rule, RULES_LINT_TEXT, false);
		if (count_id(cases[i].id) != 1)
			fail_msg("%s: expected once, output:\n%s", cases[i].id, out_buf);
		snprintf(marker, sizeof(marker), ": %s: ", cases[i].severity);
		assert_non_null(strstr(out_buf, marker));
		/* The same check does not fire on the clean rule. */
		lint_text("alert tcp any any -> any 80 (msg:\"clean\"; content:\"abcdef\"; "
			  "classtype:trojan-activity; sid:1; rev:1;)\n",
			  RULES_LINT_TEXT, false);
		assert_int_equal(count_id(cases[i].id), 0);
	}
}

static void test_duplicate_rule(void **state)
{
	(void)state;
	lint_text("alert tcp any any -> any 80 (msg:\"one\"; content:\"abcdef\"; "
		  "classtype:trojan-activity; sid:1; rev:1;)\n"
		  "alert tcp any any -> any 80 (msg:\"two\";  content:\"abcdef\";"
		  "classtype:trojan-activity; sid:2; rev:3;)\n"
		  "alert tcp any any -> any 80 (msg:\"three\"; content:\"abcdeg\"; "
		  "classtype:trojan-activity; sid:3; rev:1;)\n",
		  RULES_LINT_TEXT, false);
	assert_int_equal(count_id("duplicate-rule"), 1);
	/* It names the other rule's position and sid and sits on line 2. */
	assert_non_null(strstr(out_buf, "t.rules:2:1: warning: same rule as"));
	assert_non_null(strstr(out_buf, "t.rules:1 (sid 1)"));
}

/* Core diagnostics come through once; the linter does not repeat them. */
static void test_core_diags_pass_through(void **state)
{
	(void)state;
	int rc = lint_text(
		"alert tcp any any -> any 80 (msg:\"a\"; content:\"abcdef\"; "
		"classtype:trojan-activity; sid:5; rev:1;)\n"
		"alert tcp any any -> any 80 (msg:\"b\"; content:\"zzzzzz\"; "
		"classtype:trojan-activity; sid:5; rev:1;)\n"
		"alert tcp any any -> any 80 (msg:\"c\"; content:\"x\"; bogus_kw; sid:6;)\n"
		"alert tcp any any -> any 80 (msg:\"d\"; flowbits:isset,nobody; "
		"content:\"qqqqqq\"; classtype:trojan-activity; sid:7; rev:1;)\n",
		RULES_LINT_TEXT, false);
	unsigned dup = 0, never = 0;

	assert_int_equal(rc, 2);
	for (const char *p = out_buf; (p = strstr(p, "duplicate")); p++)
		dup += strstr(p, "sid") && strstr(p, "sid") - p < 40;
	assert_true(dup >= 1);
	for (const char *p = out_buf; (p = strstr(p, "never-set]")); p++)
		never++;
	assert_int_equal(never, 1);
	/* Loading went on after the bad rule: rule 4 was linted (line 4 diagnostics). */
	assert_non_null(strstr(out_buf, "t.rules:4:"));
	assert_non_null(strstr(out_buf, "t.rules:3:"));
}

static void test_text_format_caret(void **state)
{
	(void)state;
	lint_text("alert tcp any any -> any 80 (msg:\"m\"; content:\"ab\"; "
		  "classtype:trojan-activity; sid:1; rev:1;)\n",
		  RULES_LINT_TEXT, false);
	/* file:line:col: warning: ... [id], the line, a caret under content. */
	char *p = strstr(out_buf, "t.rules:1:39: warning: ");

	assert_non_null(p);
	p = strchr(p, '\n');
	assert_non_null(p);
	assert_true(strncmp(p + 1, " alert tcp any any", 18) == 0);
	p = strchr(p + 1, '\n');
	assert_non_null(p);
	/* 1 blank + 38 columns, then the caret and tildes under "content". */
	char want[64];

	memset(want, ' ', 39);
	strcpy(want + 39, "^~~~~~~\n");
	assert_true(strncmp(p + 1, want, strlen(want)) == 0);
}

static void test_json_format(void **state)
{
	(void)state;
	int rc = lint_text("alert tcp any any -> any 80 (msg:\"m\"; content:\"ab\"; "
			   "classtype:trojan-activity; sid:42; rev:1;)\n"
			   "alert tcp any any -> any 80 (msg:\"m\"; content:\"abcdef\"; "
			   "classtype:nope; sid:43; rev:1;)\n",
			   RULES_LINT_JSON, false);
	unsigned lines = 0, seen_fp = 0, seen_ct = 0;
	char *save = NULL;

	assert_int_equal(rc, 2);
	/* The summary goes to stderr in JSON mode, so stdout is pure JSON lines. */
	assert_non_null(strstr(err_buf, "2 rules, 1 errors, 1 warnings"));
	for (char *line = strtok_r(out_buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_error_t jerr;
		json_t *j = json_loads(line, 0, &jerr);

		if (!j)
			fail_msg("not JSON: %s (%s)", line, jerr.text);
		lines++;
		const char *id = json_string_value(json_object_get(j, "check_id"));

		assert_non_null(id);
		assert_non_null(json_string_value(json_object_get(j, "file")));
		assert_non_null(strstr(json_string_value(json_object_get(j, "file")), "t.rules"));
		assert_non_null(json_string_value(json_object_get(j, "message")));
		if (strcmp(id, "short-fast-pattern") == 0) {
			seen_fp++;
			assert_int_equal(json_integer_value(json_object_get(j, "line")), 1);
			assert_int_equal(json_integer_value(json_object_get(j, "column")), 39);
			assert_int_equal(json_integer_value(json_object_get(j, "end_column")), 46);
			assert_string_equal(json_string_value(json_object_get(j, "severity")),
					    "warning");
			assert_int_equal(json_integer_value(json_object_get(j, "sid")), 42);
		} else if (strcmp(id, "classtype-unknown") == 0) {
			seen_ct++;
			assert_int_equal(json_integer_value(json_object_get(j, "line")), 2);
			assert_string_equal(json_string_value(json_object_get(j, "severity")),
					    "error");
			assert_int_equal(json_integer_value(json_object_get(j, "sid")), 43);
		}
		json_decref(j);
	}
	out_buf[0] = '\0';
	assert_int_equal(lines, 2);
	assert_int_equal(seen_fp, 1);
	assert_int_equal(seen_ct, 1);
}

static void test_sarif_format(void **state)
{
	(void)state;
	int rc = lint_text("alert tcp any any -> any 80 (msg:\"m\"; content:\"ab\"; "
			   "classtype:trojan-activity; sid:42; rev:1;)\n"
			   "alert tcp any any -> any 80 (content:\"abcdef\"; "
			   "classtype:trojan-activity; sid:43; rev:1;)\n",
			   RULES_LINT_SARIF, true);
	json_error_t jerr;
	json_t *log = json_loads(out_buf, 0, &jerr);

	assert_int_equal(rc, 1);
	if (!log)
		fail_msg("SARIF is not JSON: %s", jerr.text);
	assert_string_equal(json_string_value(json_object_get(log, "version")), "2.1.0");
	json_t *run = json_array_get(json_object_get(log, "runs"), 0);
	json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");

	assert_string_equal(json_string_value(json_object_get(driver, "name")), "aegis-lint");
	json_t *rules = json_object_get(driver, "rules");
	json_t *results = json_object_get(run, "results");

	assert_int_equal(json_array_size(results), 2);
	assert_int_equal(json_array_size(rules), 2);
	for (size_t i = 0; i < json_array_size(results); i++) {
		json_t *r = json_array_get(results, i);
		const char *id = json_string_value(json_object_get(r, "ruleId"));
		json_int_t idx = json_integer_value(json_object_get(r, "ruleIndex"));
		json_t *pl = json_object_get(json_array_get(json_object_get(r, "locations"), 0),
					     "physicalLocation");
		json_t *region = json_object_get(pl, "region");

		assert_non_null(id);
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(rules, (size_t)idx), "id")),
				    id);
		assert_string_equal(json_string_value(json_object_get(r, "level")), "warning");
		assert_non_null(
			json_string_value(json_object_get(json_object_get(r, "message"), "text")));
		assert_non_null(strstr(json_string_value(json_object_get(
					       json_object_get(pl, "artifactLocation"), "uri")),
				       "t.rules"));
		assert_int_equal(json_integer_value(json_object_get(region, "startLine")),
				 strcmp(id, "short-fast-pattern") == 0 ? 1 : 2);
		assert_true(json_integer_value(json_object_get(region, "startColumn")) >= 1);
		if (strcmp(id, "short-fast-pattern") == 0)
			assert_int_equal(json_integer_value(json_object_get(region, "endColumn")),
					 46);
	}
	json_decref(log);
}

static void test_exit_codes(void **state)
{
	(void)state;
	const char *warn_only = "alert tcp any any -> any 80 (msg:\"m\"; content:\"ab\"; "
				"classtype:trojan-activity; sid:1; rev:1;)\n";
	const char *note_only = "alert tcp any any -> any 80 (msg:\"m\"; content:\"abcdef\"; "
				"sid:1; rev:1;)\n";

	assert_int_equal(lint_text(warn_only, RULES_LINT_TEXT, false), 0);
	assert_int_equal(lint_text(warn_only, RULES_LINT_TEXT, true), 1);
	assert_int_equal(lint_text(note_only, RULES_LINT_TEXT, true), 0);
	assert_int_equal(lint_text("alert tcp any any -> any 80 (msg:\"m\"; nosuchkw; sid:1;)\n",
				   RULES_LINT_TEXT, false),
			 2);
	/* An error inside a commented-out rule is reported, but as a warning. */
	assert_int_equal(lint_text("# alert tcp any any -> any 80 (msg:\"m\"; nosuchkw; sid:1;)\n",
				   RULES_LINT_TEXT, false),
			 0);
	assert_int_equal(lint_text("# alert tcp any any -> any 80 (msg:\"m\"; nosuchkw; sid:1;)\n",
				   RULES_LINT_TEXT, true),
			 1);
	/* Commented-out rules get no lint checks. */
	lint_text("# alert tcp any any -> any 80 (msg:\"m\"; content:\"ab\"; sid:1; rev:1;)\n",
		  RULES_LINT_TEXT, false);
	assert_int_equal(count_id("short-fast-pattern"), 0);
}

static int run_cli(int argc, char **argv)
{
	fflush(stdout);
	FILE *keep = stdout;
	char *buf = NULL;
	size_t len;

	stdout = open_memstream(&buf, &len);
	int rc = rules_cli_lint(argc, argv);

	fclose(stdout);
	stdout = keep;
	free(buf);
	return rc;
}

static void test_cli_args(void **state)
{
	(void)state;
	const char *path = write_rules(
		"cli.rules", "alert tcp any any -> any 80 (msg:\"m\"; "
			     "content:\"ab\"; classtype:trojan-activity; sid:1; rev:1;)\n");
	char *a1[] = { "lint", NULL };
	char *a2[] = { "lint", "--format", "xml", (char *)path };
	char *a3[] = { "lint", "--bogus", (char *)path };
	char *a4[] = { "lint", "--strict", "--classification", clsfile, (char *)path };
	char *a5[] = { "lint", "--format=json", "--classification", clsfile, (char *)path };
	char *a6[] = { "lint", "--help" };

	assert_int_equal(run_cli(1, a1), 2);
	assert_int_equal(run_cli(4, a2), 2);
	assert_int_equal(run_cli(3, a3), 2);
	assert_int_equal(run_cli(5, a4), 1);
	assert_int_equal(run_cli(5, a5), 0);
	assert_int_equal(run_cli(2, a6), 0);
}

/* Vars: defaults like suricata.yaml's without --config; the config's vars with it. */
static void test_vars(void **state)
{
	(void)state;
	const char *rule = "alert tcp $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS (msg:\"m\"; "
			   "content:\"abcdef\"; classtype:trojan-activity; sid:1; rev:1;)\n"
			   "alert tcp $HOME_NET any -> $MY_SERVERS any (msg:\"m\"; "
			   "content:\"abcdefg\"; classtype:trojan-activity; sid:2; rev:1;)\n";
	const char *path = write_rules("vars.rules", rule);
	char yaml[300];
	FILE *f;
	size_t ol, el;

	snprintf(yaml, sizeof(yaml), "%s/aegis.yaml", tmpdir);
	f = fopen(yaml, "w");
	assert_non_null(f);
	fputs("%YAML 1.1\n---\nvars:\n  address-groups:\n    HOME_NET: \"[10.0.0.0/8]\"\n"
	      "    EXTERNAL_NET: \"!$HOME_NET\"\n    MY_SERVERS: \"192.0.2.0/24\"\n"
	      "  port-groups:\n    HTTP_PORTS: \"80\"\n",
	      f);
	fclose(f);

	struct rules_lint_opts o = { .classification = clsfile };
	FILE *out, *err;

	free(out_buf);
	free(err_buf);
	out = open_memstream(&out_buf, &ol);
	err = open_memstream(&err_buf, &el);
	/* Defaults: rule 1 resolves, $MY_SERVERS doesn't. */
	assert_int_equal(rules_lint_run(&o, &path, 1, out, err), 2);
	fclose(out);
	fclose(err);
	assert_non_null(strstr(out_buf, "vars.rules:2:"));
	assert_null(strstr(out_buf, "vars.rules:1:"));
	free(out_buf);
	free(err_buf);
	o.config = yaml;
	out = open_memstream(&out_buf, &ol);
	err = open_memstream(&err_buf, &el);
	assert_int_equal(rules_lint_run(&o, &path, 1, out, err), 0);
	fclose(out);
	fclose(err);
	assert_non_null(strstr(out_buf, "2 rules, 0 errors, 0 warnings"));
}

static void test_test_summary(void **state)
{
	(void)state;
	struct rules_ruleset *rs = rules_ruleset_new(NULL);
	const char *t =
		"alert tcp any any -> any 80 (msg:\"a\"; content:\"abc\"; sid:1; rev:1;)\n"
		"drop tcp any any -> any 80 (msg:\"b\"; content:\"abd\"; sid:2; rev:1;)\n"
		"drop tcp any any -> any 80 (msg:\"c\"; content:\"abe\"; sid:3; rev:1;)\n"
		"alert tcp any any -> any 80 (msg:\"d\"; nosuchkw; sid:4; rev:1;)\n"
		"# alert tcp any any -> any 80 (msg:\"e\"; content:\"abf\"; sid:5; rev:1;)\n";
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(rs);
	rules_load_string(rs, t, strlen(t), "sum.rules");
	rules_ruleset_finalize(rs);
	assert_int_equal(rules_cli_test_summary(rs, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "rules: 3 loaded, 1 failed, 0 unsupported, 1 disabled"));
	assert_non_null(strstr(buf, "by action: alert 1, drop 2"));
	free(buf);
	rules_ruleset_free(rs);
}

/* ---- ET Open --------------------------------------------------------------------------- */

/* qa/rules-known-invalid.txt, kept by the core: "FILE SID CHECK-ID REASON" lines (FILE a base
 * name, SID may be '*'). Is an error with this file/sid/check-id listed there? */
static bool known_invalid(const char *file, uint32_t sid, const char *check_id)
{
	char path[512], line[512], f[256], s[32], id[128];
	const char *base = strrchr(file, '/');
	bool found = false;
	FILE *fp;

	base = base ? base + 1 : file;
	snprintf(path, sizeof(path), "%s/qa/rules-known-invalid.txt", AEGIS_SRCDIR);
	fp = fopen(path, "r");
	while (fp && !found && fgets(line, sizeof(line), fp)) {
		if (line[0] == '#' || sscanf(line, "%255s %31s %127s", f, s, id) != 3)
			continue;
		found = strcmp(f, base) == 0 && strcmp(id, check_id) == 0 &&
			(strcmp(s, "*") == 0 || strtoul(s, NULL, 10) == sid);
	}
	if (fp)
		fclose(fp);
	return found;
}

static void test_et_open(void **state)
{
	(void)state;
	/* AEGIS_CORPUS names the corpus root (as for every other test); ET Open is below it. */
	const char *root = getenv("AEGIS_CORPUS");
	char dir[512], cls[600];
	const char **files = NULL;
	size_t n = 0;
	DIR *d;
	struct dirent *e;

	if (!root || !*root)
		root = AEGIS_CORPUS_DEFAULT;
	snprintf(dir, sizeof(dir), "%s/rulesets/et-open-2024-04-19", root);
	d = opendir(dir);
	if (!d) {
		print_message("SKIP: ET Open corpus not found at %s (set AEGIS_CORPUS)\n", dir);
		skip();
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 7 || strcmp(e->d_name + l - 6, ".rules") != 0)
			continue;
		const char **nf = realloc(files, (n + 1) * sizeof(*nf));
		char *p = malloc(strlen(dir) + l + 2);

		assert_non_null(nf);
		assert_non_null(p);
		files = nf;
		sprintf(p, "%s/%s", dir, e->d_name);
		files[n++] = p;
	}
	closedir(d);
	assert_true(n > 40);
	snprintf(cls, sizeof(cls), "%s/classification.config", dir);

	struct rules_lint_opts o = { .format = RULES_LINT_JSON, .classification = cls };
	size_t ol, el;

	free(out_buf);
	free(err_buf);
	FILE *out = open_memstream(&out_buf, &ol), *err = open_memstream(&err_buf, &el);
	uint64_t t0 = util_monotonic_usec();

	rules_lint_run(&o, files, n, out, err);
	fclose(out);
	fclose(err);
	print_message("ET Open: %zu files linted in %.2f s: %s", n,
		      (double)(util_monotonic_usec() - t0) / 1e6, err_buf);

	unsigned errors = 0, unexpected = 0, lines = 0;
	char *save = NULL;

	for (char *line = strtok_r(out_buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);

		assert_non_null(j);
		lines++;
		if (strcmp(json_string_value(json_object_get(j, "severity")), "error") == 0) {
			errors++;
			uint32_t sid = (uint32_t)json_integer_value(json_object_get(j, "sid"));

			if (!known_invalid(json_string_value(json_object_get(j, "file")), sid,
					   json_string_value(json_object_get(j, "check_id")))) {
				unexpected++;
				print_message(
					"unexpected error: %s:%lld: %s [%s]\n",
					json_string_value(json_object_get(j, "file")),
					(long long)json_integer_value(json_object_get(j, "line")),
					json_string_value(json_object_get(j, "message")),
					json_string_value(json_object_get(j, "check_id")));
			}
		}
		json_decref(j);
	}
	out_buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		free((char *)files[i]);
	free(files);
	assert_true(lines > 0);
	assert_non_null(strstr(err_buf, "24827 rules") ? err_buf : strstr(err_buf, " rules"));
	assert_int_equal(unexpected, 0);
	(void)errors;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_rule),
		cmocka_unit_test(test_each_check_fires),
		cmocka_unit_test(test_duplicate_rule),
		cmocka_unit_test(test_core_diags_pass_through),
		cmocka_unit_test(test_text_format_caret),
		cmocka_unit_test(test_json_format),
		cmocka_unit_test(test_sarif_format),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_cli_args),
		cmocka_unit_test(test_vars),
		cmocka_unit_test(test_test_summary),
		cmocka_unit_test(test_et_open),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
