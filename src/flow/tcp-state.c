/*
 * tcp-state.c — the TCP connection state machine run on every TCP packet of a flow.
 *
 * States and names follow Suricata's stream engine, which is what EVE's tcp.state reports:
 *
 *   handshake   SYN -> syn_sent, SYN/ACK acking ISN+1 -> syn_recv, ACK acking the server's
 *               ISN+1 -> established.
 *   teardown    Suricata names the session state by who closed first. Client FIN first:
 *               close_wait, then the server's FIN -> last_ack, then its ACK -> closed.
 *               Server FIN first: fin_wait1, client ACK -> fin_wait2, client FIN -> time_wait,
 *               server ACK -> closed; a client FIN that does not ack the server's -> closing.
 *               The state is derived from per-side "FIN seen" / "FIN acked" bits, so lost or
 *               reordered segments cannot walk the machine backwards.
 *   RST         closes the session from any state. The RST's sequence number is not checked
 *               against the window (an IDS sees both sides; a blind-RST filter belongs to the
 *               stream stage).
 *
 * flow.state follows tcp_state the way Suricata maps it: none/syn_sent/syn_recv -> new;
 * established..close_wait -> established; last_ack/time_wait/closed -> closed.
 *
 * Session pick-up (tcp_state none): a SYN starts a session (its sender becomes the client). A
 * SYN/ACK seen first makes its receiver the client (sides are swapped) and, with midstream on,
 * starts a session in syn_recv. Any other ACK-carrying packet starts an established session
 * only with midstream on. Packets that cannot start a session (midstream off, RST, bare FIN...)
 * keep the flow — Suricata still logs it — with tcp_state none, and count as tcp_invalid_state;
 * every later packet gets another chance to start the session.
 */
#include "flow/flow-internal.h"

#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)
#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)

static void tcp_set_state(struct flow *f, enum tcp_state s)
{
	f->tcp_state = (uint8_t)s;
	switch (s) {
	case TCP_STATE_NONE:
	case TCP_STATE_SYN_SENT:
	case TCP_STATE_SYN_RECV:
		f->state = FLOW_STATE_NEW;
		break;
	case TCP_STATE_ESTABLISHED:
	case TCP_STATE_FIN_WAIT1:
	case TCP_STATE_FIN_WAIT2:
	case TCP_STATE_CLOSING:
	case TCP_STATE_CLOSE_WAIT:
		f->state = FLOW_STATE_ESTABLISHED;
		break;
	case TCP_STATE_LAST_ACK:
	case TCP_STATE_TIME_WAIT:
	case TCP_STATE_CLOSED:
		f->state = FLOW_STATE_CLOSED;
		break;
	}
}

/* Sequence space the segment occupies: payload plus one for each of SYN and FIN. */
static uint32_t tcp_seg_end(const struct packet *p)
{
	uint32_t end = p->tcp_seq + p->payload_len;
	if (p->tcp_flags & TH_SYN)
		end++;
	if (p->tcp_flags & TH_FIN)
		end++;
	return end;
}

static void tcp_advance(struct flow *f, const struct packet *p, uint8_t d)
{
	uint32_t end = tcp_seg_end(p);
	if (SEQ_GT(end, f->tcp_next_seq[d]))
		f->tcp_next_seq[d] = end;
}

/* Exchange two per-direction flags of f (the first is the to-server one). */
static void flow_swap_flag_pair(struct flow *f, uint32_t ts, uint32_t tc)
{
	uint32_t had = f->flags & (ts | tc);
	f->flags &= ~(ts | tc);
	if (had & ts)
		f->flags |= tc;
	if (had & tc)
		f->flags |= ts;
}

void flow_swap_sides(struct flow_entry *e)
{
	struct flow *f = &e->f;
	struct ip_addr a = f->src;
	f->src = f->dst;
	f->dst = a;
	uint16_t port = f->sp;
	f->sp = f->dp;
	f->dp = port;

	uint64_t v = f->pkts[0];
	f->pkts[0] = f->pkts[1];
	f->pkts[1] = v;
	v = f->bytes[0];
	f->bytes[0] = f->bytes[1];
	f->bytes[1] = v;

	uint8_t b = f->tcp_flags[0];
	f->tcp_flags[0] = f->tcp_flags[1];
	f->tcp_flags[1] = b;

	uint32_t s = f->tcp_isn[0];
	f->tcp_isn[0] = f->tcp_isn[1];
	f->tcp_isn[1] = s;
	s = f->tcp_next_seq[0];
	f->tcp_next_seq[0] = f->tcp_next_seq[1];
	f->tcp_next_seq[1] = s;

	flow_swap_flag_pair(f, FLOW_F_TO_DST_SEEN, FLOW_F_TO_SRC_SEEN);
	flow_swap_flag_pair(f, FLOW_F_DROP_LOGGED_TS, FLOW_F_DROP_LOGGED_TC);
	flow_swap_flag_pair(f, FLOW_F_APP_STALL_TS, FLOW_F_APP_STALL_TC);

	struct flow_tcp_priv *t = &e->tcp;
	b = t->fin_seen[0];
	t->fin_seen[0] = t->fin_seen[1];
	t->fin_seen[1] = b;
	b = t->fin_acked[0];
	t->fin_acked[0] = t->fin_acked[1];
	t->fin_acked[1] = b;
	if (t->closer >= 0)
		t->closer = (int8_t)(1 - t->closer);
}

