/*
 * reassembly.c — TCP reassembly per flow direction.
 *
 * Beside the flow stage's connection state machine (which decides what a session is), this
 * file follows each direction's sequence space and turns segments into an ordered byte stream:
 *
 *   base        the next stream offset to deliver and its sequence number. Set from the SYN
 *               (ISN + 1) and the SYN/ACK, or — with stream.midstream — from the first packet
 *               seen in that direction (and the other direction from its ACK number). Offsets
 *               are 64-bit, so sequence wraparound at 2^32 is just arithmetic modulo 2^32 on
 *               the way in.
 *   delivery    IDS mode (stream.inline: no, the default outside IPS): data is held until the
 *               receiver ACKs it, as Suricata does — a sender may retransmit unACKed bytes
 *               differently, and the receiver's ACK says which bytes it took. A direction's
 *               data is therefore released while the other direction's packet carrying the
 *               ACK is handled; at RST only up to the RST's ACK, the rest at flow end
 *               (stream_flow_flush). One-sided (async) sessions have no ACKs to wait for and
 *               are delivered as they arrive. Inline mode (stream.inline: yes, or auto in an
 *               IPS): in-order data is handed on as it arrives.
 *   in order    inline, a segment starting at base with nothing queued is handed on without
 *               a copy.
 *   queue       unACKed and out-of-order segments are kept as sorted, non-overlapping pieces
 *               (a piece may be partly delivered when an ACK ends inside it). Bytes that
 *               overlap queued bytes are compared (different data raises
 *               reassembly_overlap_different_data) and the direction's overlap policy decides
 *               which copy stays (policy.c). Bytes before base were delivered already and never
 *               change: they are compared with the short history of delivered bytes kept per
 *               direction and otherwise dropped (pkt_retransmission).
 *   gaps        a hole is given up on when the receiver ACKs past it (the data existed but we
 *               did not see it), when the connection is reset, or when the flow ends
 *               (stream_flow_flush). Delivery then continues after the hole and the next chunk
 *               carries gap_before (event reassembly_seq_gap).
 *   depth       after stream.reassembly.depth bytes of a direction nothing more is delivered;
 *               the segment that first crosses it raises reassembly_depth_reached. 0 means no
 *               limit.
 *   memcaps     per-flow state counts against stream.memcap, queued bytes and histories
 *               against stream.reassembly.memcap; a segment that does not fit is refused and
 *               counted, and its bytes become a gap later.
 *   regions     Suricata keeps a direction's data in a streaming buffer made of regions: data
 *               arriving more than a region gap (256 KiB) beyond what is held opens a new one.
 *               Each direction counts the runs of held data separated by such distances (1 +
 *               the far gaps between base and the queued pieces), kept up to date locally as
 *               pieces are queued and holes skipped; the most it reached is EVE's
 *               tcp.ts_max_regions / tc_max_regions (flow->stream_cnt.max_regions).
 *   eof         a direction ends when its FIN has been reached (its data delivered) and the
 *               session is closed (Suricata tells its parsers STREAM_EOF only in state closed:
 *               a response that ends with the connection completes on the last ACK), or at
 *               RST (both directions, once nothing is held; else at flow end); the last chunk
 *               of that direction carries eof (an empty chunk if need be).
 *   raw         raw stream inspection (IDS) gets a direction's delivered bytes later, in
 *               larger pieces (stream_raw_take): they are copied to a hold buffer until a
 *               packet of that direction finds them due (chunk size, session closing, depth,
 *               the app layer's trigger). Inline and one-sided sessions hand them on at once.
 *
 * Chunks point into the packet (in-order fast path) or into a per-context scratch buffer; both
 * stay valid until the next call on the context.
 */
#include <stdlib.h>
#include <string.h>

#include "stream/stream-int.h"

#define HISTORY_BYTES 16384u     /* delivered bytes kept per direction to check retransmissions */
#define WINDOW_LIMIT (1u << 30)  /* segments further ahead of base than this are out of window */
#define REGION_GAP (256u << 10)  /* data further than this beyond held data opens a region */
#define RAW_PIECES 4             /* discontiguous runs held for raw inspection per direction */

/* A run of bytes held for raw inspection: raw_buf[at, at + len) is stream offset `off`. */
struct raw_piece {
	uint64_t off;
	uint32_t at, len;
	bool gap_before;
};

struct seg {
	struct seg *next;
	uint64_t start, end;           /* stream offsets [start, end) */
	uint64_t orig_start, orig_end; /* the segment that first put these bytes here */
	uint8_t data[];
};

struct stream_dir {
	bool init, fin_seen, rst, depth_hit, depth_ev, eof_sent, gap_pending;
	bool ts_syn;    /* this side's SYN (or first packet) carried a timestamp option */
	bool ts_zero;   /* ... whose value was 0 */
	uint8_t policy; /* enum stream_policy of the receiving host */
	uint32_t next_seq; /* the sender's next in-order sequence number (all packets seen) */
	bool next_init;
	uint32_t last_ts;     /* the sender's last accepted TSval (RFC 7323 TS.Recent) */
	uint32_t last_pkt_ts; /* packet time (s) of the last accepted timestamped packet */
	uint32_t base_seq;
	uint64_t base_off;
	uint64_t fin_off;
	uint64_t ack_off; /* stream offset the receiver ACKed up to (the FIN excluded) */
	struct seg *segs;
	struct seg *segs_tail; /* the last of segs (NULL with segs): in-order data appends in O(1) */
	uint16_t regions;     /* runs of held data REGION_GAP apart, 1 + the far gaps */
	uint16_t max_regions; /* the most regions held at once */
	uint8_t *hist; /* ring of the last hist_len delivered bytes, ending at base_off */
	uint32_t hist_len;
	uint32_t hist_end; /* ring index the next delivered byte goes to */
	/* held for raw inspection (IDS): pieces of raw_buf, oldest first */
	struct raw_piece raw[RAW_PIECES];
	uint8_t n_raw;
	bool raw_trigger; /* the app layer asked for inspection (stream_raw_trigger) */
	bool raw_force;   /* too much held: out at the next stream_raw_take, whatever the packet */
	bool raw_taken;   /* raw_buf was handed out: emptied before the next hold */
	uint64_t raw_next; /* stream offset after the last byte held or handed out */
	uint8_t *raw_buf;
	uint32_t raw_len, raw_cap;
};

struct stream_flow {
	struct stream_dir d[2];
	bool ignored;
	bool midstream_checked;
	bool ts_on; /* both sides use timestamps: packets are checked against them (PAWS) */
	/* the handshake as this stage follows it (the flow's tcp_state already includes the
	 * packet being handled): which step, the split ("4whs") variant, and what the SYN and
	 * SYN/ACK said */
	uint8_t hs;
	bool whs4;
	uint16_t syn_len;
	uint32_t isn[2];
	uint32_t synack_ack;
};

enum { HS_NONE = 0, HS_SYN_SENT, HS_SYN_RECV, HS_DONE };

