/*
 * eve-fileinfo.c — the EVE "fileinfo" record of one file an app-layer parser tracked (an HTTP
 * body or multipart part), with Suricata's fields: the transaction's app-layer object and
 * app_proto, then fileinfo {filename, gaps, state, md5, sha1, sha256, stored, size, tx_id}.
 * Digests appear only when computed (outputs.eve-log.types.files.force-hash, file-store) and,
 * as Suricata writes them, md5/sha1 only for CLOSED files.
 */
#include "app/app.h"
#include "output/output.h"
#include "util/util.h"

static void eve_file_digest(struct jbuf *j, const char *key, const uint8_t *d, size_t len)
{
	char hex[2 * 32 + 1];
	util_digest_hex(d, len, hex);
	jbuf_add_str(j, key, hex);
}

void eve_log_fileinfo(struct eve *e, const struct packet *p, const struct flow *f,
		      const struct app_tx *tx, const struct app_file *file, uint64_t ts_usec,
		      const struct eve_http_opts *ho)
{
	struct jbuf *j = eve_jbuf(e);
	eve_begin_dir_record(e, j, "fileinfo", ts_usec, p, f, file->dir);
	if (tx->proto == APP_PROTO_HTTP) {
		eve_http_fields_extended(j, tx, ho);
		jbuf_add_str(j, "app_proto", "http");
	}
	jbuf_open_object(j, "fileinfo");
	jbuf_add_strn(j, "filename", (const char *)(file->name ? file->name : (const uint8_t *)""),
		      file->name_len);
	jbuf_add_bool(j, "gaps", (file->flags & APP_FILE_F_GAPS) != 0);
	jbuf_add_str(j, "state", app_file_state_name(file->state));
	if (file->flags & APP_FILE_F_MD5)
		eve_file_digest(j, "md5", file->md5, sizeof(file->md5));
	if (file->flags & APP_FILE_F_SHA1)
		eve_file_digest(j, "sha1", file->sha1, sizeof(file->sha1));
	if (file->flags & APP_FILE_F_SHA256)
		eve_file_digest(j, "sha256", file->sha256, sizeof(file->sha256));
	jbuf_add_bool(j, "stored", false);
	jbuf_add_uint(j, "size", file->size);
	jbuf_add_uint(j, "tx_id", tx->tx_id);
	jbuf_close_object(j);
	eve_end_record(e, j, EVE_TYPE_FILES);
}
