/*
 * engine.c — building and freeing the immutable detection engine: every active rule is compiled
 * into a struct det_rule (header facts, packet-group operations, one inspection program per
 * buffer with PCRE2 JIT copies of its regexes), rules are put in Suricata's evaluation order,
 * then grouped (group.c) and given Hyperscan prefilters (mpm.c). Also the per-worker thread
 * context and the statistics getters.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/detect-int.h"
#include "stream/stream.h"

/* Entries of the shared threshold table (by_src/by_dst/by_rule trackers, LRU-evicted). */
#define DET_THRESHOLDS_MAX 65536

static bool kw_is(const struct rule_match *m, const char *name)
{
	return m->kw && strcmp(m->kw->name, name) == 0;
}

static bool op_is_relative(const struct det_op *op)
{
	const struct rule_match *m = op->m;
	switch (op->type) {
	case DET_OP_CONTENT:
		return m->u.content.flags & (RULE_CF_DISTANCE | RULE_CF_WITHIN);
	case DET_OP_PCRE:
		return m->u.pcre.flags & RULE_PCRE_RELATIVE;
	case DET_OP_BYTE_TEST:
	case DET_OP_BYTE_JUMP:
	case DET_OP_BYTE_EXTRACT:
	case DET_OP_BYTE_MATH:
		return m->u.byte.flags & RULE_BF_RELATIVE;
	case DET_OP_ISDATAAT:
		return m->u.isdataat.relative;
	case DET_OP_BASE64_DECODE:
		return m->u.base64.relative;
	default:
		return false;
	}
}

/* Ops that move the cursor later relative ops start from. */
static bool op_moves_cursor(const struct det_op *op)
{
	return op->type == DET_OP_CONTENT || op->type == DET_OP_PCRE ||
	       op->type == DET_OP_BYTE_JUMP || op->type == DET_OP_BYTE_EXTRACT;
}

static int prog_compile(struct det_rule *dr, const struct rule_group *g, struct det_prog *prog,
			char *err, size_t errlen)
{
	prog->buffer = g->buffer;
	prog->dir = g->dir;
	prog->n_ops = 0;
	prog->n_tr = 0;
	for (uint8_t i = 0; i < g->n_transforms && i < sizeof(prog->tr); i++) {
		int tr = det_transform_lookup(g->transforms[i] ? g->transforms[i]->name : NULL);
		if (tr < 0) {
			dr->flags |= DR_F_UNSUPPORTED; /* xor, pcrexform and the like: never matches */
			continue;
		}
		prog->tr[prog->n_tr++] = (uint8_t)tr;
	}
	prog->ops = calloc(g->n ? g->n : 1, sizeof(*prog->ops));
	if (!prog->ops) {
		snprintf(err, errlen, "out of memory compiling rule %u", dr->r->sid);
		return -1;
	}
	for (uint32_t i = 0; i < g->n; i++) {
		const struct rule_match *m = &g->m[i];
		struct det_op *op = &prog->ops[prog->n_ops++];
		op->m = m;
		if (kw_is(m, "content") || kw_is(m, "uricontent")) {
			op->type = DET_OP_CONTENT;
		} else if (kw_is(m, "pcre")) {
			op->type = DET_OP_PCRE;
			/* the ruleset's code is shared and read-only: JIT works on a copy */
			op->re = pcre2_code_copy((const pcre2_code *)m->u.pcre.code);
			if (!op->re) {
				snprintf(err, errlen, "out of memory copying a pcre of rule %u",
					 dr->r->sid);
				return -1;
			}
		} else if (kw_is(m, "byte_test")) {
			op->type = DET_OP_BYTE_TEST;
		} else if (kw_is(m, "byte_jump")) {
			op->type = DET_OP_BYTE_JUMP;
		} else if (kw_is(m, "byte_extract")) {
			op->type = DET_OP_BYTE_EXTRACT;
		} else if (kw_is(m, "byte_math")) {
			op->type = DET_OP_BYTE_MATH;
		} else if (kw_is(m, "isdataat")) {
			op->type = DET_OP_ISDATAAT;
		} else if (kw_is(m, "base64_decode")) {
			op->type = DET_OP_BASE64_DECODE;
		} else if (kw_is(m, "bsize")) {
			op->type = DET_OP_BSIZE;
		} else {
			op->type = DET_OP_UNSUPPORTED;
			dr->flags |= DR_F_UNSUPPORTED;
		}
	}
	/* rel_next: a later relative op whose anchor (the last cursor-moving op before it) is
	 * this one. Only such ops are worth retrying at their next occurrence. */
	int anchor = -1;
	for (uint32_t i = 0; i < prog->n_ops; i++) {
		struct det_op *op = &prog->ops[i];
		if (op_is_relative(op) && anchor >= 0)
			prog->ops[anchor].rel_next = true;
		if (op_moves_cursor(op))
			anchor = (int)i;
	}
	return 0;
}

