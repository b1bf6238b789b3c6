/*
 * eve-dns.c — EVE "dns" records and the "dns" object of alerts, in Suricata 8's formats.
 *
 * Version 3 (the default): one record per DNS message (each message is a transaction of its
 * own): "type" request/response, the header (id, flags, qr/aa/tc/rd/ra/z, opcode, rcode), the
 * questions in "queries", and the records in "answers" (detailed) and/or "grouped", then
 * "authorities" and "additionals". The tuple is the message's own: a response goes from the
 * server. Alerts always carry a version 3 object, whatever the dns logger's version.
 *
 * Version 2 (`version: 2`): one "query" record per question of a request and one "answer" record
 * per response (the first question's rrname/rrtype at top level), with the flow's tuple (client
 * first), as Suricata 8 still writes it.
 *
 * Both follow `requests`, `responses` and `types` (a message is logged when one of its
 * questions has an enabled rrtype). Names and text are printed as Suricata does: bytes below
 * 0x80 as they are (the JSON writer escapes control characters), higher bytes as "\xNN".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "output/output-int.h"

#define DNS_T_A     1
#define DNS_T_NS    2
#define DNS_T_CNAME 5
#define DNS_T_SOA   6
#define DNS_T_NULL  10
#define DNS_T_PTR   12
#define DNS_T_MX    15
#define DNS_T_TXT   16
#define DNS_T_AAAA  28
#define DNS_T_SRV   33
#define DNS_T_OPT   41
#define DNS_T_SSHFP 44

void eve_dns_options_defaults(struct eve_dns_options *o)
{
	memset(o, 0, sizeof(*o));
	o->version = 3;
	o->requests = true;
	o->responses = true;
	o->detailed = true;
	o->grouped = true;
}

int eve_dns_options_add_type(struct eve_dns_options *o, const char *name)
{
	int t = dns_rrtype_lookup(name);
	if (t < 0)
		return -1;
	o->filter_types = true;
	for (unsigned i = 0; i < o->n_types; i++)
		if (o->types[i] == (uint16_t)t)
			return 0;
	if (o->n_types >= EVE_DNS_MAX_TYPES)
		return -1;
	o->types[o->n_types++] = (uint16_t)t;
	return 0;
}

static bool dns_type_enabled(const struct eve_dns_options *o, uint16_t rrtype)
{
	if (!o->filter_types)
		return true;
	for (unsigned i = 0; i < o->n_types; i++)
		if (o->types[i] == rrtype)
			return true;
	return false;
}

/* A message is logged when one of its questions has an enabled type (none: never, as Suricata
 * 8 decides by the questions). */
static bool dns_msg_enabled(const struct dns_msg *m, const struct eve_dns_options *o)
{
	for (uint32_t i = 0; i < m->n_queries; i++)
		if (dns_type_enabled(o, m->queries[i].rrtype))
			return true;
	return false;
}

/* Bytes as a JSON string value, Suricata's escaping of non-ASCII bytes. */
static void dns_add_bytes(struct jbuf *j, const char *key, const uint8_t *p, uint32_t n)
{
	char stackbuf[256] = { 0 };
	char *s = (size_t)n * 4 <= sizeof(stackbuf) ? stackbuf : calloc((size_t)n * 4, 1);
	if (!s) {
		j->failed = true;
		return;
	}
	size_t k = 0;
	static const char hx[] = "0123456789abcdef";
	for (uint32_t i = 0; i < n; i++) {
		if (p[i] < 0x80) {
			s[k++] = (char)p[i];
		} else {
			s[k++] = '\\';
			s[k++] = 'x';
			s[k++] = hx[p[i] >> 4];
			s[k++] = hx[p[i] & 15];
		}
	}
	jbuf_add_strn(j, key, s, k);
	if (s != stackbuf)
		free(s);
}

static void dns_add_str(struct jbuf *j, const char *key, const struct dns_tx *t, struct dns_str s)
{
	dns_add_bytes(j, key, dns_str_data(t, s), s.len);
}

