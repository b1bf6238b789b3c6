/*
 * http-int.h — what the files of the HTTP parser share (http.c: the state machine,
 * http-buffers.c: derived buffers, host handling and sticky-buffer access) and nothing else
 * includes.
 */
#ifndef AEGIS_HTTP_INT_H
#define AEGIS_HTTP_INT_H

#include "app/app-int.h"

/* Bounded buffer helpers: append at most up to `limit` total bytes, returns bytes appended. */
uint32_t http_buf_append(struct http_buf *b, const uint8_t *p, size_t n, uint32_t limit);
/* Replace the contents; -1 on allocation failure (buffer then empty). */
int http_buf_set(struct http_buf *b, const uint8_t *p, size_t n);
void http_buf_free(struct http_buf *b);

/* http.header, http.header_names, http.start of a message whose headers are complete. */
void http_build_header_buffers(struct http_msg *m, bool request);
/* http.host / http.host.raw / http_port from the URI authority or the Host header, with the
 * host events (missing, ambiguous, invalid port). */
void http_request_host(struct app_parse_ctx *pc, struct app_tx *tx, struct http_tx *t);
/* The app_parser get_buffer callback. */
int http_get_buffer(const struct app_tx *tx, enum app_buffer b, uint8_t dir, uint32_t index,
		    const uint8_t **data, uint32_t *len);

/*
 * "scheme://authority/path": 0 with the authority's offset/length and where the path starts
 * (may be len: no path); -1 when the URI is not in absolute form (uri-normalize.c).
 */
int http_uri_split_authority(const uint8_t *uri, uint32_t len, uint32_t *auth_off,
			     uint32_t *auth_len, uint32_t *path_off);

#endif /* AEGIS_HTTP_INT_H */
