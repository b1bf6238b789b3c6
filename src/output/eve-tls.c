/*
 * eve-tls.c — EVE "tls" records as Suricata 7 writes them: subject, issuerdn (and
 * session_resumed) by default; with `extended: yes` also serial, fingerprint, sni, version,
 * notbefore, notafter, ja3, ja3s and ja4 (the fingerprints only when computed, i.e. with
 * app-layer.protocols.tls.ja3-fingerprints / ja4-fingerprints); `custom: [...]` picks fields.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "output/output-int.h"

static const struct {
	const char *name;
	uint32_t bit;
} tls_fields[] = {
	{ "subject", EVE_TLS_SUBJECT },	    { "issuer", EVE_TLS_ISSUER },
	{ "session_resumed", EVE_TLS_SESSION_RESUMED },
	{ "serial", EVE_TLS_SERIAL },	    { "fingerprint", EVE_TLS_FINGERPRINT },
	{ "sni", EVE_TLS_SNI },		    { "version", EVE_TLS_VERSION },
	{ "not_before", EVE_TLS_NOTBEFORE }, { "not_after", EVE_TLS_NOTAFTER },
	{ "ja3", EVE_TLS_JA3 },		    { "ja3s", EVE_TLS_JA3S },
	{ "ja4", EVE_TLS_JA4 },
};

uint32_t eve_tls_field_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(tls_fields) / sizeof(tls_fields[0]); i++)
		if (strcmp(tls_fields[i].name, name) == 0)
			return tls_fields[i].bit;
	return 0;
}

void eve_tls_options_defaults(struct eve_tls_options *o)
{
	o->fields = EVE_TLS_BASIC;
}

static void tls_add_time(struct jbuf *j, const char *key, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[32];
	if (!gmtime_r(&tt, &tm))
		return;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	jbuf_add_str(j, key, buf);
}

void eve_log_tls(struct eve *e, const struct packet *p, const struct flow *f,
		 const struct app_tx *tx, uint64_t ts_usec, const struct eve_tls_options *o)
{
	if (!tx || tx->proto != APP_PROTO_TLS || !tx->proto_tx)
		return;
	uint32_t m = o ? o->fields : EVE_TLS_BASIC;
	const struct tls_state *ts = tx->proto_tx;
	const struct tls_cert *c = ts->n_certs && ts->certs[0].valid ? &ts->certs[0] : NULL;
	struct jbuf *j = eve_jbuf(e);
	eve_begin_flow_record(e, j, "tls", ts_usec, p, f);
	jbuf_open_object(j, "tls");
	if (c && (m & EVE_TLS_SUBJECT))
		jbuf_add_str(j, "subject", c->subject);
	if (c && (m & EVE_TLS_ISSUER))
		jbuf_add_str(j, "issuerdn", c->issuer);
	if ((m & EVE_TLS_SESSION_RESUMED) && (ts->flags & TLS_F_RESUMED))
		jbuf_add_bool(j, "session_resumed", true);
	if (c && (m & EVE_TLS_SERIAL))
		jbuf_add_str(j, "serial", c->serial);
	if (c && (m & EVE_TLS_FINGERPRINT))
		jbuf_add_str(j, "fingerprint", c->fingerprint);
	if (ts->sni && (m & EVE_TLS_SNI))
		jbuf_add_strn(j, "sni", (const char *)ts->sni, ts->sni_len);
	if (m & EVE_TLS_VERSION) {
		char buf[24];
		jbuf_add_str(j, "version", tls_version_name(ts->version, buf));
	}
	if (c && (m & EVE_TLS_NOTBEFORE))
		tls_add_time(j, "notbefore", c->not_before);
	if (c && (m & EVE_TLS_NOTAFTER))
		tls_add_time(j, "notafter", c->not_after);
	if ((m & EVE_TLS_JA3) && (ts->flags & TLS_F_JA3)) {
		jbuf_open_object(j, "ja3");
		jbuf_add_str(j, "hash", ts->ja3_hash);
		jbuf_add_str(j, "string", ts->ja3_string);
		jbuf_close_object(j);
	}
	if ((m & EVE_TLS_JA3S) && (ts->flags & TLS_F_JA3S)) {
		jbuf_open_object(j, "ja3s");
		jbuf_add_str(j, "hash", ts->ja3s_hash);
		jbuf_add_str(j, "string", ts->ja3s_string);
		jbuf_close_object(j);
	}
	if ((m & EVE_TLS_JA4) && (ts->flags & TLS_F_JA4))
		jbuf_add_str(j, "ja4", ts->ja4);
	jbuf_close_object(j);
	eve_end_record(e, j, EVE_TYPE_TLS);
}
