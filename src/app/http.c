/*
 * http.c — the HTTP/1.0 and 1.1 parser: an incremental state machine per direction (any split
 * of the bytes gives the same transactions), request/status lines, headers with folding and
 * duplicates merged as libhtp does, Content-Length and chunked bodies, gzip/deflate response
 * bodies, pipelining (responses matched to requests in order), interim 1xx responses, HEAD,
 * CONNECT/101 (parsing stops: the rest is a tunnel), and gap recovery at the next message start
 * (found anywhere in the data, as a lost body's tail runs into the next message).
 *
 * Where libhtp's choices depend on what arrived together, so do ours: a request line without
 * protocol alone in its chunk is HTTP/0.9 (no headers, a response without status line, later
 * client bytes ignored), else headers follow; bytes right after a finished request that do not
 * start with a known method are that request's body (request_body_unexpected). A CR without LF
 * ends a header line.
 *
 * Memory per flow is bounded by app-layer.protocols.http settings: one line is at most
 * meta-field-limit bytes (the rest is dropped with a *_field_too_long event), at most
 * headers-limit headers per message, bodies cut at request/response-body-limit, decompression
 * capped by compression-bomb-limit, transactions by max-tx.
 *
 * Sticky-buffer accessors and the header-derived buffers are in http-buffers.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "app/app-int.h"
#include "app/file-int.h"
#include "app/http-int.h"

/* Parser state of one direction. */
enum http_st {
	HST_LINE = 0,      /* waiting for a request/status line */
	HST_HEADERS,
	HST_BODY_CL,       /* `remaining` bytes of Content-Length body */
	HST_CHUNK_LEN,
	HST_CHUNK_DATA,
	HST_CHUNK_CRLF,    /* the CRLF after a chunk's data */
	HST_TRAILERS,
	HST_BODY_EOF,      /* response body delimited by the connection's close */
	HST_REQ_TAIL,      /* request done, more bytes in the same chunk: unexpected body? */
	HST_RESP_TAIL,     /* response body done, more bytes in the same chunk: lines that do
			    * not start a response are still its body (libhtp) */
	HST_IGNORE,        /* request side after an HTTP/0.9 request: nothing more is parsed */
	HST_CLOSED,        /* direction ended (EOF) */
};

struct http_dir {
	enum http_st st;
	struct http_buf line;    /* the line being assembled (only when split over chunks) */
	bool line_overflow;      /* the line went over field_limit: rest dropped until LF */
	bool recovering;         /* after a gap: skip until something that starts a message */
	const uint8_t *rest_p;   /* the bytes of the current chunk after the line (or body part) */
	size_t rest;             /* being handled, and how many */
	uint64_t remaining;
	uint64_t cur_id;         /* transaction this direction is filling */
	bool has_cur;
	bool interim;            /* parsing a 1xx response's headers (discarded) */
	struct http_msg interim_msg;
	/* response body decompression */
	z_stream z;
	bool z_active, z_failed, z_raw_tried;
	uint64_t z_out;
	bool cut;                /* the message in progress ends early (gap, EOF): its file is
				  * TRUNCATED */
	uint32_t next_off;       /* stream offset (low 24 bits) expected next, to size gaps */
	bool off_valid;
};

struct http_state {
	struct http_dir d[2];
	bool tunnel;             /* CONNECT accepted / protocol switched: stop */
	bool has_v09;            /* an HTTP/0.9 request awaits its (status-line-less) response */
	uint64_t v09_id;         /* ... this transaction */
};

#define HTTP_BODY_HARD_CAP (16u * 1024 * 1024) /* a 0 (unlimited) body limit still ends here */
#define HTTP_HEADER_BLOCK_MAX (256u * 1024)    /* raw header bytes kept per message */

/* ---- small buffers ---------------------------------------------------------------------- */

