/*
 * file.c — file tracking of the app layer, as Suricata's: each file a parser finds (HTTP message
 * bodies, multipart/form-data parts) is followed from its first byte to its end with its name,
 * size, lost bytes and, when configured, MD5/SHA-1/SHA-256 digests. Files belong to their
 * transaction; the output stage writes one EVE fileinfo record per file once it has ended.
 *
 * Also here: the filename= parameter of Content-Disposition, and a streaming multipart splitter
 * (delimiters found across any split of the body, no copy of part data).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/file-int.h"
#include "util/util.h"

/* Digests in progress of an open file. */
struct app_file_hashing {
	uint8_t which;                 /* APP_FILE_HASH_* still valid */
	struct util_md_ctx md5, sha1, sha256;
};

const char *app_file_state_name(uint8_t state)
{
	switch (state) {
	case APP_FILE_CLOSED:
		return "CLOSED";
	case APP_FILE_TRUNCATED:
		return "TRUNCATED";
	case APP_FILE_ERROR:
		return "ERROR";
	default:
		return "UNKNOWN";
	}
}

struct app_file *app_tx_files(const struct app_tx *tx, uint8_t dir)
{
	if (!tx || !tx->proto_tx || tx->proto != APP_PROTO_HTTP)
		return NULL;
	const struct http_tx *t = tx->proto_tx;
	return dir == FLOW_DIR_TO_SERVER ? t->req.files : t->resp.files;
}

void app_file_set_logged(struct app_file *f)
{
	if (f)
		f->flags |= APP_FILE_F_LOGGED;
}

struct app_file *app_file_open(struct app_file **list, const uint8_t *name, size_t name_len,
			       uint8_t dir, uint8_t hashes, uint32_t *next_id)
{
	struct app_file *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	if (name_len > APP_FILE_NAME_MAX)
		name_len = APP_FILE_NAME_MAX;
	if (name && name_len) {
		f->name = malloc(name_len);
		if (!f->name) {
			free(f);
			return NULL;
		}
		memcpy(f->name, name, name_len);
		f->name_len = (uint16_t)name_len;
	}
	if (hashes) {
		f->hashing = malloc(sizeof(*f->hashing));
		if (!f->hashing) {
			free(f->name);
			free(f);
			return NULL;
		}
		f->hashing->which = hashes;
		util_md5_init(&f->hashing->md5);
		util_sha1_init(&f->hashing->sha1);
		util_sha256_init(&f->hashing->sha256);
	}
	f->dir = dir;
	f->state = APP_FILE_OPEN;
	f->file_id = ++*next_id;
	while (*list)
		list = &(*list)->next;
	*list = f;
	return f;
}

void app_file_append(struct app_file *f, const uint8_t *data, size_t len)
{
	if (!f || f->state != APP_FILE_OPEN || len == 0)
		return;
	f->size += len;
	struct app_file_hashing *h = f->hashing;
	if (!h)
		return;
	if (h->which & APP_FILE_HASH_MD5)
		util_md_update(&h->md5, data, len);
	if (h->which & APP_FILE_HASH_SHA1)
		util_md_update(&h->sha1, data, len);
	if (h->which & APP_FILE_HASH_SHA256)
		util_md_update(&h->sha256, data, len);
}

void app_file_gap(struct app_file *f, uint64_t len)
{
	if (!f || f->state != APP_FILE_OPEN)
		return;
	/* the digests go on over the bytes that did arrive, as Suricata's do */
	f->size += len;
	f->flags |= APP_FILE_F_GAPS;
}

void app_file_close(struct app_file *f, bool truncated)
{
	if (!f || f->state != APP_FILE_OPEN)
		return;
	/* lost bytes make the file incomplete even when its message ended in order, as
	 * Suricata reports such files */
	f->state = truncated || (f->flags & APP_FILE_F_GAPS) ? APP_FILE_TRUNCATED : APP_FILE_CLOSED;
	struct app_file_hashing *h = f->hashing;
	f->hashing = NULL;
	if (!h)
		return;
	if (f->state != APP_FILE_CLOSED && (h->which & APP_FILE_HASH_SHA256)) {
		/* Suricata still finishes a forced sha256 of a truncated file, over the bytes it
		 * saw, so the record can name what was seen; md5/sha1 only for complete files */
		util_md_final(&h->sha256, f->sha256);
		f->flags |= APP_FILE_F_SHA256;
	} else if (f->state == APP_FILE_CLOSED) {
		if (h->which & APP_FILE_HASH_MD5) {
			util_md_final(&h->md5, f->md5);
			f->flags |= APP_FILE_F_MD5;
		}
		if (h->which & APP_FILE_HASH_SHA1) {
			util_md_final(&h->sha1, f->sha1);
			f->flags |= APP_FILE_F_SHA1;
		}
		if (h->which & APP_FILE_HASH_SHA256) {
			util_md_final(&h->sha256, f->sha256);
			f->flags |= APP_FILE_F_SHA256;
		}
	}
	free(h);
}

