/*
 * defrag.c — IPv4 and IPv6 fragment reassembly.
 *
 * A tracker holds the fragments of one datagram, keyed as the receiving host keys them: IPv4 by
 * (src, dst, protocol, id), IPv6 by (src, dst, fragment-header id), both also by VLAN ids so
 * identical addresses in different VLANs never mix. A tracker keeps its bytes as a sorted list
 * of non-overlapping pieces; a fragment overlapping bytes already held is resolved byte range by
 * byte range with the overlap policy of the destination host (host-os-policy, see policy.c), so
 * the datagram we rebuild is the one that host would see. When the pieces cover [0, end of the
 * last fragment) the datagram is rebuilt with the first fragment's header — IPv4 with total
 * length, flags/offset and checksum corrected, IPv6 without the fragment header — for the caller
 * to decode again as LINKTYPE_RAW. The first fragment's link header (Ethernet, VLAN tags, PPP...)
 * is kept too and put right before the datagram, so the rebuilt packet can show the frame
 * Suricata logs for it (defrag_last_link_len). Defrag's anomalies are also set as decoder
 * events on the fragment, where Suricata raises them.
 *
 * Bounded: defrag.trackers datagrams, defrag.max-frags pieces, defrag.memcap bytes (trackers,
 * headers and piece data); a fragment that does not fit is dropped and counted. Trackers idle
 * for defrag.timeout (packet time) are dropped lazily as fragments arrive and by defrag_expire.
 */
#include <stdlib.h>
#include <string.h>

#include "stream/stream-int.h"

#define IPV4_MAX_LEN 65535u
#define IPV6_MAX_PLEN 65535u
#define IPV6_HDR_LEN 40u
#define IPV6_FRAG_HDR_LEN 8u
#define LAZY_EXPIRE_MAX 8 /* trackers checked for timeout per fragment */
#define DEFRAG_LINK_HDR_MAX 64 /* link headers (Ethernet + VLANs, SLL2, PPP...) kept up to */

struct frag_piece {
	struct frag_piece *next;
	uint32_t start, end;           /* byte range of the fragmentable part */
	uint32_t orig_start, orig_end; /* the fragment that first put these bytes here */
	uint8_t data[];
};

struct frag_key {
	struct ip_addr src, dst;
	uint32_t id;
	uint16_t vlan[PKT_MAX_VLAN];
	uint8_t family;
	uint8_t proto; /* IPv4 only: IPv6 reassembles across upper-layer headers */
};

struct frag_tracker {
	struct frag_tracker *hnext;
	struct frag_tracker *lru_prev, *lru_next; /* lru_prev = more recently used */
	struct frag_key key;
	uint32_t bucket;
	uint64_t last_usec;
	enum stream_policy policy;
	struct frag_piece *pieces;
	uint32_t npieces;
	uint32_t end;      /* datagram length once the last fragment was seen */
	bool have_last;
	uint8_t *hdr;      /* first fragment's link header, then its IPv4 header / IPv6
			    * unfragmentable part */
	uint16_t hdr_len;  /* the IP part of hdr */
	uint8_t link_len;  /* the link header part of hdr (0: none kept) */
	uint16_t prev_nh_off; /* IPv6: where in hdr the next-header byte naming the frag header is */
	uint8_t frag_nh;      /* IPv6: next header carried in the frag header */
	uint64_t mem;
};

struct defrag_table {
	struct defrag_config cfg;
	struct frag_tracker **buckets;
	uint32_t nbuckets;
	struct frag_tracker *lru_head, *lru_tail;
	struct defrag_stats st;
	uint8_t *out;
	uint32_t out_cap;
	uint8_t n_events;
	uint16_t events[STREAM_PKT_MAX_EVENTS];
	uint32_t out_link_len; /* link header bytes before the last datagram in out */
	struct packet *cur;    /* the fragment being handled: its events are set here */
	uint32_t seed;
};

