# qa/bench/tools.mk — the benchmark helpers and the tests of the bench/verify tooling.
#   pcap-read-floor  how fast libpcap alone reads a trace (the floor every row is compared with)
#   pcap-rewrite     builds the deterministic N-copy benchmark trace from a directory of pcaps
# Both are check programs: built by `make check` (which also runs the tooling's tests) or by name;
# scripts/bench builds them itself. `make bench` and `make verify` are shortcuts.
check_PROGRAMS += qa/bench/pcap-read-floor qa/bench/pcap-rewrite
TESTS += qa/tools/test_verify.py qa/tools/test-pcap-rewrite.sh
EXTRA_DIST += qa/bench/bench-flow.yaml qa/tools doc/bench.md

qa_bench_pcap_read_floor_SOURCES = qa/bench/pcap-read-floor.c
qa_bench_pcap_read_floor_LDADD = $(PCAP_LIBS)
qa_bench_pcap_rewrite_SOURCES = qa/bench/pcap-rewrite.c
qa_bench_pcap_rewrite_LDADD = $(PCAP_LIBS)

bench: src/aegis$(EXEEXT) qa/bench/pcap-read-floor$(EXEEXT) qa/bench/pcap-rewrite$(EXEEXT)
	AEGIS_BUILD_DIR=$(abs_top_builddir) $(top_srcdir)/scripts/bench

verify: src/aegis$(EXEEXT)
	AEGIS=$(abs_top_builddir)/src/aegis$(EXEEXT) $(top_srcdir)/scripts/verify --suite $(top_srcdir)/qa/cases

.PHONY: bench verify