/* Append up to `limit` total bytes; returns bytes appended (less on limit or no memory). */
uint32_t http_buf_append(struct http_buf *b, const uint8_t *p, size_t n, uint32_t limit)
{
	if (b->len >= limit)
		return 0;
	if (n > limit - b->len)
		n = limit - b->len;
	if (n == 0)
		return 0;
	if (b->len + n > b->cap) {
		size_t ncap = b->cap ? b->cap : 64;
		while (ncap < b->len + n)
			ncap *= 2;
		if (ncap > limit)
			ncap = limit;
		uint8_t *nd = realloc(b->data, ncap);
		if (!nd)
			return 0;
		b->data = nd;
		b->cap = (uint32_t)ncap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += (uint32_t)n;
	return (uint32_t)n;
}

int http_buf_set(struct http_buf *b, const uint8_t *p, size_t n)
{
	b->len = 0;
	return http_buf_append(b, p, n, UINT32_MAX) == n ? 0 : -1;
}

void http_buf_free(struct http_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static bool http_is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static void http_trim(const uint8_t **p, size_t *n)
{
	while (*n && http_is_space((*p)[0])) {
		(*p)++;
		(*n)--;
	}
	while (*n && (http_is_space((*p)[*n - 1]) || (*p)[*n - 1] == '\r'))
		(*n)--;
}

/* ---- transactions ----------------------------------------------------------------------- */

static void http_msg_free(struct http_msg *m)
{
	for (uint32_t i = 0; i < m->n_headers; i++)
		free(m->headers[i].name);
	free(m->headers);
	http_buf_free(&m->line);
	http_buf_free(&m->protocol);
	http_buf_free(&m->headers_norm);
	http_buf_free(&m->headers_raw);
	http_buf_free(&m->header_names);
	http_buf_free(&m->start);
	http_buf_free(&m->body);
	app_file_free_list(m->files);
	http_multipart_free(m->multipart);
	memset(m, 0, sizeof(*m));
}

static void http_tx_free(void *p)
{
	struct http_tx *t = p;
	if (!t)
		return;
	http_msg_free(&t->req);
	http_msg_free(&t->resp);
	http_buf_free(&t->method);
	http_buf_free(&t->uri_raw);
	http_buf_free(&t->uri);
	http_buf_free(&t->host);
	http_buf_free(&t->host_raw);
	http_buf_free(&t->status_code);
	http_buf_free(&t->status_msg);
	free(t);
}

static struct app_tx *http_find_tx(struct app_parse_ctx *pc, uint64_t id)
{
	for (struct app_tx *tx = app_pc_tx_first(pc); tx; tx = tx->next)
		if (tx->tx_id == id)
			return tx;
	return NULL;
}

static struct app_tx *http_dir_tx(struct app_parse_ctx *pc, struct http_dir *d)
{
	if (!d->has_cur)
		return NULL;
	struct app_tx *tx = http_find_tx(pc, d->cur_id);
	if (!tx)
		d->has_cur = false;
	return tx;
}

static struct app_tx *http_tx_create(struct app_parse_ctx *pc)
{
	struct http_tx *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->status = -1;
	struct app_tx *tx = app_tx_new(pc, t);
	if (!tx)
		http_tx_free(t);
	return tx;
}

static void http_dir_reset_body(struct http_dir *d)
{
	if (d->z_active)
		inflateEnd(&d->z);
	d->z_active = false;
	d->z_failed = false;
	d->z_raw_tried = false;
	d->z_out = 0;
	d->remaining = 0;
}

/* The message's files end with it: cut short, or (multipart) a part without its closing
 * delimiter, makes them TRUNCATED. */
static void http_files_end(struct app_parse_ctx *pc, struct app_tx *tx, struct http_msg *m,
			   bool cut)
{
	if (!m->open_file)
		return;
	app_file_close(m->open_file, cut || m->multipart != NULL);
	m->open_file = NULL;
	app_tx_touch(pc, tx);
}

/* The message of `dir` in `tx` is finished: back to waiting for the next message line. */
static void http_msg_done(struct app_parse_ctx *pc, struct http_dir *d, struct app_tx *tx,
			  uint8_t dir)
{
	http_dir_reset_body(d);
	d->st = HST_LINE;
	d->has_cur = false;
	if (tx) {
		struct http_tx *t = tx->proto_tx;
		http_files_end(pc, tx, dir == FLOW_DIR_TO_SERVER ? &t->req : &t->resp, d->cut);
	}
	d->cut = false;
	if (tx) {
		tx->progress[dir] = HTTP_PROGRESS_COMPLETE;
		app_tx_set_complete(pc, tx, dir);
	}
	/* request or response done: the raw stream rules see it now, with the transaction */
	app_raw_trigger(pc, dir);
}

/* ---- headers ---------------------------------------------------------------------------- */

const struct http_header *http_msg_find_header(const struct http_msg *m, const char *name)
{
	size_t nl = strlen(name);
	for (uint32_t i = 0; i < m->n_headers; i++)
		if (m->headers[i].name_len == nl &&
		    strncasecmp((const char *)m->headers[i].name, name, nl) == 0)
			return &m->headers[i];
	return NULL;
}

/* Append `sep` and `val` to a header's value (merging a repeat, or a folded line). */
static void http_header_extend(struct http_header *h, const uint8_t *sep, size_t sl,
			       const uint8_t *val, size_t vl)
{
	size_t old = h->name_len + 2 + h->value_len;
	uint8_t *blk = realloc(h->name, old + sl + vl + 1);
	if (!blk)
		return;
	memcpy(blk + old, sep, sl);
	if (vl)
		memcpy(blk + old + sl, val, vl);
	blk[old + sl + vl] = '\0';
	h->name = blk;
	h->value = blk + h->name_len + 2;
	h->value_len += (uint32_t)(sl + vl);
}

/* Add a header, merging a repeated name into the first one (", " joined) as libhtp does. */
static void http_header_add(struct app_parse_ctx *pc, struct app_tx *tx, struct http_msg *m,
			    uint8_t dir, const uint8_t *name, size_t nl, const uint8_t *val,
			    size_t vl)
{
	for (uint32_t i = 0; i < m->n_headers; i++) {
		struct http_header *h = &m->headers[i];
		if (h->name_len != nl || strncasecmp((const char *)h->name, (const char *)name, nl))
			continue;
		app_event_raise(pc, tx, dir == FLOW_DIR_TO_SERVER ?
				APP_EVENT_HTTP_REQUEST_HEADER_REPETITION :
				APP_EVENT_HTTP_RESPONSE_HEADER_REPETITION);
		if ((uint64_t)h->value_len + 2 + vl > pc->cfg->http.field_limit)
			return;
		http_header_extend(h, (const uint8_t *)", ", 2, val, vl);
		return;
	}
	if (m->n_headers >= pc->cfg->http.headers_limit) {
		app_event_raise(pc, tx, dir == FLOW_DIR_TO_SERVER ?
				APP_EVENT_HTTP_REQUEST_TOO_MANY_HEADERS :
				APP_EVENT_HTTP_RESPONSE_TOO_MANY_HEADERS);
		return;
	}
	if (m->n_headers == m->cap_headers) {
		uint32_t nc = m->cap_headers ? m->cap_headers * 2 : 8;
		struct http_header *nh = realloc(m->headers, nc * sizeof(*nh));
		if (!nh)
			return;
		m->headers = nh;
		m->cap_headers = nc;
	}
	struct http_header *h = &m->headers[m->n_headers];
	uint8_t *blk = malloc(nl + 2 + vl + 1);
	if (!blk)
		return;
	memcpy(blk, name, nl);
	memcpy(blk + nl, ": ", 2);
	if (vl)
		memcpy(blk + nl + 2, val, vl);
	blk[nl + 2 + vl] = '\0';
	h->name = blk;
	h->value = blk + nl + 2;
	h->name_len = (uint32_t)nl;
	h->value_len = (uint32_t)vl;
	m->n_headers++;
}

/* A folded continuation line: append to the last header's value with one space. */
static void http_header_fold(struct app_parse_ctx *pc, struct app_tx *tx, struct http_msg *m,
			     uint8_t dir, const uint8_t *val, size_t vl)
{
	if (m->n_headers == 0) {
		app_event_raise(pc, tx, dir == FLOW_DIR_TO_SERVER ?
				APP_EVENT_HTTP_INVALID_REQUEST_FIELD_FOLDING :
				APP_EVENT_HTTP_INVALID_RESPONSE_FIELD_FOLDING);
		return;
	}
	struct http_header *h = &m->headers[m->n_headers - 1];
	if ((uint64_t)h->value_len + 1 + vl > pc->cfg->http.field_limit) {
		app_event_raise(pc, tx, dir == FLOW_DIR_TO_SERVER ?
				APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG :
				APP_EVENT_HTTP_RESPONSE_FIELD_TOO_LONG);
		return;
	}
	http_header_extend(h, (const uint8_t *)" ", 1, val, vl);
}

/* RFC 9110 token characters; anything else (spaces, controls, separators) makes the header
 * invalid as libhtp flags it. */
static bool http_header_name_valid(const uint8_t *p, size_t n)
{
	static const char seps[] = "()<>@,;:\\\"/[]?={} \t";
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f || strchr(seps, p[i]))
			return false;
	return true;
}

/* One header line (no CRLF, n > 0; the caller keeps the raw block). */
static void http_header_line(struct app_parse_ctx *pc, struct app_tx *tx, struct http_msg *m,
			     uint8_t dir, const uint8_t *p, size_t n)
{
	bool ts = dir == FLOW_DIR_TO_SERVER;
	if (http_is_space(p[0])) {
		const uint8_t *v = p;
		size_t vl = n;
		http_trim(&v, &vl);
		http_header_fold(pc, tx, m, dir, v, vl);
		return;
	}
	const uint8_t *colon = memchr(p, ':', n);
	if (!colon) {
		/* libhtp keeps such a line as a header with an empty value */
		app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_REQUEST_FIELD_MISSING_COLON :
				APP_EVENT_HTTP_RESPONSE_FIELD_MISSING_COLON);
		const uint8_t *nm = p;
		size_t nl = n;
		http_trim(&nm, &nl);
		http_header_add(pc, tx, m, dir, nm, nl, (const uint8_t *)"", 0);
		return;
	}
	size_t nl = (size_t)(colon - p);
	if (!http_header_name_valid(p, nl)) {
		app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_REQUEST_HEADER_INVALID :
				APP_EVENT_HTTP_RESPONSE_HEADER_INVALID);
		while (nl && http_is_space(p[nl - 1]))
			nl--;
	}
	const uint8_t *v = colon + 1;
	size_t vl = (size_t)(p + n - v);
	http_trim(&v, &vl);
	http_header_add(pc, tx, m, dir, p, nl, v, vl);
}

/* ---- request / status lines --------------------------------------------------------------- */

/* Methods recognised by the probe (as Suricata's pattern list for HTTP/1). */
static const char *const http_methods[] = {
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PATCH",
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH",
	"CHECKOUT", "CHECKIN", "REPORT", "MERGE", "MKACTIVITY", "UPDATE", "LABEL", "VERSION-CONTROL",
	"BASELINE-CONTROL", "MKWORKSPACE", "UNCHECKOUT", "ORDERPATCH", "ACL", "SUBSCRIBE",
	"UNSUBSCRIBE", "NOTIFY", "POLL", "BMOVE", "BCOPY", "BDELETE", "BPROPFIND", "BPROPPATCH",
};

/* The line's first word (after leading whitespace) is one of the known methods. */
static bool http_starts_with_method(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && http_is_space(p[i]))
		i++;
	size_t s = i;
	while (i < n && !http_is_space(p[i]))
		i++;
	for (size_t k = 0; k < ARRAY_SIZE(http_methods); k++)
		if (strlen(http_methods[k]) == i - s && memcmp(p + s, http_methods[k], i - s) == 0)
			return true;
	return false;
}

