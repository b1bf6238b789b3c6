/*
 * test-conf.c — unit tests for the conf stage: YAML loading with positions, aliases and their
 * limits, include/!include, typed getters and their error messages, sequence lookups, --set,
 * unknown-key warnings (on every suricata-verify suricata.yaml and on etc/aegis.yaml), and the
 * config root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "util/util.h"

#ifndef AEGIS_SRCDIR
#define AEGIS_SRCDIR "."
#endif

static char err[CONF_ERR_LEN];

static struct conf *load(const char *yaml)
{
	struct conf *c = NULL;
	int r = conf_load_string(&c, yaml, strlen(yaml), "t.yaml", err, sizeof(err));
	if (r != 0)
		fprintf(stderr, "unexpected load error: %s\n", err);
	assert_int_equal(r, 0);
	assert_non_null(c);
	return c;
}

static void load_fails(const char *yaml)
{
	struct conf *c = (struct conf *)1;
	assert_int_equal(conf_load_string(&c, yaml, strlen(yaml), "t.yaml", err, sizeof(err)), -1);
	assert_null(c);
}

/* ---- temp files --------------------------------------------------------------------------- */

static char tmpdir[256];

static int setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/aegis-test-conf-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static void rm_rf(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		unlink(path);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char p[1024];
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		rm_rf(p);
	}
	closedir(d);
	rmdir(path);
}

