/*
 * dns.c — the DNS parser (RFC 1035 and friends) over UDP (one message per datagram) and TCP
 * (messages behind a 2-byte length, several per stream, split anywhere): header, questions and
 * resource records of every section with name decompression, one transaction per message (as
 * Suricata 8: a query and its response are two transactions), and the events Suricata raises
 * (dns.malformed_data, dns.infinite_loop...).
 *
 * Everything input-driven is bounded: names (DNS_MAX_NAME_LEN bytes, DNS_MAX_LABELS labels,
 * DNS_NAME_MAX_JUMPS compression pointers), entries kept per message (DNS_MAX_QUERIES,
 * DNS_MAX_RRS), TCP messages (at most 65535 bytes by construction of the length prefix).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/app-int.h"
#include "app/dns-int.h"

/* Compression pointers followed for one name before it is called a loop. */
#define DNS_NAME_MAX_JUMPS 64
#define DNS_HDR_LEN 12

/* ---- names of types and codes ------------------------------------------------------------ */

static const struct {
	uint16_t type;
	const char *name;
} dns_types[] = {
	{ 1, "A" },	    { 2, "NS" },       { 3, "MD" },	   { 4, "MF" },
	{ 5, "CNAME" },    { 6, "SOA" },      { 7, "MB" },	   { 8, "MG" },
	{ 9, "MR" },	    { 10, "NULL" },    { 11, "WKS" },     { 12, "PTR" },
	{ 13, "HINFO" },   { 14, "MINFO" },   { 15, "MX" },	   { 16, "TXT" },
	{ 17, "RP" },	    { 18, "AFSDB" },   { 19, "X25" },     { 20, "ISDN" },
	{ 21, "RT" },	    { 22, "NSAP" },    { 23, "NSAPPTR" }, { 24, "SIG" },
	{ 25, "KEY" },	    { 26, "PX" },      { 27, "GPOS" },    { 28, "AAAA" },
	{ 29, "LOC" },	    { 30, "NXT" },     { 33, "SRV" },     { 34, "ATMA" },
	{ 35, "NAPTR" },   { 36, "KX" },      { 37, "CERT" },    { 38, "A6" },
	{ 39, "DNAME" },   { 41, "OPT" },     { 42, "APL" },     { 43, "DS" },
	{ 44, "SSHFP" },   { 45, "IPSECKEY" }, { 46, "RRSIG" },  { 47, "NSEC" },
	{ 48, "DNSKEY" },  { 49, "DHCID" },   { 50, "NSEC3" },   { 51, "NSEC3PARAM" },
	{ 52, "TLSA" },    { 55, "HIP" },     { 59, "CDS" },     { 60, "CDNSKEY" },
	{ 64, "SVCB" },    { 65, "HTTPS" },   { 99, "SPF" },     { 249, "TKEY" },
	{ 250, "TSIG" },   { 251, "IXFR" },   { 252, "AXFR" },   { 255, "ANY" },
	{ 256, "URI" },    { 257, "CAA" },
};

const char *dns_rrtype_name(uint16_t type)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (dns_types[i].type == type)
			return dns_types[i].name;
	return NULL;
}

int dns_rrtype_lookup(const char *name)
{
	if (!name || !*name)
		return -1;
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (strcasecmp(dns_types[i].name, name) == 0)
			return dns_types[i].type;
	char *end;
	unsigned long v = strtoul(name, &end, 10);
	if (*end || v > 65535 || name[0] < '0' || name[0] > '9')
		return -1;
	return (int)v;
}

const char *dns_rcode_name(uint8_t rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					     "NXRRSET", "NOTAUTH", "NOTZONE" };
	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : NULL;
}

/* ---- transaction memory ------------------------------------------------------------------ */

/* Append bytes to the transaction's arena; the arena only grows within one message. */
static int dns_arena_add(struct dns_tx *t, const uint8_t *p, uint32_t n, struct dns_str *out)
{
	if (t->arena_len + n > t->arena_cap) {
		uint32_t ncap = t->arena_cap ? t->arena_cap : 256;
		while (ncap < t->arena_len + n)
			ncap *= 2;
		uint8_t *a = realloc(t->arena, ncap);
		if (!a)
			return -1;
		t->arena = a;
		t->arena_cap = ncap;
	}
	if (n)
		memcpy(t->arena + t->arena_len, p, n);
	out->off = t->arena_len;
	out->len = n;
	t->arena_len += n;
	return 0;
}

