/*
 * eve-http.c — the EVE "http" record of one HTTP transaction, with Suricata's field names
 * (hostname, http_port, url, http_user_agent, http_content_type, http_refer, http_method,
 * protocol, status or status_string, redirect, length) and, when configured, the
 * request/response header lists (types.http.dump-all-headers) as {"name","value"} objects.
 */
#include <string.h>

#include "app/app.h"
#include "output/output.h"

static void eve_http_buf(struct jbuf *j, const char *key, const struct http_buf *b)
{
	if (b->data && b->len)
		jbuf_add_strn(j, key, (const char *)b->data, b->len);
}

static void eve_http_header(struct jbuf *j, const char *key, const struct http_msg *m,
			    const char *name)
{
	const struct http_header *h = http_msg_find_header(m, name);
	if (h)
		jbuf_add_strn(j, key, (const char *)h->value, h->value_len);
}

static void eve_http_headers(struct jbuf *j, const char *key, const struct http_msg *m)
{
	jbuf_open_array(j, key);
	for (uint32_t i = 0; i < m->n_headers; i++) {
		jbuf_open_object(j, NULL);
		jbuf_add_strn(j, "name", (const char *)m->headers[i].name, m->headers[i].name_len);
		jbuf_add_strn(j, "value", (const char *)m->headers[i].value,
			      m->headers[i].value_len);
		jbuf_close_object(j);
	}
	jbuf_close_array(j);
}

void eve_http_fields_extended(struct jbuf *j, const struct app_tx *tx,
			      const struct eve_http_opts *o)
{
	struct eve_http_opts x = { .extended = true };
	if (o) {
		x = *o;
		x.extended = true;
	}
	eve_http_fields(j, tx, &x);
}

void eve_http_fields(struct jbuf *j, const struct app_tx *tx, const struct eve_http_opts *o)
{
	const struct http_tx *t = tx->proto_tx;
	if (!t || tx->proto != APP_PROTO_HTTP)
		return;
	jbuf_open_object(j, "http");
	eve_http_buf(j, "hostname", &t->host);
	if (t->http_port)
		jbuf_add_uint(j, "http_port", t->http_port);
	eve_http_buf(j, "url", &t->uri_raw);
	eve_http_header(j, "http_user_agent", &t->req, "User-Agent");
	if (o && o->xff) {
		const struct http_header *x = http_msg_find_header(&t->req, "X-Forwarded-For");
		if (x)
			jbuf_add_strn(j, "xff", (const char *)x->value, x->value_len);
	}
	/* the response's media type without parameters, as Suricata logs it */
	const struct http_header *ct = http_msg_find_header(&t->resp, "Content-Type");
	if (ct) {
		const void *semi = memchr(ct->value, ';', ct->value_len);
		size_t n = semi ? (size_t)((const uint8_t *)semi - ct->value) : ct->value_len;
		jbuf_add_strn(j, "http_content_type", (const char *)ct->value, n);
	}
	/* the extended fields (Suricata's `extended: yes`; alerts always have them) */
	if (!o || o->extended) {
		eve_http_header(j, "http_refer", &t->req, "Referer");
		eve_http_buf(j, "http_method", &t->method);
		eve_http_buf(j, "protocol", &t->req.protocol);
		if (t->status >= 0)
			jbuf_add_uint(j, "status", (uint64_t)t->status);
		else
			/* a non-numeric status code ("2XX"): Suricata 8 logs the text */
			eve_http_buf(j, "status_string", &t->status_code);
		eve_http_header(j, "redirect", &t->resp, "Location");
		jbuf_add_uint(j, "length", t->resp.body_len);
	}
	if (o && o->dump_request_headers)
		eve_http_headers(j, "request_headers", &t->req);
	if (o && o->dump_response_headers)
		eve_http_headers(j, "response_headers", &t->resp);
	jbuf_close_object(j);
}

void eve_log_http(struct eve *e, const struct packet *p, const struct flow *f,
		  const struct app_tx *tx, uint64_t ts_usec, const struct eve_http_opts *o)
{
	struct jbuf *j = eve_jbuf(e);
	eve_begin_flow_record(e, j, "http", ts_usec, p, f);
	jbuf_add_uint(j, "tx_id", tx->tx_id);
	eve_http_fields(j, tx, o);
	eve_end_record(e, j, EVE_TYPE_HTTP);
}
