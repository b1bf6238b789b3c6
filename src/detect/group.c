/*
 * group.c — signature grouping. Rules are split by transport class (tcp, udp, icmp, other IP),
 * by flow direction (to_server, to_client, both) and, for TCP and UDP, by destination port: the
 * most used destination ports (a bounded number, Suricata's profile idea) get their own port
 * group, every other port shares the "other" group, and rules with `any` destination port sit
 * in a port-independent part that every group of their transport includes. See detect-int.h for
 * how a packet's group is assembled from at most four parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"

/* Port sets wider than this do not make their ports "popular" (they would crown every port). */
#define DET_WIDE_PORT_SET 1024

static uint32_t port_set_size(const struct rules_port_set *s)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->n; i++)
		n += (uint32_t)s->r[i].hi - s->r[i].lo + 1;
	return n;
}

/* The transport class of IP protocol number n. */
static uint32_t proto_tc(uint64_t n)
{
	switch (n) {
	case 6:
		return DET_TC_TCP;
	case 17:
		return DET_TC_UDP;
	case 1:
	case 58:
		return DET_TC_ICMP;
	default:
		return DET_TC_OTHER;
	}
}

/* An `ip` rule's `ip_proto:N` (equality) names the one transport class it can match: such
 * rules (ET's "Protocol 41" tunnel rules) are then not checked on every TCP and UDP packet. */
static bool rule_ip_proto_tc(const struct rule *r, uint32_t *tc)
{
	for (uint16_t gi = 0; gi < r->n_groups; gi++) {
		const struct rule_group *g = &r->groups[gi];
		for (uint32_t mi = 0; mi < g->n; mi++) {
			const struct rule_match *m = &g->m[mi];
			if (m->kw && strcmp(m->kw->name, "ip_proto") == 0 &&
			    m->u.num.op == RULE_NUM_EQ) {
				*tc = proto_tc(m->u.num.lo);
				return true;
			}
		}
	}
	return false;
}

/* Transport classes a rule can match. */
static uint32_t rule_tc_mask(const struct rule *r)
{
	switch (r->proto) {
	case RULE_PROTO_TCP:
		return 1u << DET_TC_TCP;
	case RULE_PROTO_UDP:
		return 1u << DET_TC_UDP;
	case RULE_PROTO_ICMP:
	case RULE_PROTO_ICMPV4:
	case RULE_PROTO_ICMPV6:
		return 1u << DET_TC_ICMP;
	case RULE_PROTO_SCTP:
	case RULE_PROTO_IGMP:
		return 1u << DET_TC_OTHER;
	default:
		break;
	}
	uint32_t tc;
	if (r->transport == RULE_TR_ANY)
		return rule_ip_proto_tc(r, &tc) ? 1u << tc : (1u << DET_TC_MAX) - 1;
	uint32_t m = 0;
	if (r->transport & RULE_TR_TCP)
		m |= 1u << DET_TC_TCP;
	if (r->transport & RULE_TR_UDP)
		m |= 1u << DET_TC_UDP;
	if (r->transport & RULE_TR_ICMP)
		m |= 1u << DET_TC_ICMP;
	if (r->transport & RULE_TR_SCTP)
		m |= 1u << DET_TC_OTHER;
	return m ? m : 1u << DET_TC_OTHER;
}

/* Rules whose destination ports decide their port group (else: the any-port part). */
static bool rule_port_grouped(const struct rule *r)
{
	return r->dp && !r->dp->any && r->dir == RULE_DIR_TO;
}

static int part_add(struct detect_engine *e, uint32_t part, uint32_t rule)
{
	struct det_part *p = &e->parts[part];
	if (p->n_rules == p->cap_all) {
		uint32_t cap = p->cap_all ? p->cap_all * 2 : 64;
		uint32_t *a = realloc(p->all, cap * sizeof(*a));
		if (!a)
			return -1;
		p->all = a;
		p->cap_all = cap;
	}
	p->all[p->n_rules++] = rule;
	p->used = true;
	return 0;
}

static int cmp_count_desc(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b; /* count << 16 | port */
	return *x > *y ? -1 : *x < *y;
}

/* Pick the top ports of one transport and fill its port map. */
static int top_ports_pick(struct detect_engine *e, int tc)
{
	uint32_t *cnt = calloc(65537, sizeof(*cnt));
	uint64_t *keys = calloc(65536, sizeof(*keys));
	e->portmap[tc] = malloc(65536);
	if (!cnt || !keys || !e->portmap[tc]) {
		free(cnt);
		free(keys);
		return -1;
	}
	/* difference array over port ranges, then prefix sums */
	int32_t *diff = (int32_t *)cnt;
	for (uint32_t i = 0; i < e->n_rules; i++) {
		const struct rule *r = e->rules[i].r;
		if (!(rule_tc_mask(r) & (1u << tc)) || !rule_port_grouped(r) ||
		    port_set_size(r->dp) > DET_WIDE_PORT_SET)
			continue;
		for (uint32_t k = 0; k < r->dp->n; k++) {
			diff[r->dp->r[k].lo]++;
			diff[(uint32_t)r->dp->r[k].hi + 1]--;
		}
	}
	int64_t run = 0;
	uint32_t nk = 0;
	for (uint32_t port = 0; port < 65536; port++) {
		run += diff[port];
		if (run > 0)
			keys[nk++] = (uint64_t)run << 16 | port;
	}
	qsort(keys, nk, sizeof(*keys), cmp_count_desc);
	uint32_t want = e->cfg.port_groups ? e->cfg.port_groups : 25;
	if (want > DET_MAX_TOP_PORTS)
		want = DET_MAX_TOP_PORTS;
	e->n_top[tc] = nk < want ? nk : want;
	memset(e->portmap[tc], DET_PG_OTHER, 65536);
	for (uint32_t i = 0; i < e->n_top[tc]; i++) {
		uint16_t port = (uint16_t)(keys[i] & 0xffff);
		e->top_ports[tc][i] = port;
		e->portmap[tc][port] = (uint8_t)(DET_PG_FIRST_PORT + i);
	}
	free(cnt);
	free(keys);
	return 0;
}

