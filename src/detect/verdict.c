/*
 * verdict.c — collecting a packet's alerts, ordering them as Suricata does, and deciding the
 * packet's verdict.
 *
 * Order: action precedence (action-order, default pass > drop > reject > alert), then the
 * rule's priority (1 first), then gid:sid, then the order the matches arrived in. At most
 * packet-alert-max (o->alert_max) are kept: when more match, unlogged matches whose action another entry
 * already carries make room first, then the lowest in that order go; lost logged alerts are
 * counted in n_dropped_alerts.
 *
 * Pass (Suricata's documented behaviour): rules are inspected in action order, and a matching
 * pass rule ends inspection of the packet — rules after it in the order are not looked at, and
 * the flow is passed (FLOW_F_PASS: later packets are not inspected). Alerts that precede the
 * pass rule in the order (with a custom action-order, e.g. drop before pass) still apply. Since
 * the core may collect matches before ordering them, finalize enforces the same outcome: every
 * alert after the first pass in the order is removed. The pass match itself stays in the list
 * flagged NOALERT (outputs do not log it) so the verdict and counters can see it.
 */
#include <string.h>

#include "detect/detect-state.h"

const char *detect_action_name(enum detect_action a)
{
	switch (a) {
	case DETECT_ACTION_NONE: return "none";
	case DETECT_ACTION_ALERT: return "alert";
	case DETECT_ACTION_REJECT: return "reject";
	case DETECT_ACTION_DROP: return "drop";
	case DETECT_ACTION_PASS: return "pass";
	}
	return "unknown";
}

enum detect_action detect_action_from_rule(enum rule_action a)
{
	switch (a) {
	case RULE_ACTION_PASS:
	case RULE_ACTION_ACCEPT:
		return DETECT_ACTION_PASS;
	case RULE_ACTION_DROP:
		return DETECT_ACTION_DROP;
	case RULE_ACTION_REJECT:
	case RULE_ACTION_REJECTSRC:
	case RULE_ACTION_REJECTDST:
	case RULE_ACTION_REJECTBOTH:
		return DETECT_ACTION_REJECT;
	default:
		return DETECT_ACTION_ALERT;
	}
}

void detect_action_order_init(struct detect_action_order *o, const struct detect_config *cfg)
{
	static const enum detect_action def[4] = { DETECT_ACTION_PASS, DETECT_ACTION_DROP,
						   DETECT_ACTION_REJECT, DETECT_ACTION_ALERT };
	const enum detect_action *order = def;
	if (cfg) {
		/* use the configured order only if it names each of the four actions once */
		unsigned seen = 0;
		for (int i = 0; i < 4; i++) {
			enum detect_action a = cfg->action_order[i];
			if (a >= DETECT_ACTION_ALERT && a <= DETECT_ACTION_PASS)
				seen |= 1u << a;
		}
		if (seen == ((1u << DETECT_ACTION_ALERT) | (1u << DETECT_ACTION_REJECT) |
			     (1u << DETECT_ACTION_DROP) | (1u << DETECT_ACTION_PASS)))
			order = cfg->action_order;
	}
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < 4; i++)
		o->rank[order[i]] = (uint8_t)(4 - i); /* NONE keeps rank 0: last */
	uint32_t max = cfg && cfg->packet_alert_max ? cfg->packet_alert_max : DETECT_PACKET_ALERT_MAX;
	o->alert_max = (uint16_t)(max < DETECT_MAX_ALERTS ? max : DETECT_MAX_ALERTS);
}

void detect_result_reset(struct detect_result *res)
{
	res->n_alerts = 0;
	res->n_dropped_alerts = 0;
	res->verdict = DETECT_ACTION_NONE;
	res->stream_data = NULL;
	res->stream_len = 0;
}

static int alert_priority(const struct detect_alert *a)
{
	return a->severity > 0 ? a->severity : 3;
}

/* <0 when a goes before b; 0 for equals, whose arrival order the stable sort keeps. */
static int alert_cmp(const struct detect_action_order *o, const struct detect_alert *a,
		     const struct detect_alert *b)
{
	unsigned ra = a->action <= DETECT_ACTION_PASS ? o->rank[a->action] : 0;
	unsigned rb = b->action <= DETECT_ACTION_PASS ? o->rank[b->action] : 0;
	if (ra != rb)
		return ra > rb ? -1 : 1;
	int pa = alert_priority(a), pb = alert_priority(b);
	if (pa != pb)
		return pa < pb ? -1 : 1;
	uint32_t ga = a->rule ? a->rule->gid : 0, gb = b->rule ? b->rule->gid : 0;
	if (ga != gb)
		return ga < gb ? -1 : 1;
	uint32_t sa = a->rule ? a->rule->sid : 0, sb = b->rule ? b->rule->sid : 0;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return 0;
}

void detect_result_add(struct detect_result *res, const struct detect_action_order *o,
		       const struct rules_ruleset *rs, const struct rule *r,
		       enum detect_action action, uint32_t flags, uint64_t tx_id)
{
	struct detect_alert a = { .rule = r, .action = action, .flags = flags, .tx_id = tx_id,
				  .category = "", .severity = 3 };
	const struct rules_classtype *ct = NULL;
	if (rs && r && r->classtype)
		ct = rules_classtype_lookup(rs, r->classtype);
	if (ct) {
		a.category = ct->desc ? ct->desc : "";
		if (ct->priority > 0)
			a.severity = ct->priority;
	}
	if (r && r->priority > 0)
		a.severity = r->priority;

