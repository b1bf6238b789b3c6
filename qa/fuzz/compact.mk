# qa/fuzz/compact.mk — libFuzzer target for the compact L3/L4 firewall syntax parser and its
# evaluation function (src/rules/compact.c; needs only util).
FUZZ_TARGETS += qa/fuzz/fuzz-compact
COMPACT_FUZZ_SRCS = $(top_srcdir)/src/rules/compact.c $(top_srcdir)/src/rules/diag-print.c \
	$(top_srcdir)/src/util/addr.c $(top_srcdir)/src/util/hash.c $(top_srcdir)/src/util/text.c \
	$(top_srcdir)/src/util/log.c
qa/fuzz/fuzz-compact: $(top_srcdir)/qa/fuzz/fuzz-compact.c $(COMPACT_FUZZ_SRCS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_BUILD) $^
