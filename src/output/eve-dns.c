/*
 * eve-dns.c — EVE "dns" records in Suricata 7's default format (version 2): one "query" record
 * per question of a request, and one "answer" record per response with the header flags, the
 * first question, the rcode, and the records as a detailed "answers" list and/or the "grouped"
 * object (outputs.eve-log.types.dns.formats), plus "authorities".
 *
 * Names and text are printed as Suricata does: bytes below 0x80 as they are (the JSON writer
 * escapes control characters), higher bytes as the four characters "\xNN".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "output/output-int.h"

void eve_dns_options_defaults(struct eve_dns_options *o)
{
	o->requests = true;
	o->responses = true;
	o->detailed = true;
	o->grouped = true;
}

/* Bytes as a JSON string value, Suricata's escaping of non-ASCII bytes. */
static void dns_add_bytes(struct jbuf *j, const char *key, const uint8_t *p, uint32_t n)
{
	char *s = calloc((size_t)n * 4 + 1, 1);
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

/* The rdata of a record as EVE's "rdata" text (A, AAAA, names, TXT, raw bytes). */
static void dns_add_rdata(struct jbuf *j, const char *key, const struct dns_tx *t,
			  const struct dns_rr *rr)
{
	const uint8_t *d = dns_str_data(t, rr->data);
	char buf[48];
	if (rr->rrtype == 1 && rr->data.len == 4) {
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
		jbuf_add_str(j, key, buf);
	} else if (rr->rrtype == 28 && rr->data.len == 16) {
		/* Suricata prints all eight groups with leading zeros, uncompressed. */
		size_t k = 0;
		for (int i = 0; i < 16; i += 2)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%02x%02x", i ? ":" : "",
					      d[i], d[i + 1]);
		jbuf_add_str(j, key, buf);
	} else {
		dns_add_str(j, key, t, rr->data);
	}
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

/* One entry of "answers" / "authorities". */
static void dns_add_rr(struct jbuf *j, const struct dns_tx *t, const struct dns_rr *rr)
{
	jbuf_open_object(j, NULL);
	dns_add_str(j, "rrname", t, rr->name);
	dns_add_rrtype(j, "rrtype", rr->rrtype);
	jbuf_add_uint(j, "ttl", rr->ttl);
	if (rr->rrtype == 6)
		dns_add_soa(j, "soa", t, rr);
	else if (rr->rrtype == 33)
		dns_add_srv(j, "srv", t, rr);
	else
		dns_add_rdata(j, "rdata", t, rr);
	jbuf_close_object(j);
}

static bool dns_has_section(const struct dns_msg *m, uint8_t sec)
{
	for (uint32_t i = 0; i < m->n_rrs; i++)
		if (m->rrs[i].section == sec)
			return true;
	return false;
}

/* "grouped": answers by type, for the types the EVE format groups. */
static void dns_add_grouped(struct jbuf *j, const struct dns_tx *t, const struct dns_msg *m)
{
	static const uint16_t types[] = { 1, 28, 5, 15, 2, 10, 12, 6, 33, 16 };
	jbuf_open_object(j, "grouped");
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		bool open = false;
		for (uint32_t i = 0; i < m->n_rrs; i++) {
			const struct dns_rr *rr = &m->rrs[i];
			if (rr->section != DNS_SEC_ANSWER || rr->rrtype != types[k])
				continue;
			if (!open) {
				jbuf_open_array(j, dns_rrtype_name(types[k]));
				open = true;
			}
			if (rr->rrtype == 6)
				dns_add_soa(j, NULL, t, rr);
			else if (rr->rrtype == 33)
				dns_add_srv(j, NULL, t, rr);
			else
				dns_add_rdata(j, NULL, t, rr);
		}
		if (open)
			jbuf_close_array(j);
	}
	jbuf_close_object(j);
}

