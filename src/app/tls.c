/*
 * tls.c — the TLS parser: SSLv2 CLIENT-HELLO and SSLv3/TLS 1.0-1.3 record recognition, record
 * reassembly across TCP segments, handshake message reassembly across records, ClientHello and
 * ServerHello (version, random, cipher suites, extensions), the server's Certificate message
 * (TLS <= 1.2; 1.3 sends it encrypted), and the JA3/JA3S/JA4 fingerprints.
 *
 * One transaction per flow (struct tls_state), as Suricata: it is created by the first hello
 * and is complete — logged — when the server's cleartext flight ends with ServerHelloDone (the
 * certificate is known then), or else once both sides started encrypting (ChangeCipherSpec or
 * application data: resumed sessions, TLS 1.3). A session resumed through the session id
 * (the server echoes the client's id) is flagged for EVE's session_resumed.
 *
 * Memory: a direction keeps at most one record header and one handshake message
 * (TLS_HS_MAX_LEN); a longer message is skipped (tls.handshake_invalid_length) without buffering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app-int.h"
#include "app/tls-int.h"

#define TLS_HS_MAX_LEN   (256 * 1024) /* longest handshake message kept (certificate chains) */
#define TLS_REC_MAX_LEN  (16384 + 2048) /* TLSCiphertext limit (RFC 5246 6.2.3) */

enum { REC_CCS = 20, REC_ALERT = 21, REC_HANDSHAKE = 22, REC_APPDATA = 23, REC_HEARTBEAT = 24 };
enum {
	HS_CLIENT_HELLO = 1,
	HS_SERVER_HELLO = 2,
	HS_CERTIFICATE = 11,
	HS_SERVER_HELLO_DONE = 14,
};

struct tls_dir {
	uint8_t hdr[5];
	uint8_t hdr_have, hdr_need;   /* 5 for TLS records, 2 for SSLv2 */
	uint32_t rec_left;            /* body bytes of the current record still to come */
	uint8_t rec_type;
	bool in_record;
	bool sslv2_rec;               /* the current record is SSLv2 (body = one message) */
	bool seen;                    /* any byte of this direction yet */
	bool encrypted;               /* ChangeCipherSpec seen: handshake records are opaque */
	bool dead;                    /* unparseable: ignore the rest of the direction */
	uint8_t *hs;                  /* handshake message being collected */
	uint32_t hs_len, hs_cap;
	uint32_t hs_skip;             /* bytes of an oversized handshake message left to drop */
	uint8_t *v2;                  /* SSLv2 record body being collected (short) */
	uint32_t v2_len;
};

struct tls_parser {
	struct tls_dir d[2];
	struct app_tx *tx;            /* NULL once the transaction is complete (core frees it) */
	struct tls_state *ts;
	bool done;
};

/* ---- names --------------------------------------------------------------------------------- */

const char *tls_version_name(uint16_t version, char buf[24])
{
	switch (version) {
	case TLS_VERSION_SSL2: return "SSLv2";
	case TLS_VERSION_SSL3: return "SSLv3";
	case TLS_VERSION_10: return "TLSv1";
	case TLS_VERSION_11: return "TLS 1.1";
	case TLS_VERSION_12: return "TLS 1.2";
	case TLS_VERSION_13: return "TLS 1.3";
	case 0: return "UNDETERMINED";
	default:
		if ((version >> 8) == 0x7f) {
			snprintf(buf, 24, "TLS 1.3 draft-%u", version & 0xff);
			return buf;
		}
		snprintf(buf, 24, "0x%04x", version);
		return buf;
	}
}

/* ---- transaction ------------------------------------------------------------------------- */

static void tls_state_tx_free(void *p)
{
	struct tls_state *ts = p;
	if (!ts)
		return;
	for (unsigned i = 0; i < ts->n_certs; i++)
		tls_cert_clear(&ts->certs[i]);
	free(ts->sni);
	free(ts->alpn);
	free(ts->server_alpn);
	free(ts->ja3_string);
	free(ts->ja3s_string);
	free(ts);
}

/* The session's transaction, created on first need. NULL on allocation failure / max-tx. */
static struct tls_state *tls_tx_get(struct app_parse_ctx *pc, struct tls_parser *tp)
{
	if (tp->ts)
		return tp->ts;
	if (tp->done)
		return NULL;
	struct tls_state *ts = calloc(1, sizeof(*ts));
	if (!ts)
		return NULL;
	struct app_tx *tx = app_tx_new(pc, ts);
	if (!tx) {
		free(ts);
		return NULL;
	}
	tp->tx = tx;
	tp->ts = ts;
	return ts;
}