struct stream_ctx {
	struct stream_config cfg;
	bool inline_mode; /* hand data on as it arrives (stream_config_is_inline) */
	struct decode_ctx *dc;
	struct stream_stats st;
	uint8_t *scratch;
	size_t scratch_len, scratch_cap;
	/* per chunk of the current call: direct pointer, or offset into scratch */
	const uint8_t *direct[STREAM_MAX_CHUNKS];
	size_t soff[STREAM_MAX_CHUNKS];
	struct stream_result *out;
	struct flow *cur; /* the flow of the current call: its per-flow counters */
};

void stream_config_defaults(struct stream_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memcap = 64ull << 20;
	cfg->reassembly_memcap = 256ull << 20;
	cfg->reassembly_depth = 1u << 20;
	cfg->midstream = false;
	cfg->async_oneside = false;
	cfg->checksum_validation = true;
	cfg->policy = STREAM_POLICY_BSD;
	cfg->raw_inspection = true;
	cfg->toserver_chunk_size = 2560;
	cfg->toclient_chunk_size = 2560;
	cfg->inline_mode = STREAM_INLINE_AUTO; /* as suricata.yaml ships */
	cfg->ips = false;
}

bool stream_config_is_inline(const struct stream_config *cfg)
{
	return cfg->inline_mode == STREAM_INLINE_YES ||
	       (cfg->inline_mode == STREAM_INLINE_AUTO && cfg->ips);
}

struct stream_ctx *stream_ctx_create(const struct stream_config *cfg, struct decode_ctx *dc)
{
	struct stream_ctx *sc = calloc(1, sizeof(*sc));
	if (!sc) {
		log_error("stream: out of memory creating the reassembly context");
		return NULL;
	}
	sc->cfg = *cfg;
	sc->dc = dc;
	sc->inline_mode = stream_config_is_inline(cfg);
	return sc;
}

void stream_ctx_destroy(struct stream_ctx *sc)
{
	if (!sc)
		return;
	free(sc->scratch);
	free(sc);
}

void stream_get_stats(const struct stream_ctx *sc, struct stream_stats *out)
{
	*out = sc->st;
}

static void ev(struct stream_ctx *sc, enum stream_event e)
{
	stream_event_add(sc->out->events, &sc->out->n_events, sc->st.events, e);
}

/* ---- memory -------------------------------------------------------------------------------- */

static bool rmem_reserve(struct stream_ctx *sc, uint64_t n)
{
	if (sc->st.reassembly_memuse + n > sc->cfg.reassembly_memcap)
		return false;
	sc->st.reassembly_memuse += n;
	return true;
}

static void seg_free(struct stream_ctx *sc, struct seg *s)
{
	sc->st.reassembly_memuse -= sizeof(*s) + (s->end - s->start);
	free(s);
}

/* Drop the segments a direction holds (teardown, depth reached, refused TFO data). */
static void dir_free_segs(struct stream_ctx *sc, struct stream_dir *dd)
{
	while (dd->segs) {
		struct seg *n = dd->segs->next;
		seg_free(sc, dd->segs);
		dd->segs = n;
	}
	dd->segs_tail = NULL;
}

static void raw_buf_free(struct stream_ctx *sc, struct stream_dir *dd)
{
	if (dd->raw_buf) {
		sc->st.reassembly_memuse -= dd->raw_cap;
		free(dd->raw_buf);
	}
	dd->raw_buf = NULL;
	dd->raw_cap = dd->raw_len = 0;
	dd->n_raw = 0;
	dd->raw_taken = false;
}

static void dir_free(struct stream_ctx *sc, struct stream_dir *dd)
{
	dir_free_segs(sc, dd);
	raw_buf_free(sc, dd);
	if (dd->hist) {
		sc->st.reassembly_memuse -= HISTORY_BYTES;
		free(dd->hist);
		dd->hist = NULL;
	}
	dd->hist_len = 0;
	dd->hist_end = 0;
}

void stream_flow_reverse(struct flow *f)
{
	struct stream_flow *sf = f ? f->stream : NULL;
	if (!sf)
		return;
	struct stream_dir d = sf->d[0];
	sf->d[0] = sf->d[1];
	sf->d[1] = d;
	uint32_t isn = sf->isn[0];
	sf->isn[0] = sf->isn[1];
	sf->isn[1] = isn;
	f->stream_cnt.max_regions[0] = sf->d[0].max_regions;
	f->stream_cnt.max_regions[1] = sf->d[1].max_regions;
}

void stream_flow_free(struct stream_ctx *sc, struct flow *f)
{
	struct stream_flow *sf = f ? f->stream : NULL;
	if (!sf)
		return;
	dir_free(sc, &sf->d[0]);
	dir_free(sc, &sf->d[1]);
	sc->st.memuse -= sizeof(*sf);
	sc->st.flows_active--;
	free(sf);
	f->stream = NULL;
}

/* Remember delivered bytes so a later retransmission of them can be compared. */
static void hist_append(struct stream_ctx *sc, struct stream_dir *dd, const uint8_t *data,
			uint32_t len)
{
	if (!dd->hist) {
		if (!rmem_reserve(sc, HISTORY_BYTES))
			return;
		dd->hist = malloc(HISTORY_BYTES);
		if (!dd->hist) {
			sc->st.reassembly_memuse -= HISTORY_BYTES;
			return;
		}
		dd->hist_len = 0;
		dd->hist_end = 0;
	}
	/* a ring: each delivered byte is copied once, however long the stream */
	if (len > HISTORY_BYTES) {
		data += len - HISTORY_BYTES;
		len = HISTORY_BYTES;
	}
	uint32_t first = HISTORY_BYTES - dd->hist_end;
	if (first > len)
		first = len;
	memcpy(dd->hist + dd->hist_end, data, first);
	memcpy(dd->hist, data + first, len - first);
	dd->hist_end = (dd->hist_end + len) % HISTORY_BYTES;
	dd->hist_len = dd->hist_len + len > HISTORY_BYTES ? HISTORY_BYTES : dd->hist_len + len;
}

/* Compare n history bytes, the first `back` bytes before base_off, with data (memcmp's sign). */
static int hist_cmp(const struct stream_dir *dd, uint32_t back, const uint8_t *data, uint32_t n)
{
	uint32_t at = (dd->hist_end + HISTORY_BYTES - back) % HISTORY_BYTES;
	uint32_t first = HISTORY_BYTES - at;
	if (first > n)
		first = n;
	int r = memcmp(dd->hist + at, data, first);
	return r ? r : memcmp(dd->hist, data + first, n - first);
}

/* ---- output -------------------------------------------------------------------------------- */

/* Copy bytes to the end of the result's scratch buffer, growing it; false out of memory. */
static bool scratch_append(struct stream_ctx *sc, const uint8_t *data, uint32_t len)
{
	if (sc->scratch_len + len > sc->scratch_cap) {
		size_t cap = sc->scratch_cap ? sc->scratch_cap : 4096;
		while (cap < sc->scratch_len + len)
			cap *= 2;
		uint8_t *nb = realloc(sc->scratch, cap);
		if (!nb)
			return false;
		sc->scratch = nb;
		sc->scratch_cap = cap;
	}
	memcpy(sc->scratch + sc->scratch_len, data, len);
	sc->scratch_len += len;
	return true;
}

