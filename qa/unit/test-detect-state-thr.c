/*
 * test-detect-state-thr.c — unit tests of thresholds (each type and track with packet times,
 * detection_filter), threshold.config (good lines, every error with its position, suppress with
 * ip lists, overrides, rate_filter action change and timeout), the tracker table's cap, and
 * alert ordering / verdict (default and custom action order, pass semantics, overflow).
 */
#include "test-detect-state-helpers.h"

#include <stdlib.h>
#include <unistd.h>

struct thr_fixture {
	struct rules_ruleset *rs;
	struct detect_threshold_config *cfg;
	struct detect_thresholds *t;
};

static struct thr_fixture *tf_new(const char *rules, const char *conf, uint32_t cap)
{
	struct thr_fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->rs = ts_load(rules);
	if (conf) {
		f->cfg = detect_threshold_config_new();
		assert_non_null(f->cfg);
		assert_int_equal(detect_threshold_config_load_string(f->cfg, f->rs, conf,
								     strlen(conf), "t.conf"),
				 0);
		if (detect_threshold_config_error_count(f->cfg))
			fail_msg("unexpected: %s", detect_threshold_config_error(f->cfg, 0));
	}
	f->t = detect_thresholds_new(f->cfg, cap);
	assert_non_null(f->t);
	return f;
}

static void tf_free(struct thr_fixture *f)
{
	detect_thresholds_free(f->t);
	detect_threshold_config_free(f->cfg);
	rules_ruleset_free(f->rs);
	free(f);
}

/* Apply rule i's thresholds to a TCP packet from 10.0.0.<src> at second `ts`. */
static enum detect_thr_result tf_apply(struct thr_fixture *f, size_t i, uint8_t src, uint64_t ts,
				       enum detect_action *act)
{
	struct packet p;
	ts_tcp(&p, TH_ACK, ts);
	ts_ip4(&p.src, 10, 0, 0, src);
	enum detect_action a = DETECT_ACTION_ALERT;
	enum detect_thr_result r = detect_threshold_apply(f->t, rules_ruleset_rule(f->rs, i), &p,
							  act ? act : &a);
	return r;
}

#define A DETECT_THR_ALERT
#define S DETECT_THR_SUPPRESS
#define D DETECT_THR_DISCARD

static void test_thr_limit(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new("alert tcp any any -> any any (threshold:type limit, "
				       "track by_src, count 2, seconds 60; sid:1;)\n",
				       NULL, 1000);
	assert_int_equal(tf_apply(f, 0, 1, 0, NULL), A);
	assert_int_equal(tf_apply(f, 0, 1, 1, NULL), A);
	assert_int_equal(tf_apply(f, 0, 1, 2, NULL), S); /* over the limit: not logged */
	assert_int_equal(tf_apply(f, 0, 1, 59, NULL), S);
	assert_int_equal(tf_apply(f, 0, 2, 3, NULL), A); /* another source has its own count */
	assert_int_equal(tf_apply(f, 0, 1, 60, NULL), S); /* the window includes its end */
	assert_int_equal(tf_apply(f, 0, 1, 61, NULL), A); /* a new window */
	assert_int_equal(tf_apply(f, 0, 1, 62, NULL), A);
	assert_int_equal(tf_apply(f, 0, 1, 63, NULL), S);
	/* an older packet (autofp workers, out-of-order capture) falls in the current window */
	assert_int_equal(tf_apply(f, 0, 1, 30, NULL), S);
	tf_free(f);
	f = tf_new("alert tcp any any -> any any (threshold:type limit, track by_src, count 1, "
		   "seconds 3600; sid:1;)\n", NULL, 1000);
	assert_int_equal(tf_apply(f, 0, 1, 100, NULL), A);
	assert_int_equal(tf_apply(f, 0, 1, 99, NULL), S); /* not a second window */
	assert_int_equal(tf_apply(f, 0, 1, 101, NULL), S);
	tf_free(f);
}

static void test_thr_threshold(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new("alert tcp any any -> any any (threshold:type threshold, "
				       "track by_dst, count 3, seconds 60; sid:1;)\n",
				       NULL, 1000);
	static const enum detect_thr_result want[] = { D, D, A, D, D, A, D };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(tf_apply(f, 0, (uint8_t)(i + 1), i, NULL), want[i]);
	/* the window ran out: counting starts again */
	assert_int_equal(tf_apply(f, 0, 1, 100, NULL), D);
	assert_int_equal(tf_apply(f, 0, 1, 101, NULL), D);
	assert_int_equal(tf_apply(f, 0, 1, 102, NULL), A);
	tf_free(f);
}

static void test_thr_both(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new("alert tcp any any -> any any (threshold:type both, "
				       "track by_src, count 3, seconds 360; sid:1;)\n",
				       NULL, 1000);
	static const enum detect_thr_result want[] = { D, D, A, S, S };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(tf_apply(f, 0, 1, i * 10, NULL), want[i]);
	assert_int_equal(tf_apply(f, 0, 1, 400, NULL), D); /* next window */
	assert_int_equal(tf_apply(f, 0, 1, 401, NULL), D);
	assert_int_equal(tf_apply(f, 0, 1, 402, NULL), A);
	tf_free(f);
}

