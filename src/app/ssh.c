/*
 * ssh.c — the SSH parser: detection by the "SSH-" identification string that either side
 * sends first (RFC 4253 4.2), each side's identification line (protocol and software version,
 * EVE's ssh.client / ssh.server and the ssh.proto / ssh.software buffers), then the binary
 * packets' framing in the clear until the side's SSH_MSG_NEWKEYS, after which its bytes are
 * encrypted and only skipped.
 *
 * One transaction per flow (struct ssh_tx), as Suricata: complete, and logged, once both
 * identification lines are known. Memory is fixed per flow: a side keeps one line of at most
 * SSH_BANNER_MAX bytes (a longer one is cut: ssh.long_banner) and one packet header.
 */
#include <stdlib.h>
#include <string.h>

#include "app/app-int.h"

#define SSH_MSG_NEWKEYS      21
#define SSH_RECORD_MAX       (256 * 1024) /* a packet_length beyond this is not SSH framing */
#define SSH_PREFIX           "SSH-"
#define SSH_PREFIX_LEN       4
#define SSH_MAX_LINES        16 /* lines a server may send before its identification */

enum ssh_dir_state {
	SSH_BANNER = 0,   /* collecting the identification line */
	SSH_RECORDS,      /* binary packets in the clear */
	SSH_ENCRYPTED,    /* NEWKEYS seen: nothing more to read on this side */
	SSH_DEAD,         /* not SSH: ignore the rest of the side */
};

struct ssh_dir {
	uint8_t state;                /* enum ssh_dir_state */
	bool long_line;               /* the line went over SSH_BANNER_MAX: cut, rest skipped */
	uint8_t lines;                /* lines before the identification (server side) */
	uint8_t hdr[6];               /* packet_length (4), padding_length, message code */
	uint8_t hdr_have;
	uint32_t skip;                /* bytes of the current packet still to skip */
	struct ssh_banner line;       /* the line being collected (copied to the tx when done) */
};

struct ssh_parser {
	struct ssh_dir d[2];
	struct app_tx *tx;            /* NULL once complete (the core frees it) */
	struct ssh_tx *st;
	bool done;
};

/* ---- probe ----------------------------------------------------------------------------------- */

static enum app_probe ssh_probe(const uint8_t *data, uint32_t len, uint8_t dir, uint8_t ip_proto)
{
	(void)dir;
	(void)ip_proto;
	uint32_t n = len < SSH_PREFIX_LEN ? len : SSH_PREFIX_LEN;
	if (memcmp(data, SSH_PREFIX, n) != 0)
		return APP_PROBE_NOMATCH;
	return n < SSH_PREFIX_LEN ? APP_PROBE_NEED_MORE : APP_PROBE_MATCH;
}

/* ---- identification line ------------------------------------------------------------------- */

/*
 * "SSH-protoversion-softwareversion[ SP comments]": locate the two versions. 0, or -1 when the
 * line is not an identification string (no "SSH-", empty versions).
 */
int ssh_banner_parse(struct ssh_banner *b)
{
	const uint8_t *l = b->line;
	uint16_t n = b->len;
	if (n < SSH_PREFIX_LEN || memcmp(l, SSH_PREFIX, SSH_PREFIX_LEN) != 0)
		return -1;
	uint16_t i = SSH_PREFIX_LEN;
	while (i < n && l[i] != '-' && l[i] != ' ')
		i++;
	if (i == SSH_PREFIX_LEN || i >= n || l[i] != '-')
		return -1;
	b->proto_off = SSH_PREFIX_LEN;
	b->proto_len = (uint16_t)(i - SSH_PREFIX_LEN);
	uint16_t s = (uint16_t)(i + 1), e = s;
	while (e < n && l[e] != ' ')
		e++;
	if (e == s)
		return -1;
	b->soft_off = s;
	b->soft_len = (uint16_t)(e - s);
	b->done = true;
	return 0;
}

