# qa/fuzz/decode.mk — libFuzzer target for the decode stage: first byte = link type, rest =
# frame. Seeds live in qa/fuzz/corpus/decode/.
FUZZ_TARGETS += qa/fuzz/fuzz-decode
qa/fuzz/fuzz-decode: $(top_srcdir)/qa/fuzz/fuzz-decode.c \
		$(addprefix $(top_srcdir)/,$(DECODE_SRCS)) $(top_srcdir)/src/util/addr.c
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_BUILD) $^
