/*
 * stream-int.h — what the stream stage's files share and nobody else sees: the overlap-policy
 * decision both defrag and TCP reassembly apply, sequence-number comparisons, and event
 * bookkeeping.
 */
#ifndef AEGIS_STREAM_INT_H
#define AEGIS_STREAM_INT_H

#include "stream/stream.h"

/* TCP sequence comparisons modulo 2^32 (RFC 793 arithmetic). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

/*
 * Where one new fragment/segment [new_start, new_end) overlaps bytes an earlier one
 * [old_start, old_end) already put there: true when the new bytes replace the old ones.
 * Defrag follows the "Target-Based Fragmentation Reassembly" (Novak) behaviours.
 */
bool stream_defrag_new_wins(enum stream_policy pol, uint64_t new_start, uint64_t new_end,
			    uint64_t old_start, uint64_t old_end);
/* The same decision for TCP segments not yet delivered (Suricata's per-OS stream policies). */
bool stream_tcp_new_wins(enum stream_policy pol, uint64_t new_start, uint64_t new_end,
			 uint64_t old_start, uint64_t old_end);

/* Record `ev` in a per-packet list (bounded) and count it. */
static inline void stream_event_add(uint16_t *list, uint8_t *n, uint64_t *counters,
				    enum stream_event ev)
{
	if (*n < STREAM_PKT_MAX_EVENTS)
		list[(*n)++] = (uint16_t)ev;
	counters[ev]++;
}

#endif /* AEGIS_STREAM_INT_H */