/* The session's transaction, created on first need; NULL once complete or on failure. */
static struct ssh_tx *ssh_tx_get(struct app_parse_ctx *pc, struct ssh_parser *sp)
{
	if (sp->st || sp->done)
		return sp->st;
	struct ssh_tx *st = calloc(1, sizeof(*st));
	if (!st) {
		app_parser_error(pc, APP_ERR_ALLOC);
		return NULL;
	}
	struct app_tx *tx = app_tx_new(pc, st);
	if (!tx) {
		free(st);
		return NULL;
	}
	sp->tx = tx;
	sp->st = st;
	return st;
}

/* Both identification lines known (or the flow ends): the session is logged. */
static void ssh_session_done(struct app_parse_ctx *pc, struct ssh_parser *sp)
{
	if (!sp->tx)
		return;
	app_tx_set_complete(pc, sp->tx, FLOW_DIR_TO_SERVER);
	app_tx_set_complete(pc, sp->tx, FLOW_DIR_TO_CLIENT);
	sp->tx = NULL;
	sp->st = NULL;
	sp->done = true;
}

/* A whole line of side `dir` arrived (without CR LF, cut at SSH_BANNER_MAX). */
static void ssh_line_done(struct app_parse_ctx *pc, struct ssh_parser *sp, uint8_t dir)
{
	struct ssh_dir *d = &sp->d[dir];
	struct ssh_tx *st = ssh_tx_get(pc, sp);
	bool prefix = d->line.len >= SSH_PREFIX_LEN &&
		      memcmp(d->line.line, SSH_PREFIX, SSH_PREFIX_LEN) == 0;
	if (d->long_line)
		app_event_raise(pc, sp->tx, APP_EVENT_SSH_LONG_BANNER);
	d->long_line = false;
	/* RFC 4253 4.2: the server may send other lines first; the client may not */
	if (!prefix && dir == FLOW_DIR_TO_CLIENT && ++d->lines < SSH_MAX_LINES) {
		d->line.len = 0;
		return;
	}
	if (ssh_banner_parse(&d->line) < 0) {
		app_event_raise(pc, sp->tx, APP_EVENT_SSH_INVALID_BANNER);
		app_parser_error(pc, APP_ERR_PARSER);
		d->state = SSH_DEAD;
		return;
	}
	d->state = SSH_RECORDS;
	if (!st)
		return;
	st->side[dir] = d->line;
	app_tx_touch(pc, sp->tx);
	if (st->side[dir ^ 1].done)
		ssh_session_done(pc, sp);
}

/* Collect the identification line; returns the bytes used. */
static uint32_t ssh_parse_banner(struct app_parse_ctx *pc, struct ssh_parser *sp, uint8_t dir,
				 const uint8_t *data, uint32_t len)
{
	struct ssh_dir *d = &sp->d[dir];
	const uint8_t *nl = memchr(data, '\n', len);
	uint32_t take = nl ? (uint32_t)(nl - data) : len;
	uint32_t room = SSH_BANNER_MAX - d->line.len;
	uint32_t copy = take < room ? take : room;
	memcpy(d->line.line + d->line.len, data, copy);
	d->line.len = (uint16_t)(d->line.len + copy);
	if (take > room)
		d->long_line = true;
	if (!nl)
		return len;
	if (d->line.len && d->line.line[d->line.len - 1] == '\r' && !d->long_line)
		d->line.len--;
	ssh_line_done(pc, sp, dir);
	return take + 1;
}

/* A side announced protocol 1.x (not "1.99", which means "2.0 and 1.x"): the session speaks
 * SSH-1, whose packets are framed otherwise. */
static bool ssh_side_v1(const struct ssh_banner *b)
{
	const uint8_t *v = b->line + b->proto_off;
	return b->done && b->proto_len >= 2 && v[0] == '1' && v[1] == '.' &&
	       !(b->proto_len == 4 && memcmp(v, "1.99", 4) == 0);
}