static bool http_token_is_method(const uint8_t *p, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '-' || p[i] == '_'))
			return false;
	return true;
}

static bool http_is_response_start(const uint8_t *p, size_t n)
{
	return n >= 5 && strncasecmp((const char *)p, "HTTP/", 5) == 0;
}

static void http_set_uri(struct app_parse_ctx *pc, struct app_tx *tx, struct http_tx *t)
{
	uint32_t cap = t->uri_raw.len + 1;
	uint8_t *out = malloc(cap);
	if (!out)
		return;
	struct uri_norm_opts o = {
		.double_decode_path = pc->cfg->http.double_decode_path,
		.double_decode_query = pc->cfg->http.double_decode_query,
		.u_encoding = true,
	};
	unsigned findings = 0;
	const uint8_t *in = t->uri_raw.data ? t->uri_raw.data : (const uint8_t *)"";
	uint32_t inlen = t->uri_raw.len;
	/* absolute URI: http.uri is the path part unless uri-include-all */
	uint32_t auth_off, auth_len, path_off;
	if (http_uri_split_authority(in, inlen, &auth_off, &auth_len, &path_off) == 0 &&
	    !pc->cfg->http.uri_include_all) {
		in += path_off;
		inlen -= path_off;
	}
	uint32_t n = uri_normalize(in, inlen, &o, out, cap, &findings);
	http_buf_set(&t->uri, out, n);
	free(out);
	if (findings & URI_NORM_F_DOUBLE_ENCODED)
		app_event_raise(pc, tx, APP_EVENT_HTTP_DOUBLE_ENCODED_URI);
	if (findings & URI_NORM_F_OVERLONG_UTF8)
		app_event_raise(pc, tx, APP_EVENT_HTTP_URI_OVERLONG_UTF8);
	if (findings & URI_NORM_F_INVALID_ENCODING)
		app_event_raise(pc, tx, APP_EVENT_HTTP_URI_INVALID_ENCODING);
}

static bool http_is_lws_or_eol(uint8_t c);

/*
 * "METHOD SP URI SP PROTOCOL". Returns the new transaction or NULL (stop); *no_proto says the
 * protocol was missing (HTTP/0.9 form, or a client that forgot it: the caller decides).
 */
static struct app_tx *http_request_line(struct app_parse_ctx *pc, const uint8_t *p, size_t n,
					bool *no_proto)
{
	struct app_tx *tx = http_tx_create(pc);
	if (!tx)
		return NULL;
	struct http_tx *t = tx->proto_tx;
	*no_proto = false;
	http_buf_set(&t->req.line, p, n);
	if (n && http_is_space(p[0])) {
		app_event_raise(pc, tx, APP_EVENT_HTTP_REQUEST_LINE_LEADING_WHITESPACE);
		while (n && http_is_space(p[0])) {
			p++;
			n--;
		}
	}
	/* the method ends at the first whitespace of isspace()'s set (libhtp, as Apache): a VT
	 * or FF also ends it, so a junk line holding one still has a URI */
	size_t i = 0;
	while (i < n && !http_is_lws_or_eol(p[i]))
		i++;
	http_buf_set(&t->method, p, i);
	if (i < n && p[i] != ' ')
		app_event_raise(pc, tx, APP_EVENT_HTTP_METHOD_DELIM_NON_COMPLIANT);
	if (!http_token_is_method(p, i))
		app_event_raise(pc, tx, APP_EVENT_HTTP_REQUEST_LINE_INVALID);
	while (i < n && http_is_lws_or_eol(p[i]))
		i++;
	/* The protocol is the last token if it starts with "HTTP/": URIs may contain spaces. */
	size_t end = n;
	while (end > i && http_is_space(p[end - 1]))
		end--;
	size_t last = end;
	while (last > i && !http_is_space(p[last - 1]))
		last--;
	size_t uri_end = end;
	if (last > i && http_is_response_start(p + last, end - last)) {
		http_buf_set(&t->req.protocol, p + last, end - last);
		uri_end = last;
		while (uri_end > i && http_is_space(p[uri_end - 1]))
			uri_end--;
		if (uri_end < last - 1 || p[uri_end] != ' ')
			app_event_raise(pc, tx, APP_EVENT_HTTP_URI_DELIM_NON_COMPLIANT);
	} else if (last == i && end > i && http_is_response_start(p + i, end - i)) {
		/* "GET HTTP/1.1": no URI */
		http_buf_set(&t->req.protocol, p + i, end - i);
		uri_end = i;
	} else {
		*no_proto = true;
	}
	http_buf_set(&t->uri_raw, p + i, uri_end - i);
	if (t->method.len == 4 && memcmp(t->method.data, "HEAD", 4) == 0)
		t->is_head = true;
	if (t->method.len == 7 && memcmp(t->method.data, "CONNECT", 7) == 0)
		t->is_connect = true;
	http_set_uri(pc, tx, t);
	tx->progress[FLOW_DIR_TO_SERVER] = HTTP_PROGRESS_LINE;
	app_tx_touch(pc, tx);
	return tx;
}

/* "HTTP/1.1 SP 200 SP OK" into the transaction's response. */
static void http_status_line(struct app_parse_ctx *pc, struct app_tx *tx, struct http_msg *m,
			     const uint8_t *p, size_t n, int *status)
{
	struct http_tx *t = tx->proto_tx;
	http_buf_set(&m->line, p, n);
	size_t i = 0;
	while (i < n && !http_is_space(p[i]))
		i++;
	http_buf_set(&m->protocol, p, i);
	if (!http_is_response_start(p, i))
		app_event_raise(pc, tx, APP_EVENT_HTTP_RESPONSE_INVALID_PROTOCOL);
	while (i < n && http_is_space(p[i]))
		i++;
	size_t cs = i;
	while (i < n && !http_is_space(p[i]))
		i++;
	int code = -1;
	if (i - cs == 3 && p[cs] >= '1' && p[cs] <= '9' && p[cs + 1] >= '0' && p[cs + 1] <= '9' &&
	    p[cs + 2] >= '0' && p[cs + 2] <= '9')
		code = (p[cs] - '0') * 100 + (p[cs + 1] - '0') * 10 + (p[cs + 2] - '0');
	else
		app_event_raise(pc, tx, APP_EVENT_HTTP_RESPONSE_INVALID_STATUS);
	*status = code;
	if (m == &t->resp) {
		http_buf_set(&t->status_code, p + cs, i - cs);
		while (i < n && http_is_space(p[i]))
			i++;
		http_buf_set(&t->status_msg, p + i, n - i);
	}
}

/* htp's whitespace: SP, HT, CR, LF, VT, FF */
static bool http_is_lws_or_eol(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool http_is_blank(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!http_is_lws_or_eol(p[i]))
			return false;
	return true;
}

/*
 * A request line without protocol is HTTP/0.9 only when nothing that could be headers follows
 * it in the same chunk: at most HTTP_V09_MAX_JUNK bytes, all whitespace. Otherwise the client
 * just left the protocol out and headers follow (as libhtp decides).
 */
#define HTTP_V09_MAX_JUNK 16
static bool http_rest_is_v09(const struct http_dir *d)
{
	if (d->rest > HTTP_V09_MAX_JUNK)
		return false;
	return d->rest == 0 || http_is_blank(d->rest_p, d->rest);
}

/* The request is finished. More bytes in this chunk are first checked for being a stray
 * body (HST_REQ_TAIL) before a new request line, as libhtp does. */
static void http_req_end(struct app_parse_ctx *pc, struct http_dir *d, struct app_tx *tx)
{
	if (d->rest > 0) {
		http_dir_reset_body(d);
		d->st = HST_REQ_TAIL;
		return;
	}
	http_msg_done(pc, d, tx, FLOW_DIR_TO_SERVER);
}

/* The response body is complete. More bytes in this chunk are checked line by line for being
 * more of that body (HST_RESP_TAIL) before a new status line, as libhtp does. */
