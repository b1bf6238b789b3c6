/*
 * http-buffers.c — the buffers the HTTP parser derives once a message's headers are complete
 * (http.header, http.header_names, http.start), the request's host and port (http.host,
 * http.host.raw, EVE hostname/http_port) and the sticky-buffer accessor the detect stage calls,
 * with the buffer semantics of Suricata's HTTP keywords.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/http-int.h"

#define HTTP_DERIVED_MAX (1024u * 1024) /* cap of one derived buffer */

static void http_put(struct http_buf *b, const void *p, size_t n)
{
	http_buf_append(b, p, n, HTTP_DERIVED_MAX);
}

static bool http_name_is(const struct http_header *h, const char *name)
{
	size_t n = strlen(name);
	return h->name_len == n && strncasecmp((const char *)h->name, name, n) == 0;
}

void http_build_header_buffers(struct http_msg *m, bool request)
{
	m->headers_norm.len = 0;
	m->header_names.len = 0;
	m->start.len = 0;
	/* Suricata's http.header leaves the cookie to http.cookie */
	const char *cookie = request ? "Cookie" : "Set-Cookie";
	http_put(&m->start, m->line.data, m->line.len);
	http_put(&m->start, "\r\n", 2);
	http_put(&m->header_names, "\r\n", 2);
	for (uint32_t i = 0; i < m->n_headers; i++) {
		const struct http_header *h = &m->headers[i];
		if (!http_name_is(h, cookie)) {
			http_put(&m->headers_norm, h->name, h->name_len);
			http_put(&m->headers_norm, ": ", 2);
			http_put(&m->headers_norm, h->value, h->value_len);
			http_put(&m->headers_norm, "\r\n", 2);
		}
		http_put(&m->header_names, h->name, h->name_len);
		http_put(&m->header_names, "\r\n", 2);
		http_put(&m->start, h->name, h->name_len);
		http_put(&m->start, ": ", 2);
		http_put(&m->start, h->value, h->value_len);
		http_put(&m->start, "\r\n", 2);
	}
	http_put(&m->header_names, "\r\n", 2);
	http_put(&m->start, "\r\n", 2);
}

/*
 * "host[:port]" (or "[v6]:port", or "user@host:port" in a URI) -> lower-case host without port
 * or trailing dot, and the port. Returns -1 when the port part is not a valid port.
 */