static void test_thr_backoff(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new(
		"alert tcp any any -> any any (threshold:type backoff, track by_flow, count 1, "
		"multiplier 10; sid:1;)\n"
		"alert tcp any any -> any any (threshold:type backoff, track by_flow, count 5, "
		"multiplier 5; sid:2;)\n",
		NULL, 1000);
	struct packet p;
	struct flow fl;
	memset(&fl, 0, sizeof(fl));
	fl.flow_id = 7;
	ts_tcp(&p, TH_ACK, 1);
	p.flow = &fl;
	enum detect_action act = DETECT_ACTION_ALERT;
	uint32_t alerts1[8], n1 = 0, alerts2[8], n2 = 0;
	for (uint32_t i = 1; i <= 200; i++) {
		enum detect_thr_result r1 =
			detect_threshold_apply(f->t, rules_ruleset_rule(f->rs, 0), &p, &act);
		enum detect_thr_result r2 =
			detect_threshold_apply(f->t, rules_ruleset_rule(f->rs, 1), &p, &act);
		if (r1 == A && n1 < 8)
			alerts1[n1++] = i;
		if (r2 == A && n2 < 8)
			alerts2[n2++] = i;
		if (i < 5)
			assert_int_equal(r2, D); /* before the first step: no action either */
		else if (r2 != A)
			assert_int_equal(r2, S);
	}
	assert_int_equal(n1, 3);
	assert_int_equal(alerts1[0], 1);
	assert_int_equal(alerts1[1], 10);
	assert_int_equal(alerts1[2], 100);
	assert_int_equal(n2, 3);
	assert_int_equal(alerts2[0], 5);
	assert_int_equal(alerts2[1], 25);
	assert_int_equal(alerts2[2], 125);
	/* by_flow without a flow is not tracked */
	p.flow = NULL;
	assert_int_equal(detect_threshold_apply(f->t, rules_ruleset_rule(f->rs, 1), &p, &act), A);
	tf_free(f);
}

static void test_detection_filter(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new("alert tcp any any -> any any (detection_filter:track "
				       "by_src, count 2, seconds 10; sid:1;)\n",
				       NULL, 1000);
	assert_int_equal(tf_apply(f, 0, 1, 0, NULL), D);
	assert_int_equal(tf_apply(f, 0, 1, 1, NULL), D); /* at the count: not yet */
	assert_int_equal(tf_apply(f, 0, 1, 2, NULL), A); /* every match after it */
	assert_int_equal(tf_apply(f, 0, 1, 3, NULL), A);
	assert_int_equal(tf_apply(f, 0, 2, 4, NULL), D);
	assert_int_equal(tf_apply(f, 0, 1, 10, NULL), A); /* still in the window (inclusive) */
	assert_int_equal(tf_apply(f, 0, 1, 21, NULL), D); /* window over: counting again */
	tf_free(f);
}

static void test_thr_tracks(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new(
		"alert tcp any any -> any any (threshold:type limit, track by_rule, count 1, "
		"seconds 60; sid:1;)\n"
		"alert tcp any any -> any any (threshold:type limit, track by_both, count 1, "
		"seconds 60; sid:2;)\n"
		"alert tcp any any -> any any (threshold:type limit, track by_dst, count 1, "
		"seconds 60; sid:3;)\n",
		NULL, 1000);
	/* by_rule: one counter whatever the addresses */
	assert_int_equal(tf_apply(f, 0, 1, 0, NULL), A);
	assert_int_equal(tf_apply(f, 0, 2, 0, NULL), S);
	/* by_both: a pair in either direction is one counter; another pair is not */
	struct packet p, rev;
	ts_tcp(&p, TH_ACK, 1);
	rev = p;
	rev.src = p.dst;
	rev.dst = p.src;
	enum detect_action act = DETECT_ACTION_ALERT;
	const struct rule *r2 = rules_ruleset_rule(f->rs, 1), *r3 = rules_ruleset_rule(f->rs, 2);
	assert_int_equal(detect_threshold_apply(f->t, r2, &p, &act), A);
	assert_int_equal(detect_threshold_apply(f->t, r2, &rev, &act), S);
	assert_int_equal(tf_apply(f, 1, 9, 1, NULL), A);
	/* by_dst: both of these go to 10.0.0.2; the reverse goes elsewhere */
	assert_int_equal(detect_threshold_apply(f->t, r3, &p, &act), A);
	assert_int_equal(tf_apply(f, 2, 5, 1, NULL), S);
	assert_int_equal(detect_threshold_apply(f->t, r3, &rev, &act), A);
	assert_int_equal(act, DETECT_ACTION_ALERT); /* no rate_filter: action untouched */
	/* no table: everything alerts */
	assert_int_equal(detect_threshold_apply(NULL, r3, &p, &act), A);
	tf_free(f);
}

static void test_thr_table_bounded(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new("alert tcp any any -> any any (threshold:type limit, "
				       "track by_src, count 1, seconds 3600; sid:1;)\n",
				       NULL, 50);
	struct packet p;
	ts_tcp(&p, TH_ACK, 1);
	enum detect_action act = DETECT_ACTION_ALERT;
	struct detect_thresholds_stats st;
	for (uint32_t i = 0; i < 1000; i++) {
		ts_ip4(&p.src, 192, 168, (uint8_t)(i >> 8), (uint8_t)i);
		const struct rule *r0 = rules_ruleset_rule(f->rs, 0);
		assert_int_equal(detect_threshold_apply(f->t, r0, &p, &act), A);
		detect_thresholds_get_stats(f->t, &st);
		assert_true(st.entries <= 50);
	}
	assert_int_equal(st.entries, 50);
	assert_int_equal(st.max_entries, 50);
	assert_int_equal(st.evicted, 950);
	/* the most recent source is still counted; the first was forgotten and starts afresh */
	assert_int_equal(detect_threshold_apply(f->t, rules_ruleset_rule(f->rs, 0), &p, &act), S);
	ts_ip4(&p.src, 192, 168, 0, 0);
	assert_int_equal(detect_threshold_apply(f->t, rules_ruleset_rule(f->rs, 0), &p, &act), A);
	tf_free(f);
}

