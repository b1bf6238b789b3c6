/*
 * flow-names.c — the strings EVE prints for flow states, TCP states and end reasons. They are
 * Suricata's spellings so existing dashboards and queries keep working.
 */
#include "flow/flow.h"

const char *flow_state_name(enum flow_state s)
{
	static const char *const names[] = {
		[FLOW_STATE_NEW] = "new",
		[FLOW_STATE_ESTABLISHED] = "established",
		[FLOW_STATE_CLOSED] = "closed",
	};
	if ((unsigned)s >= ARRAY_SIZE(names))
		return "unknown";
	return names[s];
}

const char *flow_tcp_state_name(enum tcp_state s)
{
	static const char *const names[] = {
		[TCP_STATE_NONE] = "none",
		[TCP_STATE_SYN_SENT] = "syn_sent",
		[TCP_STATE_SYN_RECV] = "syn_recv",
		[TCP_STATE_ESTABLISHED] = "established",
		[TCP_STATE_FIN_WAIT1] = "fin_wait1",
		[TCP_STATE_FIN_WAIT2] = "fin_wait2",
		[TCP_STATE_TIME_WAIT] = "time_wait",
		[TCP_STATE_CLOSE_WAIT] = "close_wait",
		[TCP_STATE_LAST_ACK] = "last_ack",
		[TCP_STATE_CLOSING] = "closing",
		[TCP_STATE_CLOSED] = "closed",
	};
	if ((unsigned)s >= ARRAY_SIZE(names))
		return "unknown";
	return names[s];
}

const char *flow_end_reason_name(enum flow_end_reason r)
{
	static const char *const names[] = {
		[FLOW_END_TIMEOUT] = "timeout",
		[FLOW_END_FORCED] = "forced",
		[FLOW_END_SHUTDOWN] = "shutdown",
	};
	if ((unsigned)r >= ARRAY_SIZE(names))
		return "unknown";
	return names[r];
}
