/*
 * rules-bench.c — loads rule files with the rules stage and reports parse speed (rules/s) and
 * peak RSS, plus the load counts. Usage: rules-bench [-v] FILE.rules...  (-v prints every
 * diagnostic). Suricata's default address/port variables are defined so stock rulesets load.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rules/rules.h"

static const char *const default_vars[][2] = {
	{ "HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]" },
	{ "EXTERNAL_NET", "!$HOME_NET" },
	{ "HTTP_SERVERS", "$HOME_NET" }, { "SMTP_SERVERS", "$HOME_NET" },
	{ "SQL_SERVERS", "$HOME_NET" }, { "DNS_SERVERS", "$HOME_NET" },
	{ "TELNET_SERVERS", "$HOME_NET" }, { "AIM_SERVERS", "$EXTERNAL_NET" },
	{ "DC_SERVERS", "$HOME_NET" }, { "DNP3_SERVER", "$HOME_NET" },
	{ "DNP3_CLIENT", "$HOME_NET" }, { "MODBUS_CLIENT", "$HOME_NET" },
	{ "MODBUS_SERVER", "$HOME_NET" }, { "ENIP_CLIENT", "$HOME_NET" },
	{ "ENIP_SERVER", "$HOME_NET" },
};
static const char *const default_ports[][2] = {
	{ "HTTP_PORTS", "80" }, { "SHELLCODE_PORTS", "!80" }, { "ORACLE_PORTS", "1521" },
	{ "SSH_PORTS", "22" }, { "DNP3_PORTS", "20000" }, { "MODBUS_PORTS", "502" },
	{ "FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]" }, { "FTP_PORTS", "21" },
	{ "GENEVE_PORTS", "6081" }, { "VXLAN_PORTS", "4789" }, { "TEREDO_PORTS", "3544" },
	{ "SIP_PORTS", "[5060,5061]" },
};

int main(int argc, char **argv)
{
	bool verbose = false;
	int first = 1;
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = true;
		first = 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct rules_ruleset *rs = rules_ruleset_new(NULL);
	if (!rs)
		return 1;
	for (size_t i = 0; i < sizeof(default_vars) / sizeof(default_vars[0]); i++)
		rules_ruleset_define_var(rs, false, default_vars[i][0], default_vars[i][1]);
	for (size_t i = 0; i < sizeof(default_ports) / sizeof(default_ports[0]); i++)
		rules_ruleset_define_var(rs, true, default_ports[i][0], default_ports[i][1]);
	for (int i = first; i < argc; i++)
		rules_load_file(rs, argv[i]);
	rules_ruleset_finalize(rs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	const struct rules_counts *c = rules_ruleset_counts(rs);
	char buf[2048];
	for (size_t i = 0; i < rules_diag_count(rs); i++) {
		const struct rule_diag *d = rules_diag_at(rs, i);
		if (verbose || (d->severity == RULE_SEV_ERROR && !d->in_disabled_rule)) {
			rules_diag_format(d, buf, sizeof(buf));
			printf("%s%s\n", buf, d->in_disabled_rule ? " (disabled rule)" : "");
		}
	}
	for (size_t k = 0; k < rules_keyword_count(); k++) {
		uint32_t n = rules_ruleset_unsupported_by_keyword(rs, k);
		if (n)
			printf("unsupported %-24s %u\n", rules_keyword_at(k)->name, n);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	uint32_t total = c->loaded + c->failed + c->unsupported + c->disabled + c->disabled_failed;
	printf("loaded %u failed %u unsupported %u disabled %u (disabled with errors %u)\n",
	       c->loaded, c->failed, c->unsupported, c->disabled, c->disabled_failed);
	printf("errors %u warnings %u notes %u\n", c->errors, c->warnings, c->notes);
	printf("%u rules in %.3f s = %.0f rules/s, peak RSS %ld MiB\n", total, sec,
	       sec > 0 ? total / sec : 0.0, ru.ru_maxrss / 1024);
	rules_ruleset_free(rs);
	return 0;
}
