# qa/bench/detect.mk — detection engine benchmark: rule load + engine build figures (groups,
# Hyperscan databases, patterns, build time cold/warm, RSS) and, with -r, decode + flow + detect
# over a pcap in packets/s. Built with `make check` so it keeps compiling; `make bench-detect`
# runs it on ET Open twice (cold, then warm cache) and over one corpus trace.
check_PROGRAMS += qa/bench/detect-bench
qa_bench_detect_bench_SOURCES = qa/bench/detect-bench.c
qa_bench_detect_bench_LDADD = src/detect/libdetect.a src/rules/librules.a src/flow/libflow.a \
	src/decode/libdecode.a src/conf/libconf.a src/util/libutil.a $(AEGIS_EXT_LIBS)

DETECT_BENCH_ET = $(abs_top_srcdir)/../shared/corpus/rulesets/et-open-2024-04-19
DETECT_BENCH_PCAP = $(abs_top_srcdir)/../shared/corpus/traffic/ndpi-1kxun.pcap
bench-detect: qa/bench/detect-bench$(EXEEXT)
	rm -rf bench-detect-cache
	qa/bench/detect-bench -y $(top_srcdir)/etc/aegis.yaml -c bench-detect-cache \
		$(DETECT_BENCH_ET)/*.rules
	qa/bench/detect-bench -y $(top_srcdir)/etc/aegis.yaml -c bench-detect-cache \
		-r $(DETECT_BENCH_PCAP) -l 5 $(DETECT_BENCH_ET)/*.rules
.PHONY: bench-detect
CLEANFILES += -r bench-detect-cache