/* ---- threshold.config --------------------------------------------------------------------- */

static void test_config_good(void **state)
{
	(void)state;
	const char *conf = "# comment\n"
			   "\n"
			   "suppress gen_id 1, sig_id 2002087\n"
			   "   suppress gen_id 1, sig_id 2003614, track by_src, "
			   "ip 217.110.97.128/25\n"
			   "suppress gen_id 1, sig_id 2003614, track by_src, ip "
			   "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]\n"
			   "suppress gen_id 1, sig_id 2003614, track by_either, ip $HOME_NET\n"
			   "threshold gen_id 1, sig_id 10, type limit, track by_src, count 1, "
			   "seconds 60\n"
			   "event_filter gen_id 0, sig_id 0, type both, track by_dst, count 5, \\\n"
			   "    seconds 360\n"
			   "rate_filter gen_id 1, sig_id 1000, track by_rule, count 100, "
			   "seconds 60, "
			   "\\\n  new_action drop, timeout 30\r\n"
			   "threshold sig_id 5, gen_id 1, seconds 1, count 2, track by_flow, type "
			   "threshold\n";
	struct rules_ruleset *rs = ts_load("alert tcp any any -> any any (sid:1;)\n");
	struct detect_threshold_config *c = detect_threshold_config_new();
	assert_non_null(c);
	assert_int_equal(detect_threshold_config_load_string(c, rs, conf, strlen(conf), "t.conf"),
			 0);
	if (detect_threshold_config_error_count(c))
		fail_msg("unexpected: %s", detect_threshold_config_error(c, 0));
	assert_int_equal(detect_threshold_config_entry_count(c), 8);
	detect_threshold_config_free(c);
	rules_ruleset_free(rs);
}

static void test_config_errors(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		const char *want; /* prefix "t.conf:L:C: error: " + start of the message */
	} cases[] = {
		{ "bogus gen_id 1, sig_id 1", "t.conf:1:1: error: unknown command \"bogus\"" },
		{ "suppress gen_id 1, sig_id x", "t.conf:1:27: error: invalid sig_id \"x\"" },
		{ "suppress gen_id -1, sig_id 1", "t.conf:1:17: error: invalid gen_id" },
		{ "suppress sig_id 1", "t.conf:1:1: error: suppress needs gen_id and sig_id" },
		{ "threshold gen_id 1, sig_id 2, type sometimes, track by_src, count 1, seconds 60",
		  "t.conf:1:36: error: invalid type \"sometimes\"" },
		{ "threshold gen_id 1, sig_id 2, type limit, track by_src, count 1",
		  "t.conf:1:1: error: threshold needs \"seconds\"" },
		{ "threshold gen_id 1, sig_id 2, type limit, track by_ip, count 1, seconds 1",
		  "t.conf:1:49: error: invalid track \"by_ip\"" },
		{ "threshold gen_id 1, sig_id 2, type limit, track by_src, count 0, seconds 1",
		  "t.conf:1:63: error: invalid count \"0\"" },
		{ "suppress gen_id 1, sig_id 2, track by_src",
		  "t.conf:1:30: error: suppress with track needs an ip list" },
		{ "suppress gen_id 1, sig_id 2, ip 1.2.3.4",
		  "t.conf:1:30: error: suppress with ip needs track" },
		{ "suppress gen_id 1, sig_id 2, track by_rule, ip 1.2.3.4",
		  "t.conf:1:36: error: invalid track \"by_rule\" for suppress" },
		{ "suppress gen_id 1, sig_id 2, track by_src, ip 1.2.3.999",
		  "t.conf:1:47: error: invalid ip \"1.2.3.999\"" },
		{ "suppress gen_id 1, sig_id 2, track by_src, ip $NOPE",
		  "t.conf:1:47: error: invalid ip \"$NOPE\"" },
		{ "rate_filter gen_id 1, sig_id 2, track by_src, count 1, seconds 1, new_action "
		  "explode, timeout 5",
		  "t.conf:1:78: error: invalid new_action \"explode\"" },
		{ "rate_filter gen_id 1, sig_id 2, track by_src, count 1, seconds 1, "
		  "new_action drop",
		  "t.conf:1:1: error: rate_filter needs \"timeout\"" },
		{ "suppress gen_id 1, gen_id 2, sig_id 3",
		  "t.conf:1:20: error: option \"gen_id\" given twice" },
		{ "suppress gen_id 1, sig_id 3, colour blue",
		  "t.conf:1:30: error: unknown option \"colour\"" },
		{ "suppress gen_id 1, , sig_id 3", "t.conf:1:20: error: empty option" },
		{ "suppress gen_id 1, sig_id 3, count 5",
		  "t.conf:1:30: error: option \"count\" does not apply to suppress" },
		{ "suppress gen_id 1, sig_id",
		  "t.conf:1:20: error: option \"sig_id\" needs a value" },
		{ "threshold gen_id 1, sig_id 2, type limit, \\\n"
		  "  track by_src, count x, seconds 1",
		  "t.conf:2:23: error: invalid count \"x\"" },
	};
	struct rules_ruleset *rs = ts_load("alert tcp any any -> any any (sid:1;)\n");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct detect_threshold_config *c = detect_threshold_config_new();
		assert_non_null(c);
		/* a good line after the bad one still loads: errors never stop loading */
		char text[512];
		snprintf(text, sizeof(text), "%s\nsuppress gen_id 1, sig_id 9\n", cases[i].line);
		assert_int_equal(detect_threshold_config_load_string(c, rs, text, strlen(text),
								     "t.conf"),
				 0);
		if (detect_threshold_config_error_count(c) != 1 ||
		    strncmp(detect_threshold_config_error(c, 0), cases[i].want,
			    strlen(cases[i].want)) != 0)
			fail_msg("case %zu: want \"%s\", got \"%s\" (%zu errors)", i, cases[i].want,
				 detect_threshold_config_error(c, 0)
					 ? detect_threshold_config_error(c, 0)
					 : "(none)",
				 detect_threshold_config_error_count(c));
		assert_int_equal(detect_threshold_config_entry_count(c), 1);
		detect_threshold_config_free(c);
	}
	rules_ruleset_free(rs);
}