/* What one fragment says about itself, parsed from its headers. */
struct frag_info {
	struct frag_key key;
	uint32_t off;      /* bytes */
	bool mf;
	const uint8_t *data;
	uint32_t len;
	const uint8_t *hdr; /* bytes before the fragmentable part */
	uint16_t hdr_len;
	uint16_t prev_nh_off;
	uint8_t frag_nh;
};

void defrag_config_defaults(struct defrag_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memcap = 32ull << 20;
	cfg->timeout_s = 60;
	cfg->max_frags = 65535;
	cfg->trackers = 65535;
	cfg->hash_size = 65536;
	cfg->prealloc = true;
	cfg->policy = STREAM_POLICY_BSD;
}

struct defrag_table *defrag_table_create(const struct defrag_config *cfg)
{
	struct defrag_table *dt = calloc(1, sizeof(*dt));
	if (!dt) {
		log_error("defrag: out of memory creating the fragment table");
		return NULL;
	}
	dt->cfg = *cfg;
	dt->nbuckets = cfg->hash_size ? cfg->hash_size : 1;
	dt->buckets = calloc(dt->nbuckets, sizeof(*dt->buckets));
	if (!dt->buckets) {
		log_error("defrag: out of memory for %u hash buckets", dt->nbuckets);
		free(dt);
		return NULL;
	}
	dt->seed = 0x5eedf4a9u;
	return dt;
}

/* The decoder event Suricata raises for a defrag event (they are decoder events there). */
static enum decode_event defrag_decode_event(enum stream_event ev)
{
	switch (ev) {
	case STREAM_EVENT_DEFRAG_IPV4_FRAG_OVERLAP: return DECODE_EVENT_IPV4_FRAG_OVERLAP;
	case STREAM_EVENT_DEFRAG_IPV4_FRAG_TOO_LARGE: return DECODE_EVENT_IPV4_FRAG_PKT_TOO_LARGE;
	case STREAM_EVENT_DEFRAG_IPV4_FRAG_IGNORED: return DECODE_EVENT_IPV4_FRAG_IGNORED;
	case STREAM_EVENT_DEFRAG_IPV6_FRAG_OVERLAP: return DECODE_EVENT_IPV6_FRAG_OVERLAP;
	case STREAM_EVENT_DEFRAG_IPV6_FRAG_TOO_LARGE: return DECODE_EVENT_IPV6_FRAG_PKT_TOO_LARGE;
	case STREAM_EVENT_DEFRAG_IPV6_FRAG_IGNORED: return DECODE_EVENT_IPV6_FRAG_IGNORED;
	default: return DECODE_EVENT_NONE;
	}
}

/* Raise `ev` for the fragment being handled: in the table's list (defrag_last_events, for the
 * caller's anomaly records) and among the fragment's decoder events, so `decode-event:` rules
 * see it as in Suricata. The decoder's counters are not touched (defrag counts its own). */
static void event(struct defrag_table *dt, enum stream_event ev)
{
	stream_event_add(dt->events, &dt->n_events, dt->st.events, ev);
	struct packet *p = dt->cur;
	enum decode_event de = defrag_decode_event(ev);
	if (p && de != DECODE_EVENT_NONE && p->event_count < PKT_MAX_EVENTS)
		p->events[p->event_count++] = (uint16_t)de;
}

static void lru_unlink(struct defrag_table *dt, struct frag_tracker *t)
{
	if (t->lru_prev)
		t->lru_prev->lru_next = t->lru_next;
	else
		dt->lru_head = t->lru_next;
	if (t->lru_next)
		t->lru_next->lru_prev = t->lru_prev;
	else
		dt->lru_tail = t->lru_prev;
	t->lru_prev = t->lru_next = NULL;
}

static void lru_push_head(struct defrag_table *dt, struct frag_tracker *t)
{
	t->lru_prev = NULL;
	t->lru_next = dt->lru_head;
	if (dt->lru_head)
		dt->lru_head->lru_prev = t;
	dt->lru_head = t;
	if (!dt->lru_tail)
		dt->lru_tail = t;
}