static void http_resp_end(struct app_parse_ctx *pc, struct http_dir *d, struct app_tx *tx)
{
	if (d->rest > 0) {
		http_dir_reset_body(d);
		d->st = HST_RESP_TAIL;
		return;
	}
	http_msg_done(pc, d, tx, FLOW_DIR_TO_CLIENT);
}

/* ---- end of headers: body framing --------------------------------------------------------- */

static bool http_value_has_token(const struct http_header *h, const char *tok)
{
	size_t tl = strlen(tok);
	const uint8_t *v = h->value;
	size_t n = h->value_len;
	size_t i = 0;
	while (i < n) {
		while (i < n && (v[i] == ',' || http_is_space(v[i])))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',' && v[i] != ';')
			i++;
		size_t e = i;
		while (e > s && http_is_space(v[e - 1]))
			e--;
		if (e - s == tl && strncasecmp((const char *)v + s, tok, tl) == 0)
			return true;
		while (i < n && v[i] != ',')
			i++;
	}
	return false;
}

/* Content-Length: digits only; a merged duplicate ("10, 10") is accepted when all agree. */
static int http_parse_content_length(const struct http_header *h, uint64_t *out, bool *dup)
{
	uint64_t first = 0;
	bool have = false;
	*dup = false;
	const uint8_t *v = h->value;
	size_t n = h->value_len, i = 0;
	while (i < n) {
		while (i < n && (http_is_space(v[i]) || v[i] == ','))
			i++;
		if (i >= n)
			break;
		uint64_t val = 0;
		size_t s = i;
		while (i < n && v[i] >= '0' && v[i] <= '9') {
			if (val > (UINT64_MAX - 9) / 10)
				return -1;
			val = val * 10 + (uint64_t)(v[i] - '0');
			i++;
		}
		if (i == s)
			return -1;
		while (i < n && http_is_space(v[i]))
			i++;
		if (i < n && v[i] != ',')
			return -1;
		if (have) {
			*dup = true;
			if (val != first)
				return -1;
		}
		first = val;
		have = true;
	}
	if (!have)
		return -1;
	*out = first;
	return 0;
}

static bool http_proto_is_10(const struct http_msg *m)
{
	return m->protocol.len == 8 && memcmp(m->protocol.data, "HTTP/1.0", 8) == 0;
}

/* Start decompression when the response says gzip/deflate (one known coding only). */
static void http_setup_decompress(struct app_parse_ctx *pc, struct http_dir *d,
				  struct app_tx *tx, const struct http_msg *m)
{
	const struct http_header *ce = http_msg_find_header(m, "Content-Encoding");
	if (!ce || !pc->cfg->http.decompress)
		return;
	bool gz = http_value_has_token(ce, "gzip") || http_value_has_token(ce, "x-gzip");
	bool df = http_value_has_token(ce, "deflate");
	if (!gz && !df) {
		if (!http_value_has_token(ce, "identity"))
			app_event_raise(pc, tx, APP_EVENT_HTTP_ABNORMAL_CE_HEADER);
		return;
	}
	if (memchr(ce->value, ',', ce->value_len))
		app_event_raise(pc, tx, APP_EVENT_HTTP_TOO_MANY_ENCODING_LAYERS);
	memset(&d->z, 0, sizeof(d->z));
	/* 15 + 32: zlib or gzip header auto-detected; raw deflate is retried on error */
	if (inflateInit2(&d->z, 15 + 32) == Z_OK)
		d->z_active = true;
}

/* Headers of the message done: decide how its body is delimited. */
static void http_headers_done(struct app_parse_ctx *pc, struct http_state *hs, uint8_t dir,
			      struct app_tx *tx, struct http_msg *m)
{
	struct http_dir *d = &hs->d[dir];
	struct http_tx *t = tx->proto_tx;
	bool ts = dir == FLOW_DIR_TO_SERVER;
	http_build_header_buffers(m, ts);
	if (ts)
		http_request_host(pc, tx, t);
	tx->progress[dir] = HTTP_PROGRESS_HEADERS;
	app_tx_touch(pc, tx);

	const struct http_header *te = http_msg_find_header(m, "Transfer-Encoding");
	const struct http_header *cl = http_msg_find_header(m, "Content-Length");
	if (cl) {
		bool dup;
		if (http_parse_content_length(cl, &m->content_length, &dup) == 0) {
			m->has_content_length = true;
		} else {
			app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_INVALID_CL_REQUEST :
					APP_EVENT_HTTP_INVALID_CL_RESPONSE);
		}
		if (dup)
			app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_DUPLICATE_CL_REQUEST :
					APP_EVENT_HTTP_DUPLICATE_CL_RESPONSE);
	}
	if (te) {
		if (http_value_has_token(te, "chunked")) {
			m->chunked = true;
			if (!ts && http_proto_is_10(m))
				app_event_raise(pc, tx, APP_EVENT_HTTP_RESPONSE_CHUNKED_OLD_PROTO);
		} else {
			app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_INVALID_TE_REQUEST :
					APP_EVENT_HTTP_INVALID_TE_RESPONSE);
			if (!ts)
				app_event_raise(pc, tx, APP_EVENT_HTTP_RESPONSE_ABNORMAL_TE);
		}
	}

	if (ts) {
		if (m->chunked) {
			d->st = HST_CHUNK_LEN;
		} else if (m->has_content_length && m->content_length > 0) {
			d->st = HST_BODY_CL;
			d->remaining = m->content_length;
		} else {
			http_req_end(pc, d, tx);
		}
		return;
	}

	/* response */
	int st = t->status;
	if (t->is_connect && st >= 200 && st < 300) {
		http_msg_done(pc, d, tx, dir);
		hs->tunnel = true;
		/* the tunnel's bytes get protocol detection anew (TLS, or HTTP again), as
		 * Suricata does for the flow's first transaction only */
		if (tx->tx_id == 0)
			app_request_proto_change(pc);
		return;
	}
	if (st == 101) {
		http_msg_done(pc, d, tx, dir);
		hs->tunnel = true;
		return;
	}
	if (t->is_head || st == 204 || st == 304 || (st >= 100 && st < 200)) {
		http_msg_done(pc, d, tx, dir);
		return;
	}
	http_setup_decompress(pc, d, tx, m);
	if (m->chunked) {
		d->st = HST_CHUNK_LEN;
	} else if (m->has_content_length) {
		if (m->content_length == 0) {
			http_msg_done(pc, d, tx, dir);
			return;
		}
		d->st = HST_BODY_CL;
		d->remaining = m->content_length;
	} else {
		d->st = HST_BODY_EOF;
	}
}

/* ---- bodies ------------------------------------------------------------------------------- */

static uint32_t http_body_limit(const struct app_parse_ctx *pc, uint8_t dir)
{
	uint64_t l = dir == FLOW_DIR_TO_SERVER ? pc->cfg->http.request_body_limit :
		     pc->cfg->http.response_body_limit;
	if (l == 0 || l > HTTP_BODY_HARD_CAP)
		l = HTTP_BODY_HARD_CAP;
	return (uint32_t)l;
}

/* The URI's path (http.uri up to the query), which names the files of a transaction that
 * carry no name of their own, as libhtp's parsed path does for Suricata. */
static void http_uri_path(const struct http_tx *t, const uint8_t **p, size_t *n)
{
	*p = t->uri.data;
	*n = t->uri.len;
	const uint8_t *q = t->uri.data ? memchr(t->uri.data, '?', t->uri.len) : NULL;
	if (q)
		*n = (size_t)(q - t->uri.data);
}

/*
 * The body's first bytes (or lost bytes) decide its files, as Suricata does: a response body is
 * one file named by Content-Disposition's filename, else by the URI path; a request body is one
 * file for POST and PUT (named by the path), or one per multipart/form-data part with a filename.
 */