static void test_config_file(void **state)
{
	(void)state;
	char path[] = "/tmp/aegis-thr-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "suppress gen_id 1, sig_id 1\nwhat is this\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct detect_threshold_config *c = detect_threshold_config_new();
	assert_int_equal(detect_threshold_config_load_file(c, NULL, path), 0);
	assert_int_equal(detect_threshold_config_entry_count(c), 1);
	assert_int_equal(detect_threshold_config_error_count(c), 1);
	char want[128];
	snprintf(want, sizeof(want), "%s:2:1: error: unknown command \"what\"", path);
	assert_int_equal(strncmp(detect_threshold_config_error(c, 0), want, strlen(want)), 0);
	unlink(path);
	assert_int_equal(detect_threshold_config_load_file(c, NULL, path), -1);
	assert_int_equal(detect_threshold_config_error_count(c), 2);
	assert_non_null(strstr(detect_threshold_config_error(c, 1), "cannot open"));
	detect_threshold_config_free(c);
}

static void test_suppress(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new(
		"alert tcp any any -> any any (sid:1;)\n"
		"alert tcp any any -> any any (sid:2;)\n"
		"alert tcp any any -> any any (sid:3;)\n"
		"alert tcp any any -> any any (gid:5; sid:4;)\n"
		"alert tcp any any -> any any (sid:5;)\n",
		"suppress gen_id 1, sig_id 1\n"
		"suppress gen_id 1, sig_id 2, track by_src, ip [10.0.0.1,10.0.0.3]\n"
		"suppress gen_id 1, sig_id 3, track by_either, ip 10.0.0.2/32\n"
		"suppress gen_id 5, sig_id 0, track by_dst, ip $HOME_NET\n",
		1000);
	assert_int_equal(tf_apply(f, 0, 1, 0, NULL), S);
	assert_int_equal(tf_apply(f, 0, 7, 0, NULL), S);
	assert_int_equal(tf_apply(f, 1, 1, 0, NULL), S);
	assert_int_equal(tf_apply(f, 1, 3, 0, NULL), S);
	assert_int_equal(tf_apply(f, 1, 2, 0, NULL), A);
	/* by_either: 10.0.0.2 is the destination of every test packet */
	assert_int_equal(tf_apply(f, 2, 9, 0, NULL), S);
	struct packet p;
	ts_tcp(&p, TH_ACK, 1);
	ts_ip4(&p.dst, 8, 8, 8, 8);
	enum detect_action act = DETECT_ACTION_ALERT;
	assert_int_equal(detect_threshold_apply(f->t, rules_ruleset_rule(f->rs, 2), &p, &act), A);
	/* sig_id 0 covers every rule of gid 5; $HOME_NET is 10.0.0.0/8 */
	assert_int_equal(tf_apply(f, 3, 1, 0, NULL), S);
	assert_int_equal(detect_threshold_apply(f->t, rules_ruleset_rule(f->rs, 3), &p, &act), A);
	assert_int_equal(tf_apply(f, 4, 1, 0, NULL), A);
	tf_free(f);
}

static void test_config_overrides(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new(
		"alert tcp any any -> any any (threshold:type limit, track by_src, count 1, "
		"seconds 60; sid:1;)\n"
		"alert tcp any any -> any any (threshold:type limit, track by_src, count 1, "
		"seconds 60; sid:2;)\n"
		"alert tcp any any -> any any (sid:3;)\n"
		"alert tcp any any -> any any (detection_filter:track by_src, count 5, seconds 60; "
		"sid:4;)\n",
		"threshold gen_id 1, sig_id 1, type limit, track by_src, count 3, seconds 60\n"
		"threshold gen_id 0, sig_id 0, type limit, track by_src, count 2, seconds 60\n"
		"event_filter gen_id 1, sig_id 4, type limit, track by_src, count 1, seconds 60\n",
		1000);
	/* sid 1: the exact entry replaces the rule's count 1 with 3 */
	assert_int_equal(tf_apply(f, 0, 1, 0, NULL), A);
	assert_int_equal(tf_apply(f, 0, 1, 1, NULL), A);
	assert_int_equal(tf_apply(f, 0, 1, 2, NULL), A);
	assert_int_equal(tf_apply(f, 0, 1, 3, NULL), S);
	/* sid 2: a wildcard does not override the rule's own threshold */
	assert_int_equal(tf_apply(f, 1, 1, 0, NULL), A);
	assert_int_equal(tf_apply(f, 1, 1, 1, NULL), S);
	/* sid 3: no threshold of its own, so the wildcard applies */
	assert_int_equal(tf_apply(f, 2, 1, 0, NULL), A);
	assert_int_equal(tf_apply(f, 2, 1, 1, NULL), A);
	assert_int_equal(tf_apply(f, 2, 1, 2, NULL), S);
	/* sid 4: the exact entry also replaces a detection_filter */
	assert_int_equal(tf_apply(f, 3, 1, 0, NULL), A);
	assert_int_equal(tf_apply(f, 3, 1, 1, NULL), S);
	tf_free(f);
}

