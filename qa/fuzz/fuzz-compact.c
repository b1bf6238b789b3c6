/*
 * fuzz-compact.c — libFuzzer target for the compact L3/L4 firewall syntax: parse arbitrary bytes
 * as a rules file, print every diagnostic (exercising the caret underline), render every rule as
 * its Suricata equivalent and run a few decisions through rules_fw_decide().
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct rules_fw_policy *p = rules_fw_policy_new();
	char buf[512], err[128];

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!p)
		return 0;
	/* The first line may set HOME_NET: "home <list>". */
	if (size > 5 && memcmp(data, "home ", 5) == 0) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t l = nl ? (size_t)(nl - data) : size;

		if (l - 5 < sizeof(buf)) {
			memcpy(buf, data + 5, l - 5);
			buf[l - 5] = '\0';
			rules_fw_policy_set_home(p, buf, err, sizeof(err));
		}
	}
	rules_fw_load_string(p, (const char *)data, size, "fuzz");
	for (size_t i = 0; i < rules_fw_diag_count(p); i++)
		if (devnull)
			rules_diag_print(devnull, rules_fw_diag_at(p, i), true);
	for (size_t i = 0; i < rules_fw_rule_count(p); i++)
		rules_fw_rule_to_suricata(rules_fw_rule_at(p, i), (uint32_t)i + 1, buf,
					  sizeof(buf));

	static const uint8_t v4a[4] = { 10, 1, 2, 3 }, v4b[4] = { 203, 0, 113, 9 };
	static const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct rules_fw_query q;

	memset(&q, 0, sizeof(q));
	ip_addr_set_v4(&q.src, v4b);
	ip_addr_set_v4(&q.dst, v4a);
	for (unsigned proto = 0; proto < 3; proto++) {
		q.ip_proto = (uint8_t[]){ 6, 17, 1 }[proto];
		q.dp = size ? (uint16_t)(data[0] * 257) : 22;
		rules_fw_decide(p, &q, NULL);
		q.dir = RULES_FW_DIR_EGRESS;
		rules_fw_decide(p, &q, NULL);
		q.dir = RULES_FW_DIR_AUTO;
	}
	ip_addr_set_v6(&q.src, v6a);
	rules_fw_decide(p, &q, NULL);
	rules_fw_policy_free(p);
	return 0;
}
