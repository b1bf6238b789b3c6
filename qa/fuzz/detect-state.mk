# qa/fuzz/detect-state.mk — libFuzzer target for the threshold.config parser
# (src/detect/threshold.c). Seeds: qa/fuzz/corpus/threshold-config/.
FUZZ_TARGETS += qa/fuzz/fuzz-threshold-config
THRESHOLD_FUZZ_SRCS = $(top_srcdir)/src/detect/threshold.c \
	$(top_srcdir)/src/rules/arena.c $(top_srcdir)/src/rules/addr.c \
	$(top_srcdir)/src/rules/parser.c $(top_srcdir)/src/rules/keywords.c \
	$(top_srcdir)/src/rules/kw-payload.c $(top_srcdir)/src/rules/kw-other.c \
	$(top_srcdir)/src/rules/classification.c $(top_srcdir)/src/rules/diag-print.c \
	$(top_srcdir)/src/util/addr.c $(top_srcdir)/src/util/hash.c $(top_srcdir)/src/util/log.c \
	$(top_srcdir)/src/util/text.c
qa/fuzz/fuzz-threshold-config: $(top_srcdir)/qa/fuzz/fuzz-threshold-config.c $(THRESHOLD_FUZZ_SRCS)
	@mkdir -p qa/fuzz
	$(FUZZ_BUILD) $^ $(PCRE2_LIBS) -lpthread