/* Many entries: the per-rule lookup (a binary search) must find the right one. */
static void test_config_many_entries(void **state)
{
	(void)state;
	size_t cap = 2100 * 100, len = 0;
	char *conf = malloc(cap);
	assert_non_null(conf);
	for (unsigned sid = 2000; sid >= 1; sid--) /* out of order on purpose */
		len += (size_t)snprintf(conf + len, cap - len,
					"threshold gen_id 1, sig_id %u, type limit, track by_rule, "
					"count %u, seconds 60\n",
					sid, sid % 5 + 1);
	len += (size_t)snprintf(conf + len, cap - len, "suppress gen_id 1, sig_id 1500\n");
	len += (size_t)snprintf(conf + len, cap - len,
				"suppress gen_id 2, sig_id 1234\n"
				"threshold gen_id 1, sig_id 0, type limit, track by_rule, count 1, "
				"seconds 60\n");
	struct thr_fixture *f = tf_new("alert tcp any any -> any any (sid:1234;)\n"
				       "alert tcp any any -> any any (sid:1500;)\n"
				       "alert tcp any any -> any any (sid:4000;)\n",
				       conf, 1000);
	free(conf);
	assert_int_equal(detect_threshold_config_entry_count(f->cfg), 2003);
	for (int i = 0; i < 5; i++) /* 1234 % 5 + 1 = 5 alerts in the window */
		assert_int_equal(tf_apply(f, 0, 1, (uint64_t)i, NULL), A);
	assert_int_equal(tf_apply(f, 0, 1, 5, NULL), S);
	assert_int_equal(tf_apply(f, 1, 1, 0, NULL), S); /* suppressed outright */
	assert_int_equal(tf_apply(f, 2, 1, 0, NULL), A); /* only the gid 1 wildcard: count 1 */
	assert_int_equal(tf_apply(f, 2, 1, 1, NULL), S);
	tf_free(f);
}

static void test_rate_filter(void **state)
{
	(void)state;
	struct thr_fixture *f = tf_new(
		"alert tcp any any -> any any (sid:888;)\n"
		"alert tcp any any -> any any (sid:889;)\n",
		"rate_filter gen_id 1, sig_id 888, track by_src, count 3, seconds 10, "
		"new_action drop, timeout 30\n",
		1000);
	enum detect_action act;
	static const struct {
		uint64_t t;
		enum detect_thr_result r;
		enum detect_action a;
	} seq[] = {
		{ 0, A, DETECT_ACTION_ALERT },
		{ 1, A, DETECT_ACTION_ALERT },
		{ 2, A, DETECT_ACTION_ALERT },
		{ 3, DETECT_THR_RATE_CHANGED, DETECT_ACTION_DROP }, /* past count 3 in 10 s */
		{ 20, DETECT_THR_RATE_CHANGED, DETECT_ACTION_DROP }, /* within the timeout */
		{ 33, DETECT_THR_RATE_CHANGED, DETECT_ACTION_DROP }, /* 30 s after: still */
		{ 34, A, DETECT_ACTION_ALERT }, /* timeout over */
		{ 35, A, DETECT_ACTION_ALERT }, /* a new window starts counting */
		{ 36, A, DETECT_ACTION_ALERT },
		{ 37, A, DETECT_ACTION_ALERT },
		{ 38, DETECT_THR_RATE_CHANGED, DETECT_ACTION_DROP }, /* and can trigger again */
	};
	for (size_t i = 0; i < ARRAY_SIZE(seq); i++) {
		act = DETECT_ACTION_ALERT;
		assert_int_equal(tf_apply(f, 0, 1, seq[i].t, &act), seq[i].r);
		assert_int_equal(act, seq[i].a);
	}
	/* another source and another rule are untouched */
	act = DETECT_ACTION_ALERT;
	assert_int_equal(tf_apply(f, 0, 2, 3, &act), A);
	assert_int_equal(tf_apply(f, 1, 1, 3, &act), A);
	assert_int_equal(act, DETECT_ACTION_ALERT);
	tf_free(f);
}

static void test_rate_filter_pass_and_suppress(void **state)
{
	(void)state;
	/* a thresholded (not logged) match still feeds the rate filter and gets its action */
	struct thr_fixture *f = tf_new(
		"drop tcp any any -> any any (threshold:type limit, track by_rule, count 1, "
		"seconds 60; sid:7;)\n",
		"rate_filter gen_id 1, sig_id 7, track by_rule, count 2, seconds 60, "
		"new_action pass, timeout 5\n",
		1000);
	enum detect_action act = DETECT_ACTION_DROP;
	assert_int_equal(tf_apply(f, 0, 1, 0, &act), A);
	assert_int_equal(act, DETECT_ACTION_DROP);
	assert_int_equal(tf_apply(f, 0, 1, 1, &act), S);
	assert_int_equal(act, DETECT_ACTION_DROP); /* two matches: not past the count yet */
	assert_int_equal(tf_apply(f, 0, 1, 2, &act), S);
	assert_int_equal(act, DETECT_ACTION_PASS);
	tf_free(f);
}