static void tracker_free(struct defrag_table *dt, struct frag_tracker *t)
{
	struct frag_tracker **pp = &dt->buckets[t->bucket];
	while (*pp && *pp != t)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = t->hnext;
	lru_unlink(dt, t);
	struct frag_piece *pc = t->pieces;
	while (pc) {
		struct frag_piece *n = pc->next;
		free(pc);
		pc = n;
	}
	dt->st.frags_held -= t->npieces;
	dt->st.memuse -= t->mem;
	dt->st.trackers_active--;
	free(t->hdr);
	free(t);
}

void defrag_table_destroy(struct defrag_table *dt)
{
	if (!dt)
		return;
	while (dt->lru_head)
		tracker_free(dt, dt->lru_head);
	free(dt->buckets);
	free(dt->out);
	free(dt);
}

void defrag_get_stats(const struct defrag_table *dt, struct defrag_stats *out)
{
	*out = dt->st;
}

uint32_t defrag_last_link_len(const struct defrag_table *dt)
{
	return dt->out_link_len;
}

unsigned defrag_last_events(const struct defrag_table *dt, const uint16_t **ev)
{
	*ev = dt->events;
	return dt->n_events;
}

static bool tracker_expired(const struct defrag_table *dt, const struct frag_tracker *t,
			    uint64_t now)
{
	return now > t->last_usec && now - t->last_usec > (uint64_t)dt->cfg.timeout_s * USEC_PER_SEC;
}

unsigned defrag_expire(struct defrag_table *dt, uint64_t now_usec)
{
	unsigned n = 0;
	while (dt->lru_tail && tracker_expired(dt, dt->lru_tail, now_usec)) {
		tracker_free(dt, dt->lru_tail);
		dt->st.timeouts++;
		n++;
	}
	return n;
}

/* ---- parsing one fragment ------------------------------------------------------------------ */

static int parse_ipv4(const struct packet *p, uint32_t avail, struct frag_info *fi)
{
	if (p->ip_hlen < 20 || p->ip_len < p->ip_hlen || p->ip_len > avail)
		return -1;
	/* the decoder clamps ip_len to what was captured: a truncated fragment is not usable */
	uint32_t hdr_total = ((uint32_t)p->ip_hdr[2] << 8) | p->ip_hdr[3];
	if (hdr_total != p->ip_len)
		return -1;
	fi->key.family = 4;
	fi->key.proto = p->ip_proto;
	fi->key.id = p->ip_id & 0xffff;
	fi->off = (uint32_t)p->ip_frag_offset * 8u;
	fi->mf = (p->ip_frag_flags & IP_FRAG_MF) != 0;
	fi->hdr = p->ip_hdr;
	fi->hdr_len = p->ip_hlen;
	fi->data = p->ip_hdr + p->ip_hlen;
	fi->len = p->ip_len - p->ip_hlen;
	return 0;
}

/* Walk the IPv6 extension headers that may precede a fragment header to find it. */
static int parse_ipv6(const struct packet *p, uint32_t avail, struct frag_info *fi)
{
	const uint8_t *h = p->ip_hdr;
	if (avail < IPV6_HDR_LEN)
		return -1;
	uint32_t plen = ((uint32_t)h[4] << 8) | h[5];
	uint32_t total = IPV6_HDR_LEN + plen;
	if (plen == 0 || total > avail)
		return -1;
	uint8_t nh = h[6];
	uint32_t off = IPV6_HDR_LEN, prev = 6;
	for (int i = 0; i < 8 && nh != 44; i++) {
		if (nh != 0 && nh != 43 && nh != 60)
			return -1; /* no fragment header in the unfragmentable part */
		if (off + 2 > total)
			return -1;
		uint32_t l = ((uint32_t)h[off + 1] + 1) * 8;
		if (off + l > total)
			return -1;
		prev = off;
		nh = h[off];
		off += l;
	}
	if (nh != 44 || off + IPV6_FRAG_HDR_LEN > total)
		return -1;
	const uint8_t *fh = h + off;
	fi->key.family = 6;
	fi->key.proto = 0;
	fi->key.id = ((uint32_t)fh[4] << 24) | ((uint32_t)fh[5] << 16) | ((uint32_t)fh[6] << 8) |
		     fh[7];
	fi->off = (((uint32_t)fh[2] << 8) | fh[3]) & 0xfff8u;
	fi->mf = (fh[3] & 1) != 0;
	fi->frag_nh = fh[0];
	fi->hdr = h;
	fi->hdr_len = (uint16_t)off;
	fi->prev_nh_off = (uint16_t)prev;
	fi->data = fh + IPV6_FRAG_HDR_LEN;
	fi->len = total - off - IPV6_FRAG_HDR_LEN;
	return 0;
}