static void dns_add_rrtype(struct jbuf *j, const char *key, uint16_t type)
{
	const char *n = dns_rrtype_name(type);
	char buf[8];
	if (!n) {
		snprintf(buf, sizeof(buf), "%u", type);
		n = buf;
	}
	jbuf_add_str(j, key, n);
}

static void dns_add_rcode(struct jbuf *j, uint8_t rcode)
{
	const char *rc = dns_rcode_name(rcode);
	char rbuf[8];
	if (!rc) {
		snprintf(rbuf, sizeof(rbuf), "%u", rcode);
		rc = rbuf;
	}
	jbuf_add_str(j, "rcode", rc);
}

/* A/AAAA rdata as Suricata prints it (AAAA: all eight groups with leading zeros). */
static void dns_add_addr(struct jbuf *j, const char *key, const struct dns_tx *t,
			 const struct dns_rr *rr)
{
	const uint8_t *d = dns_str_data(t, rr->data);
	char buf[48];
	if (rr->data.len == 4) {
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
	} else if (rr->data.len == 16) {
		size_t k = 0;
		for (int i = 0; i < 16; i += 2)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%02x%02x", i ? ":" : "",
					      d[i], d[i + 1]);
	} else {
		buf[0] = '\0';
	}
	jbuf_add_str(j, key, buf);
}

static void dns_add_soa(struct jbuf *j, const char *key, const struct dns_tx *t,
			const struct dns_rr *rr)
{
	jbuf_open_object(j, key);
	dns_add_str(j, "mname", t, rr->data);
	dns_add_str(j, "rname", t, rr->data2);
	jbuf_add_uint(j, "serial", rr->soa[0]);
	jbuf_add_uint(j, "refresh", rr->soa[1]);
	jbuf_add_uint(j, "retry", rr->soa[2]);
	jbuf_add_uint(j, "expire", rr->soa[3]);
	jbuf_add_uint(j, "minimum", rr->soa[4]);
	jbuf_close_object(j);
}

static void dns_add_srv(struct jbuf *j, const char *key, const struct dns_tx *t,
			const struct dns_rr *rr)
{
	jbuf_open_object(j, key);
	jbuf_add_uint(j, "priority", rr->pref);
	jbuf_add_uint(j, "weight", rr->weight);
	jbuf_add_uint(j, "port", rr->port);
	dns_add_str(j, "name", t, rr->data);
	jbuf_close_object(j);
}

/* SSHFP: algorithm, fingerprint type, fingerprint as "aa:bb:..". */
static void dns_add_sshfp(struct jbuf *j, const char *key, const struct dns_tx *t,
			  const struct dns_rr *rr)
{
	const uint8_t *d = dns_str_data(t, rr->data);
	uint32_t n = rr->data.len;
	jbuf_open_object(j, key);
	if (n >= 2) {
		char *hex = malloc((size_t)(n - 2) * 3 + 1);
		if (!hex) {
			j->failed = true;
		} else {
			size_t k = 0;
			for (uint32_t i = 2; i < n; i++) {
				eve_format_hex8(d[i], hex + k);
				k += 2;
				if (i + 1 < n)
					hex[k++] = ':';
			}
			jbuf_add_strn(j, "fingerprint", hex, k);
			free(hex);
		}
		jbuf_add_uint(j, "algo", d[0]);
		jbuf_add_uint(j, "type", d[1]);
	}
	jbuf_close_object(j);
}

/* OPT: its options as [{code, data (hex)}]. False when it carries none (then not logged). */
static bool dns_opt_has_options(const struct dns_rr *rr)
{
	return rr->data.len >= 4;
}

