/*
 * stream-conf.c — the stream stage's settings from aegis.yaml, with suricata.yaml's keys:
 *
 *   stream:  memcap, midstream, async-oneside, checksum-validation, inline (yes/no/auto),
 *            reassembly: { memcap, depth, toserver-chunk-size, toclient-chunk-size }
 *   defrag:  memcap, hash-size, trackers, max-frags, prealloc, timeout
 *   host-os-policy: { windows: [0.0.0.0/0], linux: [10.0.0.0/8, "2001:db8::/32"], ... }
 *
 * Hosts host-os-policy does not list get bsd, as in Suricata. Every bad value is reported as
 * "file:line:col: error: ..." from the conf getters or from here.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "stream/stream-int.h"

static int get_u32_size(const struct conf *c, const char *path, uint32_t def, uint32_t *out,
			char *err, size_t errlen)
{
	uint64_t v;
	if (conf_get_size(c, path, def, &v, err, errlen) != 0)
		return -1;
	if (v > UINT32_MAX) {
		char pos[256] = "";
		const struct conf_node *n = conf_get_node(c, path);
		if (n)
			conf_node_position(n, pos, sizeof(pos));
		snprintf(err, errlen, "%s: error: %s: at most 4gb allowed", pos, path);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int get_u32(const struct conf *c, const char *path, int64_t min, int64_t max, uint32_t def,
		   uint32_t *out, char *err, size_t errlen)
{
	int64_t v;
	if (conf_get_int(c, path, min, max, def, &v, err, errlen) != 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int host_os_from_conf(struct stream_host_os *t, const struct conf *c, char *err,
			     size_t errlen)
{
	memset(t, 0, sizeof(*t));
	const struct conf_node *root = conf_get_node(c, "host-os-policy");
	if (!root)
		return 0;
	char pos[256];
	if (root->type != CONF_MAP) {
		conf_node_position(root, pos, sizeof(pos));
		snprintf(err, errlen, "%s: error: host-os-policy: expected a mapping of OS names "
			 "to address lists", pos);
		return -1;
	}
	for (const struct conf_node *os = root->first_child; os; os = os->next) {
		int pol = stream_policy_parse(os->key);
		if (pol < 0) {
			conf_node_position(os, pos, sizeof(pos));
			snprintf(err, errlen, "%s: error: host-os-policy: unknown policy '%s' (bsd, "
				 "bsd-right, old-linux, linux, old-solaris, solaris, hpux10, hpux11, "
				 "irix, macos, windows, vista, windows2k3, first, last)", pos,
				 os->key ? os->key : "");
			return -1;
		}
		if (os->type == CONF_SCALAR) {
			if (!os->value || !*os->value)
				continue; /* `linux:` with no addresses */
			if (stream_host_os_add(t, os->value, (enum stream_policy)pol) != 0)
				goto bad;
			continue;
		}
		if (os->type != CONF_SEQ) {
			conf_node_position(os, pos, sizeof(pos));
			snprintf(err, errlen, "%s: error: host-os-policy.%s: expected a list of "
				 "addresses", pos, os->key);
			return -1;
		}
		for (const struct conf_node *a = os->first_child; a; a = a->next) {
			if (a->type != CONF_SCALAR || !a->value ||
			    stream_host_os_add(t, a->value, (enum stream_policy)pol) != 0) {
				os = a;
				goto bad;
			}
		}
		continue;
bad:
		conf_node_position(os, pos, sizeof(pos));
		if (t->n >= STREAM_HOST_OS_MAX)
			snprintf(err, errlen, "%s: error: host-os-policy: more than %u entries", pos,
				 STREAM_HOST_OS_MAX);
		else
			snprintf(err, errlen, "%s: error: host-os-policy: '%s' is not an address or "
				 "address/prefix", pos, os->value ? os->value : "");
		return -1;
	}
	return 0;
}

/* stream.inline: a boolean or "auto" (inline when running as an IPS). */
static int get_inline(const struct conf *c, enum stream_inline *out, char *err, size_t errlen)
{
	const struct conf_node *n = conf_get_node(c, "stream.inline");
	if (!n)
		return 0;
	if (n->type == CONF_SCALAR && n->value && strcasecmp(n->value, "auto") == 0) {
		*out = STREAM_INLINE_AUTO;
		return 0;
	}
	bool v;
	if (conf_get_bool(c, "stream.inline", false, &v, err, errlen) != 0) {
		char pos[256] = "";
		conf_node_position(n, pos, sizeof(pos));
		snprintf(err, errlen, "%s: error: stream.inline: expected yes, no or auto", pos);
		return -1;
	}
	*out = v ? STREAM_INLINE_YES : STREAM_INLINE_NO;
	return 0;
}

int stream_config_from_conf(struct defrag_config *dcfg, struct stream_config *scfg,
			    const struct conf *c, char *err, size_t errlen)
{
	defrag_config_defaults(dcfg);
	stream_config_defaults(scfg);
	if (!c)
		return 0;

	if (conf_get_size(c, "stream.memcap", scfg->memcap, &scfg->memcap, err, errlen) ||
	    conf_get_bool(c, "stream.midstream", scfg->midstream, &scfg->midstream, err, errlen) ||
	    conf_get_bool(c, "stream.async-oneside", scfg->async_oneside, &scfg->async_oneside,
			  err, errlen) ||
	    conf_get_bool(c, "stream.checksum-validation", scfg->checksum_validation,
			  &scfg->checksum_validation, err, errlen) ||
	    conf_get_size(c, "stream.reassembly.memcap", scfg->reassembly_memcap,
			  &scfg->reassembly_memcap, err, errlen) ||
	    get_u32_size(c, "stream.reassembly.depth", scfg->reassembly_depth,
			 &scfg->reassembly_depth, err, errlen) ||
	    get_u32_size(c, "stream.reassembly.toserver-chunk-size", scfg->toserver_chunk_size,
			 &scfg->toserver_chunk_size, err, errlen) ||
	    get_u32_size(c, "stream.reassembly.toclient-chunk-size", scfg->toclient_chunk_size,
			 &scfg->toclient_chunk_size, err, errlen) ||
	    get_inline(c, &scfg->inline_mode, err, errlen))
		return -1;

	if (conf_get_size(c, "defrag.memcap", dcfg->memcap, &dcfg->memcap, err, errlen) ||
	    get_u32(c, "defrag.hash-size", 1, 1 << 24, dcfg->hash_size, &dcfg->hash_size, err,
		    errlen) ||
	    get_u32(c, "defrag.trackers", 1, UINT32_MAX, dcfg->trackers, &dcfg->trackers, err,
		    errlen) ||
	    get_u32(c, "defrag.max-frags", 1, UINT32_MAX, dcfg->max_frags, &dcfg->max_frags, err,
		    errlen) ||
	    conf_get_bool(c, "defrag.prealloc", dcfg->prealloc, &dcfg->prealloc, err, errlen) ||
	    get_u32(c, "defrag.timeout", 1, 86400, dcfg->timeout_s, &dcfg->timeout_s, err, errlen))
		return -1;

	if (host_os_from_conf(&scfg->hosts, c, err, errlen) != 0)
		return -1;
	dcfg->hosts = scfg->hosts;
	return 0;
}
