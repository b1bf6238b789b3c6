# qa/bench/output.mk — the EVE JSON writer benchmark (jbuf vs jansson, and the whole flow-record
# path). Built with `make check` so it keeps compiling; run it with `make bench-eve-json` or
# directly: qa/bench/eve-json-bench [N].
check_PROGRAMS += qa/bench/eve-json-bench
qa_bench_eve_json_bench_SOURCES = qa/bench/eve-json-bench.c
qa_bench_eve_json_bench_LDADD = src/output/liboutput.a src/app/libapp.a src/flow/libflow.a src/conf/libconf.a src/util/libutil.a $(AEGIS_EXT_LIBS)

bench-eve-json: qa/bench/eve-json-bench
	TZ=UTC qa/bench/eve-json-bench
.PHONY: bench-eve-json