static void http_files_setup(struct app_parse_ctx *pc, struct http_tx *t, struct http_msg *m,
			     uint8_t dir)
{
	m->files_setup = true;
	const uint8_t *name = NULL;
	size_t nl = 0;
	if (dir == FLOW_DIR_TO_SERVER) {
		const struct http_header *ct = http_msg_find_header(m, "Content-Type");
		if (ct) {
			m->multipart = http_multipart_new(ct->value, ct->value_len);
			if (m->multipart)
				return;
		}
		bool post = t->method.len == 4 && memcmp(t->method.data, "POST", 4) == 0;
		bool put = t->method.len == 3 && memcmp(t->method.data, "PUT", 3) == 0;
		if (!post && !put)
			return;
	} else {
		const struct http_header *cd = http_msg_find_header(m, "Content-Disposition");
		if (cd && cd->value_len)
			app_file_disposition_name(cd->value, cd->value_len, &name, &nl);
	}
	if (!name)
		http_uri_path(t, &name, &nl);
	if (!name || nl == 0)
		return; /* no request line gave a path (a response without request) */
	m->open_file = app_file_open(&m->files, name, nl, dir, pc->cfg->files.hashes,
				     &t->next_file_id);
	if (m->open_file)
		m->n_files++;
}

/* Body bytes (de-chunked, decompressed, as kept for inspection) or `lost` missing ones reach
 * the message's files. */
static void http_files_data(struct app_parse_ctx *pc, struct http_tx *t, struct http_msg *m,
			    uint8_t dir, const uint8_t *p, size_t n, uint64_t lost)
{
	if (!m->files_setup)
		http_files_setup(pc, t, m, dir);
	if (m->multipart) {
		if (lost)
			http_multipart_gap(m->multipart, m, lost);
		if (n)
			http_multipart_data(m->multipart, m, p, n, pc->cfg->files.hashes,
					    &t->next_file_id);
		return;
	}
	if (lost)
		app_file_gap(m->open_file, lost);
	if (n)
		app_file_append(m->open_file, p, n);
}

/* Keep body bytes up to the body limit; the files get what is kept (Suricata's files end at
 * request/response-body-limit too). */
static void http_body_store(struct app_parse_ctx *pc, struct http_tx *t, struct http_msg *m,
			    uint8_t dir, const uint8_t *p, size_t n)
{
	uint32_t limit = http_body_limit(pc, dir);
	uint32_t kept = http_buf_append(&m->body, p, n, limit);
	if (kept < n)
		m->body_truncated = true;
	if (kept)
		http_files_data(pc, t, m, dir, p, kept, 0);
}

/* Inflate body bytes into the message body; on a stream error fall back to raw storage. */
static void http_body_inflate(struct app_parse_ctx *pc, struct http_dir *d, struct app_tx *tx,
			      struct http_msg *m, uint8_t dir, const uint8_t *p, size_t n)
{
	uint8_t out[8192];
	uint32_t limit = http_body_limit(pc, dir);
	const uint8_t *start = p;
	size_t start_n = n;
	d->z.next_in = (Bytef *)(uintptr_t)p;
	d->z.avail_in = (uInt)n;
	while (d->z.avail_in > 0) {
		if (m->body.len >= limit) {
			m->body_truncated = true;
			return; /* nothing more will be kept: no need to inflate */
		}
		d->z.next_out = out;
		d->z.avail_out = sizeof(out);
		int r = inflate(&d->z, Z_NO_FLUSH);
		size_t got = sizeof(out) - d->z.avail_out;
		d->z_out += got;
		if (got)
			http_body_store(pc, tx->proto_tx, m, dir, out, got);
		if (d->z_out > pc->cfg->http.decompress_limit) {
			app_event_raise(pc, tx, APP_EVENT_HTTP_COMPRESSION_BOMB);
			inflateEnd(&d->z);
			d->z_active = false;
			d->z_failed = true;
			return;
		}
		if (r == Z_STREAM_END) {
			inflateEnd(&d->z);
			d->z_active = false;
			return;
		}
		if (r == Z_DATA_ERROR && !d->z_raw_tried && d->z_out == 0 && d->z.total_in <= n) {
			/* "deflate" without the zlib wrapper: retry as raw deflate */
			inflateEnd(&d->z);
			d->z_raw_tried = true;
			memset(&d->z, 0, sizeof(d->z));
			if (inflateInit2(&d->z, -15) != Z_OK) {
				d->z_active = false;
				d->z_failed = true;
				return;
			}
			d->z.next_in = (Bytef *)(uintptr_t)start;
			d->z.avail_in = (uInt)start_n;
			continue;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			app_event_raise(pc, tx, APP_EVENT_HTTP_GZIP_DECOMPRESSION_FAILED);
			inflateEnd(&d->z);
			d->z_active = false;
			d->z_failed = true;
			size_t left = d->z.avail_in;
			http_body_store(pc, tx->proto_tx, m, dir, d->z.next_in, left);
			return;
		}
		if (r == Z_BUF_ERROR && got == 0)
			break;
	}
}

static void http_body_data(struct app_parse_ctx *pc, struct http_dir *d, struct app_tx *tx,
			   uint8_t dir, const uint8_t *p, size_t n)
{
	struct http_tx *t = tx->proto_tx;
	struct http_msg *m = dir == FLOW_DIR_TO_SERVER ? &t->req : &t->resp;
	m->body_len += n;
	if (d->z_active)
		http_body_inflate(pc, d, tx, m, dir, p, n);
	else
		http_body_store(pc, t, m, dir, p, n);
	if (tx->progress[dir] < HTTP_PROGRESS_BODY)
		tx->progress[dir] = HTTP_PROGRESS_BODY;
	app_tx_touch(pc, tx);
}

/* `n` body bytes were lost: counted as body, the file gets a gap; a compressed body cannot be
 * inflated past the hole, so the rest is kept as it comes. */
static void http_body_gap(struct app_parse_ctx *pc, struct http_dir *d, struct app_tx *tx,
			  uint8_t dir, uint64_t n)
{
	struct http_tx *t = tx->proto_tx;
	struct http_msg *m = dir == FLOW_DIR_TO_SERVER ? &t->req : &t->resp;
	m->body_len += n;
	if (d->z_active) {
		inflateEnd(&d->z);
		d->z_active = false;
		d->z_failed = true;
	}
	http_files_data(pc, t, m, dir, NULL, 0, n);
	if (tx->progress[dir] < HTTP_PROGRESS_BODY)
		tx->progress[dir] = HTTP_PROGRESS_BODY;
	app_tx_touch(pc, tx);
}

/* Chunk-size line: hex digits, optional ";extension". -1 if not a valid size. */
static int http_chunk_len(const uint8_t *p, size_t n, uint64_t *out, bool *ext)
{
	size_t i = 0;
	uint64_t v = 0;
	*ext = false;
	while (i < n && http_is_space(p[i]))
		i++;
	size_t s = i;
	while (i < n) {
		uint8_t c = p[i];
		int x;
		if (c >= '0' && c <= '9')
			x = c - '0';
		else if (c >= 'a' && c <= 'f')
			x = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			x = c - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX >> 4))
			return -1;
		v = (v << 4) | (uint64_t)x;
		i++;
	}
	if (i == s)
		return -1;
	while (i < n && http_is_space(p[i]))
		i++;
	if (i < n) {
		if (p[i] != ';')
			return -1;
		*ext = true;
	}
	*out = v;
	return 0;
}

/* ---- line dispatch ------------------------------------------------------------------------ */

static struct http_msg *http_cur_msg(struct http_dir *d, struct app_tx *tx, uint8_t dir)
{
	struct http_tx *t = tx->proto_tx;
	if (dir == FLOW_DIR_TO_SERVER)
		return &t->req;
	return d->interim ? &d->interim_msg : &t->resp;
}

/* The oldest transaction still waiting for its response; creates one if none (a response
 * without a request, as libhtp does, with an event). */
