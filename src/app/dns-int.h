/*
 * dns-int.h — the DNS parser's internals shared with its tests and fuzz target only: the name
 * reader and the one-message parser, which work on a buffer without any flow or transaction.
 */
#ifndef AEGIS_DNS_INT_H
#define AEGIS_DNS_INT_H

#include "app/app.h"

/* dns_name_read findings */
#define DNS_NAME_F_LOOP            0x01 /* too many compression pointers: cut there */
#define DNS_NAME_F_TOO_LONG        0x02 /* longer than DNS_MAX_NAME_LEN: cut */
#define DNS_NAME_F_TOO_MANY_LABELS 0x04 /* more than DNS_MAX_LABELS labels: cut */

/*
 * Read the (possibly compressed) name at msg[off] into out (DNS_MAX_NAME_LEN bytes): labels
 * joined by '.', no trailing dot. *next is the offset after the name in the message (after its
 * first pointer when compressed). Returns 0 (findings in *findings), -1 when the name runs off
 * the message or uses a reserved label type.
 */
int dns_name_read(const uint8_t *msg, uint32_t len, uint32_t off, uint8_t *out, uint32_t *out_len,
		  uint32_t *next, unsigned *findings);

/* dns_parse_result.events */
#define DNS_EV_MALFORMED           0x0001
#define DNS_EV_NOT_REQUEST         0x0002
#define DNS_EV_NOT_RESPONSE        0x0004
#define DNS_EV_Z_FLAG              0x0008
#define DNS_EV_INVALID_OPCODE      0x0010
#define DNS_EV_NAME_TOO_LONG       0x0020
#define DNS_EV_INFINITE_LOOP       0x0040
#define DNS_EV_TOO_MANY_LABELS     0x0080
#define DNS_EV_INVALID_ADDITIONALS 0x0100
#define DNS_EV_INVALID_AUTHORITIES 0x0200

struct dns_parse_result {
	unsigned events;               /* DNS_EV_* found in names and records */
	uint32_t consumed;             /* bytes parsed (up to the error) */
	uint8_t bad_section;           /* enum dns_section of a malformed record */
};

/*
 * Parse one DNS message (without TCP length prefix) into msg, storing names and data in t's
 * arena (t NULL: validate only, nothing stored). Entries parsed before an error are kept.
 * Returns 0, -1 if malformed (DNS_EV_MALFORMED set), -2 on allocation failure.
 */
int dns_parse_message(struct dns_parse_result *res, struct dns_tx *t, struct dns_msg *msg,
		      const uint8_t *data, uint32_t len);

#endif /* AEGIS_DNS_INT_H */
