/*
 * policy.c — names and decisions shared by defrag and TCP reassembly: event and policy names,
 * the host-os-policy prefix table (longest prefix wins) and the overlap policies.
 *
 * Overlap policies, for a new piece N overlapping bytes an earlier piece O holds (N wins =
 * N's bytes are kept):
 *
 *   defrag (Novak's target-based behaviours, as Suricata's defrag tests check them)
 *     first              O always wins                     (old-solaris, hpux11, macos)
 *     last               N always wins
 *     bsd                N wins if it starts before O      (bsd, hpux10, irix)
 *     bsd-right          N wins if it starts at or after O's start
 *     linux              N wins if it starts at or before O's start   (linux, old-linux)
 *     windows            N wins if it starts before and ends after O  (windows, vista, 2k3)
 *     solaris            N wins if it starts before O and ends at or after its end
 *
 *   TCP (only for data not yet delivered; delivered bytes never change)
 *     first              O wins;  last: N wins
 *     solaris, hpux11    N wins if it starts before O and ends at or after its end
 *     linux, old-linux   N wins if it starts before O, or at O's start and ends after it
 *     all others         N wins if it starts before O (bsd, windows, macos, ...)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/stream-int.h"

static const char *const event_names[STREAM_EVENT_MAX] = {
#define STREAM_EVENT_NAME(id, name) [STREAM_EVENT_##id] = name,
	STREAM_EVENT_LIST(STREAM_EVENT_NAME)
#undef STREAM_EVENT_NAME
};

const char *stream_event_name(enum stream_event ev)
{
	if ((unsigned)ev >= STREAM_EVENT_MAX || ev == STREAM_EVENT_NONE)
		return NULL;
	return event_names[ev];
}

enum stream_event stream_event_lookup(const char *name)
{
	if (!name)
		return STREAM_EVENT_NONE;
	/* EVE writes stream events as "stream.<name>"; accept that spelling too */
	if (strncmp(name, "stream.", 7) == 0)
		name += 7;
	for (unsigned i = 1; i < STREAM_EVENT_MAX; i++)
		if (event_names[i] && strcmp(event_names[i], name) == 0)
			return (enum stream_event)i;
	return STREAM_EVENT_NONE;
}

bool stream_event_is_decoder(enum stream_event ev)
{
	return ev >= STREAM_EVENT_DEFRAG_IPV4_FRAG_OVERLAP &&
	       ev <= STREAM_EVENT_DEFRAG_IPV6_FRAG_IGNORED;
}

static const char *const policy_names[STREAM_POLICY_MAX] = {
	[STREAM_POLICY_BSD] = "bsd",
	[STREAM_POLICY_LINUX] = "linux",
	[STREAM_POLICY_FIRST] = "first",
	[STREAM_POLICY_LAST] = "last",
	[STREAM_POLICY_WINDOWS] = "windows",
	[STREAM_POLICY_SOLARIS] = "solaris",
	[STREAM_POLICY_OLD_LINUX] = "old-linux",
	[STREAM_POLICY_HPUX10] = "hpux10",
	[STREAM_POLICY_HPUX11] = "hpux11",
	[STREAM_POLICY_IRIX] = "irix",
	[STREAM_POLICY_MACOS] = "macos",
	[STREAM_POLICY_VISTA] = "vista",
	[STREAM_POLICY_WINDOWS2K3] = "windows2k3",
	[STREAM_POLICY_BSD_RIGHT] = "bsd-right",
	[STREAM_POLICY_OLD_SOLARIS] = "old-solaris",
};

const char *stream_policy_name(enum stream_policy pol)
{
	if ((unsigned)pol >= STREAM_POLICY_MAX)
		return NULL;
	return policy_names[pol];
}

