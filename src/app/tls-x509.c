/*
 * tls-x509.c — just enough of X.509 (RFC 5280) DER to log a certificate as Suricata does:
 * subject and issuer as "C=US, O=Let's Encrypt, CN=R3" (RDNs in the certificate's order),
 * the serial as upper-case hex with colons, notBefore/notAfter, the dNSName entries of the
 * subjectAltName extension, and the SHA-1 fingerprint of the whole DER as lower-case hex with
 * colons.
 *
 * Every TLV is checked against its enclosing length before it is read; indefinite lengths and
 * lengths over 4 bytes are refused (DER forbids the first, certificates never need the second).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/tls-int.h"

struct der {
	const uint8_t *p;
	uint32_t len;
};

/* Read one TLV from *d: its tag and content; advances *d past it. -1 if malformed. */
static int der_next(struct der *d, uint8_t *tag, struct der *content)
{
	if (d->len < 2)
		return -1;
	uint8_t t = d->p[0];
	if ((t & 0x1f) == 0x1f)
		return -1; /* multi-byte tags: none in the parts we read */
	uint32_t pos = 2, l = d->p[1];
	if (l & 0x80) {
		uint32_t n = l & 0x7f;
		if (n == 0 || n > 4 || d->len < 2 + n)
			return -1;
		l = 0;
		for (uint32_t i = 0; i < n; i++)
			l = l << 8 | d->p[2 + i];
		pos += n;
	}
	if (l > d->len - pos)
		return -1;
	*tag = t;
	content->p = d->p + pos;
	content->len = l;
	d->p += pos + l;
	d->len -= pos + l;
	return 0;
}

static int der_expect(struct der *d, uint8_t tag, struct der *content)
{
	uint8_t t;
	if (der_next(d, &t, content) < 0 || t != tag)
		return -1;
	return 0;
}

/* Short names Suricata prints for the usual attribute types. */
static const struct {
	const char *oid; /* dotted */
	const char *name;
} x509_attr_names[] = {
	{ "2.5.4.3", "CN" },	       { "2.5.4.6", "C" },	     { "2.5.4.7", "L" },
	{ "2.5.4.8", "ST" },	       { "2.5.4.10", "O" },	     { "2.5.4.11", "OU" },
	{ "2.5.4.5", "serialNumber" }, { "2.5.4.4", "SN" },	     { "2.5.4.42", "GN" },
	{ "2.5.4.9", "street" },       { "2.5.4.12", "title" },     { "2.5.4.17", "postalCode" },
	{ "2.5.4.97", "organizationIdentifier" }, { "2.5.4.15", "businessCategory" },
	{ "1.2.840.113549.1.9.1", "emailAddress" },
	{ "0.9.2342.19200300.100.1.25", "DC" },
	{ "0.9.2342.19200300.100.1.1", "UID" },
	{ "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC" },
};

/* Dotted text of an OID's content octets. -1 if malformed or too long for buf. */
static int x509_oid_text(struct der o, char *buf, size_t cap)
{
	if (o.len == 0)
		return -1;
	size_t n = 0;
	uint64_t v = 0;
	bool first = true;
	for (uint32_t i = 0; i < o.len; i++) {
		if (v > (UINT64_MAX >> 7))
			return -1;
		v = v << 7 | (o.p[i] & 0x7f);
		if (o.p[i] & 0x80)
			continue;
		int w;
		if (first) {
			unsigned a = v < 80 ? (unsigned)(v / 40) : 2;
			w = snprintf(buf + n, cap - n, "%u.%llu", a,
				     (unsigned long long)(v - 40ull * a));
			first = false;
		} else {
			w = snprintf(buf + n, cap - n, ".%llu", (unsigned long long)v);
		}
		if (w < 0 || (size_t)w >= cap - n)
			return -1;
		n += (size_t)w;
		v = 0;
	}
	return (o.p[o.len - 1] & 0x80) ? -1 : 0;
}

/* A growable string for names. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 128;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		char *s = realloc(b->s, ncap);
		if (!s) {
			b->failed = true;
			return;
		}
		b->s = s;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Append a directory string value as UTF-8 (BMPString is UCS-2, UniversalString UCS-4). */