static void dns_add_opt(struct jbuf *j, const struct dns_tx *t, const struct dns_rr *rr)
{
	const uint8_t *d = dns_str_data(t, rr->data);
	uint32_t n = rr->data.len;
	jbuf_open_array(j, "opt");
	for (uint32_t p = 0; p + 4 <= n;) {
		uint16_t code = (uint16_t)(d[p] << 8 | d[p + 1]);
		uint32_t len = (uint32_t)(d[p + 2] << 8 | d[p + 3]);
		p += 4;
		if (len > n - p)
			len = n - p;
		char *hex = malloc((size_t)len * 2 + 1);
		if (!hex) {
			j->failed = true;
			break;
		}
		for (uint32_t i = 0; i < len; i++)
			eve_format_hex8(d[p + i], hex + 2 * i);
		jbuf_open_object(j, NULL);
		jbuf_add_uint(j, "code", code);
		jbuf_add_strn(j, "data", hex, (size_t)len * 2);
		jbuf_close_object(j);
		free(hex);
		p += len;
	}
	jbuf_close_array(j);
}

/*
 * The character-strings of a TXT record (kept with their length bytes): *pos walks them. False
 * at the end. The parser checked that they fill the rdata exactly.
 */
static bool dns_txt_next(const struct dns_tx *t, const struct dns_rr *rr, uint32_t *pos,
			 const uint8_t **s, uint32_t *len)
{
	const uint8_t *d = dns_str_data(t, rr->data);
	if (*pos >= rr->data.len)
		return false;
	uint32_t l = d[*pos];
	if (*pos + 1 + l > rr->data.len)
		return false;
	*s = d + *pos + 1;
	*len = l;
	*pos += 1 + l;
	return true;
}

/* One detailed entry (answers, authorities, additionals); txt: the TXT string, if any. */
static void dns_add_rr_entry(struct jbuf *j, const struct dns_tx *t, const struct dns_rr *rr,
			     const uint8_t *txt, uint32_t txt_len)
{
	jbuf_open_object(j, NULL);
	dns_add_str(j, "rrname", t, rr->name);
	dns_add_rrtype(j, "rrtype", rr->rrtype);
	jbuf_add_uint(j, "ttl", rr->ttl);
	switch (rr->rrtype) {
	case DNS_T_A:
	case DNS_T_AAAA:
		dns_add_addr(j, "rdata", t, rr);
		break;
	case DNS_T_CNAME:
	case DNS_T_MX:
	case DNS_T_NS:
	case DNS_T_PTR:
	case DNS_T_NULL:
		dns_add_str(j, "rdata", t, rr->data);
		break;
	case DNS_T_TXT:
		if (txt)
			dns_add_bytes(j, "rdata", txt, txt_len);
		break;
	case DNS_T_SOA:
		dns_add_soa(j, "soa", t, rr);
		break;
	case DNS_T_SRV:
		dns_add_srv(j, "srv", t, rr);
		break;
	case DNS_T_SSHFP:
		dns_add_sshfp(j, "sshfp", t, rr);
		break;
	case DNS_T_OPT:
		dns_add_opt(j, t, rr);
		break;
	default:
		break; /* other types: name, type and ttl only, as Suricata */
	}
	jbuf_close_object(j);
}

/* A record as detailed entries: one per TXT string (none for a TXT without strings). */
static void dns_add_rr(struct jbuf *j, const struct dns_tx *t, const struct dns_rr *rr)
{
	if (rr->rrtype != DNS_T_TXT) {
		dns_add_rr_entry(j, t, rr, NULL, 0);
		return;
	}
	uint32_t pos = 0, len;
	const uint8_t *s;
	while (dns_txt_next(t, rr, &pos, &s, &len))
		dns_add_rr_entry(j, t, rr, s, len);
}

static bool dns_has_section(const struct dns_msg *m, uint8_t sec)
{
	for (uint32_t i = 0; i < m->n_rrs; i++)
		if (m->rrs[i].section == sec)
			return true;
	return false;
}

