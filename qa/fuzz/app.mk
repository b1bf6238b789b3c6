# qa/fuzz/app.mk — libFuzzer targets of the app-layer stage. Seeds: qa/fuzz/corpus/<target>/.
# fuzz-http: the core and the HTTP parser, both directions, random splits and gaps.
FUZZ_TARGETS += qa/fuzz/fuzz-http
qa/fuzz/fuzz-http: $(top_srcdir)/qa/fuzz/fuzz-http.c $(addprefix $(top_srcdir)/,$(APP_SRCS) \
		src/util/digest.c src/util/md5.c src/util/sha256.c) $(FUZZ_CONF_SRCS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_BUILD) $^ $(YAML_LIBS) $(ZLIB_LIBS)
# fuzz-dns / fuzz-tls: the DNS and TLS parsers (with the core), messages and streams.
DNSTLS_SRCS = src/app/dns.c src/app/tls.c src/app/tls-x509.c src/app/ja3.c src/app/ja4.c \
	src/util/digest.c src/util/md5.c src/util/sha256.c
FUZZ_TARGETS += qa/fuzz/fuzz-dns qa/fuzz/fuzz-tls
qa/fuzz/fuzz-dns: $(top_srcdir)/qa/fuzz/fuzz-dns.c $(addprefix $(top_srcdir)/,$(APP_SRCS) \
		$(DNSTLS_SRCS)) $(FUZZ_CONF_SRCS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_BUILD) $^ $(YAML_LIBS) $(ZLIB_LIBS)
qa/fuzz/fuzz-tls: $(top_srcdir)/qa/fuzz/fuzz-tls.c $(addprefix $(top_srcdir)/,$(APP_SRCS) \
		$(DNSTLS_SRCS)) $(FUZZ_CONF_SRCS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_BUILD) $^ $(YAML_LIBS) $(ZLIB_LIBS)
# fuzz-ssh: the SSH parser with the core (identification lines, packet framing, per-direction
# detection against HTTP); ssh.c is part of APP_SRCS.
FUZZ_TARGETS += qa/fuzz/fuzz-ssh
qa/fuzz/fuzz-ssh: $(top_srcdir)/qa/fuzz/fuzz-ssh.c $(addprefix $(top_srcdir)/,$(APP_SRCS) \
		$(DNSTLS_SRCS)) $(FUZZ_CONF_SRCS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_BUILD) $^ $(YAML_LIBS) $(ZLIB_LIBS)