/* ---- trackers ------------------------------------------------------------------------------ */

static uint32_t key_bucket(const struct defrag_table *dt, const struct frag_key *k)
{
	return util_hash32(k, sizeof(*k), dt->seed) % dt->nbuckets;
}

static struct frag_tracker *tracker_find(struct defrag_table *dt, const struct frag_key *k,
					 uint32_t b)
{
	for (struct frag_tracker *t = dt->buckets[b]; t; t = t->hnext)
		if (memcmp(&t->key, k, sizeof(*k)) == 0)
			return t;
	return NULL;
}

static struct frag_tracker *tracker_new(struct defrag_table *dt, const struct frag_info *fi,
					const struct packet *p, uint32_t b)
{
	if (dt->st.trackers_active >= dt->cfg.trackers) {
		dt->st.tracker_drops++;
		return NULL;
	}
	if (dt->st.memuse + sizeof(struct frag_tracker) > dt->cfg.memcap) {
		dt->st.memcap_drops++;
		return NULL;
	}
	struct frag_tracker *t = calloc(1, sizeof(*t));
	if (!t) {
		dt->st.memcap_drops++;
		return NULL;
	}
	t->key = fi->key;
	t->bucket = b;
	t->policy = stream_host_os_lookup(&dt->cfg.hosts, &p->dst, dt->cfg.policy);
	t->mem = sizeof(*t);
	t->hnext = dt->buckets[b];
	dt->buckets[b] = t;
	lru_push_head(dt, t);
	dt->st.memuse += t->mem;
	dt->st.trackers_active++;
	return t;
}

static struct frag_piece *piece_new(uint32_t start, uint32_t end, const struct frag_info *fi)
{
	struct frag_piece *pc = malloc(sizeof(*pc) + (end - start));
	if (!pc)
		return NULL;
	pc->next = NULL;
	pc->start = start;
	pc->end = end;
	pc->orig_start = fi->off;
	pc->orig_end = fi->off + fi->len;
	memcpy(pc->data, fi->data + (start - fi->off), end - start);
	return pc;
}

/*
 * Put the new fragment's bytes into the tracker. Ranges nobody holds yet become new pieces;
 * ranges an earlier fragment holds go to whichever the policy prefers. Limits are checked
 * before anything changes so a refused fragment leaves the tracker as it was.
 * Returns 0, or -1 when refused (counted).
 */
