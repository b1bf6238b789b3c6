# qa/bench/rules.mk — rule-loading benchmark (include from qa/bench/local.mk):
#   make qa/bench/rules-bench && qa/bench/rules-bench /path/to/*.rules
EXTRA_PROGRAMS += qa/bench/rules-bench
qa_bench_rules_bench_SOURCES = qa/bench/rules-bench.c
qa_bench_rules_bench_LDADD = src/rules/librules.a src/util/libutil.a $(AEGIS_EXT_LIBS)
CLEANFILES += qa/bench/rules-bench