static int rule_place(struct detect_engine *e, uint32_t idx)
{
	const struct det_rule *dr = &e->rules[idx];
	const struct rule *r = dr->r;
	uint32_t mask = rule_tc_mask(r);
	for (int tc = 0; tc < DET_TC_MAX; tc++) {
		if (!(mask & (1u << tc)))
			continue;
		if (tc > DET_TC_UDP || !rule_port_grouped(r)) {
			if (part_add(e, DET_PART_INDEX(tc, dr->dir, DET_PG_ANY), idx) < 0)
				return -1;
			continue;
		}
		/* one part per top port in the set, plus "other" if the set has other ports */
		uint32_t in_top = 0;
		for (uint32_t k = 0; k < e->n_top[tc]; k++) {
			if (!rules_port_set_match(r->dp, e->top_ports[tc][k]))
				continue;
			in_top++;
			uint32_t part = DET_PART_INDEX(tc, dr->dir, DET_PG_FIRST_PORT + k);
			if (part_add(e, part, idx) < 0)
				return -1;
		}
		if (port_set_size(r->dp) > in_top &&
		    part_add(e, DET_PART_INDEX(tc, dr->dir, DET_PG_OTHER), idx) < 0)
			return -1;
	}
	return 0;
}

static int group_add(struct detect_engine *e, int tc, int dir, int pg, uint32_t *cap)
{
	uint32_t cand[4] = {
		DET_PART_INDEX(tc, DET_DIR_BOTH, DET_PG_ANY),
		DET_PART_INDEX(tc, dir, DET_PG_ANY),
		DET_PART_INDEX(tc, DET_DIR_BOTH, pg),
		DET_PART_INDEX(tc, dir, pg),
	};
	struct det_group g = { 0 };
	for (int i = 0; i < (pg == DET_PG_ANY ? 2 : 4); i++)
		if (e->parts[cand[i]].used)
			g.parts[g.n_parts++] = (uint16_t)cand[i];
	if (!g.n_parts)
		return 0;
	if (e->n_groups == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 32;
		struct det_group *a = realloc(e->groups, ncap * sizeof(*a));
		if (!a)
			return -1;
		e->groups = a;
		*cap = ncap;
	}
	e->groups[e->n_groups] = g;
	e->group_of[tc][dir][pg] = (uint16_t)e->n_groups;
	e->n_groups++;
	return 0;
}

int det_groups_build(struct detect_engine *e, char *err, size_t errlen)
{
	e->parts = calloc(DET_NPARTS, sizeof(*e->parts));
	if (!e->parts)
		goto oom;
	for (int tc = DET_TC_TCP; tc <= DET_TC_UDP; tc++)
		if (top_ports_pick(e, tc) < 0)
			goto oom;
	for (uint32_t i = 0; i < e->n_rules; i++)
		if (rule_place(e, i) < 0)
			goto oom;
	uint32_t cap = 0;
	for (int tc = 0; tc < DET_TC_MAX; tc++) {
		for (int dir = 0; dir < 2; dir++) {
			if (tc > DET_TC_UDP) {
				if (group_add(e, tc, dir, DET_PG_ANY, &cap) < 0)
					goto oom;
				continue;
			}
			uint32_t end = DET_PG_FIRST_PORT + e->n_top[tc];
			for (uint32_t pg = DET_PG_OTHER; pg < end; pg++)
				if (group_add(e, tc, dir, (int)pg, &cap) < 0)
					goto oom;
		}
	}
	e->stats.groups = e->n_groups;
	return 0;
oom:
	snprintf(err, errlen, "out of memory grouping the rules");
	return -1;
}

/* The signature group of a packet, or NULL when no rule can apply. */
const struct det_group *det_group_lookup(const struct detect_engine *e, const struct packet *p)
{
	int tc;
	switch (p->ip_proto) {
	case 6:
		tc = DET_TC_TCP;
		break;
	case 17:
		tc = DET_TC_UDP;
		break;
	case 1:
	case 58:
		tc = DET_TC_ICMP;
		break;
	default:
		tc = DET_TC_OTHER;
		break;
	}
	int dir = p->flow && p->flow_dir == FLOW_DIR_TO_CLIENT ? FLOW_DIR_TO_CLIENT
							       : FLOW_DIR_TO_SERVER;
	int pg = tc <= DET_TC_UDP ? e->portmap[tc][p->dp] : DET_PG_ANY;
	uint16_t gi = e->group_of[tc][dir][pg];
	return gi == UINT16_MAX ? NULL : &e->groups[gi];
}