static void dns_tx_free(void *p)
{
	struct dns_tx *t = p;
	if (!t)
		return;
	free(t->req.queries);
	free(t->req.rrs);
	free(t->resp.queries);
	free(t->resp.rrs);
	free(t->arena);
	free(t);
}

/* ---- message parsing --------------------------------------------------------------------- */

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int dns_name_read(const uint8_t *msg, uint32_t len, uint32_t off, uint8_t *out, uint32_t *out_len,
		  uint32_t *next, unsigned *findings)
{
	uint32_t pos = off, n = 0, labels = 0, jumps = 0;
	bool jumped = false;
	*findings = 0;
	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -1;
			uint32_t target = (uint32_t)(l & 0x3f) << 8 | msg[pos + 1];
			if (!jumped)
				*next = pos + 2;
			jumped = true;
			if (target >= len)
				return -1;
			if (++jumps > DNS_NAME_MAX_JUMPS) {
				*findings |= DNS_NAME_F_LOOP;
				break;
			}
			pos = target;
			continue;
		}
		if (l & 0xc0)
			return -1; /* 0x40/0x80: extended label types, obsolete */
		if (l == 0) {
			if (!jumped)
				*next = pos + 1;
			break;
		}
		if (pos + 1 + l > len)
			return -1;
		if (++labels > DNS_MAX_LABELS) {
			*findings |= DNS_NAME_F_TOO_MANY_LABELS;
			/* Keep walking (bounded by the message) to find where the name ends. */
		}
		uint32_t need = (n ? 1u : 0u) + l;
		if (n + need > DNS_MAX_NAME_LEN) {
			*findings |= DNS_NAME_F_TOO_LONG;
		} else if (!(*findings & DNS_NAME_F_TOO_MANY_LABELS)) {
			if (n)
				out[n++] = '.';
			memcpy(out + n, msg + pos + 1, l);
			n += l;
		}
		pos += 1 + l;
	}
	*out_len = n;
	return 0;
}

struct dns_parse {
	struct app_parse_ctx *pc;     /* NULL when probing / testing */
	struct app_tx *tx;            /* for events (may be NULL) */
	struct dns_tx *t;
	const uint8_t *msg;
	uint32_t len;
	unsigned events;              /* DNS_EV_* bits seen */
};

static void dns_note_name(struct dns_parse *dp, unsigned findings)
{
	if (findings & DNS_NAME_F_LOOP)
		dp->events |= DNS_EV_INFINITE_LOOP;
	if (findings & DNS_NAME_F_TOO_LONG)
		dp->events |= DNS_EV_NAME_TOO_LONG;
	if (findings & DNS_NAME_F_TOO_MANY_LABELS)
		dp->events |= DNS_EV_TOO_MANY_LABELS;
}

/* Read a name at *pos into the arena; advances *pos. -1 when it runs off the message. */
static int dns_take_name(struct dns_parse *dp, uint32_t *pos, uint32_t end, struct dns_str *out)
{
	uint8_t buf[DNS_MAX_NAME_LEN];
	uint32_t n, next = 0;
	unsigned f;
	if (dns_name_read(dp->msg, end, *pos, buf, &n, &next, &f) < 0)
		return -1;
	dns_note_name(dp, f);
	*pos = next;
	if (!dp->t)
		return 0;
	return dns_arena_add(dp->t, buf, n, out) < 0 ? -2 : 0;
}

