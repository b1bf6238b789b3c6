/*
 * file-int.h — file tracking inside the app layer (file.c): what the parsers call to open a file,
 * feed it bytes or lost bytes and close it, plus the HTTP helpers that name files
 * (Content-Disposition, the URI path) and split multipart/form-data request bodies into files.
 * Only src/app/ includes this; other stages see struct app_file through app.h.
 */
#ifndef AEGIS_APP_FILE_H
#define AEGIS_APP_FILE_H

#include "app/app-int.h"

/* Most files one HTTP message may carry (multipart parts beyond it are not tracked). */
#define APP_FILE_MAX_PER_MSG 64

/*
 * Open a new file at the end of `*list` (its bytes travel in `dir`, id from `*next_id`); digests
 * per `hashes` (APP_FILE_HASH_*). Returns the file or NULL on allocation failure.
 */
struct app_file *app_file_open(struct app_file **list, const uint8_t *name, size_t name_len,
			       uint8_t dir, uint8_t hashes, uint32_t *next_id);
/* Bytes of an open file (ignored once it is closed). */
void app_file_append(struct app_file *f, const uint8_t *data, size_t len);
/* `len` bytes of an open file were lost: counted in size, digests dropped, gaps set. */
void app_file_gap(struct app_file *f, uint64_t len);
/* End the file: CLOSED unless `truncated` or it has gaps (then TRUNCATED); digests finished
 * for a CLOSED one. Closing a closed file does nothing. */
void app_file_close(struct app_file *f, bool truncated);
/* Free a list of files. */
void app_file_free_list(struct app_file *list);

/*
 * The value of the filename= parameter of a Content-Disposition value (quotes removed), as
 * Suricata reads it. Returns 0 with *name and *len pointing into `v`, or -1 when there is none.
 */
int app_file_disposition_name(const uint8_t *v, size_t n, const uint8_t **name, size_t *len);

/* ---- multipart/form-data (RFC 7578) -------------------------------------------------------- */

/*
 * A streaming splitter of a multipart body: parts are found at "--boundary" delimiters in any
 * split of the bytes; each part whose Content-Disposition names a filename becomes a file of the
 * message. Memory: the boundary (at most 70 bytes as RFC 2046 allows, longer ones refused) and
 * one header line (cut at 1 KiB).
 */
struct http_multipart;

/*
 * The boundary of a "multipart/form-data; boundary=..." Content-Type value; NULL when the value
 * is not multipart/form-data or has no usable boundary, or on allocation failure.
 */
struct http_multipart *http_multipart_new(const uint8_t *ctype, size_t n);
void http_multipart_free(struct http_multipart *mp);
/* Body bytes of the request (de-chunked): files are opened, fed and closed in m->files. */
void http_multipart_data(struct http_multipart *mp, struct http_msg *m, const uint8_t *p,
			 size_t n, uint8_t hashes, uint32_t *next_id);
/* Lost body bytes: the part being received gets a gap. */
void http_multipart_gap(struct http_multipart *mp, struct http_msg *m, uint64_t n);

#endif /* AEGIS_APP_FILE_H */
