/*
 * flow-hash.c — the flow key and the symmetric sharding hash.
 *
 * Both directions of a connection must land in the same bucket (and, for runmodes that shard by
 * flow_hash_packet(), on the same worker), so the two endpoints are put in a canonical order
 * before hashing: the endpoint with the lower (address, port) comes first.
 *
 * Keying follows Suricata: TCP, UDP and SCTP flows use addresses + ports + protocol; every other
 * protocol (ICMP included) uses addresses + protocol only, so an echo request and its reply —
 * which differ in ICMP type — are one flow. ICMP errors that quote another connection's header
 * are deliberately kept as their own ICMP flow between the two hosts (Suricata instead maps them
 * onto the quoted flow); that keeps this stage independent of the quoted-header decoding. VLAN ids
 * take part in the key (Suricata's vlan.use-for-tracking default), so the same tuple on two VLANs
 * is two flows; so does a tunnelled packet's depth (decoder.recursion-level.use-for-tracking).
 */
#include <string.h>

#include "flow/flow-internal.h"

/* Fixed seed for the sharding hash: it must be the same in every worker and every run. */
#define FLOW_SHARD_SEED 0x5bd1e995u

int flow_key_from_packet(const struct packet *p, struct flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = p->ip_version;
	k->proto = p->ip_proto;

	uint16_t sp = 0, dp = 0;
	if (flow_proto_has_ports(p->ip_proto)) {
		sp = p->sp;
		dp = p->dp;
	}

	int c = memcmp(p->src.b, p->dst.b, 16);
	int swapped = c > 0 || (c == 0 && sp > dp);
	if (!swapped) {
		memcpy(k->addr[0], p->src.b, 16);
		memcpy(k->addr[1], p->dst.b, 16);
		k->port[0] = sp;
		k->port[1] = dp;
	} else {
		memcpy(k->addr[0], p->dst.b, 16);
		memcpy(k->addr[1], p->src.b, 16);
		k->port[0] = dp;
		k->port[1] = sp;
	}

	unsigned nvlan = p->vlan_count < PKT_MAX_VLAN ? p->vlan_count : PKT_MAX_VLAN;
	k->vlan_count = (uint8_t)nvlan;
	for (unsigned i = 0; i < nvlan; i++)
		k->vlan[i] = p->vlan_id[i] & 0x0fff;
	k->depth = p->tunnel_depth;
	return swapped;
}

/*
 * The worker of a packet: its flow key without protocol and ports, i.e. the address pair (and
 * VLANs; the outermost pair for a tunnelled packet). IP fragments are reassembled in the
 * workers, and only a datagram's first fragment carries the ports (an IPv6 fragment's protocol
 * may read as the fragment header): a hash over ports would send the other fragments to another
 * worker, where neither half reassembles, and a flow whose datagrams are sometimes fragmented (a
 * DNS response) would be split in two.
 */
uint32_t flow_hash_packet(const struct packet *p)
{
	struct flow_key k;
	flow_key_from_packet(p, &k);
	if (p->flags & PKT_F_TUNNELED) {
		/* A tunnelled packet goes by its outermost address pair: the tunnel's own flow and
		 * every flow inside it (and their fragments) then meet in one worker. */
		int c = memcmp(p->outer_src.b, p->outer_dst.b, 16);
		memcpy(k.addr[0], c <= 0 ? p->outer_src.b : p->outer_dst.b, 16);
		memcpy(k.addr[1], c <= 0 ? p->outer_dst.b : p->outer_src.b, 16);
		k.family = p->outer_src.family;
		k.depth = 0;
	}
	k.proto = 0;
	k.port[0] = k.port[1] = 0;
	return util_hash32(&k, sizeof(k), FLOW_SHARD_SEED);
}