/* The values a record adds to "grouped" (false: its type is not grouped). */
static bool dns_add_grouped_value(struct jbuf *j, const struct dns_tx *t, const struct dns_rr *rr)
{
	switch (rr->rrtype) {
	case DNS_T_A:
	case DNS_T_AAAA:
		dns_add_addr(j, NULL, t, rr);
		return true;
	case DNS_T_CNAME:
	case DNS_T_MX:
	case DNS_T_NS:
	case DNS_T_PTR:
	case DNS_T_NULL:
		dns_add_str(j, NULL, t, rr->data);
		return true;
	case DNS_T_TXT: {
		uint32_t pos = 0, len;
		const uint8_t *s;
		while (dns_txt_next(t, rr, &pos, &s, &len))
			dns_add_bytes(j, NULL, s, len);
		return true;
	}
	case DNS_T_SOA:
		dns_add_soa(j, NULL, t, rr);
		return true;
	case DNS_T_SRV:
		dns_add_srv(j, NULL, t, rr);
		return true;
	case DNS_T_SSHFP:
		dns_add_sshfp(j, NULL, t, rr);
		return true;
	default:
		return false;
	}
}

static bool dns_type_grouped(uint16_t type)
{
	switch (type) {
	case DNS_T_A: case DNS_T_AAAA: case DNS_T_CNAME: case DNS_T_MX: case DNS_T_NS:
	case DNS_T_PTR: case DNS_T_NULL: case DNS_T_TXT: case DNS_T_SOA: case DNS_T_SRV:
	case DNS_T_SSHFP:
		return true;
	default:
		return false;
	}
}

/* "grouped": the answers' data by type, types in the order they first appear. */
static void dns_add_grouped(struct jbuf *j, const struct dns_tx *t, const struct dns_msg *m)
{
	jbuf_open_object(j, "grouped");
	for (uint32_t i = 0; i < m->n_rrs; i++) {
		const struct dns_rr *rr = &m->rrs[i];
		if (rr->section != DNS_SEC_ANSWER || !dns_type_grouped(rr->rrtype))
			continue;
		bool seen = false;
		for (uint32_t k = 0; k < i && !seen; k++)
			seen = m->rrs[k].section == DNS_SEC_ANSWER && m->rrs[k].rrtype == rr->rrtype;
		if (seen)
			continue;
		char name[8];
		const char *tn = dns_rrtype_name(rr->rrtype);
		if (!tn) {
			snprintf(name, sizeof(name), "%u", rr->rrtype);
			tn = name;
		}
		jbuf_open_array(j, tn);
		for (uint32_t k = i; k < m->n_rrs; k++)
			if (m->rrs[k].section == DNS_SEC_ANSWER && m->rrs[k].rrtype == rr->rrtype)
				dns_add_grouped_value(j, t, &m->rrs[k]);
		jbuf_close_array(j);
	}
	jbuf_close_object(j);
}

/* answers/grouped, authorities, additionals (an OPT record without options is left out). */
static void dns_add_sections(struct jbuf *j, const struct dns_tx *t, const struct dns_msg *m,
			     bool detailed, bool grouped)
{
	if (dns_has_section(m, DNS_SEC_ANSWER)) {
		if (detailed) {
			jbuf_open_array(j, "answers");
			for (uint32_t i = 0; i < m->n_rrs; i++)
				if (m->rrs[i].section == DNS_SEC_ANSWER)
					dns_add_rr(j, t, &m->rrs[i]);
			jbuf_close_array(j);
		}
		if (grouped)
			dns_add_grouped(j, t, m);
	}
	if (dns_has_section(m, DNS_SEC_AUTHORITY)) {
		jbuf_open_array(j, "authorities");
		for (uint32_t i = 0; i < m->n_rrs; i++)
			if (m->rrs[i].section == DNS_SEC_AUTHORITY)
				dns_add_rr(j, t, &m->rrs[i]);
		jbuf_close_array(j);
	}
	bool open = false;
	for (uint32_t i = 0; i < m->n_rrs; i++) {
		const struct dns_rr *rr = &m->rrs[i];
		if (rr->section != DNS_SEC_ADDITIONAL ||
		    (rr->rrtype == DNS_T_OPT && !dns_opt_has_options(rr)))
			continue;
		if (!open) {
			jbuf_open_array(j, "additionals");
			open = true;
		}
		dns_add_rr(j, t, rr);
	}
	if (open)
		jbuf_close_array(j);
}