/* The rdata of one record, decoded per type. -1 malformed, -2 out of memory. */
static int dns_parse_rdata(struct dns_parse *dp, struct dns_rr *rr, uint32_t pos, uint32_t rdlen)
{
	const uint8_t *m = dp->msg;
	uint32_t end = pos + rdlen;
	struct dns_tx *t = dp->t;
	int rc;
	switch (rr->rrtype) {
	case 1: /* A */
	case 28: /* AAAA */
		if (rdlen != (rr->rrtype == 1 ? 4u : 16u))
			return -1;
		break;
	case 2: case 5: case 12: /* NS, CNAME, PTR */
		if ((rc = dns_take_name(dp, &pos, dp->len, &rr->data)) < 0)
			return rc;
		return pos <= end ? 0 : -1;
	case 15: /* MX */
		if (rdlen < 3)
			return -1;
		rr->pref = rd16(m + pos);
		pos += 2;
		if ((rc = dns_take_name(dp, &pos, dp->len, &rr->data)) < 0)
			return rc;
		return pos <= end ? 0 : -1;
	case 33: /* SRV */
		if (rdlen < 7)
			return -1;
		rr->pref = rd16(m + pos);
		rr->weight = rd16(m + pos + 2);
		rr->port = rd16(m + pos + 4);
		pos += 6;
		if ((rc = dns_take_name(dp, &pos, dp->len, &rr->data)) < 0)
			return rc;
		return pos <= end ? 0 : -1;
	case 6: /* SOA */
		if ((rc = dns_take_name(dp, &pos, dp->len, &rr->data)) < 0 ||
		    (rc = dns_take_name(dp, &pos, dp->len, &rr->data2)) < 0)
			return rc;
		if (pos + 20 > end)
			return -1;
		for (int i = 0; i < 5; i++)
			rr->soa[i] = rd32(m + pos + 4 * i);
		return 0;
	case 16: /* TXT: character-strings, kept with their length bytes (EVE logs each one) */
		for (uint32_t p = pos; p < end; p += 1u + m[p])
			if (p + 1 + m[p] > end)
				return -1;
		break;
	default:
		break;
	}
	if (!t)
		return 0;
	return dns_arena_add(t, m + pos, rdlen, &rr->data) < 0 ? -2 : 0;
}

int dns_parse_message(struct dns_parse_result *res, struct dns_tx *t, struct dns_msg *msg,
		      const uint8_t *data, uint32_t len)
{
	struct dns_parse dp = { .t = t, .msg = data, .len = len };
	memset(res, 0, sizeof(*res));
	if (len < DNS_HDR_LEN)
		return -1;
	msg->present = true;
	msg->id = rd16(data);
	msg->flags = rd16(data + 2);
	msg->opcode = (msg->flags >> 11) & 0xf;
	msg->rcode = msg->flags & 0xf;
	msg->qdcount = rd16(data + 4);
	msg->ancount = rd16(data + 6);
	msg->nscount = rd16(data + 8);
	msg->arcount = rd16(data + 10);
	uint32_t pos = DNS_HDR_LEN;
	int rc = 0;

	for (uint32_t i = 0; i < msg->qdcount; i++) {
		struct dns_query q = { 0 };
		if ((rc = dns_take_name(&dp, &pos, len, &q.name)) < 0)
			goto out;
		if (pos + 4 > len) {
			rc = -1;
			goto out;
		}
		q.rrtype = rd16(data + pos);
		q.rrclass = rd16(data + pos + 2);
		pos += 4;
		if (!t)
			continue;
		if (msg->n_queries >= DNS_MAX_QUERIES) {
			msg->truncated = true;
			continue;
		}
		if (!msg->queries) {
			uint32_t n = msg->qdcount < DNS_MAX_QUERIES ? msg->qdcount : DNS_MAX_QUERIES;
			msg->queries = calloc(n, sizeof(*msg->queries));
			if (!msg->queries) {
				rc = -2;
				goto out;
			}
		}
		msg->queries[msg->n_queries++] = q;
	}

	uint32_t total = (uint32_t)msg->ancount + msg->nscount + msg->arcount;
	for (uint32_t i = 0; i < total; i++) {
		struct dns_rr rr = { 0 };
		rr.section = i < msg->ancount ? DNS_SEC_ANSWER :
			     i < (uint32_t)msg->ancount + msg->nscount ? DNS_SEC_AUTHORITY :
									  DNS_SEC_ADDITIONAL;
		if ((rc = dns_take_name(&dp, &pos, len, &rr.name)) < 0 || pos + 10 > len) {
			rc = rc < 0 ? rc : -1;
			res->bad_section = rr.section;
			goto out;
		}
		rr.rrtype = rd16(data + pos);
		rr.rrclass = rd16(data + pos + 2);
		rr.ttl = rd32(data + pos + 4);
		uint32_t rdlen = rd16(data + pos + 8);
		pos += 10;
		if (pos + rdlen > len) {
			rc = -1;
			res->bad_section = rr.section;
			goto out;
		}
		bool keep = t && msg->n_rrs < DNS_MAX_RRS;
		if (t && !keep)
			msg->truncated = true;
		struct dns_parse sub = dp;
		if (!keep)
			sub.t = NULL;
		rc = dns_parse_rdata(&sub, &rr, pos, rdlen);
		dp.events |= sub.events;
		if (rc < 0) {
			res->bad_section = rr.section;
			goto out;
		}
		pos += rdlen;
		if (!keep)
			continue;
		if (!msg->rrs) {
			uint32_t n = total < DNS_MAX_RRS ? total : DNS_MAX_RRS;
			msg->rrs = calloc(n, sizeof(*msg->rrs));
			if (!msg->rrs) {
				rc = -2;
				goto out;
			}
		}
		msg->rrs[msg->n_rrs++] = rr;
	}
out:
	res->events = dp.events;
	res->consumed = pos;
	if (rc < 0) {
		msg->truncated = true;
		res->events |= rc == -1 ? DNS_EV_MALFORMED : 0;
	}
	return rc;
}

