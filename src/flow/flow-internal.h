/*
 * flow-internal.h — what the flow stage's own files share and nobody else sees: the packed,
 * direction-independent lookup key, the table entry that wraps a public `struct flow`, the table
 * itself, and the TCP state machine's entry points.
 */
#ifndef AEGIS_FLOW_INTERNAL_H
#define AEGIS_FLOW_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "flow/flow.h"

/*
 * Lookup key: the two endpoints in canonical order (lower address/port first), so both
 * directions of a flow produce identical bytes. Laid out without implicit padding and always
 * zeroed first, so memcmp over the whole struct is a valid equality test.
 */
struct flow_key {
	uint8_t addr[2][16];
	uint16_t port[2]; /* 0 for protocols without ports (ICMP, GRE, ...) */
	uint8_t family;   /* 4 or 6 */
	uint8_t proto;
	uint8_t vlan_count;
	uint8_t depth; /* tunnel depth: the same tuple inside and outside a tunnel is two flows
			* (Suricata's decoder.recursion-level.use-for-tracking default) */
	uint16_t vlan[PKT_MAX_VLAN];
	uint16_t pad1;
};
_Static_assert(sizeof(struct flow_key) == 48, "flow_key must have no hidden padding");

/* TCP teardown bookkeeping the public struct has no room for. */
struct flow_tcp_priv {
	uint8_t fin_seen[2];  /* indexed by FLOW_DIR_*: that side sent a FIN */
	uint8_t fin_acked[2]; /* that side's FIN was acknowledged by the peer */
	int8_t closer;        /* side that sent the first FIN, -1 while none */
	uint16_t syn_len;     /* payload of the client's SYN (TCP Fast Open) */
	uint8_t whs4;         /* split handshake: the server sent a SYN, the client the SYN/ACK */
};

/*
 * One slot of the table. The key comes first and the public flow right after it, so a chain walk
 * (key, f.hash_next, f.hash) touches the entry's first two cache lines only.
 */
struct flow_entry {
	struct flow_key key;
	uint64_t queued_usec; /* packet time the flow was last put at its LRU list's head */
	struct flow_tcp_priv tcp;
	uint8_t lru_idx; /* which LRU list the flow sits on (proto class x state) */
	struct flow f;
};

static inline struct flow_entry *flow_entry_of(struct flow *f)
{
	return (struct flow_entry *)((char *)f - offsetof(struct flow_entry, f));
}

/* Ports only mean something for these transports; others are keyed by addresses + proto. */
static inline int flow_proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132; /* TCP, UDP, SCTP */
}

/*
 * Fill `k` from a decoded packet. Returns 1 if the packet's source is the key's second endpoint
 * (i.e. the canonical order swapped the packet's src/dst), else 0.
 */
int flow_key_from_packet(const struct packet *p, struct flow_key *k);

/*
 * TCP state machine (tcp-state.c). `dir` is the packet's direction relative to the flow and may
 * change when the flow's client/server roles are swapped (SYN/ACK seen first). Updates f->state
 * to match f->tcp_state and counts sessions/midstream/invalid packets in `st`.
 */
void flow_tcp_handle_packet(struct flow_entry *e, const struct packet *p, uint8_t *dir,
			    bool midstream, struct flow_stats *st);
/* True if packet `p` (direction `dir`) is a SYN that starts a new session on a closed one. */
bool flow_tcp_is_reuse(const struct flow_entry *e, const struct packet *p, uint8_t dir);
/* Exchange the client and server sides of a flow (addresses, ports, per-direction counters). */
void flow_swap_sides(struct flow_entry *e);

#endif /* AEGIS_FLOW_INTERNAL_H */