/*
 * Append delivered bytes of direction d at stream offset `off` to the result. Consecutive
 * bytes of one direction extend the last chunk. `direct` data is referenced, not copied (only
 * for a chunk of its own). `raw`: raw inspection takes them now too (chunk.raw). false when the
 * result has no room (the caller keeps the bytes).
 */
static bool emit(struct stream_ctx *sc, uint8_t d, struct stream_dir *dd, uint64_t off,
		 const uint8_t *data, uint32_t len, bool direct, bool raw)
{
	struct stream_result *out = sc->out;
	if (out->n > 0) {
		unsigned i = out->n - 1;
		struct stream_chunk *c = &out->chunks[i];
		if (!direct && c->dir == d && !c->eof && !sc->direct[i] && !dd->gap_pending &&
		    c->raw == raw && c->offset + c->len == off &&
		    sc->soff[i] + c->len == sc->scratch_len) {
			if (!scratch_append(sc, data, len))
				return false;
			c->len += len;
			return true;
		}
	}
	if (out->n >= STREAM_MAX_CHUNKS)
		return false;
	unsigned i = out->n;
	if (direct) {
		sc->direct[i] = data;
		sc->soff[i] = 0;
	} else {
		size_t at = sc->scratch_len;
		if (!scratch_append(sc, data, len))
			return false;
		sc->direct[i] = NULL;
		sc->soff[i] = at;
	}
	struct stream_chunk *c = &out->chunks[i];
	memset(c, 0, sizeof(*c));
	c->len = len;
	c->dir = d;
	c->offset = off;
	c->gap_before = dd->gap_pending;
	c->raw = raw;
	dd->gap_pending = false;
	out->n++;
	return true;
}

/* ---- raw inspection hold ------------------------------------------------------------------- */

/*
 * Keep delivered bytes [off, off + len) of a direction for raw inspection. A run not following
 * the last one (a gap or skipped hole) starts a piece of its own. Past STREAM_RAW_HOLD_MAX, or
 * with every piece in use, the direction's hold is due at the next stream_raw_take whatever
 * the packet; bytes that find no room at all (memcap, pieces) are counted and lost to raw
 * inspection only.
 */
static void raw_hold(struct stream_ctx *sc, struct stream_dir *dd, uint64_t off,
		     const uint8_t *data, uint32_t len)
{
	if (!len)
		return;
	if (dd->raw_taken) {
		/* what was handed out is done with; a buffer grown by a burst is given back */
		if (dd->raw_cap > (64u << 10))
			raw_buf_free(sc, dd);
		dd->raw_taken = false;
		dd->raw_len = 0;
		dd->n_raw = 0;
	}
	bool follows = off == dd->raw_next;
	dd->raw_next = UINT64_MAX; /* set again below once the bytes are kept */
	struct raw_piece *last = dd->n_raw ? &dd->raw[dd->n_raw - 1] : NULL;
	bool extend = last && follows;
	if (!extend && dd->n_raw == RAW_PIECES) {
		dd->raw_force = true;
		sc->st.raw_dropped += len;
		return;
	}
	if (dd->raw_len + len > dd->raw_cap) {
		uint64_t cap = dd->raw_cap ? dd->raw_cap : 512; /* most holds are small */
		while (cap < (uint64_t)dd->raw_len + len)
			cap *= 2;
		if (cap > UINT32_MAX || !rmem_reserve(sc, cap - dd->raw_cap)) {
			dd->raw_force = true;
			sc->st.raw_dropped += len;
			return;
		}
		uint8_t *nb = realloc(dd->raw_buf, (size_t)cap);
		if (!nb) {
			sc->st.reassembly_memuse -= cap - dd->raw_cap;
			dd->raw_force = true;
			sc->st.raw_dropped += len;
			return;
		}
		dd->raw_buf = nb;
		dd->raw_cap = (uint32_t)cap;
	}
	memcpy(dd->raw_buf + dd->raw_len, data, len);
	if (extend) {
		last->len += len;
	} else {
		dd->raw[dd->n_raw++] = (struct raw_piece){ .off = off, .at = dd->raw_len, .len = len,
							   .gap_before = !follows };
	}
	dd->raw_len += len;
	dd->raw_next = off + len;
	if (dd->raw_len >= STREAM_RAW_HOLD_MAX)
		dd->raw_force = true;
}

/* Close direction d in the result: flag its last chunk, or add an empty one. */
static void emit_eof(struct stream_ctx *sc, uint8_t d, struct stream_dir *dd)
{
	struct stream_result *out = sc->out;
	if (dd->eof_sent)
		return;
	if (out->n > 0 && out->chunks[out->n - 1].dir == d && !dd->gap_pending) {
		out->chunks[out->n - 1].eof = true;
		dd->eof_sent = true;
		return;
	}
	if (out->n >= STREAM_MAX_CHUNKS)
		return; /* next call */
	unsigned i = out->n++;
	struct stream_chunk *c = &out->chunks[i];
	memset(c, 0, sizeof(*c));
	sc->direct[i] = NULL;
	sc->soff[i] = sc->scratch_len;
	c->dir = d;
	c->offset = dd->base_off;
	c->gap_before = dd->gap_pending;
	dd->gap_pending = false;
	c->eof = true;
	dd->eof_sent = true;
}

/* Resolve chunk pointers once the scratch buffer can no longer move. */
static void finish_result(struct stream_ctx *sc)
{
	struct stream_result *out = sc->out;
	const struct stream_flow *sf = sc->cur ? sc->cur->stream : NULL;
	for (int i = 0; sf && i < 2; i++)
		sc->cur->stream_cnt.max_regions[i] = sf->d[i].max_regions;
	for (unsigned i = 0; i < out->n; i++) {
		struct stream_chunk *c = &out->chunks[i];
		if (c->len == 0)
			c->data = NULL;
		else
			c->data = sc->direct[i] ? sc->direct[i] : sc->scratch + sc->soff[i];
	}
}

/* ---- timestamps (RFC 7323 PAWS, as Suricata's stream engine checks them) -------------------- */

#define PAWS_24DAYS (24u * 86400u) /* a TS.Recent older than this no longer protects */

/* What a packet of direction d says about its sender's timestamps when the handshake
 * negotiated them (both SYNs carried the option): Suricata's checks, by the receiving host's
 * OS policy. A timestamp older than the last one accepted, or 0 where the OS refuses 0, makes
 * the packet invalid (pkt_invalid_timestamp) and it is not tracked. `update` records an
 * accepted value. Packets without the option are not checked (as Suricata). */