static struct app_tx *http_response_tx(struct app_parse_ctx *pc)
{
	for (struct app_tx *tx = app_pc_tx_first(pc); tx; tx = tx->next)
		if (tx->progress[FLOW_DIR_TO_CLIENT] == HTTP_PROGRESS_NONE &&
		    !tx->complete[FLOW_DIR_TO_CLIENT])
			return tx;
	struct app_tx *tx = http_tx_create(pc);
	if (!tx)
		return NULL;
	app_event_raise(pc, tx, APP_EVENT_HTTP_UNABLE_TO_MATCH_RESPONSE);
	tx->progress[FLOW_DIR_TO_SERVER] = HTTP_PROGRESS_COMPLETE;
	app_tx_set_complete(pc, tx, FLOW_DIR_TO_SERVER);
	return tx;
}

static int http_on_line(struct app_parse_ctx *pc, struct http_state *hs, uint8_t dir,
			const uint8_t *p, size_t n, bool too_long)
{
	struct http_dir *d = &hs->d[dir];
	bool ts = dir == FLOW_DIR_TO_SERVER;
	struct app_tx *tx = http_dir_tx(pc, d);

	if (d->st == HST_REQ_TAIL) {
		if (tx && !http_starts_with_method(p, n)) {
			/* not a new request: libhtp takes the line as body of the one before */
			if (!http_is_blank(p, n)) {
				app_event_raise(pc, tx, APP_EVENT_HTTP_REQUEST_BODY_UNEXPECTED);
				http_body_data(pc, d, tx, dir, p, n);
			}
			if (d->rest == 0)
				http_msg_done(pc, d, tx, dir);
			return 0;
		}
		if (tx)
			http_msg_done(pc, d, tx, dir);
		d->st = HST_LINE;
		d->has_cur = false;
		tx = NULL;
	}

	switch (d->st) {
	case HST_LINE: {
		if (n == 0)
			return 0; /* empty lines between messages are ignored */
		if (ts) {
			bool no_proto;
			tx = http_request_line(pc, p, n, &no_proto);
			if (!tx)
				return -1;
			if (too_long)
				app_event_raise(pc, tx, APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG);
			d->cur_id = tx->tx_id;
			d->has_cur = true;
			d->st = HST_HEADERS;
			if (no_proto && http_rest_is_v09(d)) {
				/* HTTP/0.9: no headers, the response has no status line, and what
				 * the client sends afterwards is not parsed (as libhtp) */
				http_msg_done(pc, d, tx, dir);
				d->st = HST_IGNORE;
				hs->has_v09 = true;
				hs->v09_id = tx->tx_id;
			} else if (no_proto) {
				app_event_raise(pc, tx, APP_EVENT_HTTP_REQUEST_LINE_MISSING_PROTOCOL);
			}
			return 0;
		}
		if (!http_is_response_start(p, n) && !tx) {
			/* not a status line: libhtp treats the data as a response body of an
			 * HTTP/0.9 exchange; we skip it and look for the next status line */
			d->recovering = true;
			return 0;
		}
		tx = http_response_tx(pc);
		if (!tx)
			return -1;
		struct http_tx *t = tx->proto_tx;
		int status;
		struct http_msg tmp;
		memset(&tmp, 0, sizeof(tmp));
		http_status_line(pc, tx, &tmp, p, n, &status);
		if (status >= 100 && status < 200 && status != 101) {
			/* interim response: parse and drop its headers, the real one follows */
			if (t->resp.line.len == 0 && t->seen_100)
				app_event_raise(pc, tx, APP_EVENT_HTTP_100_CONTINUE_ALREADY_SEEN);
			t->seen_100 = true;
			http_msg_free(&d->interim_msg);
			d->interim_msg = tmp;
			d->interim = true;
		} else {
			http_msg_free(&t->resp);
			t->resp = tmp;
			t->status = status;
			http_status_line(pc, tx, &t->resp, p, n, &status);
			d->interim = false;
			tx->progress[dir] = HTTP_PROGRESS_LINE;
		}
		if (too_long)
			app_event_raise(pc, tx, APP_EVENT_HTTP_RESPONSE_FIELD_TOO_LONG);
		d->cur_id = tx->tx_id;
		d->has_cur = true;
		d->st = HST_HEADERS;
		app_tx_touch(pc, tx);
		return 0;
	}
	case HST_HEADERS:
	case HST_TRAILERS: {
		if (!tx) {
			d->st = HST_LINE;
			return 0;
		}
		struct http_msg *m = http_cur_msg(d, tx, dir);
		if (too_long)
			app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG :
					APP_EVENT_HTTP_RESPONSE_FIELD_TOO_LONG);
		if (n > 0) {
			if (d->st == HST_TRAILERS && m->n_headers >= pc->cfg->http.headers_limit)
				return 0;
			if (m->headers_raw.len < HTTP_HEADER_BLOCK_MAX) {
				http_buf_append(&m->headers_raw, p, n, HTTP_HEADER_BLOCK_MAX);
				http_buf_append(&m->headers_raw, (const uint8_t *)"\r\n", 2,
						HTTP_HEADER_BLOCK_MAX);
			}
			/* a CR without its LF ends a header line too (libhtp): each piece is a
			 * line of its own */
			size_t s = 0;
			for (size_t i = 0; i <= n; i++) {
				if (i < n && p[i] != '\r')
					continue;
				if (i > s)
					http_header_line(pc, tx, m, dir, p + s, i - s);
				s = i + 1;
			}
			return 0;
		}
		if (d->st == HST_TRAILERS) {
			http_build_header_buffers(m, ts);
			if (ts)
				http_req_end(pc, d, tx);
			else
				http_resp_end(pc, d, tx);
			return 0;
		}
		if (d->interim) {
			/* end of a 1xx: back to the status line of the final response */
			http_msg_free(&d->interim_msg);
			d->interim = false;
			d->st = HST_LINE;
			d->has_cur = false;
			return 0;
		}
		http_headers_done(pc, hs, dir, tx, m);
		return 0;
	}
	case HST_CHUNK_LEN: {
		if (!tx) {
			d->st = HST_LINE;
			return 0;
		}
		if (n == 0)
			return 0; /* tolerate stray empty lines before a chunk size */
		uint64_t len;
		bool ext;
		if (http_chunk_len(p, n, &len, &ext) < 0) {
			app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_INVALID_REQUEST_CHUNK_LEN :
					APP_EVENT_HTTP_INVALID_RESPONSE_CHUNK_LEN);
			/* cannot frame the body any more: close the message, resync later */
			http_msg_done(pc, d, tx, dir);
			d->recovering = true;
			return 0;
		}
		if (ext)
			app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_REQUEST_CHUNK_EXTENSION :
					APP_EVENT_HTTP_RESPONSE_CHUNK_EXTENSION);
		if (len == 0) {
			d->st = HST_TRAILERS;
			tx->progress[dir] = HTTP_PROGRESS_TRAILER;
		} else {
			d->st = HST_CHUNK_DATA;
			d->remaining = len;
		}
		return 0;
	}
	case HST_CHUNK_CRLF:
		d->st = HST_CHUNK_LEN;
		if (n != 0 && tx)
			app_event_raise(pc, tx, ts ? APP_EVENT_HTTP_INVALID_REQUEST_CHUNK_LEN :
					APP_EVENT_HTTP_INVALID_RESPONSE_CHUNK_LEN);
		return 0;
	default:
		return 0;
	}
}

static bool http_st_is_line(enum http_st st)
{
	return st == HST_LINE || st == HST_HEADERS || st == HST_CHUNK_LEN ||
	       st == HST_CHUNK_CRLF || st == HST_TRAILERS || st == HST_REQ_TAIL;
}

/*
 * Take bytes towards the next line. Returns bytes consumed; when a line is complete calls
 * http_on_line with it (CRLF stripped) — straight from `p` when it was not split.
 */