static void tls_event(struct app_parse_ctx *pc, struct tls_parser *tp, enum app_event ev)
{
	app_event_raise(pc, tp->tx, ev);
}

/* Side `dir` started encrypting: its part of the session is over. */
static void tls_dir_done(struct app_parse_ctx *pc, struct tls_parser *tp, uint8_t dir)
{
	if (!tp->tx)
		return;
	if (dir == FLOW_DIR_TO_CLIENT)
		tp->ts->flags |= TLS_F_SERVER_CCS;
	app_tx_set_complete(pc, tp->tx, dir);
	if (app_tx_is_complete(tp->tx)) {
		/* The core frees completed transactions on its next call: forget it now. */
		tp->tx = NULL;
		tp->ts = NULL;
		tp->done = true;
	}
}

/* The server ended its cleartext flight (ServerHelloDone): everything a record of the session
 * logs is known, so the session is complete in both directions (Suricata logs it here). */
static void tls_session_done(struct app_parse_ctx *pc, struct tls_parser *tp)
{
	if (!tp->tx)
		return;
	tp->ts->flags |= TLS_F_HELLO_DONE;
	app_tx_set_complete(pc, tp->tx, FLOW_DIR_TO_SERVER);
	tls_dir_done(pc, tp, FLOW_DIR_TO_CLIENT);
	tp->ts = NULL; /* tls_dir_done forgot tp->tx; the state goes with it */
}

/* A copy of an ALPN protocol_name_list (length-prefixed names) into *dst (first one kept). */
static int tls_keep_alpn(uint8_t **dst, uint16_t *dst_len, const uint8_t *p, uint32_t len)
{
	if (*dst || len == 0 || len > UINT16_MAX)
		return 0;
	*dst = malloc(len);
	if (!*dst)
		return -1;
	memcpy(*dst, p, len);
	*dst_len = (uint16_t)len;
	return 0;
}

/* ---- hello parsing --------------------------------------------------------------------------- */

struct rd {
	const uint8_t *p;
	uint32_t len;
	bool bad;
};

static uint32_t rd_n(struct rd *r, unsigned n)
{
	if (r->bad || r->len < n) {
		r->bad = true;
		return 0;
	}
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | r->p[i];
	r->p += n;
	r->len -= n;
	return v;
}

/* A sub-reader over the next n bytes. */
static struct rd rd_sub(struct rd *r, uint32_t n)
{
	struct rd s = { r->p, n, false };
	if (r->bad || r->len < n) {
		r->bad = true;
		s.len = 0;
		s.bad = true;
		return s;
	}
	r->p += n;
	r->len -= n;
	return s;
}

static void push16(uint16_t *arr, uint16_t *n, uint16_t v)
{
	if (*n < TLS_HELLO_MAX_LIST)
		arr[(*n)++] = v;
}