static bool ts_check(struct stream_flow *sf, uint8_t d, const struct packet *p,
		     const struct flow *f, bool update)
{
	struct stream_dir *dd = &sf->d[d];
	if (!sf->ts_on || !p->tcp_opts.has_ts)
		return true;
	uint32_t ts = p->tcp_opts.ts_val;
	uint32_t now = (uint32_t)(p->ts_usec / USEC_PER_SEC);
	uint32_t last_ts = dd->last_ts, last_pkt = dd->last_pkt_ts;
	bool in_order = dd->next_init && p->tcp_seq == dd->next_seq;
	bool check = true;
	enum stream_policy pol = (enum stream_policy)dd->policy;

	if (dd->ts_zero) {
		/* the handshake used 0: some hosts ignore it, others take the next one */
		if (pol == STREAM_POLICY_LINUX || pol == STREAM_POLICY_WINDOWS2K3) {
			check = false;
		} else if ((pol == STREAM_POLICY_OLD_LINUX || pol == STREAM_POLICY_WINDOWS ||
			    pol == STREAM_POLICY_VISTA) && in_order) {
			last_ts = ts;
			check = false;
		}
	}
	if (pol == STREAM_POLICY_HPUX11 && !in_order)
		check = false; /* HP-UX 11 ignores the timestamp of out-of-order segments */
	if (ts == 0 && pol != STREAM_POLICY_OLD_LINUX && pol != STREAM_POLICY_WINDOWS &&
	    pol != STREAM_POLICY_WINDOWS2K3 && pol != STREAM_POLICY_VISTA &&
	    pol != STREAM_POLICY_SOLARIS)
		return false; /* 0 after a handshake with real timestamps */
	if (!check)
		return true;
	/* Linux accepts a timestamp one behind */
	int32_t diff = (int32_t)(ts - last_ts) + (pol == STREAM_POLICY_LINUX ? 1 : 0);
	if (last_pkt == 0 && (f->flags & FLOW_F_MIDSTREAM))
		last_pkt = now;
	bool stale = now > last_pkt + PAWS_24DAYS;
	if (diff < 0 || (dd->last_ts != 0 && stale)) {
		/* RFC 7323 5.5: an idle TS.Recent older than 24 days is outdated */
		if (!(in_order && stale))
			return false;
	}
	if (update) {
		if (in_order)
			dd->last_ts = ts;
		dd->last_pkt_ts = now;
	}
	return true;
}

/* A SYN / SYN-ACK (or a midstream first packet) sets the sender's timestamp state. */
static void ts_handshake(struct stream_flow *sf, uint8_t d, const struct packet *p)
{
	struct stream_dir *dd = &sf->d[d], *od = &sf->d[1 - d];
	bool has = p->tcp_opts.has_ts;
	uint8_t flags = p->tcp_flags;
	dd->ts_syn = has;
	dd->ts_zero = has && p->tcp_opts.ts_val == 0;
	dd->last_ts = has ? p->tcp_opts.ts_val : 0;
	dd->last_pkt_ts = has ? (uint32_t)(p->ts_usec / USEC_PER_SEC) : 0;
	if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
		/* timestamps are on when both SYNs carried them */
		sf->ts_on = has && od->ts_syn;
		if (!sf->ts_on) {
			od->last_ts = 0;
			od->ts_zero = false;
		}
	}
}