void flow_reverse(struct flow *f)
{
	if (f)
		flow_swap_sides(flow_entry_of(f));
}

/* FIN/ACK bookkeeping once a session is established, then the derived teardown state. */
static void tcp_teardown(struct flow_entry *e, const struct packet *p, uint8_t d)
{
	struct flow *f = &e->f;
	struct flow_tcp_priv *t = &e->tcp;
	uint8_t o = (uint8_t)(1 - d);

	if ((p->tcp_flags & TH_ACK) && t->fin_seen[o] && !t->fin_acked[o] &&
	    SEQ_GEQ(p->tcp_ack, f->tcp_next_seq[o]))
		t->fin_acked[o] = 1;
	if ((p->tcp_flags & TH_FIN) && !t->fin_seen[d]) {
		t->fin_seen[d] = 1;
		if (t->closer < 0)
			t->closer = (int8_t)d;
	}

	enum tcp_state s;
	if (t->closer < 0) {
		s = TCP_STATE_ESTABLISHED;
	} else if (t->closer == FLOW_DIR_TO_SERVER) {
		if (!t->fin_seen[FLOW_DIR_TO_CLIENT])
			s = TCP_STATE_CLOSE_WAIT;
		else if (!t->fin_acked[FLOW_DIR_TO_CLIENT])
			s = TCP_STATE_LAST_ACK;
		else
			s = TCP_STATE_CLOSED;
	} else {
		if (!t->fin_seen[FLOW_DIR_TO_SERVER])
			s = t->fin_acked[FLOW_DIR_TO_CLIENT] ? TCP_STATE_FIN_WAIT2 : TCP_STATE_FIN_WAIT1;
		else if (!t->fin_acked[FLOW_DIR_TO_CLIENT])
			s = TCP_STATE_CLOSING;
		else if (!t->fin_acked[FLOW_DIR_TO_SERVER])
			s = TCP_STATE_TIME_WAIT;
		else
			s = TCP_STATE_CLOSED;
	}
	if (s != f->tcp_state)
		tcp_set_state(f, s);
}

/* tcp_state none: try to start a session with this packet. */
static void tcp_start(struct flow_entry *e, const struct packet *p, uint8_t *dir, bool midstream,
		      struct flow_stats *st)
{
	struct flow *f = &e->f;
	uint8_t flags = p->tcp_flags;

	if (flags & TH_RST) {
		st->tcp_invalid_state++;
		return;
	}
	if ((flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		if (*dir != FLOW_DIR_TO_SERVER) {
			flow_swap_sides(e);
			*dir = FLOW_DIR_TO_SERVER;
		}
		f->tcp_isn[0] = p->tcp_seq;
		f->tcp_next_seq[0] = p->tcp_seq + 1;
		e->tcp.syn_len = p->payload_len;
		tcp_set_state(f, TCP_STATE_SYN_SENT);
		st->tcp_sessions++;
		return;
	}
	if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
		/* The SYN/ACK's sender is the server, whichever side we saw first. */
		if (*dir != FLOW_DIR_TO_CLIENT) {
			flow_swap_sides(e);
			*dir = FLOW_DIR_TO_CLIENT;
		}
		if (!midstream) {
			st->tcp_invalid_state++;
			return;
		}
		f->tcp_isn[1] = p->tcp_seq;
		f->tcp_next_seq[1] = p->tcp_seq + 1;
		f->tcp_isn[0] = p->tcp_ack - 1;
		f->tcp_next_seq[0] = p->tcp_ack;
		f->flags |= FLOW_F_MIDSTREAM;
		tcp_set_state(f, TCP_STATE_SYN_RECV);
		st->tcp_sessions++;
		st->tcp_midstream++;
		return;
	}
	if ((flags & TH_ACK) && midstream) {
		uint8_t d = *dir;
		f->tcp_next_seq[d] = tcp_seg_end(p);
		f->tcp_next_seq[1 - d] = p->tcp_ack;
		f->flags |= FLOW_F_MIDSTREAM;
		tcp_set_state(f, TCP_STATE_ESTABLISHED);
		st->tcp_sessions++;
		st->tcp_midstream++;
		if (flags & TH_FIN)
			tcp_teardown(e, p, d);
		return;
	}
	st->tcp_invalid_state++;
}