static int tracker_insert(struct defrag_table *dt, struct frag_tracker *t,
			  const struct frag_info *fi, bool *overlap)
{
	uint32_t ns = fi->off, ne = fi->off + fi->len;
	if (t->have_last && ne > t->end)
		ne = t->end; /* bytes past the datagram's end are discarded */
	*overlap = false;
	if (ns >= ne)
		return 0;

	/* pass 1: count the uncovered ranges and their bytes */
	uint32_t new_pieces = 0;
	uint64_t new_bytes = 0;
	uint32_t cur = ns;
	for (struct frag_piece *pc = t->pieces; pc && pc->start < ne; pc = pc->next) {
		if (pc->end <= cur)
			continue;
		if (pc->start > cur) {
			new_pieces++;
			new_bytes += pc->start - cur;
		}
		*overlap = true;
		cur = pc->end;
	}
	if (cur < ne) {
		new_pieces++;
		new_bytes += ne - cur;
	}
	if (dt->st.frags_held + new_pieces > dt->cfg.max_frags) {
		dt->st.max_frag_hits++;
		return -1;
	}
	uint64_t need = new_bytes + (uint64_t)new_pieces * sizeof(struct frag_piece);
	if (dt->st.memuse + need > dt->cfg.memcap) {
		dt->st.memcap_drops++;
		return -1;
	}

	/* pass 2: resolve overlaps and link the new pieces in order */
	struct frag_piece **link = &t->pieces;
	cur = ns;
	while (cur < ne) {
		struct frag_piece *pc = *link;
		if (pc && pc->end <= cur) {
			link = &pc->next;
			continue;
		}
		if (!pc || pc->start >= ne || pc->start > cur) {
			uint32_t stop = (pc && pc->start < ne) ? pc->start : ne;
			struct frag_piece *np = piece_new(cur, stop, fi);
			if (!np) {
				/* earlier pieces of this fragment stay: they are valid data */
				dt->st.memcap_drops++;
				return -1;
			}
			np->next = pc;
			*link = np;
			link = &np->next;
			t->npieces++;
			dt->st.frags_held++;
			t->mem += sizeof(*np) + (stop - cur);
			dt->st.memuse += sizeof(*np) + (stop - cur);
			cur = stop;
			continue;
		}
		/* pc overlaps [cur, ...) */
		uint32_t os = cur > pc->start ? cur : pc->start;
		uint32_t oe = ne < pc->end ? ne : pc->end;
		if (stream_defrag_new_wins(t->policy, fi->off, fi->off + fi->len, pc->orig_start,
					   pc->orig_end))
			memcpy(pc->data + (os - pc->start), fi->data + (os - fi->off), oe - os);
		cur = oe;
		link = &pc->next;
	}
	return 0;
}

/* Drop pieces (or their tails) past the datagram end the last fragment announced. */
static void tracker_trim(struct defrag_table *dt, struct frag_tracker *t)
{
	struct frag_piece **link = &t->pieces;
	while (*link) {
		struct frag_piece *pc = *link;
		if (pc->start >= t->end) {
			*link = pc->next;
			t->mem -= sizeof(*pc) + (pc->end - pc->start);
			dt->st.memuse -= sizeof(*pc) + (pc->end - pc->start);
			t->npieces--;
			dt->st.frags_held--;
			free(pc);
			continue;
		}
		if (pc->end > t->end)
			pc->end = t->end; /* the tail bytes stay allocated until the tracker goes */
		link = &pc->next;
	}
}

static bool tracker_complete(const struct frag_tracker *t)
{
	if (!t->have_last || !t->hdr)
		return false;
	uint32_t cur = 0;
	for (const struct frag_piece *pc = t->pieces; pc; pc = pc->next) {
		if (pc->start > cur)
			return false;
		if (pc->end > cur)
			cur = pc->end;
	}
	return cur >= t->end;
}