static int http_host_split(const uint8_t *p, size_t n, struct http_buf *host, uint16_t *port)
{
	const uint8_t *at = memchr(p, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	size_t hl = n;
	const uint8_t *colon = NULL;
	if (n && p[0] == '[') {
		const uint8_t *rb = memchr(p, ']', n);
		if (rb) {
			hl = (size_t)(rb - p) + 1;
			if (hl < n && p[hl] == ':')
				colon = p + hl;
		}
	} else {
		colon = memchr(p, ':', n);
		if (colon)
			hl = (size_t)(colon - p);
	}
	int rc = 0;
	*port = 0;
	if (colon) {
		size_t pl = n - (size_t)(colon + 1 - p);
		uint32_t v = 0;
		if (pl == 0 || pl > 5)
			rc = -1;
		for (size_t i = 0; i < pl && rc == 0; i++) {
			uint8_t c = colon[1 + i];
			if (c < '0' || c > '9')
				rc = -1;
			else
				v = v * 10 + (uint32_t)(c - '0');
		}
		if (rc == 0 && (v == 0 || v > 65535))
			rc = -1;
		if (rc == 0)
			*port = (uint16_t)v;
	}
	while (hl && p[hl - 1] == '.')
		hl--;
	if (http_buf_set(host, p, hl) == 0)
		for (uint32_t i = 0; i < host->len; i++)
			if (host->data[i] >= 'A' && host->data[i] <= 'Z')
				host->data[i] = (uint8_t)(host->data[i] + 32);
	return rc;
}

void http_request_host(struct app_parse_ctx *pc, struct app_tx *tx, struct http_tx *t)
{
	const struct http_header *hh = http_msg_find_header(&t->req, "Host");
	uint32_t ao, al, po;
	bool uri_host = t->uri_raw.len &&
			http_uri_split_authority(t->uri_raw.data, t->uri_raw.len, &ao, &al, &po) == 0 &&
			al > 0;
	uint16_t port = 0;
	if (uri_host) {
		http_buf_set(&t->host_raw, t->uri_raw.data + ao, al);
		if (http_host_split(t->uri_raw.data + ao, al, &t->host, &port) < 0)
			app_event_raise(pc, tx, APP_EVENT_HTTP_INVALID_AUTHORITY_PORT);
		if (hh) {
			struct http_buf hb = { 0 };
			uint16_t hp;
			if (http_host_split(hh->value, hh->value_len, &hb, &hp) < 0 ||
			    hb.len != t->host.len ||
			    (hb.len && memcmp(hb.data, t->host.data, hb.len) != 0))
				app_event_raise(pc, tx, APP_EVENT_HTTP_HOST_HEADER_AMBIGUOUS);
			http_buf_free(&hb);
		}
	} else if (hh) {
		http_buf_set(&t->host_raw, hh->value, hh->value_len);
		if (http_host_split(hh->value, hh->value_len, &t->host, &port) < 0)
			app_event_raise(pc, tx, APP_EVENT_HTTP_REQUEST_HEADER_HOST_INVALID);
	} else if (!(t->req.protocol.len == 8 && memcmp(t->req.protocol.data, "HTTP/1.0", 8) == 0)
		   && t->req.protocol.len) {
		app_event_raise(pc, tx, APP_EVENT_HTTP_MISSING_HOST_HEADER);
	}
	t->http_port = port;
	if (port && pc->flow && pc->flow->dp && port != pc->flow->dp)
		app_event_raise(pc, tx, APP_EVENT_HTTP_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH);
}

/* ---- sticky buffers ------------------------------------------------------------------------ */

static int http_ret(const struct http_buf *b, const uint8_t **data, uint32_t *len)
{
	if (!b->data && b->len == 0)
		return -1;
	*data = b->data ? b->data : (const uint8_t *)"";
	*len = b->len;
	return 0;
}

static int http_ret_header(const struct http_msg *m, const char *name, const uint8_t **data,
			   uint32_t *len)
{
	const struct http_header *h = http_msg_find_header(m, name);
	if (!h)
		return -1;
	*data = h->value;
	*len = h->value_len;
	return 0;
}

/* Multi-buffer "Name: value" of header `index` (stored that way, see struct http_header). */
static int http_ret_nth_header(const struct http_msg *m, uint32_t index, const uint8_t **data,
			       uint32_t *len)
{
	if (index >= m->n_headers)
		return -1;
	const struct http_header *h = &m->headers[index];
	*data = h->name;
	*len = h->name_len + 2 + h->value_len;
	return 0;
}

static bool http_msg_headers_done(const struct app_tx *tx, uint8_t dir)
{
	return tx->progress[dir] >= HTTP_PROGRESS_HEADERS || tx->complete[dir];
}

int http_get_buffer(const struct app_tx *tx, enum app_buffer b, uint8_t dir, uint32_t index,
		    const uint8_t **data, uint32_t *len)
{
	const struct http_tx *t = tx->proto_tx;
	const uint8_t TS = FLOW_DIR_TO_SERVER, TC = FLOW_DIR_TO_CLIENT;
	const struct http_msg *m = dir == TS ? &t->req : &t->resp;
	bool req = dir == TS;
	bool hdrs = http_msg_headers_done(tx, dir);
	bool single = index == 0;

	switch (b) {
	case APP_BUF_HTTP_REQUEST_HEADER:
		return req && hdrs ? http_ret_nth_header(&t->req, index, data, len) : -1;
	case APP_BUF_HTTP_RESPONSE_HEADER:
		return !req && hdrs ? http_ret_nth_header(&t->resp, index, data, len) : -1;
	case APP_BUF_FILE_NAME: {
		/* file.name: one buffer per file of the direction, in opening order */
		const struct app_file *f = m->files;
		for (uint32_t k = 0; f && k < index; k++)
			f = f->next;
		if (!f)
			return -1;
		*data = f->name ? f->name : (const uint8_t *)"";
		*len = f->name_len;
		return 0;
	}
	default:
		break;
	}
	if (!single)
		return -1;
	switch (b) {
	case APP_BUF_HTTP_URI:
		return req && tx->progress[TS] >= HTTP_PROGRESS_LINE ? http_ret(&t->uri, data, len)
								     : -1;
	case APP_BUF_HTTP_URI_RAW:
		return req && tx->progress[TS] >= HTTP_PROGRESS_LINE ?
			       http_ret(&t->uri_raw, data, len) : -1;
	case APP_BUF_HTTP_METHOD:
		return req && t->method.len ? http_ret(&t->method, data, len) : -1;
	case APP_BUF_HTTP_REQUEST_LINE:
		return req && t->req.line.len ? http_ret(&t->req.line, data, len) : -1;
	case APP_BUF_HTTP_RESPONSE_LINE:
		return !req && t->resp.line.len ? http_ret(&t->resp.line, data, len) : -1;
	case APP_BUF_HTTP_PROTOCOL:
		return m->protocol.len ? http_ret(&m->protocol, data, len) : -1;
	case APP_BUF_HTTP_STAT_CODE:
		return !req && t->status_code.len ? http_ret(&t->status_code, data, len) : -1;
	case APP_BUF_HTTP_STAT_MSG:
		return !req && t->resp.line.len ? http_ret(&t->status_msg, data, len) : -1;
	case APP_BUF_HTTP_HEADER:
		return hdrs && m->headers_norm.len ? http_ret(&m->headers_norm, data, len) : -1;
	case APP_BUF_HTTP_HEADER_RAW:
		return hdrs && m->headers_raw.len ? http_ret(&m->headers_raw, data, len) : -1;
	case APP_BUF_HTTP_HEADER_NAMES:
		return hdrs && m->header_names.len ? http_ret(&m->header_names, data, len) : -1;
	case APP_BUF_HTTP_START:
		return hdrs && m->start.len ? http_ret(&m->start, data, len) : -1;
	case APP_BUF_HTTP_COOKIE:
		return hdrs ? http_ret_header(m, req ? "Cookie" : "Set-Cookie", data, len) : -1;
	case APP_BUF_HTTP_USER_AGENT:
		return req && hdrs ? http_ret_header(m, "User-Agent", data, len) : -1;
	case APP_BUF_HTTP_HOST:
		return req && hdrs && t->host.data ? http_ret(&t->host, data, len) : -1;
	case APP_BUF_HTTP_HOST_RAW:
		return req && hdrs && t->host_raw.data ? http_ret(&t->host_raw, data, len) : -1;
	case APP_BUF_HTTP_ACCEPT:
		return req && hdrs ? http_ret_header(m, "Accept", data, len) : -1;
	case APP_BUF_HTTP_ACCEPT_ENC:
		return req && hdrs ? http_ret_header(m, "Accept-Encoding", data, len) : -1;
	case APP_BUF_HTTP_ACCEPT_LANG:
		return req && hdrs ? http_ret_header(m, "Accept-Language", data, len) : -1;
	case APP_BUF_HTTP_REFERER:
		return req && hdrs ? http_ret_header(m, "Referer", data, len) : -1;
	case APP_BUF_HTTP_CONNECTION:
		return req && hdrs ? http_ret_header(m, "Connection", data, len) : -1;
	case APP_BUF_HTTP_CONTENT_TYPE:
		return hdrs ? http_ret_header(m, "Content-Type", data, len) : -1;
	case APP_BUF_HTTP_CONTENT_LEN:
		return hdrs ? http_ret_header(m, "Content-Length", data, len) : -1;
	case APP_BUF_HTTP_SERVER:
		return !req && hdrs ? http_ret_header(m, "Server", data, len) : -1;
	case APP_BUF_HTTP_LOCATION:
		return !req && hdrs ? http_ret_header(m, "Location", data, len) : -1;
	case APP_BUF_HTTP_REQUEST_BODY:
		return req && t->req.body.len ? http_ret(&t->req.body, data, len) : -1;
	case APP_BUF_HTTP_RESPONSE_BODY:
		return dir == TC && t->resp.body.len ? http_ret(&t->resp.body, data, len) : -1;
	case APP_BUF_FILE_DATA:
		return m->body.len ? http_ret(&m->body, data, len) : -1;
	default:
		return -1;
	}
}