static void prog_free(struct det_prog *prog)
{
	for (uint32_t i = 0; i < prog->n_ops; i++)
		if (prog->ops[i].re)
			pcre2_code_free(prog->ops[i].re);
	free(prog->ops);
	prog->ops = NULL;
	prog->n_ops = 0;
}

/* `stream-event:NAME` -> enum stream_event (0 if unknown), from stream.h's list itself. */
static uint16_t stream_event_id(const char *name)
{
	static const char *const names[STREAM_EVENT_MAX] = {
#define DET_STREAM_EVENT_NAME(id, text) [STREAM_EVENT_##id] = text,
		STREAM_EVENT_LIST(DET_STREAM_EVENT_NAME)
#undef DET_STREAM_EVENT_NAME
	};
	if (!name)
		return 0;
	if (strncmp(name, "stream.", 7) == 0)
		name += 7;
	for (uint16_t i = 1; i < STREAM_EVENT_MAX; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return 0;
}

static int pops_compile(struct detect_engine *e, struct det_rule *dr, const struct rule_group *g,
			char *err, size_t errlen)
{
	dr->pops = calloc(g->n ? g->n : 1, sizeof(*dr->pops));
	if (!dr->pops) {
		snprintf(err, errlen, "out of memory compiling rule %u", dr->r->sid);
		return -1;
	}
	for (uint32_t i = 0; i < g->n; i++) {
		const struct rule_match *m = &g->m[i];
		struct det_pop *op = &dr->pops[dr->n_pops++];
		op->m = m;
		const char *n = m->kw ? m->kw->name : "";
		if (m->kw && detect_header_supported(m->kw)) {
			op->type = DET_POP_HEADER;
		} else if (strcmp(n, "flow") == 0) {
			op->type = DET_POP_FLOW;
		} else if (strcmp(n, "flowbits") == 0 || strcmp(n, "xbits") == 0 ||
			   strcmp(n, "hostbits") == 0) {
			int rc = detect_bits_compile(&e->vars, m, &op->u.bits);
			if (rc == -1) {
				snprintf(err, errlen, "out of memory compiling rule %u",
					 dr->r->sid);
				return -1;
			}
			if (rc < 0) {
				dr->flags |= DR_F_UNSUPPORTED;
				continue;
			}
			op->type = DET_POP_BITS;
			if (op->u.bits.cmd == RULE_BITS_NOALERT)
				dr->flags |= DR_F_NOALERT;
			else if (!detect_bits_is_condition(&op->u.bits))
				dr->flags |= DR_F_BITS_ACTION;
		} else if (strcmp(n, "flowint") == 0) {
			int rc = detect_flowint_compile(&e->vars, m, &op->u.fi);
			if (rc == -1) {
				snprintf(err, errlen, "out of memory compiling rule %u",
					 dr->r->sid);
				return -1;
			}
			if (rc < 0)
				dr->flags |= DR_F_UNSUPPORTED;
			op->type = DET_POP_FLOWINT;
		} else if (strcmp(n, "decode-event") == 0) {
			const char *ev = m->u.name.name ? m->u.name.name : "";
			if (strncmp(ev, "decoder.", 8) == 0)
				ev += 8;
			enum decode_event id = decode_event_lookup(ev);
			op->type = DET_POP_DECODE_EVENT;
			op->event = (uint16_t)id;
			op->negated = m->u.name.negated;
			if (id == DECODE_EVENT_NONE)
				dr->flags |= DR_F_UNSUPPORTED;
		} else if (strcmp(n, "stream-event") == 0) {
			uint16_t id = stream_event_id(m->u.name.name);
			op->type = DET_POP_STREAM_EVENT;
			op->event = id;
			op->negated = m->u.name.negated;
			if (!id)
				dr->flags |= DR_F_UNSUPPORTED;
		} else if (strcmp(n, "tag") == 0 || strcmp(n, "prefilter") == 0 ||
			   (m->kw && (m->kw->kind == RULES_KW_METADATA ||
				      m->kw->kind == RULES_KW_THRESHOLD))) {
			op->type = DET_POP_IGNORE;
		} else if (m->kw && (m->kw->kind == RULES_KW_APP || m->kw->kind == RULES_KW_EVENT ||
				     strcmp(n, "stream_size") == 0)) {
			/* app-layer state, app/stream events: wait for those stages */
			op->type = DET_POP_IGNORE;
			dr->flags |= DR_F_NEEDS_APP;
		} else {
			/* checksum keywords and anything else without an evaluator here */
			op->type = DET_POP_IGNORE;
			dr->flags |= DR_F_UNSUPPORTED;
		}
	}
	return 0;
}

/*
 * Suricata's IP-only rules: addresses and protocol only — any ports, no flow keyword, no
 * payload or buffer, no app-layer protocol, and in the packet group nothing but metadata-like
 * keywords and flowbits that set, unset or toggle. Their drop drops the flow (and their pass
 * passes it, as every pass does here).
 */
static bool rule_is_ip_only(const struct det_rule *dr)
{
	const struct rule *r = dr->r;
	if (r->app_proto || r->flow || dr->payload.n_ops || dr->n_other || dr->b64.n_ops ||
	    (dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY)) || (r->sp && !r->sp->any) ||
	    (r->dp && !r->dp->any))
		return false;
	for (uint16_t i = 0; i < dr->n_pops; i++) {
		const struct det_pop *op = &dr->pops[i];
		if (op->type == DET_POP_IGNORE)
			continue;
		if (op->type == DET_POP_BITS && !detect_bits_is_condition(&op->u.bits))
			continue;
		return false;
	}
	return true;
}