/* Header flags as Suricata logs them: "flags" in hex, then each set bit as a boolean. */
static void dns_add_flags(struct jbuf *j, uint16_t flags)
{
	char buf[8];
	snprintf(buf, sizeof(buf), "%x", flags);
	jbuf_add_str(j, "flags", buf);
	if (flags & DNS_F_QR)
		jbuf_add_bool(j, "qr", true);
	if (flags & DNS_F_AA)
		jbuf_add_bool(j, "aa", true);
	if (flags & DNS_F_TC)
		jbuf_add_bool(j, "tc", true);
	if (flags & DNS_F_RD)
		jbuf_add_bool(j, "rd", true);
	if (flags & DNS_F_RA)
		jbuf_add_bool(j, "ra", true);
	if (flags & DNS_F_Z)
		jbuf_add_bool(j, "z", true);
}

/* The message a transaction holds (each holds one), and whether it is the request. */
static const struct dns_msg *dns_tx_msg(const struct dns_tx *t, bool *is_request)
{
	*is_request = t->req.present;
	if (t->req.present)
		return &t->req;
	return t->resp.present ? &t->resp : NULL;
}

/* The version 3 "dns" object of a transaction. */
static void dns_add_v3(struct jbuf *j, const struct app_tx *tx, const struct eve_dns_options *o)
{
	const struct dns_tx *t = tx->proto_tx;
	bool is_req;
	const struct dns_msg *m = dns_tx_msg(t, &is_req);
	if (!m)
		return;
	jbuf_open_object(j, "dns");
	jbuf_add_uint(j, "version", 3);
	jbuf_add_str(j, "type", is_req ? "request" : "response");
	jbuf_add_uint(j, "tx_id", tx->tx_id);
	jbuf_add_uint(j, "id", m->id);
	dns_add_flags(j, m->flags);
	jbuf_add_uint(j, "opcode", m->opcode);
	dns_add_rcode(j, m->rcode);
	bool any = false;
	for (uint32_t i = 0; i < m->n_queries; i++) {
		if (!dns_type_enabled(o, m->queries[i].rrtype))
			continue;
		if (!any)
			jbuf_open_array(j, "queries");
		any = true;
		jbuf_open_object(j, NULL);
		dns_add_str(j, "rrname", t, m->queries[i].name);
		dns_add_rrtype(j, "rrtype", m->queries[i].rrtype);
		jbuf_close_object(j);
	}
	if (any)
		jbuf_close_array(j);
	dns_add_sections(j, t, m, o->detailed, o->grouped);
	jbuf_close_object(j);
}

void eve_dns_fields(struct jbuf *j, const struct app_tx *tx)
{
	/* Alerts: every type, the detailed answers (no grouping), as Suricata 8. */
	static const struct eve_dns_options alert_opts = {
		.version = 3, .requests = true, .responses = true, .detailed = true,
	};
	if (!tx || tx->proto != APP_PROTO_DNS || !tx->proto_tx)
		return;
	dns_add_v3(j, tx, &alert_opts);
}

/* ---- records, per output -------------------------------------------------------------------- */

static void dns_log_v3(struct eve *e, const struct packet *p, const struct flow *f,
		       const struct app_tx *tx, uint64_t ts_usec, const struct eve_dns_options *o)
{
	struct jbuf *j = eve_jbuf(e);
	eve_begin_record(e, j, "dns", ts_usec, p, f);
	dns_add_v3(j, tx, o);
	eve_end_record_sink(e, j, EVE_TYPE_DNS);
}