static int http_take_line(struct app_parse_ctx *pc, struct http_state *hs, uint8_t dir,
			  const uint8_t *p, size_t n, size_t *used)
{
	struct http_dir *d = &hs->d[dir];
	uint32_t limit = pc->cfg->http.field_limit ? pc->cfg->http.field_limit : 18000;
	const uint8_t *lf = memchr(p, '\n', n);
	size_t take = lf ? (size_t)(lf - p) + 1 : n;
	*used = take;
	if (!lf) {
		size_t room = limit > d->line.len ? limit - d->line.len : 0;
		if (take > room && !d->line_overflow) {
			d->line_overflow = true;
			/* a header line: libhtp reports it as soon as its buffered part goes over
			 * the limit, not when it ends (a request/status line has no tx yet) */
			struct app_tx *tx = http_dir_tx(pc, d);
			if (tx && (d->st == HST_HEADERS || d->st == HST_TRAILERS))
				app_event_raise(pc, tx, dir == FLOW_DIR_TO_SERVER ?
					APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG :
					APP_EVENT_HTTP_RESPONSE_FIELD_TOO_LONG);
		}
		http_buf_append(&d->line, p, take < room ? take : room, limit);
		return 0;
	}
	const uint8_t *line;
	size_t ll;
	bool too_long = d->line_overflow;
	if (d->line.len == 0 && !d->line_overflow) {
		line = p;
		ll = take - 1;
		if (ll > limit) {
			ll = limit;
			too_long = true;
		}
	} else {
		size_t room = limit > d->line.len ? limit - d->line.len : 0;
		if (take - 1 > room)
			too_long = true;
		http_buf_append(&d->line, p, take - 1 < room ? take - 1 : room, limit);
		line = d->line.data ? d->line.data : (const uint8_t *)"";
		ll = d->line.len;
	}
	if (ll && line[ll - 1] == '\r')
		ll--;
	d->rest_p = p + take;
	d->rest = n - take;
	int r = http_on_line(pc, hs, dir, line, ll, too_long);
	d->line.len = 0;
	d->line_overflow = false;
	return r;
}

/* ---- gaps, EOF, entry point --------------------------------------------------------------- */

/*
 * `lost` bytes (known from the stream offsets) fell inside a body whose length is known, or one
 * that lasts until the close: they count as body and the message goes on after them, as libhtp
 * consumes a gap in a body. A gap longer than what is left of a Content-Length body ends it and
 * the rest is skipped until the next message. False when the gap cannot be placed so (unknown
 * size, inside headers or chunk framing): http_gap then cuts the message.
 */
static bool http_gap_in_body(struct app_parse_ctx *pc, struct http_state *hs, uint8_t dir,
			     uint64_t lost)
{
	struct http_dir *d = &hs->d[dir];
	struct app_tx *tx = http_dir_tx(pc, d);
	if (!lost || !tx || d->interim)
		return false;
	if (d->st == HST_BODY_EOF) {
		http_body_gap(pc, d, tx, dir, lost);
		return true;
	}
	if (d->st != HST_BODY_CL && d->st != HST_CHUNK_DATA)
		return false;
	uint64_t take = lost < d->remaining ? lost : d->remaining;
	if (d->st == HST_CHUNK_DATA && take < lost)
		return false; /* the chunk framing after it was lost too */
	http_body_gap(pc, d, tx, dir, take);
	d->remaining -= take;
	if (d->remaining > 0)
		return true;
	if (d->st == HST_CHUNK_DATA) {
		d->st = HST_CHUNK_CRLF;
		return true;
	}
	d->rest = 0;
	http_msg_done(pc, d, tx, dir);
	if (take < lost)
		d->recovering = true;
	return true;
}

/* Bytes were lost: the message in progress ends where it is; resync at the next message. */
static void http_gap(struct app_parse_ctx *pc, struct http_state *hs, uint8_t dir)
{
	struct http_dir *d = &hs->d[dir];
	struct app_tx *tx = http_dir_tx(pc, d);
	if (tx) {
		tx->flags |= APP_TX_F_EOF;
		d->cut = true;
		http_msg_done(pc, d, tx, dir);
	}
	http_dir_reset_body(d);
	d->interim = false;
	http_msg_free(&d->interim_msg);
	d->st = HST_LINE;
	d->line.len = 0;
	d->line_overflow = false;
	d->recovering = true;
}

static void http_eof(struct app_parse_ctx *pc, struct http_state *hs, uint8_t dir)
{
	struct http_dir *d = &hs->d[dir];
	if (d->st == HST_CLOSED)
		return;
	struct app_tx *tx = http_dir_tx(pc, d);
	if (d->line.len && tx == NULL && dir == FLOW_DIR_TO_SERVER && d->st == HST_LINE &&
	    !d->recovering) {
		/* a request line without its LF: keep it (request_line_incomplete) */
		bool no_proto;
		struct app_tx *nt = http_request_line(pc, d->line.data, d->line.len, &no_proto);
		if (nt) {
			app_event_raise(pc, nt, APP_EVENT_HTTP_REQUEST_LINE_INCOMPLETE);
			if (no_proto)
				app_event_raise(pc, nt,
						APP_EVENT_HTTP_REQUEST_LINE_MISSING_PROTOCOL);
			tx = nt;
		}
	}
	if (tx) {
		struct http_tx *t = tx->proto_tx;
		struct http_msg *m = http_cur_msg(d, tx, dir);
		if (d->st == HST_HEADERS && !d->interim)
			http_build_header_buffers(m, dir == FLOW_DIR_TO_SERVER);
		if (d->st == HST_HEADERS && dir == FLOW_DIR_TO_SERVER)
			http_request_host(pc, tx, t);
		if (d->st != HST_BODY_EOF && d->st != HST_REQ_TAIL && d->st != HST_RESP_TAIL) {
			tx->flags |= APP_TX_F_EOF;
			d->cut = true;
		}
		http_msg_done(pc, d, tx, dir);
	}
	http_dir_reset_body(d);
	d->line.len = 0;
	d->st = HST_CLOSED;
}

/*
 * Does a message of this direction start at p? Requests: a known method, a space and
 * something; responses: "HTTP/" and a digit. Only the whole pattern counts.
 */
static bool http_msg_starts_at(const uint8_t *p, size_t n, bool ts)
{
	if (!ts)
		return n >= 6 && memcmp(p, "HTTP/", 5) == 0 && p[5] >= '0' && p[5] <= '9';
	if (p[0] < 'A' || p[0] > 'Z')
		return false;
	for (size_t k = 0; k < ARRAY_SIZE(http_methods); k++) {
		size_t ml = strlen(http_methods[k]);
		if (n >= ml + 2 && memcmp(p, http_methods[k], ml) == 0 && p[ml] == ' ' &&
		    p[ml + 1] != ' ')
			return true;
	}
	return false;
}

/* Longest start pattern, and so the tail kept between chunks while looking for one. */
#define HTTP_RECOVER_CARRY 24

/*
 * After a gap (or bytes that frame nothing): drop bytes until a message starts. The start may
 * sit in the middle of a line — the end of a body whose other part was lost runs straight into
 * the next message. Returns the bytes of p consumed; when a start is found `recovering` ends and
 * the start's first bytes may be in d->line (the tail carried from the previous chunk).
 */