/* One capture target of a pcre op: group g into flow variable `name`. */
static int capture_add(struct detect_engine *e, struct det_op *op, uint32_t g, const char *name)
{
	if (op->n_cap == DET_MAX_CAPTURES || g == 0 || !name[0])
		return 0;
	int id = detect_vars_intern(&e->vars, name);
	if (id < 0)
		return -1;
	op->cap_group[op->n_cap] = (uint8_t)(g < 255 ? g : 255);
	op->cap_var[op->n_cap] = (uint32_t)id;
	op->n_cap++;
	return 0;
}

static int prog_captures(struct detect_engine *e, struct det_prog *prog)
{
	for (uint32_t i = 0; i < prog->n_ops; i++) {
		struct det_op *op = &prog->ops[i];
		if (op->type != DET_OP_PCRE || !op->re)
			continue;
		/* "flow:name" targets after the regex take groups 1 and 2 in order */
		for (uint32_t k = 0; k < 2; k++) {
			const char *n = op->m->u.pcre.capture_names[k];
			if (n && strncmp(n, "flow:", 5) == 0 && capture_add(e, op, k + 1, n + 5) < 0)
				return -1;
		}
		/* named groups (?P<flow_name>...) */
		uint32_t count = 0, entry = 0;
		PCRE2_SPTR table = NULL;
		if (pcre2_pattern_info(op->re, PCRE2_INFO_NAMECOUNT, &count) != 0 || !count ||
		    pcre2_pattern_info(op->re, PCRE2_INFO_NAMEENTRYSIZE, &entry) != 0 ||
		    pcre2_pattern_info(op->re, PCRE2_INFO_NAMETABLE, &table) != 0 || !table)
			continue;
		for (uint32_t k = 0; k < count; k++) {
			const uint8_t *ent = (const uint8_t *)table + (size_t)k * entry;
			const char *n = (const char *)ent + 2;
			if (strncmp(n, "flow_", 5) == 0 &&
			    capture_add(e, op, (uint32_t)(ent[0] << 8 | ent[1]), n + 5) < 0)
				return -1;
		}
	}
	return 0;
}