static void dns_log_v2_queries(struct eve *e, const struct packet *p, const struct flow *f,
			       const struct app_tx *tx, uint64_t ts_usec,
			       const struct eve_dns_options *o)
{
	const struct dns_tx *t = tx->proto_tx;
	const struct dns_msg *m = &t->req;
	for (uint32_t i = 0; i < m->n_queries; i++) {
		if (!dns_type_enabled(o, m->queries[i].rrtype))
			continue;
		struct jbuf *j = eve_jbuf(e);
		eve_begin_flow_record(e, j, "dns", ts_usec, p, f);
		jbuf_open_object(j, "dns");
		jbuf_add_uint(j, "version", 2);
		jbuf_add_str(j, "type", "query");
		jbuf_add_uint(j, "id", m->id);
		dns_add_str(j, "rrname", t, m->queries[i].name);
		dns_add_rrtype(j, "rrtype", m->queries[i].rrtype);
		jbuf_add_uint(j, "tx_id", tx->tx_id);
		if (m->flags & DNS_F_Z)
			jbuf_add_bool(j, "z", true);
		jbuf_add_uint(j, "opcode", m->opcode);
		jbuf_close_object(j);
		eve_end_record_sink(e, j, EVE_TYPE_DNS);
	}
}

static void dns_log_v2_answer(struct eve *e, const struct packet *p, const struct flow *f,
			      const struct app_tx *tx, uint64_t ts_usec,
			      const struct eve_dns_options *o)
{
	const struct dns_tx *t = tx->proto_tx;
	const struct dns_msg *m = &t->resp;
	struct jbuf *j = eve_jbuf(e);
	eve_begin_flow_record(e, j, "dns", ts_usec, p, f);
	jbuf_open_object(j, "dns");
	jbuf_add_uint(j, "version", 2);
	jbuf_add_str(j, "type", "answer");
	jbuf_add_uint(j, "id", m->id);
	dns_add_flags(j, m->flags);
	jbuf_add_uint(j, "opcode", m->opcode);
	if (m->n_queries) {
		dns_add_str(j, "rrname", t, m->queries[0].name);
		dns_add_rrtype(j, "rrtype", m->queries[0].rrtype);
	}
	dns_add_rcode(j, m->rcode);
	dns_add_sections(j, t, m, o->detailed, o->grouped);
	jbuf_close_object(j);
	eve_end_record_sink(e, j, EVE_TYPE_DNS);
}

/* The records of one output for the message of direction dir. */
static void dns_log_one(struct eve *e, const struct packet *p, const struct flow *f,
			const struct app_tx *tx, uint8_t dir, uint64_t ts_usec,
			const struct eve_dns_options *o)
{
	const struct dns_tx *t = tx->proto_tx;
	const struct dns_msg *m = dir == FLOW_DIR_TO_SERVER ? &t->req : &t->resp;
	if (!m->present || !(dir == FLOW_DIR_TO_SERVER ? o->requests : o->responses) ||
	    !dns_msg_enabled(m, o))
		return;
	if (o->version == 2) {
		if (dir == FLOW_DIR_TO_SERVER)
			dns_log_v2_queries(e, p, f, tx, ts_usec, o);
		else
			dns_log_v2_answer(e, p, f, tx, ts_usec, o);
		return;
	}
	dns_log_v3(e, p, f, tx, ts_usec, o);
}

void eve_log_dns(struct eve *e, const struct packet *p, const struct flow *f,
		 const struct app_tx *tx, uint8_t dir, uint64_t ts_usec,
		 const struct eve_dns_options *o)
{
	if (!tx || tx->proto != APP_PROTO_DNS || !tx->proto_tx)
		return;
	dir &= 1;
	/* Each output writes the record its own dns options describe. */
	for (struct eve *s = e; s; s = eve_next_sink(s)) {
		if (!eve_sink_wants(s, EVE_TYPE_DNS))
			continue;
		const struct eve_dns_options *so = (s == e && o) ? o : &eve_get_config(s)->dns;
		dns_log_one(s, p, f, tx, dir, ts_usec, so);
	}
}
