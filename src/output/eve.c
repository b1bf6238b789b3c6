/*
 * eve.c — the EVE writer: configuration defaults, the sinks (a file, a UNIX stream or datagram
 * socket: open, buffered writes, flush, close), the common header every record starts with, and
 * the name tables records share.
 *
 * Records are built in the writer's scratch jbuf, then copied with their trailing "\n" into a
 * write buffer of `buffer_size` bytes that goes to the sink in one write when full (a datagram
 * socket gets one datagram per record, without the newline). A failed write is remembered and
 * reported by the next eve_flush()/eve_close(), and every record lost to it is counted as
 * dropped: the packet path never aborts for a log error. A socket whose reader is gone (or not
 * there yet at start-up) is connected again at most once a second; records written meanwhile
 * are dropped and counted. Datagrams are sent without blocking: a reader that does not keep up
 * loses records (counted) instead of stalling the packet path.
 *
 * Several `- eve-log:` outputs (eve_config.next) are a chain of writers behind the first: each
 * has its own file, buffer and types; a record built once goes to every output that wants it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "output/output-int.h"

#define EVE_DEFAULT_BUFFER (64 * 1024)
#define EVE_MIN_BUFFER 4096
#define EVE_MAX_BUFFER (64 * 1024 * 1024)

struct eve {
	struct eve_config cfg;
	int fd;
	char path[4096];
	char *wbuf;
	size_t wlen, wcap;
	struct jbuf j;
	char *pcap_filename;
	int write_errno;  /* first unreported write error, 0 if none */
	bool write_logged; /* the error was logged once already */
	uint64_t next_connect_usec; /* sockets: when to try connecting again (fd < 0) */
	struct eve_counters counters;
	bool own_types[EVE_TYPE_MAX]; /* this output's types (cfg.types is the chain's union) */
	eve_flow_vars_fn flow_vars;   /* the flows' rule variables (eve_set_flow_vars_source) */
	const void *flow_vars_ctx;
	struct eve *next;             /* the next output, NULL for the last */
};

/* ---- name tables ---------------------------------------------------------------------------- */

const char *eve_proto_name(uint8_t proto, char buf[4])
{
	/* IANA protocol keywords, as Suricata spells them in "proto". */
	switch (proto) {
	case 0: return "HOPOPT";
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 4: return "IPv4";
	case 6: return "TCP";
	case 17: return "UDP";
	case 41: return "IPv6";
	case 43: return "IPv6-Route";
	case 44: return "IPv6-Frag";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 58: return "IPv6-ICMP";
	case 59: return "IPv6-NoNxt";
	case 60: return "IPv6-Opts";
	case 103: return "PIM";
	case 112: return "VRRP";
	case 132: return "SCTP";
	default:
		snprintf(buf, 4, "%u", proto);
		return buf;
	}
}

static const char *const decode_event_names[DECODE_EVENT_MAX] = {
#define EVE_EVENT_NAME(id, name) [DECODE_EVENT_##id] = "decoder." name,
	DECODE_EVENT_LIST(EVE_EVENT_NAME)
#undef EVE_EVENT_NAME
};

const char *eve_decode_event_name(unsigned ev)
{
	if (ev == DECODE_EVENT_NONE || ev >= DECODE_EVENT_MAX)
		return NULL;
	return decode_event_names[ev];
}

/* ---- formatting ------------------------------------------------------------------------------ */

void eve_format_timestamp(uint64_t ts_usec, char buf[EVE_TS_LEN])
{
	/* Two entries: a flow record formats its start and its end second alternately. */
	static __thread struct {
		uint64_t sec;
		char text[EVE_TS_LEN];
		bool valid, patchable;
	} cache[2];
	static __thread unsigned next;
	uint64_t sec = ts_usec / USEC_PER_SEC;
	unsigned k;
	if (cache[0].valid && cache[0].sec == sec) {
		k = 0;
	} else if (cache[1].valid && cache[1].sec == sec) {
		k = 1;
	} else {
		k = next;
		next ^= 1;
		util_format_timestamp(ts_usec, cache[k].text, EVE_TS_LEN);
		cache[k].sec = sec;
		cache[k].valid = true;
		/* Patch only the layout we know: "YYYY-MM-DDTHH:MM:SS.uuuuuu+zzzz". */
		cache[k].patchable = strlen(cache[k].text) == 31 && cache[k].text[19] == '.';
	}
	if (!cache[k].patchable) {
		util_format_timestamp(ts_usec, buf, EVE_TS_LEN);
		return;
	}
	memcpy(buf, cache[k].text, 32);
	uint32_t us = (uint32_t)(ts_usec % USEC_PER_SEC);
	for (int i = 25; i >= 20; i--) {
		buf[i] = (char)('0' + us % 10);
		us /= 10;
	}
}

