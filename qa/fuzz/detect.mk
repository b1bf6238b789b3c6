# qa/fuzz/detect.mk — libFuzzer target for the detection engine: a fixed engine from a few dozen
# rules, random packets (protocol, ports, flags, payload). Seeds: qa/fuzz/corpus/detect/.
FUZZ_TARGETS += qa/fuzz/fuzz-detect
FUZZ_DETECT_SRCS = $(addprefix $(top_srcdir)/src/detect/,$(DETECT_CORE_SRCS) header.c \
	flowbits.c threshold.c verdict.c) \
	$(RULES_FUZZ_SRCS) $(top_srcdir)/src/conf/conf-tree.c $(top_srcdir)/src/conf/conf-load.c \
	$(top_srcdir)/src/conf/conf-get.c $(top_srcdir)/src/conf/conf-keys.c \
	$(top_srcdir)/src/conf/conf-root.c $(top_srcdir)/src/util/log.c \
	$(top_srcdir)/src/util/text.c $(top_srcdir)/src/util/hash.c \
	$(top_srcdir)/src/util/digest.c $(top_srcdir)/src/util/md5.c $(top_srcdir)/src/util/sha256.c \
	$(addprefix $(top_srcdir)/,$(DECODE_SRCS))
qa/fuzz/fuzz-detect: $(top_srcdir)/qa/fuzz/fuzz-detect.c $(FUZZ_DETECT_SRCS)
	@mkdir -p qa/fuzz
	$(FUZZ_BUILD) $^ $(HS_LIBS) $(PCRE2_LIBS) $(YAML_LIBS) -lstdc++ -lm -lpthread
