/*
 * eve-ssh.c — EVE "ssh" records as Suricata writes them: for the client and the server, the
 * protocol and software versions of their identification strings. A side whose identification
 * string never arrived (or was invalid) is left out. The same object goes into the alerts on an
 * SSH transaction.
 */
#include "app/app.h"
#include "output/output-int.h"

static void ssh_add_side(struct jbuf *j, const char *key, const struct ssh_banner *b)
{
	if (!b->done)
		return;
	jbuf_open_object(j, key);
	jbuf_add_strn(j, "proto_version", (const char *)b->line + b->proto_off, b->proto_len);
	jbuf_add_strn(j, "software_version", (const char *)b->line + b->soft_off, b->soft_len);
	jbuf_close_object(j);
}

void eve_ssh_fields(struct jbuf *j, const struct app_tx *tx)
{
	if (!tx || tx->proto != APP_PROTO_SSH || !tx->proto_tx)
		return;
	const struct ssh_tx *st = tx->proto_tx;
	jbuf_open_object(j, "ssh");
	ssh_add_side(j, "client", &st->side[FLOW_DIR_TO_SERVER]);
	ssh_add_side(j, "server", &st->side[FLOW_DIR_TO_CLIENT]);
	jbuf_close_object(j);
}

void eve_log_ssh(struct eve *e, const struct packet *p, const struct flow *f,
		 const struct app_tx *tx, uint64_t ts_usec)
{
	if (!tx || tx->proto != APP_PROTO_SSH || !tx->proto_tx)
		return;
	struct jbuf *j = eve_jbuf(e);
	eve_begin_flow_record(e, j, "ssh", ts_usec, p, f);
	eve_ssh_fields(j, tx);
	eve_end_record(e, j, EVE_TYPE_SSH);
}