static void x509_add_value(struct sbuf *b, uint8_t tag, struct der v)
{
	if (tag == 0x1e || tag == 0x1c) {
		uint32_t w = tag == 0x1e ? 2 : 4;
		for (uint32_t i = 0; i + w <= v.len; i += w) {
			uint32_t c = 0;
			for (uint32_t k = 0; k < w; k++)
				c = c << 8 | v.p[i + k];
			char u[4];
			size_t n;
			if (c < 0x80) {
				u[0] = (char)c;
				n = 1;
			} else if (c < 0x800) {
				u[0] = (char)(0xc0 | c >> 6);
				u[1] = (char)(0x80 | (c & 0x3f));
				n = 2;
			} else if (c < 0x10000) {
				u[0] = (char)(0xe0 | c >> 12);
				u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
				u[2] = (char)(0x80 | (c & 0x3f));
				n = 3;
			} else if (c < 0x110000) {
				u[0] = (char)(0xf0 | c >> 18);
				u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
				u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
				u[3] = (char)(0x80 | (c & 0x3f));
				n = 4;
			} else {
				continue;
			}
			sb_add(b, u, n);
		}
		return;
	}
	/* NULs would cut the C string: write them as \x00 (the JSON writer escapes the rest). */
	for (uint32_t i = 0; i < v.len; i++) {
		if (v.p[i] == 0)
			sb_puts(b, "\\x00");
		else
			sb_add(b, &v.p[i], 1);
	}
}

/* Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }. */
static int x509_name_text(struct der name, char **out)
{
	struct sbuf b = { 0 };
	bool first = true;
	sb_add(&b, "", 0);
	while (name.len) {
		struct der rdn;
		if (der_expect(&name, 0x31, &rdn) < 0)
			goto bad;
		bool first_in_rdn = true;
		while (rdn.len) {
			struct der atv, oid, val;
			uint8_t vtag;
			if (der_expect(&rdn, 0x30, &atv) < 0 || der_expect(&atv, 0x06, &oid) < 0 ||
			    der_next(&atv, &vtag, &val) < 0)
				goto bad;
			char dotted[96];
			if (x509_oid_text(oid, dotted, sizeof(dotted)) < 0)
				goto bad;
			const char *an = dotted;
			for (size_t i = 0; i < sizeof(x509_attr_names) / sizeof(x509_attr_names[0]);
			     i++)
				if (strcmp(x509_attr_names[i].oid, dotted) == 0)
					an = x509_attr_names[i].name;
			if (!first)
				sb_puts(&b, first_in_rdn ? ", " : " + ");
			sb_puts(&b, an);
			sb_puts(&b, "=");
			x509_add_value(&b, vtag, val);
			first = false;
			first_in_rdn = false;
		}
	}
	if (b.failed)
		goto bad;
	*out = b.s;
	return 0;
bad:
	free(b.s);
	return -1;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const uint8_t *p, unsigned n, unsigned *out)
{
	unsigned v = 0;
	for (unsigned i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

/* UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) -> seconds since the epoch. */
static int x509_time(uint8_t tag, struct der t, int64_t *out)
{
	unsigned y, mo, d, h, mi, s = 0;
	const uint8_t *p = t.p;
	uint32_t yl = tag == 0x17 ? 2 : tag == 0x18 ? 4 : 0;
	if (!yl || t.len < yl + 8)
		return -1;
	if (digits(p, yl, &y) < 0 || digits(p + yl, 2, &mo) < 0 || digits(p + yl + 2, 2, &d) < 0 ||
	    digits(p + yl + 4, 2, &h) < 0 || digits(p + yl + 6, 2, &mi) < 0)
		return -1;
	if (t.len >= yl + 10 && digits(p + yl + 8, 2, &s) < 0)
		return -1;
	if (yl == 2)
		y += y < 50 ? 2000 : 1900;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}

/* extensions [3] EXPLICIT SEQUENCE OF Extension: keep the subjectAltName's dNSNames.
 * 0, -1 when malformed (what was kept stays), -2 on allocation failure. */
static int x509_sans(struct tls_cert *c, struct der tbs)
{
	static const uint8_t san_oid[] = { 0x55, 0x1d, 0x11 }; /* 2.5.29.17 */
	struct der el, exts, list;
	uint8_t tag = 0;
	while (tbs.len) {
		if (der_next(&tbs, &tag, &el) < 0)
			return -1;
		if (tag == 0xa3)
			break;
	}
	if (tag != 0xa3 || der_expect(&el, 0x30, &exts) < 0)
		return tag == 0xa3 ? -1 : 0;
	while (exts.len) {
		struct der ext, oid, val;
		if (der_expect(&exts, 0x30, &ext) < 0 || der_expect(&ext, 0x06, &oid) < 0)
			return -1;
		if (oid.len != sizeof(san_oid) || memcmp(oid.p, san_oid, sizeof(san_oid)) != 0)
			continue;
		if (ext.len && ext.p[0] == 0x01 && der_next(&ext, &tag, &val) < 0)
			return -1; /* critical flag */
		if (der_expect(&ext, 0x04, &val) < 0 || der_expect(&val, 0x30, &list) < 0)
			return -1;
		while (list.len && c->n_sans < TLS_MAX_SANS) {
			struct der name;
			if (der_next(&list, &tag, &name) < 0)
				return -1;
			if (tag != 0x82) /* dNSName [2] IA5String; other name forms are not logged */
				continue;
			if (!c->sans) {
				c->sans = calloc(TLS_MAX_SANS, sizeof(*c->sans));
				if (!c->sans)
					return -2;
			}
			struct tls_bytes *b = &c->sans[c->n_sans];
			b->p = malloc(name.len ? name.len : 1);
			if (!b->p)
				return -2;
			memcpy(b->p, name.p, name.len);
			b->len = name.len;
			c->n_sans++;
		}
		return 0;
	}
	return 0;
}

void tls_cert_clear(struct tls_cert *c)
{
	for (unsigned i = 0; i < c->n_sans; i++)
		free(c->sans[i].p);
	free(c->sans);
	free(c->der);
	free(c->subject);
	free(c->issuer);
	free(c->serial);
	memset(c, 0, sizeof(*c));
}

const char *tls_cert_fingerprint(const struct tls_cert *c)
{
	/* SHA-1 of the bytes as sent (even when they do not parse), computed on first use: most
	 * certificates are never asked for it (not logged by default, few rules), and hashing
	 * every one cost ~7% of a run with streams and app layer on. The cache is the only
	 * thing written through this const pointer. */
	char *fp = ((struct tls_cert *)c)->fingerprint;
	if (fp[0] || !c->der)
		return fp;
	uint8_t sha[UTIL_SHA1_LEN];
	util_sha1_digest(c->der, c->der_len, sha);
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < UTIL_SHA1_LEN; i++) {
		fp[3 * i] = hx[sha[i] >> 4];
		fp[3 * i + 1] = hx[sha[i] & 15];
		fp[3 * i + 2] = i + 1 < UTIL_SHA1_LEN ? ':' : '\0';
	}
	return fp;
}

int tls_x509_parse(struct tls_cert *c, const uint8_t *der, uint32_t len)
{
	struct der all = { der, len }, cert, tbs, tmp, serial, issuer, validity, subject;
	uint8_t tag;

	/* the fingerprint waits for its first reader (tls_cert_fingerprint) */
	c->fingerprint[0] = '\0';

	if (der_expect(&all, 0x30, &cert) < 0 || der_expect(&cert, 0x30, &tbs) < 0)
		return -1;
	if (tbs.len && tbs.p[0] == 0xa0 && der_next(&tbs, &tag, &tmp) < 0)
		return -1;
	if (der_expect(&tbs, 0x02, &serial) < 0 || serial.len == 0 || serial.len > 64)
		return -1;
	if (der_expect(&tbs, 0x30, &tmp) < 0 || der_expect(&tbs, 0x30, &issuer) < 0 ||
	    der_expect(&tbs, 0x30, &validity) < 0 || der_expect(&tbs, 0x30, &subject) < 0)
		return -1;
	struct der nb, na;
	uint8_t tnb, tna;
	if (der_next(&validity, &tnb, &nb) < 0 || der_next(&validity, &tna, &na) < 0 ||
	    x509_time(tnb, nb, &c->not_before) < 0 || x509_time(tna, na, &c->not_after) < 0)
		return -1;

	static const char HX[] = "0123456789ABCDEF";
	c->serial = malloc(serial.len * 3);
	if (!c->serial)
		return -2;
	for (uint32_t i = 0; i < serial.len; i++) {
		c->serial[3 * i] = HX[serial.p[i] >> 4];
		c->serial[3 * i + 1] = HX[serial.p[i] & 15];
		c->serial[3 * i + 2] = i + 1 < serial.len ? ':' : '\0';
	}
	if (x509_name_text(subject, &c->subject) < 0 ||
	    x509_name_text(issuer, &c->issuer) < 0)
		return -1;
	c->valid = true;
	/* a malformed extension block does not spoil what was read: names, validity, serial */
	return x509_sans(c, tbs) == -2 ? -2 : 0;
}