/* Suricata's spelling: IPv4 dotted, IPv6 as all eight groups of four hex digits (no "::", no
 * dropped zeros), which is what records from Suricata carry and SIEM parsers expect. */
const char *eve_format_ip(const struct ip_addr *a, char buf[IP_ADDR_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	if (a->family == 6) {
		char *o = buf;
		for (int i = 0; i < 16; i++) {
			*o++ = hex[a->b[i] >> 4];
			*o++ = hex[a->b[i] & 15];
			if (i & 1)
				*o++ = i < 15 ? ':' : '\0';
		}
		return buf;
	}
	if (a->family != 4)
		return ip_addr_to_str(a, buf, IP_ADDR_STRLEN);
	char *o = buf;
	for (int i = 0; i < 4; i++) {
		unsigned v = a->b[i];
		if (v >= 100)
			*o++ = (char)('0' + v / 100);
		if (v >= 10)
			*o++ = (char)('0' + v / 10 % 10);
		*o++ = (char)('0' + v % 10);
		*o++ = i < 3 ? '.' : '\0';
	}
	return buf;
}

/* ---- configuration -------------------------------------------------------------------------- */

void eve_config_defaults(struct eve_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->enabled = true;
	util_strlcpy(cfg->filename, "eve.json", sizeof(cfg->filename));
	cfg->append = true;
	for (int t = 0; t < EVE_TYPE_MAX; t++)
		cfg->types[t] = true;
	cfg->anomaly_decode = true;
	cfg->anomaly_applayer = true;
	cfg->community_id = false;
	cfg->community_id_seed = 0;
	cfg->stats_totals = true;
	cfg->buffer_size = EVE_DEFAULT_BUFFER;
	eve_dns_options_defaults(&cfg->dns);
}

bool eve_config_type_enabled(const struct eve_config *cfg, enum eve_type type)
{
	unsigned n = 0;
	for (const struct eve_config *c = cfg; c && n < EVE_MAX_OUTPUTS; c = c->next, n++)
		if ((unsigned)type < EVE_TYPE_MAX && c->types[type])
			return true;
	return false;
}

const struct eve_config *eve_get_config(const struct eve *e)
{
	return &e->cfg;
}

struct eve *eve_next_sink(const struct eve *e)
{
	return e->next;
}

bool eve_sink_wants(const struct eve *e, enum eve_type type)
{
	return (unsigned)type < EVE_TYPE_MAX && e->own_types[type];
}

/* ---- sinks ---------------------------------------------------------------------------------- */

#define EVE_RECONNECT_USEC 1000000u

static bool eve_is_socket(const struct eve *e)
{
	return e->cfg.filetype != EVE_FILETYPE_REGULAR;
}

/* Connect a UNIX socket sink to e->path. 0, or an errno value (e->fd stays -1). */
static int eve_connect(struct eve *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(e->path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	memcpy(sa.sun_path, e->path, strlen(e->path) + 1);
	int type = e->cfg.filetype == EVE_FILETYPE_UNIX_DGRAM ? SOCK_DGRAM : SOCK_STREAM;
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = errno;
		close(fd);
		return rc;
	}
	e->fd = fd;
	return 0;
}

/* A socket sink without a connection: try again when the last try is a second old. 0 when
 * connected, else an errno value for the records that cannot go out now. */
static int eve_reconnect(struct eve *e)
{
	if (e->fd >= 0)
		return 0;
	uint64_t now = util_monotonic_usec();
	if (now < e->next_connect_usec)
		return ENOTCONN;
	e->next_connect_usec = now + EVE_RECONNECT_USEC;
	int rc = eve_connect(e);
	if (rc)
		return rc;
	log_notice("eve: connected to %s", e->path);
	e->write_logged = false; /* a later failure is news again */
	return 0;
}

/* send(2) all of buf on a stream socket; never raises SIGPIPE. 0 or an errno value. */
static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* write(2) all of buf, retrying on EINTR and short writes. 0 or an errno value. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (w == 0)
			return EIO;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Count of records in a block of complete lines (they are all lost if its write fails). */
static uint64_t count_lines(const char *buf, size_t len)
{
	uint64_t n = 0;
	const char *p = buf, *end = buf + len;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/* Remember the first write error for eve_flush() and log it once, not once per record. */
static void note_write_error(struct eve *e, int rc)
{
	if (!e->write_errno)
		e->write_errno = rc;
	if (!e->write_logged) {
		if (eve_is_socket(e))
			log_error("cannot write %s: %s (records are dropped until it is connected "
				  "again)", e->path, strerror(rc));
		else
			log_error("cannot write %s: %s", e->path, strerror(rc));
		e->write_logged = true;
	}
}

/* Records (each ending in '\n') to a datagram socket, one datagram each. Returns the count
 * lost; the first error goes to note_write_error. */
static uint64_t eve_send_datagrams(struct eve *e, const char *buf, size_t len)
{
	uint64_t lost = 0;
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		int rc = eve_reconnect(e);
		if (!rc && send(e->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			rc = errno;
		if (rc) {
			lost++;
			note_write_error(e, rc);
			if (rc == ECONNREFUSED || rc == ENOTCONN || rc == ENOENT) {
				close(e->fd); /* the reader went away: connect again later */
				e->fd = -1;
			}
		} else {
			e->counters.bytes += n;
		}
		p += n + (nl ? 1 : 0);
	}
	return lost;
}

/* Whole records to the sink: a file, a stream socket (connected again when its reader went
 * away) or a datagram socket. 0, or an errno value when they could not be written. */
static int eve_sink_write(struct eve *e, const char *buf, size_t len)
{
	switch (e->cfg.filetype) {
	case EVE_FILETYPE_UNIX_STREAM: {
		int rc = eve_reconnect(e);
		if (!rc)
			rc = send_all(e->fd, buf, len);
		if (rc && e->fd >= 0) {
			close(e->fd);
			e->fd = -1;
		}
		return rc;
	}
	default:
		return write_all(e->fd, buf, len);
	}
}

/* Open the sink of e (its path is set). For a socket, a reader that is not there yet is not an
 * error: records wait for a connection (dropped and counted until then). */
static int eve_sink_open(struct eve *e, const struct eve_config *cfg, char *err, size_t errlen)
{
	if (eve_is_socket(e)) {
		int rc = eve_connect(e);
		if (rc) {
			log_warning("eve: cannot connect to %s: %s; trying again every second",
				    e->path, strerror(rc));
			e->next_connect_usec = util_monotonic_usec() + EVE_RECONNECT_USEC;
		}
		return 0;
	}
	/* The log directory is not created: a missing one is a configuration mistake to report. */
	/* Always O_APPEND: several writers (one per worker thread) may share the file, and each
	 * write(2) of whole lines then lands at the end without interleaving mid-record. */
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND | (cfg->append ? 0 : O_TRUNC);
	e->fd = open(e->path, flags, 0644);
	if (e->fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", e->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int eve_open_one(struct eve **out, const struct eve_config *cfg, const char *logdir,
			char *err, size_t errlen)
{
	*out = NULL;
	struct eve *e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errlen, "eve: out of memory");
		return -1;
	}
	e->cfg = *cfg;
	e->cfg.next = NULL;
	memcpy(e->own_types, cfg->types, sizeof(e->own_types));
	e->fd = -1;
	jbuf_init(&e->j);

	const char *name = cfg->filename[0] ? cfg->filename : "eve.json";
	int n;
	if (name[0] == '/' || !logdir || !logdir[0])
		n = snprintf(e->path, sizeof(e->path), "%s", name);
	else
		n = snprintf(e->path, sizeof(e->path), "%s/%s", logdir, name);
	if (n < 0 || (size_t)n >= sizeof(e->path)) {
		snprintf(err, errlen, "cannot open %s/%s: path too long", logdir ? logdir : "", name);
		free(e);
		return -1;
	}

	size_t cap = cfg->buffer_size ? cfg->buffer_size : EVE_DEFAULT_BUFFER;
	if (cap < EVE_MIN_BUFFER)
		cap = EVE_MIN_BUFFER;
	if (cap > EVE_MAX_BUFFER)
		cap = EVE_MAX_BUFFER;
	e->wbuf = malloc(cap);
	if (!e->wbuf) {
		snprintf(err, errlen, "eve: out of memory for a %zu byte write buffer", cap);
		free(e);
		return -1;
	}
	e->wcap = cap;

	if (eve_sink_open(e, cfg, err, errlen) != 0) {
		free(e->wbuf);
		free(e);
		return -1;
	}
	*out = e;
	return 0;
}

int eve_open(struct eve **out, const struct eve_config *cfg, const char *logdir, char *err,
	     size_t errlen)
{
	struct eve *head;
	if (eve_open_one(&head, cfg, logdir, err, errlen) != 0) {
		*out = NULL;
		return -1;
	}
	struct eve *tail = head;
	unsigned n = 1;
	for (const struct eve_config *c = cfg->next; c; c = c->next) {
		if (++n > EVE_MAX_OUTPUTS) {
			snprintf(err, errlen, "eve: more than %d eve-log outputs", EVE_MAX_OUTPUTS);
			eve_close(head, NULL, 0);
			*out = NULL;
			return -1;
		}
		if (eve_open_one(&tail->next, c, logdir, err, errlen) != 0) {
			eve_close(head, NULL, 0);
			*out = NULL;
			return -1;
		}
		tail = tail->next;
		for (int t = 0; t < EVE_TYPE_MAX; t++)
			head->cfg.types[t] = head->cfg.types[t] || c->types[t];
	}
	*out = head;
	return 0;
}

static void eve_write_block(struct eve *e, const char *buf, size_t len)
{
	if (e->cfg.filetype == EVE_FILETYPE_UNIX_DGRAM) {
		e->counters.dropped += eve_send_datagrams(e, buf, len);
		return;
	}
	int rc = eve_sink_write(e, buf, len);
	if (!rc) {
		e->counters.bytes += len;
		return;
	}
	e->counters.dropped += count_lines(buf, len);
	note_write_error(e, rc);
}

static void eve_drain(struct eve *e)
{
	if (e->wlen) {
		eve_write_block(e, e->wbuf, e->wlen);
		e->wlen = 0;
	}
}

static int eve_flush_one(struct eve *e, char *err, size_t errlen)
{
	eve_drain(e);
	if (e->write_errno) {
		if (err)
			snprintf(err, errlen, "cannot write %s: %s", e->path,
				 strerror(e->write_errno));
		e->write_errno = 0;
		return -1;
	}
	return 0;
}

int eve_flush(struct eve *e, char *err, size_t errlen)
{
	int rc = 0;
	for (; e; e = e->next)
		if (eve_flush_one(e, rc == 0 ? err : NULL, errlen) != 0)
			rc = -1;
	return rc;
}

int eve_close(struct eve *e, char *err, size_t errlen)
{
	int rc = 0;
	while (e) {
		struct eve *next = e->next;
		if (eve_flush_one(e, rc == 0 ? err : NULL, errlen) != 0)
			rc = -1;
		if (e->fd >= 0 && close(e->fd) < 0 && rc == 0) {
			if (err)
				snprintf(err, errlen, "cannot close %s: %s", e->path,
					 strerror(errno));
			rc = -1;
		}
		jbuf_free(&e->j);
		free(e->wbuf);
		free(e->pcap_filename);
		free(e);
		e = next;
	}
	return rc;
}

void eve_set_pcap_filename(struct eve *e, const char *name)
{
	for (; e; e = e->next) {
		free(e->pcap_filename);
		e->pcap_filename = name ? strdup(name) : NULL;
		/* Without the copy the field is left out; that loses a detail, not a record. */
	}
}

void eve_set_flow_vars_source(struct eve *e, eve_flow_vars_fn fn, const void *ctx)
{
	for (; e; e = e->next) {
		e->flow_vars = fn;
		e->flow_vars_ctx = ctx;
	}
}

/*
 * The flow's rule variables, as Suricata's EVE metadata: "metadata": {"flowbits": [...],
 * "flowvars": [{"name": "value"}], "flowints": {"name": n}}. Flowbits named traffic/id/X and
 * traffic/label/X go to "traffic": {"id": [X], "label": [X]} instead (Suricata 7's traffic
 * tagging).
 */
#define EVE_VARS_MAX 64

/* A flowbit's traffic tag: 0 for traffic/id/X, 1 for traffic/label/X, -1 for any other bit;
 * *tag is X. */
static int traffic_kind(const struct detect_var *v, const char **tag)
{
	static const char *const prefix[2] = { "traffic/id/", "traffic/label/" };
	for (int k = 0; k < 2 && v->kind == DETECT_VAR_FLOWBIT; k++) {
		size_t pl = strlen(prefix[k]);
		if (strncmp(v->name, prefix[k], pl) == 0) {
			*tag = v->name + pl;
			return k;
		}
	}
	return -1;
}

static void add_flow_vars(struct eve *e, struct jbuf *j, const struct flow *f)
{
	struct detect_var v[EVE_VARS_MAX];
	size_t n = e->flow_vars(e->flow_vars_ctx, f, v, EVE_VARS_MAX);
	int kind[EVE_VARS_MAX];
	const char *tag[EVE_VARS_MAX];
	size_t n_meta = 0, n_traffic[2] = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		kind[i] = traffic_kind(&v[i], &tag[i]);
		if (kind[i] < 0)
			n_meta++;
		else
			n_traffic[kind[i]]++;
	}
	if (n_meta) {
		static const char *const keys[] = { [DETECT_VAR_FLOWBIT] = "flowbits",
						    [DETECT_VAR_FLOWVAR] = "flowvars",
						    [DETECT_VAR_FLOWINT] = "flowints" };
		jbuf_open_object(j, "metadata");
		for (int vk = DETECT_VAR_FLOWBIT; vk <= DETECT_VAR_FLOWINT; vk++) {
			bool opened = false;
			for (size_t i = 0; i < n; i++) {
				if ((int)v[i].kind != vk || kind[i] >= 0)
					continue;
				if (!opened) {
					if (vk == DETECT_VAR_FLOWINT)
						jbuf_open_object(j, keys[vk]);
					else
						jbuf_open_array(j, keys[vk]);
					opened = true;
				}
				if (vk == DETECT_VAR_FLOWBIT) {
					jbuf_add_str(j, NULL, v[i].name);
				} else if (vk == DETECT_VAR_FLOWINT) {
					jbuf_add_uint(j, v[i].name, v[i].ival);
				} else {
					jbuf_open_object(j, NULL);
					jbuf_add_strn(j, v[i].name, (const char *)v[i].val, v[i].len);
					jbuf_close_object(j);
				}
			}
			if (opened && vk == DETECT_VAR_FLOWINT)
				jbuf_close_object(j);
			else if (opened)
				jbuf_close_array(j);
		}
		jbuf_close_object(j);
	}
	if (n_traffic[0] || n_traffic[1]) {
		static const char *const traffic_key[2] = { "id", "label" };
		jbuf_open_object(j, "traffic");
		for (int k = 0; k < 2; k++) {
			if (!n_traffic[k])
				continue;
			jbuf_open_array(j, traffic_key[k]);
			for (size_t i = 0; i < n; i++)
				if (kind[i] == k)
					jbuf_add_str(j, NULL, tag[i]);
			jbuf_close_array(j);
		}
		jbuf_close_object(j);
	}
}

void eve_get_counters(const struct eve *e, struct eve_counters *out)
{
	/* The sum over the outputs: a record written to two files counts twice. */
	memset(out, 0, sizeof(*out));
	for (; e; e = e->next) {
		for (int t = 0; t < EVE_TYPE_MAX; t++)
			out->records[t] += e->counters.records[t];
		out->dropped += e->counters.dropped;
		out->bytes += e->counters.bytes;
	}
}

struct jbuf *eve_jbuf(struct eve *e)
{
	return &e->j;
}

/* ---- records -------------------------------------------------------------------------------- */

static void add_ip(struct jbuf *j, const char *key, const struct ip_addr *a)
{
	char buf[IP_ADDR_STRLEN];
	jbuf_add_str(j, key, eve_format_ip(a, buf));
}

/* Suricata's pkt_src for a packet: where it came from (wire, the inner packet of a tunnel, or
 * a pseudo packet of the flow's end — no captured bytes — that carries the last stream and
 * transaction results). */
static const char *packet_source(const struct packet *p)
{
	if (p->flags & PKT_F_PSEUDO)
		return "stream (flow timeout)";
	if (!(p->flags & PKT_F_TUNNELED))
		return "wire/pcap";
	/* named by the decoder that opened the innermost encapsulation, as Suricata's PKT_SRC_* */
	switch (p->tunnel_kind) {
	case PKT_TUNNEL_GRE:
		return "gre tunnel";
	case PKT_TUNNEL_IPV6:
		return "ipv6 tunnel";
	case PKT_TUNNEL_IPV4:
		return "ipv4 tunnel";
	default:
		/* an inner IP layer without a recorded encapsulation: name it by the outer one */
		if (p->outer_ip_proto == 47)
			return "gre tunnel";
		return p->outer_src.family == 6 ? "ipv6 tunnel" : "ipv4 tunnel";
	}
}

void eve_add_tunnel(struct jbuf *j, const struct packet *p)
{
	if (!(p->flags & PKT_F_TUNNELED) || !p->outer_src.family)
		return;
	char pbuf[4];
	jbuf_open_object(j, "tunnel");
	add_ip(j, "src_ip", &p->outer_src);
	/* The root of every encapsulation aegis decodes (IP-in-IP, GRE) is an IP header without
	 * ports; Suricata writes the root's ports regardless, 0 then. */
	jbuf_add_uint(j, "src_port", 0);
	add_ip(j, "dest_ip", &p->outer_dst);
	jbuf_add_uint(j, "dest_port", 0);
	jbuf_add_str(j, "proto", eve_proto_name(p->outer_ip_proto, pbuf));
	jbuf_add_uint(j, "depth", p->tunnel_depth);
	if (p->pcap_cnt)
		jbuf_add_uint(j, "pcap_cnt", p->pcap_cnt);
	/* the root is the captured frame itself */
	jbuf_add_str(j, "pkt_src", "wire/pcap");
	jbuf_close_object(j);
}

static void add_vlan(struct jbuf *j, const uint16_t *ids, uint8_t count)
{
	if (!count)
		return;
	if (count > PKT_MAX_VLAN)
		count = PKT_MAX_VLAN;
	jbuf_open_array(j, "vlan");
	for (uint8_t i = 0; i < count; i++)
		jbuf_add_uint(j, NULL, ids[i]);
	jbuf_close_array(j);
}

static void add_community_id(struct eve *e, struct jbuf *j, const struct flow *f)
{
	char cid[COMMUNITY_ID_LEN];
	uint16_t sp = f->sp, dp = f->dp;
	if (eve_proto_is_icmp(f->ip_proto)) {
		sp = f->icmp_type;
		dp = f->icmp_code;
	}
	if (community_id_v1(&f->src, &f->dst, f->ip_proto, sp, dp, e->cfg.community_id_seed,
			    cid) == 0)
		jbuf_add_str(j, "community_id", cid);
}

/* How a record's tuple is written: the packet's own, the flow's (client first), or the flow's
 * reversed (server first, for data travelling to the client). */
enum tuple_mode { TUPLE_PACKET = 0, TUPLE_FLOW, TUPLE_FLOW_REVERSED };

/* "aa:bb:cc:dd:ee:ff" */
void eve_format_mac(const uint8_t mac[6], char buf[18])
{
	for (int i = 0; i < 6; i++) {
		eve_format_hex8(mac[i], buf + 3 * i);
		buf[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}

static void add_mac(struct jbuf *j, const char *key, const uint8_t *mac)
{
	char buf[18];
	eve_format_mac(mac, buf);
	jbuf_add_str(j, key, buf);
}

/*
 * ethernet: yes — the packet's MAC addresses. Records with the flow's tuple (client first) swap
 * them for a to-client packet so src_mac stays the client's, as Suricata does for flow-direction
 * records. Records without a packet have none to give (Suricata logs the MAC sets it collects
 * per flow there; aegis's flows do not keep them).
 */
static void add_ether(struct jbuf *j, const struct packet *p, enum tuple_mode tm)
{
	if (!p || !(p->flags & PKT_F_HAS_ETH) || !p->eth_src || !p->eth_dst)
		return;
	/* the MACs follow the tuple's orientation */
	bool swap = (tm == TUPLE_FLOW && p->flow_dir == FLOW_DIR_TO_CLIENT) ||
		    (tm == TUPLE_FLOW_REVERSED && p->flow_dir == FLOW_DIR_TO_SERVER);
	jbuf_open_object(j, "ether");
	add_mac(j, "src_mac", swap ? p->eth_dst : p->eth_src);
	add_mac(j, "dest_mac", swap ? p->eth_src : p->eth_dst);
	jbuf_close_object(j);
}

static void begin_record(struct eve *e, struct jbuf *j, const char *event_type, uint64_t ts_usec,
			 const struct packet *p, const struct flow *f, enum tuple_mode tm);

void eve_begin_record(struct eve *e, struct jbuf *j, const char *event_type, uint64_t ts_usec,
		      const struct packet *p, const struct flow *f)
{
	begin_record(e, j, event_type, ts_usec, p, f, TUPLE_PACKET);
}

void eve_begin_flow_record(struct eve *e, struct jbuf *j, const char *event_type,
			   uint64_t ts_usec, const struct packet *p, const struct flow *f)
{
	begin_record(e, j, event_type, ts_usec, p, f, f != NULL ? TUPLE_FLOW : TUPLE_PACKET);
}

void eve_begin_dir_record(struct eve *e, struct jbuf *j, const char *event_type,
			  uint64_t ts_usec, const struct packet *p, const struct flow *f,
			  uint8_t dir)
{
	enum tuple_mode tm = !f ? TUPLE_PACKET :
			     dir == FLOW_DIR_TO_CLIENT ? TUPLE_FLOW_REVERSED : TUPLE_FLOW;
	begin_record(e, j, event_type, ts_usec, p, f, tm);
}

static void begin_record(struct eve *e, struct jbuf *j, const char *event_type, uint64_t ts_usec,
			 const struct packet *p, const struct flow *f, enum tuple_mode tm)
{
	bool flow_tuple = tm != TUPLE_PACKET;
	char ts[EVE_TS_LEN], pbuf[4];
	jbuf_reset(j);
	jbuf_open_object(j, NULL);
	eve_format_timestamp(ts_usec, ts);
	jbuf_add_str(j, "timestamp", ts);
	if (f)
		jbuf_add_uint(j, "flow_id", f->flow_id);
	if (p && p->iface)
		jbuf_add_str(j, "in_iface", p->iface);
	if (p && p->pcap_cnt)
		jbuf_add_uint(j, "pcap_cnt", p->pcap_cnt);
	jbuf_add_str(j, "event_type", event_type);
	if (p)
		add_vlan(j, p->vlan_id, p->vlan_count);
	else if (f)
		add_vlan(j, f->vlan_id, f->vlan_count);

	/* Tuple: a packet's own addresses (records about one packet), else the flow's key with the
	 * client as src (records about a flow or a transaction). ICMP carries type/code instead
	 * of ports. */
	if (p && p->ip_version && !flow_tuple) {
		add_ip(j, "src_ip", &p->src);
		if (eve_proto_has_ports(p->ip_proto))
			jbuf_add_uint(j, "src_port", p->sp);
		add_ip(j, "dest_ip", &p->dst);
		if (eve_proto_has_ports(p->ip_proto))
			jbuf_add_uint(j, "dest_port", p->dp);
		jbuf_add_uint(j, "ip_v", p->ip_version);
		jbuf_add_str(j, "proto", eve_proto_name(p->ip_proto, pbuf));
		if (eve_proto_is_icmp(p->ip_proto) && p->l4_hdr) {
			jbuf_add_uint(j, "icmp_type", p->icmp_type);
			jbuf_add_uint(j, "icmp_code", p->icmp_code);
		}
	} else if (f && f->ip_version) {
		bool rev = tm == TUPLE_FLOW_REVERSED;
		add_ip(j, "src_ip", rev ? &f->dst : &f->src);
		if (eve_proto_has_ports(f->ip_proto))
			jbuf_add_uint(j, "src_port", rev ? f->dp : f->sp);
		add_ip(j, "dest_ip", rev ? &f->src : &f->dst);
		if (eve_proto_has_ports(f->ip_proto))
			jbuf_add_uint(j, "dest_port", rev ? f->sp : f->dp);
		jbuf_add_uint(j, "ip_v", f->ip_version);
		jbuf_add_str(j, "proto", eve_proto_name(f->ip_proto, pbuf));
		if (eve_proto_is_icmp(f->ip_proto)) {
			jbuf_add_uint(j, "icmp_type", f->icmp_type);
			jbuf_add_uint(j, "icmp_code", f->icmp_code);
		}
	}
	if (p) {
		jbuf_add_str(j, "pkt_src", packet_source(p));
		if (e->pcap_filename)
			jbuf_add_str(j, "pcap_filename", e->pcap_filename);
	}
	if (f && e->cfg.community_id && f->ip_version)
		add_community_id(e, j, f);
	if (e->cfg.ethernet)
		add_ether(j, p, tm);
	if (f && f->detect && e->flow_vars && !e->cfg.no_metadata)
		add_flow_vars(e, j, f);
}

static void eve_write_record(struct eve *e, const struct jbuf *j, enum eve_type type)
{
	if (j->failed || j->depth != 0) {
		e->counters.dropped++;
		return;
	}
	size_t len = j->len + 1;
	if (e->wlen + len > e->wcap)
		eve_drain(e);
	if (len > e->wcap && e->cfg.filetype == EVE_FILETYPE_UNIX_DGRAM) {
		/* one datagram, as any other record */
		if (eve_send_datagrams(e, j->buf, j->len)) {
			e->counters.dropped++;
			return;
		}
	} else if (len > e->wcap) {
		/* Larger than the whole buffer: write it directly, then its newline. */
		int rc = eve_sink_write(e, j->buf, j->len);
		if (!rc)
			rc = eve_sink_write(e, "\n", 1);
		if (rc) {
			e->counters.dropped++;
			note_write_error(e, rc);
			return;
		}
		e->counters.bytes += len;
	} else {
		memcpy(e->wbuf + e->wlen, j->buf, j->len);
		e->wbuf[e->wlen + j->len] = '\n';
		e->wlen += len;
	}
	if ((unsigned)type < EVE_TYPE_MAX)
		e->counters.records[type]++;
}

void eve_end_record_sink(struct eve *e, struct jbuf *j, enum eve_type type)
{
	jbuf_close_object(j);
	eve_write_record(e, j, type);
}

void eve_end_record(struct eve *e, struct jbuf *j, enum eve_type type)
{
	jbuf_close_object(j);
	if (!e->next) {
		/* One output: its caller checked the type already. */
		eve_write_record(e, j, type);
		return;
	}
	for (struct eve *s = e; s; s = s->next)
		if (eve_sink_wants(s, type))
			eve_write_record(s, j, type);
}

void eve_add_flow_counters(struct jbuf *j, const struct flow *f)
{
	char ts[EVE_TS_LEN];
	jbuf_add_uint(j, "pkts_toserver", f->pkts[FLOW_DIR_TO_SERVER]);
	jbuf_add_uint(j, "pkts_toclient", f->pkts[FLOW_DIR_TO_CLIENT]);
	jbuf_add_uint(j, "bytes_toserver", f->bytes[FLOW_DIR_TO_SERVER]);
	jbuf_add_uint(j, "bytes_toclient", f->bytes[FLOW_DIR_TO_CLIENT]);
	eve_format_timestamp(f->start_usec, ts);
	jbuf_add_str(j, "start", ts);
}
