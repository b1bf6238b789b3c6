/*
 * fuzz-threshold-config.c — libFuzzer target for the threshold.config parser
 * (src/detect/threshold.c): any bytes must give entries and positioned errors, never a crash,
 * a leak or an unbounded allocation; the loaded entries are then applied to a few matches so
 * the suppress / threshold / rate_filter paths run on whatever the input configured.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/detect-state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char rule_text[] =
		"alert tcp any any -> any any (threshold:type limit, track by_src, count 2, "
		"seconds 5; sid:1;)\n"
		"drop tcp any any -> any any (sid:2;)\n";
	struct rules_ruleset *rs = rules_ruleset_new(NULL);
	if (!rs)
		return 0;
	rules_ruleset_define_var(rs, false, "HOME_NET", "[10.0.0.0/8]");
	rules_load_string(rs, rule_text, strlen(rule_text), "f.rules");
	rules_ruleset_finalize(rs);
	struct detect_threshold_config *c = detect_threshold_config_new();
	if (!c) {
		rules_ruleset_free(rs);
		return 0;
	}
	detect_threshold_config_load_string(c, rs, (const char *)data, size, "fuzz.config");
	for (size_t i = 0; i < detect_threshold_config_error_count(c); i++)
		if (strncmp(detect_threshold_config_error(c, i), "fuzz.config:", 12) != 0)
			__builtin_trap(); /* every error names its file and position */
	struct detect_thresholds *t = detect_thresholds_new(c, 8);
	if (t) {
		struct packet p;
		memset(&p, 0, sizeof(p));
		p.ip_version = 4;
		p.ip_proto = 6;
		const uint8_t s[4] = { 10, 0, 0, 1 }, d[4] = { 192, 168, 1, 1 };
		ip_addr_set_v4(&p.src, s);
		ip_addr_set_v4(&p.dst, d);
		for (unsigned k = 0; k < 32; k++) {
			p.ts_usec = (uint64_t)k * 700000;
			p.src.b[3] = (uint8_t)(k % 11);
			for (size_t r = 0; r < rules_ruleset_count(rs); r++) {
				enum detect_action a = DETECT_ACTION_ALERT;
				detect_threshold_apply(t, rules_ruleset_rule(rs, r), &p, &a);
			}
		}
		detect_thresholds_free(t);
	}
	detect_threshold_config_free(c);
	rules_ruleset_free(rs);
	return 0;
}