/* Extensions block of a hello: fills h and ts (SNI, ALPN, selected version). */
static int tls_parse_exts(struct app_parse_ctx *pc, struct tls_parser *tp, struct rd *r,
			  struct tls_hello *h, struct tls_state *ts, bool client)
{
	if (r->len == 0)
		return 0; /* no extensions block (SSLv3-era hellos) */
	struct rd all = rd_sub(r, rd_n(r, 2));
	int sni_seen = 0;
	while (!all.bad && all.len > 0) {
		uint16_t type = (uint16_t)rd_n(&all, 2);
		struct rd e = rd_sub(&all, rd_n(&all, 2));
		if (all.bad)
			break;
		push16(h->exts, &h->n_exts, type);
		switch (type) {
		case 0x0000: /* server_name */
			if (!client)
				break;
			h->has_sni = true;
			if (++sni_seen > 1) {
				tls_event(pc, tp, APP_EVENT_TLS_MULTIPLE_SNI_EXTENSIONS);
				break;
			}
			if (e.len == 0)
				break;
			{
				struct rd list = rd_sub(&e, rd_n(&e, 2));
				uint8_t nt = (uint8_t)rd_n(&list, 1);
				uint32_t nl = rd_n(&list, 2);
				if (list.bad || nt != 0) {
					tls_event(pc, tp, nt ? APP_EVENT_TLS_INVALID_SNI_TYPE :
							       APP_EVENT_TLS_INVALID_SNI_LENGTH);
					break;
				}
				if (nl > list.len || nl > 255) {
					tls_event(pc, tp, APP_EVENT_TLS_INVALID_SNI_LENGTH);
					break;
				}
				if (ts && !ts->sni && nl > 0) {
					ts->sni = malloc(nl);
					if (!ts->sni)
						return -1;
					memcpy(ts->sni, list.p, nl);
					ts->sni_len = (uint16_t)nl;
				}
			}
			break;
		case 0x000a: { /* supported_groups */
			struct rd g = rd_sub(&e, rd_n(&e, 2));
			while (g.len >= 2)
				push16(h->groups, &h->n_groups, (uint16_t)rd_n(&g, 2));
			break;
		}
		case 0x000b: { /* ec_point_formats */
			struct rd f = rd_sub(&e, rd_n(&e, 1));
			while (f.len >= 1) {
				uint8_t v = (uint8_t)rd_n(&f, 1);
				if (h->n_ec_formats < TLS_HELLO_MAX_LIST)
					h->ec_formats[h->n_ec_formats++] = v;
			}
			break;
		}
		case 0x000d: { /* signature_algorithms */
			struct rd s = rd_sub(&e, rd_n(&e, 2));
			while (s.len >= 2)
				push16(h->sigalgs, &h->n_sigalgs, (uint16_t)rd_n(&s, 2));
			break;
		}
		case 0x0010: { /* ALPN: protocol_name_list (the server's holds the one chosen) */
			struct rd l = rd_sub(&e, rd_n(&e, 2));
			if (l.bad)
				break;
			if (!client) {
				if (ts && tls_keep_alpn(&ts->server_alpn, &ts->server_alpn_len, l.p,
							l.len) < 0)
					return -1;
				break;
			}
			if (l.len > 0 && l.p[0] > 0 && (uint32_t)l.p[0] + 1 <= l.len) {
				h->has_alpn = true;
				h->alpn_first_len = l.p[0];
				memcpy(h->alpn_first, l.p + 1, l.p[0]);
			}
			if (ts && tls_keep_alpn(&ts->alpn, &ts->alpn_len, l.p, l.len) < 0)
				return -1;
			break;
		}
		case 0x002b: /* supported_versions: a list in ClientHello, one value in ServerHello */
			if (client) {
				struct rd v = rd_sub(&e, rd_n(&e, 1));
				while (v.len >= 2)
					push16(h->versions, &h->n_versions, (uint16_t)rd_n(&v, 2));
			} else if (e.len >= 2) {
				uint16_t v = (uint16_t)rd_n(&e, 2);
				push16(h->versions, &h->n_versions, v);
			}
			break;
		default:
			break;
		}
	}
	return all.bad ? 1 : 0;
}

static int tls_parse_hello(struct app_parse_ctx *pc, void *tpv, const uint8_t *body, uint32_t len,
		    bool client, struct tls_hello *h, struct tls_state *ts)
{
	struct tls_parser *tp = tpv;
	struct rd r = { body, len, false };
	memset(h, 0, sizeof(*h));
	h->version = (uint16_t)rd_n(&r, 2);
	struct rd random = rd_sub(&r, 32);
	struct rd sid = rd_sub(&r, rd_n(&r, 1));
	if (r.bad || sid.len > 32)
		return 1;
	if (ts && !random.bad)
		memcpy(client ? ts->client_random : ts->server_random, random.p, 32);
	if (ts && client) {
		memcpy(ts->session_id, sid.p, sid.len);
		ts->session_id_len = (uint8_t)sid.len;
	} else if (ts && sid.len && sid.len == ts->session_id_len &&
		   memcmp(sid.p, ts->session_id, sid.len) == 0) {
		/* the server accepted the client's session: no certificate will follow */
		ts->flags |= TLS_F_RESUMED;
	}
	if (client) {
		struct rd cs = rd_sub(&r, rd_n(&r, 2));
		while (cs.len >= 2)
			push16(h->ciphers, &h->n_ciphers, (uint16_t)rd_n(&cs, 2));
		struct rd comp = rd_sub(&r, rd_n(&r, 1));
		(void)comp;
	} else {
		push16(h->ciphers, &h->n_ciphers, (uint16_t)rd_n(&r, 2));
		rd_n(&r, 1); /* compression method */
	}
	if (r.bad)
		return 1;
	return tls_parse_exts(pc, tp, &r, h, ts, client);
}

/* ---- handshake messages ---------------------------------------------------------------------- */