int det_rule_captures_compile(struct detect_engine *e, struct det_rule *dr)
{
	if (prog_captures(e, &dr->payload) < 0 || prog_captures(e, &dr->b64) < 0)
		return -1;
	for (uint16_t i = 0; i < dr->n_other; i++)
		if (prog_captures(e, &dr->other[i]) < 0)
			return -1;
	return 0;
}

int det_rule_compile(struct detect_engine *e, struct det_rule *dr, const struct rule *r,
		     char *err, size_t errlen)
{
	memset(dr, 0, sizeof(*dr));
	dr->r = r;
	dr->fp_group = -1;
	dr->fp_match = -1;
	bool ts = r->flow & RULE_FLOW_TO_SERVER, tc = r->flow & RULE_FLOW_TO_CLIENT;
	dr->dir = ts && !tc ? FLOW_DIR_TO_SERVER : tc && !ts ? FLOW_DIR_TO_CLIENT : DET_DIR_BOTH;
	if (r->app_proto)
		dr->flags |= DR_F_NEEDS_APP;
	if ((r->proto_flags & RULE_PF_TCP_STREAM) && !(r->proto_flags & RULE_PF_TCP_PKT))
		dr->flags |= DR_F_STREAM_ONLY;
	if (r->noalert)
		dr->flags |= DR_F_NOALERT;
	size_t n_other = 0;
	for (uint16_t i = 0; i < r->n_groups; i++) {
		uint16_t b = r->groups[i].buffer;
		if (b != RULES_BUF_PACKET && b != RULES_BUF_PAYLOAD &&
		    b != (uint16_t)rules_buffer_lookup("base64_data"))
			n_other++;
	}
	if (n_other) {
		dr->other = calloc(n_other, sizeof(*dr->other));
		if (!dr->other) {
			snprintf(err, errlen, "out of memory compiling rule %u", r->sid);
			return -1;
		}
	}
	int b64 = rules_buffer_lookup("base64_data");
	for (uint16_t i = 0; i < r->n_groups; i++) {
		const struct rule_group *g = &r->groups[i];
		int rc;
		if (g->buffer == RULES_BUF_PACKET) {
			rc = pops_compile(e, dr, g, err, errlen);
		} else if (g->buffer == RULES_BUF_PAYLOAD) {
			rc = prog_compile(dr, g, &dr->payload, err, errlen);
		} else if ((int)g->buffer == b64) {
			rc = prog_compile(dr, g, &dr->b64, err, errlen);
		} else {
			rc = prog_compile(dr, g, &dr->other[dr->n_other++], err, errlen);
			/* ipv4.hdr, tcp.hdr, ...: packet buffers, inspected by rule_match() */
			if (rules_buffer_hdr_kind(g->buffer) == RULES_HDR_NONE)
				dr->flags |= DR_F_NEEDS_APP;
		}
		if (rc < 0)
			return -1;
	}
	/* base64_data is only filled by a base64_decode (in the payload or a sticky buffer) */
	if (dr->b64.n_ops) {
		bool dec = false;
		for (uint32_t i = 0; i < dr->payload.n_ops; i++)
			dec |= dr->payload.ops[i].type == DET_OP_BASE64_DECODE;
		for (uint16_t k = 0; k < dr->n_other; k++)
			for (uint32_t i = 0; i < dr->other[k].n_ops; i++)
				dec |= dr->other[k].ops[i].type == DET_OP_BASE64_DECODE;
		if (!dec)
			dr->flags |= DR_F_UNSUPPORTED;
	}
	if (rule_is_ip_only(dr))
		dr->flags |= DR_F_FLOW_SCOPE;
	if (det_rule_stream_packet(dr))
		dr->flags |= DR_F_STREAM_PKT;
	if (det_rule_captures_compile(e, dr) < 0) {
		snprintf(err, errlen, "out of memory compiling rule %u", r->sid);
		return -1;
	}
	det_fast_pattern_select(dr);
	/* JIT only what can match now: JIT code costs ~10 KiB of executable memory per regex,
	 * and most ET Open regexes sit in app-layer rules that wait for later stages. Without
	 * JIT (unsupported CPU, no memory) PCRE2 interprets: slower, still correct. */
	if (!(dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY | DR_F_UNSUPPORTED))) {
		struct det_prog *progs[2] = { &dr->payload, &dr->b64 };
		for (int k = 0; k < 2; k++)
			for (uint32_t i = 0; i < progs[k]->n_ops; i++)
				if (progs[k]->ops[i].re)
					(void)pcre2_jit_compile(progs[k]->ops[i].re,
								PCRE2_JIT_COMPLETE);
	}
	return 0;
}