/* ---- probing ----------------------------------------------------------------------------- */

/*
 * A DNS header is plausible: a known opcode, a question (all DNS traffic but some updates and
 * notifies carries one), counts the length could hold, and the first name readable.
 */
static enum app_probe dns_probe_msg(const uint8_t *d, uint32_t len, bool complete)
{
	if (len < DNS_HDR_LEN)
		return complete ? APP_PROBE_NOMATCH : APP_PROBE_NEED_MORE;
	uint16_t flags = rd16(d + 2);
	uint8_t opcode = (flags >> 11) & 0xf;
	uint16_t qd = rd16(d + 4), an = rd16(d + 6), ns = rd16(d + 8), ar = rd16(d + 10);
	if (opcode > 6 || qd == 0 || qd > 64)
		return APP_PROBE_NOMATCH;
	if (!(flags & DNS_F_QR) && (an > 16 || ns > 16))
		return APP_PROBE_NOMATCH;
	if ((uint64_t)qd * 5 + ((uint64_t)an + ns + ar) * 11 > 65535)
		return APP_PROBE_NOMATCH;
	uint8_t name[DNS_MAX_NAME_LEN];
	uint32_t n, next;
	unsigned f;
	if (dns_name_read(d, len, DNS_HDR_LEN, name, &n, &next, &f) < 0)
		return complete ? APP_PROBE_NOMATCH : APP_PROBE_NEED_MORE;
	if (next + 4 > len)
		return complete ? APP_PROBE_NOMATCH : APP_PROBE_NEED_MORE;
	return APP_PROBE_MATCH;
}

static enum app_probe dns_probe(const uint8_t *data, uint32_t len, uint8_t dir, uint8_t ip_proto)
{
	(void)dir;
	if (ip_proto == 17)
		return dns_probe_msg(data, len, true);
	if (len < 2)
		return APP_PROBE_NEED_MORE;
	uint32_t mlen = rd16(data);
	if (mlen < DNS_HDR_LEN)
		return APP_PROBE_NOMATCH;
	uint32_t have = len - 2 < mlen ? len - 2 : mlen;
	return dns_probe_msg(data + 2, have, have == mlen);
}

/* ---- flow state and transactions --------------------------------------------------------- */

/* Per direction TCP framing: the message being collected. */
struct dns_stream {
	uint8_t lenbuf[2];
	uint8_t lenhave;
	uint8_t *buf;                 /* 65535 bytes, allocated on first use */
	uint32_t need, have;
	bool lost;                    /* a gap: framing is lost until the end of the flow */
};

struct dns_state {
	struct dns_stream s[2];
};

static void *dns_state_new(struct app_parse_ctx *pc)
{
	(void)pc;
	return calloc(1, sizeof(struct dns_state));
}

static void dns_state_free(void *p)
{
	struct dns_state *st = p;
	if (!st)
		return;
	free(st->s[0].buf);
	free(st->s[1].buf);
	free(st);
}