static uint16_t ipv4_checksum(const uint8_t *h, unsigned len)
{
	uint32_t sum = 0;
	for (unsigned i = 0; i + 1 < len; i += 2)
		sum += ((uint32_t)h[i] << 8) | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Rebuild the datagram into dt->out. -1 if it would be too large (event raised). */
static int tracker_build(struct defrag_table *dt, struct frag_tracker *t, uint32_t *len)
{
	uint32_t total = t->hdr_len + t->end;
	uint32_t ll = t->link_len;
	bool v4 = t->key.family == 4;
	if ((v4 && total > IPV4_MAX_LEN) ||
	    (!v4 && total - IPV6_HDR_LEN > IPV6_MAX_PLEN)) {
		dt->st.too_large++;
		event(dt, v4 ? STREAM_EVENT_DEFRAG_IPV4_FRAG_TOO_LARGE
			     : STREAM_EVENT_DEFRAG_IPV6_FRAG_TOO_LARGE);
		return -1;
	}
	if (ll + total > dt->out_cap) {
		uint8_t *nb = realloc(dt->out, ll + total);
		if (!nb) {
			dt->st.memcap_drops++;
			event(dt, v4 ? STREAM_EVENT_DEFRAG_IPV4_FRAG_IGNORED
				     : STREAM_EVENT_DEFRAG_IPV6_FRAG_IGNORED);
			return -1;
		}
		dt->out = nb;
		dt->out_cap = ll + total;
	}
	/* the first fragment's link header goes first, the datagram right after it */
	memcpy(dt->out, t->hdr, ll);
	dt->out_link_len = ll;
	uint8_t *o = dt->out + ll;
	memcpy(o, t->hdr + ll, t->hdr_len);
	for (const struct frag_piece *pc = t->pieces; pc; pc = pc->next)
		memcpy(o + t->hdr_len + pc->start, pc->data, pc->end - pc->start);
	if (v4) {
		o[2] = (uint8_t)(total >> 8);
		o[3] = (uint8_t)total;
		o[6] &= 0x40; /* keep DF, clear MF and the offset */
		o[7] = 0;
		o[10] = o[11] = 0;
		uint16_t c = ipv4_checksum(o, t->hdr_len);
		o[10] = (uint8_t)(c >> 8);
		o[11] = (uint8_t)c;
	} else {
		uint32_t plen = total - IPV6_HDR_LEN;
		o[4] = (uint8_t)(plen >> 8);
		o[5] = (uint8_t)plen;
		o[t->prev_nh_off] = t->frag_nh;
	}
	*len = total;
	return 0;
}

static int defrag_handle_one(struct defrag_table *dt, struct packet *frag,
			     const uint8_t **datagram, uint32_t *len)
{
	*datagram = NULL;
	*len = 0;
	if (!frag->ip_hdr || frag->ip_hdr < frag->data ||
	    (uint64_t)(frag->ip_hdr - frag->data) > frag->caplen ||
	    (frag->ip_version != 4 && frag->ip_version != 6)) {
		dt->st.malformed++;
		return -1;
	}
	uint32_t avail = frag->caplen - (uint32_t)(frag->ip_hdr - frag->data);
	bool v4 = frag->ip_version == 4;
	struct frag_info fi;
	memset(&fi, 0, sizeof(fi));
	if (v4)
		dt->st.ipv4_fragments++;
	else
		dt->st.ipv6_fragments++;
	if ((v4 ? parse_ipv4(frag, avail, &fi) : parse_ipv6(frag, avail, &fi)) != 0) {
		dt->st.malformed++;
		return -1;
	}
	fi.key.src = frag->src;
	fi.key.dst = frag->dst;
	for (unsigned i = 0; i < frag->vlan_count && i < PKT_MAX_VLAN; i++)
		fi.key.vlan[i] = frag->vlan_id[i];

	/* a datagram that would not fit the IP length field is never reassembled */
	uint64_t end = (uint64_t)fi.off + fi.len;
	if ((v4 && end + fi.hdr_len > IPV4_MAX_LEN) ||
	    (!v4 && end + (fi.hdr_len - IPV6_HDR_LEN) > IPV6_MAX_PLEN)) {
		dt->st.too_large++;
		event(dt, v4 ? STREAM_EVENT_DEFRAG_IPV4_FRAG_TOO_LARGE
			     : STREAM_EVENT_DEFRAG_IPV6_FRAG_TOO_LARGE);
		return -1;
	}
	/* empty fragments and non-final ones that are not a multiple of 8 bytes are invalid */
	if (fi.len == 0 || (fi.mf && (fi.len & 7))) {
		dt->st.malformed++;
		return -1;
	}

	uint64_t now = frag->ts_usec;
	for (int i = 0; i < LAZY_EXPIRE_MAX && dt->lru_tail &&
			tracker_expired(dt, dt->lru_tail, now); i++) {
		tracker_free(dt, dt->lru_tail);
		dt->st.timeouts++;
	}

	uint32_t b = key_bucket(dt, &fi.key);
	struct frag_tracker *t = tracker_find(dt, &fi.key, b);
	if (t && tracker_expired(dt, t, now)) {
		tracker_free(dt, t);
		dt->st.timeouts++;
		t = NULL;
	}
	if (!t) {
		t = tracker_new(dt, &fi, frag, b);
		if (!t) {
			event(dt, v4 ? STREAM_EVENT_DEFRAG_IPV4_FRAG_IGNORED
				     : STREAM_EVENT_DEFRAG_IPV6_FRAG_IGNORED);
			return -1;
		}
	}
	t->last_usec = now > t->last_usec ? now : t->last_usec;
	lru_unlink(dt, t);
	lru_push_head(dt, t);

	/* a second last fragment announcing another end is not something a host accepts */
	if (!fi.mf && t->have_last && end != t->end) {
		dt->st.malformed++;
		event(dt, v4 ? STREAM_EVENT_DEFRAG_IPV4_FRAG_OVERLAP
			     : STREAM_EVENT_DEFRAG_IPV6_FRAG_OVERLAP);
		return -1;
	}
	if (fi.mf && t->have_last && fi.off >= t->end) {
		dt->st.malformed++;
		return -1;
	}

	/* the header comes from the first offset-0 fragment, with its link header when the
	 * fragment was not inside a tunnel (an outer IP header's lengths would be wrong) */
	if (fi.off == 0 && !t->hdr) {
		uint32_t ll = (uint32_t)(frag->ip_hdr - frag->data);
		if ((frag->flags & PKT_F_TUNNELED) || ll > DEFRAG_LINK_HDR_MAX)
			ll = 0;
		if (dt->st.memuse + ll + fi.hdr_len > dt->cfg.memcap) {
			dt->st.memcap_drops++;
			event(dt, v4 ? STREAM_EVENT_DEFRAG_IPV4_FRAG_IGNORED
				     : STREAM_EVENT_DEFRAG_IPV6_FRAG_IGNORED);
			return -1;
		}
		t->hdr = malloc(ll + fi.hdr_len);
		if (!t->hdr) {
			dt->st.memcap_drops++;
			return -1;
		}
		memcpy(t->hdr, frag->data, ll);
		memcpy(t->hdr + ll, fi.hdr, fi.hdr_len);
		t->link_len = (uint8_t)ll;
		t->hdr_len = fi.hdr_len;
		t->prev_nh_off = fi.prev_nh_off;
		t->frag_nh = fi.frag_nh;
		t->mem += ll + fi.hdr_len;
		dt->st.memuse += ll + fi.hdr_len;
	}

	bool overlap = false;
	if (tracker_insert(dt, t, &fi, &overlap) != 0) {
		event(dt, v4 ? STREAM_EVENT_DEFRAG_IPV4_FRAG_IGNORED
			     : STREAM_EVENT_DEFRAG_IPV6_FRAG_IGNORED);
		return -1;
	}
	if (overlap) {
		dt->st.overlaps++;
		event(dt, v4 ? STREAM_EVENT_DEFRAG_IPV4_FRAG_OVERLAP
			     : STREAM_EVENT_DEFRAG_IPV6_FRAG_OVERLAP);
	}
	if (!fi.mf && !t->have_last) {
		t->have_last = true;
		t->end = (uint32_t)end;
		tracker_trim(dt, t);
	}

	if (!tracker_complete(t))
		return 0;
	int r = tracker_build(dt, t, len);
	tracker_free(dt, t);
	if (r != 0)
		return -1;
	if (v4)
		dt->st.ipv4_reassembled++;
	else
		dt->st.ipv6_reassembled++;
	*datagram = dt->out + dt->out_link_len;
	return 1;
}

int defrag_handle(struct defrag_table *dt, struct packet *frag, const uint8_t **datagram,
		  uint32_t *len)
{
	dt->n_events = 0;
	dt->out_link_len = 0;
	dt->cur = frag; /* events go on this fragment while it is handled, never later */
	int r = defrag_handle_one(dt, frag, datagram, len);
	dt->cur = NULL;
	return r;
}