void det_rule_free(struct det_rule *dr)
{
	prog_free(&dr->payload);
	prog_free(&dr->b64);
	for (uint16_t i = 0; i < dr->n_other; i++)
		prog_free(&dr->other[i]);
	free(dr->other);
	free(dr->pops);
	free(dr->tcp_flags_ok);
	dr->other = NULL;
	dr->pops = NULL;
	dr->tcp_flags_ok = NULL;
}

/* ---- evaluation order -------------------------------------------------------------------- */

/* Suricata's order: action precedence, then flowbits role (rules that only set bits, then rules
 * that set and read, then readers, then the rest) so a bit set by one rule is seen by a later
 * rule on the same packet, then priority; ties keep file order. */
static int bits_role(const struct det_rule *dr)
{
	bool set = false, read = false;
	for (uint16_t i = 0; i < dr->n_pops; i++) {
		if (dr->pops[i].type != DET_POP_BITS)
			continue;
		if (detect_bits_is_condition(&dr->pops[i].u.bits))
			read |= dr->pops[i].u.bits.cmd != RULE_BITS_NOALERT;
		else
			set = true;
	}
	return set && !read ? 0 : set && read ? 1 : read ? 2 : 3;
}

struct sort_key {
	uint32_t rank, role, prio, idx;
};