/* A hello message parsed into *out (freed by the caller); a malformed one raises the event.
 * 1 when the session's state is gone (nothing to do), -1 out of memory. */
static int tls_hello_read(struct app_parse_ctx *pc, struct tls_parser *tp, const uint8_t *body,
			  uint32_t len, bool client, struct tls_state **ts, struct tls_hello **out)
{
	*ts = tls_tx_get(pc, tp);
	if (!*ts)
		return tp->done ? 1 : -1;
	struct tls_hello *h = malloc(sizeof(*h));
	if (!h)
		return -1;
	int rc = tls_parse_hello(pc, tp, body, len, client, h, *ts);
	if (rc < 0) {
		free(h);
		return -1;
	}
	if (rc > 0)
		tls_event(pc, tp, APP_EVENT_TLS_INVALID_HANDSHAKE_MESSAGE);
	*out = h;
	return 0;
}

static int tls_on_client_hello(struct app_parse_ctx *pc, struct tls_parser *tp,
			       const uint8_t *body, uint32_t len)
{
	struct tls_state *ts;
	struct tls_hello *h;
	int rc = tls_hello_read(pc, tp, body, len, true, &ts, &h);
	if (rc)
		return rc > 0 ? 0 : -1;
	ts->flags |= TLS_F_CLIENT_HELLO;
	ts->client_version = h->version;
	if (!(ts->flags & TLS_F_SERVER_HELLO))
		ts->version = h->version;
	const struct app_tls_config *tc = &pc->cfg->tls;
	if (tc->ja3 && !ts->ja3_string) {
		ts->ja3_string = tls_ja3_string(h, ts->ja3_hash);
		if (ts->ja3_string)
			ts->flags |= TLS_F_JA3;
	}
	if (tc->ja4) {
		tls_ja4(h, ts->ja4);
		ts->flags |= TLS_F_JA4;
	}
	free(h);
	app_tx_touch(pc, tp->tx);
	return 0;
}

static int tls_on_server_hello(struct app_parse_ctx *pc, struct tls_parser *tp,
			       const uint8_t *body, uint32_t len)
{
	struct tls_state *ts;
	struct tls_hello *h;
	int rc = tls_hello_read(pc, tp, body, len, false, &ts, &h);
	if (rc)
		return rc > 0 ? 0 : -1;
	ts->flags |= TLS_F_SERVER_HELLO;
	ts->version = h->n_versions ? h->versions[0] : h->version;
	ts->cipher = h->n_ciphers ? h->ciphers[0] : 0;
	if (pc->cfg->tls.ja3 && !ts->ja3s_string) {
		ts->ja3s_string = tls_ja3s_string(h, ts->ja3s_hash);
		if (ts->ja3s_string)
			ts->flags |= TLS_F_JA3S;
	}
	free(h);
	app_tx_touch(pc, tp->tx);
	return 0;
}

/* Certificate (TLS <= 1.2): certificate_list of 3-byte-length DER certificates. */
static int tls_on_certificate(struct app_parse_ctx *pc, struct tls_parser *tp,
			      const uint8_t *body, uint32_t len)
{
	struct tls_state *ts = tls_tx_get(pc, tp);
	if (!ts)
		return tp->done ? 0 : -1;
	if (ts->version == TLS_VERSION_13 || ts->n_certs)
		return 0; /* a 1.3 Certificate is encrypted; keep the first chain only */
	struct rd r = { body, len, false };
	struct rd list = rd_sub(&r, rd_n(&r, 3));
	if (r.bad || r.len) {
		tls_event(pc, tp, APP_EVENT_TLS_CERTIFICATE_INVALID_LENGTH);
		if (r.bad)
			return 0;
	}
	while (list.len > 0 && ts->n_certs < TLS_MAX_CERTS) {
		uint32_t cl = rd_n(&list, 3);
		struct rd c = rd_sub(&list, cl);
		if (list.bad || cl == 0) {
			tls_event(pc, tp, APP_EVENT_TLS_CERTIFICATE_INVALID_LENGTH);
			break;
		}
		struct tls_cert *cert = &ts->certs[ts->n_certs];
		cert->der = malloc(cl);
		if (!cert->der)
			return -1;
		memcpy(cert->der, c.p, cl);
		cert->der_len = cl;
		ts->n_certs++;
		int rc = tls_x509_parse(cert, c.p, cl);
		if (rc == -2)
			return -1;
		if (rc < 0)
			tls_event(pc, tp, APP_EVENT_TLS_INVALID_CERTIFICATE);
	}
	ts->flags |= TLS_F_CERT;
	app_tx_touch(pc, tp->tx);
	return 0;
}

