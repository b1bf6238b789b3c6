# qa/fuzz/app.mk — libFuzzer targets of the app-layer stage. Seeds: qa/fuzz/corpus/<target>/.
# fuzz-http: the core and the HTTP parser, both directions, random splits and gaps.
FUZZ_TARGETS += qa/fuzz/fuzz-http
qa/fuzz/fuzz-http: $(top_srcdir)/qa/fuzz/fuzz-http.c $(addprefix $(top_srcdir)/,$(APP_SRCS)) \
		$(FUZZ_CONF_SRCS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_BUILD) $^ $(YAML_LIBS) $(ZLIB_LIBS)