static int key_cmp(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	if (x->role != y->role)
		return x->role < y->role ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int rules_sort(struct detect_engine *e)
{
	uint32_t n = e->n_rules;
	struct sort_key *keys = calloc(n ? n : 1, sizeof(*keys));
	struct det_rule *tmp = calloc(n ? n : 1, sizeof(*tmp));
	if (!keys || !tmp) {
		free(keys);
		free(tmp);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct rule *r = e->rules[i].r;
		int prio = r->priority;
		if (prio <= 0 && r->classtype) {
			const struct rules_classtype *ct =
				rules_classtype_lookup(e->rs, r->classtype);
			if (ct)
				prio = ct->priority;
		}
		if (prio <= 0)
			prio = 3;
		keys[i].rank = e->order.rank[detect_action_from_rule(r->action)];
		keys[i].role = (uint32_t)bits_role(&e->rules[i]);
		keys[i].prio = (uint32_t)prio;
		keys[i].idx = i;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (uint32_t i = 0; i < n; i++)
		tmp[i] = e->rules[keys[i].idx];
	memcpy(e->rules, tmp, n * sizeof(*tmp));
	free(tmp);
	free(keys);
	return 0;
}

/* ---- build / free ------------------------------------------------------------------------ */

static bool rule_wanted(const struct rule *r)
{
	return r->status == RULE_STATUS_OK && !r->disabled && r->action != RULE_ACTION_CONFIG;
}

/* Entries of the engine's host table (xbits / hostbits), least recently used out first. */
#define DET_HOSTS_MAX 65536

int detect_engine_build(struct detect_engine **out, const struct rules_ruleset *rs,
			const struct detect_config *cfg, char *err, size_t errlen)
{
	uint64_t t0 = util_monotonic_usec();
	*out = NULL;
	struct detect_engine *e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errlen, "out of memory building the detection engine");
		return -1;
	}
	if (cfg)
		e->cfg = *cfg;
	else
		detect_config_from_conf(&e->cfg, NULL, err, errlen);
	e->rs = rs;
	e->recursion_limit = e->cfg.inspection_recursion_limit ? e->cfg.inspection_recursion_limit
							       : 3000;
	detect_vars_names_init(&e->vars);
	detect_action_order_init(&e->order, &e->cfg);
	for (uint32_t i = 0; i < DET_TC_MAX; i++)
		for (uint32_t d = 0; d < 2; d++)
			for (uint32_t g = 0; g < DET_NPG; g++)
				e->group_of[i][d][g] = UINT16_MAX;

	size_t total = rules_ruleset_count(rs);
	e->stats.rules_total = (uint32_t)total;
	e->rules = calloc(total ? total : 1, sizeof(*e->rules));
	if (!e->rules) {
		snprintf(err, errlen, "out of memory building the detection engine");
		goto fail;
	}
	for (size_t i = 0; i < total; i++) {
		const struct rule *r = rules_ruleset_rule(rs, i);
		if (!rule_wanted(r)) {
			if (r->disabled)
				e->rules_disabled++;
			e->stats.rules_skipped++;
			continue;
		}
		struct det_rule *dr = &e->rules[e->n_rules];
		if (det_rule_compile(e, dr, r, err, errlen) < 0) {
			det_rule_free(dr);
			goto fail;
		}
		if (dr->flags & DR_F_UNSUPPORTED) {
			/* it could never match: leave it out, count it */
			det_rule_free(dr);
			e->rules_unsupported++;
			e->stats.rules_skipped++;
			continue;
		}
		if (dr->flags & (DR_F_NEEDS_APP | DR_F_STREAM_ONLY))
			e->rules_pending++;
		e->n_rules++;
	}
	e->stats.rules_active = e->n_rules;
	if (rules_sort(e) < 0) {
		snprintf(err, errlen, "out of memory building the detection engine");
		goto fail;
	}
	if (e->cfg.threshold_file[0]) {
		e->thr_cfg = detect_threshold_config_new();
		if (!e->thr_cfg) {
			snprintf(err, errlen, "out of memory loading %s", e->cfg.threshold_file);
			goto fail;
		}
		/* The threshold config compiles its address sets into the ruleset's arena; the
		 * ruleset is otherwise only read, and nothing else uses it during the build. */
		int rc = access(e->cfg.threshold_file, F_OK) == 0
				 ? detect_threshold_config_load_file(e->thr_cfg,
								     (struct rules_ruleset *)rs,
								     e->cfg.threshold_file)
				 : 1;
		if (rc < 0) {
			snprintf(err, errlen, "%s",
				 detect_threshold_config_error_count(e->thr_cfg)
					 ? detect_threshold_config_error(e->thr_cfg, 0)
					 : "cannot load the threshold file");
			goto fail;
		}
		/* as Suricata: a configured threshold file that does not exist is a warning */
		if (rc > 0)
			log_warning("detect: threshold file %s not found; running without it",
				    e->cfg.threshold_file);
		for (size_t i = 0; i < detect_threshold_config_error_count(e->thr_cfg); i++)
			log_warning("%s", detect_threshold_config_error(e->thr_cfg, i));
	}
	e->thr_shared = detect_thresholds_new(e->thr_cfg, DET_THRESHOLDS_MAX);
	if (!e->thr_shared) {
		snprintf(err, errlen, "out of memory for the threshold table");
		goto fail;
	}
	e->hosts_shared = detect_hosts_new(DET_HOSTS_MAX);
	if (!e->hosts_shared) {
		snprintf(err, errlen, "out of memory for the host table");
		goto fail;
	}
	if (det_groups_build(e, err, errlen) < 0 || det_mpm_build(e, err, errlen) < 0)
		goto fail;
	if (det_pending_build(e) < 0) {
		snprintf(err, errlen, "out of memory indexing the app-layer and stream rules");
		goto fail;
	}
	e->stats.build_usec = util_monotonic_usec() - t0;
#ifdef __GLIBC__
	/* Hyperscan's compiler leaves hundreds of MiB freed but mapped: give them back */
	malloc_trim(0);
#endif
	*out = e;
	return 0;
fail:
	detect_engine_free(e);
	return -1;
}