static void dns_log_queries(struct eve *e, const struct packet *p, const struct flow *f,
			    const struct app_tx *tx, uint64_t ts_usec)
{
	const struct dns_tx *t = tx->proto_tx;
	const struct dns_msg *m = &t->req;
	for (uint32_t i = 0; i < m->n_queries; i++) {
		struct jbuf *j = eve_jbuf(e);
		eve_begin_record(e, j, "dns", ts_usec, p, f);
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
		eve_end_record(e, j, EVE_TYPE_DNS);
	}
}

static void dns_log_answer(struct eve *e, const struct packet *p, const struct flow *f,
			   const struct app_tx *tx, uint64_t ts_usec, const struct eve_dns_options *o)
{
	const struct dns_tx *t = tx->proto_tx;
	const struct dns_msg *m = &t->resp;
	struct jbuf *j = eve_jbuf(e);
	char flags[8];
	eve_begin_record(e, j, "dns", ts_usec, p, f);
	jbuf_open_object(j, "dns");
	jbuf_add_uint(j, "version", 2);
	jbuf_add_str(j, "type", "answer");
	jbuf_add_uint(j, "id", m->id);
	snprintf(flags, sizeof(flags), "%x", m->flags);
	jbuf_add_str(j, "flags", flags);
	if (m->flags & DNS_F_QR)
		jbuf_add_bool(j, "qr", true);
	if (m->flags & DNS_F_AA)
		jbuf_add_bool(j, "aa", true);
	if (m->flags & DNS_F_TC)
		jbuf_add_bool(j, "tc", true);
	if (m->flags & DNS_F_RD)
		jbuf_add_bool(j, "rd", true);
	if (m->flags & DNS_F_RA)
		jbuf_add_bool(j, "ra", true);
	if (m->flags & DNS_F_Z)
		jbuf_add_bool(j, "z", true);
	jbuf_add_uint(j, "opcode", m->opcode);
	if (m->n_queries) {
		dns_add_str(j, "rrname", t, m->queries[0].name);
		dns_add_rrtype(j, "rrtype", m->queries[0].rrtype);
	}
	const char *rc = dns_rcode_name(m->rcode);
	char rbuf[8];
	if (!rc) {
		snprintf(rbuf, sizeof(rbuf), "%u", m->rcode);
		rc = rbuf;
	}
	jbuf_add_str(j, "rcode", rc);
	if (dns_has_section(m, DNS_SEC_ANSWER)) {
		if (o->detailed) {
			jbuf_open_array(j, "answers");
			for (uint32_t i = 0; i < m->n_rrs; i++)
				if (m->rrs[i].section == DNS_SEC_ANSWER)
					dns_add_rr(j, t, &m->rrs[i]);
			jbuf_close_array(j);
		}
		if (o->grouped)
			dns_add_grouped(j, t, m);
	}
	if (dns_has_section(m, DNS_SEC_AUTHORITY)) {
		jbuf_open_array(j, "authorities");
		for (uint32_t i = 0; i < m->n_rrs; i++)
			if (m->rrs[i].section == DNS_SEC_AUTHORITY)
				dns_add_rr(j, t, &m->rrs[i]);
		jbuf_close_array(j);
	}
	jbuf_close_object(j);
	eve_end_record(e, j, EVE_TYPE_DNS);
}

void eve_log_dns(struct eve *e, const struct packet *p, const struct flow *f,
		 const struct app_tx *tx, uint8_t dir, uint64_t ts_usec,
		 const struct eve_dns_options *o)
{
	struct eve_dns_options def;
	if (!tx || tx->proto != APP_PROTO_DNS || !tx->proto_tx)
		return;
	if (!o) {
		eve_dns_options_defaults(&def);
		o = &def;
	}
	const struct dns_tx *t = tx->proto_tx;
	if (dir == FLOW_DIR_TO_SERVER && o->requests && t->req.present)
		dns_log_queries(e, p, f, tx, ts_usec);
	else if (dir == FLOW_DIR_TO_CLIENT && o->responses && t->resp.present)
		dns_log_answer(e, p, f, tx, ts_usec, o);
}
