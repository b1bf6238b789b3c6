/*
 * fuzz-rules.c — libFuzzer target for the rule language: rules_load_string + finalize on
 * arbitrary bytes (input capped at 64 KiB so one run stays fast; the parser itself bounds rule
 * length, options, nesting and variable depth). The first byte picks whether address/port
 * variables are defined, so variable expansion paths (including a self-referencing variable)
 * are reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rules/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 64 * 1024)
		return 0;
	struct rules_ruleset *rs = rules_ruleset_new(NULL);
	if (!rs)
		return 0;
	if (data[0] & 1) {
		rules_ruleset_define_var(rs, false, "HOME_NET", "[10.0.0.0/8,!10.1.0.0/16,::1]");
		rules_ruleset_define_var(rs, false, "EXTERNAL_NET", "!$HOME_NET");
		rules_ruleset_define_var(rs, false, "LOOP", "[$LOOP,1.2.3.4]");
		rules_ruleset_define_var(rs, true, "HTTP_PORTS", "[80,8000:8100]");
	}
	rules_ruleset_set_keep_text(rs, data[0] & 2);
	rules_load_string(rs, (const char *)data + 1, size - 1, "fuzz.rules");
	rules_ruleset_finalize(rs);
	char buf[512];
	for (size_t i = 0; i < rules_diag_count(rs); i++)
		rules_diag_format(rules_diag_at(rs, i), buf, sizeof(buf));
	rules_ruleset_free(rs);
	return 0;
}
