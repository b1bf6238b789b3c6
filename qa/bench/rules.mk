# qa/bench/rules.mk — rule-loading benchmark: parse + validate rule files, print rules/s and peak
# RSS. Built with `make check` so it keeps compiling; run with `make bench-rules` (ET Open from
# the shared corpus) or directly: qa/bench/rules-bench [-v] FILE.rules...
check_PROGRAMS += qa/bench/rules-bench
qa_bench_rules_bench_SOURCES = qa/bench/rules-bench.c
qa_bench_rules_bench_LDADD = src/rules/librules.a src/util/libutil.a $(AEGIS_EXT_LIBS)

bench-rules: qa/bench/rules-bench
	qa/bench/rules-bench $(abs_top_srcdir)/../shared/corpus/rulesets/et-open-2024-04-19/*.rules | tail -3
.PHONY: bench-rules