static int teardown_tmp(void **state)
{
	(void)state;
	rm_rf(tmpdir);
	return 0;
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* ---- capturing log output (warnings go to stderr) ----------------------------------------- */

static int saved_stderr = -1;
static char cap_path[] = "/tmp/aegis-test-conf-log-XXXXXX";
static int cap_fd = -1;

static void capture_begin(void)
{
	fflush(stderr);
	strcpy(cap_path, "/tmp/aegis-test-conf-log-XXXXXX");
	cap_fd = mkstemp(cap_path);
	assert_true(cap_fd >= 0);
	saved_stderr = dup(2);
	dup2(cap_fd, 2);
}

/* Returns a malloc'd copy of what was logged. */
static char *capture_end(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	off_t len = lseek(cap_fd, 0, SEEK_END);
	char *buf = calloc(1, (size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(pread(cap_fd, buf, (size_t)len, 0), len);
	close(cap_fd);
	unlink(cap_path);
	return buf;
}

/* ---- loading and positions ---------------------------------------------------------------- */

static void test_scalars_and_positions(void **state)
{
	(void)state;
	struct conf *c = load("a: 1\nb:\n  c: hello\n  d: [x, y]\n");
	struct conf_node *n = conf_get_node(c, "a");
	assert_non_null(n);
	assert_int_equal(n->type, CONF_SCALAR);
	assert_string_equal(n->value, "1");
	assert_string_equal(n->file, "t.yaml");
	assert_int_equal(n->line, 1);
	assert_int_equal(n->col, 1);
	n = conf_get_node(c, "b.c");
	assert_string_equal(n->value, "hello");
	assert_int_equal(n->line, 3);
	assert_int_equal(n->col, 3);
	n = conf_get_node(c, "b");
	assert_int_equal(n->type, CONF_MAP);
	assert_int_equal(n->n_children, 2);
	n = conf_get_node(c, "b.d");
	assert_int_equal(n->type, CONF_SEQ);
	assert_int_equal(n->n_children, 2);
	n = conf_get_node(c, "b.d.1");
	assert_string_equal(n->value, "y");
	assert_int_equal(n->line, 4);
	assert_int_equal(n->col, 10);
	char pos[128];
	assert_string_equal(conf_node_position(n, pos, sizeof(pos)), "t.yaml:4:10");
	assert_null(conf_get_node(c, "b.d.2"));
	assert_null(conf_get_node(c, "b.x"));
	assert_null(conf_get_node(c, "a.b"));
	assert_null(conf_get_node(c, "b..c"));
	assert_null(conf_get_node(c, ""));
	conf_free(c);
}

static void test_yaml_header(void **state)
{
	(void)state;
	struct conf *c = load("%YAML 1.1\n---\n\nflow:\n  memcap: 32mb\n");
	struct conf_node *n = conf_get_node(c, "flow.memcap");
	assert_non_null(n);
	assert_string_equal(n->value, "32mb");
	assert_int_equal(n->line, 5);
	conf_free(c);
}

static void test_empty_and_comment_only(void **state)
{
	(void)state;
	struct conf *c = load("");
	assert_non_null(c->root);
	assert_int_equal(c->root->n_children, 0);
	conf_free(c);
	c = load("%YAML 1.1\n---\n# nothing here\n");
	assert_int_equal(c->root->n_children, 0);
	conf_free(c);
}

static void test_syntax_error_position(void **state)
{
	(void)state;
	load_fails("a: 1\nb: [1, 2\nc: 3\n");
	assert_non_null(strstr(err, "t.yaml:"));
	assert_non_null(strstr(err, ": error: "));
	/* the libyaml mark is 0-based; we print it 1-based: line 3 is where the flow seq breaks */
	assert_int_equal(strncmp(err, "t.yaml:3:", 9), 0);

	load_fails("a: 1\n b: 2\n");
	assert_int_equal(strncmp(err, "t.yaml:2:", 9), 0);
}

static void test_top_level_must_be_map(void **state)
{
	(void)state;
	load_fails("- a\n- b\n");
	assert_string_equal(err, "t.yaml:1:1: error: the top level of a configuration file must be "
				 "a mapping (key: value)");
}

static void test_missing_file(void **state)
{
	(void)state;
	struct conf *c;
	assert_int_equal(conf_load_file(&c, "/nonexistent/aegis.yaml", err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/aegis.yaml: error: cannot open: No such file or "
				 "directory");
	assert_int_equal(conf_load_file(&c, "/tmp", err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: error: cannot open: Is a directory");
	assert_int_equal(conf_load_file(&c, "/dev/null", err, sizeof(err)), -1);
	assert_string_equal(err, "/dev/null: error: cannot open: not a regular file");
}

static void test_anchors_aliases(void **state)
{
	(void)state;
	struct conf *c = load("base: &b\n  memcap: 64mb\n  depth: 1mb\n"
			      "x: *b\n"
			      "list: &l [1, 2]\n"
			      "y:\n  inner: *l\n"
			      "s: &s word\nt: *s\n");
	assert_string_equal(conf_get_node(c, "x.memcap")->value, "64mb");
	assert_string_equal(conf_get_node(c, "x.depth")->value, "1mb");
	assert_int_equal(conf_get_node(c, "y.inner")->type, CONF_SEQ);
	assert_string_equal(conf_get_node(c, "y.inner.1")->value, "2");
	assert_string_equal(conf_get_node(c, "t")->value, "word");
	/* copies are independent: --set on the copy leaves the original alone */
	assert_int_equal(conf_set(c, "x.memcap", "1gb", err, sizeof(err)), 0);
	assert_string_equal(conf_get_node(c, "base.memcap")->value, "64mb");
	/* the alias's key keeps its own position */
	assert_int_equal(conf_get_node(c, "x")->line, 4);
	conf_free(c);
}

static void test_alias_bomb_bounded(void **state)
{
	(void)state;
	/* 9 levels of 10x: a billion scalars if expanded; must stop at the node cap */
	const char *bomb = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
			   "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
			   "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
			   "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
			   "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
			   "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
			   "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
			   "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
			   "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	load_fails(bomb);
	assert_non_null(strstr(err, "more than 1000000 nodes"));
	assert_int_equal(strncmp(err, "t.yaml:", 7), 0);
}

static void test_recursive_alias_and_depth(void **state)
{
	(void)state;
	load_fails("a: &a [1, *a]\n");
	assert_non_null(strstr(err, "alias refers to a node that contains it"));

	char deep[512] = "a: ";
	for (int i = 0; i < 70; i++)
		strcat(deep, "[");
	for (int i = 0; i < 70; i++)
		strcat(deep, "]");
	strcat(deep, "\n");
	load_fails(deep);
	assert_non_null(strstr(err, "nesting deeper than 64 levels"));
}

static void test_duplicate_keys_merge(void **state)
{
	(void)state;
	struct conf *c = load("flow:\n  memcap: 1mb\n  hash-size: 10\n"
			      "flow:\n  memcap: 2mb\n"
			      "x: 1\nx: [a]\n");
	assert_string_equal(conf_get_node(c, "flow.memcap")->value, "2mb");
	assert_string_equal(conf_get_node(c, "flow.hash-size")->value, "10");
	assert_int_equal(conf_get_node(c, "flow")->n_children, 2);
	assert_int_equal(conf_get_node(c, "x")->type, CONF_SEQ);
	assert_int_equal(c->root->n_children, 2);
	conf_free(c);
}

/* ---- includes ----------------------------------------------------------------------------- */

static void test_include_single_and_override(void **state)
{
	(void)state;
	write_tmp("default.yaml", "%YAML 1.1\n---\nflow:\n  memcap: 32mb\n  hash-size: 65536\n"
				  "outputs:\n  - fast:\n      enabled: yes\n");
	const char *main = write_tmp("main.yaml", "%YAML 1.1\n---\ninclude: default.yaml\n"
						  "flow:\n  memcap: 64mb\n");
	struct conf *c;
	assert_int_equal(conf_load_file(&c, main, err, sizeof(err)), 0);
	assert_string_equal(conf_get_node(c, "flow.memcap")->value, "64mb");
	struct conf_node *n = conf_get_node(c, "flow.hash-size");
	assert_string_equal(n->value, "65536");
	/* nodes from the included file carry its name and lines */
	assert_non_null(strstr(n->file, "default.yaml"));
	assert_int_equal(n->line, 5);
	assert_string_equal(conf_get_node(c, "outputs.fast.enabled")->value, "yes");
	assert_null(conf_get_node(c, "include"));
	assert_string_equal(c->path, main);
	conf_free(c);
}

static void test_include_list_in_mapping(void **state)
{
	(void)state;
	write_tmp("ag.yaml", "HOME_NET: \"[10.0.0.0/8]\"\n");
	write_tmp("ag2.yaml", "EXTERNAL_NET: \"!$HOME_NET\"\nHOME_NET: \"[192.168.0.0/16]\"\n");
	const char *main = write_tmp("m2.yaml", "vars:\n  address-groups:\n"
						"    include: [ag.yaml, ag2.yaml]\n"
						"    DNS_SERVERS: \"$HOME_NET\"\n");
	struct conf *c;
	assert_int_equal(conf_load_file(&c, main, err, sizeof(err)), 0);
	assert_string_equal(conf_get_node(c, "vars.address-groups.HOME_NET")->value,
			    "[192.168.0.0/16]");
	assert_string_equal(conf_get_node(c, "vars.address-groups.EXTERNAL_NET")->value,
			    "!$HOME_NET");
	assert_int_equal(conf_get_node(c, "vars.address-groups")->n_children, 3);
	conf_free(c);
}

static void test_bang_include(void **state)
{
	(void)state;
	write_tmp("outputs.yaml", "- eve-log:\n    enabled: yes\n    filename: x.json\n");
	const char *main = write_tmp("m3.yaml", "outputs: !include outputs.yaml\nother: 1\n");
	struct conf *c;
	assert_int_equal(conf_load_file(&c, main, err, sizeof(err)), 0);
	struct conf_node *n = conf_get_node(c, "outputs.eve-log.filename");
	assert_non_null(n);
	assert_string_equal(n->value, "x.json");
	assert_int_equal(n->line, 3);
	assert_non_null(strstr(n->file, "outputs.yaml"));
	assert_int_equal(conf_get_node(c, "outputs")->type, CONF_SEQ);
	conf_free(c);
}

static void test_include_depth_limit(void **state)
{
	(void)state;
	const char *p = write_tmp("loop.yaml", "a: 1\ninclude: loop.yaml\n");
	struct conf *c;
	assert_int_equal(conf_load_file(&c, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "includes nested deeper than 8 levels"));
	assert_non_null(strstr(err, "loop.yaml:2:10: error:"));
}

static void test_include_missing(void **state)
{
	(void)state;
	const char *p = write_tmp("m4.yaml", "a: 1\ninclude: nothere.yaml\n");
	struct conf *c;
	assert_int_equal(conf_load_file(&c, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nothere.yaml: error: cannot open: No such file or directory"));
	assert_non_null(strstr(err, "(included from "));
	assert_non_null(strstr(err, "m4.yaml:2:10)"));

	p = write_tmp("m5.yaml", "a: !include {x: 1}\n");
	assert_int_equal(conf_load_file(&c, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "m5.yaml:1:4: error: include: expected a file name"));
}

/* ---- typed getters ----------------------------------------------------------------------- */

static const char getters_yaml[] =
	"s: text\n"
	"empty:\n"
	"m:\n  k: v\n"
	"b1: yes\nb2: No\nb3: TRUE\nb4: off\nb5: 1\nb6: 0\nb7: On\nb8: false\n"
	"bad: abc\n"
	"i1: 42\ni2: -7\ni3: 12x\ni4: 99999999999999999999\n"
	"sz1: 64mb\nsz2: 4096\nsz3: 1gb\nsz4: lots\n";

static void test_get_str(void **state)
{
	(void)state;
	struct conf *c = load(getters_yaml);
	const char *s = NULL;
	assert_int_equal(conf_get_str(c, "s", "def", &s, err, sizeof(err)), 0);
	assert_string_equal(s, "text");
	assert_int_equal(conf_get_str(c, "absent", "def", &s, err, sizeof(err)), 0);
	assert_string_equal(s, "def");
	assert_int_equal(conf_get_str(c, "empty", "def", &s, err, sizeof(err)), 0);
	assert_string_equal(s, "def");
	assert_int_equal(conf_get_str(c, "m", "def", &s, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:3:1: error: m: expected a string, got a mapping");
	conf_free(c);
}

static void test_get_bool(void **state)
{
	(void)state;
	struct conf *c = load(getters_yaml);
	static const struct {
		const char *key;
		bool want;
	} cases[] = {{"b1", true}, {"b2", false}, {"b3", true}, {"b4", false},
		     {"b5", true}, {"b6", false}, {"b7", true}, {"b8", false}};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool v = !cases[i].want;
		assert_int_equal(
			conf_get_bool(c, cases[i].key, !cases[i].want, &v, err, sizeof(err)), 0);
		assert_int_equal(v, cases[i].want);
	}
	bool v = false;
	assert_int_equal(conf_get_bool(c, "absent", true, &v, err, sizeof(err)), 0);
	assert_true(v);
	assert_int_equal(conf_get_bool(c, "bad", true, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:13:1: error: bad: expected a boolean, got 'abc'");
	assert_int_equal(conf_get_bool(c, "m", true, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:3:1: error: m: expected a boolean, got a mapping");
	conf_free(c);
}

static void test_get_int(void **state)
{
	(void)state;
	struct conf *c = load(getters_yaml);
	int64_t v = 0;
	assert_int_equal(conf_get_int(c, "i1", 0, 100, 5, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 42);
	assert_int_equal(conf_get_int(c, "i2", -10, 10, 5, &v, err, sizeof(err)), 0);
	assert_int_equal(v, -7);
	assert_int_equal(conf_get_int(c, "absent", 0, 100, 5, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 5);
	assert_int_equal(conf_get_int(c, "i1", 0, 10, 5, &v, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "t.yaml:14:1: error: i1: expected an integer in [0, 10], got '42'");
	assert_int_equal(conf_get_int(c, "i3", 0, 100, 5, &v, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "t.yaml:16:1: error: i3: expected an integer in [0, 100], got '12x'");
	assert_int_equal(conf_get_int(c, "i4", INT64_MIN, INT64_MAX, 5, &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "got '99999999999999999999'"));
	assert_int_equal(conf_get_int(c, "bad", 0, 100, 5, &v, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "t.yaml:13:1: error: bad: expected an integer in [0, 100], got 'abc'");
	conf_free(c);
}

static void test_get_size(void **state)
{
	(void)state;
	struct conf *c = load(getters_yaml);
	uint64_t v = 0;
	assert_int_equal(conf_get_size(c, "sz1", 1, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(conf_get_size(c, "sz2", 1, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(conf_get_size(c, "sz3", 1, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(conf_get_size(c, "absent", 77, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 77);
	assert_int_equal(conf_get_size(c, "sz4", 1, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:21:1: error: sz4: expected a size (e.g. 4096, 64kb, 32mb, "
				 "1gb), got 'lots'");
	conf_free(c);
}

static void test_getters_on_empty_conf(void **state)
{
	(void)state;
	struct conf *c = conf_new();
	assert_non_null(c);
	bool b = false;
	int64_t i = 0;
	uint64_t sz = 0;
	const char *s = NULL;
	assert_int_equal(conf_get_bool(c, "stream.midstream", true, &b, err, sizeof(err)), 0);
	assert_true(b);
	assert_int_equal(conf_get_int(c, "flow.prealloc", 0, 1000000, 10000, &i, err, sizeof(err)),
			 0);
	assert_int_equal(i, 10000);
	assert_int_equal(conf_get_size(c, "flow.memcap", 32 << 20, &sz, err, sizeof(err)), 0);
	assert_int_equal(sz, 32 << 20);
	assert_int_equal(conf_get_str(c, "runmode", "workers", &s, err, sizeof(err)), 0);
	assert_string_equal(s, "workers");
	assert_null(c->path);
	conf_free(c);
}

/* ---- sequences ---------------------------------------------------------------------------- */

static const char outputs_yaml[] = "outputs:\n"
				   "  - fast:\n"
				   "      enabled: no\n"
				   "  - eve-log:\n"
				   "      enabled: maybe\n"
				   "      filename: eve.json\n"
				   "      types:\n"
				   "        - alert:\n"
				   "            payload: yes\n"
				   "        - flow\n"
				   "af-packet:\n"
				   "  - interface: eth0\n"
				   "    threads: 4\n";

static void test_seq_by_name_and_index(void **state)
{
	(void)state;
	struct conf *c = load(outputs_yaml);
	assert_string_equal(conf_get_node(c, "outputs.eve-log.filename")->value, "eve.json");
	assert_string_equal(conf_get_node(c, "outputs.1.eve-log.filename")->value, "eve.json");
	assert_string_equal(conf_get_node(c, "outputs.0.fast.enabled")->value, "no");
	assert_string_equal(conf_get_node(c, "outputs.eve-log.types.alert.payload")->value, "yes");
	/* a scalar element is found by its value (types: - flow) */
	struct conf_node *flow = conf_get_node(c, "outputs.eve-log.types.flow");
	assert_non_null(flow);
	assert_int_equal(flow->type, CONF_SCALAR);
	assert_null(conf_get_node(c, "outputs.eve-log.types.dns"));
	assert_null(conf_get_node(c, "outputs.unified2"));
	assert_string_equal(conf_get_node(c, "af-packet.0.interface")->value, "eth0");
	/* the first key of a multi-key element names it too */
	assert_string_equal(conf_get_node(c, "af-packet.interface")->value, "eth0");

	bool b;
	assert_int_equal(conf_get_bool(c, "outputs.eve-log.enabled", true, &b, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "t.yaml:5:7: error: outputs.eve-log.enabled: expected a boolean, "
				 "got 'maybe'");
	char path[256];
	assert_string_equal(
		conf_node_path(conf_get_node(c, "outputs.1.eve-log.types.0.alert.payload"), path,
			       sizeof(path)),
		"outputs.eve-log.types.alert.payload");
	assert_string_equal(
		conf_node_path(conf_get_node(c, "af-packet.0.threads"), path, sizeof(path)),
		"af-packet.0.threads");
	conf_free(c);
}

static void test_node_relative_getters(void **state)
{
	(void)state;
	struct conf *c = load(outputs_yaml);
	struct conf_node *eve = conf_get_node(c, "outputs.eve-log");
	assert_non_null(eve);
	const char *s;
	assert_int_equal(conf_node_get_str(eve, "filename", "x", &s, err, sizeof(err)), 0);
	assert_string_equal(s, "eve.json");
	bool b;
	assert_int_equal(conf_node_get_bool(eve, "enabled", true, &b, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:5:7: error: outputs.eve-log.enabled: expected a boolean, "
				 "got 'maybe'");
	struct conf_node *ifc = conf_get_node(c, "af-packet.0");
	int64_t th;
	assert_int_equal(conf_node_get_int(ifc, "threads", 1, 64, 1, &th, err, sizeof(err)), 0);
	assert_int_equal(th, 4);
	assert_int_equal(conf_node_get_int(ifc, "threads", 1, 2, 1, &th, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:13:5: error: af-packet.0.threads: expected an integer in "
				 "[1, 2], got '4'");
	uint64_t sz;
	assert_int_equal(conf_node_get_size(ifc, "buffer-size", 123, &sz, err, sizeof(err)), 0);
	assert_int_equal(sz, 123);
	conf_free(c);
}

/* ---- --set -------------------------------------------------------------------------------- */

static void test_set_create(void **state)
{
	(void)state;
	struct conf *c = conf_new();
	assert_int_equal(conf_set(c, "a.b.c", "value", err, sizeof(err)), 0);
	struct conf_node *n = conf_get_node(c, "a.b.c");
	assert_non_null(n);
	assert_string_equal(n->value, "value");
	assert_string_equal(n->file, "--set");
	assert_int_equal(n->line, 0);
	assert_int_equal(conf_get_node(c, "a.b")->type, CONF_MAP);
	char pos[64];
	assert_string_equal(conf_node_position(n, pos, sizeof(pos)), "--set");
	conf_free(c);
}

static void test_set_replace(void **state)
{
	(void)state;
	struct conf *c =
		load("flow:\n  memcap: 32mb\n  prealloc: 10\nlogging:\n  default-output-filter:\n");
	assert_int_equal(conf_set(c, "flow.memcap", "64mb", err, sizeof(err)), 0);
	uint64_t sz;
	assert_int_equal(conf_get_size(c, "flow.memcap", 0, &sz, err, sizeof(err)), 0);
	assert_int_equal(sz, 64ULL << 20);
	assert_string_equal(conf_get_node(c, "flow.memcap")->file, "--set");
	assert_int_equal(conf_get_node(c, "flow")->n_children, 2);
	/* an empty (null) scalar can gain children */
	assert_int_equal(conf_set(c, "logging.default-output-filter.x", "1", err, sizeof(err)), 0);
	assert_string_equal(conf_get_node(c, "logging.default-output-filter.x")->value, "1");
	conf_free(c);
}

static void test_set_sequences(void **state)
{
	(void)state;
	struct conf *c = load(outputs_yaml);
	assert_int_equal(conf_set(c, "outputs.eve-log.filename", "alerts.json", err, sizeof(err)),
			 0);
	assert_string_equal(conf_get_node(c, "outputs.1.eve-log.filename")->value, "alerts.json");
	assert_int_equal(conf_set(c, "outputs.0.fast.enabled", "yes", err, sizeof(err)), 0);
	assert_string_equal(conf_get_node(c, "outputs.fast.enabled")->value, "yes");
	/* a new name appends `- stats: {enabled: yes}` */
	assert_int_equal(conf_set(c, "outputs.stats.enabled", "yes", err, sizeof(err)), 0);
	assert_int_equal(conf_get_node(c, "outputs")->n_children, 3);
	assert_string_equal(conf_get_node(c, "outputs.2.stats.enabled")->value, "yes");
	/* index == length appends, past it is an error */
	assert_int_equal(conf_set(c, "af-packet.1.interface", "eth1", err, sizeof(err)), 0);
	assert_string_equal(conf_get_node(c, "af-packet.1.interface")->value, "eth1");
	assert_int_equal(conf_set(c, "af-packet.5.interface", "eth5", err, sizeof(err)), -1);
	assert_string_equal(err,
			    "--set: error: af-packet.5.interface: index 5 is past the end of a "
			    "sequence of 2");
	conf_free(c);
}

static void test_set_errors(void **state)
{
	(void)state;
	struct conf *c = load("a: scalar\nm:\n  k: v\n");
	assert_int_equal(conf_set(c, "a.b", "x", err, sizeof(err)), -1);
	assert_string_equal(err, "--set: error: a.b: 'a' is a scalar ('scalar'), it has no keys "
				 "below it");
	assert_int_equal(conf_set(c, "m", "x", err, sizeof(err)), -1);
	assert_string_equal(err, "--set: error: m: cannot replace a mapping with a scalar");
	assert_int_equal(conf_set(c, "a..b", "x", err, sizeof(err)), -1);
	assert_string_equal(err, "--set: error: 'a..b' is not a valid key path (a.b.c)");
	assert_int_equal(conf_set(c, "", "x", err, sizeof(err)), -1);
	assert_int_equal(conf_set(c, "a.", "x", err, sizeof(err)), -1);
	assert_int_equal(conf_set(c, "a", NULL, err, sizeof(err)), -1);
	/* nothing changed */
	assert_string_equal(conf_get_node(c, "a")->value, "scalar");

	assert_int_equal(conf_set_arg(c, "m.k=new=er", err, sizeof(err)), 0);
	assert_string_equal(conf_get_node(c, "m.k")->value, "new=er");
	assert_int_equal(conf_set_arg(c, "novalue", err, sizeof(err)), -1);
	assert_string_equal(err, "--set: error: expected key=value, got 'novalue'");
	assert_int_equal(conf_set_arg(c, "=x", err, sizeof(err)), -1);
	conf_free(c);
}

/* ---- unknown keys ------------------------------------------------------------------------- */

static void test_unknown_keys(void **state)
{
	(void)state;
	struct conf *c = load("%YAML 1.1\n---\n"
			      "flow:\n"
			      "  memcapp: 1mb\n" /* line 4: typo */
			      "  hash-size: 10\n"
			      "outputs:\n"
			      "  - eve-log:\n"
			      "      enabled: yes\n"
			      "      filenme: x\n" /* line 9: typo */
			      "      types:\n"
			      "        - alert:\n"
			      "            payload: yes\n"
			      "  - eve-logg:\n" /* line 13: unknown output */
			      "      enabled: yes\n"
			      "vars:\n"
			      "  address-groups:\n"
			      "    ANY_NAME_GOES: any\n"
			      "rule-files: [a.rules]\n"
			      "bogus:\n" /* line 19: unknown section */
			      "  deeper: 1\n"
			      "fail-open: yes\n"
			      "dataplane:\n"
			      "  af-xdp:\n"
			      "    ring-size: 4096\n");
	capture_begin();
	unsigned n = conf_warn_unknown_keys(c);
	char *log = capture_end();
	assert_int_equal(n, 4);
	assert_non_null(strstr(log, "t.yaml:4: unknown configuration key 'flow.memcapp'"));
	assert_non_null(
		strstr(log, "t.yaml:9: unknown configuration key 'outputs.eve-log.filenme'"));
	assert_non_null(strstr(log, "t.yaml:13: unknown configuration key 'outputs.eve-logg'"));
	assert_non_null(strstr(log, "t.yaml:19: unknown configuration key 'bogus'"));
	assert_null(strstr(log, "deeper")); /* one warning for an unknown subtree */
	assert_non_null(strstr(log, "warning"));
	free(log);

	/* --set keys are checked too */
	assert_int_equal(conf_set(c, "stream.midstreem", "yes", err, sizeof(err)), 0);
	capture_begin();
	n = conf_warn_unknown_keys(c);
	log = capture_end();
	assert_int_equal(n, 5);
	assert_non_null(strstr(log, "--set: unknown configuration key 'stream.midstreem'"));
	free(log);
	conf_free(c);
}

static const char *corpus_dir(void)
{
	const char *env = getenv("AEGIS_CORPUS");
	if (env && *env)
		return env;
	return AEGIS_SRCDIR "/../shared/corpus";
}

static void test_suricata_verify_configs(void **state)
{
	(void)state;
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/suricata-verify", corpus_dir());
	DIR *d = opendir(dir);
	if (!d) {
		printf("SKIPPED: suricata-verify corpus not found at %s (set AEGIS_CORPUS)\n", dir);
		skip();
	}
	unsigned loaded = 0, missing_include = 0, warnings = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s/suricata.yaml", dir, e->d_name);
		if (access(path, R_OK) != 0)
			continue;
		struct conf *c;
		if (conf_load_file(&c, path, err, sizeof(err)) < 0) {
			/* http-xff-eve-reverse-overwrite includes ../../etc/suricata-4.0.3.yaml
			 * from the suricata-verify tree, which the corpus does not carry. */
			if (strstr(err, "cannot open") && strstr(err, "included from")) {
				missing_include++;
				continue;
			}
			fail_msg("%s", err);
		}
		capture_begin();
		unsigned w = conf_warn_unknown_keys(c);
		char *log = capture_end();
		if (w)
			fprintf(stderr, "%s", log);
		free(log);
		warnings += w;
		loaded++;
		conf_free(c);
	}
	closedir(d);
	printf("suricata-verify: %u configs loaded, %u with an include outside the corpus, "
	       "%u unknown-key warnings\n",
	       loaded, missing_include, warnings);
	assert_true(loaded >= 40);
	assert_true(missing_include <= 1);
	assert_int_equal(warnings, 0);
}

static void test_testmyids_include_merge(void **state)
{
	(void)state;
	char path[1024];
	snprintf(path, sizeof(path), "%s/suricata-verify/alert-testmyids/suricata.yaml",
		 corpus_dir());
	if (access(path, R_OK) != 0) {
		printf("SKIPPED: %s not found (set AEGIS_CORPUS)\n", path);
		skip();
	}
	struct conf *c;
	assert_int_equal(conf_load_file(&c, path, err, sizeof(err)), 0);
	/* from default.yaml (included) */
	assert_string_equal(conf_get_node(c, "vars.address-groups.HOME_NET")->value,
			    "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]");
	/* the including file's outputs replace the included sequence */
	assert_string_equal(conf_get_node(c, "outputs.0.fast.filename")->value, "fast.log");
	assert_string_equal(conf_get_node(c, "outputs.eve-log.types.alert.xff.mode")->value,
			    "extra-data");
	bool b = false;
	assert_int_equal(conf_get_bool(c, "outputs.eve-log.types.alert.payload", false, &b, err,
				       sizeof(err)),
			 0);
	assert_true(b);
	conf_free(c);
}

static void test_default_config_clean(void **state)
{
	(void)state;
	struct conf *c;
	const char *path = AEGIS_SRCDIR "/etc/aegis.yaml";
	if (conf_load_file(&c, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	capture_begin();
	unsigned w = conf_warn_unknown_keys(c);
	char *log = capture_end();
	if (w)
		fprintf(stderr, "%s", log);
	free(log);
	assert_int_equal(w, 0);

	/* the values the brief asks for, through the typed getters */
	uint64_t sz;
	int64_t i;
	bool b;
	const char *s;
	assert_int_equal(conf_get_size(c, "flow.memcap", 0, &sz, err, sizeof(err)), 0);
	assert_int_equal(sz, 32ULL << 20);
	assert_int_equal(conf_get_int(c, "flow.hash-size", 1, 1 << 24, 0, &i, err, sizeof(err)), 0);
	assert_int_equal(i, 65536);
	assert_int_equal(conf_get_int(c, "flow.prealloc", 0, 1 << 24, 0, &i, err, sizeof(err)), 0);
	assert_int_equal(i, 10000);
	assert_int_equal(
		conf_get_int(c, "flow.emergency-recovery", 0, 100, 0, &i, err, sizeof(err)), 0);
	assert_int_equal(i, 30);
	assert_int_equal(conf_get_bool(c, "outputs.eve-log.enabled", false, &b, err, sizeof(err)),
			 0);
	assert_true(b);
	assert_int_equal(conf_get_str(c, "outputs.eve-log.filetype", NULL, &s, err, sizeof(err)),
			 0);
	assert_string_equal(s, "regular");
	assert_int_equal(conf_get_str(c, "outputs.eve-log.filename", NULL, &s, err, sizeof(err)),
			 0);
	assert_string_equal(s, "eve.json");
	static const char *const types[] = {"alert", "anomaly", "flow", "stats",
					    "drop",  "http",	"dns",	"tls"};
	for (size_t k = 0; k < ARRAY_SIZE(types); k++) {
		char p[128];
		snprintf(p, sizeof(p), "outputs.eve-log.types.%s", types[k]);
		if (!conf_get_node(c, p))
			fail_msg("missing %s", p);
	}
	assert_int_equal(
		conf_get_str(c, "vars.address-groups.EXTERNAL_NET", NULL, &s, err, sizeof(err)), 0);
	assert_string_equal(s, "!$HOME_NET");
	assert_int_equal(conf_get_str(c, "vars.port-groups.HTTP_PORTS", NULL, &s, err, sizeof(err)),
			 0);
	assert_string_equal(s, "80");
	assert_int_equal(conf_get_bool(c, "stream.midstream", true, &b, err, sizeof(err)), 0);
	assert_false(b);
	assert_int_equal(
		conf_get_bool(c, "stream.checksum-validation", false, &b, err, sizeof(err)), 0);
	assert_true(b);
	assert_int_equal(conf_get_str(c, "pcap-file.checksum-checks", NULL, &s, err, sizeof(err)),
			 0);
	assert_string_equal(s, "auto");
	assert_int_equal(conf_get_bool(c, "fail-open", true, &b, err, sizeof(err)), 0);
	assert_int_equal(conf_get_str(c, "rule-errors", NULL, &s, err, sizeof(err)), 0);
	assert_true(!strcmp(s, "fatal") || !strcmp(s, "warn"));
	assert_non_null(conf_get_node(c, "app-layer.protocols.http"));
	assert_non_null(conf_get_node(c, "app-layer.protocols.dns"));
	assert_non_null(conf_get_node(c, "app-layer.protocols.tls"));
	assert_non_null(conf_get_node(c, "dataplane.af-xdp"));
	conf_free(c);
}

/* ---- config root -------------------------------------------------------------------------- */

static void test_root_dir_env(void **state)
{
	(void)state;
	char buf[512];
	unsetenv("AEGIS_CONFIG_ROOT");
	assert_string_equal(conf_root_dir(), "/etc/aegis");
	assert_string_equal(conf_root_path("rules", buf, sizeof(buf)), "/etc/aegis/rules");
	setenv("AEGIS_CONFIG_ROOT", "", 1);
	assert_string_equal(conf_root_dir(), "/etc/aegis");
	setenv("AEGIS_CONFIG_ROOT", "/srv/aegis/", 1);
	assert_string_equal(conf_root_dir(), "/srv/aegis/");
	assert_string_equal(conf_root_path("state/versions", buf, sizeof(buf)),
			    "/srv/aegis/state/versions");
	assert_string_equal(conf_root_path("/abs/x", buf, sizeof(buf)), "/abs/x");
	unsetenv("AEGIS_CONFIG_ROOT");
}

static void test_root_layout(void **state)
{
	(void)state;
	char root[512], p[600];
	snprintf(root, sizeof(root), "%s/root", tmpdir);
	assert_int_equal(conf_root_ensure_layout(root, err, sizeof(err)), 0);
	static const char *const subs[] = {"rules", "intel", "state", "logs"};
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		struct stat st;
		snprintf(p, sizeof(p), "%s/%s", root, subs[i]);
		assert_int_equal(stat(p, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
	}
	/* again: existing directories are fine */
	assert_int_equal(conf_root_ensure_layout(root, err, sizeof(err)), 0);
	/* a file in the way is an error naming it */
	snprintf(p, sizeof(p), "%s/root2", tmpdir);
	mkdir(p, 0750);
	write_tmp("root2/logs", "x");
	assert_int_equal(conf_root_ensure_layout(p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "root2/logs: error: cannot create directory: Not a directory"));
	/* the env override is the default root */
	setenv("AEGIS_CONFIG_ROOT", root, 1);
	snprintf(p, sizeof(p), "%s/root/logs", tmpdir);
	char buf[600];
	assert_string_equal(conf_root_path("logs", buf, sizeof(buf)), p);
	assert_int_equal(conf_root_ensure_layout(NULL, err, sizeof(err)), 0);
	unsetenv("AEGIS_CONFIG_ROOT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars_and_positions),
		cmocka_unit_test(test_yaml_header),
		cmocka_unit_test(test_empty_and_comment_only),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_top_level_must_be_map),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_anchors_aliases),
		cmocka_unit_test(test_alias_bomb_bounded),
		cmocka_unit_test(test_recursive_alias_and_depth),
		cmocka_unit_test(test_duplicate_keys_merge),
		cmocka_unit_test(test_include_single_and_override),
		cmocka_unit_test(test_include_list_in_mapping),
		cmocka_unit_test(test_bang_include),
		cmocka_unit_test(test_include_depth_limit),
		cmocka_unit_test(test_include_missing),
		cmocka_unit_test(test_get_str),
		cmocka_unit_test(test_get_bool),
		cmocka_unit_test(test_get_int),
		cmocka_unit_test(test_get_size),
		cmocka_unit_test(test_getters_on_empty_conf),
		cmocka_unit_test(test_seq_by_name_and_index),
		cmocka_unit_test(test_node_relative_getters),
		cmocka_unit_test(test_set_create),
		cmocka_unit_test(test_set_replace),
		cmocka_unit_test(test_set_sequences),
		cmocka_unit_test(test_set_errors),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_suricata_verify_configs),
		cmocka_unit_test(test_testmyids_include_merge),
		cmocka_unit_test(test_default_config_clean),
		cmocka_unit_test(test_root_dir_env),
		cmocka_unit_test(test_root_layout),
	};
	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