int stream_policy_parse(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < STREAM_POLICY_MAX; i++)
		if (strcmp(policy_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- host-os-policy table ------------------------------------------------------------------ */

static void addr_mask(struct ip_addr *a, unsigned prefix)
{
	unsigned bits = a->family == 4 ? 32 : 128;
	for (unsigned i = 0; i < 16; i++) {
		unsigned lo = i * 8;
		if (lo >= bits || lo + 8 <= prefix)
			continue;
		if (lo >= prefix)
			a->b[i] = 0;
		else
			a->b[i] &= (uint8_t)(0xff << (8 - (prefix - lo)));
	}
}

int stream_host_os_add(struct stream_host_os *t, const char *cidr, enum stream_policy pol)
{
	char buf[IP_ADDR_STRLEN + 8];
	if (!cidr || strlen(cidr) >= sizeof(buf) || t->n >= STREAM_HOST_OS_MAX)
		return -1;
	strcpy(buf, cidr);
	long prefix = -1;
	char *slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		char *end;
		if (slash[1] == '\0')
			return -1;
		prefix = strtol(slash + 1, &end, 10);
		if (*end != '\0' || prefix < 0)
			return -1;
	}
	struct ip_addr a;
	if (ip_addr_parse(buf, &a) != 0)
		return -1;
	long maxp = a.family == 4 ? 32 : 128;
	if (prefix < 0)
		prefix = maxp;
	if (prefix > maxp)
		return -1;
	addr_mask(&a, (unsigned)prefix);

	/* insertion keeps longest prefixes first so the first match is the best one */
	uint32_t i = t->n;
	while (i > 0 && t->e[i - 1].prefix < prefix) {
		t->e[i] = t->e[i - 1];
		i--;
	}
	t->e[i].net = a;
	t->e[i].prefix = (uint8_t)prefix;
	t->e[i].policy = (uint8_t)pol;
	t->n++;
	return 0;
}

enum stream_policy stream_host_os_lookup(const struct stream_host_os *t, const struct ip_addr *a,
					 enum stream_policy def)
{
	if (!t || !a)
		return def;
	for (uint32_t i = 0; i < t->n; i++) {
		const struct stream_host_os_entry *e = &t->e[i];
		if (e->net.family != a->family)
			continue;
		struct ip_addr m = *a;
		addr_mask(&m, e->prefix);
		if (memcmp(m.b, e->net.b, 16) == 0)
			return (enum stream_policy)e->policy;
	}
	return def;
}

/* ---- overlap decisions --------------------------------------------------------------------- */

bool stream_defrag_new_wins(enum stream_policy pol, uint64_t ns, uint64_t ne, uint64_t os,
			    uint64_t oe)
{
	switch (pol) {
	case STREAM_POLICY_FIRST:
	case STREAM_POLICY_OLD_SOLARIS:
	case STREAM_POLICY_HPUX11:
	case STREAM_POLICY_MACOS:
		return false;
	case STREAM_POLICY_LAST:
		return true;
	case STREAM_POLICY_BSD_RIGHT:
		return ns >= os;
	case STREAM_POLICY_LINUX:
	case STREAM_POLICY_OLD_LINUX:
		return ns <= os;
	case STREAM_POLICY_WINDOWS:
	case STREAM_POLICY_VISTA:
	case STREAM_POLICY_WINDOWS2K3:
		return ns < os && ne > oe;
	case STREAM_POLICY_SOLARIS:
		return ns < os && ne >= oe;
	case STREAM_POLICY_BSD:
	case STREAM_POLICY_HPUX10:
	case STREAM_POLICY_IRIX:
	default:
		return ns < os;
	}
}

bool stream_tcp_new_wins(enum stream_policy pol, uint64_t ns, uint64_t ne, uint64_t os,
			 uint64_t oe)
{
	switch (pol) {
	case STREAM_POLICY_FIRST:
		return false;
	case STREAM_POLICY_LAST:
		return true;
	case STREAM_POLICY_SOLARIS:
	case STREAM_POLICY_OLD_SOLARIS:
	case STREAM_POLICY_HPUX11:
		return ns < os && ne >= oe;
	case STREAM_POLICY_LINUX:
	case STREAM_POLICY_OLD_LINUX:
		return ns < os || (ns == os && ne > oe);
	default:
		return ns < os;
	}
}
