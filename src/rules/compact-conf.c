/*
 * compact-conf.c — HOME_NET for the compact firewall policy from aegis.yaml. Kept apart from
 * compact.c so the parser and evaluator build (and fuzz) without the configuration stage.
 */
#include "conf/conf.h"
#include "rules/rules.h"

int rules_fw_policy_home_from_conf(struct rules_fw_policy *p, const struct conf *c, char *err,
				   size_t errlen)
{
	const char *v = NULL;

	if (conf_get_str(c, "vars.address-groups.HOME_NET", NULL, &v, err, errlen) != 0)
		return -1;
	if (!v)
		return 0;
	return rules_fw_policy_set_home(p, v, err, errlen);
}