/* ---- ordering and verdict ----------------------------------------------------------------- */

static void add(struct detect_result *res, const struct detect_action_order *o,
		const struct rules_ruleset *rs, size_t i, uint32_t flags)
{
	const struct rule *r = rules_ruleset_rule(rs, i);
	detect_result_add(res, o, rs, r, detect_action_from_rule(r->action), flags, 0);
}

static const char *const verdict_rules =
	"alert tcp any any -> any any (msg:\"a\"; sid:1;)\n"
	"drop http any any -> any any (msg:\"d\"; sid:2;)\n"
	"reject http any any -> any any (msg:\"r\"; sid:3;)\n"
	"pass tcp any any -> any any (msg:\"p\"; sid:4;)\n"
	"alert tcp any any -> any any (msg:\"a-prio1\"; priority:1; sid:5;)\n"
	"alert tcp any any -> any any (msg:\"a-class\"; classtype:trojan-activity; sid:6;)\n";

static void test_verdict_default_order(void **state)
{
	(void)state;
	struct rules_ruleset *rs = ts_load(verdict_rules);
	struct detect_action_order o;
	detect_action_order_init(&o, NULL);
	struct detect_result res;
	detect_result_reset(&res);
	add(&res, &o, rs, 0, 0);
	add(&res, &o, rs, 2, 0);
	add(&res, &o, rs, 1, 0);
	struct flow f;
	memset(&f, 0, sizeof(f));
	detect_result_finalize(&res, &o, &f, true);
	assert_int_equal(res.n_alerts, 3);
	assert_int_equal(res.alerts[0].rule->sid, 2); /* drop > reject > alert */
	assert_int_equal(res.alerts[1].rule->sid, 3);
	assert_int_equal(res.alerts[2].rule->sid, 1);
	assert_int_equal(res.verdict, DETECT_ACTION_DROP);
	assert_true(f.flags & FLOW_F_ALERTED);
	assert_true(f.flags & FLOW_F_DROP);
	assert_false(f.flags & FLOW_F_PASS);
	/* IDS: no flow drop */
	memset(&f, 0, sizeof(f));
	detect_result_finalize(&res, &o, &f, false);
	assert_false(f.flags & FLOW_F_DROP);
	/* nothing matched */
	detect_result_reset(&res);
	detect_result_finalize(&res, &o, NULL, true);
	assert_int_equal(res.verdict, DETECT_ACTION_NONE);
	rules_ruleset_free(rs);
}

static void test_verdict_priority_sid_classtype(void **state)
{
	(void)state;
	struct rules_ruleset *rs = ts_load(verdict_rules);
	const char *cls =
		"config classification: trojan-activity,A Network Trojan was detected,1\n";
	assert_int_equal(rules_classification_load_string(rs, cls, strlen(cls), "c.config"), 0);
	struct detect_action_order o;
	detect_action_order_init(&o, NULL);
	struct detect_result res;
	detect_result_reset(&res);
	add(&res, &o, rs, 0, 0); /* sid 1, severity 3 */
	add(&res, &o, rs, 5, 0); /* sid 6, classtype priority 1 */
	add(&res, &o, rs, 4, 0); /* sid 5, priority 1 */
	detect_result_finalize(&res, &o, NULL, false);
	assert_int_equal(res.n_alerts, 3);
	assert_int_equal(res.alerts[0].rule->sid, 5); /* priority 1, lower sid first */
	assert_int_equal(res.alerts[1].rule->sid, 6);
	assert_int_equal(res.alerts[2].rule->sid, 1);
	assert_string_equal(res.alerts[1].category, "A Network Trojan was detected");
	assert_int_equal(res.alerts[1].severity, 1);
	assert_string_equal(res.alerts[2].category, "");
	assert_int_equal(res.alerts[2].severity, 3);
	assert_int_equal(res.verdict, DETECT_ACTION_ALERT);
	rules_ruleset_free(rs);
}

static void test_verdict_custom_order(void **state)
{
	(void)state;
	struct rules_ruleset *rs = ts_load(verdict_rules);
	struct detect_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.action_order[0] = DETECT_ACTION_ALERT;
	cfg.action_order[1] = DETECT_ACTION_REJECT;
	cfg.action_order[2] = DETECT_ACTION_DROP;
	cfg.action_order[3] = DETECT_ACTION_PASS;
	struct detect_action_order o;
	detect_action_order_init(&o, &cfg);
	struct detect_result res;
	detect_result_reset(&res);
	add(&res, &o, rs, 1, 0);
	add(&res, &o, rs, 0, 0);
	add(&res, &o, rs, 2, 0);
	detect_result_finalize(&res, &o, NULL, true);
	assert_int_equal(res.alerts[0].rule->sid, 1);
	assert_int_equal(res.alerts[1].rule->sid, 3);
	assert_int_equal(res.alerts[2].rule->sid, 2);
	/* the order ranks the alerts; a reject that applies is still the packet's verdict */
	assert_int_equal(res.verdict, DETECT_ACTION_REJECT);
	/* alert before pass: the alert is logged and the packet (and flow) passed */
	cfg.action_order[0] = DETECT_ACTION_ALERT;
	cfg.action_order[1] = DETECT_ACTION_PASS;
	cfg.action_order[2] = DETECT_ACTION_DROP;
	cfg.action_order[3] = DETECT_ACTION_REJECT;
	detect_action_order_init(&o, &cfg);
	detect_result_reset(&res);
	add(&res, &o, rs, 3, 0);
	add(&res, &o, rs, 0, 0);
	struct flow f;
	memset(&f, 0, sizeof(f));
	detect_result_finalize(&res, &o, &f, false);
	assert_int_equal(res.n_alerts, 2);
	assert_int_equal(res.alerts[0].rule->sid, 1);
	assert_false(res.alerts[0].flags & DETECT_ALERT_F_NOALERT);
	assert_true(res.alerts[1].flags & DETECT_ALERT_F_NOALERT);
	assert_int_equal(res.verdict, DETECT_ACTION_PASS);
	assert_true(f.flags & FLOW_F_PASS);
	/* an order that is not a permutation falls back to the default */
	cfg.action_order[3] = DETECT_ACTION_ALERT;
	detect_action_order_init(&o, &cfg);
	assert_true(o.rank[DETECT_ACTION_PASS] > o.rank[DETECT_ACTION_DROP]);
	assert_true(o.rank[DETECT_ACTION_DROP] > o.rank[DETECT_ACTION_REJECT]);
	assert_true(o.rank[DETECT_ACTION_REJECT] > o.rank[DETECT_ACTION_ALERT]);
	rules_ruleset_free(rs);
}