static int tls_on_handshake(struct app_parse_ctx *pc, struct tls_parser *tp, uint8_t dir,
			    uint8_t type, const uint8_t *body, uint32_t len)
{
	switch (type) {
	case HS_CLIENT_HELLO:
		if (dir != FLOW_DIR_TO_SERVER)
			break;
		return tls_on_client_hello(pc, tp, body, len);
	case HS_SERVER_HELLO:
		if (dir != FLOW_DIR_TO_CLIENT)
			break;
		return tls_on_server_hello(pc, tp, body, len);
	case HS_CERTIFICATE:
		if (dir != FLOW_DIR_TO_CLIENT)
			break;
		return tls_on_certificate(pc, tp, body, len);
	case HS_SERVER_HELLO_DONE:
		if (dir == FLOW_DIR_TO_CLIENT)
			tls_session_done(pc, tp);
		break;
	default:
		break;
	}
	return 0;
}

/* Handshake record payload: collect messages (4-byte header + body) across records. */
static int tls_handshake_data(struct app_parse_ctx *pc, struct tls_parser *tp, uint8_t dir,
			      const uint8_t *data, uint32_t len)
{
	struct tls_dir *d = &tp->d[dir];
	while (len > 0) {
		if (d->hs_skip) {
			uint32_t n = len < d->hs_skip ? len : d->hs_skip;
			d->hs_skip -= n;
			data += n;
			len -= n;
			continue;
		}
		/* Fast path: a whole message in this chunk with nothing collected before. */
		if (d->hs_len == 0 && len >= 4) {
			uint32_t ml = (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
			if (ml <= len - 4) {
				int rc = tls_on_handshake(pc, tp, dir, data[0], data + 4, ml);
				if (rc < 0)
					return rc;
				data += 4 + ml;
				len -= 4 + ml;
				continue;
			}
		}
		/* Header first (4 bytes), then the body it announces. */
		uint32_t want = 4;
		if (d->hs_len >= 4) {
			uint32_t ml = (uint32_t)d->hs[1] << 16 | (uint32_t)d->hs[2] << 8 | d->hs[3];
			want = 4 + ml;
		}
		if (d->hs_len < 4 && !d->hs) {
			d->hs_cap = 1024;
			d->hs = malloc(d->hs_cap);
			if (!d->hs)
				return -1;
		}
		uint32_t take = want - d->hs_len < len ? want - d->hs_len : len;
		if (d->hs_len + take > d->hs_cap) {
			uint32_t ncap = d->hs_cap;
			while (ncap < d->hs_len + take)
				ncap *= 2;
			uint8_t *n = realloc(d->hs, ncap);
			if (!n)
				return -1;
			d->hs = n;
			d->hs_cap = ncap;
		}
		memcpy(d->hs + d->hs_len, data, take);
		d->hs_len += take;
		data += take;
		len -= take;
		if (d->hs_len == 4) {
			uint32_t ml = (uint32_t)d->hs[1] << 16 | (uint32_t)d->hs[2] << 8 | d->hs[3];
			if (ml > TLS_HS_MAX_LEN) {
				tls_event(pc, tp, APP_EVENT_TLS_HANDSHAKE_INVALID_LENGTH);
				d->hs_skip = ml;
				d->hs_len = 0;
				continue;
			}
			if (ml > 0)
				continue;
		}
		if (d->hs_len >= 4) {
			uint32_t ml = (uint32_t)d->hs[1] << 16 | (uint32_t)d->hs[2] << 8 | d->hs[3];
			if (d->hs_len == 4 + ml) {
				d->hs_len = 0;
				int rc = tls_on_handshake(pc, tp, dir, d->hs[0], d->hs + 4, ml);
				if (rc < 0)
					return rc;
			}
		}
	}
	return 0;
}

/* ---- SSLv2 ----------------------------------------------------------------------------------- */

/* An SSLv2 record body (one message). Only CLIENT-HELLO (1) carries what we log. */
static int tls_sslv2_message(struct app_parse_ctx *pc, struct tls_parser *tp, uint8_t dir,
			     const uint8_t *m, uint32_t len)
{
	if (len < 1)
		return 0;
	if (m[0] == 1 && dir == FLOW_DIR_TO_SERVER && len >= 9) {
		struct tls_state *ts = tls_tx_get(pc, tp);
		if (!ts)
			return tp->done ? 0 : -1;
		ts->flags |= TLS_F_SSLV2 | TLS_F_CLIENT_HELLO;
		ts->client_version = (uint16_t)(m[1] << 8 | m[2]);
		if (!(ts->flags & TLS_F_SERVER_HELLO))
			ts->version = ts->client_version;
		app_tx_touch(pc, tp->tx);
	} else if (m[0] == 4 && dir == FLOW_DIR_TO_CLIENT && len >= 11) {
		/* SERVER-HELLO: the server speaks SSLv2. */
		struct tls_state *ts = tls_tx_get(pc, tp);
		if (!ts)
			return tp->done ? 0 : -1;
		ts->flags |= TLS_F_SERVER_HELLO;
		ts->version = TLS_VERSION_SSL2;
		app_tx_touch(pc, tp->tx);
	}
	return 0;
}

/* ---- record layer ---------------------------------------------------------------------------- */

static int tls_record_body(struct app_parse_ctx *pc, struct tls_parser *tp, uint8_t dir,
			   const uint8_t *data, uint32_t n)
{
	struct tls_dir *d = &tp->d[dir];
	if (d->sslv2_rec) {
		/* SSLv2 bodies are short (<= 32767); collect the first 64 bytes we read. */
		if (!d->v2) {
			d->v2 = malloc(64);
			if (!d->v2)
				return -1;
		}
		uint32_t take = n < 64 - d->v2_len ? n : 64 - d->v2_len;
		memcpy(d->v2 + d->v2_len, data, take);
		d->v2_len += take;
		return 0;
	}
	switch (d->rec_type) {
	case REC_HANDSHAKE:
		if (d->encrypted)
			return 0;
		return tls_handshake_data(pc, tp, dir, data, n);
	default:
		return 0;
	}
}

/* A record header is complete: check it and start the record. -1 when the direction is lost. */
static int tls_record_start(struct app_parse_ctx *pc, struct tls_parser *tp, uint8_t dir)
{
	struct tls_dir *d = &tp->d[dir];
	if (d->sslv2_rec) {
		d->rec_left = (uint32_t)(d->hdr[0] & 0x7f) << 8 | d->hdr[1];
		d->v2_len = 0;
		if (d->rec_left == 0) {
			tls_event(pc, tp, APP_EVENT_TLS_INVALID_SSLV2_HEADER);
			return -1;
		}
		return 0;
	}
	uint8_t type = d->hdr[0];
	uint16_t ver = (uint16_t)(d->hdr[1] << 8 | d->hdr[2]);
	uint32_t len = (uint32_t)d->hdr[3] << 8 | d->hdr[4];
	if (type < REC_CCS || type > REC_HEARTBEAT) {
		tls_event(pc, tp, APP_EVENT_TLS_INVALID_RECORD_TYPE);
		return -1;
	}
	if ((ver >> 8) != 3) {
		tls_event(pc, tp, APP_EVENT_TLS_INVALID_RECORD_VERSION);
		return -1;
	}
	if (len > TLS_REC_MAX_LEN) {
		tls_event(pc, tp, APP_EVENT_TLS_INVALID_TLS_HEADER);
		return -1;
	}
	d->rec_type = type;
	d->rec_left = len;
	switch (type) {
	case REC_CCS:
		d->encrypted = true;
		/* TLS 1.3 middlebox-compatibility CCS: the client's CCS precedes its encrypted
		 * Finished, the server's follows its hello; either way that side is done. */
		tls_dir_done(pc, tp, dir);
		break;
	case REC_APPDATA:
		d->encrypted = true;
		tls_dir_done(pc, tp, dir);
		break;
	case REC_HEARTBEAT:
		tls_event(pc, tp, APP_EVENT_TLS_HEARTBEAT_MESSAGE);
		break;
	case REC_ALERT:
		if (!d->encrypted && len != 2)
			tls_event(pc, tp, APP_EVENT_TLS_INVALID_ALERT_MESSAGE);
		break;
	default:
		break;
	}
	return 0;
}

static int tls_parse(struct app_parse_ctx *pc, void *state, uint8_t dir, const uint8_t *data,
		     uint32_t len, uint32_t flags)
{
	struct tls_parser *tp = state;
	dir &= 1;
	struct tls_dir *d = &tp->d[dir];
	if (flags & APP_F_GAP) {
		/* Record boundaries are lost: nothing after a gap can be framed. */
		d->dead = true;
	}
	if (d->dead || !data)
		return 0;
	while (len > 0) {
		if (!d->in_record) {
			if (d->hdr_have == 0) {
				/* SSLv2 only as the first record of a direction (a 2-byte header with
				 * the high bit set); everything else uses the 5-byte TLS header. */
				d->sslv2_rec = !d->seen && (data[0] & 0x80);
				d->hdr_need = d->sslv2_rec ? 2 : 5;
				d->seen = true;
			}
			d->hdr[d->hdr_have++] = *data++;
			len--;
			if (d->hdr_have < d->hdr_need)
				continue;
			d->hdr_have = 0;
			if (tls_record_start(pc, tp, dir) < 0) {
				/* Suricata's parser error: the rest of the direction is not TLS */
				app_parser_error(pc, APP_ERR_PARSER);
				d->dead = true;
				return 0;
			}
			d->in_record = true;
			if (d->rec_left > 0)
				continue;
		}
		uint32_t n = len < d->rec_left ? len : d->rec_left;
		if (n) {
			if (tls_record_body(pc, tp, dir, data, n) < 0) {
				app_parser_error(pc, APP_ERR_ALLOC);
				return -1;
			}
			data += n;
			len -= n;
			d->rec_left -= n;
		}
		if (d->rec_left == 0) {
			d->in_record = false;
			/* a whole record: raw stream inspection of it is due (as Suricata) */
			app_raw_trigger(pc, dir);
			if (d->sslv2_rec) {
				d->sslv2_rec = false;
				if (tls_sslv2_message(pc, tp, dir, d->v2, d->v2_len) < 0) {
					app_parser_error(pc, APP_ERR_ALLOC);
					return -1;
				}
			}
		}
	}
	return 0;
}

/* ---- probing --------------------------------------------------------------------------------- */

static enum app_probe tls_probe(const uint8_t *data, uint32_t len, uint8_t dir, uint8_t ip_proto)
{
	(void)dir;
	if (ip_proto != 6)
		return APP_PROBE_NOMATCH;
	if (len < 1)
		return APP_PROBE_NEED_MORE;
	if (data[0] & 0x80) {
		/* SSLv2 CLIENT-HELLO: 2-byte header, message type 1, version 2.0 or 3.x. */
		if (len < 5)
			return APP_PROBE_NEED_MORE;
		if (data[2] == 1 && ((data[3] == 0 && data[4] == 2) || data[3] == 3))
			return APP_PROBE_MATCH;
		return APP_PROBE_NOMATCH;
	}
	if (data[0] != REC_HANDSHAKE)
		return APP_PROBE_NOMATCH;
	if (len < 3)
		return APP_PROBE_NEED_MORE;
	if (data[1] != 3 || data[2] > 4)
		return APP_PROBE_NOMATCH;
	/* a handshake record of SSL 3.0 - TLS 1.2: Suricata's detection patterns are these three
	 * bytes (a tunnel's first record may even be empty, as in CONNECT tunnels) */
	if (data[2] <= 3)
		return APP_PROBE_MATCH;
	if (len < 6)
		return APP_PROBE_NEED_MORE;
	uint32_t rl = (uint32_t)data[3] << 8 | data[4];
	if (rl < 4 || rl > TLS_REC_MAX_LEN)
		return APP_PROBE_NOMATCH;
	return data[5] == HS_CLIENT_HELLO || data[5] == HS_SERVER_HELLO ? APP_PROBE_MATCH :
									   APP_PROBE_NOMATCH;
}

/* ---- state ----------------------------------------------------------------------------------- */

static void *tls_state_new(struct app_parse_ctx *pc)
{
	(void)pc;
	return calloc(1, sizeof(struct tls_parser));
}

static void tls_state_free(void *p)
{
	struct tls_parser *tp = p;
	if (!tp)
		return;
	for (int i = 0; i < 2; i++) {
		free(tp->d[i].hs);
		free(tp->d[i].v2);
	}
	free(tp);
}

/* ---- sticky buffers -------------------------------------------------------------------------- */

static int tls_buf_str(const char *s, const uint8_t **data, uint32_t *len)
{
	if (!s || !*s)
		return -1;
	*data = (const uint8_t *)s;
	*len = (uint32_t)strlen(s);
	return 0;
}

static int tls_get_buffer(const struct app_tx *tx, enum app_buffer b, uint8_t dir, uint32_t index,
			  const uint8_t **data, uint32_t *len)
{
	const struct tls_state *ts = tx->proto_tx;
	const struct tls_cert *c0 = ts->n_certs ? &ts->certs[0] : NULL;
	(void)dir;
	if (index > 0 && b != APP_BUF_TLS_CERTS && b != APP_BUF_TLS_ALPN &&
	    b != APP_BUF_TLS_SUBJECTALTNAME)
		return -1;
	switch (b) {
	case APP_BUF_TLS_SNI:
		if (!ts->sni)
			return -1;
		*data = ts->sni;
		*len = ts->sni_len;
		return 0;
	case APP_BUF_TLS_CERT_SUBJECT:
		return c0 ? tls_buf_str(c0->subject, data, len) : -1;
	case APP_BUF_TLS_CERT_ISSUER:
		return c0 ? tls_buf_str(c0->issuer, data, len) : -1;
	case APP_BUF_TLS_CERT_SERIAL:
		return c0 ? tls_buf_str(c0->serial, data, len) : -1;
	case APP_BUF_TLS_CERT_FINGERPRINT:
		return c0 ? tls_buf_str(tls_cert_fingerprint(c0), data, len) : -1;
	case APP_BUF_TLS_CERTS:
		if (index >= ts->n_certs)
			return -1;
		*data = ts->certs[index].der;
		*len = ts->certs[index].der_len;
		return 0;
	case APP_BUF_TLS_RANDOM:
	case APP_BUF_TLS_RANDOM_TIME:
	case APP_BUF_TLS_RANDOM_BYTES: {
		/* The random of the direction's hello: 4 bytes of time, then 28 random bytes. */
		bool cl = dir == FLOW_DIR_TO_SERVER;
		if (!(ts->flags & (cl ? TLS_F_CLIENT_HELLO : TLS_F_SERVER_HELLO)) ||
		    (ts->flags & TLS_F_SSLV2 && cl))
			return -1;
		const uint8_t *r = cl ? ts->client_random : ts->server_random;
		*data = b == APP_BUF_TLS_RANDOM_BYTES ? r + 4 : r;
		*len = b == APP_BUF_TLS_RANDOM ? 32 : b == APP_BUF_TLS_RANDOM_TIME ? 4 : 28;
		return 0;
	}
	case APP_BUF_TLS_SUBJECTALTNAME:
		if (!c0 || index >= c0->n_sans)
			return -1;
		*data = c0->sans[index].p;
		*len = c0->sans[index].len;
		return 0;
	case APP_BUF_TLS_ALPN: {
		/* the names the direction's hello carried: the client's offer, the server's choice */
		bool cl = dir == FLOW_DIR_TO_SERVER;
		const uint8_t *a = cl ? ts->alpn : ts->server_alpn;
		uint32_t alen = cl ? ts->alpn_len : ts->server_alpn_len;
		uint32_t pos = 0, k = 0;
		while (a && pos < alen) {
			uint8_t l = a[pos];
			if (pos + 1 + l > alen)
				break;
			if (k++ == index) {
				*data = a + pos + 1;
				*len = l;
				return 0;
			}
			pos += 1u + l;
		}
		return -1;
	}
	case APP_BUF_JA3_HASH:
		return ts->flags & TLS_F_JA3 ? tls_buf_str(ts->ja3_hash, data, len) : -1;
	case APP_BUF_JA3_STRING:
		return ts->flags & TLS_F_JA3 ? tls_buf_str(ts->ja3_string, data, len) : -1;
	case APP_BUF_JA3S_HASH:
		return ts->flags & TLS_F_JA3S ? tls_buf_str(ts->ja3s_hash, data, len) : -1;
	case APP_BUF_JA3S_STRING:
		return ts->flags & TLS_F_JA3S ? tls_buf_str(ts->ja3s_string, data, len) : -1;
	case APP_BUF_JA4_HASH:
		return ts->flags & TLS_F_JA4 ? tls_buf_str(ts->ja4, data, len) : -1;
	default:
		return -1;
	}
}

const struct app_parser app_parser_tls = {
	.proto = APP_PROTO_TLS,
	.name = "tls",
	.ipprotos = APP_IPPROTO_TCP,
	.flags = APP_PARSER_F_NO_GAPS | APP_PARSER_F_STATE_TX,
	.default_ports = { 443 },
	.probe = tls_probe,
	.state_new = tls_state_new,
	.state_free = tls_state_free,
	.parse = tls_parse,
	.tx_free = tls_state_tx_free,
	.get_buffer = tls_get_buffer,
};