/* The sender's next in-order sequence number, over everything seen (not only delivered). */
static void next_seq_update(struct stream_dir *dd, const struct packet *p)
{
	uint32_t end = p->tcp_seq + p->payload_len + ((p->tcp_flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	if (!dd->next_init) {
		dd->next_init = true;
		dd->next_seq = end;
	} else if (SEQ_LEQ(p->tcp_seq, dd->next_seq) && SEQ_GT(end, dd->next_seq)) {
		dd->next_seq = end;
	}
}

/* ---- handshake checks ---------------------------------------------------------------------- */

/*
 * Follow the handshake and raise Suricata's 3whs/4whs events: a SYN/ACK acking something else
 * than the SYN (or a TCP Fast Open SYN's data), one sent by the client without the server's
 * own SYN first, SYNs and SYN/ACKs resent differently or in the wrong direction, a client ACK
 * with the right sequence number but a wrong ACK (an evasion: some hosts keep the connection),
 * an ACK from the server before the client's (IPS only: in IDS mode the client's ACK was
 * probably missed). Returns false when the packet must not be tracked (Suricata drops it
 * from the session).
 */
static bool hs_check(struct stream_ctx *sc, struct stream_flow *sf, uint8_t d,
		     const struct packet *p, const struct flow *f)
{
	uint8_t fl = p->tcp_flags & (TH_SYN | TH_ACK | TH_RST | TH_FIN);
	bool syn = (fl & (TH_SYN | TH_ACK)) == TH_SYN;
	bool synack = (fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK);
	bool to_server = d == FLOW_DIR_TO_SERVER;

	if (f->flags & FLOW_F_MIDSTREAM) {
		sf->hs = HS_DONE; /* picked up midstream: no handshake to check */
		return true;
	}
	switch (sf->hs) {
	case HS_NONE:
		if (syn && to_server) {
			sf->hs = HS_SYN_SENT;
			sf->isn[0] = p->tcp_seq;
			sf->syn_len = (uint16_t)p->payload_len;
		}
		return true;
	case HS_SYN_SENT:
		if (p->tcp_flags & TH_RST)
			return true;
		if (synack && !to_server) {
			uint32_t ack = p->tcp_ack, want = sf->isn[0] + 1;
			if (ack != want && (!sf->syn_len || ack != want + sf->syn_len)) {
				ev(sc, STREAM_EVENT_STREAM_3WHS_SYNACK_WITH_WRONG_ACK);
				return false;
			}
			if (sf->syn_len && ack == want)
				ev(sc, STREAM_EVENT_STREAM_3WHS_SYNACK_TFO_DATA_IGNORED);
			sf->hs = HS_SYN_RECV;
			sf->isn[1] = p->tcp_seq;
			sf->synack_ack = ack;
			return true;
		}
		if (synack) {
			if (!sf->whs4) {
				ev(sc, STREAM_EVENT_STREAM_3WHS_SYNACK_IN_WRONG_DIRECTION);
				return false;
			}
			if (p->tcp_ack != sf->isn[1] + 1) {
				ev(sc, STREAM_EVENT_STREAM_4WHS_SYNACK_WITH_WRONG_ACK);
				return false;
			}
			if (p->tcp_seq != sf->isn[0]) {
				ev(sc, STREAM_EVENT_STREAM_4WHS_SYNACK_WITH_WRONG_SYN);
				return false;
			}
			sf->hs = HS_SYN_RECV;
			sf->synack_ack = p->tcp_ack;
			return true;
		}
		if (syn && !to_server) {
			sf->whs4 = true; /* the server's own SYN: a split handshake */
			sf->isn[1] = p->tcp_seq;
		} else if (syn) {
			sf->isn[0] = p->tcp_seq; /* resent SYN: the latest counts */
			sf->syn_len = (uint16_t)p->payload_len;
		} else if ((fl & TH_ACK) && to_server && sc->cfg.async_oneside &&
			   !(fl & TH_SYN) && p->tcp_seq != sf->d[0].next_seq) {
			ev(sc, STREAM_EVENT_STREAM_3WHS_ASYNC_WRONG_SEQ);
			return false;
		}
		return true;
	case HS_SYN_RECV:
		if (p->tcp_flags & (TH_RST | TH_FIN))
			return true;
		if (synack) {
			if (sf->whs4)
				return true;
			if (to_server) {
				ev(sc, STREAM_EVENT_STREAM_3WHS_SYNACK_TOSERVER_ON_SYN_RECV);
				return false;
			}
			if (p->tcp_ack != sf->synack_ack) {
				ev(sc, STREAM_EVENT_STREAM_3WHS_SYNACK_RESEND_WITH_DIFFERENT_ACK);
				return false;
			}
			return true;
		}
		if (syn) {
			if (sf->whs4)
				return true;
			if (!to_server) {
				ev(sc, STREAM_EVENT_STREAM_3WHS_SYN_TOCLIENT_ON_SYN_RECV);
				return false;
			}
			if (p->tcp_seq != sf->isn[0]) {
				ev(sc, STREAM_EVENT_STREAM_3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV);
				return false;
			}
			return true;
		}
		if (!(fl & TH_ACK))
			return true;
		/* the ACK completing the handshake: the server's in a split handshake */
		if (sf->whs4) {
			if (to_server)
				return true;
			if (p->tcp_seq != sf->isn[1] + 1) {
				ev(sc, STREAM_EVENT_STREAM_4WHS_WRONG_SEQ);
				return false;
			}
			sf->hs = HS_DONE;
			return true;
		}
		if (!to_server) {
			if (sc->inline_mode && !sf->syn_len) {
				ev(sc, STREAM_EVENT_STREAM_3WHS_ACK_IN_WRONG_DIR);
				return false;
			}
			return true; /* IDS: the client's ACK was probably missed */
		}
		/* (the SYN/ACK's ACK is the client's next sequence number, TFO data included) */
		if (p->tcp_seq == sf->synack_ack && p->tcp_ack != sf->isn[1] + 1 &&
		    !sc->cfg.async_oneside) {
			ev(sc, STREAM_EVENT_STREAM_3WHS_RIGHT_SEQ_WRONG_ACK_EVASION);
			return false;
		}
		sf->hs = HS_DONE;
		return true;
	default:
		return true;
	}
}

/* ---- delivery ------------------------------------------------------------------------------ */

static void advance(struct stream_dir *dd, uint64_t n)
{
	dd->base_off += n;
	dd->base_seq += (uint32_t)n;
}

/* Is the distance from held data ending at `end` to data starting at `start` a region gap? */
static int far_gap(uint64_t end, uint64_t start)
{
	return start > end && start - end > REGION_GAP;
}

/* Add `delta` far gaps to the direction's region count and remember its highest. */
static void regions_add(struct stream_dir *dd, int delta)
{
	int n = (int)dd->regions + delta;
	dd->regions = (uint16_t)(n < 1 ? 1 : n > UINT16_MAX ? UINT16_MAX : n);
	if (dd->regions > dd->max_regions)
		dd->max_regions = dd->regions;
}

/* Base jumps over a hole to `to`: the distance from base to the first held piece changes. */
static void regions_skip(struct stream_dir *dd, uint64_t to)
{
	const struct seg *s = dd->segs;
	if (s)
		regions_add(dd, far_gap(to, s->start) - far_gap(dd->base_off, s->start));
}

/* The first segment of a direction reaching past the depth raises the event (on its packet). */
static void depth_event(struct stream_ctx *sc, struct stream_dir *dd)
{
	if (dd->depth_ev)
		return;
	dd->depth_ev = true;
	sc->st.depth_reached++;
	sc->cur->stream_cnt.depth_reached++;
	ev(sc, STREAM_EVENT_STREAM_REASSEMBLY_DEPTH_REACHED);
}

/* Mark depth reached when base hit it: nothing queued or arriving later is delivered. */
static void check_depth(struct stream_ctx *sc, struct stream_dir *dd)
{
	uint32_t depth = sc->cfg.reassembly_depth;
	if (!depth || dd->depth_hit || dd->base_off < depth)
		return;
	dd->depth_hit = true;
	dir_free_segs(sc, dd);
	dd->regions = 1;
}

/* Skip base forward to `to` over bytes we never saw: a gap the app layer is told about. */
static void skip_gap(struct stream_ctx *sc, struct stream_dir *dd, uint64_t to)
{
	if (to <= dd->base_off)
		return;
	regions_skip(dd, to);
	advance(dd, to - dd->base_off);
	dd->gap_pending = true;
	dd->hist_len = 0; /* history must stay contiguous with base */
	dd->hist_end = 0;
	sc->st.gaps++;
	sc->cur->stream_cnt.gaps++;
	ev(sc, STREAM_EVENT_STREAM_REASSEMBLY_SEQ_GAP);
}

/*
 * Skip a hole the receiver never ACKed past, only because the flow ends (IDS mode): the raw
 * stream rules still get what follows it, but it is no gap in Suricata's sense (not counted,
 * no event) and the app layer stops at it (FLOW_F_APP_STALL_*), as Suricata's app-layer
 * reassembly waits there for bytes that never come. Inline, such holes are plain gaps.
 */
static void skip_hole(struct stream_ctx *sc, uint8_t d, struct stream_dir *dd, uint64_t to)
{
	if (sc->inline_mode) {
		skip_gap(sc, dd, to);
		return;
	}
	if (to <= dd->base_off)
		return;
	regions_skip(dd, to);
	advance(dd, to - dd->base_off);
	dd->gap_pending = true;
	dd->hist_len = 0;
	dd->hist_end = 0;
	sc->cur->flags |= d == FLOW_DIR_TO_SERVER ? FLOW_F_APP_STALL_TS : FLOW_F_APP_STALL_TC;
}

/*
 * Is the hole at base a gap: did the receiver ACK past it? As Suricata's app-layer check: an
 * ACK beyond everything the sender was seen sending in order only proves lost bytes when data
 * was seen between the hole and that ACK (ACKs of bytes we never saw at all, e.g. captured
 * before a SACKed retransmission, are not trusted on their own). *to: where the gap ends.
 */
static bool hole_is_gap(const struct stream_dir *dd, const struct seg *s, uint64_t *to)
{
	if (dd->ack_off <= dd->base_off)
		return false;
	uint64_t next_off = dd->base_off;
	int32_t rel = (int32_t)(dd->next_seq - dd->base_seq);
	if (dd->next_init && rel > 0)
		next_off += (uint64_t)rel;
	if (dd->ack_off > next_off) {
		if (!s || s->start >= dd->ack_off)
			return false;
		*to = s->start;
		return true;
	}
	*to = (s && s->start < dd->ack_off) ? s->start : dd->ack_off;
	return true;
}

/* Data of direction d goes on as it arrives: inline mode, or a one-sided (async) session
 * whose other side never showed up to ACK anything. */
static bool dir_immediate(const struct stream_ctx *sc, const struct stream_flow *sf, uint8_t d)
{
	return sc->inline_mode || !sf->d[1 - d].init;
}

/*
 * Deliver what is contiguous at base: up to what the receiver ACKed (IDS mode) or everything
 * (inline, async, `force`). A hole the receiver ACKed past is given up on (the data existed but
 * we did not see it); with `force` every hole is. Then eof if due.
 */
static void deliver(struct stream_ctx *sc, struct stream_flow *sf, uint8_t d, bool force)
{
	struct stream_dir *dd = &sf->d[d];
	if (!dd->init)
		return;
	uint64_t limit = UINT64_MAX;
	bool raw_now = dir_immediate(sc, sf, d);
	if (!force && !raw_now)
		limit = dd->ack_off;
	while (!dd->depth_hit) {
		struct seg *s = dd->segs;
		if (s && s->end <= dd->base_off) {
			dd->segs = s->next; /* nothing left to deliver in it */
			if (!dd->segs)
				dd->segs_tail = NULL;
			seg_free(sc, s);
			continue;
		}
		if (s && s->start <= dd->base_off) {
			if (dd->base_off >= limit)
				break;
			uint64_t end = s->end < limit ? s->end : limit;
			uint32_t skip = (uint32_t)(dd->base_off - s->start);
			uint32_t len = (uint32_t)(end - dd->base_off);
			if (!emit(sc, d, dd, dd->base_off, s->data + skip, len, false, raw_now))
				return; /* result full: the rest waits for the next call */
			if (!raw_now && sc->cfg.raw_inspection)
				raw_hold(sc, dd, dd->base_off, s->data + skip, len);
			hist_append(sc, dd, s->data + skip, len);
			advance(dd, len);
			sc->st.bytes_delivered += len;
			if (s->end <= dd->base_off) {
				dd->segs = s->next;
				if (!dd->segs)
					dd->segs_tail = NULL;
				seg_free(sc, s);
			}
			check_depth(sc, dd);
			continue;
		}
		/* a hole at base (or nothing held) */
		uint64_t to;
		if (hole_is_gap(dd, s, &to))
			skip_gap(sc, dd, to);
		else if (force && s)
			skip_hole(sc, d, dd, s->start);
		else
			break;
		check_depth(sc, dd);
		if (!s)
			break;
	}
	if (force && dd->fin_seen && dd->fin_off > dd->base_off && !dd->depth_hit)
		skip_hole(sc, d, dd, dd->fin_off);
	/* after a RST in IDS mode, what the receiver never ACKed waits for the flow's end */
	bool rst_done = dd->rst && (!dd->segs || dd->depth_hit || dir_immediate(sc, sf, d));
	bool closed = sc->cur && sc->cur->tcp_state == TCP_STATE_CLOSED;
	if (rst_done || force ||
	    (closed && dd->fin_seen && (dd->base_off >= dd->fin_off || dd->depth_hit)))
		emit_eof(sc, d, dd);
}

/* Compare bytes at stream offsets below base with the delivered history. */
static void check_old_bytes(struct stream_ctx *sc, struct stream_dir *dd, uint64_t ns,
			    const uint8_t *data, uint64_t ne)
{
	uint64_t hist_start = dd->base_off - dd->hist_len;
	uint64_t cs = ns > hist_start ? ns : hist_start;
	if (ne <= hist_start) {
		ev(sc, STREAM_EVENT_STREAM_REASSEMBLY_SEGMENT_BEFORE_BASE_SEQ);
		return;
	}
	if (hist_cmp(dd, (uint32_t)(dd->base_off - cs), data + (cs - ns), (uint32_t)(ne - cs)) != 0) {
		sc->st.overlaps_diff_data++;
		sc->cur->stream_cnt.overlaps_diff++;
		ev(sc, STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA);
	}
}

static struct seg *seg_new(struct stream_ctx *sc, uint64_t start, uint64_t end, uint64_t ns,
			   uint64_t ne, const uint8_t *data)
{
	if (!rmem_reserve(sc, sizeof(struct seg) + (end - start)))
		return NULL;
	struct seg *s = malloc(sizeof(*s) + (end - start));
	if (!s) {
		sc->st.reassembly_memuse -= sizeof(struct seg) + (end - start);
		return NULL;
	}
	s->next = NULL;
	s->start = start;
	s->end = end;
	s->orig_start = ns;
	s->orig_end = ne;
	memcpy(s->data, data + (start - ns), end - start);
	return s;
}

/*
 * Queue [ns, ne) (ns >= base): uncovered ranges become pieces, covered ranges are compared and
 * resolved by the policy. `oend` is the segment's unclipped end for the policy decision.
 */
static void queue_data(struct stream_ctx *sc, struct stream_dir *dd, uint64_t ns, uint64_t ne,
		       uint64_t oend, const uint8_t *data)
{
	if (dd->segs_tail && ns >= dd->segs_tail->end) {
		/* the usual case: after everything held, nothing to compare */
		struct seg *n = seg_new(sc, ns, ne, ns, ne, data);
		if (!n) {
			sc->st.memcap_drops++;
			sc->cur->stream_cnt.seg_memcap_drops++;
			return;
		}
		n->orig_end = oend;
		regions_add(dd, far_gap(dd->segs_tail->end, ns));
		dd->segs_tail->next = n;
		dd->segs_tail = n;
		return;
	}
	struct seg **link = &dd->segs;
	uint64_t cur = ns;
	uint64_t prev_end = dd->base_off; /* end of the held data before *link */
	bool overlap = false, different = false, refused = false;
	while (cur < ne) {
		struct seg *s = *link;
		if (s && s->end <= cur) {
			prev_end = s->end;
			link = &s->next;
			continue;
		}
		if (!s || s->start > cur) {
			uint64_t stop = (s && s->start < ne) ? s->start : ne;
			struct seg *n = seg_new(sc, cur, stop, ns, ne, data);
			if (!n) {
				refused = true;
				cur = stop;
				continue;
			}
			n->orig_end = oend;
			/* the new piece splits the distance between its neighbours */
			int delta = far_gap(prev_end, cur);
			if (s)
				delta += far_gap(stop, s->start) - far_gap(prev_end, s->start);
			regions_add(dd, delta);
			n->next = s;
			*link = n;
			if (!s)
				dd->segs_tail = n;
			link = &n->next;
			prev_end = stop;
			cur = stop;
			continue;
		}
		uint64_t os = cur, oe = ne < s->end ? ne : s->end;
		overlap = true;
		const uint8_t *nb = data + (os - ns);
		uint8_t *ob = s->data + (os - s->start);
		if (memcmp(nb, ob, oe - os) != 0) {
			different = true;
			if (stream_tcp_new_wins((enum stream_policy)dd->policy, ns, oend, s->orig_start,
						s->orig_end))
				memcpy(ob, nb, oe - os);
		}
		cur = oe;
		prev_end = s->end;
		link = &s->next;
	}
	if (overlap) {
		sc->st.overlaps++;
		sc->cur->stream_cnt.overlaps++;
		if (different) {
			sc->st.overlaps_diff_data++;
			sc->cur->stream_cnt.overlaps_diff++;
			ev(sc, STREAM_EVENT_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA);
		}
	}
	if (refused) {
		sc->st.memcap_drops++;
		sc->cur->stream_cnt.seg_memcap_drops++;
	}
}

/* The payload of a packet in direction d. */
static void handle_data(struct stream_ctx *sc, struct stream_flow *sf, uint8_t d,
			const struct packet *p)
{
	bool immediate = dir_immediate(sc, sf, d);
	struct stream_dir *dd = &sf->d[d];
	const uint8_t *data = p->payload;
	uint32_t len = p->payload_len;
	if (dd->depth_hit || dd->rst || dd->eof_sent)
		return;
	int32_t rel = (int32_t)(p->tcp_seq - dd->base_seq);
	if (rel >= (int32_t)WINDOW_LIMIT) {
		sc->st.out_of_window++;
		ev(sc, STREAM_EVENT_STREAM_EST_PACKET_OUT_OF_WINDOW);
		sc->out->ignored = true;
		return;
	}
	int64_t sns = (int64_t)dd->base_off + rel;
	if (sns < 0) {
		/* before the first byte of the stream (e.g. overlapping the SYN) */
		if ((int64_t)len <= -sns)
			return;
		data += -sns;
		len -= (uint32_t)-sns;
		sns = 0;
	}
	uint64_t ns = (uint64_t)sns, ne = ns + len, oend = ne;
	sc->st.segments++;

	if (ns < dd->base_off) {
		uint64_t old_end = ne < dd->base_off ? ne : dd->base_off;
		check_old_bytes(sc, dd, ns, data, old_end);
		if (ne <= dd->base_off) {
			sc->st.retransmissions++;
			ev(sc, STREAM_EVENT_STREAM_PKT_RETRANSMISSION);
			return;
		}
		sc->st.overlaps++;
		sc->cur->stream_cnt.overlaps++;
		data += dd->base_off - ns;
		ns = dd->base_off;
	}
	uint32_t depth = sc->cfg.reassembly_depth;
	if (depth && ne > depth) {
		depth_event(sc, dd);
		if (ns >= depth)
			return;
		ne = depth;
	}
	if (ns > dd->base_off)
		sc->st.segments_ooo++;

	if (immediate && !dd->segs && ns == dd->base_off) {
		/* in order with nothing queued: reference the packet's bytes */
		uint32_t n = (uint32_t)(ne - ns);
		if (emit(sc, d, dd, ns, data, n, true, true)) {
			hist_append(sc, dd, data, n);
			advance(dd, n);
			sc->st.bytes_delivered += n;
			check_depth(sc, dd);
			return;
		}
	}
	queue_data(sc, dd, ns, ne, oend, data);
}

/* Hold the data of a TCP Fast Open SYN at the start of the stream (within the depth). */
static void tfo_queue(struct stream_ctx *sc, struct stream_dir *dd, const struct packet *p)
{
	uint64_t len = p->payload_len;
	uint32_t depth = sc->cfg.reassembly_depth;
	if (depth && len > depth) {
		depth_event(sc, dd);
		len = depth;
	}
	sc->st.segments++;
	queue_data(sc, dd, 0, len, len, p->payload);
}

/* The receiver of direction dd acknowledged up to `ack`: its data up to there may go on, and
 * holes before it will not be filled (deliver). */
static void handle_ack(struct stream_dir *dd, uint32_t ack)
{
	if (!dd->init || dd->depth_hit)
		return;
	int32_t rel = (int32_t)(ack - dd->base_seq);
	if (rel <= 0 || (uint32_t)rel >= WINDOW_LIMIT)
		return;
	uint64_t to = dd->base_off + (uint64_t)rel;
	if (dd->fin_seen && to > dd->fin_off)
		to = dd->fin_off; /* the FIN's own sequence number is not data */
	if (to > dd->ack_off)
		dd->ack_off = to;
}

static void dir_init(struct stream_ctx *sc, struct stream_flow *sf, const struct flow *f,
		     uint8_t d, uint32_t seq)
{
	struct stream_dir *dd = &sf->d[d];
	dd->init = true;
	dd->regions = 1;
	dd->base_seq = seq;
	dd->base_off = 0;
	dd->ack_off = 0;
	const struct ip_addr *receiver = d == FLOW_DIR_TO_SERVER ? &f->dst : &f->src;
	dd->policy = (uint8_t)stream_host_os_lookup(&sc->cfg.hosts, receiver, sc->cfg.policy);
}

static struct stream_flow *flow_state(struct stream_ctx *sc, struct flow *f)
{
	if (f->stream)
		return f->stream;
	if (sc->st.memuse + sizeof(struct stream_flow) > sc->cfg.memcap) {
		sc->st.ssn_memcap_drops++;
		f->stream_cnt.ssn_memcap_drop = 1;
		return NULL;
	}
	struct stream_flow *sf = calloc(1, sizeof(*sf));
	if (!sf) {
		sc->st.ssn_memcap_drops++;
		f->stream_cnt.ssn_memcap_drop = 1;
		return NULL;
	}
	sc->st.memuse += sizeof(*sf);
	sc->st.sessions++;
	sc->st.flows_active++;
	/* a session's streaming buffers start with one region each, data or not */
	for (int i = 0; i < 2; i++) {
		sf->d[i].regions = sf->d[i].max_regions = 1;
		f->stream_cnt.max_regions[i] = 1;
	}
	f->stream = sf;
	return sf;
}

void stream_handle_packet(struct stream_ctx *sc, struct packet *p, struct stream_result *out)
{
	memset(out, 0, sizeof(*out));
	sc->out = out;
	sc->scratch_len = 0;
	struct flow *f = p->flow;
	sc->cur = f;
	if (!f || p->ip_proto != 6 || !p->l4_hdr || p->flow_dir > 1) {
		out->ignored = true;
		return;
	}
	if (sc->cfg.checksum_validation && !decode_packet_validate_checksums(sc->dc, p)) {
		sc->st.invalid_checksum++;
		out->ignored = true;
		return;
	}
	uint8_t flags = p->tcp_flags;
	if (f->tcp_state == TCP_STATE_NONE) {
		if ((flags & (TH_RST | TH_SYN)) == TH_RST)
			ev(sc, STREAM_EVENT_STREAM_RST_BUT_NO_SESSION);
		else if ((flags & (TH_FIN | TH_SYN)) == TH_FIN)
			ev(sc, STREAM_EVENT_STREAM_FIN_BUT_NO_SESSION);
		out->ignored = true;
		return;
	}
	struct stream_flow *sf = flow_state(sc, f);
	if (!sf || sf->ignored) {
		out->ignored = true;
		return;
	}
	if (!sf->midstream_checked) {
		sf->midstream_checked = true;
		if (f->flags & FLOW_F_MIDSTREAM) {
			if (!sc->cfg.midstream) {
				sf->ignored = true;
				sc->st.ignored_midstream++;
				out->ignored = true;
				return;
			}
			sc->st.midstream_pickups++;
		}
	}

	uint8_t d = p->flow_dir, o = (uint8_t)(1 - d);
	struct stream_dir *dd = &sf->d[d], *od = &sf->d[o];

	if (sf->hs != HS_DONE && !hs_check(sc, sf, d, p, f)) {
		out->ignored = true;
		finish_result(sc);
		return;
	}

	if (flags & TH_SYN) {
		/* (re)start the direction at ISN + 1 unless data already flowed */
		if (!dd->init || (dd->base_off == 0 && !dd->segs))
			dir_init(sc, sf, f, d, p->tcp_seq + 1);
		if ((flags & TH_ACK) && !od->init)
			dir_init(sc, sf, f, o, p->tcp_ack);
		ts_handshake(sf, d, p);
		dd->next_init = true;
		dd->next_seq = p->tcp_seq + 1;
		if (p->payload_len) {
			/* TCP Fast Open (RFC 7413): a client SYN's data is held until the SYN/ACK
			 * tells whether the server took it; data on a SYN/ACK is not reassembled */
			if (!(flags & TH_ACK) && dd->base_off == 0 && dd->base_seq == p->tcp_seq + 1)
				tfo_queue(sc, dd, p);
			else
				out->ignored = true;
		}
		if ((flags & TH_ACK) && od->base_off == 0 && od->segs && sf->hs != HS_DONE) {
			/* the SYN/ACK acknowledges the SYN's data (taken: it goes on) or only the
			 * SYN (refused: the client sends it again after the handshake); a SYN/ACK
			 * sent again after the handshake leaves the client's data alone */
			if (p->tcp_ack == od->base_seq) {
				dir_free_segs(sc, od);
			} else {
				handle_ack(od, p->tcp_ack);
				deliver(sc, sf, o, false);
			}
		}
		finish_result(sc);
		return;
	}
	if (!dd->init) {
		if (!(f->flags & FLOW_F_MIDSTREAM)) {
			/* a direction whose SYN we never saw in a handshaked session */
			out->ignored = true;
			finish_result(sc);
			return;
		}
		if (!od->init && p->tcp_opts.has_ts) {
			/* a session picked up midstream uses timestamps when its first packet
			 * does: the receiver's last one is what this packet echoes */
			sf->ts_on = true;
			dd->last_ts = p->tcp_opts.ts_val;
			dd->last_pkt_ts = (uint32_t)(p->ts_usec / USEC_PER_SEC);
			od->last_ts = p->tcp_opts.ts_ecr;
		}
		dir_init(sc, sf, f, d, p->tcp_seq);
		if ((flags & TH_ACK) && !od->init)
			dir_init(sc, sf, f, o, p->tcp_ack);
	}

	/* PAWS: a packet whose timestamp the receiver would reject is not tracked */
	if (!ts_check(sf, d, p, f, true)) {
		ev(sc, STREAM_EVENT_STREAM_PKT_INVALID_TIMESTAMP);
		out->ignored = true;
		finish_result(sc);
		return;
	}
	next_seq_update(dd, p);

	/* data before the handshake completed counts only on a one-sided (async) session */
	bool handshake_done = f->tcp_state >= TCP_STATE_SYN_RECV || (f->flags & FLOW_F_MIDSTREAM);
	bool accept = handshake_done || (sc->cfg.async_oneside && !od->init);
	if (p->payload_len) {
		/* data on a RST is not part of the stream (Suricata: a receiver taking the RST
		 * drops the connection, and RFC 5961 diagnostic text is not application data);
		 * packet rules still see it */
		if (accept && !(flags & TH_RST))
			handle_data(sc, sf, d, p);
		else
			out->ignored = true;
	}
	if ((flags & TH_FIN) && accept && !dd->fin_seen) {
		int32_t rel = (int32_t)(p->tcp_seq + p->payload_len - dd->base_seq);
		int64_t fo = (int64_t)dd->base_off + rel;
		dd->fin_seen = true;
		dd->fin_off = fo < (int64_t)dd->base_off ? dd->base_off : (uint64_t)fo;
	}
	if ((flags & TH_ACK) && (!(flags & TH_RST) || !sc->inline_mode))
		handle_ack(od, p->tcp_ack);

	if (flags & TH_RST) {
		/* The connection is gone. Inline: hand on what is queued, holes included, and
		 * close. IDS: what the receivers ACKed (this RST's ACK included) goes on now; the
		 * rest, never ACKed, at the flow's end (stream_flow_flush), as Suricata. */
		dd->rst = od->rst = true;
		deliver(sc, sf, d, sc->inline_mode);
		deliver(sc, sf, o, sc->inline_mode);
	} else {
		/* the data this packet ACKs first, then its own direction (Suricata's order when
		 * both move: at the session's close both get their end) */
		deliver(sc, sf, o, false);
		deliver(sc, sf, d, false);
	}
	finish_result(sc);
}

void stream_flow_flush(struct stream_ctx *sc, struct flow *f, struct stream_result *out)
{
	memset(out, 0, sizeof(*out));
	sc->out = out;
	sc->scratch_len = 0;
	struct stream_flow *sf = f ? f->stream : NULL;
	if (!sf || sf->ignored) {
		out->ignored = true;
		return;
	}
	sc->cur = f;
	deliver(sc, sf, FLOW_DIR_TO_SERVER, true);
	deliver(sc, sf, FLOW_DIR_TO_CLIENT, true);
	finish_result(sc);
}

/* ---- raw inspection hand-out --------------------------------------------------------------- */

void stream_raw_trigger(struct flow *f, uint8_t dir)
{
	struct stream_flow *sf = f ? f->stream : NULL;
	if (sf && dir <= FLOW_DIR_TO_CLIENT)
		sf->d[dir].raw_trigger = true;
}

/* Hand out everything direction d holds as raw chunks (pointing into its hold buffer). */
static void raw_out(struct stream_dir *dd, uint8_t d, struct stream_result *out)
{
	for (uint8_t i = 0; i < dd->n_raw && out->n < STREAM_MAX_CHUNKS; i++) {
		const struct raw_piece *rp = &dd->raw[i];
		struct stream_chunk *c = &out->chunks[out->n++];
		memset(c, 0, sizeof(*c));
		c->data = dd->raw_buf + rp->at;
		c->len = rp->len;
		c->dir = d;
		c->offset = rp->off;
		c->gap_before = rp->gap_before;
		c->raw = true;
	}
	dd->n_raw = 0;
	dd->raw_taken = true;
	dd->raw_trigger = false;
	dd->raw_force = false;
}

/* Suricata's states past time_wait (its enum order: last_ack, close_wait, closing, closed),
 * where raw data is inspected however little of it waits. */
static bool raw_state_due(uint8_t st)
{
	return st == TCP_STATE_LAST_ACK || st == TCP_STATE_CLOSE_WAIT || st == TCP_STATE_CLOSING ||
	       st == TCP_STATE_CLOSED;
}

void stream_raw_take(struct stream_ctx *sc, const struct packet *p, struct stream_result *out)
{
	memset(out, 0, sizeof(*out));
	struct flow *f = p ? p->flow : NULL;
	struct stream_flow *sf = f ? f->stream : NULL;
	if (!sf || sf->ignored || p->flow_dir > FLOW_DIR_TO_CLIENT)
		return;
	uint8_t d = p->flow_dir, o = (uint8_t)(1 - d);
	struct stream_dir *dd = &sf->d[d], *od = &sf->d[o];
	if (dd->n_raw) {
		uint64_t waiting = dd->raw_next - dd->raw[0].off;
		uint32_t chunk = d == FLOW_DIR_TO_SERVER ? sc->cfg.toserver_chunk_size
							 : sc->cfg.toclient_chunk_size;
		if (dd->raw_force || dd->raw_trigger || dd->depth_hit ||
		    raw_state_due(f->tcp_state) || waiting >= chunk)
			raw_out(dd, d, out);
	}
	if (od->n_raw && od->raw_force)
		raw_out(od, o, out);
}

void stream_raw_flush(struct stream_ctx *sc, struct flow *f, struct stream_result *out)
{
	(void)sc;
	memset(out, 0, sizeof(*out));
	struct stream_flow *sf = f ? f->stream : NULL;
	if (!sf || sf->ignored)
		return;
	for (uint8_t d = 0; d < 2; d++)
		if (sf->d[d].n_raw)
			raw_out(&sf->d[d], d, out);
}