void app_file_free_list(struct app_file *list)
{
	while (list) {
		struct app_file *next = list->next;
		free(list->hashing);
		free(list->name);
		free(list);
		list = next;
	}
}

/* ---- Content-Disposition ------------------------------------------------------------------- */

static bool file_is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Parameter `key` (with '=') of a header value: parameters are split at ';' and trimmed, the
 * first `key` one gives the value with its surrounding double quotes removed (Suricata does not
 * unescape inside them either). */
static int header_param(const uint8_t *v, size_t n, const char *key, const uint8_t **out,
			size_t *olen)
{
	size_t kl = strlen(key);
	size_t i = 0;
	while (i < n) {
		size_t s = i;
		while (i < n && v[i] != ';')
			i++;
		size_t e = i++;
		while (s < e && file_is_space(v[s]))
			s++;
		while (e > s && file_is_space(v[e - 1]))
			e--;
		if (e - s < kl || strncasecmp((const char *)v + s, key, kl) != 0)
			continue;
		s += kl;
		if (s < e && v[s] == '"') {
			s++;
			if (e > s && v[e - 1] == '"')
				e--;
		}
		*out = v + s;
		*olen = e - s;
		return 0;
	}
	return -1;
}

/* The file name of a Content-Disposition value: its "filename=" parameter. */
int app_file_disposition_name(const uint8_t *v, size_t n, const uint8_t **name, size_t *len)
{
	return header_param(v, n, "filename=", name, len);
}

/* ---- multipart/form-data ------------------------------------------------------------------- */

#define MP_BOUNDARY_MAX 70   /* RFC 2046 section 5.1.1 */
#define MP_LINE_MAX 1024

enum mp_state {
	MP_DATA = 0,      /* part data (or the preamble), watching for the delimiter */
	MP_DELIM_TAIL,    /* after a delimiter: "--" ends the body, else the rest of the line */
	MP_DELIM_DASH,    /* one '-' of a closing "--" seen */
	MP_SKIP_LINE,     /* transport padding up to the delimiter line's LF */
	MP_HEADERS,       /* part header lines until an empty one */
	MP_EPILOGUE,      /* after the closing delimiter: ignored */
};

struct http_multipart {
	enum mp_state st;
	uint8_t delim[4 + MP_BOUNDARY_MAX]; /* CRLF "--" boundary */
	size_t dlen;
	size_t matched;         /* delimiter bytes matched so far (they are data if it fails) */
	bool in_part;           /* data belongs to a part (false: the preamble) */
	uint8_t line[MP_LINE_MAX];
	size_t line_len;
	bool has_name;          /* this part's headers named a file */
	uint8_t name[APP_FILE_NAME_MAX];
	size_t name_len;
};

struct http_multipart *http_multipart_new(const uint8_t *ctype, size_t n)
{
	static const char mt[] = "multipart/form-data";
	size_t i = 0;
	while (i < n && file_is_space(ctype[i]))
		i++;
	if (n - i < sizeof(mt) - 1 || strncasecmp((const char *)ctype + i, mt, sizeof(mt) - 1))
		return NULL;
	const uint8_t *b;
	size_t bl;
	if (header_param(ctype, n, "boundary=", &b, &bl) < 0 || bl == 0 || bl > MP_BOUNDARY_MAX)
		return NULL;
	for (size_t k = 0; k < bl; k++)
		if (b[k] == '\r' || b[k] == '\n')
			return NULL; /* the matcher relies on CR starting the delimiter only */
	struct http_multipart *mp = calloc(1, sizeof(*mp));
	if (!mp)
		return NULL;
	memcpy(mp->delim, "\r\n--", 4);
	memcpy(mp->delim + 4, b, bl);
	mp->dlen = 4 + bl;
	/* the first delimiter may open the body without a CRLF before it: start as if the CRLF
	 * had been seen (RFC 2046 counts that CRLF as part of the delimiter) */
	mp->matched = 2;
	mp->st = MP_DATA;
	return mp;
}

void http_multipart_free(struct http_multipart *mp)
{
	free(mp);
}

/* Bytes of the current part (or preamble, dropped). */
static void mp_emit(struct http_multipart *mp, struct http_msg *m, const uint8_t *p, size_t n)
{
	if (mp->in_part && n)
		app_file_append(m->open_file, p, n);
}

