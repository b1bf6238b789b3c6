# qa/fuzz/local.mk — libFuzzer targets, built with clang by `make fuzz` (not part of `all`), one
# fragment per parser (qa/fuzz/<module>.mk). Each fragment appends its target to FUZZ_TARGETS and
# gives a rule to build it with $(FUZZ_BUILD).
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -I$(top_srcdir)/src -I$(top_builddir)
FUZZ_BUILD = $(FUZZ_CC) $(FUZZ_FLAGS) $(PCAP_CFLAGS) $(HS_CFLAGS) $(PCRE2_CFLAGS) $(YAML_CFLAGS) \
	$(JANSSON_CFLAGS) -o $@
include qa/fuzz/decode.mk
include qa/fuzz/conf.mk
include qa/fuzz/rules.mk
include qa/fuzz/detect.mk
include qa/fuzz/detect-state.mk
include qa/fuzz/compact.mk
include qa/fuzz/stream.mk
include qa/fuzz/app.mk

fuzz: $(FUZZ_TARGETS)
.PHONY: fuzz
CLEANFILES += $(FUZZ_TARGETS)
