# qa/fuzz/rules.mk — libFuzzer target for the rule parser (src/rules/).
FUZZ_TARGETS += qa/fuzz/fuzz-rules
RULES_FUZZ_SRCS = $(top_srcdir)/src/rules/arena.c $(top_srcdir)/src/rules/addr.c \
	$(top_srcdir)/src/rules/parser.c $(top_srcdir)/src/rules/keywords.c \
	$(top_srcdir)/src/rules/kw-payload.c $(top_srcdir)/src/rules/kw-other.c \
	$(top_srcdir)/src/rules/classification.c $(top_srcdir)/src/rules/diag-print.c \
	$(top_srcdir)/src/util/addr.c
qa/fuzz/fuzz-rules: $(top_srcdir)/qa/fuzz/fuzz-rules.c $(RULES_FUZZ_SRCS)
	@mkdir -p qa/fuzz
	$(FUZZ_BUILD) $^ $(PCRE2_LIBS) -lpthread