void flow_tcp_handle_packet(struct flow_entry *e, const struct packet *p, uint8_t *dir,
			    bool midstream, struct flow_stats *st)
{
	struct flow *f = &e->f;
	uint8_t flags = p->tcp_flags;
	uint8_t d = *dir;

	if (flags & TH_SYN) {
		if (flags & TH_ACK)
			st->tcp_synack++;
		else
			st->tcp_syn++;
	}
	if (flags & TH_RST)
		st->tcp_rst++;
	if (f->tcp_state == TCP_STATE_NONE) {
		tcp_start(e, p, dir, midstream, st);
		return;
	}
	if (f->tcp_state == TCP_STATE_CLOSED)
		return; /* late ACKs/retransmissions after close change nothing */
	if (flags & TH_RST) {
		tcp_set_state(f, TCP_STATE_CLOSED);
		return;
	}

	switch (f->tcp_state) {
	case TCP_STATE_SYN_SENT:
		if (d == FLOW_DIR_TO_CLIENT && (flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
			/* ISN + 1, or with TCP Fast Open past the SYN's data */
			if (SEQ_LT(p->tcp_ack, f->tcp_next_seq[0]) ||
			    SEQ_GT(p->tcp_ack, f->tcp_next_seq[0] + e->tcp.syn_len)) {
				st->tcp_invalid_state++;
				return;
			}
			f->tcp_next_seq[0] = p->tcp_ack;
			f->tcp_isn[1] = p->tcp_seq;
			f->tcp_next_seq[1] = p->tcp_seq + 1;
			tcp_set_state(f, TCP_STATE_SYN_RECV);
		} else if (d == FLOW_DIR_TO_SERVER && (flags & (TH_SYN | TH_ACK)) == TH_SYN) {
			/* SYN retransmission; a new ISN means the client started over. */
			f->tcp_isn[0] = p->tcp_seq;
			f->tcp_next_seq[0] = p->tcp_seq + 1;
			e->tcp.syn_len = p->payload_len;
		} else if (d == FLOW_DIR_TO_CLIENT && (flags & (TH_SYN | TH_ACK)) == TH_SYN) {
			/* split handshake (Suricata's "4whs"): the server answers the SYN with
			 * a SYN of its own, the client then sends the SYN/ACK */
			f->tcp_isn[1] = p->tcp_seq;
			f->tcp_next_seq[1] = p->tcp_seq + 1;
			e->tcp.whs4 = 1;
		} else if (d == FLOW_DIR_TO_SERVER && e->tcp.whs4 &&
			   (flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
			if (p->tcp_ack != f->tcp_next_seq[1]) {
				st->tcp_invalid_state++;
				return;
			}
			tcp_set_state(f, TCP_STATE_SYN_RECV);
		} else {
			/* data before the SYN/ACK is not followed */
			st->tcp_invalid_state++;
		}
		return;
	case TCP_STATE_SYN_RECV:
		/* the ACK completing a split handshake comes from the server */
		if (d == (e->tcp.whs4 ? FLOW_DIR_TO_CLIENT : FLOW_DIR_TO_SERVER) &&
		    (flags & (TH_SYN | TH_ACK)) == TH_ACK) {
			if (p->tcp_ack != f->tcp_next_seq[e->tcp.whs4 ? 0 : 1]) {
				st->tcp_invalid_state++;
				return;
			}
			tcp_set_state(f, TCP_STATE_ESTABLISHED);
			tcp_advance(f, p, d);
			tcp_teardown(e, p, d);
		} else if (!(flags & TH_SYN)) {
			/* anything but a retransmitted SYN or SYN/ACK is out of place here */
			st->tcp_invalid_state++;
		}
		return;
	default:
		if (flags & TH_SYN) {
			st->tcp_invalid_state++; /* SYN inside an open session */
			return;
		}
		tcp_advance(f, p, d);
		tcp_teardown(e, p, d);
		return;
	}
}

bool flow_tcp_is_reuse(const struct flow_entry *e, const struct packet *p, uint8_t dir)
{
	const struct flow *f = &e->f;
	if ((p->tcp_flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN)
		return false;
	if (f->tcp_state != TCP_STATE_CLOSED && f->tcp_state != TCP_STATE_TIME_WAIT)
		return false;
	/* the same ISN from the same client is a retransmission of the old session's SYN */
	if (dir == FLOW_DIR_TO_SERVER && p->tcp_seq == f->tcp_isn[0] &&
	    !(f->flags & FLOW_F_MIDSTREAM))
		return false;
	return true;
}