/* A part's header line (no CR/LF). */
static void mp_header_line(struct http_multipart *mp, const uint8_t *p, size_t n)
{
	static const char cd[] = "content-disposition:";
	if (n < sizeof(cd) - 1 || strncasecmp((const char *)p, cd, sizeof(cd) - 1) != 0)
		return;
	const uint8_t *name;
	size_t nl;
	if (app_file_disposition_name(p + sizeof(cd) - 1, n - (sizeof(cd) - 1), &name, &nl) < 0)
		return;
	if (nl > sizeof(mp->name))
		nl = sizeof(mp->name);
	memcpy(mp->name, name, nl);
	mp->name_len = nl;
	mp->has_name = true;
}

/* The part's headers ended: open its file if it has a name. */
static void mp_part_start(struct http_multipart *mp, struct http_msg *m, uint8_t hashes,
			  uint32_t *next_id)
{
	mp->in_part = true;
	m->open_file = NULL;
	if (mp->has_name && m->n_files < APP_FILE_MAX_PER_MSG) {
		m->open_file = app_file_open(&m->files, mp->name, mp->name_len,
					     FLOW_DIR_TO_SERVER, hashes, next_id);
		if (m->open_file)
			m->n_files++;
	}
	mp->has_name = false;
	mp->name_len = 0;
}

/* A delimiter ended the current part. */
static void mp_part_end(struct http_multipart *mp, struct http_msg *m)
{
	if (mp->in_part && m->open_file) {
		app_file_close(m->open_file, false);
		m->open_file = NULL;
	}
	mp->in_part = false;
}

void http_multipart_data(struct http_multipart *mp, struct http_msg *m, const uint8_t *p,
			 size_t n, uint8_t hashes, uint32_t *next_id)
{
	size_t i = 0;
	while (i < n) {
		switch (mp->st) {
		case MP_DATA: {
			/* run: bytes of p that are data for sure */
			size_t run = i;
			while (i < n) {
				uint8_t c = p[i];
				if (c == mp->delim[mp->matched]) {
					if (mp->matched == 0 && i > run)
						mp_emit(mp, m, p + run, i - run);
					if (mp->matched == 0)
						run = i;
					mp->matched++;
					i++;
					if (mp->matched == mp->dlen) {
						mp->matched = 0;
						mp_part_end(mp, m);
						mp->st = MP_DELIM_TAIL;
						break;
					}
					continue;
				}
				if (mp->matched) {
					/* the partial match was data; it may have begun in an earlier
					 * chunk, but its bytes are the delimiter's first ones */
					mp_emit(mp, m, mp->delim, mp->matched);
					mp->matched = 0;
					run = i;
					continue; /* c may start a new delimiter */
				}
				i++;
			}
			if (mp->st == MP_DATA && mp->matched == 0 && i > run)
				mp_emit(mp, m, p + run, i - run);
			break;
		}
		case MP_DELIM_TAIL:
			if (p[i] == '-') {
				mp->st = MP_DELIM_DASH;
				i++;
			} else {
				mp->st = MP_SKIP_LINE;
			}
			break;
		case MP_DELIM_DASH:
			if (p[i] == '-') {
				mp->st = MP_EPILOGUE;
				i++;
			} else {
				mp->st = MP_SKIP_LINE;
			}
			break;
		case MP_SKIP_LINE: {
			const uint8_t *lf = memchr(p + i, '\n', n - i);
			if (!lf) {
				i = n;
				break;
			}
			i = (size_t)(lf - p) + 1;
			mp->st = MP_HEADERS;
			mp->line_len = 0;
			break;
		}
		case MP_HEADERS: {
			const uint8_t *lf = memchr(p + i, '\n', n - i);
			size_t take = lf ? (size_t)(lf - (p + i)) : n - i;
			size_t room = sizeof(mp->line) - mp->line_len;
			memcpy(mp->line + mp->line_len, p + i, take < room ? take : room);
			mp->line_len += take < room ? take : room;
			i += take;
			if (!lf)
				break;
			i++; /* the LF */
			size_t ll = mp->line_len;
			if (ll && mp->line[ll - 1] == '\r')
				ll--;
			mp->line_len = 0;
			if (ll == 0) {
				mp_part_start(mp, m, hashes, next_id);
				mp->st = MP_DATA;
			} else {
				mp_header_line(mp, mp->line, ll);
			}
			break;
		}
		case MP_EPILOGUE:
		default:
			i = n;
			break;
		}
	}
}

void http_multipart_gap(struct http_multipart *mp, struct http_msg *m, uint64_t n)
{
	if (mp->st == MP_DATA && mp->in_part && m->open_file) {
		/* the held partial delimiter was data, then the hole */
		app_file_gap(m->open_file, mp->matched + n);
		mp->matched = 0;
	}
}
