/*
 * eve-tls.c — EVE "tls" records as Suricata 8 writes them: subject, issuerdn, subjectaltname
 * (and session_resumed) by default; with `extended: yes` also serial, fingerprint, sni, version,
 * notbefore, notafter, ja3, ja3s, ja4 (the fingerprints only when computed for logging, i.e.
 * with app-layer.protocols.tls.ja3-fingerprints / ja4-fingerprints on), client_alpns and
 * server_alpns; `custom: [...]` picks fields. Alerts on a TLS transaction carry the extended
 * object (eve_tls_fields), as Suricata's alert metadata does.
 *
 * A session is logged only when there is something to say about it (Suricata's condition): the
 * server's certificate was seen, or the session was resumed, or TLS 1.3 hides the certificate,
 * or the server never answered (what the client offered is logged).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "output/output-int.h"

/*
 * Fields Suricata 8 added after output.h's EVE_TLS_* set was laid out. Until output.h carries
 * them (with EVE_TLS_EXTENDED and EVE_TLS_BASIC widened), they are defined here and a field set
 * holding every older extended field counts as `extended: yes`.
 */
#ifndef EVE_TLS_SUBJECTALTNAME
#define EVE_TLS_SUBJECTALTNAME  0x1000
#define EVE_TLS_CLIENT_ALPNS    0x2000
#define EVE_TLS_SERVER_ALPNS    0x4000
#define EVE_TLS_EXTENDED_OLD    0x0fff
#endif
#define EVE_TLS_NEWER (EVE_TLS_SUBJECTALTNAME | EVE_TLS_CLIENT_ALPNS | EVE_TLS_SERVER_ALPNS)

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
	{ "ja4", EVE_TLS_JA4 },		    { "subjectaltname", EVE_TLS_SUBJECTALTNAME },
	{ "client_alpns", EVE_TLS_CLIENT_ALPNS }, { "server_alpns", EVE_TLS_SERVER_ALPNS },
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
	o->fields = EVE_TLS_BASIC | EVE_TLS_SUBJECTALTNAME;
}

/* The field set to write: see EVE_TLS_NEWER above. */
static uint32_t tls_effective_fields(uint32_t m)
{
#ifdef EVE_TLS_EXTENDED_OLD
	if ((m & EVE_TLS_EXTENDED_OLD) == EVE_TLS_EXTENDED_OLD)
		m |= EVE_TLS_NEWER;
#endif
	return m;
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

/* An ALPN protocol_name_list (length byte, name, ...) as an array of names. */
static void tls_add_alpns(struct jbuf *j, const char *key, const uint8_t *a, uint32_t len)
{
	if (!a || len == 0)
		return;
	jbuf_open_array(j, key);
	for (uint32_t pos = 0; pos < len;) {
		uint8_t l = a[pos];
		if (pos + 1u + l > len)
			break;
		jbuf_add_strn(j, NULL, (const char *)a + pos + 1, l);
		pos += 1u + l;
	}
	jbuf_close_array(j);
}

static bool tls_is_13(uint16_t v)
{
	return v == TLS_VERSION_13 || (v >> 8) == 0x7f;
}

/* Suricata logs a session without certificate only when it was resumed (the server echoed the
 * client's session id, TLS <= 1.2) or when TLS 1.3 encrypts the certificate. */
static bool tls_resumed(const struct tls_state *ts)
{
	return (ts->flags & TLS_F_RESUMED) && (ts->flags & TLS_F_SERVER_HELLO) &&
	       !tls_is_13(ts->version);
}

static void tls_write_fields(struct jbuf *j, const struct tls_state *ts, uint32_t m)
{
	const struct tls_cert *c = ts->n_certs && ts->certs[0].valid ? &ts->certs[0] : NULL;
	if (c && (m & EVE_TLS_SUBJECT))
		jbuf_add_str(j, "subject", c->subject);
	if (c && (m & EVE_TLS_ISSUER))
		jbuf_add_str(j, "issuerdn", c->issuer);
	if (c && c->n_sans && (m & EVE_TLS_SUBJECTALTNAME)) {
		jbuf_open_array(j, "subjectaltname");
		for (unsigned i = 0; i < c->n_sans; i++)
			jbuf_add_strn(j, NULL, (const char *)c->sans[i].p, c->sans[i].len);
		jbuf_close_array(j);
	}
	if ((m & EVE_TLS_SESSION_RESUMED) && !c && tls_resumed(ts))
		jbuf_add_bool(j, "session_resumed", true);
	if (c && (m & EVE_TLS_SERIAL))
		jbuf_add_str(j, "serial", c->serial);
	if (c && (m & EVE_TLS_FINGERPRINT))
		jbuf_add_str(j, "fingerprint", tls_cert_fingerprint(c));
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
	if (m & EVE_TLS_CLIENT_ALPNS)
		tls_add_alpns(j, "client_alpns", ts->alpn, ts->alpn_len);
	if (m & EVE_TLS_SERVER_ALPNS)
		tls_add_alpns(j, "server_alpns", ts->server_alpn, ts->server_alpn_len);
}

/* The "tls" object of a transaction for an alert's app-layer metadata (o NULL: extended). */
void eve_tls_fields(struct jbuf *j, const struct app_tx *tx, const struct eve_tls_options *o)
{
	if (!tx || tx->proto != APP_PROTO_TLS || !tx->proto_tx)
		return;
	uint32_t m = o ? o->fields : EVE_TLS_EXTENDED;
	jbuf_open_object(j, "tls");
	tls_write_fields(j, tx->proto_tx, tls_effective_fields(m));
	jbuf_close_object(j);
}

void eve_log_tls(struct eve *e, const struct packet *p, const struct flow *f,
		 const struct app_tx *tx, uint64_t ts_usec, const struct eve_tls_options *o)
{
	if (!tx || tx->proto != APP_PROTO_TLS || !tx->proto_tx)
		return;
	uint32_t m = tls_effective_fields(o ? o->fields : EVE_TLS_BASIC);
	const struct tls_state *ts = tx->proto_tx;
	const struct tls_cert *c = ts->n_certs ? &ts->certs[0] : NULL;
	bool has_cert = c && c->valid && c->subject && c->issuer;
	bool resumed = tls_resumed(ts) && (m & EVE_TLS_SESSION_RESUMED);
	/* TLS 1.3 encrypts the certificate; a session that ended before the server answered is
	 * logged for what the client said (Suricata 8, ticket 5713) */
	bool without_cert = !(ts->flags & TLS_F_SERVER_HELLO) || tls_is_13(ts->version);
	if (!has_cert && !resumed && !without_cert)
		return;
	struct jbuf *j = eve_jbuf(e);
	eve_begin_flow_record(e, j, "tls", ts_usec, p, f);
	jbuf_open_object(j, "tls");
	tls_write_fields(j, ts, m);
	jbuf_close_object(j);
	eve_end_record(e, j, EVE_TYPE_TLS);
}
