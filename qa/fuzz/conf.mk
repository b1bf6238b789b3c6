# qa/fuzz/conf.mk — libFuzzer target for the YAML configuration loader. Seeds: qa/fuzz/corpus/conf/.
FUZZ_TARGETS += qa/fuzz/fuzz-conf
FUZZ_CONF_SRCS = $(top_srcdir)/src/conf/conf-tree.c $(top_srcdir)/src/conf/conf-load.c \
	$(top_srcdir)/src/conf/conf-get.c $(top_srcdir)/src/conf/conf-keys.c \
	$(top_srcdir)/src/conf/conf-root.c $(top_srcdir)/src/util/log.c \
	$(top_srcdir)/src/util/text.c $(top_srcdir)/src/util/hash.c
qa/fuzz/fuzz-conf: $(top_srcdir)/qa/fuzz/fuzz-conf.c $(FUZZ_CONF_SRCS)
	@mkdir -p qa/fuzz
	$(FUZZ_BUILD) $^ $(YAML_LIBS)