/* Walk the binary packets (RFC 4253 6) until the side's NEWKEYS; returns the bytes used. */
static uint32_t ssh_parse_records(struct app_parse_ctx *pc, struct ssh_parser *sp, uint8_t dir,
				  const uint8_t *data, uint32_t len)
{
	struct ssh_dir *d = &sp->d[dir];
	if (ssh_side_v1(&sp->d[0].line) || ssh_side_v1(&sp->d[1].line)) {
		/* SSH-1 framing is not followed: the rest of the side is only skipped */
		d->state = SSH_ENCRYPTED;
		return len;
	}
	if (d->skip) {
		uint32_t n = len < d->skip ? len : d->skip;
		d->skip -= n;
		return n;
	}
	uint32_t n = sizeof(d->hdr) - d->hdr_have;
	if (n > len)
		n = len;
	memcpy(d->hdr + d->hdr_have, data, n);
	d->hdr_have = (uint8_t)(d->hdr_have + n);
	if (d->hdr_have < sizeof(d->hdr))
		return n;
	d->hdr_have = 0;
	uint32_t plen = (uint32_t)d->hdr[0] << 24 | (uint32_t)d->hdr[1] << 16 |
			(uint32_t)d->hdr[2] << 8 | d->hdr[3];
	if (plen < 2 || plen > SSH_RECORD_MAX) {
		app_event_raise(pc, sp->tx, APP_EVENT_SSH_INVALID_RECORD_LENGTH);
		app_parser_error(pc, APP_ERR_PARSER);
		d->state = SSH_DEAD;
		return n;
	}
	/* the packet_length field counts what follows it: padding_length and the message code
	 * are read already */
	d->skip = plen - 2;
	if (d->hdr[5] == SSH_MSG_NEWKEYS)
		d->state = SSH_ENCRYPTED;
	return n;
}

static int ssh_parse(struct app_parse_ctx *pc, void *state, uint8_t dir, const uint8_t *data,
		     uint32_t len, uint32_t flags)
{
	struct ssh_parser *sp = state;
	struct ssh_dir *d = &sp->d[dir & 1];
	dir &= 1;
	if ((flags & APP_F_GAP) && d->state != SSH_ENCRYPTED) {
		/* framing cannot be found again after lost bytes */
		app_parser_error(pc, APP_ERR_GAP);
		d->state = SSH_DEAD;
	}
	uint32_t off = 0;
	while (off < len && (d->state == SSH_BANNER || d->state == SSH_RECORDS)) {
		uint32_t used = d->state == SSH_BANNER
					? ssh_parse_banner(pc, sp, dir, data + off, len - off)
					: ssh_parse_records(pc, sp, dir, data + off, len - off);
		off += used;
	}
	if ((flags & APP_F_EOF) && d->state == SSH_BANNER) {
		if (d->line.len)
			ssh_line_done(pc, sp, dir); /* a last line without LF */
		if (d->state == SSH_BANNER)
			d->state = SSH_DEAD;
	}
	return 0;
}

/* ---- state ----------------------------------------------------------------------------------- */

static void *ssh_state_new(struct app_parse_ctx *pc)
{
	(void)pc;
	return calloc(1, sizeof(struct ssh_parser));
}

static void ssh_state_free(void *p)
{
	free(p);
}

static void ssh_tx_free(void *p)
{
	free(p);
}

/* ---- sticky buffers -------------------------------------------------------------------------- */

/* ssh.proto / ssh.software: the identification line of the inspected direction's side. */
static int ssh_get_buffer(const struct app_tx *tx, enum app_buffer b, uint8_t dir, uint32_t index,
			  const uint8_t **data, uint32_t *len)
{
	const struct ssh_tx *st = tx->proto_tx;
	const struct ssh_banner *s = &st->side[dir & 1];
	if (index > 0 || !s->done)
		return -1;
	switch (b) {
	case APP_BUF_SSH_PROTO:
		*data = s->line + s->proto_off;
		*len = s->proto_len;
		return 0;
	case APP_BUF_SSH_SOFTWARE:
		*data = s->line + s->soft_off;
		*len = s->soft_len;
		return 0;
	default:
		return -1;
	}
}

const struct app_parser app_parser_ssh = {
	.proto = APP_PROTO_SSH,
	.name = "ssh",
	.ipprotos = APP_IPPROTO_TCP,
	.flags = APP_PARSER_F_STATE_TX,
	.default_ports = { 22 },
	.probe = ssh_probe,
	.state_new = ssh_state_new,
	.state_free = ssh_state_free,
	.parse = ssh_parse,
	.tx_free = ssh_tx_free,
	.get_buffer = ssh_get_buffer,
};