	if (res->n_alerts < o->alert_max) {
		res->alerts[res->n_alerts++] = a;
		return;
	}
	/*
	 * Full. Unlogged matches (noalert, suppressed) are kept only for their action, so one
	 * that another entry with the same action precedes adds nothing: make room with it
	 * first, as Suricata never lets unlogged matches take an alert's place.
	 */
	if (a.flags & DETECT_ALERT_F_NOALERT) {
		for (uint32_t i = 0; i < res->n_alerts; i++)
			if (res->alerts[i].action == a.action && alert_cmp(o, &res->alerts[i], &a) <= 0)
				return;
	}
	uint32_t victim = res->n_alerts;
	for (uint32_t i = 0; i < res->n_alerts && victim == res->n_alerts; i++) {
		const struct detect_alert *e = &res->alerts[i];
		if (!(e->flags & DETECT_ALERT_F_NOALERT))
			continue;
		if (e->action == a.action && alert_cmp(o, &a, e) <= 0) {
			victim = i;
			break;
		}
		for (uint32_t j = 0; j < res->n_alerts; j++)
			if (j != i && res->alerts[j].action == e->action &&
			    alert_cmp(o, &res->alerts[j], e) <= 0) {
				victim = i;
				break;
			}
	}
	bool lost_logged;
	if (victim == res->n_alerts) {
		/* otherwise the lowest-precedence one (kept or new) is left out */
		uint32_t worst = 0;
		for (uint32_t i = 1; i < res->n_alerts; i++)
			if (alert_cmp(o, &res->alerts[i], &res->alerts[worst]) >= 0)
				worst = i;
		if (alert_cmp(o, &a, &res->alerts[worst]) >= 0) {
			if (!(a.flags & DETECT_ALERT_F_NOALERT))
				res->n_dropped_alerts++;
			return;
		}
		victim = worst;
		lost_logged = !(res->alerts[victim].flags & DETECT_ALERT_F_NOALERT);
	} else {
		lost_logged = false;
	}
	if (lost_logged)
		res->n_dropped_alerts++;
	/* keep arrival order among the kept ones: shift the rest down */
	memmove(&res->alerts[victim], &res->alerts[victim + 1],
		(res->n_alerts - victim - 1) * sizeof(a));
	res->alerts[res->n_alerts - 1] = a;
}

void detect_result_finalize(struct detect_result *res, const struct detect_action_order *o,
			    struct flow *f, bool ips)
{
	/* stable insertion sort: at most o->alert_max entries */
	for (uint32_t i = 1; i < res->n_alerts; i++) {
		struct detect_alert x = res->alerts[i];
		uint32_t j = i;
		while (j > 0 && alert_cmp(o, &x, &res->alerts[j - 1]) < 0) {
			res->alerts[j] = res->alerts[j - 1];
			j--;
		}
		res->alerts[j] = x;
	}
	/* pass: nothing after the first pass in the order applies (see the top of the file);
	 * the left-out alerts ranked below every kept one, so the pass discards them too */
	for (uint32_t i = 0; i < res->n_alerts; i++) {
		if (res->alerts[i].action == DETECT_ACTION_PASS) {
			res->alerts[i].flags |= DETECT_ALERT_F_NOALERT;
			res->n_alerts = i + 1;
			res->n_dropped_alerts = 0;
			break;
		}
	}
	/* The verdict (Suricata's packet action): a drop or reject that applies wins, else a
	 * pass, else alert — whatever the order put first (with action-order alert before pass,
	 * the alerts are logged and the packet is still passed). */
	res->verdict = DETECT_ACTION_NONE;
	for (uint32_t i = 0; i < res->n_alerts; i++) {
		enum detect_action a = res->alerts[i].action;
		if (a == DETECT_ACTION_DROP || a == DETECT_ACTION_REJECT) {
			res->verdict = a;
			break;
		}
		if (a == DETECT_ACTION_PASS || res->verdict == DETECT_ACTION_NONE)
			res->verdict = res->verdict == DETECT_ACTION_PASS ? DETECT_ACTION_PASS : a;
	}
	if (!f)
		return;
	bool logged = false, drop = false;
	for (uint32_t i = 0; i < res->n_alerts; i++) {
		const struct detect_alert *a = &res->alerts[i];
		if (!(a->flags & DETECT_ALERT_F_NOALERT))
			logged = true;
		/* Action scope as in Suricata 7: a drop by an app-layer rule (its header names a
		 * protocol such as http) or by an IP-only rule drops the flow; a drop by another
		 * packet rule drops that packet only. */
		if ((a->action == DETECT_ACTION_DROP || a->action == DETECT_ACTION_REJECT) &&
		    ((a->rule && a->rule->app_proto) || (a->flags & DETECT_ALERT_F_FLOW_SCOPE)))
			drop = true;
	}
	if (logged)
		f->flags |= FLOW_F_ALERTED;
	if (res->verdict == DETECT_ACTION_PASS)
		f->flags |= FLOW_F_PASS;
	/* IPS only: the rest of the flow is dropped once a flow-scope drop matched it */
	if (ips && drop && res->verdict != DETECT_ACTION_PASS)
		f->flags |= FLOW_F_DROP;
}