static void test_verdict_pass(void **state)
{
	(void)state;
	struct rules_ruleset *rs = ts_load(verdict_rules);
	struct detect_action_order o;
	detect_action_order_init(&o, NULL);
	struct detect_result res;
	struct flow f;
	/* default order: pass first, everything after it is dropped from the packet */
	detect_result_reset(&res);
	add(&res, &o, rs, 0, 0);
	add(&res, &o, rs, 1, 0);
	add(&res, &o, rs, 3, 0);
	memset(&f, 0, sizeof(f));
	detect_result_finalize(&res, &o, &f, true);
	assert_int_equal(res.n_alerts, 1);
	assert_int_equal(res.alerts[0].rule->sid, 4);
	assert_true(res.alerts[0].flags & DETECT_ALERT_F_NOALERT);
	assert_int_equal(res.verdict, DETECT_ACTION_PASS);
	assert_true(f.flags & FLOW_F_PASS);
	assert_false(f.flags & (FLOW_F_DROP | FLOW_F_ALERTED));
	/* drop ranked before pass: the drop still applies, the alert after the pass does not */
	struct detect_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.action_order[0] = DETECT_ACTION_DROP;
	cfg.action_order[1] = DETECT_ACTION_PASS;
	cfg.action_order[2] = DETECT_ACTION_REJECT;
	cfg.action_order[3] = DETECT_ACTION_ALERT;
	detect_action_order_init(&o, &cfg);
	detect_result_reset(&res);
	add(&res, &o, rs, 0, 0);
	add(&res, &o, rs, 3, 0);
	add(&res, &o, rs, 1, 0);
	memset(&f, 0, sizeof(f));
	detect_result_finalize(&res, &o, &f, true);
	assert_int_equal(res.n_alerts, 2);
	assert_int_equal(res.alerts[0].rule->sid, 2);
	assert_int_equal(res.alerts[1].rule->sid, 4);
	assert_int_equal(res.verdict, DETECT_ACTION_DROP);
	assert_true(f.flags & FLOW_F_DROP);
	assert_true(f.flags & FLOW_F_ALERTED);
	assert_false(f.flags & FLOW_F_PASS);
	rules_ruleset_free(rs);
}

static void test_verdict_overflow(void **state)
{
	(void)state;
	char text[8192] = "";
	size_t len = 0;
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s tcp any any -> any any (sid:%d;)\n",
					i >= 16 ? "drop" : "alert", 100 + i);
	struct rules_ruleset *rs = ts_load(text);
	struct detect_action_order o;
	detect_action_order_init(&o, NULL);
	struct detect_result res;
	detect_result_reset(&res);
	for (size_t i = 0; i < 20; i++)
		add(&res, &o, rs, i, 0);
	detect_result_finalize(&res, &o, NULL, true);
	/* packet-alert-max: Suricata's default 15 */
	assert_int_equal(res.n_alerts, DETECT_PACKET_ALERT_MAX);
	assert_int_equal(res.n_dropped_alerts, 5);
	/* the four drops outrank the alerts and are kept; the highest-sid alerts went */
	for (int i = 0; i < 4; i++)
		assert_int_equal(res.alerts[i].action, DETECT_ACTION_DROP);
	assert_int_equal(res.alerts[4].rule->sid, 100);
	assert_int_equal(res.alerts[14].rule->sid, 110);
	assert_int_equal(res.verdict, DETECT_ACTION_DROP);
	/* a longer queue (packet-alert-max: 32) keeps all 20 */
	struct detect_config cfg;
	memset(&cfg, 0, sizeof(cfg)); /* no action order: the default one */
	cfg.packet_alert_max = 32;
	detect_action_order_init(&o, &cfg);
	detect_result_reset(&res);
	for (size_t i = 0; i < 20; i++)
		add(&res, &o, rs, i, 0);
	detect_result_finalize(&res, &o, NULL, true);
	assert_int_equal(res.n_alerts, 20);
	assert_int_equal(res.n_dropped_alerts, 0);
	rules_ruleset_free(rs);
}