static size_t http_recover_scan(struct http_dir *d, bool ts, const uint8_t *p, size_t n)
{
	size_t cl = d->line.len < HTTP_RECOVER_CARRY ? d->line.len : 0;
	if (cl) {
		uint8_t win[2 * HTTP_RECOVER_CARRY];
		size_t wn = cl + (n < HTTP_RECOVER_CARRY ? n : HTTP_RECOVER_CARRY);
		memcpy(win, d->line.data, cl);
		memcpy(win + cl, p, wn - cl);
		for (size_t k = 0; k < cl; k++) {
			if (!http_msg_starts_at(win + k, wn - k, ts))
				continue;
			memmove(d->line.data, d->line.data + k, cl - k);
			d->line.len = (uint32_t)(cl - k);
			d->recovering = false;
			return 0;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (!http_msg_starts_at(p + k, n - k, ts))
			continue;
		d->line.len = 0;
		d->recovering = false;
		return k;
	}
	/* keep the last bytes: a start may be split over two chunks */
	const size_t keep = HTTP_RECOVER_CARRY - 1;
	if (n >= keep) {
		d->line.len = 0;
		http_buf_append(&d->line, p + n - keep, keep, keep);
	} else {
		if (cl + n > keep) {
			size_t drop = cl + n - keep;
			memmove(d->line.data, d->line.data + drop, cl - drop);
			d->line.len = (uint32_t)(cl - drop);
		} else {
			d->line.len = (uint32_t)cl;
		}
		http_buf_append(&d->line, p, n, keep);
	}
	return n;
}

/*
 * After a response body, in the same chunk: a line that does not start (after whitespace or NUL
 * bytes) with "http" is more body of that response, line ending included, as libhtp decides;
 * anything else completes the response and is parsed as the next one. Returns bytes consumed.
 */
static size_t http_resp_tail(struct app_parse_ctx *pc, struct http_dir *d, const uint8_t *p,
			     size_t n)
{
	struct app_tx *tx = http_dir_tx(pc, d);
	if (!tx) {
		d->st = HST_LINE;
		return 0;
	}
	const uint8_t *lf = memchr(p, '\n', n);
	size_t ll = lf ? (size_t)(lf - p) + 1 : n;
	size_t i = 0;
	while (i < ll && (http_is_lws_or_eol(p[i]) || p[i] == 0))
		i++;
	bool status = ll - i >= 4 ? strncasecmp((const char *)p + i, "http", 4) == 0 :
		      (!lf && strncasecmp((const char *)p + i, "http", ll - i) == 0 && i < ll);
	if (status) {
		http_msg_done(pc, d, tx, FLOW_DIR_TO_CLIENT);
		return 0;
	}
	http_body_data(pc, d, tx, FLOW_DIR_TO_CLIENT, p, ll);
	return ll;
}

/* The response to an HTTP/0.9 request has no status line: all of it is body, up to the close. */
static void http_v09_response(struct app_parse_ctx *pc, struct http_state *hs)
{
	struct http_dir *d = &hs->d[FLOW_DIR_TO_CLIENT];
	struct app_tx *tx = http_find_tx(pc, hs->v09_id);
	hs->has_v09 = false;
	if (!tx || tx->progress[FLOW_DIR_TO_CLIENT] != HTTP_PROGRESS_NONE)
		return;
	tx->progress[FLOW_DIR_TO_CLIENT] = HTTP_PROGRESS_HEADERS;
	d->cur_id = tx->tx_id;
	d->has_cur = true;
	d->st = HST_BODY_EOF;
}

static int http_parse(struct app_parse_ctx *pc, void *state, uint8_t dir, const uint8_t *data,
		      uint32_t len, uint32_t flags)
{
	struct http_state *hs = state;
	struct http_dir *d = &hs->d[dir];
	bool ts = dir == FLOW_DIR_TO_SERVER;
	if (hs->tunnel)
		return -1;
	uint64_t lost = 0;
	if (flags & APP_F_OFFSET) {
		uint32_t off = (flags >> APP_F_OFFSET_SHIFT) & APP_F_OFFSET_MASK;
		if ((flags & APP_F_GAP) && d->off_valid)
			lost = (off - d->next_off) & APP_F_OFFSET_MASK;
		d->next_off = (off + len) & APP_F_OFFSET_MASK;
		d->off_valid = true;
	} else {
		d->next_off = (d->next_off + len) & APP_F_OFFSET_MASK;
	}
	if ((flags & APP_F_GAP) && d->st != HST_CLOSED && !http_gap_in_body(pc, hs, dir, lost))
		http_gap(pc, hs, dir);
	size_t off = 0;
	while (off < len && !hs->tunnel && d->st != HST_CLOSED && d->st != HST_IGNORE) {
		const uint8_t *p = data + off;
		size_t n = len - off;
		size_t used = n;
		if (!ts && hs->has_v09 && d->st == HST_LINE && d->line.len == 0 &&
		    !d->recovering) {
			http_v09_response(pc, hs);
			continue;
		}
		if (d->recovering && d->st == HST_LINE) {
			off += http_recover_scan(d, ts, p, n);
			continue;
		}
		if (d->st == HST_RESP_TAIL) {
			off += http_resp_tail(pc, d, p, n);
			continue;
		}
		if (http_st_is_line(d->st)) {
			if (http_take_line(pc, hs, dir, p, n, &used) < 0)
				return -1;
		} else {
			struct app_tx *tx = http_dir_tx(pc, d);
			if (!tx) {
				d->st = HST_LINE;
				d->recovering = true;
				continue;
			}
			if (d->st == HST_BODY_EOF) {
				http_body_data(pc, d, tx, dir, p, n);
			} else {
				used = n < d->remaining ? n : (size_t)d->remaining;
				http_body_data(pc, d, tx, dir, p, used);
				d->remaining -= used;
				if (d->remaining == 0) {
					d->rest_p = p + used;
					d->rest = n - used;
					if (d->st == HST_CHUNK_DATA)
						d->st = HST_CHUNK_CRLF;
					else if (ts)
						http_req_end(pc, d, tx);
					else
						http_resp_end(pc, d, tx);
				}
			}
		}
		off += used;
	}
	if ((d->st == HST_REQ_TAIL && d->line.len == 0 && !d->line_overflow) ||
	    d->st == HST_RESP_TAIL) {
		/* the chunk ended right after the message: it is complete */
		struct app_tx *tx = http_dir_tx(pc, d);
		if (tx)
			http_msg_done(pc, d, tx, dir);
		d->st = HST_LINE;
		d->has_cur = false;
	}
	if (flags & APP_F_EOF)
		http_eof(pc, hs, dir);
	return hs->tunnel ? -1 : 0;
}

/* ---- detection ---------------------------------------------------------------------------- */


static enum app_probe http_probe(const uint8_t *data, uint32_t len, uint8_t dir, uint8_t ipp)
{
	(void)ipp;
	if (dir == FLOW_DIR_TO_CLIENT) {
		static const char resp[] = "HTTP/1.";
		size_t n = len < 7 ? len : 7;
		if (strncasecmp((const char *)data, resp, n) != 0)
			return APP_PROBE_NOMATCH;
		return len >= 7 ? APP_PROBE_MATCH : APP_PROBE_NEED_MORE;
	}
	bool more = false;
	for (size_t i = 0; i < ARRAY_SIZE(http_methods); i++) {
		size_t ml = strlen(http_methods[i]);
		size_t n = len < ml ? len : ml;
		if (memcmp(data, http_methods[i], n) != 0)
			continue;
		if (len <= ml) {
			more = true;
			continue;
		}
		if (data[ml] == ' ' || data[ml] == '\t')
			return APP_PROBE_MATCH;
	}
	return more ? APP_PROBE_NEED_MORE : APP_PROBE_NOMATCH;
}

static void *http_state_new(struct app_parse_ctx *pc)
{
	(void)pc;
	return calloc(1, sizeof(struct http_state));
}

static void http_state_free(void *state)
{
	struct http_state *hs = state;
	if (!hs)
		return;
	for (int i = 0; i < 2; i++) {
		http_dir_reset_body(&hs->d[i]);
		http_buf_free(&hs->d[i].line);
		http_msg_free(&hs->d[i].interim_msg);
	}
	free(hs);
}

const struct app_parser app_parser_http = {
	.proto = APP_PROTO_HTTP,
	.name = "http",
	.ipprotos = APP_IPPROTO_TCP,
	.default_ports = { 80, 8080, 0 },
	.probe = http_probe,
	.state_new = http_state_new,
	.state_free = http_state_free,
	.parse = http_parse,
	.tx_free = http_tx_free,
	.get_buffer = http_get_buffer,
};
