# qa/fuzz/stream.mk — libFuzzer target for the stream stage: random fragment/segment sequences
# into defrag and TCP reassembly. Seeds live in qa/fuzz/corpus/stream/.
FUZZ_TARGETS += qa/fuzz/fuzz-stream
qa/fuzz/fuzz-stream: $(top_srcdir)/qa/fuzz/fuzz-stream.c \
		$(top_srcdir)/src/stream/policy.c $(top_srcdir)/src/stream/defrag.c \
		$(top_srcdir)/src/stream/reassembly.c \
		$(addprefix $(top_srcdir)/,$(DECODE_SRCS)) $(top_srcdir)/src/util/addr.c \
		$(top_srcdir)/src/util/hash.c $(top_srcdir)/src/util/log.c
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_BUILD) $^