/* Unlogged matches never push a logged alert out, and the verdict still sees their action. */
static void test_verdict_overflow_noalert(void **state)
{
	(void)state;
	char text[8192] = "";
	size_t len = 0;
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"drop http any any -> any any (sid:%d;)\n", 200 + i);
	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"alert tcp any any -> any any (sid:300;)\n"
				"alert tcp any any -> any any (sid:301;)\n");
	struct rules_ruleset *rs = ts_load(text);
	struct detect_action_order o;
	detect_action_order_init(&o, NULL);
	struct detect_result res;
	detect_result_reset(&res);
	for (size_t i = 0; i < 20; i++)
		add(&res, &o, rs, i, DETECT_ALERT_F_NOALERT); /* e.g. suppressed drops */
	add(&res, &o, rs, 20, 0);
	add(&res, &o, rs, 21, 0);
	struct flow f;
	memset(&f, 0, sizeof(f));
	detect_result_finalize(&res, &o, &f, true);
	assert_int_equal(res.n_dropped_alerts, 0);
	assert_true(res.n_alerts <= DETECT_MAX_ALERTS);
	int logged = 0;
	for (uint32_t i = 0; i < res.n_alerts; i++)
		if (!(res.alerts[i].flags & DETECT_ALERT_F_NOALERT))
			logged++;
	assert_int_equal(logged, 2);
	assert_int_equal(res.alerts[res.n_alerts - 2].rule->sid, 300);
	assert_int_equal(res.alerts[res.n_alerts - 1].rule->sid, 301);
	assert_int_equal(res.verdict, DETECT_ACTION_DROP);
	assert_true(f.flags & FLOW_F_DROP);
	assert_true(f.flags & FLOW_F_ALERTED);
	rules_ruleset_free(rs);
}

static void test_verdict_noalert_drop(void **state)
{
	(void)state;
	struct rules_ruleset *rs = ts_load(verdict_rules);
	struct detect_action_order o;
	detect_action_order_init(&o, NULL);
	struct detect_result res;
	detect_result_reset(&res);
	/* a suppressed drop: not logged, but the packet is still dropped */
	add(&res, &o, rs, 1, DETECT_ALERT_F_NOALERT);
	struct flow f;
	memset(&f, 0, sizeof(f));
	detect_result_finalize(&res, &o, &f, true);
	assert_int_equal(res.verdict, DETECT_ACTION_DROP);
	assert_true(f.flags & FLOW_F_DROP);
	assert_false(f.flags & FLOW_F_ALERTED);
	rules_ruleset_free(rs);
}

/* Action scope: a packet rule's drop drops that packet only; the flow goes on (Suricata 7). */
static void test_verdict_packet_drop_scope(void **state)
{
	(void)state;
	struct rules_ruleset *rs = ts_load("drop tcp any any -> any any (msg:\"pd\"; sid:9;)\n");
	struct detect_action_order o;
	detect_action_order_init(&o, NULL);
	struct detect_result res;
	detect_result_reset(&res);
	add(&res, &o, rs, 0, 0);
	struct flow f;
	memset(&f, 0, sizeof(f));
	detect_result_finalize(&res, &o, &f, true);
	assert_int_equal(res.verdict, DETECT_ACTION_DROP);
	assert_false(f.flags & FLOW_F_DROP);
	assert_true(f.flags & FLOW_F_ALERTED);
	rules_ruleset_free(rs);
}

static void test_action_names(void **state)
{
	(void)state;
	assert_string_equal(detect_action_name(DETECT_ACTION_NONE), "none");
	assert_string_equal(detect_action_name(DETECT_ACTION_ALERT), "alert");
	assert_string_equal(detect_action_name(DETECT_ACTION_DROP), "drop");
	assert_string_equal(detect_action_name(DETECT_ACTION_REJECT), "reject");
	assert_string_equal(detect_action_name(DETECT_ACTION_PASS), "pass");
	assert_string_equal(detect_action_name((enum detect_action)99), "unknown");
	assert_int_equal(detect_action_from_rule(RULE_ACTION_REJECTBOTH), DETECT_ACTION_REJECT);
	assert_int_equal(detect_action_from_rule(RULE_ACTION_REJECTSRC), DETECT_ACTION_REJECT);
	assert_int_equal(detect_action_from_rule(RULE_ACTION_PASS), DETECT_ACTION_PASS);
	assert_int_equal(detect_action_from_rule(RULE_ACTION_DROP), DETECT_ACTION_DROP);
	assert_int_equal(detect_action_from_rule(RULE_ACTION_ALERT), DETECT_ACTION_ALERT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thr_limit),
		cmocka_unit_test(test_thr_threshold),
		cmocka_unit_test(test_thr_both),
		cmocka_unit_test(test_thr_backoff),
		cmocka_unit_test(test_detection_filter),
		cmocka_unit_test(test_thr_tracks),
		cmocka_unit_test(test_thr_table_bounded),
		cmocka_unit_test(test_config_good),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_suppress),
		cmocka_unit_test(test_config_overrides),
		cmocka_unit_test(test_config_many_entries),
		cmocka_unit_test(test_rate_filter),
		cmocka_unit_test(test_rate_filter_pass_and_suppress),
		cmocka_unit_test(test_verdict_default_order),
		cmocka_unit_test(test_verdict_priority_sid_classtype),
		cmocka_unit_test(test_verdict_custom_order),
		cmocka_unit_test(test_verdict_pass),
		cmocka_unit_test(test_verdict_overflow),
		cmocka_unit_test(test_verdict_overflow_noalert),
		cmocka_unit_test(test_verdict_noalert_drop),
		cmocka_unit_test(test_verdict_packet_drop_scope),
		cmocka_unit_test(test_action_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