void detect_engine_free(struct detect_engine *e)
{
	if (!e)
		return;
	det_pending_free(e);
	det_mpm_free(e);
	for (uint32_t i = 0; i < e->n_rules; i++)
		det_rule_free(&e->rules[i]);
	free(e->rules);
	free(e->groups);
	free(e->portmap[0]);
	free(e->portmap[1]);
	detect_vars_names_free(&e->vars);
	detect_thresholds_free(e->thr_shared);
	detect_hosts_free(e->hosts_shared);
	detect_threshold_config_free(e->thr_cfg);
	free(e);
}

void detect_engine_get_stats(const struct detect_engine *e, struct detect_engine_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (e)
		*out = e->stats;
}

/* ---- thread context ---------------------------------------------------------------------- */


struct detect_thread *detect_thread_new(const struct detect_engine *e)
{
	struct detect_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->e = e;
	size_t words = (e->n_rules + 63) / 64;
	t->cand_bits = calloc(words ? words : 1, sizeof(uint64_t));
	t->cand = calloc(e->n_rules ? e->n_rules : 1, sizeof(uint32_t));
	t->cand_sorted = calloc(e->n_rules ? e->n_rules : 1, sizeof(uint32_t));
	t->cand_tmp = calloc(e->n_rules ? e->n_rules : 1, sizeof(uint32_t));
	t->b64_buf = malloc(DET_B64_MAX);
	t->md = pcre2_match_data_create(16, NULL);
	t->mctx = pcre2_match_context_create(NULL);
	t->mctx_unlimited = pcre2_match_context_create(NULL);
	t->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	t->hosts = e->hosts_shared; /* one table for all workers (its own lock) */
	t->thr = e->thr_shared;
	if (!t->cand_bits || !t->cand || !t->cand_sorted || !t->cand_tmp || !t->b64_buf || !t->md || !t->mctx ||
	    !t->mctx_unlimited || !t->jit_stack || !t->hosts || !t->thr)
		goto fail;
	if (e->cfg.pcre_match_limit)
		pcre2_set_match_limit(t->mctx, e->cfg.pcre_match_limit);
	if (e->cfg.pcre_match_limit_recursion)
		pcre2_set_depth_limit(t->mctx, e->cfg.pcre_match_limit_recursion);
	pcre2_jit_stack_assign(t->mctx, NULL, t->jit_stack);
	pcre2_jit_stack_assign(t->mctx_unlimited, NULL, t->jit_stack);
	if (e->scratch && hs_clone_scratch(e->scratch, &t->scratch) != HS_SUCCESS)
		goto fail;
	return t;
fail:
	detect_thread_free(t);
	return NULL;
}

void detect_thread_free(struct detect_thread *t)
{
	if (!t)
		return;
	if (t->scratch)
		hs_free_scratch(t->scratch);
	pcre2_match_data_free(t->md);
	pcre2_match_context_free(t->mctx);
	pcre2_match_context_free(t->mctx_unlimited);
	pcre2_jit_stack_free(t->jit_stack);
	t->hosts = NULL; /* the engine's */
	free(t->cand_bits);
	free(t->cand);
	free(t->cand_sorted);
	free(t->cand_tmp);
	free(t->app_buf);
	free(t->b64_buf);
	free(t->stream_buf);
	free(t->tr_buf[0]);
	free(t->tr_buf[1]);
	free(t);
}

void detect_thread_get_stats(const struct detect_thread *t, struct detect_thread_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (t)
		*out = t->stats;
}