static void dns_raise(struct app_parse_ctx *pc, struct app_tx *tx, unsigned ev)
{
	static const struct {
		unsigned bit;
		enum app_event ev;
	} map[] = {
		{ DNS_EV_MALFORMED, APP_EVENT_DNS_MALFORMED_DATA },
		{ DNS_EV_NOT_REQUEST, APP_EVENT_DNS_NOT_REQUEST },
		{ DNS_EV_NOT_RESPONSE, APP_EVENT_DNS_NOT_RESPONSE },
		{ DNS_EV_Z_FLAG, APP_EVENT_DNS_Z_FLAG_SET },
		{ DNS_EV_INVALID_OPCODE, APP_EVENT_DNS_INVALID_OPCODE },
		{ DNS_EV_NAME_TOO_LONG, APP_EVENT_DNS_NAME_TOO_LONG },
		{ DNS_EV_INFINITE_LOOP, APP_EVENT_DNS_INFINITE_LOOP },
		{ DNS_EV_TOO_MANY_LABELS, APP_EVENT_DNS_TOO_MANY_LABELS },
		{ DNS_EV_INVALID_ADDITIONALS, APP_EVENT_DNS_INVALID_ADDITIONALS },
		{ DNS_EV_INVALID_AUTHORITIES, APP_EVENT_DNS_INVALID_AUTHORITIES },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (ev & map[i].bit)
			app_event_raise(pc, tx, map[i].ev);
}

/* One whole message of direction `dir`. */
static int dns_handle_message(struct app_parse_ctx *pc, uint8_t dir, const uint8_t *data,
			      uint32_t len)
{
	unsigned pre = 0;
	if (len < DNS_HDR_LEN) {
		app_event_raise(pc, NULL, APP_EVENT_DNS_MALFORMED_DATA);
		return 0;
	}
	uint16_t flags = rd16(data + 2);
	bool is_resp = (flags & DNS_F_QR) != 0;
	/* A message's role comes from its QR bit; the direction only raises an event when they
	 * disagree (Suricata: not_request / not_response). */
	if (dir == FLOW_DIR_TO_SERVER && is_resp)
		pre |= DNS_EV_NOT_REQUEST;
	if (dir == FLOW_DIR_TO_CLIENT && !is_resp)
		pre |= DNS_EV_NOT_RESPONSE;
	if (flags & DNS_F_Z)
		pre |= DNS_EV_Z_FLAG;
	if (((flags >> 11) & 0xf) > 6)
		pre |= DNS_EV_INVALID_OPCODE;

	/* Every message is a transaction of its own, as in Suricata 8: a response is not joined to
	 * its query (EVE logs each with its own tx_id, rules see each in its direction). */
	struct dns_tx *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	struct app_tx *tx = app_tx_new(pc, t);
	if (!tx) {
		dns_tx_free(t);
		return 0; /* max-tx reached: counted by the core */
	}
	struct dns_msg *m = is_resp ? &t->resp : &t->req;
	struct dns_parse_result res;
	int rc = dns_parse_message(&res, t, m, data, len);
	if (rc == -2)
		return -1;
	unsigned ev = pre | res.events;
	if (rc == -1 && res.consumed > DNS_HDR_LEN) {
		if (res.bad_section == DNS_SEC_AUTHORITY)
			ev |= DNS_EV_INVALID_AUTHORITIES;
		else if (res.bad_section == DNS_SEC_ADDITIONAL)
			ev |= DNS_EV_INVALID_ADDITIONALS;
	}
	dns_raise(pc, tx, ev);
	app_tx_touch(pc, tx);
	/* A message is all its transaction will ever see: done in both directions. */
	app_tx_set_complete(pc, tx, FLOW_DIR_TO_SERVER);
	app_tx_set_complete(pc, tx, FLOW_DIR_TO_CLIENT);
	return 0;
}

/* TCP: collect length-prefixed messages across any split. */
static int dns_parse_tcp(struct app_parse_ctx *pc, struct dns_stream *s, uint8_t dir,
			 const uint8_t *data, uint32_t len)
{
	while (len > 0) {
		if (s->lenhave < 2) {
			s->lenbuf[s->lenhave++] = *data++;
			len--;
			if (s->lenhave < 2)
				continue;
			s->need = rd16(s->lenbuf);
			s->have = 0;
			if (s->need == 0) {
				s->lenhave = 0;
				continue;
			}
		}
		uint32_t want = s->need - s->have;
		if (s->have == 0 && len >= want) {
			/* The whole message is in this chunk: no copy. */
			int rc = dns_handle_message(pc, dir, data, want);
			data += want;
			len -= want;
			s->lenhave = 0;
			if (rc < 0)
				return rc;
			/* a whole message: its raw stream is inspected now (Suricata 7.0.6+) */
			app_raw_trigger(pc, dir);
			continue;
		}
		if (!s->buf) {
			s->buf = malloc(65535);
			if (!s->buf)
				return -1;
		}
		uint32_t take = len < want ? len : want;
		memcpy(s->buf + s->have, data, take);
		s->have += take;
		data += take;
		len -= take;
		if (s->have == s->need) {
			s->lenhave = 0;
			if (dns_handle_message(pc, dir, s->buf, s->need) < 0)
				return -1;
			app_raw_trigger(pc, dir);
		}
	}
	return 0;
}

static int dns_parse(struct app_parse_ctx *pc, void *state, uint8_t dir, const uint8_t *data,
		     uint32_t len, uint32_t flags)
{
	struct dns_state *st = state;
	dir &= 1;
	if (pc->flow->ip_proto == 17) {
		if (!data || len == 0)
			return 0;
		return dns_handle_message(pc, dir, data, len);
	}
	struct dns_stream *s = &st->s[dir];
	if (flags & APP_F_GAP) {
		/* The length prefix of whatever follows is unknown: stop this direction. */
		s->lost = true;
	}
	if (s->lost || !data)
		return 0;
	return dns_parse_tcp(pc, s, dir, data, len);
}

/* ---- sticky buffers and values ----------------------------------------------------------- */

static const struct dns_msg *dns_msg_of(const struct dns_tx *t, uint8_t dir)
{
	const struct dns_msg *m = dir == FLOW_DIR_TO_SERVER ? &t->req : &t->resp;
	return m->present ? m : NULL;
}

static int dns_get_buffer(const struct app_tx *tx, enum app_buffer b, uint8_t dir,
			  uint32_t index, const uint8_t **data, uint32_t *len)
{
	const struct dns_tx *t = tx->proto_tx;
	switch (b) {
	case APP_BUF_DNS_QUERY:
	case APP_BUF_DNS_QUERIES_RRNAME: {
		/* dns.query is the request's question names (Suricata: to_server only). */
		const struct dns_msg *m = dns_msg_of(t, b == APP_BUF_DNS_QUERY ?
							  FLOW_DIR_TO_SERVER : dir);
		if (!m || index >= m->n_queries)
			return -1;
		*data = dns_str_data(t, m->queries[index].name);
		*len = m->queries[index].name.len;
		return 0;
	}
	case APP_BUF_DNS_ANSWER_NAME: {
		/* Toserver: the query names; toclient: the answer records' names. */
		if (dir == FLOW_DIR_TO_SERVER) {
			const struct dns_msg *m = dns_msg_of(t, dir);
			if (!m || index >= m->n_queries)
				return -1;
			*data = dns_str_data(t, m->queries[index].name);
			*len = m->queries[index].name.len;
			return 0;
		}
		const struct dns_msg *m = dns_msg_of(t, FLOW_DIR_TO_CLIENT);
		uint32_t k = 0;
		for (uint32_t i = 0; m && i < m->n_rrs; i++) {
			if (m->rrs[i].section != DNS_SEC_ANSWER)
				continue;
			if (k++ == index) {
				*data = dns_str_data(t, m->rrs[i].name);
				*len = m->rrs[i].name.len;
				return 0;
			}
		}
		return -1;
	}
	default:
		return -1;
	}
}

int dns_tx_get_opcode(const struct app_tx *tx, uint8_t dir, uint8_t *opcode)
{
	if (!tx || tx->proto != APP_PROTO_DNS || !tx->proto_tx)
		return -1;
	const struct dns_msg *m = dns_msg_of(tx->proto_tx, dir & 1);
	if (!m)
		return -1;
	*opcode = m->opcode;
	return 0;
}

int dns_tx_get_rrtype(const struct app_tx *tx, uint8_t dir, uint32_t index, uint16_t *rrtype)
{
	if (!tx || tx->proto != APP_PROTO_DNS || !tx->proto_tx)
		return -1;
	const struct dns_msg *m = dns_msg_of(tx->proto_tx, dir & 1);
	if (!m || index >= m->n_queries)
		return -1;
	*rrtype = m->queries[index].rrtype;
	return 0;
}

const struct app_parser app_parser_dns = {
	.proto = APP_PROTO_DNS,
	.name = "dns",
	.ipprotos = APP_IPPROTO_UDP | APP_IPPROTO_TCP,
	/* Suricata detects DNS on its detection ports only (NetBIOS name service on 137 has the
	 * same header and stays "failed"). */
	.flags = APP_PARSER_F_PORT_ONLY,
	.default_ports = { 53 },
	.probe = dns_probe,
	.state_new = dns_state_new,
	.state_free = dns_state_free,
	.parse = dns_parse,
	.tx_free = dns_tx_free,
	.get_buffer = dns_get_buffer,
};
